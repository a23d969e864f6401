/*
 * Evidence and verdicts: each piece of evidence assessed by the classifier
 * and kept (the same element, kind and value refresh one row), the verdict
 * fused from an element's evidence with an audit record when it changes,
 * and every element classified under other rules redone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "store/store.h"
#include "store/store_private.h"

void
store_assess(const struct classifier_ops *ops, enum evidence_kind kind,
    const char *value, struct evidence *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->value = value;
	if (ops == NULL)
		return;
	if (ops->assess(ops->ctx, kind, value, ev) == -1) {
		log_debug("store", "%s evidence not assessed",
		    evidence_kind_name(kind));
		memset(ev, 0, sizeof(*ev));
		ev->kind = kind;
		ev->value = value;
	}
}

static bool
same_text(const unsigned char *stored, const char *now)
{
	if (stored == NULL || *stored == '\0')
		return now == NULL || *now == '\0';
	return now != NULL && strcmp((const char *)stored, now) == 0;
}

static void
bind_assessment(sqlite3_stmt *stmt, int idx, const struct evidence *ev)
{
	store_bind_text(stmt, idx, ev->vendor);
	sqlite3_bind_double(stmt, idx + 1, ev->strength);
	store_bind_text(stmt, idx + 2, ev->rule);
}

int
store_insert_evidence(struct store *st, int64_t id, int64_t scan_id,
    const struct span_input *in, const struct evidence *ev)
{
	sqlite3_stmt *stmt = st->stmt[S_EV_INSERT];
	char t1[TIME_STRLEN], t2[TIME_STRLEN];

	time_format(in->first, t1);
	time_format(in->last, t2);
	sqlite3_bind_int64(stmt, 1, id);
	store_bind_text(stmt, 2, evidence_kind_name(in->kind));
	store_bind_value(stmt, 3, in->value);
	bind_assessment(stmt, 4, ev);
	store_bind_text(stmt, 7, t1);
	if (scan_id > 0)
		sqlite3_bind_int64(stmt, 8, scan_id);
	store_bind_text(stmt, 9, t2);
	return store_run(st, S_EV_INSERT);
}

/* Insert or refresh one piece of evidence; *changed when the element's
 * evidence set or an assessment is new. */
int
store_write_evidence(struct store *st, int64_t id, int64_t scan_id,
    const struct span_input *in, bool *changed)
{
	sqlite3_stmt *get = st->stmt[S_EV_GET], *stmt;
	char t1[TIME_STRLEN], t2[TIME_STRLEN];
	struct evidence ev;
	int64_t ev_id;
	int rc;

	store_assess(st->ops, in->kind, in->value, &ev);
	time_format(in->first, t1);
	time_format(in->last, t2);
	/* The common case in one statement: known, and assessed as before. */
	stmt = st->stmt[S_EV_TOUCH];
	sqlite3_bind_int64(stmt, 1, id);
	store_bind_text(stmt, 2, evidence_kind_name(in->kind));
	store_bind_value(stmt, 3, in->value);
	store_bind_text(stmt, 4, t2);
	if (scan_id > 0)
		sqlite3_bind_int64(stmt, 5, scan_id);
	store_bind_text(stmt, 6, t1);
	bind_assessment(stmt, 7, &ev);
	if (store_run(st, S_EV_TOUCH) == -1)
		return -1;
	if (sqlite3_changes(st->db) > 0)
		return 0;
	sqlite3_bind_int64(get, 1, id);
	store_bind_text(get, 2, evidence_kind_name(in->kind));
	store_bind_value(get, 3, in->value);
	if ((rc = store_step(st, get)) == -1)
		return -1;
	if (rc == 0) {
		*changed = true;
		return store_insert_evidence(st, id, scan_id, in, &ev);
	}
	ev_id = sqlite3_column_int64(get, 0);
	if (!same_text(sqlite3_column_text(get, 1), ev.vendor) ||
	    sqlite3_column_double(get, 2) != ev.strength ||
	    !same_text(sqlite3_column_text(get, 3), ev.rule))
		*changed = true;
	store_reset(get);
	stmt = st->stmt[S_EV_UPDATE];
	sqlite3_bind_int64(stmt, 1, ev_id);
	bind_assessment(stmt, 2, &ev);
	store_bind_text(stmt, 5, t2);
	if (scan_id > 0)
		sqlite3_bind_int64(stmt, 6, scan_id);
	store_bind_text(stmt, 7, t1);
	return store_run(st, S_EV_UPDATE);
}

struct loaded {
	struct evidence *ev;
	int64_t *ids;
	char **values; /* owned copies behind ev[i].value */
	size_t n;
};

static void
loaded_free(struct loaded *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->values[i]);
	free(l->ev);
	free(l->ids);
	free(l->values);
	memset(l, 0, sizeof(*l));
}

/* Load an element's evidence, as stored (reassess false) or assessed
 * afresh with ops. */
static int
load_evidence(struct store *st, int64_t id, const struct classifier_ops *ops,
    bool reassess, struct loaded *l)
{
	sqlite3_stmt *stmt = st->stmt[S_EV_LOAD];
	size_t cap = 0;
	int rc;

	memset(l, 0, sizeof(*l));
	sqlite3_bind_int64(stmt, 1, id);
	while ((rc = store_step(st, stmt)) == 1) {
		const char *kind = (const char *)sqlite3_column_text(stmt, 0);
		char *value;
		const unsigned char *col;
		struct evidence *ev;
		int k = evidence_kind_parse(kind != NULL ? kind : "");

		if (k == -1)
			continue;
		if (l->n == cap) {
			cap = cap == 0 ? 8 : 2 * cap;
			l->ev = xreallocarray(l->ev, cap, sizeof(*l->ev));
			l->ids = xreallocarray(l->ids, cap, sizeof(*l->ids));
			l->values =
			    xreallocarray(l->values, cap, sizeof(*l->values));
		}
		/* As a sighting carries it, so that it is assessed alike. */
		if ((value = store_column_wire(stmt, 1)) == NULL)
			value = xstrdup("");
		l->values[l->n] = value;
		l->ids[l->n] = sqlite3_column_int64(stmt, 5);
		ev = &l->ev[l->n];
		if (reassess)
			store_assess(ops, (enum evidence_kind)k,
			    l->values[l->n], ev);
		else {
			memset(ev, 0, sizeof(*ev));
			ev->kind = (enum evidence_kind)k;
			ev->value = l->values[l->n];
			if ((col = sqlite3_column_text(stmt, 2)) != NULL)
				str_copy(ev->vendor, (const char *)col,
				    sizeof(ev->vendor));
			ev->strength = sqlite3_column_double(stmt, 3);
			if ((col = sqlite3_column_text(stmt, 4)) != NULL)
				str_copy(ev->rule, (const char *)col,
				    sizeof(ev->rule));
		}
		l->n++;
	}
	if (rc == -1) {
		loaded_free(l);
		return -1;
	}
	return 0;
}

/* Step stmt, a lookup of element id, to its row; -1 with the error set,
 * also when the element is gone. */
static int
element_row(struct store *st, sqlite3_stmt *stmt, int64_t id)
{
	int rc;

	sqlite3_bind_int64(stmt, 1, id);
	if ((rc = store_step(st, stmt)) != 1) {
		if (rc == 0)
			store_set_error(st, "element %lld vanished",
			    (long long)id);
		return -1;
	}
	return 0;
}

/* The stored verdict of element id (the rules digest aside). */
static int
verdict_get(struct store *st, int64_t id, struct verdict *old)
{
	sqlite3_stmt *stmt = st->stmt[S_VERDICT_GET];
	const unsigned char *col;
	int rc;

	memset(old, 0, sizeof(*old));
	if (element_row(st, stmt, id) == -1)
		return -1;
	if ((col = sqlite3_column_text(stmt, 0)) != NULL)
		str_copy(old->vendor, (const char *)col, sizeof(old->vendor));
	if ((col = sqlite3_column_text(stmt, 1)) != NULL)
		str_copy(old->vendor_name, (const char *)col,
		    sizeof(old->vendor_name));
	col = sqlite3_column_text(stmt, 2);
	rc = risk_parse(col != NULL ? (const char *)col : "");
	old->risk = rc == -1 ? RISK_UNKNOWN : (enum risk)rc;
	old->confidence = sqlite3_column_double(stmt, 3);
	old->conflict = sqlite3_column_int(stmt, 4) != 0;
	store_reset(stmt);
	return 0;
}

bool
store_verdict_differs(const struct verdict *a, const struct verdict *b)
{
	return strcmp(a->vendor, b->vendor) != 0 ||
	    strcmp(a->vendor_name, b->vendor_name) != 0 || a->risk != b->risk ||
	    a->confidence != b->confidence || a->conflict != b->conflict;
}

/* Fuse the loaded evidence into a verdict and store it, with an audit
 * record when it changed; *changed (may be NULL) says whether it did. */
static int
write_verdict(struct store *st, int64_t id, const struct classifier_ops *ops,
    const struct evidence *ev, size_t n_ev, bool *changed)
{
	sqlite3_stmt *stmt = st->stmt[S_VERDICT];
	struct verdict v, old;
	bool differs;

	memset(&v, 0, sizeof(v));
	v.risk = RISK_UNKNOWN;
	if (ops != NULL) {
		if (ops->fuse(ops->ctx, ev, n_ev, &v) == -1) {
			log_warnx("store",
			    "%s: element %lld: classifier could "
			    "not fuse its evidence",
			    st->path, (long long)id);
			memset(&v, 0, sizeof(v));
			v.risk = RISK_UNKNOWN;
		}
		str_copy(v.digest, ops->digest(ops->ctx), sizeof(v.digest));
	}
	if (verdict_get(st, id, &old) == -1)
		return -1;
	differs = store_verdict_differs(&old, &v);
	if (changed != NULL)
		*changed = differs;
	sqlite3_bind_int64(stmt, 1, id);
	store_bind_text(stmt, 2, v.vendor);
	store_bind_text(stmt, 3, v.vendor_name);
	store_bind_text(stmt, 4, risk_name(v.risk));
	sqlite3_bind_double(stmt, 5, v.confidence);
	sqlite3_bind_int(stmt, 6, v.conflict ? 1 : 0);
	store_bind_text(stmt, 7, v.digest);
	/* The change is recorded with the element's next leaf. */
	return store_run(st, S_VERDICT);
}

/* Fuse element id's evidence into its verdict under ops, assessing each
 * piece again first (and storing the assessments) when reassess; *changed
 * (may be NULL) as write_verdict. */
static int
judge(struct store *st, int64_t id, const struct classifier_ops *ops,
    bool reassess, bool *changed)
{
	struct loaded l;
	int rc = 0;

	if (load_evidence(st, id, ops, reassess, &l) == -1)
		return -1;
	for (size_t k = 0; reassess && k < l.n && rc == 0; k++) {
		sqlite3_stmt *stmt = st->stmt[S_EV_REASSESS];

		sqlite3_bind_int64(stmt, 1, l.ids[k]);
		bind_assessment(stmt, 2, &l.ev[k]);
		rc = store_run(st, S_EV_REASSESS);
	}
	if (rc == 0)
		rc = write_verdict(st, id, ops, l.ev, l.n, changed);
	loaded_free(&l);
	return rc;
}

int
store_classify_element(struct store *st, int64_t id, bool reassess)
{
	return judge(st, id, st->ops, reassess, NULL);
}

int
store_reclassify(struct store *st, const struct classifier_ops *ops,
    int *changed)
{
	sqlite3_stmt *stale = st->stmt[S_STALE], *any = st->stmt[S_ANY_STALE];
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	int rc, count = 0;
	bool some;

	if (changed != NULL)
		*changed = 0;
	if (store_writable(st) == -1 || store_flush(st) == -1)
		return -1;
	/* Mostly none: probing the index says so without the scan. */
	store_bind_text(any, 1, ops->digest(ops->ctx));
	rc = store_step(st, any);
	some = rc == 1 && sqlite3_column_int(any, 0) != 0;
	if (rc == 1)
		store_reset(any);
	if (some) {
		store_bind_text(stale, 1, ops->digest(ops->ctx));
		while ((rc = store_step(st, stale)) == 1) {
			if (n == cap) {
				cap = cap == 0 ? 64 : 2 * cap;
				ids = xreallocarray(ids, cap, sizeof(*ids));
			}
			ids[n++] = sqlite3_column_int64(stale, 0);
		}
	}
	if (rc == -1 || store_run(st, S_BEGIN) == -1) {
		free(ids);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		bool diff = false;

		rc = judge(st, ids[i], ops, true, &diff);
		store_leaf_touch(st, ids[i]);
		if (rc == -1)
			goto fail;
		if (diff)
			count++;
	}
	free(ids);
	if (store_leaf_commit(st) == -1 || store_run(st, S_COMMIT) == -1)
		goto fail_nofree;
	if (changed != NULL)
		*changed = count;
	return 0;
fail:
	free(ids);
fail_nofree:
	store_rollback(st);
	return -1;
}

int
store_element_stale(struct store *st, int64_t id, bool *stale)
{
	sqlite3_stmt *stmt = st->stmt[S_ELEMENT_DIGEST];
	const char *want =
	    st->ops != NULL ? st->ops->digest(st->ops->ctx) : NULL;
	const unsigned char *have;

	if (element_row(st, stmt, id) == -1)
		return -1;
	have = sqlite3_column_text(stmt, 0);
	if ((have == NULL) != (want == NULL) ||
	    (have != NULL && strcmp((const char *)have, want) != 0))
		*stale = true;
	store_reset(stmt);
	return 0;
}
