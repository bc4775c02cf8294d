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
    const char *expr = NULL, *layer = NULL;
    int64_t hw[2] = {0, 0}, unit[2];
    int has_size = 0, has_unit = 0;
    fv_load_options load_options = {0};
    fv_format format = FV_FORMAT_TABLE;
    cli_color color = CLI_COLOR_AUTO;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":e:h", options, NULL)) != -1) {
        switch (c) {
        case 'e':
            expr = optarg;
            break;
        case 'i':
            if (!cli_parse_size(optarg, hw))
                return cli_usage_error("rf", "--input wants HxW or N with positive sizes, not '%s'", optarg);
            has_size = 1;
            break;
        case 'l':
            layer = optarg;
            break;
        case 'u':
            if (!cli_parse_unit(optarg, unit))
                return cli_usage_error("rf", "--unit wants Y,X, not '%s'", optarg);
            has_unit = 1;
            break;
        case 'f':
            format = fv_format_from_name(optarg);
            if (format == FV_FORMAT_COUNT)
                return cli_usage_error("rf", "--format is table, json, csv or md, not '%s'", optarg);
            break;
        case 'U':
            if (strcmp(optarg, "identity") != 0 && strcmp(optarg, "error") != 0)
                return cli_usage_error("rf", "--unknown is identity or error, not '%s'", optarg);
            load_options.unknown_as_identity = strcmp(optarg, "identity") == 0;
            break;
        case 'C':
            if (cli_parse_color("rf", optarg, &color) != CLI_OK)
                return CLI_BAD_INPUT;
            break;
        case 'h':
            fputs(help, stdout);
            return CLI_OK;
        case ':':
            return cli_usage_error("rf", "%s needs a value", argv[optind - 1]);
        default:
            return cli_usage_error("rf", "unknown option '%s' (fovea rf --help lists them)",
                                   argv[optind - 1]);
        }
    }
    const char *model = optind < argc ? argv[optind] : NULL;
    if (!model == !expr)
        return cli_usage_error("rf", "give one MODEL or -e TEXT (fovea rf --help)");
    if (optind + 1 < argc)
        return cli_usage_error("rf", "unexpected argument '%s'", argv[optind + 1]);

    fv_graph *graph;
    int rc = cli_load_ex(model, expr, &load_options, &graph);
    if (rc != CLI_OK)
        return rc;
    fv_diag diag;
    fv_diag_init(&diag);
    fv_trf *trf = NULL;
    fv_report_options report_options = {.color = cli_use_color(color, stdout)};
    int32_t node = (int32_t)fv_graph_size(graph) - 1;
    if (layer && (node = fv_graph_select(graph, layer)) < 0) {
        rc = cli_usage_error("rf", "no layer named '%s'", layer);
    } else if (fv_trf_compute(graph, has_size ? hw : NULL, &trf, &diag) != FV_OK) {
        rc = cli_fail(&diag);
    } else {
        fv_status st = has_unit ? fv_report_unit(graph, trf, node, unit[0], unit[1], format, stdout, &diag)
                                : fv_report_rf_ex(graph, trf, layer ? &node : NULL, layer ? 1 : 0,
                                                  format, &report_options, stdout, &diag);
        if (st != FV_OK)
            rc = cli_fail(&diag);
    }
    fv_trf_free(trf);
    fv_graph_free(graph);
    return rc;
}
