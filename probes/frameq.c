/*
 * A fixed pool of batches: the reader fills one, hands it over and takes a
 * free one (waiting when there is none); the observer takes the oldest full
 * one, delivers it and gives it back. A batch holds its plain frames in one
 * array, delivered in runs, and its other frames apart, each with the
 * number of plain frames before it.
 */
#include "probes/frameq.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "probes/frames.h"
#include "common/util.h"

#define BATCH_FRAMES 4096
#define BATCH_BYTES (1u << 20) /* copied frames a batch holds, at least */
#define BATCHES 4

struct raw {
	int64_t ts;
	uint32_t at;  /* plain frames of the batch before it */
	uint32_t len; /* bytes at arena + off */
	uint32_t off;
};

struct batch {
	struct frameq_plain plain[BATCH_FRAMES];
	struct raw raw[BATCH_FRAMES];
	size_t n_plain, n_raw;
	uint8_t *arena;
	size_t used, cap;
};

struct frameq {
	pthread_mutex_t mu;
	pthread_cond_t full_cv; /* a batch is full, or closed */
	pthread_cond_t free_cv; /* a batch is free */
	struct batch *all[BATCHES];
	struct batch *full[BATCHES]; /* ring of full batches, oldest first */
	size_t full_head, full_n;
	struct batch *free[BATCHES];
	size_t free_n;
	struct batch *fill; /* the reader's, or NULL */
	bool closed;
};

struct frameq *
frameq_new(void)
{
	struct frameq *q = xcalloc(1, sizeof(*q));

	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->full_cv, NULL);
	pthread_cond_init(&q->free_cv, NULL);
	for (size_t i = 0; i < BATCHES; i++) {
		q->all[i] = xcalloc(1, sizeof(*q->all[i]));
		q->free[q->free_n++] = q->all[i];
	}
	return q;
}

void
frameq_free(struct frameq *q)
{
	if (q == NULL)
		return;
	for (size_t i = 0; i < BATCHES; i++) {
		free(q->all[i]->arena);
		free(q->all[i]);
	}
	pthread_cond_destroy(&q->free_cv);
	pthread_cond_destroy(&q->full_cv);
	pthread_mutex_destroy(&q->mu);
	free(q);
}

static void
hand_over(struct frameq *q)
{
	pthread_mutex_lock(&q->mu);
	q->full[(q->full_head + q->full_n) % BATCHES] = q->fill;
	q->full_n++;
	pthread_mutex_unlock(&q->mu);
	pthread_cond_signal(&q->full_cv);
	q->fill = NULL;
}

static struct batch *
take_free(struct frameq *q)
{
	struct batch *b;

	pthread_mutex_lock(&q->mu);
	while (q->free_n == 0)
		pthread_cond_wait(&q->free_cv, &q->mu);
	b = q->free[--q->free_n];
	pthread_mutex_unlock(&q->mu);
	return b;
}

void
frameq_push(struct frameq *q, const uint8_t *bytes, size_t caplen, int64_t ts)
{
	int reason = frames_decode_plain(bytes, caplen);
	struct batch *b;

	if (q->fill == NULL)
		q->fill = take_free(q);
	b = q->fill;
	if (reason < 0 || reason >= FRAMES_REASON_MAX) {
		struct raw *r;

		/* Room for the copy: hand over a batch that has none. */
		if (b->used + caplen > b->cap &&
		    b->used + caplen > BATCH_BYTES &&
		    b->n_plain + b->n_raw > 0) {
			hand_over(q);
			b = q->fill = take_free(q);
		}
		if (b->used + caplen > b->cap) {
			b->cap = b->used + caplen > BATCH_BYTES
			    ? b->used + caplen
			    : BATCH_BYTES;
			b->arena = xreallocarray(b->arena, b->cap, 1);
		}
		r = &b->raw[b->n_raw++];
		r->ts = ts;
		r->at = (uint32_t)b->n_plain;
		r->off = (uint32_t)b->used;
		r->len = (uint32_t)caplen;
		if (caplen > 0)
			memcpy(b->arena + b->used, bytes, caplen);
		b->used += caplen;
	} else {
		struct frameq_plain *f = &b->plain[b->n_plain++];

		f->ts = ts;
		f->reason = (int16_t)reason;
		memcpy(f->mac, bytes + 6, 6);
	}
	if (b->n_plain + b->n_raw == BATCH_FRAMES)
		hand_over(q);
}

void
frameq_close(struct frameq *q)
{
	if (q->fill != NULL) {
		if (q->fill->n_plain + q->fill->n_raw > 0)
			hand_over(q);
		else {
			pthread_mutex_lock(&q->mu);
			q->free[q->free_n++] = q->fill;
			pthread_mutex_unlock(&q->mu);
			q->fill = NULL;
		}
	}
	pthread_mutex_lock(&q->mu);
	q->closed = true;
	pthread_mutex_unlock(&q->mu);
	pthread_cond_signal(&q->full_cv);
}

/* Every frame of a batch, in order: plain ones in runs. */
static void
deliver(const struct batch *b, frameq_plain_fn plain, frameq_raw_fn raw,
    void *ctx)
{
	static const uint8_t none[1];
	size_t at = 0;

	for (size_t i = 0; i < b->n_raw; i++) {
		const struct raw *r = &b->raw[i];

		if (r->at > at) {
			plain(ctx, b->plain + at, r->at - at);
			at = r->at;
		}
		raw(ctx, b->arena != NULL ? b->arena + r->off : none, r->len,
		    r->ts);
	}
	if (b->n_plain > at)
		plain(ctx, b->plain + at, b->n_plain - at);
}

void
frameq_drain(struct frameq *q, frameq_plain_fn plain, frameq_raw_fn raw,
    void *ctx)
{
	for (;;) {
		struct batch *b;

		pthread_mutex_lock(&q->mu);
		while (q->full_n == 0 && !q->closed)
			pthread_cond_wait(&q->full_cv, &q->mu);
		if (q->full_n == 0) {
			pthread_mutex_unlock(&q->mu);
			return;
		}
		b = q->full[q->full_head];
		q->full_head = (q->full_head + 1) % BATCHES;
		q->full_n--;
		pthread_mutex_unlock(&q->mu);
		deliver(b, plain, raw, ctx);
		b->n_plain = 0;
		b->n_raw = 0;
		b->used = 0;
		pthread_mutex_lock(&q->mu);
		q->free[q->free_n++] = b;
		pthread_mutex_unlock(&q->mu);
		pthread_cond_signal(&q->free_cv);
	}
}
