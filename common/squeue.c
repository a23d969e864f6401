/*
 * Grouping queue of sightings. Sightings sit packed (sighting_pack) in one
 * byte arena, their items in one array linked per group; an
 * open-addressing index maps a MAC to its newest group. A group is
 * unpacked when it is asked for.
 */
#include "common/squeue.h"

#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"

#define NO_ITEM UINT32_MAX

struct item {
	size_t off; /* of its packed bytes in the arena */
	uint32_t len;
	uint32_t next; /* next item of the group, NO_ITEM at its end */
};

struct group {
	uint64_t key; /* 1 << 48 | MAC, 0 when it stands alone */
	uint32_t head, tail;
	uint32_t count;
	uint32_t tag; /* the caller's: only equal tags group */
};

struct squeue {
	uint8_t *arena; /* packed sightings */
	size_t arena_len, arena_cap;
	struct item *items;
	size_t n_items, cap_items;
	struct group *groups;
	size_t n_groups, cap_groups;
	uint32_t *index;                        /* group + 1, 0 = empty */
	size_t index_mask;                      /* slots - 1 */
	struct sighting *out[SQUEUE_MAX_GROUP]; /* the group last unpacked */
	size_t n_out;
};

struct squeue *
squeue_new(void)
{
	struct squeue *q = xcalloc(1, sizeof(*q));

	squeue_release(q); /* gives it its first index */
	return q;
}

/* Empty the queue and free its arrays (the index too). */
static void
drop(struct squeue *q)
{
	squeue_clear(q);
	free(q->arena);
	free(q->items);
	free(q->groups);
	free(q->index);
	q->arena = NULL;
	q->items = NULL;
	q->groups = NULL;
	q->index = NULL;
	q->arena_cap = q->cap_items = q->cap_groups = 0;
}

void
squeue_free(struct squeue *q)
{
	if (q == NULL)
		return;
	drop(q);
	free(q);
}

bool
squeue_key(const struct sighting *s, uint8_t mac[6])
{
	const char *text = NULL;

	/* A capture's LLDP, CDP or DHCP sighting joins the MAC that sent it:
	 * it names that MAC among its addresses, so alone it would find
	 * that MAC's element too (and the other keys it names, either way). */
	if (s->has_content) {
		memcpy(mac, s->content_mac, 6);
		return true;
	}
	if (s->chassis_mac != NULL || s->chassis_id != NULL ||
	    s->mgmt_ip != NULL || s->serial != NULL)
		return false;
	for (size_t i = 0; i < s->n_addrs; i++)
		if (s->addrs[i].kind == ADDR_MAC) {
			if (text != NULL)
				return false; /* two MACs: it may join two */
			text = s->addrs[i].value;
		}
	return text != NULL && mac_parse(text, mac) == 0;
}

static size_t
slot_of(uint64_t key, uint32_t tag, size_t mask)
{
	key ^= (uint64_t)tag << 49;
	return (size_t)((key * UINT64_C(0x9e3779b97f4a7c15)) >> 24) & mask;
}

static bool
group_is(const struct group *g, uint64_t key, uint32_t tag)
{
	return g->key == key && g->tag == tag;
}

static void
index_put(struct squeue *q, uint64_t key, uint32_t tag, uint32_t group)
{
	size_t i = slot_of(key, tag, q->index_mask);

	while (q->index[i] != 0 &&
	    !group_is(&q->groups[q->index[i] - 1], key, tag))
		i = (i + 1) & q->index_mask;
	q->index[i] = group + 1;
}

static void
index_grow(struct squeue *q)
{
	size_t slots = 2 * (q->index_mask + 1);

	free(q->index);
	q->index = xcalloc(slots, sizeof(*q->index));
	q->index_mask = slots - 1;
	/* Later groups of a key replace earlier ones: the newest wins. */
	for (size_t g = 0; g < q->n_groups; g++)
		if (q->groups[g].key != 0)
			index_put(q, q->groups[g].key, q->groups[g].tag,
			    (uint32_t)g);
}

/* The newest group of (key, tag), or NO_ITEM. */
static uint32_t
index_get(const struct squeue *q, uint64_t key, uint32_t tag)
{
	size_t i = slot_of(key, tag, q->index_mask);

	while (q->index[i] != 0) {
		if (group_is(&q->groups[q->index[i] - 1], key, tag))
			return q->index[i] - 1;
		i = (i + 1) & q->index_mask;
	}
	return NO_ITEM;
}

static uint32_t
new_group(struct squeue *q, uint64_t key, uint32_t tag, uint32_t item)
{
	uint32_t g;

	if (q->n_groups == q->cap_groups) {
		q->cap_groups = q->cap_groups == 0 ? 256 : 2 * q->cap_groups;
		q->groups =
		    xreallocarray(q->groups, q->cap_groups, sizeof(*q->groups));
	}
	g = (uint32_t)q->n_groups++;
	q->groups[g] = (struct group){ key, item, item, 1, tag };
	if (key != 0) {
		if (2 * q->n_groups > q->index_mask + 1)
			index_grow(q);
		else
			index_put(q, key, tag, g);
	}
	return g;
}

void
squeue_push(struct squeue *q, struct sighting *s)
{
	squeue_push_tagged(q, s, 0, false);
}

void
squeue_push_tagged(struct squeue *q, struct sighting *s, uint32_t tag,
    bool alone)
{
	uint8_t mac[6];
	uint64_t key = 0;
	uint32_t item, g = NO_ITEM;
	size_t len = sighting_pack(s, NULL);

	if (len > UINT32_MAX)
		fatalx("squeue", "sighting of %zu bytes", len);
	if (q->arena_len + len > q->arena_cap) {
		q->arena_cap = q->arena_cap == 0 ? 65536 : 2 * q->arena_cap;
		if (q->arena_cap < q->arena_len + len)
			q->arena_cap = q->arena_len + len;
		q->arena = xreallocarray(q->arena, q->arena_cap, 1);
	}
	sighting_pack(s, q->arena + q->arena_len);
	if (q->n_items == q->cap_items) {
		q->cap_items = q->cap_items == 0 ? 1024 : 2 * q->cap_items;
		q->items =
		    xreallocarray(q->items, q->cap_items, sizeof(*q->items));
	}
	item = (uint32_t)q->n_items++;
	q->items[item] = (struct item){ q->arena_len, (uint32_t)len, NO_ITEM };
	q->arena_len += len;
	if (!alone && squeue_key(s, mac)) {
		key = UINT64_C(1) << 48;
		for (int i = 0; i < 6; i++)
			key |= (uint64_t)mac[i] << (8 * (5 - i));
		g = index_get(q, key, tag);
	}
	sighting_free(s);
	if (g == NO_ITEM || q->groups[g].count >= SQUEUE_MAX_GROUP) {
		new_group(q, key, tag, item);
		return;
	}
	q->items[q->groups[g].tail].next = item;
	q->groups[g].tail = item;
	q->groups[g].count++;
}

size_t
squeue_sightings(const struct squeue *q)
{
	return q->n_items;
}

size_t
squeue_groups(const struct squeue *q)
{
	return q->n_groups;
}

uint32_t
squeue_group_tag(const struct squeue *q, size_t i)
{
	return i < q->n_groups ? q->groups[i].tag : 0;
}

size_t
squeue_bytes(const struct squeue *q)
{
	/* The index has two slots a group at least. */
	return q->arena_len + q->n_items * sizeof(*q->items) +
	    q->n_groups * (sizeof(*q->groups) + 2 * sizeof(*q->index));
}

static void
release_out(struct squeue *q)
{
	for (size_t i = 0; i < q->n_out; i++)
		sighting_free(q->out[i]);
	q->n_out = 0;
}

size_t
squeue_group(struct squeue *q, size_t i, struct sighting **out)
{
	release_out(q);
	if (i >= q->n_groups)
		return 0;
	for (uint32_t it = q->groups[i].head;
	     it != NO_ITEM && q->n_out < SQUEUE_MAX_GROUP;
	     it = q->items[it].next) {
		struct sighting *s =
		    sighting_unpack(q->arena + q->items[it].off,
			q->items[it].len);

		if (s == NULL)
			fatalx("squeue", "a queued sighting does not unpack");
		out[q->n_out] = q->out[q->n_out] = s;
		q->n_out++;
	}
	return q->n_out;
}

void
squeue_clear(struct squeue *q)
{
	release_out(q);
	if (q->n_groups > 0)
		memset(q->index, 0, (q->index_mask + 1) * sizeof(*q->index));
	q->arena_len = 0;
	q->n_items = 0;
	q->n_groups = 0;
}

void
squeue_release(struct squeue *q)
{
	drop(q);
	q->index_mask = 255;
	q->index = xcalloc(q->index_mask + 1, sizeof(*q->index));
}

void
squeue_swap(struct squeue *a, struct squeue *b)
{
	struct squeue t = *a;

	*a = *b;
	*b = t;
}
