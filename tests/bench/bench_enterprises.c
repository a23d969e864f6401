/*
 * Benchmark of the IANA enterprise numbers registry: time to load Debian's
 * enterprises.tsv, time to build a whole classifier with it (catalogue,
 * IEEE registry, each number tagged with the vendor whose alias is its
 * registrant), and the cost of assessing one sysObjectID over 1M numbers.
 * Not a test: run it by hand, see BENCHMARKS.md.
 *
 * usage: bench_enterprises [ENTERPRISES_TSV [OUI_DIR]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "classify/classify.h"
#include "classify/enterprises.h"
#include "common/util.h"

#define N_OIDS 1000000
#define ROUNDS 7

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	const char *path =
	    argc > 1 ? argv[1] : "/usr/share/wireshark/enterprises.tsv";
	const char *oui_dir = argc > 2 ? argv[2] : "/usr/share/ieee-data";
	struct classifier_sources with = { oui_dir, NULL, path, NULL };
	struct classifier_sources without = { oui_dir, NULL, NULL, NULL };
	double load[ROUNDS], full[ROUNDS], base[ROUNDS], t0, ns[3];
	struct enterprises *reg = NULL;
	struct classifier *c = NULL;
	struct evidence e;
	char err[512], oid[48];
	size_t named = 0;
	uint32_t max = 0;

	for (int r = 0; r < ROUNDS; r++) {
		struct classifier *b;

		enterprises_free(reg);
		reg = enterprises_new();
		t0 = now_ms();
		if (enterprises_load_file(reg, path, false, err, sizeof(err)) <
		    0) {
			fprintf(stderr, "bench_enterprises: %s\n", err);
			return 1;
		}
		load[r] = now_ms() - t0;
		classifier_free(c);
		t0 = now_ms();
		if ((c = classifier_open(&with, err, sizeof(err))) == NULL) {
			fprintf(stderr, "bench_enterprises: %s\n", err);
			return 1;
		}
		full[r] = now_ms() - t0;
		t0 = now_ms();
		if ((b = classifier_open(&without, err, sizeof(err))) == NULL) {
			fprintf(stderr, "bench_enterprises: %s\n", err);
			return 1;
		}
		base[r] = now_ms() - t0;
		classifier_free(b);
	}
	qsort(load, ROUNDS, sizeof(double), cmp_double);
	qsort(full, ROUNDS, sizeof(double), cmp_double);
	qsort(base, ROUNDS, sizeof(double), cmp_double);
	max = enterprises_at(reg, enterprises_count(reg) - 1)->pen;
	printf("registry %s: %zu numbers, highest %u\n", path,
	    enterprises_count(reg), max);
	printf("load registry:               median %.1f ms, min %.1f ms "
	       "(%d rounds)\n",
	    load[ROUNDS / 2], load[0], ROUNDS);
	printf("classifier_open with it:     median %.1f ms, min %.1f ms\n",
	    full[ROUNDS / 2], full[0]);
	printf("classifier_open without it:  median %.1f ms, min %.1f ms\n",
	    base[ROUNDS / 2], base[0]);
	/* Assess sysObjectIDs over every number up to the highest, in turn. */
	for (int r = 0; r < 3; r++) {
		named = 0;
		t0 = now_ms();
		for (uint32_t i = 0; i < N_OIDS; i++) {
			snprintf(oid, sizeof(oid), "1.3.6.1.4.1.%u.1.2",
			    i % (max + 1));
			if (classify_assess(c, EV_SYSOBJECTID, oid, &e) == 0 &&
			    e.vendor[0] != '\0')
				named++;
		}
		ns[r] = (now_ms() - t0) * 1e6 / N_OIDS;
	}
	qsort(ns, 3, sizeof(double), cmp_double);
	printf("assess sysobjectid:          %.1f ns (median of 3 x 1M), %zu "
	       "named\n",
	    ns[1], named);
	classifier_free(c);
	enterprises_free(reg);
	return 0;
}
