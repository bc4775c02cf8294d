/* Exact rationals with 64-bit parts. Every operation reports overflow
 * instead of wrapping: a result is either exact or an error. */
#ifndef FV_RATIONAL_H
#define FV_RATIONAL_H

#include <stdbool.h>
#include <stdint.h>

#include "fovea.h"

static inline int64_t fv_gcd(int64_t a, int64_t b)
{
    if (a < 0)
        a = -a;
    if (b < 0)
        b = -b;
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static inline int64_t fv_div_floor(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return q - ((a % b != 0) && ((a < 0) != (b < 0)));
}

static inline int64_t fv_mod_floor(int64_t a, int64_t b) { return a - fv_div_floor(a, b) * b; }

/* Lowest terms with a positive denominator. False on overflow (INT64_MIN). */
static inline bool fv_rat_make(int64_t num, int64_t den, fv_rational *out)
{
    if (den == 0 || num == INT64_MIN || den == INT64_MIN)
        return false;
    if (den < 0) {
        num = -num;
        den = -den;
    }
    int64_t g = fv_gcd(num, den);
    if (g == 0)
        g = 1;
    *out = (fv_rational){num / g, den / g};
    return true;
}

static inline bool fv_rat_mul(fv_rational a, fv_rational b, fv_rational *out)
{
    /* Almost every stride and RF is whole: skip Euclid then. */
    if (a.den == 1 && b.den == 1) {
        out->den = 1;
        return !__builtin_mul_overflow(a.num, b.num, &out->num);
    }
    /* Cross-cancel first so that exact results that fit are not lost. */
    int64_t g1 = fv_gcd(a.num, b.den), g2 = fv_gcd(b.num, a.den);
    if (g1 == 0)
        g1 = 1;
    if (g2 == 0)
        g2 = 1;
    int64_t n, d;
    if (__builtin_mul_overflow(a.num / g1, b.num / g2, &n) ||
        __builtin_mul_overflow(a.den / g2, b.den / g1, &d))
        return false;
    return fv_rat_make(n, d, out);
}

static inline bool fv_rat_add(fv_rational a, fv_rational b, fv_rational *out)
{
    if (a.den == 1 && b.den == 1) {
        out->den = 1;
        return !__builtin_add_overflow(a.num, b.num, &out->num);
    }
    int64_t g = fv_gcd(a.den, b.den);
    int64_t l, x, y, n;
    if (__builtin_mul_overflow(a.den / g, b.den, &l) ||
        __builtin_mul_overflow(a.num, l / a.den, &x) ||
        __builtin_mul_overflow(b.num, l / b.den, &y) || __builtin_add_overflow(x, y, &n))
        return false;
    return fv_rat_make(n, l, out);
}

/* Sign of a - b; both in lowest terms with small enough parts (checked). */
static inline bool fv_rat_cmp(fv_rational a, fv_rational b, int *sign)
{
    int64_t x, y;
    if (__builtin_mul_overflow(a.num, b.den, &x) || __builtin_mul_overflow(b.num, a.den, &y))
        return false;
    *sign = (x > y) - (x < y);
    return true;
}

static inline fv_rational fv_rat_int(int64_t v) { return (fv_rational){v, 1}; }

#endif
