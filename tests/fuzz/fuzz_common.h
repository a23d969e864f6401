/*
 * Checks shared by the fuzz targets: every view a decoder returns lies
 * inside the input; the wire text made of it gives back its bytes, trailing
 * NULs aside; and its escaped forms hold no control character.
 */
#ifndef VRAUDIT_FUZZ_COMMON_H
#define VRAUDIT_FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/text.h"
#include "common/util.h"
#include "probes/frames.h"

/* An escaped form that a terminal takes as it is: valid UTF-8 without C0
 * or C1 controls. */
static inline void
fuzz_inert(const void *p, size_t len, enum text_style style)
{
	char *e = text_escaped(p, len, style);
	size_t n = strlen(e);

	if (!utf8_valid(e, n))
		abort();
	for (size_t i = 0; i < n; i++)
		if ((uint8_t)e[i] < 0x20 || e[i] == 0x7f ||
		    ((uint8_t)e[i] == 0xc2 && (uint8_t)e[i + 1] < 0xa0))
			abort();
	free(e);
}

static inline void
fuzz_view(struct frames_str s, const uint8_t *data, size_t size)
{
	size_t kept = s.len, n;
	uint8_t *back;
	char *t;

	if (s.len == 0)
		return;
	if (s.p < data || s.len > size || (size_t)(s.p - data) > size - s.len)
		abort();
	while (kept > 0 && s.p[kept - 1] == '\0')
		kept--;
	t = text_from_wire(s.p, s.len);
	n = text_wire_decode(t, NULL);
	if (n != kept || (back = malloc(n + 1)) == NULL)
		abort();
	if (text_wire_decode(t, back) != n || (n > 0 && memcmp(back, s.p, n)))
		abort();
	if (text_wire_is_utf8(t) !=
	    (utf8_valid(s.p, kept) && memchr(s.p, '\0', kept) == NULL))
		abort();
	free(back);
	free(t);
	fuzz_inert(s.p, s.len, TEXT_TERMINAL);
	fuzz_inert(s.p, s.len, TEXT_CSV);
	fuzz_inert(s.p, s.len, TEXT_HTML);
}

static inline void
fuzz_lldp(const struct frames_lldp *l, const uint8_t *data, size_t size)
{
	size_t i;

	if (l->n_mgmt > FRAMES_LLDP_MAX_MGMT)
		abort();
	fuzz_view(l->chassis_id, data, size);
	fuzz_view(l->port_id, data, size);
	fuzz_view(l->port_descr, data, size);
	fuzz_view(l->sys_name, data, size);
	fuzz_view(l->sys_descr, data, size);
	for (i = 0; i < l->n_mgmt; i++) {
		fuzz_view(l->mgmt[i].addr, data, size);
		fuzz_view(l->mgmt[i].oid, data, size);
	}
	fuzz_view(l->med_hw_rev, data, size);
	fuzz_view(l->med_fw_rev, data, size);
	fuzz_view(l->med_sw_rev, data, size);
	fuzz_view(l->med_serial, data, size);
	fuzz_view(l->med_manufacturer, data, size);
	fuzz_view(l->med_model, data, size);
	fuzz_view(l->med_asset_id, data, size);
}

static inline void
fuzz_cdp(const struct frames_cdp *c, const uint8_t *data, size_t size)
{
	char ip[64];
	size_t i;

	if (c->n_addrs > FRAMES_CDP_MAX_ADDRS ||
	    c->n_mgmt > FRAMES_CDP_MAX_ADDRS)
		abort();
	fuzz_view(c->device_id, data, size);
	fuzz_view(c->port_id, data, size);
	fuzz_view(c->software, data, size);
	fuzz_view(c->platform, data, size);
	fuzz_view(c->vtp_domain, data, size);
	for (i = 0; i < c->n_addrs; i++)
		if (frames_ip_str(&c->addrs[i], ip, sizeof(ip)) != 0)
			abort();
	for (i = 0; i < c->n_mgmt; i++)
		if (frames_ip_str(&c->mgmt[i], ip, sizeof(ip)) != 0)
			abort();
}

static inline void
fuzz_dhcp(const struct frames_dhcp *d, const uint8_t *data, size_t size)
{
	fuzz_view(d->host_name, data, size);
	fuzz_view(d->vendor_class, data, size);
	fuzz_view(d->client_id, data, size);
	fuzz_view(d->param_list, data, size);
}

/* Whether a view holds byte c. */
static inline int
fuzz_has(struct frames_str s, int c)
{
	return s.len > 0 && memchr(s.p, c, s.len) != NULL;
}

static inline void
fuzz_ssh(const struct frames_ssh *s, const uint8_t *data, size_t size)
{
	fuzz_view(s->banner, data, size);
	/* One line, of at most 255 bytes with its end. */
	if (s->banner.len > 254 || fuzz_has(s->banner, '\n'))
		abort();
}

static inline void
fuzz_http(const struct frames_http *h, const uint8_t *data, size_t size)
{
	fuzz_view(h->server, data, size);
	fuzz_view(h->manufacturer, data, size);
	fuzz_view(h->model_name, data, size);
	if (fuzz_has(h->server, '\n') || fuzz_has(h->manufacturer, '<') ||
	    fuzz_has(h->model_name, '<'))
		abort();
}

static inline void
fuzz_tls(const struct frames_tls *t, const uint8_t *data, size_t size)
{
	fuzz_view(t->subject_o, data, size);
	fuzz_view(t->subject_cn, data, size);
	fuzz_view(t->issuer_o, data, size);
	fuzz_view(t->issuer_cn, data, size);
	if (t->subject_complete && !t->has_certificate)
		abort();
}

static inline void
fuzz_mdns(const struct frames_mdns *m, const uint8_t *data, size_t size)
{
	if (m->n_names > FRAMES_MDNS_MAX || m->n_txt > FRAMES_MDNS_MAX)
		abort();
	for (size_t i = 0; i < m->n_names; i++) {
		fuzz_view(m->names[i], data, size);
		if (m->names[i].len == 0 || m->names[i].len > 63)
			abort();
	}
	for (size_t i = 0; i < m->n_txt; i++)
		fuzz_view(m->txt[i], data, size);
}

static inline void
fuzz_reason(int r)
{
	if (r < 0 || r >= FRAMES_REASON_MAX)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
