/* The graph's layout, shared by the IR, the frontends and the analyses.
 * Users see only the opaque fv_graph of fovea.h. */
#ifndef FV_GRAPH_PRIVATE_H
#define FV_GRAPH_PRIVATE_H

#include <stdarg.h>

#include "fovea.h"

/* A name index slot: node + 1 (0 = empty) and the name's hash, compared
 * before the names themselves so that probes rarely touch the nodes. */
struct fv_name_slot {
    uint32_t node;
    uint32_t hash;
};

typedef struct fv_node {
    fv_op op;
    uint32_t name;       /* offset into graph->names */
    uint32_t first_input;/* offset into graph->edges */
    uint32_t n_inputs;
    int64_t channels;
    fv_srcpos pos;
    fv_params params;
    uint8_t assumed_identity; /* an unknown op the frontend took as identity */
} fv_node;

/* Weights a frontend keeps for the ERF engine, behind a small vtable so
 * that the IR does not depend on any file format. */
typedef struct fv_weight_store {
    fv_status (*get)(struct fv_weight_store *store, const fv_graph *g, int32_t node,
                     fv_weight_kind which, const float **data, int64_t dims[4], int *ndims,
                     fv_diag *diag);
    void (*free)(struct fv_weight_store *store);
} fv_weight_store;

struct fv_graph {
    fv_node *nodes;
    size_t n_nodes, cap_nodes;
    int32_t *edges;      /* inputs of all nodes, back to back */
    size_t n_edges, cap_edges;
    char *names;         /* NUL-terminated names, back to back */
    size_t n_names, cap_names;
    struct fv_name_slot *table; /* open-addressing name index */
    size_t table_cap;
    int64_t input_hw[FV_AXES];
    char source[256];
    char *text;          /* the source text, when kept, for quoting lines */
    size_t text_len;
    char **warnings;     /* frontend warnings, each malloc'd */
    size_t n_warnings, cap_warnings;
    fv_weight_store *weights; /* NULL unless loaded with keep_weights */
    fv_head *heads;      /* detection heads; each owns its anchor arrays */
    size_t n_heads, cap_heads;
    struct fv_alias *aliases; /* other names of node outputs (alias.c) */
    size_t n_aliases, cap_aliases;
    uint32_t *alias_table;    /* open addressing: alias + 1, 0 = empty */
    size_t alias_table_cap;
    char **inexact;      /* per node, NULL or why its op's numbers are not the model's */
    size_t cap_inexact;
};

/* FNV-1a of a name, folded to 32 bits; the name indexes share it. */
uint32_t fv_name_hash(const char *name);

/* Gives node `node` another name, such as the ONNX tensor it produces, for
 * fv_graph_select. A name given twice means the later node. */
fv_status fv_graph_alias(fv_graph *g, const char *name, int32_t node, fv_diag *diag);

/* The node an alias names, or -1. */
int32_t fv_graph_find_alias(const fv_graph *g, const char *name);

/* Frees the alias index (alias.c); fv_graph_free calls it. */
void fv_graph_free_aliases(fv_graph *g);

/* Appends a warning (formatted, copied). Returns FV_ERR_NOMEM or FV_OK. */
fv_status fv_graph_warn(fv_graph *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Marks node i as an op assumed to be identity. */
void fv_graph_mark_assumed(fv_graph *g, int32_t i);

/* Records that node i computes something other than what its op says
 * (Exp read as identity, Div as mul): right for receptive fields, wrong
 * for the ERF engine's numbers. `what` names the original operator. */
fv_status fv_graph_mark_inexact(fv_graph *g, int32_t i, const char *what);

/* Why node i's numbers differ from its op, or NULL when they do not. */
const char *fv_graph_inexact(const fv_graph *g, int32_t i);

/* Frees the notes of fv_graph_mark_inexact (numeric.c); fv_graph_free calls it. */
void fv_graph_free_inexact(fv_graph *g);

/* Hands a weight store to the graph, which frees it with the graph. */
void fv_graph_set_weights(fv_graph *g, fv_weight_store *store);

/* Frees the heads' arrays (heads.c); fv_graph_free calls it. */
void fv_graph_free_heads(fv_graph *g);

/* An SSD PriorBox description: boxes of min_size (and sqrt(min * max)
 * squares when max sizes are given, one per min) and, per min, one box for
 * each aspect ratio w/h other than 1 (and its inverse with flip). */
typedef struct fv_priorbox {
    const double *mins;
    size_t n_min;
    const double *maxs;      /* n_max is 0 or n_min */
    size_t n_max;
    const double *ratios;
    size_t n_ratios;
    int flip;
} fv_priorbox;

/* Expands a PriorBox into *n boxes in SSD's order (prior_box_layer.cpp):
 * widths in *w, heights in *h, one allocation that the caller frees with
 * free(*w). Fails only with FV_ERR_NOMEM (and writes no message). */
fv_status fv_priorbox_anchors(const fv_priorbox *pb, double **w, double **h, size_t *n);

/* Keeps a copy of the source text so later errors can quote their line. */
fv_status fv_graph_keep_text(fv_graph *g, const char *text, size_t len);

/* Copies line `line` (1-based) of the kept text into buf, or "" if none. */
void fv_graph_line(const fv_graph *g, int32_t line, char *buf, size_t size);

/* Copies line `line` of `text` into buf, tabs kept, cut at size - 1. */
void fv_text_line(const char *text, size_t len, int32_t line, char *buf, size_t size);

static inline const fv_node *fv_node_at(const fv_graph *g, int32_t i) { return &g->nodes[i]; }
static inline const int32_t *fv_node_inputs(const fv_graph *g, const fv_node *n) {
    /* A graph of input nodes alone has no edge array at all. */
    return g->edges ? g->edges + n->first_input : NULL;
}
static inline const char *fv_node_name(const fv_graph *g, const fv_node *n) {
    return g->names + n->name;
}

/* Fills diag with a message located at a node: its source position when it
 * has one, else the node's name and index. Returns `status`. */
fv_status fv_diag_node(fv_diag *diag, const fv_graph *g, int32_t node, fv_status status,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Fills diag with a message at line:col of `file`, quoting that line of
 * `text` (len bytes; NULL for none). Every text frontend reports through it. */
fv_status fv_diag_at_v(fv_diag *diag, fv_status status, const char *file, const char *text,
                       size_t len, int32_t line, int32_t col, const char *fmt, va_list ap)
    __attribute__((format(printf, 8, 0)));

/* Fills diag with a message and no position. Returns `status`. */
fv_status fv_diag_set(fv_diag *diag, fv_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A topological order of the nodes (inputs before users), written to `order`
 * (n_nodes entries). Fails on a cycle, naming a node on it. Iterative. */
fv_status fv_graph_topo_order(const fv_graph *g, int32_t *order, fv_diag *diag);

/* fv_graph_check that also writes the topological order (n_nodes entries),
 * so that an analysis sorts the graph once. */
fv_status fv_graph_check_order(const fv_graph *g, int32_t *order, fv_diag *diag);

/* fv_graph_infer_shapes for a graph already checked, visiting `order`. */
fv_status fv_graph_infer_shapes_ordered(const fv_graph *g, const int32_t *order,
                                        const int64_t hw[FV_AXES], fv_feature_map *maps,
                                        fv_diag *diag);

/* fv_graph_infer_shapes_ordered that also names the node it stopped at:
 * *failed is that node on failure, -1 otherwise (or when the size itself is wrong). */
fv_status fv_graph_infer_shapes_at(const fv_graph *g, const int32_t *order,
                                   const int64_t hw[FV_AXES], fv_feature_map *maps,
                                   int32_t *failed, fv_diag *diag);

/* The index of the graph's one input node, or -1. */
int32_t fv_graph_input_node(const fv_graph *g);

/* Loads built-in network NAME (without the "zoo:" prefix). */
fv_status fv_zoo_load(const char *name, fv_graph **graph, fv_diag *diag);

/* Op families, from the op property table. */
typedef enum fv_op_kind {
    FV_KIND_INPUT,
    FV_KIND_WINDOW,      /* conv, pools */
    FV_KIND_WINDOW_T,    /* transposed conv */
    FV_KIND_GLOBAL,      /* whole map -> one unit or a vector */
    FV_KIND_RESAMPLE,    /* resize, depth/space, pad, slice */
    FV_KIND_MERGE,       /* add, mul, max, concat */
    FV_KIND_POINTWISE
} fv_op_kind;

fv_op_kind fv_op_kind_of(fv_op op);

#endif
