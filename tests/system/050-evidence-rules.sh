#!/usr/bin/env bash
# Each piece of evidence names the rule that matched it by its own kind:
# an LLDP description matched by a sysDescr pattern reads lldp-sysdescr,
# never plain sysdescr (which an auditor takes for the SNMP sysDescr).
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require sqlite3
db=$tmp/lab.db

"$vraudit" ingest --db "$db" --quiet "$fixtures/captures/tcpdump_LLDP_and_CDP.pcap" \
	"$fixtures/captures/tcpdump_3560_CDP.pcap" >"$tmp/out" 2>"$tmp/err" ||
	fail "ingest exited $?: $(cat "$tmp/err")"

n=$(q "SELECT count(*) FROM evidence WHERE kind IN ('lldp', 'cdp') AND vendor IS NOT NULL")
[ "$n" -ge 3 ] || fail "only $n LLDP/CDP rows name a vendor"
bad=$(q "SELECT kind || ': ' || rule FROM evidence WHERE kind IN ('lldp', 'cdp')
	AND vendor IS NOT NULL AND rule NOT LIKE kind || ' /%' AND rule NOT LIKE kind || '-%'")
[ -z "$bad" ] || fail "rules not named by their evidence kind: $bad"
[ "$(q "SELECT DISTINCT rule FROM evidence WHERE kind = 'lldp' AND vendor = 'cisco'")" = \
	"lldp-sysdescr /Cisco IOS Software/" ] ||
	fail "LLDP rule: $(q "SELECT rule FROM evidence WHERE kind = 'lldp'")"
[ "$(q "SELECT DISTINCT rule FROM evidence WHERE kind = 'cdp' AND vendor = 'cisco'")" = "cdp /Cisco/" ] ||
	fail "CDP rule: $(q "SELECT rule FROM evidence WHERE kind = 'cdp'")"

# The listing an auditor reads shows the same names.
"$vraudit" elements --db "$db" --evidence >"$tmp/list" || fail "elements"
grep -q 'rule lldp-sysdescr /Cisco IOS Software/' "$tmp/list" || fail "listing: $(cat "$tmp/list")"
if grep -qE '^ +lldp .*rule sysdescr ' "$tmp/list"; then fail "listing labels LLDP evidence sysdescr"; fi
