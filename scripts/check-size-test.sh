#!/usr/bin/env bash
# check-size-test.sh: check-size.sh passes on a repository of small files
# and the allowed asset, and fails, naming the file, once a file over 1 MB
# is tracked.
set -euo pipefail
check="$(cd "$(dirname "$0")" && pwd)/check-size.sh"
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
git -C "$repo" init -q
mkdir -p "$repo/report/assets"
echo small >"$repo/small.txt"
head -c $((2 << 20)) /dev/zero >"$repo/report/assets/echarts.common.min.js"
head -c $((2 << 20)) /dev/zero >"$repo/untracked.bin"
git -C "$repo" add small.txt report/assets/echarts.common.min.js
"$check" "$repo" || { echo "FAIL: check-size.sh failed on small files and the allowed asset" >&2; exit 1; }

head -c $(((1 << 20) + 1)) /dev/zero >"$repo/big.bin"
git -C "$repo" add big.bin
if out=$("$check" "$repo" 2>&1); then
	echo "FAIL: check-size.sh passed with a tracked file of 1 MB + 1 byte" >&2
	exit 1
fi
case "$out" in
*big.bin*) ;;
*) echo "FAIL: check-size.sh did not name big.bin: $out" >&2; exit 1 ;;
esac

git -C "$repo" rm -q --cached big.bin
"$check" "$repo" || { echo "FAIL: check-size.sh failed once big.bin was untracked" >&2; exit 1; }
echo "check-size.sh: ok"
