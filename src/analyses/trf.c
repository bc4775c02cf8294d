/* The theoretical receptive field of every node, in one pass over the graph
 * in topological order. Each node's RF is a periodic interval map per axis
 * (rf_map.h), built from its inputs' maps and its op's own map; the per-path
 * extremes follow Araujo's formula with one entry per distinct path stride. */
#include <stdlib.h>
#include <string.h>

#include "graph_private.h"
#include "fv_limits.h"
#include "rational.h"
#include "rf_map.h"
#include "rf_ops.h"

/* Distinct effective strides among the paths into one node; real networks
 * have one or two. */
#define MAX_PATH_STRIDES 16

typedef struct path_entry {
    fv_rational stride;
    fv_rational rmin, rmax;
} path_entry;

typedef struct node_axis {
    int64_t period, advance;
    size_t table;        /* lo at pool[table], hi at pool[table + period] */
    size_t paths;        /* first entry in path_pool */
    uint32_t n_paths;
} node_axis;

typedef struct node_rf {
    node_axis axis[FV_AXES];
    /* Which units read the broadcast operand of an SE-style product, taken
     * as a one-unit input: a non-empty entry means the unit sees the whole
     * input through it, whatever its own pixels. Valid when has_reach. */
    node_axis reach[FV_AXES];
    uint8_t has_reach;
    fv_rational offset[FV_AXES];
    int32_t diverging;
    uint8_t whole, global_context, merge, aligned;
    uint8_t assumed; /* the node or an ancestor is an unknown op taken as identity */
} node_rf;

struct fv_trf {
    const fv_graph *graph;
    node_rf *nodes;
    fv_feature_map *maps; /* NULL without an input size */
    int64_t *pool;
    size_t pool_len, pool_cap;
    path_entry *path_pool;
    size_t path_len, path_cap;
};

static const char axis_name[FV_AXES] = {'y', 'x'};

static int grow(void **buf, size_t *cap, size_t need, size_t item)
{
    if (need <= *cap)
        return 1;
    size_t c = *cap ? *cap : 1024;
    while (c < need)
        c *= 2;
    void *p = realloc(*buf, c * item);
    if (!p)
        return 0;
    *buf = p;
    *cap = c;
    return 1;
}

static fv_rf_map axis_map(const fv_trf *t, const node_axis *ax)
{
    return (fv_rf_map){ax->period, ax->advance, 1, t->pool + ax->table,
                       t->pool + ax->table + ax->period};
}

static fv_rf_map node_map(const fv_trf *t, int32_t node, int a)
{
    return axis_map(t, &t->nodes[node].axis[a]);
}

static fv_status store_axis(fv_trf *t, node_axis *ax, const fv_rf_map *m, fv_diag *diag)
{
    size_t need = t->pool_len + 2 * (size_t)m->period;
    if (!grow((void **)&t->pool, &t->pool_cap, need, sizeof *t->pool))
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    ax->period = m->period;
    ax->advance = m->advance;
    ax->table = t->pool_len;
    memcpy(t->pool + t->pool_len, m->lo, (size_t)m->period * sizeof *t->pool);
    memcpy(t->pool + t->pool_len + m->period, m->hi, (size_t)m->period * sizeof *t->pool);
    t->pool_len = need;
    return FV_OK;
}

static fv_status store_map(fv_trf *t, int32_t node, int a, const fv_rf_map *m, fv_diag *diag)
{
    return store_axis(t, &t->nodes[node].axis[a], m, diag);
}

static fv_status map_error(const fv_trf *t, int32_t node, int a, fv_rf_err err, fv_diag *diag)
{
    switch (err) {
    case FV_RF_NOMEM:
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    case FV_RF_PERIOD:
        return fv_diag_node(diag, t->graph, node, FV_ERR_LIMIT,
                            "the receptive field along %c repeats only every more than %d units; "
                            "fovea stops there",
                            axis_name[a], FV_MAX_PERIOD);
    case FV_RF_STRIDES:
        return fv_diag_node(diag, t->graph, node, FV_ERR_UNSUPPORTED,
                            "merges inputs with different effective strides along %c; their sizes "
                            "agree only at this input size",
                            axis_name[a]);
    default:
        return fv_diag_node(diag, t->graph, node, FV_ERR_LIMIT,
                            "receptive-field arithmetic along %c overflows 64 bits", axis_name[a]);
    }
}

/* Centre of unit o, doubled so that it stays an integer: lo + hi. */
static fv_rf_err centre2(const fv_rf_map *m, int64_t o, int64_t *c, int *empty)
{
    int64_t lo, hi;
    fv_rf_err err = fv_rf_map_eval(m, o, &lo, &hi);
    *empty = fv_rf_entry_empty(lo, hi);
    if (err == FV_RF_OK && !*empty && __builtin_add_overflow(lo, hi, c))
        err = FV_RF_OVERFLOW;
    return err;
}

/* Araujo: paths are aligned when strides and centres agree. Compares every
 * spatial input with the first over their common period. */
static fv_status check_alignment(fv_trf *t, int32_t node, const int32_t *spatial, size_t n,
                                 fv_diag *diag)
{
    node_rf *r = &t->nodes[node];
    r->aligned = 1;
    r->diverging = -1;
    for (size_t k = 1; k < n && r->aligned; k++) {
        for (int a = 0; a < FV_AXES && r->aligned; a++) {
            fv_rf_map first = node_map(t, spatial[0], a), other = node_map(t, spatial[k], a);
            int64_t x, y;
            if (__builtin_mul_overflow(first.advance, other.period, &x) ||
                __builtin_mul_overflow(other.advance, first.period, &y))
                return map_error(t, node, a, FV_RF_OVERFLOW, diag);
            int same = x == y;
            /* Both tables repeat after the lcm of their periods (<= FV_MAX_PERIOD^2). */
            int64_t span = first.period / fv_gcd(first.period, other.period) * other.period;
            for (int64_t o = 0; same && o < span; o++) {
                int64_t c1 = 0, c2 = 0;
                int e1, e2;
                fv_rf_err err = centre2(&first, o, &c1, &e1);
                if (err == FV_RF_OK)
                    err = centre2(&other, o, &c2, &e2);
                if (err != FV_RF_OK)
                    return map_error(t, node, a, err, diag);
                same = e1 == e2 && (e1 || c1 == c2);
            }
            if (same)
                continue;
            r->aligned = 0;
            r->diverging = spatial[k];
            for (int b = 0; b < FV_AXES; b++) {
                fv_rf_map m1 = node_map(t, spatial[0], b), m2 = node_map(t, spatial[k], b);
                int64_t c1 = 0, c2 = 0;
                int e1, e2;
                centre2(&m1, 0, &c1, &e1);
                centre2(&m2, 0, &c2, &e2);
                fv_rat_make(c2 - c1, 2, &r->offset[b]);
            }
        }
    }
    return FV_OK;
}

static fv_status node_paths(fv_trf *t, int32_t node, int a, const int32_t *spatial, size_t n,
                            fv_diag *diag)
{
    path_entry merged[MAX_PATH_STRIDES];
    uint32_t count = 0;
    fv_rf_path_step step = fv_rf_op_path_step(t->graph, node, a, t->maps);
    for (size_t k = 0; k < n; k++) {
        const node_axis *in = &t->nodes[spatial[k]].axis[a];
        for (uint32_t e = 0; e < in->n_paths; e++) {
            path_entry p = t->path_pool[in->paths + e], q;
            fv_rational grown;
            /* r' = r + grow * J; J' = J * scale */
            if (!fv_rat_mul(step.grow, p.stride, &grown) || !fv_rat_add(p.rmin, grown, &q.rmin) ||
                !fv_rat_add(p.rmax, grown, &q.rmax) || !fv_rat_mul(p.stride, step.scale, &q.stride))
                return map_error(t, node, a, FV_RF_OVERFLOW, diag);
            uint32_t j = 0;
            while (j < count && (merged[j].stride.num != q.stride.num ||
                                 merged[j].stride.den != q.stride.den))
                j++;
            if (j == count) {
                if (count == MAX_PATH_STRIDES)
                    return fv_diag_node(diag, t->graph, node, FV_ERR_LIMIT,
                                        "paths into this node have more than %d different "
                                        "effective strides along %c",
                                        MAX_PATH_STRIDES, axis_name[a]);
                merged[count++] = q;
                continue;
            }
            int s1, s2;
            if (!fv_rat_cmp(q.rmin, merged[j].rmin, &s1) || !fv_rat_cmp(q.rmax, merged[j].rmax, &s2))
                return map_error(t, node, a, FV_RF_OVERFLOW, diag);
            if (s1 < 0)
                merged[j].rmin = q.rmin;
            if (s2 > 0)
                merged[j].rmax = q.rmax;
        }
    }
    if (!grow((void **)&t->path_pool, &t->path_cap, t->path_len + count, sizeof *t->path_pool))
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    memcpy(t->path_pool + t->path_len, merged, count * sizeof *merged);
    t->nodes[node].axis[a].paths = t->path_len;
    t->nodes[node].axis[a].n_paths = count;
    t->path_len += count;
    return FV_OK;
}

static fv_status input_node(fv_trf *t, int32_t node, fv_diag *diag)
{
    int64_t zero = 0;
    fv_rf_map unit = {1, 1, 1, &zero, &zero}; /* unit o sees pixel o */
    path_entry one = {fv_rat_int(1), fv_rat_int(1), fv_rat_int(1)};
    for (int a = 0; a < FV_AXES; a++) {
        fv_status st = store_map(t, node, a, &unit, diag);
        if (st != FV_OK)
            return st;
        if (!grow((void **)&t->path_pool, &t->path_cap, t->path_len + 1, sizeof *t->path_pool))
            return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
        t->path_pool[t->path_len] = one;
        t->nodes[node].axis[a].paths = t->path_len++;
        t->nodes[node].axis[a].n_paths = 1;
    }
    return FV_OK;
}

static fv_status op_map_error(fv_trf *t, int32_t node, int a, fv_rf_op_err err, fv_diag *diag)
{
    if (err == FV_RF_OP_NOMEM)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    if (err == FV_RF_OP_PERIOD)
        return map_error(t, node, a, FV_RF_PERIOD, diag);
    return fv_diag_node(diag, t->graph, node, FV_ERR_USAGE,
                        "its geometry along %c depends on the input size; give one "
                        "(--input HxW, or size= on the input)",
                        axis_name[a]);
}

/* Unites h into the accumulator in scratch slot 2; the first map becomes it. */
static fv_rf_err accumulate(fv_rf_map *acc, const fv_rf_map *h, fv_rf_scratch *s, int first)
{
    if (!first)
        return fv_rf_map_unite(acc, h, s, 2);
    fv_rf_err err = fv_rf_scratch_reserve(s, (size_t)h->period);
    if (err != FV_RF_OK)
        return err;
    *acc = (fv_rf_map){h->period, h->advance, 1, fv_rf_scratch_lo(s, 2), fv_rf_scratch_hi(s, 2)};
    memcpy(acc->lo, h->lo, (size_t)h->period * sizeof *h->lo);
    memcpy(acc->hi, h->hi, (size_t)h->period * sizeof *h->hi);
    return FV_RF_OK;
}

/* The reach of a node that does not read the broadcast operand itself: the
 * union over its spatial inputs of (input reach after op map). Reach maps
 * have advance 0, so their union never meets unequal strides. */
static fv_status inherit_reach(fv_trf *t, int32_t node, int a, const fv_rf_map *op, int identity,
                               const int32_t *spatial, size_t n, fv_rf_scratch *s, fv_diag *diag)
{
    node_rf *r = &t->nodes[node];
    int any = 0;
    fv_rf_map acc = {0};
    for (size_t k = 0; k < n; k++) {
        const node_rf *x = &t->nodes[spatial[k]];
        if (!x->has_reach)
            continue;
        fv_rf_map in = axis_map(t, &x->reach[a]), h = in;
        fv_rf_err err = identity ? FV_RF_OK : fv_rf_map_compose(op, &in, s, 1, &h);
        if (err == FV_RF_OK)
            err = accumulate(&acc, &h, s, !any);
        if (err != FV_RF_OK)
            return map_error(t, node, a, err, diag);
        any = 1;
    }
    if (!any)
        return FV_OK;
    fv_rf_map_reduce(&acc);
    /* Both axes are visited in turn; the flag holds once the last is stored. */
    fv_status st = store_axis(t, &r->reach[a], &acc, diag);
    if (st == FV_OK && a == FV_AXES - 1)
        r->has_reach = 1;
    return st;
}

/* Every unit of a node that reads the broadcast operand reaches it. */
static fv_status direct_reach(fv_trf *t, int32_t node, fv_diag *diag)
{
    int64_t zero = 0;
    fv_rf_map all = {1, 0, 1, &zero, &zero};
    for (int a = 0; a < FV_AXES; a++) {
        fv_status st = store_axis(t, &t->nodes[node].reach[a], &all, diag);
        if (st != FV_OK)
            return st;
    }
    t->nodes[node].has_reach = 1;
    return FV_OK;
}

/* How many of the node's units reach the broadcast operand: none, some or
 * all (a unit reaches it when its entries on both axes are non-empty). */
typedef enum reach_extent { REACH_NONE, REACH_SOME, REACH_ALL } reach_extent;

static reach_extent reach_of(const fv_trf *t, int32_t node)
{
    const node_rf *r = &t->nodes[node];
    if (!r->has_reach)
        return REACH_NONE;
    int64_t empty[FV_AXES];
    for (int a = 0; a < FV_AXES; a++) {
        fv_rf_map m = axis_map(t, &r->reach[a]);
        empty[a] = 0;
        for (int64_t o = 0; o < m.period; o++)
            empty[a] += fv_rf_entry_empty(m.lo[o], m.hi[o]);
        if (empty[a] == m.period)
            return REACH_NONE;
    }
    return empty[0] || empty[1] ? REACH_SOME : REACH_ALL;
}

/* One node's maps: the union over spatial inputs of (input map after op map). */
static fv_status spatial_node(fv_trf *t, int32_t node, const int32_t *spatial, size_t n,
                              fv_rf_scratch *s, fv_diag *diag)
{
    for (int a = 0; a < FV_AXES; a++) {
        fv_rf_map op, acc, h;
        int identity;
        fv_rf_op_err oerr = fv_rf_op_map(t->graph, node, a, t->maps, s, &op, &identity);
        if (oerr != FV_RF_OP_OK)
            return op_map_error(t, node, a, oerr, diag);
        for (size_t k = 0; k < n; k++) {
            fv_rf_map in = node_map(t, spatial[k], a);
            fv_rf_err err = FV_RF_OK;
            if (identity)
                h = in;
            else
                err = fv_rf_map_compose(&op, &in, s, 1, &h);
            if (err == FV_RF_OK)
                err = accumulate(&acc, &h, s, k == 0);
            if (err != FV_RF_OK)
                return map_error(t, node, a, err, diag);
        }
        fv_rf_map_reduce(&acc);
        fv_status st = store_map(t, node, a, &acc, diag);
        if (st == FV_OK)
            st = node_paths(t, node, a, spatial, n, diag);
        if (st == FV_OK && !t->nodes[node].has_reach)
            st = inherit_reach(t, node, a, &op, identity, spatial, n, s, diag);
        if (st != FV_OK)
            return st;
    }
    return FV_OK;
}

/* Non-zero when no unit of the node sees any input pixel: on some axis
 * every entry of its map is empty. */
static int sees_no_pixel(const fv_trf *t, int32_t node)
{
    for (int a = 0; a < FV_AXES; a++) {
        fv_rf_map m = node_map(t, node, a);
        int64_t o = 0;
        while (o < m.period && fv_rf_entry_empty(m.lo[o], m.hi[o]))
            o++;
        if (o == m.period)
            return 1;
    }
    return 0;
}

static fv_status visit(fv_trf *t, int32_t node, int32_t *spatial, fv_rf_scratch *s, fv_diag *diag)
{
    const fv_graph *g = t->graph;
    const fv_node *n = fv_node_at(g, node);
    node_rf *r = &t->nodes[node];
    r->diverging = -1;
    r->aligned = 1;
    fv_op_kind kind = fv_op_kind_of(n->op);
    /* --unknown=identity: a result that rests on an assumed op says so. */
    r->assumed = n->assumed_identity;
    for (uint32_t k = 0; k < n->n_inputs; k++)
        r->assumed |= t->nodes[fv_node_inputs(g, n)[k]].assumed;
    if (kind == FV_KIND_INPUT)
        return input_node(t, node, diag);
    if (kind == FV_KIND_GLOBAL) {
        r->whole = 1;
        return FV_OK;
    }
    const int32_t *in = fv_node_inputs(g, n);
    size_t count = 0;
    int reads_whole = 0;
    for (uint32_t k = 0; k < n->n_inputs; k++) {
        const node_rf *x = &t->nodes[in[k]];
        r->global_context |= x->global_context || x->whole;
        reads_whole |= x->whole;
        if (!x->whole)
            spatial[count++] = in[k];
    }
    if (count == 0) {
        /* e.g. the sigmoid after an SE squeeze, or a resize of a pooled vector */
        r->whole = 1;
        r->global_context = 0;
        return FV_OK;
    }
    if (kind == FV_KIND_MERGE && count > 1) {
        r->merge = 1;
        fv_status st = check_alignment(t, node, spatial, count, diag);
        if (st != FV_OK)
            return st;
    }
    fv_status st = reads_whole ? direct_reach(t, node, diag) : FV_OK;
    if (st == FV_OK)
        st = spatial_node(t, node, spatial, count, s, diag);
    /* A unit that reaches the broadcast whole-input operand (an SE scale)
     * sees the whole input; when no unit sees any pixel besides, the node
     * sees the whole input and nothing else. */
    if (st == FV_OK) {
        reach_extent reach = reach_of(t, node);
        r->global_context = reach != REACH_NONE;
        if (reach == REACH_ALL && sees_no_pixel(t, node)) {
            r->whole = 1;
            r->global_context = 0;
        }
    }
    return st;
}

fv_status fv_trf_compute(const fv_graph *g, const int64_t *hw, fv_trf **out, fv_diag *diag)
{
    *out = NULL;
    size_t n = g->n_nodes;
    fv_trf *t = calloc(1, sizeof *t);
    int32_t *order = malloc((n ? n : 1) * sizeof *order);
    int32_t *spatial = malloc((FV_MAX_INPUTS + 1) * sizeof *spatial);
    if (!t || !order || !spatial || !(t->nodes = calloc(n ? n : 1, sizeof *t->nodes))) {
        free(order);
        free(spatial);
        fv_trf_free(t);
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    }
    t->graph = g;
    fv_status st = fv_graph_check_order(g, order, diag);
    int64_t size[FV_AXES];
    if (hw) {
        size[0] = hw[0];
        size[1] = hw[1];
    } else {
        fv_graph_input_size(g, size);
    }
    if (st == FV_OK && size[0] > 0 && size[1] > 0) {
        t->maps = malloc(n * sizeof *t->maps);
        st = t->maps ? fv_graph_infer_shapes_ordered(g, order, size, t->maps, diag)
                     : fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    }
    fv_rf_scratch scratch = {0};
    for (size_t k = 0; k < n && st == FV_OK; k++)
        st = visit(t, order[k], spatial, &scratch, diag);
    fv_rf_scratch_free(&scratch);
    free(order);
    free(spatial);
    if (st != FV_OK) {
        fv_trf_free(t);
        return st;
    }
    *out = t;
    return FV_OK;
}

void fv_trf_free(fv_trf *t)
{
    if (!t)
        return;
    free(t->nodes);
    free(t->maps);
    free(t->pool);
    free(t->path_pool);
    free(t);
}

const fv_feature_map *fv_trf_map(const fv_trf *t, int32_t node)
{
    return t->maps ? &t->maps[node] : NULL;
}

static void fill_axis(const fv_trf *t, int32_t node, int a, fv_rf_axis *ra, int *sees_nothing)
{
    fv_rf_map m = node_map(t, node, a);
    const node_axis *ax = &t->nodes[node].axis[a];
    memset(ra, 0, sizeof *ra);
    ra->period = m.period;
    fv_rat_make(m.advance, m.period, &ra->stride);
    ra->size_min = INT64_MAX;
    int64_t first_lo = FV_EMPTY_LO, first_hi = FV_EMPTY_HI;
    for (int64_t o = 0; o < m.period; o++) {
        int64_t size = fv_rf_entry_empty(m.lo[o], m.hi[o]) ? 0 : m.hi[o] - m.lo[o] + 1;
        *sees_nothing |= size == 0;
        if (size < ra->size_min)
            ra->size_min = size;
        if (size > ra->size_max)
            ra->size_max = size;
        if (size && first_lo == FV_EMPTY_LO) {
            first_lo = m.lo[o];
            first_hi = m.hi[o];
        }
    }
    /* Unit 0 normally sees something; if it does not, the first unit that does stands in. */
    ra->padding = first_lo == FV_EMPTY_LO ? 0 : -first_lo;
    fv_rat_make(first_lo == FV_EMPTY_LO ? 0 : first_lo + first_hi, 2, &ra->centre);
    ra->path_min = ra->path_max = fv_rat_int(0);
    for (uint32_t e = 0; e < ax->n_paths; e++) {
        const path_entry *p = &t->path_pool[ax->paths + e];
        int s;
        if (e == 0 || (fv_rat_cmp(p->rmin, ra->path_min, &s) && s < 0))
            ra->path_min = p->rmin;
        if (e == 0 || (fv_rat_cmp(p->rmax, ra->path_max, &s) && s > 0))
            ra->path_max = p->rmax;
    }
    if (!t->maps)
        return;
    ra->map_size = t->maps[node].size[a];
    ra->centre_unit = (ra->map_size - 1) / 2;
    int64_t lo, hi;
    int64_t image = t->maps[fv_graph_input_node(t->graph)].size[a];
    if (fv_rf_map_eval(&m, ra->centre_unit, &lo, &hi) == FV_RF_OK && !fv_rf_entry_empty(lo, hi)) {
        /* RF pixels minus those inside [0, image - 1] */
        int64_t first = lo > 0 ? lo : 0, last = hi < image - 1 ? hi : image - 1;
        ra->outside = (hi - lo + 1) - (last >= first ? last - first + 1 : 0);
    }
}

void fv_trf_get(const fv_trf *t, int32_t node, fv_rf *rf)
{
    const node_rf *r = &t->nodes[node];
    memset(rf, 0, sizeof *rf);
    rf->whole_input = r->whole;
    rf->global_context = r->global_context;
    rf->merge = r->merge;
    rf->aligned = r->aligned;
    rf->diverging = r->diverging;
    rf->assumed_identity = r->assumed;
    for (int a = 0; a < FV_AXES; a++) {
        rf->offset[a] = r->merge && !r->aligned ? r->offset[a] : fv_rat_int(0);
        if (!r->whole)
            fill_axis(t, node, a, &rf->axis[a], &rf->sees_nothing);
    }
}

fv_status fv_trf_unit(const fv_trf *t, int32_t node, int a, int64_t index, fv_interval *out,
                      fv_diag *diag)
{
    if (a < 0 || a >= FV_AXES)
        return fv_diag_set(diag, FV_ERR_USAGE, "axis %d is not 0 (y) or 1 (x)", a);
    if (t->nodes[node].whole)
        return fv_diag_node(diag, t->graph, node, FV_ERR_USAGE,
                            "every unit sees the whole input; there is no box to give");
    fv_rf_map m = node_map(t, node, a);
    int64_t lo, hi;
    if (fv_rf_map_eval(&m, index, &lo, &hi) != FV_RF_OK)
        return map_error(t, node, a, FV_RF_OVERFLOW, diag);
    out->empty = fv_rf_entry_empty(lo, hi);
    out->first = out->empty ? 0 : lo;
    out->last = out->empty ? -1 : hi;
    return FV_OK;
}
