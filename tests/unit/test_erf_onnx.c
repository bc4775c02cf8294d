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
#include "onnx_builder.h"

static fv_graph *parse(ob_model *m)
{
    size_t len;
    uint8_t *buf = ob_pack(m, &len);
    fv_graph *g = NULL;
    fv_diag diag;
    fv_diag_init(&diag);
    if (fv_onnx_parse(buf, len, "test.onnx", NULL, &g, &diag) != FV_OK)
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
    ob_node_t *ap = ob_node(m, "AveragePool", "ap", "d", "e");
    ob_ints(m, ap, "kernel_shape", 2, (int64_t[]){3, 3});
    ob_ints(m, ap, "pads", 4, (int64_t[]){1, 1, 1, 1});
    ob_int(m, ap, "count_include_pad", 1);
    ob_output(m, "e");
    fv_graph *g = parse(m);
    /* the attributes as written above (ONNX operator semantics) */
    assert_float_equal(fv_graph_params(g, node(g, "leaky"))->pointwise.alpha, 0.3, 1e-7);
    assert_float_equal(fv_graph_params(g, node(g, "elu"))->pointwise.alpha, 0.5, 1e-7);
    assert_float_equal(fv_graph_params(g, node(g, "hs"))->pointwise.alpha, 0.25, 1e-7);
    assert_float_equal(fv_graph_params(g, node(g, "hs"))->pointwise.beta, 0.4, 1e-7);
    assert_float_equal(fv_graph_params(g, node(g, "bn"))->pointwise.alpha, 1e-3, 1e-9);
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
    fv_graph *g = parse(m);
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
    ob_output(m, "b");
    ob_output(m, "c");
    ob_output(m, "d");
    fv_graph *g = parse(m);
    fv_diag diag;
    assert_int_equal(run_erf(g, "relu", &diag), FV_OK);
    assert_int_equal(run_erf(g, "product", &diag), FV_OK);
    assert_int_equal(run_erf(g, "exp", &diag), FV_ERR_UNSUPPORTED);
    assert_non_null(strstr(diag.message, "no kernel for Exp"));
    assert_int_equal(run_erf(g, "scale", &diag), FV_ERR_UNSUPPORTED);
    assert_non_null(strstr(diag.message, "Mul by a constant"));
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
    size_t len;
    uint8_t *buf = ob_pack(m, &len);
    fv_load_options lo = {0};
    lo.keep_weights = 1;
    fv_graph *g = NULL;
    fv_diag diag;
    fv_diag_init(&diag);
    if (fv_onnx_parse(buf, len, "test.onnx", &lo, &g, &diag) != FV_OK)
        fail_msg("parse: %s", diag.message);
    free(buf);
    ob_free(m);
    return g;
}

static double *model_map(const fv_graph *g, size_t *n)
{
    fv_erf_options o;
    fv_erf_options_init(&o);
    o.weights = FV_ERF_MODEL;
    o.input = FV_ERF_NORMAL;
    o.aggregate = FV_ERF_SIGNED;
    fv_erf_result *r = NULL;
    fv_diag diag;
    fv_diag_init(&diag);
    if (fv_erf_compute(g, node(g, "relu"), &o, &r, &diag) != FV_OK)
        fail_msg("erf: %s", diag.message);
    int64_t hw[2];
    fv_erf_input_size(r, hw);
    *n = (size_t)(hw[0] * hw[1]);
    double *map = malloc(*n * sizeof *map);
    fv_erf_full_map(r, map);
    fv_erf_free(r);
    return map;
}

/* Weights reached through Identity are the weights themselves: the same
 * map as with the initializers named directly, and not all zero. */
static void aliased_weights(void **state)
{
    (void)state;
    fv_graph *plain = bn_model(0), *aliased = bn_model(1);
    size_t n1, n2;
    double *a = model_map(plain, &n1), *b = model_map(aliased, &n2);
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

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(constants), cmocka_unit_test(lrn),
                                       cmocka_unit_test(stand_ins),
                                       cmocka_unit_test(aliased_weights)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
