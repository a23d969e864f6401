/*
 * Running a check suite inside a temporary directory, and the files a
 * test keeps there. See testenv.h.
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "tests/lib/testenv.h"

static char root[PATH_MAX];  /* the run's directory; "" outside a run */
static char *current;        /* the current test's directory, owned */
static const char *left_out; /* why a test was not run, borrowed */

/* A new directory DIR/NAME.XXXXXX, as a new string; NULL with errno. */
static char *
make_dir(const char *dir, const char *name)
{
	char *path = xprintf("%s/%s.XXXXXX", dir, name);

	if (mkdtemp(path) == NULL) {
		int e = errno;

		free(path);
		errno = e;
		return NULL;
	}
	return path;
}

static int
remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Removes PATH and everything below it, without following links. */
static int
remove_tree(const char *path)
{
	return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int
run(Suite *suite, bool forked)
{
	const char *tmp = getenv("TMPDIR");
	SRunner *sr;
	char *dir;
	int failed;

	dir = make_dir(tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp",
	    program_invocation_short_name);
	if (dir == NULL) {
		fprintf(stderr, "%s: cannot make a temporary directory: %s\n",
		    program_invocation_short_name, strerror(errno));
		return EXIT_FAILURE;
	}
	str_copy(root, dir, sizeof(root));
	free(dir);
	sr = srunner_create(suite);
	if (forked)
		srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (remove_tree(root) != 0)
		fprintf(stderr, "%s: cannot remove %s: %s\n",
		    program_invocation_short_name, root, strerror(errno));
	root[0] = '\0';
	if (failed != 0)
		return EXIT_FAILURE;
	if (left_out != NULL) {
		fprintf(stderr, "SKIP: the tests that ran passed, but %s\n",
		    left_out);
		return TESTENV_SKIP;
	}
	return EXIT_SUCCESS;
}

int
testenv_run(Suite *suite)
{
	return run(suite, false);
}

int
testenv_run_forked(Suite *suite)
{
	return run(suite, true);
}

int
testenv_skip(const char *what)
{
	fprintf(stderr, "SKIP: %s\n", what);
	return TESTENV_SKIP;
}

void
testenv_left_out(const char *what)
{
	left_out = what;
}

const char *
testenv_dir(void)
{
	const char *tmp = getenv("TMPDIR");

	if (current != NULL)
		return current;
	if (root[0] != '\0')
		current = make_dir(root, "test");
	else
		current = make_dir(tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp",
		    program_invocation_short_name);
	ck_assert_msg(current != NULL, "cannot make a temporary directory: %s",
	    strerror(errno));
	return current;
}

void
testenv_dir_remove(void)
{
	if (current == NULL)
		return;
	ck_assert_msg(remove_tree(current) == 0, "cannot remove %s: %s",
	    current, strerror(errno));
	free(current);
	current = NULL;
}

char *
testenv_path(const char *name)
{
	return xprintf("%s/%s", testenv_dir(), name);
}

char *
testenv_write(const char *name, const char *text)
{
	char *path = testenv_path(name);
	FILE *f = fopen(path, "w");
	size_t len = strlen(text);

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	ck_assert_msg(fwrite(text, 1, len, f) == len && fclose(f) == 0,
	    "%s: %s", path, strerror(errno));
	return path;
}

const char *
testenv_fixture(const char *fmt, ...)
{
	static char buf[PATH_MAX];
	const char *top = getenv("VRAUDIT_SOURCE_ROOT");
	size_t len;
	va_list ap;

	len = (size_t)snprintf(buf, sizeof(buf), "%s/tests/fixtures/",
	    top != NULL ? top : ".");
	ck_assert_uint_lt(len, sizeof(buf));
	va_start(ap, fmt);
	len += (size_t)vsnprintf(buf + len, sizeof(buf) - len, fmt, ap);
	va_end(ap);
	ck_assert_uint_lt(len, sizeof(buf));
	return buf;
}
