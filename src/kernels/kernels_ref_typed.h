/* The typed half of kernels_ref.h: the twins, declared once per element
 * type (kernels.h's scheme; no include guard on purpose). */
/* Value of channel c at map pixel (Y, X) of window b: 0 outside the map,
 * NaN inside the map but outside the window. */
static inline double FV_D(fv_ref_read)(const fv_box *b, const FV_T *v, int64_t c, int64_t Y,
                                       int64_t X)
{
    if (Y < 0 || Y >= b->map_h || X < 0 || X >= b->map_w)
        return 0.0;
    int64_t y = Y - b->y0, x = X - b->x0;
    if (y < 0 || y >= b->h || x < 0 || x >= b->w)
        return NAN;
    return v[(y * b->w + x) * b->c + c];
}

void FV_D(fv_max_pool_forward_ref)(const fv_kwin *k, const fv_box *in, const FV_T *x,
                                   const fv_box *out, FV_T *y);
void FV_D(fv_max_pool_backward_ref)(const fv_kwin *k, const fv_box *in, const FV_T *x, FV_T *dx,
                                    const fv_box *out, const FV_T *dy);
void FV_D(fv_avg_pool_forward_ref)(const fv_kwin *k, const int64_t pad_end[FV_AXES],
                                   int include_pad, const fv_box *in, const FV_T *x,
                                   const fv_box *out, FV_T *y);
void FV_D(fv_avg_pool_backward_ref)(const fv_kwin *k, const int64_t pad_end[FV_AXES],
                                    int include_pad, const fv_box *in, FV_T *dx, const fv_box *out,
                                    const FV_T *dy);
void FV_D(fv_global_pool_forward_ref)(int is_max, const fv_box *in, const FV_T *x, FV_T *y);
void FV_D(fv_global_pool_backward_ref)(int is_max, const fv_box *in, const FV_T *x, FV_T *dx,
                                       const FV_T *dy);

void FV_D(fv_act_forward_ref)(const fv_act *act, const fv_box *in, const FV_T *x, const fv_box *out,
                              FV_T *y);
void FV_D(fv_act_backward_ref)(const fv_act *act, const fv_box *in, const FV_T *x, FV_T *dx,
                               const fv_box *out, const FV_T *dy);
void FV_D(fv_softmax_forward_ref)(const fv_box *in, const FV_T *x, const fv_box *out, FV_T *y);
void FV_D(fv_softmax_backward_ref)(const fv_box *in, const FV_T *x, FV_T *dx, const fv_box *out,
                                   const FV_T *dy);
void FV_D(fv_lrn_forward_ref)(const fv_lrn *p, const fv_box *in, const FV_T *x, const fv_box *out,
                              FV_T *y);
void FV_D(fv_lrn_backward_ref)(const fv_lrn *p, const fv_box *in, const FV_T *x, FV_T *dx,
                               const fv_box *out, const FV_T *dy);
void FV_D(fv_instance_norm_forward_ref)(const FV_T *scale, const FV_T *shift, double eps,
                                        const fv_box *in, const FV_T *x, const fv_box *out,
                                        FV_T *y);
void FV_D(fv_instance_norm_backward_ref)(const FV_T *scale, double eps, const fv_box *in,
                                         const FV_T *x, FV_T *dx, const fv_box *out,
                                         const FV_T *dy);
void FV_D(fv_normalize_forward_ref)(const fv_normalize *p, const fv_box *in, const FV_T *x,
                                    const fv_box *out, FV_T *y);
void FV_D(fv_normalize_backward_ref)(const fv_normalize *p, const fv_box *in, const FV_T *x,
                                     FV_T *dx, const fv_box *out, const FV_T *dy);
void FV_D(fv_power_forward_ref)(const fv_power *p, const fv_box *in, const FV_T *x,
                                const fv_box *out, FV_T *y);
void FV_D(fv_power_backward_ref)(const fv_power *p, const fv_box *in, const FV_T *x, FV_T *dx,
                                 const fv_box *out, const FV_T *dy);
void FV_D(fv_affine_forward_ref)(const FV_T *scale, const FV_T *shift, const fv_box *in,
                                 const FV_T *x, const fv_box *out, FV_T *y);
void FV_D(fv_affine_backward_ref)(const FV_T *scale, const fv_box *in, FV_T *dx, const fv_box *out,
                                  const FV_T *dy);

void FV_D(fv_merge_forward_ref)(fv_op op, size_t n, const fv_box *in, const FV_T *const *x,
                                const fv_box *out, FV_T *y);
void FV_D(fv_merge_backward_ref)(fv_op op, size_t n, const fv_box *in, const FV_T *const *x,
                                 FV_T *const *dx, const fv_box *out, const FV_T *dy);
void FV_D(fv_concat_forward_ref)(const fv_box *in, const FV_T *x, int64_t first, const fv_box *out,
                                 FV_T *y);
void FV_D(fv_concat_backward_ref)(const fv_box *in, FV_T *dx, int64_t first, const fv_box *out,
                                  const FV_T *dy);

void FV_D(fv_shift_forward_ref)(const int64_t start[FV_AXES], const int64_t step[FV_AXES],
                                const fv_box *in, const FV_T *x, const fv_box *out, FV_T *y);
void FV_D(fv_shift_backward_ref)(const int64_t start[FV_AXES], const int64_t step[FV_AXES],
                                 const fv_box *in, FV_T *dx, const fv_box *out, const FV_T *dy);
void FV_D(fv_resize_forward_ref)(const fv_resize *r, const fv_box *in, const FV_T *x,
                                 const fv_box *out, FV_T *y);
void FV_D(fv_resize_backward_ref)(const fv_resize *r, const fv_box *in, FV_T *dx, const fv_box *out,
                                  const FV_T *dy);
void FV_D(fv_depth_to_space_forward_ref)(const fv_block *b, const fv_box *in, const FV_T *x,
                                         const fv_box *out, FV_T *y);
void FV_D(fv_depth_to_space_backward_ref)(const fv_block *b, const fv_box *in, FV_T *dx,
                                          const fv_box *out, const FV_T *dy);
void FV_D(fv_space_to_depth_forward_ref)(const fv_block *b, const fv_box *in, const FV_T *x,
                                         const fv_box *out, FV_T *y);
void FV_D(fv_space_to_depth_backward_ref)(const fv_block *b, const fv_box *in, FV_T *dx,
                                          const fv_box *out, const FV_T *dy);
