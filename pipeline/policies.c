/*
 * The configuration's policy packs, recorded in the store for the views
 * auditors query, and verdicts redone when the rules changed.
 */
#include "pipeline/pipeline.h"

#include <stdio.h>

#include "classify/classify.h"
#include "common/util.h"
#include "config/config.h"
#include "policy/policy.h"
#include "store/store.h"

int
pipeline_record_packs(const struct config *cfg, const struct classifier *cl,
    struct store *st, char *err, size_t errlen)
{
	struct policy_set *set = policy_select(cfg->policy_dir,
	    cfg->policy_packs, cfg->n_policy_packs, cl, err, errlen);
	int rc = 0;

	if (set == NULL)
		return PIPELINE_BAD_PACKS;
	if (store_sync_policies(st, set) < 0) {
		str_copy(err, store_error(st), errlen);
		rc = PIPELINE_STORE;
	}
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
