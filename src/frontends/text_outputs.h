/* The outputs of block instances and repeats by their full names
 * ("layer3.0", "Repeat.block35_4", "layers"), so that from= can name a
 * whole instance as it names a layer. */
#ifndef FV_TEXT_OUTPUTS_H
#define FV_TEXT_OUTPUTS_H

#include <stddef.h>
#include <stdint.h>

#include "fovea.h"

typedef struct fv_text_output {
    char *name;         /* NULL: empty slot */
    uint32_t hash;
    int32_t node;
} fv_text_output;

typedef struct fv_text_outputs {
    fv_text_output *slots;
    size_t cap, n;      /* cap is 0 or a power of two */
} fv_text_outputs;

/* Records (or replaces) the output node of `name`. FV_ERR_NOMEM or FV_OK. */
fv_status fv_text_outputs_put(fv_text_outputs *o, const char *name, int32_t node);

/* The output node recorded for `name`, or -1. */
int32_t fv_text_outputs_get(const fv_text_outputs *o, const char *name);

void fv_text_outputs_free(fv_text_outputs *o);

#endif
