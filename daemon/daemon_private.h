/*
 * Internals shared by the daemon's source files (daemon.c: start-up, the
 * sweeps, the timers, reload and the signals; listener.c: the captures;
 * pusher.c, with its own header, the pushes to the central database).
 * Not an API: include daemon.h instead.
 */
#ifndef VRAUDIT_DAEMON_PRIVATE_H
#define VRAUDIT_DAEMON_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/evidence.h"
#include "config/config.h"
#include "daemon/daemon.h"
#include "daemon/loop.h"
#include "pipeline/sweep_sink.h"

#define COMMIT_MS 1000 /* batched sightings wait at most this long */

struct daemon;

/* One of a capture's two handles (probes/capture.h) and its counters
 * for the capture session. */
struct path {
	struct capture *c;           /* NULL while closed */
	uint64_t frames;             /* frames of this session */
	uint64_t dropped, ifdropped; /* drops of this session */
};

/* One [capture] section: its live handles (the MAC path and the control
 * path, both open or both closed), its passive observer and its capture
 * session. Owns every pointer but d and scan (owned by the writer). */
struct listener {
	struct daemon *d;
	char *name, *interface, *filter, *zone;
	size_t buffer; /* the MAC path's ring, bytes; 0: the default */
	struct path mac, ctl;
	struct passive *pv;
	struct writer_scan *scan;
	int src;
	unsigned ifindex; /* of the interface when it was opened */
	int64_t retry_at, backoff_ms;
	bool warned; /* the current failure was logged */
	bool keep;   /* reload: still in the configuration */
	struct listener *next;
};

struct daemon {
	const struct daemon_options *o;
	const char *user;
	struct config *cfg;         /* owned */
	struct classifier *cl;      /* owned */
	struct classifier_ops ops;  /* the store points at it */
	struct store *st;           /* owned */
	struct writer *w;           /* owned */
	struct loop *loop;          /* owned */
	struct listener *listeners; /* owned list */
	struct pusher *pusher;      /* owned; NULL until [central] is set */
	char *db_path;              /* owned: the open store's, until exit */

	struct sweep *sw;       /* running sweep, owned */
	struct sweep_sink sink; /* its results' way to the writer */
	int sweep_src;
	int64_t sweep_started; /* monotonic ms of the last start */
	bool sweep_again;      /* start another when this one ends */
	uint64_t sweeps;
	uint64_t last_answered, last_targets;

	int64_t watchdog_ms;
	bool commit_armed;
	int64_t commit_due;
	bool reclassify; /* rules changed: reclassify when possible */
	bool reclassify_warned;
	bool stopping; /* stop signal: the rings are read a last time */
	int exit_code;
};

/* NULL and "" are the same: a key left out is an empty one. */
static inline bool
str_same(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

/* daemon.c */

/* Have the commit timer fire by due (never before a retry is due). */
void daemon_arm_commit(struct daemon *d, int64_t due);

/* listener.c */

/* The loop source of an open listener: its two paths, or its retry. */
extern const struct loop_source_ops listener_ops;

/* A closed listener for a [capture] section. */
struct listener *listener_new(struct daemon *d,
    const struct config_capture *cc);
/* Release a listener, closing its handles but not its session. */
void listener_free(struct listener *l);
/* Start from the MACs the store holds, when it is open. */
void listener_know(struct daemon *d, struct listener *l);
/* Open both paths and begin a capture session; on failure schedule a
 * retry with backoff. 0 or -1. */
int listener_open(struct listener *l, int64_t now);
/* End the capture session: status "complete" (closed by us) or "failed". */
void listener_close(struct listener *l, const char *status, const char *why);
/* Whether an open listener's interface is still the one it opened; if not
 * it is closed, to reopen later. */
bool listener_check(struct listener *l, int64_t now);
/* Add the kernel's drops to both paths' counters; logged unless quiet. */
void listener_stats(struct listener *l, bool quiet);
/* Whether a listener runs what a [capture] section says. */
bool listener_matches(const struct listener *l,
    const struct config_capture *cc);

#endif
