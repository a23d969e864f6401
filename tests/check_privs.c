/*
 * Unit tests of dropping root: the process ends as the named user with
 * only its primary group, no capabilities, and no way back to root.
 */
#include <check.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "privs.h"

/* The CapEff line of /proc/self/status, as text. */
static void
effective_caps(char *out, size_t size)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];

	ck_assert_ptr_nonnull(f);
	out[0] = '\0';
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "CapEff:", 7) == 0)
			snprintf(out, size, "%s", line + 7);
	fclose(f);
}

START_TEST(test_root_becomes_the_user_with_no_way_back)
{
	struct passwd *pw = getpwnam("nobody");
	char err[256], caps[256];
	gid_t groups[8];

	ck_assert_ptr_nonnull(pw);
	ck_assert_int_eq(privs_drop("nobody", err, sizeof(err)), 0);
	ck_assert_int_eq(getuid(), pw->pw_uid);
	ck_assert_int_eq(geteuid(), pw->pw_uid);
	ck_assert_int_eq(getgid(), pw->pw_gid);
	ck_assert_int_eq(getgroups(8, groups), 1);
	ck_assert_int_eq(groups[0], pw->pw_gid);
	ck_assert_int_ne(setuid(0), 0);
	effective_caps(caps, sizeof(caps));
	ck_assert_msg(strspn(caps, " \t0\n") == strlen(caps), "CapEff %s", caps);
}
END_TEST

START_TEST(test_unknown_user_is_named)
{
	char err[256] = "";

	ck_assert_int_eq(privs_drop("no-such-user-vraudit", err, sizeof(err)), -1);
	ck_assert(strstr(err, "no-such-user-vraudit") != NULL);
	ck_assert_int_eq(geteuid(), 0);
}
END_TEST

START_TEST(test_refuses_a_root_account)
{
	char err[256] = "";

	ck_assert_int_eq(privs_drop("root", err, sizeof(err)), -1);
	ck_assert(strstr(err, "refusing to run as root") != NULL);
}
END_TEST

static Suite *
privs_suite(void)
{
	Suite *s = suite_create("privs");
	TCase *tc = tcase_create("drop");

	/* Each test forks (CK_FORK), so a drop does not leak into the next. */
	tcase_add_test(tc, test_root_becomes_the_user_with_no_way_back);
	tcase_add_test(tc, test_unknown_user_is_named);
	tcase_add_test(tc, test_refuses_a_root_account);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(privs_suite());
	int failed;

	if (geteuid() != 0) {
		/* meson counts exit status 77 as skipped, not passed. */
		fprintf(stderr, "SKIP: dropping privileges needs root\n");
		srunner_free(sr);
		return 77;
	}
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
