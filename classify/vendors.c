/*
 * The vendor catalogue and its file format: the dialect of vraudit.conf(5),
 * read by common/ini.h, with keys that add (org, numbers, OIDs, patterns,
 * MAC blocks) given any number of times.
 *
 * Organisation aliases are stored normalised and sorted for binary search;
 * enterprise numbers likewise. Text patterns are POSIX extended regular
 * expressions, compiled case-insensitively and wrapped so they only match
 * whole words: "ZTE" never matches inside "Aztech" or "ZTEC".
 */
#include "classify/vendors.h"

#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "classify/oui.h"
#include "common/ini.h"
#include "common/oid.h"
#include "common/util.h"

#define ORG_NORM_MAX 256

extern const char vendors_builtin[];
extern const size_t vendors_builtin_len;

struct org_alias {
	char *norm;
	int vendor;
	int file;
	int line;
};

struct enterprise {
	uint32_t pen;
	bool weak;
	int vendor;
	int file;
	int line;
};

struct oid_subtree {
	uint32_t *arcs;
	size_t n;
	char *text;
	int vendor;
};

struct pattern {
	enum vendor_field field;
	regex_t re;
	char *text;
	char *literal; /* lower case text every match holds, or NULL */
	int vendor;
	bool weak; /* from a weak-FIELD key */
};

struct vendors {
	struct vendor *v;
	size_t n, cap;
	struct org_alias *orgs;
	size_t n_orgs;
	struct enterprise *pens;
	size_t n_pens;
	struct oid_subtree *oids;
	size_t n_oids;
	struct pattern *pats;
	size_t n_pats;
	struct vendor_block *blocks;
	size_t n_blocks;
	int *block_file;
	int files; /* texts loaded so far */
	uint64_t hash;
};

static const char *const field_names[VF_COUNT] = {
	[VF_SYSDESCR] = "sysdescr",
	[VF_ENTITY_MFG] = "entity-mfg",
	[VF_LLDP] = "lldp",
	[VF_CDP] = "cdp",
	[VF_DHCP] = "dhcp",
	[VF_COMPONENT] = "component",
	[VF_SSH] = "ssh",
	[VF_HTTP] = "http",
	[VF_MDNS] = "mdns",
	[VF_DHCP_PRL] = "dhcp-prl",
};

const char *
vendor_field_name(enum vendor_field f)
{
	if ((unsigned)f >= VF_COUNT)
		return "?";
	return field_names[f];
}

struct vendors *
vendors_new(void)
{
	struct vendors *v = xcalloc(1, sizeof(*v));

	v->hash = OUI_FNV_INIT;
	return v;
}

void
vendors_free(struct vendors *v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < v->n_orgs; i++)
		free(v->orgs[i].norm);
	for (size_t i = 0; i < v->n_oids; i++) {
		free(v->oids[i].arcs);
		free(v->oids[i].text);
	}
	for (size_t i = 0; i < v->n_pats; i++) {
		regfree(&v->pats[i].re);
		free(v->pats[i].text);
		free(v->pats[i].literal);
	}
	free(v->v);
	free(v->orgs);
	free(v->pens);
	free(v->oids);
	free(v->pats);
	free(v->blocks);
	free(v->block_file);
	free(v);
}

/* Legal-form words dropped from the end of organisation names. */
#define SUFFIX(w)                                                              \
	{                                                                      \
		w, sizeof(w) - 1                                               \
	}
static const struct {
	const char *w;
	size_t len;
} legal_suffixes[] = {
	SUFFIX("co"),
	SUFFIX("ltd"),
	SUFFIX("limited"),
	SUFFIX("inc"),
	SUFFIX("incorporated"),
	SUFFIX("corp"),
	SUFFIX("corporation"),
	SUFFIX("company"),
	SUFFIX("gmbh"),
	SUFFIX("ab"),
	SUFFIX("ag"),
	SUFFIX("sa"),
	SUFFIX("llc"),
	SUFFIX("plc"),
	SUFFIX("kg"),
	SUFFIX("bv"),
	SUFFIX("nv"),
	SUFFIX("oy"),
	SUFFIX("srl"),
	SUFFIX("spa"),
	SUFFIX("pte"),
	SUFFIX("pvt"),
	SUFFIX("private"),
	SUFFIX("kk"),
	SUFFIX("sdn"),
	SUFFIX("bhd"),
	SUFFIX("as"),
	SUFFIX("asa"),
	SUFFIX("oyj"),
	SUFFIX("sas"),
	SUFFIX("sarl"),
	SUFFIX("srl"),
	SUFFIX("sro"),
	SUFFIX("zao"),
	SUFFIX("ooo"),
	SUFFIX("jsc"),
};
#undef SUFFIX

static bool
is_legal_suffix(const char *w, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(legal_suffixes); i++)
		if (legal_suffixes[i].len == len &&
		    memcmp(legal_suffixes[i].w, w, len) == 0)
			return true;
	return false;
}

/* isalnum of the C locale, whatever the process's locale says. */
static bool
ascii_alnum(unsigned char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
	    (ch >= 'A' && ch <= 'Z');
}

void
vendors_org_normalise(const char *in, char *out, size_t outlen)
{
	size_t o = 0, words = 0;
	size_t starts[64];
	bool sep = true;

	if (outlen == 0)
		return;
	for (const unsigned char *p = (const unsigned char *)in; *p != '\0';
	     p++) {
		unsigned char ch = *p;

		/* Dots, apostrophes and slashes join: "S.A." is "sa", "A/S" "as". */
		if (ch == '.' || ch == '\'' || ch == '/')
			continue;
		if (ch < 0x80 && !ascii_alnum(ch)) {
			sep = true;
			continue;
		}
		if (o + 2 >= outlen)
			break;
		if (sep) {
			if (words > 0)
				out[o++] = ' ';
			if (words < ARRAY_SIZE(starts))
				starts[words] = o;
			words++;
			sep = false;
		}
		out[o++] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
	}
	out[o] = '\0';
	/* Drop legal suffixes from the end, keeping at least one word. */
	while (words > 1 && words <= ARRAY_SIZE(starts)) {
		size_t s = starts[words - 1];

		if (!is_legal_suffix(out + s, o - s))
			break;
		o = s - 1; /* the space before the word */
		out[o] = '\0';
		words--;
	}
}

size_t
vendors_count(const struct vendors *v)
{
	return v->n;
}

const struct vendor *
vendors_at(const struct vendors *v, size_t i)
{
	return i < v->n ? &v->v[i] : NULL;
}

int
vendors_find(const struct vendors *v, const char *slug)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i].slug, slug) == 0)
			return (int)i;
	return -1;
}

static int
org_cmp(const void *a, const void *b)
{
	return strcmp(((const struct org_alias *)a)->norm,
	    ((const struct org_alias *)b)->norm);
}

int
vendors_match_org(const struct vendors *v, const char *org)
{
	char norm[ORG_NORM_MAX];
	struct org_alias key, *hit;

	vendors_org_normalise(org, norm, sizeof(norm));
	if (norm[0] == '\0' || v->n_orgs == 0)
		return -1;
	key.norm = norm;
	hit = bsearch(&key, v->orgs, v->n_orgs, sizeof(*v->orgs), org_cmp);
	return hit == NULL ? -1 : hit->vendor;
}

static int
pen_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct enterprise *)a)->pen;
	uint32_t y = ((const struct enterprise *)b)->pen;

	return x < y ? -1 : x > y;
}

int
vendors_match_enterprise(const struct vendors *v, uint32_t pen, bool *weak)
{
	struct enterprise key, *hit;

	if (v->n_pens == 0)
		return -1;
	key.pen = pen;
	hit = bsearch(&key, v->pens, v->n_pens, sizeof(*v->pens), pen_cmp);
	if (hit == NULL)
		return -1;
	*weak = hit->weak;
	return hit->vendor;
}

int
vendors_match_oid(const struct vendors *v, const uint32_t *arcs, size_t n,
    const char **subtree)
{
	int best = -1;
	size_t best_n = 0;

	for (size_t i = 0; i < v->n_oids; i++) {
		const struct oid_subtree *o = &v->oids[i];

		if (o->n > best_n && oid_under(arcs, n, o->arcs, o->n)) {
			best = o->vendor;
			best_n = o->n;
			*subtree = o->text;
		}
	}
	return best;
}

int
vendors_match_text(const struct vendors *v, enum vendor_field field,
    const char *text, struct vendor_text_match *m)
{
	const struct pattern *best = NULL;
	regoff_t best_pos = 0;
	bool best_generic = false;
	char small[512], *lower;
	size_t len;

	if (text == NULL)
		return -1;
	len = strlen(text);
	lower = len < sizeof(small) ? small : xmalloc(len + 1);
	for (size_t i = 0; i <= len; i++)
		lower[i] = (char)tolower((unsigned char)text[i]);
	/* Earliest match wins, a maker before a generic stack, then file order. */
	for (size_t i = 0; i < v->n_pats; i++) {
		const struct pattern *p = &v->pats[i];
		bool generic = v->v[p->vendor].generic;
		regmatch_t pm[3];

		if (p->field != field)
			continue;
		if (p->literal != NULL && strstr(lower, p->literal) == NULL)
			continue;
		if (regexec(&p->re, text, ARRAY_SIZE(pm), pm, 0) != 0)
			continue;
		/* pm[2] is the pattern itself, inside the word guards. */
		if (best == NULL || (best_generic && !generic) ||
		    (best_generic == generic && pm[2].rm_so < best_pos)) {
			best = p;
			best_pos = pm[2].rm_so;
			best_generic = generic;
		}
	}
	if (lower != small)
		free(lower);
	if (best == NULL)
		return -1;
	m->vendor = best->vendor;
	m->field = field;
	m->pattern = best->text;
	m->weak = best->weak;
	return 0;
}

const struct vendor_block *
vendors_blocks(const struct vendors *v, size_t *n)
{
	*n = v->n_blocks;
	return v->blocks;
}

uint64_t
vendors_content_hash(const struct vendors *v)
{
	return v->hash;
}

/* The keys of a [vendor SLUG] section: a table of ini.h. */
enum {
	VK_NAME,
	VK_RISK,
	VK_GENERIC,
	VK_ORG,
	VK_ENTERPRISE,
	VK_WEAK_ENTERPRISE,
	VK_SYSOBJECTID,
	VK_OUI,
	VK_PATTERN, /* + field, then + VF_COUNT + field: weak */
};

#define ADDS (INI_REPEAT | INI_NONEMPTY)

static const struct ini_key vendor_keys[] = {
	[VK_NAME] = { "name", INI_NONEMPTY },
	[VK_RISK] = { "risk", INI_NONEMPTY },
	[VK_GENERIC] = { "generic", INI_NONEMPTY },
	[VK_ORG] = { "org", ADDS },
	[VK_ENTERPRISE] = { "enterprise", ADDS | INI_LIST },
	[VK_WEAK_ENTERPRISE] = { "weak-enterprise", ADDS | INI_LIST },
	[VK_SYSOBJECTID] = { "sysobjectid", ADDS | INI_LIST },
	[VK_OUI] = { "oui", ADDS | INI_LIST },
	[VK_PATTERN + VF_SYSDESCR] = { "sysdescr", ADDS },
	[VK_PATTERN + VF_ENTITY_MFG] = { "entity-mfg", ADDS },
	[VK_PATTERN + VF_LLDP] = { "lldp", ADDS },
	[VK_PATTERN + VF_CDP] = { "cdp", ADDS },
	[VK_PATTERN + VF_DHCP] = { "dhcp", ADDS },
	[VK_PATTERN + VF_COMPONENT] = { "component", ADDS },
	[VK_PATTERN + VF_SSH] = { "ssh", ADDS },
	[VK_PATTERN + VF_HTTP] = { "http", ADDS },
	[VK_PATTERN + VF_MDNS] = { "mdns", ADDS },
	[VK_PATTERN + VF_DHCP_PRL] = { "dhcp-prl", ADDS },
	[VK_PATTERN + VF_COUNT + VF_SYSDESCR] = { "weak-sysdescr", ADDS },
	[VK_PATTERN + VF_COUNT + VF_ENTITY_MFG] = { "weak-entity-mfg", ADDS },
	[VK_PATTERN + VF_COUNT + VF_LLDP] = { "weak-lldp", ADDS },
	[VK_PATTERN + VF_COUNT + VF_CDP] = { "weak-cdp", ADDS },
	[VK_PATTERN + VF_COUNT + VF_DHCP] = { "weak-dhcp", ADDS },
	[VK_PATTERN + VF_COUNT + VF_COMPONENT] = { "weak-component", ADDS },
	[VK_PATTERN + VF_COUNT + VF_SSH] = { "weak-ssh", ADDS },
	[VK_PATTERN + VF_COUNT + VF_HTTP] = { "weak-http", ADDS },
	[VK_PATTERN + VF_COUNT + VF_MDNS] = { "weak-mdns", ADDS },
	[VK_PATTERN + VF_COUNT + VF_DHCP_PRL] = { "weak-dhcp-prl", ADDS },
	{ NULL, 0 },
};
_Static_assert(ARRAY_SIZE(vendor_keys) == VK_PATTERN + 2 * VF_COUNT + 1,
    "a pattern key for every field, strong and weak");

/* Parsing state for one text. */
struct parse {
	struct ini ini;
	struct vendors *v;
	int file;
	int line;        /* of the value being read */
	const char *key; /* the key being read */
	int cur;         /* current vendor index, -1 outside a section */
	bool cur_new;    /* the section created the vendor */
};

/* An error about the value being read. */
#define perr(p, ...) ini_error(&(p)->ini, (p)->line, (p)->key, __VA_ARGS__)

static bool
slug_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= VENDOR_SLUG_MAX || !isalnum((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) ||
			isdigit((unsigned char)s[i]) || s[i] == '-' ||
			s[i] == '_' || s[i] == '.'))
			return false;
	return true;
}

/* End of a section: a vendor it created needs a risk class. */
static int
section_close(struct parse *p, const struct ini_line *l)
{
	if (p->cur >= 0 && p->cur_new && !ini_given(&p->ini, VK_RISK) &&
	    !p->v->v[p->cur].generic)
		return ini_error(&p->ini, l->line, "risk",
		    "required key "
		    "missing (high, watch or none)");
	p->cur = -1;
	return 0;
}

static int
section_open(struct parse *p, const struct ini_line *l)
{
	int i;

	if (strcmp(l->type, "vendor") != 0)
		return ini_error(&p->ini, l->line, NULL,
		    "unknown section "
		    "(expected [vendor SLUG])");
	if (!slug_valid(l->name))
		return ini_error(&p->ini, l->line, NULL,
		    "\"%s\" is not a "
		    "vendor slug (lower-case letters, digits, '-', '_' or '.', "
		    "at most %d characters)",
		    l->name, VENDOR_SLUG_MAX - 1);
	/* The classifier names registrants it has no section for so. */
	if (strncmp(l->name, "enterprise-", strlen("enterprise-")) == 0)
		return ini_error(&p->ini, l->line, NULL,
		    "\"%s\": slugs "
		    "enterprise-N are kept for registrants the catalogue lacks; "
		    "give the vendor a name and list N under enterprise",
		    l->name);
	ini_keys(&p->ini, vendor_keys);
	if ((i = vendors_find(p->v, l->name)) >= 0) {
		p->cur = i;
		p->cur_new = false;
		return 0;
	}
	if (p->v->n == p->v->cap) {
		p->v->cap = p->v->cap == 0 ? 64 : p->v->cap * 2;
		p->v->v = xreallocarray(p->v->v, p->v->cap, sizeof(*p->v->v));
	}
	memset(&p->v->v[p->v->n], 0, sizeof(p->v->v[0]));
	str_copy(p->v->v[p->v->n].slug, l->name, VENDOR_SLUG_MAX);
	str_copy(p->v->v[p->v->n].name, l->name, VENDOR_NAME_MAX);
	p->v->v[p->v->n].risk = RISK_NONE;
	p->v->v[p->v->n].line = l->line;
	p->cur = (int)p->v->n++;
	p->cur_new = true;
	return 0;
}

static const char *
owner_slug(const struct parse *p, int vendor)
{
	return p->v->v[vendor].slug;
}

static int
add_org(struct parse *p, const char *value)
{
	char norm[ORG_NORM_MAX];
	struct vendors *v = p->v;
	size_t lo = 0, hi = v->n_orgs;

	vendors_org_normalise(value, norm, sizeof(norm));
	if (norm[0] == '\0')
		return perr(p, "\"%s\" is empty once normalised", value);
	/* The aliases stay sorted by their names: find this one's place. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(v->orgs[mid].norm, norm) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < v->n_orgs && strcmp(v->orgs[lo].norm, norm) == 0) {
		struct org_alias *a = &v->orgs[lo];

		if (a->vendor == p->cur)
			return 0;
		if (a->file == p->file)
			return perr(p,
			    "\"%s\" already belongs to vendor %s "
			    "(line %d)",
			    value, owner_slug(p, a->vendor), a->line);
		/* A later file moves the alias. */
		a->vendor = p->cur;
		a->file = p->file;
		a->line = p->line;
		return 0;
	}
	v->orgs = xreallocarray(v->orgs, v->n_orgs + 1, sizeof(*v->orgs));
	memmove(&v->orgs[lo + 1], &v->orgs[lo],
	    (v->n_orgs - lo) * sizeof(*v->orgs));
	v->orgs[lo] =
	    (struct org_alias){ xstrdup(norm), p->cur, p->file, p->line };
	v->n_orgs++;
	return 0;
}

static int
add_pen(struct parse *p, const char *item, bool weak)
{
	struct vendors *v = p->v;
	unsigned long long n;
	char *end;

	if (!isdigit((unsigned char)item[0]))
		return perr(p, "\"%s\" is not a number", item);
	errno = 0;
	n = strtoull(item, &end, 10);
	if (errno != 0 || *end != '\0' || n > UINT32_MAX)
		return perr(p, "\"%s\" is not a number up to 4294967295", item);
	for (size_t i = 0; i < v->n_pens; i++) {
		struct enterprise *e = &v->pens[i];

		if (e->pen != n)
			continue;
		if (e->vendor != p->cur && e->file == p->file)
			return perr(p,
			    "%llu already belongs to vendor %s "
			    "(line %d)",
			    n, owner_slug(p, e->vendor), e->line);
		e->vendor = p->cur;
		e->weak = weak;
		e->file = p->file;
		e->line = p->line;
		return 0;
	}
	v->pens = xreallocarray(v->pens, v->n_pens + 1, sizeof(*v->pens));
	v->pens[v->n_pens].pen = (uint32_t)n;
	v->pens[v->n_pens].weak = weak;
	v->pens[v->n_pens].vendor = p->cur;
	v->pens[v->n_pens].file = p->file;
	v->pens[v->n_pens].line = p->line;
	v->n_pens++;
	if (v->n_pens > 1)
		qsort(v->pens, v->n_pens, sizeof(*v->pens), pen_cmp);
	return 0;
}

static int
add_oid(struct parse *p, const char *item)
{
	struct vendors *v = p->v;
	uint32_t arcs[CLASSIFY_OID_MAX];
	size_t n;
	struct oid_subtree *o;

	if (oid_parse(item, arcs, ARRAY_SIZE(arcs), &n) < 0)
		return perr(p, "\"%s\" is not a numeric OID", item);
	v->oids = xreallocarray(v->oids, v->n_oids + 1, sizeof(*v->oids));
	o = &v->oids[v->n_oids++];
	o->arcs = xreallocarray(NULL, n, sizeof(*arcs));
	memcpy(o->arcs, arcs, n * sizeof(*arcs));
	o->n = n;
	o->text = xstrdup(item[0] == '.' ? item + 1 : item);
	o->vendor = p->cur;
	return 0;
}

static int
add_block(struct parse *p, const char *item)
{
	struct vendors *v = p->v;
	uint64_t prefix;
	unsigned bits;

	if (oui_block_parse(item, &prefix, &bits) < 0)
		return perr(p,
		    "\"%s\" is not a MAC block (00:25:9E, "
		    "28:6E:D4:0/28 or 70:B3:D5:F2:F/36)",
		    item);
	for (size_t i = 0; i < v->n_blocks; i++) {
		struct vendor_block *b = &v->blocks[i];

		if (b->prefix != prefix || b->bits != bits)
			continue;
		if (b->vendor != p->cur && v->block_file[i] == p->file)
			return perr(p, "%s already belongs to vendor %s", item,
			    owner_slug(p, b->vendor));
		b->vendor = p->cur;
		v->block_file[i] = p->file;
		return 0;
	}
	v->blocks =
	    xreallocarray(v->blocks, v->n_blocks + 1, sizeof(*v->blocks));
	v->block_file = xreallocarray(v->block_file, v->n_blocks + 1,
	    sizeof(*v->block_file));
	v->blocks[v->n_blocks].prefix = prefix;
	v->blocks[v->n_blocks].bits = bits;
	v->blocks[v->n_blocks].vendor = p->cur;
	v->block_file[v->n_blocks] = p->file;
	v->n_blocks++;
	return 0;
}

/*
 * The literal text, in lower case, that every match of an extended regular
 * expression holds: its leading run of ordinary characters (escaped ones
 * included), without a last character a quantifier makes optional. NULL
 * when there is none, or when an alternation at the top level makes even
 * the run optional. Text without it cannot match, so regexec is skipped.
 */
static char *
required_literal(const char *re)
{
	static const char meta[] = ".[]()*+?{}|^$\\";
	char *lit = xmalloc(strlen(re) + 1);
	size_t n = 0, last = 0;
	int depth = 0;
	const char *q = re;

	/* A bracket expression may hold parentheses: be safe. */
	if (strchr(re, '[') != NULL && strchr(re, '|') != NULL) {
		free(lit);
		return NULL;
	}
	for (const char *c = re; *c != '\0'; c++) {
		if (*c == '\\' && c[1] != '\0')
			c++;
		else if (*c == '(')
			depth++;
		else if (*c == ')')
			depth--;
		else if (*c == '|' && depth == 0) {
			free(lit);
			return NULL;
		}
	}
	while (*q != '\0') {
		if (*q == '\\' && q[1] != '\0' &&
		    !isalnum((unsigned char)q[1])) {
			last = n;
			lit[n++] = q[1];
			q += 2;
		} else if (strchr(meta, *q) == NULL) {
			last = n;
			lit[n++] = (char)tolower((unsigned char)*q);
			q++;
		} else
			break;
	}
	if (n > 0 && (*q == '?' || *q == '*' || *q == '{'))
		n = last;
	lit[n] = '\0';
	if (n == 0) {
		free(lit);
		return NULL;
	}
	return lit;
}

static int
add_pattern(struct parse *p, enum vendor_field field, const char *value,
    bool weak)
{
	struct vendors *v = p->v;
	struct pattern *pat;
	char *wrapped;
	int rc;

	/* Guards make the pattern match whole words only. */
	wrapped = xprintf("(^|[^[:alnum:]])(%s)([^[:alnum:]]|$)", value);
	v->pats = xreallocarray(v->pats, v->n_pats + 1, sizeof(*v->pats));
	pat = &v->pats[v->n_pats];
	rc = regcomp(&pat->re, wrapped, REG_EXTENDED | REG_ICASE);
	free(wrapped);
	if (rc != 0) {
		char msg[128];

		regerror(rc, &pat->re, msg, sizeof(msg));
		return perr(p,
		    "\"%s\" is not an extended regular "
		    "expression: %s",
		    value, msg);
	}
	pat->field = field;
	pat->text = xstrdup(value);
	pat->literal = required_literal(value);
	pat->vendor = p->cur;
	pat->weak = weak;
	v->n_pats++;
	return 0;
}

static int
parse_bool(const char *s, bool *out)
{
	if (strcmp(s, "yes") == 0 || strcmp(s, "true") == 0)
		*out = true;
	else if (strcmp(s, "no") == 0 || strcmp(s, "false") == 0)
		*out = false;
	else
		return -1;
	return 0;
}

/* One item of a list key. */
static int
add_item(struct parse *p, int key, const char *item)
{
	switch (key) {
	case VK_ENTERPRISE:
	case VK_WEAK_ENTERPRISE:
		return add_pen(p, item, key == VK_WEAK_ENTERPRISE);
	case VK_SYSOBJECTID:
		return add_oid(p, item);
	default:
		return add_block(p, item);
	}
}

static int
key_value(struct parse *p, const struct ini_line *l)
{
	struct vendor *ven = &p->v->v[p->cur];
	const char *value = l->value;
	int r;

	p->line = l->line;
	p->key = vendor_keys[l->key].name;
	switch (l->key) {
	case VK_NAME:
		if (strlen(value) >= VENDOR_NAME_MAX)
			return perr(p, "longer than %d characters",
			    VENDOR_NAME_MAX - 1);
		str_copy(ven->name, value, VENDOR_NAME_MAX);
		return 0;
	case VK_RISK:
		r = risk_parse(value);
		if (r < 0 || r == RISK_UNKNOWN)
			return perr(p,
			    "\"%s\" is not a risk class (expected "
			    "high, watch or none)",
			    value);
		ven->risk = (enum risk)r;
		return 0;
	case VK_GENERIC:
		if (parse_bool(value, &ven->generic) < 0)
			return perr(p, "\"%s\" is not yes or no", value);
		return 0;
	case VK_ORG:
		return add_org(p, value);
	}
	if (l->key >= VK_PATTERN)
		return add_pattern(p,
		    (enum vendor_field)((l->key - VK_PATTERN) % VF_COUNT),
		    value, l->key >= VK_PATTERN + VF_COUNT);
	for (size_t i = 0; i < l->n_items; i++)
		if (add_item(p, l->key, l->items[i]) < 0)
			return -1;
	return 0;
}

int
vendors_load_text(struct vendors *v, const char *text, size_t len,
    const char *origin, char *err, size_t errlen)
{
	struct ini_line l;
	struct parse p;
	int r;

	memset(&p, 0, sizeof(p));
	p.v = v;
	p.file = ++v->files;
	p.cur = -1;
	v->hash = oui_fnv1a(v->hash, text, len);
	ini_init(&p.ini, origin, text, len, "[vendor SLUG]", err, errlen);
	while ((r = ini_next(&p.ini, &l)) == 1) {
		if (l.kind == INI_SECTION)
			r = section_open(&p, &l);
		else if (l.kind == INI_END)
			r = section_close(&p, &l);
		else
			r = key_value(&p, &l);
		if (r < 0)
			break;
	}
	r = p.ini.failed ? -1 : 0;
	ini_finish(&p.ini);
	return r;
}

int
vendors_load_file(struct vendors *v, const char *path, char *err, size_t errlen)
{
	size_t len;
	char *buf = file_read(path, &len, err, errlen);
	int r;

	if (buf == NULL)
		return -1;
	r = vendors_load_text(v, buf, len, path, err, errlen);
	free(buf);
	return r;
}

int
vendors_load_builtin(struct vendors *v, char *err, size_t errlen)
{
	return vendors_load_text(v, vendors_builtin, vendors_builtin_len,
	    "vendors.conf (built-in)", err, errlen);
}
