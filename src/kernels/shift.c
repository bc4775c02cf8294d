/* Pad and slice: output pixel o along an axis is input pixel
 * start + o * step, zero where that falls outside the map. */
#include "kernel_real.h"

#define SHIFT_WALK(BODY)                                                                       \
    for (int64_t c = 0; c < out->c; c++)                                                       \
        for (int64_t oy = 0; oy < out->h; oy++) {                                              \
            int64_t Y = start[0] + (out->y0 + oy) * step[0];                                   \
            if (Y < 0 || Y >= in->map_h)                                                       \
                continue;                                                                      \
            for (int64_t ox = 0; ox < out->w; ox++) {                                          \
                int64_t X = start[1] + (out->x0 + ox) * step[1];                               \
                if (X < 0 || X >= in->map_w)                                                   \
                    continue;                                                                  \
                size_t o = fv_at(out, c, oy, ox);                                              \
                size_t i = fv_at(in, c, Y - in->y0, X - in->x0);                               \
                BODY;                                                                          \
            }                                                                                  \
        }

void FV_N(fv_shift_forward)(const int64_t start[FV_AXES], const int64_t step[FV_AXES],
                            const fv_box *in, const fv_real *x, const fv_box *out, fv_real *y)
{
    for (size_t k = 0; k < fv_box_size(out); k++)
        y[k] = 0;
    SHIFT_WALK(y[o] = x[i]);
}

void FV_N(fv_shift_backward)(const int64_t start[FV_AXES], const int64_t step[FV_AXES],
                             const fv_box *in, fv_real *dx, const fv_box *out, const fv_real *dy)
{
    SHIFT_WALK(dx[i] += dy[o]);
}
