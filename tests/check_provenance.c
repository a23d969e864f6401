/*
 * Unit tests of first-hand over second-hand: each field of an element
 * keeps the observation that ranks highest by (provenance, time, value),
 * whatever the order the sightings were written in. An agent keeps the
 * name it gives itself and the address it was polled at when another
 * agent's LLDP table names it otherwise; LLDP heard on the wire outranks
 * a DHCP host name of the same second; every order of the same sightings
 * gives the same inventory; a merge keeps the higher-ranked fields.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/sighting.h"
#include "common/text.h"
#include "common/util.h"
#include "store/store.h"
#include "tests/lib/fake_classifier.h"
#include "tests/lib/testdb.h"
#include "tests/lib/testenv.h"

#define T0 INT64_C(1795820400) /* 2026-11-27T23:00:00Z */
#define N_SEEN 5

/* What the sightings of one test are: built afresh for each order. */
typedef struct sighting *(*make_fn)(int i);

static int64_t
record_all(const char *path, make_fn make, const int *order, int n)
{
	struct fake_classifier f = { 0 };
	struct classifier_ops ops = fake_classifier_ops(&f);
	char err[1024];
	struct store *st = store_open(path, STORE_READ_WRITE, err, sizeof(err));
	int64_t scan, id = 0;

	ck_assert_msg(st != NULL, "open: %s", err);
	store_set_classifier(st, &ops);
	scan = store_scan_begin(st, "snmp", "test");
	for (int i = 0; i < n; i++) {
		struct sighting *s = make(order[i]);

		ck_assert_msg(store_record(st, scan, s, &id) == 0, "record: %s",
		    store_error(st));
		sighting_free(s);
	}
	ck_assert_int_eq(store_scan_end(st, scan, "complete", 0, 0, NULL), 0);
	store_close(st);
	return id;
}

/* The inventory and addresses, without element ids (they follow the
 * order of creation). */
static char *
inventory(const char *path)
{
	return testdb_file_text(path,
	    "SELECT group_concat(r, char(10)) FROM (SELECT "
	    "coalesce(i.mgmt_ip, 'NULL') || '|' || "
	    "coalesce(i.mac, 'NULL') || '|' || "
	    "coalesce(i.sys_name, 'NULL') || '|' || "
	    "coalesce(i.sys_descr, 'NULL') || '|' || "
	    "coalesce(i.vendor, 'NULL') || '|' || "
	    "coalesce(i.risk, 'NULL') || '|' || "
	    "coalesce(i.zone, 'NULL') || '|' || "
	    "coalesce(i.first_seen, 'NULL') || '|' || "
	    "coalesce(i.last_seen, 'NULL') || '|' || "
	    "coalesce(i.sources, 'NULL') || '|' || "
	    "coalesce(i.sys_name_source, 'NULL') || '|' || "
	    "coalesce(i.sys_name_observed, 'NULL') || '|' || "
	    "coalesce(i.mgmt_ip_source, 'NULL') || '|' || "
	    "coalesce(i.mgmt_ip_observed, 'NULL') || '|' || "
	    "(SELECT group_concat(a.kind || '=' || "
	    "a.value || '@' || a.first_seen || '/' || a.last_seen, ',') FROM "
	    "(SELECT * FROM element_address WHERE element_id = i.element_id "
	    "ORDER BY kind, value) a) AS r FROM inventory i ORDER BY r)");
}

/*
 * Agent 10.1.0.1 ("core-1", chassis 00:e0:fc:11:11:11) answers SNMP; an
 * LLDP table read from another agent names the same chassis "old-name"
 * at 10.1.0.99, later than the poll.
 */
static struct sighting *
agent_and_neighbour(int i)
{
	struct sighting *s;

	if (i == 0) {
		s = sighting_new("snmp", T0);
		sighting_set(&s->mgmt_ip, "10.1.0.1");
		sighting_set(&s->chassis_mac, "00:e0:fc:11:11:11");
		sighting_set(&s->sys_name, "core-1");
		sighting_set(&s->sys_descr,
		    "Huawei Versatile Routing Platform");
		sighting_add_addr(s, ADDR_IPV4, "10.1.0.1");
		sighting_add_addr(s, ADDR_MAC, "00:e0:fc:11:11:11");
		sighting_add_input(s, EV_SYSDESCR,
		    "Huawei Versatile Routing Platform");
		return s;
	}
	s = sighting_new("lldp", T0 + 60);
	s->hearsay = true;
	sighting_set(&s->mgmt_ip, "10.1.0.99");
	sighting_set(&s->chassis_mac, "00:e0:fc:11:11:11");
	sighting_set(&s->sys_name, "old-name");
	sighting_set(&s->sys_descr, "renamed");
	sighting_add_addr(s, ADDR_IPV4, "10.1.0.99");
	sighting_add_addr(s, ADDR_MAC, "00:e0:fc:11:11:11");
	return s;
}

START_TEST(test_agent_keeps_its_own_name_and_address)
{
	static const int orders[2][2] = { { 0, 1 }, { 1, 0 } };
	char *inv[2];

	for (int o = 0; o < 2; o++) {
		char *path = xprintf("%s/agent-%d.db", testenv_dir(), o);

		record_all(path, agent_and_neighbour, orders[o], 2);
		inv[o] = inventory(path);
		ck_assert_int_eq(testdb_file_int(path,
				     "SELECT count(*) FROM inventory"),
		    1);
		ck_assert_int_eq(testdb_file_int(path,
				     "SELECT count(*) FROM inventory WHERE "
				     "sys_name = 'core-1' AND mgmt_ip = "
				     "'10.1.0.1' AND sys_descr = 'Huawei "
				     "Versatile Routing Platform' AND "
				     "sys_name_source = 'snmp' AND "
				     "mgmt_ip_source = 'snmp'"),
		    1);
		/* The neighbour's address is kept, as an address. */
		ck_assert_int_eq(testdb_file_int(path,
				     "SELECT count(*) FROM element_address "
				     "WHERE value = '10.1.0.99'"),
		    1);
		free(path);
	}
	ck_assert_str_eq(inv[0], inv[1]);
	free(inv[0]);
	free(inv[1]);
}
END_TEST

/* A switch sends LLDP ("sw-lldp") and DHCP ("sw-dhcp") in one second. */
static struct sighting *
lldp_and_dhcp(int i)
{
	struct sighting *s = sighting_new(i == 0 ? "lldp" : "dhcp", T0);

	sighting_add_addr(s, ADDR_MAC, "28:6e:d4:00:00:01");
	sighting_set(&s->sys_name, i == 0 ? "sw-lldp" : "sw-dhcp");
	if (i == 1)
		sighting_add_addr(s, ADDR_IPV4, "10.2.0.5");
	return s;
}

START_TEST(test_lldp_heard_outranks_dhcp_in_the_same_second)
{
	static const int orders[2][2] = { { 0, 1 }, { 1, 0 } };

	for (int o = 0; o < 2; o++) {
		char *path = xprintf("%s/capture-%d.db", testenv_dir(), o);
		char *name;

		record_all(path, lldp_and_dhcp, orders[o], 2);
		name = testdb_file_text(path,
		    "SELECT sys_name || '/' || sys_name_source FROM inventory");
		ck_assert_str_eq(name, "sw-lldp/lldp");
		free(name);
		free(path);
	}
}
END_TEST

/* One box seen five ways, first and second hand, with clashing names,
 * addresses and descriptions, some in the same second. */
static struct sighting *
five_ways(int i)
{
	static const struct {
		const char *source;
		bool hearsay;
		int64_t dt;
		const char *ip, *name, *descr;
	} seen[N_SEEN] = {
		{ "snmp", false, 0, "10.3.0.1", "olt-1", "MA5800" },
		{ "lldp", false, 30, "10.3.0.2", "olt-1-lldp", "lldp descr" },
		{ "lldp", true, 30, "10.3.0.3", "olt-table", "table descr" },
		{ "dhcp", false, 90, "10.3.0.4", "olt-dhcp", NULL },
		{ "snmp", false, 90, "10.3.0.1", "olt-1b", NULL },
	};
	struct sighting *s = sighting_new(seen[i].source, T0 + seen[i].dt);

	s->hearsay = seen[i].hearsay;
	sighting_set(&s->chassis_mac, "00:e0:fc:33:33:33");
	sighting_add_addr(s, ADDR_MAC, "00:e0:fc:33:33:33");
	sighting_set(&s->mgmt_ip, seen[i].ip);
	sighting_add_addr(s, ADDR_IPV4, seen[i].ip);
	sighting_set(&s->sys_name, seen[i].name);
	sighting_set(&s->sys_descr, seen[i].descr);
	return s;
}

static bool
next_permutation(int *a, int n)
{
	int i = n - 2, j = n - 1;

	while (i >= 0 && a[i] >= a[i + 1])
		i--;
	if (i < 0)
		return false;
	while (a[j] <= a[i])
		j--;
	int t = a[i];
	a[i] = a[j];
	a[j] = t;
	for (int l = i + 1, r = n - 1; l < r; l++, r--) {
		t = a[l];
		a[l] = a[r];
		a[r] = t;
	}
	return true;
}

/* A new database, made by store_open, then closed. */
static void
make_empty(const char *path)
{
	char err[1024];
	struct store *st = store_open(path, STORE_READ_WRITE, err, sizeof(err));

	ck_assert_msg(st != NULL, "open: %s", err);
	store_close(st);
}

/* Copies the file FROM to TO, which must not exist yet. */
static void
copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out;
	char buf[65536];
	size_t n;

	ck_assert_msg(in != NULL, "%s: %s", from, strerror(errno));
	out = fopen(to, "wbx");
	ck_assert_msg(out != NULL, "%s: %s", to, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		ck_assert_msg(fwrite(buf, 1, n, out) == n, "%s: %s", to,
		    strerror(errno));
	ck_assert_msg(!ferror(in), "%s: %s", from, strerror(errno));
	ck_assert_msg(fclose(out) == 0, "%s: %s", to, strerror(errno));
	fclose(in);
}

START_TEST(test_any_order_gives_the_same_inventory)
{
	/* Every order starts from a copy of one new, empty database: making
	 * the schema is most of the cost of a new file (much more so under
	 * the sanitizers), and what is held to account here is the
	 * recording, not the making. */
	char *empty = xprintf("%s/empty.db", testenv_dir());
	int order[N_SEEN];
	char *first = NULL;
	int n = 0;

	make_empty(empty);
	for (int i = 0; i < N_SEEN; i++)
		order[i] = i;
	do {
		char *path = xprintf("%s/order-%d.db", testenv_dir(), n);
		char *inv;

		copy_file(empty, path);
		record_all(path, five_ways, order, N_SEEN);
		inv = inventory(path);
		if (first == NULL) {
			first = inv;
			/* The newest of the agent's own answers wins. */
			ck_assert_msg(strstr(first,
					  "10.3.0.1|00:e0:fc:33:33:33|"
					  "olt-1b|MA5800|") != NULL,
			    "%s", first);
			ck_assert_msg(strstr(first,
					  "|snmp|2026-11-27T23:01:30Z|"
					  "snmp|2026-11-27T23:01:30Z|") != NULL,
			    "%s", first);
		} else {
			ck_assert_msg(strcmp(first, inv) == 0,
			    "order %d gives\n%s\ninstead of\n%s", n, inv,
			    first);
			free(inv);
		}
		unlink(path);
		free(path);
		n++;
	} while (next_permutation(order, N_SEEN));
	ck_assert_int_eq(n, 120);
	free(first);
	free(empty);
}
END_TEST

/* Two elements later found to be one box: the merged element keeps, for
 * each field, the higher-ranked value, whichever survives. */
static struct sighting *
merge_parts(int i)
{
	struct sighting *s;

	switch (i) {
	case 0: /* known first only by another agent's LLDP table */
		s = sighting_new("lldp", T0 + 300);
		s->hearsay = true;
		sighting_set(&s->chassis_id, "7:port-channel-9");
		sighting_set(&s->sys_name, "table-name");
		sighting_set(&s->mgmt_ip, "10.4.0.9");
		sighting_add_addr(s, ADDR_IPV4, "10.4.0.9");
		return s;
	case 1: /* the agent itself, under its MAC */
		s = sighting_new("snmp", T0);
		sighting_set(&s->mgmt_ip, "10.4.0.1");
		sighting_set(&s->chassis_mac, "00:e0:fc:44:44:44");
		sighting_set(&s->sys_name, "own-name");
		sighting_add_addr(s, ADDR_IPV4, "10.4.0.1");
		sighting_add_addr(s, ADDR_MAC, "00:e0:fc:44:44:44");
		return s;
	default: /* a capture ties the chassis ID to the MAC */
		s = sighting_new("mac", T0 + 600);
		sighting_set(&s->chassis_id, "7:port-channel-9");
		sighting_add_addr(s, ADDR_MAC, "00:e0:fc:44:44:44");
		return s;
	}
}

START_TEST(test_merge_keeps_the_higher_ranked_fields)
{
	static const int orders[2][3] = { { 0, 1, 2 }, { 1, 0, 2 } };
	char *inv[2];

	for (int o = 0; o < 2; o++) {
		char *path = xprintf("%s/merge-%d.db", testenv_dir(), o);

		record_all(path, merge_parts, orders[o], 3);
		ck_assert_int_eq(testdb_file_int(path,
				     "SELECT count(*) FROM inventory"),
		    1);
		ck_assert_int_eq(testdb_file_int(path,
				     "SELECT count(*) FROM inventory WHERE "
				     "sys_name = 'own-name' AND mgmt_ip = "
				     "'10.4.0.1'"),
		    1);
		inv[o] = inventory(path);
		free(path);
	}
	ck_assert_str_eq(inv[0], inv[1]);
	free(inv[0]);
	free(inv[1]);
}
END_TEST

static Suite *
provenance_suite(void)
{
	Suite *s = suite_create("provenance");
	TCase *tc = tcase_create("precedence");

	tcase_add_test(tc, test_agent_keeps_its_own_name_and_address);
	tcase_add_test(tc, test_lldp_heard_outranks_dhcp_in_the_same_second);
	tcase_add_test(tc, test_any_order_gives_the_same_inventory);
	tcase_add_test(tc, test_merge_keeps_the_higher_ranked_fields);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	log_init("check_provenance", LOG_DEST_STDERR, 0);
	return testenv_run(provenance_suite());
}
