/* The element type of one compilation of a plain-C kernel file. Every
 * kernel file is compiled twice: as is, in float32, and with
 * FV_KERNEL_F64 defined, in float64 with every name ending in _f64
 * (kernels.h declares both). A kernel writes fv_real for its element type,
 * FV_N(name) for the names it defines, FV_R(x) for a constant, and calls
 * <tgmath.h>'s generic exp, tanh, erf and friends, so that the float32
 * compilation stays in float32 and the float64 one loses nothing. */
#ifndef FV_KERNEL_REAL_H
#define FV_KERNEL_REAL_H

#include <tgmath.h>
#undef I /* <complex.h>'s imaginary unit, through tgmath.h: no kernel wants it */

#include "kernels.h"

#ifdef FV_KERNEL_F64
typedef double fv_real;
#define FV_N(name) name##_f64
#else
typedef float fv_real;
#define FV_N(name) name
#endif
#define FV_R(x) ((fv_real)(x))

#endif
