/* The Caffe frontend's numbers: what each pointwise layer type becomes for
 * the ERF engine, the constants and fillers it reads, and the stand-ins it
 * marks, which the engine refuses naming the type and why. SSD300's
 * conv4_3_norm is a real L2 normalisation, FaceBoxes' negations real
 * powers. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "graph_private.h"
#include "model_check.h"

/* Each layer reads conv 'c' (or 'c' and 'c2') of a 4x9x9 input. */
static const char *const net =
    "input: 'data' input_shape { dim: 1 dim: 4 dim: 9 dim: 9 }\n"
    "layer { name: 'c' type: 'Convolution' bottom: 'data' top: 'c'\n"
    "  convolution_param { num_output: 4 kernel_size: 3 pad: 1 } }\n"
    "layer { name: 'c2' type: 'Convolution' bottom: 'data' top: 'c2'\n"
    "  convolution_param { num_output: 4 kernel_size: 3 pad: 1 } }\n"
    "layer { name: 'abs' type: 'AbsVal' bottom: 'c' top: 'abs' }\n"
    "layer { name: 'pow' type: 'Power' bottom: 'c' top: 'pow' power_param { power: 2 } }\n"
    "layer { name: 'neg' type: 'Power' bottom: 'c' top: 'neg' power_param { scale: -1 } }\n"
    "layer { name: 'pow1' type: 'Power' bottom: 'c' top: 'pow1' power_param { power: 1 } }\n"
    "layer { name: 'sqrt' type: 'Power' bottom: 'c' top: 'sqrt'\n"
    "  power_param { power: 0.5 scale: 2 shift: 1 } }\n"
    "layer { name: 'bias' type: 'Bias' bottom: 'c' top: 'bias'\n"
    "  bias_param { filler { type: 'constant' value: 0.5 } } }\n"
    "layer { name: 'bias0' type: 'Bias' bottom: 'c' top: 'bias0' bias_param { filler { } } }\n"
    "layer { name: 'bias2' type: 'Bias' bottom: 'c' bottom: 'c2' top: 'bias2' }\n"
    "layer { name: 'scale' type: 'Scale' bottom: 'c' top: 'scale'\n"
    "  scale_param { filler { type: 'gaussian' std: 0.1 } } }\n"
    "layer { name: 'scale_b' type: 'Scale' bottom: 'c' top: 'scale_b'\n"
    "  scale_param { bias_term: true bias_filler { value: 1 } } }\n"
    "layer { name: 'scale1' type: 'Scale' bottom: 'c' top: 'scale1' scale_param { bias_term: true } }\n"
    "layer { name: 'scale2' type: 'Scale' bottom: 'c' bottom: 'c2' top: 'scale2' }\n"
    "layer { name: 'prelu' type: 'PReLU' bottom: 'c' top: 'prelu'\n"
    "  prelu_param { filler { type: 'constant' value: 0.1 } } }\n"
    "layer { name: 'prelu_d' type: 'PReLU' bottom: 'c' top: 'prelu_d' }\n"
    "layer { name: 'prelu_r' type: 'PReLU' bottom: 'c' top: 'prelu_r'\n"
    "  prelu_param { filler { type: 'uniform' } } }\n"
    "layer { name: 'elu' type: 'ELU' bottom: 'c' top: 'elu' elu_param { alpha: 0.5 } }\n"
    "layer { name: 'soft' type: 'Softmax' bottom: 'c' top: 'soft' }\n"
    "layer { name: 'soft2' type: 'Softmax' bottom: 'c' top: 'soft2' softmax_param { axis: 2 } }\n"
    "layer { name: 'stoch' type: 'Pooling' bottom: 'c' top: 'stoch'\n"
    "  pooling_param { pool: STOCHASTIC kernel_size: 3 } }\n"
    "layer { name: 'ave' type: 'Pooling' bottom: 'c' top: 'ave'\n"
    "  pooling_param { pool: AVE kernel_size: 3 stride: 2 pad: 1 } }\n"
    "layer { name: 'diff' type: 'Eltwise' bottom: 'c' bottom: 'c2' top: 'diff'\n"
    "  eltwise_param { operation: SUM coeff: 1 coeff: -1 } }\n"
    "layer { name: 'sum' type: 'Eltwise' bottom: 'c' bottom: 'c2' top: 'sum'\n"
    "  eltwise_param { coeff: 1 coeff: 1 } }\n"
    "layer { name: 'slice' type: 'Slice' bottom: 'c' top: 'sa' top: 'sb'\n"
    "  slice_param { slice_point: 1 } }\n"
    "layer { name: 'split' type: 'Split' bottom: 'c' top: 'pa' top: 'pb' }\n"
    "layer { name: 'whole' type: 'Normalize' bottom: 'c' top: 'whole' }\n"
    "layer { name: 'norm_g' type: 'Normalize' bottom: 'c' top: 'norm_g'\n"
    "  norm_param { across_spatial: false scale_filler { type: 'gaussian' } } }\n"
    "layer { name: 'norm' type: 'Normalize' bottom: 'c' top: 'norm'\n"
    "  norm_param { across_spatial: false eps: 1e-6\n"
    "    scale_filler { type: 'constant' value: 3 } channel_shared: false } }\n"
    "layer { name: 'norm1' type: 'Normalize' bottom: 'c' top: 'norm1'\n"
    "  norm_param { across_spatial: false } }\n"
    "layer { name: 'perm' type: 'Permute' bottom: 'c' top: 'perm'\n"
    "  permute_param { order: 0 order: 2 order: 3 order: 1 } }\n"
    "layer { name: 'perm_relu' type: 'ReLU' bottom: 'perm' top: 'perm_relu' }\n"
    "layer { name: 'perm_conv' type: 'Convolution' bottom: 'perm_relu' top: 'perm_conv'\n"
    "  convolution_param { num_output: 2 kernel_size: 1 } }\n"
    "layer { name: 'perm_pool' type: 'Pooling' bottom: 'perm' top: 'perm_pool'\n"
    "  pooling_param { pool: STOCHASTIC kernel_size: 1 } }\n"
    "layer { name: 'perm_flat' type: 'Flatten' bottom: 'perm' top: 'perm_flat' }\n"
    "layer { name: 'kept' type: 'Permute' bottom: 'c' top: 'kept'\n"
    "  permute_param { order: 0 order: 1 } }\n"
    "layer { name: 'kept_conv' type: 'Convolution' bottom: 'kept' top: 'kept_conv'\n"
    "  convolution_param { num_output: 2 kernel_size: 1 } }\n";

/* Every layer of `net` and what the engine says of it: NULL when it runs,
 * else the reason its op only stands in for the layer. */
static const struct {
    const char *name, *why;
} cases[] = {
    {"abs", "Caffe's AbsVal (|x|)"},
    {"pow", NULL},
    {"neg", NULL},
    {"pow1", NULL},
    {"bias", "Caffe's Bias with a constant 0.5 filler"},
    {"bias0", NULL},
    {"bias2", NULL},
    {"scale", "Caffe's Scale with a 'gaussian' filler"},
    {"scale_b", "Caffe's Scale with a constant 1 bias_filler"},
    {"scale1", NULL},
    {"scale2", NULL},
    {"prelu", NULL},
    {"prelu_d", NULL},
    {"prelu_r", "Caffe's PReLU with a 'uniform' filler"},
    {"elu", NULL},
    {"soft", NULL},
    {"soft2", "Caffe's Softmax along axis 2"},
    {"stoch", "Caffe's STOCHASTIC pooling"},
    {"ave", NULL},
    {"diff", "Caffe's Eltwise SUM with coefficients 1, -1"},
    {"sum", NULL},
    {"slice/sa", "Caffe's Slice into 2 tops"},
    {"slice/sb", "Caffe's Slice into 2 tops"},
    {"split/pa", NULL},
    {"whole", "Caffe-SSD's Normalize across_spatial (one norm over the whole map)"},
    {"norm_g", "Caffe-SSD's Normalize with a 'gaussian' scale_filler"},
    {"norm", NULL},
    {"norm1", NULL},
    {"perm", NULL},
    {"perm_relu", NULL},
    {"perm_conv", "Caffe's Convolution of 'perm_relu', whose axes a Permute reordered"},
    {"perm_pool", "Caffe's STOCHASTIC pooling"},
    {"kept_conv", NULL},
};

/* The engine (random weights) runs the exact layers and refuses each
 * stand-in with its reason and the op fovea reads it as. */
static void stand_ins_refused(void **state)
{
    (void)state;
    fv_graph *g = mc_caffe(net);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        fv_diag d;
        fv_status st = mc_erf(g, cases[k].name, &d);
        if (!cases[k].why) {
            if (st != FV_OK)
                fail_msg("%s: %s", cases[k].name, d.message);
            continue;
        }
        int32_t i = mc_find(g, cases[k].name);
        char want[400];
        snprintf(want, sizeof want,
                 "%s: the ERF engine has no kernel for %s (read as %s for receptive fields only)",
                 cases[k].name, cases[k].why, fv_op_name(fv_graph_op(g, i)));
        assert_int_equal(st, FV_ERR_UNSUPPORTED);
        assert_string_equal(d.message, want);
    }
    fv_graph_free(g);
}

/* The constants the exact layers carry, and the ops. */
static void constants(void **state)
{
    (void)state;
    fv_graph *g = mc_caffe(net);
    assert_int_equal(fv_graph_op(g, mc_find(g, "bias2")), FV_OP_ADD);
    assert_int_equal(fv_graph_n_inputs(g, mc_find(g, "bias2")), 2);
    assert_int_equal(fv_graph_op(g, mc_find(g, "scale2")), FV_OP_MUL);
    assert_true(fv_graph_params(g, mc_find(g, "prelu"))->pointwise.alpha == 0.1);
    assert_true(fv_graph_params(g, mc_find(g, "prelu_d"))->pointwise.alpha == 0.25);
    assert_true(fv_graph_params(g, mc_find(g, "elu"))->pointwise.alpha == 0.5);
    const fv_window *w = &fv_graph_params(g, mc_find(g, "ave"))->window;
    assert_true(w->count_include_pad && w->ceil_mode == FV_CEIL_CAFFE);
    /* NormalizeLayer's defaults: eps 1e-10, scale 1 without a filler */
    const fv_normalize *p = &fv_graph_params(g, mc_find(g, "norm"))->normalize;
    assert_int_equal(fv_graph_op(g, mc_find(g, "norm")), FV_OP_NORMALIZE);
    assert_true(p->eps == 1e-6 && p->scale == 3);
    p = &fv_graph_params(g, mc_find(g, "norm1"))->normalize;
    assert_true(p->eps == 1e-10 && p->scale == 1);
    /* PowerLayer's defaults: power 1, scale 1, shift 0 */
    static const struct {
        const char *name;
        fv_power p;
    } powers[] = {{"pow", {2, 1, 0}}, {"neg", {1, -1, 0}}, {"pow1", {1, 1, 0}},
                  {"sqrt", {0.5, 2, 1}}};
    for (size_t k = 0; k < sizeof powers / sizeof powers[0]; k++) {
        int32_t i = mc_find(g, powers[k].name);
        const fv_power *q = &fv_graph_params(g, i)->power;
        assert_int_equal(fv_graph_op(g, i), FV_OP_POWER);
        assert_true(q->power == powers[k].p.power && q->scale == powers[k].p.scale &&
                    q->shift == powers[k].p.shift);
    }
    /* read exactly, but not finite for every x: the engine refuses it */
    fv_diag d;
    assert_int_equal(mc_erf(g, "sqrt", &d), FV_ERR_UNSUPPORTED);
    assert_string_equal(d.message, "sqrt: the ERF engine runs a power only where (shift + scale "
                                   "x)^power is finite for every x: a whole power of at least 0, "
                                   "or scale 0 and a finite shift^power (power 0.5, scale 2, "
                                   "shift 1)");
    /* a warning for each layer that reads reordered axes, marked or not */
    assert_int_equal(fv_graph_n_warnings(g), 2);
    assert_string_equal(fv_graph_warning(g, 0),
                        "line 52: Convolution layer 'perm_conv' reads 'perm_relu', whose axes a "
                        "Permute reordered; fovea keeps Caffe's N, C, H, W, so its receptive "
                        "field is not the model's");
    assert_string_equal(fv_graph_warning(g, 1),
                        "line 54: Pooling layer 'perm_pool' reads 'perm', whose axes a Permute "
                        "reordered; fovea keeps Caffe's N, C, H, W, so its receptive field is not "
                        "the model's");
    fv_graph_free(g);
}

/* The ERF map of `name`'s centre unit over the whole input (float64),
 * NULL when refused. */
static double *erf_map(const fv_graph *g, const char *name, fv_erf_weights weights, size_t *n,
                       fv_diag *d)
{
    fv_erf_options o;
    fv_erf_options_init(&o);
    o.weights = weights;
    return mc_erf_map(g, mc_find(g, name), &o, n, d);
}

/* SSD300's conv4_3_norm: across_spatial false, scale constant 20, eps
 * 1e-10. Its ERF runs with random weights and is not relu4_3's, which is
 * the ERF of the same unit with the Normalize removed; with uniform weights
 * it is refused. The heads' vectors (PriorBox, DetectionOutput) are
 * marked. */
static void ssd300_normalize(void **state)
{
    (void)state;
    fv_graph *g = mc_load(FOVEA_SOURCE_DIR, "tests/data/caffe/ssd300_vgg16_voc_deploy.prototxt");
    int32_t norm = mc_find(g, "conv4_3_norm");
    assert_int_equal(fv_graph_op(g, norm), FV_OP_NORMALIZE);
    const fv_normalize *p = &fv_graph_params(g, norm)->normalize;
    assert_true(p->eps == 1e-10 && p->scale == 20);
    assert_null(fv_graph_inexact(g, norm));
    size_t n;
    fv_diag d;
    double *a = erf_map(g, "conv4_3_norm", FV_ERF_RANDOM, &n, &d);
    if (!a)
        fail_msg("conv4_3_norm: %s", d.message);
    double *b = erf_map(g, "relu4_3", FV_ERF_RANDOM, &n, &d);
    double sa = 0, sb = 0, diff = 0, top = 0;
    for (size_t i = 0; i < n; i++)
        sa += a[i], sb += b[i];
    for (size_t i = 0; i < n; i++) {
        top = fmax(top, b[i] / sb);
        diff = fmax(diff, fabs(a[i] / sa - b[i] / sb));
    }
    print_message("conv4_3_norm against relu4_3 (no Normalize), maps of mass 1: largest "
                  "difference %.3g of relu4_3's peak\n",
                  diff / top);
    assert_true(diff > 0.1 * top);
    free(a);
    free(b);
    /* uniform weights: the identity (path counts), the map of its input */
    a = erf_map(g, "conv4_3_norm", FV_ERF_UNIFORM, &n, &d);
    b = erf_map(g, "relu4_3", FV_ERF_UNIFORM, &n, &d);
    assert_true(a && b);
    assert_memory_equal(a, b, n * sizeof *a);
    free(a);
    free(b);
    /* the engine names the first node it refuses: a Flatten before this */
    assert_string_equal(fv_graph_inexact(g, mc_find(g, "detection_out")),
                        "Caffe-SSD's DetectionOutput (box decoding and non-maximum suppression)");
    assert_int_equal(mc_erf(g, "conv4_3_norm_mbox_priorbox", &d), FV_ERR_UNSUPPORTED);
    assert_string_equal(d.message, "conv4_3_norm_mbox_priorbox: the ERF engine has no kernel for "
                                   "Caffe-SSD's PriorBox (boxes from the map's size, not from its "
                                   "values) (read as flatten for receptive fields only)");
    fv_graph_free(g);
}

/* FaceBoxes' CReLU negates conv1 and conv2 with a Power of scale -1: the
 * power op, so that conv2's ERF runs, with random weights and with uniform
 * ones (a negation reads scaled values). */
static void faceboxes_power(void **state)
{
    (void)state;
    fv_graph *g = mc_load(FOVEA_SOURCE_DIR, "tests/data/caffe/faceboxes_deploy.prototxt");
    static const char *const negs[] = {"conv1_neg", "conv2_neg"};
    for (size_t k = 0; k < 2; k++) {
        int32_t i = mc_find(g, negs[k]);
        const fv_power *w = &fv_graph_params(g, i)->power;
        assert_int_equal(fv_graph_op(g, i), FV_OP_POWER);
        assert_true(w->power == 1 && w->scale == -1 && w->shift == 0);
        assert_null(fv_graph_inexact(g, i));
    }
    static const fv_erf_weights weights[] = {FV_ERF_RANDOM, FV_ERF_UNIFORM};
    for (size_t k = 0; k < 2; k++) {
        size_t n;
        fv_diag d;
        double *m = erf_map(g, "conv2", weights[k], &n, &d), top = 0;
        if (!m)
            fail_msg("conv2: %s", d.message);
        for (size_t i = 0; i < n; i++)
            top = fmax(top, m[i]);
        assert_true(top > 0 && isfinite(top));
        free(m);
    }
    fv_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stand_ins_refused),
        cmocka_unit_test(constants),
        cmocka_unit_test(ssd300_normalize),
        cmocka_unit_test(faceboxes_power),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
