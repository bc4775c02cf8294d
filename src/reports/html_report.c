/* fv_report_html: one self-contained page. Inline CSS and SVG only; a
 * Content-Security-Policy forbids anything else, so a page that tried to
 * load a resource would say so in the browser's console. Every string from
 * the model is escaped. */
#include <math.h>
#include <string.h>

#include "cells.h"
#include "graph_private.h"
#include "markup.h"
#include "rf_report.h"

/* What the summary says about the network. */
typedef struct summary {
    const fv_feature_map *in;  /* NULL without an input size */
    int32_t top;               /* the last layer on the longest path that is still spatial */
    int32_t covers;            /* the first on that path whose smallest RF covers the image, or -1 */
    int32_t diagram;           /* the deepest layer on that path the diagram can draw, or -1 */
    size_t layers, merges, misaligned, whole;
} summary;

static void summarise(const fv_graph *g, const fv_trf *t, const fv_outline *o, summary *s)
{
    *s = (summary){.in = fv_trf_map(t, fv_graph_input_node(g)), .top = -1, .covers = -1,
                   .diagram = -1};
    int diagram_open = 1;
    for (size_t k = 0; k < o->n; k++) {
        int32_t v = o->node[k];
        fv_rf rf;
        fv_trf_get(t, v, &rf);
        s->layers += fv_graph_op(g, v) != FV_OP_INPUT;
        s->merges += rf.merge;
        s->misaligned += rf.merge && !rf.aligned;
        s->whole += rf.whole_input;
        if (!o->main_path[k] || rf.whole_input)
            continue;
        s->top = v;
        if (s->covers < 0 && s->in && rf.axis[0].size_min >= s->in->size[0] &&
            rf.axis[1].size_min >= s->in->size[1])
            s->covers = v;
        /* A layer the diagram refuses (a merge, an op it does not draw, too
         * deep or too wide) stays on the walk down from every deeper layer of
         * the path, so the search stops at the first refusal. */
        if (diagram_open && fv_graph_op(g, v) != FV_OP_INPUT) {
            fv_diag ignored;
            fv_diag_init(&ignored);
            if (fv_svg_diagram_check(g, t, v, &ignored) == FV_OK)
                s->diagram = v;
            else
                diagram_open = 0;
        }
    }
}

static void card(FILE *out, const char *tone, const char *key, const char *value, const char *note)
{
    fprintf(out, "<div class=\"card%s%s\"><div class=\"k\">", tone ? " " : "", tone ? tone : "");
    fv_xml_text(out, key);
    fputs("</div><div class=\"v\">", out);
    fv_xml_text(out, value);
    fputs("</div><div class=\"n\">", out);
    fv_xml_text(out, note);
    fputs("</div></div>\n", out);
}

static void write_summary(FILE *out, const fv_graph *g, const fv_trf *t, const summary *s)
{
    char value[160], note[400];
    fputs("<section id=\"summary\"><h2>Summary</h2>\n<div class=\"cards\">\n", out);
    if (s->in) {
        snprintf(value, sizeof value, "%lld \xC3\x97 %lld", (long long)s->in->size[0],
                 (long long)s->in->size[1]);
        card(out, NULL, "input", value, "height \xC3\x97 width in pixels");
    } else {
        card(out, "warn", "input", "size not given",
             "give --input HxW for map sizes and RF against the image");
    }
    snprintf(value, sizeof value, "%zu", s->layers);
    snprintf(note, sizeof note, "%zu nodes in all; %zu merge%s, %zu misaligned", fv_graph_size(g),
             s->merges, s->merges == 1 ? "" : "s", s->misaligned);
    card(out, s->misaligned ? "bad" : NULL, "layers that change the RF", value, note);
    if (s->top >= 0) {
        fv_rf rf;
        fv_trf_get(t, s->top, &rf);
        char size[64], stride[64];
        fv_fmt_int_pair(size, sizeof size, rf.axis[0].size_max, rf.axis[1].size_max);
        fv_fmt_rational_pair(stride, sizeof stride, rf.axis[0].stride, rf.axis[1].stride);
        snprintf(value, sizeof value, "%s px", size);
        const char *tone = NULL;
        if (s->in) {
            double ratio = fmax((double)rf.axis[0].size_max / (double)s->in->size[0],
                                (double)rf.axis[1].size_max / (double)s->in->size[1]);
            snprintf(note, sizeof note, "%s: %.2f\xC3\x97 the image", fv_graph_name(g, s->top),
                     ratio);
            tone = ratio > 1 ? "warn" : "good";
        } else {
            snprintf(note, sizeof note, "%s", fv_graph_name(g, s->top));
        }
        card(out, tone, "top spatial RF", value, note);
        snprintf(note, sizeof note, "input pixels per unit of %s", fv_graph_name(g, s->top));
        card(out, NULL, "effective stride", stride, note);
    }
    if (s->in) {
        if (s->covers >= 0)
            snprintf(note, sizeof note, "from %s on, every unit sees the whole image",
                     fv_graph_name(g, s->covers));
        card(out, s->covers >= 0 ? "warn" : "good", "RF covers the image",
             s->covers >= 0 ? "yes" : "no",
             s->covers >= 0 ? note : "no layer on the longest path sees the whole image");
    }
    fputs("</div>\n</section>\n", out);
}

/* What the frontend had to assume (unknown ops taken as identity,
 * approximated padding): the numbers below rest on it. */
static void write_warnings(FILE *out, const fv_graph *g)
{
    size_t n = fv_graph_n_warnings(g);
    if (n == 0)
        return;
    fputs("<section id=\"warnings\" class=\"warnings\"><h2>Warnings from loading the model"
          "</h2>\n<p class=\"lead\">Every result below that depends on these layers assumes "
          "what the warnings say.</p>\n<ul>\n",
          out);
    for (size_t k = 0; k < n; k++) {
        fputs("<li>", out);
        fv_xml_text(out, fv_graph_warning(g, k));
        fputs("</li>\n", out);
    }
    fputs("</ul>\n</section>\n", out);
}

static fv_status write_charts(FILE *out, const fv_graph *g, const fv_trf *t, const summary *s,
                              fv_diag *diag)
{
    fputs("<section id=\"rf\"><h2>Receptive field along the network</h2>\n<p class=\"lead\">"
          "RF size and effective stride of every layer, on log scales, by depth along the "
          "longest path from the input. Side branches (shortcuts, projections, parallel "
          "branches) are drawn in orange; misaligned merges are ringed in red. Hover a point "
          "for its layer.</p>\n<figure>\n",
          out);
    fv_status st = fv_svg_rf_chart(g, t, 0, out, diag);
    if (st != FV_OK)
        return st;
    fputs("</figure>\n</section>\n", out);

    fputs("<section id=\"diagram\"><h2>What one unit sees</h2>\n", out);
    if (s->diagram >= 0) {
        fputs("<p class=\"lead\">The deepest layer on the longest path that can be drawn unit by "
              "unit, along the width: every unit it depends on, level by level, down to the "
              "input pixels of its receptive field.</p>\n<figure>\n",
              out);
        if ((st = fv_svg_diagram(g, t, s->diagram, 0, out, diag)) != FV_OK)
            return st;
        fputs("</figure>\n", out);
    } else {
        fv_diag why;
        fv_diag_init(&why);
        fv_svg_diagram_check(g, t, s->top >= 0 ? s->top : (int32_t)fv_graph_size(g) - 1, &why);
        fputs("<p class=\"refusal\">No diagram: ", out);
        fv_xml_text(out, why.message);
        fputs(".</p>\n", out);
    }
    fputs("</section>\n", out);

    return FV_OK;
}

static fv_status write_table(FILE *out, const fv_graph *g, const fv_trf *t, fv_diag *diag)
{
    fv_grid grid;
    fv_status st = fv_rf_grid(g, t, NULL, fv_graph_size(g), 0, &grid, diag);
    if (st != FV_OK)
        return st;
    fputs("<section id=\"layers\" class=\"layers\"><h2>Every layer</h2>\n<p class=\"lead\">"
          "rf: receptive-field size (HxW when the axes differ, a range where it varies "
          "between units); stride: input pixels per unit; padding P: unit 0 starts at input "
          "pixel &minus;P; centre: of unit 0; outside: pixels of the middle unit's RF beyond "
          "the image. Grey rows are pointwise layers, which change nothing.</p>\n",
          out);
    fv_html_grid(out, &grid);
    fputs("</section>\n", out);
    fv_grid_free(&grid);
    return FV_OK;
}

static void write_head(FILE *out, const fv_graph *g, const summary *s,
                       const fv_html_options *options)
{
    const char *model = fv_graph_source(g)[0] ? fv_graph_source(g) : "network";
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; img-src data:\">\n<meta name=\"generator\" "
          "content=\"fovea " FV_VERSION "\">\n<title>",
          out);
    fv_xml_textf(out, "Receptive fields: %s", model);
    fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header><h1>Receptive fields "
                 "of <span>",
            fv_html_css);
    fv_xml_text(out, model);
    fputs("</span></h1>\n<p>", out);
    if (s->in)
        fprintf(out, "%lld \xC3\x97 %lld input &middot; ", (long long)s->in->size[0],
                (long long)s->in->size[1]);
    fprintf(out, "%zu layers &middot; theoretical receptive field, exact</p></header>\n", s->layers);
    fputs("<nav><a href=\"#summary\">Summary</a><a href=\"#rf\">RF along the network</a>"
          "<a href=\"#diagram\">What one unit sees</a>",
          out);
    if (options && options->n_erf_nodes)
        fputs("<a href=\"#erf\">Effective RF</a>", out);
    fputs("<a href=\"#checks\">Design checks</a>", out);
    if (s->in && fv_graph_n_heads(g) > 0)
        fputs("<a href=\"#anchors\">Anchors</a>", out);
    fputs("<a href=\"#layers\">Every layer</a></nav>\n<main>\n", out);
}

fv_status fv_report_html(const fv_graph *g, const fv_trf *t, FILE *out, fv_diag *diag)
{
    return fv_report_html_ex(g, t, NULL, out, diag);
}

fv_status fv_report_html_ex(const fv_graph *g, const fv_trf *t, const fv_html_options *options,
                            FILE *out, fv_diag *diag)
{
    fv_outline o;
    fv_status st = fv_outline_build(g, &o, diag);
    if (st != FV_OK)
        return st;
    summary s;
    summarise(g, t, &o, &s);
    fv_outline_free(&o);
    write_head(out, g, &s, options);
    write_summary(out, g, t, &s);
    write_warnings(out, g);
    if ((st = write_charts(out, g, t, &s, diag)) == FV_OK &&
        (st = fv_html_erf(out, g, t, options, diag)) == FV_OK &&
        (st = fv_html_check(out, g, t, diag)) == FV_OK &&
        (st = fv_html_anchors(out, g, t, options && options->erf_anchors, diag)) == FV_OK)
        st = write_table(out, g, t, diag);
    if (st != FV_OK)
        return st;
    fputs("</main>\n<footer>fovea " FV_VERSION " &middot; RF arithmetic after Araujo, Norris "
          "&amp; Sim, Distill 2019</footer>\n</body>\n</html>\n",
          out);
    return FV_OK;
}
