/* Softmax over the channels of each pixel: ONNX Softmax on axis 1 (opset
 * 13 on), Caffe's Softmax and Darknet's [softmax]. Pointwise in space, so
 * the cone passes through it unchanged. Forward subtracts the pixel's
 * largest value before exp, as frameworks do; backward needs the output:
 * dx_c += y_c (dy_c - sum_k y_k dy_k). */
#include "kernel_real.h"
#include "pointwise_walk.h"

void FV_N(fv_softmax_forward)(const fv_box *in, const fv_real *x, const fv_box *out, fv_real *y)
{
    PIXEL_WALK(in, out, {
        const fv_real *xp = x + i;
        fv_real *yp = y + o;
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
    })
}

void FV_N(fv_softmax_backward)(const fv_box *in, fv_real *dx, const fv_box *out, const fv_real *y,
                               const fv_real *dy)
{
    PIXEL_WALK(in, out, {
        fv_real *dxp = dx + i;
        const fv_real *yp = y + o, *dyp = dy + o;
        double dot = 0;
        for (int64_t c = 0; c < out->c; c++)
            dot += (double)yp[c] * dyp[c];
        for (int64_t c = 0; c < out->c; c++)
            dxp[c] += (fv_real)(yp[c] * (dyp[c] - dot));
    })
}
