/* Reference twins of the activations, the folded batch norm and instance
 * norm (see kernels_ref.h): each formula in double from its PyTorch
 * definition, Caffe's Power, and the channel softmax, local response
 * normalisation and L2 normalisation. */
#include <assert.h>

#include "kernel_real.h"
#include "kernels_ref.h"

static double logistic(double x) { return 1.0 / (1.0 + exp(-x)); }

/* PyTorch's Softplus(beta=1, threshold=20). */
static double soft_plus(double x) { return x > 20.0 ? x : log(1.0 + exp(x)); }

static double negative_slope(const fv_act *a, int64_t c)
{
    if (!a->slope)
        return a->p.alpha;
    return a->slope[a->n_slope == 1 ? 0 : c];
}

/* f(x) and f'(x) of channel c. At kinks f' is PyTorch's choice: 0 at a
 * relu's 0, and relu6 / hard sigmoid pass only strictly inside. */
static void act_at(const fv_act *a, int64_t c, double x, double *f, double *df)
{
    double al = a->p.alpha, be = a->p.beta;
    switch (a->op) {
    case FV_OP_RELU:
        *f = x > 0 ? x : 0, *df = x > 0;
        break;
    case FV_OP_RELU6:
        *f = fmin(fmax(x, 0), 6), *df = x > 0 && x < 6;
        break;
    case FV_OP_LEAKY_RELU:
    case FV_OP_PRELU: {
        double s = a->op == FV_OP_PRELU ? negative_slope(a, c) : al;
        *f = x > 0 ? x : s * x, *df = x > 0 ? 1 : s;
        break;
    }
    case FV_OP_ELU:
        *f = x > 0 ? x : al * (exp(x) - 1), *df = x > 0 ? 1 : al * exp(x);
        break;
    case FV_OP_SIGMOID:
        *f = logistic(x), *df = exp(-x) / ((1 + exp(-x)) * (1 + exp(-x)));
        break;
    case FV_OP_TANH:
        *f = tanh(x), *df = 1 / (cosh(x) * cosh(x));
        break;
    case FV_OP_SILU:
        *f = x * logistic(x), *df = logistic(x) + x * logistic(x) * (1 - logistic(x));
        break;
    case FV_OP_HARD_SWISH: /* x * relu6(x + 3) / 6 */
        *f = x * fmin(fmax(x + 3, 0), 6) / 6;
        *df = x < -3 ? 0 : x > 3 ? 1 : (2 * x + 3) / 6;
        break;
    case FV_OP_HARD_SIGMOID:
        *f = fmin(fmax(al * x + be, 0), 1);
        *df = al * x + be > 0 && al * x + be < 1 ? al : 0;
        break;
    case FV_OP_MISH: { /* x tanh(softplus(x)); softplus' = logistic */
        double t = tanh(soft_plus(x));
        *f = x * t, *df = t + x * (1 - t * t) * logistic(x);
        break;
    }
    case FV_OP_GELU: { /* x Phi(x) */
        double Phi = 0.5 * (1 + erf(x / sqrt(2.0)));
        double phi = exp(-x * x / 2) / sqrt(2 * 3.14159265358979323846);
        *f = x * Phi, *df = Phi + x * phi;
        break;
    }
    case FV_OP_SOFTPLUS:
        *f = soft_plus(x), *df = x > 20.0 ? 1 : logistic(x);
        break;
    default: /* identity, dropout at inference */
        *f = x, *df = 1;
        break;
    }
}

void FV_N(fv_act_forward_ref)(const fv_act *act, const fv_box *in, const fv_real *x,
                              const fv_box *out, fv_real *y)
{
    FV_REF_EACH(out, c, oy, ox) {
        double f, df;
        act_at(act, c, FV_N(fv_ref_read)(in, x, c, out->y0 + oy, out->x0 + ox), &f, &df);
        y[fv_ref_offset(out, c, oy, ox)] = (fv_real)f;
    }
}

void FV_N(fv_act_backward_ref)(const fv_act *act, const fv_box *in, const fv_real *x, fv_real *dx,
                               const fv_box *out, const fv_real *dy)
{
    FV_REF_EACH(out, c, oy, ox) {
        int64_t Y = out->y0 + oy, X = out->x0 + ox;
        double f, df;
        act_at(act, c, FV_N(fv_ref_read)(in, x, c, Y, X), &f, &df);
        dx[fv_ref_offset(in, c, Y - in->y0, X - in->x0)] +=
            (fv_real)(df * dy[fv_ref_offset(out, c, oy, ox)]);
    }
}

/* Softmax in double straight from its definition, and its Jacobian
 * dy_c/dx_k = y_c (delta_ck - y_k) applied entry by entry. The twin takes
 * the input, not the output, and recomputes y itself. */
static void softmax_at(const fv_box *in, const fv_real *x, int64_t Y, int64_t X, int64_t c,
                       double *y)
{
    assert(c <= 64); /* the callers' buffers */
    double sum = 0;
    for (int64_t k = 0; k < c; k++)
        sum += exp(FV_N(fv_ref_read)(in, x, k, Y, X));
    for (int64_t k = 0; k < c; k++)
        y[k] = exp(FV_N(fv_ref_read)(in, x, k, Y, X)) / sum;
}

void FV_N(fv_softmax_forward_ref)(const fv_box *in, const fv_real *x, const fv_box *out, fv_real *y)
{
    double p[64]; /* the tests use a few channels */
    FV_REF_EACH_PIXEL(out, oy, ox) {
        softmax_at(in, x, out->y0 + oy, out->x0 + ox, out->c, p);
        for (int64_t c = 0; c < out->c; c++)
            y[fv_ref_offset(out, c, oy, ox)] = (fv_real)p[c];
    }
}

void FV_N(fv_softmax_backward_ref)(const fv_box *in, const fv_real *x, fv_real *dx,
                                   const fv_box *out, const fv_real *dy)
{
    double p[64]; /* the tests use a few channels */
    FV_REF_EACH_PIXEL(out, oy, ox) {
        int64_t Y = out->y0 + oy, X = out->x0 + ox;
        softmax_at(in, x, Y, X, out->c, p);
        for (int64_t k = 0; k < out->c; k++) {
            double g = 0;
            for (int64_t c = 0; c < out->c; c++)
                g += dy[fv_ref_offset(out, c, oy, ox)] * p[c] * ((c == k) - p[k]);
            dx[fv_ref_offset(in, k, Y - in->y0, X - in->x0)] += (fv_real)g;
        }
    }
}

/* LRN from ONNX's definition: channel k is in the window of channel c
 * when c - floor((size - 1) / 2) <= k <= c + ceil((size - 1) / 2), and
 * y_c = x_c (bias + alpha / size * sum_window x_k^2)^-beta. The backward
 * twin applies the Jacobian entry by entry:
 * dy_c/dx_k = [c = k] s_c^-beta - beta x_c s_c^(-beta-1) alpha / size 2 x_k [k in window(c)]. */
static int lrn_in_window(const fv_lrn *p, int64_t c, int64_t k)
{
    double half = (double)(p->size - 1) / 2;
    return (double)k >= (double)c - floor(half) && (double)k <= (double)c + ceil(half);
}

static double lrn_scale(const fv_lrn *p, const fv_box *in, const fv_real *x, int64_t channels,
                        int64_t c, int64_t Y, int64_t X)
{
    double sum = 0;
    for (int64_t k = 0; k < channels; k++)
        if (lrn_in_window(p, c, k))
            sum += pow(FV_N(fv_ref_read)(in, x, k, Y, X), 2);
    return p->bias + p->alpha / (double)p->size * sum;
}

void FV_N(fv_lrn_forward_ref)(const fv_lrn *p, const fv_box *in, const fv_real *x,
                              const fv_box *out, fv_real *y)
{
    FV_REF_EACH(out, c, oy, ox) {
        int64_t Y = out->y0 + oy, X = out->x0 + ox;
        double s = lrn_scale(p, in, x, out->c, c, Y, X);
        y[fv_ref_offset(out, c, oy, ox)] =
            (fv_real)(FV_N(fv_ref_read)(in, x, c, Y, X) / pow(s, p->beta));
    }
}

void FV_N(fv_lrn_backward_ref)(const fv_lrn *p, const fv_box *in, const fv_real *x, fv_real *dx,
                               const fv_box *out, const fv_real *dy)
{
    FV_REF_EACH(out, k, oy, ox) {
        int64_t Y = out->y0 + oy, X = out->x0 + ox;
        double xk = FV_N(fv_ref_read)(in, x, k, Y, X), g = 0;
        for (int64_t c = 0; c < out->c; c++) {
            double s = lrn_scale(p, in, x, out->c, c, Y, X);
            double xc = FV_N(fv_ref_read)(in, x, c, Y, X);
            double d = (c == k) / pow(s, p->beta);
            if (lrn_in_window(p, c, k))
                d -= p->beta * xc * pow(s, -p->beta - 1) * p->alpha / (double)p->size * 2 * xk;
            g += dy[fv_ref_offset(out, c, oy, ox)] * d;
        }
        dx[fv_ref_offset(in, k, Y - in->y0, X - in->x0)] += (fv_real)g;
    }
}

/* L2 normalisation from Caffe-SSD's definition, y_c = scale x_c / n with
 * n = (eps + sum over all channels of x_k^2)^(1/2); the backward twin
 * applies the Jacobian entry by entry:
 * dy_c/dx_k = scale ([c = k] / n - x_c x_k / n^3). */
static double normalize_norm(const fv_normalize *p, const fv_box *in, const fv_real *x,
                             int64_t channels, int64_t Y, int64_t X)
{
    double sum = p->eps;
    for (int64_t k = 0; k < channels; k++)
        sum += pow(FV_N(fv_ref_read)(in, x, k, Y, X), 2);
    return pow(sum, 0.5);
}

void FV_N(fv_normalize_forward_ref)(const fv_normalize *p, const fv_box *in, const fv_real *x,
                                    const fv_box *out, fv_real *y)
{
    FV_REF_EACH(out, c, oy, ox) {
        int64_t Y = out->y0 + oy, X = out->x0 + ox;
        double n = normalize_norm(p, in, x, out->c, Y, X);
        y[fv_ref_offset(out, c, oy, ox)] =
            (fv_real)(p->scale * FV_N(fv_ref_read)(in, x, c, Y, X) / n);
    }
}

void FV_N(fv_normalize_backward_ref)(const fv_normalize *p, const fv_box *in, const fv_real *x,
                                     fv_real *dx, const fv_box *out, const fv_real *dy)
{
    FV_REF_EACH(out, k, oy, ox) {
        int64_t Y = out->y0 + oy, X = out->x0 + ox;
        double n = normalize_norm(p, in, x, out->c, Y, X), g = 0;
        double xk = FV_N(fv_ref_read)(in, x, k, Y, X);
        for (int64_t c = 0; c < out->c; c++) {
            double xc = FV_N(fv_ref_read)(in, x, c, Y, X);
            double d = p->scale * ((c == k) / n - xc * xk / pow(n, 3));
            g += dy[fv_ref_offset(out, c, oy, ox)] * d;
        }
        dx[fv_ref_offset(in, k, Y - in->y0, X - in->x0)] += (fv_real)g;
    }
}

/* Caffe's Power from its definition, every power through pow: y =
 * (shift + scale x)^power, dy/dx = power scale (shift + scale x)^(power - 1),
 * 0 where power scale is 0, as in Caffe's PowerLayer::Backward_cpu. */
void FV_N(fv_power_forward_ref)(const fv_power *p, const fv_box *in, const fv_real *x,
                                const fv_box *out, fv_real *y)
{
    FV_REF_EACH(out, c, oy, ox) {
        double v = FV_N(fv_ref_read)(in, x, c, out->y0 + oy, out->x0 + ox);
        y[fv_ref_offset(out, c, oy, ox)] = (fv_real)pow(p->shift + p->scale * v, p->power);
    }
}

void FV_N(fv_power_backward_ref)(const fv_power *p, const fv_box *in, const fv_real *x,
                                 fv_real *dx, const fv_box *out, const fv_real *dy)
{
    FV_REF_EACH(out, c, oy, ox) {
        int64_t Y = out->y0 + oy, X = out->x0 + ox;
        double v = FV_N(fv_ref_read)(in, x, c, Y, X), d = 0;
        if (p->power * p->scale != 0)
            d = p->power * p->scale * pow(p->shift + p->scale * v, p->power - 1);
        dx[fv_ref_offset(in, c, Y - in->y0, X - in->x0)] +=
            (fv_real)(d * dy[fv_ref_offset(out, c, oy, ox)]);
    }
}

void FV_N(fv_affine_forward_ref)(const fv_real *scale, const fv_real *shift, const fv_box *in,
                                 const fv_real *x, const fv_box *out, fv_real *y)
{
    FV_REF_EACH(out, c, oy, ox)
    y[fv_ref_offset(out, c, oy, ox)] =
        (fv_real)((double)scale[c] * FV_N(fv_ref_read)(in, x, c, out->y0 + oy, out->x0 + ox) +
                  shift[c]);
}

void FV_N(fv_affine_backward_ref)(const fv_real *scale, const fv_box *in, fv_real *dx,
                                  const fv_box *out, const fv_real *dy)
{
    FV_REF_EACH(out, c, oy, ox)
    dx[fv_ref_offset(in, c, out->y0 + oy - in->y0, out->x0 + ox - in->x0)] +=
        (fv_real)((double)scale[c] * dy[fv_ref_offset(out, c, oy, ox)]);
}

/* Instance norm from its definition: channel c's mean and biased variance
 * over every pixel of the map, read through fv_ref_read, so that an input
 * window short of the map reads NaN. */
static void channel_moments(const fv_box *in, const fv_real *x, int64_t c, double eps,
                            double *mean, double *sigma)
{
    double n = (double)(in->map_h * in->map_w), s = 0, v = 0;
    for (int64_t Y = 0; Y < in->map_h; Y++)
        for (int64_t X = 0; X < in->map_w; X++)
            s += FV_N(fv_ref_read)(in, x, c, Y, X);
    *mean = s / n;
    for (int64_t Y = 0; Y < in->map_h; Y++)
        for (int64_t X = 0; X < in->map_w; X++) {
            double d = FV_N(fv_ref_read)(in, x, c, Y, X) - *mean;
            v += d * d;
        }
    *sigma = sqrt(v / n + eps);
}

void FV_N(fv_instance_norm_forward_ref)(const fv_real *scale, const fv_real *shift, double eps,
                                        const fv_box *in, const fv_real *x, const fv_box *out,
                                        fv_real *y)
{
    for (int64_t c = 0; c < out->c; c++) {
        double mean, sigma;
        channel_moments(in, x, c, eps, &mean, &sigma);
        FV_REF_EACH_PIXEL(out, oy, ox) {
            double v = FV_N(fv_ref_read)(in, x, c, out->y0 + oy, out->x0 + ox);
            y[fv_ref_offset(out, c, oy, ox)] = (fv_real)(scale[c] * (v - mean) / sigma + shift[c]);
        }
    }
}

/* Every (output p, input q) pair of a channel, through the Jacobian
 * dy_p / dx_q = scale / sigma (delta_pq - 1 / N - xhat_p xhat_q / N). */
void FV_N(fv_instance_norm_backward_ref)(const fv_real *scale, double eps, const fv_box *in,
                                         const fv_real *x, fv_real *dx, const fv_box *out,
                                         const fv_real *dy)
{
    double n = (double)(in->map_h * in->map_w);
    for (int64_t c = 0; c < in->c; c++) {
        double mean, sigma;
        channel_moments(in, x, c, eps, &mean, &sigma);
        FV_REF_EACH_PIXEL(in, iy, ix) {
            int64_t Y = in->y0 + iy, X = in->x0 + ix;
            double xq = (FV_N(fv_ref_read)(in, x, c, Y, X) - mean) / sigma, g = 0;
            FV_REF_EACH_PIXEL(out, oy, ox) {
                int64_t P = out->y0 + oy, Q = out->x0 + ox;
                double xp = (FV_N(fv_ref_read)(in, x, c, P, Q) - mean) / sigma;
                double d = (P == Y && Q == X) - 1 / n - xp * xq / n;
                g += dy[fv_ref_offset(out, c, oy, ox)] * scale[c] / sigma * d;
            }
            dx[fv_ref_offset(in, c, iy, ix)] += (fv_real)g;
        }
    }
}
