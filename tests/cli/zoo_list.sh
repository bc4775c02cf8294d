#!/bin/sh
# fovea zoo lists every network issue 3 asks for, each with a description
# and, in parentheses, where its numbers come from.
FOVEA=$1
. "$2/tests/cli/lib.inc"

list=$("$FOVEA" zoo)
for name in alexnet_v2 vgg_16 mobilenet_v1 resnet_v1_50 resnet_v1_101 resnet_v1_152 \
    resnet_v1_200 inception_v2 inception_v3 inception_v4 inception_resnet_v2 \
    resnet18 resnet34 resnet50 resnet101 resnet152 vgg11 vgg16 vgg19 alexnet \
    mobilenet_v2 densenet121 ssd300 s3fd faceboxes yolov2 yolov3 faster_rcnn \
    luo_5 luo_10 luo_20 luo_40; do
  line=$(printf '%s\n' "$list" | grep "^$name ")
  check "zoo lists $name with a description and a source" "yes" \
    "$(printf '%s' "$line" | grep -q "^$name  *[^ ].* (.*[^ ].*)$" && echo yes)"
done
finish
