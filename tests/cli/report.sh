#!/bin/sh
# fovea report without a browser (tests/browser renders it in Chromium):
# the page is self-contained, has its sections, escapes names, and its
# summary states the numbers of the model.
FOVEA=$1
. "$2/tests/cli/lib.inc"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
count() { grep -o -e "$1" "$2" | wc -l | tr -d ' '; }

status "report of resnet50" 0 "$FOVEA" report zoo:resnet50 --input 224 -o "$tmp/r50.html"
page=$tmp/r50.html
check "no script, no URL but the SVG namespace" "" \
  "$(grep -o -i -e '<script' -e 'https\?://[^"]*' "$page" | grep -v '^http://www.w3.org/2000/svg$')"
check "content security policy" 1 "$(count "default-src 'none'; style-src 'unsafe-inline'; img-src data:" "$page")"
check "print styles" 1 "$(count '@media print' "$page")"
check "sections" "summary rf diagram checks layers" "$(grep -o '<section id="[a-z]*"' "$page" | cut -d'"' -f2 | tr '\n' ' ' | sed 's/ $//')"
# torchvision ResNet-50's last stage sees 427 pixels (REFERENCE.md s2), 1.91
# times a 224 image; its stride is 32.
check "top RF" 1 "$(count '<div class="v">427 px</div>' "$page")"
check "top RF against the image" 1 "$(count '1.91× the image' "$page")"
check "stride" 1 "$(count '<div class="k">effective stride</div><div class="v">32</div>' "$page")"
# One table row per node, as in `fovea rf --format csv` (its header aside).
rows=$("$FOVEA" rf zoo:resnet50 --input 224 --format csv | wc -l)
sed -n '/<section id="layers"/,$p' "$page" >"$tmp/layers"
check "table rows" "$((rows - 1))" "$(count '^<tr' "$tmp/layers")"

# The seed draws its whole chain as the diagram; SSD300 adds its anchors.
status "report of the seed" 0 "$FOVEA" report zoo:seed -o "$tmp/seed.html"
check "seed: diagram of conv3" 1 "$(count '<title>What one unit of conv3 sees: 3 layers' "$tmp/seed.html")"
status "report of ssd300" 0 "$FOVEA" report "$2/tests/data/caffe/ssd300_vgg16_voc_deploy.prototxt" -o "$tmp/ssd.html"
check "ssd300: anchors section" 1 "$(count '<section id="anchors">' "$tmp/ssd.html")"
# fovea anchors on SSD300 reports the steps 100 and 300 of conv8_2 and conv9_2
# against their stride 64 (REFERENCE.md s3): two step findings in the page.
check "ssd300: step findings" 2 "$(count '<td>step</td>' "$tmp/ssd.html")"
# ResNet-50's productive input range is 96 to 427 (REFERENCE.md s6, rfa_toolbox).
check "resnet50: productive range" 1 "$(count '<strong>96 to 427</strong>' "$page")"
# A graph whose first layer is an upsample has no diagram: the page says why.
status "report with no diagram" 0 "$FOVEA" report -e "resize f=2; conv k=3" -o "$tmp/up.html"
check "no diagram, and why" 1 "$(count 'No diagram: resize_1: the diagram draws convolutions and pools, not resize' "$tmp/up.html")"

# Names are escaped in the page as in the charts.
printf '%s\n' 'layer { name: "data" type: "Input" top: "data" input_param { shape: { dim: 1 dim: 3 dim: 32 dim: 32 } } }' \
  'layer { name: "<img src=x onerror=alert(1)>" type: "Convolution" bottom: "data" top: "c1" convolution_param { num_output: 8 kernel_size: 3 } }' >"$tmp/hostile.prototxt"
"$FOVEA" report "$tmp/hostile.prototxt" -o "$tmp/hostile.html"
check "hostile name: no raw tag" 0 "$(count '<img' "$tmp/hostile.html")"
check "hostile name: escaped in table, charts and tooltips" yes \
  "$([ "$(count '&lt;img src=x onerror=alert(1)&gt;' "$tmp/hostile.html")" -ge 3 ] && echo yes)"

# What the frontend assumed is in the page too (an unknown op taken as identity).
status "report with an assumed op" 0 "$FOVEA" report "$2/tests/errors/onnx/unknown_op.onnx" --unknown=identity -o "$tmp/unknown.html"
check "load warnings listed" 1 "$(count "<li>node 1 &#39;warp&#39; (GridSample): unknown operator, assumed to be identity</li>" "$tmp/unknown.html")"

# --erf: the seed's conv3 with uniform weights and no activations. Its ERF
# is a sum of independent taps (REFERENCE.md s4): sigma^2 = sum (d_l J_l)^2
# Var(w_l) = (1 + 4 + 1) * (3^2 - 1)/12 = 4 for dilations 1, 2, 1, so sigma 2
# pixels on each axis, inside the 9-pixel TRF; the heatmap is a PNG in the page.
status "report with an ERF" 0 "$FOVEA" report zoo:seed --erf conv3 -o "$tmp/erf.html"
check "ERF numbers" 1 "$(count 'TRF 9 &times; 9 px; ERF &sigma; 2.0 &times; 2.0 px' "$tmp/erf.html")"
check "ERF heatmap inside the page" 1 "$(count '<img width="[0-9]*" height="[0-9]*" alt="ERF of conv3" src="data:image/png;base64,' "$tmp/erf.html")"
# Instance norm's gradient reaches the whole 64x64 image, past the 5x5 TRF:
# the heatmap shows all of it (64 px enlarged 4 times), not the TRF's 9 px.
status "report with an instance norm ERF" 0 "$FOVEA" report -e "input size=64 c=2; conv k=3 p=1 c=3; instance_norm; conv k=3 p=1" \
  --erf conv_3 --erf-weights random -o "$tmp/inorm.html"
check "instance norm heatmap is the image" 1 "$(count '<img width="256" height="256" alt="ERF of conv_3"' "$tmp/inorm.html")"
status "--erf with an unknown layer" 2 "$FOVEA" report zoo:seed --erf nope -o "$tmp/x.html"
status "--erf-weights without --erf" 2 "$FOVEA" report zoo:seed --erf-weights random -o "$tmp/x.html"
status "--erf-weights unknown" 2 "$FOVEA" report zoo:seed --erf conv3 --erf-weights ones -o "$tmp/x.html"
# An op the ERF engine refuses is said on the page; the page is still written.
status "report with a refused ERF" 0 "$FOVEA" report -e "input size=16; conv k=3; gap; fc c=10" --erf fully_connected_3 -o "$tmp/fc.html"
check "refused ERF said on the page" 1 "$(count 'No ERF: fully_connected_3: the ERF engine has no kernel for fully_connected' "$tmp/fc.html")"

# --erf-anchors: the ERF of each head's layer (one head here) drawn on the
# anchors chart as a dashed 2-sigma ellipse.
"$FOVEA" report -e "input size=32; a: conv k=3 p=1; b: conv k=3 s=2 p=1; head on=b kind=yolo anchors=6x6,10x10" --erf-anchors -o "$tmp/heads.html"
check "ERF ellipse on the anchors chart" 1 "$(count '<ellipse' "$tmp/heads.html")"

status "report without -o" 2 "$FOVEA" report zoo:seed
check "report without -o: message" "fovea report: error: give the page's file with -o FILE.html ('-' for stdout)" \
  "$("$FOVEA" report zoo:seed 2>&1)"
status "report to stdout" 0 "$FOVEA" report zoo:seed -o -
status "report of a missing file" 2 "$FOVEA" report /nonexistent.fv -o "$tmp/x.html"
check "no page for a missing model" no "$([ -e "$tmp/x.html" ] && echo yes || echo no)"
status "report help" 0 "$FOVEA" report --help
finish
