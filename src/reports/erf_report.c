/* The ERF result as a table of quantities or a JSON object. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cells.h"
#include "graph_private.h"

static const char *const share_name[4] = {"50", "90", "95", "99"};
static const char *const thresh_name[4] = {"0.2", "0.3", "0.5", "0.99"};

static const char *precision_name(const fv_erf_result *r)
{
    return fv_erf_result_precision(r) == FV_ERF_FLOAT64 ? "float64" : "float32";
}

static fv_status report_json(const fv_graph *g, const fv_erf_result *r, const fv_erf_metrics *m,
                             FILE *out, fv_diag *diag)
{
    int64_t hw[2], unit[2], h, w, y0, x0;
    fv_erf_input_size(r, hw);
    fv_erf_unit(r, unit);
    fv_erf_map(r, &h, &w, &y0, &x0);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "layer", fv_graph_name(g, fv_erf_node(r)));
    cJSON_AddItemToObject(o, "input", cJSON_CreateDoubleArray((double[]){(double)hw[0], (double)hw[1]}, 2));
    cJSON_AddItemToObject(o, "unit", cJSON_CreateDoubleArray((double[]){(double)unit[0], (double)unit[1]}, 2));
    cJSON *win = cJSON_AddObjectToObject(o, "window");
    cJSON_AddNumberToObject(win, "y0", (double)y0);
    cJSON_AddNumberToObject(win, "x0", (double)x0);
    cJSON_AddNumberToObject(win, "height", (double)h);
    cJSON_AddNumberToObject(win, "width", (double)w);
    cJSON *trf = cJSON_AddObjectToObject(o, "trf");
    cJSON_AddItemToObject(trf, "first", cJSON_CreateDoubleArray((double[]){(double)m->trf_first[0], (double)m->trf_first[1]}, 2));
    cJSON_AddItemToObject(trf, "last", cJSON_CreateDoubleArray((double[]){(double)m->trf_last[0], (double)m->trf_last[1]}, 2));
    cJSON_AddBoolToObject(trf, "whole_input", m->whole_input);
    cJSON_AddNumberToObject(o, "mass", m->mass);
    cJSON_AddItemToObject(o, "centre", cJSON_CreateDoubleArray(m->centre, 2));
    cJSON_AddItemToObject(o, "sigma", cJSON_CreateDoubleArray(m->sigma, 2));
    cJSON *radius = cJSON_AddObjectToObject(o, "radius");
    for (int q = 0; q < 4; q++)
        cJSON_AddNumberToObject(radius, share_name[q], m->radius[q]);
    cJSON *area = cJSON_AddObjectToObject(o, "area_ratio");
    for (int q = 0; q < 4; q++) {
        cJSON *a = cJSON_AddObjectToObject(area, thresh_name[q]);
        cJSON_AddNumberToObject(a, "side", (double)m->square_side[q]);
        cJSON_AddNumberToObject(a, "ratio", m->area_ratio[q]);
    }
    cJSON_AddNumberToObject(o, "sigma_area_ratio", m->sigma_area_ratio);
    cJSON_AddNumberToObject(o, "radius95_ratio", m->radius95_ratio);
    cJSON_AddNumberToObject(o, "memory_bytes", (double)fv_erf_memory(r));
    cJSON_AddNumberToObject(o, "conv_flops_per_sample", (double)fv_erf_flops(r));
    cJSON_AddStringToObject(o, "precision", precision_name(r));
    double setup, samples, cpu;
    fv_erf_seconds(r, &setup, &samples, &cpu);
    cJSON *sec = cJSON_AddObjectToObject(o, "seconds");
    cJSON_AddNumberToObject(sec, "setup", setup);
    cJSON_AddNumberToObject(sec, "samples", samples);
    cJSON_AddNumberToObject(sec, "samples_cpu", cpu);
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    if (!text)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    fprintf(out, "%s\n", text);
    free(text);
    return FV_OK;
}

static void row(fv_grid *grid, size_t *k, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void row(fv_grid *grid, size_t *k, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    snprintf(fv_grid_cell(grid, *k, 0), FV_CELL, "%s", name);
    vsnprintf(fv_grid_cell(grid, *k, 1), FV_CELL, fmt, ap);
    va_end(ap);
    (*k)++;
}

fv_status fv_report_erf(const fv_graph *g, const fv_erf_result *r, const fv_erf_metrics *m,
                        fv_format format, FILE *out, fv_diag *diag)
{
    if (format == FV_FORMAT_JSON)
        return report_json(g, r, m, out, diag);
    int64_t hw[2], unit[2], h, w, y0, x0;
    fv_erf_input_size(r, hw);
    fv_erf_unit(r, unit);
    fv_erf_map(r, &h, &w, &y0, &x0);
    fv_grid grid;
    fv_status st = fv_grid_init(&grid, 27, 2, diag);
    if (st != FV_OK)
        return st;
    size_t k = 0;
    row(&grid, &k, "quantity", "value");
    row(&grid, &k, "layer", "%s", fv_graph_name(g, fv_erf_node(r)));
    row(&grid, &k, "input", "%lldx%lld", (long long)hw[0], (long long)hw[1]);
    row(&grid, &k, "unit", "%lld,%lld", (long long)unit[0], (long long)unit[1]);
    row(&grid, &k, "cone window", "rows %lld..%lld, columns %lld..%lld", (long long)y0,
        (long long)(y0 + h - 1), (long long)x0, (long long)(x0 + w - 1));
    row(&grid, &k, "trf box", "rows %lld..%lld, columns %lld..%lld%s", (long long)m->trf_first[0],
        (long long)m->trf_last[0], (long long)m->trf_first[1], (long long)m->trf_last[1],
        m->whole_input ? " (whole input)" : "");
    row(&grid, &k, "mass", "%.6g", m->mass);
    row(&grid, &k, "centre of mass", "%.3f,%.3f", m->centre[0], m->centre[1]);
    row(&grid, &k, "sigma", "%.4f,%.4f", m->sigma[0], m->sigma[1]);
    for (int q = 0; q < 4; q++) {
        char name[32];
        snprintf(name, sizeof name, "radius %s%%", share_name[q]);
        row(&grid, &k, name, "%.3f", m->radius[q]);
    }
    for (int q = 0; q < 4; q++) {
        char name[32];
        snprintf(name, sizeof name, "area ratio t=%s", thresh_name[q]);
        if (m->square_side[q])
            row(&grid, &k, name, "%.6f (side %lld)", m->area_ratio[q], (long long)m->square_side[q]);
        else
            row(&grid, &k, name, "not reached");
    }
    row(&grid, &k, "2-sigma area / trf area", "%.4f", m->sigma_area_ratio);
    row(&grid, &k, "95% diameter / trf size", "%.4f", m->radius95_ratio);
    row(&grid, &k, "memory estimate", "%.1f MiB", (double)fv_erf_memory(r) / 1048576.0);
    row(&grid, &k, "conv GFLOP per sample", "%.3f", (double)fv_erf_flops(r) / 1e9);
    row(&grid, &k, "precision", "%s", precision_name(r));
    grid.rows = k;
    fv_grid_write(&grid, format, out);
    fv_grid_free(&grid);
    return FV_OK;
}

void fv_report_erf_grid(const fv_erf_result *r, FILE *out)
{
    int64_t h, w;
    const double *m = fv_erf_map(r, &h, &w, NULL, NULL);
    int whole = 1;
    for (int64_t i = 0; i < h * w; i++)
        whole &= m[i] == floor(m[i]) && fabs(m[i]) < 1e15;
    for (int64_t y = 0; y < h; y++)
        for (int64_t x = 0; x < w; x++)
            fprintf(out, whole ? "%.0f%s" : "%.6g%s", m[y * w + x], x + 1 < w ? " " : "\n");
}

void fv_report_erf_profiles(const fv_erf_result *r, FILE *out)
{
    int64_t hw[2], h, w, y0, x0;
    fv_erf_input_size(r, hw);
    const double *m = fv_erf_map(r, &h, &w, &y0, &x0);
    fprintf(out, "axis,pixel,sum\n");
    for (int a = 0; a < FV_AXES; a++)
        for (int64_t p = 0; p < hw[a]; p++) {
            double s = 0;
            int64_t local = p - (a ? x0 : y0);
            if (local >= 0 && local < (a ? w : h))
                for (int64_t q = 0; q < (a ? h : w); q++)
                    s += a ? m[q * w + local] : m[local * w + q];
            fprintf(out, "%c,%lld,%.9g\n", a ? 'x' : 'y', (long long)p, s);
        }
}
