/* Clocks and memory for the benchmarks: wall time, and the peak resident
 * memory of a piece of work run alone in a child process so that what one
 * size allocates never inflates the figure of another. POSIX (Linux). */
#ifndef BENCH_MEASURE_H
#define BENCH_MEASURE_H

#include <stddef.h>
#include <stdint.h>

/** Monotonic wall time in milliseconds. */
double bench_now_ms(void);

/** Peak resident memory of this process so far, in KiB. */
long bench_self_peak_kib(void);

/** Work run in a child: fills up to n_out values that travel back to the parent. */
typedef void (*bench_child_fn)(void *arg, int64_t *out, size_t n_out);

/**
 * Forks, runs fn in the child, and waits for it. On success returns 0, with
 * `out` holding the values the child filled and *peak_kib the child's peak
 * resident memory (from the kernel's rusage of that child). Returns -1 if
 * the fork failed or the child did not exit cleanly (crash, out of memory).
 */
int bench_in_child(bench_child_fn fn, void *arg, int64_t *out, size_t n_out, long *peak_kib);

#endif
