/*
 * Where a command's output goes (-o PATH). A regular file, or a name that
 * does not exist yet, is replaced atomically: a temporary file beside it,
 * written, synced and renamed into place, so a reader sees the old file
 * or the whole new one. Anything else that a name can stand for is not a
 * file to replace: a FIFO, a character device (a terminal, /dev/null) or a
 * socket is opened and written where it is, never renamed over or
 * unlinked; a directory or a block device is refused. A symbolic link is
 * followed to what it names, which is what is written or replaced.
 */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/util.h"

#define MAX_LINKS 40 /* as the kernel's ELOOP limit */

/* printf-style message prefixed with "vraudit CMD: "; returns -1. */
static int __attribute__((format(printf, 2, 3)))
fail(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vraudit %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* The file path names once symbolic links in its last component are
 * followed, as a new string, even when what the last link names does not
 * exist yet; NULL with errno set. */
static char *
follow(const char *path)
{
	char *p = xstrdup(path);

	for (int hops = 0;; hops++) {
		struct stat st;
		char *target, *dir, *next;
		ssize_t n;

		if (lstat(p, &st) == -1 || !S_ISLNK(st.st_mode))
			return p;
		if (hops == MAX_LINKS) {
			free(p);
			errno = ELOOP;
			return NULL;
		}
		target = xmalloc(PATH_MAX);
		if ((n = readlink(p, target, PATH_MAX - 1)) == -1) {
			free(target);
			free(p);
			return NULL;
		}
		target[n] = '\0';
		if (target[0] == '/')
			next = xstrdup(target);
		else {
			dir = xstrdup(p);
			next = xprintf("%s/%s", dirname(dir), target);
			free(dir);
		}
		free(target);
		free(p);
		p = next;
	}
}

/* A report runs to tens of megabytes: written in large blocks, not in
 * stdio's page-sized ones (a system call each). */
#define OUTPUT_BUFFER (1024 * 1024)

/* Write through fn to an open descriptor, which it takes; 0 or -1. */
static int
write_fd(const char *cmd, const char *path, int fd, cli_output_fn fn, void *arg)
{
	FILE *fp;

	if ((fp = fdopen(fd, "w")) == NULL) {
		fail(cmd, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	setvbuf(fp, NULL, _IOFBF, OUTPUT_BUFFER);
	if (fn(arg, fp) == -1 || fflush(fp) != 0 || ferror(fp)) {
		fail(cmd, "writing %s: %s", path, strerror(errno));
		fclose(fp);
		return -1;
	}
	if (fclose(fp) != 0)
		return fail(cmd, "writing %s: %s", path, strerror(errno));
	return 0;
}

/* A FIFO or a character device, written where it is. */
static int
write_in_place(const char *cmd, const char *path, cli_output_fn fn, void *arg)
{
	struct stat st;
	int fd;

	/* no O_CREAT: what is there is written, nothing is made */
	if ((fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC)) == -1)
		return fail(cmd, "opening %s: %s", path, strerror(errno));
	if (fstat(fd, &st) == -1 ||
	    !(S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))) {
		close(fd);
		return fail(cmd, "%s: changed while being opened", path);
	}
	return write_fd(cmd, path, fd, fn, arg);
}

/* A socket, written through a stream connection to it. */
static int
write_socket(const char *cmd, const char *path, cli_output_fn fn, void *arg)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path))
		return fail(cmd, "%s: %s", path, strerror(ENAMETOOLONG));
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return fail(cmd, "%s: socket: %s", path, strerror(errno));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		fail(cmd, "connecting to %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return write_fd(cmd, path, fd, fn, arg);
}

/* The temporary file of write_atomic: its descriptor, what was written
 * and how much of it the kernel was asked to write back. */
struct synced {
	int fd;
	off_t written, kicked;
};

/* Ask for a write-back once this much more is written: the disk writes
 * while the rest is made, and the fsync before the rename waits for the
 * tail only. */
#define WRITEBACK_STEP (8 * 1024 * 1024)

static ssize_t
synced_write(void *cookie, const char *buf, size_t len)
{
	struct synced *s = cookie;
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(s->fd, buf + done, len - done);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return done > 0 ? (ssize_t)done : -1;
		done += (size_t)n;
		s->written += n;
	}
	if (s->written - s->kicked >= WRITEBACK_STEP) {
		/* a hint: where it is refused, the fsync does it all */
		(void)sync_file_range(s->fd, s->kicked, s->written - s->kicked,
		    SYNC_FILE_RANGE_WRITE);
		s->kicked = s->written;
	}
	return (ssize_t)done;
}

static int
synced_close(void *cookie)
{
	(void)cookie; /* write_atomic closes the descriptor */
	return 0;
}

/* A regular file (or a new one) at path, replaced atomically. */
static int
write_atomic(const char *cmd, const char *path, mode_t mode, cli_output_fn fn,
    void *arg)
{
	char *tmp = xprintf("%s.XXXXXX", path), *d = xstrdup(path);
	const char *dir = dirname(d);
	static const cookie_io_functions_t io = { .write = synced_write,
		.close = synced_close };
	struct synced s = { .fd = -1 };
	FILE *fp = NULL;
	int dfd, rc = -1;

	if ((s.fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		fail(cmd, "%s: creating a temporary file in %s: %s", path, dir,
		    strerror(errno));
		goto out;
	}
	if (fchmod(s.fd, mode) == -1 ||
	    (fp = fopencookie(&s, "w", io)) == NULL) {
		fail(cmd, "writing %s: %s", path, strerror(errno));
		close(s.fd);
		goto remove_tmp;
	}
	setvbuf(fp, NULL, _IOFBF, OUTPUT_BUFFER);
	if (fn(arg, fp) == -1 || fflush(fp) != 0 || ferror(fp) ||
	    fsync(s.fd) == -1) {
		fail(cmd, "writing %s: %s", path, strerror(errno));
		fclose(fp);
		close(s.fd);
		goto remove_tmp;
	}
	fclose(fp);
	if (close(s.fd) == -1) {
		fail(cmd, "writing %s: %s", path, strerror(errno));
		goto remove_tmp;
	}
	if (rename(tmp, path) == -1) {
		fail(cmd, "renaming %s to %s: %s", tmp, path, strerror(errno));
		goto remove_tmp;
	}
	rc = 0;
	/* the rename itself lasts once the directory is synced */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		if (fsync(dfd) == -1 && errno != EINVAL)
			rc = fail(cmd, "%s: syncing its directory: %s", path,
			    strerror(errno));
		close(dfd);
	}
	goto out;
remove_tmp:
	unlink(tmp);
out:
	free(tmp);
	free(d);
	return rc;
}

int
cli_write_output(const char *cmd, const char *path, cli_output_fn fn, void *arg)
{
	struct stat st;
	mode_t mask;
	char *real;
	int rc;

	if (path == NULL || strcmp(path, "-") == 0) {
		if (fn(arg, stdout) == -1 || fflush(stdout) != 0 ||
		    ferror(stdout))
			return fail(cmd, "standard output: %s",
			    strerror(errno));
		return 0;
	}
	if (stat(path, &st) == 0) {
		if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))
			return write_in_place(cmd, path, fn, arg);
		if (S_ISSOCK(st.st_mode))
			return write_socket(cmd, path, fn, arg);
		if (S_ISDIR(st.st_mode))
			return fail(cmd,
			    "%s: is a directory, not a file to "
			    "write",
			    path);
		if (!S_ISREG(st.st_mode))
			return fail(cmd,
			    "%s: not a regular file, FIFO, "
			    "character device or socket: refused",
			    path);
	} else if (errno != ENOENT)
		return fail(cmd, "%s: %s", path, strerror(errno));
	else {
		/* what open(O_CREAT, 0666) would make */
		mask = umask(0);
		umask(mask);
		st.st_mode = 0666 & ~mask;
	}
	if ((real = follow(path)) == NULL)
		return fail(cmd, "%s: %s", path, strerror(errno));
	rc = write_atomic(cmd, real, st.st_mode & 07777, fn, arg);
	free(real);
	return rc;
}
