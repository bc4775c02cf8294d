/* Pieces the receptive-field reports share. */
#ifndef FV_RF_REPORT_H
#define FV_RF_REPORT_H

#include <stdio.h>

#include "fovea.h"

/* What a node's op does, written in the text format's syntax ("k=3 s=2 p=1"). */
void fv_fmt_geometry(const fv_graph *g, int32_t node, const fv_feature_map *map, char *buf,
                     size_t size);

/* The per-layer table as a grid: a header row, then one row per node
 * (nodes NULL: every node), with styles; table columns that are empty for
 * every node are left out, CSV keeps its fixed columns. */
struct fv_grid;
fv_status fv_rf_grid(const fv_graph *g, const fv_trf *t, const int32_t *nodes, size_t n, int csv,
                     struct fv_grid *grid, fv_diag *diag);

fv_status fv_report_rf_json(const fv_graph *g, const fv_trf *t, const int32_t *nodes, size_t n,
                            FILE *out, fv_diag *diag);

#endif
