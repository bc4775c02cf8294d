/* Global average and max pooling over the whole map, which is the input
 * window: the planner gives a global pool's input its whole map. */
#include <math.h>

#include "kernels.h"

static size_t first_max(const float *xc, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (xc[i] > xc[best])
            best = i;
    return best;
}

void fv_global_pool_forward(int is_max, const fv_box *in, const float *x, float *y)
{
    size_t n = (size_t)(in->h * in->w);
    for (int64_t c = 0; c < in->c; c++) {
        const float *xc = x + (size_t)c * n;
        if (is_max) {
            y[c] = xc[first_max(xc, n)];
        } else {
            double s = 0;
            for (size_t i = 0; i < n; i++)
                s += xc[i];
            y[c] = (float)(s / (double)n);
        }
    }
}

void fv_global_pool_backward(int is_max, const fv_box *in, const float *x, float *dx,
                             const float *dy)
{
    size_t n = (size_t)(in->h * in->w);
    for (int64_t c = 0; c < in->c; c++) {
        float *dxc = dx + (size_t)c * n;
        if (is_max) {
            dxc[first_max(x + (size_t)c * n, n)] += dy[c];
        } else {
            float g = dy[c] / (float)n;
            for (size_t i = 0; i < n; i++)
                dxc[i] += g;
        }
    }
}
