#!/bin/bash
# vraudit report end to end: a crafted database with known elements per
# zone and vendor and the uk-dvd-2022 pack synced into its policy tables;
# the CSV and JSON reports parsed back and compared with what the
# violations, zone_share and rule_status views say; --as-of before a
# deadline; exit codes 0 (compliant), 1 (violations), 2 (usage), 3 (no
# database); -o written atomically; --output-dir with --keep.
set -euo pipefail

VRAUDIT="${VRAUDIT_BUILD_ROOT:?}/vraudit"
POLICIES="${VRAUDIT_SOURCE_ROOT:?}/conf/policies"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# Run vraudit report and check its exit code; output in $tmp/out, $tmp/err.
run() {
	local want=$1
	shift
	local rc=0
	"$VRAUDIT" report "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ "$rc" -eq "$want" ] ||
		fail "report $*: exit $rc, want $want; stderr: $(cat "$tmp/err")"
}

cat >"$tmp/vraudit.conf" <<EOF
[database]
path = $tmp/vraudit.db
[policy]
packs = uk-dvd-2022
dir = $POLICIES
EOF

# Missing database: exit 3, naming it.
run 3 -c "$tmp/vraudit.conf"
grep -q "$tmp/vraudit.db" "$tmp/err" || fail "missing database not named: $(cat "$tmp/err")"

"$VRAUDIT" migrate --db "$tmp/vraudit.db" >/dev/null

# Crafted inventory. Dates are relative to today, since the views evaluate
# at today's date. Elements of the first complete scan are the baseline.
cat >"$tmp/craft.py" <<'EOF'
import configparser, datetime, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
today = datetime.datetime.now(datetime.timezone.utc)
iso = lambda d: d.strftime('%Y-%m-%dT%H:%M:%SZ')
db.execute("INSERT INTO scan (id, kind, started_at, finished_at, status, responded) "
           "VALUES (1, 'snmp', '2022-01-01T00:00:00Z', '2022-01-01T01:00:00Z', 'complete', 21)")
n = 0
def element(zone, vendor, risk, first, scan):
    global n
    n += 1
    db.execute("INSERT INTO element (id, mgmt_ip, zone, vendor, vendor_name, risk, "
               "first_seen, last_seen, first_scan, last_scan) VALUES (?,?,?,?,?,?,?,?,?,?)",
               (n, '10.0.%d.%d' % (n // 256, n % 256), zone, vendor, vendor, risk,
                first, iso(today), scan, scan))
    if vendor:
        db.execute("INSERT INTO element_evidence (element_id, kind, value, vendor, strength, "
                   "rule, first_observed, last_observed) VALUES (?, 'sysdescr', ?, ?, 0.85, "
                   "'test', ?, ?)", (n, '%s box "%d", with, commas' % (vendor, n), vendor,
                                     first, first))
base = '2022-01-01T00:30:00Z'
for _ in range(13):
    element('ran', 'cisco', 'none', base, 1)
element('core', 'cisco', 'none', base, 1)
# Every zone a rule covers holds elements: else the rule is no-data.
for z in ('sensitive-site', 'fixed-access', 'transport', 'mgmt', 'mgmt', 'mgmt'):
    element(z, 'cisco', 'none', base, 1)
element(None, 'zte', 'high', base, 1)
if sys.argv[3] != 'compliant':
    for _ in range(7):          # 7 of 20: exactly the 35% cap, met
        element('ran', 'huawei', 'high', base, 1)
    element('core', 'huawei', 'high', base, 1)
    element(None, 'huawei', 'high', iso(today - datetime.timedelta(hours=2)), None)

# The pack as the writers sync it.
cp = configparser.ConfigParser(comment_prefixes=(';', '#'), interpolation=None)
cp.read(sys.argv[2])
p = cp['pack']
db.execute("DELETE FROM policy_rule_zone"); db.execute("DELETE FROM policy_rule")
db.execute("DELETE FROM policy_vendor"); db.execute("DELETE FROM policy_pack")
db.execute("INSERT INTO policy_pack VALUES (?,?,?,?,?)",
           (p['name'], p['title'], p['source'], 'test', iso(today)))
for v in p['vendors'].split(','):
    db.execute("INSERT INTO policy_vendor VALUES (?,?)", (p['name'], v.strip()))
for sec in cp.sections():
    if not sec.startswith('rule '):
        continue
    r = cp[sec]
    name = sec[5:]
    zones = [z.strip() for z in r['zone'].split(',')]
    share = r.get('max-share')
    db.execute("INSERT INTO policy_rule VALUES (?,?,?,?,?,?,?,?)",
               (p['name'], name, r['title'], r['zone'], zones == ['all'],
                float(share[:-1]) if share else None, r.get('deadline'),
                r.get('first-seen-after')))
    if zones != ['all']:
        for z in zones:
            db.execute("INSERT INTO policy_rule_zone VALUES (?,?,?)", (p['name'], name, z))
db.commit()
EOF
python3 "$tmp/craft.py" "$tmp/vraudit.db" "$POLICIES/uk-dvd-2022.conf" compliant

# Compliant: no Huawei at all (ZTE is not in this pack); pending does not fail.
run 0 -c "$tmp/vraudit.conf"
grep -q "^result: *compliant" "$tmp/out" || fail "not compliant: $(cat "$tmp/out")"
grep -q "not sites or traffic" "$tmp/out" || fail "no note on how shares are counted"
grep -q "$tmp/vraudit.db" "$tmp/out" || fail "database path not shown"

# Usage errors: exit 2.
run 2 -c "$tmp/vraudit.conf" --format pdf
run 2 -c "$tmp/vraudit.conf" --as-of 2023-02-30
run 2 -c "$tmp/vraudit.conf" --policy no-such-pack
grep -q "unknown policy pack \"no-such-pack\"" "$tmp/err" || fail "unknown pack: $(cat "$tmp/err")"
run 2 -c "$tmp/vraudit.conf" extra
run 2 -c "$tmp/vraudit.conf" --keep 3
run 2 -c "$tmp/missing.conf"

# Now with Huawei: 7 of 20 in ran (met), one in core (violated), one
# unassigned and first seen two hours ago (new, not in the baseline).
rm -f "$tmp/vraudit.db"*
"$VRAUDIT" migrate --db "$tmp/vraudit.db" >/dev/null
python3 "$tmp/craft.py" "$tmp/vraudit.db" "$POLICIES/uk-dvd-2022.conf" violations

run 1 -c "$tmp/vraudit.conf"
grep -q "^result: *VIOLATIONS" "$tmp/out" || fail "violations not reported: $(cat "$tmp/out")"
grep -q "new installations (first-seen-after rules): 1 element" "$tmp/out" || fail "new element not listed: $(cat "$tmp/out")"

run 1 -c "$tmp/vraudit.conf" --format csv
cp "$tmp/out" "$tmp/report.csv"
run 1 -c "$tmp/vraudit.conf" --format json
cp "$tmp/out" "$tmp/report.json"

python3 - "$tmp/vraudit.db" "$tmp/report.csv" "$tmp/report.json" <<'EOF'
import csv, json, sqlite3, sys
db = sqlite3.connect('file:%s?mode=ro' % sys.argv[1], uri=True)
db.row_factory = sqlite3.Row
def view(sql):
    return [dict(r) for r in db.execute(sql)]
def fail(msg):
    sys.exit('FAIL: ' + msg)

violations = view("SELECT * FROM violations ORDER BY policy, rule, element_id")
shares = view("SELECT * FROM zone_share ORDER BY policy, rule, zone")
rules = view("SELECT * FROM rule_status ORDER BY policy, rule")
if not violations:
    fail('the views show no violation')

# CSV: one row per (policy, rule, element); rules without elements once.
with open(sys.argv[2], newline='') as f:
    rows = list(csv.DictReader(f))
cols = ['policy', 'rule', 'element_id', 'mgmt_ip', 'vendor', 'zone', 'status',
        'deadline', 'detail']
got = sorted([{c: r[c] for c in cols} for r in rows if r['element_id']],
             key=lambda r: (r['policy'], r['rule'], int(r['element_id'])))
want = [{c: '' if v[c] is None else str(v[c]) for c in cols} for v in violations]
if got != want:
    fail('CSV elements differ from the violations view:\n%s\n%s' % (got, want))
status = {(r['policy'], r['rule']): r['rule_status'] for r in rows
          if r['row'] == 'rule'}
cover = {r['zone']: r['status'] for r in rows if r['row'] == 'coverage'}
if cover.get('core') != 'ok' or cover.get('fixed-access') != 'ok':
    fail('CSV coverage rows: %s' % cover)
if status != {(r['policy'], r['rule']): r['status'] for r in rules}:
    fail('CSV rule verdicts differ from rule_status: %s' % status)
expect = {('uk-dvd-2022', 'ran-cap'): 'met', ('uk-dvd-2022', 'core'): 'violated',
          ('uk-dvd-2022', 'no-new-installation'): 'violated',
          ('uk-dvd-2022', 'all-5g'): 'pending' if rules[0]['as_of'] < '2027-12-31' else 'violated',
          ('uk-dvd-2022', 'sensitive-sites'): 'met'}
for k, v in expect.items():
    if status[k] != v:
        fail('%s is %s, want %s' % (k, status[k], v))

# JSON: the same, nested, plus shares and counts.
rep = json.load(open(sys.argv[3]))
if rep['compliant'] is not False or rep['database'] != sys.argv[1]:
    fail('JSON header: %s' % rep)
if rep['zone_shares'] != shares:
    fail('JSON zone_shares differ from the view:\n%s\n%s' % (rep['zone_shares'], shares))
if rep['violations'] != violations:
    fail('JSON violations differ from the view')
nested = []
for p in rep['policies']:
    for r in p['rules']:
        for e in r['elements']:
            if not e['evidence'] or e['evidence'][0]['kind'] != 'sysdescr':
                fail('no evidence for element %s' % e['element_id'])
            nested.append((p['name'], r['rule'], e['element_id'], e['detail']))
if sorted(nested) != sorted((v['policy'], v['rule'], v['element_id'], v['detail'])
                            for v in violations):
    fail('JSON policies -> rules -> elements differ from the view')
ran = [s for s in shares if s['rule'] == 'ran-cap'][0]
if (ran['elements'], ran['high_risk'], ran['share'], ran['status']) != (20, 7, 35.0, 'met'):
    fail('ran share: %s' % ran)
counts = {(c['vendor'], c['risk']): c['elements'] for c in rep['counts']}
if counts != {('cisco', 'none'): 20, ('huawei', 'high'): 9, ('zte', 'high'): 1}:
    fail('counts: %s' % counts)
if [e['zone'] for e in rep['new_elements']] != ['unassigned']:
    fail('new elements: %s' % rep['new_elements'])
unassigned = [v for v in violations if v['rule'] == 'no-new-installation']
if [v['zone'] for v in unassigned] != ['unassigned']:
    fail('the new unassigned element is not the no-new-installation violation')
EOF

# As of the day before the RAN cap applied: pending, and an element first
# seen today does not exist yet: nothing is violated then.
run 0 -c "$tmp/vraudit.conf" --format json --as-of 2023-07-30
python3 -c '
import json, sys
rep = json.load(open(sys.argv[1]))
rules = {r["rule"]: r for p in rep["policies"] for r in p["rules"]}
assert rep["as_of"] == "2023-07-30", rep["as_of"]
assert rules["ran-cap"]["status"] == "pending" and rules["ran-cap"]["days_left"] == 1, rules["ran-cap"]
assert rules["no-new-installation"]["status"] == "met", rules["no-new-installation"]
assert rules["core"]["status"] == "pending", rules["core"]
' "$tmp/out" || fail "as-of evaluation"

# -o: written through a temporary file renamed into place.
run 1 -c "$tmp/vraudit.conf" --format json -o "$tmp/out.json"
python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$tmp/out.json" || fail "-o output"
[ -z "$(ls "$tmp" | grep 'out.json.')" ] || fail "temporary file left: $(ls "$tmp")"
run 3 -c "$tmp/vraudit.conf" -o "$tmp/no/such/dir/r.txt"

# --output-dir: dated reports, keeping the newest N days.
mkdir "$tmp/reports"
for d in 2020-01-01 2020-01-02; do
	echo old >"$tmp/reports/$d.html"
	echo '{}' >"$tmp/reports/$d.json"
done
echo keep >"$tmp/reports/notes.txt"
run 1 -c "$tmp/vraudit.conf" --output-dir "$tmp/reports" --keep 2
today=$(date -u +%F)
[ -s "$tmp/reports/$today.html" ] && [ -s "$tmp/reports/$today.json" ] ||
	fail "dated reports missing: $(ls "$tmp/reports")"
[ ! -e "$tmp/reports/2020-01-01.html" ] && [ ! -e "$tmp/reports/2020-01-01.json" ] ||
	fail "old reports not pruned: $(ls "$tmp/reports")"
[ -e "$tmp/reports/2020-01-02.html" ] && [ -e "$tmp/reports/notes.txt" ] ||
	fail "kept files removed: $(ls "$tmp/reports")"
echo "ok"
