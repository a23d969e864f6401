#!/usr/bin/env bash
# vrauditd restarted on a mirror port: the capture starts from what the
# database holds, so the same hosts seen again within the refresh interval
# are not written again (their elements keep the first session as their
# last scan), while a host new to the database is recorded at once. Also
# LLDP seen again with the same content is no news.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
caps=$fixtures/captures
. "$src/tests/lib/daemon.sh"
daemon_test_init "network namespace, live capture" tcpreplay
db=$tmp/state/restart.db

# 100 hosts (UDP from each, then an ARP from each), and one more host.
python3 - "$tmp/hosts.pcap" "$tmp/newhost.pcap" <<'PY'
import struct, sys, time
def pcap(path, frames):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        t = int(time.time())
        for fr in frames:
            fr = fr + bytes(max(0, 60 - len(fr)))
            f.write(struct.pack('<IIII', t, 0, len(fr), len(fr)) + fr)
def mac(i): return bytes([0x00, 0x25, 0x9e, 0x10, i >> 8, i & 0xff])
def udp(i):
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 28, 0, 0, 64, 17, 0,
                     bytes([10, 9, 0, i]), bytes([10, 9, 1, 1]))
    return bytes([0x02, 0, 0, 0, 0, 1]) + mac(i) + b'\x08\x00' + ip + struct.pack('!HHHH', 40000, 443, 8, 0)
def arp(i):
    return (b'\xff' * 6 + mac(i) + b'\x08\x06' + struct.pack('!HHBBH', 1, 0x0800, 6, 4, 1)
            + mac(i) + bytes([10, 9, 0, i]) + bytes(6) + bytes([10, 9, 1, 1]))
pcap(sys.argv[1], [udp(i) for i in range(1, 101)] + [arp(i) for i in range(1, 101)])
pcap(sys.argv[2], [udp(200)])
PY

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

start() {
	: >"$tmp/notify.log"
	NOTIFY_SOCKET=$tmp/notify.sock "$vrauditd" -f -c "$tmp/etc/vraudit.conf" --user nobody \
		2>>"$daemon_log" &
	daemon_pid=$!
	wait_ready "$tmp/notify.log" "$daemon_pid" "$daemon_log"
}
replay() {
	ip netns exec "vrt-$n" tcpreplay -q -t -i "vrb-$n" "$@" \
		>"$tmp/tcpreplay.log" 2>&1 || fail "tcpreplay: $(cat "$tmp/tcpreplay.log")"
}

# First session: 100 hosts with their addresses, and the LLDP/CDP switch.
start
replay "$tmp/hosts.pcap" "$caps/tcpdump_LLDP_and_CDP.pcap"
hosts() { [ "$(q "SELECT count(*) FROM element_address WHERE kind = 'ipv4' AND value LIKE '10.9.0.%'")" = 100 ]; }
wait_for "the 100 hosts and their addresses" hosts
switch() { [ "$(q "SELECT count(*) FROM inventory WHERE sys_name = 'S1.cisco.com'")" = 1 ]; }
wait_for "the LLDP/CDP switch" switch
daemon_stop
first=$(q "SELECT scan_id FROM scans WHERE kind = 'capture'")
[ "$(q "SELECT count(*) FROM element WHERE last_scan = $first")" -ge 101 ] ||
	fail "first session's elements: $(q "SELECT count(*) FROM element WHERE last_scan = $first")"
known=$(q "SELECT max(id) FROM element")
# One line per element, in id order (group_concat's order is not the
# query's ORDER BY, and the plan may differ between the two reads).
rows() { q "SELECT id || ':' || last_seen || ':' || last_scan FROM element WHERE id <= $known ORDER BY id"; }
before=$(rows)

# Second session: the same frames again, then a new host. The new host
# is recorded; nothing the database held is written again.
start
replay "$tmp/hosts.pcap" "$caps/tcpdump_LLDP_and_CDP.pcap" "$tmp/newhost.pcap"
newhost() { [ "$(q "SELECT count(*) FROM inventory WHERE mac = '00:25:9e:10:00:c8'")" = 1 ]; }
wait_for "the new host" newhost
daemon_stop
second=$(q "SELECT max(scan_id) FROM scans WHERE kind = 'capture'")
[ "$second" != "$first" ] || fail "no second capture session"
frames=$(q "SELECT frames FROM scans WHERE scan_id = $second")
[ "$frames" -ge 201 ] || fail "second session handled $frames frames"
[ "$(q "SELECT last_scan FROM element e JOIN element_address a ON a.element_id = e.id WHERE a.value = '00:25:9e:10:00:c8'")" = "$second" ] ||
	fail "the new host is not in the second session"
after=$(rows)
[ "$before" = "$after" ] || fail "known elements were written again (id:last_seen:last_scan): $(
	diff <(echo "$before") <(echo "$after") | grep '^[<>]' | head -20 | tr '\n' ' ')"
[ "$(q 'PRAGMA integrity_check')" = ok ] || fail "integrity_check"
echo "ok: a restarted capture writes only what the database does not hold"
