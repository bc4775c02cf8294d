/* The LRN kernels against PyTorch: tests/data/lrn_torch (made by
 * scripts/fixtures/lrn_torch.py; its README gives the cases and the file
 * format) holds inputs, output gradients, and PyTorch's outputs and input
 * gradients of LocalResponseNorm in float32 and float64, for odd and even
 * windows and windows wider than the channels. fovea's float32 kernels
 * must match PyTorch's float32 values, its float64 kernels PyTorch's
 * float64 values. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "kernels/kernels.h"
#include "raw_file.h"

#define DIR FOVEA_SOURCE_DIR "/tests/data/lrn_torch/"
enum { H = 3, W = 4, CASES = 5, VALUES = 27 * H * W }; /* 27 channels in all */

static const struct {
    int64_t channels;
    fv_lrn p;
} cases[CASES] = {
    {8, {5, 1e-4, 0.75, 1.0}}, {8, {5, 2.0, 0.75, 1.0}}, {6, {4, 1.5, 0.5, 2.0}},
    {3, {6, 1.0, 1.25, 0.5}}, {2, {5, 3.0, 0.75, 1.0}},
};

/* Channel c of pixel p in an NCHW tensor. */
static size_t nchw(int64_t c, size_t p) { return (size_t)c * H * W + p; }

/* Largest |fovea - torch| over the case, and the largest |torch|. */
static void gap(double got, double want, double *diff, double *top)
{
    *diff = fmax(*diff, fabs(got - want));
    *top = fmax(*top, fabs(want));
}

static void against_pytorch(void **state)
{
    (void)state;
    float *f32 = raw_read(DIR "lrn.f32", 4 * VALUES, 4);
    double *f64 = raw_read(DIR "lrn.f64", 2 * VALUES, 8);
    const float *at32 = f32;
    const double *at64 = f64;
    double worst32 = 0, worst64 = 0;
    for (int k = 0; k < CASES; k++) {
        int64_t C = cases[k].channels;
        size_t n = (size_t)C * H * W;
        fv_box box = {C, H, W, 0, 0, H, W};
        const float *x = at32, *dy = at32 + n, *y_t = at32 + 2 * n, *dx_t = at32 + 3 * n;
        const double *y_t64 = at64, *dx_t64 = at64 + n;
        float *X = malloc(n * sizeof *X), *DY = malloc(n * sizeof *DY), *Y = malloc(n * sizeof *Y),
              *DX = calloc(n, sizeof *DX);
        double *X64 = malloc(n * sizeof *X64), *DY64 = malloc(n * sizeof *DY64),
               *Y64 = malloc(n * sizeof *Y64), *DX64 = calloc(n, sizeof *DX64);
        for (int64_t c = 0; c < C; c++)
            for (size_t p = 0; p < H * W; p++) {
                size_t i = p * (size_t)C + (size_t)c; /* NHWC */
                X[i] = X64[i] = x[nchw(c, p)];
                DY[i] = DY64[i] = dy[nchw(c, p)];
            }
        fv_lrn_forward(&cases[k].p, &box, X, &box, Y);
        fv_lrn_backward(&cases[k].p, &box, X, DX, &box, DY);
        fv_lrn_forward_f64(&cases[k].p, &box, X64, &box, Y64);
        fv_lrn_backward_f64(&cases[k].p, &box, X64, DX64, &box, DY64);
        double d32 = 0, d64 = 0, top = 0;
        for (int64_t c = 0; c < C; c++)
            for (size_t p = 0; p < H * W; p++) {
                size_t i = p * (size_t)C + (size_t)c, t = nchw(c, p);
                gap(Y[i], y_t[t], &d32, &top);
                gap(DX[i], dx_t[t], &d32, &top);
                gap(Y64[i], y_t64[t], &d64, &top);
                gap(DX64[i], dx_t64[t], &d64, &top);
            }
        print_message("size %lld over %lld channels: largest difference %.3g (float32), %.3g "
                      "(float64) of a largest value %.3g\n",
                      (long long)cases[k].p.size, (long long)C, d32, d64, top);
        worst32 = fmax(worst32, d32 / top);
        worst64 = fmax(worst64, d64 / top);
        free(X), free(DY), free(Y), free(DX), free(X64), free(DY64), free(Y64), free(DX64);
        at32 += 4 * n;
        at64 += 2 * n;
    }
    /* float32: a few roundings on each side; float64: the order of the sums */
    assert_true(worst32 < 1e-6);
    assert_true(worst64 < 1e-13);
    free(f32);
    free(f64);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(against_pytorch)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
