/*
 * The SQLite store: opening and checking the file, migrations, scans, the
 * batched sighting writer with identity resolution and merges, evidence and
 * verdicts, and the read queries behind `vraudit elements`.
 *
 * One writer connection per process, every statement prepared once and
 * reused, one transaction per batch. Readers open file:PATH?mode=ro and, in
 * WAL mode, see the last committed batch and never a half-written one.
 */
#include "store.h"

#include <arpa/inet.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "net.h"
#include "schema/schema.h"
#include "util.h"

#define ERR_MAX 1024
#define MAX_CANDIDATES 16

/* Element columns a sighting describes, in the order of the statements. */
static const char *const element_fields[] = {
	"mgmt_ip", "chassis_mac", "chassis_id", "sys_name", "sys_descr",
	"sys_object_id", "model", "serial", "software", "zone",
};
#define N_FIELDS ARRAY_SIZE(element_fields)

enum stmt_id {
	S_BEGIN,
	S_COMMIT,
	S_ROLLBACK,
	S_SAVEPOINT,
	S_RELEASE,
	S_ROLLBACK_TO,
	S_SCAN_INSERT,
	S_SCAN_END,
	S_SCAN_RUNNING,
	S_FIND_MAC,
	S_FIND_IP,
	S_FIND_KEY,
	S_ELEMENT_FIRST,
	S_ELEMENT_INSERT,
	S_ELEMENT_UPDATE,
	S_ADDR_UPSERT,
	S_KEY_UPSERT,
	S_SOURCE_UPSERT,
	S_EV_GET,
	S_EV_INSERT,
	S_EV_UPDATE,
	S_EV_LOAD,
	S_EV_REASSESS,
	S_VERDICT,
	S_VERDICT_GET,
	S_LINK_UPSERT,
	S_MERGE_ADDR,
	S_MERGE_ADDR_DEL,
	S_MERGE_KEY,
	S_MERGE_EV,
	S_MERGE_EV_DEL,
	S_MERGE_SOURCE,
	S_MERGE_SOURCE_DEL,
	S_MERGE_LINK_OUT,
	S_MERGE_LINK_OUT_DEL,
	S_MERGE_LINK_IN,
	S_MERGE_LINK_IN_DEL,
	S_MERGE_ELEMENT,
	S_MERGE_MARK,
	S_MERGE_RECORD,
	S_STALE,
	S_COUNT
};

/* Statements of the writer; S_ELEMENT_UPDATE and S_MERGE_ELEMENT are built
 * from element_fields at open time. */
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
	[S_SCAN_END] =
	    "UPDATE scan SET status = ?2, finished_at = ?3, "
	    "responded = CASE WHEN ?4 >= 0 THEN ?4 ELSE responded END, "
	    "frames = CASE WHEN ?5 >= 0 THEN ?5 ELSE frames END, "
	    "detail = ?6 WHERE id = ?1",
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
	[S_ELEMENT_INSERT] =
	    "INSERT INTO element (mgmt_ip, chassis_mac, chassis_id, sys_name, "
	    "sys_descr, sys_object_id, model, serial, software, zone, "
	    "first_seen, last_seen) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
	[S_ADDR_UPSERT] =
	    "INSERT INTO element_address (element_id, kind, value, first_seen, "
	    "last_seen) VALUES (?1, ?2, ?3, ?4, ?4) "
	    "ON CONFLICT (element_id, kind, value) DO UPDATE SET "
	    "first_seen = min(first_seen, excluded.first_seen), "
	    "last_seen = max(last_seen, excluded.last_seen)",
	[S_KEY_UPSERT] =
	    "INSERT INTO element_key (kind, value, element_id, first_seen, "
	    "last_seen) VALUES (?1, ?2, ?3, ?4, ?4) "
	    "ON CONFLICT (kind, value) DO UPDATE SET "
	    "element_id = excluded.element_id, "
	    "first_seen = min(first_seen, excluded.first_seen), "
	    "last_seen = max(last_seen, excluded.last_seen)",
	[S_SOURCE_UPSERT] =
	    "INSERT INTO element_source (element_id, source, first_seen, "
	    "last_seen) VALUES (?1, ?2, ?3, ?3) "
	    "ON CONFLICT (element_id, source) DO UPDATE SET "
	    "first_seen = min(first_seen, excluded.first_seen), "
	    "last_seen = max(last_seen, excluded.last_seen)",
	[S_EV_GET] =
	    "SELECT id, vendor, strength, rule FROM element_evidence "
	    "WHERE element_id = ?1 AND kind = ?2 AND value = ?3",
	[S_EV_INSERT] =
	    "INSERT INTO element_evidence (element_id, kind, value, vendor, "
	    "strength, rule, first_observed, last_observed, scan_id) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
	[S_EV_UPDATE] =
	    "UPDATE element_evidence SET vendor = ?2, strength = ?3, rule = ?4, "
	    "scan_id = CASE WHEN ?5 >= last_observed THEN ?6 ELSE scan_id END, "
	    "first_observed = min(first_observed, ?5), "
	    "last_observed = max(last_observed, ?5) WHERE id = ?1",
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
	    "last_seen) SELECT ?1, kind, value, first_seen, last_seen "
	    "FROM element_address WHERE element_id = ?2 "
	    "ON CONFLICT (element_id, kind, value) DO UPDATE SET "
	    "first_seen = min(first_seen, excluded.first_seen), "
	    "last_seen = max(last_seen, excluded.last_seen)",
	[S_MERGE_ADDR_DEL] = "DELETE FROM element_address WHERE element_id = ?2",
	[S_MERGE_KEY] =
	    "UPDATE element_key SET element_id = ?1 WHERE element_id = ?2",
	[S_MERGE_EV] =
	    "INSERT INTO element_evidence (element_id, kind, value, vendor, "
	    "strength, rule, first_observed, last_observed, scan_id) "
	    "SELECT ?1, kind, value, vendor, strength, rule, first_observed, "
	    "last_observed, scan_id FROM element_evidence WHERE element_id = ?2 "
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
	[S_MERGE_SOURCE_DEL] = "DELETE FROM element_source WHERE element_id = ?2",
	[S_MERGE_LINK_OUT] =
	    "INSERT INTO element_link (element_id, neighbour_id, protocol, "
	    "local_port, remote_port, first_seen, last_seen) "
	    "SELECT ?1, neighbour_id, protocol, local_port, remote_port, "
	    "first_seen, last_seen FROM element_link WHERE element_id = ?2 "
	    "ON CONFLICT DO UPDATE SET "
	    "first_seen = min(first_seen, excluded.first_seen), "
	    "last_seen = max(last_seen, excluded.last_seen)",
	[S_MERGE_LINK_OUT_DEL] = "DELETE FROM element_link WHERE element_id = ?2",
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

struct store {
	char *path;		/* owned */
	sqlite3 *db;
	enum store_mode mode;
	int found_version;	/* user_version before opening */
	int version;
	char *writer;		/* writer_token() of this process, owned */
	sqlite3_stmt *stmt[S_COUNT];
	sqlite3_stmt *evidence_stmt;	/* store_evidence(), prepared lazily */
	const struct classifier_ops *ops;	/* borrowed */
	size_t batch_size;
	size_t batch_count;	/* sightings in the open transaction */
	bool in_batch;
	char err[ERR_MAX];
};

/* A candidate element for a sighting and the key that found it. */
struct candidate {
	int64_t id;
	char first_seen[TIME_STRLEN];
	const char *reason;
};

static void set_error(struct store *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
static void set_db_error(struct store *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* Append to the error message, truncating at its end. */
static void
err_append(struct store *st, const char *text)
{
	size_t len = strnlen(st->err, sizeof(st->err));

	if (len < sizeof(st->err))
		str_copy(st->err + len, text, sizeof(st->err) - len);
}

static void
set_error(struct store *st, const char *fmt, ...)
{
	char msg[ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	str_copy(st->err, st->path, sizeof(st->err));
	err_append(st, ": ");
	err_append(st, msg);
}

/* Like set_error, with SQLite's message appended. */
static void
set_db_error(struct store *st, const char *fmt, ...)
{
	char msg[ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	str_copy(st->err, st->path, sizeof(st->err));
	err_append(st, ": ");
	err_append(st, msg);
	err_append(st, ": ");
	err_append(st, st->db != NULL ? sqlite3_errmsg(st->db) :
	    "no connection");
}

const char *
store_error(const struct store *st)
{
	return st->err;
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

/* Bind a value from the network verbatim: text when it is valid UTF-8 (so
 * SQL text functions work on it), the raw bytes as a BLOB otherwise. */
static int
bind_value(sqlite3_stmt *stmt, int idx, const char *value)
{
	size_t len;

	if (value == NULL)
		return sqlite3_bind_null(stmt, idx);
	len = strlen(value);
	if (utf8_valid(value, len))
		return sqlite3_bind_text64(stmt, idx, value, len, SQLITE_STATIC,
		    SQLITE_UTF8);
	return sqlite3_bind_blob64(stmt, idx, value, len, SQLITE_STATIC);
}

/* Bind a value of ours (names, times): empty and NULL are both NULL. */
static int
bind_text(sqlite3_stmt *stmt, int idx, const char *value)
{
	if (value == NULL || *value == '\0')
		return sqlite3_bind_null(stmt, idx);
	return sqlite3_bind_text(stmt, idx, value, -1, SQLITE_STATIC);
}

/* Step a statement that returns no row (or whose rows are ignored) and
 * reset it; 0 or -1 with the error set. */
static int
run(struct store *st, enum stmt_id id)
{
	sqlite3_stmt *stmt = st->stmt[id];
	int rc;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		;
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	if (rc != SQLITE_DONE) {
		set_db_error(st, "%.40s", stmt_sql[id] != NULL ? stmt_sql[id] :
		    sqlite3_sql(stmt));
		return -1;
	}
	return 0;
}

/* Step once; 1 with a row, 0 when done (statement reset), -1 on error. */
static int
step_row(struct store *st, sqlite3_stmt *stmt)
{
	int rc = sqlite3_step(stmt);

	if (rc == SQLITE_ROW)
		return 1;
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	if (rc == SQLITE_DONE)
		return 0;
	set_db_error(st, "%.40s", sqlite3_sql(stmt));
	return -1;
}

static void
done(sqlite3_stmt *stmt)
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
		set_error(st, "%s: %s", what, msg != NULL ? msg :
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
		set_db_error(st, "%s", sql);
		return -1;
	}
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(stmt, 0);
	else if (rc == SQLITE_DONE)
		*out = 0;
	else {
		set_db_error(st, "%s", sql);
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
		set_error(st, "%s", strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		set_error(st, "not a regular file");
		return -1;
	}
	if (sb.st_size == 0)
		return 0;
	file = xcalloc(1, (size_t)vfs->szOsFile);
	if (vfs->xOpen(vfs, st->path, file, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_MAIN_DB, NULL) != SQLITE_OK) {
		set_error(st, "cannot open: %s", strerror(errno));
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
		set_error(st, "not an SQLite database; refusing to touch it");
		return -1;
	}
	/* The header is authoritative once checkpointed; a WAL not yet
	 * checkpointed is checked again through SQLite below. */
	if (be32(hdr + 68) != 0 && be32(hdr + 68) != STORE_APPLICATION_ID) {
		set_error(st, "an SQLite database of another application "
		    "(application_id 0x%08x); refusing to touch it",
		    be32(hdr + 68));
		return -1;
	}
	if (be32(hdr + 68) == STORE_APPLICATION_ID &&
	    be32(hdr + 60) > (uint32_t)store_schema_latest()) {
		set_error(st, "schema version %u is newer than this vraudit "
		    "supports (%d); upgrade vraudit", be32(hdr + 60),
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
		set_error(st, "an SQLite database of another application "
		    "(application_id 0x%08x); refusing to touch it",
		    (unsigned)app);
		return -1;
	}
	if (version > store_schema_latest()) {
		set_error(st, "schema version %d is newer than this vraudit "
		    "supports (%d); upgrade vraudit", (int)version,
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

/* vraudit_text(x): x unchanged, except a BLOB becomes text with each byte
 * that is not part of valid UTF-8 written as \xNN (JSON cannot hold BLOBs). */
static void
sql_text_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *p;
	size_t len, n = 0;
	char *out;

	(void)argc;
	if (sqlite3_value_type(argv[0]) != SQLITE_BLOB) {
		sqlite3_result_value(ctx, argv[0]);
		return;
	}
	p = sqlite3_value_blob(argv[0]);
	len = (size_t)sqlite3_value_bytes(argv[0]);
	out = xmalloc(4 * len + 1);
	for (size_t i = 0; i < len;) {
		size_t seq = 1;
		if (p[i] >= 0xc0)
			seq = p[i] >= 0xf0 ? 4 : p[i] >= 0xe0 ? 3 : 2;
		if (p[i] >= 0x80 && (seq == 1 || i + seq > len ||
		    !utf8_valid(p + i, seq))) {
			snprintf(out + n, 5, "\\x%02x", p[i]);
			n += 4;
			i++;
			continue;
		}
		memcpy(out + n, p + i, seq);
		n += seq;
		i += seq;
	}
	sqlite3_result_text64(ctx, out, n, free, SQLITE_UTF8);
}

static int
db_connect(struct store *st, const char *name, int flags)
{
	if (sqlite3_open_v2(name, &st->db, flags, NULL) != SQLITE_OK) {
		set_db_error(st, "cannot open");
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
	for (size_t i = 0; i < N_FIELDS; i++) {
		tmp = xprintf("%s%s = CASE WHEN ?11 >= last_seen THEN "
		    "coalesce(?%zu, %s) ELSE coalesce(%s, ?%zu) END, ", update,
		    element_fields[i], i + 1, element_fields[i],
		    element_fields[i], i + 1);
		free(update);
		update = tmp;
	}
	tmp = xprintf("%sfirst_seen = min(first_seen, ?11), "
	    "last_seen = max(last_seen, ?11) WHERE id = ?12 "
	    "RETURNING rules_digest", update);
	free(update);
	update = tmp;

	merge = xstrdup("UPDATE element SET ");
	for (size_t i = 0; i < N_FIELDS; i++) {
		tmp = xprintf("%s%s = CASE WHEN l.last_seen > element.last_seen "
		    "THEN coalesce(l.%s, element.%s) ELSE "
		    "coalesce(element.%s, l.%s) END, ", merge, element_fields[i],
		    element_fields[i], element_fields[i], element_fields[i],
		    element_fields[i]);
		free(merge);
		merge = tmp;
	}
	tmp = xprintf("%sfirst_seen = min(element.first_seen, l.first_seen), "
	    "last_seen = max(element.last_seen, l.last_seen) "
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
		    SQLITE_PREPARE_PERSISTENT, &st->stmt[i], NULL) != SQLITE_OK) {
			set_db_error(st, "prepare %.40s", sql);
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

	while ((rc = step_row(st, stmt)) == 1) {
		const char *token = (const char *)sqlite3_column_text(stmt, 1);

		if (writer_alive(token))
			continue;
		ids = xreallocarray(ids, n + 1, sizeof(*ids));
		ids[n++] = sqlite3_column_int64(stmt, 0);
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		log_warnx("store", "%s: scan %lld was left running by a process "
		    "that stopped; marked interrupted", st->path,
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
		set_error(st, "cannot create the database in %s: %s", dir,
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
	 * until the commit rather than spilling them to the WAL twice. */
	if (exec(st, "PRAGMA cache_size = -65536", "cache size") == -1)
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
	if (migrate(st) == -1 || prepare_all(st) == -1)
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
		snprintf(st->err, sizeof(st->err), "no database at %s (run "
		    "'vraudit migrate' or a scan first)", st->path);
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
		set_error(st, "no vraudit schema yet (run 'vraudit migrate')");
		return -1;
	}
	if (st->version < store_schema_latest()) {
		set_error(st, "schema version %d is older than %d (run "
		    "'vraudit migrate')", st->version, store_schema_latest());
		return -1;
	}
	return 0;
}

struct store *
store_open(const char *path, enum store_mode mode, char *err, size_t errlen)
{
	struct store *st = xcalloc(1, sizeof(*st));

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
		snprintf(err, errlen, "%s", st->err);
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
		log_warnx("store", "%s", st->err);
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	sqlite3_finalize(st->evidence_stmt);
	if (st->db != NULL && sqlite3_close(st->db) != SQLITE_OK)
		log_warnx("store", "%s: close: %s", st->path,
		    sqlite3_errmsg(st->db));
	free(st->writer);
	free(st->path);
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

static int
writable(struct store *st)
{
	if (st->mode != STORE_READ_WRITE) {
		set_error(st, "opened read-only");
		return -1;
	}
	return 0;
}

/* Roll back the open transaction, if SQLite has not already; the error
 * that led here stays in st->err. */
static void
rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db)) {
		sqlite3_step(st->stmt[S_ROLLBACK]);
		done(st->stmt[S_ROLLBACK]);
	}
}

static int
batch_begin(struct store *st)
{
	if (st->in_batch)
		return 0;
	if (run(st, S_BEGIN) == -1)
		return -1;
	st->in_batch = true;
	st->batch_count = 0;
	return 0;
}

/* The transaction is gone (SQLite rolled it back, or the commit failed):
 * say how many sightings it took with it. */
static void
batch_lost(struct store *st, const char *what)
{
	char msg[64];

	snprintf(msg, sizeof(msg), "; the batch of %zu sighting(s) was "
	    "rolled back", st->batch_count);
	err_append(st, msg);
	err_append(st, " and is lost");
	log_warnx("store", "%s (%s)", st->err, what);
	st->in_batch = false;
	st->batch_count = 0;
}

int
store_flush(struct store *st)
{
	if (!st->in_batch)
		return 0;
	if (run(st, S_COMMIT) == -1) {
		rollback(st);
		batch_lost(st, "commit");
		return -1;
	}
	st->in_batch = false;
	st->batch_count = 0;
	return 0;
}

int64_t
store_scan_begin(struct store *st, const char *kind, const char *targets)
{
	char now[TIME_STRLEN];
	sqlite3_stmt *stmt = st->stmt[S_SCAN_INSERT];

	if (writable(st) == -1 || store_flush(st) == -1)
		return -1;
	time_format(time_now(), now);
	bind_text(stmt, 1, kind);
	bind_text(stmt, 2, now);
	bind_value(stmt, 3, targets);
	bind_text(stmt, 4, st->writer);
	if (run(st, S_SCAN_INSERT) == -1)
		return -1;
	return sqlite3_last_insert_rowid(st->db);
}

int
store_scan_end(struct store *st, int64_t scan_id, const char *status,
    int64_t responded, int64_t frames, const char *detail)
{
	char now[TIME_STRLEN];
	sqlite3_stmt *stmt = st->stmt[S_SCAN_END];

	if (writable(st) == -1 || store_flush(st) == -1)
		return -1;
	time_format(time_now(), now);
	sqlite3_bind_int64(stmt, 1, scan_id);
	bind_text(stmt, 2, status);
	bind_text(stmt, 3, now);
	sqlite3_bind_int64(stmt, 4, responded);
	sqlite3_bind_int64(stmt, 5, frames);
	bind_value(stmt, 6, detail);
	if (run(st, S_SCAN_END) == -1)
		return -1;
	if (sqlite3_changes(st->db) != 1) {
		set_error(st, "no scan %lld", (long long)scan_id);
		return -1;
	}
	return 0;
}

/*
 * A MAC usable as identity, canonical. Not: junk, group and all-zero
 * addresses, nor the virtual router MACs that VRRP, HSRP and GLBP move
 * between boxes (they would merge the routers sharing them).
 */
static bool
identity_mac(const char *text, char out[MAC_STRLEN])
{
	static const struct {
		uint8_t prefix[5];
		size_t len;
	} shared[] = {
		{ { 0x00, 0x00, 0x5e, 0x00, 0x01 }, 5 },	/* VRRP IPv4 */
		{ { 0x00, 0x00, 0x5e, 0x00, 0x02 }, 5 },	/* VRRP IPv6 */
		{ { 0x00, 0x00, 0x0c, 0x07, 0xac }, 5 },	/* HSRP v1 */
		{ { 0x00, 0x00, 0x0c, 0x9f, 0xf0 }, 4 },	/* HSRP v2, below */
		{ { 0x00, 0x07, 0xb4, 0x00 }, 4 },		/* GLBP */
	};
	uint8_t mac[MAC_LEN];

	if (text == NULL || mac_parse(text, mac) == -1 ||
	    mac_is_multicast(mac) || mac_is_zero(mac))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(shared); i++)
		if (memcmp(mac, shared[i].prefix, shared[i].len) == 0 &&
		    (i != 3 || (mac[4] & 0xf0) == 0xf0))
			return false;
	mac_format(mac, out);
	return true;
}

/* False for addresses many boxes share or report: unspecified, loopback,
 * link-local, multicast and broadcast. */
static bool
identity_ip(const char *canonical)
{
	unsigned char a[16];

	if (inet_pton(AF_INET, canonical, a) == 1)
		return !(a[0] == 0 || a[0] == 127 || a[0] >= 224 ||
		    (a[0] == 169 && a[1] == 254));
	if (inet_pton(AF_INET6, canonical, a) == 1) {
		static const unsigned char zero[15];

		if (memcmp(a, zero, 15) == 0 && (a[15] == 0 || a[15] == 1))
			return false;
		return !(a[0] == 0xff || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80));
	}
	return false;
}

/* Canonical text and kind ("ipv4"/"ipv6") of an address; verbatim when it
 * does not parse. */
static const char *
ip_kind(const char *text, char out[IP_STRLEN])
{
	int family;

	if (ip_canonical(text, out, IP_STRLEN, &family) == 0)
		return strchr(out, ':') != NULL ? "ipv6" : "ipv4";
	str_copy(out, text, IP_STRLEN);
	return strchr(text, ':') != NULL ? "ipv6" : "ipv4";
}

static void
add_candidate(struct candidate *c, size_t *n, int64_t id, const char *reason)
{
	for (size_t i = 0; i < *n; i++)
		if (c[i].id == id)
			return;
	if (*n == MAX_CANDIDATES)
		return;
	c[*n].id = id;
	c[*n].reason = reason;
	c[*n].first_seen[0] = '\0';
	(*n)++;
}

/* The candidate that survives a merge: the oldest, so the id auditors
 * already know stays. */
static int
oldest_candidate(struct store *st, struct candidate *c, size_t n,
    size_t *oldest)
{
	sqlite3_stmt *stmt = st->stmt[S_ELEMENT_FIRST];
	const unsigned char *first;
	int rc;

	*oldest = 0;
	for (size_t i = 0; n > 1 && i < n; i++) {
		sqlite3_bind_int64(stmt, 1, c[i].id);
		if ((rc = step_row(st, stmt)) != 1) {
			if (rc == 0)
				set_error(st, "element %lld vanished",
				    (long long)c[i].id);
			return -1;
		}
		first = sqlite3_column_text(stmt, 0);
		str_copy(c[i].first_seen, first != NULL ? (const char *)first :
		    "", TIME_STRLEN);
		done(stmt);
		if (strcmp(c[i].first_seen, c[*oldest].first_seen) < 0 ||
		    (strcmp(c[i].first_seen, c[*oldest].first_seen) == 0 &&
		    c[i].id < c[*oldest].id))
			*oldest = i;
	}
	return 0;
}

/* Elements holding a key (a MAC address or an identity key). */
static int
find_by(struct store *st, enum stmt_id id, const char *kind,
    const char *value, struct candidate *c, size_t *n, const char *reason)
{
	sqlite3_stmt *stmt = st->stmt[id];
	int rc, idx = 1;

	if (kind != NULL)
		bind_text(stmt, idx++, kind);
	bind_value(stmt, idx, value);
	while ((rc = step_row(st, stmt)) == 1)
		add_candidate(c, n, sqlite3_column_int64(stmt, 0), reason);
	return rc;
}

static bool
differ(const unsigned char *stored, const char *seen)
{
	return stored != NULL && seen != NULL &&
	    strcmp((const char *)stored, seen) != 0;
}

/*
 * The element that last held the sighting's management address, unless
 * that element has a different chassis MAC or LLDP chassis ID than the
 * sighting: then the address moved to another box (DHCP, replacement,
 * renumbering) and matching on it would merge two boxes.
 */
static int
find_by_ip(struct store *st, const struct sighting *s, const char *mac,
    struct candidate *c, size_t *n)
{
	sqlite3_stmt *stmt = st->stmt[S_FIND_IP];
	char ip[IP_STRLEN];
	const char *kind = ip_kind(s->mgmt_ip, ip);
	int64_t id;
	bool moved;
	int rc;

	if (!identity_ip(ip))
		return 0;
	bind_text(stmt, 1, kind);
	bind_value(stmt, 2, ip);
	if ((rc = step_row(st, stmt)) != 1)
		return rc;
	id = sqlite3_column_int64(stmt, 0);
	moved = differ(sqlite3_column_text(stmt, 1), mac) ||
	    differ(sqlite3_column_text(stmt, 2), s->chassis_id);
	done(stmt);
	if (moved) {
		log_debug("store", "address %s moved from element %lld to "
		    "another chassis", ip, (long long)id);
		return 0;
	}
	add_candidate(c, n, id, "mgmt-ip");
	return 0;
}

static char *
name_serial_key(const struct sighting *s)
{
	if (s->sys_name == NULL || s->serial == NULL ||
	    *s->sys_name == '\0' || *s->serial == '\0')
		return NULL;
	return xprintf("%s\x1f%s", s->sys_name, s->serial);
}

/* Gather every element a sighting's keys point to. */
static int
resolve(struct store *st, const struct sighting *s, const char *mac,
    const char *ns_key, struct candidate *c, size_t *n)
{
	char m[MAC_STRLEN];

	if (mac != NULL &&
	    find_by(st, S_FIND_MAC, NULL, mac, c, n, "chassis-mac") == -1)
		return -1;
	for (size_t i = 0; i < s->n_addrs; i++)
		if (s->addrs[i].kind == ADDR_MAC &&
		    identity_mac(s->addrs[i].value, m) &&
		    find_by(st, S_FIND_MAC, NULL, m, c, n, "mac") == -1)
			return -1;
	if (s->chassis_id != NULL && *s->chassis_id != '\0' &&
	    find_by(st, S_FIND_KEY, "chassis-id", s->chassis_id, c, n,
	    "chassis-id") == -1)
		return -1;
	if (ns_key != NULL && find_by(st, S_FIND_KEY, "name-serial", ns_key,
	    c, n, "name-serial") == -1)
		return -1;
	if (s->mgmt_ip != NULL && *s->mgmt_ip != '\0' &&
	    find_by_ip(st, s, mac, c, n) == -1)
		return -1;
	return 0;
}

/* Fold element loser into survivor: everything it owns moves, its row
 * stays as history with merged_into set. */
static int
merge(struct store *st, int64_t survivor, int64_t loser, int64_t scan_id,
    const char *reason, const char *when)
{
	static const enum stmt_id steps[] = {
		S_MERGE_ELEMENT, S_MERGE_ADDR, S_MERGE_ADDR_DEL, S_MERGE_KEY,
		S_MERGE_EV, S_MERGE_EV_DEL, S_MERGE_SOURCE, S_MERGE_SOURCE_DEL,
		S_MERGE_LINK_OUT, S_MERGE_LINK_OUT_DEL, S_MERGE_LINK_IN,
		S_MERGE_LINK_IN_DEL, S_MERGE_MARK,
	};
	sqlite3_stmt *rec = st->stmt[S_MERGE_RECORD];

	for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
		sqlite3_bind_int64(st->stmt[steps[i]], 1, survivor);
		sqlite3_bind_int64(st->stmt[steps[i]], 2, loser);
		if (run(st, steps[i]) == -1)
			return -1;
	}
	sqlite3_bind_int64(rec, 1, survivor);
	sqlite3_bind_int64(rec, 2, loser);
	bind_text(rec, 3, when);
	if (scan_id > 0)
		sqlite3_bind_int64(rec, 4, scan_id);
	bind_text(rec, 5, reason);
	if (run(st, S_MERGE_RECORD) == -1)
		return -1;
	log_info("store", "element %lld merged into %lld (%s)",
	    (long long)loser, (long long)survivor, reason);
	return 0;
}

/* Bind the sighting's element fields as ?1..?10 in element_fields order. */
static void
bind_fields(sqlite3_stmt *stmt, const struct sighting *s, const char *ip,
    const char *mac)
{
	const char *v[N_FIELDS] = {
		ip, mac, s->chassis_id, s->sys_name, s->sys_descr,
		s->sys_object_id, s->model, s->serial, s->software, s->zone,
	};

	for (size_t i = 0; i < N_FIELDS; i++)
		bind_value(stmt, (int)i + 1, v[i]);
}

/* Insert or update the element row; *digest_differs says whether its
 * verdict was made under other rules than the ones in force. */
static int
write_element(struct store *st, int64_t *id, const struct sighting *s,
    const char *ip, const char *mac, const char *when, bool *digest_differs)
{
	sqlite3_stmt *stmt;
	const char *want = st->ops != NULL ? st->ops->digest(st->ops->ctx) :
	    NULL;
	const unsigned char *have;
	int rc;

	if (*id == 0) {
		stmt = st->stmt[S_ELEMENT_INSERT];
		bind_fields(stmt, s, ip, mac);
		bind_text(stmt, 11, when);
		if (run(st, S_ELEMENT_INSERT) == -1)
			return -1;
		*id = sqlite3_last_insert_rowid(st->db);
		*digest_differs = true;
		return 0;
	}
	stmt = st->stmt[S_ELEMENT_UPDATE];
	bind_fields(stmt, s, ip, mac);
	bind_text(stmt, 11, when);
	sqlite3_bind_int64(stmt, 12, *id);
	if ((rc = step_row(st, stmt)) != 1) {
		if (rc == 0)
			set_error(st, "element %lld vanished", (long long)*id);
		return -1;
	}
	have = sqlite3_column_text(stmt, 0);
	*digest_differs = (have == NULL) != (want == NULL) ||
	    (have != NULL && strcmp((const char *)have, want) != 0);
	rc = step_row(st, stmt);	/* runs the statement to completion */
	if (rc == 1)
		done(stmt);
	return rc == -1 ? -1 : 0;
}

static int
upsert4(struct store *st, enum stmt_id id, int64_t element, const char *a,
    const char *b, const char *when)
{
	sqlite3_stmt *stmt = st->stmt[id];

	switch (id) {
	case S_ADDR_UPSERT:
		sqlite3_bind_int64(stmt, 1, element);
		bind_text(stmt, 2, a);
		bind_value(stmt, 3, b);
		bind_text(stmt, 4, when);
		break;
	case S_KEY_UPSERT:
		bind_text(stmt, 1, a);
		bind_value(stmt, 2, b);
		sqlite3_bind_int64(stmt, 3, element);
		bind_text(stmt, 4, when);
		break;
	default:	/* S_SOURCE_UPSERT */
		sqlite3_bind_int64(stmt, 1, element);
		bind_text(stmt, 2, a);
		bind_text(stmt, 3, when);
		break;
	}
	return run(st, id);
}

static int
write_keys(struct store *st, int64_t id, const struct sighting *s,
    const char *ip, const char *mac, const char *ns_key, const char *when)
{
	char buf[IP_STRLEN > MAC_STRLEN ? IP_STRLEN : MAC_STRLEN];

	if (mac != NULL &&
	    upsert4(st, S_ADDR_UPSERT, id, "mac", mac, when) == -1)
		return -1;
	if (ip != NULL && upsert4(st, S_ADDR_UPSERT, id, ip_kind(ip, buf), buf,
	    when) == -1)
		return -1;
	for (size_t i = 0; i < s->n_addrs; i++) {
		const struct sighting_addr *a = &s->addrs[i];
		const char *kind = addr_kind_name(a->kind);

		if (a->kind == ADDR_MAC) {
			if (!identity_mac(a->value, buf))
				continue;
		} else
			kind = ip_kind(a->value, buf);
		if (upsert4(st, S_ADDR_UPSERT, id, kind, buf, when) == -1)
			return -1;
	}
	if (s->chassis_id != NULL && *s->chassis_id != '\0' &&
	    upsert4(st, S_KEY_UPSERT, id, "chassis-id", s->chassis_id,
	    when) == -1)
		return -1;
	if (ns_key != NULL && upsert4(st, S_KEY_UPSERT, id, "name-serial",
	    ns_key, when) == -1)
		return -1;
	if (s->source != NULL && upsert4(st, S_SOURCE_UPSERT, id, s->source,
	    NULL, when) == -1)
		return -1;
	return 0;
}

static void
assess(const struct classifier_ops *ops, enum evidence_kind kind,
    const char *value, struct evidence *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->value = value;
	if (ops == NULL)
		return;
	if (ops->assess(ops->ctx, kind, value, ev) == -1) {
		log_debug("store", "%s evidence not assessed",
		    evidence_kind_name(kind));
		memset(ev, 0, sizeof(*ev));
		ev->kind = kind;
		ev->value = value;
	}
}

static bool
same_text(const unsigned char *stored, const char *now)
{
	if (stored == NULL || *stored == '\0')
		return now == NULL || *now == '\0';
	return now != NULL && strcmp((const char *)stored, now) == 0;
}

static void
bind_assessment(sqlite3_stmt *stmt, int idx, const struct evidence *ev)
{
	bind_text(stmt, idx, ev->vendor);
	sqlite3_bind_double(stmt, idx + 1, ev->strength);
	bind_text(stmt, idx + 2, ev->rule);
}

/* Insert or refresh one piece of evidence; *changed when the element's
 * evidence set or an assessment is new. */
static int
write_evidence(struct store *st, int64_t id, int64_t scan_id,
    const struct sighting_input *in, const char *when, bool *changed)
{
	sqlite3_stmt *get = st->stmt[S_EV_GET], *stmt;
	const char *kind = evidence_kind_name(in->kind);
	struct evidence ev;
	int64_t ev_id;
	int rc;

	if (in->value == NULL)
		return 0;
	assess(st->ops, in->kind, in->value, &ev);
	sqlite3_bind_int64(get, 1, id);
	bind_text(get, 2, kind);
	bind_value(get, 3, in->value);
	if ((rc = step_row(st, get)) == -1)
		return -1;
	if (rc == 0) {
		stmt = st->stmt[S_EV_INSERT];
		sqlite3_bind_int64(stmt, 1, id);
		bind_text(stmt, 2, kind);
		bind_value(stmt, 3, in->value);
		bind_assessment(stmt, 4, &ev);
		bind_text(stmt, 7, when);
		if (scan_id > 0)
			sqlite3_bind_int64(stmt, 8, scan_id);
		*changed = true;
		return run(st, S_EV_INSERT);
	}
	ev_id = sqlite3_column_int64(get, 0);
	if (!same_text(sqlite3_column_text(get, 1), ev.vendor) ||
	    sqlite3_column_double(get, 2) != ev.strength ||
	    !same_text(sqlite3_column_text(get, 3), ev.rule))
		*changed = true;
	done(get);
	stmt = st->stmt[S_EV_UPDATE];
	sqlite3_bind_int64(stmt, 1, ev_id);
	bind_assessment(stmt, 2, &ev);
	bind_text(stmt, 5, when);
	if (scan_id > 0)
		sqlite3_bind_int64(stmt, 6, scan_id);
	return run(st, S_EV_UPDATE);
}

struct loaded {
	struct evidence *ev;
	int64_t *ids;
	char **values;		/* owned copies behind ev[i].value */
	size_t n;
};

static void
loaded_free(struct loaded *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->values[i]);
	free(l->ev);
	free(l->ids);
	free(l->values);
	memset(l, 0, sizeof(*l));
}

/* Load an element's evidence, as stored (reassess false) or assessed
 * afresh with ops. */
static int
load_evidence(struct store *st, int64_t id, const struct classifier_ops *ops,
    bool reassess, struct loaded *l)
{
	sqlite3_stmt *stmt = st->stmt[S_EV_LOAD];
	size_t cap = 0;
	int rc;

	memset(l, 0, sizeof(*l));
	sqlite3_bind_int64(stmt, 1, id);
	while ((rc = step_row(st, stmt)) == 1) {
		const char *kind = (const char *)sqlite3_column_text(stmt, 0);
		const void *value = sqlite3_column_blob(stmt, 1);
		size_t len = (size_t)sqlite3_column_bytes(stmt, 1);
		const unsigned char *col;
		struct evidence *ev;
		int k = evidence_kind_parse(kind != NULL ? kind : "");

		if (k == -1)
			continue;
		if (l->n == cap) {
			cap = cap == 0 ? 8 : 2 * cap;
			l->ev = xreallocarray(l->ev, cap, sizeof(*l->ev));
			l->ids = xreallocarray(l->ids, cap, sizeof(*l->ids));
			l->values = xreallocarray(l->values, cap,
			    sizeof(*l->values));
		}
		l->values[l->n] = xstrndup(value != NULL ? value : "", len);
		l->ids[l->n] = sqlite3_column_int64(stmt, 5);
		ev = &l->ev[l->n];
		if (reassess)
			assess(ops, (enum evidence_kind)k, l->values[l->n], ev);
		else {
			memset(ev, 0, sizeof(*ev));
			ev->kind = (enum evidence_kind)k;
			ev->value = l->values[l->n];
			if ((col = sqlite3_column_text(stmt, 2)) != NULL)
				str_copy(ev->vendor, (const char *)col,
				    sizeof(ev->vendor));
			ev->strength = sqlite3_column_double(stmt, 3);
			if ((col = sqlite3_column_text(stmt, 4)) != NULL)
				str_copy(ev->rule, (const char *)col,
				    sizeof(ev->rule));
		}
		l->n++;
	}
	if (rc == -1) {
		loaded_free(l);
		return -1;
	}
	return 0;
}

/* Whether the stored verdict of element id differs from v (the rules
 * digest aside). */
static int
verdict_differs(struct store *st, int64_t id, const struct verdict *v,
    bool *differs)
{
	sqlite3_stmt *stmt = st->stmt[S_VERDICT_GET];
	int rc;

	sqlite3_bind_int64(stmt, 1, id);
	if ((rc = step_row(st, stmt)) != 1) {
		if (rc == 0)
			set_error(st, "element %lld vanished", (long long)id);
		return -1;
	}
	*differs = !same_text(sqlite3_column_text(stmt, 0), v->vendor) ||
	    !same_text(sqlite3_column_text(stmt, 1), v->vendor_name) ||
	    !same_text(sqlite3_column_text(stmt, 2), risk_name(v->risk)) ||
	    sqlite3_column_double(stmt, 3) != v->confidence ||
	    (sqlite3_column_int(stmt, 4) != 0) != v->conflict;
	done(stmt);
	return 0;
}

/* Fuse the loaded evidence into a verdict and store it; *changed (may be
 * NULL) when the verdict differs from the stored one. */
static int
write_verdict(struct store *st, int64_t id, const struct classifier_ops *ops,
    const struct loaded *l, bool *changed)
{
	sqlite3_stmt *stmt = st->stmt[S_VERDICT];
	struct verdict v;

	memset(&v, 0, sizeof(v));
	v.risk = RISK_UNKNOWN;
	if (ops != NULL) {
		if (ops->fuse(ops->ctx, l->ev, l->n, &v) == -1) {
			log_warnx("store", "%s: element %lld: classifier could "
			    "not fuse its evidence", st->path, (long long)id);
			memset(&v, 0, sizeof(v));
			v.risk = RISK_UNKNOWN;
		}
		str_copy(v.digest, ops->digest(ops->ctx), sizeof(v.digest));
	}
	if (changed != NULL && verdict_differs(st, id, &v, changed) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	bind_text(stmt, 2, v.vendor);
	bind_text(stmt, 3, v.vendor_name);
	bind_text(stmt, 4, risk_name(v.risk));
	sqlite3_bind_double(stmt, 5, v.confidence);
	sqlite3_bind_int(stmt, 6, v.conflict ? 1 : 0);
	bind_text(stmt, 7, v.digest);
	return run(st, S_VERDICT);
}

static int
classify_element(struct store *st, int64_t id)
{
	struct loaded l;
	int rc;

	if (load_evidence(st, id, st->ops, false, &l) == -1)
		return -1;
	rc = write_verdict(st, id, st->ops, &l, NULL);
	loaded_free(&l);
	return rc;
}

static int
record(struct store *st, int64_t scan_id, const struct sighting *s,
    int64_t *element_id)
{
	struct candidate c[MAX_CANDIDATES];
	char when[TIME_STRLEN], macbuf[MAC_STRLEN], ipbuf[IP_STRLEN];
	const char *mac = NULL, *ip = NULL;
	char *ns_key = name_serial_key(s);
	bool stale = false, evidence_changed = false;
	size_t n = 0, oldest = 0;
	int64_t id = 0;
	int rc = -1;

	time_format(s->observed_at, when);
	if (identity_mac(s->chassis_mac, macbuf))
		mac = macbuf;
	if (s->mgmt_ip != NULL && *s->mgmt_ip != '\0') {
		ip_kind(s->mgmt_ip, ipbuf);
		ip = ipbuf;
	}
	if (resolve(st, s, mac, ns_key, c, &n) == -1)
		goto out;
	if (oldest_candidate(st, c, n, &oldest) == -1)
		goto out;
	if (n > 0)
		id = c[oldest].id;
	for (size_t i = 0; i < n; i++)
		if (i != oldest && merge(st, id, c[i].id, scan_id,
		    c[i].reason, when) == -1)
			goto out;
	if (write_element(st, &id, s, ip, mac, when, &stale) == -1 ||
	    write_keys(st, id, s, ip, mac, ns_key, when) == -1)
		goto out;
	for (size_t i = 0; i < s->n_inputs; i++)
		if (write_evidence(st, id, scan_id, &s->inputs[i], when,
		    &evidence_changed) == -1)
			goto out;
	if ((stale || evidence_changed || n > 1) &&
	    classify_element(st, id) == -1)
		goto out;
	if (element_id != NULL)
		*element_id = id;
	rc = 0;
out:
	free(ns_key);
	return rc;
}

int
store_record(struct store *st, int64_t scan_id, const struct sighting *s,
    int64_t *element_id)
{
	if (writable(st) == -1 || batch_begin(st) == -1)
		return -1;
	if (run(st, S_SAVEPOINT) == -1)
		goto lost;
	if (record(st, scan_id, s, element_id) == -1) {
		char msg[ERR_MAX];

		if (sqlite3_get_autocommit(st->db))
			goto lost;
		/* Undo this sighting only; the batch stays. */
		str_copy(msg, st->err, sizeof(msg));
		if (run(st, S_ROLLBACK_TO) == -1 || run(st, S_RELEASE) == -1)
			goto lost;
		str_copy(st->err, msg, sizeof(st->err));
		err_append(st, "; sighting not recorded");
		return -1;
	}
	if (run(st, S_RELEASE) == -1)
		goto lost;
	st->batch_count++;
	if (st->batch_count >= st->batch_size)
		return store_flush(st);
	return 0;
lost:
	rollback(st);
	st->batch_count++;
	batch_lost(st, "record");
	return -1;
}

int
store_link(struct store *st, int64_t element_id, int64_t neighbour_id,
    const char *protocol, const char *local_port, const char *remote_port,
    int64_t when)
{
	sqlite3_stmt *stmt = st->stmt[S_LINK_UPSERT];
	char t[TIME_STRLEN];

	if (writable(st) == -1 || batch_begin(st) == -1)
		return -1;
	time_format(when, t);
	sqlite3_bind_int64(stmt, 1, element_id);
	sqlite3_bind_int64(stmt, 2, neighbour_id);
	bind_text(stmt, 3, protocol);
	bind_value(stmt, 4, local_port != NULL ? local_port : "");
	bind_value(stmt, 5, remote_port != NULL ? remote_port : "");
	bind_text(stmt, 6, t);
	if (run(st, S_LINK_UPSERT) == -1) {
		if (sqlite3_get_autocommit(st->db))
			batch_lost(st, "link");
		return -1;
	}
	return 0;
}

int
store_reclassify(struct store *st, const struct classifier_ops *ops,
    int *changed)
{
	sqlite3_stmt *stale = st->stmt[S_STALE];
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	int rc, count = 0;

	if (changed != NULL)
		*changed = 0;
	if (writable(st) == -1 || store_flush(st) == -1)
		return -1;
	bind_text(stale, 1, ops->digest(ops->ctx));
	while ((rc = step_row(st, stale)) == 1) {
		if (n == cap) {
			cap = cap == 0 ? 64 : 2 * cap;
			ids = xreallocarray(ids, cap, sizeof(*ids));
		}
		ids[n++] = sqlite3_column_int64(stale, 0);
	}
	if (rc == -1 || run(st, S_BEGIN) == -1) {
		free(ids);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct loaded l;
		bool diff = false;

		if (load_evidence(st, ids[i], ops, true, &l) == -1)
			goto fail;
		for (size_t k = 0; k < l.n; k++) {
			sqlite3_stmt *stmt = st->stmt[S_EV_REASSESS];

			sqlite3_bind_int64(stmt, 1, l.ids[k]);
			bind_assessment(stmt, 2, &l.ev[k]);
			if (run(st, S_EV_REASSESS) == -1) {
				loaded_free(&l);
				goto fail;
			}
		}
		rc = write_verdict(st, ids[i], ops, &l, &diff);
		loaded_free(&l);
		if (rc == -1)
			goto fail;
		if (diff)
			count++;
	}
	free(ids);
	if (run(st, S_COMMIT) == -1)
		goto fail_nofree;
	if (changed != NULL)
		*changed = count;
	return 0;
fail:
	free(ids);
fail_nofree:
	rollback(st);
	return -1;
}

/* Reading. */

static const char inventory_where[] =
    " WHERE (?1 IS NULL OR risk = ?1) AND (?2 IS NULL OR vendor = ?2)"
    " AND (?3 IS NULL OR zone = ?3)";

static void
bind_filter(sqlite3_stmt *stmt, const struct store_filter *f)
{
	if (f == NULL)
		return;
	bind_value(stmt, 1, f->risk);
	bind_value(stmt, 2, f->vendor);
	bind_value(stmt, 3, f->zone);
}

static void
fill_cell(sqlite3_stmt *stmt, int i, struct store_cell *c)
{
	c->name = sqlite3_column_name(stmt, i);
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
	if (c->type == STORE_CELL_BLOB)
		c->bytes = sqlite3_column_blob(stmt, i);
	else
		c->bytes = sqlite3_column_text(stmt, i);
	if (c->bytes == NULL)
		c->bytes = (const unsigned char *)"";
	c->len = (size_t)sqlite3_column_bytes(stmt, i);
}

/* Pass each row of stmt to fn, then finalize stmt (or only reset it when
 * keep, for a statement the store caches). 0, -1 or fn's non-zero. */
static int
each_row(struct store *st, sqlite3_stmt *stmt, bool keep, store_row_fn fn,
    void *arg)
{
	int ncol = sqlite3_column_count(stmt), rc, ret = 0;
	struct store_cell *cells = xcalloc((size_t)ncol, sizeof(*cells));

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		for (int i = 0; i < ncol; i++)
			fill_cell(stmt, i, &cells[i]);
		if ((ret = fn(arg, cells, (size_t)ncol)) != 0)
			break;
	}
	free(cells);
	if (ret == 0 && rc != SQLITE_DONE) {
		set_db_error(st, "query");
		ret = -1;
	}
	if (keep)
		done(stmt);
	else
		sqlite3_finalize(stmt);
	return ret;
}

static sqlite3_stmt *
prepare(struct store *st, const char *sql)
{
	sqlite3_stmt *stmt;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		set_db_error(st, "query");
		return NULL;
	}
	return stmt;
}

int
store_inventory(struct store *st, const struct store_filter *f,
    store_row_fn fn, void *arg)
{
	sqlite3_stmt *stmt;
	char *sql;

	sql = xprintf("SELECT * FROM inventory%s ORDER BY element_id",
	    inventory_where);
	stmt = prepare(st, sql);
	free(sql);
	if (stmt == NULL)
		return -1;
	bind_filter(stmt, f);
	return each_row(st, stmt, false, fn, arg);
}

int
store_evidence(struct store *st, int64_t element_id, store_row_fn fn,
    void *arg)
{
	/* Called once per element of a listing: prepared once. */
	if (st->evidence_stmt == NULL && (st->evidence_stmt = prepare(st,
	    "SELECT * FROM evidence WHERE element_id = ?1 "
	    "ORDER BY kind, value")) == NULL)
		return -1;
	sqlite3_bind_int64(st->evidence_stmt, 1, element_id);
	return each_row(st, st->evidence_stmt, true, fn, arg);
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
	char *sql, *out = NULL;
	int rc;

	sql = xprintf("SELECT json_group_array(json(j)) FROM (SELECT "
	    "json_object('element_id', element_id, "
	    "'mgmt_ip', vraudit_text(mgmt_ip), 'mac', vraudit_text(mac), "
	    "'sys_name', vraudit_text(sys_name), "
	    "'sys_descr', vraudit_text(sys_descr), "
	    "'sys_object_id', vraudit_text(sys_object_id), "
	    "'vendor', vendor, 'vendor_name', vendor_name, 'risk', risk, "
	    "'confidence', confidence, 'conflict', conflict, "
	    "'zone', vraudit_text(zone), 'model', vraudit_text(model), "
	    "'serial', vraudit_text(serial), "
	    "'software', vraudit_text(software), "
	    "'first_seen', first_seen, 'last_seen', last_seen, "
	    "'sources', sources%s) AS j FROM inventory i%s "
	    "ORDER BY element_id)", with_evidence ? evidence : "",
	    inventory_where);
	stmt = prepare(st, sql);
	free(sql);
	if (stmt == NULL)
		return NULL;
	bind_filter(stmt, f);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		const unsigned char *text = sqlite3_column_text(stmt, 0);
		out = xstrdup(text != NULL ? (const char *)text : "[]");
	} else
		set_db_error(st, "inventory as JSON");
	sqlite3_finalize(stmt);
	return out;
}
