#!/bin/sh
# fovea svg: the three charts, their refusals, and the escaping of names.
FOVEA=$1
. "$2/tests/cli/lib.inc"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
count() { printf '%s\n' "$2" | grep -o -e "$1" | wc -l | tr -d ' '; }

# The seed's diagram (Araujo et al., Distill 2019; REFERENCE.md s1): conv3
# (k=3) reads 3 units of conv2; conv2 (k=3, d=2) reads units j-2, j, j+2 of
# conv1 for each of those 3, which make 7 distinct units; conv1 (k=3) reads
# the 9 input pixels of the RF. Filled units: 3 + 7 + 9 = 19 below the top
# unit; one line per (seen unit, kernel tap): 1*3 + 3*3 + 7*3 = 33.
svg=$("$FOVEA" svg zoo:seed --chart diagram)
check "seed diagram: top unit" 1 "$(count 'fill="#c62828" stroke="#c62828"' "$svg")"
check "seed diagram: filled units" 19 "$(count 'fill="#1f6fb4" stroke="#1f6fb4"' "$svg")"
check "seed diagram: lines" 33 "$(count 'stroke-opacity="0.55"' "$svg")"
check "seed diagram: RF bracket" "receptive field: 9 input pixels (2..10)" \
  "$(printf '%s\n' "$svg" | grep -o 'receptive field: [^<]*')"
# A 2x2 stride-2 conv then a 3x3: the 3 units read sit 2 pixels apart, and
# the RF is 1 + (2-1)*1 + (3-1)*2 = 6 (REFERENCE.md s1); filled: 3 + 6.
svg=$("$FOVEA" svg -e "conv k=2 s=2; conv k=3" --chart diagram)
check "strided diagram: filled units" 9 "$(count 'fill="#1f6fb4" stroke="#1f6fb4"' "$svg")"
check "strided diagram: RF" "receptive field: 6 input pixels (2..7)" \
  "$(printf '%s\n' "$svg" | grep -o 'receptive field: [^<]*')"

# The RF chart: one point with a tooltip per layer that changes the RF (the
# seed has input and three convs) in each of the two panels.
svg=$("$FOVEA" svg zoo:seed)
check "rf chart: points" 8 "$(count '<circle[^>]*><title>' "$svg")"
check "rf chart: conv3's tooltip" 2 "$(count 'conv3 (conv): RF 9, stride 1' "$svg")"
check "rf chart: image line" "image 32 px" "$(printf '%s\n' "$svg" | grep -o 'image 32 px')"

# Refusals: exit 2, a message that says why, and no file left behind.
check "diagram: too deep" \
  "error: 'conv_9' is more than 8 convolution or pooling layers deep; the diagram stays readable up to 8 (choose a lower layer with --layer NAME)" \
  "$("$FOVEA" svg -e "conv k=3; conv k=3; conv k=3; conv k=3; conv k=3; conv k=3; conv k=3; conv k=3; conv k=3" --chart diagram -o "$tmp/deep.svg" 2>&1)"
check "diagram: refused file removed" no "$([ -e "$tmp/deep.svg" ] && echo yes || echo no)"
status "diagram: eight layers drawn" 0 "$FOVEA" svg --chart diagram \
  -e "conv k=3; conv k=3; conv k=3; conv k=3; conv k=3; conv k=3; conv k=3; conv k=3"
check "diagram: a merge" "<expr>:1:55: error: add_4: it merges 2 inputs, and the diagram draws a chain of layers; choose a layer below it (--layer NAME)
  a: conv k=3 p=1; b: conv k=3 p=1; c: conv k=1 from=a; add from=b,c
                                                        ^" \
  "$("$FOVEA" svg --chart diagram -e "a: conv k=3 p=1; b: conv k=3 p=1; c: conv k=1 from=a; add from=b,c" 2>&1)"
status "diagram below the merge" 0 "$FOVEA" svg --chart diagram --layer b \
  -e "a: conv k=3 p=1; b: conv k=3 p=1; c: conv k=1 from=a; add from=b,c"
check "diagram: an upsample" "<expr>:1:15: error: resize_2: the diagram draws convolutions and pools, not resize; choose a layer below it (--layer NAME)
  conv k=3 s=2; resize f=2; conv k=3
                ^" "$("$FOVEA" svg --chart diagram -e "conv k=3 s=2; resize f=2; conv k=3" 2>&1)"
# RF 1 + 10 + 10*4 + 10*16 = 211 (REFERENCE.md s1).
check "diagram: too wide" \
  "error: 'conv_3' sees 211 pixels across; the diagram draws at most 160 one by one (choose a lower layer with --layer NAME)" \
  "$("$FOVEA" svg --chart diagram -e "conv k=11 s=4; conv k=11 s=4; conv k=11" 2>&1)"
check "anchors without heads" "error: 'zoo:seed' declares no detection heads (Caffe PriorBox, Darknet [yolo] or [region] layers)" \
  "$("$FOVEA" svg zoo:seed --chart anchors 2>&1)"
check "anchors without a size" "error: the anchors chart needs an input size (--input HxW)" \
  "$("$FOVEA" svg --chart anchors -e "conv k=3" 2>&1)"
status "unknown chart" 2 "$FOVEA" svg zoo:seed --chart pie
status "--layer outside the diagram" 2 "$FOVEA" svg zoo:seed --layer conv1
status "unknown layer" 2 "$FOVEA" svg zoo:seed --chart diagram --layer nope
status "unwritable output" 2 "$FOVEA" svg zoo:seed -o /nonexistent/dir/x.svg
status "svg help" 0 "$FOVEA" svg --help

# The anchors of SSD300's six PriorBox heads (REFERENCE.md s3), one panel each.
svg=$("$FOVEA" svg "$2/tests/data/caffe/ssd300_vgg16_voc_deploy.prototxt" --chart anchors)
check "ssd300 anchors: panels" 6 "$(count '(priorbox)</text>' "$svg")"
check "ssd300 anchors: conv8_2's step 100 against stride 64" 1 \
  "$(count 'stride 64, step 100,' "$svg")"

# Names from a downloaded model cannot inject markup: '<', '&' and quotes
# become entities, and bytes that are not UTF-8 or are control characters
# become U+FFFD, so the document stays well formed.
{
  printf '%s\n' 'layer { name: "data" type: "Input" top: "data" input_param { shape: { dim: 1 dim: 3 dim: 32 dim: 32 } } }'
  printf '%s\n' 'layer { name: "<script>alert(1)</script>" type: "Convolution" bottom: "data" top: "c1" convolution_param { num_output: 8 kernel_size: 3 } }'
  printf 'layer { name: "a&b\\"q\047\377\001z" type: "Pooling" bottom: "c1" top: "p1" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }\n'
} >"$tmp/hostile.prototxt"
replaced=$(printf 'a&amp;b&quot;q&#39;\357\277\275\357\277\275z')
for chart in rf diagram; do
  svg=$("$FOVEA" svg "$tmp/hostile.prototxt" --chart $chart)
  check "hostile names ($chart): no raw tag" 0 "$(count '<script' "$svg")"
  check "hostile names ($chart): escaped" yes \
    "$(printf '%s\n' "$svg" | grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' && echo yes)"
  check "hostile names ($chart): bytes replaced" yes \
    "$(printf '%s\n' "$svg" | grep -q -F "$replaced" && echo yes)"
  if command -v xmllint >/dev/null 2>&1; then
    check "hostile names ($chart): well-formed XML" "" "$(printf '%s\n' "$svg" | xmllint --noout - 2>&1)"
  fi
done
finish
