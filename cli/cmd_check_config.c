/*
 * vraudit check-config.
 */
#include <stdio.h>

#include "cli.h"

int
cmd_check_config(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "vraudit %s: not available in this version yet\n", argv[0]);
	return EXIT_USAGE;
}
