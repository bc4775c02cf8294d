/* The ERF engine end to end: the seed's path-count grid, Luo et al.'s
 * closed forms (REFERENCE.md section 4), and the cone against a run of
 * every node on its whole map over random graphs. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "erf_maps.h"
#include "model_check.h"
#include "random_graph.h"

static fv_erf_result *run(const fv_graph *g, const fv_erf_options *o)
{
    fv_erf_result *r = NULL;
    fv_diag diag;
    fv_diag_init(&diag);
    if (fv_erf_compute(g, (int32_t)fv_graph_size(g) - 1, o, &r, &diag) != FV_OK)
        fail_msg("fv_erf_compute: %s", diag.message);
    return r;
}

/* REFERENCE.md section 4, the seed example: two 3x3 all-ones convs give
 * the path counts 1 2 3 2 1 / 2 4 6 4 2 / 3 6 9 6 3 / ... */
static void seed_grid(void **state)
{
    (void)state;
    fv_graph *g = mc_text("conv k=3; conv k=3");
    fv_erf_options o;
    fv_erf_options_init(&o);
    fv_erf_result *r = run(g, &o);
    int64_t h, w, y0, x0;
    const double *m = fv_erf_map(r, &h, &w, &y0, &x0);
    assert_int_equal(h, 5);
    assert_int_equal(w, 5);
    static const double counts[5] = {1, 2, 3, 2, 1}; /* paths per axis: 3x3 * 3x3 */
    for (int y = 0; y < 5; y++)
        for (int x = 0; x < 5; x++)
            assert_float_equal(m[y * 5 + x], counts[y] * counts[x], 0);
    fv_erf_free(r);
    fv_graph_free(g);
}

/* 1-D marginal (row sums) of the map, normalised to sum 1. */
static double *marginal(const fv_erf_result *r, int axis, int64_t *n)
{
    int64_t h, w;
    const double *m = fv_erf_map(r, &h, &w, NULL, NULL);
    *n = axis == 0 ? h : w;
    double *p = calloc((size_t)*n, sizeof *p), total = 0;
    for (int64_t y = 0; y < h; y++)
        for (int64_t x = 0; x < w; x++) {
            p[axis == 0 ? y : x] += m[y * w + x];
            total += m[y * w + x];
        }
    for (int64_t i = 0; i < *n; i++)
        p[i] /= total;
    return p;
}

static void moments(const double *p, int64_t n, double *mean, double *var)
{
    *mean = 0;
    for (int64_t i = 0; i < n; i++)
        *mean += (double)i * p[i];
    *var = 0;
    for (int64_t i = 0; i < n; i++)
        *var += ((double)i - *mean) * ((double)i - *mean) * p[i];
}

static fv_erf_result *uniform_stack(int n, int k, const char *extra)
{
    char text[4096] = "";
    for (int i = 0; i < n; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "conv k=%d%s%s", k, extra,
                 i + 1 < n ? "; " : "");
    fv_graph *g = mc_text(text);
    fv_erf_options o;
    fv_erf_options_init(&o);
    fv_erf_result *r = run(g, &o);
    fv_graph_free(g);
    return r;
}

/* REFERENCE.md section 4 table: n 3x3 all-ones linear layers. */
static void luo_table(void **state)
{
    (void)state;
    static const struct {
        int n;
        int64_t trf;
        double sigma, peak, mass2;
    } rows[] = {
        {5, 11, 1.8257, 0.209877, 0.9506},
        {10, 21, 2.5820, 0.151620, 0.9698},
        {20, 41, 3.6515, 0.108231, 0.9614},
        {40, 81, 5.1640, 0.076893, 0.9587},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        fv_erf_result *r = uniform_stack(rows[i].n, 3, "");
        int64_t n, h, w;
        const double *m = fv_erf_map(r, &h, &w, NULL, NULL);
        assert_int_equal(h, rows[i].trf);
        double *p = marginal(r, 0, &n), *q = marginal(r, 1, &n), mean, var, peak = 0, mass2 = 0;
        moments(p, n, &mean, &var);
        for (int64_t j = 0; j < n; j++) {
            peak = fmax(peak, p[j]);
            if (fabs((double)j - mean) <= 2 * sqrt(var))
                mass2 += p[j];
        }
        assert_float_equal(sqrt(var), rows[i].sigma, 1e-4);
        assert_float_equal(peak, rows[i].peak, 1e-6);
        assert_float_equal(mass2, rows[i].mass2, 1e-4);
        /* the 2-D map is the outer product of the 1-D ones */
        double total = 0;
        for (int64_t j = 0; j < h * w; j++)
            total += m[j];
        for (int64_t y = 0; y < h; y++)
            for (int64_t x = 0; x < w; x++)
                assert_float_equal(m[y * w + x] / total, p[y] * q[x], 1e-6 * p[y] * q[x] + 1e-300);
        free(p);
        free(q);
        fv_erf_free(r);
    }
}

/* REFERENCE.md section 4: k = 2, n = 10 has variance 2.5 and peak
 * 252/1024 (C(10,5)/2^10); k = 5, n = 10 has variance 20 = n (k^2-1)/12. */
static void other_kernels(void **state)
{
    (void)state;
    int64_t n;
    double mean, var;
    fv_erf_result *r = uniform_stack(10, 2, "");
    double *p = marginal(r, 1, &n), peak = 0;
    moments(p, n, &mean, &var);
    for (int64_t j = 0; j < n; j++)
        peak = fmax(peak, p[j]);
    assert_float_equal(var, 2.5, 1e-9);
    assert_float_equal(peak, 252.0 / 1024.0, 1e-9);
    free(p);
    fv_erf_free(r);
    r = uniform_stack(10, 5, "");
    p = marginal(r, 0, &n);
    moments(p, n, &mean, &var);
    assert_float_equal(var, 20.0, 1e-9);
    free(p);
    fv_erf_free(r);
}

/* REFERENCE.md section 4: sigma^2 = sum_l (d_l J_l)^2 Var(w_l), J_l the
 * product of earlier strides; Var of an all-ones kernel of width k is
 * (k^2 - 1)/12. Here 3x3 s2, 3x3 d2, 5x5, 3x3 d3:
 * (1*1)^2 2/3 + (2*2)^2 2/3 + (1*2)^2 2 + (3*2)^2 2/3 = 2/3 + 32/3 + 8 + 24 = 43.33... */
static void strided_dilated(void **state)
{
    (void)state;
    fv_graph *g = mc_text("conv k=3 s=2; conv k=3 d=2; conv k=5; conv k=3 d=3");
    fv_erf_options o;
    fv_erf_options_init(&o);
    fv_erf_result *r = run(g, &o);
    int64_t n;
    double mean, var, *p = marginal(r, 0, &n);
    moments(p, n, &mean, &var);
    assert_float_equal(var, 2.0 / 3 + 16 * 2.0 / 3 + 4 * 2.0 + 36 * 2.0 / 3, 1e-9);
    free(p);
    fv_erf_free(r);
    fv_graph_free(g);
}

/* The cone equals a run of every node on its whole map: random graphs of
 * tests/support/random_graph.c, random weights, normal noise, signed map. */
static int compare_in(const fv_graph *g, int32_t node, const int64_t *unit,
                      fv_erf_precision precision, double *worst)
{
    fv_erf_options o;
    fv_erf_options_init(&o);
    o.precision = precision;
    o.weights = FV_ERF_RANDOM;
    o.input = FV_ERF_NORMAL;
    o.aggregate = FV_ERF_SIGNED;
    o.seed = 5;
    if (unit) {
        o.has_unit = 1;
        o.unit[0] = unit[0];
        o.unit[1] = unit[1];
    }
    fv_erf_result *cone = NULL;
    fv_diag diag;
    fv_diag_init(&diag);
    fv_status st = fv_erf_compute(g, node, &o, &cone, &diag);
    if (st == FV_ERR_UNSUPPORTED)
        return 0;
    if (st != FV_OK)
        fail_msg("cone: %s", diag.message);
    size_t n;
    double *a = em_full(cone, &n), top;
    fv_erf_free(cone);
    o.whole_maps = 1;
    double *b = em_map(g, node, &o, &n), diff = em_difference(a, b, n, &top);
    /* float32 sums in another order on a window than on a whole map; in
     * float64 the same differences are a billion times smaller */
    double tol = precision == FV_ERF_FLOAT64 ? 1e-12 : 1e-5;
    if (diff > tol * top + 1e-30)
        fail_msg("node '%s': cone and whole maps differ by %g (largest value %g)",
                 fv_graph_name(g, node), diff, top);
    *worst = fmax(*worst, top > 0 ? diff / top : 0);
    free(a);
    free(b);
    return 1;
}

static int compare(const fv_graph *g, int32_t node, const int64_t *unit, double *worst)
{
    return compare_in(g, node, unit, FV_ERF_FLOAT32, worst);
}

/* The map of node's centre unit in one precision (random weights, normal
 * noise, signed), over the whole input. */
static double *map_in(const fv_graph *g, int32_t node, fv_erf_precision precision, size_t *n)
{
    fv_erf_options o;
    fv_erf_options_init(&o);
    o.precision = precision;
    o.weights = FV_ERF_RANDOM;
    o.input = FV_ERF_NORMAL;
    o.aggregate = FV_ERF_SIGNED;
    o.seed = 5;
    return em_map(g, node, &o, n);
}

/* The float64 engine (plain-C convolutions, float64 kernels) on the same
 * random graphs: its cone equals its whole maps to 1e-12, and its map
 * equals the float32 engine's (oneDNN) to float32 accuracy. */
static void float64_engine(void **state)
{
    (void)state;
    int checked = 0;
    double worst = 0, worst32 = 0;
    for (uint64_t seed = 1; seed <= 120; seed++) {
        int64_t hw[2];
        fv_graph *g = rg_generate(seed, hw);
        assert_non_null(g);
        fv_graph_set_input_size(g, hw);
        for (int32_t node = (int32_t)fv_graph_size(g) - 1; node > 0; node--) {
            int64_t corner[2] = {0, 0};
            if (!compare_in(g, node, NULL, FV_ERF_FLOAT64, &worst))
                continue;
            compare_in(g, node, corner, FV_ERF_FLOAT64, &worst);
            size_t n;
            double *a = map_in(g, node, FV_ERF_FLOAT32, &n),
                   *b = map_in(g, node, FV_ERF_FLOAT64, &n);
            double top, diff = em_difference(a, b, n, &top);
            if (diff > 1e-4 * top + 1e-30)
                fail_msg("seed %llu, node '%s': float32 and float64 maps differ by %g (largest %g)",
                         (unsigned long long)seed, fv_graph_name(g, node), diff, top);
            worst32 = fmax(worst32, top > 0 ? diff / top : 0);
            free(a);
            free(b);
            checked++;
            break;
        }
        fv_graph_free(g);
    }
    print_message("float64: cone = whole maps on %d random graphs, largest relative difference "
                  "%.3g; float32 against float64 %.3g\n",
                  checked, worst, worst32);
    assert_true(checked > 90);
}

static void cone_equals_whole(void **state)
{
    (void)state;
    int checked = 0;
    double worst = 0;
    for (uint64_t seed = 1; seed <= 120; seed++) {
        int64_t hw[2];
        fv_graph *g = rg_generate(seed, hw);
        assert_non_null(g);
        fv_graph_set_input_size(g, hw);
        /* the last node the engine can run, its centre and a corner unit */
        for (int32_t node = (int32_t)fv_graph_size(g) - 1; node > 0; node--) {
            int64_t corner[2] = {0, 0};
            if (compare(g, node, NULL, &worst)) {
                compare(g, node, corner, &worst);
                checked++;
                break;
            }
        }
        fv_graph_free(g);
    }
    print_message("cone = whole maps on %d random graphs; largest relative difference %.3g\n",
                  checked, worst);
    assert_true(checked > 90);
}

/* Ops added after the random graphs were written: the cone equals whole
 * maps on small networks using them, at the centre and corner units. */
static void added_ops_cone(void **state)
{
    (void)state;
    static const char *const nets[] = {
        "input size=9 c=2; conv k=3 c=3; resize f=2 mode=cubic; conv k=3 c=2",
        "input size=7x9 c=2; conv k=3 c=3; resize f=3/2 mode=cubic; conv k=3 s=2 c=2",
        "input size=8 c=2; conv k=3 c=3; resize f=2 mode=cubic align_corners; conv k=3 c=2",
        "input size=9 c=2; conv k=3 c=3; resize f=2 mode=cubic a=-0.5 exclude_outside; conv k=3",
        "input size=7x9 c=2; conv k=3 c=3; resize f=3/2 mode=cubic a=-0.5; conv k=3 s=2 c=2",
        "input size=10 c=2; conv k=3 c=4; softmax; maxpool k=2 s=2; conv k=3 c=2",
        "input size=8 c=2; conv k=3 c=8; d2s b=2 mode=crd; conv k=3 c=2",
        "input size=12 c=3; s2d b=2 mode=crd; conv k=3 c=8; tanh; d2s b=2 mode=crd; conv k=3 s=2",
        "input size=10 c=2; conv k=3 c=3; instance_norm; relu; conv k=3 s=2 c=2",
        "input size=9x11 c=2; conv k=3 c=4; instance_norm; maxpool k=2 s=2; instance_norm; conv k=3",
    };
    double worst = 0;
    for (size_t k = 0; k < sizeof nets / sizeof nets[0]; k++) {
        fv_graph *g = mc_text(nets[k]);
        int32_t last = (int32_t)fv_graph_size(g) - 1;
        int64_t corner[2] = {0, 0};
        if (!compare(g, last, NULL, &worst) || !compare(g, last, corner, &worst))
            fail_msg("%s: refused", nets[k]);
        fv_graph_free(g);
    }
}

/* Adds `l` reading node `in` (none when in < 0) with `channels` outputs. */
static int32_t add(fv_graph *g, fv_layer *l, int32_t in, int64_t channels)
{
    l->inputs = &in;
    l->n_inputs = in >= 0;
    l->channels = channels;
    int32_t index;
    fv_diag diag;
    fv_diag_init(&diag);
    if (fv_graph_add(g, l, &index, &diag) != FV_OK)
        fail_msg("fv_graph_add: %s", diag.message);
    return index;
}

static int32_t conv(fv_graph *g, fv_op op, int32_t in, int64_t k, int64_t s, int64_t channels)
{
    fv_layer l;
    fv_layer_init(&l, op);
    for (int a = 0; a < FV_AXES; a++)
        l.params.window.kernel[a] = k, l.params.window.stride[a] = s;
    return add(g, &l, in, channels);
}

static int32_t lrn_layer(fv_graph *g, int32_t in, fv_lrn p)
{
    fv_layer l;
    fv_layer_init(&l, FV_OP_LRN);
    l.params.lrn = p;
    return add(g, &l, in, 0);
}

/* The cone of the last node of g equals whole maps in both precisions, at
 * the centre and corner units, and its map is not all 0. */
static void cone_in_both_precisions(const fv_graph *g, const char *what)
{
    int32_t last = (int32_t)fv_graph_size(g) - 1;
    int64_t corner[2] = {0, 0};
    double worst = 0, worst64 = 0;
    if (!compare(g, last, NULL, &worst) || !compare(g, last, corner, &worst) ||
        !compare_in(g, last, NULL, FV_ERF_FLOAT64, &worst64) ||
        !compare_in(g, last, corner, FV_ERF_FLOAT64, &worst64))
        fail_msg("%s network refused", what);
    size_t n;
    double *m = map_in(g, last, FV_ERF_FLOAT32, &n), top = 0;
    for (size_t i = 0; i < n; i++)
        top = fmax(top, fabs(m[i]));
    assert_true(top > 0);
    free(m);
    print_message("%s: cone = whole maps to %.3g (float32), %.3g (float64)\n", what, worst,
                  worst64);
}

/* LRN, which the text format writes only with its default constants:
 * input 2x13x13 -> conv 3x3 (5) -> LRN size 4 -> max pool 2 s2 -> conv
 * 3x3 (3) -> LRN size 7, wider than its channels -> conv 3x3 (2). */
static void lrn_cone(void **state)
{
    (void)state;
    fv_graph *g = fv_graph_create();
    fv_layer l;
    fv_layer_init(&l, FV_OP_INPUT);
    int32_t x = add(g, &l, -1, 2);
    x = lrn_layer(g, conv(g, FV_OP_CONV, x, 3, 1, 5), (fv_lrn){4, 1.5, 0.75, 1});
    x = conv(g, FV_OP_MAX_POOL, x, 2, 2, 0);
    x = lrn_layer(g, conv(g, FV_OP_CONV, x, 3, 1, 3), (fv_lrn){7, 2.0, 0.6, 0.5});
    conv(g, FV_OP_CONV, x, 3, 1, 2);
    fv_diag diag;
    fv_diag_init(&diag);
    if (fv_graph_check(g, &diag) != FV_OK)
        fail_msg("%s", diag.message);
    fv_graph_set_input_size(g, (int64_t[]){13, 13});
    cone_in_both_precisions(g, "LRN");
    fv_graph_free(g);
}

/* L2 normalisation as SSD has it (eps 1e-10, scale 20) after a ReLU, which
 * zeroes some pixels' every channel, then with eps larger than the squares
 * and a negative scale: the cone equals whole maps. */
static void normalize_cone(void **state)
{
    (void)state;
    fv_graph *g = mc_text("input size=13 c=2\n"
                        "conv k=3 c=6; relu; normalize scale=20\n"
                        "maxpool k=2 s=2\n"
                        "conv k=3 c=3; normalize eps=0.5 scale=-2\n"
                        "conv k=3 c=2\n");
    cone_in_both_precisions(g, "normalize");
    fv_graph_free(g);
}

/* fv_graph_check refuses an input followed by an `op` node with `params`,
 * saying `why`. */
static void check_refuses(fv_op op, const fv_params *params, const char *why)
{
    fv_graph *g = fv_graph_create();
    fv_layer l;
    fv_layer_init(&l, FV_OP_INPUT);
    int32_t x = add(g, &l, -1, 2);
    fv_layer_init(&l, op);
    l.params = *params;
    add(g, &l, x, 0);
    fv_diag diag;
    fv_diag_init(&diag);
    assert_int_equal(fv_graph_check(g, &diag), FV_ERR_GRAPH);
    assert_string_equal(diag.message, why);
    fv_graph_free(g);
}

/* Caffe's Power: FaceBoxes' CReLU (a negation concatenated to its input,
 * then a ReLU), a shifted square and a cube, after convs of random weights
 * on normal noise, whose values take both signs: the cone equals whole
 * maps. */
static void power_cone(void **state)
{
    (void)state;
    fv_graph *g = mc_text("input size=17 c=2\n"
                        "c1: conv k=3 c=4; neg: power scale=-1; concat from=c1,neg; relu\n"
                        "maxpool k=2 s=2\n"
                        "conv k=3 c=3; power power=2 scale=-1.5 shift=0.5\n"
                        "conv k=3 c=2; power power=3 scale=0.5 shift=-1\n"
                        "conv k=3 c=2\n");
    cone_in_both_precisions(g, "power");
    fv_graph_free(g);
}

/* The map of a graph's last node, uniform weights, in one precision. */
static double *uniform_map(const char *text, fv_erf_precision precision, size_t *n)
{
    fv_graph *g = mc_text(text);
    fv_erf_options o;
    fv_erf_options_init(&o);
    o.precision = precision;
    double *m = em_map(g, (int32_t)fv_graph_size(g) - 1, &o, n);
    fv_graph_free(g);
    return m;
}

/* fv_graph_check refuses power constants that are not finite, and the
 * engine a power that is not finite for some x. With uniform weights a
 * power 1 without shift reads scaled values: 32 channels through 28 convs
 * carry 2^140 paths, past float32's range, and the negation's map is the
 * identity's, a scale of -2 twice it, in both precisions. Its gradient
 * does not read x, but later ops read its values: x - x, squared, is 0
 * and so is its gradient (read as true values, the negation would give
 * inf - inf and a NaN gradient). */
static void power_checked(void **state)
{
    (void)state;
    static const fv_power bad[] = {{NAN, 1, 0}, {2, INFINITY, 0}, {1, -1, -INFINITY}};
    static const char *const why[] = {
        "node 1 'power_1' (power): power nan, scale 1 and shift 0 must be finite",
        "node 1 'power_1' (power): power 2, scale inf and shift 0 must be finite",
        "node 1 'power_1' (power): power 1, scale -1 and shift -inf must be finite",
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        check_refuses(FV_OP_POWER, &(fv_params){.power = bad[k]}, why[k]);
    static const char *const refused[] = {
        "power power=0.5 shift=4", "power power=-2 scale=0.5", "power power=-1 scale=0",
        "power power=0.5 scale=0 shift=-1"};
    static const char *const values[] = {"power 0.5, scale 1, shift 4", "power -2, scale 0.5, shift 0",
                                         "power -1, scale 0, shift 0",
                                         "power 0.5, scale 0, shift -1"};
    for (size_t k = 0; k < sizeof refused / sizeof refused[0]; k++) {
        char text[128], want[320];
        snprintf(text, sizeof text, "input size=5; conv k=3 c=2; %s; conv k=1", refused[k]);
        snprintf(want, sizeof want,
                 "power_2: the ERF engine runs a power only where (shift + scale x)^power is "
                 "finite for every x: a whole power of at least 0, or scale 0 and a finite "
                 "shift^power (%s)",
                 values[k]);
        fv_graph *g = mc_text(text);
        fv_erf_result *r = NULL;
        fv_diag diag;
        fv_diag_init(&diag);
        assert_int_equal(fv_erf_compute(g, 3, NULL, &r, &diag), FV_ERR_UNSUPPORTED);
        assert_string_equal(diag.message, want);
        fv_graph_free(g);
    }
    for (int k = 0; k < 2; k++) {
        fv_erf_precision pr = k ? FV_ERF_FLOAT64 : FV_ERF_FLOAT32;
        size_t n, n2, n3;
        double *id = uniform_map("input size=1 c=32; repeat 28 { conv k=1 c=32 }; identity; "
                                 "conv k=1 c=32; conv k=1 c=32",
                                 pr, &n);
        double *neg = uniform_map("input size=1 c=32; repeat 28 { conv k=1 c=32 }; "
                                  "power scale=-1; conv k=1 c=32; conv k=1 c=32",
                                  pr, &n2);
        double *two = uniform_map("input size=1 c=32; repeat 28 { conv k=1 c=32 }; "
                                  "power scale=-2; conv k=1 c=32; conv k=1 c=32",
                                  pr, &n3);
        assert_true(n == 1 && n2 == 1 && n3 == 1);
        assert_true(id[0] > 0x1p150 && isfinite(id[0]));
        assert_true(neg[0] == id[0] && two[0] == 2 * id[0]);
        free(id), free(neg), free(two);
        double *zero = uniform_map("input size=1 c=32; repeat 28 { conv k=1 c=32 }; x: identity; "
                                   "neg: power scale=-1; concat from=x,neg; conv k=1 c=1; "
                                   "power power=2",
                                   pr, &n);
        assert_true(n == 1 && zero[0] == 0);
        free(zero);
    }
}

/* fv_graph_check refuses LRN constants no frontend would write, and the
 * engine an LRN whose scale can reach 0. */
static void lrn_checked(void **state)
{
    (void)state;
    static const fv_lrn bad[] = {{0, 1e-4, 0.75, 1}, {5, NAN, 0.75, 1}, {5, 1e-4, INFINITY, 1}};
    static const char *const why[] = {
        "node 1 'lrn_1' (lrn): LRN size 0 is outside 1..65536",
        "node 1 'lrn_1' (lrn): LRN alpha nan, beta 0.75 and bias 1 must be finite",
        "node 1 'lrn_1' (lrn): LRN alpha 0.0001, beta inf and bias 1 must be finite",
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        fv_graph *g = fv_graph_create();
        fv_layer l;
        fv_layer_init(&l, FV_OP_INPUT);
        lrn_layer(g, add(g, &l, -1, 2), bad[k]);
        fv_diag diag;
        fv_diag_init(&diag);
        assert_int_equal(fv_graph_check(g, &diag), FV_ERR_GRAPH);
        assert_string_equal(diag.message, why[k]);
        fv_graph_free(g);
    }
    /* a valid graph, but a scale that can reach 0: the engine refuses it */
    fv_graph *g = fv_graph_create();
    fv_layer l;
    fv_layer_init(&l, FV_OP_INPUT);
    int32_t x = conv(g, FV_OP_CONV, add(g, &l, -1, 1), 3, 1, 2);
    lrn_layer(g, x, (fv_lrn){3, 1e-4, 0.75, 0});
    fv_graph_set_input_size(g, (int64_t[]){5, 5});
    fv_erf_result *r = NULL;
    fv_diag diag;
    fv_diag_init(&diag);
    assert_int_equal(fv_erf_compute(g, 2, NULL, &r, &diag), FV_ERR_UNSUPPORTED);
    assert_string_equal(diag.message, "node 2 'lrn_2' (lrn): the ERF engine runs an LRN only with "
                                      "bias > 0 and alpha >= 0, which keep its scale positive "
                                      "(bias 0, alpha 0.0001)");
    fv_graph_free(g);
}

/* Instance norm's statistics read its whole input map: the map reaches
 * every pixel of the image, past the TRF box, whose metrics still hold. */
static void instance_norm_whole_map(void **state)
{
    (void)state;
    fv_graph *g = mc_text("input size=16 c=2; conv k=3 p=1 c=3; instance_norm; conv k=3 p=1");
    fv_erf_options o;
    fv_erf_options_init(&o);
    o.weights = FV_ERF_RANDOM;
    o.input = FV_ERF_NORMAL;
    fv_erf_result *r = run(g, &o);
    int64_t h, w, y0, x0;
    const double *m = fv_erf_map(r, &h, &w, &y0, &x0);
    assert_int_equal(h, 16);
    assert_int_equal(w, 16);
    for (int64_t i = 0; i < h * w; i++)
        assert_true(m[i] > 0);
    fv_erf_metrics met;
    fv_diag diag;
    fv_diag_init(&diag);
    assert_int_equal(fv_erf_metrics_compute(g, r, &met, &diag), FV_OK);
    for (int a = 0; a < 2; a++) { /* the unit (7, 7) and its 5x5 TRF */
        assert_int_equal(met.trf_first[a], 5);
        assert_int_equal(met.trf_last[a], 9);
    }
    assert_true(met.radius[3] > 5 && met.sigma_area_ratio > 1);
    fv_erf_free(r);
    fv_graph_free(g);
}

/* fv_graph_check refuses normalize constants no frontend would write, and
 * the engine a normalize whose norm can reach 0; with uniform weights,
 * whose equal channels it would make constant, it is the identity. */
static void normalize_checked(void **state)
{
    (void)state;
    static const fv_normalize bad[] = {{-1e-10, 20}, {NAN, 1}, {1e-10, INFINITY}};
    static const char *const why[] = {
        "node 1 'normalize_1' (normalize): normalize eps -1e-10 must be finite and at least 0, "
        "and scale 20 finite",
        "node 1 'normalize_1' (normalize): normalize eps nan must be finite and at least 0, and "
        "scale 1 finite",
        "node 1 'normalize_1' (normalize): normalize eps 1e-10 must be finite and at least 0, and "
        "scale inf finite",
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        check_refuses(FV_OP_NORMALIZE, &(fv_params){.normalize = bad[k]}, why[k]);
    fv_graph *g = mc_text("input size=5; conv k=3 c=2; normalize eps=0; conv k=1 c=2 from=conv_1; "
                        "normalize");
    fv_erf_options o;
    fv_erf_options_init(&o);
    o.weights = FV_ERF_RANDOM;
    fv_erf_result *r = NULL;
    fv_diag diag;
    fv_diag_init(&diag);
    assert_int_equal(fv_erf_compute(g, 2, &o, &r, &diag), FV_ERR_UNSUPPORTED);
    assert_string_equal(diag.message, "normalize_2: the ERF engine runs a normalize "
                                      "only with eps > 0, which keeps its norm positive (eps 0)");
    assert_int_equal(fv_erf_compute(g, 4, &o, &r, &diag), FV_OK);
    fv_erf_free(r);
    r = NULL;
    /* uniform weights: the identity, so its map is its input's */
    fv_erf_result *in = NULL;
    assert_int_equal(fv_erf_compute(g, 4, NULL, &r, &diag), FV_OK);
    assert_int_equal(fv_erf_compute(g, 3, NULL, &in, &diag), FV_OK);
    int64_t h, w, h3, w3;
    const double *m4 = fv_erf_map(r, &h, &w, NULL, NULL), *m3 = fv_erf_map(in, &h3, &w3, NULL, NULL);
    assert_true(h == h3 && w == w3);
    assert_memory_equal(m4, m3, (size_t)(h * w) * sizeof *m4);
    fv_erf_free(r);
    fv_erf_free(in);
    fv_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(seed_grid),         cmocka_unit_test(luo_table),
        cmocka_unit_test(other_kernels),     cmocka_unit_test(strided_dilated),
        cmocka_unit_test(cone_equals_whole), cmocka_unit_test(added_ops_cone),
        cmocka_unit_test(float64_engine),    cmocka_unit_test(lrn_cone),
        cmocka_unit_test(lrn_checked),       cmocka_unit_test(instance_norm_whole_map),
        cmocka_unit_test(normalize_cone),    cmocka_unit_test(normalize_checked),
        cmocka_unit_test(power_cone),        cmocka_unit_test(power_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
