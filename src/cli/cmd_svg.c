/* fovea svg: one chart as an SVG picture. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

static const char help[] =
    "usage: fovea svg MODEL [--chart rf|diagram|anchors] [-o FILE] [options]\n"
    "       fovea svg -e TEXT [options]\n"
    "\n"
    "Draws one chart as a standalone SVG picture (stdout without -o).\n"
    "\n"
    "  --chart rf         RF size and effective stride of every layer along the\n"
    "                     network, log scale; longest path and side branches in\n"
    "                     two colours, misaligned merges ringed (default)\n"
    "  --chart diagram    the units of a chain of up to 8 convolution or pooling\n"
    "                     layers along the width, with the lines from one top unit\n"
    "                     down to every unit and input pixel it sees\n"
    "  --chart anchors    each detection head's anchors over its layer's RF, at\n"
    "                     true scale on the image (needs an input size)\n"
    "  -o, --output FILE  write to FILE\n"
    "  -e, --expr TEXT    the network in the text format, ';' between layers\n"
    "  --input HxW        input size (or one number for a square)\n"
    "  --layer NAME       diagram: the top layer (default: the last one)\n"
    "  --unknown=identity treat operators fovea does not know as identity\n"
    "  -h, --help         this text\n";

int cmd_svg(int argc, char **argv)
{
    static const struct option options[] = {
        {"expr", required_argument, NULL, 'e'},
        {"input", required_argument, NULL, 'i'},
        {"unknown", required_argument, NULL, 'U'},
        {"layer", required_argument, NULL, 'l'},
        {"chart", required_argument, NULL, 'c'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_model_args args = {.format = FV_FORMAT_TABLE};
    const char *model;
    const char *layer = NULL, *output = NULL;
    fv_chart chart = FV_CHART_RF;
    int c, rc;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":e:o:h", options, NULL)) != -1) {
        if ((rc = cli_model_option("svg", c, argv, &args)) >= 0) {
            if (rc != CLI_OK)
                return rc;
        } else if (c == 'l') {
            layer = optarg;
        } else if (c == 'c') {
            chart = fv_chart_from_name(optarg);
            if (chart == FV_CHART_COUNT)
                return cli_usage_error("svg", "--chart is rf, diagram or anchors, not '%s'", optarg);
        } else if (c == 'o') {
            output = optarg;
        } else {
            fputs(help, stdout);
            return CLI_OK;
        }
    }
    if ((rc = cli_model_operand("svg", argc, argv, &args, &model)) != CLI_OK)
        return rc;
    if (layer && chart != FV_CHART_DIAGRAM)
        return cli_usage_error("svg", "--layer chooses the top layer of --chart diagram only");

    fv_graph *graph;
    fv_trf *trf;
    if ((rc = cli_load_trf(model, &args, &graph, &trf)) != CLI_OK)
        return rc;
    int32_t node = -1;
    FILE *out = NULL;
    if (layer && (node = fv_graph_select(graph, layer)) < 0) {
        rc = cli_usage_error("svg", "no layer named '%s'", layer);
    } else if (!(out = cli_open_output("svg", output))) {
        rc = CLI_BAD_INPUT;
    } else {
        fv_diag diag;
        fv_diag_init(&diag);
        if (fv_report_svg(graph, trf, chart, node, out, &diag) != FV_OK)
            rc = cli_fail(&diag);
        rc = cli_close_output("svg", out, output, rc);
    }
    fv_trf_free(trf);
    fv_graph_free(graph);
    return rc;
}
