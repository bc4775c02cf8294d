/* Convolution and transposed convolution in plain C, for the element types
 * oneDNN has no CPU kernels for (float64). Both directions of both ops are
 * one of two gathers, so that every thread owns the output rows it writes:
 *
 *   down: dst pixel p reads src pixel p * s - pad + t * d  (conv forward,
 *         transposed conv backward-data);
 *   up:   dst pixel p reads src pixel (p + pad - t * d) / s where that
 *         divides (conv backward-data, transposed conv forward).
 *
 * The work is done in register tiles of TILE_P dst pixels of a row times
 * TILE_B channels written, summed over every tap and channel read before
 * the tile goes back to memory: each weight vector loaded then serves
 * TILE_P pixels (a walk pixel by pixel reloads every weight for every
 * pixel, and the deep layers' weights fit no cache). Weights are repacked
 * once per direction as [group][block of TILE_B channels written][tap]
 * [channel read][TILE_B], the last block padded with zeros, so that a
 * tile streams them contiguously. A src pixel outside the map is the zero
 * padding; one inside the map but outside its window is a gradient nobody
 * asked for (zero) or, forward, a pixel the planner's window holds. */
#include <stdlib.h>
#include <string.h>

#include "graph_private.h"
#include "kernel_real.h"

struct FV_N(fv_direct_conv) {
    fv_kwin k;
    fv_box in, out;
    int transposed;
    int64_t in_g, out_g; /* channels per group */
    fv_real *down, *up;  /* packed per direction (pack) */
    fv_real *bias;       /* out.c values, or NULL */
    fv_real *zeros;      /* max(in.c, out.c) zeros */
    int tile;            /* which build of the tile runs (kinds) */
};

/* Which of the two walks an op runs for a direction. */
typedef enum { WALK_DOWN, WALK_UP } walk;

typedef struct gather {
    const fv_kwin *k;
    int64_t groups, a, b; /* channels read and written per group */
    const fv_real *w;
    const fv_box *src, *dst;
    const fv_real *zeros; /* a channels of zeros: the source of a pixel that reads none */
    walk dir;
    int tile; /* which build of the tile (kinds) */
} gather;

/* Window row or column of the src pixel that dst map coordinate `p` reads
 * through tap t along axis ax, or -1 when it reads padding, a pixel past
 * the window, or (up) no pixel at all. */
static inline int64_t source(const gather *g, int ax, int64_t p, int64_t t)
{
    const fv_kwin *k = g->k;
    int64_t map = ax == 0 ? g->src->map_h : g->src->map_w;
    int64_t lo = ax == 0 ? g->src->y0 : g->src->x0, n = ax == 0 ? g->src->h : g->src->w;
    int64_t s;
    if (g->dir == WALK_DOWN) {
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

/* A tile is up to TILE_P pixels times one or two blocks of TILE_B
 * channels, as many as the instruction set's registers hold (below). The
 * vector type is GCC's (and clang's), lowered to whatever the function is
 * compiled for. This file is compiled with FP contraction
 * (CMakeLists.txt): where the target has FMA, a multiply-add rounds once. */
enum { TILE_P = 6, TILE_B = 8 };
typedef fv_real vec __attribute__((vector_size(TILE_B * sizeof(fv_real))));

static int64_t blocks(int64_t b) { return (b + TILE_B - 1) / TILE_B; }

/* Loads or stores n <= TILE_B values; the constant size of a whole block
 * lets the compiler use one vector move. */
static inline void move_block(void *to, const void *from, int64_t n)
{
    if (n == TILE_B)
        memcpy(to, from, TILE_B * sizeof(fv_real));
    else
        memcpy(to, from, (size_t)n * sizeof(fv_real));
}

#define TILE_PARAMS                                                                                \
    const gather *g, const fv_real *x, int64_t r, int64_t q0, int64_t step, int np, int64_t grp,   \
        int64_t bb, fv_real *y
#define TILE_ARGS g, x, r, q0, step, np, grp, bb, y

/* Up to P pixels of dst row `r` (window coordinates), `step` apart from
 * column q0, times the channels of blocks bb .. bb + K - 1 of group grp.
 * Inlined into one function per instruction set with constant P and K, so
 * that the accumulators unroll into registers. */
static inline __attribute__((always_inline)) void tile(TILE_PARAMS, const int P, const int K)
{
    const fv_box *dst = g->dst, *src = g->src;
    int64_t kh = g->k->k[0], kw = g->k->k[1], A = g->a, B = g->b, T = kh * kw;
    vec acc[2][TILE_P];
    memset(acc, 0, sizeof acc);
    fv_real *yp[2][TILE_P];
    int64_t nb[2];
    for (int k = 0; k < K; k++) {
        int64_t b0 = (bb + k) * TILE_B;
        nb[k] = B - b0 < TILE_B ? B - b0 : TILE_B;
        for (int p = 0; p < np; p++) {
            yp[k][p] = y + fv_at(dst, 0, r, q0 + p * step) + grp * B + b0;
            move_block(&acc[k][p], yp[k][p], nb[k]);
        }
    }
    const fv_real *wb = g->w + (grp * blocks(B) + bb) * T * A * TILE_B;
    for (int64_t ty = 0; ty < kh; ty++) {
        int64_t sy = source(g, 0, dst->y0 + r, ty);
        if (sy < 0)
            continue;
        for (int64_t tx = 0; tx < kw; tx++) {
            const fv_real *xp[TILE_P];
            int any = 0;
            for (int p = 0; p < P; p++) {
                int64_t sx = p < np ? source(g, 1, dst->x0 + q0 + p * step, tx) : -1;
                xp[p] = sx >= 0 ? x + fv_at(src, 0, sy, sx) + grp * A : g->zeros;
                any |= sx >= 0;
            }
            if (!any)
                continue;
            const fv_real *wt = wb + (ty * kw + tx) * A * TILE_B;
            for (int64_t a = 0; a < A; a++) {
                vec wv[2];
                for (int k = 0; k < K; k++)
                    memcpy(&wv[k], wt + k * T * A * TILE_B + a * TILE_B, sizeof wv[k]);
#pragma GCC unroll 6 /* whole, so that acc lives in registers */
                for (int p = 0; p < P; p++) {
                    fv_real v = xp[p][a];
                    for (int k = 0; k < K; k++)
                        acc[k][p] += v * wv[k];
                }
            }
        }
    }
    for (int k = 0; k < K; k++)
        for (int p = 0; p < np; p++)
            move_block(yp[k][p], &acc[k][p], nb[k]);
}

/* One build of the tile: pixels and blocks per call, and the function. */
typedef struct tile_kind {
    int pixels, blocks;
    void (*run)(TILE_PARAMS);
} tile_kind;

/* The baseline (SSE2's sixteen registers, no FMA): 2 pixels x 8 doubles. */
static void tile_base(TILE_PARAMS) { tile(TILE_ARGS, 2, 1); }

/* On x86-64 the tile is also built for AVX-512 and AVX2 with FMA, and the
 * processor picks: AVX-512's 32 registers hold 6 pixels x 2 blocks (every
 * pixel value loaded serves two multiply-adds, every weight vector six),
 * AVX2's 16 hold 6 pixels x 1 block of doubles. A last odd block of the
 * AVX-512 build runs alone. */
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx512f,fma"))) static void tile_avx512(TILE_PARAMS)
{
    if (bb + 1 < blocks(g->b))
        tile(TILE_ARGS, 6, 2);
    else
        tile(TILE_ARGS, 6, 1);
}
__attribute__((target("avx2,fma"))) static void tile_avx2(TILE_PARAMS) { tile(TILE_ARGS, 6, 1); }

static const tile_kind kinds[] = {{2, 1, tile_base}, {6, 1, tile_avx2}, {6, 2, tile_avx512}};

/* The best build this processor runs, at most `level`. */
static int best_tile(int level)
{
    __builtin_cpu_init();
    int fma = __builtin_cpu_supports("fma");
    if (level >= 2 && fma && __builtin_cpu_supports("avx512f"))
        return 2;
    if (level >= 1 && fma && __builtin_cpu_supports("avx2"))
        return 1;
    return 0;
}
#else
static const tile_kind kinds[] = {{2, 1, tile_base}};

static int best_tile(int level) { return 0; }
#endif

/* Up (stride s), pixels of one phase mod s read the same taps, so a tile
 * takes pixels s apart. */
static void run(const gather *g, const fv_real *x, fv_real *y)
{
    const fv_box *dst = g->dst;
    int64_t step = g->dir == WALK_UP ? g->k->s[1] : 1;
    tile_kind t = kinds[g->tile];
#pragma omp parallel for schedule(dynamic, 1)
    for (int64_t r = 0; r < dst->h; r++)
        for (int64_t phase = 0; phase < step; phase++)
            for (int64_t q0 = phase; q0 < dst->w; q0 += t.pixels * step) {
                int64_t left = (dst->w - 1 - q0) / step + 1;
                int np = left < t.pixels ? (int)left : t.pixels;
                for (int64_t grp = 0; grp < g->groups; grp++)
                    for (int64_t bb = 0; bb < blocks(g->b); bb += t.blocks)
                        t.run(g, x, r, q0, step, np, grp, bb, y);
            }
}

/* Weights of one direction: a counts the channels read, b those written. */
static size_t packed_count(const fv_kwin *k, int64_t a, int64_t b)
{
    return (size_t)(k->groups * blocks(b) * k->k[0] * k->k[1] * a * TILE_B);
}

/* Repacks ONNX weights, conv (out, in/g, kh, kw) or transposed (in,
 * out/g, kh, kw), in the tiles' order; `a_is_in` says whether a counts
 * the op's input channels (forward of a conv) or its output channels. */
static void pack(const struct FV_N(fv_direct_conv) * p, const float *w, int a_is_in, fv_real *dst)
{
    int64_t G = p->k.groups, T = p->k.k[0] * p->k.k[1], I = p->in_g, O = p->out_g;
    int64_t A = a_is_in ? I : O, B = a_is_in ? O : I;
    memset(dst, 0, packed_count(&p->k, A, B) * sizeof *dst);
    for (int64_t g = 0; g < G; g++)
        for (int64_t i = 0; i < I; i++)
            for (int64_t o = 0; o < O; o++)
                for (int64_t t = 0; t < T; t++) {
                    size_t from = p->transposed ? (size_t)(((g * I + i) * O + o) * T + t)
                                                : (size_t)(((g * O + o) * I + i) * T + t);
                    int64_t a = a_is_in ? i : o, b = a_is_in ? o : i;
                    int64_t block = g * blocks(B) + b / TILE_B;
                    dst[((block * T + t) * A + a) * TILE_B + b % TILE_B] = (fv_real)w[from];
                }
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
        *k, *in, *out, cw->transposed, in->c / k->groups, out->c / k->groups, NULL, NULL, NULL, NULL,
        best_tile(2)};
    /* down reads the op's input for a conv, its output for a transposed
     * conv; up the other way round */
    int64_t down_a = cw->transposed ? p->out_g : p->in_g, up_a = cw->transposed ? p->in_g : p->out_g;
    p->down = malloc(packed_count(k, down_a, up_a) * sizeof *p->down);
    p->up = malloc(packed_count(k, up_a, down_a) * sizeof *p->up);
    p->bias = cw->bias ? malloc((size_t)out->c * sizeof *p->bias) : NULL;
    p->zeros = calloc((size_t)(in->c > out->c ? in->c : out->c), sizeof *p->zeros);
    if (!p->down || !p->up || (cw->bias && !p->bias) || !p->zeros) {
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

int FV_N(fv_direct_conv_limit_tile)(struct FV_N(fv_direct_conv) * p, int level)
{
    p->tile = best_tile(level);
    return p->tile;
}

void FV_N(fv_direct_conv_free)(struct FV_N(fv_direct_conv) * p)
{
    if (!p)
        return;
    free(p->down);
    free(p->up);
    free(p->bias);
    free(p->zeros);
    free(p);
}

size_t FV_N(fv_direct_conv_bytes)(const fv_kwin *k, const fv_box *in, const fv_box *out)
{
    int64_t G = k->groups > 0 ? k->groups : 1, I = in->c / G, O = out->c / G;
    size_t n = packed_count(k, I, O) + packed_count(k, O, I);
    size_t zeros = (size_t)(in->c > out->c ? in->c : out->c);
    return (n + (size_t)out->c + zeros) * sizeof(fv_real);
}

void FV_N(fv_direct_conv_forward)(const struct FV_N(fv_direct_conv) * p, const fv_real *x,
                                  fv_real *y)
{
    int64_t plane = p->out.h * p->out.w, C = p->out.c;
#pragma omp parallel for schedule(static)
    for (int64_t q = 0; q < plane; q++)
        for (int64_t c = 0; c < C; c++)
            y[q * C + c] = p->bias ? p->bias[c] : 0;
    if (p->transposed) {
        gather g = {&p->k, p->k.groups, p->in_g, p->out_g, p->up, &p->in, &p->out, p->zeros,
                    WALK_UP, p->tile};
        run(&g, x, y);
    } else {
        gather g = {&p->k, p->k.groups, p->in_g, p->out_g, p->down, &p->in, &p->out, p->zeros,
                    WALK_DOWN, p->tile};
        run(&g, x, y);
    }
}

void FV_N(fv_direct_conv_backward_data)(const struct FV_N(fv_direct_conv) * p, fv_real *dx,
                                        const fv_real *dy)
{
    if (p->transposed) {
        gather g = {&p->k, p->k.groups, p->out_g, p->in_g, p->down, &p->out, &p->in, p->zeros,
                    WALK_DOWN, p->tile};
        run(&g, dy, dx);
    } else {
        gather g = {&p->k, p->k.groups, p->out_g, p->in_g, p->up, &p->out, &p->in, p->zeros,
                    WALK_UP, p->tile};
        run(&g, dy, dx);
    }
}
