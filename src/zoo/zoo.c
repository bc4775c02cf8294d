/* The built-in model zoo: networks written in the text format and compiled
 * into the library. */
#include <string.h>

#include "graph_private.h"

typedef struct zoo_entry {
    const char *name;
    const char *description;
    const char *source;
    const char *text;
} zoo_entry;

static const zoo_entry zoo[] = {
    {"seed", "three 3x3 convolutions, the middle one dilated (RF 3, 7, 9)",
     "Araujo et al., Distill 2019",
     "input size=32 c=1\n"
     "conv1: conv k=3 c=1\n"
     "conv2: conv k=3 d=2 c=1\n"
     "conv3: conv k=3 c=1\n"},
};

fv_status fv_zoo_load(const char *name, fv_graph **graph, fv_diag *diag)
{
    for (size_t k = 0; k < sizeof zoo / sizeof zoo[0]; k++) {
        if (strcmp(zoo[k].name, name) != 0)
            continue;
        char file[300];
        snprintf(file, sizeof file, "zoo:%s", name);
        return fv_text_parse(zoo[k].text, strlen(zoo[k].text), file, graph, diag);
    }
    return fv_diag_set(diag, FV_ERR_USAGE, "no built-in model named '%s' (fovea zoo lists them)", name);
}

size_t fv_zoo_size(void) { return sizeof zoo / sizeof zoo[0]; }
const char *fv_zoo_name(size_t k) { return zoo[k].name; }
const char *fv_zoo_description(size_t k) { return zoo[k].description; }
const char *fv_zoo_source(size_t k) { return zoo[k].source; }
const char *fv_zoo_text(size_t k) { return zoo[k].text; }
