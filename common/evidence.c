/*
 * Names of evidence kinds and risk classes, as they appear in the database,
 * the configuration and the command line.
 */
#include "common/evidence.h"

#include <string.h>

static const char *const kind_names[EV_KIND_COUNT] = {
	[EV_SYSOBJECTID] = "sysobjectid",
	[EV_ENTITY_MFG] = "entity-mfg",
	[EV_SYSDESCR] = "sysdescr",
	[EV_LLDP] = "lldp",
	[EV_CDP] = "cdp",
	[EV_ENGINEID] = "engineid",
	[EV_UPNP] = "upnp",
	[EV_PRIVATE_MIB] = "private-mib",
	[EV_TLS] = "tls",
	[EV_SSH] = "ssh",
	[EV_OUI] = "oui",
	[EV_HTTP] = "http",
	[EV_SSDP] = "ssdp",
	[EV_MDNS] = "mdns",
	[EV_DHCP] = "dhcp",
	[EV_DHCP_PRL] = "dhcp-prl",
	[EV_COMPONENT] = "component",
};

static const char *const risk_names[] = {
	[RISK_UNKNOWN] = "unknown",
	[RISK_NONE] = "none",
	[RISK_WATCH] = "watch",
	[RISK_HIGH] = "high",
};

const char *
evidence_kind_name(enum evidence_kind kind)
{
	if ((unsigned)kind >= EV_KIND_COUNT)
		return "invalid";
	return kind_names[kind];
}

int
evidence_kind_parse(const char *name)
{
	for (int i = 0; i < EV_KIND_COUNT; i++)
		if (strcmp(name, kind_names[i]) == 0)
			return i;
	return -1;
}

const char *
risk_name(enum risk risk)
{
	if ((unsigned)risk > RISK_HIGH)
		return "invalid";
	return risk_names[risk];
}

int
risk_parse(const char *name)
{
	for (int i = 0; i <= RISK_HIGH; i++)
		if (strcmp(name, risk_names[i]) == 0)
			return i;
	return -1;
}
