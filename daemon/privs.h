/*
 * Dropping root: vrauditd may start as root to open its captures, then
 * becomes an unprivileged user with no capability left but CAP_NET_RAW,
 * when it captures, to open an interface lost or added later.
 */
#ifndef VRAUDIT_PRIVS_H
#define VRAUDIT_PRIVS_H

#include <stdbool.h>
#include <stddef.h>

/* Become user (and its primary group, no others) when running as root; a
 * no-op otherwise. With keep_net_raw, CAP_NET_RAW stays effective and the
 * bounding set holds nothing else; without, no capability stays. Verifies
 * root cannot be regained. 0 or -1 with err. */
int privs_drop(const char *user, bool keep_net_raw, char *err, size_t errlen);

#endif
