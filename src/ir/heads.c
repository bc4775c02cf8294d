/* Detection heads: the anchor boxes a detector tiles over a feature layer,
 * recorded by the Darknet and Caffe frontends for the anchors analysis. */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graph_private.h"

static const char *const kind_names[] = {
    [FV_HEAD_PRIORBOX] = "priorbox",
    [FV_HEAD_YOLO] = "yolo",
    [FV_HEAD_REGION] = "region",
    [FV_HEAD_RPN] = "rpn",
};

static_assert(sizeof kind_names / sizeof kind_names[0] == FV_HEAD_KIND_COUNT,
              "kind_names needs one row per fv_head_kind");

const char *fv_head_kind_name(fv_head_kind kind)
{
    return (unsigned)kind < FV_HEAD_KIND_COUNT ? kind_names[kind] : "?";
}

void fv_graph_free_heads(fv_graph *g)
{
    for (size_t k = 0; k < g->n_heads; k++)
        free((void *)g->heads[k].anchor_w); /* anchor_h lives in the same block */
    free(g->heads);
    g->heads = NULL;
    g->n_heads = g->cap_heads = 0;
}

static fv_status head_error(fv_diag *diag, const fv_graph *g, const fv_head *h, const char *what)
{
    fv_diag_set(diag, FV_ERR_SEMANTIC, "%s head: %s", fv_head_kind_name(h->kind), what);
    if (diag && h->pos.line > 0) {
        snprintf(diag->file, sizeof diag->file, "%s", g->source);
        diag->pos = h->pos;
        fv_graph_line(g, h->pos.line, diag->source_line, sizeof diag->source_line);
    }
    return FV_ERR_SEMANTIC;
}

fv_status fv_graph_add_head(fv_graph *g, const fv_head *h, fv_diag *diag)
{
    if ((unsigned)h->kind >= FV_HEAD_KIND_COUNT)
        return fv_diag_set(diag, FV_ERR_USAGE, "head kind %d is not an fv_head_kind", (int)h->kind);
    if (h->node < 0 || (size_t)h->node >= g->n_nodes)
        return fv_diag_set(diag, FV_ERR_USAGE, "head refers to node %d, which does not exist",
                           h->node);
    if (h->n_anchors < 1 || h->n_anchors > (1u << 20))
        return head_error(diag, g, h, "needs between 1 and 2^20 anchors");
    for (size_t k = 0; k < h->n_anchors; k++)
        if (!isfinite(h->anchor_w[k]) || !isfinite(h->anchor_h[k]) || h->anchor_w[k] <= 0 ||
            h->anchor_h[k] <= 0)
            return head_error(diag, g, h, "anchor sizes must be positive and finite");
    for (int a = 0; a < FV_AXES; a++)
        if (!isfinite(h->step[a]) || h->step[a] < 0)
            return head_error(diag, g, h, "the step must be positive, or 0 for the layer's stride");
    if (!isfinite(h->offset) || h->offset < 0 || h->offset > 1)
        return head_error(diag, g, h, "the offset must lie in [0, 1]");

    if (g->n_heads == g->cap_heads) {
        size_t cap = g->cap_heads ? 2 * g->cap_heads : 8;
        fv_head *p = realloc(g->heads, cap * sizeof *p);
        if (!p)
            return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
        g->heads = p;
        g->cap_heads = cap;
    }
    double *sizes = malloc(2 * h->n_anchors * sizeof *sizes);
    if (!sizes)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    memcpy(sizes, h->anchor_w, h->n_anchors * sizeof *sizes);
    memcpy(sizes + h->n_anchors, h->anchor_h, h->n_anchors * sizeof *sizes);
    fv_head copy = *h;
    copy.anchor_w = sizes;
    copy.anchor_h = sizes + h->n_anchors;
    g->heads[g->n_heads++] = copy;
    return FV_OK;
}

size_t fv_graph_n_heads(const fv_graph *g) { return g->n_heads; }

const fv_head *fv_graph_head(const fv_graph *g, size_t k)
{
    return k < g->n_heads ? &g->heads[k] : NULL;
}

fv_status fv_priorbox_anchors(const fv_priorbox *pb, double **w, double **h, size_t *n)
{
    /* The ratios SSD uses: 1, then each new ratio and (with flip) its inverse. */
    size_t n_ar = 1;
    double *ars = malloc((1 + 2 * pb->n_ratios) * sizeof *ars);
    if (!ars)
        return FV_ERR_NOMEM;
    ars[0] = 1.0;
    for (size_t r = 0; r < pb->n_ratios; r++) {
        int seen = 0;
        for (size_t q = 0; q < n_ar; q++)
            seen |= fabs(pb->ratios[r] - ars[q]) < 1e-6;
        if (seen)
            continue;
        ars[n_ar++] = pb->ratios[r];
        if (pb->flip)
            ars[n_ar++] = 1.0 / pb->ratios[r];
    }
    size_t cap = pb->n_min * (n_ar + (pb->n_max ? 1 : 0));
    double *wh = malloc(2 * (cap ? cap : 1) * sizeof *wh);
    if (!wh) {
        free(ars);
        return FV_ERR_NOMEM;
    }
    size_t k = 0;
    for (size_t s = 0; s < pb->n_min; s++) {
        wh[k] = wh[cap + k] = pb->mins[s];
        k++;
        if (pb->n_max) {
            wh[k] = wh[cap + k] = sqrt(pb->mins[s] * pb->maxs[s]);
            k++;
        }
        for (size_t r = 0; r < n_ar; r++) {
            if (fabs(ars[r] - 1.0) < 1e-6)
                continue;
            wh[k] = pb->mins[s] * sqrt(ars[r]);
            wh[cap + k] = pb->mins[s] / sqrt(ars[r]);
            k++;
        }
    }
    free(ars);
    *w = wh;
    *h = wh + cap;
    *n = k;
    return FV_OK;
}
