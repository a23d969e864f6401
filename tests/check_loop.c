/*
 * Unit tests of the daemon's event loop and service-manager notifications:
 * timers fire in order and only when due, fd sources see their events,
 * signals arrive through the signalfd, an idle loop sleeps, and READY /
 * STATUS / WATCHDOG reach a notify socket.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/loop.h"
#include "daemon/notify.h"
#include "common/util.h"
#include "tests/lib/testenv.h"

static char order[64];

static void
record(void *ctx, int64_t now)
{
	size_t n = strlen(order);

	(void)now;
	if (n + 1 < sizeof(order)) {
		order[n] = *(const char *)ctx;
		order[n + 1] = '\0';
	}
}

START_TEST(test_timers_fire_in_deadline_order_and_only_when_due)
{
	struct loop *l = loop_new(NULL, 0, NULL, NULL);
	int64_t now = clock_ms();

	static char a = 'a', b = 'b', c = 'c', z = 'z';

	order[0] = '\0';
	loop_timer(l, 0, now + 30, record, &c);
	loop_timer(l, 1, now + 10, record, &a);
	loop_timer(l, 2, now + 20, record, &b);
	loop_timer(l, 3, now + 100000, record, &z);
	while (strlen(order) < 3)
		ck_assert_int_eq(loop_once(l, 1000), 0);
	ck_assert_str_eq(order, "abc");
	ck_assert(clock_ms() - now >= 30);
	ck_assert_int_eq(loop_timer(l, LOOP_TIMERS, now, record, &z), -1);
	loop_free(l);
}
END_TEST

struct pipe_source {
	int fd;
	int reads;
	char last;
};

static size_t
pipe_prepare(void *ctx, struct pollfd *fds, size_t max, int64_t *deadline)
{
	struct pipe_source *p = ctx;

	(void)deadline;
	if (max >= 1) {
		fds[0].fd = p->fd;
		fds[0].events = POLLIN;
	}
	return 1;
}

static void
pipe_dispatch(void *ctx, const struct pollfd *fds, size_t n, int64_t now)
{
	struct pipe_source *p = ctx;

	(void)now;
	ck_assert_uint_eq(n, 1);
	if (fds[0].revents & POLLIN) {
		ck_assert_int_eq(read(p->fd, &p->last, 1), 1);
		p->reads++;
	}
}

static const struct loop_source_ops pipe_ops = { pipe_prepare, pipe_dispatch };

START_TEST(test_fd_source_sees_data_and_idle_loop_sleeps)
{
	struct loop *l = loop_new(NULL, 0, NULL, NULL);
	struct pipe_source p = { 0 };
	int fds[2];
	int64_t t0;

	ck_assert_int_eq(pipe(fds), 0);
	p.fd = fds[0];
	ck_assert_int_ge(loop_add_source(l, &pipe_ops, &p), 0);
	/* Nothing to read: one round sleeps the whole wait, no spinning. */
	t0 = clock_ms();
	ck_assert_int_eq(loop_once(l, 50), 0);
	ck_assert(clock_ms() - t0 >= 45);
	ck_assert_int_eq(p.reads, 0);
	ck_assert_uint_eq(loop_wakeups(l), 1);
	ck_assert_int_eq(write(fds[1], "x", 1), 1);
	ck_assert_int_eq(loop_once(l, 1000), 0);
	ck_assert_int_eq(p.reads, 1);
	ck_assert_int_eq(p.last, 'x');
	close(fds[0]);
	close(fds[1]);
	loop_free(l);
}
END_TEST

/* A source that wants more pollfds than the loop starts with. */
struct many_source {
	int fds[300];
	size_t n;
	size_t ready;
};

static size_t
many_prepare(void *ctx, struct pollfd *fds, size_t max, int64_t *deadline)
{
	struct many_source *m = ctx;

	(void)deadline;
	for (size_t i = 0; i < m->n && i < max; i++) {
		fds[i].fd = m->fds[i];
		fds[i].events = POLLOUT;
	}
	return m->n;
}

static void
many_dispatch(void *ctx, const struct pollfd *fds, size_t n, int64_t now)
{
	struct many_source *m = ctx;

	(void)now;
	m->ready = 0;
	for (size_t i = 0; i < n; i++)
		if (fds[i].revents & POLLOUT)
			m->ready++;
}

static const struct loop_source_ops many_ops = { many_prepare, many_dispatch };

START_TEST(test_pollfd_array_grows_for_large_sources)
{
	struct loop *l = loop_new(NULL, 0, NULL, NULL);
	struct many_source m = { .n = 300 };

	for (size_t i = 0; i < m.n; i++) {
		m.fds[i] = socket(AF_INET, SOCK_DGRAM, 0);
		ck_assert_int_ge(m.fds[i], 0);
	}
	loop_add_source(l, &many_ops, &m);
	ck_assert_int_eq(loop_once(l, 1000), 0);
	ck_assert_uint_eq(m.ready, 300);
	for (size_t i = 0; i < m.n; i++)
		close(m.fds[i]);
	loop_free(l);
}
END_TEST

static int got_signal;

static void
send_hup(void *ctx, int64_t now)
{
	(void)ctx;
	(void)now;
	raise(SIGHUP);
}

struct sigctx {
	struct loop *l;
};

static void
on_signal_ctx(void *ctx, int signo)
{
	struct sigctx *c = ctx;

	got_signal = signo;
	loop_stop(c->l);
}

START_TEST(test_raised_sighup_stops_a_running_loop)
{
	static const int sigs[] = { SIGHUP, SIGTERM };
	struct sigctx c;

	got_signal = 0;
	c.l = loop_new(sigs, 2, on_signal_ctx, &c);
	ck_assert_ptr_nonnull(c.l);
	loop_timer(c.l, 0, clock_ms() + 5, send_hup, NULL);
	ck_assert_int_eq(loop_run(c.l), 0);
	ck_assert_int_eq(got_signal, SIGHUP);
	loop_free(c.l);
}
END_TEST

static int
notify_listener(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	ck_assert_uint_lt(str_copy(sun.sun_path, path, sizeof(sun.sun_path)),
	    sizeof(sun.sun_path));
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

static void
expect_message(int fd, const char *want)
{
	char buf[512];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_str_eq(buf, want);
}

START_TEST(test_notifications_reach_the_service_manager_socket)
{
	char *path = testenv_path("notify");
	int fd = notify_listener(path);

	setenv("NOTIFY_SOCKET", path, 1);
	ck_assert_int_eq(notify_ready("2 captures, 10 targets"), 0);
	expect_message(fd, "READY=1\nSTATUS=2 captures, 10 targets");
	ck_assert_int_eq(notify_status("sweeping %d of %d", 3, 10), 0);
	expect_message(fd, "STATUS=sweeping 3 of 10");
	ck_assert_int_eq(notify_watchdog(), 0);
	expect_message(fd, "WATCHDOG=1");
	ck_assert_int_eq(notify_stopping(), 0);
	expect_message(fd, "STOPPING=1");
	close(fd);
	free(path);
	testenv_dir_remove();
}
END_TEST

START_TEST(test_no_service_manager_means_no_notification)
{
	unsetenv("NOTIFY_SOCKET");
	ck_assert_int_eq(notify_ready("x"), 1);
}
END_TEST

START_TEST(test_watchdog_interval_is_half_the_period_for_our_pid)
{
	char pid[32];

	unsetenv("WATCHDOG_USEC");
	ck_assert_int_eq(notify_watchdog_interval_ms(), 0);
	setenv("WATCHDOG_USEC", "60000000", 1);
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	ck_assert_int_eq(notify_watchdog_interval_ms(), 30000);
	setenv("WATCHDOG_PID", "1", 1);
	ck_assert_int_eq(notify_watchdog_interval_ms(), 0);
	unsetenv("WATCHDOG_PID");
	setenv("WATCHDOG_USEC", "junk", 1);
	ck_assert_int_eq(notify_watchdog_interval_ms(), 0);
}
END_TEST

static Suite *
loop_suite(void)
{
	Suite *s = suite_create("loop");
	TCase *tc = tcase_create("loop");
	TCase *tn = tcase_create("notify");

	tcase_add_test(tc,
	    test_timers_fire_in_deadline_order_and_only_when_due);
	tcase_add_test(tc, test_fd_source_sees_data_and_idle_loop_sleeps);
	tcase_add_test(tc, test_pollfd_array_grows_for_large_sources);
	tcase_add_test(tc, test_raised_sighup_stops_a_running_loop);
	tcase_add_test(tn, test_notifications_reach_the_service_manager_socket);
	tcase_add_test(tn, test_no_service_manager_means_no_notification);
	tcase_add_test(tn,
	    test_watchdog_interval_is_half_the_period_for_our_pid);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tn);
	return s;
}

int
main(void)
{
	return testenv_run(loop_suite());
}
