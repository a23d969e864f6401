/*
 * The national report's HTML (vraudit report --central): the sites with
 * the heads of their chains and, evaluated alone, their rules; and the
 * site of each element.
 */
#include <stdio.h>

#include "report/html_private.h"

void
html_element_site(FILE *out, const struct report *r, long long id)
{
	long long site_id;
	const char *site = report_element_site(r, id, &site_id);

	if (site == NULL)
		return;
	fputs(" &middot; <code>", out);
	html_text(out, site);
	fprintf(out, "/%lld</code>", site_id);
}

void
html_sites(FILE *out, const struct report *r)
{
	const struct report_sites *s = r->sites;

	if (s == NULL)
		return;
	fputs("<section id=\"sites\"><h2>By site</h2>\n<p class=\"note\">The "
	      "verdicts above count every site's elements: shares are the "
	      "operator's. Below, each site evaluated alone, and the head of "
	      "its audit chain as the central database holds it (archive "
	      "them: <code>vraudit verify --central</code> detects later "
	      "edits).</p>\n<table class=\"sites\"><tr><th>site</th>"
	      "<th>elements</th><th>audit head</th><th>rule</th>"
	      "<th>verdict on the site alone</th></tr>\n",
	    out);
	for (size_t i = 0; i < s->n; i++) {
		const struct report_site *site = &s->sites[i];

		for (size_t k = 0; k < site->n_rules || k == 0; k++) {
			fputs("<tr><td>", out);
			html_text(out, site->name);
			fprintf(out,
			    "</td><td>%lld</td><td><code>record %lld, ",
			    (long long)site->elements,
			    (long long)site->head_seq);
			html_text(out, site->head_hash);
			fputs("</code></td><td>", out);
			if (k < site->n_rules) {
				html_text(out, site->rules[k].policy);
				fputc('/', out);
				html_text(out, site->rules[k].rule);
				fputs("</td><td>", out);
				html_status(out, site->rules[k].status,
				    site->rules[k].verdict);
			} else
				fputs("</td><td>", out);
			fputs("</td></tr>\n", out);
		}
	}
	fputs("</table></section>\n", out);
}

void
html_audit_head(FILE *out, const struct report *r)
{
	if (r->sites != NULL) {
		fputs("<tr><th>audit chain heads</th><td>one per site, under "
		      "<a href=\"#sites\">By site</a></td></tr>",
		    out);
		return;
	}
	fprintf(out, "<tr><th>audit chain head</th><td><code>record %lld, ",
	    (long long)r->audit_seq);
	html_text(out, r->audit_hash);
	fputs("</code> (archive it: <code>vraudit verify</code> detects "
	      "later edits)</td></tr>",
	    out);
}
