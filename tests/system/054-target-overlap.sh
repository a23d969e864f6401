#!/usr/bin/env bash
# A target listed twice (an address in one [target] section and a block
# holding it in another, or on the command line twice) is asked once per
# sweep, with the settings of the section that names it first; check-config
# warns about the overlap, naming both places. Real agents on loopback:
# snmpsimd's answers and the scan's own figures say how many were asked.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require snmpsimd snmpget sqlite3 strace
fx=$fixtures/snmp
at_exit 'bash "$src/tests/lib/snmpsim.sh" stop "$tmp/sim"'

port=16254
bash "$src/tests/lib/snmpsim.sh" start "$tmp/sim" \
	127.0.54.1:$port "$fx/huawei-switch.snmprec" \
	127.0.54.2:$port "$fx/cisco-router.snmprec" \
	127.0.54.3:$port "$fx/zte-bridge.snmprec"

printf 'public\n' >"$tmp/community"
chmod 600 "$tmp/community"
# .1 and .2 in [target core], and again in [target lab]'s /29 (.1 to .6:
# agents on .1 to .3, nothing on .4 to .6).
cat >"$tmp/vraudit.conf" <<CONF
[database]
path = lab.db
[snmp]
timeout = 5s
retries = 0
[target core]
addresses = 127.0.54.1:$port,
    127.0.54.2:$port
community-file = community
zone = core
[target lab]
addresses = 127.0.54.0/29:$port
community-file = community
zone = lab
CONF
db=$tmp/lab.db

# check-config: valid, with a warning naming both places of each overlap.
"$vraudit" check-config -c "$tmp/vraudit.conf" >/dev/null 2>"$tmp/check.err" ||
	fail "check-config: $(cat "$tmp/check.err")"
for line in 7 8; do
	grep -qF "$tmp/vraudit.conf:12: [target lab] 127.0.54.0/29:$port overlaps [target core]" "$tmp/check.err" ||
		fail "check-config does not name the block's line: $(cat "$tmp/check.err")"
	grep -qE "\[target core\] 127\.0\.54\.[12]:$port \($tmp/vraudit\.conf:$line\)" "$tmp/check.err" ||
		fail "check-config does not name line $line: $(cat "$tmp/check.err")"
done

# Each address asked once: requests counted as they leave (one sweep asks
# an agent's system group with one GET first: count the sockets opened).
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
	strace -f -qq -e trace=connect -o "$tmp/strace.log" \
	"$vraudit" scan -c "$tmp/vraudit.conf" --quiet >"$tmp/out" 2>"$tmp/err" ||
	fail "scan exited $?: $(cat "$tmp/err")"
grep -q '^targets: *6 (3 answered, 3 silent, 0 refused or failed)$' "$tmp/out" ||
	fail "summary: $(cat "$tmp/out")"
grep -q '^repeated: *2 listed again, asked once$' "$tmp/out" || fail "repeats not told: $(cat "$tmp/out")"
for a in 1 2 3 4 5 6; do
	n=$(grep -c "inet_addr(\"127\.0\.54\.$a\")" "$tmp/strace.log" || true)
	[ "$n" -le 1 ] || fail "127.0.54.$a asked $n times"
done
[ "$(q "SELECT responded FROM scans")" = 3 ] || fail "responded: $(q "SELECT responded FROM scans")"
[ "$(q "SELECT count(*) FROM inventory WHERE mgmt_ip LIKE '127.0.54.%'")" = 3 ] || fail "agents stored"
# The first section that names an address wins: its zone.
[ "$(q "SELECT group_concat(mgmt_ip || '=' || zone, ' ') FROM (SELECT mgmt_ip, zone FROM inventory
	WHERE mgmt_ip LIKE '127.0.54.%' ORDER BY mgmt_ip)")" = "127.0.54.1=core 127.0.54.2=core 127.0.54.3=lab" ] ||
	fail "zones: $(q "SELECT mgmt_ip, zone FROM inventory WHERE mgmt_ip LIKE '127.0.54.%'")"

# The command line: an address given twice, and once more inside a block.
db=$tmp/oneoff.db
"$vraudit" scan --db "$db" --community-file "$tmp/community" --port $port --timeout 5s --retries 0 \
	--quiet 127.0.54.3 127.0.54.3 127.0.54.2/31 >"$tmp/out2" 2>"$tmp/err2" || fail "one-off: $(cat "$tmp/err2")"
grep -q '^targets: *2 (2 answered, 0 silent, 0 refused or failed)$' "$tmp/out2" ||
	fail "one-off summary: $(cat "$tmp/out2")"
[ "$(q "SELECT responded FROM scans")" = 2 ] || fail "one-off responded: $(q "SELECT responded FROM scans")"
