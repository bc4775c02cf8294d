#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "erf_maps.h"
#include "model_check.h"

double *em_full(const fv_erf_result *r, size_t *n)
{
    int64_t hw[2];
    fv_erf_input_size(r, hw);
    *n = (size_t)(hw[0] * hw[1]);
    double *map = malloc(*n * sizeof *map);
    assert_non_null(map);
    fv_erf_full_map(r, map);
    return map;
}

double *em_map(const fv_graph *g, int32_t node, const fv_erf_options *o, size_t *n)
{
    fv_diag diag;
    double *map = mc_erf_map(g, node, o, n, &diag);
    if (!map)
        fail_msg("ERF of '%s': %s", fv_graph_name(g, node), diag.message);
    return map;
}

double em_difference(const double *a, const double *b, size_t n, double *top)
{
    double diff = 0;
    *top = 0;
    for (size_t i = 0; i < n; i++) {
        diff = fmax(diff, fabs(a[i] - b[i]));
        *top = fmax(*top, fabs(b[i]));
    }
    return diff;
}
