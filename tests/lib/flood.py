#!/usr/bin/env python3
"""Write a mirror-port flood as a classic pcap file: FRAMES small frames
(60 bytes, IPv4/UDP, the smallest Ethernet frame) from MACS source MACs,
with SPEAKERS LLDP advertisements from as many other switches spread evenly
among them, and ARPS ARP requests from as many other hosts. Each switch is
named ctl-sw-NNNNN (its chassis MAC 00:e0:fc:NN:NN:NN, a Huawei OUI); each
ARP sender is 02:aa:NN:NN:NN:NN asking from 10.200.x.y. The flood's own
MACs are 02:00:NN:NN:NN:NN (locally administered), all unicast.

Deterministic: the same arguments write the same bytes. Addresses in it are
data, never contacted. --start EPOCH moves its first frame to that time
(2026-11-27T23:00:00Z by default); --shift K gives ARP sender i the address
of sender i + K (the same hosts, each with a new address: DHCP churn).

usage: python3 tests/lib/flood.py [--start EPOCH] [--shift K] OUT.pcap FRAMES MACS SPEAKERS [ARPS]
"""
import struct
import sys


def lldp(i):
    src = b"\x00\xe0\xfc" + i.to_bytes(3, "big")
    name = b"ctl-sw-%05d" % i

    def tlv(t, v):
        return struct.pack("!H", t << 9 | len(v)) + v

    p = tlv(1, b"\x04" + src) + tlv(2, b"\x05" + b"ge0/0/1") + tlv(3, b"\x00\x78")
    p += tlv(5, name) + tlv(6, b"Huawei Versatile Routing Platform Software")
    p += tlv(0, b"")
    return b"\x01\x80\xc2\x00\x00\x0e" + src + b"\x88\xcc" + p


SHIFT = 0


def arp(i):
    src = b"\x02\xaa" + i.to_bytes(4, "big")
    a = i + SHIFT
    spa = bytes([10, 200 + ((a >> 16) & 0x3F), (a >> 8) & 0xFF, a & 0xFF])
    a = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + src + spa + b"\0" * 6 + bytes([10, 200, 0, 1])
    f = b"\xff" * 6 + src + b"\x08\x06" + a
    return f + b"\0" * (60 - len(f))


def small(i, macs):
    m = i % macs
    src = b"\x02\x00" + m.to_bytes(4, "big")
    dst = b"\x02\x01\x00\x00\x00\x01"
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 32, 0, 0, 64, 17, 0,
                     bytes([10, 100, (m >> 8) & 0xFF, m & 0xFF]), bytes([10, 101, 0, 1]))
    udp = struct.pack("!HHHH", 40000, 9, 12, 0) + b"\0" * 4
    f = dst + src + b"\x08\x00" + ip + udp
    return f + b"\0" * (60 - len(f))


def main():
    args = sys.argv[1:]
    t = 1795820400
    global SHIFT
    while len(args) > 2 and args[0] in ("--start", "--shift") and args[1].isdigit():
        if args[0] == "--start":
            t = int(args[1])
        else:
            SHIFT = int(args[1])
        args = args[2:]
    if len(args) not in (4, 5):
        sys.exit("usage: " + __doc__.strip().splitlines()[-1].split(": ", 1)[1])
    out = args[0]
    frames, macs, speakers = (int(x) for x in args[1:4])
    arps = int(args[4]) if len(args) == 5 else 0
    extra = speakers + arps
    every = max(1, frames // (extra + 1))
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        n = s = a = 0
        for i in range(frames):
            pkts = [small(i, macs)]
            if i % every == every - 1 and s + a < extra:
                if s < speakers:
                    pkts.append(lldp(s))
                    s += 1
                else:
                    pkts.append(arp(a))
                    a += 1
            for p in pkts:
                f.write(struct.pack("<IIII", t + n // 1000000, n % 1000000, len(p), len(p)))
                f.write(p)
                n += 1
        rest = [lldp(k) for k in range(s, speakers)] + [arp(k) for k in range(a, arps)]
        for p in rest:
            f.write(struct.pack("<IIII", t + n // 1000000, n % 1000000, len(p), len(p)))
            f.write(p)
            n += 1


if __name__ == "__main__":
    main()
