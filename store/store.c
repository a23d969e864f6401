/*
 * The SQLite store: the writer's statements, errors, bindings, batches and
 * scans (store_file.c opens and migrates the file).
 *
 * One writer connection per process, every statement prepared once and
 * reused, one transaction per batch. Readers open file:PATH?mode=ro and, in
 * WAL mode, see the last committed batch and never a half-written one.
 */
#include "store/store.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/text.h"
#include "schema/schema.h"
#include "store/store_private.h"
#include "common/util.h"

const char *const store_element_fields[STORE_N_FIELDS] = {
	"mgmt_ip",
	"chassis_mac",
	"chassis_id",
	"sys_name",
	"sys_descr",
	"sys_object_id",
	"model",
	"serial",
	"software",
	"zone",
};

/* Statements of the writer; S_ELEMENT_CREATE, S_ELEMENT_UPDATE and
 * S_MERGE_ELEMENT are built from store_element_fields at open time. */
static const char *const stmt_sql[S_COUNT] = {
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	[S_SAVEPOINT] = "SAVEPOINT sighting",
	[S_RELEASE] = "RELEASE sighting",
	[S_ROLLBACK_TO] = "ROLLBACK TO sighting",
	[S_SCAN_INSERT] =
	    "INSERT INTO scan (kind, started_at, status, targets, writer) "
	    "VALUES (?1, ?2, 'running', ?3, ?4)",
	/* Returns the row in the column order of store_audit_scan_detail. */
	[S_SCAN_END] =
	    "UPDATE scan SET status = ?2, finished_at = ?3, "
	    "responded = CASE WHEN ?4 >= 0 THEN ?4 ELSE responded END, "
	    "frames = CASE WHEN ?5 >= 0 THEN ?5 ELSE frames END, "
	    "detail = ?6 WHERE id = ?1 "
	    "RETURNING id, kind, status, started_at, finished_at, targets, "
	    "responded, frames, detail",
	[S_SCAN_RUNNING] =
	    "SELECT id, writer FROM scan WHERE status = 'running'",
	[S_FIND_MAC] =
	    "SELECT a.element_id FROM element_address a "
	    "JOIN element e ON e.id = a.element_id "
	    "WHERE a.kind = 'mac' AND a.value = ?1 AND e.merged_into IS NULL",
	/* Only the element that held the address last: an address that moved
	 * between boxes must not join them. */
	[S_FIND_IP] =
	    "SELECT e.id, e.chassis_mac, e.chassis_id FROM element_address a "
	    "JOIN element e ON e.id = a.element_id "
	    "WHERE a.kind = ?1 AND a.value = ?2 AND e.merged_into IS NULL "
	    "ORDER BY a.last_seen DESC, a.element_id DESC LIMIT 1",
	[S_FIND_KEY] =
	    "SELECT element_id FROM element_key WHERE kind = ?1 AND value = ?2",
	[S_ELEMENT_FIRST] = "SELECT first_seen FROM element WHERE id = ?1",
	/* Times only, for sightings that describe nothing. */
	[S_ELEMENT_TOUCH] =
	    "UPDATE element SET first_seen = min(first_seen, ?2), "
	    "last_seen = max(last_seen, ?3), "
	    "first_scan = coalesce(first_scan, ?4), "
	    "last_scan = coalesce(?4, last_scan) WHERE id = ?1",
	[S_ELEMENT_DIGEST] = "SELECT rules_digest FROM element WHERE id = ?1",
	[S_ADDR_UPSERT] =
	    "INSERT INTO element_address (element_id, kind, value, first_seen, "
	    "last_seen, content_lldp, content_cdp, content_dhcp) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
	    "ON CONFLICT (element_id, kind, value) DO UPDATE SET "
	    "first_seen = min(first_seen, excluded.first_seen), "
	    "last_seen = max(last_seen, excluded.last_seen), "
	    "content_lldp = coalesce(excluded.content_lldp, content_lldp), "
	    "content_cdp = coalesce(excluded.content_cdp, content_cdp), "
	    "content_dhcp = coalesce(excluded.content_dhcp, content_dhcp)",
	[S_KEY_UPSERT] =
	    "INSERT INTO element_key (kind, value, element_id, first_seen, "
	    "last_seen) VALUES (?1, ?2, ?3, ?4, ?5) "
	    "ON CONFLICT (kind, value) DO UPDATE SET "
	    "element_id = excluded.element_id, "
	    "first_seen = min(first_seen, excluded.first_seen), "
	    "last_seen = max(last_seen, excluded.last_seen)",
	[S_SOURCE_UPSERT] =
	    "INSERT INTO element_source (element_id, source, first_seen, "
	    "last_seen) VALUES (?1, ?2, ?3, ?4) "
	    "ON CONFLICT (element_id, source) DO UPDATE SET "
	    "first_seen = min(first_seen, excluded.first_seen), "
	    "last_seen = max(last_seen, excluded.last_seen)",
	[S_EV_GET] = "SELECT id, vendor, strength, rule FROM element_evidence "
		     "WHERE element_id = ?1 AND kind = ?2 AND value = ?3",
	[S_EV_INSERT] =
	    "INSERT INTO element_evidence (element_id, kind, value, vendor, "
	    "strength, rule, first_observed, last_observed, scan_id) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?9, ?8)",
	[S_EV_UPDATE] =
	    "UPDATE element_evidence SET vendor = ?2, strength = ?3, "
	    "rule = ?4, "
	    "scan_id = CASE WHEN ?5 >= last_observed THEN ?6 ELSE scan_id END, "
	    "first_observed = min(first_observed, ?7), "
	    "last_observed = max(last_observed, ?5) WHERE id = ?1",
	/* Evidence seen again, assessed as before: only its times change. */
	[S_EV_TOUCH] =
	    "UPDATE element_evidence SET "
	    "scan_id = CASE WHEN ?4 >= last_observed THEN ?5 ELSE scan_id END, "
	    "first_observed = min(first_observed, ?6), "
	    "last_observed = max(last_observed, ?4) "
	    "WHERE element_id = ?1 AND kind = ?2 AND value = ?3 "
	    "AND vendor IS ?7 AND strength = ?8 AND rule IS ?9",
	[S_EV_LOAD] = "SELECT kind, value, vendor, strength, rule, id "
		      "FROM element_evidence WHERE element_id = ?1 ORDER BY id",
	[S_EV_REASSESS] =
	    "UPDATE element_evidence SET vendor = ?2, strength = ?3, rule = ?4 "
	    "WHERE id = ?1",
	[S_VERDICT] =
	    "UPDATE element SET vendor = ?2, vendor_name = ?3, risk = ?4, "
	    "confidence = ?5, conflict = ?6, rules_digest = ?7 WHERE id = ?1 "
	    "AND (vendor IS NOT ?2 OR vendor_name IS NOT ?3 OR risk IS NOT ?4 "
	    "OR confidence IS NOT ?5 OR conflict IS NOT ?6 "
	    "OR rules_digest IS NOT ?7)",
	[S_VERDICT_GET] =
	    "SELECT vendor, vendor_name, risk, confidence, conflict "
	    "FROM element WHERE id = ?1",
	/* An id the caller got before a merge designates the survivor. */
	[S_LINK_UPSERT] =
	    "INSERT INTO element_link (element_id, neighbour_id, protocol, "
	    "local_port, remote_port, first_seen, last_seen) VALUES ("
	    "(SELECT coalesce(merged_into, id) FROM element WHERE id = ?1), "
	    "(SELECT coalesce(merged_into, id) FROM element WHERE id = ?2), "
	    "?3, ?4, ?5, ?6, ?6) "
	    "ON CONFLICT DO UPDATE SET "
	    "first_seen = min(first_seen, excluded.first_seen), "
	    "last_seen = max(last_seen, excluded.last_seen)",
	[S_MERGE_ADDR] =
	    "INSERT INTO element_address (element_id, kind, value, first_seen, "
	    "last_seen, content_lldp, content_cdp, content_dhcp) "
	    "SELECT ?1, kind, value, first_seen, last_seen, content_lldp, "
	    "content_cdp, content_dhcp "
	    "FROM element_address WHERE element_id = ?2 "
	    "ON CONFLICT (element_id, kind, value) DO UPDATE SET "
	    "first_seen = min(first_seen, excluded.first_seen), "
	    "last_seen = max(last_seen, excluded.last_seen), "
	    "content_lldp = CASE WHEN excluded.last_seen > last_seen "
	    "THEN coalesce(excluded.content_lldp, content_lldp) "
	    "ELSE coalesce(content_lldp, excluded.content_lldp) END, "
	    "content_cdp = CASE WHEN excluded.last_seen > last_seen "
	    "THEN coalesce(excluded.content_cdp, content_cdp) "
	    "ELSE coalesce(content_cdp, excluded.content_cdp) END, "
	    "content_dhcp = CASE WHEN excluded.last_seen > last_seen "
	    "THEN coalesce(excluded.content_dhcp, content_dhcp) "
	    "ELSE coalesce(content_dhcp, excluded.content_dhcp) END",
	[S_MERGE_ADDR_DEL] =
	    "DELETE FROM element_address WHERE element_id = ?2",
	[S_MERGE_KEY] =
	    "UPDATE element_key SET element_id = ?1 WHERE element_id = ?2",
	[S_MERGE_EV] =
	    "INSERT INTO element_evidence (element_id, kind, value, vendor, "
	    "strength, rule, first_observed, last_observed, scan_id) "
	    "SELECT ?1, kind, value, vendor, strength, rule, first_observed, "
	    "last_observed, scan_id FROM element_evidence "
	    "WHERE element_id = ?2 "
	    "ORDER BY id "
	    "ON CONFLICT (element_id, kind, value) DO UPDATE SET "
	    "scan_id = CASE WHEN excluded.last_observed > last_observed "
	    "THEN excluded.scan_id ELSE scan_id END, "
	    "first_observed = min(first_observed, excluded.first_observed), "
	    "last_observed = max(last_observed, excluded.last_observed)",
	[S_MERGE_EV_DEL] = "DELETE FROM element_evidence WHERE element_id = ?2",
	[S_MERGE_SOURCE] =
	    "INSERT INTO element_source (element_id, source, first_seen, "
	    "last_seen) SELECT ?1, source, first_seen, last_seen "
	    "FROM element_source WHERE element_id = ?2 "
	    "ON CONFLICT (element_id, source) DO UPDATE SET "
	    "first_seen = min(first_seen, excluded.first_seen), "
	    "last_seen = max(last_seen, excluded.last_seen)",
	[S_MERGE_SOURCE_DEL] =
	    "DELETE FROM element_source WHERE element_id = ?2",
	[S_MERGE_LINK_OUT] =
	    "INSERT INTO element_link (element_id, neighbour_id, protocol, "
	    "local_port, remote_port, first_seen, last_seen) "
	    "SELECT ?1, neighbour_id, protocol, local_port, remote_port, "
	    "first_seen, last_seen FROM element_link WHERE element_id = ?2 "
	    "ON CONFLICT DO UPDATE SET "
	    "first_seen = min(first_seen, excluded.first_seen), "
	    "last_seen = max(last_seen, excluded.last_seen)",
	[S_MERGE_LINK_OUT_DEL] =
	    "DELETE FROM element_link WHERE element_id = ?2",
	[S_MERGE_LINK_IN] =
	    "INSERT INTO element_link (element_id, neighbour_id, protocol, "
	    "local_port, remote_port, first_seen, last_seen) "
	    "SELECT element_id, ?1, protocol, local_port, remote_port, "
	    "first_seen, last_seen FROM element_link WHERE neighbour_id = ?2 "
	    "ON CONFLICT DO UPDATE SET "
	    "first_seen = min(first_seen, excluded.first_seen), "
	    "last_seen = max(last_seen, excluded.last_seen)",
	[S_MERGE_LINK_IN_DEL] =
	    "DELETE FROM element_link WHERE neighbour_id = ?2",
	[S_MERGE_MARK] = "UPDATE element SET merged_into = ?1 "
			 "WHERE id = ?2 OR merged_into = ?2",
	[S_MERGE_RECORD] =
	    "INSERT INTO element_merge (survivor_id, merged_id, merged_at, "
	    "scan_id, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_STALE] = "SELECT id FROM element WHERE merged_into IS NULL "
		    "AND rules_digest IS NOT ?1 ORDER BY id",
	/* IS NOT as three probes of element_rules (schema version 9). */
	[S_ANY_STALE] =
	    "SELECT EXISTS (SELECT 1 FROM element WHERE merged_into IS NULL "
	    "AND rules_digest IS NULL) OR EXISTS (SELECT 1 FROM element "
	    "WHERE merged_into IS NULL AND rules_digest < ?1) OR EXISTS "
	    "(SELECT 1 FROM element WHERE merged_into IS NULL "
	    "AND rules_digest > ?1)",
};

/* Append to the error message. */
void
store_err_append(struct store *st, const char *text)
{
	strbuf_adds(&st->err, text);
}

void
store_set_error(struct store *st, const char *fmt, ...)
{
	va_list ap;

	strbuf_reset(&st->err);
	strbuf_adds(&st->err, st->path);
	strbuf_adds(&st->err, ": ");
	va_start(ap, fmt);
	strbuf_vprintf(&st->err, fmt, ap);
	va_end(ap);
}

/* Like set_error, with SQLite's message appended. */
void
store_set_db_error(struct store *st, const char *fmt, ...)
{
	va_list ap;

	strbuf_reset(&st->err);
	strbuf_adds(&st->err, st->path);
	strbuf_adds(&st->err, ": ");
	va_start(ap, fmt);
	strbuf_vprintf(&st->err, fmt, ap);
	va_end(ap);
	strbuf_adds(&st->err, ": ");
	strbuf_adds(&st->err,
	    st->db != NULL ? sqlite3_errmsg(st->db) : "no connection");
}

const char *
store_error(const struct store *st)
{
	return strbuf_str(&st->err);
}

int
store_schema_latest(void)
{
	return (int)schema_n_migrations;
}

int
store_schema_version(const struct store *st, int *found)
{
	if (found != NULL)
		*found = st->found_version;
	return st->version;
}

/* Bind a wire text (common/text.h): TEXT when it is valid UTF-8 without
 * NUL (so SQL text functions work on it), else a BLOB of the bytes it
 * stands for. */
int
store_bind_value(sqlite3_stmt *stmt, int idx, const char *value)
{
	uint8_t *bytes;
	size_t n;

	if (value == NULL)
		return sqlite3_bind_null(stmt, idx);
	if (text_wire_is_utf8(value))
		return sqlite3_bind_text64(stmt, idx, value, strlen(value),
		    SQLITE_STATIC, SQLITE_UTF8);
	n = text_wire_decode(value, NULL);
	bytes = xmalloc(n + 1);
	text_wire_decode(value, bytes);
	/* SQLite frees the bytes, even when binding fails. */
	return sqlite3_bind_blob64(stmt, idx, bytes, n, free);
}

/* A column holding a wire text, as the wire text again (text_from_bytes of
 * the bytes stored, TEXT or BLOB); NULL for NULL. A new string. */
char *
store_column_wire(sqlite3_stmt *stmt, int i)
{
	if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
		return NULL;
	return text_from_bytes(sqlite3_column_blob(stmt, i),
	    (size_t)sqlite3_column_bytes(stmt, i));
}

/* Bind a value of ours (names, times): empty and NULL are both NULL. */
int
store_bind_text(sqlite3_stmt *stmt, int idx, const char *value)
{
	if (value == NULL || *value == '\0')
		return sqlite3_bind_null(stmt, idx);
	return sqlite3_bind_text(stmt, idx, value, -1, SQLITE_STATIC);
}

/* Step a statement that returns no row (or whose rows are ignored) and
 * reset it; 0 or -1 with the error set. */
int
store_run(struct store *st, enum stmt_id id)
{
	sqlite3_stmt *stmt = st->stmt[id];
	int rc;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		;
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	if (rc != SQLITE_DONE) {
		store_set_db_error(st, "%.40s", sqlite3_sql(stmt));
		return -1;
	}
	return 0;
}

/* Step once; 1 with a row, 0 when done (statement reset), -1 on error. */
int
store_step(struct store *st, sqlite3_stmt *stmt)
{
	int rc = sqlite3_step(stmt);

	if (rc == SQLITE_ROW)
		return 1;
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	if (rc == SQLITE_DONE)
		return 0;
	store_set_db_error(st, "%.40s", sqlite3_sql(stmt));
	return -1;
}

void
store_reset(sqlite3_stmt *stmt)
{
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

/*
 * The statements that name every element field. A field keeps the value of
 * the observation that ranks highest by (provenance, time, value): the
 * precedence of store_provenance first, then the newer, then (same source,
 * same second) the greater value, so that the order of writing never
 * decides (vraudit-schema(7), "Precedence").
 */
static void
build_element_sql(struct strbuf *create, struct strbuf *update,
    struct strbuf *merge)
{
	strbuf_adds(create, "INSERT INTO element (");
	for (size_t i = 0; i < STORE_N_FIELDS; i++) {
		const char *f = store_element_fields[i];

		strbuf_printf(create, "%s, %s_src, %s_at, ", f, f, f);
	}
	strbuf_adds(create,
	    "first_seen, last_seen, first_scan, last_scan, "
	    "vendor, vendor_name, risk, confidence, conflict, "
	    "rules_digest, id, leaf_hash) VALUES (");
	for (size_t i = 0; i < STORE_N_FIELDS; i++)
		strbuf_printf(create, "?%zu, ?%zu, ?%zu, ", i + 1, i + 20,
		    i + 30);
	strbuf_adds(create,
	    "?11, ?12, ?13, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?40, ?41)");

	/* ?1..?10 the values, ?11 the time, ?12 the element, ?13 the scan,
	 * ?14 the provenance. */
	strbuf_adds(update, "UPDATE element SET ");
	for (size_t i = 0; i < STORE_N_FIELDS; i++) {
		const char *f = store_element_fields[i];
		struct strbuf win = STRBUF_INIT;

		strbuf_printf(&win,
		    "?%zu IS NOT NULL AND (%s IS NULL OR %s_src IS NULL OR "
		    "%s_at IS NULL OR (?14, ?11, ?%zu) > (%s_src, %s_at, %s))",
		    i + 1, f, f, f, i + 1, f, f, f);
		strbuf_printf(update,
		    "%s = CASE WHEN %s THEN ?%zu ELSE %s END, "
		    "%s_src = CASE WHEN %s THEN ?14 ELSE %s_src END, "
		    "%s_at = CASE WHEN %s THEN ?11 ELSE %s_at END, ",
		    f, win.s, i + 1, f, f, win.s, f, f, win.s, f);
		strbuf_finish(&win);
	}
	strbuf_adds(update,
	    "first_seen = min(first_seen, ?11), "
	    "last_seen = max(last_seen, ?11), "
	    "first_scan = coalesce(first_scan, ?13), "
	    "last_scan = coalesce(?13, last_scan) WHERE id = ?12");

	/* ?1 the survivor (element), ?2 the merged one (l). */
	strbuf_adds(merge, "UPDATE element SET ");
	for (size_t i = 0; i < STORE_N_FIELDS; i++) {
		const char *f = store_element_fields[i];
		struct strbuf win = STRBUF_INIT;

		strbuf_printf(&win,
		    "l.%s IS NOT NULL AND (element.%s IS NULL OR "
		    "element.%s_src IS NULL OR element.%s_at IS NULL OR "
		    "(l.%s_src, l.%s_at, l.%s) > "
		    "(element.%s_src, element.%s_at, element.%s))",
		    f, f, f, f, f, f, f, f, f, f);
		strbuf_printf(merge,
		    "%s = CASE WHEN %s THEN l.%s ELSE element.%s END, "
		    "%s_src = CASE WHEN %s THEN l.%s_src ELSE element.%s_src "
		    "END, "
		    "%s_at = CASE WHEN %s THEN l.%s_at ELSE element.%s_at END, ",
		    f, win.s, f, f, f, win.s, f, f, f, win.s, f, f);
		strbuf_finish(&win);
	}
	strbuf_adds(merge,
	    "first_seen = min(element.first_seen, l.first_seen), "
	    "last_seen = max(element.last_seen, l.last_seen), "
	    "first_scan = min(coalesce(element.first_scan, l.first_scan), "
	    "coalesce(l.first_scan, element.first_scan)), "
	    "last_scan = max(coalesce(element.last_scan, l.last_scan), "
	    "coalesce(l.last_scan, element.last_scan)) "
	    "FROM element AS l WHERE element.id = ?1 AND l.id = ?2");
}

int
store_prepare_all(struct store *st)
{
	struct strbuf create = STRBUF_INIT, update = STRBUF_INIT,
		      merge = STRBUF_INIT;
	int rc = 0;

	build_element_sql(&create, &update, &merge);
	for (int i = 0; i < S_COUNT && rc == 0; i++) {
		const char *sql = stmt_sql[i];

		if (i == S_ELEMENT_CREATE)
			sql = create.s;
		else if (i == S_ELEMENT_UPDATE)
			sql = update.s;
		else if (i == S_MERGE_ELEMENT)
			sql = merge.s;
		if (sqlite3_prepare_v3(st->db, sql, -1,
			SQLITE_PREPARE_PERSISTENT, &st->stmt[i],
			NULL) != SQLITE_OK) {
			store_set_db_error(st, "prepare %.40s", sql);
			rc = -1;
		}
	}
	strbuf_finish(&create);
	strbuf_finish(&update);
	strbuf_finish(&merge);
	return rc;
}

void
store_set_classifier(struct store *st, const struct classifier_ops *ops)
{
	st->ops = ops;
}

void
store_set_busy_timeout(struct store *st, int ms)
{
	sqlite3_busy_timeout(st->db, ms);
}

void
store_set_batch_size(struct store *st, size_t n)
{
	st->batch_size = n == 0 ? 1 : n;
}

void
store_set_cache_kib(struct store *st, int kib)
{
	char sql[48];

	snprintf(sql, sizeof(sql), "PRAGMA cache_size = -%d",
	    kib < 1 ? 1 : kib);
	sqlite3_exec(st->db, sql, NULL, NULL, NULL);
}

int
store_writable(struct store *st)
{
	if (st->mode != STORE_READ_WRITE) {
		store_set_error(st, "opened read-only");
		return -1;
	}
	return 0;
}

/* Roll back the open transaction, if SQLite has not already; the error
 * that led here stays in st->err. */
void
store_rollback(struct store *st)
{
	store_leaf_forget(st);
	store_tally_forget(st);
	if (!sqlite3_get_autocommit(st->db)) {
		sqlite3_step(st->stmt[S_ROLLBACK]);
		store_reset(st->stmt[S_ROLLBACK]);
	}
}

int
store_batch_begin(struct store *st)
{
	if (st->in_batch)
		return 0;
	if (store_run(st, S_BEGIN) == -1)
		return -1;
	st->in_batch = true;
	st->batch_count = 0;
	return 0;
}

/* The transaction is gone (SQLite rolled it back, or the commit failed):
 * say how many sightings it took with it. */
void
store_batch_lost(struct store *st, const char *what)
{
	strbuf_printf(&st->err,
	    "; the batch of %zu sighting(s) was rolled "
	    "back and is lost",
	    st->batch_count);
	log_warnx("store", "%s (%s)", store_error(st), what);
	st->in_batch = false;
	st->batch_count = 0;
}

int
store_flush(struct store *st)
{
	if (!st->in_batch)
		return 0;
	if (store_lifecycle_return(st) == -1 || store_leaf_commit(st) == -1 ||
	    store_run(st, S_COMMIT) == -1) {
		store_rollback(st);
		store_batch_lost(st, "commit");
		return -1;
	}
	st->in_batch = false;
	st->batch_count = 0;
	store_tally_commit(st);
	return 0;
}

bool
store_in_batch(const struct store *st)
{
	return st->in_batch;
}

int64_t
store_scan_begin(struct store *st, const char *kind, const char *targets)
{
	char now[TIME_STRLEN];
	sqlite3_stmt *stmt = st->stmt[S_SCAN_INSERT];

	if (store_writable(st) == -1 || store_flush(st) == -1)
		return -1;
	time_format(time_now(), now);
	store_bind_text(stmt, 1, kind);
	store_bind_text(stmt, 2, now);
	store_bind_value(stmt, 3, targets);
	store_bind_text(stmt, 4, st->writer);
	if (store_run(st, S_SCAN_INSERT) == -1)
		return -1;
	store_tally_begin(st, sqlite3_last_insert_rowid(st->db));
	return sqlite3_last_insert_rowid(st->db);
}

int
store_scan_end(struct store *st, int64_t scan_id, const char *status,
    int64_t responded, int64_t frames, const char *detail)
{
	return store_scan_end_zones(st, scan_id, status, responded, frames,
	    detail, NULL, 0);
}

/* What a scan observed per zone, in the open transaction: a sweep's
 * counts as given, with the known agents it did not hear (but those the
 * retirement after a complete sweep takes out: they are gone, not
 * silent); a capture's elements it wrote news of last. 0 or -1. */
static int
scan_zones_derived(struct store *st, int64_t scan_id, bool capture,
    bool complete)
{
	static const char sweep_sql[] =
	    "UPDATE scan_zone SET missing = (SELECT count(*) FROM element e "
	    "JOIN element_source es ON es.element_id = e.id "
	    "AND es.source = 'snmp' "
	    "WHERE e.merged_into IS NULL AND e.retired_at IS NULL "
	    "AND coalesce(nullif(e.zone, ''), 'unassigned') = scan_zone.zone "
	    "AND es.last_seen < (SELECT started_at FROM scan WHERE id = ?1) "
	    "AND NOT (?2 IS NOT NULL AND e.last_scan IN "
	    "(SELECT id FROM scan WHERE kind = 'snmp') AND e.last_seen < "
	    "strftime('%Y-%m-%dT%H:%M:%SZ', (SELECT max(x.last_seen) "
	    "FROM element x JOIN scan s ON s.id = x.last_scan "
	    "WHERE s.status = 'complete' AND s.kind = 'snmp' "
	    "AND x.merged_into IS NULL), printf('-%d seconds', ?2)))) "
	    "WHERE scan_id = ?1";
	static const char capture_sql[] =
	    "INSERT OR REPLACE INTO scan_zone (scan_id, zone, targets, "
	    "answered, silent, refused, cut, missing) "
	    "SELECT ?1, coalesce(nullif(zone, ''), 'unassigned'), 0, count(*), "
	    "0, 0, 0, 0 FROM element WHERE last_scan = ?1 "
	    "AND merged_into IS NULL GROUP BY 2";
	sqlite3_stmt *stmt;
	int rc;

	if ((stmt = store_prepare(st, capture ? capture_sql : sweep_sql)) ==
	    NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, scan_id);
	if (!capture && complete && st->retire_after_ms != STORE_RETIRE_NEVER)
		sqlite3_bind_int64(stmt, 2, st->retire_after_ms / 1000);
	rc = store_step(st, stmt) == -1 ? -1 : 0;
	sqlite3_finalize(stmt);
	return rc;
}

/* Record the zones of a sweep, in the open transaction; 0 or -1. */
static int
scan_zones(struct store *st, int64_t scan_id, const struct store_scan_zone *z,
    size_t n)
{
	sqlite3_stmt *stmt;
	int rc = 0;

	if (n == 0 || st->version < STORE_VERSION_COVERAGE)
		return 0;
	if ((stmt = store_prepare(st,
		 "INSERT OR REPLACE INTO scan_zone (scan_id, zone, targets, "
		 "answered, silent, refused, cut) VALUES (?1, ?2, ?3, ?4, ?5, "
		 "?6, ?7)")) == NULL)
		return -1;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		sqlite3_bind_int64(stmt, 1, scan_id);
		store_bind_text(stmt, 2, z[i].zone);
		sqlite3_bind_int64(stmt, 3, z[i].targets);
		sqlite3_bind_int64(stmt, 4, z[i].answered);
		sqlite3_bind_int64(stmt, 5, z[i].silent);
		sqlite3_bind_int64(stmt, 6, z[i].refused);
		sqlite3_bind_int64(stmt, 7, z[i].cut);
		rc = store_step(st, stmt) == -1 ? -1 : 0;
		sqlite3_reset(stmt);
	}
	sqlite3_finalize(stmt);
	return rc;
}

int
store_scan_end_zones(struct store *st, int64_t scan_id, const char *status,
    int64_t responded, int64_t frames, const char *detail,
    const struct store_scan_zone *zones, size_t n_zones)
{
	char now[TIME_STRLEN];
	struct strbuf audit = STRBUF_INIT;
	sqlite3_stmt *stmt = st->stmt[S_SCAN_END];
	bool capture;
	char *lines;
	int rc;

	if (store_writable(st) == -1 || store_flush(st) == -1)
		return -1;
	if (responded == STORE_SCAN_SEEN &&
	    store_tally_end(st, scan_id, &responded) == -1)
		return -1;
	if (strcmp(status, "partial") == 0 &&
	    st->version < STORE_VERSION_COVERAGE)
		status = "complete";
	time_format(time_now(), now);
	/* The scan's end, its zones and its audit record commit together. */
	if (store_run(st, S_BEGIN) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, scan_id);
	store_bind_text(stmt, 2, status);
	store_bind_text(stmt, 3, now);
	sqlite3_bind_int64(stmt, 4, responded);
	sqlite3_bind_int64(stmt, 5, frames);
	store_bind_value(stmt, 6, detail);
	if ((rc = store_step(st, stmt)) != 1) {
		if (rc == 0)
			store_set_error(st, "no scan %lld", (long long)scan_id);
		goto fail;
	}
	lines = store_audit_scan_detail(stmt);
	strbuf_adds(&audit, lines);
	free(lines);
	capture = sqlite3_column_text(stmt, 1) != NULL &&
	    strcmp((const char *)sqlite3_column_text(stmt, 1), "capture") == 0;
	store_reset(stmt);
	if (scan_zones(st, scan_id, zones, n_zones) == -1 ||
	    (st->version >= STORE_VERSION_COVERAGE &&
		(strcmp(status, "complete") == 0 ||
		    strcmp(status, "partial") == 0) &&
		scan_zones_derived(st, scan_id, capture,
		    strcmp(status, "complete") == 0) == -1) ||
	    store_audit_scan_zones(st, scan_id, &audit) == -1 ||
	    store_audit_scan(st, scan_id, audit.s) == -1 ||
	    store_run(st, S_COMMIT) == -1)
		goto fail;
	strbuf_finish(&audit);
	/* The network was observed in full: elements it no longer has
	 * retire. A failure here loses no scan; the next one retries. */
	if (strcmp(status, "complete") == 0 && store_lifecycle_retire(st) == -1)
		log_warnx("store", "retirement after scan %lld: %s",
		    (long long)scan_id, store_error(st));
	return 0;
fail:
	strbuf_finish(&audit);
	store_rollback(st);
	return -1;
}
