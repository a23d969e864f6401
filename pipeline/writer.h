/*
 * The daemon's writer: sightings from captures and sweeps wait in a bounded
 * in-memory queue and reach the store in batches, one transaction each.
 * Scans (begin and end) go through the same queue, so a store that fails
 * (database locked, disk full) loses nothing: the batch stays queued, the
 * failure is logged once, and writing is retried with backoff until the
 * store recovers. When the queue is full, new sightings are counted as
 * dropped and the count is logged; sightings that only name a MAC are
 * dropped first (the last tenth of the queue is kept for the others).
 */
#ifndef VRAUDIT_WRITER_H
#define VRAUDIT_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/sighting.h"

struct store;
struct store_scan_zone;
struct writer;
struct writer_scan;

/* Sightings written per transaction. */
#define WRITER_BATCH 5000
/* Sightings kept in memory while the store cannot take them. */
#define WRITER_QUEUE_MAX 200000
/* Retry delays after a failed write: doubling from the first to the last. */
#define WRITER_BACKOFF_MIN_MS 500
#define WRITER_BACKOFF_MAX_MS 30000

/* Counters since writer_new. */
struct writer_counts {
	uint64_t written;  /* sightings committed */
	uint64_t rejected; /* refused one by one by the store, not retried */
	uint64_t dropped;  /* not queued: the queue was full */
	uint64_t failures; /* failed batch writes */
	size_t queued;     /* waiting now */
};

/* A writer on st (borrowed; NULL: set later); max_queue sightings at most
 * (0: the default). The writer sets st's batch size: it ends transactions. */
struct writer *writer_new(struct store *st, size_t max_queue);
/* Write to st (borrowed) from now on. */
void writer_set_store(struct writer *w, struct store *st);
/* Release the writer and what is still queued (not written). NULL is fine. */
void writer_free(struct writer *w);

/* A scan of kind "snmp" or "capture"; its row is written with the next
 * batch. The writer owns it until writer_scan_end. */
struct writer_scan *writer_scan_begin(struct writer *w, const char *kind,
    const char *targets);
/* Close a scan once its queued sightings are written; status "complete",
 * "partial", "failed" or "interrupted"; negative counts keep the stored ones. */
void writer_scan_end(struct writer *w, struct writer_scan *scan,
    const char *status, int64_t responded, int64_t frames, const char *detail);
/* Record what a sweep asked in each zone (copied), written with its end. */
void writer_scan_zones(struct writer *w, struct writer_scan *scan,
    const struct store_scan_zone *zones, size_t n);
/* The scan's id in the store, 0 while its row is not written yet. Valid
 * until the scan's end is written (writer_flush frees it then). */
int64_t writer_scan_id(const struct writer_scan *scan);

/* Queue a sighting (taken: the writer frees it); sightings of the same
 * scan and MAC (squeue_key) are written together. 0, or -1 when the queue
 * was full and it was dropped. */
int writer_add(struct writer *w, struct writer_scan *scan, struct sighting *s);
/* Queue a sweep's element (taken), written on its own, that the
 * neighbours queued next are linked from. 0 or -1 (dropped). */
int writer_add_element(struct writer *w, struct writer_scan *scan,
    struct sighting *s);
/* Queue a neighbour sighting (taken) linked from the last element queued
 * with writer_add_element; ports are copied. 0 or -1 (dropped, also when
 * its element was). */
int writer_add_neighbour(struct writer *w, struct writer_scan *scan,
    struct sighting *s, const char *protocol, const char *local_port,
    const char *remote_port);

/* Write up to max_batches batches and the pending scan rows, unless a retry
 * is not due yet (now_ms monotonic). 0 when everything queued was written,
 * 1 when more is waiting, -1 when the store failed (kept for a retry). */
int writer_flush(struct writer *w, int64_t now_ms, int max_batches);
/* True when sightings or scan rows wait to be written. */
bool writer_pending(const struct writer *w);
/* True after a failed write until one succeeds. */
bool writer_failing(const struct writer *w);
/* When the next write may be tried (monotonic ms); 0 when at once. */
int64_t writer_retry_at(const struct writer *w);
/* Sightings waiting now. */
size_t writer_queued(const struct writer *w);
/* True when the queue is full: the next sighting added is dropped. */
bool writer_full(const struct writer *w);
/* Whether s would be queued now. A sighting that only names a MAC finds
 * the queue full a tenth before the others do. */
bool writer_room(const struct writer *w, const struct sighting *s);
/* Why the store refused the first sighting it rejected ("" if none). */
const char *writer_error(const struct writer *w);
/* The counters so far. */
void writer_counts(const struct writer *w, struct writer_counts *out);

#endif
