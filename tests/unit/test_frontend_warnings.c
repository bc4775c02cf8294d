/* What the Darknet and Caffe frontends say about keys they do not know, and
 * Darknet lines longer than libinih's 200-byte buffer. The expected strings
 * are the messages themselves: each names the key, its section or layer
 * and its line, counted by hand in the inputs below. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fovea.h"

typedef fv_status (*parse_fn)(const char *, size_t, const char *, fv_graph **, fv_diag *);

/* Parses text that must load; a failure fails the test with the message. */
static fv_graph *parse_ok(parse_fn parse, const char *text, const char *file)
{
    fv_graph *g = NULL;
    fv_diag d;
    fv_diag_init(&d);
    if (parse(text, strlen(text), file, &g, &d) != FV_OK)
        fail_msg("%s:%d:%d: %s", d.file, d.pos.line, d.pos.col, d.message);
    return g;
}

static fv_graph *darknet(const char *text) { return parse_ok(fv_darknet_parse, text, "t.cfg"); }
static fv_graph *caffe(const char *text) { return parse_ok(fv_caffe_parse, text, "t.prototxt"); }

static void darknet_unknown_keys_warn(void **state)
{
    (void)state;
    fv_graph *g = darknet("[net]\n"                 /* 1 */
                          "width=32\n"              /* 2 */
                          "height=32\n"             /* 3 */
                          "channels=3\n"            /* 4 */
                          "widht=64\n"              /* 5: misspelt */
                          "\n"                      /* 6 */
                          "[convolutional]\n"       /* 7 */
                          "batch_normalize=1\n"     /* 8: Darknet's, no RF effect */
                          "filters=8\n"             /* 9 */
                          "size=3\n"                /* 10 */
                          "strde=2\n"               /* 11: misspelt */
                          "activation=leaky\n"      /* 12 */
                          "\n"                      /* 13 */
                          "[maxpool]\n"             /* 14 */
                          "size=2\n"                /* 15 */
                          "filters=4\n"             /* 16: not a maxpool key */
                          "activation=leaky\n");    /* 17: a maxpool applies none */
    assert_int_equal(fv_graph_n_warnings(g), 4);
    assert_string_equal(fv_graph_warning(g, 0), "line 5: unknown key 'widht' in [net] (line 1); ignored");
    assert_string_equal(fv_graph_warning(g, 1),
                        "line 11: unknown key 'strde' in [convolutional] (line 7); ignored");
    assert_string_equal(fv_graph_warning(g, 2),
                        "line 16: unknown key 'filters' in [maxpool] (line 14); ignored");
    assert_string_equal(fv_graph_warning(g, 3),
                        "line 17: unknown key 'activation' in [maxpool] (line 14); ignored");
    fv_graph_free(g);
}

static void caffe_unknown_fields_warn(void **state)
{
    (void)state;
    fv_graph *g = caffe("input: \"data\"\n"                                        /* 1 */
                        "input_shape { dim: 1 dim: 3 dim: 32 dim: 32 }\n"          /* 2 */
                        "layer {\n"                                                /* 3 */
                        "  name: \"conv1\" type: \"Convolution\"\n"                /* 4 */
                        "  bottom: \"data\" top: \"conv1\"\n"                      /* 5 */
                        "  kernel_size: 5\n"                                       /* 6: outside its param */
                        "  convolution_param {\n"                                  /* 7 */
                        "    num_output: 8 kernel_size: 3\n"                       /* 8 */
                        "    strid: 2\n"                                           /* 9: misspelt */
                        "    weight_filler { type: \"xavier\" }\n"                 /* 10: caffe.proto's */
                        "  }\n"                                                    /* 11 */
                        "}\n");                                                    /* 12 */
    assert_int_equal(fv_graph_n_warnings(g), 2);
    assert_string_equal(fv_graph_warning(g, 0),
                        "line 6: unknown field 'kernel_size' in layer 'conv1'; ignored");
    assert_string_equal(fv_graph_warning(g, 1),
                        "line 9: unknown field 'strid' in convolution_param of layer 'conv1'; ignored");
    fv_graph_free(g);
}

/* The real files in tests/data name only keys their frameworks read. */
static void real_files_have_no_warnings(void **state)
{
    (void)state;
    static const char *const files[] = {
        "darknet/alexnet.cfg", "darknet/darknet53.cfg", "darknet/densenet201.cfg",
        "darknet/resnet50.cfg", "darknet/vgg-16.cfg", "darknet/yolov2.cfg",
        "darknet/yolov3-tiny.cfg", "darknet/yolov3.cfg", "caffe/bvlc_alexnet_deploy.prototxt",
        "caffe/faceboxes_deploy.prototxt", "caffe/ssd300_vgg16_voc_deploy.prototxt",
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/tests/data/%s", FOVEA_SOURCE_DIR, files[i]);
        fv_graph *g = NULL;
        fv_diag d;
        fv_diag_init(&d);
        if (fv_model_load(path, &g, &d) != FV_OK)
            fail_msg("%s: %s", files[i], d.message);
        if (fv_graph_n_warnings(g) != 0)
            fail_msg("%s: %s", files[i], fv_graph_warning(g, 0));
        fv_graph_free(g);
    }
}

/* Real anchors= lines pass 200 characters (YOLOv4-style float anchors);
 * 40 pairs here make 318 (40 six-character pairs, 39 ", "). Every anchor
 * must arrive, the inline comment go. */
static void darknet_long_lines(void **state)
{
    (void)state;
    char anchors[1024] = "";
    for (int i = 0; i < 40; i++)
        snprintf(anchors + strlen(anchors), sizeof anchors - strlen(anchors), "%s%d,%d",
                 i ? ", " : "", 10 + i, 100 + i);
    char comment[400];
    memset(comment, 'x', 300);
    comment[300] = '\0';
    char text[2048];
    snprintf(text, sizeof text,
             "[net]\nwidth=64\nheight=64\nchannels=3\n# %s\n\n"
             "[convolutional]\nfilters=8\nsize=1\n\n"
             "[yolo]\nmask=0,39\nanchors = %s   ; forty anchors\nnum=40\n",
             comment, anchors);
    assert_int_equal(strlen(anchors), 40 * 6 + 39 * 2);
    fv_graph *g = darknet(text);
    assert_int_equal(fv_graph_n_heads(g), 1);
    const fv_head *h = fv_graph_head(g, 0);
    assert_int_equal(h->n_anchors, 2);
    /* mask 0 and 39: anchors (10, 100) and (49, 139) as width, height */
    assert_true(h->anchor_w[0] == 10 && h->anchor_h[0] == 100);
    assert_true(h->anchor_w[1] == 49 && h->anchor_h[1] == 139);
    assert_int_equal(fv_graph_n_warnings(g), 0);
    fv_graph_free(g);
}

/* A key too long to hand to inih is an error naming its line. */
static void darknet_long_key_is_an_error(void **state)
{
    (void)state;
    char key[300];
    memset(key, 'k', 250);
    key[250] = '\0';
    char text[512];
    snprintf(text, sizeof text, "[net]\nwidth=64\nheight=64\nchannels=3\n%s=1\n", key);
    fv_graph *g = NULL;
    fv_diag d;
    fv_diag_init(&d);
    assert_int_equal(fv_darknet_parse(text, strlen(text), "t.cfg", &g, &d), FV_ERR_LIMIT);
    assert_null(g);
    assert_int_equal(d.pos.line, 5);
    assert_non_null(strstr(d.message, "longer than"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(darknet_unknown_keys_warn),
        cmocka_unit_test(caffe_unknown_fields_warn),
        cmocka_unit_test(real_files_have_no_warnings),
        cmocka_unit_test(darknet_long_lines),
        cmocka_unit_test(darknet_long_key_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
