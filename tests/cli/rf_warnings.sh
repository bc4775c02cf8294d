#!/bin/sh
# Keys a framework does not read are warnings on stderr, with the line, and
# the analysis still runs (exit 0).
FOVEA=$1
. "$2/tests/cli/lib.inc"

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
printf '[net]\nwidth=32\nheight=32\nchannels=3\n\n[convolutional]\nfilters=8\nsize=3\nstrde=2\n' >"$tmp/typo.cfg"
printf 'input: "data"\ninput_shape { dim: 1 dim: 3 dim: 32 dim: 32 }\nlayer {\n  name: "pool" type: "Pooling" bottom: "data" top: "pool"\n  pooling_param { pool: MAX kernel_size: 2 strid: 2 }\n}\n' >"$tmp/typo.prototxt"

status "darknet with an unknown key" 0 "$FOVEA" rf "$tmp/typo.cfg"
check "darknet warning" "$tmp/typo.cfg: warning: line 9: unknown key 'strde' in [convolutional] (line 6); ignored" \
  "$("$FOVEA" rf "$tmp/typo.cfg" 2>&1 >/dev/null)"
status "caffe with an unknown field" 0 "$FOVEA" rf "$tmp/typo.prototxt"
check "caffe warning" "$tmp/typo.prototxt: warning: line 5: unknown field 'strid' in pooling_param of layer 'pool'; ignored" \
  "$("$FOVEA" rf "$tmp/typo.prototxt" 2>&1 >/dev/null)"
# The misspelt stride is not applied: the 2x2 pool keeps stride 1 (31x31 map).
check "caffe pool without stride" "pool,31,31" \
  "$("$FOVEA" rf "$tmp/typo.prototxt" --format csv 2>/dev/null | awk -F, 'NR > 1 && $1 == "pool" { print $1 "," $4 "," $5 }')"
finish
