/*
 * The compliance report: the verdict of every rule of the selected packs
 * as of a date, the elements that break them with their evidence (or a
 * waiver excuses), zone shares against caps, the elements first seen
 * recently, the retired elements, the waivers, counts by vendor and risk,
 * how the figures are counted, and what produced it (version,
 * configuration and packs with their digests, audit head, data age).
 * Gathered from the store once, then written as text, CSV, JSON or a
 * self-contained HTML page with room to sign.
 */
#ifndef VRAUDIT_REPORT_H
#define VRAUDIT_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct policy_set;
struct store;

enum report_format {
	REPORT_TEXT,
	REPORT_CSV,  /* one row per (policy, rule, element) with a header; a
			 * rule without elements has one row without them */
	REPORT_JSON, /* one object: policies -> rules -> elements, ... */
	REPORT_HTML, /* one file, inline CSS and SVG charts */
};

/* What to report on. Strings are borrowed. */
struct report_options {
	const char *db_path;       /* shown in the report */
	const char *version;       /* vraudit's version, NULL: unknown */
	const char *config_path;   /* NULL: built-in defaults */
	const char *config_digest; /* hex SHA-256 of its text, or NULL */
	const char *as_of;         /* YYYY-MM-DD, NULL: today */
	int64_t now;              /* generation time, seconds since the epoch */
	const char *waivers_path; /* the configuration's waivers file, to
				   * compare with the recorded one; NULL:
				   * none */
	const struct report_sites *sites; /* a national report; NULL: a
					   * site's */
};

/* One site of a national report (vraudit report --central). */
struct report_site_rule {
	char *policy, *rule, *status, *verdict;
};
struct report_site {
	const char *name;
	int64_t head_seq; /* the head of its chain held centrally */
	const char *head_hash;
	int64_t elements;
	struct report_site_rule *rules; /* its own evaluation, alone */
	size_t n_rules;
};

/* The sites of a national report, and where each element comes from:
 * element n is element site_id[n - 1] of sites[site_of[n - 1]]. */
struct report_sites {
	const struct report_site *sites;
	size_t n;
	const int64_t *site_id;
	const uint32_t *site_of;
	size_t n_elements;
};

struct report;

/* Evaluate set's packs on st; NULL with the store's error. */
struct report *report_new(struct store *st, const struct policy_set *set,
    const struct report_options *opt);
/* Release a report; NULL is fine. */
void report_free(struct report *r);
/* Write the report to out; 0, or -1 when writing failed. */
int report_write(const struct report *r, enum report_format format, FILE *out);
/* True when a rule is violated (pending rules do not count). */
bool report_violated(const struct report *r);
/* True when no rule is violated but some could not be judged: their
 * zones were not observed (no-data), too long ago (stale) or in part
 * (partial). */
bool report_incomplete(const struct report *r);
/* The result in a word: VIOLATIONS, INCOMPLETE or compliant. */
const char *report_result(const struct report *r);
/* Why the waivers file on disk is not the recorded one (the report shows
 * the recorded waivers), or NULL when it is. */
const char *report_waiver_warning(const struct report *r);
/* Rule i of the report's evaluation (in the order of the packs): its
 * policy, rule, status and verdict in words, as new strings in out. 0, or
 * -1 past the last rule. */
int report_rule_summary(const struct report *r, size_t i,
    struct report_site_rule *out);
/* The same summary from its values (a site evaluated elsewhere): start
 * with the rule's, then add each share of its scope, in zone order. */
void report_site_rule_start(struct report_site_rule *out, const char *policy,
    const char *rule, const char *status, long long days_left,
    const char *state, long long elements, long long covered);
void report_site_rule_share(struct report_site_rule *out, const char *zone,
    long long high_risk, long long elements, double share, double max_share);
/* Release what report_rule_summary gave. */
void report_site_rule_finish(struct report_site_rule *rule);
/* The evaluation date, YYYY-MM-DD. */
const char *report_as_of(const struct report *r);
/* Parse "text", "csv", "json" or "html"; -1 when unknown. */
int report_format_parse(const char *s);
/* The file name extension of a format ("txt", "csv", "json", "html"). */
const char *report_format_ext(enum report_format format);

#endif
