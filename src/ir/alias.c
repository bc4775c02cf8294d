/* Other names of a node's output: the tensor names an ONNX file gives the
 * values its nodes produce. Users copy them from viewers such as Netron, so
 * fv_graph_select accepts them beside node names. A table of its own keeps
 * node names unique while several tensors (a Split's outputs) name nodes. */
#include <stdlib.h>
#include <string.h>

#include "graph_private.h"
#include "fv_limits.h"

struct fv_alias {
    char *name;
    int32_t node;
    uint32_t hash;
};

void fv_graph_free_aliases(fv_graph *g)
{
    for (size_t k = 0; k < g->n_aliases; k++)
        free(g->aliases[k].name);
    free(g->aliases);
    free(g->alias_table);
    g->aliases = NULL;
    g->alias_table = NULL;
    g->n_aliases = g->cap_aliases = g->alias_table_cap = 0;
}

/* Slot of `name`: the alias's slot (alias + 1) or the empty one where it goes. */
static size_t slot_of(const fv_graph *g, const char *name, uint32_t hash)
{
    size_t mask = g->alias_table_cap - 1, i = hash & mask;
    while (g->alias_table[i]) {
        const struct fv_alias *a = &g->aliases[g->alias_table[i] - 1];
        if (a->hash == hash && strcmp(a->name, name) == 0)
            break;
        i = (i + 1) & mask;
    }
    return i;
}

static int rehash(fv_graph *g, size_t cap)
{
    uint32_t *t = calloc(cap, sizeof *t);
    if (!t)
        return 0;
    free(g->alias_table);
    g->alias_table = t;
    g->alias_table_cap = cap;
    for (size_t k = 0; k < g->n_aliases; k++)
        t[slot_of(g, g->aliases[k].name, g->aliases[k].hash)] = (uint32_t)(k + 1);
    return 1;
}

fv_status fv_graph_alias(fv_graph *g, const char *name, int32_t node, fv_diag *diag)
{
    size_t len = strlen(name);
    if (len == 0 || len > FV_MAX_NAME)
        return fv_diag_set(diag, FV_ERR_LIMIT, "tensor name of %zu bytes (1..%d allowed)", len,
                           FV_MAX_NAME);
    if (g->alias_table_cap < 2 * (g->n_aliases + 1) &&
        !rehash(g, g->alias_table_cap ? 2 * g->alias_table_cap : 64))
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    uint32_t hash = fv_name_hash(name);
    size_t slot = slot_of(g, name, hash);
    if (g->alias_table[slot]) { /* a name given again now means the later node */
        g->aliases[g->alias_table[slot] - 1].node = node;
        return FV_OK;
    }
    if (g->n_aliases == g->cap_aliases) {
        size_t cap = g->cap_aliases ? 2 * g->cap_aliases : 64;
        struct fv_alias *a = realloc(g->aliases, cap * sizeof *a);
        if (!a)
            return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
        g->aliases = a;
        g->cap_aliases = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    memcpy(copy, name, len + 1);
    g->aliases[g->n_aliases] = (struct fv_alias){copy, node, hash};
    g->alias_table[slot] = (uint32_t)(++g->n_aliases);
    return FV_OK;
}

int32_t fv_graph_find_alias(const fv_graph *g, const char *name)
{
    if (!g->alias_table_cap)
        return -1;
    size_t slot = slot_of(g, name, fv_name_hash(name));
    return g->alias_table[slot] ? g->aliases[g->alias_table[slot] - 1].node : -1;
}
