/* The oracle itself, on cases small enough to work out by hand: each
 * expected set below is the op's forward loop evaluated on paper. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "build_helpers.h"
#include "rf_oracle.h"

static const int64_t hw32[FV_AXES] = {32, 32};

/* Unit o of node along y, computed alone. */
static rf_oracle *run(const fv_graph *g, int32_t node, int64_t lo, int64_t hi)
{
    rf_oracle *o = NULL;
    fv_diag diag;
    fv_diag_init(&diag);
    fv_status st = rf_oracle_run_node(g, hw32, FV_AXIS_Y, node, lo, hi, &o, &diag);
    if (st != FV_OK)
        fail_msg("oracle failed: %s", diag.message);
    return o;
}

static void assert_hull(const rf_oracle *o, int32_t node, int64_t u, int64_t first, int64_t last)
{
    rf_oracle_hull h;
    assert_true(rf_oracle_hull_of(o, node, u, &h));
    assert_false(h.empty);
    assert_int_equal(h.first, first);
    assert_int_equal(h.last, last);
}

static void assert_empty(const rf_oracle *o, int32_t node, int64_t u)
{
    rf_oracle_hull h;
    assert_true(rf_oracle_hull_of(o, node, u, &h));
    assert_true(h.empty);
}

/* Exactly the listed indices, checked against every index in [lo, hi]. */
static void assert_set(const rf_oracle *o, int32_t node, int64_t u, int64_t lo, int64_t hi,
                       const int64_t *members, size_t count)
{
    for (int64_t x = lo; x <= hi; x++) {
        int want = 0;
        for (size_t i = 0; i < count; i++)
            want |= members[i] == x;
        int got = rf_oracle_contains(o, node, u, x);
        if (got < 0)
            got = 0; /* outside the computed window: not a member */
        if (got != want)
            fail_msg("unit %lld: index %lld %s", (long long)u, (long long)x,
                     want ? "missing" : "unexpected");
    }
}

static void two_3x3_convs(void **state)
{
    fv_graph *g = fv_graph_create();
    int32_t x = tb_input(g);
    int32_t c1 = tb_window(g, FV_OP_CONV, x, 3, 1, 1, 0);
    int32_t c2 = tb_window(g, FV_OP_CONV, c1, 3, 1, 1, 0);
    rf_oracle *o = run(g, c2, 0, 5);
    for (int64_t u = 0; u < 5; u++)
        assert_hull(o, c2, u, u, u + 4); /* 3 + 3 - 1 = 5 pixels, no padding */
    rf_oracle_hull h;
    assert_false(rf_oracle_hull_of(o, c2, 5, &h)); /* not asked for */
    rf_oracle_free(o);
    fv_graph_free(g);
}

static void padding_shifts_onto_lattice(void **state)
{
    fv_graph *g = fv_graph_create();
    int32_t x = tb_input(g);
    int32_t c1 = tb_window(g, FV_OP_CONV, x, 3, 2, 1, 1);
    int32_t c2 = tb_window(g, FV_OP_CONV, c1, 3, 1, 1, 1);
    rf_oracle *o = run(g, c2, 0, 3);
    /* c2 unit 0 reads c1 -1..1, which read -3..-1, -1..1, 1..3 */
    assert_hull(o, c2, 0, -3, 3);
    assert_hull(o, c2, 1, -1, 5);
    rf_oracle_free(o);
    fv_graph_free(g);
}

static void dilation_leaves_holes(void **state)
{
    fv_graph *g = fv_graph_create();
    int32_t x = tb_input(g);
    int32_t c = tb_window(g, FV_OP_CONV, x, 3, 1, 3, 0);
    rf_oracle *o = run(g, c, 0, 2);
    static const int64_t set0[] = {0, 3, 6};
    assert_set(o, c, 0, -2, 10, set0, 3);
    assert_hull(o, c, 1, 1, 7);
    rf_oracle_free(o);
    fv_graph_free(g);
}

static void transposed_conv_scatters(void **state)
{
    fv_graph *g = fv_graph_create();
    int32_t x = tb_input(g);
    int32_t t = tb_window(g, FV_OP_CONV_TRANSPOSE, x, 3, 2, 1, 1);
    rf_oracle *o = run(g, t, -1, 5);
    /* input i writes outputs 2i-1, 2i, 2i+1 */
    assert_hull(o, t, -1, -1, 0);
    assert_hull(o, t, 0, 0, 0);
    assert_hull(o, t, 1, 0, 1);
    assert_hull(o, t, 2, 1, 1);
    assert_hull(o, t, 3, 1, 2);
    rf_oracle_free(o);

    /* kernel 1 < stride 2: odd outputs receive nothing */
    int32_t t1 = tb_window(g, FV_OP_CONV_TRANSPOSE, x, 1, 2, 1, 0);
    o = run(g, t1, 0, 6);
    assert_hull(o, t1, 0, 0, 0);
    assert_empty(o, t1, 1);
    assert_hull(o, t1, 4, 2, 2);
    assert_empty(o, t1, 5);
    rf_oracle_free(o);
    fv_graph_free(g);
}

static int32_t resize(fv_graph *g, int32_t in, fv_resize_mode mode, int64_t num, int64_t den)
{
    fv_layer l;
    fv_layer_init(&l, FV_OP_RESIZE);
    l.inputs = &in;
    l.n_inputs = 1;
    l.params.resize.mode = mode;
    for (int a = 0; a < FV_AXES; a++) {
        l.params.resize.scale_num[a] = num;
        l.params.resize.scale_den[a] = den;
    }
    return tb_add(g, &l);
}

static void resize_sampling(void **state)
{
    fv_graph *g = fv_graph_create();
    int32_t x = tb_input(g);
    int32_t near = resize(g, x, FV_RESIZE_NEAREST, 2, 1);
    int32_t near23 = resize(g, x, FV_RESIZE_NEAREST, 3, 2);
    int32_t lin = resize(g, x, FV_RESIZE_LINEAR, 2, 1);
    int32_t half = resize(g, x, FV_RESIZE_LINEAR, 1, 2);
    int32_t same = resize(g, x, FV_RESIZE_LINEAR, 1, 1);
    int32_t cub = resize(g, x, FV_RESIZE_CUBIC, 2, 1);
    int32_t cub3 = resize(g, x, FV_RESIZE_CUBIC, 1, 3);
    int64_t lo[8] = {0}, hi[8] = {0};
    for (int32_t n = near; n <= cub3; n++)
        hi[n] = 4;
    rf_oracle *o = NULL;
    assert_int_equal(rf_oracle_run(g, hw32, FV_AXIS_X, lo, hi, &o, NULL), FV_OK);
    assert_hull(o, near, 3, 1, 1);    /* floor(3 / 2) */
    assert_hull(o, near23, 3, 2, 2);  /* floor(3 * 2 / 3) */
    assert_hull(o, near23, 2, 1, 1);  /* floor(4 / 3) */
    assert_hull(o, lin, 0, -1, 0);    /* x = 0.5 / 2 - 0.5 = -0.25 */
    assert_hull(o, lin, 1, 0, 1);     /* x = 0.25 */
    assert_hull(o, half, 1, 2, 3);    /* x = 1.5 * 2 - 0.5 = 2.5 */
    assert_hull(o, same, 3, 3, 3);    /* x = 3 exactly: one pixel */
    assert_hull(o, cub, 1, -1, 2);    /* x = 0.25: floor - 1 .. floor + 2 */
    assert_hull(o, cub3, 1, 4, 4);    /* x = 1.5 * 3 - 0.5 = 4 exactly */
    assert_hull(o, cub3, 0, 1, 1);    /* x = 1 exactly */
    rf_oracle_free(o);
    fv_graph_free(g);
}

static void depth_space_pad_slice(void **state)
{
    fv_graph *g = fv_graph_create();
    int32_t x = tb_input(g);
    fv_layer l;
    fv_layer_init(&l, FV_OP_DEPTH_TO_SPACE);
    l.inputs = &x;
    l.n_inputs = 1;
    l.params.block.size = 2;
    int32_t d2s = tb_add(g, &l);
    fv_layer_init(&l, FV_OP_SPACE_TO_DEPTH);
    l.inputs = &x;
    l.n_inputs = 1;
    l.params.block.size = 4;
    int32_t s2d = tb_add(g, &l);
    fv_layer_init(&l, FV_OP_PAD);
    l.inputs = &x;
    l.n_inputs = 1;
    l.params.pad.begin[0] = 2;
    l.params.pad.end[0] = -3;
    int32_t pad = tb_add(g, &l);
    fv_layer_init(&l, FV_OP_SLICE);
    l.inputs = &x;
    l.n_inputs = 1;
    l.params.slice.start[0] = -10; /* 32 - 10 = 22 */
    l.params.slice.step[0] = 3;
    int32_t sl = tb_add(g, &l);
    int64_t lo[5] = {0}, hi[5] = {0};
    for (int32_t n = d2s; n <= sl; n++)
        hi[n] = 4;
    rf_oracle *o = NULL;
    assert_int_equal(rf_oracle_run(g, hw32, FV_AXIS_Y, lo, hi, &o, NULL), FV_OK);
    assert_hull(o, d2s, 3, 1, 1);
    assert_hull(o, s2d, 1, 4, 7);
    assert_hull(o, pad, 0, -2, -2);
    assert_hull(o, sl, 0, 22, 22);
    assert_hull(o, sl, 2, 28, 28);
    rf_oracle_free(o);
    fv_graph_free(g);
}

static void merge_is_union_and_global_is_whole(void **state)
{
    fv_graph *g = fv_graph_create();
    int32_t x = tb_input(g);
    fv_layer l;
    fv_layer_init(&l, FV_OP_CONV);
    l.inputs = &x;
    l.n_inputs = 1;
    l.params.window.kernel[0] = 3;
    l.params.window.pad_end[0] = 2;
    int32_t a = tb_add(g, &l);
    l.params.window.pad_end[0] = 0;
    l.params.window.pad_begin[0] = 2;
    int32_t b = tb_add(g, &l);
    int32_t sum = tb_merge(g, FV_OP_ADD, a, b);
    int32_t gp = tb_unary(g, FV_OP_GLOBAL_AVG_POOL, sum);
    int32_t se = tb_unary(g, FV_OP_SIGMOID, gp);
    int32_t mul = tb_merge(g, FV_OP_MUL, a, se);
    int64_t lo[7] = {0}, hi[7] = {0};
    hi[sum] = hi[mul] = hi[gp] = 3;
    rf_oracle *o = NULL;
    assert_int_equal(rf_oracle_run(g, hw32, FV_AXIS_Y, lo, hi, &o, NULL), FV_OK);
    assert_hull(o, sum, 0, -2, 2); /* a reads 0..2, b reads -2..0 */
    static const int64_t set1[] = {-1, 0, 1, 2, 3};
    assert_set(o, sum, 1, -5, 8, set1, 5);
    rf_oracle_hull h;
    assert_true(rf_oracle_hull_of(o, gp, 0, &h));
    assert_true(h.whole);
    assert_true(h.empty);
    assert_true(rf_oracle_hull_of(o, mul, 2, &h));
    assert_true(h.whole);
    assert_false(h.empty);
    assert_int_equal(h.first, 2); /* the spatial part comes from a alone */
    assert_int_equal(h.last, 4);
    rf_oracle_free(o);
    fv_graph_free(g);
}

static void same_rules_resolve(void **state)
{
    fv_graph *g = fv_graph_create();
    int32_t x = tb_input(g);
    int32_t up = tb_window_rule(g, FV_OP_CONV, x, 2, 1, FV_PAD_SAME_UPPER);
    int32_t low = tb_window_rule(g, FV_OP_CONV, x, 2, 1, FV_PAD_SAME_LOWER);
    int32_t pool = tb_window_rule(g, FV_OP_MAX_POOL, x, 3, 2, FV_PAD_SAME_UPPER);
    int64_t lo[4] = {0}, hi[4] = {0, 1, 1, 2};
    rf_oracle *o = NULL;
    assert_int_equal(rf_oracle_run(g, hw32, FV_AXIS_X, lo, hi, &o, NULL), FV_OK);
    assert_hull(o, up, 0, 0, 0 + 1);  /* odd padding 1 goes at the end */
    assert_hull(o, low, 0, -1, 0);    /* ... or at the start */
    assert_hull(o, pool, 1, 2, 4);    /* 32 / 2 = 16 outputs need 1 pixel of padding, at the end */
    rf_oracle_free(o);
    fv_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_3x3_convs),
        cmocka_unit_test(padding_shifts_onto_lattice),
        cmocka_unit_test(dilation_leaves_holes),
        cmocka_unit_test(transposed_conv_scatters),
        cmocka_unit_test(resize_sampling),
        cmocka_unit_test(depth_space_pad_slice),
        cmocka_unit_test(merge_is_union_and_global_is_whole),
        cmocka_unit_test(same_rules_resolve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
