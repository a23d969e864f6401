/*
 * What the SNMP agent tests share (snmp_collect.h).
 */
#include "tests/lib/snmp_collect.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

void
on_element(void *ctx, struct sweep_result *r)
{
	struct collect *c = ctx;
	struct element *e;

	ck_assert_uint_lt(c->n_el, ARRAY_SIZE(c->el));
	e = &c->el[c->n_el++];
	str_copy(e->address, r->address, sizeof(e->address));
	e->port = r->port;
	e->zone = xstrdup(r->zone);
	e->section = xstrdup(r->section);
	e->detail = xstrdup(r->detail);
	e->rows = r->rows;
	e->notes = r->notes;
	if (getenv("CHECK_SNMP_VERBOSE") != NULL)
		fprintf(stderr, "%s:%u: %s\n", r->address, r->port, r->detail);
	/* Take the sightings: the sweep frees what is left. */
	e->s = r->element;
	r->element = NULL;
	e->nb = xcalloc(r->n_neighbours + 1, sizeof(*e->nb));
	e->n_nb = r->n_neighbours;
	for (size_t i = 0; i < r->n_neighbours; i++) {
		e->nb[i].s = r->neighbours[i].sighting;
		r->neighbours[i].sighting = NULL;
		str_copy(e->nb[i].protocol, r->neighbours[i].protocol,
		    sizeof(e->nb[i].protocol));
		e->nb[i].local_port = xstrdup(r->neighbours[i].local_port);
		e->nb[i].remote_port = xstrdup(r->neighbours[i].remote_port);
	}
}

void
on_failure(void *ctx, const char *address, uint16_t port, const char *section,
    const char *zone, const char *reason, const char *engine_id)
{
	struct collect *c = ctx;
	struct failure *f;

	(void)section;
	(void)zone;

	ck_assert_uint_lt(c->n_fail, ARRAY_SIZE(c->fail));
	f = &c->fail[c->n_fail++];
	if (getenv("CHECK_SNMP_VERBOSE") != NULL)
		fprintf(stderr, "%s:%u: failed: %s (engineID %s)\n", address,
		    port, reason, engine_id ? engine_id : "-");
	str_copy(f->address, address, sizeof(f->address));
	f->port = port;
	f->reason = xstrdup(reason);
	f->engine_id = xstrdup(engine_id);
}

void
collect_free(struct collect *c)
{
	for (size_t i = 0; i < c->n_el; i++) {
		struct element *e = &c->el[i];

		free(e->zone);
		free(e->section);
		free(e->detail);
		sighting_free(e->s);
		for (size_t k = 0; k < e->n_nb; k++) {
			sighting_free(e->nb[k].s);
			free(e->nb[k].local_port);
			free(e->nb[k].remote_port);
		}
		free(e->nb);
	}
	for (size_t i = 0; i < c->n_fail; i++) {
		free(c->fail[i].reason);
		free(c->fail[i].engine_id);
	}
	memset(c, 0, sizeof(*c));
}

const struct element *
element_at(const struct collect *c, const char *address)
{
	for (size_t i = 0; i < c->n_el; i++)
		if (strcmp(c->el[i].address, address) == 0)
			return &c->el[i];
	ck_abort_msg("no element delivered for %s", address);
	return NULL;
}

const struct failure *
failure_at(const struct collect *c, const char *address)
{
	for (size_t i = 0; i < c->n_fail; i++)
		if (strcmp(c->fail[i].address, address) == 0)
			return &c->fail[i];
	ck_abort_msg("no failure delivered for %s", address);
	return NULL;
}

bool
has_input(const struct sighting *s, enum evidence_kind kind, const char *value)
{
	for (size_t i = 0; i < s->n_inputs; i++)
		if (s->inputs[i].kind == kind &&
		    strcmp(s->inputs[i].value, value) == 0)
			return true;
	return false;
}

size_t
count_inputs(const struct sighting *s, enum evidence_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_inputs; i++)
		n += s->inputs[i].kind == kind;
	return n;
}

bool
has_addr(const struct sighting *s, enum addr_kind kind, const char *value)
{
	for (size_t i = 0; i < s->n_addrs; i++)
		if (s->addrs[i].kind == kind &&
		    strcmp(s->addrs[i].value, value) == 0)
			return true;
	return false;
}

const struct nb *
neighbour_named(const struct element *e, const char *protocol, const char *name)
{
	for (size_t i = 0; i < e->n_nb; i++)
		if (strcmp(e->nb[i].protocol, protocol) == 0 &&
		    e->nb[i].s->sys_name != NULL &&
		    strcmp(e->nb[i].s->sys_name, name) == 0)
			return &e->nb[i];
	ck_abort_msg("no %s neighbour named %s", protocol, name);
	return NULL;
}

const struct nb *
neighbour_with_addr(const struct element *e, const char *protocol,
    enum addr_kind kind, const char *addr)
{
	for (size_t i = 0; i < e->n_nb; i++)
		if (strcmp(e->nb[i].protocol, protocol) == 0 &&
		    has_addr(e->nb[i].s, kind, addr))
			return &e->nb[i];
	ck_abort_msg("no %s neighbour with address %s", protocol, addr);
	return NULL;
}

size_t
count_neighbours(const struct element *e, const char *protocol)
{
	size_t n = 0;

	for (size_t i = 0; i < e->n_nb; i++)
		n += strcmp(e->nb[i].protocol, protocol) == 0;
	return n;
}

struct sweep_cred
community(const char *name, const char *zone)
{
	struct sweep_cred t;

	memset(&t, 0, sizeof(t));
	t.section = name;
	t.version = 2;
	t.port = 161;
	t.community = "public";
	t.zone = zone;
	return t;
}

struct sweep *
sweep_for(struct collect *c, int64_t timeout_ms, int retries, int64_t max_rows)
{
	struct sweep_callbacks cb = { on_element, on_failure };
	struct sweep_params p;

	sweep_params_init(&p);
	p.timeout_ms = timeout_ms;
	p.retries = retries;
	p.max_rows = max_rows;
	memset(c, 0, sizeof(*c));
	return sweep_new(&p, &cb, c);
}

void
add(struct sweep *sw, const char *spec, const struct sweep_cred *t)
{
	char err[256] = "";

	ck_assert_msg(sweep_add(sw, sweep_cred_add(sw, t), spec, err,
			  sizeof(err)) == 0,
	    "%s", err);
}

struct sweep_cred
usm(const char *user, const char *auth, const char *auth_key, const char *priv,
    const char *priv_key)
{
	struct sweep_cred t;

	memset(&t, 0, sizeof(t));
	t.section = "v3";
	t.version = 3;
	t.port = 161;
	t.user = user;
	t.auth = auth;
	t.auth_key = auth_key;
	t.priv = priv;
	t.priv_key = priv_key;
	t.zone = "ran";
	return t;
}

const char *
source_root(void)
{
	const char *s = getenv("VRAUDIT_SOURCE_ROOT");

	return s != NULL ? s : ".";
}

bool
tool_missing(const char *me, const char *program, const char *package)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", program);
	if (system(cmd) == 0)
		return false;
	fprintf(stderr, "%s: SKIP: %s is not installed (package %s)\n", me,
	    program, package);
	return true;
}
