#!/bin/bash
# Simulated SNMP agents for tests: snmpsimd serving one data file per
# loopback endpoint, community "public".
#
#   snmpsim.sh start RUNDIR ADDR:PORT FILE.snmprec [ADDR:PORT FILE.snmprec ...]
#       Lays the files out under RUNDIR/data, starts snmpsimd in the
#       background and returns once every endpoint answers. Exit 1 when
#       snmpsimd exits first, or when it has not answered for
#       $VRAUDIT_TEST_PATIENCE seconds (default 300) after it started:
#       RUNDIR/snmpsimd.log says why.
#   snmpsim.sh stop RUNDIR
#       Stops the snmpsimd started with that RUNDIR.
#
# snmpsimd refuses to run as root: as root it runs as the unprivileged user
# $SNMPSIM_USER (default vraudit-test), created when missing. Endpoints must
# be loopback addresses (127.0.0.0/8).
set -eu

user=${SNMPSIM_USER:-vraudit-test}

die() {
	echo "snmpsim.sh: $*" >&2
	exit 1
}

start() {
	local rundir=$1
	shift
	[ $# -ge 2 ] && [ $(($# % 2)) -eq 0 ] || die "usage: start RUNDIR ADDR:PORT FILE ..."
	command -v snmpsimd >/dev/null || die "snmpsimd not found (package snmpsim)"
	command -v snmpget >/dev/null || die "snmpget not found (package snmp)"
	mkdir -p "$rundir/data/public" "$rundir/cache"
	local args=() endpoints=() n=0
	while [ $# -gt 0 ]; do
		case $1 in
		127.*:*) ;;
		*) die "$1: not a loopback endpoint" ;;
		esac
		# A leftover agent on the endpoint would share its answers with ours.
		if command -v ss >/dev/null && ss -Hlun | awk '{ print $4 }' | grep -qxF "$1"; then
			die "$1: already in use by another process"
		fi
		# A marker sorting before any OID a sweep asks for tells this
		# snmpsimd's answers from those of a leftover one.
		{ echo "1.0.0.0|4|$rundir"; cat "$2"; } >"$rundir/data/public/1.3.6.1.6.1.1.$n.snmprec"
		args+=("--agent-udpv4-endpoint=$1")
		endpoints+=("$1")
		n=$((n + 1))
		shift 2
	done
	if [ "$(id -u)" -eq 0 ]; then
		if ! id "$user" >/dev/null 2>&1; then
			useradd --system --no-create-home --shell /usr/sbin/nologin "$user" ||
				die "cannot create user $user"
		fi
		chown -R "$user:" "$rundir"
		chmod 755 "$rundir"
		args+=("--process-user=$user" "--process-group=$(id -gn "$user")")
	fi
	snmpsimd --v2c-arch --data-dir="$rundir/data" --cache-dir="$rundir/cache" \
		"${args[@]}" >"$rundir/snmpsimd.log" 2>&1 &
	echo $! >"$rundir/snmpsimd.pid"
	# Ready when every endpoint answers with this run's marker; each
	# unanswered request waits a second, so there is no sleep here. How
	# long it takes to start depends on the machine and its load: wait
	# as long as it runs, up to a generous limit.
	local ep patience=${VRAUDIT_TEST_PATIENCE:-300} end
	end=$((SECONDS + patience))
	for ep in "${endpoints[@]}"; do
		until snmpget -v2c -c public -r0 -t1 -Oqv "udp:$ep" 1.0.0.0 2>/dev/null |
			grep -qF "$rundir"; do
			if ! kill -0 "$(cat "$rundir/snmpsimd.pid")" 2>/dev/null; then
				stop "$rundir"
				die "snmpsimd exited before it answered on $ep: $(tail -5 "$rundir/snmpsimd.log")"
			fi
			if [ "$SECONDS" -ge "$end" ]; then
				stop "$rundir"
				die "snmpsimd did not answer on $ep within ${patience}s; see $rundir/snmpsimd.log"
			fi
		done
	done
}

stop() {
	local rundir=$1 pid
	[ -f "$rundir/snmpsimd.pid" ] || return 0
	pid=$(cat "$rundir/snmpsimd.pid")
	rm -f "$rundir/snmpsimd.pid"
	kill "$pid" 2>/dev/null || return 0
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null || true
}

case ${1:-} in
start) shift; start "$@" ;;
stop) shift; [ $# -eq 1 ] || die "usage: stop RUNDIR"; stop "$1" ;;
*) die "usage: snmpsim.sh start RUNDIR ADDR:PORT FILE ... | stop RUNDIR" ;;
esac
