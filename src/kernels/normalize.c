/* L2 normalisation of each pixel's channels: Caffe-SSD's Normalize with
 * across_spatial false (ParseNet; SSD's conv4_3_norm). Pointwise in space,
 * so the cone passes through it unchanged. With the norm n taken over the
 * pixel's C channels, eps inside the square root as Caffe-SSD adds it
 * before taking the root:
 *
 *   n = sqrt(eps + sum_k x_k^2),   y_c = scale x_c / n
 *
 *   dx_k += scale / n * (dy_k - x_k * sum_c x_c dy_c / n^2)
 *
 * Both run per pixel over the channels, the sums and every term in
 * double. Backward recomputes n from x rather than keeping it. */
#include "kernel_real.h"
#include "pointwise_walk.h"

/* sum_k x_k^2 over the channels of the pixel at xp. */
static double squares(const fv_real *xp, int64_t C)
{
    double sum = 0;
    for (int64_t k = 0; k < C; k++)
        sum += (double)xp[k] * xp[k];
    return sum;
}

/* x, dx: in (h, w, c); y, dy: out (h, w, c), the same c channels, out's
 * window inside in's. */
void FV_N(fv_normalize_forward)(const fv_normalize *p, const fv_box *in, const fv_real *x,
                                const fv_box *out, fv_real *y)
{
    PIXEL_WALK(in, out, {
        const fv_real *xp = x + i;
        double f = p->scale / sqrt(p->eps + squares(xp, out->c));
        for (int64_t c = 0; c < out->c; c++)
            y[o + c] = (fv_real)(f * xp[c]);
    })
}

void FV_N(fv_normalize_backward)(const fv_normalize *p, const fv_box *in, const fv_real *x,
                                 fv_real *dx, const fv_box *out, const fv_real *dy)
{
    PIXEL_WALK(in, out, {
        const fv_real *xp = x + i, *dyp = dy + o;
        double n2 = p->eps + squares(xp, out->c), dot = 0;
        for (int64_t c = 0; c < out->c; c++)
            dot += (double)xp[c] * dyp[c];
        double f = p->scale / sqrt(n2), g = dot / n2;
        for (int64_t k = 0; k < out->c; k++)
            dx[i + k] += (fv_real)(f * (dyp[k] - xp[k] * g));
    })
}
