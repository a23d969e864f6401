/*
 * What the SNMP agent tests share: callbacks that keep what a sweep
 * delivers, look-ups over it, credentials and sweeps as the tests make
 * them, and the check for a tool a test binary needs.
 */
#ifndef VRAUDIT_TESTS_LIB_SNMP_COLLECT_H
#define VRAUDIT_TESTS_LIB_SNMP_COLLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/net.h"
#include "probes/snmp.h"

/* A neighbour as delivered; owns its sighting and ports. */
struct nb {
	struct sighting *s;
	char protocol[8];
	char *local_port;
	char *remote_port;
};

/* An answering target as delivered; owns everything it points to. */
struct element {
	char address[IP_STRLEN];
	uint16_t port;
	char *zone;
	char *section;
	char *detail;
	int64_t rows;
	unsigned notes; /* enum sweep_note */
	struct sighting *s;
	struct nb *nb;
	size_t n_nb;
};

/* A target that failed; owns its texts. */
struct failure {
	char address[IP_STRLEN];
	uint16_t port;
	char *reason;
	char *engine_id;
};

/* Everything a sweep delivered (the callbacks' ctx). */
struct collect {
	struct element el[32];
	size_t n_el;
	struct failure fail[32];
	size_t n_fail;
};

/* sweep_callbacks.on_element: keep the result, taking its sightings. */
void on_element(void *ctx, struct sweep_result *r);
/* sweep_callbacks.on_failure: keep the failure. */
void on_failure(void *ctx, const char *address, uint16_t port,
    const char *section, const char *zone, const char *reason,
    const char *engine_id);
/* Release what c holds and empty it. */
void collect_free(struct collect *c);
/* The element delivered for address; the test fails without one. */
const struct element *element_at(const struct collect *c, const char *address);
/* The failure delivered for address; the test fails without one. */
const struct failure *failure_at(const struct collect *c, const char *address);

/* Does s hold evidence kind with this value? */
bool has_input(const struct sighting *s, enum evidence_kind kind,
    const char *value);
/* How much evidence of kind s holds. */
size_t count_inputs(const struct sighting *s, enum evidence_kind kind);
/* Does s hold this address? */
bool has_addr(const struct sighting *s, enum addr_kind kind, const char *value);
/* e's neighbour by protocol and sysName; the test fails without one. */
const struct nb *neighbour_named(const struct element *e, const char *protocol,
    const char *name);
/* e's neighbour by protocol and address; the test fails without one. */
const struct nb *neighbour_with_addr(const struct element *e,
    const char *protocol, enum addr_kind kind, const char *addr);
/* How many neighbours of e came by protocol. */
size_t count_neighbours(const struct element *e, const char *protocol);

/* SNMPv2c credentials with community "public". */
struct sweep_cred community(const char *name, const char *zone);
/* SNMPv3 credentials (section "v3", zone "ran"). */
struct sweep_cred usm(const char *user, const char *auth, const char *auth_key,
    const char *priv, const char *priv_key);
/* A sweep delivering into c (emptied) with these limits. */
struct sweep *sweep_for(struct collect *c, int64_t timeout_ms, int retries,
    int64_t max_rows);
/* Add spec with a copy of t; the test fails if the sweep refuses it. */
void add(struct sweep *sw, const char *spec, const struct sweep_cred *t);

/* The source tree (VRAUDIT_SOURCE_ROOT, else "."). */
const char *source_root(void);
/* True, after saying so on stderr for the binary me, when program is not
 * on the PATH: the binary then exits 77 (skipped). */
bool tool_missing(const char *me, const char *program, const char *package);

#endif
