/* Constants and the shape arithmetic exporters emit (Shape, Gather, Cast,
 * Concat and Unsqueeze of shapes, ...): values computed from no image pixel.
 * They become no node; operators that read them as attributes (Reshape's
 * shape, Resize's scales, Pad's pads) find their values here. */
#include <string.h>

#include "onnx_private.h"

fv_status onnx_op_shape(onnx_ctx *c, fv_op op, const onnx_inputs *in)
{
    fv_status st = FV_OK;
    for (size_t o = 0; o < c->node->n_output && st == FV_OK; o++) {
        if (!c->node->output[o][0])
            continue;
        onnx_value v = {.name = c->node->output[o], .kind = ONNX_CONST};
        st = onnx_define(c, &v);
    }
    return st;
}

fv_status onnx_op_constant(onnx_ctx *c, fv_op op, const onnx_inputs *in)
{
    static const char *const names[] = {"value", "value_float", "value_floats", "value_int",
                                        "value_ints", "value_string", "value_strings",
                                        "sparse_value"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        const Onnx__AttributeProto *a = onnx_attr(c, names[k]);
        if (!a)
            continue;
        onnx_value v = {.name = c->node->output[0], .kind = ONNX_CONST};
        if (k == 0)
            v.tensor = a->t;
        else if (k <= 4)
            v.attr = a;
        if (k == 0 && !a->t)
            return onnx_fail(c, FV_ERR_SEMANTIC, "attribute 'value' must be a tensor");
        return onnx_define(c, &v);
    }
    return onnx_fail(c, FV_ERR_SEMANTIC, "the Constant has no value attribute");
}
