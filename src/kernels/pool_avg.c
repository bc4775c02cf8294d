/* Average pooling. The divisor follows ONNX and PyTorch: with
 * count_include_pad, the window clipped to the padded map (so a window
 * that ceil mode pushes past the end padding counts less); without it,
 * only the map pixels in the window. */
#include "kernel_real.h"

static int64_t lo_clip(int64_t v, int64_t lo) { return v < lo ? lo : v; }
static int64_t hi_clip(int64_t v, int64_t hi) { return v > hi ? hi : v; }

/* Window of output (oy, ox) as the first and last tap index per axis that
 * land in the map, and its divisor. */
static fv_real divisor(const fv_kwin *k, const int64_t pad_end[FV_AXES], int include_pad,
                       const fv_box *in, int64_t Y0, int64_t X0)
{
    int64_t n[FV_AXES];
    int64_t start[FV_AXES] = {Y0, X0}, size[FV_AXES] = {in->map_h, in->map_w};
    for (int a = 0; a < FV_AXES; a++) {
        int64_t first = start[a], last = start[a] + (k->k[a] - 1) * k->d[a];
        if (include_pad) {
            first = lo_clip(first, -k->pad[a]);
            last = hi_clip(last, size[a] - 1 + pad_end[a]);
        } else {
            first = lo_clip(first, 0);
            last = hi_clip(last, size[a] - 1);
        }
        /* taps, not pixels, when dilated: count those on the lattice */
        int64_t d = k->d[a];
        int64_t t0 = (first - start[a] + d - 1) / d, t1 = (last - start[a]) / d;
        n[a] = t1 >= t0 ? t1 - t0 + 1 : 0;
    }
    int64_t count = n[0] * n[1];
    return count > 0 ? 1 / (fv_real)count : 0;
}

#define AVG_WALK(BODY)                                                                         \
    for (int64_t c = 0; c < out->c; c++)                                                       \
        for (int64_t oy = 0; oy < out->h; oy++)                                                \
            for (int64_t ox = 0; ox < out->w; ox++) {                                          \
                size_t o_at = fv_at(out, c, oy, ox);                                           \
                int64_t Y0 = (out->y0 + oy) * k->s[0] - k->pad[0];                             \
                int64_t X0 = (out->x0 + ox) * k->s[1] - k->pad[1];                             \
                fv_real scale = divisor(k, pad_end, include_pad, in, Y0, X0);                    \
                for (int64_t ty = 0; ty < k->k[0]; ty++) {                                     \
                    int64_t Y = Y0 + ty * k->d[0];                                             \
                    if (Y < 0 || Y >= in->map_h)                                               \
                        continue;                                                              \
                    for (int64_t tx = 0; tx < k->k[1]; tx++) {                                 \
                        int64_t X = X0 + tx * k->d[1];                                         \
                        if (X < 0 || X >= in->map_w)                                           \
                            continue;                                                          \
                        size_t i_at = fv_at(in, c, Y - in->y0, X - in->x0);                   \
                        BODY;                                                                  \
                    }                                                                          \
                }                                                                              \
            }

void FV_N(fv_avg_pool_forward)(const fv_kwin *k, const int64_t pad_end[FV_AXES], int include_pad,
                               const fv_box *in, const fv_real *x, const fv_box *out, fv_real *y)
{
    for (size_t i = 0; i < fv_box_size(out); i++)
        y[i] = 0;
    AVG_WALK(y[o_at] += scale * x[i_at]);
}

void FV_N(fv_avg_pool_backward)(const fv_kwin *k, const int64_t pad_end[FV_AXES], int include_pad,
                                const fv_box *in, fv_real *dx, const fv_box *out, const fv_real *dy)
{
    AVG_WALK(dx[i_at] += scale * dy[o_at]);
}
