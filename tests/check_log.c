/*
 * Unit tests of common/log.c: token prefixes, verbosity, debug filters,
 * journal priorities and one message per line.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "tests/lib/testenv.h"

static FILE *out;

static void
setup(void)
{
	out = tmpfile();
	ck_assert_ptr_nonnull(out);
	log_stream(out);
	log_filter(NULL);
}

static void
teardown(void)
{
	log_stream(NULL);
	fclose(out);
}

/* Everything logged so far, as one string (static buffer). */
static const char *
logged(void)
{
	static char buf[8192];
	size_t n;

	fflush(out);
	rewind(out);
	n = fread(buf, 1, sizeof(buf) - 1, out);
	buf[n] = '\0';
	return buf;
}

START_TEST(test_warning_carries_program_and_token)
{
	log_init("vraudit", LOG_DEST_STDERR, 0);
	log_warnx("store", "database %s is locked", "/tmp/x.db");
	ck_assert_str_eq(logged(),
	    "vraudit: store: database /tmp/x.db is locked\n");
}
END_TEST

START_TEST(test_log_warn_appends_strerror)
{
	log_init("vraudit", LOG_DEST_STDERR, 0);
	errno = ENOENT;
	log_warn("config", "open %s", "/etc/none");
	ck_assert_str_eq(logged(),
	    "vraudit: config: open /etc/none: No such file or directory\n");
}
END_TEST

START_TEST(test_verbosity_gates_info_and_debug)
{
	log_init("vrauditd", LOG_DEST_STDERR, 0);
	log_info("snmp", "hidden info");
	log_debug("snmp", "hidden debug");
	ck_assert_str_eq(logged(), "");
	log_verbosity(1);
	log_info("snmp", "shown info");
	log_debug("snmp", "still hidden");
	ck_assert_str_eq(logged(), "vrauditd: snmp: shown info\n");
	log_verbosity(2);
	log_debug("snmp", "now shown");
	ck_assert(
	    strstr(logged(), "vrauditd: debug: snmp: now shown\n") != NULL);
}
END_TEST

START_TEST(test_debug_filter_selects_tokens)
{
	log_init("vrauditd", LOG_DEST_STDERR, 2);
	log_filter("capture,store");
	log_debug("snmp", "filtered out");
	log_debug("capture", "kept");
	log_debug("store", "kept too");
	log_debug("cap", "prefix of a token is not the token");
	ck_assert_str_eq(logged(),
	    "vrauditd: debug: capture: kept\n"
	    "vrauditd: debug: store: kept too\n");
}
END_TEST

START_TEST(test_journal_lines_carry_priority)
{
	log_init("vrauditd", LOG_DEST_JOURNAL, 1);
	log_warnx("daemon", "reload failed");
	log_info("daemon", "ready");
	ck_assert_str_eq(logged(),
	    "<4>daemon: reload failed\n<6>daemon: ready\n");
}
END_TEST

START_TEST(test_network_text_cannot_forge_log_lines)
{
	log_init("vraudit", LOG_DEST_STDERR, 0);
	log_warnx("snmp", "sysDescr %s", "evil\nvraudit: store: fake\r");
	ck_assert_str_eq(logged(),
	    "vraudit: snmp: sysDescr evil vraudit: store: fake \n");
}
END_TEST

static Suite *
log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_warning_carries_program_and_token);
	tcase_add_test(tc, test_log_warn_appends_strerror);
	tcase_add_test(tc, test_verbosity_gates_info_and_debug);
	tcase_add_test(tc, test_debug_filter_selects_tokens);
	tcase_add_test(tc, test_journal_lines_carry_priority);
	tcase_add_test(tc, test_network_text_cannot_forge_log_lines);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testenv_run(log_suite());
}
