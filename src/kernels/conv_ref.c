/* Convolution and transposed convolution in plain loops: the reference
 * twin of the oneDNN kernels, used by the tests and for geometries oneDNN
 * cannot express (a transposed conv whose window starts in a gap). */
#include "kernel_real.h"

/* Calls body(out_index, in_index, weight_index) for every multiply of a
 * conv (or its transpose) between the two windows. Written as a macro so
 * that forward and backward share one walk without a function pointer in
 * the innermost loop. */
#define CONV_WALK(k, cw, in, out, BODY)                                                        \
    do {                                                                                       \
        int64_t G = (k)->groups, Ig = (in)->c / G, Og = (out)->c / G;                          \
        int64_t kh = (k)->k[0], kw = (k)->k[1];                                                \
        for (int64_t g = 0; g < G; g++)                                                        \
            for (int64_t ic = 0; ic < Ig; ic++)                                                \
                for (int64_t oc = 0; oc < Og; oc++) {                                          \
                    int64_t ci = g * Ig + ic, co = g * Og + oc;                                \
                    const float *wk = (cw)->transposed ? (cw)->w + (ci * Og + oc) * kh * kw    \
                                                       : (cw)->w + (co * Ig + ic) * kh * kw;   \
                    for (int64_t ty = 0; ty < kh; ty++)                                        \
                        for (int64_t tx = 0; tx < kw; tx++)                                    \
                            for (int64_t a = 0; a < ((cw)->transposed ? (in)->h : (out)->h);   \
                                 a++)                                                          \
                                for (int64_t b = 0;                                            \
                                     b < ((cw)->transposed ? (in)->w : (out)->w); b++) {       \
                                    int64_t oy, ox, iy, ix;                                    \
                                    if ((cw)->transposed) {                                    \
                                        iy = a, ix = b;                                        \
                                        oy = ((in)->y0 + a) * (k)->s[0] - (k)->pad[0] +        \
                                             ty * (k)->d[0] - (out)->y0;                       \
                                        ox = ((in)->x0 + b) * (k)->s[1] - (k)->pad[1] +        \
                                             tx * (k)->d[1] - (out)->x0;                       \
                                    } else {                                                   \
                                        oy = a, ox = b;                                        \
                                        iy = ((out)->y0 + a) * (k)->s[0] - (k)->pad[0] +       \
                                             ty * (k)->d[0] - (in)->y0;                        \
                                        ix = ((out)->x0 + b) * (k)->s[1] - (k)->pad[1] +       \
                                             tx * (k)->d[1] - (in)->x0;                        \
                                    }                                                          \
                                    if (iy < 0 || iy >= (in)->h || ix < 0 || ix >= (in)->w ||  \
                                        oy < 0 || oy >= (out)->h || ox < 0 || ox >= (out)->w)  \
                                        continue;                                              \
                                    size_t o_at = fv_at(out, co, oy, ox);                      \
                                    size_t i_at = fv_at(in, ci, iy, ix);                       \
                                    fv_real wv = wk[ty * kw + tx];                               \
                                    BODY;                                                      \
                                }                                                              \
                }                                                                              \
    } while (0)

void FV_N(fv_conv_forward_ref)(const fv_kwin *k, const fv_conv_weights *cw, const fv_box *in,
                               const fv_real *x, const fv_box *out, fv_real *y)
{
    size_t plane = (size_t)(out->h * out->w);
    for (size_t p = 0; p < plane; p++)
        for (int64_t c = 0; c < out->c; c++)
            y[p * (size_t)out->c + (size_t)c] = cw->bias ? cw->bias[c] : 0;
    CONV_WALK(k, cw, in, out, y[o_at] += wv * x[i_at]);
}

void FV_N(fv_conv_backward_data_ref)(const fv_kwin *k, const fv_conv_weights *cw, const fv_box *in,
                                     fv_real *dx, const fv_box *out, const fv_real *dy)
{
    CONV_WALK(k, cw, in, out, dx[i_at] += wv * dy[o_at]);
}
