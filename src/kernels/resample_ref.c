/* Reference twins of pad/slice, resize and the depth/space reshuffles
 * (see kernels_ref.h). Each is a weight w(o, i) per axis (or a map from
 * output to input element); forward sums w x over every map pixel,
 * backward sums w dy over every output pixel. */
#include "kernel_real.h"
#include "kernels_ref.h"

/* ------------------------------------------------------- pad and slice */

static double shift_weight(int64_t start, int64_t step, int64_t o, int64_t i)
{
    return i == start + o * step;
}

void FV_N(fv_shift_forward_ref)(const int64_t start[FV_AXES], const int64_t step[FV_AXES],
                                const fv_box *in, const fv_real *x, const fv_box *out, fv_real *y)
{
    FV_REF_EACH(out, c, oy, ox) {
        double s = 0;
        for (int64_t Y = 0; Y < in->map_h; Y++)
            for (int64_t X = 0; X < in->map_w; X++) {
                double w = shift_weight(start[0], step[0], out->y0 + oy, Y) *
                           shift_weight(start[1], step[1], out->x0 + ox, X);
                if (w != 0)
                    s += w * FV_N(fv_ref_read)(in, x, c, Y, X);
            }
        y[fv_ref_offset(out, c, oy, ox)] = (fv_real)s;
    }
}

void FV_N(fv_shift_backward_ref)(const int64_t start[FV_AXES], const int64_t step[FV_AXES],
                                 const fv_box *in, fv_real *dx, const fv_box *out,
                                 const fv_real *dy)
{
    FV_REF_EACH(in, c, iy, ix) {
        double g = 0;
        FV_REF_EACH_PIXEL(out, oy, ox)
        g += shift_weight(start[0], step[0], out->y0 + oy, in->y0 + iy) *
             shift_weight(start[1], step[1], out->x0 + ox, in->x0 + ix) *
             dy[fv_ref_offset(out, c, oy, ox)];
        dx[fv_ref_offset(in, c, iy, ix)] += (fv_real)g;
    }
}

/* -------------------------------------------------------------- resize */

/* Keys' cubic convolution kernel with coefficient a (-0.75: PyTorch's
 * bicubic, ONNX's default cubic_coeff_a) at distance d. */
static double keys(double a, double d)
{
    d = fabs(d);
    if (d <= 1)
        return (a + 2) * d * d * d - (a + 3) * d * d + 1;
    if (d < 2)
        return a * d * d * d - 5 * a * d * d + 8 * a * d - 4 * a;
    return 0;
}

/* Cubic: pixels floor(src) - 1 .. floor(src) + 2, each weighted by the
 * kernel at its distance from src; a pixel past the border stands for the
 * border pixel, or with exclude_outside is left out and the weights of
 * the pixels inside the map are divided by their sum. */
static double cubic_weight(const fv_resize *r, double src, int64_t n_in, int64_t i)
{
    double lo = floor(src), w = 0, inside = 0;
    for (int j = -1; j <= 2; j++) {
        int64_t at = (int64_t)lo + j;
        double k = keys(r->cubic_a, src - (lo + j));
        int outside = at < 0 || at > n_in - 1;
        if (!outside)
            inside += k;
        if (outside && r->exclude_outside)
            continue;
        at = at < 0 ? 0 : at > n_in - 1 ? n_in - 1 : at;
        if (at == i)
            w += k;
    }
    return r->exclude_outside ? w / inside : w;
}

/* Weight of input pixel i in output pixel o along axis a (n_in, n_out:
 * the map sizes). Nearest: i = floor(o / scale). Linear: the source
 * coordinate (o + 1/2) / scale - 1/2 clamped at 0 (or o (n_in - 1) /
 * (n_out - 1) with aligned corners) split between floor and floor + 1,
 * both clamped to the last pixel. Cubic: the same coordinate, unclamped. */
static double resize_weight(const fv_resize *r, int a, int64_t n_in, int64_t n_out, int64_t o,
                            int64_t i)
{
    double scale = (double)r->scale_num[a] / (double)r->scale_den[a];
    if (r->mode == FV_RESIZE_NEAREST) {
        int64_t src = (int64_t)floor((double)o / scale);
        if (src > n_in - 1)
            src = n_in - 1;
        return i == src;
    }
    double src;
    if (r->align_corners)
        src = n_out > 1 ? (double)o * (double)(n_in - 1) / (double)(n_out - 1) : 0.0;
    else
        src = ((double)o + 0.5) / scale - 0.5;
    if (r->mode == FV_RESIZE_CUBIC)
        return cubic_weight(r, src, n_in, i);
    src = fmax(src, 0.0);
    double lo = floor(src), t = src - lo;
    int64_t i0 = (int64_t)lo, i1 = i0 + 1;
    if (i0 > n_in - 1)
        i0 = n_in - 1, t = 0;
    if (i1 > n_in - 1)
        i1 = n_in - 1;
    return (i == i0) * (1 - t) + (i == i1) * t;
}

void FV_N(fv_resize_forward_ref)(const fv_resize *r, const fv_box *in, const fv_real *x,
                                 const fv_box *out, fv_real *y)
{
    FV_REF_EACH(out, c, oy, ox) {
        double s = 0;
        for (int64_t Y = 0; Y < in->map_h; Y++)
            for (int64_t X = 0; X < in->map_w; X++) {
                double w = resize_weight(r, 0, in->map_h, out->map_h, out->y0 + oy, Y) *
                           resize_weight(r, 1, in->map_w, out->map_w, out->x0 + ox, X);
                if (w != 0)
                    s += w * FV_N(fv_ref_read)(in, x, c, Y, X);
            }
        y[fv_ref_offset(out, c, oy, ox)] = (fv_real)s;
    }
}

void FV_N(fv_resize_backward_ref)(const fv_resize *r, const fv_box *in, fv_real *dx,
                                  const fv_box *out, const fv_real *dy)
{
    FV_REF_EACH(in, c, iy, ix) {
        double g = 0;
        FV_REF_EACH_PIXEL(out, oy, ox)
        g += resize_weight(r, 0, in->map_h, out->map_h, out->y0 + oy, in->y0 + iy) *
             resize_weight(r, 1, in->map_w, out->map_w, out->x0 + ox, in->x0 + ix) *
             dy[fv_ref_offset(out, c, oy, ox)];
        dx[fv_ref_offset(in, c, iy, ix)] += (fv_real)g;
    }
}

/* ------------------------------------------------- depth <-> space */

/* ONNX DepthToSpace: deep channel k at deep pixel (y, x) becomes channel c
 * at (y b + by, x b + bx), where k splits as (by, bx, c) in DCR order,
 * k = (by * b + bx) * C + c, and as (c, by, bx) in CRD order,
 * k = (c * b + by) * b + bx. Space to depth is the same correspondence read
 * the other way. */
static int block_pair(const fv_block *b, int64_t C, int64_t k, int64_t y, int64_t x, int64_t c,
                      int64_t Y, int64_t X)
{
    int64_t n = b->size, by, bx, kc;
    if (b->order == FV_BLOCK_CRD)
        kc = k / (n * n), by = k / n % n, bx = k % n;
    else
        kc = k % C, by = k / C / n, bx = k / C % n;
    return kc == c && y * n + by == Y && x * n + bx == X;
}

/* Copies between the spatial window sp (C channels) and the deep window
 * dp (b^2 C channels) for every pair block_pair links: sp_to_dp picks the
 * direction; add accumulates instead of overwriting. */
static void block_move(const fv_block *b, const fv_box *sp, const fv_box *dp, const fv_real *from,
                       fv_real *to, int sp_to_dp, int add)
{
    FV_REF_EACH(dp, k, y, x)
    FV_REF_EACH(sp, c, Y, X) {
        if (!block_pair(b, sp->c, k, dp->y0 + y, dp->x0 + x, c, sp->y0 + Y, sp->x0 + X))
            continue;
        size_t s = fv_ref_offset(sp, c, Y, X), d = fv_ref_offset(dp, k, y, x);
        fv_real *dst = sp_to_dp ? &to[d] : &to[s];
        fv_real v = sp_to_dp ? from[s] : from[d];
        *dst = add ? *dst + v : v;
    }
}

void FV_N(fv_depth_to_space_forward_ref)(const fv_block *b, const fv_box *in, const fv_real *x,
                                         const fv_box *out, fv_real *y)
{
    block_move(b, out, in, x, y, 0, 0);
}

void FV_N(fv_depth_to_space_backward_ref)(const fv_block *b, const fv_box *in, fv_real *dx,
                                          const fv_box *out, const fv_real *dy)
{
    block_move(b, out, in, dy, dx, 1, 1);
}

void FV_N(fv_space_to_depth_forward_ref)(const fv_block *b, const fv_box *in, const fv_real *x,
                                         const fv_box *out, fv_real *y)
{
    block_move(b, in, out, x, y, 1, 0);
}

void FV_N(fv_space_to_depth_backward_ref)(const fv_block *b, const fv_box *in, fv_real *dx,
                                          const fv_box *out, const fv_real *dy)
{
    block_move(b, in, out, dy, dx, 0, 1);
}
