/*
 * The national report's HTML (vraudit report --central): the sites with
 * the heads of their chains and, evaluated alone, their rules; and the
 * site of each element.
 */
#include <stdio.h>

#include "report/html_private.h"

void
html_element_site(struct report_out *out, const struct report *r, long long id)
{
	long long site_id;
	const char *site = report_element_site(r, id, &site_id);

	if (site == NULL)
		return;
	rout_puts(out, " &middot; <code>");
	html_text(out, site);
	rout_printf(out, "/%lld</code>", site_id);
}

void
html_sites(struct report_out *out, const struct report *r)
{
	const struct report_sites *s = r->sites;

	if (s == NULL)
		return;
	rout_puts(out,
	    "<section id=\"sites\"><h2>By site</h2>\n<p class=\"note\">The "
	    "verdicts above count every site's elements: shares are the "
	    "operator's. Below, each site evaluated alone, and the head of "
	    "its audit chain as the central database holds it (archive "
	    "them: <code>vraudit verify --central</code> detects later "
	    "edits).</p>\n<table class=\"sites\"><tr><th>site</th>"
	    "<th>elements</th><th>audit head</th><th>rule</th>"
	    "<th>verdict on the site alone</th></tr>\n");
	for (size_t i = 0; i < s->n; i++) {
		const struct report_site *site = &s->sites[i];

		for (size_t k = 0; k < site->n_rules || k == 0; k++) {
			rout_puts(out, "<tr><td>");
			html_text(out, site->name);
			rout_printf(out,
			    "</td><td>%lld</td><td><code>record %lld, ",
			    (long long)site->elements,
			    (long long)site->head_seq);
			html_text(out, site->head_hash);
			rout_puts(out, "</code></td><td>");
			if (k < site->n_rules) {
				html_text(out, site->rules[k].policy);
				rout_putc(out, '/');
				html_text(out, site->rules[k].rule);
				rout_puts(out, "</td><td>");
				html_status(out, site->rules[k].status,
				    site->rules[k].verdict);
			} else
				rout_puts(out, "</td><td>");
			rout_puts(out, "</td></tr>\n");
		}
	}
	rout_puts(out, "</table></section>\n");
}

void
html_audit_head(struct report_out *out, const struct report *r)
{
	if (r->sites != NULL) {
		rout_puts(out,
		    "<tr><th>audit chain heads</th><td>one per site, under "
		    "<a href=\"#sites\">By site</a></td></tr>");
		return;
	}
	rout_printf(out, "<tr><th>audit chain head</th><td><code>record %lld, ",
	    (long long)r->audit_seq);
	html_text(out, r->audit_hash);
	rout_puts(out,
	    "</code> (archive it: <code>vraudit verify</code> detects "
	    "later edits)</td></tr>");
}
