#!/usr/bin/env bash
# vraudit ingest's counts are its own: two ingests of different captures
# started together against one database each print what their own writes
# did, and record it as their scan's responded (elements seen).
#
# Capture a shows hosts 1-300 and 100 of its own; capture b the same 300
# hosts, each with another LLDP description (so that each run writes them
# whatever the other did first), and 150 of its own. However the two runs
# interleave, each writes all its hosts: its new plus updated elements are
# its hosts, and the new ones of both are the inventory.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require sqlite3 python3

cat >"$tmp/gen.py" <<'PY'
import struct, sys
# gen.py OUT TAG SHARED FIRST_OWN OWN: LLDP from SHARED hosts and OWN more.
out, tag, shared, first, own = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
def tlv(t, v): return struct.pack('!H', (t << 9) | len(v)) + v
def mac(i): return bytes([0x02, 0x5a, (i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255])
with open(out, 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    hosts = list(range(1, shared + 1)) + list(range(first, first + own))
    for k, i in enumerate(hosts):
        m = mac(i)
        body = (tlv(1, b'\x04' + m) + tlv(2, b'\x03' + m) + tlv(3, b'\x00\x78') +
                tlv(5, b'host-%d' % i) + tlv(6, b'switch seen by capture ' + tag.encode()) +
                tlv(0, b''))
        p = b'\x01\x80\xc2\x00\x00\x0e' + m + b'\x88\xcc' + body
        f.write(struct.pack('<IIII', 1700000000 + k, 0, len(p), len(p)) + p)
PY
python3 "$tmp/gen.py" "$tmp/a.pcap" a 300 100000 100
python3 "$tmp/gen.py" "$tmp/b.pcap" b 300 200000 150

# elements: NEW, UPDATED of a summary.
counts() {
	sed -n 's/^elements: *\([0-9]*\) new, \([0-9]*\) updated$/\1 \2/p' "$1"
}

# Alone, on a fresh database, each run's hosts are all new.
for c in a b; do
	db=$tmp/solo-$c.db
	"$vraudit" ingest --db "$db" --quiet "$tmp/$c.pcap" >"$tmp/solo-$c.out" 2>"$tmp/solo-$c.err" ||
		fail "ingest $c alone: $(cat "$tmp/solo-$c.err")"
	read -r new upd <<<"$(counts "$tmp/solo-$c.out")"
	want=$([ $c = a ] && echo 400 || echo 450)
	[ "$new $upd" = "$want 0" ] || fail "$c alone: $new new, $upd updated (want $want new)"
	[ "$(q "SELECT kind, responded FROM scans")" = "capture|$want" ] ||
		fail "$c alone: scans row $(q "SELECT kind, responded FROM scans")"
done

# Together, against one database (created first, so that neither run
# races the other to create the file).
db=$tmp/both.db
"$vraudit" migrate --db "$db" >/dev/null
"$vraudit" ingest --db "$db" --quiet "$tmp/a.pcap" >"$tmp/a.out" 2>"$tmp/a.err" &
pa=$!
"$vraudit" ingest --db "$db" --quiet "$tmp/b.pcap" >"$tmp/b.out" 2>"$tmp/b.err" &
pb=$!
wait $pa || fail "ingest a exited $?: $(cat "$tmp/a.err")"
wait $pb || fail "ingest b exited $?: $(cat "$tmp/b.err")"
read -r new_a upd_a <<<"$(counts "$tmp/a.out")"
read -r new_b upd_b <<<"$(counts "$tmp/b.out")"
[ -n "$new_a" ] && [ -n "$new_b" ] || fail "no counts: $(cat "$tmp/a.out" "$tmp/b.out")"
[ $((new_a + upd_a)) -eq 400 ] || fail "a printed $new_a new, $upd_a updated: not its 400 hosts"
[ $((new_b + upd_b)) -eq 450 ] || fail "b printed $new_b new, $upd_b updated: not its 450 hosts"
[ "$new_a" -ge 100 ] && [ "$new_b" -ge 150 ] || fail "own hosts not new: a $new_a, b $new_b"
total=$(q "SELECT count(*) FROM inventory")
[ "$total" -eq 550 ] || fail "inventory holds $total elements, want 550"
[ $((new_a + new_b)) -eq "$total" ] || fail "a $new_a + b $new_b new elements, inventory $total"
# Each scan's responded: the elements it created or saw again.
[ "$(q "SELECT group_concat(responded, ' ') FROM (SELECT responded FROM scans
	WHERE kind = 'capture' ORDER BY responded)")" = "400 450" ] ||
	fail "responded: $(q "SELECT scan_id, targets, responded FROM scans")"
