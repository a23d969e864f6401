/*
 * Zones of sightings, and policy packs: parsing pack files, the packs
 * compiled into the program, and choosing the active ones. Evaluation is
 * not here: it is SQL (schema/001_initial.sql), run by store/store_policy.c.
 */
#include "policy/policy.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "common/confline.h"
#include "common/text.h"
#include "common/util.h"

#define POLICY_NAME_MAX 48	/* pack, rule and zone names */

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
	"uk-dvd-2022", "us-fcc-covered", "ca-2022", "se-pts-2020", "de-2024",
	NULL,
};

/*
 * Zones.
 */

/*
 * Parsing.
 */

enum section { SEC_NONE, SEC_PACK, SEC_RULE };

/* Keys of a section, by bit, to refuse duplicates. */
enum {
	K_NAME = 1 << 0,
	K_TITLE = 1 << 1,
	K_SOURCE = 1 << 2,
	K_VENDORS = 1 << 3,
	K_ZONE = 1 << 4,
	K_MAX_SHARE = 1 << 5,
	K_DEADLINE = 1 << 6,
	K_FIRST_SEEN = 1 << 7,
};

struct parse {
	const char *origin;
	const struct classifier *c;
	struct policy_pack *pack;
	enum section sec;
	unsigned seen;		/* K_* of the current section */
	int sec_line;
	int pack_line;		/* 0: no [pack] yet */
	int line;
	char *err;
	size_t errlen;
};

static int
perr(struct parse *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
perr(struct parse *p, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(p->err, p->errlen, "%s:%d: ", p->origin, line);
	if (n < 0 || (size_t)n >= p->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static bool
name_valid(const char *s, bool lower)
{
	if (*s == '\0' || strlen(s) > POLICY_NAME_MAX)
		return false;
	for (; *s != '\0'; s++) {
		if (lower ? (islower((unsigned char)*s) ||
		    isdigit((unsigned char)*s) || *s == '-') :
		    (isalnum((unsigned char)*s) || *s == '.' || *s == '_' ||
		    *s == '-'))
			continue;
		return false;
	}
	return true;
}

bool
policy_date_valid(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
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
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
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

/* Split a comma list into new strings; -1 on an empty item. */
static int
split_list(const char *value, char ***out, size_t *n)
{
	char *copy = xstrdup(value), *item, *next;

	*out = NULL;
	*n = 0;
	for (item = copy; item != NULL; item = next) {
		if ((next = strchr(item, ',')) != NULL)
			*next++ = '\0';
		str_trim(item);
		if (*item == '\0')
			goto fail;
		*out = xreallocarray(*out, *n + 1, sizeof(**out));
		(*out)[(*n)++] = xstrdup(item);
	}
	free(copy);
	return 0;
fail:
	free(copy);
	for (size_t i = 0; i < *n; i++)
		free((*out)[i]);
	free(*out);
	*out = NULL;
	*n = 0;
	return -1;
}

static bool
list_has(char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

static struct policy_rule *
cur_rule(struct parse *p)
{
	return &p->pack->rules[p->pack->n_rules - 1];
}

/* End of a section: what it must have. */
static int
section_close(struct parse *p)
{
	struct policy_rule *r;

	if (p->sec == SEC_PACK) {
		if (!(p->seen & K_NAME))
			return perr(p, p->sec_line, "[pack] has no name");
		if (!(p->seen & K_VENDORS))
			return perr(p, p->sec_line, "[pack] has no vendors");
		if (!(p->seen & K_TITLE))
			p->pack->title = xstrdup(p->pack->name);
		if (!(p->seen & K_SOURCE))
			p->pack->source = xstrdup("");
	} else if (p->sec == SEC_RULE) {
		r = cur_rule(p);
		if (!(p->seen & K_ZONE))
			return perr(p, p->sec_line, "[rule %s] has no zone "
			    "(a zone name, a comma list, or all)", r->name);
		if (!(p->seen & (K_MAX_SHARE | K_FIRST_SEEN)))
			return perr(p, p->sec_line, "[rule %s] has neither "
			    "max-share nor first-seen-after", r->name);
		if (r->title == NULL)
			r->title = xstrdup(r->name);
	}
	p->sec = SEC_NONE;
	p->seen = 0;
	return 0;
}

static int
section_open(struct parse *p, const struct confline *l)
{
	struct policy_rule *r;

	p->sec_line = l->line;
	if (strcmp(l->type, "pack") == 0) {
		if (*l->name != '\0')
			return perr(p, l->line, "[pack] takes no name");
		if (p->pack_line != 0)
			return perr(p, l->line, "a second [pack] section "
			    "(the first is on line %d)", p->pack_line);
		p->pack_line = l->line;
		p->sec = SEC_PACK;
		return 0;
	}
	if (strcmp(l->type, "rule") != 0)
		return perr(p, l->line, "unknown section [%s%s%s] (expected "
		    "[pack] or [rule NAME])", l->type, *l->name ? " " : "",
		    l->name);
	if (p->pack_line == 0)
		return perr(p, l->line, "[rule %s] before the [pack] section",
		    l->name);
	if (!name_valid(l->name, false))
		return perr(p, l->line, "[rule %s]: a rule name is letters, "
		    "digits, '.', '_' or '-', at most %d characters", l->name,
		    POLICY_NAME_MAX);
	for (size_t i = 0; i < p->pack->n_rules; i++)
		if (strcmp(p->pack->rules[i].name, l->name) == 0)
			return perr(p, l->line, "duplicate [rule %s] (first on "
			    "line %d)", l->name, p->pack->rules[i].line);
	p->pack->rules = xreallocarray(p->pack->rules, p->pack->n_rules + 1,
	    sizeof(*p->pack->rules));
	r = &p->pack->rules[p->pack->n_rules++];
	memset(r, 0, sizeof(*r));
	r->name = xstrdup(l->name);
	r->line = l->line;
	r->max_share = -1;
	p->sec = SEC_RULE;
	return 0;
}

static int
pack_key(struct parse *p, const struct confline *l, unsigned bit)
{
	struct policy_pack *pk = p->pack;

	switch (bit) {
	case K_NAME:
		if (!name_valid(l->value, true))
			return perr(p, l->line, "name: \"%s\" is not a pack "
			    "name (lower-case letters, digits and '-', such "
			    "as uk-dvd-2022)", l->value);
		pk->name = xstrdup(l->value);
		return 0;
	case K_TITLE:
		pk->title = xstrdup(l->value);
		return 0;
	case K_SOURCE:
		pk->source = xstrdup(l->value);
		return 0;
	case K_VENDORS:
		if (split_list(l->value, &pk->vendors, &pk->n_vendors) == -1)
			return perr(p, l->line, "vendors: empty item in the "
			    "list");
		for (size_t i = 0; i < pk->n_vendors; i++) {
			const char *v = pk->vendors[i];

			if (list_has(pk->vendors, i, v))
				return perr(p, l->line, "vendors: \"%s\" is "
				    "listed twice", v);
			if (p->c != NULL ? classifier_vendor(p->c, v, NULL,
			    NULL) == -1 : !name_valid(v, false))
				return perr(p, l->line, "vendors: unknown "
				    "vendor \"%s\" (use a vendor slug of "
				    "vendors.conf: huawei, zte, hikvision, "
				    "dahua, hytera, h3c, ...)", v);
		}
		return 0;
	}
	return perr(p, l->line, "unknown key '%s' in [pack] (expected name, "
	    "title, source or vendors)", l->key);
}

static int
rule_key(struct parse *p, const struct confline *l, unsigned bit)
{
	struct policy_rule *r = cur_rule(p);

	switch (bit) {
	case K_TITLE:
		r->title = xstrdup(l->value);
		return 0;
	case K_ZONE:
		if (strcmp(l->value, "all") == 0) {
			r->all_zones = true;
			return 0;
		}
		if (split_list(l->value, &r->zones, &r->n_zones) == -1)
			return perr(p, l->line, "zone: empty item in the list");
		for (size_t i = 0; i < r->n_zones; i++) {
			if (strcmp(r->zones[i], "all") == 0)
				return perr(p, l->line, "zone: 'all' cannot "
				    "be combined with other zones");
			if (!name_valid(r->zones[i], false))
				return perr(p, l->line, "zone: \"%s\" is not "
				    "a zone name (letters, digits, '.', '_' "
				    "or '-')", r->zones[i]);
			if (list_has(r->zones, i, r->zones[i]))
				return perr(p, l->line, "zone: \"%s\" is "
				    "listed twice", r->zones[i]);
		}
		return 0;
	case K_MAX_SHARE:
		if (parse_percent(l->value, &r->max_share) == -1)
			return perr(p, l->line, "max-share: \"%s\" is not a "
			    "percentage from 0%% to 100%% (such as 35%%)",
			    l->value);
		return 0;
	case K_DEADLINE:
	case K_FIRST_SEEN:
		if (!policy_date_valid(l->value))
			return perr(p, l->line, "%s: \"%s\" is not a date "
			    "(YYYY-MM-DD)", l->key, l->value);
		str_copy(bit == K_DEADLINE ? r->deadline :
		    r->first_seen_after, l->value, POLICY_DATE_LEN);
		return 0;
	}
	return perr(p, l->line, "unknown key '%s' in [rule %s] (expected "
	    "title, zone, max-share, deadline or first-seen-after)", l->key,
	    r->name);
}

static int
key_value(struct parse *p, const struct confline *l)
{
	static const struct {
		const char *name;
		unsigned bit;
		enum section sec;
	} keys[] = {
		{ "name", K_NAME, SEC_PACK },
		{ "title", K_TITLE, SEC_PACK },
		{ "source", K_SOURCE, SEC_PACK },
		{ "vendors", K_VENDORS, SEC_PACK },
		{ "title", K_TITLE, SEC_RULE },
		{ "zone", K_ZONE, SEC_RULE },
		{ "max-share", K_MAX_SHARE, SEC_RULE },
		{ "deadline", K_DEADLINE, SEC_RULE },
		{ "first-seen-after", K_FIRST_SEEN, SEC_RULE },
	};
	unsigned bit = 0;

	if (p->sec == SEC_NONE)
		return perr(p, l->line, "'%s' outside a section (start with "
		    "[pack])", l->key);
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (keys[i].sec == p->sec && strcmp(keys[i].name, l->key) == 0)
			bit = keys[i].bit;
	if (bit != 0 && (p->seen & bit))
		return perr(p, l->line, "'%s' given twice in this section",
		    l->key);
	if (bit != 0 && *l->value == '\0')
		return perr(p, l->line, "empty value for '%s'", l->key);
	p->seen |= bit;
	return p->sec == SEC_PACK ? pack_key(p, l, bit) : rule_key(p, l, bit);
}

struct policy_pack *
policy_pack_parse(const char *text, size_t len, const char *origin,
    const struct classifier *c, char *err, size_t errlen)
{
	struct confline_reader r;
	struct confline l;
	struct parse p;
	const char *msg;
	int rc;

	memset(&p, 0, sizeof(p));
	p.origin = origin;
	p.c = c;
	p.err = err;
	p.errlen = errlen;
	p.pack = xcalloc(1, sizeof(*p.pack));
	confline_init(&r, text, len);
	while ((rc = confline_next(&r, &l, &msg)) == 1) {
		if (l.kind == CONFLINE_SECTION)
			rc = section_close(&p) == 0 ? section_open(&p, &l) : -1;
		else
			rc = key_value(&p, &l);
		if (rc == -1)
			goto fail;
	}
	if (rc == -1) {
		perr(&p, r.line, "%s", msg);
		goto fail;
	}
	if (section_close(&p) == -1)
		goto fail;
	if (p.pack_line == 0) {
		perr(&p, r.line, "no [pack] section");
		goto fail;
	}
	if (p.pack->n_rules == 0) {
		perr(&p, p.pack_line, "the pack has no [rule NAME] section");
		goto fail;
	}
	confline_finish(&r);
	p.pack->origin = xstrdup(origin);
	return p.pack;
fail:
	confline_finish(&r);
	policy_pack_free(p.pack);
	return NULL;
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
	set->packs = xreallocarray(set->packs, set->n_packs + 1,
	    sizeof(*set->packs));
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

		if (rc == 0 && (p = policy_pack_load(path, c, err,
		    errlen)) == NULL)
			rc = -1;
		else if (p != NULL && (strlen(p->name) != len ||
		    strncmp(p->name, names[i]->d_name, len) != 0)) {
			snprintf(err, errlen, "%s: the pack is called \"%s\": "
			    "name the file %s.conf", path, p->name, p->name);
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
			continue;	/* named twice */
		if (p == NULL) {
			struct strbuf b = STRBUF_INIT;

			strbuf_printf(&b, "unknown policy pack \"%s\" "
			    "(available:", names[i]);
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
