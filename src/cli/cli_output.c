/* Helpers of the commands that write pictures and pages: load and analyse
 * in one step, and an output file that disappears again when the command
 * fails, so that a refusal never leaves half a document behind. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cli_model_option(const char *command, int c, char **argv, cli_model_args *a, int *rc)
{
    *rc = CLI_OK;
    switch (c) {
    case 'e':
        a->expr = optarg;
        return 1;
    case 'i':
        if (!cli_parse_size(optarg, a->hw))
            *rc = cli_usage_error(command, "--input wants HxW or N with positive sizes, not '%s'",
                                  optarg);
        a->has_size = 1;
        return 1;
    case 'U':
        if (strcmp(optarg, "identity") != 0 && strcmp(optarg, "error") != 0)
            *rc = cli_usage_error(command, "--unknown is identity or error, not '%s'", optarg);
        a->load.unknown_as_identity = strcmp(optarg, "identity") == 0;
        return 1;
    case ':':
        *rc = cli_usage_error(command, "%s needs a value", argv[optind - 1]);
        return 1;
    case '?':
        *rc = cli_usage_error(command, "unknown option '%s' (fovea %s --help lists them)",
                              argv[optind - 1], command);
        return 1;
    default:
        return 0;
    }
}

int cli_model_operand(const char *command, int argc, char **argv, cli_model_args *a)
{
    a->model = optind < argc ? argv[optind] : NULL;
    if (!a->model == !a->expr)
        return cli_usage_error(command, "give one MODEL or -e TEXT (fovea %s --help)", command);
    if (optind + 1 < argc)
        return cli_usage_error(command, "unexpected argument '%s'", argv[optind + 1]);
    return CLI_OK;
}

int cli_load_trf(const cli_model_args *a, fv_graph **graph, fv_trf **trf)
{
    *trf = NULL;
    int rc = cli_load_ex(a->model, a->expr, &a->load, graph);
    if (rc != CLI_OK)
        return rc;
    fv_diag diag;
    fv_diag_init(&diag);
    if (fv_trf_compute(*graph, a->has_size ? a->hw : NULL, trf, &diag) != FV_OK) {
        fv_graph_free(*graph);
        *graph = NULL;
        return cli_fail(&diag);
    }
    return CLI_OK;
}

FILE *cli_open_output(const char *command, const char *path)
{
    if (!path || strcmp(path, "-") == 0)
        return stdout;
    FILE *f = fopen(path, "wb");
    if (!f)
        cli_usage_error(command, "cannot write '%s'", path);
    return f;
}

int cli_close_output(const char *command, FILE *f, const char *path, int rc)
{
    if (f == stdout)
        return fflush(stdout) == 0 || rc != CLI_OK ? rc : cli_usage_error(command, "cannot write the output");
    int failed = ferror(f);
    if (fclose(f) != 0)
        failed = 1;
    if (rc == CLI_OK && failed)
        rc = cli_usage_error(command, "cannot write '%s'", path);
    if (rc != CLI_OK)
        remove(path);
    return rc;
}
