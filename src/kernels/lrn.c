/* Local response normalisation across the channels of each pixel: ONNX
 * LRN and Caffe's LRN ACROSS_CHANNELS (AlexNet, GoogLeNet). Pointwise in
 * space, so the cone passes through it unchanged. With the window of
 * channel c running from c - lo to c + hi, lo = (size - 1) / 2 and
 * hi = size / 2 (ONNX's floor and ceil of (size - 1) / 2; Caffe's pre_pad
 * and post_pad), clipped to the channels:
 *
 *   s_c = bias + alpha / size * sum_{k in window(c)} x_k^2,  y_c = x_c s_c^-beta
 *
 *   dx_k += dy_k s_k^-beta
 *           - 2 alpha beta / size * x_k * sum_{c : k in window(c)} dy_c x_c s_c^(-beta-1)
 *
 * Both run per pixel over the channels; the window sums and every term run
 * in double. Backward recomputes s from x rather than keeping it, and adds
 * each term of the second sum to dx from the channel c that makes it, as
 * the other backward kernels add theirs: each s_c is computed once. */
#include "kernel_real.h"
#include "pointwise_walk.h"

/* Channels first..last of window(c) among C. */
static void window(const fv_lrn *p, int64_t C, int64_t c, int64_t *first, int64_t *last)
{
    *first = c - (p->size - 1) / 2;
    *last = c + p->size / 2;
    if (*first < 0)
        *first = 0;
    if (*last > C - 1)
        *last = C - 1;
}

/* s_c of the pixel whose channels start at xp. */
static double scale_at(const fv_lrn *p, const fv_real *xp, int64_t C, int64_t c)
{
    int64_t first, last;
    window(p, C, c, &first, &last);
    double sum = 0;
    for (int64_t k = first; k <= last; k++)
        sum += (double)xp[k] * xp[k];
    return p->bias + p->alpha / (double)p->size * sum;
}

/* x, dx: in (h, w, c); y, dy: out (h, w, c), the same c channels, out's
 * window inside in's. */
void FV_N(fv_lrn_forward)(const fv_lrn *p, const fv_box *in, const fv_real *x, const fv_box *out,
                          fv_real *y)
{
    PIXEL_WALK(in, out, {
        const fv_real *xp = x + i;
        for (int64_t c = 0; c < out->c; c++)
            y[o + c] = (fv_real)(xp[c] * pow(scale_at(p, xp, out->c, c), -p->beta));
    })
}

void FV_N(fv_lrn_backward)(const fv_lrn *p, const fv_box *in, const fv_real *x, fv_real *dx,
                           const fv_box *out, const fv_real *dy)
{
    double k2 = 2 * p->alpha * p->beta / (double)p->size;
    PIXEL_WALK(in, out, {
        const fv_real *xp = x + i, *dyp = dy + o;
        fv_real *dxp = dx + i;
        for (int64_t c = 0; c < out->c; c++) {
            double s = scale_at(p, xp, out->c, c), u = pow(s, -p->beta);
            double t = k2 * dyp[c] * xp[c] * u / s;
            int64_t first, last;
            window(p, out->c, c, &first, &last);
            dxp[c] += (fv_real)(dyp[c] * u);
            for (int64_t k = first; k <= last; k++)
                dxp[k] -= (fv_real)(t * xp[k]);
        }
    })
}
