/* Small graph builders for tests: each adds one node and aborts the test
 * program on failure, so that test bodies read like the network they build. */
#ifndef BUILD_HELPERS_H
#define BUILD_HELPERS_H

#include "fovea.h"

/* Adds `layer`; prints the diagnostic and aborts when the graph refuses it. */
int32_t tb_add(fv_graph *g, const fv_layer *layer);

/* The input node. */
int32_t tb_input(fv_graph *g);

/* A square conv or pool (op) with explicit padding pad on every side. */
int32_t tb_window(fv_graph *g, fv_op op, int32_t in, int64_t k, int64_t s, int64_t d, int64_t pad);

/* A square conv or pool with a padding rule (SAME_UPPER, SAME_LOWER, VALID). */
int32_t tb_window_rule(fv_graph *g, fv_op op, int32_t in, int64_t k, int64_t s, fv_pad_rule rule);

/* A unary node of `op` with neutral parameters, e.g. relu or global pool. */
int32_t tb_unary(fv_graph *g, fv_op op, int32_t in);

/* A merge of two inputs. */
int32_t tb_merge(fv_graph *g, fv_op op, int32_t a, int32_t b);

#endif
