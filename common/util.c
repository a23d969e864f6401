/*
 * Helpers shared by every module. Nothing here does I/O except time_now(),
 * which honours VRAUDIT_NOW so tests can pin the clock.
 */
#include "common/util.h"

#include "common/text.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/text.h"

void *
xmalloc(size_t size)
{
	void *p = malloc(size == 0 ? 1 : size);

	if (p == NULL)
		fatal("mem", "malloc %zu bytes", size);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb == 0 ? 1 : nmemb, size == 0 ? 1 : size);

	if (p == NULL)
		fatal("mem", "calloc %zu x %zu bytes", nmemb, size);
	return p;
}

void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	void *p;

	if (size != 0 && nmemb > SIZE_MAX / size)
		fatalx("mem", "reallocarray %zu x %zu overflows", nmemb, size);
	p = realloc(ptr, nmemb * size == 0 ? 1 : nmemb * size);
	if (p == NULL)
		fatal("mem", "realloc %zu x %zu bytes", nmemb, size);
	return p;
}

char *
xstrdup(const char *s)
{
	char *p;

	if (s == NULL)
		return NULL;
	p = strdup(s);
	if (p == NULL)
		fatal("mem", "strdup");
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	/* Not strndup: s may be bytes from the network with no terminator. */
	const char *nul = memchr(s, '\0', n);
	size_t len = nul != NULL ? (size_t)(nul - s) : n;
	char *p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
xprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("mem", "vasprintf");
	return p;
}

size_t
str_copy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

char *
str_trim(char *s)
{
	char *start = s, *end;

	while (*start != '\0' && isspace((unsigned char)*start))
		start++;
	end = start + strlen(start);
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	if (start != s)
		memmove(s, start, (size_t)(end - start) + 1);
	return s;
}

bool
utf8_valid(const void *buf, size_t len)
{
	const unsigned char *s = buf;
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3;
			cp = c & 0x07;
		} else
			return false;
		if (len - i <= n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

int
mac_parse(const char *s, uint8_t mac[MAC_LEN])
{
	char digits[12];
	size_t nd = 0, len;
	char sep = 0;

	if (s == NULL)
		return -1;
	len = strlen(s);
	if (len == 17) {
		/* aa:bb:cc:dd:ee:ff or aa-bb-cc-dd-ee-ff */
		sep = s[2];
		if (sep != ':' && sep != '-')
			return -1;
		for (size_t i = 0; i < len; i++) {
			if (i % 3 == 2) {
				if (s[i] != sep)
					return -1;
			} else
				digits[nd++] = s[i];
		}
	} else if (len == 14) {
		/* aabb.ccdd.eeff (Cisco) */
		for (size_t i = 0; i < len; i++) {
			if (i % 5 == 4) {
				if (s[i] != '.')
					return -1;
			} else
				digits[nd++] = s[i];
		}
	} else if (len == 12) {
		memcpy(digits, s, 12);
		nd = 12;
	} else
		return -1;
	if (nd != 12)
		return -1;
	for (size_t i = 0; i < MAC_LEN; i++) {
		int hi = hex_value(digits[2 * i]),
		    lo = hex_value(digits[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void
mac_format(const uint8_t mac[MAC_LEN], char out[MAC_STRLEN])
{
	static const char hex[] = "0123456789abcdef";

	/* By hand: every new MAC on the capture hot path is formatted. */
	for (size_t i = 0; i < MAC_LEN; i++) {
		out[3 * i] = hex[mac[i] >> 4];
		out[3 * i + 1] = hex[mac[i] & 0x0f];
		out[3 * i + 2] = i + 1 < MAC_LEN ? ':' : '\0';
	}
}

bool
mac_is_multicast(const uint8_t mac[MAC_LEN])
{
	return (mac[0] & 0x01) != 0;
}

bool
mac_is_local(const uint8_t mac[MAC_LEN])
{
	return (mac[0] & 0x02) != 0;
}

bool
mac_is_zero(const uint8_t mac[MAC_LEN])
{
	for (size_t i = 0; i < MAC_LEN; i++)
		if (mac[i] != 0)
			return false;
	return true;
}

bool
mac_is_virtual_router(const uint8_t mac[MAC_LEN])
{
	static const struct {
		uint8_t prefix[5];
		size_t len;
	} shared[] = {
		{ { 0x00, 0x00, 0x5e, 0x00, 0x01 }, 5 }, /* VRRP IPv4 */
		{ { 0x00, 0x00, 0x5e, 0x00, 0x02 }, 5 }, /* VRRP IPv6 */
		{ { 0x00, 0x00, 0x0c, 0x07, 0xac }, 5 }, /* HSRP v1 */
		{ { 0x00, 0x00, 0x0c, 0x9f, 0xf0 }, 4 }, /* HSRP v2 */
		{ { 0x00, 0x07, 0xb4, 0x00 }, 4 },       /* GLBP */
	};

	for (size_t i = 0; i < ARRAY_SIZE(shared); i++)
		if (memcmp(mac, shared[i].prefix, shared[i].len) == 0 &&
		    (i != 3 || (mac[4] & 0xf0) == 0xf0))
			return true;
	return false;
}

int64_t
time_now(void)
{
	const char *pin = getenv("VRAUDIT_NOW");
	int64_t t;

	if (pin != NULL && *pin != '\0' && time_parse(pin, &t) == 0)
		return t;
	return (int64_t)time(NULL);
}

void
time_format(int64_t t, char out[TIME_STRLEN])
{
	/* Seconds of 1000-01-01 before the epoch and of 10000-01-01 after:
	 * strftime writes other years in fewer or more digits. */
	const int64_t lo = -30610224000, hi = 253402300800;
	int64_t days, secs, era, doe, yoe, doy, mp, y, m, d;
	time_t tt = (time_t)t;
	struct tm tm;

	if (t < lo || t >= hi) {
		if (gmtime_r(&tt, &tm) == NULL ||
		    strftime(out, TIME_STRLEN, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
			str_copy(out, "1970-01-01T00:00:00Z", TIME_STRLEN);
		return;
	}
	/* The civil date of a day number, in years that begin on March 1
	 * (Hinnant, "chrono-Compatible Low-Level Date Algorithms"): written
	 * for every timestamp a sighting carries, where gmtime and
	 * strftime cost a microsecond. */
	days = t / 86400;
	secs = t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	days += 719468;
	era = days / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = yoe + era * 400 + (m <= 2);
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = 'T';
	out[11] = (char)('0' + secs / 36000);
	out[12] = (char)('0' + secs / 3600 % 10);
	out[13] = ':';
	out[14] = (char)('0' + secs % 3600 / 600);
	out[15] = (char)('0' + secs % 600 / 60);
	out[16] = ':';
	out[17] = (char)('0' + secs % 60 / 10);
	out[18] = (char)('0' + secs % 10);
	out[19] = 'Z';
	out[20] = '\0';
}

static bool
all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* n decimal digits at s (checked by the caller) as a number. */
static int
digits(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (as
 * timegm counts them, without its time zone and normalising work: the
 * MAC table's start parses a time for every MAC the store knows). */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
time_parse(const char *s, int64_t *t)
{
	size_t len = strlen(s);
	int y, mo, d, h = 0, mi = 0, sec = 0;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30,
		31 };

	if (len != 10 && len != 20)
		return -1;
	if (!all_digits(s, 4) || s[4] != '-' || !all_digits(s + 5, 2) ||
	    s[7] != '-' || !all_digits(s + 8, 2))
		return -1;
	y = digits(s, 4);
	mo = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (len == 20) {
		if (s[10] != 'T' || !all_digits(s + 11, 2) || s[13] != ':' ||
		    !all_digits(s + 14, 2) || s[16] != ':' ||
		    !all_digits(s + 17, 2) || s[19] != 'Z')
			return -1;
		h = digits(s + 11, 2);
		mi = digits(s + 14, 2);
		sec = digits(s + 17, 2);
	}
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    h > 23 || mi > 59 || sec > 60)
		return -1;
	if (mo == 2 && d == 29 &&
	    !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return -1;
	/* A leap second is the next minute's first, as timegm has it. */
	*t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	return 0;
}

int64_t
clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
duration_parse(const char *s, int64_t *ms)
{
	static const struct {
		const char *unit;
		int64_t ms;
	} units[] = {
		{ "ms", 1 },
		{ "s", 1000 },
		{ "m", 60000 },
		{ "h", 3600000 },
		{ "d", 86400000 },
		{ "w", 604800000 },
	};
	int64_t total = 0;
	bool any = false;

	if (s == NULL)
		return -1;
	while (isspace((unsigned char)*s))
		s++;
	while (*s != '\0' && !isspace((unsigned char)*s)) {
		char *end;
		unsigned long long v;
		int64_t mult = -1;
		size_t ulen = 0;

		if (!isdigit((unsigned char)*s))
			return -1;
		errno = 0;
		v = strtoull(s, &end, 10);
		if (errno != 0 || v > INT64_MAX / 604800000)
			return -1;
		while (isalpha((unsigned char)end[ulen]))
			ulen++;
		if (ulen == 0) {
			/* A bare number is seconds, only as the whole value. */
			if (any)
				return -1;
			mult = 1000;
		}
		for (size_t i = 0; i < ARRAY_SIZE(units) && ulen > 0; i++)
			if (strlen(units[i].unit) == ulen &&
			    strncmp(end, units[i].unit, ulen) == 0)
				mult = units[i].ms;
		if (mult < 0)
			return -1;
		if (total > INT64_MAX - (int64_t)v * mult)
			return -1;
		total += (int64_t)v * mult;
		any = true;
		s = end + ulen;
		if (ulen == 0)
			break;
	}
	while (isspace((unsigned char)*s))
		s++;
	if (!any || *s != '\0')
		return -1;
	*ms = total;
	return 0;
}

void
duration_format(int64_t ms, char *out, size_t size)
{
	static const struct {
		const char *unit;
		int64_t ms;
	} units[] = {
		{ "w", 604800000 },
		{ "d", 86400000 },
		{ "h", 3600000 },
		{ "m", 60000 },
		{ "s", 1000 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (ms != 0 && ms % units[i].ms == 0) {
			snprintf(out, size, "%lld%s",
			    (long long)(ms / units[i].ms), units[i].unit);
			return;
		}
	snprintf(out, size, "%lldms", (long long)ms);
}

char *
file_read(const char *path, size_t *len, char *err, size_t errlen)
{
	struct strbuf b = STRBUF_INIT;
	char chunk[65536];
	FILE *fp;
	size_t n;

	*len = 0;
	if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	strbuf_add(&b, "", 0); /* an empty file is "" */
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		strbuf_add(&b, chunk, n);
	if (ferror(fp)) {
		/* A directory opens, and fails on its first read. */
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		fclose(fp);
		strbuf_finish(&b);
		return NULL;
	}
	fclose(fp);
	*len = b.len;
	return strbuf_steal(&b);
}
