#!/usr/bin/env bash
# vrauditd and the element lifecycle: the daemon records the waivers file
# when it starts and when it reloads (a malformed file is logged with its
# FILE:LINE and the waivers recorded before stay), and its sweeps retire an
# agent that stopped answering more than retire-after before the newest
# observation of a complete sweep; the chain verifies throughout.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
. "$src/tests/lib/daemon.sh"
daemon_test_init "the daemon drops privileges to nobody" snmpsimd snmpget
at_exit 'bash "$src/tests/lib/snmpsim.sh" stop "$tmp/sim"'
db=$tmp/state/lab.db

port=16182
agent() { # NAME DESCR OID
	printf '1.3.6.1.2.1.1.1.0|4|%s\n1.3.6.1.2.1.1.2.0|6|%s\n1.3.6.1.2.1.1.5.0|4|%s\n' \
		"$2" "$3" "$1" >"$tmp/$1.snmprec"
}
agent core-rtr-1 "Cisco IOS XE Software, Version 17.9.4" 1.3.6.1.4.1.9.1.2571
agent core-spine-3 "Huawei Versatile Routing Platform Software CE6881" 1.3.6.1.4.1.2011.2.239.53
sim() {
	bash "$src/tests/lib/snmpsim.sh" stop "$tmp/sim"
	bash "$src/tests/lib/snmpsim.sh" start "$tmp/sim" "$@"
}

mkdir -p "$tmp/state" "$tmp/etc/policies"
printf 'public\n' >"$tmp/etc/community"
chmod 600 "$tmp/etc/community"
cat >"$tmp/etc/policies/lab-test.conf" <<'EOF2'
[pack]
name = lab-test
vendors = huawei
[rule core-cap]
zone = core
max-share = 0%
EOF2
cat >"$tmp/etc/waivers.conf" <<'EOF2'
[waiver spine-removal]
address = 127.82.0.3
rule = lab-test/core-cap
reason = removal scheduled
approver = CISO
expires = 2026-12-31
EOF2
cat >"$tmp/etc/vraudit.conf" <<CONF
[database]
path = $db
[snmp]
interval = 1h
timeout = 10s
retries = 0
[target core]
addresses = 127.82.0.1:$port, 127.82.0.3:$port
community-file = community
zone = core
[policy]
packs = lab-test
dir = policies
retire-after = 30d
waivers = waivers.conf
CONF
chown -R nobody:nogroup "$tmp/state" "$tmp/etc"
notify_listen "$tmp/notify.sock" "$tmp/notify.log"

start() { # NOW
	: >"$tmp/notify.log"
	VRAUDIT_NOW=$1 NOTIFY_SOCKET=$tmp/notify.sock "$vrauditd" -f -c "$tmp/etc/vraudit.conf" \
		--user nobody 2>>"$daemon_log" &
	daemon_pid=$!
	wait_ready "$tmp/notify.log" "$daemon_pid" "$daemon_log"
}
swept() { # N: complete sweeps so far
	[ "$(q "SELECT count(*) FROM scans WHERE kind = 'snmp' AND status = 'complete'")" -ge "$1" ]
}
waiver_records() { q "SELECT count(*) FROM audit_log WHERE kind = 'waivers'"; }

# First run: both agents; the waivers file recorded at start.
sim 127.82.0.1:$port "$tmp/core-rtr-1.snmprec" 127.82.0.3:$port "$tmp/core-spine-3.snmprec"
start 2026-10-01T10:00:00Z
wait_for "the first sweep" swept 1
[ "$(waiver_records)" = 1 ] || fail "the waivers file was not recorded at start: $(q 'SELECT seq, kind FROM audit_log')"
[ "$(q "SELECT count(*) FROM inventory WHERE vendor = 'huawei'")" = 1 ] || fail "no Huawei spine"
daemon_stop

# Six weeks on the spine is gone: the daemon's sweep retires it.
sim 127.82.0.1:$port "$tmp/core-rtr-1.snmprec"
start 2026-11-15T10:00:00Z
wait_for "the second sweep" swept 2
retired() { [ "$(q "SELECT count(*) FROM inventory WHERE retired_at IS NOT NULL AND mgmt_ip = '127.82.0.3'")" = 1 ]; }
wait_for "the spine's retirement" retired
[ "$(q "SELECT count(*) FROM audit_log WHERE kind = 'retire'")" = 1 ] || fail "no retire record"
[ "$(waiver_records)" = 1 ] || fail "an unchanged waivers file was recorded again"

# Reload with a changed file: recorded; with a malformed one: logged, kept.
sed -i 's/^expires = .*/expires = 2027-01-31/' "$tmp/etc/waivers.conf"
kill -HUP "$daemon_pid"
changed() { [ "$(waiver_records)" = 2 ]; }
wait_for "the changed waivers file to be recorded on reload" changed
[[ $(q "SELECT detail FROM audit_log WHERE kind = 'waivers' ORDER BY seq DESC LIMIT 1") == *"changed=spine-removal"* ]] ||
	fail "the reload's record: $(q "SELECT detail FROM audit_log WHERE kind = 'waivers'")"
sed -i 's/^expires = .*/expires = someday/' "$tmp/etc/waivers.conf"
kill -HUP "$daemon_pid"
refused() { grep -q "waivers.conf:6: \[waiver spine-removal\] expires: \"someday\" is not a date (YYYY-MM-DD); the waivers recorded before stay" "$daemon_log"; }
wait_for "the malformed waivers file to be refused" refused
daemon_alive "$daemon_pid" "$daemon_log"
[ "$(q "SELECT expires FROM waiver")" = 2027-01-31 ] || fail "the recorded waiver changed"
daemon_stop
"$vraudit" verify --db "$db" >"$tmp/out" 2>&1 || fail "verify: $(cat "$tmp/out")"
echo "082-daemon-lifecycle: ok"
