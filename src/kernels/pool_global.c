/* Global average and max pooling over the whole map, which is the input
 * window: the planner gives a global pool's input its whole map. */
#include "kernel_real.h"

/* Index in x of the first maximum of channel c (stride: the channel count). */
static size_t first_max(const fv_real *x, size_t n, size_t c, size_t stride)
{
    size_t best = c;
    for (size_t i = 1; i < n; i++)
        if (x[i * stride + c] > x[best])
            best = i * stride + c;
    return best;
}

void FV_N(fv_global_pool_forward)(int is_max, const fv_box *in, const fv_real *x, fv_real *y)
{
    size_t n = (size_t)(in->h * in->w), C = (size_t)in->c;
    for (size_t c = 0; c < C; c++) {
        if (is_max) {
            y[c] = x[first_max(x, n, c, C)];
        } else {
            double s = 0;
            for (size_t i = 0; i < n; i++)
                s += x[i * C + c];
            y[c] = (fv_real)(s / (double)n);
        }
    }
}

void FV_N(fv_global_pool_backward)(int is_max, const fv_box *in, const fv_real *x, fv_real *dx,
                                   const fv_real *dy)
{
    size_t n = (size_t)(in->h * in->w), C = (size_t)in->c;
    for (size_t c = 0; c < C; c++) {
        if (is_max) {
            dx[first_max(x, n, c, C)] += dy[c];
        } else {
            fv_real g = dy[c] / (fv_real)n;
            for (size_t i = 0; i < n; i++)
                dx[i * C + c] += g;
        }
    }
}
