/*
 * sd_notify through libsystemd, or through the documented datagram
 * protocol on $NOTIFY_SOCKET ('@' = abstract namespace) without it.
 */
#include "daemon/notify.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vraudit-config.h"
#if HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "common/util.h"

#if !HAVE_LIBSYSTEMD
static int
notify_socket_send(const char *path, const char *msg)
{
	struct sockaddr_un sun;
	size_t len = strlen(path);
	socklen_t alen;
	int fd, rc;

	if (len == 0 || len >= sizeof(sun.sun_path) ||
	    (path[0] != '/' && path[0] != '@')) {
		errno = EINVAL;
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, len);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
	    (path[0] == '@' ? 0 : 1));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	rc = (int)sendto(fd, msg, strlen(msg), MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, alen);
	close(fd);
	return rc < 0 ? -1 : 0;
}
#endif

int
notify_send(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");

	if (path == NULL || *path == '\0')
		return 1;
#if HAVE_LIBSYSTEMD
	{
		int rc = sd_notify(0, msg);
		if (rc < 0) {
			errno = -rc;
			return -1;
		}
		return rc > 0 ? 0 : 1;
	}
#else
	return notify_socket_send(path, msg);
#endif
}

int
notify_ready(const char *status)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "READY=1\nSTATUS=%s", status);
	return notify_send(buf);
}

int
notify_status(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf), "STATUS=");
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	/* One line only: the protocol is newline-separated assignments. */
	for (char *p = buf; *p != '\0'; p++)
		if (*p == '\n')
			*p = ' ';
	return notify_send(buf);
}

int
notify_watchdog(void)
{
	return notify_send("WATCHDOG=1");
}

int
notify_stopping(void)
{
	return notify_send("STOPPING=1");
}

int64_t
notify_watchdog_interval_ms(void)
{
	const char *usec = getenv("WATCHDOG_USEC"),
		   *pid = getenv("WATCHDOG_PID");
	char *end;
	unsigned long long v;

	if (usec == NULL)
		return 0;
	if (pid != NULL && strtol(pid, NULL, 10) != (long)getpid())
		return 0;
	errno = 0;
	v = strtoull(usec, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0)
		return 0;
	/* Ping at half the period, as sd_watchdog_enabled(3) advises. */
	return (int64_t)(v / 2000);
}
