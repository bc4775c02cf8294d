/* Malformed and unsupported ONNX files: each case is built here, committed
 * as tests/errors/onnx/NAME.onnx beside NAME.expected (exactly what
 * fv_diag_print writes; tests/run_golden_errors.sh checks the CLI prints it
 * too). This test checks that the committed files are what the builders
 * make, and that parsing them gives the pinned message.
 * FOVEA_REGENERATE=1 rewrites both from the builders instead. */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fovea.h"
#include "onnx_builder.h"

#define DIR "tests/errors/onnx/"

static uint8_t *pack_free(ob_model *m, size_t *len)
{
    uint8_t *buf = ob_pack(m, len);
    ob_free(m);
    return buf;
}

static uint8_t *copy_bytes(const char *bytes, size_t n, size_t *len)
{
    uint8_t *buf = malloc(n ? n : 1);
    memcpy(buf, bytes, n);
    *len = n;
    return buf;
}

/* input x (1x4x16x16) -> conv c1 (3x3 pads 1) -> y */
static ob_model *base(void)
{
    ob_model *m = ob_new(13);
    ob_input(m, "x", 4, (int64_t[]){1, 4, 16, 16});
    ob_weight(m, "w", 4, (int64_t[]){4, 4, 3, 3}, NULL, 1);
    ob_output(m, "y");
    return m;
}

static ob_node_t *conv(ob_model *m, const char *name, const char *in, const char *out)
{
    char inputs[64];
    snprintf(inputs, sizeof inputs, "%s,w", in);
    ob_node_t *n = ob_node(m, "Conv", name, inputs, out);
    ob_ints(m, n, "pads", 4, (int64_t[]){1, 1, 1, 1});
    return n;
}

static uint8_t *make_empty(size_t *len) { return copy_bytes("", 0, len); }

static uint8_t *make_truncated(size_t *len)
{
    ob_model *m = base();
    conv(m, "c1", "x", "y");
    uint8_t *buf = pack_free(m, len);
    *len /= 2;
    return buf;
}

/* field 7 (graph) written as a varint instead of a message */
static uint8_t *make_wrong_wire_type(size_t *len) { return copy_bytes("\x08\x08\x38\x01", 4, len); }

/* only ir_version: no graph */
static uint8_t *make_no_graph(size_t *len) { return copy_bytes("\x08\x08", 2, len); }

static uint8_t *make_no_opset(size_t *len)
{
    ob_model *m = ob_new(0);
    ob_input(m, "x", 4, (int64_t[]){1, 4, 16, 16});
    ob_node(m, "Relu", "r", "x", "y");
    return pack_free(m, len);
}

static uint8_t *make_missing_input(size_t *len)
{
    ob_model *m = ob_new(13);
    ob_init_floats(m, "k", 1, (float[]){1});
    ob_node(m, "Relu", "r", "k", "y");
    return pack_free(m, len);
}

static uint8_t *make_two_inputs(size_t *len)
{
    ob_model *m = base();
    ob_input(m, "depth", 4, (int64_t[]){1, 1, 16, 16});
    conv(m, "c1", "x", "y");
    return pack_free(m, len);
}

static uint8_t *make_unknown_op(size_t *len)
{
    ob_model *m = base();
    conv(m, "c1", "x", "a");
    ob_node(m, "GridSample", "warp", "a,a", "y");
    return pack_free(m, len);
}

static uint8_t *make_foreign_domain(size_t *len)
{
    ob_model *m = base();
    ob_node_t *n = ob_node(m, "FusedConv", "fused", "x,w", "y");
    ob_set_domain(m, n, "com.microsoft");
    return pack_free(m, len);
}

static uint8_t *make_bad_attr_type(size_t *len)
{
    ob_model *m = base();
    ob_node_t *n = ob_node(m, "MaxPool", "pool", "x", "y");
    ob_str(m, n, "kernel_shape", "3x3");
    return pack_free(m, len);
}

static uint8_t *make_negative_kernel(size_t *len)
{
    ob_model *m = base();
    ob_node_t *n = ob_node(m, "MaxPool", "pool", "x", "y");
    ob_ints(m, n, "kernel_shape", 2, (int64_t[]){-3, 3});
    return pack_free(m, len);
}

static uint8_t *make_zero_stride(size_t *len)
{
    ob_model *m = base();
    ob_node_t *n = conv(m, "c1", "x", "y");
    ob_ints(m, n, "strides", 2, (int64_t[]){0, 1});
    return pack_free(m, len);
}

static uint8_t *make_huge_pads(size_t *len)
{
    ob_model *m = base();
    ob_node_t *n = ob_node(m, "Conv", "c1", "x,w", "y");
    ob_ints(m, n, "pads", 4, (int64_t[]){1, 1000000000000, 1, 1});
    return pack_free(m, len);
}

static uint8_t *make_huge_dilation(size_t *len)
{
    ob_model *m = base();
    ob_node_t *n = conv(m, "c1", "x", "y");
    ob_ints(m, n, "dilations", 2, (int64_t[]){1, INT64_MAX});
    return pack_free(m, len);
}

static uint8_t *make_zero_group(size_t *len)
{
    ob_model *m = base();
    ob_node_t *n = conv(m, "c1", "x", "y");
    ob_int(m, n, "group", 0);
    return pack_free(m, len);
}

static uint8_t *make_zero_blocksize(size_t *len)
{
    ob_model *m = base();
    ob_node_t *n = ob_node(m, "DepthToSpace", "d2s", "x", "y");
    ob_int(m, n, "blocksize", 0);
    return pack_free(m, len);
}

static uint8_t *make_lrn_no_size(size_t *len)
{
    ob_model *m = base();
    ob_float(m, ob_node(m, "LRN", "norm", "x", "y"), "alpha", 1e-4f);
    return pack_free(m, len);
}

static uint8_t *make_lrn_zero_size(size_t *len)
{
    ob_model *m = base();
    ob_int(m, ob_node(m, "LRN", "norm", "x", "y"), "size", 0);
    return pack_free(m, len);
}

static uint8_t *make_lrn_nan_alpha(size_t *len)
{
    ob_model *m = base();
    ob_node_t *n = ob_node(m, "LRN", "norm", "x", "y");
    ob_int(m, n, "size", 5);
    ob_float(m, n, "alpha", NAN);
    return pack_free(m, len);
}

static uint8_t *make_d2s_bad_mode(size_t *len)
{
    ob_model *m = base();
    ob_node_t *n = ob_node(m, "DepthToSpace", "shuffle", "x", "y");
    ob_int(m, n, "blocksize", 2);
    ob_str(m, n, "mode", "RCD");
    return pack_free(m, len);
}

static uint8_t *make_resize_nan_scale(size_t *len)
{
    ob_model *m = base();
    ob_init_floats(m, "scales", 4, (float[]){1, 1, NAN, 2});
    ob_node(m, "Resize", "up", "x,,scales", "y");
    return pack_free(m, len);
}

static uint8_t *make_slice_zero_step(size_t *len)
{
    ob_model *m = base();
    ob_init_ints(m, "starts", 1, (int64_t[]){0});
    ob_init_ints(m, "ends", 1, (int64_t[]){8});
    ob_init_ints(m, "axes", 1, (int64_t[]){3});
    ob_init_ints(m, "steps", 1, (int64_t[]){0});
    ob_node(m, "Slice", "crop", "x,starts,ends,axes,steps", "y");
    return pack_free(m, len);
}

static uint8_t *make_pads_length(size_t *len)
{
    ob_model *m = base();
    ob_node_t *n = ob_node(m, "Conv", "c1", "x,w", "y");
    ob_ints(m, n, "pads", 3, (int64_t[]){1, 1, 1});
    return pack_free(m, len);
}

static uint8_t *make_bad_auto_pad(size_t *len)
{
    ob_model *m = base();
    ob_node_t *n = ob_node(m, "Conv", "c1", "x,w", "y");
    ob_str(m, n, "auto_pad", "SAME");
    return pack_free(m, len);
}

static uint8_t *make_dangling_tensor(size_t *len)
{
    ob_model *m = base();
    conv(m, "c1", "x", "a");
    ob_node(m, "Add", "sum", "a,ghost", "y");
    return pack_free(m, len);
}

static uint8_t *make_cycle(size_t *len)
{
    ob_model *m = base();
    ob_node(m, "Add", "left", "x,b", "a");
    ob_node(m, "Relu", "right", "a", "b");
    ob_node(m, "Relu", "out", "b", "y");
    return pack_free(m, len);
}

static uint8_t *make_produced_twice(size_t *len)
{
    ob_model *m = base();
    ob_node(m, "Relu", "r1", "x", "y");
    ob_node(m, "Sigmoid", "r2", "x", "y");
    return pack_free(m, len);
}

static uint8_t *make_concat_spatial(size_t *len)
{
    ob_model *m = base();
    conv(m, "c1", "x", "a");
    ob_node_t *n = ob_node(m, "Concat", "cat", "a,x", "y");
    ob_int(m, n, "axis", 3);
    return pack_free(m, len);
}

static uint8_t *make_pad_batch(size_t *len)
{
    ob_model *m = base();
    ob_init_ints(m, "pads", 8, (int64_t[]){1, 0, 0, 0, 0, 0, 0, 0});
    ob_node(m, "Pad", "pad", "x,pads", "y");
    return pack_free(m, len);
}

/* base() with Resize `name` by `scale` on both image axes, in `mode`
 * (NULL: no attribute); the node for more attributes in *n. */
static ob_model *resize_base(const char *name, float scale, const char *mode, ob_node_t **n)
{
    ob_model *m = base();
    ob_init_floats(m, "scales", 4, (float[]){1, 1, scale, scale});
    *n = ob_node(m, "Resize", name, "x,,scales", "y");
    if (mode)
        ob_str(m, *n, "mode", mode);
    return m;
}

static uint8_t *make_resize_nearest_corners(size_t *len)
{
    ob_node_t *n;
    ob_model *m = resize_base("up", 2, NULL, &n);
    ob_str(m, n, "coordinate_transformation_mode", "align_corners");
    return pack_free(m, len);
}

static uint8_t *make_resize_antialias(size_t *len)
{
    ob_node_t *n;
    ob_model *m = resize_base("down", 0.5f, "linear", &n);
    ob_int(m, n, "antialias", 1);
    return pack_free(m, len);
}

static uint8_t *make_resize_cubic_nan(size_t *len)
{
    ob_node_t *n;
    ob_model *m = resize_base("up", 2, "cubic", &n);
    ob_float(m, n, "cubic_coeff_a", NAN);
    return pack_free(m, len);
}

static uint8_t *make_resize_sizes_dynamic(size_t *len)
{
    ob_model *m = ob_new(13);
    ob_input(m, "x", 4, (int64_t[]){1, 4, -1, -1});
    ob_init_ints(m, "sizes", 4, (int64_t[]){1, 4, 64, 64});
    ob_node_t *n = ob_node(m, "Resize", "up", "x,,,sizes", "y");
    ob_str(m, n, "mode", "linear");
    ob_output(m, "y");
    return pack_free(m, len);
}

static uint8_t *make_transpose_nhwc(size_t *len)
{
    ob_model *m = base();
    ob_node_t *n = ob_node(m, "Transpose", "to_nhwc", "x", "y");
    ob_ints(m, n, "perm", 4, (int64_t[]){0, 2, 3, 1});
    return pack_free(m, len);
}

static uint8_t *make_constant_no_value(size_t *len)
{
    ob_model *m = base();
    ob_node(m, "Constant", "k", "", "kv");
    ob_node(m, "Add", "sum", "x,kv", "y");
    return pack_free(m, len);
}

/* Absurd sizes: each is refused with the limit it exceeds (src/ir/fv_limits.h). */
static uint8_t *make_input_too_big(size_t *len)
{
    ob_model *m = ob_new(13);
    ob_input(m, "x", 4, (int64_t[]){1, 4, 3000000000LL, 16});
    ob_node(m, "Relu", "r", "x", "y");
    ob_output(m, "y");
    return pack_free(m, len);
}

static uint8_t *make_kernel_too_big(size_t *len)
{
    ob_model *m = base();
    ob_node_t *n = ob_node(m, "MaxPool", "pool", "x", "y");
    ob_ints(m, n, "kernel_shape", 2, (int64_t[]){3, 100000});
    return pack_free(m, len);
}

static uint8_t *make_pads_too_big(size_t *len)
{
    ob_model *m = base();
    ob_node_t *n = ob_node(m, "AveragePool", "pool", "x", "y");
    ob_ints(m, n, "kernel_shape", 2, (int64_t[]){3, 3});
    ob_ints(m, n, "pads", 4, (int64_t[]){0, 0, 0, 9000000000000LL});
    return pack_free(m, len);
}

static uint8_t *make_dilation_too_big(size_t *len)
{
    ob_model *m = base();
    ob_node_t *n = conv(m, "c1", "x", "y");
    ob_ints(m, n, "dilations", 2, (int64_t[]){70000, 1});
    return pack_free(m, len);
}

static uint8_t *make_self_cycle(size_t *len)
{
    ob_model *m = base();
    ob_node(m, "Add", "loop", "x,a", "a");
    ob_node(m, "Relu", "out", "a", "y");
    return pack_free(m, len);
}

/* 4097 inputs to one Concat: one more than FV_MAX_INPUTS. */
static uint8_t *make_too_many_inputs(size_t *len)
{
    ob_model *m = base();
    size_t n = 4097, cap = n * 2 + 1, used = 0;
    char *inputs = malloc(cap);
    for (size_t k = 0; k < n; k++) {
        inputs[used++] = 'x';
        inputs[used++] = k + 1 < n ? ',' : '\0';
    }
    ob_node_t *c = ob_node(m, "Concat", "cat", inputs, "y");
    ob_int(m, c, "axis", 1);
    free(inputs);
    return pack_free(m, len);
}

/* Prepends the varint v before buf[*at]. */
static void prepend_varint(uint8_t *buf, size_t *at, uint64_t v)
{
    uint8_t tmp[10];
    size_t n = 0;
    do {
        tmp[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    *at -= n;
    memcpy(buf + *at, tmp, n);
}

/* Subgraphs nested `levels` times (graph -> node -> attribute -> graph ...,
 * three message levels each), written by hand innermost first from the back
 * of the buffer. protobuf-c recurses once per message level with no limit:
 * 100,000 levels (1.2 MB) overflowed the stack before the depth check. */
static uint8_t *nested_graphs(size_t levels, size_t *len)
{
    /* AttributeProto.g = 6, NodeProto.attribute = 5, GraphProto.node = 1 */
    static const uint8_t fields[] = {6, 5, 1};
    size_t cap = 16 * (3 * levels + 4);
    uint8_t *buf = malloc(cap);
    size_t at = cap;
    for (size_t k = 0; k < 3 * levels; k++) {
        prepend_varint(buf, &at, cap - at);
        prepend_varint(buf, &at, (uint64_t)fields[k % 3] << 3 | 2);
    }
    prepend_varint(buf, &at, cap - at);
    prepend_varint(buf, &at, 7 << 3 | 2); /* ModelProto.graph */
    prepend_varint(buf, &at, 7);          /* ir_version = 7 */
    prepend_varint(buf, &at, 1 << 3 | 0);
    uint8_t *out = copy_bytes((const char *)buf + at, cap - at, len);
    free(buf);
    return out;
}

/* 40 levels: 121 message levels, past the limit of 100. */
static uint8_t *make_deep_nesting(size_t *len) { return nested_graphs(40, len); }

static const struct {
    const char *name;
    uint8_t *(*make)(size_t *len);
} cases[] = {
    {"empty", make_empty},
    {"truncated", make_truncated},
    {"wrong_wire_type", make_wrong_wire_type},
    {"no_graph", make_no_graph},
    {"no_opset", make_no_opset},
    {"missing_input", make_missing_input},
    {"two_inputs", make_two_inputs},
    {"unknown_op", make_unknown_op},
    {"foreign_domain", make_foreign_domain},
    {"bad_attr_type", make_bad_attr_type},
    {"negative_kernel", make_negative_kernel},
    {"zero_stride", make_zero_stride},
    {"pads_length", make_pads_length},
    {"huge_pads", make_huge_pads},
    {"huge_dilation", make_huge_dilation},
    {"zero_group", make_zero_group},
    {"zero_blocksize", make_zero_blocksize},
    {"lrn_no_size", make_lrn_no_size},
    {"lrn_zero_size", make_lrn_zero_size},
    {"lrn_nan_alpha", make_lrn_nan_alpha},
    {"d2s_bad_mode", make_d2s_bad_mode},
    {"resize_nan_scale", make_resize_nan_scale},
    {"slice_zero_step", make_slice_zero_step},
    {"bad_auto_pad", make_bad_auto_pad},
    {"dangling_tensor", make_dangling_tensor},
    {"cycle", make_cycle},
    {"produced_twice", make_produced_twice},
    {"concat_spatial", make_concat_spatial},
    {"pad_batch", make_pad_batch},
    {"resize_nearest_corners", make_resize_nearest_corners},
    {"resize_sizes_dynamic", make_resize_sizes_dynamic},
    {"resize_antialias", make_resize_antialias},
    {"resize_cubic_nan", make_resize_cubic_nan},
    {"transpose_nhwc", make_transpose_nhwc},
    {"constant_no_value", make_constant_no_value},
    {"input_too_big", make_input_too_big},
    {"kernel_too_big", make_kernel_too_big},
    {"pads_too_big", make_pads_too_big},
    {"dilation_too_big", make_dilation_too_big},
    {"self_cycle", make_self_cycle},
    {"too_many_inputs", make_too_many_inputs},
    {"deep_nesting", make_deep_nesting},
};

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    for (size_t got; (got = fread(buf + n, 1, cap - n, f)) > 0;) {
        n += got;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    *len = n;
    return buf;
}

static void spit(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

/* What fv_diag_print writes for this model, named as the CLI names it. */
static char *diagnose(const uint8_t *buf, size_t len, const char *rel)
{
    char *text = NULL;
    size_t text_len = 0;
    FILE *out = open_memstream(&text, &text_len);
    fv_graph *g = NULL;
    fv_diag d;
    fv_diag_init(&d);
    fv_status st = fv_onnx_parse(buf, len, rel, NULL, &g, &d);
    if (st == FV_OK) {
        fprintf(out, "(parsed without error)\n");
        fv_graph_free(g);
    } else {
        assert_null(g);
        fv_diag_print(&d, out);
    }
    fclose(out);
    return text;
}

static void test_golden(void **state)
{
    (void)state;
    int regenerate = getenv("FOVEA_REGENERATE") != NULL;
    assert_true(sizeof cases / sizeof cases[0] >= 15);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char rel[256], path[1024], expected_path[1024];
        snprintf(rel, sizeof rel, DIR "%s.onnx", cases[k].name);
        snprintf(path, sizeof path, "%s/%s", FOVEA_SOURCE_DIR, rel);
        snprintf(expected_path, sizeof expected_path, "%s/" DIR "%s.expected", FOVEA_SOURCE_DIR,
                 cases[k].name);
        size_t len, file_len, expected_len;
        uint8_t *built = cases[k].make(&len);
        char *got = diagnose(built, len, rel);
        if (regenerate) {
            spit(path, built, len);
            spit(expected_path, got, strlen(got));
        }
        uint8_t *file = slurp(path, &file_len);
        char *expected = (char *)slurp(expected_path, &expected_len);
        if (!file || !expected)
            fail_msg("%s: missing %s or its .expected (FOVEA_REGENERATE=1 writes them)", cases[k].name, rel);
        if (file_len != len || memcmp(file, built, len) != 0)
            fail_msg("%s: the committed file differs from what the builder makes", rel);
        if (expected_len != strlen(got) || memcmp(expected, got, expected_len) != 0)
            fail_msg("%s:\nexpected: %.*sgot:      %s", rel, (int)expected_len, expected, got);
        if (strstr(got, "parsed without error"))
            fail_msg("%s parsed without error", rel);
        free(built);
        free(got);
        free(file);
        free(expected);
    }
}

/* The megabyte version of deep_nesting: refused, not a stack overflow. */
static void test_deep_nesting_megabyte(void **state)
{
    (void)state;
    size_t len;
    uint8_t *buf = nested_graphs(100000, &len);
    assert_true(len > 1000000);
    fv_graph *g = NULL;
    fv_diag d;
    fv_diag_init(&d);
    assert_int_equal(fv_onnx_parse(buf, len, "deep.onnx", NULL, &g, &d), FV_ERR_LIMIT);
    assert_null(g);
    free(buf);
}

/* Every prefix of a valid model, and every single-byte corruption of it,
 * gives OK or an error: never a crash (run under ASan by scripts/test). */
static void test_prefixes_and_flips(void **state)
{
    (void)state;
    ob_model *m = base();
    conv(m, "c1", "x", "a");
    ob_init_floats(m, "scales", 4, (float[]){1, 1, 2, 2});
    ob_node(m, "Resize", "up", "a,,scales", "y");
    size_t len;
    uint8_t *buf = pack_free(m, &len);
    for (size_t n = 0; n <= len; n++) {
        fv_graph *g = NULL;
        fv_diag d;
        fv_status st = fv_onnx_parse(buf, n, "p.onnx", NULL, &g, &d);
        assert_true(st == FV_OK ? g != NULL : g == NULL);
        fv_graph_free(g);
    }
    for (size_t k = 0; k < len; k++) {
        uint8_t saved = buf[k];
        buf[k] ^= 0x5a;
        fv_graph *g = NULL;
        fv_diag d;
        fv_status st = fv_onnx_parse(buf, len, "f.onnx", NULL, &g, &d);
        assert_true(st == FV_OK ? g != NULL : g == NULL);
        fv_graph_free(g);
        buf[k] = saved;
    }
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_golden),
                                       cmocka_unit_test(test_prefixes_and_flips),
                                       cmocka_unit_test(test_deep_nesting_megabyte)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
