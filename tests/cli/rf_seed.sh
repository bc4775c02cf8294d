#!/bin/sh
# fovea rf on the seed's examples (Araujo et al., Distill 2019; REFERENCE.md s1):
# three 3x3 stride-1 convs see 3, 5, 7 pixels; dilating the middle one by 2
# gives 3, 7, 9. Centres (r-1)/2, stride 1, no padding.
FOVEA=$1
. "$2/tests/cli/lib.inc"

check "three 3x3 convs" "layer,rf_y_max,rf_x_max,stride_y,padding_y,centre_y
input,1,1,1,0,0
conv_1,3,3,1,0,1
conv_2,5,5,1,0,2
conv_3,7,7,1,0,3" "$("$FOVEA" rf -e "conv k=3; conv k=3; conv k=3" --format csv | cut -d, -f1,8,10,11,13,15)"

check "dilated middle conv" "layer,rf_y_max
input,1
conv_1,3
conv_2,7
conv_3,9" "$("$FOVEA" rf -e "conv k=3; conv k=3 d=2; conv k=3" --format csv | cut -d, -f1,8)"

check "zoo:seed table" "layer  op     out    geometry  rf  stride  padding  centre  outside
input  input  32x32            1   1       0        0       0
conv1  conv   30x30  k=3       3   1       0        1       0
conv2  conv   26x26  k=3 d=2   7   1       0        3       0
conv3  conv   24x24  k=3       9   1       0        4       0" "$("$FOVEA" rf zoo:seed)"

# Padding 1 on each conv: unit 0 starts at -P = -3 (P = 1 + 1 + 1).
check "unit box with padding" "unit (0, 0) of conv_3 sees rows -3..3, columns -3..3: 7x7 pixels
outside the 8x8 image: 3 rows, 3 columns" \
  "$("$FOVEA" rf -e "input size=8; conv k=3 p=1; conv k=3 p=1; conv k=3 p=1" --unit 0,0)"

check "anisotropic kernel" "rf,stride,padding
1x7,1x2,0x3" "$("$FOVEA" rf -e "conv k=1x7 s=1x2 p=0x3" --format md | tail -1 | awk -F'|' '{gsub(/ /,""); print "rf,stride,padding\n" $5 "," $6 "," $7}')"

finish
