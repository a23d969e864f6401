/*
 * Opening the store's file: checking that it is ours before SQLite or a
 * writer touches it, the migrations, a writer's identity (so that a scan
 * left running by a process that is gone is marked interrupted), and the
 * read-only and read-write connections.
 */
#include "store/store.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "common/log.h"
#include "common/text.h"
#include "common/util.h"
#include "schema/schema.h"
#include "store/store_private.h"

/* Run SQL text that is ours (pragmas, migrations). */
static int
exec(struct store *st, const char *sql, const char *what)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		store_set_error(st, "%s: %s", what,
		    msg != NULL ? msg : sqlite3_errmsg(st->db));
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
	if (vfs->xOpen(vfs, st->path, file,
		SQLITE_OPEN_READONLY | SQLITE_OPEN_MAIN_DB,
		NULL) != SQLITE_OK) {
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
		store_set_error(st,
		    "not an SQLite database; refusing to touch "
		    "it");
		return -1;
	}
	/* The header is authoritative once checkpointed; a WAL not yet
	 * checkpointed is checked again through SQLite below. */
	if (be32(hdr + 68) != 0 && be32(hdr + 68) != STORE_APPLICATION_ID) {
		store_set_error(st,
		    "an SQLite database of another application "
		    "(application_id 0x%08x); refusing to touch it",
		    be32(hdr + 68));
		return -1;
	}
	if (be32(hdr + 68) == STORE_APPLICATION_ID &&
	    be32(hdr + 60) > (uint32_t)store_schema_latest()) {
		store_set_error(st,
		    "schema version %u is newer than this "
		    "vraudit supports (%d); upgrade vraudit",
		    be32(hdr + 60), store_schema_latest());
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
	if (app != STORE_APPLICATION_ID &&
	    (app != 0 || objects != 0 || version != 0)) {
		store_set_error(st,
		    "an SQLite database of another application "
		    "(application_id 0x%08x); refusing to touch it",
		    (unsigned)app);
		return -1;
	}
	if (version > store_schema_latest()) {
		store_set_error(st,
		    "schema version %d is newer than this "
		    "vraudit supports (%d); upgrade vraudit",
		    (int)version, store_schema_latest());
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
	if (sqlite3_open_v2(name, &st->db, flags | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
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
 * with its user_version bump, so a crash leaves a consistent version.
 * Foreign keys are off meanwhile, as SQLite's procedure for rebuilding a
 * table asks (a table others refer to is renamed, copied and dropped);
 * each migration is checked for dangling references before it commits. */
static int
migrate_all(struct store *st)
{
	int64_t version, cookie;

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
		if (exec(st, m->sql, m->name) == -1 ||
		    query_int(st, "PRAGMA schema_version", &cookie) == -1)
			goto fail;
		/* The schema cookie moves on also after a migration that
		 * rewrote a definition in place (version 11), so that every
		 * other connection reads the schema again. */
		bump = xprintf("PRAGMA application_id = %d; "
			       "PRAGMA user_version = %d; "
			       "PRAGMA schema_version = %lld",
		    STORE_APPLICATION_ID, m->version, (long long)cookie + 1);
		if (exec(st, bump, "set schema version") == -1) {
			free(bump);
			goto fail;
		}
		free(bump);
		if (query_int(st,
			"SELECT count(*) FROM pragma_foreign_key_check",
			&version) == -1)
			goto fail;
		if (version > 0) {
			store_set_error(st,
			    "%s: %lld rows refer to rows that are gone",
			    m->name, (long long)version);
			goto fail;
		}
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
migrate(struct store *st)
{
	int rc, defensive = 0;

	if (exec(st, "PRAGMA foreign_keys = OFF", "foreign keys") == -1)
		return -1;
	/* A library built defensive would refuse version 11's rewrite of
	 * two table definitions: the migrations are ours. */
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, -1, &defensive);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 0, NULL);
	rc = migrate_all(st);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, defensive, NULL);
	if (exec(st, "PRAGMA foreign_keys = ON", "foreign keys") == -1)
		rc = -1;
	return rc;
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
		log_warnx("store",
		    "%s: scan %lld was left running by a "
		    "process that stopped; marked interrupted",
		    st->path, (long long)ids[i]);
		if (store_scan_end(st, ids[i], "interrupted", -1, -1,
			"the process recording this scan stopped before its end") ==
		    -1)
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

/* The first of the old chain's problems, and how many. */
struct legacy_findings {
	char first[512];
	int64_t n;
};

static void
legacy_finding(void *arg, const char *finding)
{
	struct legacy_findings *f = arg;

	if (f->n++ == 0)
		str_copy(f->first, finding, sizeof(f->first));
}

/*
 * A database from before leaves (schema version 4) holds elements the
 * chain has no leaf of: the migration left a note, and the first writer
 * commits their state as one batch, before anything else changes them.
 * Only over an old chain that verifies: committing an edited element's
 * state would launder the edit.
 */
static int
genesis(struct store *st)
{
	struct legacy_findings f = { "", 0 };
	struct store_audit_report r;
	int64_t pending;

	if (query_int(st, "SELECT count(*) FROM audit_pending", &pending) == -1)
		return -1;
	if (pending == 0)
		return 0;
	if (exec(st, "BEGIN IMMEDIATE", "begin") == -1)
		return -1;
	if (store_audit_verify_legacy(st, legacy_finding, &f, &r) == -1) {
		store_rollback(st);
		return -1;
	}
	if (f.n > 0) {
		store_rollback(st);
		store_set_error(st,
		    "the audit chain written before schema version 4 does not "
		    "verify (%" PRId64 " problem%s, first: %s): its elements "
		    "were not committed to the new chain and nothing is written "
		    "(run 'vraudit verify')",
		    f.n, f.n == 1 ? "" : "s", f.first);
		return -1;
	}
	if (store_leaf_genesis(st) == -1 || store_leaf_commit(st) == -1 ||
	    exec(st, "DELETE FROM audit_pending", "audit_pending") == -1 ||
	    exec(st, "COMMIT", "commit") == -1) {
		store_rollback(st);
		return -1;
	}
	log_info("store",
	    "%s: the state of every element committed to the "
	    "audit chain",
	    st->path);
	return 0;
}

static int
open_read_write(struct store *st)
{
	int rc = precheck_file(st);

	if (rc == -1)
		return -1;
	if (rc == 1 && cannot_create(st))
		return -1;
	if (db_connect(st, st->path,
		SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) == -1)
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
	if (migrate(st) == -1 || store_prepare_all(st) == -1 ||
	    store_audit_prepare(st) == -1 || genesis(st) == -1)
		return -1;
	st->writer = writer_token((long)getpid());
	return mark_interrupted(st);
}

/* Connect read-only through uri and read the file's identity; -1 with
 * the SQLite result code in *code. */
static int
connect_read_only(struct store *st, const char *query, bool exclusive,
    int *code)
{
	char *uri = path_uri(st->path, query);
	int rc;

	*code = SQLITE_OK;
	rc = db_connect(st, uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
	free(uri);
	/* Before the first read: the WAL index is then kept in memory. */
	if (rc == 0 && exclusive)
		rc =
		    exec(st, "PRAGMA locking_mode = EXCLUSIVE", "locking mode");
	if (rc == 0)
		rc = check_identity(st);
	if (rc == -1 && st->db != NULL) {
		*code = sqlite3_extended_errcode(st->db);
		sqlite3_close(st->db);
		st->db = NULL;
	}
	return rc;
}

static bool
file_exists(const char *path, off_t *size)
{
	struct stat sb;

	if (stat(path, &sb) == -1)
		return false;
	*size = sb.st_size;
	return true;
}

/*
 * A reader of a WAL database needs its -shm file, and creates it when it
 * is missing (a clean close removes it): on a read-only file system (an
 * archived copy) it cannot, and SQLite says only "unable to open database
 * file". Nobody can write there, so no locks are needed: with a -wal file
 * holding commits, the WAL index is built in memory (no locking and
 * exclusive mode, as SQLite's WAL documentation describes); without one,
 * the main file holds everything and is opened immutable. Elsewhere it
 * only says why. 0, or -1 with the error set.
 */
static int
open_without_shm(struct store *st, int first_code)
{
	char *wal = xprintf("%s-wal", st->path);
	char *shm = xprintf("%s-shm", st->path);
	char *dir;
	bool has_wal, has_shm;
	off_t wal_size = 0, shm_size = 0;
	struct statvfs fs;
	int code = first_code, rc = -1;

	has_wal = file_exists(wal, &wal_size) && wal_size > 0;
	has_shm = file_exists(shm, &shm_size);
	/* SQLite says CANTOPEN, or READONLY when the directory is not
	 * writable. */
	if ((first_code & 0xff) != SQLITE_CANTOPEN &&
	    (first_code & 0xff) != SQLITE_READONLY)
		goto out;
	if (statvfs(st->path, &fs) == 0 && (fs.f_flag & ST_RDONLY)) {
		if (has_wal)
			rc = connect_read_only(st, "?mode=ro&vfs=unix-none",
			    true, &code);
		else
			rc = connect_read_only(st, "?mode=ro&immutable=1",
			    false, &code);
		if (rc == -1)
			store_set_error(st,
			    "cannot open on a read-only file system (%s, "
			    "%s): %s",
			    has_shm ? "a -shm file" : "no -shm file",
			    has_wal ? "commits in the -wal file"
				    : "no commits in a -wal file",
			    sqlite3_errstr(code));
		goto out;
	}
	if (has_shm)
		goto out; /* not for want of the -shm file */
	dir = xstrdup(st->path);
	if (strrchr(dir, '/') != NULL)
		*strrchr(dir, '/') = '\0';
	else {
		free(dir);
		dir = xstrdup(".");
	}
	store_set_error(st,
	    "cannot open: no %s file and it cannot be created (%s); a "
	    "reader of a WAL database needs one: read it as a user who may "
	    "write to its directory",
	    shm,
	    access(*dir != '\0' ? dir : "/", W_OK) == -1
		? strerror(errno)
		: sqlite3_errstr(first_code));
	free(dir);
out:
	free(wal);
	free(shm);
	return rc;
}

static int
open_read_only(struct store *st, bool any_version)
{
	int rc, code;

	rc = precheck_file(st);
	if (rc == 1) {
		strbuf_reset(&st->err);
		strbuf_printf(&st->err,
		    "no database at %s (run 'vraudit "
		    "migrate' or a scan first)",
		    st->path);
		return -1;
	}
	if (rc == -1)
		return -1;
	if (connect_read_only(st, "?mode=ro", false, &code) == -1 &&
	    open_without_shm(st, code) == -1)
		return -1;
	if (st->version == 0) {
		store_set_error(st,
		    "no vraudit schema yet (run 'vraudit "
		    "migrate')");
		return -1;
	}
	if (st->version < store_schema_latest() && !any_version) {
		store_set_error(st,
		    "schema version %d is older than %d (run "
		    "'vraudit migrate')",
		    st->version, store_schema_latest());
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
	st->retire_after_ms = STORE_RETIRE_NEVER;
	if (*path == '\0') {
		/* SQLite would open a private temporary database. */
		snprintf(err, errlen, "empty database path");
		store_close(st);
		return NULL;
	}
	if ((mode == STORE_READ_WRITE
		    ? open_read_write(st)
		    : open_read_only(st, mode == STORE_READ_AUDIT)) == -1) {
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
	store_leaf_finish(st);
	store_tally_finish(st);
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	sqlite3_finalize(st->evidence_stmt);
	for (size_t t = 0; t < STORE_IMPORT_TABLES; t++)
		sqlite3_finalize(st->import[t]);
	if (st->db != NULL && sqlite3_close(st->db) != SQLITE_OK)
		log_warnx("store", "%s: close: %s", st->path,
		    sqlite3_errmsg(st->db));
	free(st->writer);
	free(st->path);
	strbuf_finish(&st->err);
	free(st);
}
