/* One pass per node over its ancestor cone, Araujo's recurrence
 * (r' = r + (k - 1) * d * J, J' = J * s) along the way. The work per node is
 * the size of its cone, which in a chain-like network is most of the graph:
 * this is the cost fovea's single pass avoids. */
#include <stdlib.h>

#include "naive_rf.h"

typedef struct cone_state {
    int64_t r[FV_AXES], j[FV_AXES];
    int whole;
} cone_state;

static void step(const fv_graph *g, int32_t v, cone_state *st)
{
    fv_op op = fv_graph_op(g, v);
    cone_state *s = &st[v];
    size_t n = fv_graph_n_inputs(g, v);
    if (op == FV_OP_INPUT) {
        *s = (cone_state){{1, 1}, {1, 1}, 0};
        return;
    }
    if (op == FV_OP_GLOBAL_AVG_POOL || op == FV_OP_GLOBAL_MAX_POOL || op == FV_OP_FLATTEN ||
        op == FV_OP_FULLY_CONNECTED) {
        s->whole = 1;
        return;
    }
    /* The union of what the inputs see: the largest RF, the common stride. */
    const cone_state *first = &st[fv_graph_input(g, v, 0)];
    *s = *first;
    for (size_t k = 1; k < n; k++) {
        const cone_state *x = &st[fv_graph_input(g, v, k)];
        s->whole |= x->whole;
        for (int a = 0; a < FV_AXES; a++)
            if (x->r[a] > s->r[a])
                s->r[a] = x->r[a];
    }
    if (op == FV_OP_CONV || op == FV_OP_MAX_POOL || op == FV_OP_AVG_POOL) {
        const fv_window *w = &fv_graph_params(g, v)->window;
        for (int a = 0; a < FV_AXES; a++) {
            s->r[a] += (w->kernel[a] - 1) * w->dilation[a] * s->j[a];
            s->j[a] *= w->stride[a];
        }
    }
}

int naive_rf_all(const fv_graph *g, naive_rf *out)
{
    size_t n = fv_graph_size(g);
    cone_state *st = malloc(n * sizeof *st);
    uint32_t *mark = calloc(n, sizeof *mark);   /* == v + 1: in v's cone */
    int32_t *stack = malloc(n * sizeof *stack);
    if (!st || !mark || !stack) {
        free(st);
        free(mark);
        free(stack);
        return -1;
    }
    for (size_t v = 0; v < n; v++) {
        /* Mark the cone of v by a walk up its inputs ... */
        uint32_t tag = (uint32_t)v + 1;
        size_t top = 0;
        mark[v] = tag;
        stack[top++] = (int32_t)v;
        while (top) {
            int32_t u = stack[--top];
            for (size_t k = 0; k < fv_graph_n_inputs(g, u); k++) {
                int32_t x = fv_graph_input(g, u, k);
                if (mark[x] != tag) {
                    mark[x] = tag;
                    stack[top++] = x;
                }
            }
        }
        /* ... then recompute the cone from the input down, in index order
         * (dag_gen adds every node after its inputs). */
        for (size_t u = 0; u <= v; u++)
            if (mark[u] == tag)
                step(g, (int32_t)u, st);
        for (int a = 0; a < FV_AXES; a++)
            out[v].rmax[a] = st[v].whole ? -1 : st[v].r[a];
    }
    free(st);
    free(mark);
    free(stack);
    return 0;
}
