#!/bin/sh
# fovea dot: the graph in Graphviz DOT, and --render through Graphviz when
# it is installed (it is optional: those checks are left out without it).
FOVEA=$1
. "$2/tests/cli/lib.inc"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# By REFERENCE.md s1 on an 8x8 input: a (3x3, p1) RF 3, stride 1, P 1,
# centre 0; b (3x3 s2 p1 on a) RF 5, stride 2, P 2, centre -2 + 2 = 0;
# c (2x2 s2 on a) RF 4, stride 2, P 1, centre -1 + 3/2 = 1/2; their sum is
# misaligned by 1/2 (c's centre minus b's) and sees at most 5 pixels, fewer
# than the 8 of the image: green; the global pool sees the whole input: grey.
check "misaligned merge" 'digraph fovea {
  graph [rankdir=TB, fontname="Helvetica", fontsize=12, labelloc=t, label="<expr>, 8x8 input\ngreen: productive, RF inside the image; amber: the smallest RF covers the image; pink: border layer, predicted unproductive (Richter et al.); grey: sees the whole input; red outline: misaligned merge"];
  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, color="#8a96a3"];
  edge [color="#8a96a3", arrowsize=0.6];
  n0 [label="input\ninput\nRF 1, stride 1", fillcolor="#e3f2e5"];
  n1 [label="a\nconv k=3 p=1\nRF 3, stride 1", fillcolor="#e3f2e5"];
  n2 [label="b\nconv k=3 s=2 p=1\nRF 5, stride 2", fillcolor="#e3f2e5"];
  n3 [label="c\nconv k=2 s=2\nRF 4, stride 2", fillcolor="#e3f2e5"];
  n4 [label="add_4\nadd\nRF 5, stride 2\nmisaligned: c off by 1/2", fillcolor="#e3f2e5", color="#c62828", penwidth=2.5];
  n5 [label="gap\nglobal_avg_pool\nRF whole input", fillcolor="#e6e9ee"];
  n0 -> n1;
  n1 -> n2;
  n1 -> n3;
  n2 -> n4;
  n3 -> n4 [color="#c62828", penwidth=2];
  n4 -> n5;
}' "$("$FOVEA" dot -e "input size=8; a: conv k=3 p=1; b: conv k=3 s=2 p=1; c: conv k=2 s=2 from=a; add from=b,c; gap: global_avg_pool")"

# Three 3x3 convs on a 6x6 image: RF 3, 5, 7 (REFERENCE.md s1); the third
# already covers the image: amber. An aligned merge says so.
check "coverage colours" '#e3f2e5
#e3f2e5
#e3f2e5
#fdecc8' "$("$FOVEA" dot -e "input size=6; conv k=3 p=1; conv k=3 p=1; conv k=3 p=1" | grep -o 'fillcolor="[^"]*"' | cut -d'"' -f2)"
# A fourth 3x3 sees 9 pixels and reads conv_3, which sees 7 >= 6 already:
# a border layer (Richter et al., docs/check.md), pink; the relu and the pool
# that read only it repeat its verdict.
check "border layers" '#e3f2e5
#e3f2e5
#e3f2e5
#fdecc8
#f5c6c6
#f5c6c6
#f5c6c6' "$("$FOVEA" dot -e "input size=6; conv k=3 p=1; conv k=3 p=1; conv k=3 p=1; conv k=3 p=1; relu; maxpool k=2 s=2" | grep -o 'fillcolor="[^"]*"' | cut -d'"' -f2)"
check "aligned merge" 1 "$("$FOVEA" dot -e "a: conv k=3 p=1; b: conv k=3 p=1; add from=a,b" | grep -c 'RF 5, stride 1\\naligned", fillcolor="#ffffff", penwidth=1.8')"

# Quotes and backslashes in names are escaped inside DOT strings.
printf '%s\n' 'layer { name: "data" type: "Input" top: "data" input_param { shape: { dim: 1 dim: 3 dim: 32 dim: 32 } } }' \
  'layer { name: "q\"b\\s" type: "Convolution" bottom: "data" top: "c1" convolution_param { num_output: 8 kernel_size: 3 } }' >"$tmp/quote.prototxt"
check "escaped name" '  n1 [label="q\"b\\s\nconv k=3\nRF 3, stride 1", fillcolor="#e3f2e5"];' \
  "$("$FOVEA" dot "$tmp/quote.prototxt" | grep '^  n1 ')"

status "dot help" 0 "$FOVEA" dot --help
status "dot without model" 2 "$FOVEA" dot
status "dot bad option" 2 "$FOVEA" dot zoo:seed --bogus
check "render without Graphviz" "fovea dot: error: --render needs Graphviz's 'dot' on the PATH (Debian package graphviz)" \
  "$(PATH=/nonexistent "$FOVEA" dot zoo:seed --render -o "$tmp/none.svg" 2>&1)"
check "render without Graphviz leaves no file" no "$([ -e "$tmp/none.svg" ] && echo yes || echo no)"
if command -v dot >/dev/null 2>&1; then
  status "render" 0 "$FOVEA" dot zoo:resnet18 --input 224 --render -o "$tmp/r18.svg"
  check "rendered SVG" 1 "$(grep -c '<svg' "$tmp/r18.svg")"
  # One SVG group per node: `fovea rf` prints one row per node after its header.
  rows=$("$FOVEA" rf zoo:resnet18 --format csv | wc -l)
  check "rendered nodes" "$((rows - 1))" \
    "$(grep -c 'class="node"' "$tmp/r18.svg")"
else
  echo "graphviz is not installed: --render checks skipped"
fi
finish
