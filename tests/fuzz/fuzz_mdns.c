/*
 * libFuzzer target: frames_decode_mdns over a bare UDP payload (DNS names
 * with compression pointers, records, TXT strings).
 */
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frames_mdns out;

	fuzz_reason(frames_decode_mdns(data, size, &out));
	fuzz_mdns(&out, data, size);
	return 0;
}
