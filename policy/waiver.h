/*
 * Waivers: exceptions to policy rules an operator grants for a time, in a
 * file of the dialect of vraudit.conf(5) (common/ini.h) named by [policy]
 * waivers:
 *   [waiver NAME]            letters, digits, '.', '_', '-'
 *   element = 42             what it covers, exactly one of: an element
 *   mac = 00:e0:fc:12:34:56    by number, by a MAC or an address it was
 *   address = 192.0.2.7        seen with, or every element of a zone
 *   zone = core
 *   rule = uk-dvd-2022/core-cap   the rule (PACK/RULE), or PACK for all
 *                                 the pack's rules
 *   reason = ...             why (required)
 *   approver = ...           who granted it (required)
 *   expires = 2027-03-31     the last day it applies (required)
 * A waived violation does not make its rule violated; a waiver lapses by
 * itself after its expiry date, as of the evaluation date. Writers copy
 * the file into the store (store_sync_waivers), which records each change
 * in the audit chain; the report reads the recorded waivers.
 */
#ifndef VRAUDIT_POLICY_WAIVER_H
#define VRAUDIT_POLICY_WAIVER_H

#include <stddef.h>

#include "policy/policy.h"

enum waiver_scope {
	WAIVER_ELEMENT, /* scope: the element's number, decimal */
	WAIVER_MAC,     /* scope: a MAC, lower case with colons */
	WAIVER_ADDRESS, /* scope: an IPv4 or IPv6 address, canonical */
	WAIVER_ZONE,    /* scope: a zone name */
};

/* A [waiver NAME] section. Owns every pointer. */
struct waiver {
	char *name;
	int line; /* of its section header */
	enum waiver_scope scope_kind;
	char *scope;
	char *pack;
	char *rule; /* NULL: every rule of the pack */
	char *reason;
	char *approver;
	char expires[POLICY_DATE_LEN];
};

/* A waivers file. Owns every pointer. */
struct waiver_set {
	char *path;      /* the file, or the origin given to the parser */
	char digest[65]; /* SHA-256 of its bytes, lower-case hex */
	struct waiver *waivers; /* in the file's order */
	size_t n;
};

/* Parse waivers text; origin names it in errors. NULL with
 * "ORIGIN:LINE: [waiver NAME] key: what" in err. */
struct waiver_set *waiver_set_parse(const char *text, size_t len,
    const char *origin, char *err, size_t errlen);
/* Read and parse a waivers file; NULL with "PATH:LINE: what" or
 * "PATH: what" in err. */
struct waiver_set *waiver_set_load(const char *path, char *err, size_t errlen);
/* Check that each waiver's pack (and rule) exists in packs; -1 with
 * "FILE:LINE: [waiver NAME] rule: what" in err. */
int waiver_set_check(const struct waiver_set *ws,
    const struct policy_set *packs, char *err, size_t errlen);
/* Release a set; NULL is fine. */
void waiver_set_free(struct waiver_set *ws);
/* "element", "mac", "address" or "zone". */
const char *waiver_scope_name(enum waiver_scope s);

#endif
