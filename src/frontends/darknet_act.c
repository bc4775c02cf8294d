/* Darknet's activations (get_activation and activations.h of pjreddie's and
 * AlexeyAB's darknet) as fovea's pointwise ops. Darknet compares the name
 * exactly and falls back to relu for one it does not know; fovea refuses it.
 * An activation the ERF engine has no kernel for becomes an identity node
 * marked inexact: right for receptive fields, refused for ERFs. */
#include <stdio.h>
#include <string.h>

#include "darknet_cfg.h"

static const dn_activation activations[] = {
    {"linear", FV_OP_IDENTITY, 0, 1},
    {"logistic", FV_OP_SIGMOID, 0, 1},
    {"relu", FV_OP_RELU, 0, 1},
    {"relu6", FV_OP_RELU6, 0, 1},
    {"leaky", FV_OP_LEAKY_RELU, 0.1, 1},
    /* leaky forward; only the gradient Darknet trains with is reversed */
    {"revleaky", FV_OP_LEAKY_RELU, 0.1, 1},
    {"relie", FV_OP_LEAKY_RELU, 0.01, 1},
    {"elu", FV_OP_ELU, 1, 1},
    {"tanh", FV_OP_TANH, 0, 1},
    {"swish", FV_OP_SILU, 0, 1},
    /* softplus linear above 20, as fovea's mish */
    {"mish", FV_OP_MISH, 0, 1},
    /* no kernel: selu's scales, gelu's tanh approximation, piecewise and
     * cross-channel functions */
    {"loggy", FV_OP_IDENTITY, 0, 0},
    {"selu", FV_OP_IDENTITY, 0, 0},
    {"gelu", FV_OP_IDENTITY, 0, 0},
    {"ramp", FV_OP_IDENTITY, 0, 0},
    {"plse", FV_OP_IDENTITY, 0, 0},
    {"stair", FV_OP_IDENTITY, 0, 0},
    {"hardtan", FV_OP_IDENTITY, 0, 0},
    {"lhtan", FV_OP_IDENTITY, 0, 0},
    {"hard_mish", FV_OP_IDENTITY, 0, 0},
    {"normalize_channels", FV_OP_IDENTITY, 0, 0},
    {"normalize_channels_softmax", FV_OP_IDENTITY, 0, 0},
    {"normalize_channels_softmax_maxval", FV_OP_IDENTITY, 0, 0},
};

const dn_activation *dn_activation_find(const char *name)
{
    for (size_t k = 0; k < sizeof activations / sizeof activations[0]; k++)
        if (strcmp(activations[k].name, name) == 0)
            return &activations[k];
    return NULL;
}

void dn_activation_names(char *buf, size_t size)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < sizeof activations / sizeof activations[0] && at < size; k++) {
        int n = snprintf(buf + at, size - at, "%s%s", k ? ", " : "", activations[k].name);
        if (n < 0)
            break;
        at += (size_t)n;
    }
}
