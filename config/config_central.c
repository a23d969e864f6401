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

/* Whether a URI parameter's name, len bytes as written, is want: libpq
 * decodes %XX in it first; any case is refused too. */
static bool
param_is(const char *s, size_t len, const char *want)
{
	size_t i = 0, j = 0, n = strlen(want);
	char c;

	while (i < len) {
		c = s[i++];
		if (c == '%' && i + 1 < len && hex_value(s[i]) >= 0 &&
		    hex_value(s[i + 1]) >= 0) {
			c = (char)(hex_value(s[i]) * 16 + hex_value(s[i + 1]));
			i += 2;
		}
		if (j == n || tolower((unsigned char)c) != want[j++])
			return false;
	}
	return j == n;
}

/* A libpq URI without a password in it: the password comes only from
 * password-file, so that the configuration can be shown and copied. It is
 * read as libpq reads it, and never repeated in a message. */
static int
central_url(struct parser *p, const char *v)
{
	const char *rest, *q;
	size_t n;

	if (strncmp(v, "postgresql://", 13) == 0)
		rest = v + 13;
	else if (strncmp(v, "postgres://", 11) == 0)
		rest = v + 11;
	else
		return kerr(p,
		    "expected a libpq URI, postgresql://[USER@][HOST][:PORT]/"
		    "DATABASE[?PARAMETERS]");
	/* USER[:PASSWORD] is what precedes the first '@', unless a '/'
	 * comes first; a '?' does not end it, and may be in the password. */
	n = strcspn(rest, "@/");
	if (rest[n] == '@' && memchr(rest, ':', n) != NULL)
		return kerr(p,
		    "the URI holds a password: put it in password-file "
		    "instead");
	q = strchr(rest[n] == '@' ? rest + n + 1 : rest, '?');
	for (; q != NULL; q = strchr(q + 1, '&')) {
		size_t len = strcspn(q + 1, "=&");

		if (param_is(q + 1, len, "password"))
			return kerr(p,
			    "the URI holds a password parameter: put the "
			    "password in password-file instead");
		if (param_is(q + 1, len, "sslpassword"))
			return kerr(p,
			    "the URI holds the client key's passphrase "
			    "(sslpassword): a secret has no place in the "
			    "configuration; use a key without a passphrase, "
			    "readable by its user only (sslkey=)");
	}
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
