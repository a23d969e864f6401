/*
 * Frame decoders: pure functions from captured bytes to what they say about
 * the sender. Ethernet II and 802.3/LLC/SNAP, VLAN tag stacks, IPv4/IPv6,
 * GRE with ERSPAN I/II/III and transparent bridging (decoding the carried
 * frame), and the payloads that name equipment: LLDP (with LLDP-MED
 * inventory), CDP, ARP and DHCPv4, and what hosts say of themselves in
 * clear text over IP: SSH version banners, HTTP response heads (with a
 * UPnP device description), TLS certificates of TLS 1.2 and earlier,
 * SSDP and mDNS.
 *
 * No allocation, no I/O, no global state. Decoded strings are views into
 * the caller's buffer, valid as long as that buffer is; a text field's view
 * is the whole field, NUL bytes and padding included (text_from_wire, in
 * common/text.h, applies the storage rule to it). Decoders are given
 * the captured length (caplen), never the wire length, and check every
 * length before they read.
 */
#ifndef VRAUDIT_FRAMES_H
#define VRAUDIT_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/util.h"

#define FRAMES_MAX_VLANS 4     /* VLAN tags kept per Ethernet header */
#define FRAMES_MAX_LAYERS 3    /* outer frame plus frames carried in tunnels */
#define FRAMES_LLDP_MAX_MGMT 4 /* management addresses kept per LLDPDU */
#define FRAMES_CDP_MAX_ADDRS 4 /* addresses kept per CDP address TLV kind */
#define FRAMES_MDNS_MAX 8      /* names, and TXT strings, kept per message */

#define FRAMES_TCP_SYN 0x02
#define FRAMES_TCP_ACK 0x10

/* Why a frame, or part of it, could not be decoded. */
enum frames_reason {
	FRAMES_OK = 0,
	FRAMES_TRUNCATED,  /* a header or field runs past the captured bytes */
	FRAMES_BAD_LENGTH, /* a length field is impossible or out of range */
	FRAMES_BAD_HEADER, /* a version, magic or fixed field is wrong */
	FRAMES_BAD_TLV,    /* a TLV or option is malformed */
	FRAMES_UNSUPPORTED, /* a well-formed variant this decoder does not know */
	FRAMES_NOT_ETHERNET, /* type/length field is neither (1501..1535) */
	FRAMES_TOO_DEEP,     /* more VLAN tags or nested tunnels than kept */
	FRAMES_REASON_MAX
};

/* A view of bytes inside the decoded frame; not terminated. */
struct frames_str {
	const uint8_t *p;
	size_t len;
};

/* An IPv4 or IPv6 address as carried on the wire. */
struct frames_ip {
	uint8_t version;  /* 4 or 6 */
	uint8_t addr[16]; /* network order; IPv4 in the first four bytes */
};

/* How the next layer's frame was carried inside this one. */
enum frames_tunnel {
	FRAMES_TUNNEL_NONE = 0,
	FRAMES_TUNNEL_GRE_TEB, /* GRE 0x6558 transparent Ethernet bridging */
	FRAMES_TUNNEL_ERSPAN1, /* GRE 0x88be without sequence number */
	FRAMES_TUNNEL_ERSPAN2, /* GRE 0x88be with sequence number */
	FRAMES_TUNNEL_ERSPAN3, /* GRE 0x22eb */
};

/* One Ethernet header and the network headers that follow it. */
struct frames_layer {
	uint8_t dst[MAC_LEN];
	uint8_t src[MAC_LEN];
	uint16_t vlans[FRAMES_MAX_VLANS]; /* VLAN IDs, outermost first */
	size_t n_vlans;
	uint16_t ethertype; /* after tags and SNAP; 0 for plain LLC */
	bool llc;           /* IEEE 802.3 length frame with an LLC header */
	uint8_t dsap, ssap;
	bool snap;
	uint32_t snap_oui; /* SNAP organisation code; ethertype holds the PID */

	uint8_t ip_version; /* 0 (none), 4 or 6 */
	uint8_t ip_proto;   /* IPv4 protocol or IPv6 next header */
	uint8_t ip_ttl;     /* IPv4 time to live or IPv6 hop limit */
	struct frames_ip ip_src, ip_dst;
	bool ip_later_fragment; /* not the first fragment: payload skipped */
	uint16_t udp_sport, udp_dport; /* 0 unless UDP */
	uint16_t tcp_sport, tcp_dport; /* 0 unless TCP */
	uint8_t tcp_flags;             /* FRAMES_TCP_*; 0 unless TCP */

	enum frames_tunnel tunnel; /* how layer + 1 was carried */
	uint32_t gre_seq;          /* GRE sequence number, when present */
	uint16_t erspan_session;   /* ERSPAN II/III session ID */
	uint16_t erspan_vlan;      /* ERSPAN II/III original VLAN */
};

/* LLDP management address TLV. */
struct frames_lldp_mgmt {
	uint8_t addr_subtype;   /* IANA address family: 1 IPv4, 2 IPv6, ... */
	struct frames_str addr; /* the address bytes, without the subtype */
	uint8_t if_subtype;     /* 1 unknown, 2 ifIndex, 3 system port number */
	uint32_t if_number;
	struct frames_str oid; /* BER-encoded object identifier, may be empty */
};

/* An LLDPDU (IEEE 802.1AB) with LLDP-MED inventory (ANSI/TIA-1057). */
struct frames_lldp {
	uint8_t chassis_subtype;      /* 0 when no chassis ID TLV was seen */
	struct frames_str chassis_id; /* value after the subtype */
	bool has_chassis_mac;         /* subtype 4 with six bytes */
	uint8_t chassis_mac[MAC_LEN];
	bool has_chassis_ip; /* subtype 5 with an IPv4/IPv6 address */
	struct frames_ip chassis_ip;
	uint8_t port_subtype;
	struct frames_str port_id;
	bool has_ttl;
	uint16_t ttl;
	struct frames_str port_descr;
	struct frames_str sys_name;
	struct frames_str sys_descr;
	bool has_caps;
	uint16_t caps_available, caps_enabled;
	struct frames_lldp_mgmt mgmt[FRAMES_LLDP_MAX_MGMT];
	size_t n_mgmt;
	struct frames_str med_hw_rev, med_fw_rev, med_sw_rev, med_serial;
	struct frames_str med_manufacturer, med_model, med_asset_id;
	size_t n_tlvs; /* TLVs walked, End included */
	bool end_seen;
};

/* A CDP (Cisco Discovery Protocol) version 1 or 2 packet. */
struct frames_cdp {
	uint8_t version;
	uint8_t ttl;
	uint16_t checksum; /* as sent */
	bool checksum_ok;  /* matches the IP checksum of the packet */
	struct frames_str device_id;
	struct frames_str port_id;
	struct frames_str software; /* Version TLV */
	struct frames_str platform;
	struct frames_str vtp_domain;
	bool has_caps;
	uint32_t caps;
	bool has_native_vlan;
	uint16_t native_vlan;
	struct frames_ip addrs[FRAMES_CDP_MAX_ADDRS]; /* Address TLV */
	size_t n_addrs;
	struct frames_ip
	    mgmt[FRAMES_CDP_MAX_ADDRS]; /* Management Address TLV */
	size_t n_mgmt;
};

/* An ARP packet for Ethernet and IPv4. */
struct frames_arp {
	uint16_t op; /* 1 request, 2 reply, others kept as sent */
	uint8_t sha[MAC_LEN];
	uint8_t spa[4];
	uint8_t tha[MAC_LEN];
	uint8_t tpa[4];
};

/* A BOOTP/DHCPv4 message. */
struct frames_dhcp {
	uint8_t op; /* 1 request, 2 reply */
	uint8_t htype, hlen;
	uint32_t xid;
	uint8_t ciaddr[4], yiaddr[4], siaddr[4], giaddr[4];
	bool has_chaddr_mac; /* htype 1 with hlen 6 */
	uint8_t chaddr[MAC_LEN];
	bool has_cookie;  /* DHCP magic cookie present: options follow */
	uint8_t msg_type; /* option 53; 0 when absent */
	struct frames_str host_name;    /* option 12 */
	struct frames_str vendor_class; /* option 60 */
	struct frames_str client_id;    /* option 61, type byte included */
	bool has_client_mac;            /* option 61 of type 1 with six bytes */
	uint8_t client_mac[MAC_LEN];
	bool has_requested_ip; /* option 50 */
	uint8_t requested_ip[4];
	bool has_server_id; /* option 54 */
	uint8_t server_id[4];
	struct frames_str param_list; /* option 55: option codes, one a byte */
};

/* An SSH identification string (RFC 4253, 4.2) opening a TCP payload. */
struct frames_ssh {
	struct frames_str banner; /* "SSH-2.0-software comments", no CR LF;
				   * empty when the line does not end in
				   * the segment */
};

/*
 * An HTTP/1.x message head opening a TCP payload or an SSDP datagram, and
 * a UPnP device description in the body the segment holds. A head or
 * body that goes on in a later segment is read as far as this one goes.
 */
struct frames_http {
	bool response;            /* a status line; else an SSDP NOTIFY request,
			      * or a segment of body alone */
	bool notify;              /* NOTIFY * HTTP/1.x (SSDP announcement) */
	uint16_t status;          /* of a response */
	bool head_complete;       /* the empty line ending the head was seen */
	struct frames_str server; /* Server header, blanks around trimmed */
	bool upnp;                /* the body names the UPnP device namespace */
	struct frames_str manufacturer; /* UPnP <manufacturer> */
	struct frames_str model_name;   /* UPnP <modelName> */
};

/*
 * The first certificate of a TLS (1.2 and earlier) Certificate handshake
 * message that starts in one TCP segment: the organisation (O) and common
 * name (CN) of its subject and issuer, the first of each, as DER strings
 * (UTF8String, PrintableString, TeletexString, IA5String, VisibleString).
 * Certificates go on in later segments; what this one holds is read.
 */
struct frames_tls {
	uint16_t version;      /* of the first record */
	bool has_certificate;  /* a Certificate message starts here */
	bool subject_complete; /* the subject was read to its end */
	struct frames_str subject_o, subject_cn, issuer_o, issuer_cn;
};

/*
 * An mDNS message (RFC 6762, DNS format over UDP 5353). Names are kept by
 * their first label only, which is all that names a host or a service
 * instance and, unlike a whole name, is never split by compression.
 */
struct frames_mdns {
	uint16_t id, flags;
	bool response;    /* QR: only responses describe the sender */
	size_t n_records; /* resource records walked */
	/* First labels of host names (A, AAAA owners) and service
	 * instances (SRV, TXT owners, PTR targets); reverse-mapping and
	 * service-type names ("_ipp") left out; each once. */
	struct frames_str names[FRAMES_MDNS_MAX];
	size_t n_names;
	/* TXT strings whose key names a maker or a model (manufacturer,
	 * mfg, usb_MFG, usb_MDL, ty, product, model, md, vendor), as sent. */
	struct frames_str txt[FRAMES_MDNS_MAX];
	size_t n_txt;
};

enum frames_proto {
	FRAMES_PROTO_NONE = 0,
	FRAMES_PROTO_LLDP,
	FRAMES_PROTO_CDP,
	FRAMES_PROTO_ARP,
	FRAMES_PROTO_DHCP,
	FRAMES_PROTO_SSH,  /* ssh */
	FRAMES_PROTO_HTTP, /* http, over TCP */
	FRAMES_PROTO_TLS,  /* tls */
	FRAMES_PROTO_SSDP, /* http, over UDP */
	FRAMES_PROTO_MDNS, /* mdns */
	FRAMES_PROTO_COUNT
};

/*
 * A decoded frame. layers[0] is the frame as captured; layers[i + 1] is the
 * frame carried in layers[i]'s tunnel. The payload, if any, belongs to the
 * last layer. Every view points into the captured bytes.
 */
struct frame {
	struct frames_layer layers[FRAMES_MAX_LAYERS];
	size_t n_layers;           /* Ethernet headers decoded; 0 if none */
	enum frames_reason reason; /* what stopped decoding, or FRAMES_OK */
	enum frames_proto proto;   /* which member below is filled */
	union {
		struct frames_lldp lldp;
		struct frames_cdp cdp;
		struct frames_arp arp;
		struct frames_dhcp dhcp;
		struct frames_ssh ssh;
		struct frames_http http;
		struct frames_tls tls;
		struct frames_mdns mdns;
	};
};

/* Decode caplen captured bytes of an Ethernet frame into out; returns
 * FRAMES_OK or the reason decoding stopped (out keeps what was decoded). */
int frames_decode(const uint8_t *p, size_t caplen, struct frame *out);
/* What frames_decode would return for caplen bytes of a plain Ethernet II
 * IPv4 frame that carries neither GRE, DHCP, a TCP SYN nor a payload one
 * of the decoders below takes (its only layer is the captured one, its
 * payload none), read without filling a struct frame; -1 for any other
 * frame, which needs frames_decode. */
int frames_decode_plain(const uint8_t *p, size_t caplen);
/* Decode an LLDPDU (the bytes after the ethertype). */
int frames_decode_lldp(const uint8_t *p, size_t len, struct frames_lldp *out);
/* Decode a CDP packet (the bytes after the SNAP header). */
int frames_decode_cdp(const uint8_t *p, size_t len, struct frames_cdp *out);
/* Decode an ARP packet (the bytes after the ethertype). */
int frames_decode_arp(const uint8_t *p, size_t len, struct frames_arp *out);
/* Decode a BOOTP/DHCPv4 message (the UDP payload). */
int frames_decode_dhcp(const uint8_t *p, size_t len, struct frames_dhcp *out);
/* Decode the SSH identification line opening a TCP payload. */
int frames_decode_ssh(const uint8_t *p, size_t len, struct frames_ssh *out);
/* Decode an HTTP/1.x head (and UPnP description) or SSDP datagram. */
int frames_decode_http(const uint8_t *p, size_t len, struct frames_http *out);
/* Decode the TLS records opening a TCP payload, up to a certificate. */
int frames_decode_tls(const uint8_t *p, size_t len, struct frames_tls *out);
/* Decode an mDNS message (the UDP payload). */
int frames_decode_mdns(const uint8_t *p, size_t len, struct frames_mdns *out);
/* Which decoder a TCP payload of len bytes goes to, by its first bytes:
 * FRAMES_PROTO_SSH, _HTTP, _TLS or _NONE. */
enum frames_proto frames_tcp_payload(const uint8_t *p, size_t len);
/* Which decoder a UDP payload goes to, by its ports and first bytes:
 * FRAMES_PROTO_MDNS, _SSDP or _NONE (DHCP is chosen before). */
enum frames_proto frames_udp_payload(uint16_t sport, uint16_t dport,
    const uint8_t *p, size_t len);

/* The IPv4/IPv6 address of an LLDP management address TLV; -1 for other
 * address families or sizes. */
int frames_lldp_mgmt_ip(const struct frames_lldp_mgmt *m, struct frames_ip *ip);
/* Short stable name of a reason ("truncated", "bad-tlv", ...). */
const char *frames_reason_name(int reason);
/* Format a MAC address as aa:bb:cc:dd:ee:ff. */
void frames_mac_str(const uint8_t mac[MAC_LEN], char out[MAC_STRLEN]);
/* Format an address as text into out (at least 46 bytes); -1 if invalid. */
int frames_ip_str(const struct frames_ip *ip, char *out, size_t size);
/* True when the view equals the C string s. */
bool frames_str_eq(struct frames_str s, const char *cstr);

#endif
