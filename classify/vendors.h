/*
 * The vendor catalogue: who makes network equipment, how risky each maker is
 * held to be, and how their equipment gives itself away (IEEE organisation
 * names, IANA enterprise numbers, sysObjectID subtrees, text patterns, extra
 * MAC blocks). Loaded from vendors.conf text: the built-in copy compiled
 * into the program first, then an operator's file on top (see the header of
 * conf/vendors.conf for the syntax and the merge rule).
 */
#ifndef VRAUDIT_VENDORS_H
#define VRAUDIT_VENDORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/evidence.h"

/* Which pattern list a text is matched against. */
enum vendor_field {
	VF_SYSDESCR,   /* "sysdescr" */
	VF_ENTITY_MFG, /* "entity-mfg" */
	VF_LLDP,       /* "lldp" */
	VF_CDP,        /* "cdp" */
	VF_DHCP,       /* "dhcp" */
	VF_COMPONENT,  /* "component" */
	VF_SSH,        /* "ssh" */
	VF_HTTP,       /* "http" */
	VF_MDNS,       /* "mdns" */
	VF_DHCP_PRL,   /* "dhcp-prl" */
	VF_COUNT
};

/* One vendor. Owns nothing outside itself. */
struct vendor {
	char slug[VENDOR_SLUG_MAX];
	char name[VENDOR_NAME_MAX];
	enum risk risk;
	bool generic; /* a software stack: names no maker */
	int line;     /* line of its first section header */
};

/* An extra MAC block from `oui =`. */
struct vendor_block {
	uint64_t prefix; /* left-aligned in 48 bits */
	unsigned bits;   /* 24, 28 or 36 */
	int vendor;      /* index */
};

/* What a text match found. */
struct vendor_text_match {
	int vendor;              /* index */
	enum vendor_field field; /* the list the pattern came from */
	const char *pattern;     /* as written in the file */
	bool weak;               /* from a weak-FIELD key: weak evidence only */
};

struct vendors;

/* A new empty catalogue. */
struct vendors *vendors_new(void);
/* Release a catalogue; NULL is fine. */
void vendors_free(struct vendors *v);
/* Load the catalogue compiled into the program; 0 or -1. */
int vendors_load_builtin(struct vendors *v, char *err, size_t errlen);
/* Load an operator's file on top; -1 with "PATH:LINE: what" in err. */
int vendors_load_file(struct vendors *v, const char *path, char *err,
    size_t errlen);
/* Load catalogue text; origin names it in errors; 0 or -1. On error the
 * catalogue is partly loaded and should be discarded. */
int vendors_load_text(struct vendors *v, const char *text, size_t len,
    const char *origin, char *err, size_t errlen);

/* Number of vendors. */
size_t vendors_count(const struct vendors *v);
/* Vendor at index i (0 <= i < count). */
const struct vendor *vendors_at(const struct vendors *v, size_t i);
/* Index of the vendor with this slug, -1 when none. */
int vendors_find(const struct vendors *v, const char *slug);
/* Vendor whose alias equals org once both are normalised; -1 when none. */
int vendors_match_org(const struct vendors *v, const char *org);
/* Vendor owning an IANA enterprise number; *weak when only squatted. -1 if none. */
int vendors_match_enterprise(const struct vendors *v, uint32_t pen, bool *weak);
/* Vendor with the longest `sysobjectid` subtree holding arcs[0..n); the
 * subtree's text in *subtree. -1 when none. */
int vendors_match_oid(const struct vendors *v, const uint32_t *arcs, size_t n,
    const char **subtree);
/* First vendor pattern of field (earliest in text, then catalogue order)
 * matching text as whole words, case-insensitively; 0 or -1 when none. */
int vendors_match_text(const struct vendors *v, enum vendor_field field,
    const char *text, struct vendor_text_match *m);
/* The extra MAC blocks of every vendor. */
const struct vendor_block *vendors_blocks(const struct vendors *v, size_t *n);
/* FNV-1a 64 hash over every catalogue text loaded, in order. */
uint64_t vendors_content_hash(const struct vendors *v);

/* Normalise an organisation name for comparison: lower case, punctuation
 * dropped, spaces collapsed, trailing legal suffixes (Co., Ltd., Inc.,
 * Corporation, GmbH, AB, S.A., LLC, ...) removed. */
void vendors_org_normalise(const char *in, char *out, size_t outlen);
/* The name of a field ("sysdescr", "entity-mfg", ...). */
const char *vendor_field_name(enum vendor_field f);

#endif
