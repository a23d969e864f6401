/*
 * Leaves of the audit chain: each element's state, as the report and the
 * policy views read it, rendered as canonical text; the elements a batch
 * changed, gathered while it runs; and, before the batch commits, one
 * leaf per element whose state changed and one 'batch' record in the
 * chain committing their Merkle root (vraudit-schema(7), "Audit chain").
 *
 * The same rendering serves the writer and `vraudit verify`, which reads
 * the tables back and compares.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/sha256.h"
#include "common/text.h"
#include "common/util.h"
#include "store/store.h"
#include "store/store_private.h"

/* The element's columns, then the inventory's mac and sources: in the
 * order of the leaf's lines. */
static const char element_sql[] =
    "SELECT e.id, e.mgmt_ip, e.chassis_mac, "
    "coalesce(e.chassis_mac, (SELECT min(a.value) FROM element_address a "
    "WHERE a.element_id = e.id AND a.kind = 'mac')), e.sys_name, "
    "e.sys_descr, e.sys_object_id, e.model, e.serial, e.software, e.zone, "
    "e.vendor, e.vendor_name, e.risk, e.confidence, e.conflict, "
    "e.first_seen, substr(e.last_seen, 1, 10), "
    "e.first_scan, e.merged_into, (SELECT group_concat(source, ',') FROM "
    "(SELECT source FROM element_source WHERE element_id = e.id ORDER BY "
    "source)), e.leaf_hash FROM element e WHERE e.id = ?1";
/* From schema version 5 on, the same and the element's retirement. */
static const char element_sql_lifecycle[] =
    "SELECT e.id, e.mgmt_ip, e.chassis_mac, "
    "coalesce(e.chassis_mac, (SELECT min(a.value) FROM element_address a "
    "WHERE a.element_id = e.id AND a.kind = 'mac')), e.sys_name, "
    "e.sys_descr, e.sys_object_id, e.model, e.serial, e.software, e.zone, "
    "e.vendor, e.vendor_name, e.risk, e.confidence, e.conflict, "
    "e.first_seen, substr(e.last_seen, 1, 10), "
    "e.first_scan, e.merged_into, (SELECT group_concat(source, ',') FROM "
    "(SELECT source FROM element_source WHERE element_id = e.id ORDER BY "
    "source)), e.leaf_hash, e.retired_at, e.retired_seen, e.retired_reason "
    "FROM element e WHERE e.id = ?1";
static const char *const element_keys[] = {
	"element",
	"mgmt_ip",
	"chassis_mac",
	"mac",
	"sys_name",
	"sys_descr",
	"sys_object_id",
	"model",
	"serial",
	"software",
	"zone",
	"vendor",
	"vendor_name",
	"risk",
	"confidence",
	"conflict",
	"first_seen",
	"last_seen",
	"first_scan",
	"merged_into",
	"sources",
};
#define N_KEYS (sizeof(element_keys) / sizeof(element_keys[0]))
#define COL_LEAF_HASH N_KEYS
#define COL_RETIRED (N_KEYS + 1)

/* The element's addresses, then what the report shows of each piece of
 * evidence: a line each, its first column the line's key, its second how
 * many columns follow. Times are days: a refresh within a day that
 * changes nothing else adds no leaf. */
static const char lines_sql[] =
    "SELECT 'address', 2, kind, value, NULL, NULL, NULL, NULL, NULL "
    "FROM element_address WHERE element_id = ?1 "
    "UNION ALL SELECT 'evidence', 7, kind, value, vendor, strength, rule, "
    "substr(last_observed, 1, 10), scan_id FROM element_evidence "
    "WHERE element_id = ?1";

/* The shortest decimal that reads back as d. */
static void
real_text(double d, char out[32])
{
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(out, 32, "%.*g", prec, d);
		if (strtod(out, NULL) == d)
			return;
	}
}

/* Column i as the leaf writes it: verbatim bytes escaped as TEXT_AUDIT,
 * a REAL as its shortest decimal, NULL as nothing. */
static void
column(struct strbuf *b, sqlite3_stmt *stmt, int i)
{
	char real[32];

	switch (sqlite3_column_type(stmt, i)) {
	case SQLITE_NULL:
		break;
	case SQLITE_FLOAT:
		real_text(sqlite3_column_double(stmt, i), real);
		strbuf_adds(b, real);
		break;
	default:
		text_escape(b, sqlite3_column_blob(stmt, i),
		    (size_t)sqlite3_column_bytes(stmt, i), TEXT_AUDIT);
		break;
	}
}

static int
line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
store_leaf_render(struct store *st, int64_t id, struct strbuf *out,
    char cached[STORE_HASH_STRLEN])
{
	sqlite3_stmt *e = NULL, *ev = NULL;
	char **lines = NULL;
	size_t n = 0, cap = 0;
	int rc;

	if (st->leaf.element == NULL &&
	    ((st->leaf.element = store_prepare(st,
		  st->version >= STORE_VERSION_LIFECYCLE ? element_sql_lifecycle
							 : element_sql)) ==
		    NULL ||
		(st->leaf.evidence = store_prepare(st, lines_sql)) == NULL))
		return -1;
	e = st->leaf.element;
	ev = st->leaf.evidence;
	strbuf_reset(out);
	if (cached != NULL)
		cached[0] = '\0';
	sqlite3_bind_int64(e, 1, id);
	if ((rc = store_step(st, e)) != 1)
		return rc == 0 ? 1 : -1;
	for (size_t k = 0; k < N_KEYS; k++) {
		strbuf_adds(out, element_keys[k]);
		strbuf_addc(out, '=');
		column(out, e, (int)k);
		strbuf_addc(out, '\n');
	}
	/* Only a retired element has the line: the leaves of the others
	 * read as before version 5. */
	if (st->version >= STORE_VERSION_LIFECYCLE &&
	    sqlite3_column_type(e, COL_RETIRED) != SQLITE_NULL) {
		strbuf_adds(out, "retired=");
		for (int c = 0; c < 3; c++) {
			if (c > 0)
				strbuf_addc(out, '\t');
			column(out, e, COL_RETIRED + c);
		}
		strbuf_addc(out, '\n');
	}
	if (cached != NULL &&
	    sqlite3_column_type(e, COL_LEAF_HASH) != SQLITE_NULL)
		str_copy(cached,
		    (const char *)sqlite3_column_text(e, COL_LEAF_HASH),
		    STORE_HASH_STRLEN);
	store_reset(e);

	/* Addresses and evidence, one line each, in the order of their
	 * text. */
	sqlite3_bind_int64(ev, 1, id);
	while ((rc = store_step(st, ev)) == 1) {
		struct strbuf l = STRBUF_INIT;
		int ncol = sqlite3_column_int(ev, 1);

		strbuf_adds(&l, (const char *)sqlite3_column_text(ev, 0));
		strbuf_addc(&l, '=');
		for (int c = 0; c < ncol && c < 7; c++) {
			if (c > 0)
				strbuf_addc(&l, '\t');
			column(&l, ev, c + 2);
		}
		strbuf_addc(&l, '\n');
		if (n == cap) {
			cap = cap == 0 ? 8 : 2 * cap;
			lines = xreallocarray(lines, cap, sizeof(*lines));
		}
		lines[n++] = strbuf_steal(&l);
	}
	if (rc == -1) {
		for (size_t i = 0; i < n; i++)
			free(lines[i]);
		free(lines);
		return -1;
	}
	if (n > 1) /* lines is NULL when there are none */
		qsort(lines, n, sizeof(*lines), line_cmp);
	for (size_t i = 0; i < n; i++) {
		strbuf_adds(out, lines[i]);
		free(lines[i]);
	}
	free(lines);
	return 0;
}

void
store_leaf_hash(const char *detail, size_t len, uint8_t out[SHA256_LEN])
{
	struct sha256 ctx;
	const uint8_t zero = 0x00;

	sha256_init(&ctx);
	sha256_update(&ctx, &zero, 1);
	sha256_update(&ctx, detail, len);
	sha256_final(&ctx, out);
}

/* The Merkle root of n leaf hashes (RFC 6962, section 2.1): a leaf is its
 * hash; a node is SHA-256 of 0x01, its left and its right child; the left
 * subtree holds the largest power of two below n leaves. */
static void
merkle(const uint8_t (*leaf)[SHA256_LEN], size_t n, uint8_t out[SHA256_LEN])
{
	uint8_t left[SHA256_LEN], right[SHA256_LEN];
	const uint8_t one = 0x01;
	struct sha256 ctx;
	size_t k = 1;

	if (n == 1) {
		memcpy(out, leaf[0], SHA256_LEN);
		return;
	}
	while (k * 2 < n)
		k *= 2;
	merkle(leaf, k, left);
	merkle(leaf + k, n - k, right);
	sha256_init(&ctx);
	sha256_update(&ctx, &one, 1);
	sha256_update(&ctx, left, SHA256_LEN);
	sha256_update(&ctx, right, SHA256_LEN);
	sha256_final(&ctx, out);
}

void
store_leaf_root(const uint8_t (*leaf)[SHA256_LEN], size_t n,
    char out[STORE_HASH_STRLEN])
{
	uint8_t root[SHA256_LEN];

	if (n == 0) {
		sha256_buffer_hex("", 0, out);
		return;
	}
	merkle(leaf, n, root);
	sha256_hex(root, out);
}

void
store_leaf_touch(struct store *st, int64_t id)
{
	struct store_leaf_state *l = &st->leaf;

	if (id <= 0)
		return;
	/* A group touches its element many times in a row. */
	if (l->n > 0 && l->touched[l->n - 1] == id)
		return;
	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 1024 : 2 * l->cap;
		l->touched =
		    xreallocarray(l->touched, l->cap, sizeof(*l->touched));
	}
	l->touched[l->n++] = id;
}

void
store_leaf_forget(struct store *st)
{
	st->leaf.n = 0;
}

static int
id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* One leaf waiting for its record. */
struct pending {
	int64_t element;
	char *detail; /* owned */
	size_t len;
	uint8_t hash[SHA256_LEN];
};

/* Insert the leaves under seq and set each element's leaf_hash. */
static int
insert_leaves(struct store *st, int64_t seq, const struct pending *p, size_t n)
{
	sqlite3_stmt *ins = st->leaf.insert, *upd = st->leaf.update;
	char hex[STORE_HASH_STRLEN];

	for (size_t i = 0; i < n; i++) {
		sha256_hex(p[i].hash, hex);
		sqlite3_bind_int64(ins, 1, seq);
		sqlite3_bind_int64(ins, 2, (int64_t)i);
		sqlite3_bind_int64(ins, 3, p[i].element);
		sqlite3_bind_text64(ins, 4, p[i].detail, p[i].len,
		    SQLITE_STATIC, SQLITE_UTF8);
		sqlite3_bind_text(ins, 5, hex, -1, SQLITE_TRANSIENT);
		if (store_step(st, ins) != 0)
			return -1;
		sqlite3_bind_text(upd, 1, hex, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(upd, 2, p[i].element);
		if (store_step(st, upd) != 0)
			return -1;
	}
	return 0;
}

int
store_leaf_commit(struct store *st)
{
	struct store_leaf_state *l = &st->leaf;
	struct strbuf detail = STRBUF_INIT, rec = STRBUF_INIT;
	struct pending *p = NULL;
	uint8_t(*hashes)[SHA256_LEN] = NULL;
	char cached[STORE_HASH_STRLEN], hex[STORE_HASH_STRLEN];
	char root[STORE_HASH_STRLEN];
	size_t n = 0;
	int64_t seq;
	int rc = -1;

	if (l->n == 0 || st->version < STORE_VERSION_LEAVES) {
		store_leaf_forget(st);
		return 0;
	}
	if (l->insert == NULL &&
	    ((l->insert = store_prepare(st,
		  "INSERT INTO audit_leaf (seq, idx, element, detail, hash) "
		  "VALUES (?1, ?2, ?3, ?4, ?5)")) == NULL ||
		(l->update = store_prepare(st,
		     "UPDATE element SET leaf_hash = ?1 WHERE id = ?2")) ==
		    NULL))
		return -1;
	if (l->n > 1)
		qsort(l->touched, l->n, sizeof(*l->touched), id_cmp);
	p = xcalloc(l->n, sizeof(*p));
	for (size_t i = 0; i < l->n; i++) {
		int r;

		if (i > 0 && l->touched[i] == l->touched[i - 1])
			continue;
		if ((r = store_leaf_render(st, l->touched[i], &detail,
			 cached)) == -1)
			goto out;
		if (r == 1)
			continue; /* undone by a rolled-back group */
		p[n].element = l->touched[i];
		p[n].len = detail.len;
		store_leaf_hash(detail.s, detail.len, p[n].hash);
		sha256_hex(p[n].hash, hex);
		if (strcmp(hex, cached) == 0)
			continue; /* as the chain already has it */
		p[n].detail = strbuf_steal(&detail);
		n++;
	}
	if (n == 0) {
		rc = 0;
		goto out;
	}
	hashes = xcalloc(n, sizeof(*hashes));
	for (size_t i = 0; i < n; i++)
		memcpy(hashes[i], p[i].hash, SHA256_LEN);
	store_leaf_root((const uint8_t(*)[SHA256_LEN])hashes, n, root);
	strbuf_printf(&rec, "leaves=%zu\nroot=%s\n", n, root);
	if (store_audit_append(st, "batch", (int64_t)n, rec.s, rec.len, &seq) ==
		-1 ||
	    insert_leaves(st, seq, p, n) == -1)
		goto out;
	rc = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(p[i].detail);
	free(p);
	free(hashes);
	strbuf_finish(&detail);
	strbuf_finish(&rec);
	store_leaf_forget(st);
	return rc;
}

int
store_leaf_genesis(struct store *st)
{
	sqlite3_stmt *stmt = store_prepare(st,
	    "SELECT id FROM element WHERE leaf_hash IS NULL ORDER BY id");
	int rc;

	if (stmt == NULL)
		return -1;
	while ((rc = store_step(st, stmt)) == 1)
		store_leaf_touch(st, sqlite3_column_int64(stmt, 0));
	sqlite3_finalize(stmt);
	return rc;
}

void
store_leaf_finish(struct store *st)
{
	sqlite3_finalize(st->leaf.element);
	sqlite3_finalize(st->leaf.evidence);
	sqlite3_finalize(st->leaf.insert);
	sqlite3_finalize(st->leaf.update);
	free(st->leaf.touched);
	memset(&st->leaf, 0, sizeof(st->leaf));
}
