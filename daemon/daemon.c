/*
 * The daemon: configuration, classifier, store and writer, the loop and its
 * sources (one per capture, in listener.c; one for a running sweep), the
 * timers (commit, next sweep, watchdog, statistics) and the signals.
 * Everything runs on one thread but the pushes to the central database
 * (pusher.c), which the commits only signal; every database write goes
 * through the writer, so a failing store holds sightings in memory
 * instead of losing them or stopping the probes.
 */
#include "daemon/daemon.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probes/capture.h"
#include "classify/classify.h"
#include "config/config.h"
#include "common/log.h"
#include "common/text.h"
#include "daemon/daemon_private.h"
#include "daemon/loop.h"
#include "daemon/notify.h"
#include "pipeline/pipeline.h"
#include "pipeline/sweep_sink.h"
#include "policy/policy.h"
#include "daemon/privs.h"
#include "daemon/pusher.h"
#include "probes/snmp.h"
#include "store/store.h"
#include "common/util.h"
#include "pipeline/writer.h"

#define STATS_MS 10000  /* drops and STATUS= this often */
#define FLUSH_BATCHES 1 /* batches per commit tick: captures wait meanwhile */
/* After a stop signal, the rings are read until their open blocks time out. */
#define STOP_READ_MS (CAPTURE_TIMEOUT_MS + 50)

enum { T_COMMIT, T_SWEEP, T_WATCHDOG, T_STATS, T_STOP };

/* Sweeps. */

static void
sweep_queued(void *ctx)
{
	struct daemon *d = ctx;

	daemon_arm_commit(d, clock_ms() + COMMIT_MS);
}

static size_t
sweep_prepare(void *ctx, struct pollfd *fds, size_t max, int64_t *deadline)
{
	struct daemon *d = ctx;
	struct pollfd *sfds;
	size_t n;
	int timeout;

	if (d->sw == NULL)
		return 0;
	if (sweep_pollfds(d->sw, &sfds, &n, &timeout) < 0 ||
	    sweep_done(d->sw)) {
		*deadline = clock_ms();
		return 0;
	}
	if (n <= max)
		memcpy(fds, sfds, n * sizeof(*fds));
	if (timeout >= 0 && clock_ms() + timeout < *deadline)
		*deadline = clock_ms() + timeout;
	return n;
}

static void sweep_finish(struct daemon *d, const char *status, const char *why);

static void
sweep_dispatch(void *ctx, const struct pollfd *fds, size_t n, int64_t now)
{
	struct daemon *d = ctx;

	(void)now;
	if (d->sw == NULL)
		return;
	if (sweep_handle(d->sw, fds, n) < 0) {
		log_warnx("snmp", "the sweep's event handling failed");
		sweep_finish(d, "failed", "the sweep's event handling failed");
		return;
	}
	if (sweep_done(d->sw))
		sweep_finish(d, "complete", NULL);
}

static const struct loop_source_ops sweep_ops = {
	sweep_prepare,
	sweep_dispatch,
};

static void sweep_timer(void *ctx, int64_t now);

static void
sweep_start(struct daemon *d)
{
	struct sweep_params params;
	struct sweep_stats ss;
	char err[1024], *targets;

	/* No sweep starts while the rings are read a last time. */
	if (d->stopping)
		return;
	if (d->sw != NULL) {
		d->sweep_again = true;
		return;
	}
	if (d->cfg->n_targets == 0)
		return;
	pipeline_sweep_params(d->cfg, &params);
	d->sw = sweep_new(&params, &sweep_sink_callbacks, &d->sink);
	if (pipeline_sweep_targets(d->sw, d->cfg, err, sizeof(err)) < 0) {
		log_warnx("snmp",
		    "%s; no sweep until the configuration is "
		    "corrected",
		    err);
		sweep_free(d->sw);
		d->sw = NULL;
		return;
	}
	targets = pipeline_target_names(d->cfg);
	sweep_sink_init(&d->sink, d->cfg->zones, d->cfg->n_zones, d->w,
	    writer_scan_begin(d->w, "snmp", targets));
	d->sink.queued = sweep_queued;
	d->sink.ctx = d;
	free(targets);
	d->sweep_started = clock_ms();
	d->sweep_again = false;
	d->sweeps++;
	d->sweep_src = loop_add_source(d->loop, &sweep_ops, d);
	loop_timer_cancel(d->loop, T_SWEEP);
	sweep_stats(d->sw, &ss);
	log_info("snmp", "sweep %llu started: %llu target(s)",
	    (unsigned long long)d->sweeps, (unsigned long long)ss.targets);
}

static void
sweep_finish(struct daemon *d, const char *status, const char *why)
{
	struct sweep_stats ss;
	int64_t next, now = clock_ms();

	sweep_stats(d->sw, &ss);
	if (why != NULL)
		sweep_sink_note(&d->sink, "%s", why);
	sweep_sink_end(&d->sink, ss.answered, status);
	log_info("snmp", "sweep %llu %s: %llu of %llu target(s) answered",
	    (unsigned long long)d->sweeps, status,
	    (unsigned long long)ss.answered, (unsigned long long)ss.targets);
	d->last_answered = ss.answered;
	d->last_targets = ss.targets;
	loop_remove_source(d->loop, d->sweep_src);
	sweep_free(d->sw);
	d->sw = NULL;
	sweep_sink_finish(&d->sink);
	d->sweep_src = -1;
	daemon_arm_commit(d, now);
	next =
	    d->sweep_again ? now : d->sweep_started + d->cfg->snmp_interval_ms;
	loop_timer(d->loop, T_SWEEP, next < now ? now : next, sweep_timer, d);
}

static void
sweep_timer(void *ctx, int64_t now)
{
	struct daemon *d = ctx;

	(void)now;
	sweep_start(d);
}

/* Timers. */

static void
commit_timer(void *ctx, int64_t now)
{
	struct daemon *d = ctx;
	bool pending = writer_pending(d->w);
	int rc;

	d->commit_armed = false;
	rc = writer_flush(d->w, now, FLUSH_BATCHES);
	/* Batches and scan rows (a sweep's end among them) append to the
	 * audit chain: the pusher sends what was committed. */
	if (pending && d->pusher != NULL)
		pusher_poke(d->pusher);
	if (rc == 0 && d->reclassify) {
		int changed = 0;

		if (store_reclassify(d->st, &d->ops, &changed) == 0) {
			log_info("store",
			    "elements reclassified under the new "
			    "rules: %d verdict(s) changed",
			    changed);
			d->reclassify = false;
			d->reclassify_warned = false;
			if (changed > 0 && d->pusher != NULL)
				pusher_poke(d->pusher);
		} else {
			if (!d->reclassify_warned)
				log_warnx("store",
				    "reclassifying: %s; retrying",
				    store_error(d->st));
			d->reclassify_warned = true;
			daemon_arm_commit(d, now + WRITER_BACKOFF_MAX_MS);
		}
	}
	if (rc == 1)
		daemon_arm_commit(d, now);
	else if (rc < 0)
		daemon_arm_commit(d, writer_retry_at(d->w));
}

/* Have the commit timer fire by due (never before a retry is due). */
void
daemon_arm_commit(struct daemon *d, int64_t due)
{
	if (writer_failing(d->w) && due < writer_retry_at(d->w))
		due = writer_retry_at(d->w);
	if (d->commit_armed && d->commit_due <= due)
		return;
	d->commit_armed = true;
	d->commit_due = due;
	loop_timer(d->loop, T_COMMIT, due, commit_timer, d);
}

static void
update_status(struct daemon *d)
{
	struct writer_counts wc;
	struct strbuf caps = STRBUF_INIT, central = STRBUF_INIT;
	size_t open = 0, total = 0;

	/* Per capture: the MAC path's frames and drops, then the control
	 * path's, which should stay at zero. */
	for (struct listener *l = d->listeners; l != NULL; l = l->next) {
		total++;
		if (l->mac.c == NULL) {
			strbuf_printf(&caps, "; %s closed", l->name);
			continue;
		}
		open++;
		strbuf_printf(&caps,
		    "; %s %llu frames, %llu dropped, control %llu frames, "
		    "%llu dropped",
		    l->name, (unsigned long long)l->mac.frames,
		    (unsigned long long)(l->mac.dropped + l->mac.ifdropped),
		    (unsigned long long)l->ctl.frames,
		    (unsigned long long)(l->ctl.dropped + l->ctl.ifdropped));
	}
	writer_counts(d->w, &wc);
	if (d->pusher != NULL)
		pusher_status(d->pusher, &central);
	notify_status(
	    "captures %zu/%zu open%s; "
	    "sweeps %llu%s, last %llu/%llu answered; sightings %llu written, "
	    "%zu queued, %llu dropped%s%s",
	    open, total, strbuf_str(&caps), (unsigned long long)d->sweeps,
	    d->sw != NULL ? " (running)" : "",
	    (unsigned long long)d->last_answered,
	    (unsigned long long)d->last_targets, (unsigned long long)wc.written,
	    wc.queued, (unsigned long long)wc.dropped,
	    writer_failing(d->w) ? "; store failing, retrying" : "",
	    strbuf_str(&central));
	strbuf_finish(&caps);
	strbuf_finish(&central);
}

static void
stats_timer(void *ctx, int64_t now)
{
	struct daemon *d = ctx;

	for (struct listener *l = d->listeners; l != NULL; l = l->next)
		if (listener_check(l, now))
			listener_stats(l, false);
	update_status(d);
	loop_timer(d->loop, T_STATS, now + STATS_MS, stats_timer, d);
}

static void
watchdog_timer(void *ctx, int64_t now)
{
	struct daemon *d = ctx;

	notify_watchdog();
	loop_timer(d->loop, T_WATCHDOG, now + d->watchdog_ms, watchdog_timer,
	    d);
}

/* Reload. */

/* Record the configuration's policy packs and waivers for the views
 * auditors query; a failure is logged and what was recorded before
 * stays. */
static void
sync_policies(struct daemon *d, const struct config *cfg,
    const struct classifier *cl)
{
	char err[1024];

	switch (pipeline_record_packs(cfg, cl, d->st, err, sizeof(err))) {
	case PIPELINE_BAD_PACKS:
		log_warnx("policy", "%s; the packs recorded before stay", err);
		break;
	case PIPELINE_BAD_WAIVERS:
		log_warnx("policy", "%s; the waivers recorded before stay",
		    err);
		break;
	case PIPELINE_STORE:
		log_warnx("policy", "recording the packs: %s", err);
		break;
	}
}

/* The classifier the configuration names; a missing IANA registry file is
 * told and left out, as vraudit does. */
static struct classifier *
open_classifier(const struct config *cfg, char *err, size_t errlen)
{
	struct classifier_sources src = { cfg->oui_dir, cfg->vendors_path,
		cfg->enterprises_path, cfg->enterprises_local };
	struct classifier *c = classifier_open(&src, err, errlen);

	if (c != NULL && classifier_enterprises_missing(c) != NULL)
		log_warnx("classify",
		    "IANA enterprise registry: %s; continuing without it "
		    "(install Debian's libwireshark-data or set [registry] "
		    "enterprises)",
		    classifier_enterprises_missing(c));
	return c;
}

/* Start, change or stop the pushes to the central database as cfg says;
 * old is the configuration that ran until now (NULL at start-up). A chain
 * the central database refused is pushed again only from here. */
static void
sync_central(struct daemon *d, const struct config *old,
    const struct config *cfg)
{
	char err[1024];

	if (cfg->central_url == NULL) {
		if (d->pusher != NULL && old != NULL &&
		    old->central_url != NULL) {
			pusher_configure(d->pusher, NULL);
			log_info("central",
			    "[central] removed: no more pushes");
		}
		return;
	}
	if (d->pusher == NULL &&
	    (d->pusher = pusher_new(d->db_path, err, sizeof(err))) == NULL) {
		log_warnx("central", "%s; not pushing", err);
		return;
	}
	if (old != NULL && old->central_url != NULL &&
	    pusher_same(d->pusher, cfg)) {
		if (!pusher_refused(d->pusher))
			return;
		log_info("central", "pushing site %s again after the refusal",
		    cfg->central_site);
	} else
		log_info("central", "pushing site %s to %s%s",
		    cfg->central_site, cfg->central_url,
		    old != NULL && old->central_url != NULL
			? " (changed [central])"
			: "");
	pusher_configure(d->pusher, cfg);
}

static void
reload(struct daemon *d)
{
	struct config *ncfg;
	struct classifier *ncl, *old_cl;
	struct listener **pp;
	char err[1024];
	bool rules_changed;
	size_t opened = 0, closed = 0, kept = 0;

	log_info("config", "reloading");
	ncfg = config_load(d->o->conf_path, err, sizeof(err));
	if (ncfg == NULL) {
		log_warnx("config",
		    "reload refused: %s; the running "
		    "configuration stays",
		    err);
		return;
	}
	ncl = open_classifier(ncfg, err, sizeof(err));
	if (ncl == NULL) {
		log_warnx("config",
		    "reload refused: %s; the running "
		    "configuration stays",
		    err);
		config_free(ncfg);
		return;
	}
	if (!str_same(ncfg->db_path, d->cfg->db_path))
		log_warnx("config",
		    "[database] path %s takes effect at the next "
		    "start; still writing %s",
		    ncfg->db_path, d->cfg->db_path);

	rules_changed =
	    strcmp(classifier_digest(ncl), classifier_digest(d->cl)) != 0;
	old_cl = d->cl;
	d->cl = ncl;
	d->ops = classifier_ops(ncl);
	store_set_classifier(d->st, &d->ops);
	classifier_free(old_cl);
	sync_policies(d, ncfg, ncl);
	if (rules_changed) {
		d->reclassify = true;
		daemon_arm_commit(d, clock_ms());
	}

	/* Captures: unchanged sections keep running. */
	for (struct listener *l = d->listeners; l != NULL; l = l->next)
		l->keep = false;
	for (size_t i = 0; i < ncfg->n_captures; i++) {
		struct listener *l;

		for (l = d->listeners; l != NULL; l = l->next)
			if (!l->keep && listener_matches(l, &ncfg->captures[i]))
				break;
		if (l != NULL) {
			l->keep = true;
			kept++;
			continue;
		}
		l = listener_new(d, &ncfg->captures[i]);
		listener_know(d, l);
		l->keep = true;
		l->next = d->listeners;
		d->listeners = l;
		listener_open(l, clock_ms());
		l->src = loop_add_source(d->loop, &listener_ops, l);
		opened++;
	}
	for (pp = &d->listeners; *pp != NULL;) {
		struct listener *l = *pp;

		if (l->keep) {
			pp = &l->next;
			continue;
		}
		log_info("capture",
		    "[capture %s] removed from the "
		    "configuration: closing %s",
		    l->name, l->interface);
		listener_close(l, "complete", NULL);
		loop_remove_source(d->loop, l->src);
		*pp = l->next;
		listener_free(l);
		closed++;
	}
	sync_central(d, d->cfg, ncfg);
	config_free(d->cfg);
	d->cfg = ncfg;
	log_info("config",
	    "reloaded %s: %zu target section(s); captures: %zu "
	    "kept, %zu new, %zu closed; rules %s",
	    d->cfg->path != NULL ? d->cfg->path : "(built-in defaults)",
	    d->cfg->n_targets, kept, opened, closed,
	    rules_changed ? "changed" : "unchanged");
	/* Sweep what the new configuration names without waiting a whole
	 * interval. */
	sweep_start(d);
	update_status(d);
}

static void
stop_timer(void *ctx, int64_t now)
{
	struct daemon *d = ctx;

	(void)now;
	loop_stop(d->loop);
}

static void
on_signal(void *ctx, int signo)
{
	struct daemon *d = ctx;

	switch (signo) {
	case SIGHUP:
		reload(d);
		break;
	case SIGTERM:
	case SIGINT:
		log_info("daemon", "%s: stopping", strsignal(signo));
		/* Frames that reached a ring before the signal wait in its
		 * open block until the block's timeout hands it over: read
		 * them before closing. A second signal stops at once. */
		if (d->listeners == NULL || d->stopping)
			loop_stop(d->loop);
		else
			loop_timer(d->loop, T_STOP, clock_ms() + STOP_READ_MS,
			    stop_timer, d);
		d->stopping = true;
		loop_timer_cancel(d->loop, T_SWEEP);
		break;
	default:
		break;
	}
}

/* Start-up and shutdown. */

static void
shutdown_probes(struct daemon *d)
{
	struct writer_counts wc;

	notify_stopping();
	if (d->sw != NULL)
		sweep_finish(d, "interrupted",
		    "stopped before the sweep's end");
	loop_timer_cancel(d->loop, T_SWEEP);
	for (struct listener *l = d->listeners; l != NULL; l = l->next)
		listener_close(l, "complete", NULL);
	/* Last write: now, whatever the backoff says. */
	if (writer_pending(d->w) &&
	    writer_flush(d->w, INT64_MAX, INT32_MAX) != 0)
		d->exit_code = 3;
	writer_counts(d->w, &wc);
	log_info("daemon",
	    "stopped: %llu sighting(s) written, %llu dropped, "
	    "%zu not written",
	    (unsigned long long)wc.written, (unsigned long long)wc.dropped,
	    wc.queued);
}

int
daemon_run(const struct daemon_options *o)
{
	static const int signals[] = { SIGTERM, SIGINT, SIGHUP };
	struct daemon dd, *d = &dd;
	struct listener *l, *next;
	char err[1024];
	bool root = geteuid() == 0;

	memset(d, 0, sizeof(*d));
	d->o = o;
	d->user = o->user != NULL ? o->user : DAEMON_DEFAULT_USER;
	d->sweep_src = -1;
	log_init("vrauditd", log_dest_auto(o->foreground),
	    o->debug > 0 ? 1 + o->debug : 1);
	signal(SIGPIPE, SIG_IGN);

	d->cfg = config_load(o->conf_path, err, sizeof(err));
	if (d->cfg == NULL) {
		log_warnx("config", "%s", err);
		return 2;
	}
	d->cl = open_classifier(d->cfg, err, sizeof(err));
	if (d->cl == NULL) {
		log_warnx("classify", "%s", err);
		config_free(d->cfg);
		return 2;
	}
	/* Signals wait in the signalfd from here on, even during start-up. */
	d->loop = loop_new(signals, ARRAY_SIZE(signals), on_signal, d);
	if (d->loop == NULL) {
		d->exit_code = 3;
		goto out;
	}
	/* The writer is needed by the captures' sessions; the store comes
	 * once privileges are dropped. Captures open while still root. */
	for (size_t i = d->cfg->n_captures; i-- > 0;) {
		l = listener_new(d, &d->cfg->captures[i]);
		l->next = d->listeners;
		d->listeners = l;
	}
	d->w = writer_new(NULL, 0);
	for (l = d->listeners; l != NULL; l = l->next)
		listener_open(l, clock_ms());
	if (root) {
		/* Captures keep CAP_NET_RAW to reopen interfaces. */
		bool net_raw = d->cfg->n_captures > 0;

		if (privs_drop(d->user, net_raw, err, sizeof(err)) < 0) {
			log_warnx("daemon", "%s (choose the user with --user)",
			    err);
			d->exit_code = 3;
			goto out;
		}
		log_info("daemon", "running as user %s%s", d->user,
		    net_raw ? " with CAP_NET_RAW" : "");
	}
	d->st = store_open(d->cfg->db_path, STORE_READ_WRITE, err, sizeof(err));
	if (d->st == NULL) {
		if (root)
			log_warnx("store",
			    "%s (vrauditd runs as user %s: the "
			    "database and its directory must be writable by %s)",
			    err, d->user, d->user);
		else
			log_warnx("store", "%s", err);
		d->exit_code = 3;
		goto out;
	}
	d->ops = classifier_ops(d->cl);
	store_set_classifier(d->st, &d->ops);
	/* Never stall the captures for long behind another writer. */
	store_set_busy_timeout(d->st, 1000);
	writer_set_store(d->w, d->st);
	sync_policies(d, d->cfg, d->cl);
	/* As the user the daemon runs as, after the store: the pusher reads
	 * it through a connection of its own. */
	d->db_path = xstrdup(d->cfg->db_path);
	sync_central(d, NULL, d->cfg);
	/* Rules may have changed since the last run: verdicts made under
	 * another digest are redone at the first commit tick. */
	d->reclassify = true;

	for (l = d->listeners; l != NULL; l = l->next) {
		listener_know(d, l);
		l->src = loop_add_source(d->loop, &listener_ops, l);
	}
	sweep_start(d);
	d->watchdog_ms = notify_watchdog_interval_ms();
	if (d->watchdog_ms > 0)
		loop_timer(d->loop, T_WATCHDOG, clock_ms() + d->watchdog_ms,
		    watchdog_timer, d);
	loop_timer(d->loop, T_STATS, clock_ms() + STATS_MS, stats_timer, d);
	daemon_arm_commit(d, clock_ms());
	{
		size_t open = 0, total = 0;

		for (l = d->listeners; l != NULL; l = l->next, total++)
			if (l->mac.c != NULL)
				open++;
		log_info("daemon",
		    "ready: %zu of %zu capture(s) open, %zu "
		    "target section(s), sweep every %llds, database %s",
		    open, total, d->cfg->n_targets,
		    (long long)(d->cfg->snmp_interval_ms / 1000),
		    d->cfg->db_path);
	}
	notify_send("READY=1");
	update_status(d);

	if (loop_run(d->loop) < 0)
		d->exit_code = 3;
	shutdown_probes(d);
	/* What the last commit added goes now rather than at the next
	 * start, in a bounded time: a stop never waits on the network for
	 * long (TimeoutStopSec). */
	if (d->pusher != NULL)
		pusher_final(d->pusher, PUSHER_FINAL_MS);
out:
	if (d->sw != NULL) {
		sweep_free(d->sw);
		sweep_sink_finish(&d->sink);
	}
	/* Its store connection closes before the writer's, which is then
	 * the last one. */
	pusher_free(d->pusher);
	free(d->db_path);
	writer_free(d->w);
	for (l = d->listeners; l != NULL; l = next) {
		next = l->next;
		listener_free(l);
	}
	store_close(d->st);
	loop_free(d->loop);
	classifier_free(d->cl);
	config_free(d->cfg);
	return d->exit_code;
}
