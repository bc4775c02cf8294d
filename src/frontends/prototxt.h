/* The protobuf text format, in the subset network definitions use: fields
 * `name: value` and messages `name { ... }` / `name: { ... }` / `name < >`,
 * repeated fields, short lists `name: [1, 2]`, strings in "" or '' (adjacent
 * strings join), numbers, enum identifiers, # comments, optional , or ;
 * after a field. prototxt_lexer.c splits tokens; prototxt_parser.c builds
 * the tree of fields that caffe.c reads. */
#ifndef FV_PROTOTXT_H
#define FV_PROTOTXT_H

#include "graph_private.h"

/* ------------------------------------------------------------------ lexer */

typedef enum pt_tok_kind {
    PT_TOK_EOF,
    PT_TOK_IDENT,
    PT_TOK_NUMBER,
    PT_TOK_STRING,
    PT_TOK_PUNCT /* one of { } < > [ ] : , ; */
} pt_tok_kind;

typedef struct pt_token {
    pt_tok_kind kind;
    const char *start;  /* in the text; for strings, the opening quote */
    size_t n;
    char *str;          /* strings: the decoded value, malloc'd (the parser takes it) */
    int32_t line, col;
} pt_token;

typedef struct pt_lexer {
    const char *file, *text;
    size_t len, at;
    int32_t line, col;
} pt_lexer;

void pt_lexer_init(pt_lexer *lx, const char *text, size_t len, const char *file);

/* The next token; strings are decoded into tok->str. */
fv_status pt_lex(pt_lexer *lx, pt_token *tok, fv_diag *diag);

/* An error at line:col of the lexer's text. Returns `status`. */
fv_status pt_error(const pt_lexer *lx, fv_diag *diag, fv_status status, int32_t line, int32_t col,
                   const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* ----------------------------------------------------------------- parser */

typedef enum pt_kind { PT_MESSAGE, PT_STRING, PT_NUMBER, PT_IDENT } pt_kind;

typedef struct pt_msg pt_msg;

typedef struct pt_field {
    char *name;
    pt_kind kind;
    char *text;          /* scalars: the string's value or the token's text */
    pt_msg *msg;         /* messages */
    int32_t line, col;   /* of the field name */
    int32_t vline, vcol; /* of the value */
} pt_field;

struct pt_msg {
    pt_field *fields;
    size_t n, cap;
};

/* Parses the whole text into *root (free with pt_free). */
fv_status pt_parse(pt_lexer *lx, pt_msg **root, fv_diag *diag);
void pt_free(pt_msg *msg);

#endif
