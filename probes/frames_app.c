/*
 * What hosts say of themselves in clear text at the start of a TCP segment
 * or in a UDP datagram: SSH identification lines, HTTP/1.x heads (a
 * response's Server header, an SSDP announcement's or answer's) and the
 * UPnP device description an HTTP body may carry. Which payload goes to
 * which decoder is decided here too, by ports and first bytes, for the
 * full decoder and for frames_decode_plain alike.
 *
 * A TCP payload is one segment: a line, head or body that goes on in the
 * next one is read as far as this one goes and never joined with it, so
 * running out of bytes there is no error. Every search is bounded by the
 * payload's length.
 */
#include "probes/frames.h"

#include <string.h>

#include "probes/frames_private.h"

#define SSH_LINE_MAX 255   /* RFC 4253, 4.2: CR LF included */
#define UPNP_VALUE_MAX 128 /* UPnP asks for less than 64 (manufacturer) */

#define PORT_SSDP 1900
#define PORT_MDNS 5353

static bool
starts(const uint8_t *p, size_t len, const char *s)
{
	size_t n = strlen(s);

	return len >= n && memcmp(p, s, n) == 0;
}

enum frames_proto
frames_tcp_payload(const uint8_t *p, size_t len)
{
	if (len < 5)
		return FRAMES_PROTO_NONE;
	switch (p[0]) {
	case 'S':
		return starts(p, len, "SSH-") ? FRAMES_PROTO_SSH
					      : FRAMES_PROTO_NONE;
	case 'H':
		return starts(p, len, "HTTP/1.") ? FRAMES_PROTO_HTTP
						 : FRAMES_PROTO_NONE;
	case '<':
		return starts(p, len, "<?xml") ? FRAMES_PROTO_HTTP
					       : FRAMES_PROTO_NONE;
	case 0x16:
		/* A handshake record of SSL 3.0 or TLS 1.0 to 1.2. */
		return p[1] == 3 && p[2] <= 3 ? FRAMES_PROTO_TLS
					      : FRAMES_PROTO_NONE;
	default:
		return FRAMES_PROTO_NONE;
	}
}

enum frames_proto
frames_udp_payload(uint16_t sport, uint16_t dport, const uint8_t *p, size_t len)
{
	if (sport == PORT_MDNS || dport == PORT_MDNS)
		return FRAMES_PROTO_MDNS;
	/* An answer to M-SEARCH comes from any port to the asker's. */
	if (starts(p, len, "HTTP/1."))
		return FRAMES_PROTO_SSDP;
	if ((sport == PORT_SSDP || dport == PORT_SSDP) &&
	    starts(p, len, "NOTIFY * HTTP/1."))
		return FRAMES_PROTO_SSDP;
	return FRAMES_PROTO_NONE;
}

/* SSH */

int
frames_decode_ssh(const uint8_t *p, size_t len, struct frames_ssh *out)
{
	const uint8_t *nl;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (!starts(p, len, "SSH-"))
		return FRAMES_BAD_HEADER;
	nl = memchr(p, '\n', len < SSH_LINE_MAX ? len : SSH_LINE_MAX);
	if (nl == NULL)
		return len < SSH_LINE_MAX ? FRAMES_OK : FRAMES_BAD_LENGTH;
	n = (size_t)(nl - p);
	if (n > 0 && p[n - 1] == '\r')
		n--;
	out->banner = frames_view(p, n);
	return FRAMES_OK;
}

/* HTTP */

/* The first place s occurs in p[0, len), or NULL. */
static const uint8_t *
find(const uint8_t *p, size_t len, const char *s)
{
	size_t n = strlen(s), i = 0;

	while (len - i >= n) {
		const uint8_t *c = memchr(p + i, s[0], len - i - n + 1);

		if (c == NULL)
			return NULL;
		if (memcmp(c, s, n) == 0)
			return c;
		i = (size_t)(c - p) + 1;
	}
	return NULL;
}

static bool
blank(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* A header's value: blanks trimmed at both ends. */
static struct frames_str
trimmed(const uint8_t *p, size_t len)
{
	while (len > 0 && blank(p[0])) {
		p++;
		len--;
	}
	while (len > 0 && blank(p[len - 1]))
		len--;
	return frames_view(p, len);
}

static bool
name_is(const uint8_t *p, size_t len, const char *name)
{
	size_t n = strlen(name);

	if (len != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (c >= 'A' && c <= 'Z')
			c = (uint8_t)(c - 'A' + 'a');
		if (c != (uint8_t)name[i])
			return false;
	}
	return true;
}

/* The text of <tag>...</tag> in p[0, len): only when the element ends
 * there, holds no markup and is no longer than UPNP_VALUE_MAX. */
static struct frames_str
element(const uint8_t *p, size_t len, const char *open, const char *close)
{
	const uint8_t *at = find(p, len, open), *end;
	size_t left, n;

	if (at == NULL)
		return frames_view(NULL, 0);
	at += strlen(open);
	left = len - (size_t)(at - p);
	end = memchr(at, '<', left);
	if (end == NULL)
		return frames_view(NULL, 0);
	n = (size_t)(end - at);
	if (n > UPNP_VALUE_MAX || !starts(end, left - n, close))
		return frames_view(NULL, 0);
	return frames_view(at, n);
}

/* A body as far as the segment holds it: a UPnP device description? */
static void
http_body(const uint8_t *p, size_t len, struct frames_http *out)
{
	if (find(p, len, "urn:schemas-upnp-org:device-1-0") == NULL)
		return;
	out->upnp = true;
	out->manufacturer =
	    element(p, len, "<manufacturer>", "</manufacturer>");
	out->model_name = element(p, len, "<modelName>", "</modelName>");
}

/* "HTTP/1.x NNN reason": the status; -1 when the line is not one. */
static int
status_line(const uint8_t *p, size_t len)
{
	int status = 0;

	if (len < 12 || p[7] < '0' || p[7] > '9' || p[8] != ' ' ||
	    (len > 12 && p[12] != ' '))
		return -1;
	for (size_t i = 9; i < 12; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		status = status * 10 + (p[i] - '0');
	}
	return status;
}

int
frames_decode_http(const uint8_t *p, size_t len, struct frames_http *out)
{
	size_t off;
	const uint8_t *nl;

	memset(out, 0, sizeof(*out));
	if (starts(p, len, "<?xml")) {
		/* A body alone: its head came in an earlier segment. */
		http_body(p, len, out);
		return FRAMES_OK;
	}
	if (starts(p, len, "NOTIFY * HTTP/1."))
		out->notify = true;
	else if (!starts(p, len, "HTTP/1."))
		return FRAMES_BAD_HEADER;
	nl = memchr(p, '\n', len);
	if (nl == NULL)
		return FRAMES_OK; /* the start line goes on */
	off = (size_t)(nl - p) + 1;
	if (!out->notify) {
		size_t n = off - 1;
		int status;

		if (n > 0 && p[n - 1] == '\r')
			n--;
		if ((status = status_line(p, n)) < 0)
			return FRAMES_BAD_HEADER;
		out->response = true;
		out->status = (uint16_t)status;
	}
	while (off < len) {
		const uint8_t *line = p + off, *colon;
		size_t n;

		nl = memchr(line, '\n', len - off);
		if (nl == NULL)
			return FRAMES_OK; /* the head goes on */
		n = (size_t)(nl - line);
		off += n + 1;
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (n == 0) {
			out->head_complete = true;
			http_body(p + off, len - off, out);
			return FRAMES_OK;
		}
		colon = memchr(line, ':', n);
		if (colon == NULL || out->server.len > 0)
			continue;
		if (name_is(line, (size_t)(colon - line), "server"))
			out->server =
			    trimmed(colon + 1, n - (size_t)(colon - line) - 1);
	}
	return FRAMES_OK;
}
