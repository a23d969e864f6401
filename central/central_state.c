/*
 * vraudit verify --central, the state: each element's row, addresses and
 * evidence in the central database against its last leaf, read back here
 * as the schema's apply_leaf reads it, so that an edit of the derived
 * tables (which the national report reads) is found and named.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "central/central_private.h"
#include "common/text.h"
#include "common/util.h"

#define PAGE 2000

/* The element's fields in the order of the leaf's lines (store_leaf.c)
 * and of the query's columns from 2 on. */
static const char *const keys[] = {
	"mgmt_ip",
	"chassis_mac",
	"mac",
	"sys_name",
	"sys_descr",
	"sys_object_id",
	"model",
	"serial",
	"software",
	"zone",
	"vendor",
	"vendor_name",
	"risk",
	"confidence",
	"conflict",
	"first_seen",
	"last_seen",
	"first_scan",
	"merged_into",
	"sources",
};
#define N_KEYS (sizeof(keys) / sizeof(keys[0]))
#define COL_RETIRED (2 + (int)N_KEYS)
#define COL_ADDRESSES (COL_RETIRED + 1)
#define COL_EVIDENCE (COL_ADDRESSES + 1)

/* A leaf's value as the central schema's unescape() makes it: "\\" is a
 * backslash, "\xNN" the byte NN when 1 to 127, else kept as written. */
static void
unescape(struct strbuf *b, const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned v;

		if (p[i] == '\\' && i + 1 < len && p[i + 1] == '\\') {
			strbuf_addc(b, '\\');
			i++;
		} else if (p[i] == '\\' && i + 3 < len && p[i + 1] == 'x' &&
		    sscanf(p + i + 2, "%2x", &v) == 1 &&
		    strchr("0123456789abcdefABCDEF", p[i + 2]) != NULL &&
		    strchr("0123456789abcdefABCDEF", p[i + 3]) != NULL) {
			if (v >= 1 && v <= 127)
				strbuf_addc(b, (char)v);
			else
				strbuf_add(b, p + i, 4);
			i += 3;
		} else
			strbuf_addc(b, p[i]);
	}
}

/* Do a leaf value and a central one say the same? Numbers by value. */
static bool
same(const char *leaf, const char *central, bool number)
{
	if (number && *leaf != '\0' && *central != '\0')
		return strtod(leaf, NULL) == strtod(central, NULL);
	return strcmp(leaf, central) == 0;
}

/* The lines of one kind ("address" or "evidence") of a leaf, each field
 * unescaped, tab-separated, sorted and joined by newlines. Numbers are
 * the shortest text that reads back as their value, in the leaf as in
 * PostgreSQL's output. */
static char *
leaf_lines(const char *detail, const char *kind)
{
	struct strbuf all = STRBUF_INIT;
	char **lines = NULL;
	size_t n = 0, klen = strlen(kind);

	for (const char *p = detail; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);

		if (len > klen && strncmp(p, kind, klen) == 0 &&
		    p[klen] == '=') {
			struct strbuf l = STRBUF_INIT;
			const char *f = p + klen + 1, *end = p + len;
			int field = 1;

			while (f <= end) {
				const char *tab =
				    memchr(f, '\t', (size_t)(end - f));
				size_t flen = tab != NULL ? (size_t)(tab - f)
							  : (size_t)(end - f);

				if (field > 1)
					strbuf_addc(&l, '\t');
				unescape(&l, f, flen);
				field++;
				if (tab == NULL)
					break;
				f = tab + 1;
			}
			lines = xreallocarray(lines, n + 1, sizeof(*lines));
			lines[n++] = strbuf_steal(&l);
		}
		p = nl != NULL ? nl + 1 : p + len;
	}
	for (size_t i = 0; i + 1 < n; i++) /* few lines: a plain sort */
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(lines[j], lines[i]) < 0) {
				char *t = lines[i];

				lines[i] = lines[j];
				lines[j] = t;
			}
	for (size_t i = 0; i < n; i++) {
		strbuf_adds(&all, lines[i]);
		strbuf_addc(&all, '\n');
		free(lines[i]);
	}
	free(lines);
	return strbuf_steal(&all);
}

/* The value of "key=" in a leaf, unescaped, into b ("" when none). */
static void
leaf_value(const char *detail, const char *key, struct strbuf *b)
{
	size_t klen = strlen(key);

	strbuf_reset(b);
	for (const char *p = detail; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);

		if (len > klen && strncmp(p, key, klen) == 0 &&
		    p[klen] == '=') {
			unescape(b, p + klen + 1, len - klen - 1);
			return;
		}
		p = nl != NULL ? nl + 1 : p + len;
	}
}

/* One element: its row, addresses and evidence against its leaf. */
static void
check_element(PGresult *res, int i, void (*found)(void *, const char *),
    void *arg)
{
	const char *id = PQgetvalue(res, i, 0), *detail = PQgetvalue(res, i, 1);
	struct strbuf v = STRBUF_INIT;
	char text[512], *lines;

	for (size_t k = 0; k < N_KEYS; k++) {
		const char *col = PQgetvalue(res, i, 2 + (int)k);

		leaf_value(detail, keys[k], &v);
		if (!same(strbuf_str(&v), col,
			strcmp(keys[k], "confidence") == 0)) {
			snprintf(text, sizeof(text),
			    "element %s: %s is '%.100s' but its last leaf "
			    "says '%.100s'",
			    id, keys[k], col, strbuf_str(&v));
			found(arg, text);
		}
	}
	leaf_value(detail, "retired", &v);
	if (strcmp(strbuf_str(&v), PQgetvalue(res, i, COL_RETIRED)) != 0) {
		snprintf(text, sizeof(text),
		    "element %s: its retirement differs from its last leaf",
		    id);
		found(arg, text);
	}
	lines = leaf_lines(detail, "address");
	if (strcmp(lines, PQgetvalue(res, i, COL_ADDRESSES)) != 0) {
		snprintf(text, sizeof(text),
		    "element %s: its addresses differ from its last leaf", id);
		found(arg, text);
	}
	free(lines);
	lines = leaf_lines(detail, "evidence");
	if (strcmp(lines, PQgetvalue(res, i, COL_EVIDENCE)) != 0) {
		snprintf(text, sizeof(text),
		    "element %s: its evidence differs from its last leaf", id);
		found(arg, text);
	}
	free(lines);
	strbuf_finish(&v);
}

int
central_check_state(struct central *c, const char *site,
    void (*found)(void *, const char *), void *arg, int64_t *elements)
{
	int64_t after = 0;
	int n;

	*elements = 0;
	do {
		char from[24];
		const char *p[] = { site, from };
		PGresult *res;

		snprintf(from, sizeof(from), "%" PRId64, after);
		/* The retirement and the lists as the leaf would give them:
		 * the three retirement fields tab-separated, the lines
		 * sorted by their bytes. */
		res = central_exec(c,
		    "SELECT e.id, l.detail, coalesce(e.mgmt_ip, ''), "
		    "coalesce(e.chassis_mac, ''), coalesce(e.mac, ''), "
		    "coalesce(e.sys_name, ''), coalesce(e.sys_descr, ''), "
		    "coalesce(e.sys_object_id, ''), coalesce(e.model, ''), "
		    "coalesce(e.serial, ''), coalesce(e.software, ''), "
		    "coalesce(e.zone, ''), coalesce(e.vendor, ''), "
		    "coalesce(e.vendor_name, ''), coalesce(e.risk, ''), "
		    "coalesce(e.confidence::text, ''), "
		    "coalesce(e.conflict::text, ''), coalesce(e.first_seen, ''), "
		    "coalesce(e.last_seen, ''), coalesce(e.first_scan::text, ''), "
		    "coalesce(e.merged_into::text, ''), coalesce(e.sources, ''), "
		    "CASE WHEN e.retired_at IS NULL AND e.retired_seen IS NULL "
		    "AND e.retired_reason IS NULL THEN '' ELSE "
		    "coalesce(e.retired_at, '') || E'\\t' || "
		    "coalesce(e.retired_seen, '') || E'\\t' || "
		    "coalesce(e.retired_reason, '') END, "
		    "coalesce((SELECT string_agg(a.kind || E'\\t' || a.value || "
		    "E'\\n', '' ORDER BY a.kind || E'\\t' || a.value COLLATE \"C\") "
		    "FROM vraudit.element_address a WHERE a.site = e.site AND "
		    "a.element_id = e.id), ''), "
		    "coalesce((SELECT string_agg(x.l || E'\\n', '' ORDER BY x.l "
		    "COLLATE \"C\") FROM (SELECT v.kind || E'\\t' || v.value || "
		    "E'\\t' || coalesce(v.vendor, '') || E'\\t' || "
		    "coalesce(v.strength::text, '') || E'\\t' || "
		    "coalesce(v.rule, '') || E'\\t' || "
		    "coalesce(v.last_observed, '') || E'\\t' || "
		    "coalesce(v.scan_id::text, '') AS l FROM "
		    "vraudit.element_evidence v WHERE v.site = e.site AND "
		    "v.element_id = e.id) x), '') "
		    "FROM vraudit.element e JOIN vraudit.leaf l ON l.site = "
		    "e.site AND l.seq = e.leaf_seq AND l.element = e.id "
		    "WHERE e.site = $1 AND e.id > $2 ORDER BY e.id LIMIT 2000",
		    2, p, PGRES_TUPLES_OK);
		if (res == NULL)
			return -1;
		n = PQntuples(res);
		for (int i = 0; i < n; i++) {
			check_element(res, i, found, arg);
			after = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		}
		*elements += n;
		PQclear(res);
	} while (n == PAGE);
	return 0;
}
