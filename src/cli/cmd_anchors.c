/* fovea anchors: placeholder replaced below. */
#include "cli.h"
int cmd_anchors(int argc, char **argv) { (void)argc; (void)argv; return cli_usage_error("anchors", "not yet"); }
