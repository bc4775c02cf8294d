/* fovea erf: the effective receptive field of one unit. */
#define _DEFAULT_SOURCE /* sysconf(_SC_PHYS_PAGES) */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char help[] =
    "usage: fovea erf MODEL [options]\n"
    "       fovea erf -e TEXT [options]\n"
    "\n"
    "The effective receptive field of one unit: the gradient of the unit with\n"
    "respect to every input pixel, averaged over samples. Only the unit's\n"
    "receptive-field cone is computed.\n"
    "\n"
    "  MODEL                a .fv, .onnx, Darknet .cfg or Caffe .prototxt file, or zoo:NAME\n"
    "  -e, --expr TEXT      the network in the text format, ';' between layers\n"
    "  --layer NAME         the layer (a name or a prefix such as layer3; default: the last)\n"
    "  --input HxW          input size (default: the model's, else the layer's RF size)\n"
    "  --unit Y,X           the unit (default: the centre of the layer's map)\n"
    "  --channel all|N      sum the unit over all channels (default) or take channel N\n"
    "  --weights KIND       uniform (all ones, default), random (He-normal) or model\n"
    "  --seed N             seed of noise and random weights (default 0)\n"
    "  --redraw             draw new random weights for every sample\n"
    "  --samples N          samples to average (default 1)\n"
    "  --inputs KIND        noise (uniform [0,1), default), normal, ones, a folder of\n"
    "                       JPEG/PNG images, or a FILE.f32 of raw float32 NCHW images\n"
    "  --mean A,B,C         subtracted from noise and images per channel (default 0)\n"
    "  --std A,B,C          divides noise and images per channel (default 1)\n"
    "  --aggregate KIND     abs (default), relu (RepLKNet) or signed\n"
    "  --linear             remove the activations (max pooling stays)\n"
    "  --precision TYPE     float64 (default: free of float32 rounding) or float32\n"
    "                       (oneDNN: about twice as fast, maps good to about 1e-3)\n"
    "  --threads N          threads for the convolutions (default: all)\n"
    "  --max-memory SIZE    refuse when the estimate exceeds SIZE (bytes, or K, M, G;\n"
    "                       default: three quarters of the machine's memory)\n"
    "  --format FORMAT      table (default), json, csv or md\n"
    "  --print-grid         print the map over the cone's window instead of the table\n"
    "  --csv FILE           write the row and column profiles as CSV\n"
    "  --png FILE           write a heatmap with the TRF box and 1-, 2-sigma ellipses\n"
    "  --map FILE           write the map over the whole input, raw and row-major:\n"
    "                       float64 if FILE ends in .f64, else float32\n"
    "  --log                log colour scale for --png\n"
    "  -h, --help           this text\n";

/* "0.485,0.456,0.406" or one number for every channel. */
static int parse_triple(const char *text, double v[3])
{
    const char *p = text;
    int n = 0;
    while (n < 3) {
        char *end;
        errno = 0;
        v[n] = strtod(p, &end);
        if (end == p || errno == ERANGE)
            return 0;
        n++;
        if (*end == '\0')
            break;
        if (*end != ',')
            return 0;
        p = end + 1;
    }
    if (*p && n == 3 && strchr(p, ','))
        return 0;
    for (int k = n; k < 3; k++)
        v[k] = v[n - 1];
    return 1;
}

static int parse_count(const char *text, int64_t lo, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end || errno == ERANGE || v < lo)
        return 0;
    *out = v;
    return 1;
}

/* "512M", "2G", "1000000" */
static int parse_bytes(const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || errno == ERANGE || v <= 0)
        return 0;
    double unit = 1;
    if (*end == 'K' || *end == 'k')
        unit = 1024.0, end++;
    else if (*end == 'M' || *end == 'm')
        unit = 1048576.0, end++;
    else if (*end == 'G' || *end == 'g')
        unit = 1073741824.0, end++;
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end || v * unit > 1.8e19)
        return 0;
    *out = (uint64_t)(v * unit);
    return 1;
}

static void progress(void *context, int64_t done, int64_t total)
{
    (void)context;
    int width = 40, filled = (int)(width * done / total);
    fprintf(stderr, "\r[%.*s%*s] %lld/%lld", filled, "########################################",
            width - filled, "", (long long)done, (long long)total);
    if (done == total)
        fprintf(stderr, "\n");
    fflush(stderr);
}

typedef struct outputs {
    fv_format format;
    int grid, log;
    const char *csv, *png, *map;
} outputs;

/* The map over the whole input, raw and row-major: float64 when the file
 * name ends in .f64 (a float64 map keeps its digits), else float32. */
static int write_map(const fv_erf_result *r, const char *path)
{
    int64_t hw[2];
    fv_erf_input_size(r, hw);
    size_t n = (size_t)(hw[0] * hw[1]), len = strlen(path);
    int wide = len >= 4 && strcmp(path + len - 4, ".f64") == 0;
    double *full = malloc(n * sizeof *full);
    float *f32 = malloc(n * sizeof *f32);
    FILE *f = full && f32 ? fopen(path, "wb") : NULL;
    int ok = f != NULL;
    if (ok) {
        fv_erf_full_map(r, full);
        for (size_t i = 0; i < n; i++)
            f32[i] = (float)full[i];
        ok = wide ? fwrite(full, sizeof *full, n, f) == n : fwrite(f32, sizeof *f32, n, f) == n;
    }
    if (f && fclose(f) != 0)
        ok = 0;
    free(full);
    free(f32);
    return ok ? CLI_OK : cli_usage_error("erf", "cannot write '%s': %s", path, strerror(errno));
}

/* Raw float32 images for --inputs FILE.f32: a whole number of
 * channels x height x width images. */
static int read_tensor(const fv_graph *graph, fv_erf_options *o, float **data)
{
    int64_t hw[2] = {o->input_size[0], o->input_size[1]};
    if (hw[0] <= 0)
        fv_graph_input_size(graph, hw);
    int64_t c = 1;
    for (size_t i = 0; i < fv_graph_size(graph); i++)
        if (fv_graph_op(graph, (int32_t)i) == FV_OP_INPUT && fv_graph_channels(graph, (int32_t)i) > 0)
            c = fv_graph_channels(graph, (int32_t)i);
    if (hw[0] <= 0 || hw[1] <= 0)
        return cli_usage_error("erf", "--inputs %s needs the input size (--input)", o->images);
    FILE *f = fopen(o->images, "rb");
    if (!f)
        return cli_usage_error("erf", "cannot read '%s': %s", o->images, strerror(errno));
    size_t one = (size_t)(c * hw[0] * hw[1]);
    fseek(f, 0, SEEK_END);
    long bytes = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (bytes <= 0 || (size_t)bytes % (one * sizeof(float)) != 0) {
        fclose(f);
        return cli_usage_error("erf", "'%s' holds %ld bytes, not a whole number of %lldx%lldx%lld "
                                      "float32 images",
                               o->images, bytes, (long long)c, (long long)hw[0], (long long)hw[1]);
    }
    *data = malloc((size_t)bytes);
    int ok = *data && fread(*data, 1, (size_t)bytes, f) == (size_t)bytes;
    fclose(f);
    if (!ok)
        return cli_usage_error("erf", "cannot read '%s'", o->images);
    o->input = FV_ERF_TENSOR;
    o->tensor = *data;
    o->tensor_count = (int64_t)((size_t)bytes / (one * sizeof(float)));
    return CLI_OK;
}

static int write_outputs(const fv_graph *graph, const fv_erf_result *r, const outputs *out)
{
    fv_diag diag;
    fv_diag_init(&diag);
    fv_erf_metrics m;
    if (fv_erf_metrics_compute(graph, r, &m, &diag) != FV_OK)
        return cli_fail(&diag);
    if (out->grid)
        fv_report_erf_grid(r, stdout);
    else if (fv_report_erf(graph, r, &m, out->format, stdout, &diag) != FV_OK)
        return cli_fail(&diag);
    if (out->csv) {
        FILE *f = fopen(out->csv, "w");
        if (!f)
            return cli_usage_error("erf", "cannot write '%s': %s", out->csv, strerror(errno));
        fv_report_erf_profiles(r, f);
        if (fclose(f) != 0)
            return cli_usage_error("erf", "cannot write '%s': %s", out->csv, strerror(errno));
    }
    if (out->png && fv_report_erf_png(r, &m, out->png, out->log, &diag) != FV_OK)
        return cli_fail(&diag);
    if (out->map)
        return write_map(r, out->map);
    return CLI_OK;
}

/* Three quarters of the physical memory: a cone past it would only end in
 * the kernel's out-of-memory killer, so it is refused up front instead. */
static uint64_t default_max_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0)
        return 0;
    return (uint64_t)pages / 4 * 3 * (uint64_t)page;
}

int cmd_erf(int argc, char **argv)
{
    static const struct option options[] = {
        {"expr", required_argument, NULL, 'e'},      {"layer", required_argument, NULL, 'l'},
        {"input", required_argument, NULL, 'i'},     {"unit", required_argument, NULL, 'u'},
        {"channel", required_argument, NULL, 'c'},   {"weights", required_argument, NULL, 'w'},
        {"seed", required_argument, NULL, 's'},      {"redraw", no_argument, NULL, 'R'},
        {"samples", required_argument, NULL, 'n'},   {"inputs", required_argument, NULL, 'I'},
        {"mean", required_argument, NULL, 'M'},      {"std", required_argument, NULL, 'S'},
        {"aggregate", required_argument, NULL, 'a'}, {"linear", no_argument, NULL, 'L'},
        {"threads", required_argument, NULL, 't'},   {"max-memory", required_argument, NULL, 'm'},
        {"format", required_argument, NULL, 'f'},    {"print-grid", no_argument, NULL, 'g'},
        {"csv", required_argument, NULL, 'C'},       {"png", required_argument, NULL, 'p'},
        {"log", no_argument, NULL, 'G'},             {"help", no_argument, NULL, 'h'},
        {"map", required_argument, NULL, 'P'},       {"precision", required_argument, NULL, 'F'},
        {NULL, 0, NULL, 0},
    };
    cli_model_args args = {.format = FV_FORMAT_TABLE};
    const char *layer = NULL, *model;
    fv_erf_options o;
    fv_erf_options_init(&o);
    o.max_memory = default_max_memory();
    outputs out = {FV_FORMAT_TABLE, 0, 0, NULL, NULL, NULL};
    int64_t v;
    int c, rc;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":e:h", options, NULL)) != -1) {
        if ((rc = cli_model_option("erf", c, argv, &args)) >= 0) {
            if (rc != CLI_OK)
                return rc;
            continue;
        }
        switch (c) {
        case 'l':
            layer = optarg;
            break;
        case 'u':
            if (!cli_parse_unit(optarg, o.unit))
                return cli_usage_error("erf", "--unit wants Y,X, not '%s'", optarg);
            o.has_unit = 1;
            break;
        case 'c':
            if (strcmp(optarg, "all") == 0)
                o.channel = -1;
            else if (!parse_count(optarg, 0, &o.channel))
                return cli_usage_error("erf", "--channel is all or a channel number, not '%s'", optarg);
            break;
        case 'w':
            if (!cli_parse_erf_weights(optarg, &o.weights))
                return cli_usage_error("erf", "--weights is uniform, random or model, not '%s'", optarg);
            break;
        case 's':
            if (!parse_count(optarg, 0, &v))
                return cli_usage_error("erf", "--seed wants a non-negative integer, not '%s'", optarg);
            o.seed = (uint64_t)v;
            break;
        case 'R':
            o.redraw = 1;
            break;
        case 'n':
            if (!parse_count(optarg, 1, &o.samples))
                return cli_usage_error("erf", "--samples wants a positive integer, not '%s'", optarg);
            break;
        case 'I':
            if (strcmp(optarg, "noise") == 0)
                o.input = FV_ERF_NOISE;
            else if (strcmp(optarg, "normal") == 0)
                o.input = FV_ERF_NORMAL;
            else if (strcmp(optarg, "ones") == 0)
                o.input = FV_ERF_ONES;
            else {
                o.input = FV_ERF_IMAGES;
                o.images = optarg;
            }
            break;
        case 'M':
        case 'S':
            if (!parse_triple(optarg, c == 'M' ? o.mean : o.std))
                return cli_usage_error("erf", "%s wants up to three numbers A,B,C, not '%s'",
                                       c == 'M' ? "--mean" : "--std", optarg);
            break;
        case 'a':
            if (strcmp(optarg, "abs") == 0)
                o.aggregate = FV_ERF_ABS;
            else if (strcmp(optarg, "relu") == 0)
                o.aggregate = FV_ERF_RELU;
            else if (strcmp(optarg, "signed") == 0)
                o.aggregate = FV_ERF_SIGNED;
            else
                return cli_usage_error("erf", "--aggregate is abs, relu or signed, not '%s'", optarg);
            break;
        case 'L':
            o.linear = 1;
            break;
        case 'F':
            if (strcmp(optarg, "float32") == 0)
                o.precision = FV_ERF_FLOAT32;
            else if (strcmp(optarg, "float64") == 0)
                o.precision = FV_ERF_FLOAT64;
            else
                return cli_usage_error("erf", "--precision is float32 or float64, not '%s'",
                                       optarg);
            break;
        case 't':
            if (!parse_count(optarg, 1, &v) || v > 4096)
                return cli_usage_error("erf", "--threads wants 1..4096, not '%s'", optarg);
            o.threads = (int)v;
            break;
        case 'm':
            if (!parse_bytes(optarg, &o.max_memory))
                return cli_usage_error("erf", "--max-memory wants a size such as 512M or 2G, not '%s'",
                                       optarg);
            break;
        case 'g':
            out.grid = 1;
            break;
        case 'C':
            out.csv = optarg;
            break;
        case 'p':
            out.png = optarg;
            break;
        case 'G':
            out.log = 1;
            break;
        case 'P':
            out.map = optarg;
            break;
        case 'h':
            fputs(help, stdout);
            return CLI_OK;
        }
    }
    if ((rc = cli_model_operand("erf", argc, argv, &args, &model)) != CLI_OK)
        return rc;
    out.format = args.format;
    o.input_size[0] = args.input[0];
    o.input_size[1] = args.input[1];
    if (out.log && !out.png)
        return cli_usage_error("erf", "--log applies to --png, which is missing");
    if (o.redraw && o.weights != FV_ERF_RANDOM)
        return cli_usage_error("erf", "--redraw needs --weights random");

    args.load.keep_weights = o.weights == FV_ERF_MODEL;
    fv_graph *graph;
    rc = cli_load_ex(model, args.expr, &args.load, &graph);
    if (rc != CLI_OK)
        return rc;
    int32_t node = (int32_t)fv_graph_size(graph) - 1;
    if (layer && (node = fv_graph_select(graph, layer)) < 0) {
        fv_graph_free(graph);
        return cli_usage_error("erf", "no layer named '%s'", layer);
    }
    float *tensor = NULL;
    size_t len = o.images ? strlen(o.images) : 0;
    if (len > 4 && strcmp(o.images + len - 4, ".f32") == 0 &&
        (rc = read_tensor(graph, &o, &tensor)) != CLI_OK) {
        fv_graph_free(graph);
        return rc;
    }
    if (o.samples > 1 && isatty(STDERR_FILENO))
        o.progress = progress;
    fv_diag diag;
    fv_diag_init(&diag);
    fv_erf_result *r = NULL;
    if (fv_erf_compute(graph, node, &o, &r, &diag) != FV_OK)
        rc = cli_fail(&diag);
    else
        rc = write_outputs(graph, r, &out);
    fv_erf_free(r);
    fv_graph_free(graph);
    free(tensor);
    return rc;
}
