/*
 * vraudit elements: list the inventory, optionally with the evidence behind
 * each verdict, as aligned text, CSV (RFC 4180) or JSON.
 *
 * Values come from the network: text output escapes them as TEXT_TERMINAL
 * and CSV as TEXT_CSV (common/text.h), so a hostile sysDescr cannot move
 * the cursor, split a CSV record or run a formula in a spreadsheet; JSON
 * comes from SQLite (store_inventory_json).
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "config/config.h"
#include "common/evidence.h"
#include "common/text.h"
#include "store/store.h"
#include "common/util.h"

enum {
	OPT_RISK = OPT_COMMON_LAST + 1,
	OPT_VENDOR,
	OPT_ZONE,
	OPT_EVIDENCE,
	OPT_RETIRED,
};

enum format { FORMAT_TEXT, FORMAT_CSV, FORMAT_JSON };

/* Inventory columns shown as text, with their headings. */
static const struct {
	const char *column;
	const char *heading;
} text_columns[] = {
	{ "element_id", "ID" }, { "mgmt_ip", "MGMT_IP" },
	{ "address", "ADDRESS" }, { "mac", "MAC" }, { "sys_name", "SYS_NAME" },
	{ "vendor", "VENDOR" }, { "risk", "RISK" }, { "confidence", "CONF" },
	{ "conflict", "CONFLICT" }, { "zone", "ZONE" }, { "model", "MODEL" },
	{ "last_seen", "LAST_SEEN" }, { "sources", "SOURCES" },
	{ "retired_at", "RETIRED" }, /* with --retired only */
};
#define N_TEXT ARRAY_SIZE(text_columns)

/* Evidence columns, in the evidence view's order after element_id. */
static const char *const evidence_columns[] = {
	"kind",
	"value",
	"vendor",
	"strength",
	"rule",
	"observed_at",
	"scan_id",
};
#define N_EVIDENCE ARRAY_SIZE(evidence_columns)

/* One element of the text listing: its rendered cells and evidence lines. */
struct text_row {
	char *cells[N_TEXT]; /* owned */
	char **evidence;     /* owned lines */
	size_t n_evidence;
};

struct listing {
	struct store *st;
	enum format format;
	bool with_evidence;
	bool with_retired; /* the RETIRED column too */
	size_t rows;
	struct text_row *text; /* FORMAT_TEXT: buffered for alignment */
	const struct store_cell *element; /* CSV: the element listed */
	size_t n_element;
	bool element_has_evidence;
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: vraudit elements [-c CONF] [--db PATH] "
	    "[--risk LEVEL] [--vendor SLUG]\n"
	    "                        [--zone ZONE] [--format text|csv|json] "
	    "[--evidence]\n"
	    "                        [--retired]\n"
	    "List the elements found, with their vendor verdict. --risk is one "
	    "of high,\nwatch, none, unknown; --evidence adds the evidence "
	    "behind each verdict.\nRetired elements (not seen for [policy] "
	    "retire-after) are left out unless\n--retired, which lists them "
	    "too, with when they were retired.\n");
}

/* Columns a rendered string takes on a terminal (one per code point). */
static size_t
width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

static const struct store_cell *
cell(const struct store_cell *cells, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(cells[i].name, name) == 0)
			return &cells[i];
	return NULL;
}

/* A cell as text output shows it: "-" for NULL, two decimals for reals. */
static char *
render_text(const struct store_cell *c)
{
	if (c == NULL || c->type == STORE_CELL_NULL)
		return xstrdup("-");
	if (c->type == STORE_CELL_REAL)
		return xprintf("%.2f", strtod((const char *)c->bytes, NULL));
	return text_escaped(c->bytes, c->len, TEXT_TERMINAL);
}

static void
csv_field(FILE *out, const struct store_cell *c, bool first)
{
	struct strbuf b = STRBUF_INIT;

	if (!first)
		fputc(',', out);
	if (c == NULL || c->type == STORE_CELL_NULL)
		return;
	/* Numbers are ours, and a negative one is no formula. */
	if (c->type == STORE_CELL_INTEGER || c->type == STORE_CELL_REAL) {
		fwrite(c->bytes, 1, c->len, out);
		return;
	}
	text_escape(&b, c->bytes, c->len, TEXT_CSV);
	fputs(strbuf_str(&b), out);
	strbuf_finish(&b);
}

static void
csv_element(const struct listing *l, FILE *out)
{
	for (size_t i = 0; i < l->n_element; i++)
		csv_field(out, &l->element[i], i == 0);
}

static int
on_evidence(void *arg, const struct store_cell *cells, size_t n)
{
	struct listing *l = arg;

	if (l->format == FORMAT_CSV) {
		csv_element(l, stdout);
		for (size_t i = 0; i < N_EVIDENCE; i++)
			csv_field(stdout, cell(cells, n, evidence_columns[i]),
			    false);
		fputc('\n', stdout);
		l->element_has_evidence = true;
	} else {
		struct text_row *r = &l->text[l->rows - 1];
		char *v[N_EVIDENCE];

		for (size_t i = 0; i < N_EVIDENCE; i++)
			v[i] = render_text(cell(cells, n, evidence_columns[i]));
		r->evidence = xreallocarray(r->evidence, r->n_evidence + 1,
		    sizeof(*r->evidence));
		r->evidence[r->n_evidence++] =
		    xprintf("    %s %s -> %s "
			    "(strength %s, rule %s) at %s, scan %s",
			v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
		for (size_t i = 0; i < N_EVIDENCE; i++)
			free(v[i]);
	}
	return 0;
}

static int
element_evidence(struct listing *l, const struct store_cell *cells, size_t n)
{
	const struct store_cell *id = cell(cells, n, "element_id");

	if (id == NULL)
		return -1;
	return store_evidence(l->st, strtoll((const char *)id->bytes, NULL, 10),
	    on_evidence, l);
}

static int
on_element(void *arg, const struct store_cell *cells, size_t n)
{
	struct listing *l = arg;
	struct text_row *r;

	if (l->format == FORMAT_CSV) {
		if (l->rows++ == 0) {
			for (size_t i = 0; i < n; i++)
				printf("%s%s", i == 0 ? "" : ",",
				    cells[i].name);
			if (l->with_evidence)
				for (size_t i = 0; i < N_EVIDENCE; i++)
					printf(",evidence_%s",
					    evidence_columns[i]);
			putchar('\n');
		}
		l->element = cells;
		l->n_element = n;
		if (!l->with_evidence) {
			csv_element(l, stdout);
			putchar('\n');
			return 0;
		}
		l->element_has_evidence = false;
		if (element_evidence(l, cells, n) == -1)
			return -1;
		if (!l->element_has_evidence) {
			csv_element(l, stdout);
			for (size_t i = 0; i < N_EVIDENCE; i++)
				putchar(',');
			putchar('\n');
		}
		return 0;
	}
	l->text = xreallocarray(l->text, l->rows + 1, sizeof(*l->text));
	r = &l->text[l->rows++];
	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < N_TEXT; i++) {
		const struct store_cell *c =
		    cell(cells, n, text_columns[i].column);

		if (strcmp(text_columns[i].column, "conflict") == 0)
			r->cells[i] = xstrdup(
			    c != NULL && c->bytes[0] == '1' ? "yes" : "no");
		else
			r->cells[i] = render_text(c);
	}
	if (l->with_evidence)
		return element_evidence(l, cells, n);
	return 0;
}

static void
print_text(struct listing *l)
{
	size_t w[N_TEXT];
	const size_t n_text = l->with_retired ? N_TEXT : N_TEXT - 1;

	if (l->rows == 0) {
		printf("no elements\n");
		return;
	}
	for (size_t i = 0; i < n_text; i++) {
		w[i] = strlen(text_columns[i].heading);
		for (size_t r = 0; r < l->rows; r++)
			if (width(l->text[r].cells[i]) > w[i])
				w[i] = width(l->text[r].cells[i]);
	}
	for (size_t i = 0; i < n_text; i++)
		printf("%s%-*s", i == 0 ? "" : "  ",
		    i == n_text - 1 ? 0 : (int)w[i], text_columns[i].heading);
	putchar('\n');
	for (size_t r = 0; r < l->rows; r++) {
		for (size_t i = 0; i < n_text; i++) {
			const char *s = l->text[r].cells[i];

			printf("%s%s", i == 0 ? "" : "  ", s);
			if (i < n_text - 1)
				for (size_t k = width(s); k < w[i]; k++)
					putchar(' ');
		}
		putchar('\n');
		for (size_t e = 0; e < l->text[r].n_evidence; e++)
			printf("%s\n", l->text[r].evidence[e]);
	}
}

static void
listing_finish(struct listing *l)
{
	for (size_t r = 0; r < l->rows && l->text != NULL; r++) {
		for (size_t i = 0; i < N_TEXT; i++)
			free(l->text[r].cells[i]);
		for (size_t e = 0; e < l->text[r].n_evidence; e++)
			free(l->text[r].evidence[e]);
		free(l->text[r].evidence);
	}
	free(l->text);
}

static int
list(struct store *st, const struct store_filter *f, enum format format,
    bool with_evidence)
{
	struct listing l = { .st = st,
		.format = format,
		.with_evidence = with_evidence,
		.with_retired = f != NULL && f->retired };
	char *json;
	int rc = 0;

	if (format == FORMAT_JSON) {
		if ((json = store_inventory_json(st, f, with_evidence)) == NULL)
			return -1;
		printf("%s\n", json);
		free(json);
		return 0;
	}
	if (store_inventory(st, f, on_element, &l) != 0)
		rc = -1;
	else if (format == FORMAT_TEXT)
		print_text(&l);
	else if (l.rows == 0) {
		/* The header alone: the columns of the view. */
		char *cols = store_inventory_columns(st, ",");

		if (cols == NULL)
			return -1;
		fputs(cols, stdout);
		free(cols);
		if (with_evidence)
			for (size_t i = 0; i < N_EVIDENCE; i++)
				printf(",evidence_%s", evidence_columns[i]);
		putchar('\n');
	}
	listing_finish(&l);
	return rc;
}

int
cmd_elements(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "risk", required_argument, NULL, OPT_RISK },
		{ "vendor", required_argument, NULL, OPT_VENDOR },
		{ "zone", required_argument, NULL, OPT_ZONE },
		{ "evidence", no_argument, NULL, OPT_EVIDENCE },
		{ "retired", no_argument, NULL, OPT_RETIRED },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_common common = { 0 };
	struct store_filter filter = { 0 };
	enum format format = FORMAT_TEXT;
	bool with_evidence = false;
	struct cli_env env = { 0 };
	int opt, rc;

	while ((opt = cli_getopt(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
		    false)) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") == 0)
				format = FORMAT_TEXT;
			else if (strcmp(optarg, "csv") == 0)
				format = FORMAT_CSV;
			else if (strcmp(optarg, "json") == 0)
				format = FORMAT_JSON;
			else
				return cli_usage_error(argv[0],
				    "unknown "
				    "format '%s' (accepted: text, csv, json)",
				    optarg);
			break;
		case OPT_RISK:
			if (risk_parse(optarg) == -1)
				return cli_usage_error(argv[0],
				    "unknown risk "
				    "level '%s' (accepted: high, watch, none, "
				    "unknown)",
				    optarg);
			filter.risk = optarg;
			break;
		case OPT_VENDOR:
			filter.vendor = optarg;
			break;
		case OPT_ZONE:
			if (cli_zone_option(argv[0], optarg) != EXIT_OK)
				return EXIT_USAGE;
			filter.zone = optarg;
			break;
		case OPT_EVIDENCE:
			with_evidence = true;
			break;
		case OPT_RETIRED:
			filter.retired = true;
			break;
		default:
			if (!cli_common_option(opt, optarg, &common))
				return EXIT_USAGE;
		}
	}
	if ((rc = cli_open("elements", &common, CLI_STORE_RO, &env)) != EXIT_OK)
		return rc;
	if (list(env.st, &filter, format, with_evidence) == -1) {
		fprintf(stderr, "vraudit elements: %s\n", store_error(env.st));
		rc = EXIT_RUNTIME;
	}
	cli_close(&env);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("vraudit elements: standard output");
		rc = EXIT_RUNTIME;
	}
	return rc;
}
