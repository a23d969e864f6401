#!/usr/bin/env bash
# Coverage claims no more than was read: an agent that answers its system
# group and then stops answering mid-walk leaves its tables unread, so its
# walks count as cut short (scan_zone.cut), the scan is partial, and the
# zone's coverage and the compliance report say partial, not ok. Targets
# that never answered are named in the scan's notes, not only counted.
#
# The agent that falls silent is snmpsimd serving a real walk whose first
# ENTITY-MIB row has the delay variation with a wait over 99999 ms: snmpsimd
# then drops every response that would carry that row, so the system GET
# is answered and the first walk (entPhysicalClass) never is.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require snmpsimd snmpget sqlite3
at_exit 'bash "$src/tests/lib/snmpsim.sh" stop "$tmp/sim"'

port=16166
cat >"$tmp/core-rtr-1.snmprec" <<'EOF'
1.3.6.1.2.1.1.1.0|4|Cisco IOS XE Software, Version 17.9.4
1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.9.1.2571
1.3.6.1.2.1.1.5.0|4|core-rtr-1
1.3.6.1.2.1.2.2.1.6.1|4x|f4bd9e1a0101
EOF
cat >"$tmp/pe-stops-1.snmprec" <<'EOF'
1.3.6.1.2.1.1.1.0|4|Huawei Versatile Routing Platform Software VRP (R) software, Version 8.180 (NE40E V800R011C00SPC200)
1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.2011.2.62.2.9
1.3.6.1.2.1.1.5.0|4|pe-stops-1
1.3.6.1.2.1.2.2.1.6.1|4x|00e0fc112201
1.3.6.1.2.1.47.1.1.1.1.5.1|2:delay|value=3,wait=100000
1.3.6.1.2.1.47.1.1.1.1.12.1|4|Huawei
EOF
bash "$src/tests/lib/snmpsim.sh" start "$tmp/sim" \
	127.62.0.1:$port "$tmp/core-rtr-1.snmprec" \
	127.62.0.2:$port "$tmp/pe-stops-1.snmprec"

mkdir "$tmp/policies"
cat >"$tmp/policies/cut-test.conf" <<'EOF'
[pack]
name = cut-test
vendors = huawei
[rule core-cap]
zone = core
max-share = 60%
EOF
printf 'public\n' >"$tmp/community"
chmod 600 "$tmp/community"
db=$tmp/cut.db
# 127.62.1.7 and .8 have no agent: configured devices the sweep missed.
cat >"$tmp/vraudit.conf" <<EOF
[database]
path = $db
[snmp]
; Long enough for a loaded machine's snmpsimd; the agent that stops
; answering and the silent targets cost this twice.
timeout = 5s
retries = 1
[zone core]
subnets = 127.62.0.0/24
[zone edge]
subnets = 127.62.1.0/24
[target core]
addresses = 127.62.0.1:$port, 127.62.0.2:$port
community-file = $tmp/community
[target edge]
addresses = 127.62.1.7:$port, 127.62.1.8:$port
community-file = $tmp/community
[policy]
packs = cut-test
dir = $tmp/policies
max-age = 3d
EOF

"$vraudit" scan -c "$tmp/vraudit.conf" --quiet >"$tmp/out" 2>"$tmp/err" ||
	fail "scan exited $?: $(cat "$tmp/err")"
out_has() { # TEXT WHAT
	grep -qF -- "$1" "$tmp/out" || fail "$2: no '$1' in the scan's output: $(cat "$tmp/out")"
}

# 1. What the scan says: which walk the agent left unanswered, and why
# walks were cut short, by cause.
out_has "targets:      4 (2 answered, 2 silent, 0 refused or failed)" "scan summary"
out_has "127.62.0.2:$port: system: 3 of 3 values" "the agent that stopped, its system group"
out_has "entPhysicalClass: timeout mid-walk, 0 rows" "the agent that stopped, its walk"
out_has "1 targets' walks cut short: 1 stopped answering mid-walk" "the cut, by cause"

# 2. What the database says: the scan is partial, the walk counts as cut
# in its zone, and the coverage of that zone is partial.
[ "$(q "SELECT status FROM scans")" = partial ] ||
	fail "scan status: $(q "SELECT status, detail FROM scans")"
q "SELECT detail FROM scans" | grep -qF "1 targets' walks cut short: 1 stopped answering mid-walk" ||
	fail "scan detail: $(q "SELECT detail FROM scans")"
[ "$(q "SELECT targets || ' ' || answered || ' ' || silent || ' ' || refused || ' ' || cut
	FROM scan_zones WHERE zone = 'core'")" = "2 2 0 0 1" ] ||
	fail "scan_zones of core: $(q "SELECT * FROM scan_zones")"
[ "$(q "SELECT cut || ' ' || status FROM coverage WHERE zone = 'core'")" = "1 partial" ] ||
	fail "coverage of core: $(q "SELECT * FROM coverage")"
q "SELECT reason FROM coverage WHERE zone = 'core'" | grep -qF "1 walks cut short" ||
	fail "coverage reason of core: $(q "SELECT reason FROM coverage WHERE zone = 'core'")"
# The tables after the silence were never read: no interface MAC of it,
# while the agent that answered in full has its own.
[ "$(q "SELECT count(*) FROM element_address WHERE value = 'f4:bd:9e:1a:01:01'")" = 1 ] ||
	fail "the interface MAC of the agent that answered in full is missing"
[ "$(q "SELECT count(*) FROM element_address WHERE value = '00:e0:fc:11:22:01'")" = 0 ] ||
	fail "an interface MAC of the agent that stopped answering was stored"

# 3. What the compliance report says: core partial, so not compliant.
rc=0
"$vraudit" report -c "$tmp/vraudit.conf" >"$tmp/report" 2>"$tmp/err" || rc=$?
[ $rc -eq 4 ] || fail "report: exit $rc, want 4 (incomplete): $(cat "$tmp/report" "$tmp/err")"
for want in "result:    INCOMPLETE" "[partial] core-cap" "core: partial" \
	"1 walks cut short (max-rows, or the agent stopped answering)"; do
	grep -qF -- "$want" "$tmp/report" || fail "report: no '$want' in: $(cat "$tmp/report")"
done
grep -qF "core: ok" "$tmp/report" && fail "report says core: ok: $(cat "$tmp/report")"

# 4. The silent targets are named, each, and still counted.
for a in 127.62.1.7 127.62.1.8; do
	out_has "$a:$port: timeout" "silent target $a"
	q "SELECT detail FROM scans" | grep -qxF "$a:$port: timeout" ||
		fail "silent target $a not named in the scan's detail: $(q "SELECT detail FROM scans")"
done
out_has "2 targets did not answer (timeout)" "the count of silent targets"
exit 0
