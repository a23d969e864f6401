/*
 * Unit tests of policy packs and zones: the shipped packs and the dates
 * FACTS.md gives for them, every parse error with its FILE:LINE, packs in
 * a directory overriding and adding to the built-in ones, selection, and
 * the zone of a sighting.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "classify/classify.h"
#include "config/config.h"
#include "common/ini.h"
#include "policy/policy.h"
#include "policy/waiver.h"
#include "common/sighting.h"
#include "common/text.h"
#include "common/util.h"

static char dir[64];

static void
setup(void)
{
	str_copy(dir, "/tmp/check_policy.XXXXXX", sizeof(dir));
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	char *cmd = xprintf("rm -rf '%s'", dir);

	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(cmd);
}

static void
write_file(const char *name, const char *text)
{
	char *path = xprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
	free(path);
}

static struct classifier *
catalogue(void)
{
	char err[1024];
	struct classifier *c = classifier_new(NULL, NULL, err, sizeof(err));

	ck_assert_msg(c != NULL, "%s", err);
	return c;
}

static const struct policy_rule *
rule(const struct policy_pack *p, const char *name)
{
	for (size_t i = 0; i < p->n_rules; i++)
		if (strcmp(p->rules[i].name, name) == 0)
			return &p->rules[i];
	ck_abort_msg("%s has no rule %s", p->name, name);
	return NULL;
}

static void
check_rule(const struct policy_pack *p, const char *name, const char *zones,
    double max_share, const char *deadline, const char *first_seen_after)
{
	const struct policy_rule *r = rule(p, name);
	struct strbuf joined = STRBUF_INIT;

	if (r->all_zones)
		strbuf_adds(&joined, "all");
	for (size_t i = 0; i < r->n_zones; i++) {
		if (i > 0)
			strbuf_addc(&joined, ',');
		strbuf_adds(&joined, r->zones[i]);
	}
	ck_assert_str_eq(strbuf_str(&joined), zones);
	strbuf_finish(&joined);
	ck_assert_msg(r->max_share == max_share, "%s/%s max-share %g", p->name,
	    name, r->max_share);
	ck_assert_str_eq(r->deadline, deadline);
	ck_assert_str_eq(r->first_seen_after, first_seen_after);
}

static void
check_vendors(const struct policy_pack *p, const char *want)
{
	struct strbuf joined = STRBUF_INIT;

	for (size_t i = 0; i < p->n_vendors; i++) {
		if (i > 0)
			strbuf_addc(&joined, ',');
		strbuf_adds(&joined, p->vendors[i]);
	}
	ck_assert_str_eq(strbuf_str(&joined), want);
	strbuf_finish(&joined);
}

/* The shipped packs carry the dates and vendors of FACTS.md. */
static void
check_shipped(const struct policy_set *set)
{
	const struct policy_pack *p;

	ck_assert_ptr_nonnull(p = policy_set_find(set, "uk-dvd-2022"));
	check_vendors(p, "huawei");
	ck_assert_uint_eq(p->n_rules, 7);
	check_rule(p, "no-new-installation", "all", -1, "2022-10-13",
	    "2022-10-13");
	check_rule(p, "sensitive-sites", "sensitive-site", 0, "2023-01-28", "");
	check_rule(p, "ran-cap", "ran", 35, "2023-07-31", "");
	check_rule(p, "fixed-access-cap", "fixed-access", 35, "2023-10-31", "");
	check_rule(p, "core", "core", 0, "2023-12-31", "");
	check_rule(p, "transport", "transport", 0, "2025-12-31", "");
	check_rule(p, "all-5g", "all", 0, "2027-12-31", "");

	ck_assert_ptr_nonnull(p = policy_set_find(set, "us-fcc-covered"));
	check_vendors(p, "huawei,zte,hytera,hikvision,dahua");
	check_rule(p, "covered-equipment", "all", 0, "2021-03-12", "");
	check_rule(p, "no-new-authorisation", "all", -1, "2023-02-06",
	    "2023-02-06");

	ck_assert_ptr_nonnull(p = policy_set_find(set, "ca-2022"));
	check_vendors(p, "huawei,zte");
	check_rule(p, "no-new-equipment", "all", -1, "2022-09-01",
	    "2022-09-01");
	check_rule(p, "5g-removed", "core,ran,transport", 0, "2024-06-28", "");
	check_rule(p, "4g-removed", "all", 0, "2027-12-31", "");

	ck_assert_ptr_nonnull(p = policy_set_find(set, "se-pts-2020"));
	check_vendors(p, "huawei,zte");
	check_rule(p, "central-functions", "ran,transport,core,mgmt", 0,
	    "2025-01-01", "");

	ck_assert_ptr_nonnull(p = policy_set_find(set, "de-2024"));
	check_vendors(p, "huawei,zte");
	check_rule(p, "core", "core", 0, "2026-12-31", "");
	check_rule(p, "management", "mgmt", 0, "2029-12-31", "");
}

START_TEST(test_builtin_packs_carry_the_facts)
{
	struct classifier *c = catalogue();
	char err[1024];
	struct policy_set *set = policy_available(NULL, c, err, sizeof(err));
	const char *const *names = policy_builtin_names();

	ck_assert_msg(set != NULL, "%s", err);
	ck_assert_uint_eq(set->n_packs, 5);
	for (size_t i = 0; names[i] != NULL; i++)
		ck_assert_ptr_nonnull(policy_set_find(set, names[i]));
	check_shipped(set);
	ck_assert_str_eq(policy_set_find(set, "ca-2022")->origin,
	    "ca-2022 (built-in)");
	policy_set_free(set);
	classifier_free(c);
}
END_TEST

/* The files in conf/policies parse the same as the compiled-in copies. */
START_TEST(test_shipped_files_parse_like_the_builtin_copies)
{
	struct classifier *c = catalogue();
	char err[1024],
	    *pdir = xprintf("%s/conf/policies",
		getenv("VRAUDIT_SOURCE_ROOT") != NULL
		    ? getenv("VRAUDIT_SOURCE_ROOT")
		    : "..");
	struct policy_set *set = policy_available(pdir, c, err, sizeof(err));

	ck_assert_msg(set != NULL, "%s", err);
	ck_assert_uint_eq(set->n_packs, 5);
	for (size_t i = 0; i < set->n_packs; i++)
		ck_assert_msg(strstr(set->packs[i]->origin, "built-in") == NULL,
		    "%s not read from %s", set->packs[i]->name, pdir);
	check_shipped(set);
	policy_set_free(set);
	classifier_free(c);
	free(pdir);
}
END_TEST

static const char good_pack[] = "; comment\n"
				"[pack]\n"
				"name = test-pack\n"
				"vendors = huawei, zte\n"
				"\n"
				"[rule cap]\n"
				"zone = ran, core\n"
				"max-share = 12.5%\n";

START_TEST(test_minimal_pack_and_defaults)
{
	char err[256];
	struct policy_pack *p = policy_pack_parse(good_pack, strlen(good_pack),
	    "t.conf", NULL, err, sizeof(err));

	ck_assert_msg(p != NULL, "%s", err);
	ck_assert_str_eq(p->name, "test-pack");
	ck_assert_str_eq(p->title, "test-pack");
	ck_assert_str_eq(p->source, "");
	check_vendors(p, "huawei,zte");
	check_rule(p, "cap", "ran,core", 12.5, "", "");
	ck_assert_str_eq(p->rules[0].title, "cap");
	policy_pack_free(p);
}
END_TEST

/* A pack is read as vraudit.conf is: comments after values, lists on
 * indented lines, "key: value", a byte order mark. */
START_TEST(test_pack_in_the_common_dialect)
{
	static const char text[] = "\xEF\xBB\xBF[pack]   ; the pack\n"
				   "name = test-pack ; a comment\n"
				   "title = A; B\n"
				   "vendors = huawei,\n"
				   "\n"
				   "\tzte\n"
				   "[rule cap]\n"
				   "zone: ran,\n"
				   "  core, mgmt\n"
				   "max-share = 12.5%\n";
	char err[256];
	struct policy_pack *p = policy_pack_parse(text, strlen(text), "t.conf",
	    NULL, err, sizeof(err));

	ck_assert_msg(p != NULL, "%s", err);
	ck_assert_str_eq(p->name, "test-pack");
	ck_assert_str_eq(p->title, "A; B");
	check_vendors(p, "huawei,zte");
	check_rule(p, "cap", "ran,core,mgmt", 12.5, "", "");
	policy_pack_free(p);
}
END_TEST

/* Every error names the file and line, and says what is wrong. */
static const struct {
	const char *text;
	const char *error;
} bad_packs[] = {
	{ "[pack]\nname = x\nvendors = huawei\ncolour = red\n",
	    "t.conf:4: [pack] colour: unknown key (expected name, title, "
	    "source or vendors)" },
	{ "[pack]\nname = x\nvendors = huawei\n[rules a]\n",
	    "t.conf:4: [rules a] unknown section (expected [pack] or "
	    "[rule NAME])" },
	{ "[pack]\nname = x\nvendors = huawei\n[rule a]\nzone = all\n"
	  "deadline = 2023-02-30\nmax-share = 0%\n",
	    "t.conf:6: [rule a] deadline: \"2023-02-30\" is not a date" },
	{ "[pack]\nname = x\nvendors = huawei\n[rule a]\nzone = all\n"
	  "first-seen-after = 23-01-01\n",
	    "t.conf:6: [rule a] first-seen-after: \"23-01-01\" is not a "
	    "date" },
	{ "[pack]\nname = x\nvendors = huawei\n[rule a]\nzone = all\n"
	  "max-share = 101%\n",
	    "t.conf:6: [rule a] max-share: \"101%\" is not a percentage" },
	{ "[pack]\nname = x\nvendors = huawei\n[rule a]\nzone = all\n"
	  "max-share = 35\n",
	    "t.conf:6: [rule a] max-share: \"35\" is not a percentage" },
	{ "[pack]\nname = x\nvendors = huawei\n[rule a]\nzone = all\n"
	  "max-share = -1%\n",
	    "t.conf:6: [rule a] max-share: \"-1%\" is not a percentage" },
	{ "[pack]\nname = x\nvendors = huawei\n\n[rule a]\nzone = all\n"
	  "deadline = 2023-01-01\n",
	    "t.conf:5: [rule a] has neither max-share nor first-seen-after" },
	{ "[pack]\nname = x\nvendors = huawei\n[rule a]\nmax-share = 0%\n",
	    "t.conf:4: [rule a] zone: required key missing" },
	{ "[pack]\nname = x\nvendors = huawei, acme\n[rule a]\nzone = all\n"
	  "max-share = 0%\n",
	    "t.conf:3: [pack] vendors: unknown vendor \"acme\"" },
	{ "[pack]\nname = x\nvendors = huawei,,zte\n",
	    "t.conf:3: [pack] vendors: empty list item" },
	{ "[pack]\nname = X_1\n",
	    "t.conf:2: [pack] name: \"X_1\" is not a pack name" },
	{ "[pack]\nvendors = huawei\n[rule a]\n",
	    "t.conf:1: [pack] name: required key missing" },
	{ "[pack]\nname = x\n[rule a]\n",
	    "t.conf:1: [pack] vendors: required key missing" },
	{ "name = x\n",
	    "t.conf:1: name: key outside any section (expected a "
	    "[pack] header first)" },
	{ "[rule a]\nzone = all\n", "t.conf:1: [rule a] before the [pack]" },
	{ "[pack]\nname = x\nvendors = huawei\n[rule a]\nzone = all\n"
	  "max-share = 0%\n[rule a]\n",
	    "t.conf:7: [rule a] duplicate section (first on line 4)" },
	{ "[pack]\nname = x\nname = y\n",
	    "t.conf:3: [pack] name: given twice (first on line 2)" },
	{ "[pack]\nname = x\nvendors = huawei\n[rule a]\nzone = all, core\n",
	    "t.conf:5: [rule a] zone: \"all\" cannot be combined" },
	{ "[pack]\nname = x\nvendors = huawei\n[rule a]\nzone =\n",
	    "t.conf:5: [rule a] zone: empty value" },
	/* Lists continue on indented lines, and are checked there. */
	{ "[pack]\nname = x\nvendors = huawei\n[rule a]\nzone = all,\n"
	  "  ; the rest\n  core\n",
	    "t.conf:7: [rule a] zone: \"all\" cannot be combined" },
	{ "[pack]\nname = x\nvendors = huawei,\n[rule a]\n",
	    "t.conf:3: [pack] vendors: empty list item (the line ends with "
	    "',' and no indented line continues it)" },
	{ "[pack]\nname = x\n  y\n",
	    "t.conf:3: [pack] name: indented line continues a single value" },
	{ "[pack]\nname = x\nvendors = huawei\n",
	    "t.conf:1: the pack has no "
	    "[rule NAME] section" },
	{ "; nothing\n", "t.conf:1: no [pack] section" },
	{ "[pack]\nname = x\nvendors = huawei\nthis line\n",
	    "t.conf:4: expected \"key = value\" or a [section] header" },
	{ "[pack\n", "t.conf:1: section header lacks its closing ']'" },
	{ "[pack]\nname = x\nvendors = zte\n[pack]\n",
	    "t.conf:4: [pack] duplicate section (first on line 1)" },
	{ "[pack x]\n", "t.conf:1: [pack x] takes no name: [pack]" },
	{ "[pack] x\n",
	    "t.conf:1: unexpected text after the section "
	    "header" },
};

START_TEST(test_errors_name_file_and_line)
{
	struct classifier *c = catalogue();
	const char *text = bad_packs[_i].text;
	char err[512] = "";
	struct policy_pack *p = policy_pack_parse(text, strlen(text), "t.conf",
	    c, err, sizeof(err));

	ck_assert_msg(p == NULL, "case %d parsed", _i);
	ck_assert_msg(strncmp(err, bad_packs[_i].error,
			  strlen(bad_packs[_i].error)) == 0,
	    "case %d: got \"%s\", want "
	    "\"%s...\"",
	    _i, err, bad_packs[_i].error);
	classifier_free(c);
}
END_TEST

START_TEST(test_without_catalogue_vendor_slugs_are_checked_for_syntax)
{
	static const char text[] = "[pack]\nname = x\nvendors = acme\n"
				   "[rule a]\nzone = all\nmax-share = 0%\n";
	static const char bad[] = "[pack]\nname = x\nvendors = ac me\n"
				  "[rule a]\nzone = all\nmax-share = 0%\n";
	char err[256];
	struct policy_pack *p = policy_pack_parse(text, strlen(text), "t.conf",
	    NULL, err, sizeof(err));

	ck_assert_msg(p != NULL, "%s", err);
	policy_pack_free(p);
	ck_assert_ptr_null(policy_pack_parse(bad, strlen(bad), "t.conf", NULL,
	    err, sizeof(err)));
	ck_assert_str_eq(err,
	    "t.conf:3: [pack] vendors: unknown vendor \"ac me\" "
	    "(use a vendor slug of vendors.conf: huawei, zte, hikvision, "
	    "dahua, hytera, h3c, ...)");
}
END_TEST

START_TEST(test_long_lines_and_nul_bytes_are_errors)
{
	char *text = xmalloc(INI_LINE_MAX + 64);
	char err[256];
	size_t n;

	n = (size_t)snprintf(text, 64, "[pack]\nname = x\ntitle = ");
	memset(text + n, 'a', INI_LINE_MAX + 1);
	text[n + INI_LINE_MAX + 1] = '\0';
	ck_assert_ptr_null(policy_pack_parse(text, strlen(text), "t.conf", NULL,
	    err, sizeof(err)));
	ck_assert_str_eq(err, "t.conf:3: line longer than 4096 bytes");
	memcpy(text, "[pack]\nna\0e = x\n", 16);
	ck_assert_ptr_null(
	    policy_pack_parse(text, 16, "t.conf", NULL, err, sizeof(err)));
	ck_assert_str_eq(err, "t.conf:2: line contains a NUL byte");
	free(text);
}
END_TEST

START_TEST(test_directory_overrides_and_adds_packs)
{
	struct classifier *c = catalogue();
	char err[1024];
	struct policy_set *set;
	const struct policy_pack *p;
	char n0[] = "local", n1[] = "uk-dvd-2022", n2[] = "nope";
	char *names[] = { n0, n1 };

	write_file("uk-dvd-2022.conf",
	    "[pack]\nname = uk-dvd-2022\n"
	    "vendors = huawei\n[rule only]\nzone = core\nmax-share = 0%\n");
	write_file("local.conf",
	    "[pack]\nname = local\nvendors = h3c\n"
	    "[rule watch]\nzone = mgmt\nmax-share = 10%\n");
	write_file("README", "not a pack\n");
	set = policy_available(dir, c, err, sizeof(err));
	ck_assert_msg(set != NULL, "%s", err);
	ck_assert_uint_eq(set->n_packs, 6);
	ck_assert_ptr_nonnull(p = policy_set_find(set, "uk-dvd-2022"));
	ck_assert_uint_eq(p->n_rules, 1);
	ck_assert_ptr_nonnull(strstr(p->origin, "/uk-dvd-2022.conf"));
	ck_assert_ptr_nonnull(policy_set_find(set, "local"));
	policy_set_free(set);

	/* selection keeps the order asked for */
	set = policy_select(dir, names, 2, c, err, sizeof(err));
	ck_assert_msg(set != NULL, "%s", err);
	ck_assert_uint_eq(set->n_packs, 2);
	ck_assert_str_eq(set->packs[0]->name, "local");
	ck_assert_str_eq(set->packs[1]->name, "uk-dvd-2022");
	policy_set_free(set);

	names[0] = n2;
	ck_assert_ptr_null(policy_select(dir, names, 1, c, err, sizeof(err)));
	ck_assert_msg(
	    strncmp(err,
		"unknown policy pack \"nope\" (available: "
		"uk-dvd-2022 us-fcc-covered ca-2022 se-pts-2020 de-2024 local",
		95) == 0,
	    "%s", err);

	/* a file must be named after its pack */
	write_file("other.conf",
	    "[pack]\nname = else\nvendors = zte\n"
	    "[rule r]\nzone = all\nmax-share = 0%\n");
	ck_assert_ptr_null(policy_available(dir, c, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err,
	    "/other.conf: the pack is called "
	    "\"else\": name the file else.conf"));

	/* an error in a file names it and the line */
	write_file("other.conf",
	    "[pack]\nname = other\nvendors = zte\n"
	    "[rule r]\nzone = all\nmax-share = 0.5\n");
	ck_assert_ptr_null(policy_available(dir, c, err, sizeof(err)));
	ck_assert_ptr_nonnull(
	    strstr(err, "/other.conf:6: [rule r] max-share:"));
	policy_set_free(NULL);
	classifier_free(c);
}
END_TEST

START_TEST(test_missing_directory_means_builtin_only)
{
	char err[256];
	char *missing = xprintf("%s/none", dir);
	struct policy_set *set =
	    policy_available(missing, NULL, err, sizeof(err));

	ck_assert_msg(set != NULL, "%s", err);
	ck_assert_uint_eq(set->n_packs, 5);
	policy_set_free(set);
	free(missing);
}
END_TEST

/* Zones: management address, then other addresses, then sysName, then the
 * section that found the element. */
START_TEST(test_zone_of_a_sighting)
{
	char err[1024], *path;
	struct config *cfg;
	struct sighting *s;

	write_file("z.conf",
	    "[zone core]\nsubnets = 10.0.0.0/16\n"
	    "sysname = core-*\n[zone ran]\nsubnets = 10.64.0.0/12, "
	    "2001:db8::/32\nsysname = gnb*\n[zone lab]\n"
	    "subnets = 10.0.9.0/24\n");
	path = xprintf("%s/z.conf", dir);
	cfg = config_load(path, err, sizeof(err));
	ck_assert_msg(cfg != NULL, "%s", err);

	s = sighting_new("snmp", 0);
	zone_assign(cfg->zones, cfg->n_zones, s, NULL);
	ck_assert_ptr_null(s->zone);
	zone_assign(cfg->zones, cfg->n_zones, s,
	    "mirror"); /* only the section's zone */
	ck_assert_str_eq(s->zone, "mirror");
	sighting_set(&s->sys_name, "GNB-0042");
	zone_assign(cfg->zones, cfg->n_zones, s, "mirror");
	ck_assert_str_eq(s->zone, "ran");
	sighting_add_addr(s, ADDR_MAC, "00:e0:fc:00:00:01");
	sighting_add_addr(s, ADDR_IPV6, "2001:db8::7");
	sighting_add_addr(s, ADDR_IPV4, "192.0.2.1");
	zone_assign(cfg->zones, cfg->n_zones, s, "mirror");
	ck_assert_str_eq(s->zone, "ran");
	sighting_set(&s->sys_name, "core-1");
	zone_assign(cfg->zones, cfg->n_zones, s, "mirror");
	ck_assert_str_eq(s->zone, "ran");      /* address wins */
	sighting_set(&s->mgmt_ip, "10.0.9.4"); /* most specific subnet */
	zone_assign(cfg->zones, cfg->n_zones, s, "mirror");
	ck_assert_str_eq(s->zone, "lab");
	sighting_set(&s->mgmt_ip, "10.0.1.4");
	zone_assign(cfg->zones, cfg->n_zones, s, "mirror");
	ck_assert_str_eq(s->zone, "core");
	sighting_set(&s->mgmt_ip, "192.0.2.9"); /* in no zone: next rule */
	zone_assign(cfg->zones, cfg->n_zones, s, "mirror");
	ck_assert_str_eq(s->zone, "ran");
	sighting_free(s);
	config_free(cfg);
	free(path);
}
END_TEST

START_TEST(test_date_validation)
{
	ck_assert(policy_date_valid("2024-02-29"));
	ck_assert(policy_date_valid("2000-02-29"));
	ck_assert(!policy_date_valid("2100-02-29"));
	ck_assert(!policy_date_valid("2023-02-29"));
	ck_assert(!policy_date_valid("2023-13-01"));
	ck_assert(!policy_date_valid("2023-1-01"));
	ck_assert(!policy_date_valid("2023-01-01T00:00:00Z"));
	ck_assert(!policy_date_valid(""));
}
END_TEST

/*
 * Waivers.
 */

static const char good_waivers[] =
    "; exceptions granted by the security board\n"
    "[waiver spine-removal]\n"
    "mac = 00-E0-FC-12-34-56\n"
    "rule = uk-dvd-2022/core\n"
    "reason = removal scheduled, change 4711\n"
    "approver = CISO\n"
    "expires = 2027-03-31\n"
    "\n"
    "[waiver ran-east]\n"
    "zone = ran\n"
    "rule = uk-dvd-2022\n"
    "reason = swap-out programme\n"
    "approver = board\n"
    "expires = 2028-01-28\n"
    "[waiver box]\n"
    "element = 0042\n"
    "rule = de-2024/core\n"
    "reason = r\n"
    "approver = a\n"
    "expires = 2027-01-01\n"
    "[waiver v6]\n"
    "address = 2001:DB8:0:0::1\n"
    "rule = de-2024\n"
    "reason = r\n"
    "approver = a\n"
    "expires = 2027-01-01\n";

START_TEST(test_waivers_parse)
{
	char err[512] = "";
	struct waiver_set *ws = waiver_set_parse(good_waivers,
	    strlen(good_waivers), "w.conf", err, sizeof(err));
	const struct waiver *w;

	ck_assert_msg(ws != NULL, "%s", err);
	ck_assert_uint_eq(ws->n, 4);
	w = &ws->waivers[0];
	ck_assert_str_eq(w->name, "spine-removal");
	ck_assert_int_eq(w->line, 2);
	ck_assert_int_eq(w->scope_kind, WAIVER_MAC);
	ck_assert_str_eq(w->scope, "00:e0:fc:12:34:56"); /* canonical */
	ck_assert_str_eq(w->pack, "uk-dvd-2022");
	ck_assert_str_eq(w->rule, "core");
	ck_assert_str_eq(w->reason, "removal scheduled, change 4711");
	ck_assert_str_eq(w->approver, "CISO");
	ck_assert_str_eq(w->expires, "2027-03-31");
	w = &ws->waivers[1];
	ck_assert_int_eq(w->scope_kind, WAIVER_ZONE);
	ck_assert_str_eq(w->scope, "ran");
	ck_assert_ptr_null(w->rule); /* every rule of the pack */
	ck_assert_str_eq(ws->waivers[2].scope, "42");
	ck_assert_int_eq(ws->waivers[2].scope_kind, WAIVER_ELEMENT);
	ck_assert_str_eq(ws->waivers[3].scope, "2001:db8::1");
	ck_assert_int_eq(ws->waivers[3].scope_kind, WAIVER_ADDRESS);
	ck_assert_uint_eq(strlen(ws->digest), 64);
	waiver_set_free(ws);
}
END_TEST

#define W_HEAD "[waiver w]\n"
#define W_REST                                                                 \
	"rule = uk-dvd-2022\nreason = r\napprover = a\nexpires = 2027-01-01\n"

static const struct {
	const char *text;
	const char *error;
} bad_waivers[] = {
	{ W_HEAD "element = 7\nrule = uk-dvd-2022\nreason = r\napprover = a\n",
	    "w.conf:1: [waiver w] expires: required key missing" },
	{ W_HEAD "zone = core\n" W_REST "[waiver x]\nzone = core\n"
		 "rule = uk-dvd-2022\nreason = r\napprover = a\n"
		 "expires = 2027-02-30\n",
	    "w.conf:12: [waiver x] expires: \"2027-02-30\" is not a date" },
	{ W_HEAD "zone = core\nmac = 00:11:22:33:44:55\n" W_REST,
	    "w.conf:3: [waiver w] mac: a waiver covers one thing: zone was "
	    "given on line 2" },
	{ W_HEAD W_REST,
	    "w.conf:1: [waiver w] says nothing of what it covers" },
	{ W_HEAD "element = seven\n" W_REST,
	    "w.conf:2: [waiver w] element: \"seven\" is not an element "
	    "number" },
	{ W_HEAD "mac = 00:11:22\n" W_REST,
	    "w.conf:2: [waiver w] mac: \"00:11:22\" is not a MAC address" },
	{ W_HEAD "address = 10.0.0.300\n" W_REST,
	    "w.conf:2: [waiver w] address: \"10.0.0.300\" is not an IPv4 or "
	    "IPv6 address" },
	{ W_HEAD "zone = core\nrule = UK/x\nreason = r\napprover = a\n"
		 "expires = 2027-01-01\n",
	    "w.conf:3: [waiver w] rule: \"UK/x\" is not PACK/RULE or PACK" },
	{ W_HEAD "zone = core\nreason = r\napprover = a\nexpires = "
		 "2027-01-01\n",
	    "w.conf:1: [waiver w] rule: required key missing" },
	{ W_HEAD "zone = core\nrule = p\napprover = a\nexpires = "
		 "2027-01-01\n",
	    "w.conf:1: [waiver w] reason: required key missing" },
	{ W_HEAD "zone = core\nrule = p\nreason = r\nexpires = "
		 "2027-01-01\n",
	    "w.conf:1: [waiver w] approver: required key missing" },
	{ W_HEAD "zone = core\n" W_REST "colour = red\n",
	    "w.conf:7: [waiver w] colour: unknown key" },
	{ "[exception w]\n", "w.conf:1: [exception w] unknown section" },
	{ W_HEAD "zone = core\n" W_REST "[waiver w]\n",
	    "w.conf:7: [waiver w] duplicate section (first on line 1)" },
	{ "zone = core\n", "w.conf:1: zone: key outside any section" },
};

START_TEST(test_waiver_errors_name_file_and_line)
{
	const char *text = bad_waivers[_i].text;
	char err[512] = "";
	struct waiver_set *ws =
	    waiver_set_parse(text, strlen(text), "w.conf", err, sizeof(err));

	ck_assert_msg(ws == NULL, "case %d parsed", _i);
	ck_assert_msg(strncmp(err, bad_waivers[_i].error,
			  strlen(bad_waivers[_i].error)) == 0,
	    "case %d: got \"%s\", want \"%s...\"", _i, err,
	    bad_waivers[_i].error);
}
END_TEST

/* A waiver's pack and rule must be in force. */
START_TEST(test_waivers_checked_against_packs)
{
	static const char *const names[] = { "uk-dvd-2022" };
	static const char text[] = "[waiver a]\nzone = core\nrule = "
				   "uk-dvd-2022/no-such-rule\nreason = r\n"
				   "approver = a\nexpires = 2027-01-01\n";
	char err[512] = "";
	struct policy_set *set = policy_select(NULL, (char *const *)names, 1,
	    NULL, err, sizeof(err));
	struct waiver_set *ws;

	ck_assert_msg(set != NULL, "%s", err);
	ws = waiver_set_parse(good_waivers, strlen(good_waivers), "w.conf", err,
	    sizeof(err));
	ck_assert_ptr_nonnull(ws);
	ck_assert_int_eq(waiver_set_check(ws, set, err, sizeof(err)), -1);
	ck_assert_str_eq(err,
	    "w.conf:15: [waiver box] rule: no pack \"de-2024\" is in force "
	    "([policy] packs)");
	waiver_set_free(ws);
	ws = waiver_set_parse(text, strlen(text), "w.conf", err, sizeof(err));
	ck_assert_ptr_nonnull(ws);
	ck_assert_int_eq(waiver_set_check(ws, set, err, sizeof(err)), -1);
	ck_assert_str_eq(err,
	    "w.conf:1: [waiver a] rule: pack uk-dvd-2022 has no rule "
	    "\"no-such-rule\"");
	waiver_set_free(ws);
	policy_set_free(set);
}
END_TEST

static Suite *
policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc;

	tc = tcase_create("packs");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_builtin_packs_carry_the_facts);
	tcase_add_test(tc, test_shipped_files_parse_like_the_builtin_copies);
	tcase_add_test(tc, test_minimal_pack_and_defaults);
	tcase_add_test(tc, test_pack_in_the_common_dialect);
	tcase_add_loop_test(tc, test_errors_name_file_and_line, 0,
	    (int)ARRAY_SIZE(bad_packs));
	tcase_add_test(tc,
	    test_without_catalogue_vendor_slugs_are_checked_for_syntax);
	tcase_add_test(tc, test_long_lines_and_nul_bytes_are_errors);
	tcase_add_test(tc, test_directory_overrides_and_adds_packs);
	tcase_add_test(tc, test_missing_directory_means_builtin_only);
	tcase_add_test(tc, test_date_validation);
	suite_add_tcase(s, tc);

	tc = tcase_create("waivers");
	tcase_add_test(tc, test_waivers_parse);
	tcase_add_loop_test(tc, test_waiver_errors_name_file_and_line, 0,
	    (int)ARRAY_SIZE(bad_waivers));
	tcase_add_test(tc, test_waivers_checked_against_packs);
	suite_add_tcase(s, tc);

	tc = tcase_create("zones");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_zone_of_a_sighting);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(policy_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
