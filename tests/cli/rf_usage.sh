#!/bin/sh
# Usage errors exit with status 2 and say what is wrong; --help exits 0.
FOVEA=$1
. "$2/tests/cli/lib.inc"

status "no command" 2 "$FOVEA"
status "unknown command" 2 "$FOVEA" frobnicate
status "help" 0 "$FOVEA" --help
status "rf help" 0 "$FOVEA" rf --help
status "zoo help" 0 "$FOVEA" zoo --help
status "rf without model" 2 "$FOVEA" rf
status "rf with model and -e" 2 "$FOVEA" rf zoo:seed -e "conv k=3"
status "bad format" 2 "$FOVEA" rf zoo:seed --format xml
status "bad input size" 2 "$FOVEA" rf zoo:seed --input 0x3
status "bad unit" 2 "$FOVEA" rf zoo:seed --unit 3
status "unit outside the map" 2 "$FOVEA" rf zoo:seed --unit 24,0
status "unknown layer" 2 "$FOVEA" rf zoo:seed --layer nope
status "missing file" 2 "$FOVEA" rf /nonexistent/model.fv
status "unknown extension" 2 "$FOVEA" rf model.xyz
status "unknown zoo entry" 2 "$FOVEA" rf zoo:nope

check "message for a bad format" "fovea rf: error: --format is table, json, csv or md, not 'xml'" \
  "$("$FOVEA" rf zoo:seed --format xml 2>&1)"
check "message for a missing file" "error: cannot read '/nonexistent/model.fv': No such file or directory" \
  "$("$FOVEA" rf /nonexistent/model.fv 2>&1)"
check "message for SAME padding without a size" \
  "<expr>:1:1: error: conv_1: its geometry along y depends on the input size; give one (--input HxW, or size= on the input)
  conv k=3 s=2 p=same
  ^" "$("$FOVEA" rf -e "conv k=3 s=2 p=same" 2>&1)"
check "SAME padding with a size" "layer,padding_y
input,0
conv_1,0" "$("$FOVEA" rf -e "conv k=3 s=2 p=same" --input 224 --format csv | cut -d, -f1,13)"
finish
