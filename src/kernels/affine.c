/* y = x * scale[c] + shift[c]: batch normalisation in eval mode, with the
 * running statistics folded into one scale and shift per channel. The
 * float32 kernel multiplies and adds in double and rounds once: where the
 * shift nearly cancels x * scale (a pre-activation near a ReLU's zero) two
 * float32 roundings flip that ReLU more often than the framework's own
 * batch norm does. On ResNet-50 at 1024x1024 (bench/) one rounding gave a
 * map 4.7e-4 from the float64 one, two roundings 4.3e-3. */
#include "kernel_real.h"
#include "pointwise_walk.h"

void FV_N(fv_affine_forward)(const fv_real *scale, const fv_real *shift, const fv_box *in,
                             const fv_real *x, const fv_box *out, fv_real *y)
{
    POINTWISE_WALK(in, out, y[o] = (fv_real)((double)x[i] * scale[c] + shift[c]));
}

void FV_N(fv_affine_backward)(const fv_real *scale, const fv_box *in, fv_real *dx,
                              const fv_box *out, const fv_real *dy)
{
    POINTWISE_WALK(in, out, dx[i] += dy[o] * scale[c]);
}
