/*
 * libFuzzer target: the clear-text decoders over a bare TCP payload or UDP
 * datagram (SSH banner, HTTP head and UPnP description, SSDP), and the
 * choice of decoder by first bytes and ports. The first two bytes of the
 * input are the UDP ports' low bytes, so that 1900 and 5353 come up.
 */
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frames_ssh ssh;
	struct frames_http http;
	const uint8_t *p = data;
	size_t n = size;
	uint16_t sport = 0, dport = 0;
	enum frames_proto tp, up;

	if (n >= 2) {
		sport = p[0] & 1 ? 1900 : (uint16_t)(0xc000 | p[0]);
		dport = p[1] & 1 ? 5353 : (uint16_t)(0xc000 | p[1]);
		p += 2;
		n -= 2;
	}
	tp = frames_tcp_payload(p, n);
	up = frames_udp_payload(sport, dport, p, n);
	if (tp != FRAMES_PROTO_NONE && tp != FRAMES_PROTO_SSH &&
	    tp != FRAMES_PROTO_HTTP && tp != FRAMES_PROTO_TLS)
		abort();
	if (up != FRAMES_PROTO_NONE && up != FRAMES_PROTO_MDNS &&
	    up != FRAMES_PROTO_SSDP)
		abort();
	fuzz_reason(frames_decode_ssh(p, n, &ssh));
	fuzz_ssh(&ssh, p, n);
	fuzz_reason(frames_decode_http(p, n, &http));
	fuzz_http(&http, p, n);
	return 0;
}
