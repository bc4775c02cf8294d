/* Exact rescaling by powers of two, for the ERF engine's scaled buffers:
 * with uniform weights a map counts paths, and the counts of a deep, wide
 * network outgrow the element type (ResNet-50's layer3 has about 1e109
 * paths to its centre pixel). The engine then keeps a buffer as stored
 * values times 2^e and moves e with these kernels. Multiplying by a power
 * of two rounds nothing; only a value pushed below the smallest subnormal
 * is lost, and one pushed past the largest finite value becomes infinite. */
#include "kernel_real.h"

/* The largest |x[k]| of n values (NaN if any is NaN). */
double FV_N(fv_max_abs)(size_t n, const fv_real *x)
{
    double top = 0;
#pragma omp parallel for schedule(static) reduction(max : top)
    for (size_t k = 0; k < n; k++) {
        double v = fabs((double)x[k]);
        if (!(v <= top))
            top = v;
    }
    return top;
}

/* x[k] *= 2^shift, in place. */
void FV_N(fv_scale_pow2)(size_t n, fv_real *x, int shift)
{
    if (shift == 0)
        return;
#pragma omp parallel for schedule(static)
    for (size_t k = 0; k < n; k++)
        x[k] = ldexp(x[k], shift);
}

/* y[k] = x[k] * 2^shift. */
void FV_N(fv_copy_pow2)(size_t n, const fv_real *x, int shift, fv_real *y)
{
#pragma omp parallel for schedule(static)
    for (size_t k = 0; k < n; k++)
        y[k] = ldexp(x[k], shift);
}
