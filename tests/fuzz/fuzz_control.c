/*
 * libFuzzer target: the control path's kernel filter (probes/capture.c)
 * against the decoders. Every untagged, untunnelled frame the decoders
 * read as LLDP, CDP, ARP, DHCP or a fingerprint payload must pass the
 * filter, or the control path would lose it under load. (The other way
 * round need not hold: the filter may pass a few frames the decoders
 * refuse, such as an HTTP head in Ethernet padding.)
 */
#include <pcap/pcap.h>

#include "fuzz_common.h"
#include "probes/capture.h"

static struct bpf_program prog;

static void
compile_once(void)
{
	static int done;
	pcap_t *dead;
	char *text;

	if (done)
		return;
	done = 1;
	text = capture_path_filter(NULL, CAPTURE_CONTROL);
	dead = pcap_open_dead(DLT_EN10MB, CAPTURE_SNAPLEN);
	if (dead == NULL ||
	    pcap_compile(dead, &prog, text, 1, PCAP_NETMASK_UNKNOWN) != 0)
		abort();
	pcap_close(dead);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcap_pkthdr h;
	struct frame f;
	const struct frames_layer *l;

	compile_once();
	if (size > CAPTURE_SNAPLEN)
		return 0;
	memset(&h, 0, sizeof(h));
	h.caplen = h.len = (bpf_u_int32)size;
	frames_decode(data, size, &f);
	if (f.n_layers != 1 || f.proto == FRAMES_PROTO_NONE)
		return 0;
	l = &f.layers[0];
	/* Behind tags or SNAP (other than CDP's) the filter does not look. */
	if (l->n_vlans > 0 || (l->snap && f.proto != FRAMES_PROTO_CDP))
		return 0;
	if (pcap_offline_filter(&prog, &h, data) == 0)
		abort();
	return 0;
}
