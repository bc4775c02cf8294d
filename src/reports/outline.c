/* The layer outline the pictures share (markup.h): pointwise ops fold into
 * the node they read, and each remaining layer gets its depth along the
 * longest path from the input, so that a residual network reads as a spine
 * with its shortcuts and projections beside it. */
#include <stdlib.h>

#include "graph_private.h"
#include "markup.h"

static int kept_op(fv_op op) { return !fv_op_is_pointwise(op); }

void fv_outline_free(fv_outline *o)
{
    free(o->node);
    free(o->depth);
    free(o->main_path);
    free(o->slot);
    o->node = o->depth = o->slot = NULL;
    o->main_path = NULL;
}

fv_status fv_outline_build(const fv_graph *g, fv_outline *o, fv_diag *diag)
{
    size_t n = fv_graph_size(g);
    *o = (fv_outline){0};
    int32_t *order = malloc(n * sizeof *order);
    o->node = malloc(n * sizeof *o->node);
    o->depth = malloc(n * sizeof *o->depth);
    o->main_path = calloc(n, 1);
    o->slot = malloc(n * sizeof *o->slot);
    int32_t *from = malloc(n * sizeof *from); /* the deepest input slot of each kept node */
    if (!order || !o->node || !o->depth || !o->main_path || !o->slot || !from) {
        free(order);
        free(from);
        fv_outline_free(o);
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    }
    fv_status st = fv_graph_topo_order(g, order, diag);
    for (size_t k = 0; st == FV_OK && k < n; k++) {
        int32_t v = order[k];
        fv_op op = fv_graph_op(g, v);
        size_t n_in = fv_graph_n_inputs(g, v);
        if (!kept_op(op) && n_in > 0) {
            o->slot[v] = o->slot[fv_graph_input(g, v, 0)];
            continue;
        }
        size_t s = o->n++;
        o->node[s] = v;
        o->slot[v] = (int32_t)s;
        o->depth[s] = 0;
        from[s] = -1;
        for (size_t i = 0; i < n_in; i++) {
            int32_t in = o->slot[fv_graph_input(g, v, i)];
            if (o->depth[in] + 1 > o->depth[s]) {
                o->depth[s] = o->depth[in] + 1;
                from[s] = in;
            }
        }
    }
    if (st == FV_OK && o->n > 0) {
        /* The longest path ends at the deepest layer, the last one on ties. */
        size_t end = 0;
        for (size_t s = 0; s < o->n; s++)
            if (o->depth[s] >= o->depth[end])
                end = s;
        o->max_depth = o->depth[end];
        for (int32_t s = (int32_t)end; s >= 0; s = from[s])
            o->main_path[s] = 1;
    }
    free(order);
    free(from);
    if (st != FV_OK)
        fv_outline_free(o);
    return st;
}

static double rational(fv_rational r) { return (double)r.num / (double)r.den; }

double fv_rf_largest(const fv_rf *rf)
{
    int64_t a = rf->axis[0].size_max, b = rf->axis[1].size_max;
    return (double)(a > b ? a : b);
}

double fv_rf_smallest(const fv_rf *rf)
{
    int64_t a = rf->axis[0].size_min, b = rf->axis[1].size_min;
    return (double)(a < b ? a : b);
}

double fv_rf_stride(const fv_rf *rf)
{
    double a = rational(rf->axis[0].stride), b = rational(rf->axis[1].stride);
    return a > b ? a : b;
}
