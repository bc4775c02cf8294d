/* fovea report: everything about a model in one self-contained HTML page. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

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
    "With --erf, the effective receptive field of the chosen layers' centre units\n"
    "as heatmaps inside the page (uniform weights and no activations by default:\n"
    "path counts, one sample).\n"
    "\n"
    "  -o, --output FILE  write to FILE ('-' for stdout)\n"
    "  -e, --expr TEXT    the network in the text format, ';' between layers\n"
    "  --input HxW        input size (or one number for a square)\n"
    "  --erf LAYER,...    show the ERF of these layers (names or prefixes such as\n"
    "                     layer3); each costs a forward and backward pass of its cone\n"
    "  --erf-weights KIND uniform (default), random (He-normal) or model (the ONNX\n"
    "                     file's weights; activations are then kept)\n"
    "  --erf-anchors      draw each detection layer's ERF (random weights, no\n"
    "                     activations) on the anchors chart\n"
    "  --unknown=identity treat operators fovea does not know as identity\n"
    "  -h, --help         this text\n";

/* The layers of --erf: names or prefixes, ',' between them, at most 16. */
static int pick_layers(const fv_graph *graph, const char *list, int32_t *nodes, size_t *n)
{
    char name[256];
    *n = 0;
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        if (len == 0 || len >= sizeof name)
            return cli_usage_error("report", "--erf wants LAYER,LAYER,... , not '%s'", list);
        if (*n == 16)
            return cli_usage_error("report", "--erf takes at most 16 layers");
        memcpy(name, p, len);
        name[len] = '\0';
        if ((nodes[*n] = fv_graph_select(graph, name)) < 0)
            return cli_usage_error("report", "--erf: no layer named '%s'", name);
        (*n)++;
        p += len + (p[len] == ',');
    }
    return CLI_OK;
}

int cmd_report(int argc, char **argv)
{
    static const struct option options[] = {
        {"expr", required_argument, NULL, 'e'},
        {"input", required_argument, NULL, 'i'},
        {"unknown", required_argument, NULL, 'U'},
        {"output", required_argument, NULL, 'o'},
        {"erf", required_argument, NULL, 'E'},
        {"erf-weights", required_argument, NULL, 'W'},
        {"erf-anchors", no_argument, NULL, 'A'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_model_args args = {.format = FV_FORMAT_TABLE};
    const char *model;
    const char *output = NULL, *erf_layers = NULL;
    int erf_weights = -1, erf_anchors = 0;
    int c, rc;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":e:o:h", options, NULL)) != -1) {
        if ((rc = cli_model_option("report", c, argv, &args)) >= 0) {
            if (rc != CLI_OK)
                return rc;
        } else if (c == 'o') {
            output = optarg;
        } else if (c == 'A') {
            erf_anchors = 1;
        } else if (c == 'E') {
            erf_layers = optarg;
        } else if (c == 'W') {
            erf_weights = strcmp(optarg, "uniform") == 0 ? FV_ERF_UNIFORM
                          : strcmp(optarg, "random") == 0 ? FV_ERF_RANDOM
                          : strcmp(optarg, "model") == 0  ? FV_ERF_MODEL
                                                          : -1;
            if (erf_weights < 0)
                return cli_usage_error("report", "--erf-weights is uniform, random or model, not '%s'",
                                       optarg);
        } else {
            fputs(help, stdout);
            return CLI_OK;
        }
    }
    if ((rc = cli_model_operand("report", argc, argv, &args, &model)) != CLI_OK)
        return rc;
    if (!output)
        return cli_usage_error("report", "give the page's file with -o FILE.html ('-' for stdout)");

    if (erf_weights >= 0 && !erf_layers)
        return cli_usage_error("report", "--erf-weights needs --erf LAYER,...");
    args.load.keep_weights = erf_weights == FV_ERF_MODEL;

    fv_graph *graph;
    fv_trf *trf;
    if ((rc = cli_load_trf(model, &args, &graph, &trf)) != CLI_OK)
        return rc;
    int32_t nodes[16];
    fv_html_options html = {.erf_nodes = nodes, .erf_anchors = erf_anchors};
    fv_erf_options erf;
    fv_erf_options_init(&erf);
    erf.weights = erf_weights < 0 ? FV_ERF_UNIFORM : (fv_erf_weights)erf_weights;
    erf.linear = erf.weights == FV_ERF_UNIFORM; /* path counts; real weights keep activations */
    erf.max_memory = (uint64_t)2 << 30;
    if (erf_weights >= 0)
        html.erf = &erf;
    if (erf_layers && (rc = pick_layers(graph, erf_layers, nodes, &html.n_erf_nodes)) != CLI_OK) {
        fv_trf_free(trf);
        fv_graph_free(graph);
        return rc;
    }
    FILE *out = cli_open_output("report", output);
    if (!out) {
        rc = CLI_BAD_INPUT;
    } else {
        fv_diag diag;
        fv_diag_init(&diag);
        if (fv_report_html_ex(graph, trf, &html, out, &diag) != FV_OK)
            rc = cli_fail(&diag);
        rc = cli_close_output("report", out, output, rc);
    }
    fv_trf_free(trf);
    fv_graph_free(graph);
    return rc;
}
