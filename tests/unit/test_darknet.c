/* The Darknet .cfg frontend on the real files in tests/data/darknet (copied
 * from the shared model folder). Each test names where its numbers come from. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "model_check.h"

#define LOAD(rel) mc_load(FOVEA_SOURCE_DIR, rel)

static void every_file_loads(void **state)
{
    static const char *const files[] = {
        "alexnet", "darknet53", "densenet201", "resnet50", "vgg-16", "yolov2", "yolov3-tiny", "yolov3",
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char rel[128];
        snprintf(rel, sizeof rel, "tests/data/darknet/%s.cfg", files[i]);
        fv_graph *g = LOAD(rel);
        fv_trf *t = mc_trf(g);
        fv_trf_free(t);
        fv_graph_free(g);
    }
}

/* REFERENCE.md section 2, vgg_16 (TF-Slim): RF/S/P per endpoint. vgg-16.cfg
 * starts with [crop] 224 of a 256 [net], the centre crop: 16 pixels off the
 * top and left, so every P here is the table's P - 16. Darknet's maxpool
 * size=2 stride=2 pads 1 in total, all of it at the end (offset -1/2 = 0),
 * which leaves RF, S and P as in the table. */
static void vgg16_matches_the_reference_table(void **state)
{
    fv_graph *g = LOAD("tests/data/darknet/vgg-16.cfg");
    fv_trf *t = mc_trf(g);
    mc_expect_rf(g, t, "1_convolutional", 3, 1, 1 - 16);   /* conv1_1 3/1/1 */
    mc_expect_rf(g, t, "3_maxpool", 6, 2, 2 - 16);         /* pool1 6/2/2 */
    mc_expect_rf(g, t, "4_convolutional", 10, 2, 4 - 16);  /* conv2_1 */
    mc_expect_rf(g, t, "6_maxpool", 16, 4, 6 - 16);        /* pool2 */
    mc_expect_rf(g, t, "7_convolutional", 24, 4, 10 - 16); /* conv3_1 */
    mc_expect_rf(g, t, "8_convolutional", 32, 4, 14 - 16); /* conv3_2 */
    mc_expect_rf(g, t, "10_maxpool", 44, 8, 18 - 16);      /* pool3 */
    mc_expect_rf(g, t, "11_convolutional", 60, 8, 26 - 16);
    mc_expect_rf(g, t, "12_convolutional", 76, 8, 34 - 16);
    mc_expect_rf(g, t, "14_maxpool", 100, 16, 42 - 16);    /* pool4 */
    mc_expect_rf(g, t, "15_convolutional", 132, 16, 58 - 16);
    mc_expect_rf(g, t, "16_convolutional", 164, 16, 74 - 16);
    mc_expect_rf(g, t, "18_maxpool", 212, 32, 90 - 16);    /* pool5 212/32/90 */
    mc_expect_map(g, t, "18_maxpool", 7, 7);
    fv_trf_free(t);
    fv_graph_free(g);
}

/* Hand derivation with REFERENCE.md section 1, r += (k - 1) * S_before:
 * conv3 3; pool2/2 4 (S 2); conv3 8; pool 10 (S 4); conv3 18; pool 22 (S 8);
 * conv3 38; pool 46 (S 16); conv3 78; pool 94 (S 32); conv3 158;
 * maxpool size=2 stride=1 190; conv3 254; conv1 254; conv3 318.
 * Darknet's size 2 stride 1 maxpool pads 1 at the end: (13 + 1 - 2)/1 + 1 = 13. */
static void yolov3_tiny_by_hand(void **state)
{
    fv_graph *g = LOAD("tests/data/darknet/yolov3-tiny.cfg");
    fv_trf *t = mc_trf(g);
    mc_expect_rf(g, t, "0_convolutional", 3, 1, 1);
    mc_expect_rf(g, t, "1_maxpool", 4, 2, 1);
    mc_expect_rf(g, t, "9_maxpool", 94, 32, 31);
    mc_expect_rf(g, t, "10_convolutional", 158, 32, 63);
    mc_expect_rf(g, t, "11_maxpool", 190, 32, 63);
    mc_expect_map(g, t, "11_maxpool", 13, 13);
    mc_expect_rf(g, t, "14_convolutional", 318, 32, 127);
    mc_expect_rf(g, t, "16_yolo", 318, 32, 127);
    mc_expect_map(g, t, "16_yolo", 13, 13);
    mc_expect_map(g, t, "23_yolo", 26, 26);

    /* The heads: mask 3,4,5 then 0,1,2 of the anchors, in input pixels. */
    assert_int_equal(fv_graph_n_heads(g), 2);
    const fv_head *h0 = fv_graph_head(g, 0), *h1 = fv_graph_head(g, 1);
    assert_int_equal(h0->kind, FV_HEAD_YOLO);
    assert_int_equal(h0->node, fv_graph_find(g, "16_yolo"));
    assert_int_equal(h0->n_anchors, 3);
    assert_true(h0->anchor_w[0] == 81 && h0->anchor_h[0] == 82);
    assert_true(h0->anchor_w[2] == 344 && h0->anchor_h[2] == 319);
    assert_int_equal(h1->node, fv_graph_find(g, "23_yolo"));
    assert_true(h1->anchor_w[0] == 10 && h1->anchor_h[0] == 14);
    assert_true(h0->step[0] == 0 && h0->offset == 0.5);
    assert_null(fv_graph_head(g, 2));
    fv_trf_free(t);
    fv_graph_free(g);
}

/* YOLOv3 at 416 predicts on 13, 26 and 52 grids (Redmon & Farhadi 2018);
 * the file's own [net] says 608, which gives 19, 38 and 76 (608 / 32 ...). */
static void yolov3_grids(void **state)
{
    fv_graph *g = LOAD("tests/data/darknet/yolov3.cfg");
    static const int64_t at608[] = {19, 38, 76}, at416[] = {13, 26, 52};
    assert_int_equal(fv_graph_n_heads(g), 3);
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            fv_graph_set_input_size(g, (int64_t[FV_AXES]){416, 416});
        fv_trf *t = mc_trf(g);
        for (size_t k = 0; k < 3; k++) {
            const fv_head *h = fv_graph_head(g, k);
            int64_t n = pass ? at416[k] : at608[k];
            mc_expect_map(g, t, fv_graph_name(g, h->node), n, n);
            assert_int_equal(h->n_anchors, 3);
        }
        fv_trf_free(t);
    }
    assert_true(fv_graph_head(g, 0)->anchor_w[2] == 373);
    fv_graph_free(g);
}

/* Darknet-53 by hand (REFERENCE.md section 1): conv3 3; conv3/2 5 (S 2);
 * 1 block (1x1, 3x3) +2*2 = 9; conv3/2 13 (S 4); 2 blocks +8 each = 29;
 * conv3/2 37 (S 8); 8 blocks +16 = 165; conv3/2 181 (S 16); 8 blocks +32 =
 * 437; conv3/2 469 (S 32); 4 blocks +64 = 725. The last shortcut of each
 * stage carries the stage's RF. */
static void darknet53_stages_by_hand(void **state)
{
    fv_graph *g = LOAD("tests/data/darknet/darknet53.cfg");
    fv_trf *t = mc_trf(g);
    int64_t last[33] = {0};
    for (size_t i = 0; i < fv_graph_size(g); i++) {
        if (fv_graph_op(g, (int32_t)i) != FV_OP_ADD)
            continue;
        fv_rf rf;
        fv_trf_get(t, (int32_t)i, &rf);
        assert_int_equal(rf.axis[0].stride.den, 1);
        assert_true(rf.axis[0].stride.num <= 32);
        last[rf.axis[0].stride.num] = rf.axis[0].size_max;
    }
    assert_int_equal(last[2], 9);
    assert_int_equal(last[4], 29);
    assert_int_equal(last[8], 165);
    assert_int_equal(last[16], 437);
    assert_int_equal(last[32], 725);
    fv_trf_free(t);
    fv_graph_free(g);
}

/* YOLOv2's [region] anchors are in cells of the stride-32 grid: 0.57273
 * cells = 18.32736 pixels. Grid 608 / 32 = 19 at the file's size. */
static void yolov2_region_head(void **state)
{
    fv_graph *g = LOAD("tests/data/darknet/yolov2.cfg");
    fv_trf *t = mc_trf(g);
    assert_int_equal(fv_graph_n_heads(g), 1);
    const fv_head *h = fv_graph_head(g, 0);
    assert_int_equal(h->kind, FV_HEAD_REGION);
    assert_int_equal(h->n_anchors, 5);
    assert_true(fabs(h->anchor_w[0] - 0.57273 * 32) < 1e-9);
    assert_true(fabs(h->anchor_h[4] - 9.16828 * 32) < 1e-9);
    mc_expect_map(g, t, fv_graph_name(g, h->node), 19, 19);
    fv_trf_free(t);
    fv_graph_free(g);
}

/* Darknet's resnet50.cfg adds a 2x larger map in its shortcuts: Darknet
 * samples every second unit of it, which the frontend writes as a strided
 * slice; the add stays aligned. */
static void resnet50_shortcut_sampling(void **state)
{
    fv_graph *g = LOAD("tests/data/darknet/resnet50.cfg");
    fv_trf *t = mc_trf(g);
    assert_true(fv_graph_find(g, "17_shortcut/sample1") >= 0);
    fv_rf rf;
    fv_trf_get(t, fv_graph_find(g, "17_shortcut"), &rf);
    assert_true(rf.aligned);
    mc_expect_map(g, t, "17_shortcut", 32, 32);
    fv_trf_free(t);
    fv_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_file_loads),
        cmocka_unit_test(vgg16_matches_the_reference_table),
        cmocka_unit_test(yolov3_tiny_by_hand),
        cmocka_unit_test(yolov3_grids),
        cmocka_unit_test(darknet53_stages_by_hand),
        cmocka_unit_test(yolov2_region_head),
        cmocka_unit_test(resnet50_shortcut_sampling),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
