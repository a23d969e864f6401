/*
 * getopt_long with one-line complaints: getopt's own messages name argv[0]
 * (a subcommand's name alone) and commands used to follow them with their
 * whole usage; here the message names the program and the command.
 */
#include "common/options.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The long option argv[at] names ("--name" or "--name=value"): its
 * entry when exactly one name has that prefix, else NULL with *matches. */
static const struct option *
long_match(const struct option *longopts, const char *arg, int *matches)
{
	const char *name = arg + 2;
	size_t len = strcspn(name, "=");
	const struct option *found = NULL;

	*matches = 0;
	for (const struct option *o = longopts; o->name != NULL; o++) {
		if (strncmp(o->name, name, len) != 0)
			continue;
		if (strlen(o->name) == len) {
			*matches = 1;
			return o;
		}
		found = o;
		++*matches;
	}
	return *matches == 1 ? found : NULL;
}

static int __attribute__((format(printf, 2, 3)))
complain(const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", prog);
	return '?';
}

int
options_next(const char *prog, int argc, char *const *argv,
    const char *shortopts, const struct option *longopts, bool operands)
{
	char spec[64];
	const struct option *o;
	const char *arg;
	int ch, matches;

	/* A leading ':' tells a missing argument from an unknown option. */
	snprintf(spec, sizeof(spec), ":%s", shortopts);
	opterr = 0;
	ch = getopt_long(argc, argv, spec, longopts, NULL);
	if (ch == -1) {
		if (!operands && optind < argc)
			return complain(prog, "unexpected argument '%s'",
			    argv[optind]);
		return -1;
	}
	if (ch != '?' && ch != ':')
		return ch;
	/* getopt has stepped past the element in error unless it stopped
	 * inside a group of short options ("-xv"). */
	arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	if (strncmp(arg, "--", 2) == 0 && arg[2] != '\0') {
		o = long_match(longopts, arg, &matches);
		if (o == NULL && matches > 1)
			return complain(prog, "option '%s' is ambiguous", arg);
		if (o == NULL)
			return complain(prog, "unrecognized option '%s'", arg);
		if (ch == ':' && o->val == optopt)
			return complain(prog,
			    "option '%s' requires an argument", arg);
		if (ch == '?' && o->has_arg == no_argument &&
		    strchr(arg, '=') != NULL && o->val == optopt)
			return complain(prog,
			    "option '%.*s' doesn't allow an argument",
			    (int)strcspn(arg, "="), arg);
	}
	if (ch == ':')
		return complain(prog, "option requires an argument -- '%c'",
		    optopt);
	return complain(prog, "invalid option -- '%c'", optopt);
}
