/*
 * IPv4/IPv6 addresses and CIDR blocks.
 */
#include "common/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/util.h"

static int
parse_ip(const char *s, uint8_t addr[16], int *family)
{
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, s, addr) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, addr) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -1;
}

int
cidr_parse(const char *s, struct cidr *out, const char **msg)
{
	char buf[IP_STRLEN + 8];
	const char *slash;
	const char *dummy;
	unsigned maxbits;

	if (msg == NULL)
		msg = &dummy;
	*msg = "not an IPv4 or IPv6 address or CIDR block";
	if (s == NULL || strlen(s) >= sizeof(buf))
		return -1;
	str_copy(buf, s, sizeof(buf));
	slash = strchr(buf, '/');
	if (slash != NULL)
		buf[slash - buf] = '\0';
	if (parse_ip(buf, out->addr, &out->family) < 0)
		return -1;
	maxbits = out->family == AF_INET ? 32 : 128;
	out->prefix = maxbits;
	if (slash != NULL) {
		const char *p = s + (slash - buf) + 1;
		char *end;
		unsigned long v;

		if (*p < '0' || *p > '9') {
			*msg = "prefix length is not a number";
			return -1;
		}
		errno = 0;
		v = strtoul(p, &end, 10);
		if (*end != '\0') {
			*msg = "prefix length is not a number";
			return -1;
		}
		if (errno != 0 || v > maxbits) {
			*msg = out->family == AF_INET
			    ? "prefix length must be 0 to 32"
			    : "prefix length must be 0 to 128";
			return -1;
		}
		out->prefix = (unsigned)v;
	}
	for (unsigned bit = out->prefix; bit < maxbits; bit++)
		if (out->addr[bit / 8] & (0x80 >> (bit % 8))) {
			*msg = "host bits are set (write the network address)";
			return -1;
		}
	return 0;
}

bool
cidr_contains(const struct cidr *range, const char *ip)
{
	uint8_t addr[16];
	int family;

	if (parse_ip(ip, addr, &family) < 0 || family != range->family)
		return false;
	for (unsigned bit = 0; bit < range->prefix; bit++) {
		uint8_t m = (uint8_t)(0x80 >> (bit % 8));
		if ((addr[bit / 8] & m) != (range->addr[bit / 8] & m))
			return false;
	}
	return true;
}

uint64_t
cidr_size(const struct cidr *range)
{
	unsigned hostbits =
	    (range->family == AF_INET ? 32 : 128) - range->prefix;

	if (hostbits > 63)
		return 0;
	return (uint64_t)1 << hostbits;
}

int
cidr_nth(const struct cidr *range, uint64_t i, char *out, size_t size)
{
	uint8_t addr[16];
	uint64_t n = cidr_size(range);
	unsigned len = range->family == AF_INET ? 4 : 16;

	if (n == 0 || i >= n)
		return -1;
	memcpy(addr, range->addr, sizeof(addr));
	/* Add i to the low 64 bits, big-endian; host bits are zero so no carry out. */
	for (unsigned k = 0; k < 8 && k < len && i != 0; k++) {
		unsigned idx = len - 1 - k;
		uint64_t sum = addr[idx] + (i & 0xff);
		addr[idx] = (uint8_t)sum;
		i = (i >> 8) + (sum >> 8);
	}
	return inet_ntop(range->family, addr, out, (socklen_t)size) ? 0 : -1;
}

void
cidr_format(const struct cidr *range, char *out, size_t size)
{
	char ip[IP_STRLEN];

	if (inet_ntop(range->family, range->addr, ip, sizeof(ip)) == NULL)
		str_copy(ip, "?", sizeof(ip));
	snprintf(out, size, "%s/%u", ip, range->prefix);
}

int
ip_canonical(const char *in, char *out, size_t size, int *family)
{
	uint8_t addr[16];
	int fam;

	if (parse_ip(in, addr, &fam) < 0)
		return -1;
	if (family != NULL)
		*family = fam;
	return inet_ntop(fam, addr, out, (socklen_t)size) ? 0 : -1;
}
