/*
 * Configuration loading: vraudit.conf(5) read by common/ini.h and
 * validated key by key as it is read; the [target NAME] section is in
 * config_target.c. The reader stops at the first error, so that error is
 * the one reported.
 */
#include "vraudit-config.h"

#include "config/config.h"
#include "config/config_private.h"
#include "policy/policy.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "common/secret.h"
#include "common/util.h"

#define POLICY_DEFAULT_DIR VRAUDIT_DATADIR "/policies"

/*
 * Values.
 */

int
config_parse_int(struct parser *p, const char *v, long long min, long long max,
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
	return kerr(p, "\"%s\" is not a number from %lld to %lld", v, min, max);
}

static int
parse_duration(struct parser *p, const char *v, int64_t min, int64_t max,
    int64_t *out)
{
	char lo[32], hi[32];
	int64_t ms;

	duration_format(min, lo, sizeof(lo));
	duration_format(max, hi, sizeof(hi));
	if (duration_parse(v, &ms) < 0)
		return kerr(p,
		    "\"%s\" is not a duration (expected a number with unit "
		    "ms, s, m, h, d or w, such as 30s, 6h or 1h30m)",
		    v);
	if (ms < min || ms > max)
		return kerr(p, "\"%s\" is out of range (expected %s to %s)", v,
		    lo, hi);
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
	if (*v == '\0')
		return kerr(p, "empty (expected a path)");
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

int
config_zone_name_check(const char *name, char *err, size_t errlen)
{
	if (zone_name_valid(name))
		return 0;
	snprintf(err, errlen,
	    "\"%s\" is not a zone name (expected letters, digits, '.', '_' "
	    "or '-', at most %d characters)",
	    name, ZONE_NAME_MAX);
	return -1;
}

int
config_set_zone_name(struct parser *p, const char *v, char **field)
{
	char err[256];

	if (*v != '\0' && config_zone_name_check(v, err, sizeof(err)) < 0)
		return kerr(p, "%s", err);
	set_optional(v, field);
	return 0;
}

int
config_set_secret(struct parser *p, const char *v, size_t min,
    char **path_field, char **secret)
{
	char err[512];

	if (set_path(p, v, path_field) < 0)
		return -1;
	if (secret_read(*path_field, min, secret, err, sizeof(err)) < 0)
		return kerr(p, "%s", err);
	return 0;
}

int
config_missing(struct parser *p, const char *key, const char *expected)
{
	return kerr_at(p, p->sec_line, key, "required key missing (%s)",
	    expected);
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
	p->cfg->lines.oui_dir = p->line;
	return set_path(p, v, &p->cfg->oui_dir);
}

/* A path that may be given empty: then there is none. */
static int
set_path_or_none(struct parser *p, const char *v, char **field)
{
	if (*v == '\0') {
		free(*field);
		*field = NULL;
		return 0;
	}
	return set_path(p, v, field);
}

static int
registry_vendors(struct parser *p, const char *v)
{
	p->cfg->lines.vendors = p->line;
	return set_path_or_none(p, v, &p->cfg->vendors_path);
}

static int
registry_enterprises(struct parser *p, const char *v)
{
	p->cfg->lines.enterprises = p->line;
	return set_path_or_none(p, v, &p->cfg->enterprises_path);
}

static int
registry_enterprises_local(struct parser *p, const char *v)
{
	p->cfg->lines.enterprises_local = p->line;
	return set_path_or_none(p, v, &p->cfg->enterprises_local);
}

static int
snmp_interval(struct parser *p, const char *v)
{
	return parse_duration(p, v, 1000, INT64_C(365) * 86400000,
	    &p->cfg->snmp_interval_ms);
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

	if (config_parse_int(p, v, 0, 10, &n) < 0)
		return -1;
	p->cfg->snmp_retries = (int)n;
	return 0;
}

static int
snmp_max_inflight(struct parser *p, const char *v)
{
	long long n;

	if (config_parse_int(p, v, 1, 65536, &n) < 0)
		return -1;
	p->cfg->snmp_max_inflight = (int)n;
	return 0;
}

static int
snmp_max_rows(struct parser *p, const char *v)
{
	long long n;

	if (config_parse_int(p, v, 1, 1000000000, &n) < 0)
		return -1;
	p->cfg->snmp_max_rows = n;
	return 0;
}

static int
policy_pack(struct parser *p, const char *v)
{
	struct config *cfg = p->cfg;

	cfg->lines.packs = ini_given(&p->ini, p->key); /* the key's line */
	if (!pack_name_valid(v))
		return kerr(p,
		    "\"%s\" is not a policy pack name (expected lower-case "
		    "letters, digits and '-', such as uk-dvd-2022)",
		    v);
	for (size_t i = 0; i < cfg->n_policy_packs; i++)
		if (strcmp(cfg->policy_packs[i], v) == 0)
			return kerr(p, "\"%s\" is listed twice", v);
	cfg->policy_packs = xreallocarray(cfg->policy_packs,
	    cfg->n_policy_packs + 1, sizeof(*cfg->policy_packs));
	cfg->policy_packs[cfg->n_policy_packs++] = xstrdup(v);
	return 0;
}

static int
policy_dir(struct parser *p, const char *v)
{
	p->cfg->lines.policy_dir = p->line;
	return set_path(p, v, &p->cfg->policy_dir);
}

/* A day at least: retirement is about equipment removed, not an agent
 * missing one sweep. */
static int
policy_retire_after(struct parser *p, const char *v)
{
	if (strcmp(v, "never") == 0) {
		p->cfg->retire_after_ms = CONFIG_RETIRE_NEVER;
		return 0;
	}
	return parse_duration(p, v, INT64_C(86400000), INT64_C(3650) * 86400000,
	    &p->cfg->retire_after_ms);
}

static int
policy_waivers(struct parser *p, const char *v)
{
	return set_path_or_none(p, v, &p->cfg->waivers_path);
}

/* An hour at least: a zone is judged on sweeps, which take minutes. */
static int
policy_max_age(struct parser *p, const char *v)
{
	return parse_duration(p, v, INT64_C(3600000), INT64_C(3650) * 86400000,
	    &p->cfg->max_age_ms);
}

static int
policy_baseline(struct parser *p, const char *v)
{
	if (!policy_date_valid(v))
		return kerr(p, "\"%s\" is not a date YYYY-MM-DD", v);
	str_copy(p->cfg->baseline, v, sizeof(p->cfg->baseline));
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

static void
capture_begin(struct parser *p, const char *name, int line)
{
	struct config *cfg = p->cfg;
	struct config_capture *c;

	cfg->captures = xreallocarray(cfg->captures, cfg->n_captures + 1,
	    sizeof(*cfg->captures));
	c = &cfg->captures[cfg->n_captures++];
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(name);
	c->line = line;
	c->filter = xstrdup("");
}

static int
capture_interface(struct parser *p, const char *v)
{
	struct config_capture *c = cur_capture(p);

	/* IFNAMSIZ is 16 with the terminator. */
	if (*v == '\0' || strlen(v) > 15 || strchr(v, '/') != NULL ||
	    strpbrk(v, " \t") != NULL)
		return kerr(p,
		    "\"%s\" is not an interface name (expected 1 to 15 "
		    "characters without '/' or spaces, such as eth1)",
		    v);
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
		if (pd == NULL)
			return kerr(p,
			    "cannot check the filter (out of memory)");
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

/* A size in bytes with an optional k, M or G (powers of 1024, "KiB",
 * "MiB" and "GiB" too), between the bounds libpcap and the kernel take. */
static int
capture_buffer_size(struct parser *p, const char *v)
{
	static const struct {
		const char *suffix;
		unsigned shift;
	} units[] = { { "", 0 }, { "k", 10 }, { "K", 10 }, { "KiB", 10 },
		{ "M", 20 }, { "MiB", 20 }, { "G", 30 }, { "GiB", 30 } };
	unsigned long long n;
	char *end;
	size_t i;

	errno = 0;
	n = *v >= '0' && *v <= '9' ? strtoull(v, &end, 10) : 0;
	if (n == 0 || errno != 0)
		goto bad;
	for (i = 0; i < ARRAY_SIZE(units); i++)
		if (strcmp(end, units[i].suffix) == 0)
			break;
	if (i == ARRAY_SIZE(units) || n > (CONFIG_BUFFER_MAX >> units[i].shift))
		goto bad;
	n <<= units[i].shift;
	if (n < CONFIG_BUFFER_MIN)
		goto bad;
	cur_capture(p)->buffer_size = (size_t)n;
	return 0;
bad:
	return kerr(p,
	    "\"%s\" is not a ring size from 1M to 2047M (bytes, or a number "
	    "followed by k, M or G)",
	    v);
}

static int
capture_zone(struct parser *p, const char *v)
{
	return config_set_zone_name(p, v, &cur_capture(p)->zone);
}

static int
capture_end(struct parser *p)
{
	if (cur_capture(p)->interface == NULL)
		return config_missing(p, "interface",
		    "a network interface, such as eth1");
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

static void
zone_begin(struct parser *p, const char *name, int line)
{
	struct config *cfg = p->cfg;
	struct zone *z;

	cfg->zones =
	    xreallocarray(cfg->zones, cfg->n_zones + 1, sizeof(*cfg->zones));
	z = &cfg->zones[cfg->n_zones++];
	memset(z, 0, sizeof(*z));
	z->name = xstrdup(name);
	z->line = line;
}

static int
zone_subnet(struct parser *p, const char *v)
{
	struct zone *z = cur_zone(p);
	struct cidr c;
	const char *msg;

	if (cidr_parse(v, &c, &msg) < 0)
		return kerr(p, "\"%s\": %s", v, msg);
	for (size_t i = 0; i < z->n_subnets; i++)
		if (memcmp(&z->subnets[i], &c, sizeof(c)) == 0)
			return kerr(p, "\"%s\" is listed twice", v);
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

static const struct ini_key zone_keys[] = {
	{ "subnets", INI_LIST },
	{ "sysname", INI_LIST },
	{ NULL, 0 },
};

static setter *const zone_set[] = { zone_subnet, zone_sysname };

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
				return kerr_at(p,
				    ini_given(&p->ini, 0 /* subnets */),
				    "subnets",
				    "%s is already in [zone %s] (line %d)",
				    text, cfg->zones[j].name,
				    cfg->zones[j].line);
			}
	return 0;
}

static const struct ini_key database_keys[] = {
	{ "path", 0 },
	{ NULL, 0 },
};

static setter *const database_set[] = { db_path };

static const struct ini_key registry_keys[] = {
	{ "oui-dir", 0 },
	{ "vendors", 0 },
	{ "enterprises", 0 },
	{ "enterprises-local", 0 },
	{ NULL, 0 },
};

static setter *const registry_set[] = { registry_oui_dir, registry_vendors,
	registry_enterprises, registry_enterprises_local };

static const struct ini_key snmp_keys[] = {
	{ "interval", 0 },
	{ "timeout", 0 },
	{ "retries", 0 },
	{ "max-inflight", 0 },
	{ "max-rows", 0 },
	{ NULL, 0 },
};

static setter *const snmp_set[] = { snmp_interval, snmp_timeout, snmp_retries,
	snmp_max_inflight, snmp_max_rows };

static const struct ini_key capture_keys[] = {
	{ "interface", 0 },
	{ "filter", 0 },
	{ "zone", 0 },
	{ "buffer-size", INI_NONEMPTY },
	{ NULL, 0 },
};

static setter *const capture_set[] = { capture_interface, capture_filter,
	capture_zone, capture_buffer_size };

static const struct ini_key policy_keys[] = {
	{ "packs", INI_LIST },
	{ "dir", 0 },
	{ "retire-after", INI_NONEMPTY },
	{ "waivers", 0 },
	{ "max-age", INI_NONEMPTY },
	{ "baseline", INI_NONEMPTY },
	{ NULL, 0 },
};

static setter *const policy_set[] = { policy_pack, policy_dir,
	policy_retire_after, policy_waivers, policy_max_age, policy_baseline };

static const struct section_def sections[] = {
	{ "database", false, database_keys, database_set, NULL, NULL },
	{ "registry", false, registry_keys, registry_set, NULL, NULL },
	{ "snmp", false, snmp_keys, snmp_set, NULL, NULL },
	{ "target", true, config_target_keys, config_target_set,
	    config_target_begin, config_target_end },
	{ "capture", true, capture_keys, capture_set, capture_begin,
	    capture_end },
	{ "zone", true, zone_keys, zone_set, zone_begin, zone_end },
	{ "policy", false, policy_keys, policy_set, NULL, NULL },
	{ "central", false, config_central_keys, config_central_set, NULL,
	    config_central_end },
};

#define SECTIONS_EXPECTED                                                      \
	"database, registry, snmp, target NAME, "                              \
	"capture NAME, zone NAME, policy or central"

/*
 * Reading.
 */

/* Start the section of a header. */
static int
section_begin(struct parser *p, const struct ini_line *l)
{
	const struct section_def *def = NULL;
	const char *name = l->name;
	int line = l->line;

	for (size_t i = 0; i < ARRAY_SIZE(sections); i++)
		if (strcmp(l->type, sections[i].name) == 0)
			def = &sections[i];
	if (def == NULL)
		return kerr_at(p, line, NULL, "unknown section (expected %s)",
		    SECTIONS_EXPECTED);
	if (def->named && *name == '\0')
		return kerr_at(p, line, NULL, "needs a name: [%s NAME]",
		    def->name);
	if (!def->named && *name != '\0')
		return kerr_at(p, line, NULL, "takes no name: [%s]", def->name);
	if (def->named && !zone_name_valid(name))
		return kerr_at(p, line, NULL,
		    "\"%s\" is not a valid name (expected letters, digits, "
		    "'.', '_' or '-', at most %d characters)",
		    name, ZONE_NAME_MAX);
	p->sec = def;
	p->sec_line = line;
	ini_keys(&p->ini, def->keys);
	if (def->begin != NULL)
		def->begin(p, name, line);
	return 0;
}

/* A key's value, or each item of a list, to the key's setter. */
static int
set_value(struct parser *p, const struct ini_line *l)
{
	setter *set = p->sec->set[l->key];

	p->line = l->line;
	p->key = l->key;
	if (!(p->sec->keys[l->key].flags & INI_LIST))
		return set(p, l->value);
	for (size_t i = 0; i < l->n_items; i++)
		if (set(p, l->items[i]) < 0)
			return -1;
	return 0;
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
	struct ini_line l;
	size_t len;
	struct stat st;
	char *text;
	int rc;

	/* A directory opens, then fails to read: say why. */
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: %s", path, strerror(EISDIR));
		return NULL;
	}
	if ((text = file_read(path, &len, err, errlen)) == NULL)
		return NULL;
	memset(&p, 0, sizeof(p));
	p.dir = dir_of(path);
	if (strcmp(p.dir, "/") == 0)
		p.dir[0] = '\0';
	p.cfg = config_defaults();
	free(p.cfg->path);
	p.cfg->path = xstrdup(path);
	ini_init(&p.ini, path, text, len, NULL, err, errlen);
	while ((rc = ini_next(&p.ini, &l)) == 1) {
		if (l.kind == INI_SECTION)
			rc = section_begin(&p, &l);
		else if (l.kind == INI_END)
			rc = p.sec->end != NULL ? p.sec->end(&p) : 0;
		else
			rc = set_value(&p, &l);
		if (rc < 0)
			break;
	}
	ini_finish(&p.ini);
	free(text);
	free(p.dir);
	if (rc < 0) {
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
	cfg->enterprises_path = xstrdup(VRAUDIT_ENTERPRISES);
	cfg->policy_dir = xstrdup(POLICY_DEFAULT_DIR);
	cfg->snmp_interval_ms = INT64_C(6) * 3600 * 1000;
	cfg->snmp_timeout_ms = 1000;
	cfg->snmp_retries = 1;
	cfg->snmp_max_inflight = 1024;
	cfg->snmp_max_rows = 100000;
	cfg->retire_after_ms = CONFIG_RETIRE_DEFAULT_MS;
	cfg->max_age_ms = CONFIG_MAX_AGE_DEFAULT_MS;
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
	for (size_t i = 0; i < cfg->n_targets; i++)
		config_target_finish(&cfg->targets[i]);
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
	free(cfg->enterprises_path);
	free(cfg->enterprises_local);
	free(cfg->policy_dir);
	free(cfg->waivers_path);
	config_central_finish(cfg);
	free(cfg);
}
