/* SSD's PriorBox: the anchor boxes of one feature layer, recorded as a
 * detection head on the layer's first bottom. The node itself is the list
 * of boxes, a vector: every value depends on the map's size only. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "caffe.h"

#define MAX_PRIORS 1024

/* Reads every `name` field of p as a number into out (at most cap). */
static fv_status numbers(cf_build *b, const pt_msg *p, const char *name, double *out, size_t cap,
                         size_t *n)
{
    *n = 0;
    for (size_t i = 0; i < p->n; i++) {
        const pt_field *f = &p->fields[i];
        if (strcmp(f->name, name) != 0)
            continue;
        if (*n == cap)
            return cf_value_error(b, f, FV_ERR_LIMIT, "more than %d values of %s", MAX_PRIORS,
                                  name);
        fv_status st = cf_num(b, f, &out[(*n)++]);
        if (st != FV_OK)
            return st;
        if (out[*n - 1] <= 0)
            return cf_value_error(b, f, FV_ERR_SEMANTIC, "'%s' must be positive", name);
    }
    return FV_OK;
}

static fv_status opt_number(cf_build *b, const pt_msg *p, const char *name, double dflt, double *out)
{
    const pt_field *f = cf_find(p, name);
    *out = dflt;
    return f ? cf_num(b, f, out) : FV_OK;
}

/* SSD (prior_box_layer.cpp): for each min_size, a min x min box, then
 * sqrt(min * max) square when max sizes are given, then min * sqrt(ar) by
 * min / sqrt(ar) for each aspect ratio other than 1 (and 1/ar with flip). */
static size_t expand(const double *mins, size_t n_min, const double *maxs, size_t n_max,
                     const double *ars, size_t n_ar, double *w, double *h)
{
    size_t n = 0;
    for (size_t s = 0; s < n_min; s++) {
        w[n] = h[n] = mins[s];
        n++;
        if (n_max) {
            w[n] = h[n] = sqrt(mins[s] * maxs[s]);
            n++;
        }
        for (size_t r = 0; r < n_ar; r++) {
            if (fabs(ars[r] - 1.0) < 1e-6)
                continue;
            w[n] = mins[s] * sqrt(ars[r]);
            h[n] = mins[s] / sqrt(ars[r]);
            n++;
        }
    }
    return n;
}

fv_status cf_prior_box(cf_build *b, cf_layer *l)
{
    const pt_msg *p;
    fv_status st = cf_sub(b, l, "prior_box_param", &p);
    if (st == FV_OK && !p)
        return cf_layer_error(b, l, FV_ERR_SEMANTIC, "PriorBox layer '%s' needs prior_box_param",
                              l->name);
    double *buf = malloc(7 * MAX_PRIORS * sizeof *buf);
    double *w = NULL;
    if (!buf)
        return fv_diag_set(b->diag, FV_ERR_NOMEM, "out of memory");
    double *mins = buf, *maxs = buf + MAX_PRIORS, *given = buf + 2 * MAX_PRIORS;
    double *ars = buf + 3 * MAX_PRIORS; /* up to 2 per given ratio, plus 1 */
    size_t n_min = 0, n_max = 0, n_given = 0, n_ar = 1;
    int flip = 1;
    double step = 0, step_hw[2], offset;
    if (st == FV_OK)
        st = numbers(b, p, "min_size", mins, MAX_PRIORS, &n_min);
    if (st == FV_OK && n_min == 0)
        st = cf_layer_error(b, l, FV_ERR_SEMANTIC, "PriorBox layer '%s' needs min_size", l->name);
    if (st == FV_OK)
        st = numbers(b, p, "max_size", maxs, MAX_PRIORS, &n_max);
    if (st == FV_OK && n_max && n_max != n_min)
        st = cf_value_error(b, cf_find(p, "max_size"), FV_ERR_SEMANTIC,
                            "%zu max_size for %zu min_size: give one per min_size or none",
                            n_max, n_min);
    for (size_t s = 0; st == FV_OK && s < n_max; s++)
        if (maxs[s] <= mins[s])
            st = cf_value_error(b, cf_find(p, "max_size"), FV_ERR_SEMANTIC,
                                "max_size %g must be larger than min_size %g", maxs[s], mins[s]);
    if (st == FV_OK)
        st = numbers(b, p, "aspect_ratio", given, MAX_PRIORS, &n_given);
    if (st == FV_OK)
        st = cf_opt_bool(b, p, "flip", 1, &flip);
    if (st == FV_OK)
        st = opt_number(b, p, "step", 0, &step);
    if (st == FV_OK)
        st = opt_number(b, p, "step_h", step, &step_hw[0]);
    if (st == FV_OK)
        st = opt_number(b, p, "step_w", step, &step_hw[1]);
    if (st == FV_OK)
        st = opt_number(b, p, "offset", 0.5, &offset);
    /* The ratios SSD uses: 1, then each new ratio and (with flip) its inverse. */
    ars[0] = 1.0;
    for (size_t r = 0; st == FV_OK && r < n_given; r++) {
        int seen = 0;
        for (size_t q = 0; q < n_ar; q++)
            seen |= fabs(given[r] - ars[q]) < 1e-6;
        if (seen)
            continue;
        ars[n_ar++] = given[r];
        if (flip)
            ars[n_ar++] = 1.0 / given[r];
    }
    size_t cap = n_min * (n_ar + (n_max ? 1 : 0));
    if (st == FV_OK && !(w = malloc(2 * cap * sizeof *w)))
        st = fv_diag_set(b->diag, FV_ERR_NOMEM, "out of memory");
    if (st == FV_OK) {
        size_t n = expand(mins, n_min, maxs, n_max, ars, n_ar, w, w + cap);
        fv_head h = {.kind = FV_HEAD_PRIORBOX, .node = l->bottoms[0].node, .n_anchors = n,
                     .anchor_w = w, .anchor_h = w + cap,
                     .step = {step_hw[0], step_hw[1]}, .offset = offset,
                     .pos = {l->field->line, l->field->col}};
        st = fv_graph_add_head(b->g, &h, b->diag);
    }
    free(buf);
    free(w);
    if (st != FV_OK)
        return st;
    fv_layer_init(&l->layer, FV_OP_FLATTEN);
    l->flat = 1;
    return FV_OK;
}
