#!/bin/sh
# Golden error cases: every ERRORS_DIR/<format>/NAME.{fv,cfg,prototxt,onnx}
# with a NAME.expected beside it must make `FOVEA_BIN rf FILE` exit with
# status 2 and write exactly NAME.expected to stderr. Files are named
# relative to the repository root (ERRORS_DIR/../..), as the messages quote them.
#
# usage: sh run_golden_errors.sh FOVEA_BIN ERRORS_DIR
set -u

if [ $# -ne 2 ]; then
    echo "usage: sh run_golden_errors.sh FOVEA_BIN ERRORS_DIR" >&2
    exit 2
fi
bin=$1
errors=$(cd "$2" && pwd) || exit 2
root=$(cd "$errors/../.." && pwd) || exit 2
case $bin in
    /*) ;;
    *) bin=$(pwd)/$bin ;;
esac

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

passed=0
failed=0
cd "$root" || exit 2
for file in "$errors"/*/*.fv "$errors"/*/*.cfg "$errors"/*/*.prototxt "$errors"/*/*.onnx; do
    [ -f "$file" ] || continue
    expected=${file%.*}.expected
    [ -f "$expected" ] || continue
    rel=${file#"$root"/}
    "$bin" rf "$rel" >/dev/null 2>"$tmp/stderr"
    status=$?
    if [ $status -eq 2 ] && cmp -s "$expected" "$tmp/stderr"; then
        passed=$((passed + 1))
        continue
    fi
    failed=$((failed + 1))
    if [ $status -ne 2 ]; then
        echo "FAIL $rel: exit status $status, want 2"
    else
        echo "FAIL $rel: stderr differs from ${expected#"$root"/}"
    fi
    diff -u "$expected" "$tmp/stderr" | sed 's/^/    /'
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
