/* fovea anchors' report: one row per detection layer, the --objects plan
 * and the findings, as a table, Markdown, CSV (layers only) or JSON. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cells.h"
#include "finding_report.h"
#include "graph_private.h"

enum { A_LAYER, A_KIND, A_PRED, A_MAP, A_STRIDE, A_STEP, A_TRF, A_ANCHORS, A_ASPECTS, A_DENSITY,
       A_CENTRE, A_SUGGEST, A_ERF, N_A };
static const char *const headers[N_A] = {
    "layer", "head", "predictor", "map", "stride", "step", "trf", "anchors", "aspects",
    "density", "centre err", "4 x stride", "erf"};

/* Distinct values, in order, as "a,b,c" cut to fit a cell. */
static void distinct_list(char *buf, size_t size, const double *v, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int dup = 0;
        for (size_t j = 0; j < i; j++)
            dup |= fabs(v[j] - v[i]) < 1e-6 * fabs(v[i]);
        if (dup)
            continue;
        char item[32];
        snprintf(item, sizeof item, "%s%.4g", len ? "," : "", v[i]);
        if (len + strlen(item) + 4 >= size) {
            snprintf(buf + len, size - len, ",...");
            return;
        }
        len += (size_t)snprintf(buf + len, size - len, "%s", item);
    }
}

static void anchor_lists(const fv_head *h, char *scales, char *aspects, size_t size)
{
    double *v = malloc(2 * h->n_anchors * sizeof *v);
    if (!v) {
        scales[0] = aspects[0] = '\0';
        return;
    }
    for (size_t i = 0; i < h->n_anchors; i++) {
        v[i] = sqrt(h->anchor_w[i] * h->anchor_h[i]);
        v[h->n_anchors + i] = h->anchor_w[i] / h->anchor_h[i];
    }
    distinct_list(scales, size, v, h->n_anchors);
    distinct_list(aspects, size, v + h->n_anchors, h->n_anchors);
    free(v);
}

static void layer_row(const fv_graph *g, const fv_anchor_layer *l, char row[][FV_CELL])
{
    snprintf(row[A_LAYER], FV_CELL, "%s", fv_graph_name(g, l->node));
    snprintf(row[A_KIND], FV_CELL, "%s", l->given ? "given" : fv_head_kind_name(l->head->kind));
    snprintf(row[A_PRED], FV_CELL, "%s", l->predictor != l->node ? fv_graph_name(g, l->predictor) : "");
    if (l->map_size[0] > 0)
        snprintf(row[A_MAP], FV_CELL, "%lldx%lld", (long long)l->map_size[0], (long long)l->map_size[1]);
    fv_fmt_rational_pair(row[A_STRIDE], FV_CELL, l->stride[0], l->stride[1]);
    fv_fmt_num_pair(row[A_STEP], FV_CELL, l->step[0], l->step[1]);
    fv_fmt_int_pair(row[A_TRF], FV_CELL, l->trf[0], l->trf[1]);
    anchor_lists(l->head, row[A_ANCHORS], row[A_ASPECTS], FV_CELL);
    snprintf(row[A_DENSITY], FV_CELL, "%.3g", l->density_min);
    fv_fmt_num_pair(row[A_CENTRE], FV_CELL, l->centre_error[0], l->centre_error[1]);
    snprintf(row[A_SUGGEST], FV_CELL, "%.4g", l->suggested);
    if (l->erf_size > 0)
        snprintf(row[A_ERF], FV_CELL, "%.4g", l->erf_size);
}

fv_status fv_anchors_grid(const fv_graph *g, const fv_anchors *r, fv_grid *grid, fv_diag *diag)
{
    size_t n = fv_anchors_n_layers(r);
    /* The ERF column only when some layer has an ERF (it is the last). */
    int erf = 0;
    for (size_t k = 0; k < n; k++)
        erf |= fv_anchors_layer(r, k)->erf_size > 0;
    fv_status st = fv_grid_init_header(grid, n + 1, headers, erf ? N_A : N_A - 1, diag);
    if (st != FV_OK)
        return st;
    for (size_t k = 0; k < n; k++) {
        const fv_anchor_layer *l = fv_anchors_layer(r, k);
        layer_row(g, l, (char(*)[FV_CELL])fv_grid_cell(grid, k + 1, 0));
        /* A step that is not the layer's stride tiles anchors off the grid. */
        for (int a = 0; a < FV_AXES; a++)
            if (fabs(l->step[a] - (double)l->stride[a].num / (double)l->stride[a].den) > 1e-9)
                fv_grid_style(grid, k + 1, A_STEP, FV_STYLE_BAD);
    }
    return FV_OK;
}

static fv_status write_layers(const fv_graph *g, const fv_anchors *r, fv_format format, int color,
                              FILE *out, fv_diag *diag)
{
    fv_grid grid;
    fv_status st = fv_anchors_grid(g, r, &grid, diag);
    if (st != FV_OK)
        return st;
    grid.color = color;
    fv_grid_write(&grid, format, out);
    fv_grid_free(&grid);
    return FV_OK;
}

static fv_status write_plan(const fv_graph *g, const fv_anchors *r, fv_format format, FILE *out,
                            fv_diag *diag)
{
    size_t n = fv_anchors_n_plan(r);
    if (n == 0)
        return FV_OK;
    fputs(format == FV_FORMAT_MD ? "\n## Anchors for the object range\n\n"
                                 : "\nanchors for the object range (4 x stride, S3FD):\n",
          out);
    fv_grid grid;
    fv_status st = fv_grid_init(&grid, n + 1, 5, diag);
    if (st != FV_OK)
        return st;
    static const char *const h[5] = {"anchor", "layer", "stride", "density", "densify"};
    for (int c = 0; c < 5; c++)
        snprintf(fv_grid_cell(&grid, 0, c), FV_CELL, "%s", h[c]);
    for (size_t k = 0; k < n; k++) {
        const fv_anchor_plan *p = fv_anchors_plan(r, k);
        snprintf(fv_grid_cell(&grid, k + 1, 0), FV_CELL, "%.4g", p->anchor);
        if (p->node < 0) {
            snprintf(fv_grid_cell(&grid, k + 1, 1), FV_CELL, "(none sees it whole)");
            continue;
        }
        snprintf(fv_grid_cell(&grid, k + 1, 1), FV_CELL, "%s", fv_graph_name(g, p->node));
        snprintf(fv_grid_cell(&grid, k + 1, 2), FV_CELL, "%.4g", p->stride);
        snprintf(fv_grid_cell(&grid, k + 1, 3), FV_CELL, "%.3g", p->density);
        double factor = floor(4.0 / p->density + 0.5);
        if (factor >= 2)
            snprintf(fv_grid_cell(&grid, k + 1, 4), FV_CELL, "%gx", factor);
    }
    fv_grid_write(&grid, format, out);
    fv_grid_free(&grid);
    return FV_OK;
}

static cJSON *pair(double y, double x)
{
    cJSON *a = cJSON_CreateArray();
    cJSON_AddItemToArray(a, cJSON_CreateNumber(y));
    cJSON_AddItemToArray(a, cJSON_CreateNumber(x));
    return a;
}

static cJSON *layer_json(const fv_graph *g, const fv_anchor_layer *l)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "layer", fv_graph_name(g, l->node));
    cJSON_AddStringToObject(o, "head", l->given ? "given" : fv_head_kind_name(l->head->kind));
    cJSON_AddStringToObject(o, "predictor", fv_graph_name(g, l->predictor));
    if (l->map_size[0] > 0)
        cJSON_AddItemToObject(o, "map", pair((double)l->map_size[0], (double)l->map_size[1]));
    cJSON_AddItemToObject(o, "stride", pair((double)l->stride[0].num / (double)l->stride[0].den,
                                            (double)l->stride[1].num / (double)l->stride[1].den));
    cJSON_AddItemToObject(o, "step", pair(l->step[0], l->step[1]));
    cJSON_AddItemToObject(o, "trf", pair((double)l->trf[0], (double)l->trf[1]));
    cJSON_AddItemToObject(o, "rf_centre", pair(l->rf_centre[0], l->rf_centre[1]));
    cJSON_AddItemToObject(o, "anchor_centre", pair(l->anchor_centre[0], l->anchor_centre[1]));
    cJSON_AddItemToObject(o, "centre_error", pair(l->centre_error[0], l->centre_error[1]));
    cJSON_AddNumberToObject(o, "offset", l->head->offset);
    cJSON *anchors = cJSON_AddArrayToObject(o, "anchors");
    for (size_t i = 0; i < l->head->n_anchors; i++) {
        cJSON *a = cJSON_CreateObject();
        cJSON_AddNumberToObject(a, "width", l->head->anchor_w[i]);
        cJSON_AddNumberToObject(a, "height", l->head->anchor_h[i]);
        cJSON_AddItemToArray(anchors, a);
    }
    cJSON_AddNumberToObject(o, "scale_min", l->scale_min);
    cJSON_AddNumberToObject(o, "scale_max", l->scale_max);
    cJSON_AddNumberToObject(o, "density_min", l->density_min);
    cJSON_AddNumberToObject(o, "suggested", l->suggested);
    if (l->erf_size > 0) {
        cJSON *erf = cJSON_AddObjectToObject(o, "erf");
        cJSON_AddNumberToObject(erf, "size", l->erf_size);
        cJSON_AddItemToObject(erf, "sigma", pair(l->erf_sigma[0], l->erf_sigma[1]));
    }
    return o;
}

static fv_status write_json(const fv_graph *g, const fv_anchors *r, const fv_finding **fs,
                            FILE *out, fv_diag *diag)
{
    cJSON *doc = cJSON_CreateObject();
    if (!doc)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    cJSON_AddStringToObject(doc, "model", fv_graph_source(g));
    int64_t hw[FV_AXES];
    fv_anchors_input(r, hw);
    if (hw[0] > 0)
        cJSON_AddItemToObject(doc, "input_size", pair((double)hw[0], (double)hw[1]));
    cJSON *layers = cJSON_AddArrayToObject(doc, "layers");
    for (size_t k = 0; k < fv_anchors_n_layers(r); k++)
        cJSON_AddItemToArray(layers, layer_json(g, fv_anchors_layer(r, k)));
    if (fv_anchors_n_plan(r)) {
        cJSON *plan = cJSON_AddArrayToObject(doc, "plan");
        for (size_t k = 0; k < fv_anchors_n_plan(r); k++) {
            const fv_anchor_plan *p = fv_anchors_plan(r, k);
            cJSON *o = cJSON_CreateObject();
            cJSON_AddNumberToObject(o, "anchor", p->anchor);
            if (p->node >= 0) {
                cJSON_AddStringToObject(o, "layer", fv_graph_name(g, p->node));
                cJSON_AddNumberToObject(o, "stride", p->stride);
                cJSON_AddNumberToObject(o, "density", p->density);
            } else {
                cJSON_AddNullToObject(o, "layer");
            }
            cJSON_AddItemToArray(plan, o);
        }
    }
    cJSON_AddItemToObject(doc, "findings", fv_findings_json(g, fs, fv_anchors_n_findings(r)));
    return fv_json_emit(doc, out, diag);
}

fv_status fv_report_anchors(const fv_graph *g, const fv_anchors *r, fv_format format, FILE *out,
                            fv_diag *diag)
{
    return fv_report_anchors_ex(g, r, format, NULL, out, diag);
}

fv_status fv_report_anchors_ex(const fv_graph *g, const fv_anchors *r, fv_format format,
                               const fv_report_options *options, FILE *out, fv_diag *diag)
{
    int color = options && options->color && format == FV_FORMAT_TABLE;
    size_t n = fv_anchors_n_findings(r);
    const fv_finding **fs = malloc((n ? n : 1) * sizeof *fs);
    if (!fs)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < n; k++)
        fs[k] = fv_anchors_finding(r, k);
    fv_status st;
    if (format == FV_FORMAT_JSON) {
        st = write_json(g, r, fs, out, diag);
    } else if (format == FV_FORMAT_CSV) {
        st = write_layers(g, r, format, color, out, diag);
    } else {
        st = FV_OK;
        if (fv_anchors_n_layers(r)) {
            if (format == FV_FORMAT_MD)
                fputs("## Detection layers\n\n", out);
            st = write_layers(g, r, format, color, out, diag);
        }
        if (st == FV_OK)
            st = write_plan(g, r, format, out, diag);
        fputs(format == FV_FORMAT_MD ? "\n## Findings\n\n" : "\nfindings:\n", out);
        fv_write_findings(g, fs, n, format, color, out);
    }
    free(fs);
    return st;
}
