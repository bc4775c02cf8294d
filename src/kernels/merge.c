/* Element-wise add, mul and max of several inputs, with the broadcasts a
 * CNN uses: a 1x1 map over a larger one (squeeze-and-excitation), one
 * channel over many. */
#include "kernels.h"

/* Index in input `b` of map pixel (Y, X) of channel c. */
static size_t at(const fv_box *b, const fv_box *out, int64_t c, int64_t Y, int64_t X)
{
    int64_t cc = b->c == 1 ? 0 : c;
    int spread = b->map_h == 1 && b->map_w == 1 && (out->map_h != 1 || out->map_w != 1);
    int64_t y = spread ? 0 : Y - b->y0, x = spread ? 0 : X - b->x0;
    return (size_t)((cc * b->h + y) * b->w + x);
}

#define MERGE_WALK(BODY)                                                                       \
    for (int64_t c = 0; c < out->c; c++)                                                       \
        for (int64_t oy = 0; oy < out->h; oy++)                                                \
            for (int64_t ox = 0; ox < out->w; ox++) {                                          \
                size_t o = (size_t)((c * out->h + oy) * out->w + ox);                          \
                int64_t Y = out->y0 + oy, X = out->x0 + ox;                                    \
                BODY;                                                                          \
            }

void fv_merge_forward(fv_op op, size_t n, const fv_box *in, const float *const *x,
                      const fv_box *out, float *y)
{
    MERGE_WALK({
        float v = x[0][at(&in[0], out, c, Y, X)];
        for (size_t k = 1; k < n; k++) {
            float u = x[k][at(&in[k], out, c, Y, X)];
            v = op == FV_OP_ADD ? v + u : op == FV_OP_MUL ? v * u : (u > v ? u : v);
        }
        y[o] = v;
    });
}

void fv_merge_backward(fv_op op, size_t n, const fv_box *in, const float *const *x,
                       float *const *dx, const fv_box *out, const float *dy)
{
    MERGE_WALK({
        if (op == FV_OP_ADD) {
            for (size_t k = 0; k < n; k++)
                dx[k][at(&in[k], out, c, Y, X)] += dy[o];
        } else if (op == FV_OP_MUL) {
            for (size_t k = 0; k < n; k++) {
                float g = dy[o];
                for (size_t j = 0; j < n; j++)
                    if (j != k)
                        g *= x[j][at(&in[j], out, c, Y, X)];
                dx[k][at(&in[k], out, c, Y, X)] += g;
            }
        } else {
            size_t best = 0;
            float v = x[0][at(&in[0], out, c, Y, X)];
            for (size_t k = 1; k < n; k++) {
                float u = x[k][at(&in[k], out, c, Y, X)];
                if (u > v) {
                    v = u;
                    best = k;
                }
            }
            dx[best][at(&in[best], out, c, Y, X)] += dy[o];
        }
    });
}
