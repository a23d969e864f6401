/*
 * The daemon's captures: one listener per [capture] section, with its two
 * handles (the control path, read first, and the MAC path), its passive
 * observer and its capture session. A handle that fails or an interface
 * that disappears closes the session as "failed" and is reopened with
 * backoff; sightings go to the writer with the section's zone.
 */
#include "daemon/daemon_private.h"

#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>

#include "probes/capture.h"
#include "common/log.h"
#include "probes/passive.h"
#include "store/store.h"
#include "common/util.h"
#include "pipeline/writer.h"

#define DISPATCH_MAX 4096  /* frames per pcap_dispatch */
#define DRAIN_MAX 262144   /* frames per path per wake-up: a ring's worth */
#define MAX_MACS 1000000u  /* MAC table of each capture */
#define REFRESH_S 3600u    /* last-seen refresh of a known MAC */
#define REOPEN_MIN_MS 1000 /* first retry of an interface that failed */
#define REOPEN_MAX_MS 60000

static void
frame_cb(void *ctx, const uint8_t *bytes, size_t caplen, size_t wirelen,
    int64_t ts)
{
	struct listener *l = ctx;

	(void)wirelen;
	l->mac.frames++;
	passive_frame(l->pv, bytes, caplen, ts);
}

static void
control_cb(void *ctx, const uint8_t *bytes, size_t caplen, size_t wirelen,
    int64_t ts)
{
	struct listener *l = ctx;

	(void)wirelen;
	l->ctl.frames++;
	passive_frame(l->pv, bytes, caplen, ts);
}

static void
listener_sink(void *ctx, struct sighting *s)
{
	struct listener *l = ctx;
	struct daemon *d = l->d;

	zone_assign(d->cfg->zones, d->cfg->n_zones, s, l->zone);
	/* A sighting the queue drops must not be lost until the next
	 * refresh: its MACs are news again at their next frame. */
	if (!writer_room(d->w, s))
		passive_untold(l->pv, s);
	writer_add(d->w, l->scan, s);
	daemon_arm_commit(d, clock_ms() + COMMIT_MS);
}

static void
path_stats(struct listener *l, struct path *pa, const char *what, bool quiet)
{
	struct capture_stats cs;

	if (pa->c == NULL || capture_stats(pa->c, &cs) < 0)
		return;
	pa->dropped += cs.dropped;
	pa->ifdropped += cs.ifdropped;
	if (!quiet && (cs.dropped > 0 || cs.ifdropped > 0))
		log_warnx("capture",
		    "[capture %s] %s: %s path: %llu frame(s) dropped by the "
		    "kernel and %llu by the interface since the last report "
		    "(%llu and %llu since it opened)",
		    l->name, capture_name(pa->c), what,
		    (unsigned long long)cs.dropped,
		    (unsigned long long)cs.ifdropped,
		    (unsigned long long)pa->dropped,
		    (unsigned long long)pa->ifdropped);
}

void
listener_stats(struct listener *l, bool quiet)
{
	path_stats(l, &l->ctl, "control", quiet);
	path_stats(l, &l->mac, "MAC", quiet);
}

static void
path_close(struct path *pa)
{
	capture_close(pa->c);
	pa->c = NULL;
}

/* Open both paths, the control path first, or neither. */
static int
listener_open_paths(struct listener *l, char *err, size_t errlen)
{
	l->ctl.c = capture_open_live(l->interface, l->filter, CAPTURE_CONTROL,
	    0, err, errlen);
	if (l->ctl.c == NULL)
		return -1;
	l->mac.c = capture_open_live(l->interface, l->filter, CAPTURE_MAC,
	    l->buffer, err, errlen);
	if (l->mac.c == NULL) {
		path_close(&l->ctl);
		return -1;
	}
	return 0;
}

int
listener_open(struct listener *l, int64_t now)
{
	struct daemon *d = l->d;
	char err[1024], *targets;

	if (listener_open_paths(l, err, sizeof(err)) < 0) {
		l->backoff_ms =
		    l->backoff_ms == 0 ? REOPEN_MIN_MS : l->backoff_ms * 2;
		if (l->backoff_ms > REOPEN_MAX_MS)
			l->backoff_ms = REOPEN_MAX_MS;
		l->retry_at = now + l->backoff_ms;
		if (!l->warned)
			log_warnx("capture", "[capture %s] %s; retrying",
			    l->name, err);
		else
			log_debug("capture", "[capture %s] %s", l->name, err);
		l->warned = true;
		return -1;
	}
	if (l->warned)
		log_warnx("capture", "[capture %s] %s open again", l->name,
		    l->interface);
	else
		log_info("capture", "[capture %s] capturing on %s", l->name,
		    l->interface);
	l->warned = false;
	l->backoff_ms = 0;
	l->ifindex = if_nametoindex(l->interface);
	l->mac.frames = l->mac.dropped = l->mac.ifdropped = 0;
	l->ctl.frames = l->ctl.dropped = l->ctl.ifdropped = 0;
	targets = xprintf("%s (%s)", l->interface, l->name);
	l->scan = writer_scan_begin(d->w, "capture", targets);
	free(targets);
	daemon_arm_commit(d, now + COMMIT_MS);
	return 0;
}

/* End the capture session: status "complete" (closed by us) or "failed". */
void
listener_close(struct listener *l, const char *status, const char *why)
{
	struct daemon *d = l->d;
	char *detail = NULL;

	if (l->mac.c == NULL)
		return;
	listener_stats(l, false);
	if (why != NULL || l->mac.dropped > 0 || l->mac.ifdropped > 0 ||
	    l->ctl.dropped > 0 || l->ctl.ifdropped > 0)
		detail = xprintf("%s%sMAC path: %llu frame(s) dropped by the "
				 "kernel, %llu by the interface; control "
				 "path: %llu of %llu control frame(s) "
				 "dropped by the kernel, %llu by the "
				 "interface",
		    why != NULL ? why : "", why != NULL ? "; " : "",
		    (unsigned long long)l->mac.dropped,
		    (unsigned long long)l->mac.ifdropped,
		    (unsigned long long)l->ctl.dropped,
		    (unsigned long long)(l->ctl.frames + l->ctl.dropped),
		    (unsigned long long)l->ctl.ifdropped);
	writer_scan_end(d->w, l->scan, status, STORE_SCAN_SEEN,
	    (int64_t)l->mac.frames, detail);
	free(detail);
	path_close(&l->mac);
	path_close(&l->ctl);
	l->scan = NULL;
	daemon_arm_commit(d, clock_ms());
}

/* Close and reopen later after a failure of the open handle. */
static void
listener_lost(struct listener *l, const char *why, int64_t now)
{
	log_warnx("capture", "[capture %s] %s; closing, will reopen", l->name,
	    why);
	listener_close(l, "failed", why);
	l->warned = true;
	l->backoff_ms = REOPEN_MIN_MS;
	l->retry_at = now + l->backoff_ms;
}

/*
 * libpcap reports an interface that disappears only when it still sees it
 * gone on its next read (it takes ENETDOWN for "down" otherwise), and a
 * socket bound to a deleted interface then stays silent for good, even
 * once an interface of the same name is back: compare the index.
 */
bool
listener_check(struct listener *l, int64_t now)
{
	char why[256];

	if (l->mac.c == NULL || if_nametoindex(l->interface) == l->ifindex)
		return true;
	snprintf(why, sizeof(why), "%s: the interface disappeared",
	    l->interface);
	listener_lost(l, why, now);
	return false;
}

static size_t
listener_prepare(void *ctx, struct pollfd *fds, size_t max, int64_t *deadline)
{
	struct listener *l = ctx;

	if (l->mac.c == NULL) {
		if (l->retry_at < *deadline)
			*deadline = l->retry_at;
		return 0;
	}
	if (max >= 2) {
		fds[0].fd = capture_fd(l->ctl.c);
		fds[0].events = POLLIN;
		fds[1].fd = capture_fd(l->mac.c);
		fds[1].events = POLLIN;
	}
	return 2;
}

/*
 * Read what waits on one path, up to a ring's worth: after a commit that
 * kept the loop away, the ring is emptied at once rather than a few
 * thousand frames a wake-up. 0, or -1 when its handle failed (why).
 */
static int
path_read(struct listener *l, struct path *pa, capture_frame_fn fn, char *why,
    size_t whylen)
{
	int rc, total = 0;

	do {
		rc = capture_dispatch(pa->c, DISPATCH_MAX, fn, l);
		total += rc > 0 ? rc : 0;
	} while (rc == DISPATCH_MAX && total < DRAIN_MAX);
	passive_flush(l->pv);
	if (rc == CAPTURE_ERROR) {
		str_copy(why, capture_error(pa->c), whylen);
		return -1;
	}
	return 0;
}

static void
listener_dispatch(void *ctx, const struct pollfd *fds, size_t n, int64_t now)
{
	struct listener *l = ctx;
	struct daemon *d = l->d;
	char why[1024];
	short revents;

	if (l->mac.c == NULL) {
		if (now >= l->retry_at)
			listener_open(l, now);
		return;
	}
	if (n < 2 || (fds[0].revents | fds[1].revents) == 0)
		return;
	revents = (short)(fds[0].revents | fds[1].revents);
	/* The control path first: what identifies a device waits least. */
	if (path_read(l, &l->ctl, control_cb, why, sizeof(why)) < 0 ||
	    (fds[1].revents != 0 &&
		path_read(l, &l->mac, frame_cb, why, sizeof(why)) < 0)) {
		listener_lost(l, why, now);
		return;
	}
	if ((revents & (POLLERR | POLLHUP | POLLNVAL)) &&
	    !listener_check(l, now))
		return;
	/* A busy mirror port fills batches faster than the commit timer. */
	if (writer_queued(d->w) >= WRITER_BATCH && !writer_failing(d->w))
		daemon_arm_commit(d, now);
}

const struct loop_source_ops listener_ops = {
	listener_prepare,
	listener_dispatch,
};

struct listener *
listener_new(struct daemon *d, const struct config_capture *cc)
{
	struct listener *l = xcalloc(1, sizeof(*l));

	l->d = d;
	l->name = xstrdup(cc->name);
	l->interface = xstrdup(cc->interface);
	l->filter = xstrdup(cc->filter != NULL ? cc->filter : "");
	l->zone = xstrdup(cc->zone);
	l->buffer = cc->buffer_size;
	l->pv = passive_new(MAX_MACS, REFRESH_S, NULL, listener_sink, l);
	l->src = -1;
	return l;
}

static void
reserve_macs(void *ctx, size_t n)
{
	passive_reserve(ctx, n);
}

static bool
know_mac(void *ctx, const struct store_mac_state *m)
{
	return passive_know(ctx, m->mac, m->last_seen, m->ipv4, m->n_ipv4,
	    m->content);
}

/* A new capture starts from what the store holds of each MAC, so that a
 * restart does not report every known MAC again. */
void
listener_know(struct daemon *d, struct listener *l)
{
	if (d->st == NULL)
		return;
	if (store_mac_states(d->st, MAX_MACS, reserve_macs, know_mac, l->pv) <
	    0)
		log_warnx("store", "%s: %s (every MAC is news)", l->name,
		    store_error(d->st));
	else
		log_debug("daemon", "capture %s starts with %zu known MACs",
		    l->name, passive_known(l->pv));
}

void
listener_free(struct listener *l)
{
	if (l == NULL)
		return;
	path_close(&l->mac);
	path_close(&l->ctl);
	passive_free(l->pv);
	free(l->name);
	free(l->interface);
	free(l->filter);
	free(l->zone);
	free(l);
}

bool
listener_matches(const struct listener *l, const struct config_capture *cc)
{
	return str_same(l->name, cc->name) &&
	    str_same(l->interface, cc->interface) &&
	    str_same(l->filter, cc->filter) && str_same(l->zone, cc->zone) &&
	    l->buffer == cc->buffer_size;
}
