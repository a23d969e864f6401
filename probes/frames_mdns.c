/*
 * mDNS responses (RFC 6762, 6763): the names a host announces for itself
 * and its services, and the TXT strings that carry a maker or a model.
 *
 * DNS names may be compressed: a label sequence can end in a pointer to an
 * earlier place of the message. A pointer is followed only backwards, to
 * a place before every place the walk of this name has visited, so no
 * walk can loop; a name longer than 255 bytes is refused.
 */
#include "probes/frames.h"

#include <string.h>

#include "probes/frames_private.h"

#define DNS_HEADER 12
#define DNS_NAME_MAX 255
#define DNS_QR 0x8000
#define DNS_OPCODE 0x7800

#define TYPE_A 1
#define TYPE_PTR 12
#define TYPE_TXT 16
#define TYPE_AAAA 28
#define TYPE_SRV 33

/* TXT keys that name a maker or a model: printers (usb_MFG, usb_MDL, ty,
 * product), Apple's device-info and others (model, md), vendors' own. */
static const char *const txt_keys[] = {
	"manufacturer",
	"mfg",
	"usb_mfg",
	"usb_mdl",
	"ty",
	"product",
	"model",
	"md",
	"vendor",
};

/* A name's first label, and where the name ends in the message. */
struct dns_name {
	struct frames_str first;
	size_t end;
};

/* Walk the name at off in the message p[0, len). */
static int
dns_name(const uint8_t *p, size_t len, size_t off, struct dns_name *n)
{
	size_t pos = off, limit = off, total = 0;
	bool jumped = false;

	n->first = frames_view(NULL, 0);
	for (;;) {
		size_t l;

		if (pos >= len)
			return FRAMES_TRUNCATED;
		l = p[pos];
		if ((l & 0xc0) == 0xc0) {
			size_t to;

			if (len - pos < 2)
				return FRAMES_TRUNCATED;
			to = (l & 0x3f) << 8 | p[pos + 1];
			if (to >= limit)
				return FRAMES_BAD_TLV; /* forward or a loop */
			if (!jumped)
				n->end = pos + 2;
			jumped = true;
			limit = pos = to;
			continue;
		}
		if (l & 0xc0)
			return FRAMES_BAD_TLV; /* extended label types */
		if (l == 0) {
			if (!jumped)
				n->end = pos + 1;
			return FRAMES_OK;
		}
		if (len - pos - 1 < l)
			return FRAMES_TRUNCATED;
		total += l + 1;
		if (total > DNS_NAME_MAX)
			return FRAMES_BAD_LENGTH;
		if (n->first.len == 0)
			n->first = frames_view(p + pos + 1, l);
		pos += 1 + l;
	}
}

static bool
same(struct frames_str a, struct frames_str b)
{
	return a.len == b.len && memcmp(a.p, b.p, a.len) == 0;
}

/* Keep a name's first label, once; not a service type ("_ipp"). */
static void
add_name(struct frames_mdns *out, struct frames_str label)
{
	if (label.len == 0 || label.p[0] == '_')
		return;
	for (size_t i = 0; i < out->n_names; i++)
		if (same(out->names[i], label))
			return;
	if (out->n_names < FRAMES_MDNS_MAX)
		out->names[out->n_names++] = label;
}

static bool
key_wanted(const uint8_t *s, size_t len)
{
	const uint8_t *eq = memchr(s, '=', len);
	size_t klen = eq != NULL ? (size_t)(eq - s) : len;

	for (size_t k = 0; k < sizeof(txt_keys) / sizeof(txt_keys[0]); k++) {
		const char *want = txt_keys[k];
		size_t i;

		if (strlen(want) != klen)
			continue;
		for (i = 0; i < klen; i++) {
			uint8_t c = s[i];

			if (c >= 'A' && c <= 'Z')
				c = (uint8_t)(c - 'A' + 'a');
			if (c != (uint8_t)want[i])
				break;
		}
		if (i == klen)
			return eq != NULL && klen < len - 1; /* a value */
	}
	return false;
}

/* TXT rdata: length-prefixed strings. */
static int
txt_strings(const uint8_t *r, size_t rlen, struct frames_mdns *out)
{
	for (size_t off = 0; off < rlen;) {
		size_t n = r[off++];
		struct frames_str s;
		bool dup = false;

		if (n > rlen - off)
			return FRAMES_BAD_TLV;
		s = frames_view(r + off, n);
		off += n;
		if (!key_wanted(s.p, s.len))
			continue;
		for (size_t i = 0; i < out->n_txt; i++)
			dup = dup || same(out->txt[i], s);
		if (!dup && out->n_txt < FRAMES_MDNS_MAX)
			out->txt[out->n_txt++] = s;
	}
	return FRAMES_OK;
}

/* A name inside rdata [start, end): its first label, kept. */
static int
rdata_name(const uint8_t *p, size_t start, size_t end, struct frames_mdns *out)
{
	struct dns_name n;
	int rc = dns_name(p, end, start, &n);

	if (rc == FRAMES_TRUNCATED)
		return FRAMES_BAD_TLV; /* runs past its record */
	if (rc == FRAMES_OK)
		add_name(out, n.first);
	return rc;
}

/* One resource record at *off; *off moves past it. */
static int
record(const uint8_t *p, size_t len, size_t *off, struct frames_mdns *out)
{
	struct dns_name owner;
	size_t r, rlen;
	uint16_t type;
	int rc;

	if ((rc = dns_name(p, len, *off, &owner)) != FRAMES_OK)
		return rc;
	if (len - owner.end < 10)
		return FRAMES_TRUNCATED;
	type = frames_get16(p + owner.end);
	rlen = frames_get16(p + owner.end + 8);
	r = owner.end + 10;
	if (rlen > len - r)
		return FRAMES_TRUNCATED;
	*off = r + rlen;
	out->n_records++;
	switch (type) {
	case TYPE_A:
	case TYPE_AAAA:
		add_name(out, owner.first); /* a host name */
		return FRAMES_OK;
	case TYPE_PTR:
		/* A service instance, or the host an address maps back to. */
		return rdata_name(p, r, r + rlen, out);
	case TYPE_SRV:
		add_name(out, owner.first);
		if (rlen < 7)
			return FRAMES_BAD_TLV;
		return rdata_name(p, r + 6, r + rlen, out); /* its host */
	case TYPE_TXT:
		add_name(out, owner.first);
		return txt_strings(p + r, rlen, out);
	default:
		return FRAMES_OK;
	}
}

int
frames_decode_mdns(const uint8_t *p, size_t len, struct frames_mdns *out)
{
	size_t off = DNS_HEADER, records;
	int reason = FRAMES_OK;

	memset(out, 0, sizeof(*out));
	if (len < DNS_HEADER)
		return FRAMES_TRUNCATED;
	out->id = frames_get16(p);
	out->flags = frames_get16(p + 2);
	out->response = (out->flags & DNS_QR) != 0;
	if ((out->flags & DNS_OPCODE) != 0)
		return FRAMES_UNSUPPORTED;
	/* A query names what its sender looks for, not the sender. */
	if (!out->response)
		return FRAMES_OK;
	for (size_t q = frames_get16(p + 4); q > 0; q--) {
		struct dns_name n;
		int rc = dns_name(p, len, off, &n);

		if (rc != FRAMES_OK)
			return rc;
		if (len - n.end < 4)
			return FRAMES_TRUNCATED;
		off = n.end + 4;
	}
	records = (size_t)frames_get16(p + 6) + frames_get16(p + 8) +
	    frames_get16(p + 10);
	for (; records > 0; records--) {
		size_t at = off;
		int rc = record(p, len, &off, out);

		/* A bad record of known length spoils only itself; one whose
		 * owner name is bad has no known length. */
		if (rc == FRAMES_BAD_TLV && off > at && off <= len) {
			frames_note(&reason, rc);
			continue;
		}
		if (rc != FRAMES_OK)
			return rc;
	}
	return reason;
}
