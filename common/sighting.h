/*
 * A sighting: what one probe saw of one network element at one time. Probes
 * build them, the store resolves which element each belongs to and records
 * it with its evidence. A sighting owns every string and array it points to.
 */
#ifndef VRAUDIT_SIGHTING_H
#define VRAUDIT_SIGHTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/evidence.h"

enum addr_kind {
	ADDR_MAC,  /* "mac": aa:bb:cc:dd:ee:ff, lower case */
	ADDR_IPV4, /* "ipv4": dotted quad */
	ADDR_IPV6, /* "ipv6": RFC 5952 text */
};

struct sighting_addr {
	enum addr_kind kind;
	char *value; /* owned */
};

/* Raw evidence, before classification. */
struct sighting_input {
	enum evidence_kind kind;
	char *value; /* owned */
};

struct sighting {
	int64_t observed_at; /* seconds since the epoch, UTC */
	const char *source;  /* static: "snmp", "lldp", "cdp", "arp", "dhcp",
			     * "mac", "ssh", "http", "tls", "ssdp", "mdns" */
	char *zone;          /* zone of the section that found it, or NULL */
	/* Second hand: another agent's table (LLDP, CDP, ARP, bridge)
	 * reported it; its own answer or a frame it sent are first hand. */
	bool hearsay;

	/* Identity: any of these may be NULL. */
	char *mgmt_ip;     /* address we (or a neighbour) manage it by */
	char *chassis_mac; /* aa:bb:cc:dd:ee:ff */
	char *chassis_id;  /* LLDP chassis ID as text, "subtype:value" */
	char *serial;      /* chassis serial number */

	/* Description: any may be NULL. */
	char *sys_name;
	char *sys_descr;
	char *sys_object_id;
	char *model;
	char *software;

	struct sighting_addr *addrs; /* owned array */
	size_t n_addrs;
	struct sighting_input *inputs; /* owned array */
	size_t n_inputs;

	/* Passive capture: a digest of the protocol content the sighting
	 * reports for content_mac in its source protocol (lldp, cdp, dhcp),
	 * kept with that MAC's address so that a later capture knows what
	 * the store holds. */
	bool has_content;
	uint8_t content_mac[6];
	uint32_t content_digest;
};

/* A new empty sighting from `source` (a static string) observed at `when`. */
struct sighting *sighting_new(const char *source, int64_t when);
/* Release a sighting and everything it owns; NULL is fine. */
void sighting_free(struct sighting *s);
/* Replace *field with a copy of value (NULL clears it). */
void sighting_set(char **field, const char *value);
/* Add an address (copied); duplicates are ignored. */
void sighting_add_addr(struct sighting *s, enum addr_kind kind,
    const char *value);
/* Add a piece of raw evidence (copied); duplicates are ignored. */
void sighting_add_input(struct sighting *s, enum evidence_kind kind,
    const char *value);
/* The name of an address kind ("mac", "ipv4", "ipv6"). */
const char *addr_kind_name(enum addr_kind kind);

/*
 * A sighting as bytes, for a queue that holds many of them: a MAC-only
 * sighting packs into about 30 bytes, against some 300 for the struct, its
 * arrays and strings. Only this process reads them back (host byte order,
 * source pointers). sighting_pack writes to out (NULL: only counts) and
 * returns the length; sighting_unpack returns a new sighting, or NULL when
 * the bytes are not what sighting_pack wrote.
 */
size_t sighting_pack(const struct sighting *s, uint8_t *out);
struct sighting *sighting_unpack(const uint8_t *p, size_t len);

#endif
