/*
 * Rows copied in from elsewhere as they are (the central database's state
 * of many sites, gathered into one file for the national report): no
 * identity, no classification, no audit record. Only for a file made for
 * the purpose: what it holds is proved by where it came from.
 */
#include <stdio.h>

#include "store/store.h"
#include "store/store_private.h"

static const char *const import_sql[] = {
	[STORE_IMPORT_SCAN] =
	    "INSERT INTO scan (id, kind, started_at, finished_at, status, "
	    "targets, responded, frames, detail) VALUES (?1, ?2, ?3, ?4, ?5, "
	    "?6, coalesce(?7, 0), coalesce(?8, 0), ?9)",
	[STORE_IMPORT_SCAN_ZONE] =
	    "INSERT INTO scan_zone (scan_id, zone, targets, answered, silent, "
	    "refused, cut, missing) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[STORE_IMPORT_ELEMENT] =
	    "INSERT INTO element (id, mgmt_ip, chassis_mac, sys_name, "
	    "sys_descr, sys_object_id, model, serial, software, zone, vendor, "
	    "vendor_name, risk, confidence, conflict, first_seen, last_seen, "
	    "first_scan, last_scan, merged_into, retired_at, retired_seen, "
	    "retired_reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
	    "?11, ?12, coalesce(?13, 'unknown'), coalesce(?14, 0), "
	    "coalesce(?15, 0), ?16, ?17, ?18, ?18, ?19, ?20, ?21, ?22)",
	[STORE_IMPORT_ADDRESS] =
	    "INSERT OR IGNORE INTO element_address (element_id, kind, value, "
	    "first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?4)",
	[STORE_IMPORT_EVIDENCE] =
	    "INSERT OR IGNORE INTO element_evidence (element_id, kind, value, "
	    "vendor, strength, rule, first_observed, last_observed, scan_id) "
	    "VALUES (?1, ?2, ?3, ?4, coalesce(?5, 0), ?6, ?7, ?7, ?8)",
	[STORE_IMPORT_SOURCE] =
	    "INSERT OR IGNORE INTO element_source (element_id, source, "
	    "first_seen, last_seen) VALUES (?1, ?2, ?3, ?3)",
};

static const int import_columns[] = {
	[STORE_IMPORT_SCAN] = 9,
	[STORE_IMPORT_SCAN_ZONE] = 8,
	[STORE_IMPORT_ELEMENT] = 22,
	[STORE_IMPORT_ADDRESS] = 4,
	[STORE_IMPORT_EVIDENCE] = 8,
	[STORE_IMPORT_SOURCE] = 3,
};

int
store_import_columns(enum store_import_table t)
{
	return import_columns[t];
}

int
store_import_begin(struct store *st)
{
	if (store_writable(st) < 0)
		return -1;
	/*
	 * The file is a scratch copy, read by one report and removed after
	 * it: nothing in it has to outlive a crash, so its rollback journal
	 * stays in memory and nothing is synced (no WAL: every page would
	 * be written twice). Its keys are not checked: the rows come from
	 * one snapshot, each reference through the numbering of that
	 * snapshot's rows, and one that is not there arrives as NULL. The
	 * indexes a report does not read are dropped: those of a writer's
	 * own work (the rules in force, a scan's own elements) and the one
	 * for an auditor's queries by risk (the report's views read the
	 * elements in order).
	 */
	if (sqlite3_exec(st->db,
		"PRAGMA foreign_keys = OFF; PRAGMA journal_mode = MEMORY; "
		"PRAGMA synchronous = OFF; DROP INDEX IF EXISTS element_rules; "
		"DROP INDEX IF EXISTS element_last_scan; "
		"DROP INDEX IF EXISTS element_risk; BEGIN IMMEDIATE",
		NULL, NULL, NULL) != SQLITE_OK) {
		store_set_db_error(st, "begin an import");
		return -1;
	}
	return 0;
}

int
store_import_row(struct store *st, enum store_import_table t,
    const char *const *v)
{
	sqlite3_stmt **stmt = &st->import[t];

	if (*stmt == NULL && (*stmt = store_prepare(st, import_sql[t])) == NULL)
		return -1;
	for (int i = 0; i < import_columns[t]; i++)
		sqlite3_bind_text(*stmt, i + 1, v[i], -1, SQLITE_STATIC);
	return store_step(st, *stmt) < 0 ? -1 : 0;
}

int
store_import_end(struct store *st, bool commit)
{
	for (size_t t = 0; t < STORE_IMPORT_TABLES; t++) {
		sqlite3_finalize(st->import[t]);
		st->import[t] = NULL;
	}
	if (sqlite3_exec(st->db, commit ? "COMMIT" : "ROLLBACK", NULL, NULL,
		NULL) != SQLITE_OK) {
		store_set_db_error(st, "end an import");
		return -1;
	}
	return 0;
}
