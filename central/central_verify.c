/*
 * vraudit verify --central: every site's chain held centrally, recomputed
 * by this program with the site's own hashing (store/store_chain.c)
 * rather than by the database's checks, which an owner could replace.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "central/central.h"
#include "central/central_private.h"
#include "common/util.h"
#include "store/store.h"

#define PAGE "1000"
#define ZERO_HASH                                                              \
	"0000000000000000000000000000000000000000000000000000000000000000"

struct check {
	struct central *c;
	const char *site;
	central_finding_fn finding, note;
	void *arg;
	struct central_verify_report *out;
};

static void found(struct check *k, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
found(struct check *k, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	k->out->findings++;
	k->finding(k->arg, k->site, text);
}

/* The value of line "key=" of a detail, up to its end (into out). */
static bool
detail_value(const char *detail, const char *key, char *out, size_t outlen)
{
	size_t klen = strlen(key);

	for (const char *p = detail; p != NULL && *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);

		if (len > klen && strncmp(p, key, klen) == 0 &&
		    p[klen] == '=') {
			size_t n = len - klen - 1;

			if (n >= outlen)
				n = outlen - 1;
			memcpy(out, p + klen + 1, n);
			out[n] = '\0';
			return true;
		}
		p = nl != NULL ? nl + 1 : NULL;
	}
	return false;
}

/* The leaves of batch record seq against its detail. */
static int
check_leaves(struct check *k, int64_t seq, const char *detail)
{
	char num[24], want_n[24], want_root[CENTRAL_HASH_STRLEN], root[66];
	const char *p[] = { k->site, num };
	uint8_t(*digest)[32];
	PGresult *res;
	int n;

	snprintf(num, sizeof(num), "%" PRId64, seq);
	if ((res = central_exec(k->c,
		 "SELECT idx, element, detail, hash FROM vraudit.leaf "
		 "WHERE site = $1 AND seq = $2 ORDER BY idx",
		 2, p, PGRES_TUPLES_OK)) == NULL)
		return -1;
	n = PQntuples(res);
	digest = xreallocarray(NULL, (size_t)n + 1, sizeof(*digest));
	for (int i = 0; i < n; i++) {
		struct store_chain_leaf l;

		l.seq = seq;
		l.idx = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		l.element = strtoll(PQgetvalue(res, i, 1), NULL, 10);
		l.detail = PQgetvalue(res, i, 2);
		l.detail_len = (size_t)PQgetlength(res, i, 2);
		l.hash = PQgetvalue(res, i, 3);
		if (l.idx != i)
			found(k, "record %" PRId64 ": leaf %d is missing", seq,
			    i);
		if (store_chain_leaf_digest(&l, digest[i]) != 0)
			found(k,
			    "record %" PRId64 ", leaf %" PRId64
			    " (element %" PRId64 "): hash does not match its "
			    "detail",
			    seq, l.idx, l.element);
	}
	k->out->leaves += n;
	if (!detail_value(detail, "leaves", want_n, sizeof(want_n)) ||
	    !detail_value(detail, "root", want_root, sizeof(want_root)))
		found(k,
		    "record %" PRId64 ": a batch without leaves= and root=",
		    seq);
	else if (strtoll(want_n, NULL, 10) != n)
		found(k, "record %" PRId64 ": commits %s leaves, %d are held",
		    seq, want_n, n);
	else {
		store_chain_root((const uint8_t(*)[32])digest, (size_t)n, root);
		if (strcmp(root, want_root) != 0)
			found(k,
			    "record %" PRId64
			    ": its leaves do not hash to the root it commits",
			    seq);
	}
	free(digest);
	PQclear(res);
	return 0;
}

/* Every record of the site, in pages; the last seq and hash into head. */
static int
check_records(struct check *k, int64_t *head, char hash[CENTRAL_HASH_STRLEN])
{
	char after[24], prev[CENTRAL_HASH_STRLEN] = ZERO_HASH;
	char mine[STORE_HASH_STRLEN];
	int64_t expect = 1;
	PGresult *res;
	int n;

	*head = 0;
	str_copy(hash, ZERO_HASH, CENTRAL_HASH_STRLEN);
	do {
		const char *p[] = { k->site, after };

		snprintf(after, sizeof(after), "%" PRId64, expect - 1);
		if ((res = central_exec(k->c,
			 "SELECT seq, at, kind, subject, detail, prev_hash, "
			 "hash FROM vraudit.record WHERE site = $1 AND seq > "
			 "$2 ORDER BY seq LIMIT " PAGE,
			 2, p, PGRES_TUPLES_OK)) == NULL)
			return -1;
		n = PQntuples(res);
		for (int i = 0; i < n; i++) {
			struct store_chain_record r;

			r.seq = strtoll(PQgetvalue(res, i, 0), NULL, 10);
			r.at = PQgetvalue(res, i, 1);
			r.kind = PQgetvalue(res, i, 2);
			r.subject = strtoll(PQgetvalue(res, i, 3), NULL, 10);
			r.detail = PQgetvalue(res, i, 4);
			r.detail_len = (size_t)PQgetlength(res, i, 4);
			r.prev_hash = PQgetvalue(res, i, 5);
			r.hash = PQgetvalue(res, i, 6);
			k->out->records++;
			if (r.seq != expect)
				found(k,
				    "records %" PRId64 " to %" PRId64
				    " are missing",
				    expect, r.seq - 1);
			if (strcmp(r.prev_hash, prev) != 0)
				found(k,
				    "record %" PRId64 ": prev_hash is not the "
				    "hash of the record before it",
				    r.seq);
			if (store_chain_record_hash(&r, mine) != 0)
				found(k,
				    "record %" PRId64
				    ": hash mismatch (content changed)",
				    r.seq);
			if (strcmp(r.kind, "batch") == 0 &&
			    check_leaves(k, r.seq, r.detail) < 0) {
				PQclear(res);
				return -1;
			}
			str_copy(prev, r.hash, sizeof(prev));
			*head = r.seq;
			str_copy(hash, r.hash, CENTRAL_HASH_STRLEN);
			expect = r.seq + 1;
		}
		PQclear(res);
	} while (n == atoi(PAGE));
	return 0;
}

/* Rows of one query that name problems, each passed as a finding. */
static int
check_rows(struct check *k, const char *sql, const char *before,
    const char *after)
{
	const char *p[] = { k->site };
	PGresult *res = central_exec(k->c, sql, 1, p, PGRES_TUPLES_OK);

	if (res == NULL)
		return -1;
	for (int i = 0; i < PQntuples(res); i++)
		found(k, "%s%s%s", before, PQgetvalue(res, i, 0), after);
	PQclear(res);
	return 0;
}

static void
state_found(void *arg, const char *text)
{
	found(arg, "%s", text);
}

static int
check_site(struct check *k, int64_t held_seq, const char *held_hash)
{
	char hash[CENTRAL_HASH_STRLEN];
	const char *p[] = { k->site };
	PGresult *res;
	int64_t head, elements;

	if (check_records(k, &head, hash) < 0)
		return -1;
	if (head != held_seq || strcmp(hash, held_hash) != 0)
		found(k,
		    "the head held for the site is record %" PRId64
		    " (%.12s...), its last record is %" PRId64 " (%.12s...)",
		    held_seq, held_hash, head, hash);
	if (check_rows(k,
		"SELECT DISTINCT seq FROM vraudit.leaf l WHERE site = $1 AND "
		"NOT EXISTS (SELECT 1 FROM vraudit.record r WHERE r.site = "
		"l.site AND r.seq = l.seq) ORDER BY seq LIMIT 20",
		"leaves of record ", ", which is not held") < 0 ||
	    check_rows(k,
		"SELECT e.id FROM vraudit.element e WHERE e.site = $1 AND "
		"e.leaf_seq IS DISTINCT FROM (SELECT max(l.seq) FROM "
		"vraudit.leaf l WHERE l.site = e.site AND l.element = e.id) "
		"ORDER BY e.id LIMIT 20",
		"element ", ": its state is not that of its last leaf") < 0 ||
	    check_rows(k,
		"SELECT DISTINCT l.element FROM vraudit.leaf l WHERE l.site = "
		"$1 AND NOT EXISTS (SELECT 1 FROM vraudit.element e WHERE "
		"e.site = l.site AND e.id = l.element) ORDER BY 1 LIMIT 20",
		"element ", " has leaves but no state") < 0 ||
	    central_check_state(k->c, k->site, state_found, k, &elements) < 0)
		return -1;
	if ((res = central_exec(k->c,
		 "SELECT count(*), (SELECT at || ': ' || reason FROM "
		 "vraudit.refusal WHERE site = $1 ORDER BY id DESC LIMIT 1) "
		 "FROM vraudit.refusal WHERE site = $1",
		 1, p, PGRES_TUPLES_OK)) == NULL)
		return -1;
	if (strcmp(PQgetvalue(res, 0, 0), "0") != 0) {
		char text[1400];

		k->out->refusals += strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		snprintf(text, sizeof(text),
		    "%s push(es) refused, the last at %s",
		    PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
		k->note(k->arg, k->site, text);
	}
	PQclear(res);
	return 0;
}

int
central_verify(struct central *c, central_finding_fn finding,
    central_finding_fn note, void *arg, struct central_verify_report *out)
{
	struct check k = { c, NULL, finding, note, arg, out };
	PGresult *sites;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (central_require_schema(c) < 0 ||
	    central_command(c,
		"BEGIN ISOLATION LEVEL REPEATABLE READ "
		"READ ONLY") < 0)
		return -1;
	if ((sites = central_exec(c,
		 "SELECT name, head_seq, head_hash FROM vraudit.site ORDER BY "
		 "name",
		 0, NULL, PGRES_TUPLES_OK)) == NULL) {
		PQclear(PQexec(c->pg, "ROLLBACK"));
		return -1;
	}
	for (int i = 0; i < PQntuples(sites) && rc == 0; i++) {
		k.site = PQgetvalue(sites, i, 0);
		out->sites++;
		rc = check_site(&k, strtoll(PQgetvalue(sites, i, 1), NULL, 10),
		    PQgetvalue(sites, i, 2));
	}
	PQclear(sites);
	PQclear(PQexec(c->pg, "ROLLBACK"));
	return rc;
}
