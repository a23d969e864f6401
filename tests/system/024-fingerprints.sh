#!/usr/bin/env bash
# vraudit ingest of a capture where devices are seen only by what they say
# of themselves in clear text: an SSH banner, an HTTP Server header, a TLS
# certificate (IPv4 and IPv6). Their MACs are locally administered, so no
# registry names their maker: the fingerprint alone must. Generic servers
# (OpenSSH, nginx) name no one, an SSH client's banner is not its
# server's, and a banner a router forwarded names neither the router nor
# anyone else.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
require sqlite3 python3

python3 - "$tmp/fp.pcap" <<'PY'
import struct, sys

def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def mac(n):
    return bytes([0x02, 0, 0, 0, 0, n])

def tcp(sport, dport, flags, payload):
    return struct.pack('!HHIIBBHHH', sport, dport, 1, 0, 0x50, flags,
                       65535, 0, 0) + payload

def ipv4(src, dst, ttl, proto, seg):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(seg), 0, 0, ttl,
                    proto, 0, bytes(src), bytes(dst))
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return b'\x08\x00' + h + seg

def ipv6(src, dst, hops, proto, seg):
    return b'\x86\xdd' + struct.pack('!IHBB16s16s', 0x60000000, len(seg),
                                     proto, hops, bytes(src), bytes(dst)) + seg

def eth(dst, src, rest):
    return dst + src + rest

def der(tag, content):
    n = len(content)
    if n < 128:
        return bytes([tag, n]) + content
    l = n.to_bytes((n.bit_length() + 7) // 8, 'big')
    return bytes([tag, 0x80 | len(l)]) + l + content

def name(o, cn):
    def atv(oid, v):
        return der(0x31, der(0x30, der(0x06, oid) + der(0x0c, v.encode())))
    return der(0x30, atv(b'\x55\x04\x0a', o) + atv(b'\x55\x04\x03', cn))

def certificate(o, cn):
    tbs = der(0x30, der(0xa0, der(0x02, b'\x02')) + der(0x02, b'\x01') +
              der(0x30, der(0x06, b'\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0b')) +
              name(o, cn) +
              der(0x30, der(0x17, b'250101000000Z') * 2) + name(o, cn) +
              der(0x30, b''))
    return der(0x30, tbs + der(0x30, der(0x06, b'\x2a')) + der(0x03, b'\0'))

def tls_certificate(cert):
    body = len(cert).to_bytes(3, 'big') + cert
    body = len(body).to_bytes(3, 'big') + body
    hs = b'\x0b' + len(body).to_bytes(3, 'big') + body
    hello = b'\x02' + (38).to_bytes(3, 'big') + b'\x03\x03' + bytes(32) + \
        b'\x00\x00\x2f\x00'
    rec = hello + hs
    return b'\x16\x03\x03' + struct.pack('!H', len(rec)) + rec

gw = mac(0xfe)
frames = []
def add(f):
    frames.append(f)

v4 = lambda n: [10, 0, 0, n]
v6 = lambda n: [0xfe, 0x80] + [0] * 13 + [n]

# 1: an SSH server naming its maker; the client (9) opened the connection
# on a port other than 22, then both sent their banners.
add(eth(mac(1), mac(9), ipv4(v4(9), v4(1), 64, 6, tcp(50000, 2222, 0x02, b''))))
add(eth(mac(9), mac(1), ipv4(v4(1), v4(9), 64, 6, tcp(2222, 50000, 0x12, b''))))
add(eth(mac(1), mac(9), ipv4(v4(9), v4(1), 64, 6,
    tcp(50000, 2222, 0x18, b'SSH-2.0-OpenSSH_8.9p1 Ubuntu-3\r\n'))))
add(eth(mac(9), mac(1), ipv4(v4(1), v4(9), 64, 6,
    tcp(2222, 50000, 0x18, b'SSH-2.0-HUAWEI-1.5\r\n'))))
# 2: a web server over IPv6.
add(eth(mac(9), mac(2), ipv6(v6(2), v6(9), 64, 6, tcp(80, 50001, 0x18,
    b'HTTP/1.1 200 OK\r\nServer: ZTE web server 1.0 ZTE corp 2015.\r\n'
    b'Content-Length: 0\r\n\r\n'))))
# 3: a TLS 1.2 server and its factory certificate.
add(eth(mac(9), mac(3), ipv4(v4(3), v4(9), 255, 6, tcp(443, 50002, 0x18,
    tls_certificate(certificate('Cisco Systems', 'router.example'))))))
# 4: RouterOS's SSH server.
add(eth(mac(9), mac(4), ipv4(v4(4), v4(9), 64, 6, tcp(22, 50003, 0x18,
    b'SSH-2.0-ROSSSH\r\n'))))
# 5: generic servers name no maker.
add(eth(mac(9), mac(5), ipv4(v4(5), v4(9), 64, 6, tcp(22, 50004, 0x18,
    b'SSH-2.0-OpenSSH_7.4\r\n'))))
add(eth(mac(9), mac(5), ipv4(v4(5), v4(9), 64, 6, tcp(80, 50005, 0x18,
    b'HTTP/1.1 404 Not Found\r\nServer: nginx/1.18.0\r\n\r\n'))))
# The gateway forwards a banner from a server two hops away (TTL 62).
add(eth(mac(9), gw, ipv4([192, 0, 2, 7], v4(9), 62, 6, tcp(22, 50006, 0x18,
    b'SSH-2.0-HUAWEI-1.5\r\n'))))

out = bytearray(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
for i, f in enumerate(frames):
    if len(f) < 60:
        f += bytes(60 - len(f))
    out += struct.pack('<IIII', 1767225600 + i, 0, len(f), len(f)) + f
open(sys.argv[1], 'wb').write(out)
PY

db=$tmp/fp.db
"$vraudit" ingest --db "$db" "$tmp/fp.pcap" >"$tmp/out" 2>"$tmp/err" ||
	fail "ingest exited $?: $(cat "$tmp/err")"
grep -q '^fingerprints: ssh 5, http 2, tls 1, ssdp 0, mdns 0; 1 routed$' "$tmp/out" ||
	fail "fingerprint counts: $(cat "$tmp/out")"

"$vraudit" elements --db "$db" --format csv >"$tmp/elements" ||
	fail "elements exited $?"
vendor_of() {
	python3 - "$tmp/elements" "$1" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
hit = [r for r in rows if r['mac'] == sys.argv[2]]
print(hit[0]['vendor'] + '|' + hit[0]['risk'] if hit else 'absent')
PY
}
for want in "02:00:00:00:00:01|huawei|high" "02:00:00:00:00:02|zte|high" \
	"02:00:00:00:00:03|cisco|none" "02:00:00:00:00:04|mikrotik|none" \
	"02:00:00:00:00:05||unknown" "02:00:00:00:00:09||unknown" \
	"02:00:00:00:00:fe||unknown"; do
	mac=${want%%|*}
	got=$(vendor_of "$mac")
	[ "$got" = "${want#*|}" ] || fail "$mac: '$got', want '${want#*|}'"
done

# The evidence says what was seen, and the server's address comes with it.
id() { q "SELECT element_id FROM inventory WHERE mac = '$1'"; }
[ "$(q "SELECT value || '|' || strength FROM evidence
	WHERE element_id = $(id 02:00:00:00:00:01) AND kind = 'ssh'")" = "SSH-2.0-HUAWEI-1.5|0.6" ] ||
	fail "SSH server evidence"
[ "$(q "SELECT count(*) FROM evidence WHERE kind = 'ssh' AND value LIKE '%OpenSSH_8.9%'")" = 0 ] ||
	fail "the client's banner was taken for a server's"
[ "$(q "SELECT value FROM evidence
	WHERE element_id = $(id 02:00:00:00:00:03) AND kind = 'tls'")" = "subject O=Cisco Systems" ] ||
	fail "TLS evidence: $(q "SELECT kind, value FROM evidence WHERE element_id = $(id 02:00:00:00:00:03)")"
q "SELECT value FROM element_address WHERE element_id = $(id 02:00:00:00:00:02) AND kind = 'ipv6'" |
	grep -qx 'fe80::2' || fail "the web server's IPv6 address is missing"
[ "$(q "SELECT count(*) FROM evidence WHERE kind = 'ssh' AND
	element_id = $(id 02:00:00:00:00:fe)")" = 0 ] || fail "a forwarded banner named the gateway"
"$vraudit" elements --db "$db" --vendor huawei | grep -q '02:00:00:00:00:01' ||
	fail "elements --vendor huawei: $("$vraudit" elements --db "$db")"
