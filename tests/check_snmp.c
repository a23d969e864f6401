/*
 * Tests of the SNMP sweep against real agents on loopback: snmpsimd serving
 * the fixtures of tests/fixtures/snmp (a Huawei switch, a Cisco router, a
 * camera without a system group, agents with wrong types and binary text),
 * a small hostile agent written here (OID loops, an agent that stops
 * answering mid-walk), a port nobody listens on, and net-snmp's snmpd for
 * SNMPv3. Traffic goes only to 127.0.0.0/8.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

#include "config/config.h"
#include "common/log.h"
#include "common/text.h"
#include "pipeline/pipeline.h"
#include "probes/snmp.h"
#include "common/util.h"

/* ---- what the callbacks delivered ------------------------------------ */

struct nb {
	struct sighting *s;
	char protocol[8];
	char *local_port;
	char *remote_port;
};

struct element {
	char address[IP_STRLEN];
	uint16_t port;
	char *zone;
	char *section;
	char *detail;
	int64_t rows;
	struct sighting *s;
	struct nb *nb;
	size_t n_nb;
};

struct failure {
	char address[IP_STRLEN];
	uint16_t port;
	char *reason;
	char *engine_id;
};

struct collect {
	struct element el[32];
	size_t n_el;
	struct failure fail[32];
	size_t n_fail;
};

static void
on_element(void *ctx, struct sweep_result *r)
{
	struct collect *c = ctx;
	struct element *e;

	ck_assert_uint_lt(c->n_el, ARRAY_SIZE(c->el));
	e = &c->el[c->n_el++];
	str_copy(e->address, r->address, sizeof(e->address));
	e->port = r->port;
	e->zone = xstrdup(r->zone);
	e->section = xstrdup(r->section);
	e->detail = xstrdup(r->detail);
	e->rows = r->rows;
	if (getenv("CHECK_SNMP_VERBOSE") != NULL)
		fprintf(stderr, "%s:%u: %s\n", r->address, r->port, r->detail);
	/* Take the sightings: the sweep frees what is left. */
	e->s = r->element;
	r->element = NULL;
	e->nb = xcalloc(r->n_neighbours + 1, sizeof(*e->nb));
	e->n_nb = r->n_neighbours;
	for (size_t i = 0; i < r->n_neighbours; i++) {
		e->nb[i].s = r->neighbours[i].sighting;
		r->neighbours[i].sighting = NULL;
		str_copy(e->nb[i].protocol, r->neighbours[i].protocol,
		    sizeof(e->nb[i].protocol));
		e->nb[i].local_port = xstrdup(r->neighbours[i].local_port);
		e->nb[i].remote_port = xstrdup(r->neighbours[i].remote_port);
	}
}

static void
on_failure(void *ctx, const char *address, uint16_t port, const char *section,
    const char *reason, const char *engine_id)
{
	struct collect *c = ctx;
	struct failure *f;

	ck_assert_uint_lt(c->n_fail, ARRAY_SIZE(c->fail));
	f = &c->fail[c->n_fail++];
	if (getenv("CHECK_SNMP_VERBOSE") != NULL)
		fprintf(stderr, "%s:%u: failed: %s (engineID %s)\n", address,
		    port, reason, engine_id ? engine_id : "-");
	str_copy(f->address, address, sizeof(f->address));
	f->port = port;
	f->reason = xstrdup(reason);
	f->engine_id = xstrdup(engine_id);
}

static void
collect_free(struct collect *c)
{
	for (size_t i = 0; i < c->n_el; i++) {
		struct element *e = &c->el[i];

		free(e->zone);
		free(e->section);
		free(e->detail);
		sighting_free(e->s);
		for (size_t k = 0; k < e->n_nb; k++) {
			sighting_free(e->nb[k].s);
			free(e->nb[k].local_port);
			free(e->nb[k].remote_port);
		}
		free(e->nb);
	}
	for (size_t i = 0; i < c->n_fail; i++) {
		free(c->fail[i].reason);
		free(c->fail[i].engine_id);
	}
	memset(c, 0, sizeof(*c));
}

static const struct element *
element_at(const struct collect *c, const char *address)
{
	for (size_t i = 0; i < c->n_el; i++)
		if (strcmp(c->el[i].address, address) == 0)
			return &c->el[i];
	ck_abort_msg("no element delivered for %s", address);
	return NULL;
}

static const struct failure *
failure_at(const struct collect *c, const char *address)
{
	for (size_t i = 0; i < c->n_fail; i++)
		if (strcmp(c->fail[i].address, address) == 0)
			return &c->fail[i];
	ck_abort_msg("no failure delivered for %s", address);
	return NULL;
}

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

static const struct nb *
neighbour_named(const struct element *e, const char *protocol, const char *name)
{
	for (size_t i = 0; i < e->n_nb; i++)
		if (strcmp(e->nb[i].protocol, protocol) == 0 &&
		    e->nb[i].s->sys_name != NULL &&
		    strcmp(e->nb[i].s->sys_name, name) == 0)
			return &e->nb[i];
	ck_abort_msg("no %s neighbour named %s", protocol, name);
	return NULL;
}

static const struct nb *
neighbour_with_addr(const struct element *e, const char *protocol,
    enum addr_kind kind, const char *addr)
{
	for (size_t i = 0; i < e->n_nb; i++)
		if (strcmp(e->nb[i].protocol, protocol) == 0 &&
		    has_addr(e->nb[i].s, kind, addr))
			return &e->nb[i];
	ck_abort_msg("no %s neighbour with address %s", protocol, addr);
	return NULL;
}

static size_t
count_neighbours(const struct element *e, const char *protocol)
{
	size_t n = 0;

	for (size_t i = 0; i < e->n_nb; i++)
		n += strcmp(e->nb[i].protocol, protocol) == 0;
	return n;
}

/* ---- agents ---------------------------------------------------------- */

static char simdir[] = "/tmp/vraudit-snmpsim-XXXXXX";
static bool sim_up;

static const char *
source_root(void)
{
	const char *s = getenv("VRAUDIT_SOURCE_ROOT");

	return s != NULL ? s : ".";
}

/* The agents snmpsimd serves, endpoint and data file. */
static const struct {
	const char *endpoint;
	const char *file; /* in tests/fixtures/snmp, or generated */
} sim_agents[] = {
    {"127.0.1.1:16161", "huawei-switch.snmprec"},
    {"127.0.1.2:16161", "cisco-router.snmprec"},
    {"127.0.1.3:16161", "camera-nosystem.snmprec"},
    {"127.0.1.4:16161", "hostile-types.snmprec"},
    {"127.0.1.5:16161", "hostile-binary.snmprec"},
    {"127.0.1.6:16161", "hostile-huge.snmprec"},
    {"127.0.1.7:16161", "@endless"},
    {"127.0.1.8:16161", "zte-bridge.snmprec"},
};

/* An interface table far longer than any row budget a test sets. */
static void
write_endless(const char *path)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fprintf(f, "1.3.6.1.2.1.1.1.0|4|Endless agent\n");
	for (unsigned i = 1; i <= 3000; i++)
		fprintf(f, "1.3.6.1.2.1.2.2.1.6.%u|4x|00259e%06x\n", i, i);
	ck_assert_int_eq(fclose(f), 0);
}

static void
sim_start(void)
{
	char cmd[8192], gen[512];
	size_t off;

	if (system("command -v snmpsimd >/dev/null 2>&1") != 0) {
		fprintf(stderr, "check_snmp: SKIP snmpsimd tests: snmpsimd not "
				"installed\n");
		return;
	}
	ck_assert_ptr_nonnull(mkdtemp(simdir));
	/* snmpsimd may run as another user: it must reach its files. */
	ck_assert_int_eq(chmod(simdir, 0755), 0);
	snprintf(gen, sizeof(gen), "%s/endless.snmprec", simdir);
	write_endless(gen);
	off = (size_t)snprintf(cmd, sizeof(cmd),
	    "%s/tests/lib/snmpsim.sh start %s/run", source_root(), simdir);
	for (size_t i = 0; i < ARRAY_SIZE(sim_agents); i++) {
		if (sim_agents[i].file[0] == '@')
			off += (size_t)snprintf(cmd + off, sizeof(cmd) - off,
			    " %s %s", sim_agents[i].endpoint, gen);
		else
			off += (size_t)snprintf(cmd + off, sizeof(cmd) - off,
			    " %s %s/tests/fixtures/snmp/%s",
			    sim_agents[i].endpoint, source_root(),
			    sim_agents[i].file);
		ck_assert_uint_lt(off, sizeof(cmd));
	}
	ck_assert_msg(system(cmd) == 0, "snmpsimd did not start: %s", cmd);
	sim_up = true;
}

static void
sim_stop(void)
{
	char cmd[1024];

	if (!sim_up)
		return;
	snprintf(cmd, sizeof(cmd),
	    "%s/tests/lib/snmpsim.sh stop %s/run; rm -rf %s", source_root(),
	    simdir, simdir);
	if (system(cmd) != 0)
		fprintf(stderr, "check_snmp: could not stop snmpsimd\n");
	sim_up = false;
}

#define NEED_SIM()                                                             \
	do {                                                                   \
		if (!sim_up) {                                                 \
			fprintf(stderr, "check_snmp: SKIP %s: no snmpsimd\n",  \
			    __func__);                                         \
			return;                                                \
		}                                                              \
	} while (0)

static struct sweep_cred
community(const char *name, const char *zone)
{
	struct sweep_cred t;

	memset(&t, 0, sizeof(t));
	t.section = name;
	t.version = 2;
	t.port = 161;
	t.community = "public";
	t.zone = zone;
	return t;
}

static struct sweep *
sweep_for(struct collect *c, int64_t timeout_ms, int retries, int64_t max_rows)
{
	struct sweep_callbacks cb = {on_element, on_failure};
	struct sweep_params p;

	sweep_params_init(&p);
	p.timeout_ms = timeout_ms;
	p.retries = retries;
	p.max_rows = max_rows;
	memset(c, 0, sizeof(*c));
	return sweep_new(&p, &cb, c);
}

static void
add(struct sweep *sw, const char *spec, const struct sweep_cred *t)
{
	char err[256] = "";

	ck_assert_msg(sweep_add(sw, sweep_cred_add(sw, t), spec, err,
	    sizeof(err)) == 0, "%s", err);
}

/* ---- the well-behaved agents ----------------------------------------- */

START_TEST(test_huawei_switch)
{
	struct sweep_cred t = community("core", "core");
	struct collect c;
	struct sweep *sw;
	struct sweep_stats st;
	const struct element *e;
	const struct nb *n;

	NEED_SIM();
	sw = sweep_for(&c, 1000, 1, 100000);
	add(sw, "127.0.1.1:16161", &t);
	ck_assert_int_eq(sweep_run(sw), 0);
	sweep_stats(sw, &st);
	ck_assert_uint_eq(st.targets, 1);
	ck_assert_uint_eq(st.answered, 1);
	ck_assert_uint_eq(st.failed, 0);

	e = element_at(&c, "127.0.1.1");
	ck_assert_uint_eq(e->port, 16161);
	ck_assert_str_eq(e->zone, "core");
	ck_assert_str_eq(e->section, "core");
	ck_assert_str_eq(e->s->source, "snmp");
	ck_assert_str_eq(e->s->mgmt_ip, "127.0.1.1");
	ck_assert_str_eq(e->s->zone, "core");
	ck_assert_str_eq(e->s->sys_name, "hw-access-1");
	ck_assert_str_eq(e->s->sys_object_id, "1.3.6.1.4.1.2011.2.23.374");
	ck_assert_str_eq(e->s->sys_descr,
	    "Huawei Versatile Routing Platform Software\r\nVRP (R) software, "
	    "Version 5.170 (S5720 V200R011C10SPC600)\r\nCopyright (C) "
	    "2000-2018 "
	    "HUAWEI TECH Co., Ltd");
	ck_assert(has_input(e->s, EV_SYSOBJECTID, "1.3.6.1.4.1.2011.2.23.374"));
	ck_assert(has_input(e->s, EV_SYSDESCR, e->s->sys_descr));
	/* The chassis row names the vendor; the optic's maker is a component.
	 */
	ck_assert(has_input(e->s, EV_ENTITY_MFG, "Huawei"));
	ck_assert_uint_eq(count_inputs(e->s, EV_ENTITY_MFG), 1);
	ck_assert(has_input(e->s, EV_COMPONENT, "HISILICON"));
	ck_assert_uint_eq(count_inputs(e->s, EV_COMPONENT), 1);
	ck_assert_str_eq(e->s->model, "S5720-28X-SI-AC");
	ck_assert_str_eq(e->s->serial, "2102350DLY10H8000123");
	ck_assert_str_eq(e->s->software, "V200R011C10SPC600");
	/* LLDP's local chassis ID wins over the lowest interface MAC. */
	ck_assert_str_eq(e->s->chassis_mac, "00:25:9e:11:22:33");
	ck_assert(has_addr(e->s, ADDR_MAC, "00:25:9e:11:22:34"));
	ck_assert(has_addr(e->s, ADDR_MAC, "00:25:9e:11:22:40"));
	ck_assert(has_input(e->s, EV_OUI, "00:25:9e:11:22:35"));
	ck_assert(has_input(e->s, EV_OUI, "00:25:9e:11:22:33"));

	ck_assert_uint_eq(count_neighbours(e, "lldp"), 3);
	n = neighbour_named(e, "lldp", "zte-agg-7");
	ck_assert_str_eq(n->s->source, "lldp");
	ck_assert_str_eq(n->s->chassis_mac, "00:19:c6:aa:bb:cc");
	ck_assert_str_eq(n->s->chassis_id, "4:00:19:c6:aa:bb:cc");
	ck_assert(has_input(n->s, EV_OUI, "00:19:c6:aa:bb:cc"));
	ck_assert(has_input(n->s, EV_LLDP,
	    "ZTE ZXR10 M6000-8S Plus Software, Version V5.00.10"));
	ck_assert_str_eq(n->s->mgmt_ip, "192.0.2.7");
	ck_assert_str_eq(n->local_port, "10");
	ck_assert_str_eq(n->remote_port, "xgei-1/1/0/1");
	ck_assert_str_eq(n->s->zone, "core");
	n = neighbour_named(e, "lldp", "cam-lobby");
	ck_assert_str_eq(n->s->chassis_mac, "44:19:b6:01:02:03");
	ck_assert_str_eq(n->remote_port, "44:19:b6:01:02:03");
	ck_assert_str_eq(n->s->mgmt_ip, "192.0.2.66");
	ck_assert_str_eq(n->local_port, "11");
	/* Chassis ID as a network address, port ID as a MAC. */
	n = neighbour_named(e, "lldp", "olt-3");
	ck_assert_str_eq(n->s->chassis_id, "5:192.0.2.9");
	ck_assert_ptr_null(n->s->chassis_mac);
	ck_assert(has_addr(n->s, ADDR_IPV4, "192.0.2.9"));
	ck_assert_str_eq(n->remote_port, "d0:15:4a:00:00:09");
	ck_assert(has_input(n->s, EV_OUI, "d0:15:4a:00:00:09"));
	ck_assert_ptr_null(n->s->sys_descr);
	ck_assert_uint_eq(count_inputs(n->s, EV_LLDP), 0);

	ck_assert_uint_eq(count_neighbours(e, "arp"), 2);
	n = neighbour_with_addr(e, "arp", ADDR_IPV4, "192.0.2.7");
	ck_assert(has_addr(n->s, ADDR_MAC, "00:19:c6:aa:bb:cc"));
	ck_assert(has_input(n->s, EV_OUI, "00:19:c6:aa:bb:cc"));
	ck_assert_str_eq(n->local_port, "6");
	n = neighbour_with_addr(e, "arp", ADDR_MAC, "00:1b:54:c0:ff:ee");
	ck_assert(has_addr(n->s, ADDR_IPV4, "192.0.2.99"));
	ck_assert_uint_eq(count_neighbours(e, "cdp"), 0);

	ck_assert_ptr_nonnull(strstr(e->detail, "system: 3 of 3 values"));
	ck_assert_ptr_nonnull(
	    strstr(e->detail, "entPhysicalClass: end of table, 3 rows"));
	ck_assert_ptr_nonnull(
	    strstr(e->detail, "lldpRemSysName: end of table, 3 rows"));
	ck_assert_ptr_nonnull(
	    strstr(e->detail, "ifPhysAddress: end of table, 4 rows"));
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

START_TEST(test_cisco_cdp)
{
	struct sweep_cred t = community("edge", NULL);
	struct collect c;
	struct sweep *sw;
	const struct element *e;
	const struct nb *n;

	NEED_SIM();
	sw = sweep_for(&c, 1000, 1, 100000);
	add(sw, "127.0.1.2:16161", &t);
	ck_assert_int_eq(sweep_run(sw), 0);
	e = element_at(&c, "127.0.1.2");
	ck_assert_ptr_null(e->zone);
	ck_assert_str_eq(e->s->sys_name, "edge-rtr-2");
	ck_assert_str_eq(e->s->sys_object_id, "1.3.6.1.4.1.9.1.1861");
	/* No LLDP: the lowest interface MAC stands for the chassis. */
	ck_assert_str_eq(e->s->chassis_mac, "00:26:cb:0a:0b:0c");
	ck_assert_uint_eq(count_inputs(e->s, EV_ENTITY_MFG), 0);

	ck_assert_uint_eq(count_neighbours(e, "cdp"), 2);
	n = neighbour_named(e, "cdp", "ne40e-core-1");
	ck_assert_str_eq(n->s->source, "cdp");
	ck_assert_str_eq(n->s->mgmt_ip, "192.0.2.5");
	ck_assert(has_input(n->s, EV_CDP, "HUAWEI NE40E-X8A"));
	ck_assert(has_input(n->s, EV_CDP,
	    "Huawei Versatile Routing Platform Software\n"
	    "VRP (R) software, Version 8.180 (NE40E V800R011C00SPC200)"));
	ck_assert_str_eq(n->s->model, "HUAWEI NE40E-X8A");
	ck_assert_str_eq(n->local_port, "1");
	ck_assert_str_eq(n->remote_port, "GigabitEthernet0/0/1");
	n = neighbour_named(e, "cdp", "sw-floor3.example.net");
	ck_assert_str_eq(n->s->mgmt_ip, "192.0.2.6");
	ck_assert_str_eq(n->remote_port, "GigabitEthernet1/0/48");
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

START_TEST(test_camera_without_system_group)
{
	struct sweep_cred t = community("cams", "sensitive-site");
	struct collect c;
	struct sweep *sw;
	const struct element *e;

	NEED_SIM();
	sw = sweep_for(&c, 1000, 1, 100000);
	add(sw, "127.0.1.3:16161", &t);
	ck_assert_int_eq(sweep_run(sw), 0);
	ck_assert_uint_eq(c.n_fail, 0);
	e = element_at(&c, "127.0.1.3");
	ck_assert_ptr_null(e->s->sys_descr);
	ck_assert_ptr_null(e->s->sys_name);
	ck_assert_ptr_null(e->s->sys_object_id);
	ck_assert_uint_eq(count_inputs(e->s, EV_SYSDESCR), 0);
	ck_assert_uint_eq(count_inputs(e->s, EV_SYSOBJECTID), 0);
	ck_assert_str_eq(e->s->chassis_mac, "44:19:b6:a1:b2:c3");
	ck_assert(has_input(e->s, EV_OUI, "44:19:b6:a1:b2:c3"));
	ck_assert_uint_eq(count_inputs(e->s, EV_OUI), 1);
	ck_assert_ptr_nonnull(strstr(e->detail, "system: no system group"));
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

/* ---- hostile agents served by snmpsimd -------------------------------- */

START_TEST(test_wrong_types)
{
	struct sweep_cred t = community("x", NULL);
	struct collect c;
	struct sweep *sw;
	const struct element *e;

	NEED_SIM();
	sw = sweep_for(&c, 1000, 1, 100000);
	add(sw, "127.0.1.4:16161", &t);
	ck_assert_int_eq(sweep_run(sw), 0);
	e = element_at(&c, "127.0.1.4");
	/* An OID where a string belongs and the reverse are not values. */
	ck_assert_ptr_null(e->s->sys_descr);
	ck_assert_ptr_null(e->s->sys_object_id);
	ck_assert_ptr_null(e->s->sys_name);
	ck_assert_uint_eq(count_inputs(e->s, EV_SYSDESCR), 0);
	ck_assert_uint_eq(count_inputs(e->s, EV_SYSOBJECTID), 0);
	ck_assert_ptr_nonnull(
	    strstr(e->detail, "sysDescr: wrong type OBJECT IDENTIFIER"));
	ck_assert_ptr_nonnull(
	    strstr(e->detail, "sysObjectID: wrong type OCTET STRING"));
	ck_assert_ptr_nonnull(strstr(e->detail, "sysName: wrong type INTEGER"));
	ck_assert_ptr_nonnull(strstr(e->detail, "system: no usable values"));
	/* Only the one six-byte ifPhysAddress is a MAC. */
	ck_assert_uint_eq(count_inputs(e->s, EV_OUI), 1);
	ck_assert(has_input(e->s, EV_OUI, "00:25:9e:01:02:03"));
	ck_assert_ptr_nonnull(strstr(e->detail,
	    "ifPhysAddress: end of table, 5 rows, 4 bad values skipped"));
	ck_assert_uint_eq(count_neighbours(e, "arp"), 0);
	ck_assert_ptr_nonnull(
	    strstr(e->detail, "ipNetToMediaPhysAddress: end of table, 2 rows, "
			      "2 bad values skipped"));
	/* A string where an INTEGER belongs leaves no chassis row. */
	ck_assert_uint_eq(count_inputs(e->s, EV_ENTITY_MFG), 0);
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

START_TEST(test_binary_text)
{
	struct sweep_cred t = community("x", NULL);
	struct collect c;
	struct sweep *sw;
	const struct element *e;
	static const uint8_t want[] = "ZTE\0ZXR10\xff\xfe back\\slash "
				      "caf\xc3\xa9 \xc0\xaf end";
	uint8_t got[sizeof(want)];

	NEED_SIM();
	sw = sweep_for(&c, 1000, 1, 100000);
	add(sw, "127.0.1.5:16161", &t);
	ck_assert_int_eq(sweep_run(sw), 0);
	e = element_at(&c, "127.0.1.5");
	/* The bytes as they came, trailing NULs dropped (wire text: the NUL
	 * inside travels as C0 80, the C0 byte as C0 C0). */
	ck_assert_str_eq(e->s->sys_descr,
	    "ZTE\xc0\x80ZXR10\xff\xfe back\\slash caf\xc3\xa9 \xc0\xc0\xaf end");
	ck_assert(!text_wire_is_utf8(e->s->sys_descr));
	ck_assert_uint_eq(text_wire_decode(e->s->sys_descr, NULL),
	    sizeof(want) - 1);
	text_wire_decode(e->s->sys_descr, got);
	ck_assert_mem_eq(got, want, sizeof(want) - 1);
	ck_assert(has_input(e->s, EV_SYSDESCR, e->s->sys_descr));
	/* Valid UTF-8 control characters are kept verbatim. */
	ck_assert_str_eq(e->s->sys_name, "name\r\nwith\tcontrol");
	ck_assert_str_eq(e->s->sys_object_id, "1.3.6.1.4.1.3902.3");
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

START_TEST(test_huge_text)
{
	struct sweep_cred t = community("x", NULL);
	struct collect c;
	struct sweep *sw;
	const struct element *e;

	NEED_SIM();
	sw = sweep_for(&c, 1000, 1, 100000);
	add(sw, "127.0.1.6:16161", &t);
	ck_assert_int_eq(sweep_run(sw), 0);
	e = element_at(&c, "127.0.1.6");
	ck_assert_ptr_nonnull(e->s->sys_descr);
	ck_assert_uint_eq(strlen(e->s->sys_descr), 60000);
	ck_assert(strncmp(e->s->sys_descr, "Huawei Huawei ", 14) == 0);
	ck_assert_str_eq(e->s->sys_object_id, "1.3.6.1.4.1.2011.2.23.1");
	ck_assert(has_input(e->s, EV_OUI, "00:25:9e:0a:0b:0c"));
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

START_TEST(test_row_budget)
{
	struct sweep_cred t = community("x", NULL);
	struct collect c;
	struct sweep *sw;
	struct sweep_stats st;
	const struct element *e;

	NEED_SIM();
	sw = sweep_for(&c, 1000, 1, 500);
	add(sw, "127.0.1.7:16161", &t);
	ck_assert_int_eq(sweep_run(sw), 0);
	sweep_stats(sw, &st);
	e = element_at(&c, "127.0.1.7");
	ck_assert_int_eq(e->rows, 500);
	ck_assert_uint_eq(st.rows, 500);
	ck_assert_uint_eq(count_inputs(e->s, EV_OUI), 500);
	ck_assert_str_eq(e->s->sys_descr, "Endless agent");
	ck_assert_ptr_nonnull(
	    strstr(e->detail, "ifPhysAddress: row budget, 500 rows"));
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

START_TEST(test_bridge_and_arp_tables)
{
	struct sweep_cred t = community("access", "fixed-access");
	struct collect c;
	struct sweep *sw;
	const struct element *e;
	const struct nb *n;

	NEED_SIM();
	sw = sweep_for(&c, 1000, 1, 100000);
	add(sw, "127.0.1.8:16161", &t);
	ck_assert_int_eq(sweep_run(sw), 0);
	e = element_at(&c, "127.0.1.8");
	ck_assert_str_eq(e->s->sys_name, "zte-access-9");

	/* ipNetToPhysical: IPv4 and IPv6 neighbours; a 15-byte IPv6 is skipped.
	 */
	ck_assert_uint_eq(count_neighbours(e, "arp"), 2);
	n = neighbour_with_addr(e, "arp", ADDR_IPV4, "192.0.2.20");
	ck_assert(has_addr(n->s, ADDR_MAC, "44:19:b6:00:00:20"));
	ck_assert_str_eq(n->local_port, "3");
	n = neighbour_with_addr(e, "arp", ADDR_IPV6, "2001:db8::21");
	ck_assert(has_input(n->s, EV_OUI, "44:19:b6:00:00:21"));
	ck_assert_ptr_nonnull(
	    strstr(e->detail, "ipNetToPhysicalPhysAddress: end of table, 3 "
			      "rows, 1 bad values skipped"));

	/* Forwarding tables: unicast MACs only; Q-BRIDGE MACs from the index.
	 */
	ck_assert_uint_eq(count_neighbours(e, "fdb"), 4);
	n = neighbour_with_addr(e, "fdb", ADDR_MAC, "00:19:c6:01:02:03");
	ck_assert_str_eq(n->s->source, "mac");
	ck_assert(has_input(n->s, EV_OUI, "00:19:c6:01:02:03"));
	neighbour_with_addr(e, "fdb", ADDR_MAC, "44:19:b6:00:00:20");
	n = neighbour_with_addr(e, "fdb", ADDR_MAC, "00:26:cb:0a:0b:0c");
	ck_assert_str_eq(n->local_port, "7");
	n = neighbour_with_addr(e, "fdb", ADDR_MAC, "00:19:9e:01:01:01");
	ck_assert_str_eq(n->local_port, "9");
	ck_assert_str_eq(n->s->zone, "fixed-access");
	ck_assert_ptr_nonnull(
	    strstr(e->detail, "dot1dTpFdbAddress: end of table, 3 rows"));
	ck_assert_ptr_nonnull(strstr(e->detail,
	    "dot1qTpFdbPort: endOfMibView, 3 rows, 1 bad values skipped"));
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

START_TEST(test_v1_getnext)
{
	struct sweep_cred t = community("old", NULL);
	struct collect c;
	struct sweep *sw;
	const struct element *e;

	NEED_SIM();
	t.version = 1;
	sw = sweep_for(&c, 1000, 1, 100000);
	add(sw, "127.0.1.2:16161", &t);
	ck_assert_int_eq(sweep_run(sw), 0);
	e = element_at(&c, "127.0.1.2");
	/* The agent refuses the LLDP scalars with noSuchName: asked again
	 * without. */
	ck_assert_str_eq(e->s->sys_name, "edge-rtr-2");
	ck_assert_str_eq(e->s->sys_object_id, "1.3.6.1.4.1.9.1.1861");
	ck_assert_uint_eq(count_neighbours(e, "cdp"), 2);
	neighbour_named(e, "cdp", "ne40e-core-1");
	ck_assert_ptr_nonnull(strstr(e->detail, "system: 3 of 3 values"));
	ck_assert_ptr_nonnull(
	    strstr(e->detail, "cdpCacheDeviceId: end of table, 2 rows"));
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

START_TEST(test_config_targets)
{
	struct config cfg;
	struct config_target tg[2];
	struct config_address a0[2], a1[1];
	struct collect c;
	struct sweep *sw;
	struct sweep_params p;
	struct sweep_stats st;
	struct sweep_callbacks cb = {on_element, on_failure};
	const struct element *e;
	const char *msg;
	char err[256];

	NEED_SIM();
	memset(&cfg, 0, sizeof(cfg));
	cfg.snmp_timeout_ms = 300;
	cfg.snmp_retries = 1;
	cfg.snmp_max_inflight = 16;
	cfg.snmp_max_rows = 1000;
	memset(tg, 0, sizeof(tg));
	tg[0].name = (char *)(uintptr_t)"core";
	tg[0].version = 2;
	tg[0].community = (char *)(uintptr_t)"public";
	tg[0].zone = (char *)(uintptr_t)"core";
	tg[0].port = 16161;
	memset(a0, 0, sizeof(a0));
	ck_assert_int_eq(cidr_parse("127.0.1.1", &a0[0].range, &msg), 0);
	ck_assert_int_eq(cidr_parse("127.0.1.2", &a0[1].range, &msg), 0);
	tg[0].addresses = a0;
	tg[0].n_addresses = 2;
	tg[1].name = (char *)(uintptr_t)"dark";
	tg[1].version = 2;
	tg[1].port = 161;
	tg[1].community = (char *)(uintptr_t)"public";
	memset(a1, 0, sizeof(a1));
	ck_assert_int_eq(cidr_parse("127.0.9.8/30", &a1[0].range, &msg), 0);
	a1[0].port = 16199;
	tg[1].addresses = a1;
	tg[1].n_addresses = 1;
	cfg.targets = tg;
	cfg.n_targets = 2;

	pipeline_sweep_params(&cfg, &p);
	ck_assert_int_eq(p.timeout_ms, 300);
	ck_assert_int_eq(p.max_rows, 1000);
	memset(&c, 0, sizeof(c));
	sw = sweep_new(&p, &cb, &c);
	ck_assert_int_eq(pipeline_sweep_targets(sw, &cfg, err, sizeof(err)), 0);
	ck_assert_int_eq(sweep_run(sw), 0);
	sweep_stats(sw, &st);
	ck_assert_uint_eq(st.targets, 4);
	ck_assert_uint_eq(st.answered, 2);
	ck_assert_uint_eq(st.failed, 2);
	e = element_at(&c, "127.0.1.1");
	ck_assert_str_eq(e->section, "core");
	ck_assert_str_eq(e->zone, "core");
	ck_assert_uint_eq(e->port, 16161);
	ck_assert_uint_eq(failure_at(&c, "127.0.9.9")->port, 16199);
	failure_at(&c, "127.0.9.10");
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

/* ---- a hostile agent of our own --------------------------------------- */

/* BER: a TLV header for len content bytes at p; returns bytes written. */
static size_t
ber_header(uint8_t *p, uint8_t tag, size_t len)
{
	p[0] = tag;
	if (len < 128) {
		p[1] = (uint8_t)len;
		return 2;
	}
	if (len < 256) {
		p[1] = 0x81;
		p[2] = (uint8_t)len;
		return 3;
	}
	p[1] = 0x82;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	return 4;
}

/* Wrap buf[0..len) in a TLV, in place; returns the new length. */
static size_t
ber_wrap(uint8_t *buf, size_t len, uint8_t tag)
{
	uint8_t h[4];
	size_t hl = ber_header(h, tag, len);

	memmove(buf + hl, buf, len);
	memcpy(buf, h, hl);
	return hl + len;
}

/* Read a TLV at *p (end e): its tag, content and length; -1 when malformed. */
static int
ber_read(const uint8_t **p, const uint8_t *e, uint8_t *tag, const uint8_t **val,
    size_t *len)
{
	const uint8_t *q = *p;
	size_t l;

	if (e - q < 2)
		return -1;
	*tag = q[0];
	l = q[1];
	q += 2;
	if (l == 0x81) {
		if (e - q < 1)
			return -1;
		l = q[0];
		q += 1;
	} else if (l == 0x82) {
		if (e - q < 2)
			return -1;
		l = (size_t)q[0] << 8 | q[1];
		q += 2;
	} else if (l > 0x7f)
		return -1;
	if ((size_t)(e - q) < l)
		return -1;
	*val = q;
	*len = l;
	*p = q + l;
	return 0;
}

enum hostile_mode {
	HOSTILE_LOOP,      /* every walk answers the same row again */
	HOSTILE_BACKWARDS, /* every walk answers a row before the one asked */
	HOSTILE_STALL,  /* the first walk request is answered, then silence */
	HOSTILE_TOOBIG, /* tooBig to GETBULK asking for more than 4 rows */
};

static const uint8_t oid_sysdescr[] = {0x2b, 6, 1, 2, 1, 1, 1, 0};
static const uint8_t oid_ifphys[] = {0x2b, 6, 1, 2, 1, 2, 2, 1, 6};

/* One varbind: OID content oid/oidlen, then an encoded value. */
static size_t
varbind(uint8_t *out, const uint8_t *oid, size_t oidlen, const uint8_t *value,
    size_t vlen)
{
	size_t n = 0;

	n += ber_header(out + n, 0x06, oidlen);
	memcpy(out + n, oid, oidlen);
	n += oidlen;
	memcpy(out + n, value, vlen);
	n += vlen;
	return ber_wrap(out, n, 0x30);
}

static size_t
hostile_answer(enum hostile_mode mode, unsigned *walks, const uint8_t *req,
    size_t reqlen, uint8_t *out)
{
	const uint8_t *p = req, *e = req + reqlen, *v, *msg, *pdu, *vbl, *vb;
	const uint8_t *version, *comm, *reqid, *oid = NULL;
	size_t l, vlen, clen, rlen, pdulen, vbllen, oidlen = 0, n = 0;
	uint8_t tag, ptag, body[2048], errstat = 0, maxrep;
	static const uint8_t mac[] = {
	    0x04, 6, 0x00, 0x25, 0x9e, 0xee, 0xee, 0x01};
	static const uint8_t text[] = {
	    0x04, 11, 'H', 'o', 's', 't', 'i', 'l', 'e', ' ', 'b', 'o', 'x'};
	static const uint8_t nosuch[] = {0x80, 0}, eom[] = {0x82, 0};
	static const uint8_t null[] = {0x05, 0};
	static const uint8_t zero[] = {0x02, 1, 0};

	if (ber_read(&p, e, &tag, &msg, &l) < 0 || tag != 0x30)
		return 0;
	e = msg + l;
	p = msg;
	if (ber_read(&p, e, &tag, &version, &vlen) < 0 || tag != 0x02)
		return 0;
	if (ber_read(&p, e, &tag, &comm, &clen) < 0 || tag != 0x04)
		return 0;
	if (ber_read(&p, e, &ptag, &pdu, &pdulen) < 0)
		return 0;
	p = pdu;
	e = pdu + pdulen;
	if (ber_read(&p, e, &tag, &reqid, &rlen) < 0 || tag != 0x02)
		return 0;
	if (ber_read(&p, e, &tag, &v, &l) < 0 ||
	    ber_read(&p, e, &tag, &v, &l) < 0)
		return 0;
	/* GETBULK: the second of these is max-repetitions (one byte here). */
	maxrep = l == 1 ? v[0] : 255;
	if (ber_read(&p, e, &tag, &vbl, &vbllen) < 0 || tag != 0x30)
		return 0;
	p = vbl;
	if (ber_read(&p, vbl + vbllen, &tag, &vb, &l) == 0 && tag == 0x30) {
		const uint8_t *q = vb;

		if (ber_read(&q, vb + l, &tag, &oid, &oidlen) < 0 ||
		    tag != 0x06)
			return 0;
	}
	if (oid == NULL)
		return 0;

	if (ptag == 0xa0) {
		/* GET: every scalar asked, sysDescr a value, the rest
		 * noSuchObject. */
		p = vbl;
		while (p < vbl + vbllen) {
			const uint8_t *q, *o;
			size_t ol;

			if (ber_read(&p, vbl + vbllen, &tag, &vb, &l) < 0)
				return 0;
			q = vb;
			if (ber_read(&q, vb + l, &tag, &o, &ol) < 0 || ol > 64)
				return 0;
			if (ol == sizeof(oid_sysdescr) &&
			    memcmp(o, oid_sysdescr, ol) == 0)
				n += varbind(
				    body + n, o, ol, text, sizeof(text));
			else
				n += varbind(
				    body + n, o, ol, nosuch, sizeof(nosuch));
		}
	} else {
		bool ifphys = oidlen >= sizeof(oid_ifphys) &&
			      memcmp(oid, oid_ifphys, sizeof(oid_ifphys)) == 0;
		uint8_t row[16];

		memcpy(row, oid_ifphys, sizeof(oid_ifphys));
		if (!ifphys)
			n += varbind(body, oid, oidlen > 64 ? 64 : oidlen, eom,
			    sizeof(eom));
		else if (mode == HOSTILE_STALL) {
			/* ifPhysAddress.1 and .2, then nothing more. */
			if ((*walks)++ > 0)
				return 0;
			row[sizeof(oid_ifphys)] = 1;
			n += varbind(body, row, sizeof(oid_ifphys) + 1, mac,
			    sizeof(mac));
			row[sizeof(oid_ifphys)] = 2;
			n += varbind(body + n, row, sizeof(oid_ifphys) + 1, mac,
			    sizeof(mac));
		} else if (mode == HOSTILE_TOOBIG) {
			if (maxrep > 4) {
				errstat = 1;
				n += varbind(body, oid,
				    oidlen > 64 ? 64 : oidlen, null,
				    sizeof(null));
			} else if (oidlen == sizeof(oid_ifphys)) {
				/* ifPhysAddress.1 to .3, then the end of the
				 * view. */
				for (uint8_t k = 1; k <= 3; k++) {
					row[sizeof(oid_ifphys)] = k;
					n += varbind(body + n, row,
					    sizeof(oid_ifphys) + 1, mac,
					    sizeof(mac));
				}
			} else
				n += varbind(body, oid,
				    oidlen > 64 ? 64 : oidlen, eom,
				    sizeof(eom));
		} else if (mode == HOSTILE_BACKWARDS) {
			/* ifPhysAddress.5 first, then .1 in answer to anything
			 * past it. */
			row[sizeof(oid_ifphys)] =
			    oidlen > sizeof(oid_ifphys) ? 1 : 5;
			n += varbind(body, row, sizeof(oid_ifphys) + 1, mac,
			    sizeof(mac));
		} else {
			/* ifPhysAddress.5, and again, and again. */
			row[sizeof(oid_ifphys)] = 5;
			n += varbind(body, row, sizeof(oid_ifphys) + 1, mac,
			    sizeof(mac));
			n += varbind(body + n, row, sizeof(oid_ifphys) + 1, mac,
			    sizeof(mac));
		}
	}
	n = ber_wrap(body, n, 0x30);
	/* PDU: request-id, error-status 0, error-index 0, varbinds. */
	{
		uint8_t hdr[64];
		size_t h = 0;

		h += ber_header(hdr, 0x02, rlen);
		memcpy(hdr + h, reqid, rlen);
		h += rlen;
		memcpy(hdr + h, zero, 3);
		hdr[h + 2] = errstat;
		h += 3;
		memcpy(hdr + h, zero, 3);
		h += 3;
		memmove(body + h, body, n);
		memcpy(body, hdr, h);
		n = ber_wrap(body, n + h, 0xa2);
	}
	{
		size_t h = 0;

		h += ber_header(out, 0x02, vlen);
		memcpy(out + h, version, vlen);
		h += vlen;
		h += ber_header(out + h, 0x04, clen);
		memcpy(out + h, comm, clen);
		h += clen;
		memcpy(out + h, body, n);
		return ber_wrap(out, h + n, 0x30);
	}
}

/* Serve mode on addr:port in a child until killed; returns its pid. */
static pid_t
hostile_start(const char *addr, uint16_t port, enum hostile_mode mode)
{
	struct sockaddr_in sin;
	int fd, ready[2];
	pid_t pid;
	char c;

	ck_assert_int_eq(pipe(ready), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		unsigned walks = 0;

		/* check's SIGTERM handler would take the test down with us. */
		signal(SIGTERM, SIG_DFL);
		close(ready[0]);
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons(port);
		inet_pton(AF_INET, addr, &sin.sin_addr);
		if (fd < 0 ||
		    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		for (;;) {
			uint8_t req[4096], out[4096];
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			ssize_t r = recvfrom(fd, req, sizeof(req), 0,
			    (struct sockaddr *)&from, &fl);
			size_t n;

			if (r <= 0)
				continue;
			n = hostile_answer(mode, &walks, req, (size_t)r, out);
			if (n > 0)
				sendto(fd, out, n, 0, (struct sockaddr *)&from,
				    fl);
		}
	}
	close(ready[1]);
	/* Readiness: the child writes once its socket is bound. */
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	close(ready[0]);
	return pid;
}

static void
hostile_stop(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

START_TEST(test_oid_loop)
{
	struct sweep_cred t = community("x", NULL);
	struct collect c;
	struct sweep *sw;
	struct sweep_stats st;
	const struct element *e;
	pid_t loop = hostile_start("127.0.2.1", 16162, HOSTILE_LOOP);
	pid_t back = hostile_start("127.0.2.2", 16162, HOSTILE_BACKWARDS);

	sw = sweep_for(&c, 1000, 0, 100000);
	add(sw, "127.0.2.1:16162", &t);
	add(sw, "127.0.2.2:16162", &t);
	ck_assert_int_eq(sweep_run(sw), 0);
	sweep_stats(sw, &st);
	ck_assert_uint_eq(st.answered, 2);
	e = element_at(&c, "127.0.2.1");
	ck_assert_str_eq(e->s->sys_descr, "Hostile box");
	ck_assert(has_input(e->s, EV_OUI, "00:25:9e:ee:ee:01"));
	ck_assert_ptr_nonnull(
	    strstr(e->detail, "ifPhysAddress: non-increasing OID, 1 rows"));
	ck_assert_ptr_nonnull(
	    strstr(e->detail, "entPhysicalClass: endOfMibView, 0 rows"));
	e = element_at(&c, "127.0.2.2");
	ck_assert_ptr_nonnull(
	    strstr(e->detail, "ifPhysAddress: non-increasing OID, 1 rows"));
	hostile_stop(loop);
	hostile_stop(back);
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

START_TEST(test_stall_mid_walk)
{
	struct sweep_cred t = community("x", NULL);
	struct collect c;
	struct sweep *sw;
	const struct element *e;
	pid_t pid = hostile_start("127.0.2.3", 16162, HOSTILE_STALL);
	int64_t t0 = clock_ms(), dt;

	sw = sweep_for(&c, 300, 1, 100000);
	add(sw, "127.0.2.3:16162", &t);
	ck_assert_int_eq(sweep_run(sw), 0);
	dt = clock_ms() - t0;
	/* What came before the silence is still delivered. */
	e = element_at(&c, "127.0.2.3");
	ck_assert_str_eq(e->s->sys_descr, "Hostile box");
	ck_assert(has_input(e->s, EV_OUI, "00:25:9e:ee:ee:01"));
	ck_assert_ptr_nonnull(
	    strstr(e->detail, "ifPhysAddress: timeout mid-walk, 2 rows"));
	ck_assert_uint_eq(c.n_fail, 0);
	/* One timeout with its retry: about 600 ms. */
	ck_assert_int_ge(dt, 550);
	ck_assert_int_lt(dt, 3000);
	hostile_stop(pid);
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

START_TEST(test_too_big)
{
	struct sweep_cred t = community("x", NULL);
	struct collect c;
	struct sweep *sw;
	const struct element *e;
	pid_t pid = hostile_start("127.0.2.4", 16162, HOSTILE_TOOBIG);

	sw = sweep_for(&c, 1000, 0, 100000);
	add(sw, "127.0.2.4:16162", &t);
	ck_assert_int_eq(sweep_run(sw), 0);
	e = element_at(&c, "127.0.2.4");
	/* tooBig: asked again for fewer rows until the answer fits. */
	ck_assert_ptr_nonnull(
	    strstr(e->detail, "ifPhysAddress: endOfMibView, 3 rows"));
	ck_assert(has_input(e->s, EV_OUI, "00:25:9e:ee:ee:01"));
	hostile_stop(pid);
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

static struct sweep_cred usm(const char *user, const char *auth,
    const char *auth_key, const char *priv, const char *priv_key);

/* A daemon stopping mid-sweep frees it with requests in flight. */
START_TEST(test_free_mid_sweep)
{
	struct sweep_cred t = community("x", NULL);
	struct sweep_cred v3 = usm(
	    "auditor", "SHA-256", "auth-secret-1", "AES-128", "priv-secret-1");
	struct collect c;
	struct sweep *sw;
	struct pollfd *fds;
	size_t n;
	int timeout;
	pid_t pid = hostile_start("127.0.2.5", 16162, HOSTILE_STALL);

	sw = sweep_for(&c, 5000, 1, 100000);
	add(sw, "127.0.2.5:16162", &t);
	add(sw, "127.0.11.0/28:16199", &t);
	add(sw, "127.0.12.1:16199", &v3);
	for (int round = 0; round < 3; round++) {
		ck_assert_int_eq(sweep_pollfds(sw, &fds, &n, &timeout), 0);
		ck_assert_uint_eq(n, 16);
		ck_assert_int_gt(timeout, 0);
		ck_assert_int_ge(poll(fds, n, 200), 0);
		ck_assert_int_eq(sweep_handle(sw, fds, n), 0);
	}
	ck_assert(!sweep_done(sw));
	sweep_free(sw);
	/* Nothing was delivered, and nothing is left behind (ASan). */
	ck_assert_uint_eq(c.n_el + c.n_fail, 0);
	hostile_stop(pid);
}
END_TEST

/* ---- many targets at once --------------------------------------------- */

START_TEST(test_silent_target)
{
	struct sweep_cred t = community("x", NULL);
	struct collect c;
	struct sweep *sw;
	struct sweep_stats st;
	const struct failure *f;
	int64_t t0 = clock_ms(), dt;

	sw = sweep_for(&c, 400, 1, 100000);
	add(sw, "127.0.9.9:16199", &t);
	ck_assert_int_eq(sweep_run(sw), 0);
	dt = clock_ms() - t0;
	sweep_stats(sw, &st);
	ck_assert_uint_eq(st.failed, 1);
	ck_assert_uint_eq(st.answered, 0);
	f = failure_at(&c, "127.0.9.9");
	ck_assert_uint_eq(f->port, 16199);
	ck_assert_str_eq(f->reason, "timeout");
	ck_assert_ptr_null(f->engine_id);
	/* timeout x (retries + 1) plus slack */
	ck_assert_int_ge(dt, 780);
	ck_assert_int_lt(dt, 1500);
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

START_TEST(test_sweep_mixed)
{
	struct sweep_cred t = community("lab", "core");
	struct collect c;
	struct sweep *sw;
	struct sweep_stats st;
	struct sweep_params p;
	struct sweep_callbacks cb = {on_element, on_failure};
	int64_t t0 = clock_ms(), dt;

	NEED_SIM();
	/* Two in flight at a time, eight targets among them a /30 of silence.
	 */
	sweep_params_init(&p);
	p.timeout_ms = 300;
	p.retries = 1;
	p.max_inflight = 2;
	memset(&c, 0, sizeof(c));
	sw = sweep_new(&p, &cb, &c);
	for (size_t i = 0; i < 6; i++)
		add(sw, sim_agents[i].endpoint, &t);
	add(sw, "127.0.9.0/30:16199", &t);
	ck_assert_int_eq(sweep_run(sw), 0);
	dt = clock_ms() - t0;
	sweep_stats(sw, &st);
	/* The /30's network and broadcast addresses are not targets. */
	ck_assert_uint_eq(st.targets, 8);
	ck_assert_uint_eq(st.answered, 6);
	ck_assert_uint_eq(st.failed, 2);
	failure_at(&c, "127.0.9.1");
	failure_at(&c, "127.0.9.2");
	ck_assert_str_eq(
	    element_at(&c, "127.0.1.1")->s->sys_name, "hw-access-1");
	ck_assert_str_eq(
	    element_at(&c, "127.0.1.2")->s->sys_name, "edge-rtr-2");
	/* The silent pair waits together: one timeout period, not two. */
	ck_assert_int_lt(dt, 5000);
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

/* The engine can be driven from a caller's poll loop. */
START_TEST(test_external_loop)
{
	struct sweep_cred t = community("x", NULL);
	struct collect c;
	struct sweep *sw;
	int rounds = 0;

	NEED_SIM();
	sw = sweep_for(&c, 1000, 1, 100000);
	add(sw, "127.0.1.2:16161", &t);
	while (!sweep_done(sw)) {
		struct pollfd *fds, mine[8];
		size_t n;
		int timeout, rc;

		ck_assert_int_eq(sweep_pollfds(sw, &fds, &n, &timeout), 0);
		if (sweep_done(sw))
			break;
		ck_assert_uint_le(n, ARRAY_SIZE(mine));
		ck_assert_uint_gt(n, 0);
		memcpy(mine, fds, n * sizeof(*fds));
		rc = poll(mine, n, timeout);
		ck_assert_int_ge(rc, 0);
		ck_assert_int_eq(sweep_handle(sw, mine, n), 0);
		/* Targets may be added while others are in flight. */
		if (++rounds == 1)
			add(sw, "127.0.1.3:16161", &t);
		ck_assert_int_lt(rounds, 1000);
	}
	ck_assert_uint_eq(c.n_el, 2);
	ck_assert_str_eq(
	    element_at(&c, "127.0.1.2")->s->sys_name, "edge-rtr-2");
	ck_assert_str_eq(
	    element_at(&c, "127.0.1.3")->s->chassis_mac, "44:19:b6:a1:b2:c3");
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

START_TEST(test_many_silent_targets)
{
	struct sweep_cred t = community("x", NULL);
	struct sweep *sw;
	struct sweep_stats st;
	struct sweep_params p;
	int64_t t0 = clock_ms(), dt;

	/* 254 silent targets at once: the sweep costs one timeout period. */
	sweep_params_init(&p);
	p.timeout_ms = 300;
	p.retries = 1;
	sw = sweep_new(&p, NULL, NULL);
	add(sw, "127.0.10.0/24:16199", &t);
	ck_assert_int_eq(sweep_run(sw), 0);
	dt = clock_ms() - t0;
	sweep_stats(sw, &st);
	ck_assert_uint_eq(st.targets, 254);
	ck_assert_uint_eq(st.failed, 254);
	ck_assert_uint_eq(st.requests, 254);
	ck_assert_int_ge(dt, 580);
	ck_assert_int_lt(dt, 1500);
	sweep_free(sw);
}
END_TEST

START_TEST(test_target_specs)
{
	struct sweep_cred t = community("x", NULL);
	struct collect c;
	struct sweep *sw;
	struct sweep_stats st;
	char err[256];

	sw = sweep_for(&c, 100, 0, 10);
	ck_assert_int_eq(
	    sweep_add(sw, sweep_cred_add(sw, &t), "127.0.3.0/24", err, sizeof(err)), 0);
	ck_assert_int_eq(
	    sweep_add(sw, sweep_cred_add(sw, &t), "127.0.4.0/31", err, sizeof(err)), 0);
	ck_assert_int_eq(
	    sweep_add(sw, sweep_cred_add(sw, &t), "127.0.4.9:1161", err, sizeof(err)), 0);
	ck_assert_int_eq(sweep_add(sw, sweep_cred_add(sw, &t), "[::1]:1161", err, sizeof(err)), 0);
	ck_assert_int_eq(sweep_add(sw, sweep_cred_add(sw, &t), "::1", err, sizeof(err)), 0);
	sweep_stats(sw, &st);
	ck_assert_uint_eq(st.targets, 254 + 2 + 1 + 1 + 1);
	ck_assert_int_eq(
	    sweep_add(sw, sweep_cred_add(sw, &t), "127.0.4.9:99999", err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "127.0.4.9:99999"));
	ck_assert_int_eq(
	    sweep_add(sw, sweep_cred_add(sw, &t), "not-an-address", err, sizeof(err)), -1);
	ck_assert_int_eq(
	    sweep_add(sw, sweep_cred_add(sw, &t), "127.0.4.1/24", err, sizeof(err)), -1);
	ck_assert_int_eq(
	    sweep_add(sw, sweep_cred_add(sw, &t), "2001:db8::/32", err, sizeof(err)), -1);
	sweep_stats(sw, &st);
	ck_assert_uint_eq(st.targets, 259);
	sweep_free(sw);
}
END_TEST

/* ---- SNMPv3 against net-snmp's snmpd ---------------------------------- */

static char v3dir[] = "/tmp/vraudit-snmpd-XXXXXX";
static pid_t v3pid;
#define V3_AGENT "127.0.3.1:16163"

static void
v3_start(void)
{
	char path[512], cmd[1024];
	FILE *f;
	int tries;

	if (system("command -v snmpd >/dev/null 2>&1") != 0) {
		fprintf(stderr,
		    "check_snmp: SKIP SNMPv3 tests: snmpd not installed\n");
		return;
	}
	/* A leftover agent on the port would answer in place of ours. */
	ck_assert_msg(system("ss -Hlun 2>/dev/null | awk '{ print $4 }' | "
			     "grep -qxF " V3_AGENT) != 0,
	    "%s is already in use", V3_AGENT);
	ck_assert_ptr_nonnull(mkdtemp(v3dir));
	snprintf(path, sizeof(path), "%s/snmpd.conf", v3dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f,
	    "[snmpd]\npersistentDir %s\n[snmp]\npersistentDir %s\n[snmpd]\n"
	    "createUser auditor SHA-256 auth-secret-1 AES priv-secret-1\n"
	    "createUser auditor512 SHA-512 auth-secret-2 AES-256 "
	    "priv-secret-2\n"
	    "createUser watcher SHA auth-secret-3\n"
	    "createUser u224 SHA-224 auth-secret-4 AES-192 priv-secret-4\n"
	    "createUser u384 SHA-384 auth-secret-5 AES priv-secret-5\n"
	    "createUser umd5 MD5 auth-secret-6 DES priv-secret-6\n"
	    "rouser auditor priv\nrouser auditor512 priv\nrouser watcher auth\n"
	    "rouser u224 priv\nrouser u384 priv\nrouser umd5 priv\n"
	    "sysDescr Huawei Versatile Routing Platform Software (v3 test "
	    "agent)\n"
	    "sysName v3-agent\n",
	    v3dir, v3dir);
	ck_assert_int_eq(fclose(f), 0);
	v3pid = fork();
	ck_assert_int_ge(v3pid, 0);
	if (v3pid == 0) {
		char pidfile[512];

		signal(SIGTERM, SIG_DFL);
		snprintf(pidfile, sizeof(pidfile), "%s/snmpd.pid", v3dir);
		setenv("MIBS", "", 1);
		execlp("snmpd", "snmpd", "-f", "-Lf", "/dev/null", "-C", "-c",
		    path, "-p", pidfile, "udp:" V3_AGENT, (char *)NULL);
		_exit(127);
	}
	/* Ready once it answers an authenticated GET (bounded). */
	snprintf(cmd, sizeof(cmd),
	    "snmpget -v3 -l authPriv -u auditor -a SHA-256 "
	    "-A auth-secret-1 -x AES -X priv-secret-1 -r0 -t1 -On udp:" V3_AGENT
	    " 1.3.6.1.2.1.1.5.0 >/dev/null 2>&1");
	for (tries = 0; tries < 30; tries++)
		if (system(cmd) == 0)
			break;
	ck_assert_msg(tries < 30, "snmpd did not answer on %s", V3_AGENT);
	/* The answer must be ours, not a leftover agent's on the same port. */
	ck_assert_msg(waitpid(v3pid, NULL, WNOHANG) == 0,
	    "snmpd exited: is %s already in use?", V3_AGENT);
}

static void
v3_stop(void)
{
	char cmd[600];

	if (v3pid > 0) {
		kill(v3pid, SIGTERM);
		waitpid(v3pid, NULL, 0);
		v3pid = 0;
		snprintf(cmd, sizeof(cmd), "rm -rf %s", v3dir);
		if (system(cmd) != 0)
			fprintf(
			    stderr, "check_snmp: could not remove %s\n", v3dir);
	}
}

static struct sweep_cred
usm(const char *user, const char *auth, const char *auth_key, const char *priv,
    const char *priv_key)
{
	struct sweep_cred t;

	memset(&t, 0, sizeof(t));
	t.section = "v3";
	t.version = 3;
	t.port = 161;
	t.user = user;
	t.auth = auth;
	t.auth_key = auth_key;
	t.priv = priv;
	t.priv_key = priv_key;
	t.zone = "ran";
	return t;
}

#define NEED_V3()                                                              \
	do {                                                                   \
		if (v3pid <= 0) {                                              \
			fprintf(stderr, "check_snmp: SKIP %s: no snmpd\n",     \
			    __func__);                                         \
			return;                                                \
		}                                                              \
	} while (0)

/* An engineID per RFC 3411: enterprise number with the top bit set first. */
static void
assert_engine_id(const char *hex)
{
	ck_assert_ptr_nonnull(hex);
	ck_assert_uint_ge(strlen(hex), 10);
	ck_assert_uint_le(strlen(hex), 64);
	ck_assert_uint_eq(strspn(hex, "0123456789abcdef"), strlen(hex));
	/* net-snmp's enterprise number 8072 = 0x1f88, top bit set */
	ck_assert(strncmp(hex, "80001f88", 8) == 0);
}

START_TEST(test_v3_auth_priv)
{
	struct sweep_cred t = usm(
	    "auditor", "SHA-256", "auth-secret-1", "AES-128", "priv-secret-1");
	struct collect c;
	struct sweep *sw;
	const struct element *e;
	const char *eid = NULL;

	NEED_V3();
	sw = sweep_for(&c, 1000, 1, 100000);
	add(sw, V3_AGENT, &t);
	ck_assert_int_eq(sweep_run(sw), 0);
	ck_assert_uint_eq(c.n_fail, 0);
	e = element_at(&c, "127.0.3.1");
	ck_assert_str_eq(e->s->sys_name, "v3-agent");
	ck_assert_str_eq(e->s->sys_descr,
	    "Huawei Versatile Routing Platform Software (v3 test agent)");
	ck_assert_str_eq(e->s->sys_object_id, "1.3.6.1.4.1.8072.3.2.10");
	ck_assert_str_eq(e->zone, "ran");
	for (size_t i = 0; i < e->s->n_inputs; i++)
		if (e->s->inputs[i].kind == EV_ENGINEID)
			eid = e->s->inputs[i].value;
	assert_engine_id(eid);
	/* snmpd walks its own interfaces: loopback has no MAC, the walk ends.
	 */
	ck_assert_ptr_nonnull(strstr(e->detail, "ifPhysAddress: end of table"));
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

START_TEST(test_v3_sha512_aes256_and_auth_only)
{
	struct sweep_cred t1 = usm("auditor512", "SHA-512", "auth-secret-2",
	    "AES-256", "priv-secret-2");
	struct sweep_cred t2 =
	    usm("watcher", "SHA", "auth-secret-3", NULL, NULL);
	struct collect c;
	struct sweep *sw;

	NEED_V3();
	/* One after the other: the same agent, two users. */
	sw = sweep_for(&c, 1000, 1, 100000);
	add(sw, V3_AGENT, &t1);
	ck_assert_int_eq(sweep_run(sw), 0);
	ck_assert_uint_eq(c.n_fail, 0);
	ck_assert_str_eq(element_at(&c, "127.0.3.1")->s->sys_name, "v3-agent");
	collect_free(&c);
	sweep_free(sw);

	sw = sweep_for(&c, 1000, 1, 100000);
	add(sw, V3_AGENT, &t2);
	ck_assert_int_eq(sweep_run(sw), 0);
	ck_assert_uint_eq(c.n_fail, 0);
	ck_assert_str_eq(element_at(&c, "127.0.3.1")->s->sys_name, "v3-agent");
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

/* Every protocol net-snmp offers, one user each (see v3_start). */
START_TEST(test_v3_protocols)
{
	static const struct {
		const char *user, *auth, *auth_key, *priv, *priv_key;
	} users[] = {
	    {"u224", "SHA-224", "auth-secret-4", "AES-192", "priv-secret-4"},
	    {"u384", "SHA-384", "auth-secret-5", "AES-128", "priv-secret-5"},
	    {"umd5", "MD5", "auth-secret-6", "DES", "priv-secret-6"},
	};
	struct collect c;
	struct sweep *sw;

	NEED_V3();
	for (size_t i = 0; i < ARRAY_SIZE(users); i++) {
		struct sweep_cred t = usm(users[i].user, users[i].auth,
		    users[i].auth_key, users[i].priv, users[i].priv_key);

		sw = sweep_for(&c, 1000, 1, 100000);
		add(sw, V3_AGENT, &t);
		ck_assert_int_eq(sweep_run(sw), 0);
		ck_assert_msg(c.n_el == 1, "%s/%s: %s", users[i].auth,
		    users[i].priv, c.n_fail ? c.fail[0].reason : "?");
		ck_assert_str_eq(
		    element_at(&c, "127.0.3.1")->s->sys_name, "v3-agent");
		collect_free(&c);
		sweep_free(sw);
	}
}
END_TEST

START_TEST(test_v3_wrong_key)
{
	struct sweep_cred good = usm(
	    "auditor", "SHA-256", "auth-secret-1", "AES-128", "priv-secret-1");
	struct sweep_cred bad = usm(
	    "auditor", "SHA-256", "not-the-secret", "AES-128", "priv-secret-1");
	struct sweep_cred bad_priv = usm("auditor", "SHA-256",
	    "auth-secret-1", "AES-128", "not-the-priv-secret");
	struct collect c;
	struct sweep *sw;
	struct sweep_stats st;
	const struct failure *f;

	NEED_V3();
	/* The right key first, so a cached user cannot hide the wrong one. */
	sw = sweep_for(&c, 1000, 1, 100000);
	add(sw, V3_AGENT, &good);
	ck_assert_int_eq(sweep_run(sw), 0);
	ck_assert_uint_eq(c.n_el, 1);
	collect_free(&c);
	sweep_free(sw);

	sw = sweep_for(&c, 1000, 1, 100000);
	add(sw, V3_AGENT, &bad);
	ck_assert_int_eq(sweep_run(sw), 0);
	sweep_stats(sw, &st);
	ck_assert_uint_eq(st.answered, 0);
	ck_assert_uint_eq(st.failed, 1);
	f = failure_at(&c, "127.0.3.1");
	ck_assert_msg(strstr(f->reason, "Authentication failure") != NULL,
	    "reason: %s", f->reason);
	/* The engineID is learnt without credentials. */
	assert_engine_id(f->engine_id);
	collect_free(&c);
	sweep_free(sw);

	/* The right authentication key with a wrong privacy key. */
	sw = sweep_for(&c, 300, 1, 100000);
	add(sw, V3_AGENT, &bad_priv);
	ck_assert_int_eq(sweep_run(sw), 0);
	ck_assert_uint_eq(c.n_el, 0);
	f = failure_at(&c, "127.0.3.1");
	ck_assert_str_eq(
	    f->reason, "timeout after engineID discovery (wrong privacy key?)");
	assert_engine_id(f->engine_id);
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

START_TEST(test_v3_same_engine_other_keys)
{
	struct sweep_cred bad = usm(
	    "auditor", "SHA-256", "not-the-secret", "AES-128", "priv-secret-1");
	struct sweep_cred good = usm(
	    "auditor", "SHA-256", "auth-secret-1", "AES-128", "priv-secret-1");
	struct collect c;
	struct sweep *sw;
	struct sweep_stats st;
	const struct element *e;

	NEED_V3();
	/* One agent twice in flight, the same user with two keys, in both
	 * orders: each target gets the answer its own key deserves. */
	for (int order = 0; order < 2; order++) {
		sw = sweep_for(&c, 1000, 1, 100000);
		add(sw, V3_AGENT, order ? &bad : &good);
		add(sw, V3_AGENT, order ? &good : &bad);
		ck_assert_int_eq(sweep_run(sw), 0);
		sweep_stats(sw, &st);
		ck_assert_uint_eq(st.answered, 1);
		ck_assert_uint_eq(st.failed, 1);
		e = element_at(&c, "127.0.3.1");
		ck_assert_str_eq(e->s->sys_name, "v3-agent");
		/* The good target walked to the end, not cut by the other's
		 * key. */
		ck_assert_msg(strstr(e->detail, "dot1qTpFdbPort: ") != NULL &&
				  strstr(e->detail, "failure") == NULL,
		    "detail: %s", e->detail);
		ck_assert_ptr_nonnull(
		    strstr(failure_at(&c, "127.0.3.1")->reason,
			"Authentication failure"));
		collect_free(&c);
		sweep_free(sw);
	}
}
END_TEST

START_TEST(test_v3_unknown_user_and_silence)
{
	struct sweep_cred t =
	    usm("nobody", "SHA-256", "whatever-secret", NULL, NULL);
	struct collect c;
	struct sweep *sw;
	const struct failure *f;

	NEED_V3();
	sw = sweep_for(&c, 300, 1, 100000);
	add(sw, V3_AGENT, &t);
	add(sw, "127.0.9.9:16199", &t);
	ck_assert_int_eq(sweep_run(sw), 0);
	ck_assert_uint_eq(c.n_fail, 2);
	f = failure_at(&c, "127.0.3.1");
	ck_assert_msg(strstr(f->reason, "Unknown user name") != NULL,
	    "reason: %s", f->reason);
	assert_engine_id(f->engine_id);
	f = failure_at(&c, "127.0.9.9");
	ck_assert_str_eq(
	    f->reason, "timeout (no answer to SNMPv3 engineID discovery)");
	ck_assert_ptr_null(f->engine_id);
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

Suite *snmp_suite(void);

Suite *
snmp_suite(void)
{
	Suite *s = suite_create("snmp");
	TCase *tc;

	tc = tcase_create("snmpsimd");
	tcase_add_unchecked_fixture(tc, sim_start, sim_stop);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_huawei_switch);
	tcase_add_test(tc, test_cisco_cdp);
	tcase_add_test(tc, test_camera_without_system_group);
	tcase_add_test(tc, test_wrong_types);
	tcase_add_test(tc, test_binary_text);
	tcase_add_test(tc, test_huge_text);
	tcase_add_test(tc, test_row_budget);
	tcase_add_test(tc, test_sweep_mixed);
	tcase_add_test(tc, test_external_loop);
	tcase_add_test(tc, test_bridge_and_arp_tables);
	tcase_add_test(tc, test_v1_getnext);
	tcase_add_test(tc, test_config_targets);
	suite_add_tcase(s, tc);

	tc = tcase_create("v3");
	tcase_add_unchecked_fixture(tc, v3_start, v3_stop);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_v3_auth_priv);
	tcase_add_test(tc, test_v3_sha512_aes256_and_auth_only);
	tcase_add_test(tc, test_v3_protocols);
	tcase_add_test(tc, test_v3_wrong_key);
	tcase_add_test(tc, test_v3_same_engine_other_keys);
	tcase_add_test(tc, test_v3_unknown_user_and_silence);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_oid_loop);
	tcase_add_test(tc, test_stall_mid_walk);
	tcase_add_test(tc, test_too_big);
	tcase_add_test(tc, test_free_mid_sweep);
	tcase_add_test(tc, test_silent_target);
	tcase_add_test(tc, test_many_silent_targets);
	tcase_add_test(tc, test_target_specs);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(snmp_suite());
	int failed;

	log_init("check_snmp", LOG_DEST_STDERR,
	    getenv("CHECK_SNMP_VERBOSE") != NULL ? 2 : 0);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
