#!/usr/bin/env bash
# Waivers end to end: a Huawei spine breaks a 0% cap in zone core; a waiver
# for it, with a reason, an approver and an expiry, recorded by the scan
# (an audit record), makes the violation waived and the rule met until the
# expiry: --as-of after it shows the rule violated again. A waiver for the
# zone covers the cap of that zone. A malformed waivers file is refused
# with FILE:LINE by check-config, scan and vraudit waivers, and what was
# recorded stays; edits of the recorded waivers are named by verify; the
# report warns when the file on disk is not the recorded one.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require snmpsimd snmpget sqlite3
require_python
at_exit 'bash "$src/tests/lib/snmpsim.sh" stop "$tmp/sim"'

port=16181
agent() { # NAME DESCR OID
	printf '1.3.6.1.2.1.1.1.0|4|%s\n1.3.6.1.2.1.1.2.0|6|%s\n1.3.6.1.2.1.1.5.0|4|%s\n' \
		"$2" "$3" "$1" >"$tmp/$1.snmprec"
}
agent core-rtr-1 "Cisco IOS XE Software, Version 17.9.4" 1.3.6.1.4.1.9.1.2571
agent core-rtr-2 "Cisco IOS XE Software, Version 17.9.4" 1.3.6.1.4.1.9.1.2571
agent core-spine-3 "Huawei Versatile Routing Platform Software CE6881" 1.3.6.1.4.1.2011.2.239.53
bash "$src/tests/lib/snmpsim.sh" start "$tmp/sim" \
	127.81.0.1:$port "$tmp/core-rtr-1.snmprec" \
	127.81.0.2:$port "$tmp/core-rtr-2.snmprec" \
	127.81.0.3:$port "$tmp/core-spine-3.snmprec"

mkdir "$tmp/policies"
cat >"$tmp/policies/lab-test.conf" <<'EOF2'
[pack]
name = lab-test
vendors = huawei
[rule core-cap]
zone = core
max-share = 0%
EOF2
printf 'public\n' >"$tmp/community"
chmod 600 "$tmp/community"
cat >"$tmp/vraudit.conf" <<EOF2
[database]
path = $tmp/lab.db
[snmp]
timeout = 5s
retries = 1
[target core]
addresses = 127.81.0.1:$port, 127.81.0.2:$port, 127.81.0.3:$port
community-file = $tmp/community
zone = core
[policy]
packs = lab-test
dir = $tmp/policies
waivers = $tmp/waivers.conf
; reports look a month past the sweep: coverage is not what is tried here
max-age = 60d
EOF2
cat >"$tmp/waivers.conf" <<'EOF2'
; Exceptions granted by the security board.
[waiver spine-removal]
address = 127.81.0.3
rule = lab-test/core-cap
reason = removal scheduled, change 4711
approver = CISO
expires = 2026-12-31
EOF2
db=$tmp/lab.db
conf=$tmp/vraudit.conf
export VRAUDIT_NOW=2026-12-01T10:00:00Z

"$vraudit" check-config -c "$conf" >/dev/null 2>"$tmp/err" || fail "check-config: $(cat "$tmp/err")"
grep -q "valid, 1 targets, 0 captures, 0 zones, 1 waivers" "$tmp/err" || fail "check-config: $(cat "$tmp/err")"
"$vraudit" scan -c "$conf" --quiet >"$tmp/out" 2>"$tmp/err" || fail "scan exited $?: $(cat "$tmp/err")"
spine=$(q "SELECT element_id FROM inventory WHERE mgmt_ip = '127.81.0.3'")
[ "$(q "SELECT vendor FROM inventory WHERE element_id = '$spine'")" = huawei ] || fail "no Huawei spine"
rec=$(q "SELECT detail FROM audit_log WHERE kind = 'waivers'")
[[ $rec == "file=$tmp/waivers.conf"*"added=spine-removal"*"waiver=spine-removal"*"CISO"*"2026-12-31"* ]] ||
	fail "the scan recorded no waivers record: $(q 'SELECT seq, kind, detail FROM audit_log')"
[ "$(q "SELECT digest FROM waiver_file")" = "$(sha256sum <"$tmp/waivers.conf" | cut -d' ' -f1)" ] ||
	fail "the file's digest is not recorded"
"$vraudit" verify -c "$conf" >"$tmp/out" 2>&1 || fail "verify: $(cat "$tmp/out")"

report() { # WANT-EXIT ARGS...
	local want=$1 rc=0
	shift
	"$vraudit" report -c "$conf" "$@" >"$tmp/report" 2>"$tmp/err" || rc=$?
	[ "$rc" -eq "$want" ] || fail "report $*: exit $rc, want $want: $(cat "$tmp/report" "$tmp/err")"
}
# Waived until its expiry: the rule is met, the row says why.
report 0
grep -q '\[met\] core-cap' "$tmp/report" || fail "core-cap not met: $(cat "$tmp/report")"
grep -q "element $spine  127.81.0.3  huawei  zone core  waived: .*waived: spine-removal" "$tmp/report" ||
	fail "not shown waived: $(cat "$tmp/report")"
grep -q "waiver spine-removal: address 127.81.0.3, rule lab-test/core-cap: removal scheduled, change 4711; approved by CISO; expires 2026-12-31 (30 days left)" "$tmp/report" ||
	fail "waiver terms: $(cat "$tmp/report")"
grep -q "\[active\] spine-removal: .*excuses 1 violation" "$tmp/report" || fail "waiver list: $(cat "$tmp/report")"
if grep -q warning "$tmp/err"; then fail "warning with the file recorded: $(cat "$tmp/err")"; fi
report 0 --format csv
python3 - "$tmp/report" "$spine" <<'PY' || fail "csv: $(cat "$tmp/report")"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
v = [r for r in rows if r['row'] == 'rule' and r['element_id'] == sys.argv[2]]
assert len(v) == 1 and v[0]['status'] == 'waived' and v[0]['rule_status'] == 'met', v
assert (v[0]['waiver'], v[0]['waiver_reason'], v[0]['waiver_approver'],
        v[0]['waiver_expires'], v[0]['waiver_days_left']) == \
    ('spine-removal', 'removal scheduled, change 4711', 'CISO', '2026-12-31', '30'), v
w = [r for r in rows if r['row'] == 'waiver']
assert [(r['waiver'], r['status']) for r in w] == [('spine-removal', 'active')], w
PY
report 0 --format json
python3 - "$tmp/report" "$spine" <<'PY' || fail "json: $(cat "$tmp/report")"
import json, sys
r = json.load(open(sys.argv[1]))
rule = r['policies'][0]['rules'][0]
assert rule['status'] == 'met' and rule['waived'] == 1, rule
assert [(e['element_id'], e['status'], e['waiver']) for e in rule['elements']] == \
    [(int(sys.argv[2]), 'waived', 'spine-removal')], rule['elements']
w = r['waivers']['waivers']
assert [(x['name'], x['status'], x['days_left'], x['approver']) for x in w] == \
    [('spine-removal', 'active', 30, 'CISO')], w
assert r['waivers']['warning'] is None
PY
report 0 --format html
grep -q "<td>spine-removal</td><td><span class=\"status active\">active</span></td><td>address 127.81.0.3</td><td>lab-test/core-cap</td><td>removal scheduled, change 4711</td><td>CISO</td><td>2026-12-31</td><td>30</td><td>1</td>" "$tmp/report" ||
	fail "html waiver row: $(grep -o '<table class="waivers".*' "$tmp/report" | head -3)"
# After its expiry it lapses by itself.
report 1 --as-of 2027-01-01
grep -q '\[violated\] core-cap' "$tmp/report" || fail "not violated after the expiry: $(cat "$tmp/report")"
grep -q "element $spine  127.81.0.3  huawei  zone core  violated" "$tmp/report" || fail "$(cat "$tmp/report")"
grep -q "\[lapsed\] spine-removal" "$tmp/report" || fail "not lapsed: $(cat "$tmp/report")"
report 0 --as-of 2026-12-31

# The file changed on disk: the report warns and shows what is recorded.
sed -i 's/^address = 127.81.0.3/zone = core/; s|^rule = lab-test/core-cap|rule = lab-test|' "$tmp/waivers.conf"
report 0
grep -q "warning: the waivers file $tmp/waivers.conf changed since it was recorded" "$tmp/err" ||
	fail "no warning: $(cat "$tmp/err")"
# A writer records it: a zone waiver covers the zone's cap.
"$vraudit" waivers -c "$conf" >"$tmp/out" 2>"$tmp/err" || fail "waivers: $(cat "$tmp/err")"
grep -q "^spine-removal  active  zone core  lab-test/\*  2026-12-31  30  CISO  removal scheduled, change 4711$" "$tmp/out" ||
	fail "waivers list: $(cat "$tmp/out")"
[[ $(q "SELECT detail FROM audit_log WHERE kind = 'waivers' ORDER BY seq DESC LIMIT 1") == *"changed=spine-removal"* ]] ||
	fail "no record of the change: $(q "SELECT detail FROM audit_log WHERE kind = 'waivers'")"
report 0
if grep -q warning "$tmp/err"; then fail "warning after the sync: $(cat "$tmp/err")"; fi
grep -q "zone core: 1 of 3 elements (33.33%), cap 0%: waived" "$tmp/report" || fail "zone waiver: $(cat "$tmp/report")"
"$vraudit" verify -c "$conf" >"$tmp/out" 2>&1 || fail "verify: $(cat "$tmp/out")"

# A malformed file is refused with FILE:LINE; nothing recorded is lost.
records=$(q "SELECT count(*) FROM audit_log")
cp "$tmp/waivers.conf" "$tmp/good.conf"
sed -i 's/^expires = .*/expires = 2027-02-30/' "$tmp/waivers.conf"
want="$tmp/waivers.conf:7: [waiver spine-removal] expires: \"2027-02-30\" is not a date (YYYY-MM-DD)"
for cmd in check-config scan waivers; do
	rc=0
	"$vraudit" $cmd -c "$conf" --quiet >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ $rc = 2 ] || fail "$cmd accepted a bad waivers file: exit $rc: $(cat "$tmp/err")"
	grep -qF "$want" "$tmp/err" || fail "$cmd: $(cat "$tmp/err")"
done
sed -i '/^expires/d' "$tmp/waivers.conf"
rc=0
"$vraudit" check-config -c "$conf" >/dev/null 2>"$tmp/err" || rc=$?
[ $rc = 2 ] && grep -qF "$tmp/waivers.conf:2: [waiver spine-removal] expires: required key missing" "$tmp/err" ||
	fail "missing expires: exit $rc: $(cat "$tmp/err")"
[ "$(q "SELECT count(*) FROM audit_log")" = "$records" ] || fail "a refused file changed the chain"
[ "$(q "SELECT scope FROM waiver WHERE name = 'spine-removal'")" = core ] || fail "the recorded waiver is gone"
cp "$tmp/good.conf" "$tmp/waivers.conf"

# Edits of the recorded waivers are named by verify.
edit() { # SQL WORDS
	rm -f "$tmp/edit.db"*
	sqlite3 "$db" ".backup '$tmp/edit.db'"
	sqlite3 "$tmp/edit.db" "$1"
	if "$vraudit" verify -c "$conf" --db "$tmp/edit.db" >"$tmp/verify" 2>&1; then
		fail "verify missed: $1"
	fi
	grep -qF "$2" "$tmp/verify" || fail "verify did not name '$2' for $1: $(cat "$tmp/verify")"
}
edit "UPDATE waiver SET expires = '2030-12-31'" "waiver spine-removal: expires is '2030-12-31' but record"
edit "UPDATE waiver SET scope = 'ran'" "waiver spine-removal: scope is 'ran' but record"
edit "DELETE FROM waiver" "waiver spine-removal: in record"
edit "INSERT INTO waiver VALUES ('extra', 'zone', 'core', 'lab-test', NULL, 'r', 'a', '2030-01-01')" \
	"waiver extra: not in record"
edit "UPDATE waiver_file SET digest = '00'" "waiver file: digest is '00' but record"
echo "081-waivers: ok"
