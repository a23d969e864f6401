#!/usr/bin/env bash
# vrauditd pushes its audit chain to the central database ([central]) as
# it commits, from a thread of its own. A chain the central database
# refuses is logged, shown in STATUS and not pushed again until a reload;
# a reload naming another site pushes from a new connection; the central
# head follows the local one. With the central database stopped the daemon
# keeps recording, logs the outage once however often it retries, says so
# in STATUS, and catches up once the database is back; a reload without
# [central] stops the pushes; SIGTERM exits 0 and the central chains verify.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
. "$src/tests/lib/daemon.sh"
daemon_test_init "network namespace, live capture" tcpreplay
. "$src/tests/lib/pg.sh"
caps=$fixtures/captures
db=$tmp/state/site.db

pg_start
pg_createdb central
url="postgresql://%s@/central?host=$PG_SOCKET_DIR&port=$PG_PORT"
# central SITE ROLE: a [central] section.
central() {
	# shellcheck disable=SC2059
	printf '[central]\nurl = %s\nsite = %s\n' "$(printf "$url" "$2")" "$1"
}
c() { pg_psql -d central -c "$1"; }
{
	printf '[database]\npath = %s\n[registry]\noui-dir = %s\n' "$tmp/admin.db" "$fixtures/ieee/basic"
	central admin postgres
} >"$tmp/admin.conf"
{
	printf '[database]\npath = %s\n[registry]\noui-dir = %s\n' "$tmp/other.db" "$fixtures/ieee/basic"
	central other other
} >"$tmp/other.conf"
"$vraudit" central migrate -c "$tmp/admin.conf" >/dev/null || fail "central migrate"
for s in north other; do
	"$vraudit" central add-site -c "$tmp/admin.conf" "$s" >/dev/null || fail "add-site $s"
done
# Site "other" already holds a chain of another database.
"$vraudit" ingest -c "$tmp/other.conf" --quiet "$caps/tcpdump_dhcp-rfc3004.pcap" >/dev/null || fail "ingest other"
"$vraudit" push -c "$tmp/other.conf" >"$tmp/push.out" 2>&1 || fail "push other: $(cat "$tmp/push.out")"

veth_setup "$n"
mkdir -p "$tmp/state" "$tmp/etc"
# The role needs no password here (the server trusts local connections),
# but the daemon reads one, and must never show it.
secret=pw-$RANDOM-never-logged
printf '%s\n' "$secret" >"$tmp/etc/central.password"
chmod 600 "$tmp/etc/central.password"
# write_conf [SITE]: the daemon's configuration, pushing as SITE if given.
write_conf() {
	{
		printf '[database]\npath = %s\n[capture mirror]\ninterface = vra-%s\n' "$db" "$n"
		[ $# -eq 0 ] || { central "$1" "$1" && echo "password-file = central.password"; }
	} >"$tmp/etc/vraudit.conf"
	chown -R nobody:nogroup "$tmp/state" "$tmp/etc"
}
replay() {
	ip netns exec "vrt-$n" tcpreplay -q -t -i "vrb-$n" "$@" \
		>"$tmp/tcpreplay.log" 2>&1 || fail "tcpreplay: $(cat "$tmp/tcpreplay.log")"
}
local_head() { q "SELECT seq || ' ' || hash FROM audit ORDER BY seq DESC LIMIT 1"; }
local_seq() { q "SELECT coalesce(max(seq), 0) FROM audit"; }
central_head() { c "SELECT head_seq || ' ' || head_hash FROM vraudit.sites WHERE site = 'north'"; }
in_step() { [ "$(central_head)" = "$(local_head)" ]; }
logged() { grep -c -- "$1" "$daemon_log" || true; }
told() { grep -q "STATUS=.*; central: $1" "$tmp/notify.log"; }

# Pushing as "other": this database does not continue that chain.
write_conf other
notify_listen "$tmp/notify.sock" "$tmp/notify.log"
NOTIFY_SOCKET=$tmp/notify.sock "$vrauditd" -f -d -c "$tmp/etc/vraudit.conf" --user nobody \
	2>"$daemon_log" &
daemon_pid=$!
wait_ready "$tmp/notify.log" "$daemon_pid" "$daemon_log"
refused() { grep -q "central: the central database refused this site's chain: site other: .*; no more pushes until a reload or a restart" "$daemon_log"; }
wait_for "the refusal in the log" refused
wait_for "STATUS to say refused" told refused
replay "$caps/tcpdump_LLDP_and_CDP.pcap"
switch() { [ "$(q "SELECT count(*) FROM inventory WHERE sys_name = 'S1.cisco.com'")" = 1 ]; }
wait_for "the LLDP/CDP switch" switch
[ "$(c "SELECT refusals FROM vraudit.sites WHERE site = 'other'")" = 1 ] || fail "refusals of site other"

# A reload that names site north: pushed from a new connection until the
# central head is the local one.
write_conf north
kill -HUP "$daemon_pid"
wait_for "the pushes to catch up with the local head" in_step
grep -q "central: pushing site north to postgresql://north@/central?.* (changed \[central\])" "$daemon_log" ||
	fail "the reload did not say it pushes site north: $(grep central: "$daemon_log")"
replay "$caps/tcpdump_erspan-type-i-1_huawei-mac.pcap"
huawei() { [ "$(q "SELECT count(*) FROM inventory WHERE mac = '00:25:9e:81:b3:54'")" = 1 ]; }
wait_for "the Huawei MAC" huawei
wait_for "the pushes to follow the local head" in_step
wait_for "STATUS to say what was pushed" told "pushed up to [0-9]"
[ "$(logged 'central: cannot push')" = 0 ] || fail "a push failed: $(grep central: "$daemon_log")"

# The central database stopped: the site records on, the outage is logged
# once however often the pusher retries, and STATUS says since when.
pg_stop
before=$(local_seq)
replay "$caps/tcpdump_dhcp-rfc3004.pcap"
grown() { [ "$(local_seq)" -gt "$before" ]; }
wait_for "the local chain to grow with the central database down" grown
outage() { grep -q "central: cannot push site north: central database (host $PG_SOCKET_DIR, database central): .*; retrying with backoff, the site keeps recording meanwhile" "$daemon_log"; }
wait_for "the outage in the log" outage
before=$(local_seq)
replay "$caps/tcpdump_3560_CDP.pcap"
wait_for "the local chain to grow again" grown
retried() { [ "$(logged 'central: push retry failed')" -ge 2 ]; }
wait_for "two retries" retried
wait_for "STATUS to say unreachable" told "unreachable since [0-9T:-]*Z"
[ "$(logged 'central: cannot push')" = 1 ] || fail "the outage was not logged once: $(grep central: "$daemon_log")"

# Back: the pusher catches up at its next retry and says so.
pg_start
wait_for "the pushes to catch up after the outage" in_step
grep -q "central: pushing again after [0-9]* failed attempt(s): the central database holds site north up to record [0-9]*$" "$daemon_log" ||
	fail "no recovery line: $(grep central: "$daemon_log")"

# Without [central] no more pushes; SIGTERM exits 0.
write_conf
kill -HUP "$daemon_pid"
removed() { grep -q "central: \[central\] removed: no more pushes" "$daemon_log"; }
wait_for "the pushes to stop" removed
daemon_stop
[ "$(logged 'central: cannot push')" = 1 ] || fail "warnings: $(grep central: "$daemon_log")"
[ "$(logged 'central: the central database refused')" = 1 ] || fail "refusals: $(grep central: "$daemon_log")"
[ "$(c "SELECT refusals FROM vraudit.sites WHERE site = 'other'")" = 1 ] || fail "a refused chain was pushed again"
if grep -q -- "$secret" "$daemon_log" "$tmp/notify.log"; then fail "the password was shown"; fi
"$vraudit" verify -c "$tmp/admin.conf" --central >"$tmp/verify.out" 2>&1 || fail "verify --central: $(cat "$tmp/verify.out")"
grep -q "every chain intact" "$tmp/verify.out" || fail "verify --central said: $(cat "$tmp/verify.out")"
[ -z "${VRAUDIT_TEST_VERBOSE:-}" ] || cat "$daemon_log" "$tmp/notify.log"
echo "ok: vrauditd pushes to the central database, through refusals and outages"
