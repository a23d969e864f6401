#!/usr/bin/env bash
# A capture interface that disappears and comes back: vrauditd closes the
# session as 'failed' with the reason, keeps running, reopens the interface
# once it exists again (a new 'running' session) and captures from it.
# The daemon runs as systemd's unit runs it: an unprivileged user with
# only CAP_NET_RAW (ambient), which reopening needs.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
caps=$fixtures/captures
. "$src/tests/lib/daemon.sh"
daemon_test_init "network namespace, live capture" tcpreplay setpriv
db=$tmp/state/if.db

veth_setup "$n"
mkdir -p "$tmp/state" "$tmp/etc"
cat >"$tmp/etc/vraudit.conf" <<CONF
[database]
path = $db
[capture mirror]
interface = vra-$n
CONF
chown -R nobody:nogroup "$tmp/state" "$tmp/etc"

notify_listen "$tmp/notify.sock" "$tmp/notify.log"
NOTIFY_SOCKET=$tmp/notify.sock setpriv --reuid=nobody --regid=nogroup --clear-groups \
	--inh-caps=-all,+net_raw --ambient-caps=-all,+net_raw --bounding-set=-all,+net_raw \
	"$vrauditd" -f -c "$tmp/etc/vraudit.conf" 2>"$tmp/daemon.log" &
daemon_pid=$!
wait_ready "$tmp/notify.log" "$daemon_pid" "$tmp/daemon.log"
running() { [ "$(q "SELECT count(*) FROM scans WHERE kind = 'capture' AND status = 'running'")" = 1 ]; }
wait_for "the capture session" running

# The interface goes away.
veth_cleanup "$n"
closed() { [ "$(q "SELECT count(*) FROM scans WHERE kind = 'capture' AND status = 'failed'")" = 1 ]; }
wait_for "the session to close as failed" closed
[ -n "$(q "SELECT detail FROM scans WHERE status = 'failed'")" ] || fail "no reason in the failed session"
daemon_alive "$daemon_pid" "$tmp/daemon.log"

# It comes back: reopened with backoff, a new session, frames captured.
veth_setup "$n"
reopened() { running && [ "$(q "SELECT count(*) FROM scans WHERE kind = 'capture'")" = 2 ]; }
wait_for "the interface to be reopened" reopened
ip netns exec "vrt-$n" tcpreplay -q -t -i "vrb-$n" "$caps/tcpdump_erspan-type-i-1_huawei-mac.pcap" \
	>"$tmp/tcpreplay.log" 2>&1 || fail "tcpreplay: $(cat "$tmp/tcpreplay.log")"
seen() { [ "$(q "SELECT risk FROM inventory WHERE mac = '00:25:9e:81:b3:54'")" = high ]; }
wait_for "frames captured after the reopen" seen
[ "$(awk '/^Uid:/ { print $2 }' "/proc/$daemon_pid/status")" = 65534 ] || fail "not running as nobody"

daemon_stop
[ "$(q "SELECT count(*) FROM scans WHERE status = 'running'")" = 0 ] || fail "a session left running"
[ "$(q 'PRAGMA integrity_check')" = ok ] || fail "integrity_check"
echo "ok: the lost interface closed its session and was reopened"
