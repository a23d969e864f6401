/*
 * The central database's migrations, central/schema/NNN_name.sql,
 * embedded at build time by schema/embed.py. Version N is
 * central_schema_migrations[N - 1].
 */
#ifndef VRAUDIT_CENTRAL_SCHEMA_H
#define VRAUDIT_CENTRAL_SCHEMA_H

#include "schema/schema.h"

extern const struct schema_migration central_schema_migrations[];
extern const size_t central_schema_n_migrations;

#endif
