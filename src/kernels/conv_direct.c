/* Convolution and transposed convolution in plain C, for the element types
 * oneDNN has no CPU kernels for (float64). Both directions of both ops are
 * one of two gathers, so that every thread owns the output rows it writes:
 *
 *   down: dst pixel p reads src pixel p * s - pad + t * d  (conv forward,
 *         transposed conv backward-data);
 *   up:   dst pixel p reads src pixel (p + pad - t * d) / s where that
 *         divides (conv backward-data, transposed conv forward).
 *
 * Weights are repacked once per direction as [group][tap][a][b], a the
 * channel read and b the channel written, so the innermost loop runs over
 * b with unit stride. A src pixel outside the map is the zero padding; one
 * inside the map but outside its window is a gradient nobody asked for
 * (zero) or, forward, a pixel the planner's window holds. */
#include <stdlib.h>

#include "graph_private.h"
#include "kernel_real.h"

struct FV_N(fv_direct_conv) {
    fv_kwin k;
    fv_box in, out;
    int transposed;
    int64_t in_g, out_g; /* channels per group */
    fv_real *down, *up;  /* [group][tap][a][b] */
    fv_real *bias;       /* out.c values, or NULL */
};

/* Which of the two walks an op runs for a direction. */
typedef enum { WALK_DOWN, WALK_UP } walk;

typedef struct gather {
    const fv_kwin *k;
    int64_t groups, a, b; /* channels read and written per group */
    const fv_real *w;
    const fv_box *src, *dst;
} gather;

/* One tap: yg[b] += sum_a xg[a] * w[a][b]. */
static void tap(const gather *g, const fv_real *xp, const fv_real *wt, fv_real *yp)
{
    int64_t A = g->a, B = g->b, T = g->k->k[0] * g->k->k[1];
    for (int64_t grp = 0; grp < g->groups; grp++) {
        const fv_real *xg = xp + grp * A, *wg = wt + grp * T * A * B;
        fv_real *yg = yp + grp * B;
        for (int64_t a = 0; a < A; a++) {
            fv_real v = xg[a];
            if (v == 0) /* ReLU gradients and activations are mostly zeros */
                continue;
            const fv_real *wr = wg + a * B;
#pragma omp simd
            for (int64_t b = 0; b < B; b++)
                yg[b] += v * wr[b];
        }
    }
}

/* Window row or column of the src pixel that dst map coordinate `p` reads
 * through tap t along axis ax, or -1 when it reads padding, a pixel past
 * the window, or (up) no pixel at all. */
static int64_t source(const gather *g, walk dir, int ax, int64_t p, int64_t t)
{
    const fv_kwin *k = g->k;
    int64_t map = ax == 0 ? g->src->map_h : g->src->map_w;
    int64_t lo = ax == 0 ? g->src->y0 : g->src->x0, n = ax == 0 ? g->src->h : g->src->w;
    int64_t s;
    if (dir == WALK_DOWN) {
        s = p * k->s[ax] - k->pad[ax] + t * k->d[ax];
    } else {
        int64_t num = p + k->pad[ax] - t * k->d[ax];
        if (num < 0 || num % k->s[ax] != 0)
            return -1;
        s = num / k->s[ax];
    }
    if (s < 0 || s >= map || s < lo || s >= lo + n)
        return -1;
    return s - lo;
}

static void run(const gather *g, walk dir, const fv_real *x, fv_real *y)
{
    const fv_box *src = g->src, *dst = g->dst;
    int64_t kh = g->k->k[0], kw = g->k->k[1], A = g->a, B = g->b;
#pragma omp parallel for schedule(dynamic, 1)
    for (int64_t r = 0; r < dst->h; r++)
        for (int64_t ty = 0; ty < kh; ty++) {
            int64_t sy = source(g, dir, 0, dst->y0 + r, ty);
            if (sy < 0)
                continue;
            for (int64_t q = 0; q < dst->w; q++)
                for (int64_t tx = 0; tx < kw; tx++) {
                    int64_t sx = source(g, dir, 1, dst->x0 + q, tx);
                    if (sx >= 0)
                        tap(g, x + fv_at(src, 0, sy, sx), g->w + (ty * kw + tx) * A * B,
                            y + fv_at(dst, 0, r, q));
                }
        }
}

/* Repacks ONNX weights, conv (out, in/g, kh, kw) or transposed (in,
 * out/g, kh, kw), as [g][tap][a][b]; `a_is_in` says whether a counts the
 * op's input channels (forward of a conv) or its output channels. */
static void pack(const struct FV_N(fv_direct_conv) * p, const float *w, int a_is_in, fv_real *dst)
{
    int64_t G = p->k.groups, T = p->k.k[0] * p->k.k[1], I = p->in_g, O = p->out_g;
    int64_t A = a_is_in ? I : O, B = a_is_in ? O : I;
    for (int64_t g = 0; g < G; g++)
        for (int64_t i = 0; i < I; i++)
            for (int64_t o = 0; o < O; o++)
                for (int64_t t = 0; t < T; t++) {
                    size_t from = p->transposed ? (size_t)(((g * I + i) * O + o) * T + t)
                                                : (size_t)(((g * O + o) * I + i) * T + t);
                    int64_t a = a_is_in ? i : o, b = a_is_in ? o : i;
                    dst[((g * T + t) * A + a) * B + b] = (fv_real)w[from];
                }
}

static size_t weight_count(const struct FV_N(fv_direct_conv) * p)
{
    return (size_t)(p->k.groups * p->in_g * p->out_g * p->k.k[0] * p->k.k[1]);
}

fv_status FV_N(fv_direct_conv_create)(const fv_kwin *k, const fv_conv_weights *cw, const fv_box *in,
                                      const fv_box *out, struct FV_N(fv_direct_conv) * *plan,
                                      fv_diag *diag)
{
    *plan = NULL;
    if (k->groups < 1 || in->c % k->groups != 0 || out->c % k->groups != 0)
        return fv_diag_set(diag, FV_ERR_GRAPH,
                           "channels %lld -> %lld do not split into %lld groups", (long long)in->c,
                           (long long)out->c, (long long)k->groups);
    struct FV_N(fv_direct_conv) *p = calloc(1, sizeof *p);
    if (!p)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    *p = (struct FV_N(fv_direct_conv)){
        *k, *in, *out, cw->transposed, in->c / k->groups, out->c / k->groups, NULL, NULL, NULL};
    size_t n = weight_count(p);
    p->down = malloc(n * sizeof *p->down);
    p->up = malloc(n * sizeof *p->up);
    p->bias = cw->bias ? malloc((size_t)out->c * sizeof *p->bias) : NULL;
    if (!p->down || !p->up || (cw->bias && !p->bias)) {
        FV_N(fv_direct_conv_free)(p);
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    }
    for (int64_t c = 0; cw->bias && c < out->c; c++)
        p->bias[c] = (fv_real)cw->bias[c];
    FV_N(fv_direct_conv_set_weights)(p, cw->w);
    *plan = p;
    return FV_OK;
}

void FV_N(fv_direct_conv_set_weights)(struct FV_N(fv_direct_conv) * p, const float *w)
{
    /* down reads the op's input for a conv, its output for a transposed
     * conv; up the other way round */
    pack(p, w, !p->transposed, p->down);
    pack(p, w, p->transposed, p->up);
}

void FV_N(fv_direct_conv_free)(struct FV_N(fv_direct_conv) * p)
{
    if (!p)
        return;
    free(p->down);
    free(p->up);
    free(p->bias);
    free(p);
}

size_t FV_N(fv_direct_conv_bytes)(const fv_kwin *k, const fv_box *in, const fv_box *out)
{
    size_t n = (size_t)(in->c * (out->c / (k->groups > 0 ? k->groups : 1)) * k->k[0] * k->k[1]);
    return (2 * n + (size_t)out->c) * sizeof(fv_real);
}

void FV_N(fv_direct_conv_forward)(const struct FV_N(fv_direct_conv) * p, const fv_real *x,
                                  fv_real *y)
{
    size_t plane = (size_t)(p->out.h * p->out.w), C = (size_t)p->out.c;
    for (size_t q = 0; q < plane; q++)
        for (size_t c = 0; c < C; c++)
            y[q * C + c] = p->bias ? p->bias[c] : 0;
    if (p->transposed) {
        gather g = {&p->k, p->k.groups, p->in_g, p->out_g, p->up, &p->in, &p->out};
        run(&g, WALK_UP, x, y);
    } else {
        gather g = {&p->k, p->k.groups, p->in_g, p->out_g, p->down, &p->in, &p->out};
        run(&g, WALK_DOWN, x, y);
    }
}

void FV_N(fv_direct_conv_backward_data)(const struct FV_N(fv_direct_conv) * p, fv_real *dx,
                                        const fv_real *dy)
{
    if (p->transposed) {
        gather g = {&p->k, p->k.groups, p->out_g, p->in_g, p->down, &p->out, &p->in};
        run(&g, WALK_DOWN, dy, dx);
    } else {
        gather g = {&p->k, p->k.groups, p->out_g, p->in_g, p->up, &p->out, &p->in};
        run(&g, WALK_UP, dy, dx);
    }
}
