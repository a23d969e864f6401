/*
 * The IEEE MAC address registry: MA-L (24-bit), MA-M (28-bit), MA-S and IAB
 * (36-bit) blocks loaded from Debian ieee-data CSV files, plus blocks an
 * operator adds. A lookup finds the longest block holding an address by
 * binary search over one sorted array per block size; it never allocates.
 *
 * Each block carries a tag, an integer the caller attaches (the classifier
 * stores a vendor index there) so a lookup answers "which vendor" without
 * comparing names again.
 */
#ifndef VRAUDIT_OUI_H
#define VRAUDIT_OUI_H

#include <stddef.h>
#include <stdint.h>

#include "common/util.h"

#define OUI_BLOCK_STRLEN 18 /* "70:B3:D5:F2:F/36" and its terminator */

/* Where a block comes from; also the name printed in rules. */
enum oui_source {
	OUI_SRC_MA_L,     /* "MA-L", oui.csv */
	OUI_SRC_MA_M,     /* "MA-M", mam.csv */
	OUI_SRC_MA_S,     /* "MA-S", oui36.csv */
	OUI_SRC_IAB,      /* "IAB", iab.csv */
	OUI_SRC_OPERATOR, /* "vendors.conf": an `oui =` line */
};

/* Outcome of a lookup. */
enum oui_status {
	OUI_FOUND,     /* a block holds the address */
	OUI_UNLISTED,  /* a universal address in no known block */
	OUI_MULTICAST, /* group address: names no maker */
	OUI_LOCAL,     /* locally administered: names no maker */
};

/* A block found by a lookup; pointers stay valid until oui_free. */
struct oui_match {
	uint64_t prefix; /* block value, left-aligned in 48 bits */
	unsigned bits;   /* 24, 28 or 36 */
	enum oui_source source;
	const char *org; /* organisation name, spaces tidied */
	int tag;         /* caller's tag, -1 when none */
};

struct oui_registry;

/* A new empty registry. */
struct oui_registry *oui_new(void);
/* Release a registry; NULL is fine. */
void oui_free(struct oui_registry *reg);
/*
 * Load oui.csv, mam.csv and oui36.csv (required) and iab.csv (optional: IEEE
 * closed the IAB registry in 2014) from dir. -1 with "PATH: what" in err.
 */
int oui_load_dir(struct oui_registry *reg, const char *dir, char *err,
    size_t errlen);
/* Load one CSV file (Registry,Assignment,Organization Name,...); 0 or -1. */
int oui_load_file(struct oui_registry *reg, const char *path, char *err,
    size_t errlen);
/* Load CSV text already in memory; origin names it in errors; 0 or -1. */
int oui_load_buffer(struct oui_registry *reg, const char *buf, size_t len,
    const char *origin, char *err, size_t errlen);
/* Add an operator block with its organisation text and tag; it takes
 * precedence over a registry block of the same prefix and size. */
void oui_add(struct oui_registry *reg, uint64_t prefix, unsigned bits,
    const char *org, int tag);
/* Set the tag of every registry block from fn(org, arg) (-1 = none); fn
 * depends on the name alone, and is called once per distinct name. */
void oui_tag_all(struct oui_registry *reg,
    int (*fn)(const char *org, void *arg), void *arg);
/* Longest-prefix lookup; fills *m when OUI_FOUND. */
enum oui_status oui_lookup(const struct oui_registry *reg,
    const uint8_t mac[MAC_LEN], struct oui_match *m);
/* Number of distinct blocks of a size (24, 28 or 36) after de-duplication. */
size_t oui_count(const struct oui_registry *reg, unsigned bits);
/* Rows skipped because their assignment was not a block (for diagnostics). */
size_t oui_skipped(const struct oui_registry *reg);
/* 64-bit FNV-1a hash over every byte loaded, in load order. */
uint64_t oui_content_hash(const struct oui_registry *reg);

/* Parse "00:25:9E", "00259E", "28:6E:D4:0/28", "70B3D5F2F" into a block;
 * the size is /N or 4 bits per digit given; -1 when malformed or when bits
 * beyond the size are set. */
int oui_block_parse(const char *s, uint64_t *prefix, unsigned *bits);
/* Format a block as "00:25:9E", "28:6E:D4:0/28" or "70:B3:D5:F2:F/36". */
void oui_block_format(uint64_t prefix, unsigned bits,
    char out[OUI_BLOCK_STRLEN]);
/* The name of a source ("MA-L", "MA-M", "MA-S", "IAB", "vendors.conf"). */
const char *oui_source_name(enum oui_source src);
/* The name of a status ("found", "unlisted", "multicast", "locally administered"). */
const char *oui_status_name(enum oui_status st);
/* FNV-1a 64 over len bytes, continuing from h (start with OUI_FNV_INIT). */
uint64_t oui_fnv1a(uint64_t h, const void *buf, size_t len);
#define OUI_FNV_INIT UINT64_C(0xcbf29ce484222325)

#endif
