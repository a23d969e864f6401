#!/usr/bin/env bash
# Every element vraudit elements lists says where to find it: a neighbour
# learnt from another agent's ARP table has no management address, and is
# listed with the address the table gave it, in text, CSV and JSON and in
# the inventory view; so is one whose MAC is a router's virtual MAC (no
# identity: it has neither MAC nor name). The CSV and JSON listings carry
# the same fields, the view's.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require snmpsimd snmpget sqlite3 python3
at_exit 'bash "$src/tests/lib/snmpsim.sh" stop "$tmp/sim"'

port=16256
bash "$src/tests/lib/snmpsim.sh" start "$tmp/sim" \
	127.0.56.1:$port "$fixtures/snmp/arp-gateway.snmprec"
printf 'public\n' >"$tmp/community"
chmod 600 "$tmp/community"
cat >"$tmp/vraudit.conf" <<CONF
[database]
path = lab.db
[snmp]
timeout = 5s
retries = 1
[target lab]
addresses = 127.0.56.1:$port
community-file = community
zone = core
CONF
db=$tmp/lab.db
"$vraudit" scan -c "$tmp/vraudit.conf" --quiet >"$tmp/out" 2>"$tmp/err" ||
	fail "scan exited $?: $(cat "$tmp/err")"

# The neighbours the gateway's ARP tables name: a Dahua camera (IPv4), a
# Hikvision camera (IPv6 only) and the HSRP virtual MAC at 10.0.0.1.
dahua=$(q "SELECT element_id FROM element_address WHERE kind = 'mac' AND value = '4c:11:bf:44:c4:0e'")
hik=$(q "SELECT element_id FROM element_address WHERE kind = 'mac' AND value = '44:19:b6:00:00:21'")
hsrp=$(q "SELECT element_id FROM element_address WHERE kind = 'ipv4' AND value = '10.0.0.1'")
gw=$(q "SELECT element_id FROM inventory WHERE mgmt_ip = '127.0.56.1'")
[ -n "$dahua" ] && [ -n "$hik" ] && [ -n "$hsrp" ] && [ -n "$gw" ] ||
	fail "elements missing: $(q 'SELECT * FROM element_address')"
[ "$(q "SELECT risk FROM inventory WHERE element_id = $dahua")" = high ] ||
	fail "the Dahua camera is not high risk"
[ "$(q "SELECT count(*) FROM inventory WHERE element_id = $hsrp AND mac IS NULL AND sys_name IS NULL AND mgmt_ip IS NULL")" = 1 ] ||
	fail "the HSRP neighbour has a MAC, a name or a management address after all"

# The view, as an auditor with sqlite3 reads it.
row=$(q "SELECT element_id, coalesce(mgmt_ip, '-'), address, address_kind, addresses FROM inventory
	WHERE element_id IN ($gw, $dahua, $hik, $hsrp) ORDER BY element_id") ||
	fail "inventory without addresses"
expect=$(printf '%s\n' "$gw|127.0.56.1|127.0.56.1|mgmt|127.0.56.1" \
	"$dahua|-|10.1.10.161|ipv4|10.1.10.161" "$hik|-|2001:db8::21|ipv6|2001:db8::21" \
	"$hsrp|-|10.0.0.1|ipv4|10.0.0.1" | sort -t'|' -k1,1n)
[ "$row" = "$expect" ] || fail "inventory addresses: '$row', expected '$expect'"

for f in text csv json; do
	"$vraudit" elements -c "$tmp/vraudit.conf" --format $f >"$tmp/el.$f" ||
		fail "elements --format $f"
	"$vraudit" elements -c "$tmp/vraudit.conf" --format $f --evidence >"$tmp/ev.$f" ||
		fail "elements --format $f --evidence"
done
"$vraudit" elements -c "$tmp/vraudit.conf" --risk high >"$tmp/high.text" ||
	fail "elements --risk high"

python3 - "$tmp" "$gw" "$dahua" "$hik" "$hsrp" <<'PY' || fail "listings"
import csv, json, re, sys

tmp, gw, dahua, hik, hsrp = sys.argv[1], *sys.argv[2:]
want = {gw: ('127.0.56.1', '127.0.56.1', 'mgmt'),
        dahua: ('', '10.1.10.161', 'ipv4'),
        hik: ('', '2001:db8::21', 'ipv6'),
        hsrp: ('', '10.0.0.1', 'ipv4')}

def text_rows(path):
    # Columns are aligned under their headings, which hold no spaces.
    lines = open(path).read().splitlines()
    heads = [(m.start(), m.group()) for m in re.finditer(r'\S+', lines[0])]
    rows = {}
    for line in lines[1:]:
        if line.startswith('    '):  # an evidence line
            continue
        cells = {}
        for k, (start, name) in enumerate(heads):
            end = heads[k + 1][0] if k + 1 < len(heads) else len(line)
            cells[name] = line[start:end].strip()
        rows[cells['ID']] = cells
    return rows

for path in ('el.text', 'ev.text'):
    rows = text_rows(f'{tmp}/{path}')
    for i, (mgmt, addr, _) in want.items():
        r = rows[i]
        assert r['MGMT_IP'] == (mgmt or '-'), (path, i, r)
        assert r['ADDRESS'] == addr, (path, i, r)
high = text_rows(f'{tmp}/high.text')
assert high[dahua]['ADDRESS'] == '10.1.10.161', high
assert high[hik]['ADDRESS'] == '2001:db8::21', high

for path in ('el.csv', 'ev.csv'):
    with open(f'{tmp}/{path}', newline='') as f:
        rows = {r['element_id']: r for r in csv.DictReader(f)}
    for i, (mgmt, addr, kind) in want.items():
        r = rows[i]
        assert (r['mgmt_ip'], r['address'], r['address_kind'],
                r['addresses']) == (mgmt, addr, kind, addr), (path, r)

for path in ('el.json', 'ev.json'):
    rows = {str(r['element_id']): r for r in json.load(open(f'{tmp}/{path}'))}
    for i, (mgmt, addr, kind) in want.items():
        r = rows[i]
        assert (r['mgmt_ip'], r['address'], r['address_kind'],
                r['addresses']) == (mgmt or None, addr, kind, addr), (path, r)

# The same fields in CSV and JSON, in the same order, with the same values.
with open(f'{tmp}/el.csv', newline='') as f:
    reader = csv.reader(f)
    header = next(reader)
    csv_rows = list(reader)
js = json.load(open(f'{tmp}/el.json'))
assert len(js) == len(csv_rows) >= 4, (len(js), len(csv_rows))
for c, j in zip(csv_rows, js):
    assert list(j) == header, (list(j), header)
    for name, value in zip(header, c):
        v = j[name]
        v = '' if v is None else str(v)
        assert v == value or (name == 'confidence'
                              and float(v) == float(value)), (name, v, value)
for field in ('sys_name_source', 'sys_name_observed', 'mgmt_ip_source',
              'mgmt_ip_observed'):
    assert field in header, field
g = next(j for j in js if str(j['element_id']) == gw)
assert g['sys_name_source'] == 'snmp' and g['mgmt_ip_source'] == 'snmp', g
assert g['sys_name_observed'] and g['mgmt_ip_observed'], g
with open(f'{tmp}/ev.csv', newline='') as f:
    ev_header = next(csv.reader(f))
ev = json.load(open(f'{tmp}/ev.json'))
assert [k for k in ev[0] if k != 'evidence'] == \
    [k for k in ev_header if not k.startswith('evidence_')], (ev[0], ev_header)
PY
echo ok
