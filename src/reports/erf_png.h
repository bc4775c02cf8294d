/* The ERF heatmap PNG in memory, for pages that carry their images inside. */
#ifndef FV_ERF_PNG_H
#define FV_ERF_PNG_H

#include <stddef.h>

#include "fovea.h"

/* Encodes the heatmap fv_report_erf_png draws, of the image region `box`
 * (top, left, height, width in input pixels, inside the image) only; *png
 * (malloc'd, the caller frees) holds *len bytes; hw receives the PNG's
 * height and width. */
fv_status fv_erf_png_data(const fv_erf_result *r, const fv_erf_metrics *m, int log_scale,
                          const int64_t box[4], unsigned char **png, size_t *len, int64_t hw[2],
                          fv_diag *diag);

#endif
