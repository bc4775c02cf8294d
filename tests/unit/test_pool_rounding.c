/* Ceil-mode pooling, frontend by frontend. Rounding up can create a last
 * window that starts past the image and its left padding; PyTorch
 * (aten pooling_output_shape_pad_lr, checked with torch 1.13:
 * MaxPool2d(1, 3, ceil_mode=True) maps 5x5 to 2x2) and ONNX drop it always,
 * Caffe (PoolingLayer::Reshape) only when the layer pads on some axis.
 *
 * By hand, input 5, kernel 1, stride 3:
 *   pad 0: ceil((5 - 1) / 3) + 1 = 3 windows, starting at 0, 3, 6; 6 >= 5 + 0
 *          starts past the image: PyTorch and ONNX keep 2, Caffe keeps 3.
 *   pad 1: ceil((5 + 2 - 1) / 3) + 1 = 3, starting at 0, 3, 6 in padded
 *          coordinates; 6 >= 5 + 1: every rule keeps 2.
 *   pad_h 1, pad_w 0: along x as for pad 0, but the layer pads, so Caffe
 *          drops the x window too: 2 x 2. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fovea.h"
#include "onnx_builder.h"

/* The last node's map size at the graph's own input size. */
static void expect_last_map(fv_graph *g, int64_t h, int64_t w)
{
    fv_trf *t = NULL;
    fv_diag d;
    fv_diag_init(&d);
    if (fv_trf_compute(g, NULL, &t, &d) != FV_OK)
        fail_msg("%s", d.message);
    const fv_feature_map *m = fv_trf_map(t, (int32_t)fv_graph_size(g) - 1);
    assert_non_null(m);
    assert_int_equal(m->size[FV_AXIS_Y], h);
    assert_int_equal(m->size[FV_AXIS_X], w);
    fv_trf_free(t);
    fv_graph_free(g);
}

static fv_graph *caffe_pool(const char *pads)
{
    char text[512];
    snprintf(text, sizeof text,
             "input: 'data' input_shape { dim: 1 dim: 1 dim: 5 dim: 5 }\n"
             "layer { name: 'p' type: 'Pooling' bottom: 'data' top: 'p'\n"
             "  pooling_param { pool: MAX kernel_size: 1 stride: 3 %s } }\n",
             pads);
    fv_graph *g = NULL;
    fv_diag d;
    fv_diag_init(&d);
    if (fv_caffe_parse(text, strlen(text), "t.prototxt", &g, &d) != FV_OK)
        fail_msg("%s", d.message);
    return g;
}

static fv_graph *text_pool(const char *pads)
{
    char text[128];
    snprintf(text, sizeof text, "input size=5\nmaxpool k=1 s=3 ceil %s\n", pads);
    fv_graph *g = NULL;
    fv_diag d;
    fv_diag_init(&d);
    if (fv_text_parse(text, strlen(text), "t.fv", &g, &d) != FV_OK)
        fail_msg("%s", d.message);
    return g;
}

static fv_graph *onnx_pool(int64_t pad_h, int64_t pad_w)
{
    ob_model *m = ob_new(13);
    ob_input(m, "x", 4, (int64_t[]){1, 1, 5, 5});
    ob_node_t *n = ob_node(m, "MaxPool", "p", "x", "y");
    ob_ints(m, n, "kernel_shape", 2, (int64_t[]){1, 1});
    ob_ints(m, n, "strides", 2, (int64_t[]){3, 3});
    ob_ints(m, n, "pads", 4, (int64_t[]){pad_h, pad_w, pad_h, pad_w});
    ob_int(m, n, "ceil_mode", 1);
    ob_output(m, "y");
    size_t len;
    uint8_t *buf = ob_pack(m, &len);
    ob_free(m);
    fv_graph *g = NULL;
    fv_diag d;
    fv_diag_init(&d);
    fv_status st = fv_onnx_parse(buf, len, "t.onnx", NULL, &g, &d);
    free(buf);
    if (st != FV_OK)
        fail_msg("%s", d.message);
    return g;
}

static void caffe_rule(void **state)
{
    (void)state;
    expect_last_map(caffe_pool(""), 3, 3);
    expect_last_map(caffe_pool("pad: 1"), 2, 2);
    expect_last_map(caffe_pool("pad_h: 1 pad_w: 0"), 2, 2);
}

static void pytorch_rule_in_text(void **state)
{
    (void)state;
    expect_last_map(text_pool(""), 2, 2);
    expect_last_map(text_pool("p=1"), 2, 2);
    expect_last_map(text_pool("p=1x0"), 2, 2);
}

static void pytorch_rule_in_onnx(void **state)
{
    (void)state;
    expect_last_map(onnx_pool(0, 0), 2, 2);
    expect_last_map(onnx_pool(1, 1), 2, 2);
    expect_last_map(onnx_pool(1, 0), 2, 2);
}

/* Rounding down never makes a window past the image: floor(4 / 3) + 1 = 2. */
static void floor_mode(void **state)
{
    (void)state;
    expect_last_map(caffe_pool("round_mode: FLOOR"), 2, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(caffe_rule),
        cmocka_unit_test(pytorch_rule_in_text),
        cmocka_unit_test(pytorch_rule_in_onnx),
        cmocka_unit_test(floor_mode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
