/* What each op does to receptive fields, one axis at a time: the exact map
 * from the op's output units to its input's units, and the step of Araujo's
 * per-path formula. Only trf.c uses this. */
#ifndef FV_RF_OPS_H
#define FV_RF_OPS_H

#include "graph_private.h"
#include "rf_map.h"

/* Why an op map could not be built. */
typedef enum fv_rf_op_err {
    FV_RF_OP_OK,
    FV_RF_OP_NEEDS_SIZE, /* SAME padding, align_corners or a negative slice start */
    FV_RF_OP_NOMEM,
    FV_RF_OP_PERIOD
} fv_rf_op_err;

/* The op's own map from its output units to its input units along `axis`,
 * built in scratch slot 0. `maps` are the feature maps or NULL when no
 * input size is known. Pointwise ops and merges are the identity: *identity
 * is set and nothing is built. */
fv_rf_op_err fv_rf_op_map(const fv_graph *g, int32_t node, int axis, const fv_feature_map *maps,
                          fv_rf_scratch *s, fv_rf_map *out, int *identity);

/* One op on one path, in Araujo's form: RF grows by `grow` units of the
 * input's stride and the stride is multiplied by `scale`
 * (r' = r + grow * J, J' = J * scale). */
typedef struct fv_rf_path_step {
    fv_rational grow;
    fv_rational scale;
} fv_rf_path_step;

fv_rf_path_step fv_rf_op_path_step(const fv_graph *g, int32_t node, int axis,
                                   const fv_feature_map *maps);

#endif
