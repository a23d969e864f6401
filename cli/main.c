/*
 * vraudit(1): the command line. Everything lives in the library.
 */
#include "cli.h"

int
main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
