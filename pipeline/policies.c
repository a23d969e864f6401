/*
 * The configuration's policy packs and waivers, recorded in the store for
 * the views auditors query, its retire-after given to the store, and
 * verdicts redone when the rules changed.
 */
#include "pipeline/pipeline.h"

#include <stdio.h>

#include "classify/classify.h"
#include "common/log.h"
#include "common/util.h"
#include "config/config.h"
#include "policy/policy.h"
#include "policy/waiver.h"
#include "store/store.h"

/* The waivers file (none when the configuration names none) checked
 * against the packs, recorded. */
static int
record_waivers(const struct config *cfg, const struct policy_set *set,
    struct store *st, char *err, size_t errlen)
{
	struct waiver_set *ws = NULL;
	int changed = 0;

	if (cfg->waivers_path != NULL &&
	    ((ws = waiver_set_load(cfg->waivers_path, err, errlen)) == NULL ||
		waiver_set_check(ws, set, err, errlen) == -1)) {
		waiver_set_free(ws);
		return PIPELINE_BAD_WAIVERS;
	}
	if (store_sync_waivers(st, ws, &changed) < 0) {
		str_copy(err, store_error(st), errlen);
		waiver_set_free(ws);
		return PIPELINE_STORE;
	}
	if (changed > 0)
		log_info("policy",
		    "waivers of %s recorded: %d added, changed "
		    "or removed",
		    ws != NULL ? ws->path : "(none)", changed);
	waiver_set_free(ws);
	return 0;
}

void
pipeline_policy_settings(const struct config *cfg, struct policy_set *set)
{
	set->max_age_s = cfg->max_age_ms / 1000;
	str_copy(set->baseline, cfg->baseline, sizeof(set->baseline));
}

int
pipeline_record_packs(const struct config *cfg, const struct classifier *cl,
    struct store *st, char *err, size_t errlen)
{
	struct policy_set *set = policy_select(cfg->policy_dir,
	    cfg->policy_packs, cfg->n_policy_packs, cl, err, errlen);
	int rc = 0;

	store_set_retire_after(st,
	    cfg->retire_after_ms == CONFIG_RETIRE_NEVER ? STORE_RETIRE_NEVER
							: cfg->retire_after_ms);
	if (set == NULL)
		return PIPELINE_BAD_PACKS;
	pipeline_policy_settings(cfg, set);
	if (store_sync_policies(st, set) < 0) {
		str_copy(err, store_error(st), errlen);
		rc = PIPELINE_STORE;
	} else
		rc = record_waivers(cfg, set, st, err, errlen);
	policy_set_free(set);
	return rc;
}

int
pipeline_sync_policies(const struct config *cfg, struct classifier *cl,
    struct store *st, int *changed, char *err, size_t errlen)
{
	struct classifier_ops ops = classifier_ops(cl);
	int rc, n = 0;

	if ((rc = pipeline_record_packs(cfg, cl, st, err, errlen)) != 0)
		return rc;
	/* Verdicts made under other rules (vendors.conf, the registry) are
	 * redone before new ones join them. */
	if (store_reclassify(st, &ops, &n) < 0) {
		str_copy(err, store_error(st), errlen);
		return PIPELINE_STORE;
	}
	if (changed != NULL)
		*changed = n;
	return 0;
}
