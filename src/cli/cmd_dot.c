/* fovea dot: the graph in Graphviz DOT, or rendered to SVG by Graphviz. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

static const char help[] =
    "usage: fovea dot MODEL [-o FILE] [--render] [options]\n"
    "       fovea dot -e TEXT [options]\n"
    "\n"
    "Writes the graph in Graphviz DOT (stdout without -o): every node with its op,\n"
    "RF and effective stride, merges marked aligned or misaligned (the diverging\n"
    "branch's edge in red). With an input size, nodes are green while productive\n"
    "and their RF is smaller than the image, amber once their smallest RF covers\n"
    "it, pink when fovea check finds a border layer (predicted unproductive), grey\n"
    "when they see the whole input.\n"
    "\n"
    "  -o, --output FILE  write to FILE\n"
    "  --render           run Graphviz's dot -Tsvg and write SVG instead of DOT\n"
    "                     (Graphviz is optional; without it --render fails)\n"
    "  -e, --expr TEXT    the network in the text format, ';' between layers\n"
    "  --input HxW        input size (or one number for a square)\n"
    "  --unknown=identity treat operators fovea does not know as identity\n"
    "  -h, --help         this text\n";

/* Runs `dot -Tsvg` with the DOT text of `in` on its stdin and `out` as its
 * stdout. Returns CLI_OK or prints why not. */
static int render(FILE *in, FILE *out)
{
    fflush(out);
    rewind(in);
    pid_t pid = fork();
    if (pid < 0)
        return cli_usage_error("dot", "cannot start Graphviz's dot");
    if (pid == 0) {
        if (dup2(fileno(in), STDIN_FILENO) < 0 || dup2(fileno(out), STDOUT_FILENO) < 0)
            _exit(126);
        execlp("dot", "dot", "-Tsvg", (char *)NULL);
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
        return cli_usage_error("dot", "Graphviz's dot did not finish");
    if (WEXITSTATUS(status) == 127)
        return cli_usage_error("dot", "--render needs Graphviz's 'dot' on the PATH (Debian "
                                      "package graphviz)");
    if (WEXITSTATUS(status) != 0)
        return cli_usage_error("dot", "Graphviz's dot failed with status %d", WEXITSTATUS(status));
    return CLI_OK;
}

int cmd_dot(int argc, char **argv)
{
    static const struct option options[] = {
        {"expr", required_argument, NULL, 'e'},
        {"input", required_argument, NULL, 'i'},
        {"unknown", required_argument, NULL, 'U'},
        {"output", required_argument, NULL, 'o'},
        {"render", no_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_model_args args = {.format = FV_FORMAT_TABLE};
    const char *model;
    const char *output = NULL;
    int do_render = 0;
    int c, rc;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":e:o:h", options, NULL)) != -1) {
        if ((rc = cli_model_option("dot", c, argv, &args)) >= 0) {
            if (rc != CLI_OK)
                return rc;
        } else if (c == 'o') {
            output = optarg;
        } else if (c == 'r') {
            do_render = 1;
        } else {
            fputs(help, stdout);
            return CLI_OK;
        }
    }
    if ((rc = cli_model_operand("dot", argc, argv, &args, &model)) != CLI_OK)
        return rc;

    fv_graph *graph;
    fv_trf *trf;
    if ((rc = cli_load_trf(model, &args, &graph, &trf)) != CLI_OK)
        return rc;
    FILE *out = cli_open_output("dot", output);
    FILE *text = do_render ? tmpfile() : out;
    fv_diag diag;
    fv_diag_init(&diag);
    if (!out) {
        rc = CLI_BAD_INPUT;
    } else if (!text) {
        rc = cli_usage_error("dot", "cannot create a temporary file for Graphviz");
    } else if (fv_report_dot(graph, trf, text, &diag) != FV_OK) {
        rc = cli_fail(&diag);
    } else if (do_render) {
        rc = render(text, out);
    }
    if (do_render && text)
        fclose(text);
    if (out)
        rc = cli_close_output("dot", out, output, rc);
    fv_trf_free(trf);
    fv_graph_free(graph);
    return rc;
}
