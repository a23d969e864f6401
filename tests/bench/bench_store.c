/*
 * What new elements cost the store, without any capture: N distinct MACs
 * from registered vendor blocks, each a new element, written into a fresh
 * database in three ways.
 *
 * - "element rows": the element table alone, one insert per element with
 *   its verdict (the statement the store uses), in one transaction;
 * - "element and MAC rows": the same, plus the element's MAC address row
 *   (what a later sighting of the MAC finds it by);
 * - through the store, as `vraudit ingest` writes them, in batches of
 *   20,000: a MAC-only sighting of each (the element with its verdict, its
 *   MAC address, source and OUI evidence, and the verdict's audit record),
 *   then an ARP sighting of each in a scattered order (news about a known
 *   element: its IPv4 address and a new source).
 *
 * The first two are the floor of the schema: no writer of it creates an
 * element for less. Not a test: run it by hand, see BENCHMARKS.md.
 *
 * usage: bench_store DIR [N] [OUI_DIR]    (default 50000, /usr/share/ieee-data)
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "classify/classify.h"
#include "common/net.h"
#include "common/sighting.h"
#include "store/store.h"
#include "common/util.h"

#define BATCH 20000

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t
next(void)
{
	/* xorshift64*: fixed seed, the same MACs on every run. */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Distinct MACs in a dozen vendors' blocks (as gen_capture draws them). */
static void
make_macs(char (*macs)[MAC_STRLEN], size_t n)
{
	static const uint8_t ouis[][3] = {
		{ 0x00, 0xe0, 0xfc },
		{ 0x00, 0x25, 0x9e },
		{ 0x00, 0x19, 0xc6 },
		{ 0x00, 0x1e, 0x73 },
		{ 0x00, 0x00, 0x0c },
		{ 0x00, 0x1b, 0x54 },
		{ 0x00, 0x05, 0x85 },
		{ 0x00, 0x1c, 0x73 },
		{ 0x3c, 0xfd, 0xfe },
		{ 0x00, 0x50, 0x56 },
		{ 0x00, 0x11, 0x32 },
		{ 0x00, 0x0f, 0xe2 },
	};

	for (size_t i = 0; i < n; i++) {
		uint64_t r = next();
		uint8_t mac[MAC_LEN];

		memcpy(mac, ouis[i % ARRAY_SIZE(ouis)], 3);
		/* i in the low bits keeps them distinct, r spreads them. */
		mac[3] = (uint8_t)(r ^ (i >> 16));
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		mac_format(mac, macs[i]);
	}
}

static void
die(const char *what, const char *msg)
{
	fprintf(stderr, "bench_store: %s: %s\n", what, msg);
	exit(1);
}

static void
remove_db(const char *path)
{
	char *side;

	remove(path);
	side = xprintf("%s-wal", path);
	remove(side);
	free(side);
	side = xprintf("%s-shm", path);
	remove(side);
	free(side);
}

/* A fresh database with the schema, made by the store itself. */
static void
fresh(const char *path)
{
	char err[1024];
	struct store *st;

	remove_db(path);
	if ((st = store_open(path, STORE_READ_WRITE, err, sizeof(err))) == NULL)
		die(path, err);
	store_close(st);
}

static sqlite3_stmt *
prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt;

	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt,
		NULL) != SQLITE_OK)
		die(sql, sqlite3_errmsg(db));
	return stmt;
}

static void
run(sqlite3 *db, sqlite3_stmt *stmt)
{
	if (sqlite3_step(stmt) != SQLITE_DONE)
		die("step", sqlite3_errmsg(db));
	sqlite3_reset(stmt);
}

static void
exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		die(sql, msg != NULL ? msg : "failed");
}

/* Raw rows, as the store writes them: seconds for n elements. */
static double
raw_rows(const char *path, char (*macs)[MAC_STRLEN], size_t n, bool with_mac)
{
	static const char when[] = "2026-11-28T00:00:00Z";
	static const char digest[] =
	    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
	sqlite3_stmt *el, *addr;
	sqlite3 *db;
	double t0;

	fresh(path);
	if (sqlite3_open_v2(path, &db,
		SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		die(path, sqlite3_errmsg(db));
	/* The store's settings (store/store.c). */
	exec(db,
	    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
	    "PRAGMA cache_size = -24576; PRAGMA foreign_keys = ON; "
	    "PRAGMA temp_store = MEMORY");
	exec(db,
	    "INSERT INTO scan (kind, started_at, status) "
	    "VALUES ('capture', '2026-11-28T00:00:00Z', 'running')");
	el = prepare(db,
	    "INSERT INTO element (mgmt_ip, chassis_mac, "
	    "chassis_id, sys_name, sys_descr, sys_object_id, model, serial, "
	    "software, zone, first_seen, last_seen, first_scan, last_scan, "
	    "vendor, vendor_name, risk, confidence, conflict, rules_digest) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
	    "?13, ?14, ?15, ?16, ?17, ?18, ?19)");
	addr = prepare(db,
	    "INSERT INTO element_address (element_id, kind, "
	    "value, first_seen, last_seen, content_lldp, content_cdp, "
	    "content_dhcp) VALUES (?1, 'mac', ?2, ?3, ?3, NULL, NULL, NULL) "
	    "ON CONFLICT (element_id, kind, value) DO UPDATE SET "
	    "first_seen = min(first_seen, excluded.first_seen), "
	    "last_seen = max(last_seen, excluded.last_seen)");
	t0 = now_s();
	exec(db, "BEGIN IMMEDIATE");
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_text(el, 2, macs[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(el, 11, when, -1, SQLITE_STATIC);
		sqlite3_bind_text(el, 12, when, -1, SQLITE_STATIC);
		sqlite3_bind_int64(el, 13, 1);
		sqlite3_bind_text(el, 14, "huawei", -1, SQLITE_STATIC);
		sqlite3_bind_text(el, 15, "Huawei", -1, SQLITE_STATIC);
		sqlite3_bind_text(el, 16, "high", -1, SQLITE_STATIC);
		sqlite3_bind_double(el, 17, 0.5);
		sqlite3_bind_int(el, 18, 0);
		sqlite3_bind_text(el, 19, digest, -1, SQLITE_STATIC);
		run(db, el);
		if (!with_mac)
			continue;
		sqlite3_bind_int64(addr, 1, sqlite3_last_insert_rowid(db));
		sqlite3_bind_text(addr, 2, macs[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(addr, 3, when, -1, SQLITE_STATIC);
		run(db, addr);
	}
	exec(db, "COMMIT");
	t0 = now_s() - t0;
	sqlite3_finalize(el);
	sqlite3_finalize(addr);
	sqlite3_close(db);
	return t0;
}

/*
 * Through the store: a MAC-only sighting per element (each creates one),
 * then, in another order, an ARP sighting of each (MAC and IPv4 address:
 * news about a known element). Seconds of each pass in secs[0] and [1].
 */
static void
through_store(const char *path, char (*macs)[MAC_STRLEN], size_t n,
    struct classifier_ops *ops, double secs[2])
{
	const int64_t t = 1795824000;
	/* A prime stride visits every element once, unless it divides n. */
	const size_t stride = n % 7919u != 0 ? 7919u : 1u;
	char err[1024], ip[IP_STRLEN];
	struct store *st;
	int64_t scan;
	double t0;

	fresh(path);
	if ((st = store_open(path, STORE_READ_WRITE, err, sizeof(err))) == NULL)
		die(path, err);
	store_set_classifier(st, ops);
	store_set_batch_size(st, BATCH);
	if ((scan = store_scan_begin(st, "capture", "bench")) < 0)
		die(path, store_error(st));
	for (int pass = 0; pass < 2; pass++) {
		t0 = now_s();
		for (size_t k = 0; k < n; k++) {
			/* The second pass visits the elements in a scattered
			 * order, as later news arrives in a capture. */
			size_t i = pass == 0 ? k : (k * stride) % n;
			struct sighting *s =
			    sighting_new(pass == 0 ? "mac" : "arp",
				t + (int64_t)(pass * n + k));

			sighting_add_addr(s, ADDR_MAC, macs[i]);
			if (pass == 0)
				sighting_add_input(s, EV_OUI, macs[i]);
			else {
				snprintf(ip, sizeof(ip), "10.%zu.%zu.%zu",
				    (i >> 16) & 0xff, (i >> 8) & 0xff,
				    i & 0xff);
				sighting_add_addr(s, ADDR_IPV4, ip);
			}
			if (store_record(st, scan, s, NULL) == -1)
				die(path, store_error(st));
			sighting_free(s);
		}
		if (store_flush(st) == -1)
			die(path, store_error(st));
		secs[pass] = now_s() - t0;
	}
	store_close(st);
}

static void
report(const char *what, double secs, size_t n)
{
	printf("%-46s %7.3f s %7.2f us/element\n", what, secs,
	    secs * 1e6 / (double)n);
}

int
main(int argc, char **argv)
{
	const char *oui_dir = argc > 3 ? argv[3] : "/usr/share/ieee-data";
	size_t n = argc > 2 ? strtoul(argv[2], NULL, 10) : 50000;
	char(*macs)[MAC_STRLEN], err[1024], *path;
	struct classifier *cl;
	struct classifier_ops ops;
	double secs[2];

	if (argc < 2 || argc > 4 || n == 0) {
		fprintf(stderr, "usage: bench_store DIR [N] [OUI_DIR]\n");
		return 2;
	}
	if ((cl = classifier_new(oui_dir, NULL, err, sizeof(err))) == NULL)
		die(oui_dir, err);
	ops = classifier_ops(cl);
	macs = xcalloc(n, sizeof(*macs));
	make_macs(macs, n);
	path = xprintf("%s/bench_store.db", argv[1]);
	printf("%zu new elements, each a MAC from a registered block\n", n);
	report("element rows (one transaction)", raw_rows(path, macs, n, false),
	    n);
	report("element and MAC rows (one transaction)",
	    raw_rows(path, macs, n, true), n);
	through_store(path, macs, n, &ops, secs);
	report("store: a MAC-only sighting of each (new)", secs[0], n);
	report("store: then an ARP sighting of each (news)", secs[1], n);
	remove_db(path);
	free(path);
	free(macs);
	classifier_free(cl);
	return 0;
}
