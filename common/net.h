/*
 * IPv4/IPv6 addresses and CIDR blocks: parsing, containment, iteration.
 */
#ifndef VRAUDIT_NET_H
#define VRAUDIT_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IP_STRLEN 46 /* INET6_ADDRSTRLEN */

struct cidr {
	int family;       /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* network byte order; host bits cleared */
	unsigned prefix;  /* 0..32 or 0..128 */
};

/* Parse "10.0.0.0/24", "10.0.0.1" (/32), "2001:db8::/32" or "::1"; -1 if malformed
 * or host bits are set (then *msg says so). */
int cidr_parse(const char *s, struct cidr *out, const char **msg);
/* True when the address text ip falls inside range. */
bool cidr_contains(const struct cidr *range, const char *ip);
/* Number of addresses in range; 0 when that needs more than 64 bits (IPv6 /64 or wider). */
uint64_t cidr_size(const struct cidr *range);
/* The i-th address of range as text into out (IP_STRLEN); -1 when out of range. */
int cidr_nth(const struct cidr *range, uint64_t i, char *out, size_t size);
/* Format range as "addr/prefix". */
void cidr_format(const struct cidr *range, char *out, size_t size);
/* Canonical text of an IPv4 or IPv6 address; -1 when not an address. */
int ip_canonical(const char *in, char *out, size_t size, int *family);

#endif
