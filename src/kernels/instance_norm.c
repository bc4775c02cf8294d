/* Instance normalisation (ONNX InstanceNormalization, PyTorch's
 * InstanceNorm2d): per channel, y = scale[c] (x - mean_c) / sigma_c +
 * shift[c] with sigma_c = sqrt(var_c + eps), the mean and the biased
 * variance taken over the whole map. Every output depends on every pixel
 * of its channel, so the planner gives the input its whole map: in's
 * window is the map, out's any window of it. Statistics are summed in
 * double, in map order, channels innermost.
 *
 * Backward, with xhat = (x - mean) / sigma and dy zero outside out's
 * window: dx = scale / sigma (dy - mean(dy) - xhat mean(dy xhat)), the
 * means over the map, added to dx over the whole map. */
#include <assert.h>

#include "kernel_real.h"
#include "pointwise_walk.h"

/* stats[c] = mean_c and stats[C + c] = 1 / sigma_c over the whole map;
 * two passes, so that the variance does not cancel. */
static void moments(double eps, const fv_box *in, const fv_real *x, double *stats)
{
    size_t n = (size_t)(in->h * in->w), C = (size_t)in->c;
    double *mean = stats, *inv = stats + C;
    for (size_t c = 0; c < C; c++)
        mean[c] = inv[c] = 0;
    for (size_t q = 0; q < n; q++)
        for (size_t c = 0; c < C; c++)
            mean[c] += x[q * C + c];
    for (size_t c = 0; c < C; c++)
        mean[c] /= (double)n;
    for (size_t q = 0; q < n; q++)
        for (size_t c = 0; c < C; c++) {
            double d = x[q * C + c] - mean[c];
            inv[c] += d * d;
        }
    for (size_t c = 0; c < C; c++)
        inv[c] = 1 / sqrt(inv[c] / (double)n + eps);
}

void FV_N(fv_instance_norm_forward)(const fv_real *scale, const fv_real *shift, double eps,
                                    double *stats, const fv_box *in, const fv_real *x,
                                    const fv_box *out, fv_real *y)
{
    assert(in->h == in->map_h && in->w == in->map_w);
    moments(eps, in, x, stats);
    const double *mean = stats, *inv = stats + in->c;
    POINTWISE_WALK(in, out, y[o] = (fv_real)((x[i] - mean[c]) * inv[c] * scale[c] + shift[c]));
}

void FV_N(fv_instance_norm_backward)(const fv_real *scale, double *stats, const fv_box *in,
                                     const fv_real *x, fv_real *dx, const fv_box *out,
                                     const fv_real *dy)
{
    size_t C = (size_t)in->c;
    const double *mean = stats, *inv = stats + C;
    double *mean_dy = stats + 2 * C, *mean_dyx = stats + 3 * C;
    for (size_t c = 0; c < C; c++)
        mean_dy[c] = mean_dyx[c] = 0;
    for (int64_t r = 0; r < out->h; r++)
        for (int64_t q = 0; q < out->w; q++) {
            size_t o = fv_at(out, 0, r, q), i = fv_at(in, 0, r + out->y0, q + out->x0);
            for (size_t c = 0; c < C; c++) {
                mean_dy[c] += dy[o + c];
                mean_dyx[c] += dy[o + c] * ((x[i + c] - mean[c]) * inv[c]);
            }
        }
    double n = (double)(in->h * in->w);
    for (size_t c = 0; c < C; c++)
        mean_dy[c] /= n, mean_dyx[c] /= n;
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < in->h; r++)
        for (int64_t q = 0; q < in->w; q++) {
            int64_t orow = r - out->y0, ocol = q - out->x0;
            int inside = orow >= 0 && orow < out->h && ocol >= 0 && ocol < out->w;
            size_t i = fv_at(in, 0, r, q), o = inside ? fv_at(out, 0, orow, ocol) : 0;
            for (size_t c = 0; c < C; c++) {
                double xhat = (x[i + c] - mean[c]) * inv[c], g = inside ? dy[o + c] : 0;
                dx[i + c] += (fv_real)(scale[c] * inv[c] * (g - mean_dy[c] - xhat * mean_dyx[c]));
            }
        }
}
