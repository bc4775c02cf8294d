#!/bin/sh
# --layer on an ONNX model exported by PyTorch (tests/data/erf_torch): a node
# name, the name of the tensor the node produces, and a prefix all select
# the same layer.
FOVEA=$1
. "$2/tests/cli/lib.inc"
model="$2/tests/data/erf_torch/model.onnx"

by_node=$("$FOVEA" rf "$model" --layer /up/ConvTranspose --format csv)
check "the node name selects one row" "/up/ConvTranspose" "$(echo "$by_node" | sed -n 2p | cut -d, -f1)"
check "the output tensor selects that node" "$by_node" \
  "$("$FOVEA" rf "$model" --layer /up/ConvTranspose_output_0 --format csv)"
check "a prefix selects that node" "$by_node" "$("$FOVEA" rf "$model" --layer /up --format csv)"
check "the graph output tensor selects the last conv" \
  "$("$FOVEA" rf "$model" --layer /head/Conv --unit 23,23)" \
  "$("$FOVEA" rf "$model" --layer output --unit 23,23)"
status "a tensor nobody produces" 2 "$FOVEA" rf "$model" --layer /up/ConvTranspose_output_1
finish
