/* fovea check's report: per-layer numbers, the productive input range and
 * the findings, as a table, Markdown, CSV (layers only) or JSON. */
#include <stdlib.h>
#include <string.h>

#include "cells.h"
#include "finding_report.h"
#include "graph_private.h"

enum { C_NAME, C_OP, C_RF, C_PMIN, C_PMAX, C_COVER, C_REAL, C_CAP, C_BORDER, N_C };
static const char *const headers[N_C] = {"layer",    "op",          "rf",       "path min", "path max",
                                         "coverage", "real filter", "capacity", "border"};

static void layer_row(const fv_graph *g, const fv_check_layer *l, char row[][FV_CELL])
{
    snprintf(row[C_NAME], FV_CELL, "%s", fv_graph_name(g, l->node));
    snprintf(row[C_OP], FV_CELL, "%s", fv_op_name(fv_graph_op(g, l->node)));
    if (l->whole_input) {
        snprintf(row[C_RF], FV_CELL, "whole");
        return;
    }
    fv_fmt_int_pair(row[C_RF], FV_CELL, l->rf[0], l->rf[1]);
    fv_fmt_rational_pair(row[C_PMIN], FV_CELL, l->path_min[0], l->path_min[1]);
    fv_fmt_rational_pair(row[C_PMAX], FV_CELL, l->path_max[0], l->path_max[1]);
    fv_fmt_percent_pair(row[C_COVER], FV_CELL, l->coverage[0], l->coverage[1]);
    if (l->real_filter[0] > 0) {
        fv_fmt_num_pair(row[C_REAL], FV_CELL, l->real_filter[0], l->real_filter[1]);
        char a[32], b[32];
        snprintf(a, sizeof a, "%.3f", l->capacity[0]);
        snprintf(b, sizeof b, "%.3f", l->capacity[1]);
        fv_fmt_pair(row[C_CAP], FV_CELL, a, b);
    }
    snprintf(row[C_BORDER], FV_CELL, "%s", l->border ? "yes" : "");
}

fv_status fv_check_grid(const fv_graph *g, const fv_check *c, fv_grid *grid, fv_diag *diag)
{
    size_t n = fv_check_n_layers(c);
    fv_status st = fv_grid_init_header(grid, n + 1, headers, N_C, diag);
    if (st != FV_OK)
        return st;
    for (size_t r = 0; r < n; r++) {
        const fv_check_layer *l = fv_check_layer_at(c, r);
        layer_row(g, l, (char(*)[FV_CELL])fv_grid_cell(grid, r + 1, 0));
        if (fv_op_is_pointwise(fv_graph_op(g, l->node)))
            for (int k = 0; k < N_C; k++)
                fv_grid_style(grid, r + 1, k, FV_STYLE_DIM);
        if (l->whole_input)
            fv_grid_style(grid, r + 1, C_RF, FV_STYLE_WHOLE);
        if (l->coverage[0] > 1 || l->coverage[1] > 1)
            fv_grid_style(grid, r + 1, C_COVER, FV_STYLE_WARN);
        if (l->border)
            fv_grid_style(grid, r + 1, C_BORDER, FV_STYLE_BAD);
    }
    return FV_OK;
}

static fv_status write_layers(const fv_graph *g, const fv_check *c, fv_format format, int color,
                              FILE *out, fv_diag *diag)
{
    fv_grid grid;
    fv_status st = fv_check_grid(g, c, &grid, diag);
    if (st != FV_OK)
        return st;
    grid.color = color;
    fv_grid_write(&grid, format, out);
    fv_grid_free(&grid);
    return FV_OK;
}

static const char *node_name(const fv_graph *g, int32_t node)
{
    return node >= 0 ? fv_graph_name(g, node) : "-";
}

static void write_range(const fv_graph *g, const fv_check *c, fv_format format, FILE *out)
{
    static const char axis[FV_AXES] = {'y', 'x'};
    fv_input_range r[FV_AXES];
    if (!fv_check_range(c, 0, &r[0]) || !fv_check_range(c, 1, &r[1]))
        return;
    int md = format == FV_FORMAT_MD;
    fputs(md ? "\n## Productive input resolution (Richter et al.)\n\n"
             : "\nproductive input resolution (Richter et al.):\n",
          out);
    for (int a = 0; a < FV_AXES; a++) {
        if (a == 1 && memcmp(&r[0], &r[1], sizeof r[0]) == 0)
            break;
        fprintf(out, "%s%c: %lld to %lld; border layers up to %lld ('%s'), kernel fit %lld "
                     "('%s'), largest RF %lld ('%s')\n",
                md ? "- " : "  ", axis[a], (long long)r[a].lower, (long long)r[a].upper,
                (long long)r[a].border_rf, node_name(g, r[a].border_node),
                (long long)r[a].kernel_fit, node_name(g, r[a].kernel_node), (long long)r[a].upper,
                node_name(g, r[a].upper_node));
    }
}

static fv_status collect(const fv_check *c, const fv_finding ***fs, fv_diag *diag)
{
    size_t n = fv_check_n_findings(c);
    *fs = malloc((n ? n : 1) * sizeof **fs);
    if (!*fs)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < n; k++)
        (*fs)[k] = fv_check_finding(c, k);
    return FV_OK;
}

static cJSON *layer_json(const fv_graph *g, const fv_check_layer *l)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", fv_graph_name(g, l->node));
    cJSON_AddStringToObject(o, "op", fv_op_name(fv_graph_op(g, l->node)));
    cJSON_AddBoolToObject(o, "whole_input", l->whole_input);
    if (l->whole_input)
        return o;
    static const char *const axes[FV_AXES] = {"y", "x"};
    for (int a = 0; a < FV_AXES; a++) {
        cJSON *ax = cJSON_AddObjectToObject(o, axes[a]);
        cJSON_AddNumberToObject(ax, "rf", (double)l->rf[a]);
        cJSON_AddNumberToObject(ax, "path_min", (double)l->path_min[a].num / (double)l->path_min[a].den);
        cJSON_AddNumberToObject(ax, "path_max", (double)l->path_max[a].num / (double)l->path_max[a].den);
        if (l->coverage[a] > 0)
            cJSON_AddNumberToObject(ax, "coverage", l->coverage[a]);
        if (l->real_filter[a] > 0) {
            cJSON_AddNumberToObject(ax, "real_filter", l->real_filter[a]);
            cJSON_AddNumberToObject(ax, "capacity", l->capacity[a]);
        }
    }
    cJSON_AddBoolToObject(o, "border", l->border);
    return o;
}

static fv_status write_json(const fv_graph *g, const fv_check *c, const fv_finding **fs, FILE *out,
                            fv_diag *diag)
{
    cJSON *doc = cJSON_CreateObject();
    if (!doc)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    cJSON_AddStringToObject(doc, "model", fv_graph_source(g));
    int64_t hw[FV_AXES];
    fv_check_input(c, hw);
    if (hw[0] > 0) {
        cJSON *size = cJSON_AddArrayToObject(doc, "input_size");
        cJSON_AddItemToArray(size, cJSON_CreateNumber((double)hw[0]));
        cJSON_AddItemToArray(size, cJSON_CreateNumber((double)hw[1]));
    }
    fv_input_range r;
    if (fv_check_range(c, 0, &r)) {
        cJSON *range = cJSON_AddObjectToObject(doc, "input_range");
        static const char *const axes[FV_AXES] = {"y", "x"};
        for (int a = 0; a < FV_AXES && fv_check_range(c, a, &r); a++) {
            cJSON *ax = cJSON_AddObjectToObject(range, axes[a]);
            cJSON_AddNumberToObject(ax, "lower", (double)r.lower);
            cJSON_AddNumberToObject(ax, "upper", (double)r.upper);
            cJSON_AddNumberToObject(ax, "border_rf", (double)r.border_rf);
            cJSON_AddStringToObject(ax, "border_layer", node_name(g, r.border_node));
            cJSON_AddNumberToObject(ax, "kernel_fit", (double)r.kernel_fit);
            cJSON_AddStringToObject(ax, "kernel_layer", node_name(g, r.kernel_node));
            cJSON_AddStringToObject(ax, "upper_layer", node_name(g, r.upper_node));
        }
    }
    cJSON *layers = cJSON_AddArrayToObject(doc, "layers");
    for (size_t k = 0; k < fv_check_n_layers(c); k++)
        cJSON_AddItemToArray(layers, layer_json(g, fv_check_layer_at(c, k)));
    cJSON_AddItemToObject(doc, "findings", fv_findings_json(g, fs, fv_check_n_findings(c)));
    return fv_json_emit(doc, out, diag);
}

fv_status fv_report_check(const fv_graph *g, const fv_check *c, fv_format format, FILE *out,
                          fv_diag *diag)
{
    return fv_report_check_ex(g, c, format, NULL, out, diag);
}

fv_status fv_report_check_ex(const fv_graph *g, const fv_check *c, fv_format format,
                             const fv_report_options *options, FILE *out, fv_diag *diag)
{
    int color = options && options->color && format == FV_FORMAT_TABLE;
    const fv_finding **fs;
    fv_status st = collect(c, &fs, diag);
    if (st != FV_OK)
        return st;
    if (format == FV_FORMAT_JSON) {
        st = write_json(g, c, fs, out, diag);
    } else if (format == FV_FORMAT_CSV) {
        st = write_layers(g, c, format, color, out, diag);
    } else {
        if (format == FV_FORMAT_MD)
            fputs("## Layers\n\n", out);
        if (fv_check_n_layers(c))
            st = write_layers(g, c, format, color, out, diag);
        write_range(g, c, format, out);
        fputs(format == FV_FORMAT_MD ? "\n## Findings\n\n" : "\nfindings:\n", out);
        fv_write_findings(g, fs, fv_check_n_findings(c), format, color, out);
    }
    free(fs);
    return st;
}
