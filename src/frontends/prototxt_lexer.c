/* Tokens of the protobuf text format, with the line and column where each
 * starts (columns count bytes, tabs as one). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "prototxt.h"

void pt_lexer_init(pt_lexer *lx, const char *text, size_t len, const char *file)
{
    memset(lx, 0, sizeof *lx);
    lx->text = text;
    lx->len = len;
    lx->file = file;
    lx->line = 1;
    lx->col = 1;
}

fv_status pt_error(const pt_lexer *lx, fv_diag *diag, fv_status status, int32_t line, int32_t col,
                   const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    status = fv_diag_at_v(diag, status, lx->file, lx->text, lx->len, line, col, fmt, ap);
    va_end(ap);
    return status;
}

static int peek(const pt_lexer *lx, size_t ahead)
{
    return lx->at + ahead < lx->len ? (unsigned char)lx->text[lx->at + ahead] : -1;
}

static void advance(pt_lexer *lx)
{
    if (lx->text[lx->at] == '\n') {
        lx->line++;
        lx->col = 1;
    } else {
        lx->col++;
    }
    lx->at++;
}

static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }

static void skip_space(pt_lexer *lx)
{
    for (;;) {
        int c = peek(lx, 0);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            advance(lx);
        } else if (c == '#') {
            while (peek(lx, 0) != -1 && peek(lx, 0) != '\n')
                advance(lx);
        } else {
            return;
        }
    }
}

static fv_status lex_string(pt_lexer *lx, pt_token *tok, fv_diag *diag)
{
    int quote = peek(lx, 0);
    advance(lx);
    /* The decoded string is never longer than its source. */
    char *out = malloc(lx->len - lx->at + 1);
    if (!out)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    size_t n = 0;
    for (;;) {
        int c = peek(lx, 0);
        if (c == -1 || c == '\n') {
            free(out);
            return pt_error(lx, diag, FV_ERR_SYNTAX, tok->line, tok->col,
                            "string is not closed on this line");
        }
        if (c == quote) {
            advance(lx);
            break;
        }
        if (c == '\\') {
            int32_t l = lx->line, col = lx->col;
            advance(lx);
            int e = peek(lx, 0);
            const char *from = "nrt\\\"'", *to = "\n\r\t\\\"'";
            const char *hit = e > 0 ? strchr(from, e) : NULL;
            if (!hit) {
                free(out);
                return pt_error(lx, diag, FV_ERR_SYNTAX, l, col,
                                "unknown escape sequence in a string");
            }
            out[n++] = to[hit - from];
            advance(lx);
            continue;
        }
        out[n++] = (char)c;
        advance(lx);
    }
    out[n] = '\0';
    tok->kind = PT_TOK_STRING;
    tok->str = out;
    return FV_OK;
}

fv_status pt_lex(pt_lexer *lx, pt_token *tok, fv_diag *diag)
{
    skip_space(lx);
    memset(tok, 0, sizeof *tok);
    tok->line = lx->line;
    tok->col = lx->col;
    tok->start = lx->text + lx->at;
    int c = peek(lx, 0);
    if (c == -1) {
        tok->kind = PT_TOK_EOF;
        return FV_OK;
    }
    size_t begin = lx->at;
    fv_status st = FV_OK;
    if (c == '"' || c == '\'') {
        st = lex_string(lx, tok, diag);
    } else if (is_alpha(c)) {
        while (is_alpha(peek(lx, 0)) || is_digit(peek(lx, 0)))
            advance(lx);
        tok->kind = PT_TOK_IDENT;
    } else if (is_digit(c) || ((c == '-' || c == '+' || c == '.') &&
                               (is_digit(peek(lx, 1)) || peek(lx, 1) == '.' || is_alpha(peek(lx, 1))))) {
        /* A number's characters; caffe.c checks them with strtod/strtoll. */
        advance(lx);
        for (;;) {
            int d = peek(lx, 0), prev = lx->text[lx->at - 1];
            int hex = lx->at - begin >= 2 && (lx->text[begin + 1] == 'x' || lx->text[begin + 1] == 'X');
            if (is_alpha(d) || is_digit(d) || d == '.' ||
                ((d == '-' || d == '+') && (prev == 'e' || prev == 'E') && !hex))
                advance(lx);
            else
                break;
        }
        tok->kind = PT_TOK_NUMBER;
    } else if (strchr("{}<>[]:,;", c)) {
        advance(lx);
        tok->kind = PT_TOK_PUNCT;
    } else {
        return pt_error(lx, diag, FV_ERR_SYNTAX, tok->line, tok->col,
                        (c >= 32 && c < 127) ? "unexpected character '%c'"
                                             : "unexpected byte 0x%02x",
                        c);
    }
    tok->n = lx->at - begin;
    return st;
}
