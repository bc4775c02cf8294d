#!/bin/sh
# Every built-in network analyses cleanly, at its declared input size and at
# 320x320, in every output format. In the ASan+UBSan build this is the
# sanitizer run over the whole zoo.
FOVEA=$1
. "$2/tests/cli/lib.inc"

names=$("$FOVEA" zoo | cut -d' ' -f1)
check "zoo lists networks" "yes" "$([ -n "$names" ] && echo yes)"
for name in $names; do
  for format in table json csv md; do
    status "zoo:$name $format" 0 "$FOVEA" rf "zoo:$name" --format "$format"
  done
  status "zoo:$name at 320" 0 "$FOVEA" rf "zoo:$name" --input 320
  status "zoo $name prints its text" 0 "$FOVEA" zoo "$name"
done
finish
