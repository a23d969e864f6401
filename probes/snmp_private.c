/*
 * Private MIB discovery (snmp_mib.h): which enterprise subtrees
 * (1.3.6.1.4.1.N) an agent implements. Many appliances (power systems,
 * UPSes, cameras, OLT shelves) run a generic agent whose sysObjectID and
 * sysDescr name only the stack, and are named by nothing but the private
 * MIB their maker added to it.
 *
 * A GETNEXT from enterprises answers with the first object of the lowest
 * subtree N; the next GETNEXT asks from 1.3.6.1.4.1.(N+1), past the rest
 * of that subtree however long it is, and so on: one request per subtree,
 * MIB_PRIVATE_MAX requests at most. Each subtree answered costs a row of
 * the budget, as a table row does: it is one object found, however few,
 * and the budget is what bounds what one agent may cost. The subtrees of
 * generic stacks are stepped past and never reported.
 */
#include "probes/snmp_mib.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/util.h"

static const oid enterprises[] = { 1, 3, 6, 1, 4, 1 };
#define ENT_LEN ARRAY_SIZE(enterprises)

/*
 * Subtrees that an agent implements on whatever box it runs, so they name
 * the software, not the maker: the net-snmp agent's own (8072) and its
 * UCD-SNMP predecessor's (2021) on every Linux box, the Windows SNMP
 * service's LAN Manager (77) and Microsoft (311) MIBs, FreeBSD bsnmpd's
 * begemot MIBs (12325), and 0, which IANA reserves.
 */
static const uint32_t generic_stacks[] = { 0, 77, 311, 2021, 8072, 12325 };

static bool
generic_stack(uint32_t pen)
{
	for (size_t i = 0; i < ARRAY_SIZE(generic_stacks); i++)
		if (generic_stacks[i] == pen)
			return true;
	return false;
}

/* The discovery is over: why (static); wrong when it did not end well. */
static void
private_stop(struct mib *m, const char *why, bool wrong)
{
	m->walk_end = true;
	m->walk_stop = why;
	m->priv_wrong = wrong;
}

void
mib_private_start(struct mib *m)
{
	memcpy(m->cur, enterprises, sizeof(enterprises));
	m->cur_len = ENT_LEN;
	m->walk_end = false;
	m->walk_stop = NULL;
	m->priv_requests = 1;
	m->priv_wrong = false;
	m->priv_errstat = 0;
	m->n_priv_found = 0;
	m->n_priv_past = 0;
}

void
mib_private(struct mib *m, long errstat, const netsnmp_variable_list *v)
{
	char subtree[32];
	uint32_t pen;

	if (errstat != SNMP_ERR_NOERROR) {
		/* SNMPv1 ends a GETNEXT walk with noSuchName. */
		if (errstat == SNMP_ERR_NOSUCHNAME && m->version == 1)
			private_stop(m, "end of enterprises", false);
		else {
			m->priv_errstat = errstat;
			private_stop(m, "error status", true);
		}
		return;
	}
	/* One varbind was asked for: the first answers it. */
	if (v == NULL) {
		private_stop(m, "empty response", true);
		return;
	}
	if (v->type == SNMP_ENDOFMIBVIEW) {
		private_stop(m, "endOfMibView", false);
		return;
	}
	if (v->name_length > MAX_OID_LEN) {
		private_stop(m, "OID too long", true);
		return;
	}
	if (snmp_oid_compare(v->name, v->name_length, m->cur, m->cur_len) <=
	    0) {
		private_stop(m, "non-increasing OID", true);
		return;
	}
	if (v->name_length <= ENT_LEN ||
	    snmp_oidtree_compare(enterprises, ENT_LEN, v->name,
		v->name_length) != 0) {
		private_stop(m, "end of enterprises", false);
		return;
	}
	/* GETNEXT never answers that an object does not exist. */
	if (v->type == SNMP_NOSUCHOBJECT || v->type == SNMP_NOSUCHINSTANCE) {
		private_stop(m, "bad value", true);
		return;
	}
	if (v->name[ENT_LEN] > UINT32_MAX) {
		private_stop(m, "bad enterprise number", true);
		return;
	}
	/* As in the walks, cut only on a subtree the budget cannot pay for. */
	if (m->rows >= m->max_rows) {
		m->budget_spent = true;
		m->notes |= SWEEP_NOTE_BUDGET;
		private_stop(m, "row budget", true);
		return;
	}
	pen = (uint32_t)v->name[ENT_LEN];
	m->rows++;
	/* Strictly increasing numbers: each is new, and fewer than
	 * MIB_PRIVATE_MAX answers come. */
	if (generic_stack(pen))
		m->priv_past[m->n_priv_past++] = pen;
	else {
		m->priv_found[m->n_priv_found++] = pen;
		snprintf(subtree, sizeof(subtree), "1.3.6.1.4.1.%u", pen);
		sighting_add_input(m->element, EV_PRIVATE_MIB, subtree);
	}
	if (pen == UINT32_MAX) {
		private_stop(m, "end of enterprises", false);
		return;
	}
	if (m->priv_requests >= MIB_PRIVATE_MAX) {
		private_stop(m, "request bound", true);
		return;
	}
	m->cur[ENT_LEN] = (oid)pen + 1;
	m->cur_len = ENT_LEN + 1;
	m->priv_requests++;
}

void
mib_private_cut(struct mib *m, const char *why)
{
	private_stop(m, why, true);
}

bool
mib_private_end(struct mib *m)
{
	struct strbuf b = STRBUF_INIT;

	strbuf_adds(&b, m->walk_stop != NULL ? m->walk_stop : "not asked");
	if (m->priv_errstat != 0)
		strbuf_printf(&b, " %s", snmp_errstring((int)m->priv_errstat));
	strbuf_printf(&b, ", %d requests, found", m->priv_requests);
	if (m->n_priv_found == 0)
		strbuf_adds(&b, " none");
	for (size_t i = 0; i < m->n_priv_found; i++)
		strbuf_printf(&b, " %u", m->priv_found[i]);
	if (m->n_priv_past > 0)
		strbuf_adds(&b, ", stepped past");
	for (size_t i = 0; i < m->n_priv_past; i++)
		strbuf_printf(&b, " %u", m->priv_past[i]);
	mib_note(m, "private MIBs: %s", strbuf_str(&b));
	strbuf_finish(&b);
	if (m->priv_wrong)
		m->notes |= SWEEP_NOTE_PRIVATE_MIB;
	return !m->budget_spent;
}
