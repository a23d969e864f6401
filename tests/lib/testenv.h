/*
 * What the unit tests share about their surroundings: running a suite,
 * skipping a binary that cannot run here, a temporary directory per test,
 * and the path of a fixture.
 *
 * testenv_run() makes one directory for the whole run and removes it
 * afterwards, so that a forked test that fails or crashes before its
 * teardown leaves nothing behind; each test's own directory is made
 * inside it on first use.
 */
#ifndef VRAUDIT_TESTS_TESTENV_H
#define VRAUDIT_TESTS_TESTENV_H

#include <check.h>

#define TESTENV_SKIP 77 /* the exit status meson counts as skipped */
/* Debian's whole IEEE registry (package ieee-data), for lookups checked
 * against the real thing. */
#define TESTENV_IEEE_DATA "/usr/share/ieee-data"

/* Runs the suite and returns main's exit status: 0 when every test passed,
 * TESTENV_SKIP when they did but some were left out, else 1. */
int testenv_run(Suite *suite);
/* The same, each test in its own process whatever CK_FORK says: for
 * tests that change the process (its user, its capabilities). */
int testenv_run_forked(Suite *suite);
/* Says on stderr what is missing and returns TESTENV_SKIP for main. */
int testenv_skip(const char *what);
/* Notes that a test was not added to the suite because WHAT is missing:
 * the run then says so and counts as skipped, not passed. */
void testenv_left_out(const char *what);

/* The current test's directory, made empty on first use; fails the test
 * when it cannot be made. */
const char *testenv_dir(void);
/* Removes the current test's directory and all it holds (a teardown). */
void testenv_dir_remove(void);
/* NAME inside the current test's directory, as a new string. */
char *testenv_path(const char *name);
/* Writes TEXT to NAME inside the current test's directory; returns its
 * path as a new string. */
char *testenv_write(const char *name, const char *text);
/* The path (printf-style) below tests/fixtures of the source tree
 * ($VRAUDIT_SOURCE_ROOT, else the current directory); valid until the
 * next call. */
const char *testenv_fixture(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

#endif
