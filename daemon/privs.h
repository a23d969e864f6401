/*
 * Dropping root: vrauditd may start as root to open its captures, then
 * becomes an unprivileged user with no capabilities left.
 */
#ifndef VRAUDIT_PRIVS_H
#define VRAUDIT_PRIVS_H

#include <stddef.h>

/* Become user (and its primary group, no others) when running as root; a
 * no-op otherwise. Verifies root cannot be regained. 0 or -1 with err. */
int privs_drop(const char *user, char *err, size_t errlen);

#endif
