/* Shared by the expansion of the text format (text_expand.c) and the
 * statements it hands off: for loops (text_for.c) and detection heads
 * (text_head.c). Scopes, the expander and the helpers they all use. */
#ifndef FV_TEXT_EXPAND_H
#define FV_TEXT_EXPAND_H

#include "text_ast.h"
#include "text_outputs.h"

#define VALUE_MAX 65536

typedef struct var {
    const char *name;
    size_t len;
    char *value;
} var;

/* One level of naming: the top level, a block instance or one repeat copy;
 * or one copy of a for loop, which binds its variable but names its layers
 * in the enclosing level. */
typedef struct scope {
    const struct scope *parent;
    struct scope *names;   /* the level whose counters and labels apply: itself,
                              or for a for-loop copy the enclosing level's */
    int is_block;          /* $-lookups stop here: a body sees only its own args */
    char *prefix;          /* "" at the top, "b1." in instance b1, ... */
    int32_t in;            /* the scope's input, -1 at the top level */
    int32_t prev;          /* output of the scope's last statement, -1 before any */
    int depth;
    var *vars;
    size_t n_vars;
    uint32_t *instances;   /* per block: instances made in this scope so far */
    uint32_t n_repeats;
    char **labels;         /* instance and repeat labels used in this scope */
    size_t n_labels, cap_labels;
} scope;

typedef struct expander {
    const fv_src *src;
    fv_tprogram *prog;
    fv_graph *g;
    int32_t input;         /* the input node, -1 until declared */
    char *buf;             /* VALUE_MAX bytes for the value being read */
    const fv_token *outer_repeat; /* the outermost repeat being expanded, or NULL */
    fv_text_outputs outputs; /* block instances and repeats by name */
} expander;

/* "out of memory" with no position. */
fv_status tx_oom(expander *ex);

/* An error at token t, formatted. */
fv_status tx_err(expander *ex, fv_status st, const fv_token *t, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A malloc'd copy of s (strdup is POSIX, not C11); NULL when memory runs out. */
char *tx_dup_str(const char *s);

/* Non-zero when the token is letters, digits and '_', not starting with a digit. */
int tx_is_name(const fv_token *t);

/* Substitutes $name and ${expr} in t's text, as seen from sc, into ex->buf. */
fv_status tx_subst(expander *ex, const scope *sc, const fv_token *t);

/* Resolves the comma-separated names in ex->buf (the substituted value of
 * key=, token v) to nodes, into a fresh array the caller frees. */
fv_status tx_read_from(expander *ex, const scope *sc, const char *key, const fv_token *v,
                       int32_t **out, size_t *n);

/* Walks a statement's key[=value] tokens from *k to end: *key and *value
 * (NULL for a flag). Returns 0 when none is left. */
int tx_next_arg(const fv_tprogram *prog, size_t *k, size_t end, const fv_token **key,
                const fv_token **value);

/* Frees what a scope owns (not the scope itself). */
void tx_scope_free(scope *sc);

/* An error unless the input has been declared. */
fv_status tx_need_input(expander *ex, const fv_tstmt *s);

/* Expands a list of statements in scope sc. */
fv_status tx_expand_list(expander *ex, scope *sc, const fv_tlist *list);

/* for VAR in ITEMS { body } (text_for.c). */
fv_status tx_expand_for(expander *ex, scope *sc, const fv_tstmt *s);

/* head on=LAYER kind=KIND ... (text_head.c). */
fv_status tx_expand_head(expander *ex, scope *sc, const fv_tstmt *s);

#endif
