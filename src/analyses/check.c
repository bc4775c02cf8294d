/* fovea check: design rules for a classifier or backbone, from its exact
 * receptive fields. Cao's capacity and top-layer condition, Richter et al.'s
 * border layers and productive input range, misaligned merges, uneven
 * padding, and what the input size does to the feature maps (docs/check.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"
#include "graph_private.h"

struct fv_check {
    int64_t input[FV_AXES];   /* 0, 0 when unknown */
    fv_check_layer *layers;
    fv_rational (*stride)[FV_AXES]; /* effective stride of every node, read once */
    size_t n_layers;
    fv_input_range range[FV_AXES];
    int has_range;
    fv_findings findings;
};

static const char axis_name[FV_AXES] = {'y', 'x'};

static double rat(fv_rational r) { return (double)r.num / (double)r.den; }

/* floor of a non-negative rational */
static int64_t rat_floor(fv_rational r) { return r.num / r.den; }

static int is_window(fv_op op)
{
    return op == FV_OP_CONV || op == FV_OP_MAX_POOL || op == FV_OP_AVG_POOL;
}

/* The first input of `node` that is not whole-input, or -1. */
static int32_t first_spatial_input(const fv_check *c, const fv_graph *g, int32_t node)
{
    for (size_t k = 0; k < fv_graph_n_inputs(g, node); k++) {
        int32_t in = fv_graph_input(g, node, k);
        if (!c->layers[in].whole_input)
            return in;
    }
    return -1;
}

/* The smallest input at least `from` along the failing axes for which every
 * map can be formed, or 0 when none below a generous bound works. */
static int64_t working_size(const fv_graph *g, const int32_t *order, const int64_t hw[FV_AXES],
                            const int fails[FV_AXES], fv_feature_map *maps, int64_t out[FV_AXES])
{
    int64_t from = fails[0] ? hw[0] : hw[1];
    /* Each try is a shape pass over the graph: bound the search to about
     * 5e7 node visits, and to sizes within reason. */
    int64_t tries = (int64_t)(50000000 / (fv_graph_size(g) + 1));
    if (tries < 256)
        tries = 256;
    if (tries > 4 * from + 4096)
        tries = 4 * from + 4096;
    for (int64_t r = from + 1; r <= from + tries; r++) {
        int64_t try[FV_AXES] = {fails[0] ? r : hw[0], fails[1] ? r : hw[1]};
        if (fv_graph_infer_shapes_at(g, order, try, maps, NULL, NULL) == FV_OK) {
            out[0] = try[0];
            out[1] = try[1];
            return r;
        }
    }
    return 0;
}

/* Whether the graph's maps can be formed at `hw`; a finding when not. */
static fv_status check_shapes(fv_check *c, const fv_graph *g, const int64_t hw[FV_AXES], int *ok,
                              fv_diag *diag)
{
    size_t n = fv_graph_size(g);
    int32_t *order = malloc((n ? n : 1) * sizeof *order);
    fv_feature_map *maps = malloc((n ? n : 1) * sizeof *maps);
    fv_status st = order && maps ? fv_graph_check_order(g, order, diag)
                                 : fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    int32_t failed = -1;
    fv_diag why;
    fv_diag_init(&why);
    *ok = 1;
    if (st == FV_OK && fv_graph_infer_shapes_at(g, order, hw, maps, &failed, &why) != FV_OK) {
        if (failed < 0) {
            st = fv_diag_set(diag, FV_ERR_USAGE, "%s", why.message);
        } else {
            *ok = 0;
            /* Which axes fail: the one that fails alone, else both together. */
            int fails[FV_AXES] = {0, 0};
            int64_t big = 1 << 14;
            for (int a = 0; a < FV_AXES; a++) {
                int64_t try[FV_AXES] = {a == 0 ? hw[0] : big, a == 1 ? hw[1] : big};
                fails[a] = fv_graph_infer_shapes_at(g, order, try, maps, NULL, NULL) != FV_OK;
            }
            if (!fails[0] && !fails[1])
                fails[0] = fails[1] = 1;
            int64_t good[FV_AXES] = {0, 0};
            int64_t r = working_size(g, order, hw, fails, maps, good);
            fv_finding *f = fv_findings_add(&c->findings, FV_SEVERITY_ERROR, FV_RULE_MAP_SIZE,
                                            failed);
            if (!f) {
                st = fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
            } else {
                /* The message starts with the node's name, which the finding names already. */
                const char *msg = why.message, *name = fv_graph_name(g, failed);
                size_t len = strlen(name);
                if (strncmp(msg, name, len) == 0 && strncmp(msg + len, ": ", 2) == 0)
                    msg += len + 2;
                fv_finding_what(f, "at input %lldx%lld this layer's map cannot be formed: %s",
                                (long long)hw[0], (long long)hw[1], msg);
                fv_finding_number(f, "input_height", (double)hw[0]);
                fv_finding_number(f, "input_width", (double)hw[1]);
                if (r) {
                    fv_finding_number(f, "next_height", (double)good[0]);
                    fv_finding_number(f, "next_width", (double)good[1]);
                    fv_op op = fv_graph_op(g, failed);
                    int merge = op == FV_OP_ADD || op == FV_OP_MUL || op == FV_OP_MAX ||
                                op == FV_OP_CONCAT;
                    fv_finding_advice(f, "the next input size that works is %lldx%lld; use it, "
                                         "or %s",
                                      (long long)good[0], (long long)good[1],
                                      merge ? "pad or crop a branch so the merged maps agree"
                                            : "remove downsampling so the maps keep a pixel");
                } else {
                    fv_finding_advice(f, "no slightly larger input works either; fix the "
                                         "layer's geometry");
                }
            }
        }
    }
    free(order);
    free(maps);
    return st;
}

static fv_status fill_layers(fv_check *c, const fv_graph *g, const fv_trf *t, fv_diag *diag)
{
    size_t n = fv_graph_size(g);
    c->layers = calloc(n ? n : 1, sizeof *c->layers);
    c->stride = calloc(n ? n : 1, sizeof *c->stride);
    if (!c->layers || !c->stride)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    c->n_layers = n;
    for (size_t k = 0; k < n; k++) {
        int32_t node = (int32_t)k;
        fv_check_layer *l = &c->layers[k];
        fv_rf rf;
        fv_trf_get(t, node, &rf);
        l->node = node;
        l->whole_input = rf.whole_input;
        if (rf.whole_input)
            continue;
        for (int a = 0; a < FV_AXES; a++) {
            c->stride[k][a] = rf.axis[a].stride;
            l->rf[a] = rf.axis[a].size_max;
            l->path_min[a] = rf.axis[a].path_min;
            l->path_max[a] = rf.axis[a].path_max;
            if (c->input[a] > 0)
                l->coverage[a] = (double)l->rf[a] / (double)c->input[a];
        }
    }
    /* A second pass: a node's inputs may come later in graph order. */
    for (size_t k = 0; k < n; k++) {
        int32_t node = (int32_t)k;
        fv_check_layer *l = &c->layers[k];
        int32_t in = !l->whole_input && fv_graph_op(g, node) == FV_OP_CONV
                         ? first_spatial_input(c, g, node)
                         : -1;
        if (in < 0)
            continue;
        /* Cao's real filter size, as nolearn computes it: the kernel times
         * the stride of the map it slides over, i.e. the input pixels its
         * taps span. A dilated kernel spans its dilated extent. */
        const fv_window *w = &fv_graph_params(g, node)->window;
        for (int a = 0; a < FV_AXES; a++) {
            double extent = (double)((w->kernel[a] - 1) * w->dilation[a] + 1);
            l->real_filter[a] = extent * rat(c->stride[in][a]);
            l->capacity[a] = l->rf[a] > 0 ? l->real_filter[a] / (double)l->rf[a] : 0;
        }
    }
    return FV_OK;
}

static fv_status add_capacity(fv_check *c, const fv_graph *g, double min_capacity)
{
    for (size_t k = 0; k < c->n_layers; k++) {
        const fv_check_layer *l = &c->layers[k];
        if (l->real_filter[0] == 0)
            continue;
        /* A kernel of width 1 learns no spatial pattern along that axis, so
         * its capacity there is not Cao's question (a 1x1 conv, or the 1 of
         * a 1x7): only axes where the kernel is wider are judged. */
        const fv_window *w = &fv_graph_params(g, l->node)->window;
        int a = -1;
        for (int b = 0; b < FV_AXES; b++)
            if (w->kernel[b] > 1 && (a < 0 || l->capacity[b] < l->capacity[a]))
                a = b;
        if (a < 0 || l->capacity[a] >= min_capacity)
            continue;
        fv_finding *f = fv_findings_add(&c->findings, FV_SEVERITY_WARNING, FV_RULE_CAPACITY, l->node);
        if (!f)
            return FV_ERR_NOMEM;
        char along[16] = "";
        if (l->capacity[0] != l->capacity[1] || w->kernel[0] != w->kernel[1])
            snprintf(along, sizeof along, " along %c", axis_name[a]);
        fv_finding_what(f, "capacity %.3f%s: real filter %g px over an RF of %lld px, below %.3f",
                        l->capacity[a], along, l->real_filter[a], (long long)l->rf[a],
                        min_capacity);
        fv_finding_number(f, "capacity", l->capacity[a]);
        fv_finding_number(f, "real_filter", l->real_filter[a]);
        fv_finding_number(f, "rf", (double)l->rf[a]);
        fv_finding_advice(f, "the kernel spans too small a part of what the layer sees to learn "
                             "new patterns (Cao): widen it, downsample earlier, or drop the layer");
    }
    return FV_OK;
}

/* Cao: the RF of the top-most feature layer should be no larger than the
 * image. Top-most: spatial layers whose consumers all see the whole input,
 * or that have none. A detector has one per prediction conv: one finding
 * names the one that sees most and counts the rest. */
static fv_status add_top_rf(fv_check *c, const fv_graph *g)
{
    if (c->input[0] <= 0)
        return FV_OK;
    size_t n = c->n_layers, over = 0;
    unsigned char *feeds_spatial = calloc(n ? n : 1, 1);
    if (!feeds_spatial)
        return FV_ERR_NOMEM;
    for (size_t k = 0; k < n; k++)
        if (!c->layers[k].whole_input)
            for (size_t i = 0; i < fv_graph_n_inputs(g, (int32_t)k); i++)
                feeds_spatial[fv_graph_input(g, (int32_t)k, i)] = 1;
    const fv_check_layer *worst = NULL;
    for (size_t k = 0; k < n; k++) {
        const fv_check_layer *l = &c->layers[k];
        if (l->whole_input || feeds_spatial[k] || fv_graph_op(g, l->node) == FV_OP_INPUT)
            continue;
        if (l->rf[0] <= c->input[0] && l->rf[1] <= c->input[1])
            continue;
        over++;
        double cover = fmax(l->coverage[0], l->coverage[1]);
        if (!worst || cover > fmax(worst->coverage[0], worst->coverage[1]))
            worst = l;
    }
    free(feeds_spatial);
    if (!worst)
        return FV_OK;
    fv_finding *f = fv_findings_add(&c->findings, FV_SEVERITY_WARNING, FV_RULE_TOP_RF, worst->node);
    if (!f)
        return FV_ERR_NOMEM;
    char others[64] = "";
    if (over > 1)
        snprintf(others, sizeof others, " (%zu top-most layers see more than the image)", over);
    double cover = fmax(worst->coverage[0], worst->coverage[1]);
    fv_finding_what(f, "top-most spatial layer sees %lldx%lld px of a %lldx%lld image "
                       "(coverage %.0f%%)%s",
                    (long long)worst->rf[0], (long long)worst->rf[1], (long long)c->input[0],
                    (long long)c->input[1], 100 * cover, others);
    fv_finding_number(f, "rf_y", (double)worst->rf[0]);
    fv_finding_number(f, "rf_x", (double)worst->rf[1]);
    fv_finding_number(f, "coverage", cover);
    fv_finding_number(f, "layers", (double)over);
    fv_finding_advice(f, "Cao's condition asks for an RF no larger than the image: feed a "
                         "larger image or stop the network earlier");
    return FV_OK;
}

static int is_conv(fv_op op) { return op == FV_OP_CONV || op == FV_OP_CONV_TRANSPOSE; }

/* Richter et al.: border layers at this input size, and the productive
 * range. Only convolutions count as layers that can be unproductive: a
 * pointwise op, pool or merge has no weights to waste and repeats the RF of
 * what it reads, so counting it would only restate its input's verdict. */
static fv_status add_border(fv_check *c, const fv_graph *g, const fv_trf *t)
{
    int32_t first = -1;
    size_t count = 0;
    for (int a = 0; a < FV_AXES; a++)
        c->range[a] = (fv_input_range){0, -1, 0, -1, 0, 0, -1};
    for (size_t k = 0; k < c->n_layers; k++) {
        fv_check_layer *l = &c->layers[k];
        fv_op op = fv_graph_op(g, l->node);
        if (l->whole_input || op == FV_OP_INPUT)
            continue;
        c->has_range = 1;
        for (int a = 0; a < FV_AXES; a++) {
            fv_input_range *r = &c->range[a];
            if (rat_floor(l->path_max[a]) > r->upper) {
                r->upper = rat_floor(l->path_max[a]);
                r->upper_node = l->node;
            }
            if (!is_window(op))
                continue;
            /* rfa_toolbox's kernel term: the kernel times the stride of its input */
            const fv_window *w = &fv_graph_params(g, l->node)->window;
            fv_rational s = c->stride[first_spatial_input(c, g, l->node)][a];
            int64_t extent = (w->kernel[a] - 1) * w->dilation[a] + 1;
            int64_t fit = (extent * s.num + s.den - 1) / s.den;
            if (fit > r->kernel_fit) {
                r->kernel_fit = fit;
                r->kernel_node = l->node;
            }
        }
        if (!is_conv(op))
            continue;
        /* min over the layer and its spatial inputs, per axis */
        int64_t m[FV_AXES];
        for (int a = 0; a < FV_AXES; a++)
            m[a] = rat_floor(l->path_min[a]);
        for (size_t i = 0; i < fv_graph_n_inputs(g, l->node); i++) {
            const fv_check_layer *p = &c->layers[fv_graph_input(g, l->node, i)];
            for (int a = 0; a < FV_AXES && !p->whole_input; a++)
                if (rat_floor(p->path_min[a]) < m[a])
                    m[a] = rat_floor(p->path_min[a]);
        }
        for (int a = 0; a < FV_AXES; a++) {
            if (m[a] > c->range[a].border_rf) {
                c->range[a].border_rf = m[a];
                c->range[a].border_node = l->node;
            }
        }
        l->border = c->input[0] > 0 && c->input[0] <= m[0] && c->input[1] <= m[1];
        if (l->border && count++ == 0)
            first = l->node;
    }
    for (int a = 0; a < FV_AXES; a++) {
        fv_input_range *r = &c->range[a];
        r->lower = r->border_rf + 1 > r->kernel_fit ? r->border_rf + 1 : r->kernel_fit;
    }
    if (!count)
        return FV_OK;
    fv_finding *f = fv_findings_add(&c->findings, FV_SEVERITY_WARNING, FV_RULE_BORDER, first);
    if (!f)
        return FV_ERR_NOMEM;
    fv_finding_what(f, "%zu convolutions from here on are border layers at %lldx%lld: along "
                       "every path, they and their inputs already see the whole image",
                    count, (long long)c->input[0], (long long)c->input[1]);
    fv_finding_number(f, "convolutions", (double)count);
    fv_finding_advice(f, "Richter et al. predict them unproductive: train at %lldx%lld or "
                         "more, or remove them",
                      (long long)c->range[0].lower, (long long)c->range[1].lower);
    return FV_OK;
}

static fv_status add_range(fv_check *c, const fv_graph *g)
{
    if (!c->has_range)
        return FV_OK;
    const fv_input_range *y = &c->range[0], *x = &c->range[1];
    fv_finding *f = fv_findings_add(&c->findings, FV_SEVERITY_INFO, FV_RULE_INPUT_RANGE, -1);
    if (!f)
        return FV_ERR_NOMEM;
    char span[64];
    if (y->lower == x->lower && y->upper == x->upper)
        snprintf(span, sizeof span, "%lld to %lld", (long long)y->lower, (long long)y->upper);
    else
        snprintf(span, sizeof span, "%lldx%lld to %lldx%lld", (long long)y->lower,
                 (long long)x->lower, (long long)y->upper, (long long)x->upper);
    int empty = y->lower > y->upper || x->lower > x->upper;
    fv_finding_what(f, "%s %s: border layers up to %lld ('%s'), a kernel %lld px wide on the "
                       "input ('%s'), largest RF %lld ('%s')",
                    empty ? "no productive input resolution, the bounds cross:"
                          : "productive input resolution",
                    span, (long long)y->border_rf,
                    y->border_node >= 0 ? fv_graph_name(g, y->border_node) : "-",
                    (long long)y->kernel_fit,
                    y->kernel_node >= 0 ? fv_graph_name(g, y->kernel_node) : "-",
                    (long long)y->upper, y->upper_node >= 0 ? fv_graph_name(g, y->upper_node) : "-");
    fv_finding_number(f, "lower", (double)y->lower);
    fv_finding_number(f, "upper", (double)y->upper);
    fv_finding_number(f, "border_rf", (double)y->border_rf);
    fv_finding_number(f, "kernel_fit", (double)y->kernel_fit);
    if (empty)
        fv_finding_advice(f, "up to the largest RF some convolution ('%s') reads a map that "
                             "already sees the whole image, often a final 1x1 conv; beyond it no "
                             "layer sees the whole image",
                          y->border_node >= 0 ? fv_graph_name(g, y->border_node) : "-");
    else
        fv_finding_advice(f, "below the lower end some layers are unproductive; above the upper "
                             "end no layer sees the whole image");
    if (c->input[0] <= 0 || empty)
        return FV_OK;
    int below = c->input[0] < y->lower || c->input[1] < x->lower;
    int above = c->input[0] > y->upper || c->input[1] > x->upper;
    if (!below && !above)
        return FV_OK;
    f = fv_findings_add(&c->findings, below ? FV_SEVERITY_WARNING : FV_SEVERITY_INFO,
                        FV_RULE_INPUT_RANGE, -1);
    if (!f)
        return FV_ERR_NOMEM;
    fv_finding_what(f, "input %lldx%lld is %s the productive range %s", (long long)c->input[0],
                    (long long)c->input[1], below ? "below" : "above", span);
    fv_finding_number(f, "input_height", (double)c->input[0]);
    fv_finding_number(f, "input_width", (double)c->input[1]);
    if (below)
        fv_finding_advice(f, "layers past the border add nothing at this size: use a larger "
                             "input or a shallower network");
    else
        fv_finding_advice(f, "no unit sees the whole image: fine for detection, but a "
                             "classifier may miss objects larger than %lld px",
                          (long long)y->upper);
    return FV_OK;
}

/* The smallest and largest centre offset of `other` against `base` along
 * an axis, over the units of one common period of their RF maps (a
 * transposed conv or a resize makes the offset alternate between units).
 * Units that see nothing are skipped. */
static void offset_range(const fv_trf *t, int32_t base, int32_t other, int a, double *lo,
                         double *hi)
{
    fv_rf rb, ro;
    fv_trf_get(t, base, &rb);
    fv_trf_get(t, other, &ro);
    int64_t pb = rb.axis[a].period, po = ro.axis[a].period, x = pb, y = po;
    while (y) {
        int64_t r = x % y;
        x = y;
        y = r;
    }
    int64_t span = pb / x * po;
    if (span > 4096)
        span = 4096; /* real networks repeat within a few units */
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int64_t u = 0; u < span; u++) {
        fv_interval ib, io;
        if (fv_trf_unit(t, base, a, u, &ib, NULL) != FV_OK ||
            fv_trf_unit(t, other, a, u, &io, NULL) != FV_OK || ib.empty || io.empty)
            continue;
        double d = (double)(io.first + io.last - ib.first - ib.last) / 2;
        *lo = fmin(*lo, d);
        *hi = fmax(*hi, d);
    }
    if (*lo > *hi)
        *lo = *hi = 0;
}

static void fmt_offset(char *buf, size_t size, double lo, double hi)
{
    if (lo == hi)
        snprintf(buf, size, "%g px", lo);
    else
        snprintf(buf, size, "%g to %g px (by unit)", lo, hi);
}

static fv_status add_misaligned(fv_check *c, const fv_graph *g, const fv_trf *t)
{
    for (size_t k = 0; k < c->n_layers; k++) {
        fv_op op = fv_graph_op(g, (int32_t)k);
        if (op != FV_OP_ADD && op != FV_OP_MUL && op != FV_OP_MAX && op != FV_OP_CONCAT)
            continue;
        fv_rf rf;
        fv_trf_get(t, (int32_t)k, &rf);
        if (!rf.merge || rf.aligned)
            continue;
        int32_t base = first_spatial_input(c, g, (int32_t)k);
        fv_finding *f = fv_findings_add(&c->findings, FV_SEVERITY_WARNING, FV_RULE_MISALIGNED,
                                        (int32_t)k);
        if (!f)
            return FV_ERR_NOMEM;
        double lo[FV_AXES], hi[FV_AXES];
        char text[FV_AXES][64];
        for (int a = 0; a < FV_AXES; a++) {
            offset_range(t, base, rf.diverging, a, &lo[a], &hi[a]);
            fmt_offset(text[a], sizeof text[a], lo[a], hi[a]);
        }
        fv_finding_what(f, "branches '%s' and '%s' are not aligned: the second is centred %s "
                           "(y) and %s (x) from the first",
                        fv_graph_name(g, base), fv_graph_name(g, rf.diverging), text[0], text[1]);
        fv_finding_number(f, "offset_y_min", lo[0]);
        fv_finding_number(f, "offset_y_max", hi[0]);
        fv_finding_number(f, "offset_x_min", lo[1]);
        fv_finding_number(f, "offset_x_max", hi[1]);
        if (lo[0] == hi[0] && lo[1] == hi[1])
            fv_finding_advice(f, "the merge mixes features centred on different pixels: change "
                                 "the padding of '%s' by the offset so both branches share centres",
                              fv_graph_name(g, rf.diverging));
        else
            fv_finding_advice(f, "the offset alternates between units (an upsampling branch "
                                 "gives neighbouring units one centre), so no padding aligns "
                                 "it; 'fovea rf --unit' shows each unit's box");
    }
    return FV_OK;
}

/* SAME padding is split by the input size's parity: when the odd pixel goes
 * to one side, every unit's centre moves by half a pixel of the layer's
 * input (times its effective stride) against an even split, and the move
 * comes and goes with the input size. SAME's padding is always used (the
 * last window ends on it), unlike explicit end padding that floor rounding
 * may leave unread, so only SAME rules are judged. */
static fv_status add_same_shift(fv_check *c, const fv_graph *g, const fv_trf *t)
{
    for (size_t k = 0; k < c->n_layers; k++) {
        int32_t node = (int32_t)k;
        const fv_feature_map *m = fv_trf_map(t, node);
        fv_op op = fv_graph_op(g, node);
        if (c->layers[k].whole_input || !is_window(op) || !m)
            continue;
        const fv_window *w = &fv_graph_params(g, node)->window;
        if (w->rule != FV_PAD_SAME_UPPER && w->rule != FV_PAD_SAME_LOWER)
            continue;
        const int64_t *pb = m->pad_begin, *pe = m->pad_end;
        if (pb[0] == pe[0] && pb[1] == pe[1])
            continue;
        int32_t in = first_spatial_input(c, g, node);
        double shift[FV_AXES];
        for (int a = 0; a < FV_AXES; a++)
            shift[a] = (double)(pe[a] - pb[a]) / 2 * rat(c->stride[in][a]);
        fv_finding *f = fv_findings_add(&c->findings, FV_SEVERITY_INFO, FV_RULE_SAME_SHIFT, node);
        if (!f)
            return FV_ERR_NOMEM;
        fv_finding_what(f, "SAME padding %lld,%lld (y) and %lld,%lld (x) before,after at this "
                           "size: unit centres move %g px (y) and %g px (x) from an even split",
                        (long long)pb[0], (long long)pe[0], (long long)pb[1], (long long)pe[1],
                        shift[0], shift[1]);
        fv_finding_number(f, "shift_y", shift[0]);
        fv_finding_number(f, "shift_x", shift[1]);
        fv_finding_advice(f, "the split follows the input size's parity, so centres move with "
                             "the size: mind it when mapping units to pixels (anchors, "
                             "segmentation), or pad explicitly");
    }
    return FV_OK;
}

/* Pixels at the image edges that no unit of the layer sees, because the
 * map's size was rounded down. A layer reports only what it loses itself. */
static fv_status add_edge_loss(fv_check *c, const fv_graph *g, const fv_trf *t)
{
    if (c->input[0] <= 0)
        return FV_OK;
    size_t n = c->n_layers;
    int64_t(*lost)[FV_AXES][2] = calloc(n ? n : 1, sizeof *lost);
    if (!lost)
        return FV_ERR_NOMEM;
    fv_status st = FV_OK;
    for (size_t k = 0; k < n && st == FV_OK; k++) {
        int32_t node = (int32_t)k;
        const fv_feature_map *m = fv_trf_map(t, node);
        if (c->layers[k].whole_input || !m)
            continue;
        int grew = 0;
        for (int a = 0; a < FV_AXES; a++) {
            fv_interval first, last;
            if (fv_trf_unit(t, node, a, 0, &first, NULL) != FV_OK ||
                fv_trf_unit(t, node, a, m->size[a] - 1, &last, NULL) != FV_OK || first.empty ||
                last.empty)
                continue;
            lost[k][a][0] = first.first > 0 ? first.first : 0;
            lost[k][a][1] = last.last < c->input[a] - 1 ? c->input[a] - 1 - last.last : 0;
            for (int e = 0; e < 2; e++) {
                int64_t before = 0;
                for (size_t i = 0; i < fv_graph_n_inputs(g, node); i++) {
                    int64_t v = lost[fv_graph_input(g, node, i)][a][e];
                    before = v > before ? v : before;
                }
                grew |= lost[k][a][e] > before;
            }
        }
        if (!grew)
            continue;
        fv_finding *f = fv_findings_add(&c->findings, FV_SEVERITY_WARNING, FV_RULE_EDGE_LOSS, node);
        if (!f) {
            st = FV_ERR_NOMEM;
            break;
        }
        fv_finding_what(f, "its %lldx%lld map leaves image edges unseen: %lld,%lld rows "
                           "(top,bottom) and %lld,%lld columns (left,right)",
                        (long long)m->size[0], (long long)m->size[1], (long long)lost[k][0][0],
                        (long long)lost[k][0][1], (long long)lost[k][1][0], (long long)lost[k][1][1]);
        fv_finding_number(f, "rows_bottom", (double)lost[k][0][1]);
        fv_finding_number(f, "columns_right", (double)lost[k][1][1]);
        fv_finding_number(f, "rows_top", (double)lost[k][0][0]);
        fv_finding_number(f, "columns_left", (double)lost[k][1][0]);
        fv_finding_advice(f, "the map size was rounded down: use an input whose size the "
                             "strides divide (a multiple of %g x %g), or pad",
                          rat(c->stride[k][0]), rat(c->stride[k][1]));
    }
    free(lost);
    return st;
}

fv_status fv_check_run(const fv_graph *g, const fv_check_options *options, fv_check **out,
                       fv_diag *diag)
{
    *out = NULL;
    fv_check_options none = {{0, 0}, 0};
    if (!options)
        options = &none;
    fv_check *c = calloc(1, sizeof *c);
    if (!c)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    if (options->input[0] > 0 && options->input[1] > 0) {
        c->input[0] = options->input[0];
        c->input[1] = options->input[1];
    } else {
        fv_graph_input_size(g, c->input);
        if (c->input[0] <= 0 || c->input[1] <= 0)
            c->input[0] = c->input[1] = 0;
    }
    double min_capacity = options->min_capacity > 0 ? options->min_capacity : 1.0 / 6.0;
    fv_trf *t = NULL;
    fv_status st = fv_trf_compute(g, c->input[0] > 0 ? c->input : NULL, &t, diag);
    if (st == FV_ERR_GRAPH && c->input[0] > 0) {
        /* A map that cannot be formed at this size is a finding, not bad input. */
        int shapes_ok = 1;
        fv_diag why;
        fv_diag_init(&why);
        if (check_shapes(c, g, c->input, &shapes_ok, &why) == FV_OK && !shapes_ok)
            st = FV_OK;
    }
    if (st == FV_OK && t)
        st = fill_layers(c, g, t, diag);
    if (st == FV_OK && t) {
        fv_status s = add_border(c, g, t);
        if (s == FV_OK)
            s = add_range(c, g);
        if (s == FV_OK)
            s = add_top_rf(c, g);
        if (s == FV_OK)
            s = add_capacity(c, g, min_capacity);
        if (s == FV_OK)
            s = add_misaligned(c, g, t);
        if (s == FV_OK)
            s = add_same_shift(c, g, t);
        if (s == FV_OK)
            s = add_edge_loss(c, g, t);
        if (s != FV_OK)
            st = fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    }
    fv_trf_free(t);
    if (st != FV_OK) {
        fv_check_free(c);
        return st;
    }
    if (fv_findings_finish(&c->findings) != FV_OK) {
        fv_check_free(c);
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    }
    *out = c;
    return FV_OK;
}

void fv_check_free(fv_check *c)
{
    if (!c)
        return;
    free(c->layers);
    free(c->stride);
    fv_findings_free(&c->findings);
    free(c);
}

void fv_check_input(const fv_check *c, int64_t hw[FV_AXES])
{
    hw[0] = c->input[0];
    hw[1] = c->input[1];
}

size_t fv_check_n_layers(const fv_check *c) { return c->n_layers; }

const fv_check_layer *fv_check_layer_at(const fv_check *c, size_t k)
{
    return k < c->n_layers ? &c->layers[k] : NULL;
}

int fv_check_range(const fv_check *c, int axis, fv_input_range *range)
{
    if (!c->has_range || axis < 0 || axis >= FV_AXES)
        return 0;
    *range = c->range[axis];
    return 1;
}

size_t fv_check_n_findings(const fv_check *c) { return c->findings.n; }

const fv_finding *fv_check_finding(const fv_check *c, size_t k)
{
    return k < c->findings.n ? &c->findings.items[k] : NULL;
}
