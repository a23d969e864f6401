/*
 * Unit tests of the grouping sighting queue: sightings of one lone MAC
 * join one group in their order, anything else stands alone, groups keep
 * the order of their first sighting and never outgrow SQUEUE_MAX_GROUP.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "squeue.h"
#include "util.h"

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

static Suite *
squeue_suite(void)
{
	Suite *s = suite_create("squeue");
	TCase *tc = tcase_create("grouping");

	tcase_add_test(tc, test_sightings_of_one_mac_form_one_group_in_order);
	tcase_add_test(tc, test_sightings_with_other_keys_stand_alone);
	tcase_add_test(tc, test_a_full_group_starts_another);
	tcase_add_test(tc, test_many_macs_clear_and_swap);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(squeue_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
