/*
 * The classifier: assessing each kind of evidence (the vendor table's
 * sysObjectIDs, sysDescr and entity texts, MACs, engineIDs, private MIBs,
 * DHCP classes),
 * squatted and shared enterprise numbers, arc-by-arc OID comparison,
 * malformed input, fusing evidence into verdicts (conflicts, components,
 * weak evidence), operator catalogues and the digest of the rules.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify/classify.h"
#include "common/oid.h"
#include "common/text.h"
#include "common/util.h"
#include "tests/lib/testenv.h"

static char err[512];

static struct classifier *
make(const char *vendors_path)
{
	struct classifier *c = classifier_new(testenv_fixture("ieee/basic"),
	    vendors_path, err, sizeof(err));

	ck_assert_msg(c != NULL, "%s", err);
	return c;
}

/*
 * The table-driven tests (one forked child per row) only read their
 * classifier: they share one per test case, made once by an unchecked
 * fixture before the children are forked rather than once per row, which
 * under the sanitizers was most of their time. A classifier that cannot
 * be made still fails the run.
 */
static struct classifier *shared;

static void
shared_make(void)
{
	shared = make(NULL);
}

static void
shared_free(void)
{
	classifier_free(shared);
	shared = NULL;
}

#define STRONG 1 /* full strength of its kind */
#define WEAK 2   /* 0.3: squatted or shared number */
#define NONE 3   /* no vendor */

static const struct {
	enum evidence_kind kind;
	const char *value;
	const char *vendor;
	int class;
	double strength;  /* when STRONG */
	const char *rule; /* expected rule text, exact */
} assessments[] = {
	/* sysObjectID: enterprise numbers of the vendor table. */
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.2011.2.23.1", "huawei", STRONG, 0.95,
	    "enterprise 2011 (huawei)" },
	{ EV_SYSOBJECTID, ".1.3.6.1.4.1.2011.2.235.1", "huawei", STRONG, 0.95,
	    "enterprise 2011 (huawei)" },
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.34774.4.1", "huawei", STRONG, 0.95,
	    "enterprise 34774 (huawei)" },
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.3902.3.100.1", "zte", STRONG, 0.95,
	    "enterprise 3902 (zte)" },
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.37496.1", "dahua", STRONG, 0.95,
	    "enterprise 37496 (dahua)" },
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.40297.1.2", "hytera", STRONG, 0.95,
	    "enterprise 40297 (hytera)" },
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.9.1.516", "cisco", STRONG, 0.95,
	    "enterprise 9 (cisco)" },
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.2636.1.1.1.2.25", "juniper", STRONG,
	    0.95, "enterprise 2636 (juniper)" },
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.6527.1.3.17", "nokia", STRONG, 0.95,
	    "enterprise 6527 (nokia)" },
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.193.223.2.1", "ericsson", STRONG, 0.95,
	    "enterprise 193 (ericsson)" },
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.30065.1.3011", "arista", STRONG, 0.95,
	    "enterprise 30065 (arista)" },
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.1271.3", "ciena", STRONG, 0.95,
	    "enterprise 1271 (ciena)" },
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.6141.1.96", "ciena", STRONG, 0.95,
	    "enterprise 6141 (ciena)" },
	/* Squatted or shared numbers: weak. */
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.39165.1.6", "hikvision", WEAK, 0,
	    "enterprise 39165 (hikvision): squatted or shared, weak" },
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.50001.1.1", "hikvision", WEAK, 0,
	    "enterprise 50001 (hikvision): squatted or shared, weak" },
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.1004849.2.1", "dahua", WEAK, 0,
	    "enterprise 1004849 (dahua): squatted or shared, weak" },
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.25506.11.1.136", "h3c", WEAK, 0,
	    "enterprise 25506 (h3c): squatted or shared, weak" },
	/* Generic stacks name no maker. */
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.26381.1", "", NONE, 0,
	    "enterprise 26381 (lwip): generic software, names no maker" },
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.8072.3.2.10", "", NONE, 0,
	    "enterprise 8072 (net-snmp): generic software, names no maker" },
	/* Arc by arc: 20110 is not 2011, 1.3.6.1.4 is not enterprises. */
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.20110.1", "", NONE, 0,
	    "enterprise 20110: not in the catalogue" },
	{ EV_SYSOBJECTID, "1.3.6.1.4.10.2011", "", NONE, 0,
	    "not under enterprises (1.3.6.1.4.1)" },
	{ EV_SYSOBJECTID, "1.3.6.1.4.1", "", NONE, 0,
	    "not under enterprises (1.3.6.1.4.1)" },
	{ EV_SYSOBJECTID, "1.3.6.1.2.1.1.2.0", "", NONE, 0,
	    "not under enterprises (1.3.6.1.4.1)" },
	/* sysDescr texts of the vendor table. */
	{ EV_SYSDESCR,
	    "Huawei Versatile Routing Platform Software\r\nVRP (R) software, Version 8.190",
	    "huawei", STRONG, 0.85,
	    "sysdescr /Huawei Versatile Routing Platform/" },
	{ EV_SYSDESCR,
	    "VRP (R) software, Version 8.190 (CE6800 V200R005C10SPC607B607)",
	    "huawei", STRONG, 0.85, "sysdescr /VRP \\(R\\) software/" },
	{ EV_SYSDESCR, "Huawei YunShan OS Version 1.22.0.1", "huawei", STRONG,
	    0.85, "sysdescr /Huawei YunShan OS/" },
	{ EV_SYSDESCR, "Huawei Integrated Access Software (MA5600T)", "huawei",
	    STRONG, 0.85, "sysdescr /Huawei Integrated Access Software/" },
	{ EV_SYSDESCR, "ZTE 5950-36TM Software, 5900 Version: V3.03.10", "zte",
	    STRONG, 0.85, "sysdescr /ZTE/" },
	{ EV_SYSDESCR, "ZXR10 ROS Version V4.8.01A", "zte", STRONG, 0.85,
	    "sysdescr /ZXR10/" },
	{ EV_SYSDESCR,
	    "C320 Version V2.1.0 Software, Copyright (c) by ZTE Corporation",
	    "zte", STRONG, 0.85, "sysdescr /ZTE Corporation/" },
	{ EV_SYSDESCR, "Hikvision company products", "hikvision", STRONG, 0.85,
	    "sysdescr /Hikvision/" },
	{ EV_SYSDESCR, "DH-NVR4108HS-8P-4KS2", "dahua", STRONG, 0.85,
	    "sysdescr /DH-(NVR|XVR|HCVR|DVR|IPC|SD)[[:alnum:]-]*/" },
	{ EV_SYSDESCR, "NVR", "", NONE, 0, "no vendor pattern matched" },
	{ EV_SYSDESCR,
	    "H3C Comware Platform Software, Software Version 7.1.064\r\nNew H3C Technologies Co., Ltd.",
	    "h3c", STRONG, 0.85, "sysdescr /H3C Comware/" },
	{ EV_SYSDESCR, "HP Comware Platform Software, Software Version 5.20.99",
	    "h3c", STRONG, 0.85, "sysdescr /HPE? Comware/" },
	{ EV_SYSDESCR, "TiMOS-B-7.0.R13 both/mpc ALCATEL SAS-M 7210", "nokia",
	    STRONG, 0.85, "sysdescr /TiMOS/" },
	{ EV_SYSDESCR, "Cisco IOS XR Software (Cisco ASR9K Series)", "cisco",
	    STRONG, 0.85, "sysdescr /Cisco IOS XR Software/" },
	{ EV_SYSDESCR, "Arista Networks EOS version 4.24.2F", "arista", STRONG,
	    0.85, "sysdescr /Arista Networks EOS/" },
	{ EV_SYSDESCR, "Microsemi SyncServer S650", "microsemi", STRONG, 0.85,
	    "sysdescr /Microsemi/" },
	{ EV_SYSDESCR, "", "", NONE, 0, "no vendor pattern matched" },
	{ EV_SYSDESCR, "\xff\xfe binary \x01 junk \xc3", "", NONE, 0,
	    "no vendor pattern matched" },
	/* ENTITY-MIB maker of the chassis. */
	{ EV_ENTITY_MFG, "HUAWEI", "huawei", STRONG, 0.90,
	    "entity-mfg /Huawei/" },
	{ EV_ENTITY_MFG, "Huawei", "huawei", STRONG, 0.90,
	    "entity-mfg /Huawei/" },
	{ EV_ENTITY_MFG, "ZTE", "zte", STRONG, 0.90, "entity-mfg /ZTE/" },
	{ EV_ENTITY_MFG, "Honor Device Co., Ltd.", "honor", STRONG, 0.90,
	    "org \"Honor Device Co., Ltd.\"" },
	{ EV_ENTITY_MFG, "SHENZHEN HONOR ELECTRONIC CO.,LTD", "", NONE, 0,
	    "no vendor pattern matched" },
	{ EV_ENTITY_MFG, "Aztech Electronics Pte Ltd", "", NONE, 0,
	    "no vendor pattern matched" },
	{ EV_ENTITY_MFG, "Shenztech Ltd", "", NONE, 0,
	    "no vendor pattern matched" },
	{ EV_ENTITY_MFG, "ZTEC Instruments, Inc.", "", NONE, 0,
	    "no vendor pattern matched" },
	{ EV_ENTITY_MFG, "Naztec, Inc.", "", NONE, 0,
	    "no vendor pattern matched" },
	{ EV_ENTITY_MFG, "Wuxi Zhongxing Optoelectronics Technology Co.,Ltd.",
	    "", NONE, 0, "no vendor pattern matched" },
	{ EV_ENTITY_MFG, "Shanghai Dahua Scale Factory", "dahua-scale", STRONG,
	    0.90, "entity-mfg /Shanghai Dahua Scale/" },
	{ EV_ENTITY_MFG, "Hangzhou Ezviz Software Co.,Ltd.", "hikvision",
	    STRONG, 0.90, "entity-mfg /EZVIZ/" },
	/* HP-branded Comware boxes may carry "H3C" entity rows: weak. */
	{ EV_ENTITY_MFG, "H3C", "h3c", WEAK, 0, "entity-mfg /H3C/, weak" },
	{ EV_ENTITY_MFG, "New H3C Technologies Co., Ltd.", "h3c", STRONG, 0.90,
	    "entity-mfg /New H3C/" },
	/* Components: recorded with their maker. */
	{ EV_COMPONENT, "HISILICON", "huawei", STRONG, 0.20,
	    "component /HiSilicon/" },
	{ EV_COMPONENT, "Broadcom", "broadcom", STRONG, 0.20,
	    "component /Broadcom/" },
	/* LLDP/CDP fall back on sysDescr and maker patterns. */
	{ EV_LLDP, "Huawei Versatile Routing Platform Software", "huawei",
	    STRONG, 0.80, "lldp-sysdescr /Huawei Versatile Routing Platform/" },
	{ EV_LLDP, "ZTE", "zte", STRONG, 0.80, "lldp-sysdescr /ZTE/" },
	{ EV_CDP, "cisco WS-C3750X-48P", "cisco", STRONG, 0.80, "cdp /Cisco/" },
	/* A rule names the kind it matched, then the patterns when they are
	 * another kind's. */
	{ EV_CDP, "ZXR10 ROS Version V4.8.23", "zte", STRONG, 0.80,
	    "cdp-sysdescr /ZXR10/" },
	/* MACs against the fixture registry. */
	{ EV_OUI, "00:25:9e:01:02:03", "huawei", STRONG, 0.50,
	    "oui MA-L 00:25:9E HUAWEI TECHNOLOGIES CO.,LTD" },
	{ EV_OUI, "0018.baaa.bbcc", "cisco", STRONG, 0.50,
	    "oui MA-L 00:18:BA Cisco Systems, Inc" },
	{ EV_OUI, "90:ff:d6:00:00:01", "honor", STRONG, 0.50,
	    "oui MA-L 90:FF:D6 Honor Device Co., Ltd." },
	{ EV_OUI, "40:2c:76:1a:00:01", "dahua-scale", STRONG, 0.50,
	    "oui MA-M 40:2C:76:1/28 Shanghai Dahua Scale Factory" },
	{ EV_OUI, "70:b3:d5:f2:f0:01", "", NONE, 0,
	    "oui MA-S 70:B3:D5:F2:F/36 TELEPLATFORMS" },
	{ EV_OUI, "02:25:9e:01:02:03", "", NONE, 0,
	    "locally administered address: names no maker" },
	{ EV_OUI, "01:00:5e:00:00:fb", "", NONE, 0,
	    "multicast address: names no maker" },
	{ EV_OUI, "00:00:00:00:00:00", "", NONE, 0,
	    "all-zero address: names no maker" },
	{ EV_OUI, "00:00:5e:00:00:01", "", NONE, 0,
	    "unlisted address: no registry block" },
	/* engineIDs: enterprise number with the top bit set; format 3 = MAC. */
	{ EV_ENGINEID, "800007db03001122334455", "huawei", STRONG, 0.70,
	    "engineid enterprise 2011 (huawei)" },
	{ EV_ENGINEID, "0x80000f3e03aabbccddeeff", "zte", STRONG, 0.70,
	    "engineid enterprise 3902 (zte)" },
	{ EV_ENGINEID, "80:00:1f:88:03:00:25:9e:01:02:03", "huawei", STRONG,
	    0.50,
	    "engineid mac oui MA-L 00:25:9E HUAWEI TECHNOLOGIES CO.,LTD" },
	{ EV_ENGINEID, "80001f880474657374", "", NONE, 0,
	    "engineid enterprise 8072 (net-snmp): generic software, names no maker" },
	{ EV_ENGINEID, "800098fd03001122334455", "hikvision", WEAK, 0,
	    "engineid enterprise 39165 (hikvision): squatted or shared, weak" },
	/* RFC 1910 form: no top bit, twelve octets. */
	{ EV_ENGINEID, "000000090000000a01020304", "cisco", STRONG, 0.70,
	    "engineid enterprise 9 (cisco)" },
	/* Private MIBs: the enterprise numbers of the catalogue, weaker. */
	{ EV_PRIVATE_MIB, "1.3.6.1.4.1.2011", "huawei", STRONG, 0.60,
	    "private-mib enterprise 2011 (huawei)" },
	{ EV_PRIVATE_MIB, "1.3.6.1.4.1.3902", "zte", STRONG, 0.60,
	    "private-mib enterprise 3902 (zte)" },
	{ EV_PRIVATE_MIB, "1.3.6.1.4.1.9", "cisco", STRONG, 0.60,
	    "private-mib enterprise 9 (cisco)" },
	{ EV_PRIVATE_MIB, "1.3.6.1.4.1.39165", "hikvision", WEAK, 0,
	    "private-mib enterprise 39165 (hikvision): squatted or shared, "
	    "weak" },
	{ EV_PRIVATE_MIB, "1.3.6.1.4.1.8072", "", NONE, 0,
	    "private-mib enterprise 8072 (net-snmp): generic software, names "
	    "no maker" },
	{ EV_PRIVATE_MIB, "1.3.6.1.4.1.20110", "", NONE, 0,
	    "private-mib enterprise 20110: not in the catalogue" },
	/* DHCP vendor class. */
	{ EV_DHCP, "HUAWEI:android:ELE-L29", "huawei", STRONG, 0.40,
	    "dhcp /HUAWEI/" },
	{ EV_DHCP, "MSFT 5.0", "", NONE, 0, "no vendor pattern matched" },
	/* SSH server banners: the maker's name, or the catalogue's ssh
	 * patterns; the common servers name no one. */
	{ EV_SSH, "SSH-2.0-HUAWEI-1.5", "huawei", STRONG, 0.60,
	    "ssh-entity-mfg /Huawei/" },
	{ EV_SSH, "SSH-2.0-ZTE_SSH.2.0", "zte", STRONG, 0.60,
	    "ssh-entity-mfg /ZTE/" },
	{ EV_SSH, "SSH-2.0-Cisco-1.25", "cisco", STRONG, 0.60,
	    "ssh-entity-mfg /Cisco( Systems)?/" },
	{ EV_SSH, "SSH-2.0-ROSSSH", "mikrotik", STRONG, 0.60, "ssh /ROSSSH/" },
	{ EV_SSH, "SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u3", "", NONE, 0,
	    "no vendor pattern matched" },
	{ EV_SSH, "SSH-2.0-dropbear_2019.78", "", NONE, 0,
	    "no vendor pattern matched" },
	/* HTTP and SSDP Server headers. */
	{ EV_HTTP, "DNVRS-Webs", "hikvision", STRONG, 0.50,
	    "http /DNVRS-Webs/" },
	{ EV_HTTP, "ZTE web server 1.0 ZTE corp 2015.", "zte", STRONG, 0.50,
	    "http-entity-mfg /ZTE/" },
	{ EV_HTTP, "nginx/1.18.0", "", NONE, 0, "no vendor pattern matched" },
	{ EV_HTTP, "Apache/2.4.41 (Ubuntu)", "", NONE, 0,
	    "no vendor pattern matched" },
	{ EV_HTTP, "lighttpd/1.4.59", "", NONE, 0,
	    "no vendor pattern matched" },
	{ EV_HTTP, "Microsoft-IIS/6.0", "", NONE, 0,
	    "no vendor pattern matched" },
	{ EV_SSDP, "Linux/3.4 UPnP/1.0 HuaweiHomeGateway/1.0", "huawei", STRONG,
	    0.50, "ssdp-http /HuaweiHomeGateway/" },
	{ EV_SSDP, "Linux/2.6.35 UPnP/1.0 miniupnpd/1.5", "", NONE, 0,
	    "no vendor pattern matched" },
	/* TLS certificate names: maker and model patterns, IEEE names. */
	{ EV_TLS, "subject O=Huawei Technologies Co., Ltd.", "huawei", STRONG,
	    0.60, "tls-entity-mfg /Huawei/" },
	{ EV_TLS, "issuer O=Zhongxing Telecom Ltd.", "zte", STRONG, 0.60,
	    "tls-entity-mfg /Zhongxing Telecom/" },
	{ EV_TLS, "subject O=Honor Device Co., Ltd.", "honor", STRONG, 0.60,
	    "org \"Honor Device Co., Ltd.\"" },
	{ EV_TLS, "subject CN=DS-2CD2142FWD-I", "hikvision", STRONG, 0.60,
	    "tls-sysdescr /DS-2CD[[:alnum:]-]*/" },
	{ EV_TLS, "subject O=Internet Widgits Pty Ltd", "", NONE, 0,
	    "no vendor pattern matched" },
	/* UPnP description: manufacturer or model. */
	{ EV_UPNP, "Hangzhou Hikvision Digital Technology Co.,Ltd.",
	    "hikvision", STRONG, 0.70, "upnp-entity-mfg /Hikvision/" },
	{ EV_UPNP, "Honor Device Co., Ltd.", "honor", STRONG, 0.70,
	    "org \"Honor Device Co., Ltd.\"" },
	/* mDNS names and TXT strings. */
	{ EV_MDNS, "usb_MFG=Hikvision", "hikvision", STRONG, 0.50,
	    "mdns-entity-mfg /Hikvision/" },
	{ EV_MDNS, "MacBook-Pro", "", NONE, 0, "no vendor pattern matched" },
	/* A parameter request list: only operators' patterns. */
	{ EV_DHCP_PRL, "1,3,6,15,31,33,43,44,46,47,119,121,249,252", "", NONE,
	    0, "no vendor pattern matched" },
};

START_TEST(test_assess)
{
	const struct classifier *c = shared;
	struct evidence e;
	int r =
	    classify_assess(c, assessments[_i].kind, assessments[_i].value, &e);

	ck_assert_msg(r == 0, "%s '%s' rejected",
	    evidence_kind_name(assessments[_i].kind), assessments[_i].value);
	ck_assert_ptr_eq(e.value, assessments[_i].value);
	ck_assert_int_eq(e.kind, assessments[_i].kind);
	ck_assert_msg(strcmp(e.vendor, assessments[_i].vendor) == 0,
	    "%s '%s': vendor '%s', want '%s' (%s)",
	    evidence_kind_name(assessments[_i].kind), assessments[_i].value,
	    e.vendor, assessments[_i].vendor, e.rule);
	ck_assert_str_eq(e.rule, assessments[_i].rule);
	switch (assessments[_i].class) {
	case STRONG:
		ck_assert_double_eq_tol(e.strength, assessments[_i].strength,
		    1e-9);
		break;
	case WEAK:
		ck_assert_double_eq_tol(e.strength, 0.3, 1e-9);
		break;
	default:
		ck_assert_double_eq(e.strength, 0);
	}
}
END_TEST

static const struct {
	enum evidence_kind kind;
	const char *value;
} malformed[] = {
	{ EV_OUI, "zz:zz:zz:zz:zz:zz" },
	{ EV_OUI, "00:25:9e:01:02" },
	{ EV_OUI, "00:25:9e:01:02:03:04" },
	{ EV_OUI, "" },
	{ EV_SYSOBJECTID, "" },
	{ EV_SYSOBJECTID, "." },
	{ EV_SYSOBJECTID, "1" },
	{ EV_SYSOBJECTID, "1.3.6.x" },
	{ EV_SYSOBJECTID, "1..3.6" },
	{ EV_SYSOBJECTID, "1.3.6." },
	{ EV_SYSOBJECTID, "..1.3.6" },
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.99999999999" },
	{ EV_SYSOBJECTID, "1.03.6" },
	{ EV_SYSOBJECTID, "1.3.6.-1" },
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.2011 " },
	{ EV_SYSOBJECTID, "iso.3.6.1" },
	{ EV_ENGINEID, "" },
	{ EV_ENGINEID, "800007db" },  /* 4 octets */
	{ EV_ENGINEID, "800007db0" }, /* odd digits */
	{ EV_ENGINEID, "80000 7db03" },
	{ EV_ENGINEID, "xyz" },
	{ EV_ENGINEID,
	    "800007db0300112233445566778899001122334455667788990011223344556677" },
	/* A private MIB is an enterprise subtree, nothing longer or shorter. */
	{ EV_PRIVATE_MIB, "" },
	{ EV_PRIVATE_MIB, "2011" },
	{ EV_PRIVATE_MIB, "1.3.6.1.4.1" },
	{ EV_PRIVATE_MIB, "1.3.6.1.4.1.2011.6.164" },
	{ EV_PRIVATE_MIB, "1.3.6.1.2.1.2011" },
	{ EV_PRIVATE_MIB, "1.3.6.1.4.1.x" },
	{ EV_KIND_COUNT, "x" },
};

START_TEST(test_malformed)
{
	const struct classifier *c = shared;
	struct evidence e;

	ck_assert_msg(classify_assess(c, malformed[_i].kind,
			  malformed[_i].value, &e) == -1,
	    "%s '%s' accepted", evidence_kind_name(malformed[_i].kind),
	    malformed[_i].value);
	ck_assert_int_eq(classify_assess(c, EV_SYSDESCR, NULL, &e), -1);
}
END_TEST

START_TEST(test_oid_arcs)
{
	uint32_t a[CLASSIFY_OID_MAX], p[CLASSIFY_OID_MAX];
	size_t na, np;

	ck_assert_int_eq(oid_parse("1.3.6.1.4.1.2011.2.235", a,
			     CLASSIFY_OID_MAX, &na),
	    0);
	ck_assert_uint_eq(na, 9);
	ck_assert_uint_eq(a[8], 235);
	ck_assert_int_eq(oid_parse(".1.3.6.1.4.1.2011.2.23", p,
			     CLASSIFY_OID_MAX, &np),
	    0);
	/* "...2.23" is a string prefix of "...2.235" but not an arc prefix. */
	ck_assert(!oid_under(a, na, p, np));
	ck_assert_int_eq(oid_parse("1.3.6.1.4.1.2011.2.23.5", a,
			     CLASSIFY_OID_MAX, &na),
	    0);
	ck_assert(oid_under(a, na, p, np));
	ck_assert(oid_under(p, np, p, np));
	ck_assert(!oid_under(p, np - 1, p, np));
	ck_assert_int_eq(oid_parse("4294967295.0", a, 2, &na), 0);
	ck_assert_uint_eq(a[0], 4294967295u);
	ck_assert_int_eq(oid_parse("4294967296.0", a, 2, &na), -1);
	ck_assert_int_eq(oid_parse("1.2.3", a, 2, &na), -1);
}
END_TEST

START_TEST(test_oid_subtree_rule)
{
	char *path;
	struct classifier *c;
	struct evidence e;

	/* A sysobjectid subtree beats the enterprise number, arc by arc. */
	path = testenv_write("vendors.conf",
	    "[vendor probe]\nname = Probe\nrisk = watch\n"
	    "sysobjectid = 1.3.6.1.4.1.2011.2.23\n");
	c = make(path);
	ck_assert_int_eq(classify_assess(c, EV_SYSOBJECTID,
			     "1.3.6.1.4.1.2011.2.23.7", &e),
	    0);
	ck_assert_str_eq(e.vendor, "probe");
	ck_assert_str_eq(e.rule, "sysobjectid 1.3.6.1.4.1.2011.2.23 (probe)");
	ck_assert_int_eq(classify_assess(c, EV_SYSOBJECTID,
			     "1.3.6.1.4.1.2011.2.235", &e),
	    0);
	ck_assert_str_eq(e.vendor, "huawei");
	ck_assert_int_eq(classify_assess(c, EV_SYSOBJECTID,
			     "1.3.6.1.4.1.2011.2.23", &e),
	    0);
	ck_assert_str_eq(e.vendor, "probe");
	classifier_free(c);
	free(path);
	testenv_dir_remove();
}
END_TEST

START_TEST(test_engineid_parse)
{
	uint32_t pen;
	uint8_t mac[MAC_LEN];
	bool has_mac;
	char text[MAC_STRLEN];

	ck_assert_int_eq(classify_engineid_parse("80000009030000deadbeef", &pen,
			     mac, &has_mac),
	    0);
	ck_assert_uint_eq(pen, 9);
	ck_assert(has_mac);
	mac_format(mac, text);
	ck_assert_str_eq(text, "00:00:de:ad:be:ef");
	/* Format 4 (text): no MAC. */
	ck_assert_int_eq(classify_engineid_parse("8000000904414243", &pen, mac,
			     &has_mac),
	    0);
	ck_assert(!has_mac);
	/* Format 3 with a short MAC is not a MAC. */
	ck_assert_int_eq(classify_engineid_parse("800000090300112233", &pen,
			     mac, &has_mac),
	    0);
	ck_assert(!has_mac);
}
END_TEST

/* Assess each (kind, value) and fuse them. */
struct input {
	enum evidence_kind kind;
	const char *value;
};

static void
verdict_of(const struct classifier *c, const struct input *in, size_t n,
    struct verdict *v)
{
	struct evidence ev[8];

	ck_assert_uint_le(n, ARRAY_SIZE(ev));
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(classify_assess(c, in[i].kind, in[i].value,
				  &ev[i]) == 0,
		    "'%s' rejected", in[i].value);
	ck_assert_int_eq(classify_fuse(c, ev, n, v), 0);
}

#define CISCO_OID                                                              \
	{                                                                      \
		EV_SYSOBJECTID, "1.3.6.1.4.1.9.1.516"                          \
	}
#define HUAWEI_MAC                                                             \
	{                                                                      \
		EV_OUI, "00:25:9e:01:02:03"                                    \
	}

static const struct {
	const char *what;
	struct input in[4];
	size_t n;
	const char *vendor;
	enum risk risk;
	bool conflict;
	double min_conf, max_conf;
} fusions[] = {
	{ "no evidence", { { EV_SYSDESCR, "" } }, 0, "", RISK_UNKNOWN, false, 0,
	    0 },
	{ "nothing usable",
	    { { EV_OUI, "02:00:00:00:00:01" },
		{ EV_SYSOBJECTID, "1.3.6.1.4.1.8072.3.2.10" },
		{ EV_SYSDESCR, "Linux box 5.10" } },
	    3, "", RISK_UNKNOWN, false, 0, 0 },
	{ "cisco alone", { CISCO_OID }, 1, "cisco", RISK_NONE, false, 0.95,
	    0.95 },
	/* A Huawei NIC in a Cisco box: Cisco, no conflict, less sure. */
	{ "cisco oid, huawei nic", { CISCO_OID, HUAWEI_MAC }, 2, "cisco",
	    RISK_NONE, false, 0.6, 0.94 },
	/* Two strong sources disagree: conflict; the risk is the worse one. */
	{ "cisco oid, huawei sysdescr",
	    { CISCO_OID,
		{ EV_SYSDESCR, "Huawei Versatile Routing Platform Software" } },
	    2, "cisco", RISK_HIGH, true, 0.3, 0.8 },
	{ "huawei entity, zte sysdescr",
	    { { EV_ENTITY_MFG, "HUAWEI" },
		{ EV_SYSDESCR, "ZXR10 ROS Version V4.8.01A" } },
	    2, "huawei", RISK_HIGH, true, 0.3, 0.8 },
	{ "h3c sysdescr, cisco oid",
	    { CISCO_OID, { EV_SYSDESCR, "H3C Comware Platform Software" } }, 2,
	    "cisco", RISK_WATCH, true, 0.3, 0.8 },
	/* A HiSilicon chip inside a Cisco chassis is not a Huawei box. */
	{ "component",
	    { { EV_ENTITY_MFG, "Cisco Systems, Inc." },
		{ EV_COMPONENT, "HISILICON" } },
	    2, "cisco", RISK_NONE, false, 0.9, 0.9 },
	{ "component alone", { { EV_COMPONENT, "HISILICON" } }, 1, "",
	    RISK_UNKNOWN, false, 0, 0 },
	/* 39165 under a Microsemi time server is not Hikvision. */
	{ "microsemi on 39165",
	    { { EV_SYSOBJECTID, "1.3.6.1.4.1.39165.1.6" },
		{ EV_SYSDESCR, "Microsemi SyncServer S650" } },
	    2, "microsemi", RISK_NONE, false, 0.5, 0.85 },
	{ "39165 alone", { { EV_SYSOBJECTID, "1.3.6.1.4.1.39165.1.1" } }, 1,
	    "hikvision", RISK_HIGH, false, 0.3, 0.3 },
	{ "50001 with hikvision text",
	    { { EV_SYSOBJECTID, "1.3.6.1.4.1.50001.1" },
		{ EV_SYSDESCR, "Hikvision company products" } },
	    2, "hikvision", RISK_HIGH, false, 0.89, 0.9 },
	{ "1004849 alone", { { EV_SYSOBJECTID, "1.3.6.1.4.1.1004849.2" } }, 1,
	    "dahua", RISK_HIGH, false, 0.3, 0.3 },
	{ "1004849 with a dahua model",
	    { { EV_SYSOBJECTID, "1.3.6.1.4.1.1004849.2" },
		{ EV_SYSDESCR, "DH-NVR4108HS-8P-4KS2" } },
	    2, "dahua", RISK_HIGH, false, 0.89, 0.9 },
	{ "1004849 under a cisco text",
	    { { EV_SYSOBJECTID, "1.3.6.1.4.1.1004849.2" },
		{ EV_SYSDESCR, "Cisco IOS Software" } },
	    2, "cisco", RISK_NONE, false, 0.5, 0.85 },
	/* lwIP's 26381 is not Hytera, and not anyone. */
	{ "lwip alone", { { EV_SYSOBJECTID, "1.3.6.1.4.1.26381.1" } }, 1, "",
	    RISK_UNKNOWN, false, 0, 0 },
	{ "lwip on a hytera",
	    { { EV_SYSOBJECTID, "1.3.6.1.4.1.26381.1" },
		{ EV_SYSDESCR, "Hytera DMR repeater" } },
	    2, "hytera", RISK_HIGH, false, 0.85, 0.85 },
	/* 25506 is shared; HP- and HPE-branded Comware switches are built
	 * by H3C: an OEM box of H3C's, risk watch. */
	{ "25506 hp comware",
	    { { EV_SYSOBJECTID, "1.3.6.1.4.1.25506.11.1.83" },
		{ EV_SYSDESCR,
		    "HP Comware Platform Software, Software Version 5.20.99" } },
	    2, "h3c", RISK_WATCH, false, 0.89, 0.9 },
	{ "25506 hpe comware",
	    { { EV_SYSOBJECTID, "1.3.6.1.4.1.25506.11.1.239" },
		{ EV_SYSDESCR, "HPE Comware Software, Version 7.1.045" } },
	    2, "h3c", RISK_WATCH, false, 0.89, 0.9 },
	{ "25506 h3c comware",
	    { { EV_SYSOBJECTID, "1.3.6.1.4.1.25506.1.1" },
		{ EV_SYSDESCR,
		    "H3C Comware Platform Software, Software Version 7.1.064" } },
	    2, "h3c", RISK_WATCH, false, 0.89, 0.9 },
	{ "hp comware with h3c entity rows",
	    { { EV_SYSOBJECTID, "1.3.6.1.4.1.25506.11.1.83" },
		{ EV_SYSDESCR,
		    "HP Comware Platform Software, Software Version 5.20.99" },
		{ EV_ENTITY_MFG, "H3C" } },
	    3, "h3c", RISK_WATCH, false, 0.9, 0.95 },
	{ "h3c comware with h3c entity rows",
	    { { EV_SYSOBJECTID, "1.3.6.1.4.1.25506.1.1" },
		{ EV_SYSDESCR,
		    "H3C Comware Platform Software, Software Version 7.1.064" },
		{ EV_ENTITY_MFG, "H3C" } },
	    3, "h3c", RISK_WATCH, false, 0.9, 0.95 },
	{ "25506 alone", { { EV_SYSOBJECTID, "1.3.6.1.4.1.25506.1.1" } }, 1,
	    "h3c", RISK_WATCH, false, 0.3, 0.3 },
	/* Honor is not Huawei. */
	{ "honor mac", { { EV_OUI, "90:ff:d6:00:00:01" } }, 1, "honor",
	    RISK_NONE, false, 0.5, 0.5 },
	/* Corroboration raises confidence. */
	{ "huawei three ways",
	    { { EV_SYSOBJECTID, "1.3.6.1.4.1.2011.2.23.1" },
		{ EV_SYSDESCR, "Huawei Versatile Routing Platform Software" },
		HUAWEI_MAC },
	    3, "huawei", RISK_HIGH, false, 0.99, 1 },
	/* Weak evidence only, two makers: no conflict; ties go to the first
	 * vendor in the catalogue, where the high-risk ones are. */
	{ "two macs", { HUAWEI_MAC, { EV_OUI, "00:18:ba:00:00:01" } }, 2,
	    "huawei", RISK_HIGH, false, 0.3, 0.4 },
	{ "dhcp only", { { EV_DHCP, "HUAWEI:android:ELE-L29" } }, 1, "huawei",
	    RISK_HIGH, false, 0.4, 0.4 },
	/* A box on net-snmp is named by the private MIB its maker added. */
	{ "huawei power system on net-snmp",
	    { { EV_SYSOBJECTID, "1.3.6.1.4.1.8072.3.2.10" },
		{ EV_SYSDESCR, "Linux smu02c 4.14.98 #1 SMP PREEMPT armv7l" },
		{ EV_PRIVATE_MIB, "1.3.6.1.4.1.2011" } },
	    3, "huawei", RISK_HIGH, false, 0.6, 0.6 },
	/* Stronger than the MAC of the network chip's maker. */
	{ "huawei mib, cisco mac",
	    { { EV_PRIVATE_MIB, "1.3.6.1.4.1.2011" },
		{ EV_OUI, "00:18:ba:00:00:01" } },
	    2, "huawei", RISK_HIGH, false, 0.45, 0.45 },
	/* Weaker than what the box says it is, and no conflict with it. */
	{ "cisco oid, huawei mib",
	    { CISCO_OID, { EV_PRIVATE_MIB, "1.3.6.1.4.1.2011" } }, 2, "cisco",
	    RISK_NONE, false, 0.66, 0.67 },
	{ "huawei sysdescr, cisco cdp mib",
	    { { EV_SYSDESCR, "Huawei Versatile Routing Platform Software" },
		{ EV_PRIVATE_MIB, "1.3.6.1.4.1.9" } },
	    2, "huawei", RISK_HIGH, false, 0.5, 0.85 },
	{ "engineid over private mib",
	    { { EV_ENGINEID, "0x80000f3e03aabbccddeeff" },
		{ EV_PRIVATE_MIB, "1.3.6.1.4.1.2011" } },
	    2, "zte", RISK_HIGH, false, 0.4, 0.5 },
	{ "generic mibs only",
	    { { EV_PRIVATE_MIB, "1.3.6.1.4.1.8072" },
		{ EV_PRIVATE_MIB, "1.3.6.1.4.1.2021" } },
	    2, "", RISK_UNKNOWN, false, 0, 0 },
};

START_TEST(test_fuse)
{
	const struct classifier *c = shared;
	struct verdict v;

	verdict_of(c, fusions[_i].in, fusions[_i].n, &v);
	ck_assert_msg(strcmp(v.vendor, fusions[_i].vendor) == 0,
	    "%s: vendor '%s', want '%s'", fusions[_i].what, v.vendor,
	    fusions[_i].vendor);
	ck_assert_msg(v.risk == fusions[_i].risk, "%s: risk %s, want %s",
	    fusions[_i].what, risk_name(v.risk), risk_name(fusions[_i].risk));
	ck_assert_msg(v.conflict == fusions[_i].conflict, "%s: conflict %d",
	    fusions[_i].what, v.conflict);
	ck_assert_msg(v.confidence >= fusions[_i].min_conf - 1e-9 &&
		v.confidence <= fusions[_i].max_conf + 1e-9,
	    "%s: confidence %.3f not in [%.2f, %.2f]", fusions[_i].what,
	    v.confidence, fusions[_i].min_conf, fusions[_i].max_conf);
	ck_assert_str_eq(v.digest, classifier_digest(c));
	if (v.vendor[0] == '\0')
		ck_assert_str_eq(v.vendor_name, "");
}
END_TEST

START_TEST(test_fuse_details)
{
	struct classifier *c = make(NULL);
	struct evidence ev[2];
	struct verdict alone, with_nic;
	const char *name;
	enum risk risk;

	ck_assert_int_eq(classify_assess(c, EV_SYSOBJECTID,
			     "1.3.6.1.4.1.9.1.516", &ev[0]),
	    0);
	ck_assert_int_eq(classify_assess(c, EV_OUI, "00:25:9e:01:02:03",
			     &ev[1]),
	    0);
	ck_assert_int_eq(classify_fuse(c, ev, 1, &alone), 0);
	ck_assert_int_eq(classify_fuse(c, ev, 2, &with_nic), 0);
	ck_assert_str_eq(with_nic.vendor_name, "Cisco");
	ck_assert(with_nic.confidence < alone.confidence);

	/* Evidence naming a vendor the catalogue lacks is ignored. */
	str_copy(ev[1].vendor, "nosuch", sizeof(ev[1].vendor));
	ck_assert_int_eq(classify_fuse(c, ev, 2, &with_nic), 0);
	ck_assert_double_eq_tol(with_nic.confidence, alone.confidence, 1e-12);

	ck_assert_int_eq(classify_fuse(c, NULL, 0, &alone), 0);
	ck_assert_int_eq(alone.risk, RISK_UNKNOWN);
	ck_assert_int_eq(classify_fuse(c, NULL, 1, &alone), -1);

	ck_assert_int_eq(classifier_vendor(c, "zte", &name, &risk), 0);
	ck_assert_str_eq(name, "ZTE");
	ck_assert_int_eq(risk, RISK_HIGH);
	ck_assert_int_eq(classifier_vendor(c, "nosuch", &name, &risk), -1);
	classifier_free(c);
}
END_TEST

START_TEST(test_ops)
{
	struct classifier *c = make(NULL);
	struct classifier_ops ops = classifier_ops(c);
	struct evidence e;
	struct verdict v;

	ck_assert_int_eq(ops.assess(ops.ctx, EV_ENTITY_MFG, "ZTE", &e), 0);
	ck_assert_str_eq(e.vendor, "zte");
	ck_assert_int_eq(ops.fuse(ops.ctx, &e, 1, &v), 0);
	ck_assert_str_eq(v.vendor, "zte");
	ck_assert_str_eq(ops.digest(ops.ctx), classifier_digest(c));
	classifier_free(c);
}
END_TEST

START_TEST(test_operator_catalogue)
{
	char *path;
	struct classifier *base = make(NULL), *c;
	struct evidence e;
	struct verdict v;

	path = testenv_write("vendors.conf",
	    "[vendor zte]\n"
	    "; a block the registry gives to someone else\n"
	    "oui = 00:25:9E, 28:6E:D4/28\n"
	    "[vendor cisco]\n"
	    "risk = high\n");
	c = make(path);
	ck_assert_int_eq(classify_assess(c, EV_OUI, "00:25:9e:01:02:03", &e),
	    0);
	ck_assert_str_eq(e.vendor, "zte");
	ck_assert_str_eq(e.rule, "oui vendors.conf 00:25:9E ZTE");
	ck_assert_int_eq(classify_assess(c, EV_OUI, "28:6e:d4:0f:ff:ff", &e),
	    0);
	ck_assert_str_eq(e.vendor, "zte");
	ck_assert_int_eq(classify_assess(c, EV_OUI, "28:6e:d4:1f:ff:ff", &e),
	    0);
	ck_assert_str_eq(e.vendor, "");
	ck_assert_int_eq(classify_assess(c, EV_SYSOBJECTID, "1.3.6.1.4.1.9.1",
			     &e),
	    0);
	ck_assert_int_eq(classify_fuse(c, &e, 1, &v), 0);
	ck_assert_int_eq(v.risk, RISK_HIGH);
	/* Different rules, different digest. */
	ck_assert_str_ne(classifier_digest(c), classifier_digest(base));
	ck_assert_uint_eq(strlen(classifier_digest(c)), 16);
	classifier_free(c);
	classifier_free(base);

	/* Blocks work without any registry. */
	c = classifier_new(NULL, path, err, sizeof(err));
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_int_eq(classify_assess(c, EV_OUI, "00:25:9e:01:02:03", &e),
	    0);
	ck_assert_str_eq(e.vendor, "zte");
	ck_assert_int_eq(classify_assess(c, EV_OUI, "00:18:ba:01:02:03", &e),
	    0);
	ck_assert_str_eq(e.vendor, "");
	classifier_free(c);
	free(path);
	testenv_dir_remove();
}
END_TEST

START_TEST(test_new_errors)
{
	char *path;
	struct classifier *c;

	c = classifier_new("/nonexistent/ieee", NULL, err, sizeof(err));
	ck_assert_ptr_null(c);
	ck_assert_str_eq(err, "/nonexistent/ieee: No such file or directory");
	c = classifier_new(NULL, "/nonexistent/vendors.conf", err, sizeof(err));
	ck_assert_ptr_null(c);
	ck_assert_str_eq(err,
	    "/nonexistent/vendors.conf: No such file or directory");
	path = testenv_write("vendors.conf",
	    "[vendor x]\nrisk = none\n\nenterprise = nine\n");
	c = classifier_new(NULL, path, err, sizeof(err));
	ck_assert_ptr_null(c);
	ck_assert(strncmp(err, path, strlen(path)) == 0);
	ck_assert_str_eq(err + strlen(path),
	    ":4: [vendor x] enterprise: \"nine\" is not a number");
	free(path);
	testenv_dir_remove();
}
END_TEST

START_TEST(test_digest_stable)
{
	struct classifier *a = make(NULL), *b = make(NULL);
	struct classifier *r = classifier_new(NULL, NULL, err, sizeof(err));

	ck_assert_str_eq(classifier_digest(a), classifier_digest(b));
	/* The registry's contents are part of the digest. */
	ck_assert_str_ne(classifier_digest(a), classifier_digest(r));
	classifier_free(a);
	classifier_free(b);
	classifier_free(r);
}
END_TEST

/* One block of every IEEE name in the vendor table and of each namesake,
 * as ieee-data 2022-08 lists them. */
static const struct {
	const char *mac;
	const char *vendor;
} real_macs[] = {
	{ "00:25:9e:12:34:56",
	    "huawei" }, /* MA-L HUAWEI TECHNOLOGIES CO.,LTD */
	{ "30:fb:b8:12:34:56",
	    "huawei" }, /* MA-L HUAWEI TECHNOLOGIES CO.,LTD */
	{ "10:32:7e:12:34:56", "huawei" }, /* MA-L Huawei Device Co., Ltd. */
	{ "64:f8:1c:12:34:56",
	    "huawei" }, /* MA-L Huawei Technologies Co., Ltd. */
	{ "00:22:a1:12:34:56",
	    "huawei" }, /* MA-L Huawei Symantec Technologies Co.,Ltd. */
	{ "08:60:83:12:34:56", "zte" }, /* MA-L zte corporation */
	{ "00:d0:d0:12:34:56", "zte" }, /* MA-L ZHONGXING TELECOM LTD. */
	{ "ac:64:dd:51:23:45",
	    "zte" }, /* MA-M SHANGHAI ZTE TECHNOLOGIES CO.,LTD */
	{ "44:47:cc:12:34:56",
	    "hikvision" }, /* MA-L Hangzhou Hikvision Digital Technology */
	{ "24:b1:05:12:34:56",
	    "hikvision" }, /* MA-L Prama Hikvision India Private Limited */
	{ "64:f2:fb:12:34:56",
	    "hikvision" }, /* MA-L Hangzhou Ezviz Software Co.,Ltd. */
	{ "08:ed:ed:12:34:56",
	    "dahua" }, /* MA-L Zhejiang Dahua Technology Co., Ltd. */
	{ "9c:06:6e:12:34:56",
	    "hytera" }, /* MA-L Hytera Communications Corporation Limited */
	{ "64:69:bc:12:34:56",
	    "hytera" }, /* MA-L Hytera Communications Co .,ltd */
	{ "50:98:b8:12:34:56", "h3c" }, /* MA-L New H3C Technologies Co., Ltd */
	{ "b0:f9:63:12:34:56",
	    "h3c" }, /* MA-L Hangzhou H3C Technologies Co., Limited */
	{ "00:18:ba:12:34:56", "cisco" }, /* MA-L Cisco Systems, Inc */
	/* Namesakes. */
	{ "90:ff:d6:12:34:56", "honor" }, /* MA-L Honor Device Co., Ltd. */
	{ "14:ae:85:71:23:45",
	    "" }, /* MA-M SHENZHEN HONOR ELECTRONIC CO.,LTD */
	{ "00:26:75:12:34:56", "" }, /* MA-L Aztech Electronics Pte Ltd */
	{ "18:20:12:12:34:56", "" }, /* MA-L Aztech Associates Inc. */
	{ "00:1a:ee:12:34:56", "" }, /* MA-L Shenztech Ltd */
	{ "78:66:ae:12:34:56", "" }, /* MA-L ZTEC Instruments, Inc. */
	{ "00:13:52:12:34:56", "" }, /* MA-L Naztec, Inc. */
	{ "00:41:b4:12:34:56", "" }, /* MA-L Wuxi Zhongxing Optoelectronics */
	{ "40:2c:76:11:23:45",
	    "dahua-scale" }, /* MA-M Shanghai Dahua Scale Factory */
};

START_TEST(test_full_registry)
{
	struct classifier *c =
	    classifier_new(TESTENV_IEEE_DATA, NULL, err, sizeof(err));
	struct evidence e;

	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_uint_gt(classifier_registry_count(c, 24), 30000);
	for (size_t i = 0; i < ARRAY_SIZE(real_macs); i++) {
		ck_assert_int_eq(classify_assess(c, EV_OUI, real_macs[i].mac,
				     &e),
		    0);
		ck_assert_msg(strcmp(e.vendor, real_macs[i].vendor) == 0,
		    "%s: '%s' (%s), want '%s'", real_macs[i].mac, e.vendor,
		    e.rule, real_macs[i].vendor);
	}
	classifier_free(c);
}
END_TEST

/*
 * The IANA registry: tests/fixtures/iana/enterprises.tsv holds real lines
 * of Debian's file (libwireshark-data), so these need nothing installed.
 */
static struct classifier *
make_registry(const char *local)
{
	char *pens = xstrdup(testenv_fixture("iana/enterprises.tsv"));
	struct classifier_sources src = { testenv_fixture("ieee/basic"), NULL,
		pens, local };
	struct classifier *c = classifier_open(&src, err, sizeof(err));

	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_ptr_null(classifier_enterprises_missing(c));
	free(pens);
	return c;
}

static void
shared_make_registry(void)
{
	shared = make_registry(NULL);
}

static const struct {
	enum evidence_kind kind;
	const char *value;
	const char *vendor;
	double strength;
	const char *rule;
} registry_assessments[] = {
	/* The registrant's name is a catalogue alias: that vendor. */
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.31926.1.1", "siklu", 0.95,
	    "enterprise 31926 (siklu; IANA: Siklu Communication LTD)" },
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.11408.2.1", "fiberhome", 0.95,
	    "enterprise 11408 (fiberhome; IANA: Fiberhome Telecommunication "
	    "Technologies Co.,LTD)" },
	{ EV_ENGINEID, "80007cb603aabbccddeeff", "siklu", 0.70,
	    "engineid enterprise 31926 (siklu; IANA: Siklu Communication LTD)" },
	/* The catalogue's own numbers come first. */
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.6486.800.1.1.2.1.11.2.2",
	    "alcatel-lucent-enterprise", 0.95,
	    "enterprise 6486 (alcatel-lucent-enterprise)" },
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.4413", "broadcom", 0.30,
	    "enterprise 4413 (broadcom): squatted or shared, weak" },
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.8072.3.2.10", "", 0,
	    "enterprise 8072 (net-snmp): generic software, names no maker" },
	/* A registrant the catalogue lacks: named, risk unassessed. */
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.8606.1", "enterprise-8606", 0.60,
	    "enterprise 8606 (IANA: Vancouver School District # 37): not in "
	    "the catalogue" },
	{ EV_ENGINEID, "8000219e03001122334455", "enterprise-8606", 0.45,
	    "engineid enterprise 8606 (IANA: Vancouver School District # 37): "
	    "not in the catalogue" },
	{ EV_PRIVATE_MIB, "1.3.6.1.4.1.8606", "enterprise-8606", 0.40,
	    "private-mib enterprise 8606 (IANA: Vancouver School District # "
	    "37): not in the catalogue" },
	/* Numbers that name nobody. */
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.2187.5", "", 0,
	    "enterprise 2187: unassigned in the IANA registry (Reserved), names "
	    "no maker" },
	{ EV_SYSOBJECTID, "1.3.6.1.4.1.12345678.1", "", 0,
	    "enterprise 12345678: in neither the catalogue nor the IANA "
	    "registry" },
};

START_TEST(test_registry_assess)
{
	const struct classifier *c = shared;
	struct evidence e;

	ck_assert_int_eq(classify_assess(c, registry_assessments[_i].kind,
			     registry_assessments[_i].value, &e),
	    0);
	ck_assert_str_eq(e.vendor, registry_assessments[_i].vendor);
	ck_assert_msg(fabs(e.strength - registry_assessments[_i].strength) <
		1e-9,
	    "%s: strength %.2f", registry_assessments[_i].value, e.strength);
	ck_assert_str_eq(e.rule, registry_assessments[_i].rule);
}
END_TEST

START_TEST(test_registry_long_names)
{
	struct classifier *c = make_registry(NULL);
	struct input in[] = { { EV_SYSOBJECTID, "1.3.6.1.4.1.247.1" } };
	struct evidence e;
	struct verdict v;

	/* "ND SatCom - Gesellschaft für Satellitenkommunikations..." is 64
	 * bytes: clipped at a character boundary, never mid-character. */
	ck_assert_int_eq(classify_assess(c, in[0].kind, in[0].value, &e), 0);
	ck_assert_uint_lt(strlen(e.rule), RULE_MAX);
	ck_assert(strstr(e.rule, "...): not in the catalogue") != NULL);
	ck_assert(text_wire_is_utf8(e.rule));
	verdict_of(c, in, 1, &v);
	ck_assert_str_eq(v.vendor, "enterprise-247");
	ck_assert_str_eq(v.vendor_name,
	    "ND SatCom - Gesellschaft f\xc3\xbcr "
	    "Satellitenkommunikationssystem...");
	ck_assert(text_wire_is_utf8(v.vendor_name));
	classifier_free(c);
}
END_TEST

/* A case with what the device would say, and the verdict it must get. */
struct registry_case {
	const char *what;
	struct input in[4];
	size_t n;
	const char *vendor;
	const char *vendor_name; /* NULL: not checked */
	enum risk risk;
	bool conflict;
	double min_conf, max_conf;
};

static const struct registry_case registry_fusions[] = {
	/* A registrant the catalogue lacks is named, its risk unassessed. */
	{ "registrant alone", { { EV_SYSOBJECTID, "1.3.6.1.4.1.8606.1" } }, 1,
	    "enterprise-8606", "Vancouver School District # 37", RISK_UNKNOWN,
	    false, 0.6, 0.6 },
	{ "registrant's sysObjectID and engineID agree",
	    { { EV_SYSOBJECTID, "1.3.6.1.4.1.8606.1" },
		{ EV_ENGINEID, "8000219e03001122334455" } },
	    2, "enterprise-8606", NULL, RISK_UNKNOWN, false, 0.78, 0.78 },
	/* Never strong: the catalogue's strong evidence wins, no conflict. */
	{ "registrant under a cisco sysdescr",
	    { { EV_SYSOBJECTID, "1.3.6.1.4.1.8606.1" },
		{ EV_SYSDESCR, "Cisco IOS Software, C2960 Software" } },
	    2, "cisco", "Cisco", RISK_NONE, false, 0.59, 0.6 },
	/* An HP-branded switch built by H3C. */
	{ "hp 5130 built by h3c",
	    { { EV_SYSOBJECTID, "1.3.6.1.4.1.25506.11.1.239" },
		{ EV_SYSDESCR,
		    "HP Comware Platform Software, Software Version 7.1.045, "
		    "Release 2432P06\r\nHP 5130-24G-4SFP+ EI Switch\r\n"
		    "Copyright (c) 2010-2017 Hewlett Packard Enterprise "
		    "Development LP" },
		{ EV_ENTITY_MFG, "H3C" } },
	    3, "h3c", "H3C", RISK_WATCH, false, 0.9, 0.95 },
	/* Recordings of real equipment (LibreNMS's snmprec walks). A
	 * ProCurve-era switch naming its maker "HP" in ENTITY-MIB: HPE's,
	 * without a conflict with enterprise 11. */
	{ "aruba 2530 with entity maker HP",
	    { { EV_SYSOBJECTID, "1.3.6.1.4.1.11.2.3.7.11.137" },
		{ EV_SYSDESCR,
		    "HP J9773A 2530-24G-PoEP Switch, revision YA.16.02.0012, "
		    "ROM YA.15.20 (/ws/swbuildm/rel_ukiah_qaoff/code/build/"
		    "lakes(swbuildm_rel_ukiah_qaoff_rel_ukiah))" },
		{ EV_ENTITY_MFG, "HP" } },
	    3, "hpe", NULL, RISK_NONE, false, 0.9, 1 },
	/* A JetDirect printer answers under HP's net-peripheral subtree:
	 * HP Inc.'s, without a conflict. */
	{ "laserjet under net-peripheral",
	    { { EV_SYSOBJECTID, "1.3.6.1.4.1.11.2.3.9.1" },
		{ EV_SYSDESCR,
		    "HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT,JD153,"
		    "EEPROM JSI23900029,CIDATE 09/23/2014" } },
	    2, "hp", "HP Inc.", RISK_NONE, false, 0.99, 1 },
	{ "entity maker HP Inc.", { { EV_ENTITY_MFG, "HP Inc." } }, 1, "hp",
	    NULL, RISK_NONE, false, 0.9, 0.9 },
	/* VRP without the brand. */
	{ "vrp software version", { { EV_SYSDESCR, "VRP Software Version" } },
	    1, "huawei", NULL, RISK_HIGH, false, 0.85, 0.85 },
	{ "software version vrp", { { EV_SYSDESCR, "Software Version VRP" } },
	    1, "huawei", NULL, RISK_HIGH, false, 0.85, 0.85 },
	/* A guest's MAC names its hypervisor, not the guest's maker: a
	 * virtualised Huawei function is Huawei's, without a conflict. */
	{ "vm mac alone", { { EV_OUI, "00:0c:29:1f:74:06" } }, 1, "", NULL,
	    RISK_UNKNOWN, false, 0, 0 },
	{ "huawei function in a vm",
	    { { EV_OUI, "00:50:56:9f:36:9f" },
		{ EV_SYSOBJECTID, "1.3.6.1.4.1.2011.2.224" } },
	    2, "huawei", NULL, RISK_HIGH, false, 0.95, 0.95 },
	/* A virtual appliance's sysDescr names its maker, then its
	 * hypervisor. */
	{ "pulse secure virtual appliance",
	    { { EV_SYSOBJECTID, "1.3.6.1.4.1.12532.255.1.1" },
		{ EV_SYSDESCR,
		    "Pulse Secure, LLC,Pulse Connect Secure,VMware-VA-SPE,"
		    "8.2R5 (build 49363)" } },
	    2, "ivanti", NULL, RISK_NONE, false, 0.99, 1 },
	{ "unifi under frogfoot's number",
	    { { EV_SYSOBJECTID, "1.3.6.1.4.1.10002.1" },
		{ EV_SYSDESCR,
		    "Linux 3.3.8 #1 Mon Sep 12 17:23:19 PDT 2016 mips" } },
	    2, "ubiquiti", NULL, RISK_NONE, false, 0.3, 0.3 },
	/* A NAS found by its private MIB under net-snmp's number. */
	{ "synology by its private mib",
	    { { EV_SYSOBJECTID, "1.3.6.1.4.1.8072.3.2.10" },
		{ EV_PRIVATE_MIB, "1.3.6.1.4.1.6574" } },
	    2, "synology", NULL, RISK_NONE, false, 0.5, 1 },
	/* A firmware's example sysObjectID names no maker. */
	{ "placeholder sysobjectid",
	    { { EV_SYSOBJECTID, "1.3.6.1.4.1.1.2.3.4.5" },
		{ EV_SYSDESCR, "TD-W8901G" } },
	    2, "tplink", NULL, RISK_NONE, false, 0.3, 0.3 },
	/* An Aruba controller sold as a Dell PowerConnect. */
	{ "dell powerconnect w built by aruba",
	    { { EV_SYSOBJECTID, "1.3.6.1.4.1.14823.1.1.13" },
		{ EV_SYSDESCR,
		    "Dell PowerConnect W-3200, ArubaOS Version 6.1.3.2" } },
	    2, "hpe", NULL, RISK_NONE, false, 0.99, 1 },
	/* A Ubiquiti EdgeSwitch answering Broadcom's SDK number. */
	{ "edgeswitch on 4413",
	    { { EV_SYSOBJECTID, "1.3.6.1.4.1.4413" },
		{ EV_SYSDESCR,
		    "EdgeSwitch 24-Port 250W, 1.7.4.5075842, Linux "
		    "3.6.5-f4a26ed5" } },
	    2, "ubiquiti", "Ubiquiti", RISK_NONE, false, 0.72, 0.73 },
	/* Cameras sold under Hikvision's and Dahua's OEM brands: the brand
	 * alone is watch; the maker's own evidence in the box names it. */
	{ "lts brand alone", { { EV_ENTITY_MFG, "LT Security" } }, 1, "lts",
	    "LTS (LT Security)", RISK_WATCH, false, 0.3, 0.3 },
	{ "hikvision camera sold by lts",
	    { { EV_ENTITY_MFG, "LT Security" },
		{ EV_SYSDESCR, "DS-2CD2143G0-I" } },
	    2, "hikvision", "Hikvision", RISK_HIGH, false, 0.72, 0.73 },
	{ "dahua recorder sold by ic realtime",
	    { { EV_SYSDESCR, "IC Realtime NVR" },
		{ EV_SYSOBJECTID, "1.3.6.1.4.1.1004849.2" },
		{ EV_ENTITY_MFG, "Dahua" } },
	    3, "dahua", "Dahua", RISK_HIGH, false, 0.79, 0.8 },
	{ "dahua camera sold by amcrest",
	    { { EV_ENTITY_MFG, "Amcrest" },
		{ EV_SYSDESCR, "DH-IPC-HDW5231R-ZE" } },
	    2, "dahua", "Dahua", RISK_HIGH, false, 0.72, 0.73 },
	/* Nubia is ZTE's affiliate. */
	{ "nubia is zte's", { { EV_ENTITY_MFG, "Nubia Technology Co.,Ltd." } },
	    1, "zte", "ZTE", RISK_HIGH, false, 0.9, 0.9 },
	/* Alcatel-Lucent Enterprise is not Nokia. */
	{ "ale omniswitch",
	    { { EV_SYSOBJECTID, "1.3.6.1.4.1.6486.800.1.1.2.1.11.2.2" },
		{ EV_SYSDESCR,
		    "Alcatel-Lucent Enterprise OS6860E-48 8.7.354.R01 GA, July "
		    "11, 2021." },
		{ EV_ENTITY_MFG, "ALCATEL-LUCENT ENTERPRISE" } },
	    3, "alcatel-lucent-enterprise", "Alcatel-Lucent Enterprise",
	    RISK_WATCH, false, 0.99, 1 },
	{ "ale omniswitch from 2013",
	    { { EV_SYSOBJECTID, "1.3.6.1.4.1.6486.800.1.1.2.1.2.1.1" },
		{ EV_SYSDESCR,
		    "Alcatel-Lucent OS6850-24 6.4.5.528.R02 GA, July 02, "
		    "2013." } },
	    2, "alcatel-lucent-enterprise", NULL, RISK_WATCH, false, 0.99, 1 },
	{ "nokia router stays nokia",
	    { { EV_SYSOBJECTID, "1.3.6.1.4.1.6527.1.3.17" },
		{ EV_SYSDESCR,
		    "TiMOS-C-20.10.R5 cpm/hops64 Nokia 7750 SR Copyright (c) "
		    "2000-2021 Nokia." } },
	    2, "nokia", NULL, RISK_NONE, false, 0.99, 1 },
};

static void
check_case(const struct classifier *c, const struct registry_case *k)
{
	struct verdict v;

	verdict_of(c, k->in, k->n, &v);
	ck_assert_msg(strcmp(v.vendor, k->vendor) == 0,
	    "%s: vendor '%s', want '%s'", k->what, v.vendor, k->vendor);
	if (k->vendor_name != NULL)
		ck_assert_str_eq(v.vendor_name, k->vendor_name);
	ck_assert_msg(v.risk == k->risk, "%s: risk %s, want %s", k->what,
	    risk_name(v.risk), risk_name(k->risk));
	ck_assert_msg(v.conflict == k->conflict, "%s: conflict %d", k->what,
	    v.conflict);
	ck_assert_msg(v.confidence >= k->min_conf - 1e-9 &&
		v.confidence <= k->max_conf + 1e-9,
	    "%s: confidence %.3f not in [%.2f, %.2f]", k->what, v.confidence,
	    k->min_conf, k->max_conf);
}

START_TEST(test_registry_fuse)
{
	const struct classifier *c = shared;

	check_case(c, &registry_fusions[_i]);
}
END_TEST

/*
 * Makers that came out unknown before the registry and the wider
 * catalogue: each by its sysObjectID alone (the registrant's name or the
 * catalogue's number), then with the sysDescr its equipment gives.
 */
static const struct {
	const char *oid;
	const char *sysdescr;
	const char *vendor;
	enum risk risk;
} makers[] = {
	{ "1.3.6.1.4.1.2544.1.12.1.1.7", "FSP 150CC-GE114Pro", "adva",
	    RISK_NONE },
	{ "1.3.6.1.4.1.20044.7.1", "EKINOPS 360 PM_OTN", "ekinops", RISK_NONE },
	{ "1.3.6.1.4.1.2281.1.20.1.3.1", "FibeAir IP-20G", "ceragon",
	    RISK_NONE },
	{ "1.3.6.1.4.1.31926.1", "Siklu EtherHaul-1200F", "siklu", RISK_NONE },
	{ "1.3.6.1.4.1.5875.800", "AN5516-06", "fiberhome", RISK_WATCH },
	{ "1.3.6.1.4.1.4881.1.1.10.1.1",
	    "Ruijie Full 10G Routing Switch(S6220-48XS6QXS-H) By Ruijie "
	    "Networks",
	    "ruijie", RISK_WATCH },
	{ "1.3.6.1.4.1.5651.1.102.1",
	    "MyPower (R) Operating System Software, Maipu Communication "
	    "Technology Co., Ltd.",
	    "maipu", RISK_WATCH },
	{ "1.3.6.1.4.1.3320.1.164",
	    "BDCOM(tm) P3310C Software, Version 10.1.0E Build 33338", "bdcom",
	    RISK_WATCH },
	{ "1.3.6.1.4.1.6339.1.1.2.52",
	    "DCRS-5650-28(R4) Device, Compiled Mar 08 2017 SoftWare Version "
	    "7.0.3.5",
	    "dcn", RISK_WATCH },
	{ "1.3.6.1.4.1.318.1.3.27",
	    "APC Web/SNMP Management Card (MB:v4.1.0 PF:v6.4.6 "
	    "PN:apc_hw05_aos_646.bin MN:SMT1500RMI2U HR:05)",
	    "schneider", RISK_NONE },
	{ "1.3.6.1.4.1.43.1.16.4.3.45", "3Com SuperStack 3 Switch 4400", "3com",
	    RISK_NONE },
	{ "1.3.6.1.4.1.5624.2.1.100",
	    "Enterasys Networks, Inc. B5G124-24P2 Rev 06.61.08.0013", "extreme",
	    RISK_NONE },
	{ "1.3.6.1.4.1.5951.1", "NetScaler NS12.1: Build 58.15.nc", "citrix",
	    RISK_NONE },
	{ "1.3.6.1.4.1.33049.1.1.1.2700", "Mellanox SX1036, MLNX-OS", "nvidia",
	    RISK_NONE },
	{ "1.3.6.1.4.1.40310", "Cumulus Linux 4.4.0 (Linux Kernel 4.19.149)",
	    "nvidia", RISK_NONE },
	{ "1.3.6.1.4.1.43191.1.6", "Metamako MetaConnect 48", "arista",
	    RISK_NONE },
	{ "1.3.6.1.4.1.12532.254.1.1",
	    "Pulse Secure,LLC,MAG-2600,8.0R14 (build 41869)", "ivanti",
	    RISK_NONE },
	{ "1.3.6.1.4.1.2435.2.3.9.1",
	    "Brother NC-7700w, Firmware Ver.1.06  (14.07.17),MID 8CE-317,FID 2",
	    "brother", RISK_NONE },
	{ "1.3.6.1.4.1.30803", "Vyatta VC6.3-2011.07.21", "vyatta", RISK_NONE },
};

START_TEST(test_registry_makers)
{
	const struct classifier *c = shared;
	struct registry_case alone = { makers[_i].oid,
		{ { EV_SYSOBJECTID, makers[_i].oid } }, 1, makers[_i].vendor,
		NULL, makers[_i].risk, false, 0.95, 0.95 };
	struct registry_case both = { makers[_i].sysdescr,
		{ { EV_SYSOBJECTID, makers[_i].oid },
		    { EV_SYSDESCR, makers[_i].sysdescr } },
		2, makers[_i].vendor, NULL, makers[_i].risk, false, 0.99, 1 };

	check_case(c, &alone);
	check_case(c, &both);
}
END_TEST

START_TEST(test_registry_local)
{
	char *local = testenv_write("enterprises.local",
	    "# the operator's additions\n"
	    "4294967295\tOperator Lab Ltd\n"
	    "8606\tVancouver School District 37 (corrected)\n"
	    "31926\tSiklu Communication LTD\n");
	struct classifier *c = make_registry(local),
			  *plain = make_registry(NULL);
	struct evidence e;

	ck_assert_int_eq(classify_assess(c, EV_SYSOBJECTID,
			     "1.3.6.1.4.1.4294967295.1", &e),
	    0);
	ck_assert_str_eq(e.vendor, "enterprise-4294967295");
	ck_assert_str_eq(e.rule,
	    "enterprise 4294967295 (local: Operator Lab Ltd): not in the "
	    "catalogue");
	ck_assert_int_eq(classify_assess(c, EV_SYSOBJECTID,
			     "1.3.6.1.4.1.8606.1", &e),
	    0);
	ck_assert_str_eq(e.rule,
	    "enterprise 8606 (local: Vancouver School District 37 "
	    "(corrected)): not in the catalogue");
	ck_assert_int_eq(classify_assess(c, EV_SYSOBJECTID,
			     "1.3.6.1.4.1.31926.1", &e),
	    0);
	ck_assert_str_eq(e.vendor, "siklu");
	ck_assert_uint_eq(classifier_enterprises_count(c),
	    classifier_enterprises_count(plain) + 1);
	/* The operator's file is part of the rules in force. */
	ck_assert_str_ne(classifier_digest(c), classifier_digest(plain));
	classifier_free(c);
	classifier_free(plain);
	free(local);
	testenv_dir_remove();
}
END_TEST

START_TEST(test_registry_errors)
{
	char *bad = testenv_write("bad.tsv", "9\tciscoSystems\nten\tx\n");
	struct classifier_sources src = { NULL, NULL, "/nonexistent/e.tsv",
		NULL };
	struct classifier *c, *none;
	struct evidence e;

	/* A missing registry file is left out, and said so. */
	c = classifier_open(&src, err, sizeof(err));
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_str_eq(classifier_enterprises_missing(c),
	    "/nonexistent/e.tsv: No such file or directory");
	ck_assert_uint_eq(classifier_enterprises_count(c), 0);
	ck_assert_int_eq(classify_assess(c, EV_SYSOBJECTID,
			     "1.3.6.1.4.1.31926.1", &e),
	    0);
	ck_assert_str_eq(e.vendor, "");
	ck_assert_str_eq(e.rule, "enterprise 31926: not in the catalogue");
	/* Without it the rules differ from those with none asked for. */
	none = classifier_new(NULL, NULL, err, sizeof(err));
	ck_assert_str_eq(classifier_digest(c), classifier_digest(none));
	classifier_free(none);
	classifier_free(c);
	/* A malformed line is an error naming the file and line. */
	src.enterprises = bad;
	ck_assert_ptr_null(classifier_open(&src, err, sizeof(err)));
	ck_assert(strncmp(err, bad, strlen(bad)) == 0);
	ck_assert_str_eq(err + strlen(bad),
	    ":2: not \"NUMBER NAME\": the line must start with an enterprise "
	    "number");
	/* The operator's file must exist when named. */
	src.enterprises = NULL;
	src.enterprises_local = "/nonexistent/local.tsv";
	ck_assert_ptr_null(classifier_open(&src, err, sizeof(err)));
	ck_assert_str_eq(err,
	    "/nonexistent/local.tsv: No such file or directory");
	free(bad);
	testenv_dir_remove();
}
END_TEST

/* Debian's whole registry (package libwireshark-data). */
#define DEBIAN_ENTERPRISES "/usr/share/wireshark/enterprises.tsv"

START_TEST(test_full_iana_registry)
{
	struct classifier_sources src = { NULL, NULL, DEBIAN_ENTERPRISES,
		NULL };
	struct classifier *c = classifier_open(&src, err, sizeof(err));
	/* The numbers the catalogue makes high risk, and why: all of them. */
	static const uint32_t high[] = {
		2011,  /* HUAWEI Technology Co.,Ltd */
		3902,  /* Zhongxing Telecom Co.,ltd. (abbr. ZTE) */
		34774, /* Huawei Symantec Technologies Co.,Ltd */
		37496, /* ZHEJIANG DAHUA TECHNOLOGY CO.,LTD */
		39165, /* Hikvision Digital Technology Co., Ltd. (weak) */
		40297, /* Hytera Communications Co.,Ltd. */
		40560, /* Norsat International Inc. */
		46055, /* Hytera Broadband Products */
		50001, /* Scildon: squatted by Hikvision NVRs (weak) */
		53115, /* Sinclair Technologies, a division of Norsat */
		58597, /* Hytera Austria GmbH */
	};
	size_t n_high = 0, named = 0, registrants = 0;
	struct evidence e;
	struct verdict v;
	char oid[64];

	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_uint_gt(classifier_enterprises_count(c), 50000);
	for (uint32_t pen = 0; pen < 70000; pen++) {
		enum risk risk;

		snprintf(oid, sizeof(oid), "1.3.6.1.4.1.%u.1", pen);
		ck_assert_int_eq(classify_assess(c, EV_SYSOBJECTID, oid, &e),
		    0);
		if (e.vendor[0] == '\0')
			continue;
		if (strncmp(e.vendor, "enterprise-", 11) == 0) {
			registrants++;
			continue;
		}
		named++;
		ck_assert_int_eq(classifier_vendor(c, e.vendor, NULL, &risk),
		    0);
		if (risk != RISK_HIGH)
			continue;
		n_high++;
		for (size_t i = 0; i < ARRAY_SIZE(high); i++)
			if (high[i] == pen)
				break;
			else if (i + 1 == ARRAY_SIZE(high))
				ck_abort_msg("%u (%s) is high risk: %s", pen,
				    e.vendor, e.rule);
	}
	ck_assert_uint_eq(n_high, ARRAY_SIZE(high));
	ck_assert_uint_gt(named, 300);
	ck_assert_uint_gt(registrants, 50000);

	/* A few numbers from the file, one the catalogue lacks. */
	ck_assert_int_eq(classify_assess(c, EV_SYSOBJECTID,
			     "1.3.6.1.4.1.61878.1.1", &e),
	    0);
	ck_assert_str_eq(e.rule,
	    "enterprise 61878 (h3c; IANA: New H3C Technologies Co., Ltd)");
	ck_assert_int_eq(classify_assess(c, EV_SYSOBJECTID,
			     "1.3.6.1.4.1.56278.1", &e),
	    0);
	ck_assert_str_eq(e.vendor, "china-mobile");
	ck_assert_int_eq(classify_assess(c, EV_SYSOBJECTID,
			     "1.3.6.1.4.1.57909.1", &e),
	    0);
	ck_assert_int_eq(classify_fuse(c, &e, 1, &v), 0);
	ck_assert_str_eq(v.vendor, "enterprise-57909");
	ck_assert_str_eq(v.vendor_name, "Attendance on Demand, Inc");
	ck_assert_int_eq(v.risk, RISK_UNKNOWN);
	classifier_free(c);
}
END_TEST

static Suite *
classify_suite(void)
{
	Suite *s = suite_create("classify");
	TCase *tc = tcase_create("assess");
	TCase *tf = tcase_create("fuse");
	TCase *tr = tcase_create("registry");

	tcase_add_unchecked_fixture(tc, shared_make, shared_free);
	tcase_add_loop_test(tc, test_assess, 0, (int)ARRAY_SIZE(assessments));
	tcase_add_loop_test(tc, test_malformed, 0, (int)ARRAY_SIZE(malformed));
	tcase_add_test(tc, test_oid_arcs);
	tcase_add_test(tc, test_oid_subtree_rule);
	tcase_add_test(tc, test_engineid_parse);
	if (access(TESTENV_IEEE_DATA "/oui.csv", R_OK) == 0)
		tcase_add_test(tc, test_full_registry);
	else
		testenv_left_out(
		    "the full registry test needs " TESTENV_IEEE_DATA
		    " (package ieee-data)");
	suite_add_tcase(s, tc);
	tcase_add_unchecked_fixture(tf, shared_make, shared_free);
	tcase_add_loop_test(tf, test_fuse, 0, (int)ARRAY_SIZE(fusions));
	tcase_add_test(tf, test_fuse_details);
	tcase_add_test(tf, test_ops);
	tcase_add_test(tf, test_operator_catalogue);
	tcase_add_test(tf, test_new_errors);
	tcase_add_test(tf, test_digest_stable);
	suite_add_tcase(s, tf);
	tcase_add_unchecked_fixture(tr, shared_make_registry, shared_free);
	tcase_add_loop_test(tr, test_registry_assess, 0,
	    (int)ARRAY_SIZE(registry_assessments));
	tcase_add_test(tr, test_registry_long_names);
	tcase_add_loop_test(tr, test_registry_fuse, 0,
	    (int)ARRAY_SIZE(registry_fusions));
	tcase_add_loop_test(tr, test_registry_makers, 0,
	    (int)ARRAY_SIZE(makers));
	tcase_add_test(tr, test_registry_local);
	tcase_add_test(tr, test_registry_errors);
	if (access(DEBIAN_ENTERPRISES, R_OK) == 0)
		tcase_add_test(tr, test_full_iana_registry);
	else
		testenv_left_out(
		    "the full IANA registry test needs " DEBIAN_ENTERPRISES
		    " (package libwireshark-data)");
	suite_add_tcase(s, tr);
	return s;
}

int
main(void)
{
	return testenv_run(classify_suite());
}
