/* The ERF engine's state, shared by erf.c (the passes), erf_weights.c
 * (where numbers come from) and erf_inputs.c (what each sample feeds). */
#ifndef FV_ERF_PRIVATE_H
#define FV_ERF_PRIVATE_H

#include "erf_plan.h"

/* One node of the cone, ready to run. Buffers marked "typed" hold the
 * engine's element type: float, or double when it runs in float64. */
typedef struct erf_node {
    fv_box box;
    void *val, *grad;      /* typed, box-sized forward values and input gradient */
    fv_kwin kwin;          /* windowed ops */
    fv_conv_plan *conv;    /* conv, conv_transpose in float32 (oneDNN) */
    fv_direct_conv_f64 *direct; /* the same in float64 (plain C) */
    float *w, *bias;       /* conv weights (ONNX layout) and bias, owned */
    size_t n_w;
    void *scale, *shift;   /* typed, owned: batch norm folded, instance norm's affine */
    double *stats;         /* instance norm: 4 c doubles of statistics, owned */
    float *slope;          /* prelu, owned */
    int64_t n_slope;
    fv_act act;            /* pointwise activations */
    int identity;          /* runs as a copy (--linear, dropout, unit batch norm) */
    /* Scaled arithmetic (uniform weights): a value or gradient is the
     * stored number times 2^exp_val or 2^exp_grad. edge[j] is a typed copy
     * of input j's values at the exponent this node reads them, for a
     * merge that aligns its inputs or an op that needs true values; reads[j]
     * is what the node read in this sample's forward pass. */
    void **edge;
    const void **reads;
    int exp_val, exp_grad;
    int has_grad;          /* some consumer has added to grad this sample */
} erf_node;

typedef struct erf_engine {
    const fv_graph *g;
    const fv_erf_options *o;
    size_t elem; /* bytes of the element type: 4 or 8 */
    int scaled;  /* buffers carry power-of-two exponents (uniform weights) */
    fv_erf_plan plan;
    erf_node *nodes;
    int64_t image[FV_AXES];
    fv_box *merge_box;     /* scratch for the inputs of a merge */
    const void **merge_val;
    void **merge_grad;
} erf_engine;

/* Stores v at index k of a typed buffer. */
static inline void erf_put(const erf_engine *e, void *buf, size_t k, double v)
{
    if (e->elem == sizeof(double))
        ((double *)buf)[k] = v;
    else
        ((float *)buf)[k] = (float)v;
}

/* Whether node i computes on scaled inputs as on true ones (erf.c). */
int erf_reads_scaled(const erf_engine *e, int32_t i);

/* The input images of a folder, sorted by name. */
typedef struct erf_images {
    char **paths;
    size_t n;
} erf_images;

/* Fills the weights of active node `i` (conv weights and bias, batch norm
 * and instance norm scale and shift, prelu slopes) from the chosen source; `draw` numbers the
 * random draw (0, or the sample with redraw). */
fv_status erf_weights_fill(erf_engine *e, int32_t i, uint64_t draw, fv_diag *diag);

/* Bytes erf_weights_fill will allocate for node i. */
size_t erf_weights_bytes(const erf_engine *e, int32_t i);


fv_status erf_images_list(const char *dir, erf_images *images, fv_diag *diag);
void erf_images_free(erf_images *images);

/* Runs sample s through the cone and adds its aggregated input gradient
 * to `map` (the input window, row-major). Redraws random weights first
 * when asked. erf_passes.c is compiled once per element type: the _f64
 * twin runs an engine whose buffers hold doubles. */
fv_status erf_run_sample(erf_engine *e, const erf_images *images, int64_t s, double *map,
                         fv_diag *diag);
fv_status erf_run_sample_f64(erf_engine *e, const erf_images *images, int64_t s, double *map,
                             fv_diag *diag);

/* Fills the input node's typed window for `sample`. The values are
 * float32 numbers in either element type, so that both see one input. */
fv_status erf_input_fill(const erf_engine *e, const erf_images *images, int64_t sample, void *x,
                         fv_diag *diag);

#endif
