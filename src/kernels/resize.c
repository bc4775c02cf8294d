/* Resize: nearest reads floor(o * den / num) (ONNX asymmetric + floor,
 * PyTorch's nearest); linear interpolates between the two pixels around
 * the source coordinate, half-pixel (o + 1/2) * den / num - 1/2 clamped
 * at 0 as PyTorch does, or o * (in - 1) / (out - 1) with aligned corners. */
#include "kernel_real.h"

static int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

/* Source pixels i0, i1 and the weight of i1 for output o along an axis.
 * The source coordinate is the exact fraction p / q, so that the pixels
 * read are exactly those the cone planner gives this output. */
static void source(const fv_resize *r, int a, int64_t o, int64_t in_n, int64_t out_n, int64_t *i0,
                   int64_t *i1, fv_real *t)
{
    int64_t num = r->scale_num[a], den = r->scale_den[a], p, q;
    if (r->mode == FV_RESIZE_NEAREST) {
        p = o * den, q = num;
    } else if (r->align_corners) {
        p = o * (in_n - 1), q = out_n > 1 ? out_n - 1 : 1;
    } else { /* (o + 1/2) den / num - 1/2 */
        p = (2 * o + 1) * den - num, q = 2 * num;
    }
    if (p < 0)
        p = 0;
    *i0 = floor_div(p, q);
    *t = r->mode == FV_RESIZE_NEAREST ? 0 : (fv_real)((double)(p - *i0 * q) / (double)q);
    if (*i0 > in_n - 1) {
        *i0 = in_n - 1;
        *t = 0;
    }
    *i1 = r->mode != FV_RESIZE_NEAREST && *i0 + 1 < in_n ? *i0 + 1 : *i0;
}

#define RESIZE_WALK(BODY)                                                                      \
    for (int64_t oy = 0; oy < out->h; oy++) {                                                  \
        int64_t y0, y1, x0, x1;                                                                \
        fv_real ty, tx;                                                                          \
        source(r, 0, out->y0 + oy, in->map_h, out->map_h, &y0, &y1, &ty);                      \
        for (int64_t ox = 0; ox < out->w; ox++) {                                              \
            source(r, 1, out->x0 + ox, in->map_w, out->map_w, &x0, &x1, &tx);                  \
            fv_real w00 = (1 - ty) * (1 - tx), w01 = (1 - ty) * tx, w10 = ty * (1 - tx),         \
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

void FV_N(fv_resize_forward)(const fv_resize *r, const fv_box *in, const fv_real *x,
                             const fv_box *out, fv_real *y)
{
    if (r->mode == FV_RESIZE_CUBIC) {
        FV_N(fv_resize_cubic_forward)(r, in, x, out, y);
        return;
    }
    RESIZE_WALK(y[o] = w00 * x[i00] + w01 * x[i01] + w10 * x[i10] + w11 * x[i11]);
}

void FV_N(fv_resize_backward)(const fv_resize *r, const fv_box *in, fv_real *dx, const fv_box *out,
                              const fv_real *dy)
{
    if (r->mode == FV_RESIZE_CUBIC) {
        FV_N(fv_resize_cubic_backward)(r, in, dx, out, dy);
        return;
    }
    RESIZE_WALK({
        dx[i00] += w00 * dy[o];
        dx[i01] += w01 * dy[o];
        dx[i10] += w10 * dy[o];
        dx[i11] += w11 * dy[o];
    });
}
