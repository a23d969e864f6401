/*
 * vraudit scan: one SNMP sweep of the configured targets (or of the targets
 * given on the command line), every answering agent and every neighbour it
 * reports classified and stored, then a summary.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "cli/cli.h"
#include "config/config.h"
#include "common/log.h"
#include "common/secret.h"
#include "pipeline/pipeline.h"
#include "probes/snmp.h"
#include "store/store.h"
#include "common/util.h"

#define DETAIL_MAX 4096

struct scan {
	struct store *st;
	const struct config *cfg;
	int64_t scan_id;
	uint64_t neighbours;
	uint64_t store_errors;
	char first_error[512];
	char detail[DETAIL_MAX];	/* the scan row's detail, bounded */
	size_t detail_dropped;
	uint64_t failed_timeout, failed_other;
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
note_error(struct scan *sc)
{
	if (sc->store_errors++ == 0)
		str_copy(sc->first_error, store_error(sc->st), sizeof(sc->first_error));
}

/* Append to the scan's detail while it has room; count what did not fit. */
static void
add_detail(struct scan *sc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
add_detail(struct scan *sc, const char *fmt, ...)
{
	size_t len = strlen(sc->detail);
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (len + strlen(line) + 3 >= sizeof(sc->detail)) {
		sc->detail_dropped++;
		return;
	}
	snprintf(sc->detail + len, sizeof(sc->detail) - len, "%s%s",
	    len > 0 ? "\n" : "", line);
}

static void
on_element(void *ctx, struct sweep_result *r)
{
	struct scan *sc = ctx;
	int64_t id, nid;

	zone_assign(sc->cfg->zones, sc->cfg->n_zones, r->element, r->zone);
	if (store_record(sc->st, sc->scan_id, r->element, &id) < 0) {
		note_error(sc);
		return;
	}
	for (size_t i = 0; i < r->n_neighbours; i++) {
		struct sweep_neighbour *n = &r->neighbours[i];

		/* Its own address decides first, then the section that found it. */
		zone_assign(sc->cfg->zones, sc->cfg->n_zones, n->sighting, r->zone);
		if (store_record(sc->st, sc->scan_id, n->sighting, &nid) < 0 ||
		    store_link(sc->st, id, nid, n->protocol, n->local_port,
		    n->remote_port, n->sighting->observed_at) < 0) {
			note_error(sc);
			continue;
		}
		sc->neighbours++;
	}
	/* Walks that ended early are worth an auditor's attention. */
	if (r->notes != 0)
		add_detail(sc, "%s:%u: %s", r->address, r->port, r->detail);
}

static void
on_failure(void *ctx, const char *address, uint16_t port, const char *section,
    const char *reason, const char *engine_id)
{
	struct scan *sc = ctx;

	(void)section;
	if (strncmp(reason, "timeout", 7) == 0 && engine_id == NULL) {
		sc->failed_timeout++;
		return;
	}
	sc->failed_other++;
	add_detail(sc, "%s:%u: %s", address, port, reason);
	if (engine_id != NULL) {
		/* An agent that refused us still told us who made it. */
		struct sighting *s = sighting_new("snmp", time_now());
		int64_t id;

		sighting_set(&s->mgmt_ip, address);
		sighting_add_addr(s, strchr(address, ':') ? ADDR_IPV6 : ADDR_IPV4, address);
		sighting_add_input(s, EV_ENGINEID, engine_id);
		zone_assign(sc->cfg->zones, sc->cfg->n_zones, s, NULL);
		if (store_record(sc->st, sc->scan_id, s, &id) < 0)
			note_error(sc);
		sighting_free(s);
	}
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

/* Credentials for command-line targets, from the options. */
struct cred_opts {
	const char *community, *community_file;
	const char *user, *auth, *auth_key_file, *priv, *priv_key_file;
	const char *version, *zone;
	long port;
};

static int
build_cred(const struct cred_opts *o, struct config_target *t)
{
	char err[512];

	memset(t, 0, sizeof(*t));
	t->name = xstrdup("command line");
	t->port = (uint16_t)o->port;
	t->zone = xstrdup(o->zone);
	if (o->version == NULL)
		t->version = o->user != NULL ? 3 : 2;
	else if (strcmp(o->version, "1") == 0)
		t->version = 1;
	else if (strcmp(o->version, "2c") == 0 || strcmp(o->version, "2") == 0)
		t->version = 2;
	else if (strcmp(o->version, "3") == 0)
		t->version = 3;
	else
		return cli_usage_error("scan", "--version '%s': expected 1, 2c or 3",
		    o->version);
	if (t->version == 3) {
		if (o->user == NULL)
			return cli_usage_error("scan", "SNMPv3 needs --v3-user");
		if (o->priv != NULL && o->auth == NULL)
			return cli_usage_error("scan", "--v3-priv needs --v3-auth");
		if ((o->auth != NULL) != (o->auth_key_file != NULL))
			return cli_usage_error("scan", "--v3-auth and --v3-auth-key-file go together");
		if ((o->priv != NULL) != (o->priv_key_file != NULL))
			return cli_usage_error("scan", "--v3-priv and --v3-priv-key-file go together");
		t->user = xstrdup(o->user);
		t->auth = xstrdup(o->auth);
		t->priv = xstrdup(o->priv);
		if ((o->auth_key_file != NULL && secret_read(o->auth_key_file,
		    SECRET_V3_KEY_MIN, &t->auth_key, err, sizeof(err)) < 0) ||
		    (o->priv_key_file != NULL && secret_read(o->priv_key_file,
		    SECRET_V3_KEY_MIN, &t->priv_key, err, sizeof(err)) < 0))
			return cli_usage_error("scan", "%s", err);
		return EXIT_OK;
	}
	if (o->community_file != NULL) {
		if (secret_read(o->community_file, 1, &t->community, err,
		    sizeof(err)) < 0)
			return cli_usage_error("scan", "%s", err);
	} else if (o->community != NULL)
		t->community = xstrdup(o->community);
	else
		return cli_usage_error("scan", "targets on the command line need "
		    "--community-file (or --community, or --v3-user)");
	return EXIT_OK;
}

static void
free_cred(struct config_target *t)
{
	free(t->name);
	free(t->zone);
	free(t->user);
	free(t->auth);
	free(t->priv);
	if (t->community != NULL)
		explicit_bzero(t->community, strlen(t->community));
	if (t->auth_key != NULL)
		explicit_bzero(t->auth_key, strlen(t->auth_key));
	if (t->priv_key != NULL)
		explicit_bzero(t->priv_key, strlen(t->priv_key));
	free(t->community);
	free(t->auth_key);
	free(t->priv_key);
}

int
cmd_scan(int argc, char **argv)
{
	enum {
		OPT_COMMUNITY = OPT_COMMON_LAST + 1, OPT_COMMUNITY_FILE,
		OPT_V3_USER, OPT_V3_AUTH, OPT_V3_AUTH_KEY, OPT_V3_PRIV,
		OPT_V3_PRIV_KEY, OPT_VERSION, OPT_PORT, OPT_ZONE, OPT_TIMEOUT,
		OPT_RETRIES,
	};
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "community", required_argument, NULL, OPT_COMMUNITY },
		{ "community-file", required_argument, NULL, OPT_COMMUNITY_FILE },
		{ "v3-user", required_argument, NULL, OPT_V3_USER },
		{ "v3-auth", required_argument, NULL, OPT_V3_AUTH },
		{ "v3-auth-key-file", required_argument, NULL, OPT_V3_AUTH_KEY },
		{ "v3-priv", required_argument, NULL, OPT_V3_PRIV },
		{ "v3-priv-key-file", required_argument, NULL, OPT_V3_PRIV_KEY },
		{ "version", required_argument, NULL, OPT_VERSION },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "zone", required_argument, NULL, OPT_ZONE },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "retries", required_argument, NULL, OPT_RETRIES },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_common common = { 0 };
	struct cred_opts co = { .port = 161 };
	struct config_target cred = { 0 };
	struct config *cfg = NULL;
	struct classifier *cl = NULL;
	struct classifier_ops ops;
	struct sweep *sw = NULL;
	struct sweep_params params;
	struct sweep_stats stats;
	struct store_scan_counts counts;
	struct scan sc = { 0 };
	const char *timeout = NULL, *retries = NULL;
	char err[1024], *targets = NULL, *end;
	int opt, rc;
	bool have_cred = false;

	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
	    NULL)) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case OPT_COMMUNITY: co.community = optarg; break;
		case OPT_COMMUNITY_FILE: co.community_file = optarg; break;
		case OPT_V3_USER: co.user = optarg; break;
		case OPT_V3_AUTH: co.auth = optarg; break;
		case OPT_V3_AUTH_KEY: co.auth_key_file = optarg; break;
		case OPT_V3_PRIV: co.priv = optarg; break;
		case OPT_V3_PRIV_KEY: co.priv_key_file = optarg; break;
		case OPT_VERSION: co.version = optarg; break;
		case OPT_ZONE: co.zone = optarg; break;
		case OPT_TIMEOUT: timeout = optarg; break;
		case OPT_RETRIES: retries = optarg; break;
		case OPT_PORT:
			co.port = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || co.port < 1 || co.port > 65535)
				return cli_usage_error(argv[0], "--port '%s': expected 1 to 65535", optarg);
			break;
		default:
			if (!cli_common_option(opt, optarg, &common)) {
				usage(stderr);
				return EXIT_USAGE;
			}
		}
	}
	if ((rc = cli_load_config(&common, &cfg)) != EXIT_OK)
		return rc;
	pipeline_sweep_params(cfg, &params);
	if (timeout != NULL && (duration_parse(timeout, &params.timeout_ms) < 0 ||
	    params.timeout_ms < 10 || params.timeout_ms > 60000)) {
		rc = cli_usage_error(argv[0], "--timeout '%s': expected a duration from 10ms to 1m", timeout);
		goto out;
	}
	if (retries != NULL) {
		long r = strtol(retries, &end, 10);
		if (*retries == '\0' || *end != '\0' || r < 0 || r > 10) {
			rc = cli_usage_error(argv[0], "--retries '%s': expected 0 to 10", retries);
			goto out;
		}
		params.retries = (int)r;
	}
	if (optind < argc) {
		have_cred = true;	/* build_cred may fail half-way: free it all */
		if ((rc = build_cred(&co, &cred)) != EXIT_OK)
			goto out;
	} else if (cfg->n_targets == 0) {
		rc = cli_usage_error(argv[0], "no targets: give TARGETs or [target] "
		    "sections in %s", cfg->path != NULL ? cfg->path : "the configuration");
		goto out;
	}
	if ((rc = cli_open_classifier(argv[0], cfg->oui_dir, cfg->vendors_path,
	    true, &cl)) != EXIT_OK)
		goto out;
	sc.cfg = cfg;
	sc.st = store_open(cfg->db_path, STORE_READ_WRITE, err, sizeof(err));
	if (sc.st == NULL) {
		fprintf(stderr, "vraudit scan: %s\n", err);
		rc = EXIT_RUNTIME;
		goto out;
	}
	ops = classifier_ops(cl);
	store_set_classifier(sc.st, &ops);
	if ((rc = cli_sync_policies(argv[0], cfg, cl, sc.st)) != EXIT_OK)
		goto out;

	{
		static const struct sweep_callbacks cb = { on_element, on_failure };
		sw = sweep_new(&params, &cb, &sc);
	}
	if (have_cred) {
		struct sweep_cred c;
		size_t h;

		pipeline_sweep_cred(&cred, &c);
		h = sweep_cred_add(sw, &c);
		for (int i = optind; i < argc; i++)
			if (sweep_add(sw, h, argv[i], err, sizeof(err)) < 0) {
				rc = cli_usage_error(argv[0], "%s", err);
				goto out;
			}
		targets = cli_join(argv + optind, (size_t)(argc - optind), ", ");
	} else {
		char **names = xcalloc(cfg->n_targets, sizeof(*names));

		if (pipeline_sweep_targets(sw, cfg, err, sizeof(err)) < 0) {
			free(names);
			fprintf(stderr, "vraudit scan: %s\n", err);
			rc = EXIT_USAGE;
			goto out;
		}
		for (size_t i = 0; i < cfg->n_targets; i++)
			names[i] = cfg->targets[i].name;
		targets = cli_join(names, cfg->n_targets, ", ");
		free(names);
	}
	sc.scan_id = store_scan_begin(sc.st, "snmp", targets);
	if (sc.scan_id < 0) {
		fprintf(stderr, "vraudit scan: %s\n", store_error(sc.st));
		rc = EXIT_RUNTIME;
		goto out;
	}
	if (run(sw, cli_show_progress(&common)) < 0) {
		add_detail(&sc, "the sweep's event loop failed");
		store_scan_end(sc.st, sc.scan_id, "failed", 0, 0, sc.detail);
		rc = EXIT_RUNTIME;
		goto out;
	}
	sweep_stats(sw, &stats);
	if (sc.failed_timeout > 0)
		add_detail(&sc, "%llu targets did not answer (timeout)",
		    (unsigned long long)sc.failed_timeout);
	if (sc.detail_dropped > 0)
		add_detail(&sc, "and %zu more notes", sc.detail_dropped);
	if (store_flush(sc.st) < 0)
		note_error(&sc);
	if (sc.store_errors > 0) {
		fprintf(stderr, "vraudit scan: %s\n", sc.first_error);
		add_detail(&sc, "store: %s", sc.first_error);
	}
	if (store_scan_end(sc.st, sc.scan_id, sc.store_errors > 0 ? "failed" : "complete",
	    (int64_t)stats.answered, 0, sc.detail[0] != '\0' ? sc.detail : NULL) < 0 ||
	    store_scan_counts(sc.st, sc.scan_id, &counts) < 0) {
		fprintf(stderr, "vraudit scan: %s\n", store_error(sc.st));
		rc = EXIT_RUNTIME;
		goto out;
	}
	printf("targets:      %llu (%llu answered, %llu silent, %llu refused or failed)\n",
	    (unsigned long long)stats.targets, (unsigned long long)stats.answered,
	    (unsigned long long)sc.failed_timeout, (unsigned long long)sc.failed_other);
	printf("neighbours:   %llu reported\n", (unsigned long long)sc.neighbours);
	printf("elements:     %lld new, %lld updated\n", (long long)counts.created,
	    (long long)counts.updated);
	printf("high risk:    %lld of the elements seen\n", (long long)counts.high_risk);
	if (sc.detail[0] != '\0')
		printf("notes:\n  %s\n", sc.detail);
	rc = sc.store_errors > 0 ? EXIT_RUNTIME : EXIT_OK;
out:
	free(targets);
	sweep_free(sw);
	store_close(sc.st);
	classifier_free(cl);
	if (have_cred)
		free_cred(&cred);
	config_free(cfg);
	return rc;
}
