/* Element-wise add, mul and max of several inputs, with the broadcasts a
 * CNN uses: a 1x1 map over a larger one (squeeze-and-excitation), one
 * channel over many. */
#include "kernel_real.h"

/* Whether input b is a 1x1 map spread over out's larger one. */
static int spread(const fv_box *b, const fv_box *out)
{
    return b->map_h == 1 && b->map_w == 1 && (out->map_h != 1 || out->map_w != 1);
}

/* Index in input `b` of map pixel (Y, X) of channel c. */
static size_t at(const fv_box *b, const fv_box *out, int64_t c, int64_t Y, int64_t X)
{
    int64_t cc = b->c == 1 ? 0 : c;
    int s = spread(b, out);
    int64_t y = s ? 0 : Y - b->y0, x = s ? 0 : X - b->x0;
    return fv_at(b, cc, y, x);
}

/* Rows in parallel when `parallel` (a local of the caller) is non-zero: a
 * spread input gathers gradient from every pixel, so backward walks
 * serially when one is there; a channel broadcast stays within a pixel. */
#define MERGE_WALK(BODY)                                                                       \
    _Pragma("omp parallel for schedule(static) if(parallel)")                                  \
    for (int64_t oy = 0; oy < out->h; oy++)                                                    \
        for (int64_t ox = 0; ox < out->w; ox++)                                                \
            for (int64_t c = 0; c < out->c; c++) {                                             \
                size_t o = fv_at(out, c, oy, ox);                                              \
                int64_t Y = out->y0 + oy, X = out->x0 + ox;                                    \
                BODY;                                                                          \
            }

/* Every input has out's window and channels: a flat loop (the residual add). */
static int same_windows(size_t n, const fv_box *in, const fv_box *out)
{
    for (size_t k = 0; k < n; k++)
        if (in[k].c != out->c || in[k].h != out->h || in[k].w != out->w || in[k].y0 != out->y0 ||
            in[k].x0 != out->x0)
            return 0;
    return 1;
}

void FV_N(fv_merge_forward)(fv_op op, size_t n, const fv_box *in, const fv_real *const *x,
                            const fv_box *out, fv_real *y)
{
    if (op == FV_OP_ADD && same_windows(n, in, out)) {
        int64_t size = (int64_t)fv_box_size(out);
#pragma omp parallel for schedule(static)
        for (int64_t o = 0; o < size; o++) {
            fv_real v = x[0][o];
            for (size_t k = 1; k < n; k++)
                v += x[k][o];
            y[o] = v;
        }
        return;
    }
    int parallel = 1; /* each output written once */
    MERGE_WALK({
        fv_real v = x[0][at(&in[0], out, c, Y, X)];
        for (size_t k = 1; k < n; k++) {
            fv_real u = x[k][at(&in[k], out, c, Y, X)];
            v = op == FV_OP_ADD ? v + u : op == FV_OP_MUL ? v * u : (u > v ? u : v);
        }
        y[o] = v;
    });
}

void FV_N(fv_merge_backward)(fv_op op, size_t n, const fv_box *in, const fv_real *const *x,
                             fv_real *const *dx, const fv_box *out, const fv_real *dy)
{
    if (op == FV_OP_ADD && same_windows(n, in, out)) {
        int64_t size = (int64_t)fv_box_size(out);
        for (size_t k = 0; k < n; k++) {
            fv_real *d = dx[k];
#pragma omp parallel for schedule(static)
            for (int64_t o = 0; o < size; o++)
                d[o] += dy[o];
        }
        return;
    }
    int parallel = 1;
    for (size_t k = 0; k < n; k++)
        parallel &= !spread(&in[k], out);
    MERGE_WALK({
        if (op == FV_OP_ADD) {
            for (size_t k = 0; k < n; k++)
                dx[k][at(&in[k], out, c, Y, X)] += dy[o];
        } else if (op == FV_OP_MUL) {
            for (size_t k = 0; k < n; k++) {
                fv_real g = dy[o];
                for (size_t j = 0; j < n; j++)
                    if (j != k)
                        g *= x[j][at(&in[j], out, c, Y, X)];
                dx[k][at(&in[k], out, c, Y, X)] += g;
            }
        } else {
            size_t best = 0;
            fv_real v = x[0][at(&in[0], out, c, Y, X)];
            for (size_t k = 1; k < n; k++) {
                fv_real u = x[k][at(&in[k], out, c, Y, X)];
                if (u > v) {
                    v = u;
                    best = k;
                }
            }
            dx[best][at(&in[best], out, c, Y, X)] += dy[o];
        }
    });
}
