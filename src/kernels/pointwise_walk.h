/* The walk every element-wise kernel shares: each pixel of out's window
 * with the same map pixel of in's window (in's window holds out's). */
#ifndef FV_POINTWISE_WALK_H
#define FV_POINTWISE_WALK_H

#include "kernels.h"

/* BODY sees c (channel), i (index in in), o (index in out). */
#define POINTWISE_WALK(in, out, BODY)                                                          \
    for (int64_t c = 0; c < (out)->c; c++)                                                     \
        for (int64_t y_ = 0; y_ < (out)->h; y_++) {                                            \
            size_t o = (size_t)((c * (out)->h + y_) * (out)->w);                               \
            size_t i = (size_t)((c * (in)->h + y_ + (out)->y0 - (in)->y0) * (in)->w +          \
                                (out)->x0 - (in)->x0);                                         \
            for (int64_t x_ = 0; x_ < (out)->w; x_++, o++, i++) {                              \
                BODY;                                                                          \
            }                                                                                  \
        }

#endif
