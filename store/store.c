/*
 * The SQLite store: opening and checking the file, migrations, the writer's
 * statements, batches and scans.
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
	"mgmt_ip", "chassis_mac", "chassis_id", "sys_name", "sys_descr",
	"sys_object_id", "model", "serial", "software", "zone",
};

/* Statements of the writer; S_ELEMENT_UPDATE and S_MERGE_ELEMENT are built
 * from store_element_fields at open time. */
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
	/* A new element with its verdict, in one row. */
	[S_ELEMENT_CREATE] =
	    "INSERT INTO element (mgmt_ip, chassis_mac, chassis_id, sys_name, "
	    "sys_descr, sys_object_id, model, serial, software, zone, "
	    "first_seen, last_seen, first_scan, last_scan, vendor, "
	    "vendor_name, risk, confidence, conflict, rules_digest) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
	    "?13, ?14, ?15, ?16, ?17, ?18, ?19)",
	/* Times only, for sightings that describe nothing. */
	[S_ELEMENT_TOUCH] =
	    "UPDATE element SET first_seen = min(first_seen, ?2), "
	    "last_seen = max(last_seen, ?3), "
	    "first_scan = coalesce(first_scan, ?4), "
	    "last_scan = coalesce(?4, last_scan) WHERE id = ?1 "
	    "RETURNING rules_digest",
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
	[S_EV_GET] =
	    "SELECT id, vendor, strength, rule FROM element_evidence "
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
	[S_EV_LOAD] =
	    "SELECT kind, value, vendor, strength, rule, id "
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
	[S_MERGE_MARK] =
	    "UPDATE element SET merged_into = ?1 "
	    "WHERE id = ?2 OR merged_into = ?2",
	[S_MERGE_RECORD] =
	    "INSERT INTO element_merge (survivor_id, merged_id, merged_at, "
	    "scan_id, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_STALE] =
	    "SELECT id FROM element WHERE merged_into IS NULL "
	    "AND rules_digest IS NOT ?1 ORDER BY id",
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
	strbuf_adds(&st->err, st->db != NULL ? sqlite3_errmsg(st->db) :
	    "no connection");
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

/* Run SQL text that is ours (pragmas, migrations). */
static int
exec(struct store *st, const char *sql, const char *what)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		store_set_error(st, "%s: %s", what, msg != NULL ? msg :
		    sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* The integer result of a pragma or query; -1 on error. */
static int
query_int(struct store *st, const char *sql, int64_t *out)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		store_set_db_error(st, "%s", sql);
		return -1;
	}
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(stmt, 0);
	else if (rc == SQLITE_DONE)
		*out = 0;
	else {
		store_set_db_error(st, "%s", sql);
		sqlite3_finalize(stmt);
		return -1;
	}
	sqlite3_finalize(stmt);
	return 0;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/*
 * Look at an existing file before SQLite does: sqlite3_open() accepts any
 * file and only fails on the first read, and a writer would have changed
 * the file by then. The header is read through SQLite's VFS, not open(2),
 * because closing our own descriptor would drop the POSIX locks of any
 * other connection of this process to the same file.
 * 1: missing, 0: fine to hand to SQLite, -1: refused.
 */
static int
precheck_file(struct store *st)
{
	sqlite3_vfs *vfs = sqlite3_vfs_find(NULL);
	unsigned char hdr[100];
	sqlite3_file *file;
	sqlite3_int64 size = 0;
	struct stat sb;
	int rc;

	if (stat(st->path, &sb) == -1) {
		if (errno == ENOENT)
			return 1;
		store_set_error(st, "%s", strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		store_set_error(st, "not a regular file");
		return -1;
	}
	if (sb.st_size == 0)
		return 0;
	file = xcalloc(1, (size_t)vfs->szOsFile);
	if (vfs->xOpen(vfs, st->path, file, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_MAIN_DB, NULL) != SQLITE_OK) {
		store_set_error(st, "cannot open: %s", strerror(errno));
		free(file);
		return -1;
	}
	memset(hdr, 0, sizeof(hdr));
	rc = file->pMethods->xFileSize(file, &size);
	if (rc == SQLITE_OK && size >= (sqlite3_int64)sizeof(hdr))
		rc = file->pMethods->xRead(file, hdr, sizeof(hdr), 0);
	file->pMethods->xClose(file);
	free(file);
	if (rc != SQLITE_OK || size < (sqlite3_int64)sizeof(hdr) ||
	    memcmp(hdr, "SQLite format 3", 16) != 0) {
		store_set_error(st, "not an SQLite database; refusing to touch "
		    "it");
		return -1;
	}
	/* The header is authoritative once checkpointed; a WAL not yet
	 * checkpointed is checked again through SQLite below. */
	if (be32(hdr + 68) != 0 && be32(hdr + 68) != STORE_APPLICATION_ID) {
		store_set_error(st, "an SQLite database of another application "
		    "(application_id 0x%08x); refusing to touch it",
		    be32(hdr + 68));
		return -1;
	}
	if (be32(hdr + 68) == STORE_APPLICATION_ID &&
	    be32(hdr + 60) > (uint32_t)store_schema_latest()) {
		store_set_error(st, "schema version %u is newer than this "
		    "vraudit supports (%d); upgrade vraudit", be32(hdr + 60),
		    store_schema_latest());
		return -1;
	}
	return 0;
}

/* Check application_id and user_version through SQLite, without writing. */
static int
check_identity(struct store *st)
{
	int64_t app, version, objects;

	if (query_int(st, "PRAGMA application_id", &app) == -1 ||
	    query_int(st, "PRAGMA user_version", &version) == -1 ||
	    query_int(st, "SELECT count(*) FROM sqlite_schema", &objects) == -1)
		return -1;
	if (app != STORE_APPLICATION_ID && (app != 0 || objects != 0 ||
	    version != 0)) {
		store_set_error(st, "an SQLite database of another application "
		    "(application_id 0x%08x); refusing to touch it",
		    (unsigned)app);
		return -1;
	}
	if (version > store_schema_latest()) {
		store_set_error(st, "schema version %d is newer than this "
		    "vraudit supports (%d); upgrade vraudit", (int)version,
		    store_schema_latest());
		return -1;
	}
	st->found_version = (int)version;
	st->version = (int)version;
	return 0;
}

/* Percent-encode the characters a URI path cannot carry. */
static char *
path_uri(const char *path, const char *query)
{
	size_t len = strlen(path), n = 0;
	char *out = xmalloc(3 * len + strlen(query) + 8);

	memcpy(out, "file:", 5);
	n = 5;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)path[i];
		if (c == '%' || c == '?' || c == '#' || c < 0x20 || c >= 0x7f) {
			snprintf(out + n, 4, "%%%02X", c);
			n += 3;
		} else
			out[n++] = (char)c;
	}
	memcpy(out + n, query, strlen(query) + 1);
	return out;
}

/* vraudit_text(x): x unchanged, except that a BLOB becomes its TEXT_JSON_VALUE
 * text (JSON cannot hold BLOBs). */
static void
sql_text_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct strbuf b = STRBUF_INIT;

	(void)argc;
	if (sqlite3_value_type(argv[0]) != SQLITE_BLOB) {
		sqlite3_result_value(ctx, argv[0]);
		return;
	}
	text_escape(&b, sqlite3_value_blob(argv[0]),
	    (size_t)sqlite3_value_bytes(argv[0]), TEXT_JSON_VALUE);
	sqlite3_result_text64(ctx, b.s, b.len, free, SQLITE_UTF8);
}

static int
db_connect(struct store *st, const char *name, int flags)
{
	/* One thread at a time uses a store: no locking per call. */
	if (sqlite3_open_v2(name, &st->db, flags | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK) {
		store_set_db_error(st, "cannot open");
		return -1;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
	sqlite3_create_function(st->db, "vraudit_text", 1,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_text_fn, NULL, NULL);
	return exec(st, "PRAGMA foreign_keys = ON", "foreign keys");
}

/* Apply every migration newer than the file, each in its own transaction
 * with its user_version bump, so a crash leaves a consistent version. */
static int
migrate(struct store *st)
{
	int64_t version;

	for (size_t i = 0; i < schema_n_migrations; i++) {
		const struct schema_migration *m = &schema_migrations[i];
		char *bump;

		if (m->version <= st->version)
			continue;
		if (exec(st, "BEGIN IMMEDIATE", "begin migration") == -1)
			return -1;
		/* Another process may have migrated while we waited. */
		if (query_int(st, "PRAGMA user_version", &version) == -1)
			goto fail;
		if (version >= m->version) {
			exec(st, "ROLLBACK", "rollback");
			st->version = (int)version;
			continue;
		}
		if (exec(st, m->sql, m->name) == -1)
			goto fail;
		bump = xprintf("PRAGMA application_id = %d; "
		    "PRAGMA user_version = %d", STORE_APPLICATION_ID,
		    m->version);
		if (exec(st, bump, "set schema version") == -1) {
			free(bump);
			goto fail;
		}
		free(bump);
		if (exec(st, "COMMIT", "commit migration") == -1)
			goto fail;
		log_info("store", "%s: schema migrated to version %d (%s)",
		    st->path, m->version, m->name);
		st->version = m->version;
	}
	return 0;
fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int
prepare_all(struct store *st)
{
	char *update = NULL, *merge = NULL, *tmp;

	/* Newer observations overwrite descriptions; older ones only fill
	 * what is missing. */
	update = xstrdup("UPDATE element SET ");
	for (size_t i = 0; i < STORE_N_FIELDS; i++) {
		tmp = xprintf("%s%s = CASE WHEN ?11 >= last_seen THEN "
		    "coalesce(?%zu, %s) ELSE coalesce(%s, ?%zu) END, ", update,
		    store_element_fields[i], i + 1, store_element_fields[i],
		    store_element_fields[i], i + 1);
		free(update);
		update = tmp;
	}
	tmp = xprintf("%sfirst_seen = min(first_seen, ?11), "
	    "last_seen = max(last_seen, ?11), "
	    "first_scan = coalesce(first_scan, ?13), "
	    "last_scan = coalesce(?13, last_scan) WHERE id = ?12 "
	    "RETURNING rules_digest", update);
	free(update);
	update = tmp;

	merge = xstrdup("UPDATE element SET ");
	for (size_t i = 0; i < STORE_N_FIELDS; i++) {
		const char *f = store_element_fields[i];

		tmp = xprintf("%s%s = CASE WHEN "
		    "l.last_seen > element.last_seen "
		    "THEN coalesce(l.%s, element.%s) ELSE "
		    "coalesce(element.%s, l.%s) END, ", merge, f, f, f, f, f);
		free(merge);
		merge = tmp;
	}
	tmp = xprintf("%sfirst_seen = min(element.first_seen, l.first_seen), "
	    "last_seen = max(element.last_seen, l.last_seen), "
	    "first_scan = min(coalesce(element.first_scan, l.first_scan), "
	    "coalesce(l.first_scan, element.first_scan)), "
	    "last_scan = max(coalesce(element.last_scan, l.last_scan), "
	    "coalesce(l.last_scan, element.last_scan)) "
	    "FROM element AS l WHERE element.id = ?1 AND l.id = ?2", merge);
	free(merge);
	merge = tmp;

	for (int i = 0; i < S_COUNT; i++) {
		const char *sql = stmt_sql[i];

		if (i == S_ELEMENT_UPDATE)
			sql = update;
		else if (i == S_MERGE_ELEMENT)
			sql = merge;
		if (sqlite3_prepare_v3(st->db, sql, -1,
		    SQLITE_PREPARE_PERSISTENT, &st->stmt[i], NULL) !=
		    SQLITE_OK) {
			store_set_db_error(st, "prepare %.40s", sql);
			free(update);
			free(merge);
			return -1;
		}
	}
	free(update);
	free(merge);
	return 0;
}

/* First line of a file under /proc, without its newline; NULL if unreadable. */
static char *
read_line(const char *path)
{
	char buf[512];
	FILE *f = fopen(path, "re");
	char *line = NULL;

	if (f == NULL)
		return NULL;
	if (fgets(buf, sizeof(buf), f) != NULL) {
		buf[strcspn(buf, "\n")] = '\0';
		line = xstrdup(buf);
	}
	fclose(f);
	return line;
}

/*
 * Who writes a scan: "BOOT_ID/PID/STARTTIME", so that a later process can
 * tell whether that writer is still alive (a reused pid has another start
 * time, a reboot another boot id). NULL when /proc cannot say.
 */
static char *
writer_token(long pid)
{
	char path[64], *boot, *stat, *p, *token = NULL;
	int field = 2;

	boot = read_line("/proc/sys/kernel/random/boot_id");
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	stat = read_line(path);
	/* comm, field 2, may hold spaces and parentheses: skip past the
	 * last ')'; starttime is field 22. */
	if (boot != NULL && stat != NULL && (p = strrchr(stat, ')')) != NULL) {
		p++;
		while (*p != '\0' && field < 22) {
			while (*p == ' ')
				p++;
			if (++field == 22)
				break;
			p += strcspn(p, " ");
		}
		if (field == 22 && *p != '\0') {
			p[strcspn(p, " ")] = '\0';
			token = xprintf("%s/%ld/%s", boot, pid, p);
		}
	}
	free(boot);
	free(stat);
	return token;
}

static bool
writer_alive(const char *token)
{
	const char *slash;
	char *now;
	bool alive;

	if (token == NULL || (slash = strchr(token, '/')) == NULL)
		return false;
	now = writer_token(strtol(slash + 1, NULL, 10));
	alive = now != NULL && strcmp(now, token) == 0;
	free(now);
	return alive;
}

/* Scans left 'running' by a process that is gone were cut short by a
 * crash; those of a live writer (the daemon, while `vraudit migrate`
 * runs) are genuine. */
static int
mark_interrupted(struct store *st)
{
	sqlite3_stmt *stmt = st->stmt[S_SCAN_RUNNING];
	int64_t *ids = NULL;
	size_t n = 0;
	int rc;

	while ((rc = store_step(st, stmt)) == 1) {
		const char *token = (const char *)sqlite3_column_text(stmt, 1);

		if (writer_alive(token))
			continue;
		ids = xreallocarray(ids, n + 1, sizeof(*ids));
		ids[n++] = sqlite3_column_int64(stmt, 0);
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		log_warnx("store", "%s: scan %lld was left running by a "
		    "process that stopped; marked interrupted", st->path,
		    (long long)ids[i]);
		if (store_scan_end(st, ids[i], "interrupted", -1, -1,
		    "the process recording this scan stopped before its end")
		    == -1)
			rc = -1;
	}
	free(ids);
	return rc;
}

/* Say why a missing database cannot be created, where SQLite would only
 * say "unable to open database file". */
static bool
cannot_create(struct store *st)
{
	char *dir = xstrdup(st->path), *slash = strrchr(dir, '/');
	bool cannot = false;

	if (slash == NULL) {
		free(dir);
		dir = xstrdup(".");
	} else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (access(dir, W_OK | X_OK) == -1) {
		store_set_error(st, "cannot create the database in %s: %s", dir,
		    strerror(errno));
		cannot = true;
	}
	free(dir);
	return cannot;
}

static int
open_read_write(struct store *st)
{
	int rc = precheck_file(st);

	if (rc == -1)
		return -1;
	if (rc == 1 && cannot_create(st))
		return -1;
	if (db_connect(st, st->path, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE) == -1)
		return -1;
	if (check_identity(st) == -1)
		return -1;
	/* WAL: readers never block the writer and see whole batches only.
	 * synchronous=NORMAL: a commit survives a crash of the process (the
	 * WAL is in the OS's hands); a power loss may drop the last commits,
	 * never corrupt the file. FULL would fsync every batch. */
	if (exec(st, "PRAGMA journal_mode = WAL", "journal mode") == -1 ||
	    exec(st, "PRAGMA synchronous = NORMAL", "synchronous") == -1)
		return -1;
	/* A batch touches index pages all over the file: keep them in memory
	 * until the commit rather than spilling them to the WAL twice. 24 MiB
	 * holds a batch's pages and keeps a daemon tracking a million MACs
	 * under its 128 MiB budget. */
	if (exec(st, "PRAGMA cache_size = -24576", "cache size") == -1)
		return -1;
	/* Each sighting runs under a savepoint: keep its sub-journal in
	 * memory instead of spilling it to a temporary file. */
	if (exec(st, "PRAGMA temp_store = MEMORY", "temp store") == -1)
		return -1;
	/* The WAL stays between runs (below): bound what it keeps on disk. */
	if (exec(st, "PRAGMA journal_size_limit = 16777216", "WAL limit") == -1)
		return -1;
	/* Keep the -wal and -shm files when the writer closes: a reader
	 * (an auditor) without write access to the directory cannot create
	 * them and could not open the file otherwise. */
	sqlite3_file_control(st->db, "main", SQLITE_FCNTL_PERSIST_WAL,
	    &(int){ 1 });
	if (migrate(st) == -1 || prepare_all(st) == -1 ||
	    store_audit_prepare(st) == -1)
		return -1;
	st->writer = writer_token((long)getpid());
	return mark_interrupted(st);
}

static int
open_read_only(struct store *st)
{
	char *uri;
	int rc;

	rc = precheck_file(st);
	if (rc == 1) {
		strbuf_reset(&st->err);
		strbuf_printf(&st->err, "no database at %s (run 'vraudit "
		    "migrate' or a scan first)", st->path);
		return -1;
	}
	if (rc == -1)
		return -1;
	uri = path_uri(st->path, "?mode=ro");
	rc = db_connect(st, uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
	free(uri);
	if (rc == -1 || check_identity(st) == -1)
		return -1;
	if (st->version == 0) {
		store_set_error(st, "no vraudit schema yet (run 'vraudit "
		    "migrate')");
		return -1;
	}
	if (st->version < store_schema_latest()) {
		store_set_error(st, "schema version %d is older than %d (run "
		    "'vraudit migrate')", st->version, store_schema_latest());
		return -1;
	}
	return 0;
}

/* Before SQLite's first use: no allocation statistics, which would take a
 * lock around every allocation. Refused (and harmless) when too late. */
static void
sqlite_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

struct store *
store_open(const char *path, enum store_mode mode, char *err, size_t errlen)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct store *st;

	pthread_once(&once, sqlite_setup);
	st = xcalloc(1, sizeof(*st));

	st->path = xstrdup(path);
	st->mode = mode;
	st->batch_size = STORE_BATCH_DEFAULT;
	if (*path == '\0') {
		/* SQLite would open a private temporary database. */
		snprintf(err, errlen, "empty database path");
		store_close(st);
		return NULL;
	}
	if ((mode == STORE_READ_ONLY ? open_read_only(st) :
	    open_read_write(st)) == -1) {
		snprintf(err, errlen, "%s", store_error(st));
		store_close(st);
		return NULL;
	}
	return st;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	if (st->in_batch && store_flush(st) == -1)
		log_warnx("store", "%s", store_error(st));
	store_audit_finish(st);
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	sqlite3_finalize(st->evidence_stmt);
	if (st->db != NULL && sqlite3_close(st->db) != SQLITE_OK)
		log_warnx("store", "%s: close: %s", st->path,
		    sqlite3_errmsg(st->db));
	free(st->writer);
	free(st->path);
	strbuf_finish(&st->err);
	free(st);
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
	strbuf_printf(&st->err, "; the batch of %zu sighting(s) was rolled "
	    "back and is lost", st->batch_count);
	log_warnx("store", "%s (%s)", store_error(st), what);
	st->in_batch = false;
	st->batch_count = 0;
}

int
store_flush(struct store *st)
{
	if (!st->in_batch)
		return 0;
	if (store_run(st, S_COMMIT) == -1) {
		store_rollback(st);
		store_batch_lost(st, "commit");
		return -1;
	}
	st->in_batch = false;
	st->batch_count = 0;
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
	return sqlite3_last_insert_rowid(st->db);
}

int
store_scan_end(struct store *st, int64_t scan_id, const char *status,
    int64_t responded, int64_t frames, const char *detail)
{
	char now[TIME_STRLEN], *audit = NULL;
	sqlite3_stmt *stmt = st->stmt[S_SCAN_END];
	int rc;

	if (store_writable(st) == -1 || store_flush(st) == -1)
		return -1;
	time_format(time_now(), now);
	/* The scan's end and its audit record commit together. */
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
	audit = store_audit_scan_detail(stmt);
	store_reset(stmt);
	if (store_audit_scan(st, scan_id, audit) == -1 ||
	    store_run(st, S_COMMIT) == -1)
		goto fail;
	free(audit);
	return 0;
fail:
	free(audit);
	store_rollback(st);
	return -1;
}
