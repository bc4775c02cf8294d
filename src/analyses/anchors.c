/* fovea anchors: a detector's anchors against the grid and the receptive
 * field of the layers they tile. Steps against effective strides (SSD300's
 * 100 and 300 on stride-64 maps), anchor centres against RF centres, anchor
 * sizes against the RF (S3FD), tiling density (FaceBoxes), scale coverage
 * across layers, and a plan for a range of object sizes (docs/check.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anchor_erf.h"
#include "findings.h"
#include "graph_private.h"

struct fv_anchors {
    int64_t input[FV_AXES];
    fv_head *heads;            /* copies; each owns its anchor arrays */
    size_t n_heads;
    int given;                 /* the heads came from the options */
    fv_anchor_layer *layers;
    fv_anchor_plan *plan;
    size_t n_plan;
    fv_findings findings;
};

/* S3FD's equal-proportion interval: anchor = 4 x stride, which is also the
 * density FaceBoxes tiles every anchor to. */
#define TARGET_DENSITY 4.0

static double rat(fv_rational r) { return (double)r.num / (double)r.den; }

static double geo(const double v[FV_AXES]) { return sqrt(v[0] * v[1]); }

static fv_status copy_heads(fv_anchors *r, const fv_head *heads, size_t n, fv_diag *diag)
{
    r->heads = calloc(n ? n : 1, sizeof *r->heads);
    if (!r->heads)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < n; k++) {
        double *wh = malloc(2 * heads[k].n_anchors * sizeof *wh);
        if (!wh)
            return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
        memcpy(wh, heads[k].anchor_w, heads[k].n_anchors * sizeof *wh);
        memcpy(wh + heads[k].n_anchors, heads[k].anchor_h, heads[k].n_anchors * sizeof *wh);
        r->heads[k] = heads[k];
        r->heads[k].anchor_w = wh;
        r->heads[k].anchor_h = wh + heads[k].n_anchors;
        r->n_heads = k + 1;
    }
    return FV_OK;
}

/* For each node, the stride-1 conv that reads it and sees the most: the
 * prediction conv of an SSD-style head sits beside the PriorBox on the same
 * feature map, and it is that conv's units that predict the boxes. */
static int32_t *find_predictors(const fv_graph *g, const fv_trf *t)
{
    size_t n = fv_graph_size(g);
    int32_t *best = malloc((n ? n : 1) * sizeof *best);
    if (!best)
        return NULL;
    for (size_t k = 0; k < n; k++)
        best[k] = (int32_t)k;
    for (size_t k = 0; k < n; k++) {
        if (fv_graph_op(g, (int32_t)k) != FV_OP_CONV || fv_graph_n_inputs(g, (int32_t)k) != 1)
            continue;
        const fv_window *w = &fv_graph_params(g, (int32_t)k)->window;
        if (w->stride[0] != 1 || w->stride[1] != 1)
            continue;
        int32_t in = fv_graph_input(g, (int32_t)k, 0);
        fv_rf a, b;
        fv_trf_get(t, (int32_t)k, &a);
        fv_trf_get(t, best[in], &b);
        if (!a.whole_input && (b.whole_input || a.axis[0].size_max > b.axis[0].size_max))
            best[in] = (int32_t)k;
    }
    return best;
}

static fv_status layer_numbers(fv_anchors *r, const fv_graph *g, const fv_trf *t,
                               const int32_t *predictors, size_t k, fv_diag *diag)
{
    const fv_head *h = &r->heads[k];
    fv_anchor_layer *l = &r->layers[k];
    fv_rf rf, prf;
    fv_trf_get(t, h->node, &rf);
    if (rf.whole_input)
        return fv_diag_node(diag, g, h->node, FV_ERR_SEMANTIC,
                            "every unit sees the whole input: there is no grid to tile anchors on");
    l->head = h;
    l->given = r->given;
    l->node = h->node;
    l->predictor = predictors[h->node];
    fv_trf_get(t, l->predictor, &prf);
    const fv_feature_map *m = fv_trf_map(t, h->node);
    for (int a = 0; a < FV_AXES; a++) {
        l->stride[a] = rf.axis[a].stride;
        double s = rat(rf.axis[a].stride);
        l->step[a] = h->step[a] > 0 ? h->step[a] : s;
        l->map_size[a] = m ? m->size[a] : 0;
        l->trf[a] = prf.axis[a].size_max;
        l->rf_centre[a] = rat(prf.axis[a].centre);
        l->anchor_centre[a] = h->offset * l->step[a];
        /* Both centres are linear in the cell index: the extremes are at the ends. */
        int64_t last = l->map_size[a] > 0 ? l->map_size[a] - 1 : 0;
        double e0 = fabs(l->anchor_centre[a] - l->rf_centre[a]);
        double e1 = fabs(((double)last + h->offset) * l->step[a] - (l->rf_centre[a] + (double)last * s));
        l->centre_error[a] = e0 > e1 ? e0 : e1;
    }
    double step = geo(l->step);
    l->scale_min = INFINITY;
    l->density_min = INFINITY;
    for (size_t i = 0; i < h->n_anchors; i++) {
        double scale = sqrt(h->anchor_w[i] * h->anchor_h[i]);
        l->scale_min = fmin(l->scale_min, scale);
        l->scale_max = fmax(l->scale_max, scale);
        l->side_max = fmax(l->side_max, fmax(h->anchor_w[i], h->anchor_h[i]));
        l->density_min = fmin(l->density_min, scale / step);
    }
    double stride[FV_AXES] = {rat(l->stride[0]), rat(l->stride[1])};
    l->suggested = TARGET_DENSITY * geo(stride);
    return FV_OK;
}

static const char *name(const fv_graph *g, int32_t node) { return fv_graph_name(g, node); }

static int check_step(fv_anchors *r, const fv_graph *g, const fv_anchor_layer *l)
{
    double stride[FV_AXES] = {rat(l->stride[0]), rat(l->stride[1])};
    int a = fabs(l->step[0] - stride[0]) >= fabs(l->step[1] - stride[1]) ? 0 : 1;
    if (fabs(l->step[a] - stride[a]) < 1e-9 * stride[a])
        return 1;
    fv_finding *f = fv_findings_add(&r->findings, FV_SEVERITY_WARNING, FV_RULE_STEP, l->node);
    if (!f)
        return 0;
    char spread[96] = "";
    if (r->input[a] > 0 && l->map_size[a] > 0 &&
        fabs(l->step[a] - (double)r->input[a] / (double)l->map_size[a]) < 0.5)
        snprintf(spread, sizeof spread, " (the image spread over %lld cell%s)",
                 (long long)l->map_size[a], l->map_size[a] == 1 ? "" : "s");
    fv_finding_what(f, "step %g differs from the layer's effective stride %g%s: anchor centres "
                       "drift up to %g px from the RF centres of their cells",
                    l->step[a], stride[a], spread, l->centre_error[a]);
    fv_finding_number(f, "step", l->step[a]);
    fv_finding_number(f, "stride", stride[a]);
    fv_finding_number(f, "centre_error", l->centre_error[a]);
    fv_finding_advice(f, "set the step to the stride (%g) so that each cell's anchors sit on "
                         "what its unit sees", stride[a]);
    return 1;
}

static int check_centre(fv_anchors *r, const fv_graph *g, const fv_anchor_layer *l)
{
    double stride[FV_AXES] = {rat(l->stride[0]), rat(l->stride[1])};
    int a = l->centre_error[0] >= l->centre_error[1] ? 0 : 1;
    /* A drifting step is reported by the step rule; here the grid is right
     * and only the offset may be off: a quarter cell or more matters. */
    if (fabs(l->step[a] - stride[a]) >= 1e-9 * stride[a] || l->centre_error[a] < stride[a] / 4)
        return 1;
    /* YOLO learns where in its cell a centre lies (sigmoid offset): the
     * nominal 0.5 is a convention there, not a placement. */
    int yolo = l->head->kind == FV_HEAD_YOLO || l->head->kind == FV_HEAD_REGION;
    fv_finding *f = fv_findings_add(&r->findings, yolo ? FV_SEVERITY_INFO : FV_SEVERITY_WARNING,
                                    FV_RULE_ANCHOR_CENTRE, l->node);
    if (!f)
        return 0;
    fv_finding_what(f, "anchor centres sit %g px from the RF centres of their cells (offset %g: "
                       "cell 0's anchor at %g, its unit centred at %g)",
                    l->centre_error[a], l->head->offset, l->anchor_centre[a], l->rf_centre[a]);
    fv_finding_number(f, "centre_error", l->centre_error[a]);
    fv_finding_number(f, "anchor_centre", l->anchor_centre[a]);
    fv_finding_number(f, "rf_centre", l->rf_centre[a]);
    double offset = l->rf_centre[a] / l->step[a];
    if (yolo)
        fv_finding_advice(f, "the cell's responsibility region [i, i+1) x step is centred %g px "
                             "from its unit's RF; fine while the RF is much larger than a cell",
                          l->centre_error[a]);
    else if (offset >= 0 && offset <= 1)
        fv_finding_advice(f, "use offset %.4g (RF centre / step), or change the padding", offset);
    else
        fv_finding_advice(f, "shift the anchors by %g px, or change the padding",
                          l->rf_centre[a] - l->anchor_centre[a]);
    (void)g;
    return 1;
}

static int check_size(fv_anchors *r, const fv_graph *g, const fv_anchor_layer *l)
{
    int64_t trf = l->trf[0] < l->trf[1] ? l->trf[0] : l->trf[1];
    if (l->side_max > (double)trf) {
        fv_finding *f = fv_findings_add(&r->findings, FV_SEVERITY_WARNING, FV_RULE_ANCHOR_SIZE,
                                        l->node);
        if (!f)
            return 0;
        fv_finding_what(f, "the largest anchor side (%g px) exceeds what the predicting unit "
                           "'%s' sees (%lld px)",
                        l->side_max, name(g, l->predictor), (long long)trf);
        fv_finding_number(f, "anchor", l->side_max);
        fv_finding_number(f, "trf", (double)trf);
        fv_finding_advice(f, "a unit cannot judge an object it sees only in part: move the "
                             "anchor to a deeper layer or grow the RF");
    }
    /* S3FD: anchor = 4 x stride; a factor of 2 either way leaves that band. */
    if (l->scale_min < l->suggested / 2 || l->scale_max > l->suggested * 2) {
        fv_finding *f = fv_findings_add(&r->findings, FV_SEVERITY_INFO, FV_RULE_ANCHOR_SIZE,
                                        l->node);
        if (!f)
            return 0;
        fv_finding_what(f, "anchors %g to %g px against S3FD's 4 x stride = %g px (RF %lld px)",
                        l->scale_min, l->scale_max, l->suggested, (long long)trf);
        fv_finding_number(f, "scale_min", l->scale_min);
        fv_finding_number(f, "scale_max", l->scale_max);
        fv_finding_number(f, "suggested", l->suggested);
        fv_finding_advice(f, "anchors far from 4 x stride are tiled too sparsely (small) or "
                             "belong to a deeper layer (large)");
    }
    return 1;
}

/* FaceBoxes: density = scale / step; anchors tiled below 4 are densified
 * n x n per cell, n = 4 / density (32 px on step 32: 4x; 64 px: 2x). */
static int check_density(fv_anchors *r, const fv_graph *g, const fv_anchor_layer *l)
{
    const fv_head *h = l->head;
    /* YOLO assigns a box to the one cell holding its centre, whatever the
     * anchor's extent; tiling density is a question for IoU-matched anchors. */
    if (h->kind == FV_HEAD_YOLO || h->kind == FV_HEAD_REGION)
        return 1;
    if (l->map_size[0] == 1 && l->map_size[1] == 1)
        return 1; /* one cell: nothing is tiled */
    double step = geo(l->step);
    double seen[64];
    size_t n_seen = 0;
    for (size_t i = 0; i < h->n_anchors; i++) {
        double scale = sqrt(h->anchor_w[i] * h->anchor_h[i]);
        int dup = 0;
        for (size_t j = 0; j < n_seen; j++)
            dup |= fabs(seen[j] - scale) < 1e-6 * scale;
        if (dup)
            continue;
        if (n_seen < sizeof seen / sizeof seen[0])
            seen[n_seen++] = scale;
        double density = scale / step;
        double factor = floor(TARGET_DENSITY / density + 0.5);
        if (factor < 2)
            continue;
        fv_finding *f = fv_findings_add(&r->findings, FV_SEVERITY_WARNING, FV_RULE_DENSITY, l->node);
        if (!f)
            return 0;
        fv_finding_what(f, "anchor %g px on step %g: tiling density %g, below %g", scale, step,
                        density, TARGET_DENSITY);
        fv_finding_number(f, "anchor", scale);
        fv_finding_number(f, "step", step);
        fv_finding_number(f, "density", density);
        fv_finding_number(f, "factor", factor);
        fv_finding_advice(f, "densify it %gx (%g anchors per cell, shifted by step/%g) as "
                             "FaceBoxes does, or move it to a layer of stride %g",
                          factor, factor * factor, factor, scale / TARGET_DENSITY);
    }
    (void)g;
    return 1;
}

static int by_scale(const void *x, const void *y)
{
    const fv_anchor_layer *a = *(const fv_anchor_layer *const *)x;
    const fv_anchor_layer *b = *(const fv_anchor_layer *const *)y;
    return a->scale_min < b->scale_min ? -1 : a->scale_min > b->scale_min;
}

/* A square anchor of side a matches a concentric square object of side s
 * at IoU >= 0.5 when a / sqrt(2) <= s <= a sqrt(2); between two layers the
 * ranges leave a gap when the next smallest anchor is over twice the
 * previous largest. */
static fv_status check_scales(fv_anchors *r, const fv_graph *g)
{
    size_t n = r->n_heads;
    const fv_anchor_layer **order = malloc((n ? n : 1) * sizeof *order);
    if (!order)
        return FV_ERR_NOMEM;
    for (size_t k = 0; k < n; k++)
        order[k] = &r->layers[k];
    qsort(order, n, sizeof *order, by_scale);
    fv_status st = FV_OK;
    for (size_t k = 1; k < n && st == FV_OK; k++) {
        const fv_anchor_layer *a = order[k - 1], *b = order[k];
        if (a->node == b->node)
            continue;
        fv_finding *f = NULL;
        if (b->scale_min > 2 * a->scale_max) {
            f = fv_findings_add(&r->findings, FV_SEVERITY_WARNING, FV_RULE_SCALE_GAP, b->node);
            if (f) {
                fv_finding_what(f, "objects from %.4g to %.4g px match no anchor at IoU 0.5: "
                                   "'%s' ends at %g px, '%s' starts at %g px",
                                a->scale_max * sqrt(2), b->scale_min / sqrt(2), name(g, a->node),
                                a->scale_max, name(g, b->node), b->scale_min);
                fv_finding_advice(f, "add anchors of about %.4g px (on '%s' or a layer between)",
                                  sqrt(a->scale_max * b->scale_min), name(g, a->node));
            }
        } else if (b->scale_min < a->scale_max) {
            f = fv_findings_add(&r->findings, FV_SEVERITY_INFO, FV_RULE_SCALE_OVERLAP, b->node);
            if (f) {
                fv_finding_what(f, "anchors of '%s' (%g to %g px) overlap those of '%s' (%g to "
                                   "%g px)",
                                name(g, b->node), b->scale_min, b->scale_max, name(g, a->node),
                                a->scale_min, a->scale_max);
                fv_finding_advice(f, "objects in the overlap match on both layers: keep it if "
                                     "intended, else split the range between the layers");
            }
        } else {
            continue;
        }
        if (!f) {
            st = FV_ERR_NOMEM;
            break;
        }
        fv_finding_number(f, "previous_max", a->scale_max);
        fv_finding_number(f, "next_min", b->scale_min);
    }
    free(order);
    return st;
}

/* A layer that could carry anchors in an --objects plan. */
typedef struct candidate {
    int32_t node;
    double stride;
    int64_t trf;
} candidate;

/* The detection layers, each once. */
static candidate *head_candidates(const fv_anchors *r, size_t *n)
{
    candidate *c = malloc((r->n_heads ? r->n_heads : 1) * sizeof *c);
    *n = 0;
    for (size_t k = 0; c && k < r->n_heads; k++) {
        const fv_anchor_layer *l = &r->layers[k];
        int seen = 0;
        for (size_t i = 0; i < *n; i++)
            seen |= c[i].node == l->node;
        if (!seen)
            c[(*n)++] = (candidate){l->node, geo((double[]){rat(l->stride[0]), rat(l->stride[1])}),
                                    l->trf[0] < l->trf[1] ? l->trf[0] : l->trf[1]};
    }
    return c;
}

/* Without heads: the end of each stage of a backbone. A stage ends where a
 * consumer has a larger stride, or where nothing spatial reads on (the top
 * of the network); of the layers ending a stride, the one that sees most
 * (the first in graph order on a tie: the block output before the next
 * block's 1x1 conv). */
static candidate *stage_ends(const fv_graph *g, const fv_trf *t, size_t *n)
{
    size_t total = fv_graph_size(g);
    candidate *c = malloc((total ? total : 1) * sizeof *c);
    double *stride = malloc((total ? total : 1) * sizeof *stride);
    int64_t *trf = malloc((total ? total : 1) * sizeof *trf);
    unsigned char *ends = calloc(total ? total : 1, 1), *read = calloc(total ? total : 1, 1);
    *n = 0;
    if (!c || !stride || !trf || !ends || !read) {
        free(c);
        c = NULL;
        goto done;
    }
    for (size_t k = 0; k < total; k++) {
        fv_rf rf;
        fv_trf_get(t, (int32_t)k, &rf);
        stride[k] = rf.whole_input ? 0 : geo((double[]){rat(rf.axis[0].stride), rat(rf.axis[1].stride)});
        trf[k] = rf.axis[0].size_max < rf.axis[1].size_max ? rf.axis[0].size_max : rf.axis[1].size_max;
    }
    for (size_t k = 0; k < total; k++)
        for (size_t i = 0; stride[k] > 0 && i < fv_graph_n_inputs(g, (int32_t)k); i++) {
            int32_t in = fv_graph_input(g, (int32_t)k, i);
            read[in] = 1;
            ends[in] |= stride[k] > stride[in];
        }
    for (size_t k = 0; k < total; k++) {
        if (stride[k] == 0 || fv_graph_op(g, (int32_t)k) == FV_OP_INPUT || !(ends[k] || !read[k]))
            continue;
        size_t i = 0;
        while (i < *n && c[i].stride != stride[k])
            i++;
        if (i == *n)
            (*n)++;
        else if (trf[k] <= c[i].trf)
            continue;
        c[i] = (candidate){(int32_t)k, stride[k], trf[k]};
    }
done:
    free(stride);
    free(trf);
    free(ends);
    free(read);
    return c;
}

/* --objects MIN-MAX: anchors MIN, 2 MIN, ... until one matches MAX at IoU
 * 0.5; each goes to the candidate layer whose stride is nearest anchor / 4
 * (log scale) among those whose units see it whole. */
static fv_status plan_objects(fv_anchors *r, const fv_graph *g, const candidate *cands,
                              size_t n_cands, double lo, double hi)
{
    size_t cap = 0;
    for (double a = lo; a / sqrt(2) <= hi && cap < 64; a *= 2)
        cap++;
    r->plan = calloc(cap ? cap : 1, sizeof *r->plan);
    if (!r->plan)
        return FV_ERR_NOMEM;
    double a = lo;
    for (size_t k = 0; k < cap; k++, a *= 2) {
        fv_anchor_plan *p = &r->plan[r->n_plan++];
        p->anchor = a;
        p->node = -1;
        double best = INFINITY;
        for (size_t i = 0; i < n_cands; i++) {
            if ((double)cands[i].trf < a)
                continue;
            double d = fabs(log(cands[i].stride / (a / TARGET_DENSITY)));
            if (d < best - 1e-12) {
                best = d;
                p->node = cands[i].node;
                p->stride = cands[i].stride;
                p->density = a / cands[i].stride;
            }
        }
        if (p->node >= 0)
            continue;
        fv_finding *f = fv_findings_add(&r->findings, FV_SEVERITY_WARNING, FV_RULE_OBJECTS, -1);
        if (!f)
            return FV_ERR_NOMEM;
        fv_finding_what(f, "no %s sees a %g px object whole: every candidate unit's RF is "
                           "smaller",
                        r->n_heads ? "detection layer" : "layer", a);
        fv_finding_number(f, "anchor", a);
        fv_finding_advice(f, "add a deeper detection layer (RF of %g px or more) for objects "
                             "this large",
                          a);
    }
    (void)g;
    return FV_OK;
}

fv_status fv_anchors_run(const fv_graph *g, const fv_anchors_options *options, fv_anchors **out,
                         fv_diag *diag)
{
    *out = NULL;
    fv_anchors_options none = {.input = {0, 0}};
    if (!options)
        options = &none;
    const fv_head *heads = options->heads;
    size_t n = options->n_heads;
    if (n == 0) {
        n = fv_graph_n_heads(g);
        heads = n ? fv_graph_head(g, 0) : NULL;
    }
    if (n == 0 && options->objects_max <= 0)
        return fv_diag_set(diag, FV_ERR_USAGE,
                           "the model declares no detection heads (Caffe PriorBox, Darknet "
                           "[yolo] or [region]); name a layer and its anchors, or ask for a "
                           "plan for an object range");
    if (options->objects_min < 0 || options->objects_max < options->objects_min)
        return fv_diag_set(diag, FV_ERR_USAGE, "the object range %g-%g is empty",
                           options->objects_min, options->objects_max);
    fv_anchors *r = calloc(1, sizeof *r);
    if (!r)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    r->given = options->n_heads > 0;
    if (options->input[0] > 0 && options->input[1] > 0) {
        r->input[0] = options->input[0];
        r->input[1] = options->input[1];
    } else {
        fv_graph_input_size(g, r->input);
        if (r->input[0] <= 0 || r->input[1] <= 0)
            r->input[0] = r->input[1] = 0;
    }
    fv_trf *t = NULL;
    int32_t *predictors = NULL;
    fv_status st = copy_heads(r, heads, n, diag);
    for (size_t k = 0; st == FV_OK && k < n; k++)
        if (r->heads[k].node < 0 || (size_t)r->heads[k].node >= fv_graph_size(g))
            st = fv_diag_set(diag, FV_ERR_USAGE, "head %zu names node %d, which does not exist",
                             k, r->heads[k].node);
    if (st == FV_OK)
        st = fv_trf_compute(g, r->input[0] > 0 ? r->input : NULL, &t, diag);
    if (st == FV_OK && (!(predictors = find_predictors(g, t)) ||
                        !(r->layers = calloc(n ? n : 1, sizeof *r->layers))))
        st = fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    for (size_t k = 0; st == FV_OK && k < n; k++)
        st = layer_numbers(r, g, t, predictors, k, diag);
    for (size_t k = 0; st == FV_OK && k < n; k++)
        if (!check_step(r, g, &r->layers[k]) || !check_centre(r, g, &r->layers[k]) ||
            !check_size(r, g, &r->layers[k]) || !check_density(r, g, &r->layers[k]))
            st = fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    if (st == FV_OK && options->erf && n)
        st = fv_anchor_erf(g, options, r->input, r->layers, n, &r->findings, diag);
    if (st == FV_OK && check_scales(r, g) != FV_OK)
        st = fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    if (st == FV_OK && options->objects_max > 0) {
        size_t n_cands;
        candidate *cands = n ? head_candidates(r, &n_cands) : stage_ends(g, t, &n_cands);
        if (!cands || plan_objects(r, g, cands, n_cands,
                                   options->objects_min > 0 ? options->objects_min : 1,
                                   options->objects_max) != FV_OK)
            st = fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
        free(cands);
    }
    free(predictors);
    fv_trf_free(t);
    if (st != FV_OK) {
        fv_anchors_free(r);
        return st;
    }
    if (fv_findings_finish(&r->findings) != FV_OK) {
        fv_anchors_free(r);
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    }
    *out = r;
    return FV_OK;
}

void fv_anchors_free(fv_anchors *r)
{
    if (!r)
        return;
    for (size_t k = 0; k < r->n_heads; k++)
        free((void *)r->heads[k].anchor_w);
    free(r->heads);
    free(r->layers);
    free(r->plan);
    fv_findings_free(&r->findings);
    free(r);
}

void fv_anchors_input(const fv_anchors *r, int64_t hw[FV_AXES])
{
    hw[0] = r->input[0];
    hw[1] = r->input[1];
}

size_t fv_anchors_n_layers(const fv_anchors *r) { return r->n_heads; }

const fv_anchor_layer *fv_anchors_layer(const fv_anchors *r, size_t k)
{
    return k < r->n_heads ? &r->layers[k] : NULL;
}

size_t fv_anchors_n_plan(const fv_anchors *r) { return r->n_plan; }

const fv_anchor_plan *fv_anchors_plan(const fv_anchors *r, size_t k)
{
    return k < r->n_plan ? &r->plan[k] : NULL;
}

size_t fv_anchors_n_findings(const fv_anchors *r) { return r->findings.n; }

const fv_finding *fv_anchors_finding(const fv_anchors *r, size_t k)
{
    return k < r->findings.n ? &r->findings.items[k] : NULL;
}
