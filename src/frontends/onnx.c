/* The ONNX frontend: decodes a ModelProto with the protobuf-c bindings
 * generated from onnx.proto, orders its nodes by their tensors, separates
 * feature maps from constants and shape arithmetic, and hands each node to
 * onnx_ops.c. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fv_limits.h"
#include "onnx_private.h"

/* Nesting of protobuf messages (subgraphs in attributes), as in C++ protobuf. */
#define ONNX_MAX_NESTING 100

fv_status onnx_fail(onnx_ctx *c, fv_status status, const char *fmt, ...)
{
    fv_diag *d = c->diag;
    if (!d)
        return status;
    fv_diag_init(d);
    snprintf(d->file, sizeof d->file, "%s", c->file);
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (c->node)
        snprintf(d->message, sizeof d->message, "node %zu '%s' (%s): %s", c->index,
                 c->node->name ? c->node->name : "",
                 c->node->op_type ? c->node->op_type : "?", what);
    else
        snprintf(d->message, sizeof d->message, "%s", what);
    return status;
}

/* ---------------------------------------------------------- tensor names */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static size_t slot_of(const onnx_ctx *c, const char *name)
{
    size_t mask = c->table_cap - 1, i = hash_str(name) & mask;
    while (c->table[i] && strcmp(c->values[c->table[i] - 1].name, name) != 0)
        i = (i + 1) & mask;
    return i;
}

onnx_value *onnx_lookup(onnx_ctx *c, const char *name)
{
    if (!c->table_cap)
        return NULL;
    size_t i = slot_of(c, name);
    return c->table[i] ? &c->values[c->table[i] - 1] : NULL;
}

static int grow(void **buf, size_t *cap, size_t need, size_t item)
{
    if (need <= *cap)
        return 1;
    size_t c2 = *cap ? *cap : 64;
    while (c2 < need)
        c2 *= 2;
    void *p = realloc(*buf, c2 * item);
    if (!p)
        return 0;
    *buf = p;
    *cap = c2;
    return 1;
}

fv_status onnx_define(onnx_ctx *c, const onnx_value *v)
{
    onnx_value *old = onnx_lookup(c, v->name);
    if (old) {
        *old = *v;
        return FV_OK;
    }
    if (c->table_cap < 2 * (c->n_values + 1)) {
        size_t cap = c->table_cap ? 2 * c->table_cap : 256;
        uint32_t *t = calloc(cap, sizeof *t);
        if (!t)
            return onnx_fail(c, FV_ERR_NOMEM, "out of memory");
        free(c->table);
        c->table = t;
        c->table_cap = cap;
        for (size_t k = 0; k < c->n_values; k++)
            c->table[slot_of(c, c->values[k].name)] = (uint32_t)(k + 1);
    }
    if (!grow((void **)&c->values, &c->cap_values, c->n_values + 1, sizeof *c->values))
        return onnx_fail(c, FV_ERR_NOMEM, "out of memory");
    c->values[c->n_values] = *v;
    c->table[slot_of(c, v->name)] = (uint32_t)(++c->n_values);
    return FV_OK;
}

/* ----------------------------------------------------------------- nodes */

fv_status onnx_add_layer(onnx_ctx *c, fv_layer *layer, const char *suffix, int32_t *index)
{
    const Onnx__NodeProto *n = c->node;
    char name[FV_MAX_NAME + 1];
    /* Node names are optional in ONNX and not always unique. */
    if (n->name && n->name[0])
        snprintf(name, sizeof name, "%s%s", n->name, suffix);
    else
        snprintf(name, sizeof name, "%s_%zu%s", n->op_type, c->index, suffix);
    if (fv_graph_find(c->g, name) >= 0) {
        size_t len = strlen(name);
        snprintf(name + len, sizeof name - len, "_%zu", c->index);
    }
    layer->name = name;
    int32_t i;
    fv_status st = fv_graph_add(c->g, layer, &i, c->diag);
    if (st != FV_OK)
        return onnx_fail(c, st, "%s", c->diag ? c->diag->message : "cannot add the node");
    if (!grow((void **)&c->origin, &c->cap_origin, (size_t)i + 1, sizeof *c->origin))
        return onnx_fail(c, FV_ERR_NOMEM, "out of memory");
    c->origin[i] = (int32_t)c->index;
    if (index)
        *index = i;
    return FV_OK;
}

fv_status onnx_map_size(onnx_ctx *c, int32_t node, const char *what, int64_t hw[FV_AXES])
{
    int64_t in[FV_AXES];
    fv_graph_input_size(c->g, in);
    if (in[0] < 1 || in[1] < 1)
        return onnx_fail(c, FV_ERR_UNSUPPORTED,
                         "%s depends on the feature-map size, and the model does not declare "
                         "its input size",
                         what);
    size_t n = fv_graph_size(c->g);
    fv_feature_map *maps = malloc(n * sizeof *maps);
    if (!maps)
        return onnx_fail(c, FV_ERR_NOMEM, "out of memory");
    fv_diag inner;
    fv_status st = fv_graph_infer_shapes(c->g, in, maps, &inner);
    if (st == FV_OK) {
        hw[0] = maps[node].size[0];
        hw[1] = maps[node].size[1];
    }
    free(maps);
    if (st != FV_OK)
        return onnx_fail(c, st, "%s: %s", what, inner.message);
    return FV_OK;
}

/* The one image input: graph inputs that are not initializers. */
static fv_status add_input(onnx_ctx *c)
{
    const Onnx__GraphProto *gp = c->graph;
    const Onnx__ValueInfoProto *image = NULL;
    size_t count = 0;
    for (size_t k = 0; k < gp->n_input; k++) {
        const Onnx__ValueInfoProto *in = gp->input[k];
        if (!in->name || !in->name[0])
            return onnx_fail(c, FV_ERR_SEMANTIC, "graph input %zu has no name", k);
        const onnx_value *v = onnx_lookup(c, in->name);
        if (v && v->kind == ONNX_CONST)
            continue; /* a weight declared as an input too (IR version < 4) */
        if (count++ == 0)
            image = in;
        else
            return onnx_fail(c, FV_ERR_UNSUPPORTED,
                             "the model has several image inputs ('%s', '%s'); fovea analyses "
                             "networks with exactly one",
                             image->name, in->name);
    }
    if (!image)
        return onnx_fail(c, FV_ERR_SEMANTIC, "the graph has no input that is not a weight");

    fv_layer layer;
    fv_layer_init(&layer, FV_OP_INPUT);
    layer.name = image->name;
    int64_t hw[FV_AXES] = {0, 0};
    const Onnx__TypeProto *type = image->type;
    const Onnx__TensorShapeProto *shape =
        type && type->value_case == ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE && type->tensor_type
            ? type->tensor_type->shape
            : NULL;
    if (shape && (shape->n_dim == 4 || shape->n_dim == 3)) {
        c->rank = (int)shape->n_dim;
        int64_t d[4] = {0, 0, 0, 0};
        for (size_t k = 0; k < shape->n_dim; k++) {
            const Onnx__TensorShapeProto__Dimension *dim = shape->dim[k];
            if (dim->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE &&
                dim->dim_value > 0)
                d[k] = dim->dim_value;
        }
        layer.channels = d[1] <= FV_MAX_CHANNELS ? d[1] : 0;
        hw[0] = shape->n_dim == 4 ? d[2] : 1;
        hw[1] = d[shape->n_dim - 1];
        if (hw[0] > FV_MAX_DIM || hw[1] > FV_MAX_DIM)
            return onnx_fail(c, FV_ERR_LIMIT, "input '%s' is larger than %lld pixels a side",
                             image->name, (long long)FV_MAX_DIM);
    } else if (shape && shape->n_dim > 0) {
        return onnx_fail(c, FV_ERR_UNSUPPORTED,
                         "input '%s' has rank %zu; fovea reads images as NCHW (or NCW)",
                         image->name, shape->n_dim);
    }
    int32_t index;
    fv_status st = fv_graph_add(c->g, &layer, &index, c->diag);
    if (st != FV_OK)
        return st;
    if (!grow((void **)&c->origin, &c->cap_origin, (size_t)index + 1, sizeof *c->origin))
        return onnx_fail(c, FV_ERR_NOMEM, "out of memory");
    c->origin[index] = -1;
    if (hw[0] > 0 && hw[1] > 0)
        fv_graph_set_input_size(c->g, hw);
    onnx_value v = {.name = image->name, .kind = ONNX_FEATURE, .node = index};
    return onnx_define(c, &v);
}

/* ---------------------------------------------------------------- order */

/* Orders the nodes so that every tensor is produced before it is used
 * (Kahn's algorithm over the tensor names); the file's order is not
 * trusted. Fails on a tensor nobody produces and on a cycle. */
static fv_status order_nodes(onnx_ctx *c, size_t *order)
{
    const Onnx__GraphProto *gp = c->graph;
    size_t n = gp->n_node;
    fv_status st = FV_OK;
    /* producer[name] as values of kind FEATURE with node = ONNX index, in a
     * table of their own so the main one stays clean */
    onnx_ctx prod = {.file = c->file, .diag = c->diag};
    size_t *pending = calloc(n ? n : 1, sizeof *pending);
    size_t *user_start = calloc(n + 1, sizeof *user_start);
    size_t n_edges = 0;
    for (size_t k = 0; k < n; k++)
        n_edges += gp->node[k]->n_input;
    size_t *users = malloc((n_edges ? n_edges : 1) * sizeof *users);
    size_t *fill = calloc(n + 1, sizeof *fill);
    if (!pending || !user_start || !users || !fill)
        st = onnx_fail(c, FV_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < n && st == FV_OK; k++) {
        const Onnx__NodeProto *node = gp->node[k];
        for (size_t o = 0; o < node->n_output && st == FV_OK; o++) {
            if (!node->output[o][0])
                continue;
            c->node = node;
            c->index = k;
            onnx_value *v = onnx_lookup(&prod, node->output[o]);
            if (v || onnx_lookup(c, node->output[o]))
                st = onnx_fail(c, FV_ERR_SEMANTIC, "tensor '%s' is produced a second time",
                               node->output[o]);
            onnx_value p = {.name = node->output[o], .kind = ONNX_FEATURE, .node = (int32_t)k};
            if (st == FV_OK)
                st = onnx_define(&prod, &p);
        }
    }
    /* users, CSR: node k's inputs produced by node j make k a user of j */
    for (int pass = 0; pass < 2 && st == FV_OK; pass++) {
        for (size_t k = 0; k < n && st == FV_OK; k++) {
            const Onnx__NodeProto *node = gp->node[k];
            c->node = node;
            c->index = k;
            for (size_t i = 0; i < node->n_input && st == FV_OK; i++) {
                const char *name = node->input[i];
                if (!name[0])
                    continue; /* an omitted optional input */
                const onnx_value *p = onnx_lookup(&prod, name);
                if (!p) {
                    if (!onnx_lookup(c, name))
                        st = onnx_fail(c, FV_ERR_SEMANTIC,
                                       "input '%s' is not produced by any node, initializer or "
                                       "graph input",
                                       name);
                    continue;
                }
                if (pass == 0) {
                    user_start[p->node + 1]++;
                    pending[k]++;
                } else {
                    users[user_start[p->node] + fill[p->node]++] = k;
                }
            }
        }
        if (pass == 0)
            for (size_t k = 0; k < n; k++)
                user_start[k + 1] += user_start[k];
    }
    size_t head = 0, tail = 0;
    for (size_t k = 0; k < n && st == FV_OK; k++)
        if (pending[k] == 0)
            order[tail++] = k;
    while (head < tail && st == FV_OK) {
        size_t k = order[head++];
        for (size_t u = user_start[k]; u < user_start[k + 1]; u++)
            if (--pending[users[u]] == 0)
                order[tail++] = users[u];
    }
    if (st == FV_OK && tail < n) {
        for (size_t k = 0; k < n; k++)
            if (pending[k]) {
                c->node = gp->node[k];
                c->index = k;
                st = onnx_fail(c, FV_ERR_GRAPH, "the node is on a cycle: its inputs depend on "
                                                "its own outputs");
                break;
            }
    }
    c->node = NULL;
    free(prod.values);
    free(prod.table);
    free(pending);
    free(user_start);
    free(users);
    free(fill);
    return st;
}

/* ------------------------------------------------------------- the model */

static fv_status read_opset(onnx_ctx *c, const Onnx__ModelProto *m)
{
    for (size_t k = 0; k < m->n_opset_import; k++) {
        const Onnx__OperatorSetIdProto *o = m->opset_import[k];
        if ((!o->domain || !o->domain[0] || strcmp(o->domain, "ai.onnx") == 0) && o->has_version)
            c->opset = o->version;
    }
    if (c->opset < 1)
        return onnx_fail(c, FV_ERR_SEMANTIC,
                         "the model imports no version of the default (ai.onnx) operator set");
    return FV_OK;
}

static fv_status convert(onnx_ctx *c, const Onnx__ModelProto *m)
{
    fv_status st = read_opset(c, m);
    if (st != FV_OK)
        return st;
    const Onnx__GraphProto *gp = c->graph;
    for (size_t k = 0; k < gp->n_initializer && st == FV_OK; k++) {
        const Onnx__TensorProto *t = gp->initializer[k];
        if (!t->name || !t->name[0])
            return onnx_fail(c, FV_ERR_SEMANTIC, "initializer %zu has no name", k);
        onnx_value v = {.name = t->name, .kind = ONNX_CONST, .tensor = t};
        st = onnx_define(c, &v);
    }
    if (st == FV_OK)
        st = add_input(c);
    size_t *order = malloc((gp->n_node ? gp->n_node : 1) * sizeof *order);
    if (!order)
        return onnx_fail(c, FV_ERR_NOMEM, "out of memory");
    if (st == FV_OK)
        st = order_nodes(c, order);
    for (size_t k = 0; k < gp->n_node && st == FV_OK; k++) {
        c->index = order[k];
        c->node = gp->node[order[k]];
        size_t first = fv_graph_size(c->g);
        st = onnx_convert_node(c);
        if (st == FV_OK)
            st = onnx_numeric_node(c, first);
    }
    free(order);
    c->node = NULL;
    return st;
}

fv_status fv_onnx_parse(const void *data, size_t len, const char *file,
                        const fv_load_options *options, fv_graph **graph, fv_diag *diag)
{
    static const fv_load_options defaults = {0};
    *graph = NULL;
    onnx_ctx c = {.file = file ? file : "<onnx>", .options = options ? options : &defaults,
                  .rank = 4, .diag = diag};
    if (len == 0)
        return onnx_fail(&c, FV_ERR_SYNTAX, "the file is empty; an ONNX model is a protobuf ModelProto");
    /* protobuf-c recurses without a limit; C++ protobuf stops at 100 levels. */
    if (onnx_nests_deeper(&onnx__model_proto__descriptor, data, len, ONNX_MAX_NESTING))
        return onnx_fail(&c, FV_ERR_LIMIT,
                         "not a usable ONNX model: its messages nest deeper than %d levels",
                         ONNX_MAX_NESTING);
    onnx_arena *arena = onnx_arena_create();
    if (!arena)
        return onnx_fail(&c, FV_ERR_NOMEM, "out of memory");
    Onnx__ModelProto *m = onnx__model_proto__unpack(onnx_arena_allocator(arena), len, data);
    fv_status st = FV_OK;
    if (!m && onnx_arena_failed(arena))
        st = onnx_fail(&c, FV_ERR_NOMEM, "out of memory decoding the model");
    else if (!m)
        st = onnx_fail(&c, FV_ERR_SYNTAX,
                       "not a valid ONNX model: the protobuf data is truncated or corrupt");
    else if (!m->graph)
        st = onnx_fail(&c, FV_ERR_SEMANTIC, "the model has no graph");
    else if (!(c.g = fv_graph_create()))
        st = onnx_fail(&c, FV_ERR_NOMEM, "out of memory");
    if (st != FV_OK) {
        onnx_arena_free(arena);
        return st;
    }
    c.graph = m->graph;
    fv_graph_set_source(c.g, c.file);
    st = convert(&c, m);
    if (st == FV_OK)
        st = fv_graph_check(c.g, diag);
    if (st == FV_OK && c.options->keep_weights) {
        st = onnx_keep_weights(&c, m, arena);
        arena = NULL;
    }
    onnx_arena_free(arena);
    free(c.values);
    free(c.table);
    free(c.origin);
    free(c.vecs);
    if (st != FV_OK) {
        fv_graph_free(c.g);
        return st;
    }
    *graph = c.g;
    return FV_OK;
}
