/*
 * Unit tests of the grouping sighting queue: sightings of one lone MAC
 * join one group in their order, and so does a capture's LLDP sighting of
 * the MAC that sent it; anything else stands alone; groups keep
 * the order of their first sighting and never outgrow SQUEUE_MAX_GROUP;
 * sightings come back from their packed form as they went in, and packed
 * bytes that are not whole are refused.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/squeue.h"
#include "common/util.h"
#include "tests/lib/testenv.h"

static struct sighting *
host(const char *source, int64_t t, const char *mac, const char *ip)
{
	struct sighting *s = sighting_new(source, t);

	sighting_add_addr(s, ADDR_MAC, mac);
	if (ip != NULL)
		sighting_add_addr(s, ADDR_IPV4, ip);
	return s;
}

START_TEST(test_sightings_of_one_mac_form_one_group_in_order)
{
	struct squeue *q = squeue_new();
	struct sighting *g[SQUEUE_MAX_GROUP];

	squeue_push(q, host("mac", 1, "00:e0:fc:00:00:01", NULL));
	squeue_push(q, host("mac", 2, "00:e0:fc:00:00:02", NULL));
	squeue_push(q, host("arp", 3, "00:E0:FC:00:00:01", "10.0.0.1"));
	squeue_push(q, host("dhcp", 4, "00:e0:fc:00:00:01", "10.0.0.1"));
	ck_assert_uint_eq(squeue_sightings(q), 4);
	ck_assert_uint_eq(squeue_groups(q), 2);
	ck_assert_uint_eq(squeue_group(q, 0, g), 3);
	ck_assert_str_eq(g[0]->source, "mac");
	ck_assert_str_eq(g[1]->source, "arp");
	ck_assert_str_eq(g[2]->source, "dhcp");
	ck_assert_uint_eq(squeue_group(q, 1, g), 1);
	ck_assert_int_eq(g[0]->observed_at, 2);
	ck_assert_uint_eq(squeue_group(q, 2, g), 0);
	squeue_free(q);
}
END_TEST

START_TEST(test_sightings_with_other_keys_stand_alone)
{
	struct squeue *q = squeue_new();
	struct sighting *s;
	uint8_t mac[6];

	squeue_push(q, host("mac", 1, "00:e0:fc:00:00:01", NULL));
	/* An LLDP speaker names its chassis: it may join two elements. */
	s = host("lldp", 2, "00:e0:fc:00:00:01", NULL);
	sighting_set(&s->chassis_id, "4:00:e0:fc:00:00:00");
	ck_assert(!squeue_key(s, mac));
	squeue_push(q, s);
	s = host("cdp", 3, "00:e0:fc:00:00:01", NULL);
	sighting_set(&s->mgmt_ip, "10.0.0.9");
	ck_assert(!squeue_key(s, mac));
	squeue_push(q, s);
	/* Two MACs: stands alone too. */
	s = host("mac", 4, "00:e0:fc:00:00:01", NULL);
	sighting_add_addr(s, ADDR_MAC, "00:e0:fc:00:00:03");
	ck_assert(!squeue_key(s, mac));
	squeue_push(q, s);
	/* No MAC at all. */
	s = sighting_new("snmp", 5);
	sighting_set(&s->sys_name, "sw1");
	ck_assert(!squeue_key(s, mac));
	squeue_push(q, s);
	squeue_push(q, host("arp", 6, "00:e0:fc:00:00:01", "10.0.0.1"));
	ck_assert_uint_eq(squeue_groups(q), 5);
	squeue_free(q);
}
END_TEST

START_TEST(test_a_capture_speaker_joins_the_mac_that_sent_it)
{
	struct squeue *q = squeue_new();
	struct sighting *g[SQUEUE_MAX_GROUP], *s;
	uint8_t mac[6];

	squeue_push(q, host("mac", 1, "00:e0:fc:00:00:01", NULL));
	squeue_push(q, host("mac", 2, "00:e0:fc:00:00:02", NULL));
	/* LLDP from 00:e0:fc:00:00:01: a chassis, an address, content. */
	s = host("lldp", 3, "00:e0:fc:00:00:01", "10.0.0.9");
	sighting_set(&s->chassis_mac, "00:e0:fc:00:00:00");
	sighting_set(&s->chassis_id, "4:00:e0:fc:00:00:00");
	sighting_set(&s->mgmt_ip, "10.0.0.9");
	s->has_content = true;
	memcpy(s->content_mac, "\x00\xe0\xfc\x00\x00\x01", 6);
	ck_assert(squeue_key(s, mac));
	ck_assert_mem_eq(mac, "\x00\xe0\xfc\x00\x00\x01", 6);
	squeue_push(q, s);
	ck_assert_uint_eq(squeue_groups(q), 2);
	ck_assert_uint_eq(squeue_group(q, 0, g), 2);
	ck_assert_str_eq(g[1]->source, "lldp");
	ck_assert_str_eq(g[1]->chassis_id, "4:00:e0:fc:00:00:00");
	squeue_free(q);
}
END_TEST

START_TEST(test_a_full_group_starts_another)
{
	struct squeue *q = squeue_new();
	struct sighting *g[SQUEUE_MAX_GROUP];

	for (int i = 0; i < SQUEUE_MAX_GROUP + 3; i++)
		squeue_push(q, host("mac", i, "00:e0:fc:00:00:01", NULL));
	squeue_push(q, host("mac", 100, "00:e0:fc:00:00:02", NULL));
	squeue_push(q, host("mac", 101, "00:e0:fc:00:00:01", NULL));
	ck_assert_uint_eq(squeue_groups(q), 3);
	ck_assert_uint_eq(squeue_group(q, 0, g), SQUEUE_MAX_GROUP);
	ck_assert_uint_eq(squeue_group(q, 1, g), 4);
	ck_assert_int_eq(g[0]->observed_at, SQUEUE_MAX_GROUP);
	ck_assert_int_eq(g[3]->observed_at, 101);
	squeue_free(q);
}
END_TEST

START_TEST(test_many_macs_clear_and_swap)
{
	struct squeue *q = squeue_new(), *other = squeue_new();
	struct sighting *g[SQUEUE_MAX_GROUP];
	char mac[MAC_STRLEN];

	/* Enough MACs to grow the index several times, each seen twice. */
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 5000; i++) {
			snprintf(mac, sizeof(mac), "02:00:00:00:%02x:%02x",
			    i >> 8, i & 0xff);
			squeue_push(q, host("mac", round, mac, NULL));
		}
	ck_assert_uint_eq(squeue_groups(q), 5000);
	for (size_t i = 0; i < 5000; i++) {
		snprintf(mac, sizeof(mac), "02:00:00:00:%02zx:%02zx", i >> 8,
		    i & 0xff);
		ck_assert_uint_eq(squeue_group(q, i, g), 2);
		ck_assert_str_eq(g[0]->addrs[0].value, mac);
		ck_assert_int_eq(g[1]->observed_at, 1);
	}
	squeue_swap(q, other);
	ck_assert_uint_eq(squeue_sightings(q), 0);
	ck_assert_uint_eq(squeue_groups(other), 5000);
	squeue_clear(other);
	ck_assert_uint_eq(squeue_sightings(other), 0);
	/* Cleared: a MAC seen before starts a new group. */
	squeue_push(other, host("mac", 7, "02:00:00:00:00:01", NULL));
	ck_assert_uint_eq(squeue_groups(other), 1);
	ck_assert_uint_eq(squeue_group(other, 0, g), 1);
	squeue_free(q);
	squeue_free(other);
}
END_TEST

/* A sighting with every field, odd bytes and both forms of MAC. */
static struct sighting *
full(void)
{
	static const char source[] = "bridge"; /* not one the packer knows */
	struct sighting *s = sighting_new(source, INT64_C(1764300000123));

	sighting_set(&s->zone, "ran");
	sighting_set(&s->mgmt_ip, "2001:db8::1");
	sighting_set(&s->chassis_mac, "00:e0:fc:12:34:56");
	sighting_set(&s->chassis_id, "4:00:e0:fc:12:34:56");
	sighting_set(&s->serial, "21500\xff\x01serial");
	sighting_set(&s->sys_name, "");
	sighting_set(&s->sys_descr,
	    "Huawei Versatile Routing Platform \xc3\xa9 "
	    "VRP (R) software, Version 8.180");
	sighting_set(&s->sys_object_id, "1.3.6.1.4.1.2011.2.224.67");
	sighting_set(&s->model, "S5735-L48T4X-A1");
	sighting_set(&s->software, "V200R019C10SPC500");
	sighting_add_addr(s, ADDR_MAC, "00:e0:fc:12:34:56");
	sighting_add_addr(s, ADDR_MAC, "00:E0:FC:12:34:57"); /* kept as text */
	sighting_add_addr(s, ADDR_IPV4, "10.1.2.3");
	sighting_add_addr(s, ADDR_IPV6, "fe80::2e0:fcff:fe12:3456");
	sighting_add_input(s, EV_OUI, "00:e0:fc:12:34:56");
	sighting_add_input(s, EV_SYSDESCR, s->sys_descr);
	sighting_add_input(s, EV_DHCP, "MSFT 5.0");
	sighting_add_input(s, EV_COMPONENT, "00:e0:fc:ab:cd:ef");
	s->has_content = true;
	memcpy(s->content_mac, "\x00\xe0\xfc\x12\x34\x56", 6);
	s->content_digest = 0x2badc0de;
	return s;
}

static void
assert_same_text(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		ck_assert_ptr_eq(a, b);
	else
		ck_assert_str_eq(a, b);
}

static void
assert_same(const struct sighting *a, const struct sighting *b)
{
	ck_assert_int_eq(a->observed_at, b->observed_at);
	assert_same_text(a->source, b->source);
	assert_same_text(a->zone, b->zone);
	assert_same_text(a->mgmt_ip, b->mgmt_ip);
	assert_same_text(a->chassis_mac, b->chassis_mac);
	assert_same_text(a->chassis_id, b->chassis_id);
	assert_same_text(a->serial, b->serial);
	assert_same_text(a->sys_name, b->sys_name);
	assert_same_text(a->sys_descr, b->sys_descr);
	assert_same_text(a->sys_object_id, b->sys_object_id);
	assert_same_text(a->model, b->model);
	assert_same_text(a->software, b->software);
	ck_assert_uint_eq(a->n_addrs, b->n_addrs);
	for (size_t i = 0; i < a->n_addrs; i++) {
		ck_assert_int_eq(a->addrs[i].kind, b->addrs[i].kind);
		ck_assert_str_eq(a->addrs[i].value, b->addrs[i].value);
	}
	ck_assert_uint_eq(a->n_inputs, b->n_inputs);
	for (size_t i = 0; i < a->n_inputs; i++) {
		ck_assert_int_eq(a->inputs[i].kind, b->inputs[i].kind);
		ck_assert_str_eq(a->inputs[i].value, b->inputs[i].value);
	}
	ck_assert_int_eq(a->has_content, b->has_content);
	if (a->has_content) {
		ck_assert_mem_eq(a->content_mac, b->content_mac, 6);
		ck_assert_uint_eq(a->content_digest, b->content_digest);
	}
}

/* Pack and unpack: the same sighting back, in the bytes counted. */
static void
round_trip(const struct sighting *s)
{
	size_t n = sighting_pack(s, NULL);
	uint8_t *buf = xmalloc(n + 1);
	struct sighting *back;

	buf[n] = 0xa5;
	ck_assert_uint_eq(sighting_pack(s, buf), n);
	ck_assert_uint_eq(buf[n], 0xa5);
	back = sighting_unpack(buf, n);
	ck_assert_ptr_nonnull(back);
	assert_same(s, back);
	sighting_free(back);
	free(buf);
}

START_TEST(test_a_sighting_comes_back_as_it_was_packed)
{
	struct sighting *s = full();
	struct sighting *bare = sighting_new(NULL, -5);
	struct sighting *plain = host("mac", 7, "02:00:5e:10:00:01", NULL);
	struct sighting *back;
	uint8_t buf[512];

	round_trip(s);
	/* A source the packer does not know stays the same static string. */
	ck_assert_uint_le(sighting_pack(s, NULL), sizeof(buf));
	back = sighting_unpack(buf, sighting_pack(s, buf));
	ck_assert_ptr_eq(back->source, s->source);
	sighting_free(back);
	round_trip(bare);
	round_trip(plain);
	/* A MAC-only sighting is small: the point of packing. */
	ck_assert_uint_le(sighting_pack(plain, NULL), 32);
	s->has_content = false;
	sighting_set(&s->sys_descr, "x");
	round_trip(s);
	sighting_free(s);
	sighting_free(bare);
	sighting_free(plain);
}
END_TEST

START_TEST(test_packed_bytes_that_are_not_whole_are_refused)
{
	struct sighting *s = full();
	size_t n = sighting_pack(s, NULL);
	uint8_t *buf = xmalloc(n + 1);

	sighting_pack(s, buf);
	/* Every shorter prefix, and one byte too many. */
	for (size_t len = 0; len < n; len++)
		ck_assert_ptr_null(sighting_unpack(buf, len));
	buf[n] = 0;
	ck_assert_ptr_null(sighting_unpack(buf, n + 1));
	/* A source byte, a kind and a field mask that mean nothing. */
	buf[8] = 0x77;
	ck_assert_ptr_null(sighting_unpack(buf, n));
	free(buf);
	sighting_free(s);

	s = host("mac", 1, "02:00:5e:10:00:01", NULL);
	n = sighting_pack(s, NULL);
	buf = xmalloc(n);
	sighting_pack(s, buf);
	buf[n - 8] = 0x7f; /* the address's kind byte */
	ck_assert_ptr_null(sighting_unpack(buf, n));
	sighting_pack(s, buf);
	buf[10] = 0xff; /* the fields present */
	buf[11] = 0xff;
	ck_assert_ptr_null(sighting_unpack(buf, n));
	free(buf);
	sighting_free(s);
}
END_TEST

START_TEST(test_bytes_count_what_is_queued_and_release_gives_memory_back)
{
	struct squeue *q = squeue_new();
	struct sighting *g[SQUEUE_MAX_GROUP], *s = full();
	char mac[MAC_STRLEN];
	size_t before, packed = sighting_pack(s, NULL);

	ck_assert_uint_eq(squeue_bytes(q), 0);
	squeue_push(q, s);
	ck_assert_uint_ge(squeue_bytes(q), packed);
	before = squeue_bytes(q);
	for (int i = 0; i < 3000; i++) {
		snprintf(mac, sizeof(mac), "02:00:00:01:%02x:%02x", i >> 8,
		    i & 0xff);
		squeue_push(q, host("arp", i, mac, "10.9.8.7"));
	}
	ck_assert_uint_gt(squeue_bytes(q), before + 3000 * 20);
	/* Unpacked on demand: the first group is the full sighting. */
	ck_assert_uint_eq(squeue_group(q, 0, g), 1);
	s = full();
	assert_same(s, g[0]);
	sighting_free(s);
	squeue_clear(q);
	ck_assert_uint_eq(squeue_bytes(q), 0);
	squeue_push(q, host("mac", 1, "02:00:00:00:00:01", NULL));
	squeue_release(q);
	ck_assert_uint_eq(squeue_bytes(q), 0);
	ck_assert_uint_eq(squeue_sightings(q), 0);
	ck_assert_uint_eq(squeue_groups(q), 0);
	/* Usable again after a release. */
	squeue_push(q, host("mac", 2, "02:00:00:00:00:01", NULL));
	squeue_push(q, host("arp", 3, "02:00:00:00:00:01", "10.0.0.1"));
	ck_assert_uint_eq(squeue_groups(q), 1);
	ck_assert_uint_eq(squeue_group(q, 0, g), 2);
	ck_assert_str_eq(g[1]->addrs[1].value, "10.0.0.1");
	squeue_free(q);
}
END_TEST

static Suite *
squeue_suite(void)
{
	Suite *s = suite_create("squeue");
	TCase *tc = tcase_create("grouping");

	tcase_add_test(tc, test_sightings_of_one_mac_form_one_group_in_order);
	tcase_add_test(tc, test_sightings_with_other_keys_stand_alone);
	tcase_add_test(tc, test_a_capture_speaker_joins_the_mac_that_sent_it);
	tcase_add_test(tc, test_a_full_group_starts_another);
	tcase_add_test(tc, test_many_macs_clear_and_swap);
	suite_add_tcase(s, tc);
	tc = tcase_create("packing");
	tcase_add_test(tc, test_a_sighting_comes_back_as_it_was_packed);
	tcase_add_test(tc, test_packed_bytes_that_are_not_whole_are_refused);
	tcase_add_test(tc,
	    test_bytes_count_what_is_queued_and_release_gives_memory_back);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testenv_run(squeue_suite());
}
