/* The ERF engine: per sample, fill the input window, run every node of the
 * cone forward on its window, seed the chosen unit's gradient with 1, run
 * backward-data only (no weight gradients) back to the input, and add the
 * aggregated input gradient to the map. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "erf_private.h"

struct fv_erf_result {
    int32_t node;
    int64_t unit[FV_AXES];
    int64_t image[FV_AXES];
    int64_t h, w, y0, x0;
    double *map;
    uint64_t memory;
    uint64_t flops;
    double setup_seconds, sample_seconds, sample_cpu;
    fv_erf_precision precision;
};

static double clock_seconds(clockid_t which)
{
    struct timespec t;
    clock_gettime(which, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double now(void) { return clock_seconds(CLOCK_MONOTONIC); }

void fv_erf_options_init(fv_erf_options *o)
{
    memset(o, 0, sizeof *o);
    o->weights = FV_ERF_UNIFORM;
    o->samples = 1;
    o->input = FV_ERF_NOISE;
    o->aggregate = FV_ERF_ABS;
    o->channel = -1;
    o->precision = FV_ERF_FLOAT64;
    for (int c = 0; c < 3; c++)
        o->std[c] = 1.0;
}

/* ------------------------------------------------------------- checking */

static int is_activation(fv_op op)
{
    return fv_act_supported(op) && op != FV_OP_IDENTITY && op != FV_OP_DROPOUT;
}

/* Uniform weights count paths; all-ones convs give every channel the
 * same map, which L2 normalisation would make a constant (its gradient a
 * difference of equal terms: rounding). So with uniform weights it counts
 * as the identity, as batch norm does, and the map stays a path count. */
static int normalize_is_identity(const erf_engine *e, fv_op op)
{
    return op == FV_OP_NORMALIZE && e->o->weights == FV_ERF_UNIFORM;
}

/* Power 1, scale 1, shift 0: Caffe's Power with its defaults. */
static int power_is_identity(const fv_power *p)
{
    return p->power == 1 && p->scale == 1 && p->shift == 0;
}

/* Whether (shift + scale x)^power is a finite number for every x. Unless
 * scale is 0 the base takes every real value, so that only whole powers
 * of at least 0 (polynomials) are; a negative power is infinite where the
 * base is 0, and another fractional one undefined where it is negative.
 * With scale 0 the output is the constant shift^power. */
static int power_is_defined(const fv_power *p)
{
    if (p->power >= 0 && p->power == floor(p->power))
        return 1;
    return p->scale == 0 && isfinite(pow(p->shift, p->power));
}

/* Whether node i runs as a copy of its input: identity and dropout,
 * Scale (no weights of its own), activations under --linear, and the
 * normalize and power that the cases above make the identity. */
static int runs_as_identity(const erf_engine *e, int32_t i)
{
    fv_op op = fv_graph_op(e->g, i);
    return op == FV_OP_IDENTITY || op == FV_OP_DROPOUT || op == FV_OP_SCALE ||
           (e->o->linear && is_activation(op)) || normalize_is_identity(e, op) ||
           (op == FV_OP_POWER && power_is_identity(&fv_graph_params(e->g, i)->power));
}

/* Whether node i computes on scaled inputs as it does on true ones: a
 * copy, ops linear without a constant term (uniform weights leave convs
 * without bias and batch norm the identity; a power 1 without shift, such
 * as FaceBoxes' negation), positively homogeneous ones (pools, ReLU, leaky
 * ReLU, PReLU, max), and the merges that align their inputs first. Any
 * other op is given true values. */
int erf_reads_scaled(const erf_engine *e, int32_t i)
{
    fv_op op = fv_graph_op(e->g, i);
    if (runs_as_identity(e, i))
        return 1;
    if (op == FV_OP_POWER) {
        const fv_power *p = &fv_graph_params(e->g, i)->power;
        return p->power == 1 && p->shift == 0;
    }
    switch (op) {
    case FV_OP_CONV:
    case FV_OP_CONV_TRANSPOSE:
    case FV_OP_MAX_POOL:
    case FV_OP_AVG_POOL:
    case FV_OP_GLOBAL_AVG_POOL:
    case FV_OP_GLOBAL_MAX_POOL:
    case FV_OP_RESIZE:
    case FV_OP_DEPTH_TO_SPACE:
    case FV_OP_SPACE_TO_DEPTH:
    case FV_OP_PAD:
    case FV_OP_SLICE:
    case FV_OP_BATCH_NORM:
    case FV_OP_RELU:
    case FV_OP_LEAKY_RELU:
    case FV_OP_PRELU:
    case FV_OP_ADD:
    case FV_OP_MAX:
    case FV_OP_CONCAT:
        return 1;
    default:
        return 0;
    }
}

/* Whether node i keeps copies of its inputs in scaled arithmetic: merges
 * align them, ops that need true values undo the scaling. */
static int needs_edges(const erf_engine *e, int32_t i)
{
    fv_op op = fv_graph_op(e->g, i);
    if (!e->scaled || fv_graph_n_inputs(e->g, i) == 0)
        return 0;
    return op == FV_OP_ADD || op == FV_OP_MAX || op == FV_OP_CONCAT || !erf_reads_scaled(e, i);
}

static uint64_t edge_bytes(const erf_engine *e, int32_t i)
{
    uint64_t bytes = 0;
    for (size_t j = 0; needs_edges(e, i) && j < fv_graph_n_inputs(e->g, i); j++)
        bytes += fv_box_size(&e->plan.box[fv_graph_input(e->g, i, j)]) * e->elem;
    return bytes;
}

/* Refuses ops the engine has no kernel for, and stand-ins for other ops. */
static fv_status check_node(const erf_engine *e, int32_t i, fv_diag *diag)
{
    const fv_graph *g = e->g;
    fv_op op = fv_graph_op(g, i);
    const char *why = fv_graph_inexact(g, i);
    if (why)
        return fv_diag_node(diag, g, i, FV_ERR_UNSUPPORTED,
                            "the ERF engine has no kernel for %s (read as %s for receptive "
                            "fields only)",
                            why, fv_op_name(op));
    if (fv_graph_assumed_identity(g, i))
        return fv_diag_node(diag, g, i, FV_ERR_UNSUPPORTED,
                            "the ERF engine cannot run an unknown operator assumed to be identity");
    switch (op) {
    case FV_OP_FLATTEN:
    case FV_OP_FULLY_CONNECTED:
        return fv_diag_node(diag, g, i, FV_ERR_UNSUPPORTED, "the ERF engine has no kernel for %s",
                            fv_op_name(op));
    case FV_OP_LRN: {
        const fv_lrn *p = &fv_graph_params(g, i)->lrn;
        if (!(p->bias > 0) || !(p->alpha >= 0))
            return fv_diag_node(diag, g, i, FV_ERR_UNSUPPORTED,
                                "the ERF engine runs an LRN only with bias > 0 and alpha >= 0, "
                                "which keep its scale positive (bias %g, alpha %g)",
                                p->bias, p->alpha);
        break;
    }
    case FV_OP_NORMALIZE: {
        const fv_normalize *p = &fv_graph_params(g, i)->normalize;
        if (!(p->eps > 0))
            return fv_diag_node(diag, g, i, FV_ERR_UNSUPPORTED,
                                "the ERF engine runs a normalize only with eps > 0, which keeps "
                                "its norm positive (eps %g)",
                                p->eps);
        break;
    }
    case FV_OP_POWER: {
        const fv_power *p = &fv_graph_params(g, i)->power;
        if (!power_is_defined(p))
            return fv_diag_node(diag, g, i, FV_ERR_UNSUPPORTED,
                                "the ERF engine runs a power only where (shift + scale x)^power "
                                "is finite for every x: a whole power of at least 0, or scale 0 "
                                "and a finite shift^power (power %g, scale %g, shift %g)",
                                p->power, p->scale, p->shift);
        break;
    }
    case FV_OP_SCALE:
        if (e->o->weights == FV_ERF_MODEL)
            return fv_diag_node(diag, g, i, FV_ERR_UNSUPPORTED,
                                "the ERF engine has no weights for a scale layer");
        break;
    default:
        break;
    }
    return FV_OK;
}

/* Channels of every active node: the graph's, else 1 at the input and at
 * a conv (Luo's one-channel setup), else what flows through. */
static fv_status settle_channels(erf_engine *e, fv_diag *diag)
{
    const fv_graph *g = e->g;
    for (size_t k = 0; k < e->plan.n; k++) {
        int32_t i = e->plan.order[k];
        if (!e->plan.active[i])
            continue;
        fv_box *b = &e->plan.box[i];
        fv_op op = fv_graph_op(g, i);
        size_t n_in = fv_graph_n_inputs(g, i);
        int64_t c0 = n_in ? e->plan.box[fv_graph_input(g, i, 0)].c : 1;
        if (e->plan.maps[i].channels <= 0) {
            if (op == FV_OP_INPUT || op == FV_OP_CONV || op == FV_OP_CONV_TRANSPOSE)
                b->c = 1;
            else if (op == FV_OP_CONCAT) {
                b->c = 0;
                for (size_t j = 0; j < n_in; j++)
                    b->c += e->plan.box[fv_graph_input(g, i, j)].c;
            } else if (op == FV_OP_DEPTH_TO_SPACE) {
                int64_t bb = fv_graph_params(g, i)->block.size;
                b->c = c0 / (bb * bb) > 0 ? c0 / (bb * bb) : 1;
            } else if (op == FV_OP_SPACE_TO_DEPTH) {
                int64_t bb = fv_graph_params(g, i)->block.size;
                b->c = c0 * bb * bb;
            } else {
                b->c = c0;
            }
        }
        /* what the kernels rely on */
        int ok = 1;
        if (op == FV_OP_CONV || op == FV_OP_CONV_TRANSPOSE) {
            int64_t G = fv_graph_params(g, i)->window.groups;
            ok = c0 % G == 0 && b->c % G == 0;
        } else if (op == FV_OP_CONCAT) {
            int64_t sum = 0;
            for (size_t j = 0; j < n_in; j++)
                sum += e->plan.box[fv_graph_input(g, i, j)].c;
            ok = sum == b->c;
        } else if (op == FV_OP_DEPTH_TO_SPACE) {
            int64_t bb = fv_graph_params(g, i)->block.size;
            ok = c0 == b->c * bb * bb;
        } else if (op == FV_OP_SPACE_TO_DEPTH) {
            int64_t bb = fv_graph_params(g, i)->block.size;
            ok = b->c == c0 * bb * bb;
        } else if (fv_op_kind_of(op) == FV_KIND_MERGE) {
            for (size_t j = 0; j < n_in; j++) {
                int64_t cj = e->plan.box[fv_graph_input(g, i, j)].c;
                ok &= cj == b->c || cj == 1;
            }
        } else if (op != FV_OP_INPUT) {
            ok = c0 == b->c;
        }
        if (!ok && e->plan.maps[i].channels <= 0)
            return fv_diag_node(diag, g, i, FV_ERR_UNSUPPORTED,
                                "the graph leaves its channels unknown, and with one channel "
                                "per unknown the engine cannot run a %s; give channels (c=)",
                                fv_op_name(op));
        if (!ok)
            return fv_diag_node(diag, g, i, FV_ERR_GRAPH,
                                "its %lld channels do not fit its inputs' channels (%lld)",
                                (long long)b->c, (long long)c0);
    }
    return FV_OK;
}

/* ------------------------------------------------------------ building */

static fv_status build_node(erf_engine *e, int32_t i, fv_diag *diag)
{
    erf_node *n = &e->nodes[i];
    fv_op op = fv_graph_op(e->g, i);
    n->box = e->plan.box[i];
    size_t size = fv_box_size(&n->box);
    n->val = malloc(size * e->elem);
    n->grad = malloc(size * e->elem);
    if (!n->val || !n->grad)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    fv_op_kind kind = fv_op_kind_of(op);
    if (kind == FV_KIND_WINDOW || kind == FV_KIND_WINDOW_T)
        fv_erf_plan_kwin(e->g, &e->plan, i, &n->kwin);
    n->act = (fv_act){.op = op, .p = fv_graph_params(e->g, i)->pointwise};
    n->identity = runs_as_identity(e, i);
    size_t n_in = fv_graph_n_inputs(e->g, i);
    if (e->scaled && n_in > 0 && !(n->reads = calloc(n_in, sizeof *n->reads)))
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    if (needs_edges(e, i)) {
        n->edge = calloc(n_in, sizeof *n->edge);
        for (size_t j = 0; n->edge && j < n_in; j++)
            if (!(n->edge[j] = malloc(fv_box_size(&e->plan.box[fv_graph_input(e->g, i, j)]) *
                                      e->elem)))
                return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
        if (!n->edge)
            return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    }
    fv_status st = erf_weights_fill(e, i, 0, diag);
    if (st == FV_OK && (op == FV_OP_CONV || op == FV_OP_CONV_TRANSPOSE)) {
        fv_conv_weights cw = {n->w, n->bias, op == FV_OP_CONV_TRANSPOSE};
        const fv_box *in = &e->nodes[fv_graph_input(e->g, i, 0)].box;
        if (e->elem == sizeof(double)) {
            st = fv_direct_conv_create_f64(&n->kwin, &cw, in, &n->box, &n->direct, diag);
            if (st != FV_OK) {
                char msg[sizeof diag->message];
                snprintf(msg, sizeof msg, "%s", diag->message);
                st = fv_diag_node(diag, e->g, i, st, "%s", msg);
            }
        } else {
            st = fv_conv_plan_create(&n->kwin, &cw, in, &n->box, &n->conv, diag);
            if (st != FV_OK)
                st = fv_diag_node(diag, e->g, i, st, "%s", "oneDNN cannot run this convolution");
        }
    }
    return st;
}

static uint64_t estimate(const erf_engine *e)
{
    uint64_t bytes = 0;
    for (size_t i = 0; i < e->plan.n; i++) {
        if (!e->plan.active[i])
            continue;
        uint64_t size = fv_box_size(&e->plan.box[i]) * e->elem;
        bytes += 2 * size + 3 * (uint64_t)erf_weights_bytes(e, (int32_t)i) +
                 edge_bytes(e, (int32_t)i);
        fv_op op = fv_graph_op(e->g, (int32_t)i);
        if (op != FV_OP_CONV && op != FV_OP_CONV_TRANSPOSE)
            continue;
        const fv_box *in = &e->plan.box[fv_graph_input(e->g, (int32_t)i, 0)];
        if (e->elem == sizeof(double)) /* two repacked copies of the weights */
            bytes += fv_direct_conv_bytes_f64(&e->nodes[i].kwin, in, &e->plan.box[i]);
        else /* oneDNN's reorders: in and out copies */
            bytes += 2 * size + 2 * fv_box_size(in) * sizeof(float);
    }
    const fv_box *in = &e->plan.box[e->plan.input];
    return bytes + (uint64_t)(in->h * in->w) * sizeof(double);
}

/* ------------------------------------------------------------- driver */

/* The input size: the options', the graph's, else the chosen node's TRF
 * size (the smallest image its centre unit sees whole when unpadded). */
static fv_status input_size(const fv_graph *g, int32_t node, const fv_erf_options *o,
                            int64_t hw[FV_AXES], fv_diag *diag)
{
    if (o->input_size[0] > 0 && o->input_size[1] > 0) {
        hw[0] = o->input_size[0];
        hw[1] = o->input_size[1];
        return FV_OK;
    }
    fv_graph_input_size(g, hw);
    if (hw[0] > 0 && hw[1] > 0)
        return FV_OK;
    fv_trf *trf;
    fv_status st = fv_trf_compute(g, NULL, &trf, diag);
    if (st != FV_OK)
        return st;
    fv_rf rf;
    fv_trf_get(trf, node, &rf);
    fv_trf_free(trf);
    if (rf.whole_input)
        return fv_diag_set(diag, FV_ERR_USAGE,
                           "'%s' sees the whole input, which has no size: give one (--input)",
                           fv_graph_name(g, node));
    hw[0] = rf.axis[0].size_max;
    hw[1] = rf.axis[1].size_max;
    return FV_OK;
}

static void engine_free(erf_engine *e)
{
    if (e->nodes)
        for (size_t i = 0; i < e->plan.n; i++) {
            erf_node *n = &e->nodes[i];
            free(n->val);
            free(n->grad);
            free(n->w);
            free(n->bias);
            free(n->scale);
            free(n->shift);
            free(n->stats);
            free(n->slope);
            for (size_t j = 0; n->edge && j < fv_graph_n_inputs(e->g, (int32_t)i); j++)
                free(n->edge[j]);
            free(n->edge);
            free(n->reads);
            fv_conv_plan_free(n->conv);
            fv_direct_conv_free_f64(n->direct);
        }
    free(e->nodes);
    free(e->merge_box);
    free(e->merge_val);
    free(e->merge_grad);
    fv_erf_plan_free(&e->plan);
}

static fv_status check_options(const fv_graph *g, int32_t node, const fv_erf_options *o,
                               fv_diag *diag)
{
    if (node < 0 || (size_t)node >= fv_graph_size(g))
        return fv_diag_set(diag, FV_ERR_USAGE, "node %d does not exist", node);
    if (o->samples < 1)
        return fv_diag_set(diag, FV_ERR_USAGE, "samples must be at least 1");
    if (o->input == FV_ERF_IMAGES && !o->images)
        return fv_diag_set(diag, FV_ERR_USAGE, "image inputs need a folder");
    if (o->input == FV_ERF_TENSOR && (!o->tensor || o->tensor_count < 1))
        return fv_diag_set(diag, FV_ERR_USAGE, "tensor inputs need at least one image");
    for (int c = 0; c < 3; c++)
        if (!(o->std[c] != 0))
            return fv_diag_set(diag, FV_ERR_USAGE, "std must not be 0");
    return FV_OK;
}

static fv_status prepare(erf_engine *e, int32_t node, uint64_t *bytes, fv_diag *diag)
{
    const fv_erf_options *o = e->o;
    fv_status st = input_size(e->g, node, o, e->image, diag);
    if (st != FV_OK)
        return st;
    int64_t unit[FV_AXES];
    fv_erf_plan probe;
    if (!o->has_unit) { /* the centre unit needs the map size first */
        int64_t zero[FV_AXES] = {0, 0};
        st = fv_erf_plan_make(e->g, e->image, node, zero, 1, &probe, diag);
        if (st != FV_OK)
            return st;
        for (int a = 0; a < FV_AXES; a++)
            unit[a] = (probe.maps[node].size[a] - 1) / 2;
        fv_erf_plan_free(&probe);
    } else {
        unit[0] = o->unit[0];
        unit[1] = o->unit[1];
    }
    st = fv_erf_plan_make(e->g, e->image, node, unit, o->whole_maps, &e->plan, diag);
    for (size_t i = 0; i < e->plan.n && st == FV_OK; i++)
        if (e->plan.active[i])
            st = check_node(e, (int32_t)i, diag);
    if (st == FV_OK)
        st = settle_channels(e, diag);
    if (st != FV_OK)
        return st;
    const fv_box *t = &e->plan.box[node];
    if (o->channel >= t->c)
        return fv_diag_set(diag, FV_ERR_USAGE, "channel %lld: '%s' has %lld channels",
                           (long long)o->channel, fv_graph_name(e->g, node), (long long)t->c);
    size_t most = 1;
    for (size_t i = 0; i < e->plan.n; i++)
        if (e->plan.active[i] && fv_graph_n_inputs(e->g, (int32_t)i) > most)
            most = fv_graph_n_inputs(e->g, (int32_t)i);
    e->nodes = calloc(e->plan.n, sizeof *e->nodes);
    e->merge_box = malloc(most * sizeof *e->merge_box);
    e->merge_val = malloc(most * sizeof *e->merge_val);
    e->merge_grad = malloc(most * sizeof *e->merge_grad);
    if (!e->nodes || !e->merge_box || !e->merge_val || !e->merge_grad)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < e->plan.n; i++) /* weight counts need the boxes */
        if (e->plan.active[i]) {
            e->nodes[i].box = e->plan.box[i];
            if (fv_op_kind_of(fv_graph_op(e->g, (int32_t)i)) == FV_KIND_WINDOW_T ||
                fv_op_kind_of(fv_graph_op(e->g, (int32_t)i)) == FV_KIND_WINDOW)
                fv_erf_plan_kwin(e->g, &e->plan, (int32_t)i, &e->nodes[i].kwin);
        }
    *bytes = estimate(e);
    if (o->max_memory && *bytes > o->max_memory)
        return fv_diag_set(diag, FV_ERR_LIMIT,
                           "the ERF of '%s' needs about %.1f MiB, more than the limit of %.1f MiB",
                           fv_graph_name(e->g, node), (double)*bytes / 1048576.0,
                           (double)o->max_memory / 1048576.0);
    for (size_t k = 0; k < e->plan.n && st == FV_OK; k++) {
        int32_t i = e->plan.order[k];
        if (e->plan.active[i])
            st = build_node(e, i, diag);
    }
    return st;
}

/* Multiply-adds of the convolutions, forward plus backward data, times 2. */
static uint64_t conv_flops(const erf_engine *e)
{
    uint64_t f = 0;
    for (size_t i = 0; i < e->plan.n; i++) {
        fv_op op = fv_graph_op(e->g, (int32_t)i);
        if (!e->plan.active[i] || (op != FV_OP_CONV && op != FV_OP_CONV_TRANSPOSE))
            continue;
        const erf_node *n = &e->nodes[i];
        const fv_box *in = &e->nodes[fv_graph_input(e->g, (int32_t)i, 0)].box;
        /* a transposed conv does its multiply-adds per input pixel */
        const fv_box *per = op == FV_OP_CONV ? &n->box : in;
        f += 2 * 2 * (uint64_t)(per->h * per->w) * (uint64_t)n->n_w;
    }
    return f;
}

/* A map with an infinity or a NaN is no answer, and saying so beats
 * printing it. Uniform weights count paths; the engine carries their
 * exponents (scaled arithmetic), so only a count past float64's range, or
 * counts fed into an op that needs true values (a sigmoid, a product),
 * end here. */
static fv_status check_finite(const fv_graph *g, int32_t node, const fv_erf_options *o,
                              const fv_erf_result *r, fv_diag *diag)
{
    const char *type = o->precision == FV_ERF_FLOAT64 ? "float64" : "float32";
    for (int64_t q = 0; q < r->h * r->w; q++) {
        if (isfinite(r->map[q]))
            continue;
        if (o->weights != FV_ERF_UNIFORM)
            return fv_diag_set(diag, FV_ERR_LIMIT, "the gradient of '%s' leaves the %s range",
                               fv_graph_name(g, node), type);
        return fv_diag_set(diag, FV_ERR_LIMIT,
                           "the gradient of '%s' leaves the float64 range: uniform weights count "
                           "paths, and this network has more than 1.8e308 of them (or feeds "
                           "counts past the %s range into an op other than a conv, pool, ReLU or "
                           "merge); use random weights",
                           fv_graph_name(g, node), type);
    }
    return FV_OK;
}

fv_status fv_erf_compute(const fv_graph *g, int32_t node, const fv_erf_options *options,
                         fv_erf_result **result, fv_diag *diag)
{
    *result = NULL;
    fv_erf_options defaults;
    if (!options) {
        fv_erf_options_init(&defaults);
        options = &defaults;
    }
    fv_status st = check_options(g, node, options, diag);
    if (st != FV_OK)
        return st;
    fv_kernels_set_threads(options->threads);
    double start = now();
    erf_engine e = {.g = g, .o = options};
    e.elem = options->precision == FV_ERF_FLOAT64 ? sizeof(double) : sizeof(float);
    e.scaled = options->weights == FV_ERF_UNIFORM;
    erf_images images = {0};
    uint64_t bytes = 0;
    st = prepare(&e, node, &bytes, diag);
    if (st == FV_OK && options->input == FV_ERF_IMAGES)
        st = erf_images_list(options->images, &images, diag);
    fv_erf_result *r = NULL;
    if (st == FV_OK) {
        const fv_box *in = &e.nodes[e.plan.input].box;
        r = calloc(1, sizeof *r);
        if (r)
            r->map = calloc((size_t)(in->h * in->w), sizeof *r->map);
        if (!r || !r->map)
            st = fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
        else
            *r = (fv_erf_result){.node = node,
                                 .unit = {e.plan.unit[0], e.plan.unit[1]},
                                 .image = {e.image[0], e.image[1]},
                                 .h = in->h, .w = in->w, .y0 = in->y0, .x0 = in->x0,
                                 .map = r->map, .memory = bytes, .flops = conv_flops(&e),
                                 .precision = options->precision};
    }
    double ready = now(), ready_cpu = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
    for (int64_t s = 0; st == FV_OK && s < options->samples; s++) {
        st = e.elem == sizeof(double) ? erf_run_sample_f64(&e, &images, s, r->map, diag)
                                      : erf_run_sample(&e, &images, s, r->map, diag);
        if (st == FV_OK && options->progress)
            options->progress(options->progress_context, s + 1, options->samples);
    }
    if (st == FV_OK)
        for (int64_t q = 0; q < r->h * r->w; q++)
            r->map[q] /= (double)options->samples;
    if (st == FV_OK) {
        r->setup_seconds = ready - start;
        r->precision = options->precision;
        r->sample_seconds = now() - ready;
        r->sample_cpu = clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - ready_cpu;
        st = check_finite(g, node, options, r, diag);
    }
    erf_images_free(&images);
    engine_free(&e);
    if (st != FV_OK) {
        fv_erf_free(r);
        return st;
    }
    *result = r;
    return FV_OK;
}

void fv_erf_free(fv_erf_result *r)
{
    if (!r)
        return;
    free(r->map);
    free(r);
}

const double *fv_erf_map(const fv_erf_result *r, int64_t *h, int64_t *w, int64_t *y0, int64_t *x0)
{
    if (h)
        *h = r->h;
    if (w)
        *w = r->w;
    if (y0)
        *y0 = r->y0;
    if (x0)
        *x0 = r->x0;
    return r->map;
}

void fv_erf_input_size(const fv_erf_result *r, int64_t hw[FV_AXES])
{
    hw[0] = r->image[0];
    hw[1] = r->image[1];
}

void fv_erf_unit(const fv_erf_result *r, int64_t yx[FV_AXES])
{
    yx[0] = r->unit[0];
    yx[1] = r->unit[1];
}

int32_t fv_erf_node(const fv_erf_result *r) { return r->node; }

uint64_t fv_erf_memory(const fv_erf_result *r) { return r->memory; }

uint64_t fv_erf_flops(const fv_erf_result *r) { return r->flops; }

fv_erf_precision fv_erf_result_precision(const fv_erf_result *r) { return r->precision; }

void fv_erf_seconds(const fv_erf_result *r, double *setup, double *samples, double *samples_cpu)
{
    if (setup)
        *setup = r->setup_seconds;
    if (samples)
        *samples = r->sample_seconds;
    if (samples_cpu)
        *samples_cpu = r->sample_cpu;
}

void fv_erf_full_map(const fv_erf_result *r, double *image)
{
    memset(image, 0, (size_t)(r->image[0] * r->image[1]) * sizeof *image);
    for (int64_t y = 0; y < r->h; y++)
        memcpy(image + (size_t)((r->y0 + y) * r->image[1] + r->x0), r->map + (size_t)(y * r->w),
               (size_t)r->w * sizeof *image);
}
