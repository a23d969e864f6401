#!/usr/bin/env bash
# The central database's national views (vraudit.violations,
# vraudit.zone_share and vraudit.rule_status) say what the national report
# says, on networks with sweeps: site north is the lab swept now (its
# agents on this test's own addresses) with its mirror-port capture; site
# south the same agents swept ten days ago without the transport zone
# (stale, and partial where known agents fell silent), with captures of
# its own. Every violation (site, the site's element number, status,
# detail), every share (the operator's, and each site's against its own
# report) and every rule's verdict is compared, read by an auditor's role.
# The national report's breakdown by site, read from rule_status, is what
# evaluating each site alone gives, on two evaluation dates, also for a
# site that has pushed nothing yet.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
. "$src/tests/lib/pg.sh"
require snmpsimd snmpget sqlite3
require_python json
at_exit 'bash "$src/tests/lib/snmpsim.sh" stop "$tmp/sim"'

port=16196
args=()
for f in "$src"/conf/lab/agents/*.snmprec; do
	addr=$(basename "$f")
	addr=${addr%%_*}
	args+=("${addr/127.0./127.96.}:$port" "$f")
done
bash "$src/tests/lib/snmpsim.sh" start "$tmp/sim" "${args[@]}"
printf 'public\n' >"$tmp/community"
chmod 600 "$tmp/community"

pg_start
pg_createdb central
url="postgresql://%s@/central?host=$PG_SOCKET_DIR&port=$PG_PORT"
# conf NAME ROLE: the lab's configuration for site NAME, pushing as ROLE.
conf() {
	# shellcheck disable=SC2059
	sed -e "s/127\.0\./127.96./g" -e "s/^port = .*/port = $port/" \
		-e "s|^community-file = .*|community-file = $tmp/community|" \
		-e "s|^path = .*|path = $tmp/$1.db|" \
		-e "s|^dir = \.\./policies|dir = $src/conf/policies|" \
		-e "s/^timeout = .*/timeout = 2s/" \
		-e "s/^packs = .*/packs = uk-dvd-2022, us-fcc-covered/" \
		"$src/conf/lab/vraudit.conf" >"$tmp/$1.conf"
	printf '[central]\nurl = %s\nsite = %s\n' "$(printf "$url" "$2")" "$1" >>"$tmp/$1.conf"
}
conf north north
conf south south
conf admin postgres

run() {
	"$@" >"$tmp/out" 2>"$tmp/err" || fail "$* exited $?: $(cat "$tmp/err")"
}
VRAUDIT_NOW=$(date -u -d '10 days ago' +%FT%TZ) run "$vraudit" scan -c "$tmp/south.conf" --quiet
sed -i "s/^addresses = 127\.96\.30\.0\/28/addresses = 127.96.31.0\/30/" "$tmp/south.conf"
VRAUDIT_NOW=$(date -u -d '9 days ago' +%FT%TZ) run "$vraudit" scan -c "$tmp/south.conf" --quiet
run "$vraudit" ingest -c "$tmp/south.conf" --quiet "$fixtures/captures/tcpdump_erspan-type-i-1_huawei-mac.pcap" \
	"$fixtures/captures/lldpd_sg200.pcap"
run "$vraudit" scan -c "$tmp/north.conf" --quiet
python3 "$src/scripts/lab-capture.py" "$tmp/mirror.pcap"
run "$vraudit" ingest -c "$tmp/north.conf" --quiet "$tmp/mirror.pcap"
bash "$src/tests/lib/snmpsim.sh" stop "$tmp/sim"

run "$vraudit" central migrate -c "$tmp/admin.conf"
for s in north south; do
	run "$vraudit" central add-site -c "$tmp/admin.conf" "$s"
	run "$vraudit" push -c "$tmp/$s.conf"
done
# A site registered that has pushed nothing yet: judged on no data.
run "$vraudit" central add-site -c "$tmp/admin.conf" idle
pg_psql -d central -c "CREATE ROLE auditor LOGIN IN ROLE vraudit_auditor" || fail "auditor role"

# report CONF OUT [ARGS]: a JSON report, exit 1 (violations) expected.
report() {
	local rc=0 conf=$1 out=$2
	shift 2
	"$vraudit" report -c "$conf" --format json "$@" >"$out" 2>"$tmp/err" || rc=$?
	[ "$rc" = 1 ] || fail "report $*: exit $rc: $(cat "$tmp/err")"
}
report "$tmp/admin.conf" "$tmp/national.json" --central
! grep -q "note:" "$tmp/err" || fail "the central packs are the report's, yet: $(cat "$tmp/err")"
# With other packs written centrally, the report evaluates each site
# itself instead of reading the views' verdicts (and says so): the same
# verdicts, word for word, today and on another day (--as-of, which the
# views then judge).
later=$(date -u -d '+400 days' +%F)
report "$tmp/admin.conf" "$tmp/later.json" --central --as-of "$later"
sed 's/^packs = .*/packs = us-fcc-covered/' "$tmp/admin.conf" >"$tmp/other.conf"
run "$vraudit" central migrate -c "$tmp/other.conf"
report "$tmp/admin.conf" "$tmp/gathered.json" --central
grep -q "note: the central database holds other packs" "$tmp/err" || fail "no note of other packs: $(cat "$tmp/err")"
report "$tmp/admin.conf" "$tmp/gathered-later.json" --central --as-of "$later"
run "$vraudit" central migrate -c "$tmp/admin.conf"
python3 - "$tmp" <<'PY' || fail "the views' breakdown by site differs from the sites evaluated alone"
import json, sys
d = sys.argv[1]
for views, gathered in (('national', 'gathered'), ('later', 'gathered-later')):
    a, b = (json.load(open(f'{d}/{f}.json')) for f in (views, gathered))
    assert len(a['sites']) == 3 and all(len(s['rules']) > 5 for s in a['sites']), a['sites']
    idle = [s for s in a['sites'] if s['site'] == 'idle'][0]
    assert {r['status'] for r in idle['rules']} <= {'no-data', 'pending'}, idle
    assert a['sites'] == b['sites'], (views, a['sites'], b['sites'])
    assert a['policies'] == b['policies'], views
now, later = (json.load(open(f'{d}/{f}.json')) for f in ('national', 'later'))
assert now['sites'] != later['sites'], 'the evaluation date changed nothing'
PY
report "$tmp/north.conf" "$tmp/north.json"
report "$tmp/south.conf" "$tmp/south.json"
aud() {
	psql -X -q -At -F $'\t' -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U auditor -d central -c "$1" ||
		fail "the auditor's query failed: $1"
}
aud "SELECT site, policy, rule, element_id, status, detail FROM vraudit.violations" >"$tmp/pg-violations"
aud "SELECT coalesce(site, ''), policy, rule, zone, elements, high_risk, status, coverage FROM vraudit.zone_share" \
	>"$tmp/pg-shares"
aud "SELECT coalesce(site, ''), policy, rule, status, state, days_left, zones_over, new_elements, coverage,
	coalesce(reason, ''), elements, covered FROM vraudit.rule_status" >"$tmp/pg-rules"
python3 - "$tmp" <<'PY' || fail "the national views differ from the national report"
import json, sys
d = sys.argv[1]
nat = json.load(open(d + '/national.json'))
want = sorted((x['site'], p['name'], r['rule'], str(x['site_element_id']), x['status'], x['detail'])
              for p in nat['policies'] for r in p['rules'] for x in r['elements'])
got = sorted(tuple(l.split('\t')) for l in open(d + '/pg-violations').read().splitlines())
assert len(want) > 20 and {w[0] for w in want} == {'north', 'south'}, want
missing, extra = set(want) - set(got), set(got) - set(want)
assert got == want, ('violations', 'missing', sorted(missing)[:5], 'extra', sorted(extra)[:5])
rows = [l.split('\t') for l in open(d + '/pg-shares').read().splitlines()]
def shares(report):
    return sorted((s['policy'], s['rule'], s['zone'], str(s['elements']), str(s['high_risk']),
                   s['status'], s['coverage']) for s in report['zone_shares'])
def view(site):
    return sorted(tuple(r[1:]) for r in rows if r[0] == site)
assert view('') == shares(nat), ('national shares', view(''), shares(nat))
statuses = set()
for site in ('north', 'south'):
    own = json.load(open(d + '/' + site + '.json'))
    assert view(site) == shares(own), (site, view(site), shares(own))
    statuses |= {s[5] for s in view(site)} | {s[6] for s in view(site)}
# rule_status: the operator's verdicts are the national report's, each
# site's those of its own report, every column
rules = [l.split('\t') for l in open(d + '/pg-rules').read().splitlines()]
def verdicts(report):
    return sorted((p['name'], x['rule'], x['status'], x['state'], str(x['days_left']), str(x['zones_over']),
                   str(x['new_elements']), x['coverage'], x['reason'] or '', str(x['scope']['elements']),
                   str(x['scope']['covered'])) for p in report['policies'] for x in p['rules'])
def pg_verdicts(site):
    return sorted(tuple(r[1:]) for r in rules if r[0] == site)
assert pg_verdicts('') == verdicts(nat), ('national rule_status', pg_verdicts(''), verdicts(nat))
for site in ('north', 'south'):
    own = json.load(open(d + '/' + site + '.json'))
    assert pg_verdicts(site) == verdicts(own), (site, pg_verdicts(site), verdicts(own))
    statuses |= {r[2] for r in pg_verdicts(site)}
# the sites' shares are judged on all these grounds
assert {'violated', 'met', 'stale', 'no-data', 'ok', 'pending'} <= statuses, statuses
PY
echo "ok: the central views violations, zone_share and rule_status agree with the national report"
