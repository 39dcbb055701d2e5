#!/usr/bin/env bash
# check-demos.sh: proves that make demo-faulty and make demo-fixed leave
# no process and no connection behind, whether they end by themselves,
# are interrupted with Ctrl-C (SIGINT to their process group), stopped
# with SIGTERM to make alone, or cannot start because another server holds
# the port. Each demo runs with short settings on a free
# loopback port; after each run the check waits (bounded) until no live
# process is left in the run's process group or names the port, and the
# census shows nothing listening and nothing ESTABLISHED on the port.
# Exits 1 on the first failure, with the demo's output.
#
# Usage: scripts/check-demos.sh   (make check-demos)
set -euo pipefail
cd "$(dirname "$0")/.."

bin=./bin/leaklab
short=(DELAY=200ms INTERVAL=50ms)
out=$(mktemp "${TMPDIR:-/tmp}/check-demos.XXXXXX")
trap 'rm -f "$out"' EXIT

# free_port prints a loopback port below the ephemeral range on which the
# census sees no socket at all.
free_port() {
	local port
	for _ in $(seq 50); do
		port=$((20000 + RANDOM % 12000))
		if "$bin" census -port "$port" -format json | grep -q '"server":{},"client":{},"listen":0'; then
			echo "$port"
			return 0
		fi
	done
	echo "check-demos: found no free port" >&2
	return 1
}

# leftovers prints the live processes (zombies aside) of process group $1
# or with 127.0.0.1:$2 on their command line.
leftovers() {
	ps -eo pid=,pgid=,stat=,args= | awk -v pg="$1" -v addr="127.0.0.1:$2" -v me=$$ \
		'$3 !~ /^Z/ && $1 != me && ($2 == pg || index($0, addr) && !index($0, "awk")) { print }'
}

# fail prints why, the demo's output, and stops the check.
fail() {
	echo "FAIL $1" >&2
	sed 's/^/    /' "$out" >&2
	exit 1
}

# check_clean waits up to 10 s until nothing of the run is left: no
# process of its group or its port, no socket listening or ESTABLISHED.
check_clean() {
	local pg=$1 port=$2 census
	for _ in $(seq 100); do
		census=$("$bin" census -port "$port" -format json)
		if [ -z "$(leftovers "$pg" "$port")" ] && grep -q '"listen":0' <<<"$census" && ! grep -q ESTABLISHED <<<"$census"; then
			return 0
		fi
		sleep 0.1
	done
	fail "left behind after 10 s:
$(leftovers "$pg" "$port")
census of port $port: $census"
}

# run MODE HOW runs make demo-MODE and stops it as HOW says: end (by
# itself), int (SIGINT to the group, mid-run) or term (SIGTERM to make).
run() {
	local mode=$1 how=$2 port duration=2s want=0 pg code start
	port=$(free_port)
	[ "$how" = end ] || duration=30s
	start=$SECONDS
	set -m # make gets a process group of its own, with SIGINT not ignored, as a terminal's job
	make -s demo-"$mode" PORT="$port" DURATION="$duration" "${short[@]}" >"$out" 2>&1 &
	pg=$!
	set +m
	if [ "$how" != end ]; then
		wait_for "sent=" "$pg" || { kill -KILL -- -"$pg" 2>/dev/null; fail "demo-$mode: no status line within 30 s"; }
		case $how in
		int) kill -INT -- -"$pg"; want=130 ;;
		term) kill -TERM "$pg"; want=143 ;;
		esac
	fi
	wait_exit "$pg" || { kill -KILL -- -"$pg" 2>/dev/null; fail "demo-$mode ($how): make still runs after 30 s"; }
	code=$exit_code
	[ "$code" = "$want" ] || fail "demo-$mode ($how): make exited $code, want $want"
	grep -q "^\[$mode\] summary: " "$out" || fail "demo-$mode ($how): no client summary"
	grep -q "^\[server\] .*summary: accepted" "$out" || fail "demo-$mode ($how): no server summary"
	! grep -q "quitting at once" "$out" || fail "demo-$mode ($how): a process got a second signal"
	check_clean "$pg" "$port"
	printf 'ok   make demo-%-6s %-28s exit %3s, both summaries, nothing left (%ds)\n' "$mode" "$(describe "$how")" "$code" $((SECONDS - start))
}

# run_port_in_use runs make demo-MODE on a port another leaklab server
# holds: the demo must say so, exit non-zero and leave only the holder.
run_port_in_use() {
	local mode=$1 port holder pg code start=$SECONDS
	port=$(free_port)
	"$bin" server -addr "127.0.0.1:$port" -report-every 0 >/dev/null 2>&1 &
	holder=$!
	for _ in $(seq 50); do
		"$bin" census -port "$port" -format json | grep -q '"listen":1' && break
		sleep 0.1
	done
	set -m
	make -s demo-"$mode" PORT="$port" DURATION=2s "${short[@]}" >"$out" 2>&1 &
	pg=$!
	set +m
	wait_exit "$pg" || { kill -KILL -- -"$pg" 2>/dev/null; fail "demo-$mode (port in use): make still runs after 30 s"; }
	code=$exit_code
	kill -INT "$holder"
	wait "$holder" || true
	[ "$code" != 0 ] || fail "demo-$mode (port in use): make exited 0"
	grep -q "address already in use" "$out" || fail "demo-$mode (port in use): the server's error is not shown"
	grep -q "pick another port, e.g. make demo-$mode PORT=" "$out" || fail "demo-$mode (port in use): no hint"
	check_clean "$pg" "$port"
	printf 'ok   make demo-%-6s %-28s exit %3s, says so and how to fix it, nothing left (%ds)\n' "$mode" "on a port in use" "$code" $((SECONDS - start))
}

describe() {
	case $1 in
	end) echo "to its end" ;;
	int) echo "Ctrl-C (SIGINT to the group)" ;;
	term) echo "SIGTERM to make" ;;
	esac
}

# wait_for waits up to 30 s for text $1 in the output while process $2 runs.
wait_for() {
	for _ in $(seq 300); do
		grep -q "$1" "$out" && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# wait_exit waits up to 30 s for make ($1) to exit and sets exit_code.
wait_exit() {
	for _ in $(seq 300); do
		if ! kill -0 "$1" 2>/dev/null; then
			wait "$1" && exit_code=0 || exit_code=$?
			return 0
		fi
		sleep 0.1
	done
	return 1
}

make -s build
for mode in faulty fixed; do
	for how in end int term; do
		run "$mode" "$how"
	done
done
run_port_in_use faulty
echo "check-demos: make demo-faulty and make demo-fixed left no process and no connection behind"
