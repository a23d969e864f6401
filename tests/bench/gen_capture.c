/*
 * Writes a synthetic classic-pcap capture for the ingest benchmark: FRAMES
 * Ethernet frames from MACS distinct source MACs, a mix a mirror port on an
 * operator's access network sees: mostly unicast IPv4 (UDP/TCP), with ARP,
 * DHCP, LLDP and CDP. Deterministic for a given seed. The MACs are numbered
 * FIRST to FIRST + MACS - 1 (FIRST is 0 unless given): captures with disjoint
 * ranges share no MAC.
 *
 * Host number i has the address 10.(i >> 16).(i >> 8 & 255).(i & 255) and
 * a MAC in the block ouis[i % 12] ending in i + BASE (-b, default 0): sites
 * generated with other bases share an address plan but no MAC. -l leaves
 * out the high-risk makers (Huawei, ZTE, Hikvision): their hosts take the
 * other blocks.
 *
 * usage: gen_capture [-b BASE] [-l] OUT.pcap FRAMES MACS [SEED [FIRST]]
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint64_t rng;

static uint32_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static const uint8_t ouis[][3] = {
	{ 0x00, 0x25, 0x9e }, /* Huawei */
	{ 0x28, 0x6e, 0xd4 }, /* Huawei */
	{ 0x00, 0x19, 0xc6 }, /* ZTE */
	{ 0x00, 0x18, 0xba }, /* Cisco */
	{ 0x00, 0x19, 0x2f }, /* Cisco */
	{ 0x00, 0x05, 0x85 }, /* Juniper */
	{ 0x00, 0x1c, 0x73 }, /* Arista */
	{ 0x00, 0x0c, 0x29 }, /* VMware */
	{ 0x3c, 0xe5, 0xa6 }, /* H3C */
	{ 0x44, 0x19, 0xb6 }, /* Hikvision */
	{ 0x00, 0x23, 0x89 }, /* H3C */
	{ 0x00, 0x04, 0x23 }, /* Intel */
};
#define NOUIS (sizeof(ouis) / sizeof(ouis[0]))

/* With -l, what stands in for each block of ouis[] (by index). */
static const unsigned low_risk[NOUIS] = { 3, 4, 5, 3, 4, 5, 6, 7, 8, 6, 10,
	11 };

static uint32_t mac_base;
static bool low_only;

/* The index in ouis[] of host i's block. */
static unsigned
oui_of(uint32_t i)
{
	unsigned k = i % NOUIS;

	return low_only ? low_risk[k] : k;
}

static void
mac_for(uint32_t i, uint8_t m[6])
{
	const uint8_t *o = ouis[oui_of(i)];
	uint32_t n = i + mac_base;

	m[0] = o[0];
	m[1] = o[1];
	m[2] = o[2];
	m[3] = (uint8_t)(n >> 16);
	m[4] = (uint8_t)(n >> 8);
	m[5] = (uint8_t)n;
}

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static size_t
tlv(uint8_t *p, unsigned type, const void *v, size_t len)
{
	p[0] = (uint8_t)(type << 1 | (len >> 8));
	p[1] = (uint8_t)len;
	memcpy(p + 2, v, len);
	return 2 + len;
}

static size_t
lldp(uint8_t *f, uint32_t i)
{
	static const uint8_t dst[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e };
	uint8_t chassis[7], port[16], ttl[2] = { 0, 120 };
	char name[32], descr[96];
	size_t n = 14;

	memcpy(f, dst, 6);
	mac_for(i, f + 6);
	put16(f + 12, 0x88cc);
	chassis[0] = 4;
	memcpy(chassis + 1, f + 6, 6);
	n += tlv(f + n, 1, chassis, 7);
	port[0] = 5;
	memcpy(port + 1, "GE0/0/1", 7);
	n += tlv(f + n, 2, port, 8);
	n += tlv(f + n, 3, ttl, 2);
	snprintf(name, sizeof(name), "site%u-sw", i);
	n += tlv(f + n, 5, name, strlen(name));
	if (oui_of(i) < 2)
		snprintf(descr, sizeof(descr),
		    "Huawei Versatile Routing Platform Software VRP (R) software, Version 8.190");
	else
		snprintf(descr, sizeof(descr),
		    "Cisco IOS Software, C3560 Software (C3560-IPBASE-M), Version 12.2(44)SE");
	n += tlv(f + n, 6, descr, strlen(descr));
	f[n++] = 0;
	f[n++] = 0;
	return n;
}

static size_t
arp(uint8_t *f, uint32_t i, uint32_t target)
{
	memset(f, 0xff, 6);
	mac_for(i, f + 6);
	put16(f + 12, 0x0806);
	put16(f + 14, 1);
	put16(f + 16, 0x0800);
	f[18] = 6;
	f[19] = 4;
	put16(f + 20, 1);
	memcpy(f + 22, f + 6, 6);
	f[28] = 10;
	f[29] = (uint8_t)(i >> 16);
	f[30] = (uint8_t)(i >> 8);
	f[31] = (uint8_t)i;
	memset(f + 32, 0, 6);
	f[38] = 10;
	f[39] = 0;
	f[40] = (uint8_t)(target >> 8);
	f[41] = (uint8_t)target;
	memset(f + 42, 0, 18);
	return 60;
}

static unsigned
ip_checksum(const uint8_t *h, size_t len)
{
	uint32_t sum = 0;

	for (size_t k = 0; k + 1 < len; k += 2)
		sum += (uint32_t)(h[k] << 8 | h[k + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

static size_t
ipv4_udp(uint8_t *f, uint32_t i, uint32_t j, unsigned sport, unsigned dport,
    const uint8_t *payload, size_t plen)
{
	size_t n = 14;

	mac_for(j, f);
	mac_for(i, f + 6);
	put16(f + 12, 0x0800);
	f[n] = 0x45;
	f[n + 1] = 0;
	put16(f + n + 2, (unsigned)(20 + 8 + plen));
	put16(f + n + 4, i & 0xffff);
	put16(f + n + 6, 0);
	f[n + 8] = 64;
	f[n + 9] = 17;
	put16(f + n + 10, 0);
	f[n + 12] = 10;
	f[n + 13] = (uint8_t)(i >> 16);
	f[n + 14] = (uint8_t)(i >> 8);
	f[n + 15] = (uint8_t)i;
	f[n + 16] = 10;
	f[n + 17] = (uint8_t)(j >> 16);
	f[n + 18] = (uint8_t)(j >> 8);
	f[n + 19] = (uint8_t)j;
	put16(f + n + 10, ip_checksum(f + n, 20));
	n += 20;
	put16(f + n, sport);
	put16(f + n + 2, dport);
	put16(f + n + 4, (unsigned)(8 + plen));
	put16(f + n + 6, 0);
	n += 8;
	memcpy(f + n, payload, plen);
	return n + plen;
}

static size_t
dhcp(uint8_t *f, uint32_t i)
{
	uint8_t b[300];
	size_t n = 236;
	char host[32];

	memset(b, 0, sizeof(b));
	b[0] = 1;
	b[1] = 1;
	b[2] = 6;
	put16(b + 4, i >> 16);
	put16(b + 6, i & 0xffff);
	mac_for(i, b + 28);
	b[n++] = 99;
	b[n++] = 130;
	b[n++] = 83;
	b[n++] = 99;
	b[n++] = 53;
	b[n++] = 1;
	b[n++] = 1;
	snprintf(host, sizeof(host), "cam-%u", i);
	b[n++] = 12;
	b[n++] = (uint8_t)strlen(host);
	memcpy(b + n, host, strlen(host));
	n += strlen(host);
	b[n++] = 60;
	b[n++] = 8;
	memcpy(b + n, "MSFT 5.0", 8);
	n += 8;
	b[n++] = 255;
	n = ipv4_udp(f, i, 0xffffff, 68, 67, b, n);
	memset(f, 0xff, 6);
	return n;
}

int
main(int argc, char **argv)
{
	static const uint8_t hdr[24] = {
		0xd4,
		0xc3,
		0xb2,
		0xa1,
		2,
		0,
		4,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0,
		0xff,
		0xff,
		0,
		0,
		1,
		0,
		0,
		0,
	};
	uint8_t frame[1600], rec[16], payload[1400];
	unsigned long long frames, macs, first, base = 0;
	FILE *out;
	int opt;

	while ((opt = getopt(argc, argv, "b:l")) != -1) {
		if (opt == 'b')
			base = strtoull(optarg, NULL, 10);
		else if (opt == 'l')
			low_only = true;
		else
			break;
	}
	if (opt != -1 || argc - optind < 3 || argc - optind > 5) {
		fprintf(stderr,
		    "usage: gen_capture [-b BASE] [-l] OUT.pcap FRAMES MACS "
		    "[SEED [FIRST]]\n");
		return 2;
	}
	argv += optind - 1;
	frames = strtoull(argv[2], NULL, 10);
	macs = strtoull(argv[3], NULL, 10);
	rng = argc - optind >= 4 ? strtoull(argv[4], NULL, 10) | 1
				 : 0x9e3779b97f4a7c15ULL;
	first = argc - optind == 5 ? strtoull(argv[5], NULL, 10) : 0;
	if (frames == 0 || macs == 0 || first > 0xffffff ||
	    macs > 0x1000000 - first || first + macs + base > 0x1000000) {
		fprintf(stderr,
		    "gen_capture: FRAMES > 0, MACS > 0 and "
		    "FIRST + MACS + BASE <= 16777216\n");
		return 2;
	}
	mac_base = (uint32_t)base;
	out = fopen(argv[1], "wb");
	if (out == NULL) {
		perror(argv[1]);
		return 1;
	}
	setvbuf(out, NULL, _IOFBF, 1 << 20);
	fwrite(hdr, 1, sizeof(hdr), out);
	for (size_t k = 0; k < sizeof(payload); k++)
		payload[k] = (uint8_t)(k * 31);

	for (unsigned long long n = 0; n < frames; n++) {
		/* Every MAC appears early once, then sources follow a skewed mix. */
		uint32_t i = (uint32_t)first +
		    (n < macs ? (uint32_t)n : next() % (uint32_t)macs);
		uint32_t r = next() % 1000;
		size_t len;

		if (r < 5)
			len = lldp(frame, i);
		else if (r < 40)
			len = arp(frame, i, next());
		else if (r < 60)
			len = dhcp(frame, i);
		else
			len = ipv4_udp(frame, i,
			    (uint32_t)first + next() % (uint32_t)macs, 40000,
			    443, payload, 64 + next() % 448);
		if (len < 60) {
			memset(frame + len, 0, 60 - len);
			len = 60;
		}
		put32le(rec, (uint32_t)(1764300000 + n / 100000));
		put32le(rec + 4, (uint32_t)((n % 100000) * 10));
		put32le(rec + 8, (uint32_t)len);
		put32le(rec + 12, (uint32_t)len);
		fwrite(rec, 1, sizeof(rec), out);
		fwrite(frame, 1, len, out);
	}
	if (fclose(out) != 0) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
