/*
 * Unit tests of the audit chain (store/store_audit.c, store_leaf.c,
 * store_verify.c): what is recorded for scans, merges and batches and in
 * each element's leaf, that an auditor can recompute every hash and every
 * batch's Merkle root as the schema documents them, that the chain
 * survives rollbacks and a second writer, and that store_audit_verify
 * names the record, element, field or scan that was tampered with through
 * plain sqlite3.
 */
#include <check.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/evidence.h"
#include "common/sha256.h"
#include "common/sighting.h"
#include "store/store.h"
#include "common/util.h"
#include "tests/lib/fake_classifier.h"
#include "tests/lib/testdb.h"
#include "tests/lib/testenv.h"

#define T0 1795000000 /* 2026-11-18T11:06:40Z */
#define MAX_FOUND 32

static char *db_path;
static struct fake_classifier fake;
static struct classifier_ops ops;

static void
setup(void)
{
	db_path = testenv_path("vraudit.db");
	fake = (struct fake_classifier){ 0 };
	ops = fake_classifier_ops(&fake);
	/* Pin the clock so the recorded times are known. */
	setenv("VRAUDIT_NOW", "2026-11-28T06:00:00Z", 1);
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
	store_set_classifier(st, &ops);
	return st;
}

static void
record(struct store *st, int64_t scan, int64_t when, const char *mac,
    const char *other_mac, const char *evidence)
{
	struct sighting *s = sighting_new("snmp", when);

	sighting_set(&s->chassis_mac, mac);
	if (other_mac != NULL)
		sighting_add_addr(s, ADDR_MAC, other_mac);
	if (evidence != NULL)
		sighting_add_input(s, EV_SYSDESCR, evidence);
	ck_assert_msg(store_record(st, scan, s, NULL) == 0, "record: %s",
	    store_error(st));
	sighting_free(s);
}

/*
 * The database most tests start from; its audit records:
 *   1 merge    element 2 into 1 (they share a MAC)
 *   2 batch    leaves 0, 1, 2: elements 1, 2 and 3 as the batch left them
 *              (1 huawei with a conflict, 2 merged, 3 unknown)
 *   3 scan     scan 1 complete
 *   4 scan     scan 2 failed
 */
static void
build(void)
{
	struct store *st = open_rw();
	int64_t scan = store_scan_begin(st, "snmp", "lab");

	ck_assert_int_eq(scan, 1);
	record(st, scan, T0, "00:e0:fc:00:00:01", NULL, "Huawei VRP");
	record(st, scan, T0 + 1, "00:e0:fc:00:00:02", NULL, "ZTE ZXR10");
	record(st, scan, T0 + 2, "00:11:22:33:44:55", NULL, NULL);
	record(st, scan, T0 + 3, "00:e0:fc:00:00:01", "00:e0:fc:00:00:02",
	    NULL);
	ck_assert_msg(store_scan_end(st, scan, "complete", 3, -1, NULL) == 0,
	    "%s", store_error(st));
	scan = store_scan_begin(st, "capture", "cap\\1\n\xff.pcap");
	ck_assert_msg(store_scan_end(st, scan, "failed", -1, 10,
			  "cap: truncated") == 0,
	    "%s", store_error(st));
	store_close(st);
}

/* Start again from the database build() makes. */
static void
build_fresh(void)
{
	char *wal = xprintf("%s-wal", db_path),
	     *shm = xprintf("%s-shm", db_path);

	unlink(db_path);
	unlink(wal);
	unlink(shm);
	free(wal);
	free(shm);
	build();
}

/* Run SQL on the file the way someone with sqlite3 would. */
static void
tamper(const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;

	ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK,
	    "%s: %s", sql, msg != NULL ? msg : "");
	ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
}

static char *
query_text(const char *sql)
{
	return testdb_file_text(db_path, sql);
}

struct found {
	char *msg[MAX_FOUND];
	size_t n;
};

static void
collect(void *arg, const char *finding)
{
	struct found *f = arg;

	if (f->n < MAX_FOUND)
		f->msg[f->n++] = xstrdup(finding);
}

static void
found_free(struct found *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->msg[i]);
	f->n = 0;
}

/* Verify the file read-only, as `vraudit verify` does. */
static struct store_audit_report
verify(struct found *f)
{
	struct store_audit_report r;
	char err[1024];
	struct store *st =
	    store_open(db_path, STORE_READ_ONLY, err, sizeof(err));

	ck_assert_msg(st != NULL, "open: %s", err);
	memset(f, 0, sizeof(*f));
	ck_assert_msg(store_audit_verify(st, collect, f, &r) == 0, "%s",
	    store_error(st));
	ck_assert_int_eq(r.findings, (int64_t)f->n);
	store_close(st);
	return r;
}

/* The findings are exactly the expected ones, in order. */
static void
assert_findings(const char *const *want, size_t n)
{
	struct found f;

	verify(&f);
	for (size_t i = 0; i < f.n; i++)
		fprintf(stderr, "finding: %s\n", f.msg[i]);
	ck_assert_uint_eq(f.n, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(f.msg[i], want[i]);
	found_free(&f);
}

static void
assert_intact(int64_t records)
{
	struct found f;
	struct store_audit_report r = verify(&f);

	for (size_t i = 0; i < f.n; i++)
		fprintf(stderr, "finding: %s\n", f.msg[i]);
	found_free(&f);
	ck_assert_int_eq(r.findings, 0);
	ck_assert_int_eq(r.records, records);
	ck_assert_int_eq(r.head_seq, records);
}

static void
hash_field(struct sha256 *ctx, const char *s)
{
	uint64_t len = strlen(s);
	uint8_t n[8];

	for (int i = 0; i < 8; i++)
		n[i] = (uint8_t)(len >> (56 - 8 * i));
	sha256_update(ctx, n, 8);
	sha256_update(ctx, s, (size_t)len);
}

/* SHA-256 of a prefix byte and one or two buffers. */
static void
hash_node(uint8_t prefix, const void *a, size_t alen, const void *b,
    size_t blen, uint8_t out[SHA256_LEN])
{
	struct sha256 ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, &prefix, 1);
	sha256_update(&ctx, a, alen);
	if (b != NULL)
		sha256_update(&ctx, b, blen);
	sha256_final(&ctx, out);
}

/* RFC 6962's Merkle tree hash of n leaf hashes, written out again. */
static void
tree_root(const uint8_t (*leaf)[SHA256_LEN], size_t n, uint8_t out[SHA256_LEN])
{
	uint8_t l[SHA256_LEN], r[SHA256_LEN];
	size_t k = 1;

	if (n == 1) {
		memcpy(out, leaf[0], SHA256_LEN);
		return;
	}
	while (2 * k < n)
		k *= 2;
	tree_root(leaf, k, l);
	tree_root(leaf + k, n - k, r);
	hash_node(0x01, l, SHA256_LEN, r, SHA256_LEN, out);
}

/* Recompute each batch's root from its leaves' details. */
static void
assert_roots_recomputable(sqlite3 *db)
{
	sqlite3_stmt *rec, *leaf;
	int batches = 0;

	ck_assert_int_eq(sqlite3_prepare_v2(db,
			     "SELECT seq, detail FROM audit_log WHERE kind = "
			     "'batch' ORDER BY seq",
			     -1, &rec, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db,
			     "SELECT idx, detail, hash FROM audit_leaves "
			     "WHERE seq = ?1 ORDER BY idx",
			     -1, &leaf, NULL),
	    SQLITE_OK);
	while (sqlite3_step(rec) == SQLITE_ROW) {
		uint8_t h[16][SHA256_LEN], root[SHA256_LEN];
		char hex[SHA256_HEX_LEN], want[128];
		size_t n = 0;

		sqlite3_bind_int64(leaf, 1, sqlite3_column_int64(rec, 0));
		while (sqlite3_step(leaf) == SQLITE_ROW) {
			ck_assert_uint_lt(n, 16);
			ck_assert_int_eq(sqlite3_column_int64(leaf, 0),
			    (int64_t)n);
			hash_node(0x00, sqlite3_column_text(leaf, 1),
			    (size_t)sqlite3_column_bytes(leaf, 1), NULL, 0,
			    h[n]);
			sha256_hex(h[n], hex);
			ck_assert_str_eq((const char *)sqlite3_column_text(leaf,
					     2),
			    hex);
			n++;
		}
		sqlite3_reset(leaf);
		ck_assert_uint_gt(n, 0);
		tree_root((const uint8_t(*)[SHA256_LEN])h, n, root);
		sha256_hex(root, hex);
		snprintf(want, sizeof(want), "leaves=%zu\nroot=%s\n", n, hex);
		ck_assert_str_eq((const char *)sqlite3_column_text(rec, 1),
		    want);
		batches++;
	}
	ck_assert_int_gt(batches, 0);
	sqlite3_finalize(rec);
	sqlite3_finalize(leaf);
}

/* Recompute every hash the way the schema comment tells auditors to. */
START_TEST(test_hashes_are_recomputable_as_documented)
{
	char prev[SHA256_HEX_LEN], hex[SHA256_HEX_LEN], head[STORE_HASH_STRLEN];
	struct store *st;
	sqlite3_stmt *stmt;
	sqlite3 *db;
	int64_t seq = 0, n = 0, head_seq;
	char err[256];

	build();
	memset(prev, '0', 64);
	prev[64] = '\0';
	db = testdb_open(db_path);
	ck_assert_int_eq(
	    sqlite3_prepare_v2(db,
		"SELECT seq, at, kind, "
		"subject, detail, prev_hash, hash FROM audit_log ORDER BY seq",
		-1, &stmt, NULL),
	    SQLITE_OK);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		const char *f[7];
		struct sha256 ctx;
		uint8_t d[SHA256_LEN];

		for (int i = 0; i < 7; i++)
			f[i] = (const char *)sqlite3_column_text(stmt, i);
		seq = sqlite3_column_int64(stmt, 0);
		ck_assert_int_eq(seq, ++n);
		ck_assert_str_eq(f[1], "2026-11-28T06:00:00Z");
		ck_assert_str_eq(f[5], prev);
		sha256_init(&ctx);
		hash_field(&ctx, f[5]);
		for (int i = 0; i < 5; i++)
			hash_field(&ctx, f[i]);
		sha256_final(&ctx, d);
		sha256_hex(d, hex);
		ck_assert_str_eq(f[6], hex);
		str_copy(prev, hex, sizeof(prev));
	}
	sqlite3_finalize(stmt);
	assert_roots_recomputable(db);
	sqlite3_close(db);
	ck_assert_int_eq(n, 4);

	st = store_open(db_path, STORE_READ_ONLY, err, sizeof(err));
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(store_audit_head(st, &head_seq, head), 0);
	ck_assert_int_eq(head_seq, 4);
	ck_assert_str_eq(head, prev);
	store_close(st);
	assert_intact(4);
}
END_TEST

START_TEST(test_records_say_what_happened)
{
	char *v;

	build();
	v = query_text("SELECT group_concat(kind || ':' || subject, ' ') FROM "
		       "(SELECT kind, subject FROM audit_log ORDER BY seq)");
	ck_assert_str_eq(v, "merge:1 batch:3 scan:1 scan:2");
	free(v);
	v = query_text("SELECT detail FROM audit_log WHERE seq = 1");
	ck_assert_str_eq(v,
	    "survivor=1\nmerged=2\nreason=mac\nscan=1\n"
	    "seen=2026-11-18T11:06:43Z\n");
	free(v);
	/* Element 1 as the report reads it: the merged element's evidence
	 * is its own now, each line with the day it was observed. */
	v = query_text("SELECT group_concat(element_id, ' ') FROM "
		       "(SELECT element_id FROM audit_leaves WHERE seq = 2 "
		       "ORDER BY idx)");
	ck_assert_str_eq(v, "1 2 3");
	free(v);
	v = query_text("SELECT detail FROM audit_leaves WHERE seq = 2 AND "
		       "idx = 0");
	ck_assert_str_eq(v,
	    "element=1\nmgmt_ip=\nchassis_mac=00:e0:fc:00:00:01\n"
	    "mac=00:e0:fc:00:00:01\nsys_name=\nsys_descr=\n"
	    "sys_object_id=\nmodel=\nserial=\nsoftware=\nzone=\n"
	    "vendor=huawei\nvendor_name=Huawei Technologies\nrisk=high\n"
	    "confidence=0.9\nconflict=1\n"
	    "first_seen=2026-11-18T11:06:40Z\nlast_seen=2026-11-18\n"
	    "first_scan=1\nmerged_into=\nsources=snmp\n"
	    "address=mac\t00:e0:fc:00:00:01\n"
	    "address=mac\t00:e0:fc:00:00:02\n"
	    "evidence=sysdescr\tHuawei VRP\thuawei\t0.9\tfake-huawei\t"
	    "2026-11-18\t1\n"
	    "evidence=sysdescr\tZTE ZXR10\tzte\t0.8\tfake-zte\t"
	    "2026-11-18\t1\n");
	free(v);
	v = query_text("SELECT detail FROM audit_leaves WHERE seq = 2 AND "
		       "idx = 1");
	ck_assert_ptr_nonnull(strstr(v, "\nmerged_into=1\n"));
	ck_assert_ptr_null(strstr(v, "evidence="));
	free(v);
	v = query_text("SELECT detail FROM audit_leaves WHERE seq = 2 AND "
		       "idx = 2");
	ck_assert_ptr_nonnull(strstr(v, "\nrisk=unknown\n"));
	free(v);
	v = query_text("SELECT detail FROM audit_log WHERE seq = 3");
	ck_assert_str_eq(v,
	    "scan=1\nkind=snmp\nstatus=complete\n"
	    "started=2026-11-28T06:00:00Z\nfinished=2026-11-28T06:00:00Z\n"
	    "targets=lab\nresponded=3\nframes=0\nnote=\n");
	free(v);
	/* Bytes from outside stay printable and unambiguous. */
	v = query_text("SELECT detail FROM audit_log WHERE seq = 4");
	ck_assert_ptr_nonnull(strstr(v, "\ntargets=cap\\\\1\\x0a\\xff.pcap\n"));
	ck_assert_ptr_nonnull(strstr(v, "\nstatus=failed\n"));
	ck_assert_ptr_nonnull(strstr(v, "\nnote=cap: truncated\n"));
	free(v);
}
END_TEST

START_TEST(test_the_table_refuses_changes)
{
	sqlite3 *db;
	char *msg = NULL;

	build();
	ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
	ck_assert_int_ne(sqlite3_exec(db,
			     "UPDATE audit SET detail = 'x' "
			     "WHERE seq = 1",
			     NULL, NULL, &msg),
	    SQLITE_OK);
	ck_assert_ptr_nonnull(strstr(msg, "append-only"));
	sqlite3_free(msg);
	ck_assert_int_ne(sqlite3_exec(db, "DELETE FROM audit WHERE seq = 4",
			     NULL, NULL, NULL),
	    SQLITE_OK);
	ck_assert_int_ne(sqlite3_exec(db,
			     "UPDATE audit_leaf SET detail = 'x' WHERE seq = 2",
			     NULL, NULL, NULL),
	    SQLITE_OK);
	ck_assert_int_ne(sqlite3_exec(db, "DELETE FROM audit_leaf", NULL, NULL,
			     NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	assert_intact(4);
}
END_TEST

START_TEST(test_changed_detail_is_a_hash_mismatch)
{
	static const char *const want[] = {
		"record 1: hash mismatch (content changed)",
		("audit table: trigger audit_no_update is missing (records "
		 "could be changed)"),
	};

	build();
	tamper(
	    "DROP TRIGGER audit_no_update; UPDATE audit SET detail = "
	    "replace(detail, 'reason=mac', 'reason=operator') WHERE seq = 1");
	assert_findings(want, ARRAY_SIZE(want));
}
END_TEST

/* Whoever also recomputes the changed record's hash breaks the link to the
 * next record. */
START_TEST(test_rehashed_record_breaks_the_next_link)
{
	static const char *const want[] = {
		"record 2: prev_hash does not match record 1",
	};
	char *prev, *at, *detail, *sql;
	char hex[SHA256_HEX_LEN];
	struct sha256 ctx;
	uint8_t d[SHA256_LEN];

	build();
	prev = query_text("SELECT prev_hash FROM audit WHERE seq = 1");
	at = query_text("SELECT at FROM audit WHERE seq = 1");
	detail = query_text("SELECT replace(detail, 'reason=mac', "
			    "'reason=operator') FROM audit WHERE seq = 1");
	sha256_init(&ctx);
	hash_field(&ctx, prev);
	hash_field(&ctx, "1");
	hash_field(&ctx, at);
	hash_field(&ctx, "merge");
	hash_field(&ctx, "1");
	hash_field(&ctx, detail);
	sha256_final(&ctx, d);
	sha256_hex(d, hex);
	/* Put the triggers back afterwards, as a careful forger would. */
	sql = xprintf(
	    "DROP TRIGGER audit_no_update; UPDATE audit SET "
	    "detail = replace(detail, 'reason=mac', 'reason=operator'), "
	    "hash = '%s' WHERE seq = 1; CREATE TRIGGER audit_no_update "
	    "BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit "
	    "records are append-only'); END;",
	    hex);
	tamper(sql);
	assert_findings(want, ARRAY_SIZE(want));
	free(sql);
	free(prev);
	free(at);
	free(detail);
}
END_TEST

START_TEST(test_deleted_records_leave_a_gap)
{
	static const char *const first[] = {
		"records missing before 2 (the chain starts at 1)",
		"element 2: marked merged without an audit record",
		("audit table: trigger audit_no_delete is missing (records "
		 "could be changed)"),
	};
	static const char *const middle[] = {
		"records missing before 2 (the chain starts at 1)",
		"records missing between 2 and 4",
		"scan 1: ended without an audit record",
		"element 2: marked merged without an audit record",
		("audit table: trigger audit_no_delete is missing (records "
		 "could be changed)"),
	};

	build();
	tamper("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 1");
	assert_findings(first, ARRAY_SIZE(first));
	tamper("DELETE FROM audit WHERE seq = 3");
	assert_findings(middle, ARRAY_SIZE(middle));
}
END_TEST

/* A batch record removed leaves its leaves without a root, and the
 * elements it recorded outside the chain. */
START_TEST(test_deleted_batch_is_named)
{
	static const char *const want[] = {
		"records missing between 1 and 3",
		("leaves of record 2: no batch record commits them (the record "
		 "was removed)"),
		"element 1: not in the audit chain (no leaf records its state)",
		"element 2: not in the audit chain (no leaf records its state)",
		"element 3: not in the audit chain (no leaf records its state)",
		("audit table: trigger audit_no_delete is missing (records "
		 "could be changed)"),
	};

	build();
	tamper("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 2");
	assert_findings(want, ARRAY_SIZE(want));
}
END_TEST

/* A leaf edited, removed or added no longer makes its batch's root. */
START_TEST(test_edited_leaves_break_the_root)
{
	static const char *const edited[] = {
		"record 2: leaf 0 (element 1) does not match its hash",
		("record 2: its leaves (3) do not make the root it commits (3 "
		 "leaves): a leaf was changed, added or removed"),
		"element 1: risk is 'high' but record 2 says 'none'",
		("audit_leaf table: trigger audit_leaf_no_update is missing "
		 "(records could be changed)"),
	};
	static const char *const removed[] = {
		("record 2: its leaves (2) do not make the root it commits (3 "
		 "leaves): a leaf was changed, added or removed"),
		"element 3: not in the audit chain (no leaf records its state)",
		("audit_leaf table: trigger audit_leaf_no_delete is missing "
		 "(records could be changed)"),
	};
	char *sql;

	build();
	/* The leaf rewritten with its own hash recomputed. */
	sql = xprintf("DROP TRIGGER audit_leaf_no_update; UPDATE audit_leaf "
		      "SET detail = replace(detail, 'risk=high', 'risk=none') "
		      "WHERE seq = 2 AND idx = 0");
	tamper(sql);
	free(sql);
	assert_findings(edited, ARRAY_SIZE(edited));
	build_fresh();
	tamper("DROP TRIGGER audit_leaf_no_delete; DELETE FROM audit_leaf "
	       "WHERE seq = 2 AND idx = 2");
	assert_findings(removed, ARRAY_SIZE(removed));
}
END_TEST

START_TEST(test_edited_verdicts_are_named)
{
	static const char *const one[] = {
		"element 1: risk is 'none' but record 2 says 'high'",
	};
	static const char *const merged[] = {
		"element 1: risk is 'none' but record 2 says 'high'",
		"element 2: vendor is 'cisco' but record 2 says 'zte'",
	};
	static const char *const unrecorded[] = {
		"element 1: risk is 'none' but record 2 says 'high'",
		"element 2: vendor is 'cisco' but record 2 says 'zte'",
		"element 3: vendor is 'huawei' but record 2 says ''",
		"element 3: risk is 'high' but record 2 says 'unknown'",
	};

	build();
	tamper("UPDATE element SET risk = 'none' WHERE id = 1");
	assert_findings(one, ARRAY_SIZE(one));
	/* A merged element keeps the verdict it had. */
	tamper("UPDATE element SET vendor = 'cisco' WHERE id = 2");
	assert_findings(merged, ARRAY_SIZE(merged));
	tamper("UPDATE element SET risk = 'high', vendor = 'huawei' "
	       "WHERE id = 3");
	assert_findings(unrecorded, ARRAY_SIZE(unrecorded));
}
END_TEST

/* What the policies read besides the verdict: zone, dates, evidence. */
START_TEST(test_edited_inputs_are_named)
{
	static const char *const zone[] = {
		"element 1: zone is 'mgmt' but record 2 says ''",
	};
	static const char *const dates[] = {
		"element 1: zone is 'mgmt' but record 2 says ''",
		("element 3: first_seen is '2020-01-01T00:00:00Z' but record 2 "
		 "says '2026-11-18T11:06:42Z'"),
		"element 3: last_seen is '2026-12-01' but record 2 says '2026-11-18'",
	};
	static const char *const evidence[] = {
		("element 1: evidence 'sysdescr\tZTE ZXR10\tzte\t0.8\tfake-zte\t"
		 "2026-11-18\t1' of record 2 is gone"),
	};
	static const char *const address[] = {
		"element 1: address 'mac\t00:e0:fc:00:00:02' of record 2 is gone",
	};
	static const char *const added[] = {
		("element 3: evidence 'sysdescr\tHuawei\thuawei\t0.9\tx\t"
		 "2026-11-18\t1' is not in record 2"),
	};

	build();
	tamper("UPDATE element SET zone = 'mgmt' WHERE id = 1");
	assert_findings(zone, ARRAY_SIZE(zone));
	tamper("UPDATE element SET first_seen = '2020-01-01T00:00:00Z', "
	       "last_seen = '2026-12-01T00:00:00Z' WHERE id = 3");
	assert_findings(dates, ARRAY_SIZE(dates));
	build_fresh();
	tamper("DELETE FROM element_evidence WHERE element_id = 1 AND "
	       "vendor = 'zte'");
	assert_findings(evidence, ARRAY_SIZE(evidence));
	build_fresh();
	tamper("DELETE FROM element_address WHERE value = '00:e0:fc:00:00:02'");
	assert_findings(address, ARRAY_SIZE(address));
	build_fresh();
	tamper("INSERT INTO element_evidence (element_id, kind, value, vendor, "
	       "strength, rule, first_observed, last_observed, scan_id) SELECT "
	       "3, kind, 'Huawei', 'huawei', strength, 'x', first_observed, "
	       "last_observed, scan_id FROM element_evidence WHERE element_id "
	       "= 1 AND vendor = 'huawei'");
	assert_findings(added, ARRAY_SIZE(added));
}
END_TEST

START_TEST(test_small_confidence_edits_are_seen)
{
	static const char *const want[] = {
		"element 1: confidence is '0.9000001' but record 2 says '0.9'",
	};

	build();
	tamper("UPDATE element SET confidence = 0.9000001 WHERE id = 1");
	assert_findings(want, ARRAY_SIZE(want));
}
END_TEST

START_TEST(test_edited_scans_are_named)
{
	static const char *const want[] = {
		"scan 2: differs from audit record 4",
	};
	static const char *const unrecorded[] = {
		"scan 2: differs from audit record 4",
		"scan 3: ended without an audit record",
	};

	build();
	tamper("UPDATE scan SET status = 'complete', detail = NULL "
	       "WHERE id = 2");
	assert_findings(want, ARRAY_SIZE(want));
	tamper(
	    "INSERT INTO scan (kind, started_at, finished_at, status) "
	    "VALUES ('snmp', '2026-11-01T00:00:00Z', '2026-11-01T00:10:00Z', "
	    "'complete')");
	assert_findings(unrecorded, ARRAY_SIZE(unrecorded));
}
END_TEST

/* Deleting an element takes it out of every report; its records remain.
 * (sqlite3 does not enforce foreign keys unless asked to.) */
START_TEST(test_deleted_rows_are_named)
{
	static const char *const want[] = {
		"element 1: in record 2 but missing from the database",
		"scan 2: in audit record 4 but missing from the database",
	};

	build();
	tamper(
	    "DELETE FROM element_evidence WHERE element_id = 1; "
	    "DELETE FROM element WHERE id = 1; DELETE FROM scan WHERE id = 2");
	assert_findings(want, ARRAY_SIZE(want));
}
END_TEST

/* Marking an element merged hides it from the inventory. */
START_TEST(test_merges_are_checked)
{
	static const char *const hidden[] = {
		"element 3: merged_into is '1' but record 2 says ''",
		"element 3: marked merged without an audit record",
	};
	static const char *const unmerged[] = {
		"element 2: merged_into is '' but record 2 says '1'",
		"element 3: merged_into is '1' but record 2 says ''",
		("element 2: merged by audit record 1 but no longer marked "
		 "merged"),
		"element 3: marked merged without an audit record",
	};

	build();
	tamper("UPDATE element SET merged_into = 1 WHERE id = 3");
	assert_findings(hidden, ARRAY_SIZE(hidden));
	tamper("UPDATE element SET merged_into = NULL WHERE id = 2");
	assert_findings(unmerged, ARRAY_SIZE(unmerged));
}
END_TEST

START_TEST(test_empty_chain_is_intact)
{
	char head[STORE_HASH_STRLEN], err[256];
	struct store *st = open_rw();
	int64_t seq = -1;

	store_close(st);
	assert_intact(0);
	st = store_open(db_path, STORE_READ_ONLY, err, sizeof(err));
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(store_audit_head(st, &seq, head), 0);
	ck_assert_int_eq(seq, 0);
	ck_assert_str_eq(head,
	    "0000000000000000000000000000000000000000000000"
	    "000000000000000000");
	store_close(st);
}
END_TEST

/* A sighting undone by its savepoint takes its audit records with it and
 * the next record follows the last one kept. */
START_TEST(test_chain_survives_a_sighting_rolled_back)
{
	struct store *st = open_rw();
	struct sighting *s;
	char *v;

	record(st, 0, T0, "00:e0:fc:00:00:01", NULL, "Huawei VRP");
	record(st, 0, T0 + 1, "00:e0:fc:00:00:02", NULL, "ZTE ZXR10");
	ck_assert_int_eq(store_flush(st), 0);
	tamper(
	    "CREATE TRIGGER boom BEFORE INSERT ON element_evidence "
	    "WHEN NEW.value = 'BOOM' BEGIN SELECT RAISE(ABORT, 'boom'); END");
	/* Merges 2 into 1 (an audit record), then fails on its evidence. */
	s = sighting_new("snmp", T0 + 2);
	sighting_set(&s->chassis_mac, "00:e0:fc:00:00:01");
	sighting_add_addr(s, ADDR_MAC, "00:e0:fc:00:00:02");
	sighting_add_input(s, EV_SYSDESCR, "BOOM");
	ck_assert_int_eq(store_record(st, 0, s, NULL), -1);
	sighting_free(s);
	record(st, 0, T0 + 3, "00:e0:fc:00:00:03", NULL, "ZTE ZXA10");
	store_close(st);
	v = query_text("SELECT group_concat(kind || ':' || subject, ' ') FROM "
		       "(SELECT kind, subject FROM audit_log ORDER BY seq)");
	/* Elements 1 and 2 as the first batch left them; then 3. */
	ck_assert_str_eq(v, "batch:2 batch:1");
	free(v);
	v = query_text(
	    "SELECT group_concat(element_id, ' ') FROM "
	    "(SELECT element_id FROM audit_leaves ORDER BY seq, idx)");
	ck_assert_str_eq(v, "1 2 3");
	free(v);
	assert_intact(2);
}
END_TEST

/* A batch rolled back as a whole: the cached head must not run ahead. */
START_TEST(test_chain_survives_a_batch_rolled_back)
{
	struct store *st = open_rw();
	struct sighting *s;

	record(st, 0, T0, "00:e0:fc:00:00:01", NULL, "Huawei VRP");
	ck_assert_int_eq(store_flush(st), 0);
	tamper("CREATE TRIGGER boom BEFORE INSERT ON element_evidence "
	       "WHEN NEW.value = 'BOOM' BEGIN SELECT RAISE(ROLLBACK, 'boom'); "
	       "END");
	record(st, 0, T0 + 1, "00:e0:fc:00:00:02", NULL, "ZTE ZXR10");
	s = sighting_new("snmp", T0 + 2);
	sighting_set(&s->chassis_mac, "00:e0:fc:00:00:09");
	sighting_add_input(s, EV_SYSDESCR, "BOOM");
	ck_assert_int_eq(store_record(st, 0, s, NULL), -1);
	sighting_free(s);
	record(st, 0, T0 + 3, "00:e0:fc:00:00:03", NULL, "ZTE ZXA10");
	store_close(st);
	assert_intact(2);
}
END_TEST

/*
 * A new element's leaf is written as the writer created it, not read back
 * from the tables: it must be what verify reads back, whatever the
 * element holds (texts that are no UTF-8, a NUL, tabs and newlines, empty
 * values, several addresses and sources, a conflict, no scan).
 */
START_TEST(test_new_elements_leaves_are_their_rows)
{
	struct store *st = open_rw();
	int64_t scan = store_scan_begin(st, "snmp", "lab");
	const struct sighting *g[2];
	struct sighting *s, *t;
	char *v;

	/* A bare MAC outside any scan. */
	s = sighting_new("mac", T0);
	sighting_add_addr(s, ADDR_MAC, "00:e0:fc:00:00:10");
	sighting_add_input(s, EV_OUI, "00:e0:fc:00:00:10");
	ck_assert_int_eq(store_record(st, 0, s, NULL), 0);
	sighting_free(s);
	/* An agent describing itself, in bytes of every kind. */
	s = sighting_new("snmp", T0 + 1);
	sighting_set(&s->mgmt_ip, "192.0.2.7");
	sighting_set(&s->chassis_mac, "00:e0:fc:00:00:11");
	sighting_set(&s->chassis_id, "4:00:e0:fc:00:00:11");
	sighting_set(&s->sys_name, "caf\xe9\xc0\x80-core\t1");
	sighting_set(&s->sys_descr, "Huawei VRP\nZTE inside\\");
	sighting_set(&s->sys_object_id, "1.3.6.1.4.1.2011.2.224");
	sighting_set(&s->model, "");
	sighting_set(&s->serial, "2102\xff\xfe");
	sighting_set(&s->software, "V800R021");
	sighting_set(&s->zone, "core");
	sighting_add_addr(s, ADDR_IPV6, "2001:db8::7");
	sighting_add_input(s, EV_SYSDESCR, "Huawei VRP\nZTE inside\\");
	sighting_add_input(s, EV_ENTITY_MFG, "ZTE \xc0\xc0 box");
	sighting_add_input(s, EV_SYSOBJECTID, "1.3.6.1.4.1.2011.2.224");
	ck_assert_int_eq(store_record(st, scan, s, NULL), 0);
	sighting_free(s);
	/* Heard twice at once, by two MACs and no chassis MAC. */
	s = sighting_new("lldp", T0 + 2);
	sighting_add_addr(s, ADDR_MAC, "00:e0:fc:00:00:13");
	sighting_add_addr(s, ADDR_MAC, "00:e0:fc:00:00:12");
	sighting_add_input(s, EV_LLDP, "plain box");
	t = sighting_new("dhcp", T0 + 86400 * 3);
	sighting_add_addr(t, ADDR_MAC, "00:e0:fc:00:00:12");
	sighting_add_addr(t, ADDR_IPV4, "10.0.0.12");
	sighting_add_input(t, EV_DHCP, "Huawei HG8245");
	g[0] = s;
	g[1] = t;
	ck_assert_int_eq(store_record_group(st, scan, g, 2, NULL), 0);
	sighting_free(s);
	sighting_free(t);
	ck_assert_int_eq(store_flush(st), 0);
	store_close(st);
	v = query_text("SELECT group_concat(element_id, ' ') FROM "
		       "(SELECT element_id FROM audit_leaves ORDER BY idx)");
	ck_assert_str_eq(v, "1 2 3");
	free(v);
	v = query_text("SELECT count(*) FROM element WHERE conflict = 1 "
		       "AND typeof(sys_name) = 'blob'");
	ck_assert_str_eq(v, "1");
	free(v);
	assert_intact(1);
}
END_TEST

/* A new element whose writing fails leaves no leaf behind. */
START_TEST(test_new_element_rolled_back_leaves_no_leaf)
{
	struct store *st = open_rw();
	struct sighting *s;
	char *v;

	record(st, 0, T0, "00:e0:fc:00:00:01", NULL, "Huawei VRP");
	ck_assert_int_eq(store_flush(st), 0);
	tamper(
	    "CREATE TRIGGER boom BEFORE INSERT ON element_evidence "
	    "WHEN NEW.value = 'BOOM' BEGIN SELECT RAISE(ABORT, 'boom'); END");
	record(st, 0, T0 + 1, "00:e0:fc:00:00:02", NULL, "ZTE ZXR10");
	s = sighting_new("snmp", T0 + 1);
	sighting_set(&s->chassis_mac, "00:e0:fc:00:00:09");
	sighting_add_input(s, EV_SYSDESCR, "BOOM");
	ck_assert_int_eq(store_record(st, 0, s, NULL), -1);
	sighting_free(s);
	/* The next element of the batch takes the id the undone one had,
	 * and its row the hash of its own leaf. */
	record(st, 0, T0 + 2, "00:e0:fc:00:00:03", NULL, "ZTE ZXA10");
	ck_assert_int_eq(store_flush(st), 0);
	store_close(st);
	v = query_text(
	    "SELECT group_concat(element_id, ' ') FROM "
	    "(SELECT element_id FROM audit_leaves ORDER BY seq, idx)");
	ck_assert_str_eq(v, "1 2 3");
	free(v);
	v = query_text("SELECT count(*) FROM element e JOIN audit_leaves l "
		       "ON l.element_id = e.id AND l.hash = e.leaf_hash "
		       "WHERE l.detail LIKE 'element=' || e.id || char(10) "
		       "|| '%'");
	ck_assert_str_eq(v, "3");
	free(v);
	/* Nothing of the undone element is left: no address, source or
	 * evidence of it, nor any row of an element that is gone. */
	v = query_text("SELECT (SELECT count(*) FROM element_address WHERE "
		       "value = '00:e0:fc:00:00:09') + (SELECT count(*) FROM "
		       "element_evidence WHERE value = 'BOOM') + (SELECT "
		       "count(*) FROM element_source WHERE element_id NOT IN "
		       "(SELECT id FROM element)) + (SELECT count(*) FROM "
		       "element_address WHERE element_id NOT IN (SELECT id "
		       "FROM element))");
	ck_assert_str_eq(v, "0");
	free(v);
	assert_intact(2);
}
END_TEST

/* Created, then seen again the same day in the same batch with nothing
 * new: the leaf it was created with is in the chain. */
START_TEST(test_new_element_seen_again_unchanged_has_its_leaf)
{
	struct store *st = open_rw();
	char *v;

	record(st, 0, T0, "00:e0:fc:00:00:01", NULL, "Huawei VRP");
	record(st, 0, T0 + 1, "00:e0:fc:00:00:01", NULL, "Huawei VRP");
	ck_assert_int_eq(store_flush(st), 0);
	store_close(st);
	v = query_text("SELECT count(*) FROM audit_leaves l JOIN element e "
		       "ON e.id = l.element_id AND e.leaf_hash = l.hash");
	ck_assert_str_eq(v, "1");
	free(v);
	assert_intact(1);
}
END_TEST

/* Created, then changed in the same batch: the leaf is the last state. */
START_TEST(test_new_element_changed_again_has_its_last_leaf)
{
	struct store *st = open_rw();
	char *v;

	record(st, 0, T0, "00:e0:fc:00:00:01", NULL, "plain box");
	record(st, 0, T0 + 1, "00:e0:fc:00:00:01", NULL, "Huawei VRP");
	ck_assert_int_eq(store_flush(st), 0);
	store_close(st);
	v = query_text("SELECT count(*) FROM audit_leaves WHERE detail LIKE "
		       "'%evidence=sysdescr\tHuawei VRP%' "
		       "AND detail LIKE '%risk=high%'");
	ck_assert_str_eq(v, "1");
	free(v);
	assert_intact(1);
}
END_TEST

/* The daemon and a one-off ingest writing the same file in turn. */
START_TEST(test_two_writers_share_one_chain)
{
	struct store *a = open_rw(), *b = open_rw();

	record(a, 0, T0, "00:e0:fc:00:00:01", NULL, "Huawei VRP");
	ck_assert_int_eq(store_flush(a), 0);
	record(b, 0, T0 + 1, "00:e0:fc:00:00:02", NULL, "ZTE ZXR10");
	ck_assert_int_eq(store_flush(b), 0);
	record(a, 0, T0 + 2, "00:e0:fc:00:00:03", NULL, "ZTE ZXA10");
	ck_assert_int_eq(store_flush(a), 0);
	ck_assert_int_eq(store_scan_end(b, store_scan_begin(b, "snmp", "x"),
			     "complete", 0, 0, NULL),
	    0);
	record(a, 0, T0 + 3, "00:e0:fc:00:00:04", NULL, "Huawei OLT");
	store_close(a);
	store_close(b);
	assert_intact(5);
}
END_TEST

/* An auditor verifying while the writer has a batch open sees the last
 * committed state, whole. */
START_TEST(test_verify_sees_committed_batches_only)
{
	struct store *st = open_rw();

	store_set_batch_size(st, 100);
	record(st, 0, T0, "00:e0:fc:00:00:01", NULL, "Huawei VRP");
	ck_assert_int_eq(store_flush(st), 0);
	record(st, 0, T0 + 1, "00:e0:fc:00:00:02", NULL, "ZTE ZXR10");
	record(st, 0, T0 + 2, "00:e0:fc:00:00:01", "00:e0:fc:00:00:02", NULL);
	assert_intact(1);
	ck_assert_int_eq(store_flush(st), 0);
	assert_intact(3);
	store_close(st);
}
END_TEST

/* Reclassification under new rules is audited like any verdict change:
 * a leaf for each element whose verdict it changed. */
START_TEST(test_reclassification_is_audited)
{
	struct store *st = open_rw();
	int changed = -1;
	char *v;

	record(st, 0, T0, "00:e0:fc:00:00:01", NULL, "Huawei VRP");
	record(st, 0, T0 + 1, "00:e0:fc:00:00:02", NULL, "ZTE ZXR10");
	/* New rules: the Huawei box is read as ZTE. */
	fake.swap = true;
	ck_assert_int_eq(store_reclassify(st, &ops, &changed), 0);
	ck_assert_int_eq(changed, 1);
	store_close(st);
	v = query_text("SELECT group_concat(kind || ':' || subject, ' ') FROM "
		       "(SELECT kind, subject FROM audit_log ORDER BY seq)");
	ck_assert_str_eq(v, "batch:2 batch:1");
	free(v);
	v = query_text("SELECT detail FROM audit_leaves WHERE seq = 2");
	ck_assert_ptr_nonnull(strstr(v, "element=1\n"));
	ck_assert_ptr_nonnull(strstr(v, "\nvendor=zte\n"));
	ck_assert_ptr_nonnull(strstr(v, "\tzte\t0.9\tfake-huawei\t"));
	free(v);
	assert_intact(2);
}
END_TEST

static Suite *
audit_suite(void)
{
	Suite *s = suite_create("audit");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_hashes_are_recomputable_as_documented);
	tcase_add_test(tc, test_records_say_what_happened);
	tcase_add_test(tc, test_the_table_refuses_changes);
	tcase_add_test(tc, test_changed_detail_is_a_hash_mismatch);
	tcase_add_test(tc, test_rehashed_record_breaks_the_next_link);
	tcase_add_test(tc, test_deleted_records_leave_a_gap);
	tcase_add_test(tc, test_deleted_batch_is_named);
	tcase_add_test(tc, test_edited_leaves_break_the_root);
	tcase_add_test(tc, test_edited_verdicts_are_named);
	tcase_add_test(tc, test_edited_inputs_are_named);
	tcase_add_test(tc, test_small_confidence_edits_are_seen);
	tcase_add_test(tc, test_edited_scans_are_named);
	tcase_add_test(tc, test_deleted_rows_are_named);
	tcase_add_test(tc, test_merges_are_checked);
	tcase_add_test(tc, test_empty_chain_is_intact);
	tcase_add_test(tc, test_chain_survives_a_sighting_rolled_back);
	tcase_add_test(tc, test_chain_survives_a_batch_rolled_back);
	tcase_add_test(tc, test_new_elements_leaves_are_their_rows);
	tcase_add_test(tc, test_new_element_rolled_back_leaves_no_leaf);
	tcase_add_test(tc, test_new_element_changed_again_has_its_last_leaf);
	tcase_add_test(tc, test_new_element_seen_again_unchanged_has_its_leaf);
	tcase_add_test(tc, test_two_writers_share_one_chain);
	tcase_add_test(tc, test_verify_sees_committed_batches_only);
	tcase_add_test(tc, test_reclassification_is_audited);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testenv_run(audit_suite());
}
