/*
 * The IEEE registry of MAC address blocks, as Debian's ieee-data ships it.
 *
 * Each file is read whole and parsed as RFC 4180 CSV: quoted fields may hold
 * commas, doubled quotes and line breaks; lines end in CRLF. Organisation
 * names are tidied (outer white space dropped, inner runs collapsed to one
 * space) and copied into one arena. Blocks live in three arrays, one per
 * size, sorted by prefix, so a lookup is at most three binary searches.
 *
 * Duplicate blocks: the registry lists a few blocks twice (oui.csv 2022-08:
 * 08:00:30 three times, 00:01:C8 twice). The rule, applied per prefix and
 * size: an operator block wins; otherwise a real name beats "Private";
 * otherwise the row loaded first wins (file order, then oui.csv, mam.csv,
 * oui36.csv, iab.csv).
 */
#include "classify/oui.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define CSV_FIELD_MAX 512
#define CSV_FIELDS 3 /* Registry, Assignment, Organization Name */
#define N_SIZES 3

struct oui_entry {
	uint64_t prefix; /* left-aligned in 48 bits */
	uint32_t org;    /* arena offset */
	uint32_t seq;    /* load order, for the duplicate rule */
	int32_t tag;
	uint8_t source; /* enum oui_source */
	uint8_t rank;   /* 0 operator, 1 named, 2 "Private" */
};

struct oui_table {
	struct oui_entry *v;
	size_t n, cap;
};

struct oui_registry {
	struct oui_table t[N_SIZES]; /* 24, 28, 36 bits */
	char *arena;
	size_t arena_len, arena_cap;
	uint32_t seq;
	size_t skipped;
	uint64_t hash;
};

static const unsigned sizes[N_SIZES] = { 24, 28, 36 };

static int
size_index(unsigned bits)
{
	for (int i = 0; i < N_SIZES; i++)
		if (sizes[i] == bits)
			return i;
	return -1;
}

static uint64_t
size_mask(unsigned bits)
{
	return ((UINT64_C(1) << bits) - 1) << (48 - bits);
}

uint64_t
oui_fnv1a(uint64_t h, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

struct oui_registry *
oui_new(void)
{
	struct oui_registry *reg = xcalloc(1, sizeof(*reg));

	reg->hash = OUI_FNV_INIT;
	/* Offset 0 is the empty name. */
	reg->arena_cap = 4096;
	reg->arena = xmalloc(reg->arena_cap);
	reg->arena[0] = '\0';
	reg->arena_len = 1;
	return reg;
}

void
oui_free(struct oui_registry *reg)
{
	if (reg == NULL)
		return;
	for (int i = 0; i < N_SIZES; i++)
		free(reg->t[i].v);
	free(reg->arena);
	free(reg);
}

/* Copy a name into the arena with white space tidied; returns its offset. */
static uint32_t
arena_add(struct oui_registry *reg, const char *s)
{
	size_t need = strlen(s) + 1;
	uint32_t off;
	char *out;
	bool space = false;

	if (reg->arena_len + need > reg->arena_cap) {
		while (reg->arena_len + need > reg->arena_cap)
			reg->arena_cap *= 2;
		reg->arena = xreallocarray(reg->arena, reg->arena_cap, 1);
	}
	off = (uint32_t)reg->arena_len;
	out = reg->arena + off;
	while (isspace((unsigned char)*s))
		s++;
	for (; *s != '\0'; s++) {
		if (isspace((unsigned char)*s)) {
			space = true;
			continue;
		}
		if (space)
			*out++ = ' ';
		space = false;
		*out++ = *s;
	}
	*out++ = '\0';
	reg->arena_len = (size_t)(out - reg->arena);
	return off;
}

static void
table_push(struct oui_table *t, const struct oui_entry *e)
{
	if (t->n == t->cap) {
		t->cap = t->cap == 0 ? 1024 : t->cap * 2;
		t->v = xreallocarray(t->v, t->cap, sizeof(*t->v));
	}
	t->v[t->n++] = *e;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct oui_entry *x = a, *y = b;

	if (x->prefix != y->prefix)
		return x->prefix < y->prefix ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return 0;
}

/* Sort by prefix and keep the preferred row of each prefix. */
static void
table_settle(struct oui_table *t)
{
	size_t w = 0;

	if (t->n == 0)
		return;
	if (t->n > 1)
		qsort(t->v, t->n, sizeof(*t->v), entry_cmp);
	for (size_t r = 0; r < t->n; r++)
		if (w == 0 || t->v[w - 1].prefix != t->v[r].prefix)
			t->v[w++] = t->v[r];
	t->n = w;
}

static void
registry_add(struct oui_registry *reg, uint64_t prefix, unsigned bits,
    enum oui_source src, const char *org, int tag)
{
	struct oui_entry e;
	int i = size_index(bits);

	if (i < 0)
		return;
	memset(&e, 0, sizeof(e));
	e.prefix = prefix & size_mask(bits);
	e.org = arena_add(reg, org);
	e.seq = reg->seq++;
	e.tag = tag;
	e.source = (uint8_t)src;
	if (src == OUI_SRC_OPERATOR)
		e.rank = 0;
	else if (strcasecmp(reg->arena + e.org, "Private") == 0)
		e.rank = 2;
	else
		e.rank = 1;
	table_push(&reg->t[i], &e);
}

void
oui_add(struct oui_registry *reg, uint64_t prefix, unsigned bits,
    const char *org, int tag)
{
	int i = size_index(bits);

	if (i < 0)
		return;
	registry_add(reg, prefix, bits, OUI_SRC_OPERATOR, org, tag);
	table_settle(&reg->t[i]);
}

/* A CSV reader over a buffer; counts lines for error messages. */
struct csv {
	const char *buf;
	size_t len, pos;
	size_t line; /* line of the next character */
};

/*
 * Read one record, keeping the first CSV_FIELDS fields (truncated to
 * CSV_FIELD_MAX - 1 bytes). 1 = a record, 0 = end of input, -1 = a quoted
 * field never closed.
 */
static int
csv_record(struct csv *c, char f[CSV_FIELDS][CSV_FIELD_MAX], size_t *nf)
{
	*nf = 0;
	if (c->pos >= c->len)
		return 0;
	for (;;) {
		char *out = *nf < CSV_FIELDS ? f[*nf] : NULL;
		size_t o = 0;
		char ch;

#define EMIT(x)                                                                \
	do {                                                                   \
		if (out != NULL && o < CSV_FIELD_MAX - 1)                      \
			out[o++] = (x);                                        \
	} while (0)
		if (c->pos < c->len && c->buf[c->pos] == '"') {
			c->pos++;
			for (;;) {
				if (c->pos >= c->len)
					return -1;
				ch = c->buf[c->pos];
				if (ch == '"') {
					if (c->pos + 1 < c->len &&
					    c->buf[c->pos + 1] == '"') {
						EMIT('"');
						c->pos += 2;
						continue;
					}
					c->pos++;
					break;
				}
				if (ch == '\n')
					c->line++;
				EMIT(ch);
				c->pos++;
			}
		}
		/* Unquoted text, or stray text after a closing quote. */
		while (c->pos < c->len) {
			ch = c->buf[c->pos];
			if (ch == ',' || ch == '\n' || ch == '\r')
				break;
			EMIT(ch);
			c->pos++;
		}
#undef EMIT
		if (out != NULL)
			out[o] = '\0';
		(*nf)++;
		if (c->pos >= c->len)
			return 1;
		ch = c->buf[c->pos++];
		if (ch == ',')
			continue;
		if (ch == '\r' && c->pos < c->len && c->buf[c->pos] == '\n')
			c->pos++;
		c->line++;
		return 1;
	}
}

/* "00259E" (24), "286ED40" (28), "70B3D5F2F" (36); -1 otherwise. */
static int
assignment_parse(const char *s, uint64_t *prefix, unsigned *bits)
{
	size_t n = strlen(s);
	uint64_t v = 0;

	if (n != 6 && n != 7 && n != 9)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int d = hex_value((unsigned char)s[i]);
		if (d < 0)
			return -1;
		v = v << 4 | (uint64_t)d;
	}
	*bits = (unsigned)n * 4;
	*prefix = v << (48 - *bits);
	return 0;
}

static int
source_parse(const char *s, unsigned bits, enum oui_source *src)
{
	if (strcmp(s, "MA-L") == 0 && bits == 24)
		*src = OUI_SRC_MA_L;
	else if (strcmp(s, "MA-M") == 0 && bits == 28)
		*src = OUI_SRC_MA_M;
	else if (strcmp(s, "MA-S") == 0 && bits == 36)
		*src = OUI_SRC_MA_S;
	else if (strcmp(s, "IAB") == 0 && bits == 36)
		*src = OUI_SRC_IAB;
	else
		return -1;
	return 0;
}

int
oui_load_buffer(struct oui_registry *reg, const char *buf, size_t len,
    const char *origin, char *err, size_t errlen)
{
	struct csv c = { buf, len, 0, 1 };
	char f[CSV_FIELDS][CSV_FIELD_MAX];
	size_t nf, line;
	bool touched[N_SIZES] = { false, false, false };
	int r;

	reg->hash = oui_fnv1a(reg->hash, buf, len);
	for (;;) {
		uint64_t prefix;
		unsigned bits;
		enum oui_source src;

		line = c.line;
		r = csv_record(&c, f, &nf);
		if (r == 0)
			break;
		if (r < 0) {
			snprintf(err, errlen,
			    "%s:%zu: quoted field not closed before the end of the file",
			    origin, line);
			for (int i = 0; i < N_SIZES; i++)
				if (touched[i])
					table_settle(&reg->t[i]);
			return -1;
		}
		if (nf == 1 && f[0][0] == '\0')
			continue; /* blank line */
		if (line == 1 && strcmp(f[0], "Registry") == 0)
			continue; /* header */
		if (nf < 3 || assignment_parse(f[1], &prefix, &bits) < 0 ||
		    source_parse(f[0], bits, &src) < 0) {
			reg->skipped++;
			continue;
		}
		registry_add(reg, prefix, bits, src, f[2], -1);
		touched[size_index(bits)] = true;
	}
	for (int i = 0; i < N_SIZES; i++)
		if (touched[i])
			table_settle(&reg->t[i]);
	return 0;
}

int
oui_load_file(struct oui_registry *reg, const char *path, char *err,
    size_t errlen)
{
	size_t len;
	char *buf = file_read(path, &len, err, errlen);
	int r;

	if (buf == NULL)
		return -1;
	r = oui_load_buffer(reg, buf, len, path, err, errlen);
	free(buf);
	return r;
}

int
oui_load_dir(struct oui_registry *reg, const char *dir, char *err,
    size_t errlen)
{
	static const struct {
		const char *name;
		bool required;
	} files[] = {
		{ "oui.csv", true },
		{ "mam.csv", true },
		{ "oui36.csv", true },
		{ "iab.csv", false },
	};
	struct stat st;

	if (stat(dir, &st) < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a directory", dir);
		return -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char *path = xprintf("%s/%s", dir, files[i].name);
		int r = 0;

		if (files[i].required || access(path, F_OK) == 0)
			r = oui_load_file(reg, path, err, errlen);
		free(path);
		if (r < 0)
			return -1;
	}
	return 0;
}

/* The tags of the names met so far: open addressing over arena
 * offsets, keyed by the names' text. */
struct tag_memo {
	uint32_t *org; /* UINT32_MAX: empty */
	int *tag;
	size_t mask;
};

static int
memo_tag(const struct oui_registry *reg, struct tag_memo *m, uint32_t org,
    int (*fn)(const char *org, void *arg), void *arg)
{
	const char *name = reg->arena + org;
	size_t i =
	    (size_t)oui_fnv1a(OUI_FNV_INIT, name, strlen(name)) & m->mask;

	for (; m->org[i] != UINT32_MAX; i = (i + 1) & m->mask)
		if (strcmp(reg->arena + m->org[i], name) == 0)
			return m->tag[i];
	m->org[i] = org;
	m->tag[i] = fn(name, arg);
	return m->tag[i];
}

void
oui_tag_all(struct oui_registry *reg, int (*fn)(const char *org, void *arg),
    void *arg)
{
	struct tag_memo m;
	size_t n = 0, cap = 16;

	/* Many blocks share a name (a large maker holds hundreds): each
	 * name is matched once. */
	for (int i = 0; i < N_SIZES; i++)
		n += reg->t[i].n;
	while (cap < 2 * n)
		cap *= 2;
	m.org = xmalloc(cap * sizeof(*m.org));
	m.tag = xmalloc(cap * sizeof(*m.tag));
	m.mask = cap - 1;
	memset(m.org, 0xff, cap * sizeof(*m.org));
	for (int i = 0; i < N_SIZES; i++) {
		struct oui_table *t = &reg->t[i];

		for (size_t k = 0; k < t->n; k++)
			if (t->v[k].source != OUI_SRC_OPERATOR)
				t->v[k].tag =
				    memo_tag(reg, &m, t->v[k].org, fn, arg);
	}
	free(m.org);
	free(m.tag);
}

static const struct oui_entry *
table_find(const struct oui_table *t, uint64_t key)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->v[mid].prefix == key)
			return &t->v[mid];
		if (t->v[mid].prefix < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

enum oui_status
oui_lookup(const struct oui_registry *reg, const uint8_t mac[MAC_LEN],
    struct oui_match *m)
{
	uint64_t v = 0;

	if (mac_is_multicast(mac))
		return OUI_MULTICAST;
	if (mac_is_local(mac))
		return OUI_LOCAL;
	if (reg == NULL)
		return OUI_UNLISTED;
	for (size_t i = 0; i < MAC_LEN; i++)
		v = v << 8 | mac[i];
	for (int i = N_SIZES - 1; i >= 0; i--) {
		const struct oui_entry *e =
		    table_find(&reg->t[i], v & size_mask(sizes[i]));

		if (e == NULL)
			continue;
		m->prefix = e->prefix;
		m->bits = sizes[i];
		m->source = (enum oui_source)e->source;
		m->org = reg->arena + e->org;
		m->tag = e->tag;
		return OUI_FOUND;
	}
	return OUI_UNLISTED;
}

size_t
oui_count(const struct oui_registry *reg, unsigned bits)
{
	int i = size_index(bits);

	return i < 0 ? 0 : reg->t[i].n;
}

size_t
oui_skipped(const struct oui_registry *reg)
{
	return reg->skipped;
}

uint64_t
oui_content_hash(const struct oui_registry *reg)
{
	return reg->hash;
}

int
oui_block_parse(const char *s, uint64_t *prefix, unsigned *bits)
{
	uint64_t v = 0;
	unsigned nd = 0, want;
	const char *p;
	char sep = 0;

	for (p = s; *p != '\0' && *p != '/'; p++) {
		int d = hex_value((unsigned char)*p);

		if (d >= 0) {
			if (++nd > 12)
				return -1;
			v = v << 4 | (uint64_t)d;
			continue;
		}
		if (*p != ':' && *p != '-' && *p != '.')
			return -1;
		/* One kind of separator, never leading, doubled or trailing. */
		if ((sep != 0 && *p != sep) || p == s || p[1] == '\0' ||
		    p[1] == '/' || hex_value((unsigned char)p[1]) < 0)
			return -1;
		sep = *p;
	}
	if (nd == 0)
		return -1;
	if (*p == '/') {
		char *end;
		unsigned long b;

		if (!isdigit((unsigned char)p[1]))
			return -1;
		errno = 0;
		b = strtoul(p + 1, &end, 10);
		if (errno != 0 || *end != '\0')
			return -1;
		want = (unsigned)b;
	} else
		want = nd * 4;
	if (size_index(want) < 0)
		return -1;
	v <<= 48 - nd * 4;
	if ((v & ~size_mask(want)) != 0)
		return -1;
	*prefix = v;
	*bits = want;
	return 0;
}

void
oui_block_format(uint64_t prefix, unsigned bits, char out[OUI_BLOCK_STRLEN])
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned nd = bits / 4;
	size_t o = 0;

	for (unsigned i = 0; i < nd; i++) {
		if (i > 0 && i % 2 == 0)
			out[o++] = ':';
		out[o++] = hex[(prefix >> (44 - 4 * i)) & 0xf];
	}
	if (bits != 24) {
		out[o++] = '/';
		out[o++] = (char)('0' + bits / 10);
		out[o++] = (char)('0' + bits % 10);
	}
	out[o] = '\0';
}

const char *
oui_source_name(enum oui_source src)
{
	switch (src) {
	case OUI_SRC_MA_L:
		return "MA-L";
	case OUI_SRC_MA_M:
		return "MA-M";
	case OUI_SRC_MA_S:
		return "MA-S";
	case OUI_SRC_IAB:
		return "IAB";
	case OUI_SRC_OPERATOR:
		return "vendors.conf";
	}
	return "?";
}

const char *
oui_status_name(enum oui_status st)
{
	switch (st) {
	case OUI_FOUND:
		return "found";
	case OUI_UNLISTED:
		return "unlisted";
	case OUI_MULTICAST:
		return "multicast";
	case OUI_LOCAL:
		return "locally administered";
	}
	return "?";
}
