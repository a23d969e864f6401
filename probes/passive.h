/*
 * Passive observation: what captured frames say about the elements that
 * sent them. Every frame goes through the decoders; its source MACs (outside
 * and inside tunnels) are checked against the bounded MAC table, and only
 * news becomes a sighting: a new MAC, a new IPv4 address for a MAC, changed
 * LLDP/CDP/DHCP content, a fingerprint not yet known of it (an SSH server
 * banner, an HTTP or SSDP Server header, a UPnP description's maker, a
 * TLS certificate's names, mDNS names), or a periodic last-seen refresh.
 *
 * A fingerprint travels over IP: it names the frame's source MAC only
 * when that MAC sent the packet, not a router that forwarded it. A packet
 * counts as sent on the link when its TTL (hop limit) is still one that
 * stacks start with (32, 60, 64, 128, 255), or it is addressed to a
 * multicast group or from a link-local address; any other is counted as
 * routed and names no one. Of an SSH connection's two banners, the
 * server's is kept: the side the opening SYN went to when it was seen,
 * else the side on port 22, else the side on the lower port.
 */
#ifndef VRAUDIT_PASSIVE_H
#define VRAUDIT_PASSIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probes/frameq.h"
#include "probes/frames.h"
#include "probes/mactable.h"
#include "common/sighting.h"

/* Receives each sighting; takes ownership (free it with sighting_free). */
typedef void (*passive_sink_fn)(void *ctx, struct sighting *s);

/* Counters since passive_new. */
struct passive_counts {
	uint64_t frames;                         /* frames seen */
	uint64_t decoded;                        /* decoded to the end */
	uint64_t undecodable[FRAMES_REASON_MAX]; /* by reason; [0] unused */
	uint64_t lldp, cdp, arp, dhcp;           /* protocol frames decoded */
	uint64_t ssh, http, tls, ssdp, mdns;     /* ... and fingerprints */
	uint64_t routed;    /* fingerprints left out: a router forwarded them */
	uint64_t sightings; /* handed to the sink */
	uint64_t macs_evicted; /* MAC table evictions */
};

struct passive;

/* A new observer; sightings carry zone (may be NULL) and go to sink. */
struct passive *passive_new(size_t max_macs, uint32_t refresh_s,
    const char *zone, passive_sink_fn sink, void *ctx);
/* Make room for n MACs at once, before that many passive_know. */
void passive_reserve(struct passive *p, size_t n);
/* Start from what the store holds of a MAC (see mactable_know): it is
 * news again only when a refresh is due or with another IPv4 address or
 * content. False when the table is full. Before the first frame. The
 * store's digests, in its order LLDP, CDP, DHCP and with its "none", are
 * the table's; the store keeps none of fingerprints, which are news once
 * again after a restart. */
bool passive_know(struct passive *p, const uint8_t mac[6], int64_t told,
    const uint32_t *ipv4, size_t n_ipv4,
    const uint32_t digest[MACTABLE_STORED]);
/* The store never got s, one of this observer's sightings (a full queue
 * dropped it): every MAC it names is forgotten, so that the next frame
 * from that MAC is news again instead of waiting for a refresh. Safe
 * from within the sink. */
void passive_untold(struct passive *p, const struct sighting *s);
/* Release the observer. NULL is fine. */
void passive_free(struct passive *p);
/* Observe one frame of caplen captured bytes, seen at ts (seconds). The
 * MAC of a plain frame is looked up a few frames later (its table slot is
 * fetched meanwhile): call passive_flush after a run of frames. */
void passive_frame(struct passive *p, const uint8_t *bytes, size_t caplen,
    int64_t ts);
/* Observe every frame of q until it is closed and empty (frameq_drain),
 * as passive_frame would, then flush: when another thread reads the
 * frames. Plain frames come decoded, in runs. */
void passive_drain(struct passive *p, struct frameq *q);
/* Look up every MAC still waiting, emitting what is news. */
void passive_flush(struct passive *p);
/* Decode every frame in full (on) or let plain IPv4 frames take the short
 * way (off, the default); sightings and counters are the same either way. */
void passive_set_full_decode(struct passive *p, bool on);
/* The counters so far (after a passive_flush). */
const struct passive_counts *passive_counts(struct passive *p);
/* MACs the frames showed and the table still holds (after a
 * passive_flush). */
size_t passive_macs(struct passive *p);
/* MACs the table holds, from the frames or from passive_know. */
size_t passive_known(const struct passive *p);

#endif
