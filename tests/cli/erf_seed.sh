#!/bin/sh
# fovea erf on the seed's examples (REFERENCE.md section 4): two stacked 3x3
# all-ones convs give the path counts 1 2 3 2 1 / 2 4 6 4 2 / 3 6 9 6 3 ...;
# ten 3x3 layers give sigma 2.5820 = sqrt(10 (3^2 - 1) / 12).
FOVEA=$1
. "$2/tests/cli/lib.inc"

check "path-count grid" "1 2 3 2 1
2 4 6 4 2
3 6 9 6 3
2 4 6 4 2
1 2 3 2 1" "$("$FOVEA" erf -e "conv k=3; conv k=3" --weights uniform --print-grid)"

# One channel of a two-channel layer: channel 1 of conv_2 reaches each of
# the 3 input channels through both channels of conv_1, so the middle row of
# the path counts, 3 6 9 6 3, is multiplied by 2 * 3 (and by 2 more when
# both output channels are summed).
check "one channel" "18 36 54 36 18" \
  "$("$FOVEA" erf -e "input c=3; conv k=3 c=2; conv k=3 c=2" --channel 1 --print-grid | sed -n 3p)"

check "sigma of ten 3x3 layers" "sigma                    2.5820,2.5820" \
  "$("$FOVEA" erf -e "input size=64; repeat 10 { conv k=3 p=1 }" | grep '^sigma')"

# A 100000x100000 image: only the 5x5 cone is ever held, metrics included.
# Two uniform 3x3 layers: variance 2 (3^2 - 1) / 12 = 4/3 (REFERENCE.md s4).
check "cone of a huge image" "sigma                    1.1547,1.1547" \
  "$("$FOVEA" erf -e "input size=100000; conv k=3; conv k=3" --weights uniform | grep '^sigma')"

# The profiles: column sums of the 5x5 grid are 9 * (1 2 3 2 1).
check "all channels" "36 72 108 72 36" \
  "$("$FOVEA" erf -e "input c=3; conv k=3 c=2; conv k=3 c=2" --channel all --print-grid | sed -n 3p)"

check "csv profiles" "axis,pixel,sum
y,0,9
y,1,18
y,2,27
y,3,18
y,4,9" "$("$FOVEA" erf -e "conv k=3; conv k=3" --csv /dev/stdout --print-grid >/dev/null; \
            "$FOVEA" erf -e "conv k=3; conv k=3" --csv /dev/stdout --format json | sed -n 1,6p)"

status "png written" 0 "$FOVEA" erf -e "input size=32; conv k=3 p=1; relu; conv k=3 p=1" \
  --weights random --samples 3 --png "${TMPDIR:-/tmp}/fovea_erf_$$.png" --log
rm -f "${TMPDIR:-/tmp}/fovea_erf_$$.png"

# Instance norm's statistics see the whole map: the cone is the image, the
# TRF box the conv's 5x5, and the PNG shows the whole image.
inorm="input size=16 c=2; conv k=3 p=1 c=3; instance_norm; conv k=3 p=1"
check "instance norm cone" "cone window              rows 0..15, columns 0..15
trf box                  rows 5..9, columns 5..9" \
  "$("$FOVEA" erf -e "$inorm" --weights random | grep '^cone window\|^trf box')"
status "instance norm png" 0 "$FOVEA" erf -e "$inorm" --weights random \
  --png "${TMPDIR:-/tmp}/fovea_erf_$$.png"
rm -f "${TMPDIR:-/tmp}/fovea_erf_$$.png"

status "random weights redrawn per sample" 0 "$FOVEA" erf -e "input size=16; conv k=3 p=1 c=4; relu; conv k=3 p=1" \
  --weights random --redraw --samples 3 --inputs normal --aggregate relu

# The same grid in float64, where the plain-C convolution runs.
check "path-count grid in float64" "1 2 3 2 1
2 4 6 4 2
3 6 9 6 3
2 4 6 4 2
1 2 3 2 1" "$("$FOVEA" erf -e "conv k=3; conv k=3" --weights uniform --precision float64 --print-grid)"

# Fifteen 3x3 convs of 64 channels: the centre unit of a 32x32 input never
# reaches the padding, so its 64 channels reach the input through exactly
# 64 (9 x 64)^15 = 1.63124e43 paths, past float32's 3.4e38: the engine
# carries exponents, so float32 counts them as float64 does; sigma^2 =
# 15 (3^2 - 1) / 12 = 10 (REFERENCE.md s4).
wide="input size=32 c=64; repeat 15 { conv k=3 p=1 c=64 }"
check "path counts past float32 in float64" "mass                     1.63124e+43
sigma                    3.1623,3.1623" \
  "$("$FOVEA" erf -e "$wide" --weights uniform --precision float64 | grep '^mass\|^sigma')"
# float32 sums of positive terms: 15 layers of 576 terms, each adding at
# most one unit roundoff (2^-24) per term to the relative error.
f32=$("$FOVEA" erf -e "$wide" --weights uniform)
check "path counts past float32 in float32: sigma" "sigma                    3.1623,3.1623" \
  "$(printf '%s\n' "$f32" | grep '^sigma')"
check "path counts past float32 in float32: mass" "within" \
  "$(printf '%s\n' "$f32" | awk '/^mass/ { e = 64 * 576 ^ 15; d = ($2 - e) / e;
     print (d < 0 ? -d : d) <= 15 * 576 / 2 ^ 24 ? "within" : "off by " d }')"
# 32 input channels times 32^203 channel paths = 2^1020 fit float64's
# 2^1024; 32 times 32^205 do not, in either precision.
check "path counts near float64's end" "mass                     1.12356e+307" \
  "$("$FOVEA" erf -e "input size=1 c=32; repeat 203 { conv k=1 c=32 }" | grep '^mass')"
check "path counts past float64" "error: the gradient of 'repeat0.204.conv_205' leaves the float64 range: uniform weights count paths, and this network has more than 1.8e308 of them (or feeds counts past the float32 range into an op other than a conv, pool, ReLU or merge); use random weights" \
  "$("$FOVEA" erf -e "input size=1 c=32; repeat 205 { conv k=1 c=32 }" --precision float32 2>&1)"
status "path counts past float64" 2 "$FOVEA" erf -e "input size=1 c=32; repeat 205 { conv k=1 c=32 }"

# Bad input: usage errors and engine refusals exit with status 2.
status "unknown precision" 2 "$FOVEA" erf -e "conv k=3" --precision half
status "unknown weights" 2 "$FOVEA" erf -e "conv k=3" --weights ones
status "unit outside the map" 2 "$FOVEA" erf -e "input size=8; conv k=3" --unit 9,0
status "channel outside the layer" 2 "$FOVEA" erf -e "conv k=3 c=2" --channel 2
status "redraw without random" 2 "$FOVEA" erf -e "conv k=3" --redraw
# 40 layers of 64 channels: the cone holds 40 windows of up to 81x81x64
# floats, twice (values and gradients), far above 1 MiB.
deep="input size=512 c=3; repeat 40 { conv k=3 p=1 c=64 }"
status "memory limit" 2 "$FOVEA" erf -e "$deep" --max-memory 1M
check "memory limit message" "error: the ERF of 'repeat0.39.conv_40' needs about 141.8 MiB, more than the limit of 1.0 MiB" \
  "$("$FOVEA" erf -e "$deep" --max-memory 1M --precision float32 2>&1)"
check "no kernel" "<expr>:1:16: error: fully_connected_3: the ERF engine has no kernel for fully_connected" \
  "$("$FOVEA" erf -e "conv k=3; gap; fc c=10" --input 8 2>&1 | head -1)"
# AlexNet's two LRNs (Caffe, across channels) lie in conv5's cone.
alexnet="$2/tests/data/caffe/bvlc_alexnet_deploy.prototxt"
status "AlexNet conv5 through its LRNs" 0 "$FOVEA" erf "$alexnet" --layer conv5 --weights random
check "AlexNet conv5 cone" "cone window              rows 32..194, columns 32..194" \
  "$("$FOVEA" erf "$alexnet" --layer conv5 --weights random | grep '^cone window')"
tmp="${TMPDIR:-/tmp}/fovea_erf_caffe_$$"
# against_dropout MODEL TYPE LAYER [OPTIONS]: "same" or "differ", the ERF
# maps of LAYER in MODEL and in MODEL with every layer of TYPE read as a
# Dropout (an identity).
against_dropout() {
  sed "s/type: \"$2\"/type: \"Dropout\"/" "$1" >"$tmp.prototxt"
  "$FOVEA" erf "$1" --layer "$3" "$4" "$5" --map "$tmp.a.f64" >/dev/null
  "$FOVEA" erf "$tmp.prototxt" --layer "$3" "$4" "$5" --map "$tmp.b.f64" >/dev/null
  cmp -s "$tmp.a.f64" "$tmp.b.f64" && echo same || echo differ
  rm -f "$tmp.prototxt" "$tmp.a.f64" "$tmp.b.f64"
}
# SSD300's conv4_3_norm, Caffe-SSD's L2 normalisation: its ERF runs with
# random weights, and is not the ERF of the same network with the
# Normalize read as a Dropout (an identity, as fovea once read it).
ssd="$2/tests/data/caffe/ssd300_vgg16_voc_deploy.prototxt"
status "SSD300 conv4_3_norm" 0 "$FOVEA" erf "$ssd" --layer conv4_3_norm --weights random
check "SSD300 conv4_3_norm against no Normalize" "differ" \
  "$(against_dropout "$ssd" Normalize conv4_3_norm --weights random)"
# With uniform weights every channel carries the same path counts, which
# L2 normalisation would make constant: it counts as the identity there,
# as batch norm does, and the map equals that of the Dropout version.
check "SSD300 conv4_3_norm, uniform weights: the identity" "same" \
  "$(against_dropout "$ssd" Normalize conv4_3_norm --weights uniform)"
# FaceBoxes' CReLU negates conv1 with a Power layer (power 1, scale -1):
# conv2's ERF runs through it, with random weights and uniform ones, and
# is not the ERF of the same network with the Power read as a Dropout
# (which concatenates conv1 to itself).
fb="$2/tests/data/caffe/faceboxes_deploy.prototxt"
status "FaceBoxes' Power runs" 0 "$FOVEA" erf "$fb" --layer conv2 --weights random
status "FaceBoxes' Power, uniform weights" 0 "$FOVEA" erf "$fb" --layer conv2
check "FaceBoxes conv2 against no Power" "differ" \
  "$(against_dropout "$fb" Power conv2 --weights random)"
raw="${TMPDIR:-/tmp}/fovea_erf_$$.f32"
printf 'ten bytes!' >"$raw" # not a whole number of 8x8 float32 images (256 bytes)
status "raw inputs of the wrong size" 2 "$FOVEA" erf -e "input size=8; conv k=3" --inputs "$raw"
rm -f "$raw"
status "no such image folder" 2 "$FOVEA" erf -e "input size=8; conv k=3" --inputs /nonexistent
status "model weights of a text model" 2 "$FOVEA" erf -e "conv k=3" --weights model

finish
