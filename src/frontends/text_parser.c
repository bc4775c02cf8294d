/* The text format's parser: tokens -> statements and block definitions
 * (text_ast.h). It checks the shape of every statement; what ops, names and
 * values mean is decided while expanding (text_expand.c). */
#include <stdlib.h>
#include <string.h>

#include "graph_private.h"
#include "text_ast.h"

typedef struct parser {
    const fv_src *src;
    fv_tprogram *prog;
    size_t i;
} parser;

static const fv_token *peek(const parser *p, size_t ahead)
{
    size_t k = p->i + ahead;
    return &p->prog->toks[k < p->prog->n_toks ? k : p->prog->n_toks - 1];
}

static const fv_token *next(parser *p)
{
    const fv_token *t = peek(p, 0);
    if (t->kind != FV_TOK_EOF)
        p->i++;
    return t;
}

/* Says what a token is, for "expected ..., found X" messages. */
static void describe(const fv_token *t, char *buf, size_t size)
{
    switch (t->kind) {
    case FV_TOK_END:
        snprintf(buf, size, "%s", t->text[0] == ';' ? "';'" : "end of line");
        break;
    case FV_TOK_EOF:
        snprintf(buf, size, "end of file");
        break;
    default:
        snprintf(buf, size, "'%.*s'", (int)(t->len > 40 ? 40 : t->len), t->text);
        break;
    }
}

static fv_status unexpected(parser *p, const fv_token *t, const char *expected)
{
    char what[64];
    describe(t, what, sizeof what);
    return fv_src_error(p->src, FV_ERR_SYNTAX, t->line, t->col, "expected %s, found %s",
                        expected, what);
}

static int ends_statement(const fv_token *t)
{
    return t->kind == FV_TOK_END || t->kind == FV_TOK_EOF || t->kind == FV_TOK_RBRACE;
}

static fv_tstmt *list_push(parser *p, fv_tlist *l)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        fv_tstmt *s = realloc(l->items, cap * sizeof *s);
        if (!s)
            return NULL;
        l->items = s;
        l->cap = cap;
    }
    fv_tstmt *s = &l->items[l->n++];
    memset(s, 0, sizeof *s);
    return s;
}

/* key[=value] arguments up to the end of the statement. */
static fv_status parse_args(parser *p, fv_tstmt *s)
{
    s->args_begin = p->i;
    while (!ends_statement(peek(p, 0))) {
        const fv_token *key = next(p);
        if (key->kind != FV_TOK_WORD)
            return unexpected(p, key, "a parameter such as k=3");
        if (peek(p, 0)->kind == FV_TOK_EQ) {
            next(p);
            const fv_token *v = next(p);
            if (v->len == 0)
                return fv_src_error(p->src, FV_ERR_SYNTAX, v->line, v->col,
                                    "'%.*s=' needs a value", (int)key->len, key->text);
        }
    }
    s->args_end = p->i;
    return FV_OK;
}

static fv_status parse_list(parser *p, fv_tlist *list, int depth, const fv_token *open);

static fv_status parse_body(parser *p, fv_tstmt *s, int depth)
{
    const fv_token *open = next(p);
    if (open->kind != FV_TOK_LBRACE)
        return unexpected(p, open, "'{' on the same line");
    if (depth >= FV_TEXT_MAX_DEPTH)
        return fv_src_error(p->src, FV_ERR_LIMIT, open->line, open->col,
                            "blocks and repeats nest deeper than %d levels", FV_TEXT_MAX_DEPTH);
    s->open = open;
    return parse_list(p, &s->body, depth + 1, open);
}

/* for VAR in ITEM[,ITEM...] { body }: the items are words (b, 3, 1..4,
 * $n, ${n-1}) that expansion substitutes and reads. */
static fv_status parse_for(parser *p, fv_tstmt *s, int depth)
{
    s->name = next(p);
    if (s->name->kind != FV_TOK_WORD)
        return unexpected(p, s->name, "a loop variable");
    const fv_token *t = next(p);
    if (!fv_tok_is(t, "in") || t->kind != FV_TOK_WORD)
        return unexpected(p, t, "'in' after the loop variable");
    s->args_begin = p->i;
    for (;;) {
        t = next(p);
        if (t->kind != FV_TOK_WORD)
            return unexpected(p, t, "a value to loop over");
        if (peek(p, 0)->kind != FV_TOK_COMMA)
            break;
        next(p);
    }
    s->args_end = p->i;
    return parse_body(p, s, depth);
}

static fv_status parse_block(parser *p, int depth)
{
    const fv_token *kw = next(p);
    if (depth > 0)
        return fv_src_error(p->src, FV_ERR_SYNTAX, kw->line, kw->col,
                            "blocks are defined at the top level only");
    const fv_token *name = next(p);
    if (name->kind != FV_TOK_WORD)
        return unexpected(p, name, "a block name");
    fv_tprogram *prog = p->prog;
    if (prog->n_blocks == prog->cap_blocks) {
        size_t cap = prog->cap_blocks ? 2 * prog->cap_blocks : 8;
        fv_tblock *b = realloc(prog->blocks, cap * sizeof *b);
        if (!b)
            return fv_src_error(p->src, FV_ERR_NOMEM, 0, 0, "out of memory");
        prog->blocks = b;
        prog->cap_blocks = cap;
    }
    fv_tblock *b = &prog->blocks[prog->n_blocks++];
    memset(b, 0, sizeof *b);
    b->name = name;
    const fv_token *t = next(p);
    if (t->kind != FV_TOK_LPAREN)
        return unexpected(p, t, "'(' after the block name");
    /* Parameters may spread over several lines; the tokens stay in place,
     * so counting commas first sizes the array once. */
    size_t cap = 1;
    for (size_t k = p->i; k < prog->n_toks && prog->toks[k].kind != FV_TOK_RPAREN &&
                          prog->toks[k].kind != FV_TOK_EOF; k++)
        cap += prog->toks[k].kind == FV_TOK_COMMA;
    b->params = calloc(cap, sizeof *b->params);
    if (!b->params)
        return fv_src_error(p->src, FV_ERR_NOMEM, 0, 0, "out of memory");
    for (;;) {
        while (peek(p, 0)->kind == FV_TOK_END)
            next(p);
        t = next(p);
        if (t->kind == FV_TOK_RPAREN && b->n_params == 0)
            break;
        if (t->kind != FV_TOK_WORD)
            return unexpected(p, t, "a parameter name");
        for (size_t k = 0; k < b->n_params; k++)
            if (b->params[k].name->len == t->len &&
                memcmp(b->params[k].name->text, t->text, t->len) == 0)
                return fv_src_error(p->src, FV_ERR_SEMANTIC, t->line, t->col,
                                    "duplicate parameter '%.*s'", (int)t->len, t->text);
        fv_tparam *param = &b->params[b->n_params++];
        param->name = t;
        if (peek(p, 0)->kind == FV_TOK_EQ) {
            next(p);
            param->def = next(p);
            if (param->def->len == 0)
                return fv_src_error(p->src, FV_ERR_SYNTAX, param->def->line, param->def->col,
                                    "'%.*s=' needs a value", (int)t->len, t->text);
        }
        while (peek(p, 0)->kind == FV_TOK_END)
            next(p);
        t = next(p);
        if (t->kind == FV_TOK_RPAREN)
            break;
        if (t->kind != FV_TOK_COMMA)
            return unexpected(p, t, "',' or ')'");
    }
    fv_tstmt holder = {0};
    fv_status st = parse_body(p, &holder, depth);
    b->body = holder.body;
    return st;
}

static fv_status parse_statement(parser *p, fv_tlist *list, int depth)
{
    if (fv_tok_is(peek(p, 0), "block") && peek(p, 1)->kind == FV_TOK_WORD)
        return parse_block(p, depth);
    fv_tstmt *s = list_push(p, list);
    if (!s)
        return fv_src_error(p->src, FV_ERR_NOMEM, 0, 0, "out of memory");
    s->kind = FV_TSTMT_LAYER;
    if (peek(p, 0)->kind == FV_TOK_WORD && peek(p, 1)->kind == FV_TOK_COLON) {
        s->label = next(p);
        next(p);
    }
    const fv_token *head = next(p);
    if (head->kind != FV_TOK_WORD)
        return unexpected(p, head, s->label ? "an op after the label" : "a statement");
    s->head = head;
    if (fv_tok_is(head, "input")) {
        if (s->label)
            return fv_src_error(p->src, FV_ERR_SYNTAX, s->label->line, s->label->col,
                                "the input takes no label; write 'input NAME'");
        s->kind = FV_TSTMT_INPUT;
        if (peek(p, 0)->kind == FV_TOK_WORD && peek(p, 1)->kind != FV_TOK_EQ &&
            !ends_statement(peek(p, 0)))
            s->name = next(p);
    } else if (fv_tok_is(head, "for") || fv_tok_is(head, "head")) {
        if (s->label)
            return fv_src_error(p->src, FV_ERR_SYNTAX, s->label->line, s->label->col,
                                "a '%.*s' statement takes no label", (int)head->len, head->text);
        if (fv_tok_is(head, "for")) {
            s->kind = FV_TSTMT_FOR;
            fv_status st = parse_for(p, s, depth);
            if (st != FV_OK)
                return st;
        } else {
            s->kind = FV_TSTMT_HEAD;
        }
    } else if (fv_tok_is(head, "repeat")) {
        s->kind = FV_TSTMT_REPEAT;
        s->name = next(p);
        if (s->name->kind != FV_TOK_WORD)
            return unexpected(p, s->name, "a repeat count");
        s->args_begin = s->args_end = p->i;
        fv_status st = parse_body(p, s, depth);
        if (st != FV_OK)
            return st;
        /* An empty body would loop up to 10^6 times per level adding nothing. */
        if (s->body.n == 0)
            return fv_src_error(p->src, FV_ERR_SEMANTIC, head->line, head->col,
                                "repeat has no layers in its body");
    }
    if (s->kind != FV_TSTMT_REPEAT && s->kind != FV_TSTMT_FOR) {
        fv_status st = parse_args(p, s);
        if (st != FV_OK)
            return st;
    }
    if (!ends_statement(peek(p, 0)))
        return unexpected(p, peek(p, 0), "the end of the statement");
    return FV_OK;
}

/* Statements up to the '}' that closes `open`, or to the end of the file. */
static fv_status parse_list(parser *p, fv_tlist *list, int depth, const fv_token *open)
{
    for (;;) {
        const fv_token *t = peek(p, 0);
        if (t->kind == FV_TOK_END) {
            next(p);
            continue;
        }
        if (t->kind == FV_TOK_EOF) {
            if (open)
                return fv_src_error(p->src, FV_ERR_SYNTAX, open->line, open->col,
                                    "'{' is never closed");
            return FV_OK;
        }
        if (t->kind == FV_TOK_RBRACE) {
            if (!open)
                return fv_src_error(p->src, FV_ERR_SYNTAX, t->line, t->col,
                                    "'}' without a matching '{'");
            next(p);
            return FV_OK;
        }
        fv_status st = parse_statement(p, list, depth);
        if (st != FV_OK)
            return st;
    }
}

fv_status fv_text_parse_program(const fv_src *src, fv_tprogram *prog)
{
    memset(prog, 0, sizeof *prog);
    fv_status st = fv_text_lex(src, &prog->toks, &prog->n_toks);
    if (st != FV_OK)
        return st;
    parser p = {src, prog, 0};
    return parse_list(&p, &prog->top, 0, NULL);
}

static void free_list(fv_tlist *l)
{
    for (size_t k = 0; k < l->n; k++)
        free_list(&l->items[k].body);
    free(l->items);
}

void fv_tprogram_free(fv_tprogram *prog)
{
    free_list(&prog->top);
    for (size_t k = 0; k < prog->n_blocks; k++) {
        free(prog->blocks[k].params);
        free_list(&prog->blocks[k].body);
    }
    free(prog->blocks);
    free(prog->toks);
    memset(prog, 0, sizeof *prog);
}

fv_status fv_text_parse(const char *text, size_t len, const char *file, fv_graph **graph,
                        fv_diag *diag)
{
    fv_diag_init(diag);
    if (!graph)
        return fv_diag_set(diag, FV_ERR_USAGE, "fv_text_parse needs somewhere to put the graph");
    *graph = NULL;
    if (!text && len)
        return fv_diag_set(diag, FV_ERR_USAGE, "fv_text_parse got no text");
    fv_src src = {text ? text : "", len, file ? file : "", diag};
    fv_graph *g = fv_graph_create();
    if (!g || fv_graph_keep_text(g, src.text, len) != FV_OK) {
        fv_graph_free(g);
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    }
    fv_graph_set_source(g, src.file);
    fv_tprogram prog;
    fv_status st = fv_text_parse_program(&src, &prog);
    if (st == FV_OK)
        st = fv_text_expand(&src, &prog, g);
    if (st == FV_OK)
        st = fv_graph_check(g, diag);
    fv_tprogram_free(&prog);
    if (st != FV_OK) {
        fv_graph_free(g);
        return st;
    }
    *graph = g;
    return FV_OK;
}
