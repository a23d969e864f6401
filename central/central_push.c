/*
 * vraudit push: the records of a site's audit chain that the central
 * database does not hold yet, oldest first, with the leaves of each batch.
 *
 * Exactly once, by construction: each transaction first takes the site's
 * advisory lock and reads the head held centrally, checks that this
 * database has the same record there, then sends what follows it. The
 * central database accepts a record only if it follows its head
 * (central/schema/001_central.sql), so a push killed anywhere, or cut off
 * by a restart of the server, leaves whole transactions, and the next
 * push starts from what was committed.
 */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "central/central.h"
#include "central/central_private.h"
#include "common/text.h"
#include "common/util.h"
#include "store/store.h"

/* The leaves after which a transaction ends early. */
#define PUSH_LEAVES 20000
/* Leaves per INSERT statement. */
#define PUSH_LEAF_ROWS 2000

/* Arrays of one statement, as PostgreSQL array literals. */
struct column {
	struct strbuf b;
	size_t n;
};

struct chunk {
	struct central *c;
	const char *site;
	int batch;             /* records per transaction */
	struct column leaf[5]; /* seq, idx, element, detail, hash */
	struct column rec[7];  /* seq, at, kind, subject, detail, prev, hash */
	size_t leaves_queued;
	int64_t leaves, records;
	int failed; /* 0, or the CENTRAL_ code of a failure while sending */
};

static void
col_reset(struct column *col, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		strbuf_reset(&col[i].b);
		col[i].n = 0;
	}
}

static void
col_free(struct column *col, size_t n)
{
	for (size_t i = 0; i < n; i++)
		strbuf_finish(&col[i].b);
}

static void
col_int(struct column *col, int64_t v)
{
	strbuf_addc(&col->b, col->n++ == 0 ? '{' : ',');
	strbuf_printf(&col->b, "%" PRId64, v);
}

/* A quoted array element: '\' and '"' escaped with a backslash. */
static void
col_text(struct column *col, const char *s, size_t len)
{
	strbuf_addc(&col->b, col->n++ == 0 ? '{' : ',');
	strbuf_addc(&col->b, '"');
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"' || s[i] == '\\')
			strbuf_addc(&col->b, '\\');
		strbuf_addc(&col->b, s[i]);
	}
	strbuf_addc(&col->b, '"');
}

static const char *
col_end(struct column *col)
{
	if (col->n == 0)
		strbuf_addc(&col->b, '{');
	strbuf_addc(&col->b, '}');
	return strbuf_str(&col->b);
}

/* The SQLSTATEs of the central database's checks (VA001-VA011). */
static bool
is_refusal(const PGresult *res)
{
	const char *state =
	    res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	return state != NULL && strncmp(state, "VA", 2) == 0;
}

/* Run one INSERT of the chunk; sets failed on error. */
static void
send_rows(struct chunk *k, const char *sql, struct column *col, size_t n)
{
	const char *v[8];
	PGresult *res;

	v[0] = k->site;
	for (size_t i = 0; i < n; i++)
		v[i + 1] = col_end(&col[i]);
	res = PQexecParams(k->c->pg, sql, (int)n + 1, NULL, v, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		central_set_error(k->c, "%s", central_pg_message(k->c, res));
		k->failed = is_refusal(res) ? CENTRAL_REFUSED : CENTRAL_FAILED;
	}
	PQclear(res);
	col_reset(col, n);
}

static void
send_leaves(struct chunk *k)
{
	if (k->leaves_queued == 0 || k->failed)
		return;
	send_rows(k,
	    "INSERT INTO vraudit.leaf (site, seq, idx, element, detail, hash) "
	    "SELECT $1, u.* FROM unnest($2::bigint[], $3::integer[], "
	    "$4::bigint[], $5::text[], $6::text[]) AS u ORDER BY 1, 2",
	    k->leaf, ARRAY_SIZE(k->leaf));
	k->leaves_queued = 0;
}

static int
on_leaf(void *arg, const struct store_chain_leaf *l)
{
	struct chunk *k = arg;

	col_int(&k->leaf[0], l->seq);
	col_int(&k->leaf[1], l->idx);
	col_int(&k->leaf[2], l->element);
	col_text(&k->leaf[3], l->detail, l->detail_len);
	col_text(&k->leaf[4], l->hash, strlen(l->hash));
	k->leaves++;
	if (++k->leaves_queued >= PUSH_LEAF_ROWS)
		send_leaves(k);
	return k->failed;
}

static int
on_record(void *arg, const struct store_chain_record *r)
{
	struct chunk *k = arg;

	col_int(&k->rec[0], r->seq);
	col_text(&k->rec[1], r->at, strlen(r->at));
	col_text(&k->rec[2], r->kind, strlen(r->kind));
	col_int(&k->rec[3], r->subject);
	col_text(&k->rec[4], r->detail, r->detail_len);
	col_text(&k->rec[5], r->prev_hash, strlen(r->prev_hash));
	col_text(&k->rec[6], r->hash, strlen(r->hash));
	k->records++;
	return k->failed;
}

/* Roll back, record the refusal centrally (in a transaction of its own),
 * and keep the reason as the error. */
static int
refuse(struct central *c, const char *site, const char *reason)
{
	char *why = xstrdup(reason);
	const char *p[] = { site, why };
	PGresult *res;

	PQclear(PQexec(c->pg, "ROLLBACK"));
	res = central_exec(c, "SELECT vraudit.refuse($1, $2)", 2, p,
	    PGRES_TUPLES_OK);
	if (res == NULL)
		central_set_error(c,
		    "%s (and the refusal could not be "
		    "recorded: %s)",
		    why, central_error(c));
	else
		central_set_error(c, "%s", why);
	PQclear(res);
	free(why);
	return CENTRAL_REFUSED;
}

static int
fail(struct central *c)
{
	char *why = xstrdup(central_error(c));

	PQclear(PQexec(c->pg, "ROLLBACK"));
	central_set_error(c, "%s", why);
	free(why);
	return CENTRAL_FAILED;
}

/* Read the head held centrally, under the site's lock: 0, 1 when the site
 * is not registered (for this role), -1. */
static int
central_head(struct central *c, const char *site, int64_t *seq,
    char hash[CENTRAL_HASH_STRLEN])
{
	const char *p[] = { site };
	PGresult *res;

	res = central_exec(c,
	    "SELECT pg_advisory_xact_lock(hashtextextended('vraudit push ' || "
	    "$1, 0))",
	    1, p, PGRES_TUPLES_OK);
	if (res == NULL)
		return -1;
	PQclear(res);
	if ((res = central_exec(c,
		 "SELECT head_seq, head_hash FROM vraudit.site WHERE name = $1",
		 1, p, PGRES_TUPLES_OK)) == NULL)
		return -1;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return 1;
	}
	*seq = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	str_copy(hash, PQgetvalue(res, 0, 1), CENTRAL_HASH_STRLEN);
	PQclear(res);
	return 0;
}

/* Does this database continue the chain held centrally? CENTRAL_OK, or a
 * refusal, or a failure. */
static int
check_continuity(struct central *c, struct store *st, const char *site,
    int64_t seq, const char *hash)
{
	char mine[STORE_HASH_STRLEN], why[1024];
	int64_t local;
	int rc;

	if (seq == 0)
		return CENTRAL_OK;
	if ((rc = store_chain_hash_at(st, seq, mine)) < 0) {
		central_set_error(c, "%s", store_error(st));
		return fail(c);
	}
	if (rc == 0) {
		if (store_audit_head(st, &local, mine) < 0)
			local = -1;
		snprintf(why, sizeof(why),
		    "site %s: the central database holds %" PRId64
		    " records of this site, this database only %" PRId64
		    ": it is not the database that pushed them, or it was "
		    "restored from an older copy",
		    site, seq, local);
		return refuse(c, site, why);
	}
	if (strcmp(mine, hash) != 0) {
		snprintf(why, sizeof(why),
		    "site %s: record %" PRId64
		    " held centrally has hash %s, in this database %s: the "
		    "site's history was rewritten",
		    site, seq, hash, mine);
		return refuse(c, site, why);
	}
	return CENTRAL_OK;
}

/* One transaction: the records after the central head. 1 when there was
 * nothing to send, 0 when some were sent, or a CENTRAL_ failure. */
static int
push_chunk(struct central *c, struct store *st, const char *site,
    struct chunk *k, struct central_push_result *out)
{
	char hash[CENTRAL_HASH_STRLEN];
	int64_t seq = 0;
	int rc, n;

	if (central_command(c, "BEGIN") < 0)
		return CENTRAL_FAILED;
	if ((rc = central_head(c, site, &seq, hash)) != 0) {
		if (rc == 1)
			central_set_error(c,
			    "site %s is not registered in the central "
			    "database, or this role does not push for it "
			    "(vraudit central add-site)",
			    site);
		return fail(c);
	}
	out->head_seq = seq;
	str_copy(out->head_hash, hash, sizeof(out->head_hash));
	if ((rc = check_continuity(c, st, site, seq, hash)) != CENTRAL_OK)
		return rc;
	k->records = k->leaves = 0;
	k->failed = 0;
	n = store_chain_read(st, seq, k->batch, PUSH_LEAVES, on_leaf, on_record,
	    k);
	if (n < 0 && !k->failed) {
		central_set_error(c, "%s", store_error(st));
		k->failed = CENTRAL_FAILED;
	}
	send_leaves(k);
	if (!k->failed && k->records > 0)
		send_rows(k,
		    "INSERT INTO vraudit.record (site, seq, at, kind, subject, "
		    "detail, prev_hash, hash) SELECT $1, u.* FROM "
		    "unnest($2::bigint[], $3::text[], $4::text[], "
		    "$5::bigint[], $6::text[], $7::text[], $8::text[]) AS u "
		    "ORDER BY 1, 2",
		    k->rec, ARRAY_SIZE(k->rec));
	col_reset(k->leaf, ARRAY_SIZE(k->leaf));
	col_reset(k->rec, ARRAY_SIZE(k->rec));
	k->leaves_queued = 0;
	if (k->failed == CENTRAL_REFUSED)
		return refuse(c, site, central_error(c));
	if (k->failed)
		return fail(c);
	if (k->records == 0) {
		central_command(c, "COMMIT");
		return 1;
	}
	{
		PGresult *res = PQexec(c->pg, "COMMIT");

		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			central_set_error(c, "%s", central_pg_message(c, res));
			rc = is_refusal(res) ? CENTRAL_REFUSED : CENTRAL_FAILED;
			PQclear(res);
			return rc == CENTRAL_REFUSED
			    ? refuse(c, site, central_error(c))
			    : fail(c);
		}
		PQclear(res);
	}
	out->records += k->records;
	out->leaves += k->leaves;
	return 0;
}

int
central_push(struct central *c, struct store *st, const char *site, int batch,
    struct central_push_result *out)
{
	struct chunk k;
	char local_hash[STORE_HASH_STRLEN];
	int rc;

	memset(out, 0, sizeof(*out));
	if (central_require_schema(c) < 0)
		return CENTRAL_FAILED;
	memset(&k, 0, sizeof(k));
	k.c = c;
	k.site = site;
	k.batch = batch > 0 && batch <= CENTRAL_PUSH_BATCH_MAX
	    ? batch
	    : CENTRAL_PUSH_BATCH;
	for (;;) {
		/* Between transactions: nothing is left half-sent. */
		if (c->interrupt != NULL && atomic_load(c->interrupt)) {
			central_set_error(c, "push interrupted");
			rc = CENTRAL_FAILED;
			break;
		}
		if ((rc = push_chunk(c, st, site, &k, out)) != 0)
			break;
	}
	col_free(k.leaf, ARRAY_SIZE(k.leaf));
	col_free(k.rec, ARRAY_SIZE(k.rec));
	if (rc == 1) {
		/* The head after the last commit. */
		if (store_audit_head(st, &out->local_seq, local_hash) < 0)
			out->local_seq = -1;
		rc = CENTRAL_OK;
	}
	return rc;
}
