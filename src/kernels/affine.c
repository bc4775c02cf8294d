/* y = x * scale[c] + shift[c]: batch normalisation in eval mode, with the
 * running statistics folded into one scale and shift per channel. */
#include "kernel_real.h"
#include "pointwise_walk.h"

void FV_N(fv_affine_forward)(const fv_real *scale, const fv_real *shift, const fv_box *in,
                             const fv_real *x, const fv_box *out, fv_real *y)
{
    POINTWISE_WALK(in, out, y[o] = x[i] * scale[c] + shift[c]);
}

void FV_N(fv_affine_backward)(const fv_real *scale, const fv_box *in, fv_real *dx,
                              const fv_box *out, const fv_real *dy)
{
    POINTWISE_WALK(in, out, dx[i] += dy[o] * scale[c]);
}
