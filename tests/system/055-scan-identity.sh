#!/usr/bin/env bash
# Which MACs say nothing about a box: a placeholder interface MAC neither
# names the chassis nor joins two agents carrying it; an ARP entry with a
# placeholder MAC is no element.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require snmpsimd snmpget sqlite3
fx=$fixtures/snmp
at_exit 'bash "$src/tests/lib/snmpsim.sh" stop "$tmp/sim"'

port=16255
bash "$src/tests/lib/snmpsim.sh" start "$tmp/sim" \
	127.0.55.2:$port "$fx/nokia-placeholder.snmprec" \
	127.0.55.3:$port "$fx/radio-placeholder.snmprec"

printf 'public\n' >"$tmp/community"
chmod 600 "$tmp/community"
db=$tmp/identity.db
scan() {
	"$vraudit" scan --db "$db" --community-file "$tmp/community" --port $port \
		--timeout 5s --retries 1 --quiet 127.0.55.2 127.0.55.3 >"$tmp/out" 2>"$tmp/err" ||
		fail "scan exited $?: $(cat "$tmp/err")"
	grep -q '^targets: *2 (2 answered' "$tmp/out" || fail "summary: $(cat "$tmp/out")"
}
scan

"$vraudit" elements --db "$db" --format csv >"$tmp/elements.csv" || fail "elements"

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
