/* Softmax over the channels of each pixel: ONNX Softmax on axis 1 (opset
 * 13 on), Caffe's Softmax and Darknet's [softmax]. Pointwise in space, so
 * the cone passes through it unchanged. Forward subtracts the pixel's
 * largest value before exp, as frameworks do; backward needs the output:
 * dx_c += y_c (dy_c - sum_k y_k dy_k). */
#include "kernel_real.h"

void FV_N(fv_softmax_forward)(const fv_box *in, const fv_real *x, const fv_box *out, fv_real *y)
{
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < out->h; r++)
        for (int64_t q = 0; q < out->w; q++) {
            const fv_real *xp = x + fv_at(in, 0, r + out->y0 - in->y0, q + out->x0 - in->x0);
            fv_real *yp = y + fv_at(out, 0, r, q);
            fv_real top = xp[0];
            for (int64_t c = 1; c < out->c; c++)
                top = fmax(top, xp[c]);
            double sum = 0;
            for (int64_t c = 0; c < out->c; c++) {
                yp[c] = exp(xp[c] - top);
                sum += yp[c];
            }
            for (int64_t c = 0; c < out->c; c++)
                yp[c] = (fv_real)(yp[c] / sum);
        }
}

void FV_N(fv_softmax_backward)(const fv_box *in, fv_real *dx, const fv_box *out, const fv_real *y,
                               const fv_real *dy)
{
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < out->h; r++)
        for (int64_t q = 0; q < out->w; q++) {
            fv_real *dxp = dx + fv_at(in, 0, r + out->y0 - in->y0, q + out->x0 - in->x0);
            const fv_real *yp = y + fv_at(out, 0, r, q), *dyp = dy + fv_at(out, 0, r, q);
            double dot = 0;
            for (int64_t c = 0; c < out->c; c++)
                dot += (double)yp[c] * dyp[c];
            for (int64_t c = 0; c < out->c; c++)
                dxp[c] += (fv_real)(yp[c] * (dyp[c] - dot));
        }
}
