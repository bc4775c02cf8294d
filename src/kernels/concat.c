/* Concatenation along channels: one input copied into its channel range. */
#include "pointwise_walk.h"

void fv_concat_forward(const fv_box *in, const float *x, int64_t first, const fv_box *out,
                       float *y)
{
    fv_box part = *out;
    part.c = in->c;
    float *yk = y + (size_t)(first * out->h * out->w);
    POINTWISE_WALK(in, &part, yk[o] = x[i]);
}

void fv_concat_backward(const fv_box *in, float *dx, int64_t first, const fv_box *out,
                        const float *dy)
{
    fv_box part = *out;
    part.c = in->c;
    const float *dyk = dy + (size_t)(first * out->h * out->w);
    POINTWISE_WALK(in, &part, dx[i] += dyk[o]);
}
