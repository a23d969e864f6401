/*
 * Configuration: the INI file of vraudit.conf(5), read by common/ini.h and
 * validated in full before anything uses it. Errors read
 * "FILE:LINE: [section NAME] key: what is wrong"; the first error found
 * reading top to bottom is reported (a section's missing keys when the
 * section ends). Relative paths are relative to the file's directory and
 * stored absolute. Secrets are read from their files at load time and never
 * printed.
 */
#ifndef VRAUDIT_CONFIG_H
#define VRAUDIT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/net.h"
#include "policy/zone.h"

#define CONFIG_DEFAULT_PATH VRAUDIT_SYSCONFDIR "/vraudit.conf"
/* [policy] retire-after = never. */
#define CONFIG_RETIRE_NEVER (-1)
/* [policy] retire-after unless set: 30 days. */
#define CONFIG_RETIRE_DEFAULT_MS (INT64_C(30) * 86400000)
/* [policy] max-age unless set: 3 days. */
#define CONFIG_MAX_AGE_DEFAULT_MS (INT64_C(3) * 86400000)

/* One address entry of a target: a host, a CIDR block, optionally a port. */
struct config_address {
	struct cidr range; /* a single host is a /32 or /128 */
	uint16_t port;     /* 0 = the section's port */
	char *text;        /* as written, owned */
	int line;          /* where it is written */
};

/* A [target NAME] section: what may be probed and how. Owns every pointer. */
struct config_target {
	char *name;
	int line; /* line of the section header */
	struct config_address *addresses;
	size_t n_addresses;
	uint16_t port;   /* default 161 */
	int version;     /* 1, 2 (= 2c) or 3 */
	char *community; /* secret, v1/v2c */
	char *community_file;
	char *user;     /* v3 */
	char *auth;     /* v3: MD5, SHA, SHA-224 .. SHA-512, or NULL */
	char *auth_key; /* secret */
	char *auth_key_file;
	char *priv;     /* v3: DES, AES-128, AES-192, AES-256, or NULL */
	char *priv_key; /* secret */
	char *priv_key_file;
	char *zone; /* or NULL */
};

/* The bounds of a capture's buffer-size: 1 MiB to what libpcap's int takes. */
#define CONFIG_BUFFER_MIN (1ull << 20)
#define CONFIG_BUFFER_MAX (2047ull << 20)

/* A [capture NAME] section. Owns every pointer. */
struct config_capture {
	char *name;
	int line;
	char *interface;
	char *filter;       /* BPF text, "" = all frames */
	char *zone;         /* or NULL */
	size_t buffer_size; /* the MAC path's kernel ring, bytes; 0: default */
};

/* Where keys whose values name files were given: the line of the key,
 * 0 when the file does not give it (the value is the default). */
struct config_lines {
	int oui_dir, vendors, enterprises, enterprises_local;
	int packs, policy_dir;
};

/* The whole configuration. Owns every pointer. */
struct config {
	char *path;         /* file it came from, NULL = built-in defaults */
	char *db_path;      /* [database] path */
	char *oui_dir;      /* [registry] oui-dir */
	char *vendors_path; /* [registry] vendors */
	char *enterprises_path;   /* [registry] enterprises, NULL = none */
	char *enterprises_local;  /* [registry] enterprises-local */
	char *policy_dir;         /* [policy] dir */
	int64_t snmp_interval_ms; /* [snmp] interval, default 6h */
	int64_t snmp_timeout_ms;  /* [snmp] timeout, default 1s */
	int snmp_retries;         /* [snmp] retries, default 1 */
	int snmp_max_inflight;    /* [snmp] max-inflight, default 1024 */
	int64_t snmp_max_rows; /* [snmp] max-rows per target, default 100000 */
	struct config_target *targets;
	size_t n_targets;
	struct config_capture *captures;
	size_t n_captures;
	struct zone *zones; /* [zone] sections */
	size_t n_zones;
	char **policy_packs; /* [policy] packs */
	size_t n_policy_packs;
	struct config_lines lines;
	int64_t retire_after_ms; /* [policy] retire-after, default 30d;
				  * CONFIG_RETIRE_NEVER: never */
	char *waivers_path;      /* [policy] waivers, NULL = none */
	int64_t max_age_ms;      /* [policy] max-age, default 3d */
	char baseline[11];       /* [policy] baseline, YYYY-MM-DD or "" */
	char *central_url;       /* [central] url, NULL = no central database */
	char *central_site;      /* [central] site */
	char *central_password_file; /* [central] password-file, or NULL */
	char *central_password;      /* its secret, or NULL */
};

/* Longest site name ([central] site). */
#define CONFIG_SITE_MAX 63

/*
 * Load and validate a configuration. path NULL: CONFIG_DEFAULT_PATH when it
 * exists, otherwise built-in defaults. NULL on error with the message
 * ("FILE:LINE: what is wrong") in err.
 */
struct config *config_load(const char *path, char *err, size_t errlen);
/* The built-in defaults. */
struct config *config_defaults(void);
/* Release a configuration; NULL is fine. */
void config_free(struct config *cfg);
/* Check a site name as [central] site is checked (letters, digits, '.',
 * '_', '-', starting with a letter or digit, at most CONFIG_SITE_MAX):
 * 0, or -1 with the reason in err. */
int config_site_name_check(const char *name, char *err, size_t errlen);
/* Check a zone name as the zone keys of the file are checked (letters,
 * digits, '.', '_', '-', at most ZONE_NAME_MAX): 0, or -1 with
 * "\"NAME\" is not a zone name (expected ...)" in err. */
int config_zone_name_check(const char *name, char *err, size_t errlen);
/* Print the effective configuration as INI, secrets masked. */
void config_print(const struct config *cfg, FILE *out);

#endif
