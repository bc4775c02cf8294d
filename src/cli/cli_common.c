/* Helpers shared by the subcommands. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "fovea%s%s: error: ", command ? " " : "", command ? command : "");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    return CLI_BAD_INPUT;
}

int cli_fail(const fv_diag *diag)
{
    fv_diag_print(diag, stderr);
    return CLI_BAD_INPUT;
}

/* A positive decimal integer that fits comfortably in a size. */
static int parse_count(const char *s, char **end, int64_t *out, int allow_negative)
{
    if (!allow_negative && (*s < '0' || *s > '9'))
        return 0;
    errno = 0;
    long long v = strtoll(s, end, 10);
    if (*end == s || errno == ERANGE || v > (1LL << 40) || v < -(1LL << 40))
        return 0;
    *out = v;
    return 1;
}

int cli_parse_size(const char *text, int64_t hw[2])
{
    char *end;
    if (!parse_count(text, &end, &hw[0], 0) || hw[0] < 1)
        return 0;
    if (*end == '\0') {
        hw[1] = hw[0];
        return 1;
    }
    if (*end != 'x' || !parse_count(end + 1, &end, &hw[1], 0) || hw[1] < 1 || *end != '\0')
        return 0;
    return 1;
}

int cli_parse_unit(const char *text, int64_t yx[2])
{
    char *end;
    if (!parse_count(text, &end, &yx[0], 1) || *end != ',')
        return 0;
    return parse_count(end + 1, &end, &yx[1], 1) && *end == '\0';
}

int cli_load(const char *model, const char *expr, fv_graph **graph)
{
    return cli_load_ex(model, expr, NULL, graph);
}

int cli_load_ex(const char *model, const char *expr, const fv_load_options *options,
                fv_graph **graph)
{
    fv_diag diag;
    fv_diag_init(&diag);
    fv_status st = expr ? fv_text_parse(expr, strlen(expr), "<expr>", graph, &diag)
                        : fv_model_load_ex(model, options, graph, &diag);
    if (st != FV_OK)
        return cli_fail(&diag);
    /* Warnings the frontend left (assumed-identity ops, approximations). */
    for (size_t k = 0; k < fv_graph_n_warnings(*graph); k++)
        fprintf(stderr, "%s: warning: %s\n", model ? model : "<expr>", fv_graph_warning(*graph, k));
    return CLI_OK;
}
