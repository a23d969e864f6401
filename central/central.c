/*
 * The central database: the connection, the schema's migrations and the
 * sites' registration. Every value travels as a parameter.
 */
#include "central/central.h"

#include <stdarg.h>
#include <stdio.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>

#include "central/central_private.h"
#include "central/central_schema.h"
#include "common/util.h"
#include "config/config.h"

/* The advisory lock that serialises migrations. */
#define MIGRATE_LOCK "7261756469740001"

void
central_set_error(struct central *c, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	/* libpq's messages end with a newline and may span lines: one
	 * line. */
	n = strlen(c->err);
	while (n > 0 && (c->err[n - 1] == '\n' || c->err[n - 1] == ' '))
		c->err[--n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (c->err[i] == '\n' || c->err[i] == '\t')
			c->err[i] = ' ';
}

/* Notices (a server shutting down, say) are not ours to print: the
 * error that follows says what matters. */
static void
ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

const char *
central_error(const struct central *c)
{
	return c->err;
}

/* libpq's message of res (or of the connection), one line. */
const char *
central_pg_message(struct central *c, const PGresult *res)
{
	const char *m = res != NULL ? PQresultErrorMessage(res) : "";
	const char *state =
	    res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	/* The central database's own checks say all in their message: no
	 * "ERROR:" before it, no PL/pgSQL context after. */
	if (state != NULL && strncmp(state, "VA", 2) == 0 &&
	    PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) != NULL)
		return PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

	if (m == NULL || *m == '\0')
		m = PQerrorMessage(c->pg);
	return m;
}

PGresult *
central_exec(struct central *c, const char *sql, int n, const char *const *v,
    ExecStatusType want)
{
	PGresult *res = PQexecParams(c->pg, sql, n, NULL, v, NULL, NULL, 0);

	if (PQresultStatus(res) != want) {
		central_set_error(c, "%s", central_pg_message(c, res));
		PQclear(res);
		return NULL;
	}
	return res;
}

int
central_command(struct central *c, const char *sql)
{
	PGresult *res = PQexec(c->pg, sql);
	ExecStatusType st = PQresultStatus(res);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		central_set_error(c, "%s", central_pg_message(c, res));
		PQclear(res);
		return -1;
	}
	PQclear(res);
	return 0;
}

struct central *
central_connect(const struct config *cfg, char *err, size_t errlen)
{
	const char *keys[9], *vals[9];
	struct central *c;
	int k = 0;

	if (cfg->central_url == NULL) {
		snprintf(err, errlen, "%s: no [central] section with a url",
		    cfg->path != NULL ? cfg->path : "configuration");
		return NULL;
	}
	/* Before the URI, which may set them otherwise: a peer gone silent
	 * (a dead link, a firewall that forgot the connection) ends a
	 * statement within about a minute rather than TCP's quarter of an
	 * hour, so that a push, the daemon's among them, fails and retries. */
	keys[k] = "keepalives_idle";
	vals[k++] = "30";
	keys[k] = "keepalives_interval";
	vals[k++] = "10";
	keys[k] = "keepalives_count";
	vals[k++] = "3";
	keys[k] = "tcp_user_timeout";
	vals[k++] = "60000";
	keys[k] = "dbname";
	vals[k++] = cfg->central_url;
	if (cfg->central_password != NULL) {
		keys[k] = "password";
		vals[k++] = cfg->central_password;
	}
	keys[k] = "application_name";
	vals[k++] = "vraudit";
	keys[k] = "connect_timeout";
	vals[k++] = "10";
	keys[k] = NULL;
	vals[k] = NULL;
	c = xcalloc(1, sizeof(*c));
	c->sock = -1;
	c->pg = PQconnectdbParams(keys, vals, 1);
	if (c->pg == NULL || PQstatus(c->pg) != CONNECTION_OK) {
		central_set_error(c,
		    "central database (host %s, database %s): %s",
		    c->pg != NULL && PQhost(c->pg) != NULL ? PQhost(c->pg)
							   : "?",
		    c->pg != NULL && PQdb(c->pg) != NULL ? PQdb(c->pg) : "?",
		    c->pg != NULL ? PQerrorMessage(c->pg) : "out of memory");
		snprintf(err, errlen, "%s", c->err);
		central_close(c);
		return NULL;
	}
	PQsetNoticeProcessor(c->pg, ignore_notice, NULL);
	c->sock = PQsocket(c->pg);
	return c;
}

void
central_set_interrupt(struct central *c, const atomic_bool *flag)
{
	c->interrupt = flag;
}

int
central_abort(struct central *c)
{
	/* Not a cancel request: that needs a connection of its own to the
	 * server and waits for its answer, which a server gone silent (a
	 * dead link, a stopped host) never gives. Shutting the socket down
	 * ends at once whatever waits on it; the server rolls the
	 * transaction back when it sees the connection gone. */
	return c->sock >= 0 ? shutdown(c->sock, SHUT_RDWR) : -1;
}

void
central_close(struct central *c)
{
	if (c == NULL)
		return;
	if (c->pg != NULL)
		PQfinish(c->pg);
	free(c);
}

int
central_schema_latest(void)
{
	return (int)central_schema_n_migrations;
}

int
central_schema_version(struct central *c, int *found)
{
	PGresult *res;

	*found = 0;
	if ((res = central_exec(c,
		 "SELECT value FROM vraudit.meta WHERE key = 'version' AND "
		 "to_regclass('vraudit.meta') IS NOT NULL",
		 0, NULL, PGRES_TUPLES_OK)) == NULL) {
		/* No schema yet: the table does not exist. */
		PGresult *probe = central_exec(c,
		    "SELECT to_regclass('vraudit.meta') IS NULL", 0, NULL,
		    PGRES_TUPLES_OK);

		if (probe != NULL &&
		    strcmp(PQgetvalue(probe, 0, 0), "t") == 0) {
			PQclear(probe);
			return 0;
		}
		PQclear(probe);
		return -1;
	}
	if (PQntuples(res) == 1)
		*found = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

/* The server encoding must hold any text a record holds. */
static int
check_encoding(struct central *c)
{
	const char *enc = PQparameterStatus(c->pg, "server_encoding");

	if (enc == NULL || strcmp(enc, "UTF8") != 0) {
		central_set_error(c,
		    "the central database's encoding is %s, vraudit needs "
		    "UTF8 (createdb -E UTF8)",
		    enc != NULL ? enc : "unknown");
		return -1;
	}
	return 0;
}

int
central_migrate(struct central *c, int *from, int *to)
{
	int version;

	*from = *to = 0;
	if (check_encoding(c) < 0 ||
	    central_command(c,
		"SELECT pg_advisory_lock(x'" MIGRATE_LOCK "'::bigint)") < 0)
		return -1;
	if (central_schema_version(c, &version) < 0)
		goto fail;
	*from = *to = version;
	if (version > central_schema_latest()) {
		central_set_error(c,
		    "the central schema is version %d, newer than this "
		    "vraudit's %d",
		    version, central_schema_latest());
		goto fail;
	}
	for (int v = version + 1; v <= central_schema_latest(); v++) {
		char num[16];
		const char *p[] = { num };
		PGresult *res;

		snprintf(num, sizeof(num), "%d", v);
		if (central_command(c, "BEGIN") < 0)
			goto fail;
		res = PQexec(c->pg, central_schema_migrations[v - 1].sql);
		if (PQresultStatus(res) != PGRES_COMMAND_OK &&
		    PQresultStatus(res) != PGRES_TUPLES_OK) {
			central_set_error(c,
			    "central schema version %d (%s): %s", v,
			    central_schema_migrations[v - 1].name,
			    central_pg_message(c, res));
			PQclear(res);
			goto rollback;
		}
		PQclear(res);
		if ((res = central_exec(c,
			 "INSERT INTO vraudit.meta (key, value) VALUES "
			 "('version', $1) ON CONFLICT (key) DO UPDATE SET "
			 "value = excluded.value",
			 1, p, PGRES_COMMAND_OK)) == NULL)
			goto rollback;
		PQclear(res);
		if (central_command(c, "COMMIT") < 0)
			goto fail;
		*to = v;
	}
	central_command(c,
	    "SELECT pg_advisory_unlock(x'" MIGRATE_LOCK "'::bigint)");
	return 0;
rollback:
	PQclear(PQexec(c->pg, "ROLLBACK"));
fail:
	PQclear(PQexec(c->pg,
	    "SELECT pg_advisory_unlock(x'" MIGRATE_LOCK "'::bigint)"));
	return -1;
}

int
central_require_schema(struct central *c)
{
	int version;

	if (central_schema_version(c, &version) < 0)
		return -1;
	if (version != central_schema_latest()) {
		central_set_error(c,
		    "the central schema is version %d, this vraudit needs %d "
		    "(vraudit central migrate)",
		    version, central_schema_latest());
		return -1;
	}
	return 0;
}

int
central_add_site(struct central *c, const char *site, const char *role)
{
	const char *p[] = { site, role };
	PGresult *res;

	if (central_require_schema(c) < 0)
		return -1;
	res = central_exec(c, "SELECT vraudit.add_site($1, $2)", 2, p,
	    PGRES_TUPLES_OK);
	PQclear(res);
	return res != NULL ? 0 : -1;
}

void
central_describe(const struct central *c, char *out, size_t outlen)
{
	snprintf(out, outlen, "central database %s (host %s)",
	    PQdb(c->pg) != NULL ? PQdb(c->pg) : "?",
	    PQhost(c->pg) != NULL ? PQhost(c->pg) : "?");
}
