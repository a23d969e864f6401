/*
 * The capture hot path alone: every frame of a file through the decoders and
 * the MAC table, sightings counted and dropped instead of stored. Compared
 * with pcap_count, it shows what decoding costs; with `vraudit ingest`, what
 * storing costs. usage: bench_passive FILE.pcap
 */
#include <stdio.h>

#include "probes/capture.h"
#include "probes/passive.h"
#include "common/util.h"

static unsigned long long sightings;

static void
drop(void *ctx, struct sighting *s)
{
	(void)ctx;
	sightings++;
	sighting_free(s);
}

static void
frame(void *ctx, const uint8_t *bytes, size_t caplen, size_t wirelen,
    int64_t ts)
{
	(void)wirelen;
	passive_frame(ctx, bytes, caplen, ts);
}

int
main(int argc, char **argv)
{
	char err[1024];
	struct capture *c;
	struct passive *p;
	int64_t t0;
	int n;

	if (argc != 2) {
		fprintf(stderr, "usage: bench_passive FILE.pcap\n");
		return 2;
	}
	c = capture_open_file(argv[1], NULL, err, sizeof(err));
	if (c == NULL) {
		fprintf(stderr, "bench_passive: %s\n", err);
		return 1;
	}
	p = passive_new(1000000, 3600, NULL, drop, NULL);
	t0 = clock_ms();
	while ((n = capture_dispatch(c, 4096, frame, p)) >= 0)
		passive_flush(p);
	if (n == CAPTURE_ERROR) {
		fprintf(stderr, "bench_passive: %s\n", capture_error(c));
		return 1;
	}
	printf("%llu frames %llu sightings %zu macs %lld ms\n",
	    (unsigned long long)passive_counts(p)->frames, sightings,
	    passive_macs(p), (long long)(clock_ms() - t0));
	passive_free(p);
	capture_close(c);
	return 0;
}
