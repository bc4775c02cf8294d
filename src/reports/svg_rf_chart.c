/* Chart: receptive-field size and effective stride per layer, on log axes,
 * along the depth of the network. Layers on the longest path are joined in
 * one colour, side branches (shortcuts, projections, parallel branches) in
 * another, so that merges read as lines meeting. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graph_private.h"
#include "markup.h"

enum { WIDTH = 960, LEFT = 72, RIGHT = 40, TOP = 58, RF_H = 280, GAP = 46, STRIDE_H = 150,
       BOTTOM = 110 };

/* A panel: a log-scaled vertical axis over [lo, hi] placed at [top, top + h]. */
typedef struct panel {
    double lo, hi, top, h;
    int pow2; /* ticks at powers of two (strides) instead of 1-2-5 decades */
} panel;

static double y_of(const panel *p, double v)
{
    double t = (log(v) - log(p->lo)) / (log(p->hi) - log(p->lo));
    return p->top + p->h * (1 - t);
}

static double x_of(const fv_outline *o, int32_t depth)
{
    double w = WIDTH - LEFT - RIGHT;
    return LEFT + (o->max_depth ? w * depth / o->max_depth : w / 2);
}

static void tick_label(char *buf, size_t size, double v)
{
    if (v >= 1 || !isfinite(1 / v))
        snprintf(buf, size, "%.0f", v);
    else
        snprintf(buf, size, "1/%.0f", 1 / v);
}

static void draw_axis(FILE *out, const panel *p, const char *label)
{
    double right = WIDTH - RIGHT;
    fv_svg_rect(out, LEFT, p->top, right - LEFT, p->h,
                "fill=\"none\" stroke=\"" FV_COLOR_GRID "\"");
    int n = 0;
    for (double v = p->pow2 ? 1.0 / 64 : 1; v <= p->hi * 1.0001 && n < 64; n++) {
        if (v >= p->lo * 0.9999) {
            double y = y_of(p, v);
            char text[32];
            tick_label(text, sizeof text, v);
            fv_svg_line(out, LEFT, y, right, y, "stroke=\"" FV_COLOR_GRID "\" stroke-width=\"1\"");
            fv_svg_text(out, LEFT - 6, y + 4, "text-anchor=\"end\" fill=\"" FV_COLOR_MUTED "\"",
                        "%s", text);
        }
        if (p->pow2) {
            v *= 2;
        } else {
            /* 1, 2, 5, 10, 20, 50, ... */
            double decade = pow(10, floor(log10(v) + 1e-9));
            double m = v / decade;
            v = m < 1.5 ? 2 * decade : m < 3.5 ? 5 * decade : 10 * decade;
        }
    }
    fprintf(out,
            "<text transform=\"translate(20 %.1f) rotate(-90)\" text-anchor=\"middle\" "
            "font-weight=\"600\">",
            p->top + p->h / 2);
    fv_xml_text(out, label);
    fputs("</text>\n", out);
}

typedef struct point {
    double x, y_rf, y_min, y_stride;
    int whole;
} point;

static void draw_edges(FILE *out, const fv_graph *g, const fv_outline *o, const point *pt,
                       int main_only, int stride_panel)
{
    for (size_t s = 0; s < o->n; s++) {
        int32_t v = o->node[s];
        for (size_t i = 0; i < fv_graph_n_inputs(g, v); i++) {
            int32_t in = o->slot[fv_graph_input(g, v, i)];
            int on_main = o->main_path[s] && o->main_path[in] && o->depth[in] + 1 == o->depth[s];
            if (on_main != main_only)
                continue;
            if (stride_panel && (pt[s].whole || pt[in].whole))
                continue;
            double y0 = stride_panel ? pt[in].y_stride : pt[in].y_rf;
            double y1 = stride_panel ? pt[s].y_stride : pt[s].y_rf;
            fv_svg_line(out, pt[in].x, y0, pt[s].x, y1,
                        main_only ? "stroke=\"" FV_COLOR_MAIN "\" stroke-width=\"2.5\""
                                  : "stroke=\"" FV_COLOR_SIDE "\" stroke-width=\"1.3\" "
                                    "stroke-opacity=\"0.85\"");
        }
    }
}

static void tooltip(const fv_graph *g, int32_t v, const fv_rf *rf, char *buf, size_t size)
{
    if (rf->whole_input) {
        snprintf(buf, size, "%s (%s): sees the whole input", fv_graph_name(g, v),
                 fv_op_name(fv_graph_op(g, v)));
        return;
    }
    char stride[32];
    tick_label(stride, sizeof stride, fv_rf_stride(rf));
    snprintf(buf, size, "%s (%s): RF %.0f%s, stride %s%s", fv_graph_name(g, v),
             fv_op_name(fv_graph_op(g, v)), fv_rf_largest(rf),
             fv_rf_smallest(rf) < fv_rf_largest(rf) ? " (varies)" : "", stride,
             rf->merge && !rf->aligned ? ", misaligned merge" : "");
}

static void draw_points(FILE *out, const fv_graph *g, const fv_trf *t, const fv_outline *o,
                        const point *pt, int stride_panel)
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t s = 0; s < o->n; s++) {
            if (o->main_path[s] != pass || (stride_panel && pt[s].whole))
                continue;
            fv_rf rf;
            fv_trf_get(t, o->node[s], &rf);
            char tip[400];
            tooltip(g, o->node[s], &rf, tip, sizeof tip);
            double y = stride_panel ? pt[s].y_stride : pt[s].y_rf;
            if (!stride_panel && pt[s].y_min > y + 1)
                fv_svg_line(out, pt[s].x, pt[s].y_min, pt[s].x, y,
                            "stroke=\"" FV_COLOR_MUTED "\" stroke-width=\"3\" "
                            "stroke-linecap=\"round\" stroke-opacity=\"0.6\"");
            fv_svg_circle(out, pt[s].x, y, pass ? 3.5 : 2.8,
                          pass ? "fill=\"" FV_COLOR_MAIN "\"" : "fill=\"" FV_COLOR_SIDE "\"", tip);
            if (rf.merge && !rf.aligned)
                fv_svg_circle(out, pt[s].x, y, 7,
                              "fill=\"none\" stroke=\"" FV_COLOR_BAD "\" stroke-width=\"2\"", NULL);
        }
}

/* Names under the axis: the longest path's layers where its stride grows,
 * and the last layer, thinned to stay legible. */
static void draw_names(FILE *out, const fv_graph *g, const fv_trf *t, const fv_outline *o,
                       const point *pt, double y)
{
    size_t *pick = malloc(o->n * sizeof *pick);
    if (!pick)
        return;
    size_t n = 0;
    double last_stride = 0;
    for (size_t s = 0; s < o->n; s++) {
        if (!o->main_path[s])
            continue;
        fv_rf rf;
        fv_trf_get(t, o->node[s], &rf);
        double stride = rf.whole_input ? -1 : fv_rf_stride(&rf);
        if (stride != last_stride || o->depth[s] == o->max_depth)
            pick[n++] = s;
        last_stride = stride;
    }
    size_t every = n > 20 ? (n + 19) / 20 : 1;
    double last_x = -100;
    for (size_t k = 0; k < n; k++) {
        size_t s = pick[k];
        int is_last = k + 1 == n;
        if ((k % every && !is_last) || pt[s].x - last_x < 13)
            continue;
        last_x = pt[s].x;
        fv_svg_line(out, pt[s].x, y - 6, pt[s].x, y, "stroke=\"" FV_COLOR_MUTED "\"");
        fprintf(out,
                "<text transform=\"translate(%.1f %.1f) rotate(-40)\" text-anchor=\"end\" "
                "font-size=\"11\" fill=\"" FV_COLOR_MUTED "\">",
                pt[s].x + 3, y + 10);
        char name[160];
        fv_ellipsize(fv_graph_name(g, o->node[s]), 24, name, sizeof name);
        fv_xml_text(out, name);
        fputs("</text>\n", out);
    }
    free(pick);
}

static void draw_legend(FILE *out, int has_image, int has_misaligned, int has_varying)
{
    double x = LEFT, y = 40;
    fv_svg_line(out, x, y, x + 22, y, "stroke=\"" FV_COLOR_MAIN "\" stroke-width=\"2.5\"");
    fv_svg_text(out, x + 28, y + 4, "", "longest path");
    x += 130;
    fv_svg_line(out, x, y, x + 22, y, "stroke=\"" FV_COLOR_SIDE "\" stroke-width=\"1.3\"");
    fv_svg_text(out, x + 28, y + 4, "", "side branches");
    x += 135;
    if (has_varying) {
        fv_svg_line(out, x + 11, y - 7, x + 11, y + 7,
                    "stroke=\"" FV_COLOR_MUTED "\" stroke-width=\"3\" stroke-opacity=\"0.6\"");
        fv_svg_text(out, x + 28, y + 4, "", "RF range over positions");
        x += 190;
    }
    if (has_misaligned) {
        fv_svg_circle(out, x + 11, y, 7, "fill=\"none\" stroke=\"" FV_COLOR_BAD "\" stroke-width=\"2\"",
                      NULL);
        fv_svg_text(out, x + 28, y + 4, "", "misaligned merge");
        x += 145;
    }
    if (has_image) {
        fv_svg_line(out, x, y, x + 22, y,
                    "stroke=\"" FV_COLOR_BAD "\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"");
        fv_svg_text(out, x + 28, y + 4, "", "image size");
    }
}

fv_status fv_svg_rf_chart(const fv_graph *g, const fv_trf *t, int standalone, FILE *out,
                          fv_diag *diag)
{
    fv_outline o;
    fv_status st = fv_outline_build(g, &o, diag);
    if (st != FV_OK)
        return st;
    point *pt = calloc(o.n, sizeof *pt);
    if (!pt) {
        fv_outline_free(&o);
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    }
    const fv_feature_map *in = fv_trf_map(t, fv_graph_input_node(g));
    double image[2] = {in ? (double)in->size[0] : 0, in ? (double)in->size[1] : 0};
    double rf_hi = 1, s_lo = 1, s_hi = 1;
    int any_whole = 0, any_misaligned = 0, any_varying = 0;
    for (size_t s = 0; s < o.n; s++) {
        fv_rf rf;
        fv_trf_get(t, o.node[s], &rf);
        pt[s].whole = rf.whole_input;
        any_whole |= rf.whole_input;
        any_misaligned |= rf.merge && !rf.aligned;
        if (rf.whole_input)
            continue;
        any_varying |= fv_rf_smallest(&rf) < fv_rf_largest(&rf);
        rf_hi = fmax(rf_hi, fv_rf_largest(&rf));
        s_lo = fmin(s_lo, fv_rf_stride(&rf));
        s_hi = fmax(s_hi, fv_rf_stride(&rf));
    }
    rf_hi = fmax(rf_hi, fmax(image[0], image[1]));
    double rf_top = TOP + (any_whole ? 26 : 0);
    panel rf_panel = {1, rf_hi * 1.3, rf_top, RF_H - (rf_top - TOP), 0};
    panel s_panel = {s_lo / 1.4, s_hi * 1.4, TOP + RF_H + GAP, STRIDE_H, 1};
    for (size_t s = 0; s < o.n; s++) {
        fv_rf rf;
        fv_trf_get(t, o.node[s], &rf);
        pt[s].x = x_of(&o, o.depth[s]);
        pt[s].y_rf = rf.whole_input ? TOP + 8 : y_of(&rf_panel, fv_rf_largest(&rf));
        pt[s].y_min = rf.whole_input ? pt[s].y_rf : y_of(&rf_panel, fmax(1, fv_rf_smallest(&rf)));
        pt[s].y_stride = rf.whole_input ? 0 : y_of(&s_panel, fv_rf_stride(&rf));
    }

    double height = s_panel.top + s_panel.h + BOTTOM;
    char title[400];
    snprintf(title, sizeof title, "Receptive field and effective stride per layer: %s",
             fv_graph_source(g)[0] ? fv_graph_source(g) : "network");
    fv_svg_open(out, WIDTH, height, standalone, title);
    fv_svg_text(out, LEFT, 20, "font-size=\"15\" font-weight=\"600\"", "%s", title);
    draw_legend(out, image[0] > 0, any_misaligned, any_varying);
    draw_axis(out, &rf_panel, "RF size (input pixels)");
    draw_axis(out, &s_panel, "effective stride (pixels)");
    if (any_whole) {
        fv_svg_line(out, LEFT, TOP + 8, WIDTH - RIGHT, TOP + 8,
                    "stroke=\"" FV_COLOR_GRID "\" stroke-dasharray=\"2 3\"");
        fv_svg_text(out, LEFT - 6, TOP + 12, "text-anchor=\"end\" fill=\"" FV_COLOR_MUTED "\"",
                    "whole");
    }
    for (int a = 0; a < FV_AXES; a++) {
        if (image[a] <= 0 || (a == 1 && image[1] == image[0]))
            continue;
        double y = y_of(&rf_panel, image[a]);
        fv_svg_line(out, LEFT, y, WIDTH - RIGHT, y,
                    "stroke=\"" FV_COLOR_BAD "\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"");
        fv_svg_text(out, WIDTH - RIGHT - 4, y - 5,
                    "text-anchor=\"end\" fill=\"" FV_COLOR_BAD "\"", "image %s%.0f px",
                    image[0] == image[1] ? "" : a == 0 ? "height " : "width ", image[a]);
    }
    for (int panel_k = 0; panel_k < 2; panel_k++) {
        draw_edges(out, g, &o, pt, 0, panel_k);
        draw_edges(out, g, &o, pt, 1, panel_k);
        draw_points(out, g, t, &o, pt, panel_k);
    }
    /* The RF of the last spatial layer on the longest path, beside it. */
    for (size_t s = o.n; s-- > 0;) {
        fv_rf rf;
        fv_trf_get(t, o.node[s], &rf);
        if (o.main_path[s] && !rf.whole_input) {
            fv_svg_text(out, pt[s].x - 8, pt[s].y_rf - 9,
                        "text-anchor=\"end\" font-weight=\"600\" fill=\"" FV_COLOR_MAIN "\"",
                        "RF %.0f", fv_rf_largest(&rf));
            break;
        }
    }
    double axis_y = s_panel.top + s_panel.h;
    draw_names(out, g, t, &o, pt, axis_y + 6);
    fv_svg_text(out, WIDTH - RIGHT, height - 8, "text-anchor=\"end\" fill=\"" FV_COLOR_MUTED "\"",
                "layers by depth along the longest path from the input (pointwise ops folded); "
                "larger of height and width");
    fv_svg_close(out);
    free(pt);
    fv_outline_free(&o);
    return FV_OK;
}
