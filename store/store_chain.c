/*
 * The audit chain as stored, record by record with the leaves of each
 * batch, for a copy elsewhere (the central database, central/) to check
 * and hold. Read in one snapshot; records are append-only, so what was
 * read stays true.
 */
#include <stdio.h>
#include <string.h>

#include "common/sha256.h"

#include "store/store.h"
#include "store/store_private.h"

int
store_chain_hash_at(struct store *st, int64_t seq, char out[STORE_HASH_STRLEN])
{
	sqlite3_stmt *stmt;
	int rc;

	out[0] = '\0';
	if ((stmt = store_prepare(st,
		 "SELECT hash FROM audit WHERE seq = ?1")) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, seq);
	rc = store_step(st, stmt);
	if (rc == 1) {
		const unsigned char *h = sqlite3_column_text(stmt, 0);

		snprintf(out, STORE_HASH_STRLEN, "%s",
		    h != NULL ? (const char *)h : "");
	}
	sqlite3_finalize(stmt);
	return rc;
}

static const char *
text(sqlite3_stmt *stmt, int i)
{
	const unsigned char *t = sqlite3_column_text(stmt, i);

	return t != NULL ? (const char *)t : "";
}

static int
read_leaves(struct store *st, sqlite3_stmt *lv, int64_t seq,
    store_chain_leaf_fn leaf_fn, void *arg, int64_t *n)
{
	struct store_chain_leaf l;
	int rc;

	sqlite3_bind_int64(lv, 1, seq);
	while ((rc = store_step(st, lv)) == 1) {
		l.seq = seq;
		l.idx = sqlite3_column_int64(lv, 0);
		l.element = sqlite3_column_int64(lv, 1);
		l.detail = text(lv, 2);
		l.detail_len = (size_t)sqlite3_column_bytes(lv, 2);
		l.hash = text(lv, 3);
		(*n)++;
		if ((rc = leaf_fn(arg, &l)) != 0) {
			store_reset(lv);
			return rc;
		}
	}
	return rc;
}

int
store_chain_read(struct store *st, int64_t after, int max_records,
    int64_t max_leaves, store_chain_leaf_fn leaf_fn,
    store_chain_record_fn record_fn, void *arg)
{
	sqlite3_stmt *rec = NULL, *lv = NULL;
	struct store_chain_record r;
	int64_t records = 0, leaves = 0;
	int rc = -1;

	if (sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		store_set_db_error(st, "begin a read of the audit chain");
		return -1;
	}
	if ((rec = store_prepare(st,
		 "SELECT seq, at, kind, subject, detail, prev_hash, hash "
		 "FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2")) == NULL ||
	    (lv = store_prepare(st,
		 "SELECT idx, element, detail, hash FROM audit_leaf "
		 "WHERE seq = ?1 ORDER BY idx")) == NULL)
		goto out;
	sqlite3_bind_int64(rec, 1, after);
	sqlite3_bind_int64(rec, 2, max_records);
	while ((rc = store_step(st, rec)) == 1) {
		r.seq = sqlite3_column_int64(rec, 0);
		r.at = text(rec, 1);
		r.kind = text(rec, 2);
		r.subject = sqlite3_column_int64(rec, 3);
		r.detail = text(rec, 4);
		r.detail_len = (size_t)sqlite3_column_bytes(rec, 4);
		r.prev_hash = text(rec, 5);
		r.hash = text(rec, 6);
		if ((rc = read_leaves(st, lv, r.seq, leaf_fn, arg, &leaves)) !=
			0 ||
		    (rc = record_fn(arg, &r)) != 0)
			break;
		records++;
		if (leaves >= max_leaves)
			break;
	}
out:
	sqlite3_finalize(rec);
	sqlite3_finalize(lv);
	sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	return rc == 0 ? (int)records : rc;
}

int
store_chain_record_hash(const struct store_chain_record *r,
    char out[STORE_HASH_STRLEN])
{
	char subject[24];

	snprintf(subject, sizeof(subject), "%lld", (long long)r->subject);
	store_audit_record_hash(r->prev_hash, strlen(r->prev_hash), r->seq,
	    r->at, strlen(r->at), r->kind, strlen(r->kind), subject,
	    strlen(subject), r->detail, r->detail_len, out);
	return strcmp(out, r->hash) == 0 ? 0 : -1;
}

int
store_chain_leaf_digest(const struct store_chain_leaf *l, uint8_t out[32])
{
	char hex[STORE_HASH_STRLEN];

	store_leaf_hash(l->detail, l->detail_len, out);
	sha256_hex(out, hex);
	return strcmp(hex, l->hash) == 0 ? 0 : -1;
}

void
store_chain_root(const uint8_t (*leaf)[32], size_t n,
    char out[STORE_HASH_STRLEN])
{
	store_leaf_root(leaf, n, out);
}
