/*
 * vraudit verify: recompute the audit chain of a database opened read-only
 * and say whether it is intact, or where it is broken.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "config/config.h"
#include "store/store.h"

struct verify {
	const char *path;
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: vraudit verify [-c CONF] [--db PATH]\n"
	    "Recompute the tamper-evident audit chain of the database (opened\n"
	    "read-only) and compare the elements' verdicts and the scans with\n"
	    "their last audit records. Exit 0 when intact, 1 when something\n"
	    "was changed or removed, 3 when the database cannot be read.\n");
}

static void
print_finding(void *arg, const char *finding)
{
	const struct verify *v = arg;

	printf("%s: %s\n", v->path, finding);
}

int
cmd_verify(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_common common = { 0 };
	struct store_audit_report report;
	struct cli_env env = { 0 };
	struct verify v;
	int opt, rc;

	while ((opt = cli_getopt(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
		    false)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			return EXIT_OK;
		}
		if (!cli_common_option(opt, optarg, &common))
			return EXIT_USAGE;
	}
	if ((rc = cli_open("verify", &common, CLI_STORE_AUDIT, &env)) !=
	    EXIT_OK)
		return rc;
	v.path = env.cfg->db_path;
	if (store_audit_verify(env.st, print_finding, &v, &report) == -1) {
		fprintf(stderr, "vraudit verify: %s\n", store_error(env.st));
		rc = EXIT_RUNTIME;
	} else if (report.findings == 0) {
		printf("%s: %lld audit records, chain intact, head %lld %s\n",
		    env.cfg->db_path, (long long)report.records,
		    (long long)report.head_seq, report.head_hash);
		rc = EXIT_OK;
	} else {
		printf("%s: %lld audit records, %lld problem%s found, head "
		       "%lld %s\n",
		    env.cfg->db_path, (long long)report.records,
		    (long long)report.findings, report.findings == 1 ? "" : "s",
		    (long long)report.head_seq, report.head_hash);
		rc = EXIT_FINDINGS;
	}
	cli_close(&env);
	if (fflush(stdout) != 0)
		rc = EXIT_RUNTIME;
	return rc;
}
