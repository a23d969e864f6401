/*
 * The central database: one PostgreSQL database (libpq) holding the audit
 * chains of many sites, each pushed by its own site (vraudit push) and
 * checked there on arrival (central/schema/, vraudit-schema(7), "Central
 * database").
 */
#ifndef VRAUDIT_CENTRAL_H
#define VRAUDIT_CENTRAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct central;
struct config;
struct policy_set;
struct store;

/* Hex SHA-256 with its terminator, as STORE_HASH_STRLEN. */
#define CENTRAL_HASH_STRLEN 65

/*
 * Connect to the configuration's [central] url, with the password of its
 * password-file when there is one. NULL with the reason in err (the URL
 * is named without anything secret).
 */
struct central *central_connect(const struct config *cfg, char *err,
    size_t errlen);
/* Close; NULL is fine. */
void central_close(struct central *c);
/* The last error. */
const char *central_error(const struct central *c);
/* "central database NAME (host HOST)", for messages and reports. */
void central_describe(const struct central *c, char *out, size_t outlen);
/* Have central_push stop before its next transaction once *flag (borrowed,
 * set from any thread) is true: it then returns CENTRAL_FAILED. */
void central_set_interrupt(struct central *c, const atomic_bool *flag);
/* End the statement running on c now, from another thread, without
 * waiting for the server: c's connection is shut down (central_close
 * still frees it), its transaction is rolled back, and a push sends it
 * again. The caller makes sure c is not closed meanwhile. 0 or -1. */
int central_abort(struct central *c);

/* The schema version the database has (0: none) into *found; 0 or -1. */
int central_schema_version(struct central *c, int *found);
/* The version this build creates. */
int central_schema_latest(void);
/* Create or upgrade the schema to the latest version, each step in a
 * transaction of its own: 0 (from and to set) or -1. */
int central_migrate(struct central *c, int *from, int *to);
/* Replace the packs and [policy] settings the national views judge by
 * (vraudit.policy_*) with set's, in one transaction: 0 or -1. */
int central_sync_policies(struct central *c, const struct policy_set *set);
/* 1 when the packs and [policy] settings held there are set's (so that
 * the national views judge as a report with set does), 0 when not, -1. */
int central_policies_match(struct central *c, const struct policy_set *set);
/* Have the views evaluate at as_of (YYYY-MM-DD), ages measured to now,
 * for the rest of the transaction: 0 or -1. */
int central_clock(struct central *c, const char *as_of, const char *now);
/* A rule's verdict for one site alone (vraudit.rule_status), with one
 * share of its scope (vraudit.zone_share; zone NULL: none). */
struct central_verdict {
	const char *site, *policy, *rule, *status, *state;
	long long days_left, elements, covered;
	const char *zone;
	long long zone_high_risk, zone_elements;
	double share, max_share;
};
/* Each site's verdicts: fn once per rule and share of its scope, by site,
 * policy, rule and zone (byte order). 0 or -1. */
int central_site_verdicts(struct central *c,
    void (*fn)(void *arg, const struct central_verdict *v), void *arg);
/* Register site, pushed by role (created without a password when
 * missing): 0 or -1. */
int central_add_site(struct central *c, const char *site, const char *role);

/* What a push did. */
struct central_push_result {
	int64_t records;  /* records accepted by this push */
	int64_t leaves;   /* their leaves */
	int64_t head_seq; /* the site's head held centrally afterwards */
	char head_hash[CENTRAL_HASH_STRLEN];
	int64_t local_seq; /* this database's head when the push ended */
};

enum {
	CENTRAL_OK = 0,
	CENTRAL_FAILED = -1,  /* could not push: central_error() says why */
	CENTRAL_REFUSED = -2, /* the central database refused this chain */
};

/*
 * Send the records of st's audit chain that the central database does
 * not hold for site, oldest first, in transactions of at most batch
 * records (fewer when their leaves reach 20,000; 0: CENTRAL_PUSH_BATCH):
 * a push stopped anywhere leaves whole transactions,
 * and the next one goes on from the head held there. A chain that does
 * not continue what is held (a rewritten history, another database) is
 * refused: the refusal is recorded centrally and central_error() says
 * why. CENTRAL_OK, CENTRAL_FAILED or CENTRAL_REFUSED.
 */
int central_push(struct central *c, struct store *st, const char *site,
    int batch, struct central_push_result *out);
/* Records per transaction of a push, by default, and at most. */
#define CENTRAL_PUSH_BATCH 1000
#define CENTRAL_PUSH_BATCH_MAX 100000

/* What central_verify found. */
struct central_verify_report {
	int64_t sites, records, leaves;
	int64_t findings; /* problems passed to the callback */
	int64_t refusals; /* pushes the database refused, over all sites */
};

/* Called once per problem or note; the text lives until it returns. */
typedef void (
    *central_finding_fn)(void *arg, const char *site, const char *finding);

/*
 * Recompute every site's chain held centrally, here rather than trusting
 * the database's own checks: each record's hash and link, each batch's
 * leaves and root, the site's head, and that each element's state comes
 * from its last leaf. Refused pushes are passed as notes (not findings).
 * 0 when the check ran, -1 when it could not.
 */
int central_verify(struct central *c, central_finding_fn finding,
    central_finding_fn note, void *arg, struct central_verify_report *out);

/* A site as the central database holds it. */
struct central_site {
	char name[64];
	int64_t head_seq; /* the head of its chain held centrally */
	char head_hash[CENTRAL_HASH_STRLEN];
	int64_t elements; /* its elements (merged ones left out), as
			   * central_materialize counts them into a map */
};

/* Which site each element of a gathered file comes from: element n of
 * the file is element site_id[n - 1] of sites[site_of[n - 1]]. */
struct central_national {
	struct central_site *sites; /* owned */
	size_t n_sites;
	int64_t *site_id;  /* owned */
	uint32_t *site_of; /* owned */
	size_t n_elements, cap;
	size_t at; /* the site of the element added last */
};

/* Read what follows in one snapshot (repeatable read; it writes only
 * temporary tables), until central_snapshot_end. 0 or -1. */
int central_snapshot_begin(struct central *c);
void central_snapshot_end(struct central *c);
/* The name of the snapshot central_snapshot_begin began on c, for another
 * connection to read the same (central_snapshot_join), as long as c's
 * snapshot lasts. 0, or -1 with the error set. */
#define CENTRAL_SNAPSHOT_LEN 64
int central_snapshot_name(struct central *c, char name[CENTRAL_SNAPSHOT_LEN]);
/* central_snapshot_begin on c, in the snapshot named name (from another
 * connection's central_snapshot_name). 0 or -1. */
int central_snapshot_join(struct central *c, const char *name);
/* Every site, by name: a new array of *n (free it), their elements not
 * yet counted. 0 or -1. */
int central_sites(struct central *c, struct central_site **out, size_t *n);
/*
 * Fill st, a new site file, with the central state of site (NULL: every
 * site) for a report under set's packs: scans and what they observed per
 * zone, elements numbered afresh in the order (site, element), and the
 * addresses, evidence and sources of those the report may list (covered
 * by a pack's vendors or by conflicting evidence, or retired). The times
 * of day of last sightings are not in the chain: they read as the day's
 * start. When map is not NULL (its sites set, as central_sites gives
 * them), the numbering goes into it. 0 or -1.
 */
int central_materialize(struct central *c, struct store *st, const char *site,
    const struct policy_set *set, struct central_national *map);
/* Element nid of the gathered file came from element id of site; a live
 * one (not merged) counts in its site's elements. */
void central_map_add(struct central_national *map, const char *site,
    int64_t nid, int64_t id, bool live);
/* Release what map owns. */
void central_national_free(struct central_national *map);
/* One row of COPY TO's text format (len bytes, with its newline),
 * decoded in place: its values into v (NULL for NULL), at most max. The
 * number of values, or -1 for a row that is not whole or well formed. */
int central_copy_row(char *row, size_t len, const char **v, int max);

#endif
