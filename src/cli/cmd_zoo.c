/* fovea zoo: the built-in networks. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cmd_zoo(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        puts("usage: fovea zoo [NAME]\n\nLists the built-in networks, or prints one in the text "
             "format.\nUse them as zoo:NAME wherever a model is expected.");
        return CLI_OK;
    }
    if (argc > 2)
        return cli_usage_error("zoo", "unexpected argument '%s'", argv[2]);
    size_t n = fv_zoo_size();
    if (argc == 2) {
        for (size_t k = 0; k < n; k++)
            if (strcmp(fv_zoo_name(k), argv[1]) == 0) {
                fputs(fv_zoo_text(k), stdout);
                return CLI_OK;
            }
        return cli_usage_error("zoo", "no built-in model named '%s'", argv[1]);
    }
    int width = 4;
    for (size_t k = 0; k < n; k++)
        if ((int)strlen(fv_zoo_name(k)) > width)
            width = (int)strlen(fv_zoo_name(k));
    for (size_t k = 0; k < n; k++)
        printf("%-*s  %s (%s)\n", width, fv_zoo_name(k), fv_zoo_description(k), fv_zoo_source(k));
    return CLI_OK;
}
