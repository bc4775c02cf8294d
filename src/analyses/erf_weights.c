/* Where the ERF engine's numbers come from: all ones (Luo et al.'s path
 * counts), He-normal random weights (seeded, the same on every machine), or
 * the model's own tensors with batch norm folded in eval mode and instance
 * norm's scale and shift. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "erf_private.h"
#include "erf_random.h"

static int is_conv(fv_op op) { return op == FV_OP_CONV || op == FV_OP_CONV_TRANSPOSE; }

/* Weight count of a conv node: (out, in/g, kh, kw) or, transposed, (in, out/g, kh, kw). */
static size_t conv_count(const erf_engine *e, int32_t i)
{
    const erf_node *n = &e->nodes[i];
    const fv_box *in = &e->nodes[fv_graph_input(e->g, i, 0)].box;
    return (size_t)(n->box.c * (in->c / n->kwin.groups) * n->kwin.k[0] * n->kwin.k[1]);
}

size_t erf_weights_bytes(const erf_engine *e, int32_t i)
{
    fv_op op = fv_graph_op(e->g, i);
    if (is_conv(op))
        return (conv_count(e, i) + (size_t)e->nodes[i].box.c) * sizeof(float);
    if (op == FV_OP_BATCH_NORM)
        return 2 * (size_t)e->nodes[i].box.c * e->elem;
    if (op == FV_OP_INSTANCE_NORM)
        return (size_t)e->nodes[i].box.c * (2 * e->elem + 4 * sizeof(double));
    if (op == FV_OP_PRELU)
        return (size_t)e->nodes[i].box.c * sizeof(float);
    return 0;
}

/* Puts the node's name in front of a message fv_graph_weight left. */
static fv_status at_node(const erf_engine *e, int32_t i, fv_status st, fv_diag *diag)
{
    char msg[sizeof diag->message];
    snprintf(msg, sizeof msg, "%s", diag ? diag->message : "no weights");
    return fv_diag_node(diag, e->g, i, st, "%s", msg);
}

/* A model tensor of node i with exactly `count` values. */
static fv_status model_tensor(const erf_engine *e, int32_t i, fv_weight_kind which, size_t count,
                              const char *what, const float **data, fv_diag *diag)
{
    int64_t dims[4];
    int nd;
    fv_status st = fv_graph_weight(e->g, i, which, data, dims, &nd, diag);
    if (st != FV_OK)
        return at_node(e, i, st, diag);
    size_t have = 1;
    for (int d = 0; d < nd; d++)
        have *= (size_t)dims[d];
    if (have != count)
        return fv_diag_node(diag, e->g, i, FV_ERR_SEMANTIC,
                            "the %s holds %zu values; the engine expects %zu for this layer's "
                            "channels and kernel",
                            what, have, count);
    return FV_OK;
}

static fv_status conv_weights(erf_engine *e, int32_t i, uint64_t draw, fv_diag *diag)
{
    erf_node *n = &e->nodes[i];
    size_t count = conv_count(e, i);
    if (!n->w) {
        n->w = malloc(count * sizeof *n->w);
        n->bias = calloc((size_t)n->box.c, sizeof *n->bias);
        n->n_w = count;
        if (!n->w || !n->bias)
            return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    }
    switch (e->o->weights) {
    case FV_ERF_UNIFORM:
        for (size_t k = 0; k < count; k++)
            n->w[k] = 1.0f;
        return FV_OK;
    case FV_ERF_RANDOM: {
        /* PyTorch's fan_in: weight dim 1 times the kernel area */
        double fan_in = (double)count / (double)(fv_graph_op(e->g, i) == FV_OP_CONV
                                                     ? n->box.c
                                                     : e->nodes[fv_graph_input(e->g, i, 0)].box.c);
        double std = sqrt(2.0 / fan_in);
        uint64_t stream = fv_mix64(e->o->seed ^ fv_mix64(((uint64_t)i + 1) * FV_GOLDEN + draw));
        for (size_t k = 0; k < count; k++)
            n->w[k] = (float)(std * fv_noise_normal(stream, k));
        return FV_OK;
    }
    case FV_ERF_MODEL: {
        const float *w, *b;
        fv_status st = model_tensor(e, i, FV_WEIGHT, count, "weight", &w, diag);
        if (st != FV_OK)
            return st;
        memcpy(n->w, w, count * sizeof *w);
        fv_diag quiet;
        int64_t dims[4];
        int nd;
        if (fv_graph_weight(e->g, i, FV_BIAS, &b, dims, &nd, &quiet) == FV_OK) {
            if (model_tensor(e, i, FV_BIAS, (size_t)n->box.c, "bias", &b, diag) != FV_OK)
                return FV_ERR_SEMANTIC;
            memcpy(n->bias, b, (size_t)n->box.c * sizeof *b);
        }
        return FV_OK;
    }
    }
    return FV_OK;
}

/* Batch norm in eval mode: y = (x - mean) / sqrt(var + eps) * gamma + beta,
 * folded in double and stored in the engine's element type. */
static fv_status batch_norm(erf_engine *e, int32_t i, fv_diag *diag)
{
    erf_node *n = &e->nodes[i];
    if (e->o->weights != FV_ERF_MODEL) {
        n->identity = 1;
        return FV_OK;
    }
    size_t c = (size_t)n->box.c;
    const float *gamma, *beta, *mean, *var;
    fv_status st = model_tensor(e, i, FV_WEIGHT, c, "scale", &gamma, diag);
    if (st == FV_OK)
        st = model_tensor(e, i, FV_BIAS, c, "shift", &beta, diag);
    if (st == FV_OK)
        st = model_tensor(e, i, FV_BN_MEAN, c, "running mean", &mean, diag);
    if (st == FV_OK)
        st = model_tensor(e, i, FV_BN_VAR, c, "running variance", &var, diag);
    if (st != FV_OK)
        return st;
    n->scale = malloc(c * e->elem);
    n->shift = malloc(c * e->elem);
    if (!n->scale || !n->shift)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    double eps = fv_graph_params(e->g, i)->pointwise.alpha;
    for (size_t k = 0; k < c; k++) {
        double s = gamma[k] / sqrt((double)var[k] + eps);
        erf_put(e, n->scale, k, s);
        erf_put(e, n->shift, k, beta[k] - mean[k] * s);
    }
    return FV_OK;
}

/* Instance norm: scale and shift from the model, else 1 and 0; the
 * normalisation itself runs whatever the weights. */
static fv_status instance_norm(erf_engine *e, int32_t i, fv_diag *diag)
{
    erf_node *n = &e->nodes[i];
    size_t c = (size_t)n->box.c;
    const float *gamma = NULL, *beta = NULL;
    fv_status st = FV_OK;
    if (e->o->weights == FV_ERF_MODEL &&
        (st = model_tensor(e, i, FV_WEIGHT, c, "scale", &gamma, diag)) == FV_OK)
        st = model_tensor(e, i, FV_BIAS, c, "shift", &beta, diag);
    if (st != FV_OK)
        return st;
    n->scale = malloc(c * e->elem);
    n->shift = malloc(c * e->elem);
    n->stats = malloc(4 * c * sizeof *n->stats);
    if (!n->scale || !n->shift || !n->stats)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < c; k++) {
        erf_put(e, n->scale, k, gamma ? gamma[k] : 1.0);
        erf_put(e, n->shift, k, beta ? beta[k] : 0.0);
    }
    return FV_OK;
}

static fv_status prelu(erf_engine *e, int32_t i, fv_diag *diag)
{
    erf_node *n = &e->nodes[i];
    if (e->o->weights != FV_ERF_MODEL)
        return FV_OK; /* the shared slope of fv_pointwise (0.25 unless the model says) */
    const float *s;
    int64_t dims[4];
    int nd;
    fv_status st = fv_graph_weight(e->g, i, FV_WEIGHT, &s, dims, &nd, diag);
    if (st != FV_OK)
        return at_node(e, i, st, diag);
    size_t have = 1;
    for (int d = 0; d < nd; d++)
        have *= (size_t)dims[d];
    if (have != 1 && have != (size_t)n->box.c)
        return fv_diag_node(diag, e->g, i, FV_ERR_SEMANTIC,
                            "PRelu has %zu slopes for %lld channels", have, (long long)n->box.c);
    n->slope = malloc(have * sizeof *n->slope);
    if (!n->slope)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    memcpy(n->slope, s, have * sizeof *s);
    n->n_slope = (int64_t)have;
    n->act.slope = n->slope;
    n->act.n_slope = n->n_slope;
    return FV_OK;
}

fv_status erf_weights_fill(erf_engine *e, int32_t i, uint64_t draw, fv_diag *diag)
{
    switch (fv_graph_op(e->g, i)) {
    case FV_OP_CONV:
    case FV_OP_CONV_TRANSPOSE:
        return conv_weights(e, i, draw, diag);
    case FV_OP_BATCH_NORM:
        return batch_norm(e, i, diag);
    case FV_OP_INSTANCE_NORM:
        return instance_norm(e, i, diag);
    case FV_OP_PRELU:
        return prelu(e, i, diag);
    default:
        return FV_OK;
    }
}
