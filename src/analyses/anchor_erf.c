/* ERF of the predicting units of fovea anchors, and S3FD's rule that
 * anchors should sit near it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anchor_erf.h"
#include "fv_limits.h"
#include "graph_private.h"

/* Luo's setting for uniform weights: one channel per layer. With all-ones
 * weights every channel of a layer carries the same map, so real channel
 * counts would only scale each path by the product of the channels it
 * crosses, at the cost of the full width; with one channel the ERF
 * counts the input-to-unit paths through the kernels' taps. */
static fv_status one_channel_copy(const fv_graph *g, fv_graph **out, fv_diag *diag)
{
    fv_graph *c = fv_graph_create();
    int32_t *in = malloc((FV_MAX_INPUTS + 1) * sizeof *in);
    fv_status st = c && in ? FV_OK : fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    for (size_t k = 0; st == FV_OK && k < fv_graph_size(g); k++) {
        int32_t node = (int32_t)k;
        fv_layer l;
        fv_layer_init(&l, fv_graph_op(g, node));
        l.name = fv_graph_name(g, node);
        l.params = *fv_graph_params(g, node);
        l.n_inputs = fv_graph_n_inputs(g, node);
        for (size_t i = 0; i < l.n_inputs; i++)
            in[i] = fv_graph_input(g, node, i);
        l.inputs = in;
        l.channels = 0; /* unknown: the engine counts it as 1 */
        l.pos = fv_graph_pos(g, node);
        fv_op_kind kind = fv_op_kind_of(l.op);
        if (kind == FV_KIND_WINDOW || kind == FV_KIND_WINDOW_T)
            l.params.window.groups = 1;
        int32_t at;
        st = fv_graph_add(c, &l, &at, diag);
        /* a stand-in stays one, so that the engine still refuses it */
        const char *why = fv_graph_inexact(g, node);
        if (st == FV_OK && why && fv_graph_mark_inexact(c, at, why) != FV_OK)
            st = fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
        if (st == FV_OK && fv_graph_assumed_identity(g, node))
            fv_graph_mark_assumed(c, at);
    }
    free(in);
    if (st != FV_OK) {
        fv_graph_free(c);
        return st;
    }
    int64_t hw[FV_AXES];
    fv_graph_input_size(g, hw);
    fv_graph_set_input_size(c, hw);
    fv_graph_set_source(c, fv_graph_source(g));
    *out = c;
    return FV_OK;
}

static const char *weights_name(const struct fv_erf_options *o)
{
    return o->weights == FV_ERF_MODEL ? "model" : o->weights == FV_ERF_RANDOM ? "random" : "uniform";
}

/* S3FD: an anchor should match the ERF of its layer; a factor of 2 either
 * way is far from it. Information only: the ERF depends on the weights. */
static fv_status check_erf(const fv_anchor_layer *l, const struct fv_erf_options *o,
                           fv_findings *findings)
{
    if (l->scale_min >= l->erf_size / 2 && l->scale_max <= l->erf_size * 2)
        return FV_OK;
    fv_finding *f = fv_findings_add(findings, FV_SEVERITY_INFO, FV_RULE_ANCHOR_ERF, l->node);
    if (!f)
        return FV_ERR_NOMEM;
    fv_finding_what(f, "anchors %.4g to %.4g px against an ERF of %.4g px (half-mass diameter, "
                       "%s weights; TRF %lld px)",
                    l->scale_min, l->scale_max, l->erf_size, weights_name(o),
                    (long long)(l->trf[0] > l->trf[1] ? l->trf[0] : l->trf[1]));
    fv_finding_number(f, "scale_min", l->scale_min);
    fv_finding_number(f, "scale_max", l->scale_max);
    fv_finding_number(f, "erf", l->erf_size);
    fv_finding_advice(f, "S3FD matches anchors to the ERF: about %.0f px suits this layer; "
                         "larger anchors belong deeper, smaller ones shallower",
                      l->erf_size);
    return FV_OK;
}

fv_status fv_anchor_erf(const fv_graph *g, const fv_anchors_options *options,
                        const int64_t input[FV_AXES], fv_anchor_layer *layers, size_t n,
                        fv_findings *findings, fv_diag *diag)
{
    const fv_graph *on = g;
    fv_graph *copy = NULL;
    fv_status st = FV_OK;
    if (options->erf_one_channel && (st = one_channel_copy(g, &copy, diag)) != FV_OK)
        return st;
    if (copy)
        on = copy;
    fv_erf_options o = *options->erf;
    if (input[0] > 0) {
        o.input_size[0] = input[0];
        o.input_size[1] = input[1];
    }
    for (size_t k = 0; k < n && st == FV_OK; k++) {
        fv_anchor_layer *l = &layers[k];
        /* Heads on the same predictor share one ERF. */
        size_t same = 0;
        while (same < k && layers[same].predictor != l->predictor)
            same++;
        if (same < k) {
            l->erf_size = layers[same].erf_size;
            memcpy(l->erf_sigma, layers[same].erf_sigma, sizeof l->erf_sigma);
        } else {
            fv_erf_result *res = NULL;
            fv_erf_metrics m;
            fv_diag why;
            fv_diag_init(&why);
            fv_status e = fv_erf_compute(on, l->predictor, &o, &res, &why);
            if (e == FV_OK)
                e = fv_erf_metrics_compute(on, res, &m, &why);
            fv_erf_free(res);
            if (e == FV_ERR_NOMEM) {
                st = fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
                break;
            }
            int finite = e == FV_OK && isfinite(m.radius[0]) && isfinite(m.sigma[0]) &&
                         isfinite(m.sigma[1]) && m.mass > 0;
            if (!finite) {
                fv_finding *f = fv_findings_add(findings, FV_SEVERITY_INFO, FV_RULE_ANCHOR_ERF,
                                                l->node);
                if (!f) {
                    st = fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
                    break;
                }
                if (e != FV_OK)
                    fv_finding_what(f, "no ERF for '%s': %s", fv_graph_name(g, l->predictor),
                                    why.message);
                else
                    fv_finding_what(f, "no ERF for '%s': the gradient left the float range "
                                       "(%s weights)",
                                    fv_graph_name(g, l->predictor), weights_name(&o));
                fv_finding_advice(f, "the TRF checks stand; try other ERF weights (random "
                                     "keeps the scale)");
                continue;
            }
            l->erf_size = 2 * m.radius[0];
            l->erf_sigma[0] = m.sigma[0];
            l->erf_sigma[1] = m.sigma[1];
        }
        if (l->erf_size > 0 && check_erf(l, &o, findings) != FV_OK)
            st = fv_diag_set(diag, FV_ERR_NOMEM, "out of memory");
    }
    fv_graph_free(copy);
    return st;
}
