/* Forward and backward-data kernels of the ERF engine.
 *
 * Every tensor is one image (batch 1) in NHWC float32 (channels innermost,
 * the layout oneDNN's fastest CPU convolutions read without reordering),
 * and covers a window of its node's feature map: c channels of h x w pixels
 * whose top-left pixel is (y0, x0) of a map_h x map_w map (an fv_box). Pixels outside the map
 * are the zero padding of the model. A kernel reads only pixels inside its
 * input window or outside the map; the planner makes the windows so.
 *
 * Forward kernels overwrite their output. Backward kernels accumulate
 * (+=) into the input gradient; the caller zeroes it. Plain-C kernels never
 * allocate and never fail; the oneDNN convolution has a plan made once.
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

/* Plain loops, the twin the oneDNN kernels are checked against.
 * x: in (h, w, c), y: out (h, w, c). */
void fv_conv_forward_ref(const fv_kwin *k, const fv_conv_weights *cw, const fv_box *in,
                         const float *x, const fv_box *out, float *y);
void fv_conv_backward_data_ref(const fv_kwin *k, const fv_conv_weights *cw, const fv_box *in,
                               float *dx, const fv_box *out, const float *dy);

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

/* -------------------------------------------------------------- pooling */

/* Max pool: padding never wins; the gradient goes to the first maximum
 * in row-major window order, as PyTorch does. */
void fv_max_pool_forward(const fv_kwin *k, const fv_box *in, const float *x, const fv_box *out,
                         float *y);
void fv_max_pool_backward(const fv_kwin *k, const fv_box *in, const float *x, float *dx,
                          const fv_box *out, const float *dy);

/* Average pool: with count_include_pad the divisor is the window's size
 * clipped to the padded map (end padding `pad_end`), else the pixels
 * inside the map. */
void fv_avg_pool_forward(const fv_kwin *k, const int64_t pad_end[FV_AXES], int include_pad,
                         const fv_box *in, const float *x, const fv_box *out, float *y);
void fv_avg_pool_backward(const fv_kwin *k, const int64_t pad_end[FV_AXES], int include_pad,
                          const fv_box *in, float *dx, const fv_box *out, const float *dy);

/* Global pools: the input window is the whole map; out is (c, 1, 1). */
void fv_global_pool_forward(int is_max, const fv_box *in, const float *x, float *y);
void fv_global_pool_backward(int is_max, const fv_box *in, const float *x, float *dx,
                             const float *dy);

/* ------------------------------------------------------------ pointwise */

/* Activations, element by element over out's window, reading the same
 * map pixel of in. slope: prelu's per-channel (n_slope == c) or shared
 * (n_slope == 1) slopes; other ops take their constants from p. */
typedef struct fv_act {
    fv_op op;
    fv_pointwise p;
    const float *slope;
    int64_t n_slope;
} fv_act;

/* Non-zero when fv_act_forward knows `op`. */
int fv_act_supported(fv_op op);
void fv_act_forward(const fv_act *act, const fv_box *in, const float *x, const fv_box *out,
                    float *y);
void fv_act_backward(const fv_act *act, const fv_box *in, const float *x, float *dx,
                     const fv_box *out, const float *dy);

/* Softmax over the channels of each pixel (softmax.c). Backward reads the
 * forward's output y, over out's window. */
void fv_softmax_forward(const fv_box *in, const float *x, const fv_box *out, float *y);
void fv_softmax_backward(const fv_box *in, float *dx, const fv_box *out, const float *y,
                         const float *dy);

/* y = x * scale[c] + shift[c]: batch norm in eval mode, folded. */
void fv_affine_forward(const float *scale, const float *shift, const fv_box *in, const float *x,
                       const fv_box *out, float *y);
void fv_affine_backward(const float *scale, const fv_box *in, float *dx, const fv_box *out,
                        const float *dy);

/* ------------------------------------------------------------- merging */

/* Element-wise add, mul or max of n inputs. An input whose map is 1x1
 * while out's is not is broadcast over the map per channel (SE scaling);
 * one with a single channel is broadcast over channels. Max routes the
 * gradient to the first input holding the maximum. */
void fv_merge_forward(fv_op op, size_t n, const fv_box *in, const float *const *x,
                      const fv_box *out, float *y);
/* x: the inputs' values (mul and max need them). */
void fv_merge_backward(fv_op op, size_t n, const fv_box *in, const float *const *x,
                       float *const *dx, const fv_box *out, const float *dy);

/* Concatenation along channels: input k lands at channel `first` = the
 * sum of the earlier inputs' channels. */
void fv_concat_forward(const fv_box *in, const float *x, int64_t first, const fv_box *out,
                       float *y);
void fv_concat_backward(const fv_box *in, float *dx, int64_t first, const fv_box *out,
                        const float *dy);

/* ----------------------------------------------------------- resampling */

/* Output pixel o along an axis reads input pixel start + o * step (zero
 * outside the map): pad (start = -begin, step 1) and slice. */
void fv_shift_forward(const int64_t start[FV_AXES], const int64_t step[FV_AXES],
                      const fv_box *in, const float *x, const fv_box *out, float *y);
void fv_shift_backward(const int64_t start[FV_AXES], const int64_t step[FV_AXES],
                       const fv_box *in, float *dx, const fv_box *out, const float *dy);

/* Resize, nearest (source floor(o * den / num)), linear (half-pixel or
 * aligned corners, source clamped to the map as PyTorch does) or cubic. */
void fv_resize_forward(const fv_resize *r, const fv_box *in, const float *x, const fv_box *out,
                       float *y);
void fv_resize_backward(const fv_resize *r, const fv_box *in, float *dx, const fv_box *out,
                        const float *dy);
/* Cubic resize (Keys, a = -0.75, indices clamped to the map); the two
 * above hand cubic resizes to these. */
void fv_resize_cubic_forward(const fv_resize *r, const fv_box *in, const float *x,
                             const fv_box *out, float *y);
void fv_resize_cubic_backward(const fv_resize *r, const fv_box *in, float *dx, const fv_box *out,
                              const float *dy);

/* Depth to space (ONNX DCR order: out channel c, offset (by, bx) reads
 * in channel (by * b + bx) * C + c) and its inverse, space to depth. */
void fv_depth_to_space_forward(int64_t block, const fv_box *in, const float *x,
                               const fv_box *out, float *y);
void fv_depth_to_space_backward(int64_t block, const fv_box *in, float *dx, const fv_box *out,
                                const float *dy);
void fv_space_to_depth_forward(int64_t block, const fv_box *in, const float *x,
                               const fv_box *out, float *y);
void fv_space_to_depth_backward(int64_t block, const fv_box *in, float *dx, const fv_box *out,
                                const float *dy);

#endif
