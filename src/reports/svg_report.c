/* fv_report_svg: the chart named on the command line, as a standalone SVG. */
#include <string.h>

#include "graph_private.h"
#include "markup.h"

static const char *const chart_names[FV_CHART_COUNT] = {"rf", "diagram", "anchors"};

fv_chart fv_chart_from_name(const char *name)
{
    for (int c = 0; c < FV_CHART_COUNT; c++)
        if (strcmp(chart_names[c], name) == 0)
            return (fv_chart)c;
    return FV_CHART_COUNT;
}

fv_status fv_report_svg(const fv_graph *graph, const fv_trf *trf, fv_chart chart, int32_t node,
                        FILE *out, fv_diag *diag)
{
    switch (chart) {
    case FV_CHART_RF:
        return fv_svg_rf_chart(graph, trf, 1, out, diag);
    case FV_CHART_DIAGRAM:
        return fv_svg_diagram(graph, trf, node, 1, out, diag);
    case FV_CHART_ANCHORS:
        return fv_svg_anchors(graph, trf, NULL, 1, out, diag);
    default:
        return fv_diag_set(diag, FV_ERR_USAGE, "no chart numbered %d", (int)chart);
    }
}
