/*
 * libFuzzer target: frames_decode_arp over a bare payload.
 */
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frames_arp out;
	int r = frames_decode_arp(data, size, &out);

	fuzz_reason(r);
	if (r == FRAMES_OK && size < 28)
		abort();
	return 0;
}
