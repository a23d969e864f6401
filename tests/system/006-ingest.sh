#!/usr/bin/env bash
# vraudit ingest on real captures: the Cisco LLDP/CDP speakers with their
# names and descriptions, ARP and DHCP hosts with their addresses, the Huawei
# MAC outside an ERSPAN tunnel and the Cisco one inside it; malformed and
# broken files are survived and named, and nothing ingested before an error
# is lost.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require sqlite3 python3 script
caps=$fixtures/captures

db=$tmp/a.db
"$vraudit" ingest --db "$db" --quiet "$caps"/*.pcap >"$tmp/out" 2>"$tmp/err" ||
	fail "ingest of the real captures exited $?: $(cat "$tmp/err")"
grep -q '^files: *19 read, 0 failed$' "$tmp/out" || fail "summary: $(cat "$tmp/out")"
grep -q '^protocols: *lldp [1-9][0-9]*, cdp [1-9][0-9]*, arp [1-9][0-9]*, dhcp [1-9][0-9]*$' "$tmp/out" ||
	fail "protocol counts: $(cat "$tmp/out")"

# Clear-text fingerprints of real captures: the web server's header
# (tcpdump_ipv4_tcp_http_xml.pcap), mDNS names (zeek_mdns.pcap), a client
# certificate sent on the link (zeek_client-certificate.pcap); the SSH and
# TLS servers of the others are two or more hops away and name no one.
grep -q '^fingerprints: *ssh [1-9][0-9]*, http [1-9][0-9]*, tls [1-9][0-9]*, ssdp 0, mdns [1-9][0-9]*; [1-9][0-9]* routed$' "$tmp/out" ||
	fail "fingerprint counts: $(cat "$tmp/out")"
row=$(q "SELECT i.sources, e.value FROM inventory i JOIN evidence e USING (element_id)
	WHERE i.mac = '00:50:56:9f:36:9f' AND e.kind = 'http'")
[ "$row" = "http,mac|Microsoft-IIS/6.0" ] || fail "IIS server: '$row'"
q "SELECT value FROM evidence e JOIN inventory i USING (element_id)
	WHERE i.mac = '8a:3c:d6:e1:4d:c4' AND e.kind = 'mdns'" |
	grep -qx 'johanna-QEMU-Virtual-Machine' || fail "mDNS host name"
q "SELECT value FROM evidence e JOIN inventory i USING (element_id)
	WHERE i.mac = '98:ee:cb:bd:07:fe' AND e.kind = 'tls'" |
	grep -qx 'issuer O=Actalis S.p.A.' || fail "client certificate issuer"
[ "$(q "SELECT count(*) FROM evidence WHERE kind = 'ssh'")" = 0 ] ||
	fail "a routed SSH banner named someone"

# The two Catalyst 3560s of tcpdump_LLDP_and_CDP.pcap: LLDP names, CDP platform.
for pair in "S1.cisco.com|00:18:ba:98:68:8f|cisco WS-C3560-24TS" \
	"S2.cisco.com|00:19:2f:a7:b2:8d|cisco WS-C3560G-24PS"; do
	IFS='|' read -r name mac platform <<<"$pair"
	row=$(q "SELECT mac, vendor, risk, model, sources FROM inventory WHERE sys_name = '$name'")
	[ "$row" = "$mac|cisco|none|$platform|cdp,lldp,mac" ] || fail "$name: '$row'"
	id=$(q "SELECT element_id FROM inventory WHERE sys_name = '$name'")
	q "SELECT value FROM evidence WHERE element_id = $id AND kind = 'lldp'" |
		grep -q '^Cisco IOS Software, C3560 Software' || fail "$name: no LLDP sysDescr evidence"
	q "SELECT value FROM evidence WHERE element_id = $id AND kind = 'cdp'" |
		grep -qx "$platform" || fail "$name: no CDP platform evidence"
done

# CDP-only Catalyst with its management address (tcpdump_3560_CDP.pcap).
row=$(q "SELECT mgmt_ip, vendor, model FROM inventory WHERE mac = '00:19:06:ea:b8:85'")
[ "$row" = "192.168.0.1|cisco|cisco WS-C3560G-24PS" ] || fail "3560G CDP: '$row'"

# LLDP with a management address and 802.3bt power (lldpd_8023bt.pcap).
row=$(q "SELECT mgmt_ip, sys_name, vendor FROM inventory WHERE mac = 'c0:64:e4:a9:9b:80'")
[ "$row" = "192.168.1.1|cisco-bt-switch|cisco" ] || fail "Catalyst 9K: '$row'"

# LLDP-MED inventory model (lldpd_sg200.pcap), malformed manufacturer survived.
q "SELECT model FROM inventory" | grep -qx 'SG 200-08P' || fail "SG200 model missing"

# ARP and DHCP hosts of tcpdump_eapon1.pcap with their addresses and names.
row=$(q "SELECT sys_name, vendor FROM inventory WHERE mac = '00:04:23:57:a5:7a'")
[ "$row" = "DJP95S0J|intel" ] || fail "DHCP client: '$row'"
id=$(q "SELECT element_id FROM inventory WHERE mac = '00:04:23:57:a5:7a'")
q "SELECT value FROM evidence WHERE element_id = $id AND kind = 'dhcp'" | grep -qx 'MSFT 5.0' ||
	fail "DHCP vendor class evidence missing"
[ "$(q "SELECT count(*) FROM element_address WHERE element_id = $id AND value = '192.168.1.249'")" = 1 ] ||
	fail "DHCP client address 192.168.1.249 missing"
id=$(q "SELECT element_id FROM inventory WHERE mac = '00:0d:88:4f:25:91'")
[ "$(q "SELECT count(*) FROM element_address WHERE element_id = $id AND value = '192.168.1.1'")" = 1 ] ||
	fail "ARP reply 192.168.1.1 is-at 00:0d:88:4f:25:91 missing"
[ "$(q "SELECT vendor FROM inventory WHERE element_id = $id")" = dlink ] || fail "D-Link vendor"

# ERSPAN: the Huawei sender outside the tunnel, the Cisco host inside it.
row=$(q "SELECT vendor, risk FROM inventory WHERE mac = '00:25:9e:81:b3:54'")
[ "$row" = "huawei|high" ] || fail "outer Huawei MAC: '$row'"
row=$(q "SELECT vendor, risk FROM inventory WHERE mac = '00:11:5c:3d:de:00'")
[ "$row" = "cisco|none" ] || fail "inner Cisco MAC: '$row'"

# No address claimed from 0.0.0.0 (CDP sends it as "no address").
[ "$(q "SELECT count(*) FROM element_address WHERE value IN ('0.0.0.0', '::')")" = 0 ] ||
	fail "unspecified addresses were stored"
scan=$(q "SELECT status, frames > 0 FROM scans")
[ "$scan" = "complete|1" ] || fail "scan row: '$scan'"

# The same files again: the database holds every MAC they show, with its
# addresses and LLDP, CDP and DHCP content, so nothing of that is news.
# It keeps no digest of fingerprints: the three hosts that sent some are
# told of once more, and no verdict changes.
before=$(q "SELECT count(*), max(seq) FROM audit")
"$vraudit" ingest --db "$db" --quiet "$caps"/*.pcap >"$tmp/out2" || fail "second ingest"
grep -q '^elements: *0 new, 3 updated$' "$tmp/out2" || fail "second ingest wrote: $(cat "$tmp/out2")"
[ "$(q "SELECT count(*) FROM audit WHERE kind = 'verdict' AND seq > ${before#*|}")" = 0 ] ||
	fail "the second ingest changed a verdict"
# It still says how many MACs the frames showed, not how many it knew.
[ "$(grep '^source MACs:' "$tmp/out2")" = "$(grep '^source MACs:' "$tmp/out")" ] ||
	fail "second ingest's MAC count: $(grep '^source MACs:' "$tmp/out2")"

# Malformed captures: decoded without a crash, undecodable frames counted by reason.
db=$tmp/m.db
"$vraudit" ingest --db "$db" --quiet "$caps"/malformed/*.pcap >"$tmp/out" 2>"$tmp/err" ||
	fail "malformed captures exited $?: $(cat "$tmp/err")"
grep -q '^frames: .*undecodable [1-9]' "$tmp/out" || fail "no undecodable count: $(cat "$tmp/out")"
grep -Eq '^  (truncated|bad-length|bad-tlv|unsupported|bad-header) +[0-9]+$' "$tmp/out" ||
	fail "no reasons listed: $(cat "$tmp/out")"

# A file that is not a capture and a truncated one are named; the good file
# between them is still ingested, and the truncated file's first frames kept.
db=$tmp/b.db
printf 'not a capture\n' >"$tmp/notes.pcap"
head -c 3000 "$caps/tcpdump_LLDP_and_CDP.pcap" >"$tmp/cut.pcap"
set +e
"$vraudit" ingest --db "$db" --quiet "$tmp/notes.pcap" "$caps/tcpdump_eapon1.pcap" "$tmp/cut.pcap" \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
[ $rc -eq 3 ] || fail "broken files: exit $rc, not 3"
grep -q "notes.pcap: not a capture file" "$tmp/err" || fail "not-a-capture not named: $(cat "$tmp/err")"
grep -q "cut.pcap: truncated" "$tmp/err" || fail "truncation not named: $(cat "$tmp/err")"
grep -q '^files: *1 read, 2 failed$' "$tmp/out" || fail "summary: $(cat "$tmp/out")"
[ "$(q "SELECT count(*) FROM inventory WHERE mac = '00:04:23:57:a5:7a'")" = 1 ] ||
	fail "the good file between broken ones was not ingested"
[ "$(q "SELECT count(*) FROM inventory WHERE mac = '00:18:ba:98:68:8f'")" = 1 ] ||
	fail "frames before the truncation were lost"
[ "$(q "SELECT status FROM scans")" = failed ] || fail "a scan with errors must not say complete"
q "SELECT detail FROM scans" | grep -q 'notes.pcap' || fail "scan detail does not name the bad file"

# Zones: an address inside a [zone] subnet decides; --zone covers the rest.
db=$tmp/z.db
cat >"$tmp/z.conf" <<CONF
[zone access]
subnets = 192.168.1.0/24
CONF
"$vraudit" ingest -c "$tmp/z.conf" --db "$db" --zone mirror --quiet "$caps/tcpdump_eapon1.pcap" >/dev/null ||
	fail "ingest with zones"
[ "$(q "SELECT zone FROM inventory WHERE mac = '00:0d:88:4f:25:91'")" = access ] ||
	fail "ARP host 192.168.1.1 not in zone access"
[ "$(q "SELECT zone FROM inventory WHERE mac = '00:0c:ce:88:31:9a'")" = mirror ] ||
	fail "host without an address not in the --zone zone"

# A change of the vendor rules redoes stored verdicts at the next start,
# also of elements the new run does not see.
db=$tmp/r.db
"$vraudit" ingest --db "$db" --quiet "$caps/tcpdump_LLDP_and_CDP.pcap" >/dev/null || fail "ingest for reclassify"
[ "$(q "SELECT risk FROM inventory WHERE sys_name = 'S1.cisco.com'")" = none ] || fail "Cisco not risk none"
printf '[vendor cisco]\nrisk = watch\n' >"$tmp/vendors.conf"
printf '[registry]\nvendors = %s\n' "$tmp/vendors.conf" >"$tmp/r.conf"
"$vraudit" ingest -c "$tmp/r.conf" --db "$db" --quiet "$caps/tcpdump_dhcp-rfc3004.pcap" >/dev/null ||
	fail "ingest with an operator vendors file"
[ "$(q "SELECT risk FROM inventory WHERE sys_name = 'S1.cisco.com'")" = watch ] ||
	fail "stored Cisco element not reclassified under the new rules"

# The same frames two hours later: each host's last-seen time is due for
# a refresh, and no verdict changes.
db=$tmp/a.db
python3 - "$caps/tcpdump_LLDP_and_CDP.pcap" "$tmp/later.pcap" <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
assert struct.unpack('<I', data[:4])[0] == 0xa1b2c3d4
out, off = bytearray(data[:24]), 24
while off + 16 <= len(data):
    sec, usec, incl, orig = struct.unpack('<IIII', data[off:off + 16])
    out += struct.pack('<IIII', sec + 7200, usec, incl, orig) + data[off + 16:off + 16 + incl]
    off += 16 + incl
open(sys.argv[2], 'wb').write(out)
PY
seen=$(q "SELECT last_seen FROM inventory WHERE mac = '00:18:ba:98:68:8f'")
"$vraudit" ingest --db "$db" "$tmp/later.pcap" >"$tmp/later" 2>"$tmp/err" || fail "later ingest: $(cat "$tmp/err")"
grep -q '^elements: *0 new, [1-9][0-9]* updated$' "$tmp/later" || fail "later ingest: $(cat "$tmp/later")"
[ "$(q "SELECT last_seen > '$seen' FROM inventory WHERE mac = '00:18:ba:98:68:8f'")" = 1 ] ||
	fail "S1's last-seen time was not refreshed"
[ "$(q "SELECT count(*) FROM audit WHERE kind = 'verdict' AND seq > ${before#*|}")" = 0 ] ||
	fail "a refresh changed a verdict"

# More MACs than the long queue of news is for (an eighth of the 1M the MAC
# table holds): past 125,000 the queue turns short and gives its memory
# back. Every MAC is stored once, the audit chain holds, and the same file
# again is no news.
"$build/tests/bench/gen_capture" "$tmp/many.pcap" 280000 140000 >/dev/null
db=$tmp/many.db
"$vraudit" ingest --db "$db" "$tmp/many.pcap" >"$tmp/out" 2>"$tmp/err" ||
	fail "ingest of 140,000 MACs exited $?: $(cat "$tmp/err")"
grep -q '^elements: *140000 new, 0 updated$' "$tmp/out" || fail "140,000 MACs: $(cat "$tmp/out")"
[ "$(q "SELECT count(*), count(DISTINCT mac) FROM inventory")" = "140000|140000" ] ||
	fail "140,000 MACs: inventory $(q "SELECT count(*), count(DISTINCT mac) FROM inventory")"
"$vraudit" verify --db "$db" >"$tmp/out" 2>&1 || fail "verify after 140,000 MACs: $(cat "$tmp/out")"
"$vraudit" ingest --db "$db" "$tmp/many.pcap" >"$tmp/out" 2>"$tmp/err" ||
	fail "ingest of 140,000 known MACs exited $?: $(cat "$tmp/err")"
grep -q '^elements: *0 new, 0 updated$' "$tmp/out" || fail "140,000 known MACs: $(cat "$tmp/out")"
rm -f "$tmp/many.pcap"

# On a terminal: progress per file, then word that the news is being
# stored, then the summary; --quiet shows neither.
script -qec "$vraudit ingest --db $tmp/tty.db $caps/tcpdump_LLDP_and_CDP.pcap" /dev/null \
	| tr '\r' '\n' >"$tmp/tty" || fail "ingest on a terminal: $(cat "$tmp/tty")"
grep -q '^/.*/tcpdump_LLDP_and_CDP.pcap: 100% 12 frames$' "$tmp/tty" ||
	fail "no progress on a terminal: $(cat "$tmp/tty")"
sed -n '/100% 12 frames/,$p' "$tmp/tty" | grep -q '^storing what is new\.\.\.$' ||
	fail "no word of storing after the progress: $(cat "$tmp/tty")"
sed -n '/^storing what is new/,$p' "$tmp/tty" | grep -q '^elements: *2 new, 0 updated$' ||
	fail "no summary after storing: $(cat "$tmp/tty")"
script -qec "$vraudit ingest --quiet --db $tmp/tty.db $caps/tcpdump_LLDP_and_CDP.pcap" /dev/null \
	| tr '\r' '\n' >"$tmp/tty"
grep -q '100%\|storing' "$tmp/tty" && fail "--quiet on a terminal: $(cat "$tmp/tty")"

# A broken operator vendors file: told by file and line, before anything
# is read or the database is created.
printf '[vendor acme\nname = Acme\n' >"$tmp/broken-vendors.conf"
printf '[registry]\nvendors = %s\n' "$tmp/broken-vendors.conf" >"$tmp/b.conf"
rc=0
"$vraudit" ingest -c "$tmp/b.conf" --db "$tmp/never.db" "$caps/tcpdump_LLDP_and_CDP.pcap" >/dev/null 2>"$tmp/err" || rc=$?
[ $rc -eq 3 ] || fail "broken vendors file: exit $rc"
grep -q "broken-vendors.conf:1:" "$tmp/err" || fail "broken vendors file: $(cat "$tmp/err")"
[ ! -e "$tmp/never.db" ] || fail "a broken vendors file created the database"

# Usage errors.
set +e
"$vraudit" ingest --db "$db" 2>/dev/null; rc=$?
set -e
[ $rc -eq 2 ] || fail "no file: exit $rc, not 2"
echo ok
