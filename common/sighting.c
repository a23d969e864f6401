/*
 * Building and releasing sightings.
 */
#include "sighting.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

struct sighting *
sighting_new(const char *source, int64_t when)
{
	struct sighting *s = xcalloc(1, sizeof(*s));

	s->source = source;
	s->observed_at = when;
	return s;
}

void
sighting_free(struct sighting *s)
{
	if (s == NULL)
		return;
	free(s->zone);
	free(s->mgmt_ip);
	free(s->chassis_mac);
	free(s->chassis_id);
	free(s->serial);
	free(s->sys_name);
	free(s->sys_descr);
	free(s->sys_object_id);
	free(s->model);
	free(s->software);
	for (size_t i = 0; i < s->n_addrs; i++)
		free(s->addrs[i].value);
	free(s->addrs);
	for (size_t i = 0; i < s->n_inputs; i++)
		free(s->inputs[i].value);
	free(s->inputs);
	free(s);
}

void
sighting_set(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value);
}

void
sighting_add_addr(struct sighting *s, enum addr_kind kind, const char *value)
{
	for (size_t i = 0; i < s->n_addrs; i++)
		if (s->addrs[i].kind == kind && strcmp(s->addrs[i].value, value) == 0)
			return;
	s->addrs = xreallocarray(s->addrs, s->n_addrs + 1, sizeof(*s->addrs));
	s->addrs[s->n_addrs].kind = kind;
	s->addrs[s->n_addrs].value = xstrdup(value);
	s->n_addrs++;
}

void
sighting_add_input(struct sighting *s, enum evidence_kind kind, const char *value)
{
	for (size_t i = 0; i < s->n_inputs; i++)
		if (s->inputs[i].kind == kind && strcmp(s->inputs[i].value, value) == 0)
			return;
	s->inputs = xreallocarray(s->inputs, s->n_inputs + 1, sizeof(*s->inputs));
	s->inputs[s->n_inputs].kind = kind;
	s->inputs[s->n_inputs].value = xstrdup(value);
	s->n_inputs++;
}

const char *
addr_kind_name(enum addr_kind kind)
{
	switch (kind) {
	case ADDR_MAC:
		return "mac";
	case ADDR_IPV4:
		return "ipv4";
	case ADDR_IPV6:
		return "ipv6";
	}
	return "invalid";
}
