/* Helpers for tests that load a model file and check per-layer RFs. */
#ifndef FV_MODEL_CHECK_H
#define FV_MODEL_CHECK_H

#include "fovea.h"

/* Loads FOVEA_SOURCE_DIR/rel through fv_model_load; fails the test on error. */
fv_graph *mc_load(const char *source_dir, const char *rel);

/* Parses a network in fovea's text format; fails the test on error. */
fv_graph *mc_text(const char *text);

/* Parses a Caffe prototxt given as text; fails the test on error. */
fv_graph *mc_caffe(const char *text);

/* The node named exactly `name`; fails the test when there is none. */
int32_t mc_find(const fv_graph *g, const char *name);

/* Asserts that the layer `name` (the node fv_graph_select finds, as --layer
 * does: the exact name first) has RF r (both axes, uniform), effective
 * stride s and padding p (p < -1000 skips the padding check). */
void mc_expect_rf(const fv_graph *g, const fv_trf *t, const char *name, int64_t r, int64_t s,
                  int64_t p);

/* Asserts layer `name`'s feature map is h x w. */
void mc_expect_map(const fv_graph *g, const fv_trf *t, const char *name, int64_t h, int64_t w);

/* Runs the ERF of node `name` (random weights, the other defaults) and
 * returns its status, the diagnostic in diag. */
fv_status mc_erf(const fv_graph *g, const char *name, fv_diag *diag);

/* The ERF map of node's unit over the whole input (fv_erf_full_map), *n
 * its size; free it. NULL when the engine fails, the diagnostic in diag. */
double *mc_erf_map(const fv_graph *g, int32_t node, const fv_erf_options *o, size_t *n,
                   fv_diag *diag);

/* The TRF at the graph's own input size; fails the test on error. */
fv_trf *mc_trf(const fv_graph *g);

#endif
