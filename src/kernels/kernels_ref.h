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
 * accumulate into dx as the kernels do. A twin that would read a pixel
 * inside the map but outside its input window reads NaN, so that a
 * planner or kernel bug shows as a mismatch rather than as a stray read.
 */
#ifndef FV_KERNELS_REF_H
#define FV_KERNELS_REF_H

#include <math.h>

#include "kernels.h"

/* Value of channel c at map pixel (Y, X) of window b: 0 outside the map,
 * NaN inside the map but outside the window. */
static inline double fv_ref_read(const fv_box *b, const float *v, int64_t c, int64_t Y, int64_t X)
{
    if (Y < 0 || Y >= b->map_h || X < 0 || X >= b->map_w)
        return 0.0;
    int64_t y = Y - b->y0, x = X - b->x0;
    if (y < 0 || y >= b->h || x < 0 || x >= b->w)
        return NAN;
    return v[(y * b->w + x) * b->c + c];
}

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

void fv_max_pool_forward_ref(const fv_kwin *k, const fv_box *in, const float *x, const fv_box *out,
                             float *y);
void fv_max_pool_backward_ref(const fv_kwin *k, const fv_box *in, const float *x, float *dx,
                              const fv_box *out, const float *dy);
void fv_avg_pool_forward_ref(const fv_kwin *k, const int64_t pad_end[FV_AXES], int include_pad,
                             const fv_box *in, const float *x, const fv_box *out, float *y);
void fv_avg_pool_backward_ref(const fv_kwin *k, const int64_t pad_end[FV_AXES], int include_pad,
                              const fv_box *in, float *dx, const fv_box *out, const float *dy);
void fv_global_pool_forward_ref(int is_max, const fv_box *in, const float *x, float *y);
void fv_global_pool_backward_ref(int is_max, const fv_box *in, const float *x, float *dx,
                                 const float *dy);

void fv_act_forward_ref(const fv_act *act, const fv_box *in, const float *x, const fv_box *out,
                        float *y);
void fv_act_backward_ref(const fv_act *act, const fv_box *in, const float *x, float *dx,
                         const fv_box *out, const float *dy);
void fv_softmax_forward_ref(const fv_box *in, const float *x, const fv_box *out, float *y);
void fv_softmax_backward_ref(const fv_box *in, const float *x, float *dx, const fv_box *out,
                             const float *dy);
void fv_affine_forward_ref(const float *scale, const float *shift, const fv_box *in, const float *x,
                           const fv_box *out, float *y);
void fv_affine_backward_ref(const float *scale, const fv_box *in, float *dx, const fv_box *out,
                            const float *dy);

void fv_merge_forward_ref(fv_op op, size_t n, const fv_box *in, const float *const *x,
                          const fv_box *out, float *y);
void fv_merge_backward_ref(fv_op op, size_t n, const fv_box *in, const float *const *x,
                           float *const *dx, const fv_box *out, const float *dy);
void fv_concat_forward_ref(const fv_box *in, const float *x, int64_t first, const fv_box *out,
                           float *y);
void fv_concat_backward_ref(const fv_box *in, float *dx, int64_t first, const fv_box *out,
                            const float *dy);

void fv_shift_forward_ref(const int64_t start[FV_AXES], const int64_t step[FV_AXES],
                          const fv_box *in, const float *x, const fv_box *out, float *y);
void fv_shift_backward_ref(const int64_t start[FV_AXES], const int64_t step[FV_AXES],
                           const fv_box *in, float *dx, const fv_box *out, const float *dy);
void fv_resize_forward_ref(const fv_resize *r, const fv_box *in, const float *x, const fv_box *out,
                           float *y);
void fv_resize_backward_ref(const fv_resize *r, const fv_box *in, float *dx, const fv_box *out,
                            const float *dy);
void fv_depth_to_space_forward_ref(int64_t block, const fv_box *in, const float *x,
                                   const fv_box *out, float *y);
void fv_depth_to_space_backward_ref(int64_t block, const fv_box *in, float *dx, const fv_box *out,
                                    const float *dy);
void fv_space_to_depth_forward_ref(int64_t block, const fv_box *in, const float *x,
                                   const fv_box *out, float *y);
void fv_space_to_depth_backward_ref(int64_t block, const fv_box *in, float *dx, const fv_box *out,
                                    const float *dy);

#endif
