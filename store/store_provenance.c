/*
 * Precedence: where a field's value comes from, ranked, and whether a new
 * observation outranks the stored one (vraudit-schema(7), PRECEDENCE). The
 * element statements of store.c apply the same rule in SQL.
 */
#include <stdlib.h>
#include <string.h>

#include "common/text.h"
#include "common/util.h"
#include "store/store_private.h"

/*
 * Where a sighting's fields come from, ranked: the precedence of
 * vraudit-schema(7). What an agent says of itself over SNMP comes first,
 * then LLDP and CDP heard on a mirror port, then values recorded before
 * provenance was kept, then another agent's LLDP and CDP tables, then
 * DHCP, ARP and bare MACs.
 */
int
store_provenance(const struct sighting *s)
{
	const char *src = s->source != NULL ? s->source : "";

	if (strcmp(src, "snmp") == 0)
		return s->hearsay ? PROV_LLDP_TABLE : PROV_SNMP;
	if (strcmp(src, "lldp") == 0)
		return s->hearsay ? PROV_LLDP_TABLE : PROV_LLDP;
	if (strcmp(src, "cdp") == 0)
		return s->hearsay ? PROV_CDP_TABLE : PROV_CDP;
	if (strcmp(src, "dhcp") == 0)
		return PROV_DHCP;
	if (strcmp(src, "arp") == 0)
		return PROV_ARP;
	return PROV_MAC;
}

/* Two wire texts in SQLite's order of the values they are stored as: TEXT
 * before BLOB, each by its bytes. */
static int
wire_cmp(const char *a, const char *b)
{
	bool ta = text_wire_is_utf8(a), tb = text_wire_is_utf8(b);
	size_t na, nb;
	uint8_t *da, *db;
	int c;

	if (ta != tb)
		return ta ? -1 : 1;
	if (ta)
		return strcmp(a, b);
	na = text_wire_decode(a, NULL);
	nb = text_wire_decode(b, NULL);
	da = xmalloc(na + 1);
	db = xmalloc(nb + 1);
	text_wire_decode(a, da);
	text_wire_decode(b, db);
	c = memcmp(da, db, na < nb ? na : nb);
	if (c == 0)
		c = na < nb ? -1 : na > nb;
	free(da);
	free(db);
	return c;
}

/* True when (prov, t, v) ranks above (best_prov, best_t, best): the rule
 * the element statements apply in SQL. */
bool
store_outranks(int prov, int64_t t, const char *v, int best_prov,
    int64_t best_t, const char *best)
{
	if (v == NULL)
		return false;
	if (best == NULL || prov != best_prov)
		return best == NULL || prov > best_prov;
	if (t != best_t)
		return t > best_t;
	return wire_cmp(v, best) > 0;
}
