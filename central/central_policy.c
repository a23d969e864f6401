/*
 * The packs the central database's national views judge by
 * (central/schema/002_national.sql): written by `vraudit central migrate`
 * from its configuration, in one transaction, replacing what was there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "central/central.h"
#include "central/central_private.h"
#include "common/text.h"
#include "common/util.h"
#include "policy/policy.h"

static int
run(struct central *c, const char *sql, int n, const char *const *v)
{
	PGresult *res = central_exec(c, sql, n, v, PGRES_COMMAND_OK);

	PQclear(res);
	return res == NULL ? -1 : 0;
}

static int
sync_rule(struct central *c, const struct policy_pack *pk,
    const struct policy_rule *ru)
{
	char share[32], *zones = policy_rule_zones(ru);
	const char *v[8] = { pk->name, ru->name, ru->title, zones,
		ru->all_zones ? "true" : "false", NULL,
		ru->deadline[0] != '\0' ? ru->deadline : NULL,
		ru->first_seen_after[0] != '\0' ? ru->first_seen_after : NULL };
	int rc;

	if (ru->max_share >= 0) {
		snprintf(share, sizeof(share), "%.17g", ru->max_share);
		v[5] = share;
	}
	rc = run(c,
	    "INSERT INTO vraudit.policy_rule (pack, name, title, zones, "
	    "all_zones, max_share, deadline, first_seen_after) VALUES ($1, $2, "
	    "$3, $4, $5, $6, $7, $8)",
	    8, v);
	free(zones);
	for (size_t z = 0; rc == 0 && z < ru->n_zones; z++) {
		const char *w[] = { pk->name, ru->name, ru->zones[z] };

		rc = run(c,
		    "INSERT INTO vraudit.policy_rule_zone (pack, rule, zone) "
		    "VALUES ($1, $2, $3)",
		    3, w);
	}
	return rc;
}

int
central_sync_policies(struct central *c, const struct policy_set *set)
{
	char age[32];
	const char *s[] = { age,
		set->baseline[0] != '\0' ? set->baseline : NULL };

	if (central_require_schema(c) < 0 || central_command(c, "BEGIN") < 0)
		return -1;
	/* rules and vendors go with their pack (ON DELETE CASCADE) */
	if (central_command(c, "DELETE FROM vraudit.policy_pack") < 0)
		goto fail;
	for (size_t i = 0; i < set->n_packs; i++) {
		const struct policy_pack *pk = set->packs[i];
		const char *v[] = { pk->name, pk->title, pk->source, pk->origin,
			pk->digest };

		if (run(c,
			"INSERT INTO vraudit.policy_pack (name, title, source, "
			"origin, digest) VALUES ($1, $2, $3, $4, $5)",
			5, v) < 0)
			goto fail;
		for (size_t k = 0; k < pk->n_vendors; k++) {
			const char *w[] = { pk->name, pk->vendors[k] };

			if (run(c,
				"INSERT INTO vraudit.policy_vendor (pack, "
				"vendor) VALUES ($1, $2)",
				2, w) < 0)
				goto fail;
		}
		for (size_t r = 0; r < pk->n_rules; r++)
			if (sync_rule(c, pk, &pk->rules[r]) < 0)
				goto fail;
	}
	snprintf(age, sizeof(age), "%lld", (long long)policy_set_max_age(set));
	if (run(c,
		"UPDATE vraudit.policy_setting SET max_age = $1, baseline = $2 "
		"WHERE id = 1",
		2, s) < 0 ||
	    central_command(c, "COMMIT") < 0)
		goto fail;
	return 0;
fail:
	PQclear(PQexec(c->pg, "ROLLBACK"));
	return -1;
}

static int
pack_cmp(const void *a, const void *b)
{
	const struct policy_pack *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

int
central_policies_match(struct central *c, const struct policy_set *set)
{
	const struct policy_pack **sorted =
	    xcalloc(set->n_packs + 1, sizeof(*sorted));
	struct strbuf want = STRBUF_INIT;
	PGresult *res;
	int match;

	/* the packs by name (byte order), each with the digest of its text,
	 * then the settings, as the query below spells those held there */
	for (size_t i = 0; i < set->n_packs; i++)
		sorted[i] = set->packs[i];
	qsort(sorted, set->n_packs, sizeof(*sorted), pack_cmp);
	for (size_t i = 0; i < set->n_packs; i++)
		strbuf_printf(&want, "%s %s\n", sorted[i]->name,
		    sorted[i]->digest);
	free(sorted);
	strbuf_printf(&want, "max-age %lld baseline %s\n",
	    (long long)policy_set_max_age(set), set->baseline);
	res = central_exec(c,
	    "SELECT coalesce((SELECT string_agg(name || ' ' || digest || "
	    "E'\\n', '' ORDER BY name COLLATE \"C\") FROM "
	    "vraudit.policy_pack), '') || (SELECT 'max-age ' || max_age || "
	    "' baseline ' || coalesce(baseline, '') || E'\\n' FROM "
	    "vraudit.policy_setting WHERE id = 1)",
	    0, NULL, PGRES_TUPLES_OK);
	match = res == NULL
	    ? -1
	    : PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), want.s) == 0;
	PQclear(res);
	strbuf_finish(&want);
	return match;
}

int
central_clock(struct central *c, const char *as_of, const char *now)
{
	const char *v[] = { as_of, now };
	PGresult *res = central_exec(c,
	    "SELECT set_config('vraudit.as_of', $1, true), "
	    "set_config('vraudit.now', $2, true)",
	    2, v, PGRES_TUPLES_OK);

	PQclear(res);
	return res == NULL ? -1 : 0;
}

int
central_site_verdicts(struct central *c,
    void (*fn)(void *arg, const struct central_verdict *v), void *arg)
{
	PGresult *res;

	if ((res = central_exec(c,
		 "SELECT r.site, r.policy, r.rule, r.status, r.days_left, "
		 "r.state, r.elements, r.covered, z.zone, z.high_risk, "
		 "z.elements, z.share, z.max_share FROM vraudit.rule_status r "
		 "LEFT JOIN vraudit.zone_share z ON z.site = r.site AND "
		 "z.policy = r.policy AND z.rule = r.rule WHERE r.site IS NOT "
		 "NULL ORDER BY r.site COLLATE \"C\", r.policy COLLATE \"C\", "
		 "r.rule COLLATE \"C\", z.zone COLLATE \"C\"",
		 0, NULL, PGRES_TUPLES_OK)) == NULL)
		return -1;
	for (int i = 0; i < PQntuples(res); i++) {
		struct central_verdict v = {
			.site = PQgetvalue(res, i, 0),
			.policy = PQgetvalue(res, i, 1),
			.rule = PQgetvalue(res, i, 2),
			.status = PQgetvalue(res, i, 3),
			.days_left = strtoll(PQgetvalue(res, i, 4), NULL, 10),
			.state = PQgetvalue(res, i, 5),
			.elements = strtoll(PQgetvalue(res, i, 6), NULL, 10),
			.covered = strtoll(PQgetvalue(res, i, 7), NULL, 10),
		};

		if (!PQgetisnull(res, i, 8)) {
			v.zone = PQgetvalue(res, i, 8);
			v.zone_high_risk =
			    strtoll(PQgetvalue(res, i, 9), NULL, 10);
			v.zone_elements =
			    strtoll(PQgetvalue(res, i, 10), NULL, 10);
			v.share = strtod(PQgetvalue(res, i, 11), NULL);
			v.max_share = strtod(PQgetvalue(res, i, 12), NULL);
		}
		fn(arg, &v);
	}
	PQclear(res);
	return 0;
}
