#!/usr/bin/env bash
# vraudit scan of appliances built on net-snmp: both agents have net-snmp's
# sysObjectID and a plain Linux sysDescr. One is a power system controller
# whose maker added Huawei's private MIB (1.3.6.1.4.1.2011, served with
# snmpd's `override`): it is named Huawei, high risk, by that subtree, over
# SNMPv2c and over SNMPv3 (whose view ends in endOfMibView). The other is
# plain net-snmp (8072, 2021 only): nothing names a maker, and nothing is
# noted.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require snmpd snmpget sqlite3
power=127.0.63.1:16164
plain=127.0.63.2:16164
pids=()
# snmpd writes its state on the way out: let it finish before $tmp goes.
at_exit 'for p in "${pids[@]}"; do kill "$p"; wait "$p"; done'

# agent NAME ADDRESS EXTRA-CONFIG: start snmpd as NAME, wait until it answers.
# Its view holds the system group, enterprises and what follows them (so
# that the last GETNEXT answers past enterprises), not the interfaces:
# both agents run on this host, and its MACs would make them one element.
agent() {
	local name=$1 addr=$2 dir=$tmp/$1
	mkdir "$dir"
	cat >"$dir/snmpd.conf" <<CONF
[snmpd]
persistentDir $dir
[snmp]
persistentDir $dir
[snmpd]
view audit included .1.3.6.1.2.1.1
view audit included .1.3.6.1.4.1
view audit included .1.3.6.1.6.3
rocommunity public 127.0.0.1 -V audit
sysDescr Linux $name 4.14.98 #1 SMP PREEMPT Tue Mar 3 10:12:44 CST 2020 armv7l
sysName $name
$3
CONF
	# No SMUX: two agents would compete for its port.
	MIBS= snmpd -f -Lf "$dir/snmpd.log" -I -smux -C -c "$dir/snmpd.conf" \
		-p "$dir/snmpd.pid" "udp:$addr" &
	pids+=($!)
	answers() {
		kill -0 "${pids[-1]}" 2>/dev/null || fail "snmpd $name exited: $(tail -5 "$dir/snmpd.log")"
		snmpget -v2c -c public -r0 -t1 -On "udp:$addr" 1.3.6.1.2.1.1.5.0 2>/dev/null | grep -q "$name"
	}
	wait_for "snmpd $name to answer on $addr" answers
}

# The controller's private MIB: a few of its scalars, as such a box has them.
agent pwr-ctl-1 "$power" "$(
	cat <<'CONF'
override .1.3.6.1.4.1.2011.6.164.1.1.2.1.0 octet_str "SMU02C"
override .1.3.6.1.4.1.2011.6.164.1.1.2.2.0 octet_str "V500R002C10"
override .1.3.6.1.4.1.2011.6.164.1.1.2.99.0 integer 5300
view power included .1.3.6.1.2.1.1
view power included .1.3.6.1.4.1
createUser auditor SHA-256 auth-secret-1 AES priv-secret-1
rouser auditor priv -V power
CONF
)"
agent linux-1 "$plain" ""

# The agents are what the problem is about: net-snmp's own identity only.
snmpget -v2c -c public -On "udp:$power" 1.3.6.1.2.1.1.2.0 | grep -q '1.3.6.1.4.1.8072.3.2.10$' ||
	fail "the power agent's sysObjectID is not net-snmp's"

printf 'public\n' >"$tmp/community"
chmod 600 "$tmp/community"
db=$tmp/v2.db
"$vraudit" scan --db "$db" --quiet --timeout 10s --retries 1 \
	--community-file "$tmp/community" "$power" "$plain" >"$tmp/out" ||
	fail "scan exited $?"
grep -q '^targets: *2 (2 answered' "$tmp/out" || fail "scan: $(cat "$tmp/out")"
# Both discoveries ended well: the scan has no notes.
if grep -q '^notes:' "$tmp/out"; then fail "notes: $(cat "$tmp/out")"; fi

row=$(q "SELECT sys_name, vendor, risk FROM inventory WHERE mgmt_ip = '127.0.63.1'")
[ "$row" = "pwr-ctl-1|huawei|high" ] || fail "power controller: '$row'"
row=$(q "SELECT ev.value, ev.vendor, ev.strength, ev.rule FROM evidence ev
	JOIN inventory i ON i.element_id = ev.element_id
	WHERE i.mgmt_ip = '127.0.63.1' AND ev.kind = 'private-mib'")
[ "$row" = "1.3.6.1.4.1.2011|huawei|0.6|private-mib enterprise 2011 (huawei)" ] ||
	fail "power controller's private-mib evidence: '$row'"
# Nothing else named it: net-snmp's sysObjectID names no maker.
row=$(q "SELECT count(*) FROM evidence ev JOIN inventory i ON i.element_id = ev.element_id
	WHERE i.mgmt_ip = '127.0.63.1' AND ev.vendor IS NOT NULL AND ev.kind != 'private-mib'")
[ "$row" = 0 ] || fail "other evidence named a vendor: $row"

row=$(q "SELECT sys_name, coalesce(vendor, ''), risk FROM inventory WHERE mgmt_ip = '127.0.63.2'")
[ "$row" = "linux-1||unknown" ] || fail "plain net-snmp agent: '$row'"
row=$(q "SELECT count(*) FROM evidence WHERE kind = 'private-mib' AND element_id =
	(SELECT element_id FROM inventory WHERE mgmt_ip = '127.0.63.2')")
[ "$row" = 0 ] || fail "plain net-snmp agent has private-mib evidence"

# SNMPv3, with a view that ends after enterprises: endOfMibView ends the
# discovery, and the controller is named the same.
umask 077
printf 'auth-secret-1\n' >"$tmp/auth"
printf 'priv-secret-1\n' >"$tmp/priv"
db=$tmp/v3.db
"$vraudit" scan --db "$db" --quiet --timeout 10s --retries 1 \
	--v3-user auditor --v3-auth SHA-256 --v3-auth-key-file "$tmp/auth" \
	--v3-priv AES-128 --v3-priv-key-file "$tmp/priv" "$power" >"$tmp/out" ||
	fail "v3 scan exited $?"
grep -q '^targets: *1 (1 answered' "$tmp/out" || fail "v3 scan: $(cat "$tmp/out")"
if grep -q '^notes:' "$tmp/out"; then fail "v3 notes: $(cat "$tmp/out")"; fi
row=$(q "SELECT i.vendor, i.risk, ev.value FROM inventory i
	JOIN evidence ev ON ev.element_id = i.element_id AND ev.kind = 'private-mib'")
[ "$row" = "huawei|high|1.3.6.1.4.1.2011" ] || fail "v3 power controller: '$row'"
echo ok
