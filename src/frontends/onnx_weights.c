/* Weights of an ONNX model for the ERF engine: the decoded model stays
 * alive in the graph, and each node's weight and bias tensors are turned
 * into float32 on first request, reading external-data files only then. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fv_limits.h"
#include "onnx_private.h"

/* Tensors kept per node: weight, bias, and batch norm's mean and variance. */
#define KINDS FV_WEIGHT_KIND_COUNT

/* One external-data file read may not exceed this (the tensor's own size). */
#define MAX_EXTERNAL (16LL << 30)

typedef struct onnx_weights {
    fv_weight_store base;
    Onnx__ModelProto *model;          /* lives in `arena` */
    onnx_arena *arena;
    char dir[1024];                   /* the model's directory, "" for the cwd */
    size_t n_nodes;
    const Onnx__TensorProto **tensor; /* [KINDS * node + which], NULL when none */
    float **cache;                    /* converted data, same index */
} onnx_weights;

static void weights_free(fv_weight_store *store)
{
    onnx_weights *w = (onnx_weights *)store;
    for (size_t k = 0; k < KINDS * w->n_nodes; k++)
        free(w->cache[k]);
    free(w->cache);
    free(w->tensor);
    onnx_arena_free(w->arena);
    free(w);
}

static float half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 0x1f, man = h & 0x3ff, bits;
    if (exp == 0x1f) {
        bits = sign | 0x7f800000u | (man << 13);
    } else if (exp != 0) {
        bits = sign | ((exp + 112) << 23) | (man << 13);
    } else if (man == 0) {
        bits = sign;
    } else { /* subnormal: normalise */
        exp = 113;
        while (!(man & 0x400)) {
            man <<= 1;
            exp--;
        }
        bits = sign | (exp << 23) | ((man & 0x3ff) << 13);
    }
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

/* Little-endian bytes of `dt` to floats. */
static void convert_bytes(const uint8_t *p, int dt, size_t count, float *out)
{
    for (size_t k = 0; k < count; k++) {
        if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT) {
            uint32_t v = (uint32_t)p[4 * k] | (uint32_t)p[4 * k + 1] << 8 |
                         (uint32_t)p[4 * k + 2] << 16 | (uint32_t)p[4 * k + 3] << 24;
            memcpy(&out[k], &v, sizeof v);
        } else if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16) {
            out[k] = half_to_float((uint16_t)(p[2 * k] | p[2 * k + 1] << 8));
        } else {
            uint64_t v = 0;
            for (int b = 0; b < 8; b++)
                v |= (uint64_t)p[8 * k + b] << (8 * b);
            double d;
            memcpy(&d, &v, sizeof d);
            out[k] = (float)d;
        }
    }
}

static size_t type_size(int dt)
{
    switch (dt) {
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
        return 4;
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16:
        return 2;
    case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
        return 8;
    default:
        return 0;
    }
}

/* Reads the external-data bytes of `t` (location, offset, length) from
 * the model's directory. Locations must stay inside that directory. */
static fv_status read_external(const onnx_weights *w, const Onnx__TensorProto *t, size_t bytes,
                               uint8_t **out, fv_diag *diag)
{
    const char *location = NULL;
    long long offset = 0, length = -1;
    for (size_t k = 0; k < t->n_external_data; k++) {
        const Onnx__StringStringEntryProto *e = t->external_data[k];
        if (!e->key || !e->value)
            continue;
        char *end;
        if (strcmp(e->key, "location") == 0)
            location = e->value;
        else if (strcmp(e->key, "offset") == 0)
            offset = strtoll(e->value, &end, 10);
        else if (strcmp(e->key, "length") == 0)
            length = strtoll(e->value, &end, 10);
    }
    if (!location || !location[0] || location[0] == '/' || strstr(location, ".."))
        return fv_diag_set(diag, FV_ERR_SEMANTIC,
                           "tensor '%s': external data needs a relative location inside the "
                           "model's directory",
                           t->name);
    if (offset < 0 || (length >= 0 && (size_t)length != bytes) || (long long)bytes > MAX_EXTERNAL)
        return fv_diag_set(diag, FV_ERR_SEMANTIC,
                           "tensor '%s': external data offset %lld / length %lld do not fit its "
                           "%zu bytes",
                           t->name, offset, length, bytes);
    char path[2048];
    snprintf(path, sizeof path, "%s%s", w->dir, location);
    FILE *f = fopen(path, "rb");
    if (!f)
        return fv_diag_set(diag, FV_ERR_IO, "cannot read '%s': %s", path, strerror(errno));
    uint8_t *buf = malloc(bytes ? bytes : 1);
    int ok = buf && fseek(f, (long)offset, SEEK_SET) == 0 && fread(buf, 1, bytes, f) == bytes;
    fclose(f);
    if (!ok) {
        free(buf);
        return fv_diag_set(diag, buf ? FV_ERR_IO : FV_ERR_NOMEM, "cannot read %zu bytes of '%s'",
                           bytes, path);
    }
    *out = buf;
    return FV_OK;
}

static fv_status to_floats(const onnx_weights *w, const Onnx__TensorProto *t, float **out,
                           fv_diag *diag)
{
    int dt = t->has_data_type ? t->data_type : 0;
    size_t size = type_size(dt), count = 1;
    if (!size)
        return fv_diag_set(diag, FV_ERR_UNSUPPORTED,
                           "tensor '%s' has data type %d; fovea reads float32, float16 and float64",
                           t->name, dt);
    for (size_t k = 0; k < t->n_dims; k++) {
        if (t->dims[k] < 0 || (t->dims[k] > 0 && count > (SIZE_MAX / 8) / (size_t)t->dims[k]))
            return fv_diag_set(diag, FV_ERR_LIMIT, "tensor '%s' has impossible dims", t->name);
        count *= (size_t)t->dims[k];
    }
    float *f = malloc((count ? count : 1) * sizeof *f);
    if (!f)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    fv_status st = FV_OK;
    int external = t->has_data_location &&
                   t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
    if (external) {
        uint8_t *bytes = NULL;
        st = read_external(w, t, count * size, &bytes, diag);
        if (st == FV_OK)
            convert_bytes(bytes, dt, count, f);
        free(bytes);
    } else if (t->has_raw_data) {
        if (t->raw_data.len != count * size)
            st = fv_diag_set(diag, FV_ERR_SEMANTIC, "tensor '%s': %zu bytes of data for %zu values",
                             t->name, t->raw_data.len, count);
        else
            convert_bytes(t->raw_data.data, dt, count, f);
    } else if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT && t->n_float_data == count) {
        if (count)
            memcpy(f, t->float_data, count * sizeof *f);
    } else if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE && t->n_double_data == count) {
        for (size_t k = 0; k < count; k++)
            f[k] = (float)t->double_data[k];
    } else if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16 && t->n_int32_data == count) {
        for (size_t k = 0; k < count; k++) /* float16 bits are stored in int32_data */
            f[k] = half_to_float((uint16_t)t->int32_data[k]);
    } else {
        st = fv_diag_set(diag, FV_ERR_SEMANTIC, "tensor '%s' does not hold its %zu values",
                         t->name, count);
    }
    if (st != FV_OK) {
        free(f);
        return st;
    }
    *out = f;
    return FV_OK;
}

static fv_status weights_get(fv_weight_store *store, const fv_graph *g, int32_t node,
                             fv_weight_kind which, const float **data, int64_t dims[4], int *ndims,
                             fv_diag *diag)
{
    onnx_weights *w = (onnx_weights *)store;
    size_t k = KINDS * (size_t)node + (size_t)which;
    static const char *const kind_name[KINDS] = {"weight", "bias", "mean", "variance"};
    const Onnx__TensorProto *t =
        (size_t)node < w->n_nodes && (unsigned)which < KINDS ? w->tensor[k] : NULL;
    if (!t)
        return fv_diag_set(diag, FV_ERR_SEMANTIC, "node '%s' has no stored %s",
                           fv_graph_name(g, node),
                           (unsigned)which < KINDS ? kind_name[which] : "tensor of that kind");
    if (t->n_dims > 4)
        return fv_diag_set(diag, FV_ERR_UNSUPPORTED, "tensor '%s' has %zu dims; at most 4",
                           t->name, t->n_dims);
    if (!w->cache[k]) {
        fv_status st = to_floats(w, t, &w->cache[k], diag);
        if (st != FV_OK)
            return st;
    }
    *data = w->cache[k];
    *ndims = (int)t->n_dims;
    for (size_t d = 0; d < 4; d++)
        dims[d] = d < t->n_dims ? t->dims[d] : 1;
    return FV_OK;
}

/* The initializer (or Constant) feeding input k of ONNX node `n`, or NULL. */
static const Onnx__TensorProto *const_input(onnx_ctx *c, const Onnx__NodeProto *n, size_t k)
{
    if (k >= n->n_input || !n->input[k][0])
        return NULL;
    const onnx_value *v = onnx_lookup(c, n->input[k]);
    return v && v->kind == ONNX_CONST ? v->tensor : NULL;
}

fv_status onnx_keep_weights(onnx_ctx *c, Onnx__ModelProto *model, onnx_arena *arena)
{
    size_t n = fv_graph_size(c->g);
    onnx_weights *w = calloc(1, sizeof *w);
    if (w) {
        w->tensor = calloc(KINDS * n + 1, sizeof *w->tensor);
        w->cache = calloc(KINDS * n + 1, sizeof *w->cache);
    }
    if (!w || !w->tensor || !w->cache) {
        if (w) {
            free(w->tensor);
            free(w->cache);
        }
        free(w);
        onnx_arena_free(arena);
        return onnx_fail(c, FV_ERR_NOMEM, "out of memory");
    }
    w->base.get = weights_get;
    w->base.free = weights_free;
    w->model = model;
    w->arena = arena;
    w->n_nodes = n;
    const char *slash = strrchr(c->file, '/');
    if (slash && (size_t)(slash - c->file) + 2 <= sizeof w->dir)
        snprintf(w->dir, (size_t)(slash - c->file) + 2, "%s", c->file);
    for (size_t i = 0; i < n; i++) {
        if (c->origin[i] < 0)
            continue;
        const Onnx__NodeProto *node = c->graph->node[c->origin[i]];
        const Onnx__TensorProto **t = &w->tensor[KINDS * i];
        switch (fv_graph_op(c->g, (int32_t)i)) {
        case FV_OP_CONV:
        case FV_OP_CONV_TRANSPOSE:
        case FV_OP_FULLY_CONNECTED:
        case FV_OP_INSTANCE_NORM:
            t[FV_WEIGHT] = const_input(c, node, 1);
            t[FV_BIAS] = const_input(c, node, 2);
            break;
        case FV_OP_BATCH_NORM: /* X, scale, B, input_mean, input_var */
            t[FV_WEIGHT] = const_input(c, node, 1);
            t[FV_BIAS] = const_input(c, node, 2);
            t[FV_BN_MEAN] = const_input(c, node, 3);
            t[FV_BN_VAR] = const_input(c, node, 4);
            break;
        case FV_OP_PRELU:
            t[FV_WEIGHT] = const_input(c, node, 1);
            break;
        default:
            break;
        }
    }
    fv_graph_set_weights(c->g, &w->base);
    return FV_OK;
}
