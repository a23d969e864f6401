#!/usr/bin/env bash
# vraudit scan against simulated agents on loopback: every agent and every
# LLDP/CDP/ARP/bridge neighbour stored with its vendor, risk and zone, links
# from reporter to neighbour, hostile agents costing only their own data,
# values stored verbatim, and packets sent only to the targets.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require snmpsimd snmpget sqlite3 strace
fx=$fixtures/snmp
at_exit 'bash "$src/tests/lib/snmpsim.sh" stop "$tmp/sim"'

# Agents on 127.0.61.1-7; .8 and .9 have no agent (silent).
port=16162
bash "$src/tests/lib/snmpsim.sh" start "$tmp/sim" \
	127.0.61.1:$port "$fx/huawei-switch.snmprec" \
	127.0.61.2:$port "$fx/cisco-router.snmprec" \
	127.0.61.3:$port "$fx/camera-nosystem.snmprec" \
	127.0.61.4:$port "$fx/zte-bridge.snmprec" \
	127.0.61.5:$port "$fx/hostile-types.snmprec" \
	127.0.61.6:$port "$fx/hostile-binary.snmprec" \
	127.0.61.7:$port "$fx/hostile-sql.snmprec"

printf 'public\n' >"$tmp/community"
chmod 600 "$tmp/community"
cat >"$tmp/vraudit.conf" <<CONF
[database]
path = lab.db
[snmp]
; Long enough for a loaded machine's snmpsimd: the answers decide, not
; how fast they come. The silent targets cost this once per sweep.
timeout = 5s
retries = 1
[target lab]
addresses = 127.0.61.1:$port, 127.0.61.2:$port, 127.0.61.3:$port, 127.0.61.4:$port,
    127.0.61.5:$port, 127.0.61.6:$port, 127.0.61.7:$port, 127.0.61.8:$port, 127.0.61.9:$port
community-file = community
zone = mgmt
[zone core]
subnets = 127.0.61.0/30
[zone ran]
subnets = 127.0.61.4/30
CONF
db=$tmp/lab.db

sendlog=$tmp/strace.log
# LeakSanitizer cannot run under ptrace; the later sweeps check leaks.
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
	strace -f -qq -e trace=sendto,sendmsg,connect -o "$sendlog" \
	"$vraudit" scan -c "$tmp/vraudit.conf" --quiet >"$tmp/out" 2>"$tmp/err" ||
	fail "scan exited $?: $(cat "$tmp/err")"
grep -q '^targets: *9 (7 answered, 2 silent, 0 refused or failed)$' "$tmp/out" ||
	fail "summary: $(cat "$tmp/out") $(cat "$tmp/err")"

# Scope: every packet went to a loopback target, never to a neighbour's address.
grep -oE 'inet_addr\("[0-9.]+"\)' "$sendlog" | sort -u >"$tmp/dests"
[ -s "$tmp/dests" ] || fail "strace saw no destination"
if grep -v '"127\.' "$tmp/dests"; then fail "packets left loopback"; fi
if grep -q '192\.0\.2\.' "$tmp/dests"; then fail "a neighbour was contacted"; fi

row=$(q "SELECT sys_name, vendor, risk, zone, model FROM inventory WHERE mgmt_ip = '127.0.61.1'")
[ "$row" = "hw-access-1|huawei|high|core|S5720-28X-SI-AC" ] || fail "Huawei switch: '$row'"
hw=$(q "SELECT element_id FROM inventory WHERE mgmt_ip = '127.0.61.1'")
q "SELECT value, vendor FROM evidence WHERE element_id = $hw AND kind = 'component'" |
	grep -q '^HISILICON|huawei$' || fail "HiSilicon optic not recorded as component evidence"
[ "$(q "SELECT value FROM evidence WHERE element_id = $hw AND kind = 'sysobjectid'")" = 1.3.6.1.4.1.2011.2.23.374 ] ||
	fail "sysObjectID evidence"

# LLDP neighbours of the Huawei switch: elements of their own, linked to it,
# never contacted, in the zone of the section that found them.
row=$(q "SELECT vendor, risk, mgmt_ip, zone FROM inventory WHERE sys_name = 'zte-agg-7'")
[ "$row" = "zte|high|192.0.2.7|mgmt" ] || fail "ZTE LLDP neighbour: '$row'"
row=$(q "SELECT vendor, risk FROM inventory WHERE sys_name = 'cam-lobby'")
[ "$row" = "hikvision|high" ] || fail "camera LLDP neighbour: '$row'"
n=$(q "SELECT count(*) FROM element_link WHERE element_id = $hw AND protocol = 'lldp'")
[ "$n" -ge 2 ] || fail "Huawei switch has $n LLDP links"

# CDP neighbours of the Cisco router.
cisco=$(q "SELECT element_id FROM inventory WHERE mgmt_ip = '127.0.61.2'")
[ "$(q "SELECT vendor FROM inventory WHERE element_id = $cisco")" = cisco ] || fail "Cisco router vendor"
row=$(q "SELECT i.sys_name, i.vendor, i.risk FROM element_link l JOIN inventory i
	ON i.element_id = l.neighbour_id WHERE l.element_id = $cisco AND l.protocol = 'cdp' ORDER BY 1")
[ "$row" = "$(printf 'ne40e-core-1|huawei|high\nsw-floor3.example.net|cisco|none')" ] || fail "CDP neighbours: '$row'"

# The camera without a system group is still an element, named by its MAC.
row=$(q "SELECT vendor, risk, zone FROM inventory WHERE mgmt_ip = '127.0.61.3'")
[ "$row" = "hikvision|high|core" ] || fail "camera without system group: '$row'"

# ZTE bridge: ARP and forwarding-table neighbours.
zte=$(q "SELECT element_id FROM inventory WHERE mgmt_ip = '127.0.61.4'")
[ "$(q "SELECT vendor || '|' || zone FROM inventory WHERE element_id = $zte")" = "zte|ran" ] || fail "ZTE bridge"
[ "$(q "SELECT count(*) FROM element_link WHERE element_id = $zte AND protocol = 'fdb'")" -ge 1 ] ||
	fail "no forwarding-table neighbours"
[ "$(q "SELECT count(*) FROM element_link WHERE element_id = $zte AND protocol = 'arp'")" -ge 1 ] ||
	fail "no ARP neighbours"

# Hostile agents cost only their own data; their elements exist.
[ "$(q "SELECT count(*) FROM inventory WHERE mgmt_ip IN ('127.0.61.5', '127.0.61.6', '127.0.61.7')")" = 3 ] ||
	fail "hostile agents' elements missing"
descr=$(q "SELECT sys_descr FROM inventory WHERE mgmt_ip = '127.0.61.7'")
[ "$descr" = "Robert'); DROP TABLE element;-- \"quoted\" %s %n" ] || fail "SQL sysDescr not verbatim: '$descr'"
[ "$(q "SELECT sys_name FROM inventory WHERE mgmt_ip = '127.0.61.7'")" = "x' OR '1'='1" ] || fail "sysName not verbatim"
# Bytes that are not UTF-8 are kept as they came (a BLOB), trailing NULs
# dropped, nothing escaped.
row=$(q "SELECT typeof(sys_descr) || '|' || hex(sys_descr) FROM inventory WHERE mgmt_ip = '127.0.61.6'")
[ "$row" = "blob|5A5445005A58523130FFFE206261636B5C736C61736820636166C3A920C0AF20656E64" ] ||
	fail "binary sysDescr not kept as its bytes: '$row'"

row=$(q "SELECT kind, status, responded FROM scans")
[ "$row" = "snmp|complete|7" ] || fail "scan row: '$row'"
q "SELECT detail FROM scans" | grep -q 'did not answer' || fail "scan detail does not count silent targets"

# A second sweep finds nothing new and updates what it saw.
"$vraudit" scan -c "$tmp/vraudit.conf" --quiet >"$tmp/out2" || fail "second scan"
grep -q '^elements: *0 new, [1-9][0-9]* updated$' "$tmp/out2" || fail "second scan: $(cat "$tmp/out2")"

# One-off targets on the command line, and usage errors.
db2=$tmp/oneoff.db
"$vraudit" scan --db "$db2" --community-file "$tmp/community" --port $port --timeout 5s --quiet \
	127.0.61.2 >"$tmp/out3" || fail "one-off scan"
grep -q '^targets: *1 (1 answered' "$tmp/out3" || fail "one-off: $(cat "$tmp/out3")"
set +e
"$vraudit" scan --db "$db2" 127.0.61.2 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] || fail "target without credentials: exit $rc"
grep -q 'community' "$tmp/err" || fail "no hint about credentials"
chmod 644 "$tmp/community"
"$vraudit" scan --db "$db2" --community-file "$tmp/community" 127.0.61.2 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] || fail "world-readable community file: exit $rc"
grep -q 'readable by others' "$tmp/err" || fail "permission not named: $(cat "$tmp/err")"
set -e
echo ok
