/*
 * Unit tests of the command-line dispatch and shared option handling
 * (cli/cli.c): what a user sees for --help, --version, unknown commands
 * and commands not available yet, and the exit codes; a command's output
 * that fails half-way (cli/output.c).
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/util.h"
#include "tests/lib/testenv.h"

struct run {
	int rc;
	char out[8192];
	char err[8192];
};

static void
slurp(FILE *f, char *buf, size_t size)
{
	size_t n;

	fflush(f);
	rewind(f);
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
}

/* Run cli_main with the given words, capturing stdout and stderr. */
static void
run_cli(struct run *r, int argc, const char *const *words)
{
	FILE *o = tmpfile(), *e = tmpfile();
	int saved_out = dup(STDOUT_FILENO), saved_err = dup(STDERR_FILENO);
	char *argv[16];

	ck_assert(argc < 16);
	for (int i = 0; i < argc; i++)
		argv[i] = xstrdup(words[i]);
	argv[argc] = NULL;
	fflush(stdout);
	fflush(stderr);
	dup2(fileno(o), STDOUT_FILENO);
	dup2(fileno(e), STDERR_FILENO);
	r->rc = cli_main(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, STDOUT_FILENO);
	dup2(saved_err, STDERR_FILENO);
	close(saved_out);
	close(saved_err);
	slurp(o, r->out, sizeof(r->out));
	slurp(e, r->err, sizeof(r->err));
	fclose(o);
	fclose(e);
	for (int i = 0; i < argc; i++)
		free(argv[i]);
}

START_TEST(test_version_prints_name_and_version)
{
	struct run r;
	const char *argv[] = { "vraudit", "--version" };

	run_cli(&r, 2, argv);
	ck_assert_int_eq(r.rc, EXIT_OK);
	ck_assert(strncmp(r.out, "vraudit ", 8) == 0);
	ck_assert(strchr(r.out, '.') != NULL);
}
END_TEST

START_TEST(test_help_lists_every_command)
{
	static const char *const cmds[] = { "scan", "ingest", "classify",
		"elements", "report", "verify", "migrate", "check-config" };
	struct run r;
	const char *argv[] = { "vraudit", "--help" };

	run_cli(&r, 2, argv);
	ck_assert_int_eq(r.rc, EXIT_OK);
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		ck_assert_msg(strstr(r.out, cmds[i]) != NULL, "help lacks %s",
		    cmds[i]);
	ck_assert_str_eq(r.err, "");
}
END_TEST

START_TEST(test_no_command_is_a_usage_error)
{
	struct run r;
	const char *argv[] = { "vraudit" };

	run_cli(&r, 1, argv);
	ck_assert_int_eq(r.rc, EXIT_USAGE);
	ck_assert(strstr(r.err, "usage:") != NULL);
}
END_TEST

START_TEST(test_unknown_command_is_named)
{
	struct run r;
	const char *argv[] = { "vraudit", "sacn" };

	run_cli(&r, 2, argv);
	ck_assert_int_eq(r.rc, EXIT_USAGE);
	ck_assert(strstr(r.err, "unknown command 'sacn'") != NULL);
}
END_TEST

START_TEST(test_common_options_are_recognised)
{
	struct cli_common c = { 0 };

	ck_assert_int_eq(cli_common_option('c', "/etc/x.conf", &c), 1);
	ck_assert_int_eq(cli_common_option(OPT_DB, "/tmp/x.db", &c), 1);
	ck_assert_int_eq(cli_common_option(OPT_QUIET, NULL, &c), 1);
	ck_assert_int_eq(cli_common_option('x', NULL, &c), 0);
	ck_assert_str_eq(c.config_path, "/etc/x.conf");
	ck_assert_str_eq(c.db_path, "/tmp/x.db");
	ck_assert(c.quiet);
	ck_assert(!cli_show_progress(&c));
}
END_TEST

START_TEST(test_usage_error_names_the_command)
{
	struct run r;
	FILE *e = tmpfile();
	int saved = dup(STDERR_FILENO);
	int rc;

	fflush(stderr);
	dup2(fileno(e), STDERR_FILENO);
	rc = cli_usage_error("elements", "unknown risk '%s'", "severe");
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	slurp(e, r.err, sizeof(r.err));
	fclose(e);
	ck_assert_int_eq(rc, EXIT_USAGE);
	ck_assert_str_eq(r.err, "vraudit elements: unknown risk 'severe'\n");
}
END_TEST

/* A bad command line: exit 2, one line naming the program and the
 * command, then where help is; nothing on stdout. */
static const struct {
	const char *argv[4];
	int argc;
	const char *err;
} bad_lines[] = {
	{ { "vraudit", "scan", "--nope" }, 3,
	    "vraudit scan: unrecognized option '--nope'\n"
	    "Try 'vraudit scan --help'.\n" },
	{ { "vraudit", "report", "--db" }, 3,
	    "vraudit report: option '--db' requires an argument\n"
	    "Try 'vraudit report --help'.\n" },
	{ { "vraudit", "elements", "-c" }, 3,
	    "vraudit elements: option requires an argument -- 'c'\n"
	    "Try 'vraudit elements --help'.\n" },
	{ { "vraudit", "verify", "-vZ" }, 3,
	    "vraudit verify: invalid option -- 'Z'\n"
	    "Try 'vraudit verify --help'.\n" },
	{ { "vraudit", "migrate", "--quiet=1" }, 3,
	    "vraudit migrate: option '--quiet' doesn't allow an argument\n"
	    "Try 'vraudit migrate --help'.\n" },
	{ { "vraudit", "check-config", "extra" }, 3,
	    "vraudit check-config: unexpected argument 'extra'\n"
	    "Try 'vraudit check-config --help'.\n" },
	{ { "vraudit", "sacn" }, 2,
	    "vraudit: unknown command 'sacn'\nTry 'vraudit --help'.\n" },
	{ { "vraudit", "ingest", "--zone", "bad/zone x" }, 4,
	    "vraudit ingest: --zone: \"bad/zone x\" is not a zone name "
	    "(expected letters, digits, '.', '_' or '-', at most 48 "
	    "characters)\n" },
};

START_TEST(test_bad_command_line_is_one_line)
{
	struct run r;

	run_cli(&r, bad_lines[_i].argc, bad_lines[_i].argv);
	ck_assert_int_eq(r.rc, EXIT_USAGE);
	ck_assert_str_eq(r.err, bad_lines[_i].err);
	ck_assert_str_eq(r.out, "");
}
END_TEST

/* Writes half a line, then fails as a full disk would. */
static int
write_half(void *arg, FILE *out)
{
	(void)arg;
	fputs("half a rep", out);
	fflush(out);
	errno = ENOSPC;
	return -1;
}

/* A write that fails leaves the old file whole and nothing beside it. */
START_TEST(test_failed_output_keeps_the_old_file)
{
	const char *dir = testenv_dir();
	char buf[64] = "";
	struct run r;
	FILE *e = tmpfile(), *f;
	int saved = dup(STDERR_FILENO), rc, entries = 0;
	char *path, *want;
	struct dirent *d;
	DIR *dp;

	path = testenv_path("report.txt");
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("old report\n", f);
	fclose(f);
	fflush(stderr);
	dup2(fileno(e), STDERR_FILENO);
	rc = cli_write_output("report", path, write_half, NULL);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	slurp(e, r.err, sizeof(r.err));
	fclose(e);

	ck_assert_int_eq(rc, -1);
	want =
	    xprintf("vraudit report: writing %s: %s\n", path, strerror(ENOSPC));
	ck_assert_str_eq(r.err, want);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
	fclose(f);
	ck_assert_str_eq(buf, "old report\n");
	ck_assert_ptr_nonnull(dp = opendir(dir));
	while ((d = readdir(dp)) != NULL)
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
			entries++;
	closedir(dp);
	ck_assert_int_eq(entries, 1);
	free(path);
	free(want);
	testenv_dir_remove();
}
END_TEST

static Suite *
cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("dispatch");

	tcase_add_test(tc, test_version_prints_name_and_version);
	tcase_add_test(tc, test_help_lists_every_command);
	tcase_add_test(tc, test_no_command_is_a_usage_error);
	tcase_add_test(tc, test_unknown_command_is_named);
	tcase_add_test(tc, test_common_options_are_recognised);
	tcase_add_test(tc, test_usage_error_names_the_command);
	tcase_add_loop_test(tc, test_bad_command_line_is_one_line, 0,
	    (int)ARRAY_SIZE(bad_lines));
	suite_add_tcase(s, tc);

	tc = tcase_create("output");
	tcase_add_test(tc, test_failed_output_keeps_the_old_file);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testenv_run(cli_suite());
}
