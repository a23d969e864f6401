/*
 * The classifier: turns raw evidence about a network element (sysObjectID,
 * sysDescr, ENTITY-MIB maker, LLDP/CDP text, SNMPv3 engineID, the private
 * MIBs an agent implements, MAC addresses, DHCP vendor class) into
 * assessed evidence, and fuses an
 * element's evidence into a verdict: vendor, risk, confidence, conflict.
 * It never does I/O after classifier_new.
 *
 * Fusion rule:
 * - Each kind has a strength (sysobjectid 0.95, entity-mfg 0.9, sysdescr
 *   0.85, lldp/cdp 0.8, engineid 0.7, private-mib 0.6, oui 0.5, dhcp 0.4);
 *   squatted or shared enterprise numbers (weak-enterprise) and texts
 *   other makers' boxes carry too (weak-entity-mfg, ...) count 0.3;
 *   enterprise numbers of generic stacks (net-snmp) name no maker;
 *   component evidence (a module or chip inside the chassis) is kept but
 *   never votes.
 * - private-mib (an enterprise subtree 1.3.6.1.4.1.N the agent implements)
 *   names N's vendor: weaker than an engineID, which the agent itself
 *   announces, because makers implement other makers' MIBs for
 *   compatibility (a UPS card answering a better-known UPS maker's MIB);
 *   stronger than a MAC, which names the maker of a network chip or
 *   module as often as the box's. It is never strong: it names an
 *   appliance that a generic stack leaves unnamed, and yields to
 *   sysObjectID, sysDescr and the rest without a conflict.
 * - Per vendor, strengths combine as 1 - prod(1 - s).
 * - Strong evidence is sysobjectid, entity-mfg, sysdescr, lldp or cdp at
 *   full strength. When strong evidence names one vendor, it wins over any
 *   weaker evidence. When it names two or more, `conflict` is set, the
 *   vendor with the highest combined score wins, and the risk is the worst
 *   risk among the strongly named vendors, so a possible Huawei box is
 *   never reported as risk none.
 * - Without strong evidence the highest combined score wins. Equal scores
 *   go to the vendor listed first in the catalogue, where the high-risk
 *   vendors are.
 * - confidence = winner's score * (1 - 0.5 * best other vendor's score).
 * - No usable evidence: vendor "", risk unknown, confidence 0.
 *
 * Enterprise numbers (sysObjectID 1.3.6.1.4.1.N..., SNMPv3 engineID) name
 * a maker in this order:
 * - a number the catalogue lists (enterprise, weak-enterprise);
 * - else the registrant the IANA registry (or the operator's additions)
 *   gives for it, when that name is one of a catalogue vendor's `org`
 *   aliases: that vendor, at the kind's full strength;
 * - else the registrant alone: vendor "enterprise-N" named after the
 *   registrant (vendor_name), risk unknown (the catalogue has not assessed
 *   it: never none, never high), strength 0.6 for a sysObjectID and 0.45
 *   for an engineID. Never strong, so any strong catalogue evidence wins
 *   without a conflict; on its own such an element has confidence 0.6
 *   (0.45 from an engineID alone), never more than 0.84 (both agreeing).
 * - numbers IANA lists as "Reserved" or "---none---" name no maker.
 */
#ifndef VRAUDIT_CLASSIFY_H
#define VRAUDIT_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/evidence.h"
#include "common/util.h"

#define CLASSIFY_OID_MAX 128 /* arcs kept of a parsed OID */

struct classifier;

/* What a classifier is built from; NULL leaves a source out. */
struct classifier_sources {
	const char *oui_dir; /* IEEE registry CSVs (Debian ieee-data) */
	const char *vendors; /* the operator's vendors.conf */
	/* IANA enterprise numbers (libwireshark-data's enterprises.tsv);
	 * a missing file is left out (classifier_enterprises_missing) */
	const char *enterprises;
	const char *enterprises_local; /* the operator's additions */
};

/*
 * Build a classifier from the built-in catalogue and the sources. NULL
 * with the reason ("PATH: what" or "PATH:LINE: what") in err.
 */
struct classifier *classifier_open(const struct classifier_sources *src,
    char *err, size_t errlen);
/* The same from the catalogue, vendors_path and oui_dir only (no IANA
 * registry: MACs only match operator blocks when oui_dir is NULL). */
struct classifier *classifier_new(const char *oui_dir, const char *vendors_path,
    char *err, size_t errlen);
/* "PATH: No such file or directory" when the IANA registry file was
 * missing and left out, else NULL. */
const char *classifier_enterprises_missing(const struct classifier *c);
/* Number of enterprise numbers loaded (registry and operator's file). */
size_t classifier_enterprises_count(const struct classifier *c);
/* Release a classifier; NULL is fine. */
void classifier_free(struct classifier *c);
/*
 * Assess one piece of evidence: out->vendor, strength and rule (out->value
 * points at value). 0, also when nothing matched (vendor "", strength 0,
 * rule says why); -1 when the value is malformed for its kind (a MAC that
 * is not a MAC, an OID that is not an OID, an engineID that is not hex, a
 * private MIB that is not an enterprise subtree 1.3.6.1.4.1.N).
 * An engineID's MAC is used only when its enterprise names no maker; to
 * record that MAC as evidence of its own, add it as EV_OUI
 * (classify_engineid_parse extracts it).
 */
int classify_assess(const struct classifier *c, enum evidence_kind kind,
    const char *value, struct evidence *out);
/* Fuse n assessed pieces of evidence into a verdict; 0, or -1 on bad args. */
int classify_fuse(const struct classifier *c, const struct evidence *ev,
    size_t n, struct verdict *out);
/* Hex digest of the catalogue texts, the registry files and the code version. */
const char *classifier_digest(const struct classifier *c);
/* The classifier as the store sees it (store_set_classifier). */
struct classifier_ops classifier_ops(struct classifier *c);
/* Name and risk of a vendor slug; -1 when the catalogue has no such vendor. */
int classifier_vendor(const struct classifier *c, const char *slug,
    const char **name, enum risk *risk);
/* Number of MA-L, MA-M and MA-S/IAB blocks loaded (bits 24, 28, 36). */
size_t classifier_registry_count(const struct classifier *c, unsigned bits);

/*
 * Decode an SNMP engineID given as hex (optionally "0x", ":" separators
 * allowed): its enterprise number and, for RFC 3411 format 3, the MAC it
 * carries (*has_mac). -1 when not hex or not 5..32 octets.
 */
int classify_engineid_parse(const char *s, uint32_t *enterprise,
    uint8_t mac[MAC_LEN], bool *has_mac);

#endif
