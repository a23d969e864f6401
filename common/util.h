/*
 * Small helpers shared by every module: allocation that aborts on
 * exhaustion, bounded string copies, MAC addresses, times and durations.
 */
#ifndef VRAUDIT_UTIL_H
#define VRAUDIT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* malloc that aborts the program when memory is exhausted. */
void *xmalloc(size_t size);
/* calloc that aborts when memory is exhausted or nmemb * size overflows. */
void *xcalloc(size_t nmemb, size_t size);
/* reallocarray that aborts when memory is exhausted or the size overflows. */
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
/* strdup that aborts on exhaustion; NULL stays NULL. */
char *xstrdup(const char *s);
/* At most n bytes of s, up to a NUL, as a new string; s need not be
 * terminated. Aborts on exhaustion. */
char *xstrndup(const char *s, size_t n);
/* asprintf-like formatting into a new string; aborts on exhaustion. */
char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Copy src into dst of size bytes, always terminated; returns strlen(src). */
size_t str_copy(char *dst, const char *src, size_t size);
/* Strip leading and trailing white space in place; returns s. */
char *str_trim(char *s);
/* The value of hex digit c, or -1 (inline: registry loading calls it for
 * every digit). */
static inline int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20; /* lower case */
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}
/* True when the len bytes at s are valid UTF-8 (no overlongs, no surrogates). */
bool utf8_valid(const void *s, size_t len);

#define MAC_LEN 6
#define MAC_STRLEN 18 /* "aa:bb:cc:dd:ee:ff" and its terminator */

/* Parse aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff or aabbccddeeff. */
int mac_parse(const char *s, uint8_t mac[MAC_LEN]);
/* Format as lower-case aa:bb:cc:dd:ee:ff. */
void mac_format(const uint8_t mac[MAC_LEN], char out[MAC_STRLEN]);
/* True for group (multicast or broadcast) addresses. */
bool mac_is_multicast(const uint8_t mac[MAC_LEN]);
/* True for locally administered addresses. */
bool mac_is_local(const uint8_t mac[MAC_LEN]);
/* True for 00:00:00:00:00:00. */
bool mac_is_zero(const uint8_t mac[MAC_LEN]);

/*
 * True for a placeholder many boxes carry, never a box's own address: the
 * 00:00:00 block (Xerox's of the 1980s; in practice unset or made-up
 * addresses, all zero included), and a run whose last five bytes rise by
 * one step of 0x01, 0x11 or 0x22 with a first byte of 00 or one step below
 * the second (00:01:02:03:04:05, 00:02:03:04:05:06, 00:11:22:33:44:55,
 * 12:34:56:78:9a:bc). Inline: passive capture asks for every frame.
 */
static inline bool
mac_is_placeholder(const uint8_t mac[MAC_LEN])
{
	int step = mac[2] - mac[1];

	if ((mac[0] | mac[1] | mac[2]) == 0)
		return true;
	if (step != 0x01 && step != 0x11 && step != 0x22)
		return false;
	for (int i = 3; i < MAC_LEN; i++)
		if (mac[i] - mac[i - 1] != step)
			return false;
	return mac[0] == 0 || mac[0] + step == mac[1];
}
/* True for the virtual router MACs that VRRP, HSRP and GLBP move between
 * boxes (the routers sharing one carry it in turn). */
bool mac_is_virtual_router(const uint8_t mac[MAC_LEN]);

#define TIME_STRLEN 21 /* "2026-11-28T05:43:17Z" and its terminator */

/* The whole file as a new string (also terminated, though it may hold NUL
 * bytes: *len counts them); NULL with "PATH: why" in err. */
char *file_read(const char *path, size_t *len, char *err, size_t errlen);

/* Seconds since the epoch, UTC. VRAUDIT_NOW (ISO-8601) overrides it for tests. */
int64_t time_now(void);
/* Format seconds since the epoch as ISO-8601 UTC "YYYY-MM-DDTHH:MM:SSZ". */
void time_format(int64_t t, char out[TIME_STRLEN]);
/* Parse "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ" (UTC); -1 when malformed. */
int time_parse(const char *s, int64_t *t);
/* Monotonic clock in milliseconds. */
int64_t clock_ms(void);

/* Parse a duration: a number with unit ms, s, m, h, d or w ("30s", "6h",
 * "1h30m"); a bare number is seconds. Result in milliseconds; -1 if malformed. */
int duration_parse(const char *s, int64_t *ms);
/* Format milliseconds back as the shortest duration text ("6h", "1500ms"). */
void duration_format(int64_t ms, char *out, size_t size);

#endif
