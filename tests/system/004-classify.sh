#!/bin/bash
# vraudit classify end to end: verdicts as text and JSON against the real
# IEEE registry, an operator vendors.conf, hostile text, and the exit codes
# for malformed input (2) and files that cannot be loaded (3).
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require python3
[ -r /usr/share/ieee-data/oui.csv ] ||
	skip "/usr/share/ieee-data is not installed (package ieee-data)"
FIXTURES=$fixtures/ieee/basic

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

# A Huawei router seen three ways, against the real registry.
run 0 --json --oui-dir /usr/share/ieee-data \
	--sysobjectid 1.3.6.1.4.1.2011.2.23.1 \
	--sysdescr 'Huawei Versatile Routing Platform Software' \
	--mac 00:25:9E:01:02:03
check_json 'v["vendor"] == "huawei" and v["vendor_name"] == "Huawei" and
	v["risk"] == "high" and v["conflict"] is False and
	v["confidence"] > 0.95 and len(v["evidence"]) == 3 and
	[e["kind"] for e in v["evidence"]] == ["sysobjectid", "sysdescr", "oui"] and
	v["evidence"][0]["rule"] == "enterprise 2011 (huawei)" and
	v["evidence"][2]["rule"] == "oui MA-L 00:25:9E HUAWEI TECHNOLOGIES CO.,LTD" and
	all(e["vendor"] == "huawei" for e in v["evidence"])' "huawei router"

# A Cisco box with a Huawei NIC: Cisco, no conflict, less sure.
run 0 --json --oui-dir /usr/share/ieee-data \
	--sysobjectid .1.3.6.1.4.1.9.1.516 --mac 00:25:9e:01:02:03
check_json 'v["vendor"] == "cisco" and v["risk"] == "none" and
	v["conflict"] is False and 0.5 < v["confidence"] < 0.95' "cisco with huawei nic"

# Strong sources disagree: conflict, and the risk of the worse vendor.
run 0 --json --oui-dir /usr/share/ieee-data \
	--sysobjectid 1.3.6.1.4.1.9.1.516 --entity-mfg HUAWEI
check_json 'v["conflict"] is True and v["risk"] == "high"' "conflict"

# Traps: squatted numbers, shared 25506, namesakes.
run 0 --json --oui-dir "$FIXTURES" \
	--sysobjectid 1.3.6.1.4.1.39165.1.6 --sysdescr 'Microsemi SyncServer S650'
check_json 'v["vendor"] == "microsemi" and v["risk"] == "none"' "microsemi on 39165"
run 0 --json --oui-dir "$FIXTURES" \
	--sysobjectid 1.3.6.1.4.1.25506.11.1.83 \
	--sysdescr 'HP Comware Platform Software, Software Version 5.20.99'
# HP-branded Comware switches are built by H3C.
check_json 'v["vendor"] == "h3c" and v["risk"] == "watch" and
	v["conflict"] is False' "hp comware"
run 0 --json --oui-dir /usr/share/ieee-data --mac 90:ff:d6:00:00:01
check_json 'v["vendor"] == "honor" and v["risk"] == "none"' "honor is not huawei"
run 0 --json --entity-mfg 'ZTEC Instruments, Inc.' --entity-mfg 'Aztech'
check_json 'v["vendor"] == "" and v["risk"] == "unknown" and v["confidence"] == 0' \
	"no substring matches"
run 0 --json --sysobjectid 1.3.6.1.4.1.26381.1
check_json 'v["vendor"] == "" and v["risk"] == "unknown"' "lwip names no maker"

# A chip inside is not the chassis maker.
run 0 --json --entity-mfg 'Cisco Systems, Inc.' --component HISILICON
check_json 'v["vendor"] == "cisco" and v["evidence"][1]["kind"] == "component" and
	v["evidence"][1]["vendor"] == "huawei"' "component"

# Locally administered and multicast MACs name no maker.
run 0 --json --oui-dir "$FIXTURES" --mac 02:25:9e:00:00:01 --mac 01:00:5e:00:00:01
check_json 'v["vendor"] == "" and
	v["evidence"][0]["rule"] == "locally administered address: names no maker" and
	v["evidence"][1]["rule"] == "multicast address: names no maker"' "local/multicast"

# An engineID carrying a MAC adds that MAC as evidence.
run 0 --json --oui-dir "$FIXTURES" --engineid 80001f880300259e010203
check_json 'v["vendor"] == "huawei" and len(v["evidence"]) == 2 and
	v["evidence"][1] == {"kind": "oui", "value": "00:25:9e:01:02:03",
	"vendor": "huawei", "strength": 0.5,
	"rule": "oui MA-L 00:25:9E HUAWEI TECHNOLOGIES CO.,LTD"}' "engineid mac"

# Hostile text survives the JSON round trip.
hostile=$'line1\r\nline2 "quoted" back\\slash \x01 tab\t \xff\xfe end Huawei'
run 0 --json --sysdescr "$hostile"
check_json 'v["evidence"][0]["value"] == "line1\r\nline2 \"quoted\" back\\slash \x01 tab\t \\xff\\xfe end Huawei" and
	v["vendor"] == "huawei"' "escaping"
run 0 --sysdescr "$hostile"
[ "$(wc -l <"$tmp/out")" -eq 7 ] || fail "text output: a value broke a line"
grep -q '^vendor:     huawei (Huawei)$' "$tmp/out" || fail "text output vendor line"
grep -q '^risk:       high$' "$tmp/out" || fail "text output risk line"
grep -q '^conflict:   no$' "$tmp/out" || fail "text output conflict line"

# Operator vendors.conf: an added block and a changed risk class.
cat >"$tmp/vendors.conf" <<'EOF'
[vendor zte]
oui = 00:25:9E
[vendor cisco]
risk = watch
EOF
run 0 --json --oui-dir "$FIXTURES" --vendors "$tmp/vendors.conf" --mac 00:25:9e:00:00:01
check_json 'v["vendor"] == "zte" and
	v["evidence"][0]["rule"] == "oui vendors.conf 00:25:9E ZTE"' "operator block"
run 0 --json --vendors "$tmp/vendors.conf" --sysobjectid 1.3.6.1.4.1.9.1.1
check_json 'v["vendor"] == "cisco" and v["risk"] == "watch"' "operator risk"

# Malformed input: exit 2, naming the option.
run 2 --mac 00:25:9e:01:02
grep -q -- "--mac '00:25:9e:01:02': not a MAC address" "$tmp/err" || fail "bad mac message"
run 2 --sysobjectid 1.3.6.1.4.1.2011.x
grep -q -- "--sysobjectid '1.3.6.1.4.1.2011.x': not a numeric OID" "$tmp/err" ||
	fail "bad oid message"
run 2 --engineid 80z
grep -q -- "--engineid '80z'" "$tmp/err" || fail "bad engineid message"
run 2 --json
grep -q "no evidence given" "$tmp/err" || fail "no evidence message"
run 2 --sysdescr x stray
run 2 --no-such-option

# Files that cannot be loaded: exit 3, naming the path.
printf '[vendor x]\nrisk = none\nenterprise = nine\n' >"$tmp/bad.conf"
run 3 --vendors "$tmp/bad.conf" --sysdescr Cisco
grep -qF "$tmp/bad.conf:3: [vendor x] enterprise: \"nine\" is not a number" "$tmp/err" ||
	fail "vendors.conf error: $(cat "$tmp/err")"
run 3 --vendors "$tmp/missing.conf" --sysdescr Cisco
grep -q "$tmp/missing.conf: No such file or directory" "$tmp/err" || fail "missing vendors file"
run 3 --oui-dir "$tmp/no-registry" --mac 00:25:9e:00:00:01
grep -q "$tmp/no-registry: No such file or directory" "$tmp/err" || fail "missing registry"
# Without a MAC, a missing registry is only a warning.
run 0 --json --oui-dir "$tmp/no-registry" --sysdescr 'Cisco IOS Software'
grep -q "continuing without it" "$tmp/err" || fail "missing registry warning"
check_json 'v["vendor"] == "cisco"' "classify without registry"

# --help works and exits 0.
run 0 --help
grep -q -- "--engineid HEX" "$tmp/out" || fail "help text"

echo "004-classify: ok"
