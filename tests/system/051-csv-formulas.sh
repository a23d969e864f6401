#!/usr/bin/env bash
# Device names that a spreadsheet would run as a formula (OWASP's CSV
# injection: a first character =, +, -, @, tab or carriage return) reach
# the CSV of vraudit elements and vraudit report inert: a leading single
# quote, the value quoted, after a real sweep into a real database.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require snmpsimd snmpget sqlite3 python3
at_exit 'bash "$src/tests/lib/snmpsim.sh" stop "$tmp/sim"'

# One agent per hostile sysName (hex, so that tab and CR travel as bytes).
names=('=HYPERLINK("http://x","y")' "+cmd|' /C calc'!A0" '-2+3' '@SUM(1+1)'
	"$(printf '\t=1+1')" "$(printf '\rcmd')")
port=16251
agents=()
for i in "${!names[@]}"; do
	hex=$(printf '%s' "${names[i]}" | od -An -tx1 | tr -d ' \n')
	cat >"$tmp/agent$i.snmprec" <<REC
1.3.6.1.2.1.1.1.0|4|Huawei Versatile Routing Platform Software
1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.2011.2.23.374
1.3.6.1.2.1.1.5.0|4x|$hex
REC
	agents+=("127.0.51.$((i + 1)):$port" "$tmp/agent$i.snmprec")
done
bash "$src/tests/lib/snmpsim.sh" start "$tmp/sim" "${agents[@]}"

printf 'public\n' >"$tmp/community"
chmod 600 "$tmp/community"
cat >"$tmp/vraudit.conf" <<CONF
[database]
path = lab.db
[snmp]
timeout = 5s
retries = 1
[policy]
packs = uk-dvd-2022
dir = $src/conf/policies
[target lab]
addresses = 127.0.51.0/29:$port
community-file = community
zone = core
CONF
db=$tmp/lab.db
"$vraudit" scan -c "$tmp/vraudit.conf" --quiet >"$tmp/out" 2>"$tmp/err" ||
	fail "scan exited $?: $(cat "$tmp/err")"
[ "$(q "SELECT count(*) FROM inventory WHERE vendor = 'huawei'")" = "${#names[@]}" ] ||
	fail "not every agent stored: $(cat "$tmp/out")"

"$vraudit" elements -c "$tmp/vraudit.conf" --format csv --evidence >"$tmp/elements.csv" ||
	fail "elements --format csv"
rc=0
"$vraudit" report -c "$tmp/vraudit.conf" --format csv >"$tmp/report.csv" || rc=$?
[ "$rc" -le 1 ] || fail "report --format csv exited $rc"

# Every field, read back as a spreadsheet's CSV reader reads it: none
# starts with a formula character unless it starts with the quote; each
# sysName comes back as the quote and its terminal form.
python3 - "$tmp/elements.csv" "$tmp/report.csv" "${names[@]}" <<'PY' || fail "CSV output not inert"
import csv, sys
elements, report, names = sys.argv[1], sys.argv[2], sys.argv[3:]
ok = True
def terminal(s):
    return ''.join('\\x%02x' % ord(c) if ord(c) < 0x20 else c for c in s)
for path in (elements, report):
    with open(path, newline='') as f:
        rows = list(csv.reader(f))
    for r in rows:
        for v in r:
            if v[:1] in ('=', '+', '-', '@', '\t', '\r'):
                print('%s: a field starts a formula: %r' % (path, v)); ok = False
    if path == elements:
        col = rows[0].index('sys_name')
        seen = {r[col] for r in rows[1:]}
        for n in names:
            if "'" + terminal(n) not in seen:
                print('sysName %r not made inert: %r' % (n, seen)); ok = False
    elif len(rows) < 2:
        print('report CSV has no rows'); ok = False
# The quote and the quoting, as written in the file.
raw = open(elements).read()
if '"\'\\x09=1+1"' not in raw or '"\'\\x0dcmd"' not in raw:
    print('tab/CR sysName not quoted with a leading quote'); ok = False
sys.exit(0 if ok else 1)
PY
# The report names the elements by their address: all six are in it.
[ "$(grep -c '127\.0\.51\.' "$tmp/report.csv")" -ge "${#names[@]}" ] ||
	fail "report CSV lacks the elements: $(cat "$tmp/report.csv")"
