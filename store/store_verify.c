/*
 * The check of the audit chain (vraudit verify): every record's hash and
 * link, every batch's leaves against the root it commits, every element
 * against its last leaf, every ended scan and every merge against their
 * records, and the triggers that keep the records append-only. All in one
 * snapshot; each problem is named (element, field, record).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/sha256.h"
#include "common/text.h"
#include "common/util.h"
#include "store/store.h"
#include "store/store_private.h"

#define ZERO_HASH                                                              \
	"0000000000000000000000000000000000000000000000000000000000000000"

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
		store_audit_record_hash(col[5], len[5], seq, col[1], len[1],
		    col[2], len[2], col[3], len[3], col[4], len[4], hash);
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
		store_audit_verdict_lines(&want, "new.",
		    (const char *)sqlite3_column_text(stmt, 1),
		    (const char *)sqlite3_column_text(stmt, 2),
		    (const char *)sqlite3_column_text(stmt, 3),
		    sqlite3_column_double(stmt, 4),
		    sqlite3_column_int64(stmt, 5));
		if (sqlite3_column_type(stmt, 6) == SQLITE_NULL) {
			/* Never changed: still what a new element gets. */
			strbuf_addc(&have, '\n');
			store_audit_verdict_lines(&have, "new.", NULL, NULL,
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
		char *lines = store_audit_scan_detail(stmt);
		int64_t id = sqlite3_column_int64(stmt, 0);
		struct strbuf want = STRBUF_INIT;

		strbuf_adds(&want, lines);
		free(lines);
		if (store_audit_scan_zones(c->st, id, &want) == -1) {
			strbuf_finish(&want);
			rc = -1;
			break;
		}

		if (sqlite3_column_type(stmt, 9) == SQLITE_NULL)
			finding(c,
			    "scan %" PRId64 ": ended without an audit "
			    "record",
			    id);
		else if (!column_is(stmt, 10, want.s))
			finding(c,
			    "scan %" PRId64 ": differs from audit "
			    "record %" PRId64,
			    id, (int64_t)sqlite3_column_int64(stmt, 9));
		strbuf_finish(&want);
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
	static const char *const names[][2] = {
		{ "audit", "audit_no_update" },
		{ "audit", "audit_no_delete" },
		{ "audit_leaf", "audit_leaf_no_update" },
		{ "audit_leaf", "audit_leaf_no_delete" },
	};
	sqlite3_stmt *stmt = prepare(c->st,
	    "SELECT count(*) FROM "
	    "sqlite_schema WHERE type = 'trigger' AND tbl_name = ?1 "
	    "AND name = ?2");
	size_t n = c->st->version >= STORE_VERSION_LEAVES ? 4 : 2;
	int rc = 0;

	if (stmt == NULL)
		return -1;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		sqlite3_bind_text(stmt, 1, names[i][0], -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, names[i][1], -1, SQLITE_STATIC);
		if ((rc = next_row(c->st, stmt)) == 1) {
			if (sqlite3_column_int(stmt, 0) == 0)
				finding(c,
				    "%s table: trigger %s is missing "
				    "(records could be changed)",
				    names[i][0], names[i][1]);
			rc = 0;
		}
		sqlite3_reset(stmt);
	}
	sqlite3_finalize(stmt);
	return rc;
}

/*
 * Leaves (schema version 4 on).
 */

/* Where an element's last leaf is: the record's seq and the leaf's idx. */
struct last_leaf {
	int64_t seq;
	int64_t idx;
};

/* Each element's last leaf, indexed by element id. */
struct leaf_index {
	struct last_leaf *at; /* owned; seq 0: none */
	size_t n;
};

static void
leaf_index_put(struct leaf_index *x, int64_t element, int64_t seq, int64_t idx)
{
	if (element <= 0)
		return;
	if ((size_t)element >= x->n) {
		size_t n = x->n == 0 ? 1024 : x->n;

		while (n <= (size_t)element)
			n *= 2;
		x->at = xreallocarray(x->at, n, sizeof(*x->at));
		memset(x->at + x->n, 0, (n - x->n) * sizeof(*x->at));
		x->n = n;
	}
	x->at[element] = (struct last_leaf){ seq, idx };
}

static const struct last_leaf *
leaf_index_get(const struct leaf_index *x, int64_t element)
{
	if (element <= 0 || (size_t)element >= x->n || x->at[element].seq == 0)
		return NULL;
	return &x->at[element];
}

/* The number after "key=" in a record's detail, or -1. */
static int64_t
detail_int(const char *detail, const char *key)
{
	const char *p = strstr(detail, key);

	if (p == NULL || (p != detail && p[-1] != '\n'))
		return -1;
	return strtoll(p + strlen(key), NULL, 10);
}

/* Check one batch record's leaves against its root; note each leaf as its
 * element's last so far. */
static int
check_batch(struct check *c, sqlite3_stmt *leaves, int64_t seq,
    const char *detail, struct leaf_index *x)
{
	uint8_t(*hash)[SHA256_LEN] = NULL;
	char root[STORE_HASH_STRLEN], hex[STORE_HASH_STRLEN];
	const char *want = strstr(detail, "root=");
	int64_t count = detail_int(detail, "leaves="), n = 0;
	size_t cap = 0;
	bool gap = false;
	int rc;

	sqlite3_bind_int64(leaves, 1, seq);
	while ((rc = next_row(c->st, leaves)) == 1) {
		const char *d = (const char *)sqlite3_column_text(leaves, 2);
		size_t len = (size_t)sqlite3_column_bytes(leaves, 2);

		if (sqlite3_column_int64(leaves, 0) != n)
			gap = true;
		if ((size_t)n == cap) {
			cap = cap == 0 ? 64 : 2 * cap;
			hash = xreallocarray(hash, cap, sizeof(*hash));
		}
		store_leaf_hash(d != NULL ? d : "", len, hash[n]);
		sha256_hex(hash[n], hex);
		if (!column_is(leaves, 3, hex))
			finding(c,
			    "record %" PRId64 ": leaf %" PRId64 " (element "
			    "%" PRId64 ") does not match its hash",
			    seq, n, (int64_t)sqlite3_column_int64(leaves, 1));
		leaf_index_put(x, sqlite3_column_int64(leaves, 1), seq, n);
		n++;
	}
	sqlite3_reset(leaves);
	if (rc == -1) {
		free(hash);
		return -1;
	}
	store_leaf_root((const uint8_t(*)[SHA256_LEN])hash, (size_t)n, root);
	free(hash);
	if (gap || n != count || want == NULL ||
	    strncmp(want + 5, root, SHA256_HEX_LEN - 1) != 0)
		finding(c,
		    "record %" PRId64 ": its leaves (%" PRId64 ") do not make "
		    "the root it commits (%" PRId64 " leaves): a leaf was "
		    "changed, added or removed",
		    seq, n, count);
	return 0;
}

/* Every batch record against its leaves, and leaves no record commits. */
static int
check_batches(struct check *c, struct leaf_index *x)
{
	sqlite3_stmt *rec = prepare(c->st,
	    "SELECT seq, detail FROM audit WHERE kind = 'batch' ORDER BY seq");
	sqlite3_stmt *leaves = prepare(c->st,
	    "SELECT idx, element, detail, hash FROM audit_leaf WHERE seq = ?1 "
	    "ORDER BY idx");
	sqlite3_stmt *orphans = prepare(c->st,
	    "SELECT DISTINCT l.seq FROM audit_leaf l WHERE NOT EXISTS "
	    "(SELECT 1 FROM audit a WHERE a.seq = l.seq AND a.kind = 'batch') "
	    "ORDER BY 1");
	int rc = -1;

	if (rec == NULL || leaves == NULL || orphans == NULL)
		goto out;
	while ((rc = next_row(c->st, rec)) == 1) {
		const char *d = (const char *)sqlite3_column_text(rec, 1);

		if (check_batch(c, leaves, sqlite3_column_int64(rec, 0),
			d != NULL ? d : "", x) == -1) {
			rc = -1;
			goto out;
		}
	}
	if (rc == -1)
		goto out;
	while ((rc = next_row(c->st, orphans)) == 1)
		finding(c,
		    "leaves of record %" PRId64 ": no batch record commits "
		    "them (the record was removed)",
		    (int64_t)sqlite3_column_int64(orphans, 0));
out:
	sqlite3_finalize(rec);
	sqlite3_finalize(leaves);
	sqlite3_finalize(orphans);
	return rc;
}

/* The value of line "key=" in a leaf (up to its newline), or NULL. */
static const char *
leaf_value(const char *leaf, const char *key, size_t *len)
{
	size_t klen = strlen(key);

	for (const char *p = leaf; p != NULL && *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t l = nl != NULL ? (size_t)(nl - p) : strlen(p);

		if (l > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			*len = l - klen - 1;
			return p + klen + 1;
		}
		p = nl != NULL ? nl + 1 : NULL;
	}
	return NULL;
}

/* True when line (len bytes, without its newline) is a line of text. */
static bool
has_line(const char *text, const char *line, size_t len)
{
	for (const char *p = text; p != NULL && *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t l = nl != NULL ? (size_t)(nl - p) : strlen(p);

		if (l == len && memcmp(p, line, len) == 0)
			return true;
		p = nl != NULL ? nl + 1 : NULL;
	}
	return false;
}

/* Keys of which a leaf has a line for each row (an address, a piece of
 * evidence) rather than one line. */
static bool
is_set_key(const char *key, size_t len)
{
	return (len == 7 && memcmp(key, "address", 7) == 0) ||
	    (len == 8 && memcmp(key, "evidence", 8) == 0);
}

/* Name the lines of a set key that are in one text and not in the other:
 * "gone" from now, or "not in" the record. Returns how many. */
static size_t
name_set_lines(struct check *c, int64_t id, int64_t seq, const char *from,
    const char *other, bool gone)
{
	size_t found = 0;

	for (const char *p = from; *p != '\0';) {
		const char *nl = strchr(p, '\n'), *eq = strchr(p, '=');
		size_t l = nl != NULL ? (size_t)(nl - p) : strlen(p);

		if (eq != NULL && eq < p + l &&
		    is_set_key(p, (size_t)(eq - p)) && !has_line(other, p, l)) {
			int klen = (int)(eq - p);
			size_t vlen = l - (size_t)klen - 1;

			finding(c,
			    gone ? "element %" PRId64 ": %.*s '%.*s' of record "
				   "%" PRId64 " is gone"
				 : "element %" PRId64 ": %.*s '%.*s' is not in "
				   "record %" PRId64,
			    id, klen, p, (int)(vlen > 120 ? 120 : vlen), eq + 1,
			    seq);
			found++;
		}
		p += l + (nl != NULL);
	}
	return found;
}

/* Name what differs between an element's state now and its last leaf. */
static void
name_differences(struct check *c, int64_t id, int64_t seq, const char *now,
    const char *leaf)
{
	size_t found = 0;

	for (const char *p = leaf; *p != '\0';) {
		const char *nl = strchr(p, '\n'), *eq = strchr(p, '=');
		size_t l = nl != NULL ? (size_t)(nl - p) : strlen(p), vlen = 0;
		size_t want;
		char key[32];
		const char *v;

		if (eq == NULL || eq > p + l || (size_t)(eq - p) >= sizeof(key))
			break;
		memcpy(key, p, (size_t)(eq - p));
		key[eq - p] = '\0';
		want = l - (size_t)(eq - p) - 1;
		if (!is_set_key(key, strlen(key)) &&
		    ((v = leaf_value(now, key, &vlen)) == NULL ||
			vlen != want || memcmp(v, eq + 1, vlen) != 0)) {
			finding(c,
			    "element %" PRId64 ": %s is '%.*s' but record "
			    "%" PRId64 " says '%.*s'",
			    id, key, (int)(vlen > 120 ? 120 : vlen),
			    v != NULL ? v : "", seq,
			    (int)(want > 120 ? 120 : want), eq + 1);
			found++;
		}
		p += l + (nl != NULL);
	}
	/* A line the state has and the leaf has not (a retirement). */
	for (const char *p = now; *p != '\0';) {
		const char *nl = strchr(p, '\n'), *eq = strchr(p, '=');
		size_t l = nl != NULL ? (size_t)(nl - p) : strlen(p), vlen;
		char key[32];

		if (eq != NULL && eq < p + l &&
		    (size_t)(eq - p) < sizeof(key)) {
			memcpy(key, p, (size_t)(eq - p));
			key[eq - p] = '\0';
			vlen = l - (size_t)(eq - p) - 1;
			if (!is_set_key(key, strlen(key)) &&
			    leaf_value(leaf, key, &vlen) == NULL) {
				vlen = l - (size_t)(eq - p) - 1;
				finding(c,
				    "element %" PRId64 ": %s is '%.*s' but "
				    "record %" PRId64 " has none",
				    id, key, (int)(vlen > 120 ? 120 : vlen),
				    eq + 1, seq);
				found++;
			}
		}
		p += l + (nl != NULL);
	}
	found += name_set_lines(c, id, seq, leaf, now, true);
	found += name_set_lines(c, id, seq, now, leaf, false);
	if (found == 0)
		finding(c, "element %" PRId64 ": differs from record %" PRId64,
		    id, seq);
}

/* Each element against its last leaf; leaves of elements that are gone. */
static int
check_elements(struct check *c, const struct leaf_index *x)
{
	sqlite3_stmt *ids =
	    prepare(c->st, "SELECT id FROM element ORDER BY id");
	sqlite3_stmt *leaf = prepare(c->st,
	    "SELECT detail FROM audit_leaf WHERE seq = ?1 AND idx = ?2");
	struct strbuf now = STRBUF_INIT;
	bool *seen = xcalloc(x->n > 0 ? x->n : 1, sizeof(*seen));
	int rc = -1;

	if (ids == NULL || leaf == NULL)
		goto out;
	while ((rc = next_row(c->st, ids)) == 1) {
		int64_t id = sqlite3_column_int64(ids, 0);
		const struct last_leaf *l = leaf_index_get(x, id);
		const char *d;

		if (l == NULL) {
			finding(c,
			    "element %" PRId64 ": not in the audit chain "
			    "(no leaf records its state)",
			    id);
			continue;
		}
		seen[id] = true;
		if (store_leaf_render(c->st, id, &now, NULL) != 0) {
			rc = -1;
			goto out;
		}
		sqlite3_bind_int64(leaf, 1, l->seq);
		sqlite3_bind_int64(leaf, 2, l->idx);
		if ((rc = next_row(c->st, leaf)) != 1)
			goto out;
		d = (const char *)sqlite3_column_text(leaf, 0);
		if (d == NULL)
			d = "";
		if (strcmp(d, strbuf_str(&now)) != 0)
			name_differences(c, id, l->seq, strbuf_str(&now), d);
		sqlite3_reset(leaf);
	}
	if (rc == -1)
		goto out;
	for (size_t id = 1; id < x->n; id++)
		if (x->at[id].seq != 0 && !seen[id])
			finding(c,
			    "element %zu: in record %" PRId64 " but missing "
			    "from the database",
			    id, x->at[id].seq);
	rc = 0;
out:
	free(seen);
	strbuf_finish(&now);
	sqlite3_finalize(ids);
	sqlite3_finalize(leaf);
	return rc;
}

/* A finding of store_verify_waivers. */
static void
waiver_finding(void *arg, const char *msg)
{
	finding(arg, "%s", msg);
}

/* True while the elements of a database from before leaves still wait
 * for their first leaf (audit_pending, schema version 4). */
static int
genesis_pending(struct store *st, bool *out)
{
	sqlite3_stmt *stmt;
	int rc;

	*out = false;
	if (st->version < STORE_VERSION_LEAVES)
		return 0;
	if ((stmt = prepare(st, "SELECT count(*) FROM audit_pending")) == NULL)
		return -1;
	if ((rc = next_row(st, stmt)) == 1)
		*out = sqlite3_column_int64(stmt, 0) > 0;
	sqlite3_finalize(stmt);
	return rc == -1 ? -1 : 0;
}

/* Every check, in the caller's transaction. */
static int
check_all(struct check *c, bool legacy, bool triggers)
{
	int rc = check_chain(c);

	if (!legacy) {
		/* Every element's state is in a leaf. */
		struct leaf_index x = { NULL, 0 };

		if (rc == 0)
			rc = check_batches(c, &x);
		if (rc == 0)
			rc = check_elements(c, &x);
		free(x.at);
	} else {
		/* Before leaves: verdicts against verdict records. */
		if (rc == 0)
			rc = check_verdicts(c);
	}
	if (rc == 0)
		rc = check_missing(c);
	if (rc == 0)
		rc = check_scans(c);
	if (rc == 0)
		rc = check_merges(c);
	if (rc == 0 && c->st->version >= STORE_VERSION_LIFECYCLE)
		rc = store_verify_waivers(c->st, waiver_finding, c);
	if (rc == 0 && triggers)
		rc = check_triggers(c);
	return rc;
}

int
store_audit_verify(struct store *st, store_finding_fn fn, void *arg,
    struct store_audit_report *out)
{
	struct check c = { st, fn, arg, out };
	bool pending;
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
	rc = genesis_pending(st, &pending);
	/* Until its first leaves, an upgraded database is checked as the
	 * version it came from. */
	if (rc == 0)
		rc = check_all(&c,
		    st->version < STORE_VERSION_LEAVES || pending, true);
	sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	return rc;
}

int
store_audit_verify_legacy(struct store *st, store_finding_fn fn, void *arg,
    struct store_audit_report *out)
{
	struct check c = { st, fn, arg, out };

	memset(out, 0, sizeof(*out));
	str_copy(out->head_hash, ZERO_HASH, sizeof(out->head_hash));
	return check_all(&c, true, false);
}
