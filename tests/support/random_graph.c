/* The random network generator; see random_graph.h.
 *
 * A draft keeps the layers drawn so far. Each new layer is tried by building
 * the whole draft as a graph and running fv_graph_check and shape inference;
 * a layer that makes either fail (a map shrinks to nothing, a block does not
 * divide the size) is dropped and another is drawn, so every draw of the
 * generator is used and the result is still a function of the seed. */
#include "random_graph.h"

#include <stdlib.h>
#include <string.h>

#define RG_MAX_NODES 12
#define RG_MAX_IN 3
#define RG_MAX_MAP 256   /* keeps the oracle's bitsets small */
#define RG_MAX_TRIES 400

typedef struct rng {
    uint64_t state;
} rng;

/* splitmix64: tiny, and every seed gives a different stream. */
static uint64_t rng_next(rng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in lo..hi inclusive (the modulo bias is irrelevant here). */
static int64_t pick(rng *r, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

static int chance(rng *r, int percent) { return pick(r, 0, 99) < percent; }

typedef struct draft {
    fv_layer layers[RG_MAX_NODES];
    int32_t inputs[RG_MAX_NODES][RG_MAX_IN];
    int whole[RG_MAX_NODES]; /* downstream of a global op only */
    fv_feature_map maps[RG_MAX_NODES];
    /* Nominal effective stride (input pixels per unit) as num/den: lets
     * merges mostly join branches of equal stride, which is what real
     * networks merge and what the analysis supports; a few draws do not. */
    int64_t sn[RG_MAX_NODES][FV_AXES], sd[RG_MAX_NODES][FV_AXES];
    int mixed_strides; /* this graph may merge branches of unequal stride */
    size_t n;
    int64_t hw[FV_AXES];
} draft;

static fv_graph *build(const draft *d, size_t n)
{
    fv_graph *g = fv_graph_create();
    for (size_t i = 0; g && i < n; i++) {
        fv_layer l = d->layers[i];
        l.inputs = d->inputs[i];
        if (fv_graph_add(g, &l, NULL, NULL) != FV_OK) {
            fv_graph_free(g);
            g = NULL;
        }
    }
    return g;
}

static int64_t gcd(int64_t a, int64_t b)
{
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Node i's stride from its first input's and its own op. */
static void nominal_stride(draft *d, size_t i)
{
    const fv_layer *l = &d->layers[i];
    for (int a = 0; a < FV_AXES; a++) {
        int64_t num = 1, den = 1;
        /* a merge takes its stride from its first spatial input, not from
         * an SE vector that comes first */
        if (l->n_inputs) {
            int32_t in = d->inputs[i][0];
            for (size_t k = l->n_inputs; k-- > 0;)
                if (!d->whole[d->inputs[i][k]])
                    in = d->inputs[i][k];
            num = d->sn[in][a];
            den = d->sd[in][a];
        }
        const fv_params *p = &l->params;
        switch (l->op) {
        case FV_OP_CONV:
        case FV_OP_MAX_POOL:
        case FV_OP_AVG_POOL:
            num *= p->window.stride[a];
            break;
        case FV_OP_CONV_TRANSPOSE:
            den *= p->window.stride[a];
            break;
        case FV_OP_RESIZE:
            num *= p->resize.scale_den[a];
            den *= p->resize.scale_num[a];
            break;
        case FV_OP_DEPTH_TO_SPACE:
            den *= p->block.size;
            break;
        case FV_OP_SPACE_TO_DEPTH:
            num *= p->block.size;
            break;
        case FV_OP_SLICE:
            num *= p->slice.step[a];
            break;
        default:
            break;
        }
        int64_t g = gcd(num, den);
        d->sn[i][a] = num / g;
        d->sd[i][a] = den / g;
    }
}

static int same_stride(const draft *d, int32_t a, int32_t b)
{
    return d->mixed_strides || (d->sn[a][0] == d->sn[b][0] && d->sd[a][0] == d->sd[b][0] &&
                                d->sn[a][1] == d->sn[b][1] && d->sd[a][1] == d->sd[b][1]);
}

/* Appends `l` with inputs `in` when the draft stays valid; returns its index or -1. */
static int32_t commit(draft *d, fv_layer l, const int32_t *in, size_t n_in)
{
    if (d->n >= RG_MAX_NODES)
        return -1;
    size_t i = d->n;
    if (n_in)
        memcpy(d->inputs[i], in, n_in * sizeof *in);
    l.n_inputs = n_in;
    l.inputs = NULL;
    d->layers[i] = l;
    fv_graph *g = build(d, i + 1);
    fv_feature_map maps[RG_MAX_NODES];
    int ok = g && fv_graph_check(g, NULL) == FV_OK &&
             fv_graph_infer_shapes(g, d->hw, maps, NULL) == FV_OK;
    fv_graph_free(g);
    if (!ok || maps[i].size[0] > RG_MAX_MAP || maps[i].size[1] > RG_MAX_MAP)
        return -1;
    d->maps[i] = maps[i];
    int whole = l.op == FV_OP_GLOBAL_AVG_POOL || l.op == FV_OP_GLOBAL_MAX_POOL ||
                l.op == FV_OP_FLATTEN || l.op == FV_OP_FULLY_CONNECTED;
    if (!whole && n_in > 0) {
        whole = 1;
        for (size_t k = 0; k < n_in; k++)
            whole &= d->whole[in[k]];
    }
    d->whole[i] = whole;
    nominal_stride(d, i);
    d->n++;
    return (int32_t)i;
}

/* A node that carries a real spatial map: not whole, not a broadcast 1x1. */
static int spatial(const draft *d, int32_t i)
{
    return !d->whole[i] && !(d->maps[i].size[0] == 1 && d->maps[i].size[1] == 1);
}

/* A spatial node, usually the latest one. -1 when there is none. */
static int32_t pick_spatial(draft *d, rng *r)
{
    int32_t last = -1;
    for (size_t i = 0; i < d->n; i++)
        if (spatial(d, (int32_t)i))
            last = (int32_t)i;
    if (last < 0 || chance(r, 55))
        return last;
    for (int t = 0; t < 8; t++) {
        int32_t i = (int32_t)pick(r, 0, (int64_t)d->n - 1);
        if (spatial(d, i))
            return i;
    }
    return last;
}

static void draw_pads(rng *r, fv_window *w, int64_t max_pad)
{
    int64_t roll = pick(r, 0, 99);
    w->rule = roll < 55 ? FV_PAD_EXPLICIT
              : roll < 70 ? FV_PAD_SAME_UPPER
              : roll < 85 ? FV_PAD_SAME_LOWER
                          : FV_PAD_VALID;
    if (w->rule != FV_PAD_EXPLICIT)
        return;
    for (int a = 0; a < FV_AXES; a++) {
        w->pad_begin[a] = pick(r, 0, max_pad);
        w->pad_end[a] = chance(r, 50) ? w->pad_begin[a] : pick(r, 0, max_pad);
    }
}

/* Per-axis value: often the same on both axes, as in most real networks. */
static void draw_axes(rng *r, int64_t v[FV_AXES], int64_t lo, int64_t hi, int p_one)
{
    for (int a = 0; a < FV_AXES; a++)
        v[a] = chance(r, p_one) ? lo : pick(r, lo, hi);
    if (chance(r, 50))
        v[1] = v[0];
}

static fv_layer draw_conv(rng *r)
{
    fv_layer l;
    fv_layer_init(&l, FV_OP_CONV);
    fv_window *w = &l.params.window;
    draw_axes(r, w->kernel, 1, 7, 10);
    draw_axes(r, w->stride, 1, 3, 50);
    draw_axes(r, w->dilation, 1, 3, 70);
    draw_pads(r, w, 4);
    return l;
}

static fv_layer draw_pool(rng *r)
{
    fv_layer l;
    fv_layer_init(&l, chance(r, 60) ? FV_OP_MAX_POOL : FV_OP_AVG_POOL);
    fv_window *w = &l.params.window;
    draw_axes(r, w->kernel, 1, 5, 5);
    draw_axes(r, w->stride, 1, 3, 30);
    if (l.op == FV_OP_MAX_POOL && chance(r, 15))
        draw_axes(r, w->dilation, 1, 2, 0);
    w->ceil_mode = chance(r, 40);
    draw_pads(r, w, 2);
    return l;
}

static fv_layer draw_conv_transpose(rng *r)
{
    fv_layer l;
    fv_layer_init(&l, FV_OP_CONV_TRANSPOSE);
    fv_window *w = &l.params.window;
    /* One family covers every output (kernel extent >= stride); the other,
     * kernel < stride, leaves output units that no input reaches. */
    int gaps = chance(r, 25);
    for (int a = 0; a < FV_AXES; a++) {
        if (gaps) {
            w->stride[a] = pick(r, 2, 4);
            w->kernel[a] = pick(r, 1, w->stride[a] - 1);
        } else {
            w->stride[a] = pick(r, 1, 3);
            w->kernel[a] = pick(r, w->stride[a], w->stride[a] + 4 > 7 ? 7 : w->stride[a] + 4);
        }
        w->dilation[a] = chance(r, 80) ? 1 : 2;
        int64_t most = w->stride[a] > w->dilation[a] ? w->stride[a] : w->dilation[a];
        w->output_padding[a] = chance(r, 30) ? pick(r, 0, most - 1) : 0;
    }
    if (chance(r, 40)) {
        w->stride[1] = w->stride[0];
        w->kernel[1] = w->kernel[0];
        w->dilation[1] = w->dilation[0];
        w->output_padding[1] = w->output_padding[0];
    }
    draw_pads(r, w, 4);
    return l;
}

static fv_layer draw_resize(rng *r)
{
    fv_layer l;
    fv_layer_init(&l, FV_OP_RESIZE);
    fv_resize *z = &l.params.resize;
    z->mode = (fv_resize_mode)pick(r, 0, 2);
    int integer = chance(r, 50);
    for (int a = 0; a < FV_AXES; a++) {
        z->scale_num[a] = pick(r, 1, 4);
        z->scale_den[a] = integer ? 1 : pick(r, 1, 4);
    }
    if (chance(r, 50)) {
        z->scale_num[1] = z->scale_num[0];
        z->scale_den[1] = z->scale_den[0];
    }
    /* align_corners samples out * (in - 1) / (out - 1): depends on sizes.
     * Only for interpolation: what nearest rounds to there is not pinned down. */
    z->align_corners = z->mode != FV_RESIZE_NEAREST && chance(r, 15);
    return l;
}

static fv_layer draw_resample(rng *r, const fv_feature_map *m)
{
    fv_layer l;
    int64_t roll = pick(r, 0, 99);
    if (roll < 20) {
        fv_layer_init(&l, FV_OP_DEPTH_TO_SPACE);
        l.params.block.size = pick(r, 2, 3);
        l.params.block.order = chance(r, 50) ? FV_BLOCK_CRD : FV_BLOCK_DCR;
    } else if (roll < 40) {
        fv_layer_init(&l, FV_OP_SPACE_TO_DEPTH);
        /* a block that divides both sides, when there is one */
        l.params.block.size =
            m->size[0] % 3 == 0 && m->size[1] % 3 == 0 && chance(r, 50) ? 3 : 2;
        l.params.block.order = chance(r, 50) ? FV_BLOCK_CRD : FV_BLOCK_DCR;
    } else if (roll < 70) {
        fv_layer_init(&l, FV_OP_PAD);
        for (int a = 0; a < FV_AXES; a++) {
            l.params.pad.begin[a] = pick(r, -3, 4);
            l.params.pad.end[a] = pick(r, -3, 4);
        }
    } else {
        fv_layer_init(&l, FV_OP_SLICE);
        for (int a = 0; a < FV_AXES; a++) {
            l.params.slice.start[a] = pick(r, -8, 8);
            int64_t e = pick(r, 0, 2);
            l.params.slice.end[a] = e == 0 ? INT64_MAX : e == 1 ? pick(r, -8, -1) : m->size[a];
            l.params.slice.step[a] = chance(r, 50) ? 1 : pick(r, 2, 3);
        }
    }
    return l;
}

static const fv_op pointwise_ops[] = {FV_OP_RELU,     FV_OP_BATCH_NORM, FV_OP_SIGMOID,
                                      FV_OP_IDENTITY, FV_OP_SILU,       FV_OP_DROPOUT,
                                      FV_OP_INSTANCE_NORM};

static int32_t add_unary(draft *d, rng *r, int32_t x)
{
    fv_layer l;
    int64_t roll = pick(r, 0, 99);
    if (roll < 35)
        l = draw_conv(r);
    else if (roll < 50)
        l = draw_pool(r);
    else if (roll < 62)
        l = draw_conv_transpose(r);
    else if (roll < 74)
        l = draw_resize(r);
    else if (roll < 92)
        l = draw_resample(r, &d->maps[x]);
    else
        fv_layer_init(&l, pointwise_ops[pick(r, 0, sizeof pointwise_ops / sizeof *pointwise_ops - 1)]);
    return commit(d, l, &x, 1);
}

/* A pad that brings node x to the size of node y; the split between begin
 * and end is random, so the padded branch is usually shifted. */
static int32_t pad_to(draft *d, rng *r, int32_t x, int32_t y)
{
    fv_layer l;
    fv_layer_init(&l, FV_OP_PAD);
    for (int a = 0; a < FV_AXES; a++) {
        int64_t diff = d->maps[y].size[a] - d->maps[x].size[a];
        int64_t lo = (diff < 0 ? diff : 0) - 2, hi = (diff > 0 ? diff : 0) + 2;
        l.params.pad.begin[a] = pick(r, lo, hi);
        l.params.pad.end[a] = diff - l.params.pad.begin[a];
    }
    return commit(d, l, &x, 1);
}

static int same_size(const draft *d, int32_t a, int32_t b)
{
    return d->maps[a].size[0] == d->maps[b].size[0] && d->maps[a].size[1] == d->maps[b].size[1];
}

static fv_op merge_op(rng *r)
{
    static const fv_op ops[] = {FV_OP_ADD, FV_OP_ADD, FV_OP_CONCAT, FV_OP_MUL, FV_OP_MAX};
    return ops[pick(r, 0, 4)];
}

/* A merge of 2 or 3 spatial nodes, padding any whose size differs. */
static int32_t add_merge(draft *d, rng *r)
{
    int32_t in[RG_MAX_IN];
    size_t n_in = chance(r, 25) ? 3 : 2;
    in[0] = pick_spatial(d, r);
    if (in[0] < 0)
        return -1;
    for (size_t k = 1; k < n_in; k++) {
        int32_t best = -1;
        for (int t = 0; t < 12 && best < 0; t++) {
            int32_t c = (int32_t)pick(r, 0, (int64_t)d->n - 1);
            int dup = 0;
            for (size_t j = 0; j < k; j++)
                dup |= in[j] == c;
            if (!dup && spatial(d, c) && same_stride(d, c, in[0]) &&
                (same_size(d, c, in[0]) || t >= 8))
                best = c;
        }
        if (best < 0)
            return -1;
        if (!same_size(d, best, in[0])) {
            if (d->n + 2 > RG_MAX_NODES)
                return -1;
            best = pad_to(d, r, best, in[0]);
            if (best < 0)
                return -1;
        }
        in[k] = best;
    }
    fv_layer l;
    fv_layer_init(&l, merge_op(r));
    return commit(d, l, in, n_in);
}

/* Two convs of the same size from one node, padded differently, merged:
 * the misaligned residual of the Distill article. */
static int32_t add_twin(draft *d, rng *r)
{
    int32_t x = pick_spatial(d, r);
    if (x < 0 || d->n + 3 > RG_MAX_NODES)
        return -1;
    fv_layer a = draw_conv(r);
    fv_layer b = a;
    fv_window *w = &b.params.window;
    if (w->rule == FV_PAD_SAME_UPPER)
        w->rule = FV_PAD_SAME_LOWER;
    else if (w->rule == FV_PAD_SAME_LOWER)
        w->rule = FV_PAD_SAME_UPPER;
    for (int ax = 0; ax < FV_AXES && w->rule == FV_PAD_EXPLICIT; ax++) {
        int64_t total = w->pad_begin[ax] + w->pad_end[ax];
        w->pad_begin[ax] = pick(r, 0, total);
        w->pad_end[ax] = total - w->pad_begin[ax];
    }
    if (chance(r, 30))
        b = draw_pool(r); /* or an unrelated op that happens to give the same size */
    int32_t ia = commit(d, a, &x, 1);
    if (ia < 0)
        return -1;
    int32_t ib = commit(d, b, &x, 1);
    if (ib < 0)
        return -1;
    if (!same_stride(d, ia, ib))
        return -1;
    if (!same_size(d, ia, ib)) {
        if (d->n + 2 > RG_MAX_NODES)
            return -1;
        ib = pad_to(d, r, ib, ia);
        if (ib < 0)
            return -1;
    }
    int32_t in[2] = {ia, ib};
    fv_layer m;
    fv_layer_init(&m, merge_op(r));
    return commit(d, m, in, 2);
}

/* Squeeze-and-excitation: a global pool, maybe a 1x1 conv, a sigmoid, and
 * a mul that broadcasts the vector over a spatial map. */
static int32_t add_se(draft *d, rng *r)
{
    int32_t x = pick_spatial(d, r);
    if (x < 0 || d->n + 4 > RG_MAX_NODES)
        return -1;
    fv_layer l;
    fv_layer_init(&l, chance(r, 70) ? FV_OP_GLOBAL_AVG_POOL : FV_OP_GLOBAL_MAX_POOL);
    int32_t v = commit(d, l, &x, 1);
    if (v >= 0 && chance(r, 50)) {
        fv_layer_init(&l, FV_OP_CONV);
        v = commit(d, l, &v, 1);
    }
    if (v < 0)
        return -1;
    fv_layer_init(&l, FV_OP_SIGMOID);
    v = commit(d, l, &v, 1);
    int32_t y = chance(r, 50) ? x : pick_spatial(d, r);
    if (v < 0 || y < 0)
        return -1;
    int32_t in[2] = {y, v};
    if (chance(r, 50)) {
        in[0] = v;
        in[1] = y;
    }
    fv_layer_init(&l, FV_OP_MUL);
    return commit(d, l, in, 2);
}

/* A classifier head: every unit sees the whole input. */
static int32_t add_head(draft *d, rng *r)
{
    int32_t x = pick_spatial(d, r);
    if (x < 0)
        return -1;
    static const fv_op ops[] = {FV_OP_FLATTEN, FV_OP_FULLY_CONNECTED, FV_OP_GLOBAL_AVG_POOL};
    fv_layer l;
    fv_layer_init(&l, ops[pick(r, 0, 2)]);
    return commit(d, l, &x, 1);
}

fv_graph *rg_generate(uint64_t seed, int64_t hw[FV_AXES])
{
    int mixed;
    return rg_generate_mixed(seed, hw, &mixed);
}

fv_graph *rg_generate_mixed(uint64_t seed, int64_t hw[FV_AXES], int *mixed)
{
    rng r = {seed};
    draft *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    for (;;) {
        memset(d, 0, sizeof *d);
        d->hw[0] = pick(&r, 16, 64);
        d->hw[1] = chance(&r, 50) ? d->hw[0] : pick(&r, 16, 64);
        fv_layer in;
        fv_layer_init(&in, FV_OP_INPUT);
        commit(d, in, NULL, 0);
        int dag = chance(&r, 70);
        d->mixed_strides = chance(&r, 5);
        size_t target = (size_t)pick(&r, 2, RG_MAX_NODES);
        for (int tries = 0; d->n < target && tries < RG_MAX_TRIES; tries++) {
            int64_t roll = dag ? pick(&r, 0, 99) : 99;
            if (roll < 18)
                add_merge(d, &r);
            else if (roll < 28)
                add_twin(d, &r);
            else if (roll < 34)
                add_se(d, &r);
            else if (roll < 37)
                add_head(d, &r);
            else {
                /* chains grow from the last node; DAGs branch anywhere */
                int32_t x = dag ? pick_spatial(d, &r) : (int32_t)d->n - 1;
                if (x < 0 || !spatial(d, x))
                    break;
                add_unary(d, &r, x);
            }
        }
        if (d->n >= 2)
            break;
    }
    hw[0] = d->hw[0];
    hw[1] = d->hw[1];
    *mixed = d->mixed_strides;
    fv_graph *g = build(d, d->n);
    free(d);
    return g;
}
