/*
 * Sightings waiting for the store, grouped by element: a sighting that names
 * its element by one MAC and nothing else (as passive capture makes them:
 * a source MAC, the sender of an ARP, a DHCP client) joins the group of
 * that MAC, and so does a capture's LLDP, CDP or DHCP sighting (one with
 * content), whatever else it names, with the MAC that sent it; any other
 * sighting is a group of its own. Groups keep the order
 * of their first sighting, sightings their order within a group. The store
 * then writes each group as one element (store_record_group), once.
 * Queued sightings are kept packed (sighting_pack), about a tenth of their
 * size as structs, so that a long queue stays small.
 */
#ifndef VRAUDIT_SQUEUE_H
#define VRAUDIT_SQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/sighting.h"

/* A group never holds more sightings than this; the next starts another. */
#define SQUEUE_MAX_GROUP 32

struct squeue;

/* An empty queue. */
struct squeue *squeue_new(void);
/* Release the queue and the sightings it still holds; NULL is fine. */
void squeue_free(struct squeue *q);
/* Queue a sighting; the queue owns it from now on. */
void squeue_push(struct squeue *q, struct sighting *s);
/* The same with a tag of the caller's: a sighting joins only a group of
 * the same tag, and none at all when alone (it starts one of its own). */
void squeue_push_tagged(struct squeue *q, struct sighting *s, uint32_t tag,
    bool alone);
/* The tag of group i (0 for squeue_push's). */
uint32_t squeue_group_tag(const struct squeue *q, size_t i);
/* Sightings queued. */
size_t squeue_sightings(const struct squeue *q);
/* Groups queued. */
size_t squeue_groups(const struct squeue *q);
/* Memory the queued sightings take, in bytes (they are kept packed); 0
 * when empty, whatever the queue keeps for later. */
size_t squeue_bytes(const struct squeue *q);
/* The sightings of group i (i < squeue_groups) into out, in their order;
 * returns how many (at most SQUEUE_MAX_GROUP). They stay the queue's, and
 * are valid until the next squeue_group, squeue_clear or squeue_free. */
size_t squeue_group(struct squeue *q, size_t i, struct sighting **out);
/* Free every queued sighting and empty the queue, keeping its memory. */
void squeue_clear(struct squeue *q);
/* The same, giving its memory back. */
void squeue_release(struct squeue *q);
/* Swap the contents of two queues. */
void squeue_swap(struct squeue *a, struct squeue *b);
/* The MAC a sighting is grouped by; false when it stands alone. */
bool squeue_key(const struct sighting *s, uint8_t mac[6]);

#endif
