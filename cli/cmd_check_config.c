/*
 * vraudit check-config: load and validate the configuration, print the
 * effective values as INI on stdout and a one-line summary on stderr.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "config/config.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: vraudit check-config [-c CONF] [--db PATH]\n"
	    "\n"
	    "Validate the configuration and print its effective values, "
	    "defaults\n"
	    "included and secrets masked. Exit 0 when valid, 2 when not.\n"
	    "\n"
	    "  -c, --config CONF  configuration file (default: the installed "
	    "one\n"
	    "                     when it exists, otherwise built-in "
	    "defaults)\n"
	    "      --db PATH      database path overriding the "
	    "configuration's\n"
	    "  -h, --help         this help\n");
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
	warn_overlaps(cfg);
	config_print(cfg, stdout);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("vraudit check-config: stdout");
		config_free(cfg);
		return EXIT_RUNTIME;
	}
	fprintf(stderr, "%s: valid, %zu targets, %zu captures, %zu zones\n",
	    cfg->path != NULL ? cfg->path : "built-in defaults", cfg->n_targets,
	    cfg->n_captures, cfg->n_zones);
	config_free(cfg);
	return EXIT_OK;
}
