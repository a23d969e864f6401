/*
 * The pusher thread (pusher.h). The loop only sets flags under the mutex
 * and signals the condition; the thread owns its store and libpq
 * connections and never holds the mutex across I/O, so the loop never
 * waits for more than a few instructions (but at the stop: pusher_final
 * waits a bounded time for the last push, on a condition of its own, and
 * pusher_free ends its connection and joins). central_push is incremental and
 * exactly once by itself (central/central_push.c): the thread needs no
 * memory of what it sent beyond the head held centrally, to skip the
 * network when nothing new was committed.
 */
#include "daemon/pusher.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "central/central.h"
#include "common/log.h"
#include "common/secret.h"
#include "common/text.h"
#include "common/util.h"
#include "config/config.h"
#include "store/store.h"

enum state { P_IDLE, P_STARTING, P_PUSHED, P_FAILING, P_REFUSED };

/* What central_connect reads of a configuration: its [central] section,
 * copied so that it outlives a reload. Owns the three strings. */
struct target {
	char *url, *site, *password;
};

struct pusher {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	pthread_cond_t settled; /* the last push ended */
	char *db_path;          /* owned */

	/* Under mu. */
	struct target want;  /* what to push to; url NULL: nothing */
	uint64_t generation; /* bumped by each pusher_configure */
	bool poked, stop, busy;
	bool final, final_done; /* the last push: asked for, ended */
	int64_t final_at;       /* when it was asked for, clock_ms */
	struct central *c;      /* the thread's connection, for an abort */
	enum state state;
	int64_t head;  /* P_PUSHED: the head held centrally */
	int64_t since; /* P_FAILING: wall-clock seconds */

	/* Read by central_push between transactions, without mu. */
	atomic_bool interrupt;
};

/* The thread's own state; no lock needed. */
struct session {
	struct target t;
	uint64_t generation;
	struct store *st;
	struct central *c;
	int64_t pushed; /* the head held centrally after our last push; -1 */
	int64_t backoff_ms, retry_at;
	uint64_t failures;
	int64_t failed_at; /* the last failure, clock_ms */
	char why[512];     /* its reason */
	bool failing, refused, announced;
	bool final; /* this is the last push, the daemon stops */
};

static void
target_free(struct target *t)
{
	free(t->url);
	free(t->site);
	secret_free(t->password);
	memset(t, 0, sizeof(*t));
}

/* NULL and "" are the same: a key left out is an empty one. */
static bool
same_text(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

static bool
target_same(const struct target *t, const struct config *cfg)
{
	return cfg != NULL && cfg->central_url != NULL && t->url != NULL &&
	    strcmp(t->url, cfg->central_url) == 0 &&
	    same_text(t->site, cfg->central_site) &&
	    same_text(t->password, cfg->central_password);
}

static void
set_state(struct pusher *p, enum state state, int64_t head, int64_t since)
{
	pthread_mutex_lock(&p->mu);
	p->state = state;
	p->head = head;
	p->since = since;
	pthread_mutex_unlock(&p->mu);
}

static void
disconnect(struct pusher *p, struct session *s)
{
	if (s->c == NULL)
		return;
	/* Out of an abort's reach before it goes. */
	pthread_mutex_lock(&p->mu);
	p->c = NULL;
	pthread_mutex_unlock(&p->mu);
	central_close(s->c);
	s->c = NULL;
}

/* A failed attempt: logged when it starts an outage, retried later. */
static void
failed(struct pusher *p, struct session *s, const char *why)
{
	s->failed_at = clock_ms();
	str_copy(s->why, why, sizeof(s->why));
	if (s->final) {
		/* Past the deadline pusher_final has said so already. */
		if (!atomic_load(&p->interrupt))
			log_warnx("central",
			    "cannot push site %s before stopping: %s; the next "
			    "start pushes what the central database lacks",
			    s->t.site, why);
		return;
	}
	s->backoff_ms =
	    s->backoff_ms == 0 ? PUSHER_BACKOFF_MIN_MS : s->backoff_ms * 2;
	if (s->backoff_ms > PUSHER_BACKOFF_MAX_MS)
		s->backoff_ms = PUSHER_BACKOFF_MAX_MS;
	s->retry_at = clock_ms() + s->backoff_ms;
	s->failures++;
	if (s->failing) {
		log_debug("central", "push retry failed: %s; next in %llds",
		    why, (long long)(s->backoff_ms / 1000));
		return;
	}
	log_warnx("central",
	    "cannot push site %s: %s; retrying with backoff, the site keeps "
	    "recording meanwhile",
	    s->t.site, why);
	s->failing = true;
	set_state(p, P_FAILING, 0, time_now());
}

/* A new connection for s's target, that an abort can reach: 0 or -1. */
static int
connect_central(struct pusher *p, struct session *s, char *err, size_t errlen)
{
	struct config cfg;

	/* central_connect reads only the [central] keys. */
	memset(&cfg, 0, sizeof(cfg));
	cfg.central_url = s->t.url;
	cfg.central_site = s->t.site;
	cfg.central_password = s->t.password;
	if ((s->c = central_connect(&cfg, err, errlen)) == NULL)
		return -1;
	central_set_interrupt(s->c, &p->interrupt);
	pthread_mutex_lock(&p->mu);
	p->c = s->c;
	pthread_mutex_unlock(&p->mu);
	return 0;
}

/* Push what is new, once. */
static void
push_once(struct pusher *p, struct session *s)
{
	struct central_push_result res;
	char err[2048], hash[STORE_HASH_STRLEN];
	int64_t local;
	bool fresh = false;
	int rc;

	if (s->st == NULL &&
	    (s->st = store_open(p->db_path, STORE_READ_ONLY, err,
		 sizeof(err))) == NULL) {
		failed(p, s, err);
		return;
	}
	/* Nothing committed since the last push: no need to ask. */
	if (s->pushed >= 0 && !s->failing &&
	    store_audit_head(s->st, &local, hash) == 0 && local == s->pushed) {
		if (s->final)
			log_info("central",
			    "stopping: the central database holds site %s up "
			    "to record %lld",
			    s->t.site, (long long)s->pushed);
		return;
	}
again:
	if (s->c == NULL) {
		if (connect_central(p, s, err, sizeof(err)) < 0) {
			failed(p, s, err);
			return;
		}
		fresh = true;
	}
	rc = central_push(s->c, s->st, s->t.site, 0, &res);
	if (rc != CENTRAL_OK && atomic_load(&p->interrupt)) {
		/* Reconfigured or stopping: not an outage. */
		disconnect(p, s);
		return;
	}
	if (rc == CENTRAL_FAILED && !fresh) {
		/* A server restart or an idle timeout may have closed the
		 * connection kept since the last push: one fresh try before
		 * calling it an outage. */
		log_debug("central", "push on the kept connection failed: %s",
		    central_error(s->c));
		disconnect(p, s);
		goto again;
	}
	switch (rc) {
	case CENTRAL_OK:
		s->pushed = res.head_seq;
		if (s->final)
			log_info("central",
			    "stopping: %lld record(s) pushed, the central "
			    "database holds site %s up to record %lld",
			    (long long)res.records, s->t.site,
			    (long long)res.head_seq);
		else if (s->failing)
			log_info("central",
			    "pushing again after %llu failed attempt(s): the "
			    "central database holds site %s up to record %lld",
			    (unsigned long long)s->failures, s->t.site,
			    (long long)res.head_seq);
		else if (!s->announced)
			log_info("central",
			    "the central database holds site %s up to record "
			    "%lld; pushing after each commit",
			    s->t.site, (long long)res.head_seq);
		else if (res.records > 0)
			log_debug("central",
			    "%lld record(s) pushed, up to record %lld",
			    (long long)res.records, (long long)res.head_seq);
		s->announced = true;
		s->failing = false;
		s->failures = 0;
		s->backoff_ms = 0;
		set_state(p, P_PUSHED, res.head_seq, 0);
		/* Committed while the last transaction was read: again. */
		if (res.local_seq > res.head_seq) {
			pthread_mutex_lock(&p->mu);
			p->poked = true;
			pthread_mutex_unlock(&p->mu);
		}
		break;
	case CENTRAL_REFUSED:
		log_warnx("central",
		    "the central database refused this site's chain: %s; no "
		    "more pushes until a reload or a restart",
		    central_error(s->c));
		s->refused = true;
		disconnect(p, s);
		set_state(p, P_REFUSED, 0, 0);
		break;
	default:
		str_copy(err, central_error(s->c), sizeof(err));
		/* A connection that failed once is not trusted again. */
		disconnect(p, s);
		failed(p, s, err);
		break;
	}
}

/* Take the configuration the loop set last (under mu, released while the
 * old connections close). */
static void
reconfigure(struct pusher *p, struct session *s)
{
	struct target old = s->t;

	s->t.url = p->want.url != NULL ? xstrdup(p->want.url) : NULL;
	s->t.site = p->want.site != NULL ? xstrdup(p->want.site) : NULL;
	s->t.password =
	    p->want.password != NULL ? xstrdup(p->want.password) : NULL;
	s->generation = p->generation;
	atomic_store(&p->interrupt, false);
	p->poked = s->t.url != NULL;
	p->state = s->t.url != NULL ? P_STARTING : P_IDLE;
	pthread_mutex_unlock(&p->mu);
	target_free(&old);
	disconnect(p, s);
	store_close(s->st);
	s->st = NULL;
	s->pushed = -1;
	s->backoff_ms = s->retry_at = 0;
	s->failures = 0;
	s->failing = s->refused = s->announced = false;
	pthread_mutex_lock(&p->mu);
}

/* The last push, asked for by pusher_final: once, whatever the backoff
 * says, but not after a refusal. Called and returns under mu. */
static void
push_final(struct pusher *p, struct session *s)
{
	if (s->t.url == NULL || s->refused)
		return;
	s->final = true;
	/* The attempt under way when the stop came has just failed: the
	 * same outage, not worth another connection timeout. */
	if (s->failing && s->failed_at >= p->final_at) {
		log_warnx("central",
		    "cannot push site %s before stopping: %s; the next start "
		    "pushes what the central database lacks",
		    s->t.site, s->why);
		return;
	}
	p->busy = true;
	pthread_mutex_unlock(&p->mu);
	push_once(p, s);
	pthread_mutex_lock(&p->mu);
	p->busy = false;
}

/* Wait on cond (with mu) until due (monotonic ms), or a signal. */
static void
wait_until(pthread_cond_t *cond, pthread_mutex_t *mu, int64_t due)
{
	struct timespec ts;
	int64_t left = due - clock_ms();

	if (left <= 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += (time_t)(left / 1000);
	ts.tv_nsec += (long)(left % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(cond, mu, &ts);
}

static void *
pusher_main(void *arg)
{
	struct pusher *p = arg;
	struct session s;

	memset(&s, 0, sizeof(s));
	s.pushed = -1;
	pthread_mutex_lock(&p->mu);
	while (!p->stop) {
		if (s.generation != p->generation) {
			reconfigure(p, &s);
			continue;
		}
		if (p->final) {
			if (p->final_done) {
				pthread_cond_wait(&p->cond, &p->mu);
				continue;
			}
			push_final(p, &s);
			p->final_done = true;
			pthread_cond_broadcast(&p->settled);
			continue;
		}
		if (s.t.url == NULL || s.refused) {
			pthread_cond_wait(&p->cond, &p->mu);
			continue;
		}
		/* In an outage, commits wait for the retry. */
		if (s.failing ? clock_ms() < s.retry_at : !p->poked) {
			if (s.failing)
				wait_until(&p->cond, &p->mu, s.retry_at);
			else
				pthread_cond_wait(&p->cond, &p->mu);
			continue;
		}
		p->poked = false;
		p->busy = true;
		pthread_mutex_unlock(&p->mu);
		push_once(p, &s);
		pthread_mutex_lock(&p->mu);
		p->busy = false;
	}
	pthread_mutex_unlock(&p->mu);
	disconnect(p, &s);
	store_close(s.st);
	target_free(&s.t);
	return NULL;
}

struct pusher *
pusher_new(const char *db_path, char *err, size_t errlen)
{
	struct pusher *p = xcalloc(1, sizeof(*p));
	pthread_condattr_t ca;
	int rc;

	p->db_path = xstrdup(db_path);
	atomic_init(&p->interrupt, false);
	pthread_mutex_init(&p->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cond, &ca);
	pthread_cond_init(&p->settled, &ca);
	pthread_condattr_destroy(&ca);
	/* Signals stay blocked in the thread, as in the loop that starts
	 * it: they reach the loop's signalfd. */
	if ((rc = pthread_create(&p->thread, NULL, pusher_main, p)) != 0) {
		snprintf(err, errlen, "cannot start the pusher thread: %s",
		    strerror(rc));
		pthread_cond_destroy(&p->cond);
		pthread_cond_destroy(&p->settled);
		pthread_mutex_destroy(&p->mu);
		free(p->db_path);
		free(p);
		return NULL;
	}
	return p;
}

void
pusher_configure(struct pusher *p, const struct config *cfg)
{
	pthread_mutex_lock(&p->mu);
	target_free(&p->want);
	if (cfg != NULL && cfg->central_url != NULL) {
		p->want.url = xstrdup(cfg->central_url);
		p->want.site = xstrdup(cfg->central_site);
		p->want.password = cfg->central_password != NULL
		    ? xstrdup(cfg->central_password)
		    : NULL;
	}
	p->generation++;
	atomic_store(&p->interrupt, true);
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->mu);
}

bool
pusher_same(struct pusher *p, const struct config *cfg)
{
	bool same;

	pthread_mutex_lock(&p->mu);
	same = target_same(&p->want, cfg);
	pthread_mutex_unlock(&p->mu);
	return same;
}

bool
pusher_refused(struct pusher *p)
{
	bool refused;

	pthread_mutex_lock(&p->mu);
	refused = p->state == P_REFUSED;
	pthread_mutex_unlock(&p->mu);
	return refused;
}

void
pusher_poke(struct pusher *p)
{
	pthread_mutex_lock(&p->mu);
	p->poked = true;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->mu);
}

void
pusher_status(struct pusher *p, struct strbuf *sb)
{
	char since[TIME_STRLEN];

	pthread_mutex_lock(&p->mu);
	switch (p->state) {
	case P_IDLE:
		break;
	case P_STARTING:
		strbuf_printf(sb, "; central: connecting");
		break;
	case P_PUSHED:
		strbuf_printf(sb, "; central: pushed up to %lld",
		    (long long)p->head);
		break;
	case P_FAILING:
		time_format(p->since, since);
		strbuf_printf(sb, "; central: unreachable since %s", since);
		break;
	case P_REFUSED:
		strbuf_printf(sb, "; central: refused");
		break;
	}
	pthread_mutex_unlock(&p->mu);
}

void
pusher_final(struct pusher *p, int64_t wait_ms)
{
	int64_t due = clock_ms() + wait_ms;
	bool done;

	pthread_mutex_lock(&p->mu);
	p->final = true;
	p->final_at = clock_ms();
	pthread_cond_signal(&p->cond);
	while (!p->final_done && clock_ms() < due)
		wait_until(&p->settled, &p->mu, due);
	done = p->final_done;
	/* Whatever the thread does from here on, pusher_free stops it. */
	if (!done)
		atomic_store(&p->interrupt, true);
	pthread_mutex_unlock(&p->mu);
	if (!done)
		log_warnx("central",
		    "the last push did not end within %llds: stopping it; the "
		    "next start pushes what the central database lacks",
		    (long long)(wait_ms / 1000));
}

void
pusher_free(struct pusher *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	atomic_store(&p->interrupt, true);
	/* A statement under way would finish its transaction first, or
	 * wait on a server gone silent: its connection is ended (p->c is
	 * open while p->mu is held). */
	if (p->busy && p->c != NULL)
		central_abort(p->c);
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	target_free(&p->want);
	pthread_cond_destroy(&p->cond);
	pthread_cond_destroy(&p->settled);
	pthread_mutex_destroy(&p->mu);
	free(p->db_path);
	free(p);
}
