/* The walks the pointwise kernels share: each pixel of out's window with
 * the same map pixel of in's window (in's window holds out's), element by
 * element or a pixel's channels at a time. */
#ifndef FV_POINTWISE_WALK_H
#define FV_POINTWISE_WALK_H

#include "kernels.h"

/* BODY sees c (channel), i (index in in), o (index in out). in and out
 * have the same channels, so a row of a window is one run of w * c values. */
#define POINTWISE_WALK(in, out, BODY)                                                          \
    _Pragma("omp parallel for schedule(static)")                                               \
    for (int64_t y_ = 0; y_ < (out)->h; y_++) {                                                \
        size_t o = fv_at(out, 0, y_, 0);                                                       \
        size_t i = fv_at(in, 0, y_ + (out)->y0 - (in)->y0, (out)->x0 - (in)->x0);              \
        for (int64_t x_ = 0; x_ < (out)->w; x_++)                                              \
            for (int64_t c = 0; c < (out)->c; c++, o++, i++) {                                 \
                BODY;                                                                          \
            }                                                                                  \
    }

/* For kernels across a pixel's channels (softmax, LRN, L2 normalisation):
 * the body sees i and o, the offsets of the pixel's channel 0 in in and in
 * out; pixels run in parallel. */
#define PIXEL_WALK(in, out, ...)                                                               \
    _Pragma("omp parallel for schedule(static)")                                               \
    for (int64_t y_ = 0; y_ < (out)->h; y_++)                                                  \
        for (int64_t x_ = 0; x_ < (out)->w; x_++) {                                            \
            size_t i = fv_at(in, 0, y_ + (out)->y0 - (in)->y0, x_ + (out)->x0 - (in)->x0);     \
            size_t o = fv_at(out, 0, y_, x_);                                                  \
            __VA_ARGS__                                                                        \
        }

#endif
