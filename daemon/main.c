/*
 * vrauditd(8): the daemon. Parses its options and hands over to the library.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/options.h"
#include "config/config.h"
#include "daemon/daemon.h"
#include "vraudit-config.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: vrauditd [-c CONF] [-f] [-d] [--user USER]\n"
	    "  -c, --config CONF  configuration file (default %s)\n"
	    "  -f, --foreground   log to stderr (vrauditd never forks)\n"
	    "  -d, --debug        debug messages (repeat for more)\n"
	    "  -u, --user USER    user to become when started as root (default %s)\n"
	    "  -V, --version      print the version\n",
	    CONFIG_DEFAULT_PATH, DAEMON_DEFAULT_USER);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "debug", no_argument, NULL, 'd' },
		{ "user", required_argument, NULL, 'u' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct daemon_options o = { 0 };
	int ch;

	while ((ch = options_next("vrauditd", argc, argv, "c:fdu:Vh", longopts,
		    false)) != -1) {
		switch (ch) {
		case 'c':
			o.conf_path = optarg;
			break;
		case 'f':
			o.foreground = true;
			break;
		case 'd':
			o.debug++;
			break;
		case 'u':
			o.user = optarg;
			break;
		case 'V':
			printf("vrauditd %s\n", VRAUDIT_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return 2;
		}
	}
	return daemon_run(&o);
}
