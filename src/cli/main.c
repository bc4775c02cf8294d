/* fovea: what each unit of a convolutional network sees. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"rf", cmd_rf, "theoretical receptive field of every layer"},
    {"zoo", cmd_zoo, "list the built-in networks"},
    {"check", cmd_check, "design checks: coverage, capacity, border layers, alignment"},
    {"anchors", cmd_anchors, "detection anchors against stride and receptive field"},
    {"report", cmd_report, "one self-contained HTML page: summary, charts, every layer"},
    {"dot", cmd_dot, "the graph in Graphviz DOT, with RF and alignment per node"},
    {"svg", cmd_svg, "draw a chart: RF along the network, unit diagram, anchors"},
    {"erf", cmd_erf, "effective receptive field of one unit"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: fovea COMMAND [options]\n\ncommands:\n");
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        fprintf(out, "  %-8s %s\n", commands[k].name, commands[k].summary);
    fprintf(out, "\n'fovea COMMAND --help' describes one command. Exit status: 0 ok, "
                 "1 findings with --strict, 2 bad input or usage.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_BAD_INPUT;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("fovea %s\n", FV_VERSION);
        return CLI_OK;
    }
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if (strcmp(commands[k].name, name) == 0)
            return commands[k].run(argc - 1, argv + 1);
    cli_usage_error(NULL, "unknown command '%s'", name);
    usage(stderr);
    return CLI_BAD_INPUT;
}
