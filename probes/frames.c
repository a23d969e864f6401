/*
 * Frame decoders. Every read of frame bytes is preceded by a check against
 * the remaining captured length; lengths are size_t throughout, so a 9-bit
 * LLDP length or a 16-bit CDP length can never wrap a counter. Decoding
 * stops at the first structural error (a length that runs past the data);
 * a malformed field inside an intact TLV is noted and the walk goes on, so
 * the caller keeps everything that could be read.
 */
#include "probes/frames.h"
#include "probes/frames_private.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_TEB 0x6558
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_QINQ 0x88a8
#define ETHERTYPE_ERSPAN 0x88be
#define ETHERTYPE_LLDP 0x88cc
#define ETHERTYPE_QINQ_OLD 0x9100
#define ETHERTYPE_QINQ_OLD2 0x9200
#define ETHERTYPE_ERSPAN3 0x22eb

#define OUI_ENCAP 0x000000  /* RFC 1042: SNAP PID is an ethertype */
#define OUI_BRIDGE 0x0000f8 /* 802.1H bridge tunnel: likewise */
#define OUI_CISCO 0x00000c
#define OUI_TIA 0x0012bb /* LLDP-MED */
#define PID_CDP 0x2000

#define IPPROTO_NUM_TCP 6
#define IPPROTO_NUM_UDP 17
#define IPPROTO_NUM_GRE 47

#define GRE_CSUM 0x8000
#define GRE_ROUTING 0x4000
#define GRE_KEY 0x2000
#define GRE_SEQ 0x1000
#define GRE_VERSION 0x0007

static int decode_eth(const uint8_t *, size_t, struct frame *, size_t);

static const char *const reason_names[FRAMES_REASON_MAX] = {
	[FRAMES_OK] = "ok",
	[FRAMES_TRUNCATED] = "truncated",
	[FRAMES_BAD_LENGTH] = "bad-length",
	[FRAMES_BAD_HEADER] = "bad-header",
	[FRAMES_BAD_TLV] = "bad-tlv",
	[FRAMES_UNSUPPORTED] = "unsupported",
	[FRAMES_NOT_ETHERNET] = "not-ethernet",
	[FRAMES_TOO_DEEP] = "too-deep",
};

const char *
frames_reason_name(int reason)
{
	if (reason < 0 || reason >= FRAMES_REASON_MAX)
		return "unknown";
	return reason_names[reason];
}

void
frames_mac_str(const uint8_t mac[MAC_LEN], char out[MAC_STRLEN])
{
	/* Kept here rather than in util.c: the decoders link on their own. */
	snprintf(out, MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0],
	    mac[1], mac[2], mac[3], mac[4], mac[5]);
}

int
frames_ip_str(const struct frames_ip *ip, char *out, size_t size)
{
	int af;

	if (size > 0)
		out[0] = '\0';
	if (ip->version == 4)
		af = AF_INET;
	else if (ip->version == 6)
		af = AF_INET6;
	else
		return -1;
	if (size > (size_t)INT32_MAX)
		size = INT32_MAX;
	if (inet_ntop(af, ip->addr, out, (socklen_t)size) == NULL)
		return -1;
	return 0;
}

bool
frames_str_eq(struct frames_str s, const char *cstr)
{
	size_t len = strlen(cstr);

	return s.len == len && (len == 0 || memcmp(s.p, cstr, len) == 0);
}

/* LLDP */

static int
lldp_mgmt(const uint8_t *v, size_t len, struct frames_lldp *out)
{
	struct frames_lldp_mgmt *m;
	size_t alen, o, oidlen;

	/* CVE-2017-13027: every inner length is bounded by the TLV length. */
	if (len < 1)
		return FRAMES_BAD_TLV;
	alen = v[0]; /* subtype byte plus address */
	if (alen < 2 || alen > 32 || len - 1 < alen)
		return FRAMES_BAD_TLV;
	o = 1 + alen;
	if (len - o < 6)
		return FRAMES_BAD_TLV;
	oidlen = v[o + 5];
	if (oidlen > 128 || len - o - 6 < oidlen)
		return FRAMES_BAD_TLV;
	if (out->n_mgmt == FRAMES_LLDP_MAX_MGMT)
		return FRAMES_OK;
	m = &out->mgmt[out->n_mgmt++];
	m->addr_subtype = v[1];
	m->addr = frames_view(v + 2, alen - 1);
	m->if_subtype = v[o];
	m->if_number = frames_get32(v + o + 1);
	m->oid = frames_view(v + o + 6, oidlen);
	return FRAMES_OK;
}

int
frames_lldp_mgmt_ip(const struct frames_lldp_mgmt *m, struct frames_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (m->addr_subtype == 1 && m->addr.len == 4)
		ip->version = 4;
	else if (m->addr_subtype == 2 && m->addr.len == 16)
		ip->version = 6;
	else
		return -1;
	memcpy(ip->addr, m->addr.p, m->addr.len);
	return 0;
}

static int
lldp_org(const uint8_t *v, size_t len, struct frames_lldp *out)
{
	struct frames_str s;

	if (len < 4)
		return FRAMES_BAD_TLV;
	if (frames_get24(v) != OUI_TIA)
		return FRAMES_OK;
	s = frames_view(v + 4, len - 4);
	switch (v[3]) {
	case 5:
		out->med_hw_rev = s;
		break;
	case 6:
		out->med_fw_rev = s;
		break;
	case 7:
		out->med_sw_rev = s;
		break;
	case 8:
		out->med_serial = s;
		break;
	case 9:
		out->med_manufacturer = s;
		break;
	case 10:
		out->med_model = s;
		break;
	case 11:
		out->med_asset_id = s;
		break;
	default:
		break;
	}
	return FRAMES_OK;
}

static int
lldp_chassis(const uint8_t *v, size_t len, struct frames_lldp *out)
{
	if (len < 2)
		return FRAMES_BAD_TLV;
	out->chassis_subtype = v[0];
	out->chassis_id = frames_view(v + 1, len - 1);
	if (v[0] == 4 && len - 1 == MAC_LEN) {
		out->has_chassis_mac = true;
		memcpy(out->chassis_mac, v + 1, MAC_LEN);
	} else if (v[0] == 5) {
		/* Network address: IANA family byte, then the address. */
		if (len < 3)
			return FRAMES_BAD_TLV;
		if (v[1] == 1 && len - 2 == 4) {
			out->has_chassis_ip = true;
			out->chassis_ip.version = 4;
			memcpy(out->chassis_ip.addr, v + 2, 4);
		} else if (v[1] == 2 && len - 2 == 16) {
			out->has_chassis_ip = true;
			out->chassis_ip.version = 6;
			memcpy(out->chassis_ip.addr, v + 2, 16);
		}
	}
	return FRAMES_OK;
}

int
frames_decode_lldp(const uint8_t *p, size_t len, struct frames_lldp *out)
{
	int reason = FRAMES_OK;
	size_t off = 0;

	memset(out, 0, sizeof(*out));
	while (off < len) {
		const uint8_t *v;
		unsigned type;
		size_t tlen;

		if (len - off < 2)
			return FRAMES_TRUNCATED;
		/* 7-bit type, 9-bit length (CVE-2017-12997: never a byte). */
		type = p[off] >> 1;
		tlen = (size_t)(p[off] & 0x01) << 8 | p[off + 1];
		off += 2;
		if (tlen > len - off)
			return FRAMES_TRUNCATED;
		v = p + off;
		off += tlen;
		out->n_tlvs++;
		switch (type) {
		case 0:
			out->end_seen = true;
			if (tlen != 0)
				frames_note(&reason, FRAMES_BAD_TLV);
			return reason;
		case 1:
			frames_note(&reason, lldp_chassis(v, tlen, out));
			break;
		case 2:
			if (tlen < 2) {
				frames_note(&reason, FRAMES_BAD_TLV);
				break;
			}
			out->port_subtype = v[0];
			out->port_id = frames_view(v + 1, tlen - 1);
			break;
		case 3:
			if (tlen < 2) {
				frames_note(&reason, FRAMES_BAD_TLV);
				break;
			}
			out->has_ttl = true;
			out->ttl = frames_get16(v);
			break;
		case 4:
			out->port_descr = frames_view(v, tlen);
			break;
		case 5:
			out->sys_name = frames_view(v, tlen);
			break;
		case 6:
			out->sys_descr = frames_view(v, tlen);
			break;
		case 7:
			if (tlen < 4) {
				frames_note(&reason, FRAMES_BAD_TLV);
				break;
			}
			out->has_caps = true;
			out->caps_available = frames_get16(v);
			out->caps_enabled = frames_get16(v + 2);
			break;
		case 8:
			frames_note(&reason, lldp_mgmt(v, tlen, out));
			break;
		case 127:
			frames_note(&reason, lldp_org(v, tlen, out));
			break;
		default:
			break;
		}
	}
	/* Ran out of bytes before the End TLV. */
	frames_note(&reason, FRAMES_TRUNCATED);
	return reason;
}

/* CDP */

/* RFC 1071 sum; CDP uses the IP checksum over the whole packet. */
static uint16_t
cdp_checksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += frames_get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static int
cdp_addrs(const uint8_t *v, size_t len, struct frames_ip *addrs, size_t *n)
{
	static const uint8_t ipv6_proto[8] = { 0xaa, 0xaa, 0x03, 0x00, 0x00,
		0x00, 0x86, 0xdd };
	uint32_t count, i;
	size_t off = 4;

	if (len < 4)
		return FRAMES_BAD_TLV;
	count = frames_get32(v);
	/* Each address takes at least 4 bytes, so len bounds the loop. */
	for (i = 0; i < count; i++) {
		const uint8_t *proto, *addr;
		size_t plen, alen;
		uint8_t ptype;

		if (len - off < 2)
			return FRAMES_BAD_TLV;
		ptype = v[off];
		plen = v[off + 1];
		off += 2;
		if (len - off < plen || len - off - plen < 2)
			return FRAMES_BAD_TLV;
		proto = v + off;
		off += plen;
		alen = frames_get16(v + off);
		off += 2;
		if (len - off < alen)
			return FRAMES_BAD_TLV;
		addr = v + off;
		off += alen;
		if (*n == FRAMES_CDP_MAX_ADDRS)
			continue;
		if (ptype == 1 && plen == 1 && proto[0] == 0xcc && alen == 4) {
			addrs[*n].version = 4;
			memcpy(addrs[*n].addr, addr, 4);
			(*n)++;
		} else if (ptype == 2 && plen == sizeof(ipv6_proto) &&
		    memcmp(proto, ipv6_proto, plen) == 0 && alen == 16) {
			addrs[*n].version = 6;
			memcpy(addrs[*n].addr, addr, 16);
			(*n)++;
		}
	}
	return FRAMES_OK;
}

int
frames_decode_cdp(const uint8_t *p, size_t len, struct frames_cdp *out)
{
	int reason = FRAMES_OK;
	size_t off = 4;

	memset(out, 0, sizeof(*out));
	if (len < 4)
		return FRAMES_TRUNCATED;
	out->version = p[0];
	out->ttl = p[1];
	out->checksum = frames_get16(p + 2);
	if (p[0] != 1 && p[0] != 2)
		return FRAMES_UNSUPPORTED;
	/* Informational only: some stacks compute odd lengths differently. */
	out->checksum_ok = cdp_checksum(p, len) == 0;
	while (off < len) {
		const uint8_t *v;
		size_t tlen, vlen;
		uint16_t type;

		if (len - off < 4)
			return FRAMES_TRUNCATED;
		type = frames_get16(p + off);
		tlen =
		    frames_get16(p + off + 2); /* includes the 4-byte header */
		if (tlen < 4)
			return FRAMES_BAD_TLV;
		if (tlen > len - off)
			return FRAMES_TRUNCATED;
		v = p + off + 4;
		vlen = tlen - 4;
		off += tlen;
		switch (type) {
		case 0x0001:
			out->device_id = frames_view(v, vlen);
			break;
		case 0x0002:
			frames_note(&reason,
			    cdp_addrs(v, vlen, out->addrs, &out->n_addrs));
			break;
		case 0x0003:
			out->port_id = frames_view(v, vlen);
			break;
		case 0x0004:
			if (vlen < 4) {
				frames_note(&reason, FRAMES_BAD_TLV);
				break;
			}
			out->has_caps = true;
			out->caps = frames_get32(v);
			break;
		case 0x0005:
			out->software = frames_view(v, vlen);
			break;
		case 0x0006:
			out->platform = frames_view(v, vlen);
			break;
		case 0x0009:
			out->vtp_domain = frames_view(v, vlen);
			break;
		case 0x000a:
			if (vlen < 2) {
				frames_note(&reason, FRAMES_BAD_TLV);
				break;
			}
			out->has_native_vlan = true;
			out->native_vlan = frames_get16(v);
			break;
		case 0x0016:
			frames_note(&reason,
			    cdp_addrs(v, vlen, out->mgmt, &out->n_mgmt));
			break;
		default:
			break;
		}
	}
	return reason;
}

/* ARP */

int
frames_decode_arp(const uint8_t *p, size_t len, struct frames_arp *out)
{
	memset(out, 0, sizeof(*out));
	if (len < 8)
		return FRAMES_TRUNCATED;
	/* Check the address lengths before anything is copied (CVE-2016-7923). */
	if (p[4] != MAC_LEN || p[5] != 4)
		return FRAMES_BAD_LENGTH;
	if (frames_get16(p) != 1 || frames_get16(p + 2) != ETHERTYPE_IPV4)
		return FRAMES_UNSUPPORTED;
	if (len < 28)
		return FRAMES_TRUNCATED;
	out->op = frames_get16(p + 6);
	memcpy(out->sha, p + 8, MAC_LEN);
	memcpy(out->spa, p + 14, 4);
	memcpy(out->tha, p + 18, MAC_LEN);
	memcpy(out->tpa, p + 24, 4);
	return FRAMES_OK;
}

/* DHCP */

#define BOOTP_FIXED 236 /* op .. file, before the vendor area */
#define DHCP_COOKIE 0x63825363

static void
dhcp_option(uint8_t code, const uint8_t *v, size_t len, struct frames_dhcp *out,
    int *reason)
{
	switch (code) {
	case 12:
		out->host_name = frames_view(v, len);
		break;
	case 50:
		if (len != 4) {
			frames_note(reason, FRAMES_BAD_TLV);
			break;
		}
		out->has_requested_ip = true;
		memcpy(out->requested_ip, v, 4);
		break;
	case 53:
		if (len != 1) {
			frames_note(reason, FRAMES_BAD_TLV);
			break;
		}
		out->msg_type = v[0];
		break;
	case 54:
		if (len != 4) {
			frames_note(reason, FRAMES_BAD_TLV);
			break;
		}
		out->has_server_id = true;
		memcpy(out->server_id, v, 4);
		break;
	case 55:
		out->param_list = frames_view(v, len);
		break;
	case 60:
		out->vendor_class = frames_view(v, len);
		break;
	case 61:
		if (len < 2) {
			frames_note(reason, FRAMES_BAD_TLV);
			break;
		}
		out->client_id = frames_view(v, len);
		if (v[0] == 1 && len == 1 + MAC_LEN) {
			out->has_client_mac = true;
			memcpy(out->client_mac, v + 1, MAC_LEN);
		}
		break;
	default:
		break;
	}
}

int
frames_decode_dhcp(const uint8_t *p, size_t len, struct frames_dhcp *out)
{
	int reason = FRAMES_OK;
	size_t off;

	memset(out, 0, sizeof(*out));
	if (len < BOOTP_FIXED)
		return FRAMES_TRUNCATED;
	out->op = p[0];
	out->htype = p[1];
	out->hlen = p[2];
	out->xid = frames_get32(p + 4);
	memcpy(out->ciaddr, p + 12, 4);
	memcpy(out->yiaddr, p + 16, 4);
	memcpy(out->siaddr, p + 20, 4);
	memcpy(out->giaddr, p + 24, 4);
	if (out->hlen > 16)
		return FRAMES_BAD_LENGTH; /* chaddr is 16 bytes */
	if (out->htype == 1 && out->hlen == MAC_LEN) {
		out->has_chaddr_mac = true;
		memcpy(out->chaddr, p + 28, MAC_LEN);
	}
	if (len - BOOTP_FIXED < 4)
		return FRAMES_TRUNCATED;
	if (frames_get32(p + BOOTP_FIXED) != DHCP_COOKIE)
		return FRAMES_OK; /* plain BOOTP */
	out->has_cookie = true;
	off = BOOTP_FIXED + 4;
	while (off < len) {
		uint8_t code = p[off++];
		size_t olen;

		if (code == 0)
			continue;
		if (code == 255)
			return reason;
		if (off == len)
			return FRAMES_TRUNCATED;
		olen = p[off++];
		if (olen > len - off)
			return FRAMES_TRUNCATED;
		dhcp_option(code, p + off, olen, out, &reason);
		off += olen;
	}
	/* No End option before the end of the data. */
	frames_note(&reason, FRAMES_TRUNCATED);
	return reason;
}

/* Network and tunnel layers */

static int
decode_gre(const uint8_t *p, size_t len, struct frame *f, size_t depth)
{
	struct frames_layer *l = &f->layers[depth];
	uint16_t flags, ptype;
	size_t off = 4;

	if (len < 4)
		return FRAMES_TRUNCATED;
	flags = frames_get16(p);
	ptype = frames_get16(p + 2);
	if ((flags & GRE_VERSION) != 0 || (flags & GRE_ROUTING) != 0)
		return FRAMES_UNSUPPORTED;
	if (flags & GRE_CSUM)
		off += 4;
	if (flags & GRE_KEY)
		off += 4;
	if (off > len)
		return FRAMES_TRUNCATED;
	if (flags & GRE_SEQ) {
		if (len - off < 4)
			return FRAMES_TRUNCATED;
		l->gre_seq = frames_get32(p + off);
		off += 4;
	}
	switch (ptype) {
	case ETHERTYPE_TEB:
		l->tunnel = FRAMES_TUNNEL_GRE_TEB;
		break;
	case ETHERTYPE_ERSPAN:
		if (!(flags & GRE_SEQ)) {
			/* Type I: the mirrored frame follows GRE directly. */
			l->tunnel = FRAMES_TUNNEL_ERSPAN1;
			break;
		}
		if (len - off < 8)
			return FRAMES_TRUNCATED;
		if (p[off] >> 4 != 1)
			return FRAMES_BAD_HEADER;
		l->tunnel = FRAMES_TUNNEL_ERSPAN2;
		l->erspan_vlan = frames_get16(p + off) & 0x0fff;
		l->erspan_session = frames_get16(p + off + 2) & 0x03ff;
		off += 8;
		break;
	case ETHERTYPE_ERSPAN3:
		if (len - off < 12)
			return FRAMES_TRUNCATED;
		if (p[off] >> 4 != 2)
			return FRAMES_BAD_HEADER;
		l->tunnel = FRAMES_TUNNEL_ERSPAN3;
		l->erspan_vlan = frames_get16(p + off) & 0x0fff;
		l->erspan_session = frames_get16(p + off + 2) & 0x03ff;
		/* Frame type 0 is Ethernet; 2 (IP) carries no MACs. */
		if (((p[off + 10] >> 2) & 0x1f) != 0)
			return FRAMES_UNSUPPORTED;
		/* O bit: an 8-byte platform-specific sub-header follows. */
		if (p[off + 11] & 0x01) {
			if (len - off - 12 < 8)
				return FRAMES_TRUNCATED;
			off += 8;
		}
		off += 12;
		break;
	default:
		return FRAMES_OK; /* IP in GRE and others: nothing to learn */
	}
	if (depth + 1 >= FRAMES_MAX_LAYERS)
		return FRAMES_TOO_DEEP;
	return decode_eth(p + off, len - off, f, depth + 1);
}

/* An application payload, to the decoder frames_tcp_payload or
 * frames_udp_payload chose. */
static int
decode_app(enum frames_proto proto, const uint8_t *p, size_t len,
    struct frame *f)
{
	f->proto = proto;
	switch (proto) {
	case FRAMES_PROTO_SSH:
		return frames_decode_ssh(p, len, &f->ssh);
	case FRAMES_PROTO_HTTP:
	case FRAMES_PROTO_SSDP:
		return frames_decode_http(p, len, &f->http);
	case FRAMES_PROTO_TLS:
		return frames_decode_tls(p, len, &f->tls);
	case FRAMES_PROTO_MDNS:
		return frames_decode_mdns(p, len, &f->mdns);
	default:
		return FRAMES_OK;
	}
}

/* A TCP header's length, checked against the bytes there are. */
static int
tcp_length(const uint8_t *p, size_t len, size_t *hlen)
{
	if (len < 20)
		return FRAMES_TRUNCATED;
	*hlen = (size_t)(p[12] >> 4) * 4;
	if (*hlen < 20)
		return FRAMES_BAD_LENGTH;
	if (*hlen > len)
		return FRAMES_TRUNCATED;
	return FRAMES_OK;
}

static int
decode_ip_payload(uint8_t proto, const uint8_t *p, size_t len, struct frame *f,
    size_t depth)
{
	struct frames_layer *l = &f->layers[depth];
	size_t ulen, hlen;
	int rc;

	switch (proto) {
	case IPPROTO_NUM_TCP:
		if ((rc = tcp_length(p, len, &hlen)) != FRAMES_OK)
			return rc;
		l->tcp_sport = frames_get16(p);
		l->tcp_dport = frames_get16(p + 2);
		l->tcp_flags = p[13];
		return decode_app(frames_tcp_payload(p + hlen, len - hlen),
		    p + hlen, len - hlen, f);
	case IPPROTO_NUM_UDP:
		if (len < 8)
			return FRAMES_TRUNCATED;
		l->udp_sport = frames_get16(p);
		l->udp_dport = frames_get16(p + 2);
		ulen = frames_get16(p + 4);
		if (ulen < 8)
			return FRAMES_BAD_LENGTH;
		ulen -= 8;
		if (ulen > len - 8)
			ulen = len - 8; /* decode what was captured */
		if (l->ip_version == 4 &&
		    (l->udp_sport == 67 || l->udp_sport == 68) &&
		    (l->udp_dport == 67 || l->udp_dport == 68)) {
			f->proto = FRAMES_PROTO_DHCP;
			return frames_decode_dhcp(p + 8, ulen, &f->dhcp);
		}
		return decode_app(frames_udp_payload(l->udp_sport, l->udp_dport,
				      p + 8, ulen),
		    p + 8, ulen, f);
	case IPPROTO_NUM_GRE:
		return decode_gre(p, len, f, depth);
	default:
		return FRAMES_OK;
	}
}

/* An IPv4 header's length and the packet's total length, checked
 * against each other and against the bytes there are. */
static int
ipv4_lengths(const uint8_t *p, size_t len, size_t *hlen, size_t *tlen)
{
	if (len < 20)
		return FRAMES_TRUNCATED;
	if (p[0] >> 4 != 4)
		return FRAMES_BAD_HEADER;
	*hlen = (size_t)(p[0] & 0x0f) * 4;
	*tlen = frames_get16(p + 2);
	if (*hlen < 20 || *tlen < *hlen)
		return FRAMES_BAD_LENGTH;
	if (*hlen > len)
		return FRAMES_TRUNCATED;
	return FRAMES_OK;
}

static int
decode_ipv4(const uint8_t *p, size_t len, struct frame *f, size_t depth)
{
	struct frames_layer *l = &f->layers[depth];
	size_t hlen, tlen;
	int rc;

	if ((rc = ipv4_lengths(p, len, &hlen, &tlen)) != FRAMES_OK)
		return rc;
	l->ip_version = 4;
	l->ip_proto = p[9];
	l->ip_ttl = p[8];
	l->ip_src.version = l->ip_dst.version = 4;
	memcpy(l->ip_src.addr, p + 12, 4);
	memcpy(l->ip_dst.addr, p + 16, 4);
	if ((frames_get16(p + 6) & 0x1fff) != 0) {
		/* Only the first fragment carries the upper-layer header. */
		l->ip_later_fragment = true;
		return FRAMES_OK;
	}
	/* The total length excludes Ethernet padding; caplen may cut it. */
	if (tlen > len)
		tlen = len;
	return decode_ip_payload(l->ip_proto, p + hlen, tlen - hlen, f, depth);
}

static int
decode_ipv6(const uint8_t *p, size_t len, struct frame *f, size_t depth)
{
	struct frames_layer *l = &f->layers[depth];
	size_t plen;

	if (len < 40)
		return FRAMES_TRUNCATED;
	if (p[0] >> 4 != 6)
		return FRAMES_BAD_HEADER;
	l->ip_version = 6;
	l->ip_proto = p[6];
	l->ip_ttl = p[7];
	l->ip_src.version = l->ip_dst.version = 6;
	memcpy(l->ip_src.addr, p + 8, 16);
	memcpy(l->ip_dst.addr, p + 24, 16);
	plen = frames_get16(p + 4);
	if (plen > len - 40)
		plen = len - 40;
	/* Extension headers are not followed. */
	return decode_ip_payload(l->ip_proto, p + 40, plen, f, depth);
}

static int
decode_ethertype(uint16_t type, const uint8_t *p, size_t len, struct frame *f,
    size_t depth)
{
	switch (type) {
	case ETHERTYPE_LLDP:
		f->proto = FRAMES_PROTO_LLDP;
		return frames_decode_lldp(p, len, &f->lldp);
	case ETHERTYPE_ARP:
		f->proto = FRAMES_PROTO_ARP;
		return frames_decode_arp(p, len, &f->arp);
	case ETHERTYPE_IPV4:
		return decode_ipv4(p, len, f, depth);
	case ETHERTYPE_IPV6:
		return decode_ipv6(p, len, f, depth);
	default:
		return FRAMES_OK;
	}
}

static int
decode_llc(const uint8_t *p, size_t len, struct frame *f, size_t depth)
{
	struct frames_layer *l = &f->layers[depth];

	if (len < 3)
		return FRAMES_TRUNCATED;
	l->llc = true;
	l->dsap = p[0];
	l->ssap = p[1];
	if (p[0] != 0xaa || p[1] != 0xaa || p[2] != 0x03)
		return FRAMES_OK; /* STP and other LLC users */
	if (len < 8)
		return FRAMES_TRUNCATED;
	l->snap = true;
	l->snap_oui = frames_get24(p + 3);
	l->ethertype = frames_get16(p + 6);
	if (l->snap_oui == OUI_CISCO && l->ethertype == PID_CDP) {
		f->proto = FRAMES_PROTO_CDP;
		return frames_decode_cdp(p + 8, len - 8, &f->cdp);
	}
	if (l->snap_oui == OUI_ENCAP || l->snap_oui == OUI_BRIDGE)
		return decode_ethertype(l->ethertype, p + 8, len - 8, f, depth);
	return FRAMES_OK;
}

static int
decode_eth(const uint8_t *p, size_t len, struct frame *f, size_t depth)
{
	struct frames_layer *l = &f->layers[depth];
	uint16_t type;
	size_t off = 14;

	if (len < 14)
		return FRAMES_TRUNCATED;
	f->n_layers = depth + 1;
	memcpy(l->dst, p, MAC_LEN);
	memcpy(l->src, p + 6, MAC_LEN);
	type = frames_get16(p + 12);
	while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ ||
	    type == ETHERTYPE_QINQ_OLD || type == ETHERTYPE_QINQ_OLD2) {
		if (len - off < 4)
			return FRAMES_TRUNCATED;
		if (l->n_vlans == FRAMES_MAX_VLANS)
			return FRAMES_TOO_DEEP;
		l->vlans[l->n_vlans++] = frames_get16(p + off) & 0x0fff;
		type = frames_get16(p + off + 2);
		off += 4;
	}
	if (type <= 1500) {
		/* 802.3: the length field also marks where padding starts. */
		size_t plen = len - off;

		if (type < plen)
			plen = type;
		return decode_llc(p + off, plen, f, depth);
	}
	if (type < 0x0600)
		return FRAMES_NOT_ETHERNET;
	l->ethertype = type;
	return decode_ethertype(type, p + off, len - off, f, depth);
}

/*
 * Most captured frames are plain IPv4 whose only use is their source MAC.
 * This repeats, check for check and in the same order, what decode_eth,
 * decode_ipv4 and decode_ip_payload do with such a frame, and hands
 * anything else (tags, LLC, other ethertypes, GRE, DHCP ports, TCP SYNs,
 * payloads the application decoders take) back.
 */
int
frames_decode_plain(const uint8_t *p, size_t caplen)
{
	size_t len, hlen, tlen, thlen, ulen;
	uint16_t sport, dport;
	uint8_t proto;
	int rc;

	if (p == NULL || caplen < 14 || frames_get16(p + 12) != ETHERTYPE_IPV4)
		return -1;
	p += 14;
	len = caplen - 14;
	if ((rc = ipv4_lengths(p, len, &hlen, &tlen)) != FRAMES_OK)
		return rc;
	if ((frames_get16(p + 6) & 0x1fff) != 0)
		return FRAMES_OK;
	if (tlen > len)
		tlen = len;
	proto = p[9];
	p += hlen;
	len = tlen - hlen;
	switch (proto) {
	case IPPROTO_NUM_TCP:
		if ((rc = tcp_length(p, len, &thlen)) != FRAMES_OK)
			return rc;
		/* SYNs tell who opened a connection (passive.c). */
		if ((p[13] & FRAMES_TCP_SYN) != 0 ||
		    frames_tcp_payload(p + thlen, len - thlen) !=
			FRAMES_PROTO_NONE)
			return -1;
		return FRAMES_OK;
	case IPPROTO_NUM_UDP:
		if (len < 8)
			return FRAMES_TRUNCATED;
		sport = frames_get16(p);
		dport = frames_get16(p + 2);
		ulen = frames_get16(p + 4);
		if (ulen < 8)
			return FRAMES_BAD_LENGTH;
		if ((sport == 67 || sport == 68) &&
		    (dport == 67 || dport == 68))
			return -1;
		ulen -= 8;
		if (ulen > len - 8)
			ulen = len - 8;
		if (frames_udp_payload(sport, dport, p + 8, ulen) !=
		    FRAMES_PROTO_NONE)
			return -1;
		return FRAMES_OK;
	case IPPROTO_NUM_GRE:
		return -1;
	default:
		return FRAMES_OK;
	}
}

int
frames_decode(const uint8_t *p, size_t caplen, struct frame *out)
{
	memset(out, 0, sizeof(*out));
	if (p == NULL)
		caplen = 0;
	out->reason = (enum frames_reason)decode_eth(p, caplen, out, 0);
	return (int)out->reason;
}
