#!/bin/bash
# An archived copy of the database on a read-only file system: verify,
# elements and report read it and say what they say of the writable
# original, whether the copy holds commits still in its -wal file (with or
# without the -shm file) or was closed cleanly. A copy they cannot read is
# named with the reason.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require sqlite3 unshare mount
require_root "a read-only mount of its own"
require_python sqlite3
CAPTURES=$fixtures/captures

# The kernel may refuse a mount namespace (a container): say so.
unshare -m true 2>/dev/null || skip "unshare -m refused: no mount namespace here"

cat >"$tmp/vraudit.conf" <<CONF
[database]
path = orig/audit.db
[registry]
oui-dir = $fixtures/ieee/basic
[policy]
; the two captures are years apart: none of their elements is retired
retire-after = never
CONF
mkdir "$tmp/orig"
"$vraudit" ingest -c "$tmp/vraudit.conf" --quiet \
	"$CAPTURES/tcpdump_erspan-type-i-1_huawei-mac.pcap" >/dev/null ||
	fail "first ingest failed"

# A reader holding a snapshot keeps the next commits in the -wal file,
# where no checkpoint can move them.
mkfifo "$tmp/hold"
cat >"$tmp/holder.py" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f'file:{sys.argv[1]}?mode=ro', uri=True,
                     isolation_level=None)
db.execute('BEGIN')
db.execute('SELECT count(*) FROM sqlite_schema').fetchone()
print('holding', flush=True)
sys.stdin.read()
PY
python3 "$tmp/holder.py" "$tmp/orig/audit.db" <"$tmp/hold" >"$tmp/holder.out" &
holder=$!
exec 3>"$tmp/hold"
at_exit "exec 3>&-; wait $holder"
wait_for "the reader's snapshot" grep -q holding "$tmp/holder.out"
"$vraudit" ingest -c "$tmp/vraudit.conf" --quiet \
	"$CAPTURES/tcpdump_LLDP_and_CDP.pcap" >/dev/null ||
	fail "second ingest failed"
[ -s "$tmp/orig/audit.db-wal" ] || fail "no -wal file after the second ingest"

# The copies: the files as they are while the reader holds them.
mkdir "$tmp/clean"
for c in live noshm writable; do
	mkdir "$tmp/$c"
	cp "$tmp/orig/audit.db" "$tmp/orig/audit.db-wal" "$tmp/orig/audit.db-shm" \
		"$tmp/$c/"
done
rm "$tmp/noshm/audit.db-shm"
exec 3>&-
wait "$holder"
# Clean copies: the original once every connection is closed (the writer
# keeps an empty -wal file and the -shm file), with those files and
# without them (the database file alone).
"$vraudit" migrate --db "$tmp/orig/audit.db" >/dev/null
[ ! -s "$tmp/orig/audit.db-wal" ] || fail "the original was not closed cleanly"
mkdir "$tmp/cleanfiles"
cp "$tmp/orig/audit.db" "$tmp/orig/audit.db-wal" "$tmp/orig/audit.db-shm" \
	"$tmp/cleanfiles/"
cp "$tmp/orig/audit.db" "$tmp/clean/"

# The live copies have commits only their -wal file holds.
count() { sqlite3 -batch -noheader "file:$1?$2" 'SELECT count(*) FROM audit_log'; }
main_only=$(count "$tmp/live/audit.db" 'immutable=1')
all=$(count "$tmp/writable/audit.db" 'mode=ro')
[ "$all" -gt "$main_only" ] ||
	fail "the -wal file holds no commit of its own ($all records, $main_only without it)"

# What the commands say of the writable copy.
run_all() {	# run_all DB OUT-PREFIX
	local rc
	for cmd in verify elements report; do
		rc=0
		case $cmd in
		verify) "$vraudit" verify --db "$1" ;;
		elements) "$vraudit" elements --db "$1" --format json --evidence ;;
		report) "$vraudit" report --db "$1" --as-of 2030-01-01 --format json ;;
		esac >"$2.$cmd" 2>"$2.$cmd.err" || rc=$?
		echo "$rc" >"$2.$cmd.rc"
	done
}
run_all "$tmp/writable/audit.db" "$tmp/expected"
[ "$(cat "$tmp/expected.verify.rc")" = 0 ] ||
	fail "verify of the writable copy: $(cat "$tmp/expected.verify" "$tmp/expected.verify.err")"
[ "$(cat "$tmp/expected.elements.rc")" = 0 ] ||
	fail "elements of the writable copy: $(cat "$tmp/expected.elements.err")"
grep -q '"vendor":"huawei"' "$tmp/expected.elements" &&
	grep -q '"vendor":"cisco"' "$tmp/expected.elements" ||
	fail "elements of both ingests not listed: $(cat "$tmp/expected.elements")"

# The same commands on each copy, in a mount namespace where the copies
# are on a read-only file system; the original stays writable outside.
cat >"$tmp/ro.sh" <<'SH'
set -eu
tmp=$1 vraudit=$2
for c in live noshm clean cleanfiles; do
	mount --bind "$tmp/$c" "$tmp/$c"
	mount -o remount,bind,ro "$tmp/$c"
done
touch "$tmp/clean/probe" 2>/dev/null && { echo "not read-only" >&2; exit 1; }
for c in live noshm clean cleanfiles; do
	for cmd in verify elements report; do
		rc=0
		case $cmd in
		verify) "$vraudit" verify --db "$tmp/$c/audit.db" ;;
		elements) "$vraudit" elements --db "$tmp/$c/audit.db" --format json --evidence ;;
		report) "$vraudit" report --db "$tmp/$c/audit.db" --as-of 2030-01-01 --format json ;;
		esac >"$tmp/out-$c.$cmd" 2>"$tmp/out-$c.$cmd.err" || rc=$?
		echo "$rc" >"$tmp/out-$c.$cmd.rc"
	done
done
SH
unshare -m bash "$tmp/ro.sh" "$tmp" "$vraudit" 2>"$tmp/ro.err" ||
	skip "cannot make a read-only bind mount here: $(cat "$tmp/ro.err")"

for c in live noshm clean cleanfiles; do
	for cmd in verify elements report; do
		rc=$(cat "$tmp/out-$c.$cmd.rc")
		[ "$rc" = "$(cat "$tmp/expected.$cmd.rc")" ] ||
			fail "$cmd of the $c copy on a read-only file system: exit $rc: $(cat "$tmp/out-$c.$cmd.err")"
		# Same but for the file named and the time of the report.
		sed -e "s|$tmp/$c/|$tmp/writable/|" -e 's/"generated": "[^"]*"//' \
			"$tmp/out-$c.$cmd" >"$tmp/got"
		sed -e 's/"generated": "[^"]*"//' "$tmp/expected.$cmd" >"$tmp/want"
		diff -u "$tmp/want" "$tmp/got" >"$tmp/diff" ||
			fail "$cmd of the $c copy differs: $(cat "$tmp/diff")"
	done
	# Nothing was written beside the copy.
	[ ! -e "$tmp/$c/probe" ] || fail "the $c copy was writable"
done
[ ! -e "$tmp/clean/audit.db-wal" ] && [ ! -e "$tmp/clean/audit.db-shm" ] ||
	fail "files appeared beside the clean copy"

# A copy that cannot be read names the file and why: a WAL database in a
# directory the reader may not write, without its -shm file.
if command -v setpriv >/dev/null; then
	mkdir "$tmp/locked"
	cp "$tmp/clean/audit.db" "$tmp/locked/"
	chmod 0555 "$tmp/locked"
	chmod 0444 "$tmp/locked/audit.db"
	rc=0
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$vraudit" verify --db "$tmp/locked/audit.db" >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ "$rc" -eq 3 ] || fail "unreadable copy: exit $rc, not 3: $(cat "$tmp/err")"
	grep -qF "vraudit verify: $tmp/locked/audit.db: cannot open: no $tmp/locked/audit.db-shm file and it cannot be created (Permission denied)" "$tmp/err" ||
		fail "unreadable copy said: $(cat "$tmp/err")"
fi
echo "ok"
