/* The brute-force receptive-field oracle: index sets pushed through each
 * op's forward index arithmetic. Two passes over the graph:
 *   1. backward, from the wanted units, to find the window of units each
 *      node must compute (a superset is harmless, a subset would be a bug,
 *      so every window is checked when it is read);
 *   2. forward, computing each unit's set as a bitset over the window of
 *      image indices that the input node was asked for.
 * Nothing here knows a receptive-field formula: a conv unit ORs the sets of
 * the units its taps read, a transposed conv scatters each input unit into
 * the outputs its taps write, and so on. */
#include "rf_oracle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Words of all bitsets together; beyond this the caller asked too much. */
#define RF_ORACLE_MAX_WORDS ((size_t)1 << 24)

struct rf_oracle {
    size_t n;
    int axis;
    fv_feature_map *maps;
    int64_t *lo, *hi;  /* units computed per node, inclusive; lo > hi: none */
    int64_t base;      /* image index of bit 0 */
    int64_t width;     /* image indices covered; bit `width` is the whole flag */
    size_t words;      /* 64-bit words per unit */
    uint64_t **bits;   /* per node, (hi - lo + 1) * words; NULL when none */
};

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int64_t floor_mod(int64_t a, int64_t b) { return a - floor_div(a, b) * b; }

static int is_vector(const fv_feature_map *m) { return m->size[0] == 1 && m->size[1] == 1; }

static int is_whole_op(fv_op op)
{
    return op == FV_OP_GLOBAL_AVG_POOL || op == FV_OP_GLOBAL_MAX_POOL || op == FV_OP_FLATTEN ||
           op == FV_OP_FULLY_CONNECTED;
}

static int is_merge_op(fv_op op)
{
    return op == FV_OP_ADD || op == FV_OP_MUL || op == FV_OP_MAX || op == FV_OP_CONCAT;
}

static int is_window_op(fv_op op)
{
    return op == FV_OP_CONV || op == FV_OP_MAX_POOL || op == FV_OP_AVG_POOL;
}

/* Most indices one unit can read from one input. */
static size_t reads_cap(const fv_graph *g, int32_t n, int a)
{
    fv_op op = fv_graph_op(g, n);
    const fv_params *p = fv_graph_params(g, n);
    if (is_window_op(op))
        return (size_t)p->window.kernel[a];
    if (op == FV_OP_RESIZE)
        return 4;
    if (op == FV_OP_SPACE_TO_DEPTH)
        return (size_t)p->block.size;
    return 1;
}

/* Indices of input `k` read by output unit o of gather-type node n; the count
 * is returned and at most reads_cap() are written. Each case is the op's
 * forward loop written out, not a formula for its receptive field. */
static size_t gather(const fv_graph *g, const fv_feature_map *maps, int32_t n, size_t k, int a,
                     int64_t o, int64_t *idx)
{
    fv_op op = fv_graph_op(g, n);
    const fv_params *p = fv_graph_params(g, n);
    const fv_feature_map *m = &maps[n];
    size_t c = 0;
    if (is_window_op(op)) {
        /* conv / pool: the window starts at o * stride in the padded map. */
        const fv_window *w = &p->window;
        for (int64_t t = 0; t < w->kernel[a]; t++)
            idx[c++] = o * w->stride[a] - m->pad_begin[a] + t * w->dilation[a];
        return c;
    }
    switch (op) {
    case FV_OP_RESIZE: {
        const fv_resize *r = &p->resize;
        int64_t num, den; /* source coordinate x = num / den, den > 0 */
        if (r->align_corners) {
            int64_t in = maps[fv_graph_input(g, n, 0)].size[a];
            num = o * (in - 1);
            den = m->size[a] - 1;
            if (den == 0) {
                num = 0;
                den = 1;
            }
        } else if (r->mode == FV_RESIZE_NEAREST) {
            num = o * r->scale_den[a];
            den = r->scale_num[a];
        } else {
            /* half-pixel: x = (o + 1/2) / scale - 1/2 */
            num = (2 * o + 1) * r->scale_den[a] - r->scale_num[a];
            den = 2 * r->scale_num[a];
        }
        int64_t f = floor_div(num, den);
        int exact = floor_mod(num, den) == 0;
        if (r->mode == FV_RESIZE_NEAREST || exact) {
            /* nearest reads one pixel; an interpolation landing exactly on
             * a pixel gives every other tap weight zero */
            idx[c++] = f;
        } else if (r->mode == FV_RESIZE_LINEAR) {
            idx[c++] = f;
            idx[c++] = f + 1;
        } else {
            for (int64_t t = -1; t <= 2; t++)
                idx[c++] = f + t;
        }
        return c;
    }
    case FV_OP_DEPTH_TO_SPACE:
        idx[c++] = floor_div(o, p->block.size);
        return c;
    case FV_OP_SPACE_TO_DEPTH:
        for (int64_t t = 0; t < p->block.size; t++)
            idx[c++] = o * p->block.size + t;
        return c;
    case FV_OP_PAD:
        idx[c++] = o - p->pad.begin[a];
        return c;
    case FV_OP_SLICE:
        /* shape inference stores the resolved start as -pad_begin */
        idx[c++] = -m->pad_begin[a] + o * p->slice.step[a];
        return c;
    default:
        break;
    }
    if (is_merge_op(op)) {
        /* A 1x1 input next to a spatial map is broadcast: every unit reads its only unit. */
        const fv_feature_map *x = &maps[fv_graph_input(g, n, k)];
        idx[c++] = is_vector(x) && !is_vector(m) ? 0 : o;
        return c;
    }
    idx[c++] = o; /* pointwise */
    return c;
}

/* Transposed conv: input unit i, tap t writes output i*s - pad_begin + t*d.
 * The input units that can reach outputs lo..hi, with a margin. */
static void scatter_demand(const fv_graph *g, const fv_feature_map *maps, int32_t n, int a,
                           int64_t lo, int64_t hi, int64_t *ilo, int64_t *ihi)
{
    const fv_window *w = &fv_graph_params(g, n)->window;
    int64_t pb = maps[n].pad_begin[a];
    int64_t reach = (w->kernel[a] - 1) * w->dilation[a];
    *ilo = floor_div(lo + pb - reach, w->stride[a]) - 1;
    *ihi = floor_div(hi + pb, w->stride[a]) + 1;
}

static void widen(int64_t *lo, int64_t *hi, int64_t a, int64_t b)
{
    if (*lo > *hi) {
        *lo = a;
        *hi = b;
        return;
    }
    if (a < *lo)
        *lo = a;
    if (b > *hi)
        *hi = b;
}

/* A topological order through the public accessors only (Kahn). */
static int topo_order(const fv_graph *g, int32_t *order)
{
    size_t n = fv_graph_size(g);
    size_t *pending = calloc(n ? n : 1, sizeof *pending);
    if (!pending)
        return 0;
    for (size_t i = 0; i < n; i++)
        pending[i] = fv_graph_n_inputs(g, (int32_t)i);
    size_t done = 0;
    /* O(n^2) is fine: test graphs are small, and it keeps this obviously right. */
    unsigned char *placed = calloc(n ? n : 1, 1);
    if (!placed) {
        free(pending);
        return 0;
    }
    while (done < n) {
        size_t before = done;
        for (size_t i = 0; i < n; i++) {
            if (placed[i] || pending[i])
                continue;
            placed[i] = 1;
            order[done++] = (int32_t)i;
            for (size_t u = 0; u < n; u++)
                for (size_t k = 0; k < fv_graph_n_inputs(g, (int32_t)u); k++)
                    if (fv_graph_input(g, (int32_t)u, k) == (int32_t)i)
                        pending[u]--;
        }
        if (done == before)
            break;
    }
    free(pending);
    free(placed);
    return done == n;
}

void rf_oracle_free(rf_oracle *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->n && o->bits; i++)
        free(o->bits[i]);
    free(o->bits);
    free(o->maps);
    free(o->lo);
    free(o->hi);
    free(o);
}

static fv_status fail(fv_diag *diag, fv_status st, const char *msg)
{
    if (diag)
        snprintf(diag->message, sizeof diag->message, "rf_oracle: %s", msg);
    return st;
}

static uint64_t *unit_bits(const rf_oracle *o, int32_t n, int64_t u)
{
    if (!o->bits[n] || u < o->lo[n] || u > o->hi[n])
        return NULL;
    return o->bits[n] + (size_t)(u - o->lo[n]) * o->words;
}

static void or_into(uint64_t *dst, const uint64_t *src, size_t words)
{
    for (size_t w = 0; w < words; w++)
        dst[w] |= src[w];
}

/* Backward pass: which units of each node are needed. */
static fv_status demand(const fv_graph *g, rf_oracle *o, const int32_t *order, fv_diag *diag)
{
    int a = o->axis;
    size_t cap = 1;
    for (size_t i = 0; i < o->n; i++)
        if (reads_cap(g, (int32_t)i, a) > cap)
            cap = reads_cap(g, (int32_t)i, a);
    int64_t *idx = malloc(cap * sizeof *idx);
    if (!idx)
        return fail(diag, FV_ERR_NOMEM, "out of memory");
    for (size_t r = o->n; r-- > 0;) {
        int32_t n = order[r];
        fv_op op = fv_graph_op(g, n);
        if (o->lo[n] > o->hi[n] || is_whole_op(op) || op == FV_OP_INPUT)
            continue;
        for (size_t k = 0; k < fv_graph_n_inputs(g, n); k++) {
            int32_t in = fv_graph_input(g, n, k);
            int64_t ilo = 1, ihi = 0;
            if (op == FV_OP_CONV_TRANSPOSE) {
                scatter_demand(g, o->maps, n, a, o->lo[n], o->hi[n], &ilo, &ihi);
            } else {
                for (int64_t u = o->lo[n]; u <= o->hi[n]; u++) {
                    size_t c = gather(g, o->maps, n, k, a, u, idx);
                    for (size_t j = 0; j < c; j++)
                        widen(&ilo, &ihi, idx[j], idx[j]);
                }
            }
            if (ilo <= ihi)
                widen(&o->lo[in], &o->hi[in], ilo, ihi);
        }
    }
    free(idx);
    return FV_OK;
}

/* Forward pass: each needed unit's set. */
static fv_status propagate(const fv_graph *g, rf_oracle *o, const int32_t *order, fv_diag *diag)
{
    int a = o->axis;
    size_t total = 0;
    for (size_t i = 0; i < o->n; i++)
        if (o->lo[i] <= o->hi[i])
            total += (size_t)(o->hi[i] - o->lo[i] + 1) * o->words;
    if (total > RF_ORACLE_MAX_WORDS)
        return fail(diag, FV_ERR_LIMIT, "the wanted units need too large bitsets");
    int64_t idx[64];
    for (size_t r = 0; r < o->n; r++) {
        int32_t n = order[r];
        if (o->lo[n] > o->hi[n])
            continue;
        size_t units = (size_t)(o->hi[n] - o->lo[n] + 1);
        o->bits[n] = calloc(units * o->words, sizeof(uint64_t));
        if (!o->bits[n])
            return fail(diag, FV_ERR_NOMEM, "out of memory");
        fv_op op = fv_graph_op(g, n);
        if (op == FV_OP_INPUT) {
            for (int64_t u = o->lo[n]; u <= o->hi[n]; u++) {
                int64_t b = u - o->base;
                unit_bits(o, n, u)[b / 64] |= (uint64_t)1 << (b % 64);
            }
            continue;
        }
        if (is_whole_op(op)) {
            for (int64_t u = o->lo[n]; u <= o->hi[n]; u++)
                unit_bits(o, n, u)[o->width / 64] |= (uint64_t)1 << (o->width % 64);
            continue;
        }
        if (op == FV_OP_CONV_TRANSPOSE) {
            const fv_window *w = &fv_graph_params(g, n)->window;
            int32_t in = fv_graph_input(g, n, 0);
            for (int64_t i = o->lo[in]; i <= o->hi[in]; i++)
                for (int64_t t = 0; t < w->kernel[a]; t++) {
                    int64_t u = i * w->stride[a] - o->maps[n].pad_begin[a] + t * w->dilation[a];
                    uint64_t *dst = unit_bits(o, n, u);
                    if (dst)
                        or_into(dst, unit_bits(o, in, i), o->words);
                }
            continue;
        }
        if (reads_cap(g, n, a) > sizeof idx / sizeof idx[0])
            return fail(diag, FV_ERR_LIMIT, "a kernel or block too large for the oracle");
        for (int64_t u = o->lo[n]; u <= o->hi[n]; u++) {
            uint64_t *dst = unit_bits(o, n, u);
            for (size_t k = 0; k < fv_graph_n_inputs(g, n); k++) {
                int32_t in = fv_graph_input(g, n, k);
                size_t c = gather(g, o->maps, n, k, a, u, idx);
                for (size_t j = 0; j < c; j++) {
                    const uint64_t *src = unit_bits(o, in, idx[j]);
                    if (!src)
                        return fail(diag, FV_ERR_GRAPH, "demand missed a unit (oracle bug)");
                    or_into(dst, src, o->words);
                }
            }
        }
    }
    return FV_OK;
}

fv_status rf_oracle_run(const fv_graph *g, const int64_t hw[FV_AXES], int axis,
                        const int64_t *want_lo, const int64_t *want_hi, rf_oracle **out,
                        fv_diag *diag)
{
    *out = NULL;
    if (axis < 0 || axis >= FV_AXES)
        return fail(diag, FV_ERR_USAGE, "axis out of range");
    size_t n = fv_graph_size(g);
    rf_oracle *o = calloc(1, sizeof *o);
    int32_t *order = malloc((n ? n : 1) * sizeof *order);
    if (o) {
        o->n = n;
        o->axis = axis;
        o->maps = calloc(n ? n : 1, sizeof *o->maps);
        o->lo = malloc((n ? n : 1) * sizeof *o->lo);
        o->hi = malloc((n ? n : 1) * sizeof *o->hi);
        o->bits = calloc(n ? n : 1, sizeof *o->bits);
    }
    if (!o || !order || !o->maps || !o->lo || !o->hi || !o->bits) {
        free(order);
        rf_oracle_free(o);
        return fail(diag, FV_ERR_NOMEM, "out of memory");
    }
    fv_status st = fv_graph_infer_shapes(g, hw, o->maps, diag);
    if (st == FV_OK && !topo_order(g, order))
        st = fail(diag, FV_ERR_GRAPH, "the graph has a cycle");
    for (size_t i = 0; i < n && st == FV_OK; i++) {
        o->lo[i] = want_lo[i];
        o->hi[i] = want_hi[i] - 1;
    }
    if (st == FV_OK)
        st = demand(g, o, order, diag);
    if (st == FV_OK) {
        /* The image window is whatever the input node was asked for. */
        o->base = 0;
        o->width = 0;
        for (size_t i = 0; i < n; i++)
            if (fv_graph_op(g, (int32_t)i) == FV_OP_INPUT && o->lo[i] <= o->hi[i]) {
                o->base = o->lo[i];
                o->width = o->hi[i] - o->lo[i] + 1;
            }
        o->words = (size_t)(o->width / 64 + 1);
        st = propagate(g, o, order, diag);
    }
    free(order);
    if (st != FV_OK) {
        rf_oracle_free(o);
        return st;
    }
    *out = o;
    return FV_OK;
}

fv_status rf_oracle_run_node(const fv_graph *g, const int64_t hw[FV_AXES], int axis, int32_t node,
                             int64_t lo, int64_t hi, rf_oracle **out, fv_diag *diag)
{
    size_t n = fv_graph_size(g);
    int64_t *wlo = calloc(n ? n : 1, sizeof *wlo);
    int64_t *whi = calloc(n ? n : 1, sizeof *whi);
    fv_status st = FV_ERR_NOMEM;
    *out = NULL;
    if (wlo && whi) {
        wlo[node] = lo;
        whi[node] = hi;
        st = rf_oracle_run(g, hw, axis, wlo, whi, out, diag);
    } else {
        fail(diag, st, "out of memory");
    }
    free(wlo);
    free(whi);
    return st;
}

int rf_oracle_hull_of(const rf_oracle *o, int32_t node, int64_t u, rf_oracle_hull *h)
{
    const uint64_t *b = unit_bits(o, node, u);
    if (!b)
        return 0;
    size_t flag_word = (size_t)(o->width / 64);
    uint64_t flag = (uint64_t)1 << (o->width % 64);
    h->whole = (b[flag_word] & flag) != 0;
    h->empty = 1;
    h->first = h->last = 0;
    for (size_t w = 0; w < o->words; w++) {
        uint64_t bits = w == flag_word ? b[w] & ~flag : b[w];
        if (!bits)
            continue;
        int64_t lo = (int64_t)(w * 64) + __builtin_ctzll(bits);
        int64_t hi = (int64_t)(w * 64) + 63 - __builtin_clzll(bits);
        if (h->empty)
            h->first = o->base + lo;
        h->last = o->base + hi;
        h->empty = 0;
    }
    return 1;
}

int rf_oracle_contains(const rf_oracle *o, int32_t node, int64_t u, int64_t x)
{
    const uint64_t *b = unit_bits(o, node, u);
    if (!b || x < o->base || x >= o->base + o->width)
        return -1;
    int64_t bit = x - o->base;
    return (int)((b[bit / 64] >> (bit % 64)) & 1);
}

const fv_feature_map *rf_oracle_maps(const rf_oracle *o) { return o->maps; }
