/* fv_report_dot: the graph in Graphviz DOT. Every node carries its op, RF
 * and effective stride; merges say whether their branches are aligned, and
 * the edge of a diverging branch is drawn in red. With an input size, nodes
 * are coloured by fovea check's verdict: productive, RF covering the image,
 * or a border layer that Richter et al. predict to be unproductive. */
#include <stdlib.h>

#include "cells.h"
#include "graph_private.h"
#include "markup.h"
#include "rf_report.h"

/* Fill colours; the legend in the graph label names them. */
#define FILL_INSIDE "#e3f2e5"  /* RF smaller than the image */
#define FILL_COVERS "#fdecc8"  /* the smallest RF already covers the image */
#define FILL_WHOLE "#e6e9ee"   /* sees the whole input (global pool, FC) */
#define FILL_BORDER "#f5c6c6"  /* a border layer: predicted unproductive */

static const char *fill_of(const fv_rf *rf, const fv_feature_map *in, int unproductive)
{
    if (rf->whole_input)
        return FILL_WHOLE;
    if (!in)
        return "#ffffff";
    if (unproductive)
        return FILL_BORDER;
    for (int a = 0; a < FV_AXES; a++)
        if (rf->axis[a].size_min < in->size[a])
            return FILL_INSIDE;
    return FILL_COVERS;
}

static void node_label(FILE *out, const fv_graph *g, const fv_trf *t, int32_t v, const fv_rf *rf)
{
    char geometry[128], text[160];
    fv_fmt_geometry(g, v, fv_trf_map(t, v), geometry, sizeof geometry);
    fv_dot_text(out, fv_graph_name(g, v));
    fputs("\\n", out);
    snprintf(text, sizeof text, "%s%s%s", fv_op_name(fv_graph_op(g, v)), geometry[0] ? " " : "",
             geometry);
    fv_dot_text(out, text);
    fputs("\\n", out);
    if (rf->whole_input) {
        fputs("RF whole input", out);
    } else {
        char size[64], stride[64];
        int64_t lo0 = rf->axis[0].size_min, hi0 = rf->axis[0].size_max;
        int64_t lo1 = rf->axis[1].size_min, hi1 = rf->axis[1].size_max;
        if (lo0 == hi0 && lo1 == hi1)
            fv_fmt_int_pair(size, sizeof size, hi0, hi1);
        else
            snprintf(size, sizeof size, "%lld-%lld x %lld-%lld", (long long)lo0, (long long)hi0,
                     (long long)lo1, (long long)hi1);
        fv_fmt_rational_pair(stride, sizeof stride, rf->axis[0].stride, rf->axis[1].stride);
        fprintf(out, "RF %s, stride %s", size, stride);
    }
    if (rf->merge) {
        if (rf->aligned) {
            fputs("\\naligned", out);
        } else {
            char off[64];
            fv_fmt_rational_pair(off, sizeof off, rf->offset[0], rf->offset[1]);
            fputs("\\nmisaligned: ", out);
            fv_dot_text(out, fv_graph_name(g, rf->diverging));
            fprintf(out, " off by %s", off);
        }
    }
}

/* Per node: predicted unproductive at this input size. fovea check marks
 * the border convolutions; a pool, merge or pointwise op that reads only
 * unproductive nodes repeats their verdict (docs/check.md). */
static fv_status unproductive_nodes(const fv_graph *g, const fv_feature_map *in,
                                    unsigned char *bad, fv_diag *diag)
{
    size_t n = fv_graph_size(g);
    fv_check_options options = {{in->size[0], in->size[1]}, 0};
    fv_check *c = NULL;
    int32_t *order = malloc(n * sizeof *order);
    if (!order)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    fv_status st = fv_check_run(g, &options, &c, diag);
    if (st == FV_OK)
        st = fv_graph_topo_order(g, order, diag);
    for (size_t k = 0; st == FV_OK && k < fv_check_n_layers(c); k++) {
        const fv_check_layer *l = fv_check_layer_at(c, k);
        bad[l->node] = (unsigned char)l->border;
    }
    for (size_t k = 0; st == FV_OK && k < n; k++) {
        int32_t v = order[k];
        size_t n_in = fv_graph_n_inputs(g, v);
        if (fv_graph_op(g, v) == FV_OP_CONV || n_in == 0)
            continue;
        int all = 1;
        for (size_t i = 0; i < n_in; i++)
            all &= bad[fv_graph_input(g, v, i)];
        bad[v] = (unsigned char)all;
    }
    fv_check_free(c);
    free(order);
    return st;
}

fv_status fv_report_dot(const fv_graph *g, const fv_trf *t, FILE *out, fv_diag *diag)
{
    const fv_feature_map *in = fv_trf_map(t, fv_graph_input_node(g));
    unsigned char *bad = calloc(fv_graph_size(g) + 1, 1);
    if (!bad)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    if (in) {
        fv_status st = unproductive_nodes(g, in, bad, diag);
        if (st != FV_OK) {
            free(bad);
            return st;
        }
    }
    fputs("digraph fovea {\n  graph [rankdir=TB, fontname=\"Helvetica\", fontsize=12, "
          "labelloc=t, label=\"",
          out);
    fv_dot_text(out, fv_graph_source(g)[0] ? fv_graph_source(g) : "network");
    if (in)
        fprintf(out, ", %lldx%lld input\\ngreen: productive, RF inside the image; amber: the "
                     "smallest RF covers the image; pink: border layer, predicted unproductive "
                     "(Richter et al.); grey: sees the whole input; red outline: misaligned merge",
                (long long)in->size[0], (long long)in->size[1]);
    else
        fputs("\\ngrey: sees the whole input; red outline: misaligned merge", out);
    fputs("\"];\n  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", "
          "fontsize=10, color=\"#8a96a3\"];\n  edge [color=\"#8a96a3\", arrowsize=0.6];\n",
          out);
    size_t n = fv_graph_size(g);
    for (size_t k = 0; k < n; k++) {
        int32_t v = (int32_t)k;
        fv_rf rf;
        fv_trf_get(t, v, &rf);
        fprintf(out, "  n%d [label=\"", v);
        node_label(out, g, t, v, &rf);
        fprintf(out, "\", fillcolor=\"%s\"", fill_of(&rf, in, bad[v]));
        if (rf.merge && !rf.aligned)
            fputs(", color=\"" FV_COLOR_BAD "\", penwidth=2.5", out);
        else if (rf.merge)
            fputs(", penwidth=1.8", out);
        fputs("];\n", out);
    }
    for (size_t k = 0; k < n; k++) {
        int32_t v = (int32_t)k;
        fv_rf rf;
        fv_trf_get(t, v, &rf);
        for (size_t i = 0; i < fv_graph_n_inputs(g, v); i++) {
            int32_t from = fv_graph_input(g, v, i);
            fprintf(out, "  n%d -> n%d", from, v);
            if (rf.merge && !rf.aligned && from == rf.diverging)
                fputs(" [color=\"" FV_COLOR_BAD "\", penwidth=2]", out);
            fputs(";\n", out);
        }
    }
    fputs("}\n", out);
    free(bad);
    return FV_OK;
}
