/* Reference twins of the plain-C kernels: the tests check each optimised
 * kernel against its twin. A twin is written from the op's definition in
 * the dumbest loops that compute it: every output pixel of the window
 * from the map coordinates it reads, and backward-data by visiting every
 * (output, input) pair and adding dy times the partial derivative of that
 * output with respect to that input. Sums run in double. Twins share no
 * walk or index code with the optimised kernels; they are slow (products
 * of window sizes) and meant for small test windows only.
 *
 * Signatures are those of the kernels in kernels.h; backward twins
 * accumulate into dx as the kernels do. Like the kernels, the twins come
 * in float32 and float64 (names ending in _f64). A twin that would read a pixel
 * inside the map but outside its input window reads NaN, so that a
 * planner or kernel bug shows as a mismatch rather than as a stray read.
 */
#ifndef FV_KERNELS_REF_H
#define FV_KERNELS_REF_H

#include <math.h>

#include "kernels.h"

/* Every pixel (y, x) of window b, and every value (c, y, x). */
#define FV_REF_EACH_PIXEL(b, y, x)                                                                 \
    for (int64_t y = 0; y < (b)->h; y++)                                                           \
        for (int64_t x = 0; x < (b)->w; x++)
#define FV_REF_EACH(b, ch, y, x)                                                                   \
    for (int64_t ch = 0; ch < (b)->c; ch++)                                                        \
    FV_REF_EACH_PIXEL(b, y, x)

/* Offset of window pixel (y, x), channel c, in NHWC, spelled out again
 * rather than taken from kernels.h. */
static inline size_t fv_ref_offset(const fv_box *b, int64_t c, int64_t y, int64_t x)
{
    return (size_t)(y * b->w * b->c + x * b->c + c);
}

#define FV_T float
#define FV_D(name) name
#include "kernels_ref_typed.h"
#undef FV_T
#undef FV_D
#define FV_T double
#define FV_D(name) name##_f64
#include "kernels_ref_typed.h"
#undef FV_T
#undef FV_D

#endif
