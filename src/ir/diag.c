/* Status names and diagnostics: how every error reaches the user. */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "graph_private.h"

static const char *const status_names[] = {
    [FV_OK] = "ok",
    [FV_ERR_USAGE] = "usage error",
    [FV_ERR_IO] = "i/o error",
    [FV_ERR_SYNTAX] = "syntax error",
    [FV_ERR_SEMANTIC] = "semantic error",
    [FV_ERR_UNSUPPORTED] = "unsupported",
    [FV_ERR_GRAPH] = "invalid graph",
    [FV_ERR_LIMIT] = "limit exceeded",
    [FV_ERR_NOMEM] = "out of memory",
};

static_assert(sizeof status_names / sizeof status_names[0] == FV_STATUS_COUNT,
              "status_names needs one row per fv_status");

const char *fv_status_str(fv_status status)
{
    if ((unsigned)status >= FV_STATUS_COUNT)
        return "unknown status";
    return status_names[status];
}

void fv_diag_init(fv_diag *diag)
{
    if (diag)
        memset(diag, 0, sizeof *diag);
}

void fv_diag_print(const fv_diag *diag, FILE *out)
{
    if (diag->file[0]) {
        fputs(diag->file, out);
        if (diag->pos.line > 0) {
            fprintf(out, ":%d", diag->pos.line);
            if (diag->pos.col > 0)
                fprintf(out, ":%d", diag->pos.col);
        }
        fputs(": ", out);
    }
    fprintf(out, "error: %s\n", diag->message);
    if (diag->source_line[0] && diag->pos.col > 0) {
        fprintf(out, "  %s\n  ", diag->source_line);
        /* Tabs stay tabs so that the caret lines up under the column. */
        for (int i = 1; i < diag->pos.col && diag->source_line[i - 1]; i++)
            fputc(diag->source_line[i - 1] == '\t' ? '\t' : ' ', out);
        fputs("^\n", out);
    }
}

static void set_message(fv_diag *diag, const char *fmt, va_list ap)
{
    vsnprintf(diag->message, sizeof diag->message, fmt, ap);
}

fv_status fv_diag_at_v(fv_diag *diag, fv_status status, const char *file, const char *text,
                       size_t len, int32_t line, int32_t col, const char *fmt, va_list ap)
{
    if (!diag)
        return status;
    fv_diag_init(diag);
    snprintf(diag->file, sizeof diag->file, "%s", file ? file : "");
    diag->pos.line = line;
    diag->pos.col = col;
    set_message(diag, fmt, ap);
    fv_text_line(text, len, line, diag->source_line, sizeof diag->source_line);
    return status;
}

fv_status fv_diag_set(fv_diag *diag, fv_status status, const char *fmt, ...)
{
    if (!diag)
        return status;
    fv_diag_init(diag);
    va_list ap;
    va_start(ap, fmt);
    set_message(diag, fmt, ap);
    va_end(ap);
    return status;
}

fv_status fv_diag_node(fv_diag *diag, const fv_graph *g, int32_t node, fv_status status,
                       const char *fmt, ...)
{
    if (!diag)
        return status;
    fv_diag_init(diag);
    const fv_node *n = fv_node_at(g, node);
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(diag->file, sizeof diag->file, "%s", g->source);
    diag->pos = n->pos;
    fv_graph_line(g, n->pos.line, diag->source_line, sizeof diag->source_line);
    /* Without a line to point at, the name and index are how users find it. */
    if (n->pos.line > 0)
        snprintf(diag->message, sizeof diag->message, "%s: %s", fv_node_name(g, n), what);
    else
        snprintf(diag->message, sizeof diag->message, "node %d '%s' (%s): %s", node,
                 fv_node_name(g, n), fv_op_name(n->op), what);
    return status;
}
