/* The Caffe .prototxt frontend: the net's inputs, its blobs (the name a
 * later layer refers to is the latest layer that wrote it, so in-place
 * layers chain), value access, and the loop over `layer` / legacy `layers`.
 * What each type becomes lives in caffe_layers.c. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "caffe.h"
#include "graph_private.h"

const pt_field *cf_find(const pt_msg *m, const char *name)
{
    for (size_t i = 0; m && i < m->n; i++)
        if (strcmp(m->fields[i].name, name) == 0)
            return &m->fields[i];
    return NULL;
}

size_t cf_count(const pt_msg *m, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; m && i < m->n; i++)
        n += strcmp(m->fields[i].name, name) == 0;
    return n;
}

static fv_status verror(cf_build *b, int32_t line, int32_t col, fv_status status, const char *fmt,
                        va_list ap)
{
    char what[480];
    vsnprintf(what, sizeof what, fmt, ap);
    return pt_error(b->lx, b->diag, status, line, col, "%s", what);
}

fv_status cf_layer_error(cf_build *b, const cf_layer *l, fv_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fv_status st = verror(b, l->field->line, l->field->col, status, fmt, ap);
    va_end(ap);
    return st;
}

fv_status cf_value_error(cf_build *b, const pt_field *f, fv_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fv_status st = verror(b, f->vline, f->vcol, status, fmt, ap);
    va_end(ap);
    return st;
}

fv_status cf_int(cf_build *b, const pt_field *f, int64_t lo, int64_t hi, int64_t *out)
{
    if (f->kind != PT_NUMBER)
        return cf_value_error(b, f, FV_ERR_SYNTAX, "'%s' must be an integer", f->name);
    char *end;
    errno = 0;
    long long v = strtoll(f->text, &end, 0);
    if (*end || errno == ERANGE)
        return cf_value_error(b, f, FV_ERR_SYNTAX, "'%s' must be an integer, not '%s'", f->name,
                              f->text);
    if (v < lo || v > hi)
        return cf_value_error(b, f, FV_ERR_SEMANTIC, "'%s' is %lld; it must lie in %lld..%lld",
                              f->name, v, (long long)lo, (long long)hi);
    *out = v;
    return FV_OK;
}

fv_status cf_opt_int(cf_build *b, const pt_msg *m, const char *name, int64_t dflt, int64_t lo,
                     int64_t hi, int64_t *out)
{
    const pt_field *f = cf_find(m, name);
    if (!f) {
        *out = dflt;
        return FV_OK;
    }
    return cf_int(b, f, lo, hi, out);
}

fv_status cf_num(cf_build *b, const pt_field *f, double *out)
{
    char *end = NULL;
    double v = 0;
    if (f->kind == PT_NUMBER) {
        errno = 0;
        v = strtod(f->text, &end);
    }
    if (f->kind != PT_NUMBER || *end || errno == ERANGE || !isfinite(v))
        return cf_value_error(b, f, FV_ERR_SYNTAX, "'%s' must be a finite number", f->name);
    *out = v;
    return FV_OK;
}

fv_status cf_opt_num(cf_build *b, const pt_msg *m, const char *name, double dflt, double *out)
{
    const pt_field *f = cf_find(m, name);
    *out = dflt;
    return f ? cf_num(b, f, out) : FV_OK;
}

fv_status cf_opt_bool(cf_build *b, const pt_msg *m, const char *name, int dflt, int *out)
{
    const pt_field *f = cf_find(m, name);
    *out = dflt;
    if (!f)
        return FV_OK;
    if ((f->kind == PT_IDENT || f->kind == PT_NUMBER) &&
        (!strcmp(f->text, "true") || !strcmp(f->text, "1"))) {
        *out = 1;
        return FV_OK;
    }
    if ((f->kind == PT_IDENT || f->kind == PT_NUMBER) &&
        (!strcmp(f->text, "false") || !strcmp(f->text, "0"))) {
        *out = 0;
        return FV_OK;
    }
    return cf_value_error(b, f, FV_ERR_SYNTAX, "'%s' must be true or false", name);
}

fv_status cf_opt_enum(cf_build *b, const pt_msg *m, const char *name, const char *const *names,
                      int dflt, int *out)
{
    const pt_field *f = cf_find(m, name);
    *out = dflt;
    if (!f)
        return FV_OK;
    for (int i = 0; f->kind == PT_IDENT && names[i]; i++)
        if (strcmp(f->text, names[i]) == 0) {
            *out = i;
            return FV_OK;
        }
    char list[200] = "";
    for (int i = 0; names[i]; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", names[i]);
    return cf_value_error(b, f, FV_ERR_SEMANTIC, "'%s' must be one of %s", name, list);
}

fv_status cf_sub(cf_build *b, const cf_layer *l, const char *name, const pt_msg **out)
{
    const pt_field *f = cf_find(l->m, name);
    *out = NULL;
    if (!f)
        return FV_OK;
    if (f->kind != PT_MESSAGE)
        return cf_value_error(b, f, FV_ERR_SYNTAX, "'%s' must be a message { ... }", name);
    *out = f->msg;
    return FV_OK;
}

static cf_blob *find_blob(cf_build *b, const char *name)
{
    for (size_t i = 0; i < b->n_blobs; i++)
        if (strcmp(b->blobs[i].name, name) == 0)
            return &b->blobs[i];
    return NULL;
}

static fv_status bind(cf_build *b, const char *name, int32_t node, int64_t channels, int flat,
                      int permuted)
{
    cf_blob *x = find_blob(b, name);
    if (!x) {
        if (b->n_blobs == b->cap_blobs) {
            size_t cap = b->cap_blobs ? 2 * b->cap_blobs : 64;
            cf_blob *p = realloc(b->blobs, cap * sizeof *p);
            if (!p)
                return fv_diag_set(b->diag, FV_ERR_NOMEM, "out of memory");
            b->blobs = p;
            b->cap_blobs = cap;
        }
        x = &b->blobs[b->n_blobs++];
        x->name = name;
    }
    x->node = node;
    x->channels = channels;
    x->flat = flat;
    x->permuted = permuted && !flat;
    return FV_OK;
}

void cf_stand_in(cf_layer *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->why, sizeof l->why, fmt, ap);
    va_end(ap);
    l->inexact = l->why;
}

/* Marks node i when `inexact` says its op stands in for the layer. */
static fv_status mark(cf_build *b, int32_t i, const char *inexact)
{
    if (inexact && fv_graph_mark_inexact(b->g, i, inexact) != FV_OK)
        return fv_diag_set(b->diag, FV_ERR_NOMEM, "out of memory");
    return FV_OK;
}

fv_status cf_add_top(cf_build *b, const cf_layer *l, const pt_field *top, fv_layer *layer,
                     int64_t channels, int flat, const char *inexact)
{
    char name[FV_MAX_NAME + 1];
    snprintf(name, sizeof name, "%s/%s", l->name, top->text);
    layer->name = name;
    layer->pos = (fv_srcpos){l->field->line, l->field->col};
    layer->channels = channels;
    int32_t node;
    fv_status st = fv_graph_add(b->g, layer, &node, b->diag);
    if (st == FV_OK)
        st = mark(b, node, inexact);
    return st != FV_OK ? st : bind(b, top->text, node, channels, flat, l->bottoms[0].permuted);
}

/* An input image: `input` with `input_shape { dim }` or four `input_dim`s,
 * or an Input layer's shape. dims are N, C, H, W. */
static fv_status add_input(cf_build *b, const char *name, const int64_t dims[4], fv_srcpos pos)
{
    fv_layer in;
    fv_layer_init(&in, FV_OP_INPUT);
    in.name = name;
    in.channels = dims[1];
    in.pos = pos;
    int32_t node;
    fv_status st = fv_graph_add(b->g, &in, &node, b->diag);
    if (st != FV_OK)
        return st;
    fv_graph_set_input_size(b->g, dims + 2);
    return bind(b, name, node, dims[1], 0, 0);
}

/* Four dims from the repeated `dim` fields of m, or from `flat` fields
 * starting at the k-th group of four (input_dim). */
static fv_status read_dims(cf_build *b, const pt_msg *m, const char *field, size_t group,
                           const pt_field *where, int64_t dims[4])
{
    size_t seen = 0, got = 0;
    for (size_t i = 0; i < m->n && got < 4; i++) {
        if (strcmp(m->fields[i].name, field) != 0 || seen++ < 4 * group)
            continue;
        fv_status st = cf_int(b, &m->fields[i], 1, FV_MAX_DIM, &dims[got++]);
        if (st != FV_OK)
            return st;
    }
    if (got != 4)
        return pt_error(b->lx, b->diag, FV_ERR_SEMANTIC, where->line, where->col,
                        "an input needs four dims (N, C, H, W); found %zu", got);
    return FV_OK;
}

static fv_status net_inputs(cf_build *b, const pt_msg *root)
{
    size_t k = 0, n_shapes = cf_count(root, "input_shape");
    for (size_t i = 0; i < root->n; i++) {
        const pt_field *f = &root->fields[i];
        if (strcmp(f->name, "input") != 0)
            continue;
        if (f->kind != PT_STRING)
            return cf_value_error(b, f, FV_ERR_SYNTAX, "'input' must be a string");
        int64_t dims[4];
        fv_status st;
        if (n_shapes > 0) {
            const pt_field *shape = NULL;
            for (size_t j = 0, seen = 0; j < root->n && !shape; j++)
                if (strcmp(root->fields[j].name, "input_shape") == 0 && seen++ == k)
                    shape = &root->fields[j];
            if (!shape)
                return cf_value_error(b, f, FV_ERR_SEMANTIC, "input '%s' has no input_shape",
                                      f->text);
            if (shape->kind != PT_MESSAGE)
                return cf_value_error(b, shape, FV_ERR_SYNTAX, "'input_shape' must be a message");
            st = read_dims(b, shape->msg, "dim", 0, shape, dims);
        } else if (cf_find(root, "input_dim")) {
            st = read_dims(b, root, "input_dim", k, f, dims);
        } else {
            return cf_value_error(b, f, FV_ERR_SEMANTIC,
                                  "input '%s' has no input_shape or input_dim", f->text);
        }
        if (st == FV_OK)
            st = add_input(b, f->text, dims, (fv_srcpos){f->line, f->col});
        if (st != FV_OK)
            return st;
        k++;
    }
    return FV_OK;
}

/* The Input layer: input_param { shape { dim: N dim: C dim: H dim: W } }. */
static fv_status input_layer(cf_build *b, cf_layer *l)
{
    const pt_msg *p;
    fv_status st = cf_sub(b, l, "input_param", &p);
    const pt_field *shape = p ? cf_find(p, "shape") : NULL;
    const pt_field *top = cf_find(l->m, "top");
    if (st != FV_OK)
        return st;
    if (!shape || shape->kind != PT_MESSAGE)
        return cf_layer_error(b, l, FV_ERR_SEMANTIC,
                              "Input layer '%s' needs input_param { shape { dim ... } }", l->name);
    if (!top || top->kind != PT_STRING)
        return cf_layer_error(b, l, FV_ERR_SEMANTIC, "Input layer '%s' needs a top", l->name);
    int64_t dims[4];
    st = read_dims(b, shape->msg, "dim", 0, shape, dims);
    if (st == FV_OK)
        st = add_input(b, l->name[0] ? l->name : top->text, dims,
                       (fv_srcpos){l->field->line, l->field->col});
    if (st == FV_OK && l->name[0] && strcmp(l->name, top->text) != 0)
        st = bind(b, top->text, b->blobs[b->n_blobs - 1].node, dims[1], 0, 0);
    return st;
}

/* Whether op computes each value from the value at the same place of each
 * input alone, so that it reads a map of reordered axes as well as any:
 * the activations, and the merges but concat. (Batch norm, Scale and PReLU
 * apply one number to every value under the engine's weights.) */
static int value_by_value(fv_op op)
{
    if (op == FV_OP_SOFTMAX || op == FV_OP_LRN || op == FV_OP_NORMALIZE || op == FV_OP_CONCAT)
        return 0;
    return fv_op_kind_of(op) == FV_KIND_POINTWISE || fv_op_kind_of(op) == FV_KIND_MERGE;
}

/* A layer reading a map whose axes a Permute reordered: fovea keeps every
 * blob in Caffe's N, C, H, W, so a Permute is an identity on the values
 * (each keeps the pixels it saw) and the value-by-value layers after it
 * are exact; a layer that reads the axes reads other ones than the
 * model's. It is marked and warned about, and its output stays
 * reordered. *permuted says whether it is. */
static fv_status permuted_bottoms(cf_build *b, cf_layer *l, int *permuted)
{
    const char *which = NULL;
    for (size_t i = 0; i < l->n_bottoms && !which; i++)
        if (l->bottoms[i].permuted)
            which = l->bottoms[i].name;
    if (!which || l->flat)
        return FV_OK;
    *permuted = 1;
    if (value_by_value(l->layer.op))
        return FV_OK;
    if (!l->inexact)
        cf_stand_in(l, "Caffe's %s of '%s', whose axes a Permute reordered", l->type, which);
    if (fv_graph_warn(b->g,
                      "line %d: %s layer '%s' reads '%s', whose axes a Permute reordered; fovea "
                      "keeps Caffe's N, C, H, W, so its receptive field is not the model's",
                      l->field->line, l->type, l->name, which) != FV_OK)
        return fv_diag_set(b->diag, FV_ERR_NOMEM, "out of memory");
    return FV_OK;
}

static fv_status one_layer(cf_build *b, const pt_field *f, cf_layer *l)
{
    memset(l, 0, sizeof *l);
    l->field = f;
    l->m = f->msg;
    const pt_field *name = cf_find(l->m, "name"), *type = cf_find(l->m, "type");
    if (name && name->kind != PT_STRING)
        return cf_value_error(b, name, FV_ERR_SYNTAX, "'name' must be a string");
    l->name = name ? name->text : "";
    if (!type)
        return cf_layer_error(b, l, FV_ERR_SEMANTIC, "layer '%s' has no type", l->name);
    if (type->kind != PT_STRING && type->kind != PT_IDENT)
        return cf_value_error(b, type, FV_ERR_SYNTAX, "'type' must be a string or a name");
    l->type = type->text;
    fv_status st = cf_warn_unknown_fields(b, l);
    if (st != FV_OK)
        return st;
    if (strcmp(l->type, "Input") == 0)
        return input_layer(b, l);
    cf_layer_fn fn = cf_layer_handler(l->type);
    if (!fn)
        return cf_value_error(b, type, FV_ERR_UNSUPPORTED, "unknown layer type '%s'", l->type);
    for (size_t i = 0; i < l->m->n; i++) {
        const pt_field *bf = &l->m->fields[i];
        if (strcmp(bf->name, "bottom") != 0)
            continue;
        if (bf->kind != PT_STRING)
            return cf_value_error(b, bf, FV_ERR_SYNTAX, "'bottom' must be a string");
        const cf_blob *x = find_blob(b, bf->text);
        if (!x)
            return cf_value_error(b, bf, FV_ERR_SEMANTIC,
                                  "bottom '%s' is not the top of an earlier layer or an input",
                                  bf->text);
        if (l->n_bottoms == FV_MAX_INPUTS)
            return cf_value_error(b, bf, FV_ERR_LIMIT, "more than %d bottoms", FV_MAX_INPUTS);
        l->bottoms[l->n_bottoms] = *x;
        l->inputs[l->n_bottoms++] = x->node;
    }
    if (l->n_bottoms == 0)
        return cf_layer_error(b, l, FV_ERR_SEMANTIC, "%s layer '%s' has no bottom", l->type,
                              l->name);
    size_t n_tops = cf_count(l->m, "top");
    const pt_field *top = cf_find(l->m, "top");
    if (top && top->kind != PT_STRING)
        return cf_value_error(b, top, FV_ERR_SYNTAX, "'top' must be a string");
    l->channels = l->bottoms[0].channels;
    l->flat = l->bottoms[0].flat;
    st = fn(b, l);
    if (st != FV_OK || l->done)
        return st;
    if (n_tops != 1)
        return cf_layer_error(b, l, FV_ERR_SEMANTIC, "%s layer '%s' needs exactly one top, not %zu",
                              l->type, l->name, n_tops);
    l->layer.name = l->name;
    l->layer.inputs = l->inputs;
    if (!l->layer.n_inputs)
        l->layer.n_inputs = 1;
    l->layer.channels = l->channels;
    l->layer.pos = (fv_srcpos){f->line, f->col};
    int permuted = l->permutes;
    if ((st = permuted_bottoms(b, l, &permuted)) != FV_OK)
        return st;
    int32_t node;
    st = fv_graph_add(b->g, &l->layer, &node, b->diag);
    if (st == FV_OK)
        st = mark(b, node, l->inexact);
    return st != FV_OK ? st : bind(b, top->text, node, l->channels, l->flat, permuted);
}

static fv_status build(cf_build *b, const pt_msg *root)
{
    fv_status st = net_inputs(b, root);
    cf_layer *l = malloc(sizeof *l);
    if (!l)
        return fv_diag_set(b->diag, FV_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < root->n && st == FV_OK; i++) {
        const pt_field *f = &root->fields[i];
        if (strcmp(f->name, "layer") != 0 && strcmp(f->name, "layers") != 0)
            continue;
        if (f->kind != PT_MESSAGE)
            st = cf_value_error(b, f, FV_ERR_SYNTAX, "'%s' must be a message { ... }", f->name);
        else
            st = one_layer(b, f, l);
    }
    free(l);
    return st;
}

fv_status fv_caffe_parse(const char *text, size_t len, const char *file, fv_graph **graph,
                         fv_diag *diag)
{
    *graph = NULL;
    pt_lexer lx;
    pt_lexer_init(&lx, text, len, file);
    pt_msg *root = NULL;
    cf_build b = {.lx = &lx, .diag = diag};
    fv_status st = pt_parse(&lx, &root, diag);
    if (st == FV_OK && !(b.g = fv_graph_create()))
        st = fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    if (st == FV_OK) {
        fv_graph_set_source(b.g, file);
        if (fv_graph_keep_text(b.g, text, len) != FV_OK)
            st = fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    }
    if (st == FV_OK)
        st = build(&b, root);
    if (st == FV_OK)
        st = fv_graph_check(b.g, diag);
    free(b.blobs);
    pt_free(root);
    if (st != FV_OK) {
        fv_graph_free(b.g);
        return st;
    }
    *graph = b.g;
    return FV_OK;
}
