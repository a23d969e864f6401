/*
 * Tests of the SNMP sweep against snmpsimd on loopback, serving the
 * fixtures of tests/fixtures/snmp: a Huawei switch, a Cisco router, a
 * camera without a system group, a ZTE bridge, a power controller built
 * on net-snmp with Huawei's private MIB, agents with wrong types, binary
 * and huge text, and an endless interface table. Exits 77
 * (skipped) when snmpsimd or snmpget is missing. Traffic goes only to
 * 127.0.0.0/8.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <poll.h>

#include "common/log.h"
#include "common/text.h"
#include "common/util.h"
#include "config/config.h"
#include "pipeline/pipeline.h"
#include "probes/snmp.h"
#include "tests/lib/snmp_collect.h"

/* ---- agents ---------------------------------------------------------- */

static char simdir[] = "/tmp/vraudit-snmpsim-XXXXXX";
static bool sim_up;

/* The agents snmpsimd serves, endpoint and data file. */
static const struct {
	const char *endpoint;
	const char *file; /* in tests/fixtures/snmp, or generated */
} sim_agents[] = {
	{ "127.0.1.1:16161", "huawei-switch.snmprec" },
	{ "127.0.1.2:16161", "cisco-router.snmprec" },
	{ "127.0.1.3:16161", "camera-nosystem.snmprec" },
	{ "127.0.1.4:16161", "hostile-types.snmprec" },
	{ "127.0.1.5:16161", "hostile-binary.snmprec" },
	{ "127.0.1.6:16161", "hostile-huge.snmprec" },
	{ "127.0.1.7:16161", "@endless" },
	{ "127.0.1.8:16161", "zte-bridge.snmprec" },
	{ "127.0.1.9:16161", "netsnmp-power.snmprec" },
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
	if (system(cmd) != 0) {
		/* check runs no teardown after a failed set-up. */
		snprintf(gen, sizeof(gen), "rm -rf %s", simdir);
		if (system(gen) != 0)
			fprintf(stderr, "check_snmp_sim: could not remove %s\n",
			    simdir);
		ck_abort_msg("snmpsimd did not start: %s", cmd);
	}
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
		fprintf(stderr, "check_snmp_sim: could not stop snmpsimd\n");
	sim_up = false;
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

	/* CISCO-CDP-MIB is Cisco's private MIB: the last one, viewed to the
	 * end. */
	ck_assert(has_input(e->s, EV_PRIVATE_MIB, "1.3.6.1.4.1.9"));
	ck_assert_ptr_nonnull(strstr(e->detail,
	    "private MIBs: endOfMibView, 2 requests, found 9"));

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

/* Nothing but its private MIB names the maker of a box on net-snmp. */
START_TEST(test_private_mib_on_net_snmp)
{
	struct collect c;
	struct sweep *sw;
	const struct element *e;

	for (int version = 1; version <= 2; version++) {
		struct sweep_cred t = community("power", NULL);

		t.version = version;
		sw = sweep_for(&c, 1000, 1, 100000);
		add(sw, "127.0.1.9:16161", &t);
		ck_assert_int_eq(sweep_run(sw), 0);
		e = element_at(&c, "127.0.1.9");
		ck_assert_str_eq(e->s->sys_object_id,
		    "1.3.6.1.4.1.8072.3.2.10");
		ck_assert(has_input(e->s, EV_PRIVATE_MIB, "1.3.6.1.4.1.2011"));
		/* net-snmp's own subtrees are stepped past. */
		ck_assert_uint_eq(count_inputs(e->s, EV_PRIVATE_MIB), 1);
		ck_assert_msg(strstr(e->detail,
				  "private MIBs: end of enterprises, 4 "
				  "requests, found 2011, stepped past 2021 "
				  "8072") != NULL,
		    "v%d detail: %s", version, e->detail);
		ck_assert_uint_eq(e->notes, 0);
		/* Each subtree is a row, besides the interfaces'. */
		ck_assert_int_eq(e->rows, 3 + 2);
		ck_assert(has_input(e->s, EV_OUI, "00:00:5e:00:53:01"));
		collect_free(&c);
		sweep_free(sw);
	}
}
END_TEST

/* ---- hostile agents served by snmpsimd -------------------------------- */

START_TEST(test_wrong_types)
{
	struct sweep_cred t = community("x", NULL);
	struct collect c;
	struct sweep *sw;
	const struct element *e;

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
	ck_assert_ptr_nonnull(strstr(e->detail,
	    "ipNetToMediaPhysAddress: end of table, 2 rows, "
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

	sw = sweep_for(&c, 1000, 1, 100000);
	add(sw, "127.0.1.5:16161", &t);
	ck_assert_int_eq(sweep_run(sw), 0);
	e = element_at(&c, "127.0.1.5");
	/* The bytes as they came, trailing NULs dropped (wire text: the NUL
	 * inside travels as C0 80, the C0 byte as C0 C0). */
	ck_assert_str_eq(e->s->sys_descr,
	    "ZTE\xc0\x80ZXR10\xff\xfe back\\slash caf\xc3\xa9 "
	    "\xc0\xc0\xaf end");
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
	ck_assert_ptr_nonnull(strstr(e->detail,
	    "ipNetToPhysicalPhysAddress: end of table, 3 "
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
	/* SNMPv1 ends the discovery past Cisco's MIB with noSuchName. */
	ck_assert_ptr_nonnull(strstr(e->detail,
	    "private MIBs: end of enterprises, 2 requests, found 9"));
	ck_assert_uint_eq(e->notes, 0);
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
	struct sweep_callbacks cb = { on_element, on_failure };
	const struct element *e;
	const char *msg;
	char err[256];

	memset(&cfg, 0, sizeof(cfg));
	cfg.snmp_timeout_ms = 300;
	cfg.snmp_retries = 1;
	cfg.snmp_max_inflight = 16;
	cfg.snmp_max_rows = 1000;
	memset(tg, 0, sizeof(tg));
	tg[0].name = (char *)(uintptr_t) "core";
	tg[0].version = 2;
	tg[0].community = (char *)(uintptr_t) "public";
	tg[0].zone = (char *)(uintptr_t) "core";
	tg[0].port = 16161;
	memset(a0, 0, sizeof(a0));
	ck_assert_int_eq(cidr_parse("127.0.1.1", &a0[0].range, &msg), 0);
	ck_assert_int_eq(cidr_parse("127.0.1.2", &a0[1].range, &msg), 0);
	tg[0].addresses = a0;
	tg[0].n_addresses = 2;
	tg[1].name = (char *)(uintptr_t) "dark";
	tg[1].version = 2;
	tg[1].port = 161;
	tg[1].community = (char *)(uintptr_t) "public";
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

/* ---- many targets at once --------------------------------------------- */

START_TEST(test_sweep_mixed)
{
	struct sweep_cred t = community("lab", "core");
	struct collect c;
	struct sweep *sw;
	struct sweep_stats st;
	struct sweep_params p;
	struct sweep_callbacks cb = { on_element, on_failure };
	int64_t t0 = clock_ms(), dt;

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
	ck_assert_str_eq(element_at(&c, "127.0.1.1")->s->sys_name,
	    "hw-access-1");
	ck_assert_str_eq(element_at(&c, "127.0.1.2")->s->sys_name,
	    "edge-rtr-2");
	/* The silent pair's timeout and retry were waited for. */
	ck_assert_int_ge(dt, 600);
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
	ck_assert_str_eq(element_at(&c, "127.0.1.2")->s->sys_name,
	    "edge-rtr-2");
	ck_assert_str_eq(element_at(&c, "127.0.1.3")->s->chassis_mac,
	    "44:19:b6:a1:b2:c3");
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

Suite *snmp_sim_suite(void);

Suite *
snmp_sim_suite(void)
{
	Suite *s = suite_create("snmp_sim");
	TCase *tc;

	tc = tcase_create("snmpsimd");
	tcase_add_unchecked_fixture(tc, sim_start, sim_stop);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_huawei_switch);
	tcase_add_test(tc, test_cisco_cdp);
	tcase_add_test(tc, test_camera_without_system_group);
	tcase_add_test(tc, test_private_mib_on_net_snmp);
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
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	/* snmpsim.sh starts snmpsimd and waits for it with snmpget. */
	if (tool_missing("check_snmp_sim", "snmpsimd", "snmpsim") ||
	    tool_missing("check_snmp_sim", "snmpget", "snmp"))
		return 77;
	log_init("check_snmp_sim", LOG_DEST_STDERR,
	    getenv("CHECK_SNMP_VERBOSE") != NULL ? 2 : 0);
	sr = srunner_create(snmp_sim_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
