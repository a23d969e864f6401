#!/usr/bin/env bash
# Control frames are never lost to load: with the MAC path overloaded (a
# 1 MiB ring, and the daemon stopped while 200,000 small frames from 50,000
# new MACs arrive), every one of the 300 LLDP advertisements and 200 ARP
# requests spread among them reaches the database, but the ARP request the
# capture's filter leaves out; the MAC path's drops are counted and told
# (the log, STATUS, the capture session's scans row) and the control
# path's count stays at zero.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
. "$src/tests/lib/daemon.sh"
daemon_test_init "network namespace, live capture" tcpreplay
db=$tmp/state/cp.db

python3 "$src/tests/lib/flood.py" "$tmp/flood.pcap" 200000 50000 300 200
veth_setup "$n"
mkdir -p "$tmp/state" "$tmp/etc"
cat >"$tmp/etc/vraudit.conf" <<CONF
[database]
path = $db
[capture mirror]
interface = vra-$n
buffer-size = 1M
filter = not ether src 02:aa:00:00:00:07
CONF
chown -R nobody:nogroup "$tmp/state" "$tmp/etc"

notify_listen "$tmp/notify.sock" "$tmp/notify.log"
NOTIFY_SOCKET=$tmp/notify.sock "$vrauditd" -f -c "$tmp/etc/vraudit.conf" --user nobody \
	2>"$tmp/daemon.log" &
daemon_pid=$!
wait_ready "$tmp/notify.log" "$daemon_pid" "$tmp/daemon.log"
running() { [ "$(q "SELECT count(*) FROM scans WHERE kind = 'capture' AND status = 'running'")" = 1 ]; }
wait_for "the capture session" running

# The daemon reads nothing while the flood arrives: far more than the MAC
# path's ring holds, whatever the speed of this machine.
kill -STOP "$daemon_pid"
ip netns exec "vrt-$n" tcpreplay -q -t -i "vrb-$n" "$tmp/flood.pcap" \
	>"$tmp/tcpreplay.log" 2>&1 || { kill -CONT "$daemon_pid"; fail "tcpreplay: $(cat "$tmp/tcpreplay.log")"; }
kill -CONT "$daemon_pid"

speakers() { q "SELECT count(*) FROM element WHERE sys_name LIKE 'ctl-sw-%'"; }
askers() { q "SELECT count(*) FROM element_address WHERE kind = 'ipv4' AND value LIKE '10.200.%'"; }
wait_growth "the 300 LLDP speakers" 300 speakers
wait_growth "the 199 ARP senders the filter passes" 199 askers
# The MAC path's loss is told, the control path's count is zero.
told() { grep -q "STATUS=.*mirror [0-9]* frames, [1-9][0-9]* dropped, control 499 frames, 0 dropped" "$tmp/notify.log"; }
wait_for "STATUS with the drops of each path" told
daemon_stop
grep -q "\[capture mirror\] vra-$n: MAC path: [1-9][0-9]* frame(s) dropped by the kernel" "$tmp/daemon.log" ||
	fail "no MAC path drops logged: $(tail -5 "$tmp/daemon.log")"
! grep -q "control path: [1-9]" "$tmp/daemon.log" || fail "control frames dropped: $(grep 'control path' "$tmp/daemon.log")"
detail=$(q "SELECT detail FROM scans WHERE kind = 'capture'")
[[ "$detail" =~ ^MAC\ path:\ [1-9][0-9]*\ frame\(s\)\ dropped\ by\ the\ kernel,\ 0\ by\ the\ interface\;\ control\ path:\ 0\ of\ 499\ control\ frame\(s\)\ dropped ]] ||
	fail "scans detail: $detail"
[ "$(speakers)" = 300 ] || fail "$(speakers) of 300 LLDP speakers"
[ "$(askers)" = 199 ] || fail "$(askers) ARP senders, not the 199 the filter passes"
[ "$(q "SELECT count(*) FROM element_address WHERE value = '02:aa:00:00:00:07'")" = 0 ] ||
	fail "the filtered ARP sender was recorded"
[ "$(q "SELECT count(*) FROM inventory WHERE sys_name LIKE 'ctl-sw-%' AND risk = 'high'")" = 300 ] ||
	fail "the speakers are not all classified"
[ "$(q 'PRAGMA integrity_check')" = ok ] || fail "integrity_check"
echo "ok: 300 LLDP speakers and 199 ARP senders recorded while the MAC path dropped"
