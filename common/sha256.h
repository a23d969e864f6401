/*
 * SHA-256 (FIPS 180-4): a streaming digest for the audit chain, so that
 * an auditor can recompute every hash with any standard tool.
 */
#ifndef VRAUDIT_SHA256_H
#define VRAUDIT_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32     /* digest bytes */
#define SHA256_HEX_LEN 65 /* lower-case hex digest and its terminator */

/* State of one digest in progress. Owns nothing. */
struct sha256 {
	uint32_t h[8];
	uint64_t bytes; /* message length so far */
	uint8_t block[64];
	size_t fill; /* bytes waiting in block */
};

/* Start a digest. */
void sha256_init(struct sha256 *ctx);
/* Add len bytes of message. */
void sha256_update(struct sha256 *ctx, const void *data, size_t len);
/* Finish and write the digest; ctx must be initialised again to reuse it. */
void sha256_final(struct sha256 *ctx, uint8_t out[SHA256_LEN]);
/* Format a digest as 64 lower-case hex digits. */
void sha256_hex(const uint8_t digest[SHA256_LEN], char out[SHA256_HEX_LEN]);
/* Use the processor's SHA instructions where it has them (allow true,
 * the default) or the portable code only; returns whether they are in
 * use. For tests and benchmarks: the digests are the same either way. */
bool sha256_accelerated(bool allow);
/* Digest of one buffer, as hex. */
void sha256_buffer_hex(const void *data, size_t len, char out[SHA256_HEX_LEN]);

#endif
