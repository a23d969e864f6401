/*
 * libFuzzer target: frames_decode over whole Ethernet frames.
 */
#include "fuzz_common.h"

static void
check_frame(const struct frame *f, int r, const uint8_t *data, size_t size)
{
	size_t i;

	fuzz_reason(r);
	if (r != (int)f->reason || f->n_layers > FRAMES_MAX_LAYERS)
		abort();
	if (size >= 14 && f->n_layers == 0)
		abort();	/* a full Ethernet header always yields its MACs */
	for (i = 0; i < f->n_layers; i++)
		if (f->layers[i].n_vlans > FRAMES_MAX_VLANS)
			abort();
	switch (f->proto) {
	case FRAMES_PROTO_LLDP:
		fuzz_lldp(&f->lldp, data, size);
		break;
	case FRAMES_PROTO_CDP:
		fuzz_cdp(&f->cdp, data, size);
		break;
	case FRAMES_PROTO_DHCP:
		fuzz_dhcp(&f->dhcp, data, size);
		break;
	default:
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frame f;

	check_frame(&f, frames_decode(data, size, &f), data, size);
	return 0;
}
