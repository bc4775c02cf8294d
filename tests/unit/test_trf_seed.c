/* Fixed receptive fields with published values. Every expected number's
 * comment names its source in /work/shared/REFERENCE.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "build_helpers.h"
#include "rf_oracle.h"

typedef struct expect {
    int32_t node;
    int64_t rf, stride, padding;
} expect;

/* Checks RF, stride and padding on both axes, and that unit 0 and unit 5
 * see exactly [-P + i*S, -P + i*S + r - 1] (REFERENCE.md section 1), by
 * fv_trf and by the brute-force oracle alike. */
static void check(const fv_graph *g, const int64_t hw[FV_AXES], const expect *e, size_t n)
{
    fv_trf *trf = NULL;
    fv_diag diag;
    fv_diag_init(&diag);
    if (fv_trf_compute(g, hw, &trf, &diag) != FV_OK)
        fail_msg("fv_trf_compute: %s", diag.message);
    for (size_t i = 0; i < n; i++) {
        fv_rf rf;
        fv_trf_get(trf, e[i].node, &rf);
        assert_false(rf.whole_input);
        for (int a = 0; a < FV_AXES; a++) {
            const fv_rf_axis *ax = &rf.axis[a];
            assert_int_equal(ax->size_min, e[i].rf);
            assert_int_equal(ax->size_max, e[i].rf);
            assert_int_equal(ax->stride.num, e[i].stride);
            assert_int_equal(ax->stride.den, 1);
            assert_int_equal(ax->padding, e[i].padding);
            for (int64_t u = 0; u <= 5; u += 5) {
                fv_interval iv;
                assert_int_equal(fv_trf_unit(trf, e[i].node, a, u, &iv, &diag), FV_OK);
                assert_false(iv.empty);
                assert_int_equal(iv.first, -e[i].padding + u * e[i].stride);
                assert_int_equal(iv.last, -e[i].padding + u * e[i].stride + e[i].rf - 1);
            }
            rf_oracle *o = NULL;
            assert_int_equal(rf_oracle_run_node(g, hw, a, e[i].node, 0, 6, &o, &diag), FV_OK);
            for (int64_t u = 0; u <= 5; u += 5) {
                rf_oracle_hull h;
                assert_true(rf_oracle_hull_of(o, e[i].node, u, &h));
                assert_false(h.empty);
                assert_int_equal(h.first, -e[i].padding + u * e[i].stride);
                assert_int_equal(h.last, -e[i].padding + u * e[i].stride + e[i].rf - 1);
            }
            rf_oracle_free(o);
        }
    }
    fv_trf_free(trf);
}

/* The seed example: three 3x3 stride-1 convs. Araujo's formula (REFERENCE.md
 * section 1): r = 1 + sum (k_l - 1) * prod s_i = 3, 5, 7; a dilation of 2
 * makes the middle kernel 2 * (3 - 1) + 1 = 5 wide, so 3, 7, 9. */
static void three_3x3_convs(void **state)
{
    static const int64_t hw[FV_AXES] = {32, 32};
    for (int64_t d = 1; d <= 2; d++) {
        fv_graph *g = fv_graph_create();
        int32_t x = tb_input(g);
        int32_t c1 = tb_window(g, FV_OP_CONV, x, 3, 1, 1, 1);
        int32_t c2 = tb_window(g, FV_OP_CONV, c1, 3, 1, d, d);
        int32_t c3 = tb_window(g, FV_OP_CONV, c2, 3, 1, 1, 1);
        /* padding: P_{l-1} = s_l P_l + p_l, so 1, 1 + d, 2 + d */
        const expect e[] = {{c1, 3, 1, 1}, {c2, d == 1 ? 5 : 7, 1, 1 + d},
                            {c3, d == 1 ? 7 : 9, 1, 2 + d}};
        check(g, hw, e, 3);
        fv_graph_free(g);
    }
}

/* VGG-16: 3x3 convs with padding 1 and 2x2 stride-2 pools. Pool RFs
 * 6/16/44/100/212 with strides 2/4/8/16/32 are torchvision VGG-16's
 * (REFERENCE.md section 2, last paragraph); the paddings 2/6/18/42/90 and
 * the conv values are TF-Slim vgg_16's per-endpoint table at 224 (same
 * section), whose SAME 3x3 convs and VALID 2x2 pools are the same geometry. */
static void vgg16(void **state)
{
    static const int64_t hw[FV_AXES] = {224, 224};
    static const int convs[5] = {2, 2, 3, 3, 3};
    fv_graph *g = fv_graph_create();
    int32_t x = tb_input(g), first[5], pool[5];
    for (int b = 0; b < 5; b++) {
        for (int c = 0; c < convs[b]; c++) {
            x = tb_window(g, FV_OP_CONV, x, 3, 1, 1, 1);
            if (c == 0)
                first[b] = x;
        }
        x = pool[b] = tb_window(g, FV_OP_MAX_POOL, x, 2, 2, 1, 0);
    }
    const expect e[] = {
        {first[0], 3, 1, 1},    /* conv1_1 3/1/1 */
        {pool[0], 6, 2, 2},     /* pool1 6/2/2 */
        {first[1], 10, 2, 4},   /* conv2_1 10/2/4 */
        {pool[1], 16, 4, 6},    /* pool2 16/4/6 */
        {first[2], 24, 4, 10},  /* conv3_1 24/4/10 */
        {pool[2], 44, 8, 18},   /* pool3 44/8/18 */
        {first[3], 60, 8, 26},  /* conv4_1 60/8/26 */
        {pool[3], 100, 16, 42}, /* pool4 100/16/42 */
        {first[4], 132, 16, 58},/* conv5_1 132/16/58 */
        {pool[4], 212, 32, 90}, /* pool5 212/32/90 */
    };
    check(g, hw, e, sizeof e / sizeof e[0]);
    fv_graph_free(g);
}

/* TF-Slim alexnet_v2 at 224: conv1 11x11 s4 VALID, pool1 3x3 s2 VALID,
 * conv2 5x5 SAME, pool2 3x3 s2 VALID, conv3/4/5 3x3 SAME, pool5 3x3 s2 VALID.
 * Expected RF/S/P from REFERENCE.md section 2 (google-research/receptive_field). */
static void alexnet_v2(void **state)
{
    static const int64_t hw[FV_AXES] = {224, 224};
    fv_graph *g = fv_graph_create();
    int32_t x = tb_input(g);
    int32_t conv1 = tb_window_rule(g, FV_OP_CONV, x, 11, 4, FV_PAD_VALID);
    int32_t pool1 = tb_window_rule(g, FV_OP_MAX_POOL, conv1, 3, 2, FV_PAD_VALID);
    int32_t conv2 = tb_window_rule(g, FV_OP_CONV, pool1, 5, 1, FV_PAD_SAME_UPPER);
    int32_t pool2 = tb_window_rule(g, FV_OP_MAX_POOL, conv2, 3, 2, FV_PAD_VALID);
    int32_t conv3 = tb_window_rule(g, FV_OP_CONV, pool2, 3, 1, FV_PAD_SAME_UPPER);
    int32_t conv4 = tb_window_rule(g, FV_OP_CONV, conv3, 3, 1, FV_PAD_SAME_UPPER);
    int32_t conv5 = tb_window_rule(g, FV_OP_CONV, conv4, 3, 1, FV_PAD_SAME_UPPER);
    int32_t pool5 = tb_window_rule(g, FV_OP_MAX_POOL, conv5, 3, 2, FV_PAD_VALID);
    const expect e[] = {
        {conv1, 11, 4, 0},   /* conv1 11/4/0 */
        {pool1, 19, 8, 0},   /* pool1 19/8/0 */
        {conv2, 51, 8, 16},  /* conv2 51/8/16 */
        {conv3, 99, 16, 32}, /* conv3 99/16/32 */
        {conv4, 131, 16, 48},/* conv4 131/16/48 */
        {conv5, 163, 16, 64},/* conv5 163/16/64 */
        {pool5, 195, 32, 64},/* pool5 195/32/64 */
    };
    check(g, hw, e, sizeof e / sizeof e[0]);
    fv_graph_free(g);
    (void)pool2;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(three_3x3_convs),
        cmocka_unit_test(vgg16),
        cmocka_unit_test(alexnet_v2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
