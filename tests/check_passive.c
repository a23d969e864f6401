/*
 * Unit tests of passive observation: which frames become sightings (only
 * news reaches the store) and what those sightings carry.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "passive.h"
#include "util.h"

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
		if (s->addrs[i].kind == kind && strcmp(s->addrs[i].value, value) == 0)
			return true;
	return false;
}

static bool
has_input(const struct sighting *s, enum evidence_kind kind, const char *value)
{
	for (size_t i = 0; i < s->n_inputs; i++)
		if (s->inputs[i].kind == kind && strcmp(s->inputs[i].value, value) == 0)
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
	f[34] = 0x9c;		/* UDP 40000 -> 443, 26 bytes */
	f[35] = 0x40;
	f[36] = 0x01;
	f[37] = 0xbb;
	f[39] = 26;
	return 60;
}

/* An LLDPDU from src: chassis MAC src, port "Gi0/1", TTL 120, sysName, sysDescr. */
static size_t
lldp_frame(uint8_t *f, const uint8_t src[6], const char *name, const char *descr)
{
	static const uint8_t dst[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e };
	size_t n = 14, len;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x88;
	f[13] = 0xcc;
	f[n++] = 1 << 1;	/* chassis ID, length 7, subtype 4 MAC */
	f[n++] = 7;
	f[n++] = 4;
	memcpy(f + n, src, 6);
	n += 6;
	f[n++] = 2 << 1;	/* port ID, subtype 5 interface name */
	f[n++] = 6;
	f[n++] = 5;
	memcpy(f + n, "Gi0/1", 5);
	n += 5;
	f[n++] = 3 << 1;	/* TTL 120 */
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
	f[n++] = 0;		/* end */
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
	f[15] = 1;		/* Ethernet */
	f[16] = 0x08;		/* IPv4 */
	f[18] = 6;
	f[19] = 4;
	f[21] = 1;		/* request */
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

	passive_frame(p, f, len, 1000);
	passive_frame(p, f, len, 1001);
	passive_frame(p, f, len, 4599);
	ck_assert_uint_eq(n_seen, 1);
	ck_assert_str_eq(seen[0]->source, "mac");
	ck_assert_str_eq(seen[0]->zone, "ran");
	ck_assert(has_addr(seen[0], ADDR_MAC, "00:25:9e:01:02:03"));
	ck_assert(has_input(seen[0], EV_OUI, "00:25:9e:01:02:03"));
	ck_assert_int_eq(seen[0]->observed_at, 1000);
	passive_frame(p, f, len, 4600);
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
	passive_frame(p, f, len, 10);
	passive_frame(p, f, len, 40);	/* the same LLDPDU 30 s later */
	ck_assert_uint_eq(n_seen, 2);	/* the new MAC, then the LLDP content */
	ck_assert_str_eq(seen[1]->source, "lldp");
	ck_assert_str_eq(seen[1]->sys_name, "sw1.example");
	ck_assert_str_eq(seen[1]->sys_descr, "Cisco IOS Software, C3560");
	ck_assert_str_eq(seen[1]->chassis_mac, "00:18:ba:0a:0b:0c");
	ck_assert_str_eq(seen[1]->chassis_id, "4:00:18:ba:0a:0b:0c");
	ck_assert(has_input(seen[1], EV_LLDP, "Cisco IOS Software, C3560"));
	ck_assert(seen[1]->zone == NULL);
	len = lldp_frame(f, cisco, "sw1-renamed.example", "Cisco IOS Software, C3560");
	passive_frame(p, f, len, 70);
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

	passive_frame(p, f, arp_frame(f, huawei, ip1), 5);
	ck_assert_uint_eq(n_seen, 2);	/* the MAC, then MAC + address */
	ck_assert_str_eq(seen[1]->source, "arp");
	ck_assert(has_addr(seen[1], ADDR_IPV4, "10.1.2.3"));
	ck_assert(has_addr(seen[1], ADDR_MAC, "00:25:9e:01:02:03"));
	passive_frame(p, f, arp_frame(f, huawei, ip1), 6);
	ck_assert_uint_eq(n_seen, 2);
	passive_frame(p, f, arp_frame(f, huawei, ip2), 7);
	ck_assert_uint_eq(n_seen, 3);
	ck_assert(has_addr(seen[2], ADDR_IPV4, "10.1.2.4"));
	/* An ARP probe (sender 0.0.0.0) claims no address. */
	passive_frame(p, f, arp_frame(f, cisco, none), 8);
	ck_assert_uint_eq(n_seen, 4);
	ck_assert_str_eq(seen[3]->source, "mac");
	reset();
	passive_free(p);
}
END_TEST

START_TEST(test_group_and_zero_source_macs_are_not_elements)
{
	struct passive *p = passive_new(100, 3600, NULL, collect, NULL);
	const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	const uint8_t zero[6] = { 0 };
	uint8_t f[64];

	passive_frame(p, f, ipv4_frame(f, mcast), 1);
	passive_frame(p, f, ipv4_frame(f, zero), 1);
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

	passive_frame(p, f, 10, 1);	/* shorter than an Ethernet header */
	passive_frame(p, f, len, 1);
	ck_assert_uint_eq(passive_counts(p)->frames, 2);
	ck_assert_uint_eq(passive_counts(p)->decoded, 1);
	ck_assert_uint_eq(passive_counts(p)->undecodable[FRAMES_TRUNCATED], 1);
	reset();
	passive_free(p);
}
END_TEST

START_TEST(test_nul_padded_wire_text_ends_at_the_first_nul)
{
	struct passive *p = passive_new(100, 3600, NULL, collect, NULL);
	uint8_t f[256];
	const char descr[] = "Huawei\0VRP";	/* 10 bytes with a NUL inside */
	size_t len = lldp_frame(f, huawei, "x", "0123456789");

	uint8_t *at = memmem(f, len, "0123456789", 10);

	/* Put a NUL inside the sysDescr value, in place. */
	ck_assert_ptr_nonnull(at);
	memcpy(at, descr, 10);
	passive_frame(p, f, len, 1);
	ck_assert_uint_eq(n_seen, 2);
	/* Devices pad text fields with NULs: the text is what precedes them. */
	ck_assert_str_eq(seen[1]->sys_descr, "Huawei");
	reset();
	passive_free(p);
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
	tcase_add_test(tc, test_group_and_zero_source_macs_are_not_elements);
	tcase_add_test(tc, test_undecodable_frames_are_counted_by_reason);
	tcase_add_test(tc, test_nul_padded_wire_text_ends_at_the_first_nul);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(passive_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
