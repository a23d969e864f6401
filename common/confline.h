/*
 * A line reader for the project's small INI dialect (vendors and policy
 * packs): "[type NAME]" section headers and "key = value" lines, whole-line
 * comments starting with ';' or '#', no length limit short of
 * CONFLINE_MAX, and the line number of everything it returns, so errors
 * can say FILE:LINE.
 */
#ifndef VRAUDIT_CONFLINE_H
#define VRAUDIT_CONFLINE_H

#include <stddef.h>

#define CONFLINE_MAX 4096	/* longest line accepted, in bytes */

enum confline_kind {
	CONFLINE_SECTION,	/* type and name of "[type NAME]" */
	CONFLINE_KEY,		/* key and value of "key = value" */
};

/* One meaningful line; the strings live until the next call. */
struct confline {
	enum confline_kind kind;
	int line;
	const char *type;	/* section: the word after '['; "" if none */
	const char *name;	/* section: the rest, trimmed; "" when none */
	const char *key;	/* key: trimmed, not empty */
	const char *value;	/* key: trimmed, may be empty */
};

/* Reader over text (not owned). */
struct confline_reader {
	const char *text;
	size_t len, pos;
	int line;
	char *buf;		/* owned */
};

/* Start reading len bytes of text. */
void confline_init(struct confline_reader *r, const char *text, size_t len);
/* The next meaningful line: 1, 0 at the end, -1 on a malformed line
 * (*msg says what; r->line is its number). */
int confline_next(struct confline_reader *r, struct confline *out,
    const char **msg);
/* Release the reader's buffer. */
void confline_finish(struct confline_reader *r);

#endif
