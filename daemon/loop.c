/*
 * poll() loop with pluggable sources, a few timer slots and a signalfd.
 * The poll timeout is the earliest deadline of any timer or source, so an
 * idle daemon sleeps until something is due.
 */
#include "daemon/loop.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"

struct source {
	const struct loop_source_ops *ops;
	void *ctx;
	bool used;
	size_t first, count; /* its slice of the pollfd array this round */
};

struct timer {
	bool armed;
	int64_t due;
	loop_timer_fn fn;
	void *ctx;
};

struct loop {
	int sigfd;
	sigset_t sigmask, oldmask;
	loop_signal_fn sigfn;
	void *sigctx;
	struct source *sources;
	size_t nsources;
	struct timer timers[LOOP_TIMERS];
	struct pollfd *fds;
	size_t cap;
	bool stop;
	uint64_t wakeups;
};

struct loop *
loop_new(const int *signals, size_t nsignals, loop_signal_fn fn, void *ctx)
{
	struct loop *l = xcalloc(1, sizeof(*l));

	l->sigfd = -1;
	l->sigfn = fn;
	l->sigctx = ctx;
	sigemptyset(&l->sigmask);
	for (size_t i = 0; i < nsignals; i++)
		sigaddset(&l->sigmask, signals[i]);
	if (nsignals > 0) {
		if (sigprocmask(SIG_BLOCK, &l->sigmask, &l->oldmask) < 0) {
			log_warn("loop", "sigprocmask");
			free(l);
			return NULL;
		}
		l->sigfd =
		    signalfd(-1, &l->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
		if (l->sigfd < 0) {
			log_warn("loop", "signalfd");
			sigprocmask(SIG_SETMASK, &l->oldmask, NULL);
			free(l);
			return NULL;
		}
	}
	l->cap = 64;
	l->fds = xcalloc(l->cap, sizeof(*l->fds));
	return l;
}

void
loop_free(struct loop *l)
{
	if (l == NULL)
		return;
	if (l->sigfd >= 0) {
		close(l->sigfd);
		sigprocmask(SIG_SETMASK, &l->oldmask, NULL);
	}
	free(l->sources);
	free(l->fds);
	free(l);
}

int
loop_add_source(struct loop *l, const struct loop_source_ops *ops, void *ctx)
{
	size_t i;

	for (i = 0; i < l->nsources; i++)
		if (!l->sources[i].used)
			break;
	if (i == l->nsources) {
		l->sources = xreallocarray(l->sources, l->nsources + 1,
		    sizeof(*l->sources));
		l->nsources++;
	}
	memset(&l->sources[i], 0, sizeof(l->sources[i]));
	l->sources[i].ops = ops;
	l->sources[i].ctx = ctx;
	l->sources[i].used = true;
	return (int)i;
}

void
loop_remove_source(struct loop *l, int id)
{
	if (id >= 0 && (size_t)id < l->nsources)
		l->sources[id].used = false;
}

int
loop_timer(struct loop *l, int id, int64_t due_ms, loop_timer_fn fn, void *ctx)
{
	if (id < 0 || id >= LOOP_TIMERS)
		return -1;
	l->timers[id].armed = true;
	l->timers[id].due = due_ms;
	l->timers[id].fn = fn;
	l->timers[id].ctx = ctx;
	return 0;
}

void
loop_timer_cancel(struct loop *l, int id)
{
	if (id >= 0 && id < LOOP_TIMERS)
		l->timers[id].armed = false;
}

static void
read_signals(struct loop *l)
{
	struct signalfd_siginfo si;

	while (read(l->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		if (l->sigfn != NULL)
			l->sigfn(l->sigctx, (int)si.ssi_signo);
}

int
loop_once(struct loop *l, int max_wait_ms)
{
	int64_t deadline = INT64_MAX, now;
	size_t n = 0;
	int timeout, rc;

	if (l->sigfd >= 0) {
		l->fds[0].fd = l->sigfd;
		l->fds[0].events = POLLIN;
		l->fds[0].revents = 0;
		n = 1;
	}
	for (size_t i = 0; i < l->nsources; i++) {
		struct source *s = &l->sources[i];
		size_t want;

		if (!s->used)
			continue;
		for (;;) {
			int64_t d = deadline;
			want =
			    s->ops->prepare(s->ctx, l->fds + n, l->cap - n, &d);
			if (want <= l->cap - n) {
				deadline = d;
				break;
			}
			l->cap = (n + want) * 2;
			l->fds = xreallocarray(l->fds, l->cap, sizeof(*l->fds));
		}
		s->first = n;
		s->count = want;
		for (size_t k = n; k < n + want; k++)
			l->fds[k].revents = 0;
		n += want;
	}
	for (int t = 0; t < LOOP_TIMERS; t++)
		if (l->timers[t].armed && l->timers[t].due < deadline)
			deadline = l->timers[t].due;

	now = clock_ms();
	if (deadline == INT64_MAX)
		timeout = max_wait_ms;
	else if (deadline <= now)
		timeout = 0;
	else {
		int64_t wait = deadline - now;
		timeout = wait > 3600000 ? 3600000 : (int)wait;
		if (max_wait_ms >= 0 && timeout > max_wait_ms)
			timeout = max_wait_ms;
	}
	rc = poll(l->fds, (nfds_t)n, timeout);
	if (rc < 0) {
		if (errno == EINTR)
			return 0;
		log_warn("loop", "poll");
		return -1;
	}
	l->wakeups++;
	now = clock_ms();
	if (l->sigfd >= 0 && (l->fds[0].revents & POLLIN))
		read_signals(l);
	for (size_t i = 0; i < l->nsources; i++) {
		struct source *s = &l->sources[i];
		if (s->used)
			s->ops->dispatch(s->ctx, l->fds + s->first, s->count,
			    now);
	}
	for (int t = 0; t < LOOP_TIMERS; t++) {
		struct timer *tm = &l->timers[t];
		if (tm->armed && tm->due <= now) {
			/* Disarm first: the callback may re-arm its own slot. */
			tm->armed = false;
			tm->fn(tm->ctx, now);
		}
	}
	return 0;
}

int
loop_run(struct loop *l)
{
	l->stop = false;
	while (!l->stop)
		if (loop_once(l, -1) < 0)
			return -1;
	return 0;
}

void
loop_stop(struct loop *l)
{
	l->stop = true;
}

uint64_t
loop_wakeups(const struct loop *l)
{
	return l->wakeups;
}
