/*
 * MIB tables to sightings without any agent: varbinds built here, as an
 * agent would answer the system GET and each walk, fed to snmp_mib.c, and
 * the element, its neighbours and the detail checked.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/text.h"
#include "common/util.h"
#include "probes/snmp_mib.h"

#define WHEN 1796119200 /* 2026-12-01T10:00:00Z */

/* ---- varbinds ---------------------------------------------------------- */

/* Append the dotted arcs s (NULL: none) to o, counted in *len. */
static void
arcs_parse(const char *s, oid *o, size_t *len)
{
	while (s != NULL && *s != '\0') {
		char *end;
		unsigned long v = strtoul(s, &end, 10);

		ck_assert_msg(end != s && *len < MAX_OID_LEN, "bad arcs %s", s);
		o[(*len)++] = (oid)v;
		s = *end == '.' ? end + 1 : end;
	}
}

static size_t
walk_find(const char *name)
{
	for (size_t i = 0; i < mib_n_walks; i++)
		if (strcmp(mib_walks[i].name, name) == 0)
			return i;
	ck_abort_msg("no walk %s", name);
	return 0;
}

/* The OID of col (a walk's column, a system scalar or dotted arcs) with
 * the index arcs idx (or NULL) after it. */
static size_t
col_oid(const char *col, const char *idx, oid *o)
{
	size_t len = 0;

	for (size_t i = 0; i < mib_n_walks && len == 0; i++)
		if (strcmp(mib_walks[i].name, col) == 0) {
			memcpy(o, mib_walks[i].base,
			    mib_walks[i].base_len * sizeof(oid));
			len = mib_walks[i].base_len;
		}
	for (size_t i = 0; i < MIB_S_COUNT && len == 0; i++)
		if (strcmp(mib_scalars[i].name, col) == 0) {
			memcpy(o, mib_scalars[i].oid,
			    mib_scalars[i].len * sizeof(oid));
			len = mib_scalars[i].len;
		}
	if (len == 0)
		arcs_parse(col, o, &len);
	arcs_parse(idx, o, &len);
	return len;
}

static void
add(netsnmp_variable_list **l, const char *col, const char *idx, u_char type,
    const void *val, size_t len)
{
	oid o[MAX_OID_LEN];
	size_t n = col_oid(col, idx, o);

	ck_assert_ptr_nonnull(
	    snmp_varlist_add_variable(l, o, n, type, val, len));
}

static void
add_str(netsnmp_variable_list **l, const char *col, const char *idx,
    const char *s)
{
	add(l, col, idx, ASN_OCTET_STR, s, strlen(s));
}

static void
add_hex(netsnmp_variable_list **l, const char *col, const char *idx,
    const char *hex)
{
	uint8_t b[256];
	size_t n = strlen(hex) / 2;

	ck_assert_uint_le(n, sizeof(b));
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(hex_value(hex[2 * i]) << 4 |
		    hex_value(hex[2 * i + 1]));
	add(l, col, idx, ASN_OCTET_STR, b, n);
}

static void
add_int(netsnmp_variable_list **l, const char *col, const char *idx, long v)
{
	add(l, col, idx, ASN_INTEGER, &v, sizeof(v));
}

static void
add_oid(netsnmp_variable_list **l, const char *col, const char *idx,
    const char *value)
{
	oid o[MAX_OID_LEN];
	size_t n = 0;

	arcs_parse(value, o, &n);
	add(l, col, idx, ASN_OBJECT_ID, o, n * sizeof(oid));
}

/* A value-less varbind: endOfMibView, noSuchObject, noSuchInstance. */
static void
add_exception(netsnmp_variable_list **l, const char *col, const char *idx,
    u_char type)
{
	add(l, col, idx, type, NULL, 0);
}

/* ---- driving the module ------------------------------------------------ */

static struct mib *
mib_new(int version, int64_t max_rows, const char *zone)
{
	struct mib *m = xcalloc(1, sizeof(*m));
	struct sighting *s = sighting_new("snmp", WHEN);

	sighting_set(&s->mgmt_ip, "192.0.2.1");
	sighting_set(&s->zone, zone);
	mib_init(m, s, version, max_rows, 25);
	return m;
}

static void
mib_free(struct mib *m)
{
	mib_finish(m);
	free(m);
}

/* Walk col as an agent would: one answer with the rows of l (freed), then,
 * unless that ended the walk, one that is past the column. */
static void
walk(struct mib *m, const char *col, netsnmp_variable_list *l)
{
	mib_walk_start(m, walk_find(col));
	mib_walk(m, SNMP_ERR_NOERROR, l);
	snmp_free_varbind(l);
	if (!m->walk_end) {
		netsnmp_variable_list *past = NULL;

		add_int(&past, "1.3.6.1.6.3.1.1.4.1.0", NULL, 0);
		mib_walk(m, SNMP_ERR_NOERROR, past);
		snmp_free_varbind(past);
	}
	ck_assert(m->walk_end);
	mib_walk_next(m);
}

static void
system_get(struct mib *m, netsnmp_variable_list *l)
{
	mib_system(m, SNMP_ERR_NOERROR, 0, l);
	snmp_free_varbind(l);
}

static bool
detail_has(const struct mib *m, const char *what)
{
	return strstr(strbuf_str(&m->detail), what) != NULL;
}

#define ck_detail(m, what)                                                     \
	ck_assert_msg(detail_has(m, what), "detail lacks \"%s\": %s", what,    \
	    strbuf_str(&(m)->detail))

/* ---- what came out ----------------------------------------------------- */

static bool
has_input(const struct sighting *s, enum evidence_kind kind, const char *value)
{
	for (size_t i = 0; i < s->n_inputs; i++)
		if (s->inputs[i].kind == kind &&
		    strcmp(s->inputs[i].value, value) == 0)
			return true;
	return false;
}

static size_t
count_inputs(const struct sighting *s, enum evidence_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_inputs; i++)
		n += s->inputs[i].kind == kind;
	return n;
}

static bool
has_addr(const struct sighting *s, enum addr_kind kind, const char *value)
{
	for (size_t i = 0; i < s->n_addrs; i++)
		if (s->addrs[i].kind == kind &&
		    strcmp(s->addrs[i].value, value) == 0)
			return true;
	return false;
}

static size_t
count_neighbours(const struct mib *m, const char *protocol)
{
	size_t n = 0;

	for (size_t i = 0; i < m->n_nb; i++)
		n += strcmp(m->nb[i].protocol, protocol) == 0;
	return n;
}

static const struct sweep_neighbour *
neighbour_at(const struct mib *m, const char *protocol, const char *local)
{
	for (size_t i = 0; i < m->n_nb; i++)
		if (strcmp(m->nb[i].protocol, protocol) == 0 &&
		    m->nb[i].local_port != NULL &&
		    strcmp(m->nb[i].local_port, local) == 0)
			return &m->nb[i];
	ck_abort_msg("no %s neighbour on local port %s", protocol, local);
	return NULL;
}

static const struct sweep_neighbour *
neighbour_with_addr(const struct mib *m, const char *protocol,
    enum addr_kind kind, const char *addr)
{
	for (size_t i = 0; i < m->n_nb; i++)
		if (strcmp(m->nb[i].protocol, protocol) == 0 &&
		    has_addr(m->nb[i].sighting, kind, addr))
			return &m->nb[i];
	ck_abort_msg("no %s neighbour with address %s", protocol, addr);
	return NULL;
}

/* ---- ENTITY-MIB -------------------------------------------------------- */

START_TEST(test_entity_chassis)
{
	struct mib *m = mib_new(2, 100000, NULL);
	netsnmp_variable_list *l = NULL;
	struct sighting *e = m->element;

	/* 1: the box (chassis in nothing); 2: a module in it; 3: a chassis
	 * inside the box (a stack member) is a component, not the box. */
	add_int(&l, "entPhysicalClass", "1", 3);
	add_int(&l, "entPhysicalClass", "2", 9);
	add_int(&l, "entPhysicalClass", "3", 3);
	walk(m, "entPhysicalClass", l);
	l = NULL;
	add_int(&l, "entPhysicalContainedIn", "1", 0);
	add_int(&l, "entPhysicalContainedIn", "2", 1);
	add_int(&l, "entPhysicalContainedIn", "3", 1);
	walk(m, "entPhysicalContainedIn", l);
	l = NULL;
	add_str(&l, "entPhysicalMfgName", "1", "  Huawei ");
	add_str(&l, "entPhysicalMfgName", "2", "HISILICON");
	add_str(&l, "entPhysicalMfgName", "3", "Other Maker");
	walk(m, "entPhysicalMfgName", l);
	l = NULL;
	add_str(&l, "entPhysicalSoftwareRev", "1", "V200R011C10SPC600");
	add_str(&l, "entPhysicalSoftwareRev", "2", "module software");
	walk(m, "entPhysicalSoftwareRev", l);
	l = NULL;
	add_str(&l, "entPhysicalSerialNum", "1", "2102350DLY10H8000123 ");
	add_str(&l, "entPhysicalSerialNum", "3", "not-the-box");
	walk(m, "entPhysicalSerialNum", l);
	l = NULL;
	add_str(&l, "entPhysicalModelName", "1", "S5720-28X-SI-AC");
	add_str(&l, "entPhysicalModelName", "2", "optic");
	walk(m, "entPhysicalModelName", l);
	mib_assemble(m, NULL);

	ck_assert(has_input(e, EV_ENTITY_MFG, "Huawei"));
	ck_assert_uint_eq(count_inputs(e, EV_ENTITY_MFG), 1);
	ck_assert(has_input(e, EV_COMPONENT, "HISILICON"));
	ck_assert(has_input(e, EV_COMPONENT, "Other Maker"));
	ck_assert_uint_eq(count_inputs(e, EV_COMPONENT), 2);
	ck_assert_str_eq(e->model, "S5720-28X-SI-AC");
	ck_assert_str_eq(e->serial, "2102350DLY10H8000123");
	ck_assert_str_eq(e->software, "V200R011C10SPC600");
	ck_detail(m, "entPhysicalClass: end of table, 3 rows");
	ck_detail(m, "entPhysicalModelName: end of table, 2 rows");
	ck_assert_uint_eq(m->notes, 0);
	mib_free(m);
}
END_TEST

START_TEST(test_entity_lone_chassis)
{
	struct mib *m = mib_new(2, 100000, NULL);
	netsnmp_variable_list *l = NULL;
	struct sighting *e = m->element;

	/* No entPhysicalContainedIn at all: the one chassis-class row names
	 * the box; a blank maker is no evidence. */
	add_int(&l, "entPhysicalClass", "1", 10);
	add_int(&l, "entPhysicalClass", "2", 3);
	add_int(&l, "entPhysicalClass", "3", 9);
	walk(m, "entPhysicalClass", l);
	walk(m, "entPhysicalContainedIn", NULL);
	l = NULL;
	add_str(&l, "entPhysicalMfgName", "1", "Port Maker");
	add_str(&l, "entPhysicalMfgName", "2", "ZTE");
	add_str(&l, "entPhysicalMfgName", "3", "   ");
	walk(m, "entPhysicalMfgName", l);
	l = NULL;
	add_str(&l, "entPhysicalModelName", "2", "ZXA10 C300");
	add_str(&l, "entPhysicalModelName", "3", "GTGO");
	walk(m, "entPhysicalModelName", l);
	l = NULL;
	add_str(&l, "entPhysicalSerialNum", "2", "");
	walk(m, "entPhysicalSerialNum", l);
	mib_assemble(m, NULL);

	ck_assert(has_input(e, EV_ENTITY_MFG, "ZTE"));
	ck_assert_uint_eq(count_inputs(e, EV_ENTITY_MFG), 1);
	ck_assert(has_input(e, EV_COMPONENT, "Port Maker"));
	ck_assert_uint_eq(count_inputs(e, EV_COMPONENT), 1);
	ck_assert_str_eq(e->model, "ZXA10 C300");
	ck_assert_ptr_null(e->serial);
	ck_assert_ptr_null(e->software);
	ck_detail(m, "entPhysicalContainedIn: empty response, 0 rows");
	mib_free(m);
}
END_TEST

START_TEST(test_entity_no_chassis)
{
	struct mib *m = mib_new(2, 100000, NULL);
	netsnmp_variable_list *l = NULL;
	struct sighting *e = m->element;

	/* A chassis row inside another, a class sent as a string: no box, so
	 * every maker is a component and nothing names the model. */
	add_int(&l, "entPhysicalClass", "1", 3);
	add_str(&l, "entPhysicalClass", "2", "3");
	walk(m, "entPhysicalClass", l);
	l = NULL;
	add_int(&l, "entPhysicalContainedIn", "1", 7);
	add_int(&l, "entPhysicalContainedIn", "2", 0);
	walk(m, "entPhysicalContainedIn", l);
	l = NULL;
	add_str(&l, "entPhysicalMfgName", "1", "Cisco");
	add_str(&l, "entPhysicalMfgName", "2", "Huawei");
	walk(m, "entPhysicalMfgName", l);
	l = NULL;
	add_str(&l, "entPhysicalModelName", "1", "C9300");
	walk(m, "entPhysicalModelName", l);
	mib_assemble(m, NULL);

	ck_assert_uint_eq(count_inputs(e, EV_ENTITY_MFG), 0);
	ck_assert(has_input(e, EV_COMPONENT, "Cisco"));
	ck_assert(has_input(e, EV_COMPONENT, "Huawei"));
	ck_assert_ptr_null(e->model);
	ck_detail(m,
	    "entPhysicalClass: end of table, 2 rows, 1 bad values "
	    "skipped");
	ck_assert(m->notes & SWEEP_NOTE_BAD_VALUES);
	mib_free(m);
}
END_TEST

/* ---- LLDP -------------------------------------------------------------- */

/* lldpRemTable index: time mark, local port, remote index. */
#define R1 "0.10.1" /* chassis ID a MAC */
#define R2 "0.11.2" /* a network address */
#define R3 "0.12.3" /* locally assigned text */
#define R4 "0.13.4" /* port component: other, as hex */
#define R5 "0.14.5" /* a multicast MAC */

START_TEST(test_lldp_remote_rows)
{
	struct mib *m = mib_new(2, 100000, "core");
	netsnmp_variable_list *l = NULL;
	const struct sweep_neighbour *n;
	const struct sighting *s;

	add_int(&l, "lldpRemChassisIdSubtype", R1, 4);
	add_int(&l, "lldpRemChassisIdSubtype", R2, 5);
	add_int(&l, "lldpRemChassisIdSubtype", R3, 7);
	add_int(&l, "lldpRemChassisIdSubtype", R4, 3);
	add_str(&l, "lldpRemChassisIdSubtype", R5, "4"); /* bad */
	walk(m, "lldpRemChassisIdSubtype", l);
	l = NULL;
	add_hex(&l, "lldpRemChassisId", R1, "0019c6aabbcc");
	add_hex(&l, "lldpRemChassisId", R2, "01c0000209");
	add_str(&l, "lldpRemChassisId", R3, "olt-3 chassis");
	add_hex(&l, "lldpRemChassisId", R4, "0a0b0c0d");
	add_hex(&l, "lldpRemChassisId", R5, "0180c200000e");
	walk(m, "lldpRemChassisId", l);
	l = NULL;
	add_int(&l, "lldpRemPortIdSubtype", R1, 5);
	add_int(&l, "lldpRemPortIdSubtype", R2, 3);
	add_int(&l, "lldpRemPortIdSubtype", R3, 7);
	walk(m, "lldpRemPortIdSubtype", l);
	l = NULL;
	add_str(&l, "lldpRemPortId", R1, "xgei-1/1/0/1");
	add_hex(&l, "lldpRemPortId", R2, "d0154a000009");
	walk(m, "lldpRemPortId", l);
	l = NULL;
	add_str(&l, "lldpRemPortDesc", R1, "uplink to core");
	add_str(&l, "lldpRemPortDesc", R3, "pon 1/1");
	walk(m, "lldpRemPortDesc", l);
	l = NULL;
	add_str(&l, "lldpRemSysName", R1, "zte-agg-7");
	add_str(&l, "lldpRemSysName", R2, "");
	add_str(&l, "lldpRemSysName", R3, "olt-3");
	walk(m, "lldpRemSysName", l);
	l = NULL;
	add_str(&l, "lldpRemSysDesc", R1,
	    "ZTE ZXR10 M6000-8S Plus Software, Version V5.00.10");
	walk(m, "lldpRemSysDesc", l);
	/* Management addresses: remote index, family, length, address. */
	l = NULL;
	add_int(&l, "lldpRemManAddrIfSubtype", R1 ".1.4.192.0.2.7", 2);
	add_int(&l, "lldpRemManAddrIfSubtype", R1 ".1.4.192.0.2.8", 2);
	add_int(&l, "lldpRemManAddrIfSubtype", R2 ".1.5.192.0.2.9", 2);
	add_int(&l, "lldpRemManAddrIfSubtype",
	    R3 ".2.16.32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.7", 2);
	add_int(&l, "lldpRemManAddrIfSubtype", "0.99.9.1.4.192.0.2.99", 2);
	walk(m, "lldpRemManAddrIfSubtype", l);
	mib_assemble(m, NULL);

	ck_assert_uint_eq(count_neighbours(m, "lldp"), 5);

	n = neighbour_at(m, "lldp", "10");
	s = n->sighting;
	ck_assert_str_eq(s->source, "lldp");
	ck_assert_str_eq(s->zone, "core");
	ck_assert_int_eq(s->observed_at, WHEN);
	ck_assert_str_eq(s->chassis_id, "4:00:19:c6:aa:bb:cc");
	ck_assert_str_eq(s->chassis_mac, "00:19:c6:aa:bb:cc");
	ck_assert(has_input(s, EV_OUI, "00:19:c6:aa:bb:cc"));
	ck_assert(has_addr(s, ADDR_MAC, "00:19:c6:aa:bb:cc"));
	ck_assert_str_eq(n->remote_port, "xgei-1/1/0/1");
	ck_assert_str_eq(s->sys_name, "zte-agg-7");
	ck_assert_str_eq(s->sys_descr,
	    "ZTE ZXR10 M6000-8S Plus Software, Version V5.00.10");
	ck_assert(has_input(s, EV_LLDP, s->sys_descr));
	/* The first management address is the one to manage it by. */
	ck_assert_str_eq(s->mgmt_ip, "192.0.2.7");
	ck_assert(has_addr(s, ADDR_IPV4, "192.0.2.8"));

	/* networkAddress (IPv4); the port ID a MAC, which is the
	 * neighbour's; an empty sysName is no name; a management address
	 * whose length arc is wrong is skipped. */
	n = neighbour_at(m, "lldp", "11");
	s = n->sighting;
	ck_assert_str_eq(s->chassis_id, "5:192.0.2.9");
	ck_assert_ptr_null(s->chassis_mac);
	ck_assert(has_addr(s, ADDR_IPV4, "192.0.2.9"));
	ck_assert_str_eq(n->remote_port, "d0:15:4a:00:00:09");
	ck_assert(has_input(s, EV_OUI, "d0:15:4a:00:00:09"));
	ck_assert_ptr_null(s->sys_name);
	ck_assert_ptr_null(s->sys_descr);
	ck_assert_uint_eq(count_inputs(s, EV_LLDP), 0);
	ck_assert_ptr_null(s->mgmt_ip);

	/* Locally assigned: text; no port ID, so the port description; an
	 * IPv6 management address. */
	n = neighbour_at(m, "lldp", "12");
	s = n->sighting;
	ck_assert_str_eq(s->chassis_id, "7:olt-3 chassis");
	ck_assert_str_eq(n->remote_port, "pon 1/1");
	ck_assert_str_eq(s->sys_name, "olt-3");
	ck_assert_str_eq(s->mgmt_ip, "2001:db8::7");
	ck_assert(has_addr(s, ADDR_IPV6, "2001:db8::7"));

	/* Another subtype: the bytes in hex. */
	n = neighbour_at(m, "lldp", "13");
	ck_assert_str_eq(n->sighting->chassis_id, "3:0a0b0c0d");
	ck_assert_ptr_null(n->remote_port);

	/* A subtype sent as a string counts as none; a group MAC names no
	 * chassis. */
	n = neighbour_at(m, "lldp", "14");
	ck_assert_str_eq(n->sighting->chassis_id, "0:0180c200000e");
	ck_assert_ptr_null(n->sighting->chassis_mac);
	ck_assert_uint_eq(count_inputs(n->sighting, EV_OUI), 0);

	ck_detail(m,
	    "lldpRemChassisIdSubtype: end of table, 5 rows, 1 bad "
	    "values skipped");
	ck_detail(m, "lldpRemManAddrIfSubtype: end of table, 5 rows");
	mib_free(m);
}
END_TEST

/* ---- CDP --------------------------------------------------------------- */

/* One box on two links is one neighbour per link, each saying all the
 * box's rows said; a factory hostname or another platform joins nothing. */
START_TEST(test_cdp_rows_of_one_box)
{
	static const struct {
		const char *idx, *id, *addr, *platform, *port;
	} rows[] = {
		{ "3.1", "pe-core-9.example.net", "c000023a",
		    "Cisco CISCO1941/K9", "Serial0/0/0" },
		{ "4.2", "pe-core-9.example.net", "c0000225",
		    "Cisco CISCO1941/K9", "Serial0/0/1" },
		{ "5.3", "Switch", "c0000246", "cisco WS-C2960-24TT-L",
		    "Gi0/1" },
		{ "6.4", "Switch", "c0000247", "cisco WS-C2960-24TT-L",
		    "Gi0/1" },
		{ "7.5", "pe-core-9.example.net", "c0000248",
		    "Cisco CISCO2911/K9", "Gi0/0" },
		{ "8.6", "router.example.net", "c0000249", "Cisco CISCO1941/K9",
		    "Gi0/0" },
		{ "9.7", "router.example.net", "c000024a", "Cisco CISCO1941/K9",
		    "Gi0/1" },
	};
	struct mib *m = mib_new(2, 100000, NULL);
	netsnmp_variable_list *l = NULL;
	const struct sighting *a, *b;

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		add_str(&l, "cdpCacheDeviceId", rows[i].idx, rows[i].id);
	walk(m, "cdpCacheDeviceId", l);
	l = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		add_hex(&l, "cdpCacheAddress", rows[i].idx, rows[i].addr);
	walk(m, "cdpCacheAddress", l);
	l = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		add_str(&l, "cdpCacheDevicePort", rows[i].idx, rows[i].port);
	walk(m, "cdpCacheDevicePort", l);
	l = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		add_str(&l, "cdpCachePlatform", rows[i].idx, rows[i].platform);
	walk(m, "cdpCachePlatform", l);
	mib_assemble(m, NULL);

	ck_assert_uint_eq(count_neighbours(m, "cdp"), ARRAY_SIZE(rows));
	a = neighbour_at(m, "cdp", "3")->sighting;
	b = neighbour_at(m, "cdp", "4")->sighting;
	ck_assert_str_eq(neighbour_at(m, "cdp", "4")->remote_port,
	    "Serial0/0/1");
	for (const struct sighting *s = a;; s = b) {
		ck_assert_str_eq(s->sys_name, "pe-core-9.example.net");
		ck_assert_str_eq(s->mgmt_ip, "192.0.2.58");
		ck_assert(has_addr(s, ADDR_IPV4, "192.0.2.58"));
		ck_assert(has_addr(s, ADDR_IPV4, "192.0.2.37"));
		ck_assert_uint_eq(s->n_addrs, 2);
		ck_assert(s->hearsay);
		if (s == b)
			break;
	}
	/* Factory hostnames, with a domain or not, and another platform. */
	for (unsigned port = 5; port <= 9; port++) {
		char local[4];

		snprintf(local, sizeof(local), "%u", port);
		ck_assert_uint_eq(neighbour_at(m, "cdp", local)
				      ->sighting->n_addrs,
		    1);
	}
	mib_free(m);
}
END_TEST

START_TEST(test_cdp_cache_rows)
{
	struct mib *m = mib_new(2, 100000, NULL);
	netsnmp_variable_list *l = NULL;
	const struct sweep_neighbour *n;
	const struct sighting *s;

	/* Index: ifIndex, device index. */
	add_str(&l, "cdpCacheDeviceId", "1.1", "ne40e-core-1");
	add_str(&l, "cdpCacheDeviceId", "2.7", "SEPF4BD9E710001");
	add_str(&l, "cdpCacheDeviceId", "3.1", "sw-floor3.example.net");
	add_str(&l, "cdpCacheDeviceId", "4", "index too short");
	walk(m, "cdpCacheDeviceId", l);
	l = NULL;
	add_int(&l, "cdpCacheAddressType", "1.1", 1);
	add_int(&l, "cdpCacheAddressType", "2.7", 20);
	walk(m, "cdpCacheAddressType", l);
	l = NULL;
	add_hex(&l, "cdpCacheAddress", "1.1", "c0000205");
	add_hex(&l, "cdpCacheAddress", "2.7", "c0000263");
	add_hex(&l, "cdpCacheAddress", "3.1", "c0000206");
	walk(m, "cdpCacheAddress", l);
	l = NULL;
	add_str(&l, "cdpCacheVersion", "1.1",
	    "Huawei Versatile Routing Platform Software\n"
	    "VRP (R) software, Version 8.180 (NE40E V800R011C00SPC200)");
	add_str(&l, "cdpCacheVersion", "3.1", "");
	walk(m, "cdpCacheVersion", l);
	l = NULL;
	add_str(&l, "cdpCacheDevicePort", "1.1", "GigabitEthernet0/0/1");
	add_str(&l, "cdpCacheDevicePort", "3.1", "GigabitEthernet1/0/48");
	walk(m, "cdpCacheDevicePort", l);
	l = NULL;
	add_str(&l, "cdpCachePlatform", "1.1", "HUAWEI NE40E-X8A");
	add_str(&l, "cdpCachePlatform", "2.7", "Cisco IP Phone 8845");
	walk(m, "cdpCachePlatform", l);
	mib_assemble(m, NULL);

	ck_assert_uint_eq(count_neighbours(m, "cdp"), 3);
	n = neighbour_at(m, "cdp", "1");
	s = n->sighting;
	ck_assert_str_eq(s->source, "cdp");
	ck_assert_str_eq(s->sys_name, "ne40e-core-1");
	ck_assert_str_eq(s->mgmt_ip, "192.0.2.5");
	ck_assert(has_addr(s, ADDR_IPV4, "192.0.2.5"));
	ck_assert_str_eq(s->model, "HUAWEI NE40E-X8A");
	ck_assert(has_input(s, EV_CDP, "HUAWEI NE40E-X8A"));
	ck_assert(has_input(s, EV_CDP,
	    "Huawei Versatile Routing Platform Software\n"
	    "VRP (R) software, Version 8.180 (NE40E V800R011C00SPC200)"));
	ck_assert_str_eq(s->sys_descr,
	    "Huawei Versatile Routing Platform Software\n"
	    "VRP (R) software, Version 8.180 (NE40E V800R011C00SPC200)");
	ck_assert_str_eq(n->remote_port, "GigabitEthernet0/0/1");

	/* An address of another type is not taken for IPv4. */
	n = neighbour_at(m, "cdp", "2");
	ck_assert_ptr_null(n->sighting->mgmt_ip);
	ck_assert_uint_eq(n->sighting->n_addrs, 0);
	ck_assert_str_eq(n->sighting->model, "Cisco IP Phone 8845");
	ck_assert_ptr_null(n->remote_port);

	/* Without an address type, four bytes are IPv4; an empty version
	 * is no description. */
	n = neighbour_at(m, "cdp", "3");
	ck_assert_str_eq(n->sighting->mgmt_ip, "192.0.2.6");
	ck_assert_ptr_null(n->sighting->sys_descr);
	ck_assert_uint_eq(count_inputs(n->sighting, EV_CDP), 0);
	ck_assert_str_eq(n->remote_port, "GigabitEthernet1/0/48");
	mib_free(m);
}
END_TEST

/* ---- ARP and forwarding tables ----------------------------------------- */

START_TEST(test_arp_ip_net_to_media)
{
	struct mib *m = mib_new(2, 100000, "ran");
	netsnmp_variable_list *l = NULL;
	const struct sweep_neighbour *n;

	/* Index: ifIndex.a.b.c.d */
	add_hex(&l, "ipNetToMediaPhysAddress", "6.192.0.2.7", "0019c6aabbcc");
	add_hex(&l, "ipNetToMediaPhysAddress", "6.192.0.2.8", "0019c6aabb");
	add_hex(&l, "ipNetToMediaPhysAddress", "6.192.0.2.9", "ffffffffffff");
	add_hex(&l, "ipNetToMediaPhysAddress", "6.192.0.2.10", "000000000000");
	add_hex(&l, "ipNetToMediaPhysAddress", "7.192.0.2", "001b54c0ffee");
	add_hex(&l, "ipNetToMediaPhysAddress", "7.192.0.2.300", "001b54c0ffee");
	add_int(&l, "ipNetToMediaPhysAddress", "8.192.0.2.99", 5);
	add_hex(&l, "ipNetToMediaPhysAddress", "9.192.0.2.99", "001b54c0ffee");
	walk(m, "ipNetToMediaPhysAddress", l);

	ck_assert_uint_eq(count_neighbours(m, "arp"), 2);
	n = neighbour_with_addr(m, "arp", ADDR_IPV4, "192.0.2.7");
	ck_assert_str_eq(n->sighting->source, "arp");
	ck_assert_str_eq(n->sighting->zone, "ran");
	ck_assert(has_addr(n->sighting, ADDR_MAC, "00:19:c6:aa:bb:cc"));
	ck_assert(has_input(n->sighting, EV_OUI, "00:19:c6:aa:bb:cc"));
	ck_assert_str_eq(n->local_port, "6");
	n = neighbour_with_addr(m, "arp", ADDR_MAC, "00:1b:54:c0:ff:ee");
	ck_assert(has_addr(n->sighting, ADDR_IPV4, "192.0.2.99"));
	ck_assert_str_eq(n->local_port, "9");
	/* A short MAC, an arc past 255, a short index and an INTEGER are
	 * bad; broadcast and zero MACs are skipped without complaint. */
	ck_detail(m,
	    "ipNetToMediaPhysAddress: end of table, 8 rows, 4 bad "
	    "values skipped");
	mib_free(m);
}
END_TEST

START_TEST(test_arp_ip_net_to_physical)
{
	struct mib *m = mib_new(2, 100000, NULL);
	netsnmp_variable_list *l = NULL;
	const struct sweep_neighbour *n;

	/* Index: ifIndex.family.length.bytes */
	add_hex(&l, "ipNetToPhysicalPhysAddress", "3.1.4.192.0.2.20",
	    "4419b6000020");
	add_hex(&l, "ipNetToPhysicalPhysAddress", "3.1.5.192.0.2.20",
	    "4419b6000023");
	add_hex(&l, "ipNetToPhysicalPhysAddress",
	    "3.2.15.32.1.13.184.0.0.0.0.0.0.0.0.0.0.0", "4419b6000022");
	add_hex(&l, "ipNetToPhysicalPhysAddress",
	    "3.2.16.32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.33", "4419b6000021");
	add_hex(&l, "ipNetToPhysicalPhysAddress", "4.3.4.192.0.2.20",
	    "4419b6000024");
	walk(m, "ipNetToPhysicalPhysAddress", l);

	ck_assert_uint_eq(count_neighbours(m, "arp"), 2);
	n = neighbour_with_addr(m, "arp", ADDR_IPV4, "192.0.2.20");
	ck_assert(has_addr(n->sighting, ADDR_MAC, "44:19:b6:00:00:20"));
	ck_assert_str_eq(n->local_port, "3");
	n = neighbour_with_addr(m, "arp", ADDR_IPV6, "2001:db8::21");
	ck_assert(has_input(n->sighting, EV_OUI, "44:19:b6:00:00:21"));
	/* An IPv6 of 15 bytes, a length arc that lies, an unknown family. */
	ck_detail(m,
	    "ipNetToPhysicalPhysAddress: end of table, 5 rows, 3 bad "
	    "values skipped");
	mib_free(m);
}
END_TEST

START_TEST(test_bridge_fdb)
{
	struct mib *m = mib_new(2, 100000, "fixed-access");
	netsnmp_variable_list *l = NULL;
	const struct sweep_neighbour *n;

	/* dot1dTpFdbAddress: index and value are the MAC. */
	add_hex(&l, "dot1dTpFdbAddress", "0.25.198.1.2.3", "0019c6010203");
	add_hex(&l, "dot1dTpFdbAddress", "1.0.94.0.0.1", "01005e000001");
	add_hex(&l, "dot1dTpFdbAddress", "68.25.182.0.0.32", "4419b6000020");
	add_hex(&l, "dot1dTpFdbAddress", "68.25.182.0.0.33", "4419b60000");
	walk(m, "dot1dTpFdbAddress", l);
	ck_assert_uint_eq(count_neighbours(m, "fdb"), 2);
	n = neighbour_with_addr(m, "fdb", ADDR_MAC, "00:19:c6:01:02:03");
	ck_assert_str_eq(n->sighting->source, "mac");
	ck_assert_str_eq(n->sighting->zone, "fixed-access");
	ck_assert(has_input(n->sighting, EV_OUI, "00:19:c6:01:02:03"));
	ck_assert_ptr_null(n->local_port);
	neighbour_with_addr(m, "fdb", ADDR_MAC, "44:19:b6:00:00:20");
	ck_detail(m,
	    "dot1dTpFdbAddress: end of table, 4 rows, 1 bad values "
	    "skipped");
	mib_free(m);
}
END_TEST

START_TEST(test_qbridge_fdb)
{
	struct mib *m = mib_new(2, 100000, NULL);
	netsnmp_variable_list *l = NULL;
	const struct sweep_neighbour *n;

	/* dot1qTpFdbPort: index dot1qFdbId.mac, value the bridge port. */
	add_int(&l, "dot1qTpFdbPort", "1.0.25.158.1.1.1", 9);
	add_int(&l, "dot1qTpFdbPort", "1.0.38.203.10.11", 2);
	add_int(&l, "dot1qTpFdbPort", "1.0.38.203.10.11.12", 7);
	add_int(&l, "dot1qTpFdbPort", "1.1.128.194.0.0.14", 1);
	add_int(&l, "dot1qTpFdbPort", "2.0.38.203.10.11.256", 3);
	add_exception(&l, "dot1qTpFdbPort", "3", SNMP_ENDOFMIBVIEW);
	walk(m, "dot1qTpFdbPort", l);

	ck_assert_uint_eq(count_neighbours(m, "fdb"), 2);
	n = neighbour_with_addr(m, "fdb", ADDR_MAC, "00:19:9e:01:01:01");
	ck_assert_str_eq(n->local_port, "9");
	ck_assert(has_input(n->sighting, EV_OUI, "00:19:9e:01:01:01"));
	n = neighbour_with_addr(m, "fdb", ADDR_MAC, "00:26:cb:0a:0b:0c");
	ck_assert_str_eq(n->local_port, "7");
	/* The group MAC is skipped; a short index and an arc past 255 are
	 * bad. */
	ck_detail(m,
	    "dot1qTpFdbPort: endOfMibView, 5 rows, 2 bad values "
	    "skipped");
	mib_free(m);
}
END_TEST

/* ---- interface MACs and bad values ------------------------------------- */

START_TEST(test_interface_macs)
{
	struct mib *m = mib_new(2, 100000, NULL);
	netsnmp_variable_list *l = NULL;
	struct sighting *e = m->element;

	add_hex(&l, "ifPhysAddress", "1", "00259e112240");
	add_str(&l, "ifPhysAddress", "2", ""); /* loopback: no MAC */
	add_hex(&l, "ifPhysAddress", "3", "00259e112234");
	add_hex(&l, "ifPhysAddress", "4", "00259e1122"); /* bad */
	add_int(&l, "ifPhysAddress", "5", 42);           /* bad */
	add_exception(&l, "ifPhysAddress", "6", SNMP_NOSUCHINSTANCE);
	add_hex(&l, "ifPhysAddress", "7", "000000000000");
	add_hex(&l, "ifPhysAddress", "8", "0180c2000000");
	add_oid(&l, "ifPhysAddress", "9", "1.3.6.1"); /* bad */
	walk(m, "ifPhysAddress", l);
	mib_assemble(m, NULL);

	ck_assert_uint_eq(count_inputs(e, EV_OUI), 2);
	ck_assert(has_input(e, EV_OUI, "00:25:9e:11:22:40"));
	ck_assert(has_addr(e, ADDR_MAC, "00:25:9e:11:22:34"));
	/* No LLDP chassis ID: the lowest interface MAC names the chassis. */
	ck_assert_str_eq(e->chassis_mac, "00:25:9e:11:22:34");
	/* noSuchInstance is bad but no row. */
	ck_detail(m,
	    "ifPhysAddress: end of table, 8 rows, 4 bad values "
	    "skipped");
	ck_assert_uint_eq(m->notes, SWEEP_NOTE_BAD_VALUES);
	ck_assert_int_eq(m->rows, 8);
	mib_free(m);
}
END_TEST

/* A placeholder, a virtual router MAC or a locally administered MAC on a
 * virtual interface never stands for the chassis while a real port MAC
 * is there; placeholders are no address at all. */
START_TEST(test_chassis_mac_skips_placeholders)
{
	struct mib *m = mib_new(2, 100000, NULL);
	netsnmp_variable_list *l = NULL;
	struct sighting *e = m->element;

	add_hex(&l, "ifPhysAddress", "1", "a47b2c978e01");
	add_hex(&l, "ifPhysAddress", "2", "000000010101"); /* NAT */
	add_hex(&l, "ifPhysAddress", "3", "20b5c601b232");
	add_hex(&l, "ifPhysAddress", "4", "024200000001"); /* a bridge */
	add_hex(&l, "ifPhysAddress", "5", "00005e00010a"); /* VRRP */
	add_hex(&l, "ifPhysAddress", "13", "000203040506");
	walk(m, "ifPhysAddress", l);
	mib_assemble(m, NULL);

	ck_assert_str_eq(e->chassis_mac, "20:b5:c6:01:b2:32");
	ck_assert(!has_addr(e, ADDR_MAC, "00:00:00:01:01:01"));
	ck_assert(!has_addr(e, ADDR_MAC, "00:02:03:04:05:06"));
	ck_assert(!has_input(e, EV_OUI, "00:00:00:01:01:01"));
	ck_assert(has_addr(e, ADDR_MAC, "02:42:00:00:00:01"));
	mib_free(m);

	/* Only virtual interfaces: the locally administered MAC will do. */
	m = mib_new(2, 100000, NULL);
	l = NULL;
	add_hex(&l, "ifPhysAddress", "1", "000000010101");
	add_hex(&l, "ifPhysAddress", "2", "0a4200000002");
	add_hex(&l, "ifPhysAddress", "3", "024200000009");
	walk(m, "ifPhysAddress", l);
	mib_assemble(m, NULL);
	ck_assert_str_eq(m->element->chassis_mac, "02:42:00:00:00:09");
	mib_free(m);

	/* A placeholder LLDP chassis ID of its own names no chassis. */
	m = mib_new(2, 100000, NULL);
	l = NULL;
	add_int(&l, "lldpLocChassisIdSubtype", NULL, 4);
	add_hex(&l, "lldpLocChassisId", NULL, "000000010101");
	system_get(m, l);
	l = NULL;
	add_hex(&l, "ifPhysAddress", "1", "a47b2c978e01");
	walk(m, "ifPhysAddress", l);
	mib_assemble(m, NULL);
	ck_assert_str_eq(m->element->chassis_mac, "a4:7b:2c:97:8e:01");
	mib_free(m);
}
END_TEST

START_TEST(test_interface_macs_bounded)
{
	struct mib *m = mib_new(2, 100000, NULL);
	netsnmp_variable_list *l = NULL;

	for (unsigned i = 1; i <= MIB_MACS_MAX + 3; i++) {
		char idx[16], hex[13];

		snprintf(idx, sizeof(idx), "%u", i);
		snprintf(hex, sizeof(hex), "00259e%06x", i);
		add_hex(&l, "ifPhysAddress", idx, hex);
	}
	walk(m, "ifPhysAddress", l);
	mib_assemble(m, NULL);
	ck_assert_uint_eq(count_inputs(m->element, EV_OUI), MIB_MACS_MAX);
	ck_assert_str_eq(m->element->chassis_mac, "00:25:9e:00:00:01");
	ck_detail(m, "ifPhysAddress: 3 MACs beyond 4096 not kept");
	mib_free(m);
}
END_TEST

/* ---- why walks stop ---------------------------------------------------- */

START_TEST(test_walk_non_increasing)
{
	struct mib *m = mib_new(2, 100000, NULL);
	netsnmp_variable_list *l = NULL;

	/* The same row again ends the walk: no loop. */
	mib_walk_start(m, walk_find("ifPhysAddress"));
	add_hex(&l, "ifPhysAddress", "5", "00259eeeee01");
	add_hex(&l, "ifPhysAddress", "5", "00259eeeee01");
	add_hex(&l, "ifPhysAddress", "6", "00259eeeee02");
	mib_walk(m, SNMP_ERR_NOERROR, l);
	snmp_free_varbind(l);
	ck_assert(m->walk_end);
	ck_assert(mib_walk_next(m));
	ck_detail(m, "ifPhysAddress: non-increasing OID, 1 rows");
	ck_assert(m->notes & SWEEP_NOTE_BROKEN_WALK);

	/* A row before the last one, in the next answer. */
	mib_walk_start(m, walk_find("ipNetToMediaPhysAddress"));
	l = NULL;
	add_hex(&l, "ipNetToMediaPhysAddress", "6.192.0.2.7", "0019c6aabbcc");
	mib_walk(m, SNMP_ERR_NOERROR, l);
	snmp_free_varbind(l);
	ck_assert(!m->walk_end);
	l = NULL;
	add_hex(&l, "ipNetToMediaPhysAddress", "5.192.0.2.7", "0019c6aabbcc");
	mib_walk(m, SNMP_ERR_NOERROR, l);
	snmp_free_varbind(l);
	ck_assert(m->walk_end);
	mib_walk_next(m);
	ck_detail(m, "ipNetToMediaPhysAddress: non-increasing OID, 1 rows");
	mib_free(m);
}
END_TEST

START_TEST(test_walk_end_of_mib_view)
{
	struct mib *m = mib_new(2, 100000, NULL);
	netsnmp_variable_list *l = NULL;

	mib_walk_start(m, walk_find("dot1qTpFdbPort"));
	add_int(&l, "dot1qTpFdbPort", "1.0.38.203.10.11.12", 7);
	add_exception(&l, "dot1qTpFdbPort", "1.0.38.203.10.11.13",
	    SNMP_ENDOFMIBVIEW);
	add_int(&l, "dot1qTpFdbPort", "1.0.38.203.10.11.14", 8);
	mib_walk(m, SNMP_ERR_NOERROR, l);
	snmp_free_varbind(l);
	ck_assert(m->walk_end);
	/* The last walk: nothing follows. */
	ck_assert(!mib_walk_next(m));
	ck_detail(m, "dot1qTpFdbPort: endOfMibView, 1 rows");
	ck_assert_uint_eq(m->notes, 0);
	ck_assert_uint_eq(count_neighbours(m, "fdb"), 1);
	mib_free(m);
}
END_TEST

START_TEST(test_walk_row_budget)
{
	struct mib *m = mib_new(2, 5, NULL);
	netsnmp_variable_list *l = NULL;

	/* The budget counts rows over all walks. */
	add_hex(&l, "ifPhysAddress", "1", "00259e000001");
	add_hex(&l, "ifPhysAddress", "2", "00259e000002");
	walk(m, "ifPhysAddress", l);
	ck_assert(!m->budget_spent);
	mib_walk_start(m, walk_find("ipNetToMediaPhysAddress"));
	l = NULL;
	for (unsigned i = 1; i <= 6; i++) {
		char idx[32];

		snprintf(idx, sizeof(idx), "1.192.0.2.%u", i);
		add_hex(&l, "ipNetToMediaPhysAddress", idx, "00259e0000aa");
	}
	mib_walk(m, SNMP_ERR_NOERROR, l);
	snmp_free_varbind(l);
	ck_assert(m->walk_end);
	ck_assert(m->budget_spent);
	ck_assert(!mib_walk_next(m));
	ck_assert_int_eq(m->rows, 5);
	ck_detail(m, "ipNetToMediaPhysAddress: row budget, 3 rows");
	ck_assert(m->notes & SWEEP_NOTE_BUDGET);
	ck_assert_uint_eq(count_neighbours(m, "arp"), 3);
	mib_free(m);
}
END_TEST

/* Answer the walk in progress with rows from..to of its column, then, when
 * past is set, the next column's first value as GETBULK would. */
static void
answer_rows(struct mib *m, unsigned from, unsigned to, bool past)
{
	const struct mib_walk_def *w = &mib_walks[m->walk];
	netsnmp_variable_list *l = NULL;

	for (unsigned i = from; i <= to; i++) {
		char idx[16];

		snprintf(idx, sizeof(idx), "%u", i);
		if (w->integer)
			add_int(&l, w->name, idx, 3);
		else
			add_str(&l, w->name, idx, "x");
	}
	if (past)
		add_int(&l, "1.3.6.1.6.3.1.1.4.1.0", NULL, 0);
	mib_walk(m, SNMP_ERR_NOERROR, l);
	snmp_free_varbind(l);
}

/* Every walk in order, each column of table t answering rows[t] rows, until
 * the walks are over or cut. */
static void
walk_tables(struct mib *m, const unsigned rows[MIB_T_COUNT])
{
	mib_walk_start(m, 0);
	do {
		answer_rows(m, 1, rows[mib_walks[m->walk].table], true);
		ck_assert(m->walk_end);
	} while (mib_walk_next(m));
}

START_TEST(test_walk_budget_counts_rows)
{
	struct mib *m = mib_new(2, 3, NULL);
	const struct mib_rowset *rs = &m->tab[MIB_T_ENTITY];
	const unsigned rows[MIB_T_COUNT] = { [MIB_T_ENTITY] = 3 };

	/* Three rows of seven columns fit a budget of three rows. */
	walk_tables(m, rows);
	ck_assert(!m->budget_spent);
	ck_assert_uint_eq(m->notes, 0);
	ck_assert_int_eq(m->rows, 3);
	ck_assert_uint_eq(rs->n, 3);
	for (size_t i = 0; i < rs->n; i++)
		for (size_t c = 0; c < MIB_NCOL; c++)
			ck_assert_msg(rs->rows[i].cell[c].type != 0,
			    "row %zu lacks column %zu", i, c);
	ck_detail(m,
	    "entPhysicalClass: end of table, 3 rows; "
	    "entPhysicalContainedIn: end of table, 3 rows");
	ck_detail(m,
	    "entPhysicalModelName: end of table, 3 rows; "
	    "ifPhysAddress: end of table, 0 rows");
	mib_free(m);
}
END_TEST

START_TEST(test_walk_budget_cuts_first_column)
{
	struct mib *m = mib_new(2, 4, NULL);
	const unsigned
	    rows[MIB_T_COUNT] = { [MIB_T_ENTITY] = 2, [MIB_T_LLDP] = 3 };

	/* Two ENTITY-MIB rows cost two, however many columns: two are left
	 * for LLDP's three, and its first column is cut there. */
	walk_tables(m, rows);
	ck_assert(m->budget_spent);
	ck_assert_str_eq(mib_walk_name(m), "lldpRemChassisIdSubtype");
	ck_assert_int_eq(m->rows, 4);
	ck_assert_uint_eq(m->tab[MIB_T_ENTITY].n, 2);
	ck_assert_uint_eq(m->tab[MIB_T_LLDP].n, 2);
	ck_assert_uint_eq(m->notes, SWEEP_NOTE_BUDGET);
	ck_detail(m,
	    "entPhysicalModelName: end of table, 2 rows; "
	    "ifPhysAddress: end of table, 0 rows; "
	    "lldpRemChassisIdSubtype: row budget, 2 rows");
	mib_free(m);
}
END_TEST

START_TEST(test_walk_later_column_bounded)
{
	struct mib *m = mib_new(2, 100000, NULL);

	mib_walk_start(m, 0);
	answer_rows(m, 1, 2, true);
	ck_assert(mib_walk_next(m));
	ck_assert_str_eq(mib_walk_name(m), "entPhysicalContainedIn");
	/* A later column may read as many values as the first read rows. */
	ck_assert_int_eq(mib_walk_left(m), 2);
	answer_rows(m, 1, 1, false);
	ck_assert(!m->walk_end);
	ck_assert_int_eq(mib_walk_left(m), 1);
	/* An agent that answers more is stopped there, at no cost. */
	answer_rows(m, 2, 5, false);
	ck_assert(m->walk_end);
	ck_assert_int_eq(mib_walk_left(m), 0);
	ck_assert(mib_walk_next(m));
	ck_detail(m,
	    "entPhysicalContainedIn: past the first column's rows, "
	    "2 rows");
	ck_assert(!m->budget_spent);
	ck_assert_uint_eq(m->notes, 0);
	ck_assert_int_eq(m->rows, 2);
	ck_assert_uint_eq(m->tab[MIB_T_ENTITY].n, 2);
	mib_free(m);
}
END_TEST

START_TEST(test_walk_management_addresses_own_table)
{
	struct mib *m = mib_new(2, 100000, NULL);
	netsnmp_variable_list *l = NULL;

	/* lldpRemManAddrTable is a table of its own in the LLDP group: a
	 * neighbour may have several addresses, each a row of the budget. */
	add_int(&l, "lldpRemChassisIdSubtype", R1, 4);
	walk(m, "lldpRemChassisIdSubtype", l);
	mib_walk_start(m, walk_find("lldpRemManAddrIfSubtype"));
	ck_assert_int_eq(mib_walk_left(m), 100000 - 1);
	l = NULL;
	add_int(&l, "lldpRemManAddrIfSubtype", R1 ".1.4.192.0.2.9", 2);
	add_int(&l, "lldpRemManAddrIfSubtype",
	    R1 ".2.16.32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.9", 2);
	walk(m, "lldpRemManAddrIfSubtype", l);
	ck_detail(m, "lldpRemManAddrIfSubtype: end of table, 2 rows");
	ck_assert_int_eq(m->rows, 3);
	mib_free(m);
}
END_TEST

START_TEST(test_walk_errors)
{
	struct mib *m = mib_new(2, 100000, NULL);
	struct mib *v1 = mib_new(1, 100000, NULL);

	/* tooBig: ask again from the same place for half as many rows. */
	mib_walk_start(m, walk_find("ifPhysAddress"));
	mib_walk(m, SNMP_ERR_TOOBIG, NULL);
	ck_assert(!m->walk_end);
	ck_assert_int_eq(m->bulk, 12);
	/* An empty answer ends the walk. */
	mib_walk(m, SNMP_ERR_NOERROR, NULL);
	ck_assert(m->walk_end);
	mib_walk_next(m);
	ck_detail(m, "ifPhysAddress: empty response, 0 rows");
	/* Any other error status ends it too, with a note. */
	mib_walk_start(m, walk_find("cdpCacheDeviceId"));
	mib_walk(m, SNMP_ERR_GENERR, NULL);
	ck_assert(m->walk_end);
	ck_detail(m, "cdpCacheDeviceId: error status (genError)");
	ck_assert(m->notes & SWEEP_NOTE_ERROR_STATUS);
	/* noSuchName is how SNMPv1 ends a table, an error for v2c. */
	mib_walk_start(v1, walk_find("cdpCacheDeviceId"));
	mib_walk(v1, SNMP_ERR_NOSUCHNAME, NULL);
	ck_assert(v1->walk_end);
	mib_walk_next(v1);
	ck_detail(v1, "cdpCacheDeviceId: end of table, 0 rows");
	ck_assert_uint_eq(v1->notes, 0);
	mib_free(m);
	mib_free(v1);
}
END_TEST

START_TEST(test_walk_skips_empty_groups)
{
	struct mib *m = mib_new(2, 100000, NULL);
	netsnmp_variable_list *l = NULL;

	/* No entPhysicalClass: the rest of ENTITY-MIB is not asked. */
	mib_walk_start(m, 0);
	ck_assert_str_eq(mib_walk_name(m), "entPhysicalClass");
	mib_walk(m, SNMP_ERR_NOERROR, NULL);
	ck_assert(mib_walk_next(m));
	ck_assert_str_eq(mib_walk_name(m), "ifPhysAddress");
	/* Nor LLDP without lldpRemChassisIdSubtype. */
	mib_walk_start(m, walk_find("lldpRemChassisIdSubtype"));
	add_int(&l, "cdpCacheDeviceId", "1.1", 0);
	mib_walk(m, SNMP_ERR_NOERROR, l);
	snmp_free_varbind(l);
	ck_assert(mib_walk_next(m));
	ck_assert_str_eq(mib_walk_name(m), "cdpCacheDeviceId");
	/* An empty column later in a group does not skip the rest. */
	mib_walk_start(m, walk_find("lldpRemChassisIdSubtype"));
	l = NULL;
	add_int(&l, "lldpRemChassisIdSubtype", R1, 4);
	add_int(&l, "lldpRemChassisId", R1, 4);
	mib_walk(m, SNMP_ERR_NOERROR, l);
	snmp_free_varbind(l);
	ck_assert(mib_walk_next(m));
	ck_assert_str_eq(mib_walk_name(m), "lldpRemChassisId");
	mib_walk(m, SNMP_ERR_NOERROR, NULL);
	ck_assert(mib_walk_next(m));
	ck_assert_str_eq(mib_walk_name(m), "lldpRemPortIdSubtype");
	ck_detail(m,
	    "entPhysicalClass: empty response, 0 rows; "
	    "lldpRemChassisIdSubtype: end of table, 0 rows; "
	    "lldpRemChassisIdSubtype: end of table, 1 rows; "
	    "lldpRemChassisId: empty response, 0 rows");
	mib_free(m);
}
END_TEST

/* ---- private MIB discovery -------------------------------------------- */

/* The OID the discovery asks from next, dotted. */
static const char *
private_cur(const struct mib *m)
{
	static char text[256];
	size_t off = 0;

	text[0] = '\0';
	for (size_t i = 0; i < m->cur_len && off < sizeof(text); i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off, "%s%lu",
		    i ? "." : "", (unsigned long)m->cur[i]);
	return text;
}

/* The agent answers the discovery's GETNEXT with one varbind. */
static void
private_answer(struct mib *m, const char *name, u_char type)
{
	netsnmp_variable_list *l = NULL;

	ck_assert(!m->walk_end);
	if (type == ASN_OCTET_STR)
		add_str(&l, name, NULL, "SMU02C");
	else if (type == ASN_INTEGER)
		add_int(&l, name, NULL, 1);
	else
		add_exception(&l, name, NULL, type);
	mib_private(m, SNMP_ERR_NOERROR, l);
	snmp_free_varbind(l);
}

START_TEST(test_private_subtrees)
{
	struct mib *m = mib_new(2, 100000, NULL);
	struct sighting *e = m->element;

	/* A Huawei power controller on net-snmp, as snmpd answers it. */
	mib_private_start(m);
	ck_assert_str_eq(private_cur(m), "1.3.6.1.4.1");
	private_answer(m, "1.3.6.1.4.1.2011.6.164.1.1.2.1.0", ASN_OCTET_STR);
	/* Past the rest of 2011, however long. */
	ck_assert_str_eq(private_cur(m), "1.3.6.1.4.1.2012");
	private_answer(m, "1.3.6.1.4.1.2021.4.1.0", ASN_INTEGER);
	ck_assert_str_eq(private_cur(m), "1.3.6.1.4.1.2022");
	private_answer(m, "1.3.6.1.4.1.8072.1.2.1.1.4.0.1.0.0", ASN_OCTET_STR);
	ck_assert_str_eq(private_cur(m), "1.3.6.1.4.1.8073");
	private_answer(m, "1.3.6.1.6.3.1.1.6.1.0", ASN_INTEGER);
	ck_assert(m->walk_end);
	ck_assert(mib_private_end(m));
	ck_detail(m,
	    "private MIBs: end of enterprises, 4 requests, found 2011, "
	    "stepped past 2021 8072");
	/* net-snmp's own subtrees name no maker: not evidence. */
	ck_assert(has_input(e, EV_PRIVATE_MIB, "1.3.6.1.4.1.2011"));
	ck_assert_uint_eq(count_inputs(e, EV_PRIVATE_MIB), 1);
	ck_assert_uint_eq(m->notes, 0);
	ck_assert_int_eq(m->rows, 3);
	mib_free(m);
}
END_TEST

START_TEST(test_private_generic_only)
{
	struct mib *m = mib_new(2, 100000, NULL);

	/* Plain net-snmp, and a Windows agent: no maker's MIB. */
	mib_private_start(m);
	private_answer(m, "1.3.6.1.4.1.2021.2.1.1.1", ASN_INTEGER);
	private_answer(m, "1.3.6.1.4.1.8072.1.2.1.1.4.0.1.0.0", ASN_OCTET_STR);
	private_answer(m, "1.3.6.1.6.3.1.1.6.1.0", ASN_INTEGER);
	ck_assert(mib_private_end(m));
	ck_detail(m,
	    "private MIBs: end of enterprises, 3 requests, found none, "
	    "stepped past 2021 8072");
	ck_assert_uint_eq(count_inputs(m->element, EV_PRIVATE_MIB), 0);
	ck_assert_uint_eq(m->notes, 0);
	mib_free(m);

	m = mib_new(2, 100000, NULL);
	mib_private_start(m);
	private_answer(m, "1.3.6.1.4.1.77.1.1.1.0", ASN_OCTET_STR);
	private_answer(m, "1.3.6.1.4.1.311.1.1.3.1.1.1.0", ASN_INTEGER);
	private_answer(m, "1.3.6.1.4.1.674.10892.1.300.10.1.1.1.1",
	    ASN_INTEGER);
	private_answer(m, "1.3.6.1.6.3.1.1.6.1.0", ASN_INTEGER);
	ck_assert(mib_private_end(m));
	ck_detail(m,
	    "private MIBs: end of enterprises, 4 requests, found 674, "
	    "stepped past 77 311");
	ck_assert(has_input(m->element, EV_PRIVATE_MIB, "1.3.6.1.4.1.674"));
	ck_assert_uint_eq(count_inputs(m->element, EV_PRIVATE_MIB), 1);
	mib_free(m);
}
END_TEST

START_TEST(test_private_ends)
{
	struct mib *m = mib_new(2, 100000, NULL);
	struct mib *v1 = mib_new(1, 100000, NULL);

	/* endOfMibView (v2c, v3) after a subtree, or at once. */
	mib_private_start(m);
	private_answer(m, "1.3.6.1.4.1.318.1.1.1.1.1.1.0", ASN_OCTET_STR);
	private_answer(m, "1.3.6.1.4.1.319", SNMP_ENDOFMIBVIEW);
	ck_assert(m->walk_end);
	ck_assert(mib_private_end(m));
	ck_detail(m, "private MIBs: endOfMibView, 2 requests, found 318");
	ck_assert(has_input(m->element, EV_PRIVATE_MIB, "1.3.6.1.4.1.318"));
	mib_private_start(m);
	private_answer(m, "1.3.6.1.4.1", SNMP_ENDOFMIBVIEW);
	ck_assert(mib_private_end(m));
	ck_detail(m, "private MIBs: endOfMibView, 1 requests, found none");
	ck_assert_uint_eq(m->notes, 0);

	/* SNMPv1 ends with noSuchName. */
	mib_private_start(v1);
	private_answer(v1, "1.3.6.1.4.1.2011.5.25.31.1.1.1.1.1.1", ASN_INTEGER);
	mib_private(v1, SNMP_ERR_NOSUCHNAME, NULL);
	ck_assert(v1->walk_end);
	ck_assert(mib_private_end(v1));
	ck_detail(v1,
	    "private MIBs: end of enterprises, 2 requests, found 2011");
	ck_assert_uint_eq(v1->notes, 0);
	/* The last enterprise number has nothing after it. */
	mib_private_start(v1);
	private_answer(v1, "1.3.6.1.4.1.4294967295.1", ASN_INTEGER);
	ck_assert(v1->walk_end);
	ck_assert(mib_private_end(v1));
	ck_detail(v1,
	    "private MIBs: end of enterprises, 1 requests, "
	    "found 4294967295");
	ck_assert_uint_eq(v1->notes, 0);
	mib_free(m);
	mib_free(v1);
}
END_TEST

START_TEST(test_private_request_bound)
{
	struct mib *m = mib_new(2, 100000, NULL);
	char name[300];
	int answers = 0;

	/* An agent with a subtree under every number: each answer is the
	 * first object past what was asked, and the discovery stops at
	 * MIB_PRIVATE_MAX requests. */
	mib_private_start(m);
	snprintf(name, sizeof(name), "%s.2011.1", private_cur(m));
	private_answer(m, name, ASN_INTEGER);
	answers++;
	while (!m->walk_end) {
		ck_assert_int_lt(answers, MIB_PRIVATE_MAX);
		snprintf(name, sizeof(name), "%s.1", private_cur(m));
		private_answer(m, name, ASN_INTEGER);
		answers++;
	}
	ck_assert_int_eq(answers, MIB_PRIVATE_MAX);
	ck_assert_int_eq(m->priv_requests, MIB_PRIVATE_MAX);
	ck_assert(mib_private_end(m));
	ck_detail(m,
	    "private MIBs: request bound, 8 requests, found 2011 2012 "
	    "2013 2014 2015 2016 2017 2018");
	ck_assert_uint_eq(count_inputs(m->element, EV_PRIVATE_MIB), 8);
	ck_assert_uint_eq(m->notes, SWEEP_NOTE_PRIVATE_MIB);
	ck_assert_int_eq(m->rows, 8);
	mib_free(m);
}
END_TEST

START_TEST(test_private_broken_answers)
{
	static const struct {
		const char *first;  /* answer to the first request, or NULL */
		const char *second; /* answer to the next one */
		u_char type;
		const char *detail;
	} cases[] = {
		/* Back into the subtree it already answered: a loop. */
		{ "1.3.6.1.4.1.2011.1", "1.3.6.1.4.1.2011.1", ASN_INTEGER,
		    "private MIBs: non-increasing OID, 2 requests, found "
		    "2011" },
		/* The very OID asked for is not past it. */
		{ "1.3.6.1.4.1.2011.1", "1.3.6.1.4.1.2012", ASN_INTEGER,
		    "private MIBs: non-increasing OID, 2 requests, found "
		    "2011" },
		{ NULL, "1.3.6.1.4.1", ASN_INTEGER,
		    "private MIBs: non-increasing OID, 1 requests, found "
		    "none" },
		{ NULL, "1.3.6.1.2.1.1.1.0", ASN_OCTET_STR,
		    "private MIBs: non-increasing OID, 1 requests, found "
		    "none" },
		/* GETNEXT never answers noSuch*. */
		{ "1.3.6.1.4.1.2011.1", "1.3.6.1.4.1.2636.1", SNMP_NOSUCHOBJECT,
		    "private MIBs: bad value, 2 requests, found 2011" },
		{ NULL, "1.3.6.1.4.1.9.1", SNMP_NOSUCHINSTANCE,
		    "private MIBs: bad value, 1 requests, found none" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct mib *m = mib_new(2, 100000, NULL);

		mib_private_start(m);
		if (cases[i].first != NULL)
			private_answer(m, cases[i].first, ASN_INTEGER);
		private_answer(m, cases[i].second, cases[i].type);
		ck_assert_msg(m->walk_end, "case %zu", i);
		/* The walks still follow. */
		ck_assert(mib_private_end(m));
		ck_detail(m, cases[i].detail);
		ck_assert_uint_eq(m->notes, SWEEP_NOTE_PRIVATE_MIB);
		ck_assert_uint_eq(count_inputs(m->element, EV_PRIVATE_MIB),
		    cases[i].first != NULL);
		mib_free(m);
	}
}
END_TEST

START_TEST(test_private_errors_and_silence)
{
	struct mib *m = mib_new(2, 100000, NULL);

	/* noSuchName is an error for v2c; so is any other status. */
	mib_private_start(m);
	mib_private(m, SNMP_ERR_NOSUCHNAME, NULL);
	ck_assert(m->walk_end);
	ck_assert(mib_private_end(m));
	ck_detail(m, "private MIBs: error status (noSuchName)");
	ck_detail(m, "MIB., 1 requests, found none");
	mib_private_start(m);
	private_answer(m, "1.3.6.1.4.1.3902.1", ASN_INTEGER);
	mib_private(m, SNMP_ERR_GENERR, NULL);
	ck_assert(mib_private_end(m));
	ck_detail(m, "private MIBs: error status (genError)");
	ck_detail(m, ", 2 requests, found 3902");
	mib_private_start(m);
	mib_private(m, SNMP_ERR_NOERROR, NULL);
	ck_assert(mib_private_end(m));
	ck_detail(m, "private MIBs: empty response, 1 requests");
	/* Silence: what came before it is kept. */
	mib_private_start(m);
	private_answer(m, "1.3.6.1.4.1.5491.1", ASN_INTEGER);
	mib_private_cut(m, "timeout");
	ck_assert(m->walk_end);
	ck_assert(mib_private_end(m));
	ck_detail(m, "private MIBs: timeout, 2 requests, found 5491");
	ck_assert(has_input(m->element, EV_PRIVATE_MIB, "1.3.6.1.4.1.5491"));
	ck_assert_uint_eq(m->notes, SWEEP_NOTE_PRIVATE_MIB);
	mib_free(m);
}
END_TEST

START_TEST(test_private_row_budget)
{
	struct mib *m = mib_new(2, 2, NULL);

	/* Each subtree is a row of the target's budget, which is cut by a
	 * subtree it cannot pay for. */
	mib_private_start(m);
	private_answer(m, "1.3.6.1.4.1.2011.1", ASN_INTEGER);
	private_answer(m, "1.3.6.1.4.1.2021.1", ASN_INTEGER);
	ck_assert(!m->budget_spent);
	private_answer(m, "1.3.6.1.4.1.9999.1", ASN_INTEGER);
	ck_assert(m->walk_end);
	ck_assert(m->budget_spent);
	ck_assert(!has_input(m->element, EV_PRIVATE_MIB, "1.3.6.1.4.1.9999"));
	/* Nothing is left for the walks. */
	ck_assert(!mib_private_end(m));
	ck_detail(m,
	    "private MIBs: row budget, 3 requests, found 2011, stepped "
	    "past 2021");
	ck_assert_uint_eq(m->notes, SWEEP_NOTE_BUDGET | SWEEP_NOTE_PRIVATE_MIB);
	ck_assert_int_eq(m->rows, 2);
	mib_free(m);
}
END_TEST

/* ---- system scalars ---------------------------------------------------- */

START_TEST(test_system_scalars)
{
	struct mib *m = mib_new(2, 100000, NULL);
	netsnmp_variable_list *l = NULL;
	struct sighting *e = m->element;

	add_str(&l, "sysDescr", NULL, "Huawei Versatile Routing Platform");
	add_oid(&l, "sysObjectID", NULL, "1.3.6.1.4.1.2011.2.23.374");
	add_str(&l, "sysName", NULL, "hw-access-1");
	add_int(&l, "lldpLocChassisIdSubtype", NULL, 4);
	add_hex(&l, "lldpLocChassisId", NULL, "00259e112233");
	system_get(m, l);
	l = NULL;
	add_hex(&l, "ifPhysAddress", "1", "00259e000001");
	walk(m, "ifPhysAddress", l);
	mib_assemble(m, "80001f8803525400123456");

	ck_assert_str_eq(e->sys_descr, "Huawei Versatile Routing Platform");
	ck_assert(has_input(e, EV_SYSDESCR, e->sys_descr));
	ck_assert_str_eq(e->sys_object_id, "1.3.6.1.4.1.2011.2.23.374");
	ck_assert(has_input(e, EV_SYSOBJECTID, "1.3.6.1.4.1.2011.2.23.374"));
	ck_assert_str_eq(e->sys_name, "hw-access-1");
	/* LLDP's own chassis ID beats the lowest interface MAC. */
	ck_assert_str_eq(e->chassis_mac, "00:25:9e:11:22:33");
	ck_assert(has_input(e, EV_OUI, "00:25:9e:11:22:33"));
	ck_assert(has_input(e, EV_ENGINEID, "80001f8803525400123456"));
	ck_assert_str_eq(e->mgmt_ip, "192.0.2.1");
	ck_detail(m, "system: 3 of 3 values");
	ck_assert_uint_eq(m->notes, 0);
	mib_free(m);
}
END_TEST

START_TEST(test_system_wrong_types)
{
	struct mib *m = mib_new(2, 100000, NULL);
	netsnmp_variable_list *l = NULL;
	struct sighting *e = m->element;

	add_oid(&l, "sysDescr", NULL, "1.3.6.1.4.1.2011");
	add_str(&l, "sysObjectID", NULL, "1.3.6.1.4.1.2011");
	add_int(&l, "sysName", NULL, 7);
	add_str(&l, "lldpLocChassisIdSubtype", NULL, "4");
	add_int(&l, "lldpLocChassisId", NULL, 4);
	system_get(m, l);
	mib_assemble(m, NULL);

	ck_assert_ptr_null(e->sys_descr);
	ck_assert_ptr_null(e->sys_object_id);
	ck_assert_ptr_null(e->sys_name);
	ck_assert_ptr_null(e->chassis_mac);
	ck_assert_uint_eq(count_inputs(e, EV_SYSDESCR), 0);
	ck_assert_uint_eq(count_inputs(e, EV_SYSOBJECTID), 0);
	ck_detail(m, "sysDescr: wrong type OBJECT IDENTIFIER");
	ck_detail(m, "sysObjectID: wrong type OCTET STRING");
	ck_detail(m, "sysName: wrong type INTEGER");
	ck_detail(m, "lldpLocChassisIdSubtype: wrong type OCTET STRING");
	ck_detail(m, "lldpLocChassisId: wrong type INTEGER");
	ck_detail(m, "system: no usable values");
	ck_assert_uint_eq(m->notes, SWEEP_NOTE_WRONG_TYPE);
	mib_free(m);
}
END_TEST

START_TEST(test_system_missing)
{
	struct mib *m = mib_new(2, 100000, NULL);
	struct mib *some = mib_new(2, 100000, NULL);
	netsnmp_variable_list *l = NULL;

	/* noSuchObject for all: no system group, and no complaint about
	 * types. */
	for (int s = 0; s < MIB_S_COUNT; s++)
		add_exception(&l, mib_scalars[s].name, NULL, SNMP_NOSUCHOBJECT);
	system_get(m, l);
	ck_detail(m, "system: no system group");
	ck_assert_uint_eq(m->notes, SWEEP_NOTE_NO_SYSTEM);
	ck_assert_ptr_null(m->element->sys_descr);

	/* Only sysName; the LLDP scalars absent; an empty sysDescr is kept
	 * but is no evidence. */
	l = NULL;
	add_str(&l, "sysDescr", NULL, "");
	add_exception(&l, "sysObjectID", NULL, SNMP_NOSUCHINSTANCE);
	add_str(&l, "sysName", NULL, "cam-lobby");
	system_get(some, l);
	ck_detail(some, "system: 2 of 3 values");
	ck_assert_uint_eq(some->notes, 0);
	ck_assert_str_eq(some->element->sys_descr, "");
	ck_assert_uint_eq(count_inputs(some->element, EV_SYSDESCR), 0);
	ck_assert_str_eq(some->element->sys_name, "cam-lobby");
	mib_free(m);
	mib_free(some);
}
END_TEST

START_TEST(test_system_v1_no_such_name)
{
	struct mib *m = mib_new(1, 100000, NULL);
	struct mib *none = mib_new(1, 100000, NULL);
	struct mib *err = mib_new(2, 100000, NULL);
	unsigned all = (1u << MIB_S_COUNT) - 1;

	/* SNMPv1 refuses the whole GET for the fourth scalar asked: ask
	 * again without it. */
	mib_system(m, SNMP_ERR_NOSUCHNAME, 4, NULL);
	ck_assert(m->ask_again);
	ck_assert_uint_eq(m->ask, all & ~(1u << MIB_S_LLDP_SUBTYPE));
	/* Now the fourth asked is lldpLocChassisId. */
	mib_system(m, SNMP_ERR_NOSUCHNAME, 4, NULL);
	ck_assert_uint_eq(m->ask,
	    all & ~(1u << MIB_S_LLDP_SUBTYPE) & ~(1u << MIB_S_LLDP_CHASSIS));
	ck_assert_uint_eq(m->notes, 0);

	/* Refused down to the last one: no system group. */
	none->ask = 1u << MIB_S_NAME;
	mib_system(none, SNMP_ERR_NOSUCHNAME, 1, NULL);
	ck_assert(!none->ask_again);
	ck_detail(none, "system: no system group");
	ck_assert_uint_eq(none->notes, SWEEP_NOTE_NO_SYSTEM);

	mib_system(err, SNMP_ERR_GENERR, 1, NULL);
	ck_detail(err, "system: error status (genError)");
	ck_assert_uint_eq(err->notes, SWEEP_NOTE_ERROR_STATUS);
	mib_free(m);
	mib_free(none);
	mib_free(err);
}
END_TEST

/* ---- text -------------------------------------------------------------- */

START_TEST(test_text_kept_as_bytes)
{
	static const uint8_t descr[] = { 'Z', 'T', 'E', 0, 0xff, 0xfe, ' ',
		0xc0, 0xaf, '\\', 'x', '4', '1', 0, 0 };
	static const uint8_t name[] = { 'c', 'a', 'f', 0xe9, 0 };
	struct mib *m = mib_new(2, 100000, NULL);
	netsnmp_variable_list *l = NULL;
	struct sighting *e = m->element;
	uint8_t got[sizeof(descr)];
	const struct sweep_neighbour *n;

	add(&l, "sysDescr", NULL, ASN_OCTET_STR, descr, sizeof(descr));
	add(&l, "sysName", NULL, ASN_OCTET_STR, name, sizeof(name));
	system_get(m, l);
	l = NULL;
	add_int(&l, "lldpRemChassisIdSubtype", R1, 7);
	walk(m, "lldpRemChassisIdSubtype", l);
	l = NULL;
	add(&l, "lldpRemChassisId", R1, ASN_OCTET_STR, descr, sizeof(descr));
	walk(m, "lldpRemChassisId", l);
	l = NULL;
	add(&l, "lldpRemSysName", R1, ASN_OCTET_STR, name, 4);
	walk(m, "lldpRemSysName", l);
	mib_assemble(m, NULL);

	/* Not UTF-8, a NUL inside, trailing NULs: the bytes, trailing NULs
	 * dropped, nothing escaped (a backslash stays one byte). */
	ck_assert(!text_wire_is_utf8(e->sys_descr));
	ck_assert_uint_eq(text_wire_decode(e->sys_descr, NULL),
	    sizeof(descr) - 2);
	text_wire_decode(e->sys_descr, got);
	ck_assert_mem_eq(got, descr, sizeof(descr) - 2);
	ck_assert(has_input(e, EV_SYSDESCR, e->sys_descr));
	ck_assert_uint_eq(text_wire_decode(e->sys_name, NULL), 4);
	text_wire_decode(e->sys_name, got);
	ck_assert_mem_eq(got, name, 4);

	/* The same rule for a neighbour's text, after the subtype prefix. */
	n = neighbour_at(m, "lldp", "10");
	ck_assert_uint_eq(text_wire_decode(n->sighting->chassis_id, NULL),
	    2 + sizeof(descr) - 2);
	text_wire_decode(n->sighting->chassis_id, got);
	ck_assert_mem_eq(got, "7:", 2);
	text_wire_decode(n->sighting->chassis_id + 2, got);
	ck_assert_mem_eq(got, descr, sizeof(descr) - 2);
	ck_assert_uint_eq(text_wire_decode(n->sighting->sys_name, NULL), 4);
	mib_free(m);
}
END_TEST

Suite *snmp_mib_suite(void);

Suite *
snmp_mib_suite(void)
{
	Suite *s = suite_create("snmp_mib");
	TCase *tc;

	tc = tcase_create("entity");
	tcase_add_test(tc, test_entity_chassis);
	tcase_add_test(tc, test_entity_lone_chassis);
	tcase_add_test(tc, test_entity_no_chassis);
	suite_add_tcase(s, tc);

	tc = tcase_create("neighbours");
	tcase_add_test(tc, test_lldp_remote_rows);
	tcase_add_test(tc, test_cdp_cache_rows);
	tcase_add_test(tc, test_cdp_rows_of_one_box);
	tcase_add_test(tc, test_arp_ip_net_to_media);
	tcase_add_test(tc, test_arp_ip_net_to_physical);
	tcase_add_test(tc, test_bridge_fdb);
	tcase_add_test(tc, test_qbridge_fdb);
	suite_add_tcase(s, tc);

	tc = tcase_create("walks");
	tcase_add_test(tc, test_interface_macs);
	tcase_add_test(tc, test_chassis_mac_skips_placeholders);
	tcase_add_test(tc, test_interface_macs_bounded);
	tcase_add_test(tc, test_walk_non_increasing);
	tcase_add_test(tc, test_walk_end_of_mib_view);
	tcase_add_test(tc, test_walk_row_budget);
	tcase_add_test(tc, test_walk_budget_counts_rows);
	tcase_add_test(tc, test_walk_budget_cuts_first_column);
	tcase_add_test(tc, test_walk_later_column_bounded);
	tcase_add_test(tc, test_walk_management_addresses_own_table);
	tcase_add_test(tc, test_walk_errors);
	tcase_add_test(tc, test_walk_skips_empty_groups);
	suite_add_tcase(s, tc);

	tc = tcase_create("private");
	tcase_add_test(tc, test_private_subtrees);
	tcase_add_test(tc, test_private_generic_only);
	tcase_add_test(tc, test_private_ends);
	tcase_add_test(tc, test_private_request_bound);
	tcase_add_test(tc, test_private_broken_answers);
	tcase_add_test(tc, test_private_errors_and_silence);
	tcase_add_test(tc, test_private_row_budget);
	suite_add_tcase(s, tc);

	tc = tcase_create("system");
	tcase_add_test(tc, test_system_scalars);
	tcase_add_test(tc, test_system_wrong_types);
	tcase_add_test(tc, test_system_missing);
	tcase_add_test(tc, test_system_v1_no_such_name);
	tcase_add_test(tc, test_text_kept_as_bytes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(snmp_mib_suite());
	int failed;

	log_init("check_snmp_mib", LOG_DEST_STDERR, 0);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
