/* fovea check: the design findings, each pinned to a number derived by
 * hand or published (REFERENCE.md section 6, rfa_toolbox, nolearn). */
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
    fv_graph *g = NULL;
    fv_diag d;
    fv_diag_init(&d);
    if (fv_model_load(path, &g, &d) != FV_OK)
        fail_msg("%s: %s", path, d.message);
    return g;
}

static fv_graph *parse(const char *text)
{
    fv_graph *g = NULL;
    fv_diag d;
    fv_diag_init(&d);
    if (fv_text_parse(text, strlen(text), "<test>", &g, &d) != FV_OK)
        fail_msg("%s: %s", text, d.message);
    return g;
}

static fv_check *run(const fv_graph *g, int64_t size)
{
    fv_check_options o = {{size, size}, 0};
    fv_check *c = NULL;
    fv_diag d;
    fv_diag_init(&d);
    if (fv_check_run(g, &o, &c, &d) != FV_OK)
        fail_msg("check: %s", d.message);
    return c;
}

/* The findings of one rule, in order; *n receives how many. */
static const fv_finding *nth(const fv_check *c, fv_rule rule, size_t which, size_t *n)
{
    const fv_finding *hit = NULL;
    size_t count = 0;
    for (size_t k = 0; k < fv_check_n_findings(c); k++) {
        const fv_finding *f = fv_check_finding(c, k);
        if (f->rule == rule && count++ == which)
            hit = f;
    }
    if (n)
        *n = count;
    return hit;
}

/* torchvision ResNet-50: rfa_toolbox reports the productive range (96, 427)
 * (REFERENCE.md s6). By hand: the shortest path (stem 7x7/2, pool 3x3/2,
 * then only 1x1 shortcuts) sees 7 + 2*2 = 11 pixels, so the last 3x3 convs
 * at stride 32 have minimum RF 11 + 2*32 = 75 (border at R <= 75); their
 * kernels span 3 * 32 = 96 input pixels; the largest RF is 427 (s2). */
static void resnet50_range(void **state)
{
    (void)state;
    fv_graph *g = load("zoo:resnet50");
    fv_check *c = run(g, 224);
    for (int a = 0; a < FV_AXES; a++) {
        fv_input_range r;
        assert_true(fv_check_range(c, a, &r));
        assert_int_equal(r.border_rf, 75);
        assert_string_equal(fv_graph_name(g, r.border_node), "layer4.1.conv3");
        assert_int_equal(r.kernel_fit, 96);
        assert_int_equal(r.lower, 96);
        assert_int_equal(r.upper, 427);
        assert_string_equal(fv_graph_name(g, r.kernel_node), "layer4.1.conv2");
        assert_string_equal(fv_graph_name(g, r.upper_node), "layer4.2.conv2");
    }
    size_t n;
    /* Cao: the top layer's 427 px RF exceeds the 224 px image. */
    const fv_finding *top = nth(c, FV_RULE_TOP_RF, 0, &n);
    assert_int_equal(n, 1);
    assert_int_equal(top->severity, FV_SEVERITY_WARNING);
    assert_int_equal((int64_t)finding_number(top, "rf_y"), 427);
    /* nolearn's capacity: layer4's strided 3x3 sits on the stride-16 map,
     * real filter 3 * 16 = 48; its RF is 267 + 2 * 16 = 299; 48 / 299 < 1/6.
     * Every other 3x3 stays above 1/6 (layer3.b0: 3*8 / (91+2*8) = 0.224). */
    const fv_finding *cap = nth(c, FV_RULE_CAPACITY, 0, &n);
    assert_int_equal(n, 1);
    assert_string_equal(fv_graph_name(g, cap->node), "layer4.0.conv2");
    assert_int_equal((int64_t)finding_number(cap, "real_filter"), 48);
    assert_int_equal((int64_t)finding_number(cap, "rf"), 299);
    /* 224 lies inside (96, 427): no border layers, nothing below the range. */
    assert_null(nth(c, FV_RULE_BORDER, 0, NULL));
    nth(c, FV_RULE_INPUT_RANGE, 0, &n);
    assert_int_equal(n, 1);
    /* torchvision's merges are aligned (1x1/2 shortcut beside 3x3/2 p=1). */
    assert_null(nth(c, FV_RULE_MISALIGNED, 0, NULL));
    assert_null(nth(c, FV_RULE_EDGE_LOSS, 0, NULL));
    fv_check_free(c);
    fv_graph_free(g);
}

/* At 32x32 the border convolutions are those whose minimum RF, and their
 * inputs', reach 32. A bottleneck's 3x3 reads a 1x1 whose shortest path
 * sees 11 px (never a border layer); its conv3 reads the 3x3's output:
 * 11 + 2 * 16 = 43 >= 32 where the 3x3 sits on a stride-16 or stride-32
 * map, 11 + 2 * 8 = 27 < 32 at stride 8. That is conv3 of layer3's five
 * later blocks, of layer4.0 (its strided 3x3 reads the stride-16 map) and
 * of layer4's two later blocks: 8 convolutions. */
static void resnet50_border_at_32(void **state)
{
    (void)state;
    fv_graph *g = load("zoo:resnet50");
    fv_check *c = run(g, 32);
    const fv_finding *b = nth(c, FV_RULE_BORDER, 0, NULL);
    assert_non_null(b);
    assert_int_equal((int64_t)finding_number(b, "convolutions"), 8);
    assert_string_equal(fv_graph_name(g, b->node), "layer3.1.conv3");
    size_t borders = 0;
    for (size_t k = 0; k < fv_check_n_layers(c); k++)
        borders += fv_check_layer_at(c, k)->border;
    assert_int_equal(borders, 8);
    const fv_finding *below = nth(c, FV_RULE_INPUT_RANGE, 0, NULL);
    assert_int_equal(below->severity, FV_SEVERITY_WARNING);
    fv_check_free(c);
    fv_graph_free(g);
}

/* A plain chain: the last conv is a border layer as soon as its input sees
 * the image. Three 3x3 convs see 3, 5, 7 px (Araujo): border_rf 5 (the
 * last conv's input), productive from 6 to 7. */
static void chain_range(void **state)
{
    (void)state;
    fv_graph *g = parse("conv k=3; conv k=3; conv k=3\n");
    fv_check *c = run(g, 0);
    fv_input_range r;
    assert_true(fv_check_range(c, 0, &r));
    assert_int_equal(r.border_rf, 5);
    assert_int_equal(r.kernel_fit, 3);
    assert_int_equal(r.lower, 6);
    assert_int_equal(r.upper, 7);
    fv_check_free(c);
    fv_graph_free(g);
}

/* VGG-16's pool5 sees 212 px (REFERENCE.md s2), inside a 224 image. */
static void vgg16_meets_cao(void **state)
{
    (void)state;
    fv_graph *g = load("zoo:vgg16");
    fv_check *c = run(g, 224);
    assert_null(nth(c, FV_RULE_TOP_RF, 0, NULL));
    fv_check_free(c);
    fv_graph_free(g);
}

/* Araujo's centre c = -P + (r-1)/2: branch a (3x3/2, p=1) is centred at
 * -1 + 1 = 0, branch b (2x2/2, p=0) at 0 + 1/2: off by half a pixel. */
static void misaligned_merge(void **state)
{
    (void)state;
    fv_graph *g = parse("input size=32\na: conv k=3 s=2 p=1\nb: conv k=2 s=2 from=input\n"
                        "sum: add from=a,b\n");
    fv_check *c = run(g, 32);
    size_t n;
    const fv_finding *f = nth(c, FV_RULE_MISALIGNED, 0, &n);
    assert_int_equal(n, 1);
    assert_string_equal(fv_graph_name(g, f->node), "sum");
    assert_true(finding_number(f, "offset_y_min") == 0.5 && finding_number(f, "offset_y_max") == 0.5);
    assert_true(finding_number(f, "offset_x_min") == 0.5 && finding_number(f, "offset_x_max") == 0.5);
    assert_non_null(strstr(f->what, "'a' and 'b'"));
    fv_check_free(c);
    fv_graph_free(g);
}

/* Four unpadded 3x3/2 convs: 16 -> 7 -> 3 -> 1 -> nothing. The smallest
 * input that keeps a 3-pixel map before the last conv: n3 >= 3 needs
 * n2 >= 7, n1 >= 15, input >= 31 (n' = floor((n - 3) / 2) + 1). */
static void map_shrinks_to_zero(void **state)
{
    (void)state;
    fv_graph *g = parse("input size=16\nconv k=3 s=2\nconv k=3 s=2\nconv k=3 s=2\nlast: conv k=3 s=2\n");
    fv_check *c = run(g, 16);
    const fv_finding *f = fv_check_finding(c, 0);
    assert_int_equal(f->rule, FV_RULE_MAP_SIZE);
    assert_int_equal(f->severity, FV_SEVERITY_ERROR);
    assert_string_equal(fv_graph_name(g, f->node), "last");
    assert_int_equal((int64_t)finding_number(f, "next_height"), 31);
    assert_int_equal((int64_t)finding_number(f, "next_width"), 31);
    assert_int_equal(fv_check_n_layers(c), 0);
    fv_check_free(c);
    fv_graph_free(g);
}

/* A 2x2/2 conv on 225 pixels keeps floor((225 - 2) / 2) + 1 = 112 units;
 * the last sees pixels 222..223, so pixel 224 is never seen. */
static void edge_loss(void **state)
{
    (void)state;
    fv_graph *g = parse("input size=225\nc1: conv k=2 s=2\nc2: conv k=3 p=1\n");
    fv_check *c = run(g, 225);
    size_t n;
    const fv_finding *f = nth(c, FV_RULE_EDGE_LOSS, 0, &n);
    assert_int_equal(n, 1); /* c2 loses nothing more */
    assert_string_equal(fv_graph_name(g, f->node), "c1");
    assert_int_equal((int64_t)finding_number(f, "rows_bottom"), 1);
    assert_int_equal((int64_t)finding_number(f, "columns_right"), 1);
    fv_check_free(c);
    fv_graph_free(g);
}

/* TF SAME, k=3, s=2 on 224: out 112, total padding (112-1)*2 + 3 - 224 = 1,
 * all at the end (0, 1): centres move (1 - 0) / 2 = 0.5 px. */
static void same_shift(void **state)
{
    (void)state;
    fv_graph *g = parse("input size=224\ns: conv k=3 s=2 p=same\n");
    fv_check *c = run(g, 224);
    const fv_finding *f = nth(c, FV_RULE_SAME_SHIFT, 0, NULL);
    assert_non_null(f);
    assert_true(finding_number(f, "shift_y") == 0.5 && finding_number(f, "shift_x") == 0.5);
    fv_check_free(c);
    fv_graph_free(g);
    /* 225 splits 1,1 evenly: no finding. */
    g = parse("input size=225\ns: conv k=3 s=2 p=same\n");
    c = run(g, 225);
    assert_null(nth(c, FV_RULE_SAME_SHIFT, 0, NULL));
    fv_check_free(c);
    fv_graph_free(g);
}

/* Findings come most severe first. */
static void sorted_by_severity(void **state)
{
    (void)state;
    fv_graph *g = load("zoo:resnet50");
    fv_check *c = run(g, 32);
    for (size_t k = 1; k < fv_check_n_findings(c); k++)
        assert_true(fv_check_finding(c, k - 1)->severity >= fv_check_finding(c, k)->severity);
    fv_check_free(c);
    fv_graph_free(g);
}

/* Sixty padded 3x3 convs: conv n sees 2n + 1 px, so its capacity 3 / (2n + 1)
 * drops below 1/6 from n = 9 on (3/19): 52 layers. The first 50 are listed,
 * one more finding counts the other 2. */
static void findings_capped(void **state)
{
    (void)state;
    fv_graph *g = parse("input size=256\nrepeat 60 { conv k=3 p=1 }\n");
    fv_check *c = run(g, 256);
    size_t n;
    nth(c, FV_RULE_CAPACITY, 0, &n);
    assert_int_equal(n, 51);
    const fv_finding *more = nth(c, FV_RULE_CAPACITY, 50, NULL);
    assert_int_equal(more->node, -1);
    assert_int_equal((int64_t)finding_number(more, "not_listed"), 2);
    const fv_finding *first = nth(c, FV_RULE_CAPACITY, 0, NULL);
    assert_int_equal((int64_t)finding_number(first, "rf"), 19);
    fv_check_free(c);
    fv_graph_free(g);
}

/* Odd sizes through stride 2: a 3x3/2 pad-1 branch keeps ceil(9 / 2) = 5,
 * a 2x2/2 branch floor(9 / 2) = 4; the add cannot be formed. At 10 both
 * give 5. */
static void merge_sizes_disagree(void **state)
{
    (void)state;
    fv_graph *g = parse("input size=9\na: conv k=3 s=2 p=1\nb: conv k=2 s=2 from=input\n"
                        "sum: add from=a,b\n");
    fv_check *c = run(g, 9);
    const fv_finding *f = fv_check_finding(c, 0);
    assert_int_equal(f->rule, FV_RULE_MAP_SIZE);
    assert_string_equal(fv_graph_name(g, f->node), "sum");
    assert_int_equal((int64_t)finding_number(f, "next_height"), 10);
    assert_non_null(strstr(f->advice, "merged maps agree"));
    fv_check_free(c);
    fv_graph_free(g);
}

/* The same checks through the ONNX frontend, on torchvision's own exports
 * (graph-only fixtures in tests/data/onnx). ResNet-50 gives rfa_toolbox's
 * (96, 427) as the zoo does (REFERENCE.md s6). EfficientNet-B0: rfa_toolbox's
 * test pins (299, 299), (851, 851) with SE branches filtered, its own
 * minimum-RF term; fovea's border_rf is that 299 and its range starts one
 * past it (a layer whose minimum RF is 299 is a border layer at 299). */
static void onnx_exports(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        int64_t border_rf, lower, upper;
    } cases[] = {
        {"tests/data/onnx/resnet50.onnx", 75, 96, 427},
        {"tests/data/onnx/efficientnet_b0.onnx", 299, 300, 851},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", FOVEA_SOURCE_DIR, cases[k].file);
        fv_graph *g = load(path);
        fv_check *c = run(g, 224);
        fv_input_range r;
        assert_true(fv_check_range(c, 0, &r));
        assert_int_equal(r.border_rf, cases[k].border_rf);
        assert_int_equal(r.lower, cases[k].lower);
        assert_int_equal(r.upper, cases[k].upper);
        fv_check_free(c);
        fv_graph_free(g);
    }
}

/* A U-Net exported by PyTorch (tests/data/onnx/unet.onnx): the 2x2/2
 * transposed conv gives fine units 2j and 2j+1 the centre of coarse unit j,
 * while the skip branch's centres step one fine stride (2 px) per unit, so
 * the skip sits 1 px before or after the upsampled branch by parity. The
 * PyTorch oracle in unet.json: unit 47 of up2 sees rows 78..109 (centre
 * 93.5), of enc2 rows 88..101 (94.5): +1; unit 46 of enc2 is centred 2 px
 * earlier, 92.5, against the same 93.5: -1. */
static void unet_skip_offsets(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/tests/data/onnx/unet.onnx", FOVEA_SOURCE_DIR);
    fv_graph *g = load(path);
    fv_check *c = run(g, 192);
    const fv_finding *f = NULL;
    for (size_t k = 0; k < fv_check_n_findings(c); k++) {
        const fv_finding *x = fv_check_finding(c, k);
        if (x->rule == FV_RULE_MISALIGNED && strcmp(fv_graph_name(g, x->node), "/Concat") == 0)
            f = x;
    }
    assert_non_null(f);
    assert_non_null(strstr(f->what, "'/up2/ConvTranspose' and '/enc2/enc2.5/Relu'"));
    assert_true(finding_number(f, "offset_y_min") == -1 && finding_number(f, "offset_y_max") == 1);
    assert_true(finding_number(f, "offset_x_min") == -1 && finding_number(f, "offset_x_max") == 1);
    fv_check_free(c);
    fv_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(resnet50_range),     cmocka_unit_test(resnet50_border_at_32),
        cmocka_unit_test(vgg16_meets_cao),    cmocka_unit_test(misaligned_merge),
        cmocka_unit_test(map_shrinks_to_zero), cmocka_unit_test(edge_loss),
        cmocka_unit_test(same_shift),         cmocka_unit_test(sorted_by_severity),
        cmocka_unit_test(chain_range),        cmocka_unit_test(findings_capped),
        cmocka_unit_test(merge_sizes_disagree), cmocka_unit_test(onnx_exports),
        cmocka_unit_test(unet_skip_offsets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
