/*
 * The report as text for a terminal or a mail (report_private.h). Every
 * value is written in common/text.h's terminal style: control characters
 * and bytes that are not UTF-8 as \xNN, backslashes doubled.
 */
#include "report/report_private.h"

#include <stdlib.h>
#include <string.h>

static void put_element(FILE *out, const struct report *r, long long id);

static void
put(FILE *out, const char *s)
{
	report_puts(out, s, TEXT_TERMINAL);
}

/* A cell, "-" when it is NULL or empty. */
static void
put_field(FILE *out, const struct value *v)
{
	if (v->s == NULL || v->len == 0)
		fputc('-', out);
	else
		report_put_value(out, v, TEXT_TERMINAL);
}

static void
put_cell(FILE *out, const struct table *t, size_t i, const char *col)
{
	put_field(out, report_cell(t, i, col));
}

static void
text_evidence(FILE *out, const struct report *r, int64_t id)
{
	const struct table *ev = report_evidence_of(r, id);

	for (size_t k = 0; ev != NULL && k < ev->nrows; k++) {
		fputs("        evidence: ", out);
		put_cell(out, ev, k, "kind");
		fputs(" \"", out);
		report_put_value(out, report_cell(ev, k, "value"),
		    TEXT_TERMINAL);
		fputs("\" -> ", out);
		put_cell(out, ev, k, "vendor");
		fputs(" (rule ", out);
		put_cell(out, ev, k, "rule");
		fprintf(out, ", strength %.2f)\n",
		    report_real(ev, k, "strength"));
	}
}

/* Where element of violations row i is: its management address, else its
 * other address said to be one. */
static void
put_address(FILE *out, const struct report *r, size_t i)
{
	const char *kind;
	const struct value *a = report_address(r, i, &kind);

	put_field(out, a);
	if (*kind != '\0' && strcmp(kind, "mgmt") != 0) {
		fputs(" (", out);
		put(out, kind);
		fputs(", not the management address)", out);
	}
}

/* Each violating element once: the rules it breaks, then its evidence. */
static void
text_elements(FILE *out, const struct report *r)
{
	const struct table *v = &r->violations;
	size_t n;
	const struct element_evidence *el = report_violating_elements(r, &n);

	fprintf(out, "\nviolating elements: %zu\n", n);
	for (size_t k = 0; k < n; k++) {
		long long id = el[k].id;
		const struct value *name = report_sys_name(r, id);
		size_t first = el[k].rows[0];

		fputs("  ", out);
		put_element(out, r, id);
		fputs("  ", out);
		put_field(out, name);
		fputs("  ", out);
		put_address(out, r, first);
		fputs("  ", out);
		put_cell(out, v, first, "vendor");
		fputs("  zone ", out);
		put_cell(out, v, first, "zone");
		fputc('\n', out);
		for (size_t i = 0; i < el[k].n_rows; i++) {
			size_t j = el[k].rows[i];

			fputs("        breaks ", out);
			put_cell(out, v, j, "policy");
			fputc('/', out);
			put_cell(out, v, j, "rule");
			fputs(" (", out);
			put(out, report_str(v, j, "status"));
			fputs(")\n", out);
		}
		text_evidence(out, r, id);
	}
}

/* The waiver excusing a violation, in words; nothing when none. */
static void
text_waiver(FILE *out, const struct report *r, const char *name)
{
	long w = *name ? report_waiver_row(r, name) : -1;
	char *terms;

	if (w < 0)
		return;
	terms = report_waiver_terms(&r->waivers, (size_t)w);
	fputs("        waiver ", out);
	put(out, name);
	fputs(": ", out);
	put(out, terms);
	fputc('\n', out);
	free(terms);
}

/* "element N", and in a national report the site and its own number. */
static void
put_element(FILE *out, const struct report *r, long long id)
{
	long long site_id;
	const char *site = report_element_site(r, id, &site_id);

	fprintf(out, "element %lld", id);
	if (site != NULL) {
		fputs(" = ", out);
		put(out, site);
		fprintf(out, "/%lld", site_id);
	}
}

/* A national report: each site's head and, evaluated alone, its rules. */
static void
text_sites(FILE *out, const struct report *r)
{
	const struct report_sites *s = r->sites;

	fprintf(out, "\nby site (each evaluated alone): %zu site%s\n", s->n,
	    s->n == 1 ? "" : "s");
	for (size_t i = 0; i < s->n; i++) {
		const struct report_site *site = &s->sites[i];

		fputs("  ", out);
		put(out, site->name);
		fprintf(out, ": %lld element%s, audit record %lld, head ",
		    (long long)site->elements, site->elements == 1 ? "" : "s",
		    (long long)site->head_seq);
		put(out, site->head_hash);
		fputc('\n', out);
		for (size_t k = 0; k < site->n_rules; k++) {
			fputs("    ", out);
			put(out, site->rules[k].policy);
			fputc('/', out);
			put(out, site->rules[k].rule);
			fputs("  ", out);
			put(out, site->rules[k].verdict);
			fputc('\n', out);
		}
	}
}

/* Retired elements and waivers. */
static void
text_lifecycle(FILE *out, const struct report *r)
{
	const struct table *t = &r->retired, *w = &r->waivers;

	fprintf(out, "\nretired elements: %zu\n", t->nrows);
	for (size_t i = 0; i < t->nrows; i++) {
		fputs("  ", out);
		put_element(out, r, report_num(t, i, "element_id"));
		fputs("  ", out);
		put_cell(out, t, i, "mgmt_ip");
		fputs("  ", out);
		put_cell(out, t, i, "sys_name");
		fputs("  ", out);
		put_cell(out, t, i, "vendor");
		fputs("  zone ", out);
		put_cell(out, t, i, "zone");
		fputs("  retired ", out);
		put_cell(out, t, i, "retired_at");
		fputs(": ", out);
		put_cell(out, t, i, "retired_reason");
		fputc('\n', out);
	}
	fprintf(out, "\nwaivers: %zu\n", w->nrows);
	if (r->waiver_file.nrows > 0) {
		fputs("  recorded from ", out);
		put_cell(out, &r->waiver_file, 0, "path");
		fputs(" (sha256 ", out);
		put_cell(out, &r->waiver_file, 0, "digest");
		fputs(") at ", out);
		put_cell(out, &r->waiver_file, 0, "synced_at");
		fputc('\n', out);
	}
	for (size_t i = 0; i < w->nrows; i++) {
		char *terms = report_waiver_terms(w, i);

		fputs("  [", out);
		put_cell(out, w, i, "status");
		fputs("] ", out);
		put_cell(out, w, i, "name");
		fputs(": ", out);
		put(out, terms);
		fprintf(out, "; excuses %zu violation(s)\n",
		    report_waiver_uses(r, report_str(w, i, "name")));
		free(terms);
	}
}

static void
text_rule(FILE *out, const struct report *r, const char *policy,
    const struct policy_rule *ru)
{
	long i = report_rule_row(r, policy, ru->name);
	const struct table *v = &r->violations, *sh = &r->shares;
	char *verdict, *terms;

	if (i < 0)
		return;
	verdict = report_rule_verdict(&r->rules, (size_t)i);
	terms = report_rule_terms(&r->rules, (size_t)i);
	fputs("  [", out);
	put(out, verdict);
	fputs("] ", out);
	put(out, ru->name);
	fputs(": ", out);
	put(out, ru->title);
	fputs("\n      ", out);
	put(out, terms);
	fprintf(out, "; %lld of %lld elements in scope covered, %lld violating",
	    report_num(&r->rules, (size_t)i, "covered"),
	    report_num(&r->rules, (size_t)i, "elements"),
	    report_violating(r, policy, ru->name));
	if (*ru->first_seen_after)
		fprintf(out, ", %lld new",
		    report_num(&r->rules, (size_t)i, "new_elements"));
	if (report_num(&r->rules, (size_t)i, "waived") > 0)
		fprintf(out, ", %lld waived",
		    report_num(&r->rules, (size_t)i, "waived"));
	fputc('\n', out);
	if (report_unjudged_status(
		report_str(&r->rules, (size_t)i, "status"))) {
		fputs("      not judged: ", out);
		put(out, report_str(&r->rules, (size_t)i, "reason"));
		fputc('\n', out);
	}
	free(verdict);
	free(terms);
	for (size_t k = 0; k < sh->nrows; k++) {
		if (!report_rule_match(sh, k, policy, ru->name))
			continue;
		fputs("      zone ", out);
		report_put_value(out, report_cell(sh, k, "zone"),
		    TEXT_TERMINAL);
		fprintf(out, ": %lld of %lld elements (%.2f%%), cap %g%%: ",
		    report_num(sh, k, "high_risk"),
		    report_num(sh, k, "elements"), report_real(sh, k, "share"),
		    report_real(sh, k, "max_share"));
		put(out, report_str(sh, k, "status"));
		fputc('\n', out);
	}
	for (size_t k = report_rule_range(r, (size_t)i)->first;
	     k < report_rule_range(r, (size_t)i)->end; k++) {
		fputs("      ", out);
		put_element(out, r, report_num(v, k, "element_id"));
		fputs("  ", out);
		put_address(out, r, k);
		fputs("  ", out);
		put_cell(out, v, k, "vendor");
		fputs("  zone ", out);
		put_cell(out, v, k, "zone");
		fputs("  ", out);
		put(out, report_str(v, k, "status"));
		fputs(": ", out);
		report_put_value(out, report_cell(v, k, "detail"),
		    TEXT_TERMINAL);
		fputc('\n', out);
		text_waiver(out, r, report_str(v, k, "waiver"));
	}
}

/* What each zone's observation was: the ground the verdicts stand on. */
static void
text_coverage(FILE *out, const struct report *r)
{
	const struct table *c = &r->coverage;

	fputs("\ncoverage by zone:\n", out);
	if (c->nrows == 0)
		fputs("  none: no zone swept, heard or named by a rule\n", out);
	for (size_t i = 0; i < c->nrows; i++) {
		char *words = report_coverage_words(c, i);

		fputs("  ", out);
		put_cell(out, c, i, "zone");
		fputs(": ", out);
		put(out, report_str(c, i, "status"));
		fputs("; ", out);
		put(out, words);
		fputc('\n', out);
		free(words);
	}
}

static void
text_header(FILE *out, const struct report *r)
{
	const struct table *b = &r->baseline;
	int violated, pending, met, unjudged;

	report_tally(r, &violated, &pending, &met, &unjudged);
	fputs(r->sites != NULL ? "vraudit national compliance report\n"
			       : "vraudit compliance report\n",
	    out);
	fputs("database:  ", out);
	put(out, r->db_path);
	fputs("\ngenerated: ", out);
	put(out, r->generated);
	fputs("\nas of:     ", out);
	put(out, r->as_of);
	if (r->sites != NULL)
		fprintf(out,
		    "\naudit:     the head of each site's chain, under \"by "
		    "site\" (archive them: vraudit verify --central detects "
		    "later edits)\n");
	else {
		fprintf(out, "\naudit:     record %lld, head ",
		    (long long)r->audit_seq);
		put(out, r->audit_hash);
		fputs(" (archive it: vraudit verify detects later edits)\n",
		    out);
	}
	fputs("vraudit:   ", out);
	put(out, r->version);
	fputs("\nconfig:    ", out);
	if (r->config_path != NULL) {
		put(out, r->config_path);
		fputs(" (sha256 ", out);
		put(out, r->config_digest);
		fputc(')', out);
	} else
		fputs("built-in defaults", out);
	fputc('\n', out);
	for (size_t p = 0; p < r->set->n_packs; p++) {
		const struct policy_pack *pk = r->set->packs[p];

		fputs("pack:      ", out);
		put(out, pk->name);
		fputs(" from ", out);
		put(out, pk->origin);
		fputs(" (sha256 ", out);
		put(out, pk->digest);
		fputs(")\n", out);
	}
	if (*r->newest)
		fprintf(out,
		    "data:      newest observation %s (%lld day%s old)\n",
		    r->newest, r->age_days, r->age_days == 1 ? "" : "s");
	else
		fputs("data:      none (no element recorded)\n", out);
	fprintf(out,
	    "result:    %s (%d violated, %d pending, %d met, %d not judged)\n\n",
	    report_result(r), violated, pending, met, unjudged);
	if (r->waiver_warning != NULL) {
		fputs("warning:   ", out);
		put(out, r->waiver_warning);
		fputc('\n', out);
	}
	fprintf(out, "%s\n%s\n%s\n%s\n%s\n", report_counting_note,
	    report_cover_note, report_baseline_note, report_coverage_note,
	    report_lifecycle_note);
	fputs("baseline: ", out);
	put(out, report_baseline_words(b));
	fputc('\n', out);
	text_coverage(out, r);
}

void
report_write_text(const struct report *r, FILE *out)
{
	const struct table *f = &r->fresh, *c = &r->counts;

	text_header(out, r);
	for (size_t p = 0; p < r->set->n_packs; p++) {
		const struct policy_pack *pk = r->set->packs[p];

		fputc('\n', out);
		put(out, pk->name);
		fputs(": ", out);
		put(out, pk->title);
		fputs("\n  source: ", out);
		put(out, pk->source);
		fputs("\n  vendors:", out);
		for (size_t v = 0; v < pk->n_vendors; v++) {
			fputc(' ', out);
			put(out, pk->vendors[v]);
		}
		fputc('\n', out);
		for (size_t i = 0; i < pk->n_rules; i++)
			text_rule(out, r, pk->name, &pk->rules[i]);
	}
	if (r->sites != NULL)
		text_sites(out, r);
	text_elements(out, r);
	fprintf(out,
	    "\nnew installations (first-seen-after rules): %zu element%s\n",
	    f->nrows, f->nrows == 1 ? "" : "s");
	for (size_t i = 0; i < f->nrows; i++) {
		fputs("  ", out);
		put(out, report_str(f, i, "policy"));
		fputc('/', out);
		put(out, report_str(f, i, "rule"));
		fputs("  ", out);
		put_element(out, r, report_num(f, i, "element_id"));
		fputs("  ", out);
		put_cell(out, f, i, "mgmt_ip");
		fputs("  ", out);
		put_cell(out, f, i, "sys_name");
		fputs("  ", out);
		put_cell(out, f, i, "vendor");
		fputs("  zone ", out);
		put_cell(out, f, i, "zone");
		fputs("  first seen ", out);
		report_put_value(out, report_cell(f, i, "first_seen"),
		    TEXT_TERMINAL);
		if (report_cell(f, i, "waiver")->s != NULL) {
			fputs("  waived: ", out);
			put_cell(out, f, i, "waiver");
		}
		fputc('\n', out);
	}
	text_lifecycle(out, r);
	fputs("\nelements by vendor and risk:\n", out);
	if (c->nrows == 0)
		fputs("  none\n", out);
	for (size_t i = 0; i < c->nrows; i++) {
		fputs("  ", out);
		report_put_value(out, report_cell(c, i, "vendor"),
		    TEXT_TERMINAL);
		fputs(" (", out);
		report_put_value(out, report_cell(c, i, "risk"), TEXT_TERMINAL);
		fprintf(out, "): %lld\n", report_num(c, i, "elements"));
	}
	fputs("\nsign-off\n  name:      ______________________________\n"
	      "  role:      ______________________________\n"
	      "  date:      ______________________________\n"
	      "  signature: ______________________________\n",
	    out);
}
