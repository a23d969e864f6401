/*
 * What the command line and the daemon share on the way from a probe to
 * the store: a sweep built from the configuration, the policy packs
 * recorded for the views. (The writer and the sweep sink have headers of
 * their own.)
 */
#ifndef VRAUDIT_PIPELINE_PIPELINE_H
#define VRAUDIT_PIPELINE_PIPELINE_H

#include <stddef.h>

struct classifier;
struct config;
struct config_target;
struct policy_set;
struct store;
struct sweep;
struct sweep_cred;
struct sweep_params;

/* The names of cfg's [target] sections, ", "-separated, as a new string
 * (what a sweep's scan row says it swept). */
char *pipeline_target_names(const struct config *cfg);
/* The sweep limits of cfg's [snmp] section. */
void pipeline_sweep_params(const struct config *cfg, struct sweep_params *p);
/* The credentials of a [target] section (borrowing its strings). */
void pipeline_sweep_cred(const struct config_target *t, struct sweep_cred *c);
/* Add every address of every [target] section of cfg to sw; 0, or -1
 * with the reason in err. */
int pipeline_sweep_targets(struct sweep *sw, const struct config *cfg,
    char *err, size_t errlen);

/* What pipeline_sync_policies failed at. */
enum {
	PIPELINE_BAD_PACKS = 1,   /* the configuration's packs do not load */
	PIPELINE_STORE = 2,       /* the store failed */
	PIPELINE_BAD_WAIVERS = 3, /* the waivers file does not load */
};

/* Record the packs cfg selects and its waivers file in st for the views
 * auditors query and give st cfg's retire-after, then
 * redo verdicts made under other rules than cl's (*changed counts them;
 * may be NULL). 0, or PIPELINE_BAD_PACKS or PIPELINE_STORE with the
 * reason in err (the packs recorded before stay). */
int pipeline_sync_policies(const struct config *cfg, struct classifier *cl,
    struct store *st, int *changed, char *err, size_t errlen);
/* Give set the configuration's coverage settings ([policy] max-age,
 * baseline). */
void pipeline_policy_settings(const struct config *cfg, struct policy_set *set);
/* Only the first half: record the packs and waivers, 0 or as above
 * (the waivers recorded before stay when the file does not load). */
int pipeline_record_packs(const struct config *cfg, const struct classifier *cl,
    struct store *st, char *err, size_t errlen);

#endif
