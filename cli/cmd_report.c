/*
 * vraudit report: the compliance report of the selected policy packs (the
 * config's [policy] packs, or --policy), from the database opened
 * read-only. Exit 0 when no rule is violated (pending rules do not fail),
 * 1 on violations, 2 on usage or configuration errors, 3 when the
 * database cannot be read or the report cannot be written.
 *
 * -o PATH and --output-dir write through cli_write_output: a file is
 * replaced atomically, so a reader never sees half a report; a FIFO or a
 * device is written in place.
 * --output-dir DIR writes DIR/YYYY-MM-DD.EXT per format (html and json by
 * default) and, with --keep N, removes all but the newest N dates.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify/classify.h"
#include "cli/cli.h"
#include "cli/report_central.h"
#include "config/config.h"
#include "pipeline/pipeline.h"
#include "policy/policy.h"
#include "report/report.h"
#include "store/store.h"
#include "common/sha256.h"
#include "common/util.h"
#include "vraudit-config.h"

enum {
	OPT_POLICY = OPT_COMMON_LAST + 1,
	OPT_AS_OF,
	OPT_OUTPUT_DIR,
	OPT_KEEP,
	OPT_CENTRAL,
};

#define MAX_FORMATS 4

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: vraudit report [-c CONF] [--db PATH | --central] "
	    "[--policy NAME]...\n"
	    "                      [--format text|csv|json|html] [-o PATH] "
	    "[--as-of YYYY-MM-DD]\n"
	    "                      [--output-dir DIR [--keep N]]\n"
	    "Evaluate the policy packs on the inventory and report each "
	    "rule's verdict\n(met, violated, pending before its deadline, or "
	    "no-data, stale or partial\nwhen its zones were not observed in "
	    "full within max-age), the elements\nbreaking them with their "
	    "evidence, zone shares against caps, each zone's\ncoverage and "
	    "the elements counted as new. --as-of evaluates another day,\n"
	    "counting only elements first seen by then. --output-dir writes "
	    "DIR/YYYY-MM-DD.html\nand .json (or each --format given); --keep "
	    "N keeps the newest N days there.\nExit: 0 compliant, 1 "
	    "violations, 2 usage or configuration error, 3 failure,\n4 "
	    "incomplete (no violation, but not every rule could be judged).\n"
	    "Packs: each --policy, else the configuration's [policy] packs, "
	    "else every\npack available (built in, or NAME.conf in [policy] "
	    "dir).\n--central: the national report of every site held in the "
	    "central database\n([central] url), with each site evaluated "
	    "alone as well.\n");
}

/* One format of a report, for cli_write_output. */
struct output {
	const struct report *r;
	enum report_format format;
};

static int
write_report(void *arg, FILE *out)
{
	const struct output *o = arg;

	return report_write(o->r, o->format, out);
}

/* A dated report name: "YYYY-MM-DD.ext". */
static bool
dated_name(const char *name)
{
	const char *dot = strchr(name, '.');
	char date[POLICY_DATE_LEN];

	if (dot == NULL || dot - name != 10)
		return false;
	str_copy(date, name, sizeof(date));
	return policy_date_valid(date) &&
	    (strcmp(dot, ".html") == 0 || strcmp(dot, ".json") == 0 ||
		strcmp(dot, ".csv") == 0 || strcmp(dot, ".txt") == 0);
}

static int
dated_filter(const struct dirent *d)
{
	return dated_name(d->d_name);
}

/* Remove dated reports of all but the newest keep dates; 0 or -1. */
static int
prune(const char *dir, long keep)
{
	struct dirent **names;
	char last[POLICY_DATE_LEN] = "";
	long dates = 0;
	int n, rc = 0;

	if ((n = scandir(dir, &names, dated_filter, alphasort)) == -1) {
		fprintf(stderr, "vraudit report: %s: %s\n", dir,
		    strerror(errno));
		return -1;
	}
	/* newest first */
	for (int i = n - 1; i >= 0; i--) {
		if (strncmp(names[i]->d_name, last, 10) != 0) {
			str_copy(last, names[i]->d_name, sizeof(last));
			dates++;
		}
		if (dates > keep) {
			char *path = xprintf("%s/%s", dir, names[i]->d_name);

			if (unlink(path) == -1) {
				fprintf(stderr, "vraudit report: %s: %s\n",
				    path, strerror(errno));
				rc = -1;
			}
			free(path);
		}
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

static int
run(const struct cli_common *common, char **packs, size_t n_packs,
    const struct report_options *opt_in, const enum report_format *formats,
    size_t n_formats, const char *output, const char *output_dir, long keep,
    bool central)
{
	struct report_options opt = *opt_in;
	struct central_report cr = { 0 };
	struct cli_env env = { 0 };
	struct policy_set *set = NULL;
	struct report *r = NULL;
	char err[1024], digest[SHA256_HEX_LEN];
	char *text, *conf_abs = NULL;
	size_t len;
	int rc;

	if ((rc = cli_open("report", common, CLI_CATALOGUE, &env)) != EXIT_OK)
		return rc;
	if (n_packs > 0)
		set = policy_select(env.cfg->policy_dir, packs, n_packs, env.cl,
		    err, sizeof(err));
	else
		set = policy_select(env.cfg->policy_dir, env.cfg->policy_packs,
		    env.cfg->n_policy_packs, env.cl, err, sizeof(err));
	if (set == NULL) {
		fprintf(stderr, "vraudit report: %s\n", err);
		rc = EXIT_USAGE;
		goto out;
	}
	pipeline_policy_settings(env.cfg, set);
	opt.version = VRAUDIT_VERSION;
	/* The report names the configuration it was made under: its path
	 * and the digest of its text (read again: config_load keeps none). */
	if ((opt.config_path = env.cfg->path) != NULL) {
		/* the path as a reader elsewhere can find it again */
		if ((conf_abs = realpath(env.cfg->path, NULL)) != NULL)
			opt.config_path = conf_abs;
		if ((text = file_read(env.cfg->path, &len, err, sizeof(err))) ==
		    NULL) {
			fprintf(stderr, "vraudit report: %s\n", err);
			rc = EXIT_USAGE;
			goto out;
		}
		sha256_buffer_hex(text, len, digest);
		free(text);
		opt.config_digest = digest;
	}
	opt.waivers_path = env.cfg->waivers_path;
	if (central) {
		/* Waivers are a site's: the national report has none. */
		opt.waivers_path = NULL;
		if ((rc = cli_report_central(env.cfg, set, &opt, common->quiet,
			 &cr, &r)) != EXIT_OK)
			goto out;
	} else {
		if ((rc = cli_open("report", common, CLI_STORE_RO, &env)) !=
		    EXIT_OK)
			goto out;
		opt.db_path = env.cfg->db_path;
		if ((r = report_new(env.st, set, &opt)) == NULL) {
			fprintf(stderr, "vraudit report: %s\n",
			    store_error(env.st));
			rc = EXIT_RUNTIME;
			goto out;
		}
	}
	if (report_waiver_warning(r) != NULL)
		fprintf(stderr, "vraudit report: warning: %s\n",
		    report_waiver_warning(r));
	rc = report_violated(r)    ? EXIT_FINDINGS
	    : report_incomplete(r) ? EXIT_INCOMPLETE
				   : EXIT_OK;
	if (output_dir != NULL) {
		for (size_t i = 0; i < n_formats; i++) {
			char *path = xprintf("%s/%s.%s", output_dir,
			    report_as_of(r), report_format_ext(formats[i]));
			struct output o = { r, formats[i] };

			if (cli_write_output("report", path, write_report,
				&o) == -1)
				rc = EXIT_RUNTIME;
			free(path);
		}
		if (rc != EXIT_RUNTIME && keep > 0 &&
		    prune(output_dir, keep) == -1)
			rc = EXIT_RUNTIME;
	} else {
		struct output o = { r, formats[0] };

		if (cli_write_output("report", output, write_report, &o) == -1)
			rc = EXIT_RUNTIME;
	}
out:
	free(conf_abs);
	report_free(r);
	cli_report_central_finish(&cr);
	policy_set_free(set);
	cli_close(&env);
	return rc;
}

int
cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "output", required_argument, NULL, 'o' },
		{ "as-of", required_argument, NULL, OPT_AS_OF },
		{ "output-dir", required_argument, NULL, OPT_OUTPUT_DIR },
		{ "keep", required_argument, NULL, OPT_KEEP },
		{ "central", no_argument, NULL, OPT_CENTRAL },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_common common = { 0 };
	struct report_options opt = { 0 };
	enum report_format formats[MAX_FORMATS];
	size_t n_formats = 0, n_packs = 0;
	const char *output = NULL, *output_dir = NULL;
	char **packs = NULL;
	long keep = 0;
	bool central = false;
	int opt_c, f, rc;
	char *end;

	while ((opt_c = cli_getopt(argc, argv,
		    CLI_COMMON_SHORTOPTS "o:", longopts, false)) != -1) {
		switch (opt_c) {
		case 'h':
			usage(stdout);
			free(packs);
			return EXIT_OK;
		case OPT_FORMAT:
			if ((f = report_format_parse(optarg)) == -1) {
				free(packs);
				return cli_usage_error(argv[0],
				    "unknown "
				    "format '%s' (accepted: text, csv, json, "
				    "html)",
				    optarg);
			}
			if (n_formats < MAX_FORMATS)
				formats[n_formats++] = (enum report_format)f;
			break;
		case OPT_POLICY:
			packs =
			    xreallocarray(packs, n_packs + 1, sizeof(*packs));
			packs[n_packs++] = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case OPT_AS_OF:
			if (!policy_date_valid(optarg)) {
				free(packs);
				return cli_usage_error(argv[0],
				    "--as-of "
				    "'%s': expected a date YYYY-MM-DD",
				    optarg);
			}
			opt.as_of = optarg;
			break;
		case OPT_OUTPUT_DIR:
			output_dir = optarg;
			break;
		case OPT_CENTRAL:
			central = true;
			break;
		case OPT_KEEP:
			errno = 0;
			keep = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || end == optarg ||
			    keep < 1) {
				free(packs);
				return cli_usage_error(argv[0],
				    "--keep '%s': "
				    "expected a number of days, 1 or more",
				    optarg);
			}
			break;
		default:
			if (!cli_common_option(opt_c, optarg, &common)) {
				free(packs);
				return EXIT_USAGE;
			}
		}
	}
	if (output_dir != NULL && output != NULL) {
		free(packs);
		return cli_usage_error(argv[0],
		    "-o and --output-dir exclude "
		    "each other");
	}
	if (keep > 0 && output_dir == NULL) {
		free(packs);
		return cli_usage_error(argv[0], "--keep needs --output-dir");
	}
	if (output_dir == NULL && n_formats > 1) {
		free(packs);
		return cli_usage_error(argv[0],
		    "one --format only, except "
		    "with --output-dir");
	}
	if (n_formats == 0) {
		formats[n_formats++] =
		    output_dir != NULL ? REPORT_HTML : REPORT_TEXT;
		if (output_dir != NULL)
			formats[n_formats++] = REPORT_JSON;
	}
	opt.now = time_now();
	if (central && common.db_path != NULL) {
		free(packs);
		return cli_usage_error(argv[0],
		    "--central and --db exclude "
		    "each other");
	}
	rc = run(&common, packs, n_packs, &opt, formats, n_formats, output,
	    output_dir, keep, central);
	free(packs);
	return rc;
}
