/* Writing design findings (check, anchors) in each output format. */
#ifndef FV_FINDING_REPORT_H
#define FV_FINDING_REPORT_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "fovea.h"

/* Table: one block per finding ("warning [rule] layer: what" and the advice
 * under it); Markdown: a pipe table. Writes "no findings" when there are none. */
void fv_write_findings(const fv_graph *g, const fv_finding *const *findings, size_t n,
                       fv_format format, int color, FILE *out);

/* A JSON array of findings, each with its numbers as an object. */
cJSON *fv_findings_json(const fv_graph *g, const fv_finding *const *findings, size_t n);

/* Prints a cJSON document and frees it; FV_ERR_NOMEM when printing fails. */
fv_status fv_json_emit(cJSON *doc, FILE *out, fv_diag *diag);

struct fv_grid;

/* The per-layer tables of `fovea check` and `fovea anchors` as styled grids
 * (header row first), for the table writers and the HTML report. */
fv_status fv_check_grid(const fv_graph *g, const fv_check *c, struct fv_grid *grid, fv_diag *diag);
fv_status fv_anchors_grid(const fv_graph *g, const fv_anchors *r, struct fv_grid *grid,
                          fv_diag *diag);

/* "63%" or "63%x70%" (y then x); "" when the value is unknown (0). */
void fv_fmt_percent_pair(char *buf, size_t size, double y, double x);

/* A double pair with 4 significant digits: "48" or "48x96". */
void fv_fmt_num_pair(char *buf, size_t size, double y, double x);

#endif
