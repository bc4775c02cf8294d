/* The ERF engine's passes over the cone: forward on every node's window,
 * the unit's gradient seeded with 1, backward-data back to the input, and
 * the input gradient added to the map. Written for fv_real and compiled
 * twice (kernel_real.h): the float32 engine convolves through oneDNN, the
 * float64 one through the plain-C convolution. */
#include <string.h>

#include "erf_private.h"
#include "kernels/kernel_real.h"

/* A node's typed buffers. */
#define VAL(n) ((fv_real *)(n)->val)
#define GRAD(n) ((fv_real *)(n)->grad)

#ifdef FV_KERNEL_F64
#define CONV_FORWARD(n, x, y) fv_direct_conv_forward_f64((n)->direct, x, y)
#define CONV_BACKWARD(n, dx, dy) fv_direct_conv_backward_data_f64((n)->direct, dx, dy)
#define CONV_SET_WEIGHTS(n, diag) (fv_direct_conv_set_weights_f64((n)->direct, (n)->w), FV_OK)
#else
#define CONV_FORWARD(n, x, y) fv_conv_forward((n)->conv, x, y)
#define CONV_BACKWARD(n, dx, dy) fv_conv_backward_data((n)->conv, dx, dy)
#define CONV_SET_WEIGHTS(n, diag) fv_conv_plan_set_weights((n)->conv, (n)->w, diag)
#endif

static void forward(erf_engine *e, int32_t i)
{
    const fv_graph *g = e->g;
    erf_node *n = &e->nodes[i];
    fv_op op = fv_graph_op(g, i);
    size_t n_in = fv_graph_n_inputs(g, i);
    erf_node *x = n_in ? &e->nodes[fv_graph_input(g, i, 0)] : NULL;
    const fv_params *p = fv_graph_params(g, i);
    const fv_feature_map *m = &e->plan.maps[i];
    if (n->identity) {
        fv_act id = {.op = FV_OP_IDENTITY};
        FV_N(fv_act_forward)(&id, &x->box, VAL(x), &n->box, VAL(n));
        return;
    }
    switch (op) {
    case FV_OP_INPUT:
        break;
    case FV_OP_CONV:
    case FV_OP_CONV_TRANSPOSE:
        CONV_FORWARD(n, VAL(x), VAL(n));
        break;
    case FV_OP_MAX_POOL:
        FV_N(fv_max_pool_forward)(&n->kwin, &x->box, VAL(x), &n->box, VAL(n));
        break;
    case FV_OP_AVG_POOL:
        FV_N(fv_avg_pool_forward)
        (&n->kwin, m->pad_end, p->window.count_include_pad, &x->box, VAL(x), &n->box, VAL(n));
        break;
    case FV_OP_GLOBAL_AVG_POOL:
    case FV_OP_GLOBAL_MAX_POOL:
        FV_N(fv_global_pool_forward)(op == FV_OP_GLOBAL_MAX_POOL, &x->box, VAL(x), VAL(n));
        break;
    case FV_OP_RESIZE:
        FV_N(fv_resize_forward)(&p->resize, &x->box, VAL(x), &n->box, VAL(n));
        break;
    case FV_OP_DEPTH_TO_SPACE:
        FV_N(fv_depth_to_space_forward)(&p->block, &x->box, VAL(x), &n->box, VAL(n));
        break;
    case FV_OP_SPACE_TO_DEPTH:
        FV_N(fv_space_to_depth_forward)(&p->block, &x->box, VAL(x), &n->box, VAL(n));
        break;
    case FV_OP_PAD: {
        int64_t start[FV_AXES] = {-p->pad.begin[0], -p->pad.begin[1]}, step[FV_AXES] = {1, 1};
        FV_N(fv_shift_forward)(start, step, &x->box, VAL(x), &n->box, VAL(n));
        break;
    }
    case FV_OP_SLICE: {
        int64_t start[FV_AXES] = {-m->pad_begin[0], -m->pad_begin[1]};
        FV_N(fv_shift_forward)(start, p->slice.step, &x->box, VAL(x), &n->box, VAL(n));
        break;
    }
    case FV_OP_ADD:
    case FV_OP_MUL:
    case FV_OP_MAX: {
        fv_box *boxes = e->merge_box;
        const fv_real **vals = (const fv_real **)e->merge_val;
        for (size_t j = 0; j < n_in; j++) {
            boxes[j] = e->nodes[fv_graph_input(g, i, j)].box;
            vals[j] = e->nodes[fv_graph_input(g, i, j)].val;
        }
        FV_N(fv_merge_forward)(op, n_in, boxes, vals, &n->box, VAL(n));
        break;
    }
    case FV_OP_CONCAT: {
        int64_t first = 0;
        for (size_t j = 0; j < n_in; j++) {
            erf_node *xj = &e->nodes[fv_graph_input(g, i, j)];
            FV_N(fv_concat_forward)(&xj->box, VAL(xj), first, &n->box, VAL(n));
            first += xj->box.c;
        }
        break;
    }
    case FV_OP_BATCH_NORM:
        FV_N(fv_affine_forward)
        ((const fv_real *)n->scale, (const fv_real *)n->shift, &x->box, VAL(x), &n->box, VAL(n));
        break;
    case FV_OP_SOFTMAX:
        FV_N(fv_softmax_forward)(&x->box, VAL(x), &n->box, VAL(n));
        break;
    case FV_OP_INSTANCE_NORM:
        FV_N(fv_instance_norm_forward)
        ((const fv_real *)n->scale, (const fv_real *)n->shift, p->pointwise.alpha, n->stats,
         &x->box, VAL(x), &n->box, VAL(n));
        break;
    default:
        FV_N(fv_act_forward)(&n->act, &x->box, VAL(x), &n->box, VAL(n));
        break;
    }
}

static void backward(erf_engine *e, int32_t i)
{
    const fv_graph *g = e->g;
    erf_node *n = &e->nodes[i];
    fv_op op = fv_graph_op(g, i);
    size_t n_in = fv_graph_n_inputs(g, i);
    erf_node *x = n_in ? &e->nodes[fv_graph_input(g, i, 0)] : NULL;
    const fv_params *p = fv_graph_params(g, i);
    const fv_feature_map *m = &e->plan.maps[i];
    if (n->identity) {
        fv_act id = {.op = FV_OP_IDENTITY};
        FV_N(fv_act_backward)(&id, &x->box, VAL(x), GRAD(x), &n->box, GRAD(n));
        return;
    }
    switch (op) {
    case FV_OP_INPUT:
        break;
    case FV_OP_CONV:
    case FV_OP_CONV_TRANSPOSE:
        CONV_BACKWARD(n, GRAD(x), GRAD(n));
        break;
    case FV_OP_MAX_POOL:
        FV_N(fv_max_pool_backward)(&n->kwin, &x->box, VAL(x), GRAD(x), &n->box, GRAD(n));
        break;
    case FV_OP_AVG_POOL:
        FV_N(fv_avg_pool_backward)
        (&n->kwin, m->pad_end, p->window.count_include_pad, &x->box, GRAD(x), &n->box, GRAD(n));
        break;
    case FV_OP_GLOBAL_AVG_POOL:
    case FV_OP_GLOBAL_MAX_POOL:
        FV_N(fv_global_pool_backward)
        (op == FV_OP_GLOBAL_MAX_POOL, &x->box, VAL(x), GRAD(x), GRAD(n));
        break;
    case FV_OP_RESIZE:
        FV_N(fv_resize_backward)(&p->resize, &x->box, GRAD(x), &n->box, GRAD(n));
        break;
    case FV_OP_DEPTH_TO_SPACE:
        FV_N(fv_depth_to_space_backward)(&p->block, &x->box, GRAD(x), &n->box, GRAD(n));
        break;
    case FV_OP_SPACE_TO_DEPTH:
        FV_N(fv_space_to_depth_backward)(&p->block, &x->box, GRAD(x), &n->box, GRAD(n));
        break;
    case FV_OP_PAD: {
        int64_t start[FV_AXES] = {-p->pad.begin[0], -p->pad.begin[1]}, step[FV_AXES] = {1, 1};
        FV_N(fv_shift_backward)(start, step, &x->box, GRAD(x), &n->box, GRAD(n));
        break;
    }
    case FV_OP_SLICE: {
        int64_t start[FV_AXES] = {-m->pad_begin[0], -m->pad_begin[1]};
        FV_N(fv_shift_backward)(start, p->slice.step, &x->box, GRAD(x), &n->box, GRAD(n));
        break;
    }
    case FV_OP_ADD:
    case FV_OP_MUL:
    case FV_OP_MAX: {
        fv_box *boxes = e->merge_box;
        const fv_real **vals = (const fv_real **)e->merge_val;
        fv_real **grads = (fv_real **)e->merge_grad;
        for (size_t j = 0; j < n_in; j++) {
            erf_node *xj = &e->nodes[fv_graph_input(g, i, j)];
            boxes[j] = xj->box;
            vals[j] = VAL(xj);
            grads[j] = GRAD(xj);
        }
        FV_N(fv_merge_backward)(op, n_in, boxes, vals, grads, &n->box, GRAD(n));
        break;
    }
    case FV_OP_CONCAT: {
        int64_t first = 0;
        for (size_t j = 0; j < n_in; j++) {
            erf_node *xj = &e->nodes[fv_graph_input(g, i, j)];
            FV_N(fv_concat_backward)(&xj->box, GRAD(xj), first, &n->box, GRAD(n));
            first += xj->box.c;
        }
        break;
    }
    case FV_OP_BATCH_NORM:
        FV_N(fv_affine_backward)((const fv_real *)n->scale, &x->box, GRAD(x), &n->box, GRAD(n));
        break;
    case FV_OP_SOFTMAX:
        FV_N(fv_softmax_backward)(&x->box, GRAD(x), &n->box, VAL(n), GRAD(n));
        break;
    case FV_OP_INSTANCE_NORM:
        FV_N(fv_instance_norm_backward)
        ((const fv_real *)n->scale, n->stats, &x->box, VAL(x), GRAD(x), &n->box, GRAD(n));
        break;
    default:
        FV_N(fv_act_backward)(&n->act, &x->box, VAL(x), GRAD(x), &n->box, GRAD(n));
        break;
    }
}

/* Redraws random weights for sample s (--redraw). */
static fv_status redraw(erf_engine *e, int64_t s, fv_diag *diag)
{
    for (size_t i = 0; i < e->plan.n; i++) {
        erf_node *n = &e->nodes[i];
        if (!e->plan.active[i] || !n->w) /* conv nodes */
            continue;
        fv_status st = erf_weights_fill(e, (int32_t)i, (uint64_t)s, diag);
        if (st == FV_OK)
            st = CONV_SET_WEIGHTS(n, diag);
        if (st != FV_OK)
            return st;
    }
    return FV_OK;
}

fv_status FV_N(erf_run_sample)(erf_engine *e, const erf_images *images, int64_t s, double *map,
                               fv_diag *diag)
{
    const fv_erf_plan *pl = &e->plan;
    erf_node *in = &e->nodes[pl->input];
    fv_status st = FV_OK;
    if (e->o->weights == FV_ERF_RANDOM && e->o->redraw && s > 0)
        st = redraw(e, s, diag);
    if (st == FV_OK)
        st = erf_input_fill(e, images, s, VAL(in), diag);
    if (st != FV_OK)
        return st;
    for (size_t k = 0; k < pl->n; k++)
        if (pl->active[pl->order[k]] && pl->order[k] != pl->input)
            forward(e, pl->order[k]);
    for (size_t i = 0; i < pl->n; i++)
        if (pl->active[i])
            memset(e->nodes[i].grad, 0, fv_box_size(&e->nodes[i].box) * sizeof(fv_real));
    erf_node *t = &e->nodes[pl->target];
    for (int64_t c = 0; c < t->box.c; c++)
        if (e->o->channel < 0 || e->o->channel == c)
            GRAD(t)[fv_at(&t->box, c, pl->unit[0] - t->box.y0, pl->unit[1] - t->box.x0)] = 1;
    for (size_t k = pl->n; k-- > 0;)
        if (pl->active[pl->order[k]] && pl->order[k] != pl->input)
            backward(e, pl->order[k]);
    size_t plane = (size_t)(in->box.h * in->box.w), C = (size_t)in->box.c;
    for (size_t q = 0; q < plane; q++)
        for (size_t c = 0; c < C; c++) {
            double v = GRAD(in)[q * C + c];
            if (e->o->aggregate == FV_ERF_ABS)
                v = v < 0 ? -v : v;
            else if (e->o->aggregate == FV_ERF_RELU)
                v = v > 0 ? v : 0;
            map[q] += v;
        }
    return FV_OK;
}
