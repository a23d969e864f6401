/*
 * The compliance report (report.h). Every figure comes from the store:
 * the verdicts from the evaluation views run as of the report's date
 * (store_policy_eval), the rest from store_report_rows. Values seen on the
 * network are escaped for each output: control bytes as \xNN in text and
 * CSV, JSON string escapes, HTML entities.
 */
#include "report/report.h"

#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "store/store.h"
#include "common/util.h"

#define DAY 86400

/* A cell kept after the query: its text (NULL for SQL NULL) and type. */
struct value {
	char *s;
	enum store_cell_type type;	/* a BLOB is kept as escaped text */
};

/* Rows of one query. Owns everything. */
struct table {
	char **cols;
	size_t ncol;
	struct value *v;	/* nrows * ncol */
	size_t nrows;
};

/* The evidence of one element listed in a violation. */
struct element_evidence {
	int64_t id;
	struct table t;
};

struct report {
	const struct policy_set *set;	/* borrowed */
	char *db_path;
	char as_of[POLICY_DATE_LEN];
	char generated[TIME_STRLEN];
	char since[TIME_STRLEN];
	int64_t since_ms;
	int64_t audit_seq;		/* head of the audit chain when read */
	char audit_hash[STORE_HASH_STRLEN];
	struct table rules, violations, shares, counts, fresh, history,
	    baseline;
	struct element_evidence *ev;
	size_t n_ev;
};

static const char counting_note[] =
    "Shares count network elements in each zone, not sites or traffic "
    "(the UK caps were also measured by sites and by traffic).";
static const char cover_note[] =
    "An element is covered by a pack when its vendor is one of the pack's "
    "vendors, or when its evidence conflicts and strong evidence names one "
    "of them (flagged \"conflicting evidence\"). Merged elements never "
    "count; elements without a zone are in zone \"unassigned\".";
static const char baseline_note[] =
    "first_seen is when vraudit first saw an element, not when it was "
    "installed: elements found by the first complete scan (the baseline) "
    "are not counted as new by first-seen-after rules.";

/*
 * Tables.
 */

/* Bytes as text: valid UTF-8 kept, other bytes as \xNN. */
static char *
blob_text(const unsigned char *p, size_t len)
{
	char *out = xmalloc(4 * len + 1);
	size_t n = 0;

	for (size_t i = 0; i < len;) {
		size_t seq = 1;

		if (p[i] >= 0xc0)
			seq = p[i] >= 0xf0 ? 4 : p[i] >= 0xe0 ? 3 : 2;
		if (p[i] >= 0x80 && (seq == 1 || i + seq > len ||
		    !utf8_valid(p + i, seq))) {
			snprintf(out + n, 5, "\\x%02x", p[i]);
			n += 4;
			i++;
			continue;
		}
		memcpy(out + n, p + i, seq);
		n += seq;
		i += seq;
	}
	out[n] = '\0';
	return out;
}

static int
table_add(void *arg, const struct store_cell *cells, size_t n)
{
	struct table *t = arg;
	struct value *row;

	if (t->cols == NULL) {
		t->cols = xcalloc(n, sizeof(*t->cols));
		for (size_t i = 0; i < n; i++)
			t->cols[i] = xstrdup(cells[i].name);
		t->ncol = n;
	}
	t->v = xreallocarray(t->v, (t->nrows + 1) * t->ncol, sizeof(*t->v));
	row = &t->v[t->nrows++ * t->ncol];
	for (size_t i = 0; i < t->ncol; i++) {
		const struct store_cell *c = &cells[i];

		row[i].type = c->type;
		if (c->type == STORE_CELL_NULL)
			row[i].s = NULL;
		else if (c->type == STORE_CELL_BLOB) {
			row[i].s = blob_text(c->bytes, c->len);
			row[i].type = STORE_CELL_TEXT;
		} else
			row[i].s = xstrndup((const char *)c->bytes, c->len);
	}
	return 0;
}

static void
table_finish(struct table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncol; i++)
		free(t->v[i].s);
	free(t->v);
	for (size_t i = 0; i < t->ncol; i++)
		free(t->cols[i]);
	free(t->cols);
	memset(t, 0, sizeof(*t));
}

static const struct value *
cell(const struct table *t, size_t row, const char *col)
{
	static const struct value null = { NULL, STORE_CELL_NULL };

	for (size_t i = 0; i < t->ncol; i++)
		if (strcmp(t->cols[i], col) == 0)
			return &t->v[row * t->ncol + i];
	return &null;
}

/* A cell's text; "" for NULL. */
static const char *
str(const struct table *t, size_t row, const char *col)
{
	const struct value *v = cell(t, row, col);

	return v->s != NULL ? v->s : "";
}

static long long
num(const struct table *t, size_t row, const char *col)
{
	return strtoll(str(t, row, col), NULL, 10);
}

static double
real(const struct table *t, size_t row, const char *col)
{
	return strtod(str(t, row, col), NULL);
}

/* The row of rule_status for (policy, rule); -1 when none. */
static long
rule_row(const struct report *r, const char *policy, const char *rule)
{
	for (size_t i = 0; i < r->rules.nrows; i++)
		if (strcmp(str(&r->rules, i, "policy"), policy) == 0 &&
		    strcmp(str(&r->rules, i, "rule"), rule) == 0)
			return (long)i;
	return -1;
}

static bool
rule_match(const struct table *t, size_t i, const char *policy,
    const char *rule)
{
	return strcmp(str(t, i, "policy"), policy) == 0 &&
	    strcmp(str(t, i, "rule"), rule) == 0;
}

static const struct table *
evidence_of(const struct report *r, int64_t id)
{
	for (size_t i = 0; i < r->n_ev; i++)
		if (r->ev[i].id == id)
			return &r->ev[i].t;
	return NULL;
}

/*
 * Gathering.
 */

struct report *
report_new(struct store *st, const struct policy_set *set,
    const struct report_options *opt)
{
	struct report *r = xcalloc(1, sizeof(*r));
	int64_t ref, since;

	r->set = set;
	r->db_path = xstrdup(opt->db_path != NULL ? opt->db_path : "");
	r->since_ms = opt->since_ms;
	time_format(opt->now, r->generated);
	if (opt->as_of != NULL) {
		str_copy(r->as_of, opt->as_of, sizeof(r->as_of));
		/* "new since" ends with the evaluation day */
		if (time_parse(opt->as_of, &ref) == -1)
			ref = opt->now;
		else
			ref += DAY;
	} else {
		str_copy(r->as_of, r->generated, sizeof(r->as_of));
		ref = opt->now;
	}
	since = ref - opt->since_ms / 1000;
	time_format(since, r->since);

	/* The chain's head lets an auditor detect later edits of this state. */
	if (store_audit_head(st, &r->audit_seq, r->audit_hash) != 0 ||
	    store_policy_eval(st, set, r->as_of, STORE_RULE_STATUS, table_add,
	    &r->rules) != 0 ||
	    store_policy_eval(st, set, r->as_of, STORE_VIOLATIONS, table_add,
	    &r->violations) != 0 ||
	    store_policy_eval(st, set, r->as_of, STORE_ZONE_SHARE, table_add,
	    &r->shares) != 0 ||
	    store_report_rows(st, STORE_REPORT_COUNTS, r->as_of, NULL,
	    table_add, &r->counts) != 0 ||
	    store_report_rows(st, STORE_REPORT_NEW, r->as_of, r->since,
	    table_add, &r->fresh) != 0 ||
	    store_report_rows(st, STORE_REPORT_HISTORY, r->as_of, NULL,
	    table_add, &r->history) != 0 ||
	    store_report_rows(st, STORE_REPORT_BASELINE, NULL, NULL,
	    table_add, &r->baseline) != 0)
		goto fail;
	for (size_t i = 0; i < r->violations.nrows; i++) {
		int64_t id = num(&r->violations, i, "element_id");
		struct element_evidence *e;

		if (evidence_of(r, id) != NULL)
			continue;
		r->ev = xreallocarray(r->ev, r->n_ev + 1, sizeof(*r->ev));
		e = &r->ev[r->n_ev++];
		memset(e, 0, sizeof(*e));
		e->id = id;
		if (store_evidence(st, id, table_add, &e->t) != 0)
			goto fail;
	}
	return r;
fail:
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
	for (size_t i = 0; i < r->n_ev; i++)
		table_finish(&r->ev[i].t);
	free(r->ev);
	free(r->db_path);
	free(r);
}

bool
report_violated(const struct report *r)
{
	for (size_t i = 0; i < r->rules.nrows; i++)
		if (strcmp(str(&r->rules, i, "status"), "violated") == 0)
			return true;
	return false;
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

/* Rules counted by status. */
static void
tally(const struct report *r, int *violated, int *pending, int *met)
{
	*violated = *pending = *met = 0;
	for (size_t i = 0; i < r->rules.nrows; i++) {
		const char *s = str(&r->rules, i, "status");

		if (strcmp(s, "violated") == 0)
			(*violated)++;
		else if (strcmp(s, "pending") == 0)
			(*pending)++;
		else
			(*met)++;
	}
}

/* "35%" from a percentage value. */
static void
percent(char *out, size_t size, double v)
{
	snprintf(out, size, "%g%%", v);
}

/* The rule's requirement in words. */
static char *
rule_terms(const struct table *t, size_t i)
{
	char cap[32] = "", *s;
	const char *fsa = str(t, i, "first_seen_after");

	if (cell(t, i, "max_share")->s != NULL)
		percent(cap, sizeof(cap), real(t, i, "max_share"));
	s = xprintf("zone %s%s%s%s%s; %s%s", str(t, i, "zones"),
	    *cap ? ", at most " : "", cap, *fsa ? ", none first seen after " :
	    "", fsa, *str(t, i, "deadline") ? "applies from " :
	    "applies always", str(t, i, "deadline"));
	return s;
}

/* The status with its qualifiers: "pending, 45 days left: would be met". */
static char *
rule_verdict(const struct table *t, size_t i)
{
	const char *status = str(t, i, "status");

	if (strcmp(status, "pending") == 0)
		return xprintf("pending, %lld days left (would be %s today)",
		    num(t, i, "days_left"), str(t, i, "state"));
	return xstrdup(status);
}

/*
 * Text.
 */

/* s with control bytes as \xNN and backslashes doubled. */
static void
put_safe(FILE *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\\')
			fputs("\\\\", out);
		else if (*p < 0x20 || *p == 0x7f ||
		    (p[0] == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0)) {
			fprintf(out, "\\x%02x", *p);
			if (p[0] == 0xc2)
				fprintf(out, "\\x%02x", *++p);
		} else
			fputc(*p, out);
	}
}

static void
put_field(FILE *out, const char *s)
{
	put_safe(out, s != NULL && *s ? s : "-");
}

static void
text_evidence(FILE *out, const struct report *r, int64_t id)
{
	const struct table *ev = evidence_of(r, id);

	for (size_t k = 0; ev != NULL && k < ev->nrows; k++) {
		fputs("        evidence: ", out);
		put_field(out, str(ev, k, "kind"));
		fputs(" \"", out);
		put_safe(out, str(ev, k, "value"));
		fputs("\" -> ", out);
		put_field(out, str(ev, k, "vendor"));
		fputs(" (rule ", out);
		put_field(out, str(ev, k, "rule"));
		fprintf(out, ", strength %.2f)\n", real(ev, k, "strength"));
	}
}

static void
text_rule(FILE *out, const struct report *r, const char *policy,
    const struct policy_rule *ru)
{
	long i = rule_row(r, policy, ru->name);
	char *verdict, *terms;

	if (i < 0)
		return;
	verdict = rule_verdict(&r->rules, (size_t)i);
	terms = rule_terms(&r->rules, (size_t)i);
	fprintf(out, "  [%s] %s: ", verdict, ru->name);
	put_safe(out, ru->title);
	fprintf(out, "\n      %s; %lld of %lld elements in scope covered",
	    terms, num(&r->rules, (size_t)i, "covered"),
	    num(&r->rules, (size_t)i, "elements"));
	if (*ru->first_seen_after)
		fprintf(out, ", %lld new", num(&r->rules, (size_t)i,
		    "new_elements"));
	fputc('\n', out);
	free(verdict);
	free(terms);
	for (size_t k = 0; k < r->shares.nrows; k++) {
		if (!rule_match(&r->shares, k, policy, ru->name))
			continue;
		fputs("      zone ", out);
		put_safe(out, str(&r->shares, k, "zone"));
		fprintf(out, ": %lld of %lld elements (%.2f%%), cap %g%%: %s\n",
		    num(&r->shares, k, "high_risk"),
		    num(&r->shares, k, "elements"), real(&r->shares, k, "share"),
		    real(&r->shares, k, "max_share"),
		    str(&r->shares, k, "status"));
	}
	for (size_t k = 0; k < r->violations.nrows; k++) {
		const struct table *v = &r->violations;

		if (!rule_match(v, k, policy, ru->name))
			continue;
		fprintf(out, "      element %lld  ", num(v, k, "element_id"));
		put_field(out, str(v, k, "mgmt_ip"));
		fputs("  ", out);
		put_field(out, str(v, k, "vendor"));
		fputs("  zone ", out);
		put_field(out, str(v, k, "zone"));
		fprintf(out, "  %s: ", str(v, k, "status"));
		put_safe(out, str(v, k, "detail"));
		fputc('\n', out);
		text_evidence(out, r, num(v, k, "element_id"));
	}
}

static void
text_header(FILE *out, const struct report *r)
{
	int violated, pending, met;

	tally(r, &violated, &pending, &met);
	fputs("vraudit compliance report\n", out);
	fputs("database:  ", out);
	put_safe(out, r->db_path);
	fprintf(out, "\ngenerated: %s\nas of:     %s\n", r->generated,
	    r->as_of);
	fprintf(out, "audit:     record %lld, head %s (archive it: "
	    "vraudit verify detects later edits)\n", (long long)r->audit_seq,
	    r->audit_hash);
	fprintf(out, "result:    %s (%d violated, %d pending, %d met)\n\n",
	    violated > 0 ? "VIOLATIONS" : "compliant", violated, pending, met);
	fprintf(out, "%s\n%s\n%s\n", counting_note, cover_note, baseline_note);
	if (r->baseline.nrows > 0)
		fprintf(out, "baseline: scan %s (%s), %s to %s\n",
		    str(&r->baseline, 0, "scan_id"),
		    str(&r->baseline, 0, "kind"),
		    str(&r->baseline, 0, "started_at"),
		    str(&r->baseline, 0, "finished_at"));
	else
		fputs("baseline: none (no complete scan yet): every covered "
		    "element counts as new\n", out);
}

static int
write_text(const struct report *r, FILE *out)
{
	char dur[32];

	text_header(out, r);
	for (size_t p = 0; p < r->set->n_packs; p++) {
		const struct policy_pack *pk = r->set->packs[p];

		fprintf(out, "\n%s: ", pk->name);
		put_safe(out, pk->title);
		fputs("\n  source: ", out);
		put_safe(out, pk->source);
		fputs("\n  vendors:", out);
		for (size_t v = 0; v < pk->n_vendors; v++)
			fprintf(out, " %s", pk->vendors[v]);
		fputc('\n', out);
		for (size_t i = 0; i < pk->n_rules; i++)
			text_rule(out, r, pk->name, &pk->rules[i]);
	}
	duration_format(r->since_ms, dur, sizeof(dur));
	fprintf(out, "\nnew since %s (%s): %zu element%s\n", r->since, dur,
	    r->fresh.nrows, r->fresh.nrows == 1 ? "" : "s");
	for (size_t i = 0; i < r->fresh.nrows; i++) {
		fprintf(out, "  element %lld  ", num(&r->fresh, i,
		    "element_id"));
		put_field(out, str(&r->fresh, i, "mgmt_ip"));
		fputs("  ", out);
		put_field(out, str(&r->fresh, i, "sys_name"));
		fputs("  ", out);
		put_field(out, str(&r->fresh, i, "vendor"));
		fprintf(out, "  %s  zone ", str(&r->fresh, i, "risk"));
		put_field(out, str(&r->fresh, i, "zone"));
		fprintf(out, "  first seen %s\n", str(&r->fresh, i,
		    "first_seen"));
	}
	fputs("\nelements by vendor and risk:\n", out);
	if (r->counts.nrows == 0)
		fputs("  none\n", out);
	for (size_t i = 0; i < r->counts.nrows; i++) {
		fputs("  ", out);
		put_safe(out, str(&r->counts, i, "vendor"));
		fprintf(out, " (%s): %lld\n", str(&r->counts, i, "risk"),
		    num(&r->counts, i, "elements"));
	}
	return 0;
}

/*
 * CSV.
 */

static void
csv_put(FILE *out, const char *s, bool first)
{
	if (!first)
		fputc(',', out);
	if (s == NULL)
		return;
	if (strpbrk(s, ",\"\r\n") == NULL &&
	    strpbrk(s, "\\") == NULL) {
		put_safe(out, s);
		return;
	}
	fputc('"', out);
	for (const char *p = s; *p; p++) {
		char one[2] = { *p, '\0' };

		if (*p == '"')
			fputs("\"\"", out);
		else
			put_safe(out, one);
	}
	fputc('"', out);
}

static int
write_csv(const struct report *r, FILE *out)
{
	static const char *const header[] = {
		"policy", "rule", "rule_status", "deadline", "days_left",
		"element_id", "mgmt_ip", "vendor", "zone", "status", "detail",
		"as_of",
	};

	for (size_t i = 0; i < ARRAY_SIZE(header); i++)
		csv_put(out, header[i], i == 0);
	fputc('\n', out);
	for (size_t p = 0; p < r->set->n_packs; p++) {
		const struct policy_pack *pk = r->set->packs[p];

		for (size_t ru = 0; ru < pk->n_rules; ru++) {
			long i = rule_row(r, pk->name, pk->rules[ru].name);
			const struct table *v = &r->violations;
			bool any = false;

			if (i < 0)
				continue;
			for (size_t k = 0; k <= v->nrows; k++) {
				bool last = k == v->nrows;

				if (last ? any : !rule_match(v, k, pk->name,
				    pk->rules[ru].name))
					continue;
				csv_put(out, pk->name, true);
				csv_put(out, pk->rules[ru].name, false);
				csv_put(out, str(&r->rules, (size_t)i,
				    "status"), false);
				csv_put(out, cell(&r->rules, (size_t)i,
				    "deadline")->s, false);
				csv_put(out, str(&r->rules, (size_t)i,
				    "days_left"), false);
				csv_put(out, last ? NULL : cell(v, k,
				    "element_id")->s, false);
				csv_put(out, last ? NULL : cell(v, k,
				    "mgmt_ip")->s, false);
				csv_put(out, last ? NULL : cell(v, k,
				    "vendor")->s, false);
				csv_put(out, last ? NULL : cell(v, k,
				    "zone")->s, false);
				csv_put(out, last ? NULL : cell(v, k,
				    "status")->s, false);
				csv_put(out, last ? NULL : cell(v, k,
				    "detail")->s, false);
				csv_put(out, r->as_of, false);
				fputc('\n', out);
				any = true;
			}
		}
	}
	return 0;
}

/*
 * JSON.
 */

static void
json_str(FILE *out, const char *s)
{
	if (s == NULL) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void
json_value(FILE *out, const struct value *v)
{
	if (v->s == NULL)
		fputs("null", out);
	else if (v->type == STORE_CELL_INTEGER || v->type == STORE_CELL_REAL)
		fputs(v->s, out);
	else
		json_str(out, v->s);
}

/* Row i of t as an object; cols NULL: every column. */
static void
json_row(FILE *out, const struct table *t, size_t i, const char *const *cols,
    size_t n)
{
	fputc('{', out);
	for (size_t c = 0; c < (cols != NULL ? n : t->ncol); c++) {
		const char *name = cols != NULL ? cols[c] : t->cols[c];

		if (c > 0)
			fputs(", ", out);
		json_str(out, name);
		fputs(": ", out);
		json_value(out, cell(t, i, name));
	}
	fputc('}', out);
}

static void
json_table(FILE *out, const struct table *t)
{
	fputc('[', out);
	for (size_t i = 0; i < t->nrows; i++) {
		if (i > 0)
			fputs(",\n  ", out);
		json_row(out, t, i, NULL, 0);
	}
	fputc(']', out);
}

static int
write_json(const struct report *r, FILE *out)
{
	static const char *const vcols[] = {
		"element_id", "mgmt_ip", "vendor", "zone", "status", "deadline",
		"detail",
	};
	static const char *const rcols[] = {
		"rule", "title", "zones", "max_share", "first_seen_after",
		"deadline", "days_left", "status", "state", "zones_over",
		"new_elements",
	};
	int violated, pending, met;

	tally(r, &violated, &pending, &met);
	fputs("{\"report\": \"vraudit compliance\", \"database\": ", out);
	json_str(out, r->db_path);
	fprintf(out, ", \"audit_head\": {\"seq\": %lld, \"hash\": \"%s\"}",
	    (long long)r->audit_seq, r->audit_hash);
	fprintf(out, ", \"generated\": \"%s\", \"as_of\": \"%s\", "
	    "\"compliant\": %s, \"rules_violated\": %d, \"rules_pending\": %d, "
	    "\"rules_met\": %d,\n", r->generated, r->as_of,
	    violated > 0 ? "false" : "true", violated, pending, met);
	fputs("\"notes\": [", out);
	json_str(out, counting_note);
	fputs(", ", out);
	json_str(out, cover_note);
	fputs(", ", out);
	json_str(out, baseline_note);
	fputs("],\n\"baseline\": ", out);
	if (r->baseline.nrows > 0)
		json_row(out, &r->baseline, 0, NULL, 0);
	else
		fputs("null", out);
	fputs(",\n\"policies\": [", out);
	for (size_t p = 0; p < r->set->n_packs; p++) {
		const struct policy_pack *pk = r->set->packs[p];

		fputs(p > 0 ? ",\n {" : "\n {", out);
		fputs("\"name\": ", out);
		json_str(out, pk->name);
		fputs(", \"title\": ", out);
		json_str(out, pk->title);
		fputs(", \"source\": ", out);
		json_str(out, pk->source);
		fputs(", \"vendors\": [", out);
		for (size_t v = 0; v < pk->n_vendors; v++) {
			if (v > 0)
				fputs(", ", out);
			json_str(out, pk->vendors[v]);
		}
		fputs("], \"rules\": [", out);
		for (size_t ru = 0, n = 0; ru < pk->n_rules; ru++) {
			long i = rule_row(r, pk->name, pk->rules[ru].name);
			const struct table *v = &r->violations;
			bool first = true;

			if (i < 0)
				continue;
			fputs(n++ > 0 ? ",\n  {" : "\n  {", out);
			for (size_t c = 0; c < ARRAY_SIZE(rcols); c++) {
				json_str(out, rcols[c]);
				fputs(": ", out);
				json_value(out, cell(&r->rules, (size_t)i,
				    rcols[c]));
				fputs(", ", out);
			}
			fprintf(out, "\"scope\": {\"elements\": %lld, "
			    "\"covered\": %lld}, ", num(&r->rules, (size_t)i,
			    "elements"), num(&r->rules, (size_t)i, "covered"));
			fputs("\"zone_shares\": [", out);
			for (size_t k = 0; k < r->shares.nrows; k++) {
				if (!rule_match(&r->shares, k, pk->name,
				    pk->rules[ru].name))
					continue;
				if (!first)
					fputs(", ", out);
				first = false;
				json_row(out, &r->shares, k, NULL, 0);
			}
			fputs("], \"elements\": [", out);
			first = true;
			for (size_t k = 0; k < v->nrows; k++) {
				const struct table *ev;

				if (!rule_match(v, k, pk->name,
				    pk->rules[ru].name))
					continue;
				fputs(first ? "\n   {" : ",\n   {", out);
				first = false;
				for (size_t c = 0; c < ARRAY_SIZE(vcols); c++) {
					json_str(out, vcols[c]);
					fputs(": ", out);
					json_value(out, cell(v, k, vcols[c]));
					fputs(", ", out);
				}
				fputs("\"evidence\": ", out);
				ev = evidence_of(r, num(v, k, "element_id"));
				if (ev != NULL)
					json_table(out, ev);
				else
					fputs("[]", out);
				fputc('}', out);
			}
			fputs("]}", out);
		}
		fputs("]}", out);
	}
	fputs("],\n\"zone_shares\": ", out);
	json_table(out, &r->shares);
	fputs(",\n\"violations\": ", out);
	json_table(out, &r->violations);
	fputs(",\n\"new_since\": {\"since\": ", out);
	json_str(out, r->since);
	fputs(", \"elements\": ", out);
	json_table(out, &r->fresh);
	fputs("},\n\"counts\": ", out);
	json_table(out, &r->counts);
	fputs("}\n", out);
	return 0;
}

/*
 * HTML.
 */

static void
html(FILE *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : "");
	    *p; p++) {
		switch (*p) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(out, "\\x%02x", *p);
			else
				fputc(*p, out);
		}
	}
}

static const char html_style[] =
    "body{font-family:sans-serif;margin:2em;color:#222;max-width:70em}"
    "h1{font-size:1.6em}h2{font-size:1.3em;border-bottom:1px solid #ccc;"
    "margin-top:2em}h3{font-size:1.1em}"
    "table{border-collapse:collapse;margin:.5em 0 1em 0;width:100%}"
    "th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;"
    "vertical-align:top;font-size:.9em}th{background:#eee}"
    ".violated{color:#fff;background:#b00020}.pending{background:#ffd54f}"
    ".met{background:#c8e6c9}.status{font-weight:bold;padding:0 .4em}"
    ".note{font-size:.9em;color:#444}.ev{font-size:.8em;color:#444}"
    "svg{max-width:100%;height:auto}"
    "@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}"
    "table,svg{page-break-inside:avoid}"
    ".violated,.pending,.met{-webkit-print-color-adjust:exact;"
    "print-color-adjust:exact}}";

/* Bars of each zone share against its cap. */
static void
svg_shares(FILE *out, const struct report *r)
{
	const int label_w = 280, bar_w = 400, row_h = 26;
	size_t n = r->shares.nrows;
	int h = (int)n * row_h + 40;

	fprintf(out, "<svg id=\"zone-share-chart\" xmlns=\"http://www.w3.org/"
	    "2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	    "role=\"img\" aria-label=\"Covered vendors' share per zone against "
	    "its cap\">\n", label_w + bar_w + 90, h, label_w + bar_w + 90, h);
	fprintf(out, "<text x=\"%d\" y=\"14\" font-size=\"12\">0%%</text>"
	    "<text x=\"%d\" y=\"14\" font-size=\"12\">100%%</text>\n",
	    label_w, label_w + bar_w - 30);
	for (size_t i = 0; i < n; i++) {
		const struct table *t = &r->shares;
		double share = real(t, i, "share"), cap = real(t, i,
		    "max_share");
		int y = 24 + (int)i * row_h;
		const char *status = str(t, i, "status");
		const char *fill = strcmp(status, "violated") == 0 ? "#b00020" :
		    strcmp(status, "pending") == 0 ? "#f9a825" : "#2e7d32";

		fprintf(out, "<g class=\"share\"><text x=\"0\" y=\"%d\" "
		    "font-size=\"12\">", y + 14);
		html(out, str(t, i, "policy"));
		fputc('/', out);
		html(out, str(t, i, "rule"));
		fputs(" ", out);
		html(out, str(t, i, "zone"));
		fprintf(out, "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" "
		    "height=\"18\" fill=\"#eee\"/><rect x=\"%d\" y=\"%d\" "
		    "width=\"%.1f\" height=\"18\" fill=\"%s\"><title>%.2f%% "
		    "(cap %g%%)</title></rect><line x1=\"%.1f\" x2=\"%.1f\" "
		    "y1=\"%d\" y2=\"%d\" stroke=\"#000\" stroke-width=\"2\" "
		    "stroke-dasharray=\"3,2\"/><text x=\"%d\" y=\"%d\" "
		    "font-size=\"12\">%.1f%% / %g%%</text></g>\n",
		    label_w, y, bar_w, label_w, y, bar_w * share / 100, fill,
		    share, cap, label_w + bar_w * cap / 100,
		    label_w + bar_w * cap / 100, y - 2, y + 20,
		    label_w + bar_w + 6, y + 14, share, cap);
	}
	fputs("</svg>\n", out);
}

/* Day number (days since the epoch) of an ISO-8601 date or time. */
static int64_t
day_of(const char *s)
{
	char d[POLICY_DATE_LEN];
	int64_t t;

	str_copy(d, s, sizeof(d));
	if (time_parse(d, &t) == -1)
		return 0;
	return t / DAY;
}

/* High-risk elements known and seen over time, one point a day. */
static void
svg_history(FILE *out, const struct report *r)
{
	const int w = 720, h = 220, left = 40, bottom = 30;
	const struct table *t = &r->history;
	int64_t end = day_of(r->as_of), start = end - 30, max = 1;
	int64_t *known, *seen;
	size_t ndays;

	for (size_t i = 0; i < t->nrows; i++)
		if (day_of(str(t, i, "first_seen")) < start)
			start = day_of(str(t, i, "first_seen"));
	if (start < end - 730)
		start = end - 730;	/* two years at most */
	ndays = (size_t)(end - start + 1);
	known = xcalloc(ndays, sizeof(*known));
	seen = xcalloc(ndays, sizeof(*seen));

	for (size_t i = 0; i < t->nrows; i++) {
		int64_t f = day_of(str(t, i, "first_seen"));
		int64_t l = day_of(str(t, i, "last_seen"));

		for (int64_t d = f < start ? start : f; d <= end; d++) {
			known[d - start]++;
			if (d <= l)
				seen[d - start]++;
		}
	}
	for (size_t d = 0; d < ndays; d++)
		if (known[d] > max)
			max = known[d];
	fprintf(out, "<svg id=\"history-chart\" xmlns=\"http://www.w3.org/2000/"
	    "svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	    "role=\"img\" aria-label=\"High-risk elements over time\">\n",
	    w, h, w, h);
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#000\"/><line x1=\"%d\" y1=\"10\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#000\"/>\n", left, h - bottom, w - 10, h - bottom, left,
	    left, h - bottom);
	fprintf(out, "<text x=\"0\" y=\"16\" font-size=\"11\">%lld</text>"
	    "<text x=\"0\" y=\"%d\" font-size=\"11\">0</text>\n",
	    (long long)max, h - bottom);
	for (int series = 0; series < 2; series++) {
		const int64_t *v = series == 0 ? known : seen;

		fprintf(out, "<polyline class=\"%s\" fill=\"none\" "
		    "stroke=\"%s\" stroke-width=\"2\" points=\"",
		    series == 0 ? "known" : "seen",
		    series == 0 ? "#b00020" : "#1565c0");
		for (size_t d = 0; d < ndays; d++) {
			double x = left + (double)(w - 10 - left) * (double)d /
			    (double)(ndays > 1 ? ndays - 1 : 1);
			double y = (double)(h - bottom) - (double)(h - bottom -
			    10) * (double)v[d] / (double)max;

			fprintf(out, "%s%.1f,%.1f", d == 0 ? "" : " ", x, y);
		}
		fputs("\"/>\n", out);
	}
	{
		char a[TIME_STRLEN];

		time_format(start * DAY, a);
		a[10] = '\0';
		fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s"
		    "</text><text x=\"%d\" y=\"%d\" font-size=\"11\" "
		    "text-anchor=\"end\">%s</text>\n", left, h - 10, a,
		    w - 10, h - 10, r->as_of);
	}
	fprintf(out, "<text x=\"%d\" y=\"14\" font-size=\"11\" fill=\"#b00020\">"
	    "known (first seen by that day)</text><text x=\"%d\" y=\"28\" "
	    "font-size=\"11\" fill=\"#1565c0\">still seen that day or later"
	    "</text>\n</svg>\n", w - 260, w - 260);
	free(known);
	free(seen);
}

static void
html_status(FILE *out, const char *status, const char *text)
{
	fprintf(out, "<span class=\"status %s\">", status);
	html(out, text);
	fputs("</span>", out);
}

static void
html_rule(FILE *out, const struct report *r, const char *policy,
    const struct policy_rule *ru)
{
	long i = rule_row(r, policy, ru->name);
	const struct table *v = &r->violations;
	char *verdict, *terms;
	size_t n = 0;

	if (i < 0)
		return;
	verdict = rule_verdict(&r->rules, (size_t)i);
	terms = rule_terms(&r->rules, (size_t)i);
	fputs("<h3>", out);
	html_status(out, str(&r->rules, (size_t)i, "status"), verdict);
	fputs(" ", out);
	html(out, ru->name);
	fputs(": ", out);
	html(out, ru->title);
	fputs("</h3>\n<p class=\"note\">", out);
	html(out, terms);
	fprintf(out, "; %lld of %lld elements in scope covered",
	    num(&r->rules, (size_t)i, "covered"),
	    num(&r->rules, (size_t)i, "elements"));
	if (*ru->first_seen_after)
		fprintf(out, ", %lld new", num(&r->rules, (size_t)i,
		    "new_elements"));
	fputs("</p>\n", out);
	free(verdict);
	free(terms);
	for (size_t k = 0; k < v->nrows; k++) {
		const struct table *ev;

		if (!rule_match(v, k, policy, ru->name))
			continue;
		if (n++ == 0)
			fputs("<table class=\"violations\"><tr><th>element</th>"
			    "<th>mgmt_ip</th><th>vendor</th><th>zone</th>"
			    "<th>status</th><th>detail</th><th>evidence</th>"
			    "</tr>\n", out);
		fprintf(out, "<tr><td>%lld</td><td>", num(v, k, "element_id"));
		html(out, str(v, k, "mgmt_ip"));
		fputs("</td><td>", out);
		html(out, str(v, k, "vendor"));
		fputs("</td><td>", out);
		html(out, str(v, k, "zone"));
		fputs("</td><td>", out);
		html_status(out, str(v, k, "status"), str(v, k, "status"));
		fputs("</td><td>", out);
		html(out, str(v, k, "detail"));
		fputs("</td><td class=\"ev\">", out);
		ev = evidence_of(r, num(v, k, "element_id"));
		for (size_t e = 0; ev != NULL && e < ev->nrows; e++) {
			html(out, str(ev, e, "kind"));
			fputs(" &ldquo;", out);
			html(out, str(ev, e, "value"));
			fputs("&rdquo; &rarr; ", out);
			html(out, str(ev, e, "vendor"));
			fputs(" (", out);
			html(out, str(ev, e, "rule"));
			fputs(")<br>", out);
		}
		fputs("</td></tr>\n", out);
	}
	if (n > 0)
		fputs("</table>\n", out);
}

static int
write_html(const struct report *r, FILE *out)
{
	int violated, pending, met;
	char dur[32];

	tally(r, &violated, &pending, &met);
	fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><title>vraudit compliance report %s"
	    "</title>\n<style>%s</style></head>\n<body>\n",
	    r->as_of, html_style);
	fprintf(out, "<h1>vraudit compliance report</h1>\n<p id=\"result\">");
	html_status(out, violated > 0 ? "violated" : "met",
	    violated > 0 ? "violations" : "compliant");
	fprintf(out, " %d violated, %d pending, %d met</p>\n<table "
	    "class=\"meta\"><tr><th>database</th><td>", violated, pending,
	    met);
	html(out, r->db_path);
	fprintf(out, "</td></tr><tr><th>generated</th><td>%s</td></tr>"
	    "<tr><th>as of</th><td>%s</td></tr>"
	    "<tr><th>audit chain head</th><td><code>record %lld, %s</code></td></tr>"
	    "<tr><th>baseline</th><td>",
	    r->generated, r->as_of, (long long)r->audit_seq, r->audit_hash);
	if (r->baseline.nrows > 0) {
		fprintf(out, "scan %lld (", num(&r->baseline, 0, "scan_id"));
		html(out, str(&r->baseline, 0, "kind"));
		fputs("), ", out);
		html(out, str(&r->baseline, 0, "started_at"));
		fputs(" to ", out);
		html(out, str(&r->baseline, 0, "finished_at"));
	} else
		fputs("none (no complete scan yet)", out);
	fputs("</td></tr></table>\n<p class=\"note\">", out);
	html(out, counting_note);
	fputs("</p><p class=\"note\">", out);
	html(out, cover_note);
	fputs("</p><p class=\"note\">", out);
	html(out, baseline_note);
	fputs("</p>\n", out);

	for (size_t p = 0; p < r->set->n_packs; p++) {
		const struct policy_pack *pk = r->set->packs[p];

		fputs("<section class=\"policy\"><h2>", out);
		html(out, pk->name);
		fputs(": ", out);
		html(out, pk->title);
		fputs("</h2>\n<p class=\"note\">Source: ", out);
		html(out, pk->source);
		fputs(". Vendors:", out);
		for (size_t v = 0; v < pk->n_vendors; v++) {
			fputc(' ', out);
			html(out, pk->vendors[v]);
		}
		fputs(".</p>\n", out);
		for (size_t i = 0; i < pk->n_rules; i++)
			html_rule(out, r, pk->name, &pk->rules[i]);
		fputs("</section>\n", out);
	}

	fputs("<h2>Zone shares against caps</h2>\n", out);
	svg_shares(out, r);
	fputs("<table class=\"shares\"><tr><th>policy</th><th>rule</th>"
	    "<th>zone</th><th>elements</th><th>high risk</th><th>share</th>"
	    "<th>cap</th><th>deadline</th><th>status</th></tr>\n", out);
	for (size_t i = 0; i < r->shares.nrows; i++) {
		const struct table *t = &r->shares;

		fputs("<tr><td>", out);
		html(out, str(t, i, "policy"));
		fputs("</td><td>", out);
		html(out, str(t, i, "rule"));
		fputs("</td><td>", out);
		html(out, str(t, i, "zone"));
		fprintf(out, "</td><td>%lld</td><td>%lld</td><td>%.2f%%</td>"
		    "<td>%g%%</td><td>", num(t, i, "elements"),
		    num(t, i, "high_risk"), real(t, i, "share"),
		    real(t, i, "max_share"));
		html(out, str(t, i, "deadline"));
		fputs("</td><td>", out);
		html_status(out, str(t, i, "status"), str(t, i, "status"));
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n<h2>High-risk elements over time</h2>\n", out);
	svg_history(out, r);

	duration_format(r->since_ms, dur, sizeof(dur));
	fprintf(out, "<h2>New since %s (%s)</h2>\n", r->since, dur);
	fputs("<table class=\"new\"><tr><th>element</th><th>mgmt_ip</th>"
	    "<th>sys_name</th><th>vendor</th><th>risk</th><th>zone</th>"
	    "<th>first seen</th></tr>\n", out);
	for (size_t i = 0; i < r->fresh.nrows; i++) {
		static const char *const cols[] = { "element_id", "mgmt_ip",
		    "sys_name", "vendor", "risk", "zone", "first_seen" };

		fputs("<tr>", out);
		for (size_t c = 0; c < ARRAY_SIZE(cols); c++) {
			fputs("<td>", out);
			html(out, str(&r->fresh, i, cols[c]));
			fputs("</td>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</table>\n<h2>Elements by vendor and risk</h2>\n<table "
	    "class=\"counts\"><tr><th>vendor</th><th>name</th><th>risk</th>"
	    "<th>elements</th></tr>\n", out);
	for (size_t i = 0; i < r->counts.nrows; i++) {
		fputs("<tr><td>", out);
		html(out, str(&r->counts, i, "vendor"));
		fputs("</td><td>", out);
		html(out, str(&r->counts, i, "vendor_name"));
		fputs("</td><td>", out);
		html(out, str(&r->counts, i, "risk"));
		fprintf(out, "</td><td>%lld</td></tr>\n", num(&r->counts, i,
		    "elements"));
	}
	fputs("</table>\n</body></html>\n", out);
	return 0;
}

int
report_write(const struct report *r, enum report_format format, FILE *out)
{
	switch (format) {
	case REPORT_TEXT:
		write_text(r, out);
		break;
	case REPORT_CSV:
		write_csv(r, out);
		break;
	case REPORT_JSON:
		write_json(r, out);
		break;
	case REPORT_HTML:
		write_html(r, out);
		break;
	}
	if (fflush(out) != 0 || ferror(out))
		return -1;
	return 0;
}
