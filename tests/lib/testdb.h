/*
 * Reading a database the way an auditor with sqlite3 would: a read-only
 * connection of its own, one value per query.
 */
#ifndef VRAUDIT_TESTS_TESTDB_H
#define VRAUDIT_TESTS_TESTDB_H

#include <sqlite3.h>
#include <stdint.h>

/* A read-only connection to PATH (file:PATH?mode=ro) that waits up to 5 s
 * for a writer's lock; fails the test when it cannot be opened. */
sqlite3 *testdb_open(const char *path);
/* The first column of SQL's first row as an integer, -1 when there is no
 * row; a statement that does not prepare fails the test. */
int64_t testdb_int(sqlite3 *db, const char *sql);
/* The first column of SQL's first row as a new string ("NULL" for NULL);
 * no row fails the test. */
char *testdb_text(sqlite3 *db, const char *sql);
/* testdb_int on a connection of its own to PATH. */
int64_t testdb_file_int(const char *path, const char *sql);
/* testdb_text on a connection of its own to PATH. */
char *testdb_file_text(const char *path, const char *sql);

#endif
