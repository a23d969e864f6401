/*
 * Recording sightings: which element a sighting belongs to (identity keys,
 * merges), its addresses, keys, sources and evidence, the verdict fused
 * from that evidence, and reclassification.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/net.h"
#include "common/text.h"
#include "store/store.h"
#include "store/store_private.h"
#include "common/util.h"

#define MAX_CANDIDATES 16

/* A candidate element for a sighting and the key that found it. */
struct candidate {
	int64_t id;
	char first_seen[TIME_STRLEN];
	const char *reason;
};

/*
 * A MAC usable as identity, canonical. Not: junk, group addresses,
 * placeholders (all zero, the 00:00:00 block, sequential runs: unrelated
 * boxes carry them), nor the virtual router MACs that VRRP, HSRP and GLBP
 * move between boxes (they would merge the routers sharing them).
 */
static bool
identity_mac(const char *text, char out[MAC_STRLEN])
{
	uint8_t mac[MAC_LEN];

	if (text == NULL || mac_parse(text, mac) == -1 ||
	    mac_is_multicast(mac) || mac_is_placeholder(mac) ||
	    mac_is_virtual_router(mac))
		return false;
	mac_format(mac, out);
	return true;
}

/* Whether an LLDP chassis ID is an identity key: not when it is a MAC
 * (subtype 4) that is no identity, a placeholder one boxes share. */
static bool
chassis_key(const char *id)
{
	uint8_t mac[MAC_LEN];
	char buf[MAC_STRLEN];

	if (id == NULL || *id == '\0')
		return false;
	return strncmp(id, "4:", 2) != 0 || mac_parse(id + 2, mac) == -1 ||
	    identity_mac(id + 2, buf);
}

/* False for addresses many boxes share or report: unspecified, loopback,
 * link-local, multicast and broadcast. */
static bool
identity_ip(const char *canonical)
{
	unsigned char a[16];

	if (inet_pton(AF_INET, canonical, a) == 1)
		return !(a[0] == 0 || a[0] == 127 || a[0] >= 224 ||
		    (a[0] == 169 && a[1] == 254));
	if (inet_pton(AF_INET6, canonical, a) == 1) {
		static const unsigned char zero[15];

		if (memcmp(a, zero, 15) == 0 && (a[15] == 0 || a[15] == 1))
			return false;
		return !(
		    a[0] == 0xff || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80));
	}
	return false;
}

static bool
loopback_ip(const char *canonical)
{
	unsigned char a[4];

	return strcmp(canonical, "::1") == 0 ||
	    (inet_pton(AF_INET, canonical, a) == 1 && a[0] == 127);
}

/* Canonical text and kind ("ipv4"/"ipv6") of an address; verbatim when it
 * does not parse. */
static const char *
ip_kind(const char *text, char out[IP_STRLEN])
{
	int family;

	if (ip_canonical(text, out, IP_STRLEN, &family) == 0)
		return strchr(out, ':') != NULL ? "ipv6" : "ipv4";
	str_copy(out, text, IP_STRLEN);
	return strchr(text, ':') != NULL ? "ipv6" : "ipv4";
}

static void
add_candidate(struct candidate *c, size_t *n, int64_t id, const char *reason)
{
	for (size_t i = 0; i < *n; i++)
		if (c[i].id == id)
			return;
	if (*n == MAX_CANDIDATES)
		return;
	c[*n].id = id;
	c[*n].reason = reason;
	c[*n].first_seen[0] = '\0';
	(*n)++;
}

/* The candidate that survives a merge: the oldest, so the id auditors
 * already know stays. */
static int
oldest_candidate(struct store *st, struct candidate *c, size_t n,
    size_t *oldest)
{
	sqlite3_stmt *stmt = st->stmt[S_ELEMENT_FIRST];
	const unsigned char *first;
	int rc;

	*oldest = 0;
	for (size_t i = 0; n > 1 && i < n; i++) {
		sqlite3_bind_int64(stmt, 1, c[i].id);
		if ((rc = store_step(st, stmt)) != 1) {
			if (rc == 0)
				store_set_error(st, "element %lld vanished",
				    (long long)c[i].id);
			return -1;
		}
		first = sqlite3_column_text(stmt, 0);
		str_copy(c[i].first_seen,
		    first != NULL ? (const char *)first : "", TIME_STRLEN);
		store_reset(stmt);
		if (strcmp(c[i].first_seen, c[*oldest].first_seen) < 0 ||
		    (strcmp(c[i].first_seen, c[*oldest].first_seen) == 0 &&
			c[i].id < c[*oldest].id))
			*oldest = i;
	}
	return 0;
}

/* Elements holding a key (a MAC address or an identity key). */
static int
find_by(struct store *st, enum stmt_id id, const char *kind, const char *value,
    struct candidate *c, size_t *n, const char *reason)
{
	sqlite3_stmt *stmt = st->stmt[id];
	int rc, idx = 1;

	if (kind != NULL)
		store_bind_text(stmt, idx++, kind);
	store_bind_value(stmt, idx, value);
	while ((rc = store_step(st, stmt)) == 1)
		add_candidate(c, n, sqlite3_column_int64(stmt, 0), reason);
	return rc;
}

/* True when column i holds a value and it is not the wire text seen. */
static bool
differ(sqlite3_stmt *stmt, int i, const char *seen)
{
	char *stored;
	bool d;

	if (seen == NULL || (stored = store_column_wire(stmt, i)) == NULL)
		return false;
	d = strcmp(stored, seen) != 0;
	free(stored);
	return d;
}

/*
 * The element that last held the sighting's management address, unless
 * that element has a different chassis MAC or LLDP chassis ID than the
 * sighting: then the address moved to another box (DHCP, replacement,
 * renumbering) and matching on it would merge two boxes.
 */
static int
find_by_ip(struct store *st, const struct sighting *s, const char *mac,
    struct candidate *c, size_t *n)
{
	sqlite3_stmt *stmt = st->stmt[S_FIND_IP];
	char ip[IP_STRLEN];
	const char *kind = ip_kind(s->mgmt_ip, ip);
	int64_t id;
	bool moved;
	int rc;

	/* An SNMP agent we reached on loopback (on this host, in a lab) is
	 * there; a loopback address a neighbour advertises says nothing. */
	if (!identity_ip(ip) &&
	    !(loopback_ip(ip) && strcmp(s->source, "snmp") == 0))
		return 0;
	store_bind_text(stmt, 1, kind);
	store_bind_value(stmt, 2, ip);
	if ((rc = store_step(st, stmt)) != 1)
		return rc;
	id = sqlite3_column_int64(stmt, 0);
	moved = differ(stmt, 1, mac) || differ(stmt, 2, s->chassis_id);
	store_reset(stmt);
	if (moved) {
		log_debug("store",
		    "address %s moved from element %lld to "
		    "another chassis",
		    ip, (long long)id);
		return 0;
	}
	add_candidate(c, n, id, "mgmt-ip");
	return 0;
}

static char *
name_serial_key(const struct sighting *s)
{
	if (s->sys_name == NULL || s->serial == NULL || *s->sys_name == '\0' ||
	    *s->serial == '\0')
		return NULL;
	return xprintf("%s\x1f%s", s->sys_name, s->serial);
}

/*
 * What a group of sightings of one element says, each address, identity
 * key, source and input once, with the first and last time it was seen.
 */
struct span_addr {
	const char *kind;      /* "mac", "ipv4", "ipv6" */
	char value[IP_STRLEN]; /* canonical */
	bool queried;          /* looked up as identity already */
	bool has_digest[3];    /* content[] is set: LLDP, CDP, DHCP */
	uint32_t content[3];   /* capture's content digests of a MAC */
	int64_t first, last;
};

struct span_key {
	const char *kind;  /* "chassis-id", "name-serial" */
	const char *value; /* in a sighting or in group.ns_keys */
	int64_t first, last;
};

struct span_source {
	const char *source;
	int64_t first, last;
};

struct group {
	const struct sighting *const *s;
	size_t n;
	char (*macs)[MAC_STRLEN]; /* per sighting: identity chassis MAC or "" */
	char (*ips)[IP_STRLEN]; /* per sighting: canonical mgmt address or "" */
	char **ns_keys;         /* per sighting: name-serial key or NULL */
	struct span_addr *addrs;
	size_t n_addrs;
	struct span_key *keys;
	size_t n_keys;
	struct span_source *sources;
	size_t n_sources;
	struct span_input *inputs;
	size_t n_inputs;
	int64_t first, last;
};

static void
widen(int64_t *first, int64_t *last, int64_t t)
{
	if (t < *first)
		*first = t;
	if (t > *last)
		*last = t;
}

static void
group_addr(struct group *g, size_t *cap, const char *kind, const char *value,
    int64_t t)
{
	for (size_t i = 0; i < g->n_addrs; i++)
		if (strcmp(g->addrs[i].kind, kind) == 0 &&
		    strcmp(g->addrs[i].value, value) == 0) {
			widen(&g->addrs[i].first, &g->addrs[i].last, t);
			return;
		}
	if (g->n_addrs == *cap) {
		*cap = *cap == 0 ? 4 : 2 * *cap;
		g->addrs = xreallocarray(g->addrs, *cap, sizeof(*g->addrs));
	}
	g->addrs[g->n_addrs].kind = kind;
	str_copy(g->addrs[g->n_addrs].value, value, IP_STRLEN);
	g->addrs[g->n_addrs].queried = false;
	memset(g->addrs[g->n_addrs].has_digest, 0,
	    sizeof(g->addrs[g->n_addrs].has_digest));
	g->addrs[g->n_addrs].first = g->addrs[g->n_addrs].last = t;
	g->n_addrs++;
}

static void
group_key(struct group *g, size_t *cap, const char *kind, const char *value,
    int64_t t)
{
	for (size_t i = 0; i < g->n_keys; i++)
		if (strcmp(g->keys[i].kind, kind) == 0 &&
		    strcmp(g->keys[i].value, value) == 0) {
			widen(&g->keys[i].first, &g->keys[i].last, t);
			return;
		}
	if (g->n_keys == *cap) {
		*cap = *cap == 0 ? 2 : 2 * *cap;
		g->keys = xreallocarray(g->keys, *cap, sizeof(*g->keys));
	}
	g->keys[g->n_keys] = (struct span_key){ kind, value, t, t };
	g->n_keys++;
}

static void
group_source(struct group *g, size_t *cap, const char *source, int64_t t)
{
	for (size_t i = 0; i < g->n_sources; i++)
		if (strcmp(g->sources[i].source, source) == 0) {
			widen(&g->sources[i].first, &g->sources[i].last, t);
			return;
		}
	if (g->n_sources == *cap) {
		*cap = *cap == 0 ? 2 : 2 * *cap;
		g->sources =
		    xreallocarray(g->sources, *cap, sizeof(*g->sources));
	}
	g->sources[g->n_sources] = (struct span_source){ source, t, t };
	g->n_sources++;
}

static void
group_input(struct group *g, size_t *cap, enum evidence_kind kind,
    const char *value, int64_t t)
{
	for (size_t i = 0; i < g->n_inputs; i++)
		if (g->inputs[i].kind == kind &&
		    strcmp(g->inputs[i].value, value) == 0) {
			widen(&g->inputs[i].first, &g->inputs[i].last, t);
			return;
		}
	if (g->n_inputs == *cap) {
		*cap = *cap == 0 ? 4 : 2 * *cap;
		g->inputs = xreallocarray(g->inputs, *cap, sizeof(*g->inputs));
	}
	g->inputs[g->n_inputs] = (struct span_input){ kind, value, t, t };
	g->n_inputs++;
}

static void
group_free(struct group *g)
{
	for (size_t i = 0; g->ns_keys != NULL && i < g->n; i++)
		free(g->ns_keys[i]);
	free(g->ns_keys);
	free(g->macs);
	free(g->ips);
	free(g->addrs);
	free(g->keys);
	free(g->sources);
	free(g->inputs);
	memset(g, 0, sizeof(*g));
}

/* Keep a capture's content digest with the address of its MAC, one per
 * protocol (the sighting's source). */
static void
group_digest(struct group *g, const struct sighting *s)
{
	static const char *const protos[3] = { "lldp", "cdp", "dhcp" };
	char mac[MAC_STRLEN];
	int p = -1;

	for (int k = 0; k < 3; k++)
		if (s->source != NULL && strcmp(s->source, protos[k]) == 0)
			p = k;
	if (p < 0)
		return;
	mac_format(s->content_mac, mac);
	for (size_t i = 0; i < g->n_addrs; i++)
		if (strcmp(g->addrs[i].kind, "mac") == 0 &&
		    strcmp(g->addrs[i].value, mac) == 0) {
			g->addrs[i].has_digest[p] = true;
			g->addrs[i].content[p] = s->content_digest;
			return;
		}
}

/* Gather what sightings s[0..n) say, in their order. */
static void
group_build(struct group *g, const struct sighting *const *s, size_t n)
{
	size_t cap_addrs = 0, cap_keys = 0, cap_sources = 0, cap_inputs = 0;
	char buf[IP_STRLEN];

	memset(g, 0, sizeof(*g));
	g->s = s;
	g->n = n;
	g->macs = xcalloc(n, sizeof(*g->macs));
	g->ips = xcalloc(n, sizeof(*g->ips));
	g->ns_keys = xcalloc(n, sizeof(*g->ns_keys));
	g->first = g->last = s[0]->observed_at;
	for (size_t i = 0; i < n; i++) {
		const struct sighting *si = s[i];
		int64_t t = si->observed_at;

		widen(&g->first, &g->last, t);
		if (identity_mac(si->chassis_mac, g->macs[i]))
			group_addr(g, &cap_addrs, "mac", g->macs[i], t);
		if (si->mgmt_ip != NULL && *si->mgmt_ip != '\0') {
			const char *kind = ip_kind(si->mgmt_ip, g->ips[i]);

			group_addr(g, &cap_addrs, kind, g->ips[i], t);
		}
		for (size_t k = 0; k < si->n_addrs; k++) {
			const struct sighting_addr *a = &si->addrs[k];
			const char *kind = addr_kind_name(a->kind);

			if (a->kind == ADDR_MAC) {
				if (!identity_mac(a->value, buf))
					continue;
			} else
				kind = ip_kind(a->value, buf);
			group_addr(g, &cap_addrs, kind, buf, t);
		}
		if (si->has_content)
			group_digest(g, si);
		if (chassis_key(si->chassis_id))
			group_key(g, &cap_keys, "chassis-id", si->chassis_id,
			    t);
		if ((g->ns_keys[i] = name_serial_key(si)) != NULL)
			group_key(g, &cap_keys, "name-serial", g->ns_keys[i],
			    t);
		if (si->source != NULL)
			group_source(g, &cap_sources, si->source, t);
		for (size_t k = 0; k < si->n_inputs; k++)
			if (si->inputs[k].value != NULL)
				group_input(g, &cap_inputs, si->inputs[k].kind,
				    si->inputs[k].value, t);
	}
}

/* Look one identity MAC up, once per group. */
static int
find_mac(struct store *st, struct group *g, const char *mac,
    struct candidate *c, size_t *n, const char *reason)
{
	for (size_t i = 0; i < g->n_addrs; i++) {
		struct span_addr *a = &g->addrs[i];

		if (strcmp(a->kind, "mac") != 0 || strcmp(a->value, mac) != 0)
			continue;
		if (a->queried)
			return 0;
		a->queried = true;
		break;
	}
	return find_by(st, S_FIND_MAC, NULL, mac, c, n, reason);
}

/* Gather every element the group's keys point to. */
static int
resolve(struct store *st, struct group *g, struct candidate *c, size_t *n)
{
	char m[MAC_STRLEN];

	for (size_t i = 0; i < g->n; i++) {
		const struct sighting *s = g->s[i];

		if (g->macs[i][0] != '\0' &&
		    find_mac(st, g, g->macs[i], c, n, "chassis-mac") == -1)
			return -1;
		for (size_t k = 0; k < s->n_addrs; k++)
			if (s->addrs[k].kind == ADDR_MAC &&
			    identity_mac(s->addrs[k].value, m) &&
			    find_mac(st, g, m, c, n, "mac") == -1)
				return -1;
	}
	for (size_t i = 0; i < g->n_keys; i++)
		if (find_by(st, S_FIND_KEY, g->keys[i].kind, g->keys[i].value,
			c, n, g->keys[i].kind) == -1)
			return -1;
	for (size_t i = 0; i < g->n; i++)
		if (g->ips[i][0] != '\0' &&
		    find_by_ip(st, g->s[i],
			g->macs[i][0] != '\0' ? g->macs[i] : NULL, c, n) == -1)
			return -1;
	return 0;
}

/* Fold element loser into survivor: everything it owns moves, its row
 * stays as history with merged_into set. */
static int
merge(struct store *st, int64_t survivor, int64_t loser, int64_t scan_id,
    const char *reason, const char *when)
{
	static const enum stmt_id steps[] = {
		S_MERGE_ELEMENT,
		S_MERGE_ADDR,
		S_MERGE_ADDR_DEL,
		S_MERGE_KEY,
		S_MERGE_EV,
		S_MERGE_EV_DEL,
		S_MERGE_SOURCE,
		S_MERGE_SOURCE_DEL,
		S_MERGE_LINK_OUT,
		S_MERGE_LINK_OUT_DEL,
		S_MERGE_LINK_IN,
		S_MERGE_LINK_IN_DEL,
		S_MERGE_MARK,
	};
	sqlite3_stmt *rec = st->stmt[S_MERGE_RECORD];

	for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
		sqlite3_bind_int64(st->stmt[steps[i]], 1, survivor);
		sqlite3_bind_int64(st->stmt[steps[i]], 2, loser);
		if (store_run(st, steps[i]) == -1)
			return -1;
	}
	sqlite3_bind_int64(rec, 1, survivor);
	sqlite3_bind_int64(rec, 2, loser);
	store_bind_text(rec, 3, when);
	if (scan_id > 0)
		sqlite3_bind_int64(rec, 4, scan_id);
	store_bind_text(rec, 5, reason);
	if (store_run(st, S_MERGE_RECORD) == -1)
		return -1;
	if (store_audit_merge(st, survivor, loser, scan_id, reason, when) == -1)
		return -1;
	store_leaf_touch(st, loser);
	store_leaf_touch(st, survivor);
	log_info("store", "element %lld merged into %lld (%s)",
	    (long long)loser, (long long)survivor, reason);
	return 0;
}

/* Bind the sighting's element fields as ?1..?10, in the order of
 * store_element_fields. */
static void
bind_fields(sqlite3_stmt *stmt, const struct sighting *s, const char *ip,
    const char *mac)
{
	const char *v[STORE_N_FIELDS] = {
		ip,
		mac,
		s->chassis_id,
		s->sys_name,
		s->sys_descr,
		s->sys_object_id,
		s->model,
		s->serial,
		s->software,
		s->zone,
	};

	for (size_t i = 0; i < STORE_N_FIELDS; i++)
		store_bind_value(stmt, (int)i + 1, v[i]);
}

/* A scan id, or NULL for sightings recorded outside a scan (id <= 0). */
static void
bind_scan(sqlite3_stmt *stmt, int col, int64_t scan_id)
{
	if (scan_id > 0)
		sqlite3_bind_int64(stmt, col, scan_id);
	else
		sqlite3_bind_null(stmt, col);
}

/* True when the sighting says something about the element besides when
 * it was seen. */
static bool
describes(const struct sighting *s, const char *ip, const char *mac)
{
	return ip != NULL || mac != NULL || s->chassis_id != NULL ||
	    s->sys_name != NULL || s->sys_descr != NULL ||
	    s->sys_object_id != NULL || s->model != NULL || s->serial != NULL ||
	    s->software != NULL || s->zone != NULL;
}

/* Run an element UPDATE; the element must still be there. */
static int
run_update(struct store *st, enum stmt_id sid, int64_t id)
{
	if (store_run(st, sid) == -1)
		return -1;
	if (sqlite3_changes(st->db) == 0) {
		store_set_error(st, "element %lld vanished", (long long)id);
		return -1;
	}
	return 0;
}

/*
 * Update the element row from each sighting of the group, in their order;
 * sightings that describe nothing only widen its first and last seen, in
 * one statement. *stale says whether its verdict was made under other
 * rules than the ones in force.
 */
static int
write_element(struct store *st, int64_t *id, int64_t scan_id,
    const struct group *g, bool *stale)
{
	sqlite3_stmt *stmt;
	char when[TIME_STRLEN], last[TIME_STRLEN];
	int64_t t_first = INT64_MAX, t_last = INT64_MIN;

	for (size_t i = 0; i < g->n; i++) {
		const struct sighting *s = g->s[i];
		const char *ip = g->ips[i][0] ? g->ips[i] : NULL;
		const char *mac = g->macs[i][0] ? g->macs[i] : NULL;

		if (!describes(s, ip, mac)) {
			widen(&t_first, &t_last, s->observed_at);
			continue;
		}
		stmt = st->stmt[S_ELEMENT_UPDATE];
		time_format(s->observed_at, when);
		bind_fields(stmt, s, ip, mac);
		store_bind_text(stmt, 11, when);
		sqlite3_bind_int64(stmt, 12, *id);
		bind_scan(stmt, 13, scan_id);
		sqlite3_bind_int(stmt, 14, store_provenance(s));
		if (run_update(st, S_ELEMENT_UPDATE, *id) == -1)
			return -1;
	}
	if (t_first <= t_last) {
		stmt = st->stmt[S_ELEMENT_TOUCH];
		time_format(t_first, when);
		time_format(t_last, last);
		sqlite3_bind_int64(stmt, 1, *id);
		store_bind_text(stmt, 2, when);
		store_bind_text(stmt, 3, last);
		bind_scan(stmt, 4, scan_id);
		if (run_update(st, S_ELEMENT_TOUCH, *id) == -1)
			return -1;
	}
	return store_element_stale(st, *id, stale);
}

/* Insert or widen one row of element_address, element_key or
 * element_source. */
static int
upsert_span(struct store *st, enum stmt_id id, int64_t element, const char *a,
    const char *b, int64_t first, int64_t last, const struct span_addr *addr)
{
	sqlite3_stmt *stmt = st->stmt[id];
	char t1[TIME_STRLEN], t2[TIME_STRLEN];

	time_format(first, t1);
	time_format(last, t2);
	switch (id) {
	case S_ADDR_UPSERT:
		sqlite3_bind_int64(stmt, 1, element);
		store_bind_text(stmt, 2, a);
		store_bind_value(stmt, 3, b);
		store_bind_text(stmt, 4, t1);
		store_bind_text(stmt, 5, t2);
		for (int p = 0; addr != NULL && p < 3; p++)
			if (addr->has_digest[p])
				sqlite3_bind_int64(stmt, 6 + p,
				    addr->content[p]);
		break;
	case S_KEY_UPSERT:
		store_bind_text(stmt, 1, a);
		store_bind_value(stmt, 2, b);
		sqlite3_bind_int64(stmt, 3, element);
		store_bind_text(stmt, 4, t1);
		store_bind_text(stmt, 5, t2);
		break;
	default: /* S_SOURCE_UPSERT */
		sqlite3_bind_int64(stmt, 1, element);
		store_bind_text(stmt, 2, a);
		store_bind_text(stmt, 3, t1);
		store_bind_text(stmt, 4, t2);
		break;
	}
	return store_run(st, id);
}

static int
write_keys(struct store *st, int64_t id, const struct group *g)
{
	for (size_t i = 0; i < g->n_addrs; i++)
		if (upsert_span(st, S_ADDR_UPSERT, id, g->addrs[i].kind,
			g->addrs[i].value, g->addrs[i].first, g->addrs[i].last,
			&g->addrs[i]) == -1)
			return -1;
	for (size_t i = 0; i < g->n_keys; i++)
		if (upsert_span(st, S_KEY_UPSERT, id, g->keys[i].kind,
			g->keys[i].value, g->keys[i].first, g->keys[i].last,
			NULL) == -1)
			return -1;
	for (size_t i = 0; i < g->n_sources; i++)
		if (upsert_span(st, S_SOURCE_UPSERT, id, g->sources[i].source,
			NULL, g->sources[i].first, g->sources[i].last,
			NULL) == -1)
			return -1;
	return 0;
}

/* The element fields of a sighting, in the order of store_element_fields. */
static void
fields_of(const struct group *g, size_t i, const char *v[STORE_N_FIELDS])
{
	const struct sighting *s = g->s[i];

	v[0] = g->ips[i][0] != '\0' ? g->ips[i] : NULL;
	v[1] = g->macs[i][0] != '\0' ? g->macs[i] : NULL;
	v[2] = s->chassis_id;
	v[3] = s->sys_name;
	v[4] = s->sys_descr;
	v[5] = s->sys_object_id;
	v[6] = s->model;
	v[7] = s->serial;
	v[8] = s->software;
	v[9] = s->zone;
}

/* The leaf of an element create_element is about to write, from what it
 * writes (the evidence's times are a day in the leaf); its hash in hex. */
static void
leaf_created(struct store *st, int64_t id, const struct group *g,
    const char *const v[STORE_N_FIELDS], const struct verdict *verdict,
    const struct evidence *ev, const char *first, const char *last,
    int64_t scan_id, char hex[STORE_HASH_STRLEN])
{
	struct store_leaf_new e = { id, v, verdict->vendor,
		verdict->vendor_name, risk_name(verdict->risk),
		verdict->confidence, verdict->conflict, first, last, scan_id,
		xcalloc(g->n_sources + 1, sizeof(char *)), g->n_sources, NULL,
		g->n_addrs, NULL, g->n_inputs };
	struct store_leaf_addr *a = xcalloc(g->n_addrs + 1, sizeof(*a));
	struct store_leaf_ev *x = xcalloc(g->n_inputs + 1, sizeof(*x));

	for (size_t i = 0; i < g->n_sources; i++)
		e.sources[i] = g->sources[i].source;
	for (size_t i = 0; i < g->n_addrs; i++)
		a[i] = (struct store_leaf_addr){ g->addrs[i].kind,
			g->addrs[i].value };
	for (size_t i = 0; i < g->n_inputs; i++)
		x[i] = (struct store_leaf_ev){ evidence_kind_name(
						   g->inputs[i].kind),
			g->inputs[i].value, ev[i].vendor, ev[i].rule,
			g->inputs[i].last, ev[i].strength };
	e.addrs = a;
	e.ev = x;
	store_leaf_created(st, &e, hex);
	free(e.sources);
	free(a);
	free(x);
}

/*
 * A group that names no known element: the row it creates is worked out
 * here as the insert and updates of each sighting in turn would leave it
 * (a newer sighting overwrites descriptions, an older one only fills
 * gaps), its evidence assessed and fused, and written with its verdict in
 * one insert. Then its evidence, and the verdict's audit record.
 */
static int
create_element(struct store *st, int64_t *id, int64_t scan_id,
    const struct group *g)
{
	sqlite3_stmt *stmt = st->stmt[S_ELEMENT_CREATE];
	const struct classifier_ops *ops = st->ops;
	const char *v[STORE_N_FIELDS], *next[STORE_N_FIELDS];
	int prov[STORE_N_FIELDS];
	int64_t at[STORE_N_FIELDS];
	char first[TIME_STRLEN], last[TIME_STRLEN], when[TIME_STRLEN];
	char leaf[STORE_HASH_STRLEN];
	struct evidence *ev = xcalloc(g->n_inputs + 1, sizeof(*ev));
	struct verdict verdict;
	int64_t t_first = g->s[0]->observed_at, t_last = t_first;
	int rc = -1;

	for (size_t f = 0; f < STORE_N_FIELDS; f++) {
		v[f] = NULL;
		prov[f] = 0;
		at[f] = 0;
	}
	for (size_t i = 0; i < g->n; i++) {
		int64_t t = g->s[i]->observed_at;
		int p = store_provenance(g->s[i]);

		fields_of(g, i, next);
		for (size_t f = 0; f < STORE_N_FIELDS; f++)
			if (store_outranks(p, t, next[f], prov[f], at[f],
				v[f])) {
				v[f] = next[f];
				prov[f] = p;
				at[f] = t;
			}
		widen(&t_first, &t_last, t);
	}
	for (size_t i = 0; i < g->n_inputs; i++)
		store_assess(ops, g->inputs[i].kind, g->inputs[i].value,
		    &ev[i]);
	memset(&verdict, 0, sizeof(verdict));
	verdict.risk = RISK_UNKNOWN;
	if (ops != NULL) {
		if (ops->fuse(ops->ctx, ev, g->n_inputs, &verdict) == -1) {
			log_warnx("store",
			    "%s: classifier could not fuse the "
			    "evidence of a new element",
			    st->path);
			memset(&verdict, 0, sizeof(verdict));
			verdict.risk = RISK_UNKNOWN;
		}
		str_copy(verdict.digest, ops->digest(ops->ctx),
		    sizeof(verdict.digest));
	}
	time_format(t_first, first);
	time_format(t_last, last);
	for (size_t f = 0; f < STORE_N_FIELDS; f++) {
		store_bind_value(stmt, (int)f + 1, v[f]);
		if (v[f] == NULL)
			continue;
		time_format(at[f], when);
		sqlite3_bind_int(stmt, (int)f + 20, prov[f]);
		sqlite3_bind_text(stmt, (int)f + 30, when, -1,
		    SQLITE_TRANSIENT);
	}
	store_bind_text(stmt, 11, first);
	store_bind_text(stmt, 12, last);
	bind_scan(stmt, 13, scan_id);
	store_bind_text(stmt, 14, verdict.vendor);
	store_bind_text(stmt, 15, verdict.vendor_name);
	store_bind_text(stmt, 16, risk_name(verdict.risk));
	sqlite3_bind_double(stmt, 17, verdict.confidence);
	sqlite3_bind_int(stmt, 18, verdict.conflict ? 1 : 0);
	store_bind_text(stmt, 19, verdict.digest);
	/* The id is known before the insert, so the row is written with
	 * the hash of its leaf (an undone group takes the leaf back). */
	if ((*id = store_leaf_next_id(st)) < 0)
		goto out;
	leaf_created(st, *id, g, v, &verdict, ev, first, last, scan_id, leaf);
	sqlite3_bind_int64(stmt, 40, *id);
	store_bind_text(stmt, 41, leaf);
	if (store_run(st, S_ELEMENT_CREATE) == -1)
		goto out;
	if (write_keys(st, *id, g) == -1)
		goto out;
	for (size_t i = 0; i < g->n_inputs; i++)
		if (store_insert_evidence(st, *id, scan_id, &g->inputs[i],
			&ev[i]) == -1)
			goto out;
	rc = 0;
out:
	free(ev);
	return rc;
}

/* The group written: a new element, or the n candidates merged and
 * updated. */
static int
record(struct store *st, int64_t scan_id, struct group *g, struct candidate *c,
    size_t n, int64_t *element_id)
{
	char when[TIME_STRLEN];
	bool stale = false, evidence_changed = false;
	size_t oldest = 0;
	int64_t id = 0;

	time_format(g->last, when);
	if (oldest_candidate(st, c, n, &oldest) == -1)
		return -1;
	if (n > 0)
		id = c[oldest].id;
	for (size_t i = 0; i < n; i++) {
		if (i == oldest)
			continue;
		if (merge(st, id, c[i].id, scan_id, c[i].reason, when) == -1)
			return -1;
		store_tally_note(st, scan_id, c[i].id, STORE_TALLY_MERGED);
	}
	if (n == 0) {
		/* create_element renders its leaf. */
		if (create_element(st, &id, scan_id, g) == -1)
			return -1;
		store_tally_note(st, scan_id, id, STORE_TALLY_CREATED);
	} else {
		store_tally_note(st, scan_id, id, STORE_TALLY_SEEN);
		if (write_element(st, &id, scan_id, g, &stale) == -1 ||
		    write_keys(st, id, g) == -1)
			return -1;
		for (size_t i = 0; i < g->n_inputs; i++)
			if (store_write_evidence(st, id, scan_id, &g->inputs[i],
				&evidence_changed) == -1)
				return -1;
		if ((stale || evidence_changed || n > 1) &&
		    store_classify_element(st, id, stale) == -1)
			return -1;
		store_leaf_touch(st, id);
	}
	*element_id = id;
	return 0;
}

int
store_record_group(struct store *st, int64_t scan_id,
    const struct sighting *const *s, size_t n, int64_t *element_id)
{
	struct candidate c[MAX_CANDIDATES];
	struct group g;
	size_t mark, leaf_mark, nc = 0;
	int64_t id = 0;
	bool saved;
	int rc;

	if (n == 0)
		return 0;
	if (store_writable(st) == -1 || store_batch_begin(st) == -1)
		return -1;
	mark = store_tally_mark(st);
	leaf_mark = store_leaf_mark(st);
	group_build(&g, s, n);
	/*
	 * Undone on failure, so that the batch stays: by a savepoint, which
	 * costs a copy of every page the group then touches; or, for a
	 * group that names no element and claims no key (a MAC heard, an
	 * ARP entry: most new elements), by deleting the rows of the one
	 * element it created, which are all it writes.
	 */
	rc = resolve(st, &g, c, &nc);
	saved = rc == 0 && (nc > 0 || g.n_keys > 0);
	if (saved && store_run(st, S_SAVEPOINT) == -1) {
		group_free(&g);
		goto lost;
	}
	if (rc == 0 && saved)
		rc = record(st, scan_id, &g, c, nc, &id);
	else if (rc == 0 && (rc = create_element(st, &id, scan_id, &g)) == 0)
		store_tally_note(st, scan_id, id, STORE_TALLY_CREATED);
	group_free(&g);
	if (rc == -1) {
		char *msg;

		if (sqlite3_get_autocommit(st->db))
			goto lost;
		/* Undo these sightings only; the batch stays. */
		msg = xstrdup(store_error(st));
		store_audit_forget(st);
		store_tally_undo(st, mark);
		store_leaf_undo(st, leaf_mark);
		if (saved ? store_run(st, S_ROLLBACK_TO) == -1 ||
			    store_run(st, S_RELEASE) == -1
			  : id > 0 && store_unwrite_element(st, id) == -1) {
			free(msg);
			goto lost;
		}
		strbuf_reset(&st->err);
		strbuf_adds(&st->err, msg);
		free(msg);
		store_err_append(st,
		    n == 1 ? "; sighting not recorded"
			   : "; sightings not recorded");
		return -1;
	}
	if (saved && store_run(st, S_RELEASE) == -1)
		goto lost;
	if (element_id != NULL)
		*element_id = id;
	st->batch_count += n;
	if (st->batch_count >= st->batch_size)
		return store_flush(st);
	return 0;
lost:
	store_rollback(st);
	st->batch_count += n;
	store_batch_lost(st, "record");
	return -1;
}

int
store_record(struct store *st, int64_t scan_id, const struct sighting *s,
    int64_t *element_id)
{
	const struct sighting *one = s;

	return store_record_group(st, scan_id, &one, 1, element_id);
}
