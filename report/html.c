/*
 * The report as one self-contained HTML page (report_private.h): inline
 * CSS for screen and print, SVG charts of the zone shares against their
 * caps and of high-risk elements over time, nothing fetched from
 * elsewhere. Every value is written in common/text.h's HTML style, so
 * that network text stays text, in elements and attributes alike.
 */
#include "report/report_private.h"

#include <stdlib.h>
#include <string.h>

static void
html(FILE *out, const char *s)
{
	report_puts(out, s, TEXT_HTML);
}

static void
html_cell(FILE *out, const struct table *t, size_t i, const char *col)
{
	report_put_value(out, report_cell(t, i, col), TEXT_HTML);
}

static const char html_style[] =
    "body{font-family:sans-serif;margin:2em;color:#222;max-width:70em}"
    "h1{font-size:1.6em}h2{font-size:1.3em;border-bottom:1px solid #ccc;"
    "margin-top:2em}h3{font-size:1.1em}"
    "table{border-collapse:collapse;margin:.5em 0 1em 0;width:100%}"
    "th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;"
    "vertical-align:top;font-size:.9em}th{background:#eee}"
    ".violated{color:#fff;background:#b00020}.pending{background:#ffd54f}"
    ".met{background:#c8e6c9}.status{font-weight:bold;padding:0 .4em}"
    ".note{font-size:.9em;color:#444}.ev{font-size:.8em;color:#444}"
    "svg{max-width:100%;height:auto}"
    "@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}"
    "table,svg{page-break-inside:avoid}"
    ".violated,.pending,.met{-webkit-print-color-adjust:exact;"
    "print-color-adjust:exact}}";

/* Bars of each zone share against its cap. */
static void
svg_shares(FILE *out, const struct report *r)
{
	const int label_w = 280, bar_w = 400, row_h = 26;
	const struct table *t = &r->shares;
	size_t n = t->nrows;
	int h = (int)n * row_h + 40;

	fprintf(out,
	    "<svg id=\"zone-share-chart\" xmlns=\"http://www.w3.org/"
	    "2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	    "role=\"img\" aria-label=\"Covered vendors' share per zone against "
	    "its cap\">\n",
	    label_w + bar_w + 90, h, label_w + bar_w + 90, h);
	fprintf(out,
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
								   : "#2e7d32";

		fprintf(out,
		    "<g class=\"share\"><text x=\"0\" y=\"%d\" "
		    "font-size=\"12\">",
		    y + 14);
		html_cell(out, t, i, "policy");
		fputc('/', out);
		html_cell(out, t, i, "rule");
		fputs(" ", out);
		html_cell(out, t, i, "zone");
		fprintf(out,
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
	fputs("</svg>\n", out);
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
svg_history(FILE *out, const struct report *r)
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
	fprintf(out,
	    "<svg id=\"history-chart\" xmlns=\"http://www.w3.org/2000/"
	    "svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	    "role=\"img\" aria-label=\"High-risk elements over time\">\n",
	    w, h, w, h);
	fprintf(out,
	    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#000\"/><line x1=\"%d\" y1=\"10\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#000\"/>\n",
	    left, h - bottom, w - 10, h - bottom, left, left, h - bottom);
	fprintf(out,
	    "<text x=\"0\" y=\"16\" font-size=\"11\">%lld</text>"
	    "<text x=\"0\" y=\"%d\" font-size=\"11\">0</text>\n",
	    (long long)max, h - bottom);
	for (int series = 0; series < 2; series++) {
		const int64_t *v = series == 0 ? known : seen;

		fprintf(out,
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

			fprintf(out, "%s%.1f,%.1f", d == 0 ? "" : " ", x, y);
		}
		fputs("\"/>\n", out);
	}
	time_format(start * REPORT_DAY, first);
	first[10] = '\0';
	fprintf(out,
	    "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>"
	    "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">",
	    left, h - 10, first, w - 10, h - 10);
	html(out, r->as_of);
	fputs("</text>\n", out);
	fprintf(out,
	    "<text x=\"%d\" y=\"14\" font-size=\"11\" fill=\"#b00020\">"
	    "known (first seen by that day)</text><text x=\"%d\" y=\"28\" "
	    "font-size=\"11\" fill=\"#1565c0\">still seen that day or later"
	    "</text>\n</svg>\n",
	    w - 260, w - 260);
	free(known);
	free(seen);
}

/* A verdict in its colours: status names the class, text is shown. */
static void
html_status(FILE *out, const char *status, const char *text)
{
	fputs("<span class=\"status ", out);
	html(out, status);
	fputs("\">", out);
	html(out, text);
	fputs("</span>", out);
}

static void
html_evidence(FILE *out, const struct report *r, int64_t id)
{
	const struct table *ev = report_evidence_of(r, id);

	for (size_t e = 0; ev != NULL && e < ev->nrows; e++) {
		html_cell(out, ev, e, "kind");
		fputs(" &ldquo;", out);
		html_cell(out, ev, e, "value");
		fputs("&rdquo; &rarr; ", out);
		html_cell(out, ev, e, "vendor");
		fputs(" (", out);
		html_cell(out, ev, e, "rule");
		fputs(")<br>", out);
	}
}

static void
html_rule(FILE *out, const struct report *r, const char *policy,
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
	fputs("<h3>", out);
	html_status(out, report_str(&r->rules, (size_t)i, "status"), verdict);
	fputs(" ", out);
	html(out, ru->name);
	fputs(": ", out);
	html(out, ru->title);
	fputs("</h3>\n<p class=\"note\">", out);
	html(out, terms);
	fprintf(out, "; %lld of %lld elements in scope covered",
	    report_num(&r->rules, (size_t)i, "covered"),
	    report_num(&r->rules, (size_t)i, "elements"));
	if (*ru->first_seen_after)
		fprintf(out, ", %lld new",
		    report_num(&r->rules, (size_t)i, "new_elements"));
	fputs("</p>\n", out);
	free(verdict);
	free(terms);
	for (size_t k = 0; k < v->nrows; k++) {
		if (!report_rule_match(v, k, policy, ru->name))
			continue;
		if (n++ == 0)
			fputs("<table class=\"violations\"><tr><th>element</th>"
			      "<th>mgmt_ip</th><th>vendor</th><th>zone</th>"
			      "<th>status</th><th>detail</th><th>evidence</th>"
			      "</tr>\n",
			    out);
		fprintf(out, "<tr><td>%lld</td><td>",
		    report_num(v, k, "element_id"));
		html_cell(out, v, k, "mgmt_ip");
		fputs("</td><td>", out);
		html_cell(out, v, k, "vendor");
		fputs("</td><td>", out);
		html_cell(out, v, k, "zone");
		fputs("</td><td>", out);
		html_status(out, report_str(v, k, "status"),
		    report_str(v, k, "status"));
		fputs("</td><td>", out);
		html_cell(out, v, k, "detail");
		fputs("</td><td class=\"ev\">", out);
		html_evidence(out, r, report_num(v, k, "element_id"));
		fputs("</td></tr>\n", out);
	}
	if (n > 0)
		fputs("</table>\n", out);
}

static void
html_header(FILE *out, const struct report *r)
{
	const struct table *b = &r->baseline;
	int violated, pending, met;

	report_tally(r, &violated, &pending, &met);
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head>"
	      "<meta charset=\"utf-8\"><title>vraudit compliance report ",
	    out);
	html(out, r->as_of);
	fprintf(out, "</title>\n<style>%s</style></head>\n<body>\n",
	    html_style);
	fputs("<h1>vraudit compliance report</h1>\n<p id=\"result\">", out);
	html_status(out, violated > 0 ? "violated" : "met",
	    violated > 0 ? "violations" : "compliant");
	fprintf(out,
	    " %d violated, %d pending, %d met</p>\n<table "
	    "class=\"meta\"><tr><th>database</th><td>",
	    violated, pending, met);
	html(out, r->db_path);
	fputs("</td></tr><tr><th>generated</th><td>", out);
	html(out, r->generated);
	fputs("</td></tr><tr><th>as of</th><td>", out);
	html(out, r->as_of);
	fprintf(out,
	    "</td></tr><tr><th>audit chain head</th><td><code>"
	    "record %lld, ",
	    (long long)r->audit_seq);
	html(out, r->audit_hash);
	fputs("</code></td></tr><tr><th>baseline</th><td>", out);
	if (b->nrows > 0) {
		fprintf(out, "scan %lld (", report_num(b, 0, "scan_id"));
		html_cell(out, b, 0, "kind");
		fputs("), ", out);
		html_cell(out, b, 0, "started_at");
		fputs(" to ", out);
		html_cell(out, b, 0, "finished_at");
	} else
		fputs("none (no complete scan yet)", out);
	fputs("</td></tr></table>\n<p class=\"note\">", out);
	html(out, report_counting_note);
	fputs("</p><p class=\"note\">", out);
	html(out, report_cover_note);
	fputs("</p><p class=\"note\">", out);
	html(out, report_baseline_note);
	fputs("</p>\n", out);
}

static void
html_policy(FILE *out, const struct report *r, const struct policy_pack *pk)
{
	fputs("<section class=\"policy\"><h2>", out);
	html(out, pk->name);
	fputs(": ", out);
	html(out, pk->title);
	fputs("</h2>\n<p class=\"note\">Source: ", out);
	html(out, pk->source);
	fputs(". Vendors:", out);
	for (size_t v = 0; v < pk->n_vendors; v++) {
		fputc(' ', out);
		html(out, pk->vendors[v]);
	}
	fputs(".</p>\n", out);
	for (size_t i = 0; i < pk->n_rules; i++)
		html_rule(out, r, pk->name, &pk->rules[i]);
	fputs("</section>\n", out);
}

static void
html_shares(FILE *out, const struct report *r)
{
	const struct table *t = &r->shares;

	fputs("<h2>Zone shares against caps</h2>\n", out);
	svg_shares(out, r);
	fputs("<table class=\"shares\"><tr><th>policy</th><th>rule</th>"
	      "<th>zone</th><th>elements</th><th>high risk</th><th>share</th>"
	      "<th>cap</th><th>deadline</th><th>status</th></tr>\n",
	    out);
	for (size_t i = 0; i < t->nrows; i++) {
		fputs("<tr><td>", out);
		html_cell(out, t, i, "policy");
		fputs("</td><td>", out);
		html_cell(out, t, i, "rule");
		fputs("</td><td>", out);
		html_cell(out, t, i, "zone");
		fprintf(out,
		    "</td><td>%lld</td><td>%lld</td><td>%.2f%%</td>"
		    "<td>%g%%</td><td>",
		    report_num(t, i, "elements"), report_num(t, i, "high_risk"),
		    report_real(t, i, "share"), report_real(t, i, "max_share"));
		html_cell(out, t, i, "deadline");
		fputs("</td><td>", out);
		html_status(out, report_str(t, i, "status"),
		    report_str(t, i, "status"));
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n", out);
}

/* Lifecycle: the retired elements and the waivers, one section. */
static void
html_lifecycle(const struct report *r, FILE *out)
{
	static const char *const tcols[] = { "element_id", "mgmt_ip",
		"sys_name", "vendor", "zone", "last_seen", "retired_at",
		"retired_reason" };
	const struct table *t = &r->retired, *w = &r->waivers;

	fputs("<section class=\"lifecycle\">\n<h2>Retired elements</h2>\n",
	    out);
	fprintf(out, "<p class=\"note\">%zu retired: ", t->nrows);
	html(out, report_lifecycle_note);
	fputs("</p>\n<table class=\"retired\"><tr><th>element</th>"
	      "<th>mgmt_ip</th><th>sys_name</th><th>vendor</th><th>zone</th>"
	      "<th>last seen</th><th>retired</th><th>why</th></tr>\n",
	    out);
	for (size_t i = 0; i < t->nrows; i++) {
		fputs("<tr>", out);
		for (size_t k = 0; k < ARRAY_SIZE(tcols); k++) {
			fputs("<td>", out);
			html_cell(out, t, i, tcols[k]);
			fputs("</td>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</table>\n<h2>Waivers</h2>\n", out);
	if (r->waiver_warning != NULL) {
		fputs("<p class=\"note\"><strong>Warning:</strong> ", out);
		html(out, r->waiver_warning);
		fputs("</p>\n", out);
	}
	if (r->waiver_file.nrows > 0) {
		fputs("<p class=\"note\">Recorded from ", out);
		html_cell(out, &r->waiver_file, 0, "path");
		fputs(" (sha256 ", out);
		html_cell(out, &r->waiver_file, 0, "digest");
		fputs(") at ", out);
		html_cell(out, &r->waiver_file, 0, "synced_at");
		fputs(".</p>\n", out);
	}
	fputs("<table class=\"waivers\"><tr><th>waiver</th><th>status</th>"
	      "<th>covers</th><th>rule</th><th>reason</th><th>approver</th>"
	      "<th>expires</th><th>days left</th><th>excuses</th></tr>\n",
	    out);
	for (size_t i = 0; i < w->nrows; i++) {
		fputs("<tr><td>", out);
		html_cell(out, w, i, "name");
		fputs("</td><td>", out);
		html_status(out, report_str(w, i, "status"),
		    report_str(w, i, "status"));
		fputs("</td><td>", out);
		html_cell(out, w, i, "scope_kind");
		fputs(" ", out);
		html_cell(out, w, i, "scope");
		fputs("</td><td>", out);
		html_cell(out, w, i, "pack");
		if (*report_str(w, i, "rule")) {
			fputs("/", out);
			html_cell(out, w, i, "rule");
		} else
			fputs(" (all rules)", out);
		fputs("</td><td>", out);
		html_cell(out, w, i, "reason");
		fputs("</td><td>", out);
		html_cell(out, w, i, "approver");
		fputs("</td><td>", out);
		html_cell(out, w, i, "expires");
		fprintf(out, "</td><td>%lld</td><td>%zu</td></tr>\n",
		    report_num(w, i, "days_left"),
		    report_waiver_uses(r, report_str(w, i, "name")));
	}
	fputs("</table>\n</section>\n", out);
}

void
report_write_html(const struct report *r, FILE *out)
{
	static const char *const fcols[] = { "element_id", "mgmt_ip",
		"sys_name", "vendor", "risk", "zone", "first_seen" };
	const struct table *f = &r->fresh, *c = &r->counts;
	char dur[32];

	html_header(out, r);
	for (size_t p = 0; p < r->set->n_packs; p++)
		html_policy(out, r, r->set->packs[p]);
	html_shares(out, r);
	fputs("<h2>High-risk elements over time</h2>\n", out);
	svg_history(out, r);

	duration_format(r->since_ms, dur, sizeof(dur));
	fputs("<h2>New since ", out);
	html(out, r->since);
	fprintf(out, " (%s)</h2>\n", dur);
	fputs("<table class=\"new\"><tr><th>element</th><th>mgmt_ip</th>"
	      "<th>sys_name</th><th>vendor</th><th>risk</th><th>zone</th>"
	      "<th>first seen</th></tr>\n",
	    out);
	for (size_t i = 0; i < f->nrows; i++) {
		fputs("<tr>", out);
		for (size_t k = 0; k < ARRAY_SIZE(fcols); k++) {
			fputs("<td>", out);
			html_cell(out, f, i, fcols[k]);
			fputs("</td>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</table>\n", out);
	html_lifecycle(r, out);
	fputs("<h2>Elements by vendor and risk</h2>\n<table "
	      "class=\"counts\"><tr><th>vendor</th><th>name</th><th>risk</th>"
	      "<th>elements</th></tr>\n",
	    out);
	for (size_t i = 0; i < c->nrows; i++) {
		fputs("<tr><td>", out);
		html_cell(out, c, i, "vendor");
		fputs("</td><td>", out);
		html_cell(out, c, i, "vendor_name");
		fputs("</td><td>", out);
		html_cell(out, c, i, "risk");
		fprintf(out, "</td><td>%lld</td></tr>\n",
		    report_num(c, i, "elements"));
	}
	fputs("</table>\n</body></html>\n", out);
}
