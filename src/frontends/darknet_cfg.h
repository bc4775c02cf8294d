/* A Darknet .cfg read into sections and keys with their line numbers
 * (darknet_cfg.c, through libinih), typed access to the values with
 * errors that point at the offending value, and Darknet's activations
 * (darknet_act.c). */
#ifndef FV_DARKNET_CFG_H
#define FV_DARKNET_CFG_H

#include "graph_private.h"

typedef struct dn_key {
    char *key;
    char *value;
    int32_t line;
} dn_key;

typedef struct dn_section {
    char *name;
    int32_t line;
    dn_key *keys;
    size_t n_keys, cap_keys;
} dn_section;

typedef struct dn_cfg {
    const char *file;
    const char *text;
    size_t len;
    dn_section *sections;
    size_t n_sections, cap_sections;
    /* reader state while inih runs */
    size_t at;
    char **long_values;    /* values of lines too long for inih's buffer */
    size_t n_long, cap_long;
    int32_t line;
    int too_long;
    fv_status st;
    fv_diag *diag;
    int32_t err_line;
} dn_cfg;

/* Adds a graph warning for every key that Darknet does not read in its
 * section (darknet_keys.c). Fails only when memory runs out. */
fv_status dn_warn_unknown_keys(const dn_cfg *cfg, fv_graph *g, fv_diag *diag);

/* Reads `text` into cfg. On failure diag says where; dn_cfg_free either way. */
fv_status dn_cfg_read(dn_cfg *cfg, const char *text, size_t len, const char *file, fv_diag *diag);
void dn_cfg_free(dn_cfg *cfg);

/* The key named `key` in section s, or NULL. */
const dn_key *dn_find(const dn_section *s, const char *key);

/* Fills diag with an error at line:col of the cfg. Returns `status`. */
fv_status dn_error(const dn_cfg *cfg, fv_diag *diag, fv_status status, int32_t line, int32_t col,
                   const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Column (1-based) of the value of k in its line, for carets. */
int32_t dn_value_col(const dn_cfg *cfg, const dn_key *k);

/* An error at section s's header. */
fv_status dn_section_error(const dn_cfg *cfg, const dn_section *s, fv_diag *diag,
                           fv_status status, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* An integer key in [lo, hi]. A missing key is an error when `required`,
 * else *out = dflt (Darknet's documented default for that key). */
fv_status dn_int(const dn_cfg *cfg, const dn_section *s, const char *key, int required,
                 int64_t dflt, int64_t lo, int64_t hi, int64_t *out, fv_diag *diag);

/* A comma-separated list of integers (`ints`) or numbers; *out is malloc'd
 * (caller frees), *n its length. A missing key is an error. */
fv_status dn_int_list(const dn_cfg *cfg, const dn_section *s, const char *key, int64_t **out,
                      size_t *n, fv_diag *diag);
fv_status dn_num_list(const dn_cfg *cfg, const dn_section *s, const char *key, double **out,
                      size_t *n, fv_diag *diag);

/* One of Darknet's activations and the pointwise op that computes it:
 * identity for linear, and for the activations no ERF kernel computes
 * (`exact` 0), which the frontend marks inexact. */
typedef struct dn_activation {
    const char *name;
    fv_op op;
    double alpha; /* the op's constant, fv_pointwise.alpha */
    int exact;
} dn_activation;

/* The activation Darknet calls `name`, or NULL. */
const dn_activation *dn_activation_find(const char *name);

/* Every activation name, comma-separated, cut to fit `size`. */
void dn_activation_names(char *buf, size_t size);

#endif
