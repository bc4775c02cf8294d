/* Property test: for thousands of random graphs, every node's analytic
 * receptive field (fv_trf_*) equals what the brute-force oracle finds by
 * pushing index sets through each op (tests/support/rf_oracle.c), unit by
 * unit, on both axes, over three periods and then some.
 *
 * Reproduce one graph with FOVEA_ORACLE_SEED=<seed> FOVEA_ORACLE_GRAPHS=1;
 * FOVEA_ORACLE_GRAPHS=<n> changes how many graphs run (default 10000). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_print.h"
#include "random_graph.h"
#include "rf_oracle.h"

#define DEFAULT_GRAPHS 10000
#define MAX_TESTED_PERIOD 1024 /* beyond this a node's units are not all checked */
#define MAX_REPORTS 100000         /* graphs printed in full when they disagree */

/* What kinds of disagreement were seen, with a count and the first seed. */
enum {
    K_REFUSED, K_UNIT_STATUS, K_UNIT, K_WHOLE, K_GLOBAL_CONTEXT, K_SIZE_MIN, K_SIZE_MAX,
    K_STRIDE, K_PADDING, K_CENTRE, K_SEES_NOTHING, K_MERGE, K_ALIGNED, K_DIVERGING, K_OFFSET,
    K_CENTRE_UNIT, K_OUTSIDE, K_ORACLE, K_COUNT
};
static const char *const kind_name[K_COUNT] = {
    "trf refused the graph", "fv_trf_unit failed", "unit interval", "whole_input",
    "global_context", "size_min", "size_max", "stride", "padding", "centre", "sees_nothing",
    "merge", "aligned", "diverging", "offset", "centre_unit", "outside", "oracle failed"};

typedef struct tally {
    long graphs, nodes, units, whole_nodes, merges, unaligned, skipped_nodes, skipped_graphs;
    long count[K_COUNT];
    uint64_t first_seed[K_COUNT];
    long bad_graphs, reports;
    long refused; /* unequal-stride merges, refused by design */
} tally;

/* One graph under test, with the first disagreement it shows. */
typedef struct probe {
    uint64_t seed;
    const fv_graph *g;
    int64_t hw[FV_AXES];
    fv_trf *trf;
    tally *t;
    int failed;
    char first[512];
} probe;

static void disagree(probe *p, int kind, const char *fmt, ...)
{
    va_list ap;
    if (p->t->count[kind]++ == 0)
        p->t->first_seed[kind] = p->seed;
    if (p->failed++)
        return;
    va_start(ap, fmt);
    vsnprintf(p->first, sizeof p->first, fmt, ap);
    va_end(ap);
}

static int64_t gcd64(int64_t a, int64_t b)
{
    a = a < 0 ? -a : a;
    b = b < 0 ? -b : b;
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static int rat_is(fv_rational r, int64_t num, int64_t den)
{
    if (den < 0) {
        num = -num;
        den = -den;
    }
    int64_t d = gcd64(num, den);
    if (d > 1) {
        num /= d;
        den /= d;
    }
    return r.num == num && r.den == den;
}

/* The oracle's hulls of units [0, count) of one node on one axis. */
typedef struct table {
    rf_oracle_hull *h;
    int64_t count;
} table;

static int all_whole(const table *tb)
{
    for (int64_t o = 0; o < tb->count; o++)
        if (!tb->h[o].whole)
            return 0;
    return 1;
}

static int all_empty(const table *tb)
{
    for (int64_t o = 0; o < tb->count; o++)
        if (!tb->h[o].empty)
            return 0;
    return 1;
}

/* Every unit sees the whole input through a global op and no pixel besides.
 * A unit's pixels are the product of its two axes' sets, so one axis that
 * is empty everywhere empties them all. */
static int whole_everywhere(const table tb[FV_AXES])
{
    return all_whole(&tb[0]) && all_whole(&tb[1]) && (all_empty(&tb[0]) || all_empty(&tb[1]));
}

static int any_whole(const table *tb)
{
    for (int64_t o = 0; o < tb->count; o++)
        if (tb->h[o].whole)
            return 1;
    return 0;
}

/* Doubled centre, or INT64_MIN for a unit that sees nothing. */
static int64_t centre2(const rf_oracle_hull *h) { return h->empty ? INT64_MIN : h->first + h->last; }

/* The stride the oracle shows over `period` units: advance / period, or 0
 * (num) when it never has two non-empty units a period apart; -1 den when
 * the advance is not the same everywhere. */
static fv_rational oracle_stride(const table *tb, int64_t period)
{
    fv_rational s = {0, 1};
    int seen = 0;
    for (int64_t o = 0; o + period < tb->count; o++) {
        const rf_oracle_hull *a = &tb->h[o], *b = &tb->h[o + period];
        if (a->empty || b->empty)
            continue;
        int64_t adv = b->first - a->first;
        if (seen && adv != s.num)
            return (fv_rational){0, -1};
        s.num = adv;
        seen = 1;
    }
    if (!seen)
        return (fv_rational){0, 0};
    int64_t d = gcd64(s.num, period);
    return (fv_rational){s.num / (d ? d : 1), period / (d ? d : 1)};
}

/* Per-node, per-axis data gathered before the merge checks need it. */
typedef struct node_axis_data {
    table tb;
    int64_t period; /* trf's, used to pick the shift for the stride */
} node_axis_data;

static void check_units(probe *p, int32_t n, int a, const fv_rf *rf, const table *tb,
                        int *sees_nothing)
{
    const fv_rf_axis *ax = &rf->axis[a];
    char axc = a ? 'x' : 'y';
    for (int64_t o = 0; o < tb->count; o++) {
        const rf_oracle_hull *h = &tb->h[o];
        fv_interval iv;
        fv_diag diag;
        fv_diag_init(&diag);
        fv_status st = fv_trf_unit(p->trf, n, a, o, &iv, &diag);
        p->t->units++;
        if (st != FV_OK) {
            disagree(p, K_UNIT_STATUS, "node %d axis %c unit %" PRId64 ": fv_trf_unit: %s: %s", n,
                     axc, o, fv_status_str(st), diag.message);
            return;
        }
        if (iv.empty != h->empty || (!h->empty && (iv.first != h->first || iv.last != h->last))) {
            disagree(p, K_UNIT,
                     "node %d axis %c unit %" PRId64 ": trf %s[%" PRId64 ", %" PRId64
                     "], oracle %s[%" PRId64 ", %" PRId64 "]",
                     n, axc, o, iv.empty ? "empty " : "", iv.first, iv.last,
                     h->empty ? "empty " : "", h->first, h->last);
            return;
        }
    }
    int64_t period = ax->period, smin = INT64_MAX, smax = 0;
    for (int64_t o = 0; o < period; o++) {
        int64_t size = tb->h[o].empty ? 0 : tb->h[o].last - tb->h[o].first + 1;
        smin = size < smin ? size : smin;
        smax = size > smax ? size : smax;
        *sees_nothing |= tb->h[o].empty;
    }
    if (ax->size_min != smin)
        disagree(p, K_SIZE_MIN, "node %d axis %c: size_min %" PRId64 ", oracle %" PRId64, n, axc,
                 ax->size_min, smin);
    if (ax->size_max != smax)
        disagree(p, K_SIZE_MAX, "node %d axis %c: size_max %" PRId64 ", oracle %" PRId64, n, axc,
                 ax->size_max, smax);
    fv_rational s = oracle_stride(tb, period);
    if (s.den == -1 || (s.den > 0 && (ax->stride.num != s.num || ax->stride.den != s.den)))
        disagree(p, K_STRIDE,
                 "node %d axis %c: stride %" PRId64 "/%" PRId64 ", oracle %s%" PRId64 "/%" PRId64,
                 n, axc, ax->stride.num, ax->stride.den,
                 s.den == -1 ? "not periodic at that period, " : "", s.num, s.den);
    const rf_oracle_hull *h0 = &tb->h[0];
    if (!h0->empty) {
        if (ax->padding != -h0->first)
            disagree(p, K_PADDING, "node %d axis %c: padding %" PRId64 ", oracle %" PRId64, n,
                     axc, ax->padding, -h0->first);
        if (!rat_is(ax->centre, h0->first + h0->last, 2))
            disagree(p, K_CENTRE,
                     "node %d axis %c: centre %" PRId64 "/%" PRId64 ", oracle (%" PRId64
                     ")/2",
                     n, axc, ax->centre.num, ax->centre.den, h0->first + h0->last);
    }
}

/* With an input size: the middle unit and how much of it hangs outside. */
static void check_centre_unit(probe *p, int32_t n, int a, const fv_rf *rf, const rf_oracle *o,
                              const fv_feature_map *m)
{
    const fv_rf_axis *ax = &rf->axis[a];
    int64_t cu = (m->size[a] - 1) / 2;
    if (ax->map_size != m->size[a] || ax->centre_unit != cu) {
        disagree(p, K_CENTRE_UNIT,
                 "node %d axis %c: map_size %" PRId64 " centre_unit %" PRId64
                 ", shapes say %" PRId64 " and %" PRId64,
                 n, a ? 'x' : 'y', ax->map_size, ax->centre_unit, m->size[a], cu);
        return;
    }
    rf_oracle_hull h;
    if (!rf_oracle_hull_of(o, n, cu, &h) || h.empty)
        return;
    int64_t last_pixel = p->hw[a] - 1;
    int64_t out = (h.first < 0 ? -h.first : 0) + (h.last > last_pixel ? h.last - last_pixel : 0);
    if (h.first > last_pixel || h.last < 0)
        out = h.last - h.first + 1;
    if (ax->outside != out)
        disagree(p, K_OUTSIDE,
                 "node %d axis %c: outside %" PRId64 ", oracle %" PRId64 " (unit %" PRId64
                 " sees [%" PRId64 ", %" PRId64 "], image 0..%" PRId64 ")",
                 n, a ? 'x' : 'y', ax->outside, out, cu, h.first, h.last, last_pixel);
}

/* Merges: Araujo's alignment, from the oracle's tables of each input. */
static void check_merge(probe *p, int32_t n, const fv_rf *rf, node_axis_data (*data)[FV_AXES],
                        rf_oracle *const oracle[FV_AXES])
{
    const fv_graph *g = p->g;
    int32_t spatial[64];
    size_t count = 0;
    for (size_t k = 0; k < fv_graph_n_inputs(g, n) && count < 64; k++) {
        int32_t in = fv_graph_input(g, n, k);
        if (!whole_everywhere((table[]){data[in][0].tb, data[in][1].tb}))
            spatial[count++] = in;
    }
    int want_merge = count > 1;
    if (rf->merge != want_merge) {
        disagree(p, K_MERGE, "node %d: merge %d, oracle sees %zu spatial inputs", n, rf->merge,
                 count);
        return;
    }
    if (!want_merge)
        return;
    p->t->merges++;
    int32_t diverging = -1;
    for (size_t k = 1; k < count && diverging < 0; k++) {
        for (int a = 0; a < FV_AXES && diverging < 0; a++) {
            const node_axis_data *f = &data[spatial[0]][a], *x = &data[spatial[k]][a];
            /* The merge reads unit o of each input, so the oracle holds
             * every input's units over the merge's whole range. */
            int64_t span = data[n][a].tb.count;
            int same = 1;
            for (int64_t o = 0; o < span && same; o++) {
                rf_oracle_hull hf, hx;
                assert_true(rf_oracle_hull_of(oracle[a], spatial[0], o, &hf));
                assert_true(rf_oracle_hull_of(oracle[a], spatial[k], o, &hx));
                same = centre2(&hf) == centre2(&hx);
            }
            fv_rational sf = oracle_stride(&f->tb, f->period), sx = oracle_stride(&x->tb, x->period);
            same &= sf.num == sx.num && sf.den == sx.den;
            if (!same)
                diverging = spatial[k];
        }
    }
    int want_aligned = diverging < 0;
    p->t->unaligned += !want_aligned;
    if (rf->aligned != want_aligned) {
        disagree(p, K_ALIGNED, "node %d: aligned %d, oracle %d (inputs %d and %d)", n, rf->aligned,
                 want_aligned, spatial[0], diverging < 0 ? spatial[1] : diverging);
        return;
    }
    if (rf->diverging != diverging) {
        disagree(p, K_DIVERGING, "node %d: diverging %d, oracle %d", n, rf->diverging, diverging);
        return;
    }
    for (int a = 0; a < FV_AXES && diverging >= 0; a++) {
        const rf_oracle_hull *h1 = &data[spatial[0]][a].tb.h[0], *h2 = &data[diverging][a].tb.h[0];
        if (h1->empty || h2->empty)
            continue;
        int64_t diff = (h2->first + h2->last) - (h1->first + h1->last);
        if (!rat_is(rf->offset[a], diff, 2))
            disagree(p, K_OFFSET, "node %d axis %c: offset %" PRId64 "/%" PRId64 ", oracle (%" PRId64 ")/2",
                     n, a ? 'x' : 'y', rf->offset[a].num, rf->offset[a].den, diff);
    }
}

static void check_graph(uint64_t seed, tally *t)
{
    int64_t hw[FV_AXES];
    int mixed;
    fv_graph *g = rg_generate_mixed(seed, hw, &mixed);
    assert_non_null(g);
    probe p = {.seed = seed, .g = g, .hw = {hw[0], hw[1]}, .t = t};
    t->graphs++;
    fv_diag diag;
    fv_diag_init(&diag);
    fv_status st = fv_trf_compute(g, hw, &p.trf, &diag);
    size_t n = fv_graph_size(g);
    int64_t *want_hi = calloc(n, sizeof *want_hi), *want_lo = calloc(n, sizeof *want_lo);
    node_axis_data(*data)[FV_AXES] = calloc(n, sizeof *data);
    fv_rf *rfs = calloc(n, sizeof *rfs);
    rf_oracle *oracle[FV_AXES] = {NULL, NULL};
    assert_true(want_hi && want_lo && data && rfs);
    /* Branches of unequal effective stride have no periodic answer; fovea
     * refuses them by design (docs/receptive-field.md). Only graphs that may
     * hold such a merge may be refused, and only with that reason: the
     * mixed family, or an align_corners resize, whose true stride
     * (in-1)/(out-1) differs from its nominal scale. */
    for (size_t i = 0; i < fv_graph_size(g) && !mixed; i++)
        mixed = fv_graph_op(g, (int32_t)i) == FV_OP_RESIZE &&
                fv_graph_params(g, (int32_t)i)->resize.align_corners;
    if (st == FV_ERR_UNSUPPORTED && mixed && strstr(diag.message, "different effective strides")) {
        t->refused++;
        goto done;
    }
    if (st != FV_OK) {
        disagree(&p, K_REFUSED, "fv_trf_compute: %s: %s", fv_status_str(st), diag.message);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        fv_trf_get(p.trf, (int32_t)i, &rfs[i]);
    for (int a = 0; a < FV_AXES; a++) {
        for (size_t i = 0; i < n; i++) {
            int64_t period = rfs[i].whole_input ? 1 : rfs[i].axis[a].period;
            if (period < 1 || period > MAX_TESTED_PERIOD)
                period = 1; /* a wrong period still shows up in the checks below */
            want_hi[i] = 3 * period + 8;
            int64_t cu = rfs[i].axis[a].centre_unit;
            if (!rfs[i].whole_input && cu + 1 > want_hi[i] && cu < 4096)
                want_hi[i] = cu + 1;
            data[i][a].period = period;
        }
        st = rf_oracle_run(g, hw, a, want_lo, want_hi, &oracle[a], &diag);
        if (st == FV_ERR_LIMIT) {
            t->skipped_graphs++; /* too many units for brute force, not a disagreement */
            goto done;
        }
        if (st != FV_OK) {
            disagree(&p, K_ORACLE, "oracle: %s", diag.message);
            goto done;
        }
        for (size_t i = 0; i < n; i++) {
            table *tb = &data[i][a].tb;
            tb->count = 3 * data[i][a].period + 8;
            tb->h = calloc((size_t)tb->count, sizeof *tb->h);
            assert_non_null(tb->h);
            for (int64_t o = 0; o < tb->count; o++)
                assert_true(rf_oracle_hull_of(oracle[a], (int32_t)i, o, &tb->h[o]));
        }
    }
    const fv_feature_map *maps = rf_oracle_maps(oracle[0]);
    for (size_t i = 0; i < n && !p.failed; i++) {
        int32_t node = (int32_t)i;
        const fv_rf *rf = &rfs[i];
        t->nodes++;
        int whole = whole_everywhere((table[]){data[i][0].tb, data[i][1].tb});
        if (rf->whole_input != whole) {
            disagree(&p, K_WHOLE, "node %d: whole_input %d, oracle %d", node, rf->whole_input,
                     whole);
            break;
        }
        if (whole) {
            t->whole_nodes++;
            fv_interval iv;
            st = fv_trf_unit(p.trf, node, 0, 0, &iv, NULL);
            if (st != FV_ERR_USAGE)
                disagree(&p, K_UNIT_STATUS, "node %d: fv_trf_unit on a whole-input node gave %s",
                         node, fv_status_str(st));
            continue;
        }
        /* A unit reaches a global op through both of its axes at once. */
        int ctx = any_whole(&data[i][0].tb) && any_whole(&data[i][1].tb);
        if (rf->global_context != ctx)
            disagree(&p, K_GLOBAL_CONTEXT, "node %d: global_context %d, oracle %d", node,
                     rf->global_context, ctx);
        int sees_nothing = 0, skipped = 0, failed_before = p.failed;
        for (int a = 0; a < FV_AXES; a++) {
            if (rf->axis[a].period > MAX_TESTED_PERIOD) {
                t->skipped_nodes++;
                skipped = 1;
                continue;
            }
            check_units(&p, node, a, rf, &data[i][a].tb, &sees_nothing);
            check_centre_unit(&p, node, a, rf, oracle[a], &maps[i]);
        }
        /* a unit mismatch stops check_units before it scans the period */
        if (!skipped && p.failed == failed_before && rf->sees_nothing != sees_nothing)
            disagree(&p, K_SEES_NOTHING, "node %d: sees_nothing %d, oracle %d", node,
                     rf->sees_nothing, sees_nothing);
        if (fv_graph_n_inputs(g, node) > 1)
            check_merge(&p, node, rf, data, oracle);
    }
done:
    if (p.failed) {
        t->bad_graphs++;
        if (t->reports++ < MAX_REPORTS) {
            fprintf(stderr, "seed %" PRIu64 ": %s\n", seed, p.first);
            graph_print(g, hw, stderr);
        }
    }
    for (size_t i = 0; i < n; i++)
        for (int a = 0; a < FV_AXES; a++)
            free(data[i][a].tb.h);
    free(data);
    free(rfs);
    free(want_lo);
    free(want_hi);
    rf_oracle_free(oracle[0]);
    rf_oracle_free(oracle[1]);
    fv_trf_free(p.trf);
    fv_graph_free(g);
}

static uint64_t env_u64(const char *name, uint64_t fallback)
{
    const char *s = getenv(name);
    if (!s || !*s)
        return fallback;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    return *end ? fallback : (uint64_t)v;
}

static void random_graphs_match_oracle(void **state)
{
    uint64_t first = env_u64("FOVEA_ORACLE_SEED", 1);
    uint64_t count = env_u64("FOVEA_ORACLE_GRAPHS", DEFAULT_GRAPHS);
    tally t = {0};
    for (uint64_t s = first; s < first + count; s++)
        check_graph(s, &t);
    fprintf(stderr,
            "%ld graphs, %ld nodes (%ld whole-input, %ld merges, %ld of them unaligned), %ld "
            "units compared, %ld node axes skipped for their period, %ld graphs too large for "
            "the oracle, %ld refused for unequal-stride merges; %ld graphs disagree\n",
            t.graphs, t.nodes, t.whole_nodes, t.merges, t.unaligned, t.units, t.skipped_nodes,
            t.skipped_graphs, t.refused, t.bad_graphs);
    for (int k = 0; k < K_COUNT; k++)
        if (t.count[k])
            fprintf(stderr, "  %-22s %6ld times, first at seed %" PRIu64 "\n", kind_name[k],
                    t.count[k], t.first_seed[k]);
    assert_int_equal(t.bad_graphs, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_graphs_match_oracle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
