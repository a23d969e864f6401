#!/usr/bin/env bash
# The README's first command, exactly as README.md writes it, run twice on
# the bundled lab: it sweeps the lab's agents, ingests its mirror-port
# capture, lists at least 40 elements with Huawei and ZTE at high risk and
# the elements known only as neighbours or from the capture, prints the
# compliance report's verdicts, writes the HTML report, stops its agents,
# and gives the same result the second time.
#
# Output goes to a temporary directory (VRAUDIT_LAB_OUT) and the binaries
# of this build are used (VRAUDIT_LAB_BUILD).
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require snmpsimd snmpget sqlite3 python3 ss

# The first line of README.md's first code block, without its comment.
cmd=$(awk '/^```/ { if (inblock) exit; inblock = 1; next } inblock { print; exit }' "$src/README.md")
cmd=${cmd%%#*}
cmd=$(echo "$cmd" | sed 's/[[:space:]]*$//')
[ "$cmd" = "bash scripts/lab.sh" ] || fail "README's first command is '$cmd', not the lab"

# Run the command from the top of the source tree; output in $tmp/NAME.
lab() {
	local name=$1 rc=0
	(cd "$src" && VRAUDIT_LAB_OUT="$tmp/$name" VRAUDIT_LAB_BUILD="$build" eval "$cmd") \
		>"$tmp/$name.out" 2>"$tmp/$name.err" || rc=$?
	if [ $rc -ne 0 ]; then
		# A sanitizer's report is long: show where it starts.
		if grep -q 'ERROR: .*Sanitizer' "$tmp/$name.err"; then
			fail "'$cmd' exited $rc: $(grep -A20 'ERROR: .*Sanitizer' "$tmp/$name.err")"
		fi
		fail "'$cmd' exited $rc: $(tail -20 "$tmp/$name.err")"
	fi
}

check() {
	local name=$1 out=$tmp/$1.out db=$tmp/$1/lab.db
	inv() { sed -n '/^== inventory$/,/^== compliance report$/p' "$out"; }
	row() { inv | grep -E "^[0-9]+ +[^ ]+ +[^ ]+ +[^ ]+ +$1 " || fail "$name: no element $1 in the inventory"; }

	grep -q '^targets: *56 (42 answered, 14 silent, 0 refused or failed)$' "$out" ||
		fail "$name: scan summary: $(grep '^targets:' "$out")"
	grep -q '^files: *1 read, 0 failed$' "$out" || fail "$name: ingest summary"
	grep -qE '^protocols: *lldp [1-9][0-9]*, cdp [1-9][0-9]*, arp [1-9][0-9]*, dhcp [1-9][0-9]*$' "$out" ||
		fail "$name: capture protocols: $(grep '^protocols:' "$out")"

	# The inventory as printed and as stored.
	n=$(inv | grep -cE '^[0-9]+ ')
	[ "$n" -ge 40 ] || fail "$name: $n elements listed, expected at least 40"
	[ "$(q 'SELECT count(*) FROM inventory')" = "$n" ] || fail "$name: listing and database differ"
	[ "$(inv | grep -cE ' huawei +high ')" -ge 5 ] || fail "$name: Huawei elements at high risk missing"
	[ "$(inv | grep -cE ' zte +high ')" -ge 3 ] || fail "$name: ZTE elements at high risk missing"
	row core-dc-spine-3 | grep -qE ' huawei +high .* core ' || fail "$name: Huawei in the core"
	row ran-agg-zte-1 | grep -qE ' zte +high .* ran ' || fail "$name: ZTE RAN aggregation"
	row ran-agg-h3c-1 | grep -qE ' h3c +watch ' || fail "$name: H3C at watch"
	# HP- and HPE-branded Comware switches are built by H3C: no conflict
	# with an H3C chassis, and no vendor becomes high risk through it.
	row mgmt-sw-3 | grep -qE ' h3c +watch +[0-9.]+ +no ' || fail "$name: HPE Comware box with an H3C chassis"
	row mgmt-sw-2 | grep -qE ' h3c +watch +[0-9.]+ +no ' || fail "$name: HP Comware box built by H3C"
	# Numbers the registry and the catalogue name: Compaq's (HPE), Nortel's
	# optical subtree (Ciena), Nokia's 7483.
	[ "$(q "SELECT vendor FROM evidence WHERE kind = 'sysobjectid' AND value = '1.3.6.1.4.1.232.9.4.11'")" = hpe ] ||
		fail "$name: enterprise 232 (Compaq) not named"
	# 47196 is named through its registrant: with the registry installed.
	if [ -r /usr/share/wireshark/enterprises.tsv ]; then
		[ "$(q "SELECT count(*) FROM evidence WHERE kind = 'sysobjectid' AND vendor IS NULL")" = 0 ] ||
			fail "$name: a sysObjectID names no maker: $(q "SELECT value, rule FROM evidence WHERE kind = 'sysobjectid' AND vendor IS NULL")"
	fi
	row core-ntp-1 | grep -qE ' microsemi +none ' || fail "$name: time server under enterprise 39165"
	[ "$(q "SELECT vendor || '|' || risk FROM inventory WHERE mgmt_ip = '127.0.40.9'")" = 'hikvision|high' ] ||
		fail "$name: camera without a system group"

	# Elements that answer no SNMP: LLDP/CDP neighbours, and the capture's.
	for e in "gnb-hw-0101|huawei|high|ran|lldp" "gnb-zte-0301|zte|high|ran|lldp" \
		"core-pe-3|huawei|high|core|cdp" "tx-otn-hw-2|huawei|high|transport|lldp" \
		"cam-gate-2|hikvision|high|mgmt|lldp" "gnb-eri-1001|ericsson|none|ran|lldp" \
		"HG8245H-cpe-0411|huawei|high|fixed-access|dhcp" "ont-f670l-0192|zte|high|fixed-access|lldp" \
		"ont-g240w-0077|nokia|none|fixed-access|lldp" "SEPF4BD9E710001|cisco|none|mgmt|cdp" \
		"DS-2CD2386G2-ISU|hikvision|high|mgmt|dhcp" "HONOR-Magic5-Pro|honor|none|mgmt|dhcp"; do
		IFS='|' read -r sys vendor risk zone proto <<<"$e"
		row "$sys" | grep -qE " $vendor +$risk .* $zone " || fail "$name: $sys: $(row "$sys")"
		got=$(q "SELECT sources FROM inventory WHERE sys_name = '$sys'")
		case ",$got," in
		*,snmp,*) fail "$name: $sys answered SNMP ($got)" ;;
		*,$proto,*) ;;
		*) fail "$name: $sys not learnt through $proto ($got)" ;;
		esac
	done
	[ "$(q "SELECT count(*) FROM inventory WHERE mac = '08:ed:ed:52:00:42' AND vendor = 'dahua'")" = 1 ] ||
		fail "$name: the Dahua camera that only ARPs"

	# The agents are stopped.
	if ss -Hlun | awk '{ print $4 }' | grep -qx '127\.0\.10\.1:16100'; then
		fail "$name: the lab's agents are still running"
	fi

	# The compliance report: verdicts per pack, violations found, HTML written.
	grep -qi '^result: *violations' "$out" || fail "$name: no violations reported"
	for pack in uk-dvd-2022 us-fcc-covered; do
		grep -q "^$pack" "$out" || fail "$name: no verdicts for $pack"
	done
	grep -qE '^ *\[violated\] core:' "$out" || fail "$name: UK core rule not violated"
	grep -qE '^ *\[met\] ran-cap:' "$out" || fail "$name: UK RAN cap not met"
	grep -qE '^ *\[violated\] covered-equipment:' "$out" || fail "$name: US covered equipment not violated"
	grep -qE '^ +element [0-9]+ +10\.10\.0\.22 +huawei +zone core +violated' "$out" ||
		fail "$name: the Huawei router known only from CDP is not a core violation"
	# The same verdicts in the views auditors query.
	[ "$(q "SELECT status FROM zone_share WHERE policy = 'uk-dvd-2022' AND rule = 'core'")" = violated ] ||
		fail "$name: zone_share: UK core"
	[ "$(q "SELECT status FROM zone_share WHERE policy = 'uk-dvd-2022' AND rule = 'ran-cap'")" = met ] ||
		fail "$name: zone_share: UK RAN cap"
	[ "$(q "SELECT count(*) FROM violations WHERE policy = 'uk-dvd-2022' AND rule = 'core' AND status = 'violated'")" = 2 ] ||
		fail "$name: violations: UK core"
	grep -qi '<html' "$tmp/$name/report.html" || fail "$name: no HTML report"
	grep -qF "HTML report: $tmp/$name/report.html" "$out" || fail "$name: HTML report's path not given"
	grep -qF "database:    $db" "$out" || fail "$name: database path not given"
}

# What must be the same from one run to the next.
summary() {
	local out=$tmp/$1.out db=$tmp/$1/lab.db
	grep -E '^(targets|neighbours|elements|high risk|files|frames|protocols):' "$out"
	grep -E '^(result:|  \[)' "$out" || true
	sqlite3 -batch -noheader "file:$db?mode=ro" "SELECT mgmt_ip, mac, sys_name, sys_descr,
		sys_object_id, vendor, risk, confidence, conflict, zone, model, serial, software,
		sources FROM inventory ORDER BY mac, mgmt_ip, sys_name"
}

lab first
check first
lab second
check second
# The same frames each run, heard from the time of the run on.
python3 - "$tmp/first/mirror.pcap" "$tmp/second/mirror.pcap" <<'PY' || fail "the capture's frames differ between runs"
import struct, sys

def frames(path):
    data = open(path, "rb").read()
    out, off, first = [], 24, None
    while off < len(data):
        sec, usec, incl, _ = struct.unpack_from("<IIII", data, off)
        first = sec if first is None else first
        out.append((sec - first, usec, data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return data[:24], out

a, b = frames(sys.argv[1]), frames(sys.argv[2])
sys.exit(0 if a == b and a[1] else 1)
PY
summary first >"$tmp/first.summary"
summary second >"$tmp/second.summary"
diff -u "$tmp/first.summary" "$tmp/second.summary" >&2 || fail "the second run differs from the first"
echo ok
