/*
 * The audit chain: append-only records of ended scans, verdict changes and
 * merges, each hashed with the one before it (schema/001_initial.sql says
 * how, for auditors), and the check that recomputes the chain and compares
 * what the tables say now (verdicts, scans, merges, rows gone) with what
 * was recorded.
 *
 * Records are appended by the writer inside the transaction of the change
 * they describe. The chain head (last seq and hash) is cached: it is read
 * again only when a rollback may have undone appends, or when another
 * connection committed since our last transaction (PRAGMA data_version).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/sha256.h"
#include "common/text.h"
#include "store/store.h"
#include "store/store_private.h"
#include "common/util.h"

#define ZERO_HASH                                                              \
	"0000000000000000000000000000000000000000000000000000000000000000"
#define REAL_STRLEN 32

/* "key=value\n", the value escaped as TEXT_AUDIT. */
static void
line(struct strbuf *t, const char *key, const void *value, size_t len)
{
	strbuf_adds(t, key);
	strbuf_addc(t, '=');
	text_escape(t, value, len, TEXT_AUDIT);
	strbuf_addc(t, '\n');
}

static void
line_str(struct strbuf *t, const char *key, const char *value)
{
	if (value == NULL)
		value = "";
	line(t, key, value, strlen(value));
}

static void
line_int(struct strbuf *t, const char *key, int64_t value)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRId64, value);
	line_str(t, key, buf);
}

/* Column i of a row as stored, as text (NULL: empty). */
static void
line_col(struct strbuf *t, const char *key, sqlite3_stmt *stmt, int i)
{
	const void *v = sqlite3_column_blob(stmt, i);

	line(t, key, v != NULL ? v : "", (size_t)sqlite3_column_bytes(stmt, i));
}

/* The shortest decimal that reads back as d. */
static void
real_format(double d, char out[REAL_STRLEN])
{
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(out, REAL_STRLEN, "%.*g", prec, d);
		if (strtod(out, NULL) == d)
			return;
	}
}

/* The five lines of one side ("old." or "new.") of a verdict record. */
void
store_audit_verdict_lines(struct strbuf *t, const char *side,
    const char *vendor, const char *vendor_name, const char *risk,
    double confidence, int64_t conflict)
{
	char key[32], real[REAL_STRLEN];

	snprintf(key, sizeof(key), "%svendor", side);
	line_str(t, key, vendor);
	snprintf(key, sizeof(key), "%svendor_name", side);
	line_str(t, key, vendor_name);
	snprintf(key, sizeof(key), "%srisk", side);
	line_str(t, key, risk);
	snprintf(key, sizeof(key), "%sconfidence", side);
	real_format(confidence, real);
	line_str(t, key, real);
	snprintf(key, sizeof(key), "%sconflict", side);
	line_int(t, key, conflict);
}

/* Columns id, kind, status, started_at, finished_at, targets, responded,
 * frames, detail of a scan row, from column first on. */
static void
scan_lines(struct strbuf *t, sqlite3_stmt *stmt, int first)
{
	static const char *const keys[] = {
		"scan",
		"kind",
		"status",
		"started",
		"finished",
		"targets",
		"responded",
		"frames",
		"note",
	};

	for (int i = 0; i < (int)ARRAY_SIZE(keys); i++)
		line_col(t, keys[i], stmt, first + i);
}

static void
hash_field(struct sha256 *ctx, const void *p, size_t len)
{
	uint8_t n[8];

	for (int i = 0; i < 8; i++)
		n[i] = (uint8_t)((uint64_t)len >> (56 - 8 * i));
	sha256_update(ctx, n, sizeof(n));
	sha256_update(ctx, p, len);
}

/* A record's hash: see the audit table in the schema. Fields are (bytes,
 * length) pairs so that the check hashes exactly what is stored. */
void
store_audit_record_hash(const void *prev, size_t prev_len, int64_t seq,
    const char *at, size_t at_len, const char *kind, size_t kind_len,
    const void *subject, size_t subject_len, const void *detail,
    size_t detail_len, char out[SHA256_HEX_LEN])
{
	struct sha256 ctx;
	uint8_t d[SHA256_LEN];
	char num[24];

	snprintf(num, sizeof(num), "%" PRId64, seq);
	sha256_init(&ctx);
	hash_field(&ctx, prev, prev_len);
	hash_field(&ctx, num, strlen(num));
	hash_field(&ctx, at, at_len);
	hash_field(&ctx, kind, kind_len);
	hash_field(&ctx, subject, subject_len);
	hash_field(&ctx, detail, detail_len);
	sha256_final(&ctx, d);
	sha256_hex(d, out);
}

/*
 * Writing.
 */

static int
on_commit(void *arg)
{
	struct store *st = arg;

	st->audit.checked = false;
	return 0;
}

static void
on_rollback(void *arg)
{
	struct store *st = arg;

	st->audit.checked = false;
	st->audit.valid = false;
}

int
store_audit_prepare(struct store *st)
{
	static const char *const sql[] = {
		("INSERT INTO audit (seq, at, kind, subject, detail, "
		 "prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
		"SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
		"PRAGMA data_version",
	};
	sqlite3_stmt **stmt[] = {
		&st->audit.insert,
		&st->audit.head,
		&st->audit.data_version,
	};

	for (size_t i = 0; i < ARRAY_SIZE(sql); i++)
		if (sqlite3_prepare_v3(st->db, sql[i], -1,
			SQLITE_PREPARE_PERSISTENT, stmt[i],
			NULL) != SQLITE_OK) {
			store_set_db_error(st, "prepare %.40s", sql[i]);
			return -1;
		}
	st->audit.valid = false;
	st->audit.checked = false;
	sqlite3_commit_hook(st->db, on_commit, st);
	sqlite3_rollback_hook(st->db, on_rollback, st);
	return 0;
}

void
store_audit_finish(struct store *st)
{
	if (st->db != NULL) {
		sqlite3_commit_hook(st->db, NULL, NULL);
		sqlite3_rollback_hook(st->db, NULL, NULL);
	}
	sqlite3_finalize(st->audit.insert);
	sqlite3_finalize(st->audit.head);
	sqlite3_finalize(st->audit.data_version);
	st->audit.insert = st->audit.head = st->audit.data_version = NULL;
}

void
store_audit_forget(struct store *st)
{
	st->audit.valid = false;
}

/* Make the cached head that of the file, once per transaction. */
static int
sync_head(struct store *st)
{
	sqlite3_stmt *stmt;
	int rc;

	if (!st->audit.checked) {
		stmt = st->audit.data_version;
		if (store_step(st, stmt) != 1)
			return -1;
		if (sqlite3_column_int64(stmt, 0) != st->audit.seen_version)
			st->audit.valid = false;
		st->audit.seen_version = sqlite3_column_int64(stmt, 0);
		store_reset(stmt);
		st->audit.checked = true;
	}
	if (st->audit.valid)
		return 0;
	stmt = st->audit.head;
	if ((rc = store_step(st, stmt)) == -1)
		return -1;
	if (rc == 1) {
		const unsigned char *h = sqlite3_column_text(stmt, 1);

		st->audit.seq = sqlite3_column_int64(stmt, 0);
		str_copy(st->audit.hash, h != NULL ? (const char *)h : "",
		    sizeof(st->audit.hash));
		store_reset(stmt);
	} else {
		st->audit.seq = 0;
		str_copy(st->audit.hash, ZERO_HASH, sizeof(st->audit.hash));
	}
	st->audit.valid = true;
	return 0;
}

int
store_audit_append(struct store *st, const char *kind, int64_t subject,
    const char *detail, size_t detail_len, int64_t *seq_out)
{
	sqlite3_stmt *stmt = st->audit.insert;
	char at[TIME_STRLEN], subj[24], hash[SHA256_HEX_LEN];
	int64_t seq;

	if (sync_head(st) == -1)
		return -1;
	seq = st->audit.seq + 1;
	time_format(time_now(), at);
	snprintf(subj, sizeof(subj), "%" PRId64, subject);
	store_audit_record_hash(st->audit.hash, strlen(st->audit.hash), seq, at,
	    strlen(at), kind, strlen(kind), subj, strlen(subj), detail,
	    detail_len, hash);
	sqlite3_bind_int64(stmt, 1, seq);
	sqlite3_bind_text(stmt, 2, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, subject);
	sqlite3_bind_text64(stmt, 5, detail, detail_len, SQLITE_STATIC,
	    SQLITE_UTF8);
	sqlite3_bind_text(stmt, 6, st->audit.hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, hash, -1, SQLITE_STATIC);
	if (store_step(st, stmt) != 0) {
		store_reset(stmt);
		return -1;
	}
	st->audit.seq = seq;
	str_copy(st->audit.hash, hash, sizeof(st->audit.hash));
	if (seq_out != NULL)
		*seq_out = seq;
	return 0;
}

char *
store_audit_scan_detail(sqlite3_stmt *row)
{
	struct strbuf t = STRBUF_INIT;

	scan_lines(&t, row, 0);
	return strbuf_steal(&t);
}

int
store_audit_scan_zones(struct store *st, int64_t scan_id, struct strbuf *t)
{
	sqlite3_stmt *stmt;
	int rc;

	if (st->version < STORE_VERSION_COVERAGE)
		return 0;
	if ((stmt = store_prepare(st,
		 "SELECT printf('%s: targets %d, answered %d, silent %d, "
		 "refused %d, cut %d, missing %d', zone, targets, answered, "
		 "silent, refused, cut, missing) FROM scan_zone "
		 "WHERE scan_id = ?1 "
		 "ORDER BY zone")) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, scan_id);
	while ((rc = store_step(st, stmt)) == 1)
		line_col(t, "zone", stmt, 0);
	sqlite3_finalize(stmt);
	return rc;
}

int
store_audit_scan(struct store *st, int64_t scan_id, const char *detail)
{
	return store_audit_append(st, "scan", scan_id, detail, strlen(detail),
	    NULL);
}

int
store_audit_merge(struct store *st, int64_t survivor, int64_t merged,
    int64_t scan_id, const char *reason, const char *when)
{
	struct strbuf t = STRBUF_INIT;
	int rc;

	line_int(&t, "survivor", survivor);
	line_int(&t, "merged", merged);
	line_str(&t, "reason", reason);
	if (scan_id > 0)
		line_int(&t, "scan", scan_id);
	else
		line_str(&t, "scan", "");
	line_str(&t, "seen", when);
	rc = store_audit_append(st, "merge", survivor, t.s, t.len, NULL);
	strbuf_finish(&t);
	return rc;
}

int
store_audit_head(struct store *st, int64_t *seq, char hash[STORE_HASH_STRLEN])
{
	sqlite3_stmt *stmt;
	int rc;

	if (sqlite3_prepare_v2(st->db,
		"SELECT seq, hash FROM audit "
		"ORDER BY seq DESC LIMIT 1",
		-1, &stmt, NULL) != SQLITE_OK) {
		store_set_db_error(st, "audit head");
		return -1;
	}
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		const unsigned char *h = sqlite3_column_text(stmt, 1);

		*seq = sqlite3_column_int64(stmt, 0);
		str_copy(hash, h != NULL ? (const char *)h : "",
		    SHA256_HEX_LEN);
	} else if (rc == SQLITE_DONE) {
		*seq = 0;
		str_copy(hash, ZERO_HASH, SHA256_HEX_LEN);
	} else {
		store_set_db_error(st, "audit head");
		sqlite3_finalize(stmt);
		return -1;
	}
	sqlite3_finalize(stmt);
	return 0;
}
