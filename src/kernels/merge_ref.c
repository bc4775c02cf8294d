/* Reference twins of the element-wise merges and of concatenation (see
 * kernels_ref.h). */
#include "kernel_real.h"
#include "kernels_ref.h"

/* Map pixel and channel of input b that output (c, Y, X) reads: a 1x1
 * map under a larger output is broadcast over space, one channel over
 * channels. */
static void source(const fv_box *b, const fv_box *out, int64_t c, int64_t Y, int64_t X, int64_t *sc,
                   int64_t *sY, int64_t *sX)
{
    int over_space = b->map_h * b->map_w == 1 && out->map_h * out->map_w > 1;
    *sc = b->c == 1 ? 0 : c;
    *sY = over_space ? 0 : Y;
    *sX = over_space ? 0 : X;
}

static double operand(const fv_box *b, const fv_real *x, const fv_box *out, int64_t c, int64_t Y,
                      int64_t X)
{
    int64_t sc, sY, sX;
    source(b, out, c, Y, X, &sc, &sY, &sX);
    return FV_N(fv_ref_read)(b, x, sc, sY, sX);
}

/* d y(c, Y, X) / d (operand k): 1 for add, the other operands' product for
 * mul, 1 for the first operand holding the maximum for max. */
static double partial(fv_op op, size_t n, const fv_box *in, const fv_real *const *x,
                      const fv_box *out, size_t k, int64_t c, int64_t Y, int64_t X)
{
    if (op == FV_OP_ADD)
        return 1;
    if (op == FV_OP_MUL) {
        double p = 1;
        for (size_t j = 0; j < n; j++)
            if (j != k)
                p *= operand(&in[j], x[j], out, c, Y, X);
        return p;
    }
    size_t first = 0;
    for (size_t j = 1; j < n; j++)
        if (operand(&in[j], x[j], out, c, Y, X) > operand(&in[first], x[first], out, c, Y, X))
            first = j;
    return first == k;
}

void FV_N(fv_merge_forward_ref)(fv_op op, size_t n, const fv_box *in, const fv_real *const *x,
                                const fv_box *out, fv_real *y)
{
    FV_REF_EACH(out, c, oy, ox) {
        int64_t Y = out->y0 + oy, X = out->x0 + ox;
        double v = operand(&in[0], x[0], out, c, Y, X);
        for (size_t k = 1; k < n; k++) {
            double u = operand(&in[k], x[k], out, c, Y, X);
            v = op == FV_OP_ADD ? v + u : op == FV_OP_MUL ? v * u : fmax(v, u);
        }
        y[fv_ref_offset(out, c, oy, ox)] = (fv_real)v;
    }
}

void FV_N(fv_merge_backward_ref)(fv_op op, size_t n, const fv_box *in, const fv_real *const *x,
                                 fv_real *const *dx, const fv_box *out, const fv_real *dy)
{
    for (size_t k = 0; k < n; k++)
        FV_REF_EACH(&in[k], c, iy, ix) {
            double g = 0;
            FV_REF_EACH(out, oc, oy, ox) {
                int64_t Y = out->y0 + oy, X = out->x0 + ox, sc, sY, sX;
                source(&in[k], out, oc, Y, X, &sc, &sY, &sX);
                if (sc == c && sY == in[k].y0 + iy && sX == in[k].x0 + ix)
                    g += dy[fv_ref_offset(out, oc, oy, ox)] *
                         partial(op, n, in, x, out, k, oc, Y, X);
            }
            dx[k][fv_ref_offset(&in[k], c, iy, ix)] += (fv_real)g;
        }
}

void FV_N(fv_concat_forward_ref)(const fv_box *in, const fv_real *x, int64_t first,
                                 const fv_box *out, fv_real *y)
{
    for (int64_t c = first; c < first + in->c; c++)
        FV_REF_EACH_PIXEL(out, oy, ox)
    y[fv_ref_offset(out, c, oy, ox)] =
        (fv_real)FV_N(fv_ref_read)(in, x, c - first, out->y0 + oy, out->x0 + ox);
}

void FV_N(fv_concat_backward_ref)(const fv_box *in, fv_real *dx, int64_t first, const fv_box *out,
                                  const fv_real *dy)
{
    FV_REF_EACH(in, c, iy, ix)
    FV_REF_EACH(out, oc, oy, ox)
    if (oc == c + first && out->y0 + oy == in->y0 + iy && out->x0 + ox == in->x0 + ix)
        dx[fv_ref_offset(in, c, iy, ix)] += dy[fv_ref_offset(out, oc, oy, ox)];
}
