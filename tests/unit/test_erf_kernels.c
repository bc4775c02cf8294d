/* The ERF kernels: the oneDNN convolutions against their plain twin, and
 * every kernel's backward pass against its forward pass by the adjoint
 * identity <v, J u> = <J^T v, u>, with J u by central finite differences
 * (exact for the linear kernels, to O(eps^2) for the others). Windows are
 * cropped, offset and partly outside the map, as the cone makes them. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analyses/erf_random.h"
#include "kernels/kernels.h"

static uint64_t counter;

static void fill(float *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        v[i] = (float)fv_noise_normal(7, counter++);
}

/* One kernel under test: forward x -> y and backward dy -> dx at x. */
typedef struct op_case {
    void (*fwd)(const struct op_case *c, const float *x, float *y);
    void (*bwd)(const struct op_case *c, const float *x, float *dx, const float *dy);
    fv_box in, out;
    fv_kwin k;
    fv_conv_weights cw;
    fv_act act;
    fv_resize resize;
    fv_lrn lrn;
    fv_normalize normalize;
    fv_power power;
    int64_t start[2], step[2], pad_end[2];
    fv_block block;
    int include_pad, is_max;
    const float *scale, *shift;
    double eps;
} op_case;

static double dot(const float *a, const float *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (double)a[i] * b[i];
    return s;
}

static double dot_abs(const float *a, const float *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += fabs((double)a[i] * b[i]);
    return s;
}

/* How to pick the point x where the Jacobian is taken. */
enum { LINEAR, SMOOTH, PIECEWISE };

/* Values 0.1 apart in random order: no two within reach of a perturbation,
 * so max pooling picks the same maximum at x +- eps u. */
static void spread(float *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        v[i] = 0.1f * (float)i - 0.05f * (float)n;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(fv_noise_uniform(11, counter++) * (double)i);
        float t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

/* <v, (f(x + eps u) - f(x - eps u)) / 2 eps> against <J^T v, u>. For a
 * linear kernel eps = 1 makes the difference exact; piecewise kernels
 * (max, kinks) get x whose pieces the perturbation does not leave. */
static void check_adjoint(const op_case *c, int kind, double tol)
{
    size_t ni = fv_box_size(&c->in), no = fv_box_size(&c->out);
    float *x = malloc(ni * sizeof *x), *u = malloc(ni * sizeof *u), *xp = malloc(ni * sizeof *xp),
          *xm = malloc(ni * sizeof *xm), *yp = malloc(no * sizeof *yp),
          *ym = malloc(no * sizeof *ym), *v = malloc(no * sizeof *v),
          *dx = calloc(ni, sizeof *dx);
    fill(x, ni);
    fill(u, ni);
    fill(v, no);
    if (kind == PIECEWISE)
        spread(x, ni);
    for (size_t i = 0; i < ni && kind == SMOOTH; i++) /* off the kinks at 0 and +-3 */
        if (fabsf(x[i]) < 0.05f || fabsf(fabsf(x[i]) - 3) < 0.05f)
            x[i] += 0.2f;
    const float eps = kind == LINEAR ? 1.0f : kind == PIECEWISE ? 1e-2f : 1e-3f;
    for (size_t i = 0; i < ni; i++) {
        xp[i] = x[i] + eps * u[i];
        xm[i] = x[i] - eps * u[i];
    }
    c->fwd(c, xp, yp);
    c->fwd(c, xm, ym);
    double lhs = (dot(v, yp, no) - dot(v, ym, no)) / (2.0 * eps);
    c->bwd(c, x, dx, v);
    double rhs = dot(dx, u, ni);
    /* float32 rounds each term of the sums, so the error scales with the
     * terms' magnitudes, not with their total (which may cancel). For a
     * linear kernel (eps 1) that is sum |v| |f(x +- u)|; a wrong index or
     * weight is as large as the terms and still fails. Non-linear kernels
     * divide by a small eps and keep the totals. */
    double scale = fabs(lhs) + fabs(rhs) + 1e-6;
    if (kind == LINEAR)
        scale += (dot_abs(v, yp, no) + dot_abs(v, ym, no)) / 2;
    if (fabs(lhs - rhs) > tol * scale)
        fail_msg("<v, J u> = %.9g but <J^T v, u> = %.9g", lhs, rhs);
    free(x), free(u), free(xp), free(xm), free(yp), free(ym), free(v), free(dx);
}

/* ------------------------------------------------------------ conv */

static void conv_fwd_ref(const op_case *c, const float *x, float *y)
{
    fv_conv_forward_ref(&c->k, &c->cw, &c->in, x, &c->out, y);
}

static void conv_bwd_ref(const op_case *c, const float *x, float *dx, const float *dy)
{
    (void)x;
    fv_conv_backward_data_ref(&c->k, &c->cw, &c->in, dx, &c->out, dy);
}

/* Builds the windows of a conv case: output window oy0..+oh of an out map
 * made by the conv from an in_map x in_map input, input window the part it
 * reads grown by `extra` (another consumer) and clipped to the map. */
static void conv_case(op_case *c, int transposed, int64_t cin, int64_t cout, int64_t k, int64_t s,
                      int64_t d, int64_t p, int64_t g, int64_t in_map, int64_t o0, int64_t on,
                      int64_t extra)
{
    memset(c, 0, sizeof *c);
    int64_t ext = (k - 1) * d + 1;
    int64_t out_map = transposed ? (in_map - 1) * s - 2 * p + ext : (in_map + 2 * p - ext) / s + 1;
    for (int a = 0; a < 2; a++) {
        c->k.k[a] = k, c->k.s[a] = s, c->k.d[a] = d, c->k.pad[a] = p;
    }
    c->k.groups = g;
    int64_t lo, hi;
    if (!transposed) {
        lo = o0 * s - p, hi = (o0 + on - 1) * s - p + ext - 1;
    } else {
        lo = (int64_t)ceil((double)(o0 + p - ext + 1) / (double)s);
        hi = (int64_t)floor((double)(o0 + on - 1 + p) / (double)s);
    }
    lo -= extra, hi += extra;
    if (lo < 0)
        lo = 0;
    if (hi > in_map - 1)
        hi = in_map - 1;
    c->in = (fv_box){cin, hi - lo + 1, hi - lo + 1, lo, lo, in_map, in_map};
    c->out = (fv_box){cout, on, on, o0, o0, out_map, out_map};
    size_t nw = (size_t)(cout * (cin / g) * k * k);
    float *w = malloc(nw * sizeof *w), *b = malloc((size_t)cout * sizeof *b);
    fill(w, nw);
    fill(b, (size_t)cout);
    c->cw = (fv_conv_weights){w, b, transposed};
    c->fwd = conv_fwd_ref;
    c->bwd = conv_bwd_ref;
}

static void conv_case_free(op_case *c)
{
    free((void *)c->cw.w);
    free((void *)c->cw.bias);
}

/* oneDNN and the twin agree, forward and backward (float rounding only). */
static void check_onednn(op_case *c)
{
    fv_conv_plan *plan;
    fv_diag diag;
    fv_diag_init(&diag);
    if (fv_conv_plan_create(&c->k, &c->cw, &c->in, &c->out, &plan, &diag) != FV_OK)
        fail_msg("plan: %s", diag.message);
    size_t ni = fv_box_size(&c->in), no = fv_box_size(&c->out);
    float *x = malloc(ni * sizeof *x), *y1 = malloc(no * sizeof *y1), *y2 = malloc(no * sizeof *y2),
          *dy = malloc(no * sizeof *dy), *dx1 = malloc(ni * sizeof *dx1), *dx2 = malloc(ni * sizeof *dx2);
    fill(x, ni);
    fill(dy, no);
    fill(dx1, ni); /* backward accumulates: start from the same non-zero values */
    memcpy(dx2, dx1, ni * sizeof *dx1);
    fv_conv_forward(plan, x, y1);
    fv_conv_forward_ref(&c->k, &c->cw, &c->in, x, &c->out, y2);
    fv_conv_backward_data(plan, dx1, dy);
    fv_conv_backward_data_ref(&c->k, &c->cw, &c->in, dx2, &c->out, dy);
    double worst = 0;
    for (size_t i = 0; i < no; i++)
        worst = fmax(worst, fabs(y1[i] - y2[i]) / (1 + fabs(y2[i])));
    for (size_t i = 0; i < ni; i++)
        worst = fmax(worst, fabs(dx1[i] - dx2[i]) / (1 + fabs(dx2[i])));
    if (worst > 1e-4)
        fail_msg("oneDNN and the reference differ by %g", worst);
    fv_conv_plan_free(plan);
    free(x), free(y1), free(y2), free(dy), free(dx1), free(dx2);
}

static double *widen(const float *v, size_t n)
{
    double *d = malloc((n ? n : 1) * sizeof *d);
    for (size_t i = 0; i < n; i++)
        d[i] = v[i];
    return d;
}

/* Largest |a - b| / (1 + |b|). */
static double worst_f32(const float *a, const float *b, size_t n)
{
    double w = 0;
    for (size_t i = 0; i < n; i++)
        w = fmax(w, fabs(a[i] - b[i]) / (1 + fabs(b[i])));
    return w;
}
static double worst_f64(const double *a, const double *b, size_t n)
{
    double w = 0;
    for (size_t i = 0; i < n; i++)
        w = fmax(w, fabs(a[i] - b[i]) / (1 + fabs(b[i])));
    return w;
}

/* The plain-C convolution (the float64 engine's) and the twin agree,
 * forward and backward, in both element types: to float rounding in
 * float32, to the order of the sums (1e-12) in float64. Every build of
 * the register tile this processor runs is checked (baseline, AVX2,
 * AVX-512); *levels counts the builds seen. */
static void check_direct(op_case *c, int *levels)
{
    fv_diag diag;
    fv_diag_init(&diag);
    for (int level = 2; level >= 0; level--) {
        fv_direct_conv *p32;
        fv_direct_conv_f64 *p64;
        if (fv_direct_conv_create(&c->k, &c->cw, &c->in, &c->out, &p32, &diag) != FV_OK ||
            fv_direct_conv_create_f64(&c->k, &c->cw, &c->in, &c->out, &p64, &diag) != FV_OK)
            fail_msg("direct plan: %s", diag.message);
        int used = fv_direct_conv_limit_tile(p32, level);
        assert_int_equal(fv_direct_conv_limit_tile_f64(p64, level), used);
        if (used != level) { /* this processor lacks the build */
            fv_direct_conv_free(p32);
            fv_direct_conv_free_f64(p64);
            continue;
        }
        *levels |= 1 << level;
        size_t ni = fv_box_size(&c->in), no = fv_box_size(&c->out);
        float *x = malloc(ni * sizeof *x), *dy = malloc(no * sizeof *dy),
              *dx0 = malloc(ni * sizeof *dx0);
        fill(x, ni);
        fill(dy, no);
        fill(dx0, ni); /* backward accumulates onto these */
        float *y1 = malloc(no * sizeof *y1), *y2 = malloc(no * sizeof *y2);
        float *dx1 = malloc(ni * sizeof *dx1), *dx2 = malloc(ni * sizeof *dx2);
        memcpy(dx1, dx0, ni * sizeof *dx0);
        memcpy(dx2, dx0, ni * sizeof *dx0);
        fv_direct_conv_forward(p32, x, y1);
        fv_conv_forward_ref(&c->k, &c->cw, &c->in, x, &c->out, y2);
        fv_direct_conv_backward_data(p32, dx1, dy);
        fv_conv_backward_data_ref(&c->k, &c->cw, &c->in, dx2, &c->out, dy);
        double w32 = fmax(worst_f32(y1, y2, no), worst_f32(dx1, dx2, ni));
        double *X = widen(x, ni), *DY = widen(dy, no), *DX1 = widen(dx0, ni),
               *DX2 = widen(dx0, ni);
        double *Y1 = malloc(no * sizeof *Y1), *Y2 = malloc(no * sizeof *Y2);
        fv_direct_conv_forward_f64(p64, X, Y1);
        fv_conv_forward_ref_f64(&c->k, &c->cw, &c->in, X, &c->out, Y2);
        fv_direct_conv_backward_data_f64(p64, DX1, DY);
        fv_conv_backward_data_ref_f64(&c->k, &c->cw, &c->in, DX2, &c->out, DY);
        double w64 = fmax(worst_f64(Y1, Y2, no), worst_f64(DX1, DX2, ni));
        /* A float32 sum's rounding error grows with its terms (Higham's
         * bound is linear in them): 1e-5 for the small cases, more for 20
         * channels per group under a 5x5 kernel. */
        int64_t per_group = (c->in.c > c->out.c ? c->in.c : c->out.c) / c->k.groups;
        double terms = (double)(per_group * c->k.k[0] * c->k.k[1]);
        if (w32 > fmax(1e-5, terms * 0x1p-24) || w64 > 1e-12)
            fail_msg("direct conv (tile build %d) and the reference differ by %g (float32), %g "
                     "(float64)",
                     level, w32, w64);
        fv_direct_conv_free(p32);
        fv_direct_conv_free_f64(p64);
        free(x), free(dy), free(dx0), free(y1), free(y2), free(dx1), free(dx2);
        free(X), free(DY), free(DX1), free(DX2), free(Y1), free(Y2);
    }
}

/* Random geometries for the direct convolution: kernel 1..5, stride 1..3,
 * dilation 1..3, padding up to the kernel's reach, 1..3 groups of 1..20
 * channels, plain and transposed, cropped output windows, input windows
 * grown by 0..2. */
static void direct_random(void **state)
{
    (void)state;
    int done = 0, levels = 0;
    for (int n = 0; done < 200 && n < 2000; n++) {
        int64_t tr = fv_noise_uniform(21, counter++) < 0.4,
                g = 1 + (int64_t)(3 * fv_noise_uniform(21, counter++));
        /* per group 1..3 channels, or (one case in three) 1..20: the
         * register tiles' 8 channels, their multiples and leftovers */
        int64_t wide = fv_noise_uniform(21, counter++) < 1.0 / 3 ? 20 : 3;
        int64_t cin = g * (1 + (int64_t)((double)wide * fv_noise_uniform(21, counter++)));
        int64_t cout = g * (1 + (int64_t)((double)wide * fv_noise_uniform(21, counter++)));
        int64_t k = 1 + (int64_t)(5 * fv_noise_uniform(21, counter++));
        int64_t s = 1 + (int64_t)(3 * fv_noise_uniform(21, counter++));
        int64_t d = 1 + (int64_t)(3 * fv_noise_uniform(21, counter++));
        int64_t ext = (k - 1) * d + 1, p = (int64_t)((double)ext * fv_noise_uniform(21, counter++));
        int64_t in_map = 3 + (int64_t)(10 * fv_noise_uniform(21, counter++));
        int64_t out_map = tr ? (in_map - 1) * s - 2 * p + ext : (in_map + 2 * p - ext) / s + 1;
        if (out_map < 1 || (!tr && in_map + 2 * p < ext) || (tr && p >= ext))
            continue;
        int64_t o0 = (int64_t)((double)out_map * fv_noise_uniform(21, counter++));
        int64_t on = 1 + (int64_t)((double)(out_map - o0) * fv_noise_uniform(21, counter++));
        int64_t extra = (int64_t)(3 * fv_noise_uniform(21, counter++));
        op_case c;
        conv_case(&c, (int)tr, cin, cout, k, s, d, p, g, in_map, o0, on, extra);
        if (c.in.h < 1) { /* a transposed output window in a gap reads nothing */
            conv_case_free(&c);
            continue;
        }
        check_direct(&c, &levels);
        conv_case_free(&c);
        done++;
    }
    assert_int_equal(done, 200);
    print_message("direct conv: 200 geometries against the twin with tile builds %s%s%s\n",
                  levels & 1 ? "baseline " : "", levels & 2 ? "AVX2 " : "",
                  levels & 4 ? "AVX-512" : "");
    assert_true(levels & 1); /* the baseline runs everywhere */
}

static void conv_geometries(void **state)
{
    (void)state;
    /* transposed, cin, cout, k, s, d, p, groups, in map, out window start, size, extra */
    static const int64_t cases[][12] = {
        {0, 3, 4, 3, 1, 1, 1, 1, 9, 2, 4, 0},   /* plain, padded */
        {0, 3, 4, 3, 1, 1, 1, 1, 9, 0, 3, 2},   /* window at the border, input cropped */
        {0, 4, 6, 3, 2, 1, 1, 2, 13, 1, 4, 1},  /* strided, grouped */
        {0, 6, 6, 3, 1, 2, 2, 6, 12, 3, 5, 3},  /* dilated depthwise */
        {0, 2, 3, 1, 2, 1, 0, 1, 10, 1, 3, 2},  /* 1x1 stride 2 with a wider input window */
        {0, 3, 2, 7, 2, 1, 3, 1, 16, 0, 8, 0},  /* 7x7 stem */
        {1, 4, 3, 4, 2, 1, 1, 1, 6, 2, 5, 0},   /* transposed */
        {1, 4, 4, 3, 2, 1, 1, 2, 6, 0, 6, 1},   /* transposed, grouped, cropped */
        {1, 2, 2, 1, 2, 1, 0, 1, 6, 1, 4, 0},   /* transposed with gaps (twin path) */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const int64_t *q = cases[i];
        op_case c;
        conv_case(&c, (int)q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], q[8], q[9], q[10], q[11]);
        check_onednn(&c);
        int levels = 0;
        check_direct(&c, &levels);
        const float *bias = c.cw.bias;
        c.cw.bias = NULL; /* the adjoint identity holds for the linear part */
        check_adjoint(&c, LINEAR, 1e-5);
        c.cw.bias = bias;
        conv_case_free(&c);
    }
}

/* ---------------------------------------------------- the other kernels */

static void max_fwd(const op_case *c, const float *x, float *y) { fv_max_pool_forward(&c->k, &c->in, x, &c->out, y); }
static void max_bwd(const op_case *c, const float *x, float *dx, const float *dy) { fv_max_pool_backward(&c->k, &c->in, x, dx, &c->out, dy); }
static void avg_fwd(const op_case *c, const float *x, float *y) { fv_avg_pool_forward(&c->k, c->pad_end, c->include_pad, &c->in, x, &c->out, y); }
static void avg_bwd(const op_case *c, const float *x, float *dx, const float *dy) { (void)x; fv_avg_pool_backward(&c->k, c->pad_end, c->include_pad, &c->in, dx, &c->out, dy); }
static void act_fwd(const op_case *c, const float *x, float *y) { fv_act_forward(&c->act, &c->in, x, &c->out, y); }
static void act_bwd(const op_case *c, const float *x, float *dx, const float *dy) { fv_act_backward(&c->act, &c->in, x, dx, &c->out, dy); }
static void shift_fwd(const op_case *c, const float *x, float *y) { fv_shift_forward(c->start, c->step, &c->in, x, &c->out, y); }
static void shift_bwd(const op_case *c, const float *x, float *dx, const float *dy) { (void)x; fv_shift_backward(c->start, c->step, &c->in, dx, &c->out, dy); }
static void resize_fwd(const op_case *c, const float *x, float *y) { fv_resize_forward(&c->resize, &c->in, x, &c->out, y); }
static void resize_bwd(const op_case *c, const float *x, float *dx, const float *dy) { (void)x; fv_resize_backward(&c->resize, &c->in, dx, &c->out, dy); }
static void d2s_fwd(const op_case *c, const float *x, float *y) { fv_depth_to_space_forward(&c->block, &c->in, x, &c->out, y); }
static void d2s_bwd(const op_case *c, const float *x, float *dx, const float *dy) { (void)x; fv_depth_to_space_backward(&c->block, &c->in, dx, &c->out, dy); }
static void s2d_fwd(const op_case *c, const float *x, float *y) { fv_space_to_depth_forward(&c->block, &c->in, x, &c->out, y); }
static void s2d_bwd(const op_case *c, const float *x, float *dx, const float *dy) { (void)x; fv_space_to_depth_backward(&c->block, &c->in, dx, &c->out, dy); }
static void gp_fwd(const op_case *c, const float *x, float *y) { fv_global_pool_forward(c->is_max, &c->in, x, y); }
static void gp_bwd(const op_case *c, const float *x, float *dx, const float *dy) { fv_global_pool_backward(c->is_max, &c->in, x, dx, dy); }

static void pools(void **state)
{
    (void)state;
    op_case c = {0};
    /* 3x3 s2 p1 max pool, output window 1..3 of a 5x5 map from 10x10 */
    for (int a = 0; a < 2; a++)
        c.k.k[a] = 3, c.k.s[a] = 2, c.k.d[a] = 1, c.k.pad[a] = 1, c.pad_end[a] = 1;
    c.in = (fv_box){3, 8, 8, 1, 1, 10, 10};
    c.out = (fv_box){3, 3, 3, 1, 1, 5, 5};
    c.fwd = max_fwd, c.bwd = max_bwd;
    check_adjoint(&c, PIECEWISE, 1e-4);
    /* the border window reads padding: output 0 of a window at the origin */
    c.in = (fv_box){2, 5, 5, 0, 0, 10, 10};
    c.out = (fv_box){2, 2, 2, 0, 0, 5, 5};
    check_adjoint(&c, PIECEWISE, 1e-4);
    c.fwd = avg_fwd, c.bwd = avg_bwd;
    for (c.include_pad = 0; c.include_pad <= 1; c.include_pad++)
        check_adjoint(&c, LINEAR, 1e-5);
    c.in = (fv_box){4, 5, 6, 0, 0, 5, 6};
    c.out = (fv_box){4, 1, 1, 0, 0, 1, 1};
    c.fwd = gp_fwd, c.bwd = gp_bwd;
    for (c.is_max = 0; c.is_max <= 1; c.is_max++)
        check_adjoint(&c, c.is_max ? PIECEWISE : LINEAR, 1e-4);
}

/* Average pool divisors by hand: the corner output of a 3x3 p1 pool on a
 * 4x4 map of ones covers 4 map pixels of its 9 (ONNX/PyTorch semantics). */
static void avg_divisor(void **state)
{
    (void)state;
    op_case c = {0};
    for (int a = 0; a < 2; a++)
        c.k.k[a] = 3, c.k.s[a] = 1, c.k.d[a] = 1, c.k.pad[a] = 1, c.pad_end[a] = 1;
    c.in = (fv_box){1, 4, 4, 0, 0, 4, 4};
    c.out = (fv_box){1, 1, 1, 0, 0, 4, 4};
    float x[16], y;
    for (int i = 0; i < 16; i++)
        x[i] = 1;
    fv_avg_pool_forward(&c.k, c.pad_end, 0, &c.in, x, &c.out, &y);
    assert_float_equal(y, 1.0, 1e-6); /* 4 / 4 */
    fv_avg_pool_forward(&c.k, c.pad_end, 1, &c.in, x, &c.out, &y);
    assert_float_equal(y, 4.0 / 9.0, 1e-6); /* 4 / 9 */
}

/* Max pool ties: the gradient goes to the first maximum (PyTorch). */
static void max_ties(void **state)
{
    (void)state;
    op_case c = {0};
    for (int a = 0; a < 2; a++)
        c.k.k[a] = 2, c.k.s[a] = 2, c.k.d[a] = 1;
    c.in = (fv_box){1, 2, 2, 0, 0, 2, 2};
    c.out = (fv_box){1, 1, 1, 0, 0, 1, 1};
    float x[4] = {1, 3, 3, 2}, dx[4] = {0}, dy = 1;
    fv_max_pool_backward(&c.k, &c.in, x, dx, &c.out, &dy);
    assert_float_equal(dx[1], 1, 0);
    assert_float_equal(dx[2], 0, 0);
}

static void activations(void **state)
{
    (void)state;
    static const fv_op ops[] = {FV_OP_RELU, FV_OP_RELU6, FV_OP_LEAKY_RELU, FV_OP_PRELU,
                                FV_OP_ELU, FV_OP_SIGMOID, FV_OP_TANH, FV_OP_SILU,
                                FV_OP_HARD_SWISH, FV_OP_HARD_SIGMOID, FV_OP_MISH, FV_OP_GELU,
                                FV_OP_SOFTPLUS, FV_OP_IDENTITY};
    float slopes[3] = {0.1f, -0.2f, 0.3f};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        fv_layer l;
        fv_layer_init(&l, ops[i]);
        op_case c = {0};
        c.act = (fv_act){.op = ops[i], .p = l.params.pointwise};
        if (ops[i] == FV_OP_PRELU)
            c.act.slope = slopes, c.act.n_slope = 3;
        c.in = (fv_box){3, 6, 6, 2, 2, 9, 9};
        c.out = (fv_box){3, 4, 3, 3, 4, 9, 9};
        c.fwd = act_fwd, c.bwd = act_bwd;
        check_adjoint(&c, SMOOTH, 2e-3);
    }
}

static void softmax_fwd(const op_case *c, const float *x, float *y) { fv_softmax_forward(&c->in, x, &c->out, y); }
static void softmax_bwd(const op_case *c, const float *x, float *dx, const float *dy)
{
    float *y = malloc(fv_box_size(&c->out) * sizeof *y);
    fv_softmax_forward(&c->in, x, &c->out, y);
    fv_softmax_backward(&c->in, dx, &c->out, y, dy);
    free(y);
}

/* Instance norm's forward and backward each run with their own
 * statistics: backward needs the ones its forward leaves. */
static void inorm_fwd(const op_case *c, const float *x, float *y)
{
    double stats[4 * 8];
    fv_instance_norm_forward(c->scale, c->shift, c->eps, stats, &c->in, x, &c->out, y);
}
static void inorm_bwd(const op_case *c, const float *x, float *dx, const float *dy)
{
    double stats[4 * 8];
    float *y = malloc(fv_box_size(&c->out) * sizeof *y);
    fv_instance_norm_forward(c->scale, c->shift, c->eps, stats, &c->in, x, &c->out, y);
    fv_instance_norm_backward(c->scale, stats, &c->in, x, dx, &c->out, dy);
    free(y);
}

/* Instance norm on a window of its map, the whole map, and a map whose
 * variance is small against epsilon: the gradient through the statistics
 * reaches every pixel of the map. */
static void instance_norm(void **state)
{
    (void)state;
    float scale[3] = {0.5f, -1.5f, 2.0f}, shift[3] = {0.1f, 0.0f, -0.3f};
    op_case c = {0};
    c.scale = scale, c.shift = shift, c.eps = 1e-5;
    c.fwd = inorm_fwd, c.bwd = inorm_bwd;
    c.in = (fv_box){3, 6, 5, 0, 0, 6, 5};
    c.out = (fv_box){3, 3, 2, 2, 1, 6, 5};
    check_adjoint(&c, SMOOTH, 2e-3);
    c.out = c.in;
    check_adjoint(&c, SMOOTH, 2e-3);
    c.out = (fv_box){3, 1, 1, 5, 4, 6, 5};
    c.eps = 4;
    check_adjoint(&c, SMOOTH, 2e-3);
}

/* A kernel across each pixel's `channels`: a 4x3 window of a 9x9 map
 * read from a 6x6 window around it. */
static void channels_case(op_case *c, int64_t channels)
{
    c->in = (fv_box){channels, 6, 6, 2, 2, 9, 9};
    c->out = (fv_box){channels, 4, 3, 3, 4, 9, 9};
}

/* Softmax over 1, 3 and 5 channels, on a window inside a larger one. */
static void softmax(void **state)
{
    (void)state;
    for (int64_t ch = 1; ch <= 5; ch += 2) {
        op_case c = {0};
        channels_case(&c, ch);
        c.fwd = softmax_fwd, c.bwd = softmax_bwd;
        check_adjoint(&c, SMOOTH, 2e-3);
    }
}

static void lrn_fwd(const op_case *c, const float *x, float *y) { fv_lrn_forward(&c->lrn, &c->in, x, &c->out, y); }
static void lrn_bwd(const op_case *c, const float *x, float *dx, const float *dy) { fv_lrn_backward(&c->lrn, &c->in, x, dx, &c->out, dy); }

/* LRN with odd and even windows, narrower and wider than the channels,
 * AlexNet's constants and ones that normalise hard. */
static void lrn(void **state)
{
    (void)state;
    static const struct {
        int64_t channels;
        fv_lrn p;
    } cases[] = {
        {8, {5, 1e-4, 0.75, 1}}, {8, {5, 2.0, 0.75, 1}}, {6, {4, 1.5, 0.5, 2}},
        {3, {6, 1.0, 1.25, 0.5}}, {2, {5, 3.0, 0.75, 1}}, {1, {1, 1.0, 0.75, 1}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        op_case c = {0};
        c.lrn = cases[i].p;
        channels_case(&c, cases[i].channels);
        c.fwd = lrn_fwd, c.bwd = lrn_bwd;
        check_adjoint(&c, SMOOTH, 2e-3);
    }
}

static void normalize_fwd(const op_case *c, const float *x, float *y) { fv_normalize_forward(&c->normalize, &c->in, x, &c->out, y); }
static void normalize_bwd(const op_case *c, const float *x, float *dx, const float *dy) { fv_normalize_backward(&c->normalize, &c->in, x, dx, &c->out, dy); }

/* L2 normalisation: SSD's conv4_3_norm (eps 1e-10, scale 20) over 16
 * channels, a negative scale, and eps as large as the squares over one
 * channel (with eps 1e-10 one channel's output is scale times a sign, whose
 * gradient float32 differences cannot see) and over seven. */
static void normalize(void **state)
{
    (void)state;
    static const struct {
        int64_t channels;
        fv_normalize p;
    } cases[] = {{16, {1e-10, 20}}, {5, {1e-10, -1.5}}, {1, {0.5, 20}}, {7, {6.0, 2}}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        op_case c = {0};
        c.normalize = cases[i].p;
        channels_case(&c, cases[i].channels);
        c.fwd = normalize_fwd, c.bwd = normalize_bwd;
        check_adjoint(&c, SMOOTH, 2e-3);
    }
}

static void power_fwd(const op_case *c, const float *x, float *y) { fv_power_forward(&c->power, &c->in, x, &c->out, y); }
static void power_bwd(const op_case *c, const float *x, float *dx, const float *dy) { fv_power_backward(&c->power, &c->in, x, dx, &c->out, dy); }

/* Caffe's Power: power 1 is affine (exact differences), FaceBoxes'
 * negation among them; powers 2 and 3 with shifts; power 0 and scale 0,
 * whose output is constant; 0.5, -1.5 and 2.5 on a base kept positive. */
static void power(void **state)
{
    (void)state;
    static const fv_power affine[] = {{1, -1, 0}, {1, 0.5, -2}, {1, 3, 0.25}};
    static const fv_power curved[] = {{2, 1, 0},     {2, -0.5, 1}, {3, 1.5, -0.5}, {0, 2, 1},
                                      {4, 0, 3},     {0.5, 1, 8},  {-1.5, -0.5, 6},
                                      {2.5, 0.75, 9}};
    for (size_t i = 0; i < sizeof affine / sizeof affine[0] + sizeof curved / sizeof curved[0];
         i++) {
        int linear = i < sizeof affine / sizeof affine[0];
        op_case c = {0};
        c.power = linear ? affine[i] : curved[i - sizeof affine / sizeof affine[0]];
        channels_case(&c, 3);
        c.fwd = power_fwd, c.bwd = power_bwd;
        check_adjoint(&c, linear ? LINEAR : SMOOTH, linear ? 1e-5 : 2e-3);
    }
}

static void resampling(void **state)
{
    (void)state;
    op_case c = {0};
    /* pad by 2 (start -2), slice with step 2 (start 1) */
    c.fwd = shift_fwd, c.bwd = shift_bwd;
    c.start[0] = c.start[1] = -2;
    c.step[0] = c.step[1] = 1;
    c.in = (fv_box){2, 4, 4, 0, 0, 6, 6};
    c.out = (fv_box){2, 5, 5, 0, 0, 10, 10};
    check_adjoint(&c, LINEAR, 1e-5);
    c.start[0] = c.start[1] = 1;
    c.step[0] = c.step[1] = 2;
    c.in = (fv_box){2, 6, 6, 2, 2, 10, 10};
    c.out = (fv_box){2, 2, 2, 1, 1, 5, 5};
    check_adjoint(&c, LINEAR, 1e-5);
    /* resize x2, nearest, linear and cubic (half-pixel, aligned corners;
     * Keys' a = -0.75 and -0.5, the border read or excluded) */
    c.fwd = resize_fwd, c.bwd = resize_bwd;
    for (int mode = 0; mode < 9; mode++) {
        fv_resize_mode m = mode == 0 ? FV_RESIZE_NEAREST : mode < 3 ? FV_RESIZE_LINEAR : FV_RESIZE_CUBIC;
        c.resize = (fv_resize){{2, 2}, {1, 1}, m, mode == 2 || (mode > 2 && mode % 2 == 0),
                               mode < 5 ? -0.75 : -0.5, mode > 6};
        c.in = (fv_box){2, 5, 5, 0, 0, 5, 5};
        c.out = (fv_box){2, 4, 3, 3, 5, 10, 10};
        check_adjoint(&c, LINEAR, 1e-5);
        c.out = (fv_box){2, 3, 4, 0, 0, 10, 10}; /* at the border */
        check_adjoint(&c, LINEAR, 1e-5);
    }
    for (int order = 0; order < 2; order++) { /* DCR, CRD */
        c.block = (fv_block){2, order ? FV_BLOCK_CRD : FV_BLOCK_DCR};
        c.fwd = d2s_fwd, c.bwd = d2s_bwd;
        c.in = (fv_box){8, 3, 3, 1, 1, 5, 5};
        c.out = (fv_box){2, 5, 4, 3, 2, 10, 10};
        check_adjoint(&c, LINEAR, 1e-5);
        c.fwd = s2d_fwd, c.bwd = s2d_bwd;
        c.in = (fv_box){2, 6, 6, 2, 2, 10, 10};
        c.out = (fv_box){8, 3, 3, 1, 1, 5, 5};
        check_adjoint(&c, LINEAR, 1e-5);
    }
}

/* The two channel orders on one 2x2 block of a 3-channel map: PyTorch's
 * PixelShuffle(2) puts input channel c * 4 + by * 2 + bx at (by, bx) of
 * output channel c (CRD); ONNX's default DCR reads (by * 2 + bx) * 3 + c. */
static void block_orders(void **state)
{
    (void)state;
    fv_box in = {12, 1, 1, 0, 0, 1, 1}, out = {3, 2, 2, 0, 0, 2, 2};
    float x[12], y[12];
    for (int k = 0; k < 12; k++)
        x[k] = (float)k;
    for (int order = 0; order < 2; order++) {
        fv_block b = {2, order ? FV_BLOCK_CRD : FV_BLOCK_DCR};
        fv_depth_to_space_forward(&b, &in, x, &out, y);
        for (int ch = 0; ch < 3; ch++)
            for (int off = 0; off < 4; off++) /* off = by * 2 + bx, NHWC */
                assert_float_equal(y[off * 3 + ch], order ? ch * 4 + off : off * 3 + ch, 0);
    }
}

/* Keys' weights with a = -0.5 by hand: doubling a row of 6 pixels,
 * output 5 samples half-pixel source 5.5 / 2 - 0.5 = 2.25, pixels 1..4 at
 * distances 1.25, 0.25, 0.75, 1.75: weights a d^3 - 5a d^2 + 8a d - 4a
 * beyond 1, (a + 2) d^3 - (a + 3) d^2 + 1 within. Output 0 samples -0.25,
 * pixels -2..1 at 1.75, 0.75, 0.25, 1.25: -2 and -1 read pixel 0, or with
 * exclude_outside drop out and the rest is divided by its sum. */
static void cubic_weights(void **state)
{
    (void)state;
    const double w175 = -0.0234375, w125 = -0.0703125, w075 = 0.2265625, w025 = 0.8671875;
    fv_resize r = {{1, 2}, {1, 1}, FV_RESIZE_CUBIC, 0, -0.5, 0};
    fv_box in = {1, 1, 6, 0, 0, 1, 6}, out = {1, 1, 12, 0, 0, 1, 12};
    float x[6] = {1, 10, 100, 1000, 10000, 100000}, y[12];
    fv_resize_forward(&r, &in, x, &out, y);
    assert_float_equal(y[5], w125 * 10 + w025 * 100 + w075 * 1000 + w175 * 10000, 1e-3);
    assert_float_equal(y[0], (w175 + w075 + w025) * 1 + w125 * 10, 1e-6);
    r.exclude_outside = 1;
    fv_resize_forward(&r, &in, x, &out, y);
    assert_float_equal(y[5], w125 * 10 + w025 * 100 + w075 * 1000 + w175 * 10000, 1e-3);
    assert_float_equal(y[0], (w025 * 1 + w125 * 10) / (w025 + w125), 1e-6);
}

/* Merges with SE-style broadcast, and concat, through the adjoint identity
 * on the concatenated inputs. */
static fv_box mboxes[3];

static void merge_split(const op_case *c, const float *x, const float **xs)
{
    size_t at = 0;
    for (int k = 0; k < 3; k++) {
        xs[k] = x + at;
        at += fv_box_size(&mboxes[k]);
    }
    (void)c;
}

static void merge_fwd(const op_case *c, const float *x, float *y)
{
    const float *xs[3];
    merge_split(c, x, xs);
    fv_merge_forward(c->act.op, 3, mboxes, xs, &c->out, y);
}

static void merge_bwd(const op_case *c, const float *x, float *dx, const float *dy)
{
    const float *xs[3];
    merge_split(c, x, xs);
    float *dxs[3] = {dx, dx + fv_box_size(&mboxes[0]),
                     dx + fv_box_size(&mboxes[0]) + fv_box_size(&mboxes[1])};
    fv_merge_backward(c->act.op, 3, mboxes, xs, dxs, &c->out, dy);
}

static void concat_fwd(const op_case *c, const float *x, float *y)
{
    fv_concat_forward(&mboxes[0], x, 0, &c->out, y);
    fv_concat_forward(&mboxes[1], x + fv_box_size(&mboxes[0]), mboxes[0].c, &c->out, y);
}

static void concat_bwd(const op_case *c, const float *x, float *dx, const float *dy)
{
    (void)x;
    fv_concat_backward(&mboxes[0], dx, 0, &c->out, dy);
    fv_concat_backward(&mboxes[1], dx + fv_box_size(&mboxes[0]), mboxes[0].c, &c->out, dy);
}

static void merges(void **state)
{
    (void)state;
    op_case c = {0};
    c.out = (fv_box){4, 3, 3, 2, 2, 8, 8};
    mboxes[0] = (fv_box){4, 5, 5, 1, 1, 8, 8};
    mboxes[1] = (fv_box){4, 1, 1, 0, 0, 1, 1}; /* SE: one value per channel */
    mboxes[2] = (fv_box){1, 3, 4, 2, 1, 8, 8}; /* one channel over four */
    size_t total = fv_box_size(&mboxes[0]) + fv_box_size(&mboxes[1]) + fv_box_size(&mboxes[2]);
    c.in = (fv_box){1, 1, (int64_t)total, 0, 0, 1, (int64_t)total};
    c.fwd = merge_fwd, c.bwd = merge_bwd;
    static const fv_op ops[] = {FV_OP_ADD, FV_OP_MUL, FV_OP_MAX};
    for (size_t i = 0; i < 3; i++) {
        c.act.op = ops[i];
        check_adjoint(&c, ops[i] == FV_OP_MAX ? PIECEWISE : SMOOTH, 1e-3);
    }
    mboxes[0] = (fv_box){2, 4, 4, 1, 1, 8, 8};
    mboxes[1] = (fv_box){3, 3, 3, 2, 2, 8, 8};
    c.out = (fv_box){5, 2, 3, 2, 2, 8, 8};
    total = fv_box_size(&mboxes[0]) + fv_box_size(&mboxes[1]);
    c.in = (fv_box){1, 1, (int64_t)total, 0, 0, 1, (int64_t)total};
    c.fwd = concat_fwd, c.bwd = concat_bwd;
    check_adjoint(&c, LINEAR, 1e-5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(conv_geometries), cmocka_unit_test(direct_random),
        cmocka_unit_test(pools),           cmocka_unit_test(avg_divisor),
        cmocka_unit_test(max_ties),        cmocka_unit_test(activations),
        cmocka_unit_test(resampling),      cmocka_unit_test(merges),
        cmocka_unit_test(softmax),         cmocka_unit_test(lrn),
        cmocka_unit_test(block_orders),    cmocka_unit_test(cubic_weights),
        cmocka_unit_test(instance_norm),   cmocka_unit_test(normalize),
        cmocka_unit_test(power),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
