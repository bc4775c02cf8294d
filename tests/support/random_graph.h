/* Seeded random networks for property tests: chains and DAGs of 2..12 nodes
 * built through the public builder, covering every op whose index arithmetic
 * the receptive-field analysis models. The same seed always gives the same
 * graph and input size, so a failing seed is a complete bug report. */
#ifndef RANDOM_GRAPH_H
#define RANDOM_GRAPH_H

#include <stdint.h>

#include "fovea.h"

/*
 * Builds the graph of `seed` and its input size (16..64 per axis). Every
 * returned graph passes fv_graph_check and shape inference at *hw: draws
 * that shrink a map to nothing are redrawn, deterministically. Returns NULL
 * only when memory runs out. The caller frees the graph.
 */
fv_graph *rg_generate(uint64_t seed, int64_t hw[FV_AXES]);

/* As rg_generate; *mixed says whether the graph belongs to the family that
 * may merge branches of unequal effective stride (which fovea refuses). */
fv_graph *rg_generate_mixed(uint64_t seed, int64_t hw[FV_AXES], int *mixed);

#endif
