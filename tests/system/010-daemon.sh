#!/usr/bin/env bash
# vrauditd end to end: simulated SNMP agents on loopback and a live capture
# on a veth pair. READY once armed; agents and captured elements appear in
# the database, classified, while it runs; SIGHUP with a new [target] sweeps
# it, a broken configuration is refused and the daemon runs on; SIGTERM
# exits 0 with every scan closed and the database intact.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
. "$src/tests/lib/daemon.sh"
daemon_test_init "network namespace, live capture" snmpsimd snmpget tcpreplay
at_exit 'bash "$src/tests/lib/snmpsim.sh" stop "$tmp/sim"'
caps=$fixtures/captures
fx=$fixtures/snmp
db=$tmp/state/lab.db

port=16171
bash "$src/tests/lib/snmpsim.sh" start "$tmp/sim" \
	127.0.71.1:$port "$fx/huawei-switch.snmprec" \
	127.0.71.2:$port "$fx/cisco-router.snmprec" \
	127.0.71.3:$port "$fx/zte-bridge.snmprec"
veth_setup "$n"

# The daemon becomes nobody: its state directory and configuration are
# that user's, as systemd's StateDirectory= and ConfigurationDirectory= are.
mkdir -p "$tmp/state" "$tmp/etc"
printf 'public\n' >"$tmp/etc/community"
chmod 600 "$tmp/etc/community"
write_conf() {
	cat >"$tmp/etc/vraudit.conf" <<CONF
[database]
path = $db
[snmp]
interval = 1h
; Long enough for a loaded machine's snmpsimd: every target here answers.
timeout = 10s
retries = 0
[target lab]
addresses = 127.0.71.1:$port, 127.0.71.2:$port
community-file = community
zone = core
[capture mirror]
interface = vra-$n
zone = access
CONF
}
write_conf
chown -R nobody:nogroup "$tmp/state" "$tmp/etc"

notify_listen "$tmp/notify.sock" "$tmp/notify.log"
NOTIFY_SOCKET=$tmp/notify.sock "$vrauditd" -f -c "$tmp/etc/vraudit.conf" --user nobody \
	2>"$tmp/daemon.log" &
daemon_pid=$!
wait_ready "$tmp/notify.log" "$daemon_pid" "$tmp/daemon.log"

# The agents, classified, while the daemon runs.
agents() { [ "$(q "SELECT count(*) FROM inventory WHERE mgmt_ip IN ('127.0.71.1', '127.0.71.2')")" = 2 ]; }
wait_for "both agents in the database" agents
row=$(q "SELECT sys_name, vendor, risk, zone FROM inventory WHERE mgmt_ip = '127.0.71.1'")
[ "$row" = "hw-access-1|huawei|high|core" ] || fail "Huawei agent: '$row'"
[ "$(q "SELECT vendor FROM inventory WHERE mgmt_ip = '127.0.71.2'")" = cisco ] || fail "Cisco agent"
swept() { [ "$(q "SELECT count(*) FROM scans WHERE kind = 'snmp' AND status = 'complete' AND responded = 2")" = 1 ]; }
wait_for "the first sweep's scan row to close" swept

# Frames replayed into the far end of the veth pair reach the capture.
ip netns exec "vrt-$n" tcpreplay -q -t -i "vrb-$n" \
	"$caps/tcpdump_LLDP_and_CDP.pcap" "$caps/tcpdump_erspan-type-i-1_huawei-mac.pcap" \
	>"$tmp/tcpreplay.log" 2>&1 || fail "tcpreplay: $(cat "$tmp/tcpreplay.log")"
captured() {
	[ "$(q "SELECT vendor || '|' || risk FROM inventory WHERE sys_name = 'S1.cisco.com'")" = "cisco|none" ] &&
		[ "$(q "SELECT vendor || '|' || risk FROM inventory WHERE mac = '00:25:9e:81:b3:54'")" = "huawei|high" ]
}
wait_for "the captured elements in the database" captured
[ "$(q "SELECT zone FROM inventory WHERE mac = '00:25:9e:81:b3:54'")" = access ] || fail "captured element's zone"
q "SELECT sources FROM inventory WHERE sys_name = 'S1.cisco.com'" | grep -q lldp || fail "S1 not seen by LLDP"
row=$(q "SELECT count(*) FROM scans WHERE kind = 'capture' AND status = 'running' AND targets LIKE 'vra-$n%'")
[ "$row" = 1 ] || fail "no running capture session: '$row'"

# SIGHUP with a broken configuration: refused with its line, the daemon runs on.
cp "$tmp/etc/vraudit.conf" "$tmp/good.conf"
sed -i 's/^interval = 1h$/interval = soon/' "$tmp/etc/vraudit.conf"
kill -HUP "$daemon_pid"
refused() { grep -q 'reload refused: .*vraudit.conf:[0-9]*:' "$tmp/daemon.log"; }
wait_for "the broken configuration to be refused" refused
daemon_alive "$daemon_pid" "$tmp/daemon.log"

# SIGHUP with a new target: swept at once; the capture keeps running.
cp "$tmp/good.conf" "$tmp/etc/vraudit.conf"
cat >>"$tmp/etc/vraudit.conf" <<CONF
[target ran]
addresses = 127.0.71.3:$port
community-file = community
zone = ran
CONF
chown nobody:nogroup "$tmp/etc/vraudit.conf"
kill -HUP "$daemon_pid"
zte() { [ "$(q "SELECT vendor || '|' || risk || '|' || zone FROM inventory WHERE mgmt_ip = '127.0.71.3'")" = "zte|high|ran" ]; }
wait_for "the new target's agent" zte
grep -q 'captures: 1 kept, 0 new, 0 closed' "$tmp/daemon.log" || fail "capture not kept over the reload: $(grep reloaded "$tmp/daemon.log")"
[ "$(q "SELECT count(*) FROM scans WHERE kind = 'capture'")" = 1 ] || fail "the reload reopened the capture"
daemon_alive "$daemon_pid" "$tmp/daemon.log"

# SIGTERM: exit 0, STOPPING=1, every scan closed, the database intact.
daemon_stop
grep -q 'STOPPING=1' "$tmp/notify.log" || fail "no STOPPING=1"
[ "$(q "SELECT count(*) FROM scans WHERE status = 'running'")" = 0 ] || fail "scans left running: $(q 'SELECT * FROM scans')"
row=$(q "SELECT status, frames > 0 FROM scans WHERE kind = 'capture'")
[ "$row" = "complete|1" ] || fail "capture session: '$row'"
# Its responded: the elements it created or brought news of (S1, S2 and
# the Huawei MAC's at least); nothing else wrote to them.
row=$(q "SELECT s.responded || '|' || (SELECT count(*) FROM element e WHERE e.last_scan = s.scan_id
	AND e.merged_into IS NULL) FROM scans s WHERE s.kind = 'capture'")
seen=${row%%|*}
[ "$seen" -ge 3 ] && [ "$row" = "$seen|$seen" ] || fail "capture session's elements seen (responded|written): '$row'"
[ "$(q "SELECT count(*) FROM scans WHERE kind = 'snmp' AND status = 'complete'")" -ge 2 ] || fail "sweeps: $(q 'SELECT * FROM scans')"
[ "$(q 'PRAGMA integrity_check')" = ok ] || fail "integrity_check"
"$vraudit" verify --db "$db" >"$tmp/verify" 2>&1 || fail "audit chain: $(cat "$tmp/verify")"
if grep -q 'cannot write' "$tmp/daemon.log"; then fail "store failures: $(grep 'cannot write' "$tmp/daemon.log")"; fi
[ -z "${VRAUDIT_TEST_VERBOSE:-}" ] || cat "$tmp/daemon.log" "$tmp/notify.log"
echo "ok: vrauditd ran, reloaded and stopped cleanly"
