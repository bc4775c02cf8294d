/* The `head` statement of the text format: a detector's anchors on the grid
 * of one layer, given as a list (anchors=WxH,...), by SSD's PriorBox rule
 * (min= max= aspect= flip) or as every size at every aspect ratio, the
 * Faster R-CNN anchor generator (sizes= aspect=). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_private.h"
#include "text_expand.h"
#include "text_head.h"

enum {
    KEY_KIND,
    KEY_ANCHORS,
    KEY_SCALE,
    KEY_MIN,
    KEY_MAX,
    KEY_ASPECT,
    KEY_FLIP,
    KEY_SIZES,
    KEY_STEP,
    KEY_OFFSET,
    KEY_COUNT
};

static const char *const key_names[KEY_COUNT] = {
    "kind", "anchors", "scale", "min", "max", "aspect", "flip", "sizes", "step", "offset",
};

#define HAS(h, k) (((h)->seen >> (k)) & 1u)

void fv_text_head_init(fv_text_head *h)
{
    memset(h, 0, sizeof *h);
    h->kind = FV_HEAD_KIND_COUNT;
    h->scale = 1.0;
    h->offset = 0.5;
}

void fv_text_head_free(fv_text_head *h)
{
    free(h->anchors);
    free(h->mins);
    free(h->maxs);
    free(h->aspects);
    free(h->sizes);
    free(h->built);
    memset(h, 0, sizeof *h);
}

static fv_status fail(char *msg, size_t size, fv_status st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static fv_status fail(char *msg, size_t size, fv_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, size, fmt, ap);
    va_end(ap);
    return st;
}

/* A finite decimal number filling [s, s + n): 32, 0.57273, 1e3; positive,
 * or with `zero` also 0. */
static int read_number(const char *s, size_t n, int zero, double *out)
{
    char buf[64];
    if (n == 0 || n >= sizeof buf || !((s[0] >= '0' && s[0] <= '9') || s[0] == '.'))
        return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    for (size_t k = 0; k < n; k++)
        if (buf[k] == 'x' || buf[k] == 'X' || buf[k] == 'p' || buf[k] == 'P')
            return 0; /* no hexadecimal floats */
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (end != buf + n || errno == ERANGE || !isfinite(v) || v < 0 || (v == 0 && !zero))
        return 0;
    *out = v;
    return 1;
}

static int read_real(const char *s, size_t n, double *out) { return read_number(s, n, 0, out); }

/* A comma-separated list of numbers, or with `pairs` of W or WxH items
 * (W alone is a square), into a fresh array of 1 or 2 numbers per item. */
static fv_status read_list(const char *key, const char *value, int pairs, double **out,
                           size_t *n, char *msg, size_t size)
{
    size_t cap = 1;
    for (const char *p = value; *p; p++)
        cap += *p == ',';
    double *v = malloc(cap * (pairs ? 2 : 1) * sizeof *v);
    if (!v)
        return fail(msg, size, FV_ERR_NOMEM, "out of memory");
    size_t k = 0;
    for (const char *p = value;; k++) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        const char *x = pairs ? memchr(p, 'x', len) : NULL;
        int ok = x ? read_real(p, (size_t)(x - p), &v[2 * k]) &&
                         read_real(x + 1, len - (size_t)(x - p) - 1, &v[2 * k + 1])
                   : read_real(p, len, &v[pairs ? 2 * k : k]);
        if (ok && pairs && !x)
            v[2 * k + 1] = v[2 * k];
        if (!ok) {
            free(v);
            return fail(msg, size, FV_ERR_SYNTAX,
                        "bad %s= value '%s': expected %s, positive numbers separated by ','",
                        key, value, pairs ? "W or WxH items" : "numbers");
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    *out = v;
    *n = k + 1;
    return FV_OK;
}

fv_status fv_text_head_param(fv_text_head *h, const char *key, const char *value, char *msg,
                             size_t size, int *at_key)
{
    *at_key = 1;
    int k = 0;
    while (k < KEY_COUNT && strcmp(key_names[k], key) != 0)
        k++;
    if (k == KEY_COUNT)
        return fail(msg, size, FV_ERR_SEMANTIC,
                    "unknown parameter '%s' for head (it takes on, kind, anchors, scale, min, "
                    "max, aspect, flip, sizes, step, offset)", key);
    if (HAS(h, k))
        return fail(msg, size, FV_ERR_SEMANTIC, "duplicate parameter '%s'", key);
    h->seen |= 1u << k;
    if (k == KEY_FLIP) {
        if (value)
            return fail(msg, size, FV_ERR_SYNTAX, "'flip' is a flag: write it without a value");
        h->flip = 1;
        return FV_OK;
    }
    if (!value)
        return fail(msg, size, FV_ERR_SYNTAX, "parameter '%s' needs a value, as in %s=...", key,
                    key);
    *at_key = 0;
    switch (k) {
    case KEY_KIND:
        for (int kind = 0; kind < FV_HEAD_KIND_COUNT; kind++)
            if (strcmp(fv_head_kind_name((fv_head_kind)kind), value) == 0)
                h->kind = (fv_head_kind)kind;
        if (h->kind == FV_HEAD_KIND_COUNT)
            return fail(msg, size, FV_ERR_SEMANTIC,
                        "bad kind= value '%s': expected priorbox, yolo, region or rpn", value);
        return FV_OK;
    case KEY_ANCHORS:
        return read_list(key, value, 1, &h->anchors, &h->n_anchors, msg, size);
    case KEY_MIN:
        return read_list(key, value, 0, &h->mins, &h->n_mins, msg, size);
    case KEY_MAX:
        return read_list(key, value, 0, &h->maxs, &h->n_maxs, msg, size);
    case KEY_ASPECT:
        return read_list(key, value, 0, &h->aspects, &h->n_aspects, msg, size);
    case KEY_SIZES:
        return read_list(key, value, 0, &h->sizes, &h->n_sizes, msg, size);
    case KEY_SCALE:
    case KEY_OFFSET: {
        double *out = k == KEY_SCALE ? &h->scale : &h->offset;
        if (!read_number(value, strlen(value), k == KEY_OFFSET, out))
            return fail(msg, size, FV_ERR_SYNTAX, "bad %s= value '%s': expected a %s number", key,
                        value, k == KEY_OFFSET ? "non-negative" : "positive");
        return FV_OK;
    }
    default: { /* KEY_STEP: N or HxW */
        const char *x = strchr(value, 'x');
        size_t len = strlen(value);
        int ok = x ? read_real(value, (size_t)(x - value), &h->step[0]) &&
                         read_real(x + 1, len - (size_t)(x - value) - 1, &h->step[1])
                   : read_real(value, len, &h->step[0]);
        if (ok && !x)
            h->step[1] = h->step[0];
        if (!ok)
            return fail(msg, size, FV_ERR_SYNTAX,
                        "bad step= value '%s': expected N or HxW, positive numbers", value);
        return FV_OK;
    }
    }
}

/* Every size at every aspect ratio w/h (1 when none is given), ratio by
 * ratio as Faster R-CNN's generate_anchors orders them. */
static fv_status size_grid(fv_text_head *h, size_t *n, char *msg, size_t size)
{
    static const double one = 1.0;
    const double *ars = h->n_aspects ? h->aspects : &one;
    size_t n_ar = h->n_aspects ? h->n_aspects : 1;
    *n = n_ar * h->n_sizes;
    if (!(h->built = malloc(2 * *n * sizeof *h->built)))
        return fail(msg, size, FV_ERR_NOMEM, "out of memory");
    size_t k = 0;
    for (size_t r = 0; r < n_ar; r++)
        for (size_t s = 0; s < h->n_sizes; s++, k++) {
            h->built[k] = h->sizes[s] * sqrt(ars[r]);
            h->built[*n + k] = h->sizes[s] / sqrt(ars[r]);
        }
    return FV_OK;
}

fv_status fv_text_head_finish(fv_text_head *h, fv_head *head, char *msg, size_t size)
{
    if (!HAS(h, KEY_KIND))
        return fail(msg, size, FV_ERR_SEMANTIC,
                    "a head needs kind=priorbox, yolo, region or rpn");
    int rules = HAS(h, KEY_ANCHORS) + HAS(h, KEY_MIN) + HAS(h, KEY_SIZES);
    if (rules != 1)
        return fail(msg, size, FV_ERR_SEMANTIC,
                    "a head takes its anchors from exactly one of anchors=, min= or sizes=");
    if (!HAS(h, KEY_MIN) && (HAS(h, KEY_MAX) || HAS(h, KEY_FLIP)))
        return fail(msg, size, FV_ERR_SEMANTIC, "max= and flip go with min= (SSD's PriorBox)");
    if (!HAS(h, KEY_ANCHORS) && HAS(h, KEY_SCALE))
        return fail(msg, size, FV_ERR_SEMANTIC, "scale= goes with anchors=");
    if (HAS(h, KEY_ANCHORS) && HAS(h, KEY_ASPECT))
        return fail(msg, size, FV_ERR_SEMANTIC,
                    "aspect= goes with min= or sizes=, not with a list of anchors");
    if (h->n_maxs && h->n_maxs != h->n_mins)
        return fail(msg, size, FV_ERR_SEMANTIC,
                    "%zu max= values for %zu min= values: give one per min or none", h->n_maxs,
                    h->n_mins);
    for (size_t k = 0; k < h->n_maxs; k++)
        if (h->maxs[k] <= h->mins[k])
            return fail(msg, size, FV_ERR_SEMANTIC, "max= %g must be larger than min= %g",
                        h->maxs[k], h->mins[k]);
    size_t n = 0;
    if (HAS(h, KEY_ANCHORS)) {
        n = h->n_anchors;
        if (!(h->built = malloc(2 * n * sizeof *h->built)))
            return fail(msg, size, FV_ERR_NOMEM, "out of memory");
        for (size_t k = 0; k < n; k++) {
            h->built[k] = h->anchors[2 * k] * h->scale;
            h->built[n + k] = h->anchors[2 * k + 1] * h->scale;
        }
    } else if (HAS(h, KEY_MIN)) {
        fv_priorbox pb = {h->mins, h->n_mins, h->maxs, h->n_maxs, h->aspects, h->n_aspects,
                          h->flip};
        double *w, *hh;
        if (fv_priorbox_anchors(&pb, &w, &hh, &n) != FV_OK)
            return fail(msg, size, FV_ERR_NOMEM, "out of memory");
        /* Keep widths then heights back to back, as the other rules do. */
        memmove(w + n, hh, n * sizeof *w);
        h->built = w;
    } else {
        fv_status st = size_grid(h, &n, msg, size);
        if (st != FV_OK)
            return st;
    }
    *head = (fv_head){.kind = h->kind, .n_anchors = n, .anchor_w = h->built,
                      .anchor_h = h->built + n, .step = {h->step[0], h->step[1]},
                      .offset = h->offset};
    return FV_OK;
}

/* head on=LAYER kind=KIND ...: the anchors of a detector, on a layer's grid. */
fv_status tx_expand_head(expander *ex, scope *sc, const fv_tstmt *s)
{
    fv_status st = tx_need_input(ex, s);
    if (st != FV_OK)
        return st;
    fv_text_head hs;
    fv_text_head_init(&hs);
    int32_t node = -1;
    const fv_token *on = NULL, *key, *value;
    for (size_t k = s->args_begin; st == FV_OK && tx_next_arg(ex->prog, &k, s->args_end, &key, &value);) {
        char kbuf[64];
        snprintf(kbuf, sizeof kbuf, "%.*s", (int)key->len, key->text);
        if (value && (st = tx_subst(ex, sc, value)) != FV_OK)
            break;
        if (strcmp(kbuf, "on") == 0) {
            int32_t *inputs = NULL;
            size_t n = 0;
            if (on)
                st = tx_err(ex, FV_ERR_SEMANTIC, key, "duplicate parameter 'on'");
            else if (!value)
                st = tx_err(ex, FV_ERR_SYNTAX, key, "parameter 'on' needs a value, as in on=conv4_3");
            else if ((st = tx_read_from(ex, sc, "on", value, &inputs, &n)) == FV_OK && n != 1)
                st = tx_err(ex, FV_ERR_SEMANTIC, key, "a head sits on one layer, not %zu", n);
            if (inputs)
                node = inputs[0];
            free(inputs);
            on = key;
            continue;
        }
        char msg[400];
        int at_key;
        st = fv_text_head_param(&hs, kbuf, value ? ex->buf : NULL, msg, sizeof msg, &at_key);
        if (st != FV_OK)
            st = tx_err(ex, st, at_key ? key : value, "%s", msg);
    }
    if (st == FV_OK && !on)
        st = tx_err(ex, FV_ERR_SEMANTIC, s->head, "a head needs the layer it sits on: on=LAYER");
    fv_head head;
    if (st == FV_OK) {
        char msg[400];
        st = fv_text_head_finish(&hs, &head, msg, sizeof msg);
        if (st != FV_OK)
            st = tx_err(ex, st, s->head, "%s", msg);
    }
    if (st == FV_OK) {
        head.node = node;
        head.pos = (fv_srcpos){s->head->line, s->head->col};
        st = fv_graph_add_head(ex->g, &head, ex->src->diag);
    }
    fv_text_head_free(&hs);
    return st;
}
