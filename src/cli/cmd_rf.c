/* fovea rf: the theoretical receptive field of every layer. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "usage: fovea rf MODEL [options]\n"
    "       fovea rf -e TEXT [options]\n"
    "\n"
    "The exact theoretical receptive field of every layer: its size (a range where\n"
    "it varies between units), effective stride and padding, the centre of unit 0,\n"
    "and whether merged branches are aligned.\n"
    "\n"
    "  MODEL              a .fv, .onnx, Darknet .cfg or Caffe .prototxt file, or\n"
    "                     zoo:NAME\n"
    "  -e, --expr TEXT    the network in the text format, ';' between layers\n"
    "  --input HxW        input size (or one number for a square); gives map sizes\n"
    "                     and resolves SAME padding\n"
    "  --layer NAME       report this layer only: its name, the tensor it outputs\n"
    "                     (ONNX), or a prefix such as layer3 (the stage's last layer)\n"
    "  --unit Y,X         print the exact input box seen by unit Y,X of the layer\n"
    "                     (default layer: the last one)\n"
    "  --format FORMAT    table (default), json, csv or md\n"
    "  --color[=WHEN]     colour the table: auto (default: when stdout is a terminal\n"
    "                     and NO_COLOR is unset), always or never\n"
    "  --unknown=identity treat operators fovea does not know as identity, with a\n"
    "                     warning each (default: --unknown=error)\n"
    "  -h, --help         this text\n";

int cmd_rf(int argc, char **argv)
{
    static const struct option options[] = {
        {"expr", required_argument, NULL, 'e'},   {"input", required_argument, NULL, 'i'},
        {"layer", required_argument, NULL, 'l'},  {"unit", required_argument, NULL, 'u'},
        {"format", required_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'},
        {"unknown", required_argument, NULL, 'U'},
        {"color", optional_argument, NULL, 'C'},
        {NULL, 0, NULL, 0},
    };
    cli_model_args args = {.format = FV_FORMAT_TABLE};
    const char *layer = NULL, *model;
    int64_t unit[2];
    int has_unit = 0;
    cli_color color = CLI_COLOR_AUTO;
    int c, rc;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":e:h", options, NULL)) != -1) {
        if ((rc = cli_model_option("rf", c, argv, &args)) >= 0) {
            if (rc != CLI_OK)
                return rc;
            continue;
        }
        switch (c) {
        case 'l':
            layer = optarg;
            break;
        case 'u':
            if (!cli_parse_unit(optarg, unit))
                return cli_usage_error("rf", "--unit wants Y,X, not '%s'", optarg);
            has_unit = 1;
            break;
        case 'C':
            if (cli_parse_color("rf", optarg, &color) != CLI_OK)
                return CLI_BAD_INPUT;
            break;
        case 'h':
            fputs(help, stdout);
            return CLI_OK;
        }
    }
    if ((rc = cli_model_operand("rf", argc, argv, &args, &model)) != CLI_OK)
        return rc;

    fv_graph *graph;
    rc = cli_load_ex(model, args.expr, &args.load, &graph);
    if (rc != CLI_OK)
        return rc;
    fv_diag diag;
    fv_diag_init(&diag);
    fv_trf *trf = NULL;
    fv_report_options report_options = {.color = cli_use_color(color, stdout)};
    int32_t node = (int32_t)fv_graph_size(graph) - 1;
    if (layer && (node = fv_graph_select(graph, layer)) < 0) {
        rc = cli_usage_error("rf", "no layer named '%s'", layer);
    } else if (fv_trf_compute(graph, args.input[0] ? args.input : NULL, &trf, &diag) != FV_OK) {
        rc = cli_fail(&diag);
    } else {
        fv_status st = has_unit ? fv_report_unit(graph, trf, node, unit[0], unit[1], args.format, stdout, &diag)
                                : fv_report_rf_ex(graph, trf, layer ? &node : NULL, layer ? 1 : 0,
                                                  args.format, &report_options, stdout, &diag);
        if (st != FV_OK)
            rc = cli_fail(&diag);
    }
    fv_trf_free(trf);
    fv_graph_free(graph);
    return rc;
}
