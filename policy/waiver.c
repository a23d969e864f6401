/*
 * The waivers file (policy/waiver.h): parsing and checking it against the
 * packs. What a waiver does is SQL (schema/005_lifecycle.sql).
 */
#include "policy/waiver.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ini.h"
#include "common/net.h"
#include "common/sha256.h"
#include "common/util.h"
#include "policy/zone.h"

enum {
	WK_ELEMENT,
	WK_MAC,
	WK_ADDRESS,
	WK_ZONE,
	WK_RULE,
	WK_REASON,
	WK_APPROVER,
	WK_EXPIRES,
};

/* The four scope keys come first, in the order of enum waiver_scope. */
static const struct ini_key waiver_keys[] = {
	[WK_ELEMENT] = { "element", INI_NONEMPTY },
	[WK_MAC] = { "mac", INI_NONEMPTY },
	[WK_ADDRESS] = { "address", INI_NONEMPTY },
	[WK_ZONE] = { "zone", INI_NONEMPTY },
	[WK_RULE] = { "rule", INI_NONEMPTY },
	[WK_REASON] = { "reason", INI_NONEMPTY },
	[WK_APPROVER] = { "approver", INI_NONEMPTY },
	[WK_EXPIRES] = { "expires", INI_NONEMPTY },
	{ NULL, 0 },
};

const char *
waiver_scope_name(enum waiver_scope s)
{
	static const char *const names[] = { "element", "mac", "address",
		"zone" };

	return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "?";
}

struct parse {
	struct ini ini;
	struct waiver_set *ws;
	bool open; /* inside a [waiver NAME] section */
	int scope_line;
};

static struct waiver *
cur(struct parse *p)
{
	return &p->ws->waivers[p->ws->n - 1];
}

static bool
pack_name_valid(const char *s, size_t n)
{
	if (n == 0 || n > ZONE_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]) && s[i] != '-')
			return false;
	return true;
}

/* The scope key's value, made canonical so that it matches the store's
 * text of the same thing. */
static int
set_scope(struct parse *p, const struct ini_line *l)
{
	struct ini *r = &p->ini;
	struct waiver *w = cur(p);
	const char *key = waiver_keys[l->key].name;
	char buf[64];
	uint8_t mac[MAC_LEN];

	if (p->scope_line != 0)
		return ini_error(r, l->line, key,
		    "a waiver covers one thing: %s was given on line %d",
		    waiver_scope_name(w->scope_kind), p->scope_line);
	p->scope_line = l->line;
	w->scope_kind = (enum waiver_scope)l->key;
	switch (l->key) {
	case WK_ELEMENT: {
		char *end;
		long long n;

		errno = 0;
		n = strtoll(l->value, &end, 10);
		if (!isdigit((unsigned char)l->value[0]) || *end != '\0' ||
		    errno != 0 || n < 1)
			return ini_error(r, l->line, key,
			    "\"%s\" is not an element number (see vraudit "
			    "elements)",
			    l->value);
		w->scope = xprintf("%lld", n);
		return 0;
	}
	case WK_MAC:
		if (mac_parse(l->value, mac) < 0)
			return ini_error(r, l->line, key,
			    "\"%s\" is not a MAC address (such as "
			    "00:e0:fc:12:34:56)",
			    l->value);
		mac_format(mac, buf);
		w->scope = xstrdup(buf);
		return 0;
	case WK_ADDRESS:
		if (ip_canonical(l->value, buf, sizeof(buf), NULL) < 0)
			return ini_error(r, l->line, key,
			    "\"%s\" is not an IPv4 or IPv6 address", l->value);
		w->scope = xstrdup(buf);
		return 0;
	default:
		if (!zone_name_valid(l->value))
			return ini_error(r, l->line, key,
			    "\"%s\" is not a zone name (letters, digits, "
			    "'.', '_' or '-')",
			    l->value);
		w->scope = xstrdup(l->value);
		return 0;
	}
}

/* rule = PACK/RULE or PACK. */
static int
set_rule(struct parse *p, const struct ini_line *l)
{
	struct waiver *w = cur(p);
	const char *v = l->value, *slash = strchr(v, '/');
	size_t n = slash != NULL ? (size_t)(slash - v) : strlen(v);

	if (!pack_name_valid(v, n) ||
	    (slash != NULL && !zone_name_valid(slash + 1)))
		return ini_error(&p->ini, l->line, "rule",
		    "\"%s\" is not PACK/RULE or PACK (such as "
		    "uk-dvd-2022/core-cap, or uk-dvd-2022 for all its rules)",
		    v);
	w->pack = xstrndup(v, n);
	if (slash != NULL)
		w->rule = xstrdup(slash + 1);
	return 0;
}

static int
set_key(struct parse *p, const struct ini_line *l)
{
	struct waiver *w = cur(p);

	switch (l->key) {
	case WK_ELEMENT:
	case WK_MAC:
	case WK_ADDRESS:
	case WK_ZONE:
		return set_scope(p, l);
	case WK_RULE:
		return set_rule(p, l);
	case WK_REASON:
		w->reason = xstrdup(l->value);
		return 0;
	case WK_APPROVER:
		w->approver = xstrdup(l->value);
		return 0;
	default:
		if (!policy_date_valid(l->value))
			return ini_error(&p->ini, l->line, "expires",
			    "\"%s\" is not a date (YYYY-MM-DD)", l->value);
		str_copy(w->expires, l->value, sizeof(w->expires));
		return 0;
	}
}

static int
section_close(struct parse *p, const struct ini_line *l)
{
	struct ini *r = &p->ini;

	if (!p->open)
		return 0;
	p->open = false;
	if (p->scope_line == 0)
		return ini_error(r, l->line, NULL,
		    "says nothing of what it covers (element, mac, address "
		    "or zone)");
	if (!ini_given(r, WK_RULE))
		return ini_error(r, l->line, "rule",
		    "required key missing (PACK/RULE, or PACK for all its "
		    "rules)");
	if (!ini_given(r, WK_REASON))
		return ini_error(r, l->line, "reason",
		    "required key missing (why the exception is granted)");
	if (!ini_given(r, WK_APPROVER))
		return ini_error(r, l->line, "approver",
		    "required key missing (who granted it)");
	if (!ini_given(r, WK_EXPIRES))
		return ini_error(r, l->line, "expires",
		    "required key missing (the last day it applies, "
		    "YYYY-MM-DD)");
	return 0;
}

static int
section_open(struct parse *p, const struct ini_line *l)
{
	struct ini *r = &p->ini;
	struct waiver_set *ws = p->ws;
	struct waiver *w;

	if (strcmp(l->type, "waiver") != 0)
		return ini_error(r, l->line, NULL,
		    "unknown section (expected [waiver NAME])");
	if (!zone_name_valid(l->name))
		return ini_error(r, l->line, NULL,
		    "\"%s\" is not a waiver name (letters, digits, '.', '_' "
		    "or '-', at most %d characters)",
		    l->name, ZONE_NAME_MAX);
	for (size_t i = 0; i < ws->n; i++)
		if (strcmp(ws->waivers[i].name, l->name) == 0)
			return ini_error(r, l->line, NULL,
			    "waiver \"%s\" is already defined on line %d",
			    l->name, ws->waivers[i].line);
	ws->waivers =
	    xreallocarray(ws->waivers, ws->n + 1, sizeof(*ws->waivers));
	w = &ws->waivers[ws->n++];
	memset(w, 0, sizeof(*w));
	w->name = xstrdup(l->name);
	w->line = l->line;
	p->open = true;
	p->scope_line = 0;
	ini_keys(r, waiver_keys);
	return 0;
}

struct waiver_set *
waiver_set_parse(const char *text, size_t len, const char *origin, char *err,
    size_t errlen)
{
	struct ini_line l;
	struct parse p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.ws = xcalloc(1, sizeof(*p.ws));
	p.ws->path = xstrdup(origin);
	sha256_buffer_hex(text, len, p.ws->digest);
	ini_init(&p.ini, origin, text, len, "[waiver NAME]", err, errlen);
	while ((rc = ini_next(&p.ini, &l)) == 1) {
		if (l.kind == INI_SECTION)
			rc = section_open(&p, &l);
		else if (l.kind == INI_END)
			rc = section_close(&p, &l);
		else
			rc = set_key(&p, &l);
		if (rc == -1)
			break;
	}
	if (p.ini.failed) {
		ini_finish(&p.ini);
		waiver_set_free(p.ws);
		return NULL;
	}
	ini_finish(&p.ini);
	return p.ws;
}

struct waiver_set *
waiver_set_load(const char *path, char *err, size_t errlen)
{
	struct waiver_set *ws;
	size_t len;
	char *text;

	if ((text = file_read(path, &len, err, errlen)) == NULL)
		return NULL;
	ws = waiver_set_parse(text, len, path, err, errlen);
	free(text);
	return ws;
}

int
waiver_set_check(const struct waiver_set *ws, const struct policy_set *packs,
    char *err, size_t errlen)
{
	for (size_t i = 0; i < ws->n; i++) {
		const struct waiver *w = &ws->waivers[i];
		const struct policy_pack *pk = policy_set_find(packs, w->pack);
		bool found = w->rule == NULL;

		for (size_t r = 0; pk != NULL && !found && r < pk->n_rules; r++)
			found = strcmp(pk->rules[r].name, w->rule) == 0;
		if (pk == NULL) {
			snprintf(err, errlen,
			    "%s:%d: [waiver %s] rule: no pack \"%s\" is in "
			    "force ([policy] packs)",
			    ws->path, w->line, w->name, w->pack);
			return -1;
		}
		if (!found) {
			snprintf(err, errlen,
			    "%s:%d: [waiver %s] rule: pack %s has no rule "
			    "\"%s\"",
			    ws->path, w->line, w->name, w->pack, w->rule);
			return -1;
		}
	}
	return 0;
}

void
waiver_set_free(struct waiver_set *ws)
{
	if (ws == NULL)
		return;
	for (size_t i = 0; i < ws->n; i++) {
		struct waiver *w = &ws->waivers[i];

		free(w->name);
		free(w->scope);
		free(w->pack);
		free(w->rule);
		free(w->reason);
		free(w->approver);
	}
	free(ws->waivers);
	free(ws->path);
	free(ws);
}
