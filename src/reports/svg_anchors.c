/* Chart: every detection head's anchors over the receptive field of its
 * layer, at true scale on the image. One panel per head, all at the same
 * scale, each centred on the cell nearest the image centre, so that anchor
 * sizes can be compared with what the layer sees and with each other. */
#include <math.h>
#include <stdlib.h>

#include "cells.h"
#include "graph_private.h"
#include "markup.h"

enum { COLS = 3, PANEL = 300, PAD = 16, LABEL_H = 54, TOP = 70 };

/* What one panel draws, in input pixels (y, x). */
typedef struct head_view {
    fv_interval trf[FV_AXES];
    double centre[FV_AXES]; /* of the chosen cell's anchors */
    double step[FV_AXES];
    int64_t cells[FV_AXES];
    int64_t unit[FV_AXES];
} head_view;

static fv_status view_of(const fv_trf *t, const fv_head *h, const fv_feature_map *in, head_view *v,
                         fv_diag *diag)
{
    const fv_feature_map *map = fv_trf_map(t, h->node);
    fv_rf rf;
    fv_trf_get(t, h->node, &rf);
    for (int a = 0; a < FV_AXES; a++) {
        v->cells[a] = map->size[a];
        v->unit[a] = (map->size[a] - 1) / 2;
        v->step[a] = h->step[a] > 0 ? h->step[a]
                                    : (double)rf.axis[a].stride.num / (double)rf.axis[a].stride.den;
        v->centre[a] = ((double)v->unit[a] + h->offset) * v->step[a];
        if (rf.whole_input) {
            v->trf[a] = (fv_interval){0, in->size[a] - 1, 0};
            continue;
        }
        fv_status st = fv_trf_unit(t, h->node, a, v->unit[a], &v->trf[a], diag);
        if (st != FV_OK)
            return st;
    }
    return FV_OK;
}

fv_status fv_svg_anchors(const fv_graph *g, const fv_trf *t, const fv_erf_metrics *erf,
                         int standalone, FILE *out, fv_diag *diag)
{
    int32_t input = fv_graph_input_node(g);
    const fv_feature_map *in = fv_trf_map(t, input);
    size_t n = fv_graph_n_heads(g);
    if (!in)
        return fv_diag_set(diag, FV_ERR_USAGE,
                           "the anchors chart needs an input size (--input HxW)");
    if (n == 0)
        return fv_diag_set(diag, FV_ERR_USAGE,
                           "'%s' declares no detection heads (Caffe PriorBox, Darknet [yolo] or "
                           "[region] layers)", fv_graph_source(g));
    head_view *views = calloc(n, sizeof *views);
    if (!views)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    /* One scale for every panel: the image and every head's RF box fit. */
    double lo[FV_AXES] = {0, 0}, hi[FV_AXES] = {(double)in->size[0], (double)in->size[1]};
    for (size_t k = 0; k < n; k++) {
        const fv_head *h = fv_graph_head(g, k);
        fv_status st = view_of(t, h, in, &views[k], diag);
        if (st != FV_OK) {
            free(views);
            return st;
        }
        for (int a = 0; a < FV_AXES; a++) {
            lo[a] = fmin(lo[a], (double)views[k].trf[a].first);
            hi[a] = fmax(hi[a], (double)views[k].trf[a].last + 1);
            for (size_t j = 0; j < h->n_anchors; j++) {
                double half = (a == 0 ? h->anchor_h[j] : h->anchor_w[j]) / 2;
                lo[a] = fmin(lo[a], views[k].centre[a] - half);
                hi[a] = fmax(hi[a], views[k].centre[a] + half);
            }
        }
    }
    double scale = (PANEL - 2 * PAD) / fmax(hi[0] - lo[0], hi[1] - lo[1]);
    size_t cols = n < COLS ? n : COLS, rows = (n + COLS - 1) / COLS;
    double width = (double)cols * PANEL, height = TOP + (double)rows * (PANEL + LABEL_H) + 24;
    char title[400];
    snprintf(title, sizeof title, "Anchors over the receptive field of each detection layer, "
             "%lldx%lld input, true scale", (long long)in->size[0], (long long)in->size[1]);
    fv_svg_open(out, fmax(width, 640), height, standalone, title);
    fv_svg_text(out, PAD, 24, "font-size=\"15\" font-weight=\"600\"", "%s", title);
    fv_svg_rect(out, PAD, 38, 14, 10, "fill=\"#eef1f5\" stroke=\"#9aa5b1\"");
    fv_svg_text(out, PAD + 20, 47, "", "image");
    fv_svg_rect(out, PAD + 80, 38, 14, 10, "fill=\"" FV_COLOR_MAIN "\" fill-opacity=\"0.12\" "
                "stroke=\"" FV_COLOR_MAIN "\" stroke-width=\"2\"");
    fv_svg_text(out, PAD + 100, 47, "", "theoretical RF of the centre cell");
    fv_svg_rect(out, PAD + 320, 38, 14, 10, "fill=\"none\" stroke=\"" FV_COLOR_SIDE "\" "
                "stroke-width=\"1.5\"");
    fv_svg_text(out, PAD + 340, 47, "", "its anchors");
    if (erf) {
        fv_svg_line(out, PAD + 440, 43, PAD + 462, 43, "stroke=\"" FV_COLOR_GOOD "\" "
                    "stroke-width=\"2\" stroke-dasharray=\"5 3\"");
        fv_svg_text(out, PAD + 468, 47, "", "ERF 2-sigma ellipse");
    }
    for (size_t k = 0; k < n; k++) {
        const fv_head *h = fv_graph_head(g, k);
        const head_view *v = &views[k];
        double ox = (double)(k % COLS) * PANEL + PAD - lo[1] * scale;
        double oy = TOP + (double)(k / COLS) * (PANEL + LABEL_H) + PAD - lo[0] * scale;
#define PX(x) (ox + (x) * scale)
#define PY(y) (oy + (y) * scale)
        fv_svg_rect(out, PX(0), PY(0), (double)in->size[1] * scale, (double)in->size[0] * scale,
                    "fill=\"#eef1f5\" stroke=\"#9aa5b1\"");
        if (v->cells[0] <= 48 && v->cells[1] <= 48)
            for (int64_t i = 0; i < v->cells[0]; i++)
                for (int64_t j = 0; j < v->cells[1]; j++)
                    fv_svg_circle(out, PX(((double)j + h->offset) * v->step[1]),
                                  PY(((double)i + h->offset) * v->step[0]), 1.1,
                                  "fill=\"#9aa5b1\"", NULL);
        fv_svg_rect(out, PX((double)v->trf[1].first), PY((double)v->trf[0].first),
                    (double)(v->trf[1].last - v->trf[1].first + 1) * scale,
                    (double)(v->trf[0].last - v->trf[0].first + 1) * scale,
                    "fill=\"" FV_COLOR_MAIN "\" fill-opacity=\"0.12\" stroke=\"" FV_COLOR_MAIN
                    "\" stroke-width=\"2\"");
        double amin = INFINITY, amax = 0;
        for (size_t j = 0; j < h->n_anchors; j++) {
            double w = h->anchor_w[j], ht = h->anchor_h[j];
            amin = fmin(amin, fmin(w, ht));
            amax = fmax(amax, fmax(w, ht));
            fv_svg_rect(out, PX(v->centre[1] - w / 2), PY(v->centre[0] - ht / 2), w * scale,
                        ht * scale, "fill=\"none\" stroke=\"" FV_COLOR_SIDE "\" stroke-width=\"1.5\"");
        }
        fv_svg_circle(out, PX(v->centre[1]), PY(v->centre[0]), 2.5, "fill=\"" FV_COLOR_BAD "\"",
                      NULL);
        if (erf && erf[k].mass > 0 && isfinite(erf[k].sigma[0]) && isfinite(erf[k].sigma[1]))
            fprintf(out,
                    "<ellipse cx=\"%.1f\" cy=\"%.1f\" rx=\"%.1f\" ry=\"%.1f\" fill=\"none\" "
                    "stroke=\"" FV_COLOR_GOOD "\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>\n",
                    PX(erf[k].centre[1] + 0.5), PY(erf[k].centre[0] + 0.5),
                    2 * erf[k].sigma[1] * scale, 2 * erf[k].sigma[0] * scale);
#undef PX
#undef PY
        double lx = (double)(k % COLS) * PANEL + PAD;
        double ly = TOP + (double)(k / COLS) * (PANEL + LABEL_H) + PANEL + 4;
        fv_rf rf;
        fv_trf_get(t, h->node, &rf);
        char stride[48], trf[48];
        fv_fmt_rational_pair(stride, sizeof stride, rf.axis[0].stride, rf.axis[1].stride);
        fv_fmt_int_pair(trf, sizeof trf, v->trf[0].last - v->trf[0].first + 1,
                        v->trf[1].last - v->trf[1].first + 1);
        char name[160];
        fv_ellipsize(fv_graph_name(g, h->node), 28, name, sizeof name);
        fv_svg_text(out, lx, ly, "font-weight=\"600\"", "%s (%s)", name, fv_head_kind_name(h->kind));
        fv_svg_text(out, lx, ly + 16, "font-size=\"11\" fill=\"" FV_COLOR_MUTED "\"",
                    "stride %s, step %.4g, RF %s px", stride, v->step[1], trf);
        fv_svg_text(out, lx, ly + 31, "font-size=\"11\" fill=\"" FV_COLOR_MUTED "\"",
                    "%zu anchor%s, %.0f to %.0f px", h->n_anchors, h->n_anchors == 1 ? "" : "s",
                    amin, amax);
    }
    fv_svg_close(out);
    free(views);
    return FV_OK;
}
