/*
 * The store: the SQLite database of vraudit. It opens and checks the file,
 * applies the embedded schema migrations, records scans and sightings in
 * batches (one transaction per batch), resolves which element a sighting
 * belongs to, keeps evidence and verdicts, and answers the listing queries.
 * No SQL lives outside this module. A store may pass from one thread to
 * another, but only one thread may use it at a time.
 */
#ifndef VRAUDIT_STORE_H
#define VRAUDIT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/evidence.h"
#include "common/sighting.h"

/* PRAGMA application_id of our files: "VRAU". */
#define STORE_APPLICATION_ID 0x56524155
/* Sightings per transaction unless store_set_batch_size() says otherwise. */
#define STORE_BATCH_DEFAULT 1000
/* How long a statement waits for a lock held by another process. */
#define STORE_BUSY_TIMEOUT_MS 5000

struct store;

enum store_mode {
	STORE_READ_ONLY,  /* file:PATH?mode=ro; exists with our schema */
	STORE_READ_WRITE, /* create if missing, migrate to the latest */
	STORE_READ_AUDIT, /* read-only, any schema version: for the audit
			   * chain's check, which knows each version's records */
};

/*
 * Open the database at path. A file that is not SQLite, belongs to another
 * application or has a newer schema is refused without being touched. NULL
 * on error, with a message naming the path in err.
 */
struct store *store_open(const char *path, enum store_mode mode, char *err,
    size_t errlen);
/* Flush the current batch and close; NULL is fine. */
void store_close(struct store *st);
/* The last error: the path, what failed and SQLite's message. */
const char *store_error(const struct store *st);
/* Schema version of the open file; *found (may be NULL) gets the version the
 * file had before opening (0: it was created). */
int store_schema_version(const struct store *st, int *found);
/* The newest schema version this program knows. */
int store_schema_latest(void);

/* Classify evidence with ops (borrowed; NULL: store evidence unclassified). */
void store_set_classifier(struct store *st, const struct classifier_ops *ops);
/* Wait up to ms for a lock another process holds before failing. */
void store_set_busy_timeout(struct store *st, int ms);
/* Commit automatically every n sightings (n >= 1). */
void store_set_batch_size(struct store *st, size_t n);
/* Keep at most kib KiB of the file's pages in memory: a connection that
 * reads once through a table needs only a few, and every page of a
 * larger cache costs a page fault the first time it is filled. */
void store_set_cache_kib(struct store *st, int kib);

/* retire-after: no element is ever retired (the default of a store). */
#define STORE_RETIRE_NEVER (-1)
/* Retire elements unseen for ms (STORE_RETIRE_NEVER: never) when a
 * complete scan ends; vraudit-schema(7), "Retirement". */
void store_set_retire_after(struct store *st, int64_t ms);

/* Record the start of a scan ("snmp" or "capture"), committed at once; the
 * scan's id or -1. */
int64_t store_scan_begin(struct store *st, const char *kind,
    const char *targets);
/* Flush, then close a scan as "complete", "failed" or "interrupted";
 * a negative responded or frames keeps the stored count; responded
 * STORE_SCAN_SEEN stores the elements the scan created or saw again, as
 * this connection's writes for it committed (a capture's "elements seen"). */
#define STORE_SCAN_SEEN INT64_MAX
int store_scan_end(struct store *st, int64_t scan_id, const char *status,
    int64_t responded, int64_t frames, const char *detail);
/* What a sweep asked in one zone and what became of it (scan_zone). */
struct store_scan_zone {
	const char *zone;
	int64_t targets, answered, silent, refused, cut;
};
/* store_scan_end, also recording the sweep's zones (status may then be
 * "partial": walks were cut short); they join the scan's audit record. */
int store_scan_end_zones(struct store *st, int64_t scan_id, const char *status,
    int64_t responded, int64_t frames, const char *detail,
    const struct store_scan_zone *zones, size_t n_zones);

/*
 * Record a sighting in the current batch; *element_id (may be NULL) gets the
 * element it was attributed to. -1 when it (or the batch) could not be
 * written: store_error() says which and how many sightings were lost.
 *
 * Identity: a sighting belongs to every live element holding one of its
 * keys: its chassis MAC or any of its MACs, its LLDP chassis ID, its sysName
 * with its serial, or its management address. Elements found through
 * different keys are one box: they are merged into the oldest (first
 * seen). Never identity: group, zero and virtual-router (VRRP/HSRP/GLBP)
 * MACs; unspecified, loopback, link-local and multicast addresses. A
 * management address only designates the element that held it last, and
 * not even that one when it has another chassis MAC or chassis ID than the
 * sighting: the address moved to another box.
 *
 * Each input is assessed with the classifier and stored as evidence (the
 * same element, kind and value refresh one row). The verdict is fused
 * again when the element's evidence or an assessment changed, when it
 * absorbed another element, or when it was fused under other rules.
 */
int store_record(struct store *st, int64_t scan_id, const struct sighting *s,
    int64_t *element_id);
/*
 * Record sightings s[0..n) of one element together, as store_record would
 * one after the other, in fewer statements: each address, key, source and
 * input is written once with the first and last time the group saw it,
 * and the verdict is fused once, so the audit trail holds one verdict
 * change for the group rather than one per sighting. The group is one
 * element: every element any of its keys points to is merged, so group
 * only sightings that share a key (the same MAC, say). On failure the
 * whole group is undone.
 */
int store_record_group(struct store *st, int64_t scan_id,
    const struct sighting *const *s, size_t n, int64_t *element_id);
/* No content reported in that protocol. */
#define STORE_NO_DIGEST UINT32_MAX
/* IPv4 addresses of its element given with a MAC, the latest first. */
#define STORE_MAC_IPV4 4

/* What the store holds of one MAC for passive capture. */
struct store_mac_state {
	uint8_t mac[6];
	int64_t last_seen;             /* of the MAC as an address */
	uint32_t ipv4[STORE_MAC_IPV4]; /* its element's latest IPv4
					 * addresses (network order) */
	size_t n_ipv4;
	uint32_t content[3]; /* last content reported in LLDP,
					 * CDP and DHCP, as a digest, or
					 * STORE_NO_DIGEST */
};

/* Call fn with each MAC the store holds, at most max of them (the most
 * recently seen first when there are more); fn returns false to stop.
 * reserve (NULL: none) first hears how many calls of fn are to come. */
int store_mac_states(struct store *st, size_t max,
    void (*reserve)(void *ctx, size_t n),
    bool (*fn)(void *ctx, const struct store_mac_state *m), void *ctx);
/* Record that element_id sees neighbour_id over protocol ("lldp", "cdp"). */
int store_link(struct store *st, int64_t element_id, int64_t neighbour_id,
    const char *protocol, const char *local_port, const char *remote_port,
    int64_t when);
/* Commit the current batch; -1 if the commit failed (the batch is lost). */
int store_flush(struct store *st);
/* True while a batch transaction is open: after a failed store_record,
 * false means the whole batch was rolled back, true that only that
 * sighting was. */
bool store_in_batch(const struct store *st);
/* Re-assess and re-fuse every element classified under other rules than
 * ops->digest(); *changed (may be NULL) counts changed verdicts. */
int store_reclassify(struct store *st, const struct classifier_ops *ops,
    int *changed);

/* Read what follows, until store_read_end, in one snapshot of the file:
 * a writer committing meanwhile is not seen. 0, or -1 with the error
 * set. */
int store_read_begin(struct store *st);
/* End the snapshot store_read_begin began (nothing when none was). */
void store_read_end(struct store *st);
/* store_read_begin, and in *twin a second connection to the same file
 * reading the same snapshot, for another thread to read at once (end its
 * read with store_read_end, then store_close it). *twin is NULL when no
 * second connection opens or none can be shown to read that snapshot (a
 * writer committed between the two at each try), or when st holds a
 * transaction of its own: that is no error, st reads everything. 0, or
 * -1 with the error set. */
int store_read_begin_twin(struct store *st, struct store **twin);

/* Hex SHA-256 of an audit record, with its terminator. */
#define STORE_HASH_STRLEN 65

/* The newest audit record: its seq (0 when there is none) and its hash (64
 * zeros when there is none). 0 or -1. */
int store_audit_head(struct store *st, int64_t *seq,
    char hash[STORE_HASH_STRLEN]);

/* One audit record as stored; the strings live until the callback returns. */
struct store_chain_record {
	int64_t seq;
	const char *at, *kind;
	int64_t subject;
	const char *detail;
	size_t detail_len;
	const char *prev_hash, *hash;
};

/* One leaf of a batch record, likewise. */
struct store_chain_leaf {
	int64_t seq, idx, element;
	const char *detail;
	size_t detail_len;
	const char *hash;
};

/* Callbacks of store_chain_read: 0 to go on, non-zero to stop with it. */
typedef int (
    *store_chain_record_fn)(void *arg, const struct store_chain_record *r);
typedef int (*store_chain_leaf_fn)(void *arg, const struct store_chain_leaf *l);

/* The hash of record seq into out: 1, or 0 when there is no such record,
 * -1 on error. */
int store_chain_hash_at(struct store *st, int64_t seq,
    char out[STORE_HASH_STRLEN]);
/*
 * The records after seq after, in order, in one snapshot: each batch
 * record's leaves (by idx) go to leaf_fn, then the record to record_fn.
 * At most max_records records; stops after the record that brings the
 * leaves passed to max_leaves or more. The number of records passed
 * (max_records bounds it to an int), -1 on error, or a callback's
 * non-zero.
 */
int store_chain_read(struct store *st, int64_t after, int max_records,
    int64_t max_leaves, store_chain_leaf_fn leaf_fn,
    store_chain_record_fn record_fn, void *arg);

/* A record's hash recomputed into out: 0 when it is the one stored, -1 when
 * not. */
int store_chain_record_hash(const struct store_chain_record *r,
    char out[STORE_HASH_STRLEN]);
/* A leaf's hash recomputed, as bytes, into out: 0 when it is the one
 * stored, -1 when not. */
int store_chain_leaf_digest(const struct store_chain_leaf *l, uint8_t out[32]);
/* The Merkle root of n leaf hashes, as a batch record commits it. */
void store_chain_root(const uint8_t (*leaf)[32], size_t n,
    char out[STORE_HASH_STRLEN]);

/* Tables a made-for-the-purpose file is filled with (store_import_row);
 * the columns of each, in order, are in store/store_import.c. */
enum store_import_table {
	STORE_IMPORT_SCAN,
	STORE_IMPORT_SCAN_ZONE,
	STORE_IMPORT_ELEMENT,
	STORE_IMPORT_ADDRESS,
	STORE_IMPORT_EVIDENCE,
	STORE_IMPORT_SOURCE,
	STORE_IMPORT_TABLES,
};

/* Start filling a new file with rows from elsewhere, in one transaction:
 * no identity, classification or audit record. The file becomes a
 * scratch copy for reading: no journal on disk, no sync, keys unchecked,
 * the indexes a report does not read dropped. 0 or -1. */
int store_import_begin(struct store *st);
/* The number of values a row of t has. */
int store_import_columns(enum store_import_table t);
/* One row of t, its values as text (NULL: NULL), as many as
 * store_import_columns(t). 0 or -1. */
int store_import_row(struct store *st, enum store_import_table t,
    const char *const *v);
/* Commit (or roll back) the import. 0 or -1. */
int store_import_end(struct store *st, bool commit);

/* What store_audit_verify found. */
struct store_audit_report {
	int64_t records;  /* audit records read */
	int64_t head_seq; /* newest record, 0 when none */
	char head_hash[STORE_HASH_STRLEN];
	int64_t findings; /* problems passed to the callback */
};

/* Called once per problem, e.g. "record 5: hash mismatch (content
 * changed)"; the text is valid until the callback returns. */
typedef void (*store_finding_fn)(void *arg, const char *finding);

/*
 * Check the audit chain: recompute every record's hash, follow prev_hash
 * and seq, compare each element's verdict and each ended scan with their
 * last audit record, find audited elements and scans that are gone and
 * merges that do not match their records, and check that the table is
 * still append-only. All in one snapshot. 0 when the check ran
 * (out->findings problems), -1 when it could not (store_error() says why).
 */
int store_audit_verify(struct store *st, store_finding_fn fn, void *arg,
    struct store_audit_report *out);

/* Selection of elements for the listings; NULL fields select all. */
struct store_filter {
	const char *risk;
	const char *vendor;
	const char *zone;
	bool retired; /* retired elements too (false: live ones only) */
};

enum store_cell_type {
	STORE_CELL_NULL,
	STORE_CELL_INTEGER,
	STORE_CELL_REAL,
	STORE_CELL_TEXT, /* valid UTF-8 */
	STORE_CELL_BLOB, /* raw bytes, not valid UTF-8 */
};

/* One column of a result row; bytes (NUL-terminated, len without it) hold
 * the value as text, or raw for a BLOB, until the callback returns. */
struct store_cell {
	const char *name;
	enum store_cell_type type;
	const unsigned char *bytes;
	size_t len;
};

/* Called for each row; a non-zero return stops the query and is returned. */
typedef int (
    *store_row_fn)(void *arg, const struct store_cell *cells, size_t n);

/* What one scan did to the inventory. */
struct store_scan_counts {
	int64_t created;   /* elements it found first */
	int64_t updated;   /* elements known before that it saw again */
	int64_t high_risk; /* of both, those whose risk is high */
};

/* Count the elements scan_id created and updated (after store_flush):
 * for a scan of this connection, from its own committed writes, whatever
 * other writers of the file did meanwhile; for another's, from the
 * elements whose first and last scan it is. */
int store_scan_counts(struct store *st, int64_t scan_id,
    struct store_scan_counts *out);

/* The inventory view, filtered, by element_id. 0, -1 or fn's non-zero. */
int store_inventory(struct store *st, const struct store_filter *f,
    store_row_fn fn, void *arg);
/* The inventory view's column names joined by sep, as a new string; NULL
 * on error. */
char *store_inventory_columns(struct store *st, const char *sep);
/* The evidence view rows of one element. 0, -1 or fn's non-zero. */
int store_evidence(struct store *st, int64_t element_id, store_row_fn fn,
    void *arg);
/* One element's name and addresses, for the report: rows of sys_name,
 * kind, value; IPv4 first, then IPv6, then MAC (one row with NULL kind
 * and value when it has none). 0, -1 or fn's non-zero. */
int store_report_element(struct store *st, int64_t element_id, store_row_fn fn,
    void *arg);
/* The filtered inventory as a JSON array of objects, each with the
 * inventory view's columns in its order (and an "evidence" array when
 * with_evidence); a new string or NULL on error. */
char *store_inventory_json(struct store *st, const struct store_filter *f,
    bool with_evidence);

/*
 * Compliance (policy/policy.h for the semantics). The evaluation is the
 * SQL of the views violations, zone_share and rule_status in the file;
 * store_policy_eval runs those same definitions for another date or other
 * packs.
 */
struct policy_set;

/* Which evaluation to read: the view of the same name. */
enum store_policy_view {
	STORE_RULE_STATUS,  /* rule_status, by policy, rule */
	STORE_VIOLATIONS,   /* violations, by policy, rule, element_id */
	STORE_ZONE_SHARE,   /* zone_share, by policy, rule, zone */
	STORE_COVERAGE,     /* coverage, by zone */
	STORE_NEW_ELEMENTS, /* new_elements, by policy, rule, first_seen */
	STORE_BASELINE,     /* policy_baseline: its one row */
};

struct waiver_set;

/* Replace the recorded waivers by ws's (NULL: none, no file) in one
 * transaction with a 'waivers' audit record, unless nothing changed;
 * *changed (may be NULL) gets the number of waivers added, changed or
 * removed (-1 when only the file's digest changed). 0 or -1. */
int store_sync_waivers(struct store *st, const struct waiver_set *ws,
    int *changed);

/* Replace the policy tables by set's packs in one transaction; 0 or -1. */
int store_sync_policies(struct store *st, const struct policy_set *set);
/* Rows of view evaluated as of as_of (YYYY-MM-DD; NULL: today) for set's
 * packs (NULL: the synced ones). 0, -1 or fn's non-zero. */
int store_policy_eval(struct store *st, const struct policy_set *set,
    const char *as_of, enum store_policy_view view, store_row_fn fn, void *arg);

/* Evaluate set's packs (NULL: the synced ones) as of as_of (NULL: today)
 * once, for the store_policy_read calls that follow: the evaluation is
 * kept in temporary tables until store_policy_end, the next
 * store_policy_begin or store_close. While it is kept, the names of the
 * evaluation's views and policy tables are its own on this store's
 * connection. 0 or -1. */
int store_policy_begin(struct store *st, const struct policy_set *set,
    const char *as_of);
/* store_policy_begin, up to the elements each pack covers only: enough
 * for STORE_REPORT_EVIDENCE and STORE_REPORT_ADDRESSES, not for
 * store_policy_read. 0 or -1. */
int store_policy_begin_cover(struct store *st, const struct policy_set *set,
    const char *as_of);
/* Rows of view from the evaluation store_policy_begin kept, in the
 * order store_policy_eval gives. 0, -1 or fn's non-zero. */
int store_policy_read(struct store *st, enum store_policy_view view,
    store_row_fn fn, void *arg);
/* The same rows in no order: for a caller that sorts them itself, as a
 * sort of the whole rows in SQL costs more than one of its own. */
int store_policy_read_unordered(struct store *st, enum store_policy_view view,
    store_row_fn fn, void *arg);
/* Drop the evaluation store_policy_begin kept; none is fine. Closing the
 * store drops it at less cost (freeing no page one by one). */
void store_policy_end(struct store *st);

/* Inventory figures for the report, for elements first seen by as_of
 * (YYYY-MM-DD; NULL: today). */
enum store_report_query {
	STORE_REPORT_LIVE,        /* every element not merged: vendor and
				   * vendor_name ('unknown' for none), risk,
				   * first_seen, last_seen, last_day (of
				   * last_seen, YYYY-MM-DD), counted (1 when
				   * first seen by as_of and not retired by
				   * then, else 0) */
	STORE_REPORT_NEW,         /* elements first seen at or after since
				 * (ISO-8601): element_id, mgmt_ip, mac,
				 * sys_name, vendor, risk, zone, first_seen */
	STORE_REPORT_BASELINE,    /* the first complete scan: scan_id, kind,
				 * started_at, finished_at (no row: none) */
	STORE_REPORT_RETIRED,     /* elements retired by as_of: element_id,
				 * mgmt_ip, mac, sys_name, vendor, risk, zone,
				 * last_seen, retired_at, retired_reason */
	STORE_REPORT_WAIVERS,     /* the recorded waivers as of as_of: name,
				 * scope_kind, scope, pack, rule, reason,
				 * approver, expires, status (active,
				 * lapsed), days_left */
	STORE_REPORT_WAIVER_FILE, /* the waivers file last synced: path,
				   * digest, synced_at (no row: none) */
	STORE_REPORT_EVIDENCE,    /* the evidence view, by element_id, kind,
				   * value */
	STORE_REPORT_ADDRESSES,   /* live elements: element_id, then the
				   * columns of store_report_element, by
				   * element_id */
};
/* STORE_REPORT_EVIDENCE and STORE_REPORT_ADDRESSES give the rows of the
 * elements that the evaluation store_policy_begin (or
 * store_policy_begin_cover) kept covers (every element of its
 * violations, and others), and only until store_policy_end. */

/* Rows of one report query. 0, -1 or fn's non-zero. */
int store_report_rows(struct store *st, enum store_report_query which,
    const char *as_of, const char *since, store_row_fn fn, void *arg);

#endif
