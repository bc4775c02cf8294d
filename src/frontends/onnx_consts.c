/* Constants and the shape arithmetic exporters emit: values computed from no
 * image pixel. They become no node. Short integer vectors among them are
 * folded here, entry by entry, so that an operator reading one as an
 * attribute finds it: PyTorch's F.interpolate(size=...) gives a Resize whose
 * sizes are Concat(Slice(Shape(x), 0, 2), [H, W]), with the batch and
 * channel counts left to run time but the spatial sizes known. */
#include <stdlib.h>
#include <string.h>

#include "onnx_private.h"

/* The value of input k as a vector, if it is a constant that folds. */
static int input_vec(onnx_ctx *c, size_t k, onnx_vec *out)
{
    if (!onnx_has_input(c, k))
        return 0;
    const onnx_value *v = onnx_lookup(c, c->node->input[k]);
    return v && v->kind == ONNX_CONST && onnx_const_vec(c, v, out);
}

/* Constant integers of input k (all known); *n = 0 when absent. */
static int input_known(onnx_ctx *c, size_t k, int64_t *out, size_t *n)
{
    onnx_vec v;
    *n = 0;
    if (!onnx_has_input(c, k))
        return 1;
    if (!input_vec(c, k, &v))
        return 0;
    for (size_t i = 0; i < v.n; i++)
        if (!v.known[i])
            return 0;
    memcpy(out, v.v, v.n * sizeof *out);
    *n = v.n;
    return 1;
}

/* Shape of a feature map: batch unknown, channels when the graph knows
 * them, the spatial sizes when the model declares its input size. */
static int shape_of_map(onnx_ctx *c, int32_t node, onnx_vec *r)
{
    int64_t hw[FV_AXES];
    fv_graph_input_size(c->g, hw);
    r->n = (size_t)c->rank;
    memset(r->known, 0, sizeof r->known);
    int64_t ch = fv_graph_channels(c->g, node);
    if (ch > 0) {
        r->v[1] = ch;
        r->known[1] = 1;
    }
    if (hw[0] < 1 || hw[1] < 1)
        return 1;
    size_t n = fv_graph_size(c->g);
    fv_feature_map *maps = malloc(n * sizeof *maps);
    if (!maps)
        return 0;
    fv_diag quiet;
    if (fv_graph_infer_shapes(c->g, hw, maps, &quiet) == FV_OK) {
        r->v[r->n - 1] = maps[node].size[FV_AXIS_X];
        r->known[r->n - 1] = 1;
        if (c->rank == 4) {
            r->v[2] = maps[node].size[FV_AXIS_Y];
            r->known[2] = 1;
        }
    }
    free(maps);
    return 1;
}

/* Python-style bounds of a slice of length n, clamped as ONNX Slice does. */
static int64_t clamp_index(int64_t i, int64_t n)
{
    if (i < 0)
        i += n;
    return i < 0 ? 0 : i > n ? n : i;
}

static int slice_vec(const onnx_vec *in, int64_t start, int64_t end, int64_t step, onnx_vec *r)
{
    int64_t n = (int64_t)in->n;
    if (step < 1)
        return 0;
    start = clamp_index(start, n);
    end = clamp_index(end, n);
    r->n = 0;
    for (int64_t i = start; i < end; i += step) {
        r->v[r->n] = in->v[i];
        r->known[r->n++] = in->known[i];
    }
    return 1;
}

static int fold_shape(onnx_ctx *c, const onnx_inputs *in, onnx_vec *r)
{
    onnx_vec whole;
    if (in->n == 1 && !in->vector) {
        if (!shape_of_map(c, in->node[0], &whole))
            return 0;
    } else if (in->n == 0 && onnx_has_input(c, 0)) {
        const onnx_value *v = onnx_lookup(c, c->node->input[0]);
        if (!v || !v->tensor || v->tensor->n_dims > ONNX_MAX_VEC)
            return 0;
        whole.n = v->tensor->n_dims;
        memcpy(whole.v, v->tensor->dims, whole.n * sizeof *whole.v);
        memset(whole.known, 1, whole.n);
    } else {
        return 0;
    }
    int64_t start, end;
    fv_diag *keep = c->diag; /* a bad attribute only stops the folding */
    c->diag = NULL;
    int ok = onnx_attr_int(c, "start", 0, &start) == FV_OK &&
             onnx_attr_int(c, "end", (int64_t)whole.n, &end) == FV_OK;
    c->diag = keep;
    return ok && slice_vec(&whole, start, end, 1, r);
}

static int fold_slice(onnx_ctx *c, onnx_vec *r)
{
    onnx_vec data;
    int64_t starts[1], ends[1], axes[1] = {0}, steps[1] = {1};
    size_t ns, ne, na, nst;
    if (c->opset < 10 || !input_vec(c, 0, &data) || !input_known(c, 1, starts, &ns) ||
        !input_known(c, 2, ends, &ne) || !input_known(c, 3, axes, &na) ||
        !input_known(c, 4, steps, &nst))
        return 0;
    if (ns != 1 || ne != 1 || (na && axes[0] != 0 && axes[0] != -1) || (nst && nst != 1))
        return 0;
    return slice_vec(&data, starts[0], ends[0], steps[0], r);
}

static int fold_concat(onnx_ctx *c, onnx_vec *r)
{
    r->n = 0;
    for (size_t k = 0; k < c->node->n_input; k++) {
        onnx_vec part;
        if (!input_vec(c, k, &part) || r->n + part.n > ONNX_MAX_VEC)
            return 0;
        memcpy(r->v + r->n, part.v, part.n * sizeof *r->v);
        memcpy(r->known + r->n, part.known, part.n);
        r->n += part.n;
    }
    return 1;
}

static int fold_gather(onnx_ctx *c, onnx_vec *r)
{
    onnx_vec data;
    int64_t idx[ONNX_MAX_VEC], axis;
    size_t n;
    fv_diag *keep = c->diag;
    c->diag = NULL;
    int ok = onnx_attr_int(c, "axis", 0, &axis) == FV_OK;
    c->diag = keep;
    if (!ok || axis != 0 || !input_vec(c, 0, &data) || !input_known(c, 1, idx, &n) || n == 0)
        return 0;
    r->n = n;
    for (size_t k = 0; k < n; k++) {
        int64_t i = idx[k] < 0 ? idx[k] + (int64_t)data.n : idx[k];
        if (i < 0 || i >= (int64_t)data.n)
            return 0;
        r->v[k] = data.v[i];
        r->known[k] = data.known[i];
    }
    return 1;
}

/* Add, Sub, Mul, Div of integer vectors, a length-1 side broadcast. */
static int fold_arith(onnx_ctx *c, char op, onnx_vec *r)
{
    onnx_vec a, b;
    if (!input_vec(c, 0, &a) || !input_vec(c, 1, &b))
        return 0;
    if (a.n != b.n && a.n != 1 && b.n != 1)
        return 0;
    r->n = a.n > b.n ? a.n : b.n;
    for (size_t k = 0; k < r->n; k++) {
        size_t i = a.n == 1 ? 0 : k, j = b.n == 1 ? 0 : k;
        int64_t x = a.v[i], y = b.v[j], z = 0;
        int known = a.known[i] && b.known[j];
        if (known && op == '+')
            known = !__builtin_add_overflow(x, y, &z);
        else if (known && op == '-')
            known = !__builtin_sub_overflow(x, y, &z);
        else if (known && op == '*')
            known = !__builtin_mul_overflow(x, y, &z);
        else if (known && op == '/')
            known = y != 0 && !(x == INT64_MIN && y == -1) && (z = x / y, 1);
        r->v[k] = z;
        r->known[k] = (uint8_t)known;
    }
    return 1;
}

/* The vector output 0 of the node being converted holds, if it folds. */
static int fold(onnx_ctx *c, const onnx_inputs *in, onnx_vec *r)
{
    const char *op = c->node->op_type;
    if (strcmp(op, "Shape") == 0)
        return fold_shape(c, in, r);
    if (in->n != 0) /* anything else that reads the image is not shape arithmetic */
        return 0;
    if (strcmp(op, "Slice") == 0)
        return fold_slice(c, r);
    if (strcmp(op, "Concat") == 0)
        return fold_concat(c, r);
    if (strcmp(op, "Gather") == 0)
        return fold_gather(c, r);
    if (strcmp(op, "Add") == 0 || strcmp(op, "Sub") == 0 || strcmp(op, "Mul") == 0 ||
        strcmp(op, "Div") == 0)
        return fold_arith(c, op[0] == 'A' ? '+' : op[0] == 'S' ? '-' : op[0] == 'M' ? '*' : '/', r);
    /* rank and type changes keep the values of a short integer vector */
    if (strcmp(op, "Unsqueeze") == 0 || strcmp(op, "Squeeze") == 0 || strcmp(op, "Cast") == 0 ||
        strcmp(op, "Identity") == 0)
        return input_vec(c, 0, r);
    return 0;
}

fv_status onnx_op_shape(onnx_ctx *c, fv_op op, const onnx_inputs *in)
{
    onnx_vec folded;
    int32_t vec = 0;
    if (c->node->n_output >= 1 && fold(c, in, &folded)) {
        if (c->n_vecs == c->cap_vecs) {
            size_t cap = c->cap_vecs ? 2 * c->cap_vecs : 16;
            onnx_vec *v = realloc(c->vecs, cap * sizeof *v);
            if (!v)
                return onnx_fail(c, FV_ERR_NOMEM, "out of memory");
            c->vecs = v;
            c->cap_vecs = cap;
        }
        c->vecs[c->n_vecs++] = folded;
        vec = (int32_t)c->n_vecs;
    }
    /* An Identity of a constant is that constant, values and all: PyTorch's
     * exporter keeps one copy of equal initializers (every batch norm's
     * fresh scale of ones, say) and aliases the others through Identity. */
    const onnx_value *same = NULL;
    if (strcmp(c->node->op_type, "Identity") == 0 && onnx_has_input(c, 0))
        same = onnx_lookup(c, c->node->input[0]);
    if (same && same->kind != ONNX_CONST)
        same = NULL;
    fv_status st = FV_OK;
    for (size_t o = 0; o < c->node->n_output && st == FV_OK; o++) {
        if (!c->node->output[o][0])
            continue;
        onnx_value v = {.name = c->node->output[o], .kind = ONNX_CONST, .vec = o == 0 ? vec : 0};
        if (same && o == 0) {
            v.tensor = same->tensor;
            v.attr = same->attr;
        }
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
