/* The text frontend: every construct of docs/text-format.md builds the graph
 * it should, and every golden error case prints exactly its .expected. */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fovea.h"

static fv_graph *parse(const char *text)
{
    fv_graph *g = NULL;
    fv_diag d;
    fv_status st = fv_text_parse(text, strlen(text), "<test>", &g, &d);
    if (st != FV_OK) {
        fv_diag_print(&d, stderr);
        fail_msg("parse failed: %s", fv_status_str(st));
    }
    return g;
}

static int32_t node(const fv_graph *g, const char *name)
{
    int32_t i = fv_graph_find(g, name);
    if (i < 0)
        fail_msg("no node '%s'", name);
    return i;
}

/* Asserts `name` has op `op` and exactly the inputs listed (names, NULL-ended). */
static void expect_node(const fv_graph *g, const char *name, fv_op op, ...)
{
    int32_t i = node(g, name);
    assert_string_equal(fv_op_name(fv_graph_op(g, i)), fv_op_name(op));
    va_list ap;
    va_start(ap, op);
    size_t k = 0;
    for (const char *in; (in = va_arg(ap, const char *)); k++) {
        assert_true(k < fv_graph_n_inputs(g, i));
        assert_string_equal(fv_graph_name(g, fv_graph_input(g, i, k)), in);
    }
    va_end(ap);
    assert_int_equal(fv_graph_n_inputs(g, i), k);
}

static const fv_window *win(const fv_graph *g, const char *name)
{
    return &fv_graph_params(g, node(g, name))->window;
}

static void test_input_and_chaining(void **state)
{
    fv_graph *g = parse("# a comment\r\n"
                        "input img size=224x320 c=3\r\n"
                        "conv k=3; bn # trailing comment\n"
                        "\n"
                        "r: relu\n");
    int64_t hw[2];
    fv_graph_input_size(g, hw);
    assert_int_equal(hw[0], 224);
    assert_int_equal(hw[1], 320);
    assert_int_equal(fv_graph_size(g), 4);
    expect_node(g, "img", FV_OP_INPUT, NULL);
    assert_int_equal(fv_graph_channels(g, node(g, "img")), 3);
    expect_node(g, "conv_1", FV_OP_CONV, "img", NULL);
    expect_node(g, "batch_norm_2", FV_OP_BATCH_NORM, "conv_1", NULL);
    expect_node(g, "r", FV_OP_RELU, "batch_norm_2", NULL);
    fv_srcpos pos = fv_graph_pos(g, node(g, "r"));
    assert_int_equal(pos.line, 5);
    assert_int_equal(pos.col, 1);
    assert_string_equal(fv_graph_source(g), "<test>");
    fv_graph_free(g);

    g = parse("input size=32\nconv k=3");
    fv_graph_input_size(g, hw);
    assert_int_equal(hw[0], 32);
    assert_int_equal(hw[1], 32);
    expect_node(g, "input", FV_OP_INPUT, NULL);
    fv_graph_free(g);

    g = parse("input\nconv k=3");
    fv_graph_input_size(g, hw);
    assert_int_equal(hw[0], 0);
    assert_int_equal(hw[1], 0);
    fv_graph_free(g);
}

static void test_aliases(void **state)
{
    static const struct {
        const char *word;
        fv_op op;
        const char *args;
    } cases[] = {
        {"conv", FV_OP_CONV, "k=1"},
        {"deconv", FV_OP_CONV_TRANSPOSE, "k=2"},
        {"conv_transpose", FV_OP_CONV_TRANSPOSE, "k=2"},
        {"maxpool", FV_OP_MAX_POOL, "k=2"},
        {"max_pool", FV_OP_MAX_POOL, "k=2"},
        {"avgpool", FV_OP_AVG_POOL, "k=2"},
        {"avg_pool", FV_OP_AVG_POOL, "k=2"},
        {"gap", FV_OP_GLOBAL_AVG_POOL, ""},
        {"global_avg_pool", FV_OP_GLOBAL_AVG_POOL, ""},
        {"gmp", FV_OP_GLOBAL_MAX_POOL, ""},
        {"global_max_pool", FV_OP_GLOBAL_MAX_POOL, ""},
        {"flatten", FV_OP_FLATTEN, ""},
        {"fc", FV_OP_FULLY_CONNECTED, "c=10"},
        {"fully_connected", FV_OP_FULLY_CONNECTED, ""},
        {"resize", FV_OP_RESIZE, "f=2"},
        {"upsample", FV_OP_RESIZE, "f=2"},
        {"up", FV_OP_RESIZE, "f=2"},
        {"d2s", FV_OP_DEPTH_TO_SPACE, "b=2"},
        {"depth_to_space", FV_OP_DEPTH_TO_SPACE, "b=2"},
        {"pixel_shuffle", FV_OP_DEPTH_TO_SPACE, "b=2"},
        {"s2d", FV_OP_SPACE_TO_DEPTH, "b=2"},
        {"space_to_depth", FV_OP_SPACE_TO_DEPTH, "b=2"},
        {"pad", FV_OP_PAD, "p=1"},
        {"slice", FV_OP_SLICE, "y=1:"},
        {"crop", FV_OP_SLICE, "x=:-1"},
        {"bn", FV_OP_BATCH_NORM, ""},
        {"leaky", FV_OP_LEAKY_RELU, ""},
        {"swish", FV_OP_SILU, ""},
        {"hswish", FV_OP_HARD_SWISH, ""},
        {"hsigmoid", FV_OP_HARD_SIGMOID, ""},
    };
    char text[128];
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        snprintf(text, sizeof text, "input size=16\nx: %s %s\n", cases[k].word, cases[k].args);
        fv_graph *g = parse(text);
        assert_int_equal(fv_graph_op(g, node(g, "x")), cases[k].op);
        fv_graph_free(g);
    }
    /* Every pointwise op by its own name. */
    for (int op = 0; op < FV_OP_COUNT; op++) {
        if (!fv_op_is_pointwise((fv_op)op))
            continue;
        snprintf(text, sizeof text, "input size=16\nx: %s\n", fv_op_name((fv_op)op));
        fv_graph *g = parse(text);
        assert_int_equal(fv_graph_op(g, node(g, "x")), op);
        fv_graph_free(g);
    }
}

static void test_window_params(void **state)
{
    fv_graph *g = parse("input size=64\n"
                        "a: conv k=1x7 s=2x1 d=2 p=0x3 c=64 g=4\n"
                        "b: conv k=3 p=0,1,2,3\n"
                        "c: conv k=3 s=2 p=same\n"
                        "d: conv k=3 s=2 p=same_lower\n"
                        "e: conv k=3 p=valid\n"
                        "f: conv k=3 c=32 g=dw\n"
                        "h: conv k=3 c=16 g=c\n"
                        "i: maxpool k=3 s=2 ceil\n"
                        "j: avgpool k=2 ceil=1\n"
                        "l: maxpool k=2 ceil=0 d=2\n"
                        "m: deconv k=4 s=2 p=1 op=1x0 c=8\n");
    const fv_window *w = win(g, "a");
    assert_int_equal(w->kernel[0], 1);
    assert_int_equal(w->kernel[1], 7);
    assert_int_equal(w->stride[0], 2);
    assert_int_equal(w->stride[1], 1);
    assert_int_equal(w->dilation[0], 2);
    assert_int_equal(w->dilation[1], 2);
    assert_int_equal(w->pad_begin[0], 0);
    assert_int_equal(w->pad_begin[1], 3);
    assert_int_equal(w->pad_end[0], 0);
    assert_int_equal(w->pad_end[1], 3);
    assert_int_equal(w->groups, 4);
    assert_int_equal(w->rule, FV_PAD_EXPLICIT);
    assert_int_equal(fv_graph_channels(g, node(g, "a")), 64);

    w = win(g, "b"); /* ONNX order: top, left, bottom, right */
    assert_int_equal(w->pad_begin[0], 0);
    assert_int_equal(w->pad_begin[1], 1);
    assert_int_equal(w->pad_end[0], 2);
    assert_int_equal(w->pad_end[1], 3);
    assert_int_equal(win(g, "c")->rule, FV_PAD_SAME_UPPER);
    assert_int_equal(win(g, "d")->rule, FV_PAD_SAME_LOWER);
    assert_int_equal(win(g, "e")->rule, FV_PAD_VALID);
    assert_int_equal(win(g, "f")->groups, 32);
    assert_int_equal(win(g, "h")->groups, 16);
    assert_int_equal(win(g, "i")->ceil_mode, 1);
    assert_int_equal(win(g, "j")->ceil_mode, 1);
    assert_int_equal(win(g, "l")->ceil_mode, 0);
    assert_int_equal(win(g, "l")->dilation[1], 2);
    assert_int_equal(win(g, "a")->ceil_mode, 0);
    w = win(g, "m");
    assert_int_equal(fv_graph_op(g, node(g, "m")), FV_OP_CONV_TRANSPOSE);
    assert_int_equal(w->output_padding[0], 1);
    assert_int_equal(w->output_padding[1], 0);
    fv_graph_free(g);
}

static void test_resample_params(void **state)
{
    fv_graph *g = parse("input size=64\n"
                        "a: resize f=2\n"
                        "b: up f=2x1 mode=bilinear align_corners\n"
                        "c: resize f=3/2 mode=cubic\n"
                        "k: resize f=2 mode=cubic a=-0.5 exclude_outside\n"
                        "d: upsample f=3/2x4 mode=nearest\n"
                        "e: d2s b=2\n"
                        "f: s2d b=4\n"
                        "g: pixel_shuffle b=2 mode=crd\n"
                        "h: pad p=-1,2,3,-4\n"
                        "i: pad p=1x-2\n"
                        "j: slice y=1:-1 x=::2\n"
                        "l: crop y=:5:3\n");
    const fv_resize *r = &fv_graph_params(g, node(g, "a"))->resize;
    assert_int_equal(r->scale_num[0], 2);
    assert_int_equal(r->scale_num[1], 2);
    assert_int_equal(r->scale_den[0], 1);
    assert_int_equal(r->mode, FV_RESIZE_NEAREST);
    r = &fv_graph_params(g, node(g, "b"))->resize;
    assert_int_equal(r->scale_num[0], 2);
    assert_int_equal(r->scale_num[1], 1);
    assert_int_equal(r->mode, FV_RESIZE_LINEAR);
    assert_int_equal(r->align_corners, 1);
    r = &fv_graph_params(g, node(g, "c"))->resize;
    assert_int_equal(r->scale_num[0], 3);
    assert_int_equal(r->scale_den[0], 2);
    assert_int_equal(r->scale_num[1], 3);
    assert_int_equal(r->scale_den[1], 2);
    assert_int_equal(r->mode, FV_RESIZE_CUBIC);
    assert_float_equal(r->cubic_a, -0.75, 0);
    assert_int_equal(r->exclude_outside, 0);
    r = &fv_graph_params(g, node(g, "k"))->resize;
    assert_float_equal(r->cubic_a, -0.5, 0);
    assert_int_equal(r->exclude_outside, 1);
    r = &fv_graph_params(g, node(g, "d"))->resize;
    assert_int_equal(r->scale_num[0], 3);
    assert_int_equal(r->scale_den[0], 2);
    assert_int_equal(r->scale_num[1], 4);
    assert_int_equal(r->scale_den[1], 1);
    assert_int_equal(fv_graph_params(g, node(g, "e"))->block.size, 2);
    assert_int_equal(fv_graph_params(g, node(g, "f"))->block.size, 4);
    assert_int_equal(fv_graph_params(g, node(g, "e"))->block.order, FV_BLOCK_DCR);
    assert_int_equal(fv_graph_params(g, node(g, "g"))->block.order, FV_BLOCK_CRD);
    const fv_pad *p = &fv_graph_params(g, node(g, "h"))->pad;
    assert_int_equal(p->begin[0], -1);
    assert_int_equal(p->begin[1], 2);
    assert_int_equal(p->end[0], 3);
    assert_int_equal(p->end[1], -4);
    p = &fv_graph_params(g, node(g, "i"))->pad;
    assert_int_equal(p->begin[0], 1);
    assert_int_equal(p->end[0], 1);
    assert_int_equal(p->begin[1], -2);
    assert_int_equal(p->end[1], -2);
    const fv_slice *s = &fv_graph_params(g, node(g, "j"))->slice;
    assert_int_equal(s->start[0], 1);
    assert_int_equal(s->end[0], -1);
    assert_int_equal(s->step[0], 1);
    assert_int_equal(s->start[1], 0);
    assert_true(s->end[1] == INT64_MAX);
    assert_int_equal(s->step[1], 2);
    s = &fv_graph_params(g, node(g, "l"))->slice;
    assert_int_equal(s->start[0], 0);
    assert_int_equal(s->end[0], 5);
    assert_int_equal(s->step[0], 3);
    assert_true(s->end[1] == INT64_MAX);
    fv_graph_free(g);
}

/* alpha= sets the constant the ERF engine reads; without it the ops keep
 * PyTorch's defaults (leaky_relu 0.01, elu 1). normalize takes scale= and
 * eps=, else Caffe-SSD's 1 and 1e-10; power takes power=, scale= and
 * shift=, else Caffe's 1, 1 and 0. */
static void test_pointwise_params(void **state)
{
    fv_graph *g = parse("input size=16\n"
                        "a: leaky_relu alpha=0.1\n"
                        "b: leaky\n"
                        "c: elu alpha=1.5e-1\n"
                        "d: elu\n"
                        "e: leaky alpha=0\n"
                        "f: normalize scale=20 eps=1e-5\n"
                        "g: normalize\n"
                        "h: power power=2 scale=-0.5 shift=1e-3\n"
                        "i: power\n");
    assert_true(fv_graph_params(g, node(g, "a"))->pointwise.alpha == 0.1);
    assert_true(fv_graph_params(g, node(g, "b"))->pointwise.alpha == 0.01);
    assert_true(fv_graph_params(g, node(g, "c"))->pointwise.alpha == 0.15);
    assert_true(fv_graph_params(g, node(g, "d"))->pointwise.alpha == 1);
    assert_true(fv_graph_params(g, node(g, "e"))->pointwise.alpha == 0);
    const fv_normalize *p = &fv_graph_params(g, node(g, "f"))->normalize;
    assert_true(p->scale == 20 && p->eps == 1e-5);
    p = &fv_graph_params(g, node(g, "g"))->normalize;
    assert_true(p->scale == 1 && p->eps == 1e-10);
    const fv_power *w = &fv_graph_params(g, node(g, "h"))->power;
    assert_true(w->power == 2 && w->scale == -0.5 && w->shift == 1e-3);
    w = &fv_graph_params(g, node(g, "i"))->power;
    assert_true(w->power == 1 && w->scale == 1 && w->shift == 0);
    fv_graph_free(g);
}

static void test_merges(void **state)
{
    fv_graph *g = parse("input size=32\n"
                        "a: conv k=3 p=1\n"
                        "b: conv k=1 from=input\n"
                        "s: add from=a,b\n"
                        "m: mul from=s,a\n"
                        "x: max from=a,b,s\n"
                        "c: concat from=a,b,s,m\n"
                        "relu\n");
    expect_node(g, "b", FV_OP_CONV, "input", NULL);
    expect_node(g, "s", FV_OP_ADD, "a", "b", NULL);
    expect_node(g, "m", FV_OP_MUL, "s", "a", NULL);
    expect_node(g, "x", FV_OP_MAX, "a", "b", "s", NULL);
    expect_node(g, "c", FV_OP_CONCAT, "a", "b", "s", "m", NULL);
    expect_node(g, "relu_7", FV_OP_RELU, "c", NULL);
    fv_graph_free(g);
}

static void test_blocks(void **state)
{
    fv_graph *g = parse("block unit(c, k=3) {\n"
                        "  a: conv k=$k p=${(k - 1) / 2} c=$c\n"
                        "  relu\n"
                        "  s: add from=in,a\n"
                        "}\n"
                        "block pair(c) {\n"
                        "  u: unit c=$c\n"
                        "  unit c=${c*2} k=5\n"
                        "  unit c=1\n"
                        "}\n"
                        "input size=32\n"
                        "stem: conv k=3\n"
                        "b1: unit c=16\n"
                        "unit c=8 from=stem\n"
                        "pair c=4\n"
                        "tail: relu from=b1.s\n");
    expect_node(g, "b1.a", FV_OP_CONV, "stem", NULL);
    assert_int_equal(fv_graph_channels(g, node(g, "b1.a")), 16);
    assert_int_equal(win(g, "b1.a")->pad_begin[0], 1);
    expect_node(g, "b1.relu_3", FV_OP_RELU, "b1.a", NULL);
    expect_node(g, "b1.s", FV_OP_ADD, "stem", "b1.a", NULL);
    expect_node(g, "unit_0.a", FV_OP_CONV, "stem", NULL);
    assert_int_equal(fv_graph_channels(g, node(g, "unit_0.a")), 8);
    expect_node(g, "unit_0.s", FV_OP_ADD, "stem", "unit_0.a", NULL);
    /* Nested instances: named, then counted per block within the scope. */
    expect_node(g, "pair_0.u.a", FV_OP_CONV, "unit_0.s", NULL);
    expect_node(g, "pair_0.unit_0.a", FV_OP_CONV, "pair_0.u.s", NULL);
    assert_int_equal(fv_graph_channels(g, node(g, "pair_0.unit_0.a")), 8);
    assert_int_equal(win(g, "pair_0.unit_0.a")->kernel[0], 5);
    assert_int_equal(win(g, "pair_0.unit_0.a")->pad_begin[0], 2);
    expect_node(g, "pair_0.unit_1.a", FV_OP_CONV, "pair_0.unit_0.s", NULL);
    expect_node(g, "tail", FV_OP_RELU, "b1.s", NULL);
    fv_graph_free(g);
}

static void test_repeat(void **state)
{
    fv_graph *g = parse("input size=64\n"
                        "stage: repeat 3 { conv k=3 c=${8 * (i + 1)}; r: relu }\n"
                        "repeat 2 {\n"
                        "  repeat 2 { x: conv k=1 s=${i+1} }\n"
                        "  y: add from=in,repeat0.1.x\n"
                        "}\n");
    expect_node(g, "stage.0.conv_1", FV_OP_CONV, "input", NULL);
    expect_node(g, "stage.0.r", FV_OP_RELU, "stage.0.conv_1", NULL);
    expect_node(g, "stage.1.conv_3", FV_OP_CONV, "stage.0.r", NULL);
    expect_node(g, "stage.2.r", FV_OP_RELU, "stage.2.conv_5", NULL);
    assert_int_equal(fv_graph_channels(g, node(g, "stage.2.conv_5")), 24);
    /* The second repeat of the top level is repeat1; names inside a child
     * scope are reached by their dotted path. */
    expect_node(g, "repeat1.0.repeat0.0.x", FV_OP_CONV, "stage.2.r", NULL);
    expect_node(g, "repeat1.0.y", FV_OP_ADD, "stage.2.r", "repeat1.0.repeat0.1.x", NULL);
    expect_node(g, "repeat1.1.repeat0.0.x", FV_OP_CONV, "repeat1.0.y", NULL);
    expect_node(g, "repeat1.1.y", FV_OP_ADD, "repeat1.0.y", "repeat1.1.repeat0.1.x", NULL);
    expect_node(g, "repeat1.0.repeat0.1.x", FV_OP_CONV, "repeat1.0.repeat0.0.x", NULL);
    assert_int_equal(win(g, "repeat1.0.repeat0.1.x")->stride[0], 2);
    fv_graph_free(g);

    /* One line, as with fovea rf -e. */
    g = parse("input size=32; repeat 3 { conv k=3 }; gap");
    assert_int_equal(fv_graph_size(g), 5);
    expect_node(g, "repeat0.2.conv_3", FV_OP_CONV, "repeat0.1.conv_2", NULL);
    expect_node(g, "global_avg_pool_4", FV_OP_GLOBAL_AVG_POOL, "repeat0.2.conv_3", NULL);
    fv_graph_free(g);
}

static void test_repeat_scope_names(void **state)
{
    fv_graph *g = parse("input size=64\n"
                        "repeat 2 {\n"
                        "  a: conv k=1\n"
                        "  repeat 1 { b: conv k=1 from=a }\n"
                        "  s: add from=a,repeat0.0.b\n"
                        "}\n"
                        "t: relu from=repeat0.1.a\n");
    /* `a` inside the inner copy is not defined there: it resolves outward,
     * to the enclosing copy's a, not to the other copy's. */
    expect_node(g, "repeat0.0.repeat0.0.b", FV_OP_CONV, "repeat0.0.a", NULL);
    expect_node(g, "repeat0.1.repeat0.0.b", FV_OP_CONV, "repeat0.1.a", NULL);
    expect_node(g, "repeat0.1.a", FV_OP_CONV, "repeat0.0.s", NULL);
    expect_node(g, "t", FV_OP_RELU, "repeat0.1.a", NULL);
    fv_graph_free(g);
}

static void test_for_loops(void **state)
{
    fv_graph *g = parse("block mixed(pool) {\n"
                        "  b0: conv k=1\n"
                        "  $pool k=3 p=1 from=in; b1: conv k=1\n"
                        "  concat from=b0,b1\n"
                        "}\n"
                        "input size=32\n"
                        "for x in b,c { Mixed_5$x: mixed pool=avgpool }\n"
                        "Mixed_5d: mixed pool=maxpool\n"
                        "for k in 0,1..2 {\n"
                        "  layer3.$k.conv1: conv k=3 p=1\n"
                        "  ${k + 10}: add from=in,layer3.$k.conv1\n"
                        "}\n"
                        "for k in 1..2 { unit_$k: repeat 1 { conv k=1 }; mixed pool=avgpool }\n");
    /* No prefix of its own: the copies name their layers in the scope
     * around them, from their variable. */
    expect_node(g, "Mixed_5b.b0", FV_OP_CONV, "input", NULL);
    expect_node(g, "Mixed_5c.b0", FV_OP_CONV, "Mixed_5b.concat_4", NULL);
    /* The op of a layer can be a block parameter. */
    expect_node(g, "Mixed_5b.avg_pool_2", FV_OP_AVG_POOL, "input", NULL);
    expect_node(g, "Mixed_5d.max_pool_10", FV_OP_MAX_POOL, "Mixed_5c.concat_8", NULL);
    /* Items and inclusive ranges mix; `in` is each copy's input; a label
     * may be a dotted path whose parts start with a digit. */
    expect_node(g, "layer3.0.conv1", FV_OP_CONV, "Mixed_5d.concat_12", NULL);
    expect_node(g, "10", FV_OP_ADD, "Mixed_5d.concat_12", "layer3.0.conv1", NULL);
    expect_node(g, "layer3.1.conv1", FV_OP_CONV, "10", NULL);
    expect_node(g, "layer3.2.conv1", FV_OP_CONV, "11", NULL);
    expect_node(g, "12", FV_OP_ADD, "11", "layer3.2.conv1", NULL);
    /* Unnamed instances and repeats count on across the copies. */
    expect_node(g, "unit_1.0.conv_19", FV_OP_CONV, "12", NULL);
    expect_node(g, "mixed_0.b0", FV_OP_CONV, "unit_1.0.conv_19", NULL);
    expect_node(g, "mixed_1.b0", FV_OP_CONV, "unit_2.0.conv_24", NULL);
    fv_graph_free(g);

    /* Loop bounds may come from block parameters. */
    g = parse("block stage(n) { 0: conv k=1; for k in 1..${n-1} { $k: conv k=3 } }\n"
              "input size=32\n"
              "layer2: stage n=3\n");
    expect_node(g, "layer2.0", FV_OP_CONV, "input", NULL);
    expect_node(g, "layer2.2", FV_OP_CONV, "layer2.1", NULL);
    assert_int_equal(fv_graph_size(g), 4);
    fv_graph_free(g);
}

/* from= may name a block instance or a repeat (or one of its copies): it
 * means that scope's output, its last statement. */
static void test_instance_outputs(void **state)
{
    fv_graph *g = parse("block b(c) { conv k=3 p=1 c=$c; out: relu }\n"
                        "input size=32\n"
                        "x: b c=8\n"
                        "b c=4\n"
                        "r: repeat 2 { b c=2 }\n"
                        "for n in 1..2 { y$n: b c=1 from=x }\n"
                        "s: add from=x,b_0,r.0,r,y2\n");
    expect_node(g, "s", FV_OP_ADD, "x.out", "b_0.out", "r.0.b_0.out", "r.1.b_0.out", "y2.out",
                NULL);
    expect_node(g, "y1.conv_9", FV_OP_CONV, "x.out", NULL);
    fv_graph_free(g);
}

/* Every prefix of every built-in network (cut every few bytes) parses or
 * fails with a message and a position; none crashes or leaks (ASan build). */
static void test_zoo_prefixes(void **state)
{
    size_t parsed = 0, failed = 0;
    for (size_t k = 0; k < fv_zoo_size(); k++) {
        const char *text = fv_zoo_text(k);
        size_t len = strlen(text);
        for (size_t cut = 0; cut < len; cut += 5) {
            fv_graph *g = NULL;
            fv_diag d;
            fv_status st = fv_text_parse(text, cut, "<zoo prefix>", &g, &d);
            if (st == FV_OK) {
                assert_non_null(g);
                parsed++;
            } else {
                assert_null(g);
                assert_true(strlen(d.message) > 0);
                failed++;
            }
            fv_graph_free(g);
        }
    }
    assert_true(parsed > 0 && failed > 0);
}

/* Reads a whole file into a NUL-terminated buffer the caller frees. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = 2 * cap + 4096 + 1;
            char *b = realloc(buf, cap);
            assert_non_null(b);
            buf = b;
        }
        size_t got = fread(buf + n, 1, 4096, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_golden_errors(void **state)
{
    const char *dir_rel = "tests/errors/text";
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/%s", FOVEA_SOURCE_DIR, dir_rel);
    DIR *d = opendir(dir);
    assert_non_null(d);
    char *names[1024];
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len > 3 && strcmp(e->d_name + len - 3, ".fv") == 0 && n < 1024) {
            names[n] = malloc(len + 1);
            memcpy(names[n++], e->d_name, len + 1);
        }
    }
    closedir(d);
    qsort(names, n, sizeof names[0], by_name);
    assert_true(n >= 25);
    int failures = 0;
    for (size_t k = 0; k < n; k++) {
        char path[1400], rel[1400], expected_path[1400];
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        snprintf(rel, sizeof rel, "%s/%s", dir_rel, names[k]);
        snprintf(expected_path, sizeof expected_path, "%.*s.expected",
                 (int)(strlen(path) - 3), path);
        size_t len, elen;
        char *text = slurp(path, &len);
        char *expected = slurp(expected_path, &elen);
        assert_non_null(text);
        if (!expected)
            fail_msg("%s has no .expected", rel);
        fv_graph *g = (fv_graph *)&g; /* must be reset to NULL */
        fv_diag diag;
        fv_status st = fv_text_parse(text, len, rel, &g, &diag);
        char *got = NULL;
        size_t glen = 0;
        FILE *mem = open_memstream(&got, &glen);
        assert_non_null(mem);
        if (st != FV_OK)
            fv_diag_print(&diag, mem);
        fclose(mem);
        if (st == FV_OK || g != NULL || strcmp(got, expected) != 0) {
            fprintf(stderr, "%s: status %s\n--- expected\n%s--- got\n%s", rel,
                    fv_status_str(st), expected, got);
            failures++;
        }
        if (st == FV_OK)
            fv_graph_free(g);
        free(got);
        free(text);
        free(expected);
        free(names[k]);
    }
    assert_int_equal(failures, 0);
}

/* Every ```fv block of docs/text-format.md parses. */
static void test_doc_examples(void **state)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/docs/text-format.md", FOVEA_SOURCE_DIR);
    size_t len;
    char *doc = slurp(path, &len);
    assert_non_null(doc);
    int examples = 0;
    for (char *p = doc; (p = strstr(p, "\n```fv\n"));) {
        char *start = p + 7;
        char *end = strstr(start, "\n```\n");
        assert_non_null(end);
        fv_graph *g = NULL;
        fv_diag d;
        fv_status st = fv_text_parse(start, (size_t)(end - start + 1), "docs/text-format.md", &g, &d);
        if (st != FV_OK) {
            fv_diag_print(&d, stderr);
            fail_msg("example %d of docs/text-format.md does not parse", examples + 1);
        }
        fv_graph_free(g);
        examples++;
        p = end;
    }
    free(doc);
    assert_true(examples >= 5);
}

static void test_bad_calls(void **state)
{
    fv_graph *g = (fv_graph *)&g;
    fv_diag d;
    assert_int_equal(fv_text_parse(NULL, 3, "x", &g, &d), FV_ERR_USAGE);
    assert_null(g);
    assert_int_equal(fv_text_parse("", 0, "x", NULL, &d), FV_ERR_USAGE);
    assert_int_equal(fv_text_parse("", 0, "empty.fv", &g, &d), FV_ERR_SEMANTIC);
    assert_null(g);
    assert_string_equal(d.file, "empty.fv");
    /* Without a diag the status still comes back. */
    assert_int_equal(fv_text_parse("input; input", 12, "x", &g, NULL), FV_ERR_SEMANTIC);
    /* Without an input declaration, one of unknown size comes first. */
    assert_int_equal(fv_text_parse("conv k=3", 8, "x", &g, &d), FV_OK);
    assert_int_equal(fv_graph_size(g), 2);
    assert_int_equal(fv_graph_op(g, 0), FV_OP_INPUT);
    assert_string_equal(fv_graph_name(g, 0), "input");
    fv_graph_free(g);
    /* Text need not be NUL-terminated: only len bytes are read. */
    const char text[] = {'i', 'n', 'p', 'u', 't', '\n', 'r', 'e', 'l', 'u', 'X'};
    assert_int_equal(fv_text_parse(text, 10, "x", &g, &d), FV_OK);
    assert_int_equal(fv_graph_size(g), 2);
    fv_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_input_and_chaining),
        cmocka_unit_test(test_aliases),
        cmocka_unit_test(test_window_params),
        cmocka_unit_test(test_resample_params),
        cmocka_unit_test(test_pointwise_params),
        cmocka_unit_test(test_merges),
        cmocka_unit_test(test_blocks),
        cmocka_unit_test(test_repeat),
        cmocka_unit_test(test_repeat_scope_names),
        cmocka_unit_test(test_for_loops),
        cmocka_unit_test(test_instance_outputs),
        cmocka_unit_test(test_zoo_prefixes),
        cmocka_unit_test(test_golden_errors),
        cmocka_unit_test(test_doc_examples),
        cmocka_unit_test(test_bad_calls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
