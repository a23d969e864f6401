/*
 * Reading secret files.
 */
#include "common/secret.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"

void
secret_free(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/*
 * Read a secret: the first line of the file, trailing white space stripped.
 * The file must be a regular file not readable by others; its text is never
 * part of a message.
 */
int
secret_read(const char *path, size_t min, char **out, char *err, size_t errlen)
{
	char buf[SECRET_MAX + 2];
	struct stat st;
	size_t len = 0, linelen;
	ssize_t n;
	char *nl;
	int fd;

	/* O_NONBLOCK: a FIFO must not hang the load; S_ISREG refuses it. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s is not a regular file", path);
		goto fail;
	}
	if (st.st_mode & S_IROTH) {
		snprintf(err, errlen, "%s is readable by others (chmod o-r)",
		    path);
		goto fail;
	}
	while (len < sizeof(buf) - 1) {
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (memchr(buf, '\n', len) != NULL)
			break;
	}
	buf[len] = '\0';
	nl = memchr(buf, '\n', len);
	linelen = nl != NULL ? (size_t)(nl - buf) : len;
	if (linelen > SECRET_MAX) {
		snprintf(err, errlen, "%s: first line longer than %d bytes",
		    path, SECRET_MAX);
		goto fail;
	}
	if (memchr(buf, '\0', linelen) != NULL) {
		snprintf(err, errlen, "%s: first line contains a NUL byte",
		    path);
		goto fail;
	}
	while (linelen > 0 && isspace((unsigned char)buf[linelen - 1]))
		linelen--;
	if (linelen == 0) {
		snprintf(err, errlen,
		    "%s is empty (the secret is its first line)", path);
		goto fail;
	}
	if (linelen < min) {
		snprintf(err, errlen,
		    "%s: key has %zu characters, SNMPv3 needs at least %zu",
		    path, linelen, min);
		goto fail;
	}
	secret_free(*out);
	*out = xstrndup(buf, linelen);
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	return 0;
fail:
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	return -1;
}
