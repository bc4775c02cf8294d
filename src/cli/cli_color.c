/* --color=auto|always|never: colour in tables only for a person at a
 * terminal, and never when NO_COLOR is set (https://no-color.org) unless
 * the command line asks for it. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int cli_parse_color(const char *command, const char *arg, cli_color *mode)
{
    if (!arg || strcmp(arg, "always") == 0)
        *mode = CLI_COLOR_ALWAYS;
    else if (strcmp(arg, "auto") == 0)
        *mode = CLI_COLOR_AUTO;
    else if (strcmp(arg, "never") == 0)
        *mode = CLI_COLOR_NEVER;
    else
        return cli_usage_error(command, "--color is auto, always or never, not '%s'", arg);
    return CLI_OK;
}

int cli_use_color(cli_color mode, FILE *out)
{
    if (mode != CLI_COLOR_AUTO)
        return mode == CLI_COLOR_ALWAYS;
    const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");
    if (no_color && no_color[0])
        return 0;
    if (term && strcmp(term, "dumb") == 0)
        return 0;
    return isatty(fileno(out));
}
