/*
 * Fixed-size open-addressing hash table of MAC addresses with linear probing
 * and backward-shift deletion. Slots hold the 48-bit MAC with a presence bit,
 * so a lookup touches one or two cache lines and allocates nothing.
 */
#include "mactable.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define PRESENT (UINT64_C(1) << 63)
#define EVICT_PROBES 8

struct slot {
	uint64_t key;		/* PRESENT | 48-bit MAC, 0 = empty */
	uint32_t last_seen;	/* seconds since the table's epoch */
	uint32_t last_told;	/* when the store last heard of it */
	uint32_t ipv4;		/* last IPv4 address seen for it, 0 = none */
	uint32_t content;	/* digest of the last protocol content, 0 = none */
};

struct mactable {
	struct slot *slots;
	size_t mask;		/* slot count - 1 (a power of two) */
	size_t max_slots;	/* the table never grows past this */
	size_t count;
	size_t max;
	uint32_t refresh;
	int64_t epoch;		/* time origin for the 32-bit stamps */
	bool epoch_set;
	uint64_t evictions;
	uint64_t rng;
};

static uint64_t
mac_key(const uint8_t m[6])
{
	return PRESENT | (uint64_t)m[0] << 40 | (uint64_t)m[1] << 32 |
	    (uint64_t)m[2] << 24 | (uint64_t)m[3] << 16 | (uint64_t)m[4] << 8 |
	    (uint64_t)m[5];
}

static size_t
slot_of(const struct mactable *t, uint64_t key)
{
	/* The low bytes of a MAC are well spread, the OUI is not: mix all. */
	uint64_t h = key * UINT64_C(0x9e3779b97f4a7c15);

	return (size_t)(h >> 20) & t->mask;
}

struct mactable *
mactable_new(size_t max_entries, uint32_t refresh_s)
{
	struct mactable *t = xcalloc(1, sizeof(*t));
	size_t n = 16;

	if (max_entries == 0)
		max_entries = 1;
	/* Keep the load factor at or below one half. */
	while (n < max_entries * 2)
		n <<= 1;
	t->max_slots = n;
	/* Start small and grow: a table that fits the cache is much faster. */
	if (n > 4096)
		n = 4096;
	t->slots = xcalloc(n, sizeof(*t->slots));
	t->mask = n - 1;
	t->max = max_entries;
	t->refresh = refresh_s;
	t->rng = UINT64_C(0x2545f4914f6cdd1d);
	return t;
}

void
mactable_free(struct mactable *t)
{
	if (t == NULL)
		return;
	free(t->slots);
	free(t);
}

static struct slot *
find(const struct mactable *t, uint64_t key)
{
	for (size_t i = slot_of(t, key);; i = (i + 1) & t->mask) {
		struct slot *s = &t->slots[i];
		if (s->key == key)
			return s;
		if (s->key == 0)
			return NULL;
	}
}

static void
remove_at(struct mactable *t, size_t i)
{
	/* Backward-shift deletion keeps every probe chain unbroken. */
	size_t j = i;

	for (;;) {
		j = (j + 1) & t->mask;
		if (t->slots[j].key == 0)
			break;
		size_t home = slot_of(t, t->slots[j].key);
		/* Move j back to i when its home is not cyclically in (i, j]. */
		bool in_range = i <= j ? (home > i && home <= j) :
		    (home > i || home <= j);
		if (!in_range) {
			t->slots[i] = t->slots[j];
			i = j;
		}
	}
	memset(&t->slots[i], 0, sizeof(t->slots[i]));
	t->count--;
}

static void
evict_one(struct mactable *t)
{
	size_t victim = SIZE_MAX;
	uint32_t oldest = UINT32_MAX;

	/* Sample a few occupied slots and drop the one seen longest ago. */
	for (int probes = 0; probes < EVICT_PROBES || victim == SIZE_MAX;) {
		t->rng ^= t->rng << 13;
		t->rng ^= t->rng >> 7;
		t->rng ^= t->rng << 17;
		size_t i = (size_t)t->rng & t->mask;
		if (t->slots[i].key == 0)
			continue;
		probes++;
		if (t->slots[i].last_seen <= oldest) {
			oldest = t->slots[i].last_seen;
			victim = i;
		}
	}
	remove_at(t, victim);
	t->evictions++;
}

static uint32_t
stamp(struct mactable *t, int64_t now)
{
	if (!t->epoch_set) {
		t->epoch = now;
		t->epoch_set = true;
	}
	if (now <= t->epoch)
		return 0;
	if (now - t->epoch > UINT32_MAX)
		return UINT32_MAX;
	return (uint32_t)(now - t->epoch);
}

/* Double the slot array and re-insert every entry. */
static void
grow(struct mactable *t)
{
	struct slot *old = t->slots;
	size_t n = (t->mask + 1) * 2;

	t->slots = xcalloc(n, sizeof(*t->slots));
	t->mask = n - 1;
	for (size_t i = 0; i < n / 2; i++) {
		if (old[i].key == 0)
			continue;
		size_t j = slot_of(t, old[i].key);
		while (t->slots[j].key != 0)
			j = (j + 1) & t->mask;
		t->slots[j] = old[i];
	}
	free(old);
}

enum mactable_news
mactable_touch(struct mactable *t, const uint8_t mac[6], int64_t now)
{
	uint64_t key = mac_key(mac);
	uint32_t ts = stamp(t, now);
	struct slot *s = find(t, key);

	if (s != NULL) {
		if (ts > s->last_seen)
			s->last_seen = ts;
		if (ts - s->last_told >= t->refresh && ts > s->last_told) {
			s->last_told = ts;
			return MAC_REFRESH;
		}
		return MAC_KNOWN;
	}
	if (t->count >= t->max)
		evict_one(t);
	else if (t->count + 1 > (t->mask + 1) / 2 && t->mask + 1 < t->max_slots)
		grow(t);
	for (size_t i = slot_of(t, key);; i = (i + 1) & t->mask) {
		if (t->slots[i].key == 0) {
			s = &t->slots[i];
			break;
		}
	}
	s->key = key;
	s->last_seen = ts;
	s->last_told = ts;
	s->ipv4 = 0;
	s->content = 0;
	t->count++;
	return MAC_NEW;
}

bool
mactable_note_ipv4(struct mactable *t, const uint8_t mac[6], uint32_t ip)
{
	struct slot *s = find(t, mac_key(mac));

	if (s == NULL || s->ipv4 == ip)
		return s == NULL;
	s->ipv4 = ip;
	return true;
}

bool
mactable_note_content(struct mactable *t, const uint8_t mac[6], uint32_t digest)
{
	struct slot *s = find(t, mac_key(mac));

	if (digest == 0)
		digest = 1;	/* 0 means "none yet" */
	if (s == NULL || s->content == digest)
		return s == NULL;
	s->content = digest;
	return true;
}

size_t
mactable_count(const struct mactable *t)
{
	return t->count;
}

uint64_t
mactable_evictions(const struct mactable *t)
{
	return t->evictions;
}

size_t
mactable_bytes(const struct mactable *t)
{
	return sizeof(*t) + (t->mask + 1) * sizeof(*t->slots);
}

size_t
mactable_max_bytes(const struct mactable *t)
{
	return sizeof(*t) + t->max_slots * sizeof(*t->slots);
}

uint32_t
mactable_digest(const void *p, size_t len, uint32_t seed)
{
	const uint8_t *b = p;
	uint32_t h = 2166136261u ^ seed;

	for (size_t i = 0; i < len; i++) {
		h ^= b[i];
		h *= 16777619u;
	}
	return h;
}
