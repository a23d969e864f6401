/*
 * The SNMP sweep scheduler (snmp.h): credentials, target ranges, the window
 * of targets in flight, the descriptors to poll and the counters. Each
 * target in flight is a job (snmp_job.c); what its answers mean is
 * snmp_mib.c's business.
 */
#include "probes/snmp.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "common/log.h"
#include "common/net.h"
#include "common/util.h"
#include "probes/snmp_job.h"

void
sweep_fd_set(struct sweep *sw, int fd, struct job *j)
{
	if (fd < 0)
		return;
	if ((size_t)fd >= sw->n_by_fd) {
		size_t n = sw->n_by_fd ? sw->n_by_fd : 64;

		while (n <= (size_t)fd)
			n *= 2;
		sw->by_fd = xreallocarray(sw->by_fd, n, sizeof(*sw->by_fd));
		memset(sw->by_fd + sw->n_by_fd, 0,
		    (n - sw->n_by_fd) * sizeof(*sw->by_fd));
		sw->n_by_fd = n;
	}
	sw->by_fd[fd] = j;
}

bool
sweep_in_scope(const struct sweep *sw, size_t range, const char *addr,
    uint16_t port)
{
	return range < sw->n_ranges && sw->ranges[range].port == port &&
	    cidr_contains(&sw->ranges[range].cidr, addr);
}

/* True when the first bits of a and b agree. */
static bool
same_prefix(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	for (unsigned bit = 0; bit < bits; bit++) {
		uint8_t m = (uint8_t)(0x80 >> (bit % 8));

		if ((a[bit / 8] & m) != (b[bit / 8] & m))
			return false;
	}
	return true;
}

/* The address at index i of block c (i < cidr_size), as bytes. */
static void
block_nth(const struct cidr *c, uint64_t i, uint8_t out[16])
{
	unsigned len = c->family == AF_INET ? 4 : 16;

	memcpy(out, c->addr, 16);
	for (unsigned k = 0; k < 8 && k < len && i != 0; k++) {
		unsigned idx = len - 1 - k;
		unsigned sum = out[idx] + (unsigned)(i & 0xff);

		out[idx] = (uint8_t)sum;
		i = (i >> 8) + (sum >> 8);
	}
}

/* The index of addr in block c (addr inside it). */
static uint64_t
block_index(const struct cidr *c, const uint8_t addr[16])
{
	unsigned len = c->family == AF_INET ? 4 : 16;
	uint64_t host = (c->family == AF_INET ? 32u : 128u) - c->prefix;
	uint64_t i = 0;

	for (unsigned k = len > 8 ? len - 8 : 0; k < len; k++)
		i = i << 8 | addr[k];
	return host >= 64 ? i : i & ((UINT64_C(1) << host) - 1);
}

/*
 * Whether an earlier range (the section named first) already asks the
 * address at offset off of range ri on the same port: a target listed
 * twice, in one list or as an address and a block holding it, is asked
 * once per sweep, by the first that names it.
 */
static bool
asked_before(const struct sweep *sw, size_t ri, uint64_t off)
{
	const struct range *r = &sw->ranges[ri];
	uint8_t addr[16];

	block_nth(&r->cidr, r->first + off, addr);
	for (size_t k = 0; k < ri; k++) {
		const struct range *e = &sw->ranges[k];
		uint64_t i;

		if (e->port != r->port || e->cidr.family != r->cidr.family ||
		    !same_prefix(e->cidr.addr, addr, e->cidr.prefix))
			continue;
		i = block_index(&e->cidr, addr);
		if (i >= e->first && i - e->first < e->count)
			return true;
	}
	return false;
}

/* Start targets until the window is full. */
static void
sweep_admit(struct sweep *sw)
{
	while (sw->n_active < (size_t)sw->p.max_inflight &&
	    sw->next_range < sw->n_ranges) {
		struct range *r = &sw->ranges[sw->next_range];
		struct job *j;

		if (sw->next_off >= r->count) {
			sw->next_range++;
			sw->next_off = 0;
			continue;
		}
		if (asked_before(sw, sw->next_range, sw->next_off)) {
			sw->next_off++;
			sw->st.targets--;
			sw->st.repeated++;
			continue;
		}
		j = job_start(sw, sw->next_range, sw->next_off++);
		sw->active[sw->n_active++] = j;
	}
}

/* Move finished targets out, deliver them, start the next ones. */
static void
sweep_step(struct sweep *sw)
{
	bool again = true;

	while (again) {
		again = false;
		for (size_t i = 0; i < sw->n_active;) {
			struct job *j = sw->active[i];

			job_next(j);
			if (j->phase != PH_DONE || j->waiting) {
				i++;
				continue;
			}
			sw->active[i] = sw->active[--sw->n_active];
			job_deliver(j);
			job_free(j);
			/* A target waiting for this one's USM user may go on.
			 */
			again = true;
		}
		if (sw->n_active < (size_t)sw->p.max_inflight &&
		    sw->next_range < sw->n_ranges) {
			/* Targets that fail at once are delivered on the next
			 * pass. */
			sweep_admit(sw);
			again = true;
		}
	}
}

/* ---- public API ------------------------------------------------------- */

void
sweep_params_init(struct sweep_params *p)
{
	p->timeout_ms = 1000;
	p->retries = 1;
	p->max_inflight = 1024;
	p->max_rows = 100000;
	p->bulk_size = 25;
}

struct sweep *
sweep_new(const struct sweep_params *p, const struct sweep_callbacks *cb,
    void *ctx)
{
	struct sweep *sw = xcalloc(1, sizeof(*sw));
	struct rlimit rl;

	job_lib_init();
	if (p != NULL)
		sw->p = *p;
	else
		sweep_params_init(&sw->p);
	if (sw->p.max_inflight < 1)
		sw->p.max_inflight = 1;
	if (sw->p.max_rows < 1)
		sw->p.max_rows = 1;
	if (sw->p.bulk_size < 1)
		sw->p.bulk_size = 1;
	if (sw->p.timeout_ms < 1)
		sw->p.timeout_ms = 1;
	if (sw->p.retries < 0)
		sw->p.retries = 0;
	/* One socket per target in flight, and room for the rest of the
	 * program. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY &&
	    (rlim_t)sw->p.max_inflight + 64 > rl.rlim_cur) {
		int cap = rl.rlim_cur > 128 ? (int)(rl.rlim_cur - 64) : 64;

		log_info(TOK,
		    "open file limit %llu: %d targets in flight, not %d",
		    (unsigned long long)rl.rlim_cur, cap, sw->p.max_inflight);
		sw->p.max_inflight = cap;
	}
	if (cb != NULL)
		sw->cb = *cb;
	sw->ctx = ctx;
	sw->active = xcalloc((size_t)sw->p.max_inflight, sizeof(*sw->active));
	netsnmp_large_fd_set_init(&sw->lfs, FD_SETSIZE);
	NETSNMP_LARGE_FD_ZERO(&sw->lfs);
	return sw;
}

size_t
sweep_cred_add(struct sweep *sw, const struct sweep_cred *t)
{
	struct cred *c;

	sw->creds =
	    xreallocarray(sw->creds, sw->n_creds + 1, sizeof(*sw->creds));
	c = sw->creds[sw->n_creds] = xcalloc(1, sizeof(*c));
	c->version = t->version ? t->version : 2;
	c->port = t->port ? t->port : 161;
	c->community = xstrdup(t->community);
	c->user = xstrdup(t->user);
	c->auth = xstrdup(t->auth);
	c->auth_key = xstrdup(t->auth_key);
	c->priv = xstrdup(t->priv);
	c->priv_key = xstrdup(t->priv_key);
	c->zone = xstrdup(t->zone);
	c->section = xstrdup(t->section);
	return sw->n_creds++;
}

static int
range_add(struct sweep *sw, const struct cidr *cidr, uint16_t port, size_t cred,
    const char *spec, char *err, size_t errlen)
{
	struct range *r;
	uint64_t size = cidr_size(cidr);

	if (size == 0) {
		snprintf(err, errlen, "%s: block too large to sweep", spec);
		return -1;
	}
	sw->ranges =
	    xreallocarray(sw->ranges, sw->n_ranges + 1, sizeof(*sw->ranges));
	r = &sw->ranges[sw->n_ranges++];
	r->cidr = *cidr;
	r->port = port;
	r->cred = cred;
	r->first = 0;
	r->count = size;
	/* IPv4 blocks shorter than /31 have a network and a broadcast address.
	 */
	if (cidr->family == AF_INET && cidr->prefix < 31) {
		r->first = 1;
		r->count = size - 2;
	}
	sw->st.targets += r->count;
	return 0;
}

/* Split "addr", "addr:port", "[v6]:port", "block" or "block:port". */
static int
spec_parse(const char *spec, struct cidr *cidr, uint16_t *port, char *err,
    size_t errlen)
{
	char host[128];
	const char *colon, *msg = NULL;
	size_t hl;

	*port = 0;
	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');

		if (end == NULL)
			goto bad;
		hl = (size_t)(end - spec - 1);
		if (hl >= sizeof(host))
			goto bad;
		memcpy(host, spec + 1, hl);
		host[hl] = '\0';
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] != '\0' && colon == NULL)
			goto bad;
	} else {
		colon = strchr(spec, ':');
		/* Two colons or more: a bare IPv6 address or block. */
		if (colon != NULL && strchr(colon + 1, ':') != NULL)
			colon = NULL;
		hl = colon ? (size_t)(colon - spec) : strlen(spec);
		if (hl >= sizeof(host))
			goto bad;
		memcpy(host, spec, hl);
		host[hl] = '\0';
	}
	if (colon != NULL) {
		char *end;
		unsigned long p;

		errno = 0;
		p = strtoul(colon + 1, &end, 10);
		if (errno != 0 || *end != '\0' || p == 0 || p > 65535 ||
		    colon[1] == '\0')
			goto bad;
		*port = (uint16_t)p;
	}
	if (cidr_parse(host, cidr, &msg) < 0) {
		snprintf(err, errlen, "%s: %s", spec,
		    msg ? msg : "not an address");
		return -1;
	}
	return 0;
bad:
	snprintf(err, errlen, "%s: not an address, host:port or block", spec);
	return -1;
}

int
sweep_add(struct sweep *sw, size_t cred, const char *spec, char *err,
    size_t errlen)
{
	struct cidr cidr;
	uint16_t port;

	if (spec_parse(spec, &cidr, &port, err, errlen) < 0)
		return -1;
	return sweep_add_block(sw, cred, &cidr, port, spec, err, errlen);
}

int
sweep_add_block(struct sweep *sw, size_t cred, const struct cidr *block,
    uint16_t port, const char *label, char *err, size_t errlen)
{
	if (cred >= sw->n_creds) {
		snprintf(err, errlen, "%s: no such credentials", label);
		return -1;
	}
	return range_add(sw, block, port ? port : sw->creds[cred]->port, cred,
	    label, err, errlen);
}

int
sweep_pollfds(struct sweep *sw, struct pollfd **fds, size_t *n, int *timeout_ms)
{
	int64_t best = -1, now;

	sweep_step(sw);
	now = clock_ms();
	sw->pfds = xreallocarray(sw->pfds, sw->n_active ? sw->n_active : 1,
	    sizeof(*sw->pfds));
	sw->n_pfds = 0;
	for (size_t i = 0; i < sw->n_active; i++) {
		struct job *j = sw->active[i];

		if (j->sess == NULL || j->fd < 0)
			continue;
		sw->pfds[sw->n_pfds].fd = j->fd;
		sw->pfds[sw->n_pfds].events = POLLIN;
		sw->pfds[sw->n_pfds].revents = 0;
		sw->n_pfds++;
		job_poll_timeout(j, now, &best);
	}
	if (best > INT_MAX)
		best = INT_MAX;
	*fds = sw->pfds;
	*n = sw->n_pfds;
	*timeout_ms = (int)best;
	return 0;
}

int
sweep_handle(struct sweep *sw, const struct pollfd *fds, size_t n)
{
	int64_t now;

	for (size_t i = 0; i < n; i++) {
		struct job *j;
		int fd = fds[i].fd;

		if (fds[i].revents == 0 || fd < 0 || (size_t)fd >= sw->n_by_fd)
			continue;
		if ((j = sw->by_fd[fd]) == NULL || j->sess == NULL)
			continue;
		job_read(j);
	}
	/* Resends and timeouts: the library checks each session's clock. */
	now = clock_ms();
	for (size_t i = 0; i < sw->n_active; i++) {
		struct job *j = sw->active[i];

		if (j->sess == NULL || !j->waiting)
			continue;
		job_timeout(j, now);
	}
	sweep_step(sw);
	return 0;
}

bool
sweep_done(const struct sweep *sw)
{
	return sw->n_active == 0 && sw->next_range >= sw->n_ranges;
}

int
sweep_run(struct sweep *sw)
{
	while (!sweep_done(sw)) {
		struct pollfd *fds;
		size_t n;
		int timeout, rc;

		if (sweep_pollfds(sw, &fds, &n, &timeout) < 0)
			return -1;
		if (sweep_done(sw))
			break;
		rc = poll(fds, (nfds_t)n, timeout);
		if (rc < 0 && errno != EINTR) {
			log_warn(TOK, "poll");
			return -1;
		}
		if (rc < 0)
			continue;
		if (sweep_handle(sw, fds, rc > 0 ? n : 0) < 0)
			return -1;
	}
	return 0;
}

void
sweep_stats(const struct sweep *sw, struct sweep_stats *st)
{
	*st = sw->st;
}

static void
secret_free(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void
sweep_free(struct sweep *sw)
{
	if (sw == NULL)
		return;
	for (size_t i = 0; i < sw->n_active; i++)
		job_free(sw->active[i]);
	for (size_t i = 0; i < sw->n_creds; i++) {
		struct cred *c = sw->creds[i];

		secret_free(c->community);
		secret_free(c->auth_key);
		secret_free(c->priv_key);
		free(c->user);
		free(c->auth);
		free(c->priv);
		free(c->zone);
		free(c->section);
		free(c);
	}
	free(sw->creds);
	free(sw->ranges);
	free(sw->active);
	free(sw->by_fd);
	free(sw->pfds);
	netsnmp_large_fd_set_cleanup(&sw->lfs);
	free(sw);
}
