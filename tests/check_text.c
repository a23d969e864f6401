/*
 * Unit tests of network text: the wire-text storage rule and its round
 * trip, the string buffer, and each escaper against a table of inputs and
 * the exact text a reader gets.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/text.h"

/* Bytes with their length: they may hold NULs. */
#define B(s) s, sizeof(s) - 1

START_TEST(test_wire_text_round_trip)
{
	static const struct {
		const char *in; /* bytes read off the wire */
		size_t in_len;
		const char *mem; /* the wire text in memory */
		size_t mem_len;
		bool utf8;       /* stored as TEXT */
		const char *out; /* the bytes it stands for */
		size_t out_len;
	} cases[] = {
		{ B(""), B(""), true, B("") },
		{ B("core-1"), B("core-1"), true, B("core-1") },
		/* Trailing NULs are padding: dropped. */
		{ B("VRP\0\0\0"), B("VRP"), true, B("VRP") },
		{ B("\0\0"), B(""), true, B("") },
		/* A NUL inside is kept, as C0 80 in memory. */
		{ B("a\0b"),
		    B("a\xc0\x80"
		      "b"),
		    false, B("a\0b") },
		{ B("a\0b\0\0"),
		    B("a\xc0\x80"
		      "b"),
		    false, B("a\0b") },
		{ B("\0a"),
		    B("\xc0\x80"
		      "a"),
		    false, B("\0a") },
		/* A C0 byte is doubled, so that C0 80 on the wire stays. */
		{ B("\xc0"), B("\xc0\xc0"), false, B("\xc0") },
		{ B("x\xc0\x80"), B("x\xc0\xc0\x80"), false, B("x\xc0\x80") },
		/* Invalid UTF-8 without NUL or C0 is as it came. */
		{ B("\xff\xfe"
		    "A"),
		    B("\xff\xfe"
		      "A"),
		    false,
		    B("\xff\xfe"
		      "A") },
		{ B("\xe4\xb8"), B("\xe4\xb8"), false, B("\xe4\xb8") },
		/* Valid UTF-8 is as it came, unless it holds a NUL. */
		{ B("Gr\xc3\xbc\xc3\x9f"
		    "e"),
		    B("Gr\xc3\xbc\xc3\x9f"
		      "e"),
		    true,
		    B("Gr\xc3\xbc\xc3\x9f"
		      "e") },
		{ B("\xe4\xb8\xad\0\xe5\x85\xb4"),
		    B("\xe4\xb8\xad\xc0\x80\xe5\x85\xb4"), false,
		    B("\xe4\xb8\xad\0\xe5\x85\xb4") },
		/* Control characters are text like any other. */
		{ B("a\r\n\x1b"), B("a\r\n\x1b"), true, B("a\r\n\x1b") },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *mem = text_from_wire(cases[i].in, cases[i].in_len),
		     *again;
		unsigned char out[32];
		size_t n;

		ck_assert_msg(strlen(mem) == cases[i].mem_len &&
			memcmp(mem, cases[i].mem, cases[i].mem_len) == 0,
		    "case %zu: in memory as %zu bytes", i, strlen(mem));
		ck_assert_msg(text_wire_is_utf8(mem) == cases[i].utf8,
		    "case %zu: TEXT or BLOB", i);
		n = text_wire_decode(mem, NULL);
		ck_assert_uint_eq(n, cases[i].out_len);
		ck_assert_uint_eq(text_wire_decode(mem, out), n);
		ck_assert_msg(memcmp(out, cases[i].out, n) == 0,
		    "case %zu: decoded bytes", i);
		/* The bytes read back from the store give the same text. */
		again = text_from_bytes(out, n);
		ck_assert_str_eq(again, mem);
		free(again);
		free(mem);
	}
}
END_TEST

START_TEST(test_stored_bytes_keep_their_trailing_nuls)
{
	char *mem = text_from_bytes("ab\0", 3);
	unsigned char out[8];

	/* Only the wire drops padding: a stored value is whole. */
	ck_assert_str_eq(mem, "ab\xc0\x80");
	ck_assert_uint_eq(text_wire_decode(mem, out), 3);
	ck_assert_mem_eq(out, "ab\0", 3);
	free(mem);
	mem = text_from_bytes(NULL, 0);
	ck_assert_str_eq(mem, "");
	free(mem);
}
END_TEST

START_TEST(test_strbuf)
{
	struct strbuf b = STRBUF_INIT;
	char big[300], *s;

	ck_assert_str_eq(strbuf_str(&b), "");
	strbuf_adds(&b, NULL);
	ck_assert_uint_eq(b.len, 0);
	strbuf_adds(&b, "ab");
	strbuf_addc(&b, 'c');
	strbuf_add(&b, "d\0e", 3);
	ck_assert_uint_eq(b.len, 6);
	ck_assert_mem_eq(b.s, "abcd\0e", 7); /* terminated after the NUL */
	strbuf_reset(&b);
	ck_assert_str_eq(strbuf_str(&b), "");
	ck_assert_uint_eq(b.len, 0);
	/* Growth past the first allocation, by both routes. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	strbuf_printf(&b, "%d:%s", 42, big);
	strbuf_adds(&b, big);
	ck_assert_uint_eq(b.len, 3 + 2 * 299);
	ck_assert_uint_eq(strlen(strbuf_str(&b)), b.len);
	ck_assert(strncmp(b.s, "42:xxx", 6) == 0);
	s = strbuf_steal(&b);
	ck_assert_uint_eq(strlen(s), 3 + 2 * 299);
	free(s);
	ck_assert_ptr_null(b.s);
	ck_assert_uint_eq(b.len, 0);
	/* Stealing an empty buffer still gives a string. */
	s = strbuf_steal(&b);
	ck_assert_str_eq(s, "");
	free(s);
	strbuf_printf(&b, "%s", "");
	ck_assert_str_eq(strbuf_str(&b), "");
	strbuf_finish(&b);
	ck_assert_ptr_null(b.s);
	strbuf_adds(&b, "again");
	ck_assert_str_eq(strbuf_str(&b), "again");
	strbuf_finish(&b);
}
END_TEST

START_TEST(test_utf8_sequences)
{
	ck_assert_uint_eq(text_utf8_seq("a", 1), 1);
	ck_assert_uint_eq(text_utf8_seq("\0", 1), 1);
	ck_assert_uint_eq(text_utf8_seq("\xc3\xbc", 2), 2);
	ck_assert_uint_eq(text_utf8_seq("\xe4\xb8\xad", 3), 3);
	ck_assert_uint_eq(text_utf8_seq("\xf0\x9f\x93\xa1", 4), 4);
	ck_assert_uint_eq(text_utf8_seq("\xe4\xb8\xad", 2), 0); /* cut */
	ck_assert_uint_eq(text_utf8_seq("\xc0\x80", 2), 0);     /* overlong */
	ck_assert_uint_eq(text_utf8_seq("\xed\xa0\x80", 3), 0); /* surrogate */
	ck_assert_uint_eq(text_utf8_seq("\x80", 1), 0);
	ck_assert_uint_eq(text_utf8_seq("", 0), 0);
}
END_TEST

static const struct escape_case {
	enum text_style style;
	const char *in;
	size_t in_len;
	const char *want;
	size_t want_len;
} escapes[] = {
	/* Terminal: controls, C1, invalid bytes and backslash escaped. */
	{ TEXT_TERMINAL, B("plain text"), B("plain text") },
	{ TEXT_TERMINAL, B("a\\b"), B("a\\\\b") },
	{ TEXT_TERMINAL, B("\x1b[2J"), B("\\x1b[2J") },
	{ TEXT_TERMINAL, B("\r\n\t"), B("\\x0d\\x0a\\x09") },
	{ TEXT_TERMINAL, B("a\0b"), B("a\\x00b") },
	{ TEXT_TERMINAL, B("\x7f"), B("\\x7f") },
	{ TEXT_TERMINAL,
	    B("x\xc2\x9b"
	      "1m"),
	    B("x\\xc2\\x9b1m") },
	{ TEXT_TERMINAL, B("\xc2\xa0\xc3\xbc"), B("\xc2\xa0\xc3\xbc") },
	{ TEXT_TERMINAL, B("\xe4\xb8\xad\xe5\x85\xb4"),
	    B("\xe4\xb8\xad\xe5\x85\xb4") },
	{ TEXT_TERMINAL,
	    B("\xff\xfe"
	      "A"),
	    B("\\xff\\xfeA") },
	{ TEXT_TERMINAL, B("\xe4\xb8"), B("\\xe4\\xb8") },
	{ TEXT_TERMINAL, B("\xc0\xaf"), B("\\xc0\\xaf") },
	{ TEXT_TERMINAL, B(""), B("") },
	/* CSV: the terminal form, quoted when needed, formulas inert. */
	{ TEXT_CSV, B("plain"), B("plain") },
	{ TEXT_CSV, B("a,b"), B("\"a,b\"") },
	{ TEXT_CSV, B("say \"hi\""), B("\"say \"\"hi\"\"\"") },
	{ TEXT_CSV, B("=1+1"), B("\"'=1+1\"") },
	{ TEXT_CSV, B("+33 1 23"), B("\"'+33 1 23\"") },
	{ TEXT_CSV, B("-2+3"), B("\"'-2+3\"") },
	{ TEXT_CSV, B("@SUM(A1:A9)"), B("\"'@SUM(A1:A9)\"") },
	{ TEXT_CSV, B("=HYPERLINK(\"http://x\",\"y\")"),
	    B("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"") },
	{ TEXT_CSV, B("1-2"), B("1-2") },
	{ TEXT_CSV, B("\t=1"), B("\"'\\x09=1\"") },
	{ TEXT_CSV, B("\rcmd"), B("\"'\\x0dcmd\"") },
	{ TEXT_CSV, B("\0=1"), B("\\x00=1") },
	{ TEXT_CSV, B("x\t=1"), B("x\\x09=1") },
	{ TEXT_CSV, B("line\r\nnext"), B("line\\x0d\\x0anext") },
	{ TEXT_CSV, B("\xff,"), B("\"\\xff,\"") },
	{ TEXT_CSV, B(""), B("") },
	/* JSON: the inside of a string. */
	{ TEXT_JSON, B("a\"b\\c"), B("a\\\"b\\\\c") },
	{ TEXT_JSON, B("\n\x01\x7f"), B("\\u000a\\u0001\\u007f") },
	{ TEXT_JSON, B("a\0b"), B("a\\u0000b") },
	{ TEXT_JSON, B("\xc2\x9b\xc3\xbc"), B("\xc2\x9b\xc3\xbc") },
	{ TEXT_JSON,
	    B("\xff"
	      "A"),
	    B("\\\\xffA") },
	{ TEXT_JSON, B("</script>"), B("</script>") },
	{ TEXT_JSON, B("plain \"x\" \xc3\xbc"), B("plain \\\"x\\\" \xc3\xbc") },
	/* HTML: the terminal form with character references. */
	{ TEXT_HTML, B("<a href='x'>&\""),
	    B("&lt;a href=&#39;x&#39;&gt;&amp;&quot;") },
	{ TEXT_HTML, B("\x1b<b>"), B("\\x1b&lt;b&gt;") },
	{ TEXT_HTML, B("\xff\\"), B("\\xff\\\\") },
	{ TEXT_HTML, B("\xc2\x85"), B("\\xc2\\x85") },
	/* Audit: the chain's form, C1 characters as they are. */
	{ TEXT_AUDIT, B("cap\\1\n\xff.pcap"), B("cap\\\\1\\x0a\\xff.pcap") },
	{ TEXT_AUDIT, B("a\0b\x7f"), B("a\\x00b\\x7f") },
	{ TEXT_AUDIT, B("\xc2\x9b\xc3\xbc\xe4\xb8\xad"),
	    B("\xc2\x9b\xc3\xbc\xe4\xb8\xad") },
	{ TEXT_AUDIT, B("\x80\xc1\xbf\xf5"), B("\\x80\\xc1\\xbf\\xf5") },
	{ TEXT_AUDIT, B("\"=<&'"), B("\"=<&'") },
	/* JSON value: only invalid bytes change; the rest is JSON's to escape. */
	{ TEXT_JSON_VALUE, B("a\"\\\n\x1b"), B("a\"\\\n\x1b") },
	{ TEXT_JSON_VALUE, B("a\0b"), B("a\0b") },
	{ TEXT_JSON_VALUE,
	    B("\xff\xfe"
	      "A\x07"),
	    B("\\xff\\xfeA\x07") },
	{ TEXT_JSON_VALUE, B("\xc3\xbc\xc3"), B("\xc3\xbc\\xc3") },
};

START_TEST(test_escapers)
{
	for (size_t i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++) {
		const struct escape_case *c = &escapes[i];
		struct strbuf b = STRBUF_INIT;
		size_t n;
		char *s;

		strbuf_adds(&b, "[");
		text_escape(&b, c->in, c->in_len, c->style);
		ck_assert_msg(b.len == c->want_len + 1 &&
			memcmp(b.s + 1, c->want, c->want_len) == 0,
		    "case %zu (style %d): got \"%s\"", i, (int)c->style, b.s);
		strbuf_finish(&b);
		/* the plain span as it is, then the rest escaped: the same */
		n = text_plain_span(c->in, c->in_len, c->style);
		ck_assert_uint_le(n, c->in_len);
		strbuf_add(&b, c->in, n);
		text_escape(&b, c->in + n, c->in_len - n, c->style);
		ck_assert_msg(b.len == c->want_len &&
			memcmp(b.s, c->want, c->want_len) == 0,
		    "case %zu (style %d), plain span %zu: got \"%s\"", i,
		    (int)c->style, n, b.s);
		strbuf_finish(&b);
		if (memchr(c->want, '\0', c->want_len) == NULL) {
			s = text_escaped(c->in, c->in_len, c->style);
			ck_assert_str_eq(s, c->want);
			free(s);
		}
	}
}
END_TEST

/* Every style over random values made of the bytes that matter to one of
 * them: the plain span as it is and the rest escaped is the whole value
 * escaped, and a CSV value is plain whole or not at all. */
START_TEST(test_plain_span_over_random_values)
{
	static const char alphabet[] = "aZ09 ,\"\\'&<>=+-@\t\r\n\x1b\x7f"
				       "\x80\xc3\xa9\xff";
	static const enum text_style styles[] = { TEXT_TERMINAL, TEXT_CSV,
		TEXT_JSON, TEXT_HTML, TEXT_AUDIT, TEXT_JSON_VALUE };
	unsigned seed = 20261207;

	for (int i = 0; i < 20000; i++) {
		unsigned char in[12];
		size_t len = (size_t)rand_r(&seed) % (sizeof(in) + 1);
		enum text_style style = styles[i % 6];
		struct strbuf whole = STRBUF_INIT, parts = STRBUF_INIT;
		size_t n;

		for (size_t k = 0; k < len; k++)
			in[k] = (unsigned char)alphabet[(size_t)rand_r(&seed) %
			    (sizeof(alphabet) - 1)];
		text_escape(&whole, in, len, style);
		n = text_plain_span(in, len, style);
		ck_assert_uint_le(n, len);
		if (style == TEXT_CSV)
			ck_assert(n == 0 || n == len);
		strbuf_add(&parts, in, n);
		text_escape(&parts, in + n, len - n, style);
		ck_assert_msg(whole.len == parts.len &&
			memcmp(whole.s, parts.s, whole.len) == 0,
		    "value %d (style %d), plain span %zu", i, (int)style, n);
		strbuf_finish(&whole);
		strbuf_finish(&parts);
	}
}
END_TEST

static Suite *
text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("wire");

	tcase_add_test(tc, test_wire_text_round_trip);
	tcase_add_test(tc, test_stored_bytes_keep_their_trailing_nuls);
	suite_add_tcase(s, tc);
	tc = tcase_create("strbuf");
	tcase_add_test(tc, test_strbuf);
	suite_add_tcase(s, tc);
	tc = tcase_create("escape");
	tcase_add_test(tc, test_utf8_sequences);
	tcase_add_test(tc, test_escapers);
	tcase_add_test(tc, test_plain_span_over_random_values);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(text_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
