/*
 * The report as CSV (report_private.h): one row per (policy, rule,
 * element) under a header; a rule without elements has one row without
 * them. Every field is written in common/text.h's CSV style: quoted when
 * it must be, control characters as \xNN, and inert in a spreadsheet (a
 * value starting with =, +, -, @, a tab or a CR gets a leading quote).
 */
#include "report/report_private.h"

/* One field; NULL is an empty field. */
static void
field(FILE *out, const struct value *v, bool first)
{
	if (!first)
		fputc(',', out);
	if (v != NULL)
		report_put_value(out, v, TEXT_CSV);
}

static void
field_str(FILE *out, const char *s, bool first)
{
	if (!first)
		fputc(',', out);
	report_puts(out, s, TEXT_CSV);
}

/* The rows of one rule: one per element breaking it, or one without. */
static void
csv_rule(FILE *out, const struct report *r, const char *policy,
    const char *rule)
{
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
	bool any = false;

	if (i < 0)
		return;
	for (size_t k = 0; k <= v->nrows; k++) {
		bool last = k == v->nrows;

		if (last ? any : !report_rule_match(v, k, policy, rule))
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
			field(out, last ? NULL : report_cell(v, k, ecols[c]),
			    false);
		field_str(out, r->as_of, false);
		fputc('\n', out);
		any = true;
	}
}

void
report_write_csv(const struct report *r, FILE *out)
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
	};

	for (size_t i = 0; i < ARRAY_SIZE(header); i++)
		field_str(out, header[i], i == 0);
	fputc('\n', out);
	for (size_t p = 0; p < r->set->n_packs; p++) {
		const struct policy_pack *pk = r->set->packs[p];

		for (size_t ru = 0; ru < pk->n_rules; ru++)
			csv_rule(out, r, pk->name, pk->rules[ru].name);
	}
}
