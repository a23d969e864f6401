/*
 * Zones: named parts of the network (core, ran, transport, mgmt, or any
 * name the operator picks). An element's zone is the [zone] holding its
 * management address (most specific subnet), else the zone of any other
 * address it was seen with, else the first zone whose sysName pattern
 * matches, else the zone of the [target] or [capture] section that found
 * it. Elements with no zone are shown as "unassigned", never dropped.
 */
#ifndef VRAUDIT_POLICY_ZONE_H
#define VRAUDIT_POLICY_ZONE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/net.h"
#include "common/sighting.h"

/* Longest zone (and section) name, in bytes. */
#define ZONE_NAME_MAX 48

/* A [zone NAME] section. Owns every pointer. */
struct zone {
	char *name;
	int line; /* of its section header, 0 if none */
	struct cidr *subnets;
	size_t n_subnets;
	char **sysname_patterns; /* fnmatch(3) patterns */
	size_t n_sysname_patterns;
};

/* True for a valid zone name: letters, digits, '.', '_', '-', at most
 * ZONE_NAME_MAX bytes. */
bool zone_name_valid(const char *name);
/* Release what a zone owns. */
void zone_finish(struct zone *z);
/* The zone a management address falls in by subnets, or NULL; the most
 * specific subnet wins, then the first zone. */
const char *zone_for_ip(const struct zone *zones, size_t n, const char *ip);
/* The first zone whose sysName patterns match sys_name (fnmatch(3), case
 * insensitive), or NULL. */
const char *zone_for_sysname(const struct zone *zones, size_t n,
    const char *sys_name);
/* Set a sighting's zone as the file comment says; section_zone is the
 * zone of the section that found it (may be NULL). A sighting with none
 * keeps the zone it had. */
void zone_assign(const struct zone *zones, size_t n, struct sighting *s,
    const char *section_zone);

#endif
