/*
 * Unit tests of common/net.c: CIDR parsing, membership, sizes, iteration
 * and canonical address text.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/net.h"
#include "common/util.h"
#include "tests/lib/testenv.h"

static const struct {
	const char *in;
	int family;
	unsigned prefix;
	const char *formatted; /* cidr_format of the result */
} good[] = {
	{ "10.0.0.0/24", AF_INET, 24, "10.0.0.0/24" },
	{ "10.0.0.1", AF_INET, 32, "10.0.0.1/32" },
	{ "0.0.0.0/0", AF_INET, 0, "0.0.0.0/0" },
	{ "192.168.255.255/32", AF_INET, 32, "192.168.255.255/32" },
	{ "10.0.0.0/023", AF_INET, 23, "10.0.0.0/23" },
	{ "2001:db8::/32", AF_INET6, 32, "2001:db8::/32" },
	{ "2001:DB8:0:0::/64", AF_INET6, 64, "2001:db8::/64" },
	{ "::1", AF_INET6, 128, "::1/128" },
	{ "::/0", AF_INET6, 0, "::/0" },
	{ "::ffff:10.0.0.1", AF_INET6, 128, "::ffff:10.0.0.1/128" },
};

START_TEST(test_cidr_parse_good)
{
	struct cidr c;
	const char *msg = NULL;
	char out[IP_STRLEN + 8];

	ck_assert_int_eq(cidr_parse(good[_i].in, &c, &msg), 0);
	ck_assert_int_eq(c.family, good[_i].family);
	ck_assert_uint_eq(c.prefix, good[_i].prefix);
	cidr_format(&c, out, sizeof(out));
	ck_assert_str_eq(out, good[_i].formatted);
}
END_TEST

static const struct {
	const char *in;
	const char *msg;
} bad[] = {
	{ "10.0.0.1/24", "host bits are set (write the network address)" },
	{ "10.0.1.0/23", "host bits are set (write the network address)" },
	{ "2001:db8::1/64", "host bits are set (write the network address)" },
	{ "10.0.0.0/33", "prefix length must be 0 to 32" },
	{ "2001:db8::/129", "prefix length must be 0 to 128" },
	{ "10.0.0.0/99999999999999999999", "prefix length must be 0 to 32" },
	{ "10.0.0.0/", "prefix length is not a number" },
	{ "10.0.0.0/-1", "prefix length is not a number" },
	{ "10.0.0.0/ 8", "prefix length is not a number" },
	{ "10.0.0.0/24x", "prefix length is not a number" },
	{ "10.0.0.0/24/8", "prefix length is not a number" },
	{ "", "not an IPv4 or IPv6 address or CIDR block" },
	{ "garbage", "not an IPv4 or IPv6 address or CIDR block" },
	{ "10.0.0", "not an IPv4 or IPv6 address or CIDR block" },
	{ "10.0.0.256", "not an IPv4 or IPv6 address or CIDR block" },
	{ " 10.0.0.1", "not an IPv4 or IPv6 address or CIDR block" },
	{ "router.example/24", "not an IPv4 or IPv6 address or CIDR block" },
	{ "2001:db8:::1", "not an IPv4 or IPv6 address or CIDR block" },
	{ "1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa:bbbb/64",
	    "not an IPv4 or IPv6 address or CIDR block" },
};

START_TEST(test_cidr_parse_bad)
{
	struct cidr c;
	const char *msg = NULL;

	ck_assert_int_eq(cidr_parse(bad[_i].in, &c, &msg), -1);
	ck_assert_ptr_nonnull(msg);
	ck_assert_str_eq(msg, bad[_i].msg);
}
END_TEST

START_TEST(test_cidr_parse_null_msg)
{
	struct cidr c;

	ck_assert_int_eq(cidr_parse("10.0.0.1/8", &c, NULL), -1);
	ck_assert_int_eq(cidr_parse(NULL, &c, NULL), -1);
}
END_TEST

static const struct {
	const char *range;
	const char *ip;
	bool in;
} contains[] = {
	{ "10.0.0.0/24", "10.0.0.0", true },
	{ "10.0.0.0/24", "10.0.0.255", true },
	{ "10.0.0.0/24", "10.0.1.0", false },
	{ "10.0.0.0/23", "10.0.1.7", true },
	{ "10.0.0.0/23", "10.0.2.0", false },
	{ "10.1.2.3", "10.1.2.3", true },
	{ "10.1.2.3", "10.1.2.4", false },
	{ "0.0.0.0/0", "203.0.113.9", true },
	{ "10.0.0.0/8", "2001:db8::1", false },
	{ "10.0.0.0/8", "not-an-ip", false },
	{ "10.0.0.0/8", "10.0.0.0/8", false },
	{ "2001:db8::/32", "2001:db8:ffff::1", true },
	{ "2001:db8::/32", "2001:db9::1", false },
	{ "2001:db8::/33", "2001:db8:8000::", false },
	{ "2001:db8::/33", "2001:db8:7fff::", true },
	{ "::/0", "::1", true },
	{ "::/0", "10.0.0.1", false },
	{ "::1", "::1", true },
};

START_TEST(test_cidr_contains)
{
	struct cidr c;

	ck_assert_int_eq(cidr_parse(contains[_i].range, &c, NULL), 0);
	ck_assert_msg(cidr_contains(&c, contains[_i].ip) == contains[_i].in,
	    "%s in %s: expected %d", contains[_i].ip, contains[_i].range,
	    contains[_i].in);
}
END_TEST

START_TEST(test_cidr_size)
{
	static const struct {
		const char *range;
		uint64_t size;
	} cases[] = {
		{ "10.0.0.1", 1 },
		{ "10.0.0.0/31", 2 },
		{ "10.0.0.0/24", 256 },
		{ "10.0.0.0/23", 512 },
		{ "10.0.0.0/8", 16777216 },
		{ "0.0.0.0/0", UINT64_C(4294967296) },
		{ "::1", 1 },
		{ "2001:db8::/120", 256 },
		{ "2001:db8::/65", UINT64_C(9223372036854775808) },
		{ "2001:db8::/64", 0 },
		{ "2001:db8::/32", 0 },
	};
	struct cidr c;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		ck_assert_int_eq(cidr_parse(cases[i].range, &c, NULL), 0);
		ck_assert_msg(cidr_size(&c) == cases[i].size, "%s: %llu",
		    cases[i].range, (unsigned long long)cidr_size(&c));
	}
}
END_TEST

START_TEST(test_cidr_nth)
{
	static const struct {
		const char *range;
		uint64_t i;
		const char *out; /* NULL = out of range */
	} cases[] = {
		{ "10.0.0.0/24", 0, "10.0.0.0" },
		{ "10.0.0.0/24", 255, "10.0.0.255" },
		{ "10.0.0.0/24", 256, NULL },
		{ "10.0.0.0/23", 255, "10.0.0.255" },
		{ "10.0.0.0/23", 256, "10.0.1.0" }, /* carry across octets */
		{ "10.0.0.0/23", 511, "10.0.1.255" },
		{ "10.0.0.0/23", 512, NULL },
		{ "10.0.0.0/8", 65536 + 256 + 1, "10.1.1.1" },
		{ "10.0.0.0/8", 16777215, "10.255.255.255" },
		{ "10.1.2.3", 0, "10.1.2.3" }, { "10.1.2.3", 1, NULL },
		{ "0.0.0.0/0", UINT64_C(4294967295), "255.255.255.255" },
		{ "2001:db8::/120", 255, "2001:db8::ff" },
		{ "2001:db8::/112", 256, "2001:db8::100" },
		{ "2001:db8::/96", 65536, "2001:db8::1:0" },
		{ "2001:db8::/64", 0, NULL }, /* too large to walk */
	};
	struct cidr c;
	char out[IP_STRLEN];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		ck_assert_int_eq(cidr_parse(cases[i].range, &c, NULL), 0);
		if (cases[i].out == NULL) {
			ck_assert_msg(cidr_nth(&c, cases[i].i, out,
					  sizeof(out)) == -1,
			    "%s[%llu] should be out of range", cases[i].range,
			    (unsigned long long)cases[i].i);
			continue;
		}
		ck_assert_int_eq(cidr_nth(&c, cases[i].i, out, sizeof(out)), 0);
		ck_assert_str_eq(out, cases[i].out);
	}
}
END_TEST

START_TEST(test_ip_canonical)
{
	static const struct {
		const char *in;
		const char *out; /* NULL = not an address */
		int family;
	} cases[] = {
		{ "10.0.0.1", "10.0.0.1", AF_INET },
		{ "2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1",
		    AF_INET6 },
		{ "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", AF_INET6 },
		{ "::ffff:10.0.0.1", "::ffff:10.0.0.1", AF_INET6 },
		{ "010.0.0.1", NULL, 0 },
		{ "10.0.0.0/24", NULL, 0 },
		{ "", NULL, 0 },
		{ "fe80::1%eth0", NULL, 0 },
	};
	char out[IP_STRLEN];
	int family;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		family = -1;
		if (cases[i].out == NULL) {
			ck_assert_msg(ip_canonical(cases[i].in, out,
					  sizeof(out), &family) == -1,
			    "%s accepted", cases[i].in);
			continue;
		}
		ck_assert_int_eq(ip_canonical(cases[i].in, out, sizeof(out),
				     &family),
		    0);
		ck_assert_str_eq(out, cases[i].out);
		ck_assert_int_eq(family, cases[i].family);
	}
	/* family may be NULL; a short buffer fails rather than truncates. */
	ck_assert_int_eq(ip_canonical("10.0.0.1", out, sizeof(out), NULL), 0);
	ck_assert_int_eq(ip_canonical("10.0.0.1", out, 4, NULL), -1);
}
END_TEST

static Suite *
net_suite(void)
{
	Suite *s = suite_create("net");
	TCase *tc = tcase_create("cidr");

	tcase_add_loop_test(tc, test_cidr_parse_good, 0, (int)ARRAY_SIZE(good));
	tcase_add_loop_test(tc, test_cidr_parse_bad, 0, (int)ARRAY_SIZE(bad));
	tcase_add_test(tc, test_cidr_parse_null_msg);
	tcase_add_loop_test(tc, test_cidr_contains, 0,
	    (int)ARRAY_SIZE(contains));
	tcase_add_test(tc, test_cidr_size);
	tcase_add_test(tc, test_cidr_nth);
	tcase_add_test(tc, test_ip_canonical);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testenv_run(net_suite());
}
