/* The Darknet .cfg frontend: one node per layer, with Darknet's own
 * arithmetic (AlexeyAB/darknet parser.c semantics), and a second node for
 * the activation the layer applies to its output. Layer k counts the
 * sections after [net] from 0; node 0 is the input. */
#include <stdlib.h>
#include <string.h>

#include "darknet_cfg.h"
#include "fv_limits.h"

typedef struct dn_build {
    const dn_cfg *cfg;
    fv_graph *g;
    int64_t *channels;  /* output channels of node i; 0 = unknown */
    int64_t (*hw)[FV_AXES]; /* feature-map size of node i at the [net] size */
    int32_t *layer_node;/* the node that produces layer k's output */
    int64_t net_hw[FV_AXES];
    fv_diag *diag;
} dn_build;

/* What one section becomes: the layer to add, with room for its inputs. */
typedef struct dn_layer {
    fv_layer layer;
    int32_t inputs[FV_MAX_INPUTS];
    size_t k;           /* Darknet's layer index */
    int32_t prev;       /* the node of layer k - 1 (the input for layer 0) */
    fv_head head;       /* [yolo] and [region]: recorded on the node once added */
    double *head_wh;    /* the head's anchor widths then heights (owned) */
    const dn_activation *act; /* applied to the output; NULL for none or linear */
    fv_srcpos act_pos;  /* where it was given (the section when by default) */
} dn_layer;

typedef fv_status (*section_fn)(dn_build *b, const dn_section *s, dn_layer *l);

#define INT_MAXV ((int64_t)1 << 30)

/* The node of the layer before l; before layer 0 comes the input. */
static int32_t previous(const dn_layer *l) { return l->prev; }

static void one_input(dn_layer *l, int32_t node)
{
    l->inputs[0] = node;
    l->layer.n_inputs = 1;
}

/* A layer index as route/shortcut write it: negative counts back from this
 * layer, non-negative is absolute; it must name an earlier layer. */
static fv_status layer_ref(dn_build *b, const dn_section *s, const char *key, int64_t v,
                           const dn_layer *l, int32_t *node)
{
    int64_t k = v < 0 ? (int64_t)l->k + v : v;
    if (k < 0 || k >= (int64_t)l->k) {
        const dn_key *kk = dn_find(s, key);
        return dn_error(b->cfg, b->diag, FV_ERR_SEMANTIC, kk->line, dn_value_col(b->cfg, kk),
                        "layer %lld in '%s' is out of range: layer %zu can use layers 0..%lld "
                        "or -1..-%zu",
                        (long long)v, key, l->k, (long long)l->k - 1, l->k);
    }
    *node = b->layer_node[k];
    return FV_OK;
}

static fv_status conv(dn_build *b, const dn_section *s, dn_layer *l)
{
    int64_t filters, size, stride, sy, sx, pad, padding, dilation, groups;
    fv_status st;
    if ((st = dn_int(b->cfg, s, "filters", 1, 0, 1, FV_MAX_CHANNELS, &filters, b->diag)) ||
        (st = dn_int(b->cfg, s, "size", 1, 0, 1, FV_MAX_KERNEL, &size, b->diag)) ||
        (st = dn_int(b->cfg, s, "stride", 0, 1, 1, FV_MAX_STRIDE, &stride, b->diag)) ||
        (st = dn_int(b->cfg, s, "stride_y", 0, stride, 1, FV_MAX_STRIDE, &sy, b->diag)) ||
        (st = dn_int(b->cfg, s, "stride_x", 0, stride, 1, FV_MAX_STRIDE, &sx, b->diag)) ||
        (st = dn_int(b->cfg, s, "pad", 0, 0, 0, 1, &pad, b->diag)) ||
        (st = dn_int(b->cfg, s, "padding", 0, 0, 0, FV_MAX_PAD, &padding, b->diag)) ||
        (st = dn_int(b->cfg, s, "dilation", 0, 1, 1, FV_MAX_STRIDE, &dilation, b->diag)) ||
        (st = dn_int(b->cfg, s, "groups", 0, 1, 1, FV_MAX_CHANNELS, &groups, b->diag)))
        return st;
    /* Darknet: pad=1 overrides padding= with size/2, on every side. */
    if (pad)
        padding = size / 2;
    int64_t in_c = b->channels[previous(l)];
    if (filters % groups != 0 || (in_c > 0 && in_c % groups != 0))
        return dn_error(b->cfg, b->diag, FV_ERR_SEMANTIC, dn_find(s, "groups")->line,
                        dn_value_col(b->cfg, dn_find(s, "groups")),
                        "groups=%lld must divide both filters=%lld and the %lld input channels",
                        (long long)groups, (long long)filters, (long long)in_c);
    fv_layer_init(&l->layer, FV_OP_CONV);
    fv_window *w = &l->layer.params.window;
    for (int a = 0; a < FV_AXES; a++) {
        w->kernel[a] = size;
        w->dilation[a] = dilation;
        w->pad_begin[a] = w->pad_end[a] = padding;
    }
    w->stride[FV_AXIS_Y] = sy;
    w->stride[FV_AXIS_X] = sx;
    w->groups = groups;
    l->layer.channels = filters;
    one_input(l, previous(l));
    return FV_OK;
}

/* maxpool and local_avg: Darknet's `padding` is the TOTAL padding (default
 * size - 1) and windows start at -padding/2, so the odd pixel goes at the
 * end: output = (w + padding - size) / stride + 1. */
static fv_status pool(dn_build *b, const dn_section *s, dn_layer *l, fv_op op)
{
    int64_t size, stride, sy, sx, padding;
    fv_status st;
    if ((st = dn_int(b->cfg, s, "size", 1, 0, 1, FV_MAX_KERNEL, &size, b->diag)) ||
        (st = dn_int(b->cfg, s, "stride", 0, 1, 1, FV_MAX_STRIDE, &stride, b->diag)) ||
        (st = dn_int(b->cfg, s, "stride_y", 0, stride, 1, FV_MAX_STRIDE, &sy, b->diag)) ||
        (st = dn_int(b->cfg, s, "stride_x", 0, stride, 1, FV_MAX_STRIDE, &sx, b->diag)) ||
        (st = dn_int(b->cfg, s, "padding", 0, size - 1, 0, FV_MAX_PAD, &padding, b->diag)))
        return st;
    fv_layer_init(&l->layer, op);
    fv_window *w = &l->layer.params.window;
    for (int a = 0; a < FV_AXES; a++) {
        w->kernel[a] = size;
        w->pad_begin[a] = padding / 2;
        w->pad_end[a] = padding - padding / 2;
    }
    w->stride[FV_AXIS_Y] = sy;
    w->stride[FV_AXIS_X] = sx;
    one_input(l, previous(l));
    return FV_OK;
}

static fv_status maxpool(dn_build *b, const dn_section *s, dn_layer *l)
{
    return pool(b, s, l, FV_OP_MAX_POOL);
}

static fv_status local_avg(dn_build *b, const dn_section *s, dn_layer *l)
{
    return pool(b, s, l, FV_OP_AVG_POOL);
}

static fv_status route(dn_build *b, const dn_section *s, dn_layer *l)
{
    int64_t *idx = NULL, groups, group_id;
    size_t n = 0;
    fv_status st = dn_int_list(b->cfg, s, "layers", &idx, &n, b->diag);
    if (st == FV_OK && n > FV_MAX_INPUTS)
        st = dn_section_error(b->cfg, s, b->diag, FV_ERR_LIMIT, "more than %d layers",
                              FV_MAX_INPUTS);
    int64_t c = 0;
    for (size_t i = 0; i < n && st == FV_OK; i++) {
        st = layer_ref(b, s, "layers", idx[i], l, &l->inputs[i]);
        int64_t ci = st == FV_OK ? b->channels[l->inputs[i]] : 0;
        if (st != FV_OK || c < 0)
            continue;
        if (ci <= 0)
            c = -1;
        else if (__builtin_add_overflow(c, ci, &c) || c > FV_MAX_CHANNELS)
            st = dn_section_error(b->cfg, s, b->diag, FV_ERR_LIMIT, "more than %lld channels",
                                  (long long)FV_MAX_CHANNELS);
    }
    free(idx);
    if (st != FV_OK ||
        (st = dn_int(b->cfg, s, "groups", 0, 1, 1, FV_MAX_CHANNELS, &groups, b->diag)) ||
        (st = dn_int(b->cfg, s, "group_id", 0, 0, 0, groups - 1, &group_id, b->diag)))
        return st;
    /* groups/group_id keep one slice of the channels: RF-neutral. */
    fv_layer_init(&l->layer, n > 1 ? FV_OP_CONCAT : FV_OP_IDENTITY);
    l->layer.n_inputs = n;
    l->layer.channels = c > 0 && c % groups == 0 ? c / groups : 0;
    return FV_OK;
}

/* shortcut (add) and scale_channels / sam (multiply): the previous layer
 * merged with the layers that `from` names. */
static fv_status merge_from(dn_build *b, const dn_section *s, dn_layer *l, fv_op op, int from_first)
{
    int64_t *idx = NULL;
    size_t n = 0;
    fv_status st = dn_int_list(b->cfg, s, "from", &idx, &n, b->diag);
    if (st == FV_OK && n + 1 > FV_MAX_INPUTS)
        st = dn_section_error(b->cfg, s, b->diag, FV_ERR_LIMIT, "more than %d layers",
                              FV_MAX_INPUTS - 1);
    for (size_t i = 0; i < n && st == FV_OK; i++)
        st = layer_ref(b, s, "from", idx[i], l, &l->inputs[from_first ? i : i + 1]);
    free(idx);
    if (st != FV_OK)
        return st;
    fv_layer_init(&l->layer, op);
    l->inputs[from_first ? n : 0] = previous(l);
    l->layer.n_inputs = n + 1;
    /* shortcut keeps the previous layer's channels; scale_channels and sam
     * scale the `from` layer's map. */
    l->layer.channels = b->channels[from_first ? l->inputs[0] : previous(l)];
    return FV_OK;
}

/* Darknet's shortcut adds a larger `from` map by sampling it: output unit i
 * adds unit i * (w_from / w_out). That sampling becomes a strided slice. */
static fv_status sample_from(dn_build *b, const dn_section *s, dn_layer *l, size_t which)
{
    int32_t from = l->inputs[which], prev = previous(l);
    const int64_t *f = b->hw[from], *o = b->hw[prev];
    if (f[0] == o[0] && f[1] == o[1])
        return FV_OK;
    if (f[0] <= 0 || o[0] <= 0 || f[1] <= 0 || o[1] <= 0 || f[0] % o[0] || f[1] % o[1] ||
        f[0] / o[0] != f[1] / o[1])
        return dn_section_error(b->cfg, s, b->diag, FV_ERR_UNSUPPORTED,
                                "shortcut adds a %lldx%lld map onto a %lldx%lld one; only "
                                "an integer multiple of the size is supported",
                                (long long)f[0], (long long)f[1], (long long)o[0], (long long)o[1]);
    fv_layer sl;
    fv_layer_init(&sl, FV_OP_SLICE);
    char name[80];
    snprintf(name, sizeof name, "%zu_shortcut/sample%zu", l->k, which);
    sl.name = name;
    sl.inputs = &from;
    sl.n_inputs = 1;
    sl.pos = (fv_srcpos){s->line, 1};
    for (int a = 0; a < FV_AXES; a++)
        sl.params.slice.step[a] = f[a] / o[a];
    int32_t node;
    fv_status st = fv_graph_add(b->g, &sl, &node, b->diag);
    if (st != FV_OK)
        return st;
    b->channels[node] = b->channels[from];
    b->hw[node][0] = o[0];
    b->hw[node][1] = o[1];
    l->inputs[which] = node;
    return FV_OK;
}

static fv_status shortcut(dn_build *b, const dn_section *s, dn_layer *l)
{
    fv_status st = merge_from(b, s, l, FV_OP_ADD, 0);
    for (size_t i = 1; i < l->layer.n_inputs && st == FV_OK; i++)
        st = sample_from(b, s, l, i);
    return st;
}

static fv_status scale_channels(dn_build *b, const dn_section *s, dn_layer *l)
{
    return merge_from(b, s, l, FV_OP_MUL, 1);
}

static fv_status upsample(dn_build *b, const dn_section *s, dn_layer *l)
{
    int64_t stride;
    fv_status st = dn_int(b->cfg, s, "stride", 0, 2, -FV_MAX_STRIDE, FV_MAX_STRIDE, &stride, b->diag);
    if (st != FV_OK)
        return st;
    if (stride < 1) {
        const dn_key *k = dn_find(s, "stride");
        return dn_error(b->cfg, b->diag, FV_ERR_UNSUPPORTED, k->line, dn_value_col(b->cfg, k),
                        "upsample with stride %lld (downsampling) is not supported",
                        (long long)stride);
    }
    fv_layer_init(&l->layer, FV_OP_RESIZE);
    for (int a = 0; a < FV_AXES; a++)
        l->layer.params.resize.scale_num[a] = stride;
    l->layer.params.resize.mode = FV_RESIZE_NEAREST;
    one_input(l, previous(l));
    return FV_OK;
}

static fv_status reorg(dn_build *b, const dn_section *s, dn_layer *l)
{
    int64_t stride, reverse;
    fv_status st;
    if ((st = dn_int(b->cfg, s, "stride", 1, 0, 1, FV_MAX_STRIDE, &stride, b->diag)) ||
        (st = dn_int(b->cfg, s, "reverse", 0, 0, 0, 1, &reverse, b->diag)))
        return st;
    fv_layer_init(&l->layer, reverse ? FV_OP_DEPTH_TO_SPACE : FV_OP_SPACE_TO_DEPTH);
    l->layer.params.block.size = stride;
    one_input(l, previous(l));
    return FV_OK;
}

static fv_status heads(dn_build *b, const dn_section *s, dn_layer *l, fv_head_kind kind)
{
    double *anchors = NULL;
    int64_t *mask = NULL;
    size_t n = 0, n_mask = 0;
    fv_status st = dn_num_list(b->cfg, s, "anchors", &anchors, &n, b->diag);
    if (st != FV_OK)
        return st;
    const dn_key *ka = dn_find(s, "anchors");
    if (n % 2 != 0) {
        free(anchors);
        return dn_error(b->cfg, b->diag, FV_ERR_SEMANTIC, ka->line, dn_value_col(b->cfg, ka),
                        "'anchors' holds %zu numbers; it needs width,height pairs", n);
    }
    int64_t num;
    st = dn_int(b->cfg, s, "num", 0, (int64_t)n / 2, 1, INT_MAXV, &num, b->diag);
    if (st == FV_OK && num != (int64_t)n / 2)
        st = dn_error(b->cfg, b->diag, FV_ERR_SEMANTIC, ka->line, dn_value_col(b->cfg, ka),
                      "'anchors' holds %zu pairs but num=%lld", n / 2, (long long)num);
    if (st == FV_OK && kind == FV_HEAD_YOLO && dn_find(s, "mask"))
        st = dn_int_list(b->cfg, s, "mask", &mask, &n_mask, b->diag);
    else if (st == FV_OK) {
        /* [region], and [yolo] without a mask, use every anchor. */
        n_mask = n / 2;
        mask = malloc(n_mask * sizeof *mask);
        if (!mask)
            st = fv_diag_set(b->diag, FV_ERR_NOMEM, "out of memory");
        for (size_t i = 0; st == FV_OK && i < n_mask; i++)
            mask[i] = (int64_t)i;
    }
    double *wh = st == FV_OK ? malloc(2 * n_mask * sizeof *wh) : NULL;
    if (st == FV_OK && !wh)
        st = fv_diag_set(b->diag, FV_ERR_NOMEM, "out of memory");
    for (size_t i = 0; st == FV_OK && i < n_mask; i++) {
        if (mask[i] < 0 || mask[i] >= (int64_t)n / 2) {
            const dn_key *km = dn_find(s, "mask");
            st = dn_error(b->cfg, b->diag, FV_ERR_SEMANTIC, km->line, dn_value_col(b->cfg, km),
                          "mask index %lld is out of range: there are %zu anchors",
                          (long long)mask[i], n / 2);
            break;
        }
        /* [yolo] anchors are in pixels of the network input. [region]
         * (YOLOv2) anchors are in cells of the final grid; every published
         * [region] sits at stride 32, so that is the factor used here. */
        double scale = kind == FV_HEAD_REGION ? 32.0 : 1.0;
        wh[i] = anchors[2 * mask[i]] * scale;
        wh[n_mask + i] = anchors[2 * mask[i] + 1] * scale;
    }
    fv_layer_init(&l->layer, FV_OP_IDENTITY);
    one_input(l, previous(l));
    if (st == FV_OK) {
        l->head = (fv_head){.kind = kind, .n_anchors = n_mask, .anchor_w = wh,
                            .anchor_h = wh + n_mask, .step = {0, 0}, .offset = 0.5,
                            .pos = {s->line, 1}};
        l->head_wh = wh;
        wh = NULL;
    }
    free(anchors);
    free(mask);
    free(wh);
    return st;
}

static fv_status yolo(dn_build *b, const dn_section *s, dn_layer *l)
{
    return heads(b, s, l, FV_HEAD_YOLO);
}

static fv_status region(dn_build *b, const dn_section *s, dn_layer *l)
{
    return heads(b, s, l, FV_HEAD_REGION);
}

static fv_status connected(dn_build *b, const dn_section *s, dn_layer *l)
{
    int64_t out;
    fv_status st = dn_int(b->cfg, s, "output", 1, 0, 1, FV_MAX_CHANNELS, &out, b->diag);
    if (st != FV_OK)
        return st;
    fv_layer_init(&l->layer, FV_OP_FULLY_CONNECTED);
    l->layer.channels = out;
    one_input(l, previous(l));
    return FV_OK;
}

static fv_status simple(dn_layer *l, fv_op op)
{
    fv_layer_init(&l->layer, op);
    one_input(l, previous(l));
    return FV_OK;
}

static fv_status avgpool(dn_build *b, const dn_section *s, dn_layer *l)
{
    return simple(l, FV_OP_GLOBAL_AVG_POOL);
}
static fv_status dropout(dn_build *b, const dn_section *s, dn_layer *l)
{
    return simple(l, FV_OP_DROPOUT);
}
static fv_status softmax(dn_build *b, const dn_section *s, dn_layer *l)
{
    return simple(l, FV_OP_SOFTMAX);
}
static fv_status cost(dn_build *b, const dn_section *s, dn_layer *l)
{
    return simple(l, FV_OP_IDENTITY);
}
static fv_status batchnorm(dn_build *b, const dn_section *s, dn_layer *l)
{
    return simple(l, FV_OP_BATCH_NORM);
}
/* [activation]: the identity, which its activation then replaces. */
static fv_status activation(dn_build *b, const dn_section *s, dn_layer *l)
{
    return simple(l, FV_OP_IDENTITY);
}

/* [crop] at test time takes the centre crop_height x crop_width of the
 * image: (h - crop_h) / 2 rows off the top. Only meaningful on the input. */
static fv_status crop(dn_build *b, const dn_section *s, dn_layer *l)
{
    int64_t ch, cw;
    fv_status st;
    if ((st = dn_int(b->cfg, s, "crop_height", 1, 0, 1, b->net_hw[FV_AXIS_Y], &ch, b->diag)) ||
        (st = dn_int(b->cfg, s, "crop_width", 1, 0, 1, b->net_hw[FV_AXIS_X], &cw, b->diag)))
        return st;
    if (l->k != 0)
        return dn_section_error(b->cfg, s, b->diag, FV_ERR_UNSUPPORTED,
                                "[crop] is supported only as the first layer");
    fv_layer_init(&l->layer, FV_OP_SLICE);
    int64_t keep[FV_AXES] = {ch, cw};
    for (int a = 0; a < FV_AXES; a++) {
        l->layer.params.slice.start[a] = (b->net_hw[a] - keep[a]) / 2;
        l->layer.params.slice.end[a] = l->layer.params.slice.start[a] + keep[a];
    }
    one_input(l, previous(l));
    return FV_OK;
}

/* Each section, and the activation Darknet applies after it when the cfg
 * gives none (NULL: the layer applies no activation, whatever it says). */
static const struct {
    const char *name;
    section_fn build;
    const char *activation;
} sections[] = {
    {"convolutional", conv, "logistic"}, {"conv", conv, "logistic"},
    {"maxpool", maxpool, NULL}, {"max", maxpool, NULL},
    {"local_avgpool", local_avg, NULL}, {"local_avg", local_avg, NULL},
    {"avgpool", avgpool, NULL}, {"avg", avgpool, NULL},
    {"route", route, NULL}, {"shortcut", shortcut, "linear"},
    {"scale_channels", scale_channels, "linear"}, {"sam", scale_channels, "linear"},
    {"upsample", upsample, NULL}, {"reorg", reorg, NULL},
    {"yolo", yolo, NULL}, {"region", region, NULL},
    {"connected", connected, "logistic"}, {"conn", connected, "logistic"},
    {"activation", activation, "linear"},
    {"dropout", dropout, NULL}, {"softmax", softmax, NULL}, {"soft", softmax, NULL},
    {"cost", cost, NULL}, {"batchnorm", batchnorm, NULL}, {"crop", crop, NULL},
};

/* The layer's activation: `activation=`, else Darknet's default `dflt`. */
static fv_status read_activation(dn_build *b, const dn_section *s, const char *dflt, dn_layer *l)
{
    const dn_key *k = dn_find(s, "activation");
    const char *name = k ? k->value : dflt;
    const dn_activation *act = dn_activation_find(name);
    if (!act) {
        char names[400];
        dn_activation_names(names, sizeof names);
        return dn_error(b->cfg, b->diag, FV_ERR_SEMANTIC, k->line, dn_value_col(b->cfg, k),
                        "unknown activation '%s'; Darknet's are %s", name, names);
    }
    if (act->op != FV_OP_IDENTITY || !act->exact)
        l->act = act;
    l->act_pos = k ? (fv_srcpos){k->line, dn_value_col(b->cfg, k)} : (fv_srcpos){s->line, 1};
    return FV_OK;
}

/* Darknet's own size arithmetic for the layers it has, at the [net] size;
 * the shortcut sampling needs it. 0 when a size leaves the valid range. */
static void track_size(dn_build *b, int32_t node, const fv_layer *l)
{
    for (int a = 0; a < FV_AXES; a++) {
        int64_t n = l->n_inputs ? b->hw[l->inputs[0]][a] : b->net_hw[a], out = n;
        const fv_params *p = &l->params;
        switch (l->op) {
        case FV_OP_CONV:
        case FV_OP_MAX_POOL:
        case FV_OP_AVG_POOL: {
            const fv_window *w = &p->window;
            int64_t span = n + w->pad_begin[a] + w->pad_end[a] - (w->kernel[a] - 1) * w->dilation[a] - 1;
            out = span < 0 ? 0 : span / w->stride[a] + 1;
            break;
        }
        case FV_OP_GLOBAL_AVG_POOL:
        case FV_OP_FULLY_CONNECTED:
            out = 1;
            break;
        case FV_OP_RESIZE:
            out = n <= FV_MAX_DIM ? n * p->resize.scale_num[a] : 0;
            break;
        case FV_OP_SPACE_TO_DEPTH:
            out = n / p->block.size;
            break;
        case FV_OP_DEPTH_TO_SPACE:
            out = n <= FV_MAX_DIM ? n * p->block.size : 0;
            break;
        case FV_OP_SLICE:
            out = p->slice.end[a] - p->slice.start[a];
            break;
        default:
            break;
        }
        b->hw[node][a] = out;
    }
}

static fv_status net_section(dn_build *b, const dn_section *s)
{
    int64_t h, w, c;
    fv_status st;
    if ((st = dn_int(b->cfg, s, "height", 1, 0, 1, FV_MAX_DIM, &h, b->diag)) ||
        (st = dn_int(b->cfg, s, "width", 1, 0, 1, FV_MAX_DIM, &w, b->diag)) ||
        (st = dn_int(b->cfg, s, "channels", 1, 0, 1, FV_MAX_CHANNELS, &c, b->diag)))
        return st;
    b->net_hw[FV_AXIS_Y] = h;
    b->net_hw[FV_AXIS_X] = w;
    fv_layer input;
    fv_layer_init(&input, FV_OP_INPUT);
    input.name = "input";
    input.channels = c;
    input.pos = (fv_srcpos){s->line, 1};
    b->channels[0] = c;
    b->hw[0][0] = h;
    b->hw[0][1] = w;
    fv_graph_set_input_size(b->g, b->net_hw);
    return fv_graph_add(b->g, &input, NULL, b->diag);
}

/* Adds one node after the layer's inputs, with Darknet's sizes. */
static fv_status add_node(dn_build *b, const fv_layer *layer, int32_t *node)
{
    fv_status st = fv_graph_add(b->g, layer, node, b->diag);
    if (st != FV_OK)
        return st;
    b->channels[*node] = layer->channels > 0 ? layer->channels
                         : layer->n_inputs ? b->channels[layer->inputs[0]] : 0;
    track_size(b, *node, layer);
    return FV_OK;
}

/* Adds layer k as "K_section", or, when it applies an activation, as
 * "K_section.OP" and "K_section.ACTIVATION" after it (Darknet's name of
 * the activation), so that the layer's name and index select its
 * activated output. A layer that is only the identity ([activation])
 * becomes its activation. *out is the node whose output is layer k's. */
static fv_status add_layer(dn_build *b, const dn_section *s, dn_layer *l, int32_t *out)
{
    const dn_activation *act = l->act;
    fv_layer *layer = &l->layer;
    int split = act && layer->op != FV_OP_IDENTITY;
    if (act && !split) {
        layer->op = act->op;
        layer->params.pointwise = (fv_pointwise){act->alpha, 0};
    }
    char name[96];
    if (split)
        snprintf(name, sizeof name, "%zu_%s.%s", l->k, s->name, fv_op_name(layer->op));
    else
        snprintf(name, sizeof name, "%zu_%s", l->k, s->name);
    layer->name = name;
    layer->inputs = l->inputs;
    layer->pos = act && !split ? l->act_pos : (fv_srcpos){s->line, 1};
    fv_status st = add_node(b, layer, out);
    if (st == FV_OK && split) {
        int32_t in = *out;
        fv_layer al;
        fv_layer_init(&al, act->op);
        al.params.pointwise = (fv_pointwise){act->alpha, 0};
        snprintf(name, sizeof name, "%zu_%s.%s", l->k, s->name, act->name);
        al.name = name;
        al.inputs = &in;
        al.n_inputs = 1;
        al.pos = l->act_pos;
        st = add_node(b, &al, out);
    }
    if (st == FV_OK && act && !act->exact) {
        char what[64];
        snprintf(what, sizeof what, "Darknet's activation '%s'", act->name);
        if (fv_graph_mark_inexact(b->g, *out, what) != FV_OK)
            st = fv_diag_set(b->diag, FV_ERR_NOMEM, "out of memory");
    }
    return st;
}

static fv_status build(dn_build *b)
{
    const dn_cfg *cfg = b->cfg;
    if (cfg->n_sections == 0)
        return dn_error(cfg, b->diag, FV_ERR_SEMANTIC, 0, 0, "no [net] section: this is not a Darknet .cfg");
    const dn_section *net = &cfg->sections[0];
    if (strcmp(net->name, "net") != 0 && strcmp(net->name, "network") != 0)
        return dn_section_error(cfg, net, b->diag, FV_ERR_SEMANTIC,
                                "the first section must be [net], not [%s]", net->name);
    fv_status st = net_section(b, net);
    dn_layer *l = malloc(sizeof *l);
    if (!l)
        return fv_diag_set(b->diag, FV_ERR_NOMEM, "out of memory");
    const size_t n_kinds = sizeof sections / sizeof sections[0];
    for (size_t i = 1; i < cfg->n_sections && st == FV_OK; i++) {
        const dn_section *s = &cfg->sections[i];
        size_t t = 0;
        while (t < n_kinds && strcmp(sections[t].name, s->name) != 0)
            t++;
        if (t == n_kinds) {
            st = dn_section_error(cfg, s, b->diag, FV_ERR_UNSUPPORTED,
                                  "unknown section [%s]", s->name);
            break;
        }
        memset(l, 0, sizeof *l);
        l->k = i - 1;
        l->prev = l->k == 0 ? 0 : b->layer_node[l->k - 1];
        int32_t node;
        st = sections[t].build(b, s, l);
        if (st == FV_OK && sections[t].activation)
            st = read_activation(b, s, sections[t].activation, l);
        if (st == FV_OK)
            st = add_layer(b, s, l, &node);
        if (st == FV_OK)
            b->layer_node[l->k] = node;
        if (st == FV_OK && l->head_wh) {
            l->head.node = node;
            st = fv_graph_add_head(b->g, &l->head, b->diag);
        }
        free(l->head_wh);
    }
    free(l);
    return st;
}

fv_status fv_darknet_parse(const char *text, size_t len, const char *file, fv_graph **graph,
                           fv_diag *diag)
{
    *graph = NULL;
    dn_cfg cfg;
    fv_status st = dn_cfg_read(&cfg, text, len, file, diag);
    dn_build b = {.cfg = &cfg, .diag = diag};
    if (st == FV_OK) {
        b.g = fv_graph_create();
        /* two nodes per section (the layer and its activation), plus a
         * sampling slice per `from` of a shortcut */
        size_t cap = 2 * cfg.n_sections + 1;
        for (size_t i = 0; i < cfg.n_sections; i++) {
            const dn_key *k = dn_find(&cfg.sections[i], "from");
            if (!k)
                continue;
            cap++; /* one more per comma; an empty value is still one */
            for (const char *p = k->value; (p = strchr(p, ',')) != NULL; p++)
                cap++;
        }
        b.channels = calloc(cap, sizeof *b.channels);
        b.hw = calloc(cap, sizeof *b.hw);
        b.layer_node = calloc(cfg.n_sections + 1, sizeof *b.layer_node);
        if (!b.g || !b.channels || !b.hw || !b.layer_node)
            st = fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    }
    if (st == FV_OK) {
        fv_graph_set_source(b.g, file);
        st = fv_graph_keep_text(b.g, text, len);
        if (st != FV_OK)
            fv_diag_set(diag, st, "out of memory");
    }
    if (st == FV_OK)
        st = build(&b);
    if (st == FV_OK)
        st = dn_warn_unknown_keys(&cfg, b.g, diag);
    if (st == FV_OK)
        st = fv_graph_check(b.g, diag);
    free(b.channels);
    free(b.hw);
    free(b.layer_node);
    dn_cfg_free(&cfg);
    if (st != FV_OK) {
        fv_graph_free(b.g);
        return st;
    }
    *graph = b.g;
    return FV_OK;
}
