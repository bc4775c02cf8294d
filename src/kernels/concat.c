/* Concatenation along channels: one input copied into its channel range. */
#include "kernel_real.h"

/* BODY sees i (index in in) and o (index in out) for every value of in
 * that out's window holds. */
#define CONCAT_WALK(BODY)                                                                      \
    for (int64_t r = 0; r < out->h; r++)                                                       \
        for (int64_t q = 0; q < out->w; q++) {                                                 \
            size_t o = fv_at(out, first, r, q);                                                \
            size_t i = fv_at(in, 0, r + out->y0 - in->y0, q + out->x0 - in->x0);               \
            for (int64_t c = 0; c < in->c; c++, o++, i++) {                                    \
                BODY;                                                                          \
            }                                                                                  \
        }

void FV_N(fv_concat_forward)(const fv_box *in, const fv_real *x, int64_t first, const fv_box *out,
                             fv_real *y)
{
    CONCAT_WALK(y[o] = x[i]);
}

void FV_N(fv_concat_backward)(const fv_box *in, fv_real *dx, int64_t first, const fv_box *out,
                              const fv_real *dy)
{
    CONCAT_WALK(dx[i] += dy[o]);
}
