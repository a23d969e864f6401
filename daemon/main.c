/*
 * vrauditd(8): the daemon. Parses its options and hands over to the library.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "log.h"
#include "vraudit-config.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: vrauditd [-c CONF] [-f] [-d]\n"
	    "  -c, --config CONF  configuration file (default %s)\n"
	    "  -f, --foreground   stay in the foreground, log to stderr\n"
	    "  -d, --debug        debug messages (repeat for more)\n"
	    "  -V, --version      print the version\n",
	    CONFIG_DEFAULT_PATH);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "debug", no_argument, NULL, 'd' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *conf_path = NULL;
	int foreground = 0, debug = 0, ch;
	struct config *cfg;
	char err[1024];

	while ((ch = getopt_long(argc, argv, "c:fdVh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			conf_path = optarg;
			break;
		case 'f':
			foreground = 1;
			break;
		case 'd':
			debug++;
			break;
		case 'V':
			printf("vrauditd %s\n", VRAUDIT_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	log_init("vrauditd", log_dest_auto(foreground), debug > 0 ? 1 + debug : 1);
	cfg = config_load(conf_path, err, sizeof(err));
	if (cfg == NULL) {
		log_warnx("config", "%s", err);
		return 2;
	}
	config_free(cfg);
	log_warnx("daemon", "the probes are not available in this version yet");
	return 2;
}
