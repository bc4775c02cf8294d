/* The exact input box of one unit: `fovea rf --unit Y,X`. */
#include <cjson/cJSON.h>
#include <stdlib.h>

#include "cells.h"
#include "graph_private.h"

static fv_status unit_boxes(const fv_graph *g, const fv_trf *t, int32_t node, const int64_t unit[2],
                            fv_interval box[2], fv_diag *diag)
{
    const fv_feature_map *map = fv_trf_map(t, node);
    for (int a = 0; a < FV_AXES; a++) {
        if (map && (unit[a] < 0 || unit[a] >= map->size[a]))
            return fv_diag_set(diag, FV_ERR_USAGE, "unit %lld,%lld is outside the %lldx%lld map of '%s'",
                               (long long)unit[0], (long long)unit[1], (long long)map->size[0],
                               (long long)map->size[1], fv_graph_name(g, node));
        fv_status st = fv_trf_unit(t, node, a, unit[a], &box[a], diag);
        if (st != FV_OK)
            return st;
    }
    return FV_OK;
}

/* Pixels of [first, last] outside an image of `size` pixels. */
static int64_t outside(const fv_interval *iv, int64_t size)
{
    if (iv->empty)
        return 0;
    int64_t first = iv->first > 0 ? iv->first : 0, last = iv->last < size - 1 ? iv->last : size - 1;
    return (iv->last - iv->first + 1) - (last >= first ? last - first + 1 : 0);
}

fv_status fv_report_unit(const fv_graph *g, const fv_trf *t, int32_t node, int64_t y, int64_t x,
                         fv_format format, FILE *out, fv_diag *diag)
{
    int64_t unit[2] = {y, x};
    fv_interval box[2];
    fv_status st = unit_boxes(g, t, node, unit, box, diag);
    if (st != FV_OK)
        return st;
    const fv_feature_map *image = fv_trf_map(t, fv_graph_input_node(g));
    int64_t size[2], off[2] = {0, 0};
    for (int a = 0; a < FV_AXES; a++) {
        size[a] = box[a].empty ? 0 : box[a].last - box[a].first + 1;
        if (image)
            off[a] = outside(&box[a], image->size[a]);
    }
    const char *name = fv_graph_name(g, node);
    if (format == FV_FORMAT_TABLE) {
        fprintf(out, "unit (%lld, %lld) of %s sees", (long long)y, (long long)x, name);
        if (box[0].empty || box[1].empty) {
            fputs(" no input pixel\n", out);
            return FV_OK;
        }
        fprintf(out, " rows %lld..%lld, columns %lld..%lld: %lldx%lld pixels\n",
                (long long)box[0].first, (long long)box[0].last, (long long)box[1].first,
                (long long)box[1].last, (long long)size[0], (long long)size[1]);
        if (image)
            fprintf(out, "outside the %lldx%lld image: %lld rows, %lld columns\n",
                    (long long)image->size[0], (long long)image->size[1], (long long)off[0],
                    (long long)off[1]);
        return FV_OK;
    }
    if (format == FV_FORMAT_JSON) {
        cJSON *doc = cJSON_CreateObject();
        cJSON_AddStringToObject(doc, "layer", name);
        cJSON *u = cJSON_AddArrayToObject(doc, "unit");
        cJSON_AddItemToArray(u, cJSON_CreateNumber((double)y));
        cJSON_AddItemToArray(u, cJSON_CreateNumber((double)x));
        cJSON_AddBoolToObject(doc, "empty", box[0].empty || box[1].empty);
        static const char *const axes[2] = {"y", "x"};
        for (int a = 0; a < FV_AXES; a++) {
            cJSON *o = cJSON_AddObjectToObject(doc, axes[a]);
            cJSON_AddNumberToObject(o, "first", (double)box[a].first);
            cJSON_AddNumberToObject(o, "last", (double)box[a].last);
            cJSON_AddNumberToObject(o, "size", (double)size[a]);
            if (image)
                cJSON_AddNumberToObject(o, "outside", (double)off[a]);
        }
        char *text = cJSON_Print(doc);
        cJSON_Delete(doc);
        if (!text)
            return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
        fprintf(out, "%s\n", text);
        free(text);
        return FV_OK;
    }
    fv_grid grid;
    if ((st = fv_grid_init(&grid, 2, 11, diag)) != FV_OK)
        return st;
    static const char *const head[11] = {"layer", "unit_y", "unit_x", "y_first", "y_last", "x_first",
                                         "x_last", "height", "width", "outside_y", "outside_x"};
    int64_t values[10] = {y, x, box[0].first, box[0].last, box[1].first, box[1].last,
                          size[0], size[1], off[0], off[1]};
    for (int c = 0; c < 11; c++)
        snprintf(fv_grid_cell(&grid, 0, c), FV_CELL, "%s", head[c]);
    snprintf(fv_grid_cell(&grid, 1, 0), FV_CELL, "%s", name);
    for (int c = 1; c < 11; c++)
        snprintf(fv_grid_cell(&grid, 1, c), FV_CELL, "%lld", (long long)values[c - 1]);
    fv_grid_write(&grid, format, out);
    fv_grid_free(&grid);
    return FV_OK;
}
