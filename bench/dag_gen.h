/* A seeded generator of synthetic CNN-like graphs for the benchmarks.
 *
 * The graphs look like the networks fovea meets (residual blocks, dilated
 * convs, two-branch concats, pools, a few stride-2 downsamplings) but come in
 * any size, so that the cost of an analysis can be measured as a function of
 * nodes and edges. Built only through the public builder API, so building
 * them also measures fv_graph_add. */
#ifndef DAG_GEN_H
#define DAG_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "fovea.h"

/* At most this many stride-2 layers lie on any input-to-output path, so
 * effective strides stay at 2^20 or below and RF arithmetic stays far from
 * 64-bit overflow however long the graph is. */
#define DAG_GEN_MAX_STRIDE2 20

/**
 * Builds a graph of exactly `n_nodes` nodes (at least 1; node 0 is the
 * input) from `seed`; the same arguments give the same graph. Every map
 * keeps a size of at least 1 at any input size, so the graph is valid for
 * shape inference at every resolution. On success the caller owns *out and
 * frees it with fv_graph_free.
 */
fv_status dag_gen(size_t n_nodes, uint64_t seed, fv_graph **out, fv_diag *diag);

/** Number of edges (input references) of a graph, summed over its nodes. */
size_t dag_gen_edges(const fv_graph *graph);

#endif
