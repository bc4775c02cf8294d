/* The built-in networks, generated at build time from the .fv files in zoo/. */
#ifndef FV_ZOO_DATA_H
#define FV_ZOO_DATA_H

typedef struct fv_zoo_entry {
    const char *name;
    const char *description;
    const char *source;
    const char *text;
} fv_zoo_entry;

extern const fv_zoo_entry fv_zoo_entries[];
extern const unsigned fv_zoo_count;

#endif
