/*
 * A classifier for tests of what the store does with verdicts, without
 * the real catalogue: a value naming Huawei points to huawei (strength
 * 0.9), one naming ZTE to zte (0.8), anything else to no vendor. The
 * strongest vendor wins, two vendors are a conflict, and a vendor means
 * high risk. `swap` reads Huawei as ZTE, as if the rules had changed, and
 * changes the digest with it.
 */
#ifndef VRAUDIT_TESTS_FAKE_CLASSIFIER_H
#define VRAUDIT_TESTS_FAKE_CLASSIFIER_H

#include <stdbool.h>

#include "common/evidence.h"

struct fake_classifier {
	bool swap;    /* read Huawei as ZTE: "new rules" */
	int assessed; /* calls of assess so far */
	int fused;    /* calls of fuse so far */
};

/* The operations over f, which must outlive every store they are given to. */
struct classifier_ops fake_classifier_ops(struct fake_classifier *f);

#endif
