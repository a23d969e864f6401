/*
 * The IANA enterprise numbers registry: the enterprises.tsv format (names
 * holding '#', comments after a tab, spaces for tabs, CRLF), numbers given
 * again (the later line wins, in a file and across files), unassigned
 * entries, errors naming the file and line, and Debian's whole file.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify/enterprises.h"
#include "common/util.h"
#include "tests/lib/testenv.h"

/* Debian's whole registry (package libwireshark-data). */
#define DEBIAN_ENTERPRISES "/usr/share/wireshark/enterprises.tsv"

static char err[512];

static struct enterprises *
from_text(const char *text, bool local)
{
	struct enterprises *reg = enterprises_new();

	ck_assert_msg(enterprises_load_buffer(reg, text, strlen(text), "t.tsv",
			  local, err, sizeof(err)) == 0,
	    "%s", err);
	return reg;
}

static const char *
name_of(const struct enterprises *reg, uint32_t pen)
{
	const struct enterprise_entry *e = enterprises_lookup(reg, pen);

	return e == NULL ? NULL : e->name;
}

START_TEST(test_format)
{
	struct enterprises *reg = from_text(
	    "#\n"
	    "# generated from https://www.iana.org/assignments/enterprise-numbers\n"
	    "\n"
	    "9\tciscoSystems\n"
	    "637\tNokia\t# formerly 'Alcatel-Lucent'\n"
	    "8606\tVancouver School District # 37\n"
	    "9230\t#B4mad Research Lab Organization\n"
	    "3764   Quantum Corporation \t# formerly 'ADIC'\r\n"
	    "  2187\tReserved\n"
	    "4378\t---none---\n"
	    "247\tND SatCom - Gesellschaft f\xc3\xbcr Satellitenkommunikation\n"
	    "42 Sun Microsystems",
	    false);
	const struct enterprise_entry *e;

	ck_assert_uint_eq(enterprises_count(reg), 9);
	ck_assert_str_eq(name_of(reg, 9), "ciscoSystems");
	ck_assert_str_eq(name_of(reg, 637), "Nokia");
	/* A '#' inside the name is part of it; after a tab, a comment. */
	ck_assert_str_eq(name_of(reg, 8606), "Vancouver School District # 37");
	ck_assert_str_eq(name_of(reg, 9230),
	    "#B4mad Research Lab Organization");
	ck_assert_str_eq(name_of(reg, 3764), "Quantum Corporation");
	ck_assert_str_eq(name_of(reg, 247),
	    "ND SatCom - Gesellschaft f\xc3\xbcr Satellitenkommunikation");
	/* The last line needs no newline; spaces separate as tabs do. */
	ck_assert_str_eq(name_of(reg, 42), "Sun Microsystems");
	ck_assert_ptr_null(name_of(reg, 10));
	e = enterprises_lookup(reg, 2187);
	ck_assert(e != NULL && e->unassigned && !e->local && e->tag == -1);
	ck_assert(enterprises_lookup(reg, 4378)->unassigned);
	ck_assert(!enterprises_lookup(reg, 9)->unassigned);
	/* In number order whatever the file's order. */
	for (size_t i = 1; i < enterprises_count(reg); i++)
		ck_assert_uint_lt(enterprises_at(reg, i - 1)->pen,
		    enterprises_at(reg, i)->pen);
	ck_assert_ptr_null(enterprises_at(reg, enterprises_count(reg)));
	enterprises_free(reg);
}
END_TEST

START_TEST(test_later_line_wins)
{
	struct enterprises *reg =
	    from_text("9\tciscoSystems\n11\tHewlett-Packard\n11\tHP (again)\n",
		false);
	const char *local =
	    "11\tHewlett Packard Enterprise\n99999999\tOperator "
	    "Lab Ltd\n";
	const struct enterprise_entry *e;
	uint64_t h = enterprises_content_hash(reg);

	ck_assert_str_eq(name_of(reg, 11), "HP (again)");
	ck_assert_uint_eq(enterprises_count(reg), 2);
	/* The operator's file corrects and adds. */
	ck_assert_int_eq(enterprises_load_buffer(reg, local, strlen(local),
			     "local.tsv", true, err, sizeof(err)),
	    0);
	ck_assert_uint_eq(enterprises_count(reg), 3);
	e = enterprises_lookup(reg, 11);
	ck_assert_str_eq(e->name, "Hewlett Packard Enterprise");
	ck_assert(e->local);
	ck_assert(!enterprises_lookup(reg, 9)->local);
	ck_assert_str_eq(name_of(reg, 99999999), "Operator Lab Ltd");
	/* What was loaded is part of the hash. */
	ck_assert_uint_ne(enterprises_content_hash(reg), h);
	enterprises_free(reg);
}
END_TEST

static int
tag_cisco(const char *name, void *arg)
{
	(void)arg;
	return strcmp(name, "ciscoSystems") == 0 ? 7 : -1;
}

START_TEST(test_tags)
{
	struct enterprises *reg =
	    from_text("9\tciscoSystems\n10\tNSC\n2187\tReserved\n", false);

	enterprises_tag_all(reg, tag_cisco, NULL);
	ck_assert_int_eq(enterprises_lookup(reg, 9)->tag, 7);
	ck_assert_int_eq(enterprises_lookup(reg, 10)->tag, -1);
	ck_assert_int_eq(enterprises_lookup(reg, 2187)->tag, -1);
	enterprises_free(reg);
}
END_TEST

static const struct {
	const char *text;
	const char *err;
} bad[] = {
	{ "9\tciscoSystems\nnine\tCisco\n",
	    "t.tsv:2: not \"NUMBER NAME\": the line must start with an enterprise number" },
	{ "9ciscoSystems\n",
	    "t.tsv:1: not \"NUMBER NAME\": the line must start with an enterprise number" },
	{ "-9\tx\n",
	    "t.tsv:1: not \"NUMBER NAME\": the line must start with an enterprise number" },
	{ "#\n\n4294967296\tToo Big\n",
	    "t.tsv:3: the number is above 4294967295" },
	{ "9\n", "t.tsv:1: no registrant name after the number" },
	{ "9 \t \n", "t.tsv:1: no registrant name after the number" },
	{ "9\tcisco\tSystems\n",
	    "t.tsv:1: text after the name's tab that is not a comment ('#')" },
	{ "9\tcisco\x01Systems\n", "t.tsv:1: a control character in the name" },
	{ "9\tcisco\xff\n", "t.tsv:1: the name is not valid UTF-8" },
};

START_TEST(test_errors)
{
	struct enterprises *reg = enterprises_new();

	ck_assert_int_eq(enterprises_load_buffer(reg, bad[_i].text,
			     strlen(bad[_i].text), "t.tsv", false, err,
			     sizeof(err)),
	    -1);
	ck_assert_str_eq(err, bad[_i].err);
	enterprises_free(reg);
}
END_TEST

START_TEST(test_nul_byte)
{
	static const char text[] = "9\tcisco\0Systems\n";
	struct enterprises *reg = enterprises_new();

	ck_assert_int_eq(enterprises_load_buffer(reg, text, sizeof(text) - 1,
			     "t.tsv", false, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "t.tsv:1: a NUL byte");
	enterprises_free(reg);
}
END_TEST

START_TEST(test_files)
{
	struct enterprises *reg = enterprises_new();

	ck_assert_int_eq(enterprises_load_file(reg,
			     testenv_fixture("iana/enterprises.tsv"), false,
			     err, sizeof(err)),
	    0);
	ck_assert_str_eq(name_of(reg, 562), "Northern Telecom, Ltd.");
	ck_assert_str_eq(name_of(reg, 31926), "Siklu Communication LTD");
	ck_assert_int_eq(enterprises_load_file(reg, "/nonexistent/e.tsv", true,
			     err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "/nonexistent/e.tsv: No such file or directory");
	enterprises_free(reg);
}
END_TEST

START_TEST(test_debian_registry)
{
	struct enterprises *reg = enterprises_new();

	ck_assert_msg(enterprises_load_file(reg, DEBIAN_ENTERPRISES, false, err,
			  sizeof(err)) == 0,
	    "%s", err);
	ck_assert_uint_gt(enterprises_count(reg), 50000);
	ck_assert_str_eq(name_of(reg, 9), "ciscoSystems");
	ck_assert_str_eq(name_of(reg, 2011), "HUAWEI Technology Co.,Ltd");
	ck_assert_str_eq(name_of(reg, 3902),
	    "Zhongxing Telecom Co.,ltd. (abbr. ZTE)");
	ck_assert(enterprises_lookup(reg, 0)->unassigned);
	enterprises_free(reg);
}
END_TEST

static Suite *
enterprises_suite(void)
{
	Suite *s = suite_create("enterprises");
	TCase *tc = tcase_create("registry");

	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_later_line_wins);
	tcase_add_test(tc, test_tags);
	tcase_add_loop_test(tc, test_errors, 0, (int)ARRAY_SIZE(bad));
	tcase_add_test(tc, test_nul_byte);
	tcase_add_test(tc, test_files);
	if (access(DEBIAN_ENTERPRISES, R_OK) == 0)
		tcase_add_test(tc, test_debian_registry);
	else
		testenv_left_out(
		    "the Debian registry test needs " DEBIAN_ENTERPRISES
		    " (package libwireshark-data)");
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testenv_run(enterprises_suite());
}
