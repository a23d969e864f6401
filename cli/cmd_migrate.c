/*
 * vraudit migrate: create the database or bring its schema up to date.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "config/config.h"
#include "store/store.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: vraudit migrate [-c CONF] [--db PATH]\n"
	    "Create the database, or apply the schema migrations it lacks.\n");
}

int
cmd_migrate(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_common common = { 0 };
	struct cli_env env = { 0 };
	int opt, rc, version, found;

	while ((opt = cli_getopt(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
		    false)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			return EXIT_OK;
		}
		if (!cli_common_option(opt, optarg, &common))
			return EXIT_USAGE;
	}
	if ((rc = cli_open("migrate", &common, CLI_STORE_RW, &env)) != EXIT_OK)
		return rc;
	version = store_schema_version(env.st, &found);
	if (found == 0)
		printf("%s: schema version %d (created)\n", env.cfg->db_path,
		    version);
	else if (found < version)
		printf("%s: schema version %d (upgraded from %d)\n",
		    env.cfg->db_path, version, found);
	else
		printf("%s: schema version %d (up to date)\n", env.cfg->db_path,
		    version);
	cli_close(&env);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_RUNTIME;
}
