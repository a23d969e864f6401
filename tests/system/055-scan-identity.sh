#!/usr/bin/env bash
# Which rows of an agent's tables are one box, and which MACs say nothing
# about a box: one CDP neighbour on two links is one element with both
# addresses and a link per local port, while two neighbours that only share
# a factory hostname stay two; an LLDP neighbour on two links is one
# element; a placeholder interface MAC neither names the chassis nor joins
# two agents carrying it; an ARP entry with a placeholder MAC is no element.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require snmpsimd snmpget sqlite3
fx=$fixtures/snmp
at_exit 'bash "$src/tests/lib/snmpsim.sh" stop "$tmp/sim"'

port=16255
bash "$src/tests/lib/snmpsim.sh" start "$tmp/sim" \
	127.0.55.1:$port "$fx/cisco-parallel.snmprec" \
	127.0.55.2:$port "$fx/nokia-placeholder.snmprec" \
	127.0.55.3:$port "$fx/radio-placeholder.snmprec"

printf 'public\n' >"$tmp/community"
chmod 600 "$tmp/community"
db=$tmp/identity.db
scan() {
	"$vraudit" scan --db "$db" --community-file "$tmp/community" --port $port \
		--timeout 5s --retries 1 --quiet 127.0.55.1 127.0.55.2 127.0.55.3 >"$tmp/out" 2>"$tmp/err" ||
		fail "scan exited $?: $(cat "$tmp/err")"
	grep -q '^targets: *3 (3 answered' "$tmp/out" || fail "summary: $(cat "$tmp/out")"
}
scan

# The CDP neighbour on Serial0/0/0 and Serial0/0/1: one element, both
# addresses, a link on each of the router's two interfaces.
rtr=$(q "SELECT element_id FROM inventory WHERE mgmt_ip = '127.0.55.1'")
[ -n "$rtr" ] || fail "no element for the router"
ids=$(q "SELECT element_id FROM inventory WHERE sys_name = 'pe-core-9.example.net'")
[ "$(printf '%s\n' "$ids" | wc -l)" = 1 ] || fail "CDP neighbour on two links stored as: $ids"
addrs=$(q "SELECT group_concat(value, ' ') FROM (SELECT value FROM element_address
	WHERE element_id = $ids AND kind = 'ipv4' ORDER BY value)")
[ "$addrs" = "192.0.2.37 192.0.2.58" ] || fail "CDP neighbour's addresses: '$addrs'"
links=$(q "SELECT group_concat(local_port || '>' || remote_port, ' ') FROM (SELECT * FROM element_link
	WHERE element_id = $rtr AND neighbour_id = $ids AND protocol = 'cdp' ORDER BY local_port)")
[ "$links" = "3>Serial0/0/0 4>Serial0/0/1" ] || fail "CDP links: '$links'"
"$vraudit" elements --db "$db" --format csv >"$tmp/elements.csv" || fail "elements"
[ "$(grep -c 'pe-core-9.example.net' "$tmp/elements.csv")" = 1 ] ||
	fail "listing shows the CDP neighbour $(grep -c 'pe-core-9' "$tmp/elements.csv") times"

# Two switches named by their factory hostname: a name many boxes carry.
n=$(q "SELECT count(*) FROM inventory WHERE sys_name = 'Switch'")
[ "$n" = 2 ] || fail "$n elements for the two switches named 'Switch'"

# LLDP: the same chassis ID on two local ports is one element, two links.
ids=$(q "SELECT element_id FROM inventory WHERE sys_name = 'hw-agg-3'")
[ "$(printf '%s\n' "$ids" | wc -l)" = 1 ] || fail "LLDP neighbour on two links stored as: $ids"
[ "$(q "SELECT count(*) FROM element_link WHERE element_id = $rtr AND neighbour_id = $ids")" = 2 ] ||
	fail "LLDP neighbour not linked on both ports"

# Placeholder interface MACs: the chassis MAC is a real port's, and the two
# agents sharing 00:00:00:01:01:01 stay two elements.
row=$(q "SELECT mac FROM inventory WHERE mgmt_ip = '127.0.55.2'")
[ "$row" = 20:e0:9c:00:14:a9 ] || fail "Nokia chassis MAC: '$row'"
row=$(q "SELECT mac FROM inventory WHERE mgmt_ip = '127.0.55.3'")
[ "$row" = 20:b5:c6:01:b2:32 ] || fail "radio chassis MAC: '$row'"
a=$(q "SELECT element_id FROM inventory WHERE mgmt_ip = '127.0.55.2'")
b=$(q "SELECT element_id FROM inventory WHERE mgmt_ip = '127.0.55.3'")
[ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ] || fail "two agents sharing a placeholder MAC: '$a' '$b'"
[ "$(q "SELECT count(*) FROM element_merge")" = 0 ] || fail "elements merged: $(q "SELECT * FROM element_merge")"
grep -q 'radio-7' "$tmp/elements.csv" && grep -q 'sr-edge-1' "$tmp/elements.csv" ||
	fail "listing lacks one of the two agents"
if grep -Eq '00:00:00:|00:02:03:04:05:06' "$tmp/elements.csv"; then
	fail "listing shows a placeholder MAC: $(grep -E '00:00:00:|00:02:03:04:05:06' "$tmp/elements.csv")"
fi

# ARP: the real entry is an element, the placeholder one is none.
[ "$(q "SELECT count(*) FROM element_address WHERE value = '192.0.2.98'")" = 1 ] ||
	fail "ARP neighbour 192.0.2.98 missing"
n=$(q "SELECT count(*) FROM element_address WHERE value IN ('192.0.2.99', '00:00:00:00:00:01')")
[ "$n" = 0 ] || fail "ARP entry with MAC 00:00:00:00:00:01 stored ($n addresses)"
n=$(q "SELECT count(*) FROM evidence WHERE value LIKE '00:00:00:%' OR value = '00:02:03:04:05:06'")
[ "$n" = 0 ] || fail "placeholder MACs taken as OUI evidence ($n)"

# Sweeping again changes nothing of this.
before=$(q "SELECT count(*) FROM element WHERE merged_into IS NULL")
scan
grep -q '^elements: *0 new, ' "$tmp/out" || fail "second scan: $(cat "$tmp/out")"
[ "$(q "SELECT count(*) FROM element WHERE merged_into IS NULL")" = "$before" ] || fail "element count changed"
[ "$(q "SELECT count(*) FROM element_merge")" = 0 ] || fail "elements merged on the second scan"
echo ok
