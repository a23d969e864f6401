/*
 * From decoded frames to sightings. The hot path is one decode and one MAC
 * table lookup per Ethernet header; a sighting is built only when the MAC
 * table says the store has something to learn. Plain IPv4 frames, most of
 * any capture, are checked by frames_decode_plain instead of being decoded
 * into a struct frame: the same counts and sightings at a fraction of the
 * cost (passive_set_full_decode turns this off, for tests to compare).
 *
 * Text from the wire follows the one rule of common/text.h: a field's bytes
 * are kept whole, NULs inside included; only trailing NUL padding, common
 * in CDP and LLDP strings, is dropped.
 */
#include "probes/passive.h"

#include <stdlib.h>
#include <string.h>

#include "probes/mactable.h"
#include "common/text.h"
#include "common/util.h"

/* Plain frames whose MAC lookup waits, so that its slot is loaded from
 * memory while the next frames are read (a lookup of a random MAC misses
 * the cache). Any other frame, and passive_flush, end the wait first, so
 * the table sees every MAC in frame order. */
#define PENDING 16

struct pending {
	uint8_t mac[6];
	int64_t ts;
};

struct passive {
	struct mactable *macs;
	char *zone;
	passive_sink_fn sink;
	void *ctx;
	bool full_decode; /* no shortcut for plain IPv4 frames */
	struct passive_counts counts;
	struct pending pending[PENDING];
	unsigned pend_head, pend_n;
};

struct passive *
passive_new(size_t max_macs, uint32_t refresh_s, const char *zone,
    passive_sink_fn sink, void *ctx)
{
	struct passive *p = xcalloc(1, sizeof(*p));

	p->macs = mactable_new(max_macs, refresh_s);
	p->zone = xstrdup(zone);
	p->sink = sink;
	p->ctx = ctx;
	return p;
}

bool
passive_know(struct passive *p, const uint8_t mac[6], int64_t told,
    const uint32_t *ipv4, size_t n_ipv4, const uint32_t digest[MACTABLE_PROTOS])
{
	return mactable_know(p->macs, mac, told, ipv4, n_ipv4, digest);
}

void
passive_untold(struct passive *p, const struct sighting *s)
{
	uint8_t mac[6];

	if (s->chassis_mac != NULL && mac_parse(s->chassis_mac, mac) == 0)
		mactable_forget(p->macs, mac);
	for (size_t i = 0; i < s->n_addrs; i++)
		if (s->addrs[i].kind == ADDR_MAC &&
		    mac_parse(s->addrs[i].value, mac) == 0)
			mactable_forget(p->macs, mac);
	if (s->has_content)
		mactable_forget(p->macs, s->content_mac);
}

void
passive_free(struct passive *p)
{
	if (p == NULL)
		return;
	mactable_free(p->macs);
	free(p->zone);
	free(p);
}

const struct passive_counts *
passive_counts(struct passive *p)
{
	passive_flush(p);
	p->counts.macs_evicted = mactable_evictions(p->macs);
	return &p->counts;
}

void
passive_set_full_decode(struct passive *p, bool on)
{
	p->full_decode = on;
}

size_t
passive_macs(struct passive *p)
{
	passive_flush(p);
	return mactable_seen(p->macs);
}

size_t
passive_known(const struct passive *p)
{
	return mactable_count(p->macs);
}

/* A view as a wire text (see the file comment); NULL when empty. */
static char *
text_of(struct frames_str s)
{
	char *t = text_from_wire(s.p, s.len);

	if (*t == '\0') {
		free(t);
		return NULL;
	}
	return t;
}

static void
set_text(char **field, struct frames_str s)
{
	char *t = text_of(s);

	if (t != NULL) {
		free(*field);
		*field = t;
	}
}

static void
add_input_text(struct sighting *s, enum evidence_kind kind, struct frames_str v)
{
	char *t = text_of(v);

	if (t != NULL) {
		sighting_add_input(s, kind, t);
		free(t);
	}
}

static bool
usable_mac(const uint8_t mac[MAC_LEN])
{
	return !mac_is_multicast(mac) && !mac_is_zero(mac);
}

static void
add_mac(struct sighting *s, const uint8_t mac[MAC_LEN], bool evidence)
{
	char text[MAC_STRLEN];

	mac_format(mac, text);
	sighting_add_addr(s, ADDR_MAC, text);
	if (evidence)
		sighting_add_input(s, EV_OUI, text);
}

static void
add_ip(struct sighting *s, const struct frames_ip *ip, bool as_mgmt)
{
	char text[46];

	static const uint8_t zero[16];

	/* 0.0.0.0 and :: say "no address" (CDP and LLDP send them). */
	if (memcmp(ip->addr, zero, ip->version == 4 ? 4 : 16) == 0 ||
	    frames_ip_str(ip, text, sizeof(text)) < 0)
		return;
	sighting_add_addr(s, ip->version == 4 ? ADDR_IPV4 : ADDR_IPV6, text);
	if (as_mgmt && s->mgmt_ip == NULL)
		sighting_set(&s->mgmt_ip, text);
}

static struct sighting *
new_sighting(struct passive *p, const char *source, int64_t ts)
{
	struct sighting *s = sighting_new(source, ts);

	if (p->zone != NULL)
		sighting_set(&s->zone, p->zone);
	return s;
}

static void
emit(struct passive *p, struct sighting *s)
{
	p->counts.sightings++;
	p->sink(p->ctx, s);
}

/* The content digest a sighting reports for mac, as the table keeps it,
 * so that the store can hand it back to a later capture. */
static void
set_content(struct sighting *s, const uint8_t mac[MAC_LEN], uint32_t digest)
{
	s->has_content = true;
	memcpy(s->content_mac, mac, MAC_LEN);
	s->content_digest = digest & MACTABLE_DIGEST_MASK; /* as kept */
}

/* Digest of the protocol content a MAC sent, to report only changes. */
static uint32_t
digest_str(uint32_t h, struct frames_str s)
{
	return mactable_digest(s.p, s.len, h);
}

/* A text field as text_of keeps it: without its trailing NUL padding. */
static struct frames_str
kept(struct frames_str s)
{
	while (s.len > 0 && s.p[s.len - 1] == '\0')
		s.len--;
	return s;
}

/* The digest of a text field: of what is kept of it. */
static uint32_t
digest_text(uint32_t h, struct frames_str s)
{
	return digest_str(h, kept(s));
}

static void
observe_lldp(struct passive *p, const uint8_t src[MAC_LEN],
    const struct frames_lldp *l, int64_t ts, bool refresh)
{
	struct sighting *s;
	uint32_t d;
	char text[MAC_STRLEN];

	d = digest_str(0, l->chassis_id);
	d = digest_text(d, l->sys_name);
	d = digest_text(d, l->sys_descr);
	d = digest_text(d, l->med_manufacturer);
	d = digest_text(d, l->med_model);
	d = digest_text(d, l->med_serial);
	for (size_t i = 0; i < l->n_mgmt; i++)
		d = digest_str(d, l->mgmt[i].addr);
	if (!mactable_note_content(p->macs, src, MACTABLE_LLDP, d) && !refresh)
		return;

	s = new_sighting(p, "lldp", ts);
	set_content(s, src, d);
	if (l->has_chassis_mac && usable_mac(l->chassis_mac)) {
		mac_format(l->chassis_mac, text);
		sighting_set(&s->chassis_mac, text);
		add_mac(s, l->chassis_mac, true);
	}
	if (l->chassis_subtype != 0 && l->chassis_id.len > 0) {
		char *id = text_of(l->chassis_id);
		char *key;

		if (l->has_chassis_mac) {
			mac_format(l->chassis_mac, text);
			key = xprintf("%u:%s", l->chassis_subtype, text);
		} else
			key = xprintf("%u:%s", l->chassis_subtype,
			    id != NULL ? id : "");
		sighting_set(&s->chassis_id, key);
		free(key);
		free(id);
	}
	if (l->has_chassis_ip)
		add_ip(s, &l->chassis_ip, true);
	for (size_t i = 0; i < l->n_mgmt; i++) {
		struct frames_ip ip = { 0 };
		const struct frames_lldp_mgmt *m = &l->mgmt[i];

		if (m->addr_subtype == 1 && m->addr.len == 4)
			ip.version = 4;
		else if (m->addr_subtype == 2 && m->addr.len == 16)
			ip.version = 6;
		else
			continue;
		memcpy(ip.addr, m->addr.p, m->addr.len);
		add_ip(s, &ip, true);
	}
	add_mac(s, src, true);
	set_text(&s->sys_name, l->sys_name);
	set_text(&s->sys_descr, l->sys_descr);
	set_text(&s->model, l->med_model);
	set_text(&s->serial, l->med_serial);
	set_text(&s->software, l->med_sw_rev);
	add_input_text(s, EV_LLDP, l->sys_descr);
	add_input_text(s, EV_LLDP, l->med_manufacturer);
	emit(p, s);
}

static void
observe_cdp(struct passive *p, const uint8_t src[MAC_LEN],
    const struct frames_cdp *c, int64_t ts, bool refresh)
{
	struct sighting *s;
	uint32_t d;

	d = digest_text(0, c->device_id);
	d = digest_text(d, c->software);
	d = digest_text(d, c->platform);
	for (size_t i = 0; i < c->n_addrs; i++)
		d = mactable_digest(c->addrs[i].addr, 16, d);
	for (size_t i = 0; i < c->n_mgmt; i++)
		d = mactable_digest(c->mgmt[i].addr, 16, d);
	if (!mactable_note_content(p->macs, src, MACTABLE_CDP, d) && !refresh)
		return;

	s = new_sighting(p, "cdp", ts);
	set_content(s, src, d);
	add_mac(s, src, true);
	for (size_t i = 0; i < c->n_mgmt; i++)
		add_ip(s, &c->mgmt[i], true);
	for (size_t i = 0; i < c->n_addrs; i++)
		add_ip(s, &c->addrs[i], true);
	set_text(&s->sys_name, c->device_id);
	set_text(&s->sys_descr, c->software);
	set_text(&s->model, c->platform);
	add_input_text(s, EV_CDP, c->platform);
	add_input_text(s, EV_CDP, c->software);
	emit(p, s);
}

static void
observe_host(struct passive *p, const char *source, const uint8_t mac[MAC_LEN],
    const uint8_t ip[4], int64_t ts, bool refresh)
{
	struct sighting *s;
	struct frames_ip fip = { .version = 4 };
	uint32_t v;

	if (!usable_mac(mac) || (ip[0] | ip[1] | ip[2] | ip[3]) == 0)
		return;
	memcpy(&v, ip, 4);
	/* The sender may differ from the frame's source (proxy ARP, relays). */
	if (mactable_touch(p->macs, mac, ts) == MAC_KNOWN &&
	    !mactable_note_ipv4(p->macs, mac, v) && !refresh)
		return;
	mactable_note_ipv4(p->macs, mac, v);
	s = new_sighting(p, source, ts);
	add_mac(s, mac, true);
	memcpy(fip.addr, ip, 4);
	add_ip(s, &fip, false);
	emit(p, s);
}

static void
observe_dhcp(struct passive *p, const struct frames_dhcp *d, int64_t ts,
    bool refresh)
{
	const uint8_t *mac = d->has_chaddr_mac ? d->chaddr
	    : d->has_client_mac                ? d->client_mac
					       : NULL;
	const uint8_t *ip = NULL;
	struct sighting *s;
	bool has_content, news;
	uint32_t dg;

	/* Only the client's own requests describe the client. */
	if (mac == NULL || d->op != 1 || !usable_mac(mac))
		return;
	/* Its content (the names it gives) and its address are news apart:
	 * a release names nothing, and says nothing new of the names. */
	has_content =
	    kept(d->host_name).len > 0 || kept(d->vendor_class).len > 0;
	dg = digest_text(0, d->host_name);
	dg = digest_text(dg, d->vendor_class);
	if (d->has_requested_ip)
		ip = d->requested_ip;
	else if (d->ciaddr[0] | d->ciaddr[1] | d->ciaddr[2] | d->ciaddr[3])
		ip = d->ciaddr;
	news = mactable_touch(p->macs, mac, ts) == MAC_NEW || refresh;
	if (has_content &&
	    mactable_note_content(p->macs, mac, MACTABLE_DHCP, dg))
		news = true;
	if (ip != NULL) {
		uint32_t v;

		memcpy(&v, ip, 4);
		if (mactable_note_ipv4(p->macs, mac, v))
			news = true;
	}
	if (!news)
		return;
	s = new_sighting(p, "dhcp", ts);
	if (has_content)
		set_content(s, mac, dg);
	add_mac(s, mac, true);
	if (ip != NULL) {
		struct frames_ip fip = { .version = 4 };

		memcpy(fip.addr, ip, 4);
		add_ip(s, &fip, false);
	}
	set_text(&s->sys_name, d->host_name);
	add_input_text(s, EV_DHCP, d->vendor_class);
	add_input_text(s, EV_DHCP, d->host_name);
	emit(p, s);
}

/* A frame that frames_decode_plain could read: only its source MAC counts. */
static void
touch_plain(struct passive *p, const struct pending *e)
{
	if (mactable_touch(p->macs, e->mac, e->ts) != MAC_KNOWN) {
		struct sighting *s = new_sighting(p, "mac", e->ts);

		add_mac(s, e->mac, true);
		emit(p, s);
	}
}

/* Look up the MAC that waited longest. */
static void
touch_oldest(struct passive *p)
{
	touch_plain(p, &p->pending[p->pend_head]);
	p->pend_head = (p->pend_head + 1) % PENDING;
	p->pend_n--;
}

void
passive_flush(struct passive *p)
{
	while (p->pend_n > 0)
		touch_oldest(p);
}

static void
plain_frame(struct passive *p, const uint8_t *src, int reason, int64_t ts)
{
	struct pending *e;

	if (reason == FRAMES_OK)
		p->counts.decoded++;
	else
		p->counts.undecodable[reason]++;
	if (!usable_mac(src))
		return;
	if (p->pend_n == PENDING)
		touch_oldest(p);
	e = &p->pending[(p->pend_head + p->pend_n) % PENDING];
	memcpy(e->mac, src, 6);
	e->ts = ts;
	p->pend_n++;
}

void
passive_plain(struct passive *p, const uint8_t src[6], int reason, int64_t ts)
{
	p->counts.frames++;
	mactable_prefetch(p->macs, src, false);
	plain_frame(p, src, reason, ts);
}

void
passive_frame(struct passive *p, const uint8_t *bytes, size_t caplen,
    int64_t ts)
{
	struct frame f;
	int reason;
	bool refresh = false;
	const uint8_t *last_src = NULL;

	p->counts.frames++;
	if (bytes != NULL && caplen >= 12)
		mactable_prefetch(p->macs, bytes + 6, false);
	if (!p->full_decode) {
		reason = frames_decode_plain(bytes, caplen);
		if (reason >= 0 && reason < FRAMES_REASON_MAX) {
			plain_frame(p, bytes + 6, reason, ts);
			return;
		}
	}
	passive_flush(p);
	/* ARP, DHCP and LLDP senders are mostly the frame's source. */
	if (bytes != NULL && caplen >= 12)
		mactable_prefetch(p->macs, bytes + 6, true);
	reason = frames_decode(bytes, caplen, &f);
	if (reason == FRAMES_OK)
		p->counts.decoded++;
	else if (reason > 0 && reason < FRAMES_REASON_MAX)
		p->counts.undecodable[reason]++;

	for (size_t i = 0; i < f.n_layers; i++) {
		const uint8_t *src = f.layers[i].src;
		enum mactable_news news;

		if (!usable_mac(src))
			continue;
		last_src = src;
		news = mactable_touch(p->macs, src, ts);
		if (i + 1 == f.n_layers && news == MAC_REFRESH)
			refresh = true;
		if (news != MAC_KNOWN) {
			struct sighting *s = new_sighting(p, "mac", ts);
			add_mac(s, src, true);
			emit(p, s);
		}
	}
	/* The payload belongs to the innermost frame. */
	if (last_src == NULL && f.proto != FRAMES_PROTO_ARP &&
	    f.proto != FRAMES_PROTO_DHCP)
		return;
	switch (f.proto) {
	case FRAMES_PROTO_NONE:
		break;
	case FRAMES_PROTO_LLDP:
		p->counts.lldp++;
		observe_lldp(p, f.layers[f.n_layers - 1].src, &f.lldp, ts,
		    refresh);
		break;
	case FRAMES_PROTO_CDP:
		p->counts.cdp++;
		observe_cdp(p, f.layers[f.n_layers - 1].src, &f.cdp, ts,
		    refresh);
		break;
	case FRAMES_PROTO_ARP:
		p->counts.arp++;
		observe_host(p, "arp", f.arp.sha, f.arp.spa, ts, refresh);
		break;
	case FRAMES_PROTO_DHCP:
		p->counts.dhcp++;
		observe_dhcp(p, &f.dhcp, ts, refresh);
		break;
	}
}
