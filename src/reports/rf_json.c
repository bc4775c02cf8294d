/* The per-layer receptive-field report as JSON, through cJSON. */
#include <cjson/cJSON.h>
#include <stdlib.h>

#include "cells.h"
#include "finding_report.h"
#include "graph_private.h"
#include "rf_report.h"


/* A rational as a number, with the exact fraction beside it when it is not whole. */
static void add_rational(cJSON *obj, const char *key, fv_rational r)
{
    cJSON_AddNumberToObject(obj, key, (double)r.num / (double)r.den);
    if (r.den != 1) {
        char name[64], text[64];
        snprintf(name, sizeof name, "%s_exact", key);
        fv_fmt_rational(text, sizeof text, r);
        cJSON_AddStringToObject(obj, name, text);
    }
}

static cJSON *axis_json(const fv_rf_axis *ax, int shapes)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "size_min", (double)ax->size_min);
    cJSON_AddNumberToObject(o, "size_max", (double)ax->size_max);
    add_rational(o, "stride", ax->stride);
    cJSON_AddNumberToObject(o, "padding", (double)ax->padding);
    add_rational(o, "centre", ax->centre);
    cJSON_AddNumberToObject(o, "period", (double)ax->period);
    add_rational(o, "path_min", ax->path_min);
    add_rational(o, "path_max", ax->path_max);
    if (shapes) {
        cJSON_AddNumberToObject(o, "map_size", (double)ax->map_size);
        cJSON_AddNumberToObject(o, "centre_unit", (double)ax->centre_unit);
        cJSON_AddNumberToObject(o, "outside", (double)ax->outside);
    }
    return o;
}

static cJSON *node_json(const fv_graph *g, const fv_trf *t, int32_t node)
{
    const fv_feature_map *map = fv_trf_map(t, node);
    fv_rf rf;
    fv_trf_get(t, node, &rf);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", fv_graph_name(g, node));
    cJSON_AddStringToObject(o, "op", fv_op_name(fv_graph_op(g, node)));
    cJSON *inputs = cJSON_AddArrayToObject(o, "inputs");
    for (size_t k = 0; k < fv_graph_n_inputs(g, node); k++)
        cJSON_AddItemToArray(inputs, cJSON_CreateString(fv_graph_name(g, fv_graph_input(g, node, k))));
    char geometry[128];
    fv_fmt_geometry(g, node, map, geometry, sizeof geometry);
    cJSON_AddStringToObject(o, "geometry", geometry);
    if (map) {
        cJSON *out = cJSON_AddObjectToObject(o, "output");
        cJSON_AddNumberToObject(out, "height", (double)map->size[0]);
        cJSON_AddNumberToObject(out, "width", (double)map->size[1]);
        cJSON_AddNumberToObject(out, "channels", (double)map->channels);
    }
    cJSON_AddBoolToObject(o, "whole_input", rf.whole_input);
    if (rf.assumed_identity) /* rests on an unknown op taken as identity (--unknown=identity) */
        cJSON_AddBoolToObject(o, "assumed_identity", 1);
    if (!rf.whole_input) {
        cJSON *r = cJSON_AddObjectToObject(o, "rf");
        cJSON_AddItemToObject(r, "y", axis_json(&rf.axis[0], map != NULL));
        cJSON_AddItemToObject(r, "x", axis_json(&rf.axis[1], map != NULL));
    }
    cJSON_AddBoolToObject(o, "global_context", rf.global_context);
    cJSON_AddBoolToObject(o, "sees_nothing", rf.sees_nothing);
    if (rf.merge) {
        cJSON_AddBoolToObject(o, "aligned", rf.aligned);
        if (!rf.aligned) {
            cJSON_AddStringToObject(o, "diverging", fv_graph_name(g, rf.diverging));
            cJSON *off = cJSON_AddObjectToObject(o, "centre_offset");
            add_rational(off, "y", rf.offset[0]);
            add_rational(off, "x", rf.offset[1]);
        }
    }
    return o;
}

fv_status fv_report_rf_json(const fv_graph *g, const fv_trf *t, const int32_t *nodes, size_t n,
                            FILE *out, fv_diag *diag)
{
    cJSON *doc = cJSON_CreateObject();
    if (!doc)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    cJSON_AddStringToObject(doc, "model", fv_graph_source(g));
    const fv_feature_map *in = fv_trf_map(t, fv_graph_input_node(g));
    if (in) {
        cJSON *size = cJSON_AddArrayToObject(doc, "input_size");
        cJSON_AddItemToArray(size, cJSON_CreateNumber((double)in->size[0]));
        cJSON_AddItemToArray(size, cJSON_CreateNumber((double)in->size[1]));
    }
    cJSON *layers = cJSON_AddArrayToObject(doc, "layers");
    for (size_t r = 0; r < n; r++)
        cJSON_AddItemToArray(layers, node_json(g, t, nodes ? nodes[r] : (int32_t)r));
    return fv_json_emit(doc, out, diag);
}
