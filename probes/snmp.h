/*
 * The SNMP sweep: asks a set of targets (addresses, CIDR blocks) for their
 * system group, the private MIBs they implement, ENTITY-MIB chassis and
 * modules, interface MACs and the neighbours they know (LLDP, CDP, ARP,
 * bridge forwarding tables), all asynchronously from one thread with a
 * bounded window of targets in flight.
 *
 * The engine is driven either by the caller's poll() loop (sweep_pollfds,
 * poll, sweep_handle, until sweep_done) or to completion by sweep_run. It
 * sends only to the targets it was given: neighbours learnt from tables are
 * reported, never contacted.
 *
 * The sighting of an agent carries its address (mgmt_ip), sysName, sysDescr,
 * sysObjectID, the ENTITY-MIB chassis row's model, serial and software, a
 * chassis MAC (LLDP's local chassis ID when it is a MAC, else the lowest
 * interface MAC), interface MACs, and raw evidence: sysobjectid, sysdescr,
 * entity-mfg (chassis row: class chassis, contained in nothing), component
 * (other rows' makers), oui (every MAC), engineid (SNMPv3, hex),
 * private-mib (each enterprise subtree 1.3.6.1.4.1.N the agent answers
 * under, but those of generic stacks such as net-snmp's 8072 and 2021:
 * one GETNEXT per subtree, MIB_PRIVATE_MAX = 8 at most, see snmp_private.c).
 *
 * Every octet string read from an agent is wire text (common/text.h): kept
 * verbatim, trailing NUL bytes dropped, whatever bytes it holds.
 *
 * VRAUDIT_SNMP_DEBUG=token,... in the environment turns on net-snmp's own
 * debug tokens (e.g. "usm,sess_process_packet"), logged at debug level.
 */
#ifndef VRAUDIT_PROBES_SNMP_H
#define VRAUDIT_PROBES_SNMP_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/net.h"
#include "common/sighting.h"

struct sweep;

/* Limits of one sweep; sweep_params_init gives the defaults. */
struct sweep_params {
	int64_t timeout_ms; /* per request, before a retry */
	int retries;        /* resends after the first request */
	int max_inflight;   /* targets in flight at once */
	int64_t max_rows;   /* table rows collected per target */
	int bulk_size;      /* GETBULK max-repetitions */
};

/*
 * A neighbour an agent reported; protocol is "lldp", "cdp", "arp" or "fdb".
 * local_port is the agent's side (LLDP local port number, CDP or ARP
 * ifIndex, bridge port), remote_port the neighbour's (LLDP port ID, CDP
 * device port); either may be NULL. The sweep owns every pointer.
 */
struct sweep_neighbour {
	struct sighting *sighting;
	const char *protocol; /* static */
	char *local_port;
	char *remote_port;
};

/* What went wrong in an answering target's walks (sweep_result.notes). */
enum sweep_note {
	SWEEP_NOTE_NO_SYSTEM = 1 << 0,    /* no system group */
	SWEEP_NOTE_WRONG_TYPE = 1 << 1,   /* a system value of the wrong type */
	SWEEP_NOTE_ERROR_STATUS = 1 << 2, /* an error status ended a request */
	SWEEP_NOTE_BAD_VALUES = 1 << 3,   /* table values skipped */
	SWEEP_NOTE_BROKEN_WALK = 1 << 4,  /* non-increasing or too long OIDs */
	SWEEP_NOTE_BUDGET = 1 << 5,       /* the row budget cut the tables */
	SWEEP_NOTE_TIMEOUT = 1 << 6,      /* it stopped answering mid-walk */
	SWEEP_NOTE_LOST = 1 << 7,         /* a request was lost */
	SWEEP_NOTE_FAILED = 1 << 8,       /* it failed after answering */
	SWEEP_NOTE_PRIVATE_MIB = 1 << 9,  /* the private MIB discovery broke
					     off or was cut */
};

/* The notes that leave tables unread: the row budget ran out, or the agent
 * stopped answering, lost a request or failed before the walks ended. A
 * private MIB discovery that broke off is not one: the walks follow it. */
#define SWEEP_NOTES_CUT                                                        \
	(SWEEP_NOTE_BUDGET | SWEEP_NOTE_TIMEOUT | SWEEP_NOTE_LOST |            \
	    SWEEP_NOTE_FAILED)

/*
 * What one answering target gave. Everything is owned by the sweep and is
 * valid only during the on_element call: the callee copies what it keeps,
 * or takes a sighting (the element's or a neighbour's) by setting the
 * pointer to NULL, and then frees it with sighting_free.
 *
 * detail says, "; "-separated, how the system GET went ("system: 3 of 3
 * values", "system: no system group", "sysDescr: wrong type ...") and why
 * each walk stopped: "ifPhysAddress: end of table, 4 rows", with ", N bad
 * values skipped" when values of the wrong type or length were left out;
 * the reasons are "end of table", "endOfMibView", "non-increasing OID",
 * "OID too long", "row budget", "past the first column's rows", "empty
 * response", "error status NAME", "timeout mid-walk" and "request lost";
 * an agent that falls silent after answering the system GET but before the
 * walks says "system: timeout after answering" (SWEEP_NOTE_TIMEOUT).
 * A walk's rows count every value it read, kept or not; a noSuchObject or
 * noSuchInstance in a table is a bad value but no row. The row budget
 * (max_rows) pays for a table's rows once, in the walk of its first
 * column, and is cut ("row budget", SWEEP_NOTE_BUDGET) only when a row
 * comes that it cannot pay for; each later column of the table reads at
 * most as many values as the first read rows, and stops on the next one
 * ("past the first column's rows": a sparse first column, or an agent
 * answering more than it has). The private MIB discovery, between the
 * system GET and the walks, says how it ended, how many requests it took,
 * the enterprise numbers found and the generic stacks stepped past:
 * "private MIBs: endOfMibView, 4 requests, found 2011, stepped past 2021
 * 8072"; it ends well on "end of enterprises" (an answer past 1.3.6.1.4.1, or
 * SNMPv1's noSuchName) and "endOfMibView", and is cut (notes
 * SWEEP_NOTE_PRIVATE_MIB) on "request bound", "row budget", "non-increasing
 * OID", "OID too long", "bad value", "bad enterprise number", "empty
 * response", "error status NAME", "timeout" and "request lost". Each
 * subtree answered is a row of the budget; the walks follow however it
 * ended, unless the row budget is spent or the library lost the request.
 */
struct sweep_result {
	const char *address; /* target address, canonical text */
	uint16_t port;
	const char *section;      /* [target NAME], or NULL */
	const char *zone;         /* or NULL */
	struct sighting *element; /* the agent itself */
	struct sweep_neighbour *neighbours;
	size_t n_neighbours;
	int64_t rows; /* table rows read and private subtrees: the budget */
	const char *detail;
	unsigned notes; /* enum sweep_note: 0 when every walk ended well */
};

/*
 * Called from within sweep_pollfds, sweep_handle and sweep_run; they may add
 * targets but must not free the sweep.
 */
struct sweep_callbacks {
	/* Once per target that answered (even if only in part). */
	void (*on_element)(void *ctx, struct sweep_result *result);
	/*
	 * Once per target that did not answer or failed: reason is "timeout",
	 * "timeout (no answer to SNMPv3 engineID discovery)", net-snmp's text
	 * ("Authentication failure (incorrect password, community or key)",
	 * "Unknown user name", ...) or a set-up error. engine_id is the hex
	 * SNMPv3 engineID when one was learnt, else NULL; zone the target
	 * section's zone, or NULL. All borrowed.
	 */
	void (*on_failure)(void *ctx, const char *address, uint16_t port,
	    const char *section, const char *zone, const char *reason,
	    const char *engine_id);
};

/* Counters of a sweep. */
struct sweep_stats {
	uint64_t targets;  /* added, each address (and port) once: those
			    * listed again are counted once all are started */
	uint64_t repeated; /* addresses listed again, not asked again */
	uint64_t answered; /* delivered through on_element */
	uint64_t failed;   /* delivered through on_failure */
	uint64_t rows;     /* table rows over all targets */
	uint64_t requests; /* PDUs sent (retries not counted) */
};

/*
 * How to ask one set of targets: a [target NAME] section of the
 * configuration or the command line's options. Strings are borrowed;
 * sweep_cred_add copies them.
 */
struct sweep_cred {
	const char *section; /* the section's name, for results */
	uint16_t port;       /* default port of addresses without one; 0: 161 */
	int version;         /* 1, 2 (= 2c) or 3; 0: 2 */
	const char *community; /* v1/v2c, secret */
	const char *user;      /* v3 */
	const char *auth;      /* v3: MD5, SHA, SHA-224 .. SHA-512, or NULL */
	const char *auth_key;  /* secret */
	const char *priv;      /* v3: DES, AES-128, AES-192, AES-256, or NULL */
	const char *priv_key;  /* secret */
	const char *zone;      /* zone of what it finds, or NULL */
};

/* Defaults: timeout 1 s, 1 retry, 1024 in flight, 100000 rows, GETBULK asking
 * for 25 rows. */
void sweep_params_init(struct sweep_params *p);

/* A new empty sweep (net-snmp is set up on first use); cb is copied. */
struct sweep *sweep_new(const struct sweep_params *p,
    const struct sweep_callbacks *cb, void *ctx);
/* Keep a copy of credentials for the targets added with it; returns their
 * handle. */
size_t sweep_cred_add(struct sweep *sw, const struct sweep_cred *cred);
/*
 * Add targets: spec is an address, "host:port" ("[v6]:port"), or a CIDR block
 * (network and broadcast addresses of IPv4 blocks shorter than /31 are
 * skipped), asked with the credentials of handle cred. 0, or -1 with a
 * message in err.
 */
int sweep_add(struct sweep *sw, size_t cred, const char *spec, char *err,
    size_t errlen);
/* Add the addresses of block on port (0: the credentials' port), as
 * sweep_add would; label names the block in errors. 0 or -1 with err. */
int sweep_add_block(struct sweep *sw, size_t cred, const struct cidr *block,
    uint16_t port, const char *label, char *err, size_t errlen);

/* Start what can start and give the descriptors to poll and the poll
 * timeout in ms (-1: none). The array belongs to the sweep and stays valid
 * until the next call. 0, or -1 on failure. */
int sweep_pollfds(struct sweep *sw, struct pollfd **fds, size_t *n,
    int *timeout_ms);
/* Read the descriptors poll marked ready, drive timeouts and retries, finish
 * targets (calling the callbacks) and start queued ones. 0 or -1. */
int sweep_handle(struct sweep *sw, const struct pollfd *fds, size_t n);
/* True when every target has been delivered. */
bool sweep_done(const struct sweep *sw);
/* Run to completion with poll(); 0, or -1 on a failure of the loop itself. */
int sweep_run(struct sweep *sw);
/* Counters so far. */
void sweep_stats(const struct sweep *sw, struct sweep_stats *st);
/* Close every session and release the sweep; NULL is fine. */
void sweep_free(struct sweep *sw);

/* Which SNMPv3 protocols this net-snmp provides, e.g. "auth MD5 SHA ...". */
const char *sweep_v3_protocols(void);

#endif
