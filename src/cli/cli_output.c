/* Helpers of the commands that write pictures and pages: load and analyse
 * in one step, and an output file that disappears again when the command
 * fails, so that a refusal never leaves half a document behind. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cli_load_trf(const char *model, const cli_model_args *args, fv_graph **graph, fv_trf **trf)
{
    *trf = NULL;
    int rc = cli_load_ex(model, args->expr, &args->load, graph);
    if (rc != CLI_OK)
        return rc;
    fv_diag diag;
    fv_diag_init(&diag);
    if (fv_trf_compute(*graph, args->input[0] ? args->input : NULL, trf, &diag) != FV_OK) {
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
