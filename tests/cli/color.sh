#!/bin/sh
# fovea rf --color: which cells are coloured and with which SGR codes
# (ECMA-48: 1 bold, 2 faint, 1;31 bold red, 33 yellow, 36 cyan); escapes are
# shown here as \e. Auto colours only a terminal, and never with NO_COLOR.
FOVEA=$1
. "$2/tests/cli/lib.inc"
ESC=$(printf '\033')
net="input size=8; a: conv k=3 p=1; b: conv k=3 s=2 p=1; relu; c: conv k=2 s=2 from=a; add from=b,c; conv k=3 p=1; global_avg_pool"

# Header bold; the pointwise relu faint; the misaligned merge (c's centre 1/2
# off b's, as in dot.sh) bold red; conv_6's RF of 9 covers the 8-pixel image
# and 2 of its middle unit's pixels fall outside it: yellow; the global pool
# sees the whole input: cyan.
check "styled table" '\e[1mlayer\e[0m              \e[1mop\e[0m               \e[1mout\e[0m  \e[1mgeometry\e[0m     \e[1mrf\e[0m     \e[1mstride\e[0m  \e[1mpadding\e[0m  \e[1mcentre\e[0m  \e[1maligned\e[0m  \e[1moutside\e[0m  \e[1mnotes\e[0m
input              input            8x8               1      1       0        0                0
a                  conv             8x8  k=3 p=1      3      1       1        0                0
b                  conv             4x4  k=3 s=2 p=1  5      2       2        0                0
\e[2mrelu_3\e[0m             \e[2mrelu\e[0m             \e[2m4x4\e[0m               \e[2m5\e[0m      \e[2m2\e[0m       \e[2m2\e[0m        \e[2m0\e[0m                \e[2m0\e[0m
c                  conv             4x4  k=2 s=2      4      2       1        1/2              0
add_5              add              4x4               5      2       2        0       \e[1;31mno\e[0m       0        \e[1;31mmisaligned: '"'c'"' centre off by 1/2\e[0m
conv_6             conv             4x4  k=3 p=1      \e[33m9\e[0m      2       4        0                \e[33m2\e[0m
global_avg_pool_7  global_avg_pool  1x1               \e[36mwhole\e[0m                                             sees the whole input' \
  "$("$FOVEA" rf -e "$net" --color=always | sed "s/$ESC/\\\\e/g")"

# Without colour the same table has the same columns, byte for byte.
check "never equals the plain table" "$("$FOVEA" rf -e "$net")" "$("$FOVEA" rf -e "$net" --color=never)"
check "a bare --color means always" "$("$FOVEA" rf -e "$net" --color=always)" "$("$FOVEA" rf -e "$net" --color)"
check "auto into a pipe: no escapes" 0 "$("$FOVEA" rf -e "$net" --color=auto | grep -c "$ESC")"
check "csv is never coloured" 0 "$("$FOVEA" rf -e "$net" --color=always --format csv | grep -c "$ESC")"
status "bad --color" 2 "$FOVEA" rf zoo:seed --color=sometimes
check "bad --color message" "fovea rf: error: --color is auto, always or never, not 'sometimes'" \
  "$("$FOVEA" rf zoo:seed --color=sometimes 2>&1)"

# fovea check on four 3x3 convs at 6x6: RFs 3, 5, 7, 9 (REFERENCE.md s1);
# coverage over 100% (7 and 9 of 6) yellow; conv_4 reads conv_3, whose 7
# pixels already cover the image, so it is a border layer (Richter et al.,
# docs/check.md): "yes" in bold red; a warning's severity yellow, info cyan.
check "check: styled layers" '\e[1mlayer\e[0m   \e[1mop\e[0m     \e[1mrf\e[0m  \e[1mpath min\e[0m  \e[1mpath max\e[0m  \e[1mcoverage\e[0m  \e[1mreal filter\e[0m  \e[1mcapacity\e[0m  \e[1mborder\e[0m
input   input  1   1         1         17%
conv_1  conv   3   3         3         50%       3            1.000
conv_2  conv   5   5         5         83%       3            0.600
conv_3  conv   7   7         7         \e[33m117%\e[0m      3            0.429
conv_4  conv   9   9         9         \e[33m150%\e[0m      3            0.333     \e[1;31myes\e[0m' \
  "$("$FOVEA" check -e "input size=6; conv k=3 p=1; conv k=3 p=1; conv k=3 p=1; conv k=3 p=1" --color=always | sed -n 1,6p | sed "s/$ESC/\\\\e/g")"
check "check: severities" '\e[33mwarning\e[0m [border] conv_4
\e[33mwarning\e[0m [input_range] (network)
\e[33mwarning\e[0m [top_rf] conv_4
\e[36minfo\e[0m [input_range] (network)' \
  "$("$FOVEA" check -e "input size=6; conv k=3 p=1; conv k=3 p=1; conv k=3 p=1; conv k=3 p=1" --color=always | sed -n '/^findings:/,$p' | grep '^.\[' | cut -d: -f1 | sed "s/$ESC/\\\\e/g")"
# fovea anchors on SSD300: the steps 100 and 300 of conv8_2 and conv9_2 differ
# from their stride 64 (REFERENCE.md s3): bold red.
check "anchors: wrong steps" '\e[1;31m100\e[0m
\e[1;31m300\e[0m' "$("$FOVEA" anchors "$2/tests/data/caffe/ssd300_vgg16_voc_deploy.prototxt" --color=always | grep -o "$ESC\[1;31m[0-9]*$ESC\[0m" | sed "s/$ESC/\\\\e/g")"
check "check: plain without --color" 0 "$("$FOVEA" check zoo:seed | grep -c "$ESC")"

# Control characters in names (here ESC and BEL, enough to rewrite a
# terminal's title) never reach the terminal raw.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{
  printf '%s\n' 'layer { name: "data" type: "Input" top: "data" input_param { shape: { dim: 1 dim: 3 dim: 8 dim: 8 } } }'
  printf 'layer { name: "x\033]0;pwned\007y" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 1 kernel_size: 3 } }\n'
} >"$tmp/ctl.prototxt"
check "control characters shown as ?" "x?]0;pwned?y" "$("$FOVEA" rf "$tmp/ctl.prototxt" | sed -n 3p | cut -d' ' -f1)"

# A terminal (util-linux script gives the command a pseudo-terminal):
# auto colours it unless NO_COLOR is set or TERM is dumb.
if command -v script >/dev/null 2>&1; then
  tty_rf() { script -qec "$1 rf zoo:seed" /dev/null </dev/null | grep -c "$ESC"; }
  check "auto on a terminal: coloured" yes "$([ "$(TERM=xterm NO_COLOR= tty_rf "$FOVEA")" -gt 0 ] && echo yes)"
  check "auto on a terminal with NO_COLOR: plain" 0 "$(TERM=xterm NO_COLOR=1 tty_rf "$FOVEA")"
  check "auto on a dumb terminal: plain" 0 "$(TERM=dumb tty_rf "$FOVEA")"
else
  echo "script (util-linux) is missing: terminal checks skipped"
fi
finish
