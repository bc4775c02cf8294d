/* The ONNX frontend on small models built in memory (tests/support/
 * onnx_builder.c): every RF below is derived by hand with Araujo et al.'s
 * formula (REFERENCE.md section 1): r = 1 + sum (k_l - 1) prod_{i<l} s_i,
 * P_{l-1} = s_l P_l + p_l, centre of unit 0 = -P + (r - 1)/2. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fovea.h"
#include "onnx_builder.h"

int onnx_op_table_sorted(void); /* src/frontends/onnx_ops.c */


/* Parses the model, failing the test with the diagnostic on error. */
static fv_graph *parse(ob_model *m, const fv_load_options *opts)
{
    size_t len;
    uint8_t *buf = ob_pack(m, &len);
    fv_graph *g = NULL;
    fv_diag d;
    fv_diag_init(&d);
    fv_status st = fv_onnx_parse(buf, len, "fixture.onnx", opts, &g, &d);
    if (st != FV_OK)
        fv_diag_print(&d, stderr);
    assert_int_equal(st, FV_OK);
    free(buf);
    ob_free(m);
    return g;
}

static fv_rf rf_of(const fv_graph *g, const fv_trf *t, const char *name)
{
    int32_t i = fv_graph_find(g, name);
    if (i < 0)
        fail_msg("no node '%s'", name);
    fv_rf rf;
    fv_trf_get(t, i, &rf);
    return rf;
}

static fv_trf *compute(const fv_graph *g, const int64_t *hw)
{
    fv_trf *t = NULL;
    fv_diag d;
    fv_diag_init(&d);
    fv_status st = fv_trf_compute(g, hw, &t, &d);
    if (st != FV_OK)
        fv_diag_print(&d, stderr);
    assert_int_equal(st, FV_OK);
    return t;
}

static void assert_axis(const fv_rf_axis *a, int64_t size, int64_t stride_num, int64_t stride_den,
                        int64_t padding)
{
    assert_int_equal(a->size_min, size);
    assert_int_equal(a->size_max, size);
    assert_int_equal(a->stride.num, stride_num);
    assert_int_equal(a->stride.den, stride_den);
    assert_int_equal(a->padding, padding);
}

static void conv(ob_model *m, const char *name, const char *in, const char *out, int64_t k,
                 int64_t s, int64_t p, const char *auto_pad)
{
    char inputs[128];
    snprintf(inputs, sizeof inputs, "%s,%s_w", in, name);
    char wname[64];
    snprintf(wname, sizeof wname, "%s_w", name);
    int64_t dims[4] = {4, 4, k, k};
    ob_weight(m, wname, 4, dims, NULL, 1);
    ob_node_t *n = ob_node(m, "Conv", name, inputs, out);
    ob_ints(m, n, "kernel_shape", 2, (int64_t[]){k, k});
    ob_ints(m, n, "strides", 2, (int64_t[]){s, s});
    if (auto_pad)
        ob_str(m, n, "auto_pad", auto_pad);
    else
        ob_ints(m, n, "pads", 4, (int64_t[]){p, p, p, p});
}

/* conv 3x3 pads 1; conv 3x3 s2 SAME_UPPER; conv 3x3 s2 SAME_LOWER; maxpool 2 s2; at 32x32. */
static void test_padding_rules(void **state)
{
    (void)state;
    ob_model *m = ob_new(13);
    ob_input(m, "x", 4, (int64_t[]){1, 4, 32, 32});
    conv(m, "c1", "x", "a", 3, 1, 1, NULL);
    conv(m, "c2", "a", "b", 3, 2, 0, "SAME_UPPER");
    conv(m, "c3", "b", "c", 3, 2, 0, "SAME_LOWER");
    ob_node_t *p = ob_node(m, "MaxPool", "pool", "c", "y");
    ob_ints(m, p, "kernel_shape", 2, (int64_t[]){2, 2});
    ob_ints(m, p, "strides", 2, (int64_t[]){2, 2});
    ob_output(m, "y");
    fv_graph *g = parse(m, NULL);
    int64_t hw[2];
    fv_graph_input_size(g, hw);
    assert_int_equal(hw[0], 32); /* from the declared input shape */
    assert_int_equal(fv_graph_channels(g, fv_graph_find(g, "c1")), 4); /* weight dims[0] */
    fv_trf *t = compute(g, NULL);
    /* c1: r = 3, S = 1, P = 1 */
    fv_rf rf = rf_of(g, t, "c1");
    assert_axis(&rf.axis[0], 3, 1, 1, 1);
    /* c2 at 32: out 16, total pad (16-1)*2 + 3 - 32 = 1, SAME_UPPER begin 0:
     * r = 3 + 2*1 = 5, S = 2, P = 1 + 0*1 = 1 */
    rf = rf_of(g, t, "c2");
    assert_axis(&rf.axis[1], 5, 2, 1, 1);
    /* c3 at 16: total (8-1)*2 + 3 - 16 = 1, SAME_LOWER begin 1:
     * r = 5 + 2*2 = 9, S = 4, P = 1 + 1*2 = 3 */
    rf = rf_of(g, t, "c3");
    assert_axis(&rf.axis[0], 9, 4, 1, 3);
    /* pool: r = 9 + 1*4 = 13, S = 8, P = 3; centre -3 + 12/2 = 3 */
    rf = rf_of(g, t, "pool");
    assert_axis(&rf.axis[0], 13, 8, 1, 3);
    assert_axis(&rf.axis[1], 13, 8, 1, 3);
    assert_int_equal(rf.axis[0].centre.num, 3);
    assert_int_equal(rf.axis[0].centre.den, 1);
    assert_int_equal(rf.axis[0].map_size, 4); /* 32 -> 32 -> 16 -> 8 -> 4 */
    fv_trf_free(t);
    fv_graph_free(g);
}

/* conv 3x3 p1 -> relu -> conv 3x3 p1 -> add(., x): both paths centred on the unit. */
static void test_residual(void **state)
{
    (void)state;
    ob_model *m = ob_new(13);
    ob_input(m, "x", 4, (int64_t[]){1, 4, 16, 16});
    conv(m, "ca", "x", "a", 3, 1, 1, NULL);
    ob_node(m, "Relu", "r1", "a", "ar");
    conv(m, "cb", "ar", "b", 3, 1, 1, NULL);
    ob_node(m, "Add", "add", "b,x", "s");
    ob_node(m, "Relu", "", "s", "y");
    ob_output(m, "y");
    fv_graph *g = parse(m, NULL);
    assert_true(fv_graph_find(g, "Relu_4") >= 0); /* unnamed: <OpType>_<index> */
    fv_trf *t = compute(g, NULL);
    fv_rf rf = rf_of(g, t, "add");
    /* conv path r = 1 + 2 + 2 = 5, P = 2, centre 0; identity path r = 1, centre 0 */
    assert_axis(&rf.axis[0], 5, 1, 1, 2);
    assert_true(rf.merge);
    assert_true(rf.aligned);
    assert_int_equal(rf.axis[0].path_min.num, 1);
    assert_int_equal(rf.axis[0].path_max.num, 5);
    fv_trf_free(t);
    fv_graph_free(g);
}

/* SE block: GlobalAveragePool -> 1x1 conv -> Relu -> 1x1 conv -> Sigmoid -> Mul. */
static void test_se_block(void **state)
{
    (void)state;
    ob_model *m = ob_new(13);
    ob_input(m, "x", 4, (int64_t[]){1, 4, 16, 16});
    conv(m, "body", "x", "c", 3, 1, 1, NULL);
    ob_node(m, "GlobalAveragePool", "squeeze", "c", "g");
    conv(m, "fc1", "g", "h", 1, 1, 0, NULL);
    ob_node(m, "Relu", "fc1_relu", "h", "hr");
    conv(m, "fc2", "hr", "e", 1, 1, 0, NULL);
    ob_node(m, "Sigmoid", "gate", "e", "s");
    ob_node(m, "Mul", "scale", "c,s", "y");
    ob_output(m, "y");
    fv_graph *g = parse(m, NULL);
    fv_trf *t = compute(g, NULL);
    fv_rf rf = rf_of(g, t, "gate");
    assert_true(rf.whole_input); /* the squeeze path sees everything */
    rf = rf_of(g, t, "scale");
    assert_false(rf.whole_input);
    assert_true(rf.global_context);
    assert_axis(&rf.axis[0], 3, 1, 1, 1); /* the spatial path's: the 3x3 body conv */
    fv_trf_free(t);
    fv_graph_free(g);
}

/* FPN top-down: c2 (stride 4) upsampled x2 by Resize nearest, added to a 1x1
 * lateral conv on c1 (stride 2). */
static void test_fpn_resize(void **state)
{
    (void)state;
    ob_model *m = ob_new(13);
    ob_input(m, "x", 4, (int64_t[]){1, 4, 32, 32});
    conv(m, "c1", "x", "f1", 3, 2, 1, NULL);
    conv(m, "c2", "f1", "f2", 3, 2, 1, NULL);
    ob_init_floats(m, "scales", 4, (float[]){1, 1, 2, 2});
    ob_node_t *r = ob_node(m, "Resize", "up", "f2,,scales", "u");
    ob_str(m, r, "mode", "nearest");
    ob_str(m, r, "coordinate_transformation_mode", "asymmetric");
    ob_str(m, r, "nearest_mode", "floor");
    conv(m, "lateral", "f1", "l", 1, 1, 0, NULL);
    ob_node(m, "Add", "merge", "u,l", "y");
    ob_output(m, "y");
    fv_graph *g = parse(m, NULL);
    const fv_params *p = fv_graph_params(g, fv_graph_find(g, "up"));
    assert_int_equal(p->resize.scale_num[0], 2);
    assert_int_equal(p->resize.scale_den[0], 1);
    assert_int_equal(p->resize.mode, FV_RESIZE_NEAREST);
    fv_trf *t = compute(g, NULL);
    /* c2: r = 3 + 2*2 = 7, S = 4, P = 1 + 1*2 = 3 */
    fv_rf rf = rf_of(g, t, "c2");
    assert_axis(&rf.axis[0], 7, 4, 1, 3);
    /* up: unit o reads c2 unit floor(o/2); 1 tap adds nothing: r = 7, S = 4/2 = 2,
     * and the pattern repeats every 2 units */
    rf = rf_of(g, t, "up");
    assert_int_equal(rf.axis[0].size_max, 7);
    assert_int_equal(rf.axis[0].stride.num, 2);
    assert_int_equal(rf.axis[0].period, 2);
    /* merge: lateral r = 3 (c1) inside the upsampled 7 at every unit: 7, but
     * at odd units the centres differ (2o - 2 vs 2o): not aligned */
    rf = rf_of(g, t, "merge");
    assert_int_equal(rf.axis[0].size_min, 7);
    assert_int_equal(rf.axis[0].size_max, 7);
    assert_true(rf.merge);
    assert_false(rf.aligned);
    assert_int_equal(rf.axis[0].path_min.num, 3);
    assert_int_equal(rf.axis[0].path_max.num, 7);
    fv_trf_free(t);
    fv_graph_free(g);
}

/* ConvTranspose k4 s2 p1 (the usual x2 upsampler), and output_shape. */
static void test_conv_transpose(void **state)
{
    (void)state;
    ob_model *m = ob_new(13);
    ob_input(m, "x", 4, (int64_t[]){1, 4, 8, 8});
    ob_weight(m, "wt", 4, (int64_t[]){4, 2, 4, 4}, NULL, 1);
    ob_node_t *n = ob_node(m, "ConvTranspose", "up", "x,wt", "u");
    ob_ints(m, n, "strides", 2, (int64_t[]){2, 2});
    ob_ints(m, n, "pads", 4, (int64_t[]){1, 1, 1, 1});
    ob_weight(m, "wt3", 4, (int64_t[]){2, 2, 3, 3}, NULL, 1);
    n = ob_node(m, "ConvTranspose", "up2", "u,wt3", "y");
    ob_ints(m, n, "strides", 2, (int64_t[]){2, 2});
    ob_ints(m, n, "output_shape", 2, (int64_t[]){32, 32});
    ob_output(m, "y");
    fv_graph *g = parse(m, NULL);
    assert_int_equal(fv_graph_channels(g, fv_graph_find(g, "up")), 2); /* dims[1] * group */
    /* up2 at 16 -> 32: total = 2*15 + 0 + 3 - 32 = 1; NOTSET puts total - total/2 = 1 first */
    const fv_window *w = &fv_graph_params(g, fv_graph_find(g, "up2"))->window;
    assert_int_equal(w->rule, FV_PAD_EXPLICIT);
    assert_int_equal(w->pad_begin[0], 1);
    assert_int_equal(w->pad_end[0], 0);
    fv_trf *t = compute(g, NULL);
    /* up: output o reads inputs i with o + 1 - t = 2i, t < 4: two taps at every
     * o, so r = 2; S = 1/2; Araujo's per-path size (k - 1)/s + 1 = 5/2 */
    fv_rf rf = rf_of(g, t, "up");
    assert_axis(&rf.axis[0], 2, 1, 2, 1);
    assert_int_equal(rf.axis[0].path_max.num, 5);
    assert_int_equal(rf.axis[0].path_max.den, 2);
    assert_int_equal(fv_trf_map(t, fv_graph_find(g, "up2"))->size[0], 32);
    fv_trf_free(t);
    fv_graph_free(g);
}

/* Shape -> Gather -> Unsqueeze -> Concat -> Reshape -> Gemm: the shape
 * arithmetic leaves no node behind; the reshape flattens. */
static void test_shape_subgraph(void **state)
{
    (void)state;
    ob_model *m = ob_new(13);
    ob_input(m, "x", 4, (int64_t[]){-1, 4, -1, -1});
    conv(m, "c", "x", "f", 3, 1, 1, NULL);
    ob_node(m, "Shape", "shape", "f", "sh");
    ob_init_ints(m, "zero", 1, (int64_t[]){0});
    ob_node(m, "Gather", "batch", "sh,zero", "n");
    ob_node(m, "Unsqueeze", "n1", "n,zero", "n1");
    ob_node_t *k = ob_node(m, "Constant", "minus1", "", "m1");
    ob_ints(m, k, "value_ints", 1, (int64_t[]){-1});
    ob_node_t *cat = ob_node(m, "Concat", "target", "n1,m1", "tshape");
    ob_int(m, cat, "axis", 0);
    ob_node(m, "Reshape", "flat", "f,tshape", "v");
    ob_weight(m, "fc_w", 2, (int64_t[]){10, 64}, NULL, 0);
    ob_node_t *fc = ob_node(m, "Gemm", "fc", "v,fc_w", "y");
    ob_int(m, fc, "transB", 1);
    ob_output(m, "y");
    fv_graph *g = parse(m, NULL);
    assert_int_equal(fv_graph_size(g), 4); /* x, c, flat, fc */
    assert_int_equal(fv_graph_op(g, fv_graph_find(g, "flat")), FV_OP_FLATTEN);
    assert_int_equal(fv_graph_channels(g, fv_graph_find(g, "fc")), 10);
    /* Concat(Unsqueeze(Gather(Shape))), [-1]) folds to 2 values, the batch
     * size left to run time: a flatten for certain, with no warning */
    assert_int_equal(fv_graph_n_warnings(g), 0);
    int64_t hw[2];
    fv_graph_input_size(g, hw);
    assert_int_equal(hw[0], 0); /* symbolic: --input supplies it */
    fv_trf *t = compute(g, (int64_t[]){8, 8});
    assert_true(rf_of(g, t, "fc").whole_input);
    fv_trf_free(t);
    fv_graph_free(g);
}

static ob_model *unknown_model(void)
{
    ob_model *m = ob_new(13);
    ob_input(m, "x", 4, (int64_t[]){1, 4, 16, 16});
    conv(m, "c1", "x", "a", 3, 1, 1, NULL);
    ob_node(m, "Frobnicate", "mystery", "a", "b");
    conv(m, "c2", "b", "y", 3, 1, 1, NULL);
    ob_output(m, "y");
    return m;
}

/* Shape arithmetic folded at parse time: PyTorch's F.interpolate(size=...)
 * exports Resize sizes as Concat(Slice(Shape(f), 0, 2), [32, 32]), and
 * size = f.shape[2:] * 2 as Concat(Slice(Shape(f), 0, 2), Mul(Slice(Shape(f), 2, 4), 2)).
 * Both double a 16x16 map: a linear resize by 2 after a 3x3 conv. */
static void test_folded_sizes(void **state)
{
    (void)state;
    for (int variant = 0; variant < 2; variant++) {
        ob_model *m = ob_new(13);
        ob_input(m, "x", 4, (int64_t[]){1, 4, 16, 16});
        conv(m, "c", "x", "f", 3, 1, 1, NULL);
        ob_node(m, "Shape", "shape", "f", "sh");
        ob_init_ints(m, "zero", 1, (int64_t[]){0});
        ob_init_ints(m, "two", 1, (int64_t[]){2});
        ob_init_ints(m, "four", 1, (int64_t[]){4});
        ob_node(m, "Slice", "nc", "sh,zero,two", "nc");
        if (variant == 0) {
            ob_init_ints(m, "hw", 2, (int64_t[]){32, 32});
        } else {
            ob_node(m, "Slice", "spatial", "sh,two,four", "hw_in");
            ob_node(m, "Mul", "twice", "hw_in,two", "hw");
        }
        ob_node_t *cat = ob_node(m, "Concat", "sizes", "nc,hw", "sz");
        ob_int(m, cat, "axis", 0);
        ob_node_t *r = ob_node(m, "Resize", "up", "f,,,sz", "y");
        ob_str(m, r, "mode", "linear");
        ob_output(m, "y");
        fv_graph *g = parse(m, NULL);
        const fv_resize *rs = &fv_graph_params(g, fv_graph_find(g, "up"))->resize;
        assert_int_equal(rs->scale_num[0], 2); /* 32 / 16 */
        assert_int_equal(rs->scale_den[0], 1);
        assert_int_equal(rs->scale_num[1], 2);
        fv_trf *t = compute(g, NULL);
        fv_rf rf = rf_of(g, t, "up");
        /* half-pixel linear x2: each output reads 2 conv units (S = 1), RF 3 + 1 = 4, S = 1/2 */
        assert_int_equal(rf.axis[0].size_max, 4);
        assert_int_equal(rf.axis[0].stride.num, 1);
        assert_int_equal(rf.axis[0].stride.den, 2);
        assert_int_equal(rf.axis[0].map_size, 32);
        fv_trf_free(t);
        fv_graph_free(g);
    }
    /* A target shape fovea does not fold (ConstantOfShape): a flatten, with a warning. */
    ob_model *m = ob_new(13);
    ob_input(m, "x", 4, (int64_t[]){1, 4, 16, 16});
    ob_init_ints(m, "len", 1, (int64_t[]){2});
    ob_node(m, "ConstantOfShape", "zeros", "len", "target");
    ob_node(m, "Reshape", "flat", "x,target", "y");
    ob_output(m, "y");
    fv_graph *g = parse(m, NULL);
    assert_int_equal(fv_graph_op(g, fv_graph_find(g, "flat")), FV_OP_FLATTEN);
    assert_int_equal(fv_graph_n_warnings(g), 1);
    assert_string_equal(fv_graph_warning(g, 0), "node 1 'flat' (Reshape): the target shape is "
                                                "computed at run time; fovea takes it as a flatten");
    fv_graph_free(g);
}

static void test_unknown_op(void **state)
{
    (void)state;
    ob_model *m = unknown_model();
    size_t len;
    uint8_t *buf = ob_pack(m, &len);
    ob_free(m);
    fv_graph *g = NULL;
    fv_diag d;
    fv_diag_init(&d);
    assert_int_equal(fv_onnx_parse(buf, len, "u.onnx", NULL, &g, &d), FV_ERR_UNSUPPORTED);
    assert_null(g);
    assert_string_equal(d.message, "node 1 'mystery' (Frobnicate): unknown operator 'Frobnicate' "
                                   "(--unknown=identity assumes it changes nothing spatially)");
    fv_load_options opts = {.unknown_as_identity = 1};
    assert_int_equal(fv_onnx_parse(buf, len, "u.onnx", &opts, &g, &d), FV_OK);
    free(buf);
    assert_int_equal(fv_graph_n_warnings(g), 1);
    assert_string_equal(fv_graph_warning(g, 0),
                        "node 1 'mystery' (Frobnicate): unknown operator, assumed to be identity");
    fv_trf *t = compute(g, NULL);
    fv_rf rf = rf_of(g, t, "c1");
    assert_false(rf.assumed_identity);
    rf = rf_of(g, t, "c2");
    assert_true(rf.assumed_identity);
    assert_axis(&rf.axis[0], 5, 1, 1, 2); /* identity in the middle: 1 + 2 + 2 */
    fv_trf_free(t);
    fv_graph_free(g);
}

static void test_weights(void **state)
{
    (void)state;
    char dir[] = "/tmp/fovea_onnx_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], data_path[256];
    snprintf(path, sizeof path, "%s/m.onnx", dir);
    snprintf(data_path, sizeof data_path, "%s/m.data", dir);
    float ext[8] = {0}, w[36], b[4] = {1, 2, 3, 4};
    for (int k = 0; k < 36; k++)
        w[k] = (float)k / 4;
    ext[4] = 0.5f; /* the tensor starts at byte 16 */
    FILE *f = fopen(data_path, "wb");
    assert_non_null(f);
    fwrite(ext, sizeof ext, 1, f);
    fclose(f);

    ob_model *m = ob_new(13);
    ob_input(m, "x", 4, (int64_t[]){1, 4, 8, 8});
    ob_weight(m, "w", 4, (int64_t[]){4, 1, 3, 3}, w, 1);
    ob_weight(m, "b", 1, (int64_t[]){4}, b, 0);
    ob_node_t *n = ob_node(m, "Conv", "dw", "x,w,b", "a");
    ob_int(m, n, "group", 4);
    ob_weight(m, "slope", 1, (int64_t[]){4}, NULL, 1);
    ob_external(m, "slope", "m.data", 16);
    ob_node(m, "PRelu", "act", "a,slope", "y");
    ob_output(m, "y");
    size_t len;
    uint8_t *buf = ob_pack(m, &len);
    ob_free(m);

    fv_graph *g = NULL;
    fv_diag d;
    const float *data;
    int64_t dims[4];
    int nd;
    /* Without keep_weights the graph has none (and no external file is read). */
    assert_int_equal(fv_onnx_parse(buf, len, path, NULL, &g, &d), FV_OK);
    assert_int_equal(fv_graph_weight(g, 1, FV_WEIGHT, &data, dims, &nd, &d), FV_ERR_USAGE);
    fv_graph_free(g);

    fv_load_options opts = {.keep_weights = 1};
    assert_int_equal(fv_onnx_parse(buf, len, path, &opts, &g, &d), FV_OK);
    free(buf);
    int32_t dw = fv_graph_find(g, "dw"), act = fv_graph_find(g, "act");
    assert_int_equal(fv_graph_weight(g, dw, FV_WEIGHT, &data, dims, &nd, &d), FV_OK);
    assert_int_equal(nd, 4);
    assert_int_equal(dims[0], 4);
    assert_int_equal(dims[1], 1);
    assert_true(data[35] == 8.75f); /* raw_data, little-endian float32 */
    assert_int_equal(fv_graph_weight(g, dw, FV_BIAS, &data, dims, &nd, &d), FV_OK);
    assert_true(data[3] == 4.0f); /* float_data */
    assert_int_equal(fv_graph_weight(g, act, FV_WEIGHT, &data, dims, &nd, &d), FV_OK);
    assert_true(data[0] == 0.5f); /* external file at offset 16 */
    assert_int_equal(fv_graph_weight(g, act, FV_BIAS, &data, dims, &nd, &d), FV_ERR_SEMANTIC);
    fv_graph_free(g);
    unlink(data_path);
    rmdir(dir);
}

/* --layer names: a node name, the tensor a node produces, or a prefix that
 * selects the last node of a stage. Names in the style of PyTorch's exporter. */
static void test_layer_names(void **state)
{
    (void)state;
    ob_model *m = ob_new(13);
    ob_input(m, "x", 4, (int64_t[]){1, 4, 16, 16});
    conv(m, "/layer1/conv/Conv", "x", "/layer1/conv/Conv_output_0", 3, 1, 1, NULL);
    ob_node(m, "Relu", "/layer1/relu/Relu", "/layer1/conv/Conv_output_0", "t1");
    ob_node_t *n = ob_node(m, "Split", "/layer2/Split", "t1", "s0,s1");
    ob_int(m, n, "axis", 1);
    /* a tensor named like a node: the node name wins */
    ob_node(m, "Add", "/layer2/Add", "s0,s1", "/layer1/relu/Relu");
    ob_output(m, "/layer1/relu/Relu");
    fv_graph *g = parse(m, NULL);
    int32_t conv_node = fv_graph_find(g, "/layer1/conv/Conv");
    int32_t relu = fv_graph_find(g, "/layer1/relu/Relu");
    int32_t split0 = fv_graph_find(g, "/layer2/Split");
    int32_t split1 = fv_graph_find(g, "/layer2/Split:1");
    int32_t add = fv_graph_find(g, "/layer2/Add");
    assert_true(conv_node >= 0 && relu >= 0 && split0 >= 0 && split1 >= 0 && add >= 0);
    assert_int_equal(fv_graph_select(g, "/layer1/conv/Conv"), conv_node);
    assert_int_equal(fv_graph_select(g, "/layer1/conv/Conv_output_0"), conv_node);
    assert_int_equal(fv_graph_select(g, "t1"), relu);
    assert_int_equal(fv_graph_select(g, "s0"), split0);
    assert_int_equal(fv_graph_select(g, "s1"), split1);
    assert_int_equal(fv_graph_select(g, "/layer1/relu/Relu"), relu);
    assert_int_equal(fv_graph_select(g, "/layer1"), relu); /* the stage's last node */
    assert_int_equal(fv_graph_select(g, "/layer2"), add);
    assert_int_equal(fv_graph_op(g, fv_graph_select(g, "x")), FV_OP_INPUT);
    assert_int_equal(fv_graph_select(g, "/layer"), -1); /* a prefix ends at a separator */
    assert_int_equal(fv_graph_select(g, "s2"), -1);
    fv_graph_free(g);
}

static void test_op_table_sorted(void **state)
{
    (void)state;
    assert_true(onnx_op_table_sorted());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_padding_rules),  cmocka_unit_test(test_residual),
        cmocka_unit_test(test_se_block),       cmocka_unit_test(test_fpn_resize),
        cmocka_unit_test(test_conv_transpose), cmocka_unit_test(test_shape_subgraph),
        cmocka_unit_test(test_unknown_op),     cmocka_unit_test(test_weights),
        cmocka_unit_test(test_layer_names),    cmocka_unit_test(test_op_table_sorted),
        cmocka_unit_test(test_folded_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
