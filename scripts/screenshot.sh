#!/usr/bin/env bash
# screenshot.sh PAGE.html OUT.png [WIDTH,HEIGHT]
# Opens a leaklab report page in headless Chromium (Debian's chromium
# package) with no network, lets its scripts run, and saves a screenshot.
# It also prints the page's check line ("drawn 4 of 4 charts, N data
# points") and fails when the charts were not drawn.
set -euo pipefail
page=$1 out=$2 size=${3:-1200,1100}
browser=${LEAKLAB_CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
if [[ -z "$browser" ]]; then
	echo "screenshot.sh: no headless browser; apt-get install -y chromium, or set LEAKLAB_CHROMIUM" >&2
	exit 1
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
	--disable-background-networking --disable-component-update --disable-sync
	"--host-resolver-rules=MAP * ~NOTFOUND" --hide-scrollbars
	--virtual-time-budget=10000 "--user-data-dir=$profile")
url="file://$(cd "$(dirname "$page")" && pwd)/$(basename "$page")"
check=$("$browser" "${flags[@]}" --dump-dom "$url" 2>/dev/null | grep -o 'id="leaklab-check"[^<]*' | sed 's/.*>//')
echo "$page: $check"
[[ "$check" == drawn* && "$check" != "drawn 0 "* ]] || { echo "screenshot.sh: the charts were not drawn" >&2; exit 1; }
"$browser" "${flags[@]}" "--window-size=$size" "--screenshot=$out" "$url" 2>/dev/null
echo "wrote $out"
