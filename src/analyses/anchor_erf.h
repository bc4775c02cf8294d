/* The effective receptive field of each detection layer's predicting unit,
 * for fovea anchors (S3FD: anchors near the ERF). */
#ifndef FV_ANCHOR_ERF_H
#define FV_ANCHOR_ERF_H

#include "findings.h"

/* Fills erf_size and erf_sigma of the n layers through the ERF engine with
 * the options' settings, at `input` (0, 0: the graph's), and adds the
 * anchor_erf findings. A layer whose ERF cannot be computed gets an info
 * finding saying why; only running out of memory fails. */
fv_status fv_anchor_erf(const fv_graph *g, const fv_anchors_options *options,
                        const int64_t input[FV_AXES], fv_anchor_layer *layers, size_t n,
                        fv_findings *findings, fv_diag *diag);

#endif
