/* Activations: value and derivative at x, element by element. Derivatives
 * at kinks follow PyTorch (relu'(0) = 0, relu6 and hard_sigmoid pass the
 * gradient only strictly inside their linear range). */
#include "kernel_real.h"
#include "pointwise_walk.h"

#ifndef FV_KERNEL_F64 /* untyped: compiled once */
int fv_act_supported(fv_op op)
{
    switch (op) {
    case FV_OP_IDENTITY:
    case FV_OP_DROPOUT:
    case FV_OP_RELU:
    case FV_OP_RELU6:
    case FV_OP_LEAKY_RELU:
    case FV_OP_PRELU:
    case FV_OP_ELU:
    case FV_OP_SIGMOID:
    case FV_OP_TANH:
    case FV_OP_SILU:
    case FV_OP_HARD_SWISH:
    case FV_OP_HARD_SIGMOID:
    case FV_OP_MISH:
    case FV_OP_GELU:
    case FV_OP_SOFTPLUS:
        return 1;
    default:
        return 0;
    }
}
#endif

static fv_real sigmoid(fv_real x) { return 1 / (1 + exp(-x)); }

/* PyTorch's softplus with threshold 20: linear above it. */
static fv_real softplus(fv_real x) { return x > 20 ? x : log1p(exp(x)); }

static fv_real slope_of(const fv_act *a, int64_t c)
{
    if (a->slope)
        return a->slope[a->n_slope == 1 ? 0 : c];
    return (fv_real)a->p.alpha;
}

static fv_real value(const fv_act *a, int64_t c, fv_real x)
{
    fv_real al = (fv_real)a->p.alpha, be = (fv_real)a->p.beta;
    switch (a->op) {
    case FV_OP_RELU:
        return x > 0 ? x : 0;
    case FV_OP_RELU6:
        return x <= 0 ? 0 : x >= 6 ? 6 : x;
    case FV_OP_LEAKY_RELU:
        return x > 0 ? x : al * x;
    case FV_OP_PRELU:
        return x > 0 ? x : slope_of(a, c) * x;
    case FV_OP_ELU:
        return x > 0 ? x : al * expm1(x);
    case FV_OP_SIGMOID:
        return sigmoid(x);
    case FV_OP_TANH:
        return tanh(x);
    case FV_OP_SILU:
        return x * sigmoid(x);
    case FV_OP_HARD_SWISH:
        return x <= -3 ? 0 : x >= 3 ? x : x * (x + 3) / 6;
    case FV_OP_HARD_SIGMOID: {
        fv_real v = al * x + be;
        return v <= 0 ? 0 : v >= 1 ? 1 : v;
    }
    case FV_OP_MISH:
        return x * tanh(softplus(x));
    case FV_OP_GELU:
        return FV_R(0.5) * x * (1 + erf(x * FV_R(0.70710678118654752)));
    case FV_OP_SOFTPLUS:
        return softplus(x);
    default:
        return x;
    }
}

static fv_real derivative(const fv_act *a, int64_t c, fv_real x)
{
    fv_real al = (fv_real)a->p.alpha, be = (fv_real)a->p.beta;
    switch (a->op) {
    case FV_OP_RELU:
        return x > 0 ? 1 : 0;
    case FV_OP_RELU6:
        return x > 0 && x < 6 ? 1 : 0;
    case FV_OP_LEAKY_RELU:
        return x > 0 ? 1 : al;
    case FV_OP_PRELU:
        return x > 0 ? 1 : slope_of(a, c);
    case FV_OP_ELU:
        return x > 0 ? 1 : al * exp(x);
    case FV_OP_SIGMOID: {
        fv_real s = sigmoid(x);
        return s * (1 - s);
    }
    case FV_OP_TANH: {
        fv_real t = tanh(x);
        return 1 - t * t;
    }
    case FV_OP_SILU: {
        fv_real s = sigmoid(x);
        return s * (1 + x * (1 - s));
    }
    case FV_OP_HARD_SWISH:
        return x < -3 ? 0 : x <= 3 ? x / 3 + FV_R(0.5) : 1;
    case FV_OP_HARD_SIGMOID: {
        fv_real v = al * x + be;
        return v > 0 && v < 1 ? al : 0;
    }
    case FV_OP_MISH: {
        fv_real t = tanh(softplus(x));
        return t + x * (1 - t * t) * sigmoid(x);
    }
    case FV_OP_GELU: {
        fv_real cdf = FV_R(0.5) * (1 + erf(x * FV_R(0.70710678118654752)));
        fv_real pdf = exp(-FV_R(0.5) * x * x) * FV_R(0.3989422804014327);
        return cdf + x * pdf;
    }
    case FV_OP_SOFTPLUS:
        return x > 20 ? 1 : sigmoid(x);
    default:
        return 1;
    }
}

/* ReLU and identity, the ops of nearly every network, get loops the
 * compiler vectorises; the others go through value() and derivative(). */
void FV_N(fv_act_forward)(const fv_act *act, const fv_box *in, const fv_real *x, const fv_box *out,
                          fv_real *y)
{
    switch (act->op) {
    case FV_OP_RELU:
        POINTWISE_WALK(in, out, y[o] = x[i] > 0 ? x[i] : 0);
        break;
    case FV_OP_IDENTITY:
    case FV_OP_DROPOUT:
        POINTWISE_WALK(in, out, y[o] = x[i]);
        break;
    default:
        POINTWISE_WALK(in, out, y[o] = value(act, c, x[i]));
        break;
    }
}

void FV_N(fv_act_backward)(const fv_act *act, const fv_box *in, const fv_real *x, fv_real *dx,
                           const fv_box *out, const fv_real *dy)
{
    switch (act->op) {
    case FV_OP_RELU:
        POINTWISE_WALK(in, out, dx[i] += x[i] > 0 ? dy[o] : 0);
        break;
    case FV_OP_IDENTITY:
    case FV_OP_DROPOUT:
        POINTWISE_WALK(in, out, dx[i] += dy[o]);
        break;
    default:
        POINTWISE_WALK(in, out, dx[i] += dy[o] * derivative(act, c, x[i]));
        break;
    }
}
