/* ERF maps for tests: the map of a unit over the whole input, and the
 * largest difference between two maps. */
#ifndef ERF_MAPS_H
#define ERF_MAPS_H

#include <stddef.h>

#include "fovea.h"

/* The map of result r over the whole input (fv_erf_full_map); *n receives
 * its pixel count. The caller frees the map. */
double *em_full(const fv_erf_result *r, size_t *n);

/* The map of `node` over the whole input (fv_erf_full_map) with options o
 * (NULL: the defaults); *n receives its pixel count. Fails the test when
 * the engine refuses. The caller frees the map. */
double *em_map(const fv_graph *g, int32_t node, const fv_erf_options *o, size_t *n);

/* Largest |a[i] - b[i]| over n values; *top receives the largest |b[i]|. */
double em_difference(const double *a, const double *b, size_t n, double *top);

#endif
