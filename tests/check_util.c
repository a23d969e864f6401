/*
 * Unit tests of common/util.c: MAC addresses, times, durations, UTF-8,
 * bounded copies.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"
#include "tests/lib/testenv.h"

static const struct {
	const char *in;
	int rc;
	const char *out;
} mac_cases[] = {
	{ "00:25:9e:01:02:03", 0, "00:25:9e:01:02:03" },
	{ "00:25:9E:01:02:03", 0, "00:25:9e:01:02:03" },
	{ "00-25-9E-01-02-03", 0, "00:25:9e:01:02:03" },
	{ "0025.9e01.0203", 0, "00:25:9e:01:02:03" },
	{ "00259e010203", 0, "00:25:9e:01:02:03" },
	{ "00:25:9e:01:02", -1, NULL },       /* five octets */
	{ "00:25:9e:01:02:03:04", -1, NULL }, /* seven octets */
	{ "00:25-9e:01:02:03", -1, NULL },    /* mixed separators */
	{ "0g:25:9e:01:02:03", -1, NULL },    /* not hex */
	{ "", -1, NULL },
	{ "00259e01020", -1, NULL },
	{ "0025.9e01-0203", -1, NULL },
};

START_TEST(test_mac_parse_accepts_common_notations_and_rejects_others)
{
	uint8_t mac[MAC_LEN];
	char text[MAC_STRLEN];

	int rc = mac_parse(mac_cases[_i].in, mac);
	ck_assert_msg(rc == mac_cases[_i].rc, "mac_parse(\"%s\") = %d",
	    mac_cases[_i].in, rc);
	if (rc == 0) {
		mac_format(mac, text);
		ck_assert_str_eq(text, mac_cases[_i].out);
	}
}
END_TEST

START_TEST(test_mac_format_is_lower_case_hex_with_colons)
{
	uint8_t m[MAC_LEN];
	char text[MAC_STRLEN], want[MAC_STRLEN];

	for (unsigned b = 0; b < 256; b++) {
		for (size_t i = 0; i < MAC_LEN; i++)
			m[i] = (uint8_t)(b * (i + 1) + i * 37);
		memset(text, 'x', sizeof(text));
		mac_format(m, text);
		snprintf(want, sizeof(want), "%02x:%02x:%02x:%02x:%02x:%02x",
		    m[0], m[1], m[2], m[3], m[4], m[5]);
		ck_assert_str_eq(text, want);
	}
}
END_TEST

START_TEST(test_mac_flags)
{
	uint8_t m[MAC_LEN];

	ck_assert_int_eq(mac_parse("01:80:c2:00:00:0e", m), 0);
	ck_assert(mac_is_multicast(m));
	ck_assert_int_eq(mac_parse("02:00:00:00:00:01", m), 0);
	ck_assert(mac_is_local(m));
	ck_assert(!mac_is_multicast(m));
	ck_assert_int_eq(mac_parse("00:25:9e:00:00:01", m), 0);
	ck_assert(!mac_is_local(m) && !mac_is_multicast(m) && !mac_is_zero(m));
	ck_assert_int_eq(mac_parse("00:00:00:00:00:00", m), 0);
	ck_assert(mac_is_zero(m));
}
END_TEST

/* Placeholders and virtual router MACs: each a MAC many boxes carry. */
START_TEST(test_mac_placeholders_and_virtual_routers)
{
	static const struct {
		const char *mac;
		bool placeholder, virtual_router;
	} cases[] = {
		{ "00:00:00:00:00:00", true, false },
		{ "00:00:00:00:00:01", true, false },
		{ "00:00:00:01:01:01", true, false },
		{ "00:00:00:ff:ff:ff", true, false },
		{ "00:01:02:03:04:05", true, false },
		{ "00:02:03:04:05:06", true, false },
		{ "02:03:04:05:06:07", true, false },
		{ "00:11:22:33:44:55", true, false },
		{ "00:22:44:66:88:aa", true, false },
		{ "12:34:56:78:9a:bc", true, false },
		/* Near misses: real addresses. */
		{ "00:00:01:00:00:00", false, false },
		{ "00:01:02:03:04:06", false, false },
		{ "3c:10:21:32:43:54", false,
		    false }, /* first byte breaks it */
		{ "00:03:06:09:0c:0f", false, false }, /* step 3 */
		{ "00:fe:ff:00:01:02", false, false }, /* no wrapping */
		{ "20:b5:c6:01:b2:32", false, false },
		{ "a4:7b:2c:97:8e:01", false, false },
		{ "00:00:5e:00:01:0a", false, true },
		{ "00:00:5e:00:02:0a", false, true },
		{ "00:00:5e:00:53:01", false, false }, /* documentation */
		{ "00:00:0c:07:ac:0a", false, true },
		{ "00:00:0c:9f:f0:0a", false, true },
		{ "00:00:0c:9f:e0:0a", false, false },
		{ "00:07:b4:00:01:02", false, true },
	};
	uint8_t m[MAC_LEN];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		ck_assert_int_eq(mac_parse(cases[i].mac, m), 0);
		ck_assert_msg(mac_is_placeholder(m) == cases[i].placeholder,
		    "%s: placeholder %d", cases[i].mac, !cases[i].placeholder);
		ck_assert_msg(mac_is_virtual_router(m) ==
			cases[i].virtual_router,
		    "%s: virtual router %d", cases[i].mac,
		    !cases[i].virtual_router);
	}
}
END_TEST

/* Every day from 1970 to 2104, of 2400 and of 9999, at three times of
 * day including a leap second, as timegm counts them. */
START_TEST(test_time_parse_agrees_with_timegm)
{
	static const int hms[][3] = { { 0, 0, 0 }, { 13, 7, 42 },
		{ 23, 59, 60 } };
	static const int years[] = { 2400, 9999 };
	char text[32];
	int64_t t;

	for (int y = 1970; y <= 2104 + (int)(sizeof(years) / sizeof(*years));
	     y++) {
		int year = y <= 2104 ? y : years[y - 2105];

		for (int m = 1; m <= 12; m++)
			for (int d = 1; d <= 31; d++)
				for (size_t k = 0; k < 3; k++) {
					struct tm day = { .tm_year =
							      year - 1900,
						.tm_mon = m - 1,
						.tm_mday = d };
					struct tm tm = day;
					time_t want;

					tm.tm_hour = hms[k][0];
					tm.tm_min = hms[k][1];
					tm.tm_sec = hms[k][2];
					want = timegm(&tm);
					/* timegm rolls a day past the month's
					 * end over; time_parse refuses it. */
					timegm(&day);
					snprintf(text, sizeof(text),
					    "%04d-%02d-%02dT%02d:%02d:%02dZ",
					    year, m, d, hms[k][0], hms[k][1],
					    hms[k][2]);
					if (day.tm_mday != d) {
						ck_assert_int_eq(
						    time_parse(text, &t), -1);
						continue;
					}
					ck_assert_int_eq(time_parse(text, &t),
					    0);
					ck_assert_int_eq(t, (int64_t)want);
				}
	}
}
END_TEST

/* Timestamps written as the C library writes them: every 31st day
 * from 1000 to 9999 at a time of day that moves, the ends of that range,
 * and years outside it. */
START_TEST(test_time_format_is_the_c_librarys)
{
	const int64_t edges[] = { 0, -1, 86399, 86400, -86400, -86401,
		-30610224001, -30610224000, 253402300799, 253402300800,
		951782400, 951868800, 4107542400, -62135596800, INT64_MIN,
		INT64_MAX };
	char got[TIME_STRLEN], want[TIME_STRLEN];
	int64_t t;

	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		time_t tt = (time_t)edges[i];
		struct tm tm;

		time_format(edges[i], got);
		if (gmtime_r(&tt, &tm) == NULL ||
		    strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &tm) ==
			0)
			snprintf(want, sizeof(want), "%s",
			    "1970-01-01T00:00:00Z");
		ck_assert_str_eq(got, want);
	}
	for (t = -30610224000; t < 253402300800; t += 86400 * 31 + 3607) {
		time_t tt = (time_t)t;
		struct tm tm;

		time_format(t, got);
		ck_assert_ptr_nonnull(gmtime_r(&tt, &tm));
		strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &tm);
		ck_assert_str_eq(got, want);
	}
}
END_TEST

START_TEST(test_time_round_trips_and_rejects_bad_dates)
{
	int64_t t;
	char buf[TIME_STRLEN];

	ck_assert_int_eq(time_parse("2026-11-28T05:43:17Z", &t), 0);
	time_format(t, buf);
	ck_assert_str_eq(buf, "2026-11-28T05:43:17Z");
	ck_assert_int_eq(time_parse("2023-12-31", &t), 0);
	time_format(t, buf);
	ck_assert_str_eq(buf, "2023-12-31T00:00:00Z");
	ck_assert_int_eq(time_parse("2024-02-29", &t), 0);
	ck_assert_int_eq(time_parse("2023-02-29", &t), -1);
	ck_assert_int_eq(time_parse("2023-13-01", &t), -1);
	ck_assert_int_eq(time_parse("2023-04-31", &t), -1);
	ck_assert_int_eq(time_parse("2023-1-01", &t), -1);
	ck_assert_int_eq(time_parse("2023-01-01T25:00:00Z", &t), -1);
	ck_assert_int_eq(time_parse("2023-01-01 00:00:00", &t), -1);
	ck_assert_int_eq(time_parse("", &t), -1);
}
END_TEST

START_TEST(test_time_now_honours_pinned_clock)
{
	char buf[TIME_STRLEN];

	setenv("VRAUDIT_NOW", "2025-01-01T00:00:00Z", 1);
	time_format(time_now(), buf);
	ck_assert_str_eq(buf, "2025-01-01T00:00:00Z");
	unsetenv("VRAUDIT_NOW");
	ck_assert(time_now() > 1700000000);
}
END_TEST

static const struct {
	const char *in;
	int rc;
	int64_t ms;
} dur_cases[] = {
	{ "30s", 0, 30000 },
	{ "6h", 0, 6 * 3600000LL },
	{ "1h30m", 0, 5400000 },
	{ "500ms", 0, 500 },
	{ "2d", 0, 2 * 86400000LL },
	{ "1w", 0, 604800000 },
	{ "45", 0, 45000 },
	{ " 10s ", 0, 10000 },
	{ "", -1, 0 },
	{ "s", -1, 0 },
	{ "10x", -1, 0 },
	{ "-5s", -1, 0 },
	{ "1.5h", -1, 0 },
	{ "10 s", -1, 0 },
	{ "99999999999999999999s", -1, 0 },
	{ "5h 3", -1, 0 },
};

START_TEST(test_duration_parse_units_and_garbage)
{
	int64_t ms = -7;
	int rc = duration_parse(dur_cases[_i].in, &ms);

	ck_assert_msg(rc == dur_cases[_i].rc, "duration_parse(\"%s\") = %d",
	    dur_cases[_i].in, rc);
	if (rc == 0)
		ck_assert_int_eq(ms, dur_cases[_i].ms);
}
END_TEST

START_TEST(test_duration_format_shortest_unit)
{
	char buf[32];

	duration_format(6 * 3600000LL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "6h");
	duration_format(1500, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1500ms");
	duration_format(90000, buf, sizeof(buf));
	ck_assert_str_eq(buf, "90s");
	duration_format(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0ms");
}
END_TEST

START_TEST(test_utf8_validation)
{
	ck_assert(utf8_valid("plain ascii", 11));
	ck_assert(utf8_valid("Gr\xc3\xbc\xc3\x9f"
			     "e",
	    7));
	ck_assert(utf8_valid("\xe4\xb8\xad\xe5\x85\xb4", 6)); /* 中兴 */
	ck_assert(utf8_valid("\xf0\x9f\x93\xa1", 4));
	ck_assert(!utf8_valid("\xff", 1));
	ck_assert(!utf8_valid("\xc0\xaf", 2));         /* overlong '/' */
	ck_assert(!utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
	ck_assert(!utf8_valid("\xe4\xb8", 2));         /* truncated */
	ck_assert(!utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	ck_assert(utf8_valid("", 0));
}
END_TEST

START_TEST(test_str_copy_truncates_and_terminates)
{
	char buf[4];

	ck_assert_uint_eq(str_copy(buf, "abcdef", sizeof(buf)), 6);
	ck_assert_str_eq(buf, "abc");
	ck_assert_uint_eq(str_copy(buf, "ab", sizeof(buf)), 2);
	ck_assert_str_eq(buf, "ab");
}
END_TEST

START_TEST(test_str_trim)
{
	char a[] = "  x y \t\n", b[] = "", c[] = "   ";

	ck_assert_str_eq(str_trim(a), "x y");
	ck_assert_str_eq(str_trim(b), "");
	ck_assert_str_eq(str_trim(c), "");
}
END_TEST

START_TEST(test_file_read_keeps_every_byte_and_names_a_missing_file)
{
	char *path = testenv_path("file"), err[256];
	FILE *f = fopen(path, "wb");
	size_t len;
	char *buf;

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite("a\0b\n", 1, 4, f), 4);
	ck_assert_int_eq(fclose(f), 0);
	buf = file_read(path, &len, err, sizeof(err));
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(len, 4);
	ck_assert(memcmp(buf, "a\0b\n", 5) == 0); /* and terminated */
	free(buf);
	unlink(path);
	ck_assert_ptr_null(file_read(path, &len, err, sizeof(err)));
	ck_assert(strstr(err, path) != NULL);
	ck_assert(strstr(err, "No such file") != NULL);
	free(path);
	testenv_dir_remove();
}
END_TEST

static Suite *
util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc,
	    test_mac_parse_accepts_common_notations_and_rejects_others, 0,
	    (int)ARRAY_SIZE(mac_cases));
	tcase_add_test(tc, test_mac_format_is_lower_case_hex_with_colons);
	tcase_add_test(tc, test_mac_flags);
	tcase_add_test(tc, test_mac_placeholders_and_virtual_routers);
	tcase_add_test(tc, test_time_format_is_the_c_librarys);
	tcase_add_test(tc, test_time_round_trips_and_rejects_bad_dates);
	tcase_add_test(tc, test_time_parse_agrees_with_timegm);
	tcase_add_test(tc, test_time_now_honours_pinned_clock);
	tcase_add_loop_test(tc, test_duration_parse_units_and_garbage, 0,
	    (int)ARRAY_SIZE(dur_cases));
	tcase_add_test(tc, test_duration_format_shortest_unit);
	tcase_add_test(tc, test_utf8_validation);
	tcase_add_test(tc, test_str_copy_truncates_and_terminates);
	tcase_add_test(tc, test_str_trim);
	tcase_add_test(tc,
	    test_file_read_keeps_every_byte_and_names_a_missing_file);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testenv_run(util_suite());
}
