/* Prints a graph as one line per node, with every parameter its op reads,
 * so that a failing property test shows a graph someone can rebuild. */
#ifndef GRAPH_PRINT_H
#define GRAPH_PRINT_H

#include <stdio.h>

#include "fovea.h"

/* One line per node: index, op, inputs, params; hw may be NULL. */
void graph_print(const fv_graph *graph, const int64_t *hw, FILE *out);

#endif
