/*
 * vraudit verify: recompute the audit chain of a database opened read-only
 * and say whether it is intact, or where it is broken.
 */
#include <getopt.h>
#include <stdio.h>

#include "central/central.h"
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
	    "       vraudit verify [-c CONF] --central\n"
	    "Recompute the tamper-evident audit chain of the database (opened\n"
	    "read-only) and compare the elements' verdicts and the scans with\n"
	    "their last audit records. Exit 0 when intact, 1 when something\n"
	    "was changed or removed, 3 when the database cannot be read.\n"
	    "With --central, recompute every site's chain held in the central\n"
	    "database ([central] url) instead, here and not by its own checks;\n"
	    "pushes it refused are listed.\n");
}

enum { OPT_CENTRAL = OPT_COMMON_LAST + 1 };

static void
central_finding(void *arg, const char *site, const char *finding)
{
	(void)arg;
	printf("central: site %s: %s\n", site, finding);
}

static void
central_note(void *arg, const char *site, const char *note)
{
	(void)arg;
	printf("central: site %s: note: %s\n", site, note);
}

static int
verify_central(const struct cli_common *common)
{
	struct central_verify_report r;
	struct config *cfg;
	struct central *c;
	char err[2048];
	int rc;

	if ((rc = cli_load_config(common, &cfg)) != EXIT_OK)
		return rc;
	if ((c = central_connect(cfg, err, sizeof(err))) == NULL) {
		rc = cfg->central_url == NULL ? EXIT_USAGE : EXIT_RUNTIME;
		fprintf(stderr, "vraudit verify: %s\n", err);
		config_free(cfg);
		return rc;
	}
	if (central_verify(c, central_finding, central_note, NULL, &r) < 0) {
		fprintf(stderr, "vraudit verify: %s\n", central_error(c));
		rc = EXIT_RUNTIME;
	} else {
		printf("central: %lld site(s), %lld audit records, %lld "
		       "leaves, %s",
		    (long long)r.sites, (long long)r.records,
		    (long long)r.leaves,
		    r.findings == 0 ? "every chain intact" : "");
		if (r.findings > 0)
			printf("%lld problem%s found", (long long)r.findings,
			    r.findings == 1 ? "" : "s");
		printf("; %lld push(es) refused\n", (long long)r.refusals);
		rc = r.findings == 0 ? EXIT_OK : EXIT_FINDINGS;
	}
	central_close(c);
	config_free(cfg);
	if (fflush(stdout) != 0)
		rc = EXIT_RUNTIME;
	return rc;
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
		{ "central", no_argument, NULL, OPT_CENTRAL },
		{ NULL, 0, NULL, 0 },
	};
	bool central = false;
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
		if (opt == OPT_CENTRAL) {
			central = true;
			continue;
		}
		if (!cli_common_option(opt, optarg, &common))
			return EXIT_USAGE;
	}
	if (central)
		return verify_central(&common);
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
