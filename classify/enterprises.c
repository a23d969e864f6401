/*
 * The IANA enterprise numbers registry, in the format of Wireshark's
 * enterprises.tsv (tools/make-enterprises.py writes it from IANA's list):
 *
 *	9	ciscoSystems
 *	637	Nokia	# formerly 'Alcatel-Lucent'
 *
 * The number and the name are separated by spaces or tabs; the name runs
 * to the next tab or the end of the line, so a '#' inside it ("School
 * District # 37", "#B4mad Research") is part of the name, and what follows
 * that tab must be a comment. Each file is read whole and kept: names are
 * cut out of it in place. Entries are sorted by number once per file; the
 * Debian file is sorted already, so that sort is skipped.
 */
#include "classify/enterprises.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/oui.h"
#include "common/text.h"
#include "common/util.h"

struct slot {
	struct enterprise_entry e;
	uint32_t seq; /* load order: the later line of a number wins */
};

struct enterprises {
	struct slot *v;
	size_t n, cap;
	char **texts; /* the files read, names cut out of them */
	size_t n_texts;
	uint32_t seq;
	uint64_t hash;
};

struct enterprises *
enterprises_new(void)
{
	struct enterprises *reg = xcalloc(1, sizeof(*reg));

	reg->hash = OUI_FNV_INIT;
	return reg;
}

void
enterprises_free(struct enterprises *reg)
{
	if (reg == NULL)
		return;
	for (size_t i = 0; i < reg->n_texts; i++)
		free(reg->texts[i]);
	free(reg->texts);
	free(reg->v);
	free(reg);
}

static int
slot_cmp(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	if (x->e.pen != y->e.pen)
		return x->e.pen < y->e.pen ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sort by number and keep the last line given for each. */
static void
settle(struct enterprises *reg, size_t from)
{
	size_t w = 0;
	bool sorted = true;

	for (size_t i = from > 0 ? from : 1; i < reg->n && sorted; i++)
		sorted = reg->v[i - 1].e.pen < reg->v[i].e.pen;
	if (sorted)
		return;
	if (reg->n > 1)
		qsort(reg->v, reg->n, sizeof(*reg->v), slot_cmp);
	for (size_t r = 0; r < reg->n; r++) {
		if (w > 0 && reg->v[w - 1].e.pen == reg->v[r].e.pen)
			w--;
		reg->v[w++] = reg->v[r];
	}
	reg->n = w;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Parse one line [s, e) of a writable text; 1 an entry, 0 nothing, -1 bad
 * (what in *why). Cuts the name out with a NUL. */
static int
parse_line(char *s, char *e, uint32_t *pen, char **name, const char **why)
{
	unsigned long long n = 0;
	char *p = s, *q;

	if (e > s && e[-1] == '\r')
		e--;
	while (p < e && is_blank(*p))
		p++;
	if (p == e || *p == '#')
		return 0;
	if (memchr(s, '\0', (size_t)(e - s)) != NULL) {
		*why = "a NUL byte";
		return -1;
	}
	for (q = p; q < e && isdigit((unsigned char)*q); q++) {
		n = n * 10 + (unsigned)(*q - '0');
		if (n > UINT32_MAX) {
			*why = "the number is above 4294967295";
			return -1;
		}
	}
	if (q == p || (q < e && !is_blank(*q))) {
		*why = "not \"NUMBER NAME\": the line must start with an "
		       "enterprise number";
		return -1;
	}
	while (q < e && is_blank(*q))
		q++;
	p = q;
	while (q < e && *q != '\t')
		q++;
	/* The name ends at a tab; only a comment may follow it. */
	for (char *c = q; c < e; c++) {
		if (is_blank(*c))
			continue;
		if (*c != '#') {
			*why = "text after the name's tab that is not a "
			       "comment ('#')";
			return -1;
		}
		break;
	}
	while (q > p && q[-1] == ' ')
		q--;
	if (q == p) {
		*why = "no registrant name after the number";
		return -1;
	}
	for (char *c = p; c < q; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			*why = "a control character in the name";
			return -1;
		}
	*q = '\0';
	if (!text_wire_is_utf8(p)) {
		*why = "the name is not valid UTF-8";
		return -1;
	}
	*pen = (uint32_t)n;
	*name = p;
	return 1;
}

static void
push(struct enterprises *reg, uint32_t pen, const char *name, bool local)
{
	struct slot *s;

	if (reg->n == reg->cap) {
		reg->cap = reg->cap == 0 ? 4096 : reg->cap * 2;
		reg->v = xreallocarray(reg->v, reg->cap, sizeof(*reg->v));
	}
	s = &reg->v[reg->n++];
	s->e.pen = pen;
	s->e.name = name;
	/* IANA keeps numbers it took back as "Reserved", a few as
	 * "---none---": they name no registrant. */
	s->e.unassigned =
	    strcmp(name, "Reserved") == 0 || strcmp(name, "---none---") == 0;
	s->e.local = local;
	s->e.tag = -1;
	s->seq = reg->seq++;
}

/* Load text the registry owns from now on (it is cut up in place). */
static int
load_owned(struct enterprises *reg, char *text, size_t len, const char *origin,
    bool local, char *err, size_t errlen)
{
	size_t first = reg->n, line = 0;
	char *s = text, *end = text + len;

	reg->texts =
	    xreallocarray(reg->texts, reg->n_texts + 1, sizeof(*reg->texts));
	reg->texts[reg->n_texts++] = text;
	reg->hash = oui_fnv1a(reg->hash, text, len);
	while (s < end) {
		char *e = memchr(s, '\n', (size_t)(end - s)), *name;
		const char *why = NULL;
		uint32_t pen;
		int r;

		if (e == NULL)
			e = end;
		line++;
		r = parse_line(s, e, &pen, &name, &why);
		if (r < 0) {
			/* Drop what this text added: all or nothing. */
			reg->n = first;
			snprintf(err, errlen, "%s:%zu: %s", origin, line, why);
			return -1;
		}
		if (r > 0)
			push(reg, pen, name, local);
		s = e + 1;
	}
	settle(reg, first);
	return 0;
}

int
enterprises_load_buffer(struct enterprises *reg, const char *buf, size_t len,
    const char *origin, bool local, char *err, size_t errlen)
{
	char *text = xmalloc(len + 1);

	memcpy(text, buf, len);
	text[len] = '\0';
	return load_owned(reg, text, len, origin, local, err, errlen);
}

int
enterprises_load_file(struct enterprises *reg, const char *path, bool local,
    char *err, size_t errlen)
{
	size_t len;
	char *text = file_read(path, &len, err, errlen);

	if (text == NULL)
		return -1;
	return load_owned(reg, text, len, path, local, err, errlen);
}

const struct enterprise_entry *
enterprises_lookup(const struct enterprises *reg, uint32_t pen)
{
	size_t lo = 0, hi = reg->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (reg->v[mid].e.pen == pen)
			return &reg->v[mid].e;
		if (reg->v[mid].e.pen < pen)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void
enterprises_tag_all(struct enterprises *reg,
    int (*fn)(const char *name, void *arg), void *arg)
{
	for (size_t i = 0; i < reg->n; i++)
		reg->v[i].e.tag =
		    reg->v[i].e.unassigned ? -1 : fn(reg->v[i].e.name, arg);
}

size_t
enterprises_count(const struct enterprises *reg)
{
	return reg->n;
}

const struct enterprise_entry *
enterprises_at(const struct enterprises *reg, size_t i)
{
	return i < reg->n ? &reg->v[i].e : NULL;
}

uint64_t
enterprises_content_hash(const struct enterprises *reg)
{
	return reg->hash;
}
