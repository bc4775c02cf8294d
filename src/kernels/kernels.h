/* Forward and backward-data kernels of the ERF engine.
 *
 * Every tensor is one image (batch 1) in NHWC (channels innermost,
 * the layout oneDNN's fastest CPU convolutions read without reordering),
 * and covers a window of its node's feature map: c channels of h x w pixels
 * whose top-left pixel is (y0, x0) of a map_h x map_w map (an fv_box). Pixels outside the map
 * are the zero padding of the model. A kernel reads only pixels inside its
 * input window or outside the map; the planner makes the windows so.
 *
 * Forward kernels overwrite their output. Backward kernels accumulate
 * (+=) into the input gradient; the caller zeroes it. Plain-C kernels never
 * allocate and never fail; the oneDNN convolution has a plan made once.
 *
 * The plain-C kernels come in two element types: float32, the fast path
 * beside oneDNN's float32 convolutions, and float64 (names ending in _f64,
 * the same source compiled again; see kernel_real.h), in which the engine
 * runs when a map must not depend on float32 rounding. kernels_typed.h
 * declares them once per type.
 */
#ifndef FV_KERNELS_H
#define FV_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "fovea.h"

typedef struct fv_box {
    int64_t c, h, w;
    int64_t y0, x0;
    int64_t map_h, map_w;
} fv_box;

static inline size_t fv_box_size(const fv_box *b) { return (size_t)(b->c * b->h * b->w); }

/* Index of channel c at window pixel (y, x): NHWC. */
static inline size_t fv_at(const fv_box *b, int64_t c, int64_t y, int64_t x)
{
    return (size_t)((y * b->w + x) * b->c + c);
}

/* Geometry of a conv or pool along y and x: kernel, stride, dilation and
 * the begin padding after SAME rules are resolved; groups for convs. */
typedef struct fv_kwin {
    int64_t k[FV_AXES], s[FV_AXES], d[FV_AXES], pad[FV_AXES];
    int64_t groups;
} fv_kwin;

/* ---------------------------------------------------------- convolution */

/* Weights in the ONNX layout: conv (out, in/groups, kh, kw), transposed
 * conv (in, out/groups, kh, kw). bias: out values or NULL. */
typedef struct fv_conv_weights {
    const float *w;
    const float *bias;
    int transposed;
} fv_conv_weights;

/* oneDNN primitives for one node's windows, made once and run per sample. */
typedef struct fv_conv_plan fv_conv_plan;

/* Creates the forward-inference and backward-data primitives (and the
 * reorders between fovea's nchw windows and oneDNN's preferred layouts).
 * Copies the weights. FV_ERR_UNSUPPORTED when oneDNN refuses. */
fv_status fv_conv_plan_create(const fv_kwin *k, const fv_conv_weights *cw, const fv_box *in,
                              const fv_box *out, fv_conv_plan **plan, fv_diag *diag);
void fv_conv_plan_free(fv_conv_plan *plan);
/* Replaces the weights (same shape): random weights redrawn per sample. */
fv_status fv_conv_plan_set_weights(fv_conv_plan *plan, const float *w, fv_diag *diag);
/* Bytes the plan holds (weights, scratch), for the memory estimate. */
size_t fv_conv_plan_bytes(const fv_conv_plan *plan);
void fv_conv_forward(fv_conv_plan *plan, const float *x, float *y);
void fv_conv_backward_data(fv_conv_plan *plan, float *dx, const float *dy);

/* Sets the thread count of oneDNN's OpenMP runtime (0 leaves it). */
void fv_kernels_set_threads(int threads);

/* Activations, element by element over out's window, reading the same
 * map pixel of in. slope: prelu's per-channel (n_slope == c) or shared
 * (n_slope == 1) slopes, as the model stores them (float32 in either
 * element type); other ops take their constants from p. */
typedef struct fv_act {
    fv_op op;
    fv_pointwise p;
    const float *slope;
    int64_t n_slope;
} fv_act;

/* Non-zero when fv_act_forward knows `op`. */
int fv_act_supported(fv_op op);

#define FV_T float
#define FV_D(name) name
#include "kernels_typed.h"
#undef FV_T
#undef FV_D
#define FV_T double
#define FV_D(name) name##_f64
#include "kernels_typed.h"
#undef FV_T
#undef FV_D

#endif
