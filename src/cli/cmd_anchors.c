/* fovea anchors: a detector's anchors against its strides and receptive fields. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "usage: fovea anchors MODEL [options]\n"
    "       fovea anchors MODEL --layer NAME --anchors SIZES [--aspect RATIOS] [--step N]\n"
    "                     [--offset F] [--layer NAME ...]\n"
    "\n"
    "Detection layers and their anchors, from the model's heads (Caffe PriorBox,\n"
    "Darknet [yolo] and [region]) or from the command line, checked against the\n"
    "layers' receptive fields: step against effective stride, anchor centres\n"
    "against RF centres, anchor size against the RF and S3FD's 4 x stride, tiling\n"
    "density (FaceBoxes), gaps and overlaps between layers (docs/check.md).\n"
    "\n"
    "  MODEL              a .fv, .onnx, Darknet .cfg or Caffe .prototxt file, or\n"
    "                     zoo:NAME\n"
    "  -e, --expr TEXT    the network in the text format\n"
    "  --layer NAME       a detection layer (a name or a prefix); repeat for more.\n"
    "                     Layers on the command line replace the model's heads\n"
    "  --anchors SIZES    anchor sizes in input pixels for the last --layer: 16,32\n"
    "  --aspect RATIOS    width/height ratios for those sizes (default 1): 1,2,0.5\n"
    "  --step N           input pixels between cells (default: the layer's stride)\n"
    "  --offset F         cell centre in cells, 0..1 (default 0.5)\n"
    "  --objects MIN-MAX  plan anchors for objects MIN..MAX pixels: which layer\n"
    "                     should carry which anchor\n"
    "  --erf-weights KIND the ERF of each predicting unit, against which S3FD sizes\n"
    "                     anchors: uniform (default: all-ones weights, one channel,\n"
    "                     activations removed, fast), random (He-normal, the real\n"
    "                     channels, ReLUs kept), model (the file's weights), or none\n"
    "  --erf-samples N    noise samples the ERF averages (default 1)\n"
    "  --input HxW        input size (default: the model's own)\n"
    "  --strict           exit with status 1 when a warning is found\n"
    "  --format FORMAT    table (default), json, markdown (md), or csv (layers only)\n"
    "  --color[=WHEN]     colour the table: auto (default: when stdout is a terminal\n"
    "                     and NO_COLOR is unset), always or never\n"
    "  --unknown=identity treat operators fovea does not know as identity\n"
    "  -h, --help         this text\n";

#define MAX_LAYERS 64
#define MAX_VALUES 64

typedef struct layer_spec {
    const char *name;
    double sizes[MAX_VALUES], aspects[MAX_VALUES];
    size_t n_sizes, n_aspects;
    double step, offset;
} layer_spec;

/* A positive finite number, the whole text. */
static int parse_positive(const char *s, char **end, double *v)
{
    errno = 0;
    *v = strtod(s, end);
    return *end != s && errno == 0 && isfinite(*v) && *v > 0;
}

/* "16,32.5": positive numbers, comma-separated. */
static int parse_list(const char *text, double *out, size_t *n)
{
    *n = 0;
    const char *s = text;
    for (;;) {
        char *end;
        if (*n == MAX_VALUES || !parse_positive(s, &end, &out[(*n)++]))
            return 0;
        if (*end == '\0')
            return 1;
        if (*end != ',')
            return 0;
        s = end + 1;
    }
}

static int parse_objects(const char *text, double *lo, double *hi)
{
    char *end;
    if (!parse_positive(text, &end, lo) || *end != '-' || !parse_positive(end + 1, &end, hi) ||
        *end != '\0')
        return 0;
    return *hi >= *lo;
}

/* Builds one fv_head per spec: each size at each aspect ratio a = w/h,
 * w = s sqrt(a), h = s / sqrt(a), as SSD's PriorBox expands them. */
static int build_heads(const fv_graph *g, const layer_spec *specs, size_t n, fv_head *heads,
                       double *wh)
{
    for (size_t k = 0; k < n; k++) {
        const layer_spec *s = &specs[k];
        int32_t node = fv_graph_select(g, s->name);
        if (node < 0)
            return cli_usage_error("anchors", "no layer named '%s'", s->name);
        if (s->n_sizes == 0)
            return cli_usage_error("anchors", "--layer %s needs --anchors", s->name);
        size_t count = 0;
        double *w = wh + k * 2 * MAX_VALUES * MAX_VALUES;
        double *h = w + MAX_VALUES * MAX_VALUES;
        for (size_t i = 0; i < s->n_sizes; i++)
            for (size_t j = 0; j < (s->n_aspects ? s->n_aspects : 1); j++) {
                double a = s->n_aspects ? s->aspects[j] : 1.0;
                w[count] = s->sizes[i] * sqrt(a);
                h[count] = s->sizes[i] / sqrt(a);
                count++;
            }
        heads[k] = (fv_head){.kind = FV_HEAD_PRIORBOX, .node = node, .n_anchors = count,
                             .anchor_w = w, .anchor_h = h, .step = {s->step, s->step},
                             .offset = s->offset};
    }
    return CLI_OK;
}

int cmd_anchors(int argc, char **argv)
{
    static const struct option options[] = {
        {"expr", required_argument, NULL, 'e'},    {"input", required_argument, NULL, 'i'},
        {"format", required_argument, NULL, 'f'},  {"unknown", required_argument, NULL, 'U'},
        {"layer", required_argument, NULL, 'l'},   {"anchors", required_argument, NULL, 'a'},
        {"aspect", required_argument, NULL, 'r'},  {"step", required_argument, NULL, 't'},
        {"offset", required_argument, NULL, 'o'},  {"objects", required_argument, NULL, 'O'},
        {"strict", no_argument, NULL, 's'},        {"help", no_argument, NULL, 'h'},
        {"color", optional_argument, NULL, 'C'},
        {"erf-weights", required_argument, NULL, 'w'},
        {"erf-samples", required_argument, NULL, 'n'},
        {NULL, 0, NULL, 0},
    };
    static layer_spec specs[MAX_LAYERS];
    size_t n_specs = 0;
    cli_model_args args = {.format = FV_FORMAT_TABLE};
    fv_anchors_options aopt = {{0, 0}, NULL, 0, 0, 0, NULL, 0};
    fv_erf_options erf;
    fv_erf_options_init(&erf);
    int use_erf = 1;
    long long samples;
    const char *model;
    int strict = 0, c, rc;
    cli_color color = CLI_COLOR_AUTO;
    char *end;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":e:h", options, NULL)) != -1) {
        if ((rc = cli_model_option("anchors", c, argv, &args)) >= 0) {
            if (rc != CLI_OK)
                return rc;
            continue;
        }
        layer_spec *s = n_specs ? &specs[n_specs - 1] : NULL;
        if ((c == 'a' || c == 'r' || c == 't' || c == 'o') && !s)
            return cli_usage_error("anchors", "%s belongs to a --layer; give --layer first",
                                   argv[optind - 1]);
        switch (c) {
        case 'l':
            if (n_specs == MAX_LAYERS)
                return cli_usage_error("anchors", "at most %d --layer options", MAX_LAYERS);
            specs[n_specs++] = (layer_spec){.name = optarg, .offset = 0.5};
            break;
        case 'a':
            if (!parse_list(optarg, s->sizes, &s->n_sizes))
                return cli_usage_error("anchors", "--anchors wants up to %d positive sizes "
                                       "such as 16,32, not '%s'", MAX_VALUES, optarg);
            break;
        case 'r':
            if (!parse_list(optarg, s->aspects, &s->n_aspects))
                return cli_usage_error("anchors", "--aspect wants positive ratios such as "
                                       "1,2,0.5, not '%s'", optarg);
            break;
        case 't':
            if (!parse_positive(optarg, &end, &s->step) || *end)
                return cli_usage_error("anchors", "--step wants a positive number, not '%s'", optarg);
            break;
        case 'o':
            errno = 0;
            s->offset = strtod(optarg, &end);
            if (end == optarg || *end || errno || !(s->offset >= 0 && s->offset <= 1))
                return cli_usage_error("anchors", "--offset wants a number in [0, 1], not '%s'",
                                       optarg);
            break;
        case 'O':
            if (!parse_objects(optarg, &aopt.objects_min, &aopt.objects_max))
                return cli_usage_error("anchors", "--objects wants MIN-MAX pixels such as "
                                       "16-512, not '%s'", optarg);
            break;
        case 's':
            strict = 1;
            break;
        case 'C':
            if (cli_parse_color("anchors", optarg, &color) != CLI_OK)
                return CLI_BAD_INPUT;
            break;
        case 'w':
            use_erf = strcmp(optarg, "none") != 0;
            if (use_erf && !cli_parse_erf_weights(optarg, &erf.weights))
                return cli_usage_error("anchors", "--erf-weights is uniform, random, model or "
                                       "none, not '%s'", optarg);
            break;
        case 'n':
            errno = 0;
            samples = strtoll(optarg, &end, 10);
            if (end == optarg || *end || errno || samples < 1 || samples > 100000)
                return cli_usage_error("anchors", "--erf-samples wants a count from 1 to "
                                       "100000, not '%s'", optarg);
            erf.samples = samples;
            break;
        case 'h':
            fputs(help, stdout);
            return CLI_OK;
        }
    }
    if ((rc = cli_model_operand("anchors", argc, argv, &args, &model)) != CLI_OK)
        return rc;

    /* Luo's uniform setting is linear and one-channel (path counts); random
     * and model weights are an untrained or trained network as it runs. */
    erf.linear = erf.weights == FV_ERF_UNIFORM;
    /* With real channels a deep head's cone can take gigabytes; past this
     * the layer's ERF is skipped with a note instead. */
    erf.max_memory = (uint64_t)2 << 30;
    args.load.keep_weights = use_erf && erf.weights == FV_ERF_MODEL;
    aopt.erf = use_erf ? &erf : NULL;
    aopt.erf_one_channel = erf.weights == FV_ERF_UNIFORM;

    fv_graph *graph;
    if ((rc = cli_load_ex(model, args.expr, &args.load, &graph)) != CLI_OK)
        return rc;
    fv_head *heads = calloc(n_specs ? n_specs : 1, sizeof *heads);
    double *wh = malloc((n_specs ? n_specs : 1) * 2 * MAX_VALUES * MAX_VALUES * sizeof *wh);
    if (!heads || !wh)
        rc = cli_usage_error("anchors", "out of memory");
    else if (n_specs == 0 && fv_graph_n_heads(graph) == 0 && aopt.objects_max <= 0)
        rc = cli_usage_error("anchors", "%s declares no detection heads (Caffe PriorBox, Darknet "
                             "[yolo] or [region]): give --layer NAME --anchors SIZES, or "
                             "--objects MIN-MAX for a plan",
                             model ? model : "the network");
    else
        rc = build_heads(graph, specs, n_specs, heads, wh);
    fv_anchors *result = NULL;
    fv_report_options report_options = {.color = cli_use_color(color, stdout)};
    fv_diag diag;
    fv_diag_init(&diag);
    if (rc == CLI_OK) {
        aopt.input[0] = args.input[0];
        aopt.input[1] = args.input[1];
        aopt.heads = heads;
        aopt.n_heads = n_specs;
        if (fv_anchors_run(graph, &aopt, &result, &diag) != FV_OK ||
            fv_report_anchors_ex(graph, result, args.format, &report_options, stdout, &diag) != FV_OK)
            rc = cli_fail(&diag);
    }
    for (size_t k = 0; rc == CLI_OK && strict && k < fv_anchors_n_findings(result); k++)
        if (fv_anchors_finding(result, k)->severity >= FV_SEVERITY_WARNING)
            rc = CLI_FINDINGS;
    fv_anchors_free(result);
    free(heads);
    free(wh);
    fv_graph_free(graph);
    return rc;
}
