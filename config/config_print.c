/*
 * The effective configuration as INI that config_load reads back: every
 * key with its value, defaults included, paths absolute, secrets replaced
 * by a comment naming their file and length.
 */
#include "config/config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/util.h"

#define WRAP_COLUMN 76

/* Print "key = a, b, c", wrapping long lists onto indented continuation
 * lines to keep them readable. A continuation line never starts with a
 * comment character, which would make it a comment. */
static void
print_list(FILE *out, const char *key, const char *const *items, size_t n)
{
	size_t col = (size_t)fprintf(out, "%s =", key);

	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(items[i]);

		if (i > 0 && col + len + 2 > WRAP_COLUMN &&
		    items[i][0] != ';' && items[i][0] != '#') {
			fprintf(out, ",\n\t%s", items[i]);
			col = 8 + len;
		} else {
			fprintf(out, "%s %s", i > 0 ? "," : "", items[i]);
			col += len + (i > 0 ? 2 : 1);
		}
	}
	fputc('\n', out);
}

/* "key = value", or "key =" for an unset or empty value. */
static void
print_kv(FILE *out, const char *key, const char *value)
{
	if (value != NULL && *value != '\0')
		fprintf(out, "%s = %s\n", key, value);
	else
		fprintf(out, "%s =\n", key);
}

static void
print_secret(FILE *out, const char *key, const char *file, const char *secret,
    const char *what)
{
	if (file == NULL)
		return;
	fprintf(out, "%s = %s\n", key, file);
	fprintf(out, "; %s: <secret from %s, %zu bytes>\n", what, file,
	    secret != NULL ? strlen(secret) : 0);
}

/* "10.0.0.1", "10.0.0.0/24", "10.0.1.1:1161", "[2001:db8::1]:1161". */
static char *
address_text(const struct config_address *a)
{
	char ip[IP_STRLEN + 8];

	if ((a->range.family == AF_INET && a->range.prefix == 32) ||
	    (a->range.family == AF_INET6 && a->range.prefix == 128)) {
		cidr_format(&a->range, ip, sizeof(ip));
		*strrchr(ip, '/') = '\0';
	} else
		cidr_format(&a->range, ip, sizeof(ip));
	if (a->port == 0)
		return xstrdup(ip);
	if (a->range.family == AF_INET6)
		return xprintf("[%s]:%u", ip, (unsigned)a->port);
	return xprintf("%s:%u", ip, (unsigned)a->port);
}

static void
print_target(FILE *out, const struct config_target *t)
{
	char **items = xcalloc(t->n_addresses + 1, sizeof(*items));

	fprintf(out, "\n[target %s]\n", t->name);
	for (size_t i = 0; i < t->n_addresses; i++)
		items[i] = address_text(&t->addresses[i]);
	print_list(out, "addresses", (const char *const *)items,
	    t->n_addresses);
	for (size_t i = 0; i < t->n_addresses; i++)
		free(items[i]);
	free(items);
	fprintf(out, "port = %u\n", (unsigned)t->port);
	fprintf(out, "version = %s\n",
	    t->version == 1       ? "1"
		: t->version == 3 ? "3"
				  : "2c");
	if (t->version != 3)
		print_secret(out, "community-file", t->community_file,
		    t->community, "community");
	else {
		fprintf(out, "user = %s\n", t->user);
		print_kv(out, "auth", t->auth);
		print_secret(out, "auth-key-file", t->auth_key_file,
		    t->auth_key, "auth key");
		print_kv(out, "priv", t->priv);
		print_secret(out, "priv-key-file", t->priv_key_file,
		    t->priv_key, "priv key");
	}
	print_kv(out, "zone", t->zone);
}

static void
print_zone(FILE *out, const struct zone *z)
{
	char **items = xcalloc(z->n_subnets + 1, sizeof(*items));

	fprintf(out, "\n[zone %s]\n", z->name);
	for (size_t i = 0; i < z->n_subnets; i++) {
		items[i] = xmalloc(IP_STRLEN + 8);
		cidr_format(&z->subnets[i], items[i], IP_STRLEN + 8);
	}
	print_list(out, "subnets", (const char *const *)items, z->n_subnets);
	for (size_t i = 0; i < z->n_subnets; i++)
		free(items[i]);
	free(items);
	print_list(out, "sysname", (const char *const *)z->sysname_patterns,
	    z->n_sysname_patterns);
}

void
config_print(const struct config *cfg, FILE *out)
{
	char d[32];

	if (cfg->path != NULL)
		fprintf(out, "; vraudit effective configuration, from %s\n",
		    cfg->path);
	else
		fprintf(out,
		    "; vraudit effective configuration, built-in "
		    "defaults (no configuration file)\n");
	fprintf(out, "\n[database]\npath = %s\n", cfg->db_path);
	fprintf(out, "\n[registry]\noui-dir = %s\n", cfg->oui_dir);
	print_kv(out, "vendors", cfg->vendors_path);
	print_kv(out, "enterprises", cfg->enterprises_path);
	print_kv(out, "enterprises-local", cfg->enterprises_local);
	fprintf(out, "\n[snmp]\n");
	duration_format(cfg->snmp_interval_ms, d, sizeof(d));
	fprintf(out, "interval = %s\n", d);
	duration_format(cfg->snmp_timeout_ms, d, sizeof(d));
	fprintf(out, "timeout = %s\n", d);
	fprintf(out, "retries = %d\n", cfg->snmp_retries);
	fprintf(out, "max-inflight = %d\n", cfg->snmp_max_inflight);
	fprintf(out, "max-rows = %lld\n", (long long)cfg->snmp_max_rows);
	fprintf(out, "\n[policy]\n");
	print_list(out, "packs", (const char *const *)cfg->policy_packs,
	    cfg->n_policy_packs);
	fprintf(out, "dir = %s\n", cfg->policy_dir);
	if (cfg->retire_after_ms == CONFIG_RETIRE_NEVER)
		str_copy(d, "never", sizeof(d));
	else
		duration_format(cfg->retire_after_ms, d, sizeof(d));
	fprintf(out, "retire-after = %s\n", d);
	print_kv(out, "waivers", cfg->waivers_path);
	duration_format(cfg->max_age_ms, d, sizeof(d));
	fprintf(out, "max-age = %s\n", d);
	if (cfg->baseline[0] != '\0')
		fprintf(out, "baseline = %s\n", cfg->baseline);
	if (cfg->central_url != NULL) {
		fprintf(out, "\n[central]\nurl = %s\nsite = %s\n",
		    cfg->central_url, cfg->central_site);
		print_secret(out, "password-file", cfg->central_password_file,
		    cfg->central_password, "password");
	}
	for (size_t i = 0; i < cfg->n_zones; i++)
		print_zone(out, &cfg->zones[i]);
	for (size_t i = 0; i < cfg->n_targets; i++)
		print_target(out, &cfg->targets[i]);
	for (size_t i = 0; i < cfg->n_captures; i++) {
		const struct config_capture *c = &cfg->captures[i];

		fprintf(out, "\n[capture %s]\ninterface = %s\n", c->name,
		    c->interface);
		print_kv(out, "filter", c->filter);
		print_kv(out, "zone", c->zone);
		if (c->buffer_size % (1u << 20) == 0 && c->buffer_size > 0)
			fprintf(out, "buffer-size = %zuM\n",
			    c->buffer_size >> 20);
		else if (c->buffer_size > 0)
			fprintf(out, "buffer-size = %zu\n", c->buffer_size);
	}
}
