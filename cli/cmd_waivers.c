/*
 * vraudit waivers: record the configuration's waivers file in the
 * database now, as every writer does when it starts (scan, ingest,
 * vrauditd at start and reload), and list the recorded waivers with their
 * status as of today.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/text.h"
#include "common/util.h"
#include "config/config.h"
#include "pipeline/pipeline.h"
#include "store/store.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: vraudit waivers [-c CONF] [--db PATH]\n"
	    "Record the waivers file of [policy] waivers in the database (an "
	    "audit record\n"
	    "says what was added, changed or removed), then list the recorded "
	    "waivers:\n"
	    "name, status (active, or lapsed after its expiry date), what it "
	    "covers, the\n"
	    "rule, the expiry date, days left, approver and reason. Exit 2 "
	    "when the file\n"
	    "is malformed (the waivers recorded before stay).\n");
}

static void
put(const struct store_cell *c)
{
	struct strbuf b = STRBUF_INIT;

	if (c->type == STORE_CELL_NULL || c->len == 0)
		strbuf_addc(&b, '-');
	else
		text_escape(&b, c->bytes, c->len, TEXT_TERMINAL);
	fputs(b.s, stdout);
	strbuf_finish(&b);
}

/* name status scope_kind scope pack rule reason approver expires days */
static int
print_waiver(void *arg, const struct store_cell *cells, size_t n)
{
	size_t *rows = arg;

	if (n < 10)
		return -1;
	if ((*rows)++ == 0)
		printf("NAME  STATUS  COVERS  RULE  EXPIRES  DAYS_LEFT  "
		       "APPROVER  REASON\n");
	put(&cells[0]);
	fputs("  ", stdout);
	put(&cells[8]);
	fputs("  ", stdout);
	put(&cells[1]);
	fputc(' ', stdout);
	put(&cells[2]);
	fputs("  ", stdout);
	put(&cells[3]);
	fputc('/', stdout);
	if (cells[4].type == STORE_CELL_NULL)
		fputc('*', stdout);
	else
		put(&cells[4]);
	fputs("  ", stdout);
	put(&cells[7]);
	fputs("  ", stdout);
	put(&cells[9]);
	fputs("  ", stdout);
	put(&cells[6]);
	fputs("  ", stdout);
	put(&cells[5]);
	fputc('\n', stdout);
	return 0;
}

int
cmd_waivers(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_common common = { 0 };
	struct cli_env env = { 0 };
	char err[1024], today[TIME_STRLEN];
	size_t rows = 0;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
		    NULL)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			return EXIT_OK;
		}
		if (!cli_common_option(opt, optarg, &common)) {
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error(argv[0], "unexpected argument '%s'",
		    argv[optind]);
	if ((rc = cli_open("waivers", &common, CLI_CATALOGUE | CLI_STORE_RW,
		 &env)) != EXIT_OK)
		return rc;
	switch (
	    pipeline_record_packs(env.cfg, env.cl, env.st, err, sizeof(err))) {
	case 0:
		break;
	case PIPELINE_STORE:
		fprintf(stderr, "vraudit waivers: %s\n", err);
		rc = EXIT_RUNTIME;
		goto out;
	default:
		fprintf(stderr, "vraudit waivers: %s\n", err);
		rc = EXIT_USAGE;
		goto out;
	}
	time_format(time_now(), today);
	today[10] = '\0';
	if (store_report_rows(env.st, STORE_REPORT_WAIVERS, today, NULL,
		print_waiver, &rows) != 0) {
		fprintf(stderr, "vraudit waivers: %s\n", store_error(env.st));
		rc = EXIT_RUNTIME;
	} else if (rows == 0)
		printf("no waivers recorded\n");
out:
	cli_close(&env);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("vraudit waivers: standard output");
		rc = EXIT_RUNTIME;
	}
	return rc;
}
