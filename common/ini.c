/*
 * The reader of ini.h. Lines end in LF (a CR before it belongs to the end);
 * a NUL byte or a line over INI_LINE_MAX bytes is an error, never a silent
 * cut, even in a comment. A UTF-8 byte order mark before the first line is
 * skipped. An indented line continues the key before it, blank and comment
 * lines between them notwithstanding, as vraudit.conf has always been
 * read; only a list may be continued.
 */
#include "common/ini.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/text.h"
#include "common/util.h"

void
ini_init(struct ini *r, const char *origin, const char *text, size_t len,
    const char *first, char *err, size_t errlen)
{
	memset(r, 0, sizeof(*r));
	r->origin = origin;
	r->first = first != NULL ? first : "[section]";
	r->text = text;
	r->len = len;
	r->err = err;
	r->errlen = errlen;
	r->key = -1;
	r->buf = xmalloc(INI_LINE_MAX + 1);
	r->list = xmalloc(INI_LINE_MAX + 1);
	if (errlen > 0)
		err[0] = '\0';
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		r->pos = 3;
}

static void
close_section(struct ini *r)
{
	free(r->type);
	free(r->name);
	free(r->label);
	free(r->given);
	r->type = r->name = r->label = NULL;
	r->given = NULL;
	r->keys = NULL;
	r->n_keys = 0;
}

void
ini_finish(struct ini *r)
{
	close_section(r);
	free(r->pend_type);
	free(r->pend_name);
	for (size_t i = 0; i < r->n_seen; i++)
		free(r->seen[i].label);
	free(r->seen);
	free(r->items);
	free(r->buf);
	free(r->list);
	memset(r, 0, sizeof(*r));
}

static int verror(struct ini *r, int line, const char *label, const char *key,
    const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static int
verror(struct ini *r, int line, const char *label, const char *key,
    const char *fmt, va_list ap)
{
	struct strbuf b = STRBUF_INIT;

	if (r->failed)
		return -1;
	r->failed = true;
	strbuf_adds(&b, r->origin);
	if (line > 0)
		strbuf_printf(&b, ":%d", line);
	strbuf_adds(&b, ": ");
	if (label != NULL)
		strbuf_printf(&b, "[%s] ", label);
	if (key != NULL)
		strbuf_printf(&b, "%s: ", key);
	strbuf_vprintf(&b, fmt, ap);
	if (r->errlen > 0)
		str_copy(r->err, strbuf_str(&b), r->errlen);
	strbuf_finish(&b);
	return -1;
}

int
ini_error(struct ini *r, int line, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(r, line, r->label, key, fmt, ap);
	va_end(ap);
	return -1;
}

/* An error about the text itself, which no section is to blame for. */
static int syntax(struct ini *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
syntax(struct ini *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(r, r->line, NULL, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

void
ini_keys(struct ini *r, const struct ini_key *keys)
{
	int n = 0;

	while (keys[n].name != NULL)
		n++;
	free(r->given);
	r->keys = keys;
	r->n_keys = n;
	r->given = xcalloc((size_t)n + 1, sizeof(*r->given));
}

int
ini_given(const struct ini *r, int key)
{
	return key >= 0 && key < r->n_keys ? r->given[key] : 0;
}

/* The first of chars in s, or the ';' of a comment (one after white space),
 * or the end of s. */
static char *
find(char *s, const char *chars)
{
	bool space = false;

	for (; *s != '\0'; s++) {
		if (strchr(chars, *s) != NULL || (space && *s == ';'))
			break;
		space = isspace((unsigned char)*s);
	}
	return s;
}

/* A value with its comment removed, trimmed. */
static char *
value_of(char *s)
{
	*find(s, "") = '\0';
	return str_trim(s);
}

/* The key whose lines ended: a dangling ',' or an empty list it may not
 * have is an error now. */
static int
list_done(struct ini *r)
{
	int k = r->key;

	if (k < 0)
		return 0;
	r->key = -1;
	if (r->comma_line != 0)
		return ini_error(r, r->comma_line, r->keys[k].name,
		    "empty list item (the line ends with ',' and no indented "
		    "line continues it)");
	if ((r->keys[k].flags & INI_LIST) &&
	    (r->keys[k].flags & INI_NONEMPTY) && r->key_items == 0)
		return ini_error(r, r->key_line, r->keys[k].name,
		    "empty value");
	return 0;
}

/* Split a list line's value into items (in a copy, so the value stays
 * whole); a ',' ending a line awaits an indented line, any other empty
 * item is an error. */
static int
split(struct ini *r, struct ini_line *l)
{
	const char *key = r->keys[r->key].name;
	char *v = r->list, *item, *next;

	str_copy(r->list, l->value, INI_LINE_MAX + 1);
	l->n_items = 0;
	r->comma_line = 0;
	if (*v == '\0')
		return 1;
	for (item = v; item != NULL; item = next) {
		if ((next = strchr(item, ',')) != NULL)
			*next++ = '\0';
		str_trim(item);
		if (*item == '\0') {
			if (next == NULL && item != v) {
				r->comma_line = l->line;
				break;
			}
			return ini_error(r, l->line, key,
			    "empty list item "
			    "(expected a comma-separated list)");
		}
		if (l->n_items == r->cap_items) {
			r->cap_items = r->cap_items == 0 ? 8 : r->cap_items * 2;
			r->items = xreallocarray(r->items, r->cap_items,
			    sizeof(*r->items));
		}
		r->items[l->n_items++] = item;
	}
	l->items = r->items;
	r->key_items += l->n_items;
	return 1;
}

static int
open_section(struct ini *r, struct ini_line *l, char *type, char *name,
    int line)
{
	close_section(r);
	r->type = type;
	r->name = name;
	r->label = xprintf("%s%s%s", type, *name != '\0' ? " " : "", name);
	r->sec_line = line;
	r->ended = false;
	r->key = -1;
	for (size_t i = 0; i < r->n_seen; i++)
		if (strcmp(r->seen[i].label, r->label) == 0)
			return ini_error(r, line, NULL,
			    "duplicate section (first on line %d)",
			    r->seen[i].line);
	r->seen = xreallocarray(r->seen, r->n_seen + 1, sizeof(*r->seen));
	r->seen[r->n_seen].label = xstrdup(r->label);
	r->seen[r->n_seen++].line = line;
	l->kind = INI_SECTION;
	l->line = line;
	l->type = r->type;
	l->name = r->name;
	return 1;
}

static int
end_section(struct ini *r, struct ini_line *l)
{
	r->ended = true;
	l->kind = INI_END;
	l->line = r->sec_line;
	l->type = r->type;
	l->name = r->name;
	return 1;
}

/* "[type NAME]", then nothing but a comment. */
static int
header(struct ini *r, struct ini_line *l, char *s)
{
	char *end = find(s + 1, "]"), *rest, *type, *name;

	if (*end != ']')
		return syntax(r, "section header lacks its closing ']'");
	for (rest = end + 1; isspace((unsigned char)*rest); rest++)
		;
	if (*rest != '\0' && *rest != ';')
		return syntax(r,
		    "unexpected text after the section header "
		    "(one \"key = value\" per line)");
	*end = '\0';
	type = str_trim(s + 1);
	for (name = type; *name != '\0' && !isspace((unsigned char)*name);)
		name++;
	if (*name != '\0')
		*name++ = '\0';
	type = xstrdup(type);
	name = xstrdup(str_trim(name));
	if (r->label != NULL && !r->ended) {
		r->pending = true;
		r->pend_type = type;
		r->pend_name = name;
		r->pend_line = r->line;
		return end_section(r, l);
	}
	return open_section(r, l, type, name, r->line);
}

/* "key = value" or "key: value". */
static int
key_line(struct ini *r, struct ini_line *l, char *s)
{
	struct strbuf b = STRBUF_INIT;
	char *sep = find(s, "=:"), *key, *value;
	const struct ini_key *k;
	int i;

	if (*sep != '=' && *sep != ':')
		return syntax(r,
		    "expected \"key = value\" or a [section] "
		    "header");
	*sep = '\0';
	key = str_trim(s);
	value = value_of(sep + 1);
	if (*key == '\0')
		return syntax(r,
		    "a value without a key (expected \"key = "
		    "value\")");
	if (r->label == NULL)
		return ini_error(r, r->line, key,
		    "key outside any section "
		    "(expected a %s header first)",
		    r->first);
	for (i = 0; i < r->n_keys && strcmp(r->keys[i].name, key) != 0; i++)
		;
	if (i == r->n_keys) {
		for (int j = 0; j < r->n_keys; j++)
			strbuf_printf(&b, "%s%s",
			    j == 0                   ? ""
				: j + 1 == r->n_keys ? " or "
						     : ", ",
			    r->keys[j].name);
		ini_error(r, r->line, key, "unknown key (expected %s)",
		    r->n_keys > 0 ? strbuf_str(&b) : "none here");
		strbuf_finish(&b);
		return -1;
	}
	k = &r->keys[i];
	if (r->given[i] != 0 && !(k->flags & INI_REPEAT))
		return ini_error(r, r->line, key,
		    "given twice (first on line %d)", r->given[i]);
	if (r->given[i] == 0)
		r->given[i] = r->line;
	if ((k->flags & (INI_NONEMPTY | INI_LIST)) == INI_NONEMPTY &&
	    *value == '\0')
		return ini_error(r, r->line, key, "empty value");
	r->key = i;
	r->key_line = r->line;
	r->key_items = 0;
	l->kind = INI_KEY;
	l->line = r->line;
	l->key = i;
	l->value = value;
	return k->flags & INI_LIST ? split(r, l) : 1;
}

/* An indented line after a key: more items of its list. */
static int
continuation(struct ini *r, struct ini_line *l, char *s)
{
	const struct ini_key *k = &r->keys[r->key];

	if (!(k->flags & INI_LIST))
		return ini_error(r, r->line, k->name,
		    "indented line continues "
		    "a single value (only lists may continue on indented "
		    "lines)");
	l->kind = INI_MORE;
	l->line = r->line;
	l->key = r->key;
	l->value = value_of(s);
	return split(r, l);
}

/* The end of the text: the last section ends, then nothing is left. */
static int
at_end(struct ini *r, struct ini_line *l)
{
	if (list_done(r) < 0)
		return -1;
	if (r->label != NULL && !r->ended)
		return end_section(r, l);
	close_section(r);
	return 0;
}

int
ini_next(struct ini *r, struct ini_line *l)
{
	memset(l, 0, sizeof(*l));
	l->key = -1;
	if (r->failed)
		return -1;
	if (r->pending) {
		char *type = r->pend_type, *name = r->pend_name;

		r->pending = false;
		r->pend_type = r->pend_name = NULL;
		return open_section(r, l, type, name, r->pend_line);
	}
	while (r->pos < r->len) {
		const char *p = r->text + r->pos;
		const char *nl = memchr(p, '\n', r->len - r->pos);
		size_t n = nl != NULL ? (size_t)(nl - p) : r->len - r->pos;
		size_t lead = 0;
		bool skip, more;

		r->pos += n + (nl != NULL);
		r->line++;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		while (lead < n && isspace((unsigned char)p[lead]))
			lead++;
		skip = lead == n || p[lead] == ';' || p[lead] == '#';
		more = !skip && lead > 0 && r->key >= 0;
		/* Whether the last key goes on is known before this line
		 * is read any further: report its errors first. */
		if (!skip && !more && list_done(r) < 0)
			return -1;
		if (n > INI_LINE_MAX)
			return syntax(r, "line longer than %d bytes",
			    INI_LINE_MAX);
		if (memchr(p, '\0', n) != NULL)
			return syntax(r, "line contains a NUL byte");
		if (skip)
			continue;
		memcpy(r->buf, p, n);
		r->buf[n] = '\0';
		str_trim(r->buf);
		if (more)
			return continuation(r, l, r->buf);
		if (r->buf[0] == '[')
			return header(r, l, r->buf);
		return key_line(r, l, r->buf);
	}
	return at_end(r, l);
}
