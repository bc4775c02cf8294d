/* What the ERF engine reads from ONNX beyond receptive fields: the
 * constants of pointwise ops and pooling, and the refusal of operators the
 * RF analysis reads as stand-ins (Exp as identity, Mul by a constant). */
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

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(constants), cmocka_unit_test(stand_ins)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
