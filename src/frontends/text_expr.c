/* $name and ${expr} in values: block arguments and repeat indices are bound
 * to text, substituted before a value is parsed; ${...} evaluates integer
 * arithmetic (+ - * / and parentheses) with every overflow caught. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "graph_private.h"
#include "text_ast.h"

#define MAX_EXPR_DEPTH 64

typedef struct expr {
    const fv_src *src;
    const fv_token *tok;
    const char *s;        /* the whole token text */
    size_t i, end;        /* cursor and end of the expression inside s */
    size_t group;         /* offset of the '$' that opened the group */
    fv_text_lookup lookup;
    void *ctx;
    int depth;
} expr;

static int is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

static fv_status err_at(const expr *e, size_t offset, fv_status st, const char *what)
{
    return fv_src_error(e->src, st, e->tok->line, e->tok->col + (int32_t)offset, "%s", what);
}

/* Error about the whole group, quoting it: "division by zero in ${a/b}". */
static fv_status err_group(const expr *e, fv_status st, const char *what)
{
    return fv_src_error(e->src, st, e->tok->line, e->tok->col + (int32_t)e->group,
                        "%s in '%.*s'", what, (int)(e->end + 1 - e->group), e->s + e->group);
}

static void skip_space(expr *e)
{
    while (e->i < e->end && (e->s[e->i] == ' ' || e->s[e->i] == '\t'))
        e->i++;
}

/* Parses text as a whole decimal integer. */
static int parse_int(const char *s, size_t n, int64_t *out)
{
    char buf[32];
    if (n == 0 || n >= sizeof buf)
        return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *end;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (errno == ERANGE || end != buf + n || !(buf[0] == '-' || (buf[0] >= '0' && buf[0] <= '9')))
        return 0;
    *out = v;
    return 1;
}

static fv_status sum(expr *e, int64_t *out);

static fv_status primary(expr *e, int64_t *out)
{
    skip_space(e);
    if (e->i >= e->end)
        return err_at(e, e->i, FV_ERR_SYNTAX, "expected a number, a name or '(' in the expression");
    char c = e->s[e->i];
    size_t start = e->i;
    if (c == '(') {
        if (++e->depth > MAX_EXPR_DEPTH)
            return err_at(e, start, FV_ERR_LIMIT, "expression nested too deeply");
        e->i++;
        fv_status st = sum(e, out);
        if (st != FV_OK)
            return st;
        skip_space(e);
        if (e->i >= e->end || e->s[e->i] != ')')
            return err_at(e, e->i, FV_ERR_SYNTAX, "expected ')' in the expression");
        e->i++;
        e->depth--;
        return FV_OK;
    }
    if (c == '-') {
        if (++e->depth > MAX_EXPR_DEPTH)
            return err_at(e, start, FV_ERR_LIMIT, "expression nested too deeply");
        e->i++;
        int64_t v;
        fv_status st = primary(e, &v);
        if (st != FV_OK)
            return st;
        e->depth--;
        if (v == INT64_MIN)
            return err_group(e, FV_ERR_LIMIT, "integer overflow");
        *out = -v;
        return FV_OK;
    }
    if (c >= '0' && c <= '9') {
        while (e->i < e->end && e->s[e->i] >= '0' && e->s[e->i] <= '9')
            e->i++;
        if (!parse_int(e->s + start, e->i - start, out))
            return err_group(e, FV_ERR_LIMIT, "integer overflow");
        return FV_OK;
    }
    if (c == '$')
        start = ++e->i;
    if (e->i < e->end && is_name_start(e->s[e->i])) {
        while (e->i < e->end && is_name_char(e->s[e->i]))
            e->i++;
        size_t n = e->i - start;
        const char *v = e->lookup(e->ctx, e->s + start, n);
        if (!v)
            return fv_src_error(e->src, FV_ERR_SEMANTIC, e->tok->line,
                                e->tok->col + (int32_t)start, "undefined parameter '$%.*s'",
                                (int)n, e->s + start);
        if (!parse_int(v, strlen(v), out))
            return fv_src_error(e->src, FV_ERR_SEMANTIC, e->tok->line,
                                e->tok->col + (int32_t)start,
                                "'$%.*s' is '%s', not an integer", (int)n, e->s + start, v);
        return FV_OK;
    }
    return err_at(e, e->i, FV_ERR_SYNTAX, "expected a number, a name or '(' in the expression");
}

static fv_status product(expr *e, int64_t *out)
{
    fv_status st = primary(e, out);
    for (;;) {
        if (st != FV_OK)
            return st;
        skip_space(e);
        if (e->i >= e->end || (e->s[e->i] != '*' && e->s[e->i] != '/'))
            return FV_OK;
        char op = e->s[e->i++];
        int64_t rhs;
        st = primary(e, &rhs);
        if (st != FV_OK)
            return st;
        if (op == '*') {
            if (__builtin_mul_overflow(*out, rhs, out))
                return err_group(e, FV_ERR_LIMIT, "integer overflow");
        } else {
            if (rhs == 0)
                return err_group(e, FV_ERR_SEMANTIC, "division by zero");
            if (*out == INT64_MIN && rhs == -1)
                return err_group(e, FV_ERR_LIMIT, "integer overflow");
            *out /= rhs;
        }
    }
}

static fv_status sum(expr *e, int64_t *out)
{
    fv_status st = product(e, out);
    for (;;) {
        if (st != FV_OK)
            return st;
        skip_space(e);
        if (e->i >= e->end || (e->s[e->i] != '+' && e->s[e->i] != '-'))
            return FV_OK;
        char op = e->s[e->i++];
        int64_t rhs;
        st = product(e, &rhs);
        if (st != FV_OK)
            return st;
        int over = op == '+' ? __builtin_add_overflow(*out, rhs, out)
                             : __builtin_sub_overflow(*out, rhs, out);
        if (over)
            return err_group(e, FV_ERR_LIMIT, "integer overflow");
    }
}

/* Appends n bytes to out; fails when the result would not fit. */
static int append(char *out, size_t size, size_t *len, const char *s, size_t n)
{
    if (*len + n + 1 > size)
        return 0;
    memcpy(out + *len, s, n);
    *len += n;
    out[*len] = '\0';
    return 1;
}

fv_status fv_text_subst(const fv_src *src, const fv_token *tok, fv_text_lookup lookup,
                        void *ctx, char *out, size_t size)
{
    const char *s = tok->text;
    size_t n = tok->len, len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n;) {
        int ok;
        if (s[i] != '$') {
            size_t j = i;
            while (j < n && s[j] != '$')
                j++;
            ok = append(out, size, &len, s + i, j - i);
            i = j;
        } else if (i + 1 < n && s[i + 1] == '{') {
            /* The lexer made sure a '}' closes the group inside this token. */
            const char *close = memchr(s + i, '}', n - i);
            expr e = {src, tok, s, i + 2, (size_t)(close - s), i, lookup, ctx, 0};
            int64_t v;
            fv_status st = sum(&e, &v);
            if (st != FV_OK)
                return st;
            skip_space(&e);
            if (e.i != e.end)
                return err_at(&e, e.i, FV_ERR_SYNTAX, "unexpected character in the expression");
            char num[24];
            int k = snprintf(num, sizeof num, "%lld", (long long)v);
            ok = append(out, size, &len, num, (size_t)k);
            i = e.end + 1;
        } else {
            size_t j = i + 1;
            if (j < n && is_name_start(s[j]))
                while (j < n && is_name_char(s[j]))
                    j++;
            if (j == i + 1)
                return fv_src_error(src, FV_ERR_SYNTAX, tok->line, tok->col + (int32_t)i,
                                    "'$' must be followed by a name or '{'");
            const char *v = lookup(ctx, s + i + 1, j - i - 1);
            if (!v)
                return fv_src_error(src, FV_ERR_SEMANTIC, tok->line, tok->col + (int32_t)i,
                                    "undefined parameter '%.*s'", (int)(j - i), s + i);
            ok = append(out, size, &len, v, strlen(v));
            i = j;
        }
        if (!ok)
            return fv_src_error(src, FV_ERR_LIMIT, tok->line, tok->col,
                                "value longer than %zu bytes after substitution", size - 1);
    }
    return FV_OK;
}
