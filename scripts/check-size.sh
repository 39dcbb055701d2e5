#!/usr/bin/env bash
# check-size.sh [DIR]: fails when a file git tracks in DIR (default: the
# current directory) is over 1 MB (1,048,576 bytes), so that build output
# or data never lands in the repository. The vendored ECharts asset that
# the HTML report embeds is the one exception.
set -euo pipefail
cd "${1:-.}"
limit=$((1 << 20))
allowed="report/assets/echarts.common.min.js"
status=0
while IFS= read -r -d '' f; do
	[ "$f" = "$allowed" ] && continue
	[ -f "$f" ] || continue # deleted in the worktree, not yet in the index
	size=$(wc -c <"$f" | tr -d ' ')
	if [ "$size" -gt "$limit" ]; then
		echo "tracked file over 1 MB: $f ($size bytes); remove it (git rm --cached) and ignore it" >&2
		status=1
	fi
done < <(git ls-files -z)
exit "$status"
