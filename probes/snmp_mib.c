/*
 * MIB tables to sightings (snmp_mib.h): walk definitions, the system
 * scalars, rows by index and the assembly of the element and its
 * neighbours, without any net-snmp session.
 */
#include "probes/snmp_mib.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "common/net.h"

/* Where each table's columns are kept in a row. */
enum {
	E_DESCR,
	E_CONTAINED,
	E_CLASS,
	E_SOFTWARE,
	E_SERIAL,
	E_MFG,
	E_MODEL,
};
enum {
	L_CHASSIS_SUB,
	L_CHASSIS,
	L_PORT_SUB,
	L_PORT,
	L_PORT_DESC,
	L_SYS_NAME,
	L_SYS_DESC,
};

enum group {
	G_ENTITY,
	G_IF,
	G_LLDP,
	G_CDP,
	G_ARP,
	G_ARP6,
	G_FDB,
	G_QFDB,
};

#define ENT 1, 3, 6, 1, 2, 1, 47, 1, 1, 1, 1
#define LLDPREM 1, 0, 8802, 1, 1, 2, 1, 4, 1, 1
#define CDPC 1, 3, 6, 1, 4, 1, 9, 9, 23, 1, 2, 1, 1

const struct mib_walk_def mib_walks[] = {
	{ "entPhysicalClass", { ENT, 5 }, 12, MIB_T_ENTITY, G_ENTITY, E_CLASS,
	    true },
	{ "entPhysicalContainedIn", { ENT, 4 }, 12, MIB_T_ENTITY, G_ENTITY,
	    E_CONTAINED, true },
	{ "entPhysicalMfgName", { ENT, 12 }, 12, MIB_T_ENTITY, G_ENTITY, E_MFG,
	    false },
	{ "entPhysicalDescr", { ENT, 2 }, 12, MIB_T_ENTITY, G_ENTITY, E_DESCR,
	    false },
	{ "entPhysicalSoftwareRev", { ENT, 10 }, 12, MIB_T_ENTITY, G_ENTITY,
	    E_SOFTWARE, false },
	{ "entPhysicalSerialNum", { ENT, 11 }, 12, MIB_T_ENTITY, G_ENTITY,
	    E_SERIAL, false },
	{ "entPhysicalModelName", { ENT, 13 }, 12, MIB_T_ENTITY, G_ENTITY,
	    E_MODEL, false },
	{ "ifPhysAddress", { 1, 3, 6, 1, 2, 1, 2, 2, 1, 6 }, 10, MIB_T_IF, G_IF,
	    0, false },
	{ "lldpRemChassisIdSubtype", { LLDPREM, 4 }, 11, MIB_T_LLDP, G_LLDP,
	    L_CHASSIS_SUB, true },
	{ "lldpRemChassisId", { LLDPREM, 5 }, 11, MIB_T_LLDP, G_LLDP, L_CHASSIS,
	    false },
	{ "lldpRemPortIdSubtype", { LLDPREM, 6 }, 11, MIB_T_LLDP, G_LLDP,
	    L_PORT_SUB, true },
	{ "lldpRemPortId", { LLDPREM, 7 }, 11, MIB_T_LLDP, G_LLDP, L_PORT,
	    false },
	{ "lldpRemPortDesc", { LLDPREM, 8 }, 11, MIB_T_LLDP, G_LLDP,
	    L_PORT_DESC, false },
	{ "lldpRemSysName", { LLDPREM, 9 }, 11, MIB_T_LLDP, G_LLDP, L_SYS_NAME,
	    false },
	{ "lldpRemSysDesc", { LLDPREM, 10 }, 11, MIB_T_LLDP, G_LLDP, L_SYS_DESC,
	    false },
	{ "lldpRemManAddrIfSubtype", { 1, 0, 8802, 1, 1, 2, 1, 4, 2, 1, 3 }, 11,
	    MIB_T_LLDPMAN, G_LLDP, 0, true },
	{ "cdpCacheDeviceId", { CDPC, 6 }, 14, MIB_T_CDP, G_CDP,
	    MIB_CDP_DEVICE_ID, false },
	{ "cdpCacheAddressType", { CDPC, 3 }, 14, MIB_T_CDP, G_CDP,
	    MIB_CDP_ADDR_TYPE, true },
	{ "cdpCacheAddress", { CDPC, 4 }, 14, MIB_T_CDP, G_CDP, MIB_CDP_ADDR,
	    false },
	{ "cdpCacheVersion", { CDPC, 5 }, 14, MIB_T_CDP, G_CDP, MIB_CDP_VERSION,
	    false },
	{ "cdpCacheDevicePort", { CDPC, 7 }, 14, MIB_T_CDP, G_CDP,
	    MIB_CDP_DEVICE_PORT, false },
	{ "cdpCachePlatform", { CDPC, 8 }, 14, MIB_T_CDP, G_CDP,
	    MIB_CDP_PLATFORM, false },
	{ "ipNetToMediaPhysAddress", { 1, 3, 6, 1, 2, 1, 4, 22, 1, 2 }, 10,
	    MIB_T_ARP, G_ARP, 0, false },
	{ "ipNetToPhysicalPhysAddress", { 1, 3, 6, 1, 2, 1, 4, 35, 1, 4 }, 10,
	    MIB_T_ARP6, G_ARP6, 0, false },
	{ "dot1dTpFdbAddress", { 1, 3, 6, 1, 2, 1, 17, 4, 3, 1, 1 }, 11,
	    MIB_T_FDB, G_FDB, 0, false },
	{ "dot1qTpFdbPort", { 1, 3, 6, 1, 2, 1, 17, 7, 1, 2, 2, 1, 2 }, 13,
	    MIB_T_QFDB, G_QFDB, 0, true },
};

const size_t mib_n_walks = ARRAY_SIZE(mib_walks);

const struct mib_scalar_def mib_scalars[MIB_S_COUNT] = {
	{ "sysDescr", { 1, 3, 6, 1, 2, 1, 1, 1, 0 }, 9 },
	{ "sysObjectID", { 1, 3, 6, 1, 2, 1, 1, 2, 0 }, 9 },
	{ "sysName", { 1, 3, 6, 1, 2, 1, 1, 5, 0 }, 9 },
	{ "lldpLocChassisIdSubtype", { 1, 0, 8802, 1, 1, 2, 1, 3, 1, 0 }, 10 },
	{ "lldpLocChassisId", { 1, 0, 8802, 1, 1, 2, 1, 3, 2, 0 }, 10 },
};

/* ---- small helpers ---------------------------------------------------- */

void
mib_note(struct mib *m, const char *fmt, ...)
{
	va_list ap;

	if (m->detail.len > 0)
		strbuf_add(&m->detail, "; ", 2);
	va_start(ap, fmt);
	strbuf_vprintf(&m->detail, fmt, ap);
	va_end(ap);
}

static void
hex_add(struct strbuf *b, const u_char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		strbuf_printf(b, "%02x", p[i]);
}

static const char *
type_name(u_char type)
{
	switch (type) {
	case ASN_INTEGER:
		return "INTEGER";
	case ASN_OCTET_STR:
		return "OCTET STRING";
	case ASN_OBJECT_ID:
		return "OBJECT IDENTIFIER";
	case ASN_NULL:
		return "NULL";
	case ASN_IPADDRESS:
		return "IpAddress";
	case ASN_COUNTER:
		return "Counter32";
	case ASN_GAUGE:
		return "Gauge32";
	case ASN_TIMETICKS:
		return "TimeTicks";
	case ASN_COUNTER64:
		return "Counter64";
	case SNMP_NOSUCHOBJECT:
		return "noSuchObject";
	case SNMP_NOSUCHINSTANCE:
		return "noSuchInstance";
	case SNMP_ENDOFMIBVIEW:
		return "endOfMibView";
	}
	return "unknown type";
}

/* A MAC out of an octet string of exactly six bytes. */
static bool
mac_from(const netsnmp_variable_list *v, uint8_t mac[MAC_LEN])
{
	if (v->type != ASN_OCTET_STR || v->val_len != MAC_LEN)
		return false;
	memcpy(mac, v->val.string, MAC_LEN);
	return true;
}

/* A MAC that says something: placeholders (unset, made up) are dropped
 * with the group addresses; an ARP or bridge row with one is no host. */
static bool
mac_usable(const uint8_t mac[MAC_LEN])
{
	return !mac_is_multicast(mac) && !mac_is_placeholder(mac);
}

/* Whether interface MAC a stands for the chassis better than b: a box
 * carries a virtual router MAC in turn, a locally administered one is
 * often a virtual interface's; then the lowest, which stays when
 * interfaces are renumbered (ifIndex is not kept across reboots). */
static bool
chassis_better(const uint8_t a[MAC_LEN], const uint8_t b[MAC_LEN])
{
	if (mac_is_local(a) != mac_is_local(b))
		return !mac_is_local(a);
	return memcmp(a, b, MAC_LEN) < 0;
}

/* Add a MAC as an address and as OUI evidence of sighting s. */
static void
sighting_mac(struct sighting *s, const uint8_t mac[MAC_LEN])
{
	char text[MAC_STRLEN];

	mac_format(mac, text);
	sighting_add_addr(s, ADDR_MAC, text);
	sighting_add_input(s, EV_OUI, text);
}

/* An address as text from an (IANA address family, bytes) pair. */
static bool
inet_text(int iana_family, const oid *b, size_t len, char *out, size_t size,
    enum addr_kind *kind)
{
	uint8_t raw[16];
	int af;

	if (iana_family == 1 && len == 4)
		af = AF_INET, *kind = ADDR_IPV4;
	else if (iana_family == 2 && len == 16)
		af = AF_INET6, *kind = ADDR_IPV6;
	else
		return false;
	for (size_t i = 0; i < len; i++) {
		if (b[i] > 255)
			return false;
		raw[i] = (uint8_t)b[i];
	}
	return inet_ntop(af, raw, out, (socklen_t)size) != NULL;
}

/* ---- cells ---------------------------------------------------------- */

/* Keep an INTEGER or an OCTET STRING (the only types walk_value lets in). */
static void
cell_set(struct mib_cell *c, const netsnmp_variable_list *v)
{
	free(c->val);
	memset(c, 0, sizeof(*c));
	c->type = v->type;
	if (v->type == ASN_INTEGER)
		c->ival = *v->val.integer;
	else if (v->type == ASN_OCTET_STR) {
		c->len = v->val_len;
		c->val = xmalloc(c->len ? c->len : 1);
		memcpy(c->val, v->val.string, c->len);
	}
}

static bool
cell_is_int(const struct mib_cell *c)
{
	return c->type == ASN_INTEGER;
}

/* The cell's wire text, or NULL when it holds no string. */
char *
mib_cell_text(const struct mib_cell *c)
{
	if (c->type != ASN_OCTET_STR)
		return NULL;
	return text_from_wire(c->val, c->len);
}

/* ---- neighbours ------------------------------------------------------- */

struct sweep_neighbour *
mib_neighbour_add(struct mib *m, const char *source, const char *protocol)
{
	struct sweep_neighbour *n;

	if (m->n_nb == m->nb_cap) {
		m->nb_cap = m->nb_cap ? 2 * m->nb_cap : 16;
		m->nb = xreallocarray(m->nb, m->nb_cap, sizeof(*m->nb));
	}
	n = &m->nb[m->n_nb++];
	memset(n, 0, sizeof(*n));
	n->sighting = sighting_new(source, m->element->observed_at);
	n->sighting->hearsay = true; /* the agent's table, not the box */
	n->protocol = protocol;
	if (m->element->zone != NULL)
		sighting_set(&n->sighting->zone, m->element->zone);
	return n;
}

/* The value of a trimmed text cell, or NULL when it is absent or blank. */
static char *
cell_trimmed(const struct mib_cell *c)
{
	char *t = mib_cell_text(c);

	if (t != NULL && *str_trim(t) == '\0') {
		free(t);
		t = NULL;
	}
	return t;
}

/* The chassis row: class chassis (3) contained in nothing, else a lone
 * chassis-class row without containedIn; NULL when there is none. */
static struct mib_row *
entity_chassis(struct mib_rowset *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		struct mib_row *r = &rs->rows[i];

		if (cell_is_int(&r->cell[E_CLASS]) &&
		    r->cell[E_CLASS].ival == 3 &&
		    cell_is_int(&r->cell[E_CONTAINED]) &&
		    r->cell[E_CONTAINED].ival == 0)
			return r;
	}
	for (size_t i = 0; i < rs->n; i++) {
		struct mib_row *r = &rs->rows[i];

		if (cell_is_int(&r->cell[E_CLASS]) &&
		    r->cell[E_CLASS].ival == 3 &&
		    r->cell[E_CONTAINED].type == 0)
			return r;
	}
	return NULL;
}

/* The element's own data out of the ENTITY-MIB rows. */
static void
entity_assemble(struct mib *m)
{
	struct mib_rowset *rs = &m->tab[MIB_T_ENTITY];
	struct mib_row *chassis = entity_chassis(rs);

	for (size_t i = 0; i < rs->n; i++) {
		struct mib_row *r = &rs->rows[i];
		char *mfg = cell_trimmed(&r->cell[E_MFG]), *t;

		if (r == chassis) {
			if (mfg != NULL)
				sighting_add_input(m->element, EV_ENTITY_MFG,
				    mfg);
			if ((t = cell_trimmed(&r->cell[E_MODEL])) != NULL)
				sighting_set(&m->element->model, t);
			free(t);
			if ((t = cell_trimmed(&r->cell[E_SERIAL])) != NULL)
				sighting_set(&m->element->serial, t);
			free(t);
			if ((t = cell_trimmed(&r->cell[E_SOFTWARE])) != NULL)
				sighting_set(&m->element->software, t);
			free(t);
		} else if (mfg != NULL)
			sighting_add_input(m->element, EV_COMPONENT, mfg);
		free(mfg);
	}
}

/* "subtype:value" of an LLDP chassis ID; a MAC also names the neighbour's
 * chassis, a network address is one of its addresses. */
static void
lldp_chassis(struct sighting *s, const struct mib_row *r)
{
	const struct mib_cell *c = &r->cell[L_CHASSIS];
	long sub = cell_is_int(&r->cell[L_CHASSIS_SUB])
	    ? r->cell[L_CHASSIS_SUB].ival
	    : 0;
	struct strbuf id = STRBUF_INIT;
	char *t;

	if (c->type != ASN_OCTET_STR || c->len == 0)
		return;
	strbuf_printf(&id, "%ld:", sub);
	if (sub == 4 && c->len == MAC_LEN) {
		char mac[MAC_STRLEN];

		mac_format(c->val, mac);
		strbuf_adds(&id, mac);
		if (mac_usable(c->val)) {
			sighting_set(&s->chassis_mac, mac);
			sighting_mac(s, c->val);
		}
	} else if (sub == 5 && c->len == 5 && c->val[0] == 1) {
		/* networkAddress: IANA family 1, IPv4 */
		char ip[IP_STRLEN];

		if (inet_ntop(AF_INET, c->val + 1, ip, sizeof(ip)) != NULL) {
			strbuf_adds(&id, ip);
			sighting_add_addr(s, ADDR_IPV4, ip);
		}
	} else if (sub == 7 || sub == 1 || sub == 2 || sub == 6) {
		/* local, chassis and port components, interface name: text */
		t = mib_cell_text(c);
		strbuf_adds(&id, t);
		free(t);
	} else
		hex_add(&id, c->val, c->len);
	sighting_set(&s->chassis_id, strbuf_str(&id));
	strbuf_finish(&id);
}

static void
lldp_assemble(struct mib *m)
{
	struct mib_rowset *rs = &m->tab[MIB_T_LLDP];
	struct mib_rowset *man = &m->tab[MIB_T_LLDPMAN];

	/* Index: time mark, local port number, remote index. */
	for (size_t i = 0; i < rs->n; i++) {
		struct mib_row *r = &rs->rows[i];
		struct sweep_neighbour *n;
		struct mib_cell *c;
		char *t;

		if (r->idx_len != 3)
			continue;
		n = mib_neighbour_add(m, "lldp", "lldp");
		r->nb = m->n_nb;
		n->local_port = xprintf("%lu", (unsigned long)r->idx[1]);
		lldp_chassis(n->sighting, r);
		c = &r->cell[L_PORT];
		if (c->type == ASN_OCTET_STR) {
			long sub = cell_is_int(&r->cell[L_PORT_SUB])
			    ? r->cell[L_PORT_SUB].ival
			    : 0;

			if (sub == 3 && c->len == MAC_LEN) {
				/* macAddress: the port's MAC is the
				 * neighbour's */
				char mac[MAC_STRLEN];

				mac_format(c->val, mac);
				n->remote_port = xstrdup(mac);
				if (mac_usable(c->val))
					sighting_mac(n->sighting, c->val);
			} else
				n->remote_port = mib_cell_text(c);
		}
		if (n->remote_port == NULL)
			n->remote_port = mib_cell_text(&r->cell[L_PORT_DESC]);
		if ((t = mib_cell_text(&r->cell[L_SYS_NAME])) != NULL &&
		    *t != '\0')
			sighting_set(&n->sighting->sys_name, t);
		free(t);
		if ((t = mib_cell_text(&r->cell[L_SYS_DESC])) != NULL &&
		    *t != '\0') {
			sighting_set(&n->sighting->sys_descr, t);
			sighting_add_input(n->sighting, EV_LLDP, t);
		}
		free(t);
	}

	/* Management addresses: index is the remote row's, subtype, length,
	 * bytes. */
	for (size_t k = 0; k < man->n; k++) {
		struct mib_row *a = &man->rows[k], *r;
		struct sighting *ns;
		char ip[IP_STRLEN];
		enum addr_kind kind;

		if (a->idx_len < 5 || a->idx[4] != a->idx_len - 5)
			continue;
		if ((r = mib_rows_find(rs, a->idx, 3)) == NULL || r->nb == 0)
			continue;
		if (!inet_text((int)a->idx[3], a->idx + 5, a->idx_len - 5, ip,
			sizeof(ip), &kind))
			continue;
		ns = m->nb[r->nb - 1].sighting;
		sighting_add_addr(ns, kind, ip);
		if (ns->mgmt_ip == NULL)
			sighting_set(&ns->mgmt_ip, ip);
	}
}

void
mib_assemble(struct mib *m, const char *engine_id)
{
	char mac[MAC_STRLEN];

	entity_assemble(m);
	lldp_assemble(m);
	mib_cdp_assemble(m);
	if (engine_id != NULL)
		sighting_add_input(m->element, EV_ENGINEID, engine_id);
	/* Chassis MAC: LLDP's own chassis ID, else the best interface MAC
	 * (chassis_better). */
	if (m->have_lldp_mac && m->lldp_subtype == 4 &&
	    mac_usable(m->lldp_mac) && !mac_is_virtual_router(m->lldp_mac)) {
		sighting_mac(m->element, m->lldp_mac);
		mac_format(m->lldp_mac, mac);
		sighting_set(&m->element->chassis_mac, mac);
	} else if (m->have_low_mac) {
		mac_format(m->low_mac, mac);
		sighting_set(&m->element->chassis_mac, mac);
	}
	if (m->macs_dropped > 0)
		mib_note(m, "ifPhysAddress: %zu MACs beyond %d not kept",
		    m->macs_dropped, MIB_MACS_MAX);
}

/* ---- the system GET --------------------------------------------------- */

/* Keep one system scalar; false when it is absent or of the wrong type. */
static bool
scalar_value(struct mib *m, enum mib_scalar s, const netsnmp_variable_list *v)
{
	struct strbuf b = STRBUF_INIT;
	char *t;

	if (v->type == SNMP_NOSUCHOBJECT || v->type == SNMP_NOSUCHINSTANCE ||
	    v->type == SNMP_ENDOFMIBVIEW || v->type == ASN_NULL)
		return false;
	switch (s) {
	case MIB_S_DESCR:
	case MIB_S_NAME:
		if (v->type != ASN_OCTET_STR)
			break;
		t = text_from_wire(v->val.string, v->val_len);
		if (s == MIB_S_DESCR) {
			sighting_set(&m->element->sys_descr, t);
			if (*t != '\0')
				sighting_add_input(m->element, EV_SYSDESCR, t);
		} else if (*t != '\0')
			sighting_set(&m->element->sys_name, t);
		free(t);
		return true;
	case MIB_S_OBJECTID:
		if (v->type != ASN_OBJECT_ID)
			break;
		for (size_t i = 0; i < v->val_len / sizeof(oid); i++)
			strbuf_printf(&b, "%s%lu", i ? "." : "",
			    (unsigned long)v->val.objid[i]);
		sighting_set(&m->element->sys_object_id, strbuf_str(&b));
		sighting_add_input(m->element, EV_SYSOBJECTID, strbuf_str(&b));
		strbuf_finish(&b);
		return true;
	case MIB_S_LLDP_SUBTYPE:
		if (v->type != ASN_INTEGER)
			break;
		m->lldp_subtype = *v->val.integer;
		return true;
	case MIB_S_LLDP_CHASSIS:
		if (v->type != ASN_OCTET_STR)
			break;
		if (mac_from(v, m->lldp_mac))
			m->have_lldp_mac = true;
		return true;
	case MIB_S_COUNT:
		break;
	}
	m->notes |= SWEEP_NOTE_WRONG_TYPE;
	mib_note(m, "%s: wrong type %s", mib_scalars[s].name,
	    type_name(v->type));
	return false;
}

void
mib_system(struct mib *m, long errstat, long errindex,
    const netsnmp_variable_list *vars)
{
	const netsnmp_variable_list *v;
	int got = 0, present = 0;

	if (errstat == SNMP_ERR_NOSUCHNAME && errindex > 0) {
		/* SNMPv1 fails the whole GET for one missing scalar: ask
		 * without it. */
		long k = 0;

		for (int s = 0; s < MIB_S_COUNT; s++)
			if ((m->ask & (1u << s)) && ++k == errindex) {
				m->ask &= ~(1u << s);
				m->ask_again = m->ask != 0;
				if (!m->ask_again) {
					m->notes |= SWEEP_NOTE_NO_SYSTEM;
					mib_note(m, "system: no system group");
				}
				return;
			}
	}
	if (errstat != SNMP_ERR_NOERROR) {
		m->notes |= SWEEP_NOTE_ERROR_STATUS;
		mib_note(m, "system: error status %s",
		    snmp_errstring((int)errstat));
		return;
	}
	for (v = vars; v != NULL; v = v->next_variable) {
		for (int s = 0; s < MIB_S_COUNT; s++) {
			if (snmp_oid_compare(v->name, v->name_length,
				mib_scalars[s].oid, mib_scalars[s].len) != 0)
				continue;
			if (s <= MIB_S_NAME && v->type != SNMP_NOSUCHOBJECT &&
			    v->type != SNMP_NOSUCHINSTANCE)
				present++;
			if (scalar_value(m, (enum mib_scalar)s, v) &&
			    s <= MIB_S_NAME)
				got++;
			break;
		}
	}
	if (present == 0) {
		m->notes |= SWEEP_NOTE_NO_SYSTEM;
		mib_note(m, "system: no system group");
	} else if (got == 0)
		mib_note(m, "system: no usable values");
	else
		mib_note(m, "system: %d of 3 values", got);
}

/* ---- walks ------------------------------------------------------------ */

/* An interface's MAC: kept on the element, the best (chassis_better)
 * stands for the chassis when LLDP names none. */
static void
if_value(struct mib *m, const netsnmp_variable_list *v)
{
	uint8_t mac[MAC_LEN];

	if (!mac_from(v, mac)) {
		/* Interfaces without a MAC (loopback, tunnels) answer "". */
		if (!(v->type == ASN_OCTET_STR && v->val_len == 0))
			m->walk_bad++;
		return;
	}
	if (!mac_usable(mac))
		return;
	/* Adding to a sighting is linear in its size: keep it bounded. */
	if (m->n_macs < MIB_MACS_MAX) {
		m->n_macs++;
		sighting_mac(m->element, mac);
	} else
		m->macs_dropped++;
	if (mac_is_virtual_router(mac))
		return;
	if (!m->have_low_mac || chassis_better(mac, m->low_mac)) {
		memcpy(m->low_mac, mac, MAC_LEN);
		m->have_low_mac = true;
	}
}

/* An ARP row: ifIndex.a.b.c.d (ipNetToMedia) or ifIndex.type.length.bytes
 * (ipNetToPhysical, a length-prefixed InetAddress). */
static void
arp_value(struct mib *m, bool v6table, const netsnmp_variable_list *v,
    const oid *idx, size_t idx_len)
{
	struct sweep_neighbour *n;
	uint8_t mac[MAC_LEN];
	char text[IP_STRLEN];
	enum addr_kind kind;
	bool ok;

	if (!mac_from(v, mac)) {
		m->walk_bad++;
		return;
	}
	if (!v6table)
		ok = idx_len == 5 &&
		    inet_text(1, idx + 1, 4, text, sizeof(text), &kind);
	else
		ok = idx_len >= 3 && idx[2] == idx_len - 3 &&
		    inet_text((int)idx[1], idx + 3, idx_len - 3, text,
			sizeof(text), &kind);
	if (!ok) {
		m->walk_bad++;
		return;
	}
	if (!mac_usable(mac))
		return;
	n = mib_neighbour_add(m, "arp", "arp");
	sighting_mac(n->sighting, mac);
	sighting_add_addr(n->sighting, kind, text);
	n->local_port = xprintf("%lu", (unsigned long)idx[0]);
}

/* A Q-BRIDGE row, dot1qFdbId.mac: the MAC is the last six arcs of the
 * index, the value its bridge port. */
static void
qfdb_value(struct mib *m, const netsnmp_variable_list *v, const oid *idx,
    size_t idx_len)
{
	struct sweep_neighbour *n;
	uint8_t mac[MAC_LEN];

	if (idx_len != 7) {
		m->walk_bad++;
		return;
	}
	for (size_t i = 0; i < MAC_LEN; i++) {
		if (idx[1 + i] > 255) {
			m->walk_bad++;
			return;
		}
		mac[i] = (uint8_t)idx[1 + i];
	}
	if (!mac_usable(mac))
		return;
	n = mib_neighbour_add(m, "mac", "fdb");
	sighting_mac(n->sighting, mac);
	if (v->type == ASN_INTEGER)
		n->local_port = xprintf("%ld", *v->val.integer);
}

/* One row of the walk in progress. idx is the instance after the column. */
static void
walk_value(struct mib *m, const struct mib_walk_def *w,
    const netsnmp_variable_list *v, const oid *idx, size_t idx_len)
{
	uint8_t mac[MAC_LEN];

	switch (w->table) {
	case MIB_T_ENTITY:
	case MIB_T_LLDP:
	case MIB_T_CDP:
	case MIB_T_LLDPMAN:
		if (idx_len > MIB_IDX_MAX ||
		    (w->integer && v->type != ASN_INTEGER) ||
		    (!w->integer && v->type != ASN_OCTET_STR)) {
			m->walk_bad++;
			return;
		}
		cell_set(&mib_rows_get(&m->tab[w->table], idx, idx_len)
			      ->cell[w->slot],
		    v);
		return;
	case MIB_T_IF:
		if_value(m, v);
		return;
	case MIB_T_ARP:
	case MIB_T_ARP6:
		arp_value(m, w->table == MIB_T_ARP6, v, idx, idx_len);
		return;
	case MIB_T_FDB:
		if (!mac_from(v, mac)) {
			m->walk_bad++;
			return;
		}
		if (mac_usable(mac))
			sighting_mac(mib_neighbour_add(m, "mac", "fdb")
					 ->sighting,
			    mac);
		return;
	case MIB_T_QFDB:
		qfdb_value(m, v, idx, idx_len);
		return;
	case MIB_T_COUNT:
		break;
	}
}

static void
walk_stop(struct mib *m, const char *why)
{
	m->walk_end = true;
	m->walk_stop = why;
}

void
mib_walk_start(struct mib *m, size_t walk)
{
	const struct mib_walk_def *w = &mib_walks[walk];

	m->walk = walk;
	memcpy(m->cur, w->base, w->base_len * sizeof(oid));
	m->cur_len = w->base_len;
	m->walk_end = false;
	m->walk_rows = 0;
	m->walk_bad = 0;
	m->walk_stop = NULL;
	m->walk_first = walk == 0 || mib_walks[walk - 1].table != w->table;
	if (m->walk_first) {
		m->first_rows = 0;
		m->walk_max = m->max_rows - m->rows;
	} else
		/* Its rows are paid for; an agent that answers more values
		 * than the table has rows gets no more. */
		m->walk_max = m->first_rows;
}

int64_t
mib_walk_left(const struct mib *m)
{
	return m->walk_max > m->walk_rows ? m->walk_max - m->walk_rows : 0;
}

const char *
mib_walk_name(const struct mib *m)
{
	return mib_walks[m->walk].name;
}

void
mib_walk(struct mib *m, long errstat, const netsnmp_variable_list *vars)
{
	const struct mib_walk_def *w = &mib_walks[m->walk];
	const netsnmp_variable_list *v;

	if (errstat == SNMP_ERR_TOOBIG && m->bulk > 1) {
		/* Ask again from the same place for fewer rows. */
		m->bulk /= 2;
		return;
	}
	if (errstat != SNMP_ERR_NOERROR) {
		/* SNMPv1 ends a walk with noSuchName. */
		if (errstat == SNMP_ERR_NOSUCHNAME && m->version == 1)
			walk_stop(m, "end of table");
		else {
			walk_stop(m, NULL);
			m->notes |= SWEEP_NOTE_ERROR_STATUS;
			mib_note(m, "%s: error status %s, %" PRId64 " rows",
			    w->name, snmp_errstring((int)errstat),
			    m->walk_rows);
		}
		return;
	}
	if (vars == NULL) {
		walk_stop(m, "empty response");
		return;
	}
	for (v = vars; v != NULL; v = v->next_variable) {
		if (v->type == SNMP_ENDOFMIBVIEW) {
			walk_stop(m, "endOfMibView");
			return;
		}
		if (v->name_length <= w->base_len ||
		    snmp_oidtree_compare(w->base, w->base_len, v->name,
			v->name_length) != 0) {
			walk_stop(m, "end of table");
			return;
		}
		if (v->name_length > MAX_OID_LEN) {
			m->notes |= SWEEP_NOTE_BROKEN_WALK;
			walk_stop(m, "OID too long");
			return;
		}
		if (snmp_oid_compare(v->name, v->name_length, m->cur,
			m->cur_len) <= 0) {
			m->notes |= SWEEP_NOTE_BROKEN_WALK;
			walk_stop(m, "non-increasing OID");
			return;
		}
		memcpy(m->cur, v->name, v->name_length * sizeof(oid));
		m->cur_len = v->name_length;
		if (v->type == SNMP_NOSUCHOBJECT ||
		    v->type == SNMP_NOSUCHINSTANCE) {
			m->walk_bad++;
			continue;
		}
		/* Cut only on a value past the bound: a table that just fits
		 * is read whole. */
		if (m->walk_rows >= m->walk_max && m->walk_first) {
			m->budget_spent = true;
			m->notes |= SWEEP_NOTE_BUDGET;
			walk_stop(m, "row budget");
			return;
		}
		if (m->walk_rows >= m->walk_max) {
			walk_stop(m, "past the first column's rows");
			return;
		}
		walk_value(m, w, v, v->name + w->base_len,
		    v->name_length - w->base_len);
		m->walk_rows++;
		if (m->walk_first) {
			m->first_rows++;
			m->rows++;
		}
	}
}

bool
mib_walk_next(struct mib *m)
{
	size_t prev = m->walk, next = m->walk + 1;

	if (m->walk_bad > 0)
		m->notes |= SWEEP_NOTE_BAD_VALUES;
	if (m->walk_stop != NULL && m->walk_bad > 0)
		mib_note(m,
		    "%s: %s, %" PRId64 " rows, %" PRId64 " bad values skipped",
		    mib_walks[prev].name, m->walk_stop, m->walk_rows,
		    m->walk_bad);
	else if (m->walk_stop != NULL)
		mib_note(m, "%s: %s, %" PRId64 " rows", mib_walks[prev].name,
		    m->walk_stop, m->walk_rows);
	if (m->budget_spent)
		return false;
	/* A group whose first column is empty has no rows. */
	if (m->walk_rows == 0 &&
	    (prev == 0 || mib_walks[prev - 1].group != mib_walks[prev].group))
		while (next < mib_n_walks &&
		    mib_walks[next].group == mib_walks[prev].group)
			next++;
	if (next >= mib_n_walks)
		return false;
	mib_walk_start(m, next);
	return true;
}

/* ---- life cycle ------------------------------------------------------- */

void
mib_init(struct mib *m, struct sighting *element, int version, int64_t max_rows,
    long bulk)
{
	memset(m, 0, sizeof(*m));
	m->element = element;
	m->version = version;
	m->max_rows = max_rows;
	m->bulk = bulk;
	m->ask = (1u << MIB_S_COUNT) - 1;
}

void
mib_finish(struct mib *m)
{
	sighting_free(m->element);
	for (size_t i = 0; i < m->n_nb; i++) {
		sighting_free(m->nb[i].sighting);
		free(m->nb[i].local_port);
		free(m->nb[i].remote_port);
	}
	free(m->nb);
	for (size_t t = 0; t < MIB_T_COUNT; t++)
		mib_rows_finish(&m->tab[t]);
	strbuf_finish(&m->detail);
	memset(m, 0, sizeof(*m));
}
