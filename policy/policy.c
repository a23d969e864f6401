/*
 * Zones of sightings, and policy packs: parsing pack files, the packs
 * compiled into the program, and choosing the active ones. Evaluation is
 * not here: it is SQL (schema/001_initial.sql), run by store/store_policy.c.
 */
#include "policy/policy.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "common/ini.h"
#include "common/sha256.h"
#include "common/text.h"
#include "common/util.h"

#define POLICY_NAME_MAX 48 /* pack, rule and zone names */

/* The shipped packs, embedded by policy/meson.build. */
extern const char policy_builtin_ca_2022[];
extern const size_t policy_builtin_ca_2022_len;
extern const char policy_builtin_de_2024[];
extern const size_t policy_builtin_de_2024_len;
extern const char policy_builtin_se_pts_2020[];
extern const size_t policy_builtin_se_pts_2020_len;
extern const char policy_builtin_uk_dvd_2022[];
extern const size_t policy_builtin_uk_dvd_2022_len;
extern const char policy_builtin_us_fcc_covered[];
extern const size_t policy_builtin_us_fcc_covered_len;

static const struct {
	const char *name;
	const char *text;
	const size_t *len;
} builtin[] = {
	{ "uk-dvd-2022", policy_builtin_uk_dvd_2022,
	    &policy_builtin_uk_dvd_2022_len },
	{ "us-fcc-covered", policy_builtin_us_fcc_covered,
	    &policy_builtin_us_fcc_covered_len },
	{ "ca-2022", policy_builtin_ca_2022, &policy_builtin_ca_2022_len },
	{ "se-pts-2020", policy_builtin_se_pts_2020,
	    &policy_builtin_se_pts_2020_len },
	{ "de-2024", policy_builtin_de_2024, &policy_builtin_de_2024_len },
};

static const char *const builtin_names[] = {
	"uk-dvd-2022",
	"us-fcc-covered",
	"ca-2022",
	"se-pts-2020",
	"de-2024",
	NULL,
};

/*
 * Parsing: the dialect of vraudit.conf(5), read by common/ini.h.
 */

enum section { SEC_NONE, SEC_PACK, SEC_RULE };

enum { PK_NAME, PK_TITLE, PK_SOURCE, PK_VENDORS };

static const struct ini_key pack_keys[] = {
	[PK_NAME] = { "name", INI_NONEMPTY },
	[PK_TITLE] = { "title", INI_NONEMPTY },
	[PK_SOURCE] = { "source", INI_NONEMPTY },
	[PK_VENDORS] = { "vendors", INI_LIST | INI_NONEMPTY },
	{ NULL, 0 },
};

enum { RK_TITLE, RK_ZONE, RK_MAX_SHARE, RK_DEADLINE, RK_FIRST_SEEN };

static const struct ini_key rule_keys[] = {
	[RK_TITLE] = { "title", INI_NONEMPTY },
	[RK_ZONE] = { "zone", INI_LIST | INI_NONEMPTY },
	[RK_MAX_SHARE] = { "max-share", INI_NONEMPTY },
	[RK_DEADLINE] = { "deadline", INI_NONEMPTY },
	[RK_FIRST_SEEN] = { "first-seen-after", INI_NONEMPTY },
	{ NULL, 0 },
};

struct parse {
	struct ini ini;
	const struct classifier *c;
	struct policy_pack *pack;
	enum section sec;
	int pack_line; /* 0: no [pack] yet */
};

static bool
name_valid(const char *s, bool lower)
{
	if (*s == '\0' || strlen(s) > POLICY_NAME_MAX)
		return false;
	for (; *s != '\0'; s++) {
		if (lower ? (islower((unsigned char)*s) ||
				isdigit((unsigned char)*s) || *s == '-')
			  : (isalnum((unsigned char)*s) || *s == '.' ||
				*s == '_' || *s == '-'))
			continue;
		return false;
	}
	return true;
}

bool
policy_date_valid(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30,
		31 };
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return false;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	if (m == 2 && d == 29 &&
	    !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return false;
	return true;
}

/* "35%" or "12.5%", 0..100; -1 when malformed. */
static int
parse_percent(const char *s, double *out)
{
	size_t len = strlen(s), digits = 0, dots = 0;
	char *end;

	if (len < 2 || s[len - 1] != '%')
		return -1;
	for (size_t i = 0; i + 1 < len; i++) {
		if (isdigit((unsigned char)s[i]))
			digits++;
		else if (s[i] == '.' && i > 0 && dots == 0)
			dots++;
		else
			return -1;
	}
	if (digits == 0 || s[len - 2] == '.')
		return -1;
	*out = strtod(s, &end);
	if (end != s + len - 1 || *out < 0 || *out > 100)
		return -1;
	return 0;
}

static bool
list_has(char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

/* Append s to a list of new strings. */
static void
list_add(char ***list, size_t *n, const char *s)
{
	*list = xreallocarray(*list, *n + 1, sizeof(**list));
	(*list)[(*n)++] = xstrdup(s);
}

static struct policy_rule *
cur_rule(struct parse *p)
{
	return &p->pack->rules[p->pack->n_rules - 1];
}

/* End of a section: what it must have. */
static int
section_close(struct parse *p, const struct ini_line *l)
{
	struct ini *r = &p->ini;
	struct policy_rule *rule;

	if (p->sec == SEC_PACK) {
		if (!ini_given(r, PK_NAME))
			return ini_error(r, l->line, "name",
			    "required key "
			    "missing (the pack's name, such as uk-dvd-2022)");
		if (!ini_given(r, PK_VENDORS))
			return ini_error(r, l->line, "vendors",
			    "required key "
			    "missing (vendor slugs of vendors.conf)");
		if (p->pack->title == NULL)
			p->pack->title = xstrdup(p->pack->name);
		if (p->pack->source == NULL)
			p->pack->source = xstrdup("");
	} else if (p->sec == SEC_RULE) {
		rule = cur_rule(p);
		if (!ini_given(r, RK_ZONE))
			return ini_error(r, l->line, "zone",
			    "required key "
			    "missing (a zone name, a comma list, or all)");
		if (!ini_given(r, RK_MAX_SHARE) && !ini_given(r, RK_FIRST_SEEN))
			return ini_error(r, l->line, NULL,
			    "has neither "
			    "max-share nor first-seen-after");
		if (rule->title == NULL)
			rule->title = xstrdup(rule->name);
	}
	p->sec = SEC_NONE;
	return 0;
}

static int
section_open(struct parse *p, const struct ini_line *l)
{
	struct ini *r = &p->ini;
	struct policy_rule *rule;

	if (strcmp(l->type, "pack") == 0) {
		if (*l->name != '\0')
			return ini_error(r, l->line, NULL,
			    "takes no name: [pack]");
		p->pack_line = l->line;
		p->sec = SEC_PACK;
		ini_keys(r, pack_keys);
		return 0;
	}
	if (strcmp(l->type, "rule") != 0)
		return ini_error(r, l->line, NULL,
		    "unknown section (expected "
		    "[pack] or [rule NAME])");
	if (p->pack_line == 0)
		return ini_error(r, l->line, NULL, "before the [pack] section");
	if (!name_valid(l->name, false))
		return ini_error(r, l->line, NULL,
		    "\"%s\" is not a rule name "
		    "(expected letters, digits, '.', '_' or '-', at most %d "
		    "characters)",
		    l->name, POLICY_NAME_MAX);
	p->pack->rules = xreallocarray(p->pack->rules, p->pack->n_rules + 1,
	    sizeof(*p->pack->rules));
	rule = &p->pack->rules[p->pack->n_rules++];
	memset(rule, 0, sizeof(*rule));
	rule->name = xstrdup(l->name);
	rule->line = l->line;
	rule->max_share = -1;
	p->sec = SEC_RULE;
	ini_keys(r, rule_keys);
	return 0;
}

static int
pack_key(struct parse *p, const struct ini_line *l)
{
	struct policy_pack *pk = p->pack;
	struct ini *r = &p->ini;
	const char *key = pack_keys[l->key].name;

	switch (l->key) {
	case PK_NAME:
		if (!name_valid(l->value, true))
			return ini_error(r, l->line, key,
			    "\"%s\" is not a "
			    "pack name (lower-case letters, digits and '-', "
			    "such as uk-dvd-2022)",
			    l->value);
		pk->name = xstrdup(l->value);
		return 0;
	case PK_TITLE:
		pk->title = xstrdup(l->value);
		return 0;
	case PK_SOURCE:
		pk->source = xstrdup(l->value);
		return 0;
	}
	for (size_t i = 0; i < l->n_items; i++) {
		const char *v = l->items[i];

		if (list_has(pk->vendors, pk->n_vendors, v))
			return ini_error(r, l->line, key,
			    "\"%s\" is listed "
			    "twice",
			    v);
		if (p->c != NULL ? classifier_vendor(p->c, v, NULL, NULL) == -1
				 : !name_valid(v, false))
			return ini_error(r, l->line, key,
			    "unknown vendor "
			    "\"%s\" (use a vendor slug of vendors.conf: "
			    "huawei, zte, hikvision, dahua, hytera, h3c, ...)",
			    v);
		list_add(&pk->vendors, &pk->n_vendors, v);
	}
	return 0;
}

static int
rule_zones(struct parse *p, const struct ini_line *l)
{
	struct policy_rule *rule = cur_rule(p);
	struct ini *r = &p->ini;

	for (size_t i = 0; i < l->n_items; i++) {
		const char *z = l->items[i];

		if (rule->all_zones ||
		    (strcmp(z, "all") == 0 && rule->n_zones > 0))
			return ini_error(r, l->line, "zone",
			    "\"all\" cannot "
			    "be combined with other zones");
		if (strcmp(z, "all") == 0) {
			rule->all_zones = true;
			continue;
		}
		if (!name_valid(z, false))
			return ini_error(r, l->line, "zone",
			    "\"%s\" is not a "
			    "zone name (letters, digits, '.', '_' or '-')",
			    z);
		if (list_has(rule->zones, rule->n_zones, z))
			return ini_error(r, l->line, "zone",
			    "\"%s\" is listed "
			    "twice",
			    z);
		list_add(&rule->zones, &rule->n_zones, z);
	}
	return 0;
}

static int
rule_key(struct parse *p, const struct ini_line *l)
{
	struct policy_rule *rule = cur_rule(p);
	struct ini *r = &p->ini;
	const char *key = rule_keys[l->key].name;

	switch (l->key) {
	case RK_TITLE:
		rule->title = xstrdup(l->value);
		return 0;
	case RK_ZONE:
		return rule_zones(p, l);
	case RK_MAX_SHARE:
		if (parse_percent(l->value, &rule->max_share) == -1)
			return ini_error(r, l->line, key,
			    "\"%s\" is not a "
			    "percentage from 0%% to 100%% (such as 35%%)",
			    l->value);
		return 0;
	}
	if (!policy_date_valid(l->value))
		return ini_error(r, l->line, key,
		    "\"%s\" is not a date "
		    "(YYYY-MM-DD)",
		    l->value);
	str_copy(l->key == RK_DEADLINE ? rule->deadline
				       : rule->first_seen_after,
	    l->value, POLICY_DATE_LEN);
	return 0;
}

struct policy_pack *
policy_pack_parse(const char *text, size_t len, const char *origin,
    const struct classifier *c, char *err, size_t errlen)
{
	struct ini_line l;
	struct parse p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.c = c;
	p.pack = xcalloc(1, sizeof(*p.pack));
	ini_init(&p.ini, origin, text, len, "[pack]", err, errlen);
	while ((rc = ini_next(&p.ini, &l)) == 1) {
		if (l.kind == INI_SECTION)
			rc = section_open(&p, &l);
		else if (l.kind == INI_END)
			rc = section_close(&p, &l);
		else
			rc = p.sec == SEC_PACK ? pack_key(&p, &l)
					       : rule_key(&p, &l);
		if (rc == -1)
			break;
	}
	if (rc == 0 && p.pack_line == 0)
		ini_error(&p.ini, p.ini.line, NULL, "no [pack] section");
	else if (rc == 0 && p.pack->n_rules == 0)
		ini_error(&p.ini, p.pack_line, NULL,
		    "the pack has no "
		    "[rule NAME] section");
	if (p.ini.failed) {
		ini_finish(&p.ini);
		policy_pack_free(p.pack);
		return NULL;
	}
	ini_finish(&p.ini);
	p.pack->origin = xstrdup(origin);
	/* the report names the exact text its verdicts were made under */
	sha256_buffer_hex(text, len, p.pack->digest);
	return p.pack;
}

struct policy_pack *
policy_pack_load(const char *path, const struct classifier *c, char *err,
    size_t errlen)
{
	struct policy_pack *p;
	size_t len;
	char *text;

	if ((text = file_read(path, &len, err, errlen)) == NULL)
		return NULL;
	p = policy_pack_parse(text, len, path, c, err, errlen);
	free(text);
	return p;
}

void
policy_pack_free(struct policy_pack *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n_rules; i++) {
		struct policy_rule *r = &p->rules[i];

		free(r->name);
		free(r->title);
		for (size_t k = 0; k < r->n_zones; k++)
			free(r->zones[k]);
		free(r->zones);
	}
	free(p->rules);
	for (size_t i = 0; i < p->n_vendors; i++)
		free(p->vendors[i]);
	free(p->vendors);
	free(p->name);
	free(p->title);
	free(p->source);
	free(p->origin);
	free(p);
}

/*
 * Sets.
 */

const char *const *
policy_builtin_names(void)
{
	return builtin_names;
}

static void
set_put(struct policy_set *set, struct policy_pack *p)
{
	for (size_t i = 0; i < set->n_packs; i++)
		if (strcmp(set->packs[i]->name, p->name) == 0) {
			policy_pack_free(set->packs[i]);
			set->packs[i] = p;
			return;
		}
	set->packs =
	    xreallocarray(set->packs, set->n_packs + 1, sizeof(*set->packs));
	set->packs[set->n_packs++] = p;
}

static int
conf_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 &&
	    strcmp(d->d_name + n - 5, ".conf") == 0;
}

/* Add the packs of dir's NAME.conf files to set; 0 or -1. */
static int
load_dir(struct policy_set *set, const char *dir, const struct classifier *c,
    char *err, size_t errlen)
{
	struct dirent **names;
	int n, rc = 0;

	if ((n = scandir(dir, &names, conf_file, alphasort)) == -1) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char *path = xprintf("%s/%s", dir, names[i]->d_name);
		size_t len = strlen(names[i]->d_name) - 5;
		struct policy_pack *p = NULL;

		if (rc == 0 &&
		    (p = policy_pack_load(path, c, err, errlen)) == NULL)
			rc = -1;
		else if (p != NULL &&
		    (strlen(p->name) != len ||
			strncmp(p->name, names[i]->d_name, len) != 0)) {
			snprintf(err, errlen,
			    "%s: the pack is called \"%s\": "
			    "name the file %s.conf",
			    path, p->name, p->name);
			policy_pack_free(p);
			rc = -1;
		} else if (p != NULL)
			set_put(set, p);
		free(path);
		free(names[i]);
	}
	free(names);
	return rc;
}

struct policy_set *
policy_available(const char *dir, const struct classifier *c, char *err,
    size_t errlen)
{
	struct policy_set *set = xcalloc(1, sizeof(*set));

	for (size_t i = 0; i < ARRAY_SIZE(builtin); i++) {
		char *origin = xprintf("%s (built-in)", builtin[i].name);
		struct policy_pack *p = policy_pack_parse(builtin[i].text,
		    *builtin[i].len, origin, c, err, errlen);

		free(origin);
		if (p == NULL) {
			policy_set_free(set);
			return NULL;
		}
		set_put(set, p);
	}
	if (dir != NULL && load_dir(set, dir, c, err, errlen) == -1) {
		policy_set_free(set);
		return NULL;
	}
	return set;
}

struct policy_set *
policy_select(const char *dir, char *const *names, size_t n,
    const struct classifier *c, char *err, size_t errlen)
{
	struct policy_set *all, *set;

	if ((all = policy_available(dir, c, err, errlen)) == NULL)
		return NULL;
	if (n == 0)
		return all;
	set = xcalloc(1, sizeof(*set));
	for (size_t i = 0; i < n; i++) {
		struct policy_pack *p = NULL;
		size_t k;

		for (k = 0; k < all->n_packs; k++)
			if (all->packs[k] != NULL &&
			    strcmp(all->packs[k]->name, names[i]) == 0)
				break;
		if (k < all->n_packs) {
			p = all->packs[k];
			all->packs[k] = NULL;
		} else if (policy_set_find(set, names[i]) != NULL)
			continue; /* named twice */
		if (p == NULL) {
			struct strbuf b = STRBUF_INIT;

			strbuf_printf(&b,
			    "unknown policy pack \"%s\" "
			    "(available:",
			    names[i]);
			for (k = 0; k < all->n_packs; k++)
				if (all->packs[k] != NULL)
					strbuf_printf(&b, " %s",
					    all->packs[k]->name);
			for (k = 0; k < set->n_packs; k++)
				strbuf_printf(&b, " %s", set->packs[k]->name);
			strbuf_printf(&b, "; packs are read from %s)",
			    dir != NULL ? dir : "the built-in set");
			snprintf(err, errlen, "%s", strbuf_str(&b));
			strbuf_finish(&b);
			policy_set_free(set);
			policy_set_free(all);
			return NULL;
		}
		set_put(set, p);
	}
	policy_set_free(all);
	return set;
}

const struct policy_pack *
policy_set_find(const struct policy_set *set, const char *name)
{
	for (size_t i = 0; i < set->n_packs; i++)
		if (set->packs[i] != NULL &&
		    strcmp(set->packs[i]->name, name) == 0)
			return set->packs[i];
	return NULL;
}

void
policy_set_free(struct policy_set *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->n_packs; i++)
		policy_pack_free(set->packs[i]);
	free(set->packs);
	free(set);
}

int64_t
policy_set_max_age(const struct policy_set *set)
{
	return set->max_age_s > 0 ? set->max_age_s : POLICY_MAX_AGE_DEFAULT;
}

char *
policy_rule_zones(const struct policy_rule *r)
{
	struct strbuf q = STRBUF_INIT;

	if (r->all_zones)
		return xstrdup("all");
	for (size_t i = 0; i < r->n_zones; i++) {
		if (i > 0)
			strbuf_adds(&q, ", ");
		strbuf_adds(&q, r->zones[i]);
	}
	return strbuf_steal(&q);
}

void
policy_evaluation_time(const char *as_of, int64_t now, char out[TIME_STRLEN])
{
	time_format(now, out);
	if (strncmp(out, as_of, 10) != 0)
		snprintf(out, TIME_STRLEN, "%.10sT23:59:59Z", as_of);
}
