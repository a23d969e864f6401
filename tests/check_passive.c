/*
 * Unit tests of passive observation: which frames become sightings (only
 * news reaches the store) and what those sightings carry.
 */
#include <check.h>
#include <dirent.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/text.h"
#include "probes/passive.h"
#include "common/util.h"
#include "tests/lib/testenv.h"

#define MAX_SEEN 64

static struct sighting *seen[MAX_SEEN];
static size_t n_seen;

static void
collect(void *ctx, struct sighting *s)
{
	(void)ctx;
	ck_assert_uint_lt(n_seen, MAX_SEEN);
	seen[n_seen++] = s;
}

/* One frame, then whatever its lookups made news (plain frames' MACs are
 * looked up a few frames later otherwise). */
static void
observe(struct passive *p, const uint8_t *bytes, size_t caplen, int64_t ts)
{
	passive_frame(p, bytes, caplen, ts);
	passive_flush(p);
}

static void
reset(void)
{
	for (size_t i = 0; i < n_seen; i++)
		sighting_free(seen[i]);
	n_seen = 0;
}

static bool
has_addr(const struct sighting *s, enum addr_kind kind, const char *value)
{
	for (size_t i = 0; i < s->n_addrs; i++)
		if (s->addrs[i].kind == kind &&
		    strcmp(s->addrs[i].value, value) == 0)
			return true;
	return false;
}

static bool
has_input(const struct sighting *s, enum evidence_kind kind, const char *value)
{
	for (size_t i = 0; i < s->n_inputs; i++)
		if (s->inputs[i].kind == kind &&
		    strcmp(s->inputs[i].value, value) == 0)
			return true;
	return false;
}

/* A 60-byte IPv4 frame from src. */
static size_t
ipv4_frame(uint8_t *f, const uint8_t src[6])
{
	static const uint8_t dst[6] = { 0x00, 0x0c, 0x29, 0xaa, 0xbb, 0xcc };

	memset(f, 0, 60);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	f[14] = 0x45;
	f[16] = 0;
	f[17] = 46;
	f[22] = 64;
	f[23] = 17;
	f[34] = 0x9c; /* UDP 40000 -> 443, 26 bytes */
	f[35] = 0x40;
	f[36] = 0x01;
	f[37] = 0xbb;
	f[39] = 26;
	return 60;
}

/* An LLDPDU from src: chassis MAC src, port "Gi0/1", TTL 120, sysName, sysDescr. */
static size_t
lldp_frame(uint8_t *f, const uint8_t src[6], const char *name,
    const char *descr)
{
	static const uint8_t dst[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e };
	size_t n = 14, len;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x88;
	f[13] = 0xcc;
	f[n++] = 1 << 1; /* chassis ID, length 7, subtype 4 MAC */
	f[n++] = 7;
	f[n++] = 4;
	memcpy(f + n, src, 6);
	n += 6;
	f[n++] = 2 << 1; /* port ID, subtype 5 interface name */
	f[n++] = 6;
	f[n++] = 5;
	memcpy(f + n, "Gi0/1", 5);
	n += 5;
	f[n++] = 3 << 1; /* TTL 120 */
	f[n++] = 2;
	f[n++] = 0;
	f[n++] = 120;
	len = strlen(name);
	f[n++] = 5 << 1;
	f[n++] = (uint8_t)len;
	memcpy(f + n, name, len);
	n += len;
	len = strlen(descr);
	f[n++] = 6 << 1;
	f[n++] = (uint8_t)len;
	memcpy(f + n, descr, len);
	n += len;
	f[n++] = 0; /* end */
	f[n++] = 0;
	return n < 60 ? 60 : n;
}

/* An ARP request from mac claiming ip. */
static size_t
arp_frame(uint8_t *f, const uint8_t mac[6], const uint8_t ip[4])
{
	memset(f, 0, 60);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	f[15] = 1;    /* Ethernet */
	f[16] = 0x08; /* IPv4 */
	f[18] = 6;
	f[19] = 4;
	f[21] = 1; /* request */
	memcpy(f + 22, mac, 6);
	memcpy(f + 28, ip, 4);
	f[38] = 10;
	f[41] = 1;
	return 60;
}

static const uint8_t huawei[6] = { 0x00, 0x25, 0x9e, 0x01, 0x02, 0x03 };
static const uint8_t cisco[6] = { 0x00, 0x18, 0xba, 0x0a, 0x0b, 0x0c };

START_TEST(test_a_mac_is_news_once_until_its_refresh_is_due)
{
	struct passive *p = passive_new(100, 3600, "ran", collect, NULL);
	uint8_t f[128];
	size_t len = ipv4_frame(f, huawei);

	observe(p, f, len, 1000);
	observe(p, f, len, 1001);
	observe(p, f, len, 4599);
	ck_assert_uint_eq(n_seen, 1);
	ck_assert_str_eq(seen[0]->source, "mac");
	ck_assert_str_eq(seen[0]->zone, "ran");
	ck_assert(has_addr(seen[0], ADDR_MAC, "00:25:9e:01:02:03"));
	ck_assert(has_input(seen[0], EV_OUI, "00:25:9e:01:02:03"));
	ck_assert_int_eq(seen[0]->observed_at, 1000);
	observe(p, f, len, 4600);
	ck_assert_uint_eq(n_seen, 2);
	ck_assert_int_eq(seen[1]->observed_at, 4600);
	ck_assert_uint_eq(passive_counts(p)->frames, 4);
	ck_assert_uint_eq(passive_counts(p)->sightings, 2);
	ck_assert_uint_eq(passive_macs(p), 1);
	reset();
	passive_free(p);
}
END_TEST

START_TEST(test_lldp_content_is_reported_when_it_changes)
{
	struct passive *p = passive_new(100, 3600, NULL, collect, NULL);
	uint8_t f[256];
	size_t len;

	len = lldp_frame(f, cisco, "sw1.example", "Cisco IOS Software, C3560");
	observe(p, f, len, 10);
	observe(p, f, len, 40);       /* the same LLDPDU 30 s later */
	ck_assert_uint_eq(n_seen, 2); /* the new MAC, then the LLDP content */
	ck_assert_str_eq(seen[1]->source, "lldp");
	ck_assert_str_eq(seen[1]->sys_name, "sw1.example");
	ck_assert_str_eq(seen[1]->sys_descr, "Cisco IOS Software, C3560");
	ck_assert_str_eq(seen[1]->chassis_mac, "00:18:ba:0a:0b:0c");
	ck_assert_str_eq(seen[1]->chassis_id, "4:00:18:ba:0a:0b:0c");
	ck_assert(has_input(seen[1], EV_LLDP, "Cisco IOS Software, C3560"));
	ck_assert(seen[1]->zone == NULL);
	len = lldp_frame(f, cisco, "sw1-renamed.example",
	    "Cisco IOS Software, C3560");
	observe(p, f, len, 70);
	ck_assert_uint_eq(n_seen, 3);
	ck_assert_str_eq(seen[2]->sys_name, "sw1-renamed.example");
	ck_assert_uint_eq(passive_counts(p)->lldp, 3);
	reset();
	passive_free(p);
}
END_TEST

START_TEST(test_arp_reports_a_new_address_for_a_known_mac)
{
	struct passive *p = passive_new(100, 3600, NULL, collect, NULL);
	uint8_t f[64];
	const uint8_t ip1[4] = { 10, 1, 2, 3 }, ip2[4] = { 10, 1, 2, 4 };
	const uint8_t none[4] = { 0, 0, 0, 0 };

	observe(p, f, arp_frame(f, huawei, ip1), 5);
	ck_assert_uint_eq(n_seen, 2); /* the MAC, then MAC + address */
	ck_assert_str_eq(seen[1]->source, "arp");
	ck_assert(has_addr(seen[1], ADDR_IPV4, "10.1.2.3"));
	ck_assert(has_addr(seen[1], ADDR_MAC, "00:25:9e:01:02:03"));
	observe(p, f, arp_frame(f, huawei, ip1), 6);
	ck_assert_uint_eq(n_seen, 2);
	observe(p, f, arp_frame(f, huawei, ip2), 7);
	ck_assert_uint_eq(n_seen, 3);
	ck_assert(has_addr(seen[2], ADDR_IPV4, "10.1.2.4"));
	/* An ARP probe (sender 0.0.0.0) claims no address. */
	observe(p, f, arp_frame(f, cisco, none), 8);
	ck_assert_uint_eq(n_seen, 4);
	ck_assert_str_eq(seen[3]->source, "mac");
	reset();
	passive_free(p);
}
END_TEST

/* A sink whose queue is always full: every sighting is dropped and said
 * to be untold, from within the sink, as vrauditd does. */
static struct passive *dropping;
static size_t dropped;

static void
drop_all(void *ctx, struct sighting *s)
{
	(void)ctx;
	passive_untold(dropping, s);
	sighting_free(s);
	dropped++;
}

START_TEST(test_a_dropped_sighting_is_news_again_at_the_next_frame)
{
	struct passive *p = passive_new(100, 3600, NULL, collect, NULL);
	uint8_t f[128];
	const uint8_t ip[4] = { 10, 1, 2, 3 };

	observe(p, f, arp_frame(f, huawei, ip), 5);
	ck_assert_uint_eq(n_seen, 2);
	observe(p, f, lldp_frame(f, cisco, "S1", "Cisco IOS"), 5);
	ck_assert_uint_eq(n_seen, 4);
	observe(p, f, arp_frame(f, huawei, ip), 6);
	observe(p, f, lldp_frame(f, cisco, "S1", "Cisco IOS"), 6);
	ck_assert_uint_eq(n_seen, 4); /* nothing new */
	/* The store never got the ARP host's address, nor the LLDP
	 * speaker's content: both are news at their next frame, without
	 * waiting an hour for the refresh. */
	passive_untold(p, seen[1]);
	passive_untold(p, seen[3]);
	reset();
	observe(p, f, arp_frame(f, huawei, ip), 7);
	ck_assert_uint_ge(n_seen, 1);
	ck_assert(has_addr(seen[n_seen - 1], ADDR_IPV4, "10.1.2.3"));
	ck_assert(has_addr(seen[n_seen - 1], ADDR_MAC, "00:25:9e:01:02:03"));
	reset();
	observe(p, f, lldp_frame(f, cisco, "S1", "Cisco IOS"), 7);
	ck_assert_uint_ge(n_seen, 1);
	ck_assert_str_eq(seen[n_seen - 1]->source, "lldp");
	ck_assert_str_eq(seen[n_seen - 1]->sys_name, "S1");
	reset();
	/* Told this time: no news again. */
	observe(p, f, arp_frame(f, huawei, ip), 8);
	observe(p, f, lldp_frame(f, cisco, "S1", "Cisco IOS"), 8);
	ck_assert_uint_eq(n_seen, 0);
	passive_free(p);

	/* From within the sink: every frame is news while nothing is told. */
	dropped = 0;
	dropping = passive_new(100, 3600, NULL, drop_all, NULL);
	for (int i = 0; i < 5; i++) {
		size_t before = dropped;

		passive_frame(dropping, f, arp_frame(f, huawei, ip), 10 + i);
		passive_frame(dropping, f, ipv4_frame(f, cisco), 10 + i);
		passive_flush(dropping);
		ck_assert_uint_ge(dropped, before + 2);
	}
	passive_free(dropping);
}
END_TEST

START_TEST(test_group_and_zero_source_macs_are_not_elements)
{
	struct passive *p = passive_new(100, 3600, NULL, collect, NULL);
	const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	const uint8_t zero[6] = { 0 };
	uint8_t f[64];

	observe(p, f, ipv4_frame(f, mcast), 1);
	observe(p, f, ipv4_frame(f, zero), 1);
	ck_assert_uint_eq(n_seen, 0);
	ck_assert_uint_eq(passive_macs(p), 0);
	passive_free(p);
}
END_TEST

START_TEST(test_undecodable_frames_are_counted_by_reason)
{
	struct passive *p = passive_new(100, 3600, NULL, collect, NULL);
	uint8_t f[64];
	size_t len = ipv4_frame(f, huawei);

	observe(p, f, 10, 1); /* shorter than an Ethernet header */
	observe(p, f, len, 1);
	observe(p, NULL, 64, 1); /* no bytes at all */
	ck_assert_uint_eq(passive_counts(p)->frames, 3);
	ck_assert_uint_eq(passive_counts(p)->decoded, 1);
	ck_assert_uint_eq(passive_counts(p)->undecodable[FRAMES_TRUNCATED], 2);
	reset();
	passive_free(p);
}
END_TEST

START_TEST(test_wire_text_keeps_inner_nuls_and_drops_the_padding)
{
	struct passive *p = passive_new(100, 3600, NULL, collect, NULL);
	uint8_t f[256], bytes[16];
	/* 12 bytes: a NUL inside, two NULs of padding */
	const char descr[] = "Huawei\0VRP\0\0";
	size_t len = lldp_frame(f, huawei, "x", "0123456789ab"), n;
	uint8_t *at = memmem(f, len, "0123456789ab", 12);

	/* Put the value in place of the sysDescr. */
	ck_assert_ptr_nonnull(at);
	memcpy(at, descr, 12);
	observe(p, f, len, 1);
	ck_assert_uint_eq(n_seen, 2);
	/* Stored as the ten bytes before the padding: NUL and all. */
	ck_assert(!text_wire_is_utf8(seen[1]->sys_descr));
	n = text_wire_decode(seen[1]->sys_descr, bytes);
	ck_assert_uint_eq(n, 10);
	ck_assert_mem_eq(bytes, "Huawei\0VRP", 10);
	ck_assert(has_input(seen[1], EV_LLDP, seen[1]->sys_descr));
	reset();
	passive_free(p);
}
END_TEST

/*
 * The shortcut for plain IPv4 frames against the full decoder: two
 * observers, one with passive_set_full_decode, fed the same frames, must
 * write the same transcript of sightings and keep the same counters.
 */
static void
put(struct strbuf *t, const char *field)
{
	strbuf_adds(t, field != NULL ? field : "-");
	strbuf_addc(t, '|');
}

static void
write_down(void *ctx, struct sighting *s)
{
	struct strbuf *t = ctx;
	char when[32];

	snprintf(when, sizeof(when), "%" PRId64, s->observed_at);
	put(t, when);
	put(t, s->source);
	put(t, s->zone);
	put(t, s->mgmt_ip);
	put(t, s->chassis_mac);
	put(t, s->chassis_id);
	put(t, s->serial);
	put(t, s->sys_name);
	put(t, s->sys_descr);
	put(t, s->sys_object_id);
	put(t, s->model);
	put(t, s->software);
	for (size_t i = 0; i < s->n_addrs; i++) {
		put(t, addr_kind_name(s->addrs[i].kind));
		put(t, s->addrs[i].value);
	}
	for (size_t i = 0; i < s->n_inputs; i++) {
		snprintf(when, sizeof(when), "%d", (int)s->inputs[i].kind);
		put(t, when);
		put(t, s->inputs[i].value);
	}
	put(t, "\n");
	sighting_free(s);
}

/*
 * One stream of frames observed three ways: plain frames the short way,
 * every frame decoded in full, and (as vraudit ingest does) through a
 * frame queue to another thread, plain frames in runs.
 */
struct pair {
	struct passive *fast, *full, *queued;
	struct strbuf fast_seen, full_seen, queued_seen;
	struct frameq *q;
	pthread_t drainer;
};

static void *
drain_queue(void *ctx)
{
	struct pair *pr = ctx;

	passive_drain(pr->queued, pr->q);
	return NULL;
}

static void
pair_init(struct pair *pr, size_t max_macs, uint32_t refresh_s)
{
	memset(pr, 0, sizeof(*pr));
	pr->fast =
	    passive_new(max_macs, refresh_s, "z", write_down, &pr->fast_seen);
	pr->full =
	    passive_new(max_macs, refresh_s, "z", write_down, &pr->full_seen);
	pr->queued =
	    passive_new(max_macs, refresh_s, "z", write_down, &pr->queued_seen);
	passive_set_full_decode(pr->full, true);
	pr->q = frameq_new();
	ck_assert_int_eq(pthread_create(&pr->drainer, NULL, drain_queue, pr),
	    0);
}

static void
pair_frame(struct pair *pr, const uint8_t *bytes, size_t caplen, int64_t ts)
{
	passive_frame(pr->fast, bytes, caplen, ts);
	passive_frame(pr->full, bytes, caplen, ts);
	frameq_push(pr->q, bytes, caplen, ts);
	/* Frame by frame, so that a counter caught up later still shows. */
	if (memcmp(passive_counts(pr->fast), passive_counts(pr->full),
		sizeof(struct passive_counts)) != 0 ||
	    pr->fast_seen.len != pr->full_seen.len)
		ck_abort_msg("frame %" PRIu64 " (%zu bytes) told apart",
		    passive_counts(pr->full)->frames, caplen);
}

/* All three agree; returns how many frames they saw. */
static uint64_t
pair_finish(struct pair *pr)
{
	uint64_t frames = passive_counts(pr->fast)->frames;

	frameq_close(pr->q);
	ck_assert_int_eq(pthread_join(pr->drainer, NULL), 0);
	ck_assert_mem_eq(passive_counts(pr->fast), passive_counts(pr->full),
	    sizeof(struct passive_counts));
	ck_assert_mem_eq(passive_counts(pr->queued), passive_counts(pr->full),
	    sizeof(struct passive_counts));
	ck_assert_uint_eq(passive_macs(pr->fast), passive_macs(pr->full));
	ck_assert_uint_eq(passive_macs(pr->queued), passive_macs(pr->full));
	ck_assert_uint_eq(pr->fast_seen.len, pr->full_seen.len);
	ck_assert_str_eq(strbuf_str(&pr->fast_seen),
	    strbuf_str(&pr->full_seen));
	ck_assert_str_eq(strbuf_str(&pr->queued_seen),
	    strbuf_str(&pr->full_seen));
	frameq_free(pr->q);
	passive_free(pr->fast);
	passive_free(pr->full);
	passive_free(pr->queued);
	strbuf_finish(&pr->fast_seen);
	strbuf_finish(&pr->full_seen);
	strbuf_finish(&pr->queued_seen);
	return frames;
}

/* Every capture and raw frame under a fixture folder, skew seconds later. */
static void
feed_folder(struct pair *pr, const char *sub, int64_t skew)
{
	char dir[4096], path[4096 + 256];
	struct dirent **names;
	int n;

	str_copy(dir, testenv_fixture("captures%s", sub), sizeof(dir));
	n = scandir(dir, &names, NULL, alphasort);
	ck_assert_int_gt(n, 0);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		size_t len = strlen(name);

		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (len > 5 && strcmp(name + len - 5, ".pcap") == 0) {
			char err[PCAP_ERRBUF_SIZE];
			struct pcap_pkthdr *h;
			const u_char *data;
			pcap_t *pc = pcap_open_offline(path, err);

			ck_assert_msg(pc != NULL, "%s: %s", path, err);
			while (pcap_next_ex(pc, &h, &data) == 1)
				pair_frame(pr, data, h->caplen,
				    h->ts.tv_sec + skew);
			pcap_close(pc);
		} else if (len > 4 && strcmp(name + len - 4, ".raw") == 0) {
			static uint8_t buf[65536];
			FILE *fp = fopen(path, "rb");
			size_t got;

			ck_assert_ptr_nonnull(fp);
			got = fread(buf, 1, sizeof(buf), fp);
			fclose(fp);
			pair_frame(pr, buf, got, 1000 + skew);
		}
		free(names[i]);
	}
	free(names);
}

START_TEST(test_shortcut_reports_what_full_decoding_does_on_captures)
{
	/* A roomy table, then one so small that MACs are evicted all along. */
	static const size_t tables[] = { 100000, 3 };
	struct pair pr;

	for (size_t k = 0; k < ARRAY_SIZE(tables); k++) {
		pair_init(&pr, tables[k], 3600);
		/* Twice, the second pass hours later: refreshes fall due. */
		for (int pass = 0; pass < 2; pass++) {
			feed_folder(&pr, "", pass * 7200);
			feed_folder(&pr, "/malformed", pass * 7200);
		}
		ck_assert_uint_gt(pair_finish(&pr), 2000);
	}
}
END_TEST

static uint64_t mix_state = 0x9e3779b97f4a7c15u;

static uint32_t
mix(uint32_t n)
{
	mix_state ^= mix_state << 13;
	mix_state ^= mix_state >> 7;
	mix_state ^= mix_state << 17;
	return (uint32_t)(mix_state % n);
}

/* A 342-byte DHCPDISCOVER from mac, host name "cam". */
static size_t
dhcp_frame(uint8_t *f, const uint8_t mac[6])
{
	size_t n = 42 + 240;

	memset(f, 0, 400);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x08;
	f[14] = 0x45;
	f[16] = 0x01; /* total length 328 */
	f[17] = 0x48;
	f[22] = 64;
	f[23] = 17;
	memset(f + 30, 0xff, 4);
	f[35] = 68;
	f[37] = 67;
	f[38] = 0x01; /* UDP length 308 */
	f[39] = 0x34;
	f[42] = 1; /* BOOTREQUEST, Ethernet, 6-byte address */
	f[43] = 1;
	f[44] = 6;
	memcpy(f + 42 + 28, mac, 6);
	memcpy(f + 42 + 236, "\x63\x82\x53\x63", 4);
	memcpy(f + n,
	    "\x35\x01\x01\x0c\x03"
	    "cam\xff",
	    9);
	return 342;
}

START_TEST(test_shortcut_reports_what_full_decoding_does_on_mutants)
{
	static const uint8_t macs[5][6] = {
		{ 0x00, 0x25, 0x9e, 1, 2, 3 },
		{ 0x00, 0x18, 0xba, 1, 2, 3 },
		{ 0x00, 0x0c, 0x29, 1, 2, 3 },
		{ 0x01, 0x00, 0x5e, 0, 0, 1 },
		{ 0, 0, 0, 0, 0, 0 },
	};
	static const uint8_t ip[4] = { 10, 1, 2, 3 };
	uint8_t f[512];
	struct pair pr;
	int64_t ts = 1764300000;

	/* Frames of each kind with a few bytes changed, cut anywhere, at
	 * times that creep, jump and step back, in a table of four MACs. */
	pair_init(&pr, 4, 60);
	for (int k = 0; k < 200000; k++) {
		const uint8_t *mac = macs[mix(5)];
		size_t len;

		switch (mix(5)) {
		case 0:
			len = lldp_frame(f, mac, "sw", "descr");
			break;
		case 1:
			len = arp_frame(f, mac, ip);
			break;
		case 2:
			len = dhcp_frame(f, mac);
			break;
		default:
			len = ipv4_frame(f, mac);
			break;
		}
		for (uint32_t n = mix(4); n > 0; n--)
			f[mix(n == 1 ? 48 : (uint32_t)len)] = (uint8_t)mix(256);
		if (mix(4) == 0)
			len = mix((uint32_t)len + 1);
		ts += mix(100) == 0 ? (int64_t)mix(200) - 50 : (int64_t)mix(2);
		pair_frame(&pr, f, len, ts);
	}
	ck_assert_uint_eq(pair_finish(&pr), 200000);
}
END_TEST

START_TEST(test_plain_frames_wait_for_a_flush_but_keep_frame_order)
{
	struct passive *p = passive_new(100, 3600, NULL, collect, NULL);
	static const uint8_t ip[4] = { 10, 0, 0, 9 };
	uint8_t f[128];

	reset();
	passive_frame(p, f, ipv4_frame(f, huawei), 1);
	ck_assert_uint_eq(n_seen, 0); /* its lookup waits */
	/* Any other frame looks the waiting MACs up first. */
	passive_frame(p, f, arp_frame(f, cisco, ip), 2);
	ck_assert_uint_eq(n_seen, 3);
	ck_assert_str_eq(seen[0]->source, "mac");
	ck_assert(has_addr(seen[0], ADDR_MAC, "00:25:9e:01:02:03"));
	ck_assert(has_addr(seen[1], ADDR_MAC, "00:18:ba:0a:0b:0c"));
	ck_assert_str_eq(seen[2]->source, "arp");
	passive_frame(p, f, ipv4_frame(f, cisco), 3);
	passive_frame(p, f, ipv4_frame(f, huawei), 4);
	passive_flush(p);
	ck_assert_uint_eq(n_seen, 3);
	ck_assert_uint_eq(passive_counts(p)->frames, 4);
	ck_assert_uint_eq(passive_macs(p), 2);
	passive_free(p);
	reset();
}
END_TEST

/* A new observer that starts from what the store holds: a re-read of the
 * same frames is no news; another address or content is. */
START_TEST(test_known_macs_are_not_news_again)
{
	struct passive *p = passive_new(100, 3600, NULL, collect, NULL);
	static const uint8_t ip[4] = { 10, 0, 0, 9 }, ip2[4] = { 10, 0, 0, 10 };
	uint8_t f[400], mac[6];
	uint32_t addr, digest;

	reset();
	observe(p, f, dhcp_frame(f, huawei), 1000);
	observe(p, f, arp_frame(f, huawei, ip), 1001);
	ck_assert_uint_eq(n_seen, 3); /* mac, dhcp, arp */
	ck_assert(seen[1]->has_content);
	ck_assert_mem_eq(seen[1]->content_mac, huawei, 6);
	digest = seen[1]->content_digest;
	ck_assert(!seen[0]->has_content);
	passive_free(p);
	reset();

	p = passive_new(100, 3600, NULL, collect, NULL);
	memcpy(mac, huawei, 6);
	memcpy(&addr, ip, 4);
	const uint32_t known[MACTABLE_PROTOS] = {
		MACTABLE_NO_DIGEST,
		MACTABLE_NO_DIGEST,
		digest,
	};

	ck_assert(passive_know(p, mac, 1001, &addr, 1, known));
	observe(p, f, dhcp_frame(f, huawei), 1000);
	observe(p, f, arp_frame(f, huawei, ip), 1001);
	observe(p, f, ipv4_frame(f, huawei), 1500);
	ck_assert_uint_eq(n_seen, 0);
	observe(p, f, arp_frame(f, huawei, ip2), 1600);
	ck_assert_uint_eq(n_seen, 1);
	ck_assert_str_eq(seen[0]->source, "arp");
	/* An hour after the store last heard of it. */
	observe(p, f, ipv4_frame(f, huawei), 1001 + 3600);
	ck_assert_uint_eq(n_seen, 2);
	ck_assert_int_eq(seen[1]->observed_at, 4601);
	passive_free(p);
	reset();
}
END_TEST

static Suite *
passive_suite(void)
{
	Suite *s = suite_create("passive");
	TCase *tc = tcase_create("news");

	tcase_add_test(tc, test_a_mac_is_news_once_until_its_refresh_is_due);
	tcase_add_test(tc, test_lldp_content_is_reported_when_it_changes);
	tcase_add_test(tc, test_arp_reports_a_new_address_for_a_known_mac);
	tcase_add_test(tc,
	    test_a_dropped_sighting_is_news_again_at_the_next_frame);
	tcase_add_test(tc, test_group_and_zero_source_macs_are_not_elements);
	tcase_add_test(tc, test_undecodable_frames_are_counted_by_reason);
	tcase_add_test(tc,
	    test_wire_text_keeps_inner_nuls_and_drops_the_padding);
	tcase_add_test(tc,
	    test_plain_frames_wait_for_a_flush_but_keep_frame_order);
	tcase_add_test(tc, test_known_macs_are_not_news_again);
	suite_add_tcase(s, tc);

	tc = tcase_create("shortcut");
	tcase_add_test(tc,
	    test_shortcut_reports_what_full_decoding_does_on_captures);
	tcase_add_test(tc,
	    test_shortcut_reports_what_full_decoding_does_on_mutants);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testenv_run(passive_suite());
}
