/* Warnings for keys that Darknet does not read in a section. Darknet itself
 * ignores them silently, so a misspelt `strde=2` would change the network
 * without a word; fovea names it. The lists are the keys Darknet's parser
 * (pjreddie's and AlexeyAB's) reads per section, whether or not they change
 * the geometry. */
#include <string.h>

#include "darknet_cfg.h"

/* Keys that Darknet's parse_network_cfg reads for every layer. */
static const char *const any_layer[] = {
    "batch_normalize", "stopbackward", "dontload", "dontloadscales",
    "learning_rate", "onlyforward", "dont_update", "burnin_update", "train_only_bn", "smooth",
    "train", NULL,
};

static const char *const net_keys[] = {
    "batch", "subdivisions", "width", "height", "channels", "inputs", "max_crop", "min_crop",
    "max_ratio", "min_ratio", "center", "clip", "angle", "aspect", "saturation", "exposure",
    "hue", "flip", "blur", "gaussian_noise", "mixup", "cutmix", "mosaic", "mosaic_bound",
    "letter_box", "contrastive", "contrastive_jit_flip", "contrastive_color", "unsupervised",
    "label_smooth_eps", "resize_step", "attention", "adversarial_lr", "max_chart_loss",
    "track", "time_steps", "augment_speed", "sequential_subdivisions",
    "init_sequential_subdivisions", "try_fix_nan", "loss_scale", "dynamic_minibatch",
    "optimized_memory", "workspace_size_limit_MB", "adam", "B1", "B2", "eps", "notruth",
    "random", "momentum", "decay", "learning_rate", "learning_rate_min",
    "sgdr_cycle", "sgdr_mult", "burn_in", "max_batches", "policy", "step", "steps", "scales",
    "scale", "gamma", "power", "cost_type", "seq_scales", "num_steps", NULL,
};

static const char *const conv_keys[] = {
    "filters", "size", "stride", "stride_x", "stride_y", "pad", "padding", "dilation", "groups",
    "binary", "xnor", "bin_output", "flipped", "dot", "antialiasing", "assisted_excitation",
    "share_index", "sway", "rotate", "stretch", "stretch_sway", "deform", "coordconv", "cbn",
    "activation", NULL,
};

static const char *const pool_keys[] = {
    "size", "stride", "stride_x", "stride_y", "padding", "maxpool_depth", "out_channels",
    "antialiasing", NULL,
};

static const char *const yolo_keys[] = {
    "mask", "anchors", "classes", "num", "jitter", "ignore_thresh", "truth_thresh", "random",
    "max", "max_delta", "counters_per_class", "label_smooth_eps", "scale_x_y",
    "objectness_smooth", "new_coords", "iou_normalizer", "obj_normalizer", "cls_normalizer",
    "delta_normalizer", "iou_loss", "iou_thresh_kind", "beta_nms", "nms_kind", "iou_thresh",
    "focal_loss", "resize", "map", "embedding_layer", "track_history_size", "sim_thresh",
    "dets_for_track", "dets_for_show", "track_ciou_norm", "show_details", "uc_normalizer",
    NULL,
};

static const char *const region_keys[] = {
    "anchors", "biases", "classes", "coords", "num", "softmax", "jitter", "rescore", "thresh",
    "object_scale", "noobject_scale", "class_scale", "coord_scale", "bias_match", "absolute",
    "random", "log", "sqrt", "tree", "map", "focal_loss", "max", "classfix", NULL,
};

static const struct {
    const char *section;
    const char *const *keys;
} section_keys[] = {
    {"net", net_keys},
    {"network", net_keys},
    {"convolutional", conv_keys},
    {"conv", conv_keys},
    {"maxpool", pool_keys},
    {"max", pool_keys},
    {"local_avgpool", pool_keys},
    {"local_avg", pool_keys},
    {"avgpool", (const char *const[]){NULL}},
    {"avg", (const char *const[]){NULL}},
    {"route", (const char *const[]){"layers", "groups", "group_id", NULL}},
    {"shortcut",
     (const char *const[]){"from", "weights_type", "weights_normalization", "alpha", "beta",
                           "activation", NULL}},
    {"scale_channels", (const char *const[]){"from", "scale_wh", "activation", NULL}},
    {"sam", (const char *const[]){"from", "activation", NULL}},
    {"upsample", (const char *const[]){"stride", "scale", NULL}},
    {"reorg", (const char *const[]){"stride", "reverse", "flatten", "extra", NULL}},
    {"yolo", yolo_keys},
    {"region", region_keys},
    {"connected", (const char *const[]){"output", "activation", NULL}},
    {"conn", (const char *const[]){"output", "activation", NULL}},
    {"activation", (const char *const[]){"activation", NULL}},
    {"dropout",
     (const char *const[]){"probability", "dropblock", "dropblock_size_rel",
                           "dropblock_size_abs", NULL}},
    {"softmax", (const char *const[]){"groups", "temperature", "tree", "spatial", "noloss", NULL}},
    {"soft", (const char *const[]){"groups", "temperature", "tree", "spatial", "noloss", NULL}},
    {"cost", (const char *const[]){"type", "scale", "ratio", "noobject_scale", "thresh", NULL}},
    {"batchnorm", (const char *const[]){NULL}},
    {"crop",
     (const char *const[]){"crop_height", "crop_width", "flip", "angle", "saturation",
                           "exposure", "shift", "noadjust", NULL}},
};

static int listed(const char *const *names, const char *name)
{
    for (; *names; names++)
        if (strcmp(*names, name) == 0)
            return 1;
    return 0;
}

fv_status dn_warn_unknown_keys(const dn_cfg *cfg, fv_graph *g, fv_diag *diag)
{
    for (size_t i = 0; i < cfg->n_sections; i++) {
        const dn_section *s = &cfg->sections[i];
        const char *const *keys = NULL;
        for (size_t t = 0; t < sizeof section_keys / sizeof section_keys[0] && !keys; t++)
            if (strcmp(section_keys[t].section, s->name) == 0)
                keys = section_keys[t].keys;
        if (!keys) /* an unknown section is an error of its own */
            continue;
        int is_net = keys == net_keys;
        for (size_t k = 0; k < s->n_keys; k++) {
            const dn_key *key = &s->keys[k];
            if (listed(keys, key->key) || (!is_net && listed(any_layer, key->key)))
                continue;
            if (fv_graph_warn(g, "line %d: unknown key '%s' in [%s] (line %d); ignored",
                              key->line, key->key, s->name, s->line) != FV_OK)
                return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
        }
    }
    return FV_OK;
}
