/*
 * Secrets (SNMP communities, SNMPv3 keys) live in files of their own, never
 * on command lines, in logs or in the database. A secret file must be a
 * regular file that others may not read; its first line is the secret.
 */
#ifndef VRAUDIT_COMMON_SECRET_H
#define VRAUDIT_COMMON_SECRET_H

#include <stddef.h>

/* Longest secret accepted, in bytes. */
#define SECRET_MAX 255
/* Shortest SNMPv3 auth or priv passphrase net-snmp accepts. */
#define SECRET_V3_KEY_MIN 8

/* Read the secret of path (at least min characters) into a new string
 * that replaces *out (the old one is wiped). 0, or -1 with "PATH: why"
 * in err; the secret's text is never part of a message. */
int secret_read(const char *path, size_t min, char **out, char *err,
    size_t errlen);
/* Wipe and free a secret; NULL is fine. */
void secret_free(char *s);

#endif
