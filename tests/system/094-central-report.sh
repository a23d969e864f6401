#!/usr/bin/env bash
# The national report: the packs evaluated over every site's elements held
# centrally, with each site evaluated alone. The UK caps Huawei at 35% of
# the operator's RAN: site west has 2 of 4 (50%, broken there), site east
# 0 of 10, so the operator has 2 of 14 (14%, met); a Huawei box in east's
# core breaks the core rule at east and nationally. Every element is named
# with its site and its own number there. (A share met at every site is
# met in total: the total is an average of the sites' shares. What can
# differ is a cap broken at a site and met in total, shown here.)
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
. "$src/tests/lib/pg.sh"
require sqlite3
require_python json

pg_start
pg_createdb central
url="postgresql://%s@/central?host=$PG_SOCKET_DIR&port=$PG_PORT"
for who in admin:postgres west:west east:east; do
	# shellcheck disable=SC2059
	cat >"$tmp/${who%%:*}.conf" <<CONF
[database]
path = $tmp/${who%%:*}.db
[registry]
oui-dir = $fixtures/ieee/basic
[zone core]
subnets = 10.10.0.0/16
[zone ran]
subnets = 10.20.0.0/16
[policy]
packs = uk-dvd-2022
[central]
url = $(printf "$url" "${who#*:}")
site = ${who%%:*}
CONF
done

# ARP from each (mac, address): Huawei is 00:25:9e, Cisco 00:18:ba.
python3 - "$tmp" <<'PY'
import struct, sys, time
def pcap(path, hosts):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        t = int(time.time())
        for mac, ip in hosts:
            m = bytes.fromhex(mac.replace(':', ''))
            a = bytes(int(x) for x in ip.split('.'))
            fr = (b'\xff' * 6 + m + b'\x08\x06' + struct.pack('!HHBBH', 1, 0x0800, 6, 4, 1)
                  + m + a + bytes(6) + bytes([a[0], a[1], 255, 254]))
            fr += bytes(max(0, 60 - len(fr)))
            f.write(struct.pack('<IIII', t, 0, len(fr), len(fr)) + fr)
pcap(sys.argv[1] + '/west.pcap',
     [('00:25:9e:00:00:01', '10.20.0.1'), ('00:25:9e:00:00:02', '10.20.0.2'),
      ('00:18:ba:00:00:03', '10.20.0.3'), ('00:18:ba:00:00:04', '10.20.0.4')])
pcap(sys.argv[1] + '/east.pcap',
     [('00:18:ba:00:01:%02x' % i, '10.20.1.%d' % i) for i in range(1, 11)]
     + [('00:25:9e:00:01:01', '10.10.1.1')])
PY
for s in west east; do
	"$vraudit" ingest -c "$tmp/$s.conf" --quiet "$tmp/$s.pcap" >/dev/null || fail "ingest $s"
done
"$vraudit" central migrate -c "$tmp/admin.conf" >/dev/null || fail "central migrate"
for s in west east; do
	"$vraudit" central add-site -c "$tmp/admin.conf" "$s" >/dev/null || fail "add-site $s"
	"$vraudit" push -c "$tmp/$s.conf" >/dev/null || fail "push $s"
done

report() {
	local rc=0
	"$vraudit" report -c "$tmp/admin.conf" --central --as-of "$(date -u +%F)" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ "$rc" = 1 ] || fail "report --central $*: exit $rc, want 1 (violations): $(cat "$tmp/err")"
}

# Text: national verdicts, then each site alone.
report
has() { grep -qE "$1" "$tmp/out" || fail "the national report lacks /$1/: $(cat "$tmp/out")"; }
has "^vraudit national compliance report$"
has "^database:  central database central \\(host $PG_SOCKET_DIR\\), 2 sites$"
has "^  west: 4 elements, audit record [0-9]+, head [0-9a-f]{64}$"
has "^  east: 11 elements, audit record [0-9]+, head [0-9a-f]{64}$"
grep -A30 "^  east:" "$tmp/out" | grep -qE "^    uk-dvd-2022/ran-cap  met; 10 element\(s\), 0 covered; zone ran: 0 of 10, 0.0% \(at most 35.0%\)$" ||
	fail "east's RAN cap: $(cat "$tmp/out")"
grep -A30 "^  east:" "$tmp/out" | grep -qE "^    uk-dvd-2022/core  violated; 1 element\(s\), 1 covered" ||
	fail "east's core rule: $(cat "$tmp/out")"
grep -A30 "^  west:" "$tmp/out" | grep -qE "^    uk-dvd-2022/ran-cap  violated; 4 element\(s\), 2 covered; zone ran: 2 of 4, 50.0% \(at most 35.0%\)$" ||
	fail "west's RAN cap: $(cat "$tmp/out")"
# Every violating element is named with its site.
has "element [0-9]+ = east/11 "
has "element [0-9]+ = west/[12] "

# JSON: the national shares and the sites.
report --format json
python3 - "$tmp/out" <<'PY' || fail "the JSON national report: $(cat "$tmp/out" | head -c 2000)"
import json, sys
r = json.load(open(sys.argv[1]))
rules = {(p['name'], x['rule']): x for p in r['policies'] for x in p['rules']}
ran = rules[('uk-dvd-2022', 'ran-cap')]
assert ran['status'] == 'met', ran['status']
shares = [s for s in ran['zone_shares'] if s['zone'] == 'ran']
assert shares and shares[0]['elements'] == 14 and shares[0]['high_risk'] == 2, shares
assert rules[('uk-dvd-2022', 'core')]['status'] == 'violated'
sites = {s['site']: s for s in r['sites']}
assert set(sites) == {'west', 'east'}, sites
assert sites['west']['elements'] == 4 and len(sites['west']['audit_head']['hash']) == 64
w = {x['rule']: x for x in sites['west']['rules']}
assert w['ran-cap']['status'] == 'violated', w['ran-cap']
e = {x['rule']: x for x in sites['east']['rules']}
assert e['ran-cap']['status'] == 'met' and e['core']['status'] == 'violated', e
els = [x for p in r['policies'] for x in p['rules'] if x['rule'] == 'core' for x in x['elements']]
assert [(x['site'], x['site_element_id']) for x in els] == [("east", 11)], els
PY

# Each site evaluated alone says what its own report says.
cp "$tmp/out" "$tmp/national.json"
for s in west east; do
	rc=0
	"$vraudit" report -c "$tmp/$s.conf" --as-of "$(date -u +%F)" --format json >"$tmp/$s.json" || rc=$?
	[ "$rc" = 1 ] || fail "the report of $s: exit $rc"
	python3 - "$tmp/national.json" "$tmp/$s.json" "$s" <<'PY' || fail "$s alone differs from its own report"
import json, sys
nat, own, site = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
alone = {(x['policy'], x['rule']): x['status'] for s in nat['sites'] if s['site'] == site for x in s['rules']}
mine = {(p['name'], x['rule']): x['status'] for p in own['policies'] for x in p['rules']}
assert alone == mine, (alone, mine)
PY
done

# The national views in PostgreSQL say what the national report says: the
# same violations (site, the site's element number, status, detail), the
# operator's shares (site NULL) and each site's own (as its own report),
# read by an auditor's role.
pg_psql -d central -c "CREATE ROLE auditor LOGIN IN ROLE vraudit_auditor" || fail "auditor role"
aud() { psql -X -q -At -F $'\t' -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U auditor -d central -c "$1"; }
aud "SELECT site, policy, rule, element_id, status, detail FROM vraudit.violations" >"$tmp/pg-violations" ||
	fail "the auditor cannot read vraudit.violations"
aud "SELECT coalesce(site, ''), policy, rule, zone, elements, high_risk, status, coverage FROM vraudit.zone_share" \
	>"$tmp/pg-shares" || fail "the auditor cannot read vraudit.zone_share"
python3 - "$tmp" <<'PY' || fail "the national views differ from the national report"
import json, sys
d = sys.argv[1]
nat = json.load(open(d + '/national.json'))
want = sorted((x['site'], p['name'], r['rule'], str(x['site_element_id']), x['status'], x['detail'])
              for p in nat['policies'] for r in p['rules'] for x in r['elements'])
got = sorted(tuple(l.split('\t')) for l in open(d + '/pg-violations').read().splitlines())
assert want and got == want, ('violations', got, want)
rows = [l.split('\t') for l in open(d + '/pg-shares').read().splitlines()]
def shares(report, site):
    return sorted((s['policy'], s['rule'], s['zone'], str(s['elements']), str(s['high_risk']),
                   s['status'], s['coverage']) for s in report['zone_shares'])
def view(site):
    return sorted(tuple(r[1:]) for r in rows if r[0] == site)
assert view('') == shares(nat, None), ('national shares', view(''), shares(nat, None))
for site in ('west', 'east'):
    own = json.load(open(d + '/' + site + '.json'))
    assert view(site) == shares(own, site), (site, view(site), shares(own, site))
PY
# A site's role reads none of it.
rc=0
psql -X -q -At -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U west -d central -c "SELECT count(*) FROM vraudit.violations" \
	>/dev/null 2>&1 || rc=$?
[ "$rc" != 0 ] || fail "site west's role reads the national violations"

# CSV: each element row names its site.
report --format csv
python3 - "$tmp/out" <<'PY' || fail "the CSV national report: $(head -5 "$tmp/out")"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
core = [r for r in rows if r['rule'] == 'core' and r['element_id']]
assert [(r['site'], r['site_element_id']) for r in core] == [("east", "11")], core
sites = {(r['site'], r['rule']): r for r in rows if r['row'] == 'site'}
assert sites[('west', 'ran-cap')]['rule_status'] == 'violated', sites
assert sites[('east', 'ran-cap')]['rule_status'] == 'met', sites
assert len(sites[('east', 'core')]['audit_hash']) == 64, sites
assert all(r['audit_hash'] == '' for r in rows if r['row'] == 'rule')
PY

# HTML: the sites and their heads.
report --format html
grep -q "<h2[^>]*>By site</h2>" "$tmp/out" || fail "the HTML national report has no By site section"
[ "$(grep -o "east/11" "$tmp/out" | head -1)" = "east/11" ] || fail "the HTML does not name east/11"

# A site whose element numbers have a gap (as no site's store leaves
# one, but the central database may hold): the gather lists every
# element with its national number instead of counting from each site's
# range, and each still comes out as itself. The gap is in east, the first
# site in order, so that every element of west moves; the element after
# it is a copy of east/11, the Huawei core router, so that it is listed.
cols="mgmt_ip, chassis_mac, mac, sys_name, sys_descr, sys_object_id, model, serial, software, zone,
	vendor, vendor_name, risk, confidence, conflict, first_seen, last_seen, first_scan, merged_into,
	sources, retired_at, retired_seen, retired_reason, leaf_seq"
pg_psql -d central -c "INSERT INTO vraudit.element (site, id, $cols)
	SELECT site, (SELECT max(id) + 5 FROM vraudit.element WHERE site = 'east'), $cols
	FROM vraudit.element WHERE site = 'east' AND id = 11" || fail "an element after a gap"
gap=$(pg_psql -d central -c "SELECT max(id) FROM vraudit.element WHERE site = 'east'")
report --format text
has "element [0-9]+ = east/11 "
has "element [0-9]+ = west/[12] "
report --format json
python3 - "$tmp/out" "$tmp/national.json" "$gap" <<'PY' || fail "the JSON national report after a gap: $(head -c 2000 "$tmp/out")"
import json, sys
r, before, gap = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), int(sys.argv[3])
count = lambda r: {s['site']: s['elements'] for s in r['sites']}
assert count(r) == dict(count(before), east=count(before)['east'] + 1), (count(r), count(before))
def named(x, out):
    if isinstance(x, dict):
        if 'site' in x and 'site_element_id' in x:
            out.add((x['site'], x['site_element_id']))
        for v in x.values():
            named(v, out)
    elif isinstance(x, list):
        for v in x:
            named(v, out)
    return out
now, was = named(r, set()), named(before, set())
assert now == was | {('east', gap)}, (now ^ was)
els = [x for p in r['policies'] for x in p['rules'] if x['rule'] == 'core' for x in x['elements']]
assert [(x['site'], x['site_element_id']) for x in els] == [("east", 11), ("east", gap)], els
PY

# --db and --central exclude each other; no [central]: a usage error.
rc=0
"$vraudit" report -c "$tmp/admin.conf" --central --db "$tmp/west.db" >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "--central --db: exit $rc"
grep -v '^\[central\]\|^url\|^site' "$tmp/west.conf" >"$tmp/plain.conf"
rc=0
"$vraudit" report -c "$tmp/plain.conf" --central >/dev/null 2>"$tmp/err" || rc=$?
[ "$rc" = 2 ] && grep -q "no \[central\] section" "$tmp/err" || fail "--central without [central]: exit $rc: $(cat "$tmp/err")"
echo "ok: the national report counts every site, and each site alone"
