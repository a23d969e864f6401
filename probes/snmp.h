/*
 * The SNMP sweep: asks a set of targets (addresses, CIDR blocks) for their
 * system group, ENTITY-MIB chassis and modules, interface MACs and the
 * neighbours they know (LLDP, CDP, ARP, bridge forwarding tables), all
 * asynchronously from one thread with a bounded window of targets in flight.
 *
 * The engine is driven either by the caller's poll() loop (sweep_pollfds,
 * poll, sweep_handle, until sweep_done) or to completion by sweep_run. It
 * sends only to the targets it was given: neighbours learnt from tables are
 * reported, never contacted.
 *
 * Text read from agents is handed on as it came when it is valid UTF-8
 * without NUL bytes. Otherwise every NUL byte and every byte that is not
 * part of a valid UTF-8 sequence is written as "\xNN" and a backslash as
 * "\\", so the text is always valid UTF-8 and escapes can be told apart from
 * the agent's own backslashes. Trailing NUL bytes (C strings sent with their
 * terminator) are dropped.
 */
#ifndef VRAUDIT_PROBES_SNMP_H
#define VRAUDIT_PROBES_SNMP_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "sighting.h"

struct sweep;

/* Limits of one sweep; sweep_params_init gives the defaults of [snmp]. */
struct sweep_params {
	int64_t timeout_ms;	/* per request, before a retry */
	int retries;		/* resends after the first request */
	int max_inflight;	/* targets in flight at once */
	int64_t max_rows;	/* table rows collected per target */
	int bulk_size;	/* GETBULK max-repetitions */
};

/* A neighbour an agent reported; protocol is "lldp", "cdp", "arp" or "fdb". */
struct sweep_neighbour {
	struct sighting *sighting;	/* owned by the sweep */
	const char *protocol;		/* static */
	char *local_port;		/* on the agent: ifIndex, LLDP port or bridge port; owned, may be NULL */
	char *remote_port;		/* on the neighbour (LLDP port ID, CDP port); owned, may be NULL */
};

/*
 * What one answering target gave. Everything is owned by the sweep and is
 * valid only during the on_element call: the callee copies what it keeps
 * (or takes a sighting by setting the pointer to NULL, then frees it itself).
 */
struct sweep_result {
	const char *address;		/* target address, canonical text */
	uint16_t port;
	const char *section;		/* [target NAME], or NULL */
	const char *zone;		/* or NULL */
	struct sighting *element;	/* the agent itself */
	struct sweep_neighbour *neighbours;
	size_t n_neighbours;
	int64_t rows;			/* table rows collected */
	const char *detail;		/* why each walk stopped, "; "-separated */
};

struct sweep_callbacks {
	/* Once per target that answered. */
	void (*on_element)(void *ctx, struct sweep_result *result);
	/* Once per target that did not answer or failed; reason is borrowed.
	 * engine_id is the hex SNMPv3 engineID when one was learnt, else NULL. */
	void (*on_failure)(void *ctx, const char *address, uint16_t port,
	    const char *section, const char *reason, const char *engine_id);
};

/* Counters of a sweep. */
struct sweep_stats {
	uint64_t targets;	/* added */
	uint64_t answered;	/* delivered through on_element */
	uint64_t failed;	/* delivered through on_failure */
	uint64_t rows;		/* table rows over all targets */
	uint64_t requests;	/* PDUs sent (retries not counted) */
};

/* Defaults: timeout 1 s, 1 retry, 1024 in flight, 100000 rows, GETBULK asking for 25 rows. */
void sweep_params_init(struct sweep_params *p);
/* The [snmp] section's values. */
void sweep_params_from_config(struct sweep_params *p, const struct config *cfg);

/* A new empty sweep; callbacks are copied; NULL when net-snmp cannot start. */
struct sweep *sweep_new(const struct sweep_params *p,
    const struct sweep_callbacks *cb, void *ctx);
/*
 * Add targets: spec is an address, "host:port" ("[v6]:port"), or a CIDR block
 * (network and broadcast addresses of IPv4 blocks shorter than /31 are
 * skipped). Credentials, default port, zone and section name come from cred.
 * 0, or -1 with a message in err.
 */
int sweep_add(struct sweep *sw, const char *spec,
    const struct config_target *cred, char *err, size_t errlen);
/* Add every address of every [target] section; 0 or -1 with err. */
int sweep_add_config(struct sweep *sw, const struct config *cfg,
    char *err, size_t errlen);

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
