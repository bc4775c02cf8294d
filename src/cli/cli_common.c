/* Helpers shared by the subcommands. */
#include <errno.h>
#include <getopt.h>
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

int cli_parse_format(const char *text, fv_format *format)
{
    *format = strcmp(text, "markdown") == 0 ? FV_FORMAT_MD : fv_format_from_name(text);
    return *format != FV_FORMAT_COUNT;
}

int cli_model_option(const char *command, int c, char **argv, cli_model_args *args)
{
    switch (c) {
    case 'e':
        args->expr = optarg;
        return CLI_OK;
    case 'i':
        if (!cli_parse_size(optarg, args->input))
            return cli_usage_error(command, "--input wants HxW or N with positive sizes, not '%s'",
                                   optarg);
        return CLI_OK;
    case 'f':
        if (!cli_parse_format(optarg, &args->format))
            return cli_usage_error(command, "--format is table, json, csv or md, not '%s'", optarg);
        return CLI_OK;
    case 'U':
        if (strcmp(optarg, "identity") != 0 && strcmp(optarg, "error") != 0)
            return cli_usage_error(command, "--unknown is identity or error, not '%s'", optarg);
        args->load.unknown_as_identity = strcmp(optarg, "identity") == 0;
        return CLI_OK;
    case ':':
        return cli_usage_error(command, "%s needs a value", argv[optind - 1]);
    case '?':
        return cli_usage_error(command, "unknown option '%s' (fovea %s --help lists them)",
                               argv[optind - 1], command);
    default:
        return -1;
    }
}

int cli_model_operand(const char *command, int argc, char **argv, const cli_model_args *args,
                      const char **model)
{
    *model = optind < argc ? argv[optind] : NULL;
    if (!*model == !args->expr)
        return cli_usage_error(command, "give one MODEL or -e TEXT (fovea %s --help)", command);
    if (optind + 1 < argc)
        return cli_usage_error(command, "unexpected argument '%s'", argv[optind + 1]);
    return CLI_OK;
}

int cli_parse_erf_weights(const char *text, fv_erf_weights *weights)
{
    static const struct {
        const char *name;
        fv_erf_weights weights;
    } kinds[] = {{"uniform", FV_ERF_UNIFORM}, {"random", FV_ERF_RANDOM}, {"model", FV_ERF_MODEL}};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        if (strcmp(text, kinds[k].name) == 0) {
            *weights = kinds[k].weights;
            return 1;
        }
    return 0;
}
