/*
 * Object identifiers as text and as arcs: "1.3.6.1.4.1.2011" parsed into
 * numbers and compared arc by arc, never as a string prefix (2011.2.23 is
 * not under 2011.2.235).
 */
#ifndef VRAUDIT_COMMON_OID_H
#define VRAUDIT_COMMON_OID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest OID kept, in arcs (net-snmp's MAX_OID_LEN). */
#define OID_MAX_ARCS 128

/* Parse a dotted OID ("1.3.6.1.4.1.9", a leading dot allowed) into arcs;
 * -1 when malformed or longer than max arcs. */
int oid_parse(const char *s, uint32_t *arcs, size_t max, size_t *n);
/* True when the OID arcs[0..n) lies in the subtree prefix[0..np), arc by arc. */
bool oid_under(const uint32_t *arcs, size_t n, const uint32_t *prefix,
    size_t np);

#endif
