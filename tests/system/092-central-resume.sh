#!/usr/bin/env bash
# A push cut off anywhere leaves no gap and no duplicate: killed in the
# middle of a transaction, or cut off by an immediate restart of
# PostgreSQL, the central database keeps the transactions committed before
# and none of the one cut off, and the next push goes on from there. With
# the central database down the site keeps recording and the push says
# why it cannot reach it.
#
# To stop a push at a chosen record the test adds, as the owner, a
# trigger that waits for an advisory lock the test holds when that record
# arrives; the wait is seen in pg_stat_activity.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
. "$src/tests/lib/pg.sh"
require sqlite3
caps=$fixtures/captures

pg_start
pg_createdb central
url="postgresql://%s@/central?host=$PG_SOCKET_DIR&port=$PG_PORT"
for who in admin:postgres north:north; do
	# shellcheck disable=SC2059
	cat >"$tmp/${who%%:*}.conf" <<CONF
[database]
path = $tmp/${who%%:*}.db
[registry]
oui-dir = $fixtures/ieee/basic
[central]
url = $(printf "$url" "${who#*:}")
site = ${who%%:*}
CONF
done
db=$tmp/north.db
for f in tcpdump_LLDP_and_CDP.pcap tcpdump_dhcp-rfc3004.pcap tcpdump_erspan-type-i-1_huawei-mac.pcap; do
	"$vraudit" ingest -c "$tmp/north.conf" --quiet "$caps/$f" >/dev/null || fail "ingest $f"
done
total=$(q 'SELECT count(*) FROM audit')
[ "$total" -ge 5 ] || fail "only $total records to push"

"$vraudit" central migrate -c "$tmp/admin.conf" >/dev/null || fail "central migrate"
"$vraudit" central add-site -c "$tmp/admin.conf" north >/dev/null || fail "add-site"
c() { pg_psql -d central -c "$1"; }
c "CREATE FUNCTION public.hold() RETURNS trigger LANGUAGE plpgsql AS \$\$
BEGIN
	IF NEW.seq = current_setting('vraudit_test.hold_at')::bigint THEN
		PERFORM pg_advisory_xact_lock_shared(4242);
	END IF;
	RETURN NEW;
END \$\$;
CREATE TRIGGER hold BEFORE INSERT ON vraudit.record FOR EACH ROW EXECUTE FUNCTION public.hold();" >/dev/null

# hold SEQ: hold the lock; pushes of record SEQ wait for it.
hold() {
	c "ALTER DATABASE central SET vraudit_test.hold_at = $1" >/dev/null
	rm -f "$tmp/hold"
	mkfifo "$tmp/hold"
	# fd 7 is the only writer: whatever starts while it is open closes it.
	pg_psql -d central <"$tmp/hold" >/dev/null 2>&1 &
	holder=$!
	exec 7>"$tmp/hold"
	echo "SELECT pg_advisory_lock(4242);" >&7
	held() { [ "$(c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242 AND granted")" = 1 ]; }
	wait_for "the test's lock" held
}
release() {
	echo "SELECT pg_advisory_unlock(4242);" >&7 || true
	exec 7>&-
	wait "$holder" 2>/dev/null || true
}
waiting() {
	[ "$(c "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory' AND usename = 'north'")" = 1 ]
}
held_records() { c "SELECT count(*) || ' ' || coalesce(max(seq), 0) FROM vraudit.record WHERE site = 'north'"; }

# Killed while record 3 is on its way: records 1 and 2 stay, nothing of 3.
hold 3
"$vraudit" push -c "$tmp/north.conf" --batch 1 >"$tmp/push.out" 2>&1 7>&- &
pusher=$!
wait_for "the push to reach record 3" waiting
kill -KILL "$pusher"
wait "$pusher" 2>/dev/null || true
release
gone() { [ "$(c "SELECT count(*) FROM pg_stat_activity WHERE usename = 'north'")" = 0 ]; }
wait_for "the killed push's session to end" gone
[ "$(held_records)" = "2 2" ] || fail "after the kill the central database holds $(held_records), want 2 2"
[ "$(c "SELECT count(*) FROM vraudit.leaf WHERE site = 'north' AND seq >= 3")" = 0 ] ||
	fail "leaves of the killed transaction were kept"

# PostgreSQL restarted while record 4 is on its way: 3 was pushed, not 4.
hold 4
rc=0
"$vraudit" push -c "$tmp/north.conf" --batch 1 >"$tmp/push.out" 2>&1 7>&- &
pusher=$!
wait_for "the push to reach record 4" waiting
pg_restart 7>&-
wait "$pusher" || rc=$?
exec 7>&-
wait "$holder" 2>/dev/null || true
[ "$rc" = 3 ] || fail "push cut off by a restart: exit $rc: $(cat "$tmp/push.out")"
[ "$(wc -l <"$tmp/push.out")" = 1 ] &&
	grep -q "^vraudit push: server closed the connection unexpectedly.*(1 record(s) pushed before)$" "$tmp/push.out" ||
	fail "the cut-off push said: $(cat "$tmp/push.out")"
[ "$(held_records)" = "3 3" ] || fail "after the restart the central database holds $(held_records), want 3 3"

# The next push goes on from record 4: every record once, in order.
c "DROP TRIGGER hold ON vraudit.record" >/dev/null
"$vraudit" push -c "$tmp/north.conf" >"$tmp/push.out" 2>&1 || fail "push after the restart: $(cat "$tmp/push.out")"
grep -q "^site north: $((total - 3)) record(s)" "$tmp/push.out" || fail "the last push said: $(cat "$tmp/push.out")"
[ "$(held_records)" = "$total $total" ] || fail "the central database holds $(held_records), want $total $total"
[ "$(c "SELECT string_agg(hash, ',' ORDER BY seq) FROM vraudit.record WHERE site = 'north'")" = \
	"$(q "SELECT group_concat(hash, ',') FROM (SELECT hash FROM audit ORDER BY seq)")" ] ||
	fail "the central chain is not the site's"
"$vraudit" verify -c "$tmp/admin.conf" --central >"$tmp/verify.out" || fail "verify --central: $(cat "$tmp/verify.out")"

# The central database down: the site records, the push fails and says
# why, and catches up once it is back.
pg_stop
"$vraudit" ingest -c "$tmp/north.conf" --quiet "$caps/tcpdump_dhcp-rfc3004.pcap" >/dev/null ||
	fail "ingest with the central database down"
rc=0
"$vraudit" push -c "$tmp/north.conf" >"$tmp/push.out" 2>&1 || rc=$?
[ "$rc" = 3 ] || fail "push to a stopped server: exit $rc"
grep -q "^vraudit push: central database (host $PG_SOCKET_DIR, database central): " "$tmp/push.out" ||
	fail "push to a stopped server said: $(cat "$tmp/push.out")"
pg_start
"$vraudit" push -c "$tmp/north.conf" >"$tmp/push.out" 2>&1 || fail "push after the server came back: $(cat "$tmp/push.out")"
total=$(q 'SELECT count(*) FROM audit')
[ "$(held_records)" = "$total $total" ] || fail "after catching up the central database holds $(held_records), want $total $total"
echo "ok: a push cut off anywhere goes on where it stopped"
