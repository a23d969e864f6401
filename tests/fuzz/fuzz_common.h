/*
 * Checks shared by the fuzz targets: every view a decoder returns lies
 * inside the input, and rendering it for a log stays bounded.
 */
#ifndef VRAUDIT_FUZZ_COMMON_H
#define VRAUDIT_FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>

#include "probes/frames.h"

static inline void
fuzz_view(struct frames_str s, const uint8_t *data, size_t size)
{
	char buf[64];

	if (s.len == 0)
		return;
	if (s.p < data || s.len > size || (size_t)(s.p - data) > size - s.len)
		abort();
	if (frames_str_render(s, buf, sizeof(buf)) < s.len)
		abort();
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

	if (c->n_addrs > FRAMES_CDP_MAX_ADDRS || c->n_mgmt > FRAMES_CDP_MAX_ADDRS)
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
}

static inline void
fuzz_reason(int r)
{
	if (r < 0 || r >= FRAMES_REASON_MAX)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
