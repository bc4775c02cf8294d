/* The smallest graphs found so far on which fv_trf_* and the brute-force
 * oracle disagree, one test each, found by test_trf_oracle and shrunk by
 * hand. Each comment gives the hand computation of the true answer. They
 * fail until src/analyses/trf.c handles the case; they are kept apart from
 * the property test so that each fix has its own red-to-green test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>

#include "build_helpers.h"
#include "graph_print.h"
#include "rf_oracle.h"

static const int64_t hw16[FV_AXES] = {16, 16};

/* Compares units 0..count-1 of `node` on the y axis; prints every
 * disagreement and fails if there is one. Frees the graph first, since a
 * failing assert leaves the test by longjmp. */
static void expect_match(fv_graph *g, int32_t node, int64_t count)
{
    fv_trf *trf = NULL;
    fv_diag diag;
    fv_diag_init(&diag);
    if (fv_trf_compute(g, hw16, &trf, &diag) != FV_OK)
        fail_msg("fv_trf_compute: %s", diag.message);
    rf_oracle *o = NULL;
    assert_int_equal(rf_oracle_run_node(g, hw16, FV_AXIS_Y, node, 0, count, &o, &diag), FV_OK);
    int bad = 0;
    for (int64_t u = 0; u < count; u++) {
        rf_oracle_hull h;
        fv_interval iv;
        if (!rf_oracle_hull_of(o, node, u, &h) ||
            fv_trf_unit(trf, node, FV_AXIS_Y, u, &iv, &diag) != FV_OK) {
            bad++;
            break;
        }
        if (iv.empty == h.empty && (h.empty || (iv.first == h.first && iv.last == h.last)))
            continue;
        if (!bad++)
            graph_print(g, hw16, stderr);
        fprintf(stderr, "  unit %" PRId64 ": trf %s[%" PRId64 ", %" PRId64 "], oracle %s[%" PRId64
                        ", %" PRId64 "]\n",
                u, iv.empty ? "empty " : "", iv.first, iv.last, h.empty ? "empty " : "", h.first,
                h.last);
    }
    rf_oracle_free(o);
    fv_trf_free(trf);
    fv_graph_free(g);
    assert_int_equal(bad, 0);
}

static int32_t conv_t(fv_graph *g, int32_t in, int64_t k, int64_t s, int64_t d)
{
    return tb_window(g, FV_OP_CONV_TRANSPOSE, in, k, s, d, 0);
}

/* Transposed conv k=1 s=2 writes only even units (unit 2i sees pixel i).
 * A conv k=2 d=2 pad 1 then reads units {-1, 1} for its unit 0: both odd,
 * so unit 0 sees nothing; the units between them are not read. */
static void dilated_conv_skips_over_gaps(void **state)
{
    fv_graph *g = fv_graph_create();
    int32_t x = tb_input(g);
    int32_t up = conv_t(g, x, 1, 2, 1);
    int32_t c = tb_window(g, FV_OP_CONV, up, 2, 1, 2, 1);
    expect_match(g, c, 8);
}

/* Transposed conv k=3 s=3 d=2: output o = 3i + 2t, one tap per output;
 * units 0..4 see pixels 0, -1, 0, 1, 0 (not monotone). A conv k=2 over it:
 * unit 0 reads units {0, 1} -> [-1, 0]; unit 3 reads {3, 4} -> [0, 1]. */
static void dilated_transposed_conv_is_not_monotone(void **state)
{
    fv_graph *g = fv_graph_create();
    int32_t x = tb_input(g);
    int32_t up = conv_t(g, x, 3, 3, 2);
    int32_t c = tb_window(g, FV_OP_CONV, up, 2, 1, 1, 0);
    expect_match(g, c, 8);
}

/* Cubic resize x3, half-pixel: unit 0 samples x = -1/3 and reads -2..1;
 * unit 1 samples x = 0 exactly and reads pixel 0 alone. A conv k=2 unit 0
 * reads both: [-2, 1]. */
static void cubic_exact_samples_are_not_monotone(void **state)
{
    fv_graph *g = fv_graph_create();
    int32_t x = tb_input(g);
    fv_layer l;
    fv_layer_init(&l, FV_OP_RESIZE);
    l.inputs = &x;
    l.n_inputs = 1;
    l.params.resize.mode = FV_RESIZE_CUBIC;
    l.params.resize.scale_num[0] = l.params.resize.scale_num[1] = 3;
    int32_t up = tb_add(g, &l);
    int32_t c = tb_window(g, FV_OP_CONV, up, 2, 1, 1, 0);
    expect_match(g, c, 8);
}

/* Transposed conv k=1 s=2: unit v sees pixel v/2 when v is even, nothing
 * when odd. Adding a copy shifted by 3 (pad -3 before, +3 after) gives
 * units 0..4 the sets {0}, {2}, {1}, {3}, {2}: each unit is an interval,
 * but their ends are not monotone. A conv k=2 then: unit 0 reads units
 * {0, 1} -> [0, 2]; unit 1 reads {1, 2} -> [1, 2]. */
static void union_of_shifted_gaps_is_not_monotone(void **state)
{
    fv_graph *g = fv_graph_create();
    int32_t x = tb_input(g);
    int32_t up = conv_t(g, x, 1, 2, 1);
    fv_layer l;
    fv_layer_init(&l, FV_OP_PAD);
    l.inputs = &up;
    l.n_inputs = 1;
    l.params.pad.begin[0] = l.params.pad.begin[1] = -3;
    l.params.pad.end[0] = l.params.pad.end[1] = 3;
    int32_t shifted = tb_add(g, &l);
    int32_t sum = tb_merge(g, FV_OP_ADD, up, shifted);
    int32_t c = tb_window(g, FV_OP_CONV, sum, 2, 1, 1, 0);
    expect_match(g, c, 8);
}

/* Pad 20 before a 16-pixel image: the middle unit (35 / 2 = 17) reads
 * pixel -3 alone, one pixel, all of it outside the image: outside = 1. */
static void outside_counts_rf_pixels(void **state)
{
    fv_graph *g = fv_graph_create();
    int32_t x = tb_input(g);
    fv_layer l;
    fv_layer_init(&l, FV_OP_PAD);
    l.inputs = &x;
    l.n_inputs = 1;
    l.params.pad.begin[0] = l.params.pad.begin[1] = 20;
    int32_t p = tb_add(g, &l);
    fv_trf *trf = NULL;
    assert_int_equal(fv_trf_compute(g, hw16, &trf, NULL), FV_OK);
    fv_rf rf;
    fv_trf_get(trf, p, &rf);
    fv_trf_free(trf); /* before the asserts, which leave the test by longjmp */
    fv_graph_free(g);
    assert_int_equal(rf.axis[FV_AXIS_Y].centre_unit, 17);
    assert_int_equal(rf.axis[FV_AXIS_Y].outside, 1);
}

/* A unit of an SE product reaches the whole input through the broadcast
 * scale even where its own pixels are nothing (t's zero-inserted phases):
 * z keeps only those phases, so each of its units sees the whole input and
 * nothing else. w keeps the zeros that u inserts, which read no unit of m at
 * all: they see nothing, not even the global context. Found by the oracle at
 * seeds 59459 and 15740 (100,000 graphs). */
static void se_product_over_zero_phases(void **state)
{
    (void)state;
    static const char text[] = "input size=16\n"
                               "t: deconv k=1 s=3\n"
                               "sq: gap from=t\n"
                               "m: mul from=t,sq\n"
                               "z: slice y=1::3 x=1::3 from=m\n"
                               "u: deconv k=1 s=2 from=m\n"
                               "w: slice y=1::2 x=1::2 from=u\n";
    fv_graph *g = NULL;
    fv_diag diag;
    fv_diag_init(&diag);
    assert_int_equal(fv_text_parse(text, sizeof text - 1, "se.fv", &g, &diag), FV_OK);
    fv_trf *trf = NULL;
    assert_int_equal(fv_trf_compute(g, hw16, &trf, &diag), FV_OK);
    fv_rf m, z, w;
    fv_trf_get(trf, fv_graph_select(g, "m"), &m);
    fv_trf_get(trf, fv_graph_select(g, "z"), &z);
    fv_trf_get(trf, fv_graph_select(g, "w"), &w);
    fv_trf_free(trf);
    fv_graph_free(g);
    assert_false(m.whole_input);
    assert_true(m.global_context);
    assert_true(z.whole_input);
    assert_false(w.whole_input);
    assert_false(w.global_context);
    assert_true(w.sees_nothing);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dilated_conv_skips_over_gaps),
        cmocka_unit_test(dilated_transposed_conv_is_not_monotone),
        cmocka_unit_test(cubic_exact_samples_are_not_monotone),
        cmocka_unit_test(union_of_shifted_gaps_is_not_monotone),
        cmocka_unit_test(outside_counts_rf_pixels),
        cmocka_unit_test(se_product_over_zero_phases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
