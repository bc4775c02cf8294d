#!/bin/sh
# Every bad input under ERRORS_DIR (the pinned golden cases) and every input
# under REGRESSIONS_DIR (what the fuzzers once crashed on) goes through
# `FOVEA_BIN rf` under valgrind's memcheck: no invalid read or write, no use
# of uninitialised memory and no leak, whatever the exit status fovea gives.
# Golden cases must also exit with status 2, as run_golden_errors.sh checks
# for their messages. Two files run at a time. Exits 77 (skipped) when
# valgrind is not installed.
#
# usage: sh run_valgrind_errors.sh FOVEA_BIN ERRORS_DIR REGRESSIONS_DIR
set -u

# One file, run by xargs: WANT is 2 for golden cases, "any" for regressions.
if [ $# -eq 4 ] && [ "$1" = --one ]; then
    bin=$2 want=$3 file=$4
    out=$(mktemp) || exit 2
    # Memcheck's own failures exit 99, apart from fovea's 0, 1 and 2.
    valgrind -q --error-exitcode=99 --leak-check=full "$bin" rf "$file" >/dev/null 2>"$out"
    status=$?
    if [ $status -eq 99 ] || { [ "$want" = 2 ] && [ $status -ne 2 ]; }; then
        echo "FAIL $file: exit status $status"
        sed 's/^/    /' "$out" | head -n 40
    else
        echo "ok $file"
    fi
    rm -f "$out"
    exit 0
fi

if [ $# -ne 3 ]; then
    echo "usage: sh run_valgrind_errors.sh FOVEA_BIN ERRORS_DIR REGRESSIONS_DIR" >&2
    exit 2
fi
if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind is not installed: skipped"
    exit 77
fi
bin=$1
errors=$2
regressions=$3
self=$0

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

for file in "$errors"/*/*.fv "$errors"/*/*.cfg "$errors"/*/*.prototxt "$errors"/*/*.onnx; do
    [ -f "$file" ] && printf '2\n%s\n' "$file"
done >"$tmp/list"
# Regression inputs keep their format's extension, as fovea picks the
# frontend by it; they may parse, so only memcheck's verdict counts.
for file in "$regressions"/*/*; do
    case $file in
        *.fv | *.cfg | *.prototxt | *.onnx) [ -f "$file" ] && printf 'any\n%s\n' "$file" ;;
    esac
done >>"$tmp/list"

tr '\n' '\0' <"$tmp/list" | xargs -0 -n 2 -P 2 sh "$self" --one "$bin" >"$tmp/results"
grep -v '^ok ' "$tmp/results"
passed=$(grep -c '^ok ' "$tmp/results")
failed=$(grep -c '^FAIL ' "$tmp/results")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
