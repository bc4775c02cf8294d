/* Per-op parameters of the text format: key=value -> fv_layer fields. */
#ifndef FV_TEXT_PARAMS_H
#define FV_TEXT_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "fovea.h"

/* What the parameters of one layer have said so far. */
typedef struct fv_pstate {
    uint32_t seen;               /* one bit per key, to refuse duplicates */
    int depthwise;               /* g=dw: groups follow c= */
    int64_t input_hw[FV_AXES];   /* input's size=, 0 when not given */
} fv_pstate;

/* Applies key=value (value NULL for a bare flag) to `layer`. On failure
 * writes the message to msg and sets *at_key when the key, not the value,
 * is what is wrong. */
fv_status fv_text_param(fv_layer *layer, fv_pstate *ps, const char *key, const char *value,
                        char *msg, size_t size, int *at_key);

/* Checks what must be given together or at all (k= on convs, ...) once all
 * parameters are in. */
fv_status fv_text_param_finish(fv_layer *layer, fv_pstate *ps, char *msg, size_t size);

/* Looks an op up by its text name or alias; FV_OP_COUNT when unknown. */
fv_op fv_text_op(const char *name);

#endif
