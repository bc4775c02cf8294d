/* The Caffe .prototxt frontend and its text-format parser, on the real files
 * in tests/data/caffe and on small inline nets. Each test names its source. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "model_check.h"

#define LOAD(rel) mc_load(FOVEA_SOURCE_DIR, rel)

/* REFERENCE.md section 2, vgg_16: the SSD300 backbone is VGG-16 (Caffe's
 * ceil-rounded 2x2 pools change sizes at 300, e.g. 75 -> 38, not RFs).
 * Then pool5 3x3 s1 p1: 196 + 2*16 = 228; fc6 3x3 dilation 6 (REFERENCE
 * section 3) spans 13 pixels of its input: 228 + 12*16 = 420, P 90 + 16 + 96.
 * Map sizes: SSD paper / REFERENCE section 3. */
static void ssd300(void **state)
{
    fv_graph *g = LOAD("tests/data/caffe/ssd300_vgg16_voc_deploy.prototxt");
    fv_trf *t = mc_trf(g);
    mc_expect_rf(g, t, "conv1_1", 3, 1, 1);
    mc_expect_rf(g, t, "pool1", 6, 2, 2);
    mc_expect_rf(g, t, "conv2_1", 10, 2, 4);
    mc_expect_rf(g, t, "pool2", 16, 4, 6);
    mc_expect_rf(g, t, "conv3_1", 24, 4, 10);
    mc_expect_rf(g, t, "conv3_2", 32, 4, 14);
    mc_expect_rf(g, t, "pool3", 44, 8, 18);
    mc_expect_rf(g, t, "conv4_1", 60, 8, 26);
    mc_expect_rf(g, t, "conv4_2", 76, 8, 34);
    mc_expect_rf(g, t, "pool4", 100, 16, 42);
    mc_expect_rf(g, t, "conv5_1", 132, 16, 58);
    mc_expect_rf(g, t, "conv5_2", 164, 16, 74);
    mc_expect_rf(g, t, "pool5", 228, 16, 106);
    mc_expect_rf(g, t, "fc6", 420, 16, 202);
    mc_expect_map(g, t, "conv4_3", 38, 38);
    mc_expect_map(g, t, "fc7", 19, 19);
    mc_expect_map(g, t, "conv6_2", 10, 10);
    mc_expect_map(g, t, "conv7_2", 5, 5);
    mc_expect_map(g, t, "conv8_2", 3, 3);
    mc_expect_map(g, t, "conv9_2", 1, 1);

    /* REFERENCE.md section 3: steps 8 ... 300, min sizes 30 ... 264, on the
     * first bottom of each PriorBox. SSD's boxes: min, sqrt(min * max), then
     * ratio 2 (and 3) with their flips: 4 or 6 per cell. The bottom blob
     * "fc7" was last written by the in-place relu7, so that is the node. */
    static const char *const on[] = {"conv4_3_norm", "relu7", "conv6_2_relu", "conv7_2_relu",
                                     "conv8_2_relu", "conv9_2_relu"};
    static const double step[] = {8, 16, 32, 64, 100, 300}, min[] = {30, 60, 111, 162, 213, 264};
    static const size_t n[] = {4, 6, 6, 6, 4, 4};
    assert_int_equal(fv_graph_n_heads(g), 6);
    for (size_t k = 0; k < 6; k++) {
        const fv_head *h = fv_graph_head(g, k);
        assert_int_equal(h->kind, FV_HEAD_PRIORBOX);
        assert_string_equal(fv_graph_name(g, h->node), on[k]);
        assert_true(h->step[0] == step[k] && h->step[1] == step[k] && h->offset == 0.5);
        assert_true(h->anchor_w[0] == min[k] && h->anchor_h[0] == min[k]);
        assert_int_equal(h->n_anchors, n[k]);
    }
    const fv_head *h = fv_graph_head(g, 0);
    assert_true(fabs(h->anchor_w[1] - sqrt(30.0 * 60.0)) < 1e-9);
    assert_true(fabs(h->anchor_w[2] - 30 * sqrt(2.0)) < 1e-9 && fabs(h->anchor_h[2] - 30 / sqrt(2.0)) < 1e-9);
    assert_true(fabs(h->anchor_w[3] - 30 / sqrt(2.0)) < 1e-9);
    fv_trf_free(t);
    fv_graph_free(g);
}

/* bvlc_alexnet by hand (REFERENCE.md section 1): conv1 11x11 s4 p0: 11/4/0;
 * pool1 3x3 s2: 11 + 2*4 = 19, S 8; conv2 5x5 p2: 19 + 4*8 = 51, P 0 + 2*8 = 16;
 * pool2: 51 + 2*8 = 67, S 16; conv3..5 3x3 p1: 99, 131, 163, P 32, 48, 64;
 * pool5: 163 + 2*16 = 195, S 32, P 64. Sizes at 227: 55, 27, 27, 13, 13, 6
 * (Caffe rounds (55 - 3)/2 up: 27). */
static void alexnet(void **state)
{
    fv_graph *g = LOAD("tests/data/caffe/bvlc_alexnet_deploy.prototxt");
    fv_trf *t = mc_trf(g);
    mc_expect_rf(g, t, "conv1", 11, 4, 0);
    mc_expect_rf(g, t, "pool1", 19, 8, 0);
    mc_expect_rf(g, t, "conv2", 51, 8, 16);
    mc_expect_rf(g, t, "pool2", 67, 16, 16);
    mc_expect_rf(g, t, "conv3", 99, 16, 32);
    mc_expect_rf(g, t, "conv4", 131, 16, 48);
    mc_expect_rf(g, t, "conv5", 163, 16, 64);
    mc_expect_rf(g, t, "pool5", 195, 32, 64);
    mc_expect_map(g, t, "conv1", 55, 55);
    mc_expect_map(g, t, "pool1", 27, 27);
    mc_expect_map(g, t, "pool2", 13, 13);
    mc_expect_map(g, t, "pool5", 6, 6);
    fv_rf rf;
    fv_trf_get(t, fv_graph_find(g, "fc6"), &rf);
    assert_true(rf.whole_input);
    assert_int_equal(fv_graph_channels(g, fv_graph_find(g, "conv2")), 256);
    const fv_lrn *p = &fv_graph_params(g, fv_graph_find(g, "norm1"))->lrn;
    assert_true(p->size == 5 && p->alpha == 1e-4 && p->beta == 0.75 && p->bias == 1);
    fv_diag d; /* the ERF of conv5 runs through both LRNs */
    if (mc_erf(g, "conv5", &d) != FV_OK)
        fail_msg("ERF of conv5: %s", d.message);
    fv_trf_free(t);
    fv_graph_free(g);
}

/* FaceBoxes (REFERENCE.md section 3): anchors 32/64/128 at stride 32 on
 * Inception3, 256 at 64 on conv3_2, 512 at 128 on conv4_2. This deploy file
 * lists the anchors without the paper's densification. RDCL by hand:
 * conv1 7x7 s4 p3: 7/4; pool 3x3 s2: 15/8; conv2 5x5 s2: 47/16; pool: 79/32. */
static void faceboxes(void **state)
{
    fv_graph *g = LOAD("tests/data/caffe/faceboxes_deploy.prototxt");
    fv_trf *t = mc_trf(g);
    mc_expect_rf(g, t, "conv1", 7, 4, 3);
    static const double step[] = {32, 64, 128}, first[] = {32, 256, 512};
    static const size_t n[] = {3, 1, 1};
    /* conv3_2 and conv4_2 are rewritten in place by their ReLUs. */
    static const char *const on[] = {"inception_a3_concat", "conv3_2_relu", "conv4_2_relu"};
    assert_int_equal(fv_graph_n_heads(g), 3);
    for (size_t k = 0; k < 3; k++) {
        const fv_head *h = fv_graph_head(g, k);
        assert_string_equal(fv_graph_name(g, h->node), on[k]);
        assert_true(h->step[0] == step[k] && h->anchor_w[0] == first[k]);
        assert_int_equal(h->n_anchors, n[k]);
        fv_rf rf;
        fv_trf_get(t, h->node, &rf);
        assert_int_equal(rf.axis[0].stride.num, (int64_t)step[k]);
    }
    assert_true(fv_graph_head(g, 0)->anchor_w[2] == 128);
    fv_trf_free(t);
    fv_graph_free(g);
}

static fv_graph *parse(const char *text) { return mc_caffe(text); }

/* In-place layers chain: relu1 reads conv1 and pool1 reads relu1, because
 * relu1 is the latest writer of blob "conv1". Legacy V1 `layers` with enum
 * types, input_dim, `name: { }` messages, '' strings, lists and comments. */
static void in_place_and_legacy(void **state)
{
    fv_graph *g = parse("name: 'x' # a comment\n"
                        "input: \"data\" input_dim: 1 input_dim: 3 input_dim: 9 input_dim: 9\n"
                        "layers { name: \"conv1\" type: CONVOLUTION bottom: \"data\" top: \"conv1\"\n"
                        "  convolution_param: { num_output: 4 kernel_size: [3, 3] stride: 2 } }\n"
                        "layers { name: \"relu1\" type: RELU bottom: \"conv1\" top: \"conv1\" }\n"
                        "layers { name: \"pool1\" type: POOLING bottom: \"conv1\" top: \"pool1\"\n"
                        "  pooling_param < pool: AVE kernel_size: 2 > ; }\n");
    assert_int_equal(fv_graph_size(g), 4);
    int32_t relu = fv_graph_find(g, "relu1"), pool = fv_graph_find(g, "pool1");
    assert_int_equal(fv_graph_input(g, relu, 0), fv_graph_find(g, "conv1"));
    assert_int_equal(fv_graph_input(g, pool, 0), relu);
    assert_int_equal(fv_graph_op(g, pool), FV_OP_AVG_POOL);
    assert_int_equal(fv_graph_params(g, pool)->window.ceil_mode, FV_CEIL_CAFFE);
    int64_t hw[2];
    fv_graph_input_size(g, hw);
    assert_true(hw[0] == 9 && hw[1] == 9);
    fv_graph_free(g);
}

/* LRN across channels with its constants as written, Caffe's defaults
 * (local_size 5, alpha 1, beta 0.75, k 1), and WITHIN_CHANNEL: an average
 * pool for receptive fields, which the ERF engine refuses by name. */
static void lrn(void **state)
{
    fv_graph *g = parse("input: 'data' input_shape { dim: 1 dim: 3 dim: 9 dim: 9 }\n"
                        "layer { name: 'n1' type: 'LRN' bottom: 'data' top: 'n1'\n"
                        "  lrn_param { local_size: 3 alpha: 0.5 beta: 0.25 k: 2 } }\n"
                        "layer { name: 'n2' type: 'LRN' bottom: 'n1' top: 'n2' }\n"
                        "layer { name: 'n3' type: 'LRN' bottom: 'data' top: 'n3'\n"
                        "  lrn_param { norm_region: WITHIN_CHANNEL local_size: 3 } }\n");
    const fv_lrn *p = &fv_graph_params(g, fv_graph_find(g, "n1"))->lrn;
    assert_int_equal(fv_graph_op(g, fv_graph_find(g, "n1")), FV_OP_LRN);
    assert_true(p->size == 3 && p->alpha == 0.5 && p->beta == 0.25 && p->bias == 2);
    p = &fv_graph_params(g, fv_graph_find(g, "n2"))->lrn;
    assert_true(p->size == 5 && p->alpha == 1 && p->beta == 0.75 && p->bias == 1);
    assert_int_equal(fv_graph_op(g, fv_graph_find(g, "n3")), FV_OP_AVG_POOL);
    fv_diag d;
    assert_int_equal(mc_erf(g, "n2", &d), FV_OK);
    assert_int_equal(mc_erf(g, "n3", &d), FV_ERR_UNSUPPORTED);
    assert_string_equal(d.message, "n3: the ERF engine has no kernel for Caffe's LRN "
                                   "WITHIN_CHANNEL (read as avg_pool for receptive fields only)");
    fv_graph_free(g);
}

/* Caffe's ceil rounding: 6 -> pool 3x3 s2 -> ceil(3/2) + 1 = 3, floor gives 2
 * (round_mode FLOOR, as some forks write it). */
static void pooling_rounding(void **state)
{
    const char *net = "input: 'data' input_shape { dim: 1 dim: 1 dim: 6 dim: 6 }\n"
                      "layer { name: 'p' type: 'Pooling' bottom: 'data' top: 'p'\n"
                      "  pooling_param { pool: MAX kernel_size: 3 stride: 2 %s } }\n";
    char text[512];
    for (int floor_mode = 0; floor_mode < 2; floor_mode++) {
        snprintf(text, sizeof text, net, floor_mode ? "round_mode: FLOOR" : "");
        fv_graph *g = parse(text);
        fv_trf *t = mc_trf(g);
        mc_expect_map(g, t, "p", floor_mode ? 2 : 3, floor_mode ? 2 : 3);
        fv_trf_free(t);
        fv_graph_free(g);
    }
}

/* Crop by hand. data 32 -> conv k=3 pad=5: 32 + 10 - 3 + 1 = 40 units, unit
 * j seeing input [j - 5, j - 3]. Crop to data's size from offsets 3 (y) and
 * 5 (x): 32 x 32 units, unit i being conv unit i + 3 along y, i + 5 along x,
 * so it sees [i - 2, i] (P = 2) along y and [i, i + 2] (P = 0) along x;
 * RF 3 and stride 1 on both. Without the crop's end the map would run to
 * the conv's end: 37 x 35. */
static void crop_to_reference(void **state)
{
    fv_graph *g = parse("input: 'data' input_shape { dim: 1 dim: 3 dim: 32 dim: 32 }\n"
                        "layer { name: 'conv' type: 'Convolution' bottom: 'data' top: 'conv'\n"
                        "  convolution_param { num_output: 4 kernel_size: 3 pad: 5 } }\n"
                        "layer { name: 'crop' type: 'Crop' bottom: 'conv' bottom: 'data' top: 'crop'\n"
                        "  crop_param { axis: 2 offset: 3 offset: 5 } }\n");
    fv_trf *t = mc_trf(g);
    mc_expect_map(g, t, "conv", 40, 40);
    mc_expect_map(g, t, "crop", 32, 32);
    fv_rf rf;
    fv_trf_get(t, fv_graph_find(g, "crop"), &rf);
    assert_int_equal(rf.axis[FV_AXIS_Y].size_max, 3);
    assert_int_equal(rf.axis[FV_AXIS_Y].padding, 2);
    assert_int_equal(rf.axis[FV_AXIS_X].size_max, 3);
    assert_int_equal(rf.axis[FV_AXIS_X].padding, 0);
    assert_true(rf.axis[FV_AXIS_X].stride.num == 1 && rf.axis[FV_AXIS_X].stride.den == 1);
    fv_trf_free(t);
    fv_graph_free(g);
}

/* FCN's pattern: downsample, upsample past the input size, crop back to the
 * input and add the input. data 32 -> conv k=3 s=2 p=1: 16 -> deconv k=4 s=2:
 * (16 - 1) * 2 + 4 = 34 -> crop offset 1 to data: 32, the size the Eltwise
 * needs (the uncropped rest, 33, would not match). */
static void crop_fcn_style(void **state)
{
    fv_graph *g = parse("input: 'data' input_shape { dim: 1 dim: 3 dim: 32 dim: 32 }\n"
                        "layer { name: 'down' type: 'Convolution' bottom: 'data' top: 'down'\n"
                        "  convolution_param { num_output: 3 kernel_size: 3 stride: 2 pad: 1 } }\n"
                        "layer { name: 'up' type: 'Deconvolution' bottom: 'down' top: 'up'\n"
                        "  convolution_param { num_output: 3 kernel_size: 4 stride: 2 } }\n"
                        "layer { name: 'score' type: 'Crop' bottom: 'up' bottom: 'data' top: 'score'\n"
                        "  crop_param { offset: 1 } }\n"
                        "layer { name: 'fuse' type: 'Eltwise' bottom: 'score' bottom: 'data' top: 'fuse' }\n");
    fv_trf *t = mc_trf(g);
    mc_expect_map(g, t, "up", 34, 34);
    mc_expect_map(g, t, "score", 32, 32);
    mc_expect_map(g, t, "fuse", 32, 32);
    fv_trf_free(t);
    fv_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ssd300),
        cmocka_unit_test(alexnet),
        cmocka_unit_test(faceboxes),
        cmocka_unit_test(in_place_and_legacy),
        cmocka_unit_test(lrn),
        cmocka_unit_test(pooling_rounding),
        cmocka_unit_test(crop_to_reference),
        cmocka_unit_test(crop_fcn_style),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
