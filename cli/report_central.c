/*
 * vraudit report --central: the national report. The central database's
 * state is gathered, in one snapshot, into a site file made for the
 * purpose (in a private temporary directory, removed afterwards), and the
 * packs are evaluated on it by the same views as a site's report: shares
 * per zone count every site's elements. Each site is also
 * evaluated alone, for the breakdown by site: by the central database's
 * views (vraudit.rule_status) when they judge by this report's packs,
 * else gathered and evaluated here like the whole.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "central/central.h"
#include "cli/cli.h"
#include "cli/report_central.h"
#include "config/config.h"
#include "policy/policy.h"
#include "report/report.h"
#include "store/store.h"
#include "common/util.h"

/* A new site file at dir/name filled from the central database. */
static struct store *
gather(struct central *c, const char *dir, const char *name, const char *site,
    const struct policy_set *set, struct central_national *map, char **path)
{
	char err[1024];
	struct store *st;

	*path = xprintf("%s/%s.db", dir, name);
	if ((st = store_open(*path, STORE_READ_WRITE, err, sizeof(err))) ==
	    NULL) {
		fprintf(stderr, "vraudit report: %s\n", err);
		return NULL;
	}
	if (central_materialize(c, st, site, set, map) < 0) {
		fprintf(stderr, "vraudit report: %s\n", central_error(c));
		store_close(st);
		return NULL;
	}
	return st;
}

static void
discard(struct store *st, char *path)
{
	store_close(st);
	if (path != NULL) {
		char *side;

		unlink(path);
		side = xprintf("%s-wal", path);
		unlink(side);
		free(side);
		side = xprintf("%s-shm", path);
		unlink(side);
		free(side);
	}
	free(path);
}

/* Site i evaluated alone: its rules into sites[i]. */
static int
evaluate_site(struct central_report *cr, const struct policy_set *set,
    const struct report_options *opt, size_t i)
{
	struct report_options one = *opt;
	struct report_site *site = &cr->sites[i];
	struct report_site_rule rule;
	struct report *r;
	struct store *st;
	char name[32], *path = NULL;

	snprintf(name, sizeof(name), "site-%zu", i);
	if ((st = gather(cr->c, cr->dir, name, site->name, set, NULL, &path)) ==
	    NULL) {
		discard(NULL, path);
		return -1;
	}
	one.sites = NULL;
	if ((r = report_new(st, set, &one)) == NULL) {
		fprintf(stderr, "vraudit report: site %s: %s\n", site->name,
		    store_error(st));
		discard(st, path);
		return -1;
	}
	while (report_rule_summary(r, site->n_rules, &rule) == 0) {
		site->rules = xreallocarray(site->rules, site->n_rules + 1,
		    sizeof(*site->rules));
		site->rules[site->n_rules++] = rule;
	}
	report_free(r);
	discard(st, path);
	return 0;
}

/* A verdict of the central database's rule_status into its site's rules:
 * a rule, then the shares of its scope. */
static void
add_verdict(void *arg, const struct central_verdict *v)
{
	struct central_report *cr = arg;
	struct report_site *site = NULL;
	struct report_site_rule *last;

	for (size_t i = 0; i < cr->map.n_sites && site == NULL; i++)
		if (strcmp(cr->sites[i].name, v->site) == 0)
			site = &cr->sites[i];
	if (site == NULL)
		return;
	last = site->n_rules > 0 ? &site->rules[site->n_rules - 1] : NULL;
	if (last == NULL || strcmp(last->policy, v->policy) != 0 ||
	    strcmp(last->rule, v->rule) != 0) {
		site->rules = xreallocarray(site->rules, site->n_rules + 1,
		    sizeof(*site->rules));
		last = &site->rules[site->n_rules++];
		report_site_rule_start(last, v->policy, v->rule, v->status,
		    v->days_left, v->state, v->elements, v->covered);
	}
	if (v->zone != NULL)
		report_site_rule_share(last, v->zone, v->zone_high_risk,
		    v->zone_elements, v->share, v->max_share);
}

/*
 * Each site alone, evaluated by the central database's views when they
 * judge by the report's packs and settings (vraudit central migrate wrote
 * them), at the report's date: 1 when done, 0 when they judge by others
 * (each site is then gathered and evaluated here), -1 on error.
 */
static int
sites_by_views(struct central *c, struct central_report *cr,
    const struct policy_set *set, const struct report_options *opt)
{
	char as_of[TIME_STRLEN], now[TIME_STRLEN];
	int match;

	/* the report's evaluation date: --as-of, else the day it is made */
	if (opt->as_of != NULL)
		str_copy(as_of, opt->as_of, sizeof(as_of));
	else {
		time_format(opt->now, as_of);
		as_of[10] = '\0';
	}
	policy_evaluation_time(as_of, time_now(), now);
	if ((match = central_policies_match(c, set)) != 1)
		return match;
	if (central_clock(c, as_of, now) < 0 ||
	    central_site_verdicts(c, add_verdict, cr) < 0)
		return -1;
	return 1;
}

/* sites_by_views on a second connection reading the first one's
 * snapshot, by a thread of its own while the first gathers the national
 * state. */
struct verdicts {
	struct central_report *cr;
	const struct policy_set *set;
	const struct report_options *opt;
	struct central *c;
	pthread_t thread;
	int by_views;
	char err[2048];
};

static void *
verdicts_thread(void *arg)
{
	struct verdicts *v = arg;

	v->by_views = sites_by_views(v->c, v->cr, v->set, v->opt);
	if (v->by_views < 0)
		str_copy(v->err, central_error(v->c), sizeof(v->err));
	return NULL;
}

/* Start reading the verdicts on a second connection: false when none
 * can be had (the first reads them then). */
static bool
verdicts_start(struct verdicts *v, const struct config *cfg,
    const char *snapshot)
{
	char err[1024];

	if ((v->c = central_connect(cfg, err, sizeof(err))) == NULL)
		return false;
	if (central_snapshot_join(v->c, snapshot) == 0 &&
	    pthread_create(&v->thread, NULL, verdicts_thread, v) == 0)
		return true;
	central_close(v->c);
	v->c = NULL;
	return false;
}

int
cli_report_central(const struct config *cfg, const struct policy_set *set,
    struct report_options *opt, bool quiet, struct central_report *cr,
    struct report **out)
{
	char err[2048], *path = NULL, snapshot[CENTRAL_SNAPSHOT_LEN] = "";
	const char *tmpdir = getenv("TMPDIR");
	struct verdicts v = { .cr = cr, .set = set, .opt = opt };
	struct store *st = NULL;
	int rc = EXIT_RUNTIME, by_views = 0;
	bool threaded;

	memset(cr, 0, sizeof(*cr));
	*out = NULL;
	if (cfg->central_url == NULL) {
		fprintf(stderr,
		    "vraudit report: %s: no [central] section with a url\n",
		    cfg->path != NULL ? cfg->path : "configuration");
		return EXIT_USAGE;
	}
	if ((cr->c = central_connect(cfg, err, sizeof(err))) == NULL) {
		fprintf(stderr, "vraudit report: %s\n", err);
		return EXIT_RUNTIME;
	}
	cr->dir = xprintf("%s/vraudit-central.XXXXXX",
	    tmpdir != NULL && *tmpdir != '\0' ? tmpdir : "/tmp");
	if (mkdtemp(cr->dir) == NULL) {
		fprintf(stderr, "vraudit report: %s: %s\n", cr->dir,
		    strerror(errno));
		free(cr->dir);
		cr->dir = NULL;
		return EXIT_RUNTIME;
	}
	/* The snapshot named for a second connection first: a failure
	 * there ends the transaction, which then begins again. */
	if (central_snapshot_begin(cr->c) < 0) {
		fprintf(stderr, "vraudit report: %s\n", central_error(cr->c));
		return EXIT_RUNTIME;
	}
	if (central_snapshot_name(cr->c, snapshot) < 0) {
		*snapshot = '\0';
		central_snapshot_end(cr->c);
		if (central_snapshot_begin(cr->c) < 0) {
			fprintf(stderr, "vraudit report: %s\n",
			    central_error(cr->c));
			return EXIT_RUNTIME;
		}
	}
	if (central_sites(cr->c, &cr->map.sites, &cr->map.n_sites) < 0) {
		fprintf(stderr, "vraudit report: %s\n", central_error(cr->c));
		return EXIT_RUNTIME;
	}
	cr->sites = xcalloc(cr->map.n_sites + 1, sizeof(*cr->sites));
	for (size_t i = 0; i < cr->map.n_sites; i++) {
		cr->sites[i].name = cr->map.sites[i].name;
		cr->sites[i].head_seq = cr->map.sites[i].head_seq;
		cr->sites[i].head_hash = cr->map.sites[i].head_hash;
	}
	/* The sites' verdicts by the central database's views, on a second
	 * connection while this one gathers the national state, when one
	 * reads the same snapshot; else on this one first. */
	threaded = *snapshot != '\0' && verdicts_start(&v, cfg, snapshot);
	if (!threaded && (by_views = sites_by_views(cr->c, cr, set, opt)) < 0) {
		fprintf(stderr, "vraudit report: %s\n", central_error(cr->c));
		return EXIT_RUNTIME;
	}
	st = gather(cr->c, cr->dir, "national", NULL, set, &cr->map, &path);
	if (threaded) {
		pthread_join(v.thread, NULL);
		central_close(v.c);
		by_views = v.by_views;
		if (by_views < 0)
			fprintf(stderr, "vraudit report: %s\n", v.err);
	}
	if (st == NULL || by_views < 0)
		goto out;
	/* counted as the gather read them */
	for (size_t i = 0; i < cr->map.n_sites; i++)
		cr->sites[i].elements = cr->map.sites[i].elements;
	if (by_views == 0 && !quiet)
		fprintf(stderr,
		    "vraudit report: note: the central database holds other "
		    "packs or [policy] settings than this report's; each site "
		    "is evaluated here alone, which takes longer (vraudit "
		    "central migrate with this configuration writes them "
		    "there)\n");
	for (size_t i = 0; by_views == 0 && i < cr->map.n_sites; i++)
		if (evaluate_site(cr, set, opt, i) < 0)
			goto out;
	central_snapshot_end(cr->c);
	cr->rs.sites = cr->sites;
	cr->rs.n = cr->map.n_sites;
	cr->rs.site_id = cr->map.site_id;
	cr->rs.site_of = cr->map.site_of;
	cr->rs.n_elements = cr->map.n_elements;
	central_describe(cr->c, cr->label, sizeof(cr->label));
	snprintf(cr->label + strlen(cr->label),
	    sizeof(cr->label) - strlen(cr->label), ", %zu site%s",
	    cr->map.n_sites, cr->map.n_sites == 1 ? "" : "s");
	opt->db_path = cr->label;
	opt->sites = &cr->rs;
	if ((*out = report_new(st, set, opt)) == NULL)
		fprintf(stderr, "vraudit report: %s\n", store_error(st));
	else
		rc = EXIT_OK;
out:
	discard(st, path);
	return rc;
}

void
cli_report_central_finish(struct central_report *cr)
{
	for (size_t i = 0; cr->sites != NULL && i < cr->map.n_sites; i++) {
		for (size_t k = 0; k < cr->sites[i].n_rules; k++)
			report_site_rule_finish(&cr->sites[i].rules[k]);
		free(cr->sites[i].rules);
	}
	free(cr->sites);
	central_national_free(&cr->map);
	central_close(cr->c);
	if (cr->dir != NULL && rmdir(cr->dir) != 0)
		fprintf(stderr, "vraudit report: %s: %s\n", cr->dir,
		    strerror(errno));
	free(cr->dir);
	memset(cr, 0, sizeof(*cr));
}
