/* The protobuf text format parsed into a tree of fields, by recursive
 * descent with one token of lookahead. Nesting is limited so that no file
 * can exhaust the stack. */
#include <stdlib.h>
#include <string.h>

#include "prototxt.h"

#define MAX_DEPTH 64

typedef struct parser {
    pt_lexer *lx;
    pt_token tok;       /* the current token */
    fv_diag *diag;
} parser;

static fv_status next(parser *p)
{
    free(p->tok.str);
    p->tok.str = NULL;
    return pt_lex(p->lx, &p->tok, p->diag);
}

static int is_punct(const pt_token *t, char c)
{
    return t->kind == PT_TOK_PUNCT && t->start[0] == c;
}

static void describe(const pt_token *t, char *buf, size_t size)
{
    switch (t->kind) {
    case PT_TOK_EOF:
        snprintf(buf, size, "the end of the file");
        break;
    case PT_TOK_STRING:
        snprintf(buf, size, "a string");
        break;
    default:
        snprintf(buf, size, "'%.*s'", (int)(t->n > 40 ? 40 : t->n), t->start);
        break;
    }
}

static fv_status unexpected(parser *p, const char *what)
{
    char got[64];
    describe(&p->tok, got, sizeof got);
    return pt_error(p->lx, p->diag, FV_ERR_SYNTAX, p->tok.line, p->tok.col, "expected %s, found %s",
                    what, got);
}

void pt_free(pt_msg *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++) {
        free(m->fields[i].name);
        free(m->fields[i].text);
        pt_free(m->fields[i].msg);
    }
    free(m->fields);
    free(m);
}

static pt_field *add_field(parser *p, pt_msg *m, const pt_token *name)
{
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 8;
        pt_field *f = realloc(m->fields, cap * sizeof *f);
        if (!f)
            return NULL;
        m->fields = f;
        m->cap = cap;
    }
    pt_field *f = &m->fields[m->n];
    memset(f, 0, sizeof *f);
    f->name = malloc(name->n + 1);
    if (!f->name)
        return NULL;
    memcpy(f->name, name->start, name->n);
    f->name[name->n] = '\0';
    f->line = name->line;
    f->col = name->col;
    m->n++;
    return f;
}

static fv_status parse_fields(parser *p, pt_msg *m, char close, const pt_token *open, int depth);

/* One scalar value into f: a string (adjacent strings join), number or identifier. */
static fv_status scalar(parser *p, pt_field *f)
{
    f->vline = p->tok.line;
    f->vcol = p->tok.col;
    if (p->tok.kind == PT_TOK_STRING) {
        f->kind = PT_STRING;
        f->text = p->tok.str;
        p->tok.str = NULL;
        fv_status st = next(p);
        while (st == FV_OK && p->tok.kind == PT_TOK_STRING) {
            size_t a = strlen(f->text), b = strlen(p->tok.str);
            char *joined = realloc(f->text, a + b + 1);
            if (!joined)
                return fv_diag_set(p->diag, FV_ERR_NOMEM, "out of memory");
            memcpy(joined + a, p->tok.str, b + 1);
            f->text = joined;
            st = next(p);
        }
        return st;
    }
    if (p->tok.kind != PT_TOK_NUMBER && p->tok.kind != PT_TOK_IDENT)
        return unexpected(p, "a value");
    f->kind = p->tok.kind == PT_TOK_NUMBER ? PT_NUMBER : PT_IDENT;
    f->text = malloc(p->tok.n + 1);
    if (!f->text)
        return fv_diag_set(p->diag, FV_ERR_NOMEM, "out of memory");
    memcpy(f->text, p->tok.start, p->tok.n);
    f->text[p->tok.n] = '\0';
    return next(p);
}

static fv_status message(parser *p, pt_msg *m, const pt_token *name, int depth)
{
    if (depth >= MAX_DEPTH)
        return pt_error(p->lx, p->diag, FV_ERR_LIMIT, p->tok.line, p->tok.col,
                        "messages nest deeper than %d levels", MAX_DEPTH);
    pt_field *f = add_field(p, m, name);
    if (!f)
        return fv_diag_set(p->diag, FV_ERR_NOMEM, "out of memory");
    f->kind = PT_MESSAGE;
    f->vline = p->tok.line;
    f->vcol = p->tok.col;
    f->msg = calloc(1, sizeof *f->msg);
    if (!f->msg)
        return fv_diag_set(p->diag, FV_ERR_NOMEM, "out of memory");
    pt_token open = p->tok;
    open.str = NULL;
    char close = is_punct(&p->tok, '{') ? '}' : '>';
    fv_status st = next(p);
    return st != FV_OK ? st : parse_fields(p, f->msg, close, &open, depth + 1);
}

/* `name: [a, b, c]`: one field per element, as if repeated. */
static fv_status list(parser *p, pt_msg *m, const pt_token *name)
{
    fv_status st = next(p);
    if (st == FV_OK && is_punct(&p->tok, ']'))
        return next(p);
    while (st == FV_OK) {
        pt_field *f = add_field(p, m, name);
        if (!f)
            return fv_diag_set(p->diag, FV_ERR_NOMEM, "out of memory");
        if ((st = scalar(p, f)) != FV_OK)
            return st;
        if (is_punct(&p->tok, ']'))
            return next(p);
        if (!is_punct(&p->tok, ','))
            return unexpected(p, "',' or ']' in a list");
        st = next(p);
    }
    return st;
}

static fv_status field(parser *p, pt_msg *m, int depth)
{
    if (p->tok.kind != PT_TOK_IDENT)
        return unexpected(p, "a field name");
    pt_token name = p->tok;
    name.str = NULL;
    fv_status st = next(p);
    if (st != FV_OK)
        return st;
    int colon = is_punct(&p->tok, ':');
    if (colon && (st = next(p)) != FV_OK)
        return st;
    if (is_punct(&p->tok, '{') || is_punct(&p->tok, '<'))
        st = message(p, m, &name, depth);
    else if (!colon)
        return unexpected(p, "':' or '{' after a field name");
    else if (is_punct(&p->tok, '['))
        st = list(p, m, &name);
    else {
        pt_field *f = add_field(p, m, &name);
        if (!f)
            return fv_diag_set(p->diag, FV_ERR_NOMEM, "out of memory");
        st = scalar(p, f);
    }
    if (st == FV_OK && (is_punct(&p->tok, ',') || is_punct(&p->tok, ';')))
        st = next(p);
    return st;
}

static fv_status parse_fields(parser *p, pt_msg *m, char close, const pt_token *open, int depth)
{
    for (;;) {
        if (p->tok.kind == PT_TOK_EOF) {
            if (!close)
                return FV_OK;
            return pt_error(p->lx, p->diag, FV_ERR_SYNTAX, open->line, open->col,
                            "'%c' is never closed", open->start[0]);
        }
        if (close && is_punct(&p->tok, close))
            return next(p);
        fv_status st = field(p, m, depth);
        if (st != FV_OK)
            return st;
    }
}

fv_status pt_parse(pt_lexer *lx, pt_msg **root, fv_diag *diag)
{
    parser p = {.lx = lx, .diag = diag};
    *root = calloc(1, sizeof **root);
    if (!*root)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    fv_status st = next(&p);
    if (st == FV_OK)
        st = parse_fields(&p, *root, 0, NULL, 0);
    free(p.tok.str);
    if (st != FV_OK) {
        pt_free(*root);
        *root = NULL;
    }
    return st;
}
