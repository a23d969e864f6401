/*
 * Evidence to verdict. classify_assess() looks one piece of evidence up in
 * the catalogue and the registry; classify_fuse() weighs an element's
 * evidence as described in classify.h. Both are pure functions of the
 * classifier built once by classifier_new().
 */
#include "classify/classify.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "classify/enterprises.h"
#include "classify/oui.h"
#include "classify/vendors.h"
#include "common/oid.h"
#include "common/text.h"

/* Bump when a change to this file can change a verdict. */
#define CLASSIFY_CODE_VERSION "vraudit-classify-3"

#define S_SYSOBJECTID 0.95
#define S_ENTITY_MFG 0.90
#define S_SYSDESCR 0.85
#define S_LLDP 0.80
#define S_CDP 0.80
#define S_ENGINEID 0.70
#define S_UPNP 0.70
#define S_PRIVATE_MIB 0.60
#define S_TLS 0.60
#define S_SSH 0.60
#define S_OUI 0.50
#define S_HTTP 0.50
#define S_SSDP 0.50
#define S_MDNS 0.50
#define S_DHCP 0.40
#define S_DHCP_PRL 0.30
#define S_WEAK 0.30
#define S_COMPONENT 0.20
#define S_REG_OID 0.60         /* sysObjectID of a registrant not catalogued */
#define S_REG_ENGINEID 0.45    /* engineID of a registrant not catalogued */
#define S_REG_PRIVATE_MIB 0.40 /* private MIB of a registrant not catalogued */
#define S_STRONG_MIN 0.75      /* strong kinds at or above this are "strong" */

/* Slug of a registrant the catalogue lacks: the prefix and its number. */
#define REGISTRANT_SLUG "enterprise-"

struct classifier {
	struct vendors *vendors;
	struct oui_registry *oui;
	struct enterprises *pens;
	/* Each registrant's vendor in the catalogue, found on first use
	 * (most of what an open costs, and an ingest that sees nothing new
	 * never needs it): a cache, made once under tag_mu. */
	pthread_mutex_t tag_mu;
	atomic_bool tagged;
	bool pens_loaded;        /* some registry file was read */
	char pens_missing[1024]; /* why the IANA file was left out */
	char digest[DIGEST_STRLEN];
};

static int
tag_org(const char *org, void *arg)
{
	return vendors_match_org(arg, org);
}

/* Load the IANA registry and the operator's file; a missing registry file
 * is noted, not an error (the numbers the catalogue lists still work). */
static int
load_enterprises(struct classifier *c, const struct classifier_sources *src,
    char *err, size_t errlen)
{
	struct stat st;

	c->pens = enterprises_new();
	if (src->enterprises != NULL) {
		if (stat(src->enterprises, &st) < 0 && errno == ENOENT)
			snprintf(c->pens_missing, sizeof(c->pens_missing),
			    "%s: %s", src->enterprises, strerror(ENOENT));
		else if (enterprises_load_file(c->pens, src->enterprises, false,
			     err, errlen) < 0)
			return -1;
		else
			c->pens_loaded = true;
	}
	if (src->enterprises_local != NULL) {
		if (enterprises_load_file(c->pens, src->enterprises_local, true,
			err, errlen) < 0)
			return -1;
		c->pens_loaded = true;
	}
	return 0;
}

/* Tag every registrant with its vendor in the catalogue, once. The
 * registries' own entries only: the catalogue's blocks carry theirs. */
static void
tag_registries(const struct classifier *cc)
{
	struct classifier *c = (struct classifier *)cc; /* a cache */

	if (atomic_load_explicit(&c->tagged, memory_order_acquire))
		return;
	pthread_mutex_lock(&c->tag_mu);
	if (!atomic_load_explicit(&c->tagged, memory_order_relaxed)) {
		enterprises_tag_all(c->pens, tag_org, c->vendors);
		oui_tag_all(c->oui, tag_org, c->vendors);
		atomic_store_explicit(&c->tagged, true, memory_order_release);
	}
	pthread_mutex_unlock(&c->tag_mu);
}

struct classifier *
classifier_new(const char *oui_dir, const char *vendors_path, char *err,
    size_t errlen)
{
	struct classifier_sources src = { oui_dir, vendors_path, NULL, NULL };

	return classifier_open(&src, err, errlen);
}

struct classifier *
classifier_open(const struct classifier_sources *src, char *err, size_t errlen)
{
	struct classifier *c = xcalloc(1, sizeof(*c));
	const struct vendor_block *blocks;
	size_t n;
	uint64_t h;
	char hex[3][DIGEST_STRLEN];

	pthread_mutex_init(&c->tag_mu, NULL);
	atomic_init(&c->tagged, false);
	c->vendors = vendors_new();
	if (vendors_load_builtin(c->vendors, err, errlen) < 0)
		goto fail;
	if (src->vendors != NULL &&
	    vendors_load_file(c->vendors, src->vendors, err, errlen) < 0)
		goto fail;
	c->oui = oui_new();
	if (src->oui_dir != NULL &&
	    oui_load_dir(c->oui, src->oui_dir, err, errlen) < 0)
		goto fail;
	if (load_enterprises(c, src, err, errlen) < 0)
		goto fail;
	blocks = vendors_blocks(c->vendors, &n);
	for (size_t i = 0; i < n; i++)
		oui_add(c->oui, blocks[i].prefix, blocks[i].bits,
		    vendors_at(c->vendors, (size_t)blocks[i].vendor)->name,
		    blocks[i].vendor);

	snprintf(hex[0], sizeof(hex[0]), "%016llx",
	    (unsigned long long)vendors_content_hash(c->vendors));
	snprintf(hex[1], sizeof(hex[1]), "%016llx",
	    (unsigned long long)oui_content_hash(c->oui));
	snprintf(hex[2], sizeof(hex[2]), "%016llx",
	    (unsigned long long)enterprises_content_hash(c->pens));
	h = oui_fnv1a(OUI_FNV_INIT, CLASSIFY_CODE_VERSION,
	    strlen(CLASSIFY_CODE_VERSION));
	for (size_t i = 0; i < ARRAY_SIZE(hex); i++)
		h = oui_fnv1a(h, hex[i], strlen(hex[i]));
	snprintf(c->digest, sizeof(c->digest), "%016llx",
	    (unsigned long long)h);
	return c;
fail:
	classifier_free(c);
	return NULL;
}

void
classifier_free(struct classifier *c)
{
	if (c == NULL)
		return;
	vendors_free(c->vendors);
	oui_free(c->oui);
	enterprises_free(c->pens);
	pthread_mutex_destroy(&c->tag_mu);
	free(c);
}

const char *
classifier_enterprises_missing(const struct classifier *c)
{
	return c->pens_missing[0] != '\0' ? c->pens_missing : NULL;
}

size_t
classifier_enterprises_count(const struct classifier *c)
{
	return enterprises_count(c->pens);
}

const char *
classifier_digest(const struct classifier *c)
{
	return c->digest;
}

int
classifier_vendor(const struct classifier *c, const char *slug,
    const char **name, enum risk *risk)
{
	int i = vendors_find(c->vendors, slug);
	const struct vendor *v;

	if (i < 0)
		return -1;
	v = vendors_at(c->vendors, (size_t)i);
	if (name != NULL)
		*name = v->name;
	if (risk != NULL)
		*risk = v->risk;
	return 0;
}

size_t
classifier_registry_count(const struct classifier *c, unsigned bits)
{
	return oui_count(c->oui, bits);
}

int
classify_engineid_parse(const char *s, uint32_t *enterprise,
    uint8_t mac[MAC_LEN], bool *has_mac)
{
	uint8_t b[32];
	size_t n = 0;

	if (s == NULL)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	while (*s != '\0') {
		int hi, lo;

		if (*s == ':' && n > 0) {
			s++;
			continue;
		}
		if (n == sizeof(b) ||
		    (hi = hex_value((unsigned char)s[0])) < 0 ||
		    (lo = hex_value((unsigned char)s[1])) < 0)
			return -1;
		b[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	if (n < 5)
		return -1;
	/* RFC 3411 and the older RFC 1910 form both start with the
	 * enterprise number; the top bit marks the RFC 3411 form. */
	*enterprise = ((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
			  (uint32_t)b[2] << 8 | b[3]) &
	    0x7fffffffu;
	*has_mac = (b[0] & 0x80) != 0 && b[4] == 3 && n == 11;
	if (*has_mac)
		memcpy(mac, b + 5, MAC_LEN);
	return 0;
}

static void
set_vendor(const struct classifier *c, struct evidence *out, int vendor,
    double strength)
{
	str_copy(out->vendor, vendors_at(c->vendors, (size_t)vendor)->slug,
	    sizeof(out->vendor));
	out->strength = strength;
}

/*
 * Copy src into dst (size bytes) whole, or cut at a character boundary
 * and ended with "...": registrant names go into rules of bounded length.
 */
static void
clip_name(char *dst, size_t size, const char *src)
{
	size_t len = strlen(src), o = 0;

	if (len < size) {
		memcpy(dst, src, len + 1);
		return;
	}
	while (o < len) {
		size_t k = text_utf8_seq(src + o, len - o);

		if (k == 0)
			k = 1;
		if (o + k + 4 > size)
			break;
		o += k;
	}
	memcpy(dst, src, o);
	memcpy(dst + o, "...", 4);
}

/* A registrant the catalogue lacks: named, never assessed (classify.h). */
static int
assess_registrant(const struct classifier *c,
    const struct enterprise_entry *reg, uint32_t pen, double strength,
    const char *what, struct evidence *out)
{
	static const char tail[] = "): not in the catalogue";
	char head[48], name[RULE_MAX], rule[2 * RULE_MAX];
	size_t room;

	if (reg == NULL) {
		snprintf(out->rule, sizeof(out->rule),
		    c->pens_loaded ? "%s %u: in neither the catalogue nor the "
				     "IANA registry"
				   : "%s %u: not in the catalogue",
		    what, pen);
		return -1;
	}
	if (reg->unassigned) {
		snprintf(out->rule, sizeof(out->rule),
		    "%s %u: unassigned in the IANA registry (%s), names no "
		    "maker",
		    what, pen, reg->name);
		return -1;
	}
	snprintf(head, sizeof(head), "%s %u (%s: ", what, pen,
	    reg->local ? "local" : "IANA");
	room = sizeof(out->rule) - strlen(head) - strlen(tail);
	clip_name(name, room, reg->name);
	snprintf(rule, sizeof(rule), "%s%s%s", head, name, tail);
	str_copy(out->rule, rule, sizeof(out->rule));
	snprintf(out->vendor, sizeof(out->vendor), REGISTRANT_SLUG "%" PRIu32,
	    pen);
	out->strength = strength;
	return -1;
}

/*
 * Enterprise number to evidence; returns the catalogue vendor index or
 * -1. The catalogue's own numbers come first, then the registrant's name
 * as one of a vendor's organisation aliases, then the registrant alone.
 */
static int
assess_enterprise(const struct classifier *c, uint32_t pen, double strength,
    double reg_strength, const char *what, struct evidence *out)
{
	bool weak = false;
	int i = vendors_match_enterprise(c->vendors, pen, &weak);
	const struct enterprise_entry *reg = NULL;
	const struct vendor *v;

	if (i < 0) {
		reg = enterprises_lookup(c->pens, pen);
		if (reg == NULL || reg->tag < 0)
			return assess_registrant(c, reg, pen, reg_strength,
			    what, out);
		i = reg->tag;
	}
	v = vendors_at(c->vendors, (size_t)i);
	if (v->generic) {
		snprintf(out->rule, sizeof(out->rule),
		    "%s %u (%s): generic software, names no maker", what, pen,
		    v->slug);
		return -1;
	}
	set_vendor(c, out, i, weak && strength > S_WEAK ? S_WEAK : strength);
	if (reg != NULL) {
		char head[96], name[RULE_MAX], rule[2 * RULE_MAX];

		snprintf(head, sizeof(head), "%s %u (%s; %s: ", what, pen,
		    v->slug, reg->local ? "local" : "IANA");
		clip_name(name, sizeof(out->rule) - strlen(head) - 1,
		    reg->name);
		snprintf(rule, sizeof(rule), "%s%s)", head, name);
		str_copy(out->rule, rule, sizeof(out->rule));
	} else
		snprintf(out->rule, sizeof(out->rule), "%s %u (%s)%s", what,
		    pen, v->slug, weak ? ": squatted or shared, weak" : "");
	return i;
}

static int
assess_oid(const struct classifier *c, const char *value, struct evidence *out)
{
	static const uint32_t enterprises[] = { 1, 3, 6, 1, 4, 1 };
	uint32_t arcs[CLASSIFY_OID_MAX];
	const char *subtree = NULL;
	size_t n;
	int i;

	if (oid_parse(value, arcs, ARRAY_SIZE(arcs), &n) < 0)
		return -1;
	if ((i = vendors_match_oid(c->vendors, arcs, n, &subtree)) >= 0 &&
	    !vendors_at(c->vendors, (size_t)i)->generic) {
		set_vendor(c, out, i, S_SYSOBJECTID);
		snprintf(out->rule, sizeof(out->rule), "sysobjectid %s (%s)",
		    subtree, vendors_at(c->vendors, (size_t)i)->slug);
		return 0;
	}
	if (n < 7 ||
	    !oid_under(arcs, n, enterprises, ARRAY_SIZE(enterprises))) {
		str_copy(out->rule, "not under enterprises (1.3.6.1.4.1)",
		    sizeof(out->rule));
		return 0;
	}
	assess_enterprise(c, arcs[6], S_SYSOBJECTID, S_REG_OID, "enterprise",
	    out);
	return 0;
}

/*
 * The name of the patterns that matched evidence of out->kind: the field's
 * own ("lldp") when it is the kind's, else both ("lldp-sysdescr": an LLDP
 * description matched by a sysDescr pattern), so that a rule never passes
 * for evidence of another kind.
 */
static void
pattern_head(const struct evidence *out, enum vendor_field f, char *head,
    size_t size)
{
	const char *kind = evidence_kind_name(out->kind);
	const char *field = vendor_field_name(f);

	if (strcmp(kind, field) == 0)
		snprintf(head, size, "%s", field);
	else
		snprintf(head, size, "%s-%s", kind, field);
}

/* Try the text against each field in turn, then org (when not NULL) as an
 * IEEE name. */
static void
assess_text(const struct classifier *c, const char *value, double strength,
    const enum vendor_field *fields, size_t nf, const char *org,
    struct evidence *out)
{
	struct vendor_text_match m;
	char head[40], rule[2 * RULE_MAX];
	int i;

	for (size_t k = 0; k < nf; k++) {
		if (vendors_match_text(c->vendors, fields[k], value, &m) < 0)
			continue;
		pattern_head(out, m.field, head, sizeof(head));
		if (vendors_at(c->vendors, (size_t)m.vendor)->generic) {
			snprintf(rule, sizeof(rule),
			    "%s /%s/ (%s): generic software, names no maker",
			    head, m.pattern,
			    vendors_at(c->vendors, (size_t)m.vendor)->slug);
			str_copy(out->rule, rule, sizeof(out->rule));
			return;
		}
		set_vendor(c, out, m.vendor,
		    m.weak && strength > S_WEAK ? S_WEAK : strength);
		snprintf(rule, sizeof(rule), "%s /%s/%s", head, m.pattern,
		    m.weak ? ", weak" : "");
		str_copy(out->rule, rule, sizeof(out->rule));
		return;
	}
	if (org != NULL && (i = vendors_match_org(c->vendors, org)) >= 0 &&
	    !vendors_at(c->vendors, (size_t)i)->generic) {
		set_vendor(c, out, i, strength);
		snprintf(out->rule, sizeof(out->rule), "org \"%s\"", org);
		return;
	}
	str_copy(out->rule, "no vendor pattern matched", sizeof(out->rule));
}

/* MAC to evidence at the given strength; rule prefixed with what. */
static void
assess_mac(const struct classifier *c, const uint8_t mac[MAC_LEN],
    double strength, const char *what, struct evidence *out)
{
	struct oui_match m;
	enum oui_status st;
	char block[OUI_BLOCK_STRLEN];

	if (mac_is_zero(mac)) {
		snprintf(out->rule, sizeof(out->rule),
		    "%sall-zero address: names no maker", what);
		return;
	}
	st = oui_lookup(c->oui, mac, &m);
	if (st != OUI_FOUND) {
		snprintf(out->rule, sizeof(out->rule), "%s%s address%s", what,
		    oui_status_name(st),
		    st == OUI_UNLISTED ? ": no registry block"
				       : ": names no maker");
		return;
	}
	oui_block_format(m.prefix, m.bits, block);
	snprintf(out->rule, sizeof(out->rule), "%soui %s %s %s", what,
	    oui_source_name(m.source), block, m.org);
	if (m.tag >= 0 && !vendors_at(c->vendors, (size_t)m.tag)->generic)
		set_vendor(c, out, m.tag, strength);
}

static int
assess_engineid(const struct classifier *c, const char *value,
    struct evidence *out)
{
	uint32_t pen;
	uint8_t mac[MAC_LEN];
	bool has_mac;
	char rule[RULE_MAX];

	if (classify_engineid_parse(value, &pen, mac, &has_mac) < 0)
		return -1;
	if (assess_enterprise(c, pen, S_ENGINEID, S_REG_ENGINEID,
		"engineid enterprise", out) >= 0 ||
	    out->vendor[0] != '\0' || !has_mac)
		return 0;
	/* The enterprise names no maker: the MAC it carries may. */
	str_copy(rule, out->rule, sizeof(rule));
	assess_mac(c, mac, S_OUI, "engineid mac ", out);
	if (out->vendor[0] == '\0')
		str_copy(out->rule, rule, sizeof(out->rule));
	return 0;
}

/* "1.3.6.1.4.1.N", an enterprise subtree the agent implements: N as for
 * an engineID, between an engineID and a MAC in strength. */
static int
assess_private_mib(const struct classifier *c, const char *value,
    struct evidence *out)
{
	static const uint32_t enterprises[] = { 1, 3, 6, 1, 4, 1 };
	uint32_t arcs[CLASSIFY_OID_MAX];
	size_t n;

	if (oid_parse(value, arcs, ARRAY_SIZE(arcs), &n) < 0 || n != 7 ||
	    !oid_under(arcs, n, enterprises, ARRAY_SIZE(enterprises)))
		return -1;
	assess_enterprise(c, arcs[6], S_PRIVATE_MIB, S_REG_PRIVATE_MIB,
	    "private-mib enterprise", out);
	return 0;
}

/*
 * What a host says of itself in clear text (probes/passive.h). SSH
 * banners, HTTP and SSDP Server headers and mDNS names have patterns of
 * their own (an SSDP header is an HTTP one); then, since banners,
 * certificates and descriptions mostly spell their maker's name or a
 * model, the entity-mfg and sysdescr patterns are tried. A UPnP
 * manufacturer and a certificate's organisation are also compared with
 * the IEEE names. A DHCP parameter request list names an operating system
 * at most: only its own patterns.
 */
static void
assess_fingerprint(const struct classifier *c, enum evidence_kind kind,
    const char *value, struct evidence *out)
{
	static const struct {
		enum evidence_kind kind;
		double strength;
		enum vendor_field fields[3];
		size_t nf;
	} rules[] = {
		{ EV_UPNP, S_UPNP, { VF_ENTITY_MFG, VF_SYSDESCR }, 2 },
		{ EV_TLS, S_TLS, { VF_ENTITY_MFG, VF_SYSDESCR }, 2 },
		{ EV_SSH, S_SSH, { VF_SSH, VF_ENTITY_MFG, VF_SYSDESCR }, 3 },
		{ EV_HTTP, S_HTTP, { VF_HTTP, VF_ENTITY_MFG, VF_SYSDESCR }, 3 },
		{ EV_SSDP, S_SSDP, { VF_HTTP, VF_ENTITY_MFG, VF_SYSDESCR }, 3 },
		{ EV_MDNS, S_MDNS, { VF_MDNS, VF_ENTITY_MFG, VF_SYSDESCR }, 3 },
		{ EV_DHCP_PRL, S_DHCP_PRL, { VF_DHCP_PRL }, 1 },
	};
	const char *org = NULL;

	if (kind == EV_UPNP)
		org = value;
	else if (kind == EV_TLS && strncmp(value, "subject O=", 10) == 0)
		org = value + 10;
	else if (kind == EV_TLS && strncmp(value, "issuer O=", 9) == 0)
		org = value + 9;
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++)
		if (rules[i].kind == kind) {
			assess_text(c, value, rules[i].strength,
			    rules[i].fields, rules[i].nf, org, out);
			return;
		}
}

int
classify_assess(const struct classifier *c, enum evidence_kind kind,
    const char *value, struct evidence *out)
{
	static const enum vendor_field f_entity[] = { VF_ENTITY_MFG };
	static const enum vendor_field f_sysdescr[] = { VF_SYSDESCR };
	static const enum vendor_field f_lldp[] = { VF_LLDP, VF_SYSDESCR,
		VF_ENTITY_MFG };
	static const enum vendor_field f_cdp[] = { VF_CDP, VF_SYSDESCR };
	static const enum vendor_field f_dhcp[] = { VF_DHCP };
	static const enum vendor_field f_component[] = { VF_COMPONENT,
		VF_ENTITY_MFG };
	uint8_t mac[MAC_LEN];

	if (c == NULL || out == NULL || value == NULL)
		return -1;
	tag_registries(c);
	memset(out, 0, sizeof(*out));
	out->kind = kind;
	out->value = value;
	switch (kind) {
	case EV_SYSOBJECTID:
		return assess_oid(c, value, out);
	case EV_ENTITY_MFG:
		assess_text(c, value, S_ENTITY_MFG, f_entity,
		    ARRAY_SIZE(f_entity), value, out);
		return 0;
	case EV_SYSDESCR:
		assess_text(c, value, S_SYSDESCR, f_sysdescr,
		    ARRAY_SIZE(f_sysdescr), NULL, out);
		return 0;
	case EV_LLDP:
		assess_text(c, value, S_LLDP, f_lldp, ARRAY_SIZE(f_lldp), value,
		    out);
		return 0;
	case EV_CDP:
		assess_text(c, value, S_CDP, f_cdp, ARRAY_SIZE(f_cdp), NULL,
		    out);
		return 0;
	case EV_ENGINEID:
		return assess_engineid(c, value, out);
	case EV_PRIVATE_MIB:
		return assess_private_mib(c, value, out);
	case EV_OUI:
		if (mac_parse(value, mac) < 0)
			return -1;
		assess_mac(c, mac, S_OUI, "", out);
		return 0;
	case EV_DHCP:
		assess_text(c, value, S_DHCP, f_dhcp, ARRAY_SIZE(f_dhcp), NULL,
		    out);
		return 0;
	case EV_COMPONENT:
		assess_text(c, value, S_COMPONENT, f_component,
		    ARRAY_SIZE(f_component), value, out);
		return 0;
	case EV_UPNP:
	case EV_TLS:
	case EV_SSH:
	case EV_HTTP:
	case EV_SSDP:
	case EV_MDNS:
	case EV_DHCP_PRL:
		assess_fingerprint(c, kind, value, out);
		return 0;
	case EV_KIND_COUNT:
		break;
	}
	return -1;
}

static bool
is_strong(const struct evidence *e)
{
	switch (e->kind) {
	case EV_SYSOBJECTID:
	case EV_ENTITY_MFG:
	case EV_SYSDESCR:
	case EV_LLDP:
	case EV_CDP:
		return e->strength >= S_STRONG_MIN;
	default:
		return false;
	}
}

struct tally {
	double miss; /* prod(1 - s) */
	double best; /* strongest single piece */
	bool strong;
	bool any;
	const struct enterprise_entry *reg; /* a registrant slot's entry */
};

/*
 * The tally slot of a vendor slug: a catalogue vendor's index, or a slot
 * after the nv catalogue vendors for a registrant the catalogue lacks
 * ("enterprise-N"), added on first sight. -1 when the slug names nothing
 * usable (unknown, generic, unassigned).
 */
static int
tally_slot(const struct classifier *c, const char *slug, struct tally *t,
    size_t nv, size_t *nx)
{
	const struct enterprise_entry *reg;
	unsigned long long pen;
	const char *digits;
	char *end;
	int i;

	if ((i = vendors_find(c->vendors, slug)) >= 0)
		return vendors_at(c->vendors, (size_t)i)->generic ? -1 : i;
	if (strncmp(slug, REGISTRANT_SLUG, strlen(REGISTRANT_SLUG)) != 0)
		return -1;
	digits = slug + strlen(REGISTRANT_SLUG);
	if (!isdigit((unsigned char)digits[0]))
		return -1;
	errno = 0;
	pen = strtoull(digits, &end, 10);
	if (errno != 0 || *end != '\0' || pen > UINT32_MAX ||
	    (reg = enterprises_lookup(c->pens, (uint32_t)pen)) == NULL ||
	    reg->unassigned)
		return -1;
	if (reg->tag >= 0)
		return vendors_at(c->vendors, (size_t)reg->tag)->generic
		    ? -1
		    : reg->tag;
	for (size_t k = nv; k < nv + *nx; k++)
		if (t[k].reg == reg)
			return (int)k;
	t[nv + *nx].reg = reg;
	return (int)(nv + (*nx)++);
}

int
classify_fuse(const struct classifier *c, const struct evidence *ev, size_t n,
    struct verdict *out)
{
	size_t nv, nx = 0, nt;
	struct tally *t;
	int win = -1, n_strong = 0;
	double other = 0, score;
	enum risk worst = RISK_UNKNOWN;

	if (c == NULL || out == NULL || (ev == NULL && n > 0))
		return -1;
	tag_registries(c);
	memset(out, 0, sizeof(*out));
	out->risk = RISK_UNKNOWN;
	str_copy(out->digest, c->digest, sizeof(out->digest));
	nv = vendors_count(c->vendors);
	/* At most one registrant slot per piece of evidence. */
	t = xcalloc(nv + n, sizeof(*t));
	for (size_t i = 0; i < nv + n; i++)
		t[i].miss = 1;
	for (size_t k = 0; k < n; k++) {
		const struct evidence *e = &ev[k];
		double s = e->strength;
		int i;

		/* Components are recorded, never the element's maker. */
		if (e->kind == EV_COMPONENT || e->vendor[0] == '\0' || !(s > 0))
			continue;
		if ((i = tally_slot(c, e->vendor, t, nv, &nx)) < 0)
			continue;
		if (s > 1)
			s = 1;
		t[i].any = true;
		t[i].miss *= 1 - s;
		if (s > t[i].best)
			t[i].best = s;
		/* A registrant the catalogue lacks is never strong. */
		if (is_strong(e) && (size_t)i < nv)
			t[i].strong = true;
	}
	nt = nv + nx;
	for (size_t i = 0; i < nv; i++)
		if (t[i].strong) {
			enum risk r = vendors_at(c->vendors, i)->risk;

			n_strong++;
			if (r > worst)
				worst = r;
		}
	for (size_t i = 0; i < nt; i++) {
		if (!t[i].any || (n_strong > 0 && !t[i].strong))
			continue;
		if (win < 0 || 1 - t[i].miss > 1 - t[win].miss ||
		    (1 - t[i].miss == 1 - t[win].miss &&
			t[i].best > t[win].best))
			win = (int)i;
	}
	if (win < 0) {
		free(t);
		return 0;
	}
	for (size_t i = 0; i < nt; i++)
		if (t[i].any && (int)i != win && 1 - t[i].miss > other)
			other = 1 - t[i].miss;
	score = (1 - t[win].miss) * (1 - 0.5 * other);
	if (score < 0)
		score = 0;
	if (score > 1)
		score = 1;
	if ((size_t)win >= nv) {
		/* Named by the registry alone: the risk stays unknown. */
		snprintf(out->vendor, sizeof(out->vendor),
		    REGISTRANT_SLUG "%" PRIu32, t[win].reg->pen);
		clip_name(out->vendor_name, sizeof(out->vendor_name),
		    t[win].reg->name);
		out->risk = RISK_UNKNOWN;
	} else {
		const struct vendor *v = vendors_at(c->vendors, (size_t)win);

		str_copy(out->vendor, v->slug, sizeof(out->vendor));
		str_copy(out->vendor_name, v->name, sizeof(out->vendor_name));
		out->risk = v->risk;
	}
	free(t);
	out->confidence = score;
	if (n_strong > 1) {
		out->conflict = true;
		if (worst > out->risk)
			out->risk = worst;
	}
	return 0;
}

static int
ops_assess(void *ctx, enum evidence_kind kind, const char *value,
    struct evidence *out)
{
	return classify_assess(ctx, kind, value, out);
}

static int
ops_fuse(void *ctx, const struct evidence *ev, size_t n, struct verdict *out)
{
	return classify_fuse(ctx, ev, n, out);
}

static const char *
ops_digest(void *ctx)
{
	return classifier_digest(ctx);
}

struct classifier_ops
classifier_ops(struct classifier *c)
{
	struct classifier_ops ops = { ops_assess, ops_fuse, ops_digest, c };

	return ops;
}
