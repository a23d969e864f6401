/*
 * The capture hot path's memory: every source MAC seen, in a fixed-size
 * open-addressing table, so that only what is new (a new MAC, a new IPv4
 * address for a MAC, new protocol content) or a periodic last-seen update
 * reaches the store. Memory is bounded: the table grows with the MACs it
 * holds up to its maximum; when full, the entry seen longest ago among a
 * few probed is evicted.
 */
#ifndef VRAUDIT_MACTABLE_H
#define VRAUDIT_MACTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mactable;

/* What mactable_touch found. */
enum mactable_news {
	MAC_KNOWN = 0,   /* seen before, nothing to tell the store */
	MAC_NEW = 1,     /* first sighting (or first since eviction) */
	MAC_REFRESH = 2, /* known, and its last-seen time is due for an update
				 * (a refresh interval after the store last
				 * heard of it, or as long before) */
};

/* The protocols whose content is remembered, each on its own: a Cisco
 * port sends CDP and LLDP, a phone LLDP-MED and DHCP, a camera DHCP, SSDP
 * and HTTP. */
enum mactable_proto {
	/* One content each: news when it changes. The store keeps these
	 * three too (store_mac_state), in this order. */
	MACTABLE_LLDP,
	MACTABLE_CDP,
	MACTABLE_DHCP,
	/* Fingerprints: a host may send several (two web servers, mDNS
	 * names of its services): news when one is not yet known. */
	MACTABLE_SSH,
	MACTABLE_HTTP,
	MACTABLE_UPNP,
	MACTABLE_TLS,
	MACTABLE_SSDP,
	MACTABLE_MDNS,
	MACTABLE_PROTOS
};

/* The protocols the store keeps a digest of, first in the list. */
#define MACTABLE_STORED 3

/* Digests are kept to their low 28 bits; this says "none" (as the store's
 * STORE_NO_DIGEST does). */
#define MACTABLE_NO_DIGEST UINT32_MAX
#define MACTABLE_DIGEST_MASK UINT32_C(0x0fffffff)

/* A table for at most max_entries MACs, refreshing last-seen every refresh_s seconds. */
struct mactable *mactable_new(size_t max_entries, uint32_t refresh_s);
/* Release the table. */
void mactable_free(struct mactable *t);
/* Make room for n MACs in one step (up to the table's maximum), before
 * that many mactable_know: instead of doubling again and again. */
void mactable_reserve(struct mactable *t, size_t n);
/* Record that mac was seen at `now` (seconds); says whether the store must hear of it. */
enum mactable_news mactable_touch(struct mactable *t, const uint8_t mac[6],
    int64_t now);
/* Start loading what mactable_touch(mac) will read, and with values what
 * the note functions will; a hint only. */
void mactable_prefetch(const struct mactable *t, const uint8_t mac[6],
    bool values);
/*
 * Start from what the store holds: mac is known, the store last heard of
 * it at `told` (seconds), with IPv4 addresses ip[0..n_ip) (network order)
 * and a content digest per protocol it keeps (MACTABLE_NO_DIGEST = none).
 * It is news again only when a refresh is due, or with another address or
 * content. False when the table is full.
 */
bool mactable_know(struct mactable *t, const uint8_t mac[6], int64_t told,
    const uint32_t *ip, size_t n_ip, const uint32_t digest[MACTABLE_STORED]);
/* Remember that mac used IPv4 address ip (network order); true when it is
 * new for it (a MAC may use several: a router, a host with a link-local
 * address besides its own). */
bool mactable_note_ipv4(struct mactable *t, const uint8_t mac[6], uint32_t ip);
/* Remember a digest of the content mac sent in proto; true when it
 * changed, or for a fingerprint when it is not one of those known (or
 * when the MAC is not known: the table may forget a MAC's second
 * protocol, never report a change as none). */
bool mactable_note_content(struct mactable *t, const uint8_t mac[6],
    enum mactable_proto proto, uint32_t digest);
/* Forget mac: its next frame is a new MAC again, its addresses and
 * content news again. False when the table did not hold it. */
bool mactable_forget(struct mactable *t, const uint8_t mac[6]);
/* Number of MACs held. */
size_t mactable_count(const struct mactable *t);
/* Number of MACs held that frames showed (not only mactable_know). */
size_t mactable_seen(const struct mactable *t);
/* Number of MACs evicted to stay within the bound. */
uint64_t mactable_evictions(const struct mactable *t);
/* Bytes of memory the table holds. */
size_t mactable_bytes(const struct mactable *t);
/* Bytes the table may grow to at most. */
size_t mactable_max_bytes(const struct mactable *t);
/* 32-bit FNV-1a digest of len bytes, for mactable_note_content. */
uint32_t mactable_digest(const void *p, size_t len, uint32_t seed);

#endif
