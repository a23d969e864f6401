#!/usr/bin/env bash
# First-hand beats second-hand, whatever the order: an agent that answers
# SNMP itself and is also named, under another name and address, in
# another agent's LLDP table keeps its own name and the address it was
# polled at (the other address stays among its addresses), whichever agent
# the sweep asks first; a switch whose LLDP and DHCP name it differently in
# the same second keeps its LLDP name, whichever frame comes first in the
# capture. The views say where sys_name and mgmt_ip come from.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require snmpsimd snmpget sqlite3
require_python
at_exit 'bash "$src/tests/lib/snmpsim.sh" stop "$tmp/sim"'

port=16163
# Agent A (Cisco) reports B in its LLDP table as "b-old-name" at 10.63.0.99.
cat >"$tmp/a.snmprec" <<'REC'
1.0.8802.1.1.2.1.3.1.0|2|4
1.0.8802.1.1.2.1.3.2.0|4x|0019c6630001
1.0.8802.1.1.2.1.4.1.1.4.0.5.1|2|4
1.0.8802.1.1.2.1.4.1.1.5.0.5.1|4x|00e0fc630002
1.0.8802.1.1.2.1.4.1.1.6.0.5.1|2|5
1.0.8802.1.1.2.1.4.1.1.7.0.5.1|4|ge-0/0/1
1.0.8802.1.1.2.1.4.1.1.9.0.5.1|4|b-old-name
1.0.8802.1.1.2.1.4.1.1.10.0.5.1|4|stale description
1.0.8802.1.1.2.1.4.2.1.3.0.5.1.1.4.10.63.0.99|2|2
1.3.6.1.2.1.1.1.0|4|Cisco IOS Software, C3560 Software
1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.9.1.1
1.3.6.1.2.1.1.5.0|4|agg-a
1.3.6.1.2.1.2.2.1.6.1|4x|0019c6630001
REC
# Agent B (Huawei) answers for itself as "core-b".
cat >"$tmp/b.snmprec" <<'REC'
1.0.8802.1.1.2.1.3.1.0|2|4
1.0.8802.1.1.2.1.3.2.0|4x|00e0fc630002
1.3.6.1.2.1.1.1.0|4|Huawei Versatile Routing Platform Software
1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.2011.2.224.67
1.3.6.1.2.1.1.5.0|4|core-b
1.3.6.1.2.1.2.2.1.6.1|4x|00e0fc630002
REC
bash "$src/tests/lib/snmpsim.sh" start "$tmp/sim" \
	127.0.63.1:$port "$tmp/a.snmprec" 127.0.63.2:$port "$tmp/b.snmprec"
printf 'public\n' >"$tmp/community"
chmod 600 "$tmp/community"

# The element B, as an auditor reads it, without its element number.
b_row() {
	q "SELECT sys_name, mgmt_ip, sys_name_source, mgmt_ip_source,
	    (SELECT group_concat(value, ',') FROM (SELECT value FROM
	    element_address a WHERE a.element_id = i.element_id AND
	    a.kind = 'ipv4' ORDER BY value)), vendor
	    FROM inventory i WHERE mac = '00:e0:fc:63:00:02'"
}

# One target at a time, in each order: A's table first, then B itself,
# and the other way round.
for order in "127.0.63.1:$port, 127.0.63.2:$port" "127.0.63.2:$port, 127.0.63.1:$port"; do
	db=$tmp/scan-${order%%:*}.db
	cat >"$tmp/vraudit.conf" <<CONF
[snmp]
timeout = 5s
max-inflight = 1
[target lab]
addresses = $order
community-file = community
CONF
	"$vraudit" scan -c "$tmp/vraudit.conf" --db "$db" --quiet >"$tmp/out" 2>"$tmp/err" ||
		fail "scan ($order) exited $?: $(cat "$tmp/err")"
	row=$(b_row)
	[ "$row" = "core-b|127.0.63.2|snmp|snmp|10.63.0.99,127.0.63.2|huawei" ] ||
		fail "sweep $order: B is '$row'"
	[ "$(q "SELECT count(*) FROM inventory")" = 2 ] ||
		fail "sweep $order: $(q "SELECT * FROM inventory")"
done

# Captures: LLDP and DHCP from one switch in the same second, in both
# orders. The frames come from the lab's capture writer.
python3 - "$src/scripts/lab-capture.py" "$tmp" <<'PY'
import importlib.machinery, struct, sys
lab = importlib.machinery.SourceFileLoader("lab", sys.argv[1]).load_module()
sw = "28:6e:d4:63:00:01"
lldp = lab.lldp(sw, "sw-lldp", "Switch", "port 7")
dhcp = lab.dhcp_request(sw, 0x6301, "10.63.1.5", "sw-dhcp", "udhcp 1.30")
for name, frames in (("lldp-first", (lldp, dhcp)), ("dhcp-first", (dhcp, lldp))):
    with open(f"{sys.argv[2]}/{name}.pcap", "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, frame in enumerate(frames):
            f.write(struct.pack("<IIII", lab.T0, i, len(frame), len(frame)))
            f.write(frame)
PY
for name in lldp-first dhcp-first; do
	db=$tmp/$name.db
	"$vraudit" ingest --db "$db" --quiet "$tmp/$name.pcap" >"$tmp/out" 2>"$tmp/err" ||
		fail "ingest $name exited $?: $(cat "$tmp/err")"
	row=$(q "SELECT sys_name, sys_name_source FROM inventory WHERE mac = '$(echo 28:6e:d4:63:00:01)'")
	[ "$row" = "sw-lldp|lldp" ] || fail "capture $name: the switch is '$row'"
done
echo "019-first-hand: ok"
