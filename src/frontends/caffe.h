/* Shared between the Caffe frontend's two files: caffe.c (the net, blobs,
 * inputs and dispatch) and caffe_layers.c (what each layer type becomes). */
#ifndef FV_CAFFE_H
#define FV_CAFFE_H

#include "fv_limits.h"
#include "prototxt.h"

/* A blob: the node that last wrote it (in-place layers rewrite it). */
typedef struct cf_blob {
    const char *name;   /* points into the parse tree */
    int32_t node;
    int64_t channels;   /* 0 = unknown */
    int flat;           /* a vector: after Flatten, InnerProduct, PriorBox, ... */
    int permuted;       /* a map whose axes a Permute reordered (fovea keeps N, C, H, W) */
} cf_blob;

typedef struct cf_build {
    pt_lexer *lx;
    fv_graph *g;
    cf_blob *blobs;
    size_t n_blobs, cap_blobs;
    fv_diag *diag;
} cf_build;

/* One layer being mapped. The handler fills `layer`, `channels`, `flat`;
 * caffe.c adds the node and binds the tops. Handlers for layers with several
 * tops (Slice, Split) add their nodes themselves and set `done`. */
typedef struct cf_layer {
    const pt_field *field;  /* the `layer { }` field */
    const pt_msg *m;
    const char *name, *type;
    cf_blob bottoms[FV_MAX_INPUTS];
    int32_t inputs[FV_MAX_INPUTS];
    size_t n_bottoms;
    fv_layer layer;
    int64_t channels;
    int flat;
    int done;
    int permutes;           /* a Permute that reorders axes */
    const char *inexact;    /* set when the op only stands in for the layer (fv_graph_mark_inexact) */
    char why[160];          /* room for an inexact note with numbers */
} cf_layer;

typedef fv_status (*cf_layer_fn)(cf_build *b, cf_layer *l);

/* The handler for a layer type (V2 string or V1 enum name), or NULL:
 * caffe_layers.c's for geometry, caffe_numeric.c's for pointwise layers
 * and the constants and blobs the ERF engine reads. */
cf_layer_fn cf_layer_handler(const char *type);
cf_layer_fn cf_numeric_handler(const char *type);

/* Makes l a merge of all its bottoms; the output is a vector when they all are. */
void cf_all_bottoms(cf_layer *l, fv_op op);

/* Marks l as a stand-in: the ERF engine will refuse it, saying `fmt`. */
void cf_stand_in(cf_layer *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Value access with errors at the value's position. */
const pt_field *cf_find(const pt_msg *m, const char *name);
size_t cf_count(const pt_msg *m, const char *name);
fv_status cf_int(cf_build *b, const pt_field *f, int64_t lo, int64_t hi, int64_t *out);
fv_status cf_opt_int(cf_build *b, const pt_msg *m, const char *name, int64_t dflt, int64_t lo,
                     int64_t hi, int64_t *out);
fv_status cf_num(cf_build *b, const pt_field *f, double *out);
fv_status cf_opt_num(cf_build *b, const pt_msg *m, const char *name, double dflt, double *out);
fv_status cf_opt_bool(cf_build *b, const pt_msg *m, const char *name, int dflt, int *out);
/* An enum value: one of `names` (NULL-terminated); *out its index. */
fv_status cf_opt_enum(cf_build *b, const pt_msg *m, const char *name, const char *const *names,
                      int dflt, int *out);
/* The message `name` in the layer; NULL (no error) when absent. */
fv_status cf_sub(cf_build *b, const cf_layer *l, const char *name, const pt_msg **out);
/* An error at the layer's `layer {` line. */
fv_status cf_layer_error(cf_build *b, const cf_layer *l, fv_status status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* An error at a field's value. */
fv_status cf_value_error(cf_build *b, const pt_field *f, fv_status status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Adds a graph warning for every field of the layer, and of the parameter
 * messages fovea reads, that caffe.proto does not define. */
fv_status cf_warn_unknown_fields(cf_build *b, const cf_layer *l);

/* Adds a node for one extra top of l (Slice, Split) and binds the blob;
 * `inexact` as in cf_layer. */
fv_status cf_add_top(cf_build *b, const cf_layer *l, const pt_field *top, fv_layer *layer,
                     int64_t channels, int flat, const char *inexact);

#endif
