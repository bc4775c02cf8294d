/* Attributes and constant inputs of ONNX nodes, type-checked, with the
 * defaults that depend on the model's opset in one place. */
#include <string.h>

#include "onnx_private.h"

static const char *const attr_type_names[] = {
    [ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__UNDEFINED] = "undefined",
    [ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT] = "a float",
    [ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT] = "an int",
    [ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING] = "a string",
    [ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR] = "a tensor",
    [ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH] = "a graph",
    [ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS] = "floats",
    [ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS] = "ints",
    [ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS] = "strings",
    [ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSORS] = "tensors",
    [ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPHS] = "graphs",
    [ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__SPARSE_TENSOR] = "a sparse tensor",
    [ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__SPARSE_TENSORS] = "sparse tensors",
    [ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TYPE_PROTO] = "a type",
    [ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TYPE_PROTOS] = "types",
};

const Onnx__AttributeProto *onnx_attr(const onnx_ctx *c, const char *name)
{
    for (size_t k = 0; k < c->node->n_attribute; k++) {
        const Onnx__AttributeProto *a = c->node->attribute[k];
        if (a->name && strcmp(a->name, name) == 0)
            return a;
    }
    return NULL;
}

/* The attribute's declared type; files from old exporters omit it, and then
 * the field that is set says what it is. */
static int attr_type(const Onnx__AttributeProto *a)
{
    if (a->has_type)
        return (int)a->type;
    if (a->n_ints)
        return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS;
    if (a->n_floats)
        return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS;
    if (a->has_i)
        return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
    if (a->has_f)
        return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT;
    if (a->has_s)
        return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING;
    if (a->t)
        return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR;
    return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__UNDEFINED;
}

static const char *type_name(int type)
{
    if (type < 0 || (size_t)type >= sizeof attr_type_names / sizeof attr_type_names[0] ||
        !attr_type_names[type])
        return "of an unknown type";
    return attr_type_names[type];
}

static fv_status want(onnx_ctx *c, const Onnx__AttributeProto *a, int type, const char *what)
{
    int t = attr_type(a);
    if (t == type)
        return FV_OK;
    return onnx_fail(c, FV_ERR_SEMANTIC, "attribute '%s' must be %s, not %s", a->name, what,
                     type_name(t));
}

fv_status onnx_attr_int(onnx_ctx *c, const char *name, int64_t def, int64_t *out)
{
    const Onnx__AttributeProto *a = onnx_attr(c, name);
    *out = def;
    if (!a)
        return FV_OK;
    fv_status st = want(c, a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT, "an int");
    if (st == FV_OK)
        *out = a->i;
    return st;
}

fv_status onnx_attr_float(onnx_ctx *c, const char *name, float def, float *out)
{
    const Onnx__AttributeProto *a = onnx_attr(c, name);
    *out = def;
    if (!a)
        return FV_OK;
    fv_status st = want(c, a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT, "a float");
    if (st == FV_OK)
        *out = a->f;
    return st;
}

fv_status onnx_attr_ints(onnx_ctx *c, const char *name, int64_t *out, size_t max, size_t *n)
{
    const Onnx__AttributeProto *a = onnx_attr(c, name);
    *n = 0;
    if (!a)
        return FV_OK;
    fv_status st = want(c, a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS, "a list of ints");
    if (st != FV_OK)
        return st;
    if (a->n_ints > max)
        return onnx_fail(c, FV_ERR_SEMANTIC, "attribute '%s' has %zu values; at most %zu make sense",
                         name, a->n_ints, max);
    if (a->n_ints) /* an empty repeated field has no array at all */
        if (a->n_ints)
            memcpy(out, a->ints, a->n_ints * sizeof *out);
    *n = a->n_ints;
    return FV_OK;
}

fv_status onnx_attr_floats(onnx_ctx *c, const char *name, float *out, size_t max, size_t *n)
{
    const Onnx__AttributeProto *a = onnx_attr(c, name);
    *n = 0;
    if (!a)
        return FV_OK;
    fv_status st = want(c, a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS, "a list of floats");
    if (st != FV_OK)
        return st;
    if (a->n_floats > max)
        return onnx_fail(c, FV_ERR_SEMANTIC, "attribute '%s' has %zu values; at most %zu make sense",
                         name, a->n_floats, max);
    if (a->n_floats)
        if (a->n_floats)
            memcpy(out, a->floats, a->n_floats * sizeof *out);
    *n = a->n_floats;
    return FV_OK;
}

fv_status onnx_attr_string(onnx_ctx *c, const char *name, const char *def, char *buf, size_t size)
{
    const Onnx__AttributeProto *a = onnx_attr(c, name);
    snprintf(buf, size, "%s", def);
    if (!a)
        return FV_OK;
    fv_status st = want(c, a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING, "a string");
    if (st != FV_OK)
        return st;
    size_t len = a->s.len < size - 1 ? a->s.len : size - 1;
    if (len) /* an absent bytes field has no data pointer */
        memcpy(buf, a->s.data, len);
    buf[len] = '\0';
    return FV_OK;
}

int onnx_has_input(const onnx_ctx *c, size_t k)
{
    return k < c->node->n_input && c->node->input[k][0] != '\0';
}

/* ------------------------------------------------------ constant tensors */

static int64_t le_int(const uint8_t *p, size_t bytes)
{
    uint64_t v = 0;
    for (size_t b = 0; b < bytes; b++)
        v |= (uint64_t)p[b] << (8 * b);
    if (bytes == 4)
        return (int32_t)(uint32_t)v;
    return (int64_t)v;
}

static float le_float(const uint8_t *p)
{
    uint32_t v = (uint32_t)le_int(p, 4);
    float f;
    memcpy(&f, &v, sizeof f);
    return f;
}

/* The integers of a constant tensor, from raw_data or the typed fields:
 * 1 when read, 0 when it is not an integer tensor; *n is the count even
 * when it exceeds max (only max values are written). */
static int read_tensor_ints(const Onnx__TensorProto *t, int64_t *out, size_t max, size_t *n)
{
    int dt = t->has_data_type ? t->data_type : 0;
    size_t count;
    if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__INT64 && t->has_raw_data) {
        count = t->raw_data.len / 8;
        for (size_t k = 0; k < count && k < max; k++)
            out[k] = le_int(t->raw_data.data + 8 * k, 8);
    } else if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__INT32 && t->has_raw_data) {
        count = t->raw_data.len / 4;
        for (size_t k = 0; k < count && k < max; k++)
            out[k] = le_int(t->raw_data.data + 4 * k, 4);
    } else if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__INT64) {
        count = t->n_int64_data;
        for (size_t k = 0; k < count && k < max; k++)
            out[k] = t->int64_data[k];
    } else if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__INT32) {
        count = t->n_int32_data;
        for (size_t k = 0; k < count && k < max; k++)
            out[k] = t->int32_data[k];
    } else {
        return 0;
    }
    *n = count;
    return 1;
}

static fv_status tensor_ints(onnx_ctx *c, const Onnx__TensorProto *t, const char *what,
                             int64_t *out, size_t max, size_t *n)
{
    size_t count;
    if (!read_tensor_ints(t, out, max, &count))
        return onnx_fail(c, FV_ERR_SEMANTIC, "%s must be an int64 or int32 tensor (data type %d)",
                         what, t->has_data_type ? t->data_type : 0);
    if (count > max)
        return onnx_fail(c, FV_ERR_SEMANTIC, "%s has %zu values; at most %zu make sense", what,
                         count, max);
    *n = count;
    return FV_OK;
}

static fv_status tensor_floats(onnx_ctx *c, const Onnx__TensorProto *t, const char *what,
                               float *out, size_t max, size_t *n)
{
    int dt = t->has_data_type ? t->data_type : 0;
    size_t count;
    if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT && t->has_raw_data) {
        count = t->raw_data.len / 4;
        for (size_t k = 0; k < count && k < max; k++)
            out[k] = le_float(t->raw_data.data + 4 * k);
    } else if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT) {
        count = t->n_float_data;
        for (size_t k = 0; k < count && k < max; k++)
            out[k] = t->float_data[k];
    } else {
        return onnx_fail(c, FV_ERR_SEMANTIC, "%s must be a float tensor (data type %d)", what, dt);
    }
    if (count > max)
        return onnx_fail(c, FV_ERR_SEMANTIC, "%s has %zu values; at most %zu make sense", what,
                         count, max);
    *n = count;
    return FV_OK;
}

/* The constant behind input k, or an error saying why there is none. */
static fv_status input_const(onnx_ctx *c, size_t k, const char *what, const onnx_value **out)
{
    *out = NULL;
    if (!onnx_has_input(c, k))
        return FV_OK;
    const onnx_value *v = onnx_lookup(c, c->node->input[k]);
    if (!v || v->kind != ONNX_CONST || (!v->tensor && !v->attr && !v->vec))
        return onnx_fail(c, FV_ERR_UNSUPPORTED,
                         "%s ('%s') is computed at run time; fovea needs it as an initializer "
                         "or a Constant",
                         what, c->node->input[k]);
    *out = v;
    return FV_OK;
}

/* A folded shape vector as integers; every entry known unless `known`. */
static fv_status vec_ints(onnx_ctx *c, size_t k, const char *what, int64_t *out,
                          uint8_t *known, size_t max, size_t *n)
{
    const onnx_vec *vec = &c->vecs[onnx_lookup(c, c->node->input[k])->vec - 1];
    if (vec->n > max)
        return onnx_fail(c, FV_ERR_SEMANTIC, "%s has %zu values; at most %zu make sense", what,
                         vec->n, max);
    for (size_t i = 0; i < vec->n; i++) {
        if (!vec->known[i] && !known)
            return onnx_fail(c, FV_ERR_UNSUPPORTED,
                             "%s ('%s') is computed at run time: its value %zu depends on the "
                             "input",
                             what, c->node->input[k], i);
        out[i] = vec->v[i];
        if (known)
            known[i] = vec->known[i];
    }
    *n = vec->n;
    return FV_OK;
}

fv_status onnx_input_ints_partial(onnx_ctx *c, size_t k, const char *what, int64_t *out,
                                  uint8_t *known, size_t max, size_t *n)
{
    const onnx_value *v;
    *n = 0;
    fv_status st = input_const(c, k, what, &v);
    if (st != FV_OK || !v)
        return st;
    if (v->vec)
        return vec_ints(c, k, what, out, known, max, n);
    st = onnx_input_ints(c, k, what, out, max, n);
    for (size_t i = 0; i < *n && st == FV_OK; i++)
        known[i] = 1;
    return st;
}

fv_status onnx_input_ints(onnx_ctx *c, size_t k, const char *what, int64_t *out, size_t max,
                          size_t *n)
{
    const onnx_value *v;
    *n = 0;
    fv_status st = input_const(c, k, what, &v);
    if (st != FV_OK || !v)
        return st;
    if (v->vec)
        return vec_ints(c, k, what, out, NULL, max, n);
    if (v->tensor)
        return tensor_ints(c, v->tensor, what, out, max, n);
    const Onnx__AttributeProto *a = v->attr;
    if (a->n_ints > max)
        return onnx_fail(c, FV_ERR_SEMANTIC, "%s has %zu values; at most %zu make sense", what,
                         a->n_ints, max);
    if (attr_type(a) == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS) {
        if (a->n_ints) /* an empty repeated field has no array at all */
        if (a->n_ints)
            memcpy(out, a->ints, a->n_ints * sizeof *out);
        *n = a->n_ints;
    } else if (attr_type(a) == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT && max > 0) {
        out[0] = a->i;
        *n = 1;
    } else {
        return onnx_fail(c, FV_ERR_SEMANTIC, "%s must hold integers", what);
    }
    return FV_OK;
}

fv_status onnx_input_floats(onnx_ctx *c, size_t k, const char *what, float *out, size_t max,
                            size_t *n)
{
    const onnx_value *v;
    *n = 0;
    fv_status st = input_const(c, k, what, &v);
    if (st != FV_OK || !v)
        return st;
    if (v->vec) { /* integers from shape arithmetic, used as floats */
        int64_t ints[ONNX_MAX_VEC];
        st = vec_ints(c, k, what, ints, NULL, max, n);
        for (size_t i = 0; i < *n && st == FV_OK; i++)
            out[i] = (float)ints[i];
        return st;
    }
    if (v->tensor)
        return tensor_floats(c, v->tensor, what, out, max, n);
    const Onnx__AttributeProto *a = v->attr;
    if (a->n_floats > max)
        return onnx_fail(c, FV_ERR_SEMANTIC, "%s has %zu values; at most %zu make sense", what,
                         a->n_floats, max);
    if (attr_type(a) == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS) {
        if (a->n_floats)
        if (a->n_floats)
            memcpy(out, a->floats, a->n_floats * sizeof *out);
        *n = a->n_floats;
    } else if (attr_type(a) == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT && max > 0) {
        out[0] = a->f;
        *n = 1;
    } else {
        return onnx_fail(c, FV_ERR_SEMANTIC, "%s must hold floats", what);
    }
    return FV_OK;
}

int onnx_const_vec(const onnx_ctx *c, const onnx_value *v, onnx_vec *out)
{
    size_t n = 0;
    if (v->vec) {
        *out = c->vecs[v->vec - 1];
        return 1;
    }
    if (v->tensor) {
        if (!read_tensor_ints(v->tensor, out->v, ONNX_MAX_VEC, &n) || n > ONNX_MAX_VEC)
            return 0;
    } else if (v->attr && attr_type(v->attr) == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS &&
               v->attr->n_ints <= ONNX_MAX_VEC) {
        n = v->attr->n_ints;
        memcpy(out->v, v->attr->ints, n * sizeof *out->v);
    } else if (v->attr && attr_type(v->attr) == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT) {
        n = 1;
        out->v[0] = v->attr->i;
    } else {
        return 0;
    }
    out->n = n;
    memset(out->known, 1, n);
    return 1;
}

int onnx_input_dims(onnx_ctx *c, size_t k, int64_t *dims, int max)
{
    if (!onnx_has_input(c, k))
        return -1;
    const onnx_value *v = onnx_lookup(c, c->node->input[k]);
    if (!v || v->kind != ONNX_CONST || !v->tensor || v->tensor->n_dims > (size_t)max)
        return -1;
    if (v->tensor->n_dims)
        memcpy(dims, v->tensor->dims, v->tensor->n_dims * sizeof *dims);
    return (int)v->tensor->n_dims;
}

/* ------------------------------------------------------ per-opset defaults */

/* Softmax: the whole of dims axis.. (coerced to 2-D) before opset 13; one
 * axis, by default the last, from 13 on. */
int64_t onnx_softmax_default_axis(int64_t opset) { return opset < 13 ? 1 : -1; }

/* Resize-10 has no coordinate_transformation_mode: it samples like
 * Upsample, x = out / scale. From 11 on the default is half_pixel. */
const char *onnx_resize_default_ctm(int64_t opset) { return opset < 11 ? "asymmetric" : "half_pixel"; }

/* Resize-10 nearest takes floor(x); from 11 on nearest_mode defaults to round_prefer_floor. */
const char *onnx_resize_default_nearest(int64_t opset) { return opset < 11 ? "floor" : "round_prefer_floor"; }
