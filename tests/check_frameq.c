/*
 * Unit tests of the frame queue between the reading and the observing
 * thread: every frame arrives once, in order, plain ones as their source
 * MAC and decode result, others byte for byte (however large), while a
 * slow observer holds the reader back instead of losing frames.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/frameq.h"
#include "probes/frames.h"
#include "common/util.h"
#include "tests/lib/testenv.h"

struct seen {
	size_t n;
	int64_t last_ts;
	bool in_order;
	size_t plain, raw;
	uint64_t raw_bytes;
	bool bytes_ok;
	bool slow;
};

static void
on_plain(void *ctx, const struct frameq_plain *f, size_t n)
{
	struct seen *s = ctx;

	if (n == 0)
		s->in_order = false; /* an empty run is no run */
	for (size_t i = 0; i < n; i++) {
		if (f[i].ts != s->last_ts + 1)
			s->in_order = false;
		s->last_ts = f[i].ts;
		/* The frame's number is in its source MAC. */
		if (f[i].mac[5] != (uint8_t)f[i].ts || f[i].reason != FRAMES_OK)
			s->bytes_ok = false;
		s->plain++;
		s->n++;
		/* A slow observer: busy now and then, while the reader
		 * runs ahead. */
		if (s->slow && s->n % 5000 == 0)
			for (volatile unsigned k = 0; k < 2000000; k++)
				;
	}
}

static void
on_raw(void *ctx, const uint8_t *bytes, size_t caplen, int64_t ts)
{
	struct seen *s = ctx;

	if (ts != s->last_ts + 1)
		s->in_order = false;
	s->last_ts = ts;
	/* Each byte of a raw frame is its number. */
	for (size_t i = 0; i < caplen; i++)
		if (bytes[i] != (uint8_t)ts) {
			s->bytes_ok = false;
			break;
		}
	s->raw++;
	s->raw_bytes += caplen;
	s->n++;
}

struct drain {
	struct frameq *q;
	struct seen seen;
};

static void *
drainer(void *ctx)
{
	struct drain *d = ctx;

	frameq_drain(d->q, on_plain, on_raw, &d->seen);
	return NULL;
}

/* A minimal plain frame: Ethernet II, IPv4, UDP, number i in the MAC. */
static size_t
plain_frame(uint8_t *f, int64_t i)
{
	memset(f, 0, 64);
	f[0] = 0x02;
	f[6] = 0x02;
	f[11] = (uint8_t)i;
	f[12] = 0x08;
	f[14] = 0x45;
	f[17] = 50; /* total length */
	f[22] = 64; /* TTL */
	f[23] = 17; /* UDP */
	f[35] = 53;
	f[37] = 53;
	f[39] = 30; /* UDP length */
	return 64;
}

static void
run(size_t frames, bool slow, size_t big_every, size_t big_len)
{
	struct drain d = { frameq_new(), { 0, 0, true, 0, 0, 0, true, slow } };
	uint8_t *buf = xmalloc(big_len > 64 ? big_len : 64);
	size_t want_raw = 0;
	uint64_t want_bytes = 0;
	pthread_t t;

	ck_assert_int_eq(pthread_create(&t, NULL, drainer, &d), 0);
	for (size_t i = 1; i <= frames; i++) {
		if (big_every > 0 && i % big_every == 0) {
			size_t len = i % (2 * big_every) == 0 ? big_len : 0;

			memset(buf, (uint8_t)i, len > 0 ? len : 1);
			frameq_push(d.q, buf, len, (int64_t)i);
			want_raw++;
			want_bytes += len;
		} else {
			size_t len = plain_frame(buf, (int64_t)i);

			ck_assert_int_eq(frames_decode_plain(buf, len),
			    FRAMES_OK);
			frameq_push(d.q, buf, len, (int64_t)i);
		}
	}
	frameq_close(d.q);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_uint_eq(d.seen.n, frames);
	ck_assert(d.seen.in_order);
	ck_assert(d.seen.bytes_ok);
	ck_assert_uint_eq(d.seen.raw, want_raw);
	ck_assert_uint_eq(d.seen.plain, frames - want_raw);
	ck_assert_uint_eq(d.seen.raw_bytes, want_bytes);
	frameq_free(d.q);
	free(buf);
}

START_TEST(test_every_frame_arrives_once_in_order)
{
	run(100000, false, 7, 300);
}
END_TEST

START_TEST(test_a_slow_observer_holds_the_reader_back)
{
	run(60000, true, 0, 0);
}
END_TEST

START_TEST(test_frames_larger_than_a_batch_arrive_whole)
{
	/* Every 50th frame is 3 MiB or empty: larger than a batch's room. */
	run(400, false, 50, 3u << 20);
}
END_TEST

START_TEST(test_a_queue_closed_at_once_delivers_nothing)
{
	run(0, false, 0, 0);
}
END_TEST

static Suite *
frameq_suite(void)
{
	Suite *s = suite_create("frameq");
	TCase *tc = tcase_create("queue");

	tcase_add_test(tc, test_every_frame_arrives_once_in_order);
	tcase_add_test(tc, test_a_slow_observer_holds_the_reader_back);
	tcase_add_test(tc, test_frames_larger_than_a_batch_arrive_whole);
	tcase_add_test(tc, test_a_queue_closed_at_once_delivers_nothing);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testenv_run(frameq_suite());
}
