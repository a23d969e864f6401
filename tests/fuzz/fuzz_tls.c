/*
 * libFuzzer target: frames_decode_tls over a bare TCP payload (records, a
 * Certificate message, the DER of its first certificate).
 */
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frames_tls out;

	fuzz_reason(frames_decode_tls(data, size, &out));
	fuzz_tls(&out, data, size);
	return 0;
}
