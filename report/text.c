/*
 * The report as text for a terminal or a mail (report_private.h). Every
 * value is written in common/text.h's terminal style: control characters
 * and bytes that are not UTF-8 as \xNN, backslashes doubled.
 */
#include "report/report_private.h"

#include <stdlib.h>
#include <string.h>

static void put_element(struct report_out *out, const struct report *r,
    long long id);

static void
put(struct report_out *out, const char *s)
{
	rout_put_str(out, s, TEXT_TERMINAL);
}

/* A cell, "-" when it is NULL or empty. */
static void
put_field(struct report_out *out, const struct value *v)
{
	if (v->s == NULL || v->len == 0)
		rout_putc(out, '-');
	else
		rout_put_value(out, v, TEXT_TERMINAL);
}

static void
put_cell(struct report_out *out, const struct table *t, size_t i,
    const char *col)
{
	put_field(out, report_cell(t, i, col));
}

static void
text_evidence(struct report_out *out, const struct report *r, int64_t id)
{
	const struct table *ev = report_evidence_of(r, id);

	for (size_t k = 0; ev != NULL && k < ev->nrows; k++) {
		rout_puts(out, "        evidence: ");
		put_cell(out, ev, k, "kind");
		rout_puts(out, " \"");
		rout_put_value(out, report_cell(ev, k, "value"), TEXT_TERMINAL);
		rout_puts(out, "\" -> ");
		put_cell(out, ev, k, "vendor");
		rout_puts(out, " (rule ");
		put_cell(out, ev, k, "rule");
		rout_printf(out, ", strength %.2f)\n",
		    report_real(ev, k, "strength"));
	}
}

/* Where element of violations row i is: its management address, else its
 * other address said to be one. */
static void
put_address(struct report_out *out, const struct report *r, size_t i)
{
	const char *kind;
	const struct value *a = report_address(r, i, &kind);

	put_field(out, a);
	if (*kind != '\0' && strcmp(kind, "mgmt") != 0) {
		rout_puts(out, " (");
		put(out, kind);
		rout_puts(out, ", not the management address)");
	}
}

/* Each violating element once: the rules it breaks, then its evidence. */
static void
text_elements(struct report_out *out, const struct report *r)
{
	const struct table *v = &r->violations;
	size_t n;
	const struct element_evidence *el = report_violating_elements(r, &n);

	rout_printf(out, "\nviolating elements: %zu\n", n);
	for (size_t k = 0; k < n; k++) {
		long long id = el[k].id;
		const struct value *name = report_sys_name(r, id);
		size_t first = el[k].rows[0];

		rout_puts(out, "  ");
		put_element(out, r, id);
		rout_puts(out, "  ");
		put_field(out, name);
		rout_puts(out, "  ");
		put_address(out, r, first);
		rout_puts(out, "  ");
		put_cell(out, v, first, "vendor");
		rout_puts(out, "  zone ");
		put_cell(out, v, first, "zone");
		rout_putc(out, '\n');
		for (size_t i = 0; i < el[k].n_rows; i++) {
			size_t j = el[k].rows[i];

			rout_puts(out, "        breaks ");
			put_cell(out, v, j, "policy");
			rout_putc(out, '/');
			put_cell(out, v, j, "rule");
			rout_puts(out, " (");
			put(out, report_str(v, j, "status"));
			rout_puts(out, ")\n");
		}
		text_evidence(out, r, id);
	}
}

/* The waiver excusing a violation, in words; nothing when none. */
static void
text_waiver(struct report_out *out, const struct report *r, const char *name)
{
	long w = *name ? report_waiver_row(r, name) : -1;
	char *terms;

	if (w < 0)
		return;
	terms = report_waiver_terms(&r->waivers, (size_t)w);
	rout_puts(out, "        waiver ");
	put(out, name);
	rout_puts(out, ": ");
	put(out, terms);
	rout_putc(out, '\n');
	free(terms);
}

/* "element N", and in a national report the site and its own number. */
static void
put_element(struct report_out *out, const struct report *r, long long id)
{
	long long site_id;
	const char *site = report_element_site(r, id, &site_id);

	rout_printf(out, "element %lld", id);
	if (site != NULL) {
		rout_puts(out, " = ");
		put(out, site);
		rout_printf(out, "/%lld", site_id);
	}
}

/* A national report: each site's head and, evaluated alone, its rules. */
static void
text_sites(struct report_out *out, const struct report *r)
{
	const struct report_sites *s = r->sites;

	rout_printf(out, "\nby site (each evaluated alone): %zu site%s\n", s->n,
	    s->n == 1 ? "" : "s");
	for (size_t i = 0; i < s->n; i++) {
		const struct report_site *site = &s->sites[i];

		rout_puts(out, "  ");
		put(out, site->name);
		rout_printf(out, ": %lld element%s, audit record %lld, head ",
		    (long long)site->elements, site->elements == 1 ? "" : "s",
		    (long long)site->head_seq);
		put(out, site->head_hash);
		rout_putc(out, '\n');
		for (size_t k = 0; k < site->n_rules; k++) {
			rout_puts(out, "    ");
			put(out, site->rules[k].policy);
			rout_putc(out, '/');
			put(out, site->rules[k].rule);
			rout_puts(out, "  ");
			put(out, site->rules[k].verdict);
			rout_putc(out, '\n');
		}
	}
}

/* Retired elements and waivers. */
static void
text_lifecycle(struct report_out *out, const struct report *r)
{
	const struct table *t = &r->retired, *w = &r->waivers;

	rout_printf(out, "\nretired elements: %zu\n", t->nrows);
	for (size_t i = 0; i < t->nrows; i++) {
		rout_puts(out, "  ");
		put_element(out, r, report_num(t, i, "element_id"));
		rout_puts(out, "  ");
		put_cell(out, t, i, "mgmt_ip");
		rout_puts(out, "  ");
		put_cell(out, t, i, "sys_name");
		rout_puts(out, "  ");
		put_cell(out, t, i, "vendor");
		rout_puts(out, "  zone ");
		put_cell(out, t, i, "zone");
		rout_puts(out, "  retired ");
		put_cell(out, t, i, "retired_at");
		rout_puts(out, ": ");
		put_cell(out, t, i, "retired_reason");
		rout_putc(out, '\n');
	}
	rout_printf(out, "\nwaivers: %zu\n", w->nrows);
	if (r->waiver_file.nrows > 0) {
		rout_puts(out, "  recorded from ");
		put_cell(out, &r->waiver_file, 0, "path");
		rout_puts(out, " (sha256 ");
		put_cell(out, &r->waiver_file, 0, "digest");
		rout_puts(out, ") at ");
		put_cell(out, &r->waiver_file, 0, "synced_at");
		rout_putc(out, '\n');
	}
	for (size_t i = 0; i < w->nrows; i++) {
		char *terms = report_waiver_terms(w, i);

		rout_puts(out, "  [");
		put_cell(out, w, i, "status");
		rout_puts(out, "] ");
		put_cell(out, w, i, "name");
		rout_puts(out, ": ");
		put(out, terms);
		rout_printf(out, "; excuses %zu violation(s)\n",
		    report_waiver_uses(r, report_str(w, i, "name")));
		free(terms);
	}
}

static void
text_rule(struct report_out *out, const struct report *r, const char *policy,
    const struct policy_rule *ru)
{
	long i = report_rule_row(r, policy, ru->name);
	const struct table *v = &r->violations, *sh = &r->shares;
	char *verdict, *terms;

	if (i < 0)
		return;
	verdict = report_rule_verdict(&r->rules, (size_t)i);
	terms = report_rule_terms(&r->rules, (size_t)i);
	rout_puts(out, "  [");
	put(out, verdict);
	rout_puts(out, "] ");
	put(out, ru->name);
	rout_puts(out, ": ");
	put(out, ru->title);
	rout_puts(out, "\n      ");
	put(out, terms);
	rout_printf(out,
	    "; %lld of %lld elements in scope covered, %lld violating",
	    report_num(&r->rules, (size_t)i, "covered"),
	    report_num(&r->rules, (size_t)i, "elements"),
	    report_violating(r, policy, ru->name));
	if (*ru->first_seen_after)
		rout_printf(out, ", %lld new",
		    report_num(&r->rules, (size_t)i, "new_elements"));
	if (report_num(&r->rules, (size_t)i, "waived") > 0)
		rout_printf(out, ", %lld waived",
		    report_num(&r->rules, (size_t)i, "waived"));
	rout_putc(out, '\n');
	if (report_unjudged_status(
		report_str(&r->rules, (size_t)i, "status"))) {
		rout_puts(out, "      not judged: ");
		put(out, report_str(&r->rules, (size_t)i, "reason"));
		rout_putc(out, '\n');
	}
	free(verdict);
	free(terms);
	for (size_t k = 0; k < sh->nrows; k++) {
		if (!report_rule_match(sh, k, policy, ru->name))
			continue;
		rout_puts(out, "      zone ");
		rout_put_value(out, report_cell(sh, k, "zone"), TEXT_TERMINAL);
		rout_printf(out, ": %lld of %lld elements (%.2f%%), cap %g%%: ",
		    report_num(sh, k, "high_risk"),
		    report_num(sh, k, "elements"), report_real(sh, k, "share"),
		    report_real(sh, k, "max_share"));
		put(out, report_str(sh, k, "status"));
		rout_putc(out, '\n');
	}
	for (size_t k = report_rule_range(r, (size_t)i)->first;
	     k < report_rule_range(r, (size_t)i)->end; k++) {
		rout_puts(out, "      ");
		put_element(out, r, report_num(v, k, "element_id"));
		rout_puts(out, "  ");
		put_address(out, r, k);
		rout_puts(out, "  ");
		put_cell(out, v, k, "vendor");
		rout_puts(out, "  zone ");
		put_cell(out, v, k, "zone");
		rout_puts(out, "  ");
		put(out, report_str(v, k, "status"));
		rout_puts(out, ": ");
		rout_put_value(out, report_cell(v, k, "detail"), TEXT_TERMINAL);
		rout_putc(out, '\n');
		text_waiver(out, r, report_str(v, k, "waiver"));
	}
}

/* What each zone's observation was: the ground the verdicts stand on. */
static void
text_coverage(struct report_out *out, const struct report *r)
{
	const struct table *c = &r->coverage;

	rout_puts(out, "\ncoverage by zone:\n");
	if (c->nrows == 0)
		rout_puts(out,
		    "  none: no zone swept, heard or named by a rule\n");
	for (size_t i = 0; i < c->nrows; i++) {
		char *words = report_coverage_words(c, i);

		rout_puts(out, "  ");
		put_cell(out, c, i, "zone");
		rout_puts(out, ": ");
		put(out, report_str(c, i, "status"));
		rout_puts(out, "; ");
		put(out, words);
		rout_putc(out, '\n');
		free(words);
	}
}

static void
text_header(struct report_out *out, const struct report *r)
{
	const struct table *b = &r->baseline;
	int violated, pending, met, unjudged;

	report_tally(r, &violated, &pending, &met, &unjudged);
	rout_puts(out,
	    r->sites != NULL ? "vraudit national compliance report\n"
			     : "vraudit compliance report\n");
	rout_puts(out, "database:  ");
	put(out, r->db_path);
	rout_puts(out, "\ngenerated: ");
	put(out, r->generated);
	rout_puts(out, "\nas of:     ");
	put(out, r->as_of);
	if (r->sites != NULL)
		rout_printf(out,
		    "\naudit:     the head of each site's chain, under \"by "
		    "site\" (archive them: vraudit verify --central detects "
		    "later edits)\n");
	else {
		rout_printf(out, "\naudit:     record %lld, head ",
		    (long long)r->audit_seq);
		put(out, r->audit_hash);
		rout_puts(out,
		    " (archive it: vraudit verify detects later edits)\n");
	}
	rout_puts(out, "vraudit:   ");
	put(out, r->version);
	rout_puts(out, "\nconfig:    ");
	if (r->config_path != NULL) {
		put(out, r->config_path);
		rout_puts(out, " (sha256 ");
		put(out, r->config_digest);
		rout_putc(out, ')');
	} else
		rout_puts(out, "built-in defaults");
	rout_putc(out, '\n');
	for (size_t p = 0; p < r->set->n_packs; p++) {
		const struct policy_pack *pk = r->set->packs[p];

		rout_puts(out, "pack:      ");
		put(out, pk->name);
		rout_puts(out, " from ");
		put(out, pk->origin);
		rout_puts(out, " (sha256 ");
		put(out, pk->digest);
		rout_puts(out, ")\n");
	}
	if (*r->newest)
		rout_printf(out,
		    "data:      newest observation %s (%lld day%s old)\n",
		    r->newest, r->age_days, r->age_days == 1 ? "" : "s");
	else
		rout_puts(out, "data:      none (no element recorded)\n");
	rout_printf(out,
	    "result:    %s (%d violated, %d pending, %d met, %d not judged)\n\n",
	    report_result(r), violated, pending, met, unjudged);
	if (r->waiver_warning != NULL) {
		rout_puts(out, "warning:   ");
		put(out, r->waiver_warning);
		rout_putc(out, '\n');
	}
	rout_printf(out, "%s\n%s\n%s\n%s\n%s\n", report_counting_note,
	    report_cover_note, report_baseline_note, report_coverage_note,
	    report_lifecycle_note);
	rout_puts(out, "baseline: ");
	put(out, report_baseline_words(b));
	rout_putc(out, '\n');
	text_coverage(out, r);
}

void
report_write_text(const struct report *r, struct report_out *out)
{
	const struct table *f = &r->fresh, *c = &r->counts;

	text_header(out, r);
	for (size_t p = 0; p < r->set->n_packs; p++) {
		const struct policy_pack *pk = r->set->packs[p];

		rout_putc(out, '\n');
		put(out, pk->name);
		rout_puts(out, ": ");
		put(out, pk->title);
		rout_puts(out, "\n  source: ");
		put(out, pk->source);
		rout_puts(out, "\n  vendors:");
		for (size_t v = 0; v < pk->n_vendors; v++) {
			rout_putc(out, ' ');
			put(out, pk->vendors[v]);
		}
		rout_putc(out, '\n');
		for (size_t i = 0; i < pk->n_rules; i++)
			text_rule(out, r, pk->name, &pk->rules[i]);
	}
	if (r->sites != NULL)
		text_sites(out, r);
	text_elements(out, r);
	rout_printf(out,
	    "\nnew installations (first-seen-after rules): %zu element%s\n",
	    f->nrows, f->nrows == 1 ? "" : "s");
	for (size_t i = 0; i < f->nrows; i++) {
		rout_puts(out, "  ");
		put(out, report_str(f, i, "policy"));
		rout_putc(out, '/');
		put(out, report_str(f, i, "rule"));
		rout_puts(out, "  ");
		put_element(out, r, report_num(f, i, "element_id"));
		rout_puts(out, "  ");
		put_cell(out, f, i, "mgmt_ip");
		rout_puts(out, "  ");
		put_cell(out, f, i, "sys_name");
		rout_puts(out, "  ");
		put_cell(out, f, i, "vendor");
		rout_puts(out, "  zone ");
		put_cell(out, f, i, "zone");
		rout_puts(out, "  first seen ");
		rout_put_value(out, report_cell(f, i, "first_seen"),
		    TEXT_TERMINAL);
		if (report_cell(f, i, "waiver")->s != NULL) {
			rout_puts(out, "  waived: ");
			put_cell(out, f, i, "waiver");
		}
		rout_putc(out, '\n');
	}
	text_lifecycle(out, r);
	rout_puts(out, "\nelements by vendor and risk:\n");
	if (c->nrows == 0)
		rout_puts(out, "  none\n");
	for (size_t i = 0; i < c->nrows; i++) {
		rout_puts(out, "  ");
		rout_put_value(out, report_cell(c, i, "vendor"), TEXT_TERMINAL);
		rout_puts(out, " (");
		rout_put_value(out, report_cell(c, i, "risk"), TEXT_TERMINAL);
		rout_printf(out, "): %lld\n", report_num(c, i, "elements"));
	}
	rout_puts(out,
	    "\nsign-off\n  name:      ______________________________\n"
	    "  role:      ______________________________\n"
	    "  date:      ______________________________\n"
	    "  signature: ______________________________\n");
}
