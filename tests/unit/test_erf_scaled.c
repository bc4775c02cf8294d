/* Uniform weights count paths, and the engine carries their exponents
 * (scaled arithmetic) so that the counts of deep, wide networks fit any
 * element type. Checked against the closed form of a conv chain, against
 * the float64 engine where float64 needs no scaling, and on ResNet-50
 * itself, whose layer3 counts (about 1e109) no float32 holds. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "erf_maps.h"
#include "fovea.h"
#include "model_check.h"

/* The map of `node`'s default unit over the whole input (uniform
 * weights, signed); *n its pixel count. */
static double *uniform_map(const fv_graph *g, int32_t node, fv_erf_precision precision,
                           fv_erf_input input, size_t *n)
{
    fv_erf_options o;
    fv_erf_options_init(&o);
    o.precision = precision;
    o.input = input;
    o.aggregate = FV_ERF_SIGNED;
    return em_map(g, node, &o, n);
}

/* Coefficients of (1 + z + z^2)^n: the paths along one axis through n
 * 3x3 all-ones convs. Exact in double for n <= 30 (the largest is below
 * 3^30 < 2^48). */
static void trinomials(int n, double *t)
{
    memset(t, 0, (size_t)(2 * n + 1) * sizeof *t);
    t[0] = 1;
    for (int k = 1; k <= n; k++)
        for (int j = 2 * k; j >= 0; j--)
            t[j] = t[j] + (j >= 1 ? t[j - 1] : 0) + (j >= 2 ? t[j - 2] : 0);
}

/* 30 convs of 64 all-ones 3x3 filters on 3 input channels: input pixel
 * (y, x) reaches the unit through 3 * 64^30 channel paths times T(y) T(x)
 * pixel paths, up to 3 * 2^180 * 2^92: past float32 (2^128) and past the
 * float64 engine's scaling threshold (2^256). Every pixel must equal the
 * closed form to float rounding, not only the peak. */
static void closed_form_chain(void **state)
{
    (void)state;
    enum { N = 30 };
    fv_graph *g = mc_text("input c=3; repeat 30 { conv k=3 c=64 }");
    double t[2 * N + 1];
    trinomials(N, t);
    const double channels = 3 * ldexp(1.0, 6 * N);
    fv_erf_precision precisions[2] = {FV_ERF_FLOAT32, FV_ERF_FLOAT64};
    /* sums of positive terms: each of the 30 layers' sums of 576 terms
     * adds at most 575 unit roundoffs of relative error */
    double tolerance[2] = {N * 576 * 0x1p-24, N * 576 * 0x1p-53};
    for (int p = 0; p < 2; p++) {
        size_t n;
        double *m = uniform_map(g, (int32_t)fv_graph_size(g) - 1, precisions[p], FV_ERF_NOISE, &n);
        assert_int_equal(n, (2 * N + 1) * (2 * N + 1)); /* the input is the 61x61 TRF */
        double worst = 0;
        for (int y = 0; y <= 2 * N; y++)
            for (int x = 0; x <= 2 * N; x++) {
                double want = channels * t[y] * t[x], got = m[y * (2 * N + 1) + x];
                worst = fmax(worst, fabs(got - want) / want);
            }
        print_message("%s: 30x64 all-ones chain against (1+z+z^2)^30, largest relative "
                      "difference per pixel %.3g\n",
                      p ? "float64" : "float32", worst);
        assert_true(worst < tolerance[p]);
        free(m);
    }
    fv_graph_free(g);
}

/* Merges align exponents: branches of different depths meet in adds, a
 * concat and a max, with max pools, average pools, a resize and ReLUs
 * between. Past 2^128 paths, below 2^256: float32 must scale, float64
 * must not, so the float64 map is the unscaled reference. */
static void merges_against_float64(void **state)
{
    (void)state;
    fv_graph *g = mc_text("block deep(c) {\n"
                        "  conv k=3 p=1 c=$c; relu; conv k=3 p=1 c=$c; relu; a: conv k=3 p=1 c=$c\n"
                        "  sum: add from=a,in\n"
                        "  relu\n"
                        "}\n"
                        "input size=40 c=3\n"
                        "stem: conv k=3 p=1 c=64; relu\n"
                        "b1: deep c=64\n"
                        "b2: deep c=64\n"
                        "pool: maxpool k=2 s=2\n"
                        "b3: deep c=64\n"
                        "side: avgpool k=3 s=1 p=1 from=b3\n"
                        "cat: concat from=b3,side\n"
                        "squeeze: conv k=1 c=64; relu\n"
                        "b4: deep c=64\n"
                        "up: resize f=2\n"
                        "skip: conv k=3 p=1 c=64 from=b2\n"
                        "top: max from=up,skip\n"
                        "b5: deep c=64\n");
    int32_t last = (int32_t)fv_graph_size(g) - 1;
    fv_erf_input inputs[2] = {FV_ERF_NOISE, FV_ERF_NORMAL};
    for (int k = 0; k < 2; k++) {
        size_t n;
        double *a = uniform_map(g, last, FV_ERF_FLOAT32, inputs[k], &n);
        double *b = uniform_map(g, last, FV_ERF_FLOAT64, inputs[k], &n);
        double top, diff = em_difference(a, b, n, &top);
        print_message("%s inputs: largest value %.3g (2^%.0f); scaled float32 against float64 "
                      "%.3g of it\n",
                      k ? "normal" : "uniform", top, log2(top), diff / top);
        assert_true(top > 0x1p128 && top < 0x1p256); /* the regime this test is about */
        /* the longest path sums 576 positive terms at each of 17 convs */
        assert_true(diff <= 17 * 576 * 0x1p-24 * top);
        free(a);
        free(b);
    }
    fv_graph_free(g);
}

/* ResNet-50 up to layer3: about 1e109 paths reach the centre unit. The
 * float32 engine scales and agrees with the float64 one, which also
 * scales past 2^256. */
static void resnet50_layer3(void **state)
{
    (void)state;
    fv_graph *g = NULL;
    fv_diag diag;
    fv_diag_init(&diag);
    if (fv_model_load("zoo:resnet50", &g, &diag) != FV_OK)
        fail_msg("%s", diag.message);
    int64_t size[2] = {224, 224};
    fv_graph_set_input_size(g, size);
    int32_t node = fv_graph_select(g, "layer3");
    assert_true(node >= 0);
    size_t n;
    double *a = uniform_map(g, node, FV_ERF_FLOAT32, FV_ERF_NOISE, &n);
    double *b = uniform_map(g, node, FV_ERF_FLOAT64, FV_ERF_NOISE, &n);
    double top, diff = em_difference(a, b, n, &top);
    print_message("resnet50 layer3: largest count %.3g; float32 against float64 %.3g of it\n",
                  top, diff / top);
    assert_true(top > 1e100 && isfinite(top));
    /* the longest path: 40 convs, none summing more than 9 x 256 terms */
    assert_true(diff <= 40 * 2304 * 0x1p-24 * top);
    free(a);
    free(b);
    fv_graph_free(g);
}

/* An op that needs true values reads them: five convs of 64 all-ones
 * filters take the counts past 2^32, where float32 scales its buffers
 * (float64 does not), and the LRN behind them must see the true counts,
 * not their scaled mantissas. */
static void lrn_reads_true_values(void **state)
{
    (void)state;
    fv_graph *g = mc_text("input size=16 c=1; repeat 5 { conv k=3 p=1 c=64 }; lrn; conv k=1 c=2");
    int32_t last = (int32_t)fv_graph_size(g) - 1;
    size_t n;
    double *a = uniform_map(g, last, FV_ERF_FLOAT32, FV_ERF_NOISE, &n);
    double *b = uniform_map(g, last, FV_ERF_FLOAT64, FV_ERF_NOISE, &n);
    double top, diff = em_difference(a, b, n, &top);
    print_message("LRN behind counts past 2^32: float32 against float64 %.3g of the largest "
                  "value\n",
                  diff / top);
    assert_true(top > 0);
    assert_true(diff <= 1e-4 * top);
    free(a);
    free(b);
    fv_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(closed_form_chain),
        cmocka_unit_test(merges_against_float64),
        cmocka_unit_test(resnet50_layer3),
        cmocka_unit_test(lrn_reads_true_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
