/* An open-addressing table from instance and repeat names to their output
 * nodes; lookups stay constant-time however many instances a model makes. */
#include <stdlib.h>
#include <string.h>

#include "text_outputs.h"

static uint32_t hash_of(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static size_t slot_of(const fv_text_output *slots, size_t cap, const char *name, uint32_t hash)
{
    size_t i = hash & (cap - 1);
    while (slots[i].name && !(slots[i].hash == hash && strcmp(slots[i].name, name) == 0))
        i = (i + 1) & (cap - 1);
    return i;
}

static int grow(fv_text_outputs *o)
{
    size_t cap = o->cap ? 2 * o->cap : 64;
    fv_text_output *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return 0;
    for (size_t k = 0; k < o->cap; k++)
        if (o->slots[k].name)
            slots[slot_of(slots, cap, o->slots[k].name, o->slots[k].hash)] = o->slots[k];
    free(o->slots);
    o->slots = slots;
    o->cap = cap;
    return 1;
}

fv_status fv_text_outputs_put(fv_text_outputs *o, const char *name, int32_t node)
{
    if (2 * (o->n + 1) > o->cap && !grow(o))
        return FV_ERR_NOMEM;
    uint32_t hash = hash_of(name);
    fv_text_output *s = &o->slots[slot_of(o->slots, o->cap, name, hash)];
    if (!s->name) {
        size_t len = strlen(name) + 1;
        if (!(s->name = malloc(len)))
            return FV_ERR_NOMEM;
        memcpy(s->name, name, len);
        s->hash = hash;
        o->n++;
    }
    s->node = node;
    return FV_OK;
}

int32_t fv_text_outputs_get(const fv_text_outputs *o, const char *name)
{
    if (!o->cap)
        return -1;
    const fv_text_output *s = &o->slots[slot_of(o->slots, o->cap, name, hash_of(name))];
    return s->name ? s->node : -1;
}

void fv_text_outputs_free(fv_text_outputs *o)
{
    for (size_t k = 0; k < o->cap; k++)
        free(o->slots[k].name);
    free(o->slots);
    memset(o, 0, sizeof *o);
}
