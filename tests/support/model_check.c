#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "erf_maps.h"
#include "model_check.h"

fv_graph *mc_load(const char *source_dir, const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", source_dir, rel);
    fv_graph *g = NULL;
    fv_diag d;
    fv_diag_init(&d);
    if (fv_model_load(path, &g, &d) != FV_OK) {
        fv_diag_print(&d, stderr);
        fail_msg("cannot load %s", rel);
    }
    return g;
}

fv_graph *mc_text(const char *text)
{
    fv_graph *g = NULL;
    fv_diag d;
    fv_diag_init(&d);
    if (fv_text_parse(text, strlen(text), "<test>", &g, &d) != FV_OK)
        fail_msg("%s: %s", text, d.message);
    return g;
}

fv_graph *mc_caffe(const char *text)
{
    fv_graph *g = NULL;
    fv_diag d;
    fv_diag_init(&d);
    if (fv_caffe_parse(text, strlen(text), "<test>", &g, &d) != FV_OK) {
        fv_diag_print(&d, stderr);
        fail_msg("parse failed");
    }
    return g;
}

double *mc_erf_map(const fv_graph *g, int32_t node, const fv_erf_options *o, size_t *n,
                   fv_diag *diag)
{
    fv_erf_result *r = NULL;
    fv_diag_init(diag);
    if (fv_erf_compute(g, node, o, &r, diag) != FV_OK)
        return NULL;
    double *m = em_full(r, n);
    fv_erf_free(r);
    return m;
}

fv_trf *mc_trf(const fv_graph *g)
{
    fv_trf *t = NULL;
    fv_diag d;
    fv_diag_init(&d);
    if (fv_trf_compute(g, NULL, &t, &d) != FV_OK) {
        fv_diag_print(&d, stderr);
        fail_msg("trf failed");
    }
    return t;
}

int32_t mc_find(const fv_graph *g, const char *name)
{
    int32_t i = fv_graph_find(g, name);
    if (i < 0)
        fail_msg("no node '%s'", name);
    return i;
}

static int32_t node(const fv_graph *g, const char *name)
{
    int32_t i = fv_graph_select(g, name);
    if (i < 0)
        fail_msg("no layer '%s'", name);
    return i;
}

void mc_expect_rf(const fv_graph *g, const fv_trf *t, const char *name, int64_t r, int64_t s,
                  int64_t p)
{
    fv_rf rf;
    fv_trf_get(t, node(g, name), &rf);
    for (int a = 0; a < FV_AXES; a++) {
        if (rf.axis[a].size_min != r || rf.axis[a].size_max != r || rf.axis[a].stride.num != s ||
            rf.axis[a].stride.den != 1 || (p > -1000 && rf.axis[a].padding != p))
            fail_msg("%s axis %d: rf %lld..%lld stride %lld/%lld padding %lld; want %lld/%lld/%lld",
                     name, a, (long long)rf.axis[a].size_min, (long long)rf.axis[a].size_max,
                     (long long)rf.axis[a].stride.num, (long long)rf.axis[a].stride.den,
                     (long long)rf.axis[a].padding, (long long)r, (long long)s, (long long)p);
    }
}

void mc_expect_map(const fv_graph *g, const fv_trf *t, const char *name, int64_t h, int64_t w)
{
    const fv_feature_map *m = fv_trf_map(t, node(g, name));
    assert_non_null(m);
    if (m->size[0] != h || m->size[1] != w)
        fail_msg("%s: map %lldx%lld, want %lldx%lld", name, (long long)m->size[0],
                 (long long)m->size[1], (long long)h, (long long)w);
}

fv_status mc_erf(const fv_graph *g, const char *name, fv_diag *diag)
{
    fv_erf_options o;
    fv_erf_options_init(&o);
    o.weights = FV_ERF_RANDOM;
    fv_erf_result *r = NULL;
    fv_diag_init(diag);
    fv_status st = fv_erf_compute(g, node(g, name), &o, &r, diag);
    fv_erf_free(r);
    return st;
}
