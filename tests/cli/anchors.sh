#!/bin/sh
# fovea anchors from the command line: heads from the file or from --layer,
# --objects, --strict and usage errors (numbers: tests/unit/test_anchors.c).
FOVEA=$1
. "$2/tests/cli/lib.inc"
SSD="$2/tests/data/caffe/ssd300_vgg16_voc_deploy.prototxt"

# SSD300's steps 100 and 300 on stride-64 maps (REFERENCE.md s3).
check "ssd300 step findings" "warning [step] conv8_2_relu
warning [step] conv9_2_relu" "$("$FOVEA" anchors "$SSD" --erf-weights none | grep '^warning \[step\]' | cut -d: -f1)"
status "ssd300 --strict" 1 "$FOVEA" anchors "$SSD" --strict --erf-weights none

# S3FD's first two layers from the command line: 4 x stride, TRF 48 and 108
# (S3FD Table 1, REFERENCE.md s3); nothing to warn about.
status "s3fd layers, --strict" 0 "$FOVEA" anchors zoo:s3fd --layer conv3_3_norm_mbox_conf --anchors 16 \
  --layer conv4_3_norm_mbox_conf --anchors 32 --strict --erf-weights none
check "s3fd csv rows" "conv3_3_norm_mbox_conf,4,4,48,16
conv4_3_norm_mbox_conf,8,8,108,32" "$("$FOVEA" anchors zoo:s3fd --layer conv3_3_norm_mbox_conf --anchors 16 \
  --layer conv4_3_norm_mbox_conf --anchors 32 --erf-weights none --format csv | tail -n +2 | cut -d, -f1,5,6,7,8)"

# --aspect expands each size as SSD does: 2 sizes x 2 ratios = 4 anchors.
check "aspect ratios" "16,32 1,2" "$("$FOVEA" anchors zoo:s3fd --layer conv3_3_norm_mbox_conf --anchors 16,32 \
  --aspect 1,2 --erf-weights none --format csv | tail -1 | awk -F, '{print $8 "," $9, $10 "," $11}' | tr -d '"')"

# --objects 16-512 on S3FD's six layers: one anchor per layer, 16 to 512.
check "objects plan" "16 conv3_3_norm_mbox_conf
512 conv7_2_mbox_conf" "$("$FOVEA" anchors zoo:s3fd --layer conv3_3_norm_mbox_conf --anchors 16 \
  --layer conv7_2_mbox_conf --anchors 512 --layer conv5_3_norm_mbox_conf --anchors 64 --objects 16-512 --erf-weights none |
  awk '/^anchors for the object range/ {p = 1; next} p && /^(16|512) / {print $1, $2}')"

# The ERF column (default: uniform weights, one channel, linear): a chain of
# five 3x3 convs has Luo's sigma sqrt(5 * 8 / 12) = 1.826 (REFERENCE.md s4);
# its half-mass diameter is the last column; with none there is no column.
check "erf column" "yes
4 x stride" "$("$FOVEA" anchors -e "input size=32; repeat 5 { conv k=3 p=1 c=8 }; last: identity" --layer last --anchors 4 \
  --format csv | tail -1 | awk -F, '{print ($NF > 0) ? "yes" : "no"}')
$("$FOVEA" anchors -e "input size=32; repeat 5 { conv k=3 p=1 c=8 }; last: identity" --layer last --anchors 4 \
  --erf-weights none --format csv | head -1 | awk -F, '{print $NF}')"
check "erf sigma in json" "1.826" "$("$FOVEA" anchors -e "input size=32; repeat 5 { conv k=3 p=1 c=8 }; last: identity" \
  --layer last --anchors 4 --format json | awk '/"sigma"/ {sub(/.*\[/, ""); printf "%.3f", $0 + 0; exit}')"
# FaceBoxes' CReLU negates conv1 and conv2 with a Power of scale -1, which
# the ERF engine runs: each of the three heads gets an ERF with the default
# uniform weights, and no finding says one is missing.
fb="$2/tests/data/caffe/faceboxes_deploy.prototxt"
check "FaceBoxes heads have ERFs" "yes yes yes" \
  "$("$FOVEA" anchors "$fb" --format csv | tail -n +2 | awk -F, '{printf "%s%s", (NR > 1) ? " " : "", ($NF > 0) ? "yes" : "no"}')"
check "FaceBoxes without 'no ERF'" 0 "$("$FOVEA" anchors "$fb" | grep -c 'no ERF')"
status "bad erf weights" 2 "$FOVEA" anchors zoo:s3fd --erf-weights ones
status "bad erf samples" 2 "$FOVEA" anchors zoo:s3fd --erf-samples 0

status "no heads" 2 "$FOVEA" anchors zoo:resnet50
status "anchors without layer" 2 "$FOVEA" anchors zoo:s3fd --anchors 16
status "unknown layer" 2 "$FOVEA" anchors zoo:s3fd --layer nosuch --anchors 16
status "bad sizes" 2 "$FOVEA" anchors zoo:s3fd --layer conv3_3 --anchors 16,x
status "bad objects" 2 "$FOVEA" anchors "$SSD" --objects 64-16
status "bad offset" 2 "$FOVEA" anchors zoo:s3fd --layer conv3_3 --anchors 16 --offset 2
check "no heads message" "fovea anchors: error: zoo:resnet50 declares no detection heads (Caffe PriorBox, Darknet [yolo] or [region]): give --layer NAME --anchors SIZES, or --objects MIN-MAX for a plan" \
  "$("$FOVEA" anchors zoo:resnet50 2>&1)"

finish
