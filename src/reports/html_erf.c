/* The report's effective receptive fields: for each chosen layer, the ERF
 * of its centre unit as a heatmap carried inside the page (a PNG in a data:
 * URI), with the TRF box and the 1- and 2-sigma ellipses drawn on it, and
 * the numbers that say how much of the TRF the ERF fills. */
#include <math.h>
#include <stdlib.h>

#include "erf_png.h"
#include "graph_private.h"
#include "markup.h"

/* matplotlib's viridis at 0, 1/4, 1/2, 3/4 and 1, as the PNG colours it. */
static const char colour_bar[] =
    "<div class=\"colourbar\"><span>0</span><div class=\"ramp\" style=\"background:"
    "linear-gradient(to right,#440154,#3b528b,#21918c,#5ec962,#fde725)\"></div>"
    "<span>largest gradient</span></div>\n";

/* Rows (a = 0) or columns of the map's non-zero pixels; first > last when
 * there are none. */
static void nonzero_span(const fv_erf_result *r, int a, int64_t *first, int64_t *last)
{
    int64_t h, w, y0, x0;
    const double *map = fv_erf_map(r, &h, &w, &y0, &x0);
    *first = INT64_MAX, *last = INT64_MIN;
    for (int64_t y = 0; y < h; y++)
        for (int64_t x = 0; x < w; x++) {
            int64_t at = a == 0 ? y0 + y : x0 + x;
            if (map[y * w + x] != 0) {
                *first = at < *first ? at : *first;
                *last = at > *last ? at : *last;
            }
        }
}

/* The part of the image the heatmap shows: the TRF with a quarter of its
 * size around it, clipped to the image, so that early layers are not a dot,
 * and every pixel with a gradient (instance norm's statistics reach past
 * the TRF, which counts them as not seeing). */
static void view_box(const fv_erf_result *r, const fv_erf_metrics *m, int64_t box[4])
{
    int64_t hw[2];
    fv_erf_input_size(r, hw);
    for (int a = 0; a < FV_AXES; a++) {
        int64_t first = m->trf_first[a], last = m->trf_last[a], nz_first, nz_last;
        int64_t margin = (last - first + 1) / 4 + 1;
        first = first - margin < 0 ? 0 : first - margin;
        last = last + margin >= hw[a] ? hw[a] - 1 : last + margin;
        nonzero_span(r, a, &nz_first, &nz_last);
        first = nz_first < first ? nz_first : first;
        last = nz_last > last ? nz_last : last;
        box[a] = first;
        box[2 + a] = last - first + 1;
    }
}

static void erf_card(FILE *out, const fv_graph *g, const fv_trf *t, int32_t node,
                     const fv_erf_options *options)
{
    fv_diag diag;
    fv_diag_init(&diag);
    fv_erf_result *r = NULL;
    fv_erf_metrics m;
    unsigned char *png = NULL;
    size_t len = 0;
    int64_t hw[2];
    fputs("<figure class=\"erf\">", out);
    int64_t box[4];
    if (fv_erf_compute(g, node, options, &r, &diag) != FV_OK ||
        fv_erf_metrics_compute(g, r, &m, &diag) != FV_OK ||
        /* Uniform weights count paths: pixels within float64 can sum past it. */
        (!isfinite(m.mass) &&
         fv_diag_set(&diag, FV_ERR_LIMIT, "the map's mass leaves the float64 range (with uniform "
                     "weights it counts paths); try --erf-weights random") != FV_OK) ||
        (view_box(r, &m, box), fv_erf_png_data(r, &m, 0, box, &png, &len, hw, &diag)) != FV_OK) {
        fputs("<figcaption><strong>", out);
        fv_xml_text(out, fv_graph_name(g, node));
        fputs("</strong><br><span class=\"refusal\">No ERF: ", out);
        fv_xml_text(out, diag.message);
        fputs("</span></figcaption></figure>\n", out);
        fv_erf_free(r);
        return;
    }
    fprintf(out, "<img width=\"%lld\" height=\"%lld\" alt=\"", (long long)hw[1],
            (long long)hw[0]);
    fv_xml_textf(out, "ERF of %s", fv_graph_name(g, node));
    fputs("\" src=\"", out);
    fv_write_data_uri(out, "image/png", png, len);
    fputs("\">\n<figcaption><strong>", out);
    fv_xml_text(out, fv_graph_name(g, node));
    int64_t unit[2];
    fv_erf_unit(r, unit);
    fprintf(out, "</strong> unit (%lld, %lld)<br>TRF %lld &times; %lld px; ERF &sigma; %.1f "
                 "&times; %.1f px; 95%% of the mass within %.1f px<br>2&sigma; ellipse / TRF "
                 "area %.0f%%; 95%% diameter / TRF %.0f%%</figcaption></figure>\n",
            (long long)unit[0], (long long)unit[1],
            (long long)(m.trf_last[0] - m.trf_first[0] + 1),
            (long long)(m.trf_last[1] - m.trf_first[1] + 1), m.sigma[0], m.sigma[1], m.radius[2],
            100 * m.sigma_area_ratio, 100 * m.radius95_ratio);
    free(png);
    fv_erf_free(r);
}

fv_status fv_html_erf(FILE *out, const fv_graph *g, const fv_trf *t,
                      const fv_html_options *options, fv_diag *diag)
{
    (void)diag;
    if (!options || options->n_erf_nodes == 0)
        return FV_OK;
    fv_erf_options erf;
    if (options->erf) {
        erf = *options->erf;
    } else {
        /* Path counts: deterministic, one sample enough (Luo et al.'s analysis). */
        fv_erf_options_init(&erf);
        erf.weights = FV_ERF_UNIFORM;
        erf.linear = 1;
        erf.samples = 1;
        erf.max_memory = (uint64_t)2 << 30;
    }
    const fv_feature_map *in = fv_trf_map(t, fv_graph_input_node(g));
    if (in && erf.input_size[0] == 0) {
        erf.input_size[0] = in->size[0];
        erf.input_size[1] = in->size[1];
    }
    static const char *const weights[] = {"uniform (all ones: path counts)", "random (He-normal)",
                                          "the model's"};
    fprintf(out, "<section id=\"erf\"><h2>Effective receptive field</h2>\n<p class=\"lead\">"
                 "The gradient of each layer's centre unit with respect to every input pixel "
                 "(Luo et al. 2016): weights %s, %s, %lld sample%s, |gradient| summed over "
                 "channels. White box: the theoretical RF; red and orange: the 1- and 2-sigma "
                 "ellipses around the centre of mass.</p>\n",
            (unsigned)erf.weights < 3 ? weights[erf.weights] : "?",
            erf.linear ? "activations removed" : "activations kept", (long long)erf.samples,
            erf.samples == 1 ? "" : "s");
    fputs(colour_bar, out);
    fputs("<div class=\"erf-grid\">\n", out);
    for (size_t k = 0; k < options->n_erf_nodes; k++)
        erf_card(out, g, t, options->erf_nodes[k], &erf);
    fputs("</div>\n</section>\n", out);
    return FV_OK;
}
