/*
 * Dotted object identifiers: parsing and subtree tests.
 */
#include "common/oid.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

int
oid_parse(const char *s, uint32_t *arcs, size_t max, size_t *n)
{
	size_t k = 0;

	if (s == NULL)
		return -1;
	if (*s == '.')
		s++;
	for (;;) {
		unsigned long long v;
		char *end;

		if (!isdigit((unsigned char)*s))
			return -1;
		/* No leading zeros: "1.03" is not "1.3". */
		if (s[0] == '0' && isdigit((unsigned char)s[1]))
			return -1;
		errno = 0;
		v = strtoull(s, &end, 10);
		if (errno != 0 || v > UINT32_MAX || k == max)
			return -1;
		arcs[k++] = (uint32_t)v;
		if (*end == '\0')
			break;
		if (*end != '.')
			return -1;
		s = end + 1;
	}
	if (k < 2)
		return -1;
	*n = k;
	return 0;
}

bool
oid_under(const uint32_t *arcs, size_t n, const uint32_t *prefix, size_t np)
{
	if (np > n)
		return false;
	for (size_t i = 0; i < np; i++)
		if (arcs[i] != prefix[i])
			return false;
	return true;
}
