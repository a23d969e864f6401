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
#include <math.h>
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

/* Bytes as the leaf writes them, escaped as TEXT_AUDIT. */
static void
put_bytes(struct strbuf *b, const void *p, size_t n)
{
	text_escape(b, p, n, TEXT_AUDIT);
}

/* A string bound as store_bind_text binds it: NULL and "" are nothing. */
static void
put_str(struct strbuf *b, const char *s)
{
	if (s != NULL)
		put_bytes(b, s, strlen(s));
}

/* The value stored for a wire text (store_bind_value). */
static void
put_wire(struct strbuf *b, const char *w)
{
	uint8_t *bytes;
	size_t n;

	if (w == NULL)
		return;
	if (text_wire_is_utf8(w)) {
		put_str(b, w);
		return;
	}
	n = text_wire_decode(w, NULL);
	bytes = xmalloc(n + 1);
	text_wire_decode(w, bytes);
	put_bytes(b, bytes, n);
	free(bytes);
}

/* A REAL as its shortest decimal, as SQLite gives it back: it keeps no
 * NaN (NULL) and no negative zero. */
static void
put_real(struct strbuf *b, double d)
{
	char real[32];

	if (isnan(d))
		return;
	real_text(d == 0 ? 0.0 : d, real);
	strbuf_adds(b, real);
}

static void
put_int(struct strbuf *b, int64_t v)
{
	strbuf_printf(b, "%" PRId64, v);
}

/* Column i as the leaf writes it: verbatim bytes escaped as TEXT_AUDIT,
 * a REAL as its shortest decimal, NULL as nothing. */
static void
column(struct strbuf *b, sqlite3_stmt *stmt, int i)
{
	switch (sqlite3_column_type(stmt, i)) {
	case SQLITE_NULL:
		break;
	case SQLITE_FLOAT:
		put_real(b, sqlite3_column_double(stmt, i));
		break;
	default:
		put_bytes(b, sqlite3_column_blob(stmt, i),
		    (size_t)sqlite3_column_bytes(stmt, i));
		break;
	}
}

static int
line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines after the element's own: addresses and evidence, written in
 * the order of their text. */
struct lines {
	char **v; /* owned, each owned */
	size_t n, cap;
};

static void
lines_add(struct lines *l, struct strbuf *line)
{
	strbuf_addc(line, '\n');
	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 8 : 2 * l->cap;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n++] = strbuf_steal(line);
}

/* Append them sorted to out (when out is not NULL) and free them. */
static void
lines_flush(struct lines *l, struct strbuf *out)
{
	if (out != NULL && l->n > 1) /* v is NULL when there are none */
		qsort(l->v, l->n, sizeof(*l->v), line_cmp);
	for (size_t i = 0; i < l->n; i++) {
		if (out != NULL)
			strbuf_adds(out, l->v[i]);
		free(l->v[i]);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void
put_key(struct strbuf *b, size_t k)
{
	strbuf_adds(b, element_keys[k]);
	strbuf_addc(b, '=');
}

int
store_leaf_render(struct store *st, int64_t id, struct strbuf *out,
    char cached[STORE_HASH_STRLEN])
{
	sqlite3_stmt *e = NULL, *ev = NULL;
	struct lines lines = { 0 };
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
		put_key(out, k);
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
		lines_add(&lines, &l);
	}
	lines_flush(&lines, rc == -1 ? NULL : out);
	return rc == -1 ? -1 : 0;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* What store_leaf_render would read back of the element e describes. */
static void
render_new(const struct store_leaf_new *e, struct strbuf *out)
{
	const char *mac = e->field[1];
	char day[TIME_STRLEN];
	struct lines lines = { 0 };
	struct strbuf l = STRBUF_INIT;

	/* coalesce(chassis_mac, the least MAC address) */
	for (size_t i = 0; e->field[1] == NULL && i < e->n_addrs; i++)
		if (strcmp(e->addrs[i].kind, "mac") == 0 &&
		    (mac == NULL || strcmp(e->addrs[i].value, mac) < 0))
			mac = e->addrs[i].value;
	if (e->n_sources > 1)
		qsort(e->sources, e->n_sources, sizeof(*e->sources), str_cmp);
	strbuf_reset(out);
	for (size_t k = 0; k < N_KEYS; k++) {
		put_key(out, k);
		switch (k) {
		case 0:
			put_int(out, e->id);
			break;
		case 3:
			put_wire(out, mac);
			break;
		case 11:
			put_str(out, e->vendor);
			break;
		case 12:
			put_str(out, e->vendor_name);
			break;
		case 13:
			put_str(out, e->risk);
			break;
		case 14:
			put_real(out, e->confidence);
			break;
		case 15:
			put_int(out, e->conflict ? 1 : 0);
			break;
		case 16:
			put_str(out, e->first_seen);
			break;
		case 17: /* substr(last_seen, 1, 10) */
			put_bytes(out, e->last_seen, strnlen(e->last_seen, 10));
			break;
		case 18:
			if (e->scan_id > 0)
				put_int(out, e->scan_id);
			break;
		case 19: /* merged_into: none */
			break;
		case 20:
			for (size_t i = 0; i < e->n_sources; i++) {
				if (i > 0)
					strbuf_addc(out, ',');
				put_str(out, e->sources[i]);
			}
			break;
		default: /* mgmt_ip (1), chassis_mac (2), sys_name (4) ..
			  * zone (10): the fields before them */
			put_wire(out, e->field[k - 1]);
			break;
		}
		strbuf_addc(out, '\n');
	}
	for (size_t i = 0; i < e->n_addrs; i++) {
		strbuf_adds(&l, "address=");
		put_str(&l, e->addrs[i].kind);
		strbuf_addc(&l, '\t');
		put_wire(&l, e->addrs[i].value);
		lines_add(&lines, &l);
	}
	for (size_t i = 0; i < e->n_ev; i++) {
		const struct store_leaf_ev *v = &e->ev[i];

		strbuf_adds(&l, "evidence=");
		put_str(&l, v->kind);
		strbuf_addc(&l, '\t');
		put_wire(&l, v->value);
		strbuf_addc(&l, '\t');
		put_str(&l, v->vendor);
		strbuf_addc(&l, '\t');
		put_real(&l, v->strength);
		strbuf_addc(&l, '\t');
		put_str(&l, v->rule);
		strbuf_addc(&l, '\t');
		time_format(v->last, day);
		put_bytes(&l, day, strnlen(day, 10));
		strbuf_addc(&l, '\t');
		if (e->scan_id > 0)
			put_int(&l, e->scan_id);
		lines_add(&lines, &l);
	}
	lines_flush(&lines, out);
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

static struct store_leaf_entry *
entry_add(struct store_leaf_state *l, int64_t id, char *detail, size_t len)
{
	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 1024 : 2 * l->cap;
		l->touched =
		    xreallocarray(l->touched, l->cap, sizeof(*l->touched));
	}
	l->touched[l->n] = (struct store_leaf_entry){ id, detail, len, { 0 } };
	return &l->touched[l->n++];
}

void
store_leaf_touch(struct store *st, int64_t id)
{
	struct store_leaf_state *l = &st->leaf;

	if (id <= 0)
		return;
	/* A group touches its element many times in a row; a touch after
	 * the creation's own is kept: the rendering is stale. */
	if (l->n > 0 && l->touched[l->n - 1].id == id &&
	    l->touched[l->n - 1].detail == NULL)
		return;
	entry_add(l, id, NULL, 0);
}

int64_t
store_leaf_next_id(struct store *st)
{
	sqlite3_stmt *stmt;

	if (st->leaf.next_id == 0) {
		if ((stmt = store_prepare(st,
			 "SELECT coalesce(max(id), 0) + 1 FROM element")) ==
		    NULL)
			return -1;
		if (store_step(st, stmt) == 1)
			st->leaf.next_id = sqlite3_column_int64(stmt, 0);
		sqlite3_finalize(stmt);
		if (st->leaf.next_id <= 0)
			return -1;
	}
	return st->leaf.next_id++;
}

void
store_leaf_created(struct store *st, const struct store_leaf_new *e,
    char hex[STORE_HASH_STRLEN])
{
	struct store_leaf_entry *t;
	struct strbuf b = STRBUF_INIT;
	size_t len;

	hex[0] = '\0';
	if (e->id <= 0 || st->version < STORE_VERSION_LEAVES)
		return;
	render_new(e, &b);
	len = b.len;
	t = entry_add(&st->leaf, e->id, strbuf_steal(&b), len);
	store_leaf_hash(t->detail, t->len, t->hash);
	sha256_hex(t->hash, hex);
}

size_t
store_leaf_mark(const struct store *st)
{
	return st->leaf.n;
}

void
store_leaf_undo(struct store *st, size_t mark)
{
	struct store_leaf_state *l = &st->leaf;

	while (l->n > mark)
		free(l->touched[--l->n].detail);
	/* An element created since may be gone: read the next id again. */
	l->next_id = 0;
}

void
store_leaf_forget(struct store *st)
{
	store_leaf_undo(st, 0);
}

static int
entry_cmp(const void *a, const void *b)
{
	int64_t x = ((const struct store_leaf_entry *)a)->id;
	int64_t y = ((const struct store_leaf_entry *)b)->id;

	return x < y ? -1 : x > y;
}

/* One leaf waiting for its record. */
struct pending {
	int64_t element;
	char *detail; /* owned */
	size_t len;
	uint8_t hash[SHA256_LEN];
	bool written; /* the element's row has this hash already */
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
		if (p[i].written)
			continue;
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
		qsort(l->touched, l->n, sizeof(*l->touched), entry_cmp);
	p = xcalloc(l->n, sizeof(*p));
	for (size_t i = 0, j; i < l->n; i = j) {
		struct store_leaf_entry *t = &l->touched[i];
		int r;

		for (j = i + 1; j < l->n && l->touched[j].id == t->id; j++)
			;
		if (j == i + 1 && t->detail != NULL) {
			/* Created by this batch and not changed since: its
			 * leaf and hash are the ones its row was written
			 * with. */
			p[n] = (struct pending){ t->id, t->detail, t->len,
				{ 0 }, true };
			memcpy(p[n].hash, t->hash, SHA256_LEN);
			t->detail = NULL;
			n++;
			continue;
		}
		if ((r = store_leaf_render(st, t->id, &detail, cached)) == -1)
			goto out;
		else if (r == 1)
			continue; /* undone by a rolled-back group */
		/* Created by this batch and changed since: the hash its row
		 * holds is of a leaf the chain does not have. */
		for (size_t k = i; k < j; k++)
			if (l->touched[k].detail != NULL)
				cached[0] = '\0';
		p[n].element = t->id;
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
	store_leaf_forget(st);
	free(st->leaf.touched);
	memset(&st->leaf, 0, sizeof(st->leaf));
}
