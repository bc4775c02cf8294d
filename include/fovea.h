/**
 * fovea: what each unit of a convolutional network sees.
 *
 * The one public header of libfovea. A frontend builds an fv_graph from a
 * file or text; analyses read the graph and return results the caller frees.
 * The library never prints and never exits: every fallible call returns an
 * fv_status and fills a caller-owned fv_diag.
 *
 * Spatial axes are indexed FV_AXIS_Y (height) then FV_AXIS_X (width)
 * everywhere; per-axis parameters follow that order.
 */
#ifndef FOVEA_H
#define FOVEA_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FV_VERSION "0.1.0"

/* ------------------------------------------------------------------ status */

/** What went wrong, in one word; details live in the fv_diag. */
typedef enum fv_status {
    FV_OK = 0,
    FV_ERR_USAGE,       /**< the caller passed something meaningless */
    FV_ERR_IO,          /**< a file could not be read or written */
    FV_ERR_SYNTAX,      /**< the input text is not well formed */
    FV_ERR_SEMANTIC,    /**< well formed, but names or values make no sense */
    FV_ERR_UNSUPPORTED, /**< an operator or feature fovea does not handle */
    FV_ERR_GRAPH,       /**< the graph is invalid: cycle, arity, geometry */
    FV_ERR_LIMIT,       /**< a size limit or 64-bit arithmetic was exceeded */
    FV_ERR_NOMEM,       /**< an allocation failed */
    FV_STATUS_COUNT
} fv_status;

/** A static, human-readable name for a status. Never NULL. */
const char *fv_status_str(fv_status status);

/** Where something is in a source file. line and col are 1-based; 0 = unknown. */
typedef struct fv_srcpos {
    int32_t line;
    int32_t col;
} fv_srcpos;

/**
 * A caller-owned diagnostic. The library fills it on failure (and may fill
 * `warnings` on success). Initialise with fv_diag_init before use.
 */
typedef struct fv_diag {
    char file[256];        /**< file or "<expr>"; empty if none */
    fv_srcpos pos;         /**< 0,0 when the error has no position */
    char message[512];     /**< what is wrong, without file or position */
    char source_line[256]; /**< the offending line, when known */
} fv_diag;

/** Clears a diagnostic. */
void fv_diag_init(fv_diag *diag);

/**
 * Writes the diagnostic as `file:line:col: error: message`, then the source
 * line and a caret under the column when they are known.
 */
void fv_diag_print(const fv_diag *diag, FILE *out);

/* --------------------------------------------------------------------- ops */

/**
 * Every operator the graph knows. Pointwise ops (activations,
 * normalisations, dropout) do not change the receptive field.
 * fv_op_name() gives each its stable lower-case name.
 */
typedef enum fv_op {
    FV_OP_INPUT,
    /* windowed */
    FV_OP_CONV,
    FV_OP_CONV_TRANSPOSE,
    FV_OP_MAX_POOL,
    FV_OP_AVG_POOL,
    /* whole-map */
    FV_OP_GLOBAL_AVG_POOL,
    FV_OP_GLOBAL_MAX_POOL,
    FV_OP_FLATTEN,
    FV_OP_FULLY_CONNECTED,
    /* resampling */
    FV_OP_RESIZE,
    FV_OP_DEPTH_TO_SPACE,
    FV_OP_SPACE_TO_DEPTH,
    FV_OP_PAD,
    FV_OP_SLICE,
    /* multi-input */
    FV_OP_ADD,
    FV_OP_MUL,
    FV_OP_MAX,
    FV_OP_CONCAT,
    /* pointwise */
    FV_OP_IDENTITY,
    FV_OP_RELU,
    FV_OP_RELU6,
    FV_OP_LEAKY_RELU,
    FV_OP_PRELU,
    FV_OP_ELU,
    FV_OP_SIGMOID,
    FV_OP_TANH,
    FV_OP_SILU,
    FV_OP_HARD_SWISH,
    FV_OP_HARD_SIGMOID,
    FV_OP_MISH,
    FV_OP_GELU,
    FV_OP_SOFTPLUS,
    FV_OP_BATCH_NORM,
    FV_OP_INSTANCE_NORM,
    FV_OP_LRN,
    FV_OP_SCALE,
    FV_OP_DROPOUT,
    FV_OP_SOFTMAX,
    FV_OP_NORMALIZE,
    FV_OP_POWER,
    FV_OP_COUNT
} fv_op;

/** The op's stable name ("conv", "max_pool", ...); "?" when out of range. */
const char *fv_op_name(fv_op op);

/** Looks an op up by its stable name. Returns FV_OP_COUNT when unknown. */
fv_op fv_op_from_name(const char *name);

/** Non-zero for ops that leave every spatial index where it is. */
int fv_op_is_pointwise(fv_op op);

/* ---------------------------------------------------------------- geometry */

enum { FV_AXIS_Y = 0, FV_AXIS_X = 1, FV_AXES = 2 };

/** How the padding of a windowed op is decided. */
typedef enum fv_pad_rule {
    FV_PAD_EXPLICIT,   /**< pad_begin / pad_end as given */
    FV_PAD_SAME_UPPER, /**< out = ceil(in / stride); odd padding goes at the end */
    FV_PAD_SAME_LOWER, /**< out = ceil(in / stride); odd padding goes at the start */
    FV_PAD_VALID       /**< no padding */
} fv_pad_rule;

/** Sampling rule of a resize, which decides the input pixels each output reads. */
typedef enum fv_resize_mode {
    FV_RESIZE_NEAREST, /**< one pixel: floor(out / scale) */
    FV_RESIZE_LINEAR,  /**< two pixels around the half-pixel source coordinate */
    FV_RESIZE_CUBIC    /**< four pixels around the half-pixel source coordinate */
} fv_resize_mode;

/** Window geometry of conv, transposed conv and pooling, per axis. */
typedef struct fv_window {
    int64_t kernel[FV_AXES];
    int64_t stride[FV_AXES];
    int64_t dilation[FV_AXES];
    int64_t pad_begin[FV_AXES];      /**< used when rule == FV_PAD_EXPLICIT */
    int64_t pad_end[FV_AXES];
    int64_t output_padding[FV_AXES]; /**< transposed conv only */
    int64_t groups;                  /**< convs: 1 = dense, channels = depthwise */
    fv_pad_rule rule;
    int ceil_mode;                   /**< pooling: an fv_ceil_rule; 0 rounds down */
    int count_include_pad;           /**< avg pool: padded pixels count in the divisor */
} fv_window;

/** Resize: output = floor(input * scale_num / scale_den), per axis, exact. */
typedef struct fv_resize {
    int64_t scale_num[FV_AXES];
    int64_t scale_den[FV_AXES];
    fv_resize_mode mode;
    int align_corners;               /**< source = out * (in-1)/(out-1); needs sizes */
    double cubic_a;                  /**< cubic: Keys' coefficient a; fv_layer_init sets
                                          -0.75 (PyTorch's, ONNX's default), TensorFlow
                                          uses -0.5 */
    int exclude_outside;             /**< cubic: pixels past the border get weight 0 and
                                          the others are scaled to sum 1 (ONNX's
                                          exclude_outside, TensorFlow's bicubic); else
                                          they are read as the border pixel */
} fv_resize;

/** Which channel of the deep side feeds which pixel of a b x b block in
 * depth_to_space and space_to_depth (ONNX's DepthToSpace mode). Receptive
 * fields are the same in both orders; the ERF engine moves values by it. */
typedef enum fv_block_order {
    FV_BLOCK_DCR, /**< out channel c at block offset (by, bx) is in channel
                       (by * b + bx) * C + c: ONNX's default, TensorFlow's */
    FV_BLOCK_CRD  /**< ... is in channel c * b * b + by * b + bx:
                       PyTorch's PixelShuffle and PixelUnshuffle */
} fv_block_order;

/** Depth to space and space to depth: b x b pixels per b * b channels. */
typedef struct fv_block {
    int64_t size;         /**< b */
    fv_block_order order;
} fv_block;

/** Pad: pixels added before and after, per axis; negative values crop. */
typedef struct fv_pad {
    int64_t begin[FV_AXES];
    int64_t end[FV_AXES];
} fv_pad;

/** Slice of a spatial axis: start, end (exclusive, INT64_MAX = to the end)
 * and step, with Python's meaning of negative start and end. */
typedef struct fv_slice {
    int64_t start[FV_AXES];
    int64_t end[FV_AXES];
    int64_t step[FV_AXES];
} fv_slice;

/** Constants of a pointwise op, used by the ERF engine. fv_layer_init sets
 * PyTorch's defaults: leaky_relu alpha 0.01, elu alpha 1, prelu slope 0.25
 * when the model has none, hard_sigmoid alpha 1/6 and beta 1/2,
 * batch_norm and instance_norm epsilon 1e-5 (in alpha). */
typedef struct fv_pointwise {
    double alpha;
    double beta;
} fv_pointwise;

/** Local response normalisation across channels (ONNX LRN, Caffe LRN
 * ACROSS_CHANNELS), pointwise in space: at each pixel
 * y_c = x_c / (bias + alpha / size * sum_k x_k^2)^beta, k over the channels
 * c - floor((size - 1) / 2) .. c + ceil((size - 1) / 2) that exist.
 * fv_layer_init sets size 5, alpha 1e-4, beta 0.75 and bias 1. */
typedef struct fv_lrn {
    int64_t size;      /**< channels in the window, at least 1 */
    double alpha;
    double beta;
    double bias;       /**< ONNX bias, Caffe k */
} fv_lrn;

/** L2 normalisation of each pixel's channels (Caffe-SSD's Normalize with
 * across_spatial false, as on SSD's conv4_3; ParseNet), pointwise in space:
 * y_c = scale * x_c / sqrt(eps + sum_k x_k^2), k over the pixel's channels.
 * fv_layer_init sets eps 1e-10 and scale 1, Caffe-SSD's defaults. */
typedef struct fv_normalize {
    double eps;        /**< inside the square root; at least 0 */
    double scale;      /**< one factor for every channel */
} fv_normalize;

/** Caffe's Power, element by element: y = (shift + scale * x)^power.
 * FaceBoxes' CReLU negates with power 1, scale -1, shift 0. fv_layer_init
 * sets power 1, scale 1 and shift 0 (the identity), Caffe's defaults;
 * fv_graph_check wants all three finite. */
typedef struct fv_power {
    double power;      /**< the exponent */
    double scale;      /**< multiplies x first */
    double shift;      /**< added to scale * x before the power */
} fv_power;

/** Parameters of one node; the member read is the one its op names. */
typedef union fv_params {
    fv_window window;  /**< conv, conv_transpose, max_pool, avg_pool */
    fv_resize resize;  /**< resize */
    fv_pad pad;        /**< pad */
    fv_slice slice;    /**< slice */
    fv_block block;    /**< depth_to_space, space_to_depth */
    fv_pointwise pointwise; /**< leaky_relu, elu, prelu, hard_sigmoid, batch_norm,
                                 instance_norm */
    fv_lrn lrn;        /**< lrn */
    fv_normalize normalize; /**< normalize */
    fv_power power;    /**< power */
} fv_params;

/* ------------------------------------------------------------------- graph */

/** A network as a DAG of nodes. Opaque; create/free pair. */
typedef struct fv_graph fv_graph;

/** Creates an empty graph. Returns NULL only when memory runs out. */
fv_graph *fv_graph_create(void);

/** Frees a graph and everything it owns. fv_graph_free(NULL) does nothing. */
void fv_graph_free(fv_graph *graph);

/** One node to add: the graph copies everything, strings included. */
typedef struct fv_layer {
    fv_op op;
    const char *name;         /**< unique; NULL or "" names it after op and index */
    const int32_t *inputs;    /**< indices of earlier-added or later-added nodes */
    size_t n_inputs;
    fv_params params;
    int64_t channels;         /**< output channels; 0 = unknown or unchanged */
    fv_srcpos pos;            /**< where the layer was written, for messages */
} fv_layer;

/** Fills a layer for `op` with neutral parameters: kernel, stride, dilation,
 * groups, scale and block size 1 (DCR order); slices to the end; cubic resizes
 * a = -0.75; the fv_pointwise, fv_lrn, fv_normalize and fv_power defaults
 * above. */
void fv_layer_init(fv_layer *layer, fv_op op);

/**
 * Appends a node. Inputs may refer to any index, even one not added yet;
 * fv_graph_check verifies them. On success *index (if not NULL) receives
 * the new node's index. Fails on a duplicate name or a size limit.
 */
fv_status fv_graph_add(fv_graph *graph, const fv_layer *layer, int32_t *index,
                       fv_diag *diag);

/** Number of nodes. */
size_t fv_graph_size(const fv_graph *graph);

/** Node index by name, or -1. */
int32_t fv_graph_find(const fv_graph *graph, const char *name);

/**
 * Finds the layer a user means: the node named exactly `name`, else the node
 * whose output the model names `name` (an ONNX tensor name), else the last
 * node (in graph order) whose name starts with `name` followed by '.', '/'
 * or '_' (so "layer3" selects the end of stage layer3). -1 when none.
 */
int32_t fv_graph_select(const fv_graph *graph, const char *name);

/** Accessors; `node` must be < fv_graph_size. Returned pointers live as long as the graph. */
fv_op fv_graph_op(const fv_graph *graph, int32_t node);
const char *fv_graph_name(const fv_graph *graph, int32_t node);
const fv_params *fv_graph_params(const fv_graph *graph, int32_t node);
size_t fv_graph_n_inputs(const fv_graph *graph, int32_t node);
int32_t fv_graph_input(const fv_graph *graph, int32_t node, size_t which);
int64_t fv_graph_channels(const fv_graph *graph, int32_t node);
fv_srcpos fv_graph_pos(const fv_graph *graph, int32_t node);

/** The file the graph came from ("" when built by hand); used in messages. */
void fv_graph_set_source(fv_graph *graph, const char *file);
const char *fv_graph_source(const fv_graph *graph);

/**
 * The image size the graph declares (height, width); 0 where unknown.
 * fv_graph_set_input_size overrides it, as --input does.
 */
void fv_graph_input_size(const fv_graph *graph, int64_t hw[FV_AXES]);
void fv_graph_set_input_size(fv_graph *graph, const int64_t hw[FV_AXES]);

/**
 * Validates the graph: exactly one input node, every input index in range,
 * arity per op, no cycles, positive kernels, strides, dilations, groups and
 * scales. Every frontend calls it; analyses assume it passed.
 */
fv_status fv_graph_check(const fv_graph *graph, fv_diag *diag);

/* ---------------------------------------------------------- detection heads */

/** Where a detector's anchors come from. */
typedef enum fv_head_kind {
    FV_HEAD_PRIORBOX, /**< Caffe SSD PriorBox: boxes expanded from min/max sizes and ratios */
    FV_HEAD_YOLO,     /**< Darknet [yolo]: the anchors its mask selects */
    FV_HEAD_REGION,   /**< Darknet [region] (YOLOv2): every anchor of the layer */
    FV_HEAD_RPN,      /**< Faster R-CNN region proposals: every size at every aspect ratio */
    FV_HEAD_KIND_COUNT
} fv_head_kind;

/** "priorbox", "yolo", "region" or "rpn"; "?" when out of range. */
const char *fv_head_kind_name(fv_head_kind kind);

/**
 * A detection head: a set of anchor boxes tiled over the grid of one feature
 * layer. Anchor k is anchor_w[k] x anchor_h[k] input pixels; the anchor of
 * cell i along an axis is centred at (i + offset) * step[axis].
 */
typedef struct fv_head {
    fv_head_kind kind;
    int32_t node;            /**< the feature layer whose grid the anchors tile */
    size_t n_anchors;        /**< at least 1 */
    const double *anchor_w;  /**< n_anchors widths, in pixels of the network input */
    const double *anchor_h;  /**< n_anchors heights, likewise */
    double step[FV_AXES];    /**< input pixels between cells (y, x); 0 = the node's
                                  effective stride, which the file leaves implicit */
    double offset;           /**< cell centre in cells, usually 0.5; in [0, 1] */
    fv_srcpos pos;           /**< where the head was written */
} fv_head;

/**
 * Records a detection head. The graph copies the anchor arrays; `node` must
 * already exist. Fails with FV_ERR_SEMANTIC when a size is not positive and
 * finite, a step is negative or the offset lies outside [0, 1].
 */
fv_status fv_graph_add_head(fv_graph *graph, const fv_head *head, fv_diag *diag);

/** Number of detection heads, in the order the file declares them. */
size_t fv_graph_n_heads(const fv_graph *graph);

/** Head k < fv_graph_n_heads(); lives as long as the graph. */
const fv_head *fv_graph_head(const fv_graph *graph, size_t k);

/* ----------------------------------------------------------------- shapes */

/** Feature-map geometry of one node for a given input size. */
typedef struct fv_feature_map {
    int64_t size[FV_AXES];      /**< spatial size of the node's output */
    int64_t pad_begin[FV_AXES]; /**< windowed ops: padding after SAME/VALID rules */
    int64_t pad_end[FV_AXES];
    int64_t channels;           /**< 0 when unknown */
} fv_feature_map;

/**
 * Infers every node's feature map for the input size `hw` (height, width).
 * `maps` must hold fv_graph_size() entries. Fails with FV_ERR_GRAPH and the
 * node's position when a kernel exceeds its padded input, a map shrinks to
 * nothing, or merged maps disagree in size.
 */
fv_status fv_graph_infer_shapes(const fv_graph *graph, const int64_t hw[FV_AXES],
                                fv_feature_map *maps, fv_diag *diag);

/* -------------------------------------------------------------- frontends */

/** Builds a graph from fovea's text format. `file` names it in messages. */
fv_status fv_text_parse(const char *text, size_t len, const char *file,
                        fv_graph **graph, fv_diag *diag);

/**
 * Builds a graph from a Darknet .cfg. [net] width/height give the input
 * size; Darknet layer k is the node "K_section" ("12_maxpool"), or, when
 * the layer applies an activation (convolutional, connected, shortcut,
 * scale_channels, sam; Darknet's defaults included), two nodes:
 * "K_section.OP" and its activation "K_section.ACTIVATION"
 * ("10_convolutional.conv", "10_convolutional.leaky", leaky_relu with
 * Darknet's slope 0.1). fv_graph_select(graph, "K") and
 * fv_graph_select(graph, "K_section") find the activation: what layer k
 * outputs, which route and shortcut read. Activations the ERF engine has
 * no kernel for are identity nodes that it refuses. [yolo] and [region]
 * layers add detection heads.
 */
fv_status fv_darknet_parse(const char *text, size_t len, const char *file, fv_graph **graph,
                           fv_diag *diag);

/**
 * Builds a graph from a Caffe .prototxt (protobuf text format, `layer` or
 * legacy `layers`). Nodes are named after layers; PriorBox layers add
 * detection heads on their first bottom.
 */
fv_status fv_caffe_parse(const char *text, size_t len, const char *file, fv_graph **graph,
                         fv_diag *diag);

/**
 * Loads a model file, choosing the frontend by extension (or by content
 * where the extension says nothing). `zoo:NAME` loads a built-in network.
 * On success the caller owns *graph and frees it with fv_graph_free.
 */
fv_status fv_model_load(const char *path, fv_graph **graph, fv_diag *diag);

/** How fv_model_load_ex treats what a model file leaves open. Zero it for the defaults. */
typedef struct fv_load_options {
    /** Non-zero: an operator fovea does not know becomes an identity node,
     * with a warning per op (fv_graph_warning) and every result downstream
     * marked (fv_rf.assumed_identity), instead of an FV_ERR_UNSUPPORTED. */
    int unknown_as_identity;
    /** Non-zero: keep the model's weights so that fv_graph_weight can give
     * them out. RF analysis does not need them; without it they are dropped
     * right after loading and external-data files are never opened. */
    int keep_weights;
} fv_load_options;

/** fv_model_load with options; `options` NULL means all defaults. */
fv_status fv_model_load_ex(const char *path, const fv_load_options *options, fv_graph **graph,
                           fv_diag *diag);

/**
 * Builds a graph from an ONNX model (a serialised onnx.ModelProto) held in
 * memory. `file` names it in messages and locates external-data files
 * (relative to its directory). `options` may be NULL. On success the
 * caller owns *graph.
 */
fv_status fv_onnx_parse(const void *data, size_t len, const char *file,
                        const fv_load_options *options, fv_graph **graph, fv_diag *diag);

/** Warnings the frontend left in the graph (one per assumed-identity op,
 * per approximated padding mode, ...). The strings live as long as the graph. */
size_t fv_graph_n_warnings(const fv_graph *graph);
const char *fv_graph_warning(const fv_graph *graph, size_t k);

/** Non-zero when `node` stands for an operator that was assumed to be identity. */
int fv_graph_assumed_identity(const fv_graph *graph, int32_t node);

/** Which stored tensor of a node fv_graph_weight gives. Batch norm: WEIGHT
 * is its scale, BIAS its shift, BN_MEAN and BN_VAR the running statistics;
 * instance norm: WEIGHT its scale, BIAS its shift. */
typedef enum fv_weight_kind {
    FV_WEIGHT = 0,
    FV_BIAS = 1,
    FV_BN_MEAN = 2,
    FV_BN_VAR = 3,
    FV_WEIGHT_KIND_COUNT
} fv_weight_kind;

/**
 * The weight or bias of a conv, transposed conv, fully connected, batch norm,
 * instance norm or PReLU node, as float32 in the model's layout (conv: out, in/groups, kh, kw;
 * up to 4 dims). Needs a graph loaded with keep_weights. Tensors stored in
 * external-data files are read from the model's directory on the first call.
 * *data is owned by the graph and lives as long as it; do not free it.
 * FV_ERR_SEMANTIC when the node has no such tensor, FV_ERR_USAGE when the
 * graph was loaded without weights, FV_ERR_UNSUPPORTED for a data type
 * other than float32, float16 or float64, FV_ERR_IO for a missing file.
 */
fv_status fv_graph_weight(const fv_graph *graph, int32_t node, fv_weight_kind which,
                          const float **data, int64_t dims[4], int *ndims, fv_diag *diag);

/** Number of built-in networks (`zoo:NAME`). */
size_t fv_zoo_size(void);

/** Name, one-line description, where its numbers come from, and the text
 * of built-in network k < fv_zoo_size(). Static strings. */
const char *fv_zoo_name(size_t k);
const char *fv_zoo_description(size_t k);
const char *fv_zoo_source(size_t k);
const char *fv_zoo_text(size_t k);

/* ------------------------------------------- theoretical receptive field */

/** An exact non-negative or negative rational, always in lowest terms, den > 0. */
typedef struct fv_rational {
    int64_t num;
    int64_t den;
} fv_rational;

/** The theoretical receptive field of one node along one axis. */
typedef struct fv_rf_axis {
    int64_t size_min;      /**< smallest RF over output positions (0 if a unit sees nothing) */
    int64_t size_max;      /**< largest RF over output positions */
    fv_rational path_min;  /**< smallest RF over input-to-node paths (Araujo's per-path formula) */
    fv_rational path_max;  /**< largest RF over paths */
    fv_rational stride;    /**< effective stride: input pixels per output unit */
    int64_t padding;       /**< effective padding P: unit 0 starts at input pixel -P */
    fv_rational centre;    /**< centre of unit 0, in input pixels */
    int64_t period;        /**< the RF pattern repeats every `period` units (1 when uniform) */
    /* filled only when an input size is known: */
    int64_t map_size;      /**< feature-map size; 0 when unknown */
    int64_t centre_unit;   /**< index of the middle unit, (map_size - 1) / 2 */
    int64_t outside;       /**< pixels of the middle unit's RF outside the image */
} fv_rf_axis;

/** What the receptive field of one node is, on both axes. */
typedef struct fv_rf {
    fv_rf_axis axis[FV_AXES]; /**< meaningless when whole_input is set */
    int whole_input;       /**< every unit sees the whole input (global pool, FC) */
    int global_context;    /**< some merged input sees the whole input (SE, PSP) */
    int merge;             /**< the node merges two or more spatial inputs */
    int aligned;           /**< all spatial inputs agree in stride and centre */
    int32_t diverging;     /**< merges: first input node that disagrees, else -1 */
    fv_rational offset[FV_AXES]; /**< its centre minus the first input's, at unit 0 */
    int sees_nothing;      /**< some unit depends on no input pixel at all */
    int assumed_identity;  /**< the node or an ancestor is an unknown op taken as identity */
} fv_rf;

/** The theoretical receptive field of every node. Opaque; create/free pair. */
typedef struct fv_trf fv_trf;

/**
 * Computes every node's RF in one pass, linear in nodes + edges. `hw` is the
 * input size or NULL to use the graph's; without a size, SAME padding
 * cannot be resolved and is an error naming the node. On success the
 * caller owns *trf and frees it with fv_trf_free. The graph must outlive it.
 */
fv_status fv_trf_compute(const fv_graph *graph, const int64_t *hw, fv_trf **trf,
                         fv_diag *diag);

/** Frees a result. fv_trf_free(NULL) does nothing. */
void fv_trf_free(fv_trf *trf);

/** Fills *rf with the RF of `node`. */
void fv_trf_get(const fv_trf *trf, int32_t node, fv_rf *rf);

/** The feature map of `node` when an input size was known, else NULL. */
const fv_feature_map *fv_trf_map(const fv_trf *trf, int32_t node);

/** The exact input interval seen by one unit along one axis: first..last. */
typedef struct fv_interval {
    int64_t first;
    int64_t last;
    int empty;             /**< the unit sees no input pixel */
} fv_interval;

/**
 * The input pixels seen by unit `index` of `node` along `axis`, exact at
 * every position (also where the RF varies between positions). Fails with
 * FV_ERR_USAGE for whole-input nodes and FV_ERR_LIMIT on overflow.
 */
fv_status fv_trf_unit(const fv_trf *trf, int32_t node, int axis, int64_t index,
                      fv_interval *out, fv_diag *diag);

/* ---------------------------------------------------------------- reports */

/** Output formats of every command that prints data. */
typedef enum fv_format {
    FV_FORMAT_TABLE, /**< aligned columns for a person */
    FV_FORMAT_JSON,  /**< one document, numbers as numbers */
    FV_FORMAT_CSV,   /**< one header row, one row per layer */
    FV_FORMAT_MD,    /**< a Markdown table */
    FV_FORMAT_COUNT
} fv_format;

/** "table", "json", "csv" or "md" to its format; FV_FORMAT_COUNT when unknown. */
fv_format fv_format_from_name(const char *name);

/**
 * Writes the per-layer receptive-field report of `nodes` (n_nodes indices;
 * NULL for every node in graph order) to `out`.
 */
fv_status fv_report_rf(const fv_graph *graph, const fv_trf *trf, const int32_t *nodes,
                       size_t n_nodes, fv_format format, FILE *out, fv_diag *diag);

/**
 * Writes the exact input box seen by unit (y, x) of `node`, with the part
 * that falls outside the image when the input size is known.
 */
fv_status fv_report_unit(const fv_graph *graph, const fv_trf *trf, int32_t node, int64_t y,
                         int64_t x, fv_format format, FILE *out, fv_diag *diag);

/* ---------------------------------------------------------- design advice */

/** How much a finding matters. `fovea check --strict` fails on warnings and errors. */
typedef enum fv_severity {
    FV_SEVERITY_INFO,
    FV_SEVERITY_WARNING,
    FV_SEVERITY_ERROR,
    FV_SEVERITY_COUNT
} fv_severity;

/** "info", "warning" or "error"; "?" when out of range. */
const char *fv_severity_name(fv_severity severity);

/** The design rules behind findings; docs/check.md gives each its source and thresholds. */
typedef enum fv_rule {
    FV_RULE_MAP_SIZE,       /**< a feature map cannot be formed at this input size (shrinks to nothing) */
    FV_RULE_EDGE_LOSS,      /**< floor rounding leaves image rows or columns unseen */
    FV_RULE_CAPACITY,       /**< Cao: real filter size / RF below 1/6 */
    FV_RULE_TOP_RF,         /**< Cao: the top-most spatial layer's RF exceeds the image */
    FV_RULE_BORDER,         /**< Richter: border (unproductive) layers at this input size */
    FV_RULE_INPUT_RANGE,    /**< Richter: the productive input-resolution range */
    FV_RULE_MISALIGNED,     /**< merged branches disagree in centre */
    FV_RULE_SAME_SHIFT,     /**< SAME padding split unevenly shifts the unit centres */
    FV_RULE_STEP,           /**< anchor step differs from the layer's effective stride */
    FV_RULE_ANCHOR_CENTRE,  /**< anchor centres away from RF centres */
    FV_RULE_ANCHOR_SIZE,    /**< anchor size against the theoretical RF */
    FV_RULE_DENSITY,        /**< FaceBoxes: tiling density anchor / step below 4 */
    FV_RULE_SCALE_GAP,      /**< object sizes between two layers' anchors that no anchor matches */
    FV_RULE_SCALE_OVERLAP,  /**< two layers' anchor ranges overlap */
    FV_RULE_OBJECTS,        /**< an asked-for object range the detection layers cannot serve */
    FV_RULE_ANCHOR_ERF,     /**< S3FD: anchors far from the effective RF of their layer */
    FV_RULE_COUNT
} fv_rule;

/** The rule's stable lower-case name ("capacity", "step", ...); "?" when out of range. */
const char *fv_rule_name(fv_rule rule);

/** Most numbers a finding carries. */
#define FV_FINDING_NUMBERS 6

/** One thing a design check found: what, where, the numbers, and what to do. */
typedef struct fv_finding {
    fv_severity severity;
    fv_rule rule;
    int32_t node;         /**< the layer it is about, or -1 for the whole network */
    char what[320];       /**< what was found, numbers included */
    char advice[256];     /**< one sentence on what to do */
    size_t n_numbers;
    struct {
        const char *name; /**< static, snake_case */
        double value;
    } numbers[FV_FINDING_NUMBERS];
} fv_finding;

/** What `fovea check` computes for a classifier or backbone. Opaque; create/free pair. */
typedef struct fv_check fv_check;

/** Options of fv_check_run; zero it for the defaults. */
typedef struct fv_check_options {
    int64_t input[FV_AXES]; /**< image size (height, width); 0 = the graph's */
    double min_capacity;    /**< capacity threshold; 0 = Cao's 1/6 */
} fv_check_options;

/** Per-layer numbers of the check. Image-relative fields are 0 without an input size. */
typedef struct fv_check_layer {
    int32_t node;
    int whole_input;              /**< global pool, FC: no RF number */
    int64_t rf[FV_AXES];          /**< largest RF over units */
    fv_rational path_min[FV_AXES];/**< smallest RF over paths (Richter's "minimum RF") */
    fv_rational path_max[FV_AXES];/**< largest RF over paths */
    double coverage[FV_AXES];     /**< rf / image size */
    double real_filter[FV_AXES];  /**< convs: dilated kernel x input stride; else 0 */
    double capacity[FV_AXES];     /**< real_filter / rf; 0 when not a conv */
    int border;                   /**< convs: a Richter border layer at this input size */
} fv_check_layer;

/**
 * The productive input-resolution range along one axis (Richter et al.).
 * A convolution is a border layer at resolution R when R <= its minimum RF
 * over paths and R <= each input's. Nodes are -1 when nothing qualifies.
 */
typedef struct fv_input_range {
    int64_t border_rf;      /**< largest min-RF of a conv and its inputs: border at R <= this */
    int32_t border_node;
    int64_t kernel_fit;     /**< largest kernel x input stride (a kernel wider than its map) */
    int32_t kernel_node;
    int64_t lower;          /**< smallest productive resolution: max(border_rf + 1, kernel_fit) */
    int64_t upper;          /**< largest RF over paths: beyond it no layer sees the whole image */
    int32_t upper_node;
} fv_input_range;

/**
 * Runs every design check on the graph. Fails only on bad input (a graph
 * whose RF cannot be computed) or memory; a map that shrinks to nothing at
 * the given size is a finding, not a failure. The caller frees *check.
 */
fv_status fv_check_run(const fv_graph *graph, const fv_check_options *options,
                       fv_check **check, fv_diag *diag);

/** Frees a result. fv_check_free(NULL) does nothing. */
void fv_check_free(fv_check *check);

/** The input size the checks used (0, 0 when none was known). */
void fv_check_input(const fv_check *check, int64_t hw[FV_AXES]);

/** Layers in graph order; none when the RF could not be computed at this size. */
size_t fv_check_n_layers(const fv_check *check);
const fv_check_layer *fv_check_layer_at(const fv_check *check, size_t k);

/** The productive range along `axis`. Fails (returns 0) when the graph has no spatial layer. */
int fv_check_range(const fv_check *check, int axis, fv_input_range *range);

/** Findings, most severe first, in graph order within a severity. Live as long as the result. */
size_t fv_check_n_findings(const fv_check *check);
const fv_finding *fv_check_finding(const fv_check *check, size_t k);

/** Writes the check as a table, JSON or Markdown (CSV writes the per-layer rows). */
fv_status fv_report_check(const fv_graph *graph, const fv_check *check, fv_format format,
                          FILE *out, fv_diag *diag);

/** What `fovea anchors` computes for a detector. Opaque; create/free pair. */
typedef struct fv_anchors fv_anchors;

/** Options of fv_anchors_run; zero it for the defaults. */
typedef struct fv_anchors_options {
    int64_t input[FV_AXES]; /**< image size (height, width); 0 = the graph's */
    const fv_head *heads;   /**< n_heads > 0: analyse these instead of the graph's heads */
    size_t n_heads;
    double objects_min;     /**< > 0: plan anchors for objects of this size ... */
    double objects_max;     /**< ... up to this one (pixels of the input) */
    /** Non-NULL: the ERF of each predicting unit (the centre unit of its
     * map) through fv_erf_compute with these options. */
    const struct fv_erf_options *erf;
    /** Non-zero: compute it on a copy of the graph with one channel per
     * layer, Luo's setting for uniform weights (path counts, fast). */
    int erf_one_channel;
} fv_anchors_options;

/** One detection layer: its grid, its RF and its anchors, checked. */
typedef struct fv_anchor_layer {
    const fv_head *head;          /**< the head (a copy owned by the result) */
    int given;                    /**< the head came from the options, not the model */
    int32_t node;                 /**< the feature layer the anchors tile */
    int32_t predictor;            /**< the conv whose units predict the boxes, or `node` */
    fv_rational stride[FV_AXES];  /**< effective stride of `node` */
    double step[FV_AXES];         /**< the head's step, or the stride when it leaves it implicit */
    int64_t map_size[FV_AXES];    /**< 0 without an input size */
    int64_t trf[FV_AXES];         /**< the predictor's largest RF */
    double rf_centre[FV_AXES];    /**< centre of the predictor's unit 0 */
    double anchor_centre[FV_AXES];/**< offset * step: centre of cell 0's anchors */
    double centre_error[FV_AXES]; /**< largest |anchor centre - RF centre| over the map's cells */
    double scale_min, scale_max;  /**< anchor scales sqrt(w h) */
    double side_max;              /**< largest anchor side */
    double density_min;           /**< smallest scale / step over the anchors */
    double suggested;             /**< S3FD's anchor = 4 x stride */
    double erf_size;              /**< ERF: diameter of the disc holding half its mass
                                       (the FWHM of a Gaussian); 0 when not computed */
    double erf_sigma[FV_AXES];    /**< ERF standard deviation per axis; 0 when not computed */
} fv_anchor_layer;

/** A suggested anchor for --objects: which layer should carry it. */
typedef struct fv_anchor_plan {
    double anchor;                /**< anchor size in pixels */
    int32_t node;                 /**< the detection layer that should carry it, -1 if none can */
    double stride;                /**< that layer's stride */
    double density;               /**< anchor / stride there */
} fv_anchor_plan;

/**
 * Analyses the detection heads of the graph (or those in options) against
 * the RF of the layers they sit on. Without any head, an object range still
 * gives a plan over the backbone's stage ends (the last layer of each
 * effective stride). Fails with FV_ERR_USAGE when there is neither a head
 * nor an object range, FV_ERR_SEMANTIC when a head's layer is whole-input,
 * and with the RF computation's errors. The caller frees *anchors.
 */
fv_status fv_anchors_run(const fv_graph *graph, const fv_anchors_options *options,
                         fv_anchors **anchors, fv_diag *diag);

/** Frees a result. fv_anchors_free(NULL) does nothing. */
void fv_anchors_free(fv_anchors *anchors);

/** The input size used (0, 0 when none was known). */
void fv_anchors_input(const fv_anchors *anchors, int64_t hw[FV_AXES]);

/** Detection layers, in the order of the heads. */
size_t fv_anchors_n_layers(const fv_anchors *anchors);
const fv_anchor_layer *fv_anchors_layer(const fv_anchors *anchors, size_t k);

/** The --objects plan, smallest anchor first (empty without objects_min/max). */
size_t fv_anchors_n_plan(const fv_anchors *anchors);
const fv_anchor_plan *fv_anchors_plan(const fv_anchors *anchors, size_t k);

/** Findings, most severe first. */
size_t fv_anchors_n_findings(const fv_anchors *anchors);
const fv_finding *fv_anchors_finding(const fv_anchors *anchors, size_t k);

/** Writes the anchor analysis as a table, JSON or Markdown. */
fv_status fv_report_anchors(const fv_graph *graph, const fv_anchors *anchors, fv_format format,
                            FILE *out, fv_diag *diag);

/* ---------------------------------------------------------------- pictures */

/** The SVG charts fovea draws (`fovea svg --chart NAME`). */
typedef enum fv_chart {
    FV_CHART_RF,      /**< "rf": RF size and effective stride per layer, log scale */
    FV_CHART_DIAGRAM, /**< "diagram": units of a chain of layers and what one top unit sees */
    FV_CHART_ANCHORS, /**< "anchors": each head's anchors over its layer's RF, at true scale */
    FV_CHART_COUNT
} fv_chart;

/** The chart named "rf", "diagram" or "anchors"; FV_CHART_COUNT when unknown. */
fv_chart fv_chart_from_name(const char *name);

/** Most layers the diagram draws; deeper chains are refused as unreadable. */
#define FV_DIAGRAM_MAX_LAYERS 8

/**
 * Writes `chart` as a standalone SVG document. `node` is the top layer of
 * the diagram (-1: the last node); the other charts ignore it. The diagram
 * fails with FV_ERR_UNSUPPORTED when the layers up to `node` are not a chain
 * of convolutions and pools, or number more than FV_DIAGRAM_MAX_LAYERS, or
 * see too many pixels to draw one by one; the anchors chart fails with
 * FV_ERR_USAGE without an input size or detection heads. Nothing is written
 * on failure. Every name from the model is escaped.
 */
fv_status fv_report_svg(const fv_graph *graph, const fv_trf *trf, fv_chart chart, int32_t node,
                        FILE *out, fv_diag *diag);

/**
 * Writes the graph in Graphviz DOT: every node with its op, RF and
 * effective stride; merges marked aligned or misaligned; nodes coloured by
 * how their RF compares with the input image when its size is known.
 */
fv_status fv_report_dot(const fv_graph *graph, const fv_trf *trf, FILE *out, fv_diag *diag);

/**
 * Writes one self-contained HTML page (inline CSS and SVG, no scripts, no
 * external resources): a summary, the charts and the per-layer table.
 */
fv_status fv_report_html(const fv_graph *graph, const fv_trf *trf, FILE *out, fv_diag *diag);

/** Presentation options of the table writers. Zero it for plain text. */
typedef struct fv_report_options {
    int color; /**< table format: ANSI colours for headers, misalignment, RF beyond the image */
} fv_report_options;

/** fv_report_check and fv_report_anchors with presentation options: in the
 * table format, colour marks severities, border layers, coverage over 100%
 * and steps that differ from the stride. `options` NULL means plain. */
fv_status fv_report_check_ex(const fv_graph *graph, const fv_check *check, fv_format format,
                             const fv_report_options *options, FILE *out, fv_diag *diag);
fv_status fv_report_anchors_ex(const fv_graph *graph, const fv_anchors *anchors, fv_format format,
                               const fv_report_options *options, FILE *out, fv_diag *diag);

/** fv_report_rf with presentation options; `options` NULL means plain. */
fv_status fv_report_rf_ex(const fv_graph *graph, const fv_trf *trf, const int32_t *nodes,
                          size_t n_nodes, fv_format format, const fv_report_options *options,
                          FILE *out, fv_diag *diag);
/* ---------------------------------------------- effective receptive field */

/** Where the ERF engine's weights come from. */
typedef enum fv_erf_weights {
    FV_ERF_UNIFORM, /**< every weight 1, biases 0, batch norm identity: path counts */
    FV_ERF_RANDOM,  /**< He-normal (std sqrt(2 / fan_in)), biases 0, batch norm identity */
    FV_ERF_MODEL    /**< the model's own (a graph loaded with keep_weights) */
} fv_erf_weights;

/** What each sample feeds the network. */
typedef enum fv_erf_input {
    FV_ERF_NOISE,  /**< uniform in [0, 1), then (v - mean) / std */
    FV_ERF_NORMAL, /**< standard normal */
    FV_ERF_ONES,   /**< every pixel 1 */
    FV_ERF_IMAGES, /**< JPEG/PNG files of a folder, bilinear-resized, (v/255 - mean) / std */
    FV_ERF_TENSOR  /**< the caller's images: `tensor`, as given (no mean/std) */
} fv_erf_input;

/** How the samples' input gradients are combined (over channels, then averaged). */
typedef enum fv_erf_aggregate {
    FV_ERF_ABS,    /**< |gradient| (Luo et al.) */
    FV_ERF_RELU,   /**< max(gradient, 0) (RepLKNet) */
    FV_ERF_SIGNED  /**< the gradient itself */
} fv_erf_aggregate;

/** The element type the engine computes in. Inputs and weights are the
 * same float32 numbers in both; only the arithmetic differs. */
typedef enum fv_erf_precision {
    FV_ERF_FLOAT32, /**< oneDNN's convolutions and float32 kernels: about twice as
                         fast, but a ReLU or max pool near a tie is decided by a
                         rounding error (1e-3 of ResNet-50's map at 1024x1024) */
    FV_ERF_FLOAT64  /**< plain-C float64 kernels: maps free of float32 rounding */
} fv_erf_precision;

/** Options of fv_erf_compute; fv_erf_options_init sets the defaults given here. */
typedef struct fv_erf_options {
    fv_erf_weights weights;     /**< FV_ERF_UNIFORM */
    uint64_t seed;              /**< 0: seeds noise and random weights */
    int redraw;                 /**< 0: random weights drawn once; 1: per sample */
    int64_t samples;            /**< 1 */
    fv_erf_input input;         /**< FV_ERF_NOISE */
    const char *images;         /**< the folder for FV_ERF_IMAGES */
    const float *tensor;        /**< FV_ERF_TENSOR: tensor_count images, each
                                     channels x height x width (NCHW), cycled */
    int64_t tensor_count;
    double mean[3], std[3];     /**< 0 and 1: per input channel (the last repeats) */
    fv_erf_aggregate aggregate; /**< FV_ERF_ABS */
    int linear;                 /**< 1: activations become identity (max pool stays) */
    int64_t channel;            /**< -1: the unit summed over channels; else that channel */
    int has_unit;               /**< 0: the centre unit ((h-1)/2, (w-1)/2) */
    int64_t unit[FV_AXES];
    int64_t input_size[FV_AXES];/**< 0: the graph's, else the chosen layer's TRF size */
    int threads;                /**< 0: oneDNN's default */
    uint64_t max_memory;        /**< bytes; 0: no limit */
    int whole_maps;             /**< 1: run every node on its whole map (to check the cone) */
    fv_erf_precision precision; /**< FV_ERF_FLOAT64 */
    /** Called after each sample when not NULL. */
    void (*progress)(void *context, int64_t done, int64_t total);
    void *progress_context;
} fv_erf_options;

/** Fills *options with the defaults. */
void fv_erf_options_init(fv_erf_options *options);

/** An ERF map and what it was computed for. Opaque; create/free pair. */
typedef struct fv_erf_result fv_erf_result;

/**
 * The effective receptive field of one unit of `node`: the gradient of the
 * unit (summed over channels, or one channel) with respect to every input
 * pixel, combined over channels by options->aggregate and averaged over the
 * samples. Only the unit's cone is computed: each node runs on the window
 * of its map that the unit depends on. Channels the graph leaves unknown
 * count as 1. FV_ERR_UNSUPPORTED names the node of an op the engine has no
 * kernel for; FV_ERR_LIMIT when the estimated memory exceeds max_memory.
 * On success the caller owns *result (fv_erf_free).
 */
fv_status fv_erf_compute(const fv_graph *graph, int32_t node, const fv_erf_options *options,
                         fv_erf_result **result, fv_diag *diag);

/** Frees a result. fv_erf_free(NULL) does nothing. */
void fv_erf_free(fv_erf_result *result);

/**
 * The map over the cone's input window: h x w values, row-major, where
 * value (i, j) belongs to input pixel (y0 + i, x0 + j). Every pixel outside
 * the window has gradient exactly 0. Lives as long as the result.
 */
const double *fv_erf_map(const fv_erf_result *result, int64_t *h, int64_t *w, int64_t *y0,
                         int64_t *x0);

/** Input size (height, width), the unit, and the node of the result. */
void fv_erf_input_size(const fv_erf_result *result, int64_t hw[FV_AXES]);
void fv_erf_unit(const fv_erf_result *result, int64_t yx[FV_AXES]);
int32_t fv_erf_node(const fv_erf_result *result);

/** Places the map on the whole input image: `image` holds height x width
 * values and is zero outside the cone. */
void fv_erf_full_map(const fv_erf_result *result, double *image);

/** The engine's memory estimate in bytes (what max_memory was compared with). */
uint64_t fv_erf_memory(const fv_erf_result *result);

/** Floating-point operations of the convolutions per sample, forward and
 * backward-data over the cone's windows (2 per multiply-add). */
uint64_t fv_erf_flops(const fv_erf_result *result);

/** The element type the result was computed in. */
fv_erf_precision fv_erf_result_precision(const fv_erf_result *result);

/** Seconds fv_erf_compute spent preparing (planning, weights, kernel
 * plans) and running the samples, by the monotonic clock, and the CPU
 * seconds of the whole process (every thread) during the samples. Any
 * pointer may be NULL. */
void fv_erf_seconds(const fv_erf_result *result, double *setup, double *samples,
                    double *samples_cpu);

/** Metrics of an ERF map (docs/erf.md gives every definition). Distances
 * in input pixels; radii measured from the centre of mass. */
typedef struct fv_erf_metrics {
    double mass;                 /**< sum of the map */
    double centre[FV_AXES];      /**< centre of mass (y, x) */
    double sigma[FV_AXES];       /**< standard deviation from second moments */
    double radius[4];            /**< radius holding 50, 90, 95, 99% of the mass */
    /* RepLKNet's high-contribution area ratio over the full image, on the
     * log10(x + 1) map divided by its max: centred square side and ratio */
    int64_t square_side[4];      /**< at t = 0.2, 0.3, 0.5, 0.99; 0 when never reached */
    double area_ratio[4];
    /* against the theoretical RF of the unit (clipped to the image) */
    int64_t trf_first[FV_AXES], trf_last[FV_AXES];
    double sigma_area_ratio;     /**< (2 sigma_y)(2 sigma_x) * pi / TRF area: 2-sigma ellipse */
    double radius95_ratio;       /**< 2 * radius[95%] / TRF size (the larger side) */
    int whole_input;             /**< the TRF is the whole input; ratios are against it */
} fv_erf_metrics;

/** Computes the metrics of a result (map with negative values: mass and
 * moments use |value|). `graph` is the result's graph. */
fv_status fv_erf_metrics_compute(const fv_graph *graph, const fv_erf_result *result,
                                 fv_erf_metrics *metrics, fv_diag *diag);

/**
 * Writes an ERF result and its metrics: the unit, the cone's window, the
 * TRF box, centre of mass, sigmas, radii, RepLKNet's area ratios and the
 * ERF/TRF ratios. table and md: one quantity per row; csv likewise; json:
 * one object.
 */
fv_status fv_report_erf(const fv_graph *graph, const fv_erf_result *result,
                        const fv_erf_metrics *metrics, fv_format format, FILE *out,
                        fv_diag *diag);

/** Writes the map over the cone's window, one row per line (integers
 * when every value is whole, as path counts are). */
void fv_report_erf_grid(const fv_erf_result *result, FILE *out);

/** Writes the 1-D profiles over the whole image as CSV: axis (y or x),
 * pixel, and the sum of the map along the other axis. */
void fv_report_erf_profiles(const fv_erf_result *result, FILE *out);

/**
 * Writes the map over the whole input image as a PNG heatmap (viridis,
 * linear or, with log_scale, log10(1 + 1000 v / max) / 3), with the TRF
 * box (white) and the 1- and 2-sigma ellipses around the centre of mass
 * (red, orange). Images smaller than 256 pixels a side are enlarged by an
 * integer factor. FV_ERR_IO when the file cannot be written.
 */
fv_status fv_report_erf_png(const fv_erf_result *result, const fv_erf_metrics *metrics,
                            const char *path, int log_scale, fv_diag *diag);
/* -------------------------------------------------- pooling output rounding */

/**
 * Values of fv_window.ceil_mode. Rounding up can leave a last window that
 * starts past the image and its left padding (at or beyond in + pad_begin);
 * frameworks differ on whether that window exists.
 */
typedef enum fv_ceil_rule {
    FV_CEIL_OFF = 0,   /**< out = floor((in + pads - extent) / stride) + 1 */
    FV_CEIL_ON = 1,    /**< rounded up, the window past the image dropped (PyTorch, ONNX) */
    FV_CEIL_CAFFE = 2  /**< rounded up, the window past the image dropped only when the
                            layer pads on some axis (Caffe's PoolingLayer) */
} fv_ceil_rule;

/* ------------------------------------------------- the report with ERFs */

/** What the HTML report adds beyond the TRF. Zero it for the defaults (no ERF). */
typedef struct fv_html_options {
    const int32_t *erf_nodes;  /**< layers whose ERF heatmaps the page shows (their centre unit) */
    size_t n_erf_nodes;
    const fv_erf_options *erf; /**< how to compute them; NULL: uniform weights, linear,
                                    one sample, at most 2 GiB each */
    int erf_anchors;           /**< draw each detection layer's ERF (random weights,
                                    linear) on the anchors chart */
} fv_html_options;

/**
 * fv_report_html with options. An ERF that cannot be computed (an op the
 * engine has no kernel for, the memory limit) is said on the page instead
 * of failing it.
 */
fv_status fv_report_html_ex(const fv_graph *graph, const fv_trf *trf,
                            const fv_html_options *options, FILE *out, fv_diag *diag);

#ifdef __cplusplus
}
#endif

#endif /* FOVEA_H */
