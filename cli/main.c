/*
 * vraudit(1): the command line. Everything lives in the library.
 */
#include "cli/cli.h"

int
main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
