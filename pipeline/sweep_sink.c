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

void
sweep_sink_note(struct sweep_sink *k, const char *fmt, ...)
{
	struct strbuf line = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(&line, fmt, ap);
	va_end(ap);
	if (k->detail.len + line.len + 3 >= SWEEP_SINK_DETAIL_MAX)
		k->dropped++;
	else {
		if (k->detail.len > 0)
			strbuf_addc(&k->detail, '\n');
		strbuf_add(&k->detail, line.s, line.len);
	}
	strbuf_finish(&line);
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
	/* Tables the row budget cut: the agent's neighbours, MACs or
	 * modules are known in part. */
	if (r->notes & SWEEP_NOTE_BUDGET) {
		z->cut++;
		k->cut++;
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

void
sweep_sink_end(struct sweep_sink *k, uint64_t answered, const char *status)
{
	if (k->silent > 0)
		sweep_sink_note(k, "%llu targets did not answer (timeout)",
		    (unsigned long long)k->silent);
	if (k->cut > 0)
		sweep_sink_note(k,
		    "%llu targets' walks cut short by the row budget "
		    "(max-rows)",
		    (unsigned long long)k->cut);
	if (k->dropped > 0)
		sweep_sink_note(k, "and %zu more notes", k->dropped);
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
	for (size_t i = 0; i < k->n_zones_asked; i++)
		free((char *)k->zones_asked[i].zone);
	free(k->zones_asked);
	k->zones_asked = NULL;
	k->n_zones_asked = 0;
}
