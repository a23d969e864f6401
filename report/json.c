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
json_str(FILE *out, const char *s)
{
	if (s == NULL) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	report_puts(out, s, TEXT_JSON);
	fputc('"', out);
}

static void
json_value(FILE *out, const struct value *v)
{
	if (v->s == NULL)
		fputs("null", out);
	else if (v->type == STORE_CELL_INTEGER || v->type == STORE_CELL_REAL)
		report_put_value(out, v, TEXT_JSON);
	else {
		fputc('"', out);
		report_put_value(out, v, TEXT_JSON);
		fputc('"', out);
	}
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
		json_value(out,
		    cols != NULL ? report_cell(t, i, name)
				 : &t->v[i * t->ncol + c]);
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

/* Where the element of violations row i is, and its name: "address"
 * and "address_kind" ("mgmt" for mgmt_ip; "ipv4", "ipv6" or "mac" for
 * another address; null when none is known), "sys_name"; each with a
 * comma after it. */
static void
json_address(FILE *out, const struct report *r, size_t i)
{
	const char *kind;
	const struct value *a = report_address(r, i, &kind);

	fputs("\"sys_name\": ", out);
	json_value(out,
	    report_sys_name(r, report_num(&r->violations, i, "element_id")));
	fputs(", \"address\": ", out);
	json_value(out, a);
	fputs(", \"address_kind\": ", out);
	json_str(out, *kind != '\0' ? kind : NULL);
	fputs(", ", out);
}

/* In a national report, the site of element id and its own number
 * there, each with a comma after it; nothing in a site's report. */
static void
json_site(FILE *out, const struct report *r, long long id)
{
	long long site_id;
	const char *site = report_element_site(r, id, &site_id);

	if (site == NULL)
		return;
	fputs("\"site\": ", out);
	json_str(out, site);
	fprintf(out, ", \"site_element_id\": %lld, ", site_id);
}

/* A national report: each site, its chain's head held centrally, and its
 * rules evaluated on it alone. */
static void
json_sites(FILE *out, const struct report *r)
{
	const struct report_sites *s = r->sites;

	fputs(",\n\"sites\": [", out);
	for (size_t i = 0; i < s->n; i++) {
		const struct report_site *site = &s->sites[i];

		fputs(i > 0 ? ",\n {\"site\": " : "\n {\"site\": ", out);
		json_str(out, site->name);
		fprintf(out,
		    ", \"elements\": %lld, \"audit_head\": {\"seq\": %lld, "
		    "\"hash\": ",
		    (long long)site->elements, (long long)site->head_seq);
		json_str(out, site->head_hash);
		fputs("}, \"rules\": [", out);
		for (size_t k = 0; k < site->n_rules; k++) {
			fputs(k > 0 ? ", {\"policy\": " : "{\"policy\": ", out);
			json_str(out, site->rules[k].policy);
			fputs(", \"rule\": ", out);
			json_str(out, site->rules[k].rule);
			fputs(", \"status\": ", out);
			json_str(out, site->rules[k].status);
			fputs(", \"verdict\": ", out);
			json_str(out, site->rules[k].verdict);
			fputc('}', out);
		}
		fputs("]}", out);
	}
	fputc(']', out);
}

/* Each violating element once, with the rules it breaks. */
static void
json_violating_elements(FILE *out, const struct report *r)
{
	const struct table *v = &r->violations;
	size_t n;
	const struct element_evidence *el = report_violating_elements(r, &n);

	fputc('[', out);
	for (size_t k = 0; k < n; k++) {
		size_t first = el[k].rows[0];

		fprintf(out, "%s{\"element_id\": %lld, ", k > 0 ? ",\n  " : "",
		    (long long)el[k].id);
		json_site(out, r, el[k].id);
		json_address(out, r, first);
		fputs("\"vendor\": ", out);
		json_value(out, report_cell(v, first, "vendor"));
		fputs(", \"zone\": ", out);
		json_value(out, report_cell(v, first, "zone"));
		fputs(", \"rules\": [", out);
		for (size_t j = 0; j < el[k].n_rows; j++) {
			static const char *const cols[] = { "policy", "rule",
				"status", "detail" };

			if (j > 0)
				fputs(", ", out);
			json_row(out, v, el[k].rows[j], cols, ARRAY_SIZE(cols));
		}
		fputs("]}", out);
	}
	fputc(']', out);
}

/* The elements breaking rule, each with its evidence. */
static void
json_elements(FILE *out, const struct report *r, const char *policy,
    const char *rule)
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

	fputc('[', out);
	for (size_t k = range->first; k < range->end; k++) {
		const struct table *ev;

		fputs(first ? "\n   {" : ",\n   {", out);
		first = false;
		for (size_t c = 0; c < ARRAY_SIZE(vcols); c++) {
			json_str(out, vcols[c]);
			fputs(": ", out);
			json_value(out, report_cell(v, k, vcols[c]));
			fputs(", ", out);
		}
		json_site(out, r, report_num(v, k, "element_id"));
		json_address(out, r, k);
		fputs("\"evidence\": ", out);
		ev = report_evidence_of(r, report_num(v, k, "element_id"));
		if (ev != NULL)
			json_table(out, ev);
		else
			fputs("[]", out);
		fputc('}', out);
	}
	fputc(']', out);
}

static void
json_rule(FILE *out, const struct report *r, const char *policy,
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
		fputs(": ", out);
		json_value(out, report_cell(&r->rules, (size_t)i, rcols[c]));
		fputs(", ", out);
	}
	fprintf(out,
	    "\"scope\": {\"elements\": %lld, \"covered\": %lld, "
	    "\"violating\": %lld}, ",
	    report_num(&r->rules, (size_t)i, "elements"),
	    report_num(&r->rules, (size_t)i, "covered"),
	    report_violating(r, policy, rule));
	fputs("\"zone_shares\": [", out);
	for (size_t k = 0; k < r->shares.nrows; k++) {
		if (!report_rule_match(&r->shares, k, policy, rule))
			continue;
		if (!first)
			fputs(", ", out);
		first = false;
		json_row(out, &r->shares, k, NULL, 0);
	}
	fputs("], \"elements\": ", out);
	json_elements(out, r, policy, rule);
	fputc('}', out);
}

static void
json_policy(FILE *out, const struct report *r, const struct policy_pack *pk)
{
	fputs("\"name\": ", out);
	json_str(out, pk->name);
	fputs(", \"title\": ", out);
	json_str(out, pk->title);
	fputs(", \"source\": ", out);
	json_str(out, pk->source);
	fputs(", \"origin\": ", out);
	json_str(out, pk->origin);
	fputs(", \"sha256\": ", out);
	json_str(out, pk->digest);
	fputs(", \"vendors\": [", out);
	for (size_t v = 0; v < pk->n_vendors; v++) {
		if (v > 0)
			fputs(", ", out);
		json_str(out, pk->vendors[v]);
	}
	fputs("], \"rules\": [", out);
	for (size_t ru = 0, n = 0; ru < pk->n_rules; ru++) {
		long i = report_rule_row(r, pk->name, pk->rules[ru].name);

		if (i < 0)
			continue;
		fputs(n++ > 0 ? ",\n  {" : "\n  {", out);
		json_rule(out, r, pk->name, pk->rules[ru].name, i);
	}
	fputs("]}", out);
}

void
report_write_json(const struct report *r, FILE *out)
{
	int violated, pending, met, unjudged;

	report_tally(r, &violated, &pending, &met, &unjudged);
	fputs(r->sites != NULL
		? "{\"report\": \"vraudit national compliance\", "
		  "\"database\": "
		: "{\"report\": \"vraudit compliance\", \"database\": ",
	    out);
	json_str(out, r->db_path);
	if (r->sites != NULL) /* one per site, under "sites" */
		fputs(", \"audit_head\": null", out);
	else {
		fprintf(out, ", \"audit_head\": {\"seq\": %lld, \"hash\": ",
		    (long long)r->audit_seq);
		json_str(out, r->audit_hash);
		fputc('}', out);
	}
	fputs(", \"generated\": ", out);
	json_str(out, r->generated);
	fputs(", \"vraudit_version\": ", out);
	json_str(out, r->version);
	fputs(", \"config\": {\"path\": ", out);
	json_str(out, r->config_path);
	fputs(", \"sha256\": ", out);
	json_str(out, r->config_digest);
	fputs("}, \"data_age\": {\"newest\": ", out);
	json_str(out, *r->newest ? r->newest : NULL);
	if (*r->newest)
		fprintf(out, ", \"days\": %lld}", r->age_days);
	else
		fputs(", \"days\": null}", out);
	fputs(", \"as_of\": ", out);
	json_str(out, r->as_of);
	fputs(", \"result\": ", out);
	json_str(out, report_result(r));
	fprintf(out,
	    ", \"compliant\": %s, \"rules_violated\": %d, "
	    "\"rules_pending\": %d, \"rules_met\": %d, "
	    "\"rules_not_judged\": %d,\n",
	    violated > 0 || unjudged > 0 ? "false" : "true", violated, pending,
	    met, unjudged);
	fputs("\"notes\": [", out);
	json_str(out, report_counting_note);
	fputs(", ", out);
	json_str(out, report_cover_note);
	fputs(", ", out);
	json_str(out, report_baseline_note);
	fputs(", ", out);
	json_str(out, report_coverage_note);
	fputs(", ", out);
	json_str(out, report_lifecycle_note);
	fputs("],\n\"baseline\": ", out);
	if (r->baseline.nrows > 0)
		json_row(out, &r->baseline, 0, NULL, 0);
	else
		fputs("null", out);
	fputs(",\n\"coverage\": ", out);
	json_table(out, &r->coverage);
	fputs(",\n\"policies\": [", out);
	for (size_t p = 0; p < r->set->n_packs; p++) {
		fputs(p > 0 ? ",\n {" : "\n {", out);
		json_policy(out, r, r->set->packs[p]);
	}
	fputs("],\n\"zone_shares\": ", out);
	json_table(out, &r->shares);
	fputs(",\n\"violations\": ", out);
	json_table(out, &r->violations);
	fputs(",\n\"violating_elements\": ", out);
	json_violating_elements(out, r);
	fputs(",\n\"new_elements\": ", out);
	json_table(out, &r->fresh);
	fputs(",\n\"retired\": ", out);
	json_table(out, &r->retired);
	fputs(",\n\"waivers\": {\"file\": ", out);
	if (r->waiver_file.nrows > 0)
		json_row(out, &r->waiver_file, 0, NULL, 0);
	else
		fputs("null", out);
	fputs(", \"warning\": ", out);
	json_str(out, r->waiver_warning);
	fputs(", \"waivers\": ", out);
	json_table(out, &r->waivers);
	fputs("},\n\"counts\": ", out);
	json_table(out, &r->counts);
	if (r->sites != NULL)
		json_sites(out, r);
	fputs("}\n", out);
}
