/*
 * A sweep's results on their way to the store, the same for the command
 * line and the daemon: each answering agent and the neighbours it reports
 * get their zone and are queued in a writer (the neighbours linked from
 * the agent); an agent that refused us but told its SNMPv3 engineID is
 * recorded by that; and what went wrong (walks cut short, agents that
 * refused, then the targets that stayed silent, each by its address) is
 * kept, bounded, for the scan's detail, which ends with the counts. Each
 * target is counted in its zone (its address's, else its section's, else
 * unassigned) as answered, silent, refused or cut short: the scan's
 * coverage (scan_zone), and a sweep that cut a walk short is partial. A
 * walk is cut short when the row budget ran out or the agent stopped
 * answering, lost a request or failed before its walks ended
 * (SWEEP_NOTES_CUT).
 */
#ifndef VRAUDIT_PIPELINE_SWEEP_SINK_H
#define VRAUDIT_PIPELINE_SWEEP_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "common/text.h"
#include "probes/snmp.h"
#include "store/store.h"

struct writer;
struct writer_scan;
struct zone;

/* The scan's detail holds at most this many bytes of notes, of which the
 * counts at the end always have the last SWEEP_SINK_SUMMARY_ROOM. */
#define SWEEP_SINK_DETAIL_MAX 4096
#define SWEEP_SINK_SUMMARY_ROOM 512

/* Borrows zones, the writer and the scan. */
struct sweep_sink {
	const struct zone *zones;
	size_t n_zones;
	struct writer *w;
	struct writer_scan *scan;
	/* Called after sightings were queued (may be NULL). */
	void (*queued)(void *ctx);
	void *ctx;
	uint64_t neighbours; /* queued */
	uint64_t silent;     /* targets that did not answer */
	uint64_t refused;    /* targets that refused or failed */
	uint64_t cut;        /* targets whose walks were cut short: */
	uint64_t cut_budget; /*   by the row budget */
	uint64_t cut_silent; /*   by the agent falling silent; the rest lost
			      *   a request or failed */
	struct store_scan_zone *zones_asked; /* owned, names too */
	size_t n_zones_asked;
	struct strbuf detail;       /* owned */
	struct strbuf silent_names; /* owned: "address:port: timeout" lines */
	size_t dropped;             /* notes that did not fit */
};

/* The callbacks to give sweep_new, with the sink as their context. */
extern const struct sweep_callbacks sweep_sink_callbacks;

/* A sink writing to scan of w, with zones for what it finds. */
void sweep_sink_init(struct sweep_sink *k, const struct zone *zones,
    size_t n_zones, struct writer *w, struct writer_scan *scan);
/* Add a line to the scan's detail while it has room (the counts at the
 * end keep theirs). */
void sweep_sink_note(struct sweep_sink *k, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* End the scan with status ("complete", "failed", "interrupted"; a
 * complete sweep that cut a walk short becomes "partial"), the number of
 * targets that answered, the notes (the silent targets named while room
 * is left, then the counts of silent and cut targets and of notes left
 * out; still in detail afterwards) and the zones' counts. */
void sweep_sink_end(struct sweep_sink *k, uint64_t answered,
    const char *status);
/* Release what the sink owns. */
void sweep_sink_finish(struct sweep_sink *k);

#endif
