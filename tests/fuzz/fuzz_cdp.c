/*
 * libFuzzer target: frames_decode_cdp over a bare payload.
 */
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frames_cdp out;

	fuzz_reason(frames_decode_cdp(data, size, &out));
	fuzz_cdp(&out, data, size);
	return 0;
}
