/*
 * What the sweep scheduler (snmp.c) and the job machine (snmp_job.c) share:
 * the sweep's state, and one target in flight with its net-snmp session.
 * Private to the SNMP sweep.
 */
#ifndef VRAUDIT_PROBES_SNMP_JOB_H
#define VRAUDIT_PROBES_SNMP_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/net.h"
#include "probes/snmp.h"
#include "probes/snmp_lib.h"
#include "probes/snmp_mib.h"

#define TOK "snmp"

/* Credentials and naming of one [target] section or command-line target.
 * Owns every string. */
struct cred {
	int version; /* 1, 2 or 3 */
	uint16_t port;
	char *community;
	char *user;
	char *auth;
	char *auth_key;
	char *priv;
	char *priv_key;
	char *zone;
	char *section;
};

/* Addresses [first, first + count) of a block, all with the same port. */
struct range {
	struct cidr cidr;
	uint16_t port;
	uint64_t first;
	uint64_t count;
	size_t cred;
};

/* Owns its credentials, ranges, jobs and arrays. */
struct sweep {
	struct sweep_params p;
	struct sweep_callbacks cb;
	void *ctx;

	struct cred **creds; /* each owned; jobs point at them */
	size_t n_creds;
	struct range *ranges;
	size_t n_ranges;
	size_t next_range; /* the next address to start: range and offset */
	uint64_t next_off;

	struct job **active;
	size_t n_active;
	struct job **by_fd;
	size_t n_by_fd;
	struct pollfd *pfds;
	size_t n_pfds;
	netsnmp_large_fd_set lfs;
	struct sweep_stats st;
};

/* engineID discovery (SNMPv3), system GET, private MIB discovery, walks */
enum phase { PH_DISCOVER, PH_SYSTEM, PH_PRIVATE, PH_WALK, PH_DONE };

/* One target in flight. Owns its session, what it collected (mib) and its
 * texts. */
struct job {
	struct sweep *sw;
	size_t range; /* index in sw->ranges it came from */
	char addr[IP_STRLEN];
	int family;
	uint16_t port;
	char peer[IP_STRLEN + 16];
	const struct cred *cred;
	void *sess;
	int fd;

	enum phase phase;
	bool waiting;     /* a request is outstanding */
	int reqid;        /* of that request: answers to others are stale */
	int64_t deadline; /* clock_ms() after which the request is lost */
	bool answered;    /* a response PDU came back */
	char *failure;    /* why it ended without an answer */

	char *engine_id; /* hex */
	bool usm_user;   /* installed the USM user for (engine_id, user) */
	bool deferred;   /* waiting for another target's USM user to go */

	struct mib mib;
};

/* Set net-snmp up once: numeric OIDs, no files, its log into ours. */
void job_lib_init(void);
/* Start address off of range number range: open its session and send the
 * first request. A job that cannot start is returned done, with its
 * failure. */
struct job *job_start(struct sweep *sw, size_t range, uint64_t off);
/* Send the job's next request, or mark it done. */
void job_next(struct job *j);
/* Its descriptor's share of sw->lfs, and the time until its next timer
 * into *best (ms; -1: none yet), given the time now. */
void job_poll_timeout(struct job *j, int64_t now, int64_t *best);
/* Read what arrived on its descriptor. */
void job_read(struct job *j);
/* Drive the library's resends and timeouts; a request past its deadline
 * is lost. */
void job_timeout(struct job *j, int64_t now);
/* Deliver a finished job to the callbacks. */
void job_deliver(struct job *j);
/* Close its session and release it. */
void job_free(struct job *j);

/* Remember which job owns descriptor fd (NULL: none). */
void sweep_fd_set(struct sweep *sw, int fd, struct job *j);
/* Is (addr, port) inside the target range it was started from? */
bool sweep_in_scope(const struct sweep *sw, size_t range, const char *addr,
    uint16_t port);

#endif
