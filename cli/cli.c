/*
 * vraudit: subcommand dispatch, --help and --version, and the options and
 * configuration handling every subcommand shares.
 */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify/classify.h"
#include "config/config.h"
#include "policy/policy.h"
#include "store/store.h"
#include "common/log.h"
#include "common/options.h"
#include "common/text.h"
#include "common/util.h"
#include "pipeline/pipeline.h"
#include "vraudit-config.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *summary;
} commands[] = {
	{ "scan", cmd_scan, "one-shot SNMP sweep, classify, store" },
	{ "ingest", cmd_ingest, "read capture files, classify, store" },
	{ "classify", cmd_classify, "classify pieces of evidence" },
	{ "elements", cmd_elements, "list the inventory" },
	{ "report", cmd_report, "compliance report (exit 1 on violations)" },
	{ "verify", cmd_verify, "check the tamper-evident audit chain" },
	{ "waivers", cmd_waivers, "record the waivers file and list waivers" },
	{ "migrate", cmd_migrate, "create or upgrade the database" },
	{ "push", cmd_push, "send the audit chain to the central database" },
	{ "central", cmd_central,
	    "create the central database's schema, register sites" },
	{ "check-config", cmd_check_config,
	    "validate and print the effective configuration" },
};

static void
usage(FILE *out)
{
	fprintf(out, "usage: vraudit COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-13s %s\n", commands[i].name,
		    commands[i].summary);
	fprintf(out,
	    "\nEvery command takes -c CONF (default %s when it exists),\n"
	    "--db PATH, --quiet and -v. 'vraudit COMMAND --help' for its options.\n"
	    "Exit codes: 0 success, 1 violations found, 2 usage or configuration\n"
	    "error, 3 runtime failure.\n",
	    CONFIG_DEFAULT_PATH);
}

int
cli_main(int argc, char **argv)
{
	const char *cmd;

	log_init("vraudit", LOG_DEST_STDERR, 0);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0 ||
	    strcmp(cmd, "version") == 0) {
		printf("vraudit %s\n", VRAUDIT_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(cmd, commands[i].name) == 0) {
			optind = 0; /* full getopt reset for the subcommand */
			return commands[i].fn(argc - 1, argv + 1);
		}
	fprintf(stderr,
	    "vraudit: unknown command '%s'\nTry 'vraudit --help'.\n", cmd);
	return EXIT_USAGE;
}

int
cli_getopt(int argc, char **argv, const char *shortopts,
    const struct option *longopts, bool operands)
{
	char prog[64];

	snprintf(prog, sizeof(prog), "vraudit %s", argv[0]);
	return options_next(prog, argc, argv, shortopts, longopts, operands);
}

int
cli_zone_option(const char *cmd, const char *zone)
{
	char err[256];

	if (config_zone_name_check(zone, err, sizeof(err)) < 0)
		return cli_usage_error(cmd, "--zone: %s", err);
	return EXIT_OK;
}

int
cli_common_option(int opt, const char *arg, struct cli_common *c)
{
	switch (opt) {
	case 'c':
		c->config_path = arg;
		return 1;
	case OPT_DB:
		c->db_path = arg;
		return 1;
	case OPT_QUIET:
		c->quiet = true;
		return 1;
	case 'v':
		c->verbose++;
		log_verbosity(c->verbose);
		return 1;
	}
	return 0;
}

int
cli_load_config(const struct cli_common *c, struct config **out)
{
	char err[1024];
	struct config *cfg = config_load(c->config_path, err, sizeof(err));

	if (cfg == NULL) {
		fprintf(stderr, "vraudit: %s\n", err);
		return EXIT_USAGE;
	}
	if (c->db_path != NULL) {
		free(cfg->db_path);
		cfg->db_path = xstrdup(c->db_path);
	}
	*out = cfg;
	return EXIT_OK;
}

int
cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vraudit %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return EXIT_USAGE;
}

bool
cli_show_progress(const struct cli_common *c)
{
	return !c->quiet && isatty(STDERR_FILENO);
}

void
cli_classifier_sources(const struct config *cfg, struct classifier_sources *src)
{
	src->oui_dir = cfg->oui_dir;
	src->vendors = cfg->vendors_path;
	src->enterprises = cfg->enterprises_path;
	src->enterprises_local = cfg->enterprises_local;
}

int
cli_open_classifier(const char *cmd, const struct classifier_sources *src,
    bool need_registry, struct classifier **out)
{
	struct classifier_sources without = *src;
	char err[1024], err2[1024];
	struct classifier *c;

	*out = NULL;
	if ((c = classifier_open(src, err, sizeof(err))) == NULL) {
		/* Without the IEEE registry, only MAC evidence is lost: see
		 * if that matters. */
		without.oui_dir = NULL;
		if (src->oui_dir == NULL ||
		    (c = classifier_open(&without, err2, sizeof(err2))) ==
			NULL) {
			fprintf(stderr, "vraudit %s: %s\n", cmd, err);
			return EXIT_RUNTIME;
		}
		if (need_registry) {
			fprintf(stderr,
			    "vraudit %s: IEEE registry: %s "
			    "(install Debian's ieee-data or set [registry] "
			    "oui-dir)\n",
			    cmd, err);
			classifier_free(c);
			return EXIT_RUNTIME;
		}
		log_warnx(cmd, "IEEE registry: %s; continuing without it", err);
	}
	/* Without the IANA registry, only registrants the catalogue lacks
	 * go unnamed. */
	if (classifier_enterprises_missing(c) != NULL)
		log_warnx(cmd,
		    "IANA enterprise registry: %s; continuing without it "
		    "(install Debian's libwireshark-data or set [registry] "
		    "enterprises)",
		    classifier_enterprises_missing(c));
	*out = c;
	return EXIT_OK;
}

char *
cli_join(char *const *words, size_t n, const char *sep)
{
	struct strbuf b = STRBUF_INIT;

	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			strbuf_adds(&b, sep);
		strbuf_adds(&b, words[i]);
	}
	return strbuf_steal(&b);
}

int
cli_sync_policies(const char *cmd, const struct config *cfg,
    struct classifier *cl, struct store *st)
{
	char err[1024];
	int changed = 0, rc;

	rc = pipeline_sync_policies(cfg, cl, st, &changed, err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "vraudit %s: %s\n", cmd, err);
		return rc == PIPELINE_BAD_PACKS || rc == PIPELINE_BAD_WAIVERS
		    ? EXIT_USAGE
		    : EXIT_RUNTIME;
	}
	if (changed > 0)
		log_info(cmd, "%d verdicts changed under the rules in force",
		    changed);
	return EXIT_OK;
}

int
cli_open(const char *cmd, const struct cli_common *c, unsigned need,
    struct cli_env *env)
{
	struct classifier_sources src;
	char err[1024];
	int rc = EXIT_OK;

	env->cmd = cmd;
	if (env->cfg == NULL && (rc = cli_load_config(c, &env->cfg)) != EXIT_OK)
		return rc;
	if (env->cl == NULL && (need & CLI_CLASSIFIER)) {
		cli_classifier_sources(env->cfg, &src);
		rc = cli_open_classifier(cmd, &src, true, &env->cl);
	} else if (env->cl == NULL && (need & CLI_CATALOGUE)) {
		/* The catalogue only, to check the packs' vendor slugs. */
		env->cl = classifier_new(NULL, env->cfg->vendors_path, err,
		    sizeof(err));
		if (env->cl == NULL) {
			fprintf(stderr, "vraudit %s: %s\n", cmd, err);
			rc = EXIT_USAGE;
		}
	}
	if (rc == EXIT_OK && env->st == NULL &&
	    (need & (CLI_STORE_RO | CLI_STORE_RW | CLI_STORE_AUDIT))) {
		env->st = store_open(env->cfg->db_path,
		    need & CLI_STORE_RW          ? STORE_READ_WRITE
			: need & CLI_STORE_AUDIT ? STORE_READ_AUDIT
						 : STORE_READ_ONLY,
		    err, sizeof(err));
		if (env->st == NULL) {
			fprintf(stderr, "vraudit %s: %s\n", cmd, err);
			rc = EXIT_RUNTIME;
		} else if (need & CLI_CLASSIFIER) {
			env->ops = classifier_ops(env->cl);
			store_set_classifier(env->st, &env->ops);
		}
	}
	if (rc == EXIT_OK && (need & CLI_POLICIES))
		rc = cli_sync_policies(cmd, env->cfg, env->cl, env->st);
	if (rc != EXIT_OK)
		cli_close(env);
	return rc;
}

void
cli_close(struct cli_env *env)
{
	store_close(env->st);
	classifier_free(env->cl);
	config_free(env->cfg);
	env->st = NULL;
	env->cl = NULL;
	env->cfg = NULL;
}
