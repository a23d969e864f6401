/*
 * vraudit central: administer the central PostgreSQL database (create or
 * upgrade its schema, register a site); vraudit push: send this site's
 * audit chain there. Both read [central] from the configuration.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "central/central.h"
#include "cli/cli.h"
#include "classify/classify.h"
#include "config/config.h"
#include "pipeline/pipeline.h"
#include "policy/policy.h"
#include "store/store.h"

static void
central_usage(FILE *out)
{
	fprintf(out,
	    "usage: vraudit central migrate [-c CONF]\n"
	    "       vraudit central add-site [-c CONF] SITE [ROLE]\n"
	    "Administer the central database named by [central] url, as its\n"
	    "owner. migrate creates or upgrades its schema and writes the\n"
	    "configuration's packs and [policy] settings there, for the\n"
	    "national views (run it again after changing them). add-site registers\n"
	    "SITE, pushed by the PostgreSQL role ROLE (default: SITE), which\n"
	    "is created without a password when it does not exist (give it\n"
	    "one, or a certificate, with PostgreSQL's own tools). Exit 0 on\n"
	    "success, 2 on a usage or configuration error, 3 when the\n"
	    "database refused or cannot be reached.\n");
}

static int
open_central(const char *cmd, const struct cli_common *common,
    struct config **cfg, struct central **c)
{
	char err[2048];
	int rc;

	if ((rc = cli_load_config(common, cfg)) != EXIT_OK)
		return rc;
	if ((*cfg)->central_url == NULL) {
		fprintf(stderr,
		    "vraudit %s: %s: no [central] section with a url\n", cmd,
		    (*cfg)->path != NULL ? (*cfg)->path : "configuration");
		config_free(*cfg);
		return EXIT_USAGE;
	}
	if ((*c = central_connect(*cfg, err, sizeof(err))) == NULL) {
		fprintf(stderr, "vraudit %s: %s\n", cmd, err);
		config_free(*cfg);
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

/* The configuration's packs and [policy] settings into the central
 * database, for its national views; prints what it synced. */
static int
sync_packs(struct central *c, const struct cli_common *common,
    struct config *cfg)
{
	struct cli_env env = { .cfg = cfg };
	struct policy_set *set;
	char err[1024];
	int rc;

	if ((rc = cli_open("central", common, CLI_CATALOGUE, &env)) !=
	    EXIT_OK) {
		classifier_free(env.cl);
		return rc;
	}
	set = policy_select(cfg->policy_dir, cfg->policy_packs,
	    cfg->n_policy_packs, env.cl, err, sizeof(err));
	classifier_free(env.cl);
	if (set == NULL) {
		fprintf(stderr, "vraudit central: %s\n", err);
		return EXIT_USAGE;
	}
	pipeline_policy_settings(cfg, set);
	if (central_sync_policies(c, set) < 0) {
		fprintf(stderr, "vraudit central: packs: %s\n",
		    central_error(c));
		rc = EXIT_RUNTIME;
	} else if (!common->quiet) {
		printf("packs:");
		for (size_t i = 0; i < set->n_packs; i++)
			printf(" %s", set->packs[i]->name);
		printf("%s\n", set->n_packs == 0 ? " none" : "");
	}
	policy_set_free(set);
	return rc;
}

int
cmd_central(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_common common = { 0 };
	struct config *cfg = NULL;
	struct central *c = NULL;
	const char *action;
	int opt, rc;

	while ((opt = cli_getopt(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
		    true)) != -1) {
		if (opt == 'h') {
			central_usage(stdout);
			return EXIT_OK;
		}
		if (!cli_common_option(opt, optarg, &common))
			return EXIT_USAGE;
	}
	if (optind >= argc)
		return cli_usage_error("central",
		    "migrate or add-site expected");
	action = argv[optind++];
	if (strcmp(action, "migrate") == 0) {
		if (optind != argc)
			return cli_usage_error("central",
			    "migrate takes no operand");
	} else if (strcmp(action, "add-site") == 0) {
		if (optind >= argc || argc - optind > 2)
			return cli_usage_error("central",
			    "add-site takes SITE and an optional ROLE");
	} else
		return cli_usage_error("central", "unknown action '%s'",
		    action);
	if ((rc = open_central("central", &common, &cfg, &c)) != EXIT_OK)
		return rc;
	if (strcmp(action, "migrate") == 0) {
		int from, to;

		if (central_migrate(c, &from, &to) < 0) {
			fprintf(stderr, "vraudit central: %s\n",
			    central_error(c));
			rc = EXIT_RUNTIME;
		} else if (!common.quiet) {
			if (from == to)
				printf("central schema: version %d, up to "
				       "date\n",
				    to);
			else
				printf("central schema: version %d to %d\n",
				    from, to);
		}
		if (rc == EXIT_OK)
			rc = sync_packs(c, &common, cfg);
	} else {
		const char *site = argv[optind];
		const char *role = optind + 1 < argc ? argv[optind + 1] : site;
		char err[256];

		if (config_site_name_check(site, err, sizeof(err)) < 0) {
			rc = cli_usage_error("central", "%s", err);
		} else if (central_add_site(c, site, role) < 0) {
			fprintf(stderr, "vraudit central: add-site %s: %s\n",
			    site, central_error(c));
			rc = EXIT_RUNTIME;
		} else if (!common.quiet)
			printf("site %s: registered, pushed by role %s\n", site,
			    role);
	}
	central_close(c);
	config_free(cfg);
	if (fflush(stdout) != 0)
		rc = EXIT_RUNTIME;
	return rc;
}

static void
push_usage(FILE *out)
{
	fprintf(out,
	    "usage: vraudit push [-c CONF] [--db PATH] [--batch N]\n"
	    "Send the records of the database's audit chain that the central\n"
	    "database ([central] url) does not hold for this site ([central]\n"
	    "site) yet, oldest first. The central database checks each one on\n"
	    "arrival; a push stopped anywhere is taken up again by the next.\n"
	    "--batch N: at most N records per transaction (default 1000).\n"
	    "Exit 0 when the central database holds the whole chain, 1 when it\n"
	    "refused it (a history that does not continue what it holds),\n"
	    "2 on a usage or configuration error, 3 when it cannot be reached\n"
	    "or the push failed.\n");
}

enum { OPT_BATCH = OPT_COMMON_LAST + 1 };

int
cmd_push(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "batch", required_argument, NULL, OPT_BATCH },
		{ NULL, 0, NULL, 0 },
	};
	long batch = CENTRAL_PUSH_BATCH;
	struct cli_common common = { 0 };
	struct central_push_result res;
	struct cli_env env = { 0 };
	struct central *c = NULL;
	struct config *cfg = NULL;
	int opt, rc;

	while ((opt = cli_getopt(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
		    false)) != -1) {
		if (opt == 'h') {
			push_usage(stdout);
			return EXIT_OK;
		}
		if (opt == OPT_BATCH) {
			char *end;

			batch = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || batch < 1 ||
			    batch > CENTRAL_PUSH_BATCH_MAX)
				return cli_usage_error("push",
				    "--batch: a number of records from 1 to "
				    "%d, not '%s'",
				    CENTRAL_PUSH_BATCH_MAX, optarg);
			continue;
		}
		if (!cli_common_option(opt, optarg, &common))
			return EXIT_USAGE;
	}
	if ((rc = open_central("push", &common, &cfg, &c)) != EXIT_OK)
		return rc;
	config_free(cfg);
	if ((rc = cli_open("push", &common, CLI_STORE_AUDIT, &env)) !=
	    EXIT_OK) {
		central_close(c);
		return rc;
	}
	switch (
	    central_push(c, env.st, env.cfg->central_site, (int)batch, &res)) {
	case CENTRAL_OK:
		if (!common.quiet)
			printf("site %s: %lld record(s) and %lld leaf(s) "
			       "pushed; the central database holds up to "
			       "record %lld %s\n",
			    env.cfg->central_site, (long long)res.records,
			    (long long)res.leaves, (long long)res.head_seq,
			    res.head_hash);
		rc = EXIT_OK;
		break;
	case CENTRAL_REFUSED:
		fprintf(stderr, "vraudit push: refused: %s\n",
		    central_error(c));
		rc = EXIT_FINDINGS;
		break;
	default:
		fprintf(stderr,
		    "vraudit push: %s (%lld record(s) pushed before)\n",
		    central_error(c), (long long)res.records);
		rc = EXIT_RUNTIME;
		break;
	}
	central_close(c);
	cli_close(&env);
	if (fflush(stdout) != 0)
		rc = EXIT_RUNTIME;
	return rc;
}
