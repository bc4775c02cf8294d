/* The built-in model zoo: networks written in the text format under zoo/
 * and compiled into the library (cmake/embed_zoo.cmake). */
#include <string.h>

#include "graph_private.h"
#include "zoo_data.h"

fv_status fv_zoo_load(const char *name, fv_graph **graph, fv_diag *diag)
{
    for (unsigned k = 0; k < fv_zoo_count; k++) {
        const fv_zoo_entry *e = &fv_zoo_entries[k];
        if (strcmp(e->name, name) != 0)
            continue;
        char file[300];
        snprintf(file, sizeof file, "zoo:%s", name);
        return fv_text_parse(e->text, strlen(e->text), file, graph, diag);
    }
    return fv_diag_set(diag, FV_ERR_USAGE, "no built-in model named '%s' (fovea zoo lists them)", name);
}

size_t fv_zoo_size(void) { return fv_zoo_count; }
const char *fv_zoo_name(size_t k) { return fv_zoo_entries[k].name; }
const char *fv_zoo_description(size_t k) { return fv_zoo_entries[k].description; }
const char *fv_zoo_source(size_t k) { return fv_zoo_entries[k].source; }
const char *fv_zoo_text(size_t k) { return fv_zoo_entries[k].text; }
