/*
 * Between common/sha256.c and its accelerated compression functions: the
 * round constants, and what each processor-specific file offers.
 */
#ifndef VRAUDIT_SHA256_IMPL_H
#define VRAUDIT_SHA256_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

extern const uint32_t sha256_k[64];

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SHA256_HAVE_X86 1
/* Whether this processor has the SHA extensions (and SSSE3, SSE4.1). */
bool sha256_x86_supported(void);
/* Compress blocks 64-byte blocks of p into h; only if supported. */
void sha256_x86_compress(uint32_t h[8], const uint8_t *p, size_t blocks);
#else
#define SHA256_HAVE_X86 0
#endif

#endif
