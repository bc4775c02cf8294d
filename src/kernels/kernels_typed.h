/* The typed half of kernels.h: every plain-C kernel, declared once per
 * element type. kernels.h includes this file twice, with FV_T float
 * and FV_D(name) name, then with double and name##_f64; there is no
 * include guard on purpose. Shapes and conventions are kernels.h's. */
/* ---------------------------------------------------------- convolution */

/* Plain loops, the twin the oneDNN kernels are checked against.
 * x: in (h, w, c), y: out (h, w, c). */
void FV_D(fv_conv_forward_ref)(const fv_kwin *k, const fv_conv_weights *cw, const fv_box *in,
                               const FV_T *x, const fv_box *out, FV_T *y);
void FV_D(fv_conv_backward_data_ref)(const fv_kwin *k, const fv_conv_weights *cw, const fv_box *in,
                                     FV_T *dx, const fv_box *out, const FV_T *dy);

/* Convolution and transposed convolution in plain C (conv_direct.c):
 * the float64 engine's, since oneDNN has no float64 CPU kernels. The plan
 * repacks the float32 weights once per direction; forward overwrites y
 * (bias first), backward-data accumulates into dx. */
typedef struct FV_D(fv_direct_conv) FV_D(fv_direct_conv);
fv_status FV_D(fv_direct_conv_create)(const fv_kwin *k, const fv_conv_weights *cw, const fv_box *in,
                                      const fv_box *out, FV_D(fv_direct_conv) * *plan,
                                      fv_diag *diag);
void FV_D(fv_direct_conv_free)(FV_D(fv_direct_conv) * plan);
/* Replaces the weights (same shape): random weights redrawn per sample. */
void FV_D(fv_direct_conv_set_weights)(FV_D(fv_direct_conv) * plan, const float *w);
/* Limits the plan to the baseline tile (0), the AVX2 one (1) or the
 * AVX-512 one (2), so that tests run each build the processor has;
 * returns the level the plan now uses. */
int FV_D(fv_direct_conv_limit_tile)(FV_D(fv_direct_conv) * plan, int level);
/* Bytes a plan for this geometry holds, for the memory estimate. */
size_t FV_D(fv_direct_conv_bytes)(const fv_kwin *k, const fv_box *in, const fv_box *out);
void FV_D(fv_direct_conv_forward)(const FV_D(fv_direct_conv) * plan, const FV_T *x, FV_T *y);
void FV_D(fv_direct_conv_backward_data)(const FV_D(fv_direct_conv) * plan, FV_T *dx,
                                        const FV_T *dy);

/* -------------------------------------------------------------- pooling */

/* Max pool: padding never wins; the gradient goes to the first maximum
 * in row-major window order, as PyTorch does. */
void FV_D(fv_max_pool_forward)(const fv_kwin *k, const fv_box *in, const FV_T *x, const fv_box *out,
                               FV_T *y);
void FV_D(fv_max_pool_backward)(const fv_kwin *k, const fv_box *in, const FV_T *x, FV_T *dx,
                                const fv_box *out, const FV_T *dy);

/* Average pool: with count_include_pad the divisor is the window's size
 * clipped to the padded map (end padding `pad_end`), else the pixels
 * inside the map. */
void FV_D(fv_avg_pool_forward)(const fv_kwin *k, const int64_t pad_end[FV_AXES], int include_pad,
                               const fv_box *in, const FV_T *x, const fv_box *out, FV_T *y);
void FV_D(fv_avg_pool_backward)(const fv_kwin *k, const int64_t pad_end[FV_AXES], int include_pad,
                                const fv_box *in, FV_T *dx, const fv_box *out, const FV_T *dy);

/* Global pools: the input window is the whole map; out is (c, 1, 1). */
void FV_D(fv_global_pool_forward)(int is_max, const fv_box *in, const FV_T *x, FV_T *y);
void FV_D(fv_global_pool_backward)(int is_max, const fv_box *in, const FV_T *x, FV_T *dx,
                                   const FV_T *dy);

/* ------------------------------------------------------------ pointwise */

void FV_D(fv_act_forward)(const fv_act *act, const fv_box *in, const FV_T *x, const fv_box *out,
                          FV_T *y);
void FV_D(fv_act_backward)(const fv_act *act, const fv_box *in, const FV_T *x, FV_T *dx,
                           const fv_box *out, const FV_T *dy);

/* Softmax over the channels of each pixel (softmax.c). Backward reads the
 * forward's output y, over out's window. */
void FV_D(fv_softmax_forward)(const fv_box *in, const FV_T *x, const fv_box *out, FV_T *y);
void FV_D(fv_softmax_backward)(const fv_box *in, FV_T *dx, const fv_box *out, const FV_T *y,
                               const FV_T *dy);

/* Local response normalisation across the channels of each pixel
 * (lrn.c): y_c = x_c / (bias + alpha / size * sum of x_k^2)^beta over
 * channels c - (size - 1) / 2 .. c + size / 2. Backward reads the input x. */
void FV_D(fv_lrn_forward)(const fv_lrn *p, const fv_box *in, const FV_T *x, const fv_box *out,
                          FV_T *y);
void FV_D(fv_lrn_backward)(const fv_lrn *p, const fv_box *in, const FV_T *x, FV_T *dx,
                           const fv_box *out, const FV_T *dy);
/* Instance normalisation (instance_norm.c): per channel, y = scale[c]
 * (x - mean) / sqrt(var + eps) + shift[c], mean and biased variance over
 * the whole map, which is in's window; out's window is any part of it.
 * stats: 4 c doubles the caller owns; forward leaves the means and the
 * 1 / sigma of the channels in the first 2 c, and backward, which must
 * follow it, reads them and works in the rest. */
void FV_D(fv_instance_norm_forward)(const FV_T *scale, const FV_T *shift, double eps,
                                    double *stats, const fv_box *in, const FV_T *x,
                                    const fv_box *out, FV_T *y);
void FV_D(fv_instance_norm_backward)(const FV_T *scale, double *stats, const fv_box *in,
                                     const FV_T *x, FV_T *dx, const fv_box *out, const FV_T *dy);

/* L2 normalisation of each pixel's channels (normalize.c):
 * y_c = scale x_c / sqrt(eps + sum of x_k^2). Backward reads the input x. */
void FV_D(fv_normalize_forward)(const fv_normalize *p, const fv_box *in, const FV_T *x,
                                const fv_box *out, FV_T *y);
void FV_D(fv_normalize_backward)(const fv_normalize *p, const fv_box *in, const FV_T *x, FV_T *dx,
                                 const fv_box *out, const FV_T *dy);

/* Caffe's Power (power.c): y = (shift + scale x)^power, element by
 * element. Backward reads the input x. */
void FV_D(fv_power_forward)(const fv_power *p, const fv_box *in, const FV_T *x, const fv_box *out,
                            FV_T *y);
void FV_D(fv_power_backward)(const fv_power *p, const fv_box *in, const FV_T *x, FV_T *dx,
                             const fv_box *out, const FV_T *dy);

/* y = x * scale[c] + shift[c]: batch norm in eval mode, folded. */
void FV_D(fv_affine_forward)(const FV_T *scale, const FV_T *shift, const fv_box *in, const FV_T *x,
                             const fv_box *out, FV_T *y);
void FV_D(fv_affine_backward)(const FV_T *scale, const fv_box *in, FV_T *dx, const fv_box *out,
                              const FV_T *dy);

/* ------------------------------------------------------------- merging */

/* Element-wise add, mul or max of n inputs. An input whose map is 1x1
 * while out's is not is broadcast over the map per channel (SE scaling);
 * one with a single channel is broadcast over channels. Max routes the
 * gradient to the first input holding the maximum. */
void FV_D(fv_merge_forward)(fv_op op, size_t n, const fv_box *in, const FV_T *const *x,
                            const fv_box *out, FV_T *y);
/* x: the inputs' values (mul and max need them). */
void FV_D(fv_merge_backward)(fv_op op, size_t n, const fv_box *in, const FV_T *const *x,
                             FV_T *const *dx, const fv_box *out, const FV_T *dy);

/* Concatenation along channels: input k lands at channel `first` = the
 * sum of the earlier inputs' channels. */
void FV_D(fv_concat_forward)(const fv_box *in, const FV_T *x, int64_t first, const fv_box *out,
                             FV_T *y);
void FV_D(fv_concat_backward)(const fv_box *in, FV_T *dx, int64_t first, const fv_box *out,
                              const FV_T *dy);

/* ----------------------------------------------------------- resampling */

/* Output pixel o along an axis reads input pixel start + o * step (zero
 * outside the map): pad (start = -begin, step 1) and slice. */
void FV_D(fv_shift_forward)(const int64_t start[FV_AXES], const int64_t step[FV_AXES],
                            const fv_box *in, const FV_T *x, const fv_box *out, FV_T *y);
void FV_D(fv_shift_backward)(const int64_t start[FV_AXES], const int64_t step[FV_AXES],
                             const fv_box *in, FV_T *dx, const fv_box *out, const FV_T *dy);

/* Resize, nearest (source floor(o * den / num)), linear (half-pixel or
 * aligned corners, source clamped to the map as PyTorch does) or cubic. */
void FV_D(fv_resize_forward)(const fv_resize *r, const fv_box *in, const FV_T *x, const fv_box *out,
                             FV_T *y);
void FV_D(fv_resize_backward)(const fv_resize *r, const fv_box *in, FV_T *dx, const fv_box *out,
                              const FV_T *dy);
/* Cubic resize (Keys with the resize's a, pixels past the border read as
 * the border or, with exclude_outside, left out); the two above hand cubic
 * resizes to these. */
void FV_D(fv_resize_cubic_forward)(const fv_resize *r, const fv_box *in, const FV_T *x,
                                   const fv_box *out, FV_T *y);
void FV_D(fv_resize_cubic_backward)(const fv_resize *r, const fv_box *in, FV_T *dx,
                                    const fv_box *out, const FV_T *dy);

/* Depth to space (out channel c at block offset (by, bx) reads in channel
 * (by * b + bx) * C + c in DCR order, c * b * b + by * b + bx in CRD) and
 * its inverse, space to depth, in the same order. */
void FV_D(fv_depth_to_space_forward)(const fv_block *b, const fv_box *in, const FV_T *x,
                                     const fv_box *out, FV_T *y);
void FV_D(fv_depth_to_space_backward)(const fv_block *b, const fv_box *in, FV_T *dx,
                                      const fv_box *out, const FV_T *dy);
void FV_D(fv_space_to_depth_forward)(const fv_block *b, const fv_box *in, const FV_T *x,
                                     const fv_box *out, FV_T *y);
void FV_D(fv_space_to_depth_backward)(const fv_block *b, const fv_box *in, FV_T *dx,
                                      const fv_box *out, const FV_T *dy);

/* -------------------------------------------------------------- scaling */

/* Powers of two (pow2.c): the engine's scaled buffers hold stored values
 * times 2^e. Exact but for values pushed past either end of the range. */
double FV_D(fv_max_abs)(size_t n, const FV_T *x);
void FV_D(fv_scale_pow2)(size_t n, FV_T *x, int shift);
void FV_D(fv_copy_pow2)(size_t n, const FV_T *x, int shift, FV_T *y);
