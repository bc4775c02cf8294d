/* The detector zoo entries against the real model files they were written
 * from (tests/data): every layer the two share has the same receptive
 * field, effective stride and padding, and the detection heads are the
 * same anchors on layers that see the same pixels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fovea.h"
#include "graph_private.h"

typedef struct analysed {
    fv_graph *g;
    fv_trf *trf;
} analysed;

static analysed load(const char *path, int64_t size)
{
    char full[1024];
    if (strncmp(path, "zoo:", 4) == 0)
        snprintf(full, sizeof full, "%s", path);
    else
        snprintf(full, sizeof full, "%s/%s", FOVEA_SOURCE_DIR, path);
    analysed a = {NULL, NULL};
    fv_diag d;
    fv_diag_init(&d);
    if (fv_model_load(full, &a.g, &d) != FV_OK)
        fail_msg("%s: %s", path, d.message);
    int64_t hw[2] = {size, size};
    if (fv_trf_compute(a.g, hw, &a.trf, &d) != FV_OK)
        fail_msg("%s: %s", path, d.message);
    return a;
}

static void drop(analysed *a)
{
    fv_trf_free(a->trf);
    fv_graph_free(a->g);
}

/* Asserts node i of a and node j of b see alike on both axes. */
static void same_rf(const analysed *a, int32_t i, const analysed *b, int32_t j)
{
    fv_rf x, y;
    fv_trf_get(a->trf, i, &x);
    fv_trf_get(b->trf, j, &y);
    const char *na = fv_graph_name(a->g, i), *nb = fv_graph_name(b->g, j);
    if (x.whole_input != y.whole_input)
        fail_msg("%s / %s: whole input %d vs %d", na, nb, x.whole_input, y.whole_input);
    if (x.whole_input)
        return;
    for (int ax = 0; ax < FV_AXES; ax++) {
        const fv_rf_axis *p = &x.axis[ax], *q = &y.axis[ax];
        if (p->size_min != q->size_min || p->size_max != q->size_max ||
            p->stride.num != q->stride.num || p->stride.den != q->stride.den ||
            p->padding != q->padding || p->map_size != q->map_size)
            fail_msg("%s / %s axis %d: rf %lld-%lld stride %lld/%lld padding %lld map %lld vs "
                     "rf %lld-%lld stride %lld/%lld padding %lld map %lld",
                     na, nb, ax, (long long)p->size_min, (long long)p->size_max,
                     (long long)p->stride.num, (long long)p->stride.den, (long long)p->padding,
                     (long long)p->map_size, (long long)q->size_min, (long long)q->size_max,
                     (long long)q->stride.num, (long long)q->stride.den, (long long)q->padding,
                     (long long)q->map_size);
    }
}

/* Written after a Darknet .cfg: every layer of the file (node K_type, or
 * K_type.op and K_type.activation) is a node or a block instance of the
 * same name in the zoo entry (K_type.conv selects K_type.conv_N, and
 * K_type.leaky K_type.leaky_relu_N, with the same slope). */
static size_t every_file_layer_in_zoo(const analysed *zoo, const analysed *file)
{
    size_t n = 0;
    for (size_t j = 0; j < fv_graph_size(file->g); j++) {
        const char *name = fv_graph_name(file->g, (int32_t)j);
        int32_t i = fv_graph_select(zoo->g, name);
        if (i < 0)
            fail_msg("zoo entry has no layer '%s'", name);
        same_rf(zoo, i, file, (int32_t)j);
        if (fv_graph_op(file->g, (int32_t)j) == FV_OP_LEAKY_RELU) {
            assert_int_equal(fv_graph_op(zoo->g, i), FV_OP_LEAKY_RELU);
            assert_true(fv_graph_params(zoo->g, i)->pointwise.alpha ==
                        fv_graph_params(file->g, (int32_t)j)->pointwise.alpha);
        }
        n++;
    }
    return n;
}

/* Written after a Caffe prototxt with its layer names: every layer of the
 * zoo entry that changes what a unit sees (a window, a merge) is in the file. */
static size_t every_zoo_layer_in_file(const analysed *zoo, const analysed *file)
{
    size_t n = 0;
    for (size_t i = 0; i < fv_graph_size(zoo->g); i++) {
        const char *name = fv_graph_name(zoo->g, (int32_t)i);
        int32_t j = fv_graph_find(file->g, name);
        fv_op_kind kind = fv_op_kind_of(fv_graph_op(zoo->g, (int32_t)i));
        if (j < 0 && (kind == FV_KIND_WINDOW || kind == FV_KIND_MERGE))
            fail_msg("file has no layer '%s'", name);
        if (j < 0)
            continue;
        same_rf(zoo, (int32_t)i, file, j);
        n++;
    }
    return n;
}

/* The same heads in the same order: kind, anchors (exactly: both sides use
 * the same arithmetic), step, offset, and a feature layer seeing the same. */
static void same_heads(const analysed *zoo, const analysed *file)
{
    assert_int_equal(fv_graph_n_heads(zoo->g), fv_graph_n_heads(file->g));
    for (size_t k = 0; k < fv_graph_n_heads(zoo->g); k++) {
        const fv_head *a = fv_graph_head(zoo->g, k), *b = fv_graph_head(file->g, k);
        assert_int_equal(a->kind, b->kind);
        assert_int_equal(a->n_anchors, b->n_anchors);
        for (size_t i = 0; i < a->n_anchors; i++)
            if (a->anchor_w[i] != b->anchor_w[i] || a->anchor_h[i] != b->anchor_h[i])
                fail_msg("head %zu anchor %zu: %.17g x %.17g vs %.17g x %.17g", k, i,
                         a->anchor_w[i], a->anchor_h[i], b->anchor_w[i], b->anchor_h[i]);
        assert_true(a->step[0] == b->step[0] && a->step[1] == b->step[1]);
        assert_true(a->offset == b->offset);
        assert_string_equal(fv_graph_name(zoo->g, a->node), fv_graph_name(file->g, b->node));
        same_rf(zoo, a->node, file, b->node);
    }
}

/* models/darknet/yolov2.cfg, at its 608x608: 32 layers and the [region] head */
static void test_yolov2(void **state)
{
    (void)state;
    analysed zoo = load("zoo:yolov2", 608), file = load("tests/data/darknet/yolov2.cfg", 608);
    /* input + layers 0..31 + the leaky activations of 22 convs */
    assert_int_equal(every_file_layer_in_zoo(&zoo, &file), 33 + 22);
    assert_int_equal(fv_graph_n_heads(zoo.g), 1);
    same_heads(&zoo, &file);
    drop(&zoo);
    drop(&file);
}

/* models/darknet/yolov3.cfg at 608 and at 416: 107 layers, three [yolo] heads */
static void test_yolov3(void **state)
{
    (void)state;
    for (int64_t size = 416; size <= 608; size += 192) {
        analysed zoo = load("zoo:yolov3", size);
        analysed file = load("tests/data/darknet/yolov3.cfg", size);
        /* input + 0..106 + the leaky activations of 72 convs */
        assert_int_equal(every_file_layer_in_zoo(&zoo, &file), 108 + 72);
        assert_int_equal(fv_graph_n_heads(zoo.g), 3);
        same_heads(&zoo, &file);
        drop(&zoo);
        drop(&file);
    }
}

/* models/caffe/faceboxes_deploy.prototxt at 1024 (the paper's training
 * size): the RDCL, MSCL and prediction convs, and the PriorBox heads. */
static void test_faceboxes(void **state)
{
    (void)state;
    analysed zoo = load("zoo:faceboxes", 1024);
    analysed file = load("tests/data/caffe/faceboxes_deploy.prototxt", 1024);
    size_t n = every_zoo_layer_in_file(&zoo, &file);
    assert_int_equal(n, fv_graph_size(zoo.g)); /* every zoo layer, input included */
    assert_int_equal(fv_graph_n_heads(zoo.g), 3);
    same_heads(&zoo, &file);
    drop(&zoo);
    drop(&file);
}

/* models/caffe/ssd300_vgg16_voc_deploy.prototxt at 300: VGG-16 with the
 * dilated fc6, the extras, the loc convs and the six PriorBox heads. */
static void test_ssd300(void **state)
{
    (void)state;
    analysed zoo = load("zoo:ssd300", 300);
    analysed file = load("tests/data/caffe/ssd300_vgg16_voc_deploy.prototxt", 300);
    assert_true(every_zoo_layer_in_file(&zoo, &file) >= 40);
    assert_int_equal(fv_graph_n_heads(zoo.g), 6);
    same_heads(&zoo, &file);
    drop(&zoo);
    drop(&file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_yolov2),
        cmocka_unit_test(test_yolov3),
        cmocka_unit_test(test_faceboxes),
        cmocka_unit_test(test_ssd300),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
