/*
 * What each scan of this connection did to the inventory, from the
 * writes themselves: the elements it created and those it saw again,
 * counted as its transactions commit. Another process writing the same
 * file at the same time (a second ingest, the daemon) changes nothing
 * here, unlike counting the element table's rows by their last scan.
 *
 * While a batch is open, what its sightings did waits in a list of steps;
 * a group undone by ROLLBACK TO drops its own steps, a batch rolled back
 * drops them all (the writer records it again), a commit applies them.
 * Elements merged away leave every scan's tally, as they leave the
 * inventory. At the scan's end the sets give way to their counts.
 */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "store/store.h"
#include "store/store_private.h"

/* Ended scans whose counts are kept for store_scan_counts. */
#define ENDED_KEPT 32

#define SLOT_EMPTY 0
#define SLOT_GONE (-1)

/* A set of element ids (> 0): open addressing, linear probing. */
struct idset {
	int64_t *slot; /* owned */
	size_t cap;    /* a power of two, or 0 */
	size_t n;      /* ids held */
	size_t used;   /* ids held and removed ones' slots */
};

struct tally {
	int64_t scan_id;
	bool ended;
	struct idset created, seen;      /* seen: known before this scan */
	struct store_scan_counts counts; /* once ended */
};

struct step {
	int64_t scan_id;
	int64_t id;
	enum store_tally_op op;
};

struct store_tally_state {
	struct tally *t; /* owned, each owning its sets */
	size_t n, cap;
	struct step *steps; /* the open batch's, owned */
	size_t n_steps, cap_steps;
};

static size_t
slot_of(int64_t id, size_t cap)
{
	uint64_t h = (uint64_t)id * 0x9e3779b97f4a7c15u;

	return (size_t)(h >> 32) & (cap - 1);
}

static bool
idset_has(const struct idset *s, int64_t id)
{
	if (s->cap == 0)
		return false;
	for (size_t i = slot_of(id, s->cap);; i = (i + 1) & (s->cap - 1)) {
		if (s->slot[i] == id)
			return true;
		if (s->slot[i] == SLOT_EMPTY)
			return false;
	}
}

static void idset_add(struct idset *s, int64_t id);

static void
idset_grow(struct idset *s)
{
	struct idset old = *s;

	s->cap =
	    old.cap == 0 ? 64 : (old.n * 4 > old.cap ? 2 * old.cap : old.cap);
	s->slot = xcalloc(s->cap, sizeof(*s->slot));
	s->n = s->used = 0;
	for (size_t i = 0; i < old.cap; i++)
		if (old.slot[i] > 0)
			idset_add(s, old.slot[i]);
	free(old.slot);
}

static void
idset_add(struct idset *s, int64_t id)
{
	size_t i;

	if (idset_has(s, id))
		return;
	if ((s->used + 1) * 2 > s->cap)
		idset_grow(s);
	for (i = slot_of(id, s->cap); s->slot[i] > 0;
	     i = (i + 1) & (s->cap - 1))
		;
	if (s->slot[i] == SLOT_EMPTY)
		s->used++;
	s->slot[i] = id;
	s->n++;
}

static void
idset_del(struct idset *s, int64_t id)
{
	if (s->cap == 0)
		return;
	for (size_t i = slot_of(id, s->cap);; i = (i + 1) & (s->cap - 1)) {
		if (s->slot[i] == id) {
			s->slot[i] = SLOT_GONE;
			s->n--;
			return;
		}
		if (s->slot[i] == SLOT_EMPTY)
			return;
	}
}

static void
idset_free(struct idset *s)
{
	free(s->slot);
	memset(s, 0, sizeof(*s));
}

static struct store_tally_state *
state(struct store *st)
{
	if (st->tally == NULL)
		st->tally = xcalloc(1, sizeof(*st->tally));
	return st->tally;
}

static struct tally *
find(const struct store *st, int64_t scan_id)
{
	const struct store_tally_state *s = st->tally;

	for (size_t i = 0; s != NULL && i < s->n; i++)
		if (s->t[i].scan_id == scan_id)
			return &s->t[i];
	return NULL;
}

void
store_tally_begin(struct store *st, int64_t scan_id)
{
	struct store_tally_state *s = state(st);
	size_t ended = 0;

	/* Forget the oldest ended scans beyond ENDED_KEPT. */
	for (size_t i = 0; i < s->n; i++)
		ended += s->t[i].ended;
	for (size_t i = 0; i < s->n && ended > ENDED_KEPT;) {
		if (!s->t[i].ended) {
			i++;
			continue;
		}
		memmove(&s->t[i], &s->t[i + 1], (s->n - i - 1) * sizeof(*s->t));
		s->n--;
		ended--;
	}
	if (s->n == s->cap) {
		s->cap = s->cap == 0 ? 4 : 2 * s->cap;
		s->t = xreallocarray(s->t, s->cap, sizeof(*s->t));
	}
	memset(&s->t[s->n], 0, sizeof(*s->t));
	s->t[s->n++].scan_id = scan_id;
}

void
store_tally_note(struct store *st, int64_t scan_id, int64_t id,
    enum store_tally_op op)
{
	struct store_tally_state *s = state(st);

	if (s->n_steps == s->cap_steps) {
		s->cap_steps = s->cap_steps == 0 ? 256 : 2 * s->cap_steps;
		s->steps =
		    xreallocarray(s->steps, s->cap_steps, sizeof(*s->steps));
	}
	s->steps[s->n_steps++] = (struct step){ scan_id, id, op };
}

size_t
store_tally_mark(const struct store *st)
{
	return st->tally != NULL ? st->tally->n_steps : 0;
}

void
store_tally_undo(struct store *st, size_t mark)
{
	if (st->tally != NULL && mark < st->tally->n_steps)
		st->tally->n_steps = mark;
}

void
store_tally_forget(struct store *st)
{
	store_tally_undo(st, 0);
}

void
store_tally_commit(struct store *st)
{
	struct store_tally_state *s = st->tally;

	for (size_t k = 0; s != NULL && k < s->n_steps; k++) {
		const struct step *p = &s->steps[k];
		struct tally *t;

		if (p->op == STORE_TALLY_MERGED) {
			for (size_t i = 0; i < s->n; i++) {
				idset_del(&s->t[i].created, p->id);
				idset_del(&s->t[i].seen, p->id);
			}
			continue;
		}
		if ((t = find(st, p->scan_id)) == NULL || t->ended)
			continue;
		if (p->op == STORE_TALLY_CREATED)
			idset_add(&t->created, p->id);
		else if (!idset_has(&t->created, p->id))
			idset_add(&t->seen, p->id);
	}
	store_tally_forget(st);
}

/* How many of the set's elements are at high risk now; -1 on error. */
static int64_t
high_risk(struct store *st, sqlite3_stmt *stmt, const struct idset *s)
{
	int64_t n = 0;

	for (size_t i = 0; i < s->cap; i++) {
		int rc;

		if (s->slot[i] <= 0)
			continue;
		sqlite3_bind_int64(stmt, 1, s->slot[i]);
		if ((rc = store_step(st, stmt)) == -1)
			return -1;
		if (rc == 1) {
			n += sqlite3_column_int(stmt, 0);
			store_reset(stmt);
		}
	}
	return n;
}

/* The counts of a scan still running, from its sets (committed only). */
static int
counts_of(struct store *st, const struct tally *t,
    struct store_scan_counts *out)
{
	sqlite3_stmt *stmt = store_prepare(st,
	    "SELECT risk = 'high' FROM element "
	    "WHERE id = ?1 AND merged_into IS NULL");
	int64_t a, b;

	if (stmt == NULL)
		return -1;
	a = high_risk(st, stmt, &t->created);
	b = a < 0 ? -1 : high_risk(st, stmt, &t->seen);
	sqlite3_finalize(stmt);
	if (b < 0)
		return -1;
	out->created = (int64_t)t->created.n;
	out->updated = (int64_t)t->seen.n;
	out->high_risk = a + b;
	return 0;
}

int
store_tally_counts(struct store *st, int64_t scan_id,
    struct store_scan_counts *out)
{
	struct tally *t = find(st, scan_id);

	if (t == NULL)
		return 0;
	if (t->ended)
		*out = t->counts;
	else if (counts_of(st, t, out) == -1)
		return -1;
	return 1;
}

int
store_tally_end(struct store *st, int64_t scan_id, int64_t *seen)
{
	struct tally *t = find(st, scan_id);

	if (t == NULL || t->ended) {
		*seen = t != NULL ? t->counts.created + t->counts.updated : 0;
		return 0;
	}
	if (counts_of(st, t, &t->counts) == -1)
		return -1;
	t->ended = true;
	idset_free(&t->created);
	idset_free(&t->seen);
	*seen = t->counts.created + t->counts.updated;
	return 0;
}

void
store_tally_finish(struct store *st)
{
	struct store_tally_state *s = st->tally;

	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++) {
		idset_free(&s->t[i].created);
		idset_free(&s->t[i].seen);
	}
	free(s->t);
	free(s->steps);
	free(s);
	st->tally = NULL;
}
