/* ONNX operators that change a tensor's layout or leave only a vector:
 * Flatten, Reshape, Transpose, Squeeze/Unsqueeze, Gemm/MatMul, the Reduce
 * family, Softmax and Gather. A feature map keeps its spatial axes through
 * them or becomes a vector that sees the whole input. */
#include <string.h>

#include "fv_limits.h"
#include "onnx_private.h"

fv_status onnx_op_flatten(onnx_ctx *c, fv_op op, const onnx_inputs *in)
{
    return onnx_emit_op(c, in->vector ? FV_OP_IDENTITY : FV_OP_FLATTEN, in, 1, 1);
}

/* Reshape to rank 4 or more keeps the trailing spatial axes (channel
 * shuffles, grouped views); to rank 2 or 3 it flattens them. */
fv_status onnx_op_reshape(onnx_ctx *c, fv_op op, const onnx_inputs *in)
{
    if (in->vector)
        return onnx_emit_op(c, FV_OP_IDENTITY, in, 1, 1);
    const onnx_value *v = onnx_has_input(c, 1) ? onnx_lookup(c, c->node->input[1]) : NULL;
    int64_t shape[8];
    uint8_t known[8]; /* the rank is what matters: a folded shape may leave values to run time */
    size_t n = 0;
    if (v && v->kind == ONNX_CONST && (v->tensor || v->attr || v->vec)) {
        fv_status st = onnx_input_ints_partial(c, 1, "the shape input", shape, known, 8, &n);
        if (st != FV_OK)
            return st;
        if (n >= 4)
            return onnx_emit_op(c, FV_OP_IDENTITY, in, 1, 0);
    } else if (fv_graph_warn(c->g, "node %zu '%s' (Reshape): the target shape is computed at run "
                                   "time; fovea takes it as a flatten",
                             c->index, c->node->name ? c->node->name : "") != FV_OK) {
        return onnx_fail(c, FV_ERR_NOMEM, "out of memory");
    }
    return onnx_emit_op(c, FV_OP_FLATTEN, in, 1, 1);
}

fv_status onnx_op_transpose(onnx_ctx *c, fv_op op, const onnx_inputs *in)
{
    int64_t perm[8];
    size_t n;
    fv_status st = onnx_attr_ints(c, "perm", perm, 8, &n);
    if (st != FV_OK)
        return st;
    if (in->vector)
        return onnx_emit_op(c, FV_OP_IDENTITY, in, 1, 1);
    /* Anything that leaves the last two axes where they are keeps the map. */
    if (n >= 2 && perm[n - 2] == (int64_t)n - 2 && perm[n - 1] == (int64_t)n - 1)
        return onnx_emit_op(c, FV_OP_IDENTITY, in, 1, 0);
    return onnx_fail(c, FV_ERR_UNSUPPORTED,
                     "Transpose moves the spatial axes of a feature map; fovea reads NCHW only");
}

fv_status onnx_op_rank(onnx_ctx *c, fv_op op, const onnx_inputs *in)
{
    if (in->vector)
        return onnx_emit_op(c, FV_OP_IDENTITY, in, 1, 1);
    return onnx_fail(c, FV_ERR_UNSUPPORTED, "%s changes the rank of a feature map",
                     c->node->op_type);
}

fv_status onnx_op_fc(onnx_ctx *c, fv_op op, const onnx_inputs *in)
{
    fv_layer layer;
    fv_layer_init(&layer, FV_OP_FULLY_CONNECTED);
    int64_t dims[8], trans_b;
    fv_status st = onnx_attr_int(c, "transB", 0, &trans_b);
    if (st != FV_OK)
        return st;
    if (onnx_input_dims(c, 1, dims, 8) == 2 && strcmp(c->node->op_type, "Gemm") == 0)
        layer.channels = trans_b ? dims[0] : dims[1];
    if (layer.channels < 0 || layer.channels > FV_MAX_CHANNELS)
        layer.channels = 0;
    return onnx_emit(c, &layer, in, 1, 1);
}

fv_status onnx_op_reduce(onnx_ctx *c, fv_op op, const onnx_inputs *in)
{
    int64_t axes[8];
    size_t n;
    fv_status st = onnx_attr(c, "axes") ? onnx_attr_ints(c, "axes", axes, 8, &n)
                                        : onnx_input_ints(c, 1, "the axes input", axes, 8, &n);
    if (st != FV_OK)
        return st;
    if (in->vector)
        return onnx_emit_op(c, FV_OP_IDENTITY, in, 1, 1);
    int seen[FV_AXES] = {n == 0, n == 0}; /* no axes: reduce everything */
    for (size_t k = 0; k < n; k++) {
        int a = onnx_spatial_axis(c, axes[k]);
        if (a == -2)
            return onnx_fail(c, FV_ERR_SEMANTIC, "axis %lld is out of range", (long long)axes[k]);
        if (a >= 0)
            seen[a] = 1;
    }
    if (c->rank == 3)
        seen[FV_AXIS_Y] = seen[FV_AXIS_X];
    if (seen[0] && seen[1])
        return onnx_emit_op(c, op, in, 1, 1);
    if (!seen[0] && !seen[1])
        return onnx_emit_op(c, FV_OP_IDENTITY, in, 1, 0); /* over channels only */
    return onnx_fail(c, FV_ERR_UNSUPPORTED, "reducing one spatial axis only is not supported");
}

fv_status onnx_op_softmax(onnx_ctx *c, fv_op op, const onnx_inputs *in)
{
    int64_t axis;
    fv_status st = onnx_attr_int(c, "axis", onnx_softmax_default_axis(c->opset), &axis);
    if (st != FV_OK)
        return st;
    if (in->vector)
        return onnx_emit_op(c, FV_OP_SOFTMAX, in, 1, 1);
    int a = onnx_spatial_axis(c, axis);
    if (a == -2)
        return onnx_fail(c, FV_ERR_SEMANTIC, "axis %lld is out of range", (long long)axis);
    /* Before opset 13 the op normalises over every axis from `axis` on. */
    if (a == -1 && (axis == 1 || axis == 1 - c->rank) && c->opset >= 13)
        return onnx_emit_op(c, FV_OP_SOFTMAX, in, 1, 0);
    return onnx_fail(c, FV_ERR_UNSUPPORTED,
                     "softmax over spatial axes (axis %lld, opset %lld) makes every unit see the "
                     "whole map; fovea supports it over channels only",
                     (long long)axis, (long long)c->opset);
}

fv_status onnx_op_gather(onnx_ctx *c, fv_op op, const onnx_inputs *in)
{
    int64_t axis;
    fv_status st = onnx_attr_int(c, "axis", 0, &axis);
    if (st != FV_OK)
        return st;
    if (!in->vector && onnx_spatial_axis(c, axis) >= 0)
        return onnx_fail(c, FV_ERR_UNSUPPORTED, "Gather along spatial axis %lld is not supported",
                         (long long)axis);
    return onnx_emit_op(c, FV_OP_IDENTITY, in, 1, in->vector);
}
