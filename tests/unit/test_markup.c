/* The picture writers' foundations: escaping of model text for XML/HTML and
 * DOT, the layer outline the charts share, and refusals that write nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "build_helpers.h"
#include "reports/markup.h"

/* What `write` wrote for `text`, in a buffer the caller frees. */
static char *written(void (*write)(FILE *, const char *), const char *text)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    write(f, text);
    long n = ftell(f);
    rewind(f);
    char *buf = calloc((size_t)n + 1, 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return buf;
}

#define FFFD "\xEF\xBF\xBD"

static void xml_escapes_markup_and_bad_bytes(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"conv1", "conv1"},
        {"<script>&\"'", "&lt;script&gt;&amp;&quot;&#39;"},
        {"tab\tnewline\n", "tab\tnewline\n"},              /* XML allows both */
        {"a\x01" "b\x7F" "c", "a" FFFD "b" FFFD "c"},         /* control characters */
        {"\xC3\xA9t\xC3\xA9", "\xC3\xA9t\xC3\xA9"},           /* "été": valid 2-byte UTF-8 */
        {"\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80"},             /* U+1F600: valid 4-byte */
        {"\xFF", FFFD},                                       /* never valid in UTF-8 */
        {"\xC0\xAF", FFFD FFFD},                              /* overlong '/' */
        {"\xED\xA0\x80", FFFD FFFD FFFD},                     /* a UTF-16 surrogate */
        {"\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD},            /* past U+10FFFF */
        {"\xE2\x82", FFFD FFFD},                              /* truncated sequence */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char *out = written(fv_xml_text, cases[k].in);
        assert_string_equal(out, cases[k].out);
        free(out);
    }
}

static void dot_escapes_quotes_and_controls(void **state)
{
    (void)state;
    char *out = written(fv_dot_text, "a\"b\\c\nd\xFF");
    assert_string_equal(out, "a\\\"b\\\\c" FFFD "d" FFFD);
    free(out);
}

/* input -> a -> relu -> b -> add(b, c), c = 1x1 projection of a: the
 * relu folds into a; the longest path is input, a, b, add (depths 0..3);
 * c sits at depth 2 beside the path. */
static void outline_folds_pointwise_and_finds_the_longest_path(void **state)
{
    (void)state;
    fv_graph *g = fv_graph_create();
    int32_t in = tb_input(g);
    int32_t a = tb_window(g, FV_OP_CONV, in, 3, 1, 1, 1);
    int32_t r = tb_unary(g, FV_OP_RELU, a);
    int32_t b = tb_window(g, FV_OP_CONV, r, 3, 1, 1, 1);
    int32_t c = tb_window(g, FV_OP_CONV, a, 1, 1, 1, 0);
    int32_t add = tb_merge(g, FV_OP_ADD, b, c);
    fv_outline o;
    fv_diag diag;
    fv_diag_init(&diag);
    assert_int_equal(fv_outline_build(g, &o, &diag), FV_OK);
    assert_int_equal(o.n, 5);
    assert_int_equal(o.max_depth, 3);
    assert_int_equal(o.slot[r], o.slot[a]);
    const int32_t nodes[] = {in, a, b, c, add};
    const int32_t depth[] = {0, 1, 2, 2, 3};
    const int on_path[] = {1, 1, 1, 0, 1};
    for (size_t k = 0; k < 5; k++) {
        int32_t s = o.slot[nodes[k]];
        assert_int_equal(o.node[s], nodes[k]);
        assert_int_equal(o.depth[s], depth[k]);
        assert_int_equal(o.main_path[s], on_path[k]);
    }
    fv_outline_free(&o);
    fv_graph_free(g);
}

/* A refused chart leaves the output untouched. */
static void refused_charts_write_nothing(void **state)
{
    (void)state;
    fv_graph *g = fv_graph_create();
    int32_t v = tb_input(g);
    for (int k = 0; k <= FV_DIAGRAM_MAX_LAYERS; k++)
        v = tb_window(g, FV_OP_CONV, v, 3, 1, 1, 1);
    fv_trf *t = NULL;
    fv_diag diag;
    fv_diag_init(&diag);
    assert_int_equal(fv_trf_compute(g, NULL, &t, &diag), FV_OK);
    FILE *f = tmpfile();
    assert_int_equal(fv_report_svg(g, t, FV_CHART_DIAGRAM, -1, f, &diag), FV_ERR_UNSUPPORTED);
    assert_int_equal(fv_report_svg(g, t, FV_CHART_ANCHORS, -1, f, &diag), FV_ERR_USAGE);
    assert_int_equal(ftell(f), 0);
    /* One layer fewer is drawn. */
    assert_int_equal(fv_report_svg(g, t, FV_CHART_DIAGRAM, v - 1, f, &diag), FV_OK);
    assert_true(ftell(f) > 0);
    fclose(f);
    fv_trf_free(t);
    fv_graph_free(g);
}

/* Long names are cut in the middle, between whole UTF-8 characters. */
static void ellipsize_keeps_both_ends(void **state)
{
    (void)state;
    char buf[64];
    fv_ellipsize("abcdefghij", 10, buf, sizeof buf);
    assert_string_equal(buf, "abcdefghij");
    fv_ellipsize("abcdefghij", 5, buf, sizeof buf); /* 2 + ellipsis + 2 characters */
    assert_string_equal(buf, "ab\xE2\x80\xA6ij");
    fv_ellipsize("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 3, buf, sizeof buf); /* five e-acute */
    assert_string_equal(buf, "\xC3\xA9\xE2\x80\xA6\xC3\xA9");
}

/* The test vectors of RFC 4648 section 10. */
static void data_uri_base64(void **state)
{
    (void)state;
    static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const out[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (size_t k = 0; k < 7; k++) {
        FILE *f = tmpfile();
        assert_non_null(f);
        fv_write_data_uri(f, "text/plain", (const unsigned char *)in[k], strlen(in[k]));
        char buf[64] = {0};
        rewind(f);
        assert_true(fread(buf, 1, sizeof buf - 1, f) > 0);
        fclose(f);
        char want[64];
        snprintf(want, sizeof want, "data:text/plain;base64,%s", out[k]);
        assert_string_equal(buf, want);
    }
}

static void chart_names(void **state)
{
    (void)state;
    assert_int_equal(fv_chart_from_name("rf"), FV_CHART_RF);
    assert_int_equal(fv_chart_from_name("diagram"), FV_CHART_DIAGRAM);
    assert_int_equal(fv_chart_from_name("anchors"), FV_CHART_ANCHORS);
    assert_int_equal(fv_chart_from_name("pie"), FV_CHART_COUNT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(xml_escapes_markup_and_bad_bytes),
        cmocka_unit_test(dot_escapes_quotes_and_controls),
        cmocka_unit_test(outline_folds_pointwise_and_finds_the_longest_path),
        cmocka_unit_test(refused_charts_write_nothing),
        cmocka_unit_test(ellipsize_keeps_both_ends),
        cmocka_unit_test(data_uri_base64),
        cmocka_unit_test(chart_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
