/*
 * Seed corpus for the fuzz targets: reads captures (pcap, or .raw files of
 * one Ethernet frame each) and writes every frame to OUT/frames and
 * OUT/passive, and the payload each sub-decoder takes to OUT/lldp, OUT/cdp,
 * OUT/arp, OUT/dhcp and OUT/gre, TCP payloads to OUT/app and OUT/tls, UDP
 * payloads to OUT/app (behind two bytes of ports) and OUT/mdns. It finds the payloads with its own small
 * parser, so a bug in the decoders cannot hide seeds from them.
 */
#include <errno.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *outdir;
static unsigned long serial;

static unsigned
get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static void
put(const char *kind, const uint8_t *p, size_t len)
{
	char path[PATH_MAX];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s/seed-%06lu", outdir, kind,
	    serial++);
	fp = fopen(path, "wb");
	if (fp == NULL || fwrite(p, 1, len, fp) != len || fclose(fp) != 0) {
		fprintf(stderr, "fuzz_corpus: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

/* A TCP or UDP segment's payload, to the decoders that take it. */
static void
transport(unsigned proto, const uint8_t *p, size_t len)
{
	uint8_t buf[65536];
	size_t hl;

	if (proto == 6 && len >= 20) {
		hl = (size_t)(p[12] >> 4) * 4;
		if (hl < 20 || hl >= len)
			return;
		put("app", p + hl, len - hl);
		if (p[hl] == 0x16)
			put("tls", p + hl, len - hl);
	} else if (proto == 17 && len >= 8) {
		put("dhcp", p + 8, len - 8);
		if (get16(p) == 5353 || get16(p + 2) == 5353)
			put("mdns", p + 8, len - 8);
		/* fuzz_app reads the ports' low bit first: 1900, 5353. */
		if (len - 8 > sizeof(buf) - 2)
			return;
		buf[0] = get16(p) == 1900 ? 1 : 0;
		buf[1] = get16(p + 2) == 5353 ? 1 : 0;
		memcpy(buf + 2, p + 8, len - 8);
		put("app", buf, len - 8 + 2);
	}
}

static void
split(const uint8_t *p, size_t len)
{
	size_t off = 14, hl;
	unsigned type;

	put("frames", p, len);
	put("passive", p, len);
	if (len < 14)
		return;
	type = get16(p + 12);
	while ((type == 0x8100 || type == 0x88a8 || type == 0x9100) &&
	    len - off >= 4) {
		type = get16(p + off + 2);
		off += 4;
	}
	if (type <= 1500) {
		if (len - off < 8 || p[off] != 0xaa || p[off + 1] != 0xaa)
			return;
		type = get16(p + off + 6);
		if (p[off + 3] == 0 && p[off + 4] == 0x00 &&
		    p[off + 5] == 0x0c && type == 0x2000) {
			put("cdp", p + off + 8, len - off - 8);
			return;
		}
		off += 8;
	}
	if (type == 0x88cc)
		put("lldp", p + off, len - off);
	else if (type == 0x0806)
		put("arp", p + off, len - off);
	else if (type == 0x0800 && len - off >= 20) {
		hl = (size_t)(p[off] & 0x0f) * 4;
		if (hl < 20 || len - off < hl)
			return;
		if (p[off + 9] == 47)
			put("gre", p + off + hl, len - off - hl);
		else
			transport(p[off + 9], p + off + hl, len - off - hl);
	} else if (type == 0x86dd && len - off >= 40)
		transport(p[off + 6], p + off + 40, len - off - 40);
}

static int
read_raw(const char *path)
{
	uint8_t buf[65536];
	FILE *fp = fopen(path, "rb");
	size_t n;

	if (fp == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	split(buf, n);
	return 0;
}

static int
read_pcap(const char *path)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *pc;

	pc = pcap_open_offline(path, err);
	if (pc == NULL) {
		fprintf(stderr, "fuzz_corpus: %s\n", err);
		return -1;
	}
	while (pcap_next_ex(pc, &h, &data) == 1)
		split(data, h->caplen);
	pcap_close(pc);
	return 0;
}

int
main(int argc, char **argv)
{
	static const char *const kinds[] = {
		"frames",
		"lldp",
		"cdp",
		"arp",
		"dhcp",
		"gre",
		"app",
		"tls",
		"mdns",
		"passive",
	};
	char path[PATH_MAX];
	int i, rc = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: fuzz_corpus OUTDIR CAPTURE...\n");
		return 2;
	}
	outdir = argv[1];
	for (i = 0; i < (int)(sizeof(kinds) / sizeof(kinds[0])); i++) {
		snprintf(path, sizeof(path), "%s/%s", outdir, kinds[i]);
		if (mkdir(path, 0755) != 0 && errno != EEXIST) {
			fprintf(stderr, "fuzz_corpus: %s: %s\n", path,
			    strerror(errno));
			return 1;
		}
	}
	for (i = 2; i < argc; i++) {
		size_t n = strlen(argv[i]);

		if (n > 4 && strcmp(argv[i] + n - 4, ".raw") == 0)
			rc |= read_raw(argv[i]);
		else
			rc |= read_pcap(argv[i]);
	}
	return rc != 0;
}
