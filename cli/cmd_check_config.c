/*
 * vraudit check-config: load and validate the configuration, then load
 * what it names with the loaders vrauditd and the commands use (the vendor
 * catalogue, the IEEE and IANA registries, the policy directory and
 * packs), so that a configuration it calls valid is one they accept. Prints
 * the effective values as INI on stdout and a one-line summary on stderr.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "classify/classify.h"
#include "cli/cli.h"
#include "config/config.h"
#include "common/util.h"
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
	    "Validate the configuration and the files it names (vendor "
	    "catalogue,\n"
	    "registries, policy packs, waivers) and print its effective "
	    "values,\n"
	    "defaults included and secrets masked. Exit 0 when valid, 2 when "
	    "not.\n"
	    "\n"
	    "  -c, --config CONF  configuration file (default: the installed "
	    "one\n"
	    "                     when it exists, otherwise built-in "
	    "defaults)\n"
	    "      --db PATH      database path overriding the "
	    "configuration's\n"
	    "  -h, --help         this help\n");
}

/* A key whose value names something to load. */
struct named {
	const char *key; /* "[registry] vendors" */
	const char *value;
	int line; /* 0: the default */
};

/* "FILE:LINE: KEY" (or "FILE: KEY (default VALUE)") of the key. */
static void
print_where(const struct config *cfg, const struct named *k)
{
	const char *file = cfg->path != NULL ? cfg->path : "built-in defaults";

	if (k->line > 0)
		fprintf(stderr, "vraudit check-config: %s:%d: %s: ", file,
		    k->line, k->key);
	else
		fprintf(stderr,
		    "vraudit check-config: %s: %s (default %s): ", file, k->key,
		    k->value != NULL ? k->value : "none");
}

/* The key of keys whose value begins err (a loader's "PATH: what" or
 * "PATH:LINE: what", PATH maybe a file in a directory): the longest
 * match, else fallback. */
static const struct named *
blame(const struct named *keys, size_t n, const char *err,
    const struct named *fallback)
{
	const struct named *best = fallback;
	size_t best_len = 0;

	for (size_t i = 0; i < n; i++) {
		size_t len = keys[i].value != NULL ? strlen(keys[i].value) : 0;

		if (len > best_len && strncmp(err, keys[i].value, len) == 0 &&
		    (err[len] == ':' || err[len] == '/')) {
			best = &keys[i];
			best_len = len;
		}
	}
	return best;
}

/*
 * Load what cfg names as vrauditd does (the classifier from all its
 * sources, then the packs it selects); EXIT_OK, or EXIT_USAGE after
 * "vraudit check-config: FILE:LINE: [section] key: what".
 */
static int
check_named(const struct config *cfg)
{
	const struct named registry[] = {
		{ "[registry] oui-dir", cfg->oui_dir, cfg->lines.oui_dir },
		{ "[registry] vendors", cfg->vendors_path, cfg->lines.vendors },
		{ "[registry] enterprises", cfg->enterprises_path,
		    cfg->lines.enterprises },
		{ "[registry] enterprises-local", cfg->enterprises_local,
		    cfg->lines.enterprises_local },
	};
	const struct named policy[] = {
		{ "[policy] dir", cfg->policy_dir, cfg->lines.policy_dir },
		{ "[policy] packs", NULL, cfg->lines.packs },
	};
	struct classifier_sources src;
	struct policy_set *set;
	struct classifier *cl;
	char err[1024];

	cli_classifier_sources(cfg, &src);
	if ((cl = classifier_open(&src, err, sizeof(err))) == NULL) {
		print_where(cfg,
		    blame(registry, ARRAY_SIZE(registry), err, &registry[1]));
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	/* The daemon and the commands go on without the IANA registry. */
	if (classifier_enterprises_missing(cl) != NULL) {
		print_where(cfg, &registry[2]);
		fprintf(stderr,
		    "warning: %s; vraudit goes on without it "
		    "(install Debian's libwireshark-data)\n",
		    classifier_enterprises_missing(cl));
	}
	set = policy_select(cfg->policy_dir, cfg->policy_packs,
	    cfg->n_policy_packs, cl, err, sizeof(err));
	classifier_free(cl);
	if (set == NULL) {
		print_where(cfg, blame(policy, 1, err, &policy[1]));
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	policy_set_free(set);
	return EXIT_OK;
}

/* True when blocks a and b share an address. */
static bool
blocks_overlap(const struct cidr *a, const struct cidr *b)
{
	unsigned bits = a->prefix < b->prefix ? a->prefix : b->prefix;

	if (a->family != b->family)
		return false;
	for (unsigned bit = 0; bit < bits; bit++) {
		uint8_t m = (uint8_t)(0x80 >> (bit % 8));

		if ((a->addr[bit / 8] & m) != (b->addr[bit / 8] & m))
			return false;
	}
	return true;
}

/*
 * Targets listed twice (an address and a block holding it, in one section
 * or two, on the same port): a sweep asks each address once, with the
 * settings of the section that names it first. Say where, both places.
 */
static void
warn_overlaps(const struct config *cfg)
{
	const char *file = cfg->path != NULL ? cfg->path : "configuration";

	for (size_t ti = 0; ti < cfg->n_targets; ti++) {
		const struct config_target *t = &cfg->targets[ti];

		for (size_t ai = 0; ai < t->n_addresses; ai++) {
			const struct config_address *a = &t->addresses[ai];
			uint16_t port = a->port ? a->port : t->port;

			for (size_t tj = 0; tj <= ti; tj++) {
				const struct config_target *u =
				    &cfg->targets[tj];
				size_t end = tj == ti ? ai : u->n_addresses;

				for (size_t bj = 0; bj < end; bj++) {
					const struct config_address *b =
					    &u->addresses[bj];

					if ((b->port ? b->port : u->port) !=
						port ||
					    !blocks_overlap(&a->range,
						&b->range))
						continue;
					fprintf(stderr,
					    "vraudit check-config: warning: "
					    "%s:%d: [target %s] %s overlaps "
					    "[target %s] %s (%s:%d): an "
					    "address in both is asked once per "
					    "sweep, as [target %s] says\n",
					    file, a->line, t->name, a->text,
					    u->name, b->text, file, b->line,
					    u->name);
				}
			}
		}
	}
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

	while ((ch = cli_getopt(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
		    false)) != -1) {
		if (ch == 'h') {
			usage(stdout);
			return EXIT_OK;
		}
		if (!cli_common_option(ch, optarg, &common))
			return EXIT_USAGE;
	}
	if ((rc = cli_load_config(&common, &cfg)) != EXIT_OK)
		return rc;
	if ((rc = check_named(cfg)) != EXIT_OK) {
		config_free(cfg);
		return rc;
	}
	if (check_waivers(cfg, &n_waivers) == -1) {
		config_free(cfg);
		return EXIT_USAGE;
	}
	warn_overlaps(cfg);
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
