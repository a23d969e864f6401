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
static void
verdict_lines(struct strbuf *t, const char *side, const char *vendor,
    const char *vendor_name, const char *risk, double confidence,
    int64_t conflict)
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
static void
record_hash(const void *prev, size_t prev_len, int64_t seq, const char *at,
    size_t at_len, const char *kind, size_t kind_len, const void *subject,
    size_t subject_len, const void *detail, size_t detail_len,
    char out[SHA256_HEX_LEN])
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

/* Append one record after the head; the caller's transaction is open. */
static int
append(struct store *st, const char *kind, int64_t subject, const char *detail,
    size_t detail_len)
{
	sqlite3_stmt *stmt = st->audit.insert;
	char at[TIME_STRLEN], subj[24], hash[SHA256_HEX_LEN];
	int64_t seq;

	if (sync_head(st) == -1)
		return -1;
	seq = st->audit.seq + 1;
	time_format(time_now(), at);
	snprintf(subj, sizeof(subj), "%" PRId64, subject);
	record_hash(st->audit.hash, strlen(st->audit.hash), seq, at, strlen(at),
	    kind, strlen(kind), subj, strlen(subj), detail, detail_len, hash);
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
store_audit_scan(struct store *st, int64_t scan_id, const char *detail)
{
	return append(st, "scan", scan_id, detail, strlen(detail));
}

int
store_audit_verdict(struct store *st, int64_t element_id,
    const struct verdict *old, const struct verdict *now)
{
	struct strbuf t = STRBUF_INIT;
	int rc;

	line_int(&t, "element", element_id);
	verdict_lines(&t, "old.", old->vendor, old->vendor_name,
	    risk_name(old->risk), old->confidence, old->conflict ? 1 : 0);
	verdict_lines(&t, "new.", now->vendor, now->vendor_name,
	    risk_name(now->risk), now->confidence, now->conflict ? 1 : 0);
	line_str(&t, "rules", now->digest);
	rc = append(st, "verdict", element_id, t.s, t.len);
	strbuf_finish(&t);
	return rc;
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
	rc = append(st, "merge", survivor, t.s, t.len);
	strbuf_finish(&t);
	return rc;
}

/*
 * Reading.
 */

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

struct check {
	struct store *st;
	store_finding_fn fn;
	void *arg;
	struct store_audit_report *out;
};

static void finding(struct check *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
finding(struct check *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->out->findings++;
	c->fn(c->arg, msg);
}

static sqlite3_stmt *
prepare(struct store *st, const char *sql)
{
	sqlite3_stmt *stmt;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		store_set_db_error(st, "prepare %.40s", sql);
		return NULL;
	}
	return stmt;
}

/* Step a query of ours to its next row: 1, 0 at the end, -1 on error. */
static int
next_row(struct store *st, sqlite3_stmt *stmt)
{
	int rc = sqlite3_step(stmt);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	store_set_db_error(st, "%.40s", sqlite3_sql(stmt));
	return -1;
}

static bool
column_is(sqlite3_stmt *stmt, int i, const char *text)
{
	const void *v = sqlite3_column_blob(stmt, i);
	size_t len = (size_t)sqlite3_column_bytes(stmt, i);

	return len == strlen(text) && (len == 0 || memcmp(v, text, len) == 0);
}

/* Recompute every record's hash and follow prev_hash and seq. */
static int
check_chain(struct check *c)
{
	sqlite3_stmt *stmt = prepare(c->st,
	    "SELECT seq, at, kind, "
	    "CAST(subject AS TEXT), detail, prev_hash, hash FROM audit "
	    "ORDER BY seq");
	char prev[SHA256_HEX_LEN] = ZERO_HASH, hash[SHA256_HEX_LEN];
	int64_t last = 0;
	int rc;

	if (stmt == NULL)
		return -1;
	while ((rc = next_row(c->st, stmt)) == 1) {
		int64_t seq = (int64_t)sqlite3_column_int64(stmt, 0);
		const void *col[7];
		size_t len[7];

		for (int i = 1; i < 7; i++) {
			col[i] = sqlite3_column_blob(stmt, i);
			len[i] = (size_t)sqlite3_column_bytes(stmt, i);
			if (col[i] == NULL)
				col[i] = "";
		}
		c->out->records++;
		record_hash(col[5], len[5], seq, col[1], len[1], col[2], len[2],
		    col[3], len[3], col[4], len[4], hash);
		if (!column_is(stmt, 6, hash))
			finding(c,
			    "record %" PRId64 ": hash mismatch (content "
			    "changed)",
			    seq);
		if (seq != last + 1) {
			if (last == 0)
				finding(c,
				    "records missing before %" PRId64
				    " (the chain starts at 1)",
				    seq);
			else
				finding(c,
				    "records missing between %" PRId64
				    " and %" PRId64,
				    last, seq);
		} else if (!column_is(stmt, 5, prev))
			finding(c,
			    "record %" PRId64 ": prev_hash does not "
			    "match record %" PRId64,
			    seq, last);
		/* Chain on the stored hash: one changed record is one
		 * finding, not one for every record after it. */
		str_copy(prev, col[6],
		    len[6] + 1 < sizeof(prev) ? len[6] + 1 : sizeof(prev));
		last = seq;
		c->out->head_seq = seq;
		str_copy(c->out->head_hash, prev, sizeof(c->out->head_hash));
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* Each element's verdict against the last verdict record about it, or the
 * initial verdict when there is none. */
static int
check_verdicts(struct check *c)
{
	sqlite3_stmt *stmt = prepare(c->st,
	    "SELECT e.id, e.vendor, e.vendor_name, e.risk, e.confidence, "
	    "e.conflict, a.seq, a.detail FROM element e "
	    "LEFT JOIN (SELECT subject, max(seq) AS seq FROM audit "
	    "WHERE kind = 'verdict' GROUP BY subject) m ON m.subject = e.id "
	    "LEFT JOIN audit a ON a.seq = m.seq ORDER BY e.id");
	int rc;

	if (stmt == NULL)
		return -1;
	while ((rc = next_row(c->st, stmt)) == 1) {
		struct strbuf want = STRBUF_INIT, have = STRBUF_INIT;
		const char *detail = (const char *)sqlite3_column_text(stmt, 7);
		int64_t id = (int64_t)sqlite3_column_int64(stmt, 0);

		strbuf_addc(&want, '\n');
		verdict_lines(&want, "new.",
		    (const char *)sqlite3_column_text(stmt, 1),
		    (const char *)sqlite3_column_text(stmt, 2),
		    (const char *)sqlite3_column_text(stmt, 3),
		    sqlite3_column_double(stmt, 4),
		    sqlite3_column_int64(stmt, 5));
		if (sqlite3_column_type(stmt, 6) == SQLITE_NULL) {
			/* Never changed: still what a new element gets. */
			strbuf_addc(&have, '\n');
			verdict_lines(&have, "new.", NULL, NULL,
			    risk_name(RISK_UNKNOWN), 0, 0);
			if (strcmp(want.s, have.s) != 0)
				finding(c,
				    "element %" PRId64 ": verdict "
				    "differs from the initial one and no audit "
				    "record explains it",
				    id);
		} else if (detail == NULL || strstr(detail, want.s) == NULL)
			finding(c,
			    "element %" PRId64 ": verdict differs from "
			    "audit record %" PRId64,
			    id, (int64_t)sqlite3_column_int64(stmt, 6));
		strbuf_finish(&want);
		strbuf_finish(&have);
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* Each ended scan against the last scan record about it. */
static int
check_scans(struct check *c)
{
	sqlite3_stmt *stmt = prepare(c->st,
	    "SELECT s.id, s.kind, s.status, s.started_at, s.finished_at, "
	    "s.targets, s.responded, s.frames, s.detail, a.seq, a.detail "
	    "FROM scan s "
	    "LEFT JOIN (SELECT subject, max(seq) AS seq FROM audit "
	    "WHERE kind = 'scan' GROUP BY subject) m ON m.subject = s.id "
	    "LEFT JOIN audit a ON a.seq = m.seq "
	    "WHERE s.status <> 'running' OR a.seq IS NOT NULL ORDER BY s.id");
	int rc;

	if (stmt == NULL)
		return -1;
	while ((rc = next_row(c->st, stmt)) == 1) {
		char *want = store_audit_scan_detail(stmt);
		int64_t id = sqlite3_column_int64(stmt, 0);

		if (sqlite3_column_type(stmt, 9) == SQLITE_NULL)
			finding(c,
			    "scan %" PRId64 ": ended without an audit "
			    "record",
			    id);
		else if (!column_is(stmt, 10, want))
			finding(c,
			    "scan %" PRId64 ": differs from audit "
			    "record %" PRId64,
			    id, (int64_t)sqlite3_column_int64(stmt, 9));
		free(want);
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* Rows whose last audit record is there but which are gone from their
 * table (deleting an element would take it out of every report). */
static int
check_missing(struct check *c)
{
	sqlite3_stmt *stmt = prepare(c->st,
	    "SELECT kind, subject, max(seq) FROM audit "
	    "WHERE (kind = 'verdict' AND "
	    "subject NOT IN (SELECT id FROM element)) "
	    "OR (kind = 'scan' AND subject NOT IN (SELECT id FROM scan)) "
	    "GROUP BY kind, subject ORDER BY kind DESC, subject");
	int rc;

	if (stmt == NULL)
		return -1;
	while ((rc = next_row(c->st, stmt)) == 1)
		finding(c,
		    "%s %" PRId64 ": in audit record %" PRId64 " but "
		    "missing from the database",
		    column_is(stmt, 0, "scan") ? "scan" : "element",
		    (int64_t)sqlite3_column_int64(stmt, 1),
		    (int64_t)sqlite3_column_int64(stmt, 2));
	sqlite3_finalize(stmt);
	return rc;
}

/* Merged elements leave the inventory: each one must have its merge record,
 * and each merge record's element must still be merged. */
static int
check_merges(struct check *c)
{
	sqlite3_stmt *stmt = prepare(c->st,
	    "WITH m AS (SELECT seq, CAST(substr(detail, instr(detail, "
	    "char(10) || 'merged=') + 8) AS INTEGER) AS merged "
	    "FROM audit WHERE kind = 'merge') "
	    "SELECT e.id, NULL FROM element e WHERE e.merged_into IS NOT NULL "
	    "AND e.id NOT IN (SELECT merged FROM m) "
	    "UNION ALL "
	    "SELECT e.id, max(m.seq) FROM m JOIN element e ON e.id = m.merged "
	    "WHERE e.merged_into IS NULL GROUP BY e.id ORDER BY 1");
	int rc;

	if (stmt == NULL)
		return -1;
	while ((rc = next_row(c->st, stmt)) == 1) {
		int64_t id = (int64_t)sqlite3_column_int64(stmt, 0);

		if (sqlite3_column_type(stmt, 1) == SQLITE_NULL)
			finding(c,
			    "element %" PRId64 ": marked merged without "
			    "an audit record",
			    id);
		else
			finding(c,
			    "element %" PRId64 ": merged by audit "
			    "record %" PRId64 " but no longer marked merged",
			    id, (int64_t)sqlite3_column_int64(stmt, 1));
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* The triggers that keep the table append-only are part of the schema. */
static int
check_triggers(struct check *c)
{
	static const char *const names[] = {
		"audit_no_update",
		"audit_no_delete",
	};
	sqlite3_stmt *stmt = prepare(c->st,
	    "SELECT count(*) FROM "
	    "sqlite_schema WHERE type = 'trigger' AND tbl_name = 'audit' "
	    "AND name = ?1");
	int rc = 0;

	if (stmt == NULL)
		return -1;
	for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(names); i++) {
		sqlite3_bind_text(stmt, 1, names[i], -1, SQLITE_STATIC);
		if ((rc = next_row(c->st, stmt)) == 1) {
			if (sqlite3_column_int(stmt, 0) == 0)
				finding(c,
				    "audit table: trigger %s is missing "
				    "(records could be changed)",
				    names[i]);
			rc = 0;
		}
		sqlite3_reset(stmt);
	}
	sqlite3_finalize(stmt);
	return rc;
}

int
store_audit_verify(struct store *st, store_finding_fn fn, void *arg,
    struct store_audit_report *out)
{
	struct check c = { st, fn, arg, out };
	int rc;

	memset(out, 0, sizeof(*out));
	str_copy(out->head_hash, ZERO_HASH, sizeof(out->head_hash));
	if (st->in_batch && store_flush(st) == -1)
		return -1;
	/* One snapshot for every check, while a writer may be committing. */
	if (sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		store_set_db_error(st, "begin");
		return -1;
	}
	rc = check_chain(&c);
	if (rc == 0)
		rc = check_verdicts(&c);
	if (rc == 0)
		rc = check_scans(&c);
	if (rc == 0)
		rc = check_missing(&c);
	if (rc == 0)
		rc = check_merges(&c);
	if (rc == 0)
		rc = check_triggers(&c);
	sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	return rc;
}
