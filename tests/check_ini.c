/*
 * Unit tests of common/ini: the dialect of vraudit.conf(5), the vendor
 * catalogue and the policy packs. Each case is a text and what the reader
 * makes of it, one line per section, key, continuation and section end
 * ("LINE [type|name]", "LINE key = value {item|item}", "LINE +key = ...",
 * "LINE end"), or the one error it reports.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/ini.h"
#include "common/text.h"
#include "common/util.h"

/* The keys every section of the cases takes. */
static const struct ini_key keys[] = {
	{ "one", 0 },
	{ "list", INI_LIST },
	{ "many", INI_REPEAT },
	{ "need", INI_NONEMPTY },
	{ "needs", INI_LIST | INI_NONEMPTY },
	{ NULL, 0 },
};

/* What the reader returns for len bytes of text, NULL on an error (in
 * err). */
static char *
render(const char *text, size_t len, char *err, size_t errlen)
{
	struct strbuf b = STRBUF_INIT;
	struct ini r;
	struct ini_line l;
	int rc;

	ini_init(&r, "t.conf", text, len, NULL, err, errlen);
	while ((rc = ini_next(&r, &l)) == 1) {
		switch (l.kind) {
		case INI_SECTION:
			strbuf_printf(&b, "%d [%s|%s]\n", l.line, l.type,
			    l.name);
			ini_keys(&r, keys);
			break;
		case INI_END:
			strbuf_printf(&b, "%d end\n", l.line);
			break;
		case INI_KEY:
		case INI_MORE:
			strbuf_printf(&b, "%d %s%s = %s", l.line,
			    l.kind == INI_MORE ? "+" : "", keys[l.key].name,
			    l.value);
			if (keys[l.key].flags & INI_LIST) {
				strbuf_adds(&b, " {");
				for (size_t i = 0; i < l.n_items; i++)
					strbuf_printf(&b, "%s%s",
					    i > 0 ? "|" : "", l.items[i]);
				strbuf_addc(&b, '}');
			}
			strbuf_addc(&b, '\n');
			break;
		}
	}
	ini_finish(&r);
	if (rc != 0) {
		strbuf_finish(&b);
		return NULL;
	}
	return strbuf_steal(&b);
}

/* Texts the dialect accepts, and what they mean. */
static const struct {
	const char *text;
	const char *lines;
} good[] = {
	{ "", "" },
	{ "; comment\n# comment\n\n \t \n   ; indented comment\n", "" },
	{ "[a]\none = 1\n", "1 [a|]\n2 one = 1\n1 end\n" },
	/* The type is the first word, the name the rest. */
	{ "[ zone  core site ]\n", "1 [zone|core site]\n1 end\n" },
	{ "[]\n", "1 [|]\n1 end\n" },
	{ "[a x]\n[a y]\n[b]\n",
	    "1 [a|x]\n1 end\n2 [a|y]\n2 end\n3 [b|]\n3 end\n" },
	/* A byte order mark, CRLF line ends, no newline at the end. */
	{ "\xEF\xBB\xBF[a]\r\none = v \r\n\r\nmany = w",
	    "1 [a|]\n2 one = v\n"
	    "4 many = w\n1 end\n" },
	/* ':' may stand for '='; the first of them separates. */
	{ "[a]\none: x = y\nmany = x: y\nmany:\n",
	    "1 [a|]\n2 one = x = y\n3 many = x: y\n4 many = \n1 end\n" },
	/* ';' after white space starts a comment; '#' never does after
	 * the start of a line, nor ';' right after a character. */
	{ "[a] ; c\none = v ; c\nmany = a;b # c\nmany = ;c\nmany =;c\n"
	  "many = x ;\n",
	    "1 [a|]\n2 one = v\n3 many = a;b # c\n4 many = \n5 many = ;c\n"
	    "6 many = x\n1 end\n" },
	{ "[a];c\n[b]\t; c\n", "1 [a|]\n1 end\n2 [b|]\n2 end\n" },
	/* Lists: items trimmed, continued on indented lines past blank
	 * lines and comments, after a ',' or not. */
	{ "[a]\nlist = x , y,\n  z\n\n; c\n\tw ; c\none = 1\n",
	    "1 [a|]\n2 list = x , y, {x|y}\n3 +list = z {z}\n6 +list = w {w}\n"
	    "7 one = 1\n1 end\n" },
	{ "[a]\nlist =\nmany = 1\n",
	    "1 [a|]\n2 list =  {}\n3 many = 1\n"
	    "1 end\n" },
	{ "[a]\nlist =\n  x\n",
	    "1 [a|]\n2 list =  {}\n3 +list = x {x}\n"
	    "1 end\n" },
	{ "[a]\nneeds =\n  x\n",
	    "1 [a|]\n2 needs =  {}\n3 +needs = x {x}\n"
	    "1 end\n" },
	/* An indented line continues a key only: after a header it is
	 * read as any line, and a list takes it whatever it holds. */
	{ "[a]\n  one = 1\n", "1 [a|]\n2 one = 1\n1 end\n" },
	{ "[a]\nlist = x\n  [b]\n",
	    "1 [a|]\n2 list = x {x}\n"
	    "3 +list = [b] {[b]}\n1 end\n" },
	{ "[a]\nmany = 1\nmany = 2\n[b]\none = 1\n[c]\none = 2\n",
	    "1 [a|]\n2 many = 1\n3 many = 2\n1 end\n4 [b|]\n5 one = 1\n"
	    "4 end\n6 [c|]\n7 one = 2\n6 end\n" },
};

START_TEST(test_good)
{
	char err[512];
	char *got =
	    render(good[_i].text, strlen(good[_i].text), err, sizeof(err));
	ck_assert_msg(got != NULL, "case %d: %s", _i, err);
	ck_assert_str_eq(got, good[_i].lines);
	free(got);
}
END_TEST

/* Texts the dialect refuses, and the one error. */
static const struct {
	const char *text;
	const char *err;
} bad[] = {
	{ "one = 1\n[a]\n",
	    "t.conf:1: one: key outside any section (expected "
	    "a [section] header first)" },
	{ "; c\n[a\none = 1\n",
	    "t.conf:2: section header lacks its closing "
	    "']'" },
	{ "[a ;]\n", "t.conf:1: section header lacks its closing ']'" },
	{ "[a] b\n",
	    "t.conf:1: unexpected text after the section header "
	    "(one \"key = value\" per line)" },
	{ "[a] # c\n",
	    "t.conf:1: unexpected text after the section header "
	    "(one \"key = value\" per line)" },
	{ "[a]\njust text\n",
	    "t.conf:2: expected \"key = value\" or a "
	    "[section] header" },
	{ "[a]\none ;= 1\n",
	    "t.conf:2: expected \"key = value\" or a "
	    "[section] header" },
	{ "[a]\n = 1\n",
	    "t.conf:2: a value without a key (expected \"key = "
	    "value\")" },
	{ "[a x]\nnope = 1\n",
	    "t.conf:2: [a x] nope: unknown key (expected "
	    "one, list, many, need or needs)" },
	{ "[a]\none = 1\n\none = 1\n",
	    "t.conf:4: [a] one: given twice (first "
	    "on line 2)" },
	{ "[a]\nlist = 1\nlist = 2\n",
	    "t.conf:3: [a] list: given twice "
	    "(first on line 2)" },
	{ "[a]\n[b]\n[a]\n",
	    "t.conf:3: [a] duplicate section (first on line "
	    "1)" },
	{ "[a x]\n[a  x ]\n",
	    "t.conf:2: [a x] duplicate section (first on "
	    "line 1)" },
	{ "[a]\none = 1\n\n; c\n  2\n",
	    "t.conf:5: [a] one: indented line "
	    "continues a single value (only lists may continue on indented "
	    "lines)" },
	{ "[a]\nlist = x,,y\n",
	    "t.conf:2: [a] list: empty list item "
	    "(expected a comma-separated list)" },
	{ "[a]\nlist = , x\n",
	    "t.conf:2: [a] list: empty list item "
	    "(expected a comma-separated list)" },
	{ "[a]\nlist = x\n  ,\n",
	    "t.conf:3: [a] list: empty list item "
	    "(expected a comma-separated list)" },
	{ "[a]\nlist = x,\n",
	    "t.conf:2: [a] list: empty list item (the line "
	    "ends with ',' and no indented line continues it)" },
	{ "[a]\nlist = x,\n\n[b]\n",
	    "t.conf:2: [a] list: empty list item "
	    "(the line ends with ',' and no indented line continues it)" },
	{ "[a]\nlist = x,\n  y, ; c\none = 1\n",
	    "t.conf:3: [a] list: empty "
	    "list item (the line ends with ',' and no indented line continues "
	    "it)" },
	{ "[a]\nneed =\n", "t.conf:2: [a] need: empty value" },
	{ "[a]\nneed = ; a comment\n", "t.conf:2: [a] need: empty value" },
	{ "[a]\nneeds =\none = 1\n", "t.conf:2: [a] needs: empty value" },
	{ "[a]\nneeds =\n", "t.conf:2: [a] needs: empty value" },
	{ "[a]\nneeds =\n[b]\n", "t.conf:2: [a] needs: empty value" },
};

START_TEST(test_bad)
{
	char err[512] = "";
	char *got =
	    render(bad[_i].text, strlen(bad[_i].text), err, sizeof(err));

	ck_assert_msg(got == NULL, "case %d accepted: %s", _i, got);
	ck_assert_str_eq(err, bad[_i].err);
}
END_TEST

/* "[a]\nkey = " then n bytes of 'x', then tail. */
static char *
long_text(const char *key, size_t n, const char *tail)
{
	struct strbuf b = STRBUF_INIT;

	strbuf_printf(&b, "[a]\n%s = ", key);
	for (size_t i = 0; i < n; i++)
		strbuf_addc(&b, 'x');
	strbuf_adds(&b, tail);
	return strbuf_steal(&b);
}

START_TEST(test_line_length)
{
	char err[512], *text, *got;

	/* "one = " and 4090 bytes: 4096, the longest line; its CR LF do not
	 * count. */
	text = long_text("one", INI_LINE_MAX - 6, "\r\n");
	got = render(text, strlen(text), err, sizeof(err));
	ck_assert_msg(got != NULL, "%s", err);
	free(got);
	free(text);
	text = long_text("one", INI_LINE_MAX - 5, "\n[b]\n");
	ck_assert_ptr_null(render(text, strlen(text), err, sizeof(err)));
	ck_assert_str_eq(err, "t.conf:2: line longer than 4096 bytes");
	free(text);
	/* A comment too: the rest is never read as a line of its own. */
	text = long_text("; one", INI_LINE_MAX, "\n");
	ck_assert_ptr_null(render(text, strlen(text), err, sizeof(err)));
	ck_assert_str_eq(err, "t.conf:2: line longer than 4096 bytes");
	free(text);
	/* The list before it ended with ',': that comes first, unless the
	 * long line is the indented line that continues it. */
	text = long_text("list = x,\nmany", INI_LINE_MAX, "\n");
	ck_assert_ptr_null(render(text, strlen(text), err, sizeof(err)));
	ck_assert_str_eq(err,
	    "t.conf:2: [a] list: empty list item (the line "
	    "ends with ',' and no indented line continues it)");
	free(text);
	text = long_text("list = x,\n  many", INI_LINE_MAX, "\n");
	ck_assert_ptr_null(render(text, strlen(text), err, sizeof(err)));
	ck_assert_str_eq(err, "t.conf:3: line longer than 4096 bytes");
	free(text);
}
END_TEST

START_TEST(test_nul_byte)
{
	static const char text[] = "[a]\none = a\0b\n";
	static const char comment[] = "[a]\n; a\0b\n";
	char err[512];

	ck_assert_ptr_null(render(text, sizeof(text) - 1, err, sizeof(err)));
	ck_assert_str_eq(err, "t.conf:2: line contains a NUL byte");
	ck_assert_ptr_null(
	    render(comment, sizeof(comment) - 1, err, sizeof(err)));
	ck_assert_str_eq(err, "t.conf:2: line contains a NUL byte");
}
END_TEST

/* The lines keys were given on, through the end of their section. */
START_TEST(test_given)
{
	static const char text[] = "[a]\n\nlist = x\nmany = 1\nmany = 2\n"
				   "[b]\none = 1\n";
	struct ini r;
	struct ini_line l;
	char err[512];

	ini_init(&r, "t.conf", text, strlen(text), NULL, err, sizeof(err));
	ck_assert_int_eq(ini_next(&r, &l), 1);
	ck_assert_int_eq(l.kind, INI_SECTION);
	ini_keys(&r, keys);
	ck_assert_int_eq(ini_given(&r, 1), 0);
	while (ini_next(&r, &l) == 1 && l.kind != INI_END)
		;
	ck_assert_int_eq(l.kind, INI_END);
	ck_assert_int_eq(l.line, 1);
	ck_assert_int_eq(ini_given(&r, 0), 0);
	ck_assert_int_eq(ini_given(&r, 1), 3);
	ck_assert_int_eq(ini_given(&r, 2), 4);
	ck_assert_int_eq(ini_next(&r, &l), 1);
	ck_assert_int_eq(l.kind, INI_SECTION);
	ck_assert_str_eq(l.type, "b");
	ini_keys(&r, keys);
	ck_assert_int_eq(ini_given(&r, 1), 0);
	ini_finish(&r);
}
END_TEST

/* The caller's errors take the same form; the first one is kept. */
START_TEST(test_errors)
{
	static const char text[] = "[target core]\none = 1\n";
	struct ini r;
	struct ini_line l;
	char err[512], small[16];

	ini_init(&r, "/etc/x.conf", text, strlen(text), NULL, err, sizeof(err));
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(ini_next(&r, &l), 1);
	ini_keys(&r, keys);
	ck_assert_int_eq(ini_next(&r, &l), 1);
	ck_assert_int_eq(ini_error(&r, l.line, keys[l.key].name,
			     "\"%s\" is "
			     "wrong",
			     l.value),
	    -1);
	ck_assert_str_eq(err,
	    "/etc/x.conf:2: [target core] one: \"1\" is "
	    "wrong");
	ck_assert_int_eq(ini_error(&r, 1, NULL, "later"), -1);
	ck_assert_str_eq(err,
	    "/etc/x.conf:2: [target core] one: \"1\" is "
	    "wrong");
	ck_assert_int_eq(ini_next(&r, &l), -1);
	ini_finish(&r);

	/* Outside a section, without a line, and cut to the buffer. */
	ini_init(&r, "x.conf", "", 0, NULL, err, sizeof(err));
	ck_assert_int_eq(ini_next(&r, &l), 0);
	ini_error(&r, 0, NULL, "no [pack] section");
	ck_assert_str_eq(err, "x.conf: no [pack] section");
	ini_finish(&r);
	ini_init(&r, "x.conf", "", 0, NULL, small, sizeof(small));
	ini_error(&r, 12, "key", "what");
	ck_assert_str_eq(small, "x.conf:12: key:");
	ini_finish(&r);
}
END_TEST

static Suite *
ini_suite(void)
{
	Suite *s = suite_create("ini");
	TCase *tc = tcase_create("reader");

	tcase_add_loop_test(tc, test_good, 0, (int)ARRAY_SIZE(good));
	tcase_add_loop_test(tc, test_bad, 0, (int)ARRAY_SIZE(bad));
	tcase_add_test(tc, test_line_length);
	tcase_add_test(tc, test_nul_byte);
	tcase_add_test(tc, test_given);
	tcase_add_test(tc, test_errors);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ini_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
