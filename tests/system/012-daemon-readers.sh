#!/usr/bin/env bash
# Auditors read while vrauditd writes: four reader processes run
# report-like queries over inventory, evidence, zone_share, violations and
# scans (file:PATH?mode=ro) in a loop during heavy capture ingest. No reader
# sees an error, the daemon logs no failed write, and every reader sees the
# inventory only grow (whole batches, never a half-written one).
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
. "$src/tests/lib/daemon.sh"
daemon_test_init "network namespace, live capture" tcpreplay
require_python sqlite3
replay_pid=
readers=()
at_exit '[ -z "$replay_pid" ] || kill "$replay_pid" 2>/dev/null'
at_exit 'for r in "${readers[@]}"; do kill "$r" 2>/dev/null; done'
db=$tmp/state/read.db

veth_setup "$n"
mkdir -p "$tmp/state" "$tmp/etc"
cat >"$tmp/etc/vraudit.conf" <<CONF
[database]
path = $db
[capture mirror]
interface = vra-$n
zone = access
[policy]
packs = uk-dvd-2022, us-fcc-covered
CONF
chown -R nobody:nogroup "$tmp/state" "$tmp/etc"

"$build/tests/bench/gen_capture" "$tmp/heavy.pcap" 200000 60000 >/dev/null
notify_listen "$tmp/notify.sock" "$tmp/notify.log"
NOTIFY_SOCKET=$tmp/notify.sock "$vrauditd" -f -c "$tmp/etc/vraudit.conf" --user nobody \
	2>"$tmp/daemon.log" &
daemon_pid=$!
wait_ready "$tmp/notify.log" "$daemon_pid" "$tmp/daemon.log"
ip netns exec "vrt-$n" tcpreplay -q --loop=0 --pps=30000 -i "vrb-$n" "$tmp/heavy.pcap" \
	>"$tmp/tcpreplay.log" 2>&1 &
replay_pid=$!

# A reader: the nightly report's kind of queries, each in one read
# transaction, as many rounds as it can until the stop file appears. The
# inventory it counts must never shrink.
cat >"$tmp/reader.py" <<'PY'
import os, sqlite3, sys
db, stop, out = sys.argv[1], sys.argv[2], sys.argv[3]
queries = [
    "SELECT risk, vendor, count(*) FROM inventory GROUP BY risk, vendor",
    "SELECT i.element_id, i.mac, i.vendor, i.zone, e.kind, e.value, e.rule "
    "FROM inventory i JOIN evidence e USING (element_id) WHERE i.risk = 'high' "
    "ORDER BY i.element_id LIMIT 2000",
    "SELECT * FROM zone_share",
    "SELECT * FROM violations",
    "SELECT kind, status, count(*), sum(frames) FROM scans GROUP BY kind, status",
]
rounds, last, errors = 0, 0, 0
con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=5, isolation_level=None)
with open(out, "w") as f:
    while not os.path.exists(stop):
        try:
            con.execute("BEGIN")
            for q in queries:
                con.execute(q).fetchall()
            n = con.execute("SELECT count(*) FROM inventory").fetchone()[0]
            con.execute("COMMIT")
            if n < last:
                f.write("inventory went down from %d to %d\n" % (last, n))
                errors += 1
            last = n
            rounds += 1
        except sqlite3.Error as e:
            f.write("error: %s\n" % e)
            errors += 1
            try:
                con.execute("ROLLBACK")
            except sqlite3.Error:
                pass
    f.write("rounds %d last %d errors %d\n" % (rounds, last, errors))
PY
for r in 1 2 3 4; do
	python3 "$tmp/reader.py" "$db" "$tmp/stop" "$tmp/reader$r.out" &
	readers+=($!)
done

# Let them read while the daemon commits batch after batch, however long
# that takes here: as long as the count grows. (tests/meson.build asks
# for fewer elements in the sanitizer builds: see there.)
goal=${VRAUDIT_READ_ELEMENTS:-40000}
wait_growth "elements written during the reads" "$goal" q "SELECT count(*) FROM element"
daemon_alive "$daemon_pid" "$tmp/daemon.log"
touch "$tmp/stop"
for r in "${readers[@]}"; do wait "$r" || fail "a reader exited $?"; done
readers=()
for r in 1 2 3 4; do
	out=$tmp/reader$r.out
	grep -q '^rounds [1-9][0-9]* last [0-9]* errors 0$' "$out" || fail "reader $r: $(cat "$out")"
done

daemon_stop
if grep -Eq 'cannot write|retry failed|sighting not recorded' "$tmp/daemon.log"; then
	fail "the writer failed while readers read: $(grep -E 'cannot write|not recorded' "$tmp/daemon.log" | head -3)"
fi
[ "$(q 'PRAGMA integrity_check')" = ok ] || fail "integrity_check"
echo "ok: four readers, $(cat "$tmp"/reader*.out | awk '{ s += $2 } END { print s }') read rounds, no error"
