/*
 * The line reader of confline.h. Lines end in LF (a CR before it is white
 * space); a NUL byte or a line over CONFLINE_MAX bytes is an error rather
 * than a silent truncation.
 */
#include "common/confline.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

void
confline_init(struct confline_reader *r, const char *text, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->text = text;
	r->len = len;
	r->buf = xmalloc(CONFLINE_MAX + 1);
}

void
confline_finish(struct confline_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

static int
section(char *s, struct confline *out, const char **msg)
{
	char *close = strchr(s, ']'), *type, *name;

	if (close == NULL || str_trim(close + 1)[0] != '\0') {
		*msg = "section header without a closing ']'";
		return -1;
	}
	*close = '\0';
	type = str_trim(s + 1);
	name = type;
	while (*name != '\0' && !isspace((unsigned char)*name))
		name++;
	if (*name != '\0')
		*name++ = '\0';
	out->kind = CONFLINE_SECTION;
	out->type = type;
	out->name = str_trim(name);
	return 1;
}

int
confline_next(struct confline_reader *r, struct confline *out,
    const char **msg)
{
	while (r->pos < r->len) {
		const char *p = r->text + r->pos;
		const char *nl = memchr(p, '\n', r->len - r->pos);
		size_t n = nl != NULL ? (size_t)(nl - p) : r->len - r->pos;
		char *s, *eq;

		r->line++;
		memset(out, 0, sizeof(*out));
		out->line = r->line;
		if (n > CONFLINE_MAX) {
			*msg = "line longer than 4096 bytes";
			return -1;
		}
		if (memchr(p, '\0', n) != NULL) {
			*msg = "NUL byte in the line";
			return -1;
		}
		memcpy(r->buf, p, n);
		r->buf[n] = '\0';
		r->pos += n + (nl != NULL);
		s = str_trim(r->buf);
		if (*s == '\0' || *s == ';' || *s == '#')
			continue;
		if (*s == '[')
			return section(s, out, msg);
		if ((eq = strchr(s, '=')) == NULL) {
			*msg = "expected 'key = value' or a [section] header";
			return -1;
		}
		*eq = '\0';
		out->kind = CONFLINE_KEY;
		out->key = str_trim(s);
		out->value = str_trim(eq + 1);
		if (*out->key == '\0') {
			*msg = "'=' without a key before it";
			return -1;
		}
		return 1;
	}
	return 0;
}
