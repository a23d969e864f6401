/*
 * A row of COPY ... TO STDOUT in PostgreSQL's text format: columns
 * separated by tabs, the row ended by a newline, \N for NULL, and a
 * backslash before each tab, newline, carriage return or backslash
 * inside a value (also \b, \f, \v, octal \ooo and hex \xhh, which the
 * server may use). Decoded in place: a value never grows.
 */
#include <stdbool.h>

#include "central/central.h"

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The character the escape at *p (after its backslash) stands for; *p
 * moved past the escape. */
static char
unescape(const char **p, const char *end)
{
	char c = *(*p)++;
	int v = 0, d;

	switch (c) {
	case 'b':
		return '\b';
	case 'f':
		return '\f';
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case 't':
		return '\t';
	case 'v':
		return '\v';
	case 'x':
		for (int i = 0; i < 2 && *p < end && (d = hex_digit(**p)) >= 0;
		     i++, (*p)++)
			v = v * 16 + d;
		return (char)v;
	default:
		if (c < '0' || c > '7')
			return c; /* the character itself: \\ and the rest */
		v = c - '0';
		for (int i = 0; i < 2 && *p < end && **p >= '0' && **p <= '7';
		     i++, (*p)++)
			v = v * 8 + (**p - '0');
		return (char)v;
	}
}

int
central_copy_row(char *row, size_t len, const char **v, int max)
{
	const char *p = row, *end = row + len;
	char *out = row;
	int n = 0;

	if (len == 0 || row[len - 1] != '\n')
		return -1; /* not a whole row */
	end--;
	for (;;) {
		/* Read before the decoding writes over it. */
		bool null = end - p >= 2 && p[0] == '\\' && p[1] == 'N' &&
		    (end - p == 2 || p[2] == '\t');
		char *value = out;

		while (p < end && *p != '\t') {
			if (*p == '\0')
				return -1; /* no text value holds a NUL */
			if (*p != '\\') {
				*out++ = *p++;
				continue;
			}
			if (++p == end)
				return -1; /* a backslash ending the row */
			if ((*out++ = unescape(&p, end)) == '\0')
				return -1; /* no text value holds a NUL */
		}
		if (n == max)
			return -1; /* more columns than asked for */
		v[n++] = null ? NULL : value;
		if (p == end) {
			*out = '\0';
			return n;
		}
		*out++ = '\0';
		p++;
	}
}
