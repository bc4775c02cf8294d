/* The report's tables: any styled grid as HTML, and the sections of the
 * design checks and the anchor analysis (markup.h). Every cell is escaped. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cells.h"
#include "finding_report.h"
#include "graph_private.h"
#include "markup.h"

static const char *const style_class[FV_STYLE_COUNT] = {
    [FV_STYLE_PLAIN] = NULL, [FV_STYLE_HEADER] = NULL, [FV_STYLE_DIM] = NULL,
    [FV_STYLE_BAD] = "bad",  [FV_STYLE_GOOD] = "good", [FV_STYLE_WARN] = "warn",
    [FV_STYLE_WHOLE] = "whole",
};

void fv_html_grid(FILE *out, const fv_grid *grid)
{
    fputs("<div class=\"table-wrap\"><table>\n<thead><tr>", out);
    for (size_t c = 0; c < grid->cols; c++) {
        fputs("<th>", out);
        fv_xml_text(out, fv_grid_text(grid, 0, c));
        fputs("</th>", out);
    }
    fputs("</tr></thead>\n<tbody>\n", out);
    for (size_t r = 1; r < grid->rows; r++) {
        fputs(fv_grid_style_of(grid, r, 0) == FV_STYLE_DIM ? "<tr class=\"dim\">" : "<tr>", out);
        for (size_t c = 0; c < grid->cols; c++) {
            const char *cls = style_class[fv_grid_style_of(grid, r, c)];
            if (cls)
                fprintf(out, "<td class=\"%s\">", cls);
            else
                fputs("<td>", out);
            fv_xml_text(out, fv_grid_text(grid, r, c));
            fputs("</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table></div>\n", out);
}

/* Findings as a table: severity badge, rule, layer, what was found, what to do. */
static void findings(FILE *out, const fv_graph *g, const fv_finding *(*get)(const void *, size_t),
                     const void *result, size_t n)
{
    if (n == 0) {
        fputs("<p class=\"none\">No findings.</p>\n", out);
        return;
    }
    fputs("<div class=\"table-wrap\"><table class=\"findings\">\n<thead><tr><th>severity</th>"
          "<th>rule</th><th>layer</th><th>finding</th><th>what to do</th></tr></thead>\n<tbody>\n",
          out);
    for (size_t k = 0; k < n; k++) {
        const fv_finding *f = get(result, k);
        fprintf(out, "<tr><td><span class=\"badge %s\">%s</span></td><td>%s</td><td>",
                fv_severity_name(f->severity), fv_severity_name(f->severity),
                fv_rule_name(f->rule));
        fv_xml_text(out, f->node >= 0 ? fv_graph_name(g, f->node) : "(network)");
        fputs("</td><td>", out);
        fv_xml_text(out, f->what);
        fputs("</td><td>", out);
        fv_xml_text(out, f->advice);
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody></table></div>\n", out);
}

static const fv_finding *check_finding(const void *c, size_t k) { return fv_check_finding(c, k); }
static const fv_finding *anchors_finding(const void *a, size_t k)
{
    return fv_anchors_finding(a, k);
}

/* The input size the TRF was computed at, or 0, 0. */
static void input_size(const fv_graph *g, const fv_trf *t, int64_t hw[FV_AXES])
{
    const fv_feature_map *in = fv_trf_map(t, fv_graph_input_node(g));
    hw[0] = in ? in->size[0] : 0;
    hw[1] = in ? in->size[1] : 0;
}

static void range_line(FILE *out, const fv_graph *g, const fv_check *c)
{
    fv_input_range r[FV_AXES];
    if (!fv_check_range(c, 0, &r[0]) || !fv_check_range(c, 1, &r[1]))
        return;
    int same = memcmp(&r[0], &r[1], sizeof r[0]) == 0;
    fputs("<p class=\"range\">Productive input resolution (Richter et al.): ", out);
    for (int a = 0; a < (same ? 1 : FV_AXES); a++) {
        fprintf(out, "%s<strong>%lld to %lld</strong>", a ? "; width " : same ? "" : "height ",
                (long long)r[a].lower, (long long)r[a].upper);
        /* Why the range starts where it does: a border layer below it, or
         * a kernel wider than its map (fv_input_range). */
        if (r[a].kernel_fit > r[a].border_rf + 1 && r[a].kernel_node >= 0) {
            fprintf(out, " (below %lld, '", (long long)r[a].kernel_fit);
            fv_xml_text(out, fv_graph_name(g, r[a].kernel_node));
            fputs("' has a kernel wider than its input map", out);
        } else if (r[a].border_node >= 0) {
            fprintf(out, " (at %lld or less, '", (long long)r[a].border_rf);
            fv_xml_text(out, fv_graph_name(g, r[a].border_node));
            fputs("' is a border layer", out);
        } else {
            fputs(" (", out);
        }
        fprintf(out, "; past %lld no layer sees the whole image)", (long long)r[a].upper);
    }
    fputs(".</p>\n", out);
}

fv_status fv_html_check(FILE *out, const fv_graph *g, const fv_trf *t, fv_diag *diag)
{
    fv_check_options options = {{0, 0}, 0};
    input_size(g, t, options.input);
    fv_check *c = NULL;
    fv_status st = fv_check_run(g, &options, &c, diag);
    if (st != FV_OK)
        return st;
    fputs("<section id=\"checks\"><h2>Design checks</h2>\n<p class=\"lead\">What "
          "<code>fovea check</code> finds at this input size: Cao's capacity and top-layer "
          "rule, Richter et al.'s border layers and productive input range, misaligned merges, "
          "SAME padding shifts, maps that vanish or lose border pixels (docs/check.md).</p>\n",
          out);
    range_line(out, g, c);
    findings(out, g, check_finding, c, fv_check_n_findings(c));
    fv_grid grid;
    if ((st = fv_check_grid(g, c, &grid, diag)) == FV_OK) {
        fputs("<details><summary>Per-layer numbers: coverage, capacity, border</summary>\n", out);
        fv_html_grid(out, &grid);
        fputs("</details>\n", out);
        fv_grid_free(&grid);
    }
    fputs("</section>\n", out);
    fv_check_free(c);
    return st;
}

/* The ERF of each head's layer at its centre unit, the anchors chart's cell:
 * random He-normal weights without activations, since path counts overflow
 * float32 deep in a detector. A head whose ERF fails keeps mass 0. */
static fv_erf_metrics *head_erfs(const fv_graph *g, const fv_trf *t)
{
    size_t n = fv_graph_n_heads(g);
    fv_erf_metrics *m = calloc(n, sizeof *m);
    const fv_feature_map *in = fv_trf_map(t, fv_graph_input_node(g));
    fv_erf_options options;
    fv_erf_options_init(&options);
    options.weights = FV_ERF_RANDOM;
    options.linear = 1;
    options.max_memory = (uint64_t)2 << 30;
    options.input_size[0] = in->size[0];
    options.input_size[1] = in->size[1];
    for (size_t k = 0; m && k < n; k++) {
        fv_diag diag;
        fv_diag_init(&diag);
        fv_erf_result *r = NULL;
        if (fv_erf_compute(g, fv_graph_head(g, k)->node, &options, &r, &diag) != FV_OK ||
            fv_erf_metrics_compute(g, r, &m[k], &diag) != FV_OK)
            m[k].mass = 0;
        fv_erf_free(r);
    }
    return m;
}

fv_status fv_html_anchors(FILE *out, const fv_graph *g, const fv_trf *t, int with_erf,
                          fv_diag *diag)
{
    fv_anchors_options options = {.input = {0, 0}};
    input_size(g, t, options.input);
    if (fv_graph_n_heads(g) == 0 || options.input[0] == 0)
        return FV_OK;
    fv_anchors *a = NULL;
    fv_status st = fv_anchors_run(g, &options, &a, diag);
    if (st != FV_OK)
        return st;
    fputs("<section id=\"anchors\"><h2>Anchors against the receptive field</h2>\n"
          "<p class=\"lead\">Each detection layer's anchors, centred on the cell nearest the "
          "image centre, over the theoretical RF of that cell, all at the same true scale; "
          "then what <code>fovea anchors</code> checks: steps against strides, anchor centres "
          "against RF centres, sizes against the RF and S3FD's 4 &times; stride, tiling "
          "density, scale coverage.</p>\n<figure>\n",
          out);
    fv_erf_metrics *erf = with_erf ? head_erfs(g, t) : NULL;
    if (erf)
        fputs("<figcaption>Dashed green: the 2-sigma ellipse of each layer's effective RF at "
              "that cell (random He-normal weights, activations removed, one sample).</figcaption>\n",
              out);
    st = fv_svg_anchors(g, t, erf, 0, out, diag);
    free(erf);
    if (st == FV_OK) {
        fputs("</figure>\n", out);
        fv_grid grid;
        if ((st = fv_anchors_grid(g, a, &grid, diag)) == FV_OK) {
            fv_html_grid(out, &grid);
            fv_grid_free(&grid);
        }
        findings(out, g, anchors_finding, a, fv_anchors_n_findings(a));
        fputs("</section>\n", out);
    }
    fv_anchors_free(a);
    return st;
}
