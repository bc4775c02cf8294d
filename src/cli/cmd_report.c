/* fovea report: everything about a model in one self-contained HTML page. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

static const char help[] =
    "usage: fovea report MODEL -o FILE.html [options]\n"
    "       fovea report -e TEXT -o FILE.html [options]\n"
    "\n"
    "Writes one self-contained HTML page (inline CSS and SVG, no scripts, no\n"
    "external resources; it opens offline and prints): a summary (input size,\n"
    "layers, top RF against the image), the RF and stride chart, the diagram of\n"
    "what one unit sees, the anchors of detection heads, and the table of every\n"
    "layer. Names from the model are escaped.\n"
    "\n"
    "  -o, --output FILE  write to FILE ('-' for stdout)\n"
    "  -e, --expr TEXT    the network in the text format, ';' between layers\n"
    "  --input HxW        input size (or one number for a square)\n"
    "  --unknown=identity treat operators fovea does not know as identity\n"
    "  -h, --help         this text\n";

int cmd_report(int argc, char **argv)
{
    static const struct option options[] = {
        {"expr", required_argument, NULL, 'e'},
        {"input", required_argument, NULL, 'i'},
        {"unknown", required_argument, NULL, 'U'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_model_args args = {.format = FV_FORMAT_TABLE};
    const char *model;
    const char *output = NULL;
    int c, rc;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":e:o:h", options, NULL)) != -1) {
        if ((rc = cli_model_option("report", c, argv, &args)) >= 0) {
            if (rc != CLI_OK)
                return rc;
        } else if (c == 'o') {
            output = optarg;
        } else {
            fputs(help, stdout);
            return CLI_OK;
        }
    }
    if ((rc = cli_model_operand("report", argc, argv, &args, &model)) != CLI_OK)
        return rc;
    if (!output)
        return cli_usage_error("report", "give the page's file with -o FILE.html ('-' for stdout)");

    fv_graph *graph;
    fv_trf *trf;
    if ((rc = cli_load_trf(model, &args, &graph, &trf)) != CLI_OK)
        return rc;
    FILE *out = cli_open_output("report", output);
    if (!out) {
        rc = CLI_BAD_INPUT;
    } else {
        fv_diag diag;
        fv_diag_init(&diag);
        if (fv_report_html(graph, trf, out, &diag) != FV_OK)
            rc = cli_fail(&diag);
        rc = cli_close_output("report", out, output, rc);
    }
    fv_trf_free(trf);
    fv_graph_free(graph);
    return rc;
}
