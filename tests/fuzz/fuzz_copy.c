/*
 * libFuzzer target: central_copy_row, the decoder of the rows the central
 * database streams to the national gather. Every value it gives lies in
 * the row, holds no NUL and no more bytes than its escaped form; and the
 * values escaped again as the server escapes them decode to the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "central/central.h"

#define MAX 32

/* values as the server writes them: one row, NULL as \N. */
static size_t
encode(const char *const *v, int n, char *out)
{
	char *p = out;

	for (int k = 0; k < n; k++) {
		if (v[k] == NULL) {
			memcpy(p, "\\N", 2);
			p += 2;
		} else
			for (const char *c = v[k]; *c != '\0'; c++) {
				if (*c == '\\' || *c == '\t' || *c == '\n' ||
				    *c == '\r') {
					*p++ = '\\';
					*p++ = *c == '\t' ? 't'
					    : *c == '\n'  ? 'n'
					    : *c == '\r'  ? 'r'
							  : '\\';
				} else
					*p++ = *c;
			}
		*p++ = k + 1 < n ? '\t' : '\n';
	}
	return (size_t)(p - out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *row = malloc(size + 1), *again;
	const char *v[MAX], *w[MAX];
	int n, m;
	size_t len;

	if (row == NULL)
		return 0;
	memcpy(row, data, size);
	n = central_copy_row(row, size, v, MAX);
	if (n == 0 || n > MAX)
		abort();
	if (n < 0) {
		free(row);
		return 0;
	}
	for (int k = 0; k < n; k++)
		if (v[k] != NULL &&
		    (v[k] < row || v[k] + strlen(v[k]) >= row + size))
			abort();
	/* Each value at most doubles when escaped, and a NULL takes 2. */
	again = malloc(2 * size + 2 * (size_t)n + 1);
	if (again == NULL)
		abort();
	len = encode(v, n, again);
	m = central_copy_row(again, len, w, MAX);
	if (m != n)
		abort();
	for (int k = 0; k < n; k++)
		if ((v[k] == NULL) != (w[k] == NULL) ||
		    (v[k] != NULL && strcmp(v[k], w[k]) != 0))
			abort();
	free(again);
	free(row);
	return 0;
}
