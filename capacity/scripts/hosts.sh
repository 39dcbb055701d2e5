#!/usr/bin/env bash
# hosts.sh — a capacity run over several test hosts on this one Linux
# machine: a server host and HOSTS client hosts, each a network namespace,
# joined by a bridge in a namespace of its own, with addresses from
# 198.18.0.0/15 (the range set aside for benchmarks, RFC 2544). Nothing is
# added to the machine's own network namespace, so traffic stays between
# these namespaces.
#
#   - the server host runs SERVERS `leaklab server -reuseport` processes
#     sharing 198.18.0.1:PORT (one process's open-files limit, 20,000
#     here, holds fewer connections than the run);
#   - client host i runs `leaklab conns -segment i/HOSTS`, the same command
#     line on every host (the flags of conns.args, shared with the
#     Kubernetes Job), each taking its share of the connections, of the
#     rate and of the -source list: the list holds PER_SOURCE connections
#     per address, and each host's share of it is configured on that host,
#     so every host dials from 4-tuples of its own. -workers spreads a
#     host's share over processes when one process's open-files limit is
#     short. Every segment starts its ramp at the same -start-at.
#   - the results (conns -out) are merged with `leaklab conns merge`; the
#     server's memory per connection is read from its processes' RSS.
#
# Everything it made (namespaces, the links in them, processes) is removed
# when it ends: on success, on failure and on Ctrl-C; it then checks that
# no namespace of its prefix is left, and exits 1 if one is. Only a
# SIGKILL of the script leaves them: `ip netns list | grep '^ll-'` shows
# them, `ip netns pids NAME` their processes, `ip netns del NAME` removes
# one. It changes no setting of the machine.
#
# Usage: capacity/scripts/hosts.sh [path/to/leaklab] [--print-commands]
#   --print-commands prints the conns command of every client host and
#   makes nothing (needs no root).
# Settings (environment): HOSTS CONNECTIONS PORT SERVERS WORKERS
#   PER_SOURCE PER_PROCESS START_IN HOLD (overrides -hold) EXTRA (more
#   conns flags) LOGS (directory kept after the run; default: a new one).
# Needs root and iproute2 (ip, ss).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BIN=bin/leaklab
PRINT=""
for a in "$@"; do
	case $a in
	--print-commands) PRINT=1 ;;
	*) BIN=$a ;;
	esac
done
HOSTS=${HOSTS:-4}
CONNECTIONS=${CONNECTIONS:-100000}
PORT=${PORT:-8080}
PER_SOURCE=${PER_SOURCE:-10000}   # below half of the ephemeral range (28,232), where connect() slows
PER_PROCESS=${PER_PROCESS:-15000} # under the open-files limit of 20,000, with room
ceil() { echo $((($1 + $2 - 1) / $2)); }
PER_HOST=$(ceil "$CONNECTIONS" "$HOSTS")
SERVERS=${SERVERS:-$(ceil "$CONNECTIONS" "$PER_PROCESS")}
WORKERS=${WORKERS:-$(ceil "$PER_HOST" "$PER_PROCESS")}
START_IN=${START_IN:-$((HOSTS > 2 ? HOSTS : 2))}
PREFIX="ll-$$-"
SERVER_IP=198.18.0.1
TARGET="$SERVER_IP:$PORT"

# -source: K addresses per host from 198.18.1.1 up, HOSTS*K in all, so
# that segment i's share of the list (round(S·i/N) .. round(S·(i+1)/N),
# as leaklab computes it) is exactly the K addresses of host i.
K=$(ceil "$PER_HOST" "$PER_SOURCE")
S=$((HOSTS * K))
ip_of() { echo "$(($1 >> 24 & 255)).$(($1 >> 16 & 255)).$(($1 >> 8 & 255)).$(($1 & 255))"; }
BASE=$(((198 << 24) + (18 << 16) + (1 << 8) + 1))
SOURCES="$(ip_of $BASE)-$(ip_of $((BASE + S - 1)))"
share_lo() { # round(n·k/count), halves up, as capacity.Segment.Range
	local n=$1 k=$2 count=$3
	echo $(((n / count) * k + (2 * (n % count) * k + count) / (2 * count)))
}

# (no process substitution here: its process may outlive the script as a zombie)
mapfile -t SHARED <<<"$(grep -v '^[[:space:]]*\(#\|$\)' "$HERE/conns.args")"
conns_command() { # conns_command i start-at out: the command of client host i
	local args=()
	for line in "${SHARED[@]}"; do read -ra words <<<"$line"; args+=("${words[@]}"); done
	echo "$BIN" conns "${args[@]}" -target "$TARGET" -connections "$CONNECTIONS" -segment "$1/$HOSTS" -start-at "$2" \
		-source "$SOURCES" -workers "$WORKERS" -out "$3" ${HOLD:+-hold "$HOLD"} ${EXTRA:-}
}
if [[ -n $PRINT ]]; then
	for i in $(seq 0 $((HOSTS - 1))); do conns_command "$i" START_AT "segment-$i.json"; done
	exit 0
fi

[[ $(id -u) == 0 ]] || { echo "hosts.sh: needs root, to make network namespaces" >&2; exit 2; }
command -v ip >/dev/null && command -v ss >/dev/null || { echo "hosts.sh: needs iproute2 (ip, ss)" >&2; exit 2; }
[[ -x $BIN ]] || { echo "hosts.sh: $BIN is not an executable leaklab; run make build" >&2; exit 2; }
LOGS=${LOGS:-$(mktemp -d "${TMPDIR:-/tmp}/capacity-hosts.XXXXXX")}
mkdir -p "$LOGS"

BR="${PREFIX}br"
SRV="${PREFIX}srv"
CLIENTS=()
for i in $(seq 0 $((HOSTS - 1))); do CLIENTS+=("${PREFIX}c$i"); done
made=()  # namespaces made so far
pids=()  # processes started so far
servers=()
clients=()
links_before=$(ip -o link show | awk -F': ' '{print $2}' | sort)

cleanup() {
	local rc=$? p ns left
	trap - INT TERM ERR
	set +e
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for _ in $(seq 1 100); do # up to 10 s for them to stop by themselves
		left=0
		for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && left=1; done
		((left)) || break
		sleep 0.1
	done
	for ns in "${made[@]}"; do # anything still in our namespaces is ours
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
	done
	wait 2>/dev/null
	for ns in "${made[@]}"; do ip netns del "$ns"; done # takes the links in it along
	left=$(ip netns list | awk '{print $1}' | grep -c "^$PREFIX")
	new_links=$(ip -o link show | awk -F': ' '{print $2}' | sort | grep -vxF -e "$links_before" | grep -cE '^(br0|vsrv|vc[0-9]+|eth0)(@|$)')
	if ((left > 0 || new_links > 0)); then
		echo "hosts.sh: LEFT BEHIND: $left namespaces with prefix $PREFIX, $new_links links" >&2
		ip netns list | grep "^$PREFIX" >&2
		rc=1
	else
		echo "cleaned up: ${#made[@]} namespaces with prefix $PREFIX and their links, ${#pids[@]} processes; none left (logs in $LOGS)"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'echo "hosts.sh: line $LINENO failed: $BASH_COMMAND" >&2' ERR
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== namespaces $BR (bridge), $SRV (server $SERVER_IP) and ${#CLIENTS[@]} client hosts, prefix $PREFIX"
for ns in "$BR" "$SRV" "${CLIENTS[@]}"; do
	ip netns add "$ns"
	made+=("$ns")
	ip -n "$ns" link set lo up
done
ip -n "$BR" link add br0 type bridge
ip -n "$BR" link set br0 up
attach() { # attach ns port: a veth from the bridge to eth0 in ns
	ip -n "$BR" link add "$2" type veth peer name eth0 netns "$1"
	ip -n "$BR" link set "$2" master br0 up
	ip -n "$1" link set eth0 up
}
attach "$SRV" vsrv
ip -n "$SRV" addr add "$SERVER_IP/15" dev eth0
for i in $(seq 0 $((HOSTS - 1))); do
	attach "${CLIENTS[$i]}" "vc$i"
	lo=$(share_lo "$S" "$i" "$HOSTS")
	hi=$(share_lo "$S" $((i + 1)) "$HOSTS")
	for j in $(seq "$lo" $((hi - 1))); do ip -n "${CLIENTS[$i]}" addr add "$(ip_of $((BASE + j)))/15" dev eth0; done
	echo "client host $i (${CLIENTS[$i]}): $(ip_of $((BASE + lo)))-$(ip_of $((BASE + hi - 1)))"
done

echo "== $SERVERS servers sharing $TARGET with SO_REUSEPORT"
for k in $(seq 1 "$SERVERS"); do
	ip netns exec "$SRV" "$BIN" server -addr "$TARGET" -reuseport -report-every 0 >"$LOGS/server-$k.log" 2>&1 &
	pids+=($!)
	servers+=($!)
done
for k in $(seq 1 "$SERVERS"); do
	for _ in $(seq 1 200); do grep -q "listening on" "$LOGS/server-$k.log" && break; sleep 0.05; done
	grep -q "listening on" "$LOGS/server-$k.log" || { echo "server $k did not start:"; cat "$LOGS/server-$k.log"; exit 1; }
done
rss_of() { awk '/^VmRSS/ {print $2}' /proc/"$1"/status 2>/dev/null || true; }
rss() { local sum=0 p v; for p in "${servers[@]}"; do v=$(rss_of "$p"); sum=$((sum + ${v:-0})); done; echo "$sum"; }
rss_before=$(rss)

start_at=$(date -u -d "+$START_IN seconds" +%Y-%m-%dT%H:%M:%S.%NZ)
echo "== $CONNECTIONS connections from $HOSTS client hosts ($WORKERS processes each, $K source addresses each), ramp at $start_at"
clients=()
for i in $(seq 0 $((HOSTS - 1))); do
	read -ra cmd <<<"$(conns_command "$i" "$start_at" "$LOGS/segment-$i.json")"
	echo "host $i: ${cmd[*]}"
	ip netns exec "${CLIENTS[$i]}" "${cmd[@]}" >"$LOGS/conns-$i.log" 2>&1 &
	pids+=($!)
	clients+=($!)
done

# The watch below only reports: a failed look must not end the run (set -e).
established() { { ip netns exec "$SRV" ss -Htn state established "( sport = :$PORT )" || true; } | wc -l; }
peak=0
rss_peak=0
if ((CONNECTIONS > 10000)); then POLL=1.0; else POLL=0.1; fi # ss over 100k sockets takes a while
while :; do
	alive=0
	for p in "${clients[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
	((alive)) || break
	n=$(established)
	if ((n > peak)); then peak=$n; rss_peak=$(rss); fi
	if ((n >= CONNECTIONS)) && [[ ! -s $LOGS/servers-at-peak.txt ]]; then # once: who holds what
		by_pid=$({ ip netns exec "$SRV" ss -Htnp state established "( sport = :$PORT )" || true; } | { grep -o 'pid=[0-9]*' || true; } | sort | uniq -c)
		for p in "${servers[@]}"; do
			printf 'pid %-8s established %-6s RSS %s kB\n' "$p" "$(awk -v p="pid=$p" '$2 == p {print $1}' <<<"$by_pid")" \
				"$(rss_of "$p")"
		done >"$LOGS/servers-at-peak.txt"
	fi
	sleep "$POLL"
done

codes=()
failed=0
for i in "${!clients[@]}"; do
	code=0
	wait "${clients[$i]}" || code=$?
	codes+=("$code")
	((code == 0)) || failed=1
done
echo "== conns exit codes by host: ${codes[*]}"
for i in "${!clients[@]}"; do ((codes[i] == 0)) || tail -n 5 "$LOGS/conns-$i.log"; done

echo "== merged: leaklab conns merge $LOGS/segment-*.json"
merged=0
"$BIN" conns merge -max-errors 0 $(for i in $(seq 0 $((HOSTS - 1))); do echo "$LOGS/segment-$i.json"; done) || merged=$?

echo "== server host: $SERVERS processes"
[[ -s $LOGS/servers-at-peak.txt ]] && cat "$LOGS/servers-at-peak.txt"
if ((peak > 0)); then
	awk -v peak="$peak" -v target="$TARGET" -v before="$rss_before" -v at="$rss_peak" 'BEGIN {
		printf "server: peak %d established on %s; RSS %.1f MB before, %.1f MB at the peak: %.1f KB per connection\n",
			peak, target, before / 1024, at / 1024, (at - before) / peak }'
fi
((failed == 0 && merged == 0)) || exit 1
