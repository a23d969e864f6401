/*
 * libFuzzer target: GRE and ERSPAN headers and the frames they carry. The
 * input is the IPv4 payload; a fixed Ethernet + IPv4 (protocol 47) header is
 * put in front, and the copy is exactly as long as the frame so ASan sees
 * any read past it.
 */
#include <string.h>

#include "fuzz_common.h"

static const uint8_t outer[34] = {
	0x00,
	0x11,
	0x22,
	0x33,
	0x44,
	0x55,
	0x00,
	0x25,
	0x9e,
	0x00,
	0x00,
	0x01,
	0x08,
	0x00,
	0x45,
	0x00,
	0xff,
	0xff,
	0x00,
	0x00,
	0x00,
	0x00,
	0x40,
	0x2f,
	0x00,
	0x00,
	192,
	0,
	2,
	1,
	192,
	0,
	2,
	2,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frame f;
	uint8_t *buf;
	int r;

	if (size > 65535 - 20)
		return 0;
	buf = malloc(sizeof(outer) + size);
	if (buf == NULL)
		return 0;
	memcpy(buf, outer, sizeof(outer));
	if (size > 0)
		memcpy(buf + sizeof(outer), data, size);
	r = frames_decode(buf, sizeof(outer) + size, &f);
	fuzz_reason(r);
	if (f.n_layers < 1 || f.layers[0].ip_proto != 47)
		abort();
	if (f.proto == FRAMES_PROTO_LLDP)
		fuzz_lldp(&f.lldp, buf, sizeof(outer) + size);
	else if (f.proto == FRAMES_PROTO_CDP)
		fuzz_cdp(&f.cdp, buf, sizeof(outer) + size);
	else if (f.proto == FRAMES_PROTO_DHCP)
		fuzz_dhcp(&f.dhcp, buf, sizeof(outer) + size);
	free(buf);
	return 0;
}
