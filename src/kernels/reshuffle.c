/* Depth to space and space to depth, in either channel order (DCR, CRD):
 * pixels move between channels and a b x b block, nothing is computed. */
#include "kernel_real.h"

/* The deep side's channel of spatial channel c (of C) at block offset
 * off = by * b + bx. */
static inline int64_t deep_channel(const fv_block *b, int64_t C, int64_t c, int64_t off)
{
    return b->order == FV_BLOCK_CRD ? c * b->size * b->size + off : off * C + c;
}

/* Calls BODY with o (index in the spatial side) and i (index in the deep
 * side) for every pixel of the spatial side's window `sp`; blocks of b. */
#define BLOCK_WALK(sp, deep, BODY)                                                             \
    for (int64_t block = b->size, c = 0; c < (sp)->c; c++)                                     \
        for (int64_t yy = 0; yy < (sp)->h; yy++)                                               \
            for (int64_t xx = 0; xx < (sp)->w; xx++) {                                         \
                int64_t Y = (sp)->y0 + yy, X = (sp)->x0 + xx;                                  \
                int64_t dc = deep_channel(b, (sp)->c, c, (Y % block) * block + X % block);     \
                int64_t dy_ = Y / block - (deep)->y0, dx_ = X / block - (deep)->x0;            \
                if (dy_ < 0 || dy_ >= (deep)->h || dx_ < 0 || dx_ >= (deep)->w)                \
                    continue;                                                                  \
                size_t o = fv_at(sp, c, yy, xx);                                               \
                size_t i = fv_at(deep, dc, dy_, dx_);                                          \
                BODY;                                                                          \
            }

void FV_N(fv_depth_to_space_forward)(const fv_block *b, const fv_box *in, const fv_real *x,
                                     const fv_box *out, fv_real *y)
{
    BLOCK_WALK(out, in, y[o] = x[i]);
}

void FV_N(fv_depth_to_space_backward)(const fv_block *b, const fv_box *in, fv_real *dx,
                                      const fv_box *out, const fv_real *dy)
{
    BLOCK_WALK(out, in, dx[i] += dy[o]);
}

void FV_N(fv_space_to_depth_forward)(const fv_block *b, const fv_box *in, const fv_real *x,
                                     const fv_box *out, fv_real *y)
{
    BLOCK_WALK(in, out, y[i] = x[o]);
}

void FV_N(fv_space_to_depth_backward)(const fv_block *b, const fv_box *in, fv_real *dx,
                                      const fv_box *out, const fv_real *dy)
{
    BLOCK_WALK(in, out, dx[o] += dy[i]);
}
