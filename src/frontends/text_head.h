/* The text format's `head` statement: key=value -> the anchors of an fv_head. */
#ifndef FV_TEXT_HEAD_H
#define FV_TEXT_HEAD_H

#include <stddef.h>
#include <stdint.h>

#include "fovea.h"

/* What the keys of one head statement have said so far. Each list is
 * malloc'd; fv_text_head_free releases them and the built anchors. */
typedef struct fv_text_head {
    uint32_t seen;          /* one bit per key, to refuse duplicates */
    fv_head_kind kind;
    double *anchors;        /* anchors=: width, height pairs */
    size_t n_anchors;
    double scale;           /* scale=: multiplies anchors= */
    double *mins, *maxs, *aspects, *sizes;
    size_t n_mins, n_maxs, n_aspects, n_sizes;
    int flip;
    double step[FV_AXES];
    double offset;
    double *built;          /* the widths then heights handed to the fv_head */
} fv_text_head;

void fv_text_head_init(fv_text_head *h);
void fv_text_head_free(fv_text_head *h);

/* Applies key=value (value NULL for a bare flag). On failure writes the
 * message to msg and sets *at_key when the key, not the value, is wrong. */
fv_status fv_text_head_param(fv_text_head *h, const char *key, const char *value, char *msg,
                             size_t size, int *at_key);

/* Checks which keys go together and builds the anchors into *head (kind,
 * anchors, step, offset; node and position are the caller's). The arrays
 * live in h until fv_text_head_free. */
fv_status fv_text_head_finish(fv_text_head *h, fv_head *head, char *msg, size_t size);

#endif
