/* The ERF engine's passes over the cone: forward on every node's window,
 * the unit's gradient seeded with 1, backward-data back to the input, and
 * the input gradient added to the map. Written for fv_real and compiled
 * twice (kernel_real.h): the float32 engine convolves through oneDNN, the
 * float64 one through the plain-C convolution. */
#include <limits.h>
#include <string.h>

#include "erf_private.h"
#include "kernels/kernel_real.h"

/* A node's typed buffers. */
#define VAL(n) ((fv_real *)(n)->val)
#define GRAD(n) ((fv_real *)(n)->grad)
#define SIZE(n) fv_box_size(&(n)->box)
#define INPUT(e, i, j) (&(e)->nodes[fv_graph_input((e)->g, i, j)])

/* Scaled buffers are brought back near 1 past these: a quarter of the
 * type's exponent range leaves the headroom of one more op (a conv's
 * fan-in of ones times values up to 2^32 stays far below float32's 2^128),
 * and float64 stays unscaled wherever its counts fit 2^256. */
#ifdef FV_KERNEL_F64
#define SCALED_HIGH 0x1p256
#define SCALED_LOW 0x1p-256
#else
#define SCALED_HIGH 0x1p32
#define SCALED_LOW 0x1p-32
#endif

/* The values node i reads of input j: its own, or, in scaled arithmetic,
 * the copy at the exponent the node computes in. */
static const fv_real *in_val(const erf_engine *e, int32_t i, size_t j)
{
    const erf_node *n = &e->nodes[i];
    if (n->reads && n->reads[j])
        return n->reads[j];
    return VAL(INPUT(e, i, j));
}

/* Before node i's forward pass in scaled arithmetic: an op that computes
 * on scaled inputs as on true ones reads them as they are (a merge first
 * brings them to the largest exponent, shrinking the others); any other
 * op reads true values (exponent 0), which may be infinite: the map
 * check names that. */
static void scaled_reads(erf_engine *e, int32_t i)
{
    erf_node *n = &e->nodes[i];
    size_t n_in = fv_graph_n_inputs(e->g, i);
    n->exp_val = 0;
    if (!e->scaled || n_in == 0)
        return;
    int top = INT_MIN;
    for (size_t j = 0; j < n_in; j++)
        if (INPUT(e, i, j)->exp_val > top)
            top = INPUT(e, i, j)->exp_val;
    int at = erf_reads_scaled(e, i) ? top : 0;
    for (size_t j = 0; j < n_in; j++) {
        const erf_node *x = INPUT(e, i, j);
        int shift = x->exp_val - at;
        n->reads[j] = VAL(x);
        if (shift != 0 && n->edge) {
            FV_N(fv_copy_pow2)(SIZE(x), VAL(x), shift, n->edge[j]);
            n->reads[j] = n->edge[j];
        }
    }
    n->exp_val = at;
}

/* The largest |v| of a scaled buffer, made to lie in [1, 2) when it left
 * [low, high]; returns the exponent moved into exp. */
static int scaled_settle(fv_real *v, size_t size, double low, double high)
{
    double top = FV_N(fv_max_abs)(size, v);
    if (!(top > 0) || !isfinite(top) || (top >= low && top <= high))
        return 0;
    int k = ilogb(top);
    FV_N(fv_scale_pow2)(size, v, -k);
    return k;
}

/* Before node i's backward pass in scaled arithmetic: its gradient is
 * complete; it and what its inputs have gathered so far are brought to
 * one exponent, so that the kernel's sums add like with like. */
static void scaled_align_grads(erf_engine *e, int32_t i)
{
    erf_node *n = &e->nodes[i];
    size_t n_in = fv_graph_n_inputs(e->g, i);
    n->exp_grad += scaled_settle(GRAD(n), SIZE(n), SCALED_LOW, SCALED_HIGH);
    int top = n->exp_grad;
    for (size_t j = 0; j < n_in; j++)
        if (INPUT(e, i, j)->has_grad && INPUT(e, i, j)->exp_grad > top)
            top = INPUT(e, i, j)->exp_grad;
    FV_N(fv_scale_pow2)(SIZE(n), GRAD(n), n->exp_grad - top);
    n->exp_grad = top;
    for (size_t j = 0; j < n_in; j++) {
        erf_node *x = INPUT(e, i, j);
        if (x->has_grad)
            FV_N(fv_scale_pow2)(SIZE(x), GRAD(x), x->exp_grad - top);
        x->exp_grad = top;
        x->has_grad = 1;
    }
}

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
    const fv_real *xv = n_in ? in_val(e, i, 0) : NULL;
    const fv_params *p = fv_graph_params(g, i);
    const fv_feature_map *m = &e->plan.maps[i];
    if (n->identity) {
        fv_act id = {.op = FV_OP_IDENTITY};
        FV_N(fv_act_forward)(&id, &x->box, xv, &n->box, VAL(n));
        return;
    }
    switch (op) {
    case FV_OP_INPUT:
        break;
    case FV_OP_CONV:
    case FV_OP_CONV_TRANSPOSE:
        CONV_FORWARD(n, xv, VAL(n));
        break;
    case FV_OP_MAX_POOL:
        FV_N(fv_max_pool_forward)(&n->kwin, &x->box, xv, &n->box, VAL(n));
        break;
    case FV_OP_AVG_POOL:
        FV_N(fv_avg_pool_forward)
        (&n->kwin, m->pad_end, p->window.count_include_pad, &x->box, xv, &n->box, VAL(n));
        break;
    case FV_OP_GLOBAL_AVG_POOL:
    case FV_OP_GLOBAL_MAX_POOL:
        FV_N(fv_global_pool_forward)(op == FV_OP_GLOBAL_MAX_POOL, &x->box, xv, VAL(n));
        break;
    case FV_OP_RESIZE:
        FV_N(fv_resize_forward)(&p->resize, &x->box, xv, &n->box, VAL(n));
        break;
    case FV_OP_DEPTH_TO_SPACE:
        FV_N(fv_depth_to_space_forward)(&p->block, &x->box, xv, &n->box, VAL(n));
        break;
    case FV_OP_SPACE_TO_DEPTH:
        FV_N(fv_space_to_depth_forward)(&p->block, &x->box, xv, &n->box, VAL(n));
        break;
    case FV_OP_PAD: {
        int64_t start[FV_AXES] = {-p->pad.begin[0], -p->pad.begin[1]}, step[FV_AXES] = {1, 1};
        FV_N(fv_shift_forward)(start, step, &x->box, xv, &n->box, VAL(n));
        break;
    }
    case FV_OP_SLICE: {
        int64_t start[FV_AXES] = {-m->pad_begin[0], -m->pad_begin[1]};
        FV_N(fv_shift_forward)(start, p->slice.step, &x->box, xv, &n->box, VAL(n));
        break;
    }
    case FV_OP_ADD:
    case FV_OP_MUL:
    case FV_OP_MAX: {
        fv_box *boxes = e->merge_box;
        const fv_real **vals = (const fv_real **)e->merge_val;
        for (size_t j = 0; j < n_in; j++) {
            boxes[j] = e->nodes[fv_graph_input(g, i, j)].box;
            vals[j] = in_val(e, i, j);
        }
        FV_N(fv_merge_forward)(op, n_in, boxes, vals, &n->box, VAL(n));
        break;
    }
    case FV_OP_CONCAT: {
        int64_t first = 0;
        for (size_t j = 0; j < n_in; j++) {
            erf_node *xj = &e->nodes[fv_graph_input(g, i, j)];
            FV_N(fv_concat_forward)(&xj->box, in_val(e, i, j), first, &n->box, VAL(n));
            first += xj->box.c;
        }
        break;
    }
    case FV_OP_BATCH_NORM:
        FV_N(fv_affine_forward)
        ((const fv_real *)n->scale, (const fv_real *)n->shift, &x->box, xv, &n->box, VAL(n));
        break;
    case FV_OP_SOFTMAX:
        FV_N(fv_softmax_forward)(&x->box, xv, &n->box, VAL(n));
        break;
    case FV_OP_LRN:
        FV_N(fv_lrn_forward)(&p->lrn, &x->box, xv, &n->box, VAL(n));
        break;
    case FV_OP_INSTANCE_NORM:
        FV_N(fv_instance_norm_forward)
        ((const fv_real *)n->scale, (const fv_real *)n->shift, p->pointwise.alpha, n->stats,
         &x->box, xv, &n->box, VAL(n));
        break;
    case FV_OP_NORMALIZE:
        FV_N(fv_normalize_forward)(&p->normalize, &x->box, xv, &n->box, VAL(n));
        break;
    case FV_OP_POWER:
        FV_N(fv_power_forward)(&p->power, &x->box, xv, &n->box, VAL(n));
        break;
    default:
        FV_N(fv_act_forward)(&n->act, &x->box, xv, &n->box, VAL(n));
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
    const fv_real *xv = n_in ? in_val(e, i, 0) : NULL;
    const fv_params *p = fv_graph_params(g, i);
    const fv_feature_map *m = &e->plan.maps[i];
    if (n->identity) {
        fv_act id = {.op = FV_OP_IDENTITY};
        FV_N(fv_act_backward)(&id, &x->box, xv, GRAD(x), &n->box, GRAD(n));
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
        FV_N(fv_max_pool_backward)(&n->kwin, &x->box, xv, GRAD(x), &n->box, GRAD(n));
        break;
    case FV_OP_AVG_POOL:
        FV_N(fv_avg_pool_backward)
        (&n->kwin, m->pad_end, p->window.count_include_pad, &x->box, GRAD(x), &n->box, GRAD(n));
        break;
    case FV_OP_GLOBAL_AVG_POOL:
    case FV_OP_GLOBAL_MAX_POOL:
        FV_N(fv_global_pool_backward)
        (op == FV_OP_GLOBAL_MAX_POOL, &x->box, xv, GRAD(x), GRAD(n));
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
            vals[j] = in_val(e, i, j);
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
    case FV_OP_LRN:
        FV_N(fv_lrn_backward)(&p->lrn, &x->box, xv, GRAD(x), &n->box, GRAD(n));
        break;
    case FV_OP_INSTANCE_NORM:
        FV_N(fv_instance_norm_backward)
        ((const fv_real *)n->scale, n->stats, &x->box, xv, GRAD(x), &n->box, GRAD(n));
        break;
    case FV_OP_NORMALIZE:
        FV_N(fv_normalize_backward)(&p->normalize, &x->box, xv, GRAD(x), &n->box, GRAD(n));
        break;
    case FV_OP_POWER:
        FV_N(fv_power_backward)(&p->power, &x->box, xv, GRAD(x), &n->box, GRAD(n));
        break;
    default:
        FV_N(fv_act_backward)(&n->act, &x->box, xv, GRAD(x), &n->box, GRAD(n));
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
    in->exp_val = 0;
    for (size_t k = 0; k < pl->n; k++) {
        int32_t i = pl->order[k];
        if (!pl->active[i] || i == pl->input)
            continue;
        scaled_reads(e, i);
        forward(e, i);
        if (e->scaled)
            e->nodes[i].exp_val += scaled_settle(VAL(&e->nodes[i]), SIZE(&e->nodes[i]), 0,
                                                 SCALED_HIGH);
    }
#pragma omp parallel for schedule(dynamic, 1)
    for (size_t i = 0; i < pl->n; i++)
        if (pl->active[i]) {
            memset(e->nodes[i].grad, 0, fv_box_size(&e->nodes[i].box) * sizeof(fv_real));
            e->nodes[i].exp_grad = 0;
            e->nodes[i].has_grad = 0;
        }
    erf_node *t = &e->nodes[pl->target];
    for (int64_t c = 0; c < t->box.c; c++)
        if (e->o->channel < 0 || e->o->channel == c)
            GRAD(t)[fv_at(&t->box, c, pl->unit[0] - t->box.y0, pl->unit[1] - t->box.x0)] = 1;
    t->has_grad = 1;
    for (size_t k = pl->n; k-- > 0;) {
        int32_t i = pl->order[k];
        if (!pl->active[i] || i == pl->input)
            continue;
        if (e->scaled)
            scaled_align_grads(e, i);
        backward(e, i);
    }
    size_t plane = (size_t)(in->box.h * in->box.w), C = (size_t)in->box.c;
    for (size_t q = 0; q < plane; q++)
        for (size_t c = 0; c < C; c++) {
            double v = ldexp((double)GRAD(in)[q * C + c], in->exp_grad);
            if (e->o->aggregate == FV_ERF_ABS)
                v = v < 0 ? -v : v;
            else if (e->o->aggregate == FV_ERF_RELU)
                v = v > 0 ? v : 0;
            map[q] += v;
        }
    return FV_OK;
}
