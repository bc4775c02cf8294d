/* The cone of one unit. Walking the graph from the unit back to the input,
 * each op maps the window of its output to the window of its input that
 * it reads; a node's window is the hull over its consumers, clipped to the
 * map. Pixels outside every window have gradient exactly 0. */
#include <stdlib.h>

#include "erf_plan.h"

static int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
static int64_t ceil_div(int64_t a, int64_t b) { return -floor_div(-a, b); }

void fv_erf_plan_kwin(const fv_graph *g, const fv_erf_plan *plan, int32_t node, fv_kwin *k)
{
    const fv_window *w = &fv_graph_params(g, node)->window;
    for (int a = 0; a < FV_AXES; a++) {
        k->k[a] = w->kernel[a];
        k->s[a] = w->stride[a];
        k->d[a] = w->dilation[a];
        k->pad[a] = plan->maps[node].pad_begin[a];
    }
    k->groups = w->groups;
}

/* Source coordinate range of a resize's outputs lo..hi along axis a. */
static void resize_reads(const fv_resize *r, int a, int64_t lo, int64_t hi, int64_t in_n,
                         int64_t out_n, int64_t *rlo, int64_t *rhi)
{
    int64_t num = r->scale_num[a], den = r->scale_den[a];
    if (r->mode == FV_RESIZE_NEAREST) {
        *rlo = floor_div(lo * den, num);
        *rhi = floor_div(hi * den, num);
    } else if (r->align_corners) {
        int64_t m = out_n > 1 ? out_n - 1 : 1;
        *rlo = floor_div(lo * (in_n - 1), m);
        *rhi = floor_div(hi * (in_n - 1), m) + 1;
    } else { /* (o + 1/2) den / num - 1/2 = ((2o + 1) den - num) / 2num, clamped at
              * 0 for linear; cubic leaves it unclamped and clamps the pixels */
        int64_t plo = (2 * lo + 1) * den - num, phi = (2 * hi + 1) * den - num;
        int clamp = r->mode != FV_RESIZE_CUBIC;
        *rlo = floor_div(clamp && plo < 0 ? 0 : plo, 2 * num);
        *rhi = floor_div(clamp && phi < 0 ? 0 : phi, 2 * num) + 1;
    }
    if (r->mode == FV_RESIZE_CUBIC) { /* floor - 1 .. floor + 2 */
        *rlo -= 1;
        *rhi += 1;
    }
    (void)in_n;
}

/* The pixels of input `p` that outputs lo..hi of `node` read along axis a. */
static void reads(const fv_graph *g, const fv_erf_plan *plan, int32_t node, int32_t p, int a,
                  int64_t lo, int64_t hi, int64_t *rlo, int64_t *rhi)
{
    const fv_params *par = fv_graph_params(g, node);
    const fv_feature_map *in = &plan->maps[p], *out = &plan->maps[node];
    int64_t pb = out->pad_begin[a];
    *rlo = lo;
    *rhi = hi;
    switch (fv_graph_op(g, node)) {
    case FV_OP_CONV:
    case FV_OP_MAX_POOL:
    case FV_OP_AVG_POOL: {
        const fv_window *w = &par->window;
        *rlo = lo * w->stride[a] - pb;
        *rhi = hi * w->stride[a] - pb + (w->kernel[a] - 1) * w->dilation[a];
        break;
    }
    case FV_OP_CONV_TRANSPOSE: { /* o = i*s - pb + t*d */
        const fv_window *w = &par->window;
        *rlo = ceil_div(lo + pb - (w->kernel[a] - 1) * w->dilation[a], w->stride[a]);
        *rhi = floor_div(hi + pb, w->stride[a]);
        break;
    }
    case FV_OP_GLOBAL_AVG_POOL:
    case FV_OP_GLOBAL_MAX_POOL:
    case FV_OP_FLATTEN:
    case FV_OP_FULLY_CONNECTED:
    case FV_OP_INSTANCE_NORM: /* its statistics see the whole map */
        *rlo = 0;
        *rhi = in->size[a] - 1;
        break;
    case FV_OP_RESIZE:
        resize_reads(&par->resize, a, lo, hi, in->size[a], out->size[a], rlo, rhi);
        break;
    case FV_OP_DEPTH_TO_SPACE:
        *rlo = floor_div(lo, par->block.size);
        *rhi = floor_div(hi, par->block.size);
        break;
    case FV_OP_SPACE_TO_DEPTH:
        *rlo = lo * par->block.size;
        *rhi = hi * par->block.size + par->block.size - 1;
        break;
    case FV_OP_PAD:
        *rlo = lo - par->pad.begin[a];
        *rhi = hi - par->pad.begin[a];
        break;
    case FV_OP_SLICE: /* the resolved start is stored as -pad_begin */
        *rlo = -pb + lo * par->slice.step[a];
        *rhi = -pb + hi * par->slice.step[a];
        break;
    default: /* pointwise and merges; a broadcast 1x1 input is read whole */
        if (in->size[a] == 1) {
            *rlo = 0;
            *rhi = 0;
        }
        break;
    }
}

static int64_t clamp(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : v > hi ? hi : v; }

fv_status fv_erf_plan_make(const fv_graph *g, const int64_t hw[FV_AXES], int32_t target,
                           const int64_t unit[FV_AXES], int whole_maps, fv_erf_plan *plan,
                           fv_diag *diag)
{
    size_t n = fv_graph_size(g);
    *plan = (fv_erf_plan){.n = n, .target = target, .input = fv_graph_input_node(g)};
    plan->order = malloc(n * sizeof *plan->order);
    plan->maps = malloc(n * sizeof *plan->maps);
    plan->active = calloc(n, 1);
    plan->box = calloc(n, sizeof *plan->box);
    if (!plan->order || !plan->maps || !plan->active || !plan->box) {
        fv_erf_plan_free(plan);
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    }
    fv_status st = fv_graph_check_order(g, plan->order, diag);
    if (st == FV_OK)
        st = fv_graph_infer_shapes_ordered(g, plan->order, hw, plan->maps, diag);
    if (st != FV_OK) {
        fv_erf_plan_free(plan);
        return st;
    }
    const fv_feature_map *tm = &plan->maps[target];
    for (int a = 0; a < FV_AXES; a++) {
        if (unit[a] < 0 || unit[a] >= tm->size[a]) {
            fv_diag_set(diag, FV_ERR_USAGE, "unit (%lld, %lld) lies outside the %lldx%lld map of '%s'",
                        (long long)unit[0], (long long)unit[1], (long long)tm->size[0],
                        (long long)tm->size[1], fv_graph_name(g, target));
            fv_erf_plan_free(plan);
            return FV_ERR_USAGE;
        }
        plan->unit[a] = unit[a];
    }
    /* lo > hi marks "no consumer yet" */
    int64_t (*lo)[FV_AXES] = malloc(n * sizeof *lo), (*hi)[FV_AXES] = malloc(n * sizeof *hi);
    if (!lo || !hi) {
        free(lo);
        free(hi);
        fv_erf_plan_free(plan);
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        for (int a = 0; a < FV_AXES; a++)
            lo[i][a] = 1, hi[i][a] = 0;
    plan->active[target] = 1;
    for (int a = 0; a < FV_AXES; a++)
        lo[target][a] = hi[target][a] = unit[a];
    for (size_t k = n; k-- > 0;) {
        int32_t node = plan->order[k];
        if (!plan->active[node])
            continue;
        fv_box *b = &plan->box[node];
        const fv_feature_map *m = &plan->maps[node];
        for (int a = 0; a < FV_AXES; a++)
            if (whole_maps)
                lo[node][a] = 0, hi[node][a] = m->size[a] - 1;
        *b = (fv_box){.c = m->channels > 0 ? m->channels : 1,
                      .h = hi[node][0] - lo[node][0] + 1, .w = hi[node][1] - lo[node][1] + 1,
                      .y0 = lo[node][0], .x0 = lo[node][1],
                      .map_h = m->size[0], .map_w = m->size[1]};
        for (size_t j = 0; j < fv_graph_n_inputs(g, node); j++) {
            int32_t p = fv_graph_input(g, node, j);
            const fv_feature_map *pm = &plan->maps[p];
            for (int a = 0; a < FV_AXES; a++) {
                int64_t rlo, rhi;
                reads(g, plan, node, p, a, lo[node][a], hi[node][a], &rlo, &rhi);
                /* Reads wholly in the padding (or in the gaps of a
                 * transposed conv) still get one real pixel, so every
                 * consumer has an input window to look at. */
                int64_t last = pm->size[a] - 1;
                if (rhi < rlo || rhi < 0 || rlo > last)
                    rlo = rhi = clamp(rlo, 0, last);
                rlo = clamp(rlo, 0, last);
                rhi = clamp(rhi, 0, last);
                if (!plan->active[p] || rlo < lo[p][a])
                    lo[p][a] = rlo;
                if (!plan->active[p] || rhi > hi[p][a])
                    hi[p][a] = rhi;
            }
            plan->active[p] = 1;
        }
    }
    free(lo);
    free(hi);
    return FV_OK;
}

void fv_erf_plan_free(fv_erf_plan *plan)
{
    free(plan->order);
    free(plan->maps);
    free(plan->active);
    free(plan->box);
    *plan = (fv_erf_plan){0};
}
