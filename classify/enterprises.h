/*
 * The IANA Private Enterprise Numbers registry: who registered each number
 * N of 1.3.6.1.4.1.N, the subtree a sysObjectID lives in and the number an
 * SNMPv3 engineID starts with. Read from the tab-separated list Debian's
 * libwireshark-data ships (/usr/share/wireshark/enterprises.tsv), then from
 * an operator's file in the same format whose lines add numbers or replace
 * a number's registrant. A lookup is one binary search; it never allocates.
 *
 * Each entry carries a tag the caller attaches (the classifier stores the
 * catalogue vendor whose organisation alias is the registrant's name).
 */
#ifndef VRAUDIT_ENTERPRISES_H
#define VRAUDIT_ENTERPRISES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One registry entry; name stays valid until enterprises_free. */
struct enterprise_entry {
	uint32_t pen;
	const char *name; /* registrant, as the file gives it */
	bool unassigned;  /* "Reserved" or "---none---": names nobody */
	bool local;       /* from the operator's file */
	int tag;          /* caller's tag, -1 when none */
};

struct enterprises;

/* A new empty registry. */
struct enterprises *enterprises_new(void);
/* Release a registry; NULL is fine. */
void enterprises_free(struct enterprises *reg);
/*
 * Load a file: "NUMBER<white space>NAME", optionally "<tab># comment";
 * lines starting with '#' are comments. A number given again, in this or
 * a later file, takes the later line's name. local marks an operator's
 * file. -1 with "PATH: what" or "PATH:LINE: what" in err.
 */
int enterprises_load_file(struct enterprises *reg, const char *path, bool local,
    char *err, size_t errlen);
/* The same for text in memory; origin names it in errors. */
int enterprises_load_buffer(struct enterprises *reg, const char *buf,
    size_t len, const char *origin, bool local, char *err, size_t errlen);
/* The entry of a number, NULL when the registry has none. */
const struct enterprise_entry *enterprises_lookup(const struct enterprises *reg,
    uint32_t pen);
/* Set every entry's tag from fn(name, arg) (-1 = none). */
void enterprises_tag_all(struct enterprises *reg,
    int (*fn)(const char *name, void *arg), void *arg);
/* Number of entries. */
size_t enterprises_count(const struct enterprises *reg);
/* Entry i in number order (0 <= i < count). */
const struct enterprise_entry *enterprises_at(const struct enterprises *reg,
    size_t i);
/* FNV-1a 64 over every byte loaded, in load order. */
uint64_t enterprises_content_hash(const struct enterprises *reg);

#endif
