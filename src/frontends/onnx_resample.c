/* ONNX operators that move pixels without a window: Pad, Resize, Upsample,
 * DepthToSpace, SpaceToDepth, Slice and Split. Scales become exact
 * rationals; only sampling rules fovea models exactly are accepted. */
#include <math.h>
#include <string.h>

#include "fv_limits.h"
#include "onnx_private.h"

fv_status onnx_op_pad(onnx_ctx *c, fv_op op, const onnx_inputs *in)
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
        int a = onnx_spatial_axis(c, axis);
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
        return onnx_emit_op(c, FV_OP_IDENTITY, in, 1, in->vector);
    if (strcmp(mode, "constant") != 0 &&
        fv_graph_warn(c->g, "node %zu '%s' (Pad): mode '%s' reads mirrored or repeated pixels at "
                            "the border; fovea counts them as padding",
                      c->index, c->node->name ? c->node->name : "", mode) != FV_OK)
        return onnx_fail(c, FV_ERR_NOMEM, "out of memory");
    return onnx_emit(c, &layer, in, 1, 0);
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
                              const uint8_t *sz_known, size_t nz, int32_t input, fv_resize *r)
{
    size_t n = ns ? ns : nz;
    if (n != (size_t)c->rank)
        return onnx_fail(c, FV_ERR_SEMANTIC, "%zu %s for a rank-%d input", n,
                         ns ? "scales" : "sizes", c->rank);
    int64_t in_hw[FV_AXES] = {1, 1};
    fv_status st = nz && !ns ? onnx_map_size(c, input, "a Resize given by sizes", in_hw) : FV_OK;
    for (size_t k = 0; k < n && st == FV_OK; k++) {
        int a = onnx_spatial_axis(c, (int64_t)k);
        if (a < 0) {
            if (ns ? sc[k] != 1.0f : 0)
                return onnx_fail(c, FV_ERR_UNSUPPORTED, "resizes the batch or channel axis");
            continue;
        }
        if (ns) {
            st = to_ratio(c, sc[k], &r->scale_num[a], &r->scale_den[a]);
        } else {
            if (!sz_known[k])
                return onnx_fail(c, FV_ERR_UNSUPPORTED,
                                 "the sizes input ('%s') leaves spatial size %zu to run time",
                                 c->node->input[3], k);
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

/* The attributes that change the numbers but not the pixels read: a cubic's
 * coefficient and border rule (exclude_outside changes nothing for linear,
 * whose taps past the border already carry weight 0 or read the border
 * pixel, nor for nearest). Antialiasing when shrinking and sizes under an
 * aspect-ratio policy change the pixels read too, and are refused. */
static fv_status resize_numbers(onnx_ctx *c, int by_sizes, fv_resize *r)
{
    int64_t v;
    char policy[32];
    fv_status st = onnx_attr_int(c, "antialias", 0, &v);
    int shrinks = r->scale_num[0] < r->scale_den[0] || r->scale_num[1] < r->scale_den[1];
    if (st == FV_OK && v != 0 && r->mode != FV_RESIZE_NEAREST && shrinks)
        return onnx_fail(c, FV_ERR_UNSUPPORTED,
                         "antialias widens the filter of a shrinking resize; not supported");
    if (st == FV_OK)
        st = onnx_attr_string(c, "keep_aspect_ratio_policy", "stretch", policy, sizeof policy);
    if (st == FV_OK && by_sizes && strcmp(policy, "stretch") != 0)
        return onnx_fail(c, FV_ERR_UNSUPPORTED,
                         "keep_aspect_ratio_policy '%s' is not supported", policy);
    if (st != FV_OK || r->mode != FV_RESIZE_CUBIC)
        return st;
    float a;
    if ((st = onnx_attr_float(c, "cubic_coeff_a", -0.75f, &a)) != FV_OK ||
        (st = onnx_attr_int(c, "exclude_outside", 0, &v)) != FV_OK)
        return st;
    if (!isfinite(a))
        return onnx_fail(c, FV_ERR_SEMANTIC, "cubic_coeff_a %g is not a finite number", a);
    r->cubic_a = a;
    r->exclude_outside = v != 0;
    return FV_OK;
}

fv_status onnx_op_resize(onnx_ctx *c, fv_op op, const onnx_inputs *in)
{
    char mode[32], ctm[32], nearest[32];
    float sc[8];
    int64_t sz[8];
    uint8_t sz_known[8]; /* sizes may come from shape arithmetic, batch and channels unknown */
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
        st = onnx_input_ints_partial(c, 3, "the sizes input", sz, sz_known, 8, &nz);
    if (st != FV_OK)
        return st;
    if (!ns && !nz)
        return onnx_fail(c, FV_ERR_SEMANTIC, "neither scales nor sizes are given");
    fv_layer layer;
    fv_layer_init(&layer, FV_OP_RESIZE);
    if ((st = resize_scale(c, sc, ns, sz, sz_known, nz, in->node[0], &layer.params.resize)) != FV_OK ||
        (st = resize_mode(c, mode, ctm, nearest, &layer.params.resize)) != FV_OK ||
        (st = resize_numbers(c, !ns, &layer.params.resize)) != FV_OK)
        return st;
    return onnx_emit(c, &layer, in, 1, in->vector);
}

/* Upsample (opsets 7-9, deprecated by Resize): x = out / scale, floor for nearest. */
fv_status onnx_op_upsample(onnx_ctx *c, fv_op op, const onnx_inputs *in)
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
    if ((st = resize_scale(c, sc, ns, NULL, NULL, 0, in->node[0], &layer.params.resize)) != FV_OK ||
        (st = resize_mode(c, mode, "asymmetric", "floor", &layer.params.resize)) != FV_OK)
        return st;
    return onnx_emit(c, &layer, in, 1, in->vector);
}

fv_status onnx_op_block(onnx_ctx *c, fv_op op, const onnx_inputs *in)
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
    fv_layer_init(&layer, op);
    layer.params.block.size = b;
    if (op == FV_OP_DEPTH_TO_SPACE) { /* SpaceToDepth has one order, DCR's inverse */
        char mode[16];
        if ((st = onnx_attr_string(c, "mode", "DCR", mode, sizeof mode)) != FV_OK)
            return st;
        if (strcmp(mode, "CRD") == 0)
            layer.params.block.order = FV_BLOCK_CRD;
        else if (strcmp(mode, "DCR") != 0)
            return onnx_fail(c, FV_ERR_SEMANTIC, "mode '%s' is not DCR or CRD", mode);
    }
    return onnx_emit(c, &layer, in, 1, in->vector);
}

fv_status onnx_op_slice(onnx_ctx *c, fv_op op, const onnx_inputs *in)
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
        int a = onnx_spatial_axis(c, na ? axes[k] : (int64_t)k);
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
        return onnx_emit_op(c, FV_OP_IDENTITY, in, 1, in->vector);
    return onnx_emit(c, &layer, in, 1, 0);
}

/* Split along channels (or anything): each output is an identity of the input. */
fv_status onnx_op_split(onnx_ctx *c, fv_op op, const onnx_inputs *in)
{
    int64_t axis;
    fv_status st = onnx_attr_int(c, "axis", 0, &axis);
    if (st == FV_OK && !in->vector && onnx_spatial_axis(c, axis) >= 0)
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
            st = onnx_define_output(c, o, index, in->vector);
    }
    return st;
}
