/* The naive peer of fv_trf_compute: every node's RF recomputed from scratch
 * by a pass over all of its ancestors, as a tool that answers one layer at a
 * time does. Quadratic; run it on small graphs only. */
#ifndef NAIVE_RF_H
#define NAIVE_RF_H

#include <stdint.h>

#include "fovea.h"

/* Largest RF over paths of one node along one axis, integer strides only;
 * -1 where every unit sees the whole input. */
typedef struct naive_rf {
    int64_t rmax[FV_AXES];
} naive_rf;

/**
 * Fills out[node] for every node (fv_graph_size entries). Assumes what
 * dag_gen builds: nodes listed inputs first, integer strides, every path
 * into a node at the same stride. Returns 0, or -1 when memory runs out.
 */
int naive_rf_all(const fv_graph *graph, naive_rf *out);

#endif
