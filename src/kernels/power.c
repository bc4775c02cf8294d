/* Caffe's Power, element by element, in double and rounded once:
 *
 *   b = shift + scale x,   y = b^power,   dx += dy power scale b^(power - 1)
 *
 * power 1 is an affine map with no pow call, so that FaceBoxes' negation
 * (scale -1) is exact; power 2 multiplies. When power * scale is 0 (a
 * power 0 or a scale 0: y does not depend on x) backward adds nothing, as
 * Caffe's PowerLayer does, where b^(power - 1) alone could be infinite.
 * Which powers give finite values for every x is the engine's concern
 * (check_node); the kernels compute whatever they are given. */
#include "kernel_real.h"
#include "pointwise_walk.h"

/* x: in (h, w, c); y: out (h, w, c), out's window inside in's. */
void FV_N(fv_power_forward)(const fv_power *p, const fv_box *in, const fv_real *x,
                            const fv_box *out, fv_real *y)
{
    double a = p->scale, s = p->shift, e = p->power;
    if (e == 1) {
        POINTWISE_WALK(in, out, y[o] = (fv_real)(s + a * x[i]));
    } else if (e == 2) {
        POINTWISE_WALK(in, out, {
            double b = s + a * x[i];
            y[o] = (fv_real)(b * b);
        });
    } else {
        POINTWISE_WALK(in, out, y[o] = (fv_real)pow(s + a * x[i], e));
    }
}

void FV_N(fv_power_backward)(const fv_power *p, const fv_box *in, const fv_real *x, fv_real *dx,
                             const fv_box *out, const fv_real *dy)
{
    double a = p->scale, s = p->shift, e = p->power, f = e * a;
    if (f == 0)
        return;
    if (e == 1) {
        POINTWISE_WALK(in, out, dx[i] += (fv_real)(a * dy[o]));
    } else if (e == 2) {
        POINTWISE_WALK(in, out, dx[i] += (fv_real)(f * (s + a * x[i]) * dy[o]));
    } else {
        POINTWISE_WALK(in, out, dx[i] += (fv_real)(f * pow(s + a * x[i], e - 1) * dy[o]));
    }
}
