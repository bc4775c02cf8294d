/* A brute-force receptive-field oracle for tests.
 *
 * It answers "which input-image indices does unit o of this node depend on,
 * along this axis?" by running each op's real forward index arithmetic on
 * sets of indices, never by a closed form, so that it can check the analytic
 * answer of src/analyses/trf.c. It reads the graph only through fovea.h.
 *
 * Indices live on an unbounded lattice (REFERENCE.md section 1, u = -P + i*S):
 * a conv unit reads o*s - pad_begin + t*d for every tap t, even where that
 * index falls in the padding or outside the previous map. Padding therefore
 * never hides a dependency; it only shifts indices.
 */
#ifndef RF_ORACLE_H
#define RF_ORACLE_H

#include <stdint.h>

#include "fovea.h"

/* Sets of image indices for some units of every node, along one axis. */
typedef struct rf_oracle rf_oracle;

/* What one unit depends on: the hull of its index set. */
typedef struct rf_oracle_hull {
    int64_t first;  /* smallest image index in the set */
    int64_t last;   /* largest */
    int empty;      /* the set has no image index (first, last meaningless) */
    int whole;      /* the unit depends on a whole-map op (global pool, FC) */
} rf_oracle_hull;

/*
 * Computes the index sets of units [want_lo[n], want_hi[n]) of every node n
 * along `axis`, for input size `hw` (needed to resolve SAME padding and slice
 * starts). Units of other nodes are computed only as far as these need them.
 * The graph must pass fv_graph_check and shape inference at `hw`.
 * On success the caller frees *out with rf_oracle_free.
 */
fv_status rf_oracle_run(const fv_graph *graph, const int64_t hw[FV_AXES], int axis,
                        const int64_t *want_lo, const int64_t *want_hi, rf_oracle **out,
                        fv_diag *diag);

/* Same, wanting only units [lo, hi) of one node. */
fv_status rf_oracle_run_node(const fv_graph *graph, const int64_t hw[FV_AXES], int axis,
                             int32_t node, int64_t lo, int64_t hi, rf_oracle **out,
                             fv_diag *diag);

/* Frees an oracle; NULL does nothing. */
void rf_oracle_free(rf_oracle *oracle);

/* The hull of unit o of `node`. Returns 0 when that unit was not computed. */
int rf_oracle_hull_of(const rf_oracle *oracle, int32_t node, int64_t o, rf_oracle_hull *hull);

/* 1 when image index x is in the set of unit o of `node`, 0 when not,
 * -1 when that unit was not computed or x is outside the computed window. */
int rf_oracle_contains(const rf_oracle *oracle, int32_t node, int64_t o, int64_t x);

/* The feature maps the oracle resolved (fv_graph_size entries). */
const fv_feature_map *rf_oracle_maps(const rf_oracle *oracle);

#endif
