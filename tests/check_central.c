/*
 * Unit tests of the central module's own decoding: rows of COPY TO's text
 * format, as the national gather reads them, against a table of rows and
 * the values a reader gets, rows that are not well formed, and random
 * values through the server's escaping and back.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "central/central.h"

#define MAX 8

/* row decoded into v; the number of values. */
static int
decode(const char *row, char *buf, size_t cap, const char **v)
{
	size_t len = strlen(row);

	ck_assert_uint_lt(len, cap);
	memcpy(buf, row, len + 1);
	return central_copy_row(buf, len, v, MAX);
}

START_TEST(test_rows_decode_to_their_values)
{
	static const struct {
		const char *row;
		int n;
		const char *v[MAX]; /* "\x01" stands for NULL */
	} cases[] = {
		{ "1\tcore-1\n", 2, { "1", "core-1" } },
		{ "\n", 1, { "" } },
		{ "\t\n", 2, { "", "" } },
		{ "\\N\n", 1, { "\x01" } },
		{ "\\N\t\\N\tx\n", 3, { "\x01", "\x01", "x" } },
		/* A backslash and an N is a value, not NULL. */
		{ "\\\\N\tN\t\\Nx\n", 3, { "\\N", "N", "Nx" } },
		{ "a\\tb\\nc\\rd\\\\e\n", 1, { "a\tb\nc\rd\\e" } },
		{ "\\b\\f\\v\n", 1, { "\b\f\v" } },
		{ "\\101\\x42\\7\\x7\n", 1, { "AB\a\a" } },
		/* An octal escape takes three digits at most. */
		{ "\\1011\n", 1, { "A1" } },
		{ "\\q\n", 1, { "q" } },
		{ "VRP (R) \xc3\xa9\t10.0.0.1\n", 2,
		    { "VRP (R) \xc3\xa9", "10.0.0.1" } },
	};
	char buf[256];
	const char *v[MAX];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = decode(cases[i].row, buf, sizeof(buf), v);

		ck_assert_msg(n == cases[i].n, "case %zu: %d values", i, n);
		for (int k = 0; k < n; k++) {
			if (strcmp(cases[i].v[k], "\x01") == 0)
				ck_assert_msg(v[k] == NULL,
				    "case %zu value %d: not NULL", i, k);
			else
				ck_assert_msg(v[k] != NULL &&
					strcmp(v[k], cases[i].v[k]) == 0,
				    "case %zu value %d: %s", i, k,
				    v[k] != NULL ? v[k] : "NULL");
		}
	}
}
END_TEST

START_TEST(test_rows_not_well_formed_are_refused)
{
	static const char *const rows[] = {
		"",                            /* nothing */
		"1\t2",                        /* no newline: not a whole row */
		"a\\\n",                       /* a backslash ending the row */
		"a\\0b\n",                     /* a NUL inside a value */
		"\\x00\n",                     /* the same, in hex */
		"1\t2\t3\t4\t5\t6\t7\t8\t9\n", /* more values than asked */
	};
	char buf[64];
	const char *v[MAX];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		ck_assert_msg(decode(rows[i], buf, sizeof(buf), v) == -1,
		    "row %zu was accepted", i);
	/* A NUL as it is, which strlen would have cut the value at. */
	memcpy(buf, "a\0b\tc\n", 6);
	ck_assert_int_eq(central_copy_row(buf, 6, v, MAX), -1);
}
END_TEST

/* The letter the server escapes c with in COPY text, or 0. */
static char
escape_letter(char c)
{
	switch (c) {
	case '\\':
		return '\\';
	case '\t':
		return 't';
	case '\n':
		return 'n';
	case '\r':
		return 'r';
	default:
		return 0;
	}
}

/* value as the server writes it in a COPY text row (out holds twice its
 * length and a NUL). */
static void
escape(const char *value, char *out)
{
	for (; *value != '\0'; value++) {
		char e = escape_letter(*value);

		if (e != 0)
			*out++ = '\\';
		*out++ = e != 0 ? e : *value;
	}
	*out = '\0';
}

START_TEST(test_random_values_through_escaping_and_back)
{
	/* The bytes the escapes are about, and others. */
	static const char pool[] = "\\\t\n\rN\x01\x7f\xc3\xa9 ab";
	char value[3][40], row[400], *p;
	const char *v[MAX];
	unsigned seed = 12345;

	for (int round = 0; round < 20000; round++) {
		p = row;
		for (int k = 0; k < 3; k++) {
			size_t len = (size_t)(rand_r(&seed) % 12);

			for (size_t i = 0; i < len; i++)
				value[k][i] = pool[(size_t)rand_r(&seed) %
				    (sizeof(pool) - 1)];
			value[k][len] = '\0';
			escape(value[k], p);
			p += strlen(p);
			*p++ = k < 2 ? '\t' : '\n';
		}
		*p = '\0';
		ck_assert_int_eq(central_copy_row(row, (size_t)(p - row), v,
				     MAX),
		    3);
		for (int k = 0; k < 3; k++)
			ck_assert_msg(v[k] != NULL &&
				strcmp(v[k], value[k]) == 0,
			    "round %d value %d", round, k);
	}
}
END_TEST

static Suite *
central_suite(void)
{
	Suite *s = suite_create("central");
	TCase *tc = tcase_create("copy");

	tcase_add_test(tc, test_rows_decode_to_their_values);
	tcase_add_test(tc, test_rows_not_well_formed_are_refused);
	tcase_add_test(tc, test_random_values_through_escaping_and_back);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(central_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
