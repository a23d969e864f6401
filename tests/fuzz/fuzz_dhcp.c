/*
 * libFuzzer target: frames_decode_dhcp over a bare payload.
 */
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frames_dhcp out;

	fuzz_reason(frames_decode_dhcp(data, size, &out));
	fuzz_dhcp(&out, data, size);
	return 0;
}
