#!/usr/bin/env bash
# The central database's national views (vraudit.violations and
# vraudit.zone_share) say what the national report says, on networks with
# sweeps: site north is the lab swept now (its agents on this test's own
# addresses) with its mirror-port capture; site south the same agents swept
# ten days ago without the transport zone (stale, and partial where known
# agents fell silent), with captures of its own. Every violation (site, the
# site's element number, status, detail) and every share (the operator's,
# and each site's against its own report) is compared, read by an
# auditor's role.
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
		-e "s/^timeout = .*/timeout = 5s/" \
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
pg_psql -d central -c "CREATE ROLE auditor LOGIN IN ROLE vraudit_auditor" || fail "auditor role"

# report CONF OUT [ARGS]: a JSON report, exit 1 (violations) expected.
report() {
	local rc=0 conf=$1 out=$2
	shift 2
	"$vraudit" report -c "$conf" --format json "$@" >"$out" 2>"$tmp/err" || rc=$?
	[ "$rc" = 1 ] || fail "report $*: exit $rc: $(cat "$tmp/err")"
}
report "$tmp/admin.conf" "$tmp/national.json" --central
report "$tmp/north.conf" "$tmp/north.json"
report "$tmp/south.conf" "$tmp/south.json"
aud() {
	psql -X -q -At -F $'\t' -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U auditor -d central -c "$1" ||
		fail "the auditor's query failed: $1"
}
aud "SELECT site, policy, rule, element_id, status, detail FROM vraudit.violations" >"$tmp/pg-violations"
aud "SELECT coalesce(site, ''), policy, rule, zone, elements, high_risk, status, coverage FROM vraudit.zone_share" \
	>"$tmp/pg-shares"
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
# the sites' shares are judged on all these grounds
assert {'violated', 'met', 'stale', 'no-data', 'ok'} <= statuses, statuses
PY
echo "ok: the central views violations and zone_share agree with the national report"
