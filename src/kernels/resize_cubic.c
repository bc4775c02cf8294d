/* Cubic resize as PyTorch (bicubic) and ONNX (cubic) compute it: the
 * source coordinate, half-pixel (o + 1/2) den / num - 1/2 without clamping
 * or o (in - 1) / (out - 1) with aligned corners, is x = i0 + t; the output
 * mixes pixels i0 - 1 .. i0 + 2 with Keys' weights for the resize's a
 * (cubic_coeff_a: -0.75 in PyTorch and by default, -0.5 in TensorFlow).
 * Pixels past the border are read as the border pixel, or with
 * exclude_outside get weight 0, the others scaled to sum 1. When t = 0
 * only i0 has weight, and only i0 is read: the cone planner (rf_ops.c)
 * gives such an output that one pixel. */
#include "kernel_real.h"

static int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

static int64_t clamp(int64_t v, int64_t hi) { return v < 0 ? 0 : v > hi ? hi : v; }

/* Keys' kernel with coefficient a at distance d (0 <= d < 2) from the
 * source coordinate. */
static fv_real keys(fv_real a, fv_real d)
{
    if (d <= 1)
        return ((a + 2) * d - (a + 3)) * d * d + 1;
    return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
}

/* The n (1 or 4) pixels output o reads along an axis and their weights. */
static int taps(const fv_resize *r, int a, int64_t o, int64_t in_n, int64_t out_n, int64_t idx[4],
                fv_real w[4])
{
    int64_t p, q;
    if (r->align_corners) {
        p = o * (in_n - 1), q = out_n > 1 ? out_n - 1 : 1;
    } else {
        p = (2 * o + 1) * r->scale_den[a] - r->scale_num[a], q = 2 * r->scale_num[a];
    }
    int64_t i0 = floor_div(p, q), rem = p - i0 * q;
    if (rem == 0) {
        idx[0] = clamp(i0, in_n - 1), w[0] = 1;
        return 1;
    }
    fv_real t = (fv_real)((double)rem / (double)q), inside = 0;
    fv_real d[4] = {1 + t, t, 1 - t, 2 - t};
    for (int j = 0; j < 4; j++) {
        idx[j] = i0 - 1 + j;
        w[j] = keys(FV_R(r->cubic_a), d[j]);
        if (r->exclude_outside && idx[j] != clamp(idx[j], in_n - 1))
            w[j] = 0;
        inside += w[j];
        idx[j] = clamp(idx[j], in_n - 1);
    }
    for (int j = 0; j < 4 && r->exclude_outside; j++)
        w[j] /= inside;
    return 4;
}

#define CUBIC_WALK(BODY)                                                                       \
    for (int64_t oy = 0; oy < out->h; oy++) {                                                  \
        int64_t iy[4], ix[4];                                                                  \
        fv_real wy[4], wx[4];                                                                    \
        int ny = taps(r, 0, out->y0 + oy, in->map_h, out->map_h, iy, wy);                      \
        for (int64_t ox = 0; ox < out->w; ox++) {                                              \
            int nx = taps(r, 1, out->x0 + ox, in->map_w, out->map_w, ix, wx);                  \
            for (int64_t c = 0; c < out->c; c++) {                                             \
                size_t o = fv_at(out, c, oy, ox);                                              \
                for (int jy = 0; jy < ny; jy++)                                                \
                    for (int jx = 0; jx < nx; jx++) {                                          \
                        size_t i = fv_at(in, c, iy[jy] - in->y0, ix[jx] - in->x0);             \
                        fv_real w = wy[jy] * wx[jx];                                             \
                        BODY;                                                                  \
                    }                                                                          \
            }                                                                                  \
        }                                                                                      \
    }

void FV_N(fv_resize_cubic_forward)(const fv_resize *r, const fv_box *in, const fv_real *x,
                                   const fv_box *out, fv_real *y)
{
    for (size_t k = 0; k < fv_box_size(out); k++)
        y[k] = 0;
    CUBIC_WALK(y[o] += w * x[i]);
}

void FV_N(fv_resize_cubic_backward)(const fv_resize *r, const fv_box *in, fv_real *dx,
                                    const fv_box *out, const fv_real *dy)
{
    CUBIC_WALK(dx[i] += w * dy[o]);
}
