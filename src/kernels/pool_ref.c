/* Reference twins of max, average and global pooling (see kernels_ref.h). */
#include "kernel_real.h"
#include "kernels_ref.h"

/* Map coordinate of tap t of output pixel o along axis a. */
static int64_t tap(const fv_kwin *k, int a, int64_t o, int64_t t)
{
    return o * k->s[a] - k->pad[a] + t * k->d[a];
}

static int in_map(const fv_box *b, int64_t Y, int64_t X)
{
    return Y >= 0 && Y < b->map_h && X >= 0 && X < b->map_w;
}

/* Map pixel holding the maximum of output (OY, OX) of channel c: the
 * first in row-major tap order that beats every earlier one (strict >).
 * Returns 0 when no tap lands in the map. */
static int max_of(const fv_kwin *k, const fv_box *in, const fv_real *x, int64_t c, int64_t OY,
                  int64_t OX, int64_t *bY, int64_t *bX, double *best)
{
    int found = 0;
    for (int64_t ty = 0; ty < k->k[0]; ty++)
        for (int64_t tx = 0; tx < k->k[1]; tx++) {
            int64_t Y = tap(k, 0, OY, ty), X = tap(k, 1, OX, tx);
            if (!in_map(in, Y, X))
                continue;
            double v = FV_N(fv_ref_read)(in, x, c, Y, X);
            if (!found || v > *best) {
                found = 1;
                *best = v, *bY = Y, *bX = X;
            }
        }
    return found;
}

void FV_N(fv_max_pool_forward_ref)(const fv_kwin *k, const fv_box *in, const fv_real *x,
                                   const fv_box *out, fv_real *y)
{
    FV_REF_EACH(out, c, oy, ox) {
        int64_t bY, bX;
        double best = 0;
        int found = max_of(k, in, x, c, out->y0 + oy, out->x0 + ox, &bY, &bX, &best);
        y[fv_ref_offset(out, c, oy, ox)] = found ? (fv_real)best : 0;
    }
}

void FV_N(fv_max_pool_backward_ref)(const fv_kwin *k, const fv_box *in, const fv_real *x,
                                    fv_real *dx, const fv_box *out, const fv_real *dy)
{
    FV_REF_EACH(in, c, iy, ix) {
        double g = 0;
        FV_REF_EACH_PIXEL(out, oy, ox) {
            int64_t bY, bX;
            double best;
            if (max_of(k, in, x, c, out->y0 + oy, out->x0 + ox, &bY, &bX, &best) &&
                bY == in->y0 + iy && bX == in->x0 + ix)
                g += dy[fv_ref_offset(out, c, oy, ox)];
        }
        dx[fv_ref_offset(in, c, iy, ix)] += (fv_real)g;
    }
}

/* Number of taps of output (OY, OX) that count: those inside the map, or
 * with count_include_pad those inside the map grown by its padding. */
static int64_t avg_count(const fv_kwin *k, const int64_t pad_end[FV_AXES], int include_pad,
                         const fv_box *in, int64_t OY, int64_t OX)
{
    int64_t n = 0;
    for (int64_t ty = 0; ty < k->k[0]; ty++)
        for (int64_t tx = 0; tx < k->k[1]; tx++) {
            int64_t Y = tap(k, 0, OY, ty), X = tap(k, 1, OX, tx);
            if (include_pad)
                n += Y >= -k->pad[0] && Y < in->map_h + pad_end[0] && X >= -k->pad[1] &&
                     X < in->map_w + pad_end[1];
            else
                n += in_map(in, Y, X);
        }
    return n;
}

void FV_N(fv_avg_pool_forward_ref)(const fv_kwin *k, const int64_t pad_end[FV_AXES],
                                   int include_pad, const fv_box *in, const fv_real *x,
                                   const fv_box *out, fv_real *y)
{
    FV_REF_EACH(out, c, oy, ox) {
        int64_t OY = out->y0 + oy, OX = out->x0 + ox;
        int64_t n = avg_count(k, pad_end, include_pad, in, OY, OX);
        double s = 0;
        for (int64_t ty = 0; ty < k->k[0]; ty++)
            for (int64_t tx = 0; tx < k->k[1]; tx++)
                s += FV_N(fv_ref_read)(in, x, c, tap(k, 0, OY, ty), tap(k, 1, OX, tx));
        y[fv_ref_offset(out, c, oy, ox)] = n > 0 ? (fv_real)(s / (double)n) : 0;
    }
}

void FV_N(fv_avg_pool_backward_ref)(const fv_kwin *k, const int64_t pad_end[FV_AXES],
                                    int include_pad, const fv_box *in, fv_real *dx,
                                    const fv_box *out, const fv_real *dy)
{
    FV_REF_EACH(in, c, iy, ix) {
        double g = 0;
        FV_REF_EACH_PIXEL(out, oy, ox) {
            int64_t OY = out->y0 + oy, OX = out->x0 + ox;
            int64_t n = avg_count(k, pad_end, include_pad, in, OY, OX);
            for (int64_t ty = 0; ty < k->k[0]; ty++)
                for (int64_t tx = 0; tx < k->k[1]; tx++)
                    if (tap(k, 0, OY, ty) == in->y0 + iy && tap(k, 1, OX, tx) == in->x0 + ix)
                        g += dy[fv_ref_offset(out, c, oy, ox)] / (double)n;
        }
        dx[fv_ref_offset(in, c, iy, ix)] += (fv_real)g;
    }
}

void FV_N(fv_global_pool_forward_ref)(int is_max, const fv_box *in, const fv_real *x, fv_real *y)
{
    for (int64_t c = 0; c < in->c; c++) {
        double acc = 0;
        for (int64_t Y = 0; Y < in->map_h; Y++)
            for (int64_t X = 0; X < in->map_w; X++) {
                double v = FV_N(fv_ref_read)(in, x, c, Y, X);
                if (!is_max)
                    acc += v;
                else if ((Y == 0 && X == 0) || v > acc)
                    acc = v;
            }
        y[c] = (fv_real)(is_max ? acc : acc / (double)(in->map_h * in->map_w));
    }
}

void FV_N(fv_global_pool_backward_ref)(int is_max, const fv_box *in, const fv_real *x, fv_real *dx,
                                       const fv_real *dy)
{
    for (int64_t c = 0; c < in->c; c++) {
        int64_t bY = 0, bX = 0;
        for (int64_t Y = 0; Y < in->map_h; Y++)
            for (int64_t X = 0; X < in->map_w; X++)
                if (FV_N(fv_ref_read)(in, x, c, Y, X) > FV_N(fv_ref_read)(in, x, c, bY, bX))
                    bY = Y, bX = X;
        for (int64_t Y = 0; Y < in->map_h; Y++)
            for (int64_t X = 0; X < in->map_w; X++) {
                double d = is_max ? (Y == bY && X == bX) : 1.0 / (double)(in->map_h * in->map_w);
                dx[fv_ref_offset(in, c, Y - in->y0, X - in->x0)] += (fv_real)(d * dy[c]);
            }
    }
}
