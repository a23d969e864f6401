/*
 * Unit tests of the store: opening and refusing files, migrations and the
 * public views, scans, identity resolution and merges, verbatim storage,
 * classification through classifier_ops, and readers during writes.
 */
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/evidence.h"
#include "common/sighting.h"
#include "common/text.h"
#include "probes/passive.h"
#include "store/store.h"
#include "common/util.h"
#include "tests/lib/fake_classifier.h"
#include "tests/lib/testdb.h"
#include "tests/lib/testenv.h"

#define T0 1795000000 /* 2026-11-18T11:06:40Z */

static char *db_path;

static void
setup(void)
{
	db_path = testenv_path("vraudit.db");
}

static void
teardown(void)
{
	free(db_path);
	testenv_dir_remove();
}

static struct store *
open_rw(void)
{
	char err[1024];
	struct store *st =
	    store_open(db_path, STORE_READ_WRITE, err, sizeof(err));

	ck_assert_msg(st != NULL, "open: %s", err);
	return st;
}

static int64_t
count(const char *sql)
{
	return testdb_file_int(db_path, sql);
}

static char *
text(const char *sql)
{
	return testdb_file_text(db_path, sql);
}

static void
write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static unsigned char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = xmalloc(1 << 20);

	ck_assert_ptr_nonnull(f);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

static bool
exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/* Open must fail in both modes, leave the file byte-for-byte as it was and
 * create no -wal, -shm or -journal next to it. */
static void
assert_refused_untouched(const char *expect)
{
	size_t before_len, after_len;
	unsigned char *before = read_file(db_path, &before_len);
	const char *suffix[] = { "-wal", "-shm", "-journal" };
	enum store_mode modes[] = { STORE_READ_WRITE, STORE_READ_ONLY };
	char err[1024];

	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		ck_assert_ptr_null(
		    store_open(db_path, modes[m], err, sizeof(err)));
		ck_assert_msg(strstr(err, db_path) != NULL,
		    "error does not name the file: %s", err);
		ck_assert_msg(strstr(err, expect) != NULL,
		    "error '%s' does not say '%s'", err, expect);
	}
	unsigned char *after = read_file(db_path, &after_len);
	ck_assert_uint_eq(before_len, after_len);
	ck_assert_mem_eq(before, after, before_len);
	for (size_t i = 0; i < ARRAY_SIZE(suffix); i++) {
		char *side = xprintf("%s%s", db_path, suffix[i]);
		ck_assert_msg(!exists(side), "%s was created", side);
		free(side);
	}
	free(before);
	free(after);
}

/* Make an SQLite file the way another program would. */
static void
foreign_db(const char *sql)
{
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
}

/* Columns of a table or view, comma-separated, via PRAGMA table_info. */
static char *
columns(sqlite3 *db, const char *name)
{
	char *sql =
	    xprintf("SELECT group_concat(name, ',') FROM "
		    "(SELECT name FROM pragma_table_info('%s') ORDER BY cid)",
		name);
	char *v = testdb_text(db, sql);

	free(sql);
	return v;
}

START_TEST(test_migrate_creates_the_five_views_with_design_columns)
{
	static const struct {
		const char *view, *columns;
	} design[] = {
		{ "inventory",
		    "element_id,mgmt_ip,mac,sys_name,sys_descr,"
		    "sys_object_id,vendor,vendor_name,risk,confidence,conflict,"
		    "zone,model,serial,software,first_seen,last_seen,sources,"
		    "sys_name_source,sys_name_observed,mgmt_ip_source,"
		    "mgmt_ip_observed,retired_at,retired_reason,address,"
		    "address_kind,addresses" },
		{ "evidence",
		    "element_id,kind,value,vendor,strength,rule,"
		    "observed_at,scan_id" },
		{ "violations",
		    "policy,rule,element_id,mgmt_ip,vendor,zone,"
		    "status,deadline,detail,waiver" },
		{ "zone_share",
		    "policy,rule,zone,elements,high_risk,share,"
		    "max_share,deadline,status,waived,coverage" },
		{ "coverage",
		    "zone,elements,last_sweep,sweep_id,targets,answered,silent,"
		    "refused,cut,missing,captured,last_capture,newest,observed,"
		    "age_days,max_age_days,status,reason" },
		{ "new_elements",
		    "policy,rule,element_id,mgmt_ip,mac,sys_name,vendor,risk,"
		    "zone,first_seen,first_seen_after,waiver" },
		{ "scan_zones",
		    "scan_id,kind,status,started_at,finished_at,zone,targets,"
		    "answered,silent,refused,cut,missing" },
		{ "waivers",
		    "name,scope_kind,scope,pack,rule,reason,approver,expires,"
		    "status,days_left" },
		{ "scans",
		    "scan_id,kind,started_at,finished_at,status,targets,"
		    "responded,frames,detail" },
	};
	struct store *st = open_rw();
	int found;
	sqlite3 *db;

	ck_assert_int_eq(store_schema_version(st, &found),
	    store_schema_latest());
	ck_assert_int_eq(found, 0);
	store_close(st);
	db = testdb_open(db_path);
	for (size_t i = 0; i < ARRAY_SIZE(design); i++) {
		char *sql = xprintf("SELECT count(*) FROM sqlite_schema "
				    "WHERE type = 'view' AND name = '%s'",
		    design[i].view);
		char *cols = columns(db, design[i].view);

		ck_assert_int_eq(testdb_int(db, sql), 1);
		ck_assert_str_eq(cols, design[i].columns);
		free(sql);
		free(cols);
	}
	ck_assert_int_eq(testdb_int(db, "PRAGMA application_id"),
	    STORE_APPLICATION_ID);
	ck_assert_int_eq(testdb_int(db, "PRAGMA user_version"),
	    store_schema_latest());
	char *mode = testdb_text(db, "PRAGMA journal_mode");
	ck_assert_str_eq(mode, "wal");
	free(mode);
	ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM violations"), 0);
	ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM zone_share"), 0);
	sqlite3_close(db);
}
END_TEST

/* The checks of a new file refuse a risk and an address kind outside
 * their sets and take the ones inside (version 11 wrote them anew). */
START_TEST(test_checks_refuse_values_outside_their_sets)
{
	static const struct {
		const char *sql;
		bool ok;
	} cases[] = {
		{ "INSERT INTO element (first_seen, last_seen, risk) "
		  "VALUES ('t', 't', 'watch')",
		    true },
		{ "INSERT INTO element (first_seen, last_seen, risk) "
		  "VALUES ('t', 't', 'severe')",
		    false },
		{ "UPDATE element SET risk = 'High'", false },
		{ "INSERT INTO element_address (element_id, kind, value, "
		  "first_seen, last_seen) VALUES (1, 'ipv6', '::1', 't', 't')",
		    true },
		{ "INSERT INTO element_address (element_id, kind, value, "
		  "first_seen, last_seen) VALUES (1, 'eui64', 'x', 't', 't')",
		    false },
	};
	sqlite3 *db;

	store_close(open_rw());
	ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *msg = NULL;
		int rc = sqlite3_exec(db, cases[i].sql, NULL, NULL, &msg);

		ck_assert_msg((rc == SQLITE_OK) == cases[i].ok, "%s: %s",
		    cases[i].sql, msg != NULL ? msg : "accepted");
		if (!cases[i].ok)
			ck_assert_int_eq(sqlite3_extended_errcode(db),
			    SQLITE_CONSTRAINT_CHECK);
		sqlite3_free(msg);
	}
	ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
}
END_TEST

START_TEST(test_migrate_twice_is_a_no_op)
{
	struct store *st = open_rw();
	char *before, *after;
	int found;

	store_close(st);
	before = text("SELECT group_concat(sql, ';') FROM sqlite_schema");
	st = open_rw();
	ck_assert_int_eq(store_schema_version(st, &found),
	    store_schema_latest());
	ck_assert_int_eq(found, store_schema_latest());
	store_close(st);
	after = text("SELECT group_concat(sql, ';') FROM sqlite_schema");
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
}
END_TEST

START_TEST(test_empty_file_is_initialised)
{
	struct store *st;
	int found;

	write_file(db_path, "", 0);
	st = open_rw();
	ck_assert_int_eq(store_schema_version(st, &found),
	    store_schema_latest());
	ck_assert_int_eq(found, 0);
	store_close(st);
	ck_assert_int_eq(count("SELECT count(*) FROM inventory"), 0);
}
END_TEST

START_TEST(test_non_sqlite_file_is_refused_untouched)
{
	unsigned char junk[4096];

	srand(42);
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)rand();
	write_file(db_path, junk, sizeof(junk));
	assert_refused_untouched("not an SQLite database");
}
END_TEST

START_TEST(test_short_text_file_is_refused_untouched)
{
	write_file(db_path, "hello\n", 6);
	assert_refused_untouched("not an SQLite database");
}
END_TEST

START_TEST(test_database_of_another_application_is_refused_untouched)
{
	foreign_db("CREATE TABLE contacts (name TEXT); "
		   "INSERT INTO contacts VALUES ('alice'); "
		   "PRAGMA application_id = 305419896;");
	assert_refused_untouched("another application");
}
END_TEST

START_TEST(test_database_without_application_id_but_tables_is_refused)
{
	foreign_db("CREATE TABLE contacts (name TEXT);");
	assert_refused_untouched("another application");
}
END_TEST

START_TEST(test_newer_schema_version_is_refused_untouched)
{
	char expect[64];

	foreign_db("PRAGMA application_id = 1448231253; "
		   "PRAGMA user_version = 99; CREATE TABLE future (x);");
	snprintf(expect, sizeof(expect),
	    "schema version 99 is newer than "
	    "this vraudit supports (%d)",
	    store_schema_latest());
	assert_refused_untouched(expect);
}
END_TEST

START_TEST(test_read_only_open_of_missing_file_says_what_to_do)
{
	char err[1024], expect[256];

	ck_assert_ptr_null(
	    store_open(db_path, STORE_READ_ONLY, err, sizeof(err)));
	snprintf(expect, sizeof(expect),
	    "no database at %s (run 'vraudit "
	    "migrate' or a scan first)",
	    db_path);
	ck_assert_str_eq(err, expect);
	ck_assert(!exists(db_path));
}
END_TEST

START_TEST(test_scan_lifecycle_running_then_complete)
{
	struct store *st = open_rw();
	int64_t id = store_scan_begin(st, "snmp", "10.0.0.0/24");
	char *status;

	ck_assert_int_gt(id, 0);
	/* Committed at once: visible to a reader while the writer is open. */
	status = text("SELECT status FROM scans");
	ck_assert_str_eq(status, "running");
	free(status);
	ck_assert_int_eq(store_scan_end(st, id, "complete", 12, 0, NULL), 0);
	status = text("SELECT status || ' ' || responded || ' ' || "
		      "(finished_at IS NOT NULL) || ' ' || targets FROM scans");
	ck_assert_str_eq(status, "complete 12 1 10.0.0.0/24");
	free(status);
	store_close(st);
}
END_TEST

START_TEST(test_leftover_running_scan_becomes_interrupted_on_reopen)
{
	struct store *st;
	char *status;
	pid_t pid;
	int ws;

	st = open_rw();
	store_close(st);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		/* A writer that dies in the middle of a scan. */
		char err[1024];
		struct store *w =
		    store_open(db_path, STORE_READ_WRITE, err, sizeof(err));
		_exit(w != NULL && store_scan_begin(w, "capture", "eth1") > 0
			? 0
			: 1);
	}
	ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
	ck_assert(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
	status = text("SELECT status FROM scans");
	ck_assert_str_eq(status, "running");
	free(status);
	st = open_rw();
	status = text("SELECT status || ' ' || (finished_at IS NOT NULL) "
		      "FROM scans");
	ck_assert_str_eq(status, "interrupted 1");
	free(status);
	store_close(st);
}
END_TEST

START_TEST(test_running_scan_of_a_live_writer_is_left_alone)
{
	struct store *daemon = open_rw(), *other;
	int64_t id = store_scan_begin(daemon, "snmp", "core");
	char *status;

	other = open_rw(); /* e.g. `vraudit migrate` while it scans */
	store_close(other);
	status = text("SELECT status FROM scans");
	ck_assert_str_eq(status, "running");
	free(status);
	ck_assert_int_eq(store_scan_end(daemon, id, "complete", 1, 0, NULL), 0);
	store_close(daemon);
}
END_TEST

/* Sighting helpers. */

static struct sighting *
seen(const char *source, int64_t when, const char *mac, const char *ip)
{
	struct sighting *s = sighting_new(source, when);

	sighting_set(&s->chassis_mac, mac);
	sighting_set(&s->mgmt_ip, ip);
	return s;
}

static int64_t
record(struct store *st, int64_t scan, struct sighting *s)
{
	int64_t id = 0;

	ck_assert_msg(store_record(st, scan, s, &id) == 0, "record: %s",
	    store_error(st));
	ck_assert_int_gt(id, 0);
	sighting_free(s);
	return id;
}

/* Retirement: against the newest observation of a complete scan, never
 * after a scan that failed, and undone when the element is seen again. */
START_TEST(test_retirement_follows_complete_scans_only)
{
	struct store *st = open_rw();
	const int64_t day = 86400;
	int64_t s1, s2, s3, s4, a, b;
	char *row;

	store_set_retire_after(st, INT64_C(30) * day * 1000);
	s1 = store_scan_begin(st, "snmp", "t");
	a = record(st, s1, seen("snmp", T0, "00:e0:fc:00:00:01", "10.0.0.1"));
	b = record(st, s1, seen("snmp", T0, "00:e0:fc:00:00:02", "10.0.0.2"));
	ck_assert_int_eq(store_scan_end(st, s1, "complete", 2, 0, NULL), 0);
	/* Only a failed scan saw the network later: nothing retires. */
	s2 = store_scan_begin(st, "snmp", "t");
	record(st, s2, seen("snmp", T0 + 40 * day, "00:e0:fc:00:00:01", NULL));
	ck_assert_int_eq(store_scan_end(st, s2, "failed", 1, 0, NULL), 0);
	ck_assert_int_eq(count("SELECT count(*) FROM element "
			       "WHERE retired_at IS NOT NULL"),
	    0);
	/* A complete one 40 days on without b: b is retired, a is not. */
	s3 = store_scan_begin(st, "snmp", "t");
	record(st, s3, seen("snmp", T0 + 40 * day, "00:e0:fc:00:00:01", NULL));
	ck_assert_int_eq(store_scan_end(st, s3, "complete", 1, 0, NULL), 0);
	row = text("SELECT group_concat(element_id) FROM inventory "
		   "WHERE retired_at IS NOT NULL");
	ck_assert_int_eq(atoll(row), b);
	free(row);
	ck_assert_int_eq(count("SELECT count(*) FROM audit_log WHERE "
			       "kind = 'retire'"),
	    1);
	ck_assert_int_eq(count("SELECT subject FROM audit_log WHERE "
			       "kind = 'retire'"),
	    b);
	ck_assert_int_eq(count("SELECT count(*) FROM element WHERE "
			       "retired_at IS NOT NULL"),
	    1);
	(void)a;
	/* Seen again: back, with a record. */
	s4 = store_scan_begin(st, "snmp", "t");
	record(st, s4, seen("snmp", T0 + 41 * day, "00:e0:fc:00:00:02", NULL));
	ck_assert_int_eq(store_scan_end(st, s4, "complete", 1, 0, NULL), 0);
	ck_assert_int_eq(count("SELECT count(*) FROM element WHERE "
			       "retired_at IS NOT NULL"),
	    0);
	ck_assert_int_eq(count("SELECT subject FROM audit_log WHERE "
			       "kind = 'return'"),
	    b);
	store_close(st);
}
END_TEST

/* A sweep does not retire what only a capture heard: an old capture
 * ingested before a sweep 40 days on keeps its elements live; a later
 * capture 40 days on retires them. */
START_TEST(test_retirement_judges_each_kind_of_scan_apart)
{
	struct store *st = open_rw();
	const int64_t day = 86400;
	int64_t s1, s2, s3, heard;

	store_set_retire_after(st, INT64_C(30) * day * 1000);
	s1 = store_scan_begin(st, "capture", "old.pcap");
	heard = record(st, s1, seen("mac", T0, "00:e0:fc:00:00:03", NULL));
	ck_assert_int_eq(store_scan_end(st, s1, "complete", 1, 1, NULL), 0);
	s2 = store_scan_begin(st, "snmp", "t");
	record(st, s2, seen("snmp", T0 + 40 * day, "00:e0:fc:00:00:04", NULL));
	ck_assert_int_eq(store_scan_end(st, s2, "complete", 1, 0, NULL), 0);
	ck_assert_int_eq(count("SELECT count(*) FROM element "
			       "WHERE retired_at IS NOT NULL"),
	    0);
	s3 = store_scan_begin(st, "capture", "new.pcap");
	record(st, s3, seen("mac", T0 + 40 * day, "00:e0:fc:00:00:05", NULL));
	ck_assert_int_eq(store_scan_end(st, s3, "complete", 1, 1, NULL), 0);
	ck_assert_int_eq(count("SELECT group_concat(id) FROM element "
			       "WHERE retired_at IS NOT NULL"),
	    heard);
	store_close(st);
}
END_TEST

/* retire-after never: nothing is ever retired. */
START_TEST(test_retire_never)
{
	struct store *st = open_rw();
	int64_t s1, s2;

	s1 = store_scan_begin(st, "snmp", "t");
	record(st, s1, seen("snmp", T0, "00:e0:fc:00:00:01", NULL));
	record(st, s1, seen("snmp", T0, "00:e0:fc:00:00:02", NULL));
	ck_assert_int_eq(store_scan_end(st, s1, "complete", 2, 0, NULL), 0);
	s2 = store_scan_begin(st, "snmp", "t");
	record(st, s2,
	    seen("snmp", T0 + 3650 * 86400, "00:e0:fc:00:00:01", NULL));
	ck_assert_int_eq(store_scan_end(st, s2, "complete", 1, 0, NULL), 0);
	ck_assert_int_eq(count("SELECT count(*) FROM element WHERE "
			       "retired_at IS NOT NULL"),
	    0);
	store_close(st);
}
END_TEST

START_TEST(test_same_mac_in_two_sightings_is_one_element)
{
	struct store *st = open_rw();
	struct sighting *s;
	int64_t a, b;

	a = record(st, 0, seen("snmp", T0, "00:E0:FC:12:34:56", NULL));
	s = sighting_new("arp", T0 + 60);
	sighting_add_addr(s, ADDR_MAC, "00e0.fc12.3456");
	b = record(st, 0, s);
	ck_assert_int_eq(a, b);
	store_close(st);
	ck_assert_int_eq(count("SELECT count(*) FROM inventory"), 1);
	char *row = text("SELECT mac || ' ' || sources || ' ' || first_seen "
			 "|| ' ' || last_seen FROM inventory");
	ck_assert_str_eq(row,
	    "00:e0:fc:12:34:56 arp,snmp "
	    "2026-11-18T11:06:40Z 2026-11-18T11:07:40Z");
	free(row);
}
END_TEST

/*
 * Two writers of one file, each with its scan: each one's counts are what
 * its own writes did, whichever wrote an element last, and a capture's
 * responded is the elements it created or saw again.
 */
START_TEST(test_scan_counts_are_each_writers_own)
{
	struct store *a = open_rw(), *b = open_rw();
	int64_t sa = store_scan_begin(a, "capture", "a.pcap");
	int64_t sb = store_scan_begin(b, "capture", "b.pcap");
	struct store_scan_counts ca, cb;
	char *row;

	ck_assert_int_gt(sa, 0);
	ck_assert_int_gt(sb, 0);
	/* A creates two elements and commits; B creates one, then sees
	 * one of A's again after A committed it. */
	record(a, sa, seen("lldp", T0, "00:E0:FC:00:00:01", NULL));
	record(a, sa, seen("lldp", T0, "00:E0:FC:00:00:02", NULL));
	ck_assert_int_eq(store_flush(a), 0);
	record(b, sb, seen("lldp", T0 + 5, "00:E0:FC:00:00:03", "10.0.0.3"));
	record(b, sb, seen("lldp", T0 + 5, "00:E0:FC:00:00:01", "10.0.0.1"));
	ck_assert_int_eq(store_scan_end(b, sb, "complete", STORE_SCAN_SEEN, 9,
			     NULL),
	    0);
	ck_assert_int_eq(store_scan_end(a, sa, "complete", STORE_SCAN_SEEN, 7,
			     NULL),
	    0);
	ck_assert_int_eq(store_scan_counts(a, sa, &ca), 0);
	ck_assert_int_eq(store_scan_counts(b, sb, &cb), 0);
	ck_assert_int_eq(ca.created, 2);
	ck_assert_int_eq(ca.updated, 0);
	ck_assert_int_eq(cb.created, 1);
	ck_assert_int_eq(cb.updated, 1);
	store_close(b);
	store_close(a);
	row = text("SELECT group_concat(responded, ' ') FROM "
		   "(SELECT responded FROM scans ORDER BY scan_id)");
	ck_assert_str_eq(row, "2 2");
	free(row);
}
END_TEST

/* An element merged away leaves the count of the scan that created it. */
START_TEST(test_scan_counts_follow_merges_and_rollbacks)
{
	struct store *st = open_rw();
	int64_t s = store_scan_begin(st, "snmp", "lab");
	struct store_scan_counts c;

	record(st, s, seen("snmp", T0, "00:E0:FC:00:00:01", NULL));
	record(st, s, seen("snmp", T0, NULL, "10.0.0.9"));
	ck_assert_int_eq(store_flush(st), 0);
	/* One box after all: the two elements merge. */
	record(st, s, seen("snmp", T0 + 1, "00:E0:FC:00:00:01", "10.0.0.9"));
	ck_assert_int_eq(store_flush(st), 0);
	ck_assert_int_eq(store_scan_counts(st, s, &c), 0);
	ck_assert_int_eq(c.created, 1);
	ck_assert_int_eq(c.updated, 0);
	ck_assert_int_eq(store_scan_end(st, s, "complete", 1, 0, NULL), 0);
	store_close(st);
}
END_TEST

START_TEST(test_mac_then_ip_then_chassis_id_chain_is_one_element)
{
	struct store *st = open_rw();
	struct sighting *s;
	int64_t a, b, c, d;

	/* ARP: a MAC. */
	s = sighting_new("arp", T0);
	sighting_add_addr(s, ADDR_MAC, "00:e0:fc:00:00:01");
	a = record(st, 0, s);
	/* ARP again: that MAC with its management address. */
	s = seen("arp", T0 + 1, NULL, "10.0.0.1");
	sighting_add_addr(s, ADDR_MAC, "00:e0:fc:00:00:01");
	b = record(st, 0, s);
	/* A neighbour's LLDP: the management address and a chassis ID. */
	s = seen("lldp", T0 + 2, NULL, "10.0.0.1");
	sighting_set(&s->chassis_id, "7:core-sw-1");
	c = record(st, 0, s);
	/* LLDP once more, the chassis ID alone. */
	s = sighting_new("lldp", T0 + 3);
	sighting_set(&s->chassis_id, "7:core-sw-1");
	sighting_set(&s->sys_name, "core-sw-1");
	d = record(st, 0, s);
	ck_assert_int_eq(a, b);
	ck_assert_int_eq(a, c);
	ck_assert_int_eq(a, d);
	store_close(st);
	char *row = text("SELECT mgmt_ip || ' ' || mac || ' ' || sys_name || "
			 "' ' || sources FROM inventory");
	ck_assert_str_eq(row, "10.0.0.1 00:e0:fc:00:00:01 core-sw-1 arp,lldp");
	free(row);
}
END_TEST

START_TEST(test_name_and_serial_identify_an_element)
{
	struct store *st = open_rw();
	struct sighting *s;
	int64_t a, b, c;

	s = seen("snmp", T0, NULL, "10.0.0.5");
	sighting_set(&s->sys_name, "ran-bbu-7");
	sighting_set(&s->serial, "2102351HLD10K9000123");
	a = record(st, 0, s);
	/* Renumbered: new address, same name and serial. */
	s = seen("snmp", T0 + 3600, NULL, "10.0.9.5");
	sighting_set(&s->sys_name, "ran-bbu-7");
	sighting_set(&s->serial, "2102351HLD10K9000123");
	b = record(st, 0, s);
	/* Same name, another serial: another box. */
	s = sighting_new("snmp", T0 + 3600);
	sighting_set(&s->sys_name, "ran-bbu-7");
	sighting_set(&s->serial, "OTHER");
	c = record(st, 0, s);
	ck_assert_int_eq(a, b);
	ck_assert_int_ne(a, c);
	store_close(st);
	char *ip = text("SELECT mgmt_ip FROM inventory WHERE element_id = 1");
	ck_assert_str_eq(ip, "10.0.9.5");
	free(ip);
}
END_TEST

START_TEST(test_merging_two_elements_keeps_addresses_evidence_and_history)
{
	struct store *st = open_rw();
	struct sighting *s;
	int64_t a, b, m;

	/* Two elements, each with its own evidence: the older by MAC ... */
	s = seen("arp", T0, "00:e0:fc:aa:aa:aa", NULL);
	sighting_add_input(s, EV_OUI, "00:e0:fc:aa:aa:aa");
	a = record(st, 0, s);
	/* ... and a younger one by chassis ID. */
	s = sighting_new("lldp", T0 + 100);
	sighting_set(&s->chassis_id, "4:00:e0:fc:aa:aa:ab");
	sighting_add_input(s, EV_LLDP, "Huawei Versatile Routing Platform");
	sighting_add_addr(s, ADDR_IPV4, "192.0.2.7");
	b = record(st, 0, s);
	ck_assert_int_ne(a, b);
	/* SNMP shows both keys on one box. */
	s = seen("snmp", T0 + 200, "00:e0:fc:aa:aa:aa", NULL);
	sighting_set(&s->chassis_id, "4:00:e0:fc:aa:aa:ab");
	sighting_add_input(s, EV_SYSOBJECTID, "1.3.6.1.4.1.2011.2.224");
	m = record(st, 0, s);
	ck_assert_int_eq(m, a); /* the older one survives */
	store_close(st);

	ck_assert_int_eq(count("SELECT count(*) FROM inventory"), 1);
	ck_assert_int_eq(count("SELECT count(*) FROM evidence "
			       "WHERE element_id = 1"),
	    3);
	char *row = text("SELECT first_seen || ' ' || last_seen || ' ' || "
			 "sources FROM inventory");
	ck_assert_str_eq(row,
	    "2026-11-18T11:06:40Z 2026-11-18T11:10:00Z "
	    "arp,lldp,snmp");
	free(row);
	ck_assert_int_eq(count("SELECT count(*) FROM element_address "
			       "WHERE element_id = 1"),
	    2);
	ck_assert_int_eq(count("SELECT count(*) FROM element_merge "
			       "WHERE survivor_id = 1 AND merged_id = 2"),
	    1);
	/* The merged element's row is kept as history. */
	ck_assert_int_eq(count("SELECT count(*) FROM element "
			       "WHERE id = 2 AND merged_into = 1"),
	    1);
}
END_TEST

START_TEST(test_ip_reused_by_another_chassis_mac_does_not_merge)
{
	struct store *st = open_rw();
	int64_t a, b, c;

	a = record(st, 0, seen("snmp", T0, "00:e0:fc:00:00:01", "10.1.1.1"));
	/* The address now answers from another box. */
	b = record(st, 0,
	    seen("snmp", T0 + 86400, "28:6e:d4:00:00:02", "10.1.1.1"));
	ck_assert_int_ne(a, b);
	/* An address-only sighting goes to the box holding it now. */
	c = record(st, 0, seen("snmp", T0 + 86500, NULL, "10.1.1.1"));
	ck_assert_int_eq(c, b);
	store_close(st);
	ck_assert_int_eq(count("SELECT count(*) FROM inventory"), 2);
	ck_assert_int_eq(count("SELECT count(*) FROM element_merge"), 0);
}
END_TEST

START_TEST(test_multicast_and_zero_macs_are_never_identity)
{
	struct store *st = open_rw();
	struct sighting *s;
	int64_t a, b;

	s = sighting_new("mac", T0);
	sighting_add_addr(s, ADDR_MAC, "01:80:c2:00:00:0e");
	sighting_add_addr(s, ADDR_MAC, "00:00:00:00:00:00");
	sighting_set(&s->sys_name, "one");
	a = record(st, 0, s);
	s = sighting_new("mac", T0);
	sighting_add_addr(s, ADDR_MAC, "01:80:c2:00:00:0e");
	sighting_set(&s->chassis_mac, "00:00:00:00:00:00");
	sighting_set(&s->sys_name, "two");
	b = record(st, 0, s);
	ck_assert_int_ne(a, b);
	store_close(st);
	ck_assert_int_eq(count("SELECT count(*) FROM element_address"), 0);
}
END_TEST

START_TEST(test_shared_virtual_router_macs_are_never_identity)
{
	struct store *st = open_rw();
	struct sighting *s;
	int64_t a, b;

	/* Two routers, each seen answering for the same VRRP and HSRP MACs. */
	s = seen("arp", T0, "00:e0:fc:00:06:01", NULL);
	sighting_add_addr(s, ADDR_MAC, "00:00:5e:00:01:0a");
	sighting_add_addr(s, ADDR_MAC, "00:00:0c:07:ac:0a");
	a = record(st, 0, s);
	s = seen("arp", T0 + 5, "00:e0:fc:00:06:02", NULL);
	sighting_add_addr(s, ADDR_MAC, "00:00:5e:00:01:0a");
	sighting_add_addr(s, ADDR_MAC, "00:00:0c:07:ac:0a");
	b = record(st, 0, s);
	ck_assert_int_ne(a, b);
	store_close(st);
	ck_assert_int_eq(count("SELECT count(*) FROM element_merge"), 0);
}
END_TEST

START_TEST(test_placeholder_macs_are_never_identity)
{
	static const char *junk[] = { "00:00:00:01:01:01", "00:00:00:00:00:01",
		"00:02:03:04:05:06", "00:11:22:33:44:55" };
	struct store *st = open_rw();
	struct sighting *s;
	int64_t a, b;

	/* Two boxes carrying the same placeholders, on virtual interfaces,
	 * as chassis MAC and as LLDP chassis ID. */
	s = seen("snmp", T0, "a4:7b:2c:00:00:01", "192.0.2.1");
	for (size_t i = 0; i < ARRAY_SIZE(junk); i++)
		sighting_add_addr(s, ADDR_MAC, junk[i]);
	a = record(st, 0, s);
	s = seen("snmp", T0 + 5, "20:b5:c6:00:00:01", "192.0.2.2");
	for (size_t i = 0; i < ARRAY_SIZE(junk); i++)
		sighting_add_addr(s, ADDR_MAC, junk[i]);
	b = record(st, 0, s);
	ck_assert_int_ne(a, b);
	for (size_t i = 0; i < ARRAY_SIZE(junk); i++) {
		s = seen("lldp", T0 + 10, junk[i], NULL);
		sighting_set(&s->chassis_id, "4:00:00:00:01:01:01");
		sighting_add_addr(s, ADDR_IPV4,
		    i % 2 ? "192.0.2.3" : "192.0.2.4");
		a = record(st, 0, s);
		ck_assert_msg(a != b, "%s joined the second box", junk[i]);
	}
	s = seen("lldp", T0 + 20, NULL, "192.0.2.5");
	sighting_set(&s->chassis_id, "4:00:00:00:01:01:01");
	b = record(st, 0, s);
	ck_assert_int_ne(a, b);
	store_close(st);
	ck_assert_int_eq(count("SELECT count(*) FROM element_merge"), 0);
	ck_assert_int_eq(count("SELECT count(*) FROM element_key"), 0);
	ck_assert_int_eq(
	    count("SELECT count(*) FROM element_address "
		  "WHERE value LIKE '00:00:00:%' OR "
		  "value IN ('00:02:03:04:05:06', '00:11:22:33:44:55')"),
	    0);
}
END_TEST

START_TEST(test_unspecified_and_loopback_addresses_are_never_identity)
{
	static const char *junk[] = { "0.0.0.0", "127.0.0.1", "::1", "fe80::1",
		"169.254.0.1" };
	struct store *st = open_rw();

	for (size_t i = 0; i < ARRAY_SIZE(junk); i++) {
		int64_t a, b;

		/* Two neighbours advertising the same useless address. */
		a = record(st, 0, seen("lldp", T0, NULL, junk[i]));
		b = record(st, 0, seen("lldp", T0, NULL, junk[i]));
		ck_assert_msg(a != b, "%s joined two elements", junk[i]);
	}
	store_close(st);
}
END_TEST

START_TEST(test_an_agent_answering_on_loopback_is_one_element)
{
	struct store *st = open_rw();
	int64_t a, b;

	/* An agent on this host (or a lab), with no MAC to tell it by. */
	a = record(st, 0, seen("snmp", T0, NULL, "127.0.0.1"));
	b = record(st, 0, seen("snmp", T0 + 60, NULL, "127.0.0.1"));
	ck_assert_int_eq(a, b);
	store_close(st);
}
END_TEST

START_TEST(test_sql_in_sys_descr_is_stored_verbatim)
{
	static const char evil[] = "'); DROP TABLE element;--\r\n\"x\" %s";
	struct store *st = open_rw();
	struct sighting *s = seen("snmp", T0, "00:e0:fc:00:00:09", NULL);

	sighting_set(&s->sys_descr, evil);
	sighting_add_input(s, EV_SYSDESCR, evil);
	record(st, 0, s);
	store_close(st);
	char *v = text("SELECT sys_descr FROM inventory");
	ck_assert_str_eq(v, evil);
	free(v);
	v = text("SELECT value FROM evidence WHERE kind = 'sysdescr'");
	ck_assert_str_eq(v, evil);
	free(v);
	ck_assert_int_eq(count("SELECT typeof(sys_descr) = 'text' "
			       "FROM inventory"),
	    1);
}
END_TEST

START_TEST(test_invalid_utf8_sys_descr_is_stored_byte_exact)
{
	static const char raw[] = "Huawei \xff\xfe\x01 VRP \xc3\x28 end";
	struct store *st = open_rw();
	struct sighting *s = seen("snmp", T0, "00:e0:fc:00:00:0a", NULL);
	sqlite3_stmt *stmt;
	sqlite3 *db;

	sighting_set(&s->sys_descr, raw);
	record(st, 0, s);
	store_close(st);
	db = testdb_open(db_path);
	ck_assert_int_eq(sqlite3_prepare_v2(db,
			     "SELECT sys_descr, "
			     "typeof(sys_descr) FROM inventory",
			     -1, &stmt, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_bytes(stmt, 0), (int)strlen(raw));
	ck_assert_mem_eq(sqlite3_column_blob(stmt, 0), raw, strlen(raw));
	ck_assert_str_eq((const char *)sqlite3_column_text(stmt, 1), "blob");
	sqlite3_finalize(stmt);
	sqlite3_close(db);
}
END_TEST

/* An LLDPDU from mac (chassis MAC mac, port "1", TTL 120) whose sysName
 * is the len bytes at name, sent as they are. */
static size_t
lldp_frame(uint8_t *f, const uint8_t mac[6], const void *name, size_t len)
{
	static const uint8_t head[] = {
		0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e, /* LLDP multicast */
	};
	size_t n = 0;

	memcpy(f, head, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x88;
	f[13] = 0xcc;
	n = 14;
	f[n++] = 1 << 1; /* chassis ID, length 7: MAC */
	f[n++] = 7;
	f[n++] = 4;
	memcpy(f + n, mac, 6);
	n += 6;
	f[n++] = 2 << 1; /* port ID, length 2: local "1" */
	f[n++] = 2;
	f[n++] = 7;
	f[n++] = '1';
	f[n++] = 3 << 1; /* TTL, length 2: 120 s */
	f[n++] = 2;
	f[n++] = 0;
	f[n++] = 120;
	f[n++] = 5 << 1; /* system name */
	f[n++] = (uint8_t)len;
	memcpy(f + n, name, len);
	n += len;
	f[n++] = 0; /* end */
	f[n++] = 0;
	while (n < 60)
		f[n++] = 0;
	return n;
}

struct caught {
	struct sighting *s[8];
	size_t n;
};

static void
catch_sighting(void *ctx, struct sighting *s)
{
	struct caught *c = ctx;

	ck_assert_uint_lt(c->n, ARRAY_SIZE(c->s));
	c->s[c->n++] = s;
}

/*
 * The one storage rule, whatever the probe: an LLDP sysName that is not
 * UTF-8 and holds a NUL is stored as a BLOB of its bytes, padding dropped,
 * and the same bytes read by SNMP (made a wire text, as the SNMP probe
 * does) are stored identically.
 */
START_TEST(test_capture_and_snmp_store_binary_text_alike)
{
	/* Not UTF-8, a NUL and a C0 byte inside, two NULs of padding. */
	static const uint8_t name[] = "sw\xff"
				      "1\0\xc0"
				      "x\0\0";
	const size_t sent = sizeof(name) - 1, kept = sent - 2;
	static const uint8_t mac[6] = { 0x00, 0xe0, 0xfc, 0x00, 0x00, 0x66 };
	struct caught c = { .n = 0 };
	struct passive *p = passive_new(16, 3600, NULL, catch_sighting, &c);
	struct store *st = open_rw();
	struct sighting *s;
	sqlite3_stmt *stmt;
	uint8_t f[128];
	char *wire;
	sqlite3 *db;
	int rows = 0;

	passive_frame(p, f, lldp_frame(f, mac, name, sent), T0);
	passive_flush(p);
	passive_free(p);
	ck_assert_uint_gt(c.n, 0);
	for (size_t i = 0; i < c.n; i++)
		record(st, 0, c.s[i]);
	s = seen("snmp", T0, "00:e0:fc:00:00:77", "10.0.0.77");
	wire = text_from_wire(name, sent);
	sighting_set(&s->sys_name, wire);
	free(wire);
	record(st, 0, s);
	store_close(st);

	db = testdb_open(db_path);
	ck_assert_int_eq(
	    sqlite3_prepare_v2(db,
		"SELECT typeof(sys_name), "
		"sys_name, mac FROM inventory WHERE sys_name IS NOT NULL "
		"ORDER BY element_id",
		-1, &stmt, NULL),
	    SQLITE_OK);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		ck_assert_str_eq((const char *)sqlite3_column_text(stmt, 0),
		    "blob");
		ck_assert_int_eq(sqlite3_column_bytes(stmt, 1), (int)kept);
		ck_assert_mem_eq(sqlite3_column_blob(stmt, 1), name, kept);
		rows++;
	}
	sqlite3_finalize(stmt);
	ck_assert_int_eq(rows, 2);
	ck_assert_int_eq(testdb_int(db,
			     "SELECT count(DISTINCT sys_name) "
			     "FROM inventory WHERE sys_name IS NOT NULL"),
	    1);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_classifier_ops_are_called_and_the_verdict_stored)
{
	struct fake_classifier f = { 0 };
	struct classifier_ops ops = fake_classifier_ops(&f);
	struct store *st = open_rw();
	int64_t scan = store_scan_begin(st, "snmp", "lab");
	struct sighting *s = seen("snmp", T0, "00:e0:fc:00:00:0b", "10.0.0.2");

	store_set_classifier(st, &ops);
	sighting_add_input(s, EV_SYSDESCR, "Huawei Versatile Routing Platform");
	sighting_add_input(s, EV_OUI, "00:e0:fc:00:00:0b");
	record(st, scan, s);
	ck_assert_int_eq(f.assessed, 2);
	ck_assert_int_eq(f.fused, 1);
	/* Seen again, nothing new: no refusion needed. */
	s = seen("snmp", T0 + 10, "00:e0:fc:00:00:0b", "10.0.0.2");
	sighting_add_input(s, EV_SYSDESCR, "Huawei Versatile Routing Platform");
	record(st, scan, s);
	ck_assert_int_eq(f.fused, 1);
	store_close(st);
	char *row =
	    text("SELECT vendor || ' ' || vendor_name || ' ' || risk "
		 "|| ' ' || confidence || ' ' || conflict FROM inventory");
	ck_assert_str_eq(row, "huawei Huawei Technologies high 0.9 0");
	free(row);
	row = text("SELECT vendor || ' ' || strength || ' ' || rule || ' ' || "
		   "scan_id || ' ' || observed_at FROM evidence "
		   "WHERE kind = 'sysdescr'");
	ck_assert_str_eq(row, "huawei 0.9 fake-huawei 1 2026-11-18T11:06:50Z");
	free(row);
	row = text("SELECT vendor IS NULL FROM evidence WHERE kind = 'oui'");
	ck_assert_str_eq(row, "1");
	free(row);
}
END_TEST

START_TEST(test_without_classifier_evidence_is_kept_unclassified)
{
	struct store *st = open_rw();
	struct sighting *s = seen("snmp", T0, "00:e0:fc:00:00:0c", NULL);

	sighting_add_input(s, EV_SYSDESCR, "Huawei Versatile Routing Platform");
	record(st, 0, s);
	store_close(st);
	char *row = text("SELECT risk || ' ' || (vendor IS NULL) FROM "
			 "inventory");
	ck_assert_str_eq(row, "unknown 1");
	free(row);
	ck_assert_int_eq(count("SELECT count(*) FROM evidence "
			       "WHERE vendor IS NULL"),
	    1);
}
END_TEST

START_TEST(test_reclassify_changes_verdicts_when_the_rules_digest_changes)
{
	struct fake_classifier f = { 0 };
	struct classifier_ops ops = fake_classifier_ops(&f);
	struct store *st = open_rw();
	struct sighting *s;
	int changed = -1;

	store_set_classifier(st, &ops);
	s = seen("snmp", T0, "00:e0:fc:00:00:0d", NULL);
	sighting_add_input(s, EV_SYSDESCR, "Huawei VRP");
	record(st, 0, s);
	s = seen("snmp", T0, "00:e0:fc:00:00:0e", NULL);
	sighting_add_input(s, EV_SYSDESCR, "ZTE ZXR10");
	record(st, 0, s);
	ck_assert_int_eq(store_flush(st), 0);
	/* Same rules: nothing to do. */
	ck_assert_int_eq(store_reclassify(st, &ops, &changed), 0);
	ck_assert_int_eq(changed, 0);
	/* New rules: the Huawei box is now read as ZTE, the ZTE one stays. */
	f.swap = true;
	ck_assert_int_eq(store_reclassify(st, &ops, &changed), 0);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(store_reclassify(st, &ops, &changed), 0);
	ck_assert_int_eq(changed, 0);
	store_close(st);
	ck_assert_int_eq(count("SELECT count(*) FROM inventory "
			       "WHERE vendor = 'zte'"),
	    2);
	ck_assert_int_eq(count("SELECT count(*) FROM evidence "
			       "WHERE vendor = 'zte' AND rule = 'fake-huawei'"),
	    1);
	ck_assert_int_eq(count("SELECT count(*) FROM element "
			       "WHERE rules_digest = '00000000000000bb'"),
	    2);
}
END_TEST

/* Rules that change while the store is open (another writer's, say): an
 * element seen again, with nothing new to say, has its evidence assessed
 * again and its verdict made under the rules in force, not the old
 * assessments under the new rules' name. */
START_TEST(test_sighting_of_an_element_judged_under_other_rules)
{
	struct fake_classifier f = { 0 };
	struct classifier_ops ops = fake_classifier_ops(&f);
	struct store *st = open_rw();
	struct sighting *s;

	store_set_classifier(st, &ops);
	s = seen("snmp", T0, "00:e0:fc:00:00:0d", NULL);
	sighting_add_input(s, EV_SYSDESCR, "Huawei VRP");
	record(st, 0, s);
	ck_assert_int_eq(store_flush(st), 0);
	f.swap = true;
	/* Only the time: the row's rules are not those in force. */
	record(st, 0, seen("arp", T0 + 60, "00:e0:fc:00:00:0d", NULL));
	ck_assert_int_eq(store_flush(st), 0);
	store_close(st);
	ck_assert_int_eq(count("SELECT count(*) FROM element WHERE vendor = "
			       "'zte' AND rules_digest = '00000000000000bb'"),
	    1);
	ck_assert_int_eq(count("SELECT count(*) FROM evidence "
			       "WHERE vendor = 'zte' AND rule = 'fake-huawei'"),
	    1);
}
END_TEST

/* A verdict made under other rules is found whatever its digest is: none,
 * one before the digest in force, one after it, of another type. */
START_TEST(test_reclassify_finds_every_other_digest)
{
	static const char *const others[] = { "NULL", "'0'", "'zz'",
		"'00000000000000a'", "X'00'", "7" };
	struct fake_classifier f = { 0 };
	struct classifier_ops ops = fake_classifier_ops(&f);
	struct store *st = open_rw();
	struct sighting *s;
	int changed = -1;

	store_set_classifier(st, &ops);
	s = seen("snmp", T0, "00:e0:fc:00:00:0d", NULL);
	sighting_add_input(s, EV_SYSDESCR, "Huawei VRP");
	record(st, 0, s);
	ck_assert_int_eq(store_flush(st), 0);
	store_close(st);
	for (size_t i = 0; i < sizeof(others) / sizeof(*others); i++) {
		char *sql =
		    xprintf("UPDATE element SET rules_digest = %s", others[i]);
		sqlite3 *db;

		ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
		ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL),
		    SQLITE_OK);
		sqlite3_close(db);
		free(sql);
		st = open_rw();
		store_set_classifier(st, &ops);
		ck_assert_int_eq(store_reclassify(st, &ops, &changed), 0);
		store_close(st);
		ck_assert_msg(count(
				  "SELECT count(*) FROM element "
				  "WHERE rules_digest = '00000000000000aa'") ==
			1,
		    "digest %s was not made again", others[i]);
	}
}
END_TEST

/*
 * Network values stored as BLOBs are found and assessed again as the
 * sightings carried them: a chassis ID with a NUL inside names the same
 * element, and its evidence, reassessed under new rules, is the value
 * whole (cut at its NUL, "x" would name nobody).
 */
START_TEST(test_binary_values_are_read_back_as_they_were_seen)
{
	struct fake_classifier f = { 0 };
	struct classifier_ops ops = fake_classifier_ops(&f);
	struct store *st = open_rw();
	char *descr = text_from_wire("x\0Huawei", 8);
	char *id = text_from_wire("7:\xff\0id", 6);
	struct sighting *s;
	int changed = -1;
	int64_t a, b;

	store_set_classifier(st, &ops);
	s = sighting_new("snmp", T0);
	sighting_set(&s->chassis_id, id);
	sighting_add_input(s, EV_SYSDESCR, descr);
	a = record(st, 0, s);
	s = sighting_new("snmp", T0 + 60);
	sighting_set(&s->chassis_id, id);
	sighting_add_input(s, EV_SYSDESCR, descr);
	b = record(st, 0, s);
	ck_assert_int_eq(a, b);
	ck_assert_int_eq(store_flush(st), 0);
	f.swap = true;
	ck_assert_int_eq(store_reclassify(st, &ops, &changed), 0);
	ck_assert_int_eq(changed, 1);
	store_close(st);
	ck_assert_int_eq(
	    count("SELECT count(*) FROM element_key "
		  "WHERE typeof(value) = 'blob' AND value = X'373aff006964'"),
	    1);
	ck_assert_int_eq(count("SELECT count(*) FROM evidence "
			       "WHERE vendor = 'zte' AND rule = 'fake-huawei' "
			       "AND value = X'7800487561776569'"),
	    1);
	ck_assert_int_eq(count("SELECT count(*) FROM evidence"), 1);
	free(descr);
	free(id);
}
END_TEST

/* What passive capture says of one host: its MAC, then its ARP, then its
 * DHCP request, each a sighting of its own. */
static void
host_sightings(struct sighting **out, int64_t t)
{
	out[0] = sighting_new("mac", t);
	sighting_add_addr(out[0], ADDR_MAC, "00:e0:fc:00:00:21");
	sighting_add_input(out[0], EV_OUI, "00:e0:fc:00:00:21");
	out[1] = sighting_new("arp", t + 30);
	sighting_add_addr(out[1], ADDR_MAC, "00:e0:fc:00:00:21");
	sighting_add_addr(out[1], ADDR_IPV4, "10.9.0.21");
	sighting_add_input(out[1], EV_OUI, "00:e0:fc:00:00:21");
	out[2] = sighting_new("dhcp", t + 90);
	sighting_add_addr(out[2], ADDR_MAC, "00:e0:fc:00:00:21");
	sighting_add_addr(out[2], ADDR_IPV4, "10.9.0.22");
	sighting_set(&out[2]->sys_name, "cam-21");
	sighting_add_input(out[2], EV_OUI, "00:e0:fc:00:00:21");
	sighting_add_input(out[2], EV_DHCP, "Huawei IPC");
	out[3] = sighting_new("arp", t + 120);
	sighting_add_addr(out[3], ADDR_MAC, "00:e0:fc:00:00:21");
	sighting_add_addr(out[3], ADDR_IPV4, "10.9.0.22");
	sighting_add_input(out[3], EV_OUI, "00:e0:fc:00:00:21");
}

/* Every row of what the store keeps of elements, one line each. */
static char *
dump(const char *path)
{
	static const char *const sql[] = {
		"SELECT element_id, mgmt_ip, mac, sys_name, vendor, risk, "
		"confidence, conflict, first_seen, last_seen, sources, zone "
		"FROM inventory ORDER BY element_id",
		"SELECT element_id, kind, value, first_seen, last_seen "
		"FROM element_address ORDER BY 1, 2, 3",
		"SELECT element_id, source, first_seen, last_seen "
		"FROM element_source ORDER BY 1, 2",
		"SELECT id, element_id, kind, value, vendor, strength, rule, "
		"first_observed, last_observed, scan_id FROM element_evidence "
		"ORDER BY id",
		"SELECT first_scan, last_scan, rules_digest FROM element "
		"ORDER BY id",
	};
	char *uri = xprintf("file:%s?mode=ro", path);
	struct strbuf out = STRBUF_INIT;
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open_v2(uri, &db,
			     SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL),
	    SQLITE_OK);
	free(uri);
	for (size_t q = 0; q < ARRAY_SIZE(sql); q++) {
		sqlite3_stmt *stmt;

		ck_assert_int_eq(sqlite3_prepare_v2(db, sql[q], -1, &stmt,
				     NULL),
		    SQLITE_OK);
		while (sqlite3_step(stmt) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(stmt); c++) {
				const unsigned char *t =
				    sqlite3_column_text(stmt, c);

				strbuf_adds(&out,
				    t != NULL ? (const char *)t : "NULL");
				strbuf_addc(&out, '|');
			}
			strbuf_addc(&out, '\n');
		}
		sqlite3_finalize(stmt);
	}
	sqlite3_close(db);
	return strbuf_steal(&out);
}

/* Record the host's sightings one by one into db_path, or as one group,
 * each time into a fresh file (with an element known before when
 * `known`); returns the dump. */
static char *
record_host(const char *path, bool as_group, bool known)
{
	struct fake_classifier f = { 0 };
	struct classifier_ops ops = fake_classifier_ops(&f);
	char err[1024];
	struct store *st = store_open(path, STORE_READ_WRITE, err, sizeof(err));
	struct sighting *s[4];
	int64_t scan, id = 0;
	char *d;

	ck_assert_msg(st != NULL, "open: %s", err);
	store_set_classifier(st, &ops);
	scan = store_scan_begin(st, "capture", "x.pcap");
	if (known) {
		struct sighting *k = sighting_new("snmp", T0 - 600);

		sighting_add_addr(k, ADDR_MAC, "00:e0:fc:00:00:21");
		sighting_set(&k->sys_name, "old-name");
		sighting_add_input(k, EV_OUI, "00:e0:fc:00:00:21");
		record(st, scan, k);
	}
	host_sightings(s, T0);
	if (as_group) {
		ck_assert_msg(store_record_group(st, scan,
				  (const struct sighting *const *)s, 4,
				  &id) == 0,
		    "group: %s", store_error(st));
		ck_assert_int_gt(id, 0);
		for (int i = 0; i < 4; i++)
			sighting_free(s[i]);
	} else
		for (int i = 0; i < 4; i++)
			id = record(st, scan, s[i]);
	ck_assert_int_eq(store_scan_end(st, scan, "complete", 0, 0, NULL), 0);
	store_close(st);
	d = dump(path);
	return d;
}

START_TEST(test_a_group_stores_what_its_sightings_would_one_by_one)
{
	for (int known = 0; known <= 1; known++) {
		char *one = xprintf("%s/one-%d.db", testenv_dir(), known);
		char *grp = xprintf("%s/group-%d.db", testenv_dir(), known);
		char *a = record_host(one, false, known);
		char *b = record_host(grp, true, known);

		ck_assert_str_eq(a, b);
		/* And it is what a user would check: the agent's own name,
		 * when it gave one, outranks the DHCP host name. */
		ck_assert_msg(strstr(a,
				  known ? "|old-name|huawei|high|"
					: "|cam-21|huawei|high|") != NULL,
		    "%s", a);
		ck_assert_msg(strstr(a,
				  "ipv4|10.9.0.22|2026-11-18T11:08:10Z|"
				  "2026-11-18T11:08:40Z|") != NULL,
		    "%s", a);
		ck_assert_msg(strstr(a,
				  "oui|00:e0:fc:00:00:21|NULL|0.0|NULL|") !=
			NULL,
		    "%s", a);
		free(a);
		free(b);
		free(one);
		free(grp);
	}
}
END_TEST

START_TEST(test_a_group_writes_one_leaf_to_the_audit_chain)
{
	struct fake_classifier f = { 0 };
	struct classifier_ops ops = fake_classifier_ops(&f);
	struct store *st = open_rw();
	struct sighting *s[4];

	store_set_classifier(st, &ops);
	host_sightings(s, T0);
	ck_assert_int_eq(store_record_group(st, 0,
			     (const struct sighting *const *)s, 4, NULL),
	    0);
	for (int i = 0; i < 4; i++)
		sighting_free(s[i]);
	store_close(st);
	/* One batch, one leaf: the element as the whole group left it. */
	ck_assert_int_eq(count("SELECT count(*) FROM audit "
			       "WHERE kind = 'batch' AND subject = 1"),
	    1);
	ck_assert_int_eq(count("SELECT count(*) FROM audit_leaf"), 1);
	char *row = text("SELECT detail FROM audit_leaf");
	ck_assert_msg(strstr(row, "\nvendor=huawei\n") != NULL, "%s", row);
	ck_assert_msg(strstr(row, "\naddress=ipv4\t10.9.0.22\n") != NULL, "%s",
	    row);
	free(row);
}
END_TEST

struct states {
	struct store_mac_state m[8];
	size_t n;
};

static bool
keep_state(void *ctx, const struct store_mac_state *m)
{
	struct states *s = ctx;

	s->m[s->n++] = *m;
	return s->n < ARRAY_SIZE(s->m);
}

START_TEST(test_mac_states_give_capture_what_the_store_holds)
{
	struct store *st = open_rw();
	struct sighting *s;
	struct states got = { 0 };
	uint8_t mac[6];
	char text[MAC_STRLEN];

	/* A DHCP client: its content digest is kept with its MAC. */
	s = sighting_new("dhcp", T0);
	sighting_add_addr(s, ADDR_MAC, "00:e0:fc:00:00:31");
	sighting_add_addr(s, ADDR_IPV4, "10.1.0.31");
	s->has_content = true;
	mac_parse("00:e0:fc:00:00:31", s->content_mac);
	s->content_digest = 0x1eadbeef;
	record(st, 0, s);
	/* Later, a newer address and no content: the digest stays. */
	s = sighting_new("arp", T0 + 100);
	sighting_add_addr(s, ADDR_MAC, "00:e0:fc:00:00:31");
	sighting_add_addr(s, ADDR_IPV4, "10.1.0.32");
	record(st, 0, s);
	/* Another MAC, no address, no content. */
	s = sighting_new("mac", T0 + 50);
	sighting_add_addr(s, ADDR_MAC, "02:00:00:00:00:32");
	record(st, 0, s);
	ck_assert_int_eq(store_flush(st), 0);
	ck_assert_int_eq(store_mac_states(st, 100, NULL, keep_state, &got), 0);
	ck_assert_uint_eq(got.n, 2);
	for (size_t i = 0; i < got.n; i++) {
		mac_format(got.m[i].mac, text);
		if (strcmp(text, "00:e0:fc:00:00:31") == 0) {
			ck_assert_int_eq(got.m[i].last_seen, T0 + 100);
			/* Both addresses, the latest first. */
			ck_assert_uint_eq(got.m[i].n_ipv4, 2);
			ck_assert_uint_eq(got.m[i].ipv4[0],
			    0x2000010au); /* 10.1.0.32 */
			ck_assert_uint_eq(got.m[i].ipv4[1],
			    0x1f00010au); /* 10.1.0.31 */
			ck_assert_uint_eq(got.m[i].content[0], STORE_NO_DIGEST);
			ck_assert_uint_eq(got.m[i].content[1], STORE_NO_DIGEST);
			ck_assert_uint_eq(got.m[i].content[2], 0x1eadbeefu);
		} else {
			ck_assert_str_eq(text, "02:00:00:00:00:32");
			ck_assert_uint_eq(got.m[i].n_ipv4, 0);
			ck_assert_uint_eq(got.m[i].content[2], STORE_NO_DIGEST);
		}
	}
	/* More MACs than wanted: the most recently seen come first. */
	memset(&got, 0, sizeof(got));
	ck_assert_int_eq(store_mac_states(st, 1, NULL, keep_state, &got), 0);
	ck_assert_uint_eq(got.n, 1);
	ck_assert_int_eq(mac_parse("00:e0:fc:00:00:31", mac), 0);
	ck_assert_mem_eq(got.m[0].mac, mac, 6);
	store_close(st);
}
END_TEST

START_TEST(test_links_follow_merged_elements)
{
	struct store *st = open_rw();
	struct sighting *s;
	int64_t a, b, n;

	a = record(st, 0, seen("snmp", T0, "00:e0:fc:00:01:01", "10.2.0.1"));
	n = record(st, 0, seen("lldp", T0, "00:e0:fc:00:01:02", NULL));
	ck_assert_int_eq(store_link(st, n, a, "lldp", "ge0/0/1", "ge0/0/2", T0),
	    0);
	s = sighting_new("lldp", T0 + 5);
	sighting_set(&s->chassis_id, "4:00:e0:fc:00:01:03");
	b = record(st, 0, s);
	/* The chassis ID turns out to belong to n. */
	s = seen("snmp", T0 + 10, "00:e0:fc:00:01:02", NULL);
	sighting_set(&s->chassis_id, "4:00:e0:fc:00:01:03");
	ck_assert_int_eq(record(st, 0, s), n);
	ck_assert_int_ne(b, n);
	/* A link recorded under the merged element's old id lands on n. */
	ck_assert_int_eq(store_link(st, b, a, "cdp", "Gi0/1", "Gi0/2", T0 + 20),
	    0);
	/* No such element: refused. */
	ck_assert_int_eq(store_link(st, 999, a, "cdp", "Gi0/1", "Gi0/2", T0),
	    -1);
	store_close(st);
	ck_assert_int_eq(
	    count("SELECT count(*) FROM element_link WHERE "
		  "element_id = 2 AND neighbour_id = 1 AND protocol = 'lldp'"),
	    1);
	ck_assert_int_eq(
	    count("SELECT count(*) FROM element_link WHERE "
		  "element_id = 2 AND neighbour_id = 1 AND protocol = 'cdp'"),
	    1);
	ck_assert_int_eq(count("SELECT count(*) FROM element_link"), 2);
}
END_TEST

START_TEST(test_elements_listing_filters_and_json)
{
	struct fake_classifier f = { 0 };
	struct classifier_ops ops = fake_classifier_ops(&f);
	struct store *st = open_rw(), *ro;
	struct store_filter high = { .risk = "high" };
	struct sighting *s;
	char err[1024], *json;

	store_set_classifier(st, &ops);
	s = seen("snmp", T0, "00:e0:fc:00:02:01", "10.3.0.1");
	sighting_add_input(s, EV_SYSDESCR, "Huawei \xff VRP");
	record(st, 0, s);
	record(st, 0, seen("snmp", T0, "00:11:22:00:02:02", "10.3.0.2"));
	store_close(st);
	ro = store_open(db_path, STORE_READ_ONLY, err, sizeof(err));
	ck_assert_msg(ro != NULL, "%s", err);
	json = store_inventory_json(ro, &high, true);
	ck_assert_ptr_nonnull(json);
	ck_assert_msg(strstr(json,
			  "\"element_id\":1,\"mgmt_ip\":\"10.3.0.1\"") != NULL,
	    "%s", json);
	ck_assert_msg(strstr(json, "\"value\":\"Huawei \\\\xff VRP\"") != NULL,
	    "%s", json);
	ck_assert_msg(strstr(json, "10.3.0.2") == NULL, "%s", json);
	free(json);
	/* A read-only store refuses to write. */
	ck_assert_int_eq(store_scan_begin(ro, "snmp", "x"), -1);
	store_close(ro);
}
END_TEST

/*
 * A reader counting elements while the writer commits batches of exactly K
 * new elements must only ever see whole batches, and the writer must never
 * be blocked into failing.
 */
START_TEST(test_concurrent_reader_sees_only_whole_batches)
{
	enum { K = 50, BATCHES = 40 };
	struct store *st = open_rw();
	int ready[2], stop[2], ws;
	pid_t pid;
	char c;

	store_set_batch_size(st, K);
	ck_assert_int_eq(pipe(ready), 0);
	ck_assert_int_eq(pipe(stop), 0);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		char *uri = xprintf("file:%s?mode=ro", db_path);
		sqlite3_stmt *stmt;
		sqlite3 *db;
		int bad = 0, reads = 0;

		close(ready[0]);
		close(stop[1]);
		if (sqlite3_open_v2(uri, &db,
			SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
			NULL) != SQLITE_OK ||
		    sqlite3_prepare_v2(db, "SELECT count(*) FROM inventory", -1,
			&stmt, NULL) != SQLITE_OK)
			_exit(2);
		fcntl(stop[0], F_SETFL, O_NONBLOCK);
		if (write(ready[1], "r", 1) != 1)
			_exit(2);
		for (;;) {
			bool last = read(stop[0], &c, 1) == 1;

			if (sqlite3_step(stmt) != SQLITE_ROW)
				_exit(2);
			if (sqlite3_column_int64(stmt, 0) % K != 0)
				bad++;
			sqlite3_reset(stmt);
			reads++;
			if (last)
				break;
		}
		sqlite3_finalize(stmt);
		sqlite3_close(db);
		_exit(bad == 0 && reads > 0 ? 0 : 1);
	}
	close(ready[1]);
	close(stop[0]);
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	for (int i = 0; i < K * BATCHES; i++) {
		char mac[MAC_STRLEN];
		uint8_t m[MAC_LEN] = { 0x00, 0xe0, 0xfc, 0, (uint8_t)(i >> 8),
			(uint8_t)i };
		struct sighting *s;

		mac_format(m, mac);
		s = seen("mac", T0 + i, mac, NULL);
		ck_assert_msg(store_record(st, 0, s, NULL) == 0, "%s",
		    store_error(st));
		sighting_free(s);
	}
	ck_assert_int_eq(write(stop[1], "s", 1), 1);
	ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
	ck_assert_msg(WIFEXITED(ws) && WEXITSTATUS(ws) == 0,
	    "the reader saw a partial batch (status %d)", ws);
	store_close(st);
	ck_assert_int_eq(count("SELECT count(*) FROM inventory"), K * BATCHES);
}
END_TEST

START_TEST(test_close_commits_the_open_batch)
{
	struct store *st = open_rw();

	record(st, 0, seen("arp", T0, "00:e0:fc:00:03:01", NULL));
	ck_assert_int_eq(count("SELECT count(*) FROM inventory"), 0);
	store_close(st);
	ck_assert_int_eq(count("SELECT count(*) FROM inventory"), 1);
}
END_TEST

START_TEST(test_locked_database_is_an_error_then_recovers)
{
	struct store *st = open_rw();
	struct sighting *s;
	sqlite3 *other;

	store_set_busy_timeout(st, 100);
	/* Another writer holds the lock. */
	ck_assert_int_eq(sqlite3_open(db_path, &other), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL,
			     NULL),
	    SQLITE_OK);
	s = seen("arp", T0, "00:e0:fc:00:04:01", NULL);
	ck_assert_int_eq(store_record(st, 0, s, NULL), -1);
	ck_assert_msg(strstr(store_error(st), db_path) != NULL &&
		strstr(store_error(st), "locked") != NULL,
	    "%s", store_error(st));
	ck_assert_int_eq(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_close(other), SQLITE_OK);
	/* The lock is gone: the same sighting goes in. */
	ck_assert_int_eq(store_record(st, 0, s, NULL), 0);
	sighting_free(s);
	store_close(st);
	ck_assert_int_eq(count("SELECT count(*) FROM inventory"), 1);
	char *ok = text("PRAGMA integrity_check");
	ck_assert_str_eq(ok, "ok");
	free(ok);
}
END_TEST

START_TEST(test_failed_link_leaves_the_batch_intact)
{
	struct store *st = open_rw();
	int64_t a;

	a = record(st, 0, seen("lldp", T0, "00:e0:fc:00:05:01", NULL));
	/* No element 999: refused by the foreign key, nothing else lost. */
	ck_assert_int_eq(store_link(st, a, 999, "lldp", "1", "2", T0), -1);
	ck_assert_msg(strstr(store_error(st), "constraint failed") != NULL,
	    "%s", store_error(st));
	record(st, 0, seen("lldp", T0, "00:e0:fc:00:05:02", NULL));
	ck_assert_int_eq(store_flush(st), 0);
	store_close(st);
	ck_assert_int_eq(count("SELECT count(*) FROM inventory"), 2);
}
END_TEST

/*
 * A VFS over the default one that can make writes to the WAL fail as a
 * full disk would, to see what becomes of a batch whose commit fails.
 */
static sqlite3_vfs *real_vfs;
static bool fail_wal_writes;

struct faulty_file {
	sqlite3_file base;
	sqlite3_file *real; /* right after this struct, same allocation */
	bool wal;
};

#define REAL(f) (((struct faulty_file *)(f))->real)

static int
ff_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}

static int
ff_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int
ff_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	if (fail_wal_writes && ((struct faulty_file *)f)->wal)
		return SQLITE_FULL;
	return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int
ff_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int
ff_sync(sqlite3_file *f, int flags)
{
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int
ff_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int
ff_lock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xLock(REAL(f), l);
}

static int
ff_unlock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), l);
}

static int
ff_check_lock(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int
ff_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int
ff_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int
ff_caps(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int
ff_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **p)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, p);
}

static int
ff_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void
ff_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int
ff_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static const sqlite3_io_methods faulty_methods = {
	2,
	ff_close,
	ff_read,
	ff_write,
	ff_truncate,
	ff_sync,
	ff_size,
	ff_lock,
	ff_unlock,
	ff_check_lock,
	ff_control,
	ff_sector,
	ff_caps,
	ff_shm_map,
	ff_shm_lock,
	ff_shm_barrier,
	ff_shm_unmap,
	NULL,
	NULL,
};

static int
ff_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
    int *out_flags)
{
	struct faulty_file *ff = (struct faulty_file *)f;
	int rc;

	(void)vfs;
	ff->real = (sqlite3_file *)(ff + 1);
	ff->wal = (flags & SQLITE_OPEN_WAL) != 0;
	rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out_flags);
	ff->base.pMethods = ff->real->pMethods != NULL ? &faulty_methods : NULL;
	return rc;
}

static void
faulty_vfs_install(void)
{
	static sqlite3_vfs vfs;

	real_vfs = sqlite3_vfs_find(NULL);
	vfs = *real_vfs;
	vfs.zName = "faulty";
	vfs.szOsFile = (int)sizeof(struct faulty_file) + real_vfs->szOsFile;
	vfs.xOpen = ff_open;
	vfs.pNext = NULL;
	ck_assert_int_eq(sqlite3_vfs_register(&vfs, 1), SQLITE_OK);
}

START_TEST(test_failed_commit_reports_the_batch_lost_and_keeps_the_rest)
{
	struct store *st;
	struct sighting *s;

	faulty_vfs_install();
	st = open_rw();
	store_set_batch_size(st, 3);
	/* A first batch is committed. */
	for (int i = 0; i < 3; i++)
		record(st, 0,
		    seen("arp", T0,
			i == 0       ? "00:e0:fc:00:07:00"
			    : i == 1 ? "00:e0:fc:00:07:01"
				     : "00:e0:fc:00:07:02",
			NULL));
	/* The disk fills while the second is written. */
	record(st, 0, seen("arp", T0, "00:e0:fc:00:07:03", NULL));
	record(st, 0, seen("arp", T0, "00:e0:fc:00:07:04", NULL));
	fail_wal_writes = true;
	s = seen("arp", T0, "00:e0:fc:00:07:05", NULL);
	ck_assert_int_eq(store_record(st, 0, s, NULL), -1);
	sighting_free(s);
	ck_assert_msg(strstr(store_error(st), db_path) != NULL &&
		strstr(store_error(st),
		    "batch of 3 sighting(s) was rolled back "
		    "and is lost") != NULL,
	    "%s", store_error(st));
	/* Space again: writing goes on. */
	fail_wal_writes = false;
	record(st, 0, seen("arp", T0, "00:e0:fc:00:07:06", NULL));
	ck_assert_int_eq(store_flush(st), 0);
	store_close(st);
	ck_assert_int_eq(count("SELECT count(*) FROM inventory"), 4);
	char *ok = text("PRAGMA integrity_check");
	ck_assert_str_eq(ok, "ok");
	free(ok);
}
END_TEST

/*
 * A writer killed with SIGKILL at an arbitrary moment loses nothing it
 * committed, leaves a sound file, and its scan shows as interrupted.
 */
START_TEST(test_writer_killed_mid_batch_loses_no_committed_data)
{
	enum { K = 20 };
	int progress[2], ws;
	int64_t committed = 0, n;
	struct store *st;
	pid_t pid;

	st = open_rw();
	store_close(st);
	ck_assert_int_eq(pipe(progress), 0);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		char err[1024];
		struct store *w;
		int64_t scan;

		close(progress[0]);
		w = store_open(db_path, STORE_READ_WRITE, err, sizeof(err));
		if (w == NULL)
			_exit(2);
		store_set_batch_size(w, K);
		scan = store_scan_begin(w, "capture", "mirror");
		for (int i = 0;; i++) {
			char mac[MAC_STRLEN];
			uint8_t m[MAC_LEN] = { 0x00, 0xe0, 0xfc,
				(uint8_t)(i >> 16), (uint8_t)(i >> 8),
				(uint8_t)i };
			struct sighting *s;
			int64_t done_count = i + 1;

			mac_format(m, mac);
			s = seen("mac", T0 + i, mac, NULL);
			if (store_record(w, scan, s, NULL) == -1)
				_exit(3);
			sighting_free(s);
			/* Tell the parent each time a batch is committed. */
			if (done_count % K == 0 &&
			    write(progress[1], &done_count,
				sizeof(done_count)) != sizeof(done_count))
				_exit(4);
		}
	}
	close(progress[1]);
	/* Let a few batches through, then kill it wherever it is. */
	while (committed < 10 * K)
		ck_assert_int_eq(read(progress[0], &committed,
				     sizeof(committed)),
		    sizeof(committed));
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
	ck_assert(WIFSIGNALED(ws));
	while (read(progress[0], &n, sizeof(n)) == sizeof(n))
		committed = n;
	close(progress[0]);

	st = open_rw();
	store_close(st);
	char *ok = text("PRAGMA integrity_check");
	ck_assert_str_eq(ok, "ok");
	free(ok);
	n = count("SELECT count(*) FROM inventory");
	ck_assert_int_ge(n, committed);
	ck_assert_int_eq(n % K, 0);
	char *status = text("SELECT status FROM scans");
	ck_assert_str_eq(status, "interrupted");
	free(status);
}
END_TEST

static Suite *
store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc;

	tc = tcase_create("open");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc,
	    test_migrate_creates_the_five_views_with_design_columns);
	tcase_add_test(tc, test_migrate_twice_is_a_no_op);
	tcase_add_test(tc, test_checks_refuse_values_outside_their_sets);
	tcase_add_test(tc, test_empty_file_is_initialised);
	tcase_add_test(tc, test_non_sqlite_file_is_refused_untouched);
	tcase_add_test(tc, test_short_text_file_is_refused_untouched);
	tcase_add_test(tc,
	    test_database_of_another_application_is_refused_untouched);
	tcase_add_test(tc,
	    test_database_without_application_id_but_tables_is_refused);
	tcase_add_test(tc, test_newer_schema_version_is_refused_untouched);
	tcase_add_test(tc, test_read_only_open_of_missing_file_says_what_to_do);
	suite_add_tcase(s, tc);

	tc = tcase_create("scans");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_scan_lifecycle_running_then_complete);
	tcase_add_test(tc,
	    test_leftover_running_scan_becomes_interrupted_on_reopen);
	tcase_add_test(tc, test_running_scan_of_a_live_writer_is_left_alone);
	tcase_add_test(tc, test_retirement_follows_complete_scans_only);
	tcase_add_test(tc, test_retire_never);
	tcase_add_test(tc, test_retirement_judges_each_kind_of_scan_apart);
	suite_add_tcase(s, tc);

	tc = tcase_create("identity");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_same_mac_in_two_sightings_is_one_element);
	tcase_add_test(tc, test_scan_counts_are_each_writers_own);
	tcase_add_test(tc, test_scan_counts_follow_merges_and_rollbacks);
	tcase_add_test(tc,
	    test_mac_then_ip_then_chassis_id_chain_is_one_element);
	tcase_add_test(tc, test_name_and_serial_identify_an_element);
	tcase_add_test(tc,
	    test_merging_two_elements_keeps_addresses_evidence_and_history);
	tcase_add_test(tc,
	    test_ip_reused_by_another_chassis_mac_does_not_merge);
	tcase_add_test(tc, test_multicast_and_zero_macs_are_never_identity);
	tcase_add_test(tc, test_shared_virtual_router_macs_are_never_identity);
	tcase_add_test(tc, test_placeholder_macs_are_never_identity);
	tcase_add_test(tc,
	    test_unspecified_and_loopback_addresses_are_never_identity);
	tcase_add_test(tc, test_an_agent_answering_on_loopback_is_one_element);
	tcase_add_test(tc, test_links_follow_merged_elements);
	suite_add_tcase(s, tc);

	tc = tcase_create("values");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sql_in_sys_descr_is_stored_verbatim);
	tcase_add_test(tc, test_invalid_utf8_sys_descr_is_stored_byte_exact);
	tcase_add_test(tc, test_capture_and_snmp_store_binary_text_alike);
	suite_add_tcase(s, tc);

	tc = tcase_create("classify");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc,
	    test_classifier_ops_are_called_and_the_verdict_stored);
	tcase_add_test(tc,
	    test_without_classifier_evidence_is_kept_unclassified);
	tcase_add_test(tc,
	    test_reclassify_changes_verdicts_when_the_rules_digest_changes);
	tcase_add_test(tc, test_reclassify_finds_every_other_digest);
	tcase_add_test(tc,
	    test_sighting_of_an_element_judged_under_other_rules);
	tcase_add_test(tc, test_binary_values_are_read_back_as_they_were_seen);
	tcase_add_test(tc,
	    test_a_group_stores_what_its_sightings_would_one_by_one);
	tcase_add_test(tc, test_a_group_writes_one_leaf_to_the_audit_chain);
	tcase_add_test(tc, test_mac_states_give_capture_what_the_store_holds);
	tcase_add_test(tc, test_elements_listing_filters_and_json);
	suite_add_tcase(s, tc);

	tc = tcase_create("batches");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_concurrent_reader_sees_only_whole_batches);
	tcase_add_test(tc, test_close_commits_the_open_batch);
	tcase_add_test(tc, test_locked_database_is_an_error_then_recovers);
	tcase_add_test(tc, test_failed_link_leaves_the_batch_intact);
	tcase_add_test(tc,
	    test_failed_commit_reports_the_batch_lost_and_keeps_the_rest);
	tcase_add_test(tc,
	    test_writer_killed_mid_batch_loses_no_committed_data);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testenv_run(store_suite());
}
