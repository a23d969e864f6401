/*
 * Zone assignment: by subnet, then by sysName pattern, then by the section
 * that found an element.
 */
#include "policy/zone.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

bool
zone_name_valid(const char *s)
{
	if (s == NULL || *s == '\0' || strlen(s) > ZONE_NAME_MAX)
		return false;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '.' && *s != '_' &&
		    *s != '-')
			return false;
	return true;
}

void
zone_finish(struct zone *z)
{
	free(z->name);
	free(z->subnets);
	for (size_t j = 0; j < z->n_sysname_patterns; j++)
		free(z->sysname_patterns[j]);
	free(z->sysname_patterns);
}

const char *
zone_for_ip(const struct zone *zones, size_t n, const char *ip)
{
	const char *zone = NULL;
	unsigned best = 0;

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < zones[i].n_subnets; j++) {
			const struct cidr *c = &zones[i].subnets[j];

			if ((zone == NULL || c->prefix > best) &&
			    cidr_contains(c, ip)) {
				zone = zones[i].name;
				best = c->prefix;
			}
		}
	return zone;
}

const char *
zone_for_sysname(const struct zone *zones, size_t n, const char *sys_name)
{
	if (sys_name == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < zones[i].n_sysname_patterns; j++)
			if (fnmatch(zones[i].sysname_patterns[j], sys_name,
				FNM_CASEFOLD) == 0)
				return zones[i].name;
	return NULL;
}

void
zone_assign(const struct zone *zones, size_t n, struct sighting *s,
    const char *section_zone)
{
	const char *z = NULL;

	if (s->mgmt_ip != NULL)
		z = zone_for_ip(zones, n, s->mgmt_ip);
	for (size_t i = 0; z == NULL && i < s->n_addrs; i++)
		if (s->addrs[i].kind != ADDR_MAC)
			z = zone_for_ip(zones, n, s->addrs[i].value);
	if (z == NULL && s->sys_name != NULL)
		z = zone_for_sysname(zones, n, s->sys_name);
	if (z == NULL)
		z = section_zone;
	if (z != NULL)
		sighting_set(&s->zone, z);
}
