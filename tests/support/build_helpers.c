/* Test graph builders; see build_helpers.h. */
#include "build_helpers.h"

#include <stdlib.h>

int32_t tb_add(fv_graph *g, const fv_layer *layer)
{
    fv_diag diag;
    fv_diag_init(&diag);
    int32_t index = -1;
    if (fv_graph_add(g, layer, &index, &diag) != FV_OK) {
        fv_diag_print(&diag, stderr);
        abort();
    }
    return index;
}

int32_t tb_input(fv_graph *g)
{
    fv_layer l;
    fv_layer_init(&l, FV_OP_INPUT);
    return tb_add(g, &l);
}

int32_t tb_window(fv_graph *g, fv_op op, int32_t in, int64_t k, int64_t s, int64_t d, int64_t pad)
{
    fv_layer l;
    fv_layer_init(&l, op);
    l.inputs = &in;
    l.n_inputs = 1;
    for (int a = 0; a < FV_AXES; a++) {
        l.params.window.kernel[a] = k;
        l.params.window.stride[a] = s;
        l.params.window.dilation[a] = d;
        l.params.window.pad_begin[a] = pad;
        l.params.window.pad_end[a] = pad;
    }
    return tb_add(g, &l);
}

int32_t tb_window_rule(fv_graph *g, fv_op op, int32_t in, int64_t k, int64_t s, fv_pad_rule rule)
{
    fv_layer l;
    fv_layer_init(&l, op);
    l.inputs = &in;
    l.n_inputs = 1;
    l.params.window.rule = rule;
    for (int a = 0; a < FV_AXES; a++) {
        l.params.window.kernel[a] = k;
        l.params.window.stride[a] = s;
    }
    return tb_add(g, &l);
}

int32_t tb_unary(fv_graph *g, fv_op op, int32_t in)
{
    fv_layer l;
    fv_layer_init(&l, op);
    l.inputs = &in;
    l.n_inputs = 1;
    return tb_add(g, &l);
}

int32_t tb_merge(fv_graph *g, fv_op op, int32_t a, int32_t b)
{
    int32_t in[2] = {a, b};
    fv_layer l;
    fv_layer_init(&l, op);
    l.inputs = in;
    l.n_inputs = 2;
    return tb_add(g, &l);
}
