/* Builds small ONNX models in memory with the protobuf-c bindings that the
 * build generates from onnx.proto, for the frontend's tests. Every string
 * and array is copied into the model, which frees them all at once. */
#ifndef FV_ONNX_BUILDER_H
#define FV_ONNX_BUILDER_H

#include <stddef.h>
#include <stdint.h>

typedef struct ob_model ob_model;
typedef struct Onnx__NodeProto ob_node_t;

/* A model importing the default domain at `opset`. NULL when out of memory. */
ob_model *ob_new(int64_t opset);
void ob_free(ob_model *m);

/* A float graph input of `rank` dims; a dim < 0 is symbolic ("N", "H", ...). */
void ob_input(ob_model *m, const char *name, int rank, const int64_t *dims);
void ob_output(ob_model *m, const char *name);

/* A node; inputs and outputs are comma-separated tensor names, an empty
 * item being an omitted optional input ("x,,scales"). */
ob_node_t *ob_node(ob_model *m, const char *op, const char *name, const char *inputs,
                   const char *outputs);
void ob_set_domain(ob_model *m, ob_node_t *n, const char *domain);

void ob_int(ob_model *m, ob_node_t *n, const char *attr, int64_t v);
void ob_ints(ob_model *m, ob_node_t *n, const char *attr, size_t count, const int64_t *v);
void ob_float(ob_model *m, ob_node_t *n, const char *attr, float v);
void ob_floats(ob_model *m, ob_node_t *n, const char *attr, size_t count, const float *v);
void ob_str(ob_model *m, ob_node_t *n, const char *attr, const char *v);

/* Initializers: float weights (zeros, or `data` when not NULL, as raw_data
 * or float_data), and 1-D int64 / float vectors. */
void ob_weight(ob_model *m, const char *name, int ndims, const int64_t *dims, const float *data,
               int as_raw);
void ob_init_ints(ob_model *m, const char *name, size_t count, const int64_t *v);
void ob_init_floats(ob_model *m, const char *name, size_t count, const float *v);

/* Marks the initializer `name` as stored in external file `location`. */
void ob_external(ob_model *m, const char *name, const char *location, int64_t offset);

/* Serialises the model; the caller frees the buffer. */
uint8_t *ob_pack(ob_model *m, size_t *len);

#endif
