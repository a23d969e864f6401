/*
 * vrauditd: live captures on every [capture] interface, SNMP sweeps of the
 * [target] sections on the [snmp] interval, and the batched writer, all in
 * one thread around one poll() loop (ARCHITECTURE.md); with [central], a
 * thread of its own pushes the audit chain after each commit (pusher.h).
 *
 * Signals: SIGTERM and SIGINT read what the capture rings still hold
 * (about 0.3 s, without starting a sweep; a second signal skips it), then
 * stop the probes, write what is queued, close capture sessions as
 * 'complete' and a sweep cut short as 'interrupted', and exit 0. SIGHUP
 * reloads the configuration, the vendor catalogue and the registry: a
 * configuration that does not load is logged with its FILE:LINE error and
 * the running one kept; captures whose section did not change keep
 * running; changed rules reclassify the stored elements; a changed
 * [central] pushes from a new connection (and a refused chain again); a
 * sweep of the new configuration starts at once. The files are read again as the user
 * the daemon runs as: secrets must be readable by it. A new [database]
 * path takes effect at the next start.
 *
 * The daemon never forks: under systemd (Type=notify) or not, it stays in
 * the foreground, and tells a service manager READY once its captures are
 * open and the first sweep started. Started as root, it opens its captures,
 * then becomes the unprivileged user (default "vraudit") with no
 * capability left, before it opens the database; a capture lost or added
 * later cannot be opened then (it is retried and logged). Under systemd the
 * unit starts it as that user with CAP_NET_RAW alone, which reopening
 * needs: prefer that.
 */
#ifndef VRAUDIT_DAEMON_H
#define VRAUDIT_DAEMON_H

#include <stdbool.h>

#define DAEMON_DEFAULT_USER "vraudit"

/* What the command line asked for. */
struct daemon_options {
	const char *conf_path; /* NULL: the default configuration */
	const char *user;      /* NULL: DAEMON_DEFAULT_USER */
	bool foreground;       /* log to stderr */
	int debug;             /* -d count */
};

/* Run the daemon until a stop signal; the exit code: 0 clean stop, 2
 * configuration error, 3 start-up failure (privileges, database) or
 * queued sightings that could not be written at the stop. */
int daemon_run(const struct daemon_options *o);

#endif
