/*
 * Configuration loading: vraudit.conf(5) read with inih and validated key
 * by key as it is read.
 *
 * Debian's inih is built without line numbers for handlers, with a 200-byte
 * line buffer that silently splits longer lines, and without a call on
 * section headers. So we feed it through our own reader, which counts
 * lines, refuses long ones and classifies every line the way inih 55 will
 * (header, key, continuation, comment): headers of sections without keys,
 * duplicate headers and syntax errors are seen there. The reader stops
 * (returns NULL) after the first error, so that error is the one reported.
 */
#include "vraudit-config.h"

#include "config/config.h"
#include "common/sighting.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>
#include <pcap/pcap.h>

#include "common/util.h"
#include "common/secret.h"
#include "common/text.h"

#define MAX_BLOCK_BITS 24 /* largest block a target may sweep: 2^24 */
#define POLICY_DEFAULT_DIR VRAUDIT_DATADIR "/policies"

enum section_kind {
	SEC_NONE,
	SEC_DATABASE,
	SEC_REGISTRY,
	SEC_SNMP,
	SEC_TARGET,
	SEC_CAPTURE,
	SEC_ZONE,
	SEC_POLICY,
};

struct parser;

/* One key of a section; list keys get set() once per item. */
struct key_def {
	const char *name;
	bool list;
	int (*set)(struct parser *, const char *value);
};

#define KEYS_MAX 12

struct section_def {
	const char *name;
	enum section_kind kind;
	bool named;
	const struct key_def *keys;
	int (*finish)(struct parser *);
};

struct seen_section {
	char *label;
	int line;
};

struct parser {
	const char *file; /* as given, for messages */
	char *dir;        /* absolute directory of file, for relative paths */
	FILE *fp;
	char *buf; /* getline buffer, owned */
	size_t bufsize;
	int lineno;
	bool failed;
	char *err;
	size_t errlen;
	struct config *cfg;

	bool after_key;    /* inih's prev_name: a key since the header */
	bool continuation; /* the current line continues the last key */
	bool want_call;    /* the current line is a key or continuation */
	bool got_call;     /* inih called the handler for it */
	int pending_comma; /* line of a list ending in ',', 0 = none */

	const struct section_def *sec; /* NULL before the first header */
	char *label;                   /* "target core", owned */
	int sec_line;
	const struct key_def *key; /* key being handled */
	int key_lines[KEYS_MAX];   /* line each key was given on, 0 = not */
	int last_key;              /* index of the last key, -1 = none */

	struct seen_section *seen; /* owned */
	size_t n_seen;
};

static void perr(struct parser *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record the first error: "FILE:LINE: message". */
static void
perr(struct parser *p, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->failed)
		return;
	p->failed = true;
	n = snprintf(p->err, p->errlen, "%s:%d: ", p->file, line);
	if (n < 0 || (size_t)n >= p->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

/* Error about key k of the current section, at line. */
static void kerr_at(struct parser *p, int line, const char *k, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static void
kerr_at(struct parser *p, int line, const char *k, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->label != NULL)
		perr(p, line, "[%s] %s: %s", p->label, k, msg);
	else
		perr(p, line, "%s: %s", k, msg);
}

/* Error about the key being handled, at the current line. */
#define kerr(p, ...) kerr_at((p), (p)->lineno, (p)->key->name, __VA_ARGS__)

/*
 * Values.
 */

static int
parse_int(struct parser *p, const char *v, long long min, long long max,
    long long *out)
{
	char *end;
	long long n;

	if (!isdigit((unsigned char)*v))
		goto bad;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		goto bad;
	*out = n;
	return 0;
bad:
	kerr(p, "\"%s\" is not a number from %lld to %lld", v, min, max);
	return -1;
}

static int
parse_duration(
    struct parser *p, const char *v, int64_t min, int64_t max, int64_t *out)
{
	char lo[32], hi[32];
	int64_t ms;

	duration_format(min, lo, sizeof(lo));
	duration_format(max, hi, sizeof(hi));
	if (duration_parse(v, &ms) < 0) {
		kerr(p,
		    "\"%s\" is not a duration (expected a number with unit "
		    "ms, s, m, h, d or w, such as 30s, 6h or 1h30m)",
		    v);
		return -1;
	}
	if (ms < min || ms > max) {
		kerr(
		    p, "\"%s\" is out of range (expected %s to %s)", v, lo, hi);
		return -1;
	}
	*out = ms;
	return 0;
}

/* Policy pack names: lower-case letters, digits, dashes. */
static bool
pack_name_valid(const char *s)
{
	if (*s == '\0' || strlen(s) > ZONE_NAME_MAX)
		return false;
	for (; *s != '\0'; s++)
		if (!islower((unsigned char)*s) &&
		    !isdigit((unsigned char)*s) && *s != '-')
			return false;
	return true;
}

/* A path from the file: absolute, or relative to the file's directory. */
static int
set_path(struct parser *p, const char *v, char **field)
{
	if (*v == '\0') {
		kerr(p, "empty (expected a path)");
		return -1;
	}
	free(*field);
	if (*v == '/')
		*field = xstrdup(v);
	else
		*field = xprintf("%s/%s", p->dir, v);
	return 0;
}

/* An optional string: empty means unset. */
static void
set_optional(const char *v, char **field)
{
	free(*field);
	*field = *v == '\0' ? NULL : xstrdup(v);
}

static int
set_zone_name(struct parser *p, const char *v, char **field)
{
	if (*v != '\0' && !zone_name_valid(v)) {
		kerr(p,
		    "\"%s\" is not a zone name (expected letters, digits, "
		    "'.', '_' or '-', at most %d characters)",
		    v, ZONE_NAME_MAX);
		return -1;
	}
	set_optional(v, field);
	return 0;
}

static int
read_secret(struct parser *p, const char *path, size_t min, char **out)
{
	char err[512];

	if (secret_read(path, min, out, err, sizeof(err)) < 0) {
		kerr(p, "%s", err);
		return -1;
	}
	return 0;
}

/* The path of a secret file, resolved, then its content. */
static int
set_secret(struct parser *p, const char *v, size_t min, char **path_field,
    char **secret)
{
	if (set_path(p, v, path_field) < 0)
		return -1;
	return read_secret(p, *path_field, min, secret);
}

/*
 * [database], [registry], [snmp], [policy]
 */

static int
db_path(struct parser *p, const char *v)
{
	return set_path(p, v, &p->cfg->db_path);
}

static int
registry_oui_dir(struct parser *p, const char *v)
{
	return set_path(p, v, &p->cfg->oui_dir);
}

static int
registry_vendors(struct parser *p, const char *v)
{
	if (*v == '\0') {
		free(p->cfg->vendors_path);
		p->cfg->vendors_path = NULL;
		return 0;
	}
	return set_path(p, v, &p->cfg->vendors_path);
}

static int
snmp_interval(struct parser *p, const char *v)
{
	return parse_duration(
	    p, v, 1000, INT64_C(365) * 86400000, &p->cfg->snmp_interval_ms);
}

static int
snmp_timeout(struct parser *p, const char *v)
{
	return parse_duration(p, v, 10, 60000, &p->cfg->snmp_timeout_ms);
}

static int
snmp_retries(struct parser *p, const char *v)
{
	long long n;

	if (parse_int(p, v, 0, 10, &n) < 0)
		return -1;
	p->cfg->snmp_retries = (int)n;
	return 0;
}

static int
snmp_max_inflight(struct parser *p, const char *v)
{
	long long n;

	if (parse_int(p, v, 1, 65536, &n) < 0)
		return -1;
	p->cfg->snmp_max_inflight = (int)n;
	return 0;
}

static int
snmp_max_rows(struct parser *p, const char *v)
{
	long long n;

	if (parse_int(p, v, 1, 1000000000, &n) < 0)
		return -1;
	p->cfg->snmp_max_rows = n;
	return 0;
}

static int
policy_pack(struct parser *p, const char *v)
{
	struct config *cfg = p->cfg;

	if (!pack_name_valid(v)) {
		kerr(p,
		    "\"%s\" is not a policy pack name (expected lower-case "
		    "letters, digits and '-', such as uk-dvd-2022)",
		    v);
		return -1;
	}
	for (size_t i = 0; i < cfg->n_policy_packs; i++)
		if (strcmp(cfg->policy_packs[i], v) == 0) {
			kerr(p, "\"%s\" is listed twice", v);
			return -1;
		}
	cfg->policy_packs = xreallocarray(cfg->policy_packs,
	    cfg->n_policy_packs + 1, sizeof(*cfg->policy_packs));
	cfg->policy_packs[cfg->n_policy_packs++] = xstrdup(v);
	return 0;
}

static int
policy_dir(struct parser *p, const char *v)
{
	return set_path(p, v, &p->cfg->policy_dir);
}

/*
 * [target NAME]
 */

static struct config_target *
cur_target(struct parser *p)
{
	return &p->cfg->targets[p->cfg->n_targets - 1];
}

/* Split "[v6]:port", "v4:port", "v4/len:port" or a bare address or block. */
static int
target_address(struct parser *p, const char *v)
{
	struct config_target *t = cur_target(p);
	struct config_address a;
	char host[IP_STRLEN + 8];
	const char *port = NULL, *msg, *text = v;
	const char *colon = strchr(v, ':');
	size_t hlen;

	memset(&a, 0, sizeof(a));
	if (*v == '[') {
		const char *close = strchr(v, ']');

		if (close == NULL || (close[1] != '\0' && close[1] != ':')) {
			kerr(p, "\"%s\" is not [IPv6]:port", v);
			return -1;
		}
		hlen = (size_t)(close - v - 1);
		v++;
		if (close[1] == ':')
			port = close + 2;
	} else if (colon != NULL && strchr(colon + 1, ':') == NULL) {
		hlen = (size_t)(colon - v); /* one colon: IPv4 with a port */
		port = colon + 1;
	} else
		hlen = strlen(v);
	if (hlen >= sizeof(host)) {
		kerr(p, "\"%.*s\" is not an IPv4 or IPv6 address or CIDR block",
		    (int)hlen, v);
		return -1;
	}
	memcpy(host, v, hlen);
	host[hlen] = '\0';
	if (cidr_parse(host, &a.range, &msg) < 0) {
		kerr(p, "\"%s\": %s", host, msg);
		return -1;
	}
	if (port != NULL) {
		char *end;
		unsigned long n;

		errno = 0;
		n = isdigit((unsigned char)*port) ? strtoul(port, &end, 10) : 0;
		if (n < 1 || n > 65535 || errno != 0 || *end != '\0') {
			kerr(p,
			    "\"%s\": port \"%s\" is not a number from 1 to "
			    "65535",
			    host, port);
			return -1;
		}
		a.port = (uint16_t)n;
	}
	if ((a.range.family == AF_INET ? 32U : 128U) - a.range.prefix >
	    MAX_BLOCK_BITS) {
		kerr(p,
		    "\"%s\" is too large to sweep (at most 2^%d addresses: "
		    "/%d for IPv4, /%d for IPv6)",
		    host, MAX_BLOCK_BITS, 32 - MAX_BLOCK_BITS,
		    128 - MAX_BLOCK_BITS);
		return -1;
	}
	for (size_t i = 0; i < t->n_addresses; i++)
		if (memcmp(&t->addresses[i].range, &a.range, sizeof(a.range)) ==
			0 &&
		    t->addresses[i].port == a.port) {
			kerr(p, "\"%s\" is listed twice", t->addresses[i].text);
			return -1;
		}
	a.text = xstrdup(text);
	t->addresses = xreallocarray(
	    t->addresses, t->n_addresses + 1, sizeof(*t->addresses));
	t->addresses[t->n_addresses++] = a;
	return 0;
}

static int
target_port(struct parser *p, const char *v)
{
	long long n;

	if (parse_int(p, v, 1, 65535, &n) < 0)
		return -1;
	cur_target(p)->port = (uint16_t)n;
	return 0;
}

static int
target_version(struct parser *p, const char *v)
{
	struct config_target *t = cur_target(p);

	if (strcmp(v, "1") == 0)
		t->version = 1;
	else if (strcmp(v, "2c") == 0)
		t->version = 2;
	else if (strcmp(v, "3") == 0)
		t->version = 3;
	else {
		kerr(p, "\"%s\" is not an SNMP version (expected 1, 2c or 3)",
		    v);
		return -1;
	}
	return 0;
}

static int
target_community_file(struct parser *p, const char *v)
{
	struct config_target *t = cur_target(p);

	return set_secret(p, v, 1, &t->community_file, &t->community);
}

static int
target_user(struct parser *p, const char *v)
{
	struct config_target *t = cur_target(p);

	if (*v == '\0' || strlen(v) > 32) {
		kerr(p, "expected an SNMPv3 user name of 1 to 32 characters");
		return -1;
	}
	free(t->user);
	t->user = xstrdup(v);
	return 0;
}

/* Match v case-insensitively against names; store the canonical spelling. */
static int
set_enum(struct parser *p, const char *v, const char *const *names,
    const char *expected, char **field)
{
	if (*v == '\0') {
		free(*field);
		*field = NULL;
		return 0;
	}
	for (size_t i = 0; names[i] != NULL; i++)
		if (strcasecmp(v, names[i]) == 0) {
			free(*field);
			*field = xstrdup(names[i]);
			return 0;
		}
	kerr(p, "\"%s\" is not supported (expected %s)", v, expected);
	return -1;
}

static int
target_auth(struct parser *p, const char *v)
{
	static const char *const names[] = {
	    "MD5", "SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512", NULL};

	return set_enum(p, v, names,
	    "MD5, SHA, SHA-224, SHA-256, SHA-384 or SHA-512",
	    &cur_target(p)->auth);
}

static int
target_auth_key_file(struct parser *p, const char *v)
{
	struct config_target *t = cur_target(p);

	return set_secret(
	    p, v, SECRET_V3_KEY_MIN, &t->auth_key_file, &t->auth_key);
}

static int
target_priv(struct parser *p, const char *v)
{
	static const char *const names[] = {
	    "DES", "AES-128", "AES-192", "AES-256", NULL};

	/* net-snmp and snmpd.conf spell AES-128 "AES". */
	if (strcasecmp(v, "AES") == 0)
		v = "AES-128";
	return set_enum(p, v, names, "DES, AES-128, AES-192 or AES-256",
	    &cur_target(p)->priv);
}

static int
target_priv_key_file(struct parser *p, const char *v)
{
	struct config_target *t = cur_target(p);

	return set_secret(
	    p, v, SECRET_V3_KEY_MIN, &t->priv_key_file, &t->priv_key);
}

static int
target_zone(struct parser *p, const char *v)
{
	return set_zone_name(p, v, &cur_target(p)->zone);
}

enum {
	TK_ADDRESSES,
	TK_PORT,
	TK_VERSION,
	TK_COMMUNITY_FILE,
	TK_USER,
	TK_AUTH,
	TK_AUTH_KEY_FILE,
	TK_PRIV,
	TK_PRIV_KEY_FILE,
	TK_ZONE,
};

static const struct key_def target_keys[] = {
    [TK_ADDRESSES] = {"addresses", true, target_address},
    [TK_PORT] = {"port", false, target_port},
    [TK_VERSION] = {"version", false, target_version},
    [TK_COMMUNITY_FILE] = {"community-file", false, target_community_file},
    [TK_USER] = {"user", false, target_user},
    [TK_AUTH] = {"auth", false, target_auth},
    [TK_AUTH_KEY_FILE] = {"auth-key-file", false, target_auth_key_file},
    [TK_PRIV] = {"priv", false, target_priv},
    [TK_PRIV_KEY_FILE] = {"priv-key-file", false, target_priv_key_file},
    [TK_ZONE] = {"zone", false, target_zone},
    {NULL, false, NULL},
};
_Static_assert(ARRAY_SIZE(target_keys) <= KEYS_MAX, "raise KEYS_MAX");

static int
missing(struct parser *p, const char *key, const char *expected)
{
	kerr_at(p, p->sec_line, key, "required key missing (%s)", expected);
	return -1;
}

static int
not_for_version(struct parser *p, int k, const char *versions)
{
	if (p->key_lines[k] == 0)
		return 0;
	kerr_at(p, p->key_lines[k], target_keys[k].name,
	    "only applies to SNMP version %s (this target uses %s)", versions,
	    cur_target(p)->version == 3   ? "3"
	    : cur_target(p)->version == 1 ? "1"
					  : "2c");
	return -1;
}

static int
target_finish(struct parser *p)
{
	struct config_target *t = cur_target(p);

	if (p->key_lines[TK_ADDRESSES] == 0)
		return missing(p, "addresses",
		    "a list of addresses, CIDR blocks, host:port or [v6]:port");
	if (t->n_addresses == 0) {
		kerr_at(p, p->key_lines[TK_ADDRESSES], "addresses",
		    "empty (expected a list of addresses or CIDR blocks)");
		return -1;
	}
	if (t->version != 3) {
		if (not_for_version(p, TK_USER, "3") < 0 ||
		    not_for_version(p, TK_AUTH, "3") < 0 ||
		    not_for_version(p, TK_AUTH_KEY_FILE, "3") < 0 ||
		    not_for_version(p, TK_PRIV, "3") < 0 ||
		    not_for_version(p, TK_PRIV_KEY_FILE, "3") < 0)
			return -1;
		if (t->community_file == NULL)
			return missing(p, "community-file",
			    "a file holding the community, for version 1 or "
			    "2c");
		return 0;
	}
	if (not_for_version(p, TK_COMMUNITY_FILE, "1 or 2c") < 0)
		return -1;
	if (t->user == NULL)
		return missing(p, "user", "the SNMPv3 user name");
	if (t->auth == NULL && t->auth_key_file != NULL) {
		kerr_at(p, p->key_lines[TK_AUTH_KEY_FILE], "auth-key-file",
		    "given without auth (set auth = SHA-256 or another)");
		return -1;
	}
	if (t->auth != NULL && t->auth_key_file == NULL)
		return missing(p, "auth-key-file",
		    "a file holding the authentication passphrase");
	if (t->priv != NULL && t->auth == NULL) {
		kerr_at(p, p->key_lines[TK_PRIV], "priv",
		    "requires auth (SNMPv3 has no privacy without "
		    "authentication)");
		return -1;
	}
	if (t->priv == NULL && t->priv_key_file != NULL) {
		kerr_at(p, p->key_lines[TK_PRIV_KEY_FILE], "priv-key-file",
		    "given without priv (set priv = AES-128 or another)");
		return -1;
	}
	if (t->priv != NULL && t->priv_key_file == NULL)
		return missing(p, "priv-key-file",
		    "a file holding the privacy passphrase");
	return 0;
}

/*
 * [capture NAME]
 */

static struct config_capture *
cur_capture(struct parser *p)
{
	return &p->cfg->captures[p->cfg->n_captures - 1];
}

static int
capture_interface(struct parser *p, const char *v)
{
	struct config_capture *c = cur_capture(p);

	/* IFNAMSIZ is 16 with the terminator. */
	if (*v == '\0' || strlen(v) > 15 || strchr(v, '/') != NULL ||
	    strpbrk(v, " \t") != NULL) {
		kerr(p,
		    "\"%s\" is not an interface name (expected 1 to 15 "
		    "characters without '/' or spaces, such as eth1)",
		    v);
		return -1;
	}
	free(c->interface);
	c->interface = xstrdup(v);
	return 0;
}

/* Compile the filter against an Ethernet link type to find errors now. */
static int
capture_filter(struct parser *p, const char *v)
{
	struct config_capture *c = cur_capture(p);
	struct bpf_program prog;
	pcap_t *pd;

	if (*v != '\0') {
		pd = pcap_open_dead(DLT_EN10MB, 65535);
		if (pd == NULL) {
			kerr(p, "cannot check the filter (out of memory)");
			return -1;
		}
		if (pcap_compile(pd, &prog, v, 1, PCAP_NETMASK_UNKNOWN) < 0) {
			kerr(p, "\"%s\": %s", v, pcap_geterr(pd));
			pcap_close(pd);
			return -1;
		}
		pcap_freecode(&prog);
		pcap_close(pd);
	}
	free(c->filter);
	c->filter = xstrdup(v);
	return 0;
}

static int
capture_zone(struct parser *p, const char *v)
{
	return set_zone_name(p, v, &cur_capture(p)->zone);
}

static int
capture_finish(struct parser *p)
{
	if (cur_capture(p)->interface == NULL)
		return missing(
		    p, "interface", "a network interface, such as eth1");
	return 0;
}

/*
 * [zone NAME]
 */

static struct zone *
cur_zone(struct parser *p)
{
	return &p->cfg->zones[p->cfg->n_zones - 1];
}

static int
zone_subnet(struct parser *p, const char *v)
{
	struct zone *z = cur_zone(p);
	struct cidr c;
	const char *msg;

	if (cidr_parse(v, &c, &msg) < 0) {
		kerr(p, "\"%s\": %s", v, msg);
		return -1;
	}
	for (size_t i = 0; i < z->n_subnets; i++)
		if (memcmp(&z->subnets[i], &c, sizeof(c)) == 0) {
			kerr(p, "\"%s\" is listed twice", v);
			return -1;
		}
	z->subnets =
	    xreallocarray(z->subnets, z->n_subnets + 1, sizeof(*z->subnets));
	z->subnets[z->n_subnets++] = c;
	return 0;
}

static int
zone_sysname(struct parser *p, const char *v)
{
	struct zone *z = cur_zone(p);

	z->sysname_patterns = xreallocarray(z->sysname_patterns,
	    z->n_sysname_patterns + 1, sizeof(*z->sysname_patterns));
	z->sysname_patterns[z->n_sysname_patterns++] = xstrdup(v);
	return 0;
}

static const struct key_def zone_keys[] = {
    {"subnets", true, zone_subnet},
    {"sysname", true, zone_sysname},
    {NULL, false, NULL},
};

/* The same subnet in two zones would make the zone of an address depend on
 * the order of sections: refuse it. */
static int
zone_end(struct parser *p)
{
	struct config *cfg = p->cfg;
	struct zone *z = cur_zone(p);

	for (size_t i = 0; i < z->n_subnets; i++)
		for (size_t j = 0; j + 1 < cfg->n_zones; j++)
			for (size_t k = 0; k < cfg->zones[j].n_subnets; k++) {
				char text[IP_STRLEN + 8];

				if (memcmp(&cfg->zones[j].subnets[k],
					&z->subnets[i],
					sizeof(z->subnets[i])) != 0)
					continue;
				cidr_format(&z->subnets[i], text, sizeof(text));
				kerr_at(p, p->key_lines[0 /* subnets */],
				    "subnets",
				    "%s is already in [zone %s] (line %d)",
				    text, cfg->zones[j].name,
				    cfg->zones[j].line);
				return -1;
			}
	return 0;
}

static const struct key_def database_keys[] = {
    {"path", false, db_path},
    {NULL, false, NULL},
};

static const struct key_def registry_keys[] = {
    {"oui-dir", false, registry_oui_dir},
    {"vendors", false, registry_vendors},
    {NULL, false, NULL},
};

static const struct key_def snmp_keys[] = {
    {"interval", false, snmp_interval},
    {"timeout", false, snmp_timeout},
    {"retries", false, snmp_retries},
    {"max-inflight", false, snmp_max_inflight},
    {"max-rows", false, snmp_max_rows},
    {NULL, false, NULL},
};

static const struct key_def capture_keys[] = {
    {"interface", false, capture_interface},
    {"filter", false, capture_filter},
    {"zone", false, capture_zone},
    {NULL, false, NULL},
};

static const struct key_def policy_keys[] = {
    {"packs", true, policy_pack},
    {"dir", false, policy_dir},
    {NULL, false, NULL},
};

static const struct section_def sections[] = {
    {"database", SEC_DATABASE, false, database_keys, NULL},
    {"registry", SEC_REGISTRY, false, registry_keys, NULL},
    {"snmp", SEC_SNMP, false, snmp_keys, NULL},
    {"target", SEC_TARGET, true, target_keys, target_finish},
    {"capture", SEC_CAPTURE, true, capture_keys, capture_finish},
    {"zone", SEC_ZONE, true, zone_keys, zone_end},
    {"policy", SEC_POLICY, false, policy_keys, NULL},
};

#define SECTIONS_EXPECTED                                                      \
	"database, registry, snmp, target NAME, "                              \
	"capture NAME, zone NAME or policy"

/*
 * Sections.
 */

static int
section_end(struct parser *p)
{
	if (p->sec != NULL && p->sec->finish != NULL && p->sec->finish(p) < 0)
		return -1;
	return 0;
}

/* Start the section whose header text (between the brackets) is text. */
static int
section_begin(struct parser *p, const char *text, size_t len)
{
	struct config *cfg = p->cfg;
	const struct section_def *def = NULL;
	char *t = xstrndup(text, len), *name, *label;
	size_t klen;

	str_trim(t);
	klen = strcspn(t, " \t");
	name = t + klen;
	while (*name == ' ' || *name == '\t')
		name++;
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++)
		if (strlen(sections[i].name) == klen &&
		    strncmp(t, sections[i].name, klen) == 0)
			def = &sections[i];
	if (def == NULL) {
		perr(p, p->lineno, "[%s] unknown section (expected %s)", t,
		    SECTIONS_EXPECTED);
		goto fail;
	}
	if (def->named && *name == '\0') {
		perr(
		    p, p->lineno, "[%s] needs a name: [%s NAME]", t, def->name);
		goto fail;
	}
	if (!def->named && *name != '\0') {
		perr(p, p->lineno, "[%s] takes no name: [%s]", t, def->name);
		goto fail;
	}
	if (def->named && !zone_name_valid(name)) {
		perr(p, p->lineno,
		    "[%s] \"%s\" is not a valid name (expected "
		    "letters, digits, '.', '_' or '-', at most %d characters)",
		    t, name, ZONE_NAME_MAX);
		goto fail;
	}
	label =
	    def->named ? xprintf("%s %s", def->name, name) : xstrdup(def->name);
	for (size_t i = 0; i < p->n_seen; i++)
		if (strcmp(p->seen[i].label, label) == 0) {
			perr(p, p->lineno,
			    "[%s] duplicate section (first on "
			    "line %d)",
			    label, p->seen[i].line);
			free(label);
			goto fail;
		}
	p->seen = xreallocarray(p->seen, p->n_seen + 1, sizeof(*p->seen));
	p->seen[p->n_seen].label = xstrdup(label);
	p->seen[p->n_seen++].line = p->lineno;

	free(p->label);
	p->label = label;
	p->sec = def;
	p->sec_line = p->lineno;
	p->last_key = -1;
	memset(p->key_lines, 0, sizeof(p->key_lines));
	switch (def->kind) {
	case SEC_TARGET: {
		struct config_target *tg;

		cfg->targets = xreallocarray(
		    cfg->targets, cfg->n_targets + 1, sizeof(*cfg->targets));
		tg = &cfg->targets[cfg->n_targets++];
		memset(tg, 0, sizeof(*tg));
		tg->name = xstrdup(name);
		tg->line = p->lineno;
		tg->port = 161;
		tg->version = 2;
		break;
	}
	case SEC_CAPTURE: {
		struct config_capture *c;

		cfg->captures = xreallocarray(
		    cfg->captures, cfg->n_captures + 1, sizeof(*cfg->captures));
		c = &cfg->captures[cfg->n_captures++];
		memset(c, 0, sizeof(*c));
		c->name = xstrdup(name);
		c->line = p->lineno;
		c->filter = xstrdup("");
		break;
	}
	case SEC_ZONE: {
		struct zone *z;

		cfg->zones = xreallocarray(
		    cfg->zones, cfg->n_zones + 1, sizeof(*cfg->zones));
		z = &cfg->zones[cfg->n_zones++];
		memset(z, 0, sizeof(*z));
		z->name = xstrdup(name);
		z->line = p->lineno;
		break;
	}
	default:
		break;
	}
	free(t);
	return 0;
fail:
	free(t);
	return -1;
}

/*
 * Reading.
 */

/* inih's find_chars_or_comment: the first of chars, or an inline comment
 * prefix after white space, or the end of the string. */
static const char *
ini_find(const char *s, const char *chars)
{
	bool was_space = false;

	while (
	    *s != '\0' && (chars == NULL || strchr(chars, *s) == NULL) &&
	    !(was_space && strchr(INI_INLINE_COMMENT_PREFIXES, *s) != NULL)) {
		was_space = isspace((unsigned char)*s);
		s++;
	}
	return s;
}

static void
check_pending_comma(struct parser *p)
{
	if (p->pending_comma != 0)
		kerr_at(p, p->pending_comma, p->sec->keys[p->last_key].name,
		    "empty list item (the line ends with ',' and no indented "
		    "line continues it)");
}

/* Classify line as inih 55 will and act on headers; 0 or -1. */
static int
classify_line(struct parser *p, const char *line)
{
	const char *s = line, *end;

	if (p->lineno == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\0' || strchr(INI_START_COMMENT_PREFIXES, *s) != NULL)
		return 0;
	if (p->after_key && s > line) {
		p->continuation = true;
		p->want_call = true;
		return 0;
	}
	check_pending_comma(p);
	p->pending_comma = 0;
	if (p->failed)
		return -1;
	if (*s == '[') {
		end = ini_find(s + 1, "]");
		if (*end != ']') {
			perr(p, p->lineno,
			    "section header lacks its closing ']'");
			return -1;
		}
		for (const char *q = end + 1; *q != '\0'; q++) {
			if (strchr(INI_INLINE_COMMENT_PREFIXES, *q) != NULL)
				break;
			if (!isspace((unsigned char)*q)) {
				perr(p, p->lineno,
				    "unexpected text after the "
				    "section header (one \"key = value\" per "
				    "line)");
				return -1;
			}
		}
		if (section_end(p) < 0)
			return -1;
		p->after_key = false;
		return section_begin(p, s + 1, (size_t)(end - s - 1));
	}
	end = ini_find(s, "=:");
	if (*end != '=' && *end != ':') {
		perr(p, p->lineno,
		    "expected \"key = value\" or a [section] "
		    "header");
		return -1;
	}
	p->after_key = true;
	p->want_call = true;
	return 0;
}

/* Line numbers are only right while inih reads lines as we do. */
static void
check_agreement(struct parser *p)
{
	if (p->want_call != p->got_call)
		perr(p, p->lineno,
		    "inih read this line differently than "
		    "expected (internal error)");
}

/* ini_reader: one line per call, counted, checked and classified. */
static char *
reader(char *str, int num, void *stream)
{
	struct parser *p = stream;
	ssize_t n;
	size_t len;

	if (p->failed)
		return NULL;
	check_agreement(p);
	if (p->failed)
		return NULL;
	errno = 0;
	n = getline(&p->buf, &p->bufsize, p->fp);
	if (n < 0) {
		if (ferror(p->fp))
			perr(p, p->lineno + 1, "read error: %s",
			    strerror(errno));
		return NULL;
	}
	p->lineno++;
	p->continuation = false;
	p->want_call = false;
	p->got_call = false;
	len = (size_t)n;
	if (memchr(p->buf, '\0', len) != NULL) {
		perr(p, p->lineno, "line contains a NUL byte");
		return NULL;
	}
	while (len > 0 && (p->buf[len - 1] == '\n' || p->buf[len - 1] == '\r'))
		len--;
	p->buf[len] = '\0';
	/* inih would cut a longer line and read the rest as a new line. */
	if (num < 2 || len > (size_t)num - 1) {
		perr(p, p->lineno, "line longer than %d characters", num - 1);
		return NULL;
	}
	if (classify_line(p, p->buf) < 0)
		return NULL;
	memcpy(str, p->buf, len + 1);
	return str;
}

/* ini_handler: one key (or a continuation line of a list) per call. */
static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct parser *p = user;
	const struct key_def *keys;
	char *v, *item, *next;
	int k = -1;

	(void)section; /* ours is p->label: inih truncates long names */
	if (p->failed)
		return 0;
	if (!p->want_call || p->got_call) {
		perr(p, p->lineno,
		    "inih read this line differently than "
		    "expected (internal error)");
		return 0;
	}
	p->got_call = true;
	if (p->sec == NULL) {
		perr(p, p->lineno,
		    "%s: key outside any section (expected a "
		    "[section] header first)",
		    name);
		return 0;
	}
	keys = p->sec->keys;
	v = xstrdup(value);
	if (p->continuation) {
		k = p->last_key;
		p->key = &keys[k];
		if (!keys[k].list) {
			kerr(p, "indented line continues a single value (only "
				"lists may continue on indented lines)");
			goto out;
		}
		/* inih 55 leaves inline comments in continuation lines. */
		v[ini_find(v, NULL) - v] = '\0';
		str_trim(v);
		p->pending_comma = 0;
	} else {
		for (int i = 0; keys[i].name != NULL; i++)
			if (strcmp(keys[i].name, name) == 0)
				k = i;
		if (k < 0) {
			struct strbuf expected = STRBUF_INIT;

			for (int i = 0; keys[i].name != NULL; i++) {
				if (i > 0)
					strbuf_adds(&expected,
					    keys[i + 1].name == NULL ? " or " :
					    ", ");
				strbuf_adds(&expected, keys[i].name);
			}
			kerr_at(p, p->lineno, name, "unknown key (expected %s)",
			    strbuf_str(&expected));
			strbuf_finish(&expected);
			goto out;
		}
		p->key = &keys[k];
		if (p->key_lines[k] != 0) {
			kerr(p, "given twice (first on line %d)",
			    p->key_lines[k]);
			goto out;
		}
		p->key_lines[k] = p->lineno;
		p->last_key = k;
	}
	if (!keys[k].list) {
		keys[k].set(p, v);
		goto out;
	}
	/* A list: items separated by ','; a trailing ',' may be followed by
	 * an indented continuation line. */
	if (*v == '\0')
		goto out;
	for (item = v; item != NULL; item = next) {
		next = strchr(item, ',');
		if (next != NULL)
			*next++ = '\0';
		str_trim(item);
		if (*item == '\0') {
			if (next == NULL && item != v) {
				p->pending_comma = p->lineno;
				break;
			}
			kerr(p, "empty list item (expected a comma-separated "
				"list)");
			break;
		}
		if (keys[k].set(p, item) < 0)
			break;
	}
out:
	free(v);
	return !p->failed;
}

static void
parser_finish(struct parser *p)
{
	free(p->buf);
	free(p->label);
	free(p->dir);
	for (size_t i = 0; i < p->n_seen; i++)
		free(p->seen[i].label);
	free(p->seen);
}

/* The absolute directory of path, without a trailing '/' ("" for "/"). */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *cwd, *dir;

	if (*path == '/')
		return xstrndup(path, (size_t)(slash - path));
	if ((cwd = getcwd(NULL, 0)) == NULL)
		cwd = xstrdup(".");
	if (slash == NULL)
		dir = xstrdup(cwd);
	else
		dir = xprintf("%s/%.*s", strcmp(cwd, "/") == 0 ? "" : cwd,
		    (int)(slash - path), path);
	free(cwd);
	return dir;
}

static struct config *
load_file(const char *path, char *err, size_t errlen)
{
	struct parser p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.file = path;
	p.err = err;
	p.errlen = errlen;
	p.last_key = -1;
	if ((p.fp = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	p.dir = dir_of(path);
	if (strcmp(p.dir, "/") == 0)
		p.dir[0] = '\0';
	p.cfg = config_defaults();
	free(p.cfg->path);
	p.cfg->path = xstrdup(path);
	rc = ini_parse_stream(reader, &p, handler, &p);
	if (!p.failed && p.sec != NULL) {
		check_pending_comma(&p);
		if (!p.failed)
			section_end(&p);
	}
	if (!p.failed && rc != 0)
		perr(&p, rc > 0 ? rc : p.lineno, "%s",
		    rc > 0 ? "syntax error" : "cannot parse the file");
	fclose(p.fp);
	parser_finish(&p);
	if (p.failed) {
		config_free(p.cfg);
		return NULL;
	}
	return p.cfg;
}

/*
 * Public.
 */

struct config *
config_defaults(void)
{
	struct config *cfg = xcalloc(1, sizeof(*cfg));

	cfg->db_path = xstrdup(VRAUDIT_STATEDIR "/vraudit.db");
	cfg->oui_dir = xstrdup(VRAUDIT_OUI_DIR);
	cfg->policy_dir = xstrdup(POLICY_DEFAULT_DIR);
	cfg->snmp_interval_ms = INT64_C(6) * 3600 * 1000;
	cfg->snmp_timeout_ms = 1000;
	cfg->snmp_retries = 1;
	cfg->snmp_max_inflight = 1024;
	cfg->snmp_max_rows = 100000;
	return cfg;
}

struct config *
config_load(const char *path, char *err, size_t errlen)
{
	if (errlen > 0)
		err[0] = '\0';
	if (path == NULL) {
		if (access(CONFIG_DEFAULT_PATH, F_OK) == 0)
			return load_file(CONFIG_DEFAULT_PATH, err, errlen);
		return config_defaults();
	}
	return load_file(path, err, errlen);
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < cfg->n_targets; i++) {
		struct config_target *t = &cfg->targets[i];

		for (size_t j = 0; j < t->n_addresses; j++)
			free(t->addresses[j].text);
		free(t->addresses);
		free(t->name);
		secret_free(t->community);
		free(t->community_file);
		free(t->user);
		free(t->auth);
		secret_free(t->auth_key);
		free(t->auth_key_file);
		free(t->priv);
		secret_free(t->priv_key);
		free(t->priv_key_file);
		free(t->zone);
	}
	free(cfg->targets);
	for (size_t i = 0; i < cfg->n_captures; i++) {
		free(cfg->captures[i].name);
		free(cfg->captures[i].interface);
		free(cfg->captures[i].filter);
		free(cfg->captures[i].zone);
	}
	free(cfg->captures);
	for (size_t i = 0; i < cfg->n_zones; i++)
		zone_finish(&cfg->zones[i]);
	free(cfg->zones);
	for (size_t i = 0; i < cfg->n_policy_packs; i++)
		free(cfg->policy_packs[i]);
	free(cfg->policy_packs);
	free(cfg->path);
	free(cfg->db_path);
	free(cfg->oui_dir);
	free(cfg->vendors_path);
	free(cfg->policy_dir);
	free(cfg);
}
