/* The text format's lexer. Statements are line-oriented, so newlines are
 * tokens. After '=' the lexer reads a raw value (numbers, HxW pairs, lists,
 * slices, $-substitutions) and leaves its meaning to the parameter parser,
 * which knows the key. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "graph_private.h"
#include "text_lexer.h"

fv_status fv_src_error(const fv_src *src, fv_status st, int32_t line, int32_t col,
                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    st = fv_diag_at_v(src->diag, st, src->file, src->text, src->len, line, col, fmt, ap);
    va_end(ap);
    return st;
}

int fv_tok_is(const fv_token *t, const char *word)
{
    size_t n = strlen(word);
    return t->len == n && memcmp(t->text, word, n) == 0;
}

static int is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_';
}

/* Characters of a word: names may carry dots (scope prefixes) and counts may
 * be negative or substituted, so '.', '-' and '$' belong here too. */
static int is_word_char(char c) { return is_alnum(c) || c == '.' || c == '-' || c == '$'; }

/* Characters a value may contain besides a ${...} group. */
static int is_value_char(char c, int in_header)
{
    if (is_word_char(c) || c == ':' || c == '/' || c == '+')
        return 1;
    return c == ',' && !in_header;
}

typedef struct lexer {
    const fv_src *src;
    size_t i;
    int32_t line, col;
    fv_token *toks;
    size_t n, cap;
} lexer;

static fv_status push(lexer *lx, fv_tok_kind kind, size_t start, int32_t col)
{
    if (lx->n == lx->cap) {
        size_t cap = lx->cap ? 2 * lx->cap : 256;
        fv_token *t = realloc(lx->toks, cap * sizeof *t);
        if (!t)
            return fv_src_error(lx->src, FV_ERR_NOMEM, 0, 0, "out of memory");
        lx->toks = t;
        lx->cap = cap;
    }
    size_t len = lx->i - start;
    if (len > UINT32_MAX)
        return fv_src_error(lx->src, FV_ERR_LIMIT, lx->line, col, "token longer than 4 GiB");
    lx->toks[lx->n++] = (fv_token){kind, (uint32_t)len, lx->src->text + start, lx->line, col};
    return FV_OK;
}

static fv_status unexpected(lexer *lx)
{
    unsigned char c = (unsigned char)lx->src->text[lx->i];
    if (c >= 0x21 && c < 0x7f)
        return fv_src_error(lx->src, FV_ERR_SYNTAX, lx->line, lx->col,
                            "unexpected character '%c'", c);
    return fv_src_error(lx->src, FV_ERR_SYNTAX, lx->line, lx->col,
                        "unexpected byte 0x%02X", c);
}

/* A ${...} group inside a word or value; lx->i is at '$'. Spaces are allowed
 * inside, newlines are not. */
static fv_status skip_group(lexer *lx)
{
    const char *t = lx->src->text;
    size_t j = lx->i + 2;
    while (j < lx->src->len && t[j] != '}' && t[j] != '\n')
        j++;
    if (j >= lx->src->len || t[j] != '}')
        return fv_src_error(lx->src, FV_ERR_SYNTAX, lx->line, lx->col, "'${' is never closed");
    lx->col += (int32_t)(j + 1 - lx->i);
    lx->i = j + 1;
    return FV_OK;
}

static int at_group(const lexer *lx)
{
    return lx->src->text[lx->i] == '$' && lx->i + 1 < lx->src->len &&
           lx->src->text[lx->i + 1] == '{';
}

/* Reads a word or, when `value` is set, a value; stops at the first
 * character that cannot belong to it. */
static fv_status read_run(lexer *lx, int value, int in_header)
{
    size_t start = lx->i;
    int32_t col = lx->col;
    while (lx->i < lx->src->len) {
        char c = lx->src->text[lx->i];
        if (at_group(lx)) {
            fv_status st = skip_group(lx);
            if (st != FV_OK)
                return st;
            continue;
        }
        if (value ? !is_value_char(c, in_header) : !is_word_char(c))
            break;
        lx->i++;
        lx->col++;
    }
    if (value && lx->i < lx->src->len) {
        /* A value ends only where a statement, comment or group could go on. */
        char c = lx->src->text[lx->i];
        if (!strchr(" \t\r\n;#}", c) && !(in_header && (c == ',' || c == ')')))
            return unexpected(lx);
    }
    return push(lx, value ? FV_TOK_VALUE : FV_TOK_WORD, start, col);
}

fv_status fv_text_lex(const fv_src *src, fv_token **toks, size_t *n)
{
    lexer lx = {.src = src, .line = 1, .col = 1};
    int parens = 0;
    fv_status st = FV_OK;
    const char *t = src->text;
    while (st == FV_OK && lx.i < src->len) {
        char c = t[lx.i];
        if (c == ' ' || c == '\t' || c == '\r') {
            lx.i++;
            lx.col++;
            continue;
        }
        if (c == '#') {
            while (lx.i < src->len && t[lx.i] != '\n')
                lx.i++;
            continue;
        }
        if (c == '\n') {
            st = push(&lx, FV_TOK_END, lx.i, lx.col);
            lx.i++;
            if (lx.line == INT32_MAX)
                return free(lx.toks), fv_src_error(src, FV_ERR_LIMIT, 0, 0, "too many lines");
            lx.line++;
            lx.col = 1;
            continue;
        }
        static const struct {
            char c;
            fv_tok_kind kind;
        } punct[] = {{';', FV_TOK_END},    {'=', FV_TOK_EQ},     {':', FV_TOK_COLON},
                     {'{', FV_TOK_LBRACE}, {'}', FV_TOK_RBRACE}, {'(', FV_TOK_LPAREN},
                     {')', FV_TOK_RPAREN}, {',', FV_TOK_COMMA}};
        int matched = 0;
        for (size_t k = 0; k < sizeof punct / sizeof punct[0]; k++) {
            if (punct[k].c != c)
                continue;
            size_t start = lx.i++;
            int32_t col = lx.col++;
            st = push(&lx, punct[k].kind, start, col);
            parens += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (st == FV_OK && c == '=')
                st = read_run(&lx, 1, parens > 0);
            matched = 1;
            break;
        }
        if (matched)
            continue;
        if (is_word_char(c))
            st = read_run(&lx, 0, 0);
        else
            st = unexpected(&lx);
    }
    if (st == FV_OK)
        st = push(&lx, FV_TOK_EOF, lx.i, lx.col);
    if (st != FV_OK) {
        free(lx.toks);
        return st;
    }
    *toks = lx.toks;
    *n = lx.n;
    return FV_OK;
}
