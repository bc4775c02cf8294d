/* What each Caffe layer type becomes in the graph, with caffe.proto's
 * defaults (stride 1, pad 0, dilation 1, group 1, pool MAX, ceil rounding)
 * and SSD's PriorBox expansion. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "caffe.h"

/* A per-axis value written as `plain` (repeated: one value for both axes,
 * or y then x) or as `name_h` and `name_w`. */
static fv_status spatial(cf_build *b, const cf_layer *l, const pt_msg *p, const char *plain,
                         int required, int64_t dflt, int64_t lo, int64_t hi, int64_t out[2])
{
    char hname[40], wname[40];
    const char *base = strcmp(plain, "kernel_size") == 0 ? "kernel" : plain;
    snprintf(hname, sizeof hname, "%s_h", base);
    snprintf(wname, sizeof wname, "%s_w", base);
    const pt_field *h = cf_find(p, hname), *w = cf_find(p, wname);
    size_t n = cf_count(p, plain);
    fv_status st;
    if (h || w) {
        if (!h || !w || n)
            return cf_value_error(b, h ? h : w, FV_ERR_SEMANTIC,
                                  "give %s alone, or both %s and %s", plain, hname, wname);
        if ((st = cf_int(b, h, lo, hi, &out[0])) || (st = cf_int(b, w, lo, hi, &out[1])))
            return st;
        return FV_OK;
    }
    if (n == 0) {
        if (required)
            return cf_layer_error(b, l, FV_ERR_SEMANTIC, "%s layer '%s' needs %s or %s and %s",
                                  l->type, l->name, plain, hname, wname);
        out[0] = out[1] = dflt;
        return FV_OK;
    }
    if (n > 2)
        return cf_value_error(b, cf_find(p, plain), FV_ERR_UNSUPPORTED,
                              "%zu values of %s: only 2-D layers are supported", n, plain);
    for (size_t i = 0, k = 0; i < p->n; i++)
        if (strcmp(p->fields[i].name, plain) == 0 &&
            (st = cf_int(b, &p->fields[i], lo, hi, &out[k++])) != FV_OK)
            return st;
    if (n == 1)
        out[1] = out[0];
    return FV_OK;
}

static fv_status need_param(cf_build *b, const cf_layer *l, const char *name, const pt_msg **p)
{
    fv_status st = cf_sub(b, l, name, p);
    if (st == FV_OK && !*p)
        st = cf_layer_error(b, l, FV_ERR_SEMANTIC, "%s layer '%s' needs %s { ... }", l->type,
                            l->name, name);
    return st;
}

static fv_status convolution(cf_build *b, cf_layer *l)
{
    const pt_msg *p;
    int64_t k[2], s[2], pad[2], d[2], out, group;
    fv_status st;
    if ((st = need_param(b, l, "convolution_param", &p)) ||
        (st = spatial(b, l, p, "kernel_size", 1, 0, 1, FV_MAX_KERNEL, k)) ||
        (st = spatial(b, l, p, "stride", 0, 1, 1, FV_MAX_STRIDE, s)) ||
        (st = spatial(b, l, p, "pad", 0, 0, 0, FV_MAX_PAD, pad)) ||
        (st = spatial(b, l, p, "dilation", 0, 1, 1, FV_MAX_STRIDE, d)) ||
        (st = cf_opt_int(b, p, "group", 1, 1, FV_MAX_CHANNELS, &group)))
        return st;
    const pt_field *nf = cf_find(p, "num_output");
    if (!nf)
        return cf_layer_error(b, l, FV_ERR_SEMANTIC, "%s layer '%s' needs num_output", l->type,
                              l->name);
    if ((st = cf_int(b, nf, 1, FV_MAX_CHANNELS, &out)))
        return st;
    int64_t in_c = l->bottoms[0].channels;
    if (out % group || (in_c > 0 && in_c % group))
        return cf_value_error(b, cf_find(p, "group"), FV_ERR_SEMANTIC,
                              "group %lld must divide both num_output %lld and the %lld input "
                              "channels",
                              (long long)group, (long long)out, (long long)in_c);
    int transposed = strcmp(l->type, "Deconvolution") == 0 || strcmp(l->type, "DECONVOLUTION") == 0;
    fv_layer_init(&l->layer, transposed ? FV_OP_CONV_TRANSPOSE : FV_OP_CONV);
    fv_window *w = &l->layer.params.window;
    for (int a = 0; a < FV_AXES; a++) {
        w->kernel[a] = k[a];
        w->stride[a] = s[a];
        w->dilation[a] = d[a];
        w->pad_begin[a] = w->pad_end[a] = pad[a];
    }
    w->groups = group;
    l->channels = out;
    return FV_OK;
}

/* Caffe rounds pooling output up: ceil((h + 2p - k) / s) + 1, dropping a
 * last window that would start past the image only when the layer pads
 * (FV_CEIL_CAFFE, shape.c). */
static fv_status pooling(cf_build *b, cf_layer *l)
{
    static const char *const pools[] = {"MAX", "AVE", "STOCHASTIC", NULL};
    static const char *const rounds[] = {"CEIL", "FLOOR", NULL};
    const pt_msg *p;
    int pool, global, round, ceil_mode;
    int64_t k[2], s[2], pad[2];
    fv_status st;
    if ((st = need_param(b, l, "pooling_param", &p)) ||
        (st = cf_opt_enum(b, p, "pool", pools, 0, &pool)) ||
        (st = cf_opt_bool(b, p, "global_pooling", 0, &global)) ||
        (st = cf_opt_enum(b, p, "round_mode", rounds, 0, &round)) ||
        (st = cf_opt_bool(b, p, "ceil_mode", round == 0, &ceil_mode)))
        return st;
    /* STOCHASTIC pooling draws a value by its share of the window's sum in
     * training and averages with those shares at test time, sum x^2 / sum x:
     * an average pool's receptive field, not its numbers. */
    if (pool == 2)
        cf_stand_in(l, "Caffe's STOCHASTIC pooling");
    if (global) {
        fv_layer_init(&l->layer, pool == 0 ? FV_OP_GLOBAL_MAX_POOL : FV_OP_GLOBAL_AVG_POOL);
        return FV_OK;
    }
    if ((st = spatial(b, l, p, "kernel_size", 1, 0, 1, FV_MAX_KERNEL, k)) ||
        (st = spatial(b, l, p, "stride", 0, 1, 1, FV_MAX_STRIDE, s)) ||
        (st = spatial(b, l, p, "pad", 0, 0, 0, FV_MAX_PAD, pad)))
        return st;
    fv_layer_init(&l->layer, pool == 0 ? FV_OP_MAX_POOL : FV_OP_AVG_POOL);
    fv_window *w = &l->layer.params.window;
    for (int a = 0; a < FV_AXES; a++) {
        w->kernel[a] = k[a];
        w->stride[a] = s[a];
        w->pad_begin[a] = w->pad_end[a] = pad[a];
    }
    w->ceil_mode = ceil_mode ? FV_CEIL_CAFFE : FV_CEIL_OFF;
    /* AVE divides by the window clipped to the padded map, padding
     * included: PyTorch's count_include_pad, which took it from Caffe */
    w->count_include_pad = 1;
    return FV_OK;
}

static fv_status inner_product(cf_build *b, cf_layer *l)
{
    const pt_msg *p;
    int64_t out;
    fv_status st = need_param(b, l, "inner_product_param", &p);
    const pt_field *nf = st == FV_OK ? cf_find(p, "num_output") : NULL;
    if (st == FV_OK && !nf)
        st = cf_layer_error(b, l, FV_ERR_SEMANTIC, "%s layer '%s' needs num_output", l->type,
                            l->name);
    if (st != FV_OK || (st = cf_int(b, nf, 1, FV_MAX_CHANNELS, &out)))
        return st;
    fv_layer_init(&l->layer, FV_OP_FULLY_CONNECTED);
    l->channels = out;
    l->flat = 1;
    return FV_OK;
}

void cf_all_bottoms(cf_layer *l, fv_op op)
{
    fv_layer_init(&l->layer, op);
    l->layer.n_inputs = l->n_bottoms;
    int flat = 1;
    for (size_t i = 0; i < l->n_bottoms; i++)
        flat &= l->bottoms[i].flat;
    l->flat = flat;
}

/* Eltwise; SUM may weigh its bottoms (coeff: 1 and -1 subtract), which
 * changes no receptive field and every gradient: other weights than 1
 * are marked. Caffe refuses coefficients on PROD and MAX, and a count
 * other than the bottoms'. */
static fv_status eltwise(cf_build *b, cf_layer *l)
{
    static const char *const ops[] = {"PROD", "SUM", "MAX", NULL};
    static const fv_op to[] = {FV_OP_MUL, FV_OP_ADD, FV_OP_MAX};
    const pt_msg *p;
    int op;
    fv_status st = cf_sub(b, l, "eltwise_param", &p);
    if (st == FV_OK)
        st = cf_opt_enum(b, p, "operation", ops, 1, &op);
    if (st != FV_OK)
        return st;
    cf_all_bottoms(l, to[op]);
    size_t n = cf_count(p, "coeff");
    if (n && op != 1)
        return cf_value_error(b, cf_find(p, "coeff"), FV_ERR_SEMANTIC,
                              "'coeff' weighs the bottoms of a SUM only, not of %s", ops[op]);
    if (n && n != l->n_bottoms)
        return cf_value_error(b, cf_find(p, "coeff"), FV_ERR_SEMANTIC,
                              "'coeff' needs one value per bottom (%zu), not %zu", l->n_bottoms,
                              n);
    char list[80] = "";
    int weighed = 0;
    for (size_t i = 0, k = 0; n && i < p->n; i++) {
        double c;
        if (strcmp(p->fields[i].name, "coeff") != 0)
            continue;
        if ((st = cf_num(b, &p->fields[i], &c)) != FV_OK)
            return st;
        weighed |= c != 1;
        size_t at = strlen(list);
        snprintf(list + at, sizeof list - at, "%s%g", k++ ? ", " : "", c);
    }
    if (weighed)
        cf_stand_in(l, "Caffe's Eltwise SUM with coefficients %s", list);
    return FV_OK;
}

/* Concat along channels (axis 1), or of vectors along any axis. */
static fv_status concat(cf_build *b, cf_layer *l)
{
    const pt_msg *p;
    int64_t axis, dim;
    fv_status st;
    if ((st = cf_sub(b, l, "concat_param", &p)) ||
        (st = cf_opt_int(b, p, "concat_dim", 1, 0, 3, &dim)) ||
        (st = cf_opt_int(b, p, "axis", dim, -4, 3, &axis)))
        return st;
    cf_all_bottoms(l, FV_OP_CONCAT);
    if (!l->flat && axis != 1 && axis != -3)
        return cf_value_error(b, cf_find(p, "axis") ? cf_find(p, "axis") : cf_find(p, "concat_dim"),
                              FV_ERR_UNSUPPORTED,
                              "Concat along axis %lld of a feature map: only channels (axis 1) "
                              "are supported",
                              (long long)axis);
    int64_t c = 0;
    for (size_t i = 0; i < l->n_bottoms && c >= 0; i++) {
        if (l->bottoms[i].channels <= 0)
            c = -1;
        else if (__builtin_add_overflow(c, l->bottoms[i].channels, &c) || c > FV_MAX_CHANNELS)
            return cf_layer_error(b, l, FV_ERR_LIMIT, "Concat layer '%s' has more than %lld channels",
                                  l->name, (long long)FV_MAX_CHANNELS);
    }
    l->channels = c > 0 ? c : 0;
    return FV_OK;
}

/* Slice along channels and Split: each top an identity of the bottom,
 * which is what a Split is; the tops of a Slice keep part of the channels,
 * which changes no receptive field, so they are marked. */
static fv_status slice(cf_build *b, cf_layer *l)
{
    const pt_msg *p = NULL;
    int64_t axis = 1, dim;
    fv_status st;
    int is_split = strcmp(l->type, "Split") == 0 || strcmp(l->type, "SPLIT") == 0;
    if (!is_split && ((st = cf_sub(b, l, "slice_param", &p)) ||
                      (st = cf_opt_int(b, p, "slice_dim", 1, 0, 3, &dim)) ||
                      (st = cf_opt_int(b, p, "axis", dim, -4, 3, &axis))))
        return st;
    if (!l->bottoms[0].flat && axis != 1 && axis != -3)
        return cf_layer_error(b, l, FV_ERR_UNSUPPORTED,
                              "Slice along axis %lld of a feature map: only channels (axis 1) "
                              "are supported",
                              (long long)axis);
    size_t n_tops = cf_count(l->m, "top"), n_points = p ? cf_count(p, "slice_point") : 0;
    if (n_points && n_points + 1 != n_tops)
        return cf_layer_error(b, l, FV_ERR_SEMANTIC, "%zu slice points for %zu tops", n_points,
                              n_tops);
    snprintf(l->why, sizeof l->why, "Caffe's Slice into %zu tops", n_tops);
    int64_t c = l->bottoms[0].channels, start = 0;
    size_t point = 0, t = 0;
    for (size_t i = 0; i < l->m->n && st == FV_OK; i++) {
        const pt_field *top = &l->m->fields[i];
        if (strcmp(top->name, "top") != 0)
            continue;
        if (top->kind != PT_STRING)
            return cf_value_error(b, top, FV_ERR_SYNTAX, "'top' must be a string");
        int64_t end = c;
        for (size_t j = 0, seen = 0; n_points && t < n_points && j < p->n; j++)
            if (strcmp(p->fields[j].name, "slice_point") == 0 && seen++ == point &&
                (st = cf_int(b, &p->fields[j], start + 1, FV_MAX_CHANNELS, &end)) != FV_OK)
                return st;
        int64_t out_c = is_split ? c : n_points ? end - start
                                   : (c > 0 && c % (int64_t)n_tops == 0 ? c / (int64_t)n_tops : 0);
        fv_layer id;
        fv_layer_init(&id, FV_OP_IDENTITY);
        id.inputs = l->inputs;
        id.n_inputs = 1;
        st = cf_add_top(b, l, top, &id, out_c > 0 ? out_c : 0, l->bottoms[0].flat,
                        is_split || n_tops == 1 ? NULL : l->why);
        start = end;
        point++;
        t++;
    }
    l->done = 1;
    return st;
}

/* The feature-map size of `node` at the declared input size, per axis. */
static fv_status map_size(cf_build *b, const cf_layer *l, int32_t node, int64_t size[FV_AXES])
{
    int64_t hw[FV_AXES];
    fv_graph_input_size(b->g, hw);
    if (hw[0] < 1 || hw[1] < 1)
        return cf_layer_error(b, l, FV_ERR_SEMANTIC,
                              "Crop layer '%s' needs the input size, which the net does not declare",
                              l->name);
    size_t n = fv_graph_size(b->g);
    fv_feature_map *maps = calloc(n, sizeof *maps);
    if (!maps)
        return fv_diag_set(b->diag, FV_ERR_NOMEM, "out of memory");
    fv_status st = fv_graph_infer_shapes(b->g, hw, maps, b->diag);
    if (st == FV_OK)
        for (int a = 0; a < FV_AXES; a++)
            size[a] = maps[node].size[a];
    free(maps);
    return st;
}

/* Crop bottom 0 to bottom 1's size from `offset` (Caffe's CropLayer): the
 * cropped axes keep [offset, offset + size of bottom 1). Bottom 1's size is
 * taken at the input size the net declares, as Caffe's Reshape does, so the
 * slice is exact there; with another input size its end stays where the
 * declared size put it. */
static fv_status crop(cf_build *b, cf_layer *l)
{
    const pt_msg *p;
    int64_t axis, off[2] = {0, 0};
    fv_status st;
    if ((st = cf_sub(b, l, "crop_param", &p)) || (st = cf_opt_int(b, p, "axis", 2, -4, 3, &axis)))
        return st;
    if (axis < 0)
        axis += 4;
    if (l->n_bottoms != 2)
        return cf_layer_error(b, l, FV_ERR_SEMANTIC, "Crop layer '%s' needs two bottoms", l->name);
    if (axis < 2)
        return cf_layer_error(b, l, FV_ERR_UNSUPPORTED,
                              "Crop from axis %lld crops channels: only spatial crops are "
                              "supported",
                              (long long)axis);
    size_t n = cf_count(p, "offset");
    if (n > (size_t)(4 - axis))
        return cf_value_error(b, cf_find(p, "offset"), FV_ERR_SEMANTIC,
                              "%zu offsets for %lld cropped axes", n, (long long)(4 - axis));
    for (size_t i = 0, k = 0; p && i < p->n; i++)
        if (strcmp(p->fields[i].name, "offset") == 0 &&
            (st = cf_int(b, &p->fields[i], 0, FV_MAX_DIM, &off[axis - 2 + k++])) != FV_OK)
            return st;
    if (n == 1 && axis == 2)
        off[1] = off[0];
    int64_t from[FV_AXES], to[FV_AXES];
    if ((st = map_size(b, l, l->inputs[0], from)) != FV_OK ||
        (st = map_size(b, l, l->inputs[1], to)) != FV_OK)
        return st;
    fv_layer_init(&l->layer, FV_OP_SLICE);
    for (int a = (int)axis - 2; a < FV_AXES; a++) {
        if (off[a] + to[a] > from[a])
            return cf_layer_error(b, l, FV_ERR_GRAPH,
                                  "Crop layer '%s': offset %lld + size %lld of '%s' passes the "
                                  "end of '%s' (%lld) along %c",
                                  l->name, (long long)off[a], (long long)to[a],
                                  l->bottoms[1].name, l->bottoms[0].name, (long long)from[a],
                                  a == FV_AXIS_Y ? 'y' : 'x');
        l->layer.params.slice.start[a] = off[a];
        l->layer.params.slice.end[a] = off[a] + to[a];
    }
    l->layer.n_inputs = 1;
    return FV_OK;
}

static fv_status relu(cf_build *b, cf_layer *l)
{
    const pt_msg *p;
    double slope = 0;
    fv_status st = cf_sub(b, l, "relu_param", &p);
    const pt_field *f = p ? cf_find(p, "negative_slope") : NULL;
    if (st == FV_OK && f)
        st = cf_num(b, f, &slope);
    fv_layer_init(&l->layer, slope != 0 ? FV_OP_LEAKY_RELU : FV_OP_RELU);
    if (slope != 0)
        l->layer.params.pointwise.alpha = slope; /* for the ERF engine */
    return st;
}

/* LRN across channels is pointwise, with Caffe's defaults (alpha 1, beta
 * 0.75, k 1) and its rule that local_size be odd; WITHIN_CHANNEL averages
 * the squares over a local_size x local_size window padded by
 * (local_size - 1) / 2, which has the receptive field of that average
 * pool but other numbers: the ERF engine refuses it. */
static fv_status lrn(cf_build *b, cf_layer *l)
{
    static const char *const regions[] = {"ACROSS_CHANNELS", "WITHIN_CHANNEL", NULL};
    const pt_msg *p;
    int region;
    int64_t size;
    double alpha, beta, k;
    fv_status st;
    if ((st = cf_sub(b, l, "lrn_param", &p)) ||
        (st = cf_opt_enum(b, p, "norm_region", regions, 0, &region)) ||
        (st = cf_opt_int(b, p, "local_size", 5, 1, FV_MAX_KERNEL, &size)) ||
        (st = cf_opt_num(b, p, "alpha", 1, &alpha)) ||
        (st = cf_opt_num(b, p, "beta", 0.75, &beta)) || (st = cf_opt_num(b, p, "k", 1, &k)))
        return st;
    if (size % 2 == 0)
        return cf_value_error(b, cf_find(p, "local_size"), FV_ERR_SEMANTIC,
                              "'local_size' is %lld; Caffe's LRN takes only odd sizes",
                              (long long)size);
    if (!region) {
        fv_layer_init(&l->layer, FV_OP_LRN);
        l->layer.params.lrn = (fv_lrn){.size = size, .alpha = alpha, .beta = beta, .bias = k};
        return FV_OK;
    }
    fv_layer_init(&l->layer, FV_OP_AVG_POOL);
    for (int a = 0; a < FV_AXES; a++) {
        l->layer.params.window.kernel[a] = size;
        l->layer.params.window.pad_begin[a] = l->layer.params.window.pad_end[a] = (size - 1) / 2;
    }
    l->inexact = "Caffe's LRN WITHIN_CHANNEL";
    return FV_OK;
}

/* Vectors: every unit sees the whole input. Reshape is taken as one too,
 * and marked: the ERF engine has no kernel for either, and the message
 * names the layer. */
static fv_status flatten(cf_build *b, cf_layer *l)
{
    fv_layer_init(&l->layer, FV_OP_FLATTEN);
    l->flat = 1;
    if (strcmp(l->type, "Reshape") == 0)
        cf_stand_in(l, "Caffe's Reshape");
    return FV_OK;
}

/* DetectionOutput reads the flattened loc, conf and prior vectors, and
 * decodes boxes and suppresses all but the best: a concat for receptive
 * fields only. */
static fv_status detection_output(cf_build *b, cf_layer *l)
{
    cf_all_bottoms(l, FV_OP_CONCAT);
    l->flat = 1;
    cf_stand_in(l, "Caffe-SSD's DetectionOutput (box decoding and non-maximum suppression)");
    return FV_OK;
}

fv_status cf_prior_box(cf_build *b, cf_layer *l);

static const struct {
    const char *type;
    cf_layer_fn fn;
} handlers[] = {
    {"Convolution", convolution}, {"CONVOLUTION", convolution},
    {"Deconvolution", convolution}, {"DECONVOLUTION", convolution},
    {"Pooling", pooling}, {"POOLING", pooling},
    {"InnerProduct", inner_product}, {"INNER_PRODUCT", inner_product},
    {"Eltwise", eltwise}, {"ELTWISE", eltwise},
    {"Concat", concat}, {"CONCAT", concat},
    {"Slice", slice}, {"SLICE", slice}, {"Split", slice}, {"SPLIT", slice},
    {"Crop", crop},
    {"ReLU", relu}, {"RELU", relu},
    {"LRN", lrn},
    {"Flatten", flatten}, {"FLATTEN", flatten}, {"Reshape", flatten},
    {"PriorBox", cf_prior_box},
    {"DetectionOutput", detection_output},
};

cf_layer_fn cf_layer_handler(const char *type)
{
    for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++)
        if (strcmp(handlers[i].type, type) == 0)
            return handlers[i].fn;
    return cf_numeric_handler(type);
}
