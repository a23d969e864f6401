#!/usr/bin/env bash
# vrauditd pushes what its last commit adds, at a stop, before it exits:
# the capture session's end and frames captured just before SIGTERM are in
# the central database as soon as the daemon has exited, without a
# restart. With the central database down a stop still exits 0 at once,
# says it could not push, keeps the records, and the next start pushes
# them. With a central server that stops answering in the middle of a
# connection, or that accepts connections and never answers, a stop waits
# no longer than the last push's bound (10 s).
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
. "$src/tests/lib/daemon.sh"
daemon_test_init "network namespace, live capture" tcpreplay
. "$src/tests/lib/pg.sh"
caps=$fixtures/captures
db=$tmp/state/site.db

pg_start
pg_createdb central
{
	printf '[database]\npath = %s\n[registry]\noui-dir = %s\n' "$tmp/admin.db" "$fixtures/ieee/basic"
	printf '[central]\nurl = %s\nsite = admin\n' "$(pg_url central)"
} >"$tmp/admin.conf"
"$vraudit" central migrate -c "$tmp/admin.conf" >/dev/null || fail "central migrate"
"$vraudit" central add-site -c "$tmp/admin.conf" north >/dev/null || fail "add-site north"

veth_setup "$n"
mkdir -p "$tmp/state" "$tmp/etc"
# write_conf URL: the daemon's configuration, pushing as site north to URL.
write_conf() {
	printf '[database]\npath = %s\n[capture mirror]\ninterface = vra-%s\n[central]\nurl = %s\nsite = north\n' \
		"$db" "$n" "$1" >"$tmp/etc/vraudit.conf"
	chown -R nobody:nogroup "$tmp/state" "$tmp/etc"
}
replay() {
	ip netns exec "vrt-$n" tcpreplay -q -t -i "vrb-$n" "$@" \
		>"$tmp/tcpreplay.log" 2>&1 || fail "tcpreplay: $(cat "$tmp/tcpreplay.log")"
}
c() { pg_psql -d central -c "$1"; }
local_seq() { q "SELECT coalesce(max(seq), 0) FROM audit"; }
local_head() { q "SELECT seq || ' ' || hash FROM audit ORDER BY seq DESC LIMIT 1"; }
central_head() { c "SELECT head_seq || ' ' || head_hash FROM vraudit.sites WHERE site = 'north'"; }
in_step() { [ "$(central_head)" = "$(local_head)" ]; }
# start LOG: the daemon, ready, with its log in LOG.
start() {
	: >"$tmp/notify.log"
	NOTIFY_SOCKET=$tmp/notify.sock "$vrauditd" -f -d -c "$tmp/etc/vraudit.conf" --user nobody \
		2>"$1" &
	daemon_pid=$!
	wait_ready "$tmp/notify.log" "$daemon_pid" "$1"
}
# stop LOG: SIGTERM, exit 0; how long it took, in ms, in stop_ms.
stop() {
	local t0=${EPOCHREALTIME/./}
	daemon_stop "$1"
	stop_ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
}
notify_listen "$tmp/notify.sock" "$tmp/notify.log"

# Frames captured just before SIGTERM, and the capture session's end,
# which only the last commit at the stop records: in the central database
# once the daemon has exited.
write_conf "$(pg_url central north)"
start "$tmp/run1.log"
pushed() { grep -q "central: the central database holds site north up to record [0-9]*; pushing after each commit" "$tmp/run1.log"; }
wait_for "the push at start" pushed
replay "$caps/tcpdump_LLDP_and_CDP.pcap"
stop "$tmp/run1.log"
seq=$(local_seq)
[ "$(q "SELECT count(*) FROM inventory WHERE sys_name = 'S1.cisco.com'")" = 1 ] ||
	fail "the frames sent before SIGTERM were not recorded"
in_step || fail "central head $(central_head), local head $(local_head) after the stop: $(grep central: "$tmp/run1.log")"
[ "$(c "SELECT count(*) FROM vraudit.inventory WHERE site = 'north' AND sys_name = 'S1.cisco.com'")" = 1 ] ||
	fail "the switch captured before SIGTERM is not in the central database"
[ "$(c "SELECT status FROM vraudit.scans WHERE site = 'north' AND kind = 'capture'")" = complete ] ||
	fail "the capture session ended by the stop is not in the central database"
grep -q "central: stopping: [1-9][0-9]* record(s) pushed, the central database holds site north up to record $seq$" "$tmp/run1.log" ||
	fail "no last push logged: $(grep central: "$tmp/run1.log")"

# The central database down: the stop exits 0 at once (no waiting for a
# deadline), says why it did not push, and the records wait in SQLite.
start "$tmp/run2.log"
pushed() { grep -q "central: the central database holds site north up to record $seq; pushing after each commit" "$tmp/run2.log"; }
wait_for "the push at the second start" pushed
pg_stop
replay "$caps/tcpdump_dhcp-rfc3004.pcap"
stop "$tmp/run2.log"
[ "$stop_ms" -lt 5000 ] || fail "the stop with the central database down took ${stop_ms} ms"
grep -q "central: cannot push site north before stopping: central database (host $PG_SOCKET_DIR, database central): .*; the next start pushes what the central database lacks" "$tmp/run2.log" ||
	fail "the failed last push was not logged: $(grep central: "$tmp/run2.log")"
pg_start
[ "$(local_seq)" -gt "$seq" ] || fail "nothing recorded while the central database was down"
[ "$(central_head)" = "$(q "SELECT seq || ' ' || hash FROM audit WHERE seq = $seq")" ] ||
	fail "central head $(central_head) after a stop with the central database down"
# The next start pushes them.
start "$tmp/run3.log"
wait_for "the push at the next start" in_step
stop "$tmp/run3.log"
in_step || fail "central head $(central_head), local head $(local_head) after the third stop"

# A central server that stops answering with the connection open (its
# processes stopped, as behind a dead link or on a frozen host): the last
# push is ended without a word from the server, not waited on, and the
# stop exits 0 within the push's bound. A cancel request would wait for
# the stopped server's answer.
seq=$(local_seq)
start "$tmp/run3b.log"
pushed() { grep -q "central: the central database holds site north up to record $seq; pushing after each commit" "$tmp/run3b.log"; }
wait_for "the push at the fourth start" pushed
postmaster=$(head -1 "$pg_data/postmaster.pid")
# The postmaster and its children, from /proc (no procps needed).
frozen=$postmaster
for stat in /proc/[0-9]*/stat; do
	read -r pid _ _ ppid _ <"$stat" 2>/dev/null || continue
	[ "$ppid" != "$postmaster" ] || frozen="$frozen $pid"
done
at_exit "kill -CONT $frozen 2>/dev/null || true"
# shellcheck disable=SC2086
kill -STOP $frozen
replay "$caps/tcpdump_3560_CDP.pcap"
stop "$tmp/run3b.log"
# shellcheck disable=SC2086
kill -CONT $frozen
[ "$stop_ms" -lt 15000 ] || fail "the stop with a central server that stopped answering took ${stop_ms} ms"
grep -q "central: the last push did not end within 10s: stopping it; the next start pushes what the central database lacks" "$tmp/run3b.log" ||
	fail "the abandoned last push was not logged: $(grep central: "$tmp/run3b.log")"
[ "$(local_seq)" -gt "$seq" ] || fail "nothing recorded while the central server was stopped"

# A server that takes connections and never answers: the last push gives
# up with the connect timeout, and the stop still exits 0.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
open(sys.argv[2], "w").close()
time.sleep(3600)
' "$port" "$tmp/silent.ready" &
silent_pid=$!
at_exit 'kill "$silent_pid" 2>/dev/null || true'
wait_for "the silent server" test -e "$tmp/silent.ready"
write_conf "postgresql://north@127.0.0.1:$port/central"
start "$tmp/run4.log"
replay "$caps/lldpd_8023bt.pcap"
stop "$tmp/run4.log"
[ "$stop_ms" -lt 15000 ] || fail "the stop with a silent central server took ${stop_ms} ms"
grep -Eq "central: (cannot push site north before stopping: .*|the last push did not end within 10s: stopping it); the next start pushes what the central database lacks" "$tmp/run4.log" ||
	fail "the failed last push was not logged: $(grep central: "$tmp/run4.log")"

# The server answering again: what it missed is pushed at the next start.
write_conf "$(pg_url central north)"
start "$tmp/run5.log"
wait_for "the push after the frozen server" in_step
stop "$tmp/run5.log"

"$vraudit" verify -c "$tmp/admin.conf" --central >"$tmp/verify.out" 2>&1 || fail "verify --central: $(cat "$tmp/verify.out")"
grep -q "every chain intact" "$tmp/verify.out" || fail "verify --central said: $(cat "$tmp/verify.out")"
[ -z "${VRAUDIT_TEST_VERBOSE:-}" ] || cat "$tmp"/run*.log
echo "ok: vrauditd pushes its last commit before it exits, and a stop never waits long for the central database"
