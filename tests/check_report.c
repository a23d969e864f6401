/*
 * Unit tests of compliance evaluation and the report, on databases built
 * through the store with the real classifier: every shipped rule before,
 * on and after its deadline; caps at and around 35%; unassigned elements;
 * first-seen-after with and without a baseline scan; conflicting
 * evidence; merged elements; the views against the evaluation at today's
 * date; escaping of network values in the outputs: CSV that no
 * spreadsheet runs, bytes that are not UTF-8 escaped once in each format.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "classify/classify.h"
#include "policy/policy.h"
#include "report/report.h"
#include "report/report_private.h"
#include "common/sighting.h"
#include "common/text.h"
#include "store/store.h"
#include "common/util.h"

#define DAY 86400

static const char huawei[] = "Huawei Versatile Routing Platform Software";
static const char zte[] = "ZXR10 ROS Version V4.8.01A, Copyright (c) by ZTE "
			  "Corporation";
static const char cisco[] = "Cisco IOS Software, C3750 Software";

static char dir[64];
static char db_path[128];
static struct classifier *cls;
static struct classifier_ops ops;
static int serial; /* makes every element's addresses unique */

static void
setup(void)
{
	char err[1024];

	str_copy(dir, "/tmp/check_report.XXXXXX", sizeof(dir));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(db_path, sizeof(db_path), "%s/vraudit.db", dir);
	cls = classifier_new(NULL, NULL, err, sizeof(err));
	ck_assert_msg(cls != NULL, "%s", err);
	ops = classifier_ops(cls);
	serial = 0;
}

static void
teardown(void)
{
	char *cmd = xprintf("rm -rf '%s'", dir);

	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(cmd);
	classifier_free(cls);
}

static int64_t
at(const char *iso)
{
	int64_t t;

	ck_assert_msg(time_parse(iso, &t) == 0, "bad time %s", iso);
	return t;
}

static struct store *
open_rw(void)
{
	char err[1024];
	struct store *st =
	    store_open(db_path, STORE_READ_WRITE, err, sizeof(err));

	ck_assert_msg(st != NULL, "open: %s", err);
	store_set_classifier(st, &ops);
	return st;
}

static struct store *
open_ro(void)
{
	char err[1024];
	struct store *st =
	    store_open(db_path, STORE_READ_ONLY, err, sizeof(err));

	ck_assert_msg(st != NULL, "open: %s", err);
	return st;
}

/* When the last element was recorded: the scan that recorded it ends
 * then, so that a baseline sweep's dates are its elements'. */
static int64_t last_when;

/* Record one element in zone (NULL: none) described by descr. */
static int64_t
add(struct store *st, int64_t scan, const char *zone, const char *descr,
    int64_t when)
{
	struct sighting *s = sighting_new("snmp", when);
	char mac[MAC_STRLEN], ip[32];
	int64_t id = 0;

	serial++;
	snprintf(mac, sizeof(mac), "02:00:00:00:%02x:%02x", serial / 256,
	    serial % 256);
	snprintf(ip, sizeof(ip), "10.%d.%d.%d", serial / 65536,
	    serial / 256 % 256, serial % 256);
	/* locally administered MACs carry no vendor of their own */
	sighting_set(&s->chassis_mac, mac);
	sighting_set(&s->mgmt_ip, ip);
	sighting_set(&s->zone, zone);
	if (descr != NULL)
		sighting_add_input(s, EV_SYSDESCR, descr);
	ck_assert_msg(store_record(st, scan, s, &id) == 0, "%s",
	    store_error(st));
	sighting_free(s);
	last_when = when;
	return id;
}

static void
add_n(struct store *st, int64_t scan, const char *zone, const char *descr,
    int n, int64_t when)
{
	for (int i = 0; i < n; i++)
		add(st, scan, zone, descr, when);
}

/* A complete scan (the baseline when it is the first). */
static int64_t
scan_begin(struct store *st)
{
	int64_t id = store_scan_begin(st, "snmp", "test");

	ck_assert_int_gt(id, 0);
	return id;
}

static void
scan_end(struct store *st, int64_t id, const char *status)
{
	char when[TIME_STRLEN];

	/* it ends when its last element was seen, and counts what it saw */
	if (last_when > 0) {
		time_format(last_when, when);
		setenv("VRAUDIT_NOW", when, 1);
	}
	ck_assert_msg(store_scan_end(st, id, status, STORE_SCAN_SEEN, -1,
			  NULL) == 0,
	    "%s", store_error(st));
	unsetenv("VRAUDIT_NOW");
}

static struct policy_set *
packs(void)
{
	char err[1024];
	struct policy_set *set = policy_available(NULL, cls, err, sizeof(err));

	ck_assert_msg(set != NULL, "%s", err);
	/* Evaluation at dates years apart: coverage is judged on its own
	 * (test_coverage_*). */
	set->max_age_s = INT64_C(100) * 365 * 86400;
	return set;
}

/* Rows as "col=value|col=value" lines, in the order given. */
struct rows {
	char **line;
	size_t n;
};

static int
collect(void *arg, const struct store_cell *cells, size_t n)
{
	struct rows *r = arg;
	char *line = xstrdup("");

	for (size_t i = 0; i < n; i++) {
		char *next =
		    xprintf("%s%s%s=%s", line, i ? "|" : "", cells[i].name,
			cells[i].type == STORE_CELL_NULL
			    ? "NULL"
			    : (const char *)cells[i].bytes);

		free(line);
		line = next;
	}
	r->line = xreallocarray(r->line, r->n + 1, sizeof(*r->line));
	r->line[r->n++] = line;
	return 0;
}

static void
rows_free(struct rows *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->line[i]);
	free(r->line);
	memset(r, 0, sizeof(*r));
}

static struct rows
eval(struct store *st, const struct policy_set *set, const char *as_of,
    enum store_policy_view view)
{
	struct rows r = { 0 };

	ck_assert_msg(store_policy_eval(st, set, as_of, view, collect, &r) == 0,
	    "eval: %s", store_error(st));
	return r;
}

/* The value of col in a collected line, as a new string. */
static char *
field(const char *line, const char *col)
{
	char *key = xprintf("%s=", col);
	const char *p = line;
	char *out = NULL;

	while ((p = strstr(p, key)) != NULL) {
		if (p == line || p[-1] == '|') {
			const char *end = strchr(p, '|');

			p += strlen(key);
			out = end != NULL ? xstrndup(p, (size_t)(end - p))
					  : xstrdup(p);
			break;
		}
		p++;
	}
	free(key);
	ck_assert_msg(out != NULL, "no %s in %s", col, line);
	return out;
}

/* status of policy/rule as of a date, and its row. */
static char *
rule_status(struct store *st, const struct policy_set *set, const char *as_of,
    const char *policy, const char *rule, char **row)
{
	struct rows r = eval(st, set, as_of, STORE_RULE_STATUS);
	char *status = NULL;

	for (size_t i = 0; i < r.n && status == NULL; i++) {
		char *p = field(r.line[i], "policy"),
		     *n = field(r.line[i], "rule");

		if (strcmp(p, policy) == 0 && strcmp(n, rule) == 0) {
			status = field(r.line[i], "status");
			if (row != NULL)
				*row = xstrdup(r.line[i]);
		}
		free(p);
		free(n);
	}
	rows_free(&r);
	ck_assert_msg(status != NULL, "no rule %s/%s", policy, rule);
	return status;
}

static void
assert_status(struct store *st, const struct policy_set *set, const char *as_of,
    const char *policy, const char *rule, const char *want)
{
	char *got = rule_status(st, set, as_of, policy, rule, NULL);

	ck_assert_msg(strcmp(got, want) == 0, "%s/%s as of %s: %s, want %s",
	    policy, rule, as_of, got, want);
	free(got);
}

/* Violations of policy/rule as of a date. */
static size_t
count_violations(struct store *st, const struct policy_set *set,
    const char *as_of, const char *policy, const char *rule, const char *status)
{
	struct rows r = eval(st, set, as_of, STORE_VIOLATIONS);
	size_t n = 0;

	for (size_t i = 0; i < r.n; i++) {
		char *p = field(r.line[i], "policy"),
		     *n2 = field(r.line[i], "rule"),
		     *s = field(r.line[i], "status");

		if (strcmp(p, policy) == 0 && strcmp(n2, rule) == 0) {
			ck_assert_str_eq(s, status);
			n++;
		}
		free(p);
		free(n2);
		free(s);
	}
	rows_free(&r);
	return n;
}

static void
shift(const char *date, int days, char out[POLICY_DATE_LEN])
{
	char t[TIME_STRLEN];

	time_format(at(date) + (int64_t)days * DAY, t);
	str_copy(out, t, POLICY_DATE_LEN);
}

/* 100 elements in ran, h of them Huawei: the UK cap at 35% by share. */
static void
check_ran_share(int h, bool over)
{
	struct policy_set *set = packs();
	struct store *st = open_rw();
	int64_t scan = scan_begin(st);
	struct rows r;
	char *row, *share;

	add_n(st, scan, "ran", huawei, h, at("2023-06-01"));
	add_n(st, scan, "ran", cisco, 100 - h, at("2023-06-01"));
	scan_end(st, scan, "complete");
	store_close(st);
	st = open_ro();

	free(
	    rule_status(st, set, "2023-07-30", "uk-dvd-2022", "ran-cap", &row));
	ck_assert_ptr_nonnull(strstr(row, "|days_left=1|"));
	ck_assert_ptr_nonnull(
	    strstr(row, over ? "|state=violated|" : "|state=met|"));
	free(row);
	assert_status(st, set, "2023-07-30", "uk-dvd-2022", "ran-cap",
	    "pending");
	ck_assert_uint_eq(count_violations(st, set, "2023-07-30", "uk-dvd-2022",
			      "ran-cap", "pending"),
	    over ? (size_t)h : 0);
	assert_status(st, set, "2023-07-31", "uk-dvd-2022", "ran-cap",
	    over ? "violated" : "met");
	assert_status(st, set, "2024-01-01", "uk-dvd-2022", "ran-cap",
	    over ? "violated" : "met");
	ck_assert_uint_eq(count_violations(st, set, "2023-07-31", "uk-dvd-2022",
			      "ran-cap", "violated"),
	    over ? (size_t)h : 0);

	r = eval(st, set, "2023-08-01", STORE_ZONE_SHARE);
	for (size_t i = 0; i < r.n; i++)
		if (strstr(r.line[i], "rule=ran-cap|") != NULL) {
			ck_assert_ptr_nonnull(
			    strstr(r.line[i], "|zone=ran|elements=100|"));
			share = field(r.line[i], "share");
			ck_assert_msg(strtod(share, NULL) == h, "share %s",
			    share);
			free(share);
		}
	rows_free(&r);
	/* before the elements were first seen, ran was empty: share 0 */
	r = eval(st, set, "2023-05-31", STORE_ZONE_SHARE);
	for (size_t i = 0; i < r.n; i++)
		if (strstr(r.line[i], "rule=ran-cap|") != NULL)
			ck_assert_ptr_nonnull(strstr(r.line[i],
			    "|elements=0|high_risk=0|share=0.0|"));
	rows_free(&r);
	store_close(st);
	policy_set_free(set);
}

START_TEST(test_ran_cap_34_percent_is_met)
{
	check_ran_share(34, false);
}
END_TEST

START_TEST(test_ran_cap_35_percent_is_met)
{
	check_ran_share(35, false);
}
END_TEST

START_TEST(test_ran_cap_36_percent_is_violated)
{
	check_ran_share(36, true);
}
END_TEST

static const char *const zones[] = {
	"core",
	"ran",
	"transport",
	"mgmt",
	"fixed-access",
	"sensitive-site",
	NULL,
};

/*
 * Every rule of every shipped pack, the day before, on and after its
 * deadline: with Huawei at half of every zone (and of the elements with no
 * zone) and a ZTE element there since the baseline, and one more of each first seen the day after
 * each first-seen-after date; then with no covered element at all.
 */
START_TEST(test_every_rule_around_its_deadline)
{
	struct policy_set *set = packs();
	struct store *st = open_rw();
	int64_t scan = scan_begin(st);

	for (size_t z = 0; z < ARRAY_SIZE(zones); z++) {
		/* Huawei at 50%: over every cap */
		add_n(st, scan, zones[z], huawei, 2, at("2019-01-01"));
		add(st, scan, zones[z], zte, at("2019-01-01"));
		add(st, scan, zones[z], cisco, at("2019-01-01"));
	}
	scan_end(st, scan, "complete");
	scan = scan_begin(st);
	for (size_t p = 0; p < set->n_packs; p++)
		for (size_t i = 0; i < set->packs[p]->n_rules; i++) {
			const struct policy_rule *ru = &set->packs[p]->rules[i];
			char d[POLICY_DATE_LEN];

			if (*ru->first_seen_after == '\0')
				continue;
			shift(ru->first_seen_after, 1, d);
			add(st, scan, NULL, huawei, at(d));
			add(st, scan, NULL, zte, at(d));
		}
	scan_end(st, scan, "complete");
	store_close(st);
	st = open_ro();

	for (size_t p = 0; p < set->n_packs; p++)
		for (size_t i = 0; i < set->packs[p]->n_rules; i++) {
			const struct policy_pack *pk = set->packs[p];
			const struct policy_rule *ru = &pk->rules[i];
			char before[POLICY_DATE_LEN], after[POLICY_DATE_LEN];
			char *row;

			ck_assert(*ru->deadline != '\0');
			shift(ru->deadline, -1, before);
			shift(ru->deadline, 1, after);
			free(rule_status(st, set, before, pk->name, ru->name,
			    &row));
			ck_assert_msg(strstr(row, "|status=pending") != NULL &&
				strstr(row, "|days_left=1|") != NULL,
			    "%s", row);
			free(row);
			/* nothing is first seen after a date on that date */
			assert_status(st, set, ru->deadline, pk->name, ru->name,
			    *ru->first_seen_after != '\0' &&
				    strcmp(ru->first_seen_after,
					ru->deadline) >= 0
				? "met"
				: "violated");
			assert_status(st, set, after, pk->name, ru->name,
			    "violated");
		}
	store_close(st);
	policy_set_free(set);
}
END_TEST

START_TEST(test_every_rule_is_met_without_covered_elements)
{
	struct policy_set *set = packs();
	struct store *st = open_rw();
	int64_t scan = scan_begin(st);

	for (size_t z = 0; z < ARRAY_SIZE(zones); z++)
		add_n(st, scan, zones[z], cisco, 2, at("2019-01-01"));
	add(st, scan, NULL, NULL, at("2019-01-01")); /* unknown vendor */
	scan_end(st, scan, "complete");
	store_close(st);
	st = open_ro();
	for (size_t p = 0; p < set->n_packs; p++)
		for (size_t i = 0; i < set->packs[p]->n_rules; i++) {
			const struct policy_pack *pk = set->packs[p];
			const struct policy_rule *ru = &pk->rules[i];
			char before[POLICY_DATE_LEN];

			shift(ru->deadline, -1, before);
			assert_status(st, set, before, pk->name, ru->name,
			    "pending");
			assert_status(st, set, ru->deadline, pk->name, ru->name,
			    "met");
			assert_status(st, set, "2030-01-01", pk->name, ru->name,
			    "met");
		}
	store_close(st);
	policy_set_free(set);
}
END_TEST

/* Elements without a zone count in "all" rules, shown as unassigned. */
START_TEST(test_unassigned_elements_count_in_all_zones)
{
	struct policy_set *set = packs();
	struct store *st = open_rw();
	int64_t scan = scan_begin(st), id;
	struct rows r;
	bool found = false;

	id = add(st, scan, NULL, zte, at("2020-01-01"));
	add(st, scan, "core", cisco, at("2020-01-01"));
	scan_end(st, scan, "complete");
	store_close(st);
	st = open_ro();
	assert_status(st, set, "2025-01-01", "us-fcc-covered",
	    "covered-equipment", "violated");
	/* its zones hold no element: not judged, not met */
	assert_status(st, set, "2025-01-01", "se-pts-2020", "central-functions",
	    "no-data");
	r = eval(st, set, "2025-01-01", STORE_VIOLATIONS);
	for (size_t i = 0; i < r.n; i++) {
		char *want = xprintf("policy=us-fcc-covered|rule=covered-"
				     "equipment|element_id=%lld|",
		    (long long)id);

		if (strncmp(r.line[i], want, strlen(want)) == 0) {
			ck_assert_ptr_nonnull(strstr(r.line[i],
			    "|vendor=zte|zone=unassigned|status=violated|"));
			ck_assert_ptr_nonnull(strstr(r.line[i],
			    "covered "
			    "vendors are 1 of 2 elements in all (50.00%), "
			    "cap 0%"));
			found = true;
		}
		free(want);
	}
	ck_assert(found);
	rows_free(&r);
	store_close(st);
	policy_set_free(set);
}
END_TEST

/* first-seen-after: the baseline scan's elements are not new; later
 * ones are, from the day after the date; before the baseline's end the
 * rule cannot see what is new. */
START_TEST(test_first_seen_after_with_a_baseline)
{
	struct policy_set *set = packs();
	struct store *st = open_rw();
	int64_t scan = scan_begin(st), old, late, on_day;
	struct rows r;

	old = add(st, scan, "core", huawei, at("2026-01-05"));
	scan_end(st, scan, "complete");
	scan = scan_begin(st);
	late = add(st, scan, "ran", huawei, at("2026-02-01"));
	add(st, scan, "ran", cisco, at("2026-02-01"));
	scan_end(st, scan, "complete");
	store_close(st);
	st = open_ro();

	assert_status(st, set, "2026-01-31", "uk-dvd-2022",
	    "no-new-installation", "met");
	assert_status(st, set, "2026-02-01", "uk-dvd-2022",
	    "no-new-installation", "violated");
	r = eval(st, set, "2026-03-01", STORE_VIOLATIONS);
	for (size_t i = 0; i < r.n; i++) {
		char *rule = field(r.line[i], "rule");
		char *id = field(r.line[i], "element_id");

		if (strcmp(rule, "no-new-installation") == 0) {
			ck_assert_int_eq(strtoll(id, NULL, 10), late);
			ck_assert_ptr_nonnull(strstr(r.line[i],
			    "first seen "
			    "2026-02-01T00:00:00Z, after 2022-10-13"));
		}
		if (strcmp(rule, "core") == 0)
			ck_assert_int_eq(strtoll(id, NULL, 10), old);
		free(rule);
		free(id);
	}
	rows_free(&r);
	store_close(st);

	/* Seen on the date itself is not after it. */
	st = open_rw();
	scan = scan_begin(st);
	on_day = add(st, scan, "ran", huawei, at("2023-02-06T23:59:59Z"));
	scan_end(st, scan, "complete");
	store_close(st);
	st = open_ro();
	r = eval(st, set, "2026-03-01", STORE_VIOLATIONS);
	for (size_t i = 0; i < r.n; i++)
		if (strstr(r.line[i], "rule=no-new-authorisation|") != NULL) {
			char *id = field(r.line[i], "element_id");

			ck_assert_int_ne(strtoll(id, NULL, 10), on_day);
			free(id);
		}
	rows_free(&r);
	store_close(st);
	policy_set_free(set);
}
END_TEST

START_TEST(test_without_a_complete_scan_every_element_is_new)
{
	struct policy_set *set = packs();
	struct store *st = open_rw();
	int64_t scan = scan_begin(st);

	add(st, scan, "core", huawei, at("2026-01-05"));
	scan_end(st, scan, "interrupted");
	store_close(st);
	st = open_ro();
	assert_status(st, set, "2026-02-01", "uk-dvd-2022",
	    "no-new-installation", "violated");
	ck_assert_uint_eq(count_violations(st, set, "2026-02-01", "uk-dvd-2022",
			      "no-new-installation", "violated"),
	    1);
	/* as of a day before it was first seen, it does not exist: nothing
	 * was observed yet, so nothing is met */
	assert_status(st, set, "2026-01-04", "uk-dvd-2022",
	    "no-new-installation", "no-data");
	assert_status(st, set, "2026-01-04", "uk-dvd-2022", "core", "no-data");
	store_close(st);
	policy_set_free(set);
}
END_TEST

/* Strong evidence naming Huawei on a box the verdict calls Cisco: counted,
 * and flagged. Conflicts between uncovered vendors are not. */
START_TEST(test_conflicting_evidence_is_counted_and_flagged)
{
	struct policy_set *set = packs();
	struct store *st = open_rw();
	int64_t scan = scan_begin(st), id;
	struct sighting *s = sighting_new("snmp", at("2020-01-01"));
	struct rows r;
	size_t flagged = 0;

	sighting_set(&s->mgmt_ip, "192.0.2.1");
	sighting_set(&s->zone, "core");
	sighting_add_input(s, EV_SYSOBJECTID, "1.3.6.1.4.1.9.1.516");
	sighting_add_input(s, EV_ENTITY_MFG, "Cisco Systems");
	sighting_add_input(s, EV_SYSDESCR, huawei);
	ck_assert_msg(store_record(st, scan, s, &id) == 0, "%s",
	    store_error(st));
	sighting_free(s);
	s = sighting_new("snmp", at("2020-01-01"));
	sighting_set(&s->mgmt_ip, "192.0.2.2");
	sighting_set(&s->zone, "core");
	sighting_add_input(s, EV_SYSOBJECTID, "1.3.6.1.4.1.2636.1.1.1.2.29");
	sighting_add_input(s, EV_SYSDESCR, cisco);
	ck_assert(store_record(st, scan, s, NULL) == 0);
	sighting_free(s);
	scan_end(st, scan, "complete");
	store_close(st);
	st = open_ro();

	r = eval(st, set, "2025-01-01", STORE_VIOLATIONS);
	for (size_t i = 0; i < r.n; i++) {
		char *eid = field(r.line[i], "element_id");

		ck_assert_int_eq(strtoll(eid, NULL, 10), id);
		ck_assert_ptr_nonnull(strstr(r.line[i], "|vendor=cisco|"));
		ck_assert_ptr_nonnull(strstr(r.line[i],
		    "conflicting "
		    "evidence"));
		flagged++;
		free(eid);
	}
	ck_assert_uint_gt(flagged, 0);
	rows_free(&r);
	assert_status(st, set, "2025-01-01", "se-pts-2020", "central-functions",
	    "violated");
	store_close(st);
	policy_set_free(set);
}
END_TEST

/* Two elements found to be one box count once. */
START_TEST(test_merged_elements_never_count)
{
	struct policy_set *set = packs();
	struct store *st = open_rw();
	int64_t scan = scan_begin(st);
	struct sighting *s;
	struct rows r;

	s = sighting_new("snmp", at("2020-01-01"));
	sighting_set(&s->chassis_mac, "02:00:00:aa:00:01");
	sighting_set(&s->zone, "ran");
	sighting_add_input(s, EV_SYSDESCR, huawei);
	ck_assert(store_record(st, scan, s, NULL) == 0);
	sighting_free(s);
	s = sighting_new("snmp", at("2020-01-02"));
	sighting_set(&s->chassis_mac, "02:00:00:aa:00:02");
	sighting_set(&s->zone, "ran");
	sighting_add_input(s, EV_SYSDESCR, huawei);
	ck_assert(store_record(st, scan, s, NULL) == 0);
	sighting_free(s);
	add_n(st, scan, "ran", cisco, 2, at("2020-01-01"));
	/* one box with both MACs */
	s = sighting_new("lldp", at("2020-01-03"));
	sighting_set(&s->chassis_mac, "02:00:00:aa:00:01");
	sighting_add_addr(s, ADDR_MAC, "02:00:00:aa:00:02");
	ck_assert(store_record(st, scan, s, NULL) == 0);
	sighting_free(s);
	scan_end(st, scan, "complete");
	store_close(st);
	st = open_ro();
	r = eval(st, set, "2024-01-01", STORE_ZONE_SHARE);
	for (size_t i = 0; i < r.n; i++)
		if (strstr(r.line[i], "rule=ran-cap|") != NULL)
			ck_assert_ptr_nonnull(
			    strstr(r.line[i], "|elements=3|high_risk=1|"));
	rows_free(&r);
	store_close(st);
	policy_set_free(set);
}
END_TEST

/* The views (today, synced packs) equal the C evaluation as of today. */
START_TEST(test_views_equal_the_evaluation_today)
{
	static const char *const views[] = {
		[STORE_RULE_STATUS] = "rule_status",
		[STORE_VIOLATIONS] = "violations",
		[STORE_ZONE_SHARE] = "zone_share",
	};
	static const char *const order[] = {
		[STORE_RULE_STATUS] = "policy, rule",
		[STORE_VIOLATIONS] = "policy, rule, element_id",
		[STORE_ZONE_SHARE] = "policy, rule, zone",
	};
	struct policy_set *set = packs();
	struct store *st = open_rw();
	int64_t scan = scan_begin(st), now = time(NULL);
	char today[TIME_STRLEN];
	size_t total = 0;

	time_format(now, today);
	today[10] = '\0';
	for (size_t z = 0; z < ARRAY_SIZE(zones); z++) {
		add(st, scan, zones[z], huawei, at("2021-01-01"));
		add_n(st, scan, zones[z], cisco, 2, at("2021-01-01"));
	}
	scan_end(st, scan, "complete");
	scan = scan_begin(st);
	add(st, scan, "ran", zte, now - 3600);
	add(st, scan, NULL, huawei, now - 7 * DAY);
	scan_end(st, scan, "complete");
	ck_assert_msg(store_sync_policies(st, set) == 0, "%s", store_error(st));
	store_close(st);
	st = open_ro();

	for (size_t v = 0; v < ARRAY_SIZE(views); v++) {
		struct rows mine = eval(st, set, today, v);
		struct rows synced = eval(st, NULL, NULL, v);
		struct rows direct = { 0 };
		sqlite3 *db;
		sqlite3_stmt *stmt;
		char *uri = xprintf("file:%s?mode=ro", db_path);
		char *sql =
		    xprintf("SELECT * FROM %s ORDER BY %s", views[v], order[v]);

		ck_assert_int_eq(sqlite3_open_v2(uri, &db,
				     SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
				     NULL),
		    SQLITE_OK);
		ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
		    SQLITE_OK);
		while (sqlite3_step(stmt) == SQLITE_ROW) {
			int n = sqlite3_column_count(stmt);
			struct store_cell *cells =
			    xcalloc((size_t)n, sizeof(*cells));

			for (int i = 0; i < n; i++) {
				cells[i].name = sqlite3_column_name(stmt, i);
				cells[i].type =
				    sqlite3_column_type(stmt, i) == SQLITE_NULL
				    ? STORE_CELL_NULL
				    : STORE_CELL_TEXT;
				cells[i].bytes = sqlite3_column_text(stmt, i);
			}
			collect(&direct, cells, (size_t)n);
			free(cells);
		}
		sqlite3_finalize(stmt);
		sqlite3_close(db);
		ck_assert_uint_gt(direct.n, 0);
		ck_assert_uint_eq(mine.n, direct.n);
		ck_assert_uint_eq(synced.n, direct.n);
		for (size_t i = 0; i < direct.n; i++) {
			ck_assert_str_eq(mine.line[i], direct.line[i]);
			ck_assert_str_eq(synced.line[i], direct.line[i]);
		}
		total += direct.n;
		rows_free(&mine);
		rows_free(&synced);
		rows_free(&direct);
		free(uri);
		free(sql);
	}
	ck_assert_uint_gt(total, 20);
	store_close(st);
	policy_set_free(set);
}
END_TEST

/* Syncing replaces the packs; a read-only store refuses. */
START_TEST(test_sync_replaces_the_policy_tables)
{
	char err[1024], n0[] = "de-2024";
	char *names[] = { n0 };
	struct policy_set *all = packs();
	struct policy_set *one =
	    policy_select(NULL, names, 1, cls, err, sizeof(err));
	struct store *st = open_rw();
	struct rows r;

	ck_assert_ptr_nonnull(one);
	ck_assert_int_eq(store_sync_policies(st, all), 0);
	ck_assert_int_eq(store_sync_policies(st, one), 0);
	r = eval(st, NULL, NULL, STORE_RULE_STATUS);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_ptr_nonnull(strstr(r.line[0], "policy=de-2024|rule=core|"));
	rows_free(&r);
	store_close(st);
	st = open_ro();
	ck_assert_int_eq(store_sync_policies(st, all), -1);
	store_close(st);
	policy_set_free(all);
	policy_set_free(one);
}
END_TEST

/* Network values are escaped in every output. */
START_TEST(test_network_values_are_escaped)
{
	struct policy_set *set = packs();
	struct store *st = open_rw();
	int64_t scan = scan_begin(st);
	struct report_options opt = { .db_path = db_path,
		.as_of = "2025-06-01",
		.now = at("2025-06-01T12:00:00Z") };
	struct report *rep;
	char *buf;
	size_t len;
	FILE *out;

	add(st, scan, "core", "Huawei VRP <script>alert(1)</script>\x1b[31m",
	    at("2025-05-30"));
	scan_end(st, scan, "complete");
	store_close(st);
	st = open_ro();
	rep = report_new(st, set, &opt);
	ck_assert_ptr_nonnull(rep);
	ck_assert(report_violated(rep));

	out = open_memstream(&buf, &len);
	ck_assert_int_eq(report_write(rep, REPORT_HTML, out), 0);
	fclose(out);
	ck_assert_ptr_null(strstr(buf, "<script>"));
	ck_assert_ptr_nonnull(strstr(buf, "&lt;script&gt;alert(1)"));
	ck_assert_ptr_null(strstr(buf, "\x1b"));
	ck_assert_ptr_nonnull(strstr(buf, "<svg id=\"zone-share-chart\""));
	ck_assert_ptr_nonnull(strstr(buf, "<svg id=\"history-chart\""));
	free(buf);

	out = open_memstream(&buf, &len);
	ck_assert_int_eq(report_write(rep, REPORT_TEXT, out), 0);
	fclose(out);
	ck_assert_ptr_null(strstr(buf, "\x1b"));
	ck_assert_ptr_nonnull(strstr(buf, "</script>\\x1b[31m"));
	ck_assert_ptr_nonnull(strstr(buf, "not sites or traffic"));
	ck_assert_ptr_nonnull(
	    strstr(buf, "new installations (first-seen-after rules): "));
	free(buf);

	out = open_memstream(&buf, &len);
	ck_assert_int_eq(report_write(rep, REPORT_JSON, out), 0);
	fclose(out);
	ck_assert_ptr_null(strstr(buf, "\x1b"));
	ck_assert_ptr_nonnull(strstr(buf, "</script>\\u001b[31m"));
	free(buf);
	report_free(rep);
	store_close(st);
	policy_set_free(set);
}
END_TEST

/* The report on rep in format, as a new string. */
static char *
written(const struct report *rep, enum report_format format)
{
	char *buf;
	size_t len;
	FILE *out = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(report_write(rep, format, out), 0);
	fclose(out);
	return buf;
}

/* A report as of 2025-06-01 on the elements recorded so far. */
static struct report *
june_report(struct store **st, const struct policy_set *set)
{
	struct report_options opt = { .db_path = db_path,
		.as_of = "2025-06-01",
		.now = at("2025-06-01T12:00:00Z") };
	struct report *rep;

	*st = open_ro();
	rep = report_new(*st, set, &opt);
	ck_assert_ptr_nonnull(rep);
	return rep;
}

/* Fields of a CSV text (RFC 4180), decoded. */
struct csv {
	char **field;
	size_t n;
	size_t rows;
	size_t per_row; /* fields in every row; 0 when rows differ */
};

static void
csv_parse(const char *p, struct csv *c)
{
	size_t in_row = 0;

	memset(c, 0, sizeof(*c));
	while (*p != '\0') {
		struct strbuf f = STRBUF_INIT;

		if (*p == '"') {
			for (p++; *p != '\0'; p++) {
				if (*p == '"' && p[1] == '"')
					p++;
				else if (*p == '"')
					break;
				strbuf_addc(&f, *p);
			}
			ck_assert_msg(*p == '"', "unterminated quoted field");
			p++;
		} else
			for (; *p != '\0' && *p != ',' && *p != '\n'; p++)
				strbuf_addc(&f, *p);
		c->field = xreallocarray(c->field, c->n + 1, sizeof(*c->field));
		c->field[c->n++] = strbuf_steal(&f);
		in_row++;
		ck_assert_msg(*p == ',' || *p == '\n', "junk after a field: %s",
		    p);
		if (*p++ == '\n') {
			if (c->rows++ == 0)
				c->per_row = in_row;
			else if (in_row != c->per_row)
				c->per_row = 0;
			in_row = 0;
		}
	}
}

static void
csv_free(struct csv *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->field[i]);
	free(c->field);
}

/* Zone names that a spreadsheet would run as formulas stay text in CSV:
 * each field keeps its value behind a leading quote. */
START_TEST(test_csv_is_safe_in_a_spreadsheet)
{
	static const char *const hostile[] = {
		"=HYPERLINK(\"http://evil.example/\",\"report\")",
		"+cmd|' /C calc'!A0",
		"@SUM(1+1)*cmd|' /C calc'!A0",
		"-2+3",
	};
	struct policy_set *set = packs();
	struct store *st = open_rw();
	int64_t scan = scan_begin(st);
	struct report *rep;
	struct csv c;
	bool seen[ARRAY_SIZE(hostile)] = { false };
	char *buf;

	/* us-fcc-covered lists every Huawei element with its zone */
	for (size_t i = 0; i < ARRAY_SIZE(hostile); i++)
		add(st, scan, hostile[i], huawei, at("2025-05-01"));
	scan_end(st, scan, "complete");
	store_close(st);
	rep = june_report(&st, set);
	buf = written(rep, REPORT_CSV);
	csv_parse(buf, &c);
	ck_assert_msg(c.per_row == 34, "rows of different lengths");
	for (size_t i = 0; i < c.n; i++) {
		ck_assert_msg(strchr("=+-@", c.field[i][0]) == NULL ||
			c.field[i][0] == '\0',
		    "field %s would run as a formula", c.field[i]);
		for (size_t h = 0; h < ARRAY_SIZE(hostile); h++)
			if (c.field[i][0] == '\'' &&
			    strcmp(c.field[i] + 1, hostile[h]) == 0)
				seen[h] = true;
	}
	for (size_t h = 0; h < ARRAY_SIZE(hostile); h++)
		ck_assert_msg(seen[h], "zone %s is not in the CSV as text",
		    hostile[h]);
	csv_free(&c);
	free(buf);
	report_free(rep);
	store_close(st);
	policy_set_free(set);
}
END_TEST

/*
 * Bytes that are not UTF-8 are stored as a BLOB and escaped once, by the
 * format that writes them: \xff, never \\xff (the escape's backslash
 * escaped again). The zone is in every format, the evidence in all but
 * CSV.
 */
START_TEST(test_bytes_not_utf8_are_escaped_once)
{
	static const struct {
		enum report_format format;
		const char *zone, *value;
	} want[] = {
		{ REPORT_TEXT, "zone core\\xff ", "VRP \\xff\\xfe end" },
		{ REPORT_CSV, ",core\\xff,", NULL },
		/* JSON strings holding the text core\xff and VRP \xff\xfe */
		{ REPORT_JSON, "\"zone\": \"core\\\\xff\"",
		    "VRP \\\\xff\\\\xfe end" },
		/* HTML shows the bytes, marked as such */
		{ REPORT_HTML,
		    "zone core<span class=\"ctl\" title=\"bytes that are "
		    "not text\">\\xff</span>",
		    "VRP <span class=\"ctl\" title=\"bytes that are not "
		    "text\">\\xff</span><span class=\"ctl\" "
		    "title=\"bytes that are not text\">\\xfe</span> end" },
	};
	static const char sql[] =
	    "SELECT (SELECT count(*) FROM element "
	    "WHERE typeof(zone) = 'blob') + (SELECT count(*) FROM "
	    "element_evidence WHERE typeof(value) = 'blob')";
	struct policy_set *set = packs();
	struct store *st = open_rw();
	int64_t scan = scan_begin(st);
	sqlite3 *db;
	sqlite3_stmt *stmt;
	struct report *rep;
	int blobs;

	add(st, scan, "core\xff", "Huawei VRP \xff\xfe end", at("2025-05-01"));
	scan_end(st, scan, "complete");
	store_close(st);

	/* they are stored as BLOBs, not as text */
	ck_assert_int_eq(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY,
			     NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
	blobs = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	ck_assert_int_eq(blobs, 2);

	rep = june_report(&st, set);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		char *buf = written(rep, want[i].format);
		const char *near = strstr(buf, "core\\");

		/* messages quote the first line with the zone, not the whole
		 * report (check's messages are short) */
		near = near != NULL ? near : buf;
		ck_assert_msg(strstr(buf, want[i].zone) != NULL,
		    "format %d: no %s in %.100s", (int)want[i].format,
		    want[i].zone, near);
		ck_assert_msg(want[i].value == NULL ||
			strstr(buf, want[i].value) != NULL,
		    "format %d: no %s", (int)want[i].format, want[i].value);
		/* the escape's backslash is never escaped again */
		ck_assert_msg(strstr(buf,
				  want[i].format == REPORT_JSON
				      ? "\\\\\\\\x"
				      : "\\\\x") == NULL,
		    "format %d: escaped twice: %.100s", (int)want[i].format,
		    near);
		ck_assert_msg(strchr(buf, '\xff') == NULL,
		    "format %d: a raw byte 0xff", (int)want[i].format);
		free(buf);
	}
	report_free(rep);
	store_close(st);
	policy_set_free(set);
}
END_TEST

/* How often needle occurs in haystack. */
static int
occurrences(const char *haystack, const char *needle)
{
	int n = 0;

	for (const char *p = haystack; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* An element known only by its MAC and the IPv4 address ARP gave it. */
static int64_t
add_arp_only(struct store *st, int64_t scan, const char *zone, const char *ip,
    const char *descr, int64_t when)
{
	struct sighting *s = sighting_new("snmp", when);
	char mac[MAC_STRLEN];
	int64_t id = 0;

	serial++;
	snprintf(mac, sizeof(mac), "02:00:00:00:%02x:%02x", serial / 256,
	    serial % 256);
	sighting_set(&s->chassis_mac, mac);
	sighting_add_addr(s, ADDR_IPV4, ip);
	sighting_set(&s->zone, zone);
	sighting_add_input(s, EV_SYSDESCR, descr);
	ck_assert_msg(store_record(st, scan, s, &id) == 0, "%s",
	    store_error(st));
	sighting_free(s);
	return id;
}

/*
 * The HTML report for sign-off: the summary first, then the charts, each
 * violating element once with the rules it breaks and its evidence once
 * (collapsible), CR LF as a line break and a control byte marked, an
 * element without a management address located by its other address and
 * said to be so, the provenance (version, configuration and its digest,
 * each pack's digest, audit head, data age) and a place to sign. The
 * other formats carry the same provenance.
 */
START_TEST(test_report_for_sign_off)
{
	struct policy_set *set = packs();
	struct store *st = open_rw();
	int64_t scan = scan_begin(st);
	struct report_options opt = { .db_path = db_path,
		.version = "9.8.7",
		.config_path = "/etc/vraudit/vraudit.conf",
		.config_digest = "c0ffee",
		.as_of = "2025-06-01",
		.now = at("2025-06-03T12:00:00Z") };
	struct report *rep;
	int64_t core, arp;
	char *buf, *want;
	const char *summary, *charts, *violations, *prov, *sign;

	/* in the core (UK and US rules) and in the RAN (US only) */
	core = add(st, scan, "core", "Huawei VRP\r\nVersion 8\x07 end",
	    at("2025-05-01"));
	arp = add_arp_only(st, scan, "ran", "10.99.0.7", huawei,
	    at("2025-05-20"));
	add_n(st, scan, "ran", cisco, 4, at("2025-05-01"));
	scan_end(st, scan, "complete");
	store_close(st);
	st = open_ro();
	rep = report_new(st, set, &opt);
	ck_assert_ptr_nonnull(rep);
	buf = written(rep, REPORT_HTML);

	summary = strstr(buf, "<section id=\"summary\">");
	charts = strstr(buf, "<section id=\"charts\">");
	violations = strstr(buf, "<section id=\"violations\">");
	prov = strstr(buf, "<section id=\"provenance\">");
	sign = strstr(buf, "<section id=\"sign-off\">");
	ck_assert_ptr_nonnull(summary);
	ck_assert_ptr_nonnull(charts);
	ck_assert_ptr_nonnull(violations);
	ck_assert_ptr_nonnull(prov);
	ck_assert_ptr_nonnull(sign);
	ck_assert(summary < charts && charts < violations);
	ck_assert_ptr_nonnull(strstr(summary, "uk-dvd-2022"));
	ck_assert_ptr_nonnull(strstr(summary, "<th>elements in scope</th>"));
	ck_assert_ptr_nonnull(strstr(summary, "<th>days left</th>"));

	/* each violating element once, its evidence once and collapsible */
	want = xprintf("data-element=\"%lld\"", (long long)core);
	ck_assert_int_eq(occurrences(buf, want), 1);
	free(want);
	want = xprintf("data-element=\"%lld\"", (long long)arp);
	ck_assert_int_eq(occurrences(buf, want), 1);
	free(want);
	ck_assert_int_eq(occurrences(buf, "Huawei VRP<br>Version 8"), 1);
	ck_assert_int_ge(occurrences(buf, "<details class=\"evidence\">"), 2);
	ck_assert_ptr_nonnull(
	    strstr(buf, "::details-content{content-visibility:visible"));

	/* readable escapes: no \x0d\x0a, the bell marked */
	ck_assert_ptr_null(strstr(buf, "\\x0d"));
	ck_assert_ptr_null(strstr(buf, "\r"));
	ck_assert_ptr_null(strstr(buf, "\x07"));
	ck_assert_ptr_nonnull(strstr(buf,
	    "<span class=\"ctl\" title=\"control byte 0x07\">\xe2\x90\x87"
	    "</span> end"));

	/* the element ARP saw is found by that address */
	ck_assert_ptr_nonnull(strstr(buf,
	    "<code>10.99.0.7</code> <span class=\"addr-note\">(ipv4 address "
	    "seen on the network, not the management address)</span>"));

	/* provenance and sign-off */
	ck_assert_ptr_nonnull(strstr(prov, "<td>9.8.7</td>"));
	ck_assert_ptr_nonnull(strstr(prov, "/etc/vraudit/vraudit.conf"));
	ck_assert_ptr_nonnull(strstr(prov, "c0ffee"));
	for (size_t p = 0; p < set->n_packs; p++) {
		ck_assert_int_eq(strlen(set->packs[p]->digest), 64);
		ck_assert_ptr_nonnull(strstr(prov, set->packs[p]->digest));
	}
	ck_assert_ptr_nonnull(strstr(prov,
	    "newest observation on 2025-05-20, 14 days before generation"));
	ck_assert_ptr_nonnull(strstr(sign, "<th>signature</th>"));
	free(buf);

	buf = written(rep, REPORT_TEXT);
	ck_assert_ptr_nonnull(strstr(buf, "vraudit:   9.8.7\n"));
	ck_assert_ptr_nonnull(strstr(buf,
	    "config:    /etc/vraudit/vraudit.conf (sha256 c0ffee)"));
	ck_assert_ptr_nonnull(strstr(buf, set->packs[0]->digest));
	ck_assert_ptr_nonnull(strstr(buf,
	    "data:      newest observation "
	    "2025-05-20 (14 days old)"));
	ck_assert_ptr_nonnull(strstr(buf,
	    "10.99.0.7 (ipv4, not the "
	    "management address)"));
	free(buf);

	buf = written(rep, REPORT_JSON);
	ck_assert_ptr_nonnull(strstr(buf, "\"vraudit_version\": \"9.8.7\""));
	ck_assert_ptr_nonnull(strstr(buf,
	    "\"config\": {\"path\": \"/etc/vraudit/vraudit.conf\", "
	    "\"sha256\": \"c0ffee\"}"));
	ck_assert_ptr_nonnull(strstr(buf, set->packs[0]->digest));
	ck_assert_ptr_nonnull(strstr(buf,
	    "\"data_age\": {\"newest\": \"2025-05-20\", \"days\": 14}"));
	ck_assert_ptr_nonnull(strstr(buf,
	    "\"address\": \"10.99.0.7\", \"address_kind\": \"ipv4\""));
	free(buf);

	buf = written(rep, REPORT_CSV);
	ck_assert_ptr_nonnull(strstr(buf, ",9.8.7,"));
	ck_assert_ptr_nonnull(
	    strstr(buf, ",/etc/vraudit/vraudit.conf,c0ffee,"));
	ck_assert_ptr_nonnull(strstr(buf, set->packs[0]->digest));
	ck_assert_ptr_nonnull(strstr(buf, ",10.99.0.7,ipv4,"));
	free(buf);
	report_free(rep);
	store_close(st);
	policy_set_free(set);
}
END_TEST

/* The inventory figures: elements by vendor and risk, most first, and the
 * high-risk ones' history, counting the elements first seen by the
 * report's date and not merged; the newest observation of any. */
START_TEST(test_inventory_figures)
{
	struct policy_set *set = packs();
	struct store *st = open_rw();
	int64_t scan = scan_begin(st);
	struct report *rep;
	struct sighting *s;

	add_n(st, scan, "ran", huawei, 3, at("2025-01-01"));
	add_n(st, scan, "core", cisco, 2, at("2025-01-02"));
	/* two Huawei MACs of one box: one element once merged */
	for (int i = 1; i <= 2; i++) {
		char mac[MAC_STRLEN];

		snprintf(mac, sizeof(mac), "02:00:00:bb:00:%02x", i);
		s = sighting_new("snmp", at("2025-01-03"));
		sighting_set(&s->chassis_mac, mac);
		sighting_add_input(s, EV_SYSDESCR, huawei);
		ck_assert(store_record(st, scan, s, NULL) == 0);
		sighting_free(s);
	}
	s = sighting_new("lldp", at("2025-01-04"));
	sighting_set(&s->chassis_mac, "02:00:00:bb:00:01");
	sighting_add_addr(s, ADDR_MAC, "02:00:00:bb:00:02");
	ck_assert(store_record(st, scan, s, NULL) == 0);
	sighting_free(s);
	/* first seen after the report's date: newest, but not counted */
	add(st, scan, "ran", zte, at("2025-07-01"));
	scan_end(st, scan, "complete");
	store_close(st);

	rep = june_report(&st, set);
	ck_assert_uint_eq(rep->counts.nrows, 2);
	ck_assert_str_eq(report_str(&rep->counts, 0, "vendor"), "huawei");
	ck_assert_str_eq(report_str(&rep->counts, 0, "risk"), "high");
	ck_assert_int_eq(report_num(&rep->counts, 0, "elements"), 4);
	ck_assert_str_eq(report_str(&rep->counts, 1, "vendor"), "cisco");
	ck_assert_int_eq(report_num(&rep->counts, 1, "elements"), 2);
	ck_assert_uint_eq(rep->history.nrows, 4);
	for (size_t i = 0; i < rep->history.nrows; i++)
		ck_assert_ptr_nonnull(
		    strstr(report_str(&rep->history, i, "first_seen"),
			"2025-01-0"));
	ck_assert_str_eq(rep->newest, "2025-07-01");
	report_free(rep);
	store_close(st);
	policy_set_free(set);
}
END_TEST

/* Nothing recorded: no counts, no history, no newest day. */
START_TEST(test_inventory_figures_of_nothing)
{
	struct policy_set *set = packs();
	struct store *st = open_rw();
	struct report *rep;

	store_close(st);
	rep = june_report(&st, set);
	ck_assert_uint_eq(rep->counts.nrows, 0);
	ck_assert_uint_eq(rep->history.nrows, 0);
	ck_assert_str_eq(rep->newest, "");
	report_free(rep);
	store_close(st);
	policy_set_free(set);
}
END_TEST

/* A random value of any of SQLite's kinds, as text for a statement:
 * NULL, integers (some past 2^53), reals, texts sharing prefixes, BLOBs. */
static void
random_value(unsigned *seed, char *out, size_t size)
{
	static const char *const texts[] = { "", "a", "ab", "abc", "b", "B",
		"10", "9", "\xc3\xa9", "a\x7f" };

	switch (rand_r(seed) % 6) {
	case 0:
		snprintf(out, size, "NULL");
		break;
	case 1:
		snprintf(out, size, "%d", rand_r(seed) % 21 - 10);
		break;
	case 2:
		/* apart as integers, equal as doubles */
		snprintf(out, size, "%s%lld", rand_r(seed) % 2 ? "-" : "",
		    9007199254740992LL + rand_r(seed) % 3);
		break;
	case 3:
		snprintf(out, size, "%d.5", rand_r(seed) % 21 - 10);
		break;
	case 4:
		snprintf(out, size, "'%s'",
		    texts[(size_t)rand_r(seed) % ARRAY_SIZE(texts)]);
		break;
	default:
		snprintf(out, size, "x'%02x%02x'", rand_r(seed) % 3,
		    rand_r(seed) % 3);
		break;
	}
}

/* Rows of a statement into a report table, as the store reads them. */
static void
rows_into_table(sqlite3_stmt *stmt, struct table *t)
{
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		int n = sqlite3_column_count(stmt);
		struct store_cell cells[8];

		ck_assert_int_le(n, 8);
		for (int i = 0; i < n; i++) {
			struct store_cell *c = &cells[i];
			int type = sqlite3_column_type(stmt, i);

			c->name = sqlite3_column_name(stmt, i);
			c->type = type == SQLITE_NULL ? STORE_CELL_NULL
			    : type == SQLITE_INTEGER  ? STORE_CELL_INTEGER
			    : type == SQLITE_FLOAT    ? STORE_CELL_REAL
			    : type == SQLITE_BLOB     ? STORE_CELL_BLOB
						      : STORE_CELL_TEXT;
			c->bytes = type == SQLITE_BLOB
			    ? sqlite3_column_blob(stmt, i)
			    : sqlite3_column_text(stmt, i);
			if (c->bytes == NULL)
				c->bytes = (const unsigned char *)"";
			c->len = (size_t)sqlite3_column_bytes(stmt, i);
		}
		table_add(t, cells, (size_t)n);
	}
	sqlite3_finalize(stmt);
}

/* The report sorts the evaluated rows itself: in the order SQLite's
 * ORDER BY gives, for values of every kind. */
START_TEST(test_table_sort_is_order_by)
{
	static const char *const keys[] = { "a", "b", "c", "id" };
	unsigned seed = 20261207;
	struct table t = { 0 };
	sqlite3_stmt *stmt;
	sqlite3 *db;
	int rows = 0;

	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db,
			     "CREATE TABLE t (id INTEGER, a, b, c)", NULL, NULL,
			     NULL),
	    SQLITE_OK);
	for (int i = 0; i < 3000; i++) {
		char a[64], b[64], c[64], *sql;

		random_value(&seed, a, sizeof(a));
		random_value(&seed, b, sizeof(b));
		random_value(&seed, c, sizeof(c));
		sql = xprintf("INSERT INTO t VALUES (%d, %s, %s, %s)", i, a, b,
		    c);
		ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL),
		    SQLITE_OK);
		free(sql);
	}
	ck_assert_int_eq(sqlite3_prepare_v2(db,
			     "SELECT id, a, b, c FROM t ORDER BY id", -1, &stmt,
			     NULL),
	    SQLITE_OK);
	rows_into_table(stmt, &t);
	ck_assert_uint_eq(t.nrows, 3000);
	/* three keys and the row's place, so that no two rows tie */
	table_sort(&t, keys, ARRAY_SIZE(keys));
	ck_assert_int_eq(sqlite3_prepare_v2(db,
			     "SELECT id FROM t ORDER BY a, b, c, id", -1, &stmt,
			     NULL),
	    SQLITE_OK);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		ck_assert_int_eq(report_num(&t, (size_t)rows, "id"),
		    sqlite3_column_int64(stmt, 0));
		rows++;
	}
	ck_assert_int_eq(rows, 3000);
	sqlite3_finalize(stmt);
	table_finish(&t);
	sqlite3_close(db);
}
END_TEST

static int
count_row(void *arg, const struct store_cell *cells, size_t n)
{
	(void)cells;
	(void)n;
	(*(int *)arg)++;
	return 0;
}

/* What a reader sees of the inventory and of the chain's head. */
static void
seen(struct store *st, int *elements, int64_t *head)
{
	char hash[STORE_HASH_STRLEN];

	*elements = 0;
	ck_assert_int_eq(store_inventory(st, NULL, count_row, elements), 0);
	ck_assert_int_eq(store_audit_head(st, head, hash), 0);
}

/* A report reads in one snapshot: a writer committing meanwhile changes
 * neither its figures nor the chain's head it names. */
START_TEST(test_a_read_is_one_snapshot)
{
	struct store *st = open_rw(), *ro;
	int64_t scan = scan_begin(st), head, head_after;
	int elements;

	add(st, scan, "core", "Huawei VRP", at("2025-05-30"));
	scan_end(st, scan, "complete");
	ro = open_ro();
	ck_assert_int_eq(store_read_begin(ro), 0);
	seen(ro, &elements, &head);
	ck_assert_int_eq(elements, 1);
	/* another writer commits a sweep */
	scan = scan_begin(st);
	add(st, scan, "core", "Huawei VRP", at("2025-05-31"));
	scan_end(st, scan, "complete");
	seen(ro, &elements, &head_after);
	ck_assert_int_eq(elements, 1);
	ck_assert_int_eq(head_after, head);
	store_read_end(ro);
	/* after it, the reader sees the commit */
	seen(ro, &elements, &head_after);
	ck_assert_int_eq(elements, 2);
	ck_assert_int_gt(head_after, head);
	store_close(ro);
	store_close(st);
}
END_TEST

/* A second connection begun with the first reads its snapshot: a writer
 * committing after both began is seen by neither. A reader holding a
 * transaction of its own gets no twin. */
START_TEST(test_a_twin_reads_the_same_snapshot)
{
	struct store *st = open_rw(), *ro, *twin;
	int64_t scan = scan_begin(st), head, head_twin;
	int elements, elements_twin;

	add(st, scan, "core", "Huawei VRP", at("2025-05-30"));
	scan_end(st, scan, "complete");
	ro = open_ro();
	ck_assert_int_eq(store_read_begin_twin(ro, &twin), 0);
	ck_assert_ptr_nonnull(twin);
	scan = scan_begin(st);
	add(st, scan, "core", "Huawei VRP", at("2025-05-31"));
	scan_end(st, scan, "complete");
	seen(ro, &elements, &head);
	seen(twin, &elements_twin, &head_twin);
	ck_assert_int_eq(elements, 1);
	ck_assert_int_eq(elements_twin, 1);
	ck_assert_int_eq(head_twin, head);
	store_read_end(twin);
	store_close(twin);
	/* st's own transaction is open: st reads alone */
	ck_assert_int_eq(store_read_begin_twin(ro, &twin), 0);
	ck_assert_ptr_null(twin);
	store_read_end(ro);
	seen(ro, &elements, &head_twin);
	ck_assert_int_eq(elements, 2);
	ck_assert_int_gt(head_twin, head);
	store_close(ro);
	store_close(st);
}
END_TEST

/* The report read on two connections at once is the one read on one:
 * every format, byte for byte, evidence and addresses included. */
START_TEST(test_a_report_on_two_connections_is_the_serial_one)
{
	static const enum report_format formats[] = { REPORT_TEXT, REPORT_CSV,
		REPORT_JSON, REPORT_HTML };
	struct policy_set *set = packs();
	struct store *st = open_rw(), *alone;
	int64_t scan = scan_begin(st);
	struct sighting *mac_only;
	struct report *two, *one;

	add_n(st, scan, "core", "Huawei VRP", 3, at("2025-05-28"));
	add_n(st, scan, "core", "Cisco IOS XE", 4, at("2025-05-28"));
	add_n(st, scan, "ran", "ZTE ZXR10", 2, at("2025-05-29"));
	add_n(st, scan, NULL, "Hikvision DS-2CD", 2, at("2025-05-30"));
	add_n(st, scan, "ran", "Juniper JUNOS", 3, at("2025-05-30"));
	/* heard in LLDP, without a management address: the report names it
	 * by its MAC */
	mac_only = sighting_new("lldp", at("2025-05-30"));
	sighting_set(&mac_only->chassis_mac, "02:00:00:00:ff:01");
	sighting_add_input(mac_only, EV_SYSDESCR, "Huawei VRP");
	ck_assert_msg(store_record(st, scan, mac_only, NULL) == 0, "%s",
	    store_error(st));
	sighting_free(mac_only);
	scan_end(st, scan, "complete");
	store_close(st);
	two = june_report(&st, set);
	alone = open_ro();
	/* a transaction of the caller's: the report reads on it alone */
	ck_assert_int_eq(store_read_begin(alone), 0);
	one = report_new(alone, set,
	    &(struct report_options){ .db_path = db_path,
		.as_of = "2025-06-01",
		.now = at("2025-06-01T12:00:00Z") });
	ck_assert_ptr_nonnull(one);
	store_read_end(alone);
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
		char *a = written(two, formats[i]),
		     *b = written(one, formats[i]);

		ck_assert_str_eq(a, b);
		if (formats[i] == REPORT_JSON) {
			/* the violating elements' evidence and addresses */
			ck_assert_ptr_nonnull(
			    strstr(a, "\"kind\": \"sysdescr\""));
			ck_assert_ptr_nonnull(strstr(a, "ZTE ZXR10"));
			ck_assert_ptr_nonnull(strstr(a,
			    "\"address\": \"02:00:00:00:ff:01\", "
			    "\"address_kind\": \"mac\""));
		}
		free(a);
		free(b);
	}
	report_free(two);
	report_free(one);
	store_close(alone);
	store_close(st);
	policy_set_free(set);
}
END_TEST

static Suite *
report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc;

	tc = tcase_create("evaluation");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_ran_cap_34_percent_is_met);
	tcase_add_test(tc, test_ran_cap_35_percent_is_met);
	tcase_add_test(tc, test_ran_cap_36_percent_is_violated);
	tcase_add_test(tc, test_every_rule_around_its_deadline);
	tcase_add_test(tc, test_every_rule_is_met_without_covered_elements);
	tcase_add_test(tc, test_unassigned_elements_count_in_all_zones);
	tcase_add_test(tc, test_first_seen_after_with_a_baseline);
	tcase_add_test(tc, test_without_a_complete_scan_every_element_is_new);
	tcase_add_test(tc, test_conflicting_evidence_is_counted_and_flagged);
	tcase_add_test(tc, test_merged_elements_never_count);
	tcase_add_test(tc, test_views_equal_the_evaluation_today);
	tcase_add_test(tc, test_sync_replaces_the_policy_tables);
	suite_add_tcase(s, tc);

	tc = tcase_create("output");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_network_values_are_escaped);
	tcase_add_test(tc, test_csv_is_safe_in_a_spreadsheet);
	tcase_add_test(tc, test_bytes_not_utf8_are_escaped_once);
	tcase_add_test(tc, test_report_for_sign_off);
	suite_add_tcase(s, tc);

	tc = tcase_create("tables");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_table_sort_is_order_by);
	tcase_add_test(tc, test_a_read_is_one_snapshot);
	tcase_add_test(tc, test_a_twin_reads_the_same_snapshot);
	tcase_add_test(tc, test_a_report_on_two_connections_is_the_serial_one);
	tcase_add_test(tc, test_inventory_figures);
	tcase_add_test(tc, test_inventory_figures_of_nothing);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(report_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
