/* The ONNX frontend's shared state: the decoded model, the tensor-name
 * table and the node being converted. onnx.c drives the conversion,
 * onnx_ops.c maps each operator to the function that converts it (by family:
 * onnx_window.c, onnx_resample.c, onnx_layout.c, onnx_consts.c),
 * onnx_attrs.c reads attributes and constant tensors with the defaults of
 * the model's opset. */
#ifndef FV_ONNX_PRIVATE_H
#define FV_ONNX_PRIVATE_H

#include <stdint.h>

#include "onnx.pb-c.h"

#include "fv_limits.h"
#include "graph_private.h"

/* What a tensor name stands for. */
typedef enum onnx_value_kind {
    ONNX_FEATURE, /* a feature map (or vector) computed from the image: an fv node */
    ONNX_CONST    /* an initializer, a Constant, or anything computed only from those */
} onnx_value_kind;

typedef struct onnx_value {
    const char *name;                 /* owned by the decoded model */
    onnx_value_kind kind;
    int vector;                       /* feature with no spatial extent left (after a global op) */
    int32_t node;                     /* ONNX_FEATURE: the fv node */
    const Onnx__TensorProto *tensor;  /* ONNX_CONST with a known value, else NULL */
    const Onnx__AttributeProto *attr; /* ONNX_CONST from a Constant's value_* attribute */
    int32_t vec;                      /* ONNX_CONST folded from shapes: index + 1 into
                                         onnx_ctx.vecs, 0 = none */
} onnx_value;

enum { ONNX_MAX_VEC = 8 };

/* A short integer vector that shape arithmetic computes (onnx_consts.c),
 * entry by entry known at parse time or not (a Shape's batch size is not). */
typedef struct onnx_vec {
    size_t n;
    int64_t v[ONNX_MAX_VEC];
    uint8_t known[ONNX_MAX_VEC];
} onnx_vec;

typedef struct onnx_ctx {
    const char *file;
    const fv_load_options *options;
    const Onnx__GraphProto *graph;
    int64_t opset;          /* version of the default (ai.onnx) domain */
    int rank;               /* rank of the image input: 4 (NCHW) or 3 (NCW) */
    fv_graph *g;
    fv_diag *diag;
    onnx_value *values;     /* by tensor name */
    size_t n_values, cap_values;
    uint32_t *table;        /* open addressing: value + 1, 0 = empty */
    size_t table_cap;
    int32_t *origin;        /* fv node -> ONNX node index (-1 for the input) */
    size_t cap_origin;
    onnx_vec *vecs;         /* folded shape vectors, by onnx_value.vec - 1 */
    size_t n_vecs, cap_vecs;
    /* the node being converted */
    size_t index;
    const Onnx__NodeProto *node;
} onnx_ctx;

/* Error at the node being converted (or at the model when there is none):
 * `node 12 'conv1' (Conv): what`. Returns `status`. */
fv_status onnx_fail(onnx_ctx *c, fv_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Value of a tensor name, or NULL. */
onnx_value *onnx_lookup(onnx_ctx *c, const char *name);

/* Adds or replaces the value of a name. */
fv_status onnx_define(onnx_ctx *c, const onnx_value *v);

/* Adds an fv node for the node being converted; names it after the ONNX
 * node (or "<OpType>_<index>", with a suffix when taken). */
fv_status onnx_add_layer(onnx_ctx *c, fv_layer *layer, const char *suffix, int32_t *index);

/* The feature map sizes (height, width) of fv node `node`, from the declared
 * input size. FV_ERR_UNSUPPORTED naming `what` when the size is unknown. */
fv_status onnx_map_size(onnx_ctx *c, int32_t node, const char *what, int64_t hw[FV_AXES]);

/* Converts the node being converted (c->node, c->index). */
fv_status onnx_convert_node(onnx_ctx *c);

/* Reads what the ERF engine needs from the node just converted into fv
 * nodes first.. (pointwise constants, count_include_pad) and marks the
 * nodes whose op only stands in for the ONNX operator. */
fv_status onnx_numeric_node(onnx_ctx *c, size_t first);

/* Non-zero when the default-domain operator `op_type` is one fovea maps. */
int onnx_op_known(const char *op_type);

/* ------------------------------------------------------- conversions */

/* The feature inputs of the node being converted. */
typedef struct onnx_inputs {
    int32_t node[FV_MAX_INPUTS];
    size_t n;
    int vector; /* every feature input is a vector (no spatial extent) */
} onnx_inputs;

/* Converts the node being converted, whose operator-table row names `op`,
 * fed by the feature maps `in`. */
typedef fv_status onnx_convert_fn(onnx_ctx *c, fv_op op, const onnx_inputs *in);

onnx_convert_fn onnx_op_window;   /* Conv, ConvTranspose, pools: onnx_window.c */
onnx_convert_fn onnx_op_pad;      /* onnx_resample.c */
onnx_convert_fn onnx_op_resize;
onnx_convert_fn onnx_op_upsample;
onnx_convert_fn onnx_op_block;    /* DepthToSpace, SpaceToDepth */
onnx_convert_fn onnx_op_slice;
onnx_convert_fn onnx_op_split;
onnx_convert_fn onnx_op_flatten;  /* onnx_layout.c */
onnx_convert_fn onnx_op_reshape;
onnx_convert_fn onnx_op_transpose;
onnx_convert_fn onnx_op_rank;     /* Squeeze, Unsqueeze */
onnx_convert_fn onnx_op_fc;       /* Gemm, MatMul */
onnx_convert_fn onnx_op_reduce;
onnx_convert_fn onnx_op_softmax;
onnx_convert_fn onnx_op_gather;
onnx_convert_fn onnx_op_shape;    /* Shape, and nodes fed by constants only: onnx_consts.c */
onnx_convert_fn onnx_op_constant; /* Constant; reads no input (`in` is NULL) */

/* Defines output o (all outputs) of the node being converted as fv node
 * `node`; a vector when `vector`. Each tensor name also selects the node. */
fv_status onnx_define_output(onnx_ctx *c, size_t o, int32_t node, int vector);
fv_status onnx_define_outputs(onnx_ctx *c, int32_t node, int vector);

/* Adds `layer` fed by the first `n` feature inputs; every output names it. */
fv_status onnx_emit(onnx_ctx *c, fv_layer *layer, const onnx_inputs *in, size_t n, int vector);

/* onnx_emit of an op with neutral parameters. */
fv_status onnx_emit_op(onnx_ctx *c, fv_op op, const onnx_inputs *in, size_t n, int vector);

/* Axis `a` of the image-rank tensor as FV_AXIS_Y / FV_AXIS_X, -1 for batch
 * or channels, -2 when out of range. */
int onnx_spatial_axis(const onnx_ctx *c, int64_t a);

/* ---------------------------------------------------------- attributes */

const Onnx__AttributeProto *onnx_attr(const onnx_ctx *c, const char *name);
fv_status onnx_attr_int(onnx_ctx *c, const char *name, int64_t def, int64_t *out);
fv_status onnx_attr_float(onnx_ctx *c, const char *name, float def, float *out);
/* *n = 0 when absent; FV_ERR_SEMANTIC when longer than max. */
fv_status onnx_attr_ints(onnx_ctx *c, const char *name, int64_t *out, size_t max, size_t *n);
fv_status onnx_attr_floats(onnx_ctx *c, const char *name, float *out, size_t max, size_t *n);
/* Copies a string attribute (or def) into buf. */
fv_status onnx_attr_string(onnx_ctx *c, const char *name, const char *def, char *buf,
                           size_t size);

/* Integers or floats of input k of the node being converted, which must be
 * a constant with a known value. *n = 0 when the input is absent or empty;
 * FV_ERR_UNSUPPORTED when it is computed at run time. */
fv_status onnx_input_ints(onnx_ctx *c, size_t k, const char *what, int64_t *out, size_t max,
                          size_t *n);
/* onnx_input_ints that also takes shape vectors with entries unknown until
 * run time; known[i] says which entries out[i] holds. */
fv_status onnx_input_ints_partial(onnx_ctx *c, size_t k, const char *what, int64_t *out,
                                  uint8_t *known, size_t max, size_t *n);
fv_status onnx_input_floats(onnx_ctx *c, size_t k, const char *what, float *out, size_t max,
                            size_t *n);

/* Non-zero when input k is present (a non-empty name). */
int onnx_has_input(const onnx_ctx *c, size_t k);

/* The value of constant `v` as a short integer vector: its folded vector,
 * or its tensor or attribute read as integers. 0 when it is none of these
 * or longer than ONNX_MAX_VEC; never an error. */
int onnx_const_vec(const onnx_ctx *c, const onnx_value *v, onnx_vec *out);

/* Dims of the initializer or Constant feeding input k; -1 when unknown. */
int onnx_input_dims(onnx_ctx *c, size_t k, int64_t *dims, int max);

/* Per-opset defaults of attributes whose default changed over time. */
int64_t onnx_softmax_default_axis(int64_t opset);
const char *onnx_resize_default_ctm(int64_t opset);
const char *onnx_resize_default_nearest(int64_t opset);

/* ----------------------------------------------------------------- memory */

/* The memory a decoded model lives in (onnx_arena.c): protobuf-c allocates
 * from it, and onnx_arena_free releases the whole model at once. */
typedef struct onnx_arena onnx_arena;
onnx_arena *onnx_arena_create(void);
ProtobufCAllocator *onnx_arena_allocator(onnx_arena *a);
/* Non-zero when an allocation failed (a failed unpack then means no memory). */
int onnx_arena_failed(const onnx_arena *a);
void onnx_arena_free(onnx_arena *a);

/* --------------------------------------------------------------- weights */

/* Keeps the decoded model in the graph for fv_graph_weight. Takes ownership
 * of `arena`, which holds `model` (freed with the graph, or here on failure). */
fv_status onnx_keep_weights(onnx_ctx *c, Onnx__ModelProto *model, onnx_arena *arena);

/* Non-zero when messages in `data` (a serialised `desc`) nest more than
 * `limit` levels deep (onnx_nesting.c). */
int onnx_nests_deeper(const ProtobufCMessageDescriptor *desc, const void *data, size_t len,
                      int limit);

/* For the tests: non-zero when the operator table is in bsearch order. */
int onnx_op_table_sorted(void);
#endif
