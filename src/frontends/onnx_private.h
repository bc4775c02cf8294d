/* The ONNX frontend's shared state: the decoded model, the tensor-name
 * table and the node being converted. onnx.c drives the conversion,
 * onnx_ops.c maps each operator, onnx_attrs.c reads attributes and
 * constant tensors with the defaults of the model's opset. */
#ifndef FV_ONNX_PRIVATE_H
#define FV_ONNX_PRIVATE_H

#include <stdint.h>

#include "onnx.pb-c.h"

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
} onnx_value;

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

/* Non-zero when the default-domain operator `op_type` is one fovea maps. */
int onnx_op_known(const char *op_type);

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
fv_status onnx_input_floats(onnx_ctx *c, size_t k, const char *what, float *out, size_t max,
                            size_t *n);

/* Non-zero when input k is present (a non-empty name). */
int onnx_has_input(const onnx_ctx *c, size_t k);

/* Dims of the initializer or Constant feeding input k; -1 when unknown. */
int onnx_input_dims(onnx_ctx *c, size_t k, int64_t *dims, int max);

/* Per-opset defaults of attributes whose default changed over time. */
int64_t onnx_softmax_default_axis(int64_t opset);
const char *onnx_resize_default_ctm(int64_t opset);
const char *onnx_resize_default_nearest(int64_t opset);

/* --------------------------------------------------------------- weights */

/* Keeps the decoded model in the graph for fv_graph_weight. Takes ownership
 * of `model` (freed with the graph, or here on failure). */
fv_status onnx_keep_weights(onnx_ctx *c, Onnx__ModelProto *model);



/* Non-zero when messages in `data` (a serialised `desc`) nest more than
 * `limit` levels deep (onnx_nesting.c). */
int onnx_nests_deeper(const ProtobufCMessageDescriptor *desc, const void *data, size_t len,
                      int limit);

/* For the tests: non-zero when the operator table is in bsearch order. */
int onnx_op_table_sorted(void);
#endif
