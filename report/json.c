/*
 * The report as one JSON object (report_private.h): policies -> rules ->
 * elements with their evidence, then the zone shares, violations, new
 * elements, retired elements, waivers and counts as flat arrays. Strings are written in common/text.h's
 * JSON style; numbers from the store as they are.
 */
#include "report/report_private.h"

#include <stdlib.h>

/* A string; NULL is null. */
static void
json_str(struct report_out *out, const char *s)
{
	if (s == NULL) {
		rout_puts(out, "null");
		return;
	}
	rout_putc(out, '"');
	rout_put_str(out, s, TEXT_JSON);
	rout_putc(out, '"');
}

static void
json_value(struct report_out *out, const struct value *v)
{
	if (v->s == NULL)
		rout_puts(out, "null");
	else if (v->type == STORE_CELL_INTEGER || v->type == STORE_CELL_REAL)
		rout_put_value(out, v, TEXT_JSON);
	else {
		rout_putc(out, '"');
		rout_put_value(out, v, TEXT_JSON);
		rout_putc(out, '"');
	}
}

/* Row i of t as an object; cols NULL: every column. */
static void
json_row(struct report_out *out, const struct table *t, size_t i,
    const char *const *cols, size_t n)
{
	rout_putc(out, '{');
	for (size_t c = 0; c < (cols != NULL ? n : t->ncol); c++) {
		const char *name = cols != NULL ? cols[c] : t->cols[c];

		if (c > 0)
			rout_puts(out, ", ");
		json_str(out, name);
		rout_puts(out, ": ");
		json_value(out,
		    cols != NULL ? report_cell(t, i, name)
				 : &t->v[i * t->ncol + c]);
	}
	rout_putc(out, '}');
}

static void
json_table(struct report_out *out, const struct table *t)
{
	rout_putc(out, '[');
	for (size_t i = 0; i < t->nrows; i++) {
		if (i > 0)
			rout_puts(out, ",\n  ");
		json_row(out, t, i, NULL, 0);
	}
	rout_putc(out, ']');
}

/* Where the element of violations row i is, and its name: "address"
 * and "address_kind" ("mgmt" for mgmt_ip; "ipv4", "ipv6" or "mac" for
 * another address; null when none is known), "sys_name"; each with a
 * comma after it. */
static void
json_address(struct report_out *out, const struct report *r, size_t i)
{
	const char *kind;
	const struct value *a = report_address(r, i, &kind);

	rout_puts(out, "\"sys_name\": ");
	json_value(out,
	    report_sys_name(r, report_num(&r->violations, i, "element_id")));
	rout_puts(out, ", \"address\": ");
	json_value(out, a);
	rout_puts(out, ", \"address_kind\": ");
	json_str(out, *kind != '\0' ? kind : NULL);
	rout_puts(out, ", ");
}

/* In a national report, the site of element id and its own number
 * there, each with a comma after it; nothing in a site's report. */
static void
json_site(struct report_out *out, const struct report *r, long long id)
{
	long long site_id;
	const char *site = report_element_site(r, id, &site_id);

	if (site == NULL)
		return;
	rout_puts(out, "\"site\": ");
	json_str(out, site);
	rout_printf(out, ", \"site_element_id\": %lld, ", site_id);
}

/* A national report: each site, its chain's head held centrally, and its
 * rules evaluated on it alone. */
static void
json_sites(struct report_out *out, const struct report *r)
{
	const struct report_sites *s = r->sites;

	rout_puts(out, ",\n\"sites\": [");
	for (size_t i = 0; i < s->n; i++) {
		const struct report_site *site = &s->sites[i];

		rout_puts(out, i > 0 ? ",\n {\"site\": " : "\n {\"site\": ");
		json_str(out, site->name);
		rout_printf(out,
		    ", \"elements\": %lld, \"audit_head\": {\"seq\": %lld, "
		    "\"hash\": ",
		    (long long)site->elements, (long long)site->head_seq);
		json_str(out, site->head_hash);
		rout_puts(out, "}, \"rules\": [");
		for (size_t k = 0; k < site->n_rules; k++) {
			rout_puts(out,
			    k > 0 ? ", {\"policy\": " : "{\"policy\": ");
			json_str(out, site->rules[k].policy);
			rout_puts(out, ", \"rule\": ");
			json_str(out, site->rules[k].rule);
			rout_puts(out, ", \"status\": ");
			json_str(out, site->rules[k].status);
			rout_puts(out, ", \"verdict\": ");
			json_str(out, site->rules[k].verdict);
			rout_putc(out, '}');
		}
		rout_puts(out, "]}");
	}
	rout_putc(out, ']');
}

/* Each violating element once, with the rules it breaks. */
static void
json_violating_elements(struct report_out *out, const struct report *r)
{
	const struct table *v = &r->violations;
	size_t n;
	const struct element_evidence *el = report_violating_elements(r, &n);

	rout_putc(out, '[');
	for (size_t k = 0; k < n; k++) {
		size_t first = el[k].rows[0];

		rout_printf(out, "%s{\"element_id\": %lld, ",
		    k > 0 ? ",\n  " : "", (long long)el[k].id);
		json_site(out, r, el[k].id);
		json_address(out, r, first);
		rout_puts(out, "\"vendor\": ");
		json_value(out, report_cell(v, first, "vendor"));
		rout_puts(out, ", \"zone\": ");
		json_value(out, report_cell(v, first, "zone"));
		rout_puts(out, ", \"rules\": [");
		for (size_t j = 0; j < el[k].n_rows; j++) {
			static const char *const cols[] = { "policy", "rule",
				"status", "detail" };

			if (j > 0)
				rout_puts(out, ", ");
			json_row(out, v, el[k].rows[j], cols, ARRAY_SIZE(cols));
		}
		rout_puts(out, "]}");
	}
	rout_putc(out, ']');
}

/* The elements breaking rule, each with its evidence. */
static void
json_elements(struct report_out *out, const struct report *r,
    const char *policy, const char *rule)
{
	static const char *const vcols[] = {
		"element_id",
		"mgmt_ip",
		"vendor",
		"zone",
		"status",
		"deadline",
		"detail",
		"waiver",
	};
	const struct table *v = &r->violations;
	long i = report_rule_row(r, policy, rule);
	const struct rule_range *range = report_rule_range(r, (size_t)i);
	bool first = true;

	rout_putc(out, '[');
	for (size_t k = range->first; k < range->end; k++) {
		const struct table *ev;

		rout_puts(out, first ? "\n   {" : ",\n   {");
		first = false;
		for (size_t c = 0; c < ARRAY_SIZE(vcols); c++) {
			json_str(out, vcols[c]);
			rout_puts(out, ": ");
			json_value(out, report_cell(v, k, vcols[c]));
			rout_puts(out, ", ");
		}
		json_site(out, r, report_num(v, k, "element_id"));
		json_address(out, r, k);
		rout_puts(out, "\"evidence\": ");
		ev = report_evidence_of(r, report_num(v, k, "element_id"));
		if (ev != NULL)
			json_table(out, ev);
		else
			rout_puts(out, "[]");
		rout_putc(out, '}');
	}
	rout_putc(out, ']');
}

static void
json_rule(struct report_out *out, const struct report *r, const char *policy,
    const char *rule, long i)
{
	static const char *const rcols[] = {
		"rule",
		"title",
		"zones",
		"max_share",
		"first_seen_after",
		"deadline",
		"days_left",
		"status",
		"state",
		"zones_over",
		"new_elements",
		"waived",
		"coverage",
		"reason",
	};
	bool first = true;

	for (size_t c = 0; c < ARRAY_SIZE(rcols); c++) {
		json_str(out, rcols[c]);
		rout_puts(out, ": ");
		json_value(out, report_cell(&r->rules, (size_t)i, rcols[c]));
		rout_puts(out, ", ");
	}
	rout_printf(out,
	    "\"scope\": {\"elements\": %lld, \"covered\": %lld, "
	    "\"violating\": %lld}, ",
	    report_num(&r->rules, (size_t)i, "elements"),
	    report_num(&r->rules, (size_t)i, "covered"),
	    report_violating(r, policy, rule));
	rout_puts(out, "\"zone_shares\": [");
	for (size_t k = 0; k < r->shares.nrows; k++) {
		if (!report_rule_match(&r->shares, k, policy, rule))
			continue;
		if (!first)
			rout_puts(out, ", ");
		first = false;
		json_row(out, &r->shares, k, NULL, 0);
	}
	rout_puts(out, "], \"elements\": ");
	json_elements(out, r, policy, rule);
	rout_putc(out, '}');
}

static void
json_policy(struct report_out *out, const struct report *r,
    const struct policy_pack *pk)
{
	rout_puts(out, "\"name\": ");
	json_str(out, pk->name);
	rout_puts(out, ", \"title\": ");
	json_str(out, pk->title);
	rout_puts(out, ", \"source\": ");
	json_str(out, pk->source);
	rout_puts(out, ", \"origin\": ");
	json_str(out, pk->origin);
	rout_puts(out, ", \"sha256\": ");
	json_str(out, pk->digest);
	rout_puts(out, ", \"vendors\": [");
	for (size_t v = 0; v < pk->n_vendors; v++) {
		if (v > 0)
			rout_puts(out, ", ");
		json_str(out, pk->vendors[v]);
	}
	rout_puts(out, "], \"rules\": [");
	for (size_t ru = 0, n = 0; ru < pk->n_rules; ru++) {
		long i = report_rule_row(r, pk->name, pk->rules[ru].name);

		if (i < 0)
			continue;
		rout_puts(out, n++ > 0 ? ",\n  {" : "\n  {");
		json_rule(out, r, pk->name, pk->rules[ru].name, i);
	}
	rout_puts(out, "]}");
}

void
report_write_json(const struct report *r, struct report_out *out)
{
	int violated, pending, met, unjudged;

	report_tally(r, &violated, &pending, &met, &unjudged);
	rout_puts(out,
	    r->sites != NULL
		? "{\"report\": \"vraudit national compliance\", "
		  "\"database\": "
		: "{\"report\": \"vraudit compliance\", \"database\": ");
	json_str(out, r->db_path);
	if (r->sites != NULL) /* one per site, under "sites" */
		rout_puts(out, ", \"audit_head\": null");
	else {
		rout_printf(out, ", \"audit_head\": {\"seq\": %lld, \"hash\": ",
		    (long long)r->audit_seq);
		json_str(out, r->audit_hash);
		rout_putc(out, '}');
	}
	rout_puts(out, ", \"generated\": ");
	json_str(out, r->generated);
	rout_puts(out, ", \"vraudit_version\": ");
	json_str(out, r->version);
	rout_puts(out, ", \"config\": {\"path\": ");
	json_str(out, r->config_path);
	rout_puts(out, ", \"sha256\": ");
	json_str(out, r->config_digest);
	rout_puts(out, "}, \"data_age\": {\"newest\": ");
	json_str(out, *r->newest ? r->newest : NULL);
	if (*r->newest)
		rout_printf(out, ", \"days\": %lld}", r->age_days);
	else
		rout_puts(out, ", \"days\": null}");
	rout_puts(out, ", \"as_of\": ");
	json_str(out, r->as_of);
	rout_puts(out, ", \"result\": ");
	json_str(out, report_result(r));
	rout_printf(out,
	    ", \"compliant\": %s, \"rules_violated\": %d, "
	    "\"rules_pending\": %d, \"rules_met\": %d, "
	    "\"rules_not_judged\": %d,\n",
	    violated > 0 || unjudged > 0 ? "false" : "true", violated, pending,
	    met, unjudged);
	rout_puts(out, "\"notes\": [");
	json_str(out, report_counting_note);
	rout_puts(out, ", ");
	json_str(out, report_cover_note);
	rout_puts(out, ", ");
	json_str(out, report_baseline_note);
	rout_puts(out, ", ");
	json_str(out, report_coverage_note);
	rout_puts(out, ", ");
	json_str(out, report_lifecycle_note);
	rout_puts(out, "],\n\"baseline\": ");
	if (r->baseline.nrows > 0)
		json_row(out, &r->baseline, 0, NULL, 0);
	else
		rout_puts(out, "null");
	rout_puts(out, ",\n\"coverage\": ");
	json_table(out, &r->coverage);
	rout_puts(out, ",\n\"policies\": [");
	for (size_t p = 0; p < r->set->n_packs; p++) {
		rout_puts(out, p > 0 ? ",\n {" : "\n {");
		json_policy(out, r, r->set->packs[p]);
	}
	rout_puts(out, "],\n\"zone_shares\": ");
	json_table(out, &r->shares);
	rout_puts(out, ",\n\"violations\": ");
	json_table(out, &r->violations);
	rout_puts(out, ",\n\"violating_elements\": ");
	json_violating_elements(out, r);
	rout_puts(out, ",\n\"new_elements\": ");
	json_table(out, &r->fresh);
	rout_puts(out, ",\n\"retired\": ");
	json_table(out, &r->retired);
	rout_puts(out, ",\n\"waivers\": {\"file\": ");
	if (r->waiver_file.nrows > 0)
		json_row(out, &r->waiver_file, 0, NULL, 0);
	else
		rout_puts(out, "null");
	rout_puts(out, ", \"warning\": ");
	json_str(out, r->waiver_warning);
	rout_puts(out, ", \"waivers\": ");
	json_table(out, &r->waivers);
	rout_puts(out, "},\n\"counts\": ");
	json_table(out, &r->counts);
	if (r->sites != NULL)
		json_sites(out, r);
	rout_puts(out, "}\n");
}
