/* The kernels across each pixel's channels against PyTorch: LRN
 * (tests/data/lrn_torch, made by scripts/fixtures/lrn_torch.py, from
 * LocalResponseNorm: odd and even windows, windows wider than the
 * channels) and L2 normalisation (tests/data/normalize_torch, made by
 * scripts/fixtures/normalize_torch.py, Caffe-SSD's formula written out in
 * torch), and the element-wise power, which walks the same images
 * (tests/data/power_torch, made by scripts/fixtures/power_torch.py from
 * (shift + scale * x) ** power). Each directory's README gives the cases
 * and the file format:
 * inputs, output gradients, and PyTorch's outputs and input gradients in
 * float32 and float64. fovea's float32 kernels must match PyTorch's
 * float32 values, its float64 kernels PyTorch's float64 values. */
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

#define DATA FOVEA_SOURCE_DIR "/tests/data/"
enum { H = 3, W = 4 };

/* One fixture: its files, the channels of each case, and the kernel's
 * forward then backward pass for case k in each element type. */
typedef struct fixture {
    const char *f32, *f64;
    int n;
    const int64_t *channels;
    void (*run)(int k, const fv_box *box, const float *x, float *y, float *dx, const float *dy);
    void (*run64)(int k, const fv_box *box, const double *x, double *y, double *dx,
                  const double *dy);
} fixture;

/* Channel c of pixel p in an NCHW tensor. */
static size_t nchw(int64_t c, size_t p) { return (size_t)c * H * W + p; }

/* Largest |fovea - torch| over the case, and the largest |torch|. */
static void gap(double got, double want, double *diff, double *top)
{
    *diff = fmax(*diff, fabs(got - want));
    *top = fmax(*top, fabs(want));
}

/* Runs every case; *worst32 and *worst64 the largest differences relative
 * to the largest value of their case. */
static void against_pytorch(const fixture *fx, double *worst32, double *worst64)
{
    size_t values = 0;
    for (int k = 0; k < fx->n; k++)
        values += (size_t)fx->channels[k] * H * W;
    float *f32 = raw_read(fx->f32, 4 * values, 4);
    double *f64 = raw_read(fx->f64, 2 * values, 8);
    const float *at32 = f32;
    const double *at64 = f64;
    *worst32 = *worst64 = 0;
    for (int k = 0; k < fx->n; k++) {
        int64_t C = fx->channels[k];
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
        fx->run(k, &box, X, Y, DX, DY);
        fx->run64(k, &box, X64, Y64, DX64, DY64);
        double d32 = 0, d64 = 0, top = 0;
        for (int64_t c = 0; c < C; c++)
            for (size_t p = 0; p < H * W; p++) {
                size_t i = p * (size_t)C + (size_t)c, t = nchw(c, p);
                gap(Y[i], y_t[t], &d32, &top);
                gap(DX[i], dx_t[t], &d32, &top);
                gap(Y64[i], y_t64[t], &d64, &top);
                gap(DX64[i], dx_t64[t], &d64, &top);
            }
        print_message("case %d, %lld channels: largest difference %.3g (float32), %.3g "
                      "(float64) of a largest value %.3g\n",
                      k + 1, (long long)C, d32, d64, top);
        *worst32 = fmax(*worst32, d32 / top);
        *worst64 = fmax(*worst64, d64 / top);
        free(X), free(DY), free(Y), free(DX), free(X64), free(DY64), free(Y64), free(DX64);
        at32 += 4 * n;
        at64 += 2 * n;
    }
    free(f32);
    free(f64);
}

/* Every case of the fixture matches PyTorch: float32 to a few roundings on
 * each side, float64 to the order of the sums. */
static void matches_pytorch(const fixture *fx, const char *what)
{
    double worst32, worst64;
    against_pytorch(fx, &worst32, &worst64);
    print_message("%s: largest difference %.3g (float32), %.3g (float64) of the largest value "
                  "of its case\n",
                  what, worst32, worst64);
    assert_true(worst32 < 1e-6);
    assert_true(worst64 < 1e-13);
}

/* ---------------------------------------------------------------- LRN */

static const int64_t lrn_channels[] = {8, 8, 6, 3, 2};
static const fv_lrn lrn_params[] = {
    {5, 1e-4, 0.75, 1.0}, {5, 2.0, 0.75, 1.0}, {4, 1.5, 0.5, 2.0}, {6, 1.0, 1.25, 0.5},
    {5, 3.0, 0.75, 1.0},
};

static void lrn_run(int k, const fv_box *box, const float *x, float *y, float *dx, const float *dy)
{
    fv_lrn_forward(&lrn_params[k], box, x, box, y);
    fv_lrn_backward(&lrn_params[k], box, x, dx, box, dy);
}

static void lrn_run64(int k, const fv_box *box, const double *x, double *y, double *dx,
                      const double *dy)
{
    fv_lrn_forward_f64(&lrn_params[k], box, x, box, y);
    fv_lrn_backward_f64(&lrn_params[k], box, x, dx, box, dy);
}

static void lrn(void **state)
{
    (void)state;
    fixture fx = {DATA "lrn_torch/lrn.f32", DATA "lrn_torch/lrn.f64", 5, lrn_channels, lrn_run,
                  lrn_run64};
    matches_pytorch(&fx, "lrn");
}

/* ------------------------------------------------------ L2 normalisation */

/* SSD's eps and scale, a negative scale, eps larger than the squares, one
 * channel, and a pixel 0 on every channel (the last case). */
static const int64_t normalize_channels[] = {16, 5, 7, 1, 3, 4};
static const fv_normalize normalize_params[] = {
    {1e-10, 20}, {1e-10, -1.5}, {0.5, 2}, {1e-10, 20}, {4, 1}, {1e-10, 20},
};

static void normalize_run(int k, const fv_box *box, const float *x, float *y, float *dx,
                          const float *dy)
{
    fv_normalize_forward(&normalize_params[k], box, x, box, y);
    fv_normalize_backward(&normalize_params[k], box, x, dx, box, dy);
}

static void normalize_run64(int k, const fv_box *box, const double *x, double *y, double *dx,
                            const double *dy)
{
    fv_normalize_forward_f64(&normalize_params[k], box, x, box, y);
    fv_normalize_backward_f64(&normalize_params[k], box, x, dx, box, dy);
}

static void normalize(void **state)
{
    (void)state;
    fixture fx = {DATA "normalize_torch/normalize.f32", DATA "normalize_torch/normalize.f64", 6,
                  normalize_channels, normalize_run, normalize_run64};
    matches_pytorch(&fx, "normalize");
}

/* ---------------------------------------------------------------- power */

/* FaceBoxes' negation, an affine map, a shifted square and cube, power 0,
 * and powers 0.5 and -1.5 on a positive base. */
static const int64_t power_channels[] = {3, 2, 2, 4, 2, 3, 2};
static const fv_power power_params[] = {
    {1, -1, 0}, {1, 0.5, -2}, {2, 0.5, 1}, {3, -1.5, 0.25}, {0, 2, 1}, {0.5, 1, 8}, {-1.5, 0.5, 8},
};

static void power_run(int k, const fv_box *box, const float *x, float *y, float *dx,
                      const float *dy)
{
    fv_power_forward(&power_params[k], box, x, box, y);
    fv_power_backward(&power_params[k], box, x, dx, box, dy);
}

static void power_run64(int k, const fv_box *box, const double *x, double *y, double *dx,
                        const double *dy)
{
    fv_power_forward_f64(&power_params[k], box, x, box, y);
    fv_power_backward_f64(&power_params[k], box, x, dx, box, dy);
}

static void power(void **state)
{
    (void)state;
    fixture fx = {DATA "power_torch/power.f32", DATA "power_torch/power.f64", 7, power_channels,
                  power_run, power_run64};
    matches_pytorch(&fx, "power");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(lrn), cmocka_unit_test(normalize),
                                       cmocka_unit_test(power)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
