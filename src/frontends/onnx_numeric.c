/* What the ERF engine needs of an ONNX node beyond its receptive field:
 * the constants of pointwise ops, LRN and average pooling, and a note on every
 * node whose fv op only stands in for the real operator (Exp read as
 * identity, Div as mul), so that gradients are never computed through a
 * stand-in. */
#include <math.h>
#include <string.h>

#include "onnx_private.h"

/* Operators that the op table maps to an fv op with other numbers. */
static const char *const stand_ins[] = {
    "Abs",        "Ceil",       "Celu",         "Div",        "Erf",        "Exp",
    "Floor",      "Gather",     "GlobalLpPool", "Log",        "LogSoftmax", "LpPool",
    "Mean",       "Min",        "Neg",          "Pow",        "Reciprocal", "ReduceL1",
    "ReduceL2",   "ReduceLogSumExp", "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd",
    "ReduceSum",  "ReduceSumSquare", "Round",   "Selu",       "Sign",       "Softsign",
    "Split",      "Sqrt",       "ThresholdedRelu",
};

static int is_stand_in(const char *op_type)
{
    for (size_t k = 0; k < sizeof stand_ins / sizeof stand_ins[0]; k++)
        if (strcmp(stand_ins[k], op_type) == 0)
            return 1;
    return 0;
}

/* Why `node` (made from the ONNX node being converted) does not compute
 * what its fv op says, or NULL when it does. */
static const char *why_inexact(onnx_ctx *c, const fv_node *node, char *buf, size_t size)
{
    const char *t = c->node->op_type;
    char s[32];
    if (is_stand_in(t))
        return t;
    if (strcmp(t, "Clip") == 0 && node->op == FV_OP_IDENTITY)
        return "Clip to a range other than [0, 6] or [0, inf)";
    if (strcmp(t, "Mul") == 0 && node->n_inputs == 1)
        return "Mul by a constant";
    if (strcmp(t, "Sub") == 0 && node->n_inputs > 1)
        return "Sub of two feature maps";
    if (strcmp(t, "Pad") == 0 && onnx_attr_string(c, "mode", "constant", s, sizeof s) == FV_OK &&
        strcmp(s, "constant") != 0) {
        snprintf(buf, size, "Pad in mode '%s'", s);
        return buf;
    }
    if (strcmp(t, "Gelu") == 0 &&
        onnx_attr_string(c, "approximate", "none", s, sizeof s) == FV_OK && strcmp(s, "none") != 0)
        return "Gelu with the tanh approximation";
    return NULL;
}

/* LRN: size is required; alpha, beta and bias default to 1e-4, 0.75 and 1. */
static fv_status lrn_constants(onnx_ctx *c, fv_lrn *p)
{
    int64_t size;
    float alpha, beta, bias;
    fv_status st;
    if (!onnx_attr(c, "size"))
        return onnx_fail(c, FV_ERR_SEMANTIC, "attribute 'size' is required");
    if ((st = onnx_attr_int(c, "size", 0, &size)) ||
        (st = onnx_attr_float(c, "alpha", 1e-4f, &alpha)) ||
        (st = onnx_attr_float(c, "beta", 0.75f, &beta)) ||
        (st = onnx_attr_float(c, "bias", 1.0f, &bias)))
        return st;
    if (size < 1 || size > FV_MAX_KERNEL)
        return onnx_fail(c, FV_ERR_SEMANTIC, "size %lld is outside 1..%d", (long long)size,
                         FV_MAX_KERNEL);
    if (!isfinite(alpha) || !isfinite(beta) || !isfinite(bias))
        return onnx_fail(c, FV_ERR_SEMANTIC, "alpha %g, beta %g and bias %g must be finite",
                         alpha, beta, bias);
    *p = (fv_lrn){.size = size, .alpha = alpha, .beta = beta, .bias = bias};
    return FV_OK;
}

/* The constants the engine reads, from the ONNX attributes (ONNX defaults). */
static fv_status read_constants(onnx_ctx *c, fv_node *node)
{
    const char *t = c->node->op_type;
    fv_pointwise *p = &node->params.pointwise;
    float v;
    fv_status st = FV_OK;
    switch (node->op) {
    case FV_OP_LEAKY_RELU:
        if ((st = onnx_attr_float(c, "alpha", 0.01f, &v)) == FV_OK)
            p->alpha = v;
        break;
    case FV_OP_ELU:
        if (strcmp(t, "Elu") == 0 && (st = onnx_attr_float(c, "alpha", 1.0f, &v)) == FV_OK)
            p->alpha = v;
        break;
    case FV_OP_HARD_SIGMOID:
        if ((st = onnx_attr_float(c, "alpha", 0.2f, &v)) == FV_OK) {
            p->alpha = v;
            if ((st = onnx_attr_float(c, "beta", 0.5f, &v)) == FV_OK)
                p->beta = v;
        }
        break;
    case FV_OP_BATCH_NORM:
    case FV_OP_INSTANCE_NORM:
        if ((st = onnx_attr_float(c, "epsilon", 1e-5f, &v)) == FV_OK)
            p->alpha = v;
        break;
    case FV_OP_LRN:
        st = lrn_constants(c, &node->params.lrn);
        break;
    case FV_OP_AVG_POOL: {
        int64_t include;
        if ((st = onnx_attr_int(c, "count_include_pad", 0, &include)) == FV_OK)
            node->params.window.count_include_pad = include != 0;
        break;
    }
    default:
        break;
    }
    return st;
}

fv_status onnx_numeric_node(onnx_ctx *c, size_t first)
{
    char buf[64];
    for (size_t i = first; i < fv_graph_size(c->g); i++) {
        fv_node *node = &c->g->nodes[i];
        fv_status st = read_constants(c, node);
        const char *why = st == FV_OK ? why_inexact(c, node, buf, sizeof buf) : NULL;
        if (st == FV_OK && why)
            st = fv_graph_mark_inexact(c->g, (int32_t)i, why);
        if (st == FV_ERR_NOMEM)
            return onnx_fail(c, st, "out of memory");
        if (st != FV_OK)
            return st;
    }
    return FV_OK;
}
