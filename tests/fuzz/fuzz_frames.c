/*
 * libFuzzer target: frames_decode over whole Ethernet frames, and
 * frames_decode_plain held to the same answers.
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
		abort(); /* a full Ethernet header always yields its MACs */
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
	case FRAMES_PROTO_SSH:
		fuzz_ssh(&f->ssh, data, size);
		break;
	case FRAMES_PROTO_HTTP:
	case FRAMES_PROTO_SSDP:
		fuzz_http(&f->http, data, size);
		break;
	case FRAMES_PROTO_TLS:
		fuzz_tls(&f->tls, data, size);
		break;
	case FRAMES_PROTO_MDNS:
		fuzz_mdns(&f->mdns, data, size);
		break;
	default:
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frame f;
	int r = frames_decode(data, size, &f), q;

	check_frame(&f, r, data, size);
	/* The shortcut for plain IPv4 says what the full decoder says. */
	q = frames_decode_plain(data, size);
	if (q < -1 ||
	    (q >= 0 &&
		(q != r || f.n_layers != 1 || f.proto != FRAMES_PROTO_NONE)))
		abort();
	return 0;
}
