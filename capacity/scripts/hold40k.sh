#!/usr/bin/env bash
# hold40k.sh — hold 40,000 established connections to one address and port
# on one Linux machine, past both per-process and per-4-tuple limits:
#
#   - the open-files limit (20,000 here) caps each process, so the server
#     side runs as SERVERS processes sharing the port with SO_REUSEPORT
#     (leaklab server -reuseport) and the client side as WORKERS processes
#     (leaklab conns -workers);
#   - one source address reaches one target through one ephemeral port
#     range (28,232 ports here, and connect() slows past half of it), so
#     the connections come from several loopback addresses (-source).
#
# Usage: capacity/scripts/hold40k.sh [path/to/leaklab]
# Settings (environment): ADDR N SERVERS WORKERS SOURCES RATE HOLD MODE
# Every process it starts is stopped when it ends, Ctrl-C included.
set -euo pipefail

BIN=${1:-bin/leaklab}
ADDR=${ADDR:-127.0.0.1:18443}
N=${N:-40000}
SERVERS=${SERVERS:-4}
WORKERS=${WORKERS:-4}
SOURCES=${SOURCES:-127.0.0.1-127.0.0.4}
RATE=${RATE:-20000/s}
HOLD=${HOLD:-20s}
MODE=${MODE:-http}
PORT=${ADDR##*:}
LOGS=$(mktemp -d "${TMPDIR:-/tmp}/hold40k.XXXXXX")

servers=()
conns=""
cleanup() {
	[[ -n $conns ]] && kill -TERM "$conns" 2>/dev/null || true
	for p in "${servers[@]}"; do kill -INT "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	echo "stopped: ${#servers[@]} servers${conns:+ and the tester}; logs in $LOGS"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== $SERVERS servers sharing $ADDR with SO_REUSEPORT"
for i in $(seq 1 "$SERVERS"); do
	"$BIN" server -addr "$ADDR" -reuseport -report-every 0 >"$LOGS/server-$i.log" 2>&1 &
	servers+=($!)
done
for i in $(seq 1 "$SERVERS"); do # each server says when it listens
	for _ in $(seq 1 100); do
		grep -q "listening on" "$LOGS/server-$i.log" && break
		sleep 0.1
	done
	grep "listening on" "$LOGS/server-$i.log" || { cat "$LOGS/server-$i.log"; exit 1; }
done
echo "open-files limit of this shell: $(ulimit -n)"

echo "== $N connections from $SOURCES in $WORKERS worker processes, held $HOLD"
"$BIN" conns -target "$ADDR" -mode "$MODE" -connections "$N" -workers "$WORKERS" -source "$SOURCES" \
	-rate "$RATE" -hold "$HOLD" -rst -max-errors 0 >"$LOGS/conns.log" 2>&1 &
conns=$!
tail -f "$LOGS/conns.log" --pid "$conns" &

for _ in $(seq 1 600); do
	est=$("$BIN" census -port "$PORT" -format json | sed -n 's/.*"server":{[^}]*"ESTABLISHED":\([0-9]*\).*/\1/p')
	[[ ${est:-0} -ge $N ]] && break
	sleep 1
done
echo "== the kernel's view while held (census of port $PORT)"
"$BIN" census -port "$PORT"
echo "== each server process"
for p in "${servers[@]}"; do
	held=$("$BIN" census -pid "$p" -format json | sed -n 's/.*"server":{[^}]*"ESTABLISHED":\([0-9]*\).*/\1/p')
	printf 'pid %-8s established %-6s %s, open-files limit %s\n' "$p" "${held:-0}" \
		"$(grep VmRSS /proc/"$p"/status | tr -s ' ')" "$(awk '/Max open files/ {print $4}' /proc/"$p"/limits)"
done

set +e
wait "$conns"
code=$?
set -e
conns=""
echo "== leaklab conns exited $code"
exit "$code"
