/*
 * The one configuration dialect of vraudit (vraudit.conf(5), SYNTAX): the
 * configuration, the vendor catalogue and the policy packs are read by this
 * reader. "[type NAME]" starts a section; "key = value" (or "key: value")
 * sets a key of the section's table; a list key takes comma-separated items
 * and continues on indented lines; ';' or '#' first on a line, or ';' after
 * white space, starts a comment. Lines are numbered, and every error, the
 * reader's or its caller's, goes through ini_error in one format:
 * "FILE:LINE: [section NAME] key: what is wrong" (the parts that apply).
 * The first error is kept; reading stops there.
 */
#ifndef VRAUDIT_INI_H
#define VRAUDIT_INI_H

#include <stdbool.h>
#include <stddef.h>

#define INI_LINE_MAX 4096 /* longest line, in bytes, without its end */

/* Flags of a key. */
enum {
	INI_LIST = 1 << 0,     /* comma-separated items, continued on
				 * indented lines */
	INI_REPEAT = 1 << 1,   /* may be given more than once a section */
	INI_NONEMPTY = 1 << 2, /* an empty value (or list) is an error */
};

/* A key a section takes; a table ends with a NULL name. */
struct ini_key {
	const char *name;
	unsigned flags;
};

enum ini_kind {
	INI_SECTION, /* a section header */
	INI_KEY,     /* a key and its value */
	INI_MORE,    /* an indented line continuing a list */
	INI_END,     /* the end of the section: a header or the text follows */
};

/* What ini_next read; the strings live until the next call. */
struct ini_line {
	enum ini_kind kind;
	int line;          /* its line; INI_END: the header's */
	const char *type;  /* SECTION, END: the word after '[' */
	const char *name;  /* SECTION, END: the rest, "" when none */
	int key;           /* KEY, MORE: index in the section's table */
	const char *value; /* KEY, MORE: trimmed, comment removed */
	char **items;      /* KEY, MORE of a list: this line's items */
	size_t n_items;
};

struct ini_seen {
	char *label;
	int line;
};

/* A reader over text (not owned). Owns every other pointer. */
struct ini {
	const char *origin; /* the file, for messages */
	const char *first;  /* the header a file starts with, for messages */
	const char *text;
	size_t len, pos;
	int line;   /* lines read so far */
	char *buf;  /* the current line */
	char *list; /* its value, split into items */
	char *err;
	size_t errlen;
	bool failed;
	char *type, *name; /* the section being read, NULL outside */
	char *label;       /* "type name", for messages */
	int sec_line;
	bool ended;   /* its INI_END was returned */
	bool pending; /* the header after it is in pend_* */
	char *pend_type, *pend_name;
	int pend_line;
	const struct ini_key *keys;
	int n_keys;
	int *given;            /* the line of each key's first use, 0 = none */
	struct ini_seen *seen; /* every header so far */
	size_t n_seen;
	int key; /* the key indented lines continue, -1 = none */
	int key_line;
	size_t key_items; /* items the list has so far */
	int comma_line;   /* a list line ending in ',', 0 = none */
	char **items;
	size_t cap_items;
};

/* Read len bytes of text from origin; first names the header a file
 * starts with ("[section]", "[vendor SLUG]"); errors go to err. */
void ini_init(struct ini *r, const char *origin, const char *text, size_t len,
    const char *first, char *err, size_t errlen);
/* The next section, key, continuation or section end: 1, 0 at the end of
 * the text, -1 on an error (in err). */
int ini_next(struct ini *r, struct ini_line *l);
/* The keys the section just returned takes (a table that outlives it). */
void ini_keys(struct ini *r, const struct ini_key *keys);
/* The line key (an index in the table) was first given on in the current
 * section, 0 when it was not. */
int ini_given(const struct ini *r, int key);
/* Record an error at line (0: none) in the current section about key
 * (NULL: none), unless one was recorded already; returns -1. */
int ini_error(struct ini *r, int line, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Release what the reader holds. */
void ini_finish(struct ini *r);

#endif
