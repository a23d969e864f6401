/*
 * vraudit check-config: load and validate the configuration, print the
 * effective values as INI on stdout and a one-line summary on stderr.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "config/config.h"
#include "policy/policy.h"
#include "policy/waiver.h"

/* The waivers file the configuration names: valid, and each waiver's
 * rule one of the packs in force. -1 with the error printed. */
static int
check_waivers(const struct config *cfg, size_t *n)
{
	struct waiver_set *ws;
	struct policy_set *set;
	char err[1024];
	int rc = 0;

	*n = 0;
	if (cfg->waivers_path == NULL)
		return 0;
	if ((ws = waiver_set_load(cfg->waivers_path, err, sizeof(err))) ==
	    NULL) {
		fprintf(stderr, "vraudit check-config: %s\n", err);
		return -1;
	}
	/* Packs that do not load are the writers' to report. */
	set = policy_select(cfg->policy_dir, cfg->policy_packs,
	    cfg->n_policy_packs, NULL, err, sizeof(err));
	if (set != NULL && waiver_set_check(ws, set, err, sizeof(err)) == -1) {
		fprintf(stderr, "vraudit check-config: %s\n", err);
		rc = -1;
	}
	*n = ws->n;
	policy_set_free(set);
	waiver_set_free(ws);
	return rc;
}

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: vraudit check-config [-c CONF] [--db PATH]\n"
	    "\n"
	    "Validate the configuration (and the waivers file it names) and "
	    "print\n"
	    "its effective values, defaults included and secrets masked. "
	    "Exit 0\n"
	    "when valid, 2 when not.\n"
	    "\n"
	    "  -c, --config CONF  configuration file (default: the installed "
	    "one\n"
	    "                     when it exists, otherwise built-in "
	    "defaults)\n"
	    "      --db PATH      database path overriding the "
	    "configuration's\n"
	    "  -h, --help         this help\n");
}

int
cmd_check_config(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_common common = { 0 };
	struct config *cfg;
	size_t n_waivers;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
		    NULL)) != -1) {
		if (ch == 'h') {
			usage(stdout);
			return EXIT_OK;
		}
		if (!cli_common_option(ch, optarg, &common)) {
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error(argv[0], "unexpected argument '%s'",
		    argv[optind]);
	if ((rc = cli_load_config(&common, &cfg)) != EXIT_OK)
		return rc;
	if (check_waivers(cfg, &n_waivers) == -1) {
		config_free(cfg);
		return EXIT_USAGE;
	}
	config_print(cfg, stdout);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("vraudit check-config: stdout");
		config_free(cfg);
		return EXIT_RUNTIME;
	}
	fprintf(stderr, "%s: valid, %zu targets, %zu captures, %zu zones",
	    cfg->path != NULL ? cfg->path : "built-in defaults", cfg->n_targets,
	    cfg->n_captures, cfg->n_zones);
	if (cfg->waivers_path != NULL)
		fprintf(stderr, ", %zu waivers", n_waivers);
	fputc('\n', stderr);
	config_free(cfg);
	return EXIT_OK;
}
