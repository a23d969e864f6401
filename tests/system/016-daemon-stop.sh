#!/usr/bin/env bash
# SIGTERM while a sweep waits on a silent target: vrauditd exits 0 without
# waiting for the sweep's end (which is 11 minutes away), the sweep's scan
# row says 'interrupted', never 'complete', and the capture session closes
# as 'complete'. Also SIGINT.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
. "$src/tests/lib/daemon.sh"
daemon_test_init "network namespace, live capture"
db=$tmp/state/stop.db

veth_setup "$n"
mkdir -p "$tmp/state" "$tmp/etc"
printf 'public\n' >"$tmp/etc/community"
chmod 600 "$tmp/etc/community"
# No agent listens on 127.0.76.1:16176: the sweep would wait the longest
# timeout eleven times, far longer than the test waits for the daemon to
# exit (VRAUDIT_TEST_PATIENCE). Had it waited for the sweep, the row would
# say 'complete'.
cat >"$tmp/etc/vraudit.conf" <<CONF
[database]
path = $db
[snmp]
timeout = 60s
retries = 10
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
	NOTIFY_SOCKET=$tmp/notify.sock "$vrauditd" -f -c "$tmp/etc/vraudit.conf" --user nobody \
		2>"$tmp/daemon.log" &
	daemon_pid=$!
	wait_ready "$tmp/notify.log" "$daemon_pid" "$tmp/daemon.log"
	running() { [ "$(q "SELECT count(*) FROM scans WHERE status = 'running'")" = 2 ]; }
	wait_for "the sweep and the capture session to be recorded" running
	daemon_signal "$sig"
	[ $daemon_rc -eq 0 ] || fail "vrauditd exited $daemon_rc on SIG$sig"
	row=$(q "SELECT status FROM scans WHERE kind = 'snmp' ORDER BY scan_id DESC LIMIT 1")
	[ "$row" = interrupted ] || fail "sweep cut short by SIG$sig: '$row'"
	row=$(q "SELECT status FROM scans WHERE kind = 'capture' ORDER BY scan_id DESC LIMIT 1")
	[ "$row" = complete ] || fail "capture session after SIG$sig: '$row'"
	grep -q 'STOPPING=1' "$tmp/notify.log" || fail "no STOPPING=1 on SIG$sig"
done
q "SELECT detail FROM scans WHERE kind = 'snmp'" | grep -q 'stopped before' || fail "no reason for the interrupted sweep"
[ "$(q 'PRAGMA integrity_check')" = ok ] || fail "integrity_check"
echo "ok: a stop during a sweep marks it interrupted and closes the capture"
