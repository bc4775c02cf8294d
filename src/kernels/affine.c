/* y = x * scale[c] + shift[c]: batch normalisation in eval mode, with the
 * running statistics folded into one scale and shift per channel. */
#include "pointwise_walk.h"

void fv_affine_forward(const float *scale, const float *shift, const fv_box *in, const float *x,
                       const fv_box *out, float *y)
{
    POINTWISE_WALK(in, out, y[o] = x[i] * scale[c] + shift[c]);
}

void fv_affine_backward(const float *scale, const fv_box *in, float *dx, const fv_box *out,
                        const float *dy)
{
    POINTWISE_WALK(in, out, dx[i] += dy[o] * scale[c]);
}
