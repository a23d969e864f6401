/*
 * What html.c shares with html_groups.c, which writes the page's long
 * lists as groups when they are too long to read (REPORT_HTML_LIST). Not
 * part of the public API (report.h).
 */
#ifndef VRAUDIT_HTML_PRIVATE_H
#define VRAUDIT_HTML_PRIVATE_H

#include "report/report_private.h"

/* Lists longer than this (violating elements, new installations, retired
 * elements) are shown grouped, with a sample of each group; the CSV and
 * JSON reports hold every row. The bundled lab stays well under it. */
#define REPORT_HTML_LIST 200
/* Elements shown of each group. */
#define REPORT_HTML_SAMPLE 3

/* A C string as HTML text; NULL writes nothing. */
void html_text(struct report_out *out, const char *s);
/* A cell as HTML text. */
void html_cell(struct report_out *out, const struct table *t, size_t i,
    const char *col);
/* A verdict in its colours: status names the class, text is shown. */
void html_status(struct report_out *out, const char *status, const char *text);
/* One violating element, with the rules it breaks and its evidence. */
void html_element(struct report_out *out, const struct report *r,
    const struct element_evidence *e);

/* True when the violating elements are too many to list one by one. */
bool html_grouped(const struct report *r);
/* The violations grouped by pack, rule, zone, vendor and status, with a
 * sample of each group, the sampled elements in full, and the violating
 * elements counted by zone and by vendor. */
void html_violation_groups(struct report_out *out, const struct report *r);
/* Rows of the new_elements table grouped by pack, rule, zone and vendor,
 * with the first elements of each. */
void html_new_groups(struct report_out *out, const struct report *r);
/* Where the full lists are: the CSV and JSON reports. */
void html_exports_note(struct report_out *out, const char *what);

/* In a national report, " · SITE/N" after element id; else nothing. */
void html_element_site(struct report_out *out, const struct report *r,
    long long id);
/* The provenance table's row with the audit chain's head (a national
 * report: where the sites' heads are). */
void html_audit_head(struct report_out *out, const struct report *r);
/* A national report's section "By site"; nothing in a site's report. */
void html_sites(struct report_out *out, const struct report *r);

#endif
