/*
 * A classifier that knows two vendors by a word in the value. See
 * fake_classifier.h.
 */
#include <string.h>

#include "common/util.h"
#include "tests/lib/fake_classifier.h"

static int
fake_assess(void *ctx, enum evidence_kind kind, const char *value,
    struct evidence *out)
{
	struct fake_classifier *f = ctx;

	(void)kind;
	f->assessed++;
	if (strstr(value, "Huawei") != NULL) {
		str_copy(out->vendor, f->swap ? "zte" : "huawei",
		    sizeof(out->vendor));
		out->strength = 0.9;
		str_copy(out->rule, "fake-huawei", sizeof(out->rule));
	} else if (strstr(value, "ZTE") != NULL) {
		str_copy(out->vendor, "zte", sizeof(out->vendor));
		out->strength = 0.8;
		str_copy(out->rule, "fake-zte", sizeof(out->rule));
	}
	return 0;
}

static int
fake_fuse(void *ctx, const struct evidence *ev, size_t n, struct verdict *out)
{
	struct fake_classifier *f = ctx;
	size_t best = n;

	f->fused++;
	for (size_t i = 0; i < n; i++) {
		if (ev[i].vendor[0] == '\0')
			continue;
		if (best < n && strcmp(ev[best].vendor, ev[i].vendor) != 0)
			out->conflict = true;
		if (best == n || ev[i].strength > ev[best].strength)
			best = i;
	}
	if (best == n) {
		out->risk = RISK_UNKNOWN;
		return 0;
	}
	str_copy(out->vendor, ev[best].vendor, sizeof(out->vendor));
	str_copy(out->vendor_name,
	    strcmp(ev[best].vendor, "zte") == 0 ? "ZTE Corporation"
						: "Huawei Technologies",
	    sizeof(out->vendor_name));
	out->risk = RISK_HIGH;
	out->confidence = ev[best].strength;
	return 0;
}

static const char *
fake_digest(void *ctx)
{
	struct fake_classifier *f = ctx;

	return f->swap ? "00000000000000bb" : "00000000000000aa";
}

struct classifier_ops
fake_classifier_ops(struct fake_classifier *f)
{
	struct classifier_ops ops = { fake_assess, fake_fuse, fake_digest, f };

	return ops;
}
