#!/usr/bin/env python3
"""Write the lab's mirror-port capture: a classic pcap file with the LLDP,
CDP, DHCP and ARP frames of elements that answer no SNMP (CPEs and ONTs of
the fixed-access network, IP phones, cameras, a handset), as a mirror port of
the operator's access and management networks would show them.

The file is the same byte for byte on every run: fixed timestamps, no
randomness. Addresses in it (10.x) are data and are never contacted.
--start EPOCH moves its first frame to that time (scripts/lab.sh gives the
time after its sweep, so that the capture is the mirror port heard after
the baseline, as it would be on a live network).

usage: python3 scripts/lab-capture.py [--start EPOCH] OUT.pcap
"""
import struct
import sys

T0 = 1795820400  # 2026-11-27T23:00:00Z, the capture's first frame


def mac(text):
    return bytes.fromhex(text.replace(":", ""))


def ip4(text):
    return bytes(int(x) for x in text.split("."))


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def pad(frame):
    return frame + b"\0" * max(0, 60 - len(frame))


# ------------------------------------------------------------------ LLDP
def lldp_tlv(t, value):
    return struct.pack("!H", t << 9 | len(value)) + value


def lldp(src, sys_name, sys_descr, port, mgmt_ip=None, med=None, caps=0x0004):
    """An LLDPDU from src, chassis ID its MAC; med: LLDP-MED inventory."""
    p = lldp_tlv(1, b"\x04" + mac(src))
    p += lldp_tlv(2, b"\x05" + port.encode())
    p += lldp_tlv(3, struct.pack("!H", 120))
    p += lldp_tlv(5, sys_name.encode())
    p += lldp_tlv(6, sys_descr.encode())
    p += lldp_tlv(7, struct.pack("!HH", caps, caps))
    if mgmt_ip:
        addr = b"\x01" + ip4(mgmt_ip)
        p += lldp_tlv(8, bytes([len(addr)]) + addr + b"\x02" + struct.pack("!I", 1) + b"\x00")
    for subtype, value in (med or {}).items():
        p += lldp_tlv(127, b"\x00\x12\xbb" + bytes([subtype]) + value.encode())
    p += lldp_tlv(0, b"")
    return pad(mac("01:80:c2:00:00:0e") + mac(src) + b"\x88\xcc" + p)


MED_HW, MED_FW, MED_SW, MED_SERIAL, MED_MFG, MED_MODEL = 5, 6, 7, 8, 9, 10


# ------------------------------------------------------------------- CDP
def cdp_tlv(t, value):
    return struct.pack("!HH", t, 4 + len(value)) + value


def cdp(src, device_id, port, version, platform, address):
    addr = struct.pack("!I", 1) + b"\x01\x01\xcc" + struct.pack("!H", 4) + ip4(address)
    body = cdp_tlv(1, device_id.encode())
    body += cdp_tlv(2, addr)
    body += cdp_tlv(3, port.encode())
    body += cdp_tlv(4, struct.pack("!I", 0x490))  # host, IGMP, phone
    body += cdp_tlv(5, version.encode())
    body += cdp_tlv(6, platform.encode())
    pdu = b"\x02\xb4\x00\x00" + body
    pdu = pdu[:2] + struct.pack("!H", checksum(pdu)) + pdu[4:]
    llc = b"\xaa\xaa\x03\x00\x00\x0c\x20\x00" + pdu
    return pad(mac("01:00:0c:cc:cc:cc") + mac(src) + struct.pack("!H", len(llc)) + llc)


# ------------------------------------------------------------------- ARP
def arp(src, sender_ip, target_ip):
    a = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1)
    a += mac(src) + ip4(sender_ip) + b"\0" * 6 + ip4(target_ip)
    return pad(b"\xff" * 6 + mac(src) + b"\x08\x06" + a)


# ------------------------------------------------------------------ DHCP
def dhcp_request(src, xid, requested_ip, host_name, vendor_class):
    opts = b"\x35\x01\x03"  # DHCPREQUEST
    opts += b"\x3d\x07\x01" + mac(src)
    opts += b"\x32\x04" + ip4(requested_ip)
    opts += bytes([12, len(host_name)]) + host_name.encode()
    opts += bytes([60, len(vendor_class)]) + vendor_class.encode()
    opts += b"\x37\x04\x01\x03\x06\x0f\xff"
    bootp = struct.pack("!BBBBIHH", 1, 1, 6, 0, xid, 0, 0x8000)
    bootp += b"\0" * 16 + mac(src) + b"\0" * 10 + b"\0" * 192
    bootp += b"\x63\x82\x53\x63" + opts
    udp = struct.pack("!HHHH", 68, 67, 8 + len(bootp), 0) + bootp
    iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), xid & 0xFFFF, 0, 64, 17, 0,
                      ip4("0.0.0.0"), ip4("255.255.255.255"))
    iph = iph[:10] + struct.pack("!H", checksum(iph)) + iph[12:]
    return pad(b"\xff" * 6 + mac(src) + b"\x08\x00" + iph + udp)


def frames():
    """(seconds after T0, frame) in capture order."""
    out = []

    def at(t, f):
        out.append((t, f))

    # Fixed access (10.50.0.0/16): a Huawei CPE, a ZTE ONT, a Nokia ONT.
    hw_cpe = "30:fb:b8:e4:01:11"
    at(0, dhcp_request(hw_cpe, 0x5A3C0001, "10.50.4.11", "HG8245H-cpe-0411", "HUAWEI:HG8245H"))
    at(1, arp(hw_cpe, "10.50.4.11", "10.50.0.1"))
    zte_ont = "08:60:83:e4:02:22"
    at(2, lldp(zte_ont, "ont-f670l-0192", "ZTE F670L GPON ONT, Version V9.0.11P1N8", "pon-0/1",
               "10.50.4.22"))
    at(3, dhcp_request(zte_ont, 0x5A3C0002, "10.50.4.22", "ont-f670l-0192", "F670L"))
    nokia_ont = "40:55:82:e4:03:33"
    at(4, lldp(nokia_ont, "ont-g240w-0077", "Nokia G-240W-F GPON ONT, 3FE49362JJIJ50",
               "veip-1", "10.50.4.33",
               med={MED_MFG: "Nokia", MED_MODEL: "G-240W-F", MED_SW: "3FE49362JJIJ50",
                    MED_SERIAL: "ALCLB1C2D3E4"}))
    at(5, arp(nokia_ont, "10.50.4.33", "10.50.0.1"))

    # Management network (10.40.0.0/16): Cisco phones, cameras, a handset.
    phones = [("f4:bd:9e:71:00:01", "SEPF4BD9E710001", "10.40.3.21", "CP-8845"),
              ("f4:bd:9e:71:00:02", "SEPF4BD9E710002", "10.40.3.22", "CP-7841")]
    for i, (m, name, addr, model) in enumerate(phones):
        at(10 + i, cdp(m, name, "Port 1", "sip88xx.14-1-1-0001-136", "Cisco IP Phone " + model[3:],
                       addr))
        at(12 + i, lldp(m, name, "Cisco IP Phone " + model[3:] + ", V1, sip88xx.14-1-1-0001-136",
                        name + ":P1", addr, caps=0x0024,
                        med={MED_MFG: "Cisco Systems, Inc.", MED_MODEL: model,
                             MED_SW: "sip88xx.14-1-1-0001-136", MED_SERIAL: "FCH2214A%03d" % i}))
        at(14 + i, dhcp_request(m, 0x5A3C0010 + i, addr, name,
                                "Cisco Systems, Inc. IP Phone " + model))
    # A camera known only by its DHCP vendor class and its MAC.
    hik = "44:47:cc:52:00:41"
    at(20, dhcp_request(hik, 0x5A3C0020, "10.40.7.41", "DS-2CD2386G2-ISU", "Hikvision IPC"))
    at(21, arp(hik, "10.40.7.41", "10.40.0.1"))
    # A Dahua camera that only ever ARPs.
    at(22, arp("08:ed:ed:52:00:42", "10.40.7.42", "10.40.0.1"))
    # A handset made by Honor, not Huawei since November 2020.
    at(23, dhcp_request("90:ff:d6:52:00:51", 0x5A3C0030, "10.40.9.51", "HONOR-Magic5-Pro",
                        "android-dhcp-13"))

    # The same speakers again a minute later: news only once.
    again = [(t + 60, f) for t, f in out]
    return sorted(out + again, key=lambda tf: tf[0])


def main():
    args = sys.argv[1:]
    start = T0
    if len(args) == 3 and args[0] == "--start" and args[1].isdigit():
        start = int(args[1])
        args = args[2:]
    if len(args) != 1:
        sys.exit("usage: lab-capture.py [--start EPOCH] OUT.pcap")
    with open(args[0], "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, (t, frame) in enumerate(frames()):
            f.write(struct.pack("<IIII", start + t, i * 1000, len(frame), len(frame)))
            f.write(frame)


if __name__ == "__main__":
    main()
