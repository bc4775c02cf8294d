/* Activations: value and derivative at x, element by element. Derivatives
 * at kinks follow PyTorch (relu'(0) = 0, relu6 and hard_sigmoid pass the
 * gradient only strictly inside their linear range). */
#include <math.h>

#include "pointwise_walk.h"

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

static float sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }

/* PyTorch's softplus with threshold 20: linear above it. */
static float softplus(float x) { return x > 20.0f ? x : log1pf(expf(x)); }

static float slope_of(const fv_act *a, int64_t c)
{
    if (a->slope)
        return a->slope[a->n_slope == 1 ? 0 : c];
    return (float)a->p.alpha;
}

static float value(const fv_act *a, int64_t c, float x)
{
    float al = (float)a->p.alpha, be = (float)a->p.beta;
    switch (a->op) {
    case FV_OP_RELU:
        return x > 0 ? x : 0.0f;
    case FV_OP_RELU6:
        return x <= 0 ? 0.0f : x >= 6 ? 6.0f : x;
    case FV_OP_LEAKY_RELU:
        return x > 0 ? x : al * x;
    case FV_OP_PRELU:
        return x > 0 ? x : slope_of(a, c) * x;
    case FV_OP_ELU:
        return x > 0 ? x : al * expm1f(x);
    case FV_OP_SIGMOID:
        return sigmoid(x);
    case FV_OP_TANH:
        return tanhf(x);
    case FV_OP_SILU:
        return x * sigmoid(x);
    case FV_OP_HARD_SWISH:
        return x <= -3 ? 0.0f : x >= 3 ? x : x * (x + 3) / 6;
    case FV_OP_HARD_SIGMOID: {
        float v = al * x + be;
        return v <= 0 ? 0.0f : v >= 1 ? 1.0f : v;
    }
    case FV_OP_MISH:
        return x * tanhf(softplus(x));
    case FV_OP_GELU:
        return 0.5f * x * (1.0f + erff(x * 0.70710678118654752f));
    case FV_OP_SOFTPLUS:
        return softplus(x);
    default:
        return x;
    }
}

static float derivative(const fv_act *a, int64_t c, float x)
{
    float al = (float)a->p.alpha, be = (float)a->p.beta;
    switch (a->op) {
    case FV_OP_RELU:
        return x > 0 ? 1.0f : 0.0f;
    case FV_OP_RELU6:
        return x > 0 && x < 6 ? 1.0f : 0.0f;
    case FV_OP_LEAKY_RELU:
        return x > 0 ? 1.0f : al;
    case FV_OP_PRELU:
        return x > 0 ? 1.0f : slope_of(a, c);
    case FV_OP_ELU:
        return x > 0 ? 1.0f : al * expf(x);
    case FV_OP_SIGMOID: {
        float s = sigmoid(x);
        return s * (1 - s);
    }
    case FV_OP_TANH: {
        float t = tanhf(x);
        return 1 - t * t;
    }
    case FV_OP_SILU: {
        float s = sigmoid(x);
        return s * (1 + x * (1 - s));
    }
    case FV_OP_HARD_SWISH:
        return x < -3 ? 0.0f : x <= 3 ? x / 3 + 0.5f : 1.0f;
    case FV_OP_HARD_SIGMOID: {
        float v = al * x + be;
        return v > 0 && v < 1 ? al : 0.0f;
    }
    case FV_OP_MISH: {
        float t = tanhf(softplus(x));
        return t + x * (1 - t * t) * sigmoid(x);
    }
    case FV_OP_GELU: {
        float cdf = 0.5f * (1.0f + erff(x * 0.70710678118654752f));
        float pdf = expf(-0.5f * x * x) * 0.3989422804014327f;
        return cdf + x * pdf;
    }
    case FV_OP_SOFTPLUS:
        return x > 20.0f ? 1.0f : sigmoid(x);
    default:
        return 1.0f;
    }
}

/* ReLU and identity, the ops of nearly every network, get loops the
 * compiler vectorises; the others go through value() and derivative(). */
void fv_act_forward(const fv_act *act, const fv_box *in, const float *x, const fv_box *out,
                    float *y)
{
    switch (act->op) {
    case FV_OP_RELU:
        POINTWISE_WALK(in, out, y[o] = x[i] > 0 ? x[i] : 0.0f);
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

void fv_act_backward(const fv_act *act, const fv_box *in, const float *x, float *dx,
                     const fv_box *out, const float *dy)
{
    switch (act->op) {
    case FV_OP_RELU:
        POINTWISE_WALK(in, out, dx[i] += x[i] > 0 ? dy[o] : 0.0f);
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
