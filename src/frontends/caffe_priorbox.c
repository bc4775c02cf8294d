/* SSD's PriorBox: the anchor boxes of one feature layer, recorded as a
 * detection head on the layer's first bottom. The node itself is the list
 * of boxes, a vector: every value depends on the map's size only. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "caffe.h"
#include "graph_private.h"

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

fv_status cf_prior_box(cf_build *b, cf_layer *l)
{
    const pt_msg *p;
    fv_status st = cf_sub(b, l, "prior_box_param", &p);
    if (st == FV_OK && !p)
        return cf_layer_error(b, l, FV_ERR_SEMANTIC, "PriorBox layer '%s' needs prior_box_param",
                              l->name);
    double *buf = malloc(3 * MAX_PRIORS * sizeof *buf);
    double *w = NULL;
    if (!buf)
        return fv_diag_set(b->diag, FV_ERR_NOMEM, "out of memory");
    double *mins = buf, *maxs = buf + MAX_PRIORS, *given = buf + 2 * MAX_PRIORS;
    size_t n_min = 0, n_max = 0, n_given = 0;
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
        st = cf_opt_num(b, p, "step", 0, &step);
    if (st == FV_OK)
        st = cf_opt_num(b, p, "step_h", step, &step_hw[0]);
    if (st == FV_OK)
        st = cf_opt_num(b, p, "step_w", step, &step_hw[1]);
    if (st == FV_OK)
        st = cf_opt_num(b, p, "offset", 0.5, &offset);
    double *h_sizes = NULL;
    size_t n = 0;
    if (st == FV_OK) {
        fv_priorbox pb = {mins, n_min, maxs, n_max, given, n_given, flip};
        if (fv_priorbox_anchors(&pb, &w, &h_sizes, &n) != FV_OK)
            st = fv_diag_set(b->diag, FV_ERR_NOMEM, "out of memory");
    }
    if (st == FV_OK) {
        fv_head h = {.kind = FV_HEAD_PRIORBOX, .node = l->bottoms[0].node, .n_anchors = n,
                     .anchor_w = w, .anchor_h = h_sizes,
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
    cf_stand_in(l, "Caffe-SSD's PriorBox (boxes from the map's size, not from its values)");
    return FV_OK;
}
