/* Arithmetic on periodic interval maps (rf_map.h). */
#include <stdlib.h>
#include <string.h>

#include "fv_limits.h"
#include "rational.h"
#include "rf_map.h"

#define SLOTS 4

void fv_rf_scratch_free(fv_rf_scratch *s)
{
    free(s->buf);
    s->buf = NULL;
    s->cap = 0;
}

fv_rf_err fv_rf_scratch_reserve(fv_rf_scratch *s, size_t n)
{
    if (n > FV_MAX_PERIOD)
        return FV_RF_PERIOD;
    if (s->buf)
        return FV_RF_OK;
    /* Allocated once at the largest period allowed, so that tables never
     * move while maps in other slots point into them. Pages that are never
     * touched cost nothing. */
    s->buf = malloc((size_t)FV_MAX_PERIOD * 2 * SLOTS * sizeof *s->buf);
    if (!s->buf)
        return FV_RF_NOMEM;
    s->cap = FV_MAX_PERIOD;
    return FV_RF_OK;
}

int64_t *fv_rf_scratch_lo(fv_rf_scratch *s, int slot) { return s->buf + (size_t)(2 * slot) * s->cap; }
int64_t *fv_rf_scratch_hi(fv_rf_scratch *s, int slot) { return s->buf + (size_t)(2 * slot + 1) * s->cap; }

fv_rf_err fv_rf_map_eval(const fv_rf_map *m, int64_t o, int64_t *lo, int64_t *hi)
{
    int64_t q = fv_div_floor(o, m->period);
    int64_t r = o - q * m->period;
    int64_t l = m->lo[r], h = m->hi[r];
    if (fv_rf_entry_empty(l, h)) {
        *lo = FV_EMPTY_LO;
        *hi = FV_EMPTY_HI;
        return FV_RF_OK;
    }
    int64_t shift;
    if (__builtin_mul_overflow(q, m->advance, &shift) || __builtin_add_overflow(l, shift, lo) ||
        __builtin_add_overflow(h, shift, hi))
        return FV_RF_OVERFLOW;
    return FV_RF_OK;
}

/* The period of g-after-f: f advances Df units of g per Lf units; after
 * L = Lf * Lg / gcd(Df, Lg) units both tables are back in phase. */
static fv_rf_err composed_period(const fv_rf_map *f, const fv_rf_map *g, int64_t *period,
                                 int64_t *advance)
{
    int64_t gd = fv_gcd(f->advance, g->period);
    int64_t reps = g->period / (gd ? gd : 1); /* periods of f per common period */
    if (f->advance == 0)
        reps = 1;
    int64_t L, units, A;
    if (__builtin_mul_overflow(f->period, reps, &L) || L > FV_MAX_PERIOD)
        return FV_RF_PERIOD;
    if (__builtin_mul_overflow(reps, f->advance, &units))
        return FV_RF_OVERFLOW;
    /* units is a multiple of g's period, so g advances units / Lg periods. */
    if (__builtin_mul_overflow(units / g->period, g->advance, &A))
        return FV_RF_OVERFLOW;
    *period = L;
    *advance = A;
    return FV_RF_OK;
}

/* Folds g's unit j into the hull [*lo, *hi]; empty units add nothing. */
static fv_rf_err fold(const fv_rf_map *g, int64_t j, int64_t *lo, int64_t *hi)
{
    int64_t l, h;
    fv_rf_err err = fv_rf_map_eval(g, j, &l, &h);
    if (err == FV_RF_OK && !fv_rf_entry_empty(l, h)) {
        if (l < *lo)
            *lo = l;
        if (h > *hi)
            *hi = h;
    }
    return err;
}

fv_rf_err fv_rf_map_compose(const fv_rf_map *f, const fv_rf_map *g, fv_rf_scratch *s, int slot,
                            fv_rf_map *out)
{
    int64_t L, A;
    fv_rf_err err = composed_period(f, g, &L, &A);
    if (err == FV_RF_OK)
        err = fv_rf_scratch_reserve(s, (size_t)L);
    if (err != FV_RF_OK)
        return err;
    int64_t *lo = fv_rf_scratch_lo(s, slot), *hi = fv_rf_scratch_hi(s, slot);
    int64_t step = f->step > 0 ? f->step : 1;
    /* g's hulls need not grow with the unit (an exact cubic sample reads one
     * pixel, its neighbours four; some units see nothing), so every unit f
     * reads counts. But g repeats, shifted forward, every lcm(step, Lg)
     * input units: the smallest start lies in the first `window` units read
     * and the largest end in the last `window`. */
    int64_t window = g->period / fv_gcd(step, g->period);
    for (int64_t o = 0; o < L; o++) {
        int64_t a, b;
        if ((err = fv_rf_map_eval(f, o, &a, &b)) != FV_RF_OK)
            return err;
        lo[o] = FV_EMPTY_LO;
        hi[o] = FV_EMPTY_HI;
        if (fv_rf_entry_empty(a, b))
            continue;
        int64_t count = (b - a) / step + 1;
        int64_t front = count < window ? count : window;
        int64_t back = count - front < window ? count - front : window;
        for (int64_t m = 0; m < front && err == FV_RF_OK; m++)
            err = fold(g, a + m * step, &lo[o], &hi[o]);
        for (int64_t m = count - back; m < count && err == FV_RF_OK; m++)
            err = fold(g, a + m * step, &lo[o], &hi[o]);
        if (err != FV_RF_OK)
            return err;
    }
    *out = (fv_rf_map){L, A, 1, lo, hi};
    return FV_RF_OK;
}

fv_rf_err fv_rf_map_unite(fv_rf_map *acc, const fv_rf_map *x, fv_rf_scratch *s, int slot)
{
    /* Same stride means advance/period equal as fractions. */
    int64_t p, q;
    if (__builtin_mul_overflow(acc->advance, x->period, &p) ||
        __builtin_mul_overflow(x->advance, acc->period, &q))
        return FV_RF_OVERFLOW;
    if (p != q)
        return FV_RF_STRIDES;
    int64_t g = fv_gcd(acc->period, x->period);
    int64_t L;
    if (__builtin_mul_overflow(acc->period / g, x->period, &L) || L > FV_MAX_PERIOD)
        return FV_RF_PERIOD;
    int64_t old_period = acc->period, old_advance = acc->advance;
    fv_rf_err err = fv_rf_scratch_reserve(s, (size_t)L);
    if (err != FV_RF_OK)
        return err;
    int64_t *lo = fv_rf_scratch_lo(s, slot), *hi = fv_rf_scratch_hi(s, slot);
    fv_rf_map old = {old_period, old_advance, 1, lo, hi};
    int64_t A = old_advance * (L / old_period);
    /* Extend acc in place from the top down, so no entry is read after it is overwritten. */
    for (int64_t o = L - 1; o >= 0; o--) {
        int64_t l, h;
        if ((err = fv_rf_map_eval(&old, o, &l, &h)) != FV_RF_OK)
            return err;
        lo[o] = l;
        hi[o] = h;
    }
    for (int64_t o = 0; o < L; o++) {
        int64_t l, h;
        if ((err = fv_rf_map_eval(x, o, &l, &h)) != FV_RF_OK)
            return err;
        if (l < lo[o])
            lo[o] = l;
        if (h > hi[o])
            hi[o] = h;
    }
    *acc = (fv_rf_map){L, A, 1, lo, hi};
    return FV_RF_OK;
}

static bool has_period(const fv_rf_map *m, int64_t p)
{
    if ((m->advance * p) % m->period != 0)
        return false;
    int64_t step = m->advance * p / m->period;
    for (int64_t o = 0; o + p < m->period; o++) {
        bool e1 = fv_rf_entry_empty(m->lo[o], m->hi[o]);
        bool e2 = fv_rf_entry_empty(m->lo[o + p], m->hi[o + p]);
        if (e1 != e2)
            return false;
        if (!e1 && (m->lo[o + p] != m->lo[o] + step || m->hi[o + p] != m->hi[o] + step))
            return false;
    }
    return true;
}

void fv_rf_map_reduce(fv_rf_map *m)
{
    for (int64_t p = 1; p < m->period; p++) {
        if (m->period % p != 0 || !has_period(m, p))
            continue;
        m->advance = m->advance * p / m->period;
        m->period = p;
        return;
    }
}

bool fv_rf_map_equal(const fv_rf_map *a, const fv_rf_map *b)
{
    if (a->period != b->period || a->advance != b->advance)
        return false;
    for (int64_t o = 0; o < a->period; o++)
        if (a->lo[o] != b->lo[o] || a->hi[o] != b->hi[o])
            return false;
    return true;
}
