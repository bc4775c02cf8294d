/* fovea anchors: detection heads against strides and receptive fields,
 * with the findings pinned to REFERENCE.md section 3 and hand derivations. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "finding_number.h"
#include "fovea.h"

static fv_graph *load(const char *path)
{
    char full[512];
    if (strncmp(path, "zoo:", 4) == 0)
        snprintf(full, sizeof full, "%s", path);
    else
        snprintf(full, sizeof full, "%s/%s", FOVEA_SOURCE_DIR, path);
    fv_graph *g = NULL;
    fv_diag d;
    fv_diag_init(&d);
    if (fv_model_load(full, &g, &d) != FV_OK)
        fail_msg("%s: %s", full, d.message);
    return g;
}

static fv_anchors *run(const fv_graph *g, const fv_anchors_options *o)
{
    fv_anchors *r = NULL;
    fv_diag d;
    fv_diag_init(&d);
    if (fv_anchors_run(g, o, &r, &d) != FV_OK)
        fail_msg("anchors: %s", d.message);
    return r;
}

/* The findings of `rule` on layer `name` (NULL: any layer). */
static size_t count(const fv_graph *g, const fv_anchors *r, fv_rule rule, const char *name)
{
    size_t n = 0;
    for (size_t k = 0; k < fv_anchors_n_findings(r); k++) {
        const fv_finding *f = fv_anchors_finding(r, k);
        n += f->rule == rule && (!name || (f->node >= 0 && strcmp(fv_graph_name(g, f->node), name) == 0));
    }
    return n;
}

static const fv_finding *first(const fv_graph *g, const fv_anchors *r, fv_rule rule, const char *name)
{
    for (size_t k = 0; k < fv_anchors_n_findings(r); k++) {
        const fv_finding *f = fv_anchors_finding(r, k);
        if (f->rule == rule && (!name || strcmp(fv_graph_name(g, f->node), name) == 0))
            return f;
    }
    fail_msg("no %s finding on %s", fv_rule_name(rule), name ? name : "any layer");
    return NULL;
}

/* SSD300 (REFERENCE.md s3): steps 8, 16, 32, 64, 100, 300 on maps of
 * effective stride 8, 16, 32, 64, 64, 64: the last two steps are reported.
 * Centres by hand: fc7 units at 7.5 + 16 i (VGG's 2x2 pools, SSD's 3x3/1
 * pool5); conv6_2 and conv7_2 (3x3/2, pad 1) take every other unit, so
 * conv7_2 unit k sits at 7.5 + 64 k; conv8_2 (3x3, no pad) unit i reads
 * conv7_2 units i..i+2, centred at 71.5 + 64 i; its anchors sit at
 * (i + 0.5) * 100: cell 2 is off by 250 - 199.5 = 50.5. conv9_2 reads
 * conv8_2's three units: centre 135.5, anchor 150, off by 14.5. */
static void ssd300_steps(void **state)
{
    (void)state;
    fv_graph *g = load("tests/data/caffe/ssd300_vgg16_voc_deploy.prototxt");
    fv_anchors *r = run(g, NULL);
    static const int64_t strides[6] = {8, 16, 32, 64, 64, 64};
    static const double steps[6] = {8, 16, 32, 64, 100, 300};
    assert_int_equal(fv_anchors_n_layers(r), 6);
    for (size_t k = 0; k < 6; k++) {
        const fv_anchor_layer *l = fv_anchors_layer(r, k);
        assert_int_equal(l->stride[0].num, strides[k]);
        assert_int_equal(l->stride[0].den, 1);
        assert_true(l->step[0] == steps[k] && l->step[1] == steps[k]);
    }
    assert_int_equal(count(g, r, FV_RULE_STEP, NULL), 2);
    const fv_finding *s8 = first(g, r, FV_RULE_STEP, "conv8_2_relu");
    assert_true(finding_number(s8, "step") == 100 && finding_number(s8, "stride") == 64);
    assert_true(finding_number(s8, "centre_error") == 50.5);
    const fv_finding *s9 = first(g, r, FV_RULE_STEP, "conv9_2_relu");
    assert_true(finding_number(s9, "step") == 300 && finding_number(s9, "centre_error") == 14.5);
    /* The box predictor of conv4_3 is its 3x3 mbox conv: VGG conv4_3's RF
     * 92 plus 2 * 8 = 108, S3FD Table 1's conv4_3 number (s3). */
    const fv_anchor_layer *c4 = fv_anchors_layer(r, 0);
    assert_string_equal(fv_graph_name(g, c4->predictor), "conv4_3_norm_mbox_loc");
    assert_int_equal(c4->trf[0], 108);
    /* min_size 30 and sqrt(30 * 60) (prior_box_layer.cpp). */
    assert_true(fabs(c4->scale_min - 30) < 1e-9 && fabs(c4->scale_max - sqrt(1800)) < 1e-9);
    /* conv6_2's grid: 7.5 + 32 i against anchors at 16 + 32 i: 8.5 px,
     * more than a quarter of the 32 px cell. */
    const fv_finding *c6 = first(g, r, FV_RULE_ANCHOR_CENTRE, "conv6_2_relu");
    assert_true(finding_number(c6, "centre_error") == 8.5 && finding_number(c6, "rf_centre") == 7.5);
    /* 162 px anchors every 64 px: density 2.53, FaceBoxes' rule asks for 2x. */
    const fv_finding *d7 = first(g, r, FV_RULE_DENSITY, "conv7_2_relu");
    assert_true(finding_number(d7, "factor") == 2);
    fv_anchors_free(r);
    fv_graph_free(g);
}

/* FaceBoxes (REFERENCE.md s3): densities 32/32 = 1, 64/32 = 2, 128/32,
 * 256/64 and 512/128 = 4; the paper densifies 32 px anchors 4x and 64 px
 * anchors 2x. */
static void faceboxes_density(void **state)
{
    (void)state;
    fv_graph *g = load("tests/data/caffe/faceboxes_deploy.prototxt");
    fv_anchors *r = run(g, NULL);
    assert_int_equal(count(g, r, FV_RULE_DENSITY, NULL), 2);
    const fv_finding *f = fv_anchors_finding(r, 0);
    for (size_t k = 0; k < fv_anchors_n_findings(r); k++) {
        f = fv_anchors_finding(r, k);
        if (f->rule != FV_RULE_DENSITY)
            continue;
        assert_string_equal(fv_graph_name(g, f->node), "inception_a3_concat");
        double anchor = finding_number(f, "anchor");
        assert_true((anchor == 32 && finding_number(f, "factor") == 4) ||
                    (anchor == 64 && finding_number(f, "factor") == 2));
    }
    static const int64_t strides[3] = {32, 64, 128};
    for (size_t k = 0; k < 3; k++)
        assert_int_equal(fv_anchors_layer(r, k)->stride[0].num, strides[k]);
    assert_int_equal(count(g, r, FV_RULE_STEP, NULL), 0);
    fv_anchors_free(r);
    fv_graph_free(g);
}

/* YOLOv3: [yolo] masks 6,7,8 / 3,4,5 / 0,1,2 at strides 32, 16, 8; anchors
 * (116,90) (156,198) (373,326) on the first. YOLO assigns boxes by centre
 * cell, so no density rule; the steps are the strides. */
static void yolov3_heads(void **state)
{
    (void)state;
    fv_graph *g = load("tests/data/darknet/yolov3.cfg");
    fv_anchors *r = run(g, NULL);
    assert_int_equal(fv_anchors_n_layers(r), 3);
    static const int64_t strides[3] = {32, 16, 8};
    for (size_t k = 0; k < 3; k++)
        assert_int_equal(fv_anchors_layer(r, k)->stride[0].num, strides[k]);
    const fv_anchor_layer *l = fv_anchors_layer(r, 0);
    assert_true(l->side_max == 373);
    assert_true(fabs(l->scale_min - sqrt(116.0 * 90.0)) < 1e-9);
    assert_int_equal(count(g, r, FV_RULE_DENSITY, NULL), 0);
    assert_int_equal(count(g, r, FV_RULE_STEP, NULL), 0);
    for (size_t k = 0; k < fv_anchors_n_findings(r); k++)
        assert_int_equal(fv_anchors_finding(r, k)->severity, FV_SEVERITY_INFO);
    fv_anchors_free(r);
    fv_graph_free(g);
}

/* S3FD with its Table 1 anchors given as heads: TRF 48 / 108 / 228 / 340 /
 * 468 / 724 (REFERENCE.md s3), anchor = 4 x stride everywhere, so no density
 * or size finding; --objects 16-512 lands each anchor on its own layer. */
static void s3fd_table1(void **state)
{
    (void)state;
    fv_graph *g = load("zoo:s3fd");
    /* The prediction convs: Table 1's RF column counts them. */
    static const char *const layers[6] = {"conv3_3_norm_mbox_conf", "conv4_3_norm_mbox_conf",
                                          "conv5_3_norm_mbox_conf", "fc7_mbox_conf",
                                          "conv6_2_mbox_conf", "conv7_2_mbox_conf"};
    static const double anchors[6] = {16, 32, 64, 128, 256, 512};
    static const int64_t trf[6] = {48, 108, 228, 340, 468, 724};
    fv_head heads[6];
    for (int k = 0; k < 6; k++)
        heads[k] = (fv_head){.kind = FV_HEAD_PRIORBOX, .node = fv_graph_find(g, layers[k]),
                             .n_anchors = 1, .anchor_w = &anchors[k], .anchor_h = &anchors[k],
                             .offset = 0.5};
    fv_anchors_options o = {.heads = heads, .n_heads = 6, .objects_min = 16, .objects_max = 512};
    fv_anchors *r = run(g, &o);
    for (size_t k = 0; k < 6; k++) {
        const fv_anchor_layer *l = fv_anchors_layer(r, k);
        assert_int_equal(l->trf[0], trf[k]);
        assert_true(l->suggested == anchors[k]);
        assert_true(l->density_min == 4);
    }
    assert_int_equal(count(g, r, FV_RULE_DENSITY, NULL), 0);
    assert_int_equal(count(g, r, FV_RULE_ANCHOR_SIZE, NULL), 0);
    assert_int_equal(count(g, r, FV_RULE_SCALE_GAP, NULL), 0);
    assert_int_equal(fv_anchors_n_plan(r), 6);
    for (size_t k = 0; k < 6; k++) {
        const fv_anchor_plan *p = fv_anchors_plan(r, k);
        assert_true(p->anchor == anchors[k]);
        assert_string_equal(fv_graph_name(g, p->node), layers[k]);
    }
    fv_anchors_free(r);
    fv_graph_free(g);
}

/* zoo:s3fd's own heads, after the released prototxt: fc6 is a 3x3 conv
 * with SSD's pad 3 left in place, so fc7's grid starts two cells before the
 * image. By hand: VGG's 2x2 pools centre stride-32 units at 15.5 + 32 i;
 * fc6's pad 3 moves unit 0 to the input unit -2: 15.5 - 64 = -48.5, while
 * its anchor sits at 0.5 * 32 = 16: 64.5 px. conv6_2 and conv7_2 (3x3/2,
 * pad 1) keep unit 0 there: anchors at 32 and 64, off by 80.5 and 112.5.
 * The first three layers are off by half a pixel ((S-1)/2 against S/2). */
static void s3fd_zoo_heads(void **state)
{
    (void)state;
    fv_graph *g = load("zoo:s3fd");
    fv_anchors *r = run(g, NULL);
    assert_int_equal(fv_anchors_n_layers(r), 6);
    assert_int_equal(count(g, r, FV_RULE_ANCHOR_CENTRE, NULL), 3);
    static const char *const late[3] = {"relu7", "conv6_2_relu", "conv7_2_relu"};
    static const double error[3] = {64.5, 80.5, 112.5};
    for (int k = 0; k < 3; k++) {
        const fv_finding *f = first(g, r, FV_RULE_ANCHOR_CENTRE, late[k]);
        assert_true(finding_number(f, "centre_error") == error[k]);
        assert_true(finding_number(f, "rf_centre") == -48.5);
    }
    for (size_t k = 0; k < 3; k++)
        assert_true(fv_anchors_layer(r, k)->centre_error[0] == 0.5);
    assert_int_equal(count(g, r, FV_RULE_DENSITY, NULL), 0);
    assert_int_equal(count(g, r, FV_RULE_STEP, NULL), 0);
    fv_anchors_free(r);
    fv_graph_free(g);
}

/* Anchors of 16 px on stride 4 and 128 px on stride 32: at IoU 0.5 a square
 * anchor a matches objects a/sqrt(2) .. a sqrt(2), so 22.6 .. 90.5 px match
 * neither. A 64 px anchor on a 3x3 conv's 3 px RF sees too little. */
static void gap_and_oversize(void **state)
{
    (void)state;
    fv_graph *g = NULL;
    fv_diag d;
    fv_diag_init(&d);
    const char *text = "input size=256\nc1: conv k=3 s=4 p=1\nc2: conv k=3 s=8 p=1\n";
    assert_int_equal(fv_text_parse(text, strlen(text), "<test>", &g, &d), FV_OK);
    double a16 = 16, a128 = 128;
    fv_head heads[2] = {
        {.kind = FV_HEAD_PRIORBOX, .node = 1, .n_anchors = 1, .anchor_w = &a16, .anchor_h = &a16, .offset = 0.5},
        {.kind = FV_HEAD_PRIORBOX, .node = 2, .n_anchors = 1, .anchor_w = &a128, .anchor_h = &a128, .offset = 0.5},
    };
    fv_anchors_options o = {.heads = heads, .n_heads = 2};
    fv_anchors *r = run(g, &o);
    const fv_finding *gap = first(g, r, FV_RULE_SCALE_GAP, "c2");
    assert_true(finding_number(gap, "previous_max") == 16 && finding_number(gap, "next_min") == 128);
    assert_non_null(strstr(gap->what, "22.63 to 90.51"));
    /* c1 sees 3 px, c2 3 + 2 * 4 = 11 px: both anchors exceed their RF. */
    assert_int_equal(count(g, r, FV_RULE_ANCHOR_SIZE, NULL) >= 2, 1);
    assert_true(finding_number(first(g, r, FV_RULE_ANCHOR_SIZE, "c2"), "trf") == 11);
    fv_anchors_free(r);
    fv_graph_free(g);
}

/* Without heads, --objects plans over the backbone's stage ends: torchvision
 * ResNet-50's stages end at strides 4, 8, 16, 32 with RFs 35, 91, 267, 427
 * (REFERENCE.md s2). Anchors 16..128 land at 4 x stride; 256 stays on the
 * stride-32 stage (density 8); no stage sees a 512 px object whole. */
static void backbone_plan(void **state)
{
    (void)state;
    fv_graph *g = load("zoo:resnet50");
    fv_anchors_options o = {.objects_min = 16, .objects_max = 512};
    fv_anchors *r = run(g, &o);
    assert_int_equal(fv_anchors_n_layers(r), 0);
    static const char *const ends[5] = {"layer1", "layer2", "layer3", "layer4", "layer4"};
    static const double strides[5] = {4, 8, 16, 32, 32};
    assert_int_equal(fv_anchors_n_plan(r), 6);
    for (size_t k = 0; k < 5; k++) {
        const fv_anchor_plan *p = fv_anchors_plan(r, k);
        assert_true(p->anchor == 16 << k && p->stride == strides[k]);
        /* the stage's output: its name starts with the stage and it is the
         * layer fv_graph_select gives for the stage's prefix */
        assert_int_equal(p->node, fv_graph_select(g, ends[k]));
    }
    assert_int_equal(fv_anchors_plan(r, 5)->node, -1);
    assert_int_equal(count(g, r, FV_RULE_OBJECTS, NULL), 1);
    fv_anchors_free(r);
    fv_graph_free(g);
}

/* The ERF column: five 3x3 convs with all-ones weights and no activations
 * give Luo's ERF, per axis the distribution of a sum of 5 uniform variables
 * on {0, 1, 2}: sigma sqrt(5 (3^2 - 1) / 12) = 1.8257 (REFERENCE.md s4).
 * In a chain every channel carries the same map, so the one-channel copy and
 * the real 8 channels agree. Anchors of 30 px are over twice the ERF. */
static void erf_of_a_chain(void **state)
{
    (void)state;
    fv_graph *g = NULL;
    fv_diag d;
    fv_diag_init(&d);
    const char *text = "input size=32 c=3\nrepeat 5 { conv k=3 p=1 c=8 }\nlast: identity\n";
    assert_int_equal(fv_text_parse(text, strlen(text), "<test>", &g, &d), FV_OK);
    for (int one = 0; one < 2; one++) {
        double sizes[2] = {4, 30};
        fv_head heads[2];
        for (int k = 0; k < 2; k++)
            heads[k] = (fv_head){.kind = FV_HEAD_PRIORBOX, .node = fv_graph_find(g, "last"),
                                 .n_anchors = 1, .anchor_w = &sizes[k], .anchor_h = &sizes[k],
                                 .offset = 0.5};
        fv_erf_options erf;
        fv_erf_options_init(&erf);
        erf.linear = 1;
        fv_anchors_options o = {.heads = heads, .n_heads = 2, .erf = &erf, .erf_one_channel = one};
        fv_anchors *r = run(g, &o);
        for (size_t k = 0; k < 2; k++) {
            const fv_anchor_layer *l = fv_anchors_layer(r, k);
            assert_true(fabs(l->erf_sigma[0] - 1.8257) < 1e-4 && fabs(l->erf_sigma[1] - 1.8257) < 1e-4);
            /* half the mass lies within a few pixels of the centre, inside the 11 px TRF */
            assert_true(l->erf_size > 2 && l->erf_size < 11);
        }
        /* 4 px sits within a factor 2 of the ERF; 30 px does not */
        assert_int_equal(count(g, r, FV_RULE_ANCHOR_ERF, NULL), 1);
        const fv_finding *f = first(g, r, FV_RULE_ANCHOR_ERF, "last");
        assert_true(finding_number(f, "scale_min") == 30);
        fv_anchors_free(r);
    }
    fv_graph_free(g);
}

/* S3FD's anchors (4 x stride) against the ERF of its own prediction units,
 * uniform and one-channel: within the factor 2 of S3FD's rule on all six
 * layers, so no anchor_erf finding. */
static void s3fd_anchors_near_erf(void **state)
{
    (void)state;
    fv_graph *g = load("zoo:s3fd");
    fv_erf_options erf;
    fv_erf_options_init(&erf);
    erf.linear = 1;
    fv_anchors_options o = {.erf = &erf, .erf_one_channel = 1};
    fv_anchors *r = run(g, &o);
    for (size_t k = 0; k < fv_anchors_n_layers(r); k++) {
        const fv_anchor_layer *l = fv_anchors_layer(r, k);
        assert_true(l->erf_size > l->scale_max / 2 && l->erf_size < 2 * l->scale_min);
        /* the ERF lies well inside the TRF */
        assert_true(l->erf_size < (double)l->trf[0]);
    }
    assert_int_equal(count(g, r, FV_RULE_ANCHOR_ERF, NULL), 0);
    fv_anchors_free(r);
    fv_graph_free(g);
}

/* A stand-in (here Caffe's LRN WITHIN_CHANNEL, read as an average pool)
 * in a head's cone: no ERF, with the reason, on the model and on the
 * one-channel copy that uniform weights run on alike. */
static void erf_refused_on_a_stand_in(void **state)
{
    (void)state;
    const char *text =
        "input: 'data' input_shape { dim: 1 dim: 3 dim: 32 dim: 32 }\n"
        "layer { name: 'conv' type: 'Convolution' bottom: 'data' top: 'conv'\n"
        "  convolution_param { num_output: 4 kernel_size: 3 pad: 1 } }\n"
        "layer { name: 'norm' type: 'LRN' bottom: 'conv' top: 'norm'\n"
        "  lrn_param { norm_region: WITHIN_CHANNEL local_size: 3 } }\n"
        "layer { name: 'prior' type: 'PriorBox' bottom: 'norm' bottom: 'data' top: 'prior'\n"
        "  prior_box_param { min_size: 8 step: 1 } }\n";
    fv_graph *g = NULL;
    fv_diag d;
    fv_diag_init(&d);
    assert_int_equal(fv_caffe_parse(text, strlen(text), "<test>", &g, &d), FV_OK);
    for (int one = 0; one < 2; one++) {
        fv_erf_options erf;
        fv_erf_options_init(&erf);
        fv_anchors_options o = {.erf = &erf, .erf_one_channel = one};
        fv_anchors *r = run(g, &o);
        assert_true(fv_anchors_layer(r, 0)->erf_size == 0);
        const fv_finding *f = first(g, r, FV_RULE_ANCHOR_ERF, "norm");
        assert_non_null(strstr(f->what, "no kernel for Caffe's LRN WITHIN_CHANNEL"));
        fv_anchors_free(r);
    }
    fv_graph_free(g);
}

/* A model without heads and no command-line layers is a usage error. */
static void no_heads(void **state)
{
    (void)state;
    fv_graph *g = load("zoo:resnet50");
    fv_anchors *r = NULL;
    fv_diag d;
    fv_diag_init(&d);
    assert_int_equal(fv_anchors_run(g, NULL, &r, &d), FV_ERR_USAGE);
    assert_null(r);
    fv_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ssd300_steps), cmocka_unit_test(faceboxes_density),
        cmocka_unit_test(yolov3_heads), cmocka_unit_test(s3fd_table1),
        cmocka_unit_test(gap_and_oversize), cmocka_unit_test(no_heads),
        cmocka_unit_test(backbone_plan),    cmocka_unit_test(s3fd_zoo_heads),
        cmocka_unit_test(erf_of_a_chain),   cmocka_unit_test(s3fd_anchors_near_erf),
        cmocka_unit_test(erf_refused_on_a_stand_in),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
