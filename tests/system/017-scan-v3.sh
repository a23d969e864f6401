#!/usr/bin/env bash
# vraudit scan over SNMPv3 (authPriv, SHA-256/AES-128, keys from files)
# against net-snmp's snmpd on loopback: the agent is stored and classified;
# with a wrong key the target fails alone, and its engineID is still
# recorded as evidence.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require snmpd snmpget sqlite3
agent=127.0.62.1:16163
snmpd_pid=
# It writes its state on the way out: let it finish before $tmp goes.
at_exit '[ -z "$snmpd_pid" ] || { kill "$snmpd_pid"; wait "$snmpd_pid"; }'
db=$tmp/v3.db

cat >"$tmp/snmpd.conf" <<CONF
[snmpd]
persistentDir $tmp
[snmp]
persistentDir $tmp
[snmpd]
createUser auditor SHA-256 auth-secret-1 AES priv-secret-1
rouser auditor priv
sysDescr Huawei Versatile Routing Platform Software, VRP (R) software, Version 8.190
sysName v3-core-1
CONF
MIBS= snmpd -f -Lf "$tmp/snmpd.log" -C -c "$tmp/snmpd.conf" -p "$tmp/snmpd.pid" "udp:$agent" &
snmpd_pid=$!
# Ready when it answers (each unanswered request waits a second).
answers() {
	kill -0 "$snmpd_pid" 2>/dev/null || fail "snmpd exited: $(tail -5 "$tmp/snmpd.log")"
	snmpget -v3 -l authPriv -u auditor -a SHA-256 -A auth-secret-1 -x AES -X priv-secret-1 \
		-r0 -t1 -On "udp:$agent" 1.3.6.1.2.1.1.5.0 2>/dev/null | grep -q v3-core-1
}
wait_for "snmpd to answer on $agent" answers

umask 077
printf 'auth-secret-1\n' >"$tmp/auth"
printf 'priv-secret-1\n' >"$tmp/priv"
printf 'wrong-secret\n' >"$tmp/wrong"
# Timeouts long enough for a loaded machine: the agent answers, and a
# wrong key is refused at once.
"$vraudit" scan --db "$tmp/v3.db" --quiet --timeout 10s --retries 1 \
	--v3-user auditor --v3-auth SHA-256 --v3-auth-key-file "$tmp/auth" \
	--v3-priv AES-128 --v3-priv-key-file "$tmp/priv" "$agent" >"$tmp/out" ||
	fail "v3 scan exited $?"
grep -q '^targets: *1 (1 answered' "$tmp/out" || fail "v3 scan: $(cat "$tmp/out")"
row=$(q "SELECT sys_name, vendor, risk FROM inventory WHERE mgmt_ip = '127.0.62.1'")
[ "$row" = "v3-core-1|huawei|high" ] || fail "v3 agent: '$row'"
q "SELECT count(*) FROM evidence WHERE kind = 'engineid'" | grep -qx 1 || fail "no engineID evidence"

# A wrong key: that target fails with a clear reason; its engineID is kept.
"$vraudit" scan --db "$tmp/bad.db" --quiet --timeout 10s --retries 0 \
	--v3-user auditor --v3-auth SHA-256 --v3-auth-key-file "$tmp/wrong" \
	"$agent" >"$tmp/out" || fail "scan with a wrong key exited $?"
grep -q '1 refused or failed' "$tmp/out" || fail "wrong key: $(cat "$tmp/out")"
grep -qi 'authentication failure' "$tmp/out" || fail "the reason is not named: $(cat "$tmp/out")"
db=$tmp/bad.db
[ "$(q "SELECT count(*) FROM evidence WHERE kind = 'engineid'")" = 1 ] ||
	fail "engineID of the refusing agent not recorded"
echo ok
