/*
 * Logging to stderr, the journal or syslog, with a subsystem token on every
 * line and an optional filter for debug tokens.
 */
#include "common/log.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

static const char *log_ident = "vraudit";
static enum log_dest log_to = LOG_DEST_STDERR;
static int log_level = 0;
static char log_tokens[256];
static FILE *log_out;

void
log_init(const char *ident, enum log_dest dest, int verbosity)
{
	log_ident = ident;
	log_to = dest;
	log_level = verbosity;
	if (dest == LOG_DEST_SYSLOG)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_verbosity(int verbosity)
{
	log_level = verbosity;
}

void
log_filter(const char *tokens)
{
	if (tokens == NULL)
		log_tokens[0] = '\0';
	else
		snprintf(log_tokens, sizeof(log_tokens), ",%s,", tokens);
}

void
log_stream(FILE *stream)
{
	log_out = stream;
}

enum log_dest
log_dest_auto(int foreground)
{
	/* systemd sets JOURNAL_STREAM when stderr is connected to the journal. */
	if (getenv("JOURNAL_STREAM") != NULL)
		return LOG_DEST_JOURNAL;
	if (foreground || isatty(STDERR_FILENO))
		return LOG_DEST_STDERR;
	return LOG_DEST_SYSLOG;
}

static bool
token_wanted(const char *token)
{
	char needle[64];

	if (log_tokens[0] == '\0')
		return true;
	snprintf(needle, sizeof(needle), ",%s,", token);
	return strstr(log_tokens, needle) != NULL;
}

void
log_vmsg(int prio, const char *token, const char *fmt, va_list ap)
{
	char msg[2048];
	FILE *out = log_out != NULL ? log_out : stderr;

	if (prio == LOG_DEBUG && (log_level < 2 || !token_wanted(token)))
		return;
	if (prio == LOG_INFO && log_level < 1)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* Keep one message on one line: network text may carry CR/LF. */
	for (char *p = msg; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';

	switch (log_to) {
	case LOG_DEST_SYSLOG:
		if (log_out == NULL) {
			syslog(prio, "%s: %s", token, msg);
			return;
		}
		__attribute__((fallthrough));
	case LOG_DEST_STDERR:
		fprintf(out, "%s: %s%s: %s\n", log_ident,
		    prio == LOG_DEBUG ? "debug: " : "", token, msg);
		break;
	case LOG_DEST_JOURNAL:
		fprintf(out, "<%d>%s: %s\n", prio, token, msg);
		break;
	}
	fflush(out);
}

#define LOG_BODY(prio)                                                         \
	va_list ap;                                                            \
	va_start(ap, fmt);                                                     \
	log_vmsg(prio, token, fmt, ap);                                        \
	va_end(ap)

void
log_warn(const char *token, const char *fmt, ...)
{
	char buf[1024];
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	errno = saved;
	log_warnx(token, "%s: %s", buf, strerror(saved));
}

void
log_warnx(const char *token, const char *fmt, ...)
{
	LOG_BODY(LOG_WARNING);
}

void
log_info(const char *token, const char *fmt, ...)
{
	LOG_BODY(LOG_INFO);
}

void
log_debug(const char *token, const char *fmt, ...)
{
	LOG_BODY(LOG_DEBUG);
}

void
fatal(const char *token, const char *fmt, ...)
{
	char buf[1024];
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_warnx(token, "%s: %s", buf, strerror(saved));
	exit(3);
}

void
fatalx(const char *token, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_ERR, token, fmt, ap);
	va_end(ap);
	exit(3);
}
