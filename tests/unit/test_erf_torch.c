/* The ERF engine against PyTorch: tests/data/erf_torch (made by
 * scripts/fixtures/erf_torch.py; its README gives the network and the file
 * format) holds a random-weight network with batch norm, ReLU, max pool,
 * strided, dilated and depthwise convs, a residual add, concat, transposed
 * conv and nearest upsample, two inputs, and PyTorch's input gradients of
 * the centre unit of the output summed over channels, in float32 and in
 * float64. fovea's gradients, with the model's weights, must match them in
 * either precision. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "fovea.h"
#include "raw_file.h"

#define DIR FOVEA_SOURCE_DIR "/tests/data/erf_torch/"
enum { C = 3, H = 48, W = 48, N = C * H * W };

static float *read_f32(const char *path, size_t count) { return raw_read(path, count, 4); }

/* fovea's map for input k with the given aggregation, on the whole image. */
static double *fovea_map(const fv_graph *g, const float *input, fv_erf_aggregate agg,
                         fv_erf_precision precision)
{
    fv_erf_options o;
    fv_erf_options_init(&o);
    o.precision = precision;
    o.weights = FV_ERF_MODEL;
    o.input = FV_ERF_TENSOR;
    o.tensor = input;
    o.tensor_count = 1;
    o.aggregate = agg;
    fv_erf_result *r;
    fv_diag diag;
    fv_diag_init(&diag);
    if (fv_erf_compute(g, (int32_t)fv_graph_size(g) - 1, &o, &r, &diag) != FV_OK)
        fail_msg("fv_erf_compute: %s", diag.message);
    int64_t unit[2], hw[2];
    fv_erf_unit(r, unit);
    fv_erf_input_size(r, hw);
    assert_int_equal(unit[0], 23); /* (48 - 1) / 2, the README's unit */
    assert_int_equal(unit[1], 23);
    assert_int_equal(hw[0], H);
    double *map = malloc(H * W * sizeof *map);
    fv_erf_full_map(r, map);
    fv_erf_free(r);
    return map;
}

static double *read_f64(const char *path, size_t count) { return raw_read(path, count, 8); }

/* The largest difference between fovea's maps (signed and abs, in the
 * given precision) and PyTorch's gradients of both inputs, relative to the
 * largest |gradient| sum. PyTorch's float32 dumps are gradK.f32, its
 * float64 ones gradK.f64. */
static double worst_against(const fv_graph *g, fv_erf_precision precision)
{
    double worst = 0;
    for (int k = 0; k < 2; k++) {
        char path[512];
        snprintf(path, sizeof path, DIR "input%d.f32", k);
        float *x = read_f32(path, N);
        double *grad;
        if (precision == FV_ERF_FLOAT64) {
            snprintf(path, sizeof path, DIR "grad%d.f64", k);
            grad = read_f64(path, N);
        } else {
            snprintf(path, sizeof path, DIR "grad%d.f32", k);
            float *g32 = read_f32(path, N);
            grad = malloc(N * sizeof *grad);
            for (int i = 0; i < N; i++)
                grad[i] = g32[i];
            free(g32);
        }
        double *sum = fovea_map(g, x, FV_ERF_SIGNED, precision);
        double *abs_sum = fovea_map(g, x, FV_ERF_ABS, precision);
        double top = 0, diff = 0;
        for (int p = 0; p < H * W; p++) {
            double s = 0, a = 0;
            for (int c = 0; c < C; c++) {
                s += grad[c * H * W + p];
                a += fabs(grad[c * H * W + p]);
            }
            top = fmax(top, a);
            diff = fmax(diff, fmax(fabs(s - sum[p]), fabs(a - abs_sum[p])));
            /* outside rows/columns 5..40 (README) both are exactly zero */
            int y = p / W, xx = p % W;
            if (y < 5 || y > 40 || xx < 5 || xx > 40)
                assert_true(sum[p] == 0 && a == 0);
        }
        print_message("%s, input %d: largest difference %.3g of a largest |gradient| sum %.3g\n",
                      precision == FV_ERF_FLOAT64 ? "float64" : "float32", k, diff, top);
        worst = fmax(worst, diff / top);
        free(x), free(grad), free(sum), free(abs_sum);
    }
    return worst;
}

static fv_graph *load_model(void)
{
    fv_load_options lo = {0};
    lo.keep_weights = 1;
    fv_graph *g = NULL;
    fv_diag diag;
    fv_diag_init(&diag);
    if (fv_model_load_ex(DIR "model.onnx", &lo, &g, &diag) != FV_OK)
        fail_msg("load: %s", diag.message);
    return g;
}

static void against_pytorch(void **state)
{
    (void)state;
    fv_graph *g = load_model();
    assert_true(worst_against(g, FV_ERF_FLOAT32) <
                1e-4); /* the bound, relative to the map's largest value */
    fv_graph_free(g);
}

/* The same network and inputs in float64 on both sides. What differs: the
 * order of the sums, batch norm folded into one scale and shift, and its
 * epsilon, which ONNX stores in float32 (1e-5 becomes 1e-5 - 2.5e-13, a
 * relative 1e-12 in a variance near 0.25): measured 2.8e-13. 1e-10 leaves
 * room for that and none for a single float32 rounding (6e-8). */
static void against_pytorch_float64(void **state)
{
    (void)state;
    fv_graph *g = load_model();
    assert_true(worst_against(g, FV_ERF_FLOAT64) < 1e-10);
    fv_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(against_pytorch),
                                       cmocka_unit_test(against_pytorch_float64)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
