/*
 * Batched, retried writes to the store. The queue is a ring of owned
 * sightings, kept packed (sighting_pack: a tenth of their size as structs,
 * so that a full queue stays small); a batch is written inside one store
 * transaction and leaves the ring only once committed. A failure that
 * took the whole transaction (a lock, a full disk) keeps the batch for a
 * retry; a sighting the store refuses on its own while the transaction
 * stays open is counted as rejected and not retried, so one bad sighting
 * cannot block the queue.
 * Within a batch, the sightings of one MAC are written together.
 */
#include "pipeline/writer.h"

#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/squeue.h"
#include "store/store.h"
#include "common/util.h"

struct writer_scan {
	int64_t id;		/* 0 until its row is written */
	char *kind;		/* owned */
	char *targets;		/* owned */
	size_t refs;		/* queued sightings of this scan */
	bool ended;		/* writer_scan_end was called */
	char *status;		/* owned, once ended */
	char *detail;		/* owned, once ended */
	int64_t responded, frames;
	struct writer_scan *next;
};

struct item {
	uint8_t *packed;	/* owned: the sighting, packed */
	uint32_t len;
	bool keyed;		/* grouped by mac (squeue_key) */
	uint8_t mac[6];
	int64_t observed_at;
	struct writer_scan *scan;
	const char *protocol;	/* static; non-NULL for a neighbour */
	char *local_port;	/* owned */
	char *remote_port;	/* owned */
};

struct writer {
	struct store *st;	/* borrowed */
	struct item *ring;	/* owned, cap slots */
	size_t cap, head, len, max;
	struct writer_scan *scans;	/* owned list */
	struct writer_counts counts;
	bool failing;
	uint64_t episode;	/* failed attempts since the last success */
	int64_t backoff_ms, retry_at;
	uint64_t dropped_logged;	/* counts.dropped when last logged */
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
item_clear(struct item *it)
{
	free(it->packed);
	free(it->local_port);
	free(it->remote_port);
	memset(it, 0, sizeof(*it));
}

static void
scan_free(struct writer_scan *sc)
{
	free(sc->kind);
	free(sc->targets);
	free(sc->status);
	free(sc->detail);
	free(sc);
}

void
writer_free(struct writer *w)
{
	struct writer_scan *sc, *next;

	if (w == NULL)
		return;
	if (w->len > 0)
		log_warnx("store", "%zu sighting(s) could not be written and "
		    "are lost", w->len);
	for (size_t i = 0; i < w->len; i++)
		item_clear(&w->ring[(w->head + i) % w->cap]);
	free(w->ring);
	for (sc = w->scans; sc != NULL; sc = next) {
		next = sc->next;
		scan_free(sc);
	}
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

int64_t
writer_scan_id(const struct writer_scan *sc)
{
	return sc->id;
}

static struct item *
push(struct writer *w, struct writer_scan *sc, struct sighting *s)
{
	struct item *it;
	size_t len;

	if (w->len >= w->max) {
		w->counts.dropped++;
		sighting_free(s);
		return NULL;
	}
	if (w->len == w->cap) {
		size_t ncap = w->cap == 0 ? 1024 : w->cap * 2;
		struct item *nring = xcalloc(ncap, sizeof(*nring));

		for (size_t i = 0; i < w->len; i++)
			nring[i] = w->ring[(w->head + i) % w->cap];
		free(w->ring);
		w->ring = nring;
		w->cap = ncap;
		w->head = 0;
	}
	len = sighting_pack(s, NULL);
	if (len > UINT32_MAX)
		fatalx("store", "a sighting of %zu bytes", len);
	it = &w->ring[(w->head + w->len) % w->cap];
	memset(it, 0, sizeof(*it));
	it->packed = xmalloc(len);
	it->len = (uint32_t)sighting_pack(s, it->packed);
	it->keyed = squeue_key(s, it->mac);
	it->observed_at = s->observed_at;
	sighting_free(s);
	it->scan = sc;
	sc->refs++;
	w->len++;
	return it;
}

int
writer_add(struct writer *w, struct writer_scan *sc, struct sighting *s)
{
	return push(w, sc, s) != NULL ? 0 : -1;
}

int
writer_add_neighbour(struct writer *w, struct writer_scan *sc,
    struct sighting *s, const char *protocol, const char *local_port,
    const char *remote_port)
{
	struct item *it = push(w, sc, s);

	if (it == NULL)
		return -1;
	it->protocol = protocol != NULL ? protocol : "lldp";
	it->local_port = xstrdup(local_port);
	it->remote_port = xstrdup(remote_port);
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
		if (store_scan_end(w->st, sc->id, sc->status, sc->responded,
		    sc->frames, sc->detail) < 0)
			return -1;
		*pp = sc->next;
		scan_free(sc);
	}
	return 0;
}

/*
 * Within a batch, the sightings of one MAC (passive capture's: squeue_key)
 * are written together with the first of them, as one group: the news of
 * one host is written once. next[i] chains a group's members from its
 * first; member[i] is true for the others.
 */
static void
group_batch(struct writer *w, size_t n, uint32_t *next, bool *member)
{
	size_t slots = 16;
	uint32_t *first, *last, *count;

	while (slots < 2 * n)
		slots <<= 1;
	first = xcalloc(slots, sizeof(*first));	/* item + 1, 0 = empty */
	last = xcalloc(n, sizeof(*last));
	count = xcalloc(n, sizeof(*count));
	for (size_t i = 0; i < n; i++) {
		const struct item *it = &w->ring[(w->head + i) % w->cap];
		const struct item *after = i + 1 < w->len ?
		    &w->ring[(w->head + i + 1) % w->cap] : NULL;
		uint64_t key = 0;
		size_t h;

		next[i] = UINT32_MAX;
		member[i] = false;
		/* Neighbours follow their agent: keep those in place. */
		if (it->protocol != NULL || (after != NULL &&
		    after->protocol != NULL) || !it->keyed)
			continue;
		for (int k = 0; k < 6; k++)
			key = key << 8 | it->mac[k];
		h = (size_t)((key * UINT64_C(0x9e3779b97f4a7c15)) >> 24) &
		    (slots - 1);
		for (;; h = (h + 1) & (slots - 1)) {
			const struct item *f;
			uint32_t lead = first[h];

			if (lead == 0) {
				first[h] = (uint32_t)i + 1;
				last[i] = (uint32_t)i;
				count[i] = 1;
				break;
			}
			f = &w->ring[(w->head + lead - 1) % w->cap];
			if (f->scan != it->scan || !f->keyed ||
			    memcmp(f->mac, it->mac, 6) != 0)
				continue;
			if (count[lead - 1] >= SQUEUE_MAX_GROUP) {
				/* Full: this one starts the next group. */
				first[h] = (uint32_t)i + 1;
				last[i] = (uint32_t)i;
				count[i] = 1;
				break;
			}
			next[last[lead - 1]] = (uint32_t)i;
			last[lead - 1] = (uint32_t)i;
			count[lead - 1]++;
			member[i] = true;
			break;
		}
	}
	free(first);
	free(last);
	free(count);
}

/* The sighting of a queued item, unpacked: a new one. */
static struct sighting *
unpack(const struct item *it)
{
	struct sighting *s = sighting_unpack(it->packed, it->len);

	if (s == NULL)
		fatalx("store", "a queued sighting does not unpack");
	return s;
}

/* Write one batch of at most WRITER_BATCH sightings in one transaction.
 * 0 committed (and dequeued), -1 failed (all kept). */
static int
write_batch(struct writer *w)
{
	size_t n = w->len < WRITER_BATCH ? w->len : WRITER_BATCH;
	int64_t agent = 0;
	size_t nrejected = 0;
	uint32_t *next = xcalloc(n, sizeof(*next));
	bool *member = xcalloc(n, sizeof(*member));
	struct sighting *group[SQUEUE_MAX_GROUP];

	group_batch(w, n, next, member);
	for (size_t i = 0; i < n; i++) {
		struct item *it = &w->ring[(w->head + i) % w->cap];
		int64_t id = 0;
		size_t k = 0;
		int rc;

		if (member[i])
			continue;	/* written with the first of its group */
		for (uint32_t j = (uint32_t)i; j != UINT32_MAX &&
		    k < SQUEUE_MAX_GROUP; j = next[j])
			group[k++] = unpack(&w->ring[(w->head + j) % w->cap]);
		rc = store_record_group(w->st, it->scan->id,
		    (const struct sighting *const *)group, k, &id);
		for (size_t m = 0; m < k; m++)
			sighting_free(group[m]);
		if (rc < 0) {
			if (!store_in_batch(w->st))
				goto fail;
			/* The store refused these alone: never retry them. */
			if (nrejected == 0)
				log_warnx("store", "%s", store_error(w->st));
			nrejected += k;
			if (it->protocol == NULL)
				agent = 0;
			continue;
		}
		if (it->protocol == NULL) {
			agent = id;
			continue;
		}
		if (agent > 0 && store_link(w->st, agent, id, it->protocol,
		    it->local_port, it->remote_port, it->observed_at) < 0 &&
		    !store_in_batch(w->st))
			goto fail;
	}
	free(next);
	free(member);
	if (store_flush(w->st) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct item *it = &w->ring[w->head];

		it->scan->refs--;
		item_clear(it);
		w->head = (w->head + 1) % w->cap;
		w->len--;
	}
	w->counts.written += n - nrejected;
	w->counts.rejected += nrejected;
	return 0;
fail:
	free(next);
	free(member);
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
	while (w->len > 0 && batches < max_batches) {
		if (write_batch(w) < 0)
			goto fail;
		batches++;
	}
	if (end_scans(w) < 0)
		goto fail;
	if (w->failing) {
		log_warnx("store", "writing again after %llu failed attempt(s); "
		    "%zu sighting(s) still queued",
		    (unsigned long long)w->episode, w->len);
		w->episode = 0;
		w->failing = false;
		w->backoff_ms = 0;
		w->retry_at = 0;
	}
	if (w->counts.dropped > w->dropped_logged) {
		log_warnx("store", "%llu sighting(s) dropped in all: the queue "
		    "of %zu was full",
		    (unsigned long long)w->counts.dropped, w->max);
		w->dropped_logged = w->counts.dropped;
	}
	return writer_pending(w) ? 1 : 0;
fail:
	w->counts.failures++;
	w->episode++;
	w->backoff_ms = w->backoff_ms == 0 ? WRITER_BACKOFF_MIN_MS :
	    w->backoff_ms * 2;
	if (w->backoff_ms > WRITER_BACKOFF_MAX_MS)
		w->backoff_ms = WRITER_BACKOFF_MAX_MS;
	w->retry_at = now_ms + w->backoff_ms;
	if (!w->failing)
		log_warnx("store", "cannot write: %s; the %zu sighting(s) "
		    "are not lost: kept in memory (at most %zu) and written when "
		    "the store recovers", store_error(w->st), w->len, w->max);
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

void
writer_counts(const struct writer *w, struct writer_counts *out)
{
	*out = w->counts;
	out->queued = w->len;
}
