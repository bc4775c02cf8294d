#!/bin/sh
# fovea report in a real browser: headless Chromium (Debian's chromium)
# opens the page of a zoo model and of the SSD300 prototxt (which has
# detection heads), and the test checks that
#   - the browser logged no console message: the page has no scripts, and its
#     Content-Security-Policy (nothing but inline CSS and data: images) turns
#     any attempt to load a resource into a console error; a control page
#     with one external image proves that such an error is caught;
#   - the dumped DOM holds every chart and every table row;
#   - the screenshot shows the charts: enough pixels in their colours.
# Exits 77 (skipped) when chromium is not installed.
FOVEA=$1 SRC=$2 PROBE=$3
. "$SRC/tests/cli/lib.inc"
if ! command -v chromium >/dev/null 2>&1; then
  echo "chromium is not installed: skipped"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# browse PAGE SHOT: the DOM on stdout, the browser's log in $tmp/log.
browse() {
  profile=$(mktemp -d "$tmp/profile.XXXXXX")
  timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --enable-logging=stderr --v=0 --hide-scrollbars \
    --window-size=1280,2000 --screenshot="$2" --dump-dom "file://$1" 2>"$tmp/log"
}

count() { grep -o "$1" "$2" | wc -l | tr -d ' '; }

# page NAME MODEL ARGS...: writes the report and opens it.
page() {
  name=$1
  shift
  status "$name: fovea report" 0 "$FOVEA" report "$@" -o "$tmp/$name.html"
  check "$name: no script and no URL but the SVG namespace" "" \
    "$(grep -o -i -e '<script' -e 'https\?://[^"]*' "$tmp/$name.html" | grep -v '^http://www.w3.org/2000/svg$')"
  browse "$tmp/$name.html" "$tmp/$name.png" >"$tmp/$name.dom"
  check "$name: chromium exit status" 0 "$?"
  check "$name: console messages" "" "$(grep ':CONSOLE' "$tmp/log")"
  check "$name: page parsed to its end" 1 "$(count '<footer>' "$tmp/$name.dom")"
}

# Colours of the charts (src/reports/markup.h): the longest path, the side
# branches, and the red of the image-size line, the top unit and its RF.
MAIN=1f6fb4 SIDE=e8780c RED=c62828

page resnet50 zoo:resnet50 --input 224 --erf maxpool
# In the section of every layer, one table row per node plus the header row;
# `fovea rf --format csv` has one line per node plus its header.
sed -n '/<section id="layers"/,$p' "$tmp/resnet50.dom" >"$tmp/layers.dom"
check "resnet50: table rows" "$("$FOVEA" rf zoo:resnet50 --input 224 --format csv | wc -l | tr -d ' ')" \
  "$(count '<tr' "$tmp/layers.dom")"
# The RF chart and the unit diagram (no heads, so no anchors chart).
check "resnet50: charts in the DOM" 2 "$(count '<svg' "$tmp/resnet50.dom")"
# The ERF heatmap of --erf maxpool: a PNG inside the page, which the
# Content-Security-Policy allows (img-src data:) and the browser decoded.
check "resnet50: ERF image in the DOM" 1 "$(count '<img[^>]*src="data:image/png;base64,' "$tmp/resnet50.dom")"
set -- $("$PROBE" "$tmp/resnet50.png" $MAIN $SIDE $RED) # width height main side red
check "resnet50: screenshot size" "1280 2000" "$1 $2"
# Lower bounds well below what the charts draw (12000, 65 and 2500 pixels
# when this test was written) and well above the same page with its SVGs
# cut out (554 from the blue navigation links, 0, 0): the
# 2.5 px longest-path line across the RF and stride panels and the diagram's
# filled units; the orange projection shortcuts; the image line and the
# diagram's top unit and bracket.
check "resnet50: longest-path colour drawn" yes "$([ "$3" -ge 3000 ] && echo yes || echo "no ($3 px)")"
check "resnet50: side-branch colour drawn" yes "$([ "$4" -ge 30 ] && echo yes || echo "no ($4 px)")"
check "resnet50: red marks drawn" yes "$([ "$5" -ge 500 ] && echo yes || echo "no ($5 px)")"

page ssd300 "$SRC/tests/data/caffe/ssd300_vgg16_voc_deploy.prototxt"
# RF chart, diagram and the anchors of the six PriorBox heads.
check "ssd300: charts in the DOM" 3 "$(count '<svg' "$tmp/ssd300.dom")"
check "ssd300: anchor panels" 6 "$(count '(priorbox)</text>' "$tmp/ssd300.dom")"

# The control: the same page with one external image must log a console
# error, or the console check above proves nothing.
sed 's|<main>|<main><img src="http://example.invalid/x.png" alt="">|' "$tmp/resnet50.html" >"$tmp/control.html"
browse "$tmp/control.html" "$tmp/control.png" >/dev/null
check "control: the blocked image is reported" 1 \
  "$(grep ':CONSOLE' "$tmp/log" | grep -c 'Content Security Policy')"
finish
