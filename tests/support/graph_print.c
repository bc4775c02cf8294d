/* graph_print: see graph_print.h. Reads the graph only through fovea.h. */
#include "graph_print.h"

#include <inttypes.h>

static const char *rule_name(fv_pad_rule r)
{
    switch (r) {
    case FV_PAD_EXPLICIT: return "explicit";
    case FV_PAD_SAME_UPPER: return "same_upper";
    case FV_PAD_SAME_LOWER: return "same_lower";
    case FV_PAD_VALID: return "valid";
    }
    return "?";
}

static const char *mode_name(fv_resize_mode m)
{
    switch (m) {
    case FV_RESIZE_NEAREST: return "nearest";
    case FV_RESIZE_LINEAR: return "linear";
    case FV_RESIZE_CUBIC: return "cubic";
    }
    return "?";
}

static void print_params(const fv_graph *g, int32_t n, FILE *out)
{
    const fv_params *p = fv_graph_params(g, n);
    switch (fv_graph_op(g, n)) {
    case FV_OP_CONV:
    case FV_OP_CONV_TRANSPOSE:
    case FV_OP_MAX_POOL:
    case FV_OP_AVG_POOL: {
        const fv_window *w = &p->window;
        fprintf(out, " k=%" PRId64 "x%" PRId64 " s=%" PRId64 "x%" PRId64 " d=%" PRId64 "x%" PRId64
                     " %s",
                w->kernel[0], w->kernel[1], w->stride[0], w->stride[1], w->dilation[0],
                w->dilation[1], rule_name(w->rule));
        if (w->rule == FV_PAD_EXPLICIT)
            fprintf(out, " pad_y=%" PRId64 ",%" PRId64 " pad_x=%" PRId64 ",%" PRId64,
                    w->pad_begin[0], w->pad_end[0], w->pad_begin[1], w->pad_end[1]);
        if (w->output_padding[0] || w->output_padding[1])
            fprintf(out, " out_pad=%" PRId64 "x%" PRId64, w->output_padding[0],
                    w->output_padding[1]);
        if (w->ceil_mode)
            fprintf(out, " ceil");
        break;
    }
    case FV_OP_RESIZE:
        fprintf(out, " %s scale=%" PRId64 "/%" PRId64 "x%" PRId64 "/%" PRId64 "%s",
                mode_name(p->resize.mode), p->resize.scale_num[0], p->resize.scale_den[0],
                p->resize.scale_num[1], p->resize.scale_den[1],
                p->resize.align_corners ? " align_corners" : "");
        break;
    case FV_OP_DEPTH_TO_SPACE:
    case FV_OP_SPACE_TO_DEPTH:
        fprintf(out, " block=%" PRId64 "%s", p->block.size,
                p->block.order == FV_BLOCK_CRD ? " crd" : "");
        break;
    case FV_OP_PAD:
        fprintf(out, " y=%" PRId64 ",%" PRId64 " x=%" PRId64 ",%" PRId64, p->pad.begin[0],
                p->pad.end[0], p->pad.begin[1], p->pad.end[1]);
        break;
    case FV_OP_SLICE:
        for (int a = 0; a < FV_AXES; a++) {
            fprintf(out, " %c=%" PRId64 ":", a ? 'x' : 'y', p->slice.start[a]);
            if (p->slice.end[a] != INT64_MAX)
                fprintf(out, "%" PRId64, p->slice.end[a]);
            fprintf(out, ":%" PRId64, p->slice.step[a]);
        }
        break;
    default:
        break;
    }
}

void graph_print(const fv_graph *g, const int64_t *hw, FILE *out)
{
    if (hw)
        fprintf(out, "  input size %" PRId64 "x%" PRId64 "\n", hw[0], hw[1]);
    for (size_t i = 0; i < fv_graph_size(g); i++) {
        int32_t n = (int32_t)i;
        fprintf(out, "  %2d %-16s %s(", n, fv_graph_name(g, n), fv_op_name(fv_graph_op(g, n)));
        for (size_t k = 0; k < fv_graph_n_inputs(g, n); k++)
            fprintf(out, "%s%d", k ? ", " : "", fv_graph_input(g, n, k));
        fprintf(out, ")");
        print_params(g, n, out);
        fprintf(out, "\n");
    }
}
