/*
 * MIB tables to sightings: the part of the SNMP sweep that needs no agent.
 *
 * A target's answers are fed in as net-snmp varbind lists: the GET of the
 * system scalars (mib_system), the private MIB discovery (mib_private_start,
 * mib_private, mib_private_end; snmp_private.c), then one walk after
 * another over the columns of mib_walks (mib_walk_start, mib_walk,
 * mib_walk_next). Values go into rows by table index; ARP and
 * forwarding-table rows become neighbours at once. mib_assemble then turns
 * the rows into the element's own data and its LLDP and CDP neighbours.
 * Nothing here opens a session or sends a packet: the job machine
 * (snmp_job.c) does, and tests drive this part with varbinds they build
 * themselves.
 *
 * Every octet string read from an agent becomes wire text
 * (text_from_wire, common/text.h).
 */
#ifndef VRAUDIT_PROBES_SNMP_MIB_H
#define VRAUDIT_PROBES_SNMP_MIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/text.h"
#include "common/util.h"
#include "probes/snmp.h"
#include "probes/snmp_lib.h"

#define MIB_NCOL 7        /* columns kept of one table, at most */
#define MIB_IDX_MAX 48    /* longest index kept (LLDP management addresses) */
#define MIB_MACS_MAX 4096 /* interface MACs kept on one element */
#define MIB_PRIVATE_MAX 8 /* GETNEXT requests of the private MIB discovery */

/* Where each CDP cache column is kept in a row. */
enum mib_cdp_col {
	MIB_CDP_ADDR_TYPE,
	MIB_CDP_ADDR,
	MIB_CDP_VERSION,
	MIB_CDP_DEVICE_ID,
	MIB_CDP_DEVICE_PORT,
	MIB_CDP_PLATFORM,
};

/* The tables read column by column, and the groups of walks over them. */
enum mib_table {
	MIB_T_ENTITY,
	MIB_T_IF,
	MIB_T_LLDP,
	MIB_T_LLDPMAN,
	MIB_T_CDP,
	MIB_T_ARP,
	MIB_T_ARP6,
	MIB_T_FDB,
	MIB_T_QFDB,
	MIB_T_COUNT
};

/*
 * One walk: a column, the table it fills and where its value goes. The
 * walks of a table follow one another; the first pays for the table's
 * rows out of the row budget, and each later one reads at most as many
 * values as the first read rows, so that a row costs the budget once
 * however many columns are read of it.
 */
struct mib_walk_def {
	const char *name;
	oid base[16];
	size_t base_len;
	enum mib_table table;
	int group;    /* skipped when the group's first walk is empty */
	int slot;     /* where the value goes in its table's rows */
	bool integer; /* the column is an INTEGER, else an OCTET STRING */
};

/* The walks in the order they are made. */
extern const struct mib_walk_def mib_walks[];
extern const size_t mib_n_walks;

/* The system scalars asked for in one GET, a bit each in mib.ask. */
enum mib_scalar {
	MIB_S_DESCR,
	MIB_S_OBJECTID,
	MIB_S_NAME,
	MIB_S_LLDP_SUBTYPE,
	MIB_S_LLDP_CHASSIS,
	MIB_S_COUNT
};

struct mib_scalar_def {
	const char *name;
	oid oid[12];
	size_t len;
};

extern const struct mib_scalar_def mib_scalars[MIB_S_COUNT];

/* One value of a table cell, copied out of the response. Owns val. */
struct mib_cell {
	int64_t ival;
	u_char *val; /* for strings */
	size_t len;
	u_char type; /* ASN type, 0 when absent */
};

/* One row of a table. Owns idx and its cells. */
struct mib_row {
	oid *idx;
	size_t idx_len;
	size_t nb; /* the neighbour made of it, + 1; 0 = none */
	struct mib_cell cell[MIB_NCOL];
};

/* Rows of one table by index: an array and an open-addressing hash over
 * it. Owns both. */
struct mib_rowset {
	struct mib_row *rows;
	size_t n;
	size_t cap;
	size_t *slot; /* row number + 1, 0 = empty */
	size_t nslot; /* a power of two, at least twice n */
};

/* The row of rs with this index, or NULL. */
struct mib_row *mib_rows_find(const struct mib_rowset *rs, const oid *idx,
    size_t len);
/* The row of rs with this index, made when missing. */
struct mib_row *mib_rows_get(struct mib_rowset *rs, const oid *idx, size_t len);
/* Release the rows and what they own; rs is empty again. */
void mib_rows_finish(struct mib_rowset *rs);

/*
 * What one target's answers add up to. Owns the element, the neighbours
 * (their sightings and ports), the rows and the detail. The job machine
 * reads and sets ask, ask_again, cur, cur_len, walk_end and bulk between
 * requests; everything else is this module's. The private MIB discovery
 * uses cur, cur_len, walk_end and walk_stop as a walk does.
 */
struct mib {
	struct sighting *element;
	int version;      /* 1, 2 or 3: SNMPv1 ends walks differently */
	int64_t max_rows; /* row budget over all walks */

	unsigned ask;   /* system scalars still to ask for */
	bool ask_again; /* an SNMPv1 agent refused one of them */

	size_t walk;          /* index into mib_walks */
	oid cur[MAX_OID_LEN]; /* where the walk in progress is */
	size_t cur_len;
	bool walk_end;     /* the current walk is over */
	int64_t walk_rows; /* values read by the current walk */
	int64_t walk_bad;
	bool walk_first;       /* it is the first column of its table */
	int64_t walk_max;      /* values it may read before it is cut */
	int64_t first_rows;    /* rows read by its table's first column */
	const char *walk_stop; /* why the current walk stopped */
	bool budget_spent;
	long bulk; /* GETBULK max-repetitions, halved on tooBig */

	int priv_requests; /* GETNEXTs of the private MIB discovery */
	bool priv_wrong;   /* it ended on a broken answer, a cut or silence */
	long priv_errstat; /* the error status that ended it, or 0 */
	uint32_t priv_found[MIB_PRIVATE_MAX]; /* enterprises implemented */
	size_t n_priv_found;
	uint32_t priv_past[MIB_PRIVATE_MAX]; /* generic stacks stepped past */
	size_t n_priv_past;

	int64_t rows;         /* budget spent: subtrees found, table rows */
	unsigned notes;       /* enum sweep_note */
	struct strbuf detail; /* "; "-separated, see sweep_result */

	uint8_t lldp_mac[MAC_LEN];
	bool have_lldp_mac;
	long lldp_subtype;
	uint8_t low_mac[MAC_LEN];
	bool have_low_mac;
	size_t n_macs;       /* interface MACs kept on the element */
	size_t macs_dropped; /* and those beyond MIB_MACS_MAX */

	struct mib_rowset tab[MIB_T_COUNT];
	struct sweep_neighbour *nb;
	size_t n_nb;
	size_t nb_cap;
};

/* Start collecting for element (taken: m owns it now); every scalar is to
 * be asked for. */
void mib_init(struct mib *m, struct sighting *element, int version,
    int64_t max_rows, long bulk);
/* Release what m owns (the element too, unless taken: set it to NULL). */
void mib_finish(struct mib *m);
/* Append "; what" to the detail. */
void mib_note(struct mib *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The answer to the system GET: error status and index, and its varbinds. */
void mib_system(struct mib *m, long errstat, long errindex,
    const netsnmp_variable_list *vars);

/*
 * Start the private MIB discovery: which enterprise subtrees
 * (1.3.6.1.4.1.N) the agent implements, one GETNEXT each, from
 * enterprises, at most MIB_PRIVATE_MAX requests.
 */
void mib_private_start(struct mib *m);
/* One answer to the discovery: the subtree found, as private-mib evidence
 * unless a generic stack's, and where to ask next; sets walk_end when it
 * is over. */
void mib_private(struct mib *m, long errstat,
    const netsnmp_variable_list *vars);
/* The discovery's request went unanswered; why is "timeout" or "request
 * lost" (static). */
void mib_private_cut(struct mib *m, const char *why);
/* Note how the discovery ended; false when the row budget is spent. */
bool mib_private_end(struct mib *m);

/* Start walk number walk of mib_walks from its column's base. */
void mib_walk_start(struct mib *m, size_t walk);
/* One answer to the walk in progress; sets walk_end when it is over. */
void mib_walk(struct mib *m, long errstat, const netsnmp_variable_list *vars);
/* Note how the walk that just ended went and start the next one (a group
 * whose first column was empty is skipped); false when there is none or
 * the row budget is spent. */
bool mib_walk_next(struct mib *m);
/* How many more values the walk in progress may read before it is cut. */
int64_t mib_walk_left(const struct mib *m);
/* The name of the walk in progress. */
const char *mib_walk_name(const struct mib *m);

/* A new neighbour of m's element, second hand, in its zone: source and
 * protocol are static strings. */
struct sweep_neighbour *mib_neighbour_add(struct mib *m, const char *source,
    const char *protocol);
/* An OCTET STRING cell as text (common/text.h), new; NULL for another
 * type. */
char *mib_cell_text(const struct mib_cell *c);
/* The CDP cache rows as neighbours (snmp_cdp.c). */
void mib_cdp_assemble(struct mib *m);

/* Once all answers are in: the element's data from ENTITY-MIB and its
 * chassis MAC, the LLDP and CDP neighbours, and engine_id (hex, or NULL)
 * as evidence. */
void mib_assemble(struct mib *m, const char *engine_id);

#endif
