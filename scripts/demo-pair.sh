#!/usr/bin/env bash
# demo-pair.sh BIN MODE PORT DELAY INTERVAL DURATION
# Starts a leaklab server and one client against it, prints both status
# streams, and stops both when the client's run ends or on Ctrl-C. No
# process is left behind: the server is killed on any exit of this script.
set -euo pipefail
bin=$1 mode=$2 port=$3 delay=$4 interval=$5 duration=$6

"$bin" server -addr "127.0.0.1:$port" -delay "$delay" -report-every 2s > >(sed -u 's/^/[server] /') &
server=$!
cleanup() {
	kill -INT "$server" 2>/dev/null || true
	wait "$server" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait for the server to listen (bounded)
for _ in $(seq 50); do
	"$bin" census -port "$port" -format json 2>/dev/null | grep -q '"listen":1' && break
	sleep 0.1
done
"$bin" client -mode "$mode" -target "http://127.0.0.1:$port/" -interval "$interval" -duration "$duration" | sed -u "s/^/[$mode] /"
