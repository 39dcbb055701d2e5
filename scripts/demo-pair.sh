#!/usr/bin/env bash
# demo-pair.sh BIN MODE PORT DELAY INTERVAL DURATION
# Starts a leaklab server and one client against it, prints both status
# streams, each line marked [server] or [MODE], and stops both, each with
# its summary, when the client's run ends or on a signal. No process is
# left behind: the script waits for everything it started.
#
# Signals: Ctrl-C sends SIGINT to the whole process group, so the server
# and the client already have it and are not sent it again (a second one
# would make them quit at once, without their summary). SIGTERM or SIGHUP
# to this script alone (make passes SIGTERM on to it) is sent on to both.
# Every wait is bounded: a process still running past its bound gets
# SIGINT, then SIGKILL.
set -euo pipefail
bin=$1 mode=$2 port=$3 delay=$4 interval=$5 duration=$6

grace=2s       # the server's -shutdown-grace
grace_wait=50  # tenths of a second to wait for a process told to stop
server='' client='' signalled='' prefixers='' started=''
tmp=$(mktemp -d "${TMPDIR:-/tmp}/leaklab-demo.XXXXXX")

# running reports whether process $1 still runs.
running() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

# send sends signal $1 to the processes that still run among the others.
send() {
	local sig=$1 pid
	shift
	for pid in "$@"; do
		if running "$pid"; then kill "-$sig" "$pid" 2>/dev/null || true; fi
	done
}

# reap waits for process $1 to end, at most $2 tenths of a second; it
# returns non-zero if it still runs. (The shell collects a child's exit
# status as it ends, so wait still reports it afterwards.)
reap() {
	local pid=$1 i
	for ((i = 0; i < $2; i++)); do
		running "$pid" || return 0
		sleep 0.1
	done
	! running "$pid"
}

# start NAME CMD... starts CMD in the background, both of its output
# streams copied to ours with "[NAME] " before each line, and sets
# started to its pid. The copier reads a FIFO, ignores signals so that it
# passes on CMD's last lines, and ends at end of input, when CMD ends.
start() {
	local name=$1
	shift
	mkfifo "$tmp/$name"
	(
		trap '' INT TERM HUP
		exec sed -u "s/^/[$name] /" <"$tmp/$name"
	) &
	prefixers="$prefixers $!"
	"$@" >"$tmp/$name" 2>&1 &
	started=$!
}

# stop_all ends both processes, each within a bound: the ones no signal
# has reached yet get SIGINT; any still running past the bound get SIGINT
# (again), then SIGKILL. Then it waits for the copiers and cleans up.
stop_all() {
	[ -n "$signalled" ] || send INT "$client" "$server"
	local pid
	for pid in $client $server; do
		reap "$pid" "$grace_wait" && continue
		send INT "$pid"
		reap "$pid" "$grace_wait" || { send KILL "$pid"; reap "$pid" 10 || true; }
	done
	for pid in $prefixers; do
		reap "$pid" "$grace_wait" || send KILL "$pid"
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$tmp"
}

# wait_client waits for the client to end and keeps its exit status in
# client_status. wait returns early when a signal is trapped: after a
# SIGINT the client, which had it too, ends within the server's grace; if
# it still runs past the bound, the SIGINT came to this script alone and
# is sent on.
wait_client() {
	while :; do
		if wait "$client"; then client_status=0; else client_status=$?; fi
		running "$client" || return 0
		if [ "$signalled" = INT ] && ! reap "$client" "$grace_wait"; then
			send INT "$client"
		fi
	done
}

trap 'signalled=INT' INT # the whole group has it: the server and the client too
trap 'signalled=TERM; send TERM "$client" "$server"' TERM HUP
trap 'stop_all' EXIT

start server "$bin" server -addr "127.0.0.1:$port" -delay "$delay" -report-every 2s -shutdown-grace "$grace"
server=$started

# wait for the server to listen (bounded); stop if it could not start.
# The listener must be the server's own: on a port in use, another
# process's listener is there before the server has failed and exited.
for _ in $(seq 50); do
	running "$server" || break
	"$bin" census -port "$port" -pid "$server" -format json 2>/dev/null | grep -q '"listen":1' && break
	sleep 0.1
done
if ! running "$server"; then
	echo "demo: the server did not start on 127.0.0.1:$port (see its error above); pick another port, e.g. make demo-$mode PORT=18081" >&2
	exit 1
fi

client_status=0
if [ -z "$signalled" ]; then
	start "$mode" "$bin" client -mode "$mode" -target "http://127.0.0.1:$port/" -interval "$interval" -duration "$duration"
	client=$started
	wait_client
fi
case $signalled in
INT) exit 130 ;;
TERM) exit 143 ;;
esac
exit "$client_status"
