#!/bin/bash
# vraudit verify end to end: a database filled by `vraudit ingest` from real
# captures has an intact audit chain that an auditor can recompute with a
# few lines of Python; records changed or deleted and verdicts edited with
# sqlite3 are found and named, with exit 1; a missing or foreign file is
# exit 3 and left alone.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require sqlite3
require_python sqlite3
CAPTURES=$fixtures/captures

# verify WANT_RC DB: run vraudit verify; output in $tmp/out and $tmp/err.
verify() {
	local want=$1 db=$2 rc=0
	"$vraudit" verify --db "$db" >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ "$rc" -eq "$want" ] ||
		fail "verify $db: exit $rc, want $want; out: $(cat "$tmp/out"); err: $(cat "$tmp/err")"
}

# A copy of the database to tamper with.
copy() {
	rm -f "$tmp/$1"
	sqlite3 "$tmp/audit.db" ".backup '$tmp/$1'"
	echo "$tmp/$1"
}

cat >"$tmp/vraudit.conf" <<CONF
[database]
path = audit.db
[registry]
oui-dir = $fixtures/ieee/basic
CONF

"$vraudit" ingest -c "$tmp/vraudit.conf" --quiet \
	"$CAPTURES/tcpdump_erspan-type-i-1_huawei-mac.pcap" \
	"$CAPTURES/tcpdump_LLDP_and_CDP.pcap" >/dev/null ||
	fail "ingest failed"
db="$tmp/audit.db"
[ -f "$db" ] || fail "the relative database path did not resolve next to the config"

# Intact: one line naming the file, the count and the head.
verify 0 "$db"
grep -Eq "^$db: [0-9]+ audit records, chain intact, head [0-9]+ [0-9a-f]{64}\$" "$tmp/out" ||
	fail "intact chain reported as: $(cat "$tmp/out")"
read -r _ n _ _ _ _ _ head_seq head_hash <<<"$(cat "$tmp/out")"
[ "$n" -ge 2 ] || fail "only $n audit records after an ingest"
[ "$n" = "$head_seq" ] || fail "$n records but head $head_seq"
"$vraudit" verify -c "$tmp/vraudit.conf" >"$tmp/out2" || fail "verify -c exited $?"
cmp -s "$tmp/out" "$tmp/out2" || fail "verify -c and --db disagree: $(cat "$tmp/out2")"

# What an auditor would check without vraudit: the chain recomputes as
# vraudit-schema(7) describes, each batch's leaves make the root it
# commits, the head is the one verify printed, and the Huawei element's
# state and the scan are on record.
python3 - "$db" "$head_seq" "$head_hash" <<'PY' || fail "independent recomputation failed"
import hashlib, sqlite3, sys
db = sqlite3.connect(f'file:{sys.argv[1]}?mode=ro', uri=True)
prev, last = '0' * 64, 0
for seq, at, kind, subject, detail, prev_hash, h in db.execute(
        'SELECT seq, at, kind, subject, detail, prev_hash, hash '
        'FROM audit_log ORDER BY seq'):
    assert seq == last + 1 and prev_hash == prev, seq
    m = hashlib.sha256()
    for f in (prev_hash, str(seq), at, kind, str(subject), detail):
        b = f.encode()
        m.update(len(b).to_bytes(8, 'big') + b)
    assert m.hexdigest() == h, seq
    prev, last = h, seq
assert (last, prev) == (int(sys.argv[2]), sys.argv[3]), (last, prev)


def root(hashes):
    """RFC 6962's Merkle tree hash over leaf hashes."""
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while 2 * k < len(hashes):
        k *= 2
    return hashlib.sha256(b'\x01' + root(hashes[:k]) + root(hashes[k:])).digest()


for seq, detail in db.execute("SELECT seq, detail FROM audit_log WHERE kind = 'batch'"):
    leaves = db.execute('SELECT detail, hash FROM audit_leaves WHERE seq = ? ORDER BY idx',
                        (seq,)).fetchall()
    hashes = [hashlib.sha256(b'\x00' + d.encode()).digest() for d, _ in leaves]
    assert [h.hex() for h in hashes] == [h for _, h in leaves], seq
    assert detail == f'leaves={len(leaves)}\nroot={root(hashes).hex()}\n', (seq, detail)
(eid,) = db.execute("SELECT element_id FROM inventory WHERE risk = 'high'").fetchone()
(leaf,) = db.execute("SELECT detail FROM audit_leaves WHERE element_id = ? "
                     "ORDER BY seq DESC LIMIT 1", (eid,)).fetchone()
assert f'element={eid}\n' in leaf and '\nvendor=huawei\n' in leaf and '\nrisk=high\n' in leaf, leaf
scan = db.execute("SELECT detail FROM audit_log WHERE kind = 'scan'").fetchone()[0]
assert 'status=complete\n' in scan and 'tcpdump_LLDP_and_CDP.pcap' in scan, scan
PY

# verify only reads: the database and its WAL are byte-for-byte the same
# afterwards (the -shm index holds readers' locks and may change).
sums() {
	local f
	for f in "$db" "$db-wal"; do
		if [ -e "$f" ]; then sha256sum <"$f"; fi
	done
}
before=$(sums)
verify 0 "$db"
[ "$before" = "$(sums)" ] || fail "verify changed the database"

# The same capture again: the verdicts stand, only the scan is recorded.
"$vraudit" ingest -c "$tmp/vraudit.conf" --quiet "$CAPTURES/tcpdump_LLDP_and_CDP.pcap" >/dev/null
verify 0 "$db"
read -r _ n2 _ <<<"$(cat "$tmp/out")"
[ "$n2" -eq $((n + 1)) ] || fail "a repeated ingest added $((n2 - n)) records, want 1 (the scan)"

# A record's content changed: its hash no longer matches.
a=$(copy changed.db)
sqlite3 "$a" "DROP TRIGGER audit_no_update;
	UPDATE audit SET detail = replace(detail, 'status=complete', 'status=failed') WHERE seq = 2;"
verify 1 "$a"
grep -qxF "$a: record 2: hash mismatch (content changed)" "$tmp/out" ||
	fail "changed record: $(cat "$tmp/out")"
grep -qxF "$a: audit table: trigger audit_no_update is missing (records could be changed)" "$tmp/out" ||
	fail "dropped trigger not reported: $(cat "$tmp/out")"
grep -Eq "^$a: $n2 audit records, [0-9]+ problems? found, head $n2 " <<<"$(tail -n 1 "$tmp/out")" ||
	fail "summary of a broken chain: $(tail -n 1 "$tmp/out")"

# A record in the middle deleted: the gap is named.
b=$(copy deleted.db)
mid=$(( (n2 + 1) / 2 ))
sqlite3 "$b" "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = $mid;"
verify 1 "$b"
grep -qxF "$b: records missing between $((mid - 1)) and $((mid + 1))" "$tmp/out" ||
	fail "deleted record $mid: $(cat "$tmp/out")"

# A record changed and rehashed by someone who read the documentation: the
# next record's link breaks.
c=$(copy rehashed.db)
python3 - "$c" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
seq, at, kind, subject, detail, prev_hash = db.execute(
    'SELECT seq, at, kind, subject, detail, prev_hash FROM audit WHERE seq = 2').fetchone()
detail = detail.replace('status=complete', 'status=failed')
m = hashlib.sha256()
for f in (prev_hash, str(seq), at, kind, str(subject), detail):
    b = f.encode()
    m.update(len(b).to_bytes(8, 'big') + b)
db.executescript('DROP TRIGGER audit_no_update')
db.execute('UPDATE audit SET detail = ?, hash = ? WHERE seq = 2', (detail, m.hexdigest()))
db.commit()
PY
verify 1 "$c"
grep -qxF "$c: record 3: prev_hash does not match record 2" "$tmp/out" ||
	fail "rehashed record: $(cat "$tmp/out")"
grep -q "record 2: hash mismatch" "$tmp/out" && fail "a correctly rehashed record was reported as changed"

# A verdict edited in place: named with the field and the record it
# contradicts.
d=$(copy edited.db)
eid=$(sqlite3 "$d" "SELECT element_id FROM inventory WHERE risk = 'high'")
[ -n "$eid" ] || fail "no high-risk element in the capture"
seq=$(sqlite3 "$d" "SELECT max(seq) FROM audit_leaf WHERE element = $eid")
sqlite3 "$d" "UPDATE element SET risk = 'none' WHERE id = $eid"
verify 1 "$d"
[ "$(head -n 1 "$tmp/out")" = "$d: element $eid: risk is 'none' but record $seq says 'high'" ] ||
	fail "edited verdict: $(cat "$tmp/out")"
[ "$(wc -l <"$tmp/out")" -eq 2 ] || fail "edited verdict: more than one problem: $(cat "$tmp/out")"

# The Huawei element hidden from the inventory by marking it merged, or
# deleted outright.
f=$(copy hidden.db)
sqlite3 "$f" "UPDATE element SET merged_into = (SELECT min(id) FROM element WHERE id <> $eid) WHERE id = $eid"
[ -z "$(sqlite3 "$f" "SELECT element_id FROM inventory WHERE risk = 'high'")" ] ||
	fail "the element is still in the inventory"
verify 1 "$f"
grep -qxF "$f: element $eid: marked merged without an audit record" "$tmp/out" ||
	fail "hidden element: $(cat "$tmp/out")"
g=$(copy gone.db)
sqlite3 "$g" "DELETE FROM element_evidence WHERE element_id = $eid; DELETE FROM element WHERE id = $eid"
verify 1 "$g"
grep -qxF "$g: element $eid: in record $seq but missing from the database" "$tmp/out" ||
	fail "deleted element: $(cat "$tmp/out")"

# A scan edited in place.
e=$(copy scan.db)
sqlite3 "$e" "UPDATE scan SET status = 'complete', frames = 999 WHERE id = 2"
seq=$(sqlite3 "$e" "SELECT max(seq) FROM audit WHERE kind = 'scan' AND subject = 2")
verify 1 "$e"
grep -qxF "$e: scan 2: differs from audit record $seq" "$tmp/out" || fail "edited scan: $(cat "$tmp/out")"

# Nothing to verify: exit 3, nothing created, nothing touched.
verify 3 "$tmp/missing.db"
grep -qF "no database at $tmp/missing.db" "$tmp/err" || fail "missing database: $(cat "$tmp/err")"
[ ! -e "$tmp/missing.db" ] || fail "verify created the missing database"
sqlite3 "$tmp/other.db" 'PRAGMA application_id = 42; CREATE TABLE audit (x);'
cp "$tmp/other.db" "$tmp/other.orig"
verify 3 "$tmp/other.db"
grep -q "another application" "$tmp/err" || fail "foreign database: $(cat "$tmp/err")"
cmp -s "$tmp/other.db" "$tmp/other.orig" || fail "verify changed a foreign database"

# Usage.
help=$("$vraudit" verify --help)
grep -q "^usage: vraudit verify \[-c CONF\] \[--db PATH\]" <<<"$help" || fail "verify --help: $help"
rc=0
"$vraudit" verify --db "$db" extra 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "an extra argument exited $rc, want 2"

echo "ok"
