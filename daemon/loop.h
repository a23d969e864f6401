/*
 * The daemon's event loop: one thread, one poll(). Sources (captures, the
 * SNMP sweep, the store's commit timer) say which fds they wait on and by
 * when they must run; signals arrive through a signalfd.
 */
#ifndef VRAUDIT_LOOP_H
#define VRAUDIT_LOOP_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loop;

/* A source of events, asked before every poll() and told after it. */
struct loop_source_ops {
	/* Fill at most max pollfds and return how many are wanted (may exceed
	 * max: the loop grows its array and asks again); lower *deadline_ms
	 * (monotonic, clock_ms) when the source must run by then. */
	size_t (*prepare)(void *ctx, struct pollfd *fds, size_t max,
	    int64_t *deadline_ms);
	/* Handle what poll() reported on the fds prepare filled, or a deadline. */
	void (*dispatch)(void *ctx, const struct pollfd *fds, size_t n,
	    int64_t now_ms);
};

typedef void (*loop_timer_fn)(void *ctx, int64_t now_ms);
typedef void (*loop_signal_fn)(void *ctx, int signo);

/* A new loop; signals are blocked and delivered through a signalfd. NULL on error. */
struct loop *loop_new(const int *signals, size_t nsignals, loop_signal_fn fn,
    void *ctx);
/* Release the loop (sources and timers are the caller's). */
void loop_free(struct loop *l);
/* Add a source; returns its id (>= 0) or -1. */
int loop_add_source(struct loop *l, const struct loop_source_ops *ops,
    void *ctx);
/* Remove a source by id. */
void loop_remove_source(struct loop *l, int id);
/* Arm (or re-arm) timer slot id to call fn at due_ms (monotonic); -1 on bad id. */
int loop_timer(struct loop *l, int id, int64_t due_ms, loop_timer_fn fn,
    void *ctx);
/* Disarm timer slot id. */
void loop_timer_cancel(struct loop *l, int id);
/* Run one poll() round, waiting at most max_wait_ms (-1 = until an event). */
int loop_once(struct loop *l, int max_wait_ms);
/* Run until loop_stop; 0, or -1 when poll fails. */
int loop_run(struct loop *l);
/* Make loop_run return after the current round. */
void loop_stop(struct loop *l);
/* Wake-ups so far (tests check an idle loop does not spin). */
uint64_t loop_wakeups(const struct loop *l);

#define LOOP_TIMERS 16

#endif
