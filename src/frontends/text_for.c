/* The text format's for loop: one copy of a body per item (a word or an
 * integer range A..B), each named in the scope around the loop, with the
 * loop variable bound to the item. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text_expand.h"

/* The items of a for loop, one at a time: words, or integer ranges A..B
 * counted up from A to B inclusive. */
typedef struct for_items {
    size_t k;              /* next token of the item list */
    int64_t next, last;    /* the range being walked, when in_range */
    int in_range;
    const fv_token *tok;   /* the item being read, for messages */
} for_items;

static fv_status range_end(expander *ex, const fv_token *t, const char *text, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end || errno == ERANGE ||
        !(text[0] == '-' || (text[0] >= '0' && text[0] <= '9')))
        return tx_err(ex, FV_ERR_SYNTAX, t, "bad range '%s': expected A..B with integers A <= B",
                       ex->buf);
    *out = v;
    return FV_OK;
}

/* Puts the next value into value (size VALUE_MAX); *done when none is left. */
static fv_status next_item(expander *ex, const scope *sc, const fv_tstmt *s, for_items *it,
                           char *value, int *done)
{
    *done = 0;
    if (!it->in_range) {
        while (it->k < s->args_end && ex->prog->toks[it->k].kind == FV_TOK_COMMA)
            it->k++;
        if (it->k >= s->args_end) {
            *done = 1;
            return FV_OK;
        }
        it->tok = &ex->prog->toks[it->k++];
        fv_status st = tx_subst(ex, sc, it->tok);
        if (st != FV_OK)
            return st;
        char *dots = strstr(ex->buf, "..");
        if (!dots) {
            strcpy(value, ex->buf);
            return FV_OK;
        }
        char first[64];
        snprintf(first, sizeof first, "%.*s", (int)(dots - ex->buf), ex->buf);
        if ((st = range_end(ex, it->tok, first, &it->next)) != FV_OK ||
            (st = range_end(ex, it->tok, dots + 2, &it->last)) != FV_OK)
            return st;
        if (it->last < it->next || it->last - it->next >= FV_TEXT_MAX_REPEAT)
            return tx_err(ex, FV_ERR_SEMANTIC, it->tok,
                           "range '%s' must hold 1..%d values, counting up", ex->buf,
                           FV_TEXT_MAX_REPEAT);
        it->in_range = 1;
    }
    snprintf(value, VALUE_MAX, "%lld", (long long)it->next);
    if (it->next == it->last)
        it->in_range = 0;
    else
        it->next++;
    return FV_OK;
}

/* for VAR in ITEMS { body }: one copy of the body per item, in this scope
 * (no prefix), with $VAR bound to the item and `in` to the copy's input. */
fv_status tx_expand_for(expander *ex, scope *sc, const fv_tstmt *s)
{
    if (!tx_is_name(s->name))
        return tx_err(ex, FV_ERR_SYNTAX, s->name, "bad loop variable '%.*s'", (int)s->name->len,
                       s->name->text);
    char *value = malloc(VALUE_MAX);
    if (!value)
        return tx_oom(ex);
    for_items it = {.k = s->args_begin};
    fv_status st = FV_OK;
    for (;;) {
        int done;
        if ((st = next_item(ex, sc, s, &it, value, &done)) != FV_OK || done)
            break;
        scope child;
        memset(&child, 0, sizeof child);
        child.parent = sc;
        child.names = sc->names;
        child.depth = sc->depth + 1;
        child.in = child.prev = sc->prev;
        child.prefix = tx_dup_str(sc->prefix);
        child.vars = calloc(1, sizeof *child.vars);
        if (child.depth > FV_TEXT_MAX_DEPTH)
            st = tx_err(ex, FV_ERR_LIMIT, s->head,
                         "blocks and repeats nest deeper than %d levels", FV_TEXT_MAX_DEPTH);
        else if (!child.prefix || !child.vars || !(child.vars[0].value = tx_dup_str(value)))
            st = tx_oom(ex);
        if (st == FV_OK) {
            child.vars[0].name = s->name->text;
            child.vars[0].len = s->name->len;
            child.n_vars = 1;
            st = tx_expand_list(ex, &child, &s->body);
            sc->prev = child.prev;
        }
        tx_scope_free(&child);
        if (st != FV_OK)
            break;
    }
    free(value);
    return st;
}
