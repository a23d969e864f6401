/*
 * The report's tables (report_private.h): the rows of a query kept as the
 * store gave them, their cells found by column name, and sorted as SQL's
 * ORDER BY sorts.
 */
#include "report/report_private.h"
#include "common/log.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct cell_block {
	struct cell_block *next;
	size_t used, size;
	size_t mapped; /* the bytes huge_map mapped for it; 0: malloc's */
	char bytes[];
};

#define CELL_BLOCK (256 * 1024)
/* A table's blocks grow to this size, mapped in huge pages (huge_map);
 * so is an array of cells of that size or more. */
#define CELL_BLOCK_MAX (4 * 1024 * 1024)
#define HUGE_PAGE (2 * 1024 * 1024)

/*
 * A large table is written once, page after page: its blocks and its
 * array of cells are mapped on their own, len bytes (a multiple of
 * HUGE_PAGE) aligned to huge pages that the kernel is asked to use
 * (transparent huge pages, where it grants them): one fault for each
 * 2 MiB instead of one for each 4 KiB. A report over 100,000 elements
 * otherwise spends a fifth of its time in page faults. Where they are
 * not granted, this is an ordinary mapping. NULL when nothing could be
 * mapped.
 */
static void *
huge_map(size_t len)
{
	size_t span = len + HUGE_PAGE;
	uintptr_t at, start;
	void *m = mmap(NULL, span, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		return NULL;
	at = (uintptr_t)m;
	start = (at + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	/* the unaligned head and what is left after len go back */
	if (start > at)
		munmap(m, start - at);
	if (at + span > start + len)
		munmap((void *)(start + len), at + span - (start + len));
#ifdef MADV_HUGEPAGE
	(void)madvise((void *)start, len, MADV_HUGEPAGE);
#endif
	return (void *)start;
}

static size_t
huge_round(size_t len)
{
	return (len + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
}

/* len bytes and a NUL kept in t's blocks. */
static char *
table_keep(struct table *t, const void *p, size_t len)
{
	struct cell_block *b = t->blocks;
	char *s;

	if (b == NULL || b->size - b->used < len + 1) {
		/* each block twice the one before, up to CELL_BLOCK_MAX */
		size_t total =
		    b == NULL ? CELL_BLOCK : 2 * (sizeof(*b) + b->size);
		size_t need = sizeof(*b) + len + 1;
		void *m = NULL;

		if (total > CELL_BLOCK_MAX)
			total = CELL_BLOCK_MAX;
		if (total < need)
			total = need;
		if (total >= CELL_BLOCK_MAX) {
			total = huge_round(total);
			m = huge_map(total);
		}
		if (m != NULL) {
			b = m;
			b->mapped = total;
		} else {
			b = xmalloc(total);
			b->mapped = 0;
		}
		b->used = 0;
		b->size = total - sizeof(*b);
		b->next = t->blocks;
		t->blocks = b;
	}
	s = b->bytes + b->used;
	memcpy(s, p, len);
	s[len] = '\0';
	b->used += len + 1;
	return s;
}

/* Room for twice the rows of t's array of cells. */
static void
table_grow(struct table *t)
{
	size_t cap = t->cap < 16 ? 16 : t->cap * 2;
	size_t row = t->ncol * sizeof(*t->v), bytes;
	struct value *v = NULL;

	if (row != 0 && cap > SIZE_MAX / row)
		fatal("mem", "a table of %zu rows", cap);
	bytes = cap * row;
	if (bytes >= CELL_BLOCK_MAX)
		v = huge_map(huge_round(bytes));
	if (v != NULL) {
		memcpy(v, t->v, t->nrows * row);
		if (t->v_mapped != 0)
			munmap(t->v, t->v_mapped);
		else
			free(t->v);
		t->v_mapped = huge_round(bytes);
	} else if (t->v_mapped != 0) {
		v = xcalloc(cap, row);
		memcpy(v, t->v, t->nrows * row);
		munmap(t->v, t->v_mapped);
		t->v_mapped = 0;
	} else
		v = xreallocarray(t->v, cap, row);
	t->v = v;
	t->cap = cap;
}

/* Bytes up to this long are looked for among the cells kept lately. */
#define INTERN_MAX 256

uint64_t
report_hash(uint64_t h, const void *p, size_t len)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 1099511628211ULL;
	return h;
}

/* A cell's bytes kept in t, shared with an equal cell kept lately. */
static char *
table_keep_cell(struct table *t, const struct store_cell *c)
{
	struct value *seen;

	if (c->len > INTERN_MAX)
		return table_keep(t, c->bytes, c->len);
	seen = &t->intern[report_hash(REPORT_HASH_SEED ^ (uint64_t)c->type,
			      c->bytes, c->len) %
	    REPORT_INTERN];
	if (seen->s == NULL || seen->type != c->type || seen->len != c->len ||
	    memcmp(seen->s, c->bytes, c->len) != 0) {
		seen->s = table_keep(t, c->bytes, c->len);
		seen->len = (uint32_t)c->len;
		seen->type = c->type;
	}
	return seen->s;
}

int
table_add(void *arg, const struct store_cell *cells, size_t n)
{
	struct table *t = arg;
	struct value *row;

	if (t->cols == NULL) {
		t->cols = xcalloc(n, sizeof(*t->cols));
		for (size_t i = 0; i < n; i++)
			t->cols[i] = xstrdup(cells[i].name);
		t->ncol = n;
		t->hints = xcalloc(REPORT_COL_HINTS, sizeof(*t->hints));
		t->intern = xcalloc(REPORT_INTERN, sizeof(*t->intern));
	}
	if (t->nrows == t->cap)
		table_grow(t);
	row = &t->v[t->nrows++ * t->ncol];
	for (size_t i = 0; i < t->ncol; i++) {
		const struct store_cell *c = &cells[i];

		row[i].type = c->type;
		row[i].len = 0;
		row[i].s = NULL;
		if (c->type == STORE_CELL_NULL)
			continue;
		/* a BLOB's bytes are not terminated, and may hold NULs */
		row[i].s = table_keep_cell(t, c);
		row[i].len = (uint32_t)c->len;
	}
	return 0;
}

void
table_finish(struct table *t)
{
	while (t->blocks != NULL) {
		struct cell_block *b = t->blocks;

		t->blocks = b->next;
		if (b->mapped != 0)
			munmap(b, b->mapped);
		else
			free(b);
	}
	if (t->v_mapped != 0)
		munmap(t->v, t->v_mapped);
	else
		free(t->v);
	for (size_t i = 0; i < t->ncol; i++)
		free(t->cols[i]);
	free(t->cols);
	free(t->hints);
	free(t->intern);
	memset(t, 0, sizeof(*t));
}

/* A sort key of a row: a cell, its class in SQLite's order (NULL,
 * number, text, BLOB) and a number's value. */
struct sort_key {
	const struct value *v;
	union {
		long long i;
		double d;
	} n;
};

#define SORT_KEYS 4

/* A row's place in the sort: each key as a number that orders as the
 * key's values do (an integer's value, else its value's rank among the
 * column's distinct values). */
struct sort_row {
	uint64_t k[SORT_KEYS];
	size_t row;
};

int
table_bytes_cmp(const void *a, size_t alen, const void *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int c;

	if (n > 0 && (c = memcmp(a, b, n)) != 0)
		return c < 0 ? -1 : 1;
	return (alen > blen) - (alen < blen);
}

static int
sort_class(const struct value *v)
{
	switch (v->type) {
	case STORE_CELL_NULL:
		return 0;
	case STORE_CELL_INTEGER:
	case STORE_CELL_REAL:
		return 1;
	case STORE_CELL_TEXT:
		return 2;
	default:
		return 3;
	}
}

static void
sort_key_set(struct sort_key *k, const struct value *v)
{
	k->v = v;
	if (v->type == STORE_CELL_INTEGER)
		k->n.i = strtoll(v->s, NULL, 10);
	else if (v->type == STORE_CELL_REAL)
		k->n.d = strtod(v->s, NULL);
}

static double
sort_real(const struct sort_key *k)
{
	return k->v->type == STORE_CELL_INTEGER ? (double)k->n.i : k->n.d;
}

/* As ORDER BY compares two values with the BINARY collation. */
static int
sort_key_cmp(const struct sort_key *a, const struct sort_key *b)
{
	int ca = sort_class(a->v), cb = sort_class(b->v);

	if (ca != cb)
		return ca < cb ? -1 : 1;
	if (ca == 0)
		return 0;
	if (ca == 1) {
		if (a->v->type == STORE_CELL_INTEGER &&
		    b->v->type == STORE_CELL_INTEGER)
			return (a->n.i > b->n.i) - (a->n.i < b->n.i);
		return (sort_real(a) > sort_real(b)) -
		    (sort_real(a) < sort_real(b));
	}
	return table_bytes_cmp(a->v->s, a->v->len, b->v->s, b->v->len);
}

static int
sort_row_cmp(const void *a, const void *b)
{
	const struct sort_row *x = a, *y = b;

	for (size_t i = 0; i < SORT_KEYS; i++)
		if (x->k[i] != y->k[i])
			return x->k[i] < y->k[i] ? -1 : 1;
	return (x->row > y->row) - (x->row < y->row);
}

/* A distinct value of a column and the number it is given. */
struct distinct {
	struct sort_key k;
	uint64_t rank;
};

static int
distinct_cmp(const void *a, const void *b)
{
	const struct distinct *x = a, *y = b;

	return sort_key_cmp(&x->k, &y->k);
}

static bool
value_same(const struct value *a, const struct value *b)
{
	return a->type == b->type && a->len == b->len &&
	    (a->len == 0 || memcmp(a->s, b->s, a->len) == 0);
}

/*
 * Key k of every row from column col: an integer column's values
 * themselves (the sign bit flipped, so that they order as unsigned
 * numbers); any other column's values ranked, once each, by ORDER BY's
 * comparison, values that compare equal sharing a rank.
 */
static void
sort_keys_of(const struct table *t, size_t col, struct sort_row *rows, size_t k)
{
	size_t n = t->nrows, cap = 16, nd = 0;
	struct distinct *d;
	uint32_t *slot, *of;
	bool integers = true;

	for (size_t i = 0; i < n && integers; i++)
		integers = t->v[i * t->ncol + col].type == STORE_CELL_INTEGER;
	if (integers) {
		for (size_t i = 0; i < n; i++)
			rows[i].k[k] =
			    (uint64_t)strtoll(t->v[i * t->ncol + col].s, NULL,
				10) ^
			    (1ULL << 63);
		return;
	}
	while (cap < 2 * n)
		cap *= 2;
	slot = xcalloc(cap, sizeof(*slot)); /* distinct index + 1 */
	of = xcalloc(n, sizeof(*of));
	d = xcalloc(n, sizeof(*d));
	for (size_t i = 0; i < n; i++) {
		const struct value *v = &t->v[i * t->ncol + col];
		size_t h =
		    (size_t)report_hash(REPORT_HASH_SEED ^ (uint64_t)v->type,
			v->s, v->len) &
		    (cap - 1);

		while (slot[h] != 0 && !value_same(d[slot[h] - 1].k.v, v))
			h = (h + 1) & (cap - 1);
		if (slot[h] == 0) {
			sort_key_set(&d[nd].k, v);
			d[nd].rank = nd;
			slot[h] = (uint32_t)++nd;
		}
		of[i] = slot[h] - 1;
	}
	/* the rank field holds the distinct index until it is sorted */
	free(slot);
	slot = xcalloc(nd, sizeof(*slot));
	qsort(d, nd, sizeof(*d), distinct_cmp);
	for (size_t j = 0, rank = 0; j < nd; j++) {
		if (j > 0 && sort_key_cmp(&d[j - 1].k, &d[j].k) != 0)
			rank++;
		slot[d[j].rank] = (uint32_t)rank;
	}
	for (size_t i = 0; i < n; i++)
		rows[i].k[k] = slot[of[i]];
	free(slot);
	free(of);
	free(d);
}

/* The evaluated views come unordered: a sort of their whole rows in SQL
 * costs several times this one of keys. */
void
table_sort(struct table *t, const char *const *cols, size_t n)
{
	struct sort_row *rows;
	struct value *tmp;

	if (t->nrows < 2)
		return;
	rows = xcalloc(t->nrows, sizeof(*rows));
	for (size_t i = 0; i < t->nrows; i++)
		rows[i].row = i;
	for (size_t k = 0; k < SORT_KEYS && k < n; k++)
		for (size_t c = 0; c < t->ncol; c++)
			if (strcmp(t->cols[c], cols[k]) == 0) {
				sort_keys_of(t, c, rows, k);
				break;
			}
	qsort(rows, t->nrows, sizeof(*rows), sort_row_cmp);
	/* Row i takes row rows[i].row: moved in place, cycle by cycle
	 * (a row done points at itself). */
	tmp = xcalloc(t->ncol, sizeof(*tmp));
	for (size_t i = 0; i < t->nrows; i++) {
		size_t j = i;

		if (rows[i].row == i)
			continue;
		memcpy(tmp, &t->v[i * t->ncol], t->ncol * sizeof(*tmp));
		while (rows[j].row != i) {
			size_t from = rows[j].row;

			memcpy(&t->v[j * t->ncol], &t->v[from * t->ncol],
			    t->ncol * sizeof(*tmp));
			rows[j].row = j;
			j = from;
		}
		memcpy(&t->v[j * t->ncol], tmp, t->ncol * sizeof(*tmp));
		rows[j].row = j;
	}
	free(tmp);
	free(rows);
}

const struct value *
report_cell(const struct table *t, size_t row, const char *col)
{
	static const struct value null = { NULL, 0, STORE_CELL_NULL };
	struct col_hint *h = NULL;

	/* the writers ask for a few columns, each by one constant name,
	 * row after row: the column found last for that address first */
	if (t->hints != NULL) {
		h = &t->hints[((uintptr_t)col >> 3) % REPORT_COL_HINTS];
		if (h->name == col && strcmp(t->cols[h->col], col) == 0)
			return &t->v[row * t->ncol + h->col];
	}
	for (size_t i = 0; i < t->ncol; i++)
		if (strcmp(t->cols[i], col) == 0) {
			if (h != NULL)
				*h = (struct col_hint){ col, i };
			return &t->v[row * t->ncol + i];
		}
	return &null;
}

const char *
report_str(const struct table *t, size_t row, const char *col)
{
	const struct value *v = report_cell(t, row, col);

	return v->s != NULL ? v->s : "";
}

long long
report_num(const struct table *t, size_t row, const char *col)
{
	return strtoll(report_str(t, row, col), NULL, 10);
}

double
report_real(const struct table *t, size_t row, const char *col)
{
	return strtod(report_str(t, row, col), NULL);
}
