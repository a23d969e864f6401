#!/bin/bash
# vraudit migrate creates and upgrades the database; vraudit elements reads
# it and refuses files that are missing or not ours without touching them.
set -euo pipefail

vraudit="$VRAUDIT_BUILD_ROOT/vraudit"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# Create.
out=$("$vraudit" migrate --db "$tmp/x.db")
[ "$out" = "$tmp/x.db: schema version 1 (created)" ] || fail "migrate said: $out"
schema=$(sqlite3 "$tmp/x.db" .schema)
for view in inventory evidence violations zone_share scans; do
	grep -q "^CREATE VIEW $view AS" <<<"$schema" || fail "no view $view"
done

# Again: nothing to do.
out=$("$vraudit" migrate --db "$tmp/x.db")
[ "$out" = "$tmp/x.db: schema version 1 (up to date)" ] || fail "second migrate said: $out"

# An empty inventory in each format.
out=$("$vraudit" elements --db "$tmp/x.db" --format json)
[ "$out" = "[]" ] || fail "json of an empty inventory: $out"
out=$("$vraudit" elements --db "$tmp/x.db")
[ "$out" = "no elements" ] || fail "text of an empty inventory: $out"
out=$("$vraudit" elements --db "$tmp/x.db" --format csv)
[ "$out" = "element_id,mgmt_ip,mac,sys_name,sys_descr,sys_object_id,vendor,vendor_name,risk,confidence,conflict,zone,model,serial,software,first_seen,last_seen,sources" ] ||
	fail "csv of an empty inventory: $out"

# A bad risk level is a usage error naming the accepted values.
rc=0
err=$("$vraudit" elements --db "$tmp/x.db" --risk severe 2>&1) || rc=$?
[ "$rc" -eq 2 ] || fail "--risk severe exited $rc"
grep -q "high, watch, none, unknown" <<<"$err" || fail "--risk error: $err"

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
sqlite3 "$tmp/x.db" 'PRAGMA user_version = 7;'
cp "$tmp/x.db" "$tmp/x.orig"
rc=0
err=$("$vraudit" migrate --db "$tmp/x.db" 2>&1) || rc=$?
[ "$rc" -eq 3 ] || fail "migrate on a newer schema exited $rc"
grep -q "schema version 7 is newer than this vraudit supports (1)" <<<"$err" ||
	fail "newer schema: $err"
cmp -s "$tmp/x.db" "$tmp/x.orig" || fail "migrate changed a newer database"

echo "ok"
