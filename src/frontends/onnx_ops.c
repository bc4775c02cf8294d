/* The ONNX operators fovea maps, one row each, and how each becomes fv
 * nodes. Only the RF-relevant part of an op is read: its window, its
 * resampling, or the fact that it is pointwise or global. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fv_limits.h"
#include "onnx_private.h"

typedef enum handler {
    H_POINTWISE, H_WINDOW, H_GLOBAL, H_MERGE, H_CONCAT, H_PAD, H_RESIZE, H_UPSAMPLE, H_BLOCK,
    H_SLICE, H_SPLIT, H_FLATTEN, H_RESHAPE, H_FC, H_TRANSPOSE, H_RANK, H_REDUCE, H_SOFTMAX,
    H_CLIP, H_GATHER, H_SHAPE, H_CONSTANT
} handler;

typedef struct op_row {
    const char *name;
    handler h;
    fv_op op;
} op_row;

/* Sorted by name (strcmp order) for bsearch; test_onnx checks the order. */
static const op_row ops[] = {
    {"Abs", H_POINTWISE, FV_OP_IDENTITY},
    {"Add", H_MERGE, FV_OP_ADD},
    {"AveragePool", H_WINDOW, FV_OP_AVG_POOL},
    {"BatchNormalization", H_POINTWISE, FV_OP_BATCH_NORM},
    {"Cast", H_POINTWISE, FV_OP_IDENTITY},
    {"Ceil", H_POINTWISE, FV_OP_IDENTITY},
    {"Celu", H_POINTWISE, FV_OP_ELU},
    {"Clip", H_CLIP, FV_OP_RELU6},
    {"Concat", H_CONCAT, FV_OP_CONCAT},
    {"Constant", H_CONSTANT, FV_OP_IDENTITY},
    {"Conv", H_WINDOW, FV_OP_CONV},
    {"ConvTranspose", H_WINDOW, FV_OP_CONV_TRANSPOSE},
    {"DepthToSpace", H_BLOCK, FV_OP_DEPTH_TO_SPACE},
    {"Div", H_MERGE, FV_OP_MUL},
    {"Dropout", H_POINTWISE, FV_OP_DROPOUT},
    {"Elu", H_POINTWISE, FV_OP_ELU},
    {"Erf", H_POINTWISE, FV_OP_IDENTITY},
    {"Exp", H_POINTWISE, FV_OP_IDENTITY},
    {"Flatten", H_FLATTEN, FV_OP_FLATTEN},
    {"Floor", H_POINTWISE, FV_OP_IDENTITY},
    {"Gather", H_GATHER, FV_OP_IDENTITY},
    {"Gelu", H_POINTWISE, FV_OP_GELU},
    {"Gemm", H_FC, FV_OP_FULLY_CONNECTED},
    {"GlobalAveragePool", H_GLOBAL, FV_OP_GLOBAL_AVG_POOL},
    {"GlobalLpPool", H_GLOBAL, FV_OP_GLOBAL_AVG_POOL},
    {"GlobalMaxPool", H_GLOBAL, FV_OP_GLOBAL_MAX_POOL},
    {"HardSigmoid", H_POINTWISE, FV_OP_HARD_SIGMOID},
    {"HardSwish", H_POINTWISE, FV_OP_HARD_SWISH},
    {"Identity", H_POINTWISE, FV_OP_IDENTITY},
    {"InstanceNormalization", H_POINTWISE, FV_OP_INSTANCE_NORM},
    {"LRN", H_POINTWISE, FV_OP_LRN},
    {"LeakyRelu", H_POINTWISE, FV_OP_LEAKY_RELU},
    {"Log", H_POINTWISE, FV_OP_IDENTITY},
    {"LogSoftmax", H_SOFTMAX, FV_OP_SOFTMAX},
    {"LpPool", H_WINDOW, FV_OP_AVG_POOL},
    {"MatMul", H_FC, FV_OP_FULLY_CONNECTED},
    {"Max", H_MERGE, FV_OP_MAX},
    {"MaxPool", H_WINDOW, FV_OP_MAX_POOL},
    {"Mean", H_MERGE, FV_OP_ADD},
    {"Min", H_MERGE, FV_OP_MAX},
    {"Mish", H_POINTWISE, FV_OP_MISH},
    {"Mul", H_MERGE, FV_OP_MUL},
    {"Neg", H_POINTWISE, FV_OP_IDENTITY},
    {"PRelu", H_POINTWISE, FV_OP_PRELU},
    {"Pad", H_PAD, FV_OP_PAD},
    {"Pow", H_MERGE, FV_OP_MUL},
    {"Reciprocal", H_POINTWISE, FV_OP_IDENTITY},
    {"ReduceL1", H_REDUCE, FV_OP_GLOBAL_AVG_POOL},
    {"ReduceL2", H_REDUCE, FV_OP_GLOBAL_AVG_POOL},
    {"ReduceLogSumExp", H_REDUCE, FV_OP_GLOBAL_AVG_POOL},
    {"ReduceMax", H_REDUCE, FV_OP_GLOBAL_MAX_POOL},
    {"ReduceMean", H_REDUCE, FV_OP_GLOBAL_AVG_POOL},
    {"ReduceMin", H_REDUCE, FV_OP_GLOBAL_MAX_POOL},
    {"ReduceProd", H_REDUCE, FV_OP_GLOBAL_AVG_POOL},
    {"ReduceSum", H_REDUCE, FV_OP_GLOBAL_AVG_POOL},
    {"ReduceSumSquare", H_REDUCE, FV_OP_GLOBAL_AVG_POOL},
    {"Relu", H_POINTWISE, FV_OP_RELU},
    {"Reshape", H_RESHAPE, FV_OP_FLATTEN},
    {"Resize", H_RESIZE, FV_OP_RESIZE},
    {"Round", H_POINTWISE, FV_OP_IDENTITY},
    {"Selu", H_POINTWISE, FV_OP_ELU},
    {"Shape", H_SHAPE, FV_OP_IDENTITY},
    {"Sigmoid", H_POINTWISE, FV_OP_SIGMOID},
    {"Sign", H_POINTWISE, FV_OP_IDENTITY},
    {"Size", H_SHAPE, FV_OP_IDENTITY},
    {"Slice", H_SLICE, FV_OP_SLICE},
    {"Softmax", H_SOFTMAX, FV_OP_SOFTMAX},
    {"Softplus", H_POINTWISE, FV_OP_SOFTPLUS},
    {"Softsign", H_POINTWISE, FV_OP_IDENTITY},
    {"SpaceToDepth", H_BLOCK, FV_OP_SPACE_TO_DEPTH},
    {"Split", H_SPLIT, FV_OP_IDENTITY},
    {"Sqrt", H_POINTWISE, FV_OP_IDENTITY},
    {"Squeeze", H_RANK, FV_OP_IDENTITY},
    {"Sub", H_MERGE, FV_OP_ADD},
    {"Sum", H_MERGE, FV_OP_ADD},
    {"Tanh", H_POINTWISE, FV_OP_TANH},
    {"ThresholdedRelu", H_POINTWISE, FV_OP_RELU},
    {"Transpose", H_TRANSPOSE, FV_OP_IDENTITY},
    {"Unsqueeze", H_RANK, FV_OP_IDENTITY},
    {"Upsample", H_UPSAMPLE, FV_OP_RESIZE},
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

/* The feature inputs of the node being converted. */
typedef struct inputs {
    int32_t node[FV_MAX_INPUTS];
    size_t n;
    int vector; /* every feature input is a vector (no spatial extent) */
} inputs;

/* ------------------------------------------------------------- outputs */

static fv_status define_output(onnx_ctx *c, size_t o, int32_t node, int vector)
{
    const char *name = c->node->output[o];
    if (!name[0])
        return FV_OK;
    onnx_value v = {.name = name, .kind = ONNX_FEATURE, .node = node, .vector = vector};
    return onnx_define(c, &v);
}

static fv_status define_outputs(onnx_ctx *c, int32_t node, int vector)
{
    fv_status st = FV_OK;
    for (size_t o = 0; o < c->node->n_output && st == FV_OK; o++)
        st = define_output(c, o, node, vector);
    return st;
}

static fv_status define_consts(onnx_ctx *c)
{
    fv_status st = FV_OK;
    for (size_t o = 0; o < c->node->n_output && st == FV_OK; o++) {
        if (!c->node->output[o][0])
            continue;
        onnx_value v = {.name = c->node->output[o], .kind = ONNX_CONST};
        st = onnx_define(c, &v);
    }
    return st;
}

/* Adds `layer` fed by the first `n` feature inputs; every output names it. */
static fv_status emit(onnx_ctx *c, fv_layer *layer, const inputs *in, size_t n, int vector)
{
    layer->inputs = in->node;
    layer->n_inputs = n;
    int32_t index;
    fv_status st = onnx_add_layer(c, layer, "", &index);
    return st == FV_OK ? define_outputs(c, index, vector) : st;
}

static fv_status emit_op(onnx_ctx *c, fv_op op, const inputs *in, size_t n, int vector)
{
    fv_layer layer;
    fv_layer_init(&layer, op);
    return emit(c, &layer, in, n, vector);
}

/* ---------------------------------------------------------------- axes */

/* Axis `a` of the image-rank tensor as FV_AXIS_Y / FV_AXIS_X, -1 for batch
 * or channels, -2 when out of range. */
static int spatial_axis(const onnx_ctx *c, int64_t a)
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

/* ------------------------------------------------------------- windows */

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

static fv_status window(onnx_ctx *c, const op_row *row, const inputs *in)
{
    int is_conv = row->op == FV_OP_CONV || row->op == FV_OP_CONV_TRANSPOSE;
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
    if (row->op == FV_OP_CONV_TRANSPOSE &&
        ((st = axis_list(c, "output_padding", opad, nsp, nsp, &nop)) != FV_OK ||
         (st = axis_list(c, "output_shape", os, nsp, nsp + 2, &nos)) != FV_OK))
        return st;

    fv_layer layer;
    fv_layer_init(&layer, row->op);
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
            if (row->op == FV_OP_CONV)
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
    return emit(c, &layer, in, 1, in->vector);
}

/* ------------------------------------------------------------ resampling */

static fv_status pad(onnx_ctx *c, const inputs *in)
{
    int64_t pads[16], axes[8];
    size_t np, na = 0;
    fv_status st;
    if (c->opset < 11) {
        st = onnx_attr_ints(c, c->opset < 2 ? "paddings" : "pads", pads, 16, &np);
    } else {
        st = onnx_input_ints(c, 1, "the pads input", pads, 16, &np);
        if (st == FV_OK)
            st = onnx_input_ints(c, 3, "the axes input", axes, 8, &na);
    }
    if (st != FV_OK)
        return st;
    if (np % 2 != 0 || (na && np != 2 * na))
        return onnx_fail(c, FV_ERR_SEMANTIC, "%zu pads do not come in begin/end pairs per axis", np);
    char mode[16];
    if ((st = onnx_attr_string(c, "mode", "constant", mode, sizeof mode)) != FV_OK)
        return st;
    fv_layer layer;
    fv_layer_init(&layer, FV_OP_PAD);
    size_t r = np / 2;
    int spatial = 0;
    for (size_t i = 0; i < r; i++) {
        int64_t axis = na ? axes[i] : (int64_t)i;
        int a = spatial_axis(c, axis);
        int64_t b = pads[i], e = pads[i + r];
        if (b == 0 && e == 0)
            continue;
        if (a == -2 || (a == -1 && (axis == 0 || axis == -c->rank)))
            return onnx_fail(c, FV_ERR_UNSUPPORTED,
                             "pads axis %lld; only the channel and spatial axes may be padded",
                             (long long)axis);
        if (a < 0)
            continue; /* channel padding: no spatial effect */
        if (b < -FV_MAX_PAD || b > FV_MAX_PAD || e < -FV_MAX_PAD || e > FV_MAX_PAD)
            return onnx_fail(c, FV_ERR_SEMANTIC, "padding %lld,%lld is outside -%d..%d",
                             (long long)b, (long long)e, FV_MAX_PAD, FV_MAX_PAD);
        layer.params.pad.begin[a] = b;
        layer.params.pad.end[a] = e;
        spatial = 1;
    }
    if (!spatial || in->vector)
        return emit_op(c, FV_OP_IDENTITY, in, 1, in->vector);
    if (strcmp(mode, "constant") != 0 &&
        fv_graph_warn(c->g, "node %zu '%s' (Pad): mode '%s' reads mirrored or repeated pixels at "
                            "the border; fovea counts them as padding",
                      c->index, c->node->name ? c->node->name : "", mode) != FV_OK)
        return onnx_fail(c, FV_ERR_NOMEM, "out of memory");
    return emit(c, &layer, in, 1, 0);
}

/* A float scale as an exact ratio of small integers. */
static fv_status to_ratio(onnx_ctx *c, float f, int64_t *num, int64_t *den)
{
    if (isfinite(f) && f > 0)
        for (int64_t q = 1; q <= 1024; q++) {
            double p = nearbyint((double)f * (double)q);
            if (p >= 1 && p <= FV_MAX_STRIDE && fabs(p / (double)q - f) <= 1e-6 * f) {
                *num = (int64_t)p;
                *den = q;
                return FV_OK;
            }
        }
    return onnx_fail(c, FV_ERR_UNSUPPORTED, "scale %g is not a ratio of integers up to 1024", f);
}

static int64_t gcd64(int64_t a, int64_t b)
{
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Scales (one per image axis) or sizes to the rational spatial scale. */
static fv_status resize_scale(onnx_ctx *c, const float *sc, size_t ns, const int64_t *sz,
                              size_t nz, int32_t input, fv_resize *r)
{
    size_t n = ns ? ns : nz;
    if (n != (size_t)c->rank)
        return onnx_fail(c, FV_ERR_SEMANTIC, "%zu %s for a rank-%d input", n,
                         ns ? "scales" : "sizes", c->rank);
    int64_t in_hw[FV_AXES] = {1, 1};
    fv_status st = nz && !ns ? onnx_map_size(c, input, "a Resize given by sizes", in_hw) : FV_OK;
    for (size_t k = 0; k < n && st == FV_OK; k++) {
        int a = spatial_axis(c, (int64_t)k);
        if (a < 0) {
            if (ns ? sc[k] != 1.0f : 0)
                return onnx_fail(c, FV_ERR_UNSUPPORTED, "resizes the batch or channel axis");
            continue;
        }
        if (ns) {
            st = to_ratio(c, sc[k], &r->scale_num[a], &r->scale_den[a]);
        } else {
            if (sz[k] < 1 || sz[k] > FV_MAX_DIM)
                return onnx_fail(c, FV_ERR_SEMANTIC, "size %lld is out of range", (long long)sz[k]);
            int64_t g = gcd64(sz[k], in_hw[a]);
            r->scale_num[a] = sz[k] / g;
            r->scale_den[a] = in_hw[a] / g;
            if (r->scale_num[a] > FV_MAX_STRIDE || r->scale_den[a] > FV_MAX_STRIDE)
                return onnx_fail(c, FV_ERR_LIMIT, "scale %lld/%lld has terms above %d",
                                 (long long)r->scale_num[a], (long long)r->scale_den[a],
                                 FV_MAX_STRIDE);
        }
    }
    return st;
}

/* Which input pixels each output reads, from the sampling attributes. Only
 * combinations whose reads fovea models exactly are accepted. */
static fv_status resize_mode(onnx_ctx *c, const char *mode, const char *ctm, const char *nearest,
                             fv_resize *r)
{
    int integer = r->scale_den[0] == 1 && r->scale_den[1] == 1;
    int half = strcmp(ctm, "half_pixel") == 0 || strcmp(ctm, "pytorch_half_pixel") == 0;
    if (strcmp(mode, "nearest") == 0) {
        r->mode = FV_RESIZE_NEAREST;
        /* floor(out / scale): exact for asymmetric + floor; for half-pixel
         * rounding with an integer scale f, (o + 1/2)/f - 1/2 rounds to floor(o/f). */
        if (strcmp(ctm, "asymmetric") == 0 && strcmp(nearest, "floor") == 0)
            return FV_OK;
        if (half && integer && strncmp(nearest, "round_prefer_", 13) == 0)
            return FV_OK;
    } else if (strcmp(mode, "linear") == 0 || strcmp(mode, "bilinear") == 0 ||
               strcmp(mode, "cubic") == 0) {
        r->mode = mode[0] == 'c' ? FV_RESIZE_CUBIC : FV_RESIZE_LINEAR;
        if (half)
            return FV_OK;
        if (strcmp(ctm, "align_corners") == 0) {
            r->align_corners = 1;
            return FV_OK;
        }
    } else {
        return onnx_fail(c, FV_ERR_SEMANTIC, "mode '%s' is not nearest, linear or cubic", mode);
    }
    return onnx_fail(c, FV_ERR_UNSUPPORTED,
                     "%s sampling with coordinate_transformation_mode '%s'%s%s%s is not supported",
                     mode, ctm, r->mode == FV_RESIZE_NEAREST ? " and nearest_mode '" : "",
                     r->mode == FV_RESIZE_NEAREST ? nearest : "",
                     r->mode == FV_RESIZE_NEAREST ? "'" : "");
}

static fv_status resize(onnx_ctx *c, const inputs *in)
{
    char mode[32], ctm[32], nearest[32];
    float sc[8];
    int64_t sz[8];
    size_t ns = 0, nz = 0;
    fv_status st = onnx_attr_string(c, "mode", "nearest", mode, sizeof mode);
    if (st == FV_OK)
        st = onnx_attr_string(c, "coordinate_transformation_mode", onnx_resize_default_ctm(c->opset),
                              ctm, sizeof ctm);
    if (st == FV_OK)
        st = onnx_attr_string(c, "nearest_mode", onnx_resize_default_nearest(c->opset), nearest,
                              sizeof nearest);
    if (st == FV_OK && onnx_attr(c, "axes"))
        st = onnx_fail(c, FV_ERR_UNSUPPORTED, "the axes attribute is not supported");
    if (st == FV_OK)
        st = onnx_input_floats(c, c->opset < 11 ? 1 : 2, "the scales input", sc, 8, &ns);
    if (st == FV_OK && c->opset >= 11)
        st = onnx_input_ints(c, 3, "the sizes input", sz, 8, &nz);
    if (st != FV_OK)
        return st;
    if (!ns && !nz)
        return onnx_fail(c, FV_ERR_SEMANTIC, "neither scales nor sizes are given");
    fv_layer layer;
    fv_layer_init(&layer, FV_OP_RESIZE);
    if ((st = resize_scale(c, sc, ns, sz, nz, in->node[0], &layer.params.resize)) != FV_OK ||
        (st = resize_mode(c, mode, ctm, nearest, &layer.params.resize)) != FV_OK)
        return st;
    return emit(c, &layer, in, 1, in->vector);
}

/* Upsample (opsets 7-9, deprecated by Resize): x = out / scale, floor for nearest. */
static fv_status upsample(onnx_ctx *c, const inputs *in)
{
    char mode[32];
    float sc[8];
    size_t ns;
    fv_status st = onnx_attr_string(c, "mode", "nearest", mode, sizeof mode);
    if (st == FV_OK)
        st = c->opset < 9 ? onnx_attr_floats(c, "scales", sc, 8, &ns)
                          : onnx_input_floats(c, 1, "the scales input", sc, 8, &ns);
    if (st != FV_OK)
        return st;
    fv_layer layer;
    fv_layer_init(&layer, FV_OP_RESIZE);
    if ((st = resize_scale(c, sc, ns, NULL, 0, in->node[0], &layer.params.resize)) != FV_OK ||
        (st = resize_mode(c, mode, "asymmetric", "floor", &layer.params.resize)) != FV_OK)
        return st;
    return emit(c, &layer, in, 1, in->vector);
}

static fv_status block(onnx_ctx *c, const op_row *row, const inputs *in)
{
    int64_t b;
    if (!onnx_attr(c, "blocksize"))
        return onnx_fail(c, FV_ERR_SEMANTIC, "attribute 'blocksize' is required");
    fv_status st = onnx_attr_int(c, "blocksize", 1, &b);
    if (st != FV_OK)
        return st;
    if (b < 1 || b > FV_MAX_STRIDE)
        return onnx_fail(c, FV_ERR_SEMANTIC, "blocksize %lld is outside 1..%d", (long long)b,
                         FV_MAX_STRIDE);
    fv_layer layer;
    fv_layer_init(&layer, row->op);
    layer.params.block = b;
    return emit(c, &layer, in, 1, in->vector);
}

static fv_status slice(onnx_ctx *c, const inputs *in)
{
    int64_t starts[8], ends[8], axes[8], steps[8];
    size_t n, ne, na, nst = 0;
    fv_status st;
    if (c->opset < 10) {
        if ((st = onnx_attr_ints(c, "starts", starts, 8, &n)) == FV_OK &&
            (st = onnx_attr_ints(c, "ends", ends, 8, &ne)) == FV_OK)
            st = onnx_attr_ints(c, "axes", axes, 8, &na);
    } else if ((st = onnx_input_ints(c, 1, "the starts input", starts, 8, &n)) == FV_OK &&
               (st = onnx_input_ints(c, 2, "the ends input", ends, 8, &ne)) == FV_OK &&
               (st = onnx_input_ints(c, 3, "the axes input", axes, 8, &na)) == FV_OK) {
        st = onnx_input_ints(c, 4, "the steps input", steps, 8, &nst);
    }
    if (st != FV_OK)
        return st;
    if (ne != n || (na && na != n) || (nst && nst != n))
        return onnx_fail(c, FV_ERR_SEMANTIC, "starts, ends, axes and steps differ in length");
    fv_layer layer;
    fv_layer_init(&layer, FV_OP_SLICE);
    fv_slice *sl = &layer.params.slice;
    int spatial = 0;
    for (size_t k = 0; k < n; k++) {
        int a = spatial_axis(c, na ? axes[k] : (int64_t)k);
        if (a == -2)
            return onnx_fail(c, FV_ERR_SEMANTIC, "axis %lld is out of range",
                             (long long)(na ? axes[k] : (int64_t)k));
        if (a < 0)
            continue;
        int64_t step = nst ? steps[k] : 1;
        if (step < 1)
            return onnx_fail(c, FV_ERR_UNSUPPORTED, "step %lld: only positive steps are supported",
                             (long long)step);
        /* Exporters write "to the end" as INT64_MAX or any huge number. */
        sl->start[a] = starts[k] > FV_MAX_DIM ? FV_MAX_DIM : starts[k] < -FV_MAX_DIM ? 0 : starts[k];
        sl->end[a] = ends[k] >= FV_MAX_DIM ? INT64_MAX : ends[k] < -FV_MAX_DIM ? -FV_MAX_DIM : ends[k];
        sl->step[a] = step;
        spatial = 1;
    }
    if (!spatial || in->vector)
        return emit_op(c, FV_OP_IDENTITY, in, 1, in->vector);
    return emit(c, &layer, in, 1, 0);
}

/* Split along channels (or anything): each output is an identity of the input. */
static fv_status split(onnx_ctx *c, const inputs *in)
{
    int64_t axis;
    fv_status st = onnx_attr_int(c, "axis", 0, &axis);
    if (st == FV_OK && !in->vector && spatial_axis(c, axis) >= 0)
        st = onnx_fail(c, FV_ERR_UNSUPPORTED, "Split along spatial axis %lld is not supported",
                       (long long)axis);
    for (size_t o = 0; o < c->node->n_output && st == FV_OK; o++) {
        if (!c->node->output[o][0])
            continue;
        char suffix[32] = "";
        if (o > 0)
            snprintf(suffix, sizeof suffix, ":%zu", o);
        fv_layer layer;
        fv_layer_init(&layer, FV_OP_IDENTITY);
        layer.inputs = in->node;
        layer.n_inputs = 1;
        int32_t index;
        st = onnx_add_layer(c, &layer, suffix, &index);
        if (st == FV_OK)
            st = define_output(c, o, index, in->vector);
    }
    return st;
}

/* ---------------------------------------------------- layout and vectors */

static fv_status flatten(onnx_ctx *c, const inputs *in)
{
    return emit_op(c, in->vector ? FV_OP_IDENTITY : FV_OP_FLATTEN, in, 1, 1);
}

/* Reshape to rank 4 or more keeps the trailing spatial axes (channel
 * shuffles, grouped views); to rank 2 or 3 it flattens them. */
static fv_status reshape(onnx_ctx *c, const inputs *in)
{
    if (in->vector)
        return emit_op(c, FV_OP_IDENTITY, in, 1, 1);
    const onnx_value *v = onnx_has_input(c, 1) ? onnx_lookup(c, c->node->input[1]) : NULL;
    int64_t shape[8];
    size_t n = 0;
    if (v && v->kind == ONNX_CONST && (v->tensor || v->attr)) {
        fv_status st = onnx_input_ints(c, 1, "the shape input", shape, 8, &n);
        if (st != FV_OK)
            return st;
        if (n >= 4)
            return emit_op(c, FV_OP_IDENTITY, in, 1, 0);
    } else if (fv_graph_warn(c->g, "node %zu '%s' (Reshape): the target shape is computed at run "
                                   "time; fovea takes it as a flatten",
                             c->index, c->node->name ? c->node->name : "") != FV_OK) {
        return onnx_fail(c, FV_ERR_NOMEM, "out of memory");
    }
    return emit_op(c, FV_OP_FLATTEN, in, 1, 1);
}

static fv_status transpose(onnx_ctx *c, const inputs *in)
{
    int64_t perm[8];
    size_t n;
    fv_status st = onnx_attr_ints(c, "perm", perm, 8, &n);
    if (st != FV_OK)
        return st;
    if (in->vector)
        return emit_op(c, FV_OP_IDENTITY, in, 1, 1);
    /* Anything that leaves the last two axes where they are keeps the map. */
    if (n >= 2 && perm[n - 2] == (int64_t)n - 2 && perm[n - 1] == (int64_t)n - 1)
        return emit_op(c, FV_OP_IDENTITY, in, 1, 0);
    return onnx_fail(c, FV_ERR_UNSUPPORTED,
                     "Transpose moves the spatial axes of a feature map; fovea reads NCHW only");
}

static fv_status rank_change(onnx_ctx *c, const inputs *in)
{
    if (in->vector)
        return emit_op(c, FV_OP_IDENTITY, in, 1, 1);
    return onnx_fail(c, FV_ERR_UNSUPPORTED, "%s changes the rank of a feature map",
                     c->node->op_type);
}

static fv_status fully_connected(onnx_ctx *c, const inputs *in)
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
    return emit(c, &layer, in, 1, 1);
}

static fv_status reduce(onnx_ctx *c, const op_row *row, const inputs *in)
{
    int64_t axes[8];
    size_t n;
    fv_status st = onnx_attr(c, "axes") ? onnx_attr_ints(c, "axes", axes, 8, &n)
                                        : onnx_input_ints(c, 1, "the axes input", axes, 8, &n);
    if (st != FV_OK)
        return st;
    if (in->vector)
        return emit_op(c, FV_OP_IDENTITY, in, 1, 1);
    int seen[FV_AXES] = {n == 0, n == 0}; /* no axes: reduce everything */
    for (size_t k = 0; k < n; k++) {
        int a = spatial_axis(c, axes[k]);
        if (a == -2)
            return onnx_fail(c, FV_ERR_SEMANTIC, "axis %lld is out of range", (long long)axes[k]);
        if (a >= 0)
            seen[a] = 1;
    }
    if (c->rank == 3)
        seen[FV_AXIS_Y] = seen[FV_AXIS_X];
    if (seen[0] && seen[1])
        return emit_op(c, row->op, in, 1, 1);
    if (!seen[0] && !seen[1])
        return emit_op(c, FV_OP_IDENTITY, in, 1, 0); /* over channels only */
    return onnx_fail(c, FV_ERR_UNSUPPORTED, "reducing one spatial axis only is not supported");
}

static fv_status softmax(onnx_ctx *c, const inputs *in)
{
    int64_t axis;
    fv_status st = onnx_attr_int(c, "axis", onnx_softmax_default_axis(c->opset), &axis);
    if (st != FV_OK)
        return st;
    if (in->vector)
        return emit_op(c, FV_OP_SOFTMAX, in, 1, 1);
    int a = spatial_axis(c, axis);
    if (a == -2)
        return onnx_fail(c, FV_ERR_SEMANTIC, "axis %lld is out of range", (long long)axis);
    /* Before opset 13 the op normalises over every axis from `axis` on. */
    if (a == -1 && (axis == 1 || axis == 1 - c->rank) && c->opset >= 13)
        return emit_op(c, FV_OP_SOFTMAX, in, 1, 0);
    return onnx_fail(c, FV_ERR_UNSUPPORTED,
                     "softmax over spatial axes (axis %lld, opset %lld) makes every unit see the "
                     "whole map; fovea supports it over channels only",
                     (long long)axis, (long long)c->opset);
}

/* Clip is relu6 for [0, 6], relu for [0, inf), and pointwise in any case. */
static fv_status clip(onnx_ctx *c, const inputs *in)
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
    fv_op op = lo == 0 && hi == 6 ? FV_OP_RELU6 : lo == 0 && isinf(hi) ? FV_OP_RELU : FV_OP_IDENTITY;
    return emit_op(c, op, in, 1, in->vector);
}

static fv_status gather(onnx_ctx *c, const inputs *in)
{
    int64_t axis;
    fv_status st = onnx_attr_int(c, "axis", 0, &axis);
    if (st != FV_OK)
        return st;
    if (!in->vector && spatial_axis(c, axis) >= 0)
        return onnx_fail(c, FV_ERR_UNSUPPORTED, "Gather along spatial axis %lld is not supported",
                         (long long)axis);
    return emit_op(c, FV_OP_IDENTITY, in, 1, in->vector);
}

static fv_status constant(onnx_ctx *c)
{
    static const char *const names[] = {"value", "value_float", "value_floats", "value_int",
                                        "value_ints", "value_string", "value_strings",
                                        "sparse_value"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        const Onnx__AttributeProto *a = onnx_attr(c, names[k]);
        if (!a)
            continue;
        onnx_value v = {.name = c->node->output[0], .kind = ONNX_CONST};
        if (k == 0)
            v.tensor = a->t;
        else if (k <= 4)
            v.attr = a;
        if (k == 0 && !a->t)
            return onnx_fail(c, FV_ERR_SEMANTIC, "attribute 'value' must be a tensor");
        return onnx_define(c, &v);
    }
    return onnx_fail(c, FV_ERR_SEMANTIC, "the Constant has no value attribute");
}

/* An operator fovea does not know: an error, or identity when asked. */
static fv_status unknown(onnx_ctx *c, const inputs *in)
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
    return define_outputs(c, index, in->vector);
}

/* ------------------------------------------------------------------ node */

static fv_status gather_inputs(onnx_ctx *c, inputs *in)
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
    if (row && row->h == H_CONSTANT)
        return constant(c);
    inputs *in = malloc(sizeof *in);
    if (!in)
        return onnx_fail(c, FV_ERR_NOMEM, "out of memory");
    fv_status st = gather_inputs(c, in);
    /* Shape arithmetic: Shape of a map, and anything computed from constants only. */
    if (st == FV_OK && ((row && row->h == H_SHAPE) || in->n == 0)) {
        free(in);
        return define_consts(c);
    }
    if (st == FV_OK && !row)
        st = unknown(c, in);
    else if (st == FV_OK) {
        switch (row->h) {
        case H_POINTWISE:
            st = emit_op(c, row->op, in, 1, in->vector);
            break;
        case H_WINDOW:
            st = window(c, row, in);
            break;
        case H_GLOBAL:
            st = emit_op(c, in->vector ? FV_OP_IDENTITY : row->op, in, 1, 1);
            break;
        case H_MERGE:
            st = emit_op(c, row->op, in, in->n, in->vector);
            break;
        case H_CONCAT: {
            int64_t axis;
            if (!onnx_attr(c, "axis"))
                st = onnx_fail(c, FV_ERR_SEMANTIC, "attribute 'axis' is required");
            else if ((st = onnx_attr_int(c, "axis", 1, &axis)) == FV_OK && !in->vector &&
                     spatial_axis(c, axis) != -1)
                st = onnx_fail(c, FV_ERR_UNSUPPORTED,
                               "Concat along axis %lld: fovea merges feature maps along "
                               "channels (axis 1) only",
                               (long long)axis);
            if (st == FV_OK)
                st = emit_op(c, FV_OP_CONCAT, in, in->n, in->vector);
            break;
        }
        case H_PAD:
            st = pad(c, in);
            break;
        case H_RESIZE:
            st = resize(c, in);
            break;
        case H_UPSAMPLE:
            st = upsample(c, in);
            break;
        case H_BLOCK:
            st = block(c, row, in);
            break;
        case H_SLICE:
            st = slice(c, in);
            break;
        case H_SPLIT:
            st = split(c, in);
            break;
        case H_FLATTEN:
            st = flatten(c, in);
            break;
        case H_RESHAPE:
            st = reshape(c, in);
            break;
        case H_FC:
            st = fully_connected(c, in);
            break;
        case H_TRANSPOSE:
            st = transpose(c, in);
            break;
        case H_RANK:
            st = rank_change(c, in);
            break;
        case H_REDUCE:
            st = reduce(c, row, in);
            break;
        case H_SOFTMAX:
            st = softmax(c, in);
            break;
        case H_CLIP:
            st = clip(c, in);
            break;
        case H_GATHER:
            st = gather(c, in);
            break;
        case H_SHAPE:
        case H_CONSTANT:
            break;
        }
    }
    free(in);
    return st;
}

int onnx_op_table_sorted(void)
{
    for (size_t k = 1; k < sizeof ops / sizeof ops[0]; k++)
        if (strcmp(ops[k - 1].name, ops[k].name) >= 0)
            return 0;
    return 1;
}
