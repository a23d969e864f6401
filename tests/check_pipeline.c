/*
 * Unit tests of the way from a sweep to the store that the command line and
 * the daemon share: the sweep sink (zones, neighbours and their links,
 * refusals that name an engineID, the notes kept by the sweep's flags) and
 * the writer's guarantees around it (an element keeps its neighbours in
 * its batch, scans never share a group, a neighbour whose element was
 * dropped is dropped too). Each against a real SQLite file.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/net.h"
#include "common/util.h"
#include "pipeline/sweep_sink.h"
#include "pipeline/writer.h"
#include "policy/zone.h"
#include "store/store.h"
#include "tests/lib/testdb.h"
#include "tests/lib/testenv.h"

static char *path;
static struct store *st;

static void
setup(void)
{
	char err[512];

	log_init("check_pipeline", LOG_DEST_STDERR, 0);
	path = testenv_path("p.db");
	st = store_open(path, STORE_READ_WRITE, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
}

static void
teardown(void)
{
	store_close(st);
	free(path);
	testenv_dir_remove();
}

/* One integer from a read-only connection. */
static int64_t
count(const char *sql)
{
	return testdb_file_int(path, sql);
}

static struct sighting *
mac_sighting(const char *source, unsigned i)
{
	struct sighting *s = sighting_new(source, 1764300000 + i);
	char mac[MAC_STRLEN];

	snprintf(mac, sizeof(mac), "00:25:9e:%02x:%02x:%02x", (i >> 16) & 0xff,
	    (i >> 8) & 0xff, i & 0xff);
	sighting_add_addr(s, ADDR_MAC, mac);
	return s;
}

static struct sighting *
agent(const char *ip, const char *name)
{
	struct sighting *s = sighting_new("snmp", 1764300000);

	sighting_set(&s->mgmt_ip, ip);
	sighting_set(&s->sys_name, name);
	sighting_add_addr(s, ADDR_IPV4, ip);
	return s;
}

/* Lines of the sink's detail. */
static size_t
count_lines(const struct sweep_sink *k)
{
	size_t n = k->detail.len > 0;

	for (size_t i = 0; i < k->detail.len; i++)
		n += k->detail.s[i] == '\n';
	return n;
}

/* Two zones by subnet. */
static void
zones(struct zone z[2], struct cidr c[2])
{
	const char *msg;

	memset(z, 0, 2 * sizeof(*z));
	ck_assert_int_eq(cidr_parse("10.1.0.0/16", &c[0], &msg), 0);
	ck_assert_int_eq(cidr_parse("10.2.0.0/16", &c[1], &msg), 0);
	z[0].name = (char *)(uintptr_t) "core";
	z[0].subnets = &c[0];
	z[0].n_subnets = 1;
	z[1].name = (char *)(uintptr_t) "ran";
	z[1].subnets = &c[1];
	z[1].n_subnets = 1;
}

/* What the sweep hands over for one agent with two neighbours: the
 * element gets the zone of its address, a neighbour with an address of
 * another zone that zone, one without the section's. */
START_TEST(test_sink_records_element_neighbours_and_zones)
{
	struct writer *w = writer_new(st, 0);
	struct sweep_sink k;
	struct zone z[2];
	struct cidr c[2];
	struct sweep_neighbour nb[2];
	struct sweep_result r;

	zones(z, c);
	sweep_sink_init(&k, z, 2, w, writer_scan_begin(w, "snmp", "lab"));
	memset(nb, 0, sizeof(nb));
	nb[0].sighting = sighting_new("lldp", 1764300000);
	sighting_set(&nb[0].sighting->sys_name, "gnb-1");
	sighting_add_addr(nb[0].sighting, ADDR_IPV4, "10.2.0.7");
	nb[0].protocol = "lldp";
	nb[0].local_port = (char *)(uintptr_t) "3";
	nb[0].remote_port = (char *)(uintptr_t) "eth0";
	nb[1].sighting = mac_sighting("mac", 1);
	nb[1].protocol = "fdb";
	memset(&r, 0, sizeof(r));
	r.address = "10.1.0.1";
	r.port = 161;
	r.zone = "transport";
	r.element = agent("10.1.0.1", "core-1");
	r.neighbours = nb;
	r.n_neighbours = 2;
	r.detail = "system: 3 of 3 values";
	sweep_sink_callbacks.on_element(&k, &r);
	/* Taken: the sweep must not free them. */
	ck_assert_ptr_null(r.element);
	ck_assert_ptr_null(nb[0].sighting);
	ck_assert_ptr_null(nb[1].sighting);
	ck_assert_uint_eq(k.neighbours, 2);
	/* No flag: nothing worth a note. */
	ck_assert_uint_eq(k.detail.len, 0);
	ck_assert_int_eq(writer_flush(w, clock_ms(), 10), 0);
	ck_assert_int_eq(count("SELECT count(*) FROM inventory WHERE "
			       "sys_name = 'core-1' AND zone = 'core'"),
	    1);
	ck_assert_int_eq(count("SELECT count(*) FROM inventory WHERE "
			       "sys_name = 'gnb-1' AND zone = 'ran'"),
	    1);
	ck_assert_int_eq(
	    count("SELECT count(*) FROM inventory WHERE "
		  "mac = '00:25:9e:00:00:01' AND zone = 'transport'"),
	    1);
	ck_assert_int_eq(
	    count(
		"SELECT count(*) FROM element_link WHERE "
		"protocol = 'lldp' AND local_port = '3' AND remote_port = 'eth0'"),
	    1);
	ck_assert_int_eq(count("SELECT count(*) FROM element_link WHERE "
			       "protocol = 'fdb'"),
	    1);
	sweep_sink_finish(&k);
	writer_free(w);
}
END_TEST

/* Notes come from the sweep's flags; refusals are notes, silence is
 * counted; an agent that refused but named its engineID is an element. */
START_TEST(test_sink_notes_refusals_and_engine_ids)
{
	struct writer *w = writer_new(st, 0);
	struct sweep_sink k;
	struct sweep_result r;
	const char *d;

	sweep_sink_init(&k, NULL, 0, w, writer_scan_begin(w, "snmp", "lab"));
	memset(&r, 0, sizeof(r));
	r.address = "127.0.0.5";
	r.port = 161;
	r.element = agent("127.0.0.5", "cut");
	r.detail = "ifPhysAddress: row budget, 10 rows";
	r.notes = SWEEP_NOTE_BUDGET;
	sweep_sink_callbacks.on_element(&k, &r);
	sweep_sink_callbacks.on_failure(&k, "127.0.0.6", 161, "lab", NULL,
	    "timeout", NULL);
	sweep_sink_callbacks.on_failure(&k, "127.0.0.7", 161, "lab", NULL,
	    "Unknown user name", "80000007030030fbb8900200");
	sweep_sink_callbacks.on_failure(&k, "127.0.0.8", 161, "lab", NULL,
	    "Authentication failure (incorrect password, community or key)",
	    NULL);
	ck_assert_uint_eq(k.silent, 1);
	ck_assert_uint_eq(k.refused, 2);
	d = strbuf_str(&k.detail);
	ck_assert_ptr_nonnull(strstr(d,
	    "127.0.0.5:161: ifPhysAddress: row "
	    "budget, 10 rows"));
	ck_assert_ptr_nonnull(strstr(d, "127.0.0.7:161: Unknown user name"));
	ck_assert_ptr_nonnull(strstr(d, "127.0.0.8:161: Authentication"));
	/* Silent targets are named at the end, after the other notes. */
	ck_assert_ptr_null(strstr(d, "127.0.0.6"));
	ck_assert_int_eq(writer_flush(w, clock_ms(), 10), 0);
	sweep_sink_end(&k, 1, "complete");
	ck_assert_ptr_nonnull(
	    strstr(strbuf_str(&k.detail), "\n127.0.0.6:161: timeout\n"));
	ck_assert_int_eq(writer_flush(w, clock_ms(), 10), 0);
	ck_assert_int_eq(
	    count("SELECT count(*) FROM evidence WHERE kind = "
		  "'engineid' AND value = '80000007030030fbb8900200'"),
	    1);
	ck_assert_int_eq(count("SELECT count(*) FROM inventory WHERE "
			       "mgmt_ip = '127.0.0.7'"),
	    1);
	/* A walk the row budget cut makes the sweep partial, and the
	 * zones' counts say which targets answered, stayed silent,
	 * refused or were cut short. */
	ck_assert_int_eq(
	    count("SELECT count(*) FROM scans WHERE status = 'partial' AND "
		  "detail LIKE '%1 targets did not answer (timeout)%' AND "
		  "detail LIKE '%1 targets'' walks cut short: 1 by the "
		  "row budget (max-rows)%'"),
	    1);
	ck_assert_int_eq(
	    count("SELECT count(*) FROM scan_zones WHERE zone = 'unassigned' "
		  "AND targets = 4 AND answered = 1 AND silent = 1 AND "
		  "refused = 2 AND cut = 1"),
	    1);
	sweep_sink_finish(&k);
	writer_free(w);
}
END_TEST

/* A result with notes, delivered to the sink. */
static void
deliver(struct sweep_sink *k, const char *ip, unsigned notes,
    const char *detail)
{
	struct sweep_result r;

	memset(&r, 0, sizeof(r));
	r.address = ip;
	r.port = 161;
	r.element = agent(ip, ip);
	r.detail = detail;
	r.notes = notes;
	sweep_sink_callbacks.on_element(k, &r);
}

/* An agent that stops answering, loses a request or fails before its walks
 * end leaves tables unread as surely as the row budget: its walks count as
 * cut, the scan is partial and the note says by what. A private MIB
 * discovery that broke off before walks that then ended well cuts none. */
START_TEST(test_sink_cut_by_agents_that_stop_answering)
{
	struct writer *w = writer_new(st, 0);
	struct sweep_sink k;
	const char *d;

	sweep_sink_init(&k, NULL, 0, w, writer_scan_begin(w, "snmp", "lab"));
	deliver(&k, "127.0.0.11", SWEEP_NOTE_TIMEOUT,
	    "system: 3 of 3 values; entPhysicalClass: timeout mid-walk, 0 "
	    "rows");
	deliver(&k, "127.0.0.12", SWEEP_NOTE_LOST,
	    "ifPhysAddress: request lost");
	deliver(&k, "127.0.0.13", SWEEP_NOTE_FAILED, "Generic error");
	deliver(&k, "127.0.0.14", SWEEP_NOTE_BUDGET,
	    "ifPhysAddress: row budget, 10 rows");
	deliver(&k, "127.0.0.15", SWEEP_NOTE_PRIVATE_MIB,
	    "private MIBs: timeout, 1 requests, found none; ifPhysAddress: "
	    "end of table, 2 rows");
	ck_assert_uint_eq(k.cut, 4);
	ck_assert_int_eq(writer_flush(w, clock_ms(), 10), 0);
	sweep_sink_end(&k, 5, "complete");
	d = strbuf_str(&k.detail);
	ck_assert_ptr_nonnull(strstr(d,
	    "4 targets' walks cut short: 1 by the row budget (max-rows), 1 "
	    "stopped answering mid-walk, 2 lost a request or failed"));
	ck_assert_ptr_nonnull(strstr(d,
	    "127.0.0.11:161: system: 3 of 3 values; entPhysicalClass: "
	    "timeout mid-walk, 0 rows"));
	ck_assert_int_eq(writer_flush(w, clock_ms(), 10), 0);
	ck_assert_int_eq(count("SELECT count(*) FROM scans WHERE "
			       "status = 'partial'"),
	    1);
	ck_assert_int_eq(
	    count("SELECT count(*) FROM scan_zones WHERE zone = 'unassigned' "
		  "AND targets = 5 AND answered = 5 AND cut = 4"),
	    1);
	sweep_sink_finish(&k);
	writer_free(w);
}
END_TEST

/* A sweep cut short only by an agent that stopped answering is partial
 * too, and its note does not blame the row budget. */
START_TEST(test_sink_timeout_alone_makes_the_scan_partial)
{
	struct writer *w = writer_new(st, 0);
	struct sweep_sink k;

	sweep_sink_init(&k, NULL, 0, w, writer_scan_begin(w, "snmp", "lab"));
	deliver(&k, "127.0.0.21", SWEEP_NOTE_TIMEOUT,
	    "entPhysicalClass: timeout mid-walk, 0 rows");
	deliver(&k, "127.0.0.22", SWEEP_NOTE_PRIVATE_MIB,
	    "private MIBs: timeout, 1 requests, found none");
	ck_assert_int_eq(writer_flush(w, clock_ms(), 10), 0);
	sweep_sink_end(&k, 2, "complete");
	ck_assert_ptr_null(strstr(strbuf_str(&k.detail), "max-rows"));
	ck_assert_ptr_nonnull(strstr(strbuf_str(&k.detail),
	    "1 targets' walks cut short: 1 stopped answering mid-walk"));
	ck_assert_int_eq(writer_flush(w, clock_ms(), 10), 0);
	ck_assert_int_eq(count("SELECT count(*) FROM scans WHERE "
			       "status = 'partial'"),
	    1);
	ck_assert_int_eq(count("SELECT cut FROM scan_zones"), 1);
	sweep_sink_finish(&k);
	writer_free(w);
}
END_TEST

/* Silent targets are named, as far as the detail has room once the other
 * notes are in; the counts at the end are always there. */
START_TEST(test_sink_names_silent_targets_within_bounds)
{
	struct writer *w = writer_new(st, 0);
	struct sweep_sink k;
	char ip[32];
	const char *d, *more;
	size_t named = 0;

	sweep_sink_init(&k, NULL, 0, w, writer_scan_begin(w, "snmp", "/22"));
	for (int i = 0; i < 1000; i++) {
		snprintf(ip, sizeof(ip), "127.0.%d.%d", i / 250, i % 250 + 1);
		sweep_sink_callbacks.on_failure(&k, ip, 161, "lab", NULL,
		    "timeout", NULL);
	}
	sweep_sink_callbacks.on_failure(&k, "127.0.9.9", 161, "lab", NULL,
	    "Unknown user name", NULL);
	sweep_sink_end(&k, 0, "complete");
	d = strbuf_str(&k.detail);
	ck_assert_uint_lt(k.detail.len, SWEEP_SINK_DETAIL_MAX);
	/* What refused us comes first, then the silent by address. */
	ck_assert_ptr_eq(strstr(d, "127.0.9.9:161: Unknown user name\n"), d);
	ck_assert_ptr_nonnull(strstr(d, "\n127.0.0.1:161: timeout\n"));
	ck_assert_ptr_nonnull(strstr(d,
	    "\n1000 targets did not answer "
	    "(timeout)\n"));
	for (const char *p = d; (p = strstr(p, ": timeout\n")) != NULL; p++)
		named++;
	ck_assert_uint_gt(named, 50);
	more = strstr(d, "\nand ");
	ck_assert_ptr_nonnull(more);
	ck_assert_uint_eq(strtoul(more + 5, NULL, 10), 1000 - named);
	ck_assert_str_eq(strchr(more + 5, ' '), " more notes");
	sweep_sink_finish(&k);
	writer_free(w);
}
END_TEST

/* A few silent targets are all named. */
START_TEST(test_sink_names_every_silent_target_of_a_few)
{
	struct writer *w = writer_new(st, 0);
	struct sweep_sink k;
	const char *d;

	sweep_sink_init(&k, NULL, 0, w, writer_scan_begin(w, "snmp", "lab"));
	sweep_sink_callbacks.on_failure(&k, "192.0.2.7", 161, "lab", NULL,
	    "timeout", NULL);
	sweep_sink_callbacks.on_failure(&k, "2001:db8::9", 1161, "lab", NULL,
	    "timeout (no answer to SNMPv3 engineID discovery)", NULL);
	sweep_sink_end(&k, 0, "complete");
	d = strbuf_str(&k.detail);
	ck_assert_str_eq(d,
	    "192.0.2.7:161: timeout\n"
	    "2001:db8::9:1161: timeout (no answer to SNMPv3 engineID "
	    "discovery)\n"
	    "2 targets did not answer (timeout)");
	ck_assert_uint_eq(k.dropped, 0);
	sweep_sink_finish(&k);
	writer_free(w);
}
END_TEST

/* The detail stays bounded and says how much it left out. */
START_TEST(test_sink_detail_is_bounded)
{
	struct sweep_sink k;

	sweep_sink_init(&k, NULL, 0, NULL, NULL);
	for (int i = 0; i < 1000; i++)
		sweep_sink_note(&k, "127.0.%d.%d:161: system: no system group",
		    i / 250, i % 250);
	ck_assert_uint_lt(k.detail.len, SWEEP_SINK_DETAIL_MAX);
	ck_assert_uint_gt(k.dropped, 0);
	ck_assert_uint_eq(k.dropped + count_lines(&k), 1000);
	sweep_sink_finish(&k);
}
END_TEST

/* An element queued when the batch is nearly full takes its neighbours
 * into that batch: the links are written whatever the boundary. */
START_TEST(test_element_keeps_its_neighbours_across_a_batch_boundary)
{
	struct writer *w = writer_new(st, 0);
	struct writer_scan *cap = writer_scan_begin(w, "capture", "eth1");
	struct writer_scan *sw = writer_scan_begin(w, "snmp", "lab");
	struct writer_counts wc;

	for (unsigned i = 0; i < WRITER_BATCH - 1; i++)
		ck_assert_int_eq(writer_add(w, cap,
				     mac_sighting("mac", 100 + i)),
		    0);
	ck_assert_int_eq(writer_add_element(w, sw, agent("10.9.0.1", "a")), 0);
	for (unsigned i = 0; i < 3; i++)
		ck_assert_int_eq(writer_add_neighbour(w, sw,
				     mac_sighting("mac", i), "fdb", "1", NULL),
		    0);
	/* The next element starts another batch. */
	ck_assert_int_eq(writer_add_element(w, sw, agent("10.9.0.2", "b")), 0);
	ck_assert_int_eq(writer_add_neighbour(w, sw, mac_sighting("mac", 9),
			     "fdb", "2", NULL),
	    0);
	ck_assert_int_eq(writer_flush(w, clock_ms(), 1), 1);
	ck_assert_int_eq(count("SELECT count(*) FROM element_link"), 3);
	ck_assert_int_eq(writer_flush(w, clock_ms(), 10), 0);
	ck_assert_int_eq(count("SELECT count(*) FROM element_link"), 4);
	ck_assert_int_eq(count(
			     "SELECT count(*) FROM element_link l JOIN "
			     "inventory i ON i.element_id = l.element_id WHERE "
			     "i.sys_name = 'a'"),
	    3);
	writer_counts(w, &wc);
	ck_assert_uint_eq(wc.written, WRITER_BATCH - 1 + 4 + 2);
	writer_free(w);
}
END_TEST

/* The same MAC seen by two captures is written once per scan: the first
 * scan creates the element, the second is the last to see it. */
START_TEST(test_scans_never_share_a_group)
{
	struct writer *w = writer_new(st, 0);
	struct writer_scan *a = writer_scan_begin(w, "capture", "eth1");
	struct writer_scan *b = writer_scan_begin(w, "capture", "eth2");
	struct store_scan_counts cb;
	char sql[160];
	int64_t ida, idb;

	ck_assert_int_eq(writer_flush(w, clock_ms(), 0), 0);
	ida = writer_scan_id(a);
	idb = writer_scan_id(b);
	ck_assert_int_eq(writer_add(w, a, mac_sighting("mac", 5)), 0);
	ck_assert_int_eq(writer_add(w, b, mac_sighting("arp", 5)), 0);
	ck_assert_int_eq(writer_flush(w, clock_ms(), 10), 0);
	ck_assert_int_eq(store_scan_counts(st, idb, &cb), 0);
	ck_assert_int_eq(cb.updated, 1);
	snprintf(sql, sizeof(sql),
	    "SELECT count(*) FROM element WHERE "
	    "first_scan = %lld AND last_scan = %lld",
	    (long long)ida, (long long)idb);
	ck_assert_int_eq(count(sql), 1);
	writer_free(w);
}
END_TEST

/* A neighbour whose element did not fit is not linked to another. */
START_TEST(test_neighbour_of_a_dropped_element_is_dropped)
{
	struct writer *w = writer_new(st, 2);
	struct writer_scan *sw = writer_scan_begin(w, "snmp", "lab");
	struct writer_counts wc;

	ck_assert_int_eq(writer_add_element(w, sw, agent("10.9.0.1", "a")), 0);
	ck_assert_int_eq(writer_add_neighbour(w, sw, mac_sighting("mac", 1),
			     "fdb", "1", NULL),
	    0);
	ck_assert_int_eq(writer_add_element(w, sw, agent("10.9.0.2", "b")), -1);
	ck_assert_int_eq(writer_add_neighbour(w, sw, mac_sighting("mac", 2),
			     "fdb", "1", NULL),
	    -1);
	writer_counts(w, &wc);
	ck_assert_uint_eq(wc.dropped, 2);
	ck_assert_int_eq(writer_flush(w, clock_ms(), 10), 0);
	/* Room again, but the last element is gone: no link to "a". */
	ck_assert_int_eq(writer_add_neighbour(w, sw, mac_sighting("mac", 3),
			     "fdb", "1", NULL),
	    -1);
	ck_assert_int_eq(count("SELECT count(*) FROM element_link"), 1);
	writer_free(w);
}
END_TEST

static Suite *
pipeline_suite(void)
{
	Suite *s = suite_create("pipeline");
	TCase *tc = tcase_create("sink");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sink_records_element_neighbours_and_zones);
	tcase_add_test(tc, test_sink_notes_refusals_and_engine_ids);
	tcase_add_test(tc, test_sink_detail_is_bounded);
	tcase_add_test(tc, test_sink_cut_by_agents_that_stop_answering);
	tcase_add_test(tc, test_sink_timeout_alone_makes_the_scan_partial);
	tcase_add_test(tc, test_sink_names_silent_targets_within_bounds);
	tcase_add_test(tc, test_sink_names_every_silent_target_of_a_few);
	tcase_add_test(tc,
	    test_element_keeps_its_neighbours_across_a_batch_boundary);
	tcase_add_test(tc, test_scans_never_share_a_group);
	tcase_add_test(tc, test_neighbour_of_a_dropped_element_is_dropped);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testenv_run(pipeline_suite());
}
