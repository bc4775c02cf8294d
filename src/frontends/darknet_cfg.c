/* Reading a Darknet .cfg with libinih. inih hands over keys but not their
 * lines, and skips sections without keys ([avgpool] alone is a layer), so it
 * reads through our own line reader: the reader knows the line inih is on
 * and records every section header, and the handler files keys under it. */
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "darknet_cfg.h"

static char *dup_range(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

fv_status dn_error(const dn_cfg *cfg, fv_diag *diag, fv_status status, int32_t line, int32_t col,
                   const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    status = fv_diag_at_v(diag, status, cfg->file, cfg->text, cfg->len, line, col, fmt, ap);
    va_end(ap);
    return status;
}

/* Column of the first character of line `line` that is not blank, 1-based. */
static int32_t first_col(const dn_cfg *cfg, int32_t line)
{
    char buf[256];
    fv_text_line(cfg->text, cfg->len, line, buf, sizeof buf);
    int32_t c = 0;
    while (buf[c] == ' ' || buf[c] == '\t')
        c++;
    return c + 1;
}

int32_t dn_value_col(const dn_cfg *cfg, const dn_key *k)
{
    char buf[256];
    fv_text_line(cfg->text, cfg->len, k->line, buf, sizeof buf);
    const char *eq = strpbrk(buf, "=:");
    if (!eq)
        return first_col(cfg, k->line);
    const char *v = eq + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    return (int32_t)(v - buf) + 1;
}

fv_status dn_section_error(const dn_cfg *cfg, const dn_section *s, fv_diag *diag,
                           fv_status status, const char *fmt, ...)
{
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return dn_error(cfg, diag, status, s->line, first_col(cfg, s->line), "%s", what);
}

/* Marks a value that inih sees as a stand-in for one kept in cfg->long_values. */
#define LONG_VALUE_MARK '\x01'

/* Debian's libinih reads lines into a fixed 200-byte buffer, and real files
 * exceed it (a YOLO anchors= list, a long comment). Such a line reaches
 * inih shortened: a comment as its prefix alone, a key=value as the key and
 * a mark naming the value kept aside. Returns 0 when the line cannot be
 * shortened (a long section header or key). */
static int shorten_line(dn_cfg *cfg, const char *start, size_t n, char *str, size_t num)
{
    size_t i = 0;
    while (i < n && (start[i] == ' ' || start[i] == '\t'))
        i++;
    if (i == n || start[i] == '\r' || start[i] == '\n') {
        snprintf(str, num, "\n");
        return 1;
    }
    if (start[i] == '#' || start[i] == ';') {
        snprintf(str, num, "%c\n", start[i]);
        return 1;
    }
    size_t sep = i;
    while (sep < n && start[sep] != '=' && start[sep] != ':' && start[sep] != '[')
        sep++;
    if (sep == n || start[sep] == '[' || sep + 24 > num)
        return 0;
    if (cfg->n_long == cfg->cap_long) {
        size_t cap = cfg->cap_long ? 2 * cfg->cap_long : 8;
        char **q = realloc(cfg->long_values, cap * sizeof *q);
        if (!q) {
            cfg->st = FV_ERR_NOMEM;
            return 0;
        }
        cfg->long_values = q;
        cfg->cap_long = cap;
    }
    size_t end = n;
    while (end > sep + 1 && (start[end - 1] == '\n' || start[end - 1] == '\r'))
        end--;
    char *value = dup_range(start + sep + 1, end - sep - 1);
    if (!value) {
        cfg->st = FV_ERR_NOMEM;
        return 0;
    }
    cfg->long_values[cfg->n_long] = value;
    snprintf(str, num, "%.*s=%c%zu\n", (int)(sep - i), start + i, LONG_VALUE_MARK, cfg->n_long);
    cfg->n_long++;
    return 1;
}

/* The value inih would have given for a line it saw shortened: blanks
 * trimmed and an inline comment (';' after a blank) dropped. */
static const char *long_value(const dn_cfg *cfg, const char *value)
{
    char *v = cfg->long_values[strtoul(value + 1, NULL, 10)];
    for (char *p = v; *p; p++)
        if (*p == ';' && p > v && (p[-1] == ' ' || p[-1] == '\t')) {
            *p = '\0';
            break;
        }
    size_t n = strlen(v);
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        v[--n] = '\0';
    while (*v == ' ' || *v == '\t')
        v++;
    return v;
}

/* fgets for inih over the text, counting lines and noting section headers. */
static char *reader(char *str, int num, void *stream)
{
    dn_cfg *cfg = stream;
    if (cfg->at >= cfg->len || cfg->too_long || cfg->st != FV_OK)
        return NULL;
    const char *start = cfg->text + cfg->at;
    const char *nl = memchr(start, '\n', cfg->len - cfg->at);
    size_t n = nl ? (size_t)(nl - start) + 1 : cfg->len - cfg->at;
    cfg->line++;
    if (memchr(start, '\0', n) || memchr(start, LONG_VALUE_MARK, n)) {
        cfg->too_long = 1;
        return NULL;
    }
    cfg->at += n;
    /* inih needs room for '\r', '\n' and '\0' beyond the text. */
    if (n + 3 > (size_t)num) {
        if (!shorten_line(cfg, start, n, str, (size_t)num)) {
            cfg->too_long = cfg->st == FV_OK;
            return NULL;
        }
        return str;
    }
    memcpy(str, start, n);
    str[n] = '\0';

    const char *p = str;
    while (*p == ' ' || *p == '\t')
        p++;
    const char *close = *p == '[' ? strchr(p, ']') : NULL;
    if (close) {
        if (cfg->n_sections == cfg->cap_sections) {
            size_t cap = cfg->cap_sections ? 2 * cfg->cap_sections : 64;
            dn_section *q = realloc(cfg->sections, cap * sizeof *q);
            if (!q) {
                cfg->st = FV_ERR_NOMEM;
                return NULL;
            }
            cfg->sections = q;
            cfg->cap_sections = cap;
        }
        const char *b = p + 1, *e = close;
        while (b < e && (*b == ' ' || *b == '\t'))
            b++;
        while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        dn_section *s = &cfg->sections[cfg->n_sections];
        memset(s, 0, sizeof *s);
        s->line = cfg->line;
        s->name = dup_range(b, (size_t)(e - b));
        if (!s->name) {
            cfg->st = FV_ERR_NOMEM;
            return NULL;
        }
        cfg->n_sections++;
    }
    return str;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    dn_cfg *cfg = user;
    if (cfg->st != FV_OK)
        return 0;
    if (cfg->n_sections == 0) {
        cfg->st = dn_error(cfg, cfg->diag, FV_ERR_SYNTAX, cfg->line, first_col(cfg, cfg->line),
                           "'%s' comes before any [section]", name);
        cfg->err_line = cfg->line;
        return 0;
    }
    dn_section *s = &cfg->sections[cfg->n_sections - 1];
    const dn_key *old = dn_find(s, name);
    if (old) {
        cfg->st = dn_error(cfg, cfg->diag, FV_ERR_SEMANTIC, cfg->line, first_col(cfg, cfg->line),
                           "'%s' is given twice in [%s] (first on line %d)", name, s->name,
                           old->line);
        cfg->err_line = cfg->line;
        return 0;
    }
    if (s->n_keys == s->cap_keys) {
        size_t cap = s->cap_keys ? 2 * s->cap_keys : 8;
        dn_key *q = realloc(s->keys, cap * sizeof *q);
        if (!q) {
            cfg->st = FV_ERR_NOMEM;
            return 0;
        }
        s->keys = q;
        s->cap_keys = cap;
    }
    if (value[0] == LONG_VALUE_MARK)
        value = long_value(cfg, value);
    dn_key *k = &s->keys[s->n_keys];
    k->key = dup_range(name, strlen(name));
    k->value = dup_range(value, strlen(value));
    k->line = cfg->line;
    if (!k->key || !k->value) {
        free(k->key);
        free(k->value);
        cfg->st = FV_ERR_NOMEM;
        return 0;
    }
    s->n_keys++;
    (void)section;
    return 1;
}

fv_status dn_cfg_read(dn_cfg *cfg, const char *text, size_t len, const char *file, fv_diag *diag)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->file = file;
    cfg->text = text;
    cfg->len = len;
    cfg->diag = diag;
    int ret = ini_parse_stream(reader, cfg, handler, cfg);
    if (cfg->st == FV_ERR_NOMEM)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    if (cfg->too_long)
        return dn_error(cfg, diag, FV_ERR_LIMIT, cfg->line, 1,
                        "a section header or key longer than %d characters, or a control "
                        "byte (NUL, 0x01)", INI_MAX_LINE - 24);
    if (cfg->st != FV_OK && (ret <= 0 || ret >= cfg->err_line))
        return cfg->st;
    if (ret > 0)
        return dn_error(cfg, diag, FV_ERR_SYNTAX, ret, first_col(cfg, ret),
                        "expected '[section]' or 'key=value'");
    if (ret < 0)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    return FV_OK;
}

void dn_cfg_free(dn_cfg *cfg)
{
    for (size_t i = 0; i < cfg->n_sections; i++) {
        dn_section *s = &cfg->sections[i];
        for (size_t k = 0; k < s->n_keys; k++) {
            free(s->keys[k].key);
            free(s->keys[k].value);
        }
        free(s->keys);
        free(s->name);
    }
    free(cfg->sections);
    cfg->sections = NULL;
    cfg->n_sections = 0;
    for (size_t i = 0; i < cfg->n_long; i++)
        free(cfg->long_values[i]);
    free(cfg->long_values);
    cfg->long_values = NULL;
    cfg->n_long = 0;
}

const dn_key *dn_find(const dn_section *s, const char *key)
{
    for (size_t k = 0; k < s->n_keys; k++)
        if (strcmp(s->keys[k].key, key) == 0)
            return &s->keys[k];
    return NULL;
}

static fv_status missing(const dn_cfg *cfg, const dn_section *s, const char *key, fv_diag *diag)
{
    return dn_section_error(cfg, s, diag, FV_ERR_SEMANTIC, "[%s] needs '%s'", s->name, key);
}

/* One integer from [p, end of token), spaces around it allowed. */
static int parse_int(const char *p, const char **rest, int64_t *out)
{
    while (*p == ' ' || *p == '\t')
        p++;
    char *end;
    errno = 0;
    long long v = strtoll(p, &end, 10);
    if (end == p || errno == ERANGE)
        return 0;
    while (*end == ' ' || *end == '\t')
        end++;
    *rest = end;
    *out = v;
    return 1;
}

static int parse_num(const char *p, const char **rest, double *out)
{
    while (*p == ' ' || *p == '\t')
        p++;
    char *end;
    errno = 0;
    double v = strtod(p, &end);
    if (end == p || errno == ERANGE || !isfinite(v))
        return 0;
    while (*end == ' ' || *end == '\t')
        end++;
    *rest = end;
    *out = v;
    return 1;
}

fv_status dn_int(const dn_cfg *cfg, const dn_section *s, const char *key, int required,
                 int64_t dflt, int64_t lo, int64_t hi, int64_t *out, fv_diag *diag)
{
    const dn_key *k = dn_find(s, key);
    if (!k) {
        if (required)
            return missing(cfg, s, key, diag);
        *out = dflt;
        return FV_OK;
    }
    const char *rest;
    int64_t v;
    if (!parse_int(k->value, &rest, &v) || *rest)
        return dn_error(cfg, diag, FV_ERR_SYNTAX, k->line, dn_value_col(cfg, k),
                        "'%s' must be an integer, not '%s'", key, k->value);
    if (v < lo || v > hi)
        return dn_error(cfg, diag, FV_ERR_SEMANTIC, k->line, dn_value_col(cfg, k),
                        "'%s' is %lld; it must lie in %lld..%lld", key, (long long)v,
                        (long long)lo, (long long)hi);
    *out = v;
    return FV_OK;
}

/* Splits a comma-separated list; `one` parses an item into slot i of *buf. */
static fv_status list(const dn_cfg *cfg, const dn_section *s, const char *key, size_t item,
                      int (*one)(const char *, const char **, void *), void **out, size_t *n,
                      const char *what, fv_diag *diag)
{
    const dn_key *k = dn_find(s, key);
    if (!k)
        return missing(cfg, s, key, diag);
    size_t cap = 1;
    for (const char *p = k->value; *p; p++)
        cap += *p == ',';
    char *buf = malloc(cap * item);
    if (!buf)
        return fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    size_t count = 0;
    const char *p = k->value;
    for (;;) {
        const char *rest;
        if (!one(p, &rest, buf + count * item) || (*rest && *rest != ',')) {
            free(buf);
            return dn_error(cfg, diag, FV_ERR_SYNTAX, k->line, dn_value_col(cfg, k),
                            "'%s' must be a comma-separated list of %s, not '%s'", key, what,
                            k->value);
        }
        count++;
        if (!*rest)
            break;
        p = rest + 1;
    }
    *out = buf;
    *n = count;
    return FV_OK;
}

static int one_int(const char *p, const char **rest, void *slot)
{
    return parse_int(p, rest, slot);
}

static int one_num(const char *p, const char **rest, void *slot)
{
    return parse_num(p, rest, slot);
}

fv_status dn_int_list(const dn_cfg *cfg, const dn_section *s, const char *key, int64_t **out,
                      size_t *n, fv_diag *diag)
{
    return list(cfg, s, key, sizeof **out, one_int, (void **)out, n, "integers", diag);
}

fv_status dn_num_list(const dn_cfg *cfg, const dn_section *s, const char *key, double **out,
                      size_t *n, fv_diag *diag)
{
    return list(cfg, s, key, sizeof **out, one_num, (void **)out, n, "numbers", diag);
}
