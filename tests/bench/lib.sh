# What the daemon benchmarks share, sourced once fail is defined:
# tests/lib/daemon.sh (veth pairs, the notify listener, wait_ready), and
#   wait_for WHAT CMD...   run CMD until it succeeds; fail naming WHAT after
#                          300 s, or at once when $daemon_pid is set and
#                          has exited (its log: $work/daemon.log)
. "$top/tests/lib/daemon.sh"

daemon_gone() {
	[ -z "${daemon_pid:-}" ] || kill -0 "$daemon_pid" 2>/dev/null ||
		fail "vrauditd exited while waiting for $1: $(tail -5 "$work/daemon.log")"
}

wait_for() {
	local what=$1 end=$((SECONDS + 300))
	shift
	until "$@"; do
		daemon_gone "$what"
		[ "$SECONDS" -lt "$end" ] || fail "nothing after 300s waiting for $what"
		sleep 0.1
	done
}
