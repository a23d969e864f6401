#!/usr/bin/env bash
# vrauditd killed with SIGKILL 20 times in a row during heavy capture
# ingest, restarted each time: the database passes integrity_check after
# every kill, no committed element is ever lost (the count never goes down
# from one kill to the next), and the capture sessions the kills cut short
# end up 'interrupted', never 'running' or 'complete'. ($VRAUDIT_KILLS sets
# the number of kills: tests/meson.build asks for fewer in the sanitizer
# builds.)
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
. "$src/tests/lib/daemon.sh"
daemon_test_init "network namespace, live capture" tcpreplay
kills=${VRAUDIT_KILLS:-20}
replay_pid=
at_exit '[ -z "$replay_pid" ] || kill "$replay_pid" 2>/dev/null'
db=$tmp/state/kill.db

veth_setup "$n"
mkdir -p "$tmp/state" "$tmp/etc"
cat >"$tmp/etc/vraudit.conf" <<CONF
[database]
path = $db
[capture mirror]
interface = vra-$n
zone = access
CONF
chown -R nobody:nogroup "$tmp/state" "$tmp/etc"

# A MAC the database already holds is not news to a new capture: a run
# adds elements only from MACs no earlier run was sent. So each run
# replays a range of its own, run i the MACs (i-1)*per_run to
# i*per_run-1, and its first commit always adds elements, however many
# earlier runs stored.
per_run=20000
replay() {
	if [ -n "$replay_pid" ]; then
		kill "$replay_pid" 2>/dev/null || true
		wait "$replay_pid" 2>/dev/null || true
		replay_pid=
	fi
	"$build/tests/bench/gen_capture" "$tmp/heavy.pcap" $((2 * per_run)) "$per_run" \
		"$1" $((($1 - 1) * per_run)) >/dev/null
	ip netns exec "vrt-$n" tcpreplay -q --loop=0 --pps=40000 -i "vrb-$n" "$tmp/heavy.pcap" \
		>>"$tmp/tcpreplay.log" 2>&1 &
	replay_pid=$!
}

notify_listen "$tmp/notify.sock" "$tmp/notify.log"
start() {
	: >"$tmp/notify.log"
	NOTIFY_SOCKET=$tmp/notify.sock "$vrauditd" -f -c "$tmp/etc/vraudit.conf" \
		--user nobody 2>>"$tmp/daemon.log" &
	daemon_pid=$!
	wait_ready "$tmp/notify.log" "$daemon_pid" "$tmp/daemon.log"
}
count() { q "SELECT count(*) FROM element"; }

grew() { [ "$(count)" -gt "$prev" ]; }
prev=0
for i in $(seq "$kills"); do
	replay "$i"
	start
	# Kill once this run has committed something of its own, at a
	# varying moment inside its next batches. The sleep is not waiting
	# for anything: it is the random part of where the kill falls.
	wait_for "run $i to commit elements (at $prev)" grew
	sleep "0.$((RANDOM % 5))"
	daemon_kill
	[ "$(q 'PRAGMA integrity_check')" = ok ] || fail "integrity_check after kill $i"
	now=$(count)
	[ "$now" -ge "$prev" ] || fail "kill $i: elements went down from $prev to $now"
	prev=$now
done

# One more start marks the last run's session; then a clean stop.
replay $((kills + 1))
start
daemon_stop
[ "$(q 'PRAGMA integrity_check')" = ok ] || fail "integrity_check at the end"
"$vraudit" verify --db "$db" >"$tmp/verify" 2>&1 || fail "audit chain: $(cat "$tmp/verify")"
[ "$(count)" -ge "$prev" ] || fail "elements went down at the end"
[ "$(q "SELECT count(*) FROM scans WHERE status = 'running'")" = 0 ] || fail "scans left running"
[ "$(q "SELECT count(*) FROM scans WHERE kind = 'capture' AND status = 'interrupted'")" = "$kills" ] ||
	fail "interrupted sessions: $(q "SELECT status, count(*) FROM scans GROUP BY status")"
[ "$(q "SELECT status FROM scans ORDER BY scan_id DESC LIMIT 1")" = complete ] || fail "last session not complete"
if grep -q 'cannot write' "$tmp/daemon.log"; then fail "store failures: $(grep 'cannot write' "$tmp/daemon.log" | head -3)"; fi
echo "ok: $kills kills, $prev elements kept, database intact"
