/*
 * The IEEE registry: CSV quirks (quoting, doubled quotes, line breaks inside
 * quotes, stray spaces, duplicate blocks), longest-prefix lookup over MA-L,
 * MA-M, MA-S and IAB, addresses that name no maker, operator blocks, errors,
 * and the full Debian ieee-data registry.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify/oui.h"
#include "common/util.h"
#include "tests/lib/testenv.h"

static char err[512];

static struct oui_registry *
load_fixture(void)
{
	struct oui_registry *reg = oui_new();

	ck_assert_msg(oui_load_dir(reg, testenv_fixture("ieee/basic"), err,
			  sizeof(err)) == 0,
	    "%s", err);
	return reg;
}

/* Look s up; returns the status and fills m. */
static enum oui_status
look(const struct oui_registry *reg, const char *s, struct oui_match *m)
{
	uint8_t mac[MAC_LEN];

	ck_assert_msg(mac_parse(s, mac) == 0, "bad test MAC %s", s);
	memset(m, 0, sizeof(*m));
	return oui_lookup(reg, mac, m);
}

START_TEST(test_fixture_counts)
{
	struct oui_registry *reg = load_fixture();

	/* Eight distinct MA-L blocks once duplicates are folded. */
	ck_assert_uint_eq(oui_count(reg, 24), 8);
	ck_assert_uint_eq(oui_count(reg, 28), 2);
	ck_assert_uint_eq(oui_count(reg, 36), 2);
	/* "ZZ0000" is not a block; the blank line is not a row. */
	ck_assert_uint_eq(oui_skipped(reg), 1);
	oui_free(reg);
}
END_TEST

static const struct {
	const char *mac;
	enum oui_status status;
	unsigned bits;
	const char *source;
	const char *org;
} lookups[] = {
	/* Quoted name with a comma. */
	{ "00:25:9e:01:02:03", OUI_FOUND, 24, "MA-L",
	    "HUAWEI TECHNOLOGIES CO.,LTD" },
	{ "00-18-BA-AA-BB-CC", OUI_FOUND, 24, "MA-L", "Cisco Systems, Inc" },
	/* Doubled quotes inside a quoted field. */
	{ "001efc000001", OUI_FOUND, 24, "MA-L", "JSC \"MASSA-K\"" },
	/* Stray spaces and a tab, tidied. */
	{ "0c:12:34:00:00:01", OUI_FOUND, 24, "MA-L", "Stray Spaces Inc." },
	/* Listed three times: the first row wins; the address field of that
	 * row spans two lines and must not disturb the rows after it. */
	{ "08:00:30:11:22:33", OUI_FOUND, 24, "MA-L",
	    "NETWORK RESEARCH CORPORATION" },
	/* "Private" first, a real name later: the real name wins. */
	{ "0c:00:01:00:00:00", OUI_FOUND, 24, "MA-L", "Real Name Ltd" },
	/* A row after a blank line. */
	{ "90:ff:d6:00:00:01", OUI_FOUND, 24, "MA-L",
	    "Honor Device Co., Ltd." },
	/* Longest prefix: 36 > 28 > 24 inside 70:B3:D5. */
	{ "70:b3:d5:f2:f1:23", OUI_FOUND, 36, "MA-S", "TELEPLATFORMS" },
	{ "70:b3:d5:f2:e1:23", OUI_FOUND, 24, "MA-L",
	    "IEEE Registration Authority" },
	{ "70:b3:d5:1a:bc:de", OUI_FOUND, 28, "MA-M", "Example MA-M Holder" },
	{ "70:b3:d5:20:00:00", OUI_FOUND, 24, "MA-L",
	    "IEEE Registration Authority" },
	{ "40:2c:76:1f:ff:ff", OUI_FOUND, 28, "MA-M",
	    "Shanghai Dahua Scale Factory" },
	{ "40:2c:76:2f:ff:ff", OUI_UNLISTED, 0, NULL, NULL },
	{ "00:50:c2:7d:50:01", OUI_FOUND, 36, "IAB", "DEUTA-WERKE GmbH" },
	/* Not listed. */
	{ "00:00:5e:00:00:01", OUI_UNLISTED, 0, NULL, NULL },
	/* Group and locally administered addresses name no maker, even when
	 * the rest of the first octets match a block. */
	{ "01:00:5e:00:00:01", OUI_MULTICAST, 0, NULL, NULL },
	{ "ff:ff:ff:ff:ff:ff", OUI_MULTICAST, 0, NULL, NULL },
	{ "01:25:9e:01:02:03", OUI_MULTICAST, 0, NULL, NULL },
	{ "02:25:9e:01:02:03", OUI_LOCAL, 0, NULL, NULL },
	{ "0e:12:34:00:00:01", OUI_LOCAL, 0, NULL, NULL },
};

START_TEST(test_fixture_lookup)
{
	struct oui_registry *reg = load_fixture();
	struct oui_match m;
	enum oui_status st = look(reg, lookups[_i].mac, &m);

	ck_assert_msg(st == lookups[_i].status, "%s: status %s, want %s",
	    lookups[_i].mac, oui_status_name(st),
	    oui_status_name(lookups[_i].status));
	if (st == OUI_FOUND) {
		ck_assert_uint_eq(m.bits, lookups[_i].bits);
		ck_assert_str_eq(oui_source_name(m.source), lookups[_i].source);
		ck_assert_str_eq(m.org, lookups[_i].org);
		ck_assert_int_eq(m.tag, -1);
	}
	oui_free(reg);
}
END_TEST

START_TEST(test_operator_blocks)
{
	struct oui_registry *reg = load_fixture();
	struct oui_match m;
	uint64_t prefix;
	unsigned bits;

	/* Same block as the registry: the operator's wins. */
	ck_assert_int_eq(oui_block_parse("00:25:9E", &prefix, &bits), 0);
	oui_add(reg, prefix, bits, "Operator Huawei", 7);
	ck_assert_int_eq(look(reg, "00:25:9e:00:00:01", &m), OUI_FOUND);
	ck_assert_str_eq(m.org, "Operator Huawei");
	ck_assert_int_eq(m.tag, 7);
	ck_assert_str_eq(oui_source_name(m.source), "vendors.conf");
	ck_assert_uint_eq(oui_count(reg, 24), 8);

	/* A 28-bit block inside a registry MA-L is the longer prefix. */
	ck_assert_int_eq(oui_block_parse("00:18:BA/28", &prefix, &bits), 0);
	oui_add(reg, prefix, bits, "Inner", 3);
	ck_assert_int_eq(look(reg, "00:18:ba:0f:00:01", &m), OUI_FOUND);
	ck_assert_uint_eq(m.bits, 28);
	ck_assert_int_eq(m.tag, 3);
	ck_assert_int_eq(look(reg, "00:18:ba:10:00:01", &m), OUI_FOUND);
	ck_assert_uint_eq(m.bits, 24);
	ck_assert_str_eq(m.org, "Cisco Systems, Inc");

	/* A block nobody registered. */
	ck_assert_int_eq(oui_block_parse("28:6E:D4", &prefix, &bits), 0);
	oui_add(reg, prefix, bits, "New", 1);
	ck_assert_int_eq(look(reg, "28:6e:d4:00:00:00", &m), OUI_FOUND);
	ck_assert_str_eq(m.org, "New");
	oui_free(reg);
}
END_TEST

static int
tag_by_org(const char *org, void *arg)
{
	(void)arg;
	return strcmp(org, "HUAWEI TECHNOLOGIES CO.,LTD") == 0 ? 42 : -1;
}

START_TEST(test_tag_all)
{
	struct oui_registry *reg = load_fixture();
	struct oui_match m;

	oui_tag_all(reg, tag_by_org, NULL);
	ck_assert_int_eq(look(reg, "00:25:9e:00:00:01", &m), OUI_FOUND);
	ck_assert_int_eq(m.tag, 42);
	ck_assert_int_eq(look(reg, "00:18:ba:00:00:01", &m), OUI_FOUND);
	ck_assert_int_eq(m.tag, -1);
	oui_free(reg);
}
END_TEST

static const struct {
	const char *text;
	int ok;
	const char *canonical;
} blocks[] = {
	{ "00:25:9E", 0, "00:25:9E" },
	{ "00259e", 0, "00:25:9E" },
	{ "00-25-9E", 0, "00:25:9E" },
	{ "28:6E:D4/28", 0, "28:6E:D4:0/28" },
	{ "28:6E:D4:0/28", 0, "28:6E:D4:0/28" },
	{ "286ED4A", 0, "28:6E:D4:A/28" },
	{ "70:B3:D5:F2:F/36", 0, "70:B3:D5:F2:F/36" },
	{ "70B3D5F2F", 0, "70:B3:D5:F2:F/36" },
	{ "00:25:9E/24", 0, "00:25:9E" },
	{ "28:6E:D4:A/24", -1, NULL }, /* bits beyond /24 set */
	{ "00:25", -1, NULL },         /* 16 bits is no block size */
	{ "00:25:9E/32", -1, NULL },
	{ "00:25:9E/", -1, NULL },
	{ "00:25:9E/2x", -1, NULL },
	{ "00:25:9G", -1, NULL },
	{ ":00:25:9E", -1, NULL },
	{ "00:25:9E:", -1, NULL },
	{ "00::25:9E", -1, NULL },
	{ "00:25-9E", -1, NULL },
	{ "", -1, NULL },
	{ "00:25:9E:00:00:00:00", -1, NULL },
};

START_TEST(test_block_parse)
{
	uint64_t prefix = 0;
	unsigned bits = 0;
	char out[OUI_BLOCK_STRLEN];
	int r = oui_block_parse(blocks[_i].text, &prefix, &bits);

	ck_assert_msg(r == blocks[_i].ok, "'%s': %d", blocks[_i].text, r);
	if (r == 0) {
		oui_block_format(prefix, bits, out);
		ck_assert_str_eq(out, blocks[_i].canonical);
	}
}
END_TEST

START_TEST(test_unclosed_quote)
{
	static const char csv[] =
	    "Registry,Assignment,Organization Name,Organization Address\r\n"
	    "MA-L,00259E,\"HUAWEI TECHNOLOGIES CO.,LTD\",x\r\n"
	    "MA-L,0018BA,\"Cisco Systems, Inc,80 West Tasman\r\n"
	    "MA-L,001EFC,x,y\r\n";
	struct oui_registry *reg = oui_new();

	ck_assert_int_eq(oui_load_buffer(reg, csv, sizeof(csv) - 1, "t.csv",
			     err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err,
	    "t.csv:3: quoted field not closed before the end of the file");
	oui_free(reg);
}
END_TEST

START_TEST(test_missing_paths)
{
	const char *dir = testenv_dir();
	char path[600];
	struct oui_registry *reg = oui_new();
	FILE *fp;

	ck_assert_int_eq(oui_load_dir(reg, "/nonexistent/ieee-data", err,
			     sizeof(err)),
	    -1);
	ck_assert_str_eq(err,
	    "/nonexistent/ieee-data: No such file or directory");

	/* oui.csv present, mam.csv missing: the error names mam.csv. */
	snprintf(path, sizeof(path), "%s/oui.csv", dir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("Registry,Assignment,Organization Name,Organization Address\n"
	      "MA-L,00259E,Huawei,x\n",
	    fp);
	fclose(fp);
	ck_assert_int_eq(oui_load_dir(reg, dir, err, sizeof(err)), -1);
	snprintf(path, sizeof(path), "%s/mam.csv: No such file or directory",
	    dir);
	ck_assert_str_eq(err, path);

	/* With mam.csv and oui36.csv, iab.csv may be absent. */
	oui_free(reg);
	reg = oui_new();
	snprintf(path, sizeof(path), "%s/mam.csv", dir);
	fclose(fopen(path, "w"));
	snprintf(path, sizeof(path), "%s/oui36.csv", dir);
	fclose(fopen(path, "w"));
	ck_assert_msg(oui_load_dir(reg, dir, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(oui_count(reg, 24), 1);
	oui_free(reg);
	testenv_dir_remove();
}
END_TEST

START_TEST(test_hash_follows_content)
{
	struct oui_registry *a = load_fixture(), *b = load_fixture();
	struct oui_registry *c = oui_new();
	static const char one[] = "MA-L,00259E,X,y\n";

	ck_assert(oui_content_hash(a) == oui_content_hash(b));
	ck_assert_int_eq(oui_load_buffer(c, one, sizeof(one) - 1, "x", err,
			     sizeof(err)),
	    0);
	ck_assert(oui_content_hash(a) != oui_content_hash(c));
	oui_free(a);
	oui_free(b);
	oui_free(c);
}
END_TEST

START_TEST(test_full_registry)
{
	struct oui_registry *reg = oui_new();
	struct oui_match m;

	ck_assert_msg(oui_load_dir(reg, TESTENV_IEEE_DATA, err, sizeof(err)) ==
		0,
	    "%s", err);
	ck_assert_uint_gt(oui_count(reg, 24), 30000);
	ck_assert_uint_gt(oui_count(reg, 28), 4000);
	ck_assert_uint_gt(oui_count(reg, 36), 9000);
	ck_assert_int_eq(look(reg, "00:25:9e:12:34:56", &m), OUI_FOUND);
	ck_assert_str_eq(m.org, "HUAWEI TECHNOLOGIES CO.,LTD");
	ck_assert_int_eq(look(reg, "00:18:ba:12:34:56", &m), OUI_FOUND);
	ck_assert_str_eq(m.org, "Cisco Systems, Inc");
	/* An IAB inside IEEE's own 00:50:C2 block. */
	ck_assert_int_eq(look(reg, "00:50:c2:7d:51:23", &m), OUI_FOUND);
	ck_assert_uint_eq(m.bits, 36);
	ck_assert_str_eq(m.org, "DEUTA-WERKE GmbH");
	/* An MA-M inside IEEE's 40:2C:76. */
	ck_assert_int_eq(look(reg, "40:2c:76:1f:00:00", &m), OUI_FOUND);
	ck_assert_uint_eq(m.bits, 28);
	ck_assert_str_eq(m.org, "Shanghai Dahua Scale Factory");
	oui_free(reg);
}
END_TEST

static Suite *
oui_suite(void)
{
	Suite *s = suite_create("oui");
	TCase *tc = tcase_create("registry");

	tcase_add_test(tc, test_fixture_counts);
	tcase_add_loop_test(tc, test_fixture_lookup, 0,
	    (int)ARRAY_SIZE(lookups));
	tcase_add_test(tc, test_operator_blocks);
	tcase_add_test(tc, test_tag_all);
	tcase_add_loop_test(tc, test_block_parse, 0, (int)ARRAY_SIZE(blocks));
	tcase_add_test(tc, test_unclosed_quote);
	tcase_add_test(tc, test_missing_paths);
	tcase_add_test(tc, test_hash_follows_content);
	if (access(TESTENV_IEEE_DATA "/oui.csv", R_OK) == 0)
		tcase_add_test(tc, test_full_registry);
	else
		testenv_left_out(
		    "the full registry test needs " TESTENV_IEEE_DATA
		    " (package ieee-data)");
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testenv_run(oui_suite());
}
