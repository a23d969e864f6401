#!/usr/bin/env bash
# Many sites, one central PostgreSQL (started here, on a Unix socket): the
# schema is created and upgraded by `vraudit central migrate`; two sites
# push at once and the central views hold what their files hold; a push
# goes on from the head held centrally; a site role cannot write another
# site's rows; a rewritten or tampered site history is refused and
# reported; `vraudit verify --central` recomputes every chain and names an
# edit of the central tables.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
. "$src/tests/lib/pg.sh"
require sqlite3
require_python sqlite3
caps=$fixtures/captures

pg_start
pg_createdb central
url="postgresql://%s@/central?host=$PG_SOCKET_DIR&port=$PG_PORT"

# conf NAME SITE ROLE DB: a configuration for vraudit as ROLE.
conf() {
	# shellcheck disable=SC2059
	cat >"$tmp/$1.conf" <<CONF
[database]
path = $4
[registry]
oui-dir = $fixtures/ieee/basic
[central]
url = $(printf "$url" "$3")
site = $2
CONF
}
conf admin admin postgres "$tmp/admin.db"
conf north north north "$tmp/north.db"
conf south south south "$tmp/south.db"
conf thief south north "$tmp/north.db"

# Two sites' databases from real captures.
"$vraudit" ingest -c "$tmp/north.conf" --quiet \
	"$caps/tcpdump_LLDP_and_CDP.pcap" "$caps/tcpdump_erspan-type-i-1_huawei-mac.pcap" >/dev/null ||
	fail "ingest north"
"$vraudit" ingest -c "$tmp/south.conf" --quiet "$caps/tcpdump_dhcp-rfc3004.pcap" "$caps/lldpd_sg200.pcap" "$caps/tcpdump_erspan-type-i-4_h3c-mac.pcap" >/dev/null ||
	fail "ingest south"

# run WANT CMD...: run vraudit, output in $tmp/out and $tmp/err.
run() {
	local want=$1 rc=0
	shift
	"$vraudit" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ "$rc" -eq "$want" ] ||
		fail "vraudit $*: exit $rc, want $want; out: $(cat "$tmp/out"); err: $(cat "$tmp/err")"
}
c() { pg_psql -d central -c "$1"; }

# The schema: created, then up to date.
run 0 central migrate -c "$tmp/admin.conf"
grep -q "central schema: version 0 to 6" "$tmp/out" || fail "migrate said: $(cat "$tmp/out")"
run 0 central migrate -c "$tmp/admin.conf"
grep -q "version 6, up to date" "$tmp/out" || fail "second migrate said: $(cat "$tmp/out")"
# The database compiles no query with JIT (its views' plans are estimated
# far above their cost).
[ "$(c 'SHOW jit')" = off ] || fail "JIT is $(c 'SHOW jit') in the central database"
# migrate writes the configuration's packs for the national views, each
# time: other packs replace them; a broken pack changes nothing.
grep -q "^packs: uk-dvd-2022 us-fcc-covered " "$tmp/out" || fail "migrate's packs: $(cat "$tmp/out")"
packs() { c "SELECT string_agg(pack || '/' || name, ' ' ORDER BY pack, name) FROM vraudit.policy_rule"; }
[ "$(c "SELECT count(*) FROM vraudit.policy_rule WHERE pack = 'uk-dvd-2022'")" -gt 3 ] ||
	fail "the UK pack's rules are not in the central database: $(packs)"
{ cat "$tmp/admin.conf"; printf '[policy]\npacks = us-fcc-covered\nmax-age = 7d\n'; } >"$tmp/fcc.conf"
run 0 central migrate -c "$tmp/fcc.conf"
[ "$(c "SELECT string_agg(DISTINCT pack, ' ') FROM vraudit.policy_rule")" = us-fcc-covered ] ||
	fail "other packs did not replace the first: $(packs)"
[ "$(c "SELECT max_age FROM vraudit.policy_setting")" = 604800 ] || fail "max-age was not written"
printf '[policy]\npacks = no-such-pack\n' | cat "$tmp/admin.conf" - >"$tmp/bad.conf"
run 2 central migrate -c "$tmp/bad.conf"
grep -q "no-such-pack" "$tmp/err" || fail "a missing pack said: $(cat "$tmp/err")"
[ "$(c "SELECT string_agg(DISTINCT pack, ' ') FROM vraudit.policy_rule")" = us-fcc-covered ] ||
	fail "a broken pack changed the central packs: $(packs)"
run 0 central migrate -c "$tmp/admin.conf"
# A database made by version 1 upgrades in place.
pg_createdb old
pg_psql -d old -f "$src/central/schema/001_central.sql" >/dev/null || fail "schema version 1"
pg_psql -d old -c "INSERT INTO vraudit.meta (key, value) VALUES ('version', '1')"
sed "s|/central?|/old?|" "$tmp/admin.conf" >"$tmp/old.conf"
run 0 central migrate -c "$tmp/old.conf"
grep -q "central schema: version 1 to 6" "$tmp/out" || fail "the upgrade said: $(cat "$tmp/out")"
[ "$(pg_psql -d old -c "SELECT count(*) FROM vraudit.zone_share WHERE site IS NULL")" -gt 0 ] ||
	fail "the upgraded database has no national shares"
run 0 central add-site -c "$tmp/admin.conf" north
run 0 central add-site -c "$tmp/admin.conf" south
run 3 central add-site -c "$tmp/admin.conf" north
grep -q "add-site north" "$tmp/err" || fail "a second add-site said: $(cat "$tmp/err")"
run 2 central add-site -c "$tmp/admin.conf" "bad name"

# Both sites push at once; each ends with the central head = its own.
"$vraudit" push -c "$tmp/north.conf" >"$tmp/north.out" 2>&1 &
p1=$!
"$vraudit" push -c "$tmp/south.conf" >"$tmp/south.out" 2>&1 &
p2=$!
wait "$p1" || fail "push north: $(cat "$tmp/north.out")"
wait "$p2" || fail "push south: $(cat "$tmp/south.out")"
for s in north south; do
	db=$tmp/$s.db
	head=$(q "SELECT seq || ' ' || hash FROM audit ORDER BY seq DESC LIMIT 1")
	[ "$(c "SELECT head_seq || ' ' || head_hash FROM vraudit.sites WHERE site = '$s'")" = "$head" ] ||
		fail "$s: central head is not the site's ($head)"
	grep -q "holds up to record ${head% *} ${head#* }" "$tmp/$s.out" || fail "push $s said: $(cat "$tmp/$s.out")"
	# The inventory and evidence are those of the file.
	# Where to find each element too (checked below: an element heard in
	# a capture, with no management address, among them).
	cols="element_id, coalesce(mac, ''), coalesce(sys_name, ''), vendor, risk, zone,
		coalesce(address, ''), coalesce(address_kind, ''), coalesce(addresses, '')"
	q "SELECT $cols FROM inventory ORDER BY 1" >"$tmp/$s.local"
	c "SELECT $cols FROM vraudit.inventory WHERE site = '$s' ORDER BY 1" >"$tmp/$s.central"
	[ -s "$tmp/$s.local" ] || fail "$s: nothing ingested"
	diff "$tmp/$s.local" "$tmp/$s.central" >&2 || fail "$s: the central inventory differs from the file's"
	[ "$(q 'SELECT count(*) FROM evidence')" = "$(c "SELECT count(*) FROM vraudit.evidence WHERE site = '$s'")" ] ||
		fail "$s: evidence counts differ"
	[ "$(q 'SELECT count(*) FROM audit')" = "$(c "SELECT count(*) FROM vraudit.audit_log WHERE site = '$s'")" ] ||
		fail "$s: record counts differ"
	[ "$(q "SELECT group_concat(s, ',') FROM (SELECT scan_id || status AS s FROM scans WHERE status != 'running' ORDER BY scan_id)")" = \
		"$(c "SELECT string_agg(scan_id || status, ',' ORDER BY scan_id) FROM vraudit.scans WHERE site = '$s'")" ] ||
		fail "$s: scans differ"
done
cat "$tmp/north.local" "$tmp/south.local" | grep -qE '\|ipv[46]\|[^|]*$' ||
	fail "no element with only other addresses: $(cat "$tmp/north.local" "$tmp/south.local")"

# Nothing new: nothing sent. New records: only they are sent.
run 0 push -c "$tmp/north.conf"
grep -q "^site north: 0 record(s) and 0 leaf(s) pushed" "$tmp/out" || fail "a repeated push said: $(cat "$tmp/out")"
before=$(c "SELECT count(*) FROM vraudit.record WHERE site = 'north'")
"$vraudit" ingest -c "$tmp/north.conf" --quiet "$caps/tcpdump_dhcp-rfc3004.pcap" >/dev/null || fail "second ingest north"
db=$tmp/north.db
added=$(($(q 'SELECT count(*) FROM audit') - before))
[ "$added" -gt 0 ] || fail "the second ingest added no record"
run 0 push -c "$tmp/north.conf"
grep -q "^site north: $added record(s)" "$tmp/out" || fail "the push of $added new records said: $(cat "$tmp/out")"

# A site role cannot write, nor read, another site's rows.
south_head=$(c "SELECT head_seq FROM vraudit.site WHERE name = 'south'")
rc=0
pg_psql -U north -d central -c "INSERT INTO vraudit.record (site, seq, at, kind, subject, detail, prev_hash, hash) VALUES ('south', $((south_head + 1)), 'x', 'scan', 1, 'x', 'x', 'x')" \
	>"$tmp/out" 2>&1 || rc=$?
[ "$rc" -ne 0 ] && grep -q "role north may not write the rows of site south" "$tmp/out" || fail "north wrote a south record: $(cat "$tmp/out")"
[ "$(pg_psql -U north -d central -c "SELECT count(*) FROM vraudit.record WHERE site = 'south'")" = 0 ] ||
	fail "north reads south's records"
run 3 push -c "$tmp/thief.conf"
grep -q "site south is not registered in the central database, or this role does not push for it" "$tmp/err" ||
	fail "north pushing as south said: $(cat "$tmp/err")"

# A rewritten history: an old record changed and every hash after it
# recomputed, so that the file verifies on its own. Refused, recorded.
cp "$tmp/north.db" "$tmp/rewritten.db"
python3 - "$tmp/rewritten.db" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
def field(h, v):
    b = str(v).encode()
    h.update(len(b).to_bytes(8, 'big')); h.update(b)
prev = None
for seq, at, kind, subject, detail in db.execute(
        "SELECT seq, at, kind, subject, detail FROM audit ORDER BY seq").fetchall():
    if seq == 1:
        detail = detail + 'x'
    if prev is None:
        prev = db.execute("SELECT prev_hash FROM audit WHERE seq = 1").fetchone()[0]
    h = hashlib.sha256()
    for f in (prev, seq, at, kind, subject, detail):
        field(h, f)
    db.execute("UPDATE audit SET detail = ?, prev_hash = ?, hash = ? WHERE seq = ?",
               (detail, prev, h.hexdigest(), seq))
    prev = h.hexdigest()
db.commit()
PY
run 1 push -c "$tmp/north.conf" --db "$tmp/rewritten.db"
grep -q "refused: site north: record [0-9]* held centrally has hash [0-9a-f]*, in this database [0-9a-f]*: the site's history was rewritten" "$tmp/err" ||
	fail "a rewritten history was not refused as such: $(cat "$tmp/err")"
[ "$(c "SELECT refusals FROM vraudit.sites WHERE site = 'north'")" = 1 ] || fail "the refusal was not recorded"

# A tampered record that was never pushed: the central database
# recomputes its hash and refuses it.
cp "$tmp/north.db" "$tmp/tampered.db"
"$vraudit" ingest -c "$tmp/north.conf" --db "$tmp/tampered.db" --quiet "$caps/tcpdump_LLDP_and_CDP.pcap" >/dev/null ||
	fail "third ingest"
db=$tmp/tampered.db
last=$(q 'SELECT max(seq) FROM audit')
sqlite3 "$db" "DROP TRIGGER audit_no_update; UPDATE audit SET at = '2020-01-01T00:00:00Z' WHERE seq = $last"
run 1 push -c "$tmp/north.conf" --db "$db"
grep -q "record $last: its hash [0-9a-f]* does not match its fields" "$tmp/err" ||
	fail "a tampered record was not refused as such: $(cat "$tmp/err")"
[ "$(c "SELECT refusals FROM vraudit.sites WHERE site = 'north'")" = 2 ] || fail "the second refusal was not recorded"
[ "$(c "SELECT count(*) FROM vraudit.record WHERE site = 'north' AND seq >= $last")" = 0 ] ||
	fail "records of the refused push were kept"

# verify --central: intact, refusals listed; then an owner's edit of the
# derived state and of a record (triggers dropped) is named.
run 0 verify -c "$tmp/admin.conf" --central
grep -q "^central: 2 site(s), [0-9]* audit records, [0-9]* leaves, every chain intact; 2 push(es) refused$" "$tmp/out" ||
	fail "verify --central said: $(cat "$tmp/out")"
grep -q "^central: site north: note: 2 push(es) refused, the last at .*does not match its fields" "$tmp/out" ||
	fail "verify --central did not list the refusals: $(cat "$tmp/out")"
# The derived state, which the national report reads, against the leaves.
c "UPDATE vraudit.element SET zone = 'mgmt' WHERE site = 'north' AND id = 3" >/dev/null
c "DELETE FROM vraudit.element_evidence WHERE site = 'south' AND element_id = 1" >/dev/null
run 1 verify -c "$tmp/admin.conf" --central
grep -q "^central: site north: element 3: zone is 'mgmt' but its last leaf says ''$" "$tmp/out" ||
	fail "an edited central zone was not named: $(cat "$tmp/out")"
grep -q "^central: site south: element 1: its evidence differs from its last leaf$" "$tmp/out" ||
	fail "deleted central evidence was not named: $(cat "$tmp/out")"
[ "$(grep -c "^central: site [a-z]*: element" "$tmp/out")" = 2 ] || fail "verify --central found more than the two edits: $(cat "$tmp/out")"
c "ALTER TABLE vraudit.record DISABLE TRIGGER record_append_only; UPDATE vraudit.record SET detail = detail || 'x' WHERE site = 'south' AND seq = 1" >/dev/null
run 1 verify -c "$tmp/admin.conf" --central
grep -q "^central: site south: record 1: hash mismatch (content changed)$" "$tmp/out" ||
	fail "an edited central record was not named: $(cat "$tmp/out")"
echo "ok: sites push their chains to one PostgreSQL, which checks them"
