/*
 * Unit tests of common/sha256.c: the FIPS 180-4 / NIST example vectors,
 * padding at every block boundary, and streaming in pieces of any size,
 * each with the portable compression function and with the processor's
 * SHA instructions where it has them; and the two against each other.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/sha256.h"
#include "common/util.h"
#include "tests/lib/testenv.h"

static const struct {
	const char *msg;
	const char *hex;
} nist[] = {
	{ "",
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc",
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	/* The 448-bit message: padding needs a second block. */
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	/* The 896-bit message of the SHA-512 examples. */
	{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
	  "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	    "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
};

/* Loop tests run twice per case: even _i portable, odd _i accelerated
 * (where the processor can). */
static void
pick(int i)
{
	sha256_accelerated(i % 2 == 1);
}

START_TEST(test_nist_vectors)
{
	char hex[SHA256_HEX_LEN];

	pick(_i);
	_i /= 2;
	sha256_buffer_hex(nist[_i].msg, strlen(nist[_i].msg), hex);
	ck_assert_str_eq(hex, nist[_i].hex);
}
END_TEST

START_TEST(test_one_million_a)
{
	struct sha256 ctx;
	uint8_t d[SHA256_LEN];
	char chunk[1000], hex[SHA256_HEX_LEN];

	pick(_i);
	memset(chunk, 'a', sizeof(chunk));
	sha256_init(&ctx);
	for (int i = 0; i < 1000; i++)
		sha256_update(&ctx, chunk, sizeof(chunk));
	sha256_final(&ctx, d);
	sha256_hex(d, hex);
	ck_assert_str_eq(hex,
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

/* Lengths around the 55/56-byte padding limit and the 64-byte block,
 * checked against Python's hashlib.sha256(b'a' * n). */
static const struct {
	size_t n;
	const char *hex;
} edges[] = {
	{ 55,
	    "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
	{ 56,
	    "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
	{ 57,
	    "f13b2d724659eb3bf47f2dd6af1accc87b81f09f59f2b75e5c0bed6589dfe8c6" },
	{ 63,
	    "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
	{ 64,
	    "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
	{ 65,
	    "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0" },
	{ 119,
	    "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb" },
	{ 120,
	    "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c" },
};

START_TEST(test_padding_at_block_edges)
{
	char buf[128], hex[SHA256_HEX_LEN];

	pick(_i);
	_i /= 2;
	memset(buf, 'a', sizeof(buf));
	sha256_buffer_hex(buf, edges[_i].n, hex);
	ck_assert_str_eq(hex, edges[_i].hex);
}
END_TEST

/* Any split of the message gives the digest of the whole. */
START_TEST(test_streaming_any_split)
{
	unsigned char msg[300];
	char whole[SHA256_HEX_LEN], hex[SHA256_HEX_LEN];

	pick(_i);
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)(i * 7 + 3);
	sha256_buffer_hex(msg, sizeof(msg), whole);
	for (size_t step = 1; step <= 130; step++) {
		struct sha256 ctx;
		uint8_t d[SHA256_LEN];

		sha256_init(&ctx);
		for (size_t off = 0; off < sizeof(msg); off += step)
			sha256_update(&ctx, msg + off,
			    sizeof(msg) - off < step ? sizeof(msg) - off
						     : step);
		sha256_update(&ctx, msg, 0);
		sha256_final(&ctx, d);
		sha256_hex(d, hex);
		ck_assert_msg(strcmp(hex, whole) == 0,
		    "pieces of %zu bytes: %s", step, hex);
	}
}
END_TEST

/* Both compression functions agree on every length up to 17 blocks and
 * on messages fed in odd pieces. */
START_TEST(test_accelerated_matches_portable)
{
	unsigned char msg[1100];
	char a[SHA256_HEX_LEN], b[SHA256_HEX_LEN];
	uint32_t x = 2463534242u;

	if (!sha256_accelerated(true)) {
		/* Nothing to compare with: said in the log, and the other
		 * cases ran the portable code. */
		fprintf(stderr,
		    "sha256: this processor has no SHA "
		    "instructions; only the portable code ran\n");
		return;
	}
	for (size_t i = 0; i < sizeof(msg); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		msg[i] = (unsigned char)x;
	}
	for (size_t n = 0; n <= sizeof(msg); n++) {
		sha256_accelerated(false);
		sha256_buffer_hex(msg, n, a);
		sha256_accelerated(true);
		sha256_buffer_hex(msg, n, b);
		ck_assert_msg(strcmp(a, b) == 0, "%zu bytes: %s, %s", n, a, b);
	}
}
END_TEST

static Suite *
sha256_suite(void)
{
	Suite *s = suite_create("sha256");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_nist_vectors, 0,
	    2 * (int)ARRAY_SIZE(nist));
	tcase_add_loop_test(tc, test_one_million_a, 0, 2);
	tcase_add_loop_test(tc, test_padding_at_block_edges, 0,
	    2 * (int)ARRAY_SIZE(edges));
	tcase_add_loop_test(tc, test_streaming_any_split, 0, 2);
	tcase_add_test(tc, test_accelerated_matches_portable);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testenv_run(sha256_suite());
}
