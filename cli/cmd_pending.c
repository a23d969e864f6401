/*
 * Subcommands whose probes or reports are not part of this version yet.
 * They answer --help and otherwise exit 2 saying what is missing.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int
pending(int argc, char **argv, const char *what)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("vraudit %s: %s is not available in this version yet\n",
			    argv[0], what);
			return EXIT_OK;
		}
	fprintf(stderr, "vraudit %s: %s is not available in this version yet\n",
	    argv[0], what);
	return EXIT_USAGE;
}

int
cmd_report(int argc, char **argv)
{
	return pending(argc, argv, "the compliance report");
}
