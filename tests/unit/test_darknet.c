/* The Darknet .cfg frontend on the real files in tests/data/darknet (copied
 * from the shared model folder). Each test names where its numbers come from. */
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

typedef fv_status (*parse_fn)(const char *, size_t, const char *, fv_graph **, fv_diag *);

/* `text` through a frontend (fv_darknet_parse or fv_text_parse). */
static fv_graph *parse(parse_fn fn, const char *text)
{
    fv_graph *g = NULL;
    fv_diag d;
    fv_diag_init(&d);
    if (fn(text, strlen(text), "t", &g, &d) != FV_OK)
        fail_msg("t:%d:%d: %s", d.pos.line, d.pos.col, d.message);
    return g;
}

/* The name of input k of node `name`. */
static const char *input_of(const fv_graph *g, const char *name, size_t k)
{
    return fv_graph_name(g, fv_graph_input(g, mc_find(g, name), k));
}

/* Asserts that node `name` has op `op` and reads node `input` (first input). */
static void expect(const fv_graph *g, const char *name, fv_op op, const char *input)
{
    assert_string_equal(fv_op_name(fv_graph_op(g, mc_find(g, name))), fv_op_name(op));
    assert_string_equal(input_of(g, name, 0), input);
}

/* Darknet applies a layer's activation to its output (parser.c: conv and
 * connected default to logistic, shortcut, scale_channels, sam and
 * [activation] to linear; route, maxpool, upsample and the heads apply
 * none). The activation is a node after the layer's own, and the layer's
 * index and name select it: what route, shortcut and --layer mean by
 * layer k is its activated output. */
static void activations_are_nodes(void **state)
{
    static const char cfg[] = "[net]\nwidth=16\nheight=16\nchannels=3\n"    /* lines 1-4 */
                              "[convolutional]\nfilters=4\nsize=3\npad=1\n" /* 5-8: layer 0 */
                              "activation=leaky\n"                          /* 9 */
                              "[convolutional]\nfilters=4\nsize=3\npad=1\n" /* 10-13: 1 */
                              "[shortcut]\nfrom=-2\nactivation=relie\n"     /* 14-16: 2 */
                              "[convolutional]\nfilters=4\nsize=1\n"        /* 17-19: 3 */
                              "activation=linear\n"                         /* 20 */
                              "[activation]\nactivation=mish\n"             /* 21-22: 4 */
                              "[route]\nlayers=-1,0\n"                      /* 23-24: 5 */
                              "[maxpool]\nsize=2\nstride=2\n";              /* 25-27: 6 */
    fv_graph *g = parse(fv_darknet_parse, cfg);
    assert_int_equal(fv_graph_size(g), 11);
    expect(g, "0_convolutional.conv", FV_OP_CONV, "input");
    expect(g, "0_convolutional.leaky", FV_OP_LEAKY_RELU, "0_convolutional.conv");
    int32_t leaky = mc_find(g, "0_convolutional.leaky");
    assert_true(fv_graph_params(g, leaky)->pointwise.alpha == 0.1); /* not PyTorch's 0.01 */
    assert_int_equal(fv_graph_pos(g, leaky).line, 9);
    assert_int_equal(fv_graph_pos(g, leaky).col, 12);
    assert_int_equal(fv_graph_select(g, "0"), leaky);
    assert_int_equal(fv_graph_select(g, "0_convolutional"), leaky);
    expect(g, "1_convolutional.conv", FV_OP_CONV, "0_convolutional.leaky");
    expect(g, "1_convolutional.logistic", FV_OP_SIGMOID, "1_convolutional.conv");
    assert_int_equal(fv_graph_pos(g, mc_find(g, "1_convolutional.logistic")).line, 10);
    expect(g, "2_shortcut.add", FV_OP_ADD, "1_convolutional.logistic");
    assert_string_equal(input_of(g, "2_shortcut.add", 1), "0_convolutional.leaky");
    expect(g, "2_shortcut.relie", FV_OP_LEAKY_RELU, "2_shortcut.add");
    assert_true(fv_graph_params(g, mc_find(g, "2_shortcut.relie"))->pointwise.alpha == 0.01);
    expect(g, "3_convolutional", FV_OP_CONV, "2_shortcut.relie"); /* linear: one node */
    expect(g, "4_activation", FV_OP_MISH, "3_convolutional");
    expect(g, "5_route", FV_OP_CONCAT, "4_activation");
    assert_string_equal(input_of(g, "5_route", 1), "0_convolutional.leaky");
    expect(g, "6_maxpool", FV_OP_MAX_POOL, "5_route");
    assert_int_equal(fv_graph_n_warnings(g), 0);
    fv_trf *t = mc_trf(g);
    mc_expect_rf(g, t, "0", 3, 1, 1);
    mc_expect_rf(g, t, "0_convolutional.conv", 3, 1, 1);
    mc_expect_rf(g, t, "2_shortcut.relie", 5, 1, 2);
    fv_trf_free(t);
    fv_graph_free(g);
}

/* Each of Darknet's activations (activations.h): the op and constant
 * fovea computes it with, or none for those the ERF engine has no kernel
 * for, which keep their receptive field and are refused by the engine
 * with the activation's name, at the line that gives it. */
static void every_activation(void **state)
{
    static const struct {
        const char *name;
        fv_op op;
        double alpha;
        int exact;
    } cases[] = {
        {"logistic", FV_OP_SIGMOID, 0, 1}, {"relu", FV_OP_RELU, 0, 1},
        {"relu6", FV_OP_RELU6, 0, 1},      {"leaky", FV_OP_LEAKY_RELU, 0.1, 1},
        {"revleaky", FV_OP_LEAKY_RELU, 0.1, 1}, {"relie", FV_OP_LEAKY_RELU, 0.01, 1},
        {"elu", FV_OP_ELU, 1, 1},          {"tanh", FV_OP_TANH, 0, 1},
        {"swish", FV_OP_SILU, 0, 1},       {"mish", FV_OP_MISH, 0, 1},
        {"loggy", FV_OP_IDENTITY, 0, 0},   {"selu", FV_OP_IDENTITY, 0, 0},
        {"gelu", FV_OP_IDENTITY, 0, 0},    {"ramp", FV_OP_IDENTITY, 0, 0},
        {"plse", FV_OP_IDENTITY, 0, 0},    {"stair", FV_OP_IDENTITY, 0, 0},
        {"hardtan", FV_OP_IDENTITY, 0, 0}, {"lhtan", FV_OP_IDENTITY, 0, 0},
        {"hard_mish", FV_OP_IDENTITY, 0, 0},
        {"normalize_channels", FV_OP_IDENTITY, 0, 0},
        {"normalize_channels_softmax", FV_OP_IDENTITY, 0, 0},
        {"normalize_channels_softmax_maxval", FV_OP_IDENTITY, 0, 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char text[256], name[64];
        snprintf(text, sizeof text,
                 "[net]\nwidth=8\nheight=8\nchannels=1\n"
                 "[convolutional]\nfilters=2\nsize=3\nactivation=%s\n", cases[k].name);
        fv_graph *g = parse(fv_darknet_parse, text);
        snprintf(name, sizeof name, "0_convolutional.%s", cases[k].name);
        int32_t i = mc_find(g, name);
        assert_int_equal(fv_graph_select(g, "0"), i);
        assert_string_equal(fv_op_name(fv_graph_op(g, i)), fv_op_name(cases[k].op));
        if (cases[k].op == FV_OP_LEAKY_RELU || cases[k].op == FV_OP_ELU)
            assert_true(fv_graph_params(g, i)->pointwise.alpha == cases[k].alpha);
        fv_trf *t = mc_trf(g);
        mc_expect_rf(g, t, name, 3, 1, 0);
        fv_trf_free(t);
        fv_erf_options o;
        fv_erf_options_init(&o);
        o.weights = FV_ERF_RANDOM;
        fv_erf_result *r = NULL;
        fv_diag d;
        fv_diag_init(&d);
        fv_status st = fv_erf_compute(g, i, &o, &r, &d);
        if (cases[k].exact) {
            if (st != FV_OK)
                fail_msg("%s: %s", cases[k].name, d.message);
        } else {
            char want[200];
            snprintf(want, sizeof want,
                     "%s: the ERF engine has no kernel for Darknet's activation '%s' (read as "
                     "identity for receptive fields only)",
                     name, cases[k].name);
            assert_int_equal(st, FV_ERR_UNSUPPORTED);
            assert_string_equal(d.message, want);
            assert_int_equal(d.pos.line, 8);
        }
        fv_erf_free(r);
        fv_graph_free(g);
    }
}

/* Max |a - b| over two maps of the same window, and the larger max |.|. */
static double map_difference(const fv_erf_result *a, const fv_erf_result *b, double *scale)
{
    int64_t ha, wa, ya, xa, hb, wb, yb, xb;
    const double *ma = fv_erf_map(a, &ha, &wa, &ya, &xa);
    const double *mb = fv_erf_map(b, &hb, &wb, &yb, &xb);
    assert_true(ha == hb && wa == wb && ya == yb && xa == xb);
    double diff = 0;
    *scale = 0;
    for (int64_t q = 0; q < ha * wa; q++) {
        diff = fmax(diff, fabs(ma[q] - mb[q]));
        *scale = fmax(*scale, fmax(fabs(ma[q]), fabs(mb[q])));
    }
    return diff;
}

static fv_erf_result *random_erf(const fv_graph *g, const char *layer)
{
    fv_erf_options o;
    fv_erf_options_init(&o);
    o.weights = FV_ERF_RANDOM;
    o.seed = 7;
    o.samples = 4;
    fv_erf_result *r = NULL;
    fv_diag d;
    fv_diag_init(&d);
    if (fv_erf_compute(g, fv_graph_select(g, layer), &o, &r, &d) != FV_OK)
        fail_msg("%s: %s", layer, d.message);
    return r;
}

/* The ERF of a cfg runs through its leaky ReLUs: it differs from the same
 * cfg with activation=linear, and equals, to float rounding, the same
 * network in the text format with leaky_relu alpha=0.1 (nodes in the same
 * order, so the same seeded He-normal weights). */
static void leaky_erf_matches_the_text_format(void **state)
{
    static const char cfg[] = "[net]\nwidth=24\nheight=24\nchannels=3\n"
                              "[convolutional]\nfilters=4\nsize=3\npad=1\nactivation=%s\n"
                              "[convolutional]\nfilters=4\nsize=3\npad=1\nactivation=%s\n"
                              "[shortcut]\nfrom=-2\nactivation=%s\n"
                              "[convolutional]\nfilters=2\nsize=3\nstride=2\npad=1\n"
                              "activation=%s\n";
    char text[512];
    snprintf(text, sizeof text, cfg, "leaky", "leaky", "leaky", "leaky");
    fv_graph *leaky = parse(fv_darknet_parse, text);
    snprintf(text, sizeof text, cfg, "linear", "linear", "linear", "linear");
    fv_graph *linear = parse(fv_darknet_parse, text);
    fv_graph *fv = parse(fv_text_parse, "input size=24 c=3\n"
                            "c0: conv k=3 p=1 c=4; l0: leaky_relu alpha=0.1\n"
                            "c1: conv k=3 p=1 c=4; l1: leaky_relu alpha=0.1\n"
                            "s2: add from=l1,l0; l2: leaky_relu alpha=0.1\n"
                            "c3: conv k=3 s=2 p=1 c=2; l3: leaky_relu alpha=0.1\n");
    assert_int_equal(fv_graph_size(leaky), fv_graph_size(fv));
    fv_erf_result *a = random_erf(leaky, "3"), *b = random_erf(linear, "3");
    fv_erf_result *c = random_erf(fv, "l3");
    double scale, diff = map_difference(a, b, &scale);
    assert_true(diff > 0.05 * scale);
    diff = map_difference(a, c, &scale);
    assert_true(scale > 0);
    if (diff > 1e-6 * scale)
        fail_msg("cfg and text ERFs differ by %g of %g", diff, scale);
    fv_erf_free(a);
    fv_erf_free(b);
    fv_erf_free(c);
    fv_graph_free(leaky);
    fv_graph_free(linear);
    fv_graph_free(fv);
}

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

/* yolov3.cfg's references mean the activated outputs: route layers=-4 at
 * 83 reads layer 79's leaky, shortcut from=-3 at 4 adds layer 1's leaky to
 * layer 3's; the prediction convs (linear) stay one node each. */
static void yolov3_references(void **state)
{
    fv_graph *g = LOAD("tests/data/darknet/yolov3.cfg");
    assert_string_equal(fv_graph_name(g, fv_graph_select(g, "104")), "104_convolutional.leaky");
    assert_string_equal(fv_graph_name(g, fv_graph_select(g, "105")), "105_convolutional");
    expect(g, "83_route", FV_OP_IDENTITY, "79_convolutional.leaky");
    expect(g, "86_route", FV_OP_CONCAT, "85_upsample");
    assert_string_equal(input_of(g, "86_route", 1), "61_shortcut");
    expect(g, "4_shortcut", FV_OP_ADD, "3_convolutional.leaky");
    assert_string_equal(input_of(g, "4_shortcut", 1), "1_convolutional.leaky");
    expect(g, "106_yolo", FV_OP_IDENTITY, "105_convolutional");
    assert_int_equal(fv_graph_head(g, 2)->node, mc_find(g, "106_yolo"));
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
 * slice; the add (before the shortcut's leaky) stays aligned. */
static void resnet50_shortcut_sampling(void **state)
{
    fv_graph *g = LOAD("tests/data/darknet/resnet50.cfg");
    fv_trf *t = mc_trf(g);
    assert_true(fv_graph_find(g, "17_shortcut/sample1") >= 0);
    fv_rf rf;
    fv_trf_get(t, fv_graph_find(g, "17_shortcut.add"), &rf);
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
        cmocka_unit_test(yolov3_references),
        cmocka_unit_test(darknet53_stages_by_hand),
        cmocka_unit_test(yolov2_region_head),
        cmocka_unit_test(resnet50_shortcut_sampling),
        cmocka_unit_test(activations_are_nodes),
        cmocka_unit_test(every_activation),
        cmocka_unit_test(leaky_erf_matches_the_text_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
