/*
 * Network text: the one rule for text read off the wire, the escapers that
 * show it safely, and the project's growable string buffer.
 *
 * Storage rule (vraudit-schema(7), CONVENTIONS): every value a probe reads
 * off the wire (SNMP octet strings, LLDP, CDP and DHCP strings) is kept
 * verbatim, whatever the probe: trailing NUL bytes (C strings sent with
 * their terminator, fields padded to a fixed size) are dropped, nothing
 * else is changed or cut. The store keeps a value that is valid UTF-8
 * without NUL bytes as TEXT, any other as a BLOB of the bytes received.
 *
 * In memory a wire text is a C string: a value stored as TEXT as it came;
 * any other the bytes as they came, except that a NUL byte is written as
 * the pair C0 80 and a C0 byte as C0 C0 (0xC0 never occurs in valid
 * UTF-8), so that a NUL inside a value survives a C string. Equal bytes
 * make equal wire texts, whichever probe read them. text_wire_decode gives
 * the bytes back; nothing but the store's binding needs them. A value read
 * back from the store (TEXT or BLOB) is made a wire text again with
 * text_from_bytes, so that it compares equal to a sighting's and is
 * assessed alike.
 *
 * Escapers turn bytes (a TEXT or BLOB read back, or any string) into what
 * a reader can take without being disturbed: a terminal, a JSON parser, a
 * spreadsheet, a browser. Each is documented with its style.
 */
#ifndef VRAUDIT_COMMON_TEXT_H
#define VRAUDIT_COMMON_TEXT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A growable string; s is NUL-terminated once anything was added. Owns s. */
struct strbuf {
	char *s;
	size_t len;
	size_t cap;
};

#define STRBUF_INIT                                                            \
	{                                                                      \
		NULL, 0, 0                                                     \
	}

/* Append n bytes (they may hold NULs; s stays terminated after them). */
void strbuf_add(struct strbuf *b, const void *p, size_t n);
/* Append a C string; NULL appends nothing. */
void strbuf_adds(struct strbuf *b, const char *s);
/* Append one character. */
void strbuf_addc(struct strbuf *b, char c);
/* Append formatted text. */
void strbuf_printf(struct strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The same with a va_list. */
void strbuf_vprintf(struct strbuf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* The contents so far ("" when empty); valid until the next change. */
const char *strbuf_str(const struct strbuf *b);
/* Empty the buffer, keeping its memory. */
void strbuf_reset(struct strbuf *b);
/* The contents as a new string ("" when empty); the buffer is left empty
 * and owns nothing. */
char *strbuf_steal(struct strbuf *b);
/* Release the buffer's memory; it is empty and usable again. */
void strbuf_finish(struct strbuf *b);

/* Wire text (see the storage rule above) of len bytes read off the
 * network: a new string, never NULL ("" when there is nothing). */
char *text_from_wire(const void *p, size_t len);
/* The same for bytes that are already a stored value (a TEXT or BLOB read
 * back): nothing is dropped. */
char *text_from_bytes(const void *p, size_t len);
/* True when the wire text s is stored as TEXT (valid UTF-8, no NUL). */
bool text_wire_is_utf8(const char *s);
/* The bytes the wire text s stands for, into out (NULL: only count);
 * returns their number. */
size_t text_wire_decode(const char *s, uint8_t *out);

/* How text_escape writes bytes. */
enum text_style {
	/*
	 * A terminal line: valid UTF-8 is kept, except C0 and C1 control
	 * characters (U+0000..U+001F, U+007F..U+009F); each of their bytes,
	 * and each byte that is not part of valid UTF-8, is written \xNN, and
	 * a backslash \\, so that escapes can be told from the text.
	 */
	TEXT_TERMINAL,
	/*
	 * One CSV field: the terminal form, quoted (quotes doubled) when it
	 * holds a comma or a quote, and made inert for spreadsheets
	 * (OWASP's rule): a value whose first byte is =, +, -, @, a tab or
	 * a carriage return is prefixed with a single quote (and quoted),
	 * so that no formula runs.
	 */
	TEXT_CSV,
	/*
	 * The inside of a JSON string: '"' and '\' escaped, control
	 * characters as \u00NN; each byte that is not part of valid UTF-8 is
	 * written as the four characters \xNN (JSON holds only Unicode).
	 */
	TEXT_JSON,
	/*
	 * HTML text or an attribute value: the terminal form with &, <, >, "
	 * and ' as character references.
	 */
	TEXT_HTML,
	/*
	 * An audit record's value (vraudit-schema(7), "Detail"): '\' as \\,
	 * bytes below 0x20, 0x7F and bytes that are not part of valid UTF-8
	 * as \xNN, everything else (C1 characters included) as it is. Part
	 * of the chain's format: it never changes.
	 */
	TEXT_AUDIT,
	/*
	 * A JSON string's value before JSON's own escaping, for SQL's json
	 * functions (which escape it): valid UTF-8 as it is (NUL and other
	 * control characters included: the result is counted by its length,
	 * not terminated), each byte that is not part of valid UTF-8 as the
	 * four characters \xNN. JSON-escaped, it reads as TEXT_JSON does.
	 */
	TEXT_JSON_VALUE,
};

/* Append len bytes at p to b, escaped in style. */
void text_escape(struct strbuf *b, const void *p, size_t len,
    enum text_style style);
/* The same as a new string (never NULL). */
char *text_escaped(const void *p, size_t len, enum text_style style);
/* How many leading bytes of p text_escape would write as they are in
 * style: a run of plain ASCII (for TEXT_CSV, which judges the whole
 * value, all of them or none; none for TEXT_AUDIT). Escaping the rest
 * alone gives the same bytes. */
size_t text_plain_span(const void *p, size_t len, enum text_style style);
/* Length of the valid UTF-8 sequence starting at p (left bytes there), or
 * 0 when the bytes there are not one. */
size_t text_utf8_seq(const void *p, size_t left);

#endif
