/*
 * Logging: one place for every message the programs print about their work.
 *
 * Each call names a subsystem token first ("snmp", "capture", "store",
 * "config", ...) so debug output can be filtered by token. Messages go to
 * stderr (under systemd the journal keeps it, with a <N> priority prefix) or
 * to syslog. Never pass a secret to these functions.
 */
#ifndef VRAUDIT_LOG_H
#define VRAUDIT_LOG_H

#include <stdarg.h>
#include <stdio.h>

enum log_dest {
	LOG_DEST_STDERR,  /* plain "vraudit: token: message" lines */
	LOG_DEST_JOURNAL, /* stderr with sd-daemon "<N>" priority prefixes */
	LOG_DEST_SYSLOG,  /* syslog(3), facility daemon */
};

/* Start logging as program `ident`; verbosity 0 = warnings, 1 = info, 2 = debug. */
void log_init(const char *ident, enum log_dest dest, int verbosity);
/* Show debug messages only for these comma-separated tokens (NULL = all). */
void log_filter(const char *tokens);
/* Change the verbosity after start-up. */
void log_verbosity(int verbosity);
/* Send stderr-style output to this stream instead of stderr (tests). */
void log_stream(FILE *stream);
/* Pick the destination suited to how we were started: journal, tty or syslog. */
enum log_dest log_dest_auto(int foreground);

#define LOG_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Warning with ": strerror(errno)" appended. */
void log_warn(const char *token, const char *fmt, ...) LOG_PRINTF(2, 3);
/* Warning. */
void log_warnx(const char *token, const char *fmt, ...) LOG_PRINTF(2, 3);
/* Informational message (verbosity >= 1). */
void log_info(const char *token, const char *fmt, ...) LOG_PRINTF(2, 3);
/* Debug message (verbosity >= 2, subject to log_filter). */
void log_debug(const char *token, const char *fmt, ...) LOG_PRINTF(2, 3);
/* Log with strerror(errno) and exit(3). Only at start-up. */
void fatal(const char *token, const char *fmt, ...) LOG_PRINTF(2, 3)
    __attribute__((noreturn));
/* Log and exit(3). Only at start-up. */
void fatalx(const char *token, const char *fmt, ...) LOG_PRINTF(2, 3)
    __attribute__((noreturn));
/* va_list form used by library log hooks (net-snmp); prio is a syslog level. */
void log_vmsg(int prio, const char *token, const char *fmt, va_list ap)
    LOG_PRINTF(3, 0);

#endif
