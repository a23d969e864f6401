/*
 * Unit tests of the daemon's writer: batches reach the store with their
 * scan rows and neighbour links, each sighting as it was queued; a locked database keeps every sighting
 * queued until it can be written; a full queue counts what it drops; a scan
 * ends only after its sightings are written. And of its pusher, without a
 * central database (tests/system/093-daemon-push.sh and 096 have one): an
 * unreachable one is logged once however often the pusher retries, shown
 * in STATUS, and does not delay a stop, whose last push fails at once and
 * says so; without [central] it is idle.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/text.h"
#include "config/config.h"
#include "daemon/pusher.h"
#include "store/store.h"
#include "common/util.h"
#include "pipeline/writer.h"
#include "tests/lib/testdb.h"
#include "tests/lib/testenv.h"

static char *path;
static struct store *st;

static void
setup(void)
{
	char err[512];

	log_init("check_daemon", LOG_DEST_STDERR, 0);
	path = testenv_path("w.db");
	st = store_open(path, STORE_READ_WRITE, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
	store_set_busy_timeout(st, 10);
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
mac_sighting(unsigned i)
{
	struct sighting *s = sighting_new("mac", 1764300000 + i);
	char mac[MAC_STRLEN];

	snprintf(mac, sizeof(mac), "00:25:9e:%02x:%02x:%02x", (i >> 16) & 0xff,
	    (i >> 8) & 0xff, i & 0xff);
	sighting_add_addr(s, ADDR_MAC, mac);
	sighting_add_input(s, EV_OUI, mac);
	return s;
}

START_TEST(test_batches_reach_the_store_with_scans_and_links)
{
	struct writer *w = writer_new(st, 0);
	struct writer_scan *sc = writer_scan_begin(w, "snmp", "lab");
	struct sighting *agent = sighting_new("snmp", 1764300000);
	struct writer_counts wc;

	sighting_set(&agent->mgmt_ip, "127.0.0.9");
	sighting_set(&agent->sys_name, "agent");
	sighting_set(&agent->sys_descr, "VRP \xff\xfe"); /* not UTF-8 */
	sighting_add_addr(agent, ADDR_IPV4, "127.0.0.9");
	ck_assert_int_eq(writer_add_element(w, sc, agent), 0);
	ck_assert_int_eq(writer_add_neighbour(w, sc, mac_sighting(1), "lldp",
			     "1", "ge-0/0/1"),
	    0);
	for (unsigned i = 2; i < 2 + 2 * WRITER_BATCH; i++)
		ck_assert_int_eq(writer_add(w, sc, mac_sighting(i)), 0);
	writer_scan_end(w, sc, "complete", 1, 0, NULL);
	ck_assert(writer_pending(w));
	/* One batch per call when asked for one: the scan waits for the rest. */
	ck_assert_int_eq(writer_flush(w, clock_ms(), 1), 1);
	ck_assert_int_eq(
	    count("SELECT count(*) FROM scans WHERE status = 'running'"), 1);
	ck_assert_int_eq(writer_flush(w, clock_ms(), 10), 0);
	ck_assert(!writer_pending(w));
	writer_counts(w, &wc);
	ck_assert_uint_eq(wc.written, 2 + 2 * WRITER_BATCH);
	ck_assert_uint_eq(wc.queued, 0);
	ck_assert_int_eq(count("SELECT count(*) FROM element"),
	    2 + 2 * WRITER_BATCH);
	ck_assert_int_eq(
	    count("SELECT count(*) FROM element_link WHERE protocol = 'lldp'"),
	    1);
	/* As they were queued (the queue keeps them packed). */
	ck_assert_int_eq(
	    count("SELECT count(*) FROM inventory WHERE sys_name = 'agent' "
		  "AND mgmt_ip = '127.0.0.9' AND sys_descr = x'56525020fffe'"),
	    1);
	ck_assert_int_eq(
	    count("SELECT count(*) FROM element_link "
		  "WHERE local_port = '1' AND remote_port = 'ge-0/0/1'"),
	    1);
	ck_assert_int_eq(
	    count(
		"SELECT count(DISTINCT value) FROM evidence WHERE kind = 'oui'"),
	    1 + 2 * WRITER_BATCH);
	ck_assert_int_eq(
	    count(
		"SELECT count(*) FROM scans WHERE status = 'complete' AND responded = 1"),
	    1);
	writer_free(w);
}
END_TEST

/* A host's MAC, then its ARP, interleaved with other hosts in one batch:
 * one element each, with every address and source and both times. */
START_TEST(test_sightings_of_one_host_in_a_batch_make_one_element)
{
	struct writer *w = writer_new(st, 0);
	struct writer_scan *sc = writer_scan_begin(w, "capture", "eth1");
	struct writer_counts wc;

	for (unsigned i = 0; i < 10; i++)
		ck_assert_int_eq(writer_add(w, sc, mac_sighting(i)), 0);
	for (unsigned i = 0; i < 10; i++) {
		struct sighting *s = mac_sighting(i);
		char ip[16];

		s->source = "arp";
		s->observed_at += 100;
		snprintf(ip, sizeof(ip), "10.0.0.%u", i + 1);
		sighting_add_addr(s, ADDR_IPV4, ip);
		ck_assert_int_eq(writer_add(w, sc, s), 0);
	}
	writer_scan_end(w, sc, "complete", -1, 20, NULL);
	ck_assert_int_eq(writer_flush(w, clock_ms(), 10), 0);
	writer_counts(w, &wc);
	ck_assert_uint_eq(wc.written, 20);
	ck_assert_int_eq(count("SELECT count(*) FROM element"), 10);
	ck_assert_int_eq(count("SELECT count(*) FROM inventory WHERE sources = "
			       "'arp,mac' AND last_seen > first_seen"),
	    10);
	ck_assert_int_eq(
	    count(
		"SELECT count(*) FROM element_address a JOIN "
		"element_address m ON m.element_id = a.element_id AND m.kind = 'mac' "
		"WHERE a.kind = 'ipv4' AND a.value = '10.0.0.4' "
		"AND m.value = '00:25:9e:00:00:03'"),
	    1);
	ck_assert_int_eq(count("SELECT count(DISTINCT element_id) FROM "
			       "element_address WHERE kind = 'ipv4'"),
	    10);
	writer_free(w);
}
END_TEST

START_TEST(test_locked_database_keeps_sightings_until_it_is_free)
{
	struct writer *w = writer_new(st, 0);
	struct writer_scan *sc = writer_scan_begin(w, "capture", "eth1");
	struct writer_counts wc;
	sqlite3 *other;
	int64_t now = clock_ms();

	ck_assert_int_eq(writer_flush(w, now, 1), 0); /* the scan row */
	ck_assert_int_eq(sqlite3_open(path, &other), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL,
			     NULL),
	    SQLITE_OK);
	for (unsigned i = 0; i < 100; i++)
		writer_add(w, sc, mac_sighting(i));
	ck_assert_int_eq(writer_flush(w, now, 4), -1);
	ck_assert(writer_failing(w));
	ck_assert_uint_eq(writer_queued(w), 100);
	ck_assert(writer_retry_at(w) >= now + WRITER_BACKOFF_MIN_MS);
	/* Not before the backoff, even when the lock is gone. */
	ck_assert_int_eq(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(writer_flush(w, now + 1, 4), -1);
	ck_assert_uint_eq(writer_queued(w), 100);
	/* A second failure doubles the delay. */
	ck_assert_int_eq(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL,
			     NULL),
	    SQLITE_OK);
	ck_assert_int_eq(writer_flush(w, writer_retry_at(w), 4), -1);
	ck_assert(writer_retry_at(w) >= now + 3 * WRITER_BACKOFF_MIN_MS);
	ck_assert_int_eq(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(other);
	writer_scan_end(w, sc, "complete", -1, 100, NULL);
	ck_assert_int_eq(writer_flush(w, writer_retry_at(w), 4), 0);
	ck_assert(!writer_failing(w));
	writer_counts(w, &wc);
	ck_assert_uint_eq(wc.written, 100);
	ck_assert_uint_eq(wc.failures, 2);
	ck_assert_int_eq(count("SELECT count(*) FROM element"), 100);
	ck_assert_int_eq(
	    count("SELECT frames FROM scans WHERE status = 'complete'"), 100);
	writer_free(w);
}
END_TEST

START_TEST(test_full_queue_counts_what_it_drops)
{
	struct writer *w = writer_new(st, 3);
	struct writer_scan *sc = writer_scan_begin(w, "capture", "eth1");
	struct writer_counts wc;

	for (unsigned i = 0; i < 5; i++) {
		/* Full from the fourth on: the one a listener must untell. */
		ck_assert(writer_full(w) == (i >= 3));
		ck_assert_int_eq(writer_add(w, sc, mac_sighting(i)),
		    i < 3 ? 0 : -1);
	}
	writer_counts(w, &wc);
	ck_assert_uint_eq(wc.queued, 3);
	ck_assert_uint_eq(wc.dropped, 2);
	ck_assert_int_eq(writer_flush(w, clock_ms(), 1), 0);
	ck_assert_int_eq(count("SELECT count(*) FROM element"), 3);
	ck_assert(!writer_full(w));
	writer_scan_end(w, sc, "complete", -1, 5, NULL);
	ck_assert_int_eq(writer_flush(w, clock_ms(), 1), 0);
	writer_free(w);
}
END_TEST

START_TEST(test_mac_floods_leave_room_for_what_identifies)
{
	struct writer *w = writer_new(st, 20);
	struct writer_scan *sc = writer_scan_begin(w, "capture", "eth1");
	struct writer_counts wc;
	struct sighting *lldp;

	/* Plain MACs fill nine tenths of the queue, then give way. */
	for (unsigned i = 0; i < 25; i++)
		writer_add(w, sc, mac_sighting(i));
	writer_counts(w, &wc);
	ck_assert_uint_eq(wc.queued, 18);
	ck_assert_uint_eq(wc.dropped, 7);
	/* An LLDP neighbour still gets in, up to the queue's end. */
	for (unsigned i = 0; i < 3; i++) {
		lldp = mac_sighting(100 + i);
		lldp->source = "lldp";
		sighting_set(&lldp->sys_name, "agg-sw-1");
		ck_assert(writer_room(w, lldp) == (i < 2));
		ck_assert_int_eq(writer_add(w, sc, lldp), i < 2 ? 0 : -1);
	}
	ck_assert(writer_full(w));
	ck_assert_int_eq(writer_flush(w, clock_ms(), 1), 0);
	ck_assert_int_eq(
	    count("SELECT count(*) FROM element WHERE sys_name = 'agg-sw-1'"),
	    2);
	writer_scan_end(w, sc, "complete", -1, 28, NULL);
	ck_assert_int_eq(writer_flush(w, clock_ms(), 1), 0);
	writer_free(w);
}
END_TEST

START_TEST(test_unwritten_scan_is_begun_and_ended_together)
{
	struct writer *w = writer_new(NULL, 0);
	struct writer_scan *sc = writer_scan_begin(w, "snmp", "lab");

	/* No store yet: nothing can be written, nothing is lost. */
	writer_add(w, sc, mac_sighting(7));
	writer_scan_end(w, sc, "interrupted", 0, 0, "stopped");
	ck_assert_int_eq(writer_flush(w, clock_ms(), 1), -1);
	writer_set_store(w, st);
	ck_assert_int_eq(writer_flush(w, clock_ms(), 1), 0);
	ck_assert_int_eq(
	    count("SELECT count(*) FROM scans WHERE status = 'interrupted'"),
	    1);
	ck_assert_int_eq(count("SELECT count(*) FROM element"), 1);
	writer_free(w);
}
END_TEST

/* The pusher's STATUS= part. */
static char *
pusher_told(struct pusher *p)
{
	struct strbuf sb = STRBUF_INIT;

	pusher_status(p, &sb);
	return strbuf_steal(&sb);
}

/* How many lines of the log file at file hold what. */
static int
log_lines(const char *file, const char *what)
{
	char line[4096];
	FILE *f = fopen(file, "r");
	int n = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, what) != NULL)
			n++;
	fclose(f);
	return n;
}

/* A [central] section whose server cannot be reached: no socket there. */
static void
unreachable_central(struct config *cfg, char **url)
{
	*url =
	    xprintf("postgresql://site@/central?host=%s&port=1", testenv_dir());
	memset(cfg, 0, sizeof(*cfg));
	cfg->central_url = *url;
	cfg->central_site = (char *)"north";
	cfg->central_password = (char *)"pw-never-logged";
}

START_TEST(test_pusher_logs_an_outage_once_and_stops_at_once)
{
	char *logpath = testenv_path("log"), *url, *told, err[256];
	FILE *logf = fopen(logpath, "w");
	struct config cfg;
	struct pusher *p;
	int64_t start;

	log_init("check_daemon", LOG_DEST_STDERR, 2);
	log_stream(logf);
	unreachable_central(&cfg, &url);
	p = pusher_new(path, err, sizeof(err));
	ck_assert_msg(p != NULL, "%s", err);
	told = pusher_told(p);
	ck_assert_str_eq(told, "");
	free(told);
	pusher_configure(p, &cfg);
	ck_assert(pusher_same(p, &cfg));
	/* Retries at 1 s, then 2 s later: wait for both. */
	while (log_lines(logpath, "central: push retry failed") < 2)
		usleep(20000);
	ck_assert_int_eq(log_lines(logpath,
			     "central: cannot push site north: "
			     "central database (host "),
	    1);
	ck_assert_int_eq(log_lines(logpath, "pw-never-logged"), 0);
	told = pusher_told(p);
	ck_assert_msg(strncmp(told, "; central: unreachable since 20", 31) == 0,
	    "%s", told);
	free(told);
	ck_assert(!pusher_refused(p));
	/* Stopped while it waits for its next retry (4 s away): the last
	 * push is tried at once, fails at once, and says so. */
	start = clock_ms();
	pusher_final(p, PUSHER_FINAL_MS);
	pusher_free(p);
	ck_assert_int_lt(clock_ms() - start, 1000);
	ck_assert_int_eq(log_lines(logpath,
			     "central: cannot push site north before "
			     "stopping: central database (host "),
	    1);
	ck_assert_int_eq(log_lines(logpath, "central: cannot push site"), 2);
	log_stream(NULL);
	fclose(logf);
	free(url);
	free(logpath);
}
END_TEST

START_TEST(test_pusher_without_central_is_idle)
{
	struct config cfg, other;
	struct pusher *p;
	char err[256], *url, *told;

	unreachable_central(&cfg, &url);
	other = cfg;
	other.central_site = (char *)"south";
	p = pusher_new(path, err, sizeof(err));
	ck_assert_msg(p != NULL, "%s", err);
	pusher_configure(p, &cfg);
	ck_assert(pusher_same(p, &cfg));
	ck_assert(!pusher_same(p, &other));
	pusher_configure(p, NULL);
	ck_assert(!pusher_same(p, &cfg));
	/* The thread takes the change when it next looks. */
	for (;;) {
		told = pusher_told(p);
		if (*told == '\0')
			break;
		free(told);
		usleep(10000);
	}
	free(told);
	pusher_poke(p);
	/* Nothing to push at a stop: no wait. */
	pusher_final(p, PUSHER_FINAL_MS);
	pusher_free(p);
	free(url);
}
END_TEST

static Suite *
daemon_suite(void)
{
	Suite *s = suite_create("daemon");
	TCase *tc = tcase_create("writer");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_batches_reach_the_store_with_scans_and_links);
	tcase_add_test(tc,
	    test_sightings_of_one_host_in_a_batch_make_one_element);
	tcase_add_test(tc,
	    test_locked_database_keeps_sightings_until_it_is_free);
	tcase_add_test(tc, test_mac_floods_leave_room_for_what_identifies);
	tcase_add_test(tc, test_full_queue_counts_what_it_drops);
	tcase_add_test(tc, test_unwritten_scan_is_begun_and_ended_together);
	suite_add_tcase(s, tc);
	tc = tcase_create("pusher");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_pusher_logs_an_outage_once_and_stops_at_once);
	tcase_add_test(tc, test_pusher_without_central_is_idle);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testenv_run(daemon_suite());
}
