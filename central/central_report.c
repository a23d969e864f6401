/*
 * The central database's state, gathered into a SQLite file of the site
 * schema for the national report: every site's elements (or one site's),
 * numbered afresh in the order (site, element), with their addresses,
 * evidence, sources and the scans that observed them, so that the packs
 * are evaluated over the operator's whole network by the same views as a
 * site's. Read in one snapshot (central_snapshot_begin).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "central/central.h"
#include "central/central_private.h"
#include "common/text.h"
#include "common/util.h"
#include "policy/policy.h"
#include "store/store.h"

int
central_snapshot_begin(struct central *c)
{
	if (central_require_schema(c) < 0)
		return -1;
	/* Not READ ONLY: the numbering is kept in temporary tables. No JIT:
	 * the views' plans are estimated far above their cost, and
	 * compiling them would take longer than running them (schema
	 * version 4). */
	return central_command(c,
	    "BEGIN ISOLATION LEVEL REPEATABLE READ; SET LOCAL jit = off");
}

int
central_snapshot_name(struct central *c, char name[CENTRAL_SNAPSHOT_LEN])
{
	PGresult *res = central_exec(c, "SELECT pg_export_snapshot()", 0, NULL,
	    PGRES_TUPLES_OK);

	if (res == NULL)
		return -1;
	if (PQntuples(res) != 1 ||
	    strlen(PQgetvalue(res, 0, 0)) >= CENTRAL_SNAPSHOT_LEN) {
		central_set_error(c, "exporting the snapshot: no name");
		PQclear(res);
		return -1;
	}
	str_copy(name, PQgetvalue(res, 0, 0), CENTRAL_SNAPSHOT_LEN);
	PQclear(res);
	return 0;
}

int
central_snapshot_join(struct central *c, const char *name)
{
	char *lit, *set;
	int rc;

	/* the command takes no parameter: the name as a literal */
	if ((lit = PQescapeLiteral(c->pg, name, strlen(name))) == NULL) {
		central_set_error(c, "the snapshot's name: %s",
		    PQerrorMessage(c->pg));
		return -1;
	}
	/* before the transaction's first query */
	set = xprintf("BEGIN ISOLATION LEVEL REPEATABLE READ; SET TRANSACTION "
		      "SNAPSHOT %s; SET LOCAL jit = off",
	    lit);
	PQfreemem(lit);
	rc = central_command(c, set);
	free(set);
	if (rc < 0)
		PQclear(PQexec(c->pg, "ROLLBACK"));
	return rc < 0 ? -1 : 0;
}

void
central_snapshot_end(struct central *c)
{
	PQclear(PQexec(c->pg, "ROLLBACK"));
}

int
central_sites(struct central *c, struct central_site **out, size_t *n)
{
	PGresult *res;

	*out = NULL;
	*n = 0;
	/* Their elements are counted as a gather reads them: counting them
	 * here took as long as reading them there. */
	if ((res = central_exec(c,
		 "SELECT s.name, s.head_seq, s.head_hash FROM vraudit.site s "
		 "ORDER BY s.name",
		 0, NULL, PGRES_TUPLES_OK)) == NULL)
		return -1;
	*n = (size_t)PQntuples(res);
	*out = xcalloc(*n + 1, sizeof(**out));
	for (size_t i = 0; i < *n; i++) {
		struct central_site *s = &(*out)[i];

		str_copy(s->name, PQgetvalue(res, (int)i, 0), sizeof(s->name));
		s->head_seq = strtoll(PQgetvalue(res, (int)i, 1), NULL, 10);
		str_copy(s->head_hash, PQgetvalue(res, (int)i, 2),
		    sizeof(s->head_hash));
	}
	PQclear(res);
	return 0;
}

/*
 * The numbering: elements and scans of the site (NULL: all), in the order
 * (site, id). Where every site's element ids run without a gap, as a
 * site's store gives them, an element's number is its site's offset plus
 * its id's place in the site's range (pg_temp.soff, a row a site: *dense);
 * else each element is listed with its number (pg_temp.emap), which takes
 * a pass, a sort and an index over every element.
 */
static int
number(struct central *c, const char *site, bool *dense)
{
	const char *p[] = { site };
	PGresult *res;

	if (central_command(c,
		"DROP TABLE IF EXISTS pg_temp.soff; "
		"DROP TABLE IF EXISTS pg_temp.emap; "
		"DROP TABLE IF EXISTS pg_temp.smap") < 0)
		return -1;
	res = central_exec(c,
	    "CREATE TEMP TABLE soff AS SELECT site, min(id) AS lo, max(id) "
	    "AS hi, count(*) AS n, coalesce(sum(count(*)) OVER (ORDER BY "
	    "site ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS "
	    "off FROM vraudit.element WHERE $1::text IS NULL OR site = $1 "
	    "GROUP BY site",
	    1, p, PGRES_COMMAND_OK);
	PQclear(res);
	if (res == NULL)
		return -1;
	if ((res = central_exec(c,
		 "SELECT coalesce(bool_and(n = hi - lo + 1), true) FROM "
		 "pg_temp.soff",
		 0, NULL, PGRES_TUPLES_OK)) == NULL)
		return -1;
	*dense = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (!*dense) {
		res = central_exec(c,
		    "CREATE TEMP TABLE emap AS SELECT site, id, row_number() "
		    "OVER (ORDER BY site, id) AS nid FROM vraudit.element "
		    "WHERE $1::text IS NULL OR site = $1",
		    1, p, PGRES_COMMAND_OK);
		PQclear(res);
		if (res == NULL ||
		    central_command(c,
			"CREATE INDEX ON pg_temp.emap (site, "
			"id); ANALYZE pg_temp.emap") < 0)
			return -1;
	}
	res = central_exec(c,
	    "CREATE TEMP TABLE smap AS SELECT site, id, row_number() OVER "
	    "(ORDER BY site, id) AS nid FROM vraudit.scan WHERE $1::text "
	    "IS NULL OR site = $1",
	    1, p, PGRES_COMMAND_OK);
	PQclear(res);
	if (res == NULL)
		return -1;
	return central_command(c,
	    "CREATE INDEX ON pg_temp.smap (site, id); ANALYZE pg_temp.smap");
}

/* Each row of query into table t of st; for elements, the numbering and
 * each site's count of live elements into map. Streamed (COPY TO, in
 * text): the server produces rows while they are written here, where a
 * cursor's fetches had each side wait for the other. A row the file
 * refuses ends the import; the rest of the stream is read and dropped,
 * which leaves the connection usable. */
static int
copy_rows(struct central *c, struct store *st, enum store_import_table t,
    const char *query, struct central_national *map)
{
	char *sql = xprintf("COPY (%s) TO STDOUT", query), *row;
	/* an element's row ends with its site, its id there and whether it
	 * is live (not merged) */
	int ncol = store_import_columns(t), n;
	int want = ncol + (t == STORE_IMPORT_ELEMENT ? 3 : 0);
	int rc = 0;
	const char *v[32];
	PGresult *res = PQexec(c->pg, sql);

	free(sql);
	if (PQresultStatus(res) != PGRES_COPY_OUT) {
		central_set_error(c, "%s", central_pg_message(c, res));
		PQclear(res);
		return -1;
	}
	PQclear(res);
	while ((n = PQgetCopyData(c->pg, &row, 0)) > 0) {
		if (rc == 0 &&
		    (central_copy_row(row, (size_t)n, v, want) != want ||
			(map != NULL &&
			    (v[0] == NULL || v[ncol] == NULL ||
				v[ncol + 1] == NULL || v[ncol + 2] == NULL)))) {
			central_set_error(c,
			    "the central database sent a row that is not "
			    "%d values of COPY text",
			    want);
			rc = -1;
		} else if (rc == 0 && store_import_row(st, t, v) < 0) {
			central_set_error(c, "%s", store_error(st));
			rc = -1;
		} else if (rc == 0 && map != NULL)
			central_map_add(map, v[ncol], strtoll(v[0], NULL, 10),
			    strtoll(v[ncol + 1], NULL, 10),
			    strcmp(v[ncol + 2], "t") == 0);
		PQfreemem(row);
	}
	if (n == -2 && rc == 0) { /* the connection failed */
		central_set_error(c, "%s", PQerrorMessage(c->pg));
		rc = -1;
	}
	/* The copy's own result: an error the server met while sending. */
	while ((res = PQgetResult(c->pg)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == 0) {
			central_set_error(c, "%s", central_pg_message(c, res));
			rc = -1;
		}
		PQclear(res);
	}
	return rc;
}

void
central_map_add(struct central_national *map, const char *site, int64_t nid,
    int64_t id, bool live)
{
	struct central_site *s = NULL;

	/* The rows come site by site: the last one's first. */
	if (map->at < map->n_sites &&
	    strcmp(map->sites[map->at].name, site) == 0)
		s = &map->sites[map->at];
	for (size_t i = 0; s == NULL && i < map->n_sites; i++)
		if (strcmp(map->sites[i].name, site) == 0) {
			s = &map->sites[i];
			map->at = i;
		}
	if (s == NULL || nid < 1)
		return;
	if (live)
		s->elements++;
	if ((size_t)nid > map->cap) {
		size_t cap = map->cap == 0 ? 1024 : map->cap;

		while (cap < (size_t)nid)
			cap *= 2;
		map->site_id =
		    xreallocarray(map->site_id, cap, sizeof(*map->site_id));
		map->site_of =
		    xreallocarray(map->site_of, cap, sizeof(*map->site_of));
		map->cap = cap;
	}
	map->site_id[nid - 1] = id;
	map->site_of[nid - 1] = (uint32_t)(s - map->sites);
	if ((size_t)nid > map->n_elements)
		map->n_elements = (size_t)nid;
}

/* The vendors of set's packs, for covered(). */
static int
listed_vendors(struct central *c, const struct policy_set *set)
{
	if (central_command(c,
		"DROP TABLE IF EXISTS pg_temp.listed_vendor; CREATE TEMP "
		"TABLE listed_vendor (vendor text PRIMARY KEY)") < 0)
		return -1;
	for (size_t i = 0; i < set->n_packs; i++)
		for (size_t k = 0; k < set->packs[i]->n_vendors; k++) {
			const char *v[] = { set->packs[i]->vendors[k] };
			PGresult *res = central_exec(c,
			    "INSERT INTO pg_temp.listed_vendor VALUES ($1) ON "
			    "CONFLICT DO NOTHING",
			    1, v, PGRES_COMMAND_OK);

			PQclear(res);
			if (res == NULL)
				return -1;
		}
	return central_command(c, "ANALYZE pg_temp.listed_vendor");
}

/*
 * The rows' queries read each element as e; the numbering's parts go in
 * place of @N (e's number), @J (the join that gives it, as m), @M (the
 * number of the element e was merged into, or NULL) and @G (the join
 * that gives that), as number() made it: listed or dense.
 */
static const char *const numbering[2][4] = {
	{ "m.nid", " JOIN pg_temp.emap m ON m.site = e.site AND m.id = e.id",
	    "g.nid",
	    " LEFT JOIN pg_temp.emap g ON g.site = e.site AND g.id = "
	    "e.merged_into" },
	{ "(m.off + e.id - m.lo + 1)",
	    " JOIN pg_temp.soff m ON m.site = e.site",
	    "CASE WHEN e.merged_into BETWEEN m.lo AND m.hi THEN m.off + "
	    "e.merged_into - m.lo + 1 END",
	    "" },
};

static char *
numbered(const char *query, bool dense)
{
	static const char marks[] = "NJMG"; /* numbering's columns */
	struct strbuf b = STRBUF_INIT;

	for (const char *p = query; *p != '\0'; p++) {
		const char *part =
		    p[0] == '@' && p[1] != '\0' ? strchr(marks, p[1]) : NULL;

		if (part != NULL) {
			strbuf_adds(&b, numbering[dense][part - marks]);
			p++;
		} else
			strbuf_add(&b, p, 1);
	}
	return strbuf_steal(&b);
}

/*
 * The elements whose addresses, evidence and sources the report reads,
 * with their numbers (pg_temp.covered, as number() made them): those a
 * pack may cover (by vendor, or by conflicting evidence: the violations
 * and new elements it lists, with their evidence and addresses) and the
 * retired (listed with their MAC). The others count by their element row
 * alone; leaving their rows out keeps a national gather to a fraction of
 * the network's. Chosen once: a pass over every element for each of the
 * three took twice as long.
 */
static int
covered(struct central *c, bool dense)
{
	char *sql = numbered("DROP TABLE IF EXISTS pg_temp.covered; CREATE "
			     "TEMP TABLE covered AS SELECT e.site, e.id, "
			     "e.last_seen, e.sources, @N AS nid FROM "
			     "vraudit.element e@J WHERE e.conflict = 1 OR "
			     "e.retired_at IS NOT NULL OR e.vendor IN (SELECT "
			     "vendor FROM pg_temp.listed_vendor); ANALYZE "
			     "pg_temp.covered",
	    dense);
	int rc = central_command(c, sql);

	free(sql);
	return rc;
}

int
central_materialize(struct central *c, struct store *st, const char *site,
    const struct policy_set *set, struct central_national *map)
{
	static const struct {
		enum store_import_table t;
		const char *query;
	} q[] = {
		{ STORE_IMPORT_SCAN,
		    "SELECT m.nid, s.kind, s.started_at, s.finished_at, "
		    "s.status, s.targets, s.responded, s.frames, s.detail FROM "
		    "vraudit.scan s JOIN pg_temp.smap m USING (site, id) ORDER "
		    "BY m.nid" },
		{ STORE_IMPORT_SCAN_ZONE,
		    "SELECT m.nid, z.zone, z.targets, z.answered, z.silent, "
		    "z.refused, z.cut, z.missing FROM vraudit.scan_zone z JOIN "
		    "pg_temp.smap m ON m.site = z.site AND m.id = z.scan_id" },
		{ STORE_IMPORT_ELEMENT,
		    "SELECT @N, e.mgmt_ip, e.chassis_mac, e.sys_name, "
		    "e.sys_descr, e.sys_object_id, e.model, e.serial, "
		    "e.software, e.zone, e.vendor, e.vendor_name, e.risk, "
		    "e.confidence, e.conflict, e.first_seen, e.last_seen || "
		    "'T00:00:00Z', f.nid, @M, e.retired_at, e.retired_seen, "
		    "e.retired_reason, e.site, e.id, e.merged_into IS NULL FROM "
		    "vraudit.element e@J LEFT JOIN pg_temp.smap f ON f.site = "
		    "e.site AND f.id = e.first_scan@G ORDER BY e.site, e.id" },
		{ STORE_IMPORT_ADDRESS,
		    "SELECT c.nid, a.kind, a.value, c.last_seen || "
		    "'T00:00:00Z' FROM pg_temp.covered c JOIN "
		    "vraudit.element_address a ON a.site = c.site AND "
		    "a.element_id = c.id" },
		{ STORE_IMPORT_EVIDENCE,
		    "SELECT c.nid, v.kind, v.value, v.vendor, v.strength, v.rule, "
		    "coalesce(v.last_observed, c.last_seen) || 'T00:00:00Z', "
		    "s.nid FROM pg_temp.covered c JOIN vraudit.element_evidence "
		    "v ON v.site = c.site AND v.element_id = c.id LEFT JOIN "
		    "pg_temp.smap s ON s.site = v.site AND s.id = v.scan_id" },
		{ STORE_IMPORT_SOURCE,
		    "SELECT c.nid, u.source, c.last_seen || 'T00:00:00Z' FROM "
		    "pg_temp.covered c CROSS JOIN "
		    "unnest(string_to_array(c.sources, ',')) AS u (source)" },
	};
	bool dense = false;

	if (number(c, site, &dense) < 0 || listed_vendors(c, set) < 0 ||
	    covered(c, dense) < 0)
		return -1;
	if (store_import_begin(st) < 0) {
		central_set_error(c, "%s", store_error(st));
		return -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(q); i++) {
		char *query = numbered(q[i].query, dense);
		int rc = copy_rows(c, st, q[i].t, query,
		    q[i].t == STORE_IMPORT_ELEMENT ? map : NULL);

		free(query);
		if (rc < 0) {
			store_import_end(st, false);
			return -1;
		}
	}
	if (store_import_end(st, true) < 0) {
		central_set_error(c, "%s", store_error(st));
		return -1;
	}
	return 0;
}

void
central_national_free(struct central_national *map)
{
	free(map->sites);
	free(map->site_id);
	free(map->site_of);
	memset(map, 0, sizeof(*map));
}
