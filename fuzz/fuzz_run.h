/* The one entry point every fuzz target and the regression replay share:
 * parse an input in one format, then run everything an analysis would run
 * on what was parsed. */
#ifndef FV_FUZZ_RUN_H
#define FV_FUZZ_RUN_H

#include <stddef.h>
#include <stdint.h>

typedef enum fv_fuzz_format {
    FV_FUZZ_TEXT,
    FV_FUZZ_ONNX,
    FV_FUZZ_DARKNET,
    FV_FUZZ_CAFFE,
    FV_FUZZ_FORMAT_COUNT
} fv_fuzz_format;

/* "text", "onnx", "darknet" or "caffe" to its format; FV_FUZZ_FORMAT_COUNT when unknown. */
fv_fuzz_format fv_fuzz_format_from_name(const char *name);

/* Parses `data` as `format`; when that succeeds, checks the graph, infers
 * shapes for a fixed input, computes the TRF (at the file's declared input
 * size when it has one), reads every node's RF and the
 * centre unit's exact box, writes the JSON report to nowhere, and frees
 * everything. Crashes, leaks and sanitizer reports are the only failures. */
void fv_fuzz_run(fv_fuzz_format format, const uint8_t *data, size_t size);

#endif
