/*
 * SNMPv3 tests of the SNMP sweep against net-snmp's snmpd on loopback: every
 * authentication and privacy protocol, wrong keys, unknown users, one agent
 * with the same user and two keys in flight, and the engineID learnt
 * without credentials. Exits 77 (skipped) when snmpd or snmpget is
 * missing. Traffic goes only to 127.0.0.0/8.
 */
#include <check.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "probes/snmp.h"
#include "tests/lib/snmp_collect.h"

static char v3dir[] = "/tmp/vraudit-snmpd-XXXXXX";
static pid_t v3pid;
#define V3_AGENT "127.0.3.1:16163"
/* The same agent (one engineID) on a second address. */
#define V3_AGENT_TOO "127.0.3.2:16163"

static void
v3_stop(void)
{
	char cmd[600];

	if (v3pid > 0) {
		kill(v3pid, SIGTERM);
		waitpid(v3pid, NULL, 0);
		v3pid = 0;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", v3dir);
	if (system(cmd) != 0)
		fprintf(stderr, "check_snmp_v3: could not remove %s\n", v3dir);
}

static void
v3_start(void)
{
	char path[512], cmd[1024];
	FILE *f;
	int tries;

	/* A leftover agent on the port would answer in place of ours. */
	ck_assert_msg(system("ss -Hlun 2>/dev/null | awk '{ print $4 }' | "
			     "grep -qxF " V3_AGENT) != 0,
	    "%s is already in use", V3_AGENT);
	ck_assert_ptr_nonnull(mkdtemp(v3dir));
	snprintf(path, sizeof(path), "%s/snmpd.conf", v3dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f,
	    "[snmpd]\npersistentDir %s\n[snmp]\npersistentDir %s\n[snmpd]\n"
	    "createUser auditor SHA-256 auth-secret-1 AES priv-secret-1\n"
	    "createUser auditor512 SHA-512 auth-secret-2 AES-256 "
	    "priv-secret-2\n"
	    "createUser watcher SHA auth-secret-3\n"
	    "createUser u224 SHA-224 auth-secret-4 AES-192 priv-secret-4\n"
	    "createUser u384 SHA-384 auth-secret-5 AES priv-secret-5\n"
	    "createUser umd5 MD5 auth-secret-6 DES priv-secret-6\n"
	    "rouser auditor priv\nrouser auditor512 priv\nrouser watcher auth\n"
	    "rouser u224 priv\nrouser u384 priv\nrouser umd5 priv\n"
	    "sysDescr Huawei Versatile Routing Platform Software (v3 test "
	    "agent)\n"
	    "sysName v3-agent\n",
	    v3dir, v3dir);
	ck_assert_int_eq(fclose(f), 0);
	v3pid = fork();
	ck_assert_int_ge(v3pid, 0);
	if (v3pid == 0) {
		char pidfile[512];

		signal(SIGTERM, SIG_DFL);
		snprintf(pidfile, sizeof(pidfile), "%s/snmpd.pid", v3dir);
		setenv("MIBS", "", 1);
		execlp("snmpd", "snmpd", "-f", "-Lf", "/dev/null", "-C", "-c",
		    path, "-p", pidfile, "udp:" V3_AGENT ",udp:" V3_AGENT_TOO,
		    (char *)NULL);
		_exit(127);
	}
	/* Ready once it answers an authenticated GET (bounded). */
	snprintf(cmd, sizeof(cmd),
	    "snmpget -v3 -l authPriv -u auditor -a SHA-256 "
	    "-A auth-secret-1 -x AES -X priv-secret-1 -r0 -t1 -On udp:" V3_AGENT
	    " 1.3.6.1.2.1.1.5.0 >/dev/null 2>&1");
	for (tries = 0; tries < 30; tries++)
		if (system(cmd) == 0)
			break;
	/* The answer must be ours, not a leftover agent's on the same port. */
	if (waitpid(v3pid, NULL, WNOHANG) != 0)
		v3pid = 0; /* exited, and reaped */
	if (tries == 30 || v3pid == 0) {
		/* check runs no teardown after a failed set-up. */
		v3_stop();
		ck_abort_msg("snmpd did not answer on %s, or exited: is it "
			     "already in use?",
		    V3_AGENT);
	}
}

/* An engineID per RFC 3411: enterprise number with the top bit set first. */
static void
assert_engine_id(const char *hex)
{
	ck_assert_ptr_nonnull(hex);
	ck_assert_uint_ge(strlen(hex), 10);
	ck_assert_uint_le(strlen(hex), 64);
	ck_assert_uint_eq(strspn(hex, "0123456789abcdef"), strlen(hex));
	/* net-snmp's enterprise number 8072 = 0x1f88, top bit set */
	ck_assert(strncmp(hex, "80001f88", 8) == 0);
}

START_TEST(test_v3_auth_priv)
{
	struct sweep_cred t = usm("auditor", "SHA-256", "auth-secret-1",
	    "AES-128", "priv-secret-1");
	struct collect c;
	struct sweep *sw;
	const struct element *e;
	const char *eid = NULL;

	sw = sweep_for(&c, 1000, 1, 100000);
	add(sw, V3_AGENT, &t);
	ck_assert_int_eq(sweep_run(sw), 0);
	ck_assert_uint_eq(c.n_fail, 0);
	e = element_at(&c, "127.0.3.1");
	ck_assert_str_eq(e->s->sys_name, "v3-agent");
	ck_assert_str_eq(e->s->sys_descr,
	    "Huawei Versatile Routing Platform Software (v3 test agent)");
	ck_assert_str_eq(e->s->sys_object_id, "1.3.6.1.4.1.8072.3.2.10");
	ck_assert_str_eq(e->zone, "ran");
	for (size_t i = 0; i < e->s->n_inputs; i++)
		if (e->s->inputs[i].kind == EV_ENGINEID)
			eid = e->s->inputs[i].value;
	assert_engine_id(eid);
	/* snmpd walks its own interfaces: loopback has no MAC, the walk ends.
	 */
	ck_assert_ptr_nonnull(strstr(e->detail, "ifPhysAddress: end of table"));
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

START_TEST(test_v3_sha512_aes256_and_auth_only)
{
	struct sweep_cred t1 = usm("auditor512", "SHA-512", "auth-secret-2",
	    "AES-256", "priv-secret-2");
	struct sweep_cred t2 =
	    usm("watcher", "SHA", "auth-secret-3", NULL, NULL);
	struct collect c;
	struct sweep *sw;

	/* One after the other: the same agent, two users. */
	sw = sweep_for(&c, 1000, 1, 100000);
	add(sw, V3_AGENT, &t1);
	ck_assert_int_eq(sweep_run(sw), 0);
	ck_assert_uint_eq(c.n_fail, 0);
	ck_assert_str_eq(element_at(&c, "127.0.3.1")->s->sys_name, "v3-agent");
	collect_free(&c);
	sweep_free(sw);

	sw = sweep_for(&c, 1000, 1, 100000);
	add(sw, V3_AGENT, &t2);
	ck_assert_int_eq(sweep_run(sw), 0);
	ck_assert_uint_eq(c.n_fail, 0);
	ck_assert_str_eq(element_at(&c, "127.0.3.1")->s->sys_name, "v3-agent");
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

/* Every protocol net-snmp offers, one user each (see v3_start). */
START_TEST(test_v3_protocols)
{
	static const struct {
		const char *user, *auth, *auth_key, *priv, *priv_key;
	} users[] = {
		{ "u224", "SHA-224", "auth-secret-4", "AES-192",
		    "priv-secret-4" },
		{ "u384", "SHA-384", "auth-secret-5", "AES-128",
		    "priv-secret-5" },
		{ "umd5", "MD5", "auth-secret-6", "DES", "priv-secret-6" },
	};
	struct collect c;
	struct sweep *sw;

	for (size_t i = 0; i < ARRAY_SIZE(users); i++) {
		struct sweep_cred t = usm(users[i].user, users[i].auth,
		    users[i].auth_key, users[i].priv, users[i].priv_key);

		sw = sweep_for(&c, 1000, 1, 100000);
		add(sw, V3_AGENT, &t);
		ck_assert_int_eq(sweep_run(sw), 0);
		ck_assert_msg(c.n_el == 1, "%s/%s: %s", users[i].auth,
		    users[i].priv, c.n_fail ? c.fail[0].reason : "?");
		ck_assert_str_eq(element_at(&c, "127.0.3.1")->s->sys_name,
		    "v3-agent");
		collect_free(&c);
		sweep_free(sw);
	}
}
END_TEST

START_TEST(test_v3_wrong_key)
{
	struct sweep_cred good = usm("auditor", "SHA-256", "auth-secret-1",
	    "AES-128", "priv-secret-1");
	struct sweep_cred bad = usm("auditor", "SHA-256", "not-the-secret",
	    "AES-128", "priv-secret-1");
	struct sweep_cred bad_priv = usm("auditor", "SHA-256", "auth-secret-1",
	    "AES-128", "not-the-priv-secret");
	struct collect c;
	struct sweep *sw;
	struct sweep_stats st;
	const struct failure *f;

	/* The right key first, so a cached user cannot hide the wrong one. */
	sw = sweep_for(&c, 1000, 1, 100000);
	add(sw, V3_AGENT, &good);
	ck_assert_int_eq(sweep_run(sw), 0);
	ck_assert_uint_eq(c.n_el, 1);
	collect_free(&c);
	sweep_free(sw);

	sw = sweep_for(&c, 1000, 1, 100000);
	add(sw, V3_AGENT, &bad);
	ck_assert_int_eq(sweep_run(sw), 0);
	sweep_stats(sw, &st);
	ck_assert_uint_eq(st.answered, 0);
	ck_assert_uint_eq(st.failed, 1);
	f = failure_at(&c, "127.0.3.1");
	ck_assert_msg(strstr(f->reason, "Authentication failure") != NULL,
	    "reason: %s", f->reason);
	/* The engineID is learnt without credentials. */
	assert_engine_id(f->engine_id);
	collect_free(&c);
	sweep_free(sw);

	/* The right authentication key with a wrong privacy key. */
	sw = sweep_for(&c, 300, 1, 100000);
	add(sw, V3_AGENT, &bad_priv);
	ck_assert_int_eq(sweep_run(sw), 0);
	ck_assert_uint_eq(c.n_el, 0);
	f = failure_at(&c, "127.0.3.1");
	ck_assert_str_eq(f->reason,
	    "timeout after engineID discovery (wrong privacy key?)");
	assert_engine_id(f->engine_id);
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

START_TEST(test_v3_same_engine_other_keys)
{
	struct sweep_cred bad = usm("auditor", "SHA-256", "not-the-secret",
	    "AES-128", "priv-secret-1");
	struct sweep_cred good = usm("auditor", "SHA-256", "auth-secret-1",
	    "AES-128", "priv-secret-1");
	struct collect c;
	struct sweep *sw;
	struct sweep_stats st;
	const struct element *e;

	/* One agent (one engineID) twice in flight on two addresses, the
	 * same user with two keys, in both orders: each target gets the
	 * answer its own key deserves. (One address given twice is asked
	 * once.) */
	for (int order = 0; order < 2; order++) {
		const char *ok = order ? "127.0.3.2" : "127.0.3.1";
		const char *ko = order ? "127.0.3.1" : "127.0.3.2";

		sw = sweep_for(&c, 1000, 1, 100000);
		add(sw, V3_AGENT, order ? &bad : &good);
		add(sw, V3_AGENT_TOO, order ? &good : &bad);
		ck_assert_int_eq(sweep_run(sw), 0);
		sweep_stats(sw, &st);
		ck_assert_uint_eq(st.answered, 1);
		ck_assert_uint_eq(st.failed, 1);
		e = element_at(&c, ok);
		ck_assert_str_eq(e->s->sys_name, "v3-agent");
		/* The good target walked to the end, not cut by the other's
		 * key. */
		ck_assert_msg(strstr(e->detail, "dot1qTpFdbPort: ") != NULL &&
			strstr(e->detail, "failure") == NULL,
		    "detail: %s", e->detail);
		ck_assert_ptr_nonnull(strstr(failure_at(&c, ko)->reason,
		    "Authentication failure"));
		collect_free(&c);
		sweep_free(sw);
	}
}
END_TEST

START_TEST(test_v3_unknown_user_and_silence)
{
	struct sweep_cred t =
	    usm("nobody", "SHA-256", "whatever-secret", NULL, NULL);
	struct collect c;
	struct sweep *sw;
	const struct failure *f;

	sw = sweep_for(&c, 300, 1, 100000);
	add(sw, V3_AGENT, &t);
	add(sw, "127.0.9.9:16199", &t);
	ck_assert_int_eq(sweep_run(sw), 0);
	ck_assert_uint_eq(c.n_fail, 2);
	f = failure_at(&c, "127.0.3.1");
	ck_assert_msg(strstr(f->reason, "Unknown user name") != NULL,
	    "reason: %s", f->reason);
	assert_engine_id(f->engine_id);
	f = failure_at(&c, "127.0.9.9");
	ck_assert_str_eq(f->reason,
	    "timeout (no answer to SNMPv3 engineID discovery)");
	ck_assert_ptr_null(f->engine_id);
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

Suite *snmp_v3_suite(void);

Suite *
snmp_v3_suite(void)
{
	Suite *s = suite_create("snmp_v3");
	TCase *tc;

	tc = tcase_create("v3");
	tcase_add_unchecked_fixture(tc, v3_start, v3_stop);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_v3_auth_priv);
	tcase_add_test(tc, test_v3_sha512_aes256_and_auth_only);
	tcase_add_test(tc, test_v3_protocols);
	tcase_add_test(tc, test_v3_wrong_key);
	tcase_add_test(tc, test_v3_same_engine_other_keys);
	tcase_add_test(tc, test_v3_unknown_user_and_silence);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	/* snmpget tells when snmpd is ready. */
	if (tool_missing("check_snmp_v3", "snmpd", "snmpd") ||
	    tool_missing("check_snmp_v3", "snmpget", "snmp"))
		return 77;
	log_init("check_snmp_v3", LOG_DEST_STDERR,
	    getenv("CHECK_SNMP_VERBOSE") != NULL ? 2 : 0);
	sr = srunner_create(snmp_v3_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
