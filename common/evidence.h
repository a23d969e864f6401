/*
 * The vocabulary shared by probes, the classifier and the store: kinds of
 * evidence, risk classes, one classified piece of evidence and the verdict
 * fused from them, strongest kind first (vraudit-schema(7), evidence).
 */
#ifndef VRAUDIT_EVIDENCE_H
#define VRAUDIT_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>

/* Kinds of evidence, strongest first. Names are the `kind` column's values. */
enum evidence_kind {
	EV_SYSOBJECTID, /* "sysobjectid": SNMP sysObjectID, dotted numeric */
	EV_ENTITY_MFG, /* "entity-mfg": entPhysicalMfgName of the chassis row */
	EV_SYSDESCR,   /* "sysdescr": SNMP sysDescr text */
	EV_LLDP, /* "lldp": LLDP system description or LLDP-MED manufacturer */
	EV_CDP,  /* "cdp": CDP version or platform text */
	EV_ENGINEID, /* "engineid": SNMPv3 engineID, hex */
	EV_UPNP, /* "upnp": UPnP description <manufacturer> or <modelName> */
	EV_PRIVATE_MIB, /* "private-mib": an enterprise subtree an SNMP agent
			   implements, 1.3.6.1.4.1.N */
	EV_TLS, /* "tls": TLS certificate name, "subject O=...", "issuer CN=..." */
	EV_SSH,  /* "ssh": SSH server identification, "SSH-2.0-..." */
	EV_OUI,  /* "oui": a chassis or interface MAC, aa:bb:cc:dd:ee:ff */
	EV_HTTP, /* "http": HTTP response Server header */
	EV_SSDP, /* "ssdp": SSDP announcement or answer SERVER header */
	EV_MDNS, /* "mdns": mDNS host or service name, or TXT "key=value" */
	EV_DHCP, /* "dhcp": DHCP option 60 vendor class or option 12 host name */
	EV_DHCP_PRL,  /* "dhcp-prl": DHCP option 55 codes, "1,3,6,15" */
	EV_COMPONENT, /* "component": maker of a module inside the chassis */
	EV_KIND_COUNT
};

/* Risk class of a vendor; ordered so that a larger value is worse. */
enum risk {
	RISK_UNKNOWN, /* "unknown": no usable evidence */
	RISK_NONE,  /* "none": identified, not a watched or high-risk vendor */
	RISK_WATCH, /* "watch": a vendor the operator watches */
	RISK_HIGH,  /* "high": named by a national rule */
};

#define VENDOR_SLUG_MAX 32
#define VENDOR_NAME_MAX 64
#define RULE_MAX 96
#define DIGEST_STRLEN 17 /* 64-bit digest in hex and its terminator */

/* One classified piece of evidence. `value` is borrowed, never owned. */
struct evidence {
	enum evidence_kind kind;
	const char *value;
	char vendor[VENDOR_SLUG_MAX]; /* vendor slug, "" when none matched */
	double strength;     /* weight in [0,1]; 0 = carries no vendor */
	char rule[RULE_MAX]; /* which rule matched, for the auditor */
};

/* What the classifier concludes about one element. */
struct verdict {
	char vendor[VENDOR_SLUG_MAX]; /* "" when unknown */
	char vendor_name[VENDOR_NAME_MAX];
	enum risk risk;
	double confidence;          /* in [0,1] */
	bool conflict;              /* strong evidence names two vendors */
	char digest[DIGEST_STRLEN]; /* digest of the rules that produced it */
};

/*
 * How the store asks for classification without depending on the
 * classifier's internals: assess one piece of evidence, fuse an element's
 * evidence into a verdict, and name the rules in force.
 */
struct classifier_ops {
	/* Fill out->vendor, strength and rule for (kind, value); 0 or -1. */
	int (*assess)(void *ctx, enum evidence_kind kind, const char *value,
	    struct evidence *out);
	/* Fuse n assessed pieces of evidence into a verdict; 0 or -1. */
	int (*fuse)(void *ctx, const struct evidence *ev, size_t n,
	    struct verdict *out);
	/* Digest of the rules in force (vendors.conf, registry, code version). */
	const char *(*digest)(void *ctx);
	void *ctx;
};

/* The name of a kind as stored ("sysobjectid", "oui", ...). */
const char *evidence_kind_name(enum evidence_kind kind);
/* Parse a kind name; -1 when unknown. */
int evidence_kind_parse(const char *name);
/* The name of a risk class ("high", "watch", "none", "unknown"). */
const char *risk_name(enum risk risk);
/* Parse a risk class name; -1 when unknown. */
int risk_parse(const char *name);

#endif
