/* The op name table and op families. One row per fv_op, in enum order; the
 * static_assert keeps the table and the enum the same length. */
#include <assert.h>
#include <string.h>

#include "graph_private.h"

static const struct {
    const char *name;
    fv_op_kind kind;
} op_table[] = {
    [FV_OP_INPUT] = {"input", FV_KIND_INPUT},
    [FV_OP_CONV] = {"conv", FV_KIND_WINDOW},
    [FV_OP_CONV_TRANSPOSE] = {"conv_transpose", FV_KIND_WINDOW_T},
    [FV_OP_MAX_POOL] = {"max_pool", FV_KIND_WINDOW},
    [FV_OP_AVG_POOL] = {"avg_pool", FV_KIND_WINDOW},
    [FV_OP_GLOBAL_AVG_POOL] = {"global_avg_pool", FV_KIND_GLOBAL},
    [FV_OP_GLOBAL_MAX_POOL] = {"global_max_pool", FV_KIND_GLOBAL},
    [FV_OP_FLATTEN] = {"flatten", FV_KIND_GLOBAL},
    [FV_OP_FULLY_CONNECTED] = {"fully_connected", FV_KIND_GLOBAL},
    [FV_OP_RESIZE] = {"resize", FV_KIND_RESAMPLE},
    [FV_OP_DEPTH_TO_SPACE] = {"depth_to_space", FV_KIND_RESAMPLE},
    [FV_OP_SPACE_TO_DEPTH] = {"space_to_depth", FV_KIND_RESAMPLE},
    [FV_OP_PAD] = {"pad", FV_KIND_RESAMPLE},
    [FV_OP_SLICE] = {"slice", FV_KIND_RESAMPLE},
    [FV_OP_ADD] = {"add", FV_KIND_MERGE},
    [FV_OP_MUL] = {"mul", FV_KIND_MERGE},
    [FV_OP_MAX] = {"max", FV_KIND_MERGE},
    [FV_OP_CONCAT] = {"concat", FV_KIND_MERGE},
    [FV_OP_IDENTITY] = {"identity", FV_KIND_POINTWISE},
    [FV_OP_RELU] = {"relu", FV_KIND_POINTWISE},
    [FV_OP_RELU6] = {"relu6", FV_KIND_POINTWISE},
    [FV_OP_LEAKY_RELU] = {"leaky_relu", FV_KIND_POINTWISE},
    [FV_OP_PRELU] = {"prelu", FV_KIND_POINTWISE},
    [FV_OP_ELU] = {"elu", FV_KIND_POINTWISE},
    [FV_OP_SIGMOID] = {"sigmoid", FV_KIND_POINTWISE},
    [FV_OP_TANH] = {"tanh", FV_KIND_POINTWISE},
    [FV_OP_SILU] = {"silu", FV_KIND_POINTWISE},
    [FV_OP_HARD_SWISH] = {"hard_swish", FV_KIND_POINTWISE},
    [FV_OP_HARD_SIGMOID] = {"hard_sigmoid", FV_KIND_POINTWISE},
    [FV_OP_MISH] = {"mish", FV_KIND_POINTWISE},
    [FV_OP_GELU] = {"gelu", FV_KIND_POINTWISE},
    [FV_OP_SOFTPLUS] = {"softplus", FV_KIND_POINTWISE},
    [FV_OP_BATCH_NORM] = {"batch_norm", FV_KIND_POINTWISE},
    [FV_OP_INSTANCE_NORM] = {"instance_norm", FV_KIND_POINTWISE},
    [FV_OP_LRN] = {"lrn", FV_KIND_POINTWISE},
    [FV_OP_SCALE] = {"scale", FV_KIND_POINTWISE},
    [FV_OP_DROPOUT] = {"dropout", FV_KIND_POINTWISE},
    [FV_OP_SOFTMAX] = {"softmax", FV_KIND_POINTWISE},
    [FV_OP_NORMALIZE] = {"normalize", FV_KIND_POINTWISE},
    [FV_OP_POWER] = {"power", FV_KIND_POINTWISE},
};

static_assert(sizeof op_table / sizeof op_table[0] == FV_OP_COUNT,
              "op_table needs one row per fv_op");

const char *fv_op_name(fv_op op)
{
    if ((unsigned)op >= FV_OP_COUNT)
        return "?";
    return op_table[op].name;
}

fv_op fv_op_from_name(const char *name)
{
    for (int op = 0; op < FV_OP_COUNT; op++)
        if (strcmp(op_table[op].name, name) == 0)
            return (fv_op)op;
    return FV_OP_COUNT;
}

fv_op_kind fv_op_kind_of(fv_op op)
{
    assert((unsigned)op < FV_OP_COUNT);
    return op_table[op].kind;
}

int fv_op_is_pointwise(fv_op op)
{
    return (unsigned)op < FV_OP_COUNT && op_table[op].kind == FV_KIND_POINTWISE;
}
