/*
 * The report as one self-contained HTML page (report_private.h): inline
 * CSS for screen and print, SVG charts of the zone shares against their
 * caps and of high-risk elements over time, nothing fetched from
 * elsewhere. Every value is written in common/text.h's HTML style, so
 * that network text stays text, in elements and attributes alike.
 */
#include "report/html_private.h"

#include <stdlib.h>
#include <string.h>

/* A control character's picture (U+2400..U+2421), for bytes below 0x20 and
 * 0x7F. */
static void
put_picture(struct report_out *out, unsigned char c)
{
	unsigned cp = c == 0x7f ? 0x2421 : 0x2400 + c;

	rout_putc(out, (char)(0xe0 | (cp >> 12)));
	rout_putc(out, (char)(0x80 | ((cp >> 6) & 0x3f)));
	rout_putc(out, (char)(0x80 | (cp & 0x3f)));
}

/*
 * len bytes at p as HTML text, readable: CR LF and LF as line breaks;
 * other control characters as their picture (a CR alone as U+240D) and
 * bytes that are not UTF-8 (and C1 controls) as \xNN, each in a span of
 * class "ctl" so that they are seen as bytes, not text; &, <, >, " and '
 * as character references. markup false (SVG text, attribute values):
 * no elements, a line break as a space.
 */
static void
html_put(struct report_out *out, const void *p, size_t len, bool markup)
{
	const unsigned char *u = p;

	for (size_t i = 0; i < len;) {
		size_t n = text_utf8_seq(u + i, len - i);
		unsigned char c = u[i];

		if (c == '\n' ||
		    (c == '\r' && i + 1 < len && u[i + 1] == '\n')) {
			rout_puts(out, markup ? "<br>" : " ");
			i += c == '\r' ? 2 : 1;
			continue;
		}
		if (n == 1 && (c < 0x20 || c == 0x7f)) {
			if (markup)
				rout_printf(out,
				    "<span class=\"ctl\" title=\"control "
				    "byte 0x%02x\">",
				    c);
			put_picture(out, c);
			if (markup)
				rout_puts(out, "</span>");
			i++;
			continue;
		}
		if (n == 0 || (n == 2 && c == 0xc2 && u[i + 1] < 0xa0)) {
			if (n == 0)
				n = 1;
			if (markup)
				rout_puts(out,
				    "<span class=\"ctl\" title=\"bytes that are "
				    "not text\">");
			for (size_t k = 0; k < n; k++)
				rout_printf(out, "\\x%02x", u[i + k]);
			if (markup)
				rout_puts(out, "</span>");
			i += n;
			continue;
		}
		switch (c) {
		case '&':
			rout_puts(out, "&amp;");
			break;
		case '<':
			rout_puts(out, "&lt;");
			break;
		case '>':
			rout_puts(out, "&gt;");
			break;
		case '"':
			rout_puts(out, "&quot;");
			break;
		case '\'':
			rout_puts(out, "&#39;");
			break;
		default:
			rout_add(out, u + i, n);
		}
		i += n;
	}
}

static void
html(struct report_out *out, const char *s)
{
	if (s != NULL)
		html_put(out, s, strlen(s), true);
}

static void
html_value(struct report_out *out, const struct value *v)
{
	if (v->s != NULL)
		html_put(out, v->s, v->len, true);
}

void
html_text(struct report_out *out, const char *s)
{
	html(out, s);
}

void
html_cell(struct report_out *out, const struct table *t, size_t i,
    const char *col)
{
	html_value(out, report_cell(t, i, col));
}

/* A cell in SVG text: no markup. */
static void
svg_cell(struct report_out *out, const struct table *t, size_t i,
    const char *col)
{
	const struct value *v = report_cell(t, i, col);

	if (v->s != NULL)
		html_put(out, v->s, v->len, false);
}

/* A status as a class name: lower-case letters, digits and '-' kept,
 * anything else '-', so that any status the views give renders. */
static void
status_class(struct report_out *out, const char *status)
{
	for (const char *p = status; *p != '\0'; p++)
		rout_putc(out,
		    (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			    *p == '-'
			? *p
			: '-');
}

/* Screen: the summary first and compact; print: each big section on a
 * new page, evidence printed even when collapsed on screen. */
static const char html_style[] =
    "body{font-family:sans-serif;margin:1em 2em;color:#222;"
    "max-width:72em;line-height:1.35}"
    "h1{font-size:1.4em;margin:.2em 0}"
    "h2{font-size:1.25em;border-bottom:1px solid #ccc;margin-top:1.6em}"
    "h3{font-size:1.05em;margin:1em 0 .3em}h4{font-size:1em;"
    "margin:.8em 0 .2em}"
    "table{border-collapse:collapse;margin:.4em 0 1em 0;width:100%}"
    "th,td{border:1px solid #bbb;padding:.2em .45em;text-align:left;"
    "vertical-align:top;font-size:.88em}th{background:#eee}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "#result{font-size:1.1em;margin:.3em 0 0 0}header .note{margin:.2em 0}"
    "#summary h2{margin-top:.6em}"
    "table.summary td,table.summary th{font-size:.85em;padding:.15em .4em}"
    ".status{font-weight:bold;padding:0 .4em;border-radius:2px;"
    "white-space:nowrap;background:#e0e0e0}"
    ".status.violated{color:#fff;background:#b00020}"
    ".status.pending{background:#ffd54f}.status.met{background:#c8e6c9}"
    ".status.no-data,.status.stale,.status.partial,.status.incomplete"
    "{background:#ffcc80}.status.ok{background:#c8e6c9}"
    ".status.no-data{background:#cfd8dc}.status.stale{background:#ffcc80}"
    ".status.partial{background:#ffe0b2}"
    ".status.waived{background:#b3e5fc}.status.active{background:#b3e5fc}"
    ".status.lapsed{background:#e0e0e0}"
    ".note{font-size:.88em;color:#444}"
    ".addr-note{font-size:.85em;color:#8a4b00}"
    ".ctl{color:#777;background:#f0f0f0;border-radius:2px;"
    "font-size:.85em;padding:0 1px}"
    "article.element{border:1px solid #ddd;border-left:4px solid #b00020;"
    "padding:.3em .8em;margin:.8em 0}"
    "article.element h3{margin:.2em 0}"
    "table.violations td:nth-child(-n+4){white-space:nowrap}"
    "details.evidence summary{cursor:pointer;color:#1565c0}"
    "table.evidence td{font-size:.82em}"
    "svg{max-width:100%;height:auto}"
    ".charts{display:flex;flex-wrap:wrap;gap:1em}"
    ".charts figure{margin:0;flex:1 1 30em}"
    ".charts figcaption{font-weight:bold;margin:.3em 0}"
    "table.sign td{height:2.6em;width:40%}table.sign th{width:20%}"
    "@media print{body{margin:0;max-width:none;font-size:10pt}"
    "#violations,#rules,#provenance{break-before:page}"
    "h2,h3,h4{break-after:avoid}"
    "table,svg,figure,#sign-off{break-inside:avoid}"
    "details.evidence summary{color:#222}"
    "details.evidence::details-content{content-visibility:visible;"
    "display:block}"
    ".status,.ctl,article.element{-webkit-print-color-adjust:exact;"
    "print-color-adjust:exact}}"
    /* a browser that cannot show a closed details' content says so */
    "@supports not selector(::details-content){@media print{"
    "details.evidence:not([open])>summary::after{content:"
    "\" (collapsed: open it before printing to include it)\"}}}";

/* Bars of each zone share against its cap. */
static void
svg_shares(struct report_out *out, const struct report *r)
{
	const int label_w = 280, bar_w = 400, row_h = 26;
	const struct table *t = &r->shares;
	size_t n = t->nrows;
	int h = (int)n * row_h + 40;

	rout_printf(out,
	    "<svg id=\"zone-share-chart\" xmlns=\"http://www.w3.org/"
	    "2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	    "role=\"img\" aria-label=\"Covered vendors' share per zone against "
	    "its cap\">\n",
	    label_w + bar_w + 90, h, label_w + bar_w + 90, h);
	rout_printf(out,
	    "<text x=\"%d\" y=\"14\" font-size=\"12\">0%%</text>"
	    "<text x=\"%d\" y=\"14\" font-size=\"12\">100%%</text>\n",
	    label_w, label_w + bar_w - 30);
	for (size_t i = 0; i < n; i++) {
		double share = report_real(t, i, "share");
		double cap = report_real(t, i, "max_share");
		int y = 24 + (int)i * row_h;
		const char *status = report_str(t, i, "status");
		const char *fill = strcmp(status, "violated") == 0 ? "#b00020"
		    : strcmp(status, "pending") == 0               ? "#f9a825"
		    : strcmp(status, "met") == 0                   ? "#2e7d32"
								   : "#78909c";

		rout_printf(out,
		    "<g class=\"share\"><text x=\"0\" y=\"%d\" "
		    "font-size=\"12\">",
		    y + 14);
		svg_cell(out, t, i, "policy");
		rout_putc(out, '/');
		svg_cell(out, t, i, "rule");
		rout_puts(out, " ");
		svg_cell(out, t, i, "zone");
		rout_printf(out,
		    "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" "
		    "height=\"18\" fill=\"#eee\"/><rect x=\"%d\" y=\"%d\" "
		    "width=\"%.1f\" height=\"18\" fill=\"%s\"><title>%.2f%% "
		    "(cap %g%%)</title></rect><line x1=\"%.1f\" x2=\"%.1f\" "
		    "y1=\"%d\" y2=\"%d\" stroke=\"#000\" stroke-width=\"2\" "
		    "stroke-dasharray=\"3,2\"/><text x=\"%d\" y=\"%d\" "
		    "font-size=\"12\">%.1f%% / %g%%</text></g>\n",
		    label_w, y, bar_w, label_w, y, bar_w * share / 100, fill,
		    share, cap, label_w + bar_w * cap / 100,
		    label_w + bar_w * cap / 100, y - 2, y + 20,
		    label_w + bar_w + 6, y + 14, share, cap);
	}
	rout_puts(out, "</svg>\n");
}

/* Day number (days since the epoch) of an ISO-8601 date or time. */
static int64_t
day_of(const char *s)
{
	char d[POLICY_DATE_LEN];
	int64_t t;

	str_copy(d, s, sizeof(d));
	if (time_parse(d, &t) == -1)
		return 0;
	return t / REPORT_DAY;
}

/* High-risk elements known and seen over time, one point a day. */
static void
svg_history(struct report_out *out, const struct report *r)
{
	const int w = 720, h = 220, left = 40, bottom = 30;
	const struct table *t = &r->history;
	int64_t end = day_of(r->as_of), start = end - 30, max = 1;
	int64_t *known, *seen;
	char first[TIME_STRLEN];
	size_t ndays;

	for (size_t i = 0; i < t->nrows; i++)
		if (day_of(report_str(t, i, "first_seen")) < start)
			start = day_of(report_str(t, i, "first_seen"));
	if (start < end - 730)
		start = end - 730; /* two years at most */
	ndays = (size_t)(end - start + 1);
	known = xcalloc(ndays, sizeof(*known));
	seen = xcalloc(ndays, sizeof(*seen));

	for (size_t i = 0; i < t->nrows; i++) {
		int64_t f = day_of(report_str(t, i, "first_seen"));
		int64_t l = day_of(report_str(t, i, "last_seen"));

		for (int64_t d = f < start ? start : f; d <= end; d++) {
			known[d - start]++;
			if (d <= l)
				seen[d - start]++;
		}
	}
	for (size_t d = 0; d < ndays; d++)
		if (known[d] > max)
			max = known[d];
	rout_printf(out,
	    "<svg id=\"history-chart\" xmlns=\"http://www.w3.org/2000/"
	    "svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	    "role=\"img\" aria-label=\"High-risk elements over time\">\n",
	    w, h, w, h);
	rout_printf(out,
	    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#000\"/><line x1=\"%d\" y1=\"10\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#000\"/>\n",
	    left, h - bottom, w - 10, h - bottom, left, left, h - bottom);
	rout_printf(out,
	    "<text x=\"0\" y=\"16\" font-size=\"11\">%lld</text>"
	    "<text x=\"0\" y=\"%d\" font-size=\"11\">0</text>\n",
	    (long long)max, h - bottom);
	for (int series = 0; series < 2; series++) {
		const int64_t *v = series == 0 ? known : seen;

		rout_printf(out,
		    "<polyline class=\"%s\" fill=\"none\" "
		    "stroke=\"%s\" stroke-width=\"2\" points=\"",
		    series == 0 ? "known" : "seen",
		    series == 0 ? "#b00020" : "#1565c0");
		for (size_t d = 0; d < ndays; d++) {
			double x = left +
			    (double)(w - 10 - left) * (double)d /
				(double)(ndays > 1 ? ndays - 1 : 1);
			double y = (double)(h - bottom) -
			    (double)(h - bottom - 10) * (double)v[d] /
				(double)max;

			rout_printf(out, "%s%.1f,%.1f", d == 0 ? "" : " ", x,
			    y);
		}
		rout_puts(out, "\"/>\n");
	}
	time_format(start * REPORT_DAY, first);
	first[10] = '\0';
	rout_printf(out,
	    "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>"
	    "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">",
	    left, h - 10, first, w - 10, h - 10);
	html_put(out, r->as_of, strlen(r->as_of), false);
	rout_puts(out, "</text>\n");
	rout_printf(out,
	    "<text x=\"%d\" y=\"14\" font-size=\"11\" fill=\"#b00020\">"
	    "known (first seen by that day)</text><text x=\"%d\" y=\"28\" "
	    "font-size=\"11\" fill=\"#1565c0\">still seen that day or later"
	    "</text>\n</svg>\n",
	    w - 260, w - 260);
	free(known);
	free(seen);
}

void
html_status(struct report_out *out, const char *status, const char *text)
{
	rout_puts(out, "<span class=\"status ");
	status_class(out, status);
	rout_puts(out, "\">");
	html(out, text);
	rout_puts(out, "</span>");
}

/* The days left before a rule applies: a number while pending, "applies"
 * once it does. */
static void
html_days_left(struct report_out *out, const struct table *t, size_t i)
{
	if (strcmp(report_str(t, i, "status"), "pending") == 0)
		rout_printf(out, "<td class=\"n\">%lld</td>",
		    report_num(t, i, "days_left"));
	else
		rout_puts(out, "<td>applies</td>");
}

static void
html_header(struct report_out *out, const struct report *r)
{
	int violated, pending, met, unjudged;
	const char *result = report_result(r);

	report_tally(r, &violated, &pending, &met, &unjudged);
	rout_puts(out,
	    "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><meta name=\"viewport\" "
	    "content=\"width=device-width\"><title>vraudit compliance "
	    "report ");
	html(out, r->as_of);
	rout_printf(out, "</title>\n<style>%s</style></head>\n<body>\n",
	    html_style);
	rout_puts(out,
	    "<header><h1>vraudit compliance report</h1>\n<p id=\"result\">");
	html_status(out,
	    violated > 0       ? "violated"
		: unjudged > 0 ? "incomplete"
			       : "met",
	    result);
	rout_printf(out,
	    " %d violated, %d pending, %d met, %d not judged</p>\n"
	    "<p class=\"note\">as of ",
	    violated, pending, met, unjudged);
	html(out, r->as_of);
	rout_puts(out, " &middot; generated ");
	html(out, r->generated);
	rout_puts(out, " &middot; newest data ");
	if (*r->newest)
		rout_printf(out, "%s (%lld day%s old)", r->newest, r->age_days,
		    r->age_days == 1 ? "" : "s");
	else
		rout_puts(out, "none (no element recorded)");
	rout_puts(out, " &middot; <a href=\"#provenance\">provenance</a>");
	rout_puts(out, "</p></header>\n");
}

/* Every rule of every pack on one screen: the verdict and its figures. */
static void
html_summary(struct report_out *out, const struct report *r)
{
	rout_puts(out,
	    "<section id=\"summary\"><h2>Summary</h2>\n"
	    "<table class=\"summary\"><tr><th>pack</th><th>rule</th>"
	    "<th>status</th><th>elements in scope</th><th>covered</th>"
	    "<th>violating</th><th>deadline</th><th>days left</th></tr>\n");
	for (size_t p = 0; p < r->set->n_packs; p++) {
		const struct policy_pack *pk = r->set->packs[p];

		for (size_t k = 0; k < pk->n_rules; k++) {
			const struct policy_rule *ru = &pk->rules[k];
			long i = report_rule_row(r, pk->name, ru->name);
			const struct table *t = &r->rules;

			if (i < 0)
				continue;
			rout_puts(out, "<tr><td>");
			html(out, pk->name);
			rout_puts(out, "</td><td><a href=\"#rule-");
			status_class(out, pk->name);
			rout_puts(out, "-");
			status_class(out, ru->name);
			rout_puts(out, "\">");
			html(out, ru->name);
			rout_puts(out, "</a></td><td>");
			html_status(out, report_str(t, (size_t)i, "status"),
			    report_str(t, (size_t)i, "status"));
			rout_printf(out,
			    "</td><td class=\"n\">%lld</td><td class=\"n\">"
			    "%lld</td><td class=\"n\">%lld</td><td>",
			    report_num(t, (size_t)i, "elements"),
			    report_num(t, (size_t)i, "covered"),
			    report_violating(r, pk->name, ru->name));
			if (*ru->deadline)
				html(out, ru->deadline);
			else
				rout_puts(out, "none");
			rout_puts(out, "</td>");
			html_days_left(out, t, (size_t)i);
			rout_puts(out, "</tr>\n");
		}
	}
	rout_puts(out, "</table>\n</section>\n");
}

/* The ground each verdict stands on: how each zone was observed. */
static void
html_coverage(struct report_out *out, const struct report *r)
{
	static const char *const cols[] = { "elements", "targets", "answered",
		"silent", "refused", "cut", "missing", "captured" };
	const struct table *c = &r->coverage;

	rout_puts(out,
	    "<section id=\"coverage\"><h2>Coverage by zone</h2>\n"
	    "<p class=\"note\">");
	html(out, report_coverage_note);
	rout_puts(out,
	    "</p>\n<table class=\"coverage\"><tr><th>zone</th>"
	    "<th>coverage</th><th>elements</th><th>targets</th>"
	    "<th>answered</th><th>silent</th><th>refused</th>"
	    "<th>cut short</th><th>known agents missing</th>"
	    "<th>heard by capture</th><th>last answered sweep</th>"
	    "<th>observed</th><th>age (days)</th><th>why</th></tr>\n");
	for (size_t i = 0; i < c->nrows; i++) {
		rout_puts(out, "<tr><td>");
		html_cell(out, c, i, "zone");
		rout_puts(out, "</td><td>");
		html_status(out, report_str(c, i, "status"),
		    report_str(c, i, "status"));
		rout_puts(out, "</td>");
		for (size_t k = 0; k < ARRAY_SIZE(cols); k++)
			rout_printf(out, "<td class=\"n\">%lld</td>",
			    report_num(c, i, cols[k]));
		rout_puts(out, "<td>");
		html_cell(out, c, i, "last_sweep");
		rout_puts(out, "</td><td>");
		html_cell(out, c, i, "observed");
		rout_puts(out, "</td><td class=\"n\">");
		html_cell(out, c, i, "age_days");
		rout_puts(out, "</td><td>");
		html_cell(out, c, i, "reason");
		rout_puts(out, "</td></tr>\n");
	}
	rout_puts(out, "</table>\n<p class=\"note\">baseline: ");
	html(out, report_baseline_words(&r->baseline));
	rout_puts(out, "</p>\n</section>\n");
}

static void
html_charts(struct report_out *out, const struct report *r)
{
	rout_puts(out,
	    "<section id=\"charts\"><h2>Charts</h2>\n<div class=\"charts\">"
	    "<figure><figcaption>Zone shares against caps</figcaption>\n");
	svg_shares(out, r);
	rout_puts(out,
	    "</figure>\n<figure><figcaption>High-risk elements over time"
	    "</figcaption>\n");
	svg_history(out, r);
	rout_puts(out, "</figure></div>\n</section>\n");
}

static void
html_evidence(struct report_out *out, const struct report *r, int64_t id)
{
	const struct table *ev = report_evidence_of(r, id);

	if (ev == NULL || ev->nrows == 0) {
		rout_puts(out, "<p class=\"note\">No evidence recorded.</p>\n");
		return;
	}
	rout_printf(out,
	    "<details class=\"evidence\"><summary>Evidence: %zu "
	    "observation%s</summary>\n<table class=\"evidence\"><tr>"
	    "<th>kind</th><th>value</th><th>vendor</th><th>strength</th>"
	    "<th>rule</th><th>observed</th></tr>\n",
	    ev->nrows, ev->nrows == 1 ? "" : "s");
	for (size_t e = 0; e < ev->nrows; e++) {
		rout_puts(out, "<tr><td>");
		html_cell(out, ev, e, "kind");
		rout_puts(out, "</td><td>");
		html_cell(out, ev, e, "value");
		rout_puts(out, "</td><td>");
		html_cell(out, ev, e, "vendor");
		rout_printf(out, "</td><td class=\"n\">%.2f</td><td>",
		    report_real(ev, e, "strength"));
		html_cell(out, ev, e, "rule");
		rout_puts(out, "</td><td>");
		html_cell(out, ev, e, "observed_at");
		rout_puts(out, "</td></tr>\n");
	}
	rout_puts(out, "</table></details>\n");
}

/* Where it is, the rules it breaks, its evidence once. */
void
html_element(struct report_out *out, const struct report *r,
    const struct element_evidence *e)
{
	const struct table *v = &r->violations;
	size_t i = e->rows[0];
	long long id = e->id;
	const struct value *name = report_sys_name(r, id);
	const char *kind;
	const struct value *addr = report_address(r, i, &kind);

	rout_printf(out,
	    "<article class=\"element\" id=\"element-%lld\" "
	    "data-element=\"%lld\"><h3>Element %lld",
	    id, id, id);
	html_element_site(out, r, id);
	if (name->s != NULL && name->len > 0) {
		rout_puts(out, " &middot; ");
		html_value(out, name);
	}
	rout_puts(out, "</h3>\n<p>address: ");
	if (*kind == '\0')
		rout_puts(out, "none known");
	else {
		rout_puts(out, "<code>");
		html_value(out, addr);
		rout_puts(out, "</code>");
	}
	if (*kind != '\0' && strcmp(kind, "mgmt") != 0) {
		rout_puts(out, " <span class=\"addr-note\">(");
		html(out, kind);
		rout_puts(out,
		    " address seen on the network, not the management "
		    "address)</span>");
	}
	rout_puts(out, " &middot; vendor ");
	html_cell(out, v, i, "vendor");
	rout_puts(out, " &middot; zone ");
	html_cell(out, v, i, "zone");
	rout_puts(out,
	    "</p>\n<table class=\"violations\"><tr><th>pack</th><th>rule</th>"
	    "<th>status</th><th>deadline</th><th>detail</th></tr>\n");
	for (size_t j = 0; j < e->n_rows; j++) {
		size_t k = e->rows[j];

		rout_puts(out, "<tr><td>");
		html_cell(out, v, k, "policy");
		rout_puts(out, "</td><td>");
		html_cell(out, v, k, "rule");
		rout_puts(out, "</td><td>");
		html_status(out, report_str(v, k, "status"),
		    report_str(v, k, "status"));
		rout_puts(out, "</td><td>");
		html_cell(out, v, k, "deadline");
		rout_puts(out, "</td><td>");
		html_cell(out, v, k, "detail");
		rout_puts(out, "</td></tr>\n");
	}
	rout_puts(out, "</table>\n");
	html_evidence(out, r, id);
	rout_puts(out, "</article>\n");
}

static void
html_violations(struct report_out *out, const struct report *r)
{
	size_t n;
	const struct element_evidence *el = report_violating_elements(r, &n);

	if (html_grouped(r)) {
		html_violation_groups(out, r);
		return;
	}
	rout_puts(out,
	    "<section id=\"violations\"><h2>Violations by element</h2>\n");
	if (n == 0)
		rout_puts(out, "<p>No element breaks a rule.</p>\n");
	else
		rout_printf(out,
		    "<p class=\"note\">%zu element%s, each with the rules it "
		    "breaks; open &ldquo;Evidence&rdquo; for what named its "
		    "vendor (printed in full).</p>\n",
		    n, n == 1 ? "" : "s");
	for (size_t k = 0; k < n; k++)
		html_element(out, r, &el[k]);
	rout_puts(out, "</section>\n");
}

static void
html_rule(struct report_out *out, const struct report *r, const char *policy,
    const struct policy_rule *ru)
{
	long i = report_rule_row(r, policy, ru->name);
	const struct table *v = &r->violations;
	char *verdict, *terms;
	size_t n = 0;

	if (i < 0)
		return;
	verdict = report_rule_verdict(&r->rules, (size_t)i);
	terms = report_rule_terms(&r->rules, (size_t)i);
	rout_puts(out, "<h4 id=\"rule-");
	status_class(out, policy);
	rout_puts(out, "-");
	status_class(out, ru->name);
	rout_puts(out, "\">");
	html_status(out, report_str(&r->rules, (size_t)i, "status"), verdict);
	rout_puts(out, " ");
	html(out, ru->name);
	rout_puts(out, ": ");
	html(out, ru->title);
	rout_puts(out, "</h4>\n<p class=\"note\">");
	html(out, terms);
	rout_printf(out, "; %lld of %lld elements in scope covered",
	    report_num(&r->rules, (size_t)i, "covered"),
	    report_num(&r->rules, (size_t)i, "elements"));
	if (*ru->first_seen_after)
		rout_printf(out, ", %lld new",
		    report_num(&r->rules, (size_t)i, "new_elements"));
	free(verdict);
	free(terms);
	if (html_grouped(r)) {
		/* the sampled elements only have an entry */
		rout_printf(out,
		    ". Violating elements: %lld, grouped under <a "
		    "href=\"#violations\">Violations</a>.</p>\n",
		    report_violating(r, policy, ru->name));
		return;
	}
	for (size_t k = report_rule_range(r, (size_t)i)->first;
	     k < report_rule_range(r, (size_t)i)->end; k++) {
		long long id = report_num(v, k, "element_id");

		rout_printf(out, "%s<a href=\"#element-%lld\">%lld</a>",
		    n++ == 0 ? ". Violating elements: " : ", ", id, id);
	}
	rout_puts(out, ".</p>\n");
}

static void
html_policy(struct report_out *out, const struct report *r,
    const struct policy_pack *pk)
{
	rout_puts(out, "<div class=\"policy\"><h3>");
	html(out, pk->name);
	rout_puts(out, ": ");
	html(out, pk->title);
	rout_puts(out, "</h3>\n<p class=\"note\">Source: ");
	html(out, pk->source);
	rout_puts(out, ". Vendors:");
	for (size_t v = 0; v < pk->n_vendors; v++) {
		rout_putc(out, ' ');
		html(out, pk->vendors[v]);
	}
	rout_puts(out, ".</p>\n");
	for (size_t i = 0; i < pk->n_rules; i++)
		html_rule(out, r, pk->name, &pk->rules[i]);
	rout_puts(out, "</div>\n");
}

static void
html_shares(struct report_out *out, const struct report *r)
{
	const struct table *t = &r->shares;

	rout_puts(out,
	    "<h3>Zone shares</h3>\n<table class=\"shares\"><tr><th>policy"
	    "</th><th>rule</th><th>zone</th><th>elements</th><th>high "
	    "risk</th><th>share</th><th>cap</th><th>deadline</th>"
	    "<th>status</th></tr>\n");
	for (size_t i = 0; i < t->nrows; i++) {
		rout_puts(out, "<tr><td>");
		html_cell(out, t, i, "policy");
		rout_puts(out, "</td><td>");
		html_cell(out, t, i, "rule");
		rout_puts(out, "</td><td>");
		html_cell(out, t, i, "zone");
		rout_printf(out,
		    "</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td>"
		    "<td class=\"n\">%.2f%%</td><td class=\"n\">%g%%</td><td>",
		    report_num(t, i, "elements"), report_num(t, i, "high_risk"),
		    report_real(t, i, "share"), report_real(t, i, "max_share"));
		html_cell(out, t, i, "deadline");
		rout_puts(out, "</td><td>");
		html_status(out, report_str(t, i, "status"),
		    report_str(t, i, "status"));
		rout_puts(out, "</td></tr>\n");
	}
	rout_puts(out, "</table>\n");
}

static void
html_rules(struct report_out *out, const struct report *r)
{
	rout_puts(out, "<section id=\"rules\"><h2>Rules in detail</h2>\n");
	for (size_t p = 0; p < r->set->n_packs; p++)
		html_policy(out, r, r->set->packs[p]);
	html_shares(out, r);
	rout_puts(out, "</section>\n");
}

/* Lifecycle: the retired elements and the waivers, one section. */
static void
html_lifecycle(const struct report *r, struct report_out *out)
{
	static const char *const tcols[] = { "element_id", "mgmt_ip",
		"sys_name", "vendor", "zone", "last_seen", "retired_at",
		"retired_reason" };
	const struct table *t = &r->retired, *w = &r->waivers;

	rout_puts(out,
	    "<section id=\"lifecycle\" class=\"lifecycle\">\n<h2>Retired elements</h2>\n");
	rout_printf(out, "<p class=\"note\">%zu retired: ", t->nrows);
	html(out, report_lifecycle_note);
	rout_puts(out,
	    "</p>\n<table class=\"retired\"><tr><th>element</th>"
	    "<th>mgmt_ip</th><th>sys_name</th><th>vendor</th><th>zone</th>"
	    "<th>last seen</th><th>retired</th><th>why</th></tr>\n");
	for (size_t i = 0; i < t->nrows && i < REPORT_HTML_LIST; i++) {
		rout_puts(out, "<tr>");
		for (size_t k = 0; k < ARRAY_SIZE(tcols); k++) {
			rout_puts(out, "<td>");
			html_cell(out, t, i, tcols[k]);
			rout_puts(out, "</td>");
		}
		rout_puts(out, "</tr>\n");
	}
	rout_puts(out, "</table>\n");
	if (t->nrows > REPORT_HTML_LIST) {
		rout_printf(out,
		    "<p class=\"note\">The first %d of %zu retired elements, "
		    "by the day they were retired.</p>\n",
		    REPORT_HTML_LIST, t->nrows);
		html_exports_note(out, "retired element");
	}
	rout_puts(out, "<h2>Waivers</h2>\n");
	if (r->waiver_warning != NULL) {
		rout_puts(out, "<p class=\"note\"><strong>Warning:</strong> ");
		html(out, r->waiver_warning);
		rout_puts(out, "</p>\n");
	}
	if (r->waiver_file.nrows > 0) {
		rout_puts(out, "<p class=\"note\">Recorded from ");
		html_cell(out, &r->waiver_file, 0, "path");
		rout_puts(out, " (sha256 ");
		html_cell(out, &r->waiver_file, 0, "digest");
		rout_puts(out, ") at ");
		html_cell(out, &r->waiver_file, 0, "synced_at");
		rout_puts(out, ".</p>\n");
	}
	rout_puts(out,
	    "<table class=\"waivers\"><tr><th>waiver</th><th>status</th>"
	    "<th>covers</th><th>rule</th><th>reason</th><th>approver</th>"
	    "<th>expires</th><th>days left</th><th>excuses</th></tr>\n");
	for (size_t i = 0; i < w->nrows; i++) {
		rout_puts(out, "<tr><td>");
		html_cell(out, w, i, "name");
		rout_puts(out, "</td><td>");
		html_status(out, report_str(w, i, "status"),
		    report_str(w, i, "status"));
		rout_puts(out, "</td><td>");
		html_cell(out, w, i, "scope_kind");
		rout_puts(out, " ");
		html_cell(out, w, i, "scope");
		rout_puts(out, "</td><td>");
		html_cell(out, w, i, "pack");
		if (*report_str(w, i, "rule")) {
			rout_puts(out, "/");
			html_cell(out, w, i, "rule");
		} else
			rout_puts(out, " (all rules)");
		rout_puts(out, "</td><td>");
		html_cell(out, w, i, "reason");
		rout_puts(out, "</td><td>");
		html_cell(out, w, i, "approver");
		rout_puts(out, "</td><td>");
		html_cell(out, w, i, "expires");
		rout_printf(out, "</td><td>%lld</td><td>%zu</td></tr>\n",
		    report_num(w, i, "days_left"),
		    report_waiver_uses(r, report_str(w, i, "name")));
	}
	rout_puts(out, "</table>\n</section>\n");
}

static void html_counts(struct report_out *out, const struct report *r);

static void
html_inventory(struct report_out *out, const struct report *r)
{
	static const char *const fcols[] = { "policy", "rule", "element_id",
		"mgmt_ip", "sys_name", "vendor", "risk", "zone", "first_seen",
		"waiver" };
	const struct table *f = &r->fresh;

	rout_puts(out,
	    "<section id=\"new\"><h2>New installations</h2>\n"
	    "<p class=\"note\">The covered elements first-seen-after rules "
	    "count as new: first seen, by any source, after the rule's date "
	    "and after the baseline.</p>\n");
	if (f->nrows > REPORT_HTML_LIST) {
		html_new_groups(out, r);
		rout_puts(out, "</section>\n");
		html_lifecycle(r, out);
		html_counts(out, r);
		return;
	}
	rout_puts(out,
	    "<table class=\"new\"><tr><th>pack</th><th>rule</th>"
	    "<th>element</th><th>mgmt_ip</th>"
	    "<th>sys_name</th><th>vendor</th><th>risk</th><th>zone</th>"
	    "<th>first seen</th><th>waiver</th></tr>\n");
	for (size_t i = 0; i < f->nrows; i++) {
		rout_puts(out, "<tr>");
		for (size_t k = 0; k < ARRAY_SIZE(fcols); k++) {
			rout_puts(out, "<td>");
			html_cell(out, f, i, fcols[k]);
			rout_puts(out, "</td>");
		}
		rout_puts(out, "</tr>\n");
	}
	rout_puts(out, "</table>\n</section>\n");
	html_lifecycle(r, out);
	html_counts(out, r);
}

static void
html_counts(struct report_out *out, const struct report *r)
{
	const struct table *c = &r->counts;

	rout_puts(out,
	    "<section id=\"counts\"><h2>Elements by "
	    "vendor and risk</h2>\n<table class=\"counts\"><tr><th>vendor"
	    "</th><th>name</th><th>risk</th><th>elements</th></tr>\n");
	for (size_t i = 0; i < c->nrows; i++) {
		rout_puts(out, "<tr><td>");
		html_cell(out, c, i, "vendor");
		rout_puts(out, "</td><td>");
		html_cell(out, c, i, "vendor_name");
		rout_puts(out, "</td><td>");
		html_cell(out, c, i, "risk");
		rout_printf(out, "</td><td class=\"n\">%lld</td></tr>\n",
		    report_num(c, i, "elements"));
	}
	rout_puts(out, "</table>\n</section>\n");
}

/* What produced this report, so that it can be produced again and
 * checked: the program, its configuration, the packs' texts, the
 * database and its audit chain, and how fresh the data is. */
static void
html_provenance(struct report_out *out, const struct report *r)
{
	const struct table *b = &r->baseline;

	rout_puts(out,
	    "<section id=\"provenance\"><h2>Provenance</h2>\n"
	    "<table class=\"meta\"><tr><th>vraudit version</th><td>");
	html(out, r->version);
	rout_puts(out, "</td></tr><tr><th>configuration</th><td>");
	if (r->config_path != NULL) {
		html(out, r->config_path);
		rout_puts(out, "<br>SHA-256 <code>");
		html(out, r->config_digest);
		rout_puts(out, "</code>");
	} else
		rout_puts(out, "built-in defaults (no file)");
	rout_puts(out, "</td></tr><tr><th>database</th><td>");
	html(out, r->db_path);
	rout_puts(out, "</td></tr><tr><th>generated</th><td>");
	html(out, r->generated);
	rout_puts(out, "</td></tr><tr><th>as of</th><td>");
	html(out, r->as_of);
	rout_puts(out, "</td></tr>");
	html_audit_head(out, r);
	rout_puts(out, "<tr><th>data age</th><td>");
	if (*r->newest)
		rout_printf(out,
		    "newest observation on %s, %lld day%s before "
		    "generation",
		    r->newest, r->age_days, r->age_days == 1 ? "" : "s");
	else
		rout_puts(out, "no element recorded");
	rout_puts(out, "</td></tr><tr><th>baseline</th><td>");
	html(out, report_baseline_words(b));
	rout_puts(out,
	    "</td></tr></table>\n<table class=\"packs\"><tr><th>pack</th>"
	    "<th>origin</th><th>SHA-256 of its text</th></tr>\n");
	for (size_t p = 0; p < r->set->n_packs; p++) {
		const struct policy_pack *pk = r->set->packs[p];

		rout_puts(out, "<tr><td>");
		html(out, pk->name);
		rout_puts(out, "</td><td>");
		html(out, pk->origin);
		rout_puts(out, "</td><td><code>");
		html(out, pk->digest);
		rout_puts(out, "</code></td></tr>\n");
	}
	rout_puts(out,
	    "</table>\n<h3>How the figures are counted</h3>\n"
	    "<p class=\"note\">");
	html(out, report_counting_note);
	rout_puts(out, "</p><p class=\"note\">");
	html(out, report_cover_note);
	rout_puts(out, "</p><p class=\"note\">");
	html(out, report_baseline_note);
	rout_puts(out, "</p><p class=\"note\">");
	html(out, report_coverage_note);
	rout_puts(out, "</p>\n</section>\n");
}

static void
html_sign_off(struct report_out *out)
{
	rout_puts(out,
	    "<section id=\"sign-off\"><h2>Sign-off</h2>\n<p class=\"note\">"
	    "Reviewed against the provenance above.</p>\n<table "
	    "class=\"sign\"><tr><th></th><th>prepared by</th><th>approved "
	    "by</th></tr>\n<tr><th>name</th><td></td><td></td></tr>\n"
	    "<tr><th>role</th><td></td><td></td></tr>\n<tr><th>date</th>"
	    "<td></td><td></td></tr>\n<tr><th>signature</th><td></td>"
	    "<td></td></tr>\n</table>\n</section>\n");
}

void
report_write_html(const struct report *r, struct report_out *out)
{
	html_header(out, r);
	html_summary(out, r);
	html_coverage(out, r);
	html_charts(out, r);
	html_sites(out, r);
	html_violations(out, r);
	html_rules(out, r);
	html_inventory(out, r);
	html_provenance(out, r);
	html_sign_off(out);
	rout_puts(out, "</body></html>\n");
}
