/*
 * Unit tests of config/: every class of error with its FILE:LINE, secrets
 * and their permissions, relative paths, the line length limit, defaults,
 * the round trip through config_print, and zone lookup.
 *
 * Each test gets a fresh temporary directory holding the configuration
 * file under test and a few secret files.
 */
#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vraudit-config.h"

#include "config/config.h"
#include "common/util.h"

static char tmpdir[64];

static void
write_file(const char *name, const char *text, mode_t mode)
{
	char *path = xprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");

	ck_assert_msg(f != NULL, "cannot create %s", path);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
	free(path);
}

static void
make_dir(const char *name)
{
	char *path = xprintf("%s/%s", tmpdir, name);

	ck_assert_int_eq(mkdir(path, 0700), 0);
	free(path);
}

static void
setup(void)
{
	char *secrets;

	str_copy(tmpdir, "/tmp/check_config.XXXXXX", sizeof(tmpdir));
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	secrets = xprintf("%s/secrets", tmpdir);
	ck_assert_int_eq(mkdir(secrets, 0700), 0);
	free(secrets);
	write_file("secrets/c", "public\n", 0600);
	write_file("secrets/a", "authpass1  \r\n", 0640);
	write_file("secrets/p", "privpass1\nsecond line ignored\n", 0600);
	write_file("secrets/short", "short\n", 0600);
	write_file("secrets/world", "public\n", 0644);
	write_file("secrets/empty", "", 0600);
	write_file("secrets/blank", "   \n", 0600);
	secrets = xprintf("%s/secrets/fifo", tmpdir);
	ck_assert_int_eq(mkfifo(secrets, 0600), 0);
	free(secrets);
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
teardown(void)
{
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Load text as tmpdir/t.conf; the error (or "") into err. */
static struct config *
load_text(const char *text, char *err, size_t errlen)
{
	char *path = xprintf("%s/t.conf", tmpdir);
	struct config *cfg;

	write_file("t.conf", text, 0644);
	cfg = config_load(path, err, errlen);
	free(path);
	return cfg;
}

/* expected with every '@' replaced by tmpdir. */
static char *
expand(const char *expected)
{
	size_t n = strlen(expected) + 1;
	char *out, *o;

	for (const char *s = expected; *s != '\0'; s++)
		if (*s == '@')
			n += strlen(tmpdir);
	o = out = xmalloc(n);
	for (const char *s = expected; *s != '\0'; s++) {
		if (s[0] == '@' && s[1] == '@') /* "@@": an '@' */
			*o++ = *s++;
		else if (*s == '@') {
			memcpy(o, tmpdir, strlen(tmpdir));
			o += strlen(tmpdir);
		} else
			*o++ = *s;
	}
	*o = '\0';
	return out;
}

/*
 * Errors: the configuration text and the message after "@/t.conf:".
 */
static const struct {
	const char *text;
	const char *err;
} errors[] = {
	/* Syntax and structure. */
	{ "[database]\npath = x\n[foo]\n",
	    "3: [foo] unknown section (expected database, registry, snmp, "
	    "target NAME, capture NAME, zone NAME, policy or central)" },
	{ "[zone a]\nsubnets = 10.0.0.0/8\n\n[zone a]\n",
	    "4: [zone a] duplicate section (first on line 1)" },
	{ "[snmp]\nretries = 1\n[database]\n[snmp]\n",
	    "4: [snmp] duplicate section (first on line 1)" },
	{ "[target]\n", "1: [target] needs a name: [target NAME]" },
	{ "; comment\n[database main]\n",
	    "2: [database main] takes no name: [database]" },
	{ "[zone core/1]\n",
	    "1: [zone core/1] \"core/1\" is not a valid name (expected letters, "
	    "digits, '.', '_' or '-', at most 48 characters)" },
	{ "[database\npath = x\n", "1: section header lacks its closing ']'" },
	{ "[database] path = x\n",
	    "1: unexpected text after the section header (one \"key = value\" "
	    "per line)" },
	{ "[snmp]\nretries\n",
	    "2: expected \"key = value\" or a [section] header" },
	{ "path = /x\n[database]\n",
	    "1: path: key outside any section (expected a [section] header "
	    "first)" },
	{ "[snmp]\nintervall = 6h\n",
	    "2: [snmp] intervall: unknown key (expected interval, timeout, "
	    "retries, max-inflight or max-rows)" },
	{ "[snmp]\nretries = 1\n; again\nretries = 2\n",
	    "4: [snmp] retries: given twice (first on line 2)" },
	{ "[snmp]\nretries = 1\n  2\n",
	    "3: [snmp] retries: indented line continues a single value (only "
	    "lists may continue on indented lines)" },
	/* Numbers, durations, enums. */
	{ "[snmp]\nretries = 11\n",
	    "2: [snmp] retries: \"11\" is not a number from 0 to 10" },
	{ "[snmp]\nretries = -1\n",
	    "2: [snmp] retries: \"-1\" is not a number from 0 to 10" },
	{ "[snmp]\nmax-inflight = 0\n",
	    "2: [snmp] max-inflight: \"0\" is not a number from 1 to 65536" },
	{ "[snmp]\nmax-inflight = 65537\n",
	    "2: [snmp] max-inflight: \"65537\" is not a number from 1 to 65536" },
	{ "[snmp]\nmax-rows = 10k\n",
	    "2: [snmp] max-rows: \"10k\" is not a number from 1 to 1000000000" },
	{ "[snmp]\n\ninterval = 6 hours\n",
	    "3: [snmp] interval: \"6 hours\" is not a duration (expected a "
	    "number with unit ms, s, m, h, d or w, such as 30s, 6h or 1h30m)" },
	{ "[snmp]\ntimeout = 5m\n",
	    "2: [snmp] timeout: \"5m\" is out of range (expected 10ms to 1m)" },
	{ "[snmp]\ninterval = 500ms\n",
	    "2: [snmp] interval: \"500ms\" is out of range (expected 1s to "
	    "365d)" },
	{ "[target t]\naddresses = 10.0.0.1\nversion = 4\n",
	    "3: [target t] version: \"4\" is not an SNMP version (expected 1, "
	    "2c or 3)" },
	{ "[target t]\naddresses = 10.0.0.1\nversion = 3\nuser = u\n"
	  "auth = SHA-1\n",
	    "5: [target t] auth: \"SHA-1\" is not supported (expected MD5, SHA, "
	    "SHA-224, SHA-256, SHA-384 or SHA-512)" },
	{ "[target t]\naddresses = 10.0.0.1\nversion = 3\nuser = u\n"
	  "auth = SHA\nauth-key-file = secrets/a\npriv = 3DES\n",
	    "7: [target t] priv: \"3DES\" is not supported (expected DES, "
	    "AES-128, AES-192 or AES-256)" },
	{ "[target t]\naddresses = 10.0.0.1\nport = 0\n",
	    "3: [target t] port: \"0\" is not a number from 1 to 65535" },
	/* Addresses and CIDR blocks. */
	{ "[zone core]\nsubnets = 10.0.0.1/16\n",
	    "2: [zone core] subnets: \"10.0.0.1/16\": host bits are set (write "
	    "the network address)" },
	{ "[zone core]\nsubnets = 10.0.0.0/16, 10.1.0.0/33\n",
	    "2: [zone core] subnets: \"10.1.0.0/33\": prefix length must be 0 "
	    "to 32" },
	{ "[zone core]\nsubnets = 10.0.0.0/16, 10.0.0.0/16\n",
	    "2: [zone core] subnets: \"10.0.0.0/16\" is listed twice" },
	{ "[zone a]\nsubnets = 10.0.0.0/16\n[zone b]\nsysname = x*\n"
	  "subnets = 10.1.0.0/16, 10.0.0.0/16\n",
	    "5: [zone b] subnets: 10.0.0.0/16 is already in [zone a] (line 1)" },
	{ "[target t]\naddresses = 10.0.0.0/24, router1\n",
	    "2: [target t] addresses: \"router1\": not an IPv4 or IPv6 address "
	    "or CIDR block" },
	{ "[target t]\naddresses = 10.0.0.1:0\n",
	    "2: [target t] addresses: \"10.0.0.1\": port \"0\" is not a number "
	    "from 1 to 65535" },
	{ "[target t]\naddresses = [2001:db8::1]:x\n",
	    "2: [target t] addresses: \"2001:db8::1\": port \"x\" is not a "
	    "number from 1 to 65535" },
	{ "[target t]\naddresses = [2001:db8::1\n",
	    "2: [target t] addresses: \"[2001:db8::1\" is not [IPv6]:port" },
	{ "[target t]\naddresses = 10.0.0.0/7\n",
	    "2: [target t] addresses: \"10.0.0.0/7\" is too large to sweep (at "
	    "most 2^24 addresses: /8 for IPv4, /104 for IPv6)" },
	{ "[target t]\naddresses = 10.0.0.1, 10.0.0.2,\n  10.0.0.1\n",
	    "3: [target t] addresses: \"10.0.0.1\" is listed twice" },
	/* Lists. */
	{ "[policy]\npacks = uk-dvd-2022,,us-fcc-covered\n",
	    "2: [policy] packs: empty list item (expected a comma-separated "
	    "list)" },
	{ "[policy]\npacks = , uk-dvd-2022\n",
	    "2: [policy] packs: empty list item (expected a comma-separated "
	    "list)" },
	{ "[policy]\npacks = uk-dvd-2022,\ndir = x\n",
	    "2: [policy] packs: empty list item (the line ends with ',' and no "
	    "indented line continues it)" },
	{ "[policy]\npacks = uk-dvd-2022,\n",
	    "2: [policy] packs: empty list item (the line ends with ',' and no "
	    "indented line continues it)" },
	{ "[policy]\npacks = UK-DVD\n",
	    "2: [policy] packs: \"UK-DVD\" is not a policy pack name (expected "
	    "lower-case letters, digits and '-', such as uk-dvd-2022)" },
	{ "[policy]\npacks = uk-dvd-2022,\n  de-2024, uk-dvd-2022\n",
	    "3: [policy] packs: \"uk-dvd-2022\" is listed twice" },
	/* Retirement: a day at least, or never. */
	{ "[policy]\nretire-after = 12h\n",
	    "2: [policy] retire-after: \"12h\" is out of range (expected 1d to "
	    "3650d)" },
	{ "[policy]\nretire-after = soon\n",
	    "2: [policy] retire-after: \"soon\" is not a duration (expected a "
	    "number with unit ms, s, m, h, d or w, such as 30s, 6h or "
	    "1h30m)" },
	/* Coverage: an hour at least; a baseline is a real day. */
	{ "[policy]\nmax-age = 10m\n",
	    "2: [policy] max-age: \"10m\" is out of range (expected 1h to "
	    "3650d)" },
	{ "[policy]\nbaseline = 2026-02-30\n",
	    "2: [policy] baseline: \"2026-02-30\" is not a date YYYY-MM-DD" },
	{ "[policy]\nbaseline = last week\n",
	    "2: [policy] baseline: \"last week\" is not a date YYYY-MM-DD" },
	/* Missing keys, reported at the section header. */
	{ "[database]\n\n[target t]\nversion = 2c\ncommunity-file = secrets/c\n"
	  "[zone z]\n",
	    "3: [target t] addresses: required key missing (a list of "
	    "addresses, CIDR blocks, host:port or [v6]:port)" },
	{ "[target t]\naddresses =\ncommunity-file = secrets/c\n",
	    "2: [target t] addresses: empty (expected a list of addresses or "
	    "CIDR blocks)" },
	{ "[target t]\naddresses = 10.0.0.1\n",
	    "1: [target t] community-file: required key missing (a file "
	    "holding the community, for version 1 or 2c)" },
	{ "[target t]\naddresses = 10.0.0.1\nversion = 3\n",
	    "1: [target t] user: required key missing (the SNMPv3 user name)" },
	{ "[target t]\naddresses = 10.0.0.1\nversion = 3\nuser = u\n"
	  "auth = SHA-256\n",
	    "1: [target t] auth-key-file: required key missing (a file holding "
	    "the authentication passphrase)" },
	{ "[target t]\naddresses = 10.0.0.1\nversion = 3\nuser = u\n"
	  "auth = SHA-256\nauth-key-file = secrets/a\npriv = AES\n",
	    "1: [target t] priv-key-file: required key missing (a file holding "
	    "the privacy passphrase)" },
	{ "[target t]\naddresses = 10.0.0.1\nversion = 3\nuser = u\n"
	  "priv = AES-256\npriv-key-file = secrets/p\n",
	    "5: [target t] priv: requires auth (SNMPv3 has no privacy without "
	    "authentication)" },
	{ "[target t]\naddresses = 10.0.0.1\nversion = 3\nuser = u\n"
	  "auth-key-file = secrets/a\n",
	    "5: [target t] auth-key-file: given without auth (set auth = "
	    "SHA-256 or another)" },
	{ "[target t]\naddresses = 10.0.0.1\nuser = u\n"
	  "community-file = secrets/c\n",
	    "3: [target t] user: only applies to SNMP version 3 (this target "
	    "uses 2c)" },
	{ "[target t]\naddresses = 10.0.0.1\ncommunity-file = secrets/c\n"
	  "version = 3\nuser = u\n",
	    "3: [target t] community-file: only applies to SNMP version 1 or 2c "
	    "(this target uses 3)" },
	{ "[capture m]\n",
	    "1: [capture m] interface: required key missing (a "
	    "network interface, such as eth1)" },
	{ "[capture m]\nfilter = arp\n[zone z]\n",
	    "1: [capture m] interface: required key missing (a network "
	    "interface, such as eth1)" },
	{ "[capture m]\ninterface = eth1\nfilter = tcp port\n",
	    "3: [capture m] filter: \"tcp port\": can't parse filter "
	    "expression: syntax error" },
	{ "[capture m]\ninterface = eth1\nbuffer-size = 512k\n",
	    "3: [capture m] buffer-size: \"512k\" is not a ring size from 1M "
	    "to 2047M (bytes, or a number followed by k, M or G)" },
	{ "[capture m]\ninterface = eth1\nbuffer-size = 2G\n",
	    "3: [capture m] buffer-size: \"2G\" is not a ring size from 1M "
	    "to 2047M (bytes, or a number followed by k, M or G)" },
	{ "[capture m]\ninterface = eth1\nbuffer-size = 64 MB\n",
	    "3: [capture m] buffer-size: \"64 MB\" is not a ring size from 1M "
	    "to 2047M (bytes, or a number followed by k, M or G)" },
	{ "[capture m]\ninterface = eth1\nbuffer-size = -64M\n",
	    "3: [capture m] buffer-size: \"-64M\" is not a ring size from 1M "
	    "to 2047M (bytes, or a number followed by k, M or G)" },
	{ "[capture m]\ninterface = eth1\nbuffer-size = 99999999999999999999999\n",
	    "3: [capture m] buffer-size: \"99999999999999999999999\" is not a "
	    "ring size from 1M to 2047M (bytes, or a number followed by k, M or "
	    "G)" },
	{ "[capture m]\ninterface = eth1 eth2\n",
	    "2: [capture m] interface: \"eth1 eth2\" is not an interface name "
	    "(expected 1 to 15 characters without '/' or spaces, such as "
	    "eth1)" },
	{ "[capture m]\ninterface = eth1\nzone = core site\n",
	    "3: [capture m] zone: \"core site\" is not a zone name (expected "
	    "letters, digits, '.', '_' or '-', at most 48 characters)" },
	/* Secrets. */
	{ "[target t]\naddresses = 10.0.0.1\ncommunity-file = secrets/nope\n",
	    "3: [target t] community-file: @/secrets/nope: No such file or "
	    "directory" },
	{ "[target t]\naddresses = 10.0.0.1\ncommunity-file = secrets/world\n",
	    "3: [target t] community-file: @/secrets/world is readable by "
	    "others (chmod o-r)" },
	{ "[target t]\naddresses = 10.0.0.1\ncommunity-file = secrets/empty\n",
	    "3: [target t] community-file: @/secrets/empty is empty (the "
	    "secret is its first line)" },
	{ "[target t]\naddresses = 10.0.0.1\ncommunity-file = secrets/blank\n",
	    "3: [target t] community-file: @/secrets/blank is empty (the "
	    "secret is its first line)" },
	{ "[target t]\naddresses = 10.0.0.1\ncommunity-file = secrets\n",
	    "3: [target t] community-file: @/secrets is not a regular file" },
	/* A FIFO is refused, not waited on. */
	{ "[target t]\naddresses = 10.0.0.1\ncommunity-file = secrets/fifo\n",
	    "3: [target t] community-file: @/secrets/fifo is not a regular "
	    "file" },
	{ "[target t]\naddresses = 10.0.0.1\nversion = 3\nuser = u\n"
	  "auth = MD5\nauth-key-file = secrets/short\n",
	    "6: [target t] auth-key-file: @/secrets/short: key has 5 "
	    "characters, SNMPv3 needs at least 8" },
	{ "[target t]\naddresses = 10.0.0.1\nversion = 3\nuser = u\n"
	  "auth = MD5\nauth-key-file = secrets/a\npriv = DES\n"
	  "priv-key-file = secrets/short\n",
	    "8: [target t] priv-key-file: @/secrets/short: key has 5 "
	    "characters, SNMPv3 needs at least 8" },
	/* Paths. */
	{ "[database]\npath =\n",
	    "2: [database] path: empty (expected a path)" },
	/* The central database: a URI without a password, a site name. */
	{ "[central]\nsite = north\n",
	    "1: [central] url: required key missing (a libpq URI, "
	    "postgresql://USER@@HOST/DATABASE)" },
	{ "[central]\nurl = postgresql://north@db.example/central\n",
	    "1: [central] site: required key missing (this site's name)" },
	{ "[central]\nurl = mysql://db/central\nsite = north\n",
	    "2: [central] url: expected a libpq URI, "
	    "postgresql://[USER@@][HOST][:PORT]/DATABASE[?PARAMETERS]" },
	{ "[central]\nurl = postgresql://north:hunter2@db/central\n",
	    "2: [central] url: the URI holds a password: put it in "
	    "password-file instead" },
	{ "[central]\nurl = postgres://db/central?sslmode=require&password=x\n",
	    "2: [central] url: the URI holds a password parameter: put the "
	    "password in password-file instead" },
	{ "[central]\nurl = postgresql://db/central\nsite = -north\n",
	    "3: [central] site: \"-north\" is not a site name (expected "
	    "letters, digits, '.', '_' or '-', starting with a letter or "
	    "digit, at most 63 characters)" },
	{ "[central]\nurl = postgresql://db/central\nsite = north\n"
	  "password-file = secrets/world\n",
	    "4: [central] password-file: @/secrets/world is readable by "
	    "others (chmod o-r)" },
	{ "[central]\nurl = postgresql://db/central\nsite = north\n"
	  "user = x\n",
	    "4: [central] user: unknown key (expected url, site or "
	    "password-file)" },
	{ "[central]\nsite = north\n[zone z]\n",
	    "1: [central] url: required key missing (a libpq URI, "
	    "postgresql://USER@@HOST/DATABASE)" },
	{ "[central]\nurl = host=db dbname=central\n",
	    "2: [central] url: expected a libpq URI, "
	    "postgresql://[USER@@][HOST][:PORT]/DATABASE[?PARAMETERS]" },
	{ "[central]\nurl = POSTGRESQL://db/central\n",
	    "2: [central] url: expected a libpq URI, "
	    "postgresql://[USER@@][HOST][:PORT]/DATABASE[?PARAMETERS]" },
	/* libpq reads a password up to the first '@', '?' or not. */
	{ "[central]\nurl = postgresql://north:s3cr?t@@db/central\n",
	    "2: [central] url: the URI holds a password: put it in "
	    "password-file instead" },
	{ "[central]\nurl = postgres://:pw@@db\n",
	    "2: [central] url: the URI holds a password: put it in "
	    "password-file instead" },
	{ "[central]\nurl = postgresql://north:@@[2001:db8::1]:5432/c\n",
	    "2: [central] url: the URI holds a password: put it in "
	    "password-file instead" },
	/* It decodes the parameters' names; any case is refused. */
	{ "[central]\nurl = postgresql://db/central?%70assword=x\n",
	    "2: [central] url: the URI holds a password parameter: put the "
	    "password in password-file instead" },
	{ "[central]\nurl = postgresql:///central?host=/run/x&PassWord=x\n",
	    "2: [central] url: the URI holds a password parameter: put the "
	    "password in password-file instead" },
	{ "[central]\nurl = postgresql://us?er@@db/central?password=x\n",
	    "2: [central] url: the URI holds a password parameter: put the "
	    "password in password-file instead" },
	{ "[central]\nurl = postgresql://db/central?sslmode=verify-full&"
	  "SSL%70assword=x\n",
	    "2: [central] url: the URI holds the client key's passphrase "
	    "(sslpassword): a secret has no place in the configuration; use "
	    "a key without a passphrase, readable by its user only (sslkey=)" },
	{ "[central]\nurl = postgresql://db/central?password\n",
	    "2: [central] url: the URI holds a password parameter: put the "
	    "password in password-file instead" },
	{ "[central]\nurl = postgresql://db/central\nsite = .north\n",
	    "3: [central] site: \".north\" is not a site name (expected "
	    "letters, digits, '.', '_' or '-', starting with a letter or "
	    "digit, at most 63 characters)" },
	{ "[central]\nsite = north/1\n",
	    "2: [central] site: \"north/1\" is not a site name (expected "
	    "letters, digits, '.', '_' or '-', starting with a letter or "
	    "digit, at most 63 characters)" },
	{ "[central]\nsite = "
	  "a123456789b123456789c123456789d123456789e123456789f123456789wxyz\n",
	    "2: [central] site: "
	    "\"a123456789b123456789c123456789d123456789e123456789f123456789wxyz\""
	    " is not a site name (expected letters, digits, '.', '_' or '-', "
	    "starting with a letter or digit, at most 63 characters)" },
	{ "[central]\npassword-file = secrets/nope\n",
	    "2: [central] password-file: @/secrets/nope: No such file or "
	    "directory" },
	{ "[central]\npassword-file = secrets/empty\n",
	    "2: [central] password-file: @/secrets/empty is empty (the secret "
	    "is its first line)" },
	{ "[central]\nurl = postgresql://db/central\nsite = north\n"
	  "[central]\n",
	    "4: [central] duplicate section (first on line 1)" },
};

START_TEST(test_error)
{
	char err[1024];
	struct config *cfg = load_text(errors[_i].text, err, sizeof(err));
	char *want = expand(errors[_i].err);
	char *full = xprintf("%s/t.conf:%s", tmpdir, want);

	ck_assert_msg(cfg == NULL, "case %d loaded, expected: %s", _i, want);
	ck_assert_str_eq(err, full);
	free(want);
	free(full);
}
END_TEST

START_TEST(test_long_line)
{
	char err[1024], *text, *path, *want;
	struct config *cfg;
	/* "path = /" + 4088 characters = 4096: the longest line accepted. */
	char name[4089];

	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	text = xprintf("[database]\npath = /%s\r\n", name);
	ck_assert_uint_eq(strlen(strchr(text, '\n') + 1), 4096 + 2);
	cfg = load_text(text, err, sizeof(err));
	ck_assert_msg(cfg != NULL, "%s", err);
	path = xprintf("/%s", name);
	ck_assert_str_eq(cfg->db_path, path);
	config_free(cfg);
	free(text);

	/* One more character: refused, never split into two lines. */
	text = xprintf("[database]\npath = /%sy\n[snmp]\n", name);
	cfg = load_text(text, err, sizeof(err));
	ck_assert_ptr_null(cfg);
	want = xprintf("%s/t.conf:2: line longer than 4096 bytes", tmpdir);
	ck_assert_str_eq(err, want);
	free(want);
	free(text);
	free(path);

	/* Also inside a comment. */
	text = xprintf("; %s%s\n[snmp]\n", name, name);
	cfg = load_text(text, err, sizeof(err));
	ck_assert_ptr_null(cfg);
	want = xprintf("%s/t.conf:1: line longer than 4096 bytes", tmpdir);
	ck_assert_str_eq(err, want);
	free(want);
	free(text);
}
END_TEST

START_TEST(test_missing_file)
{
	char err[1024];
	char *path = xprintf("%s/absent.conf", tmpdir);
	char *want = xprintf("%s: No such file or directory", path);

	ck_assert_ptr_null(config_load(path, err, sizeof(err)));
	ck_assert_str_eq(err, want);
	free(want);
	free(path);

	/* A directory: said so, not a bare read error. */
	want = xprintf("%s: Is a directory", tmpdir);
	ck_assert_ptr_null(config_load(tmpdir, err, sizeof(err)));
	ck_assert_str_eq(err, want);
	free(want);
}
END_TEST

static void
assert_defaults(const struct config *cfg)
{
	ck_assert_str_eq(cfg->db_path, VRAUDIT_STATEDIR "/vraudit.db");
	ck_assert_str_eq(cfg->oui_dir, VRAUDIT_OUI_DIR);
	ck_assert_ptr_null(cfg->vendors_path);
	ck_assert_str_eq(cfg->enterprises_path, VRAUDIT_ENTERPRISES);
	ck_assert_ptr_null(cfg->enterprises_local);
	ck_assert_str_eq(cfg->policy_dir, VRAUDIT_DATADIR "/policies");
	ck_assert_int_eq(cfg->snmp_interval_ms, 6 * 3600 * 1000);
	ck_assert_int_eq(cfg->snmp_timeout_ms, 1000);
	ck_assert_int_eq(cfg->snmp_retries, 1);
	ck_assert_int_eq(cfg->snmp_max_inflight, 1024);
	ck_assert_int_eq(cfg->snmp_max_rows, 100000);
	ck_assert_int_eq(cfg->max_age_ms, INT64_C(3) * 86400000);
	ck_assert_str_eq(cfg->baseline, "");
	ck_assert_uint_eq(cfg->n_targets, 0);
	ck_assert_uint_eq(cfg->n_captures, 0);
	ck_assert_uint_eq(cfg->n_zones, 0);
	ck_assert_uint_eq(cfg->n_policy_packs, 0);
}

START_TEST(test_defaults)
{
	char err[1024];
	struct config *cfg = config_defaults();

	ck_assert_ptr_null(cfg->path);
	assert_defaults(cfg);
	config_free(cfg);

	/* An empty file (comments only) means the defaults too. */
	cfg = load_text("; nothing\n# here\n\n", err, sizeof(err));
	ck_assert_msg(cfg != NULL, "%s", err);
	assert_defaults(cfg);
	config_free(cfg);

	/* No file named: the installed one when present, else defaults. */
	cfg = config_load(NULL, err, sizeof(err));
	if (access(CONFIG_DEFAULT_PATH, F_OK) == 0) {
		ck_assert_msg(cfg != NULL, "%s", err);
		ck_assert_str_eq(cfg->path, CONFIG_DEFAULT_PATH);
	} else {
		ck_assert_ptr_nonnull(cfg);
		ck_assert_ptr_null(cfg->path);
		assert_defaults(cfg);
	}
	config_free(cfg);
}
END_TEST

static const char full_config[] =
    "\xEF\xBB\xBF; a full configuration\n"
    "[database]\n"
    "path = state/vraudit.db\n"
    "[registry]\n"
    "oui-dir = /usr/share/ieee-data\n"
    "vendors = vendors.conf\n"
    "enterprises =\n"
    "enterprises-local = enterprises.local\n"
    "[snmp]\n"
    "interval = 1h30m\n"
    "timeout = 1500ms\n"
    "retries = 0\n"
    "max-inflight = 64\n"
    "max-rows: 5000\n"
    "[target core]                 ; any number of [target NAME] sections\n"
    "addresses = 10.0.0.0/24, 10.0.1.1:1161,\n"
    "    [2001:db8::1]:1161, 2001:db8:1::/120 ; comment\n"
    "\t192.0.2.7\n"
    "port = 10161\n"
    "version = 1\n"
    "community-file = secrets/c\n"
    "zone = core\n"
    "[target ran]\n"
    "addresses = 10.64.0.0/16\n"
    "version = 3\n"
    "user = auditor\n"
    "auth = sha-256\n"
    "auth-key-file = secrets/a\n"
    "priv = aes\n"
    "priv-key-file = secrets/p\n"
    "zone = ran\n"
    "[target noauth]\n"
    "addresses = 192.0.2.0/28\n"
    "version = 3\n"
    "user = public-reader\n"
    "[capture mirror]\n"
    "interface = eth1\n"
    "filter =                      ; BPF, empty = all frames\n"
    "[capture lldp]\n"
    "interface = eth2\n"
    "filter = ether proto 0x88cc or arp\n"
    "zone = mgmt\n"
    "buffer-size = 256M\n"
    "[zone core]\n"
    "subnets = 10.0.0.0/16, 2001:db8::/32\n"
    "sysname = core-*, CR[0-9][0-9]-*\n"
    "[zone ran]\n"
    "subnets = 10.64.0.0/12\n"
    "[policy]\n"
    "packs = uk-dvd-2022, us-fcc-covered\n"
    "max-age = 36h\n"
    "baseline = 2026-01-31\n"
    "dir = /etc/vraudit/policies\n"
    "[central]\n"
    "url = postgresql://lon-1@central.example:5432/vraudit?"
    "sslmode=verify-full&sslrootcert=/etc/vraudit/central-ca.pem\n"
    "site = lon-1.core_A\n"
    "password-file = secrets/p\n";

static void
assert_full(const struct config *c)
{
	char *p;

	p = xprintf("%s/state/vraudit.db", tmpdir);
	ck_assert_str_eq(c->db_path, p);
	free(p);
	ck_assert_str_eq(c->oui_dir, "/usr/share/ieee-data");
	p = xprintf("%s/vendors.conf", tmpdir);
	ck_assert_str_eq(c->vendors_path, p);
	free(p);
	/* Empty: no IANA registry; a relative path from the file's directory. */
	ck_assert_ptr_null(c->enterprises_path);
	p = xprintf("%s/enterprises.local", tmpdir);
	ck_assert_str_eq(c->enterprises_local, p);
	free(p);
	ck_assert_int_eq(c->snmp_interval_ms, 5400000);
	ck_assert_int_eq(c->snmp_timeout_ms, 1500);
	ck_assert_int_eq(c->snmp_retries, 0);
	ck_assert_int_eq(c->snmp_max_inflight, 64);
	ck_assert_int_eq(c->snmp_max_rows, 5000);

	ck_assert_uint_eq(c->n_targets, 3);
	ck_assert_str_eq(c->targets[0].name, "core");
	ck_assert_uint_eq(c->targets[0].n_addresses, 5);
	ck_assert_str_eq(c->targets[0].addresses[1].text, "10.0.1.1:1161");
	ck_assert_uint_eq(c->targets[0].addresses[1].port, 1161);
	ck_assert_uint_eq(c->targets[0].addresses[1].range.prefix, 32);
	ck_assert_uint_eq(c->targets[0].addresses[0].port, 0);
	ck_assert_uint_eq(c->targets[0].addresses[0].range.prefix, 24);
	ck_assert_str_eq(c->targets[0].addresses[2].text, "[2001:db8::1]:1161");
	ck_assert_int_eq(c->targets[0].addresses[2].range.family, AF_INET6);
	ck_assert_uint_eq(c->targets[0].addresses[2].port, 1161);
	ck_assert_uint_eq(c->targets[0].addresses[3].range.prefix, 120);
	ck_assert_str_eq(c->targets[0].addresses[4].text, "192.0.2.7");
	ck_assert_uint_eq(c->targets[0].port, 10161);
	ck_assert_int_eq(c->targets[0].version, 1);
	ck_assert_str_eq(c->targets[0].community, "public");
	ck_assert_str_eq(c->targets[0].zone, "core");
	ck_assert_ptr_null(c->targets[0].user);

	ck_assert_int_eq(c->targets[1].version, 3);
	ck_assert_uint_eq(c->targets[1].port, 161);
	ck_assert_str_eq(c->targets[1].user, "auditor");
	ck_assert_str_eq(c->targets[1].auth, "SHA-256");
	ck_assert_str_eq(c->targets[1].auth_key, "authpass1");
	ck_assert_str_eq(c->targets[1].priv, "AES-128");
	ck_assert_str_eq(c->targets[1].priv_key, "privpass1");
	ck_assert_ptr_null(c->targets[1].community);

	ck_assert_str_eq(c->targets[2].user, "public-reader");
	ck_assert_ptr_null(c->targets[2].auth);
	ck_assert_ptr_null(c->targets[2].priv);
	ck_assert_ptr_null(c->targets[2].zone);

	ck_assert_uint_eq(c->n_captures, 2);
	ck_assert_str_eq(c->captures[0].interface, "eth1");
	ck_assert_str_eq(c->captures[0].filter, "");
	ck_assert_ptr_null(c->captures[0].zone);
	ck_assert_str_eq(c->captures[1].filter, "ether proto 0x88cc or arp");
	ck_assert_str_eq(c->captures[1].zone, "mgmt");
	ck_assert_uint_eq(c->captures[0].buffer_size, 0);
	ck_assert_uint_eq(c->captures[1].buffer_size, 256u << 20);

	ck_assert_uint_eq(c->n_zones, 2);
	ck_assert_str_eq(c->zones[0].name, "core");
	ck_assert_uint_eq(c->zones[0].n_subnets, 2);
	ck_assert_uint_eq(c->zones[0].n_sysname_patterns, 2);
	ck_assert_str_eq(c->zones[0].sysname_patterns[1], "CR[0-9][0-9]-*");
	ck_assert_uint_eq(c->zones[1].n_sysname_patterns, 0);

	ck_assert_uint_eq(c->n_policy_packs, 2);
	ck_assert_int_eq(c->max_age_ms, INT64_C(36) * 3600000);
	ck_assert_str_eq(c->baseline, "2026-01-31");
	ck_assert_str_eq(c->policy_packs[0], "uk-dvd-2022");
	ck_assert_str_eq(c->policy_packs[1], "us-fcc-covered");
	ck_assert_str_eq(c->policy_dir, "/etc/vraudit/policies");

	ck_assert_str_eq(c->central_url,
	    "postgresql://lon-1@central.example:5432/vraudit?"
	    "sslmode=verify-full&sslrootcert=/etc/vraudit/central-ca.pem");
	ck_assert_str_eq(c->central_site, "lon-1.core_A");
	p = xprintf("%s/secrets/p", tmpdir);
	ck_assert_str_eq(c->central_password_file, p);
	free(p);
	ck_assert_str_eq(c->central_password, "privpass1");
}

/* config_print into a string. */
static char *
print_config(const struct config *cfg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	config_print(cfg, f);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

START_TEST(test_full)
{
	char err[1024];
	struct config *cfg = load_text(full_config, err, sizeof(err));

	ck_assert_msg(cfg != NULL, "%s", err);
	assert_full(cfg);
	ck_assert_int_eq(cfg->targets[0].line, 15);
	ck_assert_int_eq(cfg->captures[1].line, 39);
	ck_assert_int_eq(cfg->zones[1].line, 47);
	config_free(cfg);
}
END_TEST

/* [central]: kept as given, the password from its file, never printed. */
START_TEST(test_central)
{
	char err[1024];
	struct config *cfg = load_text(
	    "[central]\nurl = postgresql://north@db.example:5433/central?"
	    "sslmode=verify-full\nsite = north.1\npassword-file = secrets/c\n",
	    err, sizeof(err));
	char *text, *want;

	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_str_eq(cfg->central_url,
	    "postgresql://north@db.example:5433/central?sslmode=verify-full");
	ck_assert_str_eq(cfg->central_site, "north.1");
	ck_assert_str_eq(cfg->central_password, "public");
	text = print_config(cfg);
	ck_assert_ptr_null(strstr(text, "public\n"));
	want = xprintf("\n[central]\nurl = postgresql://north@db.example:5433/"
		       "central?sslmode=verify-full\nsite = north.1\n"
		       "password-file = %s/secrets/c\n; password: <secret from "
		       "%s/secrets/c, 6 bytes>\n",
	    tmpdir, tmpdir);
	ck_assert_msg(strstr(text, want) != NULL, "%s", text);
	free(want);
	free(text);
	config_free(cfg);
	cfg = load_text("[database]\n", err, sizeof(err));
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_ptr_null(cfg->central_url);
	config_free(cfg);
}
END_TEST

START_TEST(test_round_trip)
{
	char err[1024];
	struct config *cfg = load_text(full_config, err, sizeof(err));
	struct config *again;
	char *text, *text2, *path;

	ck_assert_msg(cfg != NULL, "%s", err);
	text = print_config(cfg);
	/* Secrets never appear; their files and lengths do. */
	ck_assert_ptr_null(strstr(text, "public\n"));
	ck_assert_ptr_null(strstr(text, "authpass1"));
	ck_assert_ptr_null(strstr(text, "privpass1"));
	path = xprintf("; community: <secret from %s/secrets/c, 6 bytes>\n",
	    tmpdir);
	ck_assert_ptr_nonnull(strstr(text, path));
	free(path);
	path = xprintf("; vraudit effective configuration, from %s/t.conf\n",
	    tmpdir);
	ck_assert_msg(strncmp(text, path, strlen(path)) == 0, "%s", text);
	free(path);

	/* Written elsewhere, it still names the same files: paths are
	 * absolute. */
	make_dir("other");
	write_file("other/printed.conf", text, 0600);
	path = xprintf("%s/other/printed.conf", tmpdir);
	again = config_load(path, err, sizeof(err));
	ck_assert_msg(again != NULL, "%s\n%s", err, text);
	assert_full(again);
	text2 = print_config(again);
	/* Identical except the first line, naming the file. */
	ck_assert_str_eq(strchr(text, '\n'), strchr(text2, '\n'));
	free(path);
	free(text);
	free(text2);
	config_free(again);
	config_free(cfg);
}
END_TEST

START_TEST(test_print_defaults)
{
	char err[1024];
	struct config *cfg = config_defaults();
	struct config *again;
	char *text = print_config(cfg);
	const char *first = "; vraudit effective configuration, built-in "
			    "defaults";

	ck_assert_msg(strncmp(text, first, strlen(first)) == 0, "%s", text);
	ck_assert_ptr_nonnull(strstr(text,
	    "\n[snmp]\ninterval = 6h\n"
	    "timeout = 1s\nretries = 1\nmax-inflight = 1024\n"
	    "max-rows = 100000\n"));
	write_file("d.conf", text, 0600);
	free(text);
	text = xprintf("%s/d.conf", tmpdir);
	again = config_load(text, err, sizeof(err));
	ck_assert_msg(again != NULL, "%s", err);
	assert_defaults(again);
	free(text);
	config_free(again);
	config_free(cfg);
}
END_TEST

/* A long list prints on continuation lines of at most 80 characters. */
START_TEST(test_print_long_list)
{
	char err[1024];
	char *text = xstrdup("[zone big]\nsubnets = 10.0.0.0/24");
	struct config *cfg, *again;
	char *printed, *line, *save;

	for (int i = 1; i < 100; i++) {
		char *t = xprintf("%s,\n  10.%d.%d.0/24", text, i / 10, i % 10);

		free(text);
		text = t;
	}
	line = xprintf("%s\n", text);
	cfg = load_text(line, err, sizeof(err));
	free(line);
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_uint_eq(cfg->zones[0].n_subnets, 100);
	printed = print_config(cfg);
	write_file("p.conf", printed, 0600);
	for (line = strtok_r(printed, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save))
		ck_assert_uint_le(strlen(line), 80);
	free(text);
	text = xprintf("%s/p.conf", tmpdir);
	again = config_load(text, err, sizeof(err));
	ck_assert_msg(again != NULL, "%s", err);
	ck_assert_uint_eq(again->zones[0].n_subnets, 100);
	ck_assert_int_eq(memcmp(again->zones[0].subnets, cfg->zones[0].subnets,
			     100 * sizeof(struct cidr)),
	    0);
	free(printed);
	free(text);
	config_free(again);
	config_free(cfg);
}
END_TEST

START_TEST(test_secret_modes)
{
	static const struct {
		mode_t mode;
		bool ok;
	} modes[] = {
		{ 0600, true },
		{ 0640, true },
		{ 0400, true },
		{ 0660, true },
		{ 0644, false },
		{ 0604, false },
		{ 0666, false },
	};
	char err[1024], *want;
	struct config *cfg;

	want = xprintf("%s/t.conf:3: [target core] community-file: %s/s is "
		       "readable by others (chmod o-r)",
	    tmpdir, tmpdir);
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
		write_file("s", "n0t-public\n", modes[i].mode);
		cfg = load_text("[target core]\naddresses = 10.0.0.0/24\n"
				"community-file = s\n",
		    err, sizeof(err));
		if (modes[i].ok) {
			ck_assert_msg(cfg != NULL, "mode %o: %s",
			    (unsigned)modes[i].mode, err);
			ck_assert_str_eq(cfg->targets[0].community,
			    "n0t-public");
		} else {
			ck_assert_msg(cfg == NULL, "mode %o accepted",
			    (unsigned)modes[i].mode);
			ck_assert_str_eq(err, want);
			/* The message never carries the secret. */
			ck_assert_ptr_null(strstr(err, "n0t-public"));
		}
		config_free(cfg);
	}
	free(want);

	/* The central database's password file is checked the same way. */
	want = xprintf("%s/t.conf:4: [central] password-file: %s/s is "
		       "readable by others (chmod o-r)",
	    tmpdir, tmpdir);
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
		write_file("s", "n0t-public\n", modes[i].mode);
		cfg = load_text("[central]\nurl = postgresql://db/central\n"
				"site = north\npassword-file = s\n",
		    err, sizeof(err));
		if (modes[i].ok) {
			ck_assert_msg(cfg != NULL, "mode %o: %s",
			    (unsigned)modes[i].mode, err);
			ck_assert_str_eq(cfg->central_password, "n0t-public");
		} else {
			ck_assert_msg(cfg == NULL, "mode %o accepted",
			    (unsigned)modes[i].mode);
			ck_assert_str_eq(err, want);
			ck_assert_ptr_null(strstr(err, "n0t-public"));
		}
		config_free(cfg);
	}
	free(want);
}
END_TEST

/* [central]: URIs libpq reads without a password are taken as written,
 * site names up to the longest, no password-file means no password; a
 * refused URI is never repeated. */
START_TEST(test_central_accepted)
{
	static const char *const urls[] = {
		"postgresql://lon-1@db.example/vraudit?sslmode=verify-full&"
		"sslrootcert=/etc/vraudit/ca.pem",
		"postgres://db.example",
		"postgresql:///vraudit?host=/run/postgresql&port=5433",
		"postgresql://db1.example:5432,db2.example:5433/vraudit?"
		"target_session_attrs=read-write",
		"postgresql://lon-1@[2001:db8::1]:5432/vraudit",
		/* An encoded ':' is part of the user name. */
		"postgresql://site%3Alon@db.example/vraudit",
		"postgresql://db.example/vraudit?application_name=a%3Ab%40c",
		"postgresql://db.example/vraudit?passwords=1&x=password",
		"postgresql://db.example/vraudit?passfile=/etc/vraudit/pgpass",
	};
	static const char *const sites[] = {
		"1", "lon-1.core_A",
		"a123456789b123456789c123456789d123456789e123456789f123456789xyz"
	};
	char err[1024], *text;
	struct config *cfg;

	for (size_t i = 0; i < ARRAY_SIZE(urls); i++) {
		text = xprintf("[central]\nurl = %s\nsite = north\n", urls[i]);
		cfg = load_text(text, err, sizeof(err));
		ck_assert_msg(cfg != NULL, "%s: %s", urls[i], err);
		ck_assert_str_eq(cfg->central_url, urls[i]);
		config_free(cfg);
		free(text);
	}
	for (size_t i = 0; i < ARRAY_SIZE(sites); i++) {
		ck_assert_int_eq(config_site_name_check(sites[i], err,
				     sizeof(err)),
		    0);
		text = xprintf("[central]\nsite = %s\nurl = postgres://db\n",
		    sites[i]);
		cfg = load_text(text, err, sizeof(err));
		ck_assert_msg(cfg != NULL, "%s: %s", sites[i], err);
		ck_assert_str_eq(cfg->central_site, sites[i]);
		config_free(cfg);
		free(text);
	}

	cfg = load_text("[central]\nurl = postgresql://db.example/vraudit\n"
			"site = north\n",
	    err, sizeof(err));
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_ptr_null(cfg->central_password_file);
	ck_assert_ptr_null(cfg->central_password);
	text = print_config(cfg);
	ck_assert_msg(strstr(text,
			  "\n[central]\nurl = postgresql://db.example/"
			  "vraudit\nsite = north\n") != NULL,
	    "%s", text);
	ck_assert_ptr_null(strstr(text, "password"));
	free(text);
	config_free(cfg);

	cfg = config_defaults();
	text = print_config(cfg);
	ck_assert_ptr_null(strstr(text, "[central]"));
	free(text);
	config_free(cfg);

	ck_assert_ptr_null(
	    load_text("[central]\nurl = postgresql://u:s3cr?t@db/v\n", err,
		sizeof(err)));
	ck_assert_ptr_null(strstr(err, "s3cr"));
	ck_assert_ptr_null(
	    load_text("[central]\nurl = host=db password=s3cret\n", err,
		sizeof(err)));
	ck_assert_ptr_null(strstr(err, "s3cret"));
}
END_TEST

START_TEST(test_relative_paths)
{
	char err[1024], cwd[4096], *want;
	struct config *cfg;

	make_dir("sub");
	write_file("sub/x.conf",
	    "[database]\npath = db/v.db\n"
	    "[registry]\noui-dir = ../ieee\nvendors = /etc/vraudit/v.conf\n"
	    "[policy]\ndir = policies\n"
	    "[target t]\naddresses = 10.0.0.1\n"
	    "community-file = ../secrets/c\n",
	    0600);

	/* The file named by a relative path, from its parent directory. */
	ck_assert_int_eq(chdir(tmpdir), 0);
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	cfg = config_load("sub/x.conf", err, sizeof(err));
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_str_eq(cfg->path, "sub/x.conf");
	want = xprintf("%s/sub/db/v.db", cwd);
	ck_assert_str_eq(cfg->db_path, want);
	free(want);
	want = xprintf("%s/sub/../ieee", cwd);
	ck_assert_str_eq(cfg->oui_dir, want);
	free(want);
	ck_assert_str_eq(cfg->vendors_path, "/etc/vraudit/v.conf");
	want = xprintf("%s/sub/policies", cwd);
	ck_assert_str_eq(cfg->policy_dir, want);
	free(want);
	want = xprintf("%s/sub/../secrets/c", cwd);
	ck_assert_str_eq(cfg->targets[0].community_file, want);
	free(want);
	ck_assert_str_eq(cfg->targets[0].community, "public");
	config_free(cfg);

	/* From its own directory, by a bare file name. */
	ck_assert_int_eq(chdir("sub"), 0);
	cfg = config_load("x.conf", err, sizeof(err));
	ck_assert_msg(cfg != NULL, "%s", err);
	want = xprintf("%s/sub/db/v.db", cwd);
	ck_assert_str_eq(cfg->db_path, want);
	free(want);
	config_free(cfg);
}
END_TEST

START_TEST(test_zone_for_ip)
{
	static const struct {
		const char *ip;
		const char *zone;
	} cases[] = {
		{ "10.1.2.3", "site" }, /* /24 beats /16 and /8 */
		{ "10.1.3.1", "ran" },  /* /16 beats /8 */
		{ "10.9.9.9", "core" },
		{ "10.1.2.255", "site" },
		{ "192.168.1.1", NULL },
		{ "2001:db8:1::5", "v6-site" }, /* /48 beats /32 */
		{ "2001:db8:2::5", "v6" },
		{ "2001:db9::1", NULL },
		{ "not-an-ip", NULL },
	};
	char err[1024];
	struct config *cfg =
	    load_text("[zone site]\nsubnets = 10.1.2.0/24\n"
		      "[zone v6]\nsubnets = 2001:db8::/32\n"
		      "[zone core]\nsubnets = 10.0.0.0/8\n"
		      "[zone v6-site]\nsubnets = 2001:db8:1::/48\n"
		      "[zone ran]\nsubnets = 172.16.0.0/12, 10.1.0.0/16\n"
		      "[zone bynameonly]\nsysname = x*\n",
		err, sizeof(err));

	ck_assert_msg(cfg != NULL, "%s", err);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *z =
		    zone_for_ip(cfg->zones, cfg->n_zones, cases[i].ip);

		if (cases[i].zone == NULL)
			ck_assert_msg(z == NULL, "%s: %s", cases[i].ip, z);
		else {
			ck_assert_msg(z != NULL, "%s: no zone", cases[i].ip);
			ck_assert_str_eq(z, cases[i].zone);
		}
	}
	config_free(cfg);
}
END_TEST

START_TEST(test_zone_for_sysname)
{
	char err[1024];
	struct config *cfg =
	    load_text("[zone core]\nsysname = core-*, CR[0-9][0-9]-*\n"
		      "[zone ran]\nsysname = enb[0-9]*\n"
		      "[zone rest]\nsysname = *\n",
		err, sizeof(err));

	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_str_eq(zone_for_sysname(cfg->zones, cfg->n_zones,
			     "core-lon-1"),
	    "core");
	ck_assert_str_eq(zone_for_sysname(cfg->zones, cfg->n_zones,
			     "CORE-LON-1"),
	    "core");
	ck_assert_str_eq(zone_for_sysname(cfg->zones, cfg->n_zones, "cr01-par"),
	    "core");
	ck_assert_str_eq(zone_for_sysname(cfg->zones, cfg->n_zones, "eNB4711"),
	    "ran");
	ck_assert_str_eq(zone_for_sysname(cfg->zones, cfg->n_zones, "enbx"),
	    "rest");
	ck_assert_ptr_null(zone_for_sysname(cfg->zones, cfg->n_zones, NULL));
	config_free(cfg);

	cfg = config_defaults();
	ck_assert_ptr_null(
	    zone_for_sysname(cfg->zones, cfg->n_zones, "core-1"));
	ck_assert_ptr_null(zone_for_ip(cfg->zones, cfg->n_zones, "10.0.0.1"));
	config_free(cfg);
}
END_TEST

/* Where the keys naming files to load were given, for check-config's
 * messages; 0 for a key left at its default. */
START_TEST(test_key_lines)
{
	char err[512];
	struct config *cfg = load_text("[registry]\n"
				       "; a comment\n"
				       "vendors = v.conf\n"
				       "enterprises-local = e.local\n"
				       "\n"
				       "[policy]\n"
				       "dir = pol\n"
				       "packs = a,\n"
				       "  b\n",
	    err, sizeof(err));

	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_int_eq(cfg->lines.vendors, 3);
	ck_assert_int_eq(cfg->lines.enterprises_local, 4);
	ck_assert_int_eq(cfg->lines.policy_dir, 7);
	ck_assert_int_eq(cfg->lines.packs, 8);
	ck_assert_int_eq(cfg->lines.oui_dir, 0);
	ck_assert_int_eq(cfg->lines.enterprises, 0);
	config_free(cfg);
}
END_TEST

/* The one check of zone names, for the file and for --zone. */
START_TEST(test_zone_name_check)
{
	char err[256];

	ck_assert_int_eq(config_zone_name_check("core-1.a_b", err, sizeof(err)),
	    0);
	ck_assert_int_eq(config_zone_name_check("bad/zone x", err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err,
	    "\"bad/zone x\" is not a zone name (expected letters, digits, "
	    "'.', '_' or '-', at most 48 characters)");
	ck_assert_int_eq(config_zone_name_check("", err, sizeof(err)), -1);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("load");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_error, 0, (int)ARRAY_SIZE(errors));
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_central);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_print_defaults);
	tcase_add_test(tc, test_print_long_list);
	tcase_add_test(tc, test_secret_modes);
	tcase_add_test(tc, test_central_accepted);
	tcase_add_test(tc, test_relative_paths);
	tcase_add_test(tc, test_zone_for_ip);
	tcase_add_test(tc, test_zone_for_sysname);
	tcase_add_test(tc, test_key_lines);
	tcase_add_test(tc, test_zone_name_check);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
