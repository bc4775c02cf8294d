/* The ERF engine against PyTorch: tests/data/erf_torch (made by
 * scripts/fixtures/erf_torch.py; its README gives the network and the file
 * format) holds a random-weight network with batch norm, ReLU, max pool,
 * strided, dilated and depthwise convs, a residual add, concat, transposed
 * conv and nearest upsample, two inputs, and PyTorch's input gradients of
 * the centre unit of the output summed over channels. fovea's gradients,
 * with the model's weights, must match them. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "fovea.h"

#define DIR FOVEA_SOURCE_DIR "/tests/data/erf_torch/"
enum { C = 3, H = 48, W = 48, N = C * H * W };

static float *read_f32(const char *path, size_t count)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    float *v = malloc(count * sizeof *v);
    size_t got = fread(v, sizeof *v, count, f);
    fclose(f);
    if (got != count)
        fail_msg("%s: %zu of %zu floats", path, got, count);
    return v;
}

/* fovea's map for input k with the given aggregation, on the whole image. */
static double *fovea_map(const fv_graph *g, const float *input, fv_erf_aggregate agg)
{
    fv_erf_options o;
    fv_erf_options_init(&o);
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

static void against_pytorch(void **state)
{
    (void)state;
    fv_load_options lo = {0};
    lo.keep_weights = 1;
    fv_graph *g = NULL;
    fv_diag diag;
    fv_diag_init(&diag);
    if (fv_model_load_ex(DIR "model.onnx", &lo, &g, &diag) != FV_OK)
        fail_msg("load: %s", diag.message);
    double worst = 0;
    for (int k = 0; k < 2; k++) {
        char path[512];
        snprintf(path, sizeof path, DIR "input%d.f32", k);
        float *x = read_f32(path, N);
        snprintf(path, sizeof path, DIR "grad%d.f32", k);
        float *grad = read_f32(path, N);
        double *sum = fovea_map(g, x, FV_ERF_SIGNED), *abs_sum = fovea_map(g, x, FV_ERF_ABS);
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
        print_message("input %d: largest difference %.3g of a largest |gradient| sum %.3g\n", k,
                      diff, top);
        worst = fmax(worst, diff / top);
        free(x), free(grad), free(sum), free(abs_sum);
    }
    assert_true(worst < 1e-4); /* the bound, relative to the map's largest value */
    fv_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(against_pytorch)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
