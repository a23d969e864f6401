# Helpers for the daemon's system tests, sourced after common.sh:
#
#   daemon_test_init WHY CMD...   skip (77) unless root (for WHY) and every
#                            CMD is installed, besides ip, python3 and
#                            sqlite3 which all of them use; then set n
#                            (this test's number, naming its veth pair),
#                            daemon_pid, daemon_log ($tmp/daemon.log) and
#                            notify_pid, and at exit stop the daemon and
#                            the notify listener and remove the veth pair
#   notify_listen SOCK LOG   record what vrauditd tells a service manager
#                            (one message per line of LOG)
#   wait_ready LOG PID DAEMONLOG   wait for READY=1 from the daemon PID
#   daemon_alive PID DAEMONLOG     fail unless PID still runs
#   daemon_signal SIG        send SIG to $daemon_pid and wait until it has
#                            exited; its status in daemon_rc, daemon_pid
#                            then empty
#   daemon_stop [DAEMONLOG]  SIGTERM to $daemon_pid, wait, fail unless it
#                            exits 0 (with the end of DAEMONLOG, by default
#                            $daemon_log); daemon_pid is then empty
#   daemon_kill              SIGKILL to $daemon_pid (if any) and reap it
#   veth_setup NAME          veth pair vra-NAME (here) / vrb-NAME (in the
#                            namespace vrt-NAME), both up, no addresses
#   veth_cleanup NAME        delete them
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
	wait_for "the notify socket $sock" test -S "$sock"
	# The daemon may have dropped root by the time it speaks.
	chmod 777 "$sock"
}

daemon_alive() {
	kill -0 "$1" 2>/dev/null || fail "vrauditd exited early: $(tail -20 "$2")"
}

# READY=1 comes once the probes are armed: the signal to wait for.
wait_ready() {
	daemon_pid=$2 daemon_log=$3 wait_for "READY=1 from vrauditd" grep -q 'READY=1' "$1"
}

# True once PID has exited (a child not yet reaped is a zombie).
daemon_exited() {
	[ ! -e "/proc/$1" ] || grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

daemon_signal() {
	kill -"$1" "$daemon_pid"
	# Its exit is what we wait for here, not a reason to fail.
	daemon_pid='' wait_for "vrauditd to exit on SIG$1" daemon_exited "$daemon_pid"
	daemon_rc=0
	wait "$daemon_pid" || daemon_rc=$?
	daemon_pid=
}

daemon_stop() {
	local log=${1:-$daemon_log}
	daemon_signal TERM
	[ $daemon_rc -eq 0 ] || fail "vrauditd exited $daemon_rc on SIGTERM: $(tail -5 "$log")"
}

daemon_kill() {
	[ -n "${daemon_pid:-}" ] || return 0
	kill -9 "$daemon_pid" 2>/dev/null || true
	wait "$daemon_pid" 2>/dev/null || true
	daemon_pid=
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
	require_root "$1"
	shift
	require ip python3 sqlite3 "$@"
	n=$$
	daemon_pid=
	daemon_log=$tmp/daemon.log
	notify_pid=
	at_exit 'daemon_kill; [ -z "$notify_pid" ] || kill "$notify_pid" 2>/dev/null; veth_cleanup "$n"'
}
