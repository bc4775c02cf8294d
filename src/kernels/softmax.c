/* Softmax over the channels of each pixel: ONNX Softmax on axis 1 (opset
 * 13 on), Caffe's Softmax and Darknet's [softmax]. Pointwise in space, so
 * the cone passes through it unchanged. Forward subtracts the pixel's
 * largest value before exp, as frameworks do; backward needs the output:
 * dx_c += y_c (dy_c - sum_k y_k dy_k). */
#include <math.h>

#include "kernels.h"

void fv_softmax_forward(const fv_box *in, const float *x, const fv_box *out, float *y)
{
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < out->h; r++)
        for (int64_t q = 0; q < out->w; q++) {
            const float *xp = x + fv_at(in, 0, r + out->y0 - in->y0, q + out->x0 - in->x0);
            float *yp = y + fv_at(out, 0, r, q);
            float top = xp[0];
            for (int64_t c = 1; c < out->c; c++)
                top = fmaxf(top, xp[c]);
            double sum = 0;
            for (int64_t c = 0; c < out->c; c++) {
                yp[c] = expf(xp[c] - top);
                sum += yp[c];
            }
            for (int64_t c = 0; c < out->c; c++)
                yp[c] = (float)(yp[c] / sum);
        }
}

void fv_softmax_backward(const fv_box *in, float *dx, const fv_box *out, const float *y,
                         const float *dy)
{
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < out->h; r++)
        for (int64_t q = 0; q < out->w; q++) {
            float *dxp = dx + fv_at(in, 0, r + out->y0 - in->y0, q + out->x0 - in->x0);
            const float *yp = y + fv_at(out, 0, r, q), *dyp = dy + fv_at(out, 0, r, q);
            double dot = 0;
            for (int64_t c = 0; c < out->c; c++)
                dot += (double)yp[c] * dyp[c];
            for (int64_t c = 0; c < out->c; c++)
                dxp[c] += (float)(yp[c] * (dyp[c] - dot));
        }
}
