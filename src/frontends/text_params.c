/* Per-op parameter parsing for the text format. One table says which keys
 * each op takes; one small function per key reads its value. Numbers go
 * through strtoll with the end pointer and range checked. */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fv_limits.h"
#include "text_params.h"

#define BIT(op) ((uint64_t)1 << (op))
#define WINDOW (BIT(FV_OP_CONV) | BIT(FV_OP_CONV_TRANSPOSE) | BIT(FV_OP_MAX_POOL) | BIT(FV_OP_AVG_POOL))
#define CONVS (BIT(FV_OP_CONV) | BIT(FV_OP_CONV_TRANSPOSE))
#define POOLS (BIT(FV_OP_MAX_POOL) | BIT(FV_OP_AVG_POOL))
#define BLOCKS (BIT(FV_OP_DEPTH_TO_SPACE) | BIT(FV_OP_SPACE_TO_DEPTH))

static_assert(FV_OP_COUNT <= 64, "op masks are 64-bit");

/* Aliases the text format accepts besides every op's fv_op_name. */
static const struct {
    const char *alias;
    fv_op op;
} aliases[] = {
    {"deconv", FV_OP_CONV_TRANSPOSE}, {"maxpool", FV_OP_MAX_POOL},
    {"avgpool", FV_OP_AVG_POOL},      {"gap", FV_OP_GLOBAL_AVG_POOL},
    {"gmp", FV_OP_GLOBAL_MAX_POOL},   {"fc", FV_OP_FULLY_CONNECTED},
    {"upsample", FV_OP_RESIZE},       {"up", FV_OP_RESIZE},
    {"d2s", FV_OP_DEPTH_TO_SPACE},    {"pixel_shuffle", FV_OP_DEPTH_TO_SPACE},
    {"s2d", FV_OP_SPACE_TO_DEPTH},    {"crop", FV_OP_SLICE},
    {"bn", FV_OP_BATCH_NORM},         {"leaky", FV_OP_LEAKY_RELU},
    {"swish", FV_OP_SILU},            {"hswish", FV_OP_HARD_SWISH},
    {"hsigmoid", FV_OP_HARD_SIGMOID},
};

fv_op fv_text_op(const char *name)
{
    for (size_t k = 0; k < sizeof aliases / sizeof aliases[0]; k++)
        if (strcmp(aliases[k].alias, name) == 0)
            return aliases[k].op;
    fv_op op = fv_op_from_name(name);
    /* The input is declared with its own statement, never as a layer. */
    return op == FV_OP_INPUT ? FV_OP_COUNT : op;
}

/* Reads a whole decimal integer [-]digits. Returns 0, or -1 when the text is
 * not one, -2 when it does not fit in 64 bits. */
static int read_int(const char *s, size_t n, int64_t *out)
{
    char buf[32];
    if (n == 0 || n >= sizeof buf)
        return n == 0 ? -1 : -2;
    size_t d = s[0] == '-';
    if (d == n)
        return -1;
    for (size_t k = d; k < n; k++)
        if (s[k] < '0' || s[k] > '9')
            return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *end;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (errno == ERANGE)
        return -2;
    if (end != buf + n)
        return -1;
    *out = v;
    return 0;
}

typedef struct pctx {
    fv_layer *layer;
    fv_pstate *ps;
    const char *key;
    const char *value;
    char *msg;
    size_t size;
} pctx;

static fv_status fail(pctx *c, fv_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static fv_status fail(pctx *c, fv_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->msg, c->size, fmt, ap);
    va_end(ap);
    return st;
}

static fv_status bad_form(pctx *c, const char *forms)
{
    return fail(c, FV_ERR_SYNTAX, "bad %s= value '%s': expected %s", c->key, c->value, forms);
}

/* One integer of a value, with the messages every key shares. */
static fv_status part(pctx *c, const char *s, size_t n, int64_t min, const char *forms,
                      int64_t *out)
{
    int r = read_int(s, n, out);
    if (r == -2)
        return fail(c, FV_ERR_LIMIT, "%s= value '%.*s' does not fit in 64 bits", c->key,
                    (int)n, s);
    if (r < 0)
        return bad_form(c, forms);
    if (*out < min)
        return fail(c, FV_ERR_SEMANTIC, "%s= must be at least %lld, not %lld", c->key,
                    (long long)min, (long long)*out);
    return FV_OK;
}

/* N or HxW, each at least `min`. */
static fv_status pair(pctx *c, int64_t min, int64_t out[FV_AXES])
{
    static const char forms[] = "N or HxW";
    const char *v = c->value;
    const char *x = strchr(v, 'x');
    fv_status st = part(c, v, x ? (size_t)(x - v) : strlen(v), min, forms, &out[0]);
    if (st != FV_OK)
        return st;
    if (!x) {
        out[1] = out[0];
        return FV_OK;
    }
    return part(c, x + 1, strlen(x + 1), min, forms, &out[1]);
}

static fv_status single(pctx *c, int64_t min, int64_t *out)
{
    return part(c, c->value, strlen(c->value), min, "an integer", out);
}

static fv_status key_k(pctx *c) { return pair(c, 1, c->layer->params.window.kernel); }
static fv_status key_s(pctx *c) { return pair(c, 1, c->layer->params.window.stride); }
static fv_status key_d(pctx *c) { return pair(c, 1, c->layer->params.window.dilation); }
static fv_status key_op(pctx *c) { return pair(c, 0, c->layer->params.window.output_padding); }
static fv_status key_b(pctx *c) { return single(c, 1, &c->layer->params.block.size); }
static fv_status key_c(pctx *c) { return single(c, 1, &c->layer->channels); }

/* The image size is checked here, where its line is known, not first by
 * shape inference. */
static fv_status key_size(pctx *c)
{
    fv_status st = pair(c, 1, c->ps->input_hw);
    for (int a = 0; st == FV_OK && a < FV_AXES; a++)
        if (c->ps->input_hw[a] > FV_MAX_DIM)
            st = fail(c, FV_ERR_LIMIT, "size= value '%s' exceeds %lld", c->value,
                      (long long)FV_MAX_DIM);
    return st;
}

/* p=N | HxW | top,left,bottom,right | same | same_lower | valid. */
static fv_status key_p(pctx *c)
{
    static const char forms[] = "N, HxW, top,left,bottom,right, same, same_lower or valid";
    static const struct {
        const char *word;
        fv_pad_rule rule;
    } rules[] = {{"same", FV_PAD_SAME_UPPER}, {"same_lower", FV_PAD_SAME_LOWER},
                 {"valid", FV_PAD_VALID}};
    int is_pad = c->layer->op == FV_OP_PAD;
    for (size_t k = 0; k < sizeof rules / sizeof rules[0]; k++) {
        if (strcmp(c->value, rules[k].word) != 0)
            continue;
        if (is_pad)
            return fail(c, FV_ERR_SEMANTIC, "pad takes explicit sizes, not '%s'", c->value);
        c->layer->params.window.rule = rules[k].rule;
        return FV_OK;
    }
    int64_t begin[FV_AXES], end[FV_AXES];
    int64_t min = is_pad ? INT64_MIN : 0;
    const char *v = c->value;
    if (strchr(v, ',')) {
        int64_t four[4];
        for (int k = 0; k < 4; k++) {
            const char *comma = strchr(v, ',');
            if ((k < 3) != (comma != NULL))
                return bad_form(c, forms);
            size_t n = comma ? (size_t)(comma - v) : strlen(v);
            fv_status st = part(c, v, n, min, forms, &four[k]);
            if (st != FV_OK)
                return st;
            v += n + 1;
        }
        begin[0] = four[0], begin[1] = four[1], end[0] = four[2], end[1] = four[3];
    } else {
        fv_status st = pair(c, min, begin);
        if (st != FV_OK)
            return st == FV_ERR_SYNTAX ? bad_form(c, forms) : st;
        end[0] = begin[0], end[1] = begin[1];
    }
    for (int a = 0; a < FV_AXES; a++) {
        if (is_pad) {
            c->layer->params.pad.begin[a] = begin[a];
            c->layer->params.pad.end[a] = end[a];
        } else {
            c->layer->params.window.pad_begin[a] = begin[a];
            c->layer->params.window.pad_end[a] = end[a];
        }
    }
    if (!is_pad)
        c->layer->params.window.rule = FV_PAD_EXPLICIT;
    return FV_OK;
}

/* g=N, or g=dw / g=c for depthwise: groups equal to the channels of c=. */
static fv_status key_g(pctx *c)
{
    if (strcmp(c->value, "dw") == 0 || strcmp(c->value, "c") == 0) {
        c->ps->depthwise = 1;
        return FV_OK;
    }
    fv_status st = part(c, c->value, strlen(c->value), 1, "an integer, dw or c",
                        &c->layer->params.window.groups);
    return st;
}

/* A bare flag, or =0 / =1. */
static fv_status flag01(pctx *c, int *out)
{
    if (!c->value) {
        *out = 1;
        return FV_OK;
    }
    if (strcmp(c->value, "0") == 0 || strcmp(c->value, "1") == 0) {
        *out = c->value[0] == '1';
        return FV_OK;
    }
    return fail(c, FV_ERR_SYNTAX, "%s takes 0 or 1, not '%s'", c->key, c->value);
}

static fv_status key_ceil(pctx *c) { return flag01(c, &c->layer->params.window.ceil_mode); }

static fv_status key_align(pctx *c)
{
    c->layer->params.resize.align_corners = 1;
    return FV_OK;
}

static fv_status key_exclude(pctx *c)
{
    c->layer->params.resize.exclude_outside = 1;
    return FV_OK;
}

/* A finite decimal number (no hexadecimal floats): the values that are
 * not integers, alpha= and a=; `example` goes into the message. */
static fv_status decimal(pctx *c, const char *example, double *v)
{
    char buf[64];
    size_t n = strlen(c->value);
    if (n == 0 || n >= sizeof buf || strpbrk(c->value, "xXpP"))
        return bad_form(c, example);
    memcpy(buf, c->value, n + 1);
    char *end;
    errno = 0;
    *v = strtod(buf, &end);
    if (end != buf + n || errno == ERANGE || !isfinite(*v))
        return bad_form(c, example);
    return FV_OK;
}

/* a=-0.5: the cubic resize's a (Keys). */
static fv_status key_a(pctx *c)
{
    return decimal(c, "a decimal number such as -0.5", &c->layer->params.resize.cubic_a);
}

/* f=N | HxW | N/M, each axis a positive integer or ratio. */
static fv_status key_f(pctx *c)
{
    static const char forms[] = "N, HxW or N/M with positive integers";
    const char *v = c->value;
    fv_resize *r = &c->layer->params.resize;
    for (int a = 0; a < FV_AXES; a++) {
        const char *x = a == 0 ? strchr(v, 'x') : NULL;
        size_t n = x ? (size_t)(x - v) : strlen(v);
        const char *slash = memchr(v, '/', n);
        size_t nn = slash ? (size_t)(slash - v) : n;
        int64_t num, den = 1;
        if (read_int(v, nn, &num) == -2 ||
            (slash && read_int(slash + 1, n - nn - 1, &den) == -2))
            return fail(c, FV_ERR_LIMIT, "f= value '%s' does not fit in 64 bits", c->value);
        if (read_int(v, nn, &num) != 0 || num < 1 ||
            (slash && (read_int(slash + 1, n - nn - 1, &den) != 0 || den < 1)))
            return bad_form(c, forms);
        r->scale_num[a] = num;
        r->scale_den[a] = den;
        if (a == 0 && !x) {
            r->scale_num[1] = num;
            r->scale_den[1] = den;
            break;
        }
        if (x) /* the width follows the 'x' */
            v = x + 1;
    }
    return FV_OK;
}

static fv_status key_mode(pctx *c)
{
    static const struct {
        const char *word;
        fv_resize_mode mode;
    } modes[] = {{"nearest", FV_RESIZE_NEAREST},
                 {"linear", FV_RESIZE_LINEAR},
                 {"bilinear", FV_RESIZE_LINEAR},
                 {"cubic", FV_RESIZE_CUBIC}};
    for (size_t k = 0; k < sizeof modes / sizeof modes[0]; k++)
        if (strcmp(c->value, modes[k].word) == 0) {
            c->layer->params.resize.mode = modes[k].mode;
            return FV_OK;
        }
    return fail(c, FV_ERR_SEMANTIC,
                "unknown resize mode '%s': expected nearest, linear, bilinear or cubic",
                c->value);
}

/* mode=dcr | crd of depth_to_space and space_to_depth. */
static fv_status key_order(pctx *c)
{
    if (strcmp(c->value, "dcr") == 0 || strcmp(c->value, "crd") == 0) {
        c->layer->params.block.order = c->value[0] == 'c' ? FV_BLOCK_CRD : FV_BLOCK_DCR;
        return FV_OK;
    }
    return fail(c, FV_ERR_SEMANTIC, "unknown channel order '%s': expected dcr or crd", c->value);
}

/* y= / x=START:END[:STEP], START and END may be empty (from the start, to the end). */
static fv_status slice_axis(pctx *c, int a)
{
    static const char forms[] = "START:END or START:END:STEP";
    const char *v = c->value;
    const char *c1 = strchr(v, ':');
    if (!c1)
        return bad_form(c, forms);
    const char *c2 = strchr(c1 + 1, ':');
    fv_slice *s = &c->layer->params.slice;
    size_t n1 = (size_t)(c1 - v);
    size_t n2 = c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1);
    fv_status st;
    if (n1 && (st = part(c, v, n1, INT64_MIN, forms, &s->start[a])) != FV_OK)
        return st;
    if (n2 && (st = part(c, c1 + 1, n2, INT64_MIN, forms, &s->end[a])) != FV_OK)
        return st;
    if (c2 && (st = part(c, c2 + 1, strlen(c2 + 1), 1, forms, &s->step[a])) != FV_OK)
        return st;
    return FV_OK;
}

/* A decimal number of at least 0 into *out. */
static fv_status non_negative(pctx *c, double *out)
{
    double v = 0;
    fv_status st = decimal(c, "a number such as 0.1", &v);
    if (st == FV_OK && v < 0)
        return fail(c, FV_ERR_SEMANTIC, "%s= must be at least 0, not %s", c->key, c->value);
    if (st == FV_OK)
        *out = v;
    return st;
}

/* alpha=X: leaky_relu's slope below 0, elu's factor of exp(x) - 1. */
static fv_status key_alpha(pctx *c) { return non_negative(c, &c->layer->params.pointwise.alpha); }

/* scale=X: normalize's factor, or power's factor of x; eps=X: what
 * normalize adds under the square root. */
static fv_status key_scale(pctx *c)
{
    fv_params *p = &c->layer->params;
    return decimal(c, "a number such as 0.1",
                   c->layer->op == FV_OP_POWER ? &p->power.scale : &p->normalize.scale);
}
static fv_status key_eps(pctx *c) { return non_negative(c, &c->layer->params.normalize.eps); }

/* power=X and shift=X: power's (shift + scale * x)^power, any finite
 * numbers here; the ERF engine decides which it can run. */
static fv_status key_power(pctx *c)
{
    return decimal(c, "a number such as 2", &c->layer->params.power.power);
}
static fv_status key_shift(pctx *c)
{
    return decimal(c, "a number such as 0.1", &c->layer->params.power.shift);
}

static fv_status key_y(pctx *c) { return slice_axis(c, FV_AXIS_Y); }
static fv_status key_x(pctx *c) { return slice_axis(c, FV_AXIS_X); }

enum { FLAG_NONE, FLAG_ONLY, FLAG_OR_VALUE };

static const struct {
    const char *name;
    uint64_t ops;
    int flag;
    fv_status (*read)(pctx *c);
} keys[] = {
    {"k", WINDOW, FLAG_NONE, key_k},
    {"s", WINDOW, FLAG_NONE, key_s},
    {"d", CONVS | BIT(FV_OP_MAX_POOL), FLAG_NONE, key_d},
    {"p", WINDOW | BIT(FV_OP_PAD), FLAG_NONE, key_p},
    {"g", CONVS, FLAG_NONE, key_g},
    {"c", CONVS | BIT(FV_OP_FULLY_CONNECTED) | BIT(FV_OP_INPUT), FLAG_NONE, key_c},
    {"ceil", POOLS, FLAG_OR_VALUE, key_ceil},
    {"op", BIT(FV_OP_CONV_TRANSPOSE), FLAG_NONE, key_op},
    {"f", BIT(FV_OP_RESIZE), FLAG_NONE, key_f},
    {"mode", BIT(FV_OP_RESIZE), FLAG_NONE, key_mode},
    {"align_corners", BIT(FV_OP_RESIZE), FLAG_ONLY, key_align},
    {"a", BIT(FV_OP_RESIZE), FLAG_NONE, key_a},
    {"exclude_outside", BIT(FV_OP_RESIZE), FLAG_ONLY, key_exclude},
    {"b", BLOCKS, FLAG_NONE, key_b},
    {"mode", BLOCKS, FLAG_NONE, key_order},
    {"y", BIT(FV_OP_SLICE), FLAG_NONE, key_y},
    {"x", BIT(FV_OP_SLICE), FLAG_NONE, key_x},
    {"size", BIT(FV_OP_INPUT), FLAG_NONE, key_size},
    {"alpha", BIT(FV_OP_LEAKY_RELU) | BIT(FV_OP_ELU), FLAG_NONE, key_alpha},
    {"scale", BIT(FV_OP_NORMALIZE) | BIT(FV_OP_POWER), FLAG_NONE, key_scale},
    {"eps", BIT(FV_OP_NORMALIZE), FLAG_NONE, key_eps},
    {"power", BIT(FV_OP_POWER), FLAG_NONE, key_power},
    {"shift", BIT(FV_OP_POWER), FLAG_NONE, key_shift},
};

static_assert(sizeof keys / sizeof keys[0] <= 32, "fv_pstate.seen has 32 bits");

/* Whether the layer's parameters included `key`. */
static int seen(const fv_pstate *ps, const char *key)
{
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        if (strcmp(keys[k].name, key) == 0 && (ps->seen & (1u << k)))
            return 1;
    return 0;
}

fv_status fv_text_param(fv_layer *layer, fv_pstate *ps, const char *key, const char *value,
                        char *msg, size_t size, int *at_key)
{
    pctx c = {layer, ps, key, value, msg, size};
    *at_key = 1;
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        if (strcmp(keys[k].name, key) != 0 || !(keys[k].ops & BIT(layer->op)))
            continue;
        if (ps->seen & (1u << k))
            return fail(&c, FV_ERR_SEMANTIC, "duplicate parameter '%s'", key);
        ps->seen |= 1u << k;
        if (!value && keys[k].flag == FLAG_NONE)
            return fail(&c, FV_ERR_SYNTAX, "parameter '%s' needs a value, as in %s=...", key,
                        key);
        *at_key = 0;
        if (value && keys[k].flag == FLAG_ONLY)
            return fail(&c, FV_ERR_SYNTAX, "'%s' is a flag and takes no value", key);
        return keys[k].read(&c);
    }
    return fail(&c, FV_ERR_SEMANTIC, "unknown parameter '%s' for %s", key,
                layer->op == FV_OP_INPUT ? "the input" : fv_op_name(layer->op));
}

fv_status fv_text_param_finish(fv_layer *layer, fv_pstate *ps, char *msg, size_t size)
{
    pctx c = {layer, ps, "", "", msg, size};
    const char *op = fv_op_name(layer->op);
    uint64_t bit = BIT(layer->op);
    if ((bit & WINDOW) && !seen(ps, "k"))
        return fail(&c, FV_ERR_SEMANTIC, "%s needs a kernel size: k=N or k=HxW", op);
    if (ps->depthwise) {
        if (!seen(ps, "c"))
            return fail(&c, FV_ERR_SEMANTIC, "g=dw needs c= (depthwise: groups = channels)");
        layer->params.window.groups = layer->channels;
    }
    if ((bit & BIT(FV_OP_RESIZE)) && !seen(ps, "f"))
        return fail(&c, FV_ERR_SEMANTIC, "resize needs a scale: f=N, f=HxW or f=N/M");
    if ((bit & BIT(FV_OP_RESIZE)) && layer->params.resize.mode != FV_RESIZE_CUBIC &&
        (seen(ps, "a") || seen(ps, "exclude_outside")))
        return fail(&c, FV_ERR_SEMANTIC, "%s belongs to cubic resizes (mode=cubic)",
                    seen(ps, "a") ? "a=" : "exclude_outside");
    if ((bit & BLOCKS) && !seen(ps, "b"))
        return fail(&c, FV_ERR_SEMANTIC, "%s needs a block size: b=N", op);
    if ((bit & BIT(FV_OP_PAD)) && !seen(ps, "p"))
        return fail(&c, FV_ERR_SEMANTIC, "pad needs p=");
    if ((bit & BIT(FV_OP_SLICE)) && !seen(ps, "y") && !seen(ps, "x"))
        return fail(&c, FV_ERR_SEMANTIC, "slice needs y=START:END or x=START:END");
    return FV_OK;
}
