/*
 * The vraudit command line: dispatch to subcommands and the options every
 * subcommand shares. Each subcommand is a function returning an exit code:
 * 0 success, 1 findings (report: violations), 2 usage or configuration
 * error, 3 runtime failure.
 */
#ifndef VRAUDIT_CLI_H
#define VRAUDIT_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/evidence.h"

struct classifier;
struct classifier_sources;
struct config;
struct store;

enum {
	EXIT_OK = 0,
	EXIT_FINDINGS = 1,
	EXIT_USAGE = 2,
	EXIT_RUNTIME = 3,
	EXIT_INCOMPLETE = 4, /* report: no violation, but not every rule
			      * could be judged */
};

/* Long-only option codes shared by subcommands (getopt_long values). */
enum {
	OPT_DB = 256,
	OPT_QUIET,
	OPT_FORMAT,
	OPT_JSON,
	OPT_COMMON_LAST = 300, /* subcommands number their own options above */
};

/* Options every subcommand accepts. */
struct cli_common {
	const char *config_path; /* -c, NULL = default */
	const char *db_path;     /* --db, NULL = the config's */
	bool quiet;              /* --quiet */
	int verbose;             /* -v, repeatable */
};

/* getopt_long entries for -c/--config, --db, --quiet, -v, -h; ends without the terminator. */
#define CLI_COMMON_LONGOPTS                                                    \
	{ "config", required_argument, NULL, 'c' },                            \
	    { "db", required_argument, NULL, OPT_DB },                         \
	    { "quiet", no_argument, NULL, OPT_QUIET },                         \
	    { "verbose", no_argument, NULL, 'v' },                             \
	{                                                                      \
		"help", no_argument, NULL, 'h'                                 \
	}
#define CLI_COMMON_SHORTOPTS "c:vh"

/* What a subcommand opens before its work (cli_open), in this order. */
enum cli_need {
	CLI_STORE_RO = 1 << 0,    /* the database, read-only */
	CLI_STORE_RW = 1 << 1,    /* the database, created or migrated */
	CLI_CATALOGUE = 1 << 2,   /* the vendor catalogue alone (pack slugs) */
	CLI_CLASSIFIER = 1 << 3,  /* the catalogue and the IEEE registry */
	CLI_POLICIES = 1 << 4,    /* record the packs and redo stale verdicts
				 * (with CLI_CLASSIFIER and CLI_STORE_RW) */
	CLI_STORE_AUDIT = 1 << 5, /* the database, read-only, at any schema
				   * version (verify) */
};

/* What cli_open opened; cli_close releases it all. */
struct cli_env {
	const char *cmd; /* "scan", for messages */
	struct config *cfg;
	struct classifier *cl;
	struct classifier_ops ops; /* the store points at it */
	struct store *st;
};

/* Entry point of the vraudit program. */
int cli_main(int argc, char **argv);
/* The next option of a subcommand's argv (argv[0] its name): getopt_long
 * that, on an unknown option, a missing or unexpected option argument or
 * (unless operands) an operand, prints "vraudit CMD: what" and "Try
 * 'vraudit CMD --help'." and returns '?'; -1 at the end. */
int cli_getopt(int argc, char **argv, const char *shortopts,
    const struct option *longopts, bool operands);
/* Check the value of --zone as the configuration checks zone names;
 * EXIT_OK, or EXIT_USAGE after "vraudit CMD: --zone: what". */
int cli_zone_option(const char *cmd, const char *zone);
/* Handle a common option; 1 if it was one, 0 if not. */
int cli_common_option(int opt, const char *arg, struct cli_common *c);
/* Open what need asks for (enum cli_need) that env (zeroed at first) does
 * not hold yet, the configuration first, printing errors as "vraudit CMD:
 * ..."; an exit code (EXIT_OK: env holds it all; otherwise everything is
 * closed). */
int cli_open(const char *cmd, const struct cli_common *c, unsigned need,
    struct cli_env *env);
/* Release what cli_open opened; safe on a zeroed env. */
void cli_close(struct cli_env *env);
/* Load the configuration the common options name and apply --db; exit code. */
int cli_load_config(const struct cli_common *c, struct config **out);
/* Print "vraudit CMD: message" to stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The classifier's sources as the configuration's [registry] names them. */
void cli_classifier_sources(const struct config *cfg,
    struct classifier_sources *src);
/* Build the classifier from its sources; without a usable IEEE registry,
 * fail only when need_registry; without the IANA registry's file, warn
 * and go on. Prints errors as "vraudit CMD: ..."; exit code. */
int cli_open_classifier(const char *cmd, const struct classifier_sources *src,
    bool need_registry, struct classifier **out);
/* Record the configuration's policy packs in the database for its views
 * and redo verdicts made under other rules; prints errors as
 * "vraudit CMD: ..."; exit code. */
int cli_sync_policies(const char *cmd, const struct config *cfg,
    struct classifier *cl, struct store *st);
/* words joined by sep, as a new string. */
char *cli_join(char *const *words, size_t n, const char *sep);
/* Writes a command's output to out; 0, or -1 with errno set. */
typedef int (*cli_output_fn)(void *arg, FILE *out);
/* Write output through fn to path ("-" or NULL: standard output): a
 * regular file or a new name is replaced atomically (a temporary file
 * beside it, synced, renamed; the old file's mode, or a new file's), a
 * FIFO, character device or socket is written in place, a directory or
 * anything else is refused; a symbolic link is followed. Prints errors as
 * "vraudit CMD: ..." naming the path; 0 or -1. */
int cli_write_output(const char *cmd, const char *path, cli_output_fn fn,
    void *arg);
/* True when progress may be shown: stderr is a terminal and not --quiet. */
bool cli_show_progress(const struct cli_common *c);

/* Subcommands: argv[0] is the subcommand's name. */
int cmd_scan(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_classify(int argc, char **argv);
int cmd_elements(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_waivers(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_push(int argc, char **argv);
int cmd_central(int argc, char **argv);
int cmd_check_config(int argc, char **argv);

#endif
