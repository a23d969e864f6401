/*
 * The report's model (report_private.h): every figure comes from the
 * store, the verdicts from the evaluation views run as of the report's date
 * (store_policy_eval), the rest from store_report_rows. Cells are kept as
 * the store gave them; the writers escape them for their format.
 */
#include "report/report_private.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/sha256.h"

const char report_counting_note[] =
    "Shares count network elements in each zone, not sites or traffic "
    "(the UK caps were also measured by sites and by traffic).";
const char report_cover_note[] =
    "An element is covered by a pack when its vendor is one of the pack's "
    "vendors, or when its evidence conflicts and strong evidence names one "
    "of them (flagged \"conflicting evidence\"). Merged elements never "
    "count; elements without a zone are in zone \"unassigned\".";
const char report_baseline_note[] =
    "first_seen is when vraudit first saw an element, by any source, not "
    "when it was installed: elements first seen by the end of the "
    "baseline ([policy] baseline, else the first complete sweep that any "
    "agent answered) are not counted as new by first-seen-after rules.";
const char report_coverage_note[] =
    "A rule without a violation is met only when every zone of its scope "
    "holds elements and was observed within max-age, with no agent that "
    "refused, went silent or was cut short in its latest sweep; else it "
    "is no-data, stale or partial, and the result is INCOMPLETE.";

const char report_lifecycle_note[] =
    "Retired elements (not seen for retire-after while complete scans went "
    "on) and elements under an active waiver do not make a rule violated; "
    "a waiver lapses after its expiry date.";

/* Room for the evidence view's columns (8) without an allocation. */
#define EVIDENCE_COLS 16

/* Evidence rows, with the day each was last observed: the precision the
 * audit chain commits (vraudit-schema(7), "Leaves"), so that what the
 * report says can be checked against it. */
static int
evidence_add(void *arg, const struct store_cell *cells, size_t n)
{
	struct store_cell room[EVIDENCE_COLS];
	struct store_cell *c =
	    n > EVIDENCE_COLS ? xcalloc(n, sizeof(*c)) : room;
	int rc;

	memcpy(c, cells, n * sizeof(*c));
	for (size_t i = 0; i < n; i++)
		if (c[i].len > 10 && strcmp(c[i].name, "observed_at") == 0)
			c[i].len = 10;
	rc = table_add(arg, c, n);
	if (c != room)
		free(c);
	return rc;
}

long
report_rule_row(const struct report *r, const char *policy, const char *rule)
{
	for (size_t i = 0; i < r->rules.nrows; i++)
		if (report_rule_match(&r->rules, i, policy, rule))
			return (long)i;
	return -1;
}

bool
report_rule_match(const struct table *t, size_t i, const char *policy,
    const char *rule)
{
	return strcmp(report_str(t, i, "policy"), policy) == 0 &&
	    strcmp(report_str(t, i, "rule"), rule) == 0;
}

const struct element_evidence *
report_element(const struct report *r, int64_t id)
{
	size_t lo = 0, hi = r->n_ev;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->ev[mid].id == id)
			return &r->ev[mid];
		if (r->ev[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct table *
report_evidence_of(const struct report *r, int64_t id)
{
	const struct element_evidence *e = report_element(r, id);

	return e != NULL ? &e->t : NULL;
}

const struct value *
report_address(const struct report *r, size_t i, const char **kind)
{
	const struct value *mgmt = report_cell(&r->violations, i, "mgmt_ip");
	const struct element_evidence *e;

	if (mgmt->s != NULL && mgmt->len > 0) {
		*kind = "mgmt";
		return mgmt;
	}
	*kind = "";
	e = report_element(r, r->vid[i]);
	if (e == NULL || e->addr.nrows == 0 ||
	    report_cell(&e->addr, 0, "value")->s == NULL)
		return mgmt;
	*kind = report_str(&e->addr, 0, "kind");
	return report_cell(&e->addr, 0, "value");
}

const struct value *
report_sys_name(const struct report *r, int64_t id)
{
	static const struct value null = { NULL, 0, STORE_CELL_NULL };
	const struct element_evidence *e = report_element(r, id);

	if (e == NULL || e->addr.nrows == 0)
		return &null;
	return report_cell(&e->addr, 0, "sys_name");
}

long long
report_violating(const struct report *r, const char *policy, const char *rule)
{
	long i = report_rule_row(r, policy, rule);

	return i < 0 ? 0 : r->ranges[i].violating;
}

const struct rule_range *
report_rule_range(const struct report *r, size_t i)
{
	return &r->ranges[i];
}

long
report_waiver_row(const struct report *r, const char *name)
{
	for (size_t i = 0; i < r->waivers.nrows; i++)
		if (strcmp(report_str(&r->waivers, i, "name"), name) == 0)
			return (long)i;
	return -1;
}

size_t
report_waiver_uses(const struct report *r, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < r->violations.nrows; i++)
		if (strcmp(report_str(&r->violations, i, "waiver"), name) == 0)
			n++;
	return n;
}

const struct element_evidence *
report_violating_elements(const struct report *r, size_t *n)
{
	*n = r->n_ev;
	return r->ev;
}

char *
report_waiver_terms(const struct table *w, size_t i)
{
	const char *rule = report_str(w, i, "rule");
	bool active = strcmp(report_str(w, i, "status"), "active") == 0;
	char left[48] = "";

	if (active)
		snprintf(left, sizeof(left), " (%lld days left)",
		    report_num(w, i, "days_left"));
	return xprintf("%s %s, %s%s%s%s: %s; approved by %s; %s %s%s",
	    report_str(w, i, "scope_kind"), report_str(w, i, "scope"),
	    *rule ? "rule " : "all rules of ", report_str(w, i, "pack"),
	    *rule ? "/" : "", rule, report_str(w, i, "reason"),
	    report_str(w, i, "approver"), active ? "expires" : "lapsed after",
	    report_str(w, i, "expires"), left);
}

/* Compare the waivers file on disk with the recorded one. */
static void
check_waiver_file(struct report *r, const char *path)
{
	const struct table *f = &r->waiver_file;
	const char *rec_path = f->nrows > 0 ? report_str(f, 0, "path") : NULL;
	char digest[SHA256_HEX_LEN], err[512];
	size_t len;
	char *text;

	if (path == NULL) {
		if (rec_path != NULL && r->waivers.nrows > 0)
			r->waiver_warning = xprintf("the configuration names "
						    "no waivers file, but the "
						    "waivers of %s are "
						    "recorded: a writer "
						    "(scan, ingest, vrauditd) "
						    "will remove them",
			    rec_path);
		return;
	}
	if (rec_path == NULL) {
		r->waiver_warning = xprintf("the waivers file %s is not "
					    "recorded yet: a writer (scan, "
					    "ingest, vrauditd) records it; "
					    "until then no waiver applies",
		    path);
		return;
	}
	if (strcmp(rec_path, path) != 0) {
		r->waiver_warning = xprintf("the recorded waivers come from "
					    "%s, the configuration names %s",
		    rec_path, path);
		return;
	}
	if ((text = file_read(path, &len, err, sizeof(err))) == NULL) {
		r->waiver_warning = xprintf("%s; the recorded waivers are "
					    "shown",
		    err);
		return;
	}
	sha256_buffer_hex(text, len, digest);
	free(text);
	if (strcmp(digest, report_str(f, 0, "digest")) != 0)
		r->waiver_warning = xprintf("the waivers file %s changed "
					    "since it was recorded (%s): the "
					    "recorded waivers are shown until "
					    "a writer (scan, ingest, "
					    "vrauditd) records it again",
		    path, report_str(f, 0, "synced_at"));
}

void
report_tally(const struct report *r, int *violated, int *pending, int *met,
    int *unjudged)
{
	*violated = *pending = *met = *unjudged = 0;
	for (size_t i = 0; i < r->rules.nrows; i++) {
		const char *s = report_str(&r->rules, i, "status");

		if (strcmp(s, "violated") == 0)
			(*violated)++;
		else if (strcmp(s, "pending") == 0)
			(*pending)++;
		else if (report_unjudged_status(s))
			(*unjudged)++;
		else
			(*met)++;
	}
}

const char *
report_baseline_words(const struct table *b)
{
	static char buf[256];
	const char *src = b->nrows > 0 ? report_str(b, 0, "source") : "none";

	if (strcmp(src, "configured") == 0)
		snprintf(buf, sizeof(buf),
		    "configured ([policy] baseline): elements first seen up "
		    "to %s",
		    report_str(b, 0, "until"));
	else if (strcmp(src, "sweep") == 0)
		snprintf(buf, sizeof(buf),
		    "sweep %lld, the first complete one that agents answered, "
		    "%s to %s",
		    report_num(b, 0, "scan_id"), report_str(b, 0, "started_at"),
		    report_str(b, 0, "until"));
	else
		snprintf(buf, sizeof(buf),
		    "none (no complete sweep answered yet, no [policy] "
		    "baseline): every covered element counts as new");
	return buf;
}

char *
report_coverage_words(const struct table *c, size_t i)
{
	struct strbuf b = STRBUF_INIT;
	const char *reason = report_str(c, i, "reason");

	strbuf_printf(&b, "%lld elements", report_num(c, i, "elements"));
	if (report_cell(c, i, "sweep_id")->s != NULL)
		strbuf_printf(&b,
		    "; sweep %lld: %lld targets, %lld answered, %lld silent, "
		    "%lld refused, %lld cut short, %lld known agents missing",
		    report_num(c, i, "sweep_id"), report_num(c, i, "targets"),
		    report_num(c, i, "answered"), report_num(c, i, "silent"),
		    report_num(c, i, "refused"), report_num(c, i, "cut"),
		    report_num(c, i, "missing"));
	else
		strbuf_adds(&b, "; never swept");
	if (report_cell(c, i, "last_sweep")->s != NULL)
		strbuf_printf(&b, "; last answered sweep %s",
		    report_str(c, i, "last_sweep"));
	if (report_num(c, i, "captured") > 0)
		strbuf_printf(&b, "; %lld heard by the capture that ended %s",
		    report_num(c, i, "captured"),
		    report_str(c, i, "last_capture"));
	if (report_cell(c, i, "observed")->s != NULL)
		strbuf_printf(&b, "; observed %s, %lld days ago",
		    report_str(c, i, "observed"), report_num(c, i, "age_days"));
	if (*reason != '\0')
		strbuf_printf(&b, " (%s)", reason);
	return strbuf_steal(&b);
}

char *
report_rule_terms(const struct table *t, size_t i)
{
	char cap[32] = "";
	const char *fsa = report_str(t, i, "first_seen_after");
	const char *deadline = report_str(t, i, "deadline");

	if (report_cell(t, i, "max_share")->s != NULL)
		snprintf(cap, sizeof(cap), "%g%%",
		    report_real(t, i, "max_share"));
	return xprintf("zone %s%s%s%s%s; %s%s", report_str(t, i, "zones"),
	    *cap ? ", at most " : "", cap,
	    *fsa ? ", none first seen after " : "", fsa,
	    *deadline ? "applies from " : "applies always", deadline);
}

char *
report_rule_verdict(const struct table *t, size_t i)
{
	const char *status = report_str(t, i, "status");

	if (strcmp(status, "pending") == 0)
		return xprintf("pending, %lld days left (would be %s today)",
		    report_num(t, i, "days_left"), report_str(t, i, "state"));
	return xstrdup(status);
}

/*
 * Gathering.
 */

/* A violations row by its element, for sorting. */
struct element_row {
	long long id;
	size_t row;
};

static int
element_row_cmp(const void *a, const void *b)
{
	const struct element_row *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

/* The indexes of struct report over the rules and violations tables. */
static void
index_violations(struct report *r)
{
	const struct table *v = &r->violations;
	struct element_row *by = xcalloc(v->nrows + 1, sizeof(*by));
	size_t k, n = 0;

	r->vid = xcalloc(v->nrows + 1, sizeof(*r->vid));
	r->ranges = xcalloc(r->rules.nrows + 1, sizeof(*r->ranges));
	r->by_element = xcalloc(v->nrows + 1, sizeof(*r->by_element));
	for (size_t i = 0; i < v->nrows; i++) {
		r->vid[i] = report_num(v, i, "element_id");
		by[i] = (struct element_row){ r->vid[i], i };
	}
	/* the view orders by policy and rule: each rule's rows are a run */
	for (size_t i = 0; i < v->nrows; i = k) {
		const char *policy = report_str(v, i, "policy");
		const char *rule = report_str(v, i, "rule");
		long ru = report_rule_row(r, policy, rule);
		long long violating = 0;

		for (k = i;
		     k < v->nrows && report_rule_match(v, k, policy, rule); k++)
			if (strcmp(report_str(v, k, "status"), "waived") != 0)
				violating++;
		if (ru >= 0)
			r->ranges[ru] = (struct rule_range){ i, k, violating };
	}
	qsort(by, v->nrows, sizeof(*by), element_row_cmp);
	for (size_t i = 0; i < v->nrows; i++) {
		r->by_element[i] = by[i].row;
		if (i == 0 || by[i].id != by[i - 1].id)
			n++;
	}
	r->ev = xcalloc(n + 1, sizeof(*r->ev));
	for (size_t i = 0; i < v->nrows; i++) {
		struct element_evidence *e;

		if (i == 0 || by[i].id != by[i - 1].id) {
			e = &r->ev[r->n_ev++];
			e->id = by[i].id;
			e->rows = &r->by_element[i];
		}
		r->ev[r->n_ev - 1].n_rows++;
	}
	free(by);
}

/* Rows of a query ordered by element_id, kept in t with each row's
 * element_id, for slice_elements. */
struct keeper {
	struct table *t;
	store_row_fn add;
	long long *id; /* of each row of t */
	size_t cap;
	size_t id_col; /* the column element_id, found in the first row */
};

static int
keep_add(void *arg, const struct store_cell *cells, size_t n)
{
	struct keeper *k = arg;

	if (k->id_col >= n || strcmp(cells[k->id_col].name, "element_id") != 0)
		for (k->id_col = 0; k->id_col < n; k->id_col++)
			if (strcmp(cells[k->id_col].name, "element_id") == 0)
				break;
	if (k->id_col == n)
		return -1;
	if (k->t->nrows == k->cap) {
		k->cap = k->cap < 1024 ? 1024 : k->cap * 2;
		k->id = xreallocarray(k->id, k->cap, sizeof(*k->id));
	}
	k->id[k->t->nrows] =
	    strtoll((const char *)cells[k->id_col].bytes, NULL, 10);
	return k->add(k->t, cells, n);
}

/* Each violating element's rows of k's table, as a slice of it (the
 * table is complete: its rows no longer move). */
static void
slice_elements(struct report *r, const struct keeper *k, bool addresses)
{
	const struct table *t = k->t;
	size_t row = 0;

	for (size_t e = 0; e < r->n_ev; e++) {
		struct table *slice = addresses ? &r->ev[e].addr : &r->ev[e].t;
		size_t first;

		while (row < t->nrows && k->id[row] < r->ev[e].id)
			row++;
		for (first = row; row < t->nrows && k->id[row] == r->ev[e].id;
		     row++)
			;
		if (row == first)
			continue;
		slice->cols = t->cols;
		slice->ncol = t->ncol;
		slice->hints = t->hints;
		slice->v = &t->v[first * t->ncol];
		slice->nrows = row - first;
	}
}

/* Elements of one vendor and risk, counted: cells are its vendor,
 * vendor_name and risk (NULL: none), row i of struct live_pass's names
 * for its i-th count. */
struct vendor_count {
	const struct value *cells; /* set once the names are all read */
	long long n;
	uint64_t hash; /* of the three cells (cells_hash) */
};

/* What one pass over the live elements adds up. */
struct live_pass {
	struct report *r;
	struct table names;
	struct vendor_count *c;
	size_t n, cap;
};

/* A cell kept in a table and one a query gives: the same value? */
static bool
value_eq(const struct value *v, const struct store_cell *c)
{
	if ((v->type == STORE_CELL_NULL) != (c->type == STORE_CELL_NULL))
		return false;
	return table_bytes_cmp(v->s, v->len, c->bytes, c->len) == 0;
}

/* The cells of a vendor and risk, hashed: a row's group is found by
 * comparing numbers first. */
static uint64_t
cells_hash(const struct store_cell *c, size_t n)
{
	uint64_t h = REPORT_HASH_SEED;

	for (size_t i = 0; i < n; i++)
		h = report_hash(h ^ (uint64_t)c[i].type, c[i].bytes, c[i].len);
	return h;
}

/* A row of STORE_REPORT_LIVE (its columns by place: this runs for every
 * element). */
static int
live_add(void *arg, const struct store_cell *cells, size_t n)
{
	struct live_pass *lp = arg;
	const struct store_cell *day = &cells[5];
	char *newest = lp->r->newest;
	uint64_t hash;
	size_t i;

	if (n != 7)
		return -1;
	/* the newest day, as max() orders text */
	if (day->type != STORE_CELL_NULL && day->len < sizeof(lp->r->newest) &&
	    table_bytes_cmp(day->bytes, day->len, newest, strlen(newest)) > 0) {
		memcpy(newest, day->bytes, day->len);
		newest[day->len] = '\0';
	}
	if (cells[6].type == STORE_CELL_NULL ||
	    strcmp((const char *)cells[6].bytes, "1") != 0)
		return 0;
	hash = cells_hash(cells, 3);
	for (i = 0; i < lp->n; i++) {
		const struct value *v = &lp->names.v[i * 3];

		if (lp->c[i].hash == hash && value_eq(&v[0], &cells[0]) &&
		    value_eq(&v[2], &cells[2]) && value_eq(&v[1], &cells[1]))
			break;
	}
	if (i == lp->n) {
		table_add(&lp->names, cells, 3);
		if (lp->n == lp->cap) {
			lp->cap = lp->cap < 16 ? 16 : lp->cap * 2;
			lp->c = xreallocarray(lp->c, lp->cap, sizeof(*lp->c));
		}
		lp->c[lp->n++] = (struct vendor_count){ NULL, 0, hash };
	}
	lp->c[i].n++;
	if (cells[2].type != STORE_CELL_NULL &&
	    strcmp((const char *)cells[2].bytes, "high") == 0)
		table_add(&lp->r->history, &cells[3], 2);
	return 0;
}

/* As ORDER BY's BINARY collation, NULL first. */
static int
cell_cmp(const struct value *a, const struct value *b)
{
	if ((a->type == STORE_CELL_NULL) != (b->type == STORE_CELL_NULL))
		return a->type == STORE_CELL_NULL ? -1 : 1;
	return table_bytes_cmp(a->s, a->len, b->s, b->len);
}

/* Most elements first, then by vendor and risk (and name). */
static int
vendor_count_cmp(const void *a, const void *b)
{
	const struct vendor_count *x = a, *y = b;
	int c;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	if ((c = cell_cmp(&x->cells[0], &y->cells[0])) != 0 ||
	    (c = cell_cmp(&x->cells[2], &y->cells[2])) != 0)
		return c;
	return cell_cmp(&x->cells[1], &y->cells[1]);
}

static void
cell_of(struct store_cell *c, const char *name, const struct value *v)
{
	c->name = name;
	c->type = v->type;
	c->bytes = (const unsigned char *)(v->s != NULL ? v->s : "");
	c->len = v->len;
}

/* The counts by vendor and risk, the high-risk elements' history and the
 * newest day, from one pass over the live elements. */
static int
live_figures(struct report *r, struct store *st)
{
	struct live_pass lp = { .r = r };
	int rc;

	rc = store_report_rows(st, STORE_REPORT_LIVE, r->as_of, NULL, live_add,
	    &lp);
	if (rc == 0) {
		/* the names no longer move */
		for (size_t i = 0; i < lp.n; i++)
			lp.c[i].cells = &lp.names.v[i * 3];
		if (lp.n > 1)
			qsort(lp.c, lp.n, sizeof(*lp.c), vendor_count_cmp);
		for (size_t i = 0; i < lp.n; i++) {
			struct store_cell c[4];
			char num[24];

			cell_of(&c[0], "vendor", &lp.c[i].cells[0]);
			cell_of(&c[1], "vendor_name", &lp.c[i].cells[1]);
			cell_of(&c[2], "risk", &lp.c[i].cells[2]);
			snprintf(num, sizeof(num), "%lld", lp.c[i].n);
			c[3] =
			    (struct store_cell){ "elements", STORE_CELL_INTEGER,
				    (const unsigned char *)num, strlen(num) };
			table_add(&r->counts, c, 4);
		}
	}
	table_finish(&lp.names);
	free(lp.c);
	return rc == 0 ? 0 : -1;
}

/* The orders of store/store.h's STORE_VIOLATIONS and STORE_NEW_ELEMENTS. */
static const char *const violations_order[] = { "policy", "rule",
	"element_id" };
static const char *const fresh_order[] = { "policy", "rule", "first_seen",
	"element_id" };

/* The evaluation's views, sorted and indexed. 0 or -1. */
static int
evaluate(struct report *r, struct store *st)
{
	if (store_audit_head(st, &r->audit_seq, r->audit_hash) != 0 ||
	    store_policy_begin(st, r->set, r->as_of) != 0)
		return -1;
	if (store_policy_read(st, STORE_RULE_STATUS, table_add, &r->rules) !=
		0 ||
	    store_policy_read_unordered(st, STORE_VIOLATIONS, table_add,
		&r->violations) != 0 ||
	    store_policy_read(st, STORE_ZONE_SHARE, table_add, &r->shares) !=
		0 ||
	    store_policy_read_unordered(st, STORE_NEW_ELEMENTS, table_add,
		&r->fresh) != 0 ||
	    store_policy_read(st, STORE_COVERAGE, table_add, &r->coverage) !=
		0 ||
	    store_policy_read(st, STORE_BASELINE, table_add, &r->baseline) !=
		0) {
		store_policy_end(st);
		return -1;
	}
	table_sort(&r->violations, violations_order,
	    ARRAY_SIZE(violations_order));
	table_sort(&r->fresh, fresh_order, ARRAY_SIZE(fresh_order));
	index_violations(r);
	return 0;
}

/* What a report reads besides the evaluation's views: the covered
 * elements' evidence and addresses (the violating ones are sliced out of
 * them once the violations are known), the live pass, the retired
 * elements and the waivers. */
struct side {
	struct report *r;
	struct store *st;
	bool cover; /* evaluate up to the covered elements first: a twin */
	struct keeper ev, ad;
	int rc;
};

static void
side_init(struct side *s, struct report *r, struct store *st, bool cover)
{
	*s = (struct side){ .r = r, .st = st, .cover = cover };
	s->ev = (struct keeper){ .t = &r->evidence, .add = evidence_add };
	s->ad = (struct keeper){ .t = &r->addresses, .add = table_add };
}

/* Empty what read_side filled and keeps. */
static void
side_finish(struct side *s)
{
	struct report *r = s->r;
	struct table *t[] = { &r->evidence, &r->addresses, &r->counts,
		&r->history, &r->retired, &r->waivers, &r->waiver_file };

	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		table_finish(t[i]);
	*r->newest = '\0';
	free(s->ev.id);
	free(s->ad.id);
}

/* The evaluation's covered elements are st's own (store_policy_begin or,
 * on a twin, store_policy_begin_cover). 0 or -1. */
static int
read_side(struct side *s)
{
	struct report *r = s->r;
	struct store *st = s->st;

	if (s->cover && store_policy_begin_cover(st, r->set, r->as_of) != 0)
		return -1;
	if (store_report_rows(st, STORE_REPORT_EVIDENCE, NULL, NULL, keep_add,
		&s->ev) != 0 ||
	    store_report_rows(st, STORE_REPORT_ADDRESSES, NULL, NULL, keep_add,
		&s->ad) != 0 ||
	    live_figures(r, st) != 0 ||
	    store_report_rows(st, STORE_REPORT_RETIRED, r->as_of, NULL,
		table_add, &r->retired) != 0 ||
	    store_report_rows(st, STORE_REPORT_WAIVERS, r->as_of, NULL,
		table_add, &r->waivers) != 0 ||
	    store_report_rows(st, STORE_REPORT_WAIVER_FILE, NULL, NULL,
		table_add, &r->waiver_file) != 0)
		return -1;
	return 0;
}

static void *
side_thread(void *arg)
{
	struct side *s = arg;

	s->rc = read_side(s);
	return NULL;
}

struct report *
report_new(struct store *st, const struct policy_set *set,
    const struct report_options *opt)
{
	struct report *r = xcalloc(1, sizeof(*r));
	struct store *twin = NULL;
	struct side side;
	pthread_t thread;
	bool threaded = false;
	int rc;

	r->set = set;
	r->sites = opt->sites;
	r->db_path = xstrdup(opt->db_path != NULL ? opt->db_path : "");
	r->version = xstrdup(opt->version != NULL ? opt->version : "unknown");
	r->config_path =
	    opt->config_path != NULL ? xstrdup(opt->config_path) : NULL;
	r->config_digest =
	    opt->config_digest != NULL ? xstrdup(opt->config_digest) : NULL;
	r->now = opt->now;
	time_format(opt->now, r->generated);
	str_copy(r->as_of, opt->as_of != NULL ? opt->as_of : r->generated,
	    sizeof(r->as_of));

	/* Everything is read in one snapshot, so that the chain's head
	 * names the state the figures come from, while a writer commits.
	 * The head lets an auditor detect later edits of this state. The
	 * packs are evaluated once; each view is then read. What does not
	 * need the evaluation is read meanwhile by a thread of its own, on
	 * a second connection reading the same snapshot, when there is
	 * one; else after it, on st. */
	side_init(&side, r, st, false);
	if (store_read_begin_twin(st, &twin) != 0)
		goto fail;
	if (twin != NULL) {
		side_init(&side, r, twin, true);
		threaded =
		    pthread_create(&thread, NULL, side_thread, &side) == 0;
		if (!threaded) {
			store_read_end(twin);
			store_close(twin);
			side_init(&side, r, st, false);
		}
	}
	rc = evaluate(r, st);
	if (threaded) {
		pthread_join(thread, NULL);
		store_read_end(twin);
		store_close(twin);
		if (side.rc != 0) {
			/* read again on st, which names what fails */
			side_finish(&side);
			side_init(&side, r, st, false);
			threaded = false;
		}
	}
	if (rc != 0 || (!threaded && read_side(&side) != 0))
		goto fail;
	/* The evaluation stays in the store until it is closed, which
	 * drops it for less than store_policy_end (no page is freed one by
	 * one). */
	store_read_end(st);
	slice_elements(r, &side.ev, false);
	slice_elements(r, &side.ad, true);
	free(side.ev.id);
	free(side.ad.id);
	check_waiver_file(r, opt->waivers_path);
	if (*r->newest != '\0') {
		int64_t t;

		if (time_parse(r->newest, &t) == 0)
			r->age_days = (opt->now - t) / REPORT_DAY;
	}
	return r;
fail:
	store_read_end(st);
	free(side.ev.id);
	free(side.ad.id);
	report_free(r);
	return NULL;
}

void
report_free(struct report *r)
{
	if (r == NULL)
		return;
	table_finish(&r->rules);
	table_finish(&r->violations);
	table_finish(&r->shares);
	table_finish(&r->counts);
	table_finish(&r->fresh);
	table_finish(&r->history);
	table_finish(&r->baseline);
	table_finish(&r->coverage);
	table_finish(&r->retired);
	table_finish(&r->waivers);
	table_finish(&r->waiver_file);
	table_finish(&r->evidence);
	table_finish(&r->addresses);
	free(r->waiver_warning);
	free(r->ev); /* its tables are slices */
	free(r->ranges);
	free(r->by_element);
	free(r->vid);
	free(r->db_path);
	free(r->version);
	free(r->config_path);
	free(r->config_digest);
	free(r);
}

bool
report_violated(const struct report *r)
{
	for (size_t i = 0; i < r->rules.nrows; i++)
		if (strcmp(report_str(&r->rules, i, "status"), "violated") == 0)
			return true;
	return false;
}

bool
report_unjudged_status(const char *status)
{
	return strcmp(status, "no-data") == 0 || strcmp(status, "stale") == 0 ||
	    strcmp(status, "partial") == 0;
}

bool
report_incomplete(const struct report *r)
{
	if (report_violated(r))
		return false;
	for (size_t i = 0; i < r->rules.nrows; i++)
		if (report_unjudged_status(report_str(&r->rules, i, "status")))
			return true;
	return false;
}

const char *
report_result(const struct report *r)
{
	return report_violated(r)  ? "VIOLATIONS"
	    : report_incomplete(r) ? "INCOMPLETE"
				   : "compliant";
}

const char *
report_waiver_warning(const struct report *r)
{
	return r->waiver_warning;
}

const char *
report_as_of(const struct report *r)
{
	return r->as_of;
}

int
report_format_parse(const char *s)
{
	static const char *const names[] = { "text", "csv", "json", "html" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
report_format_ext(enum report_format format)
{
	static const char *const ext[] = { "txt", "csv", "json", "html" };

	return (unsigned)format < ARRAY_SIZE(ext) ? ext[format] : "out";
}

const char *
report_element_site(const struct report *r, long long id, long long *site_id)
{
	const struct report_sites *s = r->sites;

	if (s == NULL || id < 1 || (size_t)id > s->n_elements ||
	    s->site_of[id - 1] >= s->n)
		return NULL;
	*site_id = s->site_id[id - 1];
	return s->sites[s->site_of[id - 1]].name;
}

void
report_site_rule_start(struct report_site_rule *out, const char *policy,
    const char *rule, const char *status, long long days_left,
    const char *state, long long elements, long long covered)
{
	struct strbuf b = STRBUF_INIT;

	out->policy = xstrdup(policy);
	out->rule = xstrdup(rule);
	out->status = xstrdup(status != NULL ? status : "");
	if (strcmp(out->status, "pending") == 0)
		strbuf_printf(&b, "pending, %lld days left (would be %s today)",
		    days_left, state != NULL ? state : "");
	else
		strbuf_adds(&b, out->status);
	strbuf_printf(&b, "; %lld element(s), %lld covered", elements, covered);
	out->verdict = strbuf_steal(&b);
}

void
report_site_rule_share(struct report_site_rule *out, const char *zone,
    long long high_risk, long long elements, double share, double max_share)
{
	char *v = xprintf("%s; zone %s: %lld of %lld, %.1f%% (at most %.1f%%)",
	    out->verdict, zone, high_risk, elements, share, max_share);

	free(out->verdict);
	out->verdict = v;
}

int
report_rule_summary(const struct report *r, size_t i,
    struct report_site_rule *out)
{
	const struct table *sh = &r->shares;

	if (i >= r->rules.nrows)
		return -1;
	report_site_rule_start(out, report_str(&r->rules, i, "policy"),
	    report_str(&r->rules, i, "rule"),
	    report_str(&r->rules, i, "status"),
	    report_num(&r->rules, i, "days_left"),
	    report_str(&r->rules, i, "state"),
	    report_num(&r->rules, i, "elements"),
	    report_num(&r->rules, i, "covered"));
	for (size_t k = 0; k < sh->nrows; k++)
		if (report_rule_match(sh, k, out->policy, out->rule))
			report_site_rule_share(out, report_str(sh, k, "zone"),
			    report_num(sh, k, "high_risk"),
			    report_num(sh, k, "elements"),
			    report_real(sh, k, "share"),
			    report_real(sh, k, "max_share"));
	return 0;
}

void
report_site_rule_finish(struct report_site_rule *rule)
{
	free(rule->policy);
	free(rule->rule);
	free(rule->status);
	free(rule->verdict);
}
