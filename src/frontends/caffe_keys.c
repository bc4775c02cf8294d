/* Warnings for fields that caffe.proto (and the SSD fork's additions) does
 * not define: Caffe itself refuses such a file, so a misspelt kernel_szie
 * is far more likely than a field fovea may ignore. Layers are checked at
 * their top level and in the parameter messages fovea reads. */
#include <string.h>

#include "caffe.h"

/* Fields of LayerParameter (and of V1LayerParameter, for legacy `layers`)
 * other than the *_param messages, which are all accepted. */
static const char *const layer_fields[] = {
    "name", "type", "bottom", "top", "phase", "loss_weight", "param", "blobs",
    "propagate_down", "include", "exclude", "blobs_lr", "weight_decay", "loss_param",
    NULL,
};

static const struct {
    const char *message;
    const char *const *fields;
} param_fields[] = {
    {"convolution_param",
     (const char *const[]){"num_output", "bias_term", "pad", "kernel_size", "stride", "dilation",
                           "pad_h", "pad_w", "kernel_h", "kernel_w", "stride_h", "stride_w",
                           "group", "weight_filler", "bias_filler", "engine", "axis",
                           "force_nd_im2col", NULL}},
    {"pooling_param",
     (const char *const[]){"pool", "pad", "pad_h", "pad_w", "kernel_size", "kernel_h",
                           "kernel_w", "stride", "stride_h", "stride_w", "engine",
                           "global_pooling", "round_mode", "ceil_mode", NULL}},
    {"inner_product_param",
     (const char *const[]){"num_output", "bias_term", "weight_filler", "bias_filler", "axis",
                           "transpose", NULL}},
    {"eltwise_param", (const char *const[]){"operation", "coeff", "stable_prod_grad", NULL}},
    {"concat_param", (const char *const[]){"axis", "concat_dim", NULL}},
    {"slice_param", (const char *const[]){"axis", "slice_point", "slice_dim", NULL}},
    {"crop_param", (const char *const[]){"axis", "offset", NULL}},
    {"lrn_param",
     (const char *const[]){"local_size", "alpha", "beta", "norm_region", "k", "engine", NULL}},
    {"relu_param", (const char *const[]){"negative_slope", "engine", NULL}},
    {"norm_param",
     (const char *const[]){"across_spatial", "scale_filler", "channel_shared", "eps", NULL}},
    {"power_param", (const char *const[]){"power", "scale", "shift", NULL}},
    {"bias_param", (const char *const[]){"axis", "num_axes", "filler", NULL}},
    {"scale_param",
     (const char *const[]){"axis", "num_axes", "filler", "bias_term", "bias_filler", NULL}},
    {"prelu_param", (const char *const[]){"filler", "channel_shared", NULL}},
    {"elu_param", (const char *const[]){"alpha", NULL}},
    {"softmax_param", (const char *const[]){"engine", "axis", NULL}},
    {"permute_param", (const char *const[]){"order", NULL}},
    {"input_param", (const char *const[]){"shape", NULL}},
    {"prior_box_param",
     (const char *const[]){"min_size", "max_size", "aspect_ratio", "flip", "clip", "variance",
                           "img_size", "img_h", "img_w", "step", "step_h", "step_w", "offset",
                           NULL}},
};

static int listed(const char *const *names, const char *name)
{
    for (; *names; names++)
        if (strcmp(*names, name) == 0)
            return 1;
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

fv_status cf_warn_unknown_fields(cf_build *b, const cf_layer *l)
{
    for (size_t i = 0; i < l->m->n; i++) {
        const pt_field *f = &l->m->fields[i];
        if (ends_with(f->name, "_param")) {
            for (size_t k = 0; k < sizeof param_fields / sizeof param_fields[0]; k++) {
                if (strcmp(param_fields[k].message, f->name) != 0 || f->kind != PT_MESSAGE)
                    continue;
                for (size_t j = 0; j < f->msg->n; j++) {
                    const pt_field *p = &f->msg->fields[j];
                    if (!listed(param_fields[k].fields, p->name) &&
                        fv_graph_warn(b->g, "line %d: unknown field '%s' in %s of layer '%s'; ignored",
                                      p->line, p->name, f->name, l->name) != FV_OK)
                        return fv_diag_set(b->diag, FV_ERR_NOMEM, "out of memory");
                }
            }
        } else if (!listed(layer_fields, f->name) &&
                   fv_graph_warn(b->g, "line %d: unknown field '%s' in layer '%s'; ignored",
                                 f->line, f->name, l->name) != FV_OK) {
            return fv_diag_set(b->diag, FV_ERR_NOMEM, "out of memory");
        }
    }
    return FV_OK;
}
