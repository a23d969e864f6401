/*
 * Internals shared by config.c (reading vraudit.conf, its sections but
 * one) and config_target.c (the [target NAME] sections): the parser, its
 * error macros and the value helpers. Not an API: include config.h instead.
 */
#ifndef VRAUDIT_CONFIG_PRIVATE_H
#define VRAUDIT_CONFIG_PRIVATE_H

#include <stddef.h>

#include "common/ini.h"
#include "config/config.h"

struct parser;

/* Sets a key from its value, or from one item of a list. */
typedef int setter(struct parser *, const char *value);

/* A section: its keys with their setters, and what its start and end do. */
struct section_def {
	const char *name;
	bool named;
	const struct ini_key *keys;
	setter *const *set; /* one for each key */
	void (*begin)(struct parser *, const char *name, int line);
	int (*end)(struct parser *);
};

/* Reading one file. Owns dir. */
struct parser {
	struct ini ini;
	char *dir; /* absolute directory of the file, for relative paths */
	struct config *cfg;
	const struct section_def *sec;
	int sec_line;
	int line; /* of the value being set */
	int key;  /* its key */
};

/* Error about key k of the current section, at line; -1. */
#define kerr_at(p, line, k, ...) ini_error(&(p)->ini, (line), (k), __VA_ARGS__)
/* Error about the value being set; -1. */
#define kerr(p, ...)                                                           \
	kerr_at((p), (p)->line, (p)->sec->keys[(p)->key].name, __VA_ARGS__)

/* A decimal number from min to max. */
int config_parse_int(struct parser *p, const char *v, long long min,
    long long max, long long *out);
/* A secret file's path (resolved) and its secret, of at least min bytes. */
int config_set_secret(struct parser *p, const char *v, size_t min,
    char **path_field, char **secret);
/* An optional zone name. */
int config_set_zone_name(struct parser *p, const char *v, char **field);
/* A required key of the section is missing: an error at its header. */
int config_missing(struct parser *p, const char *key, const char *expected);

/* [target NAME] (config_target.c): its keys and setters. */
extern const struct ini_key config_target_keys[];
extern setter *const config_target_set[];
/* Add a target with its defaults. */
void config_target_begin(struct parser *p, const char *name, int line);
/* What a target must have once its section ends. */
int config_target_end(struct parser *p);
/* Release what a target owns. */
void config_target_finish(struct config_target *t);

/* [central] (config_central.c): its keys and setters. */
extern const struct ini_key config_central_keys[];
extern setter *const config_central_set[];
/* What the section must have once it ends. */
int config_central_end(struct parser *p);
/* Release what the section set. */
void config_central_finish(struct config *cfg);

#endif
