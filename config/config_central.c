/*
 * [central]: the central PostgreSQL database this site pushes its audit
 * chain to (vraudit push), as which site, with which password.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/secret.h"
#include "common/util.h"
#include "config/config.h"
#include "config/config_private.h"

enum { CK_URL, CK_SITE, CK_PASSWORD_FILE };

int
config_site_name_check(const char *name, char *err, size_t errlen)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) &&
		    (i == 0 || strchr("._-", name[i]) == NULL))
			n = 0;
	if (n >= 1 && n <= CONFIG_SITE_MAX)
		return 0;
	snprintf(err, errlen,
	    "\"%s\" is not a site name (expected letters, digits, '.', '_' or "
	    "'-', starting with a letter or digit, at most %d characters)",
	    name, CONFIG_SITE_MAX);
	return -1;
}

/* A libpq URI without a password in it: the password comes only from
 * password-file, so that the configuration can be shown and copied. */
static int
central_url(struct parser *p, const char *v)
{
	const char *rest, *at, *slash, *query;

	if (strncmp(v, "postgresql://", 13) == 0)
		rest = v + 13;
	else if (strncmp(v, "postgres://", 11) == 0)
		rest = v + 11;
	else
		return kerr(p,
		    "expected a libpq URI, postgresql://[USER@][HOST][:PORT]/"
		    "DATABASE[?PARAMETERS]");
	slash = strchr(rest, '/');
	query = strchr(rest, '?');
	at = strchr(rest, '@');
	if (at != NULL && (slash == NULL || at < slash) &&
	    (query == NULL || at < query) &&
	    memchr(rest, ':', (size_t)(at - rest)) != NULL)
		return kerr(p,
		    "the URI holds a password: put it in password-file "
		    "instead");
	for (const char *q = query; q != NULL; q = strchr(q + 1, '&'))
		if (strncmp(q + 1, "password=", 9) == 0)
			return kerr(p,
			    "the URI holds a password parameter: put the "
			    "password in password-file instead");
	free(p->cfg->central_url);
	p->cfg->central_url = xstrdup(v);
	return 0;
}

static int
central_site(struct parser *p, const char *v)
{
	char err[256];

	if (config_site_name_check(v, err, sizeof(err)) < 0)
		return kerr(p, "%s", err);
	free(p->cfg->central_site);
	p->cfg->central_site = xstrdup(v);
	return 0;
}

static int
central_password_file(struct parser *p, const char *v)
{
	return config_set_secret(p, v, 1, &p->cfg->central_password_file,
	    &p->cfg->central_password);
}

const struct ini_key config_central_keys[] = {
	[CK_URL] = { "url", INI_NONEMPTY },
	[CK_SITE] = { "site", INI_NONEMPTY },
	[CK_PASSWORD_FILE] = { "password-file", INI_NONEMPTY },
	{ NULL, 0 },
};

setter *const config_central_set[] = {
	[CK_URL] = central_url,
	[CK_SITE] = central_site,
	[CK_PASSWORD_FILE] = central_password_file,
};

int
config_central_end(struct parser *p)
{
	if (!ini_given(&p->ini, CK_URL))
		return config_missing(p, "url",
		    "a libpq URI, postgresql://USER@HOST/DATABASE");
	if (!ini_given(&p->ini, CK_SITE))
		return config_missing(p, "site", "this site's name");
	return 0;
}

void
config_central_finish(struct config *cfg)
{
	free(cfg->central_url);
	free(cfg->central_site);
	free(cfg->central_password_file);
	secret_free(cfg->central_password);
}
