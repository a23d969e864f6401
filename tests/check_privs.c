/*
 * Unit tests of dropping root: the process ends as the named user with
 * only its primary group, no capability but CAP_NET_RAW when asked to keep
 * it, and no way back to root.
 */
#include <check.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "daemon/privs.h"
#include "tests/lib/testenv.h"

/* A capability set of /proc/self/status ("CapEff", "CapBnd", ...). */
static unsigned long long
caps_of(const char *set)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	size_t len = strlen(set);
	unsigned long long v = ~0ULL;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, set, len) == 0 && line[len] == ':')
			v = strtoull(line + len + 1, NULL, 16);
	fclose(f);
	ck_assert_msg(v != ~0ULL, "no %s in /proc/self/status", set);
	return v;
}

START_TEST(test_root_becomes_the_user_with_no_way_back)
{
	struct passwd *pw = getpwnam("nobody");
	char err[256];
	gid_t groups[8];

	ck_assert_ptr_nonnull(pw);
	ck_assert_int_eq(privs_drop("nobody", false, err, sizeof(err)), 0);
	ck_assert_int_eq(getuid(), pw->pw_uid);
	ck_assert_int_eq(geteuid(), pw->pw_uid);
	ck_assert_int_eq(getgid(), pw->pw_gid);
	ck_assert_int_eq(getgroups(8, groups), 1);
	ck_assert_int_eq(groups[0], pw->pw_gid);
	ck_assert_int_ne(setuid(0), 0);
	ck_assert_uint_eq(caps_of("CapEff"), 0);
	ck_assert_uint_eq(caps_of("CapPrm"), 0);
	ck_assert_uint_eq(caps_of("CapBnd"), 0);
	/* No raw socket without the capability. */
	ck_assert_int_eq(socket(AF_PACKET, SOCK_RAW, 0), -1);
}
END_TEST

START_TEST(test_capturing_keeps_net_raw_and_nothing_else)
{
	struct passwd *pw = getpwnam("nobody");
	const unsigned long long net_raw = 1ULL << CAP_NET_RAW;
	char err[256];
	int fd;

	ck_assert_ptr_nonnull(pw);
	ck_assert_int_eq(privs_drop("nobody", true, err, sizeof(err)), 0);
	ck_assert_int_eq(getuid(), pw->pw_uid);
	ck_assert_int_eq(geteuid(), pw->pw_uid);
	ck_assert_int_ne(setuid(0), 0);
	ck_assert_int_ne(seteuid(0), 0);
	ck_assert_uint_eq(caps_of("CapEff"), net_raw);
	ck_assert_uint_eq(caps_of("CapPrm"), net_raw);
	ck_assert_uint_eq(caps_of("CapInh"), 0);
	ck_assert_uint_eq(caps_of("CapBnd"), net_raw);
	/* What it is kept for: a packet socket opens. */
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	ck_assert_int_ge(fd, 0);
	close(fd);
}
END_TEST

START_TEST(test_root_without_setpcap_still_drops)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	char err[256];

	/* A root that cannot shrink the bounding set (as in some
	 * containers) still becomes the user with CAP_NET_RAW alone. */
	ck_assert_int_eq(syscall(SYS_capget, &hdr, data), 0);
	data[0].effective &= ~(1u << CAP_SETPCAP);
	data[0].permitted &= ~(1u << CAP_SETPCAP);
	ck_assert_int_eq(syscall(SYS_capset, &hdr, data), 0);
	ck_assert_int_eq(privs_drop("nobody", true, err, sizeof(err)), 0);
	ck_assert_int_ne(setuid(0), 0);
	ck_assert_uint_eq(caps_of("CapEff"), 1ULL << CAP_NET_RAW);
	ck_assert_uint_eq(caps_of("CapPrm"), 1ULL << CAP_NET_RAW);
}
END_TEST

START_TEST(test_unknown_user_is_named)
{
	char err[256] = "";

	ck_assert_int_eq(privs_drop("no-such-user-vraudit", true, err,
			     sizeof(err)),
	    -1);
	ck_assert(strstr(err, "no-such-user-vraudit") != NULL);
	ck_assert_int_eq(geteuid(), 0);
}
END_TEST

START_TEST(test_refuses_a_root_account)
{
	char err[256] = "";

	ck_assert_int_eq(privs_drop("root", false, err, sizeof(err)), -1);
	ck_assert(strstr(err, "refusing to run as root") != NULL);
}
END_TEST

static Suite *
privs_suite(void)
{
	Suite *s = suite_create("privs");
	TCase *tc = tcase_create("drop");

	tcase_add_test(tc, test_root_becomes_the_user_with_no_way_back);
	tcase_add_test(tc, test_capturing_keeps_net_raw_and_nothing_else);
	tcase_add_test(tc, test_root_without_setpcap_still_drops);
	tcase_add_test(tc, test_unknown_user_is_named);
	tcase_add_test(tc, test_refuses_a_root_account);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	if (geteuid() != 0)
		return testenv_skip("dropping privileges needs root");
	/* Each test in a process of its own: a drop must not outlive it. */
	return testenv_run_forked(privs_suite());
}
