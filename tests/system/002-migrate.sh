#!/bin/bash
# vraudit migrate creates and upgrades the database; vraudit elements reads
# it and refuses files that are missing or not ours without touching them.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require sqlite3 python3

# Create.
out=$("$vraudit" migrate --db "$tmp/x.db")
[ "$out" = "$tmp/x.db: schema version 13 (created)" ] || fail "migrate said: $out"
schema=$(sqlite3 "$tmp/x.db" .schema)
for view in inventory evidence violations zone_share scans; do
	grep -q "^CREATE VIEW $view AS" <<<"$schema" || fail "no view $view"
done

# Again: nothing to do.
out=$("$vraudit" migrate --db "$tmp/x.db")
[ "$out" = "$tmp/x.db: schema version 13 (up to date)" ] || fail "second migrate said: $out"

# A version 1 database (as the first release made it) with an element:
# upgraded in place, its rows kept.
{
	printf 'PRAGMA application_id = 1448231253;\n'
	cat "$src/schema/001_initial.sql"
	printf "INSERT INTO element (sys_name, first_seen, last_seen) VALUES ('old-box', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z');\n"
	printf "INSERT INTO element_address VALUES (1, 'mac', '00:e0:fc:00:00:01', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z');\n"
	printf 'PRAGMA user_version = 1;\n'
} | sqlite3 "$tmp/v1.db"
out=$("$vraudit" migrate --db "$tmp/v1.db")
[ "$out" = "$tmp/v1.db: schema version 13 (upgraded from 1)" ] || fail "upgrade said: $out"
[ "$(sqlite3 "$tmp/v1.db" "SELECT value || ' ' || (coalesce(content_lldp, content_cdp, content_dhcp) IS NULL) FROM element_address")" = "00:e0:fc:00:00:01 1" ] ||
	fail "upgrade lost the address or set a digest"
[ "$("$vraudit" elements --db "$tmp/v1.db" --format csv | tail -n +2 | cut -d, -f3)" = "00:e0:fc:00:00:01" ] ||
	fail "the upgraded database does not list its element"
# Version 11 rewrote two checks in place: the same values pass, the file
# is sound.
sqlite3 "$tmp/v1.db" "SELECT sql FROM sqlite_schema WHERE name IN ('element', 'element_address')" >"$tmp/tables"
grep -q "CHECK (risk = 'high' OR risk = 'watch' OR risk = 'none'" "$tmp/tables" &&
	grep -q "CHECK (kind = 'mac' OR kind = 'ipv4' OR kind = 'ipv6')" "$tmp/tables" &&
	! grep -q " IN (" "$tmp/tables" || fail "the checks were not rewritten: $(cat "$tmp/tables")"
[ "$(sqlite3 "$tmp/v1.db" 'PRAGMA integrity_check')" = ok ] || fail "the upgraded file is not sound"
! sqlite3 "$tmp/v1.db" "UPDATE element SET risk = 'severe'" 2>"$tmp/err" || fail "a risk outside the four was stored"
grep -q "CHECK constraint failed" "$tmp/err" || fail "the risk check said: $(cat "$tmp/err")"
! sqlite3 "$tmp/v1.db" "UPDATE element_address SET kind = 'eui64'" 2>"$tmp/err" || fail "an address kind outside the three was stored"
grep -q "CHECK constraint failed" "$tmp/err" || fail "the kind check said: $(cat "$tmp/err")"
# Values of before version 3 came from nobody knows where: "unrecorded",
# observed when the element was last seen.
[ "$(sqlite3 "$tmp/v1.db" "SELECT sys_name || ' ' || sys_name_source || ' ' || sys_name_observed || ' ' || coalesce(mgmt_ip_source, '-') FROM inventory")" = "old-box unrecorded 2026-01-02T00:00:00Z -" ] ||
	fail "upgraded values: $(sqlite3 "$tmp/v1.db" "SELECT * FROM inventory")"

# The upgrade from 1 put the element in the chain: one batch, one leaf.
out=$("$vraudit" verify --db "$tmp/v1.db") || fail "verify after the upgrade from 1: $out"
[ "$(sqlite3 "$tmp/v1.db" "SELECT group_concat(kind || ':' || subject) FROM audit_log")" = "batch:1" ] ||
	fail "chain after the upgrade from 1: $(sqlite3 "$tmp/v1.db" "SELECT * FROM audit_log")"

# A version 3 database whose verdict was edited behind the chain's back:
# the upgrade will not commit the edited state as the elements' first
# leaves, and verify keeps naming the edit.
sqlite3 "$tmp/v3e.db" <"$src/tests/fixtures/store/schema-v3.sql"
sqlite3 "$tmp/v3e.db" "UPDATE element SET vendor = 'cisco', risk = 'none' WHERE vendor = 'huawei'"
rc=0
out=$("$vraudit" migrate --db "$tmp/v3e.db" 2>&1) || rc=$?
[ "$rc" -ne 0 ] || fail "migrate of an edited version 3 database succeeded: $out"
grep -q "audit chain written before schema version 4 does not verify (1 problem, first: element [0-9]*: verdict differs from audit record" <<<"$out" ||
	fail "migrate of an edited version 3 database said: $out"
[ "$(sqlite3 "$tmp/v3e.db" "SELECT count(*) FROM audit_leaf")" = 0 ] || fail "leaves over an edited chain"
rc=0
out=$("$vraudit" verify --db "$tmp/v3e.db") || rc=$?
[ "$rc" -eq 1 ] && grep -q "verdict differs from audit record" <<<"$out" ||
	fail "verify of the edited, upgraded database exited $rc: $out"

# A version 3 database with a chain of verdict and scan records: it still
# verifies, before the upgrade and after; the upgrade commits every
# element's state as one batch after the old records, and from then on an
# edit the old records could not see (a zone) is caught.
sqlite3 "$tmp/v3.db" <"$src/tests/fixtures/store/schema-v3.sql"
out=$("$vraudit" verify --db "$tmp/v3.db") || fail "verify of the version 3 database: $out"
grep -q "5 audit records, chain intact" <<<"$out" || fail "verify of the version 3 database: $out"
old_head=$(sqlite3 "$tmp/v3.db" "SELECT hash FROM audit WHERE seq = 5")
out=$("$vraudit" migrate --db "$tmp/v3.db")
[ "$out" = "$tmp/v3.db: schema version 13 (upgraded from 3)" ] || fail "upgrade said: $out"
out=$("$vraudit" verify --db "$tmp/v3.db") || fail "verify after the upgrade from 3: $out"
grep -q "6 audit records, chain intact" <<<"$out" || fail "verify after the upgrade from 3: $out"
[ "$(sqlite3 "$tmp/v3.db" "SELECT hash FROM audit WHERE seq = 5")" = "$old_head" ] ||
	fail "the upgrade changed the old records"
[ "$(sqlite3 "$tmp/v3.db" "SELECT kind || ':' || subject FROM audit WHERE seq = 6")" = "batch:6" ] ||
	fail "the upgrade's batch: $(sqlite3 "$tmp/v3.db" "SELECT * FROM audit WHERE seq = 6")"
id=$(sqlite3 "$tmp/v3.db" "SELECT id FROM element WHERE vendor = 'huawei'")
sqlite3 "$tmp/v3.db" "UPDATE element SET zone = 'mgmt' WHERE id = $id"
rc=0
out=$("$vraudit" verify --db "$tmp/v3.db") || rc=$?
[ "$rc" -eq 1 ] || fail "verify of an edited zone exited $rc: $out"
grep -q "element $id: zone is 'mgmt' but record 6 says ''" <<<"$out" || fail "verify of an edited zone: $out"

# An empty inventory in each format.
out=$("$vraudit" elements --db "$tmp/x.db" --format json)
[ "$out" = "[]" ] || fail "json of an empty inventory: $out"
out=$("$vraudit" elements --db "$tmp/x.db")
[ "$out" = "no elements" ] || fail "text of an empty inventory: $out"
out=$("$vraudit" elements --db "$tmp/x.db" --format csv)
[ "$out" = "element_id,mgmt_ip,mac,sys_name,sys_descr,sys_object_id,vendor,vendor_name,risk,confidence,conflict,zone,model,serial,software,first_seen,last_seen,sources,sys_name_source,sys_name_observed,mgmt_ip_source,mgmt_ip_observed,retired_at,retired_reason,address,address_kind,addresses" ] ||
	fail "csv of an empty inventory: $out"

# A bad risk level is a usage error naming the accepted values.
rc=0
err=$("$vraudit" elements --db "$tmp/x.db" --risk severe 2>&1) || rc=$?
[ "$rc" -eq 2 ] || fail "--risk severe exited $rc"
grep -q "high, watch, none, unknown" <<<"$err" || fail "--risk error: $err"

rc=0
err=$("$vraudit" elements --db "$tmp/x.db" --format xml 2>&1) || rc=$?
[ "$rc" -eq 2 ] || fail "--format xml exited $rc"
grep -q "text, csv, json" <<<"$err" || fail "--format error: $err"

# Migrations must be numbered without gaps: the build refuses otherwise.
printf 'SELECT 1;\n' >"$tmp/001_a.sql"
printf 'SELECT 3;\n' >"$tmp/003_c.sql"
rc=0
err=$(python3 "$src/schema/embed.py" "$tmp/s.c" \
	"$tmp/001_a.sql" "$tmp/003_c.sql" 2>&1) || rc=$?
[ "$rc" -ne 0 ] || fail "embed.py accepted a gap in the migrations"
grep -q "003_c found where 002 was expected" <<<"$err" || fail "embed.py: $err"

# A missing database: exit 3, say what to do, create nothing.
rc=0
err=$("$vraudit" elements --db "$tmp/missing.db" 2>&1) || rc=$?
[ "$rc" -eq 3 ] || fail "missing database exited $rc"
grep -qF "no database at $tmp/missing.db" <<<"$err" || fail "missing database: $err"
[ ! -e "$tmp/missing.db" ] || fail "elements created the missing database"

# A text file: exit 3 naming it, left byte-for-byte as it was.
printf 'not a database\r\n' >"$tmp/notes.txt"
cp "$tmp/notes.txt" "$tmp/notes.orig"
for cmd in elements migrate; do
	rc=0
	err=$("$vraudit" $cmd --db "$tmp/notes.txt" 2>&1) || rc=$?
	[ "$rc" -eq 3 ] || fail "$cmd on a text file exited $rc"
	grep -qF "$tmp/notes.txt" <<<"$err" || fail "$cmd error does not name the file: $err"
	cmp -s "$tmp/notes.txt" "$tmp/notes.orig" || fail "$cmd changed the text file"
	[ ! -e "$tmp/notes.txt-wal" ] && [ ! -e "$tmp/notes.txt-journal" ] ||
		fail "$cmd left SQLite files next to the text file"
done

# Another application's database: refused, untouched.
sqlite3 "$tmp/other.db" 'PRAGMA application_id = 42; CREATE TABLE t (x); INSERT INTO t VALUES (1);'
cp "$tmp/other.db" "$tmp/other.orig"
rc=0
err=$("$vraudit" migrate --db "$tmp/other.db" 2>&1) || rc=$?
[ "$rc" -eq 3 ] || fail "migrate on another application's database exited $rc"
grep -q "another application" <<<"$err" || fail "other application: $err"
cmp -s "$tmp/other.db" "$tmp/other.orig" || fail "migrate changed another application's database"

# A newer schema: refused, says both versions.
current=$(sqlite3 "$tmp/x.db" 'PRAGMA user_version')
sqlite3 "$tmp/x.db" "PRAGMA user_version = $((current + 1));"
cp "$tmp/x.db" "$tmp/x.orig"
rc=0
err=$("$vraudit" migrate --db "$tmp/x.db" 2>&1) || rc=$?
[ "$rc" -eq 3 ] || fail "migrate on a newer schema exited $rc"
grep -q "schema version $((current + 1)) is newer than this vraudit supports ($current)" <<<"$err" ||
	fail "newer schema: $err"
cmp -s "$tmp/x.db" "$tmp/x.orig" || fail "migrate changed a newer database"

# Listing values from a hostile network: load two elements, then check
# that no format lets their bytes through raw.
fixture="$fixtures/store/hostile.sql"
"$vraudit" migrate --db "$tmp/h.db" >/dev/null
sqlite3 "$tmp/h.db" <"$fixture"

"$vraudit" elements --db "$tmp/h.db" --evidence >"$tmp/text.out"
python3 - "$tmp/text.out" <<'PY' || fail "text output is unsafe: $(cat -v "$tmp/text.out")"
import sys
data = open(sys.argv[1], 'rb').read()
text = data.decode('utf-8')                     # strict: valid UTF-8 only
bad = [c for c in text if (ord(c) < 0x20 and c != '\n') or 0x7f <= ord(c) < 0xa0]
assert not bad, bad
lines = text.splitlines()
assert lines[0].split()[:5] == ['ID', 'MGMT_IP', 'ADDRESS', 'MAC', 'SYS_NAME'], lines[0]
# header, two elements, three evidence lines
assert len(lines) == 6, lines
assert lines[1].startswith('1 ') and 'core,"sw"1' in lines[1], lines[1]
assert '    oui 00:e0:fc:01:02:03 -> huawei' in text, text
assert '    sysdescr \\xff\\xfeA\\x07 -> -' in text, text
assert lines[4].startswith('2 ') and ' edge\\x002 ' in lines[4], lines[4]
# The address is escaped as any other value.
assert lines[4].split()[1:3] == ['-', '=1+2\\x1b[2J'], lines[4]
PY

"$vraudit" elements --db "$tmp/h.db" --format csv >"$tmp/csv.out"
python3 - "$tmp/csv.out" <<'PY' || fail "csv output: $(cat -v "$tmp/csv.out")"
import csv, sys
raw = open(sys.argv[1], 'rb').read().decode('utf-8')
rows = list(csv.reader(raw.splitlines()))
assert len(rows) == 3 and all(len(r) == 27 for r in rows), rows
head = rows[0]
one = dict(zip(head, rows[1]))
two = dict(zip(head, rows[2]))
assert one['sys_name'] == 'core,"sw"1', one
assert one['sys_descr'] == '\\x1b[2JHuawei VRP\\x0d\\x0aline 2 \\xc2\\x9b \\\\ end', one
assert one['sources'] == 'lldp,snmp' and one['risk'] == 'high', one
assert two['sys_descr'] == '\\xff\\xfeA\\x07' and two['mac'] == '28:6e:d4:00:00:09', two
assert two['sys_name'] == 'edge\\x002', two
# A formula is shown, not run.
assert two['model'] == "'=HYPERLINK(\"http://x/\",\"y\")", two
assert two['mgmt_ip'] == '' and two['risk'] == 'unknown', two
assert (one['address'], one['address_kind']) == ('10.0.0.1', 'mgmt'), one
assert (two['address'], two['address_kind'], two['addresses']) == \
    ("'=1+2\\x1b[2J", 'ipv4', "'=1+2\\x1b[2J"), two
PY

"$vraudit" elements --db "$tmp/h.db" --format csv --evidence >"$tmp/csve.out"
python3 - "$tmp/csve.out" <<'PY' || fail "csv evidence output: $(cat -v "$tmp/csve.out")"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding='utf-8', newline='')))
assert [(r['element_id'], r['evidence_kind']) for r in rows] == \
    [('1', 'oui'), ('1', 'sysobjectid'), ('2', 'sysdescr')], rows
PY

"$vraudit" elements --db "$tmp/h.db" --format json --evidence >"$tmp/json.out"
python3 - "$tmp/json.out" <<'PY' || fail "json output: $(cat "$tmp/json.out")"
import json, sys
elements = json.load(open(sys.argv[1], encoding='utf-8'))
assert [e['element_id'] for e in elements] == [1, 2], elements
one, two = elements
assert one['sys_descr'] == '\x1b[2JHuawei VRP\r\nline 2 \x9b \\ end', one
assert one['confidence'] == 0.95 and one['vendor'] == 'huawei', one
assert [e['kind'] for e in one['evidence']] == ['oui', 'sysobjectid'], one
assert two['sys_descr'] == '\\xff\\xfeA\x07', two
assert two['evidence'][0]['value'] == '\\xff\\xfeA\x07', two
assert two['sys_name'] == 'edge\x002', two
assert two['model'] == '=HYPERLINK("http://x/","y")', two
assert (two['address'], two['address_kind']) == ('=1+2\x1b[2J', 'ipv4'), two
PY

out=$("$vraudit" elements --db "$tmp/h.db" --risk high --format csv | cut -d, -f1 | tail -n +2)
[ "$out" = "1" ] || fail "--risk high listed: $out"
out=$("$vraudit" elements --db "$tmp/h.db" --zone core --vendor huawei --format json |
	python3 -c 'import json, sys; print([e["element_id"] for e in json.load(sys.stdin)])')
[ "$out" = "[1]" ] || fail "--zone core --vendor huawei listed: $out"

echo "ok"
