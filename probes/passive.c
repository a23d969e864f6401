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

#include <arpa/inet.h>
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

/* TCP connections whose opening SYN was seen, by a hash of the opener's
 * address and port and the other side's: enough to tell an SSH server's
 * banner from its client's. Direct-mapped; a lost entry falls back to the
 * ports. */
#define OPENED 4096

/* Fingerprint values longer than this are junk, not a name. */
#define FINGERPRINT_MAX 256

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
	uint32_t opened[OPENED]; /* hash | 1 of a connection, 0 = none */
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

void
passive_reserve(struct passive *p, size_t n)
{
	mactable_reserve(p->macs, n);
}

bool
passive_know(struct passive *p, const uint8_t mac[6], int64_t told,
    const uint32_t *ipv4, size_t n_ipv4, const uint32_t digest[MACTABLE_STORED])
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
	/* Neither multicast (nor broadcast) nor a placeholder (all zero
	 * among them): no identity, so each would be a new element. Inline,
	 * as every frame asks. */
	return (mac[0] & 0x01) == 0 && !mac_is_placeholder(mac);
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
	/* Its content (the names it gives, the options it asks for) and its
	 * address are news apart: a release names nothing, and says nothing
	 * new of the names. */
	has_content = kept(d->host_name).len > 0 ||
	    kept(d->vendor_class).len > 0 || d->param_list.len > 0;
	dg = digest_text(0, d->host_name);
	dg = digest_text(dg, d->vendor_class);
	if (d->param_list.len > 0)
		dg = digest_str(dg, d->param_list);
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
	if (d->param_list.len > 0) {
		struct strbuf codes = STRBUF_INIT;

		for (size_t i = 0; i < d->param_list.len; i++)
			strbuf_printf(&codes, i > 0 ? ",%u" : "%u",
			    d->param_list.p[i]);
		sighting_add_input(s, EV_DHCP_PRL, strbuf_str(&codes));
		strbuf_finish(&codes);
	}
	emit(p, s);
}

/* Fingerprints */

/* One piece of a fingerprint: prefix (may be "") and the text after it. */
struct fp_value {
	enum evidence_kind kind;
	enum mactable_proto proto;
	const char *prefix;
	struct frames_str text;
};

#define FP_VALUES (2 * FRAMES_MDNS_MAX)

struct fingerprint {
	const char *source;
	struct fp_value v[FP_VALUES];
	size_t n;
};

static void
fp_add(struct fingerprint *fp, enum evidence_kind kind,
    enum mactable_proto proto, const char *prefix, struct frames_str text)
{
	text = kept(text);
	if (text.len == 0 || text.len > FINGERPRINT_MAX || fp->n == FP_VALUES)
		return;
	fp->v[fp->n].kind = kind;
	fp->v[fp->n].proto = proto;
	fp->v[fp->n].prefix = prefix;
	fp->v[fp->n].text = text;
	fp->n++;
}

/* Whether the IP packet of layer l came from its frame's source MAC (see
 * passive.h): a TTL as stacks start it, multicast, or link-local. */
static bool
sent_on_link(const struct frames_layer *l)
{
	const uint8_t *src = l->ip_src.addr, *dst = l->ip_dst.addr;

	if (l->ip_version == 4 &&
	    ((dst[0] & 0xf0) == 0xe0 || (src[0] == 169 && src[1] == 254)))
		return true;
	if (l->ip_version == 6 &&
	    (dst[0] == 0xff || (src[0] == 0xfe && (src[1] & 0xc0) == 0x80)))
		return true;
	switch (l->ip_ttl) {
	case 32:
	case 60:
	case 64:
	case 128:
	case 255:
		return true;
	default:
		return false;
	}
}

/* Whether a view is an IPv4 or IPv6 address as text. */
static bool
is_address(struct frames_str s)
{
	char buf[INET6_ADDRSTRLEN];
	uint8_t a[16];

	if (s.len == 0 || s.len >= sizeof(buf))
		return false;
	memcpy(buf, s.p, s.len);
	buf[s.len] = '\0';
	return inet_pton(AF_INET, buf, a) == 1 ||
	    inet_pton(AF_INET6, buf, a) == 1;
}

/* A hash of a TCP connection as opened by one side: its address and
 * port, then the other's. Never 0. */
static uint32_t
connection(const struct frames_layer *l, bool by_source)
{
	const struct frames_ip *a = by_source ? &l->ip_src : &l->ip_dst;
	const struct frames_ip *b = by_source ? &l->ip_dst : &l->ip_src;
	uint8_t ports[4];
	uint16_t pa = by_source ? l->tcp_sport : l->tcp_dport;
	uint16_t pb = by_source ? l->tcp_dport : l->tcp_sport;
	uint32_t h;

	ports[0] = (uint8_t)(pa >> 8);
	ports[1] = (uint8_t)pa;
	ports[2] = (uint8_t)(pb >> 8);
	ports[3] = (uint8_t)pb;
	h = mactable_digest(a->addr, sizeof(a->addr), l->ip_version);
	h = mactable_digest(b->addr, sizeof(b->addr), h);
	return mactable_digest(ports, sizeof(ports), h) | 1;
}

/* A SYN (or SYN-ACK): remember who opened the connection. */
static void
note_opening(struct passive *p, const struct frames_layer *l)
{
	/* The SYN-ACK comes from the side the SYN went to. */
	uint32_t h = connection(l, (l->tcp_flags & FRAMES_TCP_ACK) == 0);

	p->opened[h % OPENED] = h;
}

/* Whether the sender of an SSH banner is the connection's server. */
static bool
ssh_server(const struct passive *p, const struct frames_layer *l)
{
	uint32_t mine = connection(l, true), theirs = connection(l, false);

	if (p->opened[mine % OPENED] == mine)
		return false;
	if (p->opened[theirs % OPENED] == theirs)
		return true;
	if (l->tcp_sport == 22 || l->tcp_dport == 22)
		return l->tcp_sport == 22;
	return l->tcp_sport < l->tcp_dport;
}

/* A certificate's names, the subject's first; a CN only where no O names
 * the same side, and not when it is an address; the issuer's only when
 * they differ from the subject's (a self-signed certificate). */
static void
tls_names(struct fingerprint *fp, const struct frames_tls *t)
{
	struct frames_str so = kept(t->subject_o), scn = kept(t->subject_cn);
	struct frames_str io = kept(t->issuer_o), icn = kept(t->issuer_cn);
	bool self = so.len == io.len && scn.len == icn.len &&
	    (so.len == 0 || memcmp(so.p, io.p, so.len) == 0) &&
	    (scn.len == 0 || memcmp(scn.p, icn.p, scn.len) == 0);

	fp_add(fp, EV_TLS, MACTABLE_TLS, "subject O=", so);
	if (so.len == 0 && !is_address(scn))
		fp_add(fp, EV_TLS, MACTABLE_TLS, "subject CN=", scn);
	if (self)
		return;
	fp_add(fp, EV_TLS, MACTABLE_TLS, "issuer O=", io);
	if (io.len == 0 && !is_address(icn))
		fp_add(fp, EV_TLS, MACTABLE_TLS, "issuer CN=", icn);
}

/* The fingerprint a decoded frame carries; fp->n is 0 when none. */
static void
fingerprint_of(struct passive *p, const struct frame *f,
    const struct frames_layer *l, struct fingerprint *fp)
{
	fp->n = 0;
	switch (f->proto) {
	case FRAMES_PROTO_SSH:
		p->counts.ssh++;
		fp->source = "ssh";
		if (ssh_server(p, l))
			fp_add(fp, EV_SSH, MACTABLE_SSH, "", f->ssh.banner);
		break;
	case FRAMES_PROTO_HTTP:
		p->counts.http++;
		fp->source = "http";
		fp_add(fp, EV_HTTP, MACTABLE_HTTP, "", f->http.server);
		fp_add(fp, EV_UPNP, MACTABLE_UPNP, "", f->http.manufacturer);
		fp_add(fp, EV_UPNP, MACTABLE_UPNP, "", f->http.model_name);
		break;
	case FRAMES_PROTO_SSDP:
		p->counts.ssdp++;
		fp->source = "ssdp";
		if (f->http.response || f->http.notify)
			fp_add(fp, EV_SSDP, MACTABLE_SSDP, "", f->http.server);
		break;
	case FRAMES_PROTO_TLS:
		p->counts.tls++;
		fp->source = "tls";
		tls_names(fp, &f->tls);
		break;
	case FRAMES_PROTO_MDNS:
		p->counts.mdns++;
		fp->source = "mdns";
		for (size_t i = 0; i < f->mdns.n_names; i++)
			fp_add(fp, EV_MDNS, MACTABLE_MDNS, "",
			    f->mdns.names[i]);
		for (size_t i = 0; i < f->mdns.n_txt; i++)
			fp_add(fp, EV_MDNS, MACTABLE_MDNS, "", f->mdns.txt[i]);
		break;
	default:
		break;
	}
}

/* A fingerprint's values as wire texts (common/text.h), prefixed. */
static char *
fp_text(const struct fp_value *v)
{
	char *t = text_from_wire(v->text.p, v->text.len);
	char *out = xprintf("%s%s", v->prefix, t);

	free(t);
	return out;
}

/* The sender of the fingerprint is news when one of its values is. */
static void
observe_fingerprint(struct passive *p, const struct frames_layer *l,
    const struct fingerprint *fp, int64_t ts, bool refresh)
{
	struct sighting *s;
	bool news = refresh;

	if (fp->n == 0 || !usable_mac(l->src))
		return;
	if (!sent_on_link(l)) {
		p->counts.routed++;
		return;
	}
	for (size_t i = 0; i < fp->n; i++) {
		const struct fp_value *v = &fp->v[i];
		uint32_t d = mactable_digest(v->prefix, strlen(v->prefix),
		    (uint32_t)v->kind);

		if (mactable_note_content(p->macs, l->src, v->proto,
			digest_str(d, v->text)))
			news = true;
	}
	if (!news)
		return;
	s = new_sighting(p, fp->source, ts);
	add_mac(s, l->src, true);
	add_ip(s, &l->ip_src, false);
	for (size_t i = 0; i < fp->n; i++) {
		char *t = fp_text(&fp->v[i]);

		sighting_add_input(s, fp->v[i].kind, t);
		free(t);
	}
	emit(p, s);
}

/* A frame that frames_decode_plain could read: only its source MAC counts. */
static void
touch_plain(struct passive *p, const uint8_t mac[MAC_LEN], int64_t ts)
{
	if (mactable_touch(p->macs, mac, ts) != MAC_KNOWN) {
		struct sighting *s = new_sighting(p, "mac", ts);

		add_mac(s, mac, true);
		emit(p, s);
	}
}

/* Look up the MAC that waited longest. */
static void
touch_oldest(struct passive *p)
{
	const struct pending *e = &p->pending[p->pend_head];

	touch_plain(p, e->mac, e->ts);
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

/* Frames frames_decode_plain already decoded, in order: what
 * passive_frame would do with them. */
static void
plain_run(void *ctx, const struct frameq_plain *f, size_t n)
{
	struct passive *p = ctx;
	/* The table slot of a frame's MAC is fetched this many frames
	 * before it is looked up (as the pending ring does per frame). */
	enum { AHEAD = PENDING };

	passive_flush(p); /* frames before these come first */
	p->counts.frames += n;
	for (size_t i = 0; i < n && i < AHEAD; i++)
		mactable_prefetch(p->macs, f[i].mac, false);
	for (size_t i = 0; i < n; i++) {
		if (i + AHEAD < n)
			mactable_prefetch(p->macs, f[i + AHEAD].mac, false);
		if (f[i].reason == FRAMES_OK)
			p->counts.decoded++;
		else
			p->counts.undecodable[f[i].reason]++;
		if (usable_mac(f[i].mac))
			touch_plain(p, f[i].mac, f[i].ts);
	}
}

static void
raw_frame(void *ctx, const uint8_t *bytes, size_t caplen, int64_t ts)
{
	passive_frame(ctx, bytes, caplen, ts);
}

void
passive_drain(struct passive *p, struct frameq *q)
{
	frameq_drain(q, plain_run, raw_frame, p);
	passive_flush(p);
}

void
passive_frame(struct passive *p, const uint8_t *bytes, size_t caplen,
    int64_t ts)
{
	struct frame f;
	struct fingerprint fp;
	const struct frames_layer *inner;
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
	if (f.n_layers == 0 ||
	    (last_src == NULL && f.proto != FRAMES_PROTO_ARP &&
		f.proto != FRAMES_PROTO_DHCP))
		return;
	inner = &f.layers[f.n_layers - 1];
	if (inner->tcp_flags & FRAMES_TCP_SYN)
		note_opening(p, inner);
	switch (f.proto) {
	case FRAMES_PROTO_NONE:
		break;
	case FRAMES_PROTO_LLDP:
		p->counts.lldp++;
		observe_lldp(p, inner->src, &f.lldp, ts, refresh);
		break;
	case FRAMES_PROTO_CDP:
		p->counts.cdp++;
		observe_cdp(p, inner->src, &f.cdp, ts, refresh);
		break;
	case FRAMES_PROTO_ARP:
		p->counts.arp++;
		observe_host(p, "arp", f.arp.sha, f.arp.spa, ts, refresh);
		break;
	case FRAMES_PROTO_DHCP:
		p->counts.dhcp++;
		observe_dhcp(p, &f.dhcp, ts, refresh);
		break;
	default:
		fingerprint_of(p, &f, inner, &fp);
		observe_fingerprint(p, inner, &fp, ts, refresh);
		break;
	}
}
