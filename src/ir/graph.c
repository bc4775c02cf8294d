/* The graph: growable node, edge and name arrays plus a name index. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_private.h"
#include "fv_limits.h"

fv_graph *fv_graph_create(void)
{
    return calloc(1, sizeof(fv_graph));
}

void fv_graph_free(fv_graph *g)
{
    if (!g)
        return;
    free(g->nodes);
    free(g->edges);
    free(g->names);
    free(g->table);
    free(g->text);
    for (size_t k = 0; k < g->n_warnings; k++)
        free(g->warnings[k]);
    free(g->warnings);
    if (g->weights)
        g->weights->free(g->weights);
    fv_graph_free_heads(g);
    fv_graph_free_aliases(g);
    fv_graph_free_inexact(g);
    free(g);
}

/* Grows *buf so that it holds at least `need` items of `item` bytes. */
static int grow(void **buf, size_t *cap, size_t need, size_t item)
{
    if (need <= *cap)
        return 1;
    size_t cap2 = *cap ? *cap : 16;
    while (cap2 < need)
        cap2 *= 2;
    void *p = realloc(*buf, cap2 * item);
    if (!p)
        return 0;
    *buf = p;
    *cap = cap2;
    return 1;
}

uint32_t fv_name_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (uint32_t)(h ^ (h >> 32));
}

/* Slot of `name` in the index: the matching slot or the empty one where it goes. */
static size_t find_slot(const fv_graph *g, const char *name, uint32_t hash)
{
    size_t mask = g->table_cap - 1;
    size_t i = hash & mask;
    while (g->table[i].node) {
        if (g->table[i].hash == hash &&
            strcmp(fv_node_name(g, &g->nodes[g->table[i].node - 1]), name) == 0)
            return i;
        i = (i + 1) & mask;
    }
    return i;
}

static int rehash(fv_graph *g, size_t cap)
{
    struct fv_name_slot *old = g->table;
    size_t old_cap = g->table_cap;
    g->table = calloc(cap, sizeof *g->table);
    if (!g->table) {
        g->table = old;
        return 0;
    }
    g->table_cap = cap;
    for (size_t k = 0; k < old_cap; k++) {
        if (!old[k].node)
            continue;
        size_t i = old[k].hash & (cap - 1);
        while (g->table[i].node)
            i = (i + 1) & (cap - 1);
        g->table[i] = old[k];
    }
    free(old);
    return 1;
}

void fv_layer_init(fv_layer *layer, fv_op op)
{
    memset(layer, 0, sizeof *layer);
    layer->op = op;
    fv_params *p = &layer->params;
    for (int a = 0; a < FV_AXES; a++) {
        switch (op) {
        case FV_OP_RESIZE:
            p->resize.scale_num[a] = 1;
            p->resize.scale_den[a] = 1;
            break;
        case FV_OP_SLICE:
            p->slice.end[a] = INT64_MAX;
            p->slice.step[a] = 1;
            break;
        case FV_OP_DEPTH_TO_SPACE:
        case FV_OP_SPACE_TO_DEPTH:
            p->block.size = 1;
            break;
        case FV_OP_PAD:
            break;
        default:
            p->window.kernel[a] = 1;
            p->window.stride[a] = 1;
            p->window.dilation[a] = 1;
            p->window.groups = 1;
            break;
        }
    }
    /* Pointwise constants share the union with the window defaults above,
     * which a pointwise op never reads; the cubic coefficient goes with
     * the resize. */
    switch (op) {
    case FV_OP_RESIZE:
        p->resize.cubic_a = -0.75;
        break;
    case FV_OP_LEAKY_RELU:
        p->pointwise = (fv_pointwise){0.01, 0};
        break;
    case FV_OP_ELU:
        p->pointwise = (fv_pointwise){1, 0};
        break;
    case FV_OP_PRELU:
        p->pointwise = (fv_pointwise){0.25, 0};
        break;
    case FV_OP_HARD_SIGMOID:
        p->pointwise = (fv_pointwise){1.0 / 6, 0.5};
        break;
    case FV_OP_BATCH_NORM:
    case FV_OP_INSTANCE_NORM:
        p->pointwise = (fv_pointwise){1e-5, 0};
        break;
    case FV_OP_LRN:
        p->lrn = (fv_lrn){.size = 5, .alpha = 1e-4, .beta = 0.75, .bias = 1};
        break;
    case FV_OP_NORMALIZE:
        p->normalize = (fv_normalize){.eps = 1e-10, .scale = 1};
        break;
    case FV_OP_POWER:
        p->power = (fv_power){.power = 1, .scale = 1, .shift = 0};
        break;
    default:
        break;
    }
}

static fv_status add_name(fv_graph *g, const char *name, uint32_t *offset, fv_diag *diag)
{
    size_t len = strlen(name);
    if (len > FV_MAX_NAME)
        return fv_diag_set(diag, FV_ERR_LIMIT, "node name longer than %d bytes", FV_MAX_NAME);
    if (g->n_names + len + 1 > UINT32_MAX)
        return fv_diag_set(diag, FV_ERR_LIMIT, "node names exceed 4 GiB in all");
    if (!grow((void **)&g->names, &g->cap_names,
              g->n_names + len + 1, 1))
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    memcpy(g->names + g->n_names, name, len + 1);
    *offset = (uint32_t)g->n_names;
    g->n_names += len + 1;
    return FV_OK;
}

fv_status fv_graph_add(fv_graph *g, const fv_layer *layer, int32_t *index, fv_diag *diag)
{
    if ((unsigned)layer->op >= FV_OP_COUNT)
        return fv_diag_set(diag, FV_ERR_USAGE, "op %d is not an fv_op", (int)layer->op);
    if (g->n_nodes >= FV_MAX_NODES)
        return fv_diag_set(diag, FV_ERR_LIMIT, "more than %d nodes", FV_MAX_NODES);
    if (layer->n_inputs > FV_MAX_INPUTS)
        return fv_diag_set(diag, FV_ERR_LIMIT, "node '%s' has %zu inputs; the limit is %d",
                           layer->name ? layer->name : "", layer->n_inputs, FV_MAX_INPUTS);

    char generated[64];
    const char *name = layer->name;
    if (!name || !*name) {
        snprintf(generated, sizeof generated, "%s_%zu", fv_op_name(layer->op), g->n_nodes);
        name = generated;
    }
    if (g->table_cap < 2 * (g->n_nodes + 1) && !rehash(g, g->table_cap ? 2 * g->table_cap : 64))
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    uint32_t hash = fv_name_hash(name);
    size_t slot = find_slot(g, name, hash);
    if (g->table[slot].node) {
        fv_diag_set(diag, FV_ERR_SEMANTIC, "duplicate layer name '%s'", name);
        if (diag) {
            diag->pos = layer->pos;
            snprintf(diag->file, sizeof diag->file, "%s", g->source);
            fv_graph_line(g, layer->pos.line, diag->source_line, sizeof diag->source_line);
        }
        return FV_ERR_SEMANTIC;
    }

    if (!grow((void **)&g->nodes, &g->cap_nodes, g->n_nodes + 1, sizeof(fv_node)) ||
        !grow((void **)&g->edges, &g->cap_edges, g->n_edges + layer->n_inputs, sizeof(int32_t)))
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    if (g->n_edges + layer->n_inputs > UINT32_MAX)
        return fv_diag_set(diag, FV_ERR_LIMIT, "more than 2^32 edges");

    fv_node n = {
        .op = layer->op,
        .first_input = (uint32_t)g->n_edges,
        .n_inputs = (uint32_t)layer->n_inputs,
        .channels = layer->channels,
        .pos = layer->pos,
        .params = layer->params,
    };
    fv_status st = add_name(g, name, &n.name, diag);
    if (st != FV_OK)
        return st;
    if (layer->n_inputs)
        memcpy(g->edges + g->n_edges, layer->inputs, layer->n_inputs * sizeof(int32_t));
    g->n_edges += layer->n_inputs;
    g->nodes[g->n_nodes] = n;
    g->table[slot] = (struct fv_name_slot){(uint32_t)(g->n_nodes + 1), hash};
    if (index)
        *index = (int32_t)g->n_nodes;
    g->n_nodes++;
    return FV_OK;
}

size_t fv_graph_size(const fv_graph *g) { return g->n_nodes; }

int32_t fv_graph_find(const fv_graph *g, const char *name)
{
    if (!g->table_cap)
        return -1;
    size_t slot = find_slot(g, name, fv_name_hash(name));
    return g->table[slot].node ? (int32_t)g->table[slot].node - 1 : -1;
}

int32_t fv_graph_select(const fv_graph *g, const char *name)
{
    int32_t exact = fv_graph_find(g, name);
    if (exact < 0)
        exact = fv_graph_find_alias(g, name);
    if (exact >= 0)
        return exact;
    size_t len = strlen(name);
    for (size_t i = g->n_nodes; len > 0 && i-- > 0;) {
        const char *n = fv_node_name(g, &g->nodes[i]);
        if (strncmp(n, name, len) == 0 && strchr("./_", n[len]) && n[len] != '\0')
            return (int32_t)i;
    }
    return -1;
}

fv_op fv_graph_op(const fv_graph *g, int32_t i) { return g->nodes[i].op; }
const char *fv_graph_name(const fv_graph *g, int32_t i) { return fv_node_name(g, &g->nodes[i]); }
const fv_params *fv_graph_params(const fv_graph *g, int32_t i) { return &g->nodes[i].params; }
size_t fv_graph_n_inputs(const fv_graph *g, int32_t i) { return g->nodes[i].n_inputs; }
int64_t fv_graph_channels(const fv_graph *g, int32_t i) { return g->nodes[i].channels; }
fv_srcpos fv_graph_pos(const fv_graph *g, int32_t i) { return g->nodes[i].pos; }

int32_t fv_graph_input(const fv_graph *g, int32_t i, size_t which)
{
    const fv_node *n = &g->nodes[i];
    return which < n->n_inputs ? fv_node_inputs(g, n)[which] : -1;
}

void fv_graph_set_source(fv_graph *g, const char *file)
{
    snprintf(g->source, sizeof g->source, "%s", file ? file : "");
}

const char *fv_graph_source(const fv_graph *g) { return g->source; }

void fv_graph_input_size(const fv_graph *g, int64_t hw[FV_AXES])
{
    hw[0] = g->input_hw[0];
    hw[1] = g->input_hw[1];
}

void fv_graph_set_input_size(fv_graph *g, const int64_t hw[FV_AXES])
{
    g->input_hw[0] = hw[0];
    g->input_hw[1] = hw[1];
}

fv_status fv_graph_keep_text(fv_graph *g, const char *text, size_t len)
{
    char *copy = malloc(len + 1);
    if (!copy)
        return FV_ERR_NOMEM;
    memcpy(copy, text, len);
    copy[len] = '\0';
    free(g->text);
    g->text = copy;
    g->text_len = len;
    return FV_OK;
}

void fv_text_line(const char *text, size_t len, int32_t line, char *buf, size_t size)
{
    buf[0] = '\0';
    if (!text || line < 1 || size == 0)
        return;
    size_t i = 0;
    for (int32_t l = 1; l < line && i < len; i++)
        if (text[i] == '\n')
            l++;
    size_t n = 0;
    for (; i < len && text[i] != '\n' && text[i] != '\r' && n + 1 < size; i++)
        buf[n++] = text[i];
    buf[n] = '\0';
}

void fv_graph_line(const fv_graph *g, int32_t line, char *buf, size_t size)
{
    fv_text_line(g->text, g->text_len, line, buf, size);
}

int32_t fv_graph_input_node(const fv_graph *g)
{
    for (size_t i = 0; i < g->n_nodes; i++)
        if (g->nodes[i].op == FV_OP_INPUT)
            return (int32_t)i;
    return -1;
}

fv_status fv_graph_warn(fv_graph *g, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (!grow((void **)&g->warnings, &g->cap_warnings, g->n_warnings + 1, sizeof *g->warnings))
        return FV_ERR_NOMEM;
    size_t len = strlen(buf);
    char *copy = malloc(len + 1);
    if (!copy)
        return FV_ERR_NOMEM;
    memcpy(copy, buf, len + 1);
    g->warnings[g->n_warnings++] = copy;
    return FV_OK;
}

size_t fv_graph_n_warnings(const fv_graph *g) { return g->n_warnings; }

const char *fv_graph_warning(const fv_graph *g, size_t k)
{
    return k < g->n_warnings ? g->warnings[k] : NULL;
}

void fv_graph_mark_assumed(fv_graph *g, int32_t i) { g->nodes[i].assumed_identity = 1; }

int fv_graph_assumed_identity(const fv_graph *g, int32_t i) { return g->nodes[i].assumed_identity; }

void fv_graph_set_weights(fv_graph *g, fv_weight_store *store)
{
    if (g->weights)
        g->weights->free(g->weights);
    g->weights = store;
}

fv_status fv_graph_weight(const fv_graph *g, int32_t node, fv_weight_kind which,
                          const float **data, int64_t dims[4], int *ndims, fv_diag *diag)
{
    *data = NULL;
    *ndims = 0;
    if (node < 0 || (size_t)node >= g->n_nodes)
        return fv_diag_set(diag, FV_ERR_USAGE, "node %d does not exist", node);
    if (!g->weights)
        return fv_diag_set(diag, FV_ERR_USAGE,
                           "the graph was loaded without its weights (fv_load_options.keep_weights)");
    return g->weights->get(g->weights, g, node, which, data, dims, ndims, diag);
}
