# Helpers for the daemon's system tests, sourced after `set -euo pipefail`
# and a fail() function:
#
#   notify_listen SOCK LOG   record what vrauditd tells a service manager
#                            (one message per line of LOG)
#   veth_setup NAME          veth pair vra-NAME (here) / vrb-NAME (in the
#                            namespace vrt-NAME), both up, no addresses
#   veth_cleanup NAME        delete them
#   wait_for SECONDS WHAT CMD...   run CMD every 0.1 s until it succeeds;
#                            fail naming WHAT after SECONDS, or at once when
#                            $daemon_pid is set and gone ($daemon_log says why)
#   wait_ready LOG PID DAEMONLOG   wait for READY=1 from the daemon PID
#   daemon_stop [DAEMONLOG]  SIGTERM to $daemon_pid, wait, fail unless it
#                            exits 0 (with the end of DAEMONLOG, by default
#                            $daemon_log); daemon_pid is then empty
#   daemon_test_init WHY CMD...   skip (77) unless root (for WHY) and every
#                            CMD is installed; then set n (this test's
#                            number), tmp (a directory others may read),
#                            daemon_pid, daemon_log and notify_pid, and an
#                            EXIT trap that kills the daemon and the notify
#                            listener, runs test_cleanup when the test
#                            defines it, removes the veth pair and $tmp
#
# Frames sent into vrb-NAME from inside the namespace reach only
# vra-NAME: nothing leaves the host.

notify_listen() {
	local sock=$1 log=$2
	: >"$log"
	python3 -u -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as f:
    while True:
        f.write(s.recv(65536).decode(errors="replace").replace("\n", " ") + "\n")
' "$sock" "$log" &
	notify_pid=$!
	wait_for 10 "the notify socket" test -S "$sock"
	# The daemon may have dropped root by the time it speaks.
	chmod 777 "$sock"
}

wait_for() {
	local limit=$1 what=$2 end
	shift 2
	end=$((SECONDS + limit))
	until "$@"; do
		# A daemon that died will not bring what we wait for.
		if [ -n "${daemon_pid:-}" ] && ! kill -0 "$daemon_pid" 2>/dev/null; then
			fail "vrauditd exited while waiting for $what: $(tail -20 "${daemon_log:-/dev/null}")"
		fi
		[ "$SECONDS" -lt "$end" ] || fail "timed out after ${limit}s waiting for $what"
		sleep 0.1
	done
}

# True while PID runs, else fails with the daemon's log.
daemon_alive() {
	kill -0 "$1" 2>/dev/null || fail "vrauditd exited early: $(tail -20 "$2")"
}

wait_ready() {
	local log=$1 pid=$2 dlog=$3 end=$((SECONDS + 30))
	until grep -q 'READY=1' "$log"; do
		daemon_alive "$pid" "$dlog"
		[ "$SECONDS" -lt "$end" ] || fail "no READY=1 within 30s: $(tail -20 "$dlog")"
		sleep 0.1
	done
}

daemon_stop() {
	local log=${1:-$daemon_log} rc=0
	kill -TERM "$daemon_pid"
	wait "$daemon_pid" || rc=$?
	daemon_pid=
	[ $rc -eq 0 ] || fail "vrauditd exited $rc on SIGTERM: $(tail -5 "$log")"
}

veth_setup() {
	local n=$1
	ip netns add "vrt-$n"
	ip link add "vra-$n" type veth peer name "vrb-$n"
	ip link set "vrb-$n" netns "vrt-$n"
	ip link set "vra-$n" up
	ip netns exec "vrt-$n" ip link set "vrb-$n" up
	# Keep the host's own traffic (IPv6 router solicitations, ...) off it.
	sysctl -qw "net.ipv6.conf.vra-$n.disable_ipv6=1" 2>/dev/null || true
}

veth_cleanup() {
	local n=$1
	ip link del "vra-$n" 2>/dev/null || true
	ip netns del "vrt-$n" 2>/dev/null || true
}

daemon_test_init() {
	local why=$1 p
	shift
	[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root ($why)" >&2; exit 77; }
	for p in "$@"; do
		command -v "$p" >/dev/null || { echo "SKIP: $p is not installed" >&2; exit 77; }
	done
	n=$$
	tmp=$(mktemp -d)
	chmod 755 "$tmp"
	daemon_pid=
	daemon_log=$tmp/daemon.log
	notify_pid=
	trap daemon_test_cleanup EXIT
}

daemon_test_cleanup() {
	set +e
	[ -n "$daemon_pid" ] && kill -9 "$daemon_pid" 2>/dev/null
	[ -n "$notify_pid" ] && kill "$notify_pid" 2>/dev/null
	declare -F test_cleanup >/dev/null && test_cleanup
	veth_cleanup "$n"
	rm -rf "$tmp"
}
