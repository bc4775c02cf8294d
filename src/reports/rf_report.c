/* The per-layer receptive-field report as a table, Markdown or CSV. */
#include <string.h>

#include "cells.h"
#include "graph_private.h"
#include "rf_report.h"

fv_format fv_format_from_name(const char *name)
{
    static const char *const names[FV_FORMAT_COUNT] = {"table", "json", "csv", "md"};
    for (int f = 0; f < FV_FORMAT_COUNT; f++)
        if (strcmp(names[f], name) == 0)
            return (fv_format)f;
    return FV_FORMAT_COUNT;
}

/* Appends " key=value" in the text format's own syntax. */
static void add(char *buf, size_t size, const char *key, const char *value)
{
    size_t n = strlen(buf);
    snprintf(buf + n, size - n, "%s%s=%s", n ? " " : "", key, value);
}

static void fmt_padding(char *buf, size_t size, const int64_t *b, const int64_t *e)
{
    if (b[0] == e[0] && b[1] == e[1])
        fv_fmt_int_pair(buf, size, b[0], b[1]);
    else
        snprintf(buf, size, "%lld,%lld,%lld,%lld", (long long)b[0], (long long)b[1],
                 (long long)e[0], (long long)e[1]);
}

/* What the op does, written as the text format would write it. */
void fv_fmt_geometry(const fv_graph *g, int32_t node, const fv_feature_map *map, char *buf,
                     size_t size)
{
    const fv_params *p = fv_graph_params(g, node);
    char v[64];
    buf[0] = '\0';
    switch (fv_op_kind_of(fv_graph_op(g, node))) {
    case FV_KIND_WINDOW:
    case FV_KIND_WINDOW_T: {
        const fv_window *w = &p->window;
        fv_fmt_int_pair(v, sizeof v, w->kernel[0], w->kernel[1]);
        add(buf, size, "k", v);
        if (w->stride[0] != 1 || w->stride[1] != 1) {
            fv_fmt_int_pair(v, sizeof v, w->stride[0], w->stride[1]);
            add(buf, size, "s", v);
        }
        if (w->dilation[0] != 1 || w->dilation[1] != 1) {
            fv_fmt_int_pair(v, sizeof v, w->dilation[0], w->dilation[1]);
            add(buf, size, "d", v);
        }
        if (w->rule == FV_PAD_EXPLICIT || map) {
            const int64_t *b = map ? map->pad_begin : w->pad_begin;
            const int64_t *e = map ? map->pad_end : w->pad_end;
            if (b[0] || b[1] || e[0] || e[1]) {
                fmt_padding(v, sizeof v, b, e);
                add(buf, size, "p", v);
            }
        } else {
            add(buf, size, "p", w->rule == FV_PAD_VALID ? "valid"
                                : w->rule == FV_PAD_SAME_UPPER ? "same"
                                                               : "same_lower");
        }
        if (w->groups != 1) {
            snprintf(v, sizeof v, "%lld", (long long)w->groups);
            add(buf, size, "g", v);
        }
        if (w->output_padding[0] || w->output_padding[1]) {
            fv_fmt_int_pair(v, sizeof v, w->output_padding[0], w->output_padding[1]);
            add(buf, size, "op", v);
        }
        if (w->ceil_mode) {
            size_t n = strlen(buf);
            snprintf(buf + n, size - n, " ceil");
        }
        break;
    }
    case FV_KIND_RESAMPLE:
        switch (fv_graph_op(g, node)) {
        case FV_OP_RESIZE: {
            const fv_resize *r = &p->resize;
            fv_rational y, x;
            y = (fv_rational){r->scale_num[0], r->scale_den[0]};
            x = (fv_rational){r->scale_num[1], r->scale_den[1]};
            fv_fmt_rational_pair(v, sizeof v, y, x);
            add(buf, size, "f", v);
            add(buf, size, "mode", r->mode == FV_RESIZE_NEAREST ? "nearest"
                                   : r->mode == FV_RESIZE_LINEAR ? "linear"
                                                                 : "cubic");
            if (r->mode == FV_RESIZE_CUBIC && r->cubic_a != -0.75) {
                snprintf(v, sizeof v, "%g", r->cubic_a);
                add(buf, size, "a", v);
            }
            if (r->mode == FV_RESIZE_CUBIC && r->exclude_outside) {
                size_t n = strlen(buf);
                snprintf(buf + n, size - n, " exclude_outside");
            }
            break;
        }
        case FV_OP_DEPTH_TO_SPACE:
        case FV_OP_SPACE_TO_DEPTH:
            snprintf(v, sizeof v, "%lld", (long long)p->block.size);
            add(buf, size, "b", v);
            if (p->block.order == FV_BLOCK_CRD)
                add(buf, size, "mode", "crd");
            break;
        case FV_OP_PAD:
            fmt_padding(v, sizeof v, p->pad.begin, p->pad.end);
            add(buf, size, "p", v);
            break;
        case FV_OP_SLICE:
            for (int a = 0; a < FV_AXES; a++) {
                char start[24] = "", end[24] = "";
                snprintf(start, sizeof start, "%lld", (long long)p->slice.start[a]);
                if (p->slice.end[a] != INT64_MAX)
                    snprintf(end, sizeof end, "%lld", (long long)p->slice.end[a]);
                if (p->slice.step[a] != 1)
                    snprintf(v, sizeof v, "%s:%s:%lld", start, end, (long long)p->slice.step[a]);
                else
                    snprintf(v, sizeof v, "%s:%s", start, end);
                add(buf, size, a == 0 ? "y" : "x", v);
            }
            break;
        default:
            break;
        }
        break;
    default:
        break;
    }
}

static void fmt_rf_size(char *buf, size_t size, const fv_rf *rf)
{
    char v[2][32];
    for (int a = 0; a < FV_AXES; a++) {
        const fv_rf_axis *ax = &rf->axis[a];
        if (ax->size_min == ax->size_max)
            snprintf(v[a], sizeof v[a], "%lld", (long long)ax->size_max);
        else
            snprintf(v[a], sizeof v[a], "%lld-%lld", (long long)ax->size_min, (long long)ax->size_max);
    }
    fv_fmt_pair(buf, size, v[0], v[1]);
}

static void fmt_notes(const fv_graph *g, const fv_rf *rf, char *buf, size_t size)
{
    buf[0] = '\0';
    size_t n;
    if (rf->whole_input)
        snprintf(buf, size, "sees the whole input");
    if (rf->global_context)
        snprintf(buf, size, "also sees the whole input through a global branch");
    if (rf->merge && !rf->aligned) {
        char off[64];
        fv_fmt_rational_pair(off, sizeof off, rf->offset[0], rf->offset[1]);
        n = strlen(buf);
        snprintf(buf + n, size - n, "%smisaligned: '%s' centre off by %s", n ? "; " : "",
                 fv_graph_name(g, rf->diverging), off);
    }
    if (!rf->whole_input && (rf->axis[0].period > 1 || rf->axis[1].period > 1)) {
        char per[64];
        fv_fmt_int_pair(per, sizeof per, rf->axis[0].period, rf->axis[1].period);
        n = strlen(buf);
        snprintf(buf + n, size - n, "%srepeats every %s units", n ? "; " : "", per);
    }
    if (rf->sees_nothing) {
        n = strlen(buf);
        snprintf(buf + n, size - n, "%ssome units see no input", n ? "; " : "");
    }
}

enum { COL_NAME, COL_OP, COL_OUT, COL_GEOM, COL_RF, COL_STRIDE, COL_PAD, COL_CENTRE, COL_ALIGNED,
       COL_OUTSIDE, COL_NOTES, N_COLS };
static const char *const headers[N_COLS] = {"layer", "op", "out", "geometry", "rf", "stride",
                                            "padding", "centre", "aligned", "outside", "notes"};

static void table_row(const fv_graph *g, const fv_trf *t, int32_t node, char cells[][FV_CELL])
{
    const fv_feature_map *map = fv_trf_map(t, node);
    fv_rf rf;
    fv_trf_get(t, node, &rf);
    snprintf(cells[COL_NAME], FV_CELL, "%s", fv_graph_name(g, node));
    snprintf(cells[COL_OP], FV_CELL, "%s", fv_op_name(fv_graph_op(g, node)));
    if (map)
        snprintf(cells[COL_OUT], FV_CELL, "%lldx%lld", (long long)map->size[0], (long long)map->size[1]);
    fv_fmt_geometry(g, node, map, cells[COL_GEOM], FV_CELL);
    snprintf(cells[COL_ALIGNED], FV_CELL, "%s", !rf.merge ? "" : rf.aligned ? "yes" : "no");
    fmt_notes(g, &rf, cells[COL_NOTES], FV_CELL);
    if (rf.whole_input) {
        snprintf(cells[COL_RF], FV_CELL, "whole");
        return;
    }
    fmt_rf_size(cells[COL_RF], FV_CELL, &rf);
    fv_fmt_rational_pair(cells[COL_STRIDE], FV_CELL, rf.axis[0].stride, rf.axis[1].stride);
    fv_fmt_int_pair(cells[COL_PAD], FV_CELL, rf.axis[0].padding, rf.axis[1].padding);
    fv_fmt_rational_pair(cells[COL_CENTRE], FV_CELL, rf.axis[0].centre, rf.axis[1].centre);
    if (map)
        fv_fmt_int_pair(cells[COL_OUTSIDE], FV_CELL, rf.axis[0].outside, rf.axis[1].outside);
}

static const char *const csv_headers[] = {
    "layer", "op", "inputs", "height", "width", "channels", "rf_y_min", "rf_y_max", "rf_x_min",
    "rf_x_max", "stride_y", "stride_x", "padding_y", "padding_x", "centre_y", "centre_x",
    "period_y", "period_x", "path_min_y", "path_max_y", "path_min_x", "path_max_x", "outside_y",
    "outside_x", "whole_input", "global_context", "merge", "aligned", "diverging"};
#define N_CSV (sizeof csv_headers / sizeof csv_headers[0])

static void csv_row(const fv_graph *g, const fv_trf *t, int32_t node, char cells[][FV_CELL])
{
    const fv_feature_map *map = fv_trf_map(t, node);
    fv_rf rf;
    fv_trf_get(t, node, &rf);
    int c = 0;
    snprintf(cells[c++], FV_CELL, "%s", fv_graph_name(g, node));
    snprintf(cells[c++], FV_CELL, "%s", fv_op_name(fv_graph_op(g, node)));
    size_t len = 0;
    for (size_t k = 0; k < fv_graph_n_inputs(g, node) && len < FV_CELL; k++)
        len += (size_t)snprintf(cells[c] + len, FV_CELL - len, "%s%s", k ? " " : "",
                                fv_graph_name(g, fv_graph_input(g, node, k)));
    c++;
    if (map) {
        snprintf(cells[c++], FV_CELL, "%lld", (long long)map->size[0]);
        snprintf(cells[c++], FV_CELL, "%lld", (long long)map->size[1]);
        snprintf(cells[c++], FV_CELL, "%lld", (long long)map->channels);
    } else {
        c += 3;
    }
    if (!rf.whole_input) {
        for (int a = 0; a < FV_AXES; a++) {
            snprintf(cells[c++], FV_CELL, "%lld", (long long)rf.axis[a].size_min);
            snprintf(cells[c++], FV_CELL, "%lld", (long long)rf.axis[a].size_max);
        }
        for (int a = 0; a < FV_AXES; a++)
            fv_fmt_rational(cells[c++], FV_CELL, rf.axis[a].stride);
        for (int a = 0; a < FV_AXES; a++)
            snprintf(cells[c++], FV_CELL, "%lld", (long long)rf.axis[a].padding);
        for (int a = 0; a < FV_AXES; a++)
            fv_fmt_rational(cells[c++], FV_CELL, rf.axis[a].centre);
        for (int a = 0; a < FV_AXES; a++)
            snprintf(cells[c++], FV_CELL, "%lld", (long long)rf.axis[a].period);
        for (int a = 0; a < FV_AXES; a++) {
            fv_fmt_rational(cells[c++], FV_CELL, rf.axis[a].path_min);
            fv_fmt_rational(cells[c++], FV_CELL, rf.axis[a].path_max);
        }
        for (int a = 0; a < FV_AXES; a++)
            if (map)
                snprintf(cells[c], FV_CELL, "%lld", (long long)rf.axis[a].outside), c++;
            else
                c++;
    } else {
        c += 18;
    }
    snprintf(cells[c++], FV_CELL, "%d", rf.whole_input);
    snprintf(cells[c++], FV_CELL, "%d", rf.global_context);
    snprintf(cells[c++], FV_CELL, "%d", rf.merge);
    snprintf(cells[c++], FV_CELL, "%d", rf.aligned);
    snprintf(cells[c++], FV_CELL, "%s", rf.diverging >= 0 ? fv_graph_name(g, rf.diverging) : "");
}

/* Styles of a table row: what a reader should notice. */
static void style_row(const fv_graph *g, const fv_trf *t, int32_t node, fv_grid *grid, size_t r)
{
    fv_rf rf;
    fv_trf_get(t, node, &rf);
    const fv_feature_map *in = fv_trf_map(t, fv_graph_input_node(g));
    if (fv_op_is_pointwise(fv_graph_op(g, node)))
        for (size_t c = 0; c < N_COLS; c++)
            fv_grid_style(grid, r, c, FV_STYLE_DIM);
    if (rf.merge) {
        fv_style st = rf.aligned ? FV_STYLE_GOOD : FV_STYLE_BAD;
        fv_grid_style(grid, r, COL_ALIGNED, st);
        if (!rf.aligned)
            fv_grid_style(grid, r, COL_NOTES, st);
    }
    if (rf.whole_input) {
        fv_grid_style(grid, r, COL_RF, FV_STYLE_WHOLE);
        return;
    }
    if (in && rf.axis[0].size_min >= in->size[0] && rf.axis[1].size_min >= in->size[1])
        fv_grid_style(grid, r, COL_RF, FV_STYLE_WARN);
    if (in && (rf.axis[0].outside || rf.axis[1].outside))
        fv_grid_style(grid, r, COL_OUTSIDE, FV_STYLE_WARN);
}

fv_status fv_rf_grid(const fv_graph *g, const fv_trf *t, const int32_t *nodes, size_t n, int csv,
                     fv_grid *grid, fv_diag *diag)
{
    size_t all = csv ? N_CSV : N_COLS;
    fv_grid full;
    fv_status st = fv_grid_init(&full, n + 1, all, diag);
    if (st != FV_OK)
        return st;
    for (size_t r = 0; r <= n; r++) {
        int32_t node = r == 0 ? -1 : nodes ? nodes[r - 1] : (int32_t)(r - 1);
        char(*row)[FV_CELL] = (char(*)[FV_CELL])fv_grid_cell(&full, r, 0);
        for (size_t c = 0; node < 0 && c < all; c++) {
            snprintf(row[c], FV_CELL, "%s", csv ? csv_headers[c] : headers[c]);
            fv_grid_style(&full, r, c, FV_STYLE_HEADER);
        }
        if (node >= 0 && csv) {
            csv_row(g, t, node, row);
        } else if (node >= 0) {
            table_row(g, t, node, row);
            style_row(g, t, node, &full, r);
        }
    }
    /* A person's table leaves out columns with nothing in them (no merges,
     * no input size); CSV keeps a fixed set of columns for scripts. */
    int keep[N_CSV > N_COLS ? N_CSV : N_COLS];
    size_t cols = 0;
    for (size_t c = 0; c < all; c++) {
        keep[c] = csv || c == COL_NAME || c == COL_OP || c == COL_RF;
        for (size_t r = 1; r <= n && !keep[c]; r++)
            keep[c] = fv_grid_cell(&full, r, c)[0] != '\0';
        cols += keep[c];
    }
    if ((st = fv_grid_init(grid, n + 1, cols, diag)) != FV_OK) {
        fv_grid_free(&full);
        return st;
    }
    for (size_t r = 0; r <= n; r++)
        for (size_t c = 0, k = 0; c < all; c++)
            if (keep[c]) {
                memcpy(fv_grid_cell(grid, r, k), fv_grid_cell(&full, r, c), FV_CELL);
                fv_grid_style(grid, r, k++, fv_grid_style_of(&full, r, c));
            }
    fv_grid_free(&full);
    return FV_OK;
}

fv_status fv_report_rf_ex(const fv_graph *g, const fv_trf *t, const int32_t *nodes, size_t n,
                          fv_format format, const fv_report_options *options, FILE *out,
                          fv_diag *diag)
{
    if (!nodes)
        n = fv_graph_size(g);
    if (format == FV_FORMAT_JSON)
        return fv_report_rf_json(g, t, nodes, n, out, diag);
    fv_grid grid;
    fv_status st = fv_rf_grid(g, t, nodes, n, format == FV_FORMAT_CSV, &grid, diag);
    if (st != FV_OK)
        return st;
    grid.color = options && options->color && format == FV_FORMAT_TABLE;
    fv_grid_write(&grid, format, out);
    fv_grid_free(&grid);
    return FV_OK;
}

fv_status fv_report_rf(const fv_graph *g, const fv_trf *t, const int32_t *nodes, size_t n,
                       fv_format format, FILE *out, fv_diag *diag)
{
    return fv_report_rf_ex(g, t, nodes, n, format, NULL, out, diag);
}
