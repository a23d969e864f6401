/*
 * Batched, retried writes to the store. Sightings wait in batches, each a
 * grouping queue (squeue: packed, a tenth of their size as structs, and
 * grouped so that the news of one host is written once) of at most
 * WRITER_BATCH sightings; a batch is written inside one store transaction
 * and leaves the queue only once committed. A failure that took the whole
 * transaction (a lock, a full disk) keeps the batch for a retry; a group
 * the store refuses on its own while the transaction stays open is counted
 * as rejected and not retried, so that one bad sighting cannot block the
 * queue. Each queued sighting carries a group tag: its scan (only
 * sightings of one scan group together), and for a sweep's element and
 * its neighbours a tag of their own, which says which element a
 * neighbour is linked from.
 */
#include "pipeline/writer.h"

#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/squeue.h"
#include "store/store.h"
#include "common/util.h"

struct writer_scan {
	int64_t id;    /* 0 until its row is written */
	char *kind;    /* owned */
	char *targets; /* owned */
	size_t refs;   /* queued sightings of this scan */
	bool ended;    /* writer_scan_end was called */
	char *status;  /* owned, once ended */
	char *detail;  /* owned, once ended */
	int64_t responded, frames;
	struct store_scan_zone *zones; /* owned, each zone name too */
	size_t n_zones;
	struct writer_scan *next;
};

/* What the groups of one tag of a batch share. */
struct meta {
	struct writer_scan *scan;
	size_t n;             /* sightings queued under it */
	const char *protocol; /* static; non-NULL for a neighbour */
	uint32_t agent;       /* a neighbour's: the tag of its agent */
	char *local_port;     /* owned */
	char *remote_port;    /* owned */
	int64_t observed_at;
};

/* Sightings written in one transaction: a grouping queue (squeue) whose
 * group tags index meta. */
struct batch {
	struct squeue *q;
	struct meta *meta; /* owned array */
	size_t n_meta, cap_meta;
	size_t n; /* sightings */
	struct batch *next;
};

struct writer {
	struct store *st;          /* borrowed */
	struct batch *head, *tail; /* owned list, oldest first */
	size_t len, max;           /* sightings queued, at most */
	uint32_t agent;            /* tag of the last element in the tail */
	bool have_agent;
	struct writer_scan *scans; /* owned list */
	struct writer_counts counts;
	bool failing;
	uint64_t episode; /* failed attempts since the last success */
	int64_t backoff_ms, retry_at;
	uint64_t dropped_logged; /* counts.dropped when last logged */
	char *first_error;       /* owned: why the first group was rejected */
};

struct writer *
writer_new(struct store *st, size_t max_queue)
{
	struct writer *w = xcalloc(1, sizeof(*w));

	w->max = max_queue > 0 ? max_queue : WRITER_QUEUE_MAX;
	if (st != NULL)
		writer_set_store(w, st);
	return w;
}

void
writer_set_store(struct writer *w, struct store *st)
{
	w->st = st;
	/* The writer decides when a transaction ends, not the store. */
	store_set_batch_size(st, (size_t)-1);
}

static void
batch_free(struct batch *b)
{
	for (size_t i = 0; i < b->n_meta; i++) {
		free(b->meta[i].local_port);
		free(b->meta[i].remote_port);
	}
	free(b->meta);
	squeue_free(b->q);
	free(b);
}

static void
scan_free(struct writer_scan *sc)
{
	free(sc->kind);
	free(sc->targets);
	free(sc->status);
	free(sc->detail);
	for (size_t i = 0; i < sc->n_zones; i++)
		free((char *)sc->zones[i].zone);
	free(sc->zones);
	free(sc);
}

void
writer_free(struct writer *w)
{
	struct writer_scan *sc, *next;

	if (w == NULL)
		return;
	if (w->len > 0)
		log_warnx("store",
		    "%zu sighting(s) could not be written and "
		    "are lost",
		    w->len);
	while (w->head != NULL) {
		struct batch *b = w->head;

		w->head = b->next;
		batch_free(b);
	}
	for (sc = w->scans; sc != NULL; sc = next) {
		next = sc->next;
		scan_free(sc);
	}
	free(w->first_error);
	free(w);
}

struct writer_scan *
writer_scan_begin(struct writer *w, const char *kind, const char *targets)
{
	struct writer_scan *sc = xcalloc(1, sizeof(*sc)), **tail;

	sc->kind = xstrdup(kind);
	sc->targets = xstrdup(targets);
	/* Kept in order: rows are written in the order scans began. */
	for (tail = &w->scans; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = sc;
	return sc;
}

void
writer_scan_end(struct writer *w, struct writer_scan *sc, const char *status,
    int64_t responded, int64_t frames, const char *detail)
{
	(void)w;
	sc->ended = true;
	sc->status = xstrdup(status);
	sc->detail = xstrdup(detail);
	sc->responded = responded;
	sc->frames = frames;
}

void
writer_scan_zones(struct writer *w, struct writer_scan *sc,
    const struct store_scan_zone *z, size_t n)
{
	(void)w;
	for (size_t i = 0; i < sc->n_zones; i++)
		free((char *)sc->zones[i].zone);
	free(sc->zones);
	sc->zones = n > 0 ? xreallocarray(NULL, n, sizeof(*z)) : NULL;
	sc->n_zones = n;
	for (size_t i = 0; i < n; i++) {
		sc->zones[i] = z[i];
		sc->zones[i].zone = xstrdup(z[i].zone);
	}
}

int64_t
writer_scan_id(const struct writer_scan *sc)
{
	return sc->id;
}

/* The batch new sightings go to: the tail, or a new one when it is full
 * (a neighbour always follows its element into the tail). */
static struct batch *
tail_batch(struct writer *w, bool neighbour)
{
	struct batch *b = w->tail;

	if (b != NULL && (neighbour || b->n < WRITER_BATCH))
		return b;
	b = xcalloc(1, sizeof(*b));
	b->q = squeue_new();
	if (w->tail != NULL)
		w->tail->next = b;
	else
		w->head = b;
	w->tail = b;
	w->have_agent = false;
	return b;
}

/* A new tag of b for sightings of scan. */
static uint32_t
new_meta(struct batch *b, struct writer_scan *sc)
{
	if (b->n_meta == b->cap_meta) {
		b->cap_meta = b->cap_meta == 0 ? 16 : 2 * b->cap_meta;
		b->meta = xreallocarray(b->meta, b->cap_meta, sizeof(*b->meta));
	}
	memset(&b->meta[b->n_meta], 0, sizeof(b->meta[b->n_meta]));
	b->meta[b->n_meta].scan = sc;
	return (uint32_t)b->n_meta++;
}

/* The tag the sightings of scan that may group share in b. */
static uint32_t
shared_meta(struct batch *b, struct writer_scan *sc)
{
	size_t i;

	for (i = 0; i < b->n_meta; i++)
		if (b->meta[i].scan == sc && b->meta[i].protocol == NULL &&
		    b->meta[i].agent == UINT32_MAX)
			return (uint32_t)i;
	i = new_meta(b, sc);
	b->meta[i].agent = UINT32_MAX;
	return (uint32_t)i;
}

/* Queue s (taken) in b under tag. */
static void
push(struct writer *w, struct batch *b, uint32_t tag, struct sighting *s,
    bool alone)
{
	b->meta[tag].n++;
	b->meta[tag].scan->refs++;
	squeue_push_tagged(b->q, s, tag, alone);
	b->n++;
	w->len++;
}

/* Whether s only says that a MAC was heard: the first kind to give way. */
static bool
mac_only(const struct sighting *s)
{
	return s->source != NULL && strcmp(s->source, "mac") == 0;
}

bool
writer_room(const struct writer *w, const struct sighting *s)
{
	/* The last tenth of the queue is kept for what identifies a
	 * device: a flood of new MACs never crowds out an LLDP neighbour. */
	return w->len < (mac_only(s) ? w->max - w->max / 10 : w->max);
}

/* True when the queue has room; otherwise s is dropped and counted. */
static bool
room(struct writer *w, struct sighting *s)
{
	if (writer_room(w, s))
		return true;
	w->counts.dropped++;
	sighting_free(s);
	return false;
}

int
writer_add(struct writer *w, struct writer_scan *sc, struct sighting *s)
{
	struct batch *b;

	if (!room(w, s))
		return -1;
	b = tail_batch(w, false);
	push(w, b, shared_meta(b, sc), s, false);
	return 0;
}

int
writer_add_element(struct writer *w, struct writer_scan *sc, struct sighting *s)
{
	struct batch *b;
	uint32_t tag;

	w->have_agent = false;
	if (!room(w, s))
		return -1;
	b = tail_batch(w, false);
	tag = new_meta(b, sc);
	push(w, b, tag, s, true);
	w->agent = tag;
	w->have_agent = true;
	return 0;
}

int
writer_add_neighbour(struct writer *w, struct writer_scan *sc,
    struct sighting *s, const char *protocol, const char *local_port,
    const char *remote_port)
{
	struct batch *b;
	struct meta *m;
	uint32_t tag;

	if (!w->have_agent) {
		/* Its element was dropped: so is the link. */
		w->counts.dropped++;
		sighting_free(s);
		return -1;
	}
	if (!room(w, s))
		return -1;
	b = tail_batch(w, true);
	tag = new_meta(b, sc);
	m = &b->meta[tag];
	m->protocol = protocol != NULL ? protocol : "lldp";
	m->agent = w->agent;
	m->local_port = xstrdup(local_port);
	m->remote_port = xstrdup(remote_port);
	m->observed_at = s->observed_at;
	push(w, b, tag, s, true);
	return 0;
}

/* Write every scan row not written yet; 0 or -1. */
static int
begin_scans(struct writer *w)
{
	for (struct writer_scan *sc = w->scans; sc != NULL; sc = sc->next) {
		int64_t id;

		if (sc->id > 0)
			continue;
		if ((id = store_scan_begin(w->st, sc->kind, sc->targets)) < 0)
			return -1;
		sc->id = id;
	}
	return 0;
}

/* Close the ended scans whose sightings are all written; 0 or -1. */
static int
end_scans(struct writer *w)
{
	struct writer_scan **pp = &w->scans;

	while (*pp != NULL) {
		struct writer_scan *sc = *pp;

		if (!sc->ended || sc->refs > 0 || sc->id <= 0) {
			pp = &sc->next;
			continue;
		}
		if (store_scan_end_zones(w->st, sc->id, sc->status,
			sc->responded, sc->frames, sc->detail, sc->zones,
			sc->n_zones) < 0)
			return -1;
		*pp = sc->next;
		scan_free(sc);
	}
	return 0;
}

/* Write the oldest batch in one transaction, each group of one element
 * (squeue) at once. 0 committed (and dequeued), -1 failed (all kept). */
static int
write_batch(struct writer *w)
{
	struct batch *b = w->head;
	struct sighting *group[SQUEUE_MAX_GROUP];
	int64_t *ids = xcalloc(b->n_meta, sizeof(*ids));
	size_t nrejected = 0;

	for (size_t g = 0; g < squeue_groups(b->q); g++) {
		size_t k = squeue_group(b->q, g, group);
		uint32_t tag = squeue_group_tag(b->q, g);
		const struct meta *m = &b->meta[tag];
		int64_t id = 0;

		if (store_record_group(w->st, m->scan->id,
			(const struct sighting *const *)group, k, &id) < 0) {
			if (!store_in_batch(w->st))
				goto fail;
			/* The store refused these alone: never retry them. */
			if (nrejected == 0)
				log_warnx("store", "%s", store_error(w->st));
			if (w->first_error == NULL)
				w->first_error = xstrdup(store_error(w->st));
			nrejected += k;
			continue;
		}
		ids[tag] = id;
		if (m->protocol != NULL && ids[m->agent] > 0 &&
		    store_link(w->st, ids[m->agent], id, m->protocol,
			m->local_port, m->remote_port, m->observed_at) < 0 &&
		    !store_in_batch(w->st))
			goto fail;
	}
	free(ids);
	if (store_flush(w->st) < 0)
		return -1;
	for (size_t i = 0; i < b->n_meta; i++)
		b->meta[i].scan->refs -= b->meta[i].n;
	w->counts.written += b->n - nrejected;
	w->counts.rejected += nrejected;
	w->len -= b->n;
	w->head = b->next;
	if (w->tail == b) {
		w->tail = NULL;
		w->have_agent = false;
	}
	batch_free(b);
	return 0;
fail:
	free(ids);
	return -1;
}

int
writer_flush(struct writer *w, int64_t now_ms, int max_batches)
{
	int batches = 0;

	if (w->st == NULL || (w->failing && now_ms < w->retry_at))
		return -1;
	if (begin_scans(w) < 0)
		goto fail;
	while (w->head != NULL && batches < max_batches) {
		if (write_batch(w) < 0)
			goto fail;
		batches++;
	}
	if (end_scans(w) < 0)
		goto fail;
	if (w->failing) {
		log_warnx("store",
		    "writing again after %llu failed attempt(s); "
		    "%zu sighting(s) still queued",
		    (unsigned long long)w->episode, w->len);
		w->episode = 0;
		w->failing = false;
		w->backoff_ms = 0;
		w->retry_at = 0;
	}
	if (w->counts.dropped > w->dropped_logged) {
		log_warnx("store",
		    "%llu sighting(s) dropped in all: the queue "
		    "of %zu was full",
		    (unsigned long long)w->counts.dropped, w->max);
		w->dropped_logged = w->counts.dropped;
	}
	return writer_pending(w) ? 1 : 0;
fail:
	w->counts.failures++;
	w->episode++;
	w->backoff_ms =
	    w->backoff_ms == 0 ? WRITER_BACKOFF_MIN_MS : w->backoff_ms * 2;
	if (w->backoff_ms > WRITER_BACKOFF_MAX_MS)
		w->backoff_ms = WRITER_BACKOFF_MAX_MS;
	w->retry_at = now_ms + w->backoff_ms;
	if (!w->failing)
		log_warnx("store",
		    "cannot write: %s; the %zu sighting(s) "
		    "are not lost: kept in memory (at most %zu) and written when "
		    "the store recovers",
		    store_error(w->st), w->len, w->max);
	else
		log_debug("store", "retry failed: %s", store_error(w->st));
	w->failing = true;
	return -1;
}

bool
writer_pending(const struct writer *w)
{
	if (w->len > 0)
		return true;
	for (const struct writer_scan *sc = w->scans; sc != NULL; sc = sc->next)
		if (sc->id <= 0 || sc->ended)
			return true;
	return false;
}

bool
writer_failing(const struct writer *w)
{
	return w->failing;
}

int64_t
writer_retry_at(const struct writer *w)
{
	return w->failing ? w->retry_at : 0;
}

size_t
writer_queued(const struct writer *w)
{
	return w->len;
}

bool
writer_full(const struct writer *w)
{
	return w->len >= w->max;
}

const char *
writer_error(const struct writer *w)
{
	return w->first_error != NULL ? w->first_error : "";
}

void
writer_counts(const struct writer *w, struct writer_counts *out)
{
	*out = w->counts;
	out->queued = w->len;
}
