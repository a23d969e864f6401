/*
 * The schema migrations, schema/NNN_name.sql, embedded at build time by
 * schema/embed.py. Version N is schema_migrations[N - 1].
 */
#ifndef VRAUDIT_SCHEMA_H
#define VRAUDIT_SCHEMA_H

#include <stddef.h>

struct schema_migration {
	int version;      /* NNN of the file name */
	const char *name; /* the name part */
	const char *sql;  /* the file's text */
};

extern const struct schema_migration schema_migrations[];
extern const size_t schema_n_migrations;

#endif
