#!/usr/bin/env bash
# Retirement end to end: a Huawei spine in zone core breaks a 0% cap; it is
# removed from the network while the sweeps go on. Within retire-after it
# still counts; after it, the next complete scan retires it: the audit chain
# records it (vraudit verify intact; an edit of the retirement named), the
# cap it alone broke is met, the report lists it in every format with when
# and why, and vraudit elements hides it unless --retired. A sweep that
# finds nobody retires nobody (the network was not observed), and the spine
# comes back when it answers again.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require snmpsimd snmpget sqlite3
require_python
at_exit 'bash "$src/tests/lib/snmpsim.sh" stop "$tmp/sim"'

port=16180
agent() { # NAME DESCR OID
	printf '1.3.6.1.2.1.1.1.0|4|%s\n1.3.6.1.2.1.1.2.0|6|%s\n1.3.6.1.2.1.1.5.0|4|%s\n' \
		"$2" "$3" "$1" >"$tmp/$1.snmprec"
}
agent core-rtr-1 "Cisco IOS XE Software, Version 17.9.4" 1.3.6.1.4.1.9.1.2571
agent core-rtr-2 "Cisco IOS XE Software, Version 17.9.4" 1.3.6.1.4.1.9.1.2571
agent core-spine-3 "Huawei Versatile Routing Platform Software CE6881" 1.3.6.1.4.1.2011.2.239.53
sim() { # start the agents named
	local args=() n=1
	for a in core-rtr-1 core-rtr-2 core-spine-3; do
		if [[ " $* " == *" $a "* ]]; then args+=("127.80.0.$n:$port" "$tmp/$a.snmprec"); fi
		n=$((n + 1))
	done
	bash "$src/tests/lib/snmpsim.sh" stop "$tmp/sim"
	if [ ${#args[@]} -gt 0 ]; then bash "$src/tests/lib/snmpsim.sh" start "$tmp/sim" "${args[@]}"; fi
}

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
addresses = 127.80.0.1:$port, 127.80.0.2:$port, 127.80.0.3:$port
community-file = $tmp/community
zone = core
[policy]
packs = lab-test
dir = $tmp/policies
retire-after = 30d
EOF2
db=$tmp/lab.db
conf=$tmp/vraudit.conf

scan() { # NOW
	VRAUDIT_NOW=$1 "$vraudit" scan -c "$conf" --quiet >"$tmp/out" 2>"$tmp/err" ||
		fail "scan at $1 exited $?: $(cat "$tmp/err")"
}
report() { # WANT-EXIT ARGS...
	local want=$1 rc=0
	shift
	VRAUDIT_NOW=${NOW:?} "$vraudit" report -c "$conf" "$@" >"$tmp/report" 2>"$tmp/err" || rc=$?
	[ "$rc" -eq "$want" ] || fail "report $* at $NOW: exit $rc, want $want: $(cat "$tmp/report" "$tmp/err")"
}
verify_ok() {
	"$vraudit" verify -c "$conf" --db "${1:-$db}" >"$tmp/verify" 2>&1 ||
		fail "verify: $(cat "$tmp/verify")"
}

sim core-rtr-1 core-rtr-2 core-spine-3
scan 2026-10-01T10:00:00Z
spine=$(q "SELECT element_id FROM inventory WHERE mgmt_ip = '127.80.0.3'")
[ -n "$spine" ] && [ "$(q "SELECT vendor || ' ' || zone FROM inventory WHERE element_id = $spine")" = "huawei core" ] ||
	fail "the spine is not a Huawei box in core: $(q 'SELECT * FROM inventory')"
NOW=2026-10-01T12:00:00Z report 1
grep -q '\[violated\] core-cap' "$tmp/report" || fail "core-cap not violated: $(cat "$tmp/report")"

# The spine is removed; 19 days later it still counts.
sim core-rtr-1 core-rtr-2
scan 2026-10-20T10:00:00Z
[ "$(q "SELECT count(*) FROM element WHERE retired_at IS NOT NULL")" = 0 ] ||
	fail "retired within retire-after: $(q 'SELECT id, retired_reason FROM element')"
NOW=2026-10-20T12:00:00Z report 1

# 45 days after it was last seen, the next complete scan retires it.
scan 2026-11-15T10:00:00Z
[ "$(q "SELECT group_concat(element_id) FROM inventory WHERE retired_at IS NOT NULL")" = "$spine" ] ||
	fail "not exactly the spine retired: $(q 'SELECT element_id, retired_at FROM inventory')"
reason=$(q "SELECT retired_reason FROM inventory WHERE element_id = $spine")
[[ $reason == *"not seen since 2026-10-01T10:00:"*"2026-11-15T10:00:"*"retire-after 30d"* ]] ||
	fail "reason: $reason"
[ "$(q "SELECT retired_at FROM inventory WHERE element_id = $spine")" = 2026-11-15T10:00:00Z ] ||
	fail "retired_at: $(q "SELECT retired_at FROM inventory WHERE element_id = $spine")"
rec=$(q "SELECT detail FROM audit_log WHERE kind = 'retire' AND subject = $spine")
[[ $rec == *"element=$spine"*"last_seen=2026-10-01T10:00:"*"retire_after=30d"* ]] ||
	fail "no retire record naming the spine: $(q 'SELECT seq, kind, subject, detail FROM audit_log')"
verify_ok

# Out of the shares: the cap it alone broke is met.
NOW=2026-11-15T12:00:00Z report 0
grep -q '\[met\] core-cap' "$tmp/report" || fail "core-cap not met: $(cat "$tmp/report")"
grep -q "0 of 2 elements in scope covered" "$tmp/report" || fail "scope still counts it: $(cat "$tmp/report")"
grep -q "retired elements: 1" "$tmp/report" || fail "text: $(cat "$tmp/report")"
grep -q "element $spine  127.80.0.3  core-spine-3  huawei  zone core  retired 2026-11-15T10:00:00Z: not seen since" "$tmp/report" ||
	fail "text does not list the spine: $(cat "$tmp/report")"
NOW=2026-11-15T12:00:00Z report 0 --format csv
python3 - "$tmp/report" "$spine" <<'PY' || fail "csv: $(cat "$tmp/report")"
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r['row'] == 'retired']
assert [(r['element_id'], r['status'], r['retired_at']) for r in rows] == \
    [(sys.argv[2], 'retired', '2026-11-15T10:00:00Z')], rows
assert 'retire-after 30d' in rows[0]['detail'], rows
PY
NOW=2026-11-15T12:00:00Z report 0 --format json
python3 - "$tmp/report" "$spine" <<'PY' || fail "json: $(cat "$tmp/report")"
import json, sys
r = json.load(open(sys.argv[1]))
assert [e['element_id'] for e in r['retired']] == [int(sys.argv[2])], r['retired']
assert r['retired'][0]['retired_at'] == '2026-11-15T10:00:00Z'
assert r['compliant'] is True
PY
NOW=2026-11-15T12:00:00Z report 0 --format html
grep -q "<td>$spine</td><td>127.80.0.3</td><td>core-spine-3</td><td>huawei</td><td>core</td>" "$tmp/report" ||
	fail "html does not list the spine"
# As of a day before its retirement it still counted.
NOW=2026-11-15T12:00:00Z report 1 --as-of 2026-11-14
grep -q "retired elements: 0" "$tmp/report" || fail "as of before: $(cat "$tmp/report")"

# vraudit elements: hidden by default, listed with --retired.
"$vraudit" elements -c "$conf" >"$tmp/out"
if grep -q 127.80.0.3 "$tmp/out"; then fail "elements lists the retired spine: $(cat "$tmp/out")"; fi
"$vraudit" elements -c "$conf" --retired >"$tmp/out"
grep -q "127.80.0.3.*2026-11-15T10:00:00Z" "$tmp/out" || fail "elements --retired: $(cat "$tmp/out")"
head -1 "$tmp/out" | grep -q "RETIRED$" || fail "no RETIRED column: $(head -1 "$tmp/out")"

# Edits of the retirement are named by verify.
edit() { # SQL WORDS
	rm -f "$tmp/edit.db"*
	sqlite3 "$db" ".backup '$tmp/edit.db'"
	sqlite3 "$tmp/edit.db" "$1"
	if "$vraudit" verify -c "$conf" --db "$tmp/edit.db" >"$tmp/verify" 2>&1; then
		fail "verify missed: $1"
	fi
	grep -q "$2" "$tmp/verify" || fail "verify did not name '$2' for $1: $(cat "$tmp/verify")"
}
rtr=$(q "SELECT element_id FROM inventory WHERE mgmt_ip = '127.80.0.1'")
edit "UPDATE element SET retired_at = NULL, retired_seen = NULL, retired_reason = NULL WHERE id = $spine" \
	"element $spine: retired is '' but record"
edit "UPDATE element SET retired_at = '2026-12-01T00:00:00Z' WHERE id = $spine" \
	"element $spine: retired is '2026-12-01T00:00:00Z"
edit "UPDATE element SET retired_at = '2026-11-15T10:00:00Z', retired_seen = last_seen, retired_reason = 'gone' WHERE id = $rtr" \
	"element $rtr: retired is '2026-11-15T10:00:00Z"

# A sweep that finds nobody does not retire the rest: the newest
# observation of a complete scan is still 2026-11-15, whatever the date.
sim
scan 2027-03-01T10:00:00Z
[ "$(q "SELECT count(*) FROM element WHERE retired_at IS NOT NULL")" = 1 ] ||
	fail "a sweep that saw nothing retired: $(q 'SELECT id, retired_reason FROM element')"

# Seen again, it comes back, recorded.
sim core-rtr-1 core-rtr-2 core-spine-3
scan 2027-03-02T10:00:00Z
[ "$(q "SELECT count(*) FROM element WHERE retired_at IS NOT NULL")" = 0 ] ||
	fail "still retired: $(q 'SELECT id, retired_reason FROM element')"
rec=$(q "SELECT detail FROM audit_log WHERE kind = 'return' AND subject = $spine")
[[ $rec == *"element=$spine"*"last_seen=2027-03-02T10:00:"*"retired_at=2026-11-15T10:00:00Z"* ]] ||
	fail "no return record: $(q 'SELECT seq, kind, subject, detail FROM audit_log')"
verify_ok
NOW=2027-03-02T12:00:00Z report 1
grep -q '\[violated\] core-cap' "$tmp/report" || fail "core-cap not violated again: $(cat "$tmp/report")"
echo "080-retire: ok"
