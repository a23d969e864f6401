#!/usr/bin/env bash
# SIGTERM while a sweep waits on a silent target: vrauditd exits 0 at once
# (not after the timeout), the sweep's scan row says 'interrupted', never
# 'complete', and the capture session closes as 'complete'. Also SIGINT.
set -euo pipefail
build=${VRAUDIT_BUILD_ROOT:?}
src=${VRAUDIT_SOURCE_ROOT:?}
fail() { echo "FAIL: $*" >&2; exit 1; }
. "$src/tests/lib/daemon.sh"
daemon_test_init "network namespace, live capture" python3 sqlite3
db=$tmp/state/stop.db
q() { sqlite3 -batch -noheader -cmd '.timeout 5000' "file:$db?mode=ro" "$1"; }

veth_setup "$n"
mkdir -p "$tmp/state" "$tmp/etc"
printf 'public\n' >"$tmp/etc/community"
chmod 600 "$tmp/etc/community"
# No agent listens on 127.0.76.1:16176: the sweep waits the whole timeout.
cat >"$tmp/etc/vraudit.conf" <<CONF
[database]
path = $db
[snmp]
timeout = 30s
retries = 0
[target silent]
addresses = 127.0.76.1:16176
community-file = community
[capture mirror]
interface = vra-$n
CONF
chown -R nobody:nogroup "$tmp/state" "$tmp/etc"
notify_listen "$tmp/notify.sock" "$tmp/notify.log"

for sig in TERM INT; do
	: >"$tmp/notify.log"
	NOTIFY_SOCKET=$tmp/notify.sock "$build/vrauditd" -f -c "$tmp/etc/vraudit.conf" --user nobody \
		2>"$tmp/daemon.log" &
	daemon_pid=$!
	wait_ready "$tmp/notify.log" "$daemon_pid" "$tmp/daemon.log"
	running() { [ "$(q "SELECT count(*) FROM scans WHERE status = 'running'")" = 2 ]; }
	wait_for 10 "the sweep and the capture session to be recorded" running
	t0=$SECONDS
	kill -"$sig" "$daemon_pid"
	rc=0
	wait "$daemon_pid" || rc=$?
	daemon_pid=
	[ $rc -eq 0 ] || fail "vrauditd exited $rc on SIG$sig"
	[ $((SECONDS - t0)) -lt 10 ] || fail "SIG$sig took $((SECONDS - t0))s: it waited for the sweep"
	row=$(q "SELECT status FROM scans WHERE kind = 'snmp' ORDER BY scan_id DESC LIMIT 1")
	[ "$row" = interrupted ] || fail "sweep cut short by SIG$sig: '$row'"
	row=$(q "SELECT status FROM scans WHERE kind = 'capture' ORDER BY scan_id DESC LIMIT 1")
	[ "$row" = complete ] || fail "capture session after SIG$sig: '$row'"
	grep -q 'STOPPING=1' "$tmp/notify.log" || fail "no STOPPING=1 on SIG$sig"
done
q "SELECT detail FROM scans WHERE kind = 'snmp'" | grep -q 'stopped before' || fail "no reason for the interrupted sweep"
[ "$(q 'PRAGMA integrity_check')" = ok ] || fail "integrity_check"
echo "ok: a stop during a sweep marks it interrupted and closes the capture"
