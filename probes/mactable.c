/*
 * Fixed-size open-addressing hash table of MAC addresses with linear probing
 * and backward-shift deletion.
 *
 * Keys and values are parallel arrays. A key is one word: a presence bit, a
 * 15-bit tag and the 48-bit MAC. A MAC seen again with nothing to tell, the
 * common case, costs one cache line of the key array, a third the size of
 * whole slots, and no line of the value array.
 *
 * A tag q != 0 says the entry was last seen at base + q - 1 (the value
 * array's copy is stale) and that its refresh is not due up to window_end,
 * so a touch in the window only raises q. Untagged entries keep last-seen in
 * the value array and take the full check. A stamp past window_end folds
 * the tags back and opens the next window. Eviction reads the same stamps
 * as before, so the same entries go. Tagging waits after each fold until
 * slow touches have paid for the next sweep: hostile timestamps cannot make
 * every frame sweep the table.
 */
#include "probes/mactable.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/util.h"

#define PRESENT (UINT64_C(1) << 63)
#define TAG_SHIFT 48
#define TAG_MAX UINT32_C(0x7fff)
#define TAG_MASK ((uint64_t)TAG_MAX << TAG_SHIFT)
#define EVICT_PROBES 8

struct value {
	uint32_t last_seen; /* seconds since the epoch, stale when tagged */
	uint32_t last_told; /* when the store last heard of it */
	uint32_t ipv4;      /* last IPv4 address seen for it, 0 = none */
	uint32_t content;   /* (protocol + 1) << 28 | digest of the content
				 * of its first protocol, 0 = none */
};

/*
 * The content of a MAC's other protocols, its other fingerprints and its
 * other IPv4 addresses: a cache, made on first use, since most MACs speak
 * at most one protocol and use one address (a lost entry only means one
 * more piece of news). An entry is one word: 28 bits of a hash of the MAC,
 * the entry's kind (1 + its protocol, or SIDE_IPV4) and its 32-bit value
 * xor a second, independent 32 bits of that hash, so that two MACs whose
 * first 28 bits agree still keep apart what they hold alike (the same
 * banner of two cameras). A window of probes is one cache line.
 */
#define SIDE_SLOTS 131072u
#define SIDE_PROBES 8
#define SIDE_IPV4 15u
#define SIDE_ID(e) ((e) >> 32) /* hash and kind: whose entry it is */

struct mactable {
	uint64_t *side;       /* SIDE_SLOTS entries, NULL until needed */
	uint64_t *keys;       /* PRESENT | tag | 48-bit MAC, 0 = empty */
	struct value *values; /* values[i] belongs to keys[i] */
	size_t mask;          /* slot count - 1 (a power of two) */
	size_t max_slots;     /* the table never grows past this */
	size_t count;
	size_t max;
	uint32_t refresh;
	int64_t epoch; /* time origin for the 32-bit stamps */
	bool epoch_set;
	uint64_t evictions;
	uint64_t rng;
	uint32_t base;       /* stamp that tag 1 stands for */
	uint32_t window;     /* stamps a window covers */
	uint64_t window_end; /* last stamp of the current window */
	bool tagged;         /* some key may carry a tag */
	size_t unseen;       /* entries from mactable_know not seen since
				 * (their last_seen is 0: real stamps are far
				 * above it once mactable_know set the epoch) */
	size_t slow;         /* untagged touches since the window started */
};

static uint64_t
mac_key(const uint8_t m[6])
{
	/* m[0] << 40 | ... | m[5], as two loads (every frame asks). */
	uint32_t hi;
	uint16_t lo;

	memcpy(&hi, m, sizeof(hi));
	memcpy(&lo, m + 4, sizeof(lo));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	hi = __builtin_bswap32(hi);
	lo = __builtin_bswap16(lo);
#endif
	return PRESENT | (uint64_t)hi << 16 | lo;
}

static uint32_t
tag_of(uint64_t k)
{
	return (uint32_t)((k & TAG_MASK) >> TAG_SHIFT);
}

static size_t
slot_of(const struct mactable *t, uint64_t key)
{
	/* The low bytes of a MAC are well spread, the OUI is not: mix all. */
	uint64_t h = (key & ~TAG_MASK) * UINT64_C(0x9e3779b97f4a7c15);

	return (size_t)(h >> 20) & t->mask;
}

#define HUGE_PAGE ((size_t)2 << 20)

/*
 * n zeroed elements of size bytes. An array of a few MB is touched all
 * over at random: in huge pages where the system gives them on request
 * (a fault and a TLB entry each 2 MB instead of each 4 KB; on a
 * virtual machine a fault is dear).
 */
static void *
table_alloc(size_t n, size_t size)
{
	size_t bytes = n * size;
	void *p;

	if (bytes < HUGE_PAGE || posix_memalign(&p, HUGE_PAGE, bytes) != 0)
		return xcalloc(n, size);
#ifdef MADV_HUGEPAGE
	(void)madvise(p, bytes, MADV_HUGEPAGE); /* a hint; fine when not */
#endif
	memset(p, 0, bytes);
	return p;
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
	t->keys = xcalloc(n, sizeof(*t->keys));
	t->values = xcalloc(n, sizeof(*t->values));
	t->mask = n - 1;
	t->max = max_entries;
	t->refresh = refresh_s;
	t->rng = UINT64_C(0x2545f4914f6cdd1d);
	/* A short window keeps few entries due inside it (about one in 16). */
	t->window = refresh_s / 16;
	if (t->window == 0)
		t->window = 1;
	if (t->window > TAG_MAX)
		t->window = TAG_MAX;
	t->window_end = t->window - 1;
	return t;
}

void
mactable_free(struct mactable *t)
{
	if (t == NULL)
		return;
	free(t->keys);
	free(t->values);
	free(t->side);
	free(t);
}

/* Index of key's slot, or SIZE_MAX. */
static size_t
find(const struct mactable *t, uint64_t key)
{
	for (size_t i = slot_of(t, key);; i = (i + 1) & t->mask) {
		uint64_t k = t->keys[i];

		if ((k & ~TAG_MASK) == key)
			return i;
		if (k == 0)
			return SIZE_MAX;
	}
}

static uint32_t
last_seen(const struct mactable *t, size_t i)
{
	uint32_t q = tag_of(t->keys[i]);

	return q != 0 ? t->base + q - 1 : t->values[i].last_seen;
}

static void side_forget(struct mactable *t, uint64_t key);

static void
remove_at(struct mactable *t, size_t i)
{
	/* Backward-shift deletion keeps every probe chain unbroken. */
	size_t j = i;

	side_forget(t, t->keys[i]);
	if (t->unseen > 0 && tag_of(t->keys[i]) == 0 &&
	    t->values[i].last_seen == 0)
		t->unseen--;

	for (;;) {
		j = (j + 1) & t->mask;
		if (t->keys[j] == 0)
			break;
		size_t home = slot_of(t, t->keys[j]);
		/* Move j back to i when its home is not cyclically in (i, j]. */
		bool in_range =
		    i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!in_range) {
			t->keys[i] = t->keys[j];
			t->values[i] = t->values[j];
			i = j;
		}
	}
	t->keys[i] = 0;
	memset(&t->values[i], 0, sizeof(t->values[i]));
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
		if (t->keys[i] == 0)
			continue;
		probes++;
		uint32_t seen = last_seen(t, i);
		if (seen <= oldest) {
			oldest = seen;
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

/* Fold every tag back into the value array; a new window starts at ts. */
static void
new_window(struct mactable *t, uint32_t ts)
{
	if (t->tagged) {
		for (size_t i = 0; i <= t->mask; i++) {
			uint32_t q = tag_of(t->keys[i]);

			if (q == 0)
				continue;
			t->values[i].last_seen = t->base + q - 1;
			t->keys[i] &= ~TAG_MASK;
		}
		t->tagged = false;
	}
	t->base = ts;
	t->window_end = (uint64_t)ts + t->window - 1;
	t->slow = 0;
}

/* Tag slot i when its stamps allow; only once 1/64 of a sweep is paid for. */
static void
try_tag(struct mactable *t, size_t i)
{
	const struct value *v = &t->values[i];
	/* The first stamp at which mactable_touch would say MAC_REFRESH. */
	uint64_t due =
	    (uint64_t)v->last_told + (t->refresh > 0 ? t->refresh : 1);

	if (t->slow < (t->mask + 1) / 64)
		return;
	if (v->last_seen < t->base || v->last_seen > t->window_end ||
	    due <= t->window_end)
		return;
	t->keys[i] |= (uint64_t)(v->last_seen - t->base + 1) << TAG_SHIFT;
	t->tagged = true;
}

/* Make both arrays n slots (a power of two, more than the entries) and
 * re-insert every entry. */
static void
resize(struct mactable *t, size_t n)
{
	uint64_t *old_keys = t->keys;
	struct value *old_values = t->values;
	size_t old_n = t->mask + 1;

	t->keys = table_alloc(n, sizeof(*t->keys));
	t->values = table_alloc(n, sizeof(*t->values));
	t->mask = n - 1;
	for (size_t i = 0; i < old_n; i++) {
		if (old_keys[i] == 0)
			continue;
		size_t j = slot_of(t, old_keys[i]);
		while (t->keys[j] != 0)
			j = (j + 1) & t->mask;
		t->keys[j] = old_keys[i];
		t->values[j] = old_values[i];
	}
	free(old_keys);
	free(old_values);
}

/* Double both arrays. */
static void
grow(struct mactable *t)
{
	resize(t, (t->mask + 1) * 2);
}

void
mactable_reserve(struct mactable *t, size_t n)
{
	size_t slots = t->mask + 1;

	if (n > t->max)
		n = t->max;
	/* The load factor insert keeps: at most one half. */
	while (slots < n * 2 && slots < t->max_slots)
		slots <<= 1;
	if (slots > t->mask + 1)
		resize(t, slots);
}

void
mactable_prefetch(const struct mactable *t, const uint8_t mac[6], bool values)
{
	size_t i = slot_of(t, mac_key(mac));

	__builtin_prefetch(&t->keys[i]);
	if (values)
		__builtin_prefetch(&t->values[i]);
}

/* Put a key not in the table into it (growing it when it may), seen and
 * told at stamp ts; its slot. The caller made room. */
static size_t
insert(struct mactable *t, uint64_t key, uint32_t ts)
{
	struct value *v;
	size_t i;

	if (t->count + 1 > (t->mask + 1) / 2 && t->mask + 1 < t->max_slots)
		grow(t);
	for (i = slot_of(t, key); t->keys[i] != 0; i = (i + 1) & t->mask)
		;
	t->keys[i] = key;
	v = &t->values[i];
	v->last_seen = ts;
	v->last_told = ts;
	v->ipv4 = 0;
	v->content = 0;
	t->count++;
	return i;
}

enum mactable_news
mactable_touch(struct mactable *t, const uint8_t mac[6], int64_t now)
{
	uint64_t key = mac_key(mac);
	uint32_t ts = stamp(t, now);
	size_t i;
	struct value *v;

	if (ts > t->window_end)
		new_window(t, ts);
	i = find(t, key);
	if (i != SIZE_MAX) {
		uint64_t k = t->keys[i];
		uint32_t q = tag_of(k);

		if (q != 0 && ts >= t->base) {
			/* Not due in the window, hence not now. */
			if (ts - t->base + 1 > q)
				t->keys[i] = (k & ~TAG_MASK) |
				    (uint64_t)(ts - t->base + 1) << TAG_SHIFT;
			return MAC_KNOWN;
		}
		v = &t->values[i];
		if (q != 0) {
			/* Back before the window: untag, then check. */
			v->last_seen = t->base + q - 1;
			t->keys[i] = k & ~TAG_MASK;
		}
		t->slow++;
		if (t->unseen > 0 && v->last_seen == 0)
			t->unseen--; /* known to the store, seen now */
		if (ts > v->last_seen)
			v->last_seen = ts;
		/* Due a refresh interval after the store last heard of it,
		 * or as long before (an older capture read later). */
		if ((ts > v->last_told && ts - v->last_told >= t->refresh) ||
		    (ts < v->last_told && v->last_told - ts >= t->refresh)) {
			v->last_told = ts;
			try_tag(t, i);
			return MAC_REFRESH;
		}
		try_tag(t, i);
		return MAC_KNOWN;
	}
	if (t->count >= t->max)
		evict_one(t);
	i = insert(t, key, ts);
	t->slow++;
	try_tag(t, i);
	return MAC_NEW;
}

/* A MAC's hash for the side cache: 28 bits to name it, 32 to mix in. */
static uint64_t
side_hash(uint64_t key)
{
	uint64_t h =
	    (key & ~(PRESENT | TAG_MASK)) * UINT64_C(0x9e3779b97f4a7c15);

	h ^= h >> 31;
	h *= UINT64_C(0xbf58476d1ce4e5b9);
	return h ^ h >> 29;
}

/* The entry of kind a MAC's hash h holds value in. */
static uint64_t
side_entry(uint64_t h, unsigned kind, uint32_t value)
{
	return (h >> 36) << 36 | (uint64_t)kind << 32 | (uint32_t)(value ^ h);
}

/* The first slot of the window of a MAC's entries of kind. From the MAC
 * itself, not its hash: consecutive MACs (a vendor's batch) then land
 * evenly spread, where hashed ones would cluster and fill windows. */
static size_t
side_home(uint64_t key, unsigned kind)
{
	uint64_t k = (key & ~(PRESENT | TAG_MASK)) | (uint64_t)kind << 48;

	return (size_t)((k * UINT64_C(0x9e3779b97f4a7c15)) >> 40) &
	    (SIDE_SLOTS - 1);
}

/* The entry of the MAC of key and kind (holding value, when any_value is
 * false), or NULL. The whole window is searched: entries may have been
 * removed from it. */
static uint64_t *
side_find(const struct mactable *t, uint64_t key, unsigned kind, uint32_t value,
    bool any_value)
{
	uint64_t want = side_entry(side_hash(key), kind, value);
	size_t home = side_home(key, kind);

	if (t->side == NULL)
		return NULL;
	for (size_t n = 0; n < SIDE_PROBES; n++) {
		uint64_t *e = &t->side[(home + n) & (SIDE_SLOTS - 1)];

		if (any_value ? SIDE_ID(*e) == SIDE_ID(want) : *e == want)
			return e;
	}
	return NULL;
}

/* Add value of the MAC of key and kind: into a free slot of its window,
 * else over its home. */
static void
side_add(struct mactable *t, uint64_t key, unsigned kind, uint32_t value)
{
	size_t home = side_home(key, kind);
	uint64_t *e = NULL;

	if (t->side == NULL)
		t->side = xcalloc(SIDE_SLOTS, sizeof(*t->side));
	for (size_t n = 0; n < SIDE_PROBES && e == NULL; n++)
		if (t->side[(home + n) & (SIDE_SLOTS - 1)] == 0)
			e = &t->side[(home + n) & (SIDE_SLOTS - 1)];
	if (e == NULL)
		e = &t->side[home];
	*e = side_entry(side_hash(key), kind, value);
}

/* Forget what the side cache holds of a MAC leaving the table. */
static void
side_forget(struct mactable *t, uint64_t key)
{
	uint64_t h;

	if (t->side == NULL)
		return;
	h = side_hash(key);
	for (unsigned kind = 1; kind <= SIDE_IPV4; kind++) {
		uint64_t id = SIDE_ID(side_entry(h, kind, 0));
		size_t home = side_home(key, kind);

		if (kind > MACTABLE_PROTOS && kind < SIDE_IPV4)
			continue;
		for (size_t n = 0; n < SIDE_PROBES; n++) {
			uint64_t *e = &t->side[(home + n) & (SIDE_SLOTS - 1)];

			if (SIDE_ID(*e) == id)
				*e = 0;
		}
	}
}

/* A slot's content word: 1 + the protocol in the top 4 bits. */
#define CONTENT_SHIFT 28

static uint32_t
encode(enum mactable_proto proto, uint32_t digest)
{
	return (uint32_t)(proto + 1) << CONTENT_SHIFT |
	    (digest & MACTABLE_DIGEST_MASK);
}

/* Record content of proto for slot i; true when it is news. The slot
 * keeps the first protocol's (the first fingerprint, for those), the side
 * cache the others'. A protocol of the store's has one content, which a
 * new one replaces; a fingerprint is one of those the MAC sends. */
static bool
content_news(struct mactable *t, size_t i, enum mactable_proto proto,
    uint32_t digest)
{
	struct value *v = &t->values[i];
	uint32_t d = digest & MACTABLE_DIGEST_MASK;
	unsigned kind = (unsigned)proto + 1;
	uint64_t key = t->keys[i], *e;

	if (v->content == encode(proto, d))
		return false;
	if (v->content == 0 ||
	    (proto < MACTABLE_STORED && v->content >> CONTENT_SHIFT == kind)) {
		v->content = encode(proto, d);
		return true;
	}
	if (proto >= MACTABLE_STORED) {
		if (side_find(t, key, kind, d, false) != NULL)
			return false;
		side_add(t, key, kind, d);
		return true;
	}
	e = side_find(t, key, kind, 0, true);
	if (e != NULL && *e == side_entry(side_hash(key), kind, d))
		return false;
	if (e != NULL)
		*e = side_entry(side_hash(key), kind, d);
	else
		side_add(t, key, kind, d);
	return true;
}

/* Record IPv4 address ip for slot i; true when it is news. The slot keeps
 * the first, the side cache the others. */
static bool
ipv4_news(struct mactable *t, size_t i, uint32_t ip)
{
	struct value *v = &t->values[i];

	if (v->ipv4 == ip)
		return false;
	if (v->ipv4 == 0) {
		v->ipv4 = ip;
		return true;
	}
	if (side_find(t, t->keys[i], SIDE_IPV4, ip, false) != NULL)
		return false;
	side_add(t, t->keys[i], SIDE_IPV4, ip);
	return true;
}

bool
mactable_know(struct mactable *t, const uint8_t mac[6], int64_t told,
    const uint32_t *ip, size_t n_ip, const uint32_t digest[MACTABLE_STORED])
{
	uint64_t key = mac_key(mac);
	uint32_t ts;
	size_t i;

	/* Stamps reach far back and far ahead of what the store knows. */
	if (!t->epoch_set) {
		t->epoch = told - (INT64_C(1) << 30);
		t->epoch_set = true;
	}
	ts = stamp(t, told);
	if (find(t, key) != SIZE_MAX)
		return true;
	if (t->count >= t->max)
		return false;
	i = insert(t, key, ts);
	/* Not seen yet: the first to go when the table is full. */
	t->values[i].last_seen = 0;
	t->unseen++;
	for (size_t k = 0; k < n_ip; k++)
		if (ip[k] != 0)
			ipv4_news(t, i, ip[k]);
	for (int p = 0; p < MACTABLE_STORED; p++)
		if (digest[p] != MACTABLE_NO_DIGEST)
			content_news(t, i, (enum mactable_proto)p, digest[p]);
	return true;
}

bool
mactable_note_ipv4(struct mactable *t, const uint8_t mac[6], uint32_t ip)
{
	size_t i = find(t, mac_key(mac));

	if (i == SIZE_MAX)
		return true;
	return ipv4_news(t, i, ip);
}

bool
mactable_note_content(struct mactable *t, const uint8_t mac[6],
    enum mactable_proto proto, uint32_t digest)
{
	size_t i = find(t, mac_key(mac));

	if (i == SIZE_MAX || proto >= MACTABLE_PROTOS)
		return true;
	return content_news(t, i, proto, digest);
}

bool
mactable_forget(struct mactable *t, const uint8_t mac[6])
{
	size_t i = find(t, mac_key(mac));

	if (i == SIZE_MAX)
		return false;
	remove_at(t, i);
	return true;
}

size_t
mactable_count(const struct mactable *t)
{
	return t->count;
}

size_t
mactable_seen(const struct mactable *t)
{
	return t->count - t->unseen;
}

uint64_t
mactable_evictions(const struct mactable *t)
{
	return t->evictions;
}

size_t
mactable_bytes(const struct mactable *t)
{
	return sizeof(*t) +
	    (t->mask + 1) * (sizeof(*t->keys) + sizeof(*t->values)) +
	    (t->side != NULL ? SIDE_SLOTS * sizeof(*t->side) : 0);
}

size_t
mactable_max_bytes(const struct mactable *t)
{
	return sizeof(*t) +
	    t->max_slots * (sizeof(*t->keys) + sizeof(*t->values)) +
	    SIDE_SLOTS * sizeof(*t->side);
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
