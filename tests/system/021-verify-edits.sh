#!/usr/bin/env bash
# Any edit of the database that would change what the report says is found
# by vraudit verify, and named. On a copy of the lab's database (its agents
# swept, its mirror-port capture ingested), with the append-only triggers
# dropped for the edit and put back after, every column of every table is
# edited in turn (on a few rows each), and a row of each table is deleted
# and one inserted; after each edit either verify exits 1 naming what was
# edited (the element, scan or record), or the report, in every format, is
# byte for byte what it was. The edits an auditor tried first are among
# them: two core boxes moved to zone mgmt, an element's first_seen moved
# back, an element's evidence deleted. The database also holds waivers (one
# active, one lapsed) and retired elements: a second sweep six weeks later
# without the transport zone's agents retires what it no longer sees.
# VRAUDIT_EDIT_ROWS=1 edits the middle row of each table only
# (tests/meson.build sets it in the sanitizer builds).
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require snmpsimd snmpget sqlite3
require_python
at_exit 'bash "$src/tests/lib/snmpsim.sh" stop "$tmp/sim"'

# The lab's agents on addresses of this test's own (127.21.x.y).
port=16121
args=()
for f in "$src"/conf/lab/agents/*.snmprec; do
	addr=$(basename "$f")
	addr=${addr%%_*}
	args+=("${addr/127.0./127.21.}:$port" "$f")
done
bash "$src/tests/lib/snmpsim.sh" start "$tmp/sim" "${args[@]}"
printf 'public\n' >"$tmp/community"
chmod 600 "$tmp/community"
sed -e "s/127\.0\./127.21./g" -e "s/^port = .*/port = $port/" \
	-e "s|^community-file = .*|community-file = $tmp/community|" \
	-e "s|^path = .*|path = $tmp/lab.db|" \
	-e "s|^dir = \.\./policies|dir = $src/conf/policies|" \
	-e "s/^timeout = .*/timeout = 5s/" \
	"$src/conf/lab/vraudit.conf" >"$tmp/vraudit.conf"
cat >"$tmp/waivers.conf" <<'WAIVERS'
[waiver spine]
address = 127.21.10.9
rule = uk-dvd-2022/core
reason = removal scheduled
approver = CISO
expires = 2027-06-30
[waiver ran-swap]
zone = ran
rule = us-fcc-covered
reason = swap-out programme
approver = board
expires = 2027-01-01
WAIVERS
sed -i "s|^packs = .*|&\nwaivers = $tmp/waivers.conf|" "$tmp/vraudit.conf"
export VRAUDIT_NOW=2026-12-01T10:00:00Z
"$vraudit" scan -c "$tmp/vraudit.conf" --quiet >"$tmp/out" 2>"$tmp/err" ||
	fail "scan exited $?: $(cat "$tmp/err")"
python3 "$src/scripts/lab-capture.py" "$tmp/mirror.pcap"
"$vraudit" ingest -c "$tmp/vraudit.conf" --quiet "$tmp/mirror.pcap" >"$tmp/out" 2>"$tmp/err" ||
	fail "ingest exited $?: $(cat "$tmp/err")"
# Six weeks on, a sweep without the transport zone's agents.
export VRAUDIT_NOW=2027-01-15T10:00:00Z
sed "s/^addresses = 127\.21\.30\.0\/28/addresses = 127.21.31.0\/30/" "$tmp/vraudit.conf" >"$tmp/later.conf"
"$vraudit" scan -c "$tmp/later.conf" --quiet >"$tmp/out" 2>"$tmp/err" ||
	fail "scan exited $?: $(cat "$tmp/err")"
"$vraudit" verify -c "$tmp/vraudit.conf" >"$tmp/out" 2>&1 ||
	fail "the lab's own database does not verify: $(cat "$tmp/out")"
bash "$src/tests/lib/snmpsim.sh" stop "$tmp/sim"
db=$tmp/lab.db
[ "$(q "SELECT count(*) FROM element WHERE retired_at IS NOT NULL")" -gt 0 ] ||
	fail "nothing retired: $(q 'SELECT id, last_seen FROM element')"
[ "$(q "SELECT count(*) FROM waiver")" = 2 ] || fail "waivers not recorded"

python3 - "$vraudit" "$tmp" <<'PY' || fail "an edit changed the report and verify did not name it"
import os, shutil, sqlite3, subprocess, sys

vraudit, tmp = sys.argv[1], sys.argv[2]
lab, copy = f"{tmp}/lab.db", f"{tmp}/edit.db"
conf = f"{tmp}/vraudit.conf"


def reports(db):
    # Every format from one run: the files --output-dir writes.
    out_dir = f"{tmp}/reports"
    shutil.rmtree(out_dir, ignore_errors=True)
    os.mkdir(out_dir)
    r = subprocess.run([vraudit, "report", "-c", conf, "--db", db,
                        "--output-dir", out_dir, "--format", "text",
                        "--format", "csv", "--format", "json",
                        "--format", "html"], capture_output=True)
    out = [b"rc=%d" % r.returncode, r.stdout]
    for name in sorted(os.listdir(out_dir)):
        with open(os.path.join(out_dir, name), "rb") as f:
            out.append(name.encode() + b"\n" + f.read())
    if len(out) != 6:
        sys.exit("report wrote %d files: %r" % (len(out) - 2, r.stderr))
    return out


def verify(db):
    r = subprocess.run([vraudit, "verify", "-c", conf, "--db", db],
                       capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def fresh():
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(copy + suffix):
            os.unlink(copy + suffix)
    src = sqlite3.connect(lab)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    return dst


fresh().close()
base_reports = reports(copy)  # the same path: the report names the file
con = sqlite3.connect(f"file:{lab}?mode=ro", uri=True)
triggers = con.execute("SELECT name, sql FROM sqlite_schema "
                       "WHERE type = 'trigger'").fetchall()
tables = [r[0] for r in con.execute(
    "SELECT name FROM sqlite_schema WHERE type = 'table' "
    "AND name NOT LIKE 'sqlite_%' ORDER BY name")]


def subject_words(table, row):
    """What verify should name for an edit of this row."""
    cols = row.keys()
    if table in ("element",):
        return [f"element {row['id']}"]
    if table in ("element_address", "element_evidence", "element_source"):
        return [f"element {row['element_id']}"]
    if table == "element_link":
        return [f"element {row['element_id']}", f"element {row['neighbour_id']}"]
    if table == "element_merge":
        return [f"element {row['merged_id']}", f"element {row['survivor_id']}"]
    if table == "scan":
        return [f"scan {row['id']}"]
    if table == "audit":
        seq = row["seq"]
        return [f"record {seq}", f"before {seq}", f"and {seq}", f"between {seq - 1} and"]
    if table == "audit_leaf":
        return [f"record {row['seq']}", f"element {row['element']}"]
    if table == "waiver":
        return [f"waiver {row['name']}"]
    if table == "waiver_file":
        return ["waiver file"]
    return []


def changed(value, col):
    if value is None:
        return 1 if col.endswith(("_id", "seq", "idx", "_scan", "conflict")) else "x"
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value + 0.125
    if isinstance(value, bytes):
        return value + b"x"
    if len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        return ("2020" + value[4:])  # a date or time moved back
    return value + "x"


failures, cases = [], 0
edit_rows = int(os.environ.get("VRAUDIT_EDIT_ROWS", "3"))
if edit_rows not in (1, 3):
    sys.exit("VRAUDIT_EDIT_ROWS is 1 or 3")


def check(what, words, edit):
    global cases
    cases += 1
    db = fresh()
    for name, _ in triggers:
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    try:
        edit(db)
    except sqlite3.IntegrityError:
        db.close()
        return  # the schema refuses it: not an edit anyone can make
    for _, sql in triggers:
        db.execute(sql)
    db.commit()
    db.close()
    rc, out = verify(copy)
    if rc == 1 and (not words or any(w in out for w in words)):
        return
    if reports(copy) == base_reports:
        return
    failures.append(f"{what}: verify exited {rc} and said:\n{out}")


con.row_factory = sqlite3.Row
for table in tables:
    info = con.execute(f"PRAGMA table_info({table})").fetchall()
    cols = [c[1] for c in info]
    pk = [c[1] for c in sorted(info, key=lambda c: c[5]) if c[5]] or ["rowid"]
    rows = con.execute(f"SELECT {'rowid AS rowid, ' if pk == ['rowid'] else ''}* "
                       f"FROM {table} ORDER BY {', '.join(pk)}").fetchall()
    if not rows:
        continue
    # The first, middle and last rows; the middle one alone when
    # VRAUDIT_EDIT_ROWS is 1 (tests/meson.build: the sanitizer builds).
    middle = rows[len(rows) // 2]
    picks = [rows[0], middle, rows[-1]] if edit_rows == 3 else [middle]
    where = " AND ".join(f"{k} IS ?" for k in pk)
    for col in cols:
        for row in picks:
            key = [row[k] for k in pk]
            new = changed(row[col], col)
            check(f"{table}.{col} = {new!r} where {dict(zip(pk, key))}",
                  subject_words(table, row),
                  lambda db, col=col, new=new, key=key:
                  db.execute(f"UPDATE {table} SET {col} = ? WHERE {where}",
                             [new] + key))
    row = middle
    key = [row[k] for k in pk]
    check(f"delete from {table} where {dict(zip(pk, key))}",
          subject_words(table, row),
          lambda db, key=key: db.execute(f"DELETE FROM {table} WHERE {where}", key))
    # A row inserted: a copy of one with its key and unique text moved.
    def insert(db, row=row):
        values = dict(row)
        values.pop("rowid", None)
        for k in pk:
            if k in values and isinstance(values[k], int):
                values[k] = db.execute(f"SELECT max({k}) + 1 FROM {table}").fetchone()[0]
        for k, v in values.items():
            if isinstance(v, str) and k not in pk and k not in ("kind", "source", "protocol", "status", "risk"):
                values[k] = v + "-copy"
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        db.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(values.values()))
    check(f"insert into {table}", [], insert)

# The auditor's three edits, named exactly.
ids = [r[0] for r in con.execute(
    "SELECT element_id FROM inventory WHERE vendor = 'huawei' AND zone = 'core' ORDER BY 1")]
assert len(ids) >= 2, ids
for what, sql, word in (
        ("zone of the Huawei core boxes", f"UPDATE element SET zone = 'mgmt' WHERE id IN ({ids[0]}, {ids[1]})",
         f"element {ids[0]}: zone is 'mgmt'"),
        ("first_seen moved back", f"UPDATE element SET first_seen = '2020-01-01T00:00:00Z' WHERE id = {ids[0]}",
         f"element {ids[0]}: first_seen is '2020-01-01T00:00:00Z'"),
        ("evidence deleted", f"DELETE FROM element_evidence WHERE element_id = {ids[1]}",
         f"element {ids[1]}: evidence")):
    db = fresh()
    db.execute(sql)
    db.commit()
    db.close()
    rc, out = verify(copy)
    if rc != 1 or word not in out:
        failures.append(f"{what}: verify exited {rc} and said:\n{out}")
    cases += 1

print(f"021-verify-edits: {cases} edits, {len(failures)} not caught", file=sys.stderr)
for f in failures[:20]:
    print(f, file=sys.stderr)
sys.exit(1 if failures else 0)
PY
echo "021-verify-edits: ok"
