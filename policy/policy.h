/*
 * Zones and policy packs.
 *
 * Zones: an element's zone is the [zone] holding its management address
 * (most specific subnet), else the zone of any other address it was seen
 * with, else the first zone whose sysname pattern matches its sysName,
 * else the zone of the target or capture section that found it. Elements
 * with no zone are shown as "unassigned", never dropped.
 *
 * Policy packs (conf/policies/NAME.conf), in the dialect of vraudit.conf(5)
 * (common/ini.h), each key at most once a section:
 *   [pack]
 *   name = uk-dvd-2022        lower-case letters, digits, '-'; = file name
 *   title = ...               optional, default the name
 *   source = ...              optional: where the rules come from
 *   vendors = huawei, zte     vendor slugs of vendors.conf
 *   [rule NAME]               one or more
 *   title = ...               optional, default the rule's name
 *   zone = ran, core | all    zones it applies to (all: every element)
 *   max-share = 35%           cap per zone, 0%..100% (0%: none allowed)
 *   first-seen-after = DATE   no covered element first seen after DATE
 *   deadline = DATE           applies from DATE (YYYY-MM-DD); none: always
 * A rule needs zone and max-share or first-seen-after (or both: violated
 * when either is). vendors and zone are lists. The shipped packs are
 * compiled in; a file NAME.conf in the policy directory overrides the
 * built-in pack NAME and other files there add packs.
 *
 * Evaluation semantics (computed by SQL views, see schema/001_initial.sql;
 * the report runs the same views with its own date and packs):
 * - An element is covered by a pack when its verdict's vendor is one of the
 *   pack's vendors, or when its verdict has conflicting evidence and strong
 *   evidence (sysobjectid, entity-mfg, sysdescr, lldp, cdp) names one of the
 *   pack's vendors: it is counted and flagged "conflicting evidence".
 * - Merged elements never count. Evaluating as of a date only counts
 *   elements first seen on or before that date.
 * - A rule's scope is the elements in its zones; "all" is every element,
 *   unassigned ones included. A cap (max-share) applies to each listed zone
 *   separately (to the whole network for "all"): share = covered elements /
 *   elements in the zone, 0 when the zone is empty. The cap is met when the
 *   share is at most the cap (0%: no covered element). Shares count
 *   elements, not sites or traffic.
 * - first-seen-after: violated when a covered element in scope was first
 *   seen after the date. first_seen is when vraudit first saw the element,
 *   not its installation date: elements found by the first complete scan
 *   of the database (the baseline) are never counted as new.
 * - A rule whose deadline is after the evaluation date is "pending" (with
 *   the state it would have and the days left); from the deadline on it is
 *   "met" or "violated". A rule without a deadline always applies.
 */
#ifndef VRAUDIT_POLICY_H
#define VRAUDIT_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/sha256.h"
#include "common/sighting.h"
#include "common/util.h"

struct classifier;

#define POLICY_DATE_LEN 11 /* "YYYY-MM-DD" and its terminator */

/* A [rule NAME] section. Owns every pointer. */
struct policy_rule {
	char *name;
	char *title;
	int line;       /* line of the section header */
	bool all_zones; /* zone = all */
	char **zones;   /* zone names when !all_zones */
	size_t n_zones;
	double max_share;               /* percent 0..100; < 0 when none */
	char deadline[POLICY_DATE_LEN]; /* "" when none: always applies */
	char first_seen_after[POLICY_DATE_LEN]; /* "" when none */
};

/* A pack: its [pack] section and rules. Owns every pointer. */
struct policy_pack {
	char *name;
	char *title;
	char *source;
	char *origin; /* file it came from, or "NAME (built-in)" */
	char digest[SHA256_HEX_LEN]; /* hex SHA-256 of the text parsed */
	char **vendors;              /* vendor slugs */
	size_t n_vendors;
	struct policy_rule *rules;
	size_t n_rules;
};

/* A set of packs, in the order they were selected. Owns every pack. */
struct policy_set {
	struct policy_pack **packs;
	size_t n_packs;
	/* How a zone's coverage and the baseline are judged ([policy]
	 * max-age and baseline): the age in seconds past which a zone's
	 * newest successful observation is stale (0: POLICY_MAX_AGE_DEFAULT),
	 * the baseline day YYYY-MM-DD ("": the first complete sweep). */
	int64_t max_age_s;
	char baseline[11];
};

/* [policy] max-age unless set: 3 days. */
#define POLICY_MAX_AGE_DEFAULT (3 * 86400)

/*
 * Parse pack text; origin names it in errors. Vendor slugs are checked
 * against c's catalogue when c is not NULL. NULL with
 * "ORIGIN:LINE: [section NAME] key: what" in err.
 */
struct policy_pack *policy_pack_parse(const char *text, size_t len,
    const char *origin, const struct classifier *c, char *err, size_t errlen);
/* Parse a pack file; NULL with "PATH:LINE: what" or "PATH: what" in err. */
struct policy_pack *policy_pack_load(const char *path,
    const struct classifier *c, char *err, size_t errlen);
/* Release a pack; NULL is fine. */
void policy_pack_free(struct policy_pack *p);

/* Names of the built-in packs, NULL-terminated. */
const char *const *policy_builtin_names(void);
/*
 * Every pack available: the built-in ones, overridden by and added to from
 * NAME.conf files in dir (NULL or missing: built-in only). NULL on error.
 */
struct policy_set *policy_available(const char *dir, const struct classifier *c,
    char *err, size_t errlen);
/*
 * The packs named in names (n of them) from policy_available(dir); n == 0
 * selects every available pack. NULL with the reason in err (an unknown
 * name says which packs exist).
 */
struct policy_set *policy_select(const char *dir, char *const *names, size_t n,
    const struct classifier *c, char *err, size_t errlen);
/* [policy] max-age of set in seconds: its own, or POLICY_MAX_AGE_DEFAULT. */
int64_t policy_set_max_age(const struct policy_set *set);
/* A rule's zones as the databases keep them: "all", or "core, ran". */
char *policy_rule_zones(const struct policy_rule *r);
/* The time coverage ages are measured to when the packs are evaluated on
 * as_of (YYYY-MM-DD) at time now: now on that day, else the end of it. */
void policy_evaluation_time(const char *as_of, int64_t now,
    char out[TIME_STRLEN]);
/* The pack called name in set, or NULL. */
const struct policy_pack *policy_set_find(const struct policy_set *set,
    const char *name);
/* Release a set and its packs; NULL is fine. */
void policy_set_free(struct policy_set *set);

/* True for a valid "YYYY-MM-DD" calendar date. */
bool policy_date_valid(const char *s);

#endif
