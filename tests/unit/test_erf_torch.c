/* The ERF engine against PyTorch, on two fixtures made by hand with
 * Debian's PyTorch. tests/data/erf_torch (scripts/fixtures/erf_torch.py;
 * its README gives the network and the file format) holds a random-weight
 * network with batch norm, ReLU, max pool, strided, dilated and depthwise
 * convs, a residual add, concat, transposed conv and nearest upsample, two
 * inputs, and PyTorch's input gradients of the centre unit of the output
 * summed over channels, in float32 and in float64.
 * tests/data/instance_norm_torch (scripts/fixtures/instance_norm_torch.py)
 * holds a conv, InstanceNorm2d with random affine parameters, ReLU and a
 * strided conv, one input and its gradients, in the same format. fovea's
 * gradients, with the model's weights, must match them in either
 * precision. */
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

/* One fixture: its name and folder, input shape and count, the output
 * unit its gradients are of, the rows and columns outside which they are
 * zero, and whether every pixel inside has a gradient. */
typedef struct fixture {
    const char *name, *dir;
    int c, h, w, inputs;
    int64_t unit[2];
    int seen_first, seen_last, all_seen;
} fixture;

static const fixture erf_net = {"network", FOVEA_SOURCE_DIR "/tests/data/erf_torch/",
                                3, 48, 48, 2, {23, 23}, 5, 40, 0};
/* instance norm's statistics see the whole 16x12 map */
static const fixture norm_net = {"instance norm",
                                 FOVEA_SOURCE_DIR "/tests/data/instance_norm_torch/",
                                 3, 16, 12, 1, {3, 2}, 0, 15, 1};

static float *read_f32(const char *path, size_t count) { return raw_read(path, count, 4); }

/* fovea's map of fixture f's unit for one input with the given
 * aggregation, on the whole image. */
static double *fovea_map(const fixture *f, const fv_graph *g, const float *input,
                         fv_erf_aggregate agg, fv_erf_precision precision)
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
    assert_int_equal(unit[0], f->unit[0]); /* the script's centre unit */
    assert_int_equal(unit[1], f->unit[1]);
    assert_int_equal(hw[0], f->h);
    assert_int_equal(hw[1], f->w);
    double *map = malloc((size_t)(f->h * f->w) * sizeof *map);
    fv_erf_full_map(r, map);
    fv_erf_free(r);
    return map;
}

static double *read_f64(const char *path, size_t count) { return raw_read(path, count, 8); }

/* The largest difference between fovea's maps (signed and abs, in the
 * given precision) and PyTorch's gradients of every input, relative to the
 * largest |gradient| sum. PyTorch's float32 dumps are gradK.f32, its
 * float64 ones gradK.f64. */
static double worst_against(const fixture *f, const fv_graph *g, fv_erf_precision precision)
{
    double worst = 0;
    size_t plane = (size_t)(f->h * f->w), n = (size_t)f->c * plane;
    for (int k = 0; k < f->inputs; k++) {
        char path[512];
        snprintf(path, sizeof path, "%sinput%d.f32", f->dir, k);
        float *x = read_f32(path, n);
        double *grad;
        if (precision == FV_ERF_FLOAT64) {
            snprintf(path, sizeof path, "%sgrad%d.f64", f->dir, k);
            grad = read_f64(path, n);
        } else {
            snprintf(path, sizeof path, "%sgrad%d.f32", f->dir, k);
            float *g32 = read_f32(path, n);
            grad = malloc(n * sizeof *grad);
            for (size_t i = 0; i < n; i++)
                grad[i] = g32[i];
            free(g32);
        }
        double *sum = fovea_map(f, g, x, FV_ERF_SIGNED, precision);
        double *abs_sum = fovea_map(f, g, x, FV_ERF_ABS, precision);
        double top = 0, diff = 0;
        for (size_t p = 0; p < plane; p++) {
            double s = 0, a = 0;
            for (int c = 0; c < f->c; c++) {
                s += grad[(size_t)c * plane + p];
                a += fabs(grad[(size_t)c * plane + p]);
            }
            top = fmax(top, a);
            diff = fmax(diff, fmax(fabs(s - sum[p]), fabs(a - abs_sum[p])));
            /* outside the rows and columns the unit reaches both are exactly zero */
            int y = (int)p / f->w, xx = (int)p % f->w;
            if (y < f->seen_first || y > f->seen_last || xx < f->seen_first || xx > f->seen_last)
                assert_true(sum[p] == 0 && a == 0);
            else if (f->all_seen) /* and inside, past the TRF, not zero */
                assert_true(abs_sum[p] > 0 && a > 0);
        }
        print_message("%s, %s input %d: largest difference %.3g of a largest |gradient| sum %.3g\n",
                      precision == FV_ERF_FLOAT64 ? "float64" : "float32", f->name, k, diff,
                      top);
        worst = fmax(worst, diff / top);
        free(x), free(grad), free(sum), free(abs_sum);
    }
    return worst;
}

static fv_graph *load_model(const fixture *f)
{
    char path[512];
    snprintf(path, sizeof path, "%smodel.onnx", f->dir);
    fv_load_options lo = {0};
    lo.keep_weights = 1;
    fv_graph *g = NULL;
    fv_diag diag;
    fv_diag_init(&diag);
    if (fv_model_load_ex(path, &lo, &g, &diag) != FV_OK)
        fail_msg("load: %s", diag.message);
    return g;
}

static void against_pytorch(void **state)
{
    (void)state;
    fv_graph *g = load_model(&erf_net);
    assert_true(worst_against(&erf_net, g, FV_ERF_FLOAT32) <
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
    fv_graph *g = load_model(&erf_net);
    assert_true(worst_against(&erf_net, g, FV_ERF_FLOAT64) < 1e-10);
    fv_graph_free(g);
}

/* Instance norm with the model's scale, shift and epsilon (2^-10, which
 * float32 holds exactly): the gradient through its statistics, over the
 * whole image, to float32 rounding and, in float64, to the order of the
 * sums. */
static void instance_norm(void **state)
{
    (void)state;
    fv_graph *g = load_model(&norm_net);
    assert_true(worst_against(&norm_net, g, FV_ERF_FLOAT32) < 1e-5);
    assert_true(worst_against(&norm_net, g, FV_ERF_FLOAT64) < 1e-12);
    fv_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(against_pytorch),
                                       cmocka_unit_test(against_pytorch_float64),
                                       cmocka_unit_test(instance_norm)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
