/*
 * Unit tests of the capture hot path's MAC table: what reaches the store
 * (new MACs, new addresses, new content, periodic refreshes) and that
 * memory stays within its bound.
 */
#include <check.h>
#include <stdlib.h>

#include "mactable.h"
#include "util.h"

static void
mac_of(uint32_t i, uint8_t m[6])
{
	/* Vary the OUI too, so the hash cannot lean on the low bytes only. */
	m[0] = 0x00;
	m[1] = (uint8_t)(i >> 24);
	m[2] = (uint8_t)(i * 7);
	m[3] = (uint8_t)(i >> 16);
	m[4] = (uint8_t)(i >> 8);
	m[5] = (uint8_t)i;
}

START_TEST(test_first_sighting_is_new_then_known)
{
	struct mactable *t = mactable_new(100, 3600);
	uint8_t m[6] = { 0x00, 0x25, 0x9e, 1, 2, 3 };

	ck_assert_int_eq(mactable_touch(t, m, 1000), MAC_NEW);
	ck_assert_int_eq(mactable_touch(t, m, 1001), MAC_KNOWN);
	ck_assert_int_eq(mactable_touch(t, m, 1500), MAC_KNOWN);
	ck_assert_uint_eq(mactable_count(t), 1);
	mactable_free(t);
}
END_TEST

START_TEST(test_last_seen_refresh_is_due_once_per_interval)
{
	struct mactable *t = mactable_new(100, 60);
	uint8_t m[6] = { 0x00, 0x18, 0xba, 1, 2, 3 };

	ck_assert_int_eq(mactable_touch(t, m, 1000), MAC_NEW);
	ck_assert_int_eq(mactable_touch(t, m, 1059), MAC_KNOWN);
	ck_assert_int_eq(mactable_touch(t, m, 1060), MAC_REFRESH);
	ck_assert_int_eq(mactable_touch(t, m, 1061), MAC_KNOWN);
	ck_assert_int_eq(mactable_touch(t, m, 1119), MAC_KNOWN);
	ck_assert_int_eq(mactable_touch(t, m, 1120), MAC_REFRESH);
	/* A clock that steps back changes nothing. */
	ck_assert_int_eq(mactable_touch(t, m, 900), MAC_KNOWN);
	mactable_free(t);
}
END_TEST

START_TEST(test_new_address_and_new_content_are_reported_once)
{
	struct mactable *t = mactable_new(100, 3600);
	uint8_t m[6] = { 0x00, 0x0c, 0x29, 1, 2, 3 };
	uint32_t d1 = mactable_digest("S1.cisco.com", 12, 0);
	uint32_t d2 = mactable_digest("S2.cisco.com", 12, 0);

	mactable_touch(t, m, 10);
	ck_assert(mactable_note_ipv4(t, m, 0x0a000001));
	ck_assert(!mactable_note_ipv4(t, m, 0x0a000001));
	ck_assert(mactable_note_ipv4(t, m, 0x0a000002));
	ck_assert(d1 != d2);
	ck_assert(mactable_note_content(t, m, d1));
	ck_assert(!mactable_note_content(t, m, d1));
	ck_assert(mactable_note_content(t, m, d2));
	mactable_free(t);
}
END_TEST

START_TEST(test_many_macs_all_found_again)
{
	const uint32_t n = 200000;
	struct mactable *t = mactable_new(n, 3600);
	uint8_t m[6];

	for (uint32_t i = 0; i < n; i++) {
		mac_of(i, m);
		ck_assert_int_eq(mactable_touch(t, m, 5), MAC_NEW);
	}
	ck_assert_uint_eq(mactable_count(t), n);
	for (uint32_t i = 0; i < n; i++) {
		mac_of(i, m);
		ck_assert_int_eq(mactable_touch(t, m, 6), MAC_KNOWN);
	}
	ck_assert_uint_eq(mactable_evictions(t), 0);
	mactable_free(t);
}
END_TEST

START_TEST(test_memory_stays_bounded_and_recent_macs_survive)
{
	const uint32_t max = 1000, n = 10000;
	struct mactable *t = mactable_new(max, 3600);
	size_t bound = mactable_max_bytes(t);
	uint8_t m[6];

	for (uint32_t i = 0; i < n; i++) {
		mac_of(i, m);
		mactable_touch(t, m, 100 + i);
		ck_assert_uint_le(mactable_bytes(t), bound);
	}
	ck_assert_uint_eq(mactable_count(t), max);
	ck_assert_uint_eq(mactable_evictions(t), n - max);
	/* The most recently seen tenth of the bound is still there. */
	for (uint32_t i = n - max / 10; i < n; i++) {
		mac_of(i, m);
		ck_assert_int_eq(mactable_touch(t, m, 100 + n), MAC_KNOWN);
	}
	/* An evicted MAC seen again is new again. */
	mac_of(0, m);
	ck_assert_int_eq(mactable_touch(t, m, 100 + n), MAC_NEW);
	mactable_free(t);
}
END_TEST

START_TEST(test_million_macs_fit_in_64_mib)
{
	struct mactable *t = mactable_new(1000000, 3600);

	ck_assert_uint_le(mactable_max_bytes(t), 64u * 1024 * 1024);
	/* An empty table holds little until MACs arrive. */
	ck_assert_uint_le(mactable_bytes(t), 1u << 20);
	mactable_free(t);
}
END_TEST

static Suite *
mactable_suite(void)
{
	Suite *s = suite_create("mactable");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_first_sighting_is_new_then_known);
	tcase_add_test(tc, test_last_seen_refresh_is_due_once_per_interval);
	tcase_add_test(tc, test_new_address_and_new_content_are_reported_once);
	tcase_add_test(tc, test_many_macs_all_found_again);
	tcase_add_test(tc, test_memory_stays_bounded_and_recent_macs_survive);
	tcase_add_test(tc, test_million_macs_fit_in_64_mib);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(mactable_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
