/*
 * The policy side of the store: syncing the packs in force into the
 * policy tables, evaluating them, and the inventory figures the report
 * shows next to the verdicts.
 *
 * Evaluation has one definition: the database's own views (schema/,
 * the latest migration that defines each). The views evaluate today and
 * the synced packs; to evaluate another date or other packs, the
 * definitions are read from sqlite_schema and run as one
 * WITH query whose first CTEs shadow policy_clock and the policy tables
 * with bound values. A CTE shadows a table of the same name for the rest
 * of the query, including the inlined view bodies, but not inside views
 * the query names directly: hence every view of the chain is inlined.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>

#include "common/text.h"
#include "policy/policy.h"
#include "store/store.h"
#include "store/store_private.h"
#include "common/util.h"

/* The views of the evaluation, each using only the ones before it. */
static const char *const eval_chain[] = {
	"policy_baseline",
	"policy_element",
	"policy_cover",
	"policy_waived",
	"policy_tally",
	"policy_share",
	"coverage",
	"new_elements",
	"rule_status",
	"violations",
	"zone_share",
};

/* A view of the chain that no later one reads and a report reads once:
 * its rows are made as they are read, not kept in a table first (over
 * 100,000 elements, its rows are the largest table of the chain). */
static bool
chain_streamed(const char *name)
{
	return strcmp(name, "violations") == 0;
}

/* Bits of eval_chain, by index. */
#define CHAIN(i) (1u << (i))
#define CHAIN_UPTO(i) ((1u << ((i) + 1)) - 1)

/* Each evaluation, and the views of the chain it reads: a query holds
 * only those, since preparing the whole chain is most of its cost. */
static const struct {
	const char *view;
	const char *order;
	unsigned chain;
} eval_views[] = {
	[STORE_RULE_STATUS] = { "rule_status", "policy, rule", CHAIN_UPTO(8) },
	[STORE_VIOLATIONS] = { "violations", "policy, rule, element_id",
	    CHAIN_UPTO(9) },
	[STORE_ZONE_SHARE] = { "zone_share", "policy, rule, zone",
	    CHAIN_UPTO(6) | CHAIN(10) },
	[STORE_COVERAGE] = { "coverage", "zone",
	    CHAIN(0) | CHAIN(1) | CHAIN(6) },
	[STORE_NEW_ELEMENTS] = { "new_elements",
	    "policy, rule, first_seen, element_id", CHAIN_UPTO(4) | CHAIN(7) },
	[STORE_BASELINE] = { "policy_baseline", "source", CHAIN(0) },
};

/* A value to bind, in order. */
struct param {
	enum { P_NULL, P_TEXT, P_INT, P_REAL } type;
	const char *text; /* borrowed */
	int64_t i;
	double d;
};

struct params {
	struct param *v;
	size_t n;
	char **owned; /* strings the parameters point to */
	size_t n_owned;
};

static void
params_finish(struct params *p)
{
	for (size_t i = 0; i < p->n_owned; i++)
		free(p->owned[i]);
	free(p->owned);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

static void
param_add(struct params *p, struct param v)
{
	p->v = xreallocarray(p->v, p->n + 1, sizeof(*p->v));
	p->v[p->n++] = v;
}

static void
param_text(struct params *p, const char *s)
{
	param_add(p,
	    (struct param){ .type = (s == NULL || *s == '\0') ? P_NULL : P_TEXT,
		.text = s });
}

/* A parameter owning its text. */
static void
param_own(struct params *p, char *s)
{
	p->owned = xreallocarray(p->owned, p->n_owned + 1, sizeof(*p->owned));
	p->owned[p->n_owned++] = s;
	param_text(p, s);
}

static void
bind_params(sqlite3_stmt *stmt, const struct params *p)
{
	for (size_t i = 0; i < p->n; i++) {
		int k = (int)i + 1;

		switch (p->v[i].type) {
		case P_NULL:
			sqlite3_bind_null(stmt, k);
			break;
		case P_TEXT:
			sqlite3_bind_text(stmt, k, p->v[i].text, -1,
			    SQLITE_STATIC);
			break;
		case P_INT:
			sqlite3_bind_int64(stmt, k, p->v[i].i);
			break;
		case P_REAL:
			sqlite3_bind_double(stmt, k, p->v[i].d);
			break;
		}
	}
}

/* "(?,?,?)" rows for a VALUES list, or an empty SELECT of ncol columns. */
static void
sql_rows(struct strbuf *q, size_t rows, size_t ncol)
{
	if (rows == 0) {
		strbuf_adds(q, "SELECT NULL");
		for (size_t c = 1; c < ncol; c++)
			strbuf_adds(q, ", NULL");
		strbuf_adds(q, " WHERE 0");
		return;
	}
	strbuf_adds(q, "VALUES ");
	for (size_t r = 0; r < rows; r++) {
		strbuf_adds(q, r == 0 ? "(?" : ", (?");
		for (size_t c = 1; c < ncol; c++)
			strbuf_adds(q, ", ?");
		strbuf_adds(q, ")");
	}
}

/* Skip white space and one word (case-insensitive); NULL when absent. */
static const char *
skip_word(const char *s, const char *word)
{
	size_t n = strlen(word);

	while (isspace((unsigned char)*s))
		s++;
	if (strncasecmp(s, word, n) != 0 ||
	    (s[n] != '\0' && !isspace((unsigned char)s[n])))
		return NULL;
	return s + n;
}

/* The SELECT of view name as stored in the file, as a new string. */
static char *
view_body(struct store *st, const char *name)
{
	sqlite3_stmt *stmt = store_prepare(st,
	    "SELECT sql FROM sqlite_schema "
	    "WHERE type = 'view' AND name = ?1");
	const char *sql, *p = NULL;
	char *out = NULL;

	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	if (store_step(st, stmt) == 1 &&
	    (sql = (const char *)sqlite3_column_text(stmt, 0)) != NULL &&
	    (p = skip_word(sql, "CREATE")) != NULL &&
	    (p = skip_word(p, "VIEW")) != NULL &&
	    (p = skip_word(p, name)) != NULL &&
	    (p = skip_word(p, "AS")) != NULL)
		out = xstrdup(p);
	else
		store_set_error(st,
		    "view %s is missing or not in the "
		    "expected form",
		    name);
	sqlite3_finalize(stmt);
	return out;
}

/* The CTEs replacing the policy tables by set's packs. */
static void
shadow_packs(struct strbuf *q, struct params *p, const struct policy_set *set)
{
	size_t n_vendors = 0, n_rules = 0, n_zones = 0;

	for (size_t i = 0; i < set->n_packs; i++) {
		const struct policy_pack *pk = set->packs[i];

		n_vendors += pk->n_vendors;
		n_rules += pk->n_rules;
		for (size_t r = 0; r < pk->n_rules; r++)
			n_zones += pk->rules[r].n_zones;
	}
	strbuf_adds(q,
	    "policy_pack (name, title, source, origin, synced_at) "
	    "AS (");
	sql_rows(q, set->n_packs, 5);
	for (size_t i = 0; i < set->n_packs; i++) {
		param_text(p, set->packs[i]->name);
		param_text(p, set->packs[i]->title);
		param_text(p, set->packs[i]->source);
		param_text(p, set->packs[i]->origin);
		param_text(p, NULL);
	}
	strbuf_adds(q, "), policy_vendor (pack, vendor) AS (");
	sql_rows(q, n_vendors, 2);
	for (size_t i = 0; i < set->n_packs; i++)
		for (size_t v = 0; v < set->packs[i]->n_vendors; v++) {
			param_text(p, set->packs[i]->name);
			param_text(p, set->packs[i]->vendors[v]);
		}
	strbuf_adds(q,
	    "), policy_rule (pack, name, title, zones, all_zones, "
	    "max_share, deadline, first_seen_after) AS (");
	sql_rows(q, n_rules, 8);
	for (size_t i = 0; i < set->n_packs; i++)
		for (size_t r = 0; r < set->packs[i]->n_rules; r++) {
			const struct policy_rule *ru = &set->packs[i]->rules[r];

			param_text(p, set->packs[i]->name);
			param_text(p, ru->name);
			param_text(p, ru->title);
			param_own(p, policy_rule_zones(ru));
			param_add(p,
			    (struct param){ .type = P_INT,
				.i = ru->all_zones });
			if (ru->max_share < 0)
				param_text(p, NULL);
			else
				param_add(p,
				    (struct param){ .type = P_REAL,
					.d = ru->max_share });
			param_text(p, ru->deadline);
			param_text(p, ru->first_seen_after);
		}
	strbuf_adds(q, "), policy_rule_zone (pack, rule, zone) AS (");
	sql_rows(q, n_zones, 3);
	for (size_t i = 0; i < set->n_packs; i++)
		for (size_t r = 0; r < set->packs[i]->n_rules; r++)
			for (size_t z = 0; z < set->packs[i]->rules[r].n_zones;
			     z++) {
				param_text(p, set->packs[i]->name);
				param_text(p, set->packs[i]->rules[r].name);
				param_text(p, set->packs[i]->rules[r].zones[z]);
			}
	strbuf_adds(q, "), ");
}

/* The CTEs that shadow policy_clock (as_of not NULL), the policy tables
 * and policy_setting (set not NULL) with bound values, each followed by
 * ", ", after "WITH " in q; their values in p. -1 when as_of is not a
 * date. */
static int
shadow_prefix(struct store *st, struct strbuf *q, struct params *p,
    const struct policy_set *set, const char *as_of)
{
	if (as_of != NULL && !policy_date_valid(as_of)) {
		store_set_error(st, "evaluation date \"%s\" is not YYYY-MM-DD",
		    as_of);
		return -1;
	}
	strbuf_adds(q, "WITH ");
	if (as_of != NULL) {
		char now[TIME_STRLEN];

		policy_evaluation_time(as_of, time_now(), now);
		strbuf_adds(q, "policy_clock (today, now) AS (SELECT ?, ?), ");
		param_text(p, as_of);
		param_own(p, xstrdup(now));
	}
	if (set != NULL) {
		shadow_packs(q, p, set);
		strbuf_adds(q,
		    "policy_setting (id, max_age, baseline) AS "
		    "(SELECT 1, ?, ?), ");
		param_add(p,
		    (struct param){ .type = P_INT,
			.i = policy_set_max_age(set) });
		param_text(p, set->baseline);
	}
	return 0;
}

int
store_policy_eval(struct store *st, const struct policy_set *set,
    const char *as_of, enum store_policy_view view, store_row_fn fn, void *arg)
{
	struct strbuf q = STRBUF_INIT;
	struct params p = { 0 };
	sqlite3_stmt *stmt;
	int rc = -1;

	if ((unsigned)view >= ARRAY_SIZE(eval_views)) {
		store_set_error(st, "no such evaluation");
		return -1;
	}
	if (shadow_prefix(st, &q, &p, set, as_of) == -1)
		goto out;
	for (size_t i = 0, n = 0; i < ARRAY_SIZE(eval_chain); i++) {
		char *body;

		if (!(eval_views[view].chain & CHAIN(i)))
			continue;
		if ((body = view_body(st, eval_chain[i])) == NULL)
			goto out;
		strbuf_adds(&q, n++ == 0 ? "" : ", ");
		strbuf_adds(&q, eval_chain[i]);
		strbuf_adds(&q, " AS (");
		strbuf_adds(&q, body);
		strbuf_adds(&q, "\n)"); /* the body may end in a comment */
		free(body);
	}
	strbuf_printf(&q, " SELECT * FROM %s ORDER BY %s",
	    eval_views[view].view, eval_views[view].order);
	if ((stmt = store_prepare(st, q.s)) == NULL)
		goto out;
	bind_params(stmt, &p);
	rc = store_each_row(st, stmt, false, fn, arg);
out:
	strbuf_finish(&q);
	params_finish(&p);
	return rc;
}

/* The names store_policy_begin shadows or keeps, in the temp schema:
 * the clock for an evaluation date, the others for a set of packs (as
 * shadow_prefix defines them). */
static const struct {
	const char *name;
	bool by_date;
} kept_shadows[] = {
	{ "policy_clock", true },
	{ "policy_pack", false },
	{ "policy_vendor", false },
	{ "policy_rule", false },
	{ "policy_rule_zone", false },
	{ "policy_setting", false },
};

void
store_policy_end(struct store *st)
{
	char sql[64];

	for (size_t i = ARRAY_SIZE(eval_chain); i-- > 0;) {
		snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS temp.%s",
		    eval_chain[i]);
		sqlite3_exec(st->db, sql, NULL, NULL, NULL);
	}
	for (size_t i = ARRAY_SIZE(kept_shadows); i-- > 0;) {
		snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS temp.%s",
		    kept_shadows[i].name);
		sqlite3_exec(st->db, sql, NULL, NULL, NULL);
	}
}

/*
 * Each view of the chain becomes a temporary table of the same name,
 * made from its body once: SQLite looks an unqualified name up in the
 * temp schema first, so the bodies that follow read the tables made
 * before them, and the shadowed clock and policy tables, instead of
 * evaluating the chain again for each view.
 */
static int
policy_begin(struct store *st, const struct policy_set *set, const char *as_of,
    const char *last)
{
	struct strbuf pre = STRBUF_INIT, q = STRBUF_INIT;
	struct params p = { 0 };
	int rc = -1;

	store_policy_end(st);
	if (shadow_prefix(st, &pre, &p, set, as_of) == -1)
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(kept_shadows); i++) {
		const char *name = kept_shadows[i].name;
		sqlite3_stmt *stmt;

		/* only those the prefix defines */
		if (kept_shadows[i].by_date ? as_of == NULL : set == NULL)
			continue;
		strbuf_reset(&q);
		strbuf_printf(&q,
		    "CREATE TEMP TABLE %s AS %.*s SELECT * FROM %s", name,
		    (int)(pre.len - 2), pre.s, name);
		if ((stmt = store_prepare(st, q.s)) == NULL)
			goto out;
		bind_params(stmt, &p);
		if (store_step(st, stmt) == -1) {
			sqlite3_finalize(stmt);
			goto out;
		}
		sqlite3_finalize(stmt);
	}
	for (size_t i = 0; i < ARRAY_SIZE(eval_chain); i++) {
		char *body;

		if (chain_streamed(eval_chain[i]))
			continue;
		if ((body = view_body(st, eval_chain[i])) == NULL)
			goto out;
		strbuf_reset(&q);
		strbuf_printf(&q, "CREATE TEMP TABLE %s AS %s\n", eval_chain[i],
		    body);
		free(body);
		if (sqlite3_exec(st->db, q.s, NULL, NULL, NULL) != SQLITE_OK) {
			store_set_db_error(st, "evaluation");
			goto out;
		}
		if (last != NULL && strcmp(eval_chain[i], last) == 0)
			break;
	}
	rc = 0;
out:
	if (rc == -1)
		store_policy_end(st);
	strbuf_finish(&pre);
	strbuf_finish(&q);
	params_finish(&p);
	return rc;
}

int
store_policy_begin(struct store *st, const struct policy_set *set,
    const char *as_of)
{
	return policy_begin(st, set, as_of, NULL);
}

int
store_policy_begin_cover(struct store *st, const struct policy_set *set,
    const char *as_of)
{
	return policy_begin(st, set, as_of, "policy_cover");
}

/* Rows of an evaluated view, in its order or (ordered false) in none. */
static int
read_kept(struct store *st, enum store_policy_view view, bool ordered,
    store_row_fn fn, void *arg)
{
	const char *order = ordered ? eval_views[view].order : NULL;
	sqlite3_stmt *stmt;
	char *sql, *body;

	if ((unsigned)view >= ARRAY_SIZE(eval_views)) {
		store_set_error(st, "no such evaluation");
		return -1;
	}
	if (chain_streamed(eval_views[view].view)) {
		/* its body reads the kept tables before it */
		if ((body = view_body(st, eval_views[view].view)) == NULL)
			return -1;
		sql = xprintf("SELECT * FROM (%s)%s%s", body,
		    order ? " ORDER BY " : "", order ? order : "");
		free(body);
	} else
		sql =
		    xprintf("SELECT * FROM temp.%s%s%s", eval_views[view].view,
			order ? " ORDER BY " : "", order ? order : "");
	stmt = store_prepare(st, sql);
	free(sql);
	if (stmt == NULL)
		return -1;
	return store_each_row(st, stmt, false, fn, arg);
}

int
store_policy_read(struct store *st, enum store_policy_view view,
    store_row_fn fn, void *arg)
{
	return read_kept(st, view, true, fn, arg);
}

int
store_policy_read_unordered(struct store *st, enum store_policy_view view,
    store_row_fn fn, void *arg)
{
	return read_kept(st, view, false, fn, arg);
}

/* Run sql with the parameters; 0 or -1. */
static int
run(struct store *st, const char *sql, const struct params *p)
{
	sqlite3_stmt *stmt = store_prepare(st, sql);

	int rc;

	if (stmt == NULL)
		return -1;
	bind_params(stmt, p);
	while ((rc = store_step(st, stmt)) == 1)
		;
	sqlite3_finalize(stmt);
	return rc;
}

int
store_sync_policies(struct store *st, const struct policy_set *set)
{
	static const char *const wipe[] = {
		"DELETE FROM policy_rule_zone",
		"DELETE FROM policy_rule",
		"DELETE FROM policy_vendor",
		"DELETE FROM policy_pack",
	};
	char now[TIME_STRLEN];
	struct params none = { 0 };

	if (store_writable(st) == -1 || store_flush(st) == -1)
		return -1;
	time_format(time_now(), now);
	if (store_run(st, S_BEGIN) == -1)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(wipe); i++)
		if (run(st, wipe[i], &none) == -1)
			goto fail;
	for (size_t i = 0; i < set->n_packs; i++) {
		const struct policy_pack *pk = set->packs[i];
		struct params p = { 0 };
		int rc;

		param_text(&p, pk->name);
		param_text(&p, pk->title);
		param_add(&p,
		    (struct param){ .type = P_TEXT, .text = pk->source });
		param_text(&p, pk->origin);
		param_text(&p, now);
		rc = run(st,
		    "INSERT INTO policy_pack (name, title, source, "
		    "origin, synced_at) VALUES (?1, ?2, ?3, ?4, ?5)",
		    &p);
		free(p.v);
		if (rc == -1)
			goto fail;
		for (size_t v = 0; v < pk->n_vendors; v++) {
			p = (struct params){ 0 };
			param_text(&p, pk->name);
			param_text(&p, pk->vendors[v]);
			rc = run(st,
			    "INSERT INTO policy_vendor (pack, vendor) "
			    "VALUES (?1, ?2)",
			    &p);
			free(p.v);
			if (rc == -1)
				goto fail;
		}
		for (size_t r = 0; r < pk->n_rules; r++) {
			const struct policy_rule *ru = &pk->rules[r];
			char *zones = policy_rule_zones(ru);

			p = (struct params){ 0 };
			param_text(&p, pk->name);
			param_text(&p, ru->name);
			param_text(&p, ru->title);
			param_text(&p, zones);
			param_add(&p,
			    (struct param){ .type = P_INT,
				.i = ru->all_zones });
			if (ru->max_share < 0)
				param_text(&p, NULL);
			else
				param_add(&p,
				    (struct param){ .type = P_REAL,
					.d = ru->max_share });
			param_text(&p, ru->deadline);
			param_text(&p, ru->first_seen_after);
			rc = run(st,
			    "INSERT INTO policy_rule (pack, name, "
			    "title, zones, all_zones, max_share, deadline, "
			    "first_seen_after) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
			    "?7, ?8)",
			    &p);
			free(p.v);
			free(zones);
			if (rc == -1)
				goto fail;
			for (size_t z = 0; z < ru->n_zones; z++) {
				p = (struct params){ 0 };
				param_text(&p, pk->name);
				param_text(&p, ru->name);
				param_text(&p, ru->zones[z]);
				rc = run(st,
				    "INSERT INTO policy_rule_zone "
				    "(pack, rule, zone) VALUES (?1, ?2, ?3)",
				    &p);
				free(p.v);
				if (rc == -1)
					goto fail;
			}
		}
	}
	if (st->version >= STORE_VERSION_COVERAGE) {
		struct params p = { 0 };
		int rc;

		param_add(&p,
		    (struct param){ .type = P_INT,
			.i = policy_set_max_age(set) });
		param_text(&p, set->baseline);
		rc = run(st,
		    "UPDATE policy_setting SET max_age = ?1, baseline = ?2 "
		    "WHERE id = 1",
		    &p);
		free(p.v);
		if (rc == -1)
			goto fail;
	}
	if (store_run(st, S_COMMIT) == -1)
		goto fail;
	return 0;
fail:
	store_rollback(st);
	return -1;
}

/* lifecycle: an element retired by the evaluation date (?1) is gone. */
#define RETIRED_AFTER(col)                                                     \
	"AND (" col " IS NULL OR substr(" col ", 1, 10) > "                    \
	"coalesce(?1, strftime('%Y-%m-%d', 'now'))) "

int
store_report_rows(struct store *st, enum store_report_query which,
    const char *as_of, const char *since, store_row_fn fn, void *arg)
{
	static const char *const queries[] = {
		/* one pass for the counts by vendor and risk, the
		 * high-risk history and the newest day */
		[STORE_REPORT_LIVE] =
		    "SELECT coalesce(vendor, 'unknown') AS vendor, "
		    "coalesce(vendor_name, 'unknown') AS vendor_name, risk, "
		    "first_seen, last_seen, "
		    /* a day: the precision the audit chain commits */
		    "substr(last_seen, 1, 10) AS last_day, "
		    "(substr(first_seen, 1, 10) "
		    "<= coalesce(?1, strftime('%Y-%m-%d', 'now')) " RETIRED_AFTER(
			"retired_at") ") AS counted FROM element "
				      "WHERE merged_into IS NULL",
		[STORE_REPORT_NEW] =
		    "SELECT element_id, mgmt_ip, mac, sys_name, vendor, risk, "
		    "coalesce(nullif(zone, ''), 'unassigned') AS zone, "
		    "first_seen FROM inventory "
		    "WHERE first_seen >= ?2 AND substr(first_seen, 1, 10) "
		    "<= coalesce(?1, strftime('%Y-%m-%d', 'now')) " RETIRED_AFTER(
			"retired_at") "ORDER BY first_seen, element_id",
		[STORE_REPORT_BASELINE] =
		    ("SELECT id AS scan_id, kind, started_at, finished_at "
		     "FROM scan WHERE status = 'complete' ORDER BY id LIMIT 1"),
		[STORE_REPORT_RETIRED] =
		    "SELECT element_id, mgmt_ip, mac, sys_name, vendor, risk, "
		    "zone, last_seen, retired_at, retired_reason FROM inventory "
		    "WHERE substr(retired_at, 1, 10) "
		    "<= coalesce(?1, strftime('%Y-%m-%d', 'now')) "
		    "AND substr(first_seen, 1, 10) "
		    "<= coalesce(?1, strftime('%Y-%m-%d', 'now')) "
		    "ORDER BY retired_at, element_id",
		[STORE_REPORT_WAIVERS] =
		    "WITH d (today) AS (SELECT coalesce(?1, "
		    "strftime('%Y-%m-%d', 'now'))) "
		    "SELECT name, scope_kind, scope, pack, rule, reason, "
		    "approver, expires, CASE WHEN expires >= d.today THEN "
		    "'active' ELSE 'lapsed' END AS status, "
		    "max(0, CAST(julianday(expires) - julianday(d.today) AS "
		    "INTEGER)) AS days_left FROM waiver, d "
		    "ORDER BY status, expires, name",
		[STORE_REPORT_WAIVER_FILE] =
		    "SELECT path, digest, synced_at FROM waiver_file",
		/* store_evidence's rows for the covered elements (those
		 * that can be in a violation) in one pass, in the order of
		 * the unique index: no sort */
		[STORE_REPORT_EVIDENCE] =
		    "SELECT * FROM evidence WHERE element_id IN "
		    "(SELECT element_id FROM temp.policy_cover) "
		    "ORDER BY element_id, kind, value",
		/* store_report_element's rows for the covered elements */
		[STORE_REPORT_ADDRESSES] =
		    "SELECT e.id AS element_id, e.sys_name, a.kind, a.value "
		    "FROM element e LEFT JOIN element_address a "
		    "ON a.element_id = e.id WHERE e.merged_into IS NULL "
		    "AND e.id IN (SELECT element_id FROM temp.policy_cover) "
		    /* ipv4, ipv6, mac: the kinds in their order, and the
		     * primary key's: no sort */
		    "ORDER BY e.id, a.kind, a.value",
	};
	struct params p = { 0 };
	sqlite3_stmt *stmt;
	int rc;

	if ((unsigned)which >= ARRAY_SIZE(queries)) {
		store_set_error(st, "no such report query");
		return -1;
	}
	if ((stmt = store_prepare(st, queries[which])) == NULL)
		return -1;
	if (which != STORE_REPORT_BASELINE &&
	    which != STORE_REPORT_WAIVER_FILE &&
	    which != STORE_REPORT_EVIDENCE && which != STORE_REPORT_ADDRESSES)
		param_text(&p, as_of);
	if (which == STORE_REPORT_NEW)
		param_text(&p, since);
	bind_params(stmt, &p);
	free(p.v);
	rc = store_each_row(st, stmt, false, fn, arg);
	return rc;
}
