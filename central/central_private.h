/*
 * Inside the central module: the connection and libpq helpers.
 */
#ifndef VRAUDIT_CENTRAL_PRIVATE_H
#define VRAUDIT_CENTRAL_PRIVATE_H

#include <libpq-fe.h>
#include <stdatomic.h>

#include "central/central.h"

struct central {
	PGconn *pg;
	int sock;                     /* for central_abort, from any thread */
	const atomic_bool *interrupt; /* borrowed; NULL: never interrupted */
	char err[2048];
};

/* Set the error (printf format); a trailing newline is dropped. */
void central_set_error(struct central *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The error message of res, or the connection's. */
const char *central_pg_message(struct central *c, const PGresult *res);
/* Run sql with n text parameters; the result when its status is want,
 * otherwise NULL with the error set. */
PGresult *central_exec(struct central *c, const char *sql, int n,
    const char *const *v, ExecStatusType want);
/* Run sql (no parameters, any number of statements): 0 or -1. */
int central_command(struct central *c, const char *sql);
/* -1 with the error set unless the schema is the latest. */
int central_require_schema(struct central *c);

/* Each element of site in the central database against its last leaf
 * (central_state.c): found once per difference; the number of elements
 * checked into *elements. 0 or -1. */
int central_check_state(struct central *c, const char *site,
    void (*found)(void *, const char *), void *arg, int64_t *elements);

#endif
