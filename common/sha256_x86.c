/*
 * The SHA-256 compression function on the x86 SHA extensions (SHA-NI),
 * used by common/sha256.c when the processor has them; the same digests
 * as the portable code, several times faster. Each quad-round adds four
 * words of the message schedule and four round constants, then runs two
 * double rounds; the state is kept as the instructions want it, in the
 * orders ABEF and CDGH.
 */
#include "common/sha256_impl.h"

#if SHA256_HAVE_X86

#include <cpuid.h>
#include <immintrin.h>

bool
sha256_x86_supported(void)
{
	unsigned int a, b, c, d;

	/* SSSE3 and SSE4.1 (leaf 1, ecx bits 9 and 19), SHA (leaf 7, ebx
	 * bit 29). */
	if (__get_cpuid(1, &a, &b, &c, &d) == 0 || (c & (1u << 9)) == 0 ||
	    (c & (1u << 19)) == 0)
		return false;
	if (__get_cpuid_count(7, 0, &a, &b, &c, &d) == 0)
		return false;
	return (b & (1u << 29)) != 0;
}

__attribute__((target("sha,ssse3,sse4.1"))) void
sha256_x86_compress(uint32_t h[8], const uint8_t *p, size_t blocks)
{
	/* Bytes of each 32-bit word reversed: the message is big-endian. */
	const __m128i swap =
	    _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i abef, cdgh, tmp, msg, w[4], abef_in, cdgh_in;

	tmp = _mm_loadu_si128((const void *)&h[0]);  /* A B C D */
	cdgh = _mm_loadu_si128((const void *)&h[4]); /* E F G H */
	tmp = _mm_shuffle_epi32(tmp, 0xb1);
	cdgh = _mm_shuffle_epi32(cdgh, 0x1b);
	abef = _mm_alignr_epi8(tmp, cdgh, 8);
	cdgh = _mm_blend_epi16(cdgh, tmp, 0xf0);
	for (; blocks > 0; blocks--, p += 64) {
		abef_in = abef;
		cdgh_in = cdgh;
		for (int q = 0; q < 16; q++) {
			if (q < 4) {
				const void *block = p + 16 * q;

				w[q] = _mm_shuffle_epi8(_mm_loadu_si128(block),
				    swap);
			} else {
				/* W[q] from W[q-4] .. W[q-1], in place of
				 * W[q-4]. */
				tmp = _mm_sha256msg1_epu32(w[q & 3],
				    w[(q + 1) & 3]);
				tmp = _mm_add_epi32(tmp,
				    _mm_alignr_epi8(w[(q + 3) & 3],
					w[(q + 2) & 3], 4));
				w[q & 3] =
				    _mm_sha256msg2_epu32(tmp, w[(q + 3) & 3]);
			}
			msg = _mm_add_epi32(w[q & 3],
			    _mm_loadu_si128((const void *)&sha256_k[4 * q]));
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, msg);
			msg = _mm_shuffle_epi32(msg, 0x0e);
			abef = _mm_sha256rnds2_epu32(abef, cdgh, msg);
		}
		abef = _mm_add_epi32(abef, abef_in);
		cdgh = _mm_add_epi32(cdgh, cdgh_in);
	}
	tmp = _mm_shuffle_epi32(abef, 0x1b);
	cdgh = _mm_shuffle_epi32(cdgh, 0xb1);
	abef = _mm_blend_epi16(tmp, cdgh, 0xf0);
	cdgh = _mm_alignr_epi8(cdgh, tmp, 8);
	_mm_storeu_si128((void *)&h[0], abef);
	_mm_storeu_si128((void *)&h[4], cdgh);
}

#endif
