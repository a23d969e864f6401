/*
 * Recording a sweep's results (sweep_sink.h).
 */
#include "pipeline/sweep_sink.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/sighting.h"
#include "common/util.h"
#include "pipeline/writer.h"
#include "policy/zone.h"

static void
queued(struct sweep_sink *k)
{
	if (k->queued != NULL)
		k->queued(k->ctx);
}

/* Add a line while the detail stays under limit; else count it dropped. */
static void __attribute__((format(printf, 3, 0)))
note_within(struct sweep_sink *k, size_t limit, const char *fmt, va_list ap)
{
	struct strbuf line = STRBUF_INIT;

	strbuf_vprintf(&line, fmt, ap);
	if (k->detail.len + line.len + 3 >= limit)
		k->dropped++;
	else {
		if (k->detail.len > 0)
			strbuf_addc(&k->detail, '\n');
		strbuf_add(&k->detail, line.s, line.len);
	}
	strbuf_finish(&line);
}

void
sweep_sink_note(struct sweep_sink *k, const char *fmt, ...)
{
	va_list ap;

	/* The counts at the end always have room. */
	va_start(ap, fmt);
	note_within(k, SWEEP_SINK_DETAIL_MAX - SWEEP_SINK_SUMMARY_ROOM, fmt,
	    ap);
	va_end(ap);
}

/* A line of the counts at the end, in the room kept for them. */
static void __attribute__((format(printf, 2, 3)))
summary_note(struct sweep_sink *k, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	note_within(k, SWEEP_SINK_DETAIL_MAX, fmt, ap);
	va_end(ap);
}

/* The counts of zone (NULL: unassigned), added when new. */
static struct store_scan_zone *
zone_tally(struct sweep_sink *k, const char *zone)
{
	struct store_scan_zone *z;

	if (zone == NULL || *zone == '\0')
		zone = "unassigned";
	for (size_t i = 0; i < k->n_zones_asked; i++)
		if (strcmp(k->zones_asked[i].zone, zone) == 0)
			return &k->zones_asked[i];
	k->zones_asked = xreallocarray(k->zones_asked, k->n_zones_asked + 1,
	    sizeof(*k->zones_asked));
	z = &k->zones_asked[k->n_zones_asked++];
	memset(z, 0, sizeof(*z));
	z->zone = xstrdup(zone);
	return z;
}

static void
on_element(void *ctx, struct sweep_result *r)
{
	struct sweep_sink *k = ctx;
	struct store_scan_zone *z;

	zone_assign(k->zones, k->n_zones, r->element, r->zone);
	z = zone_tally(k, r->element->zone);
	z->targets++;
	z->answered++;
	/* Tables left unread, by the row budget or by an agent that stopped
	 * answering: its neighbours, MACs or modules are known in part. */
	if (r->notes & SWEEP_NOTES_CUT) {
		z->cut++;
		k->cut++;
		if (r->notes & SWEEP_NOTE_BUDGET)
			k->cut_budget++;
		else if (r->notes & SWEEP_NOTE_TIMEOUT)
			k->cut_silent++;
	}
	writer_add_element(k->w, k->scan, r->element);
	r->element = NULL;
	for (size_t i = 0; i < r->n_neighbours; i++) {
		struct sweep_neighbour *n = &r->neighbours[i];

		/* Its own address decides first, then the section that
		 * found it. */
		zone_assign(k->zones, k->n_zones, n->sighting, r->zone);
		if (writer_add_neighbour(k->w, k->scan, n->sighting,
			n->protocol, n->local_port, n->remote_port) == 0)
			k->neighbours++;
		n->sighting = NULL;
	}
	/* Walks that ended early are worth an auditor's attention. */
	if (r->notes != 0)
		sweep_sink_note(k, "%s:%u: %s", r->address, r->port, r->detail);
	queued(k);
}

static void
on_failure(void *ctx, const char *address, uint16_t port, const char *section,
    const char *zone, const char *reason, const char *engine_id)
{
	struct sweep_sink *k = ctx;
	struct store_scan_zone *z;
	struct sighting *s;
	const char *by_address = zone_for_ip(k->zones, k->n_zones, address);

	(void)section;
	z = zone_tally(k, by_address != NULL ? by_address : zone);
	z->targets++;
	if (strncmp(reason, "timeout", 7) == 0 && engine_id == NULL) {
		z->silent++;
		k->silent++;
		/* Named after the other notes, in the room they leave. */
		if (k->silent_names.len + strlen(address) + strlen(reason) +
			16 <
		    SWEEP_SINK_DETAIL_MAX) {
			if (k->silent_names.len > 0)
				strbuf_addc(&k->silent_names, '\n');
			strbuf_printf(&k->silent_names, "%s:%u: %s", address,
			    port, reason);
		} else
			k->dropped++;
		return;
	}
	z->refused++;
	k->refused++;
	sweep_sink_note(k, "%s:%u: %s", address, port, reason);
	if (engine_id == NULL)
		return;
	/* An agent that refused us still told us who made it. */
	s = sighting_new("snmp", time_now());
	sighting_set(&s->mgmt_ip, address);
	sighting_add_addr(s, strchr(address, ':') ? ADDR_IPV6 : ADDR_IPV4,
	    address);
	sighting_add_input(s, EV_ENGINEID, engine_id);
	zone_assign(k->zones, k->n_zones, s, NULL);
	writer_add_element(k->w, k->scan, s);
	queued(k);
}

const struct sweep_callbacks sweep_sink_callbacks = { on_element, on_failure };

void
sweep_sink_init(struct sweep_sink *k, const struct zone *zones, size_t n_zones,
    struct writer *w, struct writer_scan *scan)
{
	memset(k, 0, sizeof(*k));
	k->zones = zones;
	k->n_zones = n_zones;
	k->w = w;
	k->scan = scan;
}

/* The cut targets by cause: "N targets' walks cut short: M by ...". */
static void
cut_note(struct sweep_sink *k)
{
	struct strbuf b = STRBUF_INIT;
	uint64_t other = k->cut - k->cut_budget - k->cut_silent;
	const char *sep = ": ";

	strbuf_printf(&b, "%llu targets' walks cut short",
	    (unsigned long long)k->cut);
	if (k->cut_budget > 0) {
		strbuf_printf(&b, "%s%llu by the row budget (max-rows)", sep,
		    (unsigned long long)k->cut_budget);
		sep = ", ";
	}
	if (k->cut_silent > 0) {
		strbuf_printf(&b, "%s%llu stopped answering mid-walk", sep,
		    (unsigned long long)k->cut_silent);
		sep = ", ";
	}
	if (other > 0)
		strbuf_printf(&b, "%s%llu lost a request or failed", sep,
		    (unsigned long long)other);
	summary_note(k, "%s", strbuf_str(&b));
	strbuf_finish(&b);
}

void
sweep_sink_end(struct sweep_sink *k, uint64_t answered, const char *status)
{
	const char *p = strbuf_str(&k->silent_names);

	/* Silent targets last: what answered and went wrong comes first. */
	while (*p != '\0') {
		size_t n = strcspn(p, "\n");

		sweep_sink_note(k, "%.*s", (int)n, p);
		p += n;
		if (*p == '\n')
			p++;
	}
	if (k->silent > 0)
		summary_note(k, "%llu targets did not answer (timeout)",
		    (unsigned long long)k->silent);
	if (k->cut > 0)
		cut_note(k);
	if (k->dropped > 0)
		summary_note(k, "and %zu more notes", k->dropped);
	if (k->cut > 0 && strcmp(status, "complete") == 0)
		status = "partial";
	writer_scan_zones(k->w, k->scan, k->zones_asked, k->n_zones_asked);
	writer_scan_end(k->w, k->scan, status, (int64_t)answered, 0,
	    k->detail.len > 0 ? k->detail.s : NULL);
}

void
sweep_sink_finish(struct sweep_sink *k)
{
	strbuf_finish(&k->detail);
	strbuf_finish(&k->silent_names);
	for (size_t i = 0; i < k->n_zones_asked; i++)
		free((char *)k->zones_asked[i].zone);
	free(k->zones_asked);
	k->zones_asked = NULL;
	k->n_zones_asked = 0;
}
