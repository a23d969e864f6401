/*
 * The HTML report's long lists, grouped (html_private.h): over a large
 * network the page would otherwise list every violating element with its
 * evidence (tens of megabytes no one reads). Past REPORT_HTML_LIST, the
 * page counts them per pack, rule, zone, vendor and status, shows the
 * first elements of each group in full, counts the violating elements by
 * zone and by vendor, and names the CSV and JSON reports, which hold
 * every element.
 */
#include "report/html_private.h"

#include <stdlib.h>
#include <string.h>

/* A key and how many elements have it. */
struct tally {
	const char *key;
	size_t n;
};

/* A row of a table by the keys it is grouped on, then its element. */
struct keyed {
	const char *k[5];
	long long id;
	size_t row;
};

static int
keyed_cmp(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;

	for (size_t i = 0; i < ARRAY_SIZE(x->k); i++) {
		int c = strcmp(x->k[i], y->k[i]);

		if (c != 0)
			return c;
	}
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

static bool
same_group(const struct keyed *x, const struct keyed *y)
{
	for (size_t i = 0; i < ARRAY_SIZE(x->k); i++)
		if (strcmp(x->k[i], y->k[i]) != 0)
			return false;
	return true;
}

/* The rows of t sorted by the columns cols (up to five; "" for fewer),
 * then element_id. A new array of t->nrows. */
static struct keyed *
sort_rows(const struct table *t, const char *const *cols, size_t ncols)
{
	struct keyed *k = xcalloc(t->nrows + 1, sizeof(*k));

	for (size_t i = 0; i < t->nrows; i++) {
		for (size_t c = 0; c < ARRAY_SIZE(k[i].k); c++)
			k[i].k[c] = c < ncols ? report_str(t, i, cols[c]) : "";
		k[i].id = report_num(t, i, "element_id");
		k[i].row = i;
	}
	qsort(k, t->nrows, sizeof(*k), keyed_cmp);
	return k;
}

bool
html_grouped(const struct report *r)
{
	size_t n;

	report_violating_elements(r, &n);
	return n > REPORT_HTML_LIST;
}

void
html_exports_note(struct report_out *out, const char *what)
{
	rout_puts(out, "<p class=\"note exports\">Every ");
	html_text(out, what);
	rout_puts(out,
	    " is in the CSV and JSON reports of the same database: "
	    "<code>vraudit report --format csv</code> (a row per rule and "
	    "element) and <code>vraudit report --format json</code> (each "
	    "element with its evidence).</p>\n");
}

/* Elements counted once each by the column col of their first
 * violation, most first. */
static void
count_by(struct report_out *out, const struct report *r, const char *col,
    const char *title)
{
	const struct table *v = &r->violations;
	size_t n, m = 0;
	const struct element_evidence *el = report_violating_elements(r, &n);
	struct keyed *k = xcalloc(n + 1, sizeof(*k));
	struct tally *c = xcalloc(n + 1, sizeof(*c));

	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < ARRAY_SIZE(k[i].k); j++)
			k[i].k[j] = "";
		k[i].k[0] = report_str(v, el[i].rows[0], col);
		k[i].id = el[i].id;
	}
	qsort(k, n, sizeof(*k), keyed_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || !same_group(&k[i], &k[i - 1]))
			c[m++].key = k[i].k[0];
		c[m - 1].n++;
	}
	/* most first; equal counts by name, as sorted */
	for (size_t i = 1; i < m; i++)
		for (size_t j = i; j > 0 && c[j].n > c[j - 1].n; j--) {
			struct tally t = c[j];

			c[j] = c[j - 1];
			c[j - 1] = t;
		}
	rout_printf(out,
	    "<table class=\"by-%s\"><tr><th>%s</th><th>violating "
	    "elements</th></tr>\n",
	    col, title);
	for (size_t i = 0; i < m; i++) {
		rout_puts(out, "<tr><td>");
		html_text(out, c[i].key);
		rout_printf(out, "</td><td class=\"n\">%zu</td></tr>\n",
		    c[i].n);
	}
	rout_puts(out, "</table>\n");
	free(c);
	free(k);
}

void
html_violation_groups(struct report_out *out, const struct report *r)
{
	static const char *const cols[] = { "policy", "rule", "zone", "vendor",
		"status" };
	const struct table *v = &r->violations;
	struct keyed *k = sort_rows(v, cols, ARRAY_SIZE(cols));
	size_t n, shown = 0;
	const struct element_evidence *el = report_violating_elements(r, &n);
	bool *sampled = xcalloc(n + 1, sizeof(*sampled));

	rout_puts(out,
	    "<section id=\"violations\"><h2>Violations by rule, zone and "
	    "vendor</h2>\n");
	rout_printf(out,
	    "<p class=\"note\">%zu elements break a rule, %zu violations in "
	    "all: more than %d, so this page groups them by pack, rule, zone, "
	    "vendor and status, shows the first %d elements of each group in "
	    "full (their evidence below) and says how many more there "
	    "are.</p>\n",
	    n, v->nrows, REPORT_HTML_LIST, REPORT_HTML_SAMPLE);
	html_exports_note(out, "violating element");
	rout_puts(out,
	    "<table class=\"groups\"><tr><th>pack</th><th>rule</th>"
	    "<th>zone</th><th>vendor</th><th>status</th><th>elements</th>"
	    "<th>first elements</th><th>not shown</th></tr>\n");
	for (size_t i = 0, end; i < v->nrows; i = end) {
		for (end = i + 1; end < v->nrows && same_group(&k[end], &k[i]);
		     end++)
			;
		rout_puts(out, "<tr class=\"group\"><td>");
		html_text(out, k[i].k[0]);
		rout_puts(out, "</td><td>");
		html_text(out, k[i].k[1]);
		rout_puts(out, "</td><td>");
		html_text(out, k[i].k[2]);
		rout_puts(out, "</td><td>");
		html_text(out, k[i].k[3]);
		rout_puts(out, "</td><td>");
		html_status(out, k[i].k[4], k[i].k[4]);
		rout_printf(out, "</td><td class=\"n\">%zu</td><td>", end - i);
		for (size_t j = i; j < end && j < i + REPORT_HTML_SAMPLE; j++) {
			const struct element_evidence *e =
			    report_element(r, k[j].id);

			rout_printf(out, "%s<a href=\"#element-%lld\">%lld</a>",
			    j > i ? ", " : "", k[j].id, k[j].id);
			if (e != NULL && !sampled[e - el]) {
				sampled[e - el] = true;
				shown++;
			}
		}
		rout_printf(out, "</td><td class=\"n\">%zu</td></tr>\n",
		    end - i > REPORT_HTML_SAMPLE ? end - i - REPORT_HTML_SAMPLE
						 : 0);
	}
	rout_puts(out,
	    "</table>\n<h3>Violating elements by zone and by vendor</h3>\n"
	    "<div class=\"charts\"><figure>");
	count_by(out, r, "zone", "zone");
	rout_puts(out, "</figure><figure>");
	count_by(out, r, "vendor", "vendor");
	rout_printf(out,
	    "</figure></div>\n<h3>The first elements of each group</h3>\n"
	    "<p class=\"note\">%zu of %zu elements, each with the rules it "
	    "breaks; open &ldquo;Evidence&rdquo; for what named its vendor "
	    "(printed in full).</p>\n",
	    shown, n);
	for (size_t i = 0; i < n; i++)
		if (sampled[i])
			html_element(out, r, &el[i]);
	rout_puts(out, "</section>\n");
	free(sampled);
	free(k);
}

void
html_new_groups(struct report_out *out, const struct report *r)
{
	static const char *const cols[] = { "policy", "rule", "zone",
		"vendor" };
	const struct table *f = &r->fresh;
	struct keyed *k = sort_rows(f, cols, ARRAY_SIZE(cols));

	rout_printf(out,
	    "<p class=\"note\">%zu rows, more than %d: grouped by pack, rule, "
	    "zone and vendor, with the first %d elements of each.</p>\n",
	    f->nrows, REPORT_HTML_LIST, REPORT_HTML_SAMPLE);
	html_exports_note(out, "new installation");
	rout_puts(out,
	    "<table class=\"new-groups\"><tr><th>pack</th><th>rule</th>"
	    "<th>zone</th><th>vendor</th><th>elements</th><th>waived</th>"
	    "<th>first elements</th><th>not shown</th></tr>\n");
	for (size_t i = 0, end; i < f->nrows; i = end) {
		size_t waived = 0;

		for (end = i; end < f->nrows && same_group(&k[end], &k[i]);
		     end++)
			if (report_cell(f, k[end].row, "waiver")->s != NULL)
				waived++;
		rout_puts(out, "<tr class=\"group\">");
		for (size_t c = 0; c < ARRAY_SIZE(cols); c++) {
			rout_puts(out, "<td>");
			html_text(out, k[i].k[c]);
			rout_puts(out, "</td>");
		}
		rout_printf(out,
		    "<td class=\"n\">%zu</td><td class=\"n\">%zu</td><td>",
		    end - i, waived);
		for (size_t j = i; j < end && j < i + REPORT_HTML_SAMPLE; j++)
			rout_printf(out, "%s%lld", j > i ? ", " : "", k[j].id);
		rout_printf(out, "</td><td class=\"n\">%zu</td></tr>\n",
		    end - i > REPORT_HTML_SAMPLE ? end - i - REPORT_HTML_SAMPLE
						 : 0);
	}
	rout_puts(out, "</table>\n");
	free(k);
}
