/*
 * Benchmark of the IEEE registry: time to load Debian's ieee-data, time to
 * build a whole classifier (registry, catalogue, vendor tags), and the cost
 * of one lookup over 1M random MACs, unicast-universal ones and ones drawn
 * from registered blocks. Not a test: run it by hand, see BENCHMARKS.md.
 *
 * usage: bench_oui [OUI_DIR]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "classify/classify.h"
#include "classify/oui.h"
#include "common/util.h"

#define N_MACS 1000000
#define ROUNDS 7

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t
next(void)
{
	/* xorshift64*: fixed seed, same MACs on every run. */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* ns per lookup over macs; also counts the hits. */
static double
time_lookups(const struct oui_registry *reg, uint8_t (*macs)[MAC_LEN],
    size_t *found)
{
	struct oui_match m;
	double t0 = now_ms();

	*found = 0;
	for (size_t i = 0; i < N_MACS; i++)
		if (oui_lookup(reg, macs[i], &m) == OUI_FOUND)
			(*found)++;
	return (now_ms() - t0) * 1e6 / N_MACS;
}

static void
fill(uint8_t (*macs)[MAC_LEN], int mode, const struct oui_registry *reg)
{
	static const uint8_t seeds[][3] = {
		{ 0x00, 0x25, 0x9e },
		{ 0x00, 0x18, 0xba },
		{ 0x70, 0xb3, 0xd5 },
		{ 0x00, 0x50, 0xc2 },
		{ 0x28, 0x6e, 0xd4 },
		{ 0x3c, 0x5a, 0xb4 },
	};

	(void)reg;
	for (size_t i = 0; i < N_MACS; i++) {
		uint64_t r = next();

		for (size_t k = 0; k < MAC_LEN; k++)
			macs[i][k] = (uint8_t)(r >> (8 * k));
		if (mode == 1)
			macs[i][0] &= 0xfc; /* universal unicast */
		else if (mode == 2) {
			const uint8_t *s = seeds[(r >> 48) % ARRAY_SIZE(seeds)];

			macs[i][0] = s[0];
			macs[i][1] = s[1];
			macs[i][2] = s[2];
		}
	}
}

int
main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/usr/share/ieee-data";
	double load[ROUNDS], full[ROUNDS];
	char err[512];
	uint8_t(*macs)[MAC_LEN] = xcalloc(N_MACS, MAC_LEN);
	static const char *const modes[] = {
		"random (any bits)",
		"random universal unicast",
		"inside registered blocks",
	};
	struct oui_registry *reg = NULL;

	for (int r = 0; r < ROUNDS; r++) {
		double t0 = now_ms();
		struct classifier *c;

		oui_free(reg);
		reg = oui_new();
		if (oui_load_dir(reg, dir, err, sizeof(err)) < 0) {
			fprintf(stderr, "bench_oui: %s\n", err);
			return 1;
		}
		load[r] = now_ms() - t0;
		t0 = now_ms();
		if ((c = classifier_new(dir, NULL, err, sizeof(err))) == NULL) {
			fprintf(stderr, "bench_oui: %s\n", err);
			return 1;
		}
		full[r] = now_ms() - t0;
		classifier_free(c);
	}
	qsort(load, ROUNDS, sizeof(double), cmp_double);
	qsort(full, ROUNDS, sizeof(double), cmp_double);
	printf("registry %s: %zu MA-L, %zu MA-M, %zu MA-S/IAB blocks\n", dir,
	    oui_count(reg, 24), oui_count(reg, 28), oui_count(reg, 36));
	printf("load registry:     median %.1f ms, min %.1f ms (%d rounds)\n",
	    load[ROUNDS / 2], load[0], ROUNDS);
	printf("classifier_new:    median %.1f ms, min %.1f ms (%d rounds)\n",
	    full[ROUNDS / 2], full[0], ROUNDS);
	for (int mode = 0; mode < 3; mode++) {
		double ns[3];
		size_t found = 0;

		fill(macs, mode, reg);
		for (int r = 0; r < 3; r++)
			ns[r] = time_lookups(reg, macs, &found);
		qsort(ns, 3, sizeof(double), cmp_double);
		printf(
		    "lookup, %-26s %.1f ns/lookup (median of 3 x 1M), %zu hits\n",
		    modes[mode], ns[1], found);
	}
	oui_free(reg);
	free(macs);
	return 0;
}
