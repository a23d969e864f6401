/*
 * vraudit ingest: read capture files, classify every element they show and
 * store it. A file that cannot be read is reported by name; the others are
 * still ingested, and what was read before an error stays recorded.
 *
 * Three threads: this one reads the files; an observer thread decodes the
 * frames and keeps the MAC table (starting from what the database holds of
 * each MAC, so that only news reaches it); a writer thread stores the news.
 * Frames travel from the reader in batches (frameq), sightings to the
 * writer in a queue that groups those of the same MAC (squeue, packed), so
 * the news about one element (its MAC, then its address, then its DHCP
 * request) piles up and is written as one.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/capture.h"
#include "classify/classify.h"
#include "cli/cli.h"
#include "config/config.h"
#include "probes/frameq.h"
#include "common/log.h"
#include "common/text.h"
#include "probes/passive.h"
#include "common/squeue.h"
#include "store/store.h"
#include "common/util.h"
#include "classify/vendors.h"

#define DISPATCH_BATCH 4096
#define MAX_MACS 1000000u
#define REFRESH_S 3600u
/*
 * Bytes of packed sightings the observer queues before it waits for the
 * writer, and the writer waits for before it takes them (unless the
 * observer is done). The longer the queue, the more of a host's news (its
 * MAC, its address, its DHCP request, spread over the capture) reaches the
 * store as one group, written once. Long while the MAC table holds fewer
 * than an eighth of its MACs; beyond, the memory goes to the table, which
 * grows in doublings (the observer, waiting on a full queue, does not grow
 * it meanwhile), so that 1M MACs stay within the memory budget.
 */
#define QUEUE_LONG (16u << 20)
#define QUEUE_SHORT (1u << 20)

struct ingest {
	struct store *st;
	const struct config *cfg;
	const char *zone; /* --zone, the zone of what the files show */
	int64_t scan_id;
	uint64_t store_errors;
	char first_store_error[512];

	uint64_t frames_read; /* by the reader, for progress */

	/* The writer's start: classifier, policies, the scan row. */
	const char *prog;
	char *targets; /* the files, for the scan row */
	struct classifier *cl;
	struct classifier_ops ops;
	int setup_rc; /* EXIT_OK, or why it failed */
	bool setup_done;

	/* From the reader to the observer thread. */
	struct frameq *frames;
	struct passive *pv; /* the observer's */

	/* From the observer to the writer thread. */
	pthread_mutex_t mu;
	pthread_cond_t work; /* the queue has sightings, or done */
	pthread_cond_t room; /* the queue was emptied */
	struct squeue *queue;
	size_t queue_limit; /* QUEUE_LONG or QUEUE_SHORT */
	bool done;          /* the observer has finished */
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: vraudit ingest [-c CONF] [--db PATH] [--zone ZONE] [--filter BPF]\n"
	    "                      [--quiet] FILE...\n"
	    "Read pcap or pcapng files, classify every element they show, store it.\n"
	    "  --zone ZONE   zone of the elements seen (default: by address, else none)\n"
	    "  --filter BPF  only frames matching this capture filter\n");
}

/* Observer: hand a sighting to the writer, waiting while the queue is full. */
static void
sink(void *ctx, struct sighting *s)
{
	struct ingest *in = ctx;
	size_t limit =
	    passive_known(in->pv) < MAX_MACS / 8 ? QUEUE_LONG : QUEUE_SHORT;
	bool wake;

	pthread_mutex_lock(&in->mu);
	in->queue_limit = limit;
	while (squeue_bytes(in->queue) >= limit) {
		/* Full (also when the limit just fell): the writer takes it. */
		pthread_cond_signal(&in->work);
		pthread_cond_wait(&in->room, &in->mu);
	}
	squeue_push(in->queue, s);
	wake = squeue_bytes(in->queue) >= limit;
	pthread_mutex_unlock(&in->mu);
	if (wake)
		pthread_cond_signal(&in->work);
}

/* Writer, first: load the classifier, bring verdicts and policies up to
 * date, begin the scan. Meanwhile the files are already being read. */
static int
writer_setup(struct ingest *in)
{
	struct classifier_sources src;
	int rc;

	cli_classifier_sources(in->cfg, &src);
	if ((rc = cli_open_classifier(in->prog, &src, true, &in->cl)) !=
	    EXIT_OK)
		return rc;
	in->ops = classifier_ops(in->cl);
	store_set_classifier(in->st, &in->ops);
	if ((rc = cli_sync_policies(in->prog, in->cfg, in->cl, in->st)) !=
	    EXIT_OK)
		return rc;
	in->scan_id = store_scan_begin(in->st, "capture", in->targets);
	if (in->scan_id < 0) {
		fprintf(stderr, "vraudit ingest: %s\n", store_error(in->st));
		return EXIT_RUNTIME;
	}
	/* Large batches: ingest is one long writer, readers still see
	 * whole batches. */
	store_set_batch_size(in->st, 20000);
	return EXIT_OK;
}

/* Whether the writer could not start: the reader then stops. */
static bool
writer_failed(struct ingest *in)
{
	bool failed;

	pthread_mutex_lock(&in->mu);
	failed = in->setup_done && in->setup_rc != EXIT_OK;
	pthread_mutex_unlock(&in->mu);
	return failed;
}

/* Writer: store every group the observer queued, until it is done. */
static void *
writer(void *ctx)
{
	struct ingest *in = ctx;
	struct squeue *mine = squeue_new();
	struct sighting *group[SQUEUE_MAX_GROUP];
	int rc = writer_setup(in);

	pthread_mutex_lock(&in->mu);
	in->setup_rc = rc;
	in->setup_done = true;
	pthread_mutex_unlock(&in->mu);
	for (;;) {
		bool long_queue;

		pthread_mutex_lock(&in->mu);
		while (squeue_bytes(in->queue) < in->queue_limit && !in->done)
			pthread_cond_wait(&in->work, &in->mu);
		if (squeue_sightings(in->queue) == 0) { /* and done */
			pthread_mutex_unlock(&in->mu);
			break;
		}
		squeue_swap(in->queue, mine);
		long_queue = in->queue_limit == QUEUE_LONG;
		pthread_mutex_unlock(&in->mu);
		pthread_cond_signal(&in->room);
		/* Without a start, what is queued is let go: nothing is
		 * stored, the reader stops. */
		for (size_t g = 0; rc == EXIT_OK && g < squeue_groups(mine);
		     g++) {
			size_t n = squeue_group(mine, g, group);

			for (size_t i = 0; i < n; i++)
				zone_assign(in->cfg->zones, in->cfg->n_zones,
				    group[i], in->zone);
			if (store_record_group(in->st, in->scan_id,
				(const struct sighting *const *)group, n,
				NULL) < 0 &&
			    in->store_errors++ == 0)
				str_copy(in->first_store_error,
				    store_error(in->st),
				    sizeof(in->first_store_error));
		}
		/* A long queue's memory goes to the MAC table once it is
		 * short. */
		if (long_queue)
			squeue_clear(mine);
		else
			squeue_release(mine);
	}
	squeue_free(mine);
	return NULL;
}

static void
reserve_macs(void *ctx, size_t n)
{
	passive_reserve(ctx, n);
}

static bool
know_mac(void *ctx, const struct store_mac_state *m)
{
	return passive_know(ctx, m->mac, m->last_seen, m->ipv4, m->n_ipv4,
	    m->content);
}

/* Reader: every frame goes to the observer. */
static void
frame_cb(void *ctx, const uint8_t *bytes, size_t caplen, size_t wirelen,
    int64_t ts)
{
	struct ingest *in = ctx;

	(void)wirelen;
	in->frames_read++;
	frameq_push(in->frames, bytes, caplen, ts);
}

/* Observer: start from what the database holds of each MAC (the reader is
 * already reading meanwhile), then observe every frame. */
static void *
observer(void *ctx)
{
	struct ingest *in = ctx;
	char err[1024];
	struct store *ro =
	    store_open(in->cfg->db_path, STORE_READ_ONLY, err, sizeof(err));

	/* One pass through the addresses: a few pages of cache are enough
	 * (2 MiB of them made the start some 15% slower). */
	if (ro != NULL)
		store_set_cache_kib(ro, 256);
	if (ro == NULL ||
	    store_mac_states(ro, MAX_MACS, reserve_macs, know_mac, in->pv) < 0)
		fprintf(stderr, "vraudit ingest: %s (every MAC is news)\n",
		    ro == NULL ? err : store_error(ro));
	store_close(ro);
	passive_drain(in->pv, in->frames);
	pthread_mutex_lock(&in->mu);
	in->done = true;
	pthread_mutex_unlock(&in->mu);
	pthread_cond_signal(&in->work);
	return NULL;
}

static void
show_progress(const struct capture *c, uint64_t frames, bool done)
{
	uint64_t pos, total;
	int pct = 100;

	if (!done && capture_progress(c, &pos, &total) == 0 && total > 0)
		pct = (int)(pos * 100 / total);
	fprintf(stderr, "\r%s: %3d%% %llu frames%s", capture_name(c), pct,
	    (unsigned long long)frames, done ? "\n" : "");
}

/* Add a note to the scan's detail, "; "-separated. */
static void
add_note(struct strbuf *detail, const char *note)
{
	if (detail->len > 0)
		strbuf_adds(detail, "; ");
	strbuf_adds(detail, note);
}

/* Ingest one file; 0, or -1 when it could not be read (message printed). */
static int
ingest_file(const char *path, const char *filter, struct ingest *in,
    bool progress, struct strbuf *detail)
{
	char err[1024];
	struct capture *c = capture_open_file(path, filter, err, sizeof(err));
	uint64_t start = in->frames_read;
	int64_t last = 0;
	int n = 0, rc = 0; /* no dispatch when the writer failed first */

	if (c == NULL) {
		fprintf(stderr, "vraudit ingest: %s\n", err);
		add_note(detail, err);
		return -1;
	}
	while (!writer_failed(in) &&
	    (n = capture_dispatch(c, DISPATCH_BATCH, frame_cb, in)) >= 0) {
		if (progress && clock_ms() - last >= 200) {
			last = clock_ms();
			show_progress(c, in->frames_read - start, false);
		}
	}
	if (progress)
		show_progress(c, in->frames_read - start, true);
	if (n == CAPTURE_ERROR) {
		fprintf(stderr,
		    "vraudit ingest: %s (after %llu frames, which are kept)\n",
		    capture_error(c),
		    (unsigned long long)(in->frames_read - start));
		add_note(detail, capture_error(c));
		rc = -1;
	}
	capture_close(c);
	return rc;
}

static void
print_summary(const struct passive_counts *pc, size_t macs,
    const struct store_scan_counts *sc, int files_ok, int files)
{
	uint64_t undecodable = 0;

	for (int r = 1; r < FRAMES_REASON_MAX; r++)
		undecodable += pc->undecodable[r];
	printf("files:        %d read, %d failed\n", files_ok,
	    files - files_ok);
	printf("frames:       %llu (decoded %llu, undecodable %llu)\n",
	    (unsigned long long)pc->frames, (unsigned long long)pc->decoded,
	    (unsigned long long)undecodable);
	for (int r = 1; r < FRAMES_REASON_MAX; r++)
		if (pc->undecodable[r] > 0)
			printf("  %-12s %llu\n", frames_reason_name(r),
			    (unsigned long long)pc->undecodable[r]);
	printf("protocols:    lldp %llu, cdp %llu, arp %llu, dhcp %llu\n",
	    (unsigned long long)pc->lldp, (unsigned long long)pc->cdp,
	    (unsigned long long)pc->arp, (unsigned long long)pc->dhcp);
	printf("fingerprints: ssh %llu, http %llu, tls %llu, ssdp %llu, "
	       "mdns %llu; %llu routed\n",
	    (unsigned long long)pc->ssh, (unsigned long long)pc->http,
	    (unsigned long long)pc->tls, (unsigned long long)pc->ssdp,
	    (unsigned long long)pc->mdns, (unsigned long long)pc->routed);
	printf("source MACs:  %zu\n", macs);
	printf("elements:     %lld new, %lld updated\n", (long long)sc->created,
	    (long long)sc->updated);
	printf("high risk:    %lld of the elements seen\n",
	    (long long)sc->high_risk);
}

int
cmd_ingest(int argc, char **argv)
{
	enum { OPT_ZONE = OPT_COMMON_LAST + 1, OPT_FILTER };
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "zone", required_argument, NULL, OPT_ZONE },
		{ "filter", required_argument, NULL, OPT_FILTER },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_common common = { 0 };
	const char *zone = NULL, *filter = NULL;
	struct cli_env env = { 0 };
	struct config *cfg;
	struct ingest in = { 0 };
	struct store_scan_counts sc = { 0 };
	struct strbuf detail = STRBUF_INIT;
	char err[1024];
	int opt, rc, files_ok = 0, nfiles;
	pthread_t observer_thread, writer_thread;

	while ((opt = cli_getopt(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
		    true)) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case OPT_ZONE:
			if (cli_zone_option(argv[0], optarg) != EXIT_OK)
				return EXIT_USAGE;
			zone = optarg;
			break;
		case OPT_FILTER:
			filter = optarg;
			break;
		default:
			if (!cli_common_option(opt, optarg, &common))
				return EXIT_USAGE;
		}
	}
	nfiles = argc - optind;
	if (nfiles == 0)
		return cli_usage_error(argv[0], "no capture file given");
	if ((rc = cli_load_config(&common, &env.cfg)) != EXIT_OK)
		return rc;
	cfg = env.cfg;
	/* The writer loads the classifier while the files are read; a broken
	 * vendors file is told now, before the database is touched. */
	if (cfg->vendors_path != NULL) {
		struct vendors *v = vendors_new();

		if (vendors_load_file(v, cfg->vendors_path, err, sizeof(err)) ==
		    -1) {
			fprintf(stderr, "vraudit ingest: %s\n", err);
			vendors_free(v);
			rc = EXIT_RUNTIME;
			goto out;
		}
		vendors_free(v);
	}
	if ((rc = cli_open("ingest", &common, CLI_STORE_RW, &env)) != EXIT_OK)
		return rc;
	in.st = env.st;
	in.cfg = cfg;
	in.zone = zone;
	in.queue = squeue_new();
	in.queue_limit = QUEUE_LONG;
	pthread_mutex_init(&in.mu, NULL);
	pthread_cond_init(&in.work, NULL);
	pthread_cond_init(&in.room, NULL);
	in.frames = frameq_new();
	in.pv = passive_new(MAX_MACS, REFRESH_S, NULL, sink, &in);
	/* The observer reads what the store holds (on a connection of its
	 * own) while the classifier loads; the writer waits for its news. */
	if ((errno = pthread_create(&observer_thread, NULL, observer, &in)) !=
	    0) {
		fprintf(stderr, "vraudit ingest: cannot start a thread: %s\n",
		    strerror(errno));
		rc = EXIT_RUNTIME;
		goto out;
	}
	in.prog = argv[0];
	in.targets = cli_join(argv + optind, (size_t)nfiles, ", ");
	if ((errno = pthread_create(&writer_thread, NULL, writer, &in)) != 0) {
		fprintf(stderr, "vraudit ingest: cannot start a thread: %s\n",
		    strerror(errno));
		rc = EXIT_RUNTIME;
		goto stop;
	}
	for (int i = optind; i < argc && !writer_failed(&in); i++)
		if (ingest_file(argv[i], filter, &in,
			cli_show_progress(&common), &detail) == 0)
			files_ok++;
	/* The last of the news may take a while (seconds when many hosts
	 * are new): say so rather than sit at 100%. */
	if (cli_show_progress(&common))
		fprintf(stderr, "storing what is new...\n");
	frameq_close(in.frames);
	pthread_join(observer_thread, NULL);
	pthread_join(writer_thread, NULL);
	if (in.setup_rc != EXIT_OK) {
		rc = in.setup_rc;
		goto out;
	}
	if (store_flush(in.st) < 0 && in.store_errors++ == 0)
		str_copy(in.first_store_error, store_error(in.st),
		    sizeof(in.first_store_error));
	if (in.store_errors > 0) {
		fprintf(stderr, "vraudit ingest: %s\n", in.first_store_error);
		add_note(&detail, in.first_store_error);
	}
	if (store_scan_end(in.st, in.scan_id,
		files_ok == nfiles && in.store_errors == 0 ? "complete"
							   : "failed",
		STORE_SCAN_SEEN, (int64_t)passive_counts(in.pv)->frames,
		detail.len > 0 ? detail.s : NULL) < 0 ||
	    store_scan_counts(in.st, in.scan_id, &sc) < 0) {
		fprintf(stderr, "vraudit ingest: %s\n", store_error(in.st));
		rc = EXIT_RUNTIME;
		goto out;
	}
	print_summary(passive_counts(in.pv), passive_macs(in.pv), &sc, files_ok,
	    nfiles);
	rc =
	    files_ok == nfiles && in.store_errors == 0 ? EXIT_OK : EXIT_RUNTIME;
	goto out;
stop:
	/* Nothing was read: the observer only finishes its start. */
	frameq_close(in.frames);
	pthread_join(observer_thread, NULL);
out:
	frameq_free(in.frames);
	if (in.queue != NULL) {
		squeue_free(in.queue);
		pthread_cond_destroy(&in.room);
		pthread_cond_destroy(&in.work);
		pthread_mutex_destroy(&in.mu);
	}
	strbuf_finish(&detail);
	passive_free(in.pv);
	classifier_free(in.cl);
	free(in.targets);
	cli_close(&env);
	return rc;
}
