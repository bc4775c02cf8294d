/* Chart: the classic picture of stacked convolutions along one axis. Each
 * layer is a row of units placed at the centre of what they see; lines run
 * from one unit of the top layer down through every unit it reads, level by
 * level, to the input pixels of its receptive field. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cells.h"
#include "graph_private.h"
#include "markup.h"
#include "rf_report.h"

enum { WIDTH = 960, LABEL_W = 230, RIGHT = 24, ROW_H = 74, TOP = 64, BOTTOM = 40, MARGIN_PX = 2,
       MAX_PIXELS = 160 };
#define AXIS FV_AXIS_X

/* The chain from the input up to the top layer: levels[0] is the input. */
typedef struct chain {
    int32_t levels[FV_DIAGRAM_MAX_LAYERS + 1];
    int n; /* levels, input included */
} chain;

static fv_status find_chain(const fv_graph *g, const fv_trf *t, int32_t node, chain *c,
                            fv_diag *diag)
{
    int32_t rev[FV_DIAGRAM_MAX_LAYERS + 1];
    int n = 0, layers = 0;
    const char *top = fv_graph_name(g, node);
    for (int32_t v = node;;) {
        fv_op op = fv_graph_op(g, v);
        size_t n_in = fv_graph_n_inputs(g, v);
        fv_op_kind kind = fv_op_kind_of(op);
        if (kind == FV_KIND_INPUT) {
            rev[n++] = v;
            break;
        }
        if (n_in != 1)
            return fv_diag_node(diag, g, v, FV_ERR_UNSUPPORTED,
                                "it merges %zu inputs, and the diagram draws a chain of layers; "
                                "choose a layer below it (--layer NAME)",
                                n_in);
        if (kind == FV_KIND_WINDOW) {
            if (++layers > FV_DIAGRAM_MAX_LAYERS)
                return fv_diag_set(diag, FV_ERR_UNSUPPORTED,
                                   "'%s' is more than %d convolution or pooling layers deep; the "
                                   "diagram stays readable up to %d (choose a lower layer with "
                                   "--layer NAME)",
                                   top, FV_DIAGRAM_MAX_LAYERS, FV_DIAGRAM_MAX_LAYERS);
            rev[n++] = v;
        } else if (kind != FV_KIND_POINTWISE) {
            return fv_diag_node(diag, g, v, FV_ERR_UNSUPPORTED,
                                "the diagram draws convolutions and pools, not %s; choose a layer "
                                "below it (--layer NAME)",
                                fv_op_name(op));
        }
        v = fv_graph_input(g, v, 0);
    }
    if (layers == 0)
        return fv_diag_set(diag, FV_ERR_UNSUPPORTED,
                           "'%s' has no convolution or pooling layer below it to draw", top);
    fv_rf rf;
    fv_trf_get(t, node, &rf);
    if (rf.axis[AXIS].size_max > MAX_PIXELS)
        return fv_diag_set(diag, FV_ERR_UNSUPPORTED,
                           "'%s' sees %lld pixels across; the diagram draws at most %d one by one "
                           "(choose a lower layer with --layer NAME)",
                           top, (long long)rf.axis[AXIS].size_max, MAX_PIXELS);
    c->n = n;
    for (int k = 0; k < n; k++)
        c->levels[k] = rev[n - 1 - k];
    return FV_OK;
}

fv_status fv_svg_diagram_check(const fv_graph *g, const fv_trf *t, int32_t node, fv_diag *diag)
{
    chain c;
    return find_chain(g, t, node < 0 ? (int32_t)fv_graph_size(g) - 1 : node, &c, diag);
}

static double rational(fv_rational r) { return (double)r.num / (double)r.den; }

/* One row: the units whose centres fall in the drawn window, and which of
 * them the top unit reads. */
typedef struct row {
    int64_t first, count;  /* units first..first+count-1 may be drawn */
    unsigned char *seen;
    double centre0, stride;
} row;

static const fv_window *window_of(const fv_graph *g, int32_t v) { return &fv_graph_params(g, v)->window; }

static int64_t pad_begin(const fv_graph *g, const fv_trf *t, int32_t v)
{
    const fv_feature_map *map = fv_trf_map(t, v);
    return map ? map->pad_begin[AXIS] : window_of(g, v)->pad_begin[AXIS];
}

static void row_label(FILE *out, const fv_graph *g, const fv_trf *t, int32_t v, double y)
{
    fv_rf rf;
    fv_trf_get(t, v, &rf);
    char geometry[128] = "", stride[32];
    if (fv_graph_op(g, v) != FV_OP_INPUT)
        fv_fmt_geometry(g, v, fv_trf_map(t, v), geometry, sizeof geometry);
    fv_fmt_rational(stride, sizeof stride, rf.axis[AXIS].stride);
    char name[160];
    fv_ellipsize(fv_graph_name(g, v), 28, name, sizeof name);
    fv_svg_text(out, 16, y - 3, "font-weight=\"600\"", "%s", name);
    fv_svg_text(out, 16, y + 13, "font-size=\"11\" fill=\"" FV_COLOR_MUTED "\"", "%s%s%s",
                fv_op_name(fv_graph_op(g, v)), geometry[0] ? " " : "", geometry);
    fv_svg_text(out, 16, y + 27, "font-size=\"11\" fill=\"" FV_COLOR_MUTED "\"",
                "RF %lld, stride %s", (long long)rf.axis[AXIS].size_max, stride);
}

fv_status fv_svg_diagram(const fv_graph *g, const fv_trf *t, int32_t node, int standalone,
                         FILE *out, fv_diag *diag)
{
    if (node < 0)
        node = (int32_t)fv_graph_size(g) - 1;
    chain c;
    fv_status st = find_chain(g, t, node, &c, diag);
    if (st != FV_OK)
        return st;
    fv_rf top_rf;
    fv_trf_get(t, node, &top_rf);
    const fv_rf_axis *ta = &top_rf.axis[AXIS];
    /* The top unit: the first whose receptive field starts at pixel MARGIN_PX
     * or later, so that real pixels and units show on both sides of it. */
    int64_t S = ta->stride.num / ta->stride.den;
    int64_t top = (ta->padding + MARGIN_PX + S - 1) / S;
    int64_t first = -ta->padding + top * S, rf_size = ta->size_max;
    double lo = (double)first - MARGIN_PX, hi = (double)(first + rf_size - 1 + MARGIN_PX);
    double px = (WIDTH - LABEL_W - RIGHT) / (hi - lo + 1);
    double radius = fmin(7, px * 0.36);

    row rows[FV_DIAGRAM_MAX_LAYERS + 1] = {{0}};
    for (int l = 0; l < c.n; l++) {
        fv_rf rf;
        fv_trf_get(t, c.levels[l], &rf);
        rows[l].centre0 = rational(rf.axis[AXIS].centre);
        rows[l].stride = rational(rf.axis[AXIS].stride);
        /* Only units centred inside the window: a huge padding costs nothing. */
        double from = ceil((lo - 0.5 - rows[l].centre0) / rows[l].stride);
        rows[l].first = from > 0 ? (int64_t)from : 0;
        rows[l].count = (int64_t)floor((hi + 0.5 - rows[l].centre0) / rows[l].stride) + 1 -
                        rows[l].first;
        if (rows[l].count < 1)
            rows[l].count = 1;
        rows[l].seen = calloc((size_t)rows[l].count, 1);
        if (!rows[l].seen) {
            for (int k = 0; k < l; k++)
                free(rows[k].seen);
            return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
        }
    }
#define INSIDE(l, i) ((i) >= rows[l].first && (i) < rows[l].first + rows[l].count)
#define SEEN(l, i) (rows[l].seen[(i) - rows[l].first])
    double height = TOP + ROW_H * (c.n - 1) + BOTTOM + 20;
    char title[400];
    snprintf(title, sizeof title, "What one unit of %s sees: %d layers along the width",
             fv_graph_name(g, node), c.n - 1);
    fv_svg_open(out, WIDTH, height, standalone, title);
    fv_svg_text(out, 16, 24, "font-size=\"15\" font-weight=\"600\"", "%s", title);
    fv_svg_text(out, 16, 42, "fill=\"" FV_COLOR_MUTED "\"",
                "filled: units the top unit depends on; lines: the inputs each of them reads");
#define X(l, i) (LABEL_W + (rows[l].centre0 + (double)(i) * rows[l].stride - lo + 0.5) * px)
#define Y(l) (TOP + 10 + ROW_H * (double)(c.n - 1 - (l)))
    /* Down from the top unit: mark what each level reads and draw the reads. */
    SEEN(c.n - 1, top) = 1;
    for (int l = c.n - 1; l > 0; l--) {
        const fv_window *w = window_of(g, c.levels[l]);
        int64_t p = pad_begin(g, t, c.levels[l]);
        for (int64_t j = rows[l].first; j < rows[l].first + rows[l].count; j++)
            for (int64_t k = 0; SEEN(l, j) && k < w->kernel[AXIS]; k++) {
                int64_t i = j * w->stride[AXIS] - p + k * w->dilation[AXIS];
                if (!INSIDE(l - 1, i))
                    continue;
                SEEN(l - 1, i) = 1;
                fv_svg_line(out, X(l, j), Y(l) + radius, X(l - 1, i), Y(l - 1) - radius,
                            "stroke=\"" FV_COLOR_MAIN "\" stroke-opacity=\"0.55\" "
                            "stroke-width=\"1.2\"");
            }
    }
    for (int l = 0; l < c.n; l++) {
        fv_svg_line(out, LABEL_W - 8, Y(l), WIDTH - RIGHT, Y(l),
                    "stroke=\"" FV_COLOR_GRID "\" stroke-width=\"1\"");
        row_label(out, g, t, c.levels[l], Y(l) - 6);
        for (int64_t i = rows[l].first; i < rows[l].first + rows[l].count; i++) {
            double x = X(l, i);
            if (x < LABEL_W - radius || x > WIDTH - RIGHT + radius)
                continue;
            const char *style = l == c.n - 1 && i == top
                                    ? "fill=\"" FV_COLOR_BAD "\" stroke=\"" FV_COLOR_BAD "\""
                                : SEEN(l, i)
                                    ? "fill=\"" FV_COLOR_MAIN "\" stroke=\"" FV_COLOR_MAIN "\""
                                    : "fill=\"#ffffff\" stroke=\"#9aa5b1\" stroke-width=\"1.2\"";
            char tip[300];
            snprintf(tip, sizeof tip, "%s unit %lld", fv_graph_name(g, c.levels[l]), (long long)i);
            fv_svg_circle(out, x, Y(l), radius, style, tip);
        }
    }
    /* A bracket under the input pixels the top unit sees. */
    double y = Y(0) + radius + 10;
    double x0 = X(0, first) - px / 2, x1 = X(0, first + rf_size - 1) + px / 2;
    fv_svg_line(out, x0, y, x1, y, "stroke=\"" FV_COLOR_BAD "\" stroke-width=\"2\"");
    fv_svg_line(out, x0, y - 5, x0, y, "stroke=\"" FV_COLOR_BAD "\" stroke-width=\"2\"");
    fv_svg_line(out, x1, y - 5, x1, y, "stroke=\"" FV_COLOR_BAD "\" stroke-width=\"2\"");
    fv_svg_text(out, (x0 + x1) / 2, y + 18, "text-anchor=\"middle\" fill=\"" FV_COLOR_BAD "\" "
                "font-weight=\"600\"", "receptive field: %lld input pixels (%lld..%lld)",
                (long long)rf_size, (long long)first, (long long)(first + rf_size - 1));
#undef X
#undef Y
#undef INSIDE
#undef SEEN
    fv_svg_close(out);
    for (int l = 0; l < c.n; l++)
        free(rows[l].seen);
    return FV_OK;
}
