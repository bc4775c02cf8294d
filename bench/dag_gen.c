/* Synthetic CNN-like graphs: a stem, then a chain of blocks drawn at random
 * (residual, dilated residual, two-branch concat, pool) with stride-2 blocks
 * at evenly spaced points, then a classifier head. */
#include <stdlib.h>

#include "dag_gen.h"

/* Block outputs at the current resolution that a later add may reach back
 * to (a DenseNet-like long skip). Bounded so the generator itself stays O(1)
 * in memory and its own footprint does not show in the peak of the graph. */
#define RECENT 64

typedef struct gen {
    fv_graph *g;
    fv_diag *diag;
    uint64_t rng;
    size_t left;          /* nodes still to add */
    int32_t cur;          /* output of the last block */
    int64_t channels;
    int32_t recent[RECENT];
    size_t n_recent;      /* entries of `recent` in use, oldest overwritten */
} gen;

/* splitmix64: tiny, seedable with any value, good enough to pick blocks. */
static uint64_t next_u64(gen *s)
{
    uint64_t z = (s->rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A value in 0..n-1 (the bias of the modulo is irrelevant here). */
static uint32_t pick(gen *s, uint32_t n) { return (uint32_t)(next_u64(s) % n); }

static fv_status add(gen *s, const fv_layer *l, int32_t *out)
{
    fv_status st = fv_graph_add(s->g, l, out, s->diag);
    if (st == FV_OK)
        s->left--;
    return st;
}

/* A conv whose padding keeps the map size at stride 1 and halves it
 * (rounding up) at stride 2, so merged branches always agree in size. */
static fv_status conv(gen *s, int32_t in, int64_t kh, int64_t kw, int64_t stride,
                      int64_t dilation, int64_t channels, int32_t *out)
{
    fv_layer l;
    fv_layer_init(&l, FV_OP_CONV);
    const int64_t k[FV_AXES] = {kh, kw};
    for (int a = 0; a < FV_AXES; a++) {
        l.params.window.kernel[a] = k[a];
        l.params.window.stride[a] = stride;
        l.params.window.dilation[a] = dilation;
        l.params.window.pad_begin[a] = dilation * (k[a] - 1) / 2;
        l.params.window.pad_end[a] = dilation * (k[a] - 1) / 2;
    }
    l.channels = channels;
    l.inputs = &in;
    l.n_inputs = 1;
    return add(s, &l, out);
}

/* 3x3 pooling with padding 1: size-preserving at stride 1, halving at 2. */
static fv_status pool(gen *s, fv_op op, int32_t in, int64_t stride, int32_t *out)
{
    fv_layer l;
    fv_layer_init(&l, op);
    for (int a = 0; a < FV_AXES; a++) {
        l.params.window.kernel[a] = 3;
        l.params.window.stride[a] = stride;
        l.params.window.pad_begin[a] = 1;
        l.params.window.pad_end[a] = 1;
    }
    l.inputs = &in;
    l.n_inputs = 1;
    return add(s, &l, out);
}

static fv_status unary(gen *s, fv_op op, int32_t in, int32_t *out)
{
    fv_layer l;
    fv_layer_init(&l, op);
    l.inputs = &in;
    l.n_inputs = 1;
    return add(s, &l, out);
}

static fv_status merge(gen *s, fv_op op, const int32_t *in, size_t n, int32_t *out)
{
    fv_layer l;
    fv_layer_init(&l, op);
    l.inputs = in;
    l.n_inputs = n;
    return add(s, &l, out);
}

static void remember(gen *s, int32_t node)
{
    s->recent[s->n_recent % RECENT] = node;
    s->n_recent++;
}

/* conv 3x3 / relu / conv 3x3 (dilated when dilation > 1) / add / relu;
 * sometimes the add also takes an earlier block output of this stage. */
#define RESIDUAL_NODES 5
static fv_status residual(gen *s, int64_t dilation)
{
    int32_t in = s->cur, a, b, c, sum;
    fv_status st;
    if ((st = conv(s, in, 3, 3, 1, 1, s->channels, &a)) != FV_OK ||
        (st = unary(s, FV_OP_RELU, a, &b)) != FV_OK ||
        (st = conv(s, b, 3, 3, 1, dilation, s->channels, &c)) != FV_OK)
        return st;
    int32_t inputs[3] = {c, in, 0};
    size_t n = 2;
    size_t avail = s->n_recent < RECENT ? s->n_recent : RECENT;
    if (avail > 1 && pick(s, 10) == 0)
        inputs[n++] = s->recent[pick(s, (uint32_t)avail)];
    if ((st = merge(s, FV_OP_ADD, inputs, n, &sum)) != FV_OK ||
        (st = unary(s, FV_OP_RELU, sum, &s->cur)) != FV_OK)
        return st;
    remember(s, s->cur);
    return FV_OK;
}

/* Two branches of different shape joined by a concat, then a 1x1 fuse:
 * conv 3x3 beside an Inception-style 1x7 then 7x1 (anisotropic kernels). */
#define CONCAT_NODES 5
static fv_status concat(gen *s)
{
    int32_t in = s->cur, a, b1, b2, cat;
    fv_status st;
    if ((st = conv(s, in, 3, 3, 1, 1, s->channels, &a)) != FV_OK ||
        (st = conv(s, in, 1, 7, 1, 1, s->channels, &b1)) != FV_OK ||
        (st = conv(s, b1, 7, 1, 1, 1, s->channels, &b2)) != FV_OK)
        return st;
    const int32_t inputs[2] = {a, b2};
    if ((st = merge(s, FV_OP_CONCAT, inputs, 2, &cat)) != FV_OK ||
        (st = conv(s, cat, 1, 1, 1, 1, s->channels, &s->cur)) != FV_OK)
        return st;
    remember(s, s->cur);
    return FV_OK;
}

/* A ResNet downsampling block: conv 3x3 s2 / relu / conv 3x3, beside a 1x1
 * s2 projection of the block input, added, relu. */
#define DOWN_NODES 6
static fv_status down(gen *s)
{
    int32_t in = s->cur, a, b, c, proj, sum;
    if (s->channels < 2048)
        s->channels *= 2;
    fv_status st;
    if ((st = conv(s, in, 3, 3, 2, 1, s->channels, &a)) != FV_OK ||
        (st = unary(s, FV_OP_RELU, a, &b)) != FV_OK ||
        (st = conv(s, b, 3, 3, 1, 1, s->channels, &c)) != FV_OK ||
        (st = conv(s, in, 1, 1, 2, 1, s->channels, &proj)) != FV_OK)
        return st;
    const int32_t inputs[2] = {c, proj};
    if ((st = merge(s, FV_OP_ADD, inputs, 2, &sum)) != FV_OK ||
        (st = unary(s, FV_OP_RELU, sum, &s->cur)) != FV_OK)
        return st;
    /* Earlier outputs have another resolution now: no skips across stages. */
    s->n_recent = 0;
    remember(s, s->cur);
    return FV_OK;
}

/* The other downsampling: a stride-2 max pool, as in a ResNet stem. */
static fv_status down_pool(gen *s)
{
    fv_status st = pool(s, FV_OP_MAX_POOL, s->cur, 2, &s->cur);
    s->n_recent = 0;
    if (st == FV_OK)
        remember(s, s->cur);
    return st;
}

/* One block drawn at random, given that `room` nodes are left for blocks. */
static fv_status random_block(gen *s, size_t room)
{
    uint32_t r = pick(s, 100);
    if (r < 55 && room >= RESIDUAL_NODES)
        return residual(s, 1);
    if (r < 70 && room >= RESIDUAL_NODES)
        return residual(s, (int64_t)2 << pick(s, 3)); /* dilation 2, 4 or 8 */
    if (r < 85 && room >= CONCAT_NODES)
        return concat(s);
    return pool(s, r % 2 ? FV_OP_MAX_POOL : FV_OP_AVG_POOL, s->cur, 1, &s->cur);
}

size_t dag_gen_edges(const fv_graph *g)
{
    size_t n = fv_graph_size(g), e = 0;
    for (size_t i = 0; i < n; i++)
        e += fv_graph_n_inputs(g, (int32_t)i);
    return e;
}

fv_status dag_gen(size_t n_nodes, uint64_t seed, fv_graph **out, fv_diag *diag)
{
    *out = NULL;
    if (n_nodes < 1)
        return FV_ERR_USAGE;
    gen s = {.g = fv_graph_create(), .diag = diag, .rng = seed, .left = n_nodes, .channels = 64};
    if (!s.g)
        return FV_ERR_NOMEM;

    fv_layer l;
    fv_layer_init(&l, FV_OP_INPUT);
    l.name = "input";
    l.channels = 3;
    fv_status st = add(&s, &l, &s.cur);

    /* A global pool and a classifier close the graph, as in a real network,
     * so that whole-input nodes are part of what is measured. */
    size_t head = n_nodes >= 3 ? 2 : 0;
    size_t body = s.left - head;
    /* Downsampling points, evenly spread over the body; small graphs get
     * fewer so that blocks of other kinds still dominate. */
    size_t n_down = body / 50 < DAG_GEN_MAX_STRIDE2 ? body / 50 : DAG_GEN_MAX_STRIDE2;
    size_t done_down = 0;

    while (st == FV_OK && s.left > head) {
        size_t room = s.left - head;
        size_t made = body - room;
        if (done_down < n_down && made >= (done_down + 1) * body / (n_down + 1) &&
            room >= DOWN_NODES) {
            done_down++;
            st = pick(&s, 4) ? down(&s) : down_pool(&s);
        } else if (room >= RESIDUAL_NODES) {
            st = random_block(&s, room);
        } else {
            /* The last few nodes: pointwise ops, which fit any remainder. */
            st = unary(&s, FV_OP_BATCH_NORM, s.cur, &s.cur);
        }
    }
    if (st == FV_OK && head) {
        int32_t gp;
        st = unary(&s, FV_OP_GLOBAL_AVG_POOL, s.cur, &gp);
        if (st == FV_OK) {
            fv_layer_init(&l, FV_OP_FULLY_CONNECTED);
            l.inputs = &gp;
            l.n_inputs = 1;
            l.channels = 1000;
            st = add(&s, &l, NULL);
        }
    }
    if (st != FV_OK) {
        fv_graph_free(s.g);
        return st;
    }
    *out = s.g;
    return FV_OK;
}
