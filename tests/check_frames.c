/*
 * Frame decoders: hand-made frames with their decoding spelled out, real
 * captures read through libpcap's offline API, and the malformed inputs
 * that once broke other dissectors.
 */
#include <check.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/text.h"
#include "common/util.h"
#include "probes/frames.h"
#include "tests/lib/testenv.h"

static void
ck_mac(const uint8_t mac[MAC_LEN], const char *want)
{
	char buf[MAC_STRLEN];

	frames_mac_str(mac, buf);
	ck_assert_str_eq(buf, want);
}

static void
ck_ip(const struct frames_ip *ip, const char *want)
{
	char buf[64];

	ck_assert_int_eq(frames_ip_str(ip, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, want);
}

static void
ck_ip4(const uint8_t a[4], const char *want)
{
	struct frames_ip ip = { .version = 4 };

	memcpy(ip.addr, a, 4);
	ck_ip(&ip, want);
}

/* A view as the store keeps it (the storage rule of common/text.h drops
 * trailing NUL padding), escaped as a terminal shows it. */
static void
ck_view(struct frames_str s, const char *want)
{
	char *wire = text_from_wire(s.p, s.len), *got;
	size_t n = text_wire_decode(wire, NULL);
	uint8_t *bytes = xmalloc(n + 1);

	text_wire_decode(wire, bytes);
	got = text_escaped(bytes, n, TEXT_TERMINAL);
	ck_assert_str_eq(got, want);
	free(got);
	free(bytes);
	free(wire);
}

static bool
view_starts(struct frames_str s, const char *prefix)
{
	size_t n = strlen(prefix);

	return s.len >= n && memcmp(s.p, prefix, n) == 0;
}

/* frames_decode_plain agrees with frames_decode wherever it answers.
 * Called on some 800,000 frames: each condition is tested first and only
 * one that does not hold goes through ck_assert, as check writes down
 * the place of every assertion that passes (a write(2) each). */
static int
ck_plain(const uint8_t *p, size_t n)
{
	struct frame f;
	int r = frames_decode(p, n, &f);
	int q = frames_decode_plain(p, n);

	if (q >= 0) {
		if (q != r)
			ck_assert_int_eq(q, r);
		if (f.n_layers != 1)
			ck_assert_uint_eq(f.n_layers, 1);
		if (f.proto != FRAMES_PROTO_NONE)
			ck_assert_int_eq(f.proto, FRAMES_PROTO_NONE);
	} else if (q != -1)
		ck_assert_int_eq(q, -1);
	return q;
}

/* Fixtures */

static const char *
fixture(const char *name)
{
	return testenv_fixture("captures/%s", name);
}

struct tally {
	size_t frames;
	size_t by_reason[FRAMES_REASON_MAX];
	size_t by_proto[FRAMES_PROTO_COUNT];
	size_t without_mac; /* frames whose outer header did not decode */
};

typedef void (*frame_fn)(size_t, const struct frame *, void *);

/* Decode every frame of a capture; call fn (if any) on each result. */
static struct tally
each_frame(const char *name, frame_fn fn, void *arg)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct tally t;
	pcap_t *pc;

	memset(&t, 0, sizeof(t));
	pc = pcap_open_offline(fixture(name), err);
	ck_assert_msg(pc != NULL, "%s: %s", name, err);
	ck_assert_int_eq(pcap_datalink(pc), DLT_EN10MB);
	while (pcap_next_ex(pc, &h, &data) == 1) {
		struct frame f;
		int r;

		r = frames_decode(data, h->caplen, &f);
		ck_assert_int_eq(r, (int)f.reason);
		ck_assert_int_ge(r, 0);
		ck_assert_int_lt(r, FRAMES_REASON_MAX);
		t.by_reason[r]++;
		t.by_proto[f.proto]++;
		if (f.n_layers == 0)
			t.without_mac++;
		ck_plain(data, h->caplen);
		if (fn != NULL)
			fn(t.frames, &f, arg);
		t.frames++;
	}
	pcap_close(pc);
	return t;
}

static size_t
read_raw(const char *name, uint8_t *buf, size_t size)
{
	FILE *fp = fopen(fixture(name), "rb");
	size_t n;

	ck_assert_msg(fp != NULL, "cannot open %s", name);
	n = fread(buf, 1, size, fp);
	fclose(fp);
	return n;
}

/* Hand-made frames */

/* LLDP from a Huawei switch, every basic TLV and one LLDP-MED field. */
static const uint8_t lldp_basic[] = {
	/* 01:80:c2:00:00:0e <- 00:e0:fc:12:34:56, ethertype LLDP */
	0x01,
	0x80,
	0xc2,
	0x00,
	0x00,
	0x0e,
	0x00,
	0xe0,
	0xfc,
	0x12,
	0x34,
	0x56,
	0x88,
	0xcc,
	/* Chassis ID, len 7: subtype 4 (MAC) 00:e0:fc:12:34:50 */
	0x02,
	0x07,
	0x04,
	0x00,
	0xe0,
	0xfc,
	0x12,
	0x34,
	0x50,
	/* Port ID, len 8: subtype 5 (interface name) "GE0/0/1" */
	0x04,
	0x08,
	0x05,
	'G',
	'E',
	'0',
	'/',
	'0',
	'/',
	'1',
	/* TTL, len 2: 120 s */
	0x06,
	0x02,
	0x00,
	0x78,
	/* Port description, len 8: "uplink\r\n" */
	0x08,
	0x08,
	'u',
	'p',
	'l',
	'i',
	'n',
	'k',
	'\r',
	'\n',
	/* System name, len 6: "core-1" */
	0x0a,
	0x06,
	'c',
	'o',
	'r',
	'e',
	'-',
	'1',
	/* System description, len 8: "VRP" then NUL padding */
	0x0c,
	0x08,
	'V',
	'R',
	'P',
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	/* Capabilities, len 4: bridge+router available, router enabled */
	0x0e,
	0x04,
	0x00,
	0x14,
	0x00,
	0x10,
	/* Management address, len 15: addr len 5, IPv4 10.0.0.1, ifIndex 7,
	 * OID len 3 (2b 06 01 = 1.3.6.1) */
	0x10,
	0x0f,
	0x05,
	0x01,
	10,
	0,
	0,
	1,
	0x02,
	0x00,
	0x00,
	0x00,
	0x07,
	0x03,
	0x2b,
	0x06,
	0x01,
	/* 802.1 port VLAN ID (skipped), len 6 */
	0xfe,
	0x06,
	0x00,
	0x80,
	0xc2,
	0x01,
	0x00,
	0x01,
	/* LLDP-MED model name (subtype 10), len 9: "S5720" */
	0xfe,
	0x09,
	0x00,
	0x12,
	0xbb,
	0x0a,
	'S',
	'5',
	'7',
	'2',
	'0',
	/* LLDP-MED serial (subtype 8), len 7: "21A" */
	0xfe,
	0x07,
	0x00,
	0x12,
	0xbb,
	0x08,
	'2',
	'1',
	'A',
	/* End */
	0x00,
	0x00,
};

START_TEST(test_lldp_basic)
{
	struct frame f;
	const struct frames_lldp *l = &f.lldp;
	struct frames_lldp_mgmt mgmt;
	struct frames_ip ip;

	ck_assert_int_eq(frames_decode(lldp_basic, sizeof(lldp_basic), &f),
	    FRAMES_OK);
	ck_assert_uint_eq(f.n_layers, 1);
	ck_mac(f.layers[0].src, "00:e0:fc:12:34:56");
	ck_mac(f.layers[0].dst, "01:80:c2:00:00:0e");
	ck_assert_uint_eq(f.layers[0].ethertype, 0x88cc);
	ck_assert_int_eq(f.proto, FRAMES_PROTO_LLDP);
	ck_assert_uint_eq(l->chassis_subtype, 4);
	ck_assert(l->has_chassis_mac);
	ck_mac(l->chassis_mac, "00:e0:fc:12:34:50");
	ck_assert_uint_eq(l->port_subtype, 5);
	ck_view(l->port_id, "GE0/0/1");
	ck_assert(l->has_ttl);
	ck_assert_uint_eq(l->ttl, 120);
	ck_view(l->port_descr, "uplink\\x0d\\x0a");
	ck_view(l->sys_name, "core-1");
	/* The view is the whole field; the padding goes when it is kept. */
	ck_assert_uint_eq(l->sys_descr.len, 8);
	ck_view(l->sys_descr, "VRP");
	ck_assert(l->has_caps);
	ck_assert_uint_eq(l->caps_available, 0x14);
	ck_assert_uint_eq(l->caps_enabled, 0x10);
	ck_assert_uint_eq(l->n_mgmt, 1);
	ck_assert_uint_eq(l->mgmt[0].addr_subtype, 1);
	ck_assert_uint_eq(l->mgmt[0].addr.len, 4);
	ck_assert_mem_eq(l->mgmt[0].addr.p, ((uint8_t[]){ 10, 0, 0, 1 }), 4);
	ck_assert_uint_eq(l->mgmt[0].if_subtype, 2);
	ck_assert_uint_eq(l->mgmt[0].if_number, 7);
	ck_assert_uint_eq(l->mgmt[0].oid.len, 3);
	ck_assert_int_eq(frames_lldp_mgmt_ip(&l->mgmt[0], &ip), 0);
	ck_ip(&ip, "10.0.0.1");
	mgmt = l->mgmt[0];
	mgmt.addr_subtype = 6; /* IEEE 802 MAC address family */
	ck_assert_int_eq(frames_lldp_mgmt_ip(&mgmt, &ip), -1);
	ck_view(l->med_model, "S5720");
	ck_view(l->med_serial, "21A");
	ck_assert_uint_eq(l->med_manufacturer.len, 0);
	ck_assert(l->end_seen);
	ck_assert_uint_eq(l->n_tlvs, 12);
}
END_TEST

/* A TLV longer than 255 bytes: the ninth length bit must count. */
START_TEST(test_lldp_9bit_length)
{
	uint8_t p[2 + 300 + 2 + 6 + 2];
	struct frames_lldp l;
	size_t i;

	/* System description, len 300: type 6 << 1 | 1, 300 - 256 = 44 */
	p[0] = 0x0d;
	p[1] = 44;
	for (i = 0; i < 300; i++)
		p[2 + i] = (uint8_t)('a' + i % 26);
	/* System name, len 6: "sw-300" */
	memcpy(p + 302, "\x0a\x06sw-300", 8);
	/* End */
	p[310] = 0;
	p[311] = 0;
	ck_assert_int_eq(frames_decode_lldp(p, sizeof(p), &l), FRAMES_OK);
	ck_assert_uint_eq(l.sys_descr.len, 300);
	ck_view(l.sys_name, "sw-300");
	ck_assert_uint_eq(l.n_tlvs, 3);

	/* Same TLV, 300 bytes claimed, 299 captured. */
	ck_assert_int_eq(frames_decode_lldp(p, 301, &l), FRAMES_TRUNCATED);
	ck_assert_uint_eq(l.sys_descr.len, 0);
}
END_TEST

/* LLDP carried in 802.3 + LLC + SNAP (OUI 00:00:00, PID 0x88cc). */
static const uint8_t lldp_snap[] = {
	/* 01:80:c2:00:00:0e <- 00:e0:fc:00:00:01, 802.3 length 28 */
	0x01,
	0x80,
	0xc2,
	0x00,
	0x00,
	0x0e,
	0x00,
	0xe0,
	0xfc,
	0x00,
	0x00,
	0x01,
	0x00,
	0x1c,
	/* LLC aa aa 03, SNAP 00:00:00 / 0x88cc */
	0xaa,
	0xaa,
	0x03,
	0x00,
	0x00,
	0x00,
	0x88,
	0xcc,
	/* Chassis ID: MAC 00:e0:fc:00:00:00; Port ID "p1"; TTL 60; End */
	0x02,
	0x07,
	0x04,
	0x00,
	0xe0,
	0xfc,
	0x00,
	0x00,
	0x00,
	0x04,
	0x03,
	0x05,
	'p',
	'1',
	0x06,
	0x02,
	0x00,
	0x3c,
	0x00,
	0x00,
	/* Ethernet padding, outside the 802.3 length */
	0xde,
	0xad,
};

START_TEST(test_lldp_snap)
{
	struct frame f;

	ck_assert_int_eq(frames_decode(lldp_snap, sizeof(lldp_snap), &f),
	    FRAMES_OK);
	ck_assert(f.layers[0].llc);
	ck_assert(f.layers[0].snap);
	ck_assert_uint_eq(f.layers[0].snap_oui, 0);
	ck_assert_uint_eq(f.layers[0].ethertype, 0x88cc);
	ck_assert_int_eq(f.proto, FRAMES_PROTO_LLDP);
	ck_mac(f.lldp.chassis_mac, "00:e0:fc:00:00:00");
	ck_view(f.lldp.port_id, "p1");
	ck_assert_uint_eq(f.lldp.ttl, 60);
}
END_TEST

/* ARP request behind an 802.1ad tag (VLAN 100) and an 802.1Q tag (200). */
static const uint8_t arp_qinq[] = {
	/* ff:ff:ff:ff:ff:ff <- 00:25:9e:00:00:01 */
	0xff,
	0xff,
	0xff,
	0xff,
	0xff,
	0xff,
	0x00,
	0x25,
	0x9e,
	0x00,
	0x00,
	0x01,
	/* 88a8 VID 100, 8100 PCP 3 VID 200, ethertype ARP */
	0x88,
	0xa8,
	0x00,
	0x64,
	0x81,
	0x00,
	0x60,
	0xc8,
	0x08,
	0x06,
	/* Ethernet/IPv4, request: 00:25:9e:00:00:01 10.1.1.5 asks 10.1.1.1 */
	0x00,
	0x01,
	0x08,
	0x00,
	0x06,
	0x04,
	0x00,
	0x01,
	0x00,
	0x25,
	0x9e,
	0x00,
	0x00,
	0x01,
	10,
	1,
	1,
	5,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	10,
	1,
	1,
	1,
};

START_TEST(test_arp_qinq)
{
	struct frame f;

	ck_assert_int_eq(frames_decode(arp_qinq, sizeof(arp_qinq), &f),
	    FRAMES_OK);
	ck_assert_uint_eq(f.layers[0].n_vlans, 2);
	ck_assert_uint_eq(f.layers[0].vlans[0], 100);
	ck_assert_uint_eq(f.layers[0].vlans[1], 200);
	ck_assert_uint_eq(f.layers[0].ethertype, 0x0806);
	ck_assert_int_eq(f.proto, FRAMES_PROTO_ARP);
	ck_assert_uint_eq(f.arp.op, 1);
	ck_mac(f.arp.sha, "00:25:9e:00:00:01");
	ck_ip4(f.arp.spa, "10.1.1.5");
	ck_ip4(f.arp.tpa, "10.1.1.1");
}
END_TEST

/* Five stacked tags (legacy 0x9100): more than kept, the MAC still is. */
static const uint8_t five_tags[] = {
	0xff,
	0xff,
	0xff,
	0xff,
	0xff,
	0xff,
	0x00,
	0x25,
	0x9e,
	0x00,
	0x00,
	0x02,
	0x91,
	0x00,
	0x00,
	0x01,
	0x91,
	0x00,
	0x00,
	0x02,
	0x91,
	0x00,
	0x00,
	0x03,
	0x91,
	0x00,
	0x00,
	0x04,
	0x91,
	0x00,
	0x00,
	0x05,
	0x08,
	0x06,
};

START_TEST(test_vlan_too_deep)
{
	struct frame f;

	ck_assert_int_eq(frames_decode(five_tags, sizeof(five_tags), &f),
	    FRAMES_TOO_DEEP);
	ck_assert_uint_eq(f.n_layers, 1);
	ck_mac(f.layers[0].src, "00:25:9e:00:00:02");
	ck_assert_uint_eq(f.layers[0].n_vlans, FRAMES_MAX_VLANS);
	ck_assert_uint_eq(f.layers[0].vlans[3], 4);
}
END_TEST

/* The inner frame every tunnel test carries: an ARP reply from Cisco. */
#define INNER_ARP                                                              \
	/* 00:25:9e:00:00:01 <- 00:11:5c:01:02:03, ARP */                      \
	0x00, 0x25, 0x9e, 0x00, 0x00, 0x01, 0x00, 0x11, 0x5c, 0x01, 0x02,      \
	    0x03, 0x08, 0x06, /* reply: 00:11:5c:01:02:03 is 10.9.9.1 */       \
	    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02, 0x00, 0x11, 0x5c,  \
	    0x01, 0x02, 0x03, 10, 9, 9, 1, 0x00, 0x25, 0x9e, 0x00, 0x00, 0x01, \
	    10, 9, 9, 2

/* Outer Ethernet + IPv4 (proto GRE, total length tl) 192.0.2.1 > .2 */
#define OUTER_GRE(tl)                                                          \
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x25, 0x9e, 0xaa, 0xbb,      \
	    0xcc, 0x08, 0x00, 0x45, 0x00, 0x00, (tl), 0x00, 0x00, 0x00, 0x00,  \
	    0x40, 0x2f, 0x00, 0x00, 192, 0, 2, 1, 192, 0, 2, 2

/* ERSPAN type II: GRE with sequence number 42, session 5, VLAN 100. */
static const uint8_t erspan2[] = {
	OUTER_GRE(20 + 8 + 8 + 42),
	/* GRE: S bit, proto 0x88be, seq 42 */
	0x10,
	0x00,
	0x88,
	0xbe,
	0x00,
	0x00,
	0x00,
	0x2a,
	/* ERSPAN II: ver 1, VLAN 100, session 5, index 0 */
	0x10,
	0x64,
	0x00,
	0x05,
	0x00,
	0x00,
	0x00,
	0x00,
	INNER_ARP,
};

/* ERSPAN type III with the optional platform sub-header (O bit). */
static const uint8_t erspan3[] = {
	OUTER_GRE(20 + 8 + 12 + 8 + 42),
	0x10,
	0x00,
	0x22,
	0xeb,
	0x00,
	0x00,
	0x00,
	0x07,
	/* ver 2, VLAN 0, session 7, timestamp, SGT 0, FT 0, O bit */
	0x20,
	0x00,
	0x00,
	0x07,
	0x01,
	0x02,
	0x03,
	0x04,
	0x00,
	0x00,
	0x00,
	0x01,
	/* platform-specific sub-header */
	0x08,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	INNER_ARP,
};

/* GRE transparent Ethernet bridging (0x6558), key present. */
static const uint8_t gre_teb[] = {
	OUTER_GRE(20 + 8 + 42),
	0x20,
	0x00,
	0x65,
	0x58,
	0x00,
	0x00,
	0x01,
	0x00,
	INNER_ARP,
};

static void
ck_tunnel(const uint8_t *p, size_t len, enum frames_tunnel kind)
{
	struct frame f;

	ck_assert_int_eq(frames_decode(p, len, &f), FRAMES_OK);
	ck_assert_uint_eq(f.n_layers, 2);
	ck_mac(f.layers[0].src, "00:25:9e:aa:bb:cc");
	ck_assert_uint_eq(f.layers[0].ip_version, 4);
	ck_assert_uint_eq(f.layers[0].ip_proto, 47);
	ck_ip(&f.layers[0].ip_src, "192.0.2.1");
	ck_assert_int_eq(f.layers[0].tunnel, kind);
	ck_mac(f.layers[1].src, "00:11:5c:01:02:03");
	ck_assert_int_eq(f.proto, FRAMES_PROTO_ARP);
	ck_assert_uint_eq(f.arp.op, 2);
	ck_ip4(f.arp.spa, "10.9.9.1");
}

START_TEST(test_tunnels)
{
	struct frame f;

	ck_tunnel(erspan2, sizeof(erspan2), FRAMES_TUNNEL_ERSPAN2);
	frames_decode(erspan2, sizeof(erspan2), &f);
	ck_assert_uint_eq(f.layers[0].gre_seq, 42);
	ck_assert_uint_eq(f.layers[0].erspan_session, 5);
	ck_assert_uint_eq(f.layers[0].erspan_vlan, 100);

	ck_tunnel(erspan3, sizeof(erspan3), FRAMES_TUNNEL_ERSPAN3);
	frames_decode(erspan3, sizeof(erspan3), &f);
	ck_assert_uint_eq(f.layers[0].erspan_session, 7);

	ck_tunnel(gre_teb, sizeof(gre_teb), FRAMES_TUNNEL_GRE_TEB);

	/* The mirrored frame cut short: the tunnel endpoint is still known. */
	ck_assert_int_eq(frames_decode(erspan2, sizeof(erspan2) - 20, &f),
	    FRAMES_TRUNCATED);
	ck_assert_uint_eq(f.n_layers, 2);
	ck_mac(f.layers[1].src, "00:11:5c:01:02:03");
}
END_TEST

/* Tunnels nested past FRAMES_MAX_LAYERS stop with too-deep. */
START_TEST(test_tunnel_depth)
{
	static const uint8_t hdr[] = {
		OUTER_GRE(0),
		0x00,
		0x00,
		0x65,
		0x58,
	};
	uint8_t buf[4 * sizeof(hdr) + 42];
	struct frame f;
	size_t i, off = 0;

	for (i = 0; i < 4; i++) {
		memcpy(buf + off, hdr, sizeof(hdr));
		/* IPv4 total length: whatever follows the Ethernet header */
		buf[off + 17] = (uint8_t)(sizeof(buf) - off - 14);
		off += sizeof(hdr);
	}
	memcpy(buf + off, (const uint8_t[]){ INNER_ARP }, 42);
	ck_assert_int_eq(frames_decode(buf, sizeof(buf), &f), FRAMES_TOO_DEEP);
	ck_assert_uint_eq(f.n_layers, FRAMES_MAX_LAYERS);
	ck_assert_int_eq(f.proto, FRAMES_PROTO_NONE);
}
END_TEST

/* GRE over IPv6 carrying an Ethernet frame. */
static const uint8_t gre_ipv6[] = {
	0x00,
	0x11,
	0x22,
	0x33,
	0x44,
	0x55,
	0x00,
	0x25,
	0x9e,
	0xaa,
	0xbb,
	0xcc,
	0x86,
	0xdd,
	/* IPv6, payload 46, next header GRE, 2001:db8::1 > 2001:db8::2 */
	0x60,
	0x00,
	0x00,
	0x00,
	0x00,
	0x2e,
	0x2f,
	0x40,
	0x20,
	0x01,
	0x0d,
	0xb8,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0x01,
	0x20,
	0x01,
	0x0d,
	0xb8,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0x02,
	/* GRE, transparent Ethernet bridging */
	0x00,
	0x00,
	0x65,
	0x58,
	INNER_ARP,
};

START_TEST(test_gre_ipv6)
{
	struct frame f;

	ck_assert_int_eq(frames_decode(gre_ipv6, sizeof(gre_ipv6), &f),
	    FRAMES_OK);
	ck_assert_uint_eq(f.layers[0].ip_version, 6);
	ck_ip(&f.layers[0].ip_src, "2001:db8::1");
	ck_ip(&f.layers[0].ip_dst, "2001:db8::2");
	ck_assert_int_eq(f.layers[0].tunnel, FRAMES_TUNNEL_GRE_TEB);
	ck_assert_uint_eq(f.n_layers, 2);
	ck_mac(f.layers[1].src, "00:11:5c:01:02:03");
	ck_assert_int_eq(f.proto, FRAMES_PROTO_ARP);
}
END_TEST

/* Chassis ID given as a network address (subtype 5), here IPv6. */
START_TEST(test_lldp_chassis_address)
{
	static const uint8_t p[] = {
		/* Chassis ID, len 18: subtype 5, family 2, 2001:db8::5 */
		0x02,
		0x12,
		0x05,
		0x02,
		0x20,
		0x01,
		0x0d,
		0xb8,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0x05,
		/* End */
		0x00,
		0x00,
	};
	struct frames_lldp l;

	ck_assert_int_eq(frames_decode_lldp(p, sizeof(p), &l), FRAMES_OK);
	ck_assert_uint_eq(l.chassis_subtype, 5);
	ck_assert(!l.has_chassis_mac);
	ck_assert(l.has_chassis_ip);
	ck_ip(&l.chassis_ip, "2001:db8::5");
	ck_assert_uint_eq(l.chassis_id.len, 17);
}
END_TEST

/* A later IPv4 fragment: its first bytes are not a UDP header. */
static const uint8_t ip_fragment[] = {
	0xff,
	0xff,
	0xff,
	0xff,
	0xff,
	0xff,
	0x00,
	0x0c,
	0x29,
	0x00,
	0x00,
	0x01,
	0x08,
	0x00,
	/* IPv4, total 28, offset 185 (x8), UDP, 10.0.0.9 > 255.255.255.255 */
	0x45,
	0x00,
	0x00,
	0x1c,
	0x00,
	0x01,
	0x00,
	0xb9,
	0x40,
	0x11,
	0x00,
	0x00,
	10,
	0,
	0,
	9,
	255,
	255,
	255,
	255,
	/* looks like UDP 67 > 68 */
	0x00,
	0x43,
	0x00,
	0x44,
	0x00,
	0x08,
	0x00,
	0x00,
};

START_TEST(test_ip_fragment)
{
	struct frame f;

	ck_assert_int_eq(frames_decode(ip_fragment, sizeof(ip_fragment), &f),
	    FRAMES_OK);
	ck_assert(f.layers[0].ip_later_fragment);
	ck_assert_uint_eq(f.layers[0].udp_dport, 0);
	ck_assert_int_eq(f.proto, FRAMES_PROTO_NONE);
	ck_ip(&f.layers[0].ip_src, "10.0.0.9");
}
END_TEST

/* CDPv2 with an IPv4 and an IPv6 address, as a sub-decoder call. */
static const uint8_t cdp_v6[] = {
	/* version 2, TTL 180, checksum 0 (wrong) */
	0x02,
	0xb4,
	0x00,
	0x00,
	/* Device ID, len 6: "R1" */
	0x00,
	0x01,
	0x00,
	0x06,
	'R',
	'1',
	/* Addresses, len 45: 2 addresses */
	0x00,
	0x02,
	0x00,
	0x2d,
	0x00,
	0x00,
	0x00,
	0x02,
	/* NLPID 0xcc, IPv4 10.0.0.1 */
	0x01,
	0x01,
	0xcc,
	0x00,
	0x04,
	10,
	0,
	0,
	1,
	/* 802.2 aa aa 03 00 00 00 86 dd, IPv6 2001:db8::1 */
	0x02,
	0x08,
	0xaa,
	0xaa,
	0x03,
	0x00,
	0x00,
	0x00,
	0x86,
	0xdd,
	0x00,
	0x10,
	0x20,
	0x01,
	0x0d,
	0xb8,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0x01,
	/* Platform, len 13: "Huawei AR" */
	0x00,
	0x06,
	0x00,
	0x0d,
	'H',
	'u',
	'a',
	'w',
	'e',
	'i',
	' ',
	'A',
	'R',
	/* Native VLAN, len 6: 10 */
	0x00,
	0x0a,
	0x00,
	0x06,
	0x00,
	0x0a,
	/* Capabilities, len 8: router 0x01 */
	0x00,
	0x04,
	0x00,
	0x08,
	0x00,
	0x00,
	0x00,
	0x01,
};

START_TEST(test_cdp_ipv6)
{
	struct frames_cdp c;

	ck_assert_int_eq(frames_decode_cdp(cdp_v6, sizeof(cdp_v6), &c),
	    FRAMES_OK);
	ck_assert_uint_eq(c.version, 2);
	ck_assert_uint_eq(c.ttl, 180);
	ck_assert(!c.checksum_ok);
	ck_view(c.device_id, "R1");
	ck_view(c.platform, "Huawei AR");
	ck_assert_uint_eq(c.n_addrs, 2);
	ck_ip(&c.addrs[0], "10.0.0.1");
	ck_ip(&c.addrs[1], "2001:db8::1");
	ck_assert(c.has_native_vlan);
	ck_assert_uint_eq(c.native_vlan, 10);
	ck_assert_uint_eq(c.caps, 1);
	ck_assert_uint_eq(c.n_mgmt, 0);
}
END_TEST

/* A DHCPv4 message built field by field. */
static size_t
dhcp_build(uint8_t *p, size_t size, const uint8_t *opts, size_t olen)
{
	ck_assert_uint_ge(size, 240 + olen);
	memset(p, 0, size);
	p[0] = 1; /* request */
	p[1] = 1; /* Ethernet */
	p[2] = 6;
	memcpy(p + 4, "\x0b\xad\xc0\xde", 4);
	memcpy(p + 28, "\x00\xe0\xfc\x00\x00\x09", 6);
	memcpy(p + 236, "\x63\x82\x53\x63", 4);
	memcpy(p + 240, opts, olen);
	return 240 + olen;
}

START_TEST(test_dhcp_options)
{
	static const uint8_t opts[] = {
		53,
		1,
		3, /* Request */
		0,
		0, /* pad */
		12,
		4,
		'c',
		'p',
		'e',
		'1', /* host name */
		60,
		9,
		'H',
		'U',
		'A',
		'W',
		'E',
		'I',
		':',
		'A',
		'P',
		61,
		7,
		1,
		0x00,
		0xe0,
		0xfc,
		0x00,
		0x00,
		0x09,
		50,
		4,
		192,
		168,
		1,
		20,
		54,
		4,
		192,
		168,
		1,
		1,
		55,
		2,
		1,
		3, /* ignored */
		255,
	};
	struct frames_dhcp d;
	uint8_t p[400];
	size_t len = dhcp_build(p, sizeof(p), opts, sizeof(opts));

	ck_assert_int_eq(frames_decode_dhcp(p, len, &d), FRAMES_OK);
	ck_assert_uint_eq(d.op, 1);
	ck_assert_uint_eq(d.xid, 0x0badc0de);
	ck_assert(d.has_chaddr_mac);
	ck_mac(d.chaddr, "00:e0:fc:00:00:09");
	ck_assert(d.has_cookie);
	ck_assert_uint_eq(d.msg_type, 3);
	ck_view(d.host_name, "cpe1");
	ck_view(d.vendor_class, "HUAWEI:AP");
	ck_assert_uint_eq(d.client_id.len, 7);
	ck_assert(d.has_client_mac);
	ck_mac(d.client_mac, "00:e0:fc:00:00:09");
	ck_assert(d.has_requested_ip);
	ck_ip4(d.requested_ip, "192.168.1.20");
	ck_assert(d.has_server_id);
	ck_ip4(d.server_id, "192.168.1.1");

	/* Cut inside the vendor class: what came before is kept. */
	ck_assert_int_eq(frames_decode_dhcp(p, 240 + 15, &d), FRAMES_TRUNCATED);
	ck_assert_uint_eq(d.msg_type, 3);
	ck_view(d.host_name, "cpe1");
	ck_assert_uint_eq(d.vendor_class.len, 0);

	/* A hardware address longer than chaddr. */
	p[2] = 17;
	ck_assert_int_eq(frames_decode_dhcp(p, len, &d), FRAMES_BAD_LENGTH);
	ck_assert(!d.has_chaddr_mac);

	/* A message type of the wrong size is noted, the rest decoded. */
	p[2] = 6;
	p[241] = 2;
	ck_assert_int_eq(frames_decode_dhcp(p, len, &d), FRAMES_BAD_TLV);
}
END_TEST

/* Malformed frames and the reason each one is counted under. */
struct bad_case {
	const char *what;
	const uint8_t *p;
	size_t len;
	int reason;
	size_t n_layers;
};

#define BYTES(...)                                                             \
	(const uint8_t[]){ __VA_ARGS__ },                                      \
	    sizeof((const uint8_t[]){ __VA_ARGS__ })
#define ETH(t1, t2)                                                            \
	0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e, 0x00, 0xe0, 0xfc, 0x00, 0x00,      \
	    0x07, (t1), (t2)
#define IPV4_HDR(vihl, proto)                                                  \
	(vihl), 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x40, (proto), 0x00, \
	    0x00, 10, 0, 0, 1, 10, 0, 0, 2

static const struct bad_case bad_cases[] = {
	{ "13 bytes", BYTES(ETH(0x08, 0x00)) - 1, FRAMES_TRUNCATED, 0 },
	{ "type 1501", BYTES(ETH(0x05, 0xdd), 0, 0), FRAMES_NOT_ETHERNET, 1 },
	{ "VLAN tag cut", BYTES(ETH(0x81, 0x00), 0x00), FRAMES_TRUNCATED, 1 },
	{ "802.3 LLC cut", BYTES(ETH(0x00, 0x10), 0xaa, 0xaa), FRAMES_TRUNCATED,
	    1 },
	{ "ARP hlen 7",
	    BYTES(ETH(0x08, 0x06), 0x00, 0x01, 0x08, 0x00, 0x07, 0x04, 0x00,
		0x01),
	    FRAMES_BAD_LENGTH, 1 },
	{ "ARP IEEE 802",
	    BYTES(ETH(0x08, 0x06), 0x00, 0x06, 0x08, 0x00, 0x06, 0x04, 0x00,
		0x01),
	    FRAMES_UNSUPPORTED, 1 },
	{ "ARP cut",
	    BYTES(ETH(0x08, 0x06), 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00,
		0x01, 0x00),
	    FRAMES_TRUNCATED, 1 },
	{ "IPv4 IHL 4", BYTES(ETH(0x08, 0x00), IPV4_HDR(0x44, 17)),
	    FRAMES_BAD_LENGTH, 1 },
	{ "IPv4 IHL 15", BYTES(ETH(0x08, 0x00), IPV4_HDR(0x4f, 17)),
	    FRAMES_TRUNCATED, 1 },
	{ "IPv4 version 5", BYTES(ETH(0x08, 0x00), IPV4_HDR(0x55, 17)),
	    FRAMES_BAD_HEADER, 1 },
	{ "UDP length 4",
	    BYTES(ETH(0x08, 0x00), IPV4_HDR(0x45, 17), 0x00, 0x44, 0x00, 0x43,
		0x00, 0x04, 0x00, 0x00),
	    FRAMES_BAD_LENGTH, 1 },
	{ "DHCP cut",
	    BYTES(ETH(0x08, 0x00), IPV4_HDR(0x45, 17), 0x00, 0x44, 0x00, 0x43,
		0x01, 0x00, 0x00, 0x00, 0x01, 0x01, 0x06),
	    FRAMES_TRUNCATED, 1 },
	{ "GRE version 1",
	    BYTES(ETH(0x08, 0x00), IPV4_HDR(0x45, 47), 0x00, 0x01, 0x88, 0x0b),
	    FRAMES_UNSUPPORTED, 1 },
	{ "GRE routing",
	    BYTES(ETH(0x08, 0x00), IPV4_HDR(0x45, 47), 0x40, 0x00, 0x65, 0x58),
	    FRAMES_UNSUPPORTED, 1 },
	{ "GRE seq cut",
	    BYTES(ETH(0x08, 0x00), IPV4_HDR(0x45, 47), 0x10, 0x00, 0x88, 0xbe,
		0x00, 0x00),
	    FRAMES_TRUNCATED, 1 },
	{ "ERSPAN II version 3",
	    BYTES(ETH(0x08, 0x00), IPV4_HDR(0x45, 47), 0x10, 0x00, 0x88, 0xbe,
		0, 0, 0, 1, 0x30, 0, 0, 1, 0, 0, 0, 0),
	    FRAMES_BAD_HEADER, 1 },
	{ "ERSPAN III IP frame",
	    BYTES(ETH(0x08, 0x00), IPV4_HDR(0x45, 47), 0x00, 0x00, 0x22, 0xeb,
		0x20, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x08, 0x00),
	    FRAMES_UNSUPPORTED, 1 },
	{ "ERSPAN III sub-header cut",
	    BYTES(ETH(0x08, 0x00), IPV4_HDR(0x45, 47), 0x00, 0x00, 0x22, 0xeb,
		0x20, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x00, 0x01, 0, 0, 0, 0),
	    FRAMES_TRUNCATED, 1 },
	{ "empty inner frame",
	    BYTES(ETH(0x08, 0x00), IPV4_HDR(0x45, 47), 0x00, 0x00, 0x65, 0x58),
	    FRAMES_TRUNCATED, 1 },
	{ "IPv6 cut", BYTES(ETH(0x86, 0xdd), 0x60, 0, 0, 0, 0, 0, 17, 64),
	    FRAMES_TRUNCATED, 1 },
	{ "CDP version 3",
	    BYTES(0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc, 0x00, 0x19, 0x06, 0x00,
		0x00, 0x01, 0x00, 0x0c, 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c,
		0x20, 0x00, 0x03, 0xb4, 0x00, 0x00),
	    FRAMES_UNSUPPORTED, 1 },
	{ "CDP TLV length 2",
	    BYTES(0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc, 0x00, 0x19, 0x06, 0x00,
		0x00, 0x01, 0x00, 0x10, 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c,
		0x20, 0x00, 0x02, 0xb4, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02),
	    FRAMES_BAD_TLV, 1 },
	{ "CDP address count past TLV",
	    BYTES(0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc, 0x00, 0x19, 0x06, 0x00,
		0x00, 0x01, 0x00, 0x14, 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c,
		0x20, 0x00, 0x02, 0xb4, 0x00, 0x00, 0x00, 0x02, 0x00, 0x08,
		0xff, 0xff, 0xff, 0xff),
	    FRAMES_BAD_TLV, 1 },
	{ "LLDP TLV past the frame",
	    BYTES(ETH(0x88, 0xcc), 0x02, 0x07, 0x04, 0x00), FRAMES_TRUNCATED,
	    1 },
	{ "LLDP no End", BYTES(ETH(0x88, 0xcc), 0x06, 0x02, 0x00, 0x78),
	    FRAMES_TRUNCATED, 1 },
	{ "LLDP chassis ID empty",
	    BYTES(ETH(0x88, 0xcc), 0x02, 0x01, 0x04, 0x00, 0x00),
	    FRAMES_BAD_TLV, 1 },
	{ "LLDP mgmt address length 0",
	    BYTES(ETH(0x88, 0xcc), 0x10, 0x07, 0x00, 0x02, 0, 0, 0, 1, 0, 0x00,
		0x00),
	    FRAMES_BAD_TLV, 1 },
	{ "LLDP org TLV of 3 bytes",
	    BYTES(ETH(0x88, 0xcc), 0xfe, 0x03, 0x00, 0x12, 0xbb, 0x00, 0x00),
	    FRAMES_BAD_TLV, 1 },
};

START_TEST(test_bad_frames)
{
	const struct bad_case *c = &bad_cases[_i];
	struct frame f;
	int r;

	r = frames_decode(c->p, c->len, &f);
	ck_assert_msg(r == c->reason, "%s: got %s, want %s", c->what,
	    frames_reason_name(r), frames_reason_name(c->reason));
	ck_assert_msg(f.n_layers == c->n_layers, "%s: %zu layers", c->what,
	    f.n_layers);
	if (c->n_layers > 0)
		ck_assert_msg(f.layers[0].src[0] == 0x00 &&
			f.layers[0].src[5] == (c->p[11]),
		    "%s: source MAC", c->what);
}
END_TEST

/* CVE-2017-13027 shape: the OID length runs past the TLV. The system name
 * before it and the sender's MAC are still reported. */
START_TEST(test_lldp_mgmt_oid_overrun)
{
	static const uint8_t p[] = {
		ETH(0x88, 0xcc),
		/* System name "sw" */
		0x0a,
		0x02,
		's',
		'w',
		/* Mgmt address len 13: IPv4 10.0.0.1, ifIndex 1, OID len 9
		 * but one byte left */
		0x10,
		0x0d,
		0x05,
		0x01,
		10,
		0,
		0,
		1,
		0x02,
		0,
		0,
		0,
		1,
		0x09,
		0x2b,
		0x00,
		0x00,
	};
	struct frame f;

	ck_assert_int_eq(frames_decode(p, sizeof(p), &f), FRAMES_BAD_TLV);
	ck_assert_uint_eq(f.n_layers, 1);
	ck_mac(f.layers[0].src, "00:e0:fc:00:00:07");
	ck_assert_int_eq(f.proto, FRAMES_PROTO_LLDP);
	ck_view(f.lldp.sys_name, "sw");
	ck_assert_uint_eq(f.lldp.n_mgmt, 0);
	ck_assert(f.lldp.end_seen);
}
END_TEST

/* A management address TLV that ends before its OID length byte, at the
 * very end of the buffer (an exact-size heap copy, for ASan). */
START_TEST(test_lldp_mgmt_no_oid_length)
{
	static const uint8_t tlv[] = {
		/* Mgmt address len 11: IPv4 10.0.0.1, ifIndex 1, no OID len */
		0x10,
		0x0b,
		0x05,
		0x01,
		10,
		0,
		0,
		1,
		0x02,
		0,
		0,
		0,
		1,
	};
	struct frames_lldp l;
	uint8_t *p = malloc(sizeof(tlv));

	ck_assert_ptr_nonnull(p);
	memcpy(p, tlv, sizeof(tlv));
	ck_assert_int_eq(frames_decode_lldp(p, sizeof(tlv), &l),
	    FRAMES_BAD_TLV);
	ck_assert_uint_eq(l.n_mgmt, 0);
	ck_assert(!l.end_seen);
	free(p);
}
END_TEST

START_TEST(test_helpers)
{
	static const uint8_t raw[] = { 'a', '\n', 'b', 0x01, 0xff, '"', '\\',
		't' };
	struct frames_str s = { raw, sizeof(raw) };
	struct frames_ip ip = { .version = 6 };
	char buf[64];
	int i;

	ck_assert(frames_str_eq(s, "a\nb\x01\xff\"\\t"));
	ck_assert(!frames_str_eq(s, "a\nb"));

	ip.addr[15] = 1;
	ck_ip(&ip, "::1");
	ip.version = 5;
	ck_assert_int_eq(frames_ip_str(&ip, buf, sizeof(buf)), -1);

	ck_assert_str_eq(frames_reason_name(FRAMES_OK), "ok");
	ck_assert_str_eq(frames_reason_name(FRAMES_TRUNCATED), "truncated");
	ck_assert_str_eq(frames_reason_name(FRAMES_BAD_TLV), "bad-tlv");
	ck_assert_str_eq(frames_reason_name(-1), "unknown");
	ck_assert_str_eq(frames_reason_name(FRAMES_REASON_MAX), "unknown");
	for (i = 0; i < FRAMES_REASON_MAX; i++)
		ck_assert_ptr_nonnull(frames_reason_name(i));
}
END_TEST

/* Real captures */

static void
on_lldp_and_cdp(size_t i, const struct frame *f, void *arg)
{
	size_t *checked = arg;
	char mac[MAC_STRLEN];
	bool s1;

	frames_mac_str(f->layers[0].src, mac);
	s1 = strcmp(mac, "00:18:ba:98:68:8f") == 0;
	ck_assert(s1 || strcmp(mac, "00:19:2f:a7:b2:8d") == 0);
	if (f->proto == FRAMES_PROTO_LLDP) {
		const struct frames_lldp *l = &f->lldp;

		ck_assert(l->has_chassis_mac);
		ck_mac(l->chassis_mac, mac);
		ck_view(l->sys_name, s1 ? "S1.cisco.com" : "S2.cisco.com");
		ck_view(l->port_descr,
		    s1 ? "FastEthernet0/13" : "GigabitEthernet0/13");
		ck_assert(view_starts(l->sys_descr,
		    "Cisco IOS Software, C3560 "
		    "Software (C3560-ADVIPSERVICESK9-M), Version 12.2(44)SE, "
		    "RELEASE SOFTWARE (fc1)\nCopyright (c) 1986-2008"));
		ck_assert_uint_eq(l->ttl, 120);
		ck_assert_uint_eq(l->caps_available, 0x14);
		ck_assert_uint_eq(l->caps_enabled, 0x04);
	} else {
		const struct frames_cdp *c = &f->cdp;

		ck_assert_int_eq(f->proto, FRAMES_PROTO_CDP);
		ck_assert(f->layers[0].llc && f->layers[0].snap);
		ck_assert_uint_eq(f->layers[0].snap_oui, 0x00000c);
		ck_assert_uint_eq(c->version, 2);
		ck_assert(c->checksum_ok);
		ck_view(c->device_id, s1 ? "S1" : "S2");
		ck_view(c->platform,
		    s1 ? "cisco WS-C3560-24TS" : "cisco WS-C3560G-24PS");
		ck_view(c->port_id,
		    s1 ? "FastEthernet0/13" : "GigabitEthernet0/13");
		ck_assert(view_starts(c->software,
		    "Cisco IOS Software, C3560 Software "
		    "(C3560-ADVIPSERVICESK9-M), Version 12.2(44)SE,"));
		ck_assert_uint_eq(c->caps, 0x28);
		ck_assert_uint_eq(c->native_vlan, 1);
		ck_assert_uint_eq(c->n_addrs, 1);
		ck_ip(&c->addrs[0], "0.0.0.0");
	}
	(void)i;
	(*checked)++;
}

START_TEST(test_pcap_lldp_and_cdp)
{
	size_t checked = 0;
	struct tally t =
	    each_frame("tcpdump_LLDP_and_CDP.pcap", on_lldp_and_cdp, &checked);

	ck_assert_uint_eq(t.frames, 12);
	ck_assert_uint_eq(t.by_reason[FRAMES_OK], 12);
	ck_assert_uint_eq(t.by_proto[FRAMES_PROTO_LLDP], 8);
	ck_assert_uint_eq(t.by_proto[FRAMES_PROTO_CDP], 4);
	ck_assert_uint_eq(checked, 12);
}
END_TEST

static void
on_3560(size_t i, const struct frame *f, void *arg)
{
	const struct frames_cdp *c = &f->cdp;

	ck_mac(f->layers[0].src, "00:19:06:ea:b8:85");
	ck_mac(f->layers[0].dst, "01:00:0c:cc:cc:cc");
	ck_assert_int_eq(f->proto, FRAMES_PROTO_CDP);
	ck_assert_uint_eq(c->ttl, 180);
	ck_assert_uint_eq(c->checksum, 0xb0bd);
	ck_assert(c->checksum_ok);
	ck_view(c->device_id, "Switch");
	ck_view(c->platform, "cisco WS-C3560G-24PS");
	ck_view(c->port_id, "GigabitEthernet0/5");
	ck_view(c->vtp_domain, "Lab");
	ck_assert(view_starts(c->software,
	    "Cisco IOS Software, C3560 Software "
	    "(C3560-ADVIPSERVICESK9-M), Version 12.2(25)SEB4,"));
	ck_assert_uint_eq(c->software.len, 192);
	ck_assert_uint_eq(c->n_addrs, 1);
	ck_ip(&c->addrs[0], "192.168.0.1");
	ck_assert_uint_eq(c->n_mgmt, 1);
	ck_ip(&c->mgmt[0], "192.168.0.1");
	(void)i;
	(void)arg;
}

START_TEST(test_pcap_3560_cdp)
{
	struct tally t = each_frame("tcpdump_3560_CDP.pcap", on_3560, NULL);

	ck_assert_uint_eq(t.frames, 3);
	ck_assert_uint_eq(t.by_reason[FRAMES_OK], 3);
}
END_TEST

static void
on_8023bt(size_t i, const struct frame *f, void *arg)
{
	const struct frames_lldp *l = &f->lldp;
	struct frames_ip ip;

	ck_mac(f->layers[0].src, "c0:64:e4:a9:9b:82");
	ck_assert_int_eq(f->proto, FRAMES_PROTO_LLDP);
	ck_mac(l->chassis_mac, "c0:64:e4:a9:9b:80");
	ck_assert_uint_eq(l->port_subtype, 5);
	ck_view(l->port_id, "Gi1/0/2");
	ck_view(l->port_descr, "GigabitEthernet1/0/2");
	ck_view(l->sys_name, "cisco-bt-switch");
	ck_assert(view_starts(l->sys_descr,
	    "Cisco IOS Software [Gibraltar], "
	    "Catalyst L3 Switch Software (CAT9K_IOSXE), Version 16.12.1,"));
	ck_assert_uint_eq(l->sys_descr.len, 251);
	ck_assert_uint_eq(l->n_mgmt, 1);
	ck_assert_uint_eq(l->mgmt[0].addr_subtype, 1);
	ck_assert_uint_eq(l->mgmt[0].addr.len, 4);
	ck_assert_int_eq(frames_lldp_mgmt_ip(&l->mgmt[0], &ip), 0);
	ck_ip(&ip, "192.168.1.1");
	ck_assert_uint_eq(l->mgmt[0].if_subtype, 3);
	ck_assert_uint_eq(l->mgmt[0].if_number, 53);
	ck_assert_uint_eq(l->med_model.len, 0);
	(void)i;
	(void)arg;
}

START_TEST(test_pcap_8023bt)
{
	struct tally t = each_frame("lldpd_8023bt.pcap", on_8023bt, NULL);

	ck_assert_uint_eq(t.frames, 1);
	ck_assert_uint_eq(t.by_reason[FRAMES_OK], 1);
}
END_TEST

static void
on_sg200(size_t i, const struct frame *f, void *arg)
{
	const struct frames_lldp *l = &f->lldp;

	ck_assert_int_eq(f->proto, FRAMES_PROTO_LLDP);
	ck_mac(l->chassis_mac, "00:35:35:35:35:35");
	ck_view(l->port_id, "g1");
	ck_view(l->med_model, "SG 200-08P");
	ck_view(l->med_hw_rev, "V02");
	ck_view(l->med_fw_rev, "1.0.8.3");
	ck_view(l->med_sw_rev, "1.0.8.3");
	ck_view(l->med_serial, "XXX11111ZZZ");
	/* The switch sends a C string and then whatever follows it in its
	 * memory: kept whole, only the trailing NULs go. */
	ck_view(l->med_asset_id,
	    "1\\x00\\x00\\x0a\\x00\\x00\\x00\\x08"
	    "\\xff\\xff\\xff\\xff\\x00\\x00\\x00\\x06\\x00\\x00\\x00\\x06"
	    "\\x80\\x89W\\xd8\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x80");
	ck_view(l->med_manufacturer, "0xbc00\\x001BWT");
	ck_assert(l->end_seen);
	(void)i;
	(void)arg;
}

START_TEST(test_pcap_sg200)
{
	struct tally t = each_frame("lldpd_sg200.pcap", on_sg200, NULL);

	ck_assert_uint_eq(t.frames, 1);
	ck_assert_uint_eq(t.by_reason[FRAMES_OK], 1);
}
END_TEST

static void
on_connectx(size_t i, const struct frame *f, void *arg)
{
	const struct frames_lldp *l = &f->lldp;

	ck_mac(f->layers[0].src, "50:6b:4b:f6:1e:b1");
	ck_assert_int_eq(f->proto, FRAMES_PROTO_LLDP);
	ck_mac(l->chassis_mac, "50:6b:4b:f6:1e:b3");
	ck_assert_uint_eq(l->port_subtype, 3);
	ck_assert_uint_eq(l->port_id.len, MAC_LEN);
	ck_mac(l->port_id.p, "50:6b:4b:f6:1e:b1");
	ck_assert_uint_eq(l->ttl, 48);
	ck_view(l->port_descr, "ConnectX-4 Lx, 25G/10G/1G SFP");
	ck_assert_uint_eq(l->sys_name.len, 0);
	ck_assert_uint_eq(l->n_tlvs, 5);
	(void)i;
	(void)arg;
}

START_TEST(test_pcap_connectx)
{
	struct tally t = each_frame("lldpd_connectx.pcap", on_connectx, NULL);

	ck_assert_uint_eq(t.frames, 1);
	ck_assert_uint_eq(t.by_reason[FRAMES_OK], 1);
}
END_TEST

static void
on_mudurl(size_t i, const struct frame *f, void *arg)
{
	const struct frames_lldp *l = &f->lldp;
	struct frames_ip ip4, ip6;

	ck_mac(f->layers[0].src, "00:23:54:c2:57:02");
	ck_mac(l->chassis_mac, "00:23:54:c2:57:02");
	ck_view(l->sys_name, "upstairs.ofcourseimright.com");
	ck_assert(view_starts(l->sys_descr, "Ubuntu 14.04.5 LTS Linux "));
	ck_view(l->port_descr, "eth0");
	ck_assert_uint_eq(l->caps_available, 0x9c);
	ck_assert_uint_eq(l->caps_enabled, 0x08);
	ck_assert_uint_eq(l->n_mgmt, 2);
	ck_assert_uint_eq(l->mgmt[0].addr.len, 4);
	ck_assert_int_eq(frames_lldp_mgmt_ip(&l->mgmt[0], &ip4), 0);
	ck_ip(&ip4, "62.12.173.114");
	ck_assert_uint_eq(l->mgmt[1].addr_subtype, 2);
	ck_assert_uint_eq(l->mgmt[1].addr.len, 16);
	ck_assert_int_eq(frames_lldp_mgmt_ip(&l->mgmt[1], &ip6), 0);
	ck_ip(&ip6, "2001:8a8:1006:4:223:54ff:fec2:5702");
	ck_assert_uint_eq(l->mgmt[1].if_subtype, 2);
	ck_assert_uint_eq(l->mgmt[1].if_number, 2);
	(void)i;
	(void)arg;
}

START_TEST(test_pcap_mudurl)
{
	struct tally t =
	    each_frame("tcpdump_lldp_mudurl.pcap", on_mudurl, NULL);

	ck_assert_uint_eq(t.frames, 2);
	ck_assert_uint_eq(t.by_reason[FRAMES_OK], 2);
}
END_TEST

struct eapon_seen {
	size_t arp_requests, arp_replies, discovers, releases;
};

static void
on_eapon1(size_t i, const struct frame *f, void *arg)
{
	struct eapon_seen *seen = arg;

	if (f->proto == FRAMES_PROTO_ARP && f->arp.op == 1) {
		ck_mac(f->arp.sha, "00:04:23:57:a5:7a");
		if (seen->arp_requests++ == 0) {
			/* who-has 192.168.1.1 tell 192.168.1.249 */
			ck_ip4(f->arp.spa, "192.168.1.249");
			ck_ip4(f->arp.tpa, "192.168.1.1");
		} else {
			/* later, probes for a link-local address */
			ck_ip4(f->arp.spa, "169.254.67.194");
			ck_ip4(f->arp.tpa, "169.254.67.194");
		}
	} else if (f->proto == FRAMES_PROTO_ARP) {
		/* 192.168.1.1 is-at 00:0d:88:4f:25:91 (D-Link) */
		ck_assert_uint_eq(f->arp.op, 2);
		ck_mac(f->layers[0].src, "00:0d:88:4f:25:91");
		ck_mac(f->arp.sha, "00:0d:88:4f:25:91");
		ck_ip4(f->arp.spa, "192.168.1.1");
		ck_mac(f->arp.tha, "00:04:23:57:a5:7a");
		ck_ip4(f->arp.tpa, "192.168.1.249");
		seen->arp_replies++;
	} else if (f->proto == FRAMES_PROTO_DHCP) {
		const struct frames_dhcp *d = &f->dhcp;

		ck_mac(d->chaddr, "00:04:23:57:a5:7a");
		ck_assert(d->has_client_mac);
		ck_mac(d->client_mac, "00:04:23:57:a5:7a");
		if (d->msg_type == 7) {
			/* Release from 192.168.1.249 to server 192.168.1.1 */
			ck_ip4(d->ciaddr, "192.168.1.249");
			ck_ip4(d->server_id, "192.168.1.1");
			seen->releases++;
		} else {
			ck_assert_uint_eq(d->msg_type, 1);
			ck_view(d->host_name, "DJP95S0J");
			ck_view(d->vendor_class, "MSFT 5.0");
			ck_ip4(d->requested_ip, "192.168.1.249");
			ck_assert_uint_eq(f->layers[0].udp_sport, 68);
			ck_assert_uint_eq(f->layers[0].udp_dport, 67);
			seen->discovers++;
		}
	}
	(void)i;
}

START_TEST(test_pcap_eapon1)
{
	struct eapon_seen seen = { 0 };
	struct tally t = each_frame("tcpdump_eapon1.pcap", on_eapon1, &seen);

	ck_assert_uint_eq(t.frames, 114);
	ck_assert_uint_eq(t.by_reason[FRAMES_OK], 114);
	ck_assert_uint_eq(seen.arp_requests, 4);
	ck_assert_uint_eq(seen.arp_replies, 1);
	ck_assert_uint_eq(seen.discovers, 9);
	ck_assert_uint_eq(seen.releases, 1);
}
END_TEST

static void
on_rfc3004(size_t i, const struct frame *f, void *arg)
{
	/* Discover, Offer, Request, ACK */
	static const uint8_t types[] = { 1, 2, 3, 5 };
	const struct frames_dhcp *d = &f->dhcp;

	ck_assert_int_eq(f->proto, FRAMES_PROTO_DHCP);
	ck_assert_uint_lt(i, 4);
	ck_assert_uint_eq(d->msg_type, types[i]);
	ck_assert(d->has_chaddr_mac);
	ck_mac(d->chaddr, "00:0c:29:1f:74:06");
	ck_assert_uint_eq(d->xid, 0x06e32864);
	if (i % 2 == 0) {
		ck_mac(f->layers[0].src, "00:0c:29:1f:74:06");
		ck_ip4(d->requested_ip, "192.168.1.4");
	} else {
		ck_mac(f->layers[0].src, "00:10:18:00:00:00");
		ck_ip4(d->yiaddr, "192.168.1.4");
		ck_ip4(d->server_id, "192.168.1.1");
		ck_assert(!d->has_requested_ip);
	}
	(void)arg;
}

START_TEST(test_pcap_dhcp_rfc3004)
{
	struct tally t =
	    each_frame("tcpdump_dhcp-rfc3004.pcap", on_rfc3004, NULL);

	ck_assert_uint_eq(t.frames, 4);
	ck_assert_uint_eq(t.by_reason[FRAMES_OK], 4);
}
END_TEST

static void
on_erspan_huawei(size_t i, const struct frame *f, void *arg)
{
	const struct frames_layer *in = &f->layers[1];

	/* Outside the tunnel: the Huawei-block MAC of the mirroring switch. */
	ck_mac(f->layers[0].src, "00:25:9e:81:b3:54");
	ck_ip(&f->layers[0].ip_src, "1.1.1.1");
	ck_ip(&f->layers[0].ip_dst, "192.168.255.5");
	ck_assert_int_eq(f->layers[0].tunnel, FRAMES_TUNNEL_ERSPAN1);
	/* Inside: an ICMP exchange between it and a Cisco on VLAN 101. */
	ck_assert_uint_eq(f->n_layers, 2);
	ck_mac(i == 0 ? in->dst : in->src, "00:11:5c:3d:de:00");
	ck_mac(i == 0 ? in->src : in->dst, "00:25:9e:81:b3:54");
	ck_assert_uint_eq(in->n_vlans, 1);
	ck_assert_uint_eq(in->vlans[0], 101);
	ck_assert_uint_eq(in->ip_proto, 1);
	ck_ip(i == 0 ? &in->ip_src : &in->ip_dst, "10.52.128.233");
	(void)arg;
}

START_TEST(test_pcap_erspan_huawei)
{
	struct tally t = each_frame("tcpdump_erspan-type-i-1_huawei-mac.pcap",
	    on_erspan_huawei, NULL);

	ck_assert_uint_eq(t.frames, 2);
	ck_assert_uint_eq(t.by_reason[FRAMES_OK], 2);
}
END_TEST

struct h3c_seen {
	size_t tunnelled, vmware_inside, lldp;
};

static void
on_erspan_h3c(size_t i, const struct frame *f, void *arg)
{
	struct h3c_seen *seen = arg;
	char mac[MAC_STRLEN];

	frames_mac_str(f->layers[0].src, mac);
	ck_assert_msg(strncmp(mac, "00:23:89:", 9) == 0, "%s", mac);
	if (f->n_layers == 2) {
		ck_mac(f->layers[0].src, "00:23:89:af:cd:0e");
		ck_assert_int_eq(f->layers[0].tunnel, FRAMES_TUNNEL_ERSPAN1);
		frames_mac_str(f->layers[1].src, mac);
		if (strcmp(mac, "00:50:56:84:01:7d") == 0)
			seen->vmware_inside++;
		seen->tunnelled++;
	}
	if (f->proto == FRAMES_PROTO_LLDP) {
		ck_assert(frames_str_eq(f->lldp.sys_name, "Device B") ||
		    frames_str_eq(f->lldp.sys_name, "Device C"));
		seen->lldp++;
	}
	(void)i;
}

START_TEST(test_pcap_erspan_h3c)
{
	struct h3c_seen seen = { 0 };
	struct tally t = each_frame("tcpdump_erspan-type-i-4_h3c-mac.pcap",
	    on_erspan_h3c, &seen);

	ck_assert_uint_eq(t.frames, 119);
	ck_assert_uint_eq(t.by_reason[FRAMES_OK], 119);
	ck_assert_uint_eq(seen.tunnelled, 88);
	ck_assert_uint_eq(seen.vmware_inside, 80);
	ck_assert_uint_eq(seen.lldp, 5);
}
END_TEST

/* Captures not asserted field by field: they decode, and say why not. */
struct capture_case {
	const char *file;
	size_t frames;
	size_t ok;
	int other; /* reason of the frames that are not ok */
};

static const struct capture_case other_captures[] = {
	{ "tcpdump_lldp-app-priority.pcap", 1, 1, FRAMES_OK },
	/* An LLDPDU of one org TLV and no End TLV. */
	{ "tcpdump_lldp_8021_linkagg.pcap", 2, 0, FRAMES_TRUNCATED },
	{ "tcpdump_dhcp-option-33.pcap", 5, 5, FRAMES_OK },
	{ "tcpdump_sflow_multiple_counter_30_pdus_h3c-mac.pcap", 30, 30,
	    FRAMES_OK },
	{ "tcpdump_ssh.pcap", 54, 54, FRAMES_OK },
	{ "tcpdump_ipv4_tcp_http_xml.pcap", 1, 1, FRAMES_OK },
	{ "zeek_telesec.pcap", 22, 22, FRAMES_OK },
	{ "zeek_client-certificate.pcap", 31, 31, FRAMES_OK },
	{ "zeek_mdns.pcap", 24, 24, FRAMES_OK },
	/* Malformed inputs. */
	{ "malformed/lldpd_med-loc-malformed.pcap", 1, 1, FRAMES_OK },
	{ "malformed/tcpdump_arp-too-long-tha.pcap", 1, 0, FRAMES_BAD_LENGTH },
	{ "malformed/tcpdump_lldp-infinite-loop-1.pcap", 1, 1, FRAMES_OK },
	{ "malformed/tcpdump_lldp-infinite-loop-2.pcap", 1, 0, FRAMES_BAD_TLV },
	{ "malformed/tcpdump_lldp_8023_mtu-oobr.pcap", 1, 0, FRAMES_TRUNCATED },
	{ "malformed/tcpdump_lldp_asan.pcap", 1, 1, FRAMES_OK },
	{ "malformed/tcpdump_lldp_mgmt_addr_tlv_asan.pcap", 2, 1,
	    FRAMES_BAD_TLV },
};

/* Clear-text fingerprints in real captures: frame (from 0), what it is
 * and what it says (SSH banner, HTTP Server, TLS subject O and CN and
 * issuer O and CN, mDNS first name); NULL for an empty view. */
static const struct {
	const char *file;
	size_t frame;
	enum frames_proto proto;
	const char *text[4];
} fingerprint_captures[] = {
	{ "tcpdump_ssh.pcap", 3, FRAMES_PROTO_SSH, { "SSH-2.0-OpenSSH_7.8" } },
	{ "tcpdump_ssh.pcap", 5, FRAMES_PROTO_SSH,
	    { "SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u3" } },
	{ "tcpdump_ipv4_tcp_http_xml.pcap", 0, FRAMES_PROTO_HTTP,
	    { "Microsoft-IIS/6.0" } },
	/* TLS 1.0, the server's certificate in the sixth frame. */
	{ "zeek_telesec.pcap", 5, FRAMES_PROTO_TLS,
	    { "1&1 Mail & Media GmbH", "imap.gmx.net",
		"T-Systems International GmbH", "TeleSec ServerPass DE-1" } },
	/* TLS 1.2, a client's certificate: no O in its subject. */
	{ "zeek_client-certificate.pcap", 12, FRAMES_PROTO_TLS,
	    { NULL, "johanna@corelight.com", "Actalis S.p.A.",
		"Actalis Client Authentication CA G3" } },
	{ "zeek_mdns.pcap", 2, FRAMES_PROTO_MDNS,
	    { "johanna-QEMU-Virtual-Machine" } },
};

/* An empty view for NULL, else ck_view. */
static void
ck_text(struct frames_str s, const char *want)
{
	if (want == NULL)
		ck_assert_uint_eq(s.len, 0);
	else
		ck_view(s, want);
}

/* Views point into libpcap's buffer, which the next packet overwrites:
 * checked as the frame goes by. */
static void
check_fingerprint(size_t i, const struct frame *f, void *arg)
{
	const int *k = arg;
	const char *const *text = fingerprint_captures[*k].text;

	if (i != fingerprint_captures[*k].frame)
		return;
	ck_assert_int_eq(f->reason, FRAMES_OK);
	ck_assert_int_eq(f->proto, fingerprint_captures[*k].proto);
	switch (f->proto) {
	case FRAMES_PROTO_SSH:
		ck_text(f->ssh.banner, text[0]);
		break;
	case FRAMES_PROTO_HTTP:
		ck_text(f->http.server, text[0]);
		ck_assert(f->http.response);
		break;
	case FRAMES_PROTO_TLS:
		ck_assert(f->tls.has_certificate && f->tls.subject_complete);
		ck_text(f->tls.subject_o, text[0]);
		ck_text(f->tls.subject_cn, text[1]);
		ck_text(f->tls.issuer_o, text[2]);
		ck_text(f->tls.issuer_cn, text[3]);
		break;
	case FRAMES_PROTO_MDNS:
		ck_assert(f->mdns.response && f->mdns.n_names > 0);
		ck_text(f->mdns.names[0], text[0]);
		break;
	default:
		ck_abort_msg("unexpected protocol %d", f->proto);
	}
}

START_TEST(test_pcap_fingerprints)
{
	int k = _i;
	struct tally t =
	    each_frame(fingerprint_captures[k].file, check_fingerprint, &k);

	ck_assert_uint_gt(t.frames, fingerprint_captures[k].frame);
	ck_assert_uint_eq(t.by_reason[FRAMES_OK], t.frames);
}
END_TEST

START_TEST(test_pcap_others)
{
	const struct capture_case *c = &other_captures[_i];
	struct tally t = each_frame(c->file, NULL, NULL);

	ck_assert_msg(t.frames == c->frames, "%s: %zu frames", c->file,
	    t.frames);
	ck_assert_msg(t.by_reason[FRAMES_OK] == c->ok, "%s: %zu ok", c->file,
	    t.by_reason[FRAMES_OK]);
	ck_assert_msg(t.by_reason[c->other] == t.frames - c->ok ||
		c->other == FRAMES_OK,
	    "%s: %zu %s", c->file, t.by_reason[c->other],
	    frames_reason_name(c->other));
	ck_assert_uint_eq(t.without_mac, 0);
}
END_TEST

START_TEST(test_malformed_arp_oobr)
{
	struct tally t =
	    each_frame("malformed/tcpdump_arp-oobr.pcap", NULL, NULL);

	ck_assert_uint_eq(t.frames, 2282);
	ck_assert_uint_eq(t.by_proto[FRAMES_PROTO_ARP], 2282);
	ck_assert_uint_eq(t.without_mac, 0);
	/* Bit flips in the address lengths, then in the hardware or protocol
	 * type: each frame is counted once, under its first problem. */
	ck_assert_uint_eq(t.by_reason[FRAMES_BAD_LENGTH], 105);
	ck_assert_uint_eq(t.by_reason[FRAMES_UNSUPPORTED], 154);
	ck_assert_uint_eq(t.by_reason[FRAMES_OK], 2023);
}
END_TEST

/* The too-long-tha frame: ARP hardware length 14 behind an 802.1ad tag. */
START_TEST(test_malformed_arp_too_long)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct frame f;
	pcap_t *pc;

	pc = pcap_open_offline(fixture(
				   "malformed/tcpdump_arp-too-long-tha.pcap"),
	    err);
	ck_assert_ptr_nonnull(pc);
	ck_assert_int_eq(pcap_next_ex(pc, &h, &data), 1);
	ck_assert_uint_lt(h->caplen, h->len);
	ck_assert_int_eq(frames_decode(data, h->caplen, &f), FRAMES_BAD_LENGTH);
	ck_mac(f.layers[0].src, "30:30:30:30:30:30");
	ck_assert_uint_eq(f.layers[0].n_vlans, 1);
	ck_assert_uint_eq(f.layers[0].vlans[0], 48);
	ck_assert_int_eq(f.proto, FRAMES_PROTO_ARP);
	ck_assert(mac_is_zero(f.arp.sha));
	pcap_close(pc);
}
END_TEST

/* An LLDPDU whose chassis ID is an IPv4 address and that has no port ID
 * or TTL: decoded as far as it goes. */
static void
on_lldp_asan(size_t i, const struct frame *f, void *arg)
{
	ck_assert_int_eq(f->proto, FRAMES_PROTO_LLDP);
	ck_mac(f->layers[0].src, "c0:c1:c0:a0:20:9d");
	ck_assert_uint_eq(f->lldp.chassis_subtype, 5);
	ck_assert(f->lldp.has_chassis_ip);
	ck_ip(&f->lldp.chassis_ip, "0.0.32.0");
	ck_assert(!f->lldp.has_ttl);
	ck_assert(f->lldp.end_seen);
	(void)i;
	(void)arg;
}

START_TEST(test_malformed_lldp_asan)
{
	struct tally t =
	    each_frame("malformed/tcpdump_lldp_asan.pcap", on_lldp_asan, NULL);

	ck_assert_uint_eq(t.frames, 1);
}
END_TEST

/* lldpd's seed frames: raw Ethernet, no pcap header. */
START_TEST(test_malformed_raw)
{
	static const char *const cdp_platform[] = {
		"Linux",
		"Linux",
		"cisco 1601",
		"cisco 7206VXR",
	};
	uint8_t buf[2048];
	struct frame f;
	char name[64];
	size_t i, n;

	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "malformed/lldpd_cdp.%zu.raw", i);
		n = read_raw(name, buf, sizeof(buf));
		ck_assert_int_eq(frames_decode(buf, n, &f), FRAMES_OK);
		ck_assert_int_eq(f.proto, FRAMES_PROTO_CDP);
		ck_view(f.cdp.platform, cdp_platform[i]);
		ck_assert_uint_ge(f.cdp.n_addrs, 1);
	}
	n = read_raw("malformed/lldpd_cdp.1.raw", buf, sizeof(buf));
	frames_decode(buf, n, &f);
	ck_view(f.cdp.device_id, "Second chassis");
	ck_assert_uint_eq(f.cdp.n_addrs, 2);
	ck_ip(&f.cdp.addrs[1], "172.17.142.38");

	n = read_raw("malformed/lldpd_lldp.0.raw", buf, sizeof(buf));
	ck_assert_int_eq(frames_decode(buf, n, &f), FRAMES_OK);
	ck_mac(f.lldp.chassis_mac, "00:17:d1:a8:35:bf");
	ck_mac(f.layers[0].src, "00:17:d1:a8:35:be");

	n = read_raw("malformed/lldpd_lldp.1.raw", buf, sizeof(buf));
	ck_assert_int_eq(frames_decode(buf, n, &f), FRAMES_OK);
	ck_view(f.lldp.sys_name, "naruto.XXXXXXXXXXXXXXXXXXX");
	ck_view(f.lldp.med_manufacturer, "NEC Computers SAS");
	ck_view(f.lldp.med_model, "POWERMATE VL350");
	ck_view(f.lldp.med_serial, "105820850009");

	/* Every prefix of every raw frame decodes without reading past it. */
	for (i = 0; i < 6; i++) {
		uint8_t *copy;
		size_t k;

		if (i < 4)
			snprintf(name, sizeof(name),
			    "malformed/lldpd_cdp.%zu.raw", i);
		else
			snprintf(name, sizeof(name),
			    "malformed/lldpd_lldp.%zu.raw", i - 4);
		n = read_raw(name, buf, sizeof(buf));
		for (k = 0; k <= n; k++) {
			/* exact-size heap copy so ASan sees any over-read */
			copy = malloc(k > 0 ? k : 1);
			ck_assert_ptr_nonnull(copy);
			memcpy(copy, buf, k);
			frames_decode(copy, k, &f);
			ck_assert_uint_eq(f.n_layers, k >= 14 ? 1 : 0);
			free(copy);
		}
	}
}
END_TEST

/* 10.0.0.1 -> 10.0.0.2 UDP 40000 -> 443 with 4 bytes of data, 60 bytes. */
static const uint8_t plain_udp[60] = {
	0x00,
	0x0c,
	0x29,
	0xaa,
	0xbb,
	0xcc,
	0x00,
	0x25,
	0x9e,
	0x01,
	0x02,
	0x03,
	0x08,
	0x00,
	0x45,
	0x00,
	0x00,
	0x20,
	0x00,
	0x00,
	0x00,
	0x00,
	0x40,
	0x11,
	0x00,
	0x00,
	0x0a,
	0x00,
	0x00,
	0x01,
	0x0a,
	0x00,
	0x00,
	0x02,
	0x9c,
	0x40,
	0x01,
	0xbb,
	0x00,
	0x0c,
	0x00,
	0x00,
	'd',
	'a',
	't',
	'a',
};

START_TEST(test_plain_ipv4)
{
	static const uint8_t protos[] = { 1, 6, 17, 47, 50, 132 };
	static const uint16_t ports[] = { 53, 67, 68, 443 };
	static const uint16_t lengths[] = { 0, 7, 8, 9, 12, 19, 20, 24, 31, 32,
		33, 46, 60, 1500, 65535 };
	uint8_t f[sizeof(plain_udp)];

	memcpy(f, plain_udp, sizeof(f));
	ck_assert_int_eq(ck_plain(f, sizeof(f)), FRAMES_OK);
	/* Every cut of the frame, every first byte of the IPv4 header. */
	for (size_t n = 0; n <= sizeof(f); n++)
		ck_plain(f, n);
	ck_plain(NULL, 0);
	for (unsigned b = 0; b < 256; b++) {
		f[14] = (uint8_t)b;
		for (size_t n = 30; n <= sizeof(f); n += 2)
			ck_plain(f, n);
	}
	memcpy(f, plain_udp, sizeof(f));
	/* Total length, fragment field, protocol, UDP ports and length. */
	const size_t nl = ARRAY_SIZE(lengths), np = ARRAY_SIZE(ports);

	for (size_t v = 0; v < nl * ARRAY_SIZE(protos) * 4 * nl * np * np;
	     v++) {
		size_t k = v;
		uint16_t tlen = lengths[k % nl];
		uint8_t proto = protos[(k /= nl) % ARRAY_SIZE(protos)];
		unsigned frag = (unsigned)((k /= ARRAY_SIZE(protos)) % 4);
		uint16_t ulen = lengths[(k /= 4) % nl];
		uint16_t sport = ports[(k /= nl) % np];
		uint16_t dport = ports[(k / np) % np];

		f[16] = (uint8_t)(tlen >> 8);
		f[17] = (uint8_t)tlen;
		f[20] = frag == 1 ? 0x20 : frag == 2 ? 0x40 : 0;
		f[21] = frag == 3 ? 1 : 0;
		f[23] = proto;
		f[34] = (uint8_t)(sport >> 8);
		f[35] = (uint8_t)sport;
		f[36] = (uint8_t)(dport >> 8);
		f[37] = (uint8_t)dport;
		f[38] = (uint8_t)(ulen >> 8);
		f[39] = (uint8_t)ulen;
		for (size_t n = 34; n <= sizeof(f); n += 3)
			ck_plain(f, n);
	}
	/* What needs the full decoder: DHCP, GRE, VLAN tags, other types. */
	memcpy(f, plain_udp, sizeof(f));
	f[34] = f[36] = 0;
	f[35] = 68;
	f[37] = 67;
	ck_assert_int_eq(ck_plain(f, sizeof(f)), -1);
	memcpy(f, plain_udp, sizeof(f));
	f[23] = 47;
	ck_assert_int_eq(ck_plain(f, sizeof(f)), -1);
	memcpy(f, plain_udp, sizeof(f));
	f[12] = 0x81;
	ck_assert_int_eq(ck_plain(f, sizeof(f)), -1);
	f[12] = 0x86;
	f[13] = 0xdd;
	ck_assert_int_eq(ck_plain(f, sizeof(f)), -1);
	/* A TCP segment whose payload no decoder takes, and a later fragment
	 * of a GRE packet, are plain; a TCP header shorter than 20 bytes is
	 * not decodable, and a SYN needs the full decoder. */
	memcpy(f, plain_udp, sizeof(f));
	f[17] = 46; /* the whole frame: a 20-byte TCP header, 6 of payload */
	f[23] = 6;
	f[46] = 0x50;
	ck_assert_int_eq(ck_plain(f, sizeof(f)), FRAMES_OK);
	f[46] = 0x40;
	ck_assert_int_eq(ck_plain(f, sizeof(f)), FRAMES_BAD_LENGTH);
	f[46] = 0x50;
	f[47] = FRAMES_TCP_SYN;
	ck_assert_int_eq(ck_plain(f, sizeof(f)), -1);
	memcpy(f, plain_udp, sizeof(f));
	f[23] = 47;
	f[21] = 0x10;
	ck_assert_int_eq(ck_plain(f, sizeof(f)), FRAMES_OK);
}
END_TEST

/* Clear-text fingerprints, constructed */

/* A TLS 1.2 record: a ServerHello, then a Certificate message whose one
 * certificate names "O=Huawei Technologies Co., Ltd., CN=HG8245H" as its
 * subject and issuer (self-signed). The Certificate message starts at
 * byte 47, the certificate's DER at 57. */
static const uint8_t tls_huawei[] = {
	0x16,
	0x03,
	0x03,
	0x00,
	0xf1,
	0x02,
	0x00,
	0x00,
	0x26,
	0x03,
	0x03,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x2f,
	0x00,
	0x0b,
	0x00,
	0x00,
	0xc3,
	0x00,
	0x00,
	0xc0,
	0x00,
	0x00,
	0xbd,
	0x30,
	0x81,
	0xba,
	0x30,
	0x81,
	0xaf,
	0xa0,
	0x03,
	0x02,
	0x01,
	0x02,
	0x02,
	0x01,
	0x01,
	0x30,
	0x0b,
	0x06,
	0x09,
	0x2a,
	0x86,
	0x48,
	0x86,
	0xf7,
	0x0d,
	0x01,
	0x01,
	0x0b,
	0x30,
	0x3a,
	0x31,
	0x26,
	0x30,
	0x24,
	0x06,
	0x03,
	0x55,
	0x04,
	0x0a,
	0x0c,
	0x1d,
	0x48,
	0x75,
	0x61,
	0x77,
	0x65,
	0x69,
	0x20,
	0x54,
	0x65,
	0x63,
	0x68,
	0x6e,
	0x6f,
	0x6c,
	0x6f,
	0x67,
	0x69,
	0x65,
	0x73,
	0x20,
	0x43,
	0x6f,
	0x2e,
	0x2c,
	0x20,
	0x4c,
	0x74,
	0x64,
	0x2e,
	0x31,
	0x10,
	0x30,
	0x0e,
	0x06,
	0x03,
	0x55,
	0x04,
	0x03,
	0x0c,
	0x07,
	0x48,
	0x47,
	0x38,
	0x32,
	0x34,
	0x35,
	0x48,
	0x30,
	0x1e,
	0x17,
	0x0d,
	0x32,
	0x35,
	0x30,
	0x31,
	0x30,
	0x31,
	0x30,
	0x30,
	0x30,
	0x30,
	0x30,
	0x30,
	0x5a,
	0x17,
	0x0d,
	0x32,
	0x35,
	0x30,
	0x31,
	0x30,
	0x31,
	0x30,
	0x30,
	0x30,
	0x30,
	0x30,
	0x30,
	0x5a,
	0x30,
	0x3a,
	0x31,
	0x26,
	0x30,
	0x24,
	0x06,
	0x03,
	0x55,
	0x04,
	0x0a,
	0x0c,
	0x1d,
	0x48,
	0x75,
	0x61,
	0x77,
	0x65,
	0x69,
	0x20,
	0x54,
	0x65,
	0x63,
	0x68,
	0x6e,
	0x6f,
	0x6c,
	0x6f,
	0x67,
	0x69,
	0x65,
	0x73,
	0x20,
	0x43,
	0x6f,
	0x2e,
	0x2c,
	0x20,
	0x4c,
	0x74,
	0x64,
	0x2e,
	0x31,
	0x10,
	0x30,
	0x0e,
	0x06,
	0x03,
	0x55,
	0x04,
	0x03,
	0x0c,
	0x07,
	0x48,
	0x47,
	0x38,
	0x32,
	0x34,
	0x35,
	0x48,
	0x30,
	0x00,
	0x30,
	0x03,
	0x06,
	0x01,
	0x2a,
	0x03,
	0x01,
	0x00,
};

START_TEST(test_tls_certificate_and_hostile_lengths)
{
	uint8_t m[sizeof(tls_huawei)];
	struct frames_tls t;

	ck_assert_int_eq(frames_decode_tls(tls_huawei, sizeof(tls_huawei), &t),
	    FRAMES_OK);
	ck_assert(t.has_certificate && t.subject_complete);
	ck_assert_uint_eq(t.version, 0x0303);
	ck_view(t.subject_o, "Huawei Technologies Co., Ltd.");
	ck_view(t.subject_cn, "HG8245H");
	ck_view(t.issuer_o, "Huawei Technologies Co., Ltd.");
	/* Every cut of the segment: what it holds is read, never more, and
	 * running out of bytes is no error. */
	for (size_t n = 0; n < sizeof(tls_huawei); n++) {
		uint8_t *cut = xmalloc(n + 1);

		memcpy(cut, tls_huawei, n);
		ck_assert_int_eq(frames_decode_tls(cut, n, &t), FRAMES_OK);
		if (t.subject_complete)
			ck_view(t.subject_cn, "HG8245H");
		else /* the subject ends 10 bytes before the segment */
			ck_assert_uint_lt(n, sizeof(tls_huawei) - 10);
		ck_assert(t.subject_o.len == 0 ||
		    (t.subject_o.p >= cut &&
			t.subject_o.p + t.subject_o.len <= cut + n));
		free(cut);
	}
	/* A certificate list longer than its message. */
	memcpy(m, tls_huawei, sizeof(m));
	m[51] = 0xff;
	ck_assert_int_eq(frames_decode_tls(m, sizeof(m), &t),
	    FRAMES_BAD_LENGTH);
	/* A certificate longer than its list. */
	memcpy(m, tls_huawei, sizeof(m));
	m[54] = 0xff;
	ck_assert_int_eq(frames_decode_tls(m, sizeof(m), &t),
	    FRAMES_BAD_LENGTH);
	/* A DER length of four bytes, and one past its container. */
	memcpy(m, tls_huawei, sizeof(m));
	m[58] = 0x84;
	ck_assert_int_eq(frames_decode_tls(m, sizeof(m), &t),
	    FRAMES_BAD_LENGTH);
	memcpy(m, tls_huawei, sizeof(m));
	m[59] = 0xff;
	ck_assert_int_eq(frames_decode_tls(m, sizeof(m), &t),
	    FRAMES_BAD_LENGTH);
	/* A record longer than TLS allows; TLS 1.3's version is not read. */
	memcpy(m, tls_huawei, sizeof(m));
	m[3] = 0xff;
	ck_assert_int_eq(frames_decode_tls(m, sizeof(m), &t),
	    FRAMES_BAD_LENGTH);
	memcpy(m, tls_huawei, sizeof(m));
	m[2] = 4;
	ck_assert_int_eq(frames_decode_tls(m, sizeof(m), &t),
	    FRAMES_BAD_HEADER);
	/* Every byte flipped: no read past the segment (the sanitizer build
	 * says), a reason the table knows. */
	for (size_t i = 0; i < sizeof(m); i++) {
		memcpy(m, tls_huawei, sizeof(m));
		m[i] ^= 0xff;
		ck_assert_int_lt(frames_decode_tls(m, sizeof(m), &t),
		    FRAMES_REASON_MAX);
	}
}
END_TEST

START_TEST(test_ssh_and_http_heads)
{
	static const char upnp[] =
	    "HTTP/1.1 200 OK\r\nCONTENT-TYPE: text/xml\r\n"
	    "SERVER: Linux/3.4 UPnP/1.0 HuaweiHomeGateway/1.0\r\n\r\n"
	    "<?xml version=\"1.0\"?><root "
	    "xmlns=\"urn:schemas-upnp-org:device-1-0\"><device>"
	    "<manufacturer>Huawei Technologies Co., Ltd.</manufacturer>"
	    "<modelName>HG8245H</modelName></device></root>";
	char line[300];
	struct frames_ssh ssh;
	struct frames_http h;

	ck_assert_int_eq(frames_decode_ssh((const uint8_t
						   *)"SSH-2.0-ZTE_SSH.2.0\r\n",
			     21, &ssh),
	    FRAMES_OK);
	ck_view(ssh.banner, "SSH-2.0-ZTE_SSH.2.0");
	/* A line that does not end in the segment is not a banner yet; one
	 * past the 255 bytes RFC 4253 allows is none. */
	ck_assert_int_eq(frames_decode_ssh((const uint8_t *)"SSH-2.0-Cis", 11,
			     &ssh),
	    FRAMES_OK);
	ck_assert_uint_eq(ssh.banner.len, 0);
	memset(line, 'a', sizeof(line));
	memcpy(line, "SSH-2.0-", 8);
	ck_assert_int_eq(frames_decode_ssh((const uint8_t *)line, sizeof(line),
			     &ssh),
	    FRAMES_BAD_LENGTH);

	ck_assert_int_eq(frames_decode_http((const uint8_t *)upnp,
			     sizeof(upnp) - 1, &h),
	    FRAMES_OK);
	ck_assert(h.response && h.head_complete && h.upnp);
	ck_assert_uint_eq(h.status, 200);
	ck_view(h.server, "Linux/3.4 UPnP/1.0 HuaweiHomeGateway/1.0");
	ck_view(h.manufacturer, "Huawei Technologies Co., Ltd.");
	ck_view(h.model_name, "HG8245H");
	for (size_t n = 0; n < sizeof(upnp) - 1; n++) {
		char *cut = xmalloc(n + 1);

		memcpy(cut, upnp, n);
		ck_assert_int_eq(frames_decode_http((const uint8_t *)cut, n,
				     &h),
		    n < 7 ? FRAMES_BAD_HEADER : FRAMES_OK);
		free(cut);
	}
	ck_assert_int_eq(frames_decode_http((const uint8_t
						    *)"HTTP/1.1 2x0 OK\r\n",
			     17, &h),
	    FRAMES_BAD_HEADER);
	/* Which decoder: by first bytes, and for UDP by port. */
	ck_assert_int_eq(frames_tcp_payload((const uint8_t *)upnp, 20),
	    FRAMES_PROTO_HTTP);
	ck_assert_int_eq(frames_tcp_payload(tls_huawei, sizeof(tls_huawei)),
	    FRAMES_PROTO_TLS);
	ck_assert_int_eq(frames_tcp_payload((const uint8_t *)"GET / HTTP/1.1",
			     14),
	    FRAMES_PROTO_NONE);
	ck_assert_int_eq(frames_udp_payload(49152, 1900,
			     (const uint8_t *)"NOTIFY * HTTP/1.1\r\n", 19),
	    FRAMES_PROTO_SSDP);
	ck_assert_int_eq(frames_udp_payload(49152, 1900,
			     (const uint8_t *)"M-SEARCH * HTTP/1.1\r\n", 21),
	    FRAMES_PROTO_NONE);
	ck_assert_int_eq(frames_udp_payload(5353, 5353, NULL, 0),
	    FRAMES_PROTO_MDNS);
}
END_TEST

/* An mDNS answer: printer._ipp._tcp.local TXT "usb_MFG=Hikvision", and
 * an A record for a name that points back into the first. */
static const uint8_t mdns_answer[] = {
	0x00,
	0x00,
	0x84,
	0x00,
	0x00,
	0x00,
	0x00,
	0x02,
	0x00,
	0x00,
	0x00,
	0x00,
	/* 12: printer._ipp._tcp.local TXT */
	7,
	'p',
	'r',
	'i',
	'n',
	't',
	'e',
	'r',
	4,
	'_',
	'i',
	'p',
	'p',
	4,
	'_',
	't',
	'c',
	'p',
	5,
	'l',
	'o',
	'c',
	'a',
	'l',
	0,
	0x00,
	0x10,
	0x80,
	0x01,
	0x00,
	0x00,
	0x00,
	0x78,
	0x00,
	0x12,
	17,
	'u',
	's',
	'b',
	'_',
	'M',
	'F',
	'G',
	'=',
	'H',
	'i',
	'k',
	'v',
	'i',
	's',
	'i',
	'o',
	'n',
	/* cam.local A, "local" by a pointer to byte 30 */
	3,
	'c',
	'a',
	'm',
	0xc0,
	30,
	0x00,
	0x01,
	0x80,
	0x01,
	0x00,
	0x00,
	0x00,
	0x78,
	0x00,
	0x04,
	10,
	0,
	0,
	5,
};

START_TEST(test_mdns_names_and_hostile_pointers)
{
	uint8_t m[sizeof(mdns_answer)];
	struct frames_mdns d;
	size_t at_ptr;

	ck_assert_int_eq(frames_decode_mdns(mdns_answer, sizeof(mdns_answer),
			     &d),
	    FRAMES_OK);
	ck_assert_uint_eq(d.n_records, 2);
	ck_assert_uint_eq(d.n_names, 2);
	ck_view(d.names[0], "printer");
	ck_view(d.names[1], "cam");
	ck_assert_uint_eq(d.n_txt, 1);
	ck_view(d.txt[0], "usb_MFG=Hikvision");
	for (size_t n = 0; n < sizeof(mdns_answer); n++)
		ck_assert_int_lt(frames_decode_mdns(mdns_answer, n, &d),
		    FRAMES_REASON_MAX);
	/* A pointer to itself, and one forward: refused, no loop. */
	at_ptr = sizeof(mdns_answer) - 4 - 10 - 2;
	memcpy(m, mdns_answer, sizeof(m));
	m[at_ptr + 1] = (uint8_t)(at_ptr - 4);
	ck_assert_int_eq(frames_decode_mdns(m, sizeof(m), &d), FRAMES_BAD_TLV);
	m[at_ptr + 1] = (uint8_t)(at_ptr + 2);
	ck_assert_int_eq(frames_decode_mdns(m, sizeof(m), &d), FRAMES_BAD_TLV);
	/* 65535 answers announced, two there. */
	memcpy(m, mdns_answer, sizeof(m));
	m[6] = m[7] = 0xff;
	ck_assert_int_eq(frames_decode_mdns(m, sizeof(m), &d),
	    FRAMES_TRUNCATED);
	/* A TXT string longer than its record spoils only that record. */
	memcpy(m, mdns_answer, sizeof(m));
	m[47] = 40;
	ck_assert_int_eq(frames_decode_mdns(m, sizeof(m), &d), FRAMES_BAD_TLV);
	ck_assert_uint_eq(d.n_records, 2);
	ck_view(d.names[1], "cam");
	/* A query names what its sender looks for: nothing kept. */
	memcpy(m, mdns_answer, sizeof(m));
	m[2] = 0;
	ck_assert_int_eq(frames_decode_mdns(m, sizeof(m), &d), FRAMES_OK);
	ck_assert_uint_eq(d.n_names, 0);
}
END_TEST

static Suite *
frames_suite(void)
{
	Suite *s = suite_create("frames");
	TCase *tc;

	tc = tcase_create("handmade");
	tcase_add_test(tc, test_lldp_basic);
	tcase_add_test(tc, test_lldp_9bit_length);
	tcase_add_test(tc, test_lldp_snap);
	tcase_add_test(tc, test_arp_qinq);
	tcase_add_test(tc, test_vlan_too_deep);
	tcase_add_test(tc, test_tunnels);
	tcase_add_test(tc, test_tunnel_depth);
	tcase_add_test(tc, test_gre_ipv6);
	tcase_add_test(tc, test_lldp_chassis_address);
	tcase_add_test(tc, test_ip_fragment);
	tcase_add_test(tc, test_cdp_ipv6);
	tcase_add_test(tc, test_dhcp_options);
	tcase_add_loop_test(tc, test_bad_frames, 0, (int)ARRAY_SIZE(bad_cases));
	tcase_add_test(tc, test_lldp_mgmt_oid_overrun);
	tcase_add_test(tc, test_lldp_mgmt_no_oid_length);
	tcase_add_test(tc, test_helpers);
	tcase_add_test(tc, test_plain_ipv4);
	suite_add_tcase(s, tc);

	tc = tcase_create("fingerprints");
	tcase_add_test(tc, test_tls_certificate_and_hostile_lengths);
	tcase_add_test(tc, test_ssh_and_http_heads);
	tcase_add_test(tc, test_mdns_names_and_hostile_pointers);
	suite_add_tcase(s, tc);

	tc = tcase_create("captures");
	tcase_add_test(tc, test_pcap_lldp_and_cdp);
	tcase_add_test(tc, test_pcap_3560_cdp);
	tcase_add_test(tc, test_pcap_8023bt);
	tcase_add_test(tc, test_pcap_sg200);
	tcase_add_test(tc, test_pcap_connectx);
	tcase_add_test(tc, test_pcap_mudurl);
	tcase_add_test(tc, test_pcap_eapon1);
	tcase_add_test(tc, test_pcap_dhcp_rfc3004);
	tcase_add_test(tc, test_pcap_erspan_huawei);
	tcase_add_test(tc, test_pcap_erspan_h3c);
	tcase_add_loop_test(tc, test_pcap_fingerprints, 0,
	    (int)ARRAY_SIZE(fingerprint_captures));
	tcase_add_loop_test(tc, test_pcap_others, 0,
	    (int)ARRAY_SIZE(other_captures));
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_test(tc, test_malformed_arp_oobr);
	tcase_add_test(tc, test_malformed_arp_too_long);
	tcase_add_test(tc, test_malformed_lldp_asan);
	tcase_add_test(tc, test_malformed_raw);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testenv_run(frames_suite());
}
