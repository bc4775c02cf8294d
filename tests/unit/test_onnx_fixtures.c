/* Real networks exported by PyTorch (tests/data/onnx/NAME.onnx, graph only)
 * against an oracle that shares none of fovea's arithmetic: NAME.json holds,
 * for each stage, the input box of two units measured by PyTorch as the
 * non-zero input gradient of a linearised copy of the network with positive
 * weights (scripts/fixtures/onnx_torchvision.py says how). Both boxes lie
 * inside the image, so they are the units' whole receptive fields.
 *
 * Which fovea field: size_min/size_max range over every unit of a layer and
 * the oracle measures two units, so the exact comparison is fv_trf_unit of
 * those same units (first and last pixel per axis). Where fovea says the RF
 * is the same for every unit (period 1) its size must also equal the
 * oracle's; elsewhere the oracle's size must lie in [size_min, size_max].
 * The effective stride is the shift between the two boxes over the units
 * between them, a multiple of the RF's period. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "fovea.h"

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)len + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
    text[len] = '\0';
    fclose(f);
    return text;
}

static const cJSON *field(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!v)
        fail_msg("fixture has no '%s'", name);
    return v;
}

/* Element k of the integer array `name`. */
static int64_t at(const cJSON *obj, const char *name, int k)
{
    const cJSON *v = cJSON_GetArrayItem(field(obj, name), k);
    if (!cJSON_IsNumber(v))
        fail_msg("'%s'[%d] is not a number", name, k);
    return (int64_t)v->valuedouble;
}

/* One unit's box along one axis: fovea's exact interval against the oracle's. */
static void check_unit(const fv_trf *t, int32_t node, int axis, int64_t unit, int64_t first,
                       int64_t last, const char *where)
{
    fv_interval iv;
    fv_diag d;
    fv_diag_init(&d);
    assert_int_equal(fv_trf_unit(t, node, axis, unit, &iv, &d), FV_OK);
    if (iv.empty || iv.first != first || iv.last != last)
        fail_msg("%s, unit %lld along %s: fovea %lld..%lld, PyTorch %lld..%lld", where,
                 (long long)unit, axis == FV_AXIS_Y ? "y" : "x", (long long)iv.first,
                 (long long)iv.last, (long long)first, (long long)last);
}

static void check_stage(const fv_graph *g, const fv_trf *t, const cJSON *st, int64_t step,
                        const char *model)
{
    const char *name = field(st, "node")->valuestring;
    const char *prefix = field(st, "prefix")->valuestring;
    char where[400];
    snprintf(where, sizeof where, "%s %s", model, name);
    int32_t node = fv_graph_find(g, name);
    if (node < 0)
        fail_msg("%s: no such node", where);
    if (prefix[0] && fv_graph_select(g, prefix) != node) /* the stage's last node */
        fail_msg("%s: --layer %s selects '%s'", where, prefix,
                 fv_graph_select(g, prefix) < 0 ? "nothing"
                                                : fv_graph_name(g, fv_graph_select(g, prefix)));
    fv_rf rf;
    fv_trf_get(t, node, &rf);
    assert_false(rf.whole_input);
    static const char *const box[FV_AXES] = {"rows", "cols"};
    static const char *const next[FV_AXES] = {"rows_next", "cols_next"};
    for (int a = 0; a < FV_AXES; a++) {
        const fv_rf_axis *ax = &rf.axis[a];
        int64_t unit = at(st, "unit", a), first = at(st, box[a], 0), last = at(st, box[a], 1);
        assert_int_equal(ax->map_size, at(st, "map", a));
        assert_int_equal(ax->centre_unit, unit); /* both take (size - 1) / 2 */
        check_unit(t, node, a, unit, first, last, where);
        check_unit(t, node, a, unit + step, at(st, next[a], 0), at(st, next[a], 1), where);
        int64_t size = last - first + 1;
        if (ax->period == 1 && (ax->size_min != size || ax->size_max != size))
            fail_msg("%s: RF %lld-%lld, PyTorch %lld", where, (long long)ax->size_min,
                     (long long)ax->size_max, (long long)size);
        assert_true(ax->size_min <= size && size <= ax->size_max);
        /* stride = shift / step, compared as num * step == shift * den */
        assert_int_equal(step % ax->period, 0);
        int64_t shift = at(st, next[a], 0) - first;
        if (ax->stride.num * step != shift * ax->stride.den)
            fail_msg("%s: stride %lld/%lld, PyTorch %lld pixels over %lld units", where,
                     (long long)ax->stride.num, (long long)ax->stride.den, (long long)shift,
                     (long long)step);
    }
}

static void test_fixture(void **state)
{
    const char *model = *state;
    char path[512];
    snprintf(path, sizeof path, "%s/tests/data/onnx/%s.json", FOVEA_SOURCE_DIR, model);
    char *text = read_text(path);
    cJSON *doc = cJSON_Parse(text);
    free(text);
    assert_non_null(doc);
    snprintf(path, sizeof path, "%s/tests/data/onnx/%s.onnx", FOVEA_SOURCE_DIR, model);
    fv_graph *g = NULL;
    fv_diag d;
    fv_diag_init(&d);
    fv_status s = fv_model_load(path, &g, &d);
    if (s != FV_OK)
        fv_diag_print(&d, stderr);
    assert_int_equal(s, FV_OK);
    int64_t hw[FV_AXES];
    fv_graph_input_size(g, hw); /* exported at the oracle's input size */
    assert_int_equal(hw[0], at(doc, "input", 0));
    assert_int_equal(hw[1], at(doc, "input", 1));
    fv_trf *t = NULL;
    s = fv_trf_compute(g, NULL, &t, &d);
    if (s != FV_OK)
        fv_diag_print(&d, stderr);
    assert_int_equal(s, FV_OK);
    int64_t step = (int64_t)field(doc, "step")->valuedouble;
    const cJSON *stages = field(doc, "stages"), *st;
    assert_true(cJSON_GetArraySize(stages) > 0);
    cJSON_ArrayForEach(st, stages)
        check_stage(g, t, st, step, model);
    fv_trf_free(t);
    fv_graph_free(g);
    cJSON_Delete(doc);
}

/* The fixtures keep no weight bytes: asking for a weight is an error that
 * says so, not a crash or zeros. */
static void test_graph_only_weights(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/tests/data/onnx/resnet18.onnx", FOVEA_SOURCE_DIR);
    fv_load_options opts = {.keep_weights = 1};
    fv_graph *g = NULL;
    fv_diag d;
    fv_diag_init(&d);
    assert_int_equal(fv_model_load_ex(path, &opts, &g, &d), FV_OK);
    int32_t conv1 = fv_graph_find(g, "/conv1/Conv");
    assert_true(conv1 >= 0);
    const float *data;
    int64_t dims[4];
    int nd;
    assert_int_equal(fv_graph_weight(g, conv1, FV_WEIGHT, &data, dims, &nd, &d), FV_ERR_SEMANTIC);
    assert_non_null(strstr(d.message, "does not hold its 9408 values")); /* 64x3x7x7 */
    fv_graph_free(g);
}

#define FIXTURE(name) {name, test_fixture, NULL, NULL, (void *)name}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FIXTURE("resnet18"),     FIXTURE("resnet50"), FIXTURE("vgg16"),
        FIXTURE("mobilenet_v2"), FIXTURE("efficientnet_b0"), FIXTURE("fcn_resnet50"),
        FIXTURE("inception_v3"), FIXTURE("densenet121"), FIXTURE("unet"),
        cmocka_unit_test(test_graph_only_weights),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
