/* What the ERF engine reads from ONNX beyond receptive fields: the
 * constants of pointwise ops, LRN and pooling, and the refusal of operators
 * the RF analysis reads as stand-ins (Exp as identity, Mul by a constant). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fovea.h"
#include "erf_maps.h"
#include "onnx_builder.h"

/* Packs, frees and parses m, keeping its weights when asked. */
static fv_graph *parse(ob_model *m, int keep_weights)
{
    size_t len;
    uint8_t *buf = ob_pack(m, &len);
    fv_load_options lo = {0};
    lo.keep_weights = keep_weights;
    fv_graph *g = NULL;
    fv_diag diag;
    fv_diag_init(&diag);
    if (fv_onnx_parse(buf, len, "test.onnx", &lo, &g, &diag) != FV_OK)
        fail_msg("parse: %s", diag.message);
    free(buf);
    ob_free(m);
    return g;
}

static int32_t node(const fv_graph *g, const char *name)
{
    int32_t i = fv_graph_find(g, name);
    if (i < 0)
        fail_msg("no node '%s'", name);
    return i;
}

static fv_status run_erf(const fv_graph *g, const char *name, fv_diag *diag)
{
    fv_erf_options o;
    fv_erf_options_init(&o);
    fv_erf_result *r = NULL;
    fv_diag_init(diag);
    fv_status st = fv_erf_compute(g, node(g, name), &o, &r, diag);
    fv_erf_free(r);
    return st;
}

static void constants(void **state)
{
    (void)state;
    ob_model *m = ob_new(13);
    ob_input(m, "x", 4, (int64_t[]){1, 2, 8, 8});
    ob_float(m, ob_node(m, "LeakyRelu", "leaky", "x", "a"), "alpha", 0.3f);
    ob_float(m, ob_node(m, "Elu", "elu", "a", "b"), "alpha", 0.5f);
    ob_node_t *hs = ob_node(m, "HardSigmoid", "hs", "b", "c");
    ob_float(m, hs, "alpha", 0.25f);
    ob_float(m, hs, "beta", 0.4f);
    ob_weight(m, "s", 1, (int64_t[]){2}, NULL, 1);
    ob_weight(m, "bb", 1, (int64_t[]){2}, NULL, 1);
    ob_weight(m, "mu", 1, (int64_t[]){2}, NULL, 1);
    ob_weight(m, "var", 1, (int64_t[]){2}, NULL, 1);
    ob_float(m, ob_node(m, "BatchNormalization", "bn", "c,s,bb,mu,var", "d"), "epsilon", 1e-3f);
    ob_float(m, ob_node(m, "InstanceNormalization", "in", "d,s,bb", "d2"), "epsilon", 2e-3f);
    ob_node_t *ap = ob_node(m, "AveragePool", "ap", "d2", "e");
    ob_ints(m, ap, "kernel_shape", 2, (int64_t[]){3, 3});
    ob_ints(m, ap, "pads", 4, (int64_t[]){1, 1, 1, 1});
    ob_int(m, ap, "count_include_pad", 1);
    ob_output(m, "e");
    fv_graph *g = parse(m, 0);
    /* the attributes as written above (ONNX operator semantics) */
    assert_float_equal(fv_graph_params(g, node(g, "leaky"))->pointwise.alpha, 0.3, 1e-7);
    assert_float_equal(fv_graph_params(g, node(g, "elu"))->pointwise.alpha, 0.5, 1e-7);
    assert_float_equal(fv_graph_params(g, node(g, "hs"))->pointwise.alpha, 0.25, 1e-7);
    assert_float_equal(fv_graph_params(g, node(g, "hs"))->pointwise.beta, 0.4, 1e-7);
    assert_float_equal(fv_graph_params(g, node(g, "bn"))->pointwise.alpha, 1e-3, 1e-9);
    assert_float_equal(fv_graph_params(g, node(g, "in"))->pointwise.alpha, 2e-3, 1e-9);
    assert_int_equal(fv_graph_params(g, node(g, "ap"))->window.count_include_pad, 1);
    fv_diag diag;
    assert_int_equal(run_erf(g, "ap", &diag), FV_OK);
    fv_graph_free(g);
}

/* LRN: its four attributes as written, ONNX's defaults for the three
 * optional ones, and an ERF through both. */
static void lrn(void **state)
{
    (void)state;
    ob_model *m = ob_new(13);
    ob_input(m, "x", 4, (int64_t[]){1, 3, 8, 8});
    ob_node_t *n = ob_node(m, "LRN", "norm", "x", "a");
    ob_int(m, n, "size", 4);
    ob_float(m, n, "alpha", 0.5f);
    ob_float(m, n, "beta", 0.25f);
    ob_float(m, n, "bias", 2.0f);
    ob_int(m, ob_node(m, "LRN", "plain", "a", "b"), "size", 5);
    ob_output(m, "b");
    fv_graph *g = parse(m, 0);
    const fv_lrn *p = &fv_graph_params(g, node(g, "norm"))->lrn;
    assert_int_equal(fv_graph_op(g, node(g, "norm")), FV_OP_LRN);
    assert_true(p->size == 4 && p->alpha == 0.5 && p->beta == 0.25 && p->bias == 2.0);
    p = &fv_graph_params(g, node(g, "plain"))->lrn;
    assert_int_equal(p->size, 5);
    assert_true(p->alpha == 1e-4f && p->beta == 0.75 && p->bias == 1.0);
    fv_diag diag;
    assert_int_equal(run_erf(g, "plain", &diag), FV_OK);
    fv_graph_free(g);
}

static void stand_ins(void **state)
{
    (void)state;
    ob_model *m = ob_new(13);
    ob_input(m, "x", 4, (int64_t[]){1, 1, 8, 8});
    ob_node(m, "Relu", "relu", "x", "a");
    ob_node(m, "Exp", "exp", "a", "b");
    ob_init_floats(m, "k", 1, (float[]){2.0f});
    ob_node(m, "Mul", "scale", "a,k", "c");
    ob_node(m, "Mul", "product", "a,a", "d");
    ob_int(m, ob_node(m, "LogSoftmax", "logits", "a", "e"), "axis", 1);
    ob_output(m, "b");
    ob_output(m, "c");
    ob_output(m, "d");
    ob_output(m, "e");
    fv_graph *g = parse(m, 0);
    fv_diag diag;
    assert_int_equal(run_erf(g, "relu", &diag), FV_OK);
    assert_int_equal(run_erf(g, "product", &diag), FV_OK);
    assert_int_equal(run_erf(g, "exp", &diag), FV_ERR_UNSUPPORTED);
    assert_non_null(strstr(diag.message, "no kernel for Exp"));
    assert_int_equal(run_erf(g, "scale", &diag), FV_ERR_UNSUPPORTED);
    assert_non_null(strstr(diag.message, "Mul by a constant"));
    assert_int_equal(run_erf(g, "logits", &diag), FV_ERR_UNSUPPORTED);
    assert_non_null(strstr(diag.message, "no kernel for LogSoftmax"));
    fv_graph_free(g);
}

/* Resize's numbers: Keys' a and exclude_outside of a cubic (ONNX's
 * defaults -0.75 and 0; TensorFlow exports -0.5 and 1); exclude_outside
 * changes nothing for linear and is not kept there. Antialiasing a resize
 * that grows is a no-op, and accepted. */
static void resize_numbers(void **state)
{
    (void)state;
    ob_model *m = ob_new(18);
    ob_input(m, "x", 4, (int64_t[]){1, 2, 6, 6});
    ob_init_floats(m, "scales", 4, (float[]){1, 1, 2, 2});
    ob_node_t *tf = ob_node(m, "Resize", "tf", "x,,scales", "a");
    ob_str(m, tf, "mode", "cubic");
    ob_float(m, tf, "cubic_coeff_a", -0.5f);
    ob_int(m, tf, "exclude_outside", 1);
    ob_str(m, ob_node(m, "Resize", "torch", "a,,scales", "b"), "mode", "cubic");
    ob_node_t *lin = ob_node(m, "Resize", "lin", "b,,scales", "c");
    ob_str(m, lin, "mode", "linear");
    ob_int(m, lin, "exclude_outside", 1);
    ob_int(m, lin, "antialias", 1);
    ob_output(m, "c");
    fv_graph *g = parse(m, 0);
    static const struct {
        const char *name;
        fv_resize_mode mode;
        double a;
        int exclude;
    } want[] = {{"tf", FV_RESIZE_CUBIC, -0.5, 1},
                {"torch", FV_RESIZE_CUBIC, -0.75, 0},
                {"lin", FV_RESIZE_LINEAR, -0.75, 0}};
    for (size_t k = 0; k < 3; k++) {
        const fv_resize *r = &fv_graph_params(g, node(g, want[k].name))->resize;
        assert_int_equal(r->mode, want[k].mode);
        assert_true(r->cubic_a == want[k].a && r->exclude_outside == want[k].exclude);
    }
    fv_diag diag;
    assert_int_equal(run_erf(g, "lin", &diag), FV_OK);
    fv_graph_free(g);
}

/* A conv and a batch norm whose scale and shift are `scale` and `shift`:
 * initializers, or (alias) Identity nodes of them, as PyTorch's exporter
 * writes equal parameters it stores once. */
static fv_graph *bn_model(int alias)
{
    ob_model *m = ob_new(13);
    ob_input(m, "x", 4, (int64_t[]){1, 2, 8, 8});
    float w[54];
    for (int k = 0; k < 54; k++)
        w[k] = (float)((k * 7) % 11) / 11.0f - 0.4f;
    ob_weight(m, "w", 4, (int64_t[]){3, 2, 3, 3}, w, 1);
    ob_node(m, "Conv", "conv", "x,w", "a");
    ob_init_floats(m, "scale", 3, (float[]){0.5f, 2.0f, -1.5f});
    ob_init_floats(m, "shift", 3, (float[]){0.25f, -0.5f, 1.0f});
    ob_init_floats(m, "mu", 3, (float[]){0.1f, -0.2f, 0.3f});
    ob_init_floats(m, "var", 3, (float[]){0.5f, 1.5f, 2.0f});
    if (alias) {
        ob_node(m, "Identity", "alias_scale", "scale", "scale_copy");
        ob_node(m, "Identity", "alias_shift", "shift", "shift_copy");
    }
    ob_node(m, "BatchNormalization", "bn",
            alias ? "a,scale_copy,shift_copy,mu,var" : "a,scale,shift,mu,var", "b");
    ob_node(m, "Relu", "relu", "b", "c");
    ob_output(m, "c");
    return parse(m, 1);
}

/* The signed map of node `name` with the model's weights. */
static double *model_map(const fv_graph *g, const char *name, size_t *n)
{
    fv_erf_options o;
    fv_erf_options_init(&o);
    o.weights = FV_ERF_MODEL;
    o.input = FV_ERF_NORMAL;
    o.aggregate = FV_ERF_SIGNED;
    return em_map(g, node(g, name), &o, n);
}

/* Weights reached through Identity are the weights themselves: the same
 * map as with the initializers named directly, and not all zero. */
static void aliased_weights(void **state)
{
    (void)state;
    fv_graph *plain = bn_model(0), *aliased = bn_model(1);
    size_t n1, n2;
    double *a = model_map(plain, "relu", &n1), *b = model_map(aliased, "relu", &n2);
    assert_int_equal(n1, n2);
    double top = 0;
    for (size_t i = 0; i < n1; i++) {
        assert_true(a[i] == b[i]);
        top = fmax(top, fabs(a[i]));
    }
    assert_true(top > 0);
    free(a), free(b);
    fv_graph_free(plain);
    fv_graph_free(aliased);
}

/* Conv (2 -> 8 channels) -> DepthToSpace b=2 -> Conv (2 -> 1), the
 * first conv's output channels listed in `perm` order: its channel k
 * holds the filter of channel perm[k] of the unpermuted conv. */
static fv_graph *d2s_model(const char *mode, const int *perm)
{
    ob_model *m = ob_new(13);
    ob_input(m, "x", 4, (int64_t[]){1, 2, 9, 9});
    float w[8 * 2 * 9], w2[2 * 9];
    for (int k = 0; k < 8; k++)
        for (int j = 0; j < 18; j++)
            w[k * 18 + j] = (float)(((perm[k] * 18 + j) * 7) % 13) / 13.0f - 0.45f;
    for (int j = 0; j < 18; j++)
        w2[j] = (float)((j * 5) % 7) / 7.0f - 0.4f;
    ob_weight(m, "w", 4, (int64_t[]){8, 2, 3, 3}, w, 1);
    ob_weight(m, "w2", 4, (int64_t[]){1, 2, 3, 3}, w2, 1);
    ob_node(m, "Conv", "conv", "x,w", "a");
    ob_node(m, "Tanh", "tanh", "a", "b");
    ob_node_t *d = ob_node(m, "DepthToSpace", "d2s", "b", "c");
    ob_int(m, d, "blocksize", 2);
    if (mode)
        ob_str(m, d, "mode", mode);
    ob_node(m, "Conv", "head", "c,w2", "y");
    ob_output(m, "y");
    return parse(m, 1);
}

/* DepthToSpace in CRD order (PyTorch's PixelShuffle) is DCR with the deep
 * channels renumbered: CRD reads channel c * 4 + off where DCR reads
 * off * 2 + c, so a conv whose channel off * 2 + c holds filter c * 4 + off
 * followed by DCR gives the same map. Read as DCR, the CRD model gives
 * another map. Both orders have the same receptive fields. */
static void depth_to_space_crd(void **state)
{
    (void)state;
    static const int same[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    int to_dcr[8];
    for (int c = 0; c < 2; c++)
        for (int off = 0; off < 4; off++)
            to_dcr[off * 2 + c] = c * 4 + off;
    fv_graph *crd = d2s_model("CRD", same), *dcr = d2s_model("DCR", to_dcr),
             *plain = d2s_model(NULL, same);
    assert_int_equal(fv_graph_params(crd, node(crd, "d2s"))->block.order, FV_BLOCK_CRD);
    assert_int_equal(fv_graph_params(dcr, node(dcr, "d2s"))->block.order, FV_BLOCK_DCR);
    assert_int_equal(fv_graph_params(plain, node(plain, "d2s"))->block.order, FV_BLOCK_DCR);
    size_t n1, n2, n3;
    double *a = model_map(crd, "head", &n1), *b = model_map(dcr, "head", &n2),
           *c = model_map(plain, "head", &n3), top;
    assert_int_equal(n1, n2);
    assert_true(em_difference(a, b, n1, &top) <= 1e-6 * top);
    assert_true(em_difference(c, b, n1, &top) > 1e-3 * top);
    free(a), free(b), free(c);
    fv_trf *t1, *t2;
    fv_diag diag;
    fv_diag_init(&diag);
    assert_int_equal(fv_trf_compute(crd, NULL, &t1, &diag), FV_OK);
    assert_int_equal(fv_trf_compute(plain, NULL, &t2, &diag), FV_OK);
    for (int32_t i = 0; i < (int32_t)fv_graph_size(crd); i++) {
        fv_rf r1, r2;
        fv_trf_get(t1, i, &r1);
        fv_trf_get(t2, i, &r2);
        for (int ax = 0; ax < 2; ax++) {
            const fv_rf_axis *p = &r1.axis[ax], *q = &r2.axis[ax];
            assert_int_equal(p->size_min, q->size_min);
            assert_int_equal(p->size_max, q->size_max);
            assert_int_equal(p->padding, q->padding);
            assert_int_equal(p->period, q->period);
            assert_int_equal(p->stride.num * q->stride.den, q->stride.num * p->stride.den);
            assert_int_equal(p->centre.num * q->centre.den, q->centre.num * p->centre.den);
        }
    }
    fv_trf_free(t1);
    fv_trf_free(t2);
    fv_graph_free(crd);
    fv_graph_free(dcr);
    fv_graph_free(plain);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(constants), cmocka_unit_test(lrn),
                                       cmocka_unit_test(stand_ins),
                                       cmocka_unit_test(aliased_weights),
                                       cmocka_unit_test(depth_to_space_crd),
                                       cmocka_unit_test(resize_numbers)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
