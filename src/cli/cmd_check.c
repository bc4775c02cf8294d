/* fovea check: receptive-field design rules for a network. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "usage: fovea check MODEL [options]\n"
    "       fovea check -e TEXT [options]\n"
    "\n"
    "Receptive-field design checks: per layer the coverage (RF / image), Cao's\n"
    "capacity (real filter size / RF, flagged below 1/6) and the smallest and\n"
    "largest RF over paths; Richter et al.'s border layers and the productive\n"
    "input-resolution range; Cao's condition on the top-most spatial layer;\n"
    "misaligned merges; uneven (SAME) padding; maps that shrink to nothing or\n"
    "lose image edges to rounding. Each finding has a severity, a layer, the\n"
    "numbers and what to do (docs/check.md).\n"
    "\n"
    "  MODEL              a .fv, .onnx, Darknet .cfg or Caffe .prototxt file, or\n"
    "                     zoo:NAME\n"
    "  -e, --expr TEXT    the network in the text format, ';' between layers\n"
    "  --input HxW        input size (or one number for a square); default: the\n"
    "                     model's own\n"
    "  --strict           exit with status 1 when a warning or an error is found\n"
    "  --format FORMAT    table (default), json, markdown (md), or csv (layers only)\n"
    "  --color[=WHEN]     colour the table: auto (default: when stdout is a terminal\n"
    "                     and NO_COLOR is unset), always or never\n"
    "  --unknown=identity treat operators fovea does not know as identity\n"
    "  -h, --help         this text\n";

int cmd_check(int argc, char **argv)
{
    static const struct option options[] = {
        {"expr", required_argument, NULL, 'e'},   {"input", required_argument, NULL, 'i'},
        {"strict", no_argument, NULL, 's'},       {"format", required_argument, NULL, 'f'},
        {"unknown", required_argument, NULL, 'U'}, {"help", no_argument, NULL, 'h'},
        {"color", optional_argument, NULL, 'C'},
        {NULL, 0, NULL, 0},
    };
    cli_model_args args = {.format = FV_FORMAT_TABLE};
    const char *model;
    int strict = 0, c, rc;
    cli_color color = CLI_COLOR_AUTO;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":e:h", options, NULL)) != -1) {
        if ((rc = cli_model_option("check", c, argv, &args)) >= 0) {
            if (rc != CLI_OK)
                return rc;
        } else if (c == 's') {
            strict = 1;
        } else if (c == 'C') {
            if (cli_parse_color("check", optarg, &color) != CLI_OK)
                return CLI_BAD_INPUT;
        } else if (c == 'h') {
            fputs(help, stdout);
            return CLI_OK;
        }
    }
    if ((rc = cli_model_operand("check", argc, argv, &args, &model)) != CLI_OK)
        return rc;

    fv_graph *graph;
    if ((rc = cli_load_ex(model, args.expr, &args.load, &graph)) != CLI_OK)
        return rc;
    fv_check_options check_options = {{args.input[0], args.input[1]}, 0};
    fv_diag diag;
    fv_diag_init(&diag);
    fv_check *check = NULL;
    fv_report_options report_options = {.color = cli_use_color(color, stdout)};
    if (fv_check_run(graph, &check_options, &check, &diag) != FV_OK ||
        fv_report_check_ex(graph, check, args.format, &report_options, stdout, &diag) != FV_OK) {
        rc = cli_fail(&diag);
    } else if (strict) {
        for (size_t k = 0; k < fv_check_n_findings(check); k++)
            if (fv_check_finding(check, k)->severity >= FV_SEVERITY_WARNING)
                rc = CLI_FINDINGS;
    }
    fv_check_free(check);
    fv_graph_free(graph);
    return rc;
}
