/*
 * Internals shared by the store's source files (store.c: opening, schema,
 * batches and scans; store_record.c: identity, evidence and verdicts;
 * store_query.c: the listings). Not an API: include store.h instead.
 */
#ifndef VRAUDIT_STORE_PRIVATE_H
#define VRAUDIT_STORE_PRIVATE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/text.h"
#include "store/store.h"

/* Element columns a sighting describes, in the order the element
 * statements bind them (?1..?10). */
#define STORE_N_FIELDS 10

/* Where a field's value came from, in order of precedence (the higher
 * wins); the element table's FIELD_src columns hold these, and the table
 * provenance names them (schema/003_provenance.sql). */
enum provenance {
	PROV_MAC = 0,        /* a bare MAC: a frame, a bridge table */
	PROV_ARP = 1,        /* ARP heard, or another agent's ARP table */
	PROV_DHCP = 2,       /* DHCP heard on a mirror port */
	PROV_CDP_TABLE = 3,  /* another agent's CDP cache */
	PROV_LLDP_TABLE = 4, /* another agent's LLDP table */
	PROV_UNRECORDED = 5, /* stored before provenance was kept */
	PROV_CDP = 6,        /* CDP heard on a mirror port */
	PROV_LLDP = 7,       /* LLDP heard on a mirror port */
	PROV_SNMP = 8,       /* what the agent said of itself */
};

/* Append a record of kind to the chain; *seq (may be NULL) gets its
 * number. The caller's transaction is open. 0 or -1. */
int store_audit_append(struct store *st, const char *kind, int64_t subject,
    const char *detail, size_t len, int64_t *seq);

/* Element id's state as its leaf's text (vraudit-schema(7), "Leaves")
 * into out, and its cached leaf hash into cached (may be NULL; "" when
 * none). 0, 1 when there is no such element, -1 on error. */
int store_leaf_render(struct store *st, int64_t id, struct strbuf *out,
    char cached[STORE_HASH_STRLEN]);
/* The leaf hash of a leaf's text: SHA-256 of 0x00 and the text. */
void store_leaf_hash(const char *detail, size_t len, uint8_t out[32]);
/* The Merkle root of n leaf hashes, in hex ("" tree: SHA-256 of nothing). */
void store_leaf_root(const uint8_t (*leaf)[32], size_t n,
    char out[STORE_HASH_STRLEN]);
/* The open batch changed element id. */
void store_leaf_touch(struct store *st, int64_t id);

/* A new element as its writer has just inserted it, for its leaf: the
 * values as they were bound (wire texts for store_bind_value's, the
 * others as store_bind_text binds them, "" as none). */
struct store_leaf_addr {
	const char *kind, *value; /* value canonical */
};
struct store_leaf_ev {
	const char *kind, *value, *vendor, *rule; /* value a wire text */
	int64_t last;                             /* last observed */
	double strength;
};
struct store_leaf_new {
	int64_t id;
	const char *const *field; /* STORE_N_FIELDS: mgmt_ip .. zone */
	const char *vendor, *vendor_name, *risk;
	double confidence;
	bool conflict;
	const char *first_seen, *last_seen;
	int64_t scan_id;      /* <= 0: none */
	const char **sources; /* sorted here */
	size_t n_sources;
	const struct store_leaf_addr *addrs;
	size_t n_addrs;
	const struct store_leaf_ev *ev;
	size_t n_ev;
};
/* The id the next new element is created with (one past the greatest
 * id, read once per batch and after a group is undone), or -1. */
int64_t store_leaf_next_id(struct store *st);
/* The open batch creates element e->id as e says: its leaf is rendered
 * now, not read back, unless the batch changes the element again. The
 * leaf's hash in hex into hex (empty without leaves), for the new row. */
void store_leaf_created(struct store *st, const struct store_leaf_new *e,
    char hex[STORE_HASH_STRLEN]);
/* The number of elements touched so far, and forgetting those touched
 * after such a mark (the sightings since were rolled back). */
size_t store_leaf_mark(const struct store *st);
void store_leaf_undo(struct store *st, size_t mark);
/* Forget what the open batch touched (it was rolled back). */
void store_leaf_forget(struct store *st);
/* Before a commit: a leaf for each touched element whose state changed,
 * and the batch record committing them. 0 or -1. */
int store_leaf_commit(struct store *st);
/* Touch every element that has no leaf yet (a database from before
 * leaves). 0 or -1. */
int store_leaf_genesis(struct store *st);
/* store_audit_verify's checks of a chain from before leaves (verdict,
 * scan and merge records), in the caller's transaction, without the
 * triggers: what the first leaves of an upgraded database build on. */
int store_audit_verify_legacy(struct store *st, store_finding_fn fn, void *arg,
    struct store_audit_report *out);
/* Release the leaf statements and buffers. */
void store_leaf_finish(struct store *st);

/* In the open batch, before its leaves: bring back the retired elements
 * seen again since their retirement, with a 'return' record each (and a
 * leaf). 0 or -1. */
int store_lifecycle_return(struct store *st);
/* After a complete scan: retire the elements unseen for retire-after
 * before the newest observation of a complete scan, in a batch of their
 * own with a 'retire' record each. 0 or -1. */
int store_lifecycle_retire(struct store *st);
/* The audit chain's text of a waiver (a "waiver=" line's value, without
 * its newline): its fields escaped as TEXT_AUDIT, tab-separated. */
void store_waiver_line(struct strbuf *b, const char *const f[8]);
/* verify's check of the waiver and waiver_file tables against the last
 * 'waivers' record: fn(arg, problem) for each. 0, or -1 on error. */
int store_verify_waivers(struct store *st,
    void (*fn)(void *arg, const char *msg), void *arg);

/* The provenance of a sighting's fields. */
int store_provenance(const struct sighting *s);
/* True when the value v observed at t with provenance prov outranks the
 * stored best (NULL: none): the rule of the element statements. */
bool store_outranks(int prov, int64_t t, const char *v, int best_prov,
    int64_t best_t, const char *best);
extern const char *const store_element_fields[STORE_N_FIELDS];

/* The writer's statements, prepared once at open time. */
enum stmt_id {
	S_BEGIN,
	S_COMMIT,
	S_ROLLBACK,
	S_SAVEPOINT,
	S_RELEASE,
	S_ROLLBACK_TO,
	S_SCAN_INSERT,
	S_SCAN_END,
	S_SCAN_RUNNING,
	S_FIND_MAC,
	S_FIND_IP,
	S_FIND_KEY,
	S_ELEMENT_FIRST,
	S_ELEMENT_CREATE,
	S_ELEMENT_UPDATE,
	S_ELEMENT_TOUCH,
	S_ELEMENT_DIGEST,
	S_ADDR_UPSERT,
	S_KEY_UPSERT,
	S_SOURCE_UPSERT,
	S_EV_GET,
	S_EV_INSERT,
	S_EV_UPDATE,
	S_EV_TOUCH,
	S_EV_LOAD,
	S_EV_REASSESS,
	S_VERDICT,
	S_VERDICT_GET,
	S_LINK_UPSERT,
	S_MERGE_ADDR,
	S_MERGE_ADDR_DEL,
	S_MERGE_KEY,
	S_MERGE_EV,
	S_MERGE_EV_DEL,
	S_MERGE_SOURCE,
	S_MERGE_SOURCE_DEL,
	S_MERGE_LINK_OUT,
	S_MERGE_LINK_OUT_DEL,
	S_MERGE_LINK_IN,
	S_MERGE_LINK_IN_DEL,
	S_MERGE_ELEMENT,
	S_MERGE_MARK,
	S_MERGE_RECORD,
	S_STALE,
	S_ANY_STALE,
	S_COUNT
};

/* The writer's view of the audit chain (store_audit.c). */
struct store_audit_state {
	sqlite3_stmt *insert;
	sqlite3_stmt *head;
	sqlite3_stmt *data_version;
	bool valid;           /* seq and hash are the file's head */
	bool checked;         /* data_version read in this transaction */
	int64_t seen_version; /* PRAGMA data_version when last read */
	int64_t seq;
	char hash[STORE_HASH_STRLEN];
};

/* The schema version from which batches commit leaves (audit_leaf). */
#define STORE_VERSION_LEAVES 4
/* The schema version with retirement and waivers (005_lifecycle.sql). */
#define STORE_VERSION_LIFECYCLE 5
/* Version 6: scan_zone, coverage, baseline by dates, scan status partial. */
#define STORE_VERSION_COVERAGE 6

/* An element the open batch changed; detail (owned) is its leaf's text
 * as the writer that created it rendered it, NULL when it is to be read
 * back from the tables. */
struct store_leaf_entry {
	int64_t id;
	char *detail; /* NULL: to be read back at the commit */
	size_t len;
	uint8_t hash[32]; /* of detail, written with the new row */
};

/* The writer's leaves (store_leaf.c): the elements the open batch
 * changed, and the statements that read and write their state. */
struct store_leaf_state {
	struct store_leaf_entry *touched; /* owned, in the order touched */
	size_t n, cap;
	/* The id of the next new element; 0: not read. The end of a batch
	 * (store_leaf_forget, at its commit or rollback) and an undone group
	 * reset it: another writer may create elements between batches. */
	int64_t next_id;
	sqlite3_stmt *element, *evidence, *insert, *update;
};

struct store {
	char *path; /* owned */
	sqlite3 *db;
	enum store_mode mode;
	int found_version; /* user_version before opening */
	int version;
	char *writer; /* writer_token() of this process, owned */
	sqlite3_stmt *stmt[S_COUNT];
	sqlite3_stmt *evidence_stmt; /* store_evidence(), made lazily */
	sqlite3_stmt *import[STORE_IMPORT_TABLES]; /* store_import_row() */
	const struct classifier_ops *ops;          /* borrowed */
	size_t batch_size;
	size_t batch_count; /* sightings in the open transaction */
	bool in_batch;
	bool in_read; /* store_read_begin's snapshot is open */
	struct store_audit_state audit;
	struct store_leaf_state leaf;
	int64_t retire_after_ms;         /* STORE_RETIRE_NEVER: no retirement */
	struct store_tally_state *tally; /* store_tally.c, owned */
	struct strbuf err;               /* the last error, path first */
};

/* Set the error: the path, then the formatted message. */
void store_set_error(struct store *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Set the error with SQLite's message appended. */
void store_set_db_error(struct store *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append to the error message. */
void store_err_append(struct store *st, const char *text);
/* Bind a wire text (common/text.h): TEXT if valid UTF-8 without NUL, else
 * a BLOB of the bytes it stands for. */
int store_bind_value(sqlite3_stmt *stmt, int idx, const char *value);
/* Column i as a wire text again (text_from_bytes), to compare or assess a
 * network value read back; NULL for NULL. A new string. */
char *store_column_wire(sqlite3_stmt *stmt, int i);
/* Bind a value of ours; empty and NULL are both NULL. */
int store_bind_text(sqlite3_stmt *stmt, int idx, const char *value);
/* Step statement id to completion and reset it; 0 or -1. */
int store_run(struct store *st, enum stmt_id id);
/* Step once; 1 with a row, 0 when done (reset), -1 on error. */
int store_step(struct store *st, sqlite3_stmt *stmt);
/* Reset a statement and clear its bindings. */
void store_reset(sqlite3_stmt *stmt);
/* -1 (with the error set) unless opened for writing. */
int store_writable(struct store *st);
/* Prepare every statement of stmt_id; 0 or -1 with the error set. */
int store_prepare_all(struct store *st);
/* Open the batch transaction unless one is open. */
int store_batch_begin(struct store *st);
/* The batch transaction is gone: say how many sightings it took. */
void store_batch_lost(struct store *st, const char *what);
/* Roll back the open transaction, keeping the error that led here. */
void store_rollback(struct store *st);

/* What a write did to an element, for its scan's tally (store_tally.c). */
enum store_tally_op {
	STORE_TALLY_CREATED, /* the scan created it */
	STORE_TALLY_SEEN,    /* the scan wrote to it */
	STORE_TALLY_MERGED,  /* merged into another: gone from every tally */
};
struct store_tally_state;
/* Keep a tally for scan_id, just begun by this connection. */
void store_tally_begin(struct store *st, int64_t scan_id);
/* Note what the open batch did to element id for scan_id. */
void store_tally_note(struct store *st, int64_t scan_id, int64_t id,
    enum store_tally_op op);
/* Where the open batch's notes stand, for store_tally_undo. */
size_t store_tally_mark(const struct store *st);
/* Drop the notes after mark (ROLLBACK TO). */
void store_tally_undo(struct store *st, size_t mark);
/* Drop every note of the open batch (it was rolled back). */
void store_tally_forget(struct store *st);
/* The open batch committed: apply its notes. */
void store_tally_commit(struct store *st);
/* The counts of scan_id if this connection keeps its tally: 1 and *out,
 * 0 when it does not, -1 on error. */
int store_tally_counts(struct store *st, int64_t scan_id,
    struct store_scan_counts *out);
/* The scan ends: keep its counts only; *seen the elements it created or
 * saw again (0 without a tally). 0 or -1. */
int store_tally_end(struct store *st, int64_t scan_id, int64_t *seen);
/* Release every tally. */
void store_tally_finish(struct store *st);

/* Prepare the audit chain's statements and hooks (writer only). */
int store_audit_prepare(struct store *st);
/* Release what store_audit_prepare made; fine when it did not run. */
void store_audit_finish(struct store *st);
/* Appends may have been undone (ROLLBACK TO): read the head again. */
void store_audit_forget(struct store *st);
/* Canonical detail of the scan row at columns 0..8 (id, kind, status,
 * started_at, finished_at, targets, responded, frames, detail); new string. */
char *store_audit_scan_detail(sqlite3_stmt *row);
/* Append the audit lines of scan_id's zones (scan_zone), by zone; 0 or
 * -1. */
int store_audit_scan_zones(struct store *st, int64_t scan_id, struct strbuf *t);
/* Append a 'scan' record with that detail, in the open transaction. */
int store_audit_scan(struct store *st, int64_t scan_id, const char *detail);
/* One side ("old." or "new.") of a verdict record's lines: the format of
 * the records of before schema version 4, which verify still reads. */
void store_audit_verdict_lines(struct strbuf *t, const char *side,
    const char *vendor, const char *vendor_name, const char *risk,
    double confidence, int64_t conflict);
/* A record's hash (schema/001_initial.sql, the audit table), each field as
 * (bytes, length). */
void store_audit_record_hash(const void *prev, size_t prev_len, int64_t seq,
    const char *at, size_t at_len, const char *kind, size_t kind_len,
    const void *subject, size_t subject_len, const void *detail,
    size_t detail_len, char out[STORE_HASH_STRLEN]);
/* Append a 'merge' record: merged was folded into survivor. */
int store_audit_merge(struct store *st, int64_t survivor, int64_t merged,
    int64_t scan_id, const char *reason, const char *when);
/* Prepare SQL text of ours; NULL with the error set. */
sqlite3_stmt *store_prepare(struct store *st, const char *sql);
/* Pass each row of stmt to fn, then finalize stmt (or only reset it when
 * keep, for a statement the store caches). 0, -1 or fn's non-zero. */
int store_each_row(struct store *st, sqlite3_stmt *stmt, bool keep,
    store_row_fn fn, void *arg);

/* One piece of evidence of a group of sightings, with the first and last
 * time the group saw it. */
struct span_input {
	enum evidence_kind kind;
	const char *value; /* in a sighting */
	int64_t first, last;
};

/* Assess (kind, value) with ops (NULL: unassessed) into ev. */
void store_assess(const struct classifier_ops *ops, enum evidence_kind kind,
    const char *value, struct evidence *ev);
/* Insert a new piece of evidence of element id; 0 or -1. */
int store_insert_evidence(struct store *st, int64_t id, int64_t scan_id,
    const struct span_input *in, const struct evidence *ev);
/* Insert or refresh one piece of evidence; *changed when the element's
 * evidence set or an assessment is new. 0 or -1. */
int store_write_evidence(struct store *st, int64_t id, int64_t scan_id,
    const struct span_input *in, bool *changed);
/* True when two verdicts differ (the rules digest aside). */
bool store_verdict_differs(const struct verdict *a, const struct verdict *b);
/* Fuse element id's stored evidence into its verdict again, assessing it
 * again first when reassess (the verdict was made under other rules);
 * 0 or -1. */
int store_classify_element(struct store *st, int64_t id, bool reassess);
/* Set *stale when element id's verdict was made under other rules than
 * the classifier's in force; 0, or -1 (also when it is gone). */
int store_element_stale(struct store *st, int64_t id, bool *stale);
/* Delete the rows of element id, created in this batch by a group that
 * claimed no key and could not be written whole; 0 or -1. */
int store_unwrite_element(struct store *st, int64_t id);

#endif
