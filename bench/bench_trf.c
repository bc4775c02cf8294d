/* bench_trf: how the theoretical receptive field scales with graph size.
 *
 * For each size: build a synthetic graph (dag_gen), validate it, and time the
 * TRF analysis without an input size and with one; best of several runs.
 * Peak memory is measured for each size in a child process of its own.
 * Prints a table, the growth ratios between consecutive sizes, and whether
 * the DESIGN.md target (1,000,000 nodes analysed in under 2 s) is met.
 *
 * Then, as a peer, the naive way (every node's RF recomputed over all its
 * ancestors) on one small graph, whose answers also cross-check fovea's.
 *
 *   bench_trf [--sizes N,N,...] [--runs R] [--seed S] [--input H[xW]] [--peer N]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dag_gen.h"
#include "fovea.h"
#include "measure.h"
#include "naive_rf.h"

#define MAX_SIZES 16
#define TARGET_NODES 1000000
#define TARGET_MS 2000.0

typedef struct options {
    size_t sizes[MAX_SIZES];
    size_t n_sizes;
    unsigned runs;       /* 0: 3 below TARGET_NODES, 1 from there on */
    uint64_t seed;
    int64_t hw[FV_AXES];
    size_t peer;         /* nodes of the peer comparison; 0 = none */
} options;

typedef struct result {
    size_t nodes, edges;
    double build_ms, check_ms, trf_ms, trf_hw_ms; /* best over the runs */
    long graph_kib, peak_kib;                     /* -1: not measured */
} result;

/* The analysis under test: one full TRF computation, result freed untimed. */
static fv_status analyse(const fv_graph *g, const int64_t *hw, double *ms, fv_diag *diag)
{
    fv_trf *trf = NULL;
    double t0 = bench_now_ms();
    fv_status st = fv_trf_compute(g, hw, &trf, diag);
    *ms = bench_now_ms() - t0;
    fv_trf_free(trf);
    return st;
}

static void fail(const char *what, fv_status st, const fv_diag *diag)
{
    fprintf(stderr, "bench_trf: %s failed: %s\n", what, fv_status_str(st));
    fv_diag_print(diag, stderr);
    exit(1);
}

/* One run of everything on a fresh graph; the times go to *r. */
static void run_once(size_t n, const options *o, result *r)
{
    fv_diag diag;
    fv_diag_init(&diag);
    fv_graph *g = NULL;
    double t0 = bench_now_ms();
    fv_status st = dag_gen(n, o->seed, &g, &diag);
    r->build_ms = bench_now_ms() - t0;
    if (st != FV_OK)
        fail("generation", st, &diag);
    t0 = bench_now_ms();
    st = fv_graph_check(g, &diag);
    r->check_ms = bench_now_ms() - t0;
    if (st != FV_OK)
        fail("fv_graph_check", st, &diag);
    if ((st = analyse(g, NULL, &r->trf_ms, &diag)) != FV_OK)
        fail("fv_trf_compute without an input size", st, &diag);
    if ((st = analyse(g, o->hw, &r->trf_hw_ms, &diag)) != FV_OK)
        fail("fv_trf_compute with an input size", st, &diag);
    r->nodes = fv_graph_size(g);
    r->edges = dag_gen_edges(g);
    fv_graph_free(g);
}

static double min_d(double a, double b) { return a < b ? a : b; }

static void time_size(size_t n, const options *o, result *best)
{
    unsigned runs = o->runs ? o->runs : n < TARGET_NODES ? 3 : 1;
    for (unsigned k = 0; k < runs; k++) {
        result r;
        run_once(n, o, &r);
        if (k == 0) {
            *best = r;
            continue;
        }
        best->build_ms = min_d(best->build_ms, r.build_ms);
        best->check_ms = min_d(best->check_ms, r.check_ms);
        best->trf_ms = min_d(best->trf_ms, r.trf_ms);
        best->trf_hw_ms = min_d(best->trf_hw_ms, r.trf_hw_ms);
    }
}

/* ----------------------------------------------------- memory, in a child */

typedef struct mem_job {
    size_t n;
    const options *o;
} mem_job;

/* out[0] = peak KiB once the graph is built and checked. */
static void mem_child(void *arg, int64_t *out, size_t n_out)
{
    const mem_job *job = arg;
    result r;
    if (job->n == 0)
        return; /* the baseline: the process with nothing allocated */
    fv_diag diag;
    fv_diag_init(&diag);
    fv_graph *g = NULL;
    fv_status st = dag_gen(job->n, job->o->seed, &g, &diag);
    if (st == FV_OK)
        st = fv_graph_check(g, &diag);
    if (st != FV_OK)
        fail("generation in the memory child", st, &diag);
    out[0] = bench_self_peak_kib();
    if ((st = analyse(g, NULL, &r.trf_ms, &diag)) != FV_OK ||
        (st = analyse(g, job->o->hw, &r.trf_hw_ms, &diag)) != FV_OK)
        fail("fv_trf_compute in the memory child", st, &diag);
    fv_graph_free(g);
}

static long measure_memory(size_t n, const options *o, long *graph_kib)
{
    mem_job job = {n, o};
    int64_t out[1];
    long peak;
    if (bench_in_child(mem_child, &job, out, 1, &peak) != 0) {
        *graph_kib = -1;
        return -1;
    }
    *graph_kib = (long)out[0];
    return peak;
}

/* ------------------------------------------------------------ arguments */

static int parse_u64(const char *s, uint64_t *v, char **end)
{
    char *e;
    if (*s < '0' || *s > '9')
        return 0;
    *v = strtoull(s, &e, 10);
    /* Accept 1e6 and friends: sizes are easier to read that way. */
    if (*e == 'e' && e[1] >= '0' && e[1] <= '9') {
        char *e2;
        unsigned long x = strtoul(e + 1, &e2, 10);
        for (; x > 0; x--)
            *v *= 10;
        e = e2;
    }
    *end = e;
    return 1;
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_trf [--sizes N,N,...] [--runs R] [--seed S] [--input H[xW]] "
                    "[--peer N]\n"
                    "  defaults: --sizes 1e4,1e5,1e6 --runs 3 (1 from 1e6 nodes) "
                    "--seed 1 --input 224x224 --peer 1e4 (0: no peer)\n");
    exit(2);
}

static void parse_args(int argc, char **argv, options *o)
{
    *o = (options){.sizes = {10000, 100000, 1000000}, .n_sizes = 3, .seed = 1, .hw = {224, 224},
                    .peer = 10000};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t v, w;
        char *end;
        if (!val)
            usage();
        i++;
        if (strcmp(arg, "--sizes") == 0) {
            o->n_sizes = 0;
            for (const char *p = val; *p; p = end + (*end == ',')) {
                if (o->n_sizes == MAX_SIZES || !parse_u64(p, &v, &end) || v < 1 ||
                    v > (1u << 24) || (*end && *end != ','))
                    usage();
                o->sizes[o->n_sizes++] = (size_t)v;
            }
            if (!o->n_sizes)
                usage();
        } else if (strcmp(arg, "--runs") == 0) {
            if (!parse_u64(val, &v, &end) || *end || v < 1 || v > 1000)
                usage();
            o->runs = (unsigned)v;
        } else if (strcmp(arg, "--seed") == 0) {
            if (!parse_u64(val, &v, &end) || *end)
                usage();
            o->seed = v;
        } else if (strcmp(arg, "--input") == 0) {
            if (!parse_u64(val, &v, &end))
                usage();
            w = v;
            if (*end == 'x' && !parse_u64(end + 1, &w, &end))
                usage();
            if (*end || v < 1 || w < 1 || v > 1000000 || w > 1000000)
                usage();
            o->hw[FV_AXIS_Y] = (int64_t)v;
            o->hw[FV_AXIS_X] = (int64_t)w;
        } else if (strcmp(arg, "--peer") == 0) {
            /* Quadratic: 1e5 already takes minutes. */
            if (!parse_u64(val, &v, &end) || *end || v > 200000)
                usage();
            o->peer = (size_t)v;
        } else {
            usage();
        }
    }
}

static double ratio(double a, double b) { return b > 0 ? a / b : 0; }

/* ----------------------------------------------------------------- peer */

/* Times the naive peer against fv_trf_compute on one graph and checks that
 * both find the same largest per-path RF wherever that is an integer. */
static void run_peer(const options *o)
{
    fv_diag diag;
    fv_diag_init(&diag);
    fv_graph *g = NULL;
    fv_trf *trf = NULL;
    fv_status st = dag_gen(o->peer, o->seed, &g, &diag);
    if (st != FV_OK)
        fail("generation for the peer", st, &diag);
    size_t n = fv_graph_size(g);
    naive_rf *naive = malloc(n * sizeof *naive);
    if (!naive)
        fail("the peer", FV_ERR_NOMEM, &diag);
    double t0 = bench_now_ms();
    if (naive_rf_all(g, naive) != 0)
        fail("the peer", FV_ERR_NOMEM, &diag);
    double naive_ms = bench_now_ms() - t0;
    t0 = bench_now_ms();
    if ((st = fv_trf_compute(g, NULL, &trf, &diag)) != FV_OK)
        fail("fv_trf_compute for the peer", st, &diag);
    double trf_ms = bench_now_ms() - t0;

    size_t compared = 0, differ = 0;
    int32_t first_diff = -1;
    for (size_t i = 0; i < n; i++) {
        fv_rf rf;
        fv_trf_get(trf, (int32_t)i, &rf);
        if (rf.whole_input != (naive[i].rmax[0] < 0)) {
            differ++;
            first_diff = first_diff < 0 ? (int32_t)i : first_diff;
            continue;
        }
        for (int a = 0; a < FV_AXES && !rf.whole_input; a++) {
            if (rf.axis[a].path_max.den != 1)
                continue;
            compared++;
            if (rf.axis[a].path_max.num != naive[i].rmax[a]) {
                differ++;
                first_diff = first_diff < 0 ? (int32_t)i : first_diff;
            }
        }
    }
    printf("\npeer: naive RF (a pass over each node's ancestors) on %zu nodes: %.1f ms, "
           "fv_trf_compute %.1f ms (%.0fx)\n",
           n, naive_ms, trf_ms, ratio(naive_ms, trf_ms));
    if (differ)
        printf("peer: largest per-path RF DIFFERS on %zu of %zu node axes (first: node %d, '%s')\n",
               differ, compared, first_diff, fv_graph_name(g, first_diff));
    else
        printf("peer: largest per-path RF agrees on all %zu node axes\n", compared);
    fv_trf_free(trf);
    free(naive);
    fv_graph_free(g);
}

/* --------------------------------------------------------------- report */

static void print_table(const result *res, size_t n, long base_kib, const options *o)
{
    char trf_hw[48];
    snprintf(trf_hw, sizeof trf_hw, "trf@%" PRId64 "x%" PRId64, o->hw[0], o->hw[1]);
    printf("%10s %10s %9s %9s %9s %11s %8s %11s %9s %9s %10s\n", "nodes", "edges", "build ms",
           "check ms", "trf ms", trf_hw, "ns/node", "ns/node@hw", "graph MiB", "peak MiB",
           "bytes/node");
    for (size_t i = 0; i < n; i++) {
        const result *r = &res[i];
        printf("%10zu %10zu %9.2f %9.2f %9.2f %11.2f %8.1f %11.1f", r->nodes, r->edges,
               r->build_ms, r->check_ms, r->trf_ms, r->trf_hw_ms, r->trf_ms * 1e6 / r->nodes,
               r->trf_hw_ms * 1e6 / r->nodes);
        if (r->peak_kib < 0)
            printf(" %9s %9s %10s\n", "failed", "failed", "-");
        else
            printf(" %9.1f %9.1f %10.0f\n", r->graph_kib / 1024.0, r->peak_kib / 1024.0,
                   (double)(r->peak_kib - base_kib) * 1024.0 / (double)r->nodes);
    }
    printf("(peak MiB is the whole process; bytes/node excludes the %.1f MiB an empty run "
           "takes)\n",
           base_kib / 1024.0);
}

static void print_growth(const result *res, size_t n, long base_kib)
{
    if (n < 2)
        return;
    printf("\ngrowth between consecutive sizes (linear = the node ratio):\n");
    printf("%-20s %7s %8s %8s %8s %9s %9s\n", "sizes", "nodes", "build", "check", "trf",
           "trf@hw", "memory");
    for (size_t i = 1; i < n; i++) {
        const result *a = &res[i - 1], *b = &res[i];
        char label[48];
        snprintf(label, sizeof label, "%zu/%zu", b->nodes, a->nodes);
        double mem = a->peak_kib < 0 || b->peak_kib < 0
                         ? 0
                         : ratio((double)(b->peak_kib - base_kib), (double)(a->peak_kib - base_kib));
        printf("%-20s %7.2f %8.2f %8.2f %8.2f %9.2f %9.2f\n", label,
               ratio((double)b->nodes, (double)a->nodes), ratio(b->build_ms, a->build_ms),
               ratio(b->check_ms, a->check_ms), ratio(b->trf_ms, a->trf_ms),
               ratio(b->trf_hw_ms, a->trf_hw_ms), mem);
    }
}

static void print_target(const result *res, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (res[i].nodes != TARGET_NODES)
            continue;
        double worst = res[i].trf_ms > res[i].trf_hw_ms ? res[i].trf_ms : res[i].trf_hw_ms;
        double total = res[i].build_ms + res[i].check_ms + worst;
        printf("\ntarget: %d nodes analysed in < %.0f ms: %s (trf %.1f ms, with input size "
               "%.1f ms; build + check + trf %.1f ms)\n",
               TARGET_NODES, TARGET_MS, worst < TARGET_MS ? "MET" : "NOT MET", res[i].trf_ms,
               res[i].trf_hw_ms, total);
        return;
    }
    printf("\ntarget: not measured (no run of exactly %d nodes)\n", TARGET_NODES);
}

int main(int argc, char **argv)
{
    options o;
    parse_args(argc, argv, &o);
#ifndef NDEBUG
    fprintf(stderr, "bench_trf: warning: built without NDEBUG; use a Release build for figures\n");
#endif
    printf("fovea %s bench_trf: seed %" PRIu64 ", input %" PRId64 "x%" PRId64 ", %s runs\n",
           FV_VERSION, o.seed, o.hw[0], o.hw[1], o.runs ? "fixed" : "best of 3 (1 from 1e6)");
    fflush(stdout);

    /* Memory first, while this process is still small: a forked child
     * inherits the parent's resident pages and would count them. */
    result res[MAX_SIZES];
    long unused, base_kib = measure_memory(0, &o, &unused);
    for (size_t i = 0; i < o.n_sizes; i++)
        res[i].peak_kib = measure_memory(o.sizes[i], &o, &res[i].graph_kib);
    for (size_t i = 0; i < o.n_sizes; i++) {
        long peak = res[i].peak_kib, graph = res[i].graph_kib;
        time_size(o.sizes[i], &o, &res[i]);
        res[i].peak_kib = peak;
        res[i].graph_kib = graph;
    }
    printf("\n");
    print_table(res, o.n_sizes, base_kib, &o);
    print_growth(res, o.n_sizes, base_kib);
    print_target(res, o.n_sizes);
    if (o.peer)
        run_peer(&o);
    return 0;
}
