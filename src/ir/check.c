/* fv_graph_check: everything an analysis may assume about a graph, checked
 * once, with a message that says which node and why. */
#include <math.h>
#include <stdlib.h>

#include "graph_private.h"
#include "fv_limits.h"

static fv_status check_arity(const fv_graph *g, int32_t i)
{
    const fv_node *n = fv_node_at(g, i);
    fv_op_kind kind = fv_op_kind_of(n->op);
    if (kind == FV_KIND_INPUT) {
        return n->n_inputs == 0 ? FV_OK : FV_ERR_GRAPH;
    }
    if (kind == FV_KIND_MERGE)
        return n->n_inputs >= 1 ? FV_OK : FV_ERR_GRAPH;
    return n->n_inputs == 1 ? FV_OK : FV_ERR_GRAPH;
}

static fv_status check_window(const fv_graph *g, int32_t i, fv_diag *diag)
{
    const fv_node *n = fv_node_at(g, i);
    const fv_window *w = &n->params.window;
    static const char axis_name[FV_AXES] = {'y', 'x'};
    for (int a = 0; a < FV_AXES; a++) {
        if (w->kernel[a] < 1 || w->kernel[a] > FV_MAX_KERNEL)
            return fv_diag_node(diag, g, i, FV_ERR_GRAPH, "kernel %lld along %c is outside 1..%d",
                                (long long)w->kernel[a], axis_name[a], FV_MAX_KERNEL);
        if (w->stride[a] < 1 || w->stride[a] > FV_MAX_STRIDE)
            return fv_diag_node(diag, g, i, FV_ERR_GRAPH, "stride %lld along %c is outside 1..%d",
                                (long long)w->stride[a], axis_name[a], FV_MAX_STRIDE);
        if (w->dilation[a] < 1 || w->dilation[a] > FV_MAX_STRIDE)
            return fv_diag_node(diag, g, i, FV_ERR_GRAPH,
                                "dilation %lld along %c is outside 1..%d",
                                (long long)w->dilation[a], axis_name[a], FV_MAX_STRIDE);
        if (w->rule == FV_PAD_EXPLICIT &&
            (w->pad_begin[a] < 0 || w->pad_end[a] < 0 || w->pad_begin[a] > FV_MAX_PAD ||
             w->pad_end[a] > FV_MAX_PAD))
            return fv_diag_node(diag, g, i, FV_ERR_GRAPH,
                                "padding %lld,%lld along %c is outside 0..%d",
                                (long long)w->pad_begin[a], (long long)w->pad_end[a],
                                axis_name[a], FV_MAX_PAD);
        int64_t op = w->output_padding[a];
        if (op < 0 || (op > 0 && n->op != FV_OP_CONV_TRANSPOSE))
            return fv_diag_node(diag, g, i, FV_ERR_GRAPH,
                                "output padding %lld along %c: only a transposed conv has it, "
                                "and it is never negative",
                                (long long)op, axis_name[a]);
        if (op >= w->stride[a] && op >= w->dilation[a])
            return fv_diag_node(diag, g, i, FV_ERR_GRAPH,
                                "output padding %lld along %c must be smaller than the stride "
                                "or the dilation",
                                (long long)op, axis_name[a]);
    }
    if (w->ceil_mode < FV_CEIL_OFF || w->ceil_mode > FV_CEIL_CAFFE)
        return fv_diag_node(diag, g, i, FV_ERR_GRAPH, "ceil_mode %d is not an fv_ceil_rule",
                            w->ceil_mode);
    if (w->groups < 1 || w->groups > FV_MAX_CHANNELS)
        return fv_diag_node(diag, g, i, FV_ERR_GRAPH, "groups must be at least 1, not %lld",
                            (long long)w->groups);
    if (n->channels > 0 && n->channels % w->groups != 0)
        return fv_diag_node(diag, g, i, FV_ERR_GRAPH,
                            "%lld output channels do not split into %lld groups",
                            (long long)n->channels, (long long)w->groups);
    return FV_OK;
}

static fv_status check_resample(const fv_graph *g, int32_t i, fv_diag *diag)
{
    const fv_node *n = fv_node_at(g, i);
    const fv_params *p = &n->params;
    for (int a = 0; a < FV_AXES; a++) {
        switch (n->op) {
        case FV_OP_RESIZE:
            if (p->resize.scale_num[a] < 1 || p->resize.scale_den[a] < 1 || p->resize.scale_num[a] > FV_MAX_STRIDE ||
                p->resize.scale_den[a] > FV_MAX_STRIDE)
                return fv_diag_node(diag, g, i, FV_ERR_GRAPH,
                                    "scale %lld/%lld must be a ratio of integers in 1..%d",
                                    (long long)p->resize.scale_num[a], (long long)p->resize.scale_den[a],
                                    FV_MAX_STRIDE);
            break;
        case FV_OP_DEPTH_TO_SPACE:
        case FV_OP_SPACE_TO_DEPTH:
            if (p->block.size < 1 || p->block.size > FV_MAX_STRIDE)
                return fv_diag_node(diag, g, i, FV_ERR_GRAPH, "block size %lld is outside 1..%d",
                                    (long long)p->block.size, FV_MAX_STRIDE);
            break;
        case FV_OP_PAD:
            if (p->pad.begin[a] < -FV_MAX_PAD || p->pad.begin[a] > FV_MAX_PAD ||
                p->pad.end[a] < -FV_MAX_PAD || p->pad.end[a] > FV_MAX_PAD)
                return fv_diag_node(diag, g, i, FV_ERR_GRAPH, "padding is outside -%d..%d",
                                    FV_MAX_PAD, FV_MAX_PAD);
            break;
        case FV_OP_SLICE:
            if (p->slice.step[a] < 1 || p->slice.step[a] > FV_MAX_STRIDE)
                return fv_diag_node(diag, g, i, FV_ERR_UNSUPPORTED,
                                    "slice step %lld: only steps 1..%d are supported",
                                    (long long)p->slice.step[a], FV_MAX_STRIDE);
            if (p->slice.start[a] < -FV_MAX_DIM || p->slice.start[a] > FV_MAX_DIM)
                return fv_diag_node(diag, g, i, FV_ERR_GRAPH, "slice start %lld is out of range",
                                    (long long)p->slice.start[a]);
            break;
        default:
            break;
        }
    }
    return FV_OK;
}

static fv_status check_lrn(const fv_graph *g, int32_t i, fv_diag *diag)
{
    const fv_lrn *p = &fv_node_at(g, i)->params.lrn;
    if (p->size < 1 || p->size > FV_MAX_KERNEL)
        return fv_diag_node(diag, g, i, FV_ERR_GRAPH, "LRN size %lld is outside 1..%d",
                            (long long)p->size, FV_MAX_KERNEL);
    if (!isfinite(p->alpha) || !isfinite(p->beta) || !isfinite(p->bias))
        return fv_diag_node(diag, g, i, FV_ERR_GRAPH,
                            "LRN alpha %g, beta %g and bias %g must be finite", p->alpha, p->beta,
                            p->bias);
    return FV_OK;
}

static fv_status check_normalize(const fv_graph *g, int32_t i, fv_diag *diag)
{
    const fv_normalize *p = &fv_node_at(g, i)->params.normalize;
    if (!isfinite(p->eps) || p->eps < 0 || !isfinite(p->scale))
        return fv_diag_node(diag, g, i, FV_ERR_GRAPH,
                            "normalize eps %g must be finite and at least 0, and scale %g finite",
                            p->eps, p->scale);
    return FV_OK;
}

static fv_status check_power(const fv_graph *g, int32_t i, fv_diag *diag)
{
    const fv_power *p = &fv_node_at(g, i)->params.power;
    if (!isfinite(p->power) || !isfinite(p->scale) || !isfinite(p->shift))
        return fv_diag_node(diag, g, i, FV_ERR_GRAPH,
                            "power %g, scale %g and shift %g must be finite", p->power, p->scale,
                            p->shift);
    return FV_OK;
}

static fv_status check_node(const fv_graph *g, int32_t i, fv_diag *diag)
{
    const fv_node *n = fv_node_at(g, i);
    const int32_t *in = fv_node_inputs(g, n);
    for (uint32_t k = 0; k < n->n_inputs; k++) {
        if (in[k] < 0 || (size_t)in[k] >= g->n_nodes)
            return fv_diag_node(diag, g, i, FV_ERR_GRAPH, "input %u refers to node %d, which does not exist",
                                k, in[k]);
    }
    if (check_arity(g, i) != FV_OK) {
        fv_op_kind kind = fv_op_kind_of(n->op);
        const char *want = kind == FV_KIND_INPUT ? "no inputs"
                           : kind == FV_KIND_MERGE ? "at least one input"
                                                   : "exactly one input";
        return fv_diag_node(diag, g, i, FV_ERR_GRAPH, "%s takes %s, not %u", fv_op_name(n->op),
                            want, n->n_inputs);
    }
    if (n->channels < 0 || n->channels > FV_MAX_CHANNELS)
        return fv_diag_node(diag, g, i, FV_ERR_GRAPH, "channel count %lld is out of range",
                            (long long)n->channels);
    switch (fv_op_kind_of(n->op)) {
    case FV_KIND_WINDOW:
    case FV_KIND_WINDOW_T:
        return check_window(g, i, diag);
    case FV_KIND_RESAMPLE:
        return check_resample(g, i, diag);
    default:
        return n->op == FV_OP_LRN         ? check_lrn(g, i, diag)
               : n->op == FV_OP_NORMALIZE ? check_normalize(g, i, diag)
               : n->op == FV_OP_POWER     ? check_power(g, i, diag)
                                          : FV_OK;
    }
}

fv_status fv_graph_topo_order(const fv_graph *g, int32_t *order, fv_diag *diag)
{
    size_t n = g->n_nodes;
    /* Kahn's algorithm over a users index (CSR): no recursion, so no depth limit. */
    uint32_t *pending = calloc(n ? n : 1, sizeof *pending);
    uint32_t *user_start = calloc(n + 1, sizeof *user_start);
    int32_t *users = malloc((g->n_edges ? g->n_edges : 1) * sizeof *users);
    if (!pending || !user_start || !users) {
        free(pending);
        free(user_start);
        free(users);
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        const fv_node *node = &g->nodes[i];
        pending[i] = node->n_inputs;
        const int32_t *in = fv_node_inputs(g, node);
        for (uint32_t k = 0; k < node->n_inputs; k++)
            user_start[in[k] + 1]++;
    }
    for (size_t i = 0; i < n; i++)
        user_start[i + 1] += user_start[i];
    uint32_t *fill = malloc((n ? n : 1) * sizeof *fill);
    if (!fill) {
        free(pending);
        free(user_start);
        free(users);
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        fill[i] = user_start[i];
    for (size_t i = 0; i < n; i++) {
        const fv_node *node = &g->nodes[i];
        const int32_t *in = fv_node_inputs(g, node);
        for (uint32_t k = 0; k < node->n_inputs; k++)
            users[fill[in[k]]++] = (int32_t)i;
    }
    size_t head = 0, tail = 0;
    for (size_t i = 0; i < n; i++)
        if (pending[i] == 0)
            order[tail++] = (int32_t)i;
    while (head < tail) {
        int32_t v = order[head++];
        for (uint32_t u = user_start[v]; u < user_start[v + 1]; u++)
            if (--pending[users[u]] == 0)
                order[tail++] = users[u];
    }
    fv_status st = FV_OK;
    if (tail < n) {
        int32_t stuck = 0;
        for (size_t i = 0; i < n; i++)
            if (pending[i]) {
                stuck = (int32_t)i;
                break;
            }
        st = fv_diag_node(diag, g, stuck, FV_ERR_GRAPH, "is on a cycle: its inputs depend on its output");
    }
    free(pending);
    free(user_start);
    free(users);
    free(fill);
    return st;
}

fv_status fv_graph_check_order(const fv_graph *g, int32_t *order, fv_diag *diag)
{
    int32_t input = -1;
    for (size_t i = 0; i < g->n_nodes; i++) {
        if (g->nodes[i].op != FV_OP_INPUT)
            continue;
        if (input >= 0)
            return fv_diag_node(diag, g, (int32_t)i, FV_ERR_GRAPH,
                                "a second input; fovea analyses networks with one input image "
                                "(the first is '%s')",
                                fv_node_name(g, &g->nodes[input]));
        input = (int32_t)i;
    }
    if (input < 0) {
        fv_diag_set(diag, FV_ERR_GRAPH, "the network has no input");
        if (diag)
            snprintf(diag->file, sizeof diag->file, "%s", g->source);
        return FV_ERR_GRAPH;
    }
    for (size_t i = 0; i < g->n_nodes; i++) {
        fv_status st = check_node(g, (int32_t)i, diag);
        if (st != FV_OK)
            return st;
    }
    return fv_graph_topo_order(g, order, diag);
}

fv_status fv_graph_check(const fv_graph *g, fv_diag *diag)
{
    int32_t *order = malloc((g->n_nodes ? g->n_nodes : 1) * sizeof *order);
    if (!order)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    fv_status st = fv_graph_check_order(g, order, diag);
    free(order);
    return st;
}
