/*
 * TLS certificates in clear: up to TLS 1.2 the Certificate handshake
 * message travels unencrypted, and its first certificate names who sent it
 * (its subject) and who signed it (its issuer). A device's factory
 * certificate names its maker in both.
 *
 * Only the records that open a TCP segment are read, and no record is
 * joined with the next segment: a certificate list runs over several
 * segments, but subject and issuer sit in the first few hundred bytes of
 * the first certificate, in the segment that opens the message. So two
 * bounds hold at every step of the DER walk: the length each element
 * declares, which a well-formed certificate never exceeds (an element
 * past its container's end is malformed), and the bytes this segment
 * holds, where reading stops without error.
 */
#include "probes/frames.h"

#include <string.h>

#include "probes/frames_private.h"

#define TLS_HANDSHAKE 22
#define TLS_CERTIFICATE 11
#define TLS_RECORD_MAX (16384 + 2048) /* RFC 5246, 6.2.3 */

#define DER_INTEGER 0x02
#define DER_OID 0x06
#define DER_SEQUENCE 0x30
#define DER_SET 0x31
#define DER_VERSION 0xa0 /* [0] EXPLICIT, before the serial number */

/* The segment ends inside the element: stop, keep what was read. */
#define CUT (-1)

/* One DER element: where its content starts and ends. */
struct der {
	uint8_t tag;
	size_t start, end;
};

/*
 * The element at pos of b, inside a container that ends at dend; b holds
 * have bytes. FRAMES_OK, CUT when the header lies past the bytes there,
 * FRAMES_BAD_LENGTH when the element cannot fit its container.
 */
static int
der_elem(const uint8_t *b, size_t have, size_t pos, size_t dend, struct der *d)
{
	size_t hdr = 2, len;

	if (pos >= dend || dend - pos < 2)
		return FRAMES_BAD_LENGTH;
	if (have < pos + 2)
		return CUT;
	/* High tag numbers never occur in the fields read here. */
	if ((b[pos] & 0x1f) == 0x1f)
		return FRAMES_BAD_HEADER;
	len = b[pos + 1];
	if (len & 0x80) {
		size_t n = len & 0x7f;

		/* Indefinite length is not DER; 2^24 is past any TLS
		 * certificate (its length has three bytes). */
		if (n == 0 || n > 3)
			return FRAMES_BAD_LENGTH;
		if (dend - pos < 2 + n)
			return FRAMES_BAD_LENGTH;
		if (have < pos + 2 + n)
			return CUT;
		len = 0;
		for (size_t i = 0; i < n; i++)
			len = len << 8 | b[pos + 2 + i];
		hdr += n;
	}
	if (len > dend - pos - hdr)
		return FRAMES_BAD_LENGTH;
	d->tag = b[pos];
	d->start = pos + hdr;
	d->end = pos + hdr + len;
	return FRAMES_OK;
}

/* The next element of a container, of the tag expected. */
static int
der_expect(const uint8_t *b, size_t have, size_t pos, size_t dend, uint8_t tag,
    struct der *d)
{
	int rc = der_elem(b, have, pos, dend, d);

	if (rc == FRAMES_OK && d->tag != tag)
		return FRAMES_BAD_HEADER;
	return rc;
}

static bool
text_string(uint8_t tag)
{
	/* UTF8String, PrintableString, TeletexString, IA5String,
	 * VisibleString; BMPString and UniversalString are not bytes of
	 * text, and are left out. */
	return tag == 0x0c || tag == 0x13 || tag == 0x14 || tag == 0x16 ||
	    tag == 0x1a;
}

/* id-at-organizationName (2.5.4.10) and id-at-commonName (2.5.4.3). */
static const uint8_t oid_o[] = { 0x55, 0x04, 0x0a };
static const uint8_t oid_cn[] = { 0x55, 0x04, 0x03 };

static bool
oid_is(const uint8_t *b, const struct der *oid, const uint8_t *want, size_t n)
{
	return oid->end - oid->start == n &&
	    memcmp(b + oid->start, want, n) == 0;
}

/* One AttributeTypeAndValue: keep the first O and CN. */
static int
dn_attribute(const uint8_t *b, size_t have, const struct der *atv,
    struct frames_str *o, struct frames_str *cn)
{
	struct der oid, val;
	int rc;

	if ((rc = der_expect(b, have, atv->start, atv->end, DER_OID, &oid)) !=
	    FRAMES_OK)
		return rc;
	if ((rc = der_elem(b, have, oid.end, atv->end, &val)) != FRAMES_OK)
		return rc;
	if (val.end > have)
		return CUT;
	if (!text_string(val.tag))
		return FRAMES_OK;
	if (o->len == 0 && oid_is(b, &oid, oid_o, sizeof(oid_o)))
		*o = frames_view(b + val.start, val.end - val.start);
	else if (cn->len == 0 && oid_is(b, &oid, oid_cn, sizeof(oid_cn)))
		*cn = frames_view(b + val.start, val.end - val.start);
	return FRAMES_OK;
}

/* A Name: a SEQUENCE of SETs of AttributeTypeAndValue. */
static int
dn_read(const uint8_t *b, size_t have, const struct der *name,
    struct frames_str *o, struct frames_str *cn)
{
	for (size_t pos = name->start; pos < name->end;) {
		struct der set;
		int rc = der_expect(b, have, pos, name->end, DER_SET, &set);

		if (rc != FRAMES_OK)
			return rc;
		for (size_t q = set.start; q < set.end;) {
			struct der atv;

			if ((rc = der_expect(b, have, q, set.end, DER_SEQUENCE,
				 &atv)) != FRAMES_OK ||
			    (rc = dn_attribute(b, have, &atv, o, cn)) !=
				FRAMES_OK)
				return rc;
			q = atv.end;
		}
		pos = set.end;
	}
	return FRAMES_OK;
}

/*
 * An X.509 certificate of total bytes, have of them here: the subject and
 * issuer of its tbsCertificate (RFC 5280, 4.1).
 */
static int
x509_names(const uint8_t *b, size_t have, size_t total, struct frames_tls *out)
{
	struct der cert, tbs, e;
	size_t pos;
	int rc;

	if ((rc = der_expect(b, have, 0, total, DER_SEQUENCE, &cert)) !=
		FRAMES_OK ||
	    (rc = der_expect(b, have, cert.start, cert.end, DER_SEQUENCE,
		 &tbs)) != FRAMES_OK ||
	    (rc = der_elem(b, have, tbs.start, tbs.end, &e)) != FRAMES_OK)
		return rc;
	if (e.tag == DER_VERSION &&
	    (rc = der_elem(b, have, e.end, tbs.end, &e)) != FRAMES_OK)
		return rc;
	if (e.tag != DER_INTEGER) /* the serial number */
		return FRAMES_BAD_HEADER;
	pos = e.end;
	/* signature AlgorithmIdentifier, then the issuer */
	if ((rc = der_expect(b, have, pos, tbs.end, DER_SEQUENCE, &e)) !=
		FRAMES_OK ||
	    (rc = der_expect(b, have, e.end, tbs.end, DER_SEQUENCE, &e)) !=
		FRAMES_OK ||
	    (rc = dn_read(b, have, &e, &out->issuer_o, &out->issuer_cn)) !=
		FRAMES_OK)
		return rc;
	/* validity, then the subject */
	if ((rc = der_expect(b, have, e.end, tbs.end, DER_SEQUENCE, &e)) !=
		FRAMES_OK ||
	    (rc = der_expect(b, have, e.end, tbs.end, DER_SEQUENCE, &e)) !=
		FRAMES_OK ||
	    (rc = dn_read(b, have, &e, &out->subject_o, &out->subject_cn)) !=
		FRAMES_OK)
		return rc;
	out->subject_complete = true;
	return FRAMES_OK;
}

/* A Certificate message of hlen bytes, have of them here (RFC 5246,
 * 7.4.2): the list's length, then each certificate's and its DER. */
static int
certificate_msg(const uint8_t *p, size_t have, size_t hlen,
    struct frames_tls *out)
{
	size_t list, clen;

	out->has_certificate = true;
	if (hlen < 3)
		return FRAMES_BAD_LENGTH;
	if (have < 3)
		return FRAMES_OK;
	list = frames_get24(p);
	if (list != hlen - 3)
		return FRAMES_BAD_LENGTH;
	if (list == 0)
		return FRAMES_OK; /* a client without a certificate */
	if (list < 3)
		return FRAMES_BAD_LENGTH;
	if (have < 6)
		return FRAMES_OK;
	clen = frames_get24(p + 3);
	if (clen == 0 || clen > list - 3)
		return FRAMES_BAD_LENGTH;
	return x509_names(p + 6, have - 6 < clen ? have - 6 : clen, clen, out);
}

/* The handshake messages in a record's have bytes (of rlen). */
static int
handshakes(const uint8_t *p, size_t have, struct frames_tls *out)
{
	size_t off = 0;

	while (have - off >= 4) {
		uint8_t type = p[off];
		size_t hlen = frames_get24(p + off + 1), left = have - off - 4;

		if (type == TLS_CERTIFICATE)
			return certificate_msg(p + off + 4,
			    hlen < left ? hlen : left, hlen, out);
		if (hlen > left)
			return FRAMES_OK; /* goes on in a later record */
		off += 4 + hlen;
	}
	return FRAMES_OK;
}

int
frames_decode_tls(const uint8_t *p, size_t len, struct frames_tls *out)
{
	size_t off = 0;

	memset(out, 0, sizeof(*out));
	while (len - off >= 5) {
		size_t rlen = frames_get16(p + off + 3), have;
		int rc;

		/* Handshake records lead; what follows them is encrypted. */
		if (p[off] != TLS_HANDSHAKE)
			return FRAMES_OK;
		if (p[off + 1] != 3 || p[off + 2] > 3)
			return FRAMES_BAD_HEADER;
		if (rlen == 0 || rlen > TLS_RECORD_MAX)
			return FRAMES_BAD_LENGTH;
		if (out->version == 0)
			out->version = frames_get16(p + off + 1);
		have = len - off - 5 < rlen ? len - off - 5 : rlen;
		rc = handshakes(p + off + 5, have, out);
		if (rc == CUT)
			rc = FRAMES_OK;
		if (rc != FRAMES_OK || out->has_certificate || have < rlen)
			return rc;
		off += 5 + rlen;
	}
	return FRAMES_OK;
}
