/* The Caffe layers that change no receptive field, with what the ERF
 * engine needs of them: their constants, the untrained values of their
 * learned blobs, and a note on every layer whose op only stands in for it
 * (fv_graph_mark_inexact), so that no gradient is computed through a
 * stand-in.
 *
 * A prototxt carries no weights, and the engine draws only the weights of
 * convolutions and inner products itself (all ones, or He-normal; biases
 * 0). Every other learned blob (the scale of a Normalize or a Scale, the
 * bias of a Bias or a Scale, the slopes of a PReLU) is what its filler
 * makes of it in an untrained net: fovea takes a constant filler's value,
 * or the layer's default when there is no filler, and marks a layer whose
 * filler draws random numbers. */
#include <string.h>

#include "caffe.h"

/* A FillerParameter: constant (Caffe's default type; value default 0) or
 * another type, which draws its numbers. */
typedef struct cf_filler {
    double value;       /* a constant filler's value */
    const char *random; /* the type of any other filler, else NULL */
} cf_filler;

/* The filler `name` in p (which may be NULL); `dflt` when it is absent:
 * the constant the layer fills its blob with then. */
static fv_status filler(cf_build *b, const pt_msg *p, const char *name, double dflt, cf_filler *f)
{
    const pt_field *field = cf_find(p, name);
    *f = (cf_filler){.value = dflt};
    if (!field)
        return FV_OK;
    if (field->kind != PT_MESSAGE)
        return cf_value_error(b, field, FV_ERR_SYNTAX, "'%s' must be a message { ... }", name);
    const pt_field *type = cf_find(field->msg, "type");
    if (type && type->kind != PT_STRING)
        return cf_value_error(b, type, FV_ERR_SYNTAX, "'type' must be a string");
    if (type && strcmp(type->text, "constant") != 0) {
        f->random = type->text;
        return FV_OK;
    }
    return cf_opt_num(b, field->msg, "value", 0, &f->value);
}

/* Marks l, which `who` names, unless its `field` filler is the constant
 * `identity`, the value for which its op computes what the layer does; a
 * layer whose op takes any constant passes the filler's own value. */
static void filled(cf_layer *l, const char *who, const char *field, const cf_filler *f,
                   double identity)
{
    if (f->random)
        cf_stand_in(l, "%s with a '%s' %s", who, f->random, field);
    else if (f->value != identity)
        cf_stand_in(l, "%s with a constant %g %s", who, f->value, field);
}

/* Caffe-SSD's Normalize (ParseNet's L2 normalisation; SSD's conv4_3_norm).
 * norm_param: across_spatial (default true), channel_shared (true), eps
 * (1e-10), scale_filler (absent: constant 1, NormalizeLayer::LayerSetUp).
 * across_spatial false divides each pixel's channels by their norm: the
 * normalize op. true divides the whole map by one norm, so that every
 * unit depends on every pixel: fovea reads it as the per-pixel op for
 * receptive fields and marks it. A constant scale is the same shared or
 * per channel. */
static fv_status normalize(cf_build *b, cf_layer *l)
{
    const pt_msg *p;
    int across, shared;
    double eps;
    cf_filler scale;
    fv_status st;
    if ((st = cf_sub(b, l, "norm_param", &p)) ||
        (st = cf_opt_bool(b, p, "across_spatial", 1, &across)) ||
        (st = cf_opt_bool(b, p, "channel_shared", 1, &shared)) ||
        (st = cf_opt_num(b, p, "eps", 1e-10, &eps)) ||
        (st = filler(b, p, "scale_filler", 1, &scale)))
        return st;
    if (eps < 0)
        return cf_value_error(b, cf_find(p, "eps"), FV_ERR_SEMANTIC,
                              "'eps' is %g; it must be at least 0", eps);
    fv_layer_init(&l->layer, FV_OP_NORMALIZE);
    l->layer.params.normalize = (fv_normalize){.eps = eps, .scale = scale.value};
    if (across)
        cf_stand_in(l, "Caffe-SSD's Normalize across_spatial (one norm over the whole map)");
    else
        filled(l, "Caffe-SSD's Normalize", "scale_filler", &scale, scale.value);
    return FV_OK;
}

/* Power: (shift + scale * x)^power, power_param's power, scale and shift
 * (defaults 1, 1 and 0: the identity); FaceBoxes negates with scale -1.
 * The power op computes every one; the ERF engine decides which it runs. */
static fv_status power(cf_build *b, cf_layer *l)
{
    const pt_msg *p;
    fv_power w;
    fv_status st;
    if ((st = cf_sub(b, l, "power_param", &p)) || (st = cf_opt_num(b, p, "power", 1, &w.power)) ||
        (st = cf_opt_num(b, p, "scale", 1, &w.scale)) ||
        (st = cf_opt_num(b, p, "shift", 0, &w.shift)))
        return st;
    fv_layer_init(&l->layer, FV_OP_POWER);
    l->layer.params.power = w;
    return FV_OK;
}

/* Bias: x plus a second bottom, broadcast (an add), or plus a learned
 * blob, which bias_param's filler fills (default constant 0: identity). */
static fv_status bias(cf_build *b, cf_layer *l)
{
    const pt_msg *p;
    cf_filler f;
    fv_status st;
    if (l->n_bottoms > 1) {
        cf_all_bottoms(l, FV_OP_ADD);
        return FV_OK;
    }
    if ((st = cf_sub(b, l, "bias_param", &p)) || (st = filler(b, p, "filler", 0, &f)))
        return st;
    fv_layer_init(&l->layer, FV_OP_IDENTITY);
    filled(l, "Caffe's Bias", "filler", &f, 0);
    return FV_OK;
}

/* Scale: x times a second bottom, broadcast (a mul), or times a learned
 * blob (filler: default constant 1, ScaleLayer's identity), plus a learned
 * bias with bias_term (bias_filler: default constant 0). The scale op is
 * the identity under the engine's weights. */
static fv_status scale(cf_build *b, cf_layer *l)
{
    const pt_msg *p;
    int bias_term;
    cf_filler f, bf;
    fv_status st;
    if ((st = cf_sub(b, l, "scale_param", &p)) || (st = filler(b, p, "filler", 1, &f)) ||
        (st = cf_opt_bool(b, p, "bias_term", 0, &bias_term)) ||
        (st = filler(b, p, "bias_filler", 0, &bf)))
        return st;
    if (l->n_bottoms > 1) {
        cf_all_bottoms(l, FV_OP_MUL);
    } else {
        fv_layer_init(&l->layer, FV_OP_SCALE);
        filled(l, "Caffe's Scale", "filler", &f, 1);
    }
    if (bias_term && !l->inexact)
        filled(l, "Caffe's Scale", "bias_filler", &bf, 0);
    return FV_OK;
}

/* PReLU: its slopes are a learned blob (filler: default constant 0.25,
 * PReLULayer::LayerSetUp), one per channel or shared; a constant is the
 * engine's shared slope. */
static fv_status prelu(cf_build *b, cf_layer *l)
{
    const pt_msg *p;
    cf_filler f;
    fv_status st;
    if ((st = cf_sub(b, l, "prelu_param", &p)) || (st = filler(b, p, "filler", 0.25, &f)))
        return st;
    fv_layer_init(&l->layer, FV_OP_PRELU);
    l->layer.params.pointwise.alpha = f.value;
    filled(l, "Caffe's PReLU", "filler", &f, f.value);
    return FV_OK;
}

/* ELU: alpha * (exp(x) - 1) below 0, alpha default 1. */
static fv_status elu(cf_build *b, cf_layer *l)
{
    const pt_msg *p;
    double alpha;
    fv_status st;
    if ((st = cf_sub(b, l, "elu_param", &p)) || (st = cf_opt_num(b, p, "alpha", 1, &alpha)))
        return st;
    fv_layer_init(&l->layer, FV_OP_ELU);
    l->layer.params.pointwise.alpha = alpha;
    return FV_OK;
}

/* Softmax along axis 1, the channels (default), is the softmax op; along
 * another axis (SSD's conf scores, reshaped to (N, boxes, classes), take
 * axis 2) it is marked. */
static fv_status softmax(cf_build *b, cf_layer *l)
{
    const pt_msg *p;
    int64_t axis;
    fv_status st;
    if ((st = cf_sub(b, l, "softmax_param", &p)) || (st = cf_opt_int(b, p, "axis", 1, -4, 3, &axis)))
        return st;
    fv_layer_init(&l->layer, FV_OP_SOFTMAX);
    if (axis != 1 && axis != -3)
        cf_stand_in(l, "Caffe's Softmax along axis %lld", (long long)axis);
    return FV_OK;
}

/* Permute reorders the axes (SSD: order 0, 2, 3, 1 before Flatten). fovea
 * keeps N, C, H, W: each value keeps the pixels it saw, so the identity is
 * exact for the values themselves; caffe.c marks the layers after it that
 * read the axes. The orders must be distinct axes 0..3, as Caffe checks;
 * axes not named follow in order. */
static fv_status permute(cf_build *b, cf_layer *l)
{
    const pt_msg *p;
    fv_status st = cf_sub(b, l, "permute_param", &p);
    int seen[4] = {0};
    for (size_t i = 0, k = 0; st == FV_OK && p && i < p->n; i++) {
        int64_t axis;
        if (strcmp(p->fields[i].name, "order") != 0)
            continue;
        if ((st = cf_int(b, &p->fields[i], 0, 3, &axis)) != FV_OK)
            return st;
        if (seen[axis]++)
            return cf_value_error(b, &p->fields[i], FV_ERR_SEMANTIC,
                                  "axis %lld appears twice in 'order'", (long long)axis);
        l->permutes |= axis != (int64_t)k++;
    }
    fv_layer_init(&l->layer, FV_OP_IDENTITY);
    return st;
}

/* Types that become one op with nothing to read; `inexact` when the op
 * stands in for the layer. Caffe's BatchNorm (and the BN of its forks)
 * is batch_norm, the identity under the engine's weights as for any model
 * without them. */
static const struct {
    const char *type;
    fv_op op;
    const char *inexact;
} plain[] = {
    {"Sigmoid", FV_OP_SIGMOID, NULL},       {"SIGMOID", FV_OP_SIGMOID, NULL},
    {"TanH", FV_OP_TANH, NULL},             {"TANH", FV_OP_TANH, NULL},
    {"BatchNorm", FV_OP_BATCH_NORM, NULL},  {"BN", FV_OP_BATCH_NORM, NULL},
    {"Dropout", FV_OP_DROPOUT, NULL},       {"DROPOUT", FV_OP_DROPOUT, NULL},
    {"AbsVal", FV_OP_IDENTITY, "Caffe's AbsVal (|x|)"},
};

static fv_status plain_layer(cf_build *b, cf_layer *l)
{
    (void)b;
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        if (strcmp(plain[i].type, l->type) == 0) {
            fv_layer_init(&l->layer, plain[i].op);
            l->inexact = plain[i].inexact;
        }
    return FV_OK;
}

static const struct {
    const char *type;
    cf_layer_fn fn;
} handlers[] = {
    {"Normalize", normalize}, {"Power", power},     {"POWER", power},
    {"Bias", bias},           {"Scale", scale},     {"PReLU", prelu},
    {"ELU", elu},             {"Softmax", softmax}, {"SOFTMAX", softmax},
    {"Permute", permute},
};

cf_layer_fn cf_numeric_handler(const char *type)
{
    for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++)
        if (strcmp(handlers[i].type, type) == 0)
            return handlers[i].fn;
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        if (strcmp(plain[i].type, type) == 0)
            return plain_layer;
    return NULL;
}
