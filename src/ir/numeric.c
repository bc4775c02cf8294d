/* Nodes whose op is right for receptive fields but not for numbers: the
 * ONNX frontend reads Exp as identity and Div as mul, which changes no
 * receptive field but every gradient. The ERF engine refuses them. */
#include <stdlib.h>
#include <string.h>

#include "graph_private.h"

fv_status fv_graph_mark_inexact(fv_graph *g, int32_t i, const char *what)
{
    if (i < 0 || (size_t)i >= g->n_nodes)
        return FV_ERR_USAGE;
    if ((size_t)i >= g->cap_inexact) {
        size_t cap = g->cap_inexact ? g->cap_inexact : 16;
        while (cap <= (size_t)i)
            cap *= 2;
        char **p = realloc(g->inexact, cap * sizeof *p);
        if (!p)
            return FV_ERR_NOMEM;
        memset(p + g->cap_inexact, 0, (cap - g->cap_inexact) * sizeof *p);
        g->inexact = p;
        g->cap_inexact = cap;
    }
    size_t len = strlen(what);
    char *copy = malloc(len + 1);
    if (!copy)
        return FV_ERR_NOMEM;
    memcpy(copy, what, len + 1);
    free(g->inexact[i]);
    g->inexact[i] = copy;
    return FV_OK;
}

const char *fv_graph_inexact(const fv_graph *g, int32_t i)
{
    return i >= 0 && (size_t)i < g->cap_inexact ? g->inexact[i] : NULL;
}

void fv_graph_free_inexact(fv_graph *g)
{
    for (size_t k = 0; k < g->cap_inexact; k++)
        free(g->inexact[k]);
    free(g->inexact);
}
