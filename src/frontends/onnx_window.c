/* Windowed ONNX operators: Conv, ConvTranspose, MaxPool, AveragePool and
 * LpPool, with their padding rules, dilations and output shapes. */
#include <string.h>

#include "fv_limits.h"
#include "onnx_private.h"

static fv_status pad_rule(onnx_ctx *c, fv_pad_rule *rule)
{
    char s[32];
    fv_status st = onnx_attr_string(c, "auto_pad", "NOTSET", s, sizeof s);
    if (st != FV_OK)
        return st;
    if (strcmp(s, "NOTSET") == 0 || s[0] == '\0')
        *rule = FV_PAD_EXPLICIT;
    else if (strcmp(s, "SAME_UPPER") == 0)
        *rule = FV_PAD_SAME_UPPER;
    else if (strcmp(s, "SAME_LOWER") == 0)
        *rule = FV_PAD_SAME_LOWER;
    else if (strcmp(s, "VALID") == 0)
        *rule = FV_PAD_VALID;
    else
        return onnx_fail(c, FV_ERR_SEMANTIC,
                         "auto_pad '%s' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID", s);
    return FV_OK;
}

/* Reads a per-axis int list of length 0 or `want` (`want2` also accepted). */
static fv_status axis_list(onnx_ctx *c, const char *name, int64_t *v, size_t want, size_t want2,
                           size_t *n)
{
    fv_status st = onnx_attr_ints(c, name, v, 8, n);
    if (st == FV_OK && *n != 0 && *n != want && *n != want2)
        return onnx_fail(c, FV_ERR_SEMANTIC, "attribute '%s' has %zu values; this window needs %zu",
                         name, *n, want);
    return st;
}

static fv_status check_range(onnx_ctx *c, const char *name, size_t k, int64_t v, int64_t lo,
                             int64_t hi)
{
    if (v >= lo && v <= hi)
        return FV_OK;
    return onnx_fail(c, FV_ERR_SEMANTIC, "%s[%zu] = %lld is outside %lld..%lld", name, k,
                     (long long)v, (long long)lo, (long long)hi);
}

/* ConvTranspose with output_shape: the padding follows from the sizes. */
static fv_status convt_output_shape(onnx_ctx *c, fv_window *w, int32_t input, const int64_t *os,
                                    size_t nos, size_t nsp)
{
    int64_t in[FV_AXES];
    fv_status st = onnx_map_size(c, input, "output_shape", in);
    for (size_t i = 0; i < nsp && st == FV_OK; i++) {
        int a = nsp == 2 ? (int)i : FV_AXIS_X;
        int64_t out = os[nos - nsp + i];
        int64_t dk = (w->kernel[a] - 1) * w->dilation[a] + 1;
        int64_t total = w->stride[a] * (in[a] - 1) + w->output_padding[a] + dk - out;
        if (total < 0 || total > 2 * (int64_t)FV_MAX_PAD)
            return onnx_fail(c, FV_ERR_SEMANTIC,
                             "output_shape %lld cannot come from input size %lld (padding %lld)",
                             (long long)out, (long long)in[a], (long long)total);
        /* ONNX: SAME_UPPER puts the odd pixel at the end, everything else at the start. */
        w->pad_begin[a] = w->rule == FV_PAD_SAME_UPPER ? total / 2 : total - total / 2;
        w->pad_end[a] = total - w->pad_begin[a];
    }
    w->rule = FV_PAD_EXPLICIT;
    return st;
}

fv_status onnx_op_window(onnx_ctx *c, fv_op op, const onnx_inputs *in)
{
    int is_conv = op == FV_OP_CONV || op == FV_OP_CONV_TRANSPOSE;
    int64_t k[8], s[8], d[8], p[8], opad[8], os[8], wdims[8];
    size_t nk, ns, nd, np, nop = 0, nos = 0;
    fv_status st = onnx_attr_ints(c, "kernel_shape", k, 8, &nk);
    if (st != FV_OK)
        return st;
    int wn = is_conv ? onnx_input_dims(c, 1, wdims, 8) : -1;
    if (nk == 0 && wn >= 3) {
        nk = (size_t)wn - 2;
        memcpy(k, wdims + 2, nk * sizeof *k);
    }
    if (nk == 0)
        return onnx_fail(c, FV_ERR_SEMANTIC,
                         is_conv ? "no kernel_shape, and the weight is not an initializer"
                                 : "attribute 'kernel_shape' is required");
    if (nk > 2)
        return onnx_fail(c, FV_ERR_UNSUPPORTED, "%zu-D windows are not supported (only 1-D and 2-D)",
                         nk);
    size_t nsp = nk;
    if ((st = axis_list(c, "strides", s, nsp, nsp, &ns)) != FV_OK ||
        (st = axis_list(c, "dilations", d, nsp, nsp, &nd)) != FV_OK ||
        (st = axis_list(c, "pads", p, 2 * nsp, 2 * nsp, &np)) != FV_OK)
        return st;
    if (op == FV_OP_CONV_TRANSPOSE &&
        ((st = axis_list(c, "output_padding", opad, nsp, nsp, &nop)) != FV_OK ||
         (st = axis_list(c, "output_shape", os, nsp, nsp + 2, &nos)) != FV_OK))
        return st;

    fv_layer layer;
    fv_layer_init(&layer, op);
    fv_window *w = &layer.params.window;
    for (size_t i = 0; i < nsp; i++) {
        int a = nsp == 2 ? (int)i : FV_AXIS_X;
        if ((st = check_range(c, "kernel_shape", i, k[i], 1, FV_MAX_KERNEL)) != FV_OK ||
            (ns && (st = check_range(c, "strides", i, s[i], 1, FV_MAX_STRIDE)) != FV_OK) ||
            (nd && (st = check_range(c, "dilations", i, d[i], 1, FV_MAX_STRIDE)) != FV_OK) ||
            (np && (st = check_range(c, "pads", i, p[i], 0, FV_MAX_PAD)) != FV_OK) ||
            (np && (st = check_range(c, "pads", i + nsp, p[i + nsp], 0, FV_MAX_PAD)) != FV_OK) ||
            (nop && (st = check_range(c, "output_padding", i, opad[i], 0, FV_MAX_STRIDE)) != FV_OK) ||
            (nos && (st = check_range(c, "output_shape", nos - nsp + i, os[nos - nsp + i], 1,
                                      FV_MAX_DIM)) != FV_OK))
            return st;
        w->kernel[a] = k[i];
        w->stride[a] = ns ? s[i] : 1;
        w->dilation[a] = nd ? d[i] : 1;
        w->pad_begin[a] = np ? p[i] : 0;
        w->pad_end[a] = np ? p[i + nsp] : 0;
        w->output_padding[a] = nop ? opad[i] : 0;
    }
    if ((st = pad_rule(c, &w->rule)) != FV_OK)
        return st;
    if (is_conv) {
        if ((st = onnx_attr_int(c, "group", 1, &w->groups)) != FV_OK)
            return st;
        if (w->groups < 1 || w->groups > FV_MAX_CHANNELS)
            return onnx_fail(c, FV_ERR_SEMANTIC, "group %lld is not a positive channel count",
                             (long long)w->groups);
        /* The weight's dims come from the file: the product may not fit. */
        if (wn == (int)nsp + 2 && wdims[0] > 0 && wdims[1] > 0) {
            if (op == FV_OP_CONV)
                layer.channels = wdims[0];
            else if (__builtin_mul_overflow(wdims[1], w->groups, &layer.channels))
                layer.channels = 0;
        }
        if (layer.channels > FV_MAX_CHANNELS || layer.channels % w->groups != 0)
            layer.channels = 0; /* fv_graph_check would reject; the weight is not ours to judge */
    } else {
        int64_t ceil_mode;
        if ((st = onnx_attr_int(c, "ceil_mode", 0, &ceil_mode)) != FV_OK)
            return st;
        w->ceil_mode = ceil_mode != 0 ? FV_CEIL_ON : FV_CEIL_OFF;
    }
    if (nos && (st = convt_output_shape(c, w, in->node[0], os, nos, nsp)) != FV_OK)
        return st;
    return onnx_emit(c, &layer, in, 1, in->vector);
}
