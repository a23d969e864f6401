#!/usr/bin/env python3
"""Write the lab's SNMP agent data files (conf/lab/agents/*.snmprec).

Each file is named ADDRESS_SYSNAME.snmprec; scripts/lab.sh serves it on
ADDRESS, port 16100. The files are committed: run this only after changing
the network below, and commit what it writes.

Every address outside 127.0.0.0/8 (LLDP and CDP management addresses, ARP
entries) is data: the sweep records it and never contacts it.

usage: python3 conf/lab/make-agents.py [OUTDIR]
"""
import os
import sys

# MAC blocks (IEEE MA-L, ieee-data 2022-08) of each maker.
OUI = {
    "huawei": "30fbb8", "huawei2": "00259e", "zte": "086083", "zte2": "e01954",
    "hikvision": "4447cc", "dahua": "08eded", "h3c": "5098b8",
    "ericsson": "549b72", "nokia": "ac8fa9", "nokia2": "405582",
    "cisco": "f4bd9e", "juniper": "94f7ad", "arista": "30862d",
    "paloalto": "d4f4be", "ciena": "144e2a", "dell": "98e743",
    "hpe": "4caea3", "aruba": "883a30", "hytera": "6469bc",
    "microsemi": "00a087",
}


def mac(block, n):
    """The n-th MAC of a vendor's block, as 12 hex digits."""
    return OUI[block] + "%06x" % n


def hexstr(text):
    return text.encode("utf-8").hex()


def ipbytes(ip):
    return "".join("%02x" % int(x) for x in ip.split("."))


class Agent:
    def __init__(self, addr, name):
        self.addr, self.name, self.rows = addr, name, []

    def add(self, oid, typ, val):
        self.rows.append((oid, typ, val))

    def text(self, oid, val):
        # CR/LF and non-ASCII text goes hex-encoded (type 4x).
        if any(c in val for c in "\r\n|") or not val.isascii():
            self.add(oid, "4x", hexstr(val))
        else:
            self.add(oid, "4", val)

    def system(self, descr, objid, location, uptime=4242424, contact="noc@lab.example"):
        self.text("1.3.6.1.2.1.1.1.0", descr)
        self.add("1.3.6.1.2.1.1.2.0", "6", objid)
        self.add("1.3.6.1.2.1.1.3.0", "67", str(uptime))
        self.add("1.3.6.1.2.1.1.4.0", "4", contact)
        self.add("1.3.6.1.2.1.1.5.0", "4", self.name)
        self.add("1.3.6.1.2.1.1.6.0", "4", location)
        self.add("1.3.6.1.2.1.1.7.0", "2", "6")

    def interfaces(self, block, first, count):
        for i in range(count):
            self.add("1.3.6.1.2.1.2.2.1.6.%d" % (i + 1), "4x", mac(block, first + i))

    def entity(self, descr, mfg, model, serial, software, modules=()):
        """Chassis row 1 (class 3, contained in 0) and module rows."""
        rows = [(1, descr, 0, 3, software, serial, mfg, model)]
        for i, (d, cls, m, mdl, sn) in enumerate(modules):
            rows.append((i + 2, d, 1, cls, "", sn, m, mdl))
        for idx, d, cont, cls, sw, sn, m, mdl in rows:
            base = "1.3.6.1.2.1.47.1.1.1.1."
            self.text(base + "2.%d" % idx, d)
            self.add(base + "4.%d" % idx, "2", str(cont))
            self.add(base + "5.%d" % idx, "2", str(cls))
            if sw:
                self.add(base + "10.%d" % idx, "4", sw)
            self.add(base + "11.%d" % idx, "4", sn)
            self.add(base + "12.%d" % idx, "4", m)
            self.add(base + "13.%d" % idx, "4", mdl)

    def lldp_local(self, chassis_mac):
        self.add("1.0.8802.1.1.2.1.3.1.0", "2", "4")
        self.add("1.0.8802.1.1.2.1.3.2.0", "4x", chassis_mac)

    def lldp(self, port, index, chassis_mac, port_id, sysname, sysdesc, mgmt_ip=None):
        """A remote system seen on local port `port` (chassis ID a MAC)."""
        base = "1.0.8802.1.1.2.1.4.1.1."
        key = "0.%d.%d" % (port, index)
        self.add(base + "4." + key, "2", "4")
        self.add(base + "5." + key, "4x", chassis_mac)
        self.add(base + "6." + key, "2", "5")
        self.add(base + "7." + key, "4", port_id)
        self.add(base + "9." + key, "4", sysname)
        self.text(base + "10." + key, sysdesc)
        if mgmt_ip:
            self.add("1.0.8802.1.1.2.1.4.2.1.3.%s.1.4.%s" % (key, mgmt_ip), "2", "2")

    def cdp(self, ifindex, index, ip, version, device_id, port, platform):
        base = "1.3.6.1.4.1.9.9.23.1.2.1.1."
        key = "%d.%d" % (ifindex, index)
        self.add(base + "3." + key, "2", "1")
        self.add(base + "4." + key, "4x", ipbytes(ip))
        self.text(base + "5." + key, version)
        self.add(base + "6." + key, "4", device_id)
        self.add(base + "7." + key, "4", port)
        self.add(base + "8." + key, "4", platform)

    def arp(self, ifindex, ip, mac_hex):
        self.add("1.3.6.1.2.1.4.22.1.2.%d.%s" % (ifindex, ip), "4x", mac_hex)

    def write(self, outdir):
        rows = sorted(self.rows, key=lambda r: [int(x) for x in r[0].split(".")])
        oids = [r[0] for r in rows]
        assert len(set(oids)) == len(oids), self.name + ": duplicate OID"
        path = os.path.join(outdir, "%s_%s.snmprec" % (self.addr, self.name))
        with open(path, "w") as f:
            for oid, typ, val in rows:
                f.write("%s|%s|%s\n" % (oid, typ, val))


def network():
    agents = []

    def agent(addr, name):
        a = Agent(addr, name)
        agents.append(a)
        return a

    # ------------------------------------------------------------ 5G core
    a = agent("127.0.10.1", "core-rtr-1")
    a.system("Cisco IOS XR Software (ASR9K), Version 7.5.2\r\n"
             "Copyright (c) 2013-2022 by Cisco Systems, Inc.",
             "1.3.6.1.4.1.9.1.2658", "London DC1, hall A, row 3")
    a.interfaces("cisco", 0x1a0101, 4)
    a.entity("ASR 9906 4 Line Card Slot Chassis", "Cisco Systems, Inc.", "ASR-9906",
             "FOX2213P0AB", "7.5.2",
             [("A9K-RSP5-SE route switch processor", 9, "Cisco Systems, Inc.", "A9K-RSP5-SE", "FOC2214N1CD")])
    a.cdp(3, 1, "10.10.0.21", "Cisco IOS XR Software, Version 7.3.2", "core-pe-4.lab.example",
          "HundredGigE0/0/0/1", "cisco NCS-5501-SE")
    a.cdp(4, 2, "10.10.0.22",
          "Huawei Versatile Routing Platform Software\nVRP (R) software, Version 8.210 (NE8000 M14 V800R021C10SPC600)",
          "core-pe-3", "100GE1/0/0", "HUAWEI NE8000 M14")
    a.arp(3, "10.10.0.21", mac("cisco", 0x2b0001))
    a.arp(4, "10.10.0.22", mac("huawei", 0x7e0001))

    a = agent("127.0.10.2", "core-rtr-2")
    a.system("Juniper Networks, Inc. mx960 internet router, kernel JUNOS 21.4R3-S2.3, "
             "Build date: 2022-10-12 03:20:05 UTC Copyright (c) 1996-2022 Juniper Networks, Inc.",
             "1.3.6.1.4.1.2636.1.1.1.2.25", "London DC1, hall A, row 4")
    a.interfaces("juniper", 0x220101, 4)
    a.entity("MX960 midplane", "Juniper Networks", "CHAS-BP3-MX960-S", "JN12A4B6CAFA", "21.4R3-S2.3",
             [("RE-S-X6-64G routing engine", 9, "Juniper Networks", "RE-S-X6-64G-S", "9009187654")])
    a.lldp_local(mac("juniper", 0x220100))
    a.lldp(5, 1, mac("cisco", 0x2b0001), "HundredGigE0/0/0/2", "core-pe-4.lab.example",
           "Cisco IOS XR Software, Version 7.3.2", "10.10.0.21")

    a = agent("127.0.10.3", "core-upf-1")
    a.system("TiMOS-C-22.10.R1 cpm/hops64 Nokia 7750 SR Copyright (c) 2000-2022 Nokia.\r\n"
             "All rights reserved. All use subject to applicable license agreements.",
             "1.3.6.1.4.1.6527.1.3.17", "London DC1, hall B, row 1")
    a.interfaces("nokia", 0x3a0101, 3)
    a.entity("7750 SR-7s chassis", "Nokia", "3HE11278AA", "NS2030F0123", "TiMOS-C-22.10.R1")

    a = agent("127.0.10.4", "core-upf-2")
    a.system("TiMOS-C-22.10.R1 cpm/hops64 Nokia 7750 SR Copyright (c) 2000-2022 Nokia.\r\n"
             "All rights reserved. All use subject to applicable license agreements.",
             "1.3.6.1.4.1.6527.1.3.17", "Manchester DC2, hall 1, row 2")
    a.interfaces("nokia", 0x3a0201, 3)
    a.entity("7750 SR-7s chassis", "Nokia", "3HE11278AA", "NS2030F0456", "TiMOS-C-22.10.R1")

    a = agent("127.0.10.5", "core-amf-gw-1")
    a.system("Ericsson IPOS Version IPOS-21.3.2.13 Built by sysbuild@ipos "
             "Copyright (C) 1998-2021, Ericsson AB. All rights reserved.",
             "1.3.6.1.4.1.193.218.1.17", "London DC1, hall B, row 2")
    a.interfaces("ericsson", 0x410101, 4)
    a.entity("Router 6675 chassis", "Ericsson", "Router 6675", "A405912345", "IPOS-21.3.2.13")

    a = agent("127.0.10.6", "core-dc-leaf-1")
    a.system("Arista Networks EOS version 4.28.3M running on an Arista Networks DCS-7280SR-48C6",
             "1.3.6.1.4.1.30065.1.3011.7280.4221.48.6", "London DC1, hall B, row 3")
    a.interfaces("arista", 0x5c0101, 4)
    a.entity("DCS-7280SR-48C6 chassis", "Arista Networks", "DCS-7280SR-48C6", "JPE20301234", "4.28.3M")
    a.lldp_local(mac("arista", 0x5c0100))

    a = agent("127.0.10.7", "core-dc-leaf-2")
    a.system("Cisco NX-OS(tm) n9000, Software (n9000-dk9), Version 10.2(5), RELEASE SOFTWARE "
             "Copyright (c) 2002-2022 by Cisco Systems, Inc.",
             "1.3.6.1.4.1.9.12.3.1.3.1812", "London DC1, hall B, row 3")
    a.interfaces("cisco", 0x1a0201, 4)
    a.entity("Nexus9000 C93180YC-FX chassis", "Cisco Systems, Inc.", "N9K-C93180YC-FX",
             "FDO23141ABC", "10.2(5)")

    a = agent("127.0.10.8", "core-fw-1")
    a.system("Palo Alto Networks PA-5220 series firewall",
             "1.3.6.1.4.1.25461.2.3.38", "London DC1, hall A, row 1")
    a.interfaces("paloalto", 0x0a0101, 2)
    a.entity("PA-5220", "Palo Alto Networks", "PA-5220", "013201012345", "10.2.4")

    # The UK violation: a Huawei data-centre switch in the core.
    a = agent("127.0.10.9", "core-dc-spine-3")
    a.system("Huawei Versatile Routing Platform Software\r\n"
             "VRP (R) software, Version 8.191 (CE6881 V300R020C10SPC200)\r\n"
             "Copyright (C) 2012-2021 Huawei Technologies Co., Ltd.\r\nHUAWEI CE6881-48S6CQ",
             "1.3.6.1.4.1.2011.2.239.53", "Manchester DC2, hall 1, row 5")
    a.interfaces("huawei", 0x7e0101, 4)
    a.entity("CE6881-48S6CQ chassis", "Huawei", "CE6881-48S6CQ", "2102311VKM10L4000123",
             "V300R020C10SPC200",
             [("48x10G SFP+ optic", 10, "HISILICON", "OMXD30000", "HA21050400777")])
    a.lldp_local(mac("huawei", 0x7e0100))
    a.lldp(1, 1, mac("arista", 0x5c0100), "Ethernet49/1", "core-dc-leaf-1",
           "Arista Networks EOS version 4.28.3M running on an Arista Networks DCS-7280SR-48C6")

    # A time server answering under Hikvision's enterprise number 39165.
    a = agent("127.0.10.10", "core-ntp-1")
    a.system("Microsemi SyncServer S650, version 4.2.0", "1.3.6.1.4.1.39165.1.1",
             "London DC1, hall A, row 1")
    a.interfaces("microsemi", 0x650101, 2)

    # --------------------------------------------------- RAN aggregation
    def huawei_atn(addr, name, n, site, gnbs):
        a = agent(addr, name)
        a.system("Huawei Versatile Routing Platform Software\r\n"
                 "VRP (R) software, Version 8.180 (ATN 910C-K V300R007C10SPC200)\r\n"
                 "Copyright (C) 2000-2021 HUAWEI TECH CO., LTD\r\nHUAWEI ATN 910C-K",
                 "1.3.6.1.4.1.2011.2.224.282", site)
        a.interfaces("huawei", 0x900101 + n * 0x100, 4)
        a.entity("ATN 910C-K chassis", "Huawei", "ATN 910C-K", "2102351ASN10M80%05d" % n,
                 "V300R007C10SPC200")
        a.lldp_local(mac("huawei", 0x900100 + n * 0x100))
        for i, (gname, gmac, gip) in enumerate(gnbs):
            a.lldp(5 + i, i + 1, gmac, "eth0", gname,
                   "Huawei BTS5900 5G, BBU5900, Version V100R017C10SPC200", gip)
            a.arp(5 + i, gip, gmac)
        return a

    huawei_atn("127.0.20.1", "ran-agg-hw-1", 1, "Leeds, site LS-014",
               [("gnb-hw-0101", mac("huawei", 0xb00101), "10.20.1.11"),
                ("gnb-hw-0102", mac("huawei", 0xb00102), "10.20.1.12")])
    huawei_atn("127.0.20.2", "ran-agg-hw-2", 2, "Leeds, site LS-027",
               [("gnb-hw-0201", mac("huawei", 0xb00201), "10.20.2.11")])

    a = agent("127.0.20.3", "ran-agg-zte-1")
    a.system("ZXCTN 6180H, ZTE ZXR10 ROS Version V5.00.10(5.0.1), Copyright (c) 2021 by ZTE Corporation",
             "1.3.6.1.4.1.3902.3.800.6180", "Bradford, site BD-003")
    a.interfaces("zte", 0x300101, 4)
    a.entity("ZXCTN 6180H chassis", "ZTE", "ZXCTN 6180H", "ZTE2103H60012", "V5.00.10")
    a.lldp_local(mac("zte", 0x300100))
    a.lldp(5, 1, mac("zte", 0x400101), "eth1", "gnb-zte-0301",
           "ZTE ZXRAN V9200 BBU, Version V5.65.10", "10.20.3.11")
    a.arp(5, "10.20.3.11", mac("zte", 0x400101))

    a = agent("127.0.20.4", "ran-agg-zte-2")
    a.system("ZTE 5950-36TM Software, 5900 Version: V3.03.10, Release software, "
             "Copyright (c) by ZTE Corporation",
             "1.3.6.1.4.1.3902.3.100.36", "Bradford, site BD-011")
    a.interfaces("zte2", 0x300201, 3)
    a.entity("5950-36TM chassis", "ZTE", "ZXR10 5950-36TM", "ZTE2105950077", "V3.03.10")

    def ericsson_router(addr, name, n, site, gnb):
        a = agent(addr, name)
        a.system("Ericsson IPOS Version IPOS-21.1.2.4 Built by sysbuild@ipos "
                 "Copyright (C) 1998-2021, Ericsson AB. All rights reserved.",
                 "1.3.6.1.4.1.193.218.1.13", site)
        a.interfaces("ericsson", 0x420101 + n * 0x100, 3)
        a.entity("Router 6672 chassis", "Ericsson", "Router 6672", "A4059200%02d" % n, "IPOS-21.1.2.4")
        if gnb:
            a.lldp_local(mac("ericsson", 0x420100 + n * 0x100))
            a.lldp(4, 1, mac("ericsson", 0x600101 + n), "TN_A", gnb,
                   "Ericsson Baseband 6630, 22.Q4", "10.20.%d.11" % (10 + n))
        return a

    ericsson_router("127.0.20.5", "ran-agg-eri-1", 1, "York, site YO-002", "gnb-eri-1001")
    ericsson_router("127.0.20.6", "ran-agg-eri-2", 2, "York, site YO-009", None)

    a = agent("127.0.20.7", "ran-mw-eri-1")
    a.system("MINI-LINK 6651/1 R1A, SW version CXP9036600_1 R10A",
             "1.3.6.1.4.1.193.223.2.1", "Harrogate, site HG-001")
    a.interfaces("ericsson", 0x430101, 2)
    a.entity("MINI-LINK 6651/1", "Ericsson", "MINI-LINK 6651/1", "A4061122001", "R10A")

    def nokia_ixr(addr, name, n, site, gnb):
        a = agent(addr, name)
        a.system("TiMOS-B-22.7.R2 both/hops Nokia 7250 IXR Copyright (c) 2000-2022 Nokia.\r\n"
                 "All rights reserved. All use subject to applicable license agreements.",
                 "1.3.6.1.4.1.6527.6.1.1.2.20", site)
        a.interfaces("nokia2", 0x710101 + n * 0x100, 3)
        a.entity("7250 IXR-e chassis", "Nokia", "3HE11279AA", "NS2124T%04d" % n, "TiMOS-B-22.7.R2")
        if gnb:
            a.lldp_local(mac("nokia2", 0x710100 + n * 0x100))
            a.lldp(3, 1, mac("nokia", 0x8f0101 + n), "1/1/3", gnb,
                   "Nokia AirScale System Module, SBTS22R3", "10.20.%d.11" % (20 + n))
        return a

    nokia_ixr("127.0.20.8", "ran-agg-nok-1", 1, "Sheffield, site SF-004", "gnb-nok-2001")
    nokia_ixr("127.0.20.9", "ran-agg-nok-2", 2, "Sheffield, site SF-010", None)

    a = agent("127.0.20.10", "ran-csr-cisco-1")
    a.system("Cisco IOS XR Software (NCS540L), Version 7.7.1\r\n"
             "Copyright (c) 2013-2022 by Cisco Systems, Inc.",
             "1.3.6.1.4.1.9.1.3105", "Hull, site HU-006")
    a.interfaces("cisco", 0x1a0301, 3)
    a.entity("NCS 540 chassis", "Cisco Systems, Inc.", "N540X-16Z4G8Q2C-D", "FOC2511R0QZ", "7.7.1")

    a = agent("127.0.20.11", "ran-csr-cisco-2")
    a.system("Cisco IOS Software [Fuji], ASR920 Software (PPC_LINUX_IOSD-UNIVERSALK9_NPE-M), "
             "Version 16.9.8, RELEASE SOFTWARE (fc2)\r\nTechnical Support: http://www.cisco.com/techsupport",
             "1.3.6.1.4.1.9.1.2058", "Hull, site HU-012")
    a.interfaces("cisco", 0x1a0401, 3)
    a.entity("ASR920-12SZ-IM chassis", "Cisco Systems, Inc.", "ASR-920-12SZ-IM", "CAT2207U1AB", "16.9.8")

    # A watched vendor: H3C.
    a = agent("127.0.20.12", "ran-agg-h3c-1")
    a.system("H3C Comware Platform Software, Software Version 7.1.070, Release 6616\r\n"
             "H3C S6520X-30QC-EI\r\n"
             "Copyright (c) 2004-2022 New H3C Technologies Co., Ltd. All rights reserved.",
             "1.3.6.1.4.1.25506.1.1792", "Wakefield, site WF-001")
    a.interfaces("h3c", 0x120101, 3)
    a.entity("S6520X-30QC-EI chassis", "New H3C Technologies Co., Ltd", "S6520X-30QC-EI",
             "210235A2LTH201000123", "7.1.070 Release 6616")

    # ------------------------------------------------------------ transport
    def ciena(addr, name, n, descr, objid, model, site):
        a = agent(addr, name)
        a.system(descr, objid, site)
        a.interfaces("ciena", 0x2c0101 + n * 0x100, 2)
        a.entity(model + " shelf", "Ciena", model, "NNTMRT%06d" % n, descr.split()[-1])
        return a

    ciena("127.0.30.1", "tx-oadm-1", 1, "Ciena 6500 Packet-Optical Platform, Release 14.20",
          "1.3.6.1.4.1.562.68.10.1", "6500-S14", "London DC1, optical room")
    ciena("127.0.30.2", "tx-oadm-2", 2, "Ciena 6500 Packet-Optical Platform, Release 14.20",
          "1.3.6.1.4.1.562.68.10.1", "6500-S14", "Manchester DC2, optical room")
    ciena("127.0.30.3", "tx-agg-5171-1", 3, "Ciena 5171 Service Aggregation Switch, SAOS 10.8.1",
          "1.3.6.1.4.1.6141.1.96", "5171", "Leeds, exchange LS-X1")

    a = agent("127.0.30.4", "tx-otn-hw-1")
    a.system("Huawei OptiX OSN 9800 U32 Enhanced, Version V100R022C00SPC200\r\n"
             "Copyright (C) Huawei Technologies Co., Ltd.",
             "1.3.6.1.4.1.2011.2.25.4", "Birmingham, exchange BM-X3")
    a.interfaces("huawei", 0xa50101, 2)
    a.entity("OSN 9800 U32 subrack", "Huawei", "OptiX OSN 9800 U32", "2102312PRB10N1000042",
             "V100R022C00SPC200")
    a.lldp_local(mac("huawei", 0xa50100))
    a.lldp(1, 1, mac("huawei", 0xa60101), "1-1-ETH-1", "tx-otn-hw-2",
           "Huawei OptiX OSN 1800 V, Version V100R019C10", "10.30.2.5")

    a = agent("127.0.30.5", "tx-pss-nok-1")
    a.system("Nokia 1830 PSS-32 Photonic Service Switch, Release 22.6",
             "1.3.6.1.4.1.7483.1.3.1.1", "London DC1, optical room")
    a.interfaces("nokia", 0x3b0101, 2)
    a.entity("1830 PSS-32 shelf", "Nokia", "3KC12895AA", "NS2145B0061", "22.6")

    a = agent("127.0.30.6", "tx-ptx-1")
    a.system("Juniper Networks, Inc. ptx10001-36mr Packet Transport Router, kernel JUNOS 22.2R2.6, "
             "Copyright (c) 1996-2022 Juniper Networks, Inc.",
             "1.3.6.1.4.1.2636.1.1.1.4.153", "Leeds, exchange LS-X1")
    a.interfaces("juniper", 0x230101, 3)
    a.entity("PTX10001-36MR chassis", "Juniper Networks", "PTX10001-36MR", "JN12F7AB0AFB", "22.2R2.6")

    a = agent("127.0.30.7", "tx-mw-eri-1")
    a.system("MINI-LINK 6366 R2A, SW version CXP9036600_1 R10A",
             "1.3.6.1.4.1.193.223.2.3", "Leeds, site LS-014")
    a.interfaces("ericsson", 0x440101, 2)
    a.entity("MINI-LINK 6366", "Ericsson", "MINI-LINK 6366", "A4061366007", "R10A")

    a = agent("127.0.30.8", "tx-agg-nok-1")
    a.system("TiMOS-B-22.7.R2 both/hops Nokia 7705 SAR Copyright (c) 2000-2022 Nokia.\r\n"
             "All rights reserved. All use subject to applicable license agreements.",
             "1.3.6.1.4.1.6527.1.6.1", "Birmingham, exchange BM-X3")
    a.interfaces("nokia2", 0x720101, 2)
    a.entity("7705 SAR-8 chassis", "Nokia", "3HE02774AA", "NS1933C0190", "TiMOS-B-22.7.R2")

    # ----------------------------------------------------------- management
    def dell(addr, name, n, site):
        a = agent(addr, name)
        a.system("Dell Out-of-band SNMP Agent for Remote Access Controller",
                 "1.3.6.1.4.1.674.10892.5", site)
        a.interfaces("dell", 0x0e0101 + n * 0x100, 2)
        a.entity("PowerEdge R750 system", "Dell Inc.", "PowerEdge R750", "7XKQ%03dJ" % n, "iDRAC 6.10.30.00")
        return a

    dell("127.0.40.1", "oss-srv-1", 1, "London DC1, hall C, rack 12")
    dell("127.0.40.2", "oss-srv-2", 2, "London DC1, hall C, rack 12")

    a = agent("127.0.40.3", "ems-srv-1")
    a.system("Integrated Lights-Out 5 2.72 Sep 04 2022", "1.3.6.1.4.1.232.9.4.11",
             "London DC1, hall C, rack 14")
    a.interfaces("hpe", 0x330101, 2)
    a.entity("ProLiant DL380 Gen10 system", "HPE", "ProLiant DL380 Gen10", "CZJ9430ABC", "iLO 5 2.72")

    # Huawei's element manager on a Huawei server (iBMC): a Huawei box in mgmt.
    a = agent("127.0.40.4", "ems-u2020-1")
    a.system("Huawei iBMC, 2288H V5, Version 3.03.00.05", "1.3.6.1.4.1.2011.2.235.1.1",
             "London DC1, hall C, rack 15")
    a.interfaces("huawei", 0xc20101, 2)
    a.entity("2288H V5 mainboard", "Huawei", "2288H V5", "2102311TYBN0K7000311", "3.03.00.05")

    a = agent("127.0.40.5", "mgmt-sw-1")
    a.system("Aruba JL659A 6300M 48SR5 CL6 PoE 4SFP56 Swch FL.10.10.1030",
             "1.3.6.1.4.1.47196.4.1.1.1.52", "London DC1, hall C, rack 10")
    a.interfaces("aruba", 0x4d0101, 3)
    a.entity("6300M chassis", "Aruba", "JL659A", "SG12KMT0AB", "FL.10.10.1030")
    a.lldp_local(mac("aruba", 0x4d0100))
    a.lldp(12, 1, mac("hikvision", 0x330301), "eth0", "cam-gate-2",
           "Hikvision DS-2CD2T47G2-L network camera", "10.40.7.32")
    a.arp(12, "10.40.7.32", mac("hikvision", 0x330301))

    # HP-branded Comware switch: sysObjectID 25506 is shared with H3C and the
    # entity rows say "H3C"; both are weak, the HP sysDescr decides.
    a = agent("127.0.40.6", "mgmt-sw-2")
    a.system("HP Comware Platform Software, Software Version 7.1.045, Release 2432P06\r\n"
             "HP 5130-24G-4SFP+ EI Switch\r\n"
             "Copyright (c) 2010-2017 Hewlett Packard Enterprise Development LP",
             "1.3.6.1.4.1.25506.11.1.239", "Manchester DC2, hall 1, rack 2")
    a.interfaces("hpe", 0x340101, 3)
    a.entity("HP 5130-24G-4SFP+ EI chassis", "H3C", "JG932A", "CN59G7H0AB", "7.1.045 Release 2432P06")

    # Conflicting evidence: an HPE sysDescr, but the chassis is made by New H3C.
    a = agent("127.0.40.7", "mgmt-sw-3")
    a.system("HPE Comware Platform Software, Software Version 7.1.070, Release 3208P10\r\n"
             "HPE FlexNetwork 5510 48G 4SFP+ HI 1-slot Switch JH146A",
             "1.3.6.1.4.1.25506.11.1.249", "Birmingham, exchange BM-X3")
    a.interfaces("h3c", 0x130101, 3)
    a.entity("5510 48G HI chassis", "New H3C Technologies Co., Ltd.", "JH146A", "CN7BGXX0CD",
             "7.1.070 Release 3208P10")

    a = agent("127.0.40.8", "cam-dc1-1")
    a.system("Hikvision company products", "1.3.6.1.4.1.39165.1.1", "London DC1, loading bay")
    a.interfaces("hikvision", 0x330101, 1)

    # A camera answering without any system group: only its interface MAC.
    a = agent("127.0.40.9", "cam-dc1-2")
    a.interfaces("hikvision", 0x330201, 1)

    a = agent("127.0.40.10", "nvr-dc1-1")
    a.system("DH-NVR4108HS-8P-4KS2", "1.3.6.1.4.1.1004849.2.1", "London DC1, security office")
    a.interfaces("dahua", 0x440101, 1)

    a = agent("127.0.40.11", "nvr-dc2-1")
    a.system("NVR", "1.3.6.1.4.1.1004849.2.1", "Manchester DC2, gate")
    a.interfaces("dahua", 0x440201, 1)

    a = agent("127.0.40.12", "radio-gw-1")
    a.system("Hytera RD985 DMR repeater, firmware A8.05.07.001", "1.3.6.1.4.1.40297.1.2.1",
             "London DC1, roof")
    a.interfaces("hytera", 0x0c0101, 1)

    return agents


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "agents")
    os.makedirs(outdir, exist_ok=True)
    for f in os.listdir(outdir):
        if f.endswith(".snmprec"):
            os.unlink(os.path.join(outdir, f))
    agents = network()
    names = [a.name for a in agents]
    assert len(set(names)) == len(names)
    for a in agents:
        a.write(outdir)
    print("%d agents written to %s" % (len(agents), outdir))


if __name__ == "__main__":
    main()
