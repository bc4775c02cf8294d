/* Periodic interval maps: the exact answer to "which input pixels does unit
 * o see?" for every o at once, in O(period) space.
 *
 * Along one axis, unit o of a node sees the input interval [lo(o), hi(o)]
 * (the hull of the pixels it depends on). Every op fovea knows maps output
 * to input indices monotonically and periodically: after `period` output
 * units the pattern repeats, shifted by `advance` input pixels. Compositions
 * and unions of such maps are again such maps, so one table of `period`
 * entries plus `advance` describes a node exactly; its effective stride is
 * advance / period. Plain convolution chains have period 1; transposed convs
 * and upsampling make the period the number of distinct phases. */
#ifndef FV_RF_MAP_H
#define FV_RF_MAP_H

#include <stdbool.h>
#include <stdint.h>

#include "fovea.h"

/* An entry that sees nothing: lo > hi. */
#define FV_EMPTY_LO INT64_MAX
#define FV_EMPTY_HI INT64_MIN

typedef struct fv_rf_map {
    int64_t period;  /* >= 1 */
    int64_t advance; /* >= 0 */
    int64_t step;    /* op maps: unit o reads lo, lo + step, ..., hi (1 = every unit between) */
    int64_t *lo;     /* period entries */
    int64_t *hi;
} fv_rf_map;

static inline bool fv_rf_entry_empty(int64_t lo, int64_t hi) { return lo > hi; }

/* Scratch space for map arithmetic, grown on demand, reused across nodes. */
typedef struct fv_rf_scratch {
    int64_t *buf;
    size_t cap; /* entries per table; buf holds 4 slots of lo and hi */
} fv_rf_scratch;

void fv_rf_scratch_free(fv_rf_scratch *s);

/* Result codes of map arithmetic; the caller turns them into messages. */
typedef enum fv_rf_err {
    FV_RF_OK,
    FV_RF_OVERFLOW,    /* an index left the 64-bit range */
    FV_RF_PERIOD,      /* the period would exceed FV_MAX_PERIOD */
    FV_RF_STRIDES,     /* union of maps with different effective strides */
    FV_RF_NOMEM
} fv_rf_err;

/* Unit o's interval. Fails only on overflow. */
fv_rf_err fv_rf_map_eval(const fv_rf_map *m, int64_t o, int64_t *lo, int64_t *hi);

/* out = g after f: f maps a node's units to its input's units (each unit
 * reading exactly the progression lo, lo + f->step, ..., hi), g maps those
 * to image pixels. out's tables live in table slot `slot` of the scratch. */
fv_rf_err fv_rf_map_compose(const fv_rf_map *f, const fv_rf_map *g, fv_rf_scratch *s, int slot,
                            fv_rf_map *out);

/* acc = acc united with x (per-unit hull). acc must live in scratch slot
 * `slot`; x anywhere else. Fails with FV_RF_STRIDES when strides differ. */
fv_rf_err fv_rf_map_unite(fv_rf_map *acc, const fv_rf_map *x, fv_rf_scratch *s, int slot);

/* Shrinks the period to the smallest one that describes the same map. */
void fv_rf_map_reduce(fv_rf_map *m);

/* Makes sure the scratch tables exist (they hold FV_MAX_PERIOD entries and
 * never move, so maps in different slots stay valid). Slots: 0..3. */
fv_rf_err fv_rf_scratch_reserve(fv_rf_scratch *s, size_t n);
int64_t *fv_rf_scratch_lo(fv_rf_scratch *s, int slot);
int64_t *fv_rf_scratch_hi(fv_rf_scratch *s, int slot);

/* True when two maps are identical (same period, advance and entries). */
bool fv_rf_map_equal(const fv_rf_map *a, const fv_rf_map *b);

#endif
