/* See onnx_builder.h. */
#include "onnx_builder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* src/ir/limits.h shadows <limits.h> on the include path (see onnx_private.h). */
#ifndef INT_MAX
#define INT_MAX __INT_MAX__
#endif
#include "onnx.pb-c.h"

struct ob_model {
    Onnx__ModelProto model;
    Onnx__GraphProto graph;
    Onnx__OperatorSetIdProto opset;
    Onnx__OperatorSetIdProto *opsets[1];
    void **arena;
    size_t n_arena, cap_arena;
};

static void *take(ob_model *m, size_t size)
{
    void *p = calloc(1, size ? size : 1);
    if (!p) {
        perror("ob: calloc");
        abort();
    }
    if (m->n_arena == m->cap_arena) {
        m->cap_arena = m->cap_arena ? 2 * m->cap_arena : 64;
        m->arena = realloc(m->arena, m->cap_arena * sizeof *m->arena);
        if (!m->arena)
            abort();
    }
    m->arena[m->n_arena++] = p;
    return p;
}

static char *dup(ob_model *m, const char *s)
{
    char *d = take(m, strlen(s) + 1);
    memcpy(d, s, strlen(s) + 1);
    return d;
}

/* Appends p to the array *arr of *n pointers (re-taken from the arena). */
static void push(ob_model *m, void ***arr, size_t *n, void *p)
{
    void **a = take(m, (*n + 1) * sizeof *a);
    if (*n)
        memcpy(a, *arr, *n * sizeof *a);
    a[(*n)++] = p;
    *arr = a;
}

ob_model *ob_new(int64_t opset)
{
    ob_model *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    onnx__model_proto__init(&m->model);
    onnx__graph_proto__init(&m->graph);
    onnx__operator_set_id_proto__init(&m->opset);
    m->model.has_ir_version = 1;
    m->model.ir_version = 8;
    m->model.producer_name = "fovea-tests";
    m->opset.domain = "";
    m->opset.has_version = 1;
    m->opset.version = opset;
    m->opsets[0] = &m->opset;
    m->model.n_opset_import = 1;
    m->model.opset_import = m->opsets;
    m->model.graph = &m->graph;
    m->graph.name = "g";
    return m;
}

void ob_free(ob_model *m)
{
    if (!m)
        return;
    for (size_t k = 0; k < m->n_arena; k++)
        free(m->arena[k]);
    free(m->arena);
    free(m);
}

static Onnx__ValueInfoProto *value_info(ob_model *m, const char *name)
{
    Onnx__ValueInfoProto *v = take(m, sizeof *v);
    onnx__value_info_proto__init(v);
    v->name = dup(m, name);
    return v;
}

void ob_input(ob_model *m, const char *name, int rank, const int64_t *dims)
{
    static const char *const symbols[] = {"N", "C", "H", "W", "D"};
    Onnx__ValueInfoProto *v = value_info(m, name);
    Onnx__TypeProto *type = take(m, sizeof *type);
    Onnx__TypeProto__Tensor *tensor = take(m, sizeof *tensor);
    Onnx__TensorShapeProto *shape = take(m, sizeof *shape);
    onnx__type_proto__init(type);
    onnx__type_proto__tensor__init(tensor);
    onnx__tensor_shape_proto__init(shape);
    tensor->has_elem_type = 1;
    tensor->elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    for (int k = 0; k < rank; k++) {
        Onnx__TensorShapeProto__Dimension *d = take(m, sizeof *d);
        onnx__tensor_shape_proto__dimension__init(d);
        if (dims[k] >= 0) {
            d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
            d->dim_value = dims[k];
        } else {
            d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
            d->dim_param = dup(m, symbols[k % 5]);
        }
        push(m, (void ***)&shape->dim, &shape->n_dim, d);
    }
    tensor->shape = shape;
    type->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    type->tensor_type = tensor;
    v->type = type;
    push(m, (void ***)&m->graph.input, &m->graph.n_input, v);
}

void ob_output(ob_model *m, const char *name)
{
    push(m, (void ***)&m->graph.output, &m->graph.n_output, value_info(m, name));
}

static void split_names(ob_model *m, const char *list, char ***out, size_t *n)
{
    *n = 0;
    *out = NULL;
    if (!list || !*list)
        return;
    const char *p = list;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char *name = take(m, len + 1);
        memcpy(name, p, len);
        push(m, (void ***)out, n, name);
        if (!comma)
            break;
        p = comma + 1;
    }
}

ob_node_t *ob_node(ob_model *m, const char *op, const char *name, const char *inputs,
                   const char *outputs)
{
    Onnx__NodeProto *n = take(m, sizeof *n);
    onnx__node_proto__init(n);
    n->op_type = dup(m, op);
    n->name = dup(m, name ? name : "");
    split_names(m, inputs, &n->input, &n->n_input);
    split_names(m, outputs, &n->output, &n->n_output);
    push(m, (void ***)&m->graph.node, &m->graph.n_node, n);
    return n;
}

void ob_set_domain(ob_model *m, ob_node_t *n, const char *domain) { n->domain = dup(m, domain); }

static Onnx__AttributeProto *attr(ob_model *m, ob_node_t *n, const char *name, int type)
{
    Onnx__AttributeProto *a = take(m, sizeof *a);
    onnx__attribute_proto__init(a);
    a->name = dup(m, name);
    a->has_type = 1;
    a->type = type;
    push(m, (void ***)&n->attribute, &n->n_attribute, a);
    return a;
}

void ob_int(ob_model *m, ob_node_t *n, const char *name, int64_t v)
{
    Onnx__AttributeProto *a = attr(m, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    a->has_i = 1;
    a->i = v;
}

void ob_ints(ob_model *m, ob_node_t *n, const char *name, size_t count, const int64_t *v)
{
    Onnx__AttributeProto *a = attr(m, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    a->ints = take(m, count * sizeof *v);
    memcpy(a->ints, v, count * sizeof *v);
    a->n_ints = count;
}

void ob_float(ob_model *m, ob_node_t *n, const char *name, float v)
{
    Onnx__AttributeProto *a = attr(m, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    a->has_f = 1;
    a->f = v;
}

void ob_floats(ob_model *m, ob_node_t *n, const char *name, size_t count, const float *v)
{
    Onnx__AttributeProto *a = attr(m, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS);
    a->floats = take(m, count * sizeof *v);
    memcpy(a->floats, v, count * sizeof *v);
    a->n_floats = count;
}

void ob_str(ob_model *m, ob_node_t *n, const char *name, const char *v)
{
    Onnx__AttributeProto *a = attr(m, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
    a->has_s = 1;
    a->s.data = (uint8_t *)dup(m, v);
    a->s.len = strlen(v);
}

static Onnx__TensorProto *tensor(ob_model *m, const char *name, int dt, size_t ndims,
                                 const int64_t *dims)
{
    Onnx__TensorProto *t = take(m, sizeof *t);
    onnx__tensor_proto__init(t);
    t->name = dup(m, name);
    t->has_data_type = 1;
    t->data_type = dt;
    t->dims = take(m, ndims * sizeof *dims);
    memcpy(t->dims, dims, ndims * sizeof *dims);
    t->n_dims = ndims;
    push(m, (void ***)&m->graph.initializer, &m->graph.n_initializer, t);
    return t;
}

void ob_weight(ob_model *m, const char *name, int ndims, const int64_t *dims, const float *data,
               int as_raw)
{
    Onnx__TensorProto *t = tensor(m, name, ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, (size_t)ndims, dims);
    size_t count = 1;
    for (int k = 0; k < ndims; k++)
        count *= (size_t)dims[k];
    float *f = take(m, count * sizeof *f);
    if (data)
        memcpy(f, data, count * sizeof *f);
    if (as_raw) { /* little-endian hosts only, which is all the tests run on */
        t->has_raw_data = 1;
        t->raw_data.data = (uint8_t *)f;
        t->raw_data.len = count * sizeof *f;
    } else {
        t->float_data = f;
        t->n_float_data = count;
    }
}

void ob_init_ints(ob_model *m, const char *name, size_t count, const int64_t *v)
{
    int64_t dims[1] = {(int64_t)count};
    Onnx__TensorProto *t = tensor(m, name, ONNX__TENSOR_PROTO__DATA_TYPE__INT64, 1, dims);
    t->int64_data = take(m, count * sizeof *v);
    memcpy(t->int64_data, v, count * sizeof *v);
    t->n_int64_data = count;
}

void ob_init_floats(ob_model *m, const char *name, size_t count, const float *v)
{
    int64_t dims[1] = {(int64_t)count};
    Onnx__TensorProto *t = tensor(m, name, ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 1, dims);
    t->float_data = take(m, count * sizeof *v);
    memcpy(t->float_data, v, count * sizeof *v);
    t->n_float_data = count;
}

void ob_external(ob_model *m, const char *name, const char *location, int64_t offset)
{
    for (size_t k = 0; k < m->graph.n_initializer; k++) {
        Onnx__TensorProto *t = m->graph.initializer[k];
        if (strcmp(t->name, name) != 0)
            continue;
        char buf[32];
        const char *keys[2] = {"location", "offset"};
        snprintf(buf, sizeof buf, "%lld", (long long)offset);
        const char *vals[2] = {location, buf};
        for (int e = 0; e < 2; e++) {
            Onnx__StringStringEntryProto *s = take(m, sizeof *s);
            onnx__string_string_entry_proto__init(s);
            s->key = dup(m, keys[e]);
            s->value = dup(m, vals[e]);
            push(m, (void ***)&t->external_data, &t->n_external_data, s);
        }
        t->has_data_location = 1;
        t->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
        t->has_raw_data = 0;
        t->n_float_data = 0;
        t->float_data = NULL;
    }
}

uint8_t *ob_pack(ob_model *m, size_t *len)
{
    *len = onnx__model_proto__get_packed_size(&m->model);
    uint8_t *buf = malloc(*len ? *len : 1);
    if (!buf)
        abort();
    onnx__model_proto__pack(&m->model, buf);
    return buf;
}
