#!/bin/sh
# fovea check from the command line: --strict exit statuses, the formats,
# and the findings' numbers (derivations in tests/unit/test_check.c).
FOVEA=$1
. "$2/tests/cli/lib.inc"

# Two padded 3x3 convs on 32x32: RF 5 inside the image, capacity 3/5 and 3/3
# above 1/6; only informational findings, so --strict passes.
status "clean net, --strict" 0 "$FOVEA" check -e "input size=32; conv k=3 p=1; conv k=3 p=1" --strict
# torchvision ResNet-50 at 224: Cao's top-RF condition (427 > 224) warns.
status "resnet50, --strict" 1 "$FOVEA" check zoo:resnet50 --input 224 --strict
status "resnet50 without --strict" 0 "$FOVEA" check zoo:resnet50 --input 224
# A map that shrinks to nothing is an error finding, not a load failure.
status "empty map, --strict" 1 "$FOVEA" check -e "input size=16; repeat 4 { conv k=3 s=2 }" --strict
status "bad format" 2 "$FOVEA" check zoo:seed --format xml
status "no model" 2 "$FOVEA" check

check "empty map finding" "error [map_size] repeat0.3.conv_4: at input 16x16 this layer's map cannot be formed: kernel extent 3 along y is larger than the padded input (1 + 0 + 0)
  -> the next input size that works is 31x31; use it, or remove downsampling so the maps keep a pixel" \
  "$("$FOVEA" check -e "input size=16; repeat 4 { conv k=3 s=2 }" | sed -n '/^error/,+1p')"

# rfa_toolbox's (96, 427) for torchvision ResNet-50 (REFERENCE.md s6).
check "resnet50 range in JSON" "96 427" \
  "$("$FOVEA" check zoo:resnet50 --format json | awk '/"input_range"/ {r = 1} r && /"lower"/ {gsub(/[^0-9]/, ""); lo = $0} r && /"upper"/ {gsub(/[^0-9]/, ""); print lo, $0; exit}')"

check "markdown findings table" "| severity | rule | layer | finding | what to do |" \
  "$("$FOVEA" check zoo:resnet50 --format markdown | grep '^| severity')"

finish
