/*
 * Network text and string buffers (text.h).
 */
#include "common/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

/* Wire text's stand-ins for a NUL byte and for a C0 byte. */
#define STUFF 0xc0
#define STUFF_NUL 0x80

void
strbuf_add(struct strbuf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap > 0 ? b->cap : 64;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->s = xreallocarray(b->s, cap, 1);
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
strbuf_adds(struct strbuf *b, const char *s)
{
	if (s != NULL)
		strbuf_add(b, s, strlen(s));
}

void
strbuf_addc(struct strbuf *b, char c)
{
	strbuf_add(b, &c, 1);
}

void
strbuf_vprintf(struct strbuf *b, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	if (n < 0) {
		va_end(again);
		return;
	}
	strbuf_add(b, "", 0); /* room for the terminator at least */
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = b->cap;

		while (cap < b->len + (size_t)n + 1)
			cap *= 2;
		b->s = xreallocarray(b->s, cap, 1);
		b->cap = cap;
	}
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, again);
	va_end(again);
	b->len += (size_t)n;
}

void
strbuf_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(b, fmt, ap);
	va_end(ap);
}

const char *
strbuf_str(const struct strbuf *b)
{
	return b->s != NULL ? b->s : "";
}

void
strbuf_reset(struct strbuf *b)
{
	b->len = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

char *
strbuf_steal(struct strbuf *b)
{
	char *s = b->s != NULL ? b->s : xstrdup("");

	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void
strbuf_finish(struct strbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

size_t
text_utf8_seq(const void *p, size_t left)
{
	const unsigned char *u = p;
	size_t n;

	if (left == 0)
		return 0;
	if (u[0] < 0x80)
		return 1;
	if (u[0] < 0xc2)
		return 0;
	n = u[0] >= 0xf0 ? 4 : u[0] >= 0xe0 ? 3 : 2;
	if (n > left || !utf8_valid(u, n))
		return 0;
	return n;
}

char *
text_from_bytes(const void *p, size_t len)
{
	const uint8_t *u = p;
	size_t extra = 0, k = 0;
	char *out;

	if (len == 0)
		return xstrdup("");
	if (utf8_valid(u, len) && memchr(u, '\0', len) == NULL)
		return xstrndup(p, len);
	for (size_t i = 0; i < len; i++)
		if (u[i] == '\0' || u[i] == STUFF)
			extra++;
	out = xmalloc(len + extra + 1);
	for (size_t i = 0; i < len; i++) {
		if (u[i] == '\0' || u[i] == STUFF) {
			out[k++] = (char)STUFF;
			out[k++] = (char)(u[i] == '\0' ? STUFF_NUL : STUFF);
		} else
			out[k++] = (char)u[i];
	}
	out[k] = '\0';
	return out;
}

char *
text_from_wire(const void *p, size_t len)
{
	const uint8_t *u = p;

	while (len > 0 && u[len - 1] == '\0')
		len--;
	return text_from_bytes(p, len);
}

bool
text_wire_is_utf8(const char *s)
{
	return utf8_valid(s, strlen(s));
}

size_t
text_wire_decode(const char *s, uint8_t *out)
{
	const uint8_t *u = (const uint8_t *)s;
	size_t n = 0;
	bool stuffed = !text_wire_is_utf8(s);

	for (size_t i = 0; u[i] != '\0'; i++) {
		uint8_t c = u[i];

		if (stuffed && c == STUFF &&
		    (u[i + 1] == STUFF || u[i + 1] == STUFF_NUL)) {
			c = u[i + 1] == STUFF_NUL ? '\0' : STUFF;
			i++;
		}
		if (out != NULL)
			out[n] = c;
		n++;
	}
	return n;
}

static void
hex_byte(struct strbuf *b, unsigned char c)
{
	char hex[5];

	snprintf(hex, sizeof(hex), "\\x%02x", c);
	strbuf_add(b, hex, 4);
}

/* The styles that keep a byte as it is, when it stands alone: the bits
 * of plain_byte. */
enum {
	PLAIN_TERMINAL = 1,
	PLAIN_HTML = 2,
	PLAIN_JSON = 4,
	PLAIN_JSON_VALUE = 8,
	PLAIN_CSV = 16,
};

/* Printable ASCII but the backslash for the terminal (and audit) form;
 * but the HTML specials too for HTML; printable ASCII but '"' and the
 * backslash for JSON; ASCII for a JSON value; the terminal's but ','
 * and '"' for CSV. */
#define TERMINAL_PLAIN(c) ((c) >= 0x20 && (c) < 0x7f && (c) != '\\')
#define HTML_PLAIN(c)                                                          \
	(TERMINAL_PLAIN(c) && (c) != '&' && (c) != '<' && (c) != '>' &&        \
	    (c) != '"' && (c) != '\'')
#define JSON_PLAIN(c) ((c) >= 0x20 && (c) < 0x7f && (c) != '"' && (c) != '\\')
#define CSV_PLAIN(c) (TERMINAL_PLAIN(c) && (c) != ',' && (c) != '"')
#define PLAIN_BYTE(c)                                                          \
	((TERMINAL_PLAIN(c) ? PLAIN_TERMINAL : 0) |                            \
	    (HTML_PLAIN(c) ? PLAIN_HTML : 0) |                                 \
	    (JSON_PLAIN(c) ? PLAIN_JSON : 0) |                                 \
	    ((c) < 0x80 ? PLAIN_JSON_VALUE : 0) |                              \
	    (CSV_PLAIN(c) ? PLAIN_CSV : 0))
#define PLAIN_BYTES4(c)                                                        \
	PLAIN_BYTE(c), PLAIN_BYTE((c) + 1), PLAIN_BYTE((c) + 2),               \
	    PLAIN_BYTE((c) + 3)
#define PLAIN_BYTES16(c)                                                       \
	PLAIN_BYTES4(c), PLAIN_BYTES4((c) + 4), PLAIN_BYTES4((c) + 8),         \
	    PLAIN_BYTES4((c) + 12)
#define PLAIN_BYTES64(c)                                                       \
	PLAIN_BYTES16(c), PLAIN_BYTES16((c) + 16), PLAIN_BYTES16((c) + 32),    \
	    PLAIN_BYTES16((c) + 48)

/* Each byte's PLAIN_ bits. */
static const unsigned char plain_byte[256] = { PLAIN_BYTES64(0),
	PLAIN_BYTES64(64), PLAIN_BYTES64(128), PLAIN_BYTES64(192) };

/* Leading bytes of u[0, len) whose class has bit: the run a style keeps
 * as it is. */
static size_t
plain_run(const unsigned char *u, size_t len, unsigned bit)
{
	size_t n = 0;

	while (n + 4 <= len &&
	    (plain_byte[u[n]] & plain_byte[u[n + 1]] & plain_byte[u[n + 2]] &
		plain_byte[u[n + 3]] & bit))
		n += 4;
	while (n < len && (plain_byte[u[n]] & bit))
		n++;
	return n;
}

/* The terminal form, with the HTML references when html. */
static void
escape_terminal(struct strbuf *b, const unsigned char *p, size_t len, bool html)
{
	for (size_t i = 0; i < len;) {
		size_t n, run;

		/* Plain text goes in runs, not byte by byte. */
		run = i +
		    plain_run(p + i, len - i,
			html ? PLAIN_HTML : PLAIN_TERMINAL);
		if (run > i) {
			strbuf_add(b, p + i, run - i);
			i = run;
			continue;
		}
		n = text_utf8_seq(p + i, len - i);
		if (n == 0 || p[i] < 0x20 || p[i] == 0x7f ||
		    (p[i] == 0xc2 && p[i + 1] < 0xa0)) {
			/* invalid, or a C0 or C1 control */
			if (n == 0)
				n = 1;
			for (size_t k = 0; k < n; k++)
				hex_byte(b, p[i + k]);
		} else if (p[i] == '\\')
			strbuf_add(b, "\\\\", 2);
		else if (html && p[i] == '&')
			strbuf_adds(b, "&amp;");
		else if (html && p[i] == '<')
			strbuf_adds(b, "&lt;");
		else if (html && p[i] == '>')
			strbuf_adds(b, "&gt;");
		else if (html && p[i] == '"')
			strbuf_adds(b, "&quot;");
		else if (html && p[i] == '\'')
			strbuf_adds(b, "&#39;");
		else
			strbuf_add(b, p + i, n);
		i += n;
	}
}

static void
escape_csv(struct strbuf *b, const unsigned char *p, size_t len)
{
	struct strbuf t = STRBUF_INIT;
	const char *s;
	bool formula, quote;

	escape_terminal(&t, p, len, false);
	s = strbuf_str(&t);
	/* Judged on the value itself: a tab or CR is written \x09, \x0d,
	 * yet a spreadsheet that reads the file another way sees it. */
	formula = len > 0 && memchr("=+-@\t\r", p[0], 6) != NULL;
	quote = formula || strpbrk(s, ",\"") != NULL;
	if (quote)
		strbuf_addc(b, '"');
	if (formula)
		strbuf_addc(b, '\'');
	while (*s != '\0') {
		size_t run = strcspn(s, "\"");

		strbuf_add(b, s, run);
		s += run;
		if (*s == '"') {
			strbuf_add(b, "\"\"", 2);
			s++;
		}
	}
	if (quote)
		strbuf_addc(b, '"');
	strbuf_finish(&t);
}

static void
escape_json(struct strbuf *b, const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t n, run;

		/* Plain text goes in runs, not byte by byte. */
		run = i + plain_run(p + i, len - i, PLAIN_JSON);
		if (run > i) {
			strbuf_add(b, p + i, run - i);
			i = run;
			continue;
		}
		n = text_utf8_seq(p + i, len - i);
		if (n == 0) {
			char hex[6];

			snprintf(hex, sizeof(hex), "\\\\x%02x", p[i]);
			strbuf_add(b, hex, 5);
			i++;
			continue;
		}
		if (p[i] == '"' || p[i] == '\\') {
			strbuf_addc(b, '\\');
			strbuf_addc(b, (char)p[i]);
		} else if (p[i] < 0x20 || p[i] == 0x7f)
			strbuf_printf(b, "\\u%04x", p[i]);
		else
			strbuf_add(b, p + i, n);
		i += n;
	}
}

static void
escape_json_value(struct strbuf *b, const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t n = text_utf8_seq(p + i, len - i);

		if (n == 0) {
			hex_byte(b, p[i]);
			i++;
		} else {
			strbuf_add(b, p + i, n);
			i += n;
		}
	}
}

static void
escape_audit(struct strbuf *b, const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t n, run;

		/* Printable ASCII goes in runs, not byte by byte. */
		run = i + plain_run(p + i, len - i, PLAIN_TERMINAL);
		if (run > i) {
			strbuf_add(b, p + i, run - i);
			i = run;
		} else if (p[i] == '\\') {
			strbuf_add(b, "\\\\", 2);
			i++;
		} else if (p[i] >= 0x80 &&
		    (n = text_utf8_seq(p + i, len - i)) > 0) {
			strbuf_add(b, p + i, n);
			i += n;
		} else {
			hex_byte(b, p[i]);
			i++;
		}
	}
}

void
text_escape(struct strbuf *b, const void *p, size_t len, enum text_style style)
{
	const unsigned char *u = p;

	strbuf_add(b, "", 0); /* a terminated string, even when empty */
	switch (style) {
	case TEXT_TERMINAL:
		escape_terminal(b, u, len, false);
		break;
	case TEXT_CSV:
		escape_csv(b, u, len);
		break;
	case TEXT_JSON:
		escape_json(b, u, len);
		break;
	case TEXT_HTML:
		escape_terminal(b, u, len, true);
		break;
	case TEXT_AUDIT:
		escape_audit(b, u, len);
		break;
	case TEXT_JSON_VALUE:
		escape_json_value(b, u, len);
		break;
	}
}

size_t
text_plain_span(const void *p, size_t len, enum text_style style)
{
	const unsigned char *u = p;

	switch (style) {
	case TEXT_TERMINAL:
		return plain_run(u, len, PLAIN_TERMINAL);
	case TEXT_HTML:
		return plain_run(u, len, PLAIN_HTML);
	case TEXT_JSON:
		return plain_run(u, len, PLAIN_JSON);
	case TEXT_JSON_VALUE:
		return plain_run(u, len, PLAIN_JSON_VALUE);
	case TEXT_CSV:
		/* the whole value or nothing: quoting takes all of it, and
		 * a value that could start a formula is never plain */
		if (len == 0 || memchr("=+-@\t\r", u[0], 6) != NULL)
			return 0;
		return plain_run(u, len, PLAIN_CSV) == len ? len : 0;
	case TEXT_AUDIT:
		break;
	}
	return 0;
}

char *
text_escaped(const void *p, size_t len, enum text_style style)
{
	struct strbuf b = STRBUF_INIT;

	text_escape(&b, p, len, style);
	return strbuf_steal(&b);
}
