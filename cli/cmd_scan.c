/*
 * vraudit scan: one SNMP sweep of the configured targets (or of the targets
 * given on the command line), every answering agent and every neighbour it
 * reports classified and stored, then a summary. The results take the
 * daemon's way to the store (pipeline/: a sweep sink and a writer).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/log.h"
#include "common/secret.h"
#include "common/util.h"
#include "config/config.h"
#include "pipeline/pipeline.h"
#include "pipeline/sweep_sink.h"
#include "pipeline/writer.h"
#include "probes/snmp.h"
#include "store/store.h"

/* Credentials for command-line targets, from the options; owns the
 * secrets it read. */
struct cred_opts {
	const char *community, *community_file;
	const char *user, *auth, *auth_key_file, *priv, *priv_key_file;
	const char *version, *zone;
	long port;
	char *secret, *auth_key, *priv_key; /* owned */
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: vraudit scan [-c CONF] [--db PATH] [--quiet] [TARGET...]\n"
	    "           [--community-file FILE | --community C]\n"
	    "           [--v3-user U [--v3-auth PROTO --v3-auth-key-file FILE\n"
	    "            [--v3-priv PROTO --v3-priv-key-file FILE]]]\n"
	    "           [--version 1|2c|3] [--port N] [--zone ZONE]\n"
	    "           [--timeout DURATION] [--retries N]\n"
	    "Sweep the configured targets over SNMP, or the TARGETs given (an\n"
	    "address, host:port or a CIDR block) with the credentials given.\n"
	    "Secrets are best read from files: --community puts it in the\n"
	    "process list.\n");
}

static void
show_progress(const struct sweep *sw, bool done)
{
	struct sweep_stats s;

	sweep_stats(sw, &s);
	fprintf(stderr, "\rscan: %llu/%llu targets done, %llu answered%s",
	    (unsigned long long)(s.answered + s.failed),
	    (unsigned long long)s.targets, (unsigned long long)s.answered,
	    done ? "\n" : "");
}

/* A batch is full: write it now rather than keep the whole sweep. */
static void
queued(void *ctx)
{
	struct writer *w = ctx;

	if (writer_queued(w) >= WRITER_BATCH)
		writer_flush(w, clock_ms(), 1);
}

static int
run(struct sweep *sw, bool progress)
{
	int64_t last = 0;

	while (!sweep_done(sw)) {
		struct pollfd *fds;
		size_t n;
		int timeout;

		if (sweep_pollfds(sw, &fds, &n, &timeout) < 0)
			return -1;
		if (sweep_done(sw))
			break;
		if (progress && (timeout < 0 || timeout > 200))
			timeout = 200;
		if (poll(fds, (nfds_t)n, timeout) < 0 && errno != EINTR) {
			log_warn("snmp", "poll");
			return -1;
		}
		if (sweep_handle(sw, fds, n) < 0)
			return -1;
		if (progress && clock_ms() - last >= 200) {
			last = clock_ms();
			show_progress(sw, false);
		}
	}
	if (progress)
		show_progress(sw, true);
	return 0;
}

/* The sweep's credentials from the options; exit code. */
static int
build_cred(struct cred_opts *o, struct sweep_cred *c)
{
	char err[512];

	memset(c, 0, sizeof(*c));
	c->section = "command line";
	c->port = (uint16_t)o->port;
	c->zone = o->zone;
	if (o->version == NULL)
		c->version = o->user != NULL ? 3 : 2;
	else if (strcmp(o->version, "1") == 0)
		c->version = 1;
	else if (strcmp(o->version, "2c") == 0 || strcmp(o->version, "2") == 0)
		c->version = 2;
	else if (strcmp(o->version, "3") == 0)
		c->version = 3;
	else
		return cli_usage_error("scan",
		    "--version '%s': expected 1, 2c "
		    "or 3",
		    o->version);
	if (c->version == 3) {
		if (o->user == NULL)
			return cli_usage_error("scan",
			    "SNMPv3 needs --v3-user");
		if (o->priv != NULL && o->auth == NULL)
			return cli_usage_error("scan",
			    "--v3-priv needs --v3-auth");
		if ((o->auth != NULL) != (o->auth_key_file != NULL))
			return cli_usage_error("scan",
			    "--v3-auth and "
			    "--v3-auth-key-file go together");
		if ((o->priv != NULL) != (o->priv_key_file != NULL))
			return cli_usage_error("scan",
			    "--v3-priv and "
			    "--v3-priv-key-file go together");
		if ((o->auth_key_file != NULL &&
			secret_read(o->auth_key_file, SECRET_V3_KEY_MIN,
			    &o->auth_key, err, sizeof(err)) < 0) ||
		    (o->priv_key_file != NULL &&
			secret_read(o->priv_key_file, SECRET_V3_KEY_MIN,
			    &o->priv_key, err, sizeof(err)) < 0))
			return cli_usage_error("scan", "%s", err);
		c->user = o->user;
		c->auth = o->auth;
		c->auth_key = o->auth_key;
		c->priv = o->priv;
		c->priv_key = o->priv_key;
		return EXIT_OK;
	}
	if (o->community_file != NULL) {
		if (secret_read(o->community_file, 1, &o->secret, err,
			sizeof(err)) < 0)
			return cli_usage_error("scan", "%s", err);
		c->community = o->secret;
	} else if (o->community != NULL)
		c->community = o->community;
	else
		return cli_usage_error("scan",
		    "targets on the command line need "
		    "--community-file (or --community, or --v3-user)");
	return EXIT_OK;
}

/* Add the targets to sw: the command line's, else the configuration's;
 * *targets gets their names for the scan row. Exit code. */
static int
add_targets(struct sweep *sw, const struct config *cfg, struct cred_opts *co,
    char **argv, int argc, char **targets)
{
	struct sweep_cred c;
	char err[1024];
	size_t h;
	int rc;

	if (argc == 0) {
		*targets = pipeline_target_names(cfg);
		if (pipeline_sweep_targets(sw, cfg, err, sizeof(err)) < 0) {
			fprintf(stderr, "vraudit scan: %s\n", err);
			return EXIT_USAGE;
		}
		return EXIT_OK;
	}
	*targets = cli_join(argv, (size_t)argc, ", ");
	if ((rc = build_cred(co, &c)) != EXIT_OK)
		return rc;
	h = sweep_cred_add(sw, &c);
	for (int i = 0; i < argc; i++)
		if (sweep_add(sw, h, argv[i], err, sizeof(err)) < 0)
			return cli_usage_error("scan", "%s", err);
	return EXIT_OK;
}

/* Parse --timeout and --retries into p; exit code. */
static int
limits(struct sweep_params *p, const char *timeout, const char *retries)
{
	char *end;

	if (timeout != NULL &&
	    (duration_parse(timeout, &p->timeout_ms) < 0 ||
		p->timeout_ms < 10 || p->timeout_ms > 60000))
		return cli_usage_error("scan",
		    "--timeout '%s': expected a "
		    "duration from 10ms to 1m",
		    timeout);
	if (retries != NULL) {
		long r = strtol(retries, &end, 10);

		if (*retries == '\0' || *end != '\0' || r < 0 || r > 10)
			return cli_usage_error("scan",
			    "--retries '%s': "
			    "expected 0 to 10",
			    retries);
		p->retries = (int)r;
	}
	return EXIT_OK;
}

/* Sweep and store; the scan row ends complete unless the store failed.
 * *scan_id gets the scan's. Exit code. */
static int
sweep_and_store(struct cli_env *env, struct sweep *sw, struct writer *w,
    struct sweep_sink *k, bool progress, int64_t *scan_id)
{
	struct writer_counts wc;
	struct sweep_stats ss;
	const char *status = "complete";
	int rc = EXIT_OK;

	/* The scan's row first: a reader sees the scan running. */
	if (writer_flush(w, clock_ms(), 0) < 0) {
		fprintf(stderr, "vraudit scan: %s\n", store_error(env->st));
		return EXIT_RUNTIME;
	}
	*scan_id = writer_scan_id(k->scan);
	if (run(sw, progress) < 0) {
		sweep_sink_note(k, "the sweep's event loop failed");
		status = "failed";
		rc = EXIT_RUNTIME;
	}
	if (writer_flush(w, INT64_MAX, INT32_MAX) < 0 ||
	    (writer_counts(w, &wc), wc.rejected > 0)) {
		const char *why =
		    writer_pending(w) ? store_error(env->st) : writer_error(w);

		fprintf(stderr, "vraudit scan: %s\n", why);
		sweep_sink_note(k, "store: %s", why);
		status = "failed";
		rc = EXIT_RUNTIME;
	}
	sweep_stats(sw, &ss);
	sweep_sink_end(k, ss.answered, status);
	if (writer_flush(w, INT64_MAX, INT32_MAX) < 0) {
		fprintf(stderr, "vraudit scan: %s\n", store_error(env->st));
		rc = EXIT_RUNTIME;
	}
	return rc;
}

static void
print_summary(const struct sweep *sw, const struct sweep_sink *k,
    const struct store_scan_counts *counts, const char *detail)
{
	struct sweep_stats stats;

	sweep_stats(sw, &stats);
	printf("targets:      %llu (%llu answered, %llu silent, %llu refused "
	       "or failed)\n",
	    (unsigned long long)stats.targets,
	    (unsigned long long)stats.answered, (unsigned long long)k->silent,
	    (unsigned long long)k->refused);
	if (stats.repeated > 0)
		printf("repeated:     %llu listed again, asked once\n",
		    (unsigned long long)stats.repeated);
	printf("neighbours:   %llu reported\n",
	    (unsigned long long)k->neighbours);
	printf("elements:     %lld new, %lld updated\n",
	    (long long)counts->created, (long long)counts->updated);
	printf("high risk:    %lld of the elements seen\n",
	    (long long)counts->high_risk);
	if (detail == NULL)
		return;
	printf("notes:\n");
	/* One note a line, each indented. */
	while (*detail != '\0') {
		size_t n = strcspn(detail, "\n");

		printf("  %.*s\n", (int)n, detail);
		detail += n + (detail[n] == '\n');
	}
}

int
cmd_scan(int argc, char **argv)
{
	enum {
		OPT_COMMUNITY = OPT_COMMON_LAST + 1,
		OPT_COMMUNITY_FILE,
		OPT_V3_USER,
		OPT_V3_AUTH,
		OPT_V3_AUTH_KEY,
		OPT_V3_PRIV,
		OPT_V3_PRIV_KEY,
		OPT_VERSION,
		OPT_PORT,
		OPT_ZONE,
		OPT_TIMEOUT,
		OPT_RETRIES,
	};
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "community", required_argument, NULL, OPT_COMMUNITY },
		{ "community-file", required_argument, NULL,
		    OPT_COMMUNITY_FILE },
		{ "v3-user", required_argument, NULL, OPT_V3_USER },
		{ "v3-auth", required_argument, NULL, OPT_V3_AUTH },
		{ "v3-auth-key-file", required_argument, NULL,
		    OPT_V3_AUTH_KEY },
		{ "v3-priv", required_argument, NULL, OPT_V3_PRIV },
		{ "v3-priv-key-file", required_argument, NULL,
		    OPT_V3_PRIV_KEY },
		{ "version", required_argument, NULL, OPT_VERSION },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "zone", required_argument, NULL, OPT_ZONE },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "retries", required_argument, NULL, OPT_RETRIES },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_common common = { 0 };
	struct cred_opts co = { .port = 161 };
	struct cli_env env = { 0 };
	struct sweep *sw = NULL;
	struct writer *w = NULL;
	struct sweep_sink sink;
	struct sweep_params params;
	struct store_scan_counts counts;
	const char *timeout = NULL, *retries = NULL;
	int64_t scan_id = 0;
	char *targets = NULL, *end;
	int opt, rc;

	while ((opt = cli_getopt(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
		    true)) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case OPT_COMMUNITY:
			co.community = optarg;
			break;
		case OPT_COMMUNITY_FILE:
			co.community_file = optarg;
			break;
		case OPT_V3_USER:
			co.user = optarg;
			break;
		case OPT_V3_AUTH:
			co.auth = optarg;
			break;
		case OPT_V3_AUTH_KEY:
			co.auth_key_file = optarg;
			break;
		case OPT_V3_PRIV:
			co.priv = optarg;
			break;
		case OPT_V3_PRIV_KEY:
			co.priv_key_file = optarg;
			break;
		case OPT_VERSION:
			co.version = optarg;
			break;
		case OPT_ZONE:
			if (cli_zone_option(argv[0], optarg) != EXIT_OK)
				return EXIT_USAGE;
			co.zone = optarg;
			break;
		case OPT_TIMEOUT:
			timeout = optarg;
			break;
		case OPT_RETRIES:
			retries = optarg;
			break;
		case OPT_PORT:
			co.port = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || co.port < 1 ||
			    co.port > 65535)
				return cli_usage_error(argv[0],
				    "--port '%s': "
				    "expected 1 to 65535",
				    optarg);
			break;
		default:
			if (!cli_common_option(opt, optarg, &common))
				return EXIT_USAGE;
		}
	}
	sweep_sink_init(&sink, NULL, 0, NULL, NULL);
	if ((rc = cli_load_config(&common, &env.cfg)) != EXIT_OK)
		return rc;
	pipeline_sweep_params(env.cfg, &params);
	if ((rc = limits(&params, timeout, retries)) != EXIT_OK)
		goto out;
	if (optind == argc && env.cfg->n_targets == 0) {
		rc = cli_usage_error(argv[0],
		    "no targets: give TARGETs or "
		    "[target] sections in %s",
		    env.cfg->path != NULL ? env.cfg->path
					  : "the configuration");
		goto out;
	}
	sw = sweep_new(&params, &sweep_sink_callbacks, &sink);
	if ((rc = add_targets(sw, env.cfg, &co, argv + optind, argc - optind,
		 &targets)) != EXIT_OK)
		goto out;
	if ((rc = cli_open("scan", &common,
		 CLI_STORE_RW | CLI_CLASSIFIER | CLI_POLICIES, &env)) !=
	    EXIT_OK)
		goto out;
	w = writer_new(env.st, 0);
	sweep_sink_init(&sink, env.cfg->zones, env.cfg->n_zones, w,
	    writer_scan_begin(w, "snmp", targets));
	sink.queued = queued;
	sink.ctx = w;
	rc = sweep_and_store(&env, sw, w, &sink, cli_show_progress(&common),
	    &scan_id);
	if (scan_id <= 0)
		goto out;
	if (store_scan_counts(env.st, scan_id, &counts) < 0) {
		fprintf(stderr, "vraudit scan: %s\n", store_error(env.st));
		rc = EXIT_RUNTIME;
		goto out;
	}
	print_summary(sw, &sink, &counts,
	    sink.detail.len > 0 ? sink.detail.s : NULL);
out:
	free(targets);
	sweep_free(sw);
	writer_free(w);
	sweep_sink_finish(&sink);
	cli_close(&env);
	secret_free(co.secret);
	secret_free(co.auth_key);
	secret_free(co.priv_key);
	return rc;
}
