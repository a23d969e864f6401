/*
 * libFuzzer target: passive observation with and without the shortcut for
 * plain IPv4 frames. Two observers with a two-MAC table take the input as a
 * frame at several times, cut short, and from a second source, and must
 * count and report the same after every frame.
 */
#include <stdio.h>
#include <string.h>

#include "fuzz_common.h"
#include "probes/passive.h"

/* FNV-1a over every field of every sighting, in order. */
static void
mix_str(uint64_t *h, const char *s)
{
	if (s == NULL)
		s = "\x01";
	for (; *s != '\0'; s++) {
		*h ^= (uint8_t)*s;
		*h *= UINT64_C(0x100000001b3);
	}
	*h ^= 0xff;
	*h *= UINT64_C(0x100000001b3);
}

static void
digest(void *ctx, struct sighting *s)
{
	uint64_t *h = ctx;
	char when[32];

	snprintf(when, sizeof(when), "%lld", (long long)s->observed_at);
	mix_str(h, when);
	mix_str(h, s->source);
	mix_str(h, s->zone);
	mix_str(h, s->mgmt_ip);
	mix_str(h, s->chassis_mac);
	mix_str(h, s->chassis_id);
	mix_str(h, s->serial);
	mix_str(h, s->sys_name);
	mix_str(h, s->sys_descr);
	mix_str(h, s->sys_object_id);
	mix_str(h, s->model);
	mix_str(h, s->software);
	for (size_t i = 0; i < s->n_addrs; i++) {
		mix_str(h, addr_kind_name(s->addrs[i].kind));
		mix_str(h, s->addrs[i].value);
	}
	for (size_t i = 0; i < s->n_inputs; i++) {
		snprintf(when, sizeof(when), "%d", (int)s->inputs[i].kind);
		mix_str(h, when);
		mix_str(h, s->inputs[i].value);
	}
	sighting_free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t times[] = { 1000, 1000, 1001, 1061, 990, 5000,
		5001 };
	uint64_t h_fast = 0, h_full = 0;
	struct passive *fast = passive_new(2, 60, "z", digest, &h_fast);
	struct passive *full = passive_new(2, 60, "z", digest, &h_full);
	uint8_t *other = malloc(size > 0 ? size : 1);
	size_t cuts[3];

	passive_set_full_decode(full, true);
	memcpy(other, data, size);
	if (size >= 12)
		other[11] ^= 0x5a; /* a second source: the table evicts */
	cuts[0] = size;
	cuts[1] = size / 2;
	cuts[2] = size > 0 ? size - 1 : 0;
	for (size_t t = 0; t < sizeof(times) / sizeof(times[0]); t++) {
		for (size_t c = 0; c < 3; c++) {
			const uint8_t *frame = (t + c) % 3 == 2 ? other : data;

			int64_t ts = times[t] + (int64_t)c;

			passive_frame(fast, frame, cuts[c], ts);
			passive_frame(full, frame, cuts[c], ts);
			if (memcmp(passive_counts(fast), passive_counts(full),
				sizeof(struct passive_counts)) != 0 ||
			    h_fast != h_full ||
			    passive_macs(fast) != passive_macs(full))
				abort();
		}
	}
	free(other);
	passive_free(fast);
	passive_free(full);
	return 0;
}
