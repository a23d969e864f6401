/*
 * libFuzzer target: frames_decode_lldp over a bare payload.
 */
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frames_lldp out;

	fuzz_reason(frames_decode_lldp(data, size, &out));
	fuzz_lldp(&out, data, size);
	return 0;
}
