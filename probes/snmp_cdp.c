/*
 * CDP cache rows to neighbours (snmp_mib.h).
 *
 * A box on several links to the agent (parallel links, LAG members) has a
 * row per link. The rows of one cache that name the same device ID, with
 * the same platform, are that one box: each still makes a neighbour, for
 * its link's ports, and each carries everything the box's rows said (every
 * address, the first row's as management address), so that the store
 * writes them to one element with a link per local port. Only within one
 * agent's cache: elsewhere a device ID is only a hostname, and factory
 * hostnames repeat, so rows named by one ("Switch", "Router") are never
 * joined.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "common/net.h"
#include "probes/snmp_mib.h"

/* Rows joined as one box at most: a sighting's addresses are a list, so
 * a hostile cache stays cheap; the rows beyond begin another. */
#define CDP_JOIN_MAX 64

/* One row of the cache and its neighbour in m->nb. */
struct cdp_row {
	const struct mib_row *r;
	size_t nb;
};

/* Compare two cells as byte strings, absent ones first. */
static int
cell_cmp(const struct mib_cell *a, const struct mib_cell *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c;

	if ((a->type == ASN_OCTET_STR) != (b->type == ASN_OCTET_STR))
		return a->type == ASN_OCTET_STR ? 1 : -1;
	if (a->type != ASN_OCTET_STR)
		return 0;
	if (n > 0 && (c = memcmp(a->val, b->val, n)) != 0)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

/* Whether a device ID names one box: not empty, not a factory hostname
 * (with or without a domain). */
static bool
cdp_names_one_box(const struct mib_cell *id)
{
	static const char *const factory[] = { "switch", "router", "ap" };
	size_t n = 0;

	if (id->type != ASN_OCTET_STR || id->len == 0)
		return false;
	while (n < id->len && id->val[n] != '.')
		n++;
	for (size_t i = 0; i < sizeof(factory) / sizeof(factory[0]); i++)
		if (strlen(factory[i]) == n &&
		    strncasecmp((const char *)id->val, factory[i], n) == 0)
			return false;
	return true;
}

/* Whether two rows name one box, as far as their order can tell. */
static int
cdp_box_cmp(const struct mib_row *a, const struct mib_row *b)
{
	int c =
	    cell_cmp(&a->cell[MIB_CDP_DEVICE_ID], &b->cell[MIB_CDP_DEVICE_ID]);

	return c != 0
	    ? c
	    : cell_cmp(&a->cell[MIB_CDP_PLATFORM], &b->cell[MIB_CDP_PLATFORM]);
}

/* Sort order of rows: by device ID, platform, then table order. */
static int
cdp_order(const void *pa, const void *pb)
{
	const struct cdp_row *a = pa, *b = pb;
	int c = cdp_box_cmp(a->r, b->r);

	return c != 0 ? c : (a->nb > b->nb) - (a->nb < b->nb);
}

/* The neighbour one row says. */
static void
cdp_row(struct sweep_neighbour *n, const struct mib_row *r)
{
	const struct mib_cell *a = &r->cell[MIB_CDP_ADDR];
	const struct mib_cell *type = &r->cell[MIB_CDP_ADDR_TYPE];
	char *t;

	n->local_port = xprintf("%lu", (unsigned long)r->idx[0]);
	n->remote_port = mib_cell_text(&r->cell[MIB_CDP_DEVICE_PORT]);
	if ((t = mib_cell_text(&r->cell[MIB_CDP_DEVICE_ID])) != NULL &&
	    *t != '\0')
		sighting_set(&n->sighting->sys_name, t);
	free(t);
	if ((t = mib_cell_text(&r->cell[MIB_CDP_VERSION])) != NULL &&
	    *t != '\0') {
		sighting_set(&n->sighting->sys_descr, t);
		sighting_add_input(n->sighting, EV_CDP, t);
	}
	free(t);
	if ((t = mib_cell_text(&r->cell[MIB_CDP_PLATFORM])) != NULL &&
	    *t != '\0') {
		sighting_set(&n->sighting->model, t);
		sighting_add_input(n->sighting, EV_CDP, t);
	}
	free(t);
	/* cdpCacheAddressType 1 is ip(1): four bytes. */
	if (a->type == ASN_OCTET_STR && a->len == 4 &&
	    (type->type != ASN_INTEGER || type->ival == 1)) {
		char ip[IP_STRLEN];

		if (inet_ntop(AF_INET, a->val, ip, sizeof(ip)) != NULL) {
			sighting_set(&n->sighting->mgmt_ip, ip);
			sighting_add_addr(n->sighting, ADDR_IPV4, ip);
		}
	}
}

/* Add to sighting to what from says of the same box. */
static void
cdp_gather(struct sighting *to, const struct sighting *from)
{
	char **fields[] = { &to->mgmt_ip, &to->sys_descr, &to->model };
	char *const values[] = { from->mgmt_ip, from->sys_descr, from->model };

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (*fields[i] == NULL && values[i] != NULL)
			sighting_set(fields[i], values[i]);
	for (size_t i = 0; i < from->n_addrs; i++)
		sighting_add_addr(to, from->addrs[i].kind,
		    from->addrs[i].value);
	for (size_t i = 0; i < from->n_inputs; i++)
		sighting_add_input(to, from->inputs[i].kind,
		    from->inputs[i].value);
}

/* A copy of s. */
static struct sighting *
cdp_copy(const struct sighting *s)
{
	size_t len = sighting_pack(s, NULL);
	uint8_t *p = xmalloc(len);
	struct sighting *c;

	sighting_pack(s, p);
	c = sighting_unpack(p, len);
	free(p);
	return c;
}

void
mib_cdp_assemble(struct mib *m)
{
	struct mib_rowset *rs = &m->tab[MIB_T_CDP];
	struct cdp_row *rows = xcalloc(rs->n ? rs->n : 1, sizeof(*rows));
	size_t n = 0;

	/* Index: ifIndex, device index. */
	for (size_t i = 0; i < rs->n; i++) {
		const struct mib_row *r = &rs->rows[i];

		if (r->idx_len != 2)
			continue;
		rows[n++] = (struct cdp_row){ r, m->n_nb };
		cdp_row(mib_neighbour_add(m, "cdp", "cdp"), r);
	}
	/* The rows of one box follow one another, its first row first: it
	 * gathers what the others say, and they take a copy of it. */
	qsort(rows, n, sizeof(*rows), cdp_order);
	for (size_t i = 0, end; i < n; i = end) {
		struct sighting *box = m->nb[rows[i].nb].sighting;

		for (end = i + 1; end < n && end - i < CDP_JOIN_MAX &&
		     cdp_box_cmp(rows[i].r, rows[end].r) == 0;
		     end++)
			;
		if (end == i + 1 ||
		    !cdp_names_one_box(&rows[i].r->cell[MIB_CDP_DEVICE_ID]))
			continue;
		for (size_t j = i + 1; j < end; j++)
			cdp_gather(box, m->nb[rows[j].nb].sighting);
		for (size_t j = i + 1; j < end; j++) {
			struct sweep_neighbour *nb = &m->nb[rows[j].nb];

			sighting_free(nb->sighting);
			nb->sighting = cdp_copy(box);
		}
	}
	free(rows);
}
