/*
 * Configuration loading (placeholder: built-in defaults only).
 */
#include "config.h"

#include <stdlib.h>

#include "util.h"
#include "vraudit-config.h"

struct config *
config_defaults(void)
{
	struct config *cfg = xcalloc(1, sizeof(*cfg));

	cfg->db_path = xstrdup(VRAUDIT_STATEDIR "/vraudit.db");
	cfg->oui_dir = xstrdup(VRAUDIT_OUI_DIR);
	cfg->snmp_interval_ms = 6 * 3600 * 1000;
	cfg->snmp_timeout_ms = 1000;
	cfg->snmp_retries = 1;
	cfg->snmp_max_inflight = 1024;
	cfg->snmp_max_rows = 100000;
	return cfg;
}

struct config *
config_load(const char *path, char *err, size_t errlen)
{
	(void)path;
	(void)err;
	(void)errlen;
	return config_defaults();
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->db_path);
	free(cfg->oui_dir);
	free(cfg);
}

void
config_print(const struct config *cfg, FILE *out)
{
	fprintf(out, "[database]\npath = %s\n", cfg->db_path);
}

const char *
config_zone_for_ip(const struct config *cfg, const char *ip)
{
	(void)cfg;
	(void)ip;
	return NULL;
}
