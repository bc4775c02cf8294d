/* The exact index arithmetic of each op, as periodic interval maps. */
#include "rf_ops.h"

#include "fv_limits.h"
#include "rational.h"

static int64_t kernel_extent(const fv_window *w, int a) { return (w->kernel[a] - 1) * w->dilation[a] + 1; }

/* conv and pooling: unit o reads o*s - pb .. o*s - pb + extent - 1 */
static void window_map(const fv_window *w, int a, int64_t pb, fv_rf_map *m)
{
    m->period = 1;
    m->advance = w->stride[a];
    m->step = w->dilation[a];
    m->lo[0] = -pb;
    m->hi[0] = -pb + kernel_extent(w, a) - 1;
}

/* Transposed conv: input i feeds outputs i*s - pb + t*d, t < k. So output o
 * reads every i with o + pb - t*d divisible by s; which i those are depends
 * on o mod s, the period. */
static void window_t_map(const fv_window *w, int a, int64_t pb, fv_rf_map *m)
{
    int64_t s = w->stride[a];
    m->period = s;
    m->advance = 1;
    /* The taps that hit one output are t0, t0 + s/g, ... (g = gcd(d, s)), so
     * the inputs it reads step by d/g. */
    m->step = w->dilation[a] / fv_gcd(w->dilation[a], s);
    for (int64_t o = 0; o < s; o++) {
        m->lo[o] = FV_EMPTY_LO;
        m->hi[o] = FV_EMPTY_HI;
        for (int64_t t = 0; t < w->kernel[a]; t++) {
            int64_t q = o + pb - t * w->dilation[a];
            if (fv_mod_floor(q, s) != 0)
                continue;
            int64_t i = fv_div_floor(q, s);
            if (i < m->lo[o])
                m->lo[o] = i;
            if (i > m->hi[o])
                m->hi[o] = i;
        }
    }
}

/* Resize: the source coordinate of output o is x = (o*A + B) / C; nearest
 * reads floor(x), linear the two pixels around x and cubic four, or only x
 * itself when x is a whole pixel (the other weights are zero there). */
static fv_rf_op_err resize_map(const fv_resize *r, int64_t A, int64_t B, int64_t C, fv_rf_map *m)
{
    int64_t g = fv_gcd(A, C);
    if (g == 0)
        g = C;
    if (C / g > FV_MAX_PERIOD)
        return FV_RF_OP_PERIOD;
    m->period = C / g;
    m->advance = A / g;
    for (int64_t o = 0; o < m->period; o++) {
        int64_t num = o * A + B;
        int64_t x = fv_div_floor(num, C);
        int whole = fv_mod_floor(num, C) == 0;
        int64_t before = 0, after = 0;
        if (r->mode == FV_RESIZE_LINEAR && !whole)
            after = 1;
        if (r->mode == FV_RESIZE_CUBIC && !whole) {
            before = 1;
            after = 2;
        }
        m->lo[o] = x - before;
        m->hi[o] = x + after;
    }
    return FV_RF_OP_OK;
}

static fv_rf_op_err resize_op_map(const fv_graph *g, int32_t node, int a, const fv_feature_map *maps,
                                  fv_rf_map *m)
{
    const fv_node *n = fv_node_at(g, node);
    const fv_resize *r = &n->params.resize;
    int64_t num = r->scale_num[a], den = r->scale_den[a];
    if (r->mode == FV_RESIZE_NEAREST)
        return resize_map(r, den, 0, num, m); /* x = o * den / num */
    if (r->align_corners) {
        if (!maps)
            return FV_RF_OP_NEEDS_SIZE;
        int64_t in = maps[fv_node_inputs(g, n)[0]].size[a], out = maps[node].size[a];
        if (out == 1)
            return resize_map(r, 0, 0, 1, m);
        return resize_map(r, in - 1, 0, out - 1, m); /* x = o * (in-1)/(out-1) */
    }
    /* half-pixel: x = (o + 1/2) * den/num - 1/2 = (2o*den + den - num) / 2num */
    return resize_map(r, 2 * den, den - num, 2 * num, m);
}

fv_rf_op_err fv_rf_op_map(const fv_graph *g, int32_t node, int a, const fv_feature_map *maps,
                          fv_rf_scratch *s, fv_rf_map *m, int *identity)
{
    const fv_node *n = fv_node_at(g, node);
    const fv_params *p = &n->params;
    fv_op_kind kind = fv_op_kind_of(n->op);
    *identity = kind == FV_KIND_MERGE || kind == FV_KIND_POINTWISE;
    if (*identity)
        return FV_RF_OP_OK;
    fv_rf_err err = fv_rf_scratch_reserve(s, 1);
    if (err == FV_RF_NOMEM)
        return FV_RF_OP_NOMEM;
    m->lo = fv_rf_scratch_lo(s, 0);
    m->hi = fv_rf_scratch_hi(s, 0);
    m->step = 1;

    int64_t pb = 0;
    if (kind == FV_KIND_WINDOW || kind == FV_KIND_WINDOW_T) {
        if (p->window.rule == FV_PAD_EXPLICIT)
            pb = p->window.pad_begin[a];
        else if (p->window.rule == FV_PAD_VALID)
            pb = 0;
        else if (maps)
            pb = maps[node].pad_begin[a];
        else
            return FV_RF_OP_NEEDS_SIZE;
    }
    switch (n->op) {
    case FV_OP_CONV:
    case FV_OP_MAX_POOL:
    case FV_OP_AVG_POOL:
        window_map(&p->window, a, pb, m);
        return FV_RF_OP_OK;
    case FV_OP_CONV_TRANSPOSE:
        window_t_map(&p->window, a, pb, m);
        return FV_RF_OP_OK;
    case FV_OP_RESIZE:
        return resize_op_map(g, node, a, maps, m);
    case FV_OP_DEPTH_TO_SPACE: /* o reads o / b */
        m->period = p->block.size;
        m->advance = 1;
        for (int64_t o = 0; o < p->block.size; o++)
            m->lo[o] = m->hi[o] = 0;
        return FV_RF_OP_OK;
    case FV_OP_SPACE_TO_DEPTH: /* o reads o*b .. o*b + b - 1 */
        m->period = 1;
        m->advance = p->block.size;
        m->lo[0] = 0;
        m->hi[0] = p->block.size - 1;
        return FV_RF_OP_OK;
    case FV_OP_PAD: /* o reads o - begin */
        m->period = 1;
        m->advance = 1;
        m->lo[0] = m->hi[0] = -p->pad.begin[a];
        return FV_RF_OP_OK;
    case FV_OP_SLICE: { /* o reads start + o * step */
        int64_t start = p->slice.start[a];
        if (maps)
            start = -maps[node].pad_begin[a];
        else if (start < 0)
            return FV_RF_OP_NEEDS_SIZE;
        m->period = 1;
        m->advance = p->slice.step[a];
        m->lo[0] = m->hi[0] = start;
        return FV_RF_OP_OK;
    }
    default:
        return FV_RF_OP_OK;
    }
}

fv_rf_path_step fv_rf_op_path_step(const fv_graph *g, int32_t node, int a,
                                   const fv_feature_map *maps)
{
    const fv_node *n = fv_node_at(g, node);
    const fv_params *p = &n->params;
    fv_rf_path_step step = {fv_rat_int(0), fv_rat_int(1)};
    switch (n->op) {
    case FV_OP_CONV:
    case FV_OP_MAX_POOL:
    case FV_OP_AVG_POOL:
        step.grow = fv_rat_int(kernel_extent(&p->window, a) - 1);
        step.scale = fv_rat_int(p->window.stride[a]);
        break;
    case FV_OP_CONV_TRANSPOSE: /* (k - 1) / s + 1 input units per output (Araujo, MatConvNet) */
        fv_rat_make(kernel_extent(&p->window, a) - 1, p->window.stride[a], &step.grow);
        fv_rat_make(1, p->window.stride[a], &step.scale);
        break;
    case FV_OP_RESIZE: {
        const fv_resize *r = &p->resize;
        int taps = r->mode == FV_RESIZE_NEAREST ? 1 : r->mode == FV_RESIZE_LINEAR ? 2 : 4;
        step.grow = fv_rat_int(taps - 1);
        if (r->align_corners && r->mode != FV_RESIZE_NEAREST && maps &&
            maps[node].size[a] > 1)
            fv_rat_make(maps[fv_node_inputs(g, n)[0]].size[a] - 1, maps[node].size[a] - 1,
                        &step.scale);
        else
            fv_rat_make(r->scale_den[a], r->scale_num[a], &step.scale);
        break;
    }
    case FV_OP_DEPTH_TO_SPACE:
        fv_rat_make(1, p->block.size, &step.scale);
        break;
    case FV_OP_SPACE_TO_DEPTH:
        step.grow = fv_rat_int(p->block.size - 1);
        step.scale = fv_rat_int(p->block.size);
        break;
    case FV_OP_SLICE:
        step.scale = fv_rat_int(p->slice.step[a]);
        break;
    default:
        break;
    }
    return step;
}
