/*
 * The report as CSV (report_private.h): one row per (policy, rule,
 * element) under a header; a rule without elements has one row without
 * them; then a row per retired element and per waiver. Every row also
 * carries the rule's counts and the report's provenance (pack digest,
 * vraudit version, configuration and its digest, audit head, data age) in
 * columns of their own, so that a sheet sorted, filtered or pasted next to
 * another day's still says where each row came from. The last column,
 * row, says what a row is: rule, retired or waiver. Every field is written
 * in common/text.h's CSV style: quoted when
 * it must be, control characters as \xNN, and inert in a spreadsheet (a
 * value starting with =, +, -, @, a tab or a CR gets a leading quote).
 */
#include "report/report_private.h"

#include <stdlib.h>
#include <string.h>

/* One field; NULL is an empty field. */
static void
field(struct report_out *out, const struct value *v, bool first)
{
	if (!first)
		rout_putc(out, ',');
	if (v != NULL)
		rout_put_value(out, v, TEXT_CSV);
}

static void
field_str(struct report_out *out, const char *s, bool first)
{
	if (!first)
		rout_putc(out, ',');
	rout_put_str(out, s, TEXT_CSV);
}

static void
field_num(struct report_out *out, long long n)
{
	rout_printf(out, ",%lld", n);
}

/* The columns after the element's: its address, the rule's counts, the
 * pack's and the report's provenance. i < 0: no rule (its counts are
 * empty); pk NULL: no pack; k < 0: no element; site: in a national
 * report, the site whose chain's head goes in the audit columns. */
static void
csv_tail(struct report_out *out, const struct report *r,
    const struct policy_pack *pk, long i, long k,
    const struct report_site *site)
{
	const char *kind = "";
	const struct value *a = NULL;

	if (k >= 0)
		a = report_address(r, (size_t)k, &kind);
	field(out, *kind != '\0' ? a : NULL, false);
	field_str(out, kind, false);
	if (i >= 0 && pk != NULL) {
		field_num(out, report_num(&r->rules, (size_t)i, "elements"));
		field_num(out, report_num(&r->rules, (size_t)i, "covered"));
		field_num(out,
		    report_violating(r, pk->name,
			report_str(&r->rules, (size_t)i, "rule")));
	} else
		rout_puts(out, ",,,");
	field_str(out, pk != NULL ? pk->origin : NULL, false);
	field_str(out, pk != NULL ? pk->digest : NULL, false);
	field_str(out, r->version, false);
	field_str(out, r->config_path, false);
	field_str(out, r->config_digest, false);
	/* A national report has a head per site: in its site rows. */
	if (site != NULL) {
		field_num(out, (long long)site->head_seq);
		field_str(out, site->head_hash, false);
	} else if (r->sites != NULL)
		rout_puts(out, ",,");
	else {
		field_num(out, (long long)r->audit_seq);
		field_str(out, r->audit_hash, false);
	}
	field_str(out, r->generated, false);
	field_str(out, r->newest, false);
	if (*r->newest)
		field_num(out, r->age_days);
	else
		rout_putc(out, ',');
}

/* The waiver columns of a violation row (empty when none, or NULL). */
static void
waiver_fields(struct report_out *out, const struct report *r, const char *name)
{
	static const char *const wcols[] = {
		"reason",
		"approver",
		"expires",
		"days_left",
	};
	long w = name != NULL && *name ? report_waiver_row(r, name) : -1;

	field_str(out, w >= 0 ? name : NULL, false);
	for (size_t c = 0; c < ARRAY_SIZE(wcols); c++)
		field(out,
		    w >= 0 ? report_cell(&r->waivers, (size_t)w, wcols[c])
			   : NULL,
		    false);
}

/* The end of a row: in a national report, the site of element id (none
 * when id < 1) and its own number there. */
static void
row_end(struct report_out *out, const struct report *r, long long id,
    const char *site)
{
	long long site_id = 0;
	const char *of = id > 0 ? report_element_site(r, id, &site_id) : NULL;

	if (r->sites != NULL) {
		field_str(out, of != NULL ? of : site, false);
		if (of != NULL)
			rout_printf(out, ",%lld", site_id);
		else
			rout_putc(out, ',');
	}
	rout_putc(out, '\n');
}

/* A national report: a row per site and rule, the rule evaluated on the
 * site alone, its verdict in detail. */
static void
csv_sites(struct report_out *out, const struct report *r)
{
	for (size_t i = 0; r->sites != NULL && i < r->sites->n; i++) {
		const struct report_site *site = &r->sites->sites[i];

		for (size_t k = 0; k < site->n_rules; k++) {
			const struct report_site_rule *ru = &site->rules[k];

			field_str(out, ru->policy, true);
			field_str(out, ru->rule, false);
			field_str(out, ru->status, false);
			/* deadline, days_left, element_id, mgmt_ip, vendor,
			 * zone, status */
			rout_puts(out, ",,,,,,,");
			field_str(out, ru->verdict, false);
			field_str(out, r->as_of, false);
			csv_tail(out, r, policy_set_find(r->set, ru->policy),
			    -1, -1, site);
			waiver_fields(out, r, NULL);
			field_str(out, NULL, false);
			field_str(out, "site", false);
			row_end(out, r, 0, site->name);
		}
	}
}

/* A row per zone: how it was observed (status ok, no-data, stale or
 * partial, the figures in words in detail). */
static void
csv_coverage(struct report_out *out, const struct report *r)
{
	const struct table *c = &r->coverage;

	for (size_t i = 0; i < c->nrows; i++) {
		char *words = report_coverage_words(c, i);

		/* policy, rule, rule_status, deadline, days_left, element_id,
		 * mgmt_ip, vendor */
		rout_puts(out, ",,,,,,,");
		field(out, report_cell(c, i, "zone"), false);
		field(out, report_cell(c, i, "status"), false);
		field_str(out, words, false);
		field_str(out, r->as_of, false);
		csv_tail(out, r, NULL, -1, -1, NULL);
		waiver_fields(out, r, NULL);
		field_str(out, NULL, false);
		field_str(out, "coverage", false);
		row_end(out, r, 0, NULL);
		free(words);
	}
}

/* A row of the retired elements or the waivers, after the rules'. */
static void
csv_lifecycle(struct report_out *out, const struct report *r)
{
	const struct table *t = &r->retired, *w = &r->waivers;

	for (size_t i = 0; i < t->nrows; i++) {
		/* policy, rule, rule_status, deadline, days_left */
		rout_puts(out, ",,,,");
		field(out, report_cell(t, i, "element_id"), false);
		field(out, report_cell(t, i, "mgmt_ip"), false);
		field(out, report_cell(t, i, "vendor"), false);
		field(out, report_cell(t, i, "zone"), false);
		field_str(out, "retired", false);
		field(out, report_cell(t, i, "retired_reason"), false);
		field_str(out, r->as_of, false);
		csv_tail(out, r, NULL, -1, -1, NULL);
		waiver_fields(out, r, NULL);
		field(out, report_cell(t, i, "retired_at"), false);
		field_str(out, "retired", false);
		row_end(out, r, report_num(t, i, "element_id"), NULL);
	}
	for (size_t i = 0; i < w->nrows; i++) {
		char *terms = report_waiver_terms(w, i);
		const struct value *scope = report_cell(w, i, "scope");
		bool element =
		    strcmp(report_str(w, i, "scope_kind"), "element") == 0;

		field(out, report_cell(w, i, "pack"), true);
		field(out, report_cell(w, i, "rule"), false);
		rout_puts(out, ",,,"); /* rule_status, deadline, days_left */
		field(out, element ? scope : NULL, false);
		rout_puts(out, ",,"); /* mgmt_ip, vendor */
		field(out,
		    strcmp(report_str(w, i, "scope_kind"), "zone") == 0 ? scope
									: NULL,
		    false);
		field(out, report_cell(w, i, "status"), false);
		field_str(out, terms, false);
		field_str(out, r->as_of, false);
		csv_tail(out, r,
		    policy_set_find(r->set, report_str(w, i, "pack")), -1, -1,
		    NULL);
		waiver_fields(out, r, report_str(w, i, "name"));
		field_str(out, NULL, false);
		field_str(out, "waiver", false);
		row_end(out, r, 0, NULL);
		free(terms);
	}
	csv_coverage(out, r);
}

/* The rows of one rule: one per element breaking it, or one without. */
static void
csv_rule(struct report_out *out, const struct report *r,
    const struct policy_pack *pk, const char *rule)
{
	const char *policy = pk->name;
	static const char *const ecols[] = {
		"element_id",
		"mgmt_ip",
		"vendor",
		"zone",
		"status",
		"detail",
	};
	const struct table *v = &r->violations;
	long i = report_rule_row(r, policy, rule);
	const struct rule_range *range;
	bool any = false;

	if (i < 0)
		return;
	range = report_rule_range(r, (size_t)i);
	for (size_t k = range->first; k <= range->end; k++) {
		bool last = k == range->end;

		if (last && any)
			continue;
		field_str(out, policy, true);
		field_str(out, rule, false);
		field_str(out, report_str(&r->rules, (size_t)i, "status"),
		    false);
		field(out, report_cell(&r->rules, (size_t)i, "deadline"),
		    false);
		field_str(out, report_str(&r->rules, (size_t)i, "days_left"),
		    false);
		for (size_t c = 0; c < ARRAY_SIZE(ecols); c++)
			field(out,
			    !last ? report_cell(v, k, ecols[c])
				: strcmp(ecols[c], "detail") == 0
				? report_cell(&r->rules, (size_t)i, "reason")
				: NULL,
			    false);
		field_str(out, r->as_of, false);
		csv_tail(out, r, pk, i, last ? -1 : (long)k, NULL);
		waiver_fields(out, r, last ? NULL : report_str(v, k, "waiver"));
		field_str(out, NULL, false);
		field_str(out, "rule", false);
		row_end(out, r, last ? 0 : report_num(v, k, "element_id"),
		    NULL);
		any = true;
	}
}

void
report_write_csv(const struct report *r, struct report_out *out)
{
	static const char *const header[] = {
		"policy",
		"rule",
		"rule_status",
		"deadline",
		"days_left",
		"element_id",
		"mgmt_ip",
		"vendor",
		"zone",
		"status",
		"detail",
		"as_of",
		"address",
		"address_kind",
		"rule_elements",
		"rule_covered",
		"rule_violating",
		"policy_origin",
		"policy_sha256",
		"vraudit_version",
		"config",
		"config_sha256",
		"audit_seq",
		"audit_hash",
		"generated",
		"data_newest",
		"data_age_days",
		"waiver",
		"waiver_reason",
		"waiver_approver",
		"waiver_expires",
		"waiver_days_left",
		"retired_at",
		"row",
	};

	for (size_t i = 0; i < ARRAY_SIZE(header); i++)
		field_str(out, header[i], i == 0);
	if (r->sites != NULL)
		rout_puts(out, ",site,site_element_id");
	rout_putc(out, '\n');
	for (size_t p = 0; p < r->set->n_packs; p++) {
		const struct policy_pack *pk = r->set->packs[p];

		for (size_t ru = 0; ru < pk->n_rules; ru++)
			csv_rule(out, r, pk, pk->rules[ru].name);
	}
	csv_lifecycle(out, r);
	csv_sites(out, r);
}
