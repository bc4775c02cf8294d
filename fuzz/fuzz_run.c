/* What every fuzz target does with one input. Only the public API is used,
 * as a program reading a downloaded model would. */
#include "fuzz_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fovea.h"

/* A common image size: large enough that real networks have maps left at
 * their last layer, small enough that crafted ones run out of map. */
#define FUZZ_INPUT 224

/* The JSON report costs tens of microseconds a node under the sanitizers;
 * past this size it would only slow the search down, not cover more code. */
#define FUZZ_REPORT_MAX_NODES 4096

static const char *const format_names[FV_FUZZ_FORMAT_COUNT] = {
    [FV_FUZZ_TEXT] = "text",
    [FV_FUZZ_ONNX] = "onnx",
    [FV_FUZZ_DARKNET] = "darknet",
    [FV_FUZZ_CAFFE] = "caffe",
};

fv_fuzz_format fv_fuzz_format_from_name(const char *name)
{
    for (int f = 0; f < FV_FUZZ_FORMAT_COUNT; f++)
        if (strcmp(name, format_names[f]) == 0)
            return (fv_fuzz_format)f;
    return FV_FUZZ_FORMAT_COUNT;
}

static fv_status parse(fv_fuzz_format format, const uint8_t *data, size_t size, fv_graph **graph,
                       fv_diag *diag)
{
    if (format == FV_FUZZ_ONNX)
        return fv_onnx_parse(data, size, "fuzz.onnx", NULL, graph, diag);
    /* The text frontends get what fv_model_load gives them: the bytes with a
     * terminating NUL past `len` (embedded NULs stay in). */
    char *text = malloc(size + 1);
    if (!text)
        return FV_ERR_NOMEM;
    memcpy(text, data, size);
    text[size] = '\0';
    fv_status st;
    if (format == FV_FUZZ_TEXT)
        st = fv_text_parse(text, size, "fuzz.fv", graph, diag);
    else if (format == FV_FUZZ_DARKNET)
        st = fv_darknet_parse(text, size, "fuzz.cfg", graph, diag);
    else
        st = fv_caffe_parse(text, size, "fuzz.prototxt", graph, diag);
    free(text);
    return st;
}

/* Reads everything the TRF holds about every node, as the reports do. */
static void read_trf(const fv_graph *graph, const fv_trf *trf)
{
    size_t n = fv_graph_size(graph);
    for (int32_t node = 0; node < (int32_t)n; node++) {
        fv_rf rf;
        fv_trf_get(trf, node, &rf);
        const fv_feature_map *map = fv_trf_map(trf, node);
        if (rf.whole_input)
            continue;
        for (int axis = 0; axis < FV_AXES; axis++) {
            fv_diag diag;
            fv_diag_init(&diag);
            fv_interval box;
            int64_t unit = map ? (map->size[axis] - 1) / 2 : 0;
            (void)fv_trf_unit(trf, node, axis, unit, &box, &diag);
        }
    }
}

/* Touches every anchor of every detection head, so that the sanitizers
 * see any array shorter than n_anchors. */
static double read_heads(const fv_graph *graph)
{
    double sum = 0;
    for (size_t k = 0; k < fv_graph_n_heads(graph); k++) {
        const fv_head *h = fv_graph_head(graph, k);
        for (size_t a = 0; a < h->n_anchors; a++)
            sum += h->anchor_w[a] + h->anchor_h[a];
        sum += h->step[0] + h->step[1] + h->offset + (double)h->node;
    }
    return sum;
}

static void analyse(const fv_graph *graph, FILE *sink)
{
    fv_diag diag;
    fv_diag_init(&diag);
    for (size_t k = 0; k < fv_graph_n_warnings(graph); k++)
        (void)strlen(fv_graph_warning(graph, k));
    if (sink)
        fprintf(sink, "%g\n", read_heads(graph));
    if (fv_graph_check(graph, &diag) != FV_OK)
        return;
    const int64_t hw[FV_AXES] = {FUZZ_INPUT, FUZZ_INPUT};
    size_t n = fv_graph_size(graph);
    fv_feature_map *maps = calloc(n ? n : 1, sizeof *maps);
    if (!maps)
        return;
    fv_diag_init(&diag);
    (void)fv_graph_infer_shapes(graph, hw, maps, &diag);
    free(maps);

    fv_trf *trf = NULL;
    fv_diag_init(&diag);
    if (fv_trf_compute(graph, hw, &trf, &diag) == FV_OK) {
        read_trf(graph, trf);
        if (sink && n <= FUZZ_REPORT_MAX_NODES) {
            (void)fv_report_rf(graph, trf, NULL, 0, FV_FORMAT_JSON, sink, &diag);
            /* The last node's middle unit, as `fovea rf --unit` prints it. */
            const fv_feature_map *map = fv_trf_map(trf, (int32_t)n - 1);
            fv_diag_init(&diag);
            if (map)
                (void)fv_report_unit(graph, trf, (int32_t)n - 1, (map->size[0] - 1) / 2,
                                     (map->size[1] - 1) / 2, FV_FORMAT_TABLE, sink, &diag);
        }
    }
    fv_trf_free(trf);
}

void fv_fuzz_run(fv_fuzz_format format, const uint8_t *data, size_t size)
{
    /* One sink for the whole run: reports are exercised without the cost of
     * opening a file per input. */
    static FILE *sink;
    if (!sink)
        sink = fopen("/dev/null", "w");
    fv_graph *graph = NULL;
    fv_diag diag;
    fv_diag_init(&diag);
    if (parse(format, data, size, &graph, &diag) == FV_OK && graph) {
        analyse(graph, sink);
    } else {
        /* The message is what a user reads: print it into the sink so that
         * its formatting runs too. */
        if (sink)
            fv_diag_print(&diag, sink);
    }
    fv_graph_free(graph);
}
