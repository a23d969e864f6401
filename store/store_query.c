/*
 * Reading the public views for the listings: rows to a callback, or the
 * whole inventory as JSON built by SQLite itself.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/net.h"
#include "common/text.h"
#include "store/store.h"
#include "store/store_private.h"
#include "common/util.h"

/* Retired elements only when asked for (?4). */
static const char inventory_where[] =
    " WHERE (?1 IS NULL OR risk = ?1) AND (?2 IS NULL OR vendor = ?2)"
    " AND (?3 IS NULL OR zone = ?3) AND (?4 IS NOT NULL OR retired_at IS NULL)";

static void
bind_filter(sqlite3_stmt *stmt, const struct store_filter *f)
{
	if (f == NULL)
		return;
	store_bind_value(stmt, 1, f->risk);
	store_bind_value(stmt, 2, f->vendor);
	store_bind_value(stmt, 3, f->zone);
	if (f->retired)
		sqlite3_bind_int(stmt, 4, 1);
}

/* An integer in decimal, as SQLite writes it, into num (24 bytes): the
 * bytes written. Cheaper than SQLite's conversion, which allocates. */
static size_t
format_int(sqlite3_int64 v, char *num)
{
	char tmp[24];
	size_t n = 0, len = 0;
	/* the magnitude as unsigned: -INT64_MIN does not fit */
	sqlite3_uint64 u = v < 0 ? -(sqlite3_uint64)v : (sqlite3_uint64)v;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		num[len++] = '-';
	while (n > 0)
		num[len++] = tmp[--n];
	num[len] = '\0';
	return len;
}

/* Cell i of the current row (its name already in c); an integer is
 * written in num. */
static void
fill_cell(sqlite3_stmt *stmt, int i, struct store_cell *c, char *num)
{
	switch (sqlite3_column_type(stmt, i)) {
	case SQLITE_NULL:
		c->type = STORE_CELL_NULL;
		break;
	case SQLITE_INTEGER:
		c->type = STORE_CELL_INTEGER;
		break;
	case SQLITE_FLOAT:
		c->type = STORE_CELL_REAL;
		break;
	case SQLITE_BLOB:
		c->type = STORE_CELL_BLOB;
		break;
	default:
		c->type = STORE_CELL_TEXT;
		break;
	}
	if (c->type == STORE_CELL_INTEGER) {
		c->len = format_int(sqlite3_column_int64(stmt, i), num);
		c->bytes = (const unsigned char *)num;
		return;
	}
	if (c->type == STORE_CELL_BLOB)
		c->bytes = sqlite3_column_blob(stmt, i);
	else
		c->bytes = sqlite3_column_text(stmt, i);
	if (c->bytes == NULL)
		c->bytes = (const unsigned char *)"";
	c->len = (size_t)sqlite3_column_bytes(stmt, i);
}

int
store_each_row(struct store *st, sqlite3_stmt *stmt, bool keep, store_row_fn fn,
    void *arg)
{
	int ncol = sqlite3_column_count(stmt), rc, ret = 0;
	struct store_cell *cells = xcalloc((size_t)ncol, sizeof(*cells));
	char(*num)[24] = xcalloc((size_t)ncol, sizeof(*num));
	bool named = false;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		/* the names stay until the statement is finalized or prepared
		 * again, which a step does only before the first row */
		if (!named) {
			for (int i = 0; i < ncol; i++)
				cells[i].name = sqlite3_column_name(stmt, i);
			named = true;
		}
		for (int i = 0; i < ncol; i++)
			fill_cell(stmt, i, &cells[i], num[i]);
		if ((ret = fn(arg, cells, (size_t)ncol)) != 0)
			break;
	}
	free(cells);
	free(num);
	if (ret == 0 && rc != SQLITE_DONE) {
		store_set_db_error(st, "query");
		ret = -1;
	}
	if (keep)
		store_reset(stmt);
	else
		sqlite3_finalize(stmt);
	return ret;
}

int
store_read_begin(struct store *st)
{
	/* a transaction already open (a writer's batch) is one snapshot */
	if (!sqlite3_get_autocommit(st->db))
		return 0;
	/* BEGIN takes no snapshot until its first read: read one now */
	if (sqlite3_exec(st->db, "BEGIN; SELECT 1 FROM sqlite_schema LIMIT 1",
		NULL, NULL, NULL) != SQLITE_OK) {
		store_set_db_error(st, "begin");
		if (!sqlite3_get_autocommit(st->db))
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	st->in_read = true;
	return 0;
}

void
store_read_end(struct store *st)
{
	if (st->in_read && !sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	st->in_read = false;
}

/* PRAGMA data_version: it changes when another connection's commit is
 * seen, at the start of a read. -1 when it cannot be read. */
static int64_t
data_version(struct store *st)
{
	sqlite3_stmt *stmt;
	int64_t v = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA data_version", -1, &stmt,
		NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

/* Times a twin is tried before st reads alone. */
#define TWIN_TRIES 3

/*
 * The library has no call to hand a snapshot to another connection, so
 * the twin proves it reads st's: it reads the data version, then st
 * begins, then the twin begins and reads it again. The same version
 * means no commit was seen between its two reads, and st began between
 * them: the two read the same state.
 */
int
store_read_begin_twin(struct store *st, struct store **twin)
{
	struct store *t;
	char err[256];

	*twin = NULL;
	/* a transaction of st's own holds what no other connection sees */
	if (!sqlite3_get_autocommit(st->db) ||
	    (t = store_open(st->path, STORE_READ_ONLY, err, sizeof(err))) ==
		NULL)
		return store_read_begin(st);
	for (int i = 0; i < TWIN_TRIES; i++) {
		int64_t before = data_version(t);

		if (store_read_begin(st) != 0) {
			store_close(t);
			return -1;
		}
		if (before == -1 || store_read_begin(t) != 0)
			break;
		if (data_version(t) == before) {
			*twin = t;
			return 0;
		}
		store_read_end(t);
		store_read_end(st);
	}
	store_close(t);
	return st->in_read ? 0 : store_read_begin(st);
}

sqlite3_stmt *
store_prepare(struct store *st, const char *sql)
{
	sqlite3_stmt *stmt;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		store_set_db_error(st, "query");
		return NULL;
	}
	return stmt;
}

int
store_inventory(struct store *st, const struct store_filter *f, store_row_fn fn,
    void *arg)
{
	sqlite3_stmt *stmt;
	char *sql;

	sql = xprintf("SELECT * FROM inventory%s ORDER BY element_id",
	    inventory_where);
	stmt = store_prepare(st, sql);
	free(sql);
	if (stmt == NULL)
		return -1;
	bind_filter(stmt, f);
	return store_each_row(st, stmt, false, fn, arg);
}

char *
store_inventory_columns(struct store *st, const char *sep)
{
	sqlite3_stmt *stmt = store_prepare(st, "SELECT * FROM inventory");
	struct strbuf b = STRBUF_INIT;

	if (stmt == NULL)
		return NULL;
	for (int i = 0; i < sqlite3_column_count(stmt); i++) {
		if (i > 0)
			strbuf_adds(&b, sep);
		strbuf_adds(&b, sqlite3_column_name(stmt, i));
	}
	sqlite3_finalize(stmt);
	return strbuf_steal(&b);
}

int
store_evidence(struct store *st, int64_t element_id, store_row_fn fn, void *arg)
{
	/* Called once per element of a listing: prepared once. */
	if (st->evidence_stmt == NULL &&
	    (st->evidence_stmt = store_prepare(st,
		 "SELECT * FROM evidence WHERE element_id = ?1 "
		 "ORDER BY kind, value")) == NULL)
		return -1;
	sqlite3_bind_int64(st->evidence_stmt, 1, element_id);
	return store_each_row(st, st->evidence_stmt, true, fn, arg);
}

int
store_report_element(struct store *st, int64_t element_id, store_row_fn fn,
    void *arg)
{
	sqlite3_stmt *stmt;

	if ((stmt = store_prepare(st,
		 "SELECT e.sys_name, a.kind, a.value FROM element e "
		 "LEFT JOIN element_address a ON a.element_id = e.id "
		 "WHERE e.id = ?1 ORDER BY CASE a.kind WHEN 'ipv4' THEN 0 "
		 "WHEN 'ipv6' THEN 1 ELSE 2 END, a.value")) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, element_id);
	return store_each_row(st, stmt, false, fn, arg);
}

/* The arguments of json_object() for one row of the inventory: each of
 * the view's columns under its own name, so that the JSON listing has
 * the fields the view (and the CSV listing) has, in the same order.
 * vraudit_text() leaves every value as it is but a BLOB, which JSON
 * cannot hold. NULL on error. */
static char *
inventory_json_fields(struct store *st)
{
	sqlite3_stmt *stmt = store_prepare(st, "SELECT * FROM inventory");
	struct strbuf b = STRBUF_INIT;

	if (stmt == NULL)
		return NULL;
	for (int i = 0; i < sqlite3_column_count(stmt); i++) {
		/* names of our own view: no quote in them */
		const char *name = sqlite3_column_name(stmt, i);

		strbuf_printf(&b, "%s'%s', vraudit_text(\"%s\")",
		    i == 0 ? "" : ", ", name, name);
	}
	sqlite3_finalize(stmt);
	return strbuf_steal(&b);
}

char *
store_inventory_json(struct store *st, const struct store_filter *f,
    bool with_evidence)
{
	static const char evidence[] =
	    ", 'evidence', json((SELECT json_group_array(json(o)) FROM "
	    "(SELECT json_object('kind', kind, 'value', vraudit_text(value), "
	    "'vendor', vendor, 'strength', strength, 'rule', rule, "
	    "'observed_at', observed_at, 'scan_id', scan_id) AS o "
	    "FROM evidence v WHERE v.element_id = i.element_id "
	    "ORDER BY kind, value)))";
	sqlite3_stmt *stmt;
	char *sql, *fields, *out = NULL;
	int rc;

	if ((fields = inventory_json_fields(st)) == NULL)
		return NULL;
	sql = xprintf("SELECT json_group_array(json(j)) FROM (SELECT "
		      "json_object(%s%s) AS j FROM inventory i%s "
		      "ORDER BY element_id)",
	    fields, with_evidence ? evidence : "", inventory_where);
	free(fields);
	stmt = store_prepare(st, sql);
	free(sql);
	if (stmt == NULL)
		return NULL;
	bind_filter(stmt, f);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		const unsigned char *text = sqlite3_column_text(stmt, 0);
		out = xstrdup(text != NULL ? (const char *)text : "[]");
	} else
		store_set_db_error(st, "inventory as JSON");
	sqlite3_finalize(stmt);
	return out;
}

int
store_scan_counts(struct store *st, int64_t scan_id,
    struct store_scan_counts *out)
{
	sqlite3_stmt *stmt = store_prepare(st,
	    "SELECT count(*) FILTER (WHERE first_scan = ?1), "
	    "count(*) FILTER (WHERE first_scan IS NOT ?1), "
	    "count(*) FILTER (WHERE risk = 'high') "
	    "FROM element WHERE last_scan = ?1 AND merged_into IS NULL");
	int rc;

	memset(out, 0, sizeof(*out));
	if (stmt == NULL)
		return -1;
	/* This connection's own scans: from what its writes did. */
	if ((rc = store_tally_counts(st, scan_id, out)) != 0) {
		sqlite3_finalize(stmt);
		return rc == 1 ? 0 : -1;
	}
	sqlite3_bind_int64(stmt, 1, scan_id);
	rc = store_step(st, stmt);
	if (rc == 1) {
		out->created = sqlite3_column_int64(stmt, 0);
		out->updated = sqlite3_column_int64(stmt, 1);
		out->high_risk = sqlite3_column_int64(stmt, 2);
	}
	sqlite3_finalize(stmt);
	return rc == 1 ? 0 : -1;
}

/* One row of the MAC states query into m; false for rows the store did
 * not write itself (skipped). Columns: value, last_seen, the three
 * content digests; the IPv4 address at column ip_col (none when < 0). */
static bool
mac_state_row(sqlite3_stmt *stmt, int ip_col, struct store_mac_state *m)
{
	const char *mac = (const char *)sqlite3_column_text(stmt, 0);
	const char *last = (const char *)sqlite3_column_text(stmt, 1);
	const char *ip = ip_col >= 0
	    ? (const char *)sqlite3_column_text(stmt, ip_col)
	    : NULL;
	unsigned char a[4];

	memset(m, 0, sizeof(*m));
	if (mac == NULL || last == NULL || mac_parse(mac, m->mac) == -1 ||
	    time_parse(last, &m->last_seen) == -1)
		return false;
	if (ip != NULL && inet_pton(AF_INET, ip, a) == 1) {
		memcpy(&m->ipv4[0], a, 4);
		m->n_ipv4 = 1;
	}
	for (int p = 0; p < 3; p++)
		m->content[p] =
		    sqlite3_column_type(stmt, 2 + p) == SQLITE_INTEGER
		    ? (uint32_t)sqlite3_column_int64(stmt, 2 + p)
		    : STORE_NO_DIGEST;
	return true;
}

int
store_mac_states(struct store *st, size_t max,
    void (*reserve)(void *ctx, size_t n),
    bool (*fn)(void *ctx, const struct store_mac_state *m), void *ctx)
{
	/*
	 * All of them: one pass in key order, where an element's IPv4 rows
	 * come before its MAC rows. More than max: the most recently seen
	 * first, each with its element's latest IPv4 address.
	 */
	static const char all[] =
	    "SELECT value, last_seen, content_lldp, content_cdp, content_dhcp, "
	    "element_id, kind FROM element_address ORDER BY element_id, kind";
	static const char recent[] =
	    "SELECT a.value, a.last_seen, a.content_lldp, a.content_cdp, "
	    "a.content_dhcp, (SELECT i.value FROM element_address i "
	    "WHERE i.element_id = a.element_id AND i.kind = 'ipv4' "
	    "ORDER BY i.last_seen DESC LIMIT 1) "
	    "FROM element_address a WHERE a.kind = 'mac' "
	    "ORDER BY a.last_seen DESC LIMIT ?1";
	sqlite3_stmt *count = NULL, *stmt = NULL;
	bool stop = false;
	int64_t n = 0, element = -1;
	/* The element's latest IPv4 addresses, the latest first. */
	struct {
		uint32_t ip;
		char seen[TIME_STRLEN];
	} latest[STORE_MAC_IPV4];
	size_t n_latest = 0;
	int rc;

	if (sqlite3_prepare_v2(st->db,
		"SELECT count(*) FROM element_address "
		"WHERE kind = 'mac'",
		-1, &count, NULL) != SQLITE_OK ||
	    sqlite3_step(count) != SQLITE_ROW) {
		store_set_db_error(st, "count MACs");
		sqlite3_finalize(count);
		return -1;
	}
	n = sqlite3_column_int64(count, 0);
	sqlite3_finalize(count);
	if (max == 0 || n == 0)
		return 0;
	if (reserve != NULL)
		reserve(ctx, (uint64_t)n > max ? max : (size_t)n);
	if ((uint64_t)n > max) {
		if (sqlite3_prepare_v2(st->db, recent, -1, &stmt, NULL) !=
		    SQLITE_OK) {
			store_set_db_error(st, "MAC states");
			return -1;
		}
		sqlite3_bind_int64(stmt, 1,
		    max > INT64_MAX ? INT64_MAX : (int64_t)max);
		while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
			struct store_mac_state m;

			if (mac_state_row(stmt, 5, &m))
				stop = !fn(ctx, &m);
		}
	} else {
		if (sqlite3_prepare_v2(st->db, all, -1, &stmt, NULL) !=
		    SQLITE_OK) {
			store_set_db_error(st, "MAC states");
			return -1;
		}
		while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
			const char *kind =
			    (const char *)sqlite3_column_text(stmt, 6);
			const char *value =
			    (const char *)sqlite3_column_text(stmt, 0);
			const char *seen =
			    (const char *)sqlite3_column_text(stmt, 1);
			struct store_mac_state m;
			unsigned char a[4];

			if (sqlite3_column_int64(stmt, 5) != element) {
				element = sqlite3_column_int64(stmt, 5);
				n_latest = 0;
			}
			if (kind == NULL || value == NULL || seen == NULL)
				continue;
			if (strcmp(kind, "ipv4") == 0) {
				size_t k = n_latest;

				if (inet_pton(AF_INET, value, a) != 1)
					continue;
				/* Insertion into the few latest, newest first. */
				while (k > 0 &&
				    strcmp(seen, latest[k - 1].seen) > 0)
					k--;
				if (k == STORE_MAC_IPV4)
					continue;
				if (n_latest < STORE_MAC_IPV4)
					n_latest++;
				memmove(&latest[k + 1], &latest[k],
				    (n_latest - 1 - k) * sizeof(latest[0]));
				memcpy(&latest[k].ip, a, 4);
				str_copy(latest[k].seen, seen, TIME_STRLEN);
				continue;
			}
			if (strcmp(kind, "mac") != 0 ||
			    !mac_state_row(stmt, -1, &m))
				continue; /* an IPv6 address */
			for (size_t k = 0; k < n_latest; k++)
				m.ipv4[m.n_ipv4++] = latest[k].ip;
			stop = !fn(ctx, &m);
		}
	}
	if (!stop && rc != SQLITE_DONE) {
		store_set_db_error(st, "MAC states");
		sqlite3_finalize(stmt);
		return -1;
	}
	sqlite3_finalize(stmt);
	return 0;
}
