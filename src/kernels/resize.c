/* Resize: nearest reads floor(o * den / num) (ONNX asymmetric + floor,
 * PyTorch's nearest); linear interpolates between the two pixels around
 * the source coordinate, half-pixel (o + 1/2) * den / num - 1/2 clamped
 * at 0 as PyTorch does, or o * (in - 1) / (out - 1) with aligned corners. */
#include <math.h>

#include "kernels.h"

/* Source pixels i0, i1 and the weight of i1 for output o along an axis. */
static void source(const fv_resize *r, int a, int64_t o, int64_t in_n, int64_t out_n, int64_t *i0,
                   int64_t *i1, float *t)
{
    int64_t num = r->scale_num[a], den = r->scale_den[a];
    if (r->mode == FV_RESIZE_NEAREST) {
        *i0 = *i1 = o * den / num;
        if (*i0 > in_n - 1)
            *i0 = *i1 = in_n - 1;
        *t = 0;
        return;
    }
    double x;
    if (r->align_corners)
        x = out_n > 1 ? (double)o * (double)(in_n - 1) / (double)(out_n - 1) : 0.0;
    else
        x = ((double)o + 0.5) * (double)den / (double)num - 0.5;
    if (x < 0)
        x = 0;
    *i0 = (int64_t)floor(x);
    if (*i0 > in_n - 1)
        *i0 = in_n - 1;
    *i1 = *i0 + 1 < in_n ? *i0 + 1 : *i0;
    *t = (float)(x - (double)*i0);
}

#define RESIZE_WALK(BODY)                                                                      \
    for (int64_t oy = 0; oy < out->h; oy++) {                                                  \
        int64_t y0, y1, x0, x1;                                                                \
        float ty, tx;                                                                          \
        source(r, 0, out->y0 + oy, in->map_h, out->map_h, &y0, &y1, &ty);                      \
        for (int64_t ox = 0; ox < out->w; ox++) {                                              \
            source(r, 1, out->x0 + ox, in->map_w, out->map_w, &x0, &x1, &tx);                  \
            float w00 = (1 - ty) * (1 - tx), w01 = (1 - ty) * tx, w10 = ty * (1 - tx),         \
                  w11 = ty * tx;                                                               \
            int64_t ly0 = y0 - in->y0, ly1 = y1 - in->y0, lx0 = x0 - in->x0, lx1 = x1 - in->x0; \
            for (int64_t c = 0; c < out->c; c++) {                                             \
                size_t o = fv_at(out, c, oy, ox);                                              \
                size_t i00 = fv_at(in, c, ly0, lx0), i01 = fv_at(in, c, ly0, lx1),             \
                       i10 = fv_at(in, c, ly1, lx0), i11 = fv_at(in, c, ly1, lx1);             \
                BODY;                                                                          \
            }                                                                                  \
        }                                                                                      \
    }

void fv_resize_forward(const fv_resize *r, const fv_box *in, const float *x, const fv_box *out,
                       float *y)
{
    RESIZE_WALK(y[o] = w00 * x[i00] + w01 * x[i01] + w10 * x[i10] + w11 * x[i11]);
}

void fv_resize_backward(const fv_resize *r, const fv_box *in, float *dx, const fv_box *out,
                        const float *dy)
{
    RESIZE_WALK({
        dx[i00] += w00 * dy[o];
        dx[i01] += w01 * dy[o];
        dx[i10] += w10 * dy[o];
        dx[i11] += w11 * dy[o];
    });
}
