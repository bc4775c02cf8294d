/* The ONNX operators fovea maps, one row each naming the function that
 * converts it, and the dispatch of a node to its row. Only the RF-relevant
 * part of an op is read: its window, its resampling, or the fact that it is
 * pointwise or global. The conversions live by family in onnx_window.c,
 * onnx_resample.c, onnx_layout.c and onnx_consts.c; the small ones here. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fv_limits.h"
#include "onnx_private.h"

/* ------------------------------------------------------------- outputs */

fv_status onnx_define_output(onnx_ctx *c, size_t o, int32_t node, int vector)
{
    const char *name = c->node->output[o];
    if (!name[0])
        return FV_OK;
    onnx_value v = {.name = name, .kind = ONNX_FEATURE, .node = node, .vector = vector};
    fv_status st = onnx_define(c, &v);
    /* The tensor name selects the node too (--layer); a name too long to
     * be a node name is too long to type, and is left out. */
    if (st == FV_OK && strlen(name) <= FV_MAX_NAME && fv_graph_alias(c->g, name, node, c->diag) != FV_OK)
        return onnx_fail(c, FV_ERR_NOMEM, "out of memory");
    return st;
}

fv_status onnx_define_outputs(onnx_ctx *c, int32_t node, int vector)
{
    fv_status st = FV_OK;
    for (size_t o = 0; o < c->node->n_output && st == FV_OK; o++)
        st = onnx_define_output(c, o, node, vector);
    return st;
}

fv_status onnx_emit(onnx_ctx *c, fv_layer *layer, const onnx_inputs *in, size_t n, int vector)
{
    layer->inputs = in->node;
    layer->n_inputs = n;
    int32_t index;
    fv_status st = onnx_add_layer(c, layer, "", &index);
    return st == FV_OK ? onnx_define_outputs(c, index, vector) : st;
}

fv_status onnx_emit_op(onnx_ctx *c, fv_op op, const onnx_inputs *in, size_t n, int vector)
{
    fv_layer layer;
    fv_layer_init(&layer, op);
    return onnx_emit(c, &layer, in, n, vector);
}

int onnx_spatial_axis(const onnx_ctx *c, int64_t a)
{
    if (a < 0)
        a += c->rank;
    if (a < 0 || a >= c->rank)
        return -2;
    if (a == c->rank - 1)
        return FV_AXIS_X;
    if (c->rank == 4 && a == 2)
        return FV_AXIS_Y;
    return -1;
}

/* ---------------------------------------------------- one-line families */

static fv_status pointwise(onnx_ctx *c, fv_op op, const onnx_inputs *in)
{
    return onnx_emit_op(c, op, in, 1, in->vector);
}

static fv_status global(onnx_ctx *c, fv_op op, const onnx_inputs *in)
{
    return onnx_emit_op(c, in->vector ? FV_OP_IDENTITY : op, in, 1, 1);
}

static fv_status merge(onnx_ctx *c, fv_op op, const onnx_inputs *in)
{
    return onnx_emit_op(c, op, in, in->n, in->vector);
}

static fv_status concat(onnx_ctx *c, fv_op op, const onnx_inputs *in)
{
    int64_t axis;
    if (!onnx_attr(c, "axis"))
        return onnx_fail(c, FV_ERR_SEMANTIC, "attribute 'axis' is required");
    fv_status st = onnx_attr_int(c, "axis", 1, &axis);
    if (st == FV_OK && !in->vector && onnx_spatial_axis(c, axis) != -1)
        st = onnx_fail(c, FV_ERR_UNSUPPORTED,
                       "Concat along axis %lld: fovea merges feature maps along "
                       "channels (axis 1) only",
                       (long long)axis);
    return st == FV_OK ? onnx_emit_op(c, op, in, in->n, in->vector) : st;
}

/* Clip is relu6 for [0, 6], relu for [0, inf), and pointwise in any case. */
static fv_status clip(onnx_ctx *c, fv_op op, const onnx_inputs *in)
{
    float lo = -INFINITY, hi = INFINITY, v[1];
    size_t n;
    fv_status st = FV_OK;
    if (c->opset < 11) {
        if ((st = onnx_attr_float(c, "min", lo, &lo)) == FV_OK)
            st = onnx_attr_float(c, "max", hi, &hi);
    } else {
        for (size_t k = 1; k <= 2 && st == FV_OK; k++) {
            const onnx_value *b = onnx_has_input(c, k) ? onnx_lookup(c, c->node->input[k]) : NULL;
            if (!b || b->kind != ONNX_CONST || (!b->tensor && !b->attr))
                continue;
            st = onnx_input_floats(c, k, k == 1 ? "the min input" : "the max input", v, 1, &n);
            if (st == FV_OK && n == 1)
                *(k == 1 ? &lo : &hi) = v[0];
        }
    }
    if (st != FV_OK)
        return st;
    fv_op as = lo == 0 && hi == 6 ? FV_OP_RELU6 : lo == 0 && isinf(hi) ? FV_OP_RELU : FV_OP_IDENTITY;
    return onnx_emit_op(c, as, in, 1, in->vector);
}

/* ----------------------------------------------------------------- table */

typedef struct op_row {
    const char *name;
    onnx_convert_fn *convert;
    fv_op op;
} op_row;

/* Sorted by name (strcmp order) for bsearch; test_onnx checks the order. */
static const op_row ops[] = {
    {"Abs",                     pointwise,         FV_OP_IDENTITY},
    {"Add",                     merge,             FV_OP_ADD},
    {"AveragePool",             onnx_op_window,    FV_OP_AVG_POOL},
    {"BatchNormalization",      pointwise,         FV_OP_BATCH_NORM},
    {"Cast",                    pointwise,         FV_OP_IDENTITY},
    {"Ceil",                    pointwise,         FV_OP_IDENTITY},
    {"Celu",                    pointwise,         FV_OP_ELU},
    {"Clip",                    clip,              FV_OP_RELU6},
    {"Concat",                  concat,            FV_OP_CONCAT},
    {"Constant",                onnx_op_constant,  FV_OP_IDENTITY},
    {"Conv",                    onnx_op_window,    FV_OP_CONV},
    {"ConvTranspose",           onnx_op_window,    FV_OP_CONV_TRANSPOSE},
    {"DepthToSpace",            onnx_op_block,     FV_OP_DEPTH_TO_SPACE},
    {"Div",                     merge,             FV_OP_MUL},
    {"Dropout",                 pointwise,         FV_OP_DROPOUT},
    {"Elu",                     pointwise,         FV_OP_ELU},
    {"Erf",                     pointwise,         FV_OP_IDENTITY},
    {"Exp",                     pointwise,         FV_OP_IDENTITY},
    {"Flatten",                 onnx_op_flatten,   FV_OP_FLATTEN},
    {"Floor",                   pointwise,         FV_OP_IDENTITY},
    {"Gather",                  onnx_op_gather,    FV_OP_IDENTITY},
    {"Gelu",                    pointwise,         FV_OP_GELU},
    {"Gemm",                    onnx_op_fc,        FV_OP_FULLY_CONNECTED},
    {"GlobalAveragePool",       global,            FV_OP_GLOBAL_AVG_POOL},
    {"GlobalLpPool",            global,            FV_OP_GLOBAL_AVG_POOL},
    {"GlobalMaxPool",           global,            FV_OP_GLOBAL_MAX_POOL},
    {"HardSigmoid",             pointwise,         FV_OP_HARD_SIGMOID},
    {"HardSwish",               pointwise,         FV_OP_HARD_SWISH},
    {"Identity",                pointwise,         FV_OP_IDENTITY},
    {"InstanceNormalization",   pointwise,         FV_OP_INSTANCE_NORM},
    {"LRN",                     pointwise,         FV_OP_LRN},
    {"LeakyRelu",               pointwise,         FV_OP_LEAKY_RELU},
    {"Log",                     pointwise,         FV_OP_IDENTITY},
    {"LogSoftmax",              onnx_op_softmax,   FV_OP_SOFTMAX},
    {"LpPool",                  onnx_op_window,    FV_OP_AVG_POOL},
    {"MatMul",                  onnx_op_fc,        FV_OP_FULLY_CONNECTED},
    {"Max",                     merge,             FV_OP_MAX},
    {"MaxPool",                 onnx_op_window,    FV_OP_MAX_POOL},
    {"Mean",                    merge,             FV_OP_ADD},
    {"Min",                     merge,             FV_OP_MAX},
    {"Mish",                    pointwise,         FV_OP_MISH},
    {"Mul",                     merge,             FV_OP_MUL},
    {"Neg",                     pointwise,         FV_OP_IDENTITY},
    {"PRelu",                   pointwise,         FV_OP_PRELU},
    {"Pad",                     onnx_op_pad,       FV_OP_PAD},
    {"Pow",                     merge,             FV_OP_MUL},
    {"Reciprocal",              pointwise,         FV_OP_IDENTITY},
    {"ReduceL1",                onnx_op_reduce,    FV_OP_GLOBAL_AVG_POOL},
    {"ReduceL2",                onnx_op_reduce,    FV_OP_GLOBAL_AVG_POOL},
    {"ReduceLogSumExp",         onnx_op_reduce,    FV_OP_GLOBAL_AVG_POOL},
    {"ReduceMax",               onnx_op_reduce,    FV_OP_GLOBAL_MAX_POOL},
    {"ReduceMean",              onnx_op_reduce,    FV_OP_GLOBAL_AVG_POOL},
    {"ReduceMin",               onnx_op_reduce,    FV_OP_GLOBAL_MAX_POOL},
    {"ReduceProd",              onnx_op_reduce,    FV_OP_GLOBAL_AVG_POOL},
    {"ReduceSum",               onnx_op_reduce,    FV_OP_GLOBAL_AVG_POOL},
    {"ReduceSumSquare",         onnx_op_reduce,    FV_OP_GLOBAL_AVG_POOL},
    {"Relu",                    pointwise,         FV_OP_RELU},
    {"Reshape",                 onnx_op_reshape,   FV_OP_FLATTEN},
    {"Resize",                  onnx_op_resize,    FV_OP_RESIZE},
    {"Round",                   pointwise,         FV_OP_IDENTITY},
    {"Selu",                    pointwise,         FV_OP_ELU},
    {"Shape",                   onnx_op_shape,     FV_OP_IDENTITY},
    {"Sigmoid",                 pointwise,         FV_OP_SIGMOID},
    {"Sign",                    pointwise,         FV_OP_IDENTITY},
    {"Size",                    onnx_op_shape,     FV_OP_IDENTITY},
    {"Slice",                   onnx_op_slice,     FV_OP_SLICE},
    {"Softmax",                 onnx_op_softmax,   FV_OP_SOFTMAX},
    {"Softplus",                pointwise,         FV_OP_SOFTPLUS},
    {"Softsign",                pointwise,         FV_OP_IDENTITY},
    {"SpaceToDepth",            onnx_op_block,     FV_OP_SPACE_TO_DEPTH},
    {"Split",                   onnx_op_split,     FV_OP_IDENTITY},
    {"Sqrt",                    pointwise,         FV_OP_IDENTITY},
    {"Squeeze",                 onnx_op_rank,      FV_OP_IDENTITY},
    {"Sub",                     merge,             FV_OP_ADD},
    {"Sum",                     merge,             FV_OP_ADD},
    {"Tanh",                    pointwise,         FV_OP_TANH},
    {"ThresholdedRelu",         pointwise,         FV_OP_RELU},
    {"Transpose",               onnx_op_transpose, FV_OP_IDENTITY},
    {"Unsqueeze",               onnx_op_rank,      FV_OP_IDENTITY},
    {"Upsample",                onnx_op_upsample,  FV_OP_RESIZE},
};

static int row_cmp(const void *key, const void *row)
{
    return strcmp(key, ((const op_row *)row)->name);
}

static const op_row *find_op(const char *op_type)
{
    return bsearch(op_type, ops, sizeof ops / sizeof ops[0], sizeof ops[0], row_cmp);
}

int onnx_op_known(const char *op_type) { return find_op(op_type) != NULL; }

int onnx_op_table_sorted(void)
{
    for (size_t k = 1; k < sizeof ops / sizeof ops[0]; k++)
        if (strcmp(ops[k - 1].name, ops[k].name) >= 0)
            return 0;
    return 1;
}

/* ------------------------------------------------------------------ node */

/* An operator fovea does not know: an error, or identity when asked. */
static fv_status unknown(onnx_ctx *c, const onnx_inputs *in)
{
    const Onnx__NodeProto *n = c->node;
    int foreign = n->domain && n->domain[0] && strcmp(n->domain, "ai.onnx") != 0;
    char what[300];
    snprintf(what, sizeof what, "%s%s%s", foreign ? n->domain : "", foreign ? "." : "", n->op_type);
    if (!c->options->unknown_as_identity)
        return onnx_fail(c, FV_ERR_UNSUPPORTED,
                         "unknown operator '%s' (--unknown=identity assumes it changes nothing "
                         "spatially)",
                         what);
    /* Several feature inputs: the union of what they see. */
    fv_layer layer;
    fv_layer_init(&layer, in->n > 1 ? FV_OP_ADD : FV_OP_IDENTITY);
    layer.inputs = in->node;
    layer.n_inputs = in->n;
    int32_t index;
    fv_status st = onnx_add_layer(c, &layer, "", &index);
    if (st != FV_OK)
        return st;
    fv_graph_mark_assumed(c->g, index);
    if (fv_graph_warn(c->g, "node %zu '%s' (%s): unknown operator, assumed to be identity",
                      c->index, n->name ? n->name : "", what) != FV_OK)
        return onnx_fail(c, FV_ERR_NOMEM, "out of memory");
    return onnx_define_outputs(c, index, in->vector);
}

static fv_status gather_inputs(onnx_ctx *c, onnx_inputs *in)
{
    const Onnx__NodeProto *n = c->node;
    in->n = 0;
    in->vector = 1;
    for (size_t k = 0; k < n->n_input; k++) {
        if (!n->input[k][0])
            continue;
        const onnx_value *v = onnx_lookup(c, n->input[k]);
        if (!v) /* order_nodes found every producer; only a bug gets here */
            return onnx_fail(c, FV_ERR_SEMANTIC, "input '%s' is undefined", n->input[k]);
        if (v->kind != ONNX_FEATURE)
            continue;
        if (in->n == FV_MAX_INPUTS)
            return onnx_fail(c, FV_ERR_LIMIT, "more than %d feature inputs", FV_MAX_INPUTS);
        in->node[in->n++] = v->node;
        in->vector &= v->vector;
    }
    return FV_OK;
}

fv_status onnx_convert_node(onnx_ctx *c)
{
    const Onnx__NodeProto *n = c->node;
    if (!n->op_type || !n->op_type[0])
        return onnx_fail(c, FV_ERR_SEMANTIC, "the node has no op_type");
    if (n->n_output == 0)
        return onnx_fail(c, FV_ERR_SEMANTIC, "the node has no outputs");
    int foreign = n->domain && n->domain[0] && strcmp(n->domain, "ai.onnx") != 0;
    const op_row *row = foreign ? NULL : find_op(n->op_type);
    if (row && row->convert == onnx_op_constant)
        return onnx_op_constant(c, row->op, NULL);
    onnx_inputs *in = malloc(sizeof *in);
    if (!in)
        return onnx_fail(c, FV_ERR_NOMEM, "out of memory");
    fv_status st = gather_inputs(c, in);
    /* Shape arithmetic: Shape of a map, and anything computed from constants only. */
    if (st == FV_OK && ((row && row->convert == onnx_op_shape) || in->n == 0))
        st = onnx_op_shape(c, FV_OP_IDENTITY, in);
    else if (st == FV_OK)
        st = row ? row->convert(c, row->op, in) : unknown(c, in);
    free(in);
    return st;
}
