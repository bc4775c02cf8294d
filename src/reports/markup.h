/* Writers for the picture formats: XML/HTML text escaping, SVG primitives,
 * DOT string escaping, and the layer outline the charts share. */
#ifndef FV_MARKUP_H
#define FV_MARKUP_H

#include <stdio.h>

#include "fovea.h"

/* Writes `s` as XML/HTML character data or attribute text: & < > " ' become
 * entities; bytes that are not valid UTF-8 and control characters that XML
 * forbids become U+FFFD, so a name from a downloaded model cannot break the
 * document or inject markup. */
void fv_xml_text(FILE *out, const char *s);

/* fv_xml_text of a formatted string (cut at 1023 bytes). */
void fv_xml_textf(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes `s` inside a DOT double-quoted string: " and \ escaped, newlines
 * and other control characters replaced, invalid UTF-8 replaced. */
void fv_dot_text(FILE *out, const char *s);

/* SVG primitives. `attrs` is written verbatim after the geometry (colours,
 * widths: constant strings of the caller, never model text). */
void fv_svg_open(FILE *out, double width, double height, int standalone, const char *title);
void fv_svg_close(FILE *out);
void fv_svg_line(FILE *out, double x1, double y1, double x2, double y2, const char *attrs);
void fv_svg_rect(FILE *out, double x, double y, double w, double h, const char *attrs);
/* A circle with an optional tooltip (NULL for none; escaped). */
void fv_svg_circle(FILE *out, double cx, double cy, double r, const char *attrs,
                   const char *tooltip);
/* Text from a format; the formatted result is escaped. */
void fv_svg_text(FILE *out, double x, double y, const char *attrs, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Copies `name` into buf (size bytes), shortened in the middle with an
 * ellipsis when it has more than `max` characters, cutting only between
 * UTF-8 sequences: long layer names must not run into a chart. */
void fv_ellipsize(const char *name, size_t max, char *buf, size_t size);

/* Colours shared by the charts, the DOT graph and the HTML page. */
#define FV_COLOR_MAIN "#1f6fb4"
#define FV_COLOR_SIDE "#e8780c"
#define FV_COLOR_BAD "#c62828"
#define FV_COLOR_GOOD "#2e7d32"
#define FV_COLOR_WARN "#b7791f"
#define FV_COLOR_GRID "#d9dde3"
#define FV_COLOR_INK "#1d2733"
#define FV_COLOR_MUTED "#5f6b7a"

/* The layers a picture shows: the input and every node that changes what a
 * unit sees (pointwise ops fold into their input), each with its depth along
 * the longest path from the input and whether it lies on that path. */
typedef struct fv_outline {
    size_t n;          /* kept nodes, in topological order */
    int32_t *node;     /* n graph indices */
    int32_t *depth;    /* n depths; the input has 0 */
    unsigned char *main_path; /* n flags: on the longest input-to-output path */
    int32_t *slot;     /* per graph node: its kept node's position in `node` */
    int32_t max_depth;
} fv_outline;

fv_status fv_outline_build(const fv_graph *g, fv_outline *o, fv_diag *diag);
void fv_outline_free(fv_outline *o);

/* Largest RF of a node over both axes and all positions; its smallest; its
 * effective stride as a number (the larger axis). */
double fv_rf_largest(const fv_rf *rf);
double fv_rf_smallest(const fv_rf *rf);
double fv_rf_stride(const fv_rf *rf);

/* The charts, drawn into `out` (standalone: with the XML declaration). */
fv_status fv_svg_rf_chart(const fv_graph *g, const fv_trf *t, int standalone, FILE *out,
                          fv_diag *diag);
/* Checks that the diagram of `node` can be drawn, without writing anything. */
fv_status fv_svg_diagram_check(const fv_graph *g, const fv_trf *t, int32_t node, fv_diag *diag);
fv_status fv_svg_diagram(const fv_graph *g, const fv_trf *t, int32_t node, int standalone,
                         FILE *out, fv_diag *diag);
/* `erf`: NULL, or per head the ERF metrics of its layer's centre unit (mass
 * 0 when unknown), drawn as the 2-sigma ellipse around the centre of mass. */
fv_status fv_svg_anchors(const fv_graph *g, const fv_trf *t, const fv_erf_metrics *erf,
                         int standalone, FILE *out, fv_diag *diag);

/* Writes `n` bytes as a data: URI of type `mime`, base64-encoded (data_uri.c). */
void fv_write_data_uri(FILE *out, const char *mime, const unsigned char *data, size_t n);

/* HTML pieces of the report (html_tables.c). */
struct fv_grid;

/* A styled grid as an HTML table: row 0 the header, faint rows greyed,
 * styled cells classed bad, good, warn or whole. */
void fv_html_grid(FILE *out, const struct fv_grid *grid);

/* The design checks (fovea check) at the TRF's input size: the productive
 * input range, the findings and the per-layer numbers. */
fv_status fv_html_check(FILE *out, const fv_graph *g, const fv_trf *t, fv_diag *diag);

/* The anchor analysis (fovea anchors) of a model with detection heads: the
 * anchors chart, the per-layer table and the findings; nothing without heads. */
fv_status fv_html_anchors(FILE *out, const fv_graph *g, const fv_trf *t, int with_erf,
                          fv_diag *diag);

/* ERF heatmaps of the chosen layers (html_erf.c); nothing when none are chosen. */
fv_status fv_html_erf(FILE *out, const fv_graph *g, const fv_trf *t,
                      const fv_html_options *options, fv_diag *diag);

/* The HTML report's stylesheet (html_style.c). */
extern const char fv_html_css[];

#endif
