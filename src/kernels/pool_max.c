/* Max pooling. Padding never wins (it is -inf, as in every framework); the
 * gradient goes to the first maximum in row-major window order, as
 * PyTorch's kernel does (a strict > while scanning). */
#include "kernel_real.h"

/* Index in x of the maximum of output pixel (oy, ox) of channel c, or -1
 * when the window holds no map pixel. */
static int64_t argmax(const fv_kwin *k, const fv_box *in, const fv_real *xc, const fv_box *out,
                      int64_t c, int64_t oy, int64_t ox)
{
    int64_t best = -1;
    fv_real best_v = -INFINITY;
    for (int64_t ty = 0; ty < k->k[0]; ty++) {
        int64_t Y = (out->y0 + oy) * k->s[0] - k->pad[0] + ty * k->d[0];
        if (Y < 0 || Y >= in->map_h)
            continue;
        int64_t iy = Y - in->y0;
        for (int64_t tx = 0; tx < k->k[1]; tx++) {
            int64_t X = (out->x0 + ox) * k->s[1] - k->pad[1] + tx * k->d[1];
            if (X < 0 || X >= in->map_w)
                continue;
            int64_t at = (int64_t)fv_at(in, c, iy, X - in->x0);
            if (best < 0 || xc[at] > best_v || isnan(xc[at])) {
                best = at;
                best_v = xc[at];
                if (isnan(best_v))
                    return best;
            }
        }
    }
    return best;
}

void FV_N(fv_max_pool_forward)(const fv_kwin *k, const fv_box *in, const fv_real *x,
                               const fv_box *out, fv_real *y)
{
#pragma omp parallel for schedule(static)
    for (int64_t oy = 0; oy < out->h; oy++)
        for (int64_t ox = 0; ox < out->w; ox++)
            for (int64_t c = 0; c < out->c; c++) {
                int64_t at = argmax(k, in, x, out, c, oy, ox);
                y[fv_at(out, c, oy, ox)] = at < 0 ? 0 : x[at];
            }
}

void FV_N(fv_max_pool_backward)(const fv_kwin *k, const fv_box *in, const fv_real *x, fv_real *dx,
                                const fv_box *out, const fv_real *dy)
{
    /* Windows overlap when the stride is below the kernel, so rows run in
     * parallel only by channel: each thread owns whole channels. */
#pragma omp parallel for schedule(static)
    for (int64_t c = 0; c < out->c; c++)
        for (int64_t oy = 0; oy < out->h; oy++)
            for (int64_t ox = 0; ox < out->w; ox++) {
                int64_t at = argmax(k, in, x, out, c, oy, ox);
                if (at >= 0)
                    dx[at] += dy[fv_at(out, c, oy, ox)];
            }
}
