/* The fovea command line: shared helpers of the subcommands. Built only on
 * the public API. */
#ifndef FV_CLI_H
#define FV_CLI_H

#include <stdio.h>

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

/* What every model command reads besides its own options. */
typedef struct cli_model_args {
    const char *expr;          /* -e TEXT, or NULL */
    int64_t input[2];          /* --input; 0, 0 when not given */
    fv_format format;          /* --format */
    fv_load_options load;      /* --unknown */
} cli_model_args;

/* Handles an option that every model command shares (-e, --input, --format,
 * --unknown) and getopt's complaints (':' and '?'). Returns -1 when `c` is
 * none of them, else CLI_OK or CLI_BAD_INPUT after printing why. */
int cli_model_option(const char *command, int c, char **argv, cli_model_args *args);

/* The MODEL operand after the options: exactly one of it and -e. Fills
 * *model (NULL with -e); returns CLI_OK or CLI_BAD_INPUT. */
int cli_model_operand(const char *command, int argc, char **argv, const cli_model_args *args,
                      const char **model);

/* uniform, random or model. Returns 0 when unknown. */
int cli_parse_erf_weights(const char *text, fv_erf_weights *weights);

/* table, json, csv, md or markdown. Returns 0 when unknown. */
int cli_parse_format(const char *text, fv_format *format);

/* Pictures and pages (cli_output.c). */

/* Loads MODEL (or the -e text) and computes its TRF at --input (else the
 * model's size); prints why not and returns CLI_BAD_INPUT on failure. */
int cli_load_trf(const char *model, const cli_model_args *args, fv_graph **graph, fv_trf **trf);

/* Opens PATH for writing (NULL or "-": stdout); NULL after printing why not. */
FILE *cli_open_output(const char *command, const char *path);

/* Closes what cli_open_output opened; on failure (rc or a write error) the
 * file is removed. Returns the final exit status. */
int cli_close_output(const char *command, FILE *f, const char *path, int rc);

/* --color (cli_color.c). */
typedef enum cli_color { CLI_COLOR_AUTO, CLI_COLOR_ALWAYS, CLI_COLOR_NEVER } cli_color;

/* Parses --color's value (NULL: a bare --color, meaning always). */
int cli_parse_color(const char *command, const char *arg, cli_color *mode);

/* Whether to colour what goes to `out`: auto means a terminal, no NO_COLOR
 * and a TERM other than dumb. */
int cli_use_color(cli_color mode, FILE *out);

int cmd_rf(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_anchors(int argc, char **argv);
int cmd_erf(int argc, char **argv);
int cmd_zoo(int argc, char **argv);
int cmd_svg(int argc, char **argv);
int cmd_dot(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif
