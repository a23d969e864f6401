/*
 * Rows of a table read column by column, found by their index
 * (snmp_mib.h): an array and an open-addressing hash over it, so that a
 * table of many rows costs one lookup per value.
 */
#include "probes/snmp_mib.h"

#include <stdlib.h>
#include <string.h>

#include "common/util.h"

static size_t
index_hash(const oid *idx, size_t len)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a over the arcs */

	for (size_t i = 0; i < len; i++) {
		h ^= (uint64_t)idx[i];
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

static size_t *
rowset_slot(const struct mib_rowset *rs, const oid *idx, size_t len)
{
	size_t mask = rs->nslot - 1, i = index_hash(idx, len) & mask;

	while (rs->slot[i] != 0) {
		const struct mib_row *r = &rs->rows[rs->slot[i] - 1];

		if (r->idx_len == len &&
		    memcmp(r->idx, idx, len * sizeof(oid)) == 0)
			break;
		i = (i + 1) & mask;
	}
	return &rs->slot[i];
}

struct mib_row *
mib_rows_find(const struct mib_rowset *rs, const oid *idx, size_t len)
{
	size_t *sl;

	if (rs->nslot == 0)
		return NULL;
	sl = rowset_slot(rs, idx, len);
	return *sl ? &rs->rows[*sl - 1] : NULL;
}

struct mib_row *
mib_rows_get(struct mib_rowset *rs, const oid *idx, size_t len)
{
	struct mib_row *r;
	size_t *sl;

	if ((r = mib_rows_find(rs, idx, len)) != NULL)
		return r;
	if (2 * (rs->n + 1) > rs->nslot) {
		size_t n = rs->nslot ? 2 * rs->nslot : 64;

		free(rs->slot);
		rs->slot = xcalloc(n, sizeof(*rs->slot));
		rs->nslot = n;
		for (size_t i = 0; i < rs->n; i++)
			*rowset_slot(rs, rs->rows[i].idx, rs->rows[i].idx_len) =
			    i + 1;
	}
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 16;
		rs->rows = xreallocarray(rs->rows, rs->cap, sizeof(*rs->rows));
	}
	r = &rs->rows[rs->n++];
	memset(r, 0, sizeof(*r));
	r->idx = xcalloc(len ? len : 1, sizeof(oid));
	memcpy(r->idx, idx, len * sizeof(oid));
	r->idx_len = len;
	sl = rowset_slot(rs, idx, len);
	*sl = rs->n;
	return r;
}

void
mib_rows_finish(struct mib_rowset *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		free(rs->rows[i].idx);
		for (size_t c = 0; c < MIB_NCOL; c++)
			free(rs->rows[i].cell[c].val);
	}
	free(rs->rows);
	free(rs->slot);
	memset(rs, 0, sizeof(*rs));
}
