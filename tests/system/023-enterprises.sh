#!/bin/bash
# vraudit classify with the IANA enterprise numbers registry: any
# sysObjectID names its registrant (through the catalogue when it knows the
# name, else as enterprise-N with risk unknown), the operator's additions,
# a missing registry (a warning, not a failure) and a malformed one (exit 3
# naming the file and line).
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require python3 awk
registry=/usr/share/wireshark/enterprises.tsv
[ -r "$registry" ] ||
	skip "$registry is not installed (package libwireshark-data)"

conf=$tmp/vraudit.conf
cat >"$conf" <<CONF
[registry]
oui-dir = $fixtures/ieee/basic
enterprises = $registry
CONF

# Run vraudit classify and check its exit code; output in $tmp/out, $tmp/err.
run() {
	local want=$1
	shift
	local rc=0
	"$vraudit" classify "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ "$rc" -eq "$want" ] ||
		fail "classify $*: exit $rc, want $want; stderr: $(cat "$tmp/err")"
}

# Check the JSON in $tmp/out with a Python expression over `v`.
check_json() {
	python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))
ok = eval("(" + sys.argv[2] + ")")
if not ok:
    sys.exit("json check failed: %s\n%s" % (sys.argv[2], json.dumps(v, indent=1)))
' "$tmp/out" "$1" || fail "$2"
}

# The registrant of a number, as the file gives it.
registrant() {
	awk -F'\t' -v n="$1" '$1 == n { print $2; exit }' "$registry"
}

# A maker the catalogue knows by the registrant's name.
run 0 -c "$conf" --json --sysobjectid 1.3.6.1.4.1.31926.1.1
check_json 'v["vendor"] == "siklu" and v["risk"] == "none" and
	v["evidence"][0]["rule"] == "enterprise 31926 (siklu; IANA: Siklu Communication LTD)"' \
	"siklu by its registrant"

# Numbers taken from the file that the catalogue lacks: each names its
# registrant, risk unknown, never silently.
for n in $(awk -F'\t' '$1 ~ /^[0-9]+$/ && $1 > 57900 && $2 != "Reserved" { print $1 }' \
	"$registry" | head -3); do
	name=$(registrant "$n")
	run 0 -c "$conf" --json --sysobjectid "1.3.6.1.4.1.$n.1.2"
	NAME=$name check_json 'v["vendor"] == "enterprise-'"$n"'" and
		v["vendor_name"] == __import__("os").environ["NAME"][:63] and
		v["risk"] == "unknown" and v["confidence"] == 0.6 and
		v["evidence"][0]["rule"].endswith("): not in the catalogue")' \
		"registrant of $n ($name)"
done

# As text, the registrant is named on the vendor line.
run 0 -c "$conf" --sysobjectid 1.3.6.1.4.1.57909.1
grep -qx 'vendor:     enterprise-57909 (Attendance on Demand, Inc)' "$tmp/out" ||
	fail "text output: $(cat "$tmp/out")"
grep -qx 'risk:       unknown' "$tmp/out" || fail "text risk: $(cat "$tmp/out")"

# A reserved number names nobody.
run 0 -c "$conf" --json --sysobjectid 1.3.6.1.4.1.2187.1
check_json 'v["vendor"] == "" and v["risk"] == "unknown" and
	"unassigned in the IANA registry" in v["evidence"][0]["rule"]' "reserved"

# An engineID names its registrant too.
run 0 -c "$conf" --json --engineid 80007cb603aabbccddeeff
check_json 'v["vendor"] == "siklu"' "engineid of siklu"

# The operator's additions and corrections.
printf '# lab numbers\n4294967295\tOperator Lab Ltd\n57909\tAttendance on Demand (corrected)\n' \
	>"$tmp/enterprises.local"
cp "$conf" "$tmp/local.conf"
echo "enterprises-local = $tmp/enterprises.local" >>"$tmp/local.conf"
run 0 -c "$tmp/local.conf" --json --sysobjectid 1.3.6.1.4.1.4294967295.7
check_json 'v["vendor"] == "enterprise-4294967295" and
	v["vendor_name"] == "Operator Lab Ltd" and
	v["evidence"][0]["rule"].startswith("enterprise 4294967295 (local: ")' \
	"operator addition"
run 0 -c "$tmp/local.conf" --json --sysobjectid 1.3.6.1.4.1.57909.1
check_json 'v["vendor_name"] == "Attendance on Demand (corrected)"' \
	"operator correction"
"$vraudit" check-config -c "$tmp/local.conf" >"$tmp/out" 2>"$tmp/err" ||
	fail "check-config: $(cat "$tmp/err")"
grep -qx "enterprises = $registry" "$tmp/out" ||
	fail "printed configuration lacks the registry: $(cat "$tmp/out")"
grep -qx "enterprises-local = $tmp/enterprises.local" "$tmp/out" ||
	fail "printed configuration lacks the local file: $(cat "$tmp/out")"

# A malformed line: exit 3, the file and line named.
printf '9\tciscoSystems\nnine\tCisco\n' >"$tmp/bad.tsv"
run 3 -c "$conf" --enterprises "$tmp/bad.tsv" --sysobjectid 1.3.6.1.4.1.9.1
grep -q "$tmp/bad.tsv:2: not \"NUMBER NAME\"" "$tmp/err" ||
	fail "malformed registry: $(cat "$tmp/err")"

# A missing registry: a warning, and the catalogue's own numbers still work.
run 0 -c "$conf" --json --enterprises "$tmp/none.tsv" \
	--sysobjectid 1.3.6.1.4.1.31926.1.1
grep -q "IANA enterprise registry: $tmp/none.tsv: No such file or directory; continuing without it" \
	"$tmp/err" || fail "no warning for a missing registry: $(cat "$tmp/err")"
check_json 'v["vendor"] == "" and
	v["evidence"][0]["rule"] == "enterprise 31926: not in the catalogue"' \
	"missing registry"
run 0 -c "$conf" --json --enterprises "$tmp/none.tsv" \
	--sysobjectid 1.3.6.1.4.1.2011.2.23.1
check_json 'v["vendor"] == "huawei" and v["risk"] == "high"' \
	"catalogue numbers without the registry"
echo "ok"
