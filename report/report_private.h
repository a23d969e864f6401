/*
 * The report's model, shared by model.c, which gathers it from the store,
 * and the writers text.c, csv.c, json.c and html.c. Not part of the public
 * API (report.h).
 *
 * Cells keep the bytes the store gave, with their type: a BLOB (bytes that
 * are not valid UTF-8) stays bytes until a writer escapes it, once, in the
 * style of its format (common/text.h).
 */
#ifndef VRAUDIT_REPORT_PRIVATE_H
#define VRAUDIT_REPORT_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/text.h"
#include "common/util.h"
#include "policy/policy.h"
#include "report/report.h"
#include "store/store.h"

#define REPORT_DAY 86400

/* A cell kept after the query: len bytes at s, NUL-terminated after them
 * (s NULL for SQL NULL). Its table owns s, which other cells of equal
 * bytes may share. 16 bytes: a report holds millions. */
struct value {
	char *s;
	uint32_t len; /* SQLite holds no value of 4 GiB */
	enum store_cell_type type;
};

/* A block of cells' bytes: they never move once written. */
struct cell_block;

/* Columns report_cell found, by the address of the name it was given. */
struct col_hint {
	const char *name;
	size_t col;
};

#define REPORT_COL_HINTS 16

/* Cells kept lately, found by their bytes' hash: most of a table's
 * cells (policy, rule, zone, status, detail) repeat a few values. */
#define REPORT_INTERN 512

/* Rows of one query. Owns everything, but a slice (see struct
 * element_evidence) owns nothing. */
struct table {
	char **cols;
	size_t ncol;
	struct value *v; /* nrows * ncol */
	size_t nrows;
	size_t cap;                /* rows v has room for */
	size_t v_mapped;           /* bytes mapped for v; 0: malloc's */
	struct cell_block *blocks; /* the bytes of the cells */
	struct col_hint *hints;    /* REPORT_COL_HINTS of them */
	struct value *intern;      /* REPORT_INTERN of them; NULL in a slice */
};

/* One element listed in a violation: its rows of violations, in the
 * view's order, and slices of the evidence and addresses tables: its
 * evidence, its name and addresses (store_report_element's rows). */
struct element_evidence {
	int64_t id;
	const size_t *rows; /* into report's by_element */
	size_t n_rows;
	struct table t;    /* borrowed rows of report's evidence */
	struct table addr; /* borrowed rows of report's addresses */
};

/* The rows of violations of one rule: [first, end), and how many of them
 * are not waived. */
struct rule_range {
	size_t first, end;
	long long violating;
};

/* Owns everything but set. */
struct report {
	const struct policy_set *set; /* borrowed */
	char *db_path;
	char *version;                /* "unknown" when not given */
	char *config_path;            /* NULL: built-in defaults */
	char *config_digest;          /* NULL: none */
	int64_t now;                  /* generation time */
	char newest[POLICY_DATE_LEN]; /* newest observation day, "" when none */
	long long age_days;           /* days from newest to generation */
	char as_of[POLICY_DATE_LEN];
	char generated[TIME_STRLEN];
	const struct report_sites *sites; /* borrowed; NULL: a site's */
	int64_t audit_seq; /* head of the audit chain when read */
	char audit_hash[STORE_HASH_STRLEN];
	struct table rules, violations, shares, counts, fresh, history,
	    baseline, coverage;
	struct table retired, waivers, waiver_file;
	char *waiver_warning; /* the file on disk is not the one recorded;
			       * NULL when it is */
	struct element_evidence *ev; /* by id: the violating elements */
	size_t n_ev;
	/* Indexes built once, so that no writer searches a table per row:
	 * rules row i's violations, the violations rows grouped by element
	 * (by element_id, then the view's order), the element_id of each
	 * violations row, and the tables the evidence slices point into. */
	struct rule_range *ranges;
	size_t *by_element;
	long long *vid;
	struct table evidence, addresses;
};

/* The site and the site's own number of element id, in a national
 * report: the site's name, or NULL (a site's report, or unknown). */
const char *report_element_site(const struct report *r, long long id,
    long long *site_id);

/* How the figures are counted, said in every format. */
extern const char report_counting_note[];
extern const char report_cover_note[];
extern const char report_baseline_note[];
extern const char report_coverage_note[];
extern const char report_lifecycle_note[];

/* FNV-1a of len bytes at p, carried on from h (REPORT_HASH_SEED to
 * start): cells are found again by it. */
#define REPORT_HASH_SEED 14695981039346656037ULL
uint64_t report_hash(uint64_t h, const void *p, size_t len);

/* A row of a query kept in the table arg (a store_row_fn). 0. */
int table_add(void *arg, const struct store_cell *cells, size_t n);
/* Free what t owns and empty it. */
void table_finish(struct table *t);
/* Two byte strings in the order of SQLite's BINARY collation: -1, 0 or 1. */
int table_bytes_cmp(const void *a, size_t alen, const void *b, size_t blen);
/* Sort t's rows by the columns cols[0..n) (the first 4 of them), as
 * SQL's ORDER BY sorts them with the BINARY collation. */
void table_sort(struct table *t, const char *const *cols, size_t n);

/* The cell of column col in row (a NULL value when there is no such
 * column). */
const struct value *report_cell(const struct table *t, size_t row,
    const char *col);
/* A cell's text; "" for NULL. For comparing and numbers: a BLOB may hold
 * NUL bytes, print it with rout_put_value. */
const char *report_str(const struct table *t, size_t row, const char *col);
/* A cell as an integer (0 when it is not one). */
long long report_num(const struct table *t, size_t row, const char *col);
/* A cell as a real (0 when it is not one). */
double report_real(const struct table *t, size_t row, const char *col);
/* The row of rule_status for (policy, rule); -1 when none. */
long report_rule_row(const struct report *r, const char *policy,
    const char *rule);
/* True when row i of t belongs to (policy, rule). */
bool report_rule_match(const struct table *t, size_t i, const char *policy,
    const char *rule);
/* Violating element id; NULL when it is not one. */
const struct element_evidence *report_element(const struct report *r,
    int64_t id);
/* The evidence gathered for element id; NULL when none was. */
const struct table *report_evidence_of(const struct report *r, int64_t id);
/* The element named in violations row i, where it is found: its
 * mgmt_ip, else its first other address (IPv4 first) with *kind naming
 * its kind ("ipv4", "ipv6", "mac"); *kind is "mgmt" for the management
 * address, and "" when there is none (the value is then NULL). */
const struct value *report_address(const struct report *r, size_t i,
    const char **kind);
/* The sys_name of element id (a NULL value when unknown). */
const struct value *report_sys_name(const struct report *r, int64_t id);
/* Elements breaking (policy, rule). */
long long report_violating(const struct report *r, const char *policy,
    const char *rule);
/* The violations rows of rules row i. */
const struct rule_range *report_rule_range(const struct report *r, size_t i);
/* The violating elements, by element_id; *n gets their number. Each
 * one's rows gives its violations rows (rows[0] the first). */
const struct element_evidence *report_violating_elements(const struct report *r,
    size_t *n);
/* The row of the waivers table for waiver name; -1 when none. */
long report_waiver_row(const struct report *r, const char *name);
/* Violation rows waiver name excuses. */
size_t report_waiver_uses(const struct report *r, const char *name);
/* Row i of the waivers table in words: "zone core, all rules of
 * uk-dvd-2022: REASON; approved by X; expires D (N days left)", as a new
 * string. */
char *report_waiver_terms(const struct table *w, size_t i);
/* The baseline (policy_baseline's row) in words, as a static string
 * valid until the next call. */
const char *report_baseline_words(const struct table *b);
/* Row i of the coverage table in words ("sweep 3: 14 targets, 10
 * answered, ...; last observed D, N days ago"), as a new string. */
char *report_coverage_words(const struct table *c, size_t i);
/* Rules counted by status. */
void report_tally(const struct report *r, int *violated, int *pending, int *met,
    int *unjudged);
/* True for a status of a rule that could not be judged: no-data, stale,
 * partial. */
bool report_unjudged_status(const char *status);
/* Row i of rule_status's requirement in words, as a new string. */
char *report_rule_terms(const struct table *t, size_t i);
/* Row i of rule_status's verdict with its qualifiers ("pending, 45 days
 * left (would be met today)"), as a new string. */
char *report_rule_verdict(const struct table *t, size_t i);

/*
 * What a writer writes: its bytes gathered in buf and handed to the
 * stream REPORT_OUT_BLOCK at a time. A report over 100,000 elements makes
 * millions of small writes, and a stdio call costs several times a copy
 * into a buffer.
 */
#define REPORT_OUT_BLOCK (64 * 1024)

struct report_out {
	FILE *f;
	size_t len;
	char buf[REPORT_OUT_BLOCK];
};

/* Start writing to f. */
void rout_open(struct report_out *o, FILE *f);
/* Hand what buf holds to the stream; the writer ends with it. */
void rout_flush(struct report_out *o);
/* n bytes that do not fit in buf. */
void rout_spill(struct report_out *o, const void *p, size_t n);

/* n bytes as they are. */
static inline void
rout_add(struct report_out *o, const void *p, size_t n)
{
	if (n <= REPORT_OUT_BLOCK - o->len) {
		memcpy(o->buf + o->len, p, n);
		o->len += n;
	} else
		rout_spill(o, p, n);
}

/* A C string, as it is (inline: most are literals). */
static inline void
rout_puts(struct report_out *o, const char *s)
{
	rout_add(o, s, strlen(s));
}

/* One character. */
static inline void
rout_putc(struct report_out *o, char c)
{
	if (o->len == REPORT_OUT_BLOCK)
		rout_flush(o);
	o->buf[o->len++] = c;
}

/* Formatted text, as it is. */
void rout_printf(struct report_out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* len bytes at p escaped in style. */
void rout_put(struct report_out *o, const void *p, size_t len,
    enum text_style style);
/* A C string escaped in style; NULL writes nothing. */
void rout_put_str(struct report_out *o, const char *s, enum text_style style);
/* A cell's bytes escaped in style; NULL writes nothing. */
void rout_put_value(struct report_out *o, const struct value *v,
    enum text_style style);

/* The writers, one per format (report_write's), each through the
 * buffer. */
void report_write_text(const struct report *r, struct report_out *out);
void report_write_csv(const struct report *r, struct report_out *out);
void report_write_json(const struct report *r, struct report_out *out);
void report_write_html(const struct report *r, struct report_out *out);

#endif
