/* The built-in model zoo: every entry parses and analyses, and every
 * published number of REFERENCE.md sections 2 and 3 that the zoo covers is
 * reproduced (RF, effective stride, effective padding). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fovea.h"

typedef struct expect {
    const char *layer; /* a node name, or a scope prefix (block3, Mixed_6e, layer2) */
    int64_t rf, stride, padding;
} expect;

/* Loads zoo:NAME, analyses it at `size` and checks every row on both axes. */
static void check(const char *name, int64_t size, const expect *rows, size_t n)
{
    char path[64];
    snprintf(path, sizeof path, "zoo:%s", name);
    fv_graph *g = NULL;
    fv_diag d;
    fv_diag_init(&d);
    if (fv_model_load(path, &g, &d) != FV_OK)
        fail_msg("%s: %s", path, d.message);
    int64_t hw[2] = {size, size};
    fv_trf *trf = NULL;
    if (fv_trf_compute(g, hw, &trf, &d) != FV_OK)
        fail_msg("%s at %lld: %s", path, (long long)size, d.message);
    for (size_t k = 0; k < n; k++) {
        int32_t i = fv_graph_find(g, rows[k].layer);
        if (i < 0)
            i = fv_graph_select(g, rows[k].layer);
        if (i < 0)
            fail_msg("%s: no layer '%s'", name, rows[k].layer);
        fv_rf rf;
        fv_trf_get(trf, i, &rf);
        assert_false(rf.whole_input);
        for (int a = 0; a < FV_AXES; a++) {
            const fv_rf_axis *ax = &rf.axis[a];
            if (ax->size_max != rows[k].rf || ax->size_min != ax->size_max ||
                ax->stride.num != rows[k].stride || ax->stride.den != 1 ||
                ax->padding != rows[k].padding)
                fail_msg("%s %s (%s) axis %d at %lld: got %lld-%lld/%lld/%lld, want %lld/%lld/%lld",
                         name, rows[k].layer, fv_graph_name(g, i), a, (long long)size,
                         (long long)ax->size_min, (long long)ax->size_max,
                         (long long)ax->stride.num, (long long)ax->padding,
                         (long long)rows[k].rf, (long long)rows[k].stride,
                         (long long)rows[k].padding);
        }
        if (rf.merge)
            assert_true(rf.aligned);
    }
    fv_trf_free(trf);
    fv_graph_free(g);
}

#define CHECK(name, size, ...)                                                            \
    do {                                                                                  \
        static const expect rows_[] = {__VA_ARGS__};                                      \
        check(name, size, rows_, sizeof rows_ / sizeof rows_[0]);                         \
    } while (0)

/* Every entry parses and analyses at 224 (or at its own larger input size). */
static void test_every_entry_analyses(void **state)
{
    (void)state;
    assert_true(fv_zoo_size() > 0);
    for (size_t k = 0; k < fv_zoo_size(); k++) {
        assert_non_null(fv_zoo_description(k));
        assert_true(strlen(fv_zoo_description(k)) > 0);
        assert_true(strlen(fv_zoo_source(k)) > 0);
        char path[64];
        snprintf(path, sizeof path, "zoo:%s", fv_zoo_name(k));
        fv_graph *g = NULL;
        fv_diag d;
        fv_diag_init(&d);
        if (fv_model_load(path, &g, &d) != FV_OK)
            fail_msg("%s: %s", path, d.message);
        /* 224, or the declared size where the network needs more (SSD300's
         * unpadded conv8_2/conv9_2 need at least 268 pixels). */
        int64_t hw[2];
        fv_graph_input_size(g, hw);
        for (int a = 0; a < 2; a++)
            if (hw[a] < 224)
                hw[a] = 224;
        fv_trf *trf = NULL;
        if (fv_trf_compute(g, hw, &trf, &d) != FV_OK)
            fail_msg("%s at %lldx%lld: %s", path, (long long)hw[0], (long long)hw[1], d.message);
        fv_trf_free(trf);
        fv_graph_free(g);
    }
}

/* REFERENCE.md s2, alexnet_v2 per-endpoint values (224) */
static void test_alexnet_v2(void **state)
{
    (void)state;
    CHECK("alexnet_v2", 224, {"conv1", 11, 4, 0}, {"pool1", 19, 8, 0}, {"conv2", 51, 8, 16},
          {"conv3", 99, 16, 32}, {"conv4", 131, 16, 48}, {"conv5", 163, 16, 64},
          {"pool5", 195, 32, 64}); /* REFERENCE.md s2 table: pool5 195/32/64 */
}

/* REFERENCE.md s2, vgg_16 per-endpoint values (224); pool5 212/32/90 */
static void test_vgg_16(void **state)
{
    (void)state;
    CHECK("vgg_16", 224, {"conv1_1", 3, 1, 1}, {"pool1", 6, 2, 2}, {"conv2_1", 10, 2, 4},
          {"pool2", 16, 4, 6}, {"conv3_1", 24, 4, 10}, {"conv3_2", 32, 4, 14},
          {"pool3", 44, 8, 18}, {"conv4_1", 60, 8, 26}, {"conv4_2", 76, 8, 34},
          {"pool4", 100, 16, 42}, {"conv5_1", 132, 16, 58}, {"conv5_2", 164, 16, 74},
          {"pool5", 212, 32, 90});
}

/* REFERENCE.md s2, mobilenet_v1 Conv2d_N_pointwise (224); 13: 315/32/126 */
static void test_mobilenet_v1(void **state)
{
    (void)state;
    CHECK("mobilenet_v1", 224, {"Conv2d_0", 3, 2, 0}, {"Conv2d_1_pointwise", 7, 2, 2},
          {"Conv2d_2_pointwise", 11, 4, 2}, {"Conv2d_3_pointwise", 19, 4, 6},
          {"Conv2d_4_pointwise", 27, 8, 6}, {"Conv2d_5_pointwise", 43, 8, 14},
          {"Conv2d_6_pointwise", 59, 16, 14}, {"Conv2d_7_pointwise", 91, 16, 30},
          {"Conv2d_8_pointwise", 123, 16, 46}, {"Conv2d_9_pointwise", 155, 16, 62},
          {"Conv2d_10_pointwise", 187, 16, 78}, {"Conv2d_11_pointwise", 219, 16, 94},
          {"Conv2d_12_pointwise", 251, 32, 94}, {"Conv2d_13_pointwise", 315, 32, 126});
}

/* REFERENCE.md s2, resnet_v1_50 blocks 1-4 at 224 and the 321-input paddings */
static void test_resnet_v1_50(void **state)
{
    (void)state;
    CHECK("resnet_v1_50", 224, {"block1", 35, 8, 15}, {"block2", 99, 16, 47},
          {"block3", 291, 32, 143}, {"block4", 483, 32, 239});
    /* REFERENCE.md s2: at 321 the padding becomes 17/49/145/241 (SAME pool1) */
    CHECK("resnet_v1_50", 321, {"block1", 35, 8, 17}, {"block2", 99, 16, 49},
          {"block3", 291, 32, 145}, {"block4", 483, 32, 241});
}

/* REFERENCE.md s2 table: final endpoints of the deeper TF-Slim ResNets */
static void test_resnet_v1_deep(void **state)
{
    (void)state;
    CHECK("resnet_v1_101", 224, {"block4", 1027, 32, 511}); /* s2: 1027/32/511 */
    CHECK("resnet_v1_152", 224, {"block4", 1507, 32, 751}); /* s2: 1507/32/751 */
    CHECK("resnet_v1_200", 224, {"block4", 1763, 32, 879}); /* s2: 1763/32/879 */
}

/* REFERENCE.md s2, inception_v3 per-endpoint values (224); Mixed_7c 1311/32/618 */
static void test_inception_v3(void **state)
{
    (void)state;
    CHECK("inception_v3", 224, {"Conv2d_1a_3x3", 3, 2, 0}, {"Conv2d_2a_3x3", 7, 2, 0},
          {"Conv2d_2b_3x3", 11, 2, 2}, {"MaxPool_3a_3x3", 15, 4, 2},
          {"Conv2d_4a_3x3", 23, 4, 2}, {"MaxPool_5a_3x3", 31, 8, 2}, {"Mixed_5b", 63, 8, 18},
          {"Mixed_5c", 95, 8, 34}, {"Mixed_5d", 127, 8, 50}, {"Mixed_6a", 159, 16, 58},
          {"Mixed_6b", 351, 16, 154}, {"Mixed_6c", 543, 16, 250}, {"Mixed_6d", 735, 16, 346},
          {"Mixed_6e", 927, 16, 442}, {"Mixed_7a", 1055, 32, 490}, {"Mixed_7b", 1183, 32, 554},
          {"Mixed_7c", 1311, 32, 618});
}

/* REFERENCE.md s2: torchvision ResNet-50 stages 35/91/267/427 (stride in the
 * first unit). Strides 4..32; the paddings are fovea's (all explicit and
 * symmetric in torchvision, so the RF is centred: P = (RF - S) / 2 rounded down). */
static void test_torchvision_resnet50(void **state)
{
    (void)state;
    CHECK("resnet50", 224, {"layer1", 35, 4, 17}, {"layer2", 91, 8, 45},
          {"layer3", 267, 16, 133}, {"layer4", 427, 32, 213});
}

/* REFERENCE.md s2 table, the final endpoints of the other TF-Slim Inceptions */
static void test_inception_v2_v4_resnet(void **state)
{
    (void)state;
    CHECK("inception_v2", 224, {"Mixed_5c", 699, 32, 318});          /* s2: 699/32/318 */
    CHECK("inception_v4", 224, {"Mixed_7d", 2071, 32, 998});         /* s2: 2071/32/998 */
    CHECK("inception_resnet_v2", 224, {"Conv2d_7b_1x1", 3039, 32, 1482}); /* s2: 3039/32/1482 */
}

/* Every endpoint of the TF-Slim Inceptions at 224 and at 321, from the
 * table REFERENCE.md s2 takes its final endpoints from
 * (google-research/receptive_field RECEPTIVE_FIELD_TABLE.md). At 321 the
 * all-SAME inception_v2 pads differently (its stride-2 layers pad 1 more
 * before at an odd size); the VALID stems of v3, v4 and Inception-ResNet
 * give the same paddings at both sizes. */
static void test_slim_inception_endpoints(void **state)
{
    (void)state;
    CHECK("inception_v2", 224, {"Conv2d_1a_7x7", 7, 2, 2}, {"MaxPool_2a_3x3", 11, 4, 2},
          {"Conv2d_2b_1x1", 11, 4, 2}, {"Conv2d_2c_3x3", 19, 4, 6}, {"MaxPool_3a_3x3", 27, 8, 6},
          {"Mixed_3b", 59, 8, 22}, {"Mixed_3c", 91, 8, 38}, {"Mixed_4a", 123, 16, 46},
          {"Mixed_4b", 187, 16, 78}, {"Mixed_4c", 251, 16, 110}, {"Mixed_4d", 315, 16, 142},
          {"Mixed_4e", 379, 16, 174}, {"Mixed_5a", 443, 32, 190}, {"Mixed_5b", 571, 32, 254},
          {"Mixed_5c", 699, 32, 318});
    CHECK("inception_v2", 321, {"Conv2d_1a_7x7", 7, 2, 3}, {"MaxPool_2a_3x3", 11, 4, 5},
          {"Conv2d_2b_1x1", 11, 4, 5}, {"Conv2d_2c_3x3", 19, 4, 9}, {"MaxPool_3a_3x3", 27, 8, 13},
          {"Mixed_3b", 59, 8, 29}, {"Mixed_3c", 91, 8, 45}, {"Mixed_4a", 123, 16, 61},
          {"Mixed_4b", 187, 16, 93}, {"Mixed_4c", 251, 16, 125}, {"Mixed_4d", 315, 16, 157},
          {"Mixed_4e", 379, 16, 189}, {"Mixed_5a", 443, 32, 221}, {"Mixed_5b", 571, 32, 285},
          {"Mixed_5c", 699, 32, 349});
    CHECK("inception_v3", 321, {"Conv2d_1a_3x3", 3, 2, 0}, {"Conv2d_2b_3x3", 11, 2, 2},
          {"MaxPool_5a_3x3", 31, 8, 2}, {"Mixed_5b", 63, 8, 18}, {"Mixed_6a", 159, 16, 58},
          {"Mixed_6e", 927, 16, 442}, {"Mixed_7a", 1055, 32, 490}, {"Mixed_7c", 1311, 32, 618});
    for (int64_t size = 224; size <= 321; size += 97) {
        CHECK("inception_v4", size, {"Conv2d_1a_3x3", 3, 2, 0}, {"Conv2d_2a_3x3", 7, 2, 0},
              {"Conv2d_2b_3x3", 11, 2, 2}, {"Mixed_3a", 15, 4, 2}, {"Mixed_4a", 47, 4, 14},
              {"Mixed_5a", 55, 8, 14}, {"Mixed_5b", 87, 8, 30}, {"Mixed_5c", 119, 8, 46},
              {"Mixed_5d", 151, 8, 62}, {"Mixed_5e", 183, 8, 78}, {"Mixed_6a", 215, 16, 86},
              {"Mixed_6b", 407, 16, 182}, {"Mixed_6c", 599, 16, 278},
              {"Mixed_6d", 791, 16, 374}, {"Mixed_6e", 983, 16, 470},
              {"Mixed_6f", 1175, 16, 566}, {"Mixed_6g", 1367, 16, 662},
              {"Mixed_6h", 1559, 16, 758}, {"Mixed_7a", 1687, 32, 806},
              {"Mixed_7b", 1815, 32, 870}, {"Mixed_7c", 1943, 32, 934},
              {"Mixed_7d", 2071, 32, 998});
        /* TF-Slim's PreAuxLogits endpoint is the output of the 20 block17s. */
        CHECK("inception_resnet_v2", size, {"Conv2d_1a_3x3", 3, 2, 0},
              {"Conv2d_2a_3x3", 7, 2, 0}, {"Conv2d_2b_3x3", 11, 2, 2},
              {"MaxPool_3a_3x3", 15, 4, 2}, {"Conv2d_3b_1x1", 15, 4, 2},
              {"Conv2d_4a_3x3", 23, 4, 2}, {"MaxPool_5a_3x3", 31, 8, 2}, {"Mixed_5b", 63, 8, 18},
              {"Mixed_6a", 415, 16, 186}, {"Repeat_1.block17_20", 2335, 16, 1146},
              {"Mixed_7a", 2399, 32, 1162}, {"Conv2d_7b_1x1", 3039, 32, 1482});
    }
}

/* The same table at 321: MobileNet v1 and the ResNets pad by the input
 * size (SAME), AlexNet v2 and VGG-16 do not. */
static void test_slim_endpoints_321(void **state)
{
    (void)state;
    CHECK("mobilenet_v1", 321, {"Conv2d_0", 3, 2, 1}, {"Conv2d_1_pointwise", 7, 2, 3},
          {"Conv2d_2_pointwise", 11, 4, 5}, {"Conv2d_3_pointwise", 19, 4, 9},
          {"Conv2d_4_pointwise", 27, 8, 13}, {"Conv2d_5_pointwise", 43, 8, 21},
          {"Conv2d_6_pointwise", 59, 16, 29}, {"Conv2d_7_pointwise", 91, 16, 45},
          {"Conv2d_8_pointwise", 123, 16, 61}, {"Conv2d_9_pointwise", 155, 16, 77},
          {"Conv2d_10_pointwise", 187, 16, 93}, {"Conv2d_11_pointwise", 219, 16, 109},
          {"Conv2d_12_pointwise", 251, 32, 125}, {"Conv2d_13_pointwise", 315, 32, 157});
    CHECK("resnet_v1_101", 224, {"block1", 35, 8, 15}, {"block2", 99, 16, 47},
          {"block3", 835, 32, 415}, {"block4", 1027, 32, 511});
    CHECK("resnet_v1_101", 321, {"block1", 35, 8, 17}, {"block2", 99, 16, 49},
          {"block3", 835, 32, 417}, {"block4", 1027, 32, 513});
    CHECK("resnet_v1_152", 224, {"block1", 35, 8, 15}, {"block2", 163, 16, 79},
          {"block3", 1315, 32, 655}, {"block4", 1507, 32, 751});
    CHECK("resnet_v1_152", 321, {"block1", 35, 8, 17}, {"block2", 163, 16, 81},
          {"block3", 1315, 32, 657}, {"block4", 1507, 32, 753});
    CHECK("resnet_v1_200", 224, {"block1", 35, 8, 15}, {"block2", 419, 16, 207},
          {"block3", 1571, 32, 783}, {"block4", 1763, 32, 879});
    CHECK("resnet_v1_200", 321, {"block1", 35, 8, 17}, {"block2", 419, 16, 209},
          {"block3", 1571, 32, 785}, {"block4", 1763, 32, 881});
    CHECK("alexnet_v2", 321, {"conv1", 11, 4, 0}, {"conv2", 51, 8, 16}, {"pool5", 195, 32, 64});
    CHECK("vgg_16", 321, {"pool1", 6, 2, 2}, {"pool3", 44, 8, 18}, {"pool5", 212, 32, 90});
}

/* Accumulates one layer into an expected row by Araujo et al.'s recurrences
 * (REFERENCE.md s1): r += (k - 1) * j, P += p * j, j *= s. */
static void grow(expect *e, int64_t k, int64_t s, int64_t p)
{
    e->rf += (k - 1) * e->stride;
    e->padding += p * e->stride;
    e->stride *= s;
}

/* torchvision MobileNet v2: every block's end (features.N, its add or its
 * last BN), derived here from the (t, c, n, s) table of Sandler et al.
 * 2018: only the 3x3s (p=1) grow the RF; the stride is on a stage's first. */
static void test_torchvision_mobilenet_v2(void **state)
{
    (void)state;
    static const int stages[7][2] = {{1, 1}, {2, 2}, {3, 2}, {4, 2}, {3, 1}, {3, 2}, {1, 1}};
    expect rows[18];
    char names[18][24];
    expect e = {NULL, 1, 1, 0};
    grow(&e, 3, 2, 1); /* features.0: 3x3 stride 2 */
    int block = 1;
    for (int st = 0; st < 7; st++)
        for (int i = 0; i < stages[st][0]; i++, block++) {
            grow(&e, 3, i == 0 ? stages[st][1] : 1, 1);
            snprintf(names[block - 1], sizeof names[0], "features.%d", block);
            rows[block - 1] = e;
            rows[block - 1].layer = names[block - 1];
        }
    assert_int_equal(block, 18);
    rows[17] = e; /* features.18: 1x1 */
    rows[17].layer = "features.18";
    assert_int_equal(e.rf, 491); /* 3 + 2 * (2 + 2*4 + 3*8 + 4*16 + 3*16 + 3*32 + 1*32) */
    check("mobilenet_v2", 224, rows, 18);
}

/* torchvision DenseNet-121: the end of every dense block and transition,
 * derived from its layout (Huang et al. 2017): conv0 7x7/2 p3, pool0 3x3/2
 * p1, dense layers 1x1 + 3x3 p1 (6, 12, 24, 16 of them), transitions 1x1
 * + 2x2/2 average pool. A block's end is the concat of every path, and the
 * deepest one decides its RF: they are all centred alike. */
static void test_torchvision_densenet121(void **state)
{
    (void)state;
    static const int layers[4] = {6, 12, 24, 16};
    expect rows[8];
    char names[8][40];
    expect e = {NULL, 1, 1, 0};
    grow(&e, 7, 2, 3);
    grow(&e, 3, 2, 1);
    size_t n = 0;
    for (int b = 0; b < 4; b++) {
        for (int i = 0; i < layers[b]; i++)
            grow(&e, 3, 1, 1);
        snprintf(names[n], sizeof names[0], "features.denseblock%d", b + 1);
        rows[n] = e;
        rows[n].layer = names[n];
        n++;
        if (b == 3)
            break;
        grow(&e, 2, 2, 0);
        snprintf(names[n], sizeof names[0], "features.transition%d", b + 1);
        rows[n] = e;
        rows[n].layer = names[n];
        n++;
    }
    rows[n] = e;
    rows[n++].layer = "features.norm5";
    assert_int_equal(e.rf, 2071);
    check("densenet121", 224, rows, n);
}

/* REFERENCE.md s2: torchvision VGG-16 pools 6/16/44/100/212 (strides 2..32;
 * paddings as TF-Slim's, the 3x3 SAME convs pad 1 as torchvision does) */
static void test_torchvision_vgg16(void **state)
{
    (void)state;
    CHECK("vgg16", 224, {"features.4", 6, 2, 2}, {"features.9", 16, 4, 6},
          {"features.16", 44, 8, 18}, {"features.23", 100, 16, 42},
          {"features.30", 212, 32, 90}, {"features", 212, 32, 90});
}

/* REFERENCE.md s3, S3FD Table 1 (640 input): the RF column counts the 3x3
 * prediction conv, so it is checked on the *_mbox_conf layers; the backbone
 * layers alone give 40/92/196/276/340/468. Strides 4..128 from Table 1.
 * Paddings are not in the paper; by P += p * j (REFERENCE.md s1) on the
 * released prototxt: conv5_3 90, pool5 (2x2, no pad) 90, fc6 (pad 3 at
 * j = 32) 186, conv6_2 (pad 1, j = 32) 218, conv7_2 (j = 64) 282, and each
 * 3x3 prediction conv adds its j. */
static void test_s3fd(void **state)
{
    (void)state;
    CHECK("s3fd", 640, {"conv3_3_norm_mbox_conf", 48, 4, 22}, {"conv4_3_norm_mbox_conf", 108, 8, 50},
          {"conv5_3_norm_mbox_conf", 228, 16, 106}, {"fc7_mbox_conf", 340, 32, 218},
          {"conv6_2_mbox_conf", 468, 64, 282}, {"conv7_2_mbox_conf", 724, 128, 410},
          {"conv3_3", 40, 4, 18}, {"conv4_3", 92, 8, 42}, {"conv5_3", 196, 16, 90},
          {"fc7", 276, 32, 186}, {"conv6_2", 340, 64, 218}, {"conv7_2", 468, 128, 282});
}

/* S3FD's anchors: one square of 4 x stride per cell on each of the six
 * layers (Table 1), each head's step equal to its layer's stride. The
 * paper counts 34,125 = 160^2 + 80^2 + 40^2 + 20^2 + 10^2 + 5^2 at 640
 * (REFERENCE.md s3); the released prototxt pads fc6 by 3, so its last
 * three grids are 24, 12 and 6 (20 + 2*3 - 3 + 1 = 24, then halved with
 * pad 1): 160^2 + 80^2 + 40^2 + 24^2 + 12^2 + 6^2 = 34,356. */
static void test_s3fd_anchors(void **state)
{
    (void)state;
    fv_graph *g = NULL;
    fv_diag d;
    fv_diag_init(&d);
    assert_int_equal(fv_model_load("zoo:s3fd", &g, &d), FV_OK);
    fv_trf *trf = NULL;
    assert_int_equal(fv_trf_compute(g, NULL, &trf, &d), FV_OK);
    assert_int_equal(fv_graph_n_heads(g), 6);
    int64_t total = 0;
    for (size_t k = 0; k < fv_graph_n_heads(g); k++) {
        const fv_head *h = fv_graph_head(g, k);
        fv_rf rf;
        fv_trf_get(trf, h->node, &rf);
        int64_t stride = (int64_t)4 << k; /* Table 1: 4, 8, ..., 128 */
        assert_int_equal(rf.axis[0].stride.num, stride);
        assert_true(h->step[0] == (double)stride && h->step[1] == (double)stride);
        assert_int_equal(h->n_anchors, 1);
        assert_true(h->anchor_w[0] == 4.0 * stride && h->anchor_h[0] == 4.0 * stride);
        total += rf.axis[0].map_size * rf.axis[1].map_size * (int64_t)h->n_anchors;
    }
    assert_int_equal(total, 160 * 160 + 80 * 80 + 40 * 40 + 24 * 24 + 12 * 12 + 6 * 6);
    fv_trf_free(trf);
    fv_graph_free(g);
}

/* REFERENCE.md s3, SSD300: the prior-box layers' true effective strides are
 * 8, 16, 32, 64, 64, 64 (the last two do not match the steps 100 and 300). */
static void test_ssd300(void **state)
{
    (void)state;
    CHECK("ssd300", 300, {"conv4_3", 92, 8, 42}, {"fc7", 420, 16, 202},
          {"conv6_2", 452, 32, 218}, {"conv7_2", 516, 64, 250}, {"conv8_2", 644, 64, 250},
          {"conv9_2", 772, 64, 250});
    /* The prior boxes: steps 8..300 and min sizes 30..264 (REFERENCE.md s3),
     * each head's first box a min x min square; the last two steps are not
     * the layers' stride 64. */
    static const double steps[6] = {8, 16, 32, 64, 100, 300};
    static const double mins[6] = {30, 60, 111, 162, 213, 264};
    static const int64_t strides[6] = {8, 16, 32, 64, 64, 64};
    fv_graph *g = NULL;
    fv_diag d;
    fv_diag_init(&d);
    assert_int_equal(fv_model_load("zoo:ssd300", &g, &d), FV_OK);
    fv_trf *trf = NULL;
    assert_int_equal(fv_trf_compute(g, NULL, &trf, &d), FV_OK);
    assert_int_equal(fv_graph_n_heads(g), 6);
    for (size_t k = 0; k < 6; k++) {
        const fv_head *h = fv_graph_head(g, k);
        assert_int_equal(h->kind, FV_HEAD_PRIORBOX);
        assert_true(h->step[0] == steps[k] && h->step[1] == steps[k]);
        assert_true(h->anchor_w[0] == mins[k] && h->anchor_h[0] == mins[k]);
        fv_rf rf;
        fv_trf_get(trf, h->node, &rf);
        assert_int_equal(rf.axis[0].stride.num, strides[k]);
    }
    fv_trf_free(trf);
    fv_graph_free(g);
}

/* FaceBoxes (REFERENCE.md s3, Zhang et al. 2017). RDCL by r += (k - 1) j:
 * conv1 7x7/4 -> 7, pool1 3x3/2 -> 15, conv2 5x5/2 -> 47, pool2 3x3/2 ->
 * 79 at stride 32; each Inception module's deepest path (1x1, 3x3, 3x3)
 * adds 2 * 2 * 32 = 128: 207, 335, 463; conv3_2 3x3/2 -> 527 (stride 64),
 * conv4_2 3x3/2 -> 655 (stride 128). Paddings by P += p j: conv1 3, pool1
 * 3, conv2 3 + 2 * 8 = 19, pool2 19, each module + 2 * 32, conv3_2 + 32,
 * conv4_2 + 64. Anchors {32, 64, 128} at stride 32, {256} at 64, {512} at
 * 128; the paper densifies them to 21 boxes an Inception3 cell, which its
 * loc conv predicts (84 = 4 x 21 channels), but the prototxt's PriorBox
 * gives 3 and so does the zoo entry. */
static void test_faceboxes(void **state)
{
    (void)state;
    CHECK("faceboxes", 1024, {"conv1", 7, 4, 3}, {"pool1", 15, 8, 3}, {"conv2", 47, 16, 19},
          {"pool2", 79, 32, 19}, {"inception_a1_concat", 207, 32, 83},
          {"inception_a2_concat", 335, 32, 147}, {"inception_a3_concat", 463, 32, 211},
          {"conv3_2", 527, 64, 243}, {"conv4_2", 655, 128, 307});
    fv_graph *g = NULL;
    fv_diag d;
    fv_diag_init(&d);
    assert_int_equal(fv_model_load("zoo:faceboxes", &g, &d), FV_OK);
    fv_trf *trf = NULL;
    assert_int_equal(fv_trf_compute(g, NULL, &trf, &d), FV_OK);
    static const double sizes[3][3] = {{32, 64, 128}, {256}, {512}};
    static const size_t counts[3] = {3, 1, 1};
    assert_int_equal(fv_graph_n_heads(g), 3);
    for (size_t k = 0; k < 3; k++) {
        const fv_head *h = fv_graph_head(g, k);
        fv_rf rf;
        fv_trf_get(trf, h->node, &rf);
        assert_int_equal(rf.axis[0].stride.num, (int64_t)32 << k);
        assert_true(h->step[0] == (double)(32 << k));
        assert_int_equal(h->n_anchors, counts[k]);
        for (size_t i = 0; i < counts[k]; i++)
            assert_true(h->anchor_w[i] == sizes[k][i] && h->anchor_h[i] == sizes[k][i]);
    }
    assert_int_equal(fv_graph_channels(g, fv_graph_find(g, "inception_a3_concat_mbox_loc")),
                     4 * (4 * 4 + 2 * 2 + 1));
    fv_trf_free(trf);
    fv_graph_free(g);
}

/* Faster R-CNN's RPN conv on VGG-16 conv5_3: stride 16 (Ren et al. 2015),
 * and its anchors: 3 areas (128^2, 256^2, 512^2) x 3 aspect ratios on the
 * RPN conv's grid, 16 pixels apart (REFERENCE.md s3, issue 3). */
static void test_faster_rcnn(void **state)
{
    (void)state;
    CHECK("faster_rcnn", 600, {"conv5_3", 196, 16, 90}, {"rpn_conv_3x3", 228, 16, 106});
    fv_graph *g = NULL;
    fv_diag d;
    fv_diag_init(&d);
    assert_int_equal(fv_model_load("zoo:faster_rcnn", &g, &d), FV_OK);
    assert_int_equal(fv_graph_n_heads(g), 1);
    const fv_head *h = fv_graph_head(g, 0);
    assert_int_equal(h->kind, FV_HEAD_RPN);
    assert_string_equal(fv_graph_name(g, h->node), "rpn_relu_3x3");
    assert_int_equal(fv_graph_input(g, h->node, 0), fv_graph_find(g, "rpn_conv_3x3"));
    assert_true(h->step[0] == 16 && h->step[1] == 16);
    assert_int_equal(h->n_anchors, 9);
    static const double areas[3] = {128.0 * 128, 256.0 * 256, 512.0 * 512};
    static const double ratios[3] = {2, 1, 0.5}; /* width / height, ratio by ratio */
    for (size_t k = 0; k < 9; k++) {
        double w = h->anchor_w[k], hh = h->anchor_h[k];
        assert_true(fabs(w * hh - areas[k % 3]) < 1e-9 * areas[k % 3]);
        assert_true(fabs(w / hh - ratios[k / 3]) < 1e-12);
    }
    fv_graph_free(g);
}

/* REFERENCE.md s4: Luo et al. stacks, TRF 11/21/41/81, no padding */
static void test_luo(void **state)
{
    (void)state;
    CHECK("luo_5", 224, {"layers", 11, 1, 0});
    CHECK("luo_10", 224, {"layers", 21, 1, 0});
    CHECK("luo_20", 224, {"layers", 41, 1, 0});
    CHECK("luo_40", 224, {"layers", 81, 1, 0});
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_entry_analyses),
        cmocka_unit_test(test_alexnet_v2),
        cmocka_unit_test(test_vgg_16),
        cmocka_unit_test(test_mobilenet_v1),
        cmocka_unit_test(test_resnet_v1_50),
        cmocka_unit_test(test_resnet_v1_deep),
        cmocka_unit_test(test_inception_v3),
        cmocka_unit_test(test_torchvision_resnet50),
        cmocka_unit_test(test_torchvision_vgg16),
        cmocka_unit_test(test_inception_v2_v4_resnet),
        cmocka_unit_test(test_slim_inception_endpoints),
        cmocka_unit_test(test_slim_endpoints_321),
        cmocka_unit_test(test_torchvision_mobilenet_v2),
        cmocka_unit_test(test_torchvision_densenet121),
        cmocka_unit_test(test_s3fd),
        cmocka_unit_test(test_s3fd_anchors),
        cmocka_unit_test(test_ssd300),
        cmocka_unit_test(test_faceboxes),
        cmocka_unit_test(test_faster_rcnn),
        cmocka_unit_test(test_luo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
