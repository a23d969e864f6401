/*
 * Frames handed from the thread that reads capture files to the thread that
 * observes them, in batches. A plain IPv4 frame travels as its source MAC
 * and decode result only (frames_decode_plain); any other frame as a copy
 * of its bytes. The reader waits while every batch is full, so memory stays
 * bounded; the observer gets every frame in order.
 */
#ifndef VRAUDIT_FRAMEQ_H
#define VRAUDIT_FRAMEQ_H

#include <stddef.h>
#include <stdint.h>

struct frameq;

/* A plain frame: when it was seen, frames_decode_plain's result (>= 0)
 * and its source MAC. */
struct frameq_plain {
	int64_t ts;
	int16_t reason;
	uint8_t mac[6];
};

/* A run of n plain frames, in order. */
typedef void (
    *frameq_plain_fn)(void *ctx, const struct frameq_plain *f, size_t n);
/* Any other frame: its captured bytes. */
typedef void (
    *frameq_raw_fn)(void *ctx, const uint8_t *bytes, size_t caplen, int64_t ts);

/* An open queue. */
struct frameq *frameq_new(void);
/* Release the queue (after frameq_close and frameq_drain returned). */
void frameq_free(struct frameq *q);
/* Reader: queue one frame, decoding it just enough to tell if it is plain. */
void frameq_push(struct frameq *q, const uint8_t *bytes, size_t caplen,
    int64_t ts);
/* Reader: no more frames; what is queued is still delivered. */
void frameq_close(struct frameq *q);
/* Observer: deliver every frame in order until the queue is closed and
 * empty; the plain frames between two others in one call. */
void frameq_drain(struct frameq *q, frameq_plain_fn plain, frameq_raw_fn raw,
    void *ctx);

#endif
