/* The cone of one unit: for every node, the window of its map that the
 * unit depends on. Only erf.c and the tests use it. */
#ifndef FV_ERF_PLAN_H
#define FV_ERF_PLAN_H

#include "graph_private.h"
#include "kernels/kernels.h"

typedef struct fv_erf_plan {
    size_t n;
    int32_t *order;        /* topological order of the graph */
    fv_feature_map *maps;  /* every node's map for the input size */
    uint8_t *active;       /* the unit depends on this node */
    fv_box *box;           /* active nodes: window (channels unknown = 1) */
    int32_t input, target;
    int64_t unit[FV_AXES];
} fv_erf_plan;

/* Makes the cone of `unit` of `target` for input size hw. whole_maps gives
 * every node the unit depends on its whole map instead (the reference the
 * cone is checked against). */
fv_status fv_erf_plan_make(const fv_graph *g, const int64_t hw[FV_AXES], int32_t target,
                           const int64_t unit[FV_AXES], int whole_maps, fv_erf_plan *plan,
                           fv_diag *diag);
void fv_erf_plan_free(fv_erf_plan *plan);

/* The padding a windowed node uses at this input size (SAME resolved). */
void fv_erf_plan_kwin(const fv_graph *g, const fv_erf_plan *plan, int32_t node, fv_kwin *k);

#endif
