/* Random numbers that do not depend on libc: splitmix64 (Steele, Lea and
 * Flood 2014) as a counter-based hash, so that pixel (c, y, x) of sample s
 * gets the same noise whichever window is computed, and Box-Muller for
 * normal values. bench/erf_resnet50.py reproduces fv_noise_* in numpy. */
#ifndef FV_ERF_RANDOM_H
#define FV_ERF_RANDOM_H

#include <math.h>
#include <stdint.h>

#define FV_GOLDEN 0x9E3779B97F4A7C15ull

static inline uint64_t fv_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1) for counter `index` of stream `seed`. */
static inline double fv_noise_uniform(uint64_t seed, uint64_t index)
{
    return (double)(fv_mix64(seed + (index + 1) * FV_GOLDEN) >> 11) * 0x1.0p-53;
}

/* Standard normal for counter `index` (uses counters 2 index and 2 index + 1). */
static inline double fv_noise_normal(uint64_t seed, uint64_t index)
{
    double u1 = 1.0 - fv_noise_uniform(seed, 2 * index); /* (0, 1] */
    double u2 = fv_noise_uniform(seed, 2 * index + 1);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

#endif
