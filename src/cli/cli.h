/* The fovea command line: shared helpers of the subcommands. Built only on
 * the public API. */
#ifndef FV_CLI_H
#define FV_CLI_H

#include "fovea.h"

/* Exit statuses: 0 ok, 1 problems found that --strict asked to fail on,
 * 2 bad input or usage. */
enum { CLI_OK = 0, CLI_FINDINGS = 1, CLI_BAD_INPUT = 2 };

/* Prints "fovea: error: ..." for a usage mistake and returns CLI_BAD_INPUT. */
int cli_usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints the diagnostic to stderr and returns CLI_BAD_INPUT. */
int cli_fail(const fv_diag *diag);

/* "224" or "224x320" (height x width). Returns 0 on a malformed size. */
int cli_parse_size(const char *text, int64_t hw[2]);

/* "Y,X" unit indices. Returns 0 when malformed. */
int cli_parse_unit(const char *text, int64_t yx[2]);

/* Loads MODEL or the -e text; fills *graph or prints why not. */
int cli_load(const char *model, const char *expr, fv_graph **graph);

/* cli_load with load options (--unknown=identity); prints the graph's warnings to stderr. */
int cli_load_ex(const char *model, const char *expr, const fv_load_options *options,
                fv_graph **graph);

int cmd_rf(int argc, char **argv);
int cmd_erf(int argc, char **argv);
int cmd_zoo(int argc, char **argv);

#endif
