/*
 * The [target NAME] sections of vraudit.conf(5): which addresses may be
 * probed over SNMP, and with which version and credentials. A key of
 * another SNMP version than the target's is an error.
 */
#include "config/config_private.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "common/secret.h"
#include "common/util.h"

#define MAX_BLOCK_BITS 24 /* largest block a target may sweep: 2^24 */

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

		if (close == NULL || (close[1] != '\0' && close[1] != ':'))
			return kerr(p, "\"%s\" is not [IPv6]:port", v);
		hlen = (size_t)(close - v - 1);
		v++;
		if (close[1] == ':')
			port = close + 2;
	} else if (colon != NULL && strchr(colon + 1, ':') == NULL) {
		hlen = (size_t)(colon - v); /* one colon: IPv4 with a port */
		port = colon + 1;
	} else
		hlen = strlen(v);
	if (hlen >= sizeof(host))
		return kerr(p,
		    "\"%.*s\" is not an IPv4 or IPv6 address or CIDR block",
		    (int)hlen, v);
	memcpy(host, v, hlen);
	host[hlen] = '\0';
	if (cidr_parse(host, &a.range, &msg) < 0)
		return kerr(p, "\"%s\": %s", host, msg);
	if (port != NULL) {
		char *end;
		unsigned long n;

		errno = 0;
		n = isdigit((unsigned char)*port) ? strtoul(port, &end, 10) : 0;
		if (n < 1 || n > 65535 || errno != 0 || *end != '\0')
			return kerr(p,
			    "\"%s\": port \"%s\" is not a number from 1 to "
			    "65535",
			    host, port);
		a.port = (uint16_t)n;
	}
	if ((a.range.family == AF_INET ? 32U : 128U) - a.range.prefix >
	    MAX_BLOCK_BITS)
		return kerr(p,
		    "\"%s\" is too large to sweep (at most 2^%d addresses: "
		    "/%d for IPv4, /%d for IPv6)",
		    host, MAX_BLOCK_BITS, 32 - MAX_BLOCK_BITS,
		    128 - MAX_BLOCK_BITS);
	for (size_t i = 0; i < t->n_addresses; i++)
		if (memcmp(&t->addresses[i].range, &a.range, sizeof(a.range)) ==
			0 &&
		    t->addresses[i].port == a.port)
			return kerr(p, "\"%s\" is listed twice",
			    t->addresses[i].text);
	a.text = xstrdup(text);
	a.line = p->line;
	t->addresses = xreallocarray(t->addresses, t->n_addresses + 1,
	    sizeof(*t->addresses));
	t->addresses[t->n_addresses++] = a;
	return 0;
}

static int
target_port(struct parser *p, const char *v)
{
	long long n;

	if (config_parse_int(p, v, 1, 65535, &n) < 0)
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
	else
		return kerr(p,
		    "\"%s\" is not an SNMP version (expected 1, 2c or 3)", v);
	return 0;
}

static int
target_community_file(struct parser *p, const char *v)
{
	struct config_target *t = cur_target(p);

	return config_set_secret(p, v, 1, &t->community_file, &t->community);
}

static int
target_user(struct parser *p, const char *v)
{
	struct config_target *t = cur_target(p);

	if (*v == '\0' || strlen(v) > 32)
		return kerr(p,
		    "expected an SNMPv3 user name of 1 to 32 characters");
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
	return kerr(p, "\"%s\" is not supported (expected %s)", v, expected);
}

static int
target_auth(struct parser *p, const char *v)
{
	static const char *const names[] = { "MD5", "SHA", "SHA-224", "SHA-256",
		"SHA-384", "SHA-512", NULL };

	return set_enum(p, v, names,
	    "MD5, SHA, SHA-224, SHA-256, SHA-384 or SHA-512",
	    &cur_target(p)->auth);
}

static int
target_auth_key_file(struct parser *p, const char *v)
{
	struct config_target *t = cur_target(p);

	return config_set_secret(p, v, SECRET_V3_KEY_MIN, &t->auth_key_file,
	    &t->auth_key);
}

static int
target_priv(struct parser *p, const char *v)
{
	static const char *const names[] = { "DES", "AES-128", "AES-192",
		"AES-256", NULL };

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

	return config_set_secret(p, v, SECRET_V3_KEY_MIN, &t->priv_key_file,
	    &t->priv_key);
}

static int
target_zone(struct parser *p, const char *v)
{
	return config_set_zone_name(p, v, &cur_target(p)->zone);
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

const struct ini_key config_target_keys[] = {
	[TK_ADDRESSES] = { "addresses", INI_LIST },
	[TK_PORT] = { "port", 0 },
	[TK_VERSION] = { "version", 0 },
	[TK_COMMUNITY_FILE] = { "community-file", 0 },
	[TK_USER] = { "user", 0 },
	[TK_AUTH] = { "auth", 0 },
	[TK_AUTH_KEY_FILE] = { "auth-key-file", 0 },
	[TK_PRIV] = { "priv", 0 },
	[TK_PRIV_KEY_FILE] = { "priv-key-file", 0 },
	[TK_ZONE] = { "zone", 0 },
	{ NULL, 0 },
};

setter *const config_target_set[] = {
	[TK_ADDRESSES] = target_address,
	[TK_PORT] = target_port,
	[TK_VERSION] = target_version,
	[TK_COMMUNITY_FILE] = target_community_file,
	[TK_USER] = target_user,
	[TK_AUTH] = target_auth,
	[TK_AUTH_KEY_FILE] = target_auth_key_file,
	[TK_PRIV] = target_priv,
	[TK_PRIV_KEY_FILE] = target_priv_key_file,
	[TK_ZONE] = target_zone,
};

static int
not_for_version(struct parser *p, int k, const char *versions)
{
	if (ini_given(&p->ini, k) == 0)
		return 0;
	return kerr_at(p, ini_given(&p->ini, k), config_target_keys[k].name,
	    "only applies to SNMP version %s (this target uses %s)", versions,
	    cur_target(p)->version == 3       ? "3"
		: cur_target(p)->version == 1 ? "1"
					      : "2c");
}

int
config_target_end(struct parser *p)
{
	struct config_target *t = cur_target(p);

	if (!ini_given(&p->ini, TK_ADDRESSES))
		return config_missing(p, "addresses",
		    "a list of addresses, CIDR blocks, host:port or [v6]:port");
	if (t->n_addresses == 0)
		return kerr_at(p, ini_given(&p->ini, TK_ADDRESSES), "addresses",
		    "empty (expected a list of addresses or CIDR blocks)");
	if (t->version != 3) {
		if (not_for_version(p, TK_USER, "3") < 0 ||
		    not_for_version(p, TK_AUTH, "3") < 0 ||
		    not_for_version(p, TK_AUTH_KEY_FILE, "3") < 0 ||
		    not_for_version(p, TK_PRIV, "3") < 0 ||
		    not_for_version(p, TK_PRIV_KEY_FILE, "3") < 0)
			return -1;
		if (t->community_file == NULL)
			return config_missing(p, "community-file",
			    "a file holding the community, for version 1 or "
			    "2c");
		return 0;
	}
	if (not_for_version(p, TK_COMMUNITY_FILE, "1 or 2c") < 0)
		return -1;
	if (t->user == NULL)
		return config_missing(p, "user", "the SNMPv3 user name");
	if (t->auth == NULL && t->auth_key_file != NULL)
		return kerr_at(p, ini_given(&p->ini, TK_AUTH_KEY_FILE),
		    "auth-key-file",
		    "given without auth (set auth = SHA-256 or another)");
	if (t->auth != NULL && t->auth_key_file == NULL)
		return config_missing(p, "auth-key-file",
		    "a file holding the authentication passphrase");
	if (t->priv != NULL && t->auth == NULL)
		return kerr_at(p, ini_given(&p->ini, TK_PRIV), "priv",
		    "requires auth (SNMPv3 has no privacy without "
		    "authentication)");
	if (t->priv == NULL && t->priv_key_file != NULL)
		return kerr_at(p, ini_given(&p->ini, TK_PRIV_KEY_FILE),
		    "priv-key-file",
		    "given without priv (set priv = AES-128 or another)");
	if (t->priv != NULL && t->priv_key_file == NULL)
		return config_missing(p, "priv-key-file",
		    "a file holding the privacy passphrase");
	return 0;
}

void
config_target_begin(struct parser *p, const char *name, int line)
{
	struct config *cfg = p->cfg;
	struct config_target *t;

	cfg->targets = xreallocarray(cfg->targets, cfg->n_targets + 1,
	    sizeof(*cfg->targets));
	t = &cfg->targets[cfg->n_targets++];
	memset(t, 0, sizeof(*t));
	t->name = xstrdup(name);
	t->line = line;
	t->port = 161;
	t->version = 2;
}

void
config_target_finish(struct config_target *t)
{
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
