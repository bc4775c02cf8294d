/* Shape inference: the feature-map size of every node for one input size,
 * and the padding that SAME and VALID rules resolve to at that size. */
#include <stdlib.h>

#include "graph_private.h"
#include "fv_limits.h"

static const char axis_name[FV_AXES] = {'y', 'x'};

static int64_t div_floor(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
static int64_t div_ceil(int64_t a, int64_t b) { return -div_floor(-a, b); }

/* conv and pooling along one axis */
static fv_status window_axis(const fv_graph *g, int32_t i, int a, int64_t n, fv_feature_map *m,
                             fv_diag *diag)
{
    const fv_node *node = fv_node_at(g, i);
    const fv_window *w = &node->params.window;
    int64_t s = w->stride[a];
    int64_t dk = (w->kernel[a] - 1) * w->dilation[a] + 1;
    int64_t pb = w->pad_begin[a], pe = w->pad_end[a];
    if (w->rule == FV_PAD_VALID) {
        pb = pe = 0;
    } else if (w->rule != FV_PAD_EXPLICIT) {
        int64_t out = div_ceil(n, s);
        int64_t total = (out - 1) * s + dk - n;
        if (total < 0)
            total = 0;
        pb = w->rule == FV_PAD_SAME_UPPER ? total / 2 : total - total / 2;
        pe = total - pb;
    }
    int64_t span = n + pb + pe - dk;
    if (span < 0)
        return fv_diag_node(diag, g, i, FV_ERR_GRAPH,
                            "kernel extent %lld along %c is larger than the padded input "
                            "(%lld + %lld + %lld)",
                            (long long)dk, axis_name[a], (long long)n, (long long)pb, (long long)pe);
    int64_t out = w->ceil_mode ? div_ceil(span, s) + 1 : span / s + 1;
    /* A last window that starts past the image and its left padding:
     * PyTorch (pooling_output_shape) and ONNX drop it; Caffe's
     * PoolingLayer::Reshape drops it only when the layer pads, on any axis. */
    int pads = w->pad_begin[0] || w->pad_begin[1] || w->pad_end[0] || w->pad_end[1];
    int drop = w->ceil_mode == FV_CEIL_ON || (w->ceil_mode == FV_CEIL_CAFFE && pads);
    if (drop && (out - 1) * s >= n + pb)
        out--;
    m->size[a] = out;
    m->pad_begin[a] = pb;
    m->pad_end[a] = pe;
    return FV_OK;
}

static fv_status window_t_axis(const fv_graph *g, int32_t i, int a, int64_t n,
                               fv_feature_map *m, fv_diag *diag)
{
    const fv_node *node = fv_node_at(g, i);
    const fv_window *w = &node->params.window;
    int64_t s = w->stride[a];
    int64_t dk = (w->kernel[a] - 1) * w->dilation[a] + 1;
    int64_t op = w->output_padding[a];
    int64_t pb = w->pad_begin[a], pe = w->pad_end[a];
    if (w->rule == FV_PAD_VALID) {
        pb = pe = 0;
    } else if (w->rule != FV_PAD_EXPLICIT) {
        /* ONNX ConvTranspose: the output is exactly in * stride. */
        int64_t total = s * (n - 1) + op + dk - n * s;
        if (total < 0)
            return fv_diag_node(diag, g, i, FV_ERR_UNSUPPORTED,
                                "SAME padding along %c would need negative padding (%lld)",
                                axis_name[a], (long long)total);
        pb = w->rule == FV_PAD_SAME_UPPER ? total / 2 : total - total / 2;
        pe = total - pb;
    }
    int64_t out = (n - 1) * s - pb - pe + dk + op;
    if (out < 1)
        return fv_diag_node(diag, g, i, FV_ERR_GRAPH,
                            "padding %lld+%lld along %c leaves no output", (long long)pb,
                            (long long)pe, axis_name[a]);
    m->size[a] = out;
    m->pad_begin[a] = pb;
    m->pad_end[a] = pe;
    return FV_OK;
}

static fv_status resample_axis(const fv_graph *g, int32_t i, int a, int64_t n, fv_feature_map *m,
                               fv_diag *diag)
{
    const fv_node *node = fv_node_at(g, i);
    const fv_params *p = &node->params;
    int64_t out = n;
    switch (node->op) {
    case FV_OP_RESIZE:
        out = n * p->resize.scale_num[a] / p->resize.scale_den[a];
        break;
    case FV_OP_DEPTH_TO_SPACE:
        out = n * p->block.size;
        break;
    case FV_OP_SPACE_TO_DEPTH:
        if (n % p->block.size != 0)
            return fv_diag_node(diag, g, i, FV_ERR_GRAPH,
                                "input size %lld along %c is not a multiple of the block %lld",
                                (long long)n, axis_name[a], (long long)p->block.size);
        out = n / p->block.size;
        break;
    case FV_OP_PAD:
        m->pad_begin[a] = p->pad.begin[a];
        m->pad_end[a] = p->pad.end[a];
        out = n + p->pad.begin[a] + p->pad.end[a];
        break;
    case FV_OP_SLICE: {
        int64_t start = p->slice.start[a], end = p->slice.end[a];
        if (start < 0)
            start += n;
        if (end != INT64_MAX && end < 0)
            end += n;
        if (start < 0)
            start = 0;
        if (start > n)
            start = n;
        if (end > n)
            end = n;
        out = end > start ? div_ceil(end - start, p->slice.step[a]) : 0;
        /* The resolved start is stored as negative padding: output o reads start + o * step. */
        m->pad_begin[a] = -start;
        m->pad_end[a] = 0;
        break;
    }
    default:
        break;
    }
    if (out < 1)
        return fv_diag_node(diag, g, i, FV_ERR_GRAPH, "output along %c is empty (input size %lld)",
                            axis_name[a], (long long)n);
    m->size[a] = out;
    return FV_OK;
}

/* Is this input's map a broadcast 1x1 from a global op? */
static int is_vector(const fv_feature_map *m) { return m->size[0] == 1 && m->size[1] == 1; }

static fv_status channel_limit(const fv_graph *g, int32_t i, fv_diag *diag)
{
    return fv_diag_node(diag, g, i, FV_ERR_LIMIT, "channel count exceeds %lld",
                        (long long)FV_MAX_CHANNELS);
}

static fv_status merge_shape(const fv_graph *g, int32_t i, const fv_feature_map *maps,
                             fv_feature_map *m, fv_diag *diag)
{
    const fv_node *node = fv_node_at(g, i);
    const int32_t *in = fv_node_inputs(g, node);
    int32_t first = -1;
    int64_t channels = 0;
    int channels_known = 1;
    for (uint32_t k = 0; k < node->n_inputs; k++) {
        const fv_feature_map *x = &maps[in[k]];
        /* Concats of concats double the channels at every level. */
        if (node->op == FV_OP_CONCAT &&
            (__builtin_add_overflow(channels, x->channels, &channels) ||
             channels > FV_MAX_CHANNELS))
            return channel_limit(g, i, diag);
        channels_known &= x->channels > 0;
        if (is_vector(x))
            continue;
        if (first < 0) {
            first = in[k];
            continue;
        }
        const fv_feature_map *f = &maps[first];
        if (x->size[0] != f->size[0] || x->size[1] != f->size[1])
            return fv_diag_node(diag, g, i, FV_ERR_GRAPH,
                                "inputs disagree in size: '%s' is %lldx%lld, '%s' is %lldx%lld",
                                fv_node_name(g, fv_node_at(g, first)), (long long)f->size[0],
                                (long long)f->size[1], fv_node_name(g, fv_node_at(g, in[k])),
                                (long long)x->size[0], (long long)x->size[1]);
    }
    const fv_feature_map *f = &maps[first >= 0 ? first : in[0]];
    m->size[0] = f->size[0];
    m->size[1] = f->size[1];
    if (node->op == FV_OP_CONCAT)
        m->channels = channels_known ? channels : 0;
    else
        m->channels = f->channels;
    return FV_OK;
}

static fv_status node_shape(const fv_graph *g, int32_t i, const int64_t hw[FV_AXES],
                            fv_feature_map *maps, fv_diag *diag)
{
    const fv_node *node = fv_node_at(g, i);
    fv_feature_map *m = &maps[i];
    const fv_feature_map *x = node->n_inputs ? &maps[fv_node_inputs(g, node)[0]] : NULL;
    fv_status st = FV_OK;
    *m = (fv_feature_map){{0, 0}, {0, 0}, {0, 0}, 0};
    fv_op_kind kind = fv_op_kind_of(node->op);
    if (kind == FV_KIND_MERGE)
        st = merge_shape(g, i, maps, m, diag);
    for (int a = 0; a < FV_AXES && st == FV_OK && kind != FV_KIND_MERGE; a++) {
        switch (kind) {
        case FV_KIND_INPUT:
            m->size[a] = hw[a];
            break;
        case FV_KIND_WINDOW:
            st = window_axis(g, i, a, x->size[a], m, diag);
            break;
        case FV_KIND_WINDOW_T:
            st = window_t_axis(g, i, a, x->size[a], m, diag);
            break;
        case FV_KIND_GLOBAL:
            m->size[a] = 1;
            break;
        case FV_KIND_RESAMPLE:
            st = resample_axis(g, i, a, x->size[a], m, diag);
            break;
        default:
            m->size[a] = x->size[a];
            break;
        }
        if (st == FV_OK && m->size[a] > FV_MAX_DIM)
            st = fv_diag_node(diag, g, i, FV_ERR_LIMIT, "feature map along %c exceeds %lld",
                              axis_name[a], (long long)FV_MAX_DIM);
    }
    if (st != FV_OK || kind == FV_KIND_MERGE)
        return st;
    /* Channels: what the node declares, else what flows through it. */
    int64_t c = x ? x->channels : 0;
    int blocks = node->op == FV_OP_DEPTH_TO_SPACE || node->op == FV_OP_SPACE_TO_DEPTH;
    int64_t bb = blocks ? node->params.block.size * node->params.block.size : 1;
    if (node->op == FV_OP_DEPTH_TO_SPACE)
        c = c % bb == 0 ? c / bb : 0;
    else if (node->op == FV_OP_SPACE_TO_DEPTH &&
             (__builtin_mul_overflow(c, bb, &c) || c > FV_MAX_CHANNELS))
        return channel_limit(g, i, diag);
    m->channels = node->channels > 0 ? node->channels : c;
    return FV_OK;
}

fv_status fv_graph_infer_shapes_at(const fv_graph *g, const int32_t *order,
                                   const int64_t hw[FV_AXES], fv_feature_map *maps,
                                   int32_t *failed, fv_diag *diag)
{
    if (failed)
        *failed = -1;
    for (int a = 0; a < FV_AXES; a++)
        if (hw[a] < 1 || hw[a] > FV_MAX_DIM)
            return fv_diag_set(diag, FV_ERR_USAGE, "input size %lldx%lld: each side must be 1..%lld",
                               (long long)hw[0], (long long)hw[1], (long long)FV_MAX_DIM);
    fv_status st = FV_OK;
    for (size_t k = 0; k < g->n_nodes && st == FV_OK; k++)
        if ((st = node_shape(g, order[k], hw, maps, diag)) != FV_OK && failed)
            *failed = order[k];
    return st;
}

fv_status fv_graph_infer_shapes_ordered(const fv_graph *g, const int32_t *order,
                                        const int64_t hw[FV_AXES], fv_feature_map *maps,
                                        fv_diag *diag)
{
    return fv_graph_infer_shapes_at(g, order, hw, maps, NULL, diag);
}

fv_status fv_graph_infer_shapes(const fv_graph *g, const int64_t hw[FV_AXES],
                                fv_feature_map *maps, fv_diag *diag)
{
    int32_t *order = malloc((g->n_nodes ? g->n_nodes : 1) * sizeof *order);
    if (!order)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    fv_status st = fv_graph_check_order(g, order, diag);
    if (st == FV_OK)
        st = fv_graph_infer_shapes_ordered(g, order, hw, maps, diag);
    free(order);
    return st;
}
