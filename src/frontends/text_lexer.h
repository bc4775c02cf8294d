/* Tokens of fovea's text format, each with its line and column, and the one
 * place that turns a position into a diagnostic. */
#ifndef FV_TEXT_LEXER_H
#define FV_TEXT_LEXER_H

#include <stddef.h>
#include <stdint.h>

#include "fovea.h"

typedef enum fv_tok_kind {
    FV_TOK_WORD,   /* op, name, keyword, key, repeat count */
    FV_TOK_VALUE,  /* the raw text after '=' (may be empty) */
    FV_TOK_EQ,
    FV_TOK_COLON,
    FV_TOK_LBRACE,
    FV_TOK_RBRACE,
    FV_TOK_LPAREN,
    FV_TOK_RPAREN,
    FV_TOK_COMMA,
    FV_TOK_END,    /* newline or ';' */
    FV_TOK_EOF
} fv_tok_kind;

typedef struct fv_token {
    fv_tok_kind kind;
    uint32_t len;
    const char *text; /* into the source; not NUL-terminated */
    int32_t line, col;
} fv_token;

/* The source being parsed and where its errors go. */
typedef struct fv_src {
    const char *text;
    size_t len;
    const char *file;
    fv_diag *diag;
} fv_src;

/* Fills src->diag with a message at line:col, quoting that line. Returns st. */
fv_status fv_src_error(const fv_src *src, fv_status st, int32_t line, int32_t col,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Splits the whole source into tokens, ending with one FV_TOK_EOF. On success
 * the caller frees *toks. */
fv_status fv_text_lex(const fv_src *src, fv_token **toks, size_t *n);

/* Non-zero when the token's text is exactly `word`. */
int fv_tok_is(const fv_token *t, const char *word);

#endif
