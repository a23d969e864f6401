/*
 * Elements that leave the network, and waivers (schema/005_lifecycle.sql,
 * vraudit-schema(7), "Retirement" and "Waivers").
 *
 * Retirement is decided by a writer after each complete scan, against the
 * newest observation a complete scan of the same kind recorded (a sweep
 * for what a sweep last saw, a capture for what a capture last heard)
 * rather than the wall clock: a database nobody scanned for months
 * retires nothing, and an old capture ingested after today's sweep is
 * not retired by it. Each retirement
 * and each return is a record of the audit chain, and the element's leaf
 * carries its retirement, so that `vraudit verify` finds an edit of it.
 * Waivers are copied from the operator's file; each sync that changes
 * them is one record holding every waiver, which verify compares with the
 * table.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/text.h"
#include "common/util.h"
#include "policy/waiver.h"
#include "store/store.h"
#include "store/store_private.h"

void
store_set_retire_after(struct store *st, int64_t ms)
{
	st->retire_after_ms = ms < 0 ? STORE_RETIRE_NEVER : ms;
}

/* "key=value\n", the value escaped as TEXT_AUDIT (NULL: empty). */
static void
line(struct strbuf *b, const char *key, const char *value)
{
	strbuf_adds(b, key);
	strbuf_addc(b, '=');
	if (value != NULL)
		text_escape(b, value, strlen(value), TEXT_AUDIT);
	strbuf_addc(b, '\n');
}

static void
line_int(struct strbuf *b, const char *key, int64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRId64, v);
	line(b, key, num);
}

/* Column i as text, NULL for NULL. */
static const char *
col(sqlite3_stmt *stmt, int i)
{
	return (const char *)sqlite3_column_text(stmt, i);
}

/*
 * Retirement.
 */

/* One element a pass retires or brings back. */
struct change {
	int64_t id;
	char *last_seen, *retired_at, *reason; /* owned */
};

static void
changes_free(struct change *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].last_seen);
		free(c[i].retired_at);
		free(c[i].reason);
	}
	free(c);
}

int
store_lifecycle_return(struct store *st)
{
	sqlite3_stmt *sel, *upd;
	struct change *c = NULL;
	size_t n = 0;
	int rc;

	if (st->version < STORE_VERSION_LIFECYCLE)
		return 0;
	if ((sel = store_prepare(st,
		 "SELECT id, last_seen, retired_at FROM element "
		 "WHERE retired_at IS NOT NULL AND merged_into IS NULL "
		 "AND last_seen > retired_seen ORDER BY id")) == NULL)
		return -1;
	while ((rc = store_step(st, sel)) == 1) {
		c = xreallocarray(c, n + 1, sizeof(*c));
		c[n].id = sqlite3_column_int64(sel, 0);
		c[n].last_seen = xstrdup(col(sel, 1) ? col(sel, 1) : "");
		c[n].retired_at = xstrdup(col(sel, 2) ? col(sel, 2) : "");
		c[n].reason = NULL;
		n++;
	}
	sqlite3_finalize(sel);
	if (rc == -1 || n == 0) {
		changes_free(c, n);
		return rc;
	}
	if ((upd = store_prepare(st,
		 "UPDATE element SET retired_at = NULL, retired_seen = NULL, "
		 "retired_reason = NULL WHERE id = ?1")) == NULL) {
		changes_free(c, n);
		return -1;
	}
	rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct strbuf d = STRBUF_INIT;

		sqlite3_bind_int64(upd, 1, c[i].id);
		if ((rc = store_step(st, upd)) != 0)
			break;
		line_int(&d, "element", c[i].id);
		line(&d, "last_seen", c[i].last_seen);
		line(&d, "retired_at", c[i].retired_at);
		rc =
		    store_audit_append(st, "return", c[i].id, d.s, d.len, NULL);
		strbuf_finish(&d);
		store_leaf_touch(st, c[i].id);
		log_info("store",
		    "element %" PRId64 " seen again at %s: no "
		    "longer retired",
		    c[i].id, c[i].last_seen);
	}
	sqlite3_finalize(upd);
	changes_free(c, n);
	return rc == 0 ? 0 : -1;
}

/* The newest observation a complete scan of kind (snmp or capture)
 * recorded: its time and scan (the newest scan of those with that time).
 * 1 with them, 0 when there is none, -1 on error. Each scan's newest
 * element is one probe of element_last_scan (schema version 8), not a
 * read of every element. */
static int
reference(struct store *st, const char *kind, char ref[TIME_STRLEN],
    int64_t *scan)
{
	sqlite3_stmt *stmt = store_prepare(st,
	    "SELECT seen, id FROM (SELECT s.id AS id, "
	    "(SELECT e.last_seen FROM element e WHERE e.last_scan = s.id "
	    "AND e.merged_into IS NULL ORDER BY e.last_seen DESC LIMIT 1) "
	    "AS seen FROM scan s WHERE s.status = 'complete' AND s.kind = ?1) "
	    "WHERE seen IS NOT NULL ORDER BY seen DESC, id DESC LIMIT 1");
	int rc;

	if (stmt == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, kind, -1, SQLITE_STATIC);
	if ((rc = store_step(st, stmt)) == 1) {
		str_copy(ref, col(stmt, 0) ? col(stmt, 0) : "", TIME_STRLEN);
		*scan = sqlite3_column_int64(stmt, 1);
	}
	sqlite3_finalize(stmt);
	return rc;
}

/*
 * Retire the elements last seen by a scan of kind that a complete scan of
 * the same kind has not seen for retire-after: a sweep says nothing of
 * what only a capture hears, and an old capture ingested late says
 * nothing of what sweeps see today. 0 or -1; appends to *c.
 */
static int
retire_kind(struct store *st, const char *kind, struct change **c, size_t *n)
{
	char ref[TIME_STRLEN], cut[TIME_STRLEN], now[TIME_STRLEN], dur[32];
	sqlite3_stmt *upd;
	int64_t scan = 0, t;
	size_t first = *n;
	int rc;

	if ((rc = reference(st, kind, ref, &scan)) != 1 ||
	    time_parse(ref, &t) == -1)
		return rc == -1 ? -1 : 0;
	time_format(t - st->retire_after_ms / 1000, cut);
	time_format(time_now(), now);
	duration_format(st->retire_after_ms, dur, sizeof(dur));
	if ((upd = store_prepare(st,
		 "UPDATE element SET retired_at = ?1, retired_seen = last_seen, "
		 "retired_reason = printf('not seen since %s; a complete scan "
		 "observed the network at %s (scan %d); retire-after %s', "
		 "last_seen, ?2, ?3, ?4) "
		 "WHERE merged_into IS NULL AND retired_at IS NULL "
		 "AND last_seen < ?5 AND last_scan IN "
		 "(SELECT id FROM scan WHERE kind = ?6) "
		 "RETURNING id, last_seen, retired_reason")) == NULL)
		return -1;
	sqlite3_bind_text(upd, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(upd, 2, ref, -1, SQLITE_STATIC);
	sqlite3_bind_int64(upd, 3, scan);
	sqlite3_bind_text(upd, 4, dur, -1, SQLITE_STATIC);
	sqlite3_bind_text(upd, 5, cut, -1, SQLITE_STATIC);
	sqlite3_bind_text(upd, 6, kind, -1, SQLITE_STATIC);
	while ((rc = store_step(st, upd)) == 1) {
		*c = xreallocarray(*c, *n + 1, sizeof(**c));
		(*c)[*n].id = sqlite3_column_int64(upd, 0);
		(*c)[*n].last_seen = xstrdup(col(upd, 1) ? col(upd, 1) : "");
		(*c)[*n].reason = xstrdup(col(upd, 2) ? col(upd, 2) : "");
		(*c)[*n].retired_at = NULL;
		(*n)++;
	}
	sqlite3_finalize(upd);
	if (rc == -1)
		return -1;
	for (size_t i = first; i < *n; i++) {
		struct strbuf d = STRBUF_INIT;

		line_int(&d, "element", (*c)[i].id);
		line(&d, "last_seen", (*c)[i].last_seen);
		line(&d, "reference", ref);
		line_int(&d, "reference_scan", scan);
		line(&d, "retire_after", dur);
		line(&d, "reason", (*c)[i].reason);
		rc = store_audit_append(st, "retire", (*c)[i].id, d.s, d.len,
		    NULL);
		strbuf_finish(&d);
		if (rc == -1)
			return -1;
		store_leaf_touch(st, (*c)[i].id);
	}
	if (*n > first)
		log_info("store",
		    "%zu element(s) retired: not seen for %s before %s",
		    *n - first, dur, ref);
	return 0;
}

int
store_lifecycle_retire(struct store *st)
{
	static const char *const kinds[] = { "snmp", "capture" };
	struct change *c = NULL;
	size_t n = 0;

	if (st->retire_after_ms == STORE_RETIRE_NEVER ||
	    st->version < STORE_VERSION_LIFECYCLE)
		return 0;
	if (store_batch_begin(st) == -1)
		return -1;
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++)
		if (retire_kind(st, kinds[k], &c, &n) == -1)
			goto fail;
	changes_free(c, n);
	return store_flush(st);
fail:
	changes_free(c, n);
	store_rollback(st);
	store_batch_lost(st, "retire");
	return -1;
}

/*
 * Waivers.
 */

void
store_waiver_line(struct strbuf *b, const char *const f[8])
{
	for (int i = 0; i < 8; i++) {
		if (i > 0)
			strbuf_addc(b, '\t');
		if (f[i] != NULL)
			text_escape(b, f[i], strlen(f[i]), TEXT_AUDIT);
	}
}

/* A waiver's line and name, for comparing by name. */
struct wline {
	char *name; /* owned */
	char *line; /* owned */
};

static int
wline_cmp(const void *a, const void *b)
{
	return strcmp(((const struct wline *)a)->name,
	    ((const struct wline *)b)->name);
}

static void
wlines_free(struct wline *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(w[i].name);
		free(w[i].line);
	}
	free(w);
}

static int
run_text(struct store *st, const char *sql, const char *const *v, int n)
{
	sqlite3_stmt *stmt = store_prepare(st, sql);
	int rc;

	if (stmt == NULL)
		return -1;
	for (int i = 0; i < n; i++)
		store_bind_text(stmt, i + 1, v[i]);
	while ((rc = store_step(st, stmt)) == 1)
		;
	sqlite3_finalize(stmt);
	return rc;
}

int
store_sync_waivers(struct store *st, const struct waiver_set *ws, int *changed)
{
	sqlite3_stmt *stmt = NULL;
	struct wline *old = NULL, *cur = NULL;
	struct strbuf d = STRBUF_INIT;
	size_t n_old = 0, n_cur = ws != NULL ? ws->n : 0, i, j;
	char *old_path = NULL, *old_digest = NULL, now[TIME_STRLEN];
	int n_changed = 0, rc = -1;

	if (changed != NULL)
		*changed = 0;
	if (store_writable(st) == -1 || store_flush(st) == -1)
		return -1;
	if (st->version < STORE_VERSION_LIFECYCLE) {
		store_set_error(st, "waivers need schema version %d",
		    STORE_VERSION_LIFECYCLE);
		return -1;
	}
	if (store_run(st, S_BEGIN) == -1)
		return -1;
	if ((stmt = store_prepare(st,
		 "SELECT name, scope_kind, scope, pack, rule, reason, "
		 "approver, expires FROM waiver ORDER BY name")) == NULL)
		goto out;
	while ((rc = store_step(st, stmt)) == 1) {
		const char *f[8];
		struct strbuf b = STRBUF_INIT;

		for (int k = 0; k < 8; k++)
			f[k] = col(stmt, k);
		store_waiver_line(&b, f);
		old = xreallocarray(old, n_old + 1, sizeof(*old));
		old[n_old].name = xstrdup(f[0] != NULL ? f[0] : "");
		old[n_old++].line = strbuf_steal(&b);
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (rc == -1)
		goto out;
	if (n_old > 1) /* old is NULL when there are none */
		qsort(old, n_old, sizeof(*old), wline_cmp);
	if ((stmt = store_prepare(st,
		 "SELECT path, digest FROM waiver_file WHERE id = 1")) == NULL)
		goto out;
	if ((rc = store_step(st, stmt)) == 1) {
		old_path = xstrdup(col(stmt, 0) ? col(stmt, 0) : "");
		old_digest = xstrdup(col(stmt, 1) ? col(stmt, 1) : "");
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (rc == -1)
		goto out;

	cur = xcalloc(n_cur > 0 ? n_cur : 1, sizeof(*cur));
	for (i = 0; i < n_cur; i++) {
		const struct waiver *w = &ws->waivers[i];
		const char *f[8] = { w->name, waiver_scope_name(w->scope_kind),
			w->scope, w->pack, w->rule, w->reason, w->approver,
			w->expires };
		struct strbuf b = STRBUF_INIT;

		store_waiver_line(&b, f);
		cur[i].name = xstrdup(w->name);
		cur[i].line = strbuf_steal(&b);
	}
	if (n_cur > 1)
		qsort(cur, n_cur, sizeof(*cur), wline_cmp);

	/* What changed, by name. */
	time_format(time_now(), now);
	line(&d, "file", ws != NULL ? ws->path : NULL);
	line(&d, "digest", ws != NULL ? ws->digest : NULL);
	line(&d, "synced", ws != NULL ? now : NULL);
	for (i = j = 0; i < n_old || j < n_cur;) {
		int cmp = i == n_old ? 1
		    : j == n_cur     ? -1
				     : strcmp(old[i].name, cur[j].name);

		if (cmp < 0) {
			line(&d, "removed", old[i++].name);
			n_changed++;
		} else if (cmp > 0) {
			line(&d, "added", cur[j++].name);
			n_changed++;
		} else {
			if (strcmp(old[i].line, cur[j].line) != 0) {
				line(&d, "changed", cur[j].name);
				n_changed++;
			}
			i++;
			j++;
		}
	}
	if (n_changed == 0 &&
	    (ws != NULL ? old_path != NULL && strcmp(old_path, ws->path) == 0 &&
			strcmp(old_digest, ws->digest) == 0
			: old_path == NULL)) {
		rc = store_run(st, S_COMMIT);
		goto out;
	}
	for (j = 0; j < n_cur; j++) {
		strbuf_adds(&d, "waiver=");
		strbuf_adds(&d, cur[j].line);
		strbuf_addc(&d, '\n');
	}
	rc = -1;
	if (run_text(st, "DELETE FROM waiver", NULL, 0) == -1 ||
	    run_text(st, "DELETE FROM waiver_file", NULL, 0) == -1)
		goto out;
	for (i = 0; i < n_cur; i++) {
		const struct waiver *w = &ws->waivers[i];
		const char *v[8] = { w->name, waiver_scope_name(w->scope_kind),
			w->scope, w->pack, w->rule, w->reason, w->approver,
			w->expires };

		if (run_text(st,
			"INSERT INTO waiver (name, scope_kind, scope, pack, "
			"rule, reason, approver, expires) VALUES (?1, ?2, ?3, "
			"?4, ?5, ?6, ?7, ?8)",
			v, 8) == -1)
			goto out;
	}
	if (ws != NULL) {
		const char *v[3] = { ws->path, ws->digest, now };

		if (run_text(st,
			"INSERT INTO waiver_file (id, path, digest, synced_at) "
			"VALUES (1, ?1, ?2, ?3)",
			v, 3) == -1)
			goto out;
	}
	if (store_audit_append(st, "waivers", (int64_t)n_cur, d.s, d.len,
		NULL) == -1 ||
	    store_run(st, S_COMMIT) == -1)
		goto out;
	if (changed != NULL)
		*changed = n_changed > 0 ? n_changed : -1;
	rc = 0;
out:
	if (rc != 0)
		store_rollback(st);
	sqlite3_finalize(stmt);
	wlines_free(old, n_old);
	wlines_free(cur, n_cur);
	free(old_path);
	free(old_digest);
	strbuf_finish(&d);
	return rc;
}

/*
 * Waivers in `vraudit verify` (schema version 5 on): the waiver and
 * waiver_file tables against the last 'waivers' record.
 */

struct wcheck {
	struct store *st;
	void (*fn)(void *arg, const char *msg);
	void *arg;
};

static void finding(struct wcheck *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
finding(struct wcheck *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->fn(c->arg, msg);
}

#define prepare(st, sql) store_prepare((st), (sql))
#define next_row(st, stmt) store_step((st), (stmt))

/* The value of line "key=" of text (up to its newline), or NULL. */
static const char *
leaf_value(const char *text, const char *key, size_t *len)
{
	size_t klen = strlen(key);

	for (const char *p = text; p != NULL && *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t l = nl != NULL ? (size_t)(nl - p) : strlen(p);

		if (l > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			*len = l - klen - 1;
			return p + klen + 1;
		}
		p = nl != NULL ? nl + 1 : NULL;
	}
	return NULL;
}

/* True when line (len bytes, without its newline) is a line of text. */
static bool
has_line(const char *text, const char *line, size_t len)
{
	for (const char *p = text; p != NULL && *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t l = nl != NULL ? (size_t)(nl - p) : strlen(p);

		if (l == len && memcmp(p, line, len) == 0)
			return true;
		p = nl != NULL ? nl + 1 : NULL;
	}
	return false;
}

/* True when column i holds exactly the n bytes at text. */
static bool
column_is_n(sqlite3_stmt *stmt, int i, const char *text, size_t n)
{
	const void *v = sqlite3_column_blob(stmt, i);
	size_t len = (size_t)sqlite3_column_bytes(stmt, i);

	return len == n && (len == 0 || memcmp(v, text, len) == 0);
}

/* The value of line "key=" of a record's detail as a new string, or NULL. */
static char *
record_value(const char *detail, const char *key)
{
	size_t len;
	const char *v = leaf_value(detail, key, &len);

	if (v == NULL) {
		/* "key=" with an empty value has no byte after '='. */
		struct strbuf k = STRBUF_INIT;

		strbuf_printf(&k, "%s=", key);
		if (has_line(detail, k.s, k.len)) {
			strbuf_finish(&k);
			return xstrdup("");
		}
		strbuf_finish(&k);
		return NULL;
	}
	return xstrndup(v, len);
}

/* The name of a waiver line (up to its first tab). */
static size_t
wname_len(const char *line)
{
	return strcspn(line, "\t\n");
}

/* Name the first field in which two waiver lines differ. */
static void
waiver_differs(struct wcheck *c, int64_t seq, const char *now, size_t now_len,
    const char *rec, size_t rec_len)
{
	static const char *const fields[] = { "name", "scope_kind", "scope",
		"pack", "rule", "reason", "approver", "expires" };
	const char *a = now, *b = rec;
	int n = (int)wname_len(now);

	for (size_t f = 0; f < ARRAY_SIZE(fields); f++) {
		size_t la = strcspn(a, "\t\n"), lb = strcspn(b, "\t\n");

		if ((size_t)(a - now) > now_len)
			la = 0;
		if ((size_t)(b - rec) > rec_len)
			lb = 0;
		if (la != lb || (la > 0 && memcmp(a, b, la) != 0)) {
			finding(c,
			    "waiver %.*s: %s is '%.*s' but record %" PRId64
			    " says '%.*s'",
			    n, now, fields[f], (int)(la > 120 ? 120 : la), a,
			    seq, (int)(lb > 120 ? 120 : lb), b);
			return;
		}
		a += la + (a[la] == '\t');
		b += lb + (b[lb] == '\t');
	}
	finding(c, "waiver %.*s: differs from record %" PRId64, n, now, seq);
}

/* The recorded waivers and their file against the last 'waivers' record. */
int
store_verify_waivers(struct store *st, void (*fn)(void *arg, const char *msg),
    void *arg)
{
	struct wcheck cc = { st, fn, arg }, *c = &cc;
	sqlite3_stmt *rec = prepare(c->st,
	    "SELECT seq, detail FROM audit WHERE kind = 'waivers' "
	    "ORDER BY seq DESC LIMIT 1");
	sqlite3_stmt *rows = prepare(c->st,
	    "SELECT name, scope_kind, scope, pack, rule, reason, approver, "
	    "expires FROM waiver ORDER BY name");
	sqlite3_stmt *file = prepare(c->st,
	    "SELECT path, digest, synced_at, (SELECT count(*) FROM "
	    "waiver_file) FROM waiver_file ORDER BY id LIMIT 1");
	struct strbuf now = STRBUF_INIT;
	const char *detail = "";
	char *want = NULL;
	int64_t seq = 0;
	int rc = -1;

	if (rec == NULL || rows == NULL || file == NULL)
		goto out;
	if ((rc = next_row(c->st, rec)) == -1)
		goto out;
	if (rc == 1) {
		seq = sqlite3_column_int64(rec, 0);
		detail = (const char *)sqlite3_column_text(rec, 1);
		if (detail == NULL)
			detail = "";
	}
	/* The file's path and digest: the report compares the file on disk
	 * with them. */
	if ((rc = next_row(c->st, file)) == -1)
		goto out;
	if (rc == 1 && sqlite3_column_int64(file, 3) > 1)
		finding(c, "waiver file: %lld rows where one is recorded",
		    (long long)sqlite3_column_int64(file, 3));
	for (int k = 0; k < 3; k++) {
		static const char *const keys[] = { "file", "digest",
			"synced" };
		const char *key = keys[k];
		const char *have =
		    rc == 1 ? (const char *)sqlite3_column_text(file, k) : NULL;
		struct strbuf esc = STRBUF_INIT;

		if (have != NULL)
			text_escape(&esc, have, strlen(have), TEXT_AUDIT);
		free(want);
		want = seq > 0 ? record_value(detail, key) : NULL;
		if (seq == 0 && have != NULL)
			finding(c,
			    "waiver file: recorded without an audit "
			    "record");
		else if (seq > 0 &&
		    strcmp(strbuf_str(&esc), want != NULL ? want : "") != 0)
			finding(c,
			    "waiver file: %s is '%.120s' but record %" PRId64
			    " says '%.120s'",
			    key, strbuf_str(&esc), seq,
			    want != NULL ? want : "");
		strbuf_finish(&esc);
	}
	/* Each waiver against the record's "waiver=" lines, both by name. */
	while ((rc = next_row(c->st, rows)) == 1) {
		const char *f[8];
		const char *p;
		size_t n;
		bool matched = false;

		for (int k = 0; k < 8; k++)
			f[k] = (const char *)sqlite3_column_text(rows, k);
		strbuf_reset(&now);
		store_waiver_line(&now, f);
		n = wname_len(strbuf_str(&now));
		for (p = detail; p != NULL && *p != '\0';) {
			const char *nl = strchr(p, '\n');
			size_t l = nl != NULL ? (size_t)(nl - p) : strlen(p);

			if (l > 7 && strncmp(p, "waiver=", 7) == 0 &&
			    wname_len(p + 7) == n &&
			    memcmp(p + 7, strbuf_str(&now), n) == 0) {
				matched = true;
				if (l - 7 != now.len ||
				    memcmp(p + 7, now.s, now.len) != 0)
					waiver_differs(c, seq, now.s, now.len,
					    p + 7, l - 7);
				break;
			}
			p = nl != NULL ? nl + 1 : NULL;
		}
		if (!matched)
			finding(c,
			    seq > 0
				? "waiver %.*s: not in record %" PRId64
				  " (added without an audit record)"
				: "waiver %.*s: not in the audit chain%.0" PRId64,
			    (int)n, strbuf_str(&now), seq);
	}
	if (rc == -1)
		goto out;
	/* Recorded waivers gone from the table. */
	sqlite3_reset(rows);
	for (const char *p = detail; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t l = nl != NULL ? (size_t)(nl - p) : strlen(p);

		if (l > 7 && strncmp(p, "waiver=", 7) == 0) {
			size_t n = wname_len(p + 7);
			bool there = false;

			while ((rc = next_row(c->st, rows)) == 1)
				if (column_is_n(rows, 0, p + 7, n))
					there = true;
			sqlite3_reset(rows);
			if (rc == -1)
				goto out;
			if (!there)
				finding(c,
				    "waiver %.*s: in record %" PRId64 " but "
				    "missing from the database",
				    (int)n, p + 7, seq);
		}
		p += l + (nl != NULL);
	}
	rc = 0;
out:
	free(want);
	strbuf_finish(&now);
	sqlite3_finalize(rec);
	sqlite3_finalize(rows);
	sqlite3_finalize(file);
	return rc;
}
