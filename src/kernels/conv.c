/* Convolution and transposed convolution through oneDNN: forward
 * inference and backward data, no weight gradients.
 *
 * fovea keeps every window in nhwc, which oneDNN's AVX2/AVX-512 kernels
 * read and write as they are: only the weights are reordered, once, into
 * the layout each primitive picks. A consumer may read only part of its
 * input window (another consumer of the same node needs more); that part
 * (the view) is copied row by row into a dense buffer, and its gradient is
 * added back the same way. Primitives and weights are made once per node. */
#include <dnnl.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "graph_private.h"
#include "kernels.h"

struct fv_conv_plan {
    int use_ref;               /* geometry oneDNN cannot express, or no input pixel read */
    fv_kwin k;
    fv_box in, out;
    float *w, *bias;           /* copies for the reference path */
    int transposed;
    size_t bytes;
    /* oneDNN */
    dnnl_engine_t engine;
    dnnl_stream_t stream;
    dnnl_primitive_t fwd, bwd;
    dnnl_primitive_desc_t fpd, bpd;
    dnnl_memory_desc_t w_user;
    dnnl_memory_t w_fwd, w_bwd, b_mem, src, dst, ddst, dsrc;
    size_t view_offset;        /* first value of the input view in the window */
    int64_t view_h, view_w;
    int cropped;               /* the view is smaller than the input window */
    float *src_buf;            /* the view, dense, when cropped */
    float *dsrc_buf;           /* diff_src of the view, added into dx */
};

static fv_status refused(fv_diag *diag, const char *what, dnnl_status_t s)
{
    return fv_diag_set(diag, s == dnnl_out_of_memory ? FV_ERR_NOMEM : FV_ERR_UNSUPPORTED,
                       "oneDNN refused %s (status %d)", what, (int)s);
}

#define TRY(call, what)                                                                        \
    do {                                                                                       \
        dnnl_status_t s_ = (call);                                                             \
        if (s_ != dnnl_success)                                                                \
            return refused(diag, what, s_);                                                    \
    } while (0)

/* Where the input view starts and how far it reaches, per axis, and the
 * oneDNN padding that goes with it. Returns 0 when oneDNN cannot do it. */
static int view_axis(const fv_kwin *k, int a, int transposed, int64_t in0, int64_t in_n,
                     int64_t out0, int64_t out_n, int64_t *vb, int64_t *vn, int64_t *pl,
                     int64_t *pr)
{
    int64_t s = k->s[a], ext = (k->k[a] - 1) * k->d[a] + 1;
    if (!transposed) {
        int64_t A = out0 * s - k->pad[a] - in0, B = (out0 + out_n - 1) * s - k->pad[a] + ext - 1 - in0;
        int64_t b = A > 0 ? A : 0, e = B < in_n - 1 ? B : in_n - 1;
        if (e < b)
            return 0;
        *vb = b;
        *vn = e - b + 1;
        *pl = b - A;
        *pr = B - e;
        return 1;
    }
    /* inputs i with an output i*s - pad + t*d inside the window */
    int64_t num = out0 + k->pad[a] - (ext - 1);
    int64_t first = num >= 0 ? (num + s - 1) / s : -((-num) / s);
    int64_t last_num = out0 + out_n - 1 + k->pad[a];
    int64_t last = last_num >= 0 ? last_num / s : -((-last_num + s - 1) / s);
    int64_t b = first - in0 > 0 ? first - in0 : 0, e = last - in0 < in_n - 1 ? last - in0 : in_n - 1;
    if (e < b)
        return 0;
    *vb = b;
    *vn = e - b + 1;
    *pl = out0 + k->pad[a] - (in0 + b) * s;
    *pr = (*vn - 1) * s + ext - *pl - out_n;
    return *pl >= 0 && *pr >= 0;
}

/* Reorders the weights (ONNX layout, described by `user_md`) into the
 * layout primitive `pd` wants, into a memory the plan owns. */
static fv_status weights_make(fv_conv_plan *p, const_dnnl_primitive_desc_t pd,
                              const dnnl_memory_desc_t *user_md, const float *w, dnnl_memory_t *out,
                              fv_diag *diag)
{
    const dnnl_memory_desc_t *want = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    dnnl_memory_t user;
    TRY(dnnl_memory_create(&user, user_md, p->engine, (void *)w), "a memory");
    dnnl_status_t s = dnnl_memory_create(out, want, p->engine, DNNL_MEMORY_ALLOCATE);
    dnnl_primitive_desc_t rpd = NULL;
    dnnl_primitive_t r = NULL;
    if (s == dnnl_success)
        s = dnnl_reorder_primitive_desc_create(&rpd, user_md, p->engine, want, p->engine, NULL);
    if (s == dnnl_success)
        s = dnnl_primitive_create(&r, rpd);
    if (s == dnnl_success) {
        dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, user}, {DNNL_ARG_TO, *out}};
        s = dnnl_primitive_execute(r, p->stream, 2, args);
        if (s == dnnl_success)
            s = dnnl_stream_wait(p->stream);
    }
    if (r)
        dnnl_primitive_destroy(r);
    if (rpd)
        dnnl_primitive_desc_destroy(rpd);
    dnnl_memory_destroy(user);
    TRY(s, "the weight reorder");
    p->bytes += dnnl_memory_desc_get_size(want);
    return FV_OK;
}

static fv_status make_primitives(fv_conv_plan *p, const fv_conv_weights *cw, const int64_t vb[2],
                                 const int64_t pl[2], const int64_t pr[2], fv_diag *diag)
{
    const fv_kwin *k = &p->k;
    const fv_box *in = &p->in, *out = &p->out;
    int64_t G = k->groups;
    TRY(dnnl_engine_create(&p->engine, dnnl_cpu, 0), "an engine");
    TRY(dnnl_stream_create(&p->stream, p->engine, dnnl_stream_default_flags), "a stream");

    dnnl_memory_desc_t src_md, dst_md, b_md, any_w;
    dnnl_memory_desc_t *w_user = &p->w_user;
    dnnl_dims_t src_dims = {1, in->c, p->view_h, p->view_w};
    dnnl_dims_t dst_dims = {1, out->c, out->h, out->w};
    TRY(dnnl_memory_desc_init_by_tag(&src_md, 4, src_dims, dnnl_f32, dnnl_nhwc), "a tensor");
    TRY(dnnl_memory_desc_init_by_tag(&dst_md, 4, dst_dims, dnnl_f32, dnnl_nhwc), "a tensor");
    dnnl_dims_t b_dims = {out->c};
    TRY(dnnl_memory_desc_init_by_tag(&b_md, 1, b_dims, dnnl_f32, dnnl_x), "a bias");

    /* Weights: dims (G, O/G, I/G, kh, kw) as oneDNN counts them, strides
     * of the ONNX layout. */
    int64_t Og = out->c / G, Ig = in->c / G, kk = k->k[0] * k->k[1];
    dnnl_dims_t wd = {G, Og, Ig, k->k[0], k->k[1]}, ws;
    if (!p->transposed) { /* (O, I/G, kh, kw) */
        ws[0] = Og * Ig * kk, ws[1] = Ig * kk, ws[2] = kk;
    } else {              /* (I, O/G, kh, kw) */
        ws[0] = Ig * Og * kk, ws[1] = kk, ws[2] = Og * kk;
    }
    ws[3] = k->k[1], ws[4] = 1;
    int wn = G > 1 ? 5 : 4;
    const int64_t *wdp = G > 1 ? wd : wd + 1, *wsp = G > 1 ? ws : ws + 1;
    TRY(dnnl_memory_desc_init_by_strides(w_user, wn, wdp, dnnl_f32, wsp), "a weight view");
    TRY(dnnl_memory_desc_init_by_tag(&any_w, wn, wdp, dnnl_f32, dnnl_format_tag_any), "weights");

    dnnl_dims_t strides = {k->s[0], k->s[1]}, dil = {k->d[0] - 1, k->d[1] - 1};
    dnnl_dims_t padl = {pl[0], pl[1]}, padr = {pr[0], pr[1]};
    dnnl_primitive_desc_t fpd = NULL, bpd = NULL;
    fv_status st = FV_OK;
    if (!p->transposed) {
        dnnl_convolution_desc_t fd, bd;
        TRY(dnnl_dilated_convolution_forward_desc_init(&fd, dnnl_forward_inference,
                                                       dnnl_convolution_direct, &src_md, &any_w,
                                                       &b_md, &dst_md, strides, dil, padl, padr),
            "the convolution");
        TRY(dnnl_primitive_desc_create(&fpd, &fd, NULL, p->engine, NULL), "the convolution");
        p->fpd = fpd;
        TRY(dnnl_dilated_convolution_backward_data_desc_init(&bd, dnnl_convolution_direct,
                                                             &src_md, &any_w, &dst_md, strides,
                                                             dil, padl, padr),
            "the convolution's backward pass");
        TRY(dnnl_primitive_desc_create(&bpd, &bd, NULL, p->engine, fpd),
            "the convolution's backward pass");
        p->bpd = bpd;
    } else {
        dnnl_deconvolution_desc_t fd, bd;
        TRY(dnnl_dilated_deconvolution_forward_desc_init(&fd, dnnl_forward_inference,
                                                         dnnl_deconvolution_direct, &src_md,
                                                         &any_w, &b_md, &dst_md, strides, dil,
                                                         padl, padr),
            "the transposed convolution");
        TRY(dnnl_primitive_desc_create(&fpd, &fd, NULL, p->engine, NULL),
            "the transposed convolution");
        p->fpd = fpd;
        TRY(dnnl_dilated_deconvolution_backward_data_desc_init(&bd, dnnl_deconvolution_direct,
                                                               &src_md, &any_w, &dst_md,
                                                               strides, dil, padl, padr),
            "the transposed convolution's backward pass");
        TRY(dnnl_primitive_desc_create(&bpd, &bd, NULL, p->engine, fpd),
            "the transposed convolution's backward pass");
        p->bpd = bpd;
    }
    dnnl_status_t s = dnnl_primitive_create(&p->fwd, fpd);
    if (s == dnnl_success)
        s = dnnl_primitive_create(&p->bwd, bpd);
    if (s != dnnl_success)
        st = refused(diag, "a convolution primitive", s);
    if (st == FV_OK)
        st = weights_make(p, fpd, w_user, cw->w, &p->w_fwd, diag);
    if (st == FV_OK)
        st = weights_make(p, bpd, w_user, cw->w, &p->w_bwd, diag);
    dnnl_memory_t *mems[4] = {&p->src, &p->dst, &p->ddst, &p->dsrc};
    const dnnl_memory_desc_t *mds[4] = {&src_md, &dst_md, &dst_md, &src_md};
    for (int m = 0; m < 4 && st == FV_OK; m++) {
        s = dnnl_memory_create(mems[m], mds[m], p->engine, DNNL_MEMORY_NONE);
        if (s != dnnl_success)
            st = refused(diag, "a memory", s);
    }
    if (st == FV_OK) {
        s = dnnl_memory_create(&p->b_mem, &b_md, p->engine, p->bias);
        if (s != dnnl_success)
            st = refused(diag, "a memory", s);
    }
    (void)vb;
    return st;
}

fv_status fv_conv_plan_create(const fv_kwin *k, const fv_conv_weights *cw, const fv_box *in,
                              const fv_box *out, fv_conv_plan **plan, fv_diag *diag)
{
    *plan = NULL;
    fv_conv_plan *p = calloc(1, sizeof *p);
    if (!p)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    p->k = *k;
    p->in = *in;
    p->out = *out;
    p->transposed = cw->transposed;
    size_t nw = (size_t)(out->c * (in->c / k->groups) * k->k[0] * k->k[1]);
    p->w = malloc(nw * sizeof *p->w);
    p->bias = calloc((size_t)out->c, sizeof *p->bias);
    if (!p->w || !p->bias) {
        fv_conv_plan_free(p);
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    }
    memcpy(p->w, cw->w, nw * sizeof *p->w);
    if (cw->bias)
        memcpy(p->bias, cw->bias, (size_t)out->c * sizeof *p->bias);
    p->bytes = sizeof *p + (nw + (size_t)out->c) * sizeof(float);

    int64_t vb[2], vn[2], pl[2], pr[2];
    int ok = 1;
    for (int a = 0; a < FV_AXES; a++)
        ok &= view_axis(k, a, cw->transposed, a ? in->x0 : in->y0, a ? in->w : in->h,
                        a ? out->x0 : out->y0, a ? out->w : out->h, &vb[a], &vn[a], &pl[a], &pr[a]);
    if (!ok) {
        p->use_ref = 1;
        *plan = p;
        return FV_OK;
    }
    p->view_offset = fv_at(in, 0, vb[0], vb[1]);
    p->view_h = vn[0];
    p->view_w = vn[1];
    p->cropped = vn[0] != in->h || vn[1] != in->w;
    size_t view = (size_t)(in->c * vn[0] * vn[1]);
    p->dsrc_buf = malloc(view * sizeof *p->dsrc_buf);
    p->src_buf = p->cropped ? malloc(view * sizeof *p->src_buf) : NULL;
    fv_conv_weights own = {p->w, p->bias, p->transposed};
    fv_status st = p->dsrc_buf && (p->src_buf || !p->cropped)
                       ? make_primitives(p, &own, vb, pl, pr, diag)
                       : fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    if (st != FV_OK) {
        fv_conv_plan_free(p);
        return st;
    }
    p->bytes += (p->cropped ? 2 : 1) * view * sizeof(float);
    *plan = p;
    return FV_OK;
}

void fv_conv_plan_free(fv_conv_plan *p)
{
    if (!p)
        return;
    dnnl_memory_t mems[4] = {p->src, p->dst, p->ddst, p->dsrc};
    for (int k = 0; k < 4; k++)
        if (mems[k])
            dnnl_memory_destroy(mems[k]);
    if (p->w_fwd)
        dnnl_memory_destroy(p->w_fwd);
    if (p->w_bwd)
        dnnl_memory_destroy(p->w_bwd);
    if (p->b_mem)
        dnnl_memory_destroy(p->b_mem);
    if (p->fwd)
        dnnl_primitive_destroy(p->fwd);
    if (p->bwd)
        dnnl_primitive_destroy(p->bwd);
    if (p->fpd)
        dnnl_primitive_desc_destroy(p->fpd);
    if (p->bpd)
        dnnl_primitive_desc_destroy(p->bpd);
    if (p->stream)
        dnnl_stream_destroy(p->stream);
    if (p->engine)
        dnnl_engine_destroy(p->engine);
    free(p->dsrc_buf);
    free(p->src_buf);
    free(p->w);
    free(p->bias);
    free(p);
}

fv_status fv_conv_plan_set_weights(fv_conv_plan *p, const float *w, fv_diag *diag)
{
    size_t nw = (size_t)(p->out.c * (p->in.c / p->k.groups) * p->k.k[0] * p->k.k[1]);
    memcpy(p->w, w, nw * sizeof *p->w);
    if (p->use_ref)
        return FV_OK;
    dnnl_memory_destroy(p->w_fwd);
    dnnl_memory_destroy(p->w_bwd);
    p->w_fwd = p->w_bwd = NULL;
    size_t bytes = p->bytes;
    fv_status st = weights_make(p, p->fpd, &p->w_user, p->w, &p->w_fwd, diag);
    if (st == FV_OK)
        st = weights_make(p, p->bpd, &p->w_user, p->w, &p->w_bwd, diag);
    p->bytes = bytes;
    return st;
}

size_t fv_conv_plan_bytes(const fv_conv_plan *p) { return p->bytes; }

void fv_conv_forward(fv_conv_plan *p, const float *x, float *y)
{
    fv_conv_weights cw = {p->w, p->bias, p->transposed};
    if (p->use_ref) {
        fv_conv_forward_ref(&p->k, &cw, &p->in, x, &p->out, y);
        return;
    }
    const float *src = x;
    if (p->cropped) { /* the view's rows, one run of w * c values each */
        size_t run = (size_t)(p->view_w * p->in.c);
        for (int64_t r = 0; r < p->view_h; r++)
            memcpy(p->src_buf + (size_t)r * run,
                   x + p->view_offset + (size_t)(r * p->in.w * p->in.c), run * sizeof *x);
        src = p->src_buf;
    }
    dnnl_memory_set_data_handle(p->src, (void *)src);
    dnnl_memory_set_data_handle(p->dst, y);
    dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, p->src},
                               {DNNL_ARG_WEIGHTS, p->w_fwd},
                               {DNNL_ARG_BIAS, p->b_mem},
                               {DNNL_ARG_DST, p->dst}};
    dnnl_primitive_execute(p->fwd, p->stream, 4, args);
    dnnl_stream_wait(p->stream);
}

void fv_conv_backward_data(fv_conv_plan *p, float *dx, const float *dy)
{
    fv_conv_weights cw = {p->w, p->bias, p->transposed};
    if (p->use_ref) {
        fv_conv_backward_data_ref(&p->k, &cw, &p->in, dx, &p->out, dy);
        return;
    }
    dnnl_memory_set_data_handle(p->ddst, (void *)dy);
    dnnl_memory_set_data_handle(p->dsrc, p->dsrc_buf);
    dnnl_exec_arg_t args[3] = {{DNNL_ARG_DIFF_DST, p->ddst},
                               {DNNL_ARG_WEIGHTS, p->w_bwd},
                               {DNNL_ARG_DIFF_SRC, p->dsrc}};
    dnnl_primitive_execute(p->bwd, p->stream, 3, args);
    dnnl_stream_wait(p->stream);
    /* The view's gradient, added into the window's, row by row. */
    size_t run = (size_t)(p->view_w * p->in.c);
    for (int64_t r = 0; r < p->view_h; r++) {
        float *row = dx + p->view_offset + (size_t)(r * p->in.w * p->in.c);
        const float *g = p->dsrc_buf + (size_t)r * run;
        for (size_t i = 0; i < run; i++)
            row[i] += g[i];
    }
}

void fv_kernels_set_threads(int threads)
{
    if (threads > 0)
        omp_set_num_threads(threads);
}
