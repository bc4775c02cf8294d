/* The text format's head statement: each anchor rule gives the boxes its
 * definition says, on the layer named by on=, with the step and offset given. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fovea.h"

static fv_graph *parse(const char *text)
{
    fv_graph *g = NULL;
    fv_diag d;
    if (fv_text_parse(text, strlen(text), "<test>", &g, &d) != FV_OK) {
        fv_diag_print(&d, stderr);
        fail_msg("parse failed");
    }
    return g;
}

/* Asserts head k's anchors equal w[i] x h[i], exactly (the same arithmetic). */
static void expect_anchors(const fv_head *h, size_t n, const double *w, const double *hh)
{
    assert_int_equal(h->n_anchors, n);
    for (size_t i = 0; i < n; i++) {
        if (h->anchor_w[i] != w[i] || h->anchor_h[i] != hh[i])
            fail_msg("anchor %zu: got %.17g x %.17g, want %.17g x %.17g", i, h->anchor_w[i],
                     h->anchor_h[i], w[i], hh[i]);
    }
}

/* SSD's PriorBox rule (prior_box_layer.cpp): min, sqrt(min * max), then
 * min * sqrt(ar) x min / sqrt(ar) for ar = 2 and, with flip, 1/2. */
static void test_priorbox_rule(void **state)
{
    (void)state;
    fv_graph *g = parse("input size=300\nconv4_3: conv k=3 p=1\n"
                        "head on=conv4_3 kind=priorbox min=30 max=60 aspect=2 flip step=8\n");
    assert_int_equal(fv_graph_n_heads(g), 1);
    const fv_head *h = fv_graph_head(g, 0);
    assert_int_equal(h->kind, FV_HEAD_PRIORBOX);
    assert_int_equal(h->node, fv_graph_find(g, "conv4_3"));
    double w[] = {30, sqrt(30.0 * 60.0), 30 * sqrt(2.0), 30 * sqrt(0.5)};
    double hh[] = {30, sqrt(30.0 * 60.0), 30 / sqrt(2.0), 30 / sqrt(0.5)};
    expect_anchors(h, 4, w, hh);
    assert_true(h->step[0] == 8 && h->step[1] == 8);
    assert_true(h->offset == 0.5); /* SSD's default cell centre */
    assert_int_equal(h->pos.line, 3);
    assert_int_equal(h->pos.col, 1);
    fv_graph_free(g);
}

/* Faster R-CNN's generator: every size at every ratio, ratio by ratio;
 * ratio = w / h, so w = s * sqrt(r), h = s / sqrt(r). */
static void test_size_grid_rule(void **state)
{
    (void)state;
    fv_graph *g = parse("input size=600\nc: conv k=3 p=1\n"
                        "head on=c kind=rpn sizes=128,256 aspect=0.5,2 step=16x8 offset=0\n");
    const fv_head *h = fv_graph_head(g, 0);
    assert_int_equal(h->kind, FV_HEAD_RPN);
    double w[] = {128 * sqrt(0.5), 256 * sqrt(0.5), 128 * sqrt(2.0), 256 * sqrt(2.0)};
    double hh[] = {128 / sqrt(0.5), 256 / sqrt(0.5), 128 / sqrt(2.0), 256 / sqrt(2.0)};
    expect_anchors(h, 4, w, hh);
    assert_true(h->step[0] == 16 && h->step[1] == 8);
    assert_true(h->offset == 0);
    fv_graph_free(g);
}

/* An explicit list: WxH or W (square), times scale=; step 0 means the
 * layer's own stride. Heads resolve names in the scope they are written in. */
static void test_anchor_list_rule(void **state)
{
    (void)state;
    fv_graph *g = parse("block det(a) { c: conv k=1; head on=c kind=yolo anchors=$a }\n"
                        "input size=416\n"
                        "for n in 1..2 { d$n: det a=10x13,16 }\n"
                        "head on=d1.c kind=region anchors=0.5x1.5 scale=32\n");
    assert_int_equal(fv_graph_n_heads(g), 3);
    double w[] = {10, 16}, hh[] = {13, 16};
    expect_anchors(fv_graph_head(g, 0), 2, w, hh);
    assert_int_equal(fv_graph_head(g, 0)->node, fv_graph_find(g, "d1.c"));
    assert_int_equal(fv_graph_head(g, 1)->node, fv_graph_find(g, "d2.c"));
    const fv_head *r = fv_graph_head(g, 2);
    assert_int_equal(r->kind, FV_HEAD_REGION);
    double rw[] = {0.5 * 32}, rh[] = {1.5 * 32};
    expect_anchors(r, 1, rw, rh);
    assert_true(r->step[0] == 0 && r->step[1] == 0);
    fv_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_priorbox_rule),
        cmocka_unit_test(test_size_grid_rule),
        cmocka_unit_test(test_anchor_list_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
