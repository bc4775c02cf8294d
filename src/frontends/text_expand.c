/* Expansion of a parsed text program into the graph: block instances and
 * repeat copies become prefixed layers, names resolve through nested
 * scopes, and every value is substituted and parsed afresh for each copy. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_private.h"
#include "fv_limits.h"
#include "text_ast.h"
#include "text_expand.h"
#include "text_params.h"

fv_status tx_oom(expander *ex) { return fv_src_error(ex->src, FV_ERR_NOMEM, 0, 0, "out of memory"); }

fv_status tx_err(expander *ex, fv_status st, const fv_token *t, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return fv_src_error(ex->src, st, t->line, t->col, "%s", msg);
}

/* The node limit: nested repeats multiply, so the one to blame is the
 * outermost repeat around the layer that crosses it. */
static fv_status node_limit(expander *ex, const fv_token *at)
{
    if (ex->outer_repeat)
        return tx_err(ex, FV_ERR_LIMIT, ex->outer_repeat,
                       "repeat expands the network to more than %d nodes", FV_TEXT_MAX_NODES);
    return tx_err(ex, FV_ERR_LIMIT, at, "the network expands to more than %d nodes",
                   FV_TEXT_MAX_NODES);
}

/* Gives a position to an error from the graph (which has none for limits). */
static fv_status locate(expander *ex, fv_status st, const fv_token *t)
{
    fv_diag *d = ex->src->diag;
    if (d && d->pos.line == 0) {
        snprintf(d->file, sizeof d->file, "%s", ex->src->file);
        d->pos = (fv_srcpos){t->line, t->col};
        fv_text_line(ex->src->text, ex->src->len, t->line, d->source_line,
                     sizeof d->source_line);
    }
    return st;
}

/* strdup is POSIX, not C11. */
char *tx_dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    return d ? memcpy(d, s, n) : NULL;
}

static int tok_eq(const fv_token *a, const fv_token *b)
{
    return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
}

int tx_is_name(const fv_token *t)
{
    for (uint32_t k = 0; k < t->len; k++) {
        char c = t->text[k];
        int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        if (!alpha && !(k > 0 && c >= '0' && c <= '9'))
            return 0;
    }
    return t->len > 0;
}

/* A layer label: names joined by '.', each part letters, digits and '_'
 * (a part may start with a digit, as torchvision's `layer3.0` does). */
static int is_path(const char *s)
{
    size_t part = 0;
    for (; *s; s++) {
        char c = *s;
        if (c == '.') {
            if (part == 0)
                return 0;
            part = 0;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return 0;
        part++;
    }
    return part > 0;
}

static const char *lookup(void *ctx, const char *name, size_t len)
{
    for (const scope *s = ctx; s; s = s->parent) {
        for (size_t k = 0; k < s->n_vars; k++)
            if (s->vars[k].len == len && memcmp(s->vars[k].name, name, len) == 0)
                return s->vars[k].value;
        if (s->is_block)
            break;
    }
    return NULL;
}

static const char *lookup_nothing(void *ctx, const char *name, size_t len) { return NULL; }

fv_status tx_subst(expander *ex, const scope *sc, const fv_token *t)
{
    return fv_text_subst(ex->src, t, lookup, (void *)sc, ex->buf, VALUE_MAX);
}

/* Substitutes a label ($i, ${i+1}) into out and checks that it is a name. */
static fv_status read_label(expander *ex, const scope *sc, const fv_token *label, char *out)
{
    fv_status st = tx_subst(ex, sc, label);
    if (st != FV_OK)
        return st;
    if (strlen(ex->buf) > FV_MAX_NAME)
        return tx_err(ex, FV_ERR_LIMIT, label, "name '%.40s...' is longer than %d bytes",
                       ex->buf, FV_MAX_NAME);
    if (!is_path(ex->buf))
        return tx_err(ex, FV_ERR_SYNTAX, label,
                       "bad name '%s': names are letters, digits and '_', in parts joined by '.'",
                       ex->buf);
    if (strcmp(ex->buf, "in") == 0)
        return tx_err(ex, FV_ERR_SEMANTIC, label,
                       "'in' names a block's or repeat's input; choose another name");
    strcpy(out, ex->buf);
    return FV_OK;
}

/* A layer name in from=: `in`, then the innermost scope's names outward;
 * in each scope a layer first, then a block instance or repeat (its output). */
static int32_t resolve(expander *ex, const scope *sc, const char *name)
{
    if (strcmp(name, "in") == 0)
        for (const scope *s = sc; s; s = s->parent)
            if (s->in >= 0)
                return s->in;
    char full[2 * FV_MAX_NAME + 2];
    for (const scope *s = sc; s; s = s->parent) {
        if ((size_t)snprintf(full, sizeof full, "%s%s", s->prefix, name) >= sizeof full)
            continue;
        int32_t i = fv_graph_find(ex->g, full);
        if (i < 0)
            i = fv_text_outputs_get(&ex->outputs, full);
        if (i >= 0)
            return i;
    }
    return -1;
}

/* Records the output of the scope `child` (an instance or a repeat copy) under
 * its prefix without the final '.'. */
static fv_status record_output(expander *ex, const scope *child, int32_t node)
{
    size_t n = strlen(child->prefix);
    child->prefix[n - 1] = '\0';
    fv_status st = fv_text_outputs_put(&ex->outputs, child->prefix, node);
    child->prefix[n - 1] = '.';
    return st == FV_OK ? FV_OK : tx_oom(ex);
}

/* Reads from=a,b,c into a fresh array (caller frees). ex->buf holds the
 * substituted value. */
fv_status tx_read_from(expander *ex, const scope *sc, const char *key, const fv_token *v,
                           int32_t **out, size_t *n)
{
    size_t cap = 1;
    for (const char *p = ex->buf; *p; p++)
        cap += *p == ',';
    int32_t *in = malloc(cap * sizeof *in);
    if (!in)
        return tx_oom(ex);
    int exact = memchr(v->text, '$', v->len) == NULL; /* offsets match the source */
    *n = 0;
    for (char *p = ex->buf;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        int32_t col = v->col + (exact ? (int32_t)(p - ex->buf) : 0);
        fv_status st = FV_OK;
        if (!*p)
            st = fv_src_error(ex->src, FV_ERR_SYNTAX, v->line, col, "empty name in %s=", key);
        else if ((in[*n] = resolve(ex, sc, p)) < 0)
            st = fv_src_error(ex->src, FV_ERR_SEMANTIC, v->line, col,
                              "unknown layer '%s' in %s=", p, key);
        if (st != FV_OK) {
            free(in);
            return st;
        }
        (*n)++;
        if (!comma)
            break;
        p = comma + 1;
    }
    *out = in;
    return FV_OK;
}

/* Walks a statement's key[=value] tokens: *key and *value (NULL for a flag). */
int tx_next_arg(const fv_tprogram *prog, size_t *k, size_t end, const fv_token **key,
                    const fv_token **value)
{
    if (*k >= end)
        return 0;
    *key = &prog->toks[(*k)++];
    *value = NULL;
    if (*k < end && prog->toks[*k].kind == FV_TOK_EQ) {
        *value = &prog->toks[*k + 1];
        *k += 2;
    }
    return 1;
}

/* prefix + a + b, or an error at `t` when it would be longer than a name may be. */
static fv_status make_name(expander *ex, const fv_token *t, char *out, const char *prefix,
                           const char *a, const char *b)
{
    int n = snprintf(out, FV_MAX_NAME + 1, "%s%s%s", prefix, a, b);
    if (n < 0 || n > FV_MAX_NAME)
        return tx_err(ex, FV_ERR_LIMIT, t, "layer name '%.40s...' is longer than %d bytes",
                       out, FV_MAX_NAME);
    return FV_OK;
}

static fv_status add_layer(expander *ex, scope *sc, const fv_tstmt *s, fv_layer *layer,
                           const char *name)
{
    const fv_token *at = s->label ? s->label : s->head;
    if (fv_graph_find(ex->g, name) >= 0)
        return tx_err(ex, FV_ERR_SEMANTIC, at, "duplicate layer name '%s'", name);
    if (fv_graph_size(ex->g) >= FV_TEXT_MAX_NODES)
        return node_limit(ex, at);
    layer->name = name;
    layer->pos = (fv_srcpos){at->line, at->col};
    int32_t index;
    fv_status st = fv_graph_add(ex->g, layer, &index, ex->src->diag);
    if (st != FV_OK)
        return locate(ex, st, at);
    sc->prev = index;
    return FV_OK;
}

static fv_status expand_input(expander *ex, scope *sc, const fv_tstmt *s)
{
    if (sc->parent)
        return tx_err(ex, FV_ERR_SYNTAX, s->head, "the input is declared at the top level only");
    if (ex->input >= 0)
        return tx_err(ex, FV_ERR_SEMANTIC, s->head,
                       "second input declaration; the first is on line %d",
                       fv_graph_pos(ex->g, ex->input).line);
    if (s->name && (!tx_is_name(s->name) || s->name->len > FV_MAX_NAME))
        return tx_err(ex, FV_ERR_SYNTAX, s->name, "bad input name '%.*s'", (int)s->name->len,
                       s->name->text);
    fv_layer layer;
    fv_layer_init(&layer, FV_OP_INPUT);
    fv_pstate ps = {0};
    const fv_token *key, *value;
    for (size_t k = s->args_begin; tx_next_arg(ex->prog, &k, s->args_end, &key, &value);) {
        char kbuf[64];
        snprintf(kbuf, sizeof kbuf, "%.*s", (int)key->len, key->text);
        if (value) {
            fv_status st = tx_subst(ex, sc, value);
            if (st != FV_OK)
                return st;
        }
        char msg[400];
        int at_key;
        fv_status st = fv_text_param(&layer, &ps, kbuf, value ? ex->buf : NULL, msg, sizeof msg,
                                     &at_key);
        if (st != FV_OK)
            return tx_err(ex, st, at_key ? key : value, "%s", msg);
    }
    char name[FV_MAX_NAME + 1];
    snprintf(name, sizeof name, "%.*s", s->name ? (int)s->name->len : 5,
             s->name ? s->name->text : "input");
    fv_status st = add_layer(ex, sc, s, &layer, name);
    if (st != FV_OK)
        return st;
    ex->input = sc->prev;
    fv_graph_set_input_size(ex->g, ps.input_hw);
    return FV_OK;
}


void tx_scope_free(scope *sc)
{
    for (size_t k = 0; k < sc->n_vars; k++)
        free(sc->vars[k].value);
    free(sc->vars);
    free(sc->prefix);
    free(sc->instances);
    for (size_t k = 0; k < sc->n_labels; k++)
        free(sc->labels[k]);
    free(sc->labels);
}

/* A child scope named `label` (instance or repeat copy) of `parent`. */
static fv_status scope_open(expander *ex, scope *child, const scope *parent, const char *label,
                            const fv_token *at)
{
    memset(child, 0, sizeof *child);
    child->parent = parent;
    child->names = child;
    child->depth = parent->depth + 1;
    if (child->depth > FV_TEXT_MAX_DEPTH)
        return tx_err(ex, FV_ERR_LIMIT, at, "blocks and repeats nest deeper than %d levels",
                       FV_TEXT_MAX_DEPTH);
    size_t n = strlen(parent->prefix) + strlen(label) + 2;
    child->prefix = malloc(n);
    child->instances = calloc(ex->prog->n_blocks ? ex->prog->n_blocks : 1, sizeof(uint32_t));
    if (!child->prefix || !child->instances)
        return tx_oom(ex);
    snprintf(child->prefix, n, "%s%s.", parent->prefix, label);
    if (n - 1 > FV_MAX_NAME)
        return tx_err(ex, FV_ERR_LIMIT, at, "layer names under '%.40s...' are longer than %d bytes",
                       child->prefix, FV_MAX_NAME);
    child->in = child->prev = parent->prev;
    return FV_OK;
}

/* Reads an instance or repeat label into out, refusing one used before in
 * the scope (labels are kept substituted: for-loop copies share a scope). */
static fv_status claim_label(expander *ex, scope *sc, const fv_token *label, char *out)
{
    fv_status st = read_label(ex, sc, label, out);
    if (st != FV_OK)
        return st;
    scope *owner = sc->names;
    for (size_t k = 0; k < owner->n_labels; k++)
        if (strcmp(owner->labels[k], out) == 0)
            return tx_err(ex, FV_ERR_SEMANTIC, label, "duplicate name '%s'", out);
    if (owner->n_labels == owner->cap_labels) {
        size_t cap = owner->cap_labels ? 2 * owner->cap_labels : 8;
        char **l = realloc(owner->labels, cap * sizeof *l);
        if (!l)
            return tx_oom(ex);
        owner->labels = l;
        owner->cap_labels = cap;
    }
    if (!(owner->labels[owner->n_labels] = tx_dup_str(out)))
        return tx_oom(ex);
    owner->n_labels++;
    return FV_OK;
}

fv_status tx_need_input(expander *ex, const fv_tstmt *s)
{
    if (ex->input >= 0)
        return FV_OK;
    return tx_err(ex, FV_ERR_SEMANTIC, s->label ? s->label : s->head,
                   "layer before the input declaration");
}

static fv_status expand_op(expander *ex, scope *sc, const fv_tstmt *s, fv_op op)
{
    fv_status st = tx_need_input(ex, s);
    if (st != FV_OK)
        return st;
    fv_layer layer;
    fv_layer_init(&layer, op);
    fv_pstate ps = {0};
    int32_t *inputs = NULL;
    size_t n_inputs = 0;
    const fv_token *from = NULL, *key, *value;
    for (size_t k = s->args_begin; st == FV_OK && tx_next_arg(ex->prog, &k, s->args_end, &key, &value);) {
        char kbuf[64];
        snprintf(kbuf, sizeof kbuf, "%.*s", (int)key->len, key->text);
        if (value && (st = tx_subst(ex, sc, value)) != FV_OK)
            break;
        if (strcmp(kbuf, "from") == 0) {
            if (from)
                st = tx_err(ex, FV_ERR_SEMANTIC, key, "duplicate parameter 'from'");
            else if (!value)
                st = tx_err(ex, FV_ERR_SYNTAX, key, "parameter 'from' needs a value, as in from=...");
            else
                st = tx_read_from(ex, sc, "from", value, &inputs, &n_inputs);
            from = key;
            continue;
        }
        char msg[400];
        int at_key;
        st = fv_text_param(&layer, &ps, kbuf, value ? ex->buf : NULL, msg, sizeof msg, &at_key);
        if (st != FV_OK)
            st = tx_err(ex, st, at_key ? key : value, "%s", msg);
    }
    if (st == FV_OK) {
        char msg[400];
        st = fv_text_param_finish(&layer, &ps, msg, sizeof msg);
        if (st != FV_OK)
            st = tx_err(ex, st, s->head, "%s", msg);
    }
    int merge = fv_op_kind_of(op) == FV_KIND_MERGE;
    if (st == FV_OK && merge && n_inputs < 2)
        st = tx_err(ex, FV_ERR_SEMANTIC, from ? from : s->head,
                     "%s needs at least two inputs: from=a,b", fv_op_name(op));
    if (st == FV_OK && !merge && n_inputs > 1)
        st = tx_err(ex, FV_ERR_SEMANTIC, from, "%s takes one input, not %zu", fv_op_name(op),
                     n_inputs);
    char name[FV_MAX_NAME + 1];
    if (st == FV_OK) {
        if (s->label) {
            char label[FV_MAX_NAME + 1];
            st = read_label(ex, sc, s->label, label);
            if (st == FV_OK)
                st = make_name(ex, s->label, name, sc->prefix, label, "");
        } else {
            char index[24];
            snprintf(index, sizeof index, "_%zu", fv_graph_size(ex->g));
            st = make_name(ex, s->head, name, sc->prefix, fv_op_name(op), index);
        }
    }
    if (st == FV_OK) {
        /* Without from=, a layer takes what came before it. */
        layer.inputs = inputs ? inputs : &sc->prev;
        layer.n_inputs = inputs ? n_inputs : 1;
        st = add_layer(ex, sc, s, &layer, name);
    }
    free(inputs);
    return st;
}

static fv_tblock *find_block(expander *ex, const char *name)
{
    for (size_t k = 0; k < ex->prog->n_blocks; k++)
        if (fv_tok_is(ex->prog->blocks[k].name, name))
            return &ex->prog->blocks[k];
    return NULL;
}

/* Binds an instance's arguments to the block's parameters in `child`. */
static fv_status bind_args(expander *ex, scope *sc, scope *child, const fv_tstmt *s,
                           fv_tblock *b, int32_t *in)
{
    child->vars = calloc(b->n_params ? b->n_params : 1, sizeof *child->vars);
    if (!child->vars)
        return tx_oom(ex);
    child->n_vars = b->n_params;
    for (size_t p = 0; p < b->n_params; p++) {
        child->vars[p].name = b->params[p].name->text;
        child->vars[p].len = b->params[p].name->len;
    }
    const fv_token *from = NULL, *key, *value;
    for (size_t k = s->args_begin; tx_next_arg(ex->prog, &k, s->args_end, &key, &value);) {
        var *v = NULL;
        for (size_t p = 0; p < b->n_params; p++)
            if (tok_eq(b->params[p].name, key))
                v = &child->vars[p];
        int is_from = fv_tok_is(key, "from");
        if (!v && !is_from)
            return tx_err(ex, FV_ERR_SEMANTIC, key, "block '%.*s' has no parameter '%.*s'",
                           (int)b->name->len, b->name->text, (int)key->len, key->text);
        if ((v && v->value) || (is_from && from))
            return tx_err(ex, FV_ERR_SEMANTIC, key, "duplicate parameter '%.*s'",
                           (int)key->len, key->text);
        if (!value)
            return tx_err(ex, FV_ERR_SYNTAX, key, "parameter '%.*s' needs a value, as in %.*s=...",
                           (int)key->len, key->text, (int)key->len, key->text);
        fv_status st = tx_subst(ex, sc, value);
        if (st != FV_OK)
            return st;
        if (is_from) {
            from = key;
            int32_t *inputs;
            size_t n;
            if ((st = tx_read_from(ex, sc, "from", value, &inputs, &n)) != FV_OK)
                return st;
            *in = inputs[0];
            free(inputs);
            if (n != 1)
                return tx_err(ex, FV_ERR_SEMANTIC, key, "a block instance takes one input, not %zu", n);
            continue;
        }
        if (!(v->value = tx_dup_str(ex->buf)))
            return tx_oom(ex);
    }
    for (size_t p = 0; p < b->n_params; p++) {
        if (child->vars[p].value)
            continue;
        const fv_tparam *param = &b->params[p];
        if (!param->def)
            return tx_err(ex, FV_ERR_SEMANTIC, s->head, "block '%.*s' needs argument '%.*s'",
                           (int)b->name->len, b->name->text, (int)param->name->len,
                           param->name->text);
        /* Defaults are plain values: they see no other parameter. */
        fv_status st = fv_text_subst(ex->src, param->def, lookup_nothing, NULL, ex->buf, VALUE_MAX);
        if (st != FV_OK)
            return st;
        if (!(child->vars[p].value = tx_dup_str(ex->buf)))
            return tx_oom(ex);
    }
    return FV_OK;
}

static fv_status expand_instance(expander *ex, scope *sc, const fv_tstmt *s, fv_tblock *b)
{
    fv_status st = tx_need_input(ex, s);
    if (st != FV_OK)
        return st;
    if (b->active)
        return tx_err(ex, FV_ERR_SEMANTIC, s->head, "block '%.*s' uses itself",
                       (int)b->name->len, b->name->text);
    char label[FV_MAX_NAME + 1];
    if (s->label) {
        if ((st = claim_label(ex, sc, s->label, label)) != FV_OK)
            return st;
    } else {
        snprintf(label, sizeof label, "%.*s_%u", (int)b->name->len, b->name->text,
                 sc->names->instances[b - ex->prog->blocks]++);
    }
    scope child;
    st = scope_open(ex, &child, sc, label, s->label ? s->label : s->head);
    child.is_block = 1;
    if (st == FV_OK)
        st = bind_args(ex, sc, &child, s, b, &child.in);
    if (st == FV_OK) {
        child.prev = child.in;
        b->active = 1;
        st = tx_expand_list(ex, &child, &b->body);
        b->active = 0;
        sc->prev = child.prev;
        if (st == FV_OK)
            st = record_output(ex, &child, child.prev);
    }
    tx_scope_free(&child);
    return st;
}

static fv_status expand_repeat(expander *ex, scope *sc, const fv_tstmt *s)
{
    fv_status st = tx_subst(ex, sc, s->name);
    if (st != FV_OK)
        return st;
    int64_t n;
    char *end;
    n = strtoll(ex->buf, &end, 10);
    if (end == ex->buf || *end || !(ex->buf[0] == '-' || (ex->buf[0] >= '0' && ex->buf[0] <= '9')))
        return tx_err(ex, FV_ERR_SYNTAX, s->name, "repeat count must be an integer, not '%s'",
                       ex->buf);
    if (n < 1 || n > FV_TEXT_MAX_REPEAT)
        return tx_err(ex, FV_ERR_SEMANTIC, s->name, "repeat count must be 1..%d, not %s",
                       FV_TEXT_MAX_REPEAT, ex->buf);
    char label[FV_MAX_NAME + 1];
    if (s->label) {
        if ((st = claim_label(ex, sc, s->label, label)) != FV_OK)
            return st;
    }
    else
        snprintf(label, sizeof label, "repeat%u", sc->names->n_repeats);
    sc->names->n_repeats++;
    int outermost = !ex->outer_repeat;
    if (outermost)
        ex->outer_repeat = s->head;
    for (int64_t i = 0; i < n && st == FV_OK; i++) {
        char copy[FV_MAX_NAME + 32], index[24];
        snprintf(index, sizeof index, "%lld", (long long)i);
        snprintf(copy, sizeof copy, "%s.%s", label, index);
        scope child;
        st = scope_open(ex, &child, sc, copy, s->head);
        if (st == FV_OK) {
            child.vars = calloc(1, sizeof *child.vars);
            if (!child.vars || !(child.vars[0].value = tx_dup_str(index)))
                st = tx_oom(ex);
            else {
                child.vars[0].name = "i";
                child.vars[0].len = 1;
                child.n_vars = 1;
                st = tx_expand_list(ex, &child, &s->body);
                sc->prev = child.prev;
                if (st == FV_OK)
                    st = record_output(ex, &child, child.prev);
            }
        }
        tx_scope_free(&child);
    }
    if (outermost)
        ex->outer_repeat = NULL;
    /* The repeat's label names its last copy's output. */
    if (st == FV_OK) {
        char full[2 * FV_MAX_NAME + 2];
        snprintf(full, sizeof full, "%s%s", sc->prefix, label);
        if (fv_text_outputs_put(&ex->outputs, full, sc->prev) != FV_OK)
            st = tx_oom(ex);
    }
    return st;
}

fv_status tx_expand_list(expander *ex, scope *sc, const fv_tlist *list)
{
    for (size_t k = 0; k < list->n; k++) {
        const fv_tstmt *s = &list->items[k];
        fv_status st = FV_OK;
        if (s->kind == FV_TSTMT_INPUT) {
            st = expand_input(ex, sc, s);
        } else if (s->kind == FV_TSTMT_REPEAT) {
            st = expand_repeat(ex, sc, s);
        } else if (s->kind == FV_TSTMT_FOR) {
            st = tx_expand_for(ex, sc, s);
        } else if (s->kind == FV_TSTMT_HEAD) {
            st = tx_expand_head(ex, sc, s);
        } else {
            /* The op or block may be a parameter: `$pool k=3`. */
            char op_name[64];
            if (memchr(s->head->text, '$', s->head->len)) {
                st = tx_subst(ex, sc, s->head);
                snprintf(op_name, sizeof op_name, "%s", ex->buf);
            } else {
                snprintf(op_name, sizeof op_name, "%.*s",
                         (int)(s->head->len < 63 ? s->head->len : 63), s->head->text);
            }
            fv_op op = strlen(op_name) < 63 ? fv_text_op(op_name) : FV_OP_COUNT;
            fv_tblock *b = op == FV_OP_COUNT ? find_block(ex, op_name) : NULL;
            if (st == FV_OK && op != FV_OP_COUNT)
                st = expand_op(ex, sc, s, op);
            else if (st == FV_OK && b)
                st = expand_instance(ex, sc, s, b);
            else if (st == FV_OK)
                st = tx_err(ex, FV_ERR_UNSUPPORTED, s->head, "unknown op '%s'", op_name);
        }
        if (st != FV_OK)
            return st;
    }
    return FV_OK;
}

/* Block definitions are checked once, before any is used. */
static fv_status check_blocks(expander *ex)
{
    fv_tprogram *prog = ex->prog;
    for (size_t k = 0; k < prog->n_blocks; k++) {
        const fv_tblock *b = &prog->blocks[k];
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(b->name->len < 63 ? b->name->len : 63),
                 b->name->text);
        if (!tx_is_name(b->name) || b->name->len > 63)
            return tx_err(ex, FV_ERR_SYNTAX, b->name,
                           "bad block name '%.*s': names are letters, digits and '_'",
                           (int)b->name->len, b->name->text);
        if (fv_text_op(name) != FV_OP_COUNT || strcmp(name, "input") == 0 ||
            strcmp(name, "repeat") == 0 || strcmp(name, "block") == 0 ||
            strcmp(name, "for") == 0 || strcmp(name, "head") == 0)
            return tx_err(ex, FV_ERR_SEMANTIC, b->name, "block '%s' has the name of an op or keyword",
                           name);
        for (size_t j = 0; j < k; j++)
            if (tok_eq(prog->blocks[j].name, b->name))
                return tx_err(ex, FV_ERR_SEMANTIC, b->name,
                               "block '%s' is defined twice (first on line %d)", name,
                               prog->blocks[j].name->line);
        for (size_t p = 0; p < b->n_params; p++) {
            const fv_token *pn = b->params[p].name;
            if (!tx_is_name(pn))
                return tx_err(ex, FV_ERR_SYNTAX, pn, "bad parameter name '%.*s'", (int)pn->len,
                               pn->text);
            if (fv_tok_is(pn, "from"))
                return tx_err(ex, FV_ERR_SEMANTIC, pn,
                               "'from' names a block's input; it cannot be a parameter");
        }
        if (b->body.n == 0)
            return tx_err(ex, FV_ERR_SEMANTIC, b->name, "block '%s' has no layers", name);
    }
    return FV_OK;
}

/* A program that never declares its input ("conv k=3; conv k=3", as on the
 * command line) gets one named "input" of unknown size before its first
 * statement. A declaration after layers is still an error. */
static fv_status implicit_input(expander *ex, scope *top)
{
    const fv_tlist *list = &ex->prog->top;
    for (size_t k = 0; k < list->n; k++)
        if (list->items[k].kind == FV_TSTMT_INPUT)
            return FV_OK;
    if (list->n == 0)
        return FV_OK;
    fv_layer layer;
    fv_layer_init(&layer, FV_OP_INPUT);
    layer.name = "input";
    layer.pos = (fv_srcpos){list->items[0].head->line, list->items[0].head->col};
    fv_status st = fv_graph_add(ex->g, &layer, &top->prev, ex->src->diag);
    ex->input = top->prev;
    return st;
}

fv_status fv_text_expand(const fv_src *src, fv_tprogram *prog, fv_graph *graph)
{
    expander ex = {.src = src, .prog = prog, .g = graph, .input = -1, .buf = malloc(VALUE_MAX)};
    scope top = {0};
    top.names = &top;
    top.in = top.prev = -1;
    top.prefix = calloc(1, 1);
    top.instances = calloc(prog->n_blocks ? prog->n_blocks : 1, sizeof(uint32_t));
    fv_status st = FV_OK;
    if (!ex.buf || !top.prefix || !top.instances)
        st = tx_oom(&ex);
    if (st == FV_OK)
        st = check_blocks(&ex);
    if (st == FV_OK)
        st = implicit_input(&ex, &top);
    if (st == FV_OK)
        st = tx_expand_list(&ex, &top, &prog->top);
    if (st == FV_OK && ex.input < 0)
        st = fv_src_error(src, FV_ERR_SEMANTIC, 0, 0,
                          "no input declared; begin with 'input size=224'");
    tx_scope_free(&top);
    fv_text_outputs_free(&ex.outputs);
    free(ex.buf);
    return st;
}
