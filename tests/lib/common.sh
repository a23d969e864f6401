# The start of every system test, sourced right after `set -euo pipefail`:
#
#   . "$(dirname "$0")/../lib/common.sh"
#
# It sets
#   build, src          the build directory and the source tree (meson's
#                       VRAUDIT_BUILD_ROOT and VRAUDIT_SOURCE_ROOT)
#   vraudit, vrauditd   the programs of this build
#   fixtures            tests/fixtures of the source tree
#   tmp                 a new directory other users may read (the daemon
#                       and snmpsimd run unprivileged), removed at exit
# and defines
#   fail MESSAGE        "FAIL: MESSAGE" on stderr, exit 1
#   skip MESSAGE        "SKIP: MESSAGE" on stderr, exit 77: meson counts
#                       the test as skipped, never as passed
#   require CMD...      skip unless every CMD is installed
#   require_root WHY    skip unless running as root
#   require_python MODULE...   skip unless python3 imports every MODULE
#   at_exit 'CMD'       evaluate CMD at exit, the last registered first,
#                       before $tmp is removed
#   q SQL               the answer of SQL on $db, read-only, as an auditor
#                       with sqlite3 would ask it
#   wait_for WHAT CMD...   run CMD until it succeeds; fail naming WHAT
#                       after $VRAUDIT_TEST_PATIENCE seconds (default 300),
#                       or at once when $daemon_pid is set and has exited
#   wait_growth WHAT GOAL CMD...   CMD prints a count: wait until it
#                       reaches GOAL, as long as it keeps growing; fail
#                       naming WHAT once it has not grown for
#                       $VRAUDIT_TEST_PATIENCE seconds
#
# No wait has a deadline of its own: how long a step takes depends on the
# machine and its load, so a wait ends on what it waits for, on the death
# of the process that should bring it, or after a long time without
# progress.

build=${VRAUDIT_BUILD_ROOT:?run the system tests through meson test}
src=${VRAUDIT_SOURCE_ROOT:?run the system tests through meson test}
vraudit=$build/vraudit
vrauditd=$build/vrauditd
fixtures=$src/tests/fixtures
patience=${VRAUDIT_TEST_PATIENCE:-300}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

require() {
	local cmd pkg
	for cmd in "$@"; do
		command -v "$cmd" >/dev/null && continue
		case $cmd in
		snmpsimd) pkg=snmpsim ;;
		snmpget | snmpwalk) pkg=snmp ;;
		systemd-analyze) pkg=systemd ;;
		ip | ss) pkg=iproute2 ;;
		groff) pkg=groff-base ;;
		col) pkg=bsdextrautils ;;
		man) pkg=man-db ;;
		script) pkg=bsdutils ;;
		setpriv | mount) pkg=util-linux ;;
		*) pkg=$cmd ;;
		esac
		skip "$cmd is not installed (package $pkg)"
	done
}

require_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root ($1)"
}

require_python() {
	local m
	require python3
	for m in "$@"; do
		python3 -c "import $m" 2>/dev/null || skip "python3 cannot import $m"
	done
}

exit_cmds=()
at_exit() {
	exit_cmds+=("$1")
}

common_exit() {
	local i
	set +e
	for ((i = ${#exit_cmds[@]} - 1; i >= 0; i--)); do
		eval "${exit_cmds[i]}"
	done
	rm -rf "$tmp"
}

q() {
	sqlite3 -batch -noheader -cmd '.timeout 5000' "file:${db:?}?mode=ro" "$1"
}

# Fails at once when the daemon that should bring what we wait for died.
daemon_gone() {
	if [ -n "${daemon_pid:-}" ] && ! kill -0 "$daemon_pid" 2>/dev/null; then
		fail "vrauditd exited while waiting for $1: $(tail -20 "${daemon_log:-/dev/null}")"
	fi
}

wait_for() {
	local what=$1 end=$((SECONDS + patience))
	shift
	until "$@"; do
		daemon_gone "$what"
		[ "$SECONDS" -lt "$end" ] ||
			fail "nothing after ${patience}s waiting for $what"
		sleep 0.1
	done
}

wait_growth() {
	local what=$1 goal=$2 now last=-1 end
	shift 2
	end=$((SECONDS + patience))
	while :; do
		# A count that cannot be read now is no progress.
		if ! now=$("$@") || ! [ "$now" -eq "$now" ] 2>/dev/null; then
			now=$last
		fi
		[ "$now" -ge "$goal" ] && return 0
		if [ "$now" -gt "$last" ]; then
			last=$now
			end=$((SECONDS + patience))
		fi
		daemon_gone "$what"
		[ "$SECONDS" -lt "$end" ] ||
			fail "no progress for ${patience}s waiting for $what: $now of $goal"
		sleep 0.5
	done
}

tmp=$(mktemp -d)
chmod 755 "$tmp"
trap common_exit EXIT
