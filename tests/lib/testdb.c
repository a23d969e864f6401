/*
 * One value at a time from a read-only connection. See testdb.h.
 */
#include <check.h>
#include <stdlib.h>

#include "common/util.h"
#include "tests/lib/testdb.h"

sqlite3 *
testdb_open(const char *path)
{
	char *uri = xprintf("file:%s?mode=ro", path);
	sqlite3 *db;

	ck_assert_msg(sqlite3_open_v2(uri, &db,
			  SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
			  NULL) == SQLITE_OK,
	    "%s: %s", uri, sqlite3_errmsg(db));
	sqlite3_busy_timeout(db, 5000);
	free(uri);
	return db;
}

static sqlite3_stmt *
prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt;

	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK,
	    "%s: %s", sql, sqlite3_errmsg(db));
	return stmt;
}

int64_t
testdb_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt = prepare(db, sql);
	int64_t v = -1;

	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

char *
testdb_text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt = prepare(db, sql);
	char *v = NULL;

	if (sqlite3_step(stmt) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(stmt, 0);

		v = xstrdup(t != NULL ? (const char *)t : "NULL");
	}
	sqlite3_finalize(stmt);
	ck_assert_msg(v != NULL, "no row: %s", sql);
	return v;
}

int64_t
testdb_file_int(const char *path, const char *sql)
{
	sqlite3 *db = testdb_open(path);
	int64_t v = testdb_int(db, sql);

	sqlite3_close(db);
	return v;
}

char *
testdb_file_text(const char *path, const char *sql)
{
	sqlite3 *db = testdb_open(path);
	char *v = testdb_text(db, sql);

	sqlite3_close(db);
	return v;
}
