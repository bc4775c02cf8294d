/* The plain-C ERF kernels against their reference twins
 * (the src/kernels files ending in _ref.c) on random geometries: cropped windows reading
 * padding or not, strides, dilations, asymmetric padding, ceil mode,
 * count_include_pad, every resize mode, broadcasts, LRN windows wider than
 * the channels, L2 normalisation over up to 40 channels, Caffe's Power.
 * Forward outputs and
 * accumulated backward gradients must agree to TOLERANCE of the largest
 * magnitude of the twin's tensor and of the tensor it was computed from
 * (x forward, dy backward: cubic weights cancel, so an output can be far
 * smaller than its terms). The kernels sum in fv_real, the twins in double;
 * 1e-6 is a few fv_real roundings. Max ties are forced by
 * quantised inputs: the first maximum must win in both. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analyses/erf_random.h"
#include "kernels/kernel_real.h"
#include "kernels/kernels_ref.h"

#define CASES 40
#define TOLERANCE (sizeof(fv_real) == sizeof(double) ? 1e-12 : 1e-6)

static uint64_t counter;

static int64_t pick(int64_t lo, int64_t hi) /* uniform in lo..hi */
{
    return lo + (int64_t)(fv_noise_uniform(5, counter++) * (double)(hi - lo + 1));
}

/* Normal values, or with `ties` multiples of 0.5 in [-1, 1]: many equal. */
static fv_real *values(size_t n, int ties)
{
    fv_real *v = malloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = ties ? 0.5f * (fv_real)pick(-2, 2) : (fv_real)fv_noise_normal(9, counter++);
    return v;
}

/* Returns the difference relative to the scale. */
static double agree(const char *what, const fv_real *got, const fv_real *want, size_t n,
                    const fv_real *from, size_t n_from)
{
    double scale = 0, worst = 0;
    for (size_t i = 0; i < n; i++)
        scale = fmax(scale, fabs(want[i]));
    for (size_t i = 0; i < n_from; i++)
        scale = fmax(scale, fabs(from[i]));
    for (size_t i = 0; i < n; i++) {
        if (isnan(got[i]) || isnan(want[i]))
            fail_msg("%s: NaN at %zu (a read outside the input window)", what, i);
        worst = fmax(worst, fabs(got[i] - want[i]));
    }
    if (worst > TOLERANCE * fmax(scale, 1e-30))
        fail_msg("%s: kernel and twin differ by %g (scale %g)", what, worst, scale);
    return worst / fmax(scale, 1e-30);
}

/* One op under test: the kernel and its twin, forward and backward. */
typedef struct twin_case {
    fv_box in, out;
    int ties;
    void (*fwd)(const struct twin_case *t, int ref, const fv_real *x, fv_real *y);
    void (*bwd)(const struct twin_case *t, int ref, const fv_real *x, fv_real *dx,
                const fv_real *dy);
    fv_kwin k;
    int64_t pad_end[FV_AXES], start[FV_AXES], step[FV_AXES];
    fv_block block;
    int include_pad, is_max;
    fv_act act;
    fv_resize resize;
    fv_lrn lrn;
    fv_normalize normalize;
    fv_power power;
    const fv_real *scale, *shift;
    double eps;
} twin_case;

/* Returns the larger relative difference, forward or backward. */
static double compare(const char *what, const twin_case *t)
{
    size_t ni = fv_box_size(&t->in), no = fv_box_size(&t->out);
    fv_real *x = values(ni, t->ties), *dy = values(no, 0), *dx1 = values(ni, 0);
    fv_real *dx2 = malloc((ni ? ni : 1) * sizeof *dx2), *y1 = malloc(no * sizeof *y1),
            *y2 = malloc(no * sizeof *y2);
    memcpy(dx2, dx1, ni * sizeof *dx1); /* backward accumulates onto the same values */
    t->fwd(t, 0, x, y1);
    t->fwd(t, 1, x, y2);
    double worst = agree(what, y1, y2, no, x, ni);
    t->bwd(t, 0, x, dx1, dy);
    t->bwd(t, 1, x, dx2, dy);
    worst = fmax(worst, agree(what, dx1, dx2, ni, dy, no));
    free(x), free(dy), free(dx1), free(dx2), free(y1), free(y2);
    return worst;
}

/* Input window along one axis: the hull [lo, hi] of what the output
 * window reads, grown by up to two pixels (another consumer), clipped to
 * the map. Writes the axis into box b. */
static void input_axis(fv_box *b, int a, int64_t lo, int64_t hi, int64_t map)
{
    lo -= pick(0, 2), hi += pick(0, 2);
    lo = lo < 0 ? 0 : lo;
    hi = hi > map - 1 ? map - 1 : hi;
    if (a == 0)
        b->y0 = lo, b->h = hi - lo + 1, b->map_h = map;
    else
        b->x0 = lo, b->w = hi - lo + 1, b->map_w = map;
}

/* A random output window of an out map, written into b. */
static void output_axis(fv_box *b, int a, int64_t map, int64_t *o0, int64_t *o1)
{
    *o0 = pick(0, map - 1);
    *o1 = pick(*o0, map - 1);
    if (a == 0)
        b->y0 = *o0, b->h = *o1 - *o0 + 1, b->map_h = map;
    else
        b->x0 = *o0, b->w = *o1 - *o0 + 1, b->map_w = map;
}

/* ------------------------------------------------------------ pooling */

static void max_fwd(const twin_case *t, int ref, const fv_real *x, fv_real *y)
{
    (ref ? FV_N(fv_max_pool_forward_ref) : FV_N(fv_max_pool_forward))(&t->k, &t->in, x, &t->out, y);
}
static void max_bwd(const twin_case *t, int ref, const fv_real *x, fv_real *dx, const fv_real *dy)
{
    (ref ? FV_N(fv_max_pool_backward_ref) : FV_N(fv_max_pool_backward))(&t->k, &t->in, x, dx,
                                                                        &t->out, dy);
}
static void avg_fwd(const twin_case *t, int ref, const fv_real *x, fv_real *y)
{
    (ref ? FV_N(fv_avg_pool_forward_ref)
         : FV_N(fv_avg_pool_forward))(&t->k, t->pad_end, t->include_pad, &t->in, x, &t->out, y);
}
static void avg_bwd(const twin_case *t, int ref, const fv_real *x, fv_real *dx, const fv_real *dy)
{
    (void)x;
    (ref ? FV_N(fv_avg_pool_backward_ref)
         : FV_N(fv_avg_pool_backward))(&t->k, t->pad_end, t->include_pad, &t->in, dx, &t->out, dy);
}

/* PyTorch's pooling geometry: effective extent (k - 1) d + 1, padding at
 * most half of it, output floor or (ceil mode) ceil of the span over the
 * stride plus one, dropping a last window that would start in the end
 * padding. */
static void pool_case(twin_case *t)
{
    memset(t, 0, sizeof *t);
    int64_t c = pick(1, 3);
    int ceil_mode = (int)pick(0, 1);
    for (int a = 0; a < FV_AXES; a++) {
        int64_t map, ext, span, n;
        t->k.k[a] = pick(1, 4), t->k.s[a] = pick(1, 3), t->k.d[a] = pick(1, 2);
        ext = (t->k.k[a] - 1) * t->k.d[a] + 1;
        t->k.pad[a] = pick(0, (ext - 1) / 2), t->pad_end[a] = pick(0, (ext - 1) / 2);
        map = pick(ext > 3 ? ext : 3, 9);
        span = map + t->k.pad[a] + t->pad_end[a] - ext;
        n = (ceil_mode ? (span + t->k.s[a] - 1) / t->k.s[a] : span / t->k.s[a]) + 1;
        if (ceil_mode && (n - 1) * t->k.s[a] >= map + t->k.pad[a])
            n--;
        int64_t o0, o1;
        output_axis(&t->out, a, n, &o0, &o1);
        input_axis(&t->in, a, o0 * t->k.s[a] - t->k.pad[a], o1 * t->k.s[a] - t->k.pad[a] + ext - 1,
                   map);
    }
    t->k.groups = 1;
    t->in.c = t->out.c = c;
}

static void pools(void **state)
{
    (void)state;
    twin_case t;
    for (int i = 0; i < CASES; i++) {
        pool_case(&t);
        t.fwd = max_fwd, t.bwd = max_bwd, t.ties = i % 2;
        compare("max pool", &t);
        pool_case(&t);
        t.fwd = avg_fwd, t.bwd = avg_bwd, t.include_pad = i % 2;
        compare("average pool", &t);
    }
}

static void gp_fwd(const twin_case *t, int ref, const fv_real *x, fv_real *y)
{
    (ref ? FV_N(fv_global_pool_forward_ref) : FV_N(fv_global_pool_forward))(t->is_max, &t->in, x,
                                                                            y);
}
static void gp_bwd(const twin_case *t, int ref, const fv_real *x, fv_real *dx, const fv_real *dy)
{
    (ref ? FV_N(fv_global_pool_backward_ref) : FV_N(fv_global_pool_backward))(t->is_max, &t->in, x,
                                                                              dx, dy);
}

static void global_pools(void **state)
{
    (void)state;
    twin_case t = {0};
    for (int i = 0; i < CASES; i++) {
        int64_t c = pick(1, 4), h = pick(1, 7), w = pick(1, 7);
        t.in = (fv_box){c, h, w, 0, 0, h, w};
        t.out = (fv_box){c, 1, 1, 0, 0, 1, 1};
        t.is_max = i % 2, t.ties = i % 4 == 1;
        t.fwd = gp_fwd, t.bwd = gp_bwd;
        compare(t.is_max ? "global max pool" : "global average pool", &t);
    }
}

/* ---------------------------------------------------------- pointwise */

/* Output window somewhere in a map, input window holding it. */
static void pointwise_case(twin_case *t, int64_t c)
{
    for (int a = 0; a < FV_AXES; a++) {
        int64_t map = pick(1, 8), o0, o1;
        output_axis(&t->out, a, map, &o0, &o1);
        input_axis(&t->in, a, o0, o1, map);
    }
    t->in.c = t->out.c = c;
}

static void act_fwd(const twin_case *t, int ref, const fv_real *x, fv_real *y)
{
    (ref ? FV_N(fv_act_forward_ref) : FV_N(fv_act_forward))(&t->act, &t->in, x, &t->out, y);
}
static void act_bwd(const twin_case *t, int ref, const fv_real *x, fv_real *dx, const fv_real *dy)
{
    (ref ? FV_N(fv_act_backward_ref) : FV_N(fv_act_backward))(&t->act, &t->in, x, dx, &t->out, dy);
}
static void affine_fwd(const twin_case *t, int ref, const fv_real *x, fv_real *y)
{
    (ref ? FV_N(fv_affine_forward_ref) : FV_N(fv_affine_forward))(t->scale, t->shift, &t->in, x,
                                                                  &t->out, y);
}
static void affine_bwd(const twin_case *t, int ref, const fv_real *x, fv_real *dx,
                       const fv_real *dy)
{
    (void)x;
    (ref ? FV_N(fv_affine_backward_ref) : FV_N(fv_affine_backward))(t->scale, &t->in, dx, &t->out,
                                                                    dy);
}

static void softmax_fwd(const twin_case *t, int ref, const fv_real *x, fv_real *y)
{
    (ref ? FV_N(fv_softmax_forward_ref) : FV_N(fv_softmax_forward))(&t->in, x, &t->out, y);
}
static void softmax_bwd(const twin_case *t, int ref, const fv_real *x, fv_real *dx,
                        const fv_real *dy)
{
    if (ref) {
        FV_N(fv_softmax_backward_ref)(&t->in, x, dx, &t->out, dy);
        return;
    }
    fv_real *y = malloc(fv_box_size(&t->out) * sizeof *y); /* the kernel reads the output */
    FV_N(fv_softmax_forward)(&t->in, x, &t->out, y);
    FV_N(fv_softmax_backward)(&t->in, dx, &t->out, y, dy);
    free(y);
}

static void lrn_fwd(const twin_case *t, int ref, const fv_real *x, fv_real *y)
{
    (ref ? FV_N(fv_lrn_forward_ref) : FV_N(fv_lrn_forward))(&t->lrn, &t->in, x, &t->out, y);
}
static void lrn_bwd(const twin_case *t, int ref, const fv_real *x, fv_real *dx, const fv_real *dy)
{
    (ref ? FV_N(fv_lrn_backward_ref) : FV_N(fv_lrn_backward))(&t->lrn, &t->in, x, dx, &t->out, dy);
}

/* LRN windows of 1..7 channels, odd and even, over 1..8 channels (so
 * often fewer channels than the window), alpha large enough that the
 * normalisation matters. */
static void lrn(void **state)
{
    (void)state;
    twin_case t = {0};
    double worst = 0;
    for (int i = 0; i < 4 * CASES; i++) {
        t.lrn = (fv_lrn){.size = pick(1, 7),
                         .alpha = 0.1 * (double)pick(0, 30),
                         .beta = 0.05 * (double)pick(1, 30),
                         .bias = 0.25 * (double)pick(1, 8)};
        pointwise_case(&t, pick(1, 8));
        t.fwd = lrn_fwd, t.bwd = lrn_bwd;
        worst = fmax(worst, compare("lrn", &t));
    }
    print_message("lrn: kernel and twin agree to %.3g of the largest value\n", worst);
}

static void inorm_fwd(const twin_case *t, int ref, const fv_real *x, fv_real *y)
{
    if (ref) {
        FV_N(fv_instance_norm_forward_ref)(t->scale, t->shift, t->eps, &t->in, x, &t->out, y);
        return;
    }
    double *stats = malloc(4 * (size_t)t->in.c * sizeof *stats);
    FV_N(fv_instance_norm_forward)(t->scale, t->shift, t->eps, stats, &t->in, x, &t->out, y);
    free(stats);
}
static void inorm_bwd(const twin_case *t, int ref, const fv_real *x, fv_real *dx,
                      const fv_real *dy)
{
    if (ref) {
        FV_N(fv_instance_norm_backward_ref)(t->scale, t->eps, &t->in, x, dx, &t->out, dy);
        return;
    }
    /* the kernel reads the statistics its forward leaves */
    double *stats = malloc(4 * (size_t)t->in.c * sizeof *stats);
    fv_real *y = malloc(fv_box_size(&t->out) * sizeof *y);
    FV_N(fv_instance_norm_forward)(t->scale, t->shift, t->eps, stats, &t->in, x, &t->out, y);
    FV_N(fv_instance_norm_backward)(t->scale, stats, &t->in, x, dx, &t->out, dy);
    free(stats), free(y);
}

/* Instance norm: the input window is its whole map, the output any window
 * of it; epsilon small or large against the variance. */
static void instance_norm(void **state)
{
    (void)state;
    twin_case t = {0};
    for (int i = 0; i < CASES; i++) {
        int64_t c = pick(1, 4);
        fv_real *scale = values((size_t)c, 0), *shift = values((size_t)c, 0);
        t.scale = scale, t.shift = shift, t.eps = i % 2 ? 1e-5 : 0.5;
        for (int a = 0; a < FV_AXES; a++) {
            int64_t map = pick(1, 8), o0, o1;
            output_axis(&t.out, a, map, &o0, &o1);
            input_axis(&t.in, a, 0, map - 1, map);
        }
        t.in.c = t.out.c = c;
        t.fwd = inorm_fwd, t.bwd = inorm_bwd;
        compare("instance norm", &t);
        free(scale), free(shift);
    }
}

static void normalize_fwd(const twin_case *t, int ref, const fv_real *x, fv_real *y)
{
    (ref ? FV_N(fv_normalize_forward_ref) : FV_N(fv_normalize_forward))(&t->normalize, &t->in, x,
                                                                        &t->out, y);
}
static void normalize_bwd(const twin_case *t, int ref, const fv_real *x, fv_real *dx,
                          const fv_real *dy)
{
    (ref ? FV_N(fv_normalize_backward_ref) : FV_N(fv_normalize_backward))(&t->normalize, &t->in, x,
                                                                          dx, &t->out, dy);
}

/* L2 normalisation over 1..40 channels (SSD's 512 are the same loop), eps
 * from Caffe-SSD's 1e-10 to larger than the squares, scales of either sign. */
static void normalize(void **state)
{
    (void)state;
    static const double eps[] = {1e-10, 1e-2, 0.5, 4};
    twin_case t = {0};
    double worst = 0;
    for (int i = 0; i < 4 * CASES; i++) {
        t.normalize = (fv_normalize){.eps = eps[i % 4], .scale = 0.5 * (double)pick(-40, 40)};
        pointwise_case(&t, pick(1, 40));
        t.fwd = normalize_fwd, t.bwd = normalize_bwd;
        worst = fmax(worst, compare("normalize", &t));
    }
    print_message("normalize: kernel and twin agree to %.3g of the largest value\n", worst);
}

static void power_fwd(const twin_case *t, int ref, const fv_real *x, fv_real *y)
{
    (ref ? FV_N(fv_power_forward_ref) : FV_N(fv_power_forward))(&t->power, &t->in, x, &t->out, y);
}
static void power_bwd(const twin_case *t, int ref, const fv_real *x, fv_real *dx,
                      const fv_real *dy)
{
    (ref ? FV_N(fv_power_backward_ref) : FV_N(fv_power_backward))(&t->power, &t->in, x, dx,
                                                                  &t->out, dy);
}

/* Caffe's Power: whole powers 1, 2, 3 and 0 with scales -2..2 (0 too) and
 * shifts -2..2; powers that want a positive base (0.5, -1, 2.5) with
 * shift 8 and |scale| <= 1, which keep it so for the normal inputs. The
 * kernel's power 1, an affine map, and the twin's pow(b, 1) must agree
 * exactly. */
static void power(void **state)
{
    (void)state;
    static const double powers[] = {1, 2, 3, 0, 0.5, -1, 2.5};
    twin_case t = {0};
    double worst = 0;
    for (int i = 0; i < 7 * CASES; i++) {
        double e = powers[i % 7];
        int whole = e >= 0 && e == floor(e);
        t.power = (fv_power){.power = e,
                             .scale = 0.25 * (double)(whole ? pick(-8, 8) : pick(-4, 4)),
                             .shift = whole ? 0.5 * (double)pick(-4, 4) : 8};
        pointwise_case(&t, pick(1, 8));
        t.fwd = power_fwd, t.bwd = power_bwd;
        double d = compare("power", &t);
        if (e == 1 && d != 0)
            fail_msg("power 1, scale %g, shift %g: kernel and twin differ by %g", t.power.scale,
                     t.power.shift, d);
        worst = fmax(worst, d);
    }
    print_message("power: kernel and twin agree to %.3g of the largest value\n", worst);
}

static void pointwise(void **state)
{
    (void)state;
    static const fv_op ops[] = {FV_OP_RELU,       FV_OP_RELU6,        FV_OP_LEAKY_RELU, FV_OP_PRELU,
                                FV_OP_ELU,        FV_OP_SIGMOID,      FV_OP_TANH,       FV_OP_SILU,
                                FV_OP_HARD_SWISH, FV_OP_HARD_SIGMOID, FV_OP_MISH,       FV_OP_GELU,
                                FV_OP_SOFTPLUS,   FV_OP_IDENTITY,     FV_OP_DROPOUT};
    float slopes[3] = {0.25f, -0.5f, 0.75f};
    twin_case t = {0};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        for (int rep = 0; rep < 4; rep++) {
            fv_layer l;
            fv_layer_init(&l, ops[i]);
            t.act = (fv_act){.op = ops[i], .p = l.params.pointwise};
            if (ops[i] == FV_OP_PRELU) /* per channel, then shared */
                t.act.slope = slopes, t.act.n_slope = rep % 2 ? 1 : 3;
            pointwise_case(&t, 3);
            t.fwd = act_fwd, t.bwd = act_bwd;
            compare("activation", &t);
        }
    for (int i = 0; i < CASES; i++) {
        int64_t c = pick(1, 4);
        fv_real *scale = values((size_t)c, 0), *shift = values((size_t)c, 0);
        t.scale = scale, t.shift = shift;
        pointwise_case(&t, c);
        t.fwd = affine_fwd, t.bwd = affine_bwd;
        compare("affine", &t);
        free(scale), free(shift);
    }
    for (int i = 0; i < CASES; i++) {
        pointwise_case(&t, pick(1, 5));
        t.fwd = softmax_fwd, t.bwd = softmax_bwd;
        compare("softmax", &t);
    }
}

/* ------------------------------------------------------------ merging */

/* The merge inputs laid end to end in one vector, so that compare()
 * handles them as one input window. */
static fv_box operands[3];
static size_t n_operands;

static void split(const fv_real *x, const fv_real **xs)
{
    size_t at = 0;
    for (size_t k = 0; k < n_operands; k++) {
        xs[k] = x + at;
        at += fv_box_size(&operands[k]);
    }
}

static void merge_fwd(const twin_case *t, int ref, const fv_real *x, fv_real *y)
{
    const fv_real *xs[3];
    split(x, xs);
    (ref ? FV_N(fv_merge_forward_ref) : FV_N(fv_merge_forward))(t->act.op, n_operands, operands, xs,
                                                                &t->out, y);
}
static void merge_bwd(const twin_case *t, int ref, const fv_real *x, fv_real *dx, const fv_real *dy)
{
    const fv_real *xs[3];
    fv_real *dxs[3];
    split(x, xs);
    split(dx, (const fv_real **)dxs);
    (ref ? FV_N(fv_merge_backward_ref) : FV_N(fv_merge_backward))(t->act.op, n_operands, operands,
                                                                  xs, dxs, &t->out, dy);
}

static void concat_fwd(const twin_case *t, int ref, const fv_real *x, fv_real *y)
{
    const fv_real *xs[3];
    split(x, xs);
    int64_t first = 0;
    for (size_t k = 0; k < n_operands; first += operands[k].c, k++)
        (ref ? FV_N(fv_concat_forward_ref) : FV_N(fv_concat_forward))(&operands[k], xs[k], first,
                                                                      &t->out, y);
}
static void concat_bwd(const twin_case *t, int ref, const fv_real *x, fv_real *dx,
                       const fv_real *dy)
{
    (void)x;
    fv_real *dxs[3];
    split(dx, (const fv_real **)dxs);
    int64_t first = 0;
    for (size_t k = 0; k < n_operands; first += operands[k].c, k++)
        (ref ? FV_N(fv_concat_backward_ref) : FV_N(fv_concat_backward))(&operands[k], dxs[k], first,
                                                                        &t->out, dy);
}

/* Operand k of a merge into out: the same channels and a window holding
 * out's, or (kind 1) one value per channel over a 1x1 map, or (kind 2) one
 * channel, or (kind 3) exactly out's window (the residual fast path). */
static fv_box operand(const fv_box *out, int kind, int64_t channels)
{
    fv_box b = *out;
    if (kind == 1)
        return (fv_box){out->c, 1, 1, 0, 0, 1, 1};
    if (kind == 3)
        return b;
    input_axis(&b, 0, out->y0, out->y0 + out->h - 1, out->map_h);
    input_axis(&b, 1, out->x0, out->x0 + out->w - 1, out->map_w);
    b.c = kind == 2 ? 1 : channels;
    return b;
}

static void stack(twin_case *t)
{
    size_t total = 0;
    for (size_t k = 0; k < n_operands; k++)
        total += fv_box_size(&operands[k]);
    t->in = (fv_box){1, 1, (int64_t)total, 0, 0, 1, (int64_t)total};
}

static void merges(void **state)
{
    (void)state;
    static const fv_op ops[] = {FV_OP_ADD, FV_OP_MUL, FV_OP_MAX};
    twin_case t = {0};
    for (int i = 0; i < CASES; i++) {
        pointwise_case(&t, pick(2, 3));
        int same = i % 3 == 0;
        n_operands = (size_t)pick(2, 3);
        for (size_t k = 0; k < n_operands; k++)
            operands[k] = operand(&t.out, same ? 3 : k == 0 ? 0 : (int)pick(0, 2), t.out.c);
        stack(&t);
        t.act.op = ops[i % 3];
        t.ties = i % 2;
        t.fwd = merge_fwd, t.bwd = merge_bwd;
        compare("merge", &t);

        n_operands = (size_t)pick(1, 3);
        int64_t channels = 0;
        for (size_t k = 0; k < n_operands; k++) {
            operands[k] = operand(&t.out, 0, pick(1, 3));
            channels += operands[k].c;
        }
        t.out.c = channels;
        stack(&t);
        t.fwd = concat_fwd, t.bwd = concat_bwd;
        compare("concat", &t);
    }
}

/* --------------------------------------------------------- resampling */

static void shift_fwd(const twin_case *t, int ref, const fv_real *x, fv_real *y)
{
    (ref ? FV_N(fv_shift_forward_ref) : FV_N(fv_shift_forward))(t->start, t->step, &t->in, x,
                                                                &t->out, y);
}
static void shift_bwd(const twin_case *t, int ref, const fv_real *x, fv_real *dx, const fv_real *dy)
{
    (void)x;
    (ref ? FV_N(fv_shift_backward_ref) : FV_N(fv_shift_backward))(t->start, t->step, &t->in, dx,
                                                                  &t->out, dy);
}
static void resize_fwd(const twin_case *t, int ref, const fv_real *x, fv_real *y)
{
    (ref ? FV_N(fv_resize_forward_ref) : FV_N(fv_resize_forward))(&t->resize, &t->in, x, &t->out,
                                                                  y);
}
static void resize_bwd(const twin_case *t, int ref, const fv_real *x, fv_real *dx,
                       const fv_real *dy)
{
    (void)x;
    (ref ? FV_N(fv_resize_backward_ref) : FV_N(fv_resize_backward))(&t->resize, &t->in, dx, &t->out,
                                                                    dy);
}
static void d2s_fwd(const twin_case *t, int ref, const fv_real *x, fv_real *y)
{
    (ref ? FV_N(fv_depth_to_space_forward_ref) : FV_N(fv_depth_to_space_forward))(&t->block, &t->in,
                                                                                  x, &t->out, y);
}
static void d2s_bwd(const twin_case *t, int ref, const fv_real *x, fv_real *dx, const fv_real *dy)
{
    (void)x;
    (ref ? FV_N(fv_depth_to_space_backward_ref)
         : FV_N(fv_depth_to_space_backward))(&t->block, &t->in, dx, &t->out, dy);
}
static void s2d_fwd(const twin_case *t, int ref, const fv_real *x, fv_real *y)
{
    (ref ? FV_N(fv_space_to_depth_forward_ref) : FV_N(fv_space_to_depth_forward))(&t->block, &t->in,
                                                                                  x, &t->out, y);
}
static void s2d_bwd(const twin_case *t, int ref, const fv_real *x, fv_real *dx, const fv_real *dy)
{
    (void)x;
    (ref ? FV_N(fv_space_to_depth_backward_ref)
         : FV_N(fv_space_to_depth_backward))(&t->block, &t->in, dx, &t->out, dy);
}

/* Pad (start = -begin, step 1, out map = map + begin + end, negative
 * values crop) or slice (start >= 0, step 1..3). The input window is the
 * hull of the pixels the output window reads that lie in the map; a
 * window reading only padding gets a one-pixel input window. */
static void shift_case(twin_case *t)
{
    memset(t, 0, sizeof *t);
    for (int a = 0; a < FV_AXES; a++) {
        int64_t map = pick(2, 9), n, o0, o1;
        if (pick(0, 1)) {
            int64_t begin = pick(-1, 3), end = pick(-1, 3);
            t->start[a] = -begin, t->step[a] = 1, n = map + begin + end;
        } else {
            t->start[a] = pick(0, map - 1), t->step[a] = pick(1, 3);
            n = (map - t->start[a] + t->step[a] - 1) / t->step[a];
        }
        output_axis(&t->out, a, n, &o0, &o1);
        int64_t lo = t->start[a] + o0 * t->step[a], hi = t->start[a] + o1 * t->step[a];
        lo = lo < 0 ? 0 : lo > map - 1 ? map - 1 : lo;
        hi = hi < lo ? lo : hi > map - 1 ? map - 1 : hi;
        input_axis(&t->in, a, lo, hi, map);
    }
    t->in.c = t->out.c = pick(1, 3);
}

/* Source pixels [lo, hi] of output pixels o0..o1 along an axis: floor
 * of the source coordinate and, for linear, the next pixel (the kernel
 * reads it even at weight 0), clamped to the map. */
static void resize_reads(const fv_resize *r, int a, int64_t map, int64_t n, int64_t o0, int64_t o1,
                         int64_t *lo, int64_t *hi)
{
    double scale = (double)r->scale_num[a] / (double)r->scale_den[a];
    *lo = map, *hi = 0;
    for (int64_t o = o0; o <= o1; o++) {
        double src = r->mode == FV_RESIZE_NEAREST ? (double)o / scale
                     : r->align_corners
                         ? (n > 1 ? (double)o * (double)(map - 1) / (double)(n - 1) : 0)
                     : r->mode == FV_RESIZE_CUBIC ? ((double)o + 0.5) / scale - 0.5
                                                  : fmax(((double)o + 0.5) / scale - 0.5, 0);
        int64_t i0 = (int64_t)floor(src), i1 = r->mode == FV_RESIZE_NEAREST ? i0 : i0 + 1;
        if (r->mode == FV_RESIZE_CUBIC && src != floor(src))
            i0 -= 1, i1 += 1;
        i0 = i0 < 0 ? 0 : i0 > map - 1 ? map - 1 : i0;
        i1 = i1 < 0 ? 0 : i1;
        i1 = i1 > map - 1 ? map - 1 : i1;
        *lo = i0 < *lo ? i0 : *lo;
        *hi = i1 > *hi ? i1 : *hi;
    }
}

static void resize_case(twin_case *t)
{
    static const int64_t scales[][2] = {{2, 1}, {3, 1}, {1, 2}, {3, 2}, {2, 3}, {1, 1}};
    memset(t, 0, sizeof *t);
    int mode = (int)pick(0, 4); /* nearest, linear, linear aligned, cubic, cubic aligned */
    t->resize.mode = mode == 0 ? FV_RESIZE_NEAREST : mode < 3 ? FV_RESIZE_LINEAR : FV_RESIZE_CUBIC;
    t->resize.align_corners = mode == 2 || mode == 4;
    t->resize.cubic_a = pick(0, 1) ? -0.75 : -0.5; /* PyTorch's, TensorFlow's */
    t->resize.exclude_outside = mode >= 3 && pick(0, 1);
    for (int a = 0; a < FV_AXES; a++) {
        const int64_t *s = scales[pick(0, 5)];
        t->resize.scale_num[a] = s[0], t->resize.scale_den[a] = s[1];
        int64_t map = s[1] * pick(1, 4), n = map * s[0] / s[1], o0, o1, lo, hi;
        output_axis(&t->out, a, n, &o0, &o1);
        resize_reads(&t->resize, a, map, n, o0, o1, &lo, &hi);
        input_axis(&t->in, a, lo, hi, map);
    }
    t->in.c = t->out.c = pick(1, 3);
}

/* Depth to space with block b, in either channel order: the deep window
 * holds the deep pixels floor(Y / b) of the spatial window. */
static void block_case(twin_case *t, fv_box *spatial, fv_box *deep)
{
    memset(t, 0, sizeof *t);
    int64_t b = pick(2, 3), c = pick(1, 3);
    t->block = (fv_block){b, pick(0, 1) ? FV_BLOCK_CRD : FV_BLOCK_DCR};
    for (int a = 0; a < FV_AXES; a++) {
        int64_t map = pick(1, 4), o0, o1;
        output_axis(spatial, a, map * b, &o0, &o1);
        input_axis(deep, a, o0 / b, o1 / b, map);
    }
    spatial->c = c, deep->c = c * b * b;
}

static void resampling(void **state)
{
    (void)state;
    twin_case t;
    for (int i = 0; i < CASES; i++) {
        shift_case(&t);
        t.fwd = shift_fwd, t.bwd = shift_bwd;
        compare("pad/slice", &t);
        resize_case(&t);
        t.fwd = resize_fwd, t.bwd = resize_bwd;
        compare("resize", &t);
        block_case(&t, &t.out, &t.in);
        t.fwd = d2s_fwd, t.bwd = d2s_bwd;
        compare("depth to space", &t);
    }
    /* space to depth: its output window's pixels read whole blocks */
    for (int i = 0; i < CASES; i++) {
        memset(&t, 0, sizeof t);
        int64_t b = pick(2, 3), c = pick(1, 3);
        t.block = (fv_block){b, i % 2 ? FV_BLOCK_CRD : FV_BLOCK_DCR};
        for (int a = 0; a < FV_AXES; a++) {
            int64_t map = pick(1, 4), o0, o1;
            output_axis(&t.out, a, map, &o0, &o1);
            input_axis(&t.in, a, o0 * b, (o1 + 1) * b - 1, map * b);
        }
        t.in.c = c, t.out.c = c * b * b;
        t.fwd = s2d_fwd, t.bwd = s2d_bwd;
        compare("space to depth", &t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pools),  cmocka_unit_test(global_pools), cmocka_unit_test(pointwise),
        cmocka_unit_test(merges), cmocka_unit_test(resampling), cmocka_unit_test(lrn),
        cmocka_unit_test(instance_norm), cmocka_unit_test(normalize), cmocka_unit_test(power),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
