/*
 * The vendor catalogue: the built-in vendors.conf (every IEEE name and
 * enterprise number of the vendor table, the namesakes that are not those
 * vendors), organisation name normalisation, word-bounded patterns, operator
 * files layered on top, and syntax errors reported as FILE:LINE.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "classify/vendors.h"

static char err[512];

static struct vendors *
builtin(void)
{
	struct vendors *v = vendors_new();

	ck_assert_msg(vendors_load_builtin(v, err, sizeof(err)) == 0, "%s",
	    err);
	return v;
}

/*
 * The lookup tests only read the built-in catalogue: they share one,
 * loaded once for their test case by an unchecked fixture (in the parent
 * when the tests are forked) instead of once per test, which under the
 * sanitizers was most of their time.
 */
static struct vendors *shared;

static void
shared_load(void)
{
	shared = builtin();
}

static void
shared_free(void)
{
	vendors_free(shared);
	shared = NULL;
}

static const char *
slug_of(const struct vendors *v, int i)
{
	return i < 0 ? "" : vendors_at(v, (size_t)i)->slug;
}

static const struct {
	const char *in;
	const char *out;
} norms[] = {
	{ "HUAWEI TECHNOLOGIES CO.,LTD", "huawei technologies" },
	{ "Huawei Technologies Co., Ltd.", "huawei technologies" },
	{ "Huawei Device Co., Ltd.", "huawei device" },
	{ "  zte   corporation ", "zte" },
	{ "Hytera Communications Co .,ltd", "hytera communications" },
	{ "Hytera Communications Corporation Limited",
	    "hytera communications" },
	{ "Nokia Danmark A/S", "nokia danmark" },
	{ "Nokia Solutions and Networks GmbH & Co. KG",
	    "nokia solutions and networks" },
	{ "Axis Communications AB", "axis communications" },
	{ "Example S.A.", "example" },
	{ "Cisco-Linksys, LLC", "cisco linksys" },
	{ "Prama Hikvision India Private Limited", "prama hikvision india" },
	/* "Technologies" is kept: it is part of names, not a legal form. */
	{ "New H3C Technologies Co., Ltd", "new h3c technologies" },
	/* A name that is only a legal form keeps its one word. */
	{ "Limited", "limited" },
	{ "Private", "private" },
	{ "", "" },
};

START_TEST(test_normalise)
{
	char out[256];

	vendors_org_normalise(norms[_i].in, out, sizeof(out));
	ck_assert_str_eq(out, norms[_i].out);
}
END_TEST

/* Every IEEE organisation name of the vendor table, and the namesakes. */
static const struct {
	const char *org;
	const char *slug; /* "" = no vendor */
} orgs[] = {
	{ "HUAWEI TECHNOLOGIES CO.,LTD", "huawei" },
	{ "Huawei Device Co., Ltd.", "huawei" },
	{ "Huawei Technologies Co., Ltd.", "huawei" },
	{ "Huawei Symantec Technologies Co.,Ltd.", "huawei" },
	{ "zte corporation", "zte" },
	{ "ZHONGXING TELECOM LTD.", "zte" },
	{ "SHANGHAI ZTE TECHNOLOGIES CO.,LTD", "zte" },
	{ "Nubia Technology Co.,Ltd.", "zte" },
	{ "Hangzhou Hikvision Digital Technology Co.,Ltd.", "hikvision" },
	{ "Prama Hikvision India Private Limited", "hikvision" },
	{ "Hangzhou Ezviz Software Co.,Ltd.", "hikvision" },
	{ "Zhejiang Dahua Technology Co., Ltd.", "dahua" },
	/* Their OEM brands are not their makers: watch. */
	{ "LT SECURITY INC", "lts" },
	{ "IC Realtime LLC", "ic-realtime" },
	{ "Amcrest Technologies", "amcrest" },
	{ "Lorex Technology Inc.", "lorex" },
	{ "Hytera Communications Corporation Limited", "hytera" },
	{ "Hytera Communications Co .,ltd", "hytera" },
	{ "New H3C Technologies Co., Ltd", "h3c" },
	{ "Hangzhou H3C Technologies Co., Limited", "h3c" },
	/* Not the same vendor, whatever a substring says. */
	{ "Honor Device Co., Ltd.", "honor" },
	{ "SHENZHEN HONOR ELECTRONIC CO.,LTD", "" },
	{ "Aztech Electronics Pte Ltd", "" },
	{ "Aztech Associates Inc.", "" },
	{ "Shenztech Ltd", "" },
	{ "ZTEC Instruments, Inc.", "" },
	{ "Naztec, Inc.", "" },
	{ "Wuxi Zhongxing Optoelectronics Technology Co.,Ltd.", "" },
	{ "Shanghai Dahua Scale Factory", "dahua-scale" },
	/* Vertiv since Emerson sold Network Power in 2016. */
	{ "Emerson Network Power Co.,Ltd", "vertiv" },
	{ "Private", "" },
	/* The none side. */
	{ "Cisco Systems, Inc", "cisco" },
	{ "Juniper Networks", "juniper" },
	{ "Nokia Shanghai Bell Co., Ltd.", "nokia" },
	{ "Alcatel-Lucent IPD", "nokia" },
	{ "Ericsson AB", "ericsson" },
	{ "Arista Networks", "arista" },
	{ "Ciena Corporation", "ciena" },
	{ "Hewlett Packard Enterprise", "hpe" },
	{ "Aruba, a Hewlett Packard Enterprise Company", "hpe" },
	{ "HP Inc.", "hp" },
	{ "Routerboard.com", "mikrotik" },
	{ "Intel Corporate", "intel" },
	{ "Juniper Systems", "" },
	/* Registrant names of the IANA registry (enterprises.tsv). */
	{ "HUAWEI Technology Co.,Ltd", "huawei" },
	{ "Norsat International Inc.", "hytera" },
	{ "Hytera Broadband Products", "hytera" },
	{ "Sepura plc", "sepura" },
	{ "Teltronic S.A.U.", "sepura" },
	{ "Teltronics, Inc.", "" },
	{ "Fiberhome Telecommunication Technologies Co.,LTD", "fiberhome" },
	{ "Ruijie Networks Co., Ltd.", "ruijie" },
	{ "Maipu Electric Industrial Co., Ltd", "maipu" },
	{ "Shanghai Baud Data Communication Development Corp.", "bdcom" },
	{ "Digital China (Shanghai) Networks Ltd.", "dcn" },
	{ "xFusion Digital Technologies Co., Ltd.", "xfusion" },
	{ "Alcatel-Lucent Enterprise", "alcatel-lucent-enterprise" },
	{ "ADVA AG Optical Networking", "adva" },
	{ "Ekinops SAS", "ekinops" },
	{ "OneAccess", "ekinops" },
	{ "Siklu Communication LTD", "siklu" },
	{ "American Power Conversion Corp.", "schneider" },
	{ "3Com", "3com" },
	{ "Enterasys Networks", "extreme" },
	{ "Netscaler", "citrix" },
	{ "Citrix Systems Inc.", "citrix" },
	{ "Mellanox Technologies LTD", "nvidia" },
	{ "Cumulus Networks, inc", "nvidia" },
	{ "Metamako", "arista" },
	{ "Hewlett Packard Enterprise", "hpe" },
	/* Namesakes in the IANA registry. */
	{ "Cumulus Media Stockton", "" },
	{ "Aruba S.r.l.", "" },
	{ "Juniper Financial Corp.", "" },
	{ "Delta Airlines", "" },
	{ "Robin's Limousine", "" },
};

START_TEST(test_org_aliases)
{
	const struct vendors *v = shared;
	int i = vendors_match_org(v, orgs[_i].org);

	ck_assert_msg(strcmp(slug_of(v, i), orgs[_i].slug) == 0,
	    "'%s' -> '%s', want '%s'", orgs[_i].org, slug_of(v, i),
	    orgs[_i].slug);
}
END_TEST

static const struct {
	uint32_t pen;
	const char *slug;
	bool weak;
} pens[] = {
	{ 2011, "huawei", false },
	{ 34774, "huawei", false },
	{ 3902, "zte", false },
	{ 39165, "hikvision", true }, /* a Microsemi time server uses it too */
	{ 50001, "hikvision", true }, /* squatted by some NVRs */
	{ 37496, "dahua", false },
	{ 1004849, "dahua", true }, /* never assigned */
	{ 40297, "hytera", false },
	{ 25506, "h3c", true },   /* shared with HP/HPE Comware */
	{ 26381, "lwip", false }, /* generic stack */
	{ 8072, "net-snmp", false },
	{ 9, "cisco", false },
	{ 2636, "juniper", false },
	{ 6527, "nokia", false },
	{ 637, "nokia", false },
	{ 193, "ericsson", false },
	{ 30065, "arista", false },
	{ 1271, "ciena", false },
	{ 6141, "ciena", false },
	{ 11, "hpe", false },
	{ 674, "dell", false },
	{ 1916, "extreme", false },
	{ 12356, "fortinet", false },
	{ 25461, "paloalto", false },
	{ 1588, "brocade", false },
	{ 3375, "f5", false },
	{ 14988, "mikrotik", false },
	{ 41112, "ubiquiti", false },
	{ 4526, "netgear", false },
	{ 11863, "tplink", false },
	{ 171, "dlink", false },
	{ 890, "zyxel", false },
	{ 207, "alliedtelesis", false },
	{ 2620, "checkpoint", false },
	{ 33049, "nvidia", false },
	{ 343, "intel", false },
	{ 4413, "broadcom", true }, /* Broadcom's switch SDK default */
	{ 2281, "ceragon", false }, /* "Giganet Ltd" */
	{ 6486, "alcatel-lucent-enterprise", false },
	{ 800, "alcatel-lucent-enterprise", false }, /* "Xylan Corp." */
	{ 3224, "juniper", false }, /* "NetScreen Technologies, Inc." */
	{ 232, "hpe", false },      /* "Compaq" */
	{ 7483, "nokia", false },
	{ 5875, "fiberhome", false },
	{ 311, "windows-snmp", false }, /* generic */
	{ 6889, "avaya", false },
	{ 20110, "", false },
	{ 201, "", false },
};

START_TEST(test_enterprises)
{
	const struct vendors *v = shared;
	bool weak = false;
	int i = vendors_match_enterprise(v, pens[_i].pen, &weak);

	ck_assert_msg(strcmp(slug_of(v, i), pens[_i].slug) == 0,
	    "%u -> '%s', want '%s'", pens[_i].pen, slug_of(v, i),
	    pens[_i].slug);
	if (i >= 0)
		ck_assert_int_eq(weak, pens[_i].weak);
}
END_TEST

static const struct {
	enum vendor_field field;
	const char *text;
	const char *slug;
} texts[] = {
	{ VF_SYSDESCR,
	    "Huawei Versatile Routing Platform Software\r\nVRP (R) software, Version 8.190 (NE40E V800R011C10SPC100)",
	    "huawei" },
	{ VF_SYSDESCR, "VRP (R) software, Version 8.190", "huawei" },
	{ VF_SYSDESCR,
	    "Huawei YunShan OS\nVersion 1.22.0.1 (S5735-S V200R022C00SPC500)",
	    "huawei" },
	{ VF_SYSDESCR,
	    "Huawei Integrated Access Software (MA5800). Copyright(C) Huawei Technologies Co., Ltd.",
	    "huawei" },
	{ VF_SYSDESCR, "ZTE 5950-36TM Software, 5900 Version: V3.03.10",
	    "zte" },
	{ VF_SYSDESCR, "ZXR10 ROS Version V4.8.01A ZXR10 ZXCTN 6100", "zte" },
	{ VF_SYSDESCR,
	    "C320 Version V2.1.0 Software, Copyright (c) by ZTE Corporation Compiled",
	    "zte" },
	{ VF_SYSDESCR, "Hikvision company products", "hikvision" },
	{ VF_SYSDESCR, "DH-NVR4108HS-8P-4KS2", "dahua" },
	{ VF_SYSDESCR,
	    "H3C Comware Platform Software, Software Version 7.1.064, Release 0427P22\r\nH3C S5130S-28P-EI\r\nCopyright (c) 2004-2019 New H3C Technologies Co., Ltd. All rights reserved.",
	    "h3c" },
	/* HP- and HPE-branded Comware switches are built by H3C. */
	{ VF_SYSDESCR,
	    "HP Comware Platform Software, Software Version 5.20.99 Release 2221P01\r\nHP A5120-24G EI Switch\r\nCopyright (c) 2010-2014 Hewlett-Packard Development Company, L.P.",
	    "h3c" },
	{ VF_SYSDESCR,
	    "HPE Comware Software, Version 7.1.045, Release 2432P06\r\nHPE 5130 24G 4SFP+ EI Switch",
	    "h3c" },
	{ VF_SYSDESCR,
	    "ArubaOS-CX FL.10.10.1030 Aruba JL659A 6300M 48SR5 CL6 PoE 4SFP56 Swch",
	    "hpe" },
	/* Aruba's controllers sold by Dell; other PowerConnects are Dell's. */
	{ VF_SYSDESCR, "Dell PowerConnect W-3200, ArubaOS Version 6.1.3.2",
	    "hpe" },
	{ VF_SYSDESCR, "PowerConnect 5548P, 4.1.0.6, VxWorks 6.5", "dell" },
	/* Ubiquiti's EdgeSwitch on Broadcom's SDK. */
	{ VF_SYSDESCR,
	    "EdgeSwitch 24-Port 250W, 1.7.4.5075842, Linux 3.6.5-f4a26ed5",
	    "ubiquiti" },
	{ VF_SYSDESCR,
	    "UBNT US48PRO - 48 GE POE + 4 XE, 4.0.19.9951, Linux 3.6.5",
	    "ubiquiti" },
	/* Alcatel-Lucent Enterprise is not Nokia. */
	{ VF_SYSDESCR,
	    "Alcatel-Lucent Enterprise OS6860E-48 8.7.354.R01 GA, July 11, 2021.",
	    "alcatel-lucent-enterprise" },
	{ VF_SYSDESCR,
	    "Alcatel-Lucent OS6850-24 6.4.5.528.R02 GA, July 02, 2013.",
	    "alcatel-lucent-enterprise" },
	{ VF_SYSDESCR, "Alcatel-Lucent 1830 PSS-32, Release 9.1", "nokia" },
	{ VF_ENTITY_MFG, "ALCATEL-LUCENT ENTERPRISE",
	    "alcatel-lucent-enterprise" },
	{ VF_ENTITY_MFG, "Alcatel-Lucent", "nokia" },
	{ VF_SYSDESCR,
	    "Cisco IOS Software, C3750E Software (C3750E-UNIVERSALK9-M), Version 12.2(55)SE",
	    "cisco" },
	{ VF_SYSDESCR,
	    "Cisco IOS XR Software (Cisco ASR9K Series), Version 6.1.4",
	    "cisco" },
	{ VF_SYSDESCR,
	    "Juniper Networks, Inc. mx480 internet router, kernel JUNOS 18.2R3",
	    "juniper" },
	{ VF_SYSDESCR,
	    "TiMOS-C-20.10.R5 cpm/hops64 Nokia 7750 SR Copyright (c) 2000-2021 Nokia.",
	    "nokia" },
	{ VF_SYSDESCR, "MINI-LINK 6600", "ericsson" },
	{ VF_SYSDESCR, "Ericsson IPOS Version 12.2", "ericsson" },
	{ VF_SYSDESCR,
	    "Arista Networks EOS version 4.24.2F running on an Arista Networks DCS-7050SX",
	    "arista" },
	{ VF_SYSDESCR, "Microsemi SyncServer S650, firmware 4.1", "microsemi" },
	/* Word bounds: no vendor hides inside another word. */
	{ VF_SYSDESCR, "Aztech DSL5018EN router", "" },
	{ VF_SYSDESCR, "ZTEC Instruments ZT4441", "" },
	{ VF_SYSDESCR, "Naztec controller", "" },
	{ VF_SYSDESCR, "Linux gateway 5.10.0-21-amd64 #1 SMP x86_64", "" },
	{ VF_SYSDESCR, "", "" },
	/* Earliest match: the scale maker is named before "Dahua" is. */
	{ VF_ENTITY_MFG, "Shanghai Dahua Scale Factory", "dahua-scale" },
	{ VF_ENTITY_MFG, "HUAWEI", "huawei" },
	{ VF_ENTITY_MFG, "Huawei", "huawei" },
	{ VF_ENTITY_MFG, "ZTE", "zte" },
	{ VF_ENTITY_MFG, "H3C", "h3c" },
	{ VF_ENTITY_MFG, "Cisco Systems, Inc.", "cisco" },
	{ VF_ENTITY_MFG, "Honor", "" },
	{ VF_COMPONENT, "HISILICON", "huawei" },
	{ VF_COMPONENT, "Broadcom", "broadcom" },
	{ VF_CDP, "cisco WS-C3750X-48P", "cisco" },
	{ VF_DHCP, "HUAWEI:android:ELE-L29", "huawei" },
};

START_TEST(test_patterns)
{
	const struct vendors *v = shared;
	struct vendor_text_match m;
	int r = vendors_match_text(v, texts[_i].field, texts[_i].text, &m);
	const char *got = r == 0 ? slug_of(v, m.vendor) : "";

	ck_assert_msg(strcmp(got, texts[_i].slug) == 0,
	    "%s '%s' -> '%s', want '%s'", vendor_field_name(texts[_i].field),
	    texts[_i].text, got, texts[_i].slug);
}
END_TEST

START_TEST(test_builtin_content)
{
	struct vendors *v = builtin();
	size_t none = 0;
	static const struct {
		const char *slug;
		enum risk risk;
	} risks[] = {
		{ "huawei", RISK_HIGH },
		{ "zte", RISK_HIGH },
		{ "hikvision", RISK_HIGH },
		{ "dahua", RISK_HIGH },
		{ "hytera", RISK_HIGH },
		{ "h3c", RISK_WATCH },
		{ "alcatel-lucent-enterprise", RISK_WATCH },
		{ "fiberhome", RISK_WATCH },
		{ "ruijie", RISK_WATCH },
		{ "maipu", RISK_WATCH },
		{ "bdcom", RISK_WATCH },
		{ "dcn", RISK_WATCH },
		{ "sepura", RISK_WATCH },
		{ "lts", RISK_WATCH },
		{ "ic-realtime", RISK_WATCH },
		{ "amcrest", RISK_WATCH },
		{ "lorex", RISK_WATCH },
		{ "xfusion", RISK_WATCH },
		{ "cisco", RISK_NONE },
		{ "honor", RISK_NONE },
		{ "nokia", RISK_NONE },
		{ "adva", RISK_NONE },
		{ "ceragon", RISK_NONE },
		{ "siklu", RISK_NONE },
		{ "ekinops", RISK_NONE },
		{ "schneider", RISK_NONE },
		{ "3com", RISK_NONE },
		{ "citrix", RISK_NONE },
		{ "nvidia", RISK_NONE },
	};
	/* The national rules name these five: no other vendor is high. */
	static const char *const high[] = { "huawei", "zte", "hikvision",
		"dahua", "hytera" };
	size_t makers = 0;

	for (size_t i = 0; i < vendors_count(v); i++) {
		const struct vendor *x = vendors_at(v, i);
		bool listed = false;

		if (x->risk == RISK_NONE && !x->generic)
			none++;
		makers += !x->generic;
		for (size_t k = 0; k < ARRAY_SIZE(high); k++)
			listed |= strcmp(x->slug, high[k]) == 0;
		ck_assert_msg((x->risk == RISK_HIGH) == listed, "%s: risk %s",
		    x->slug, risk_name(x->risk));
	}
	ck_assert_uint_ge(none, 30);
	ck_assert_uint_ge(makers, 150);
	for (size_t i = 0; i < ARRAY_SIZE(risks); i++) {
		int k = vendors_find(v, risks[i].slug);

		ck_assert_msg(k >= 0, "no vendor %s", risks[i].slug);
		ck_assert_int_eq(vendors_at(v, (size_t)k)->risk, risks[i].risk);
	}
	ck_assert(vendors_at(v, (size_t)vendors_find(v, "net-snmp"))->generic);
	ck_assert_str_eq(vendors_at(v, (size_t)vendors_find(v, "huawei"))->name,
	    "Huawei");
	vendors_free(v);
}
END_TEST

static int
load(struct vendors *v, const char *text)
{
	return vendors_load_text(v, text, strlen(text), "op.conf", err,
	    sizeof(err));
}

START_TEST(test_operator_overrides)
{
	struct vendors *v = builtin();
	const struct vendor_block *b;
	struct vendor_text_match m;
	size_t nb, nv = vendors_count(v), nb0;
	bool weak;
	int k;

	(void)vendors_blocks(v, &nb0);
	ck_assert_msg(load(v,
			  "; operator additions\n"
			  "[vendor huawei]\n"
			  "oui = 28:6E:D4/28, 00:E0:FC\n"
			  "org = Huawei Cloud Example Co., Ltd.\n"
			  "[vendor h3c]\n"
			  "risk = high\n"
			  "[vendor acme]\n"
			  "name = ACME Networks\n"
			  "risk = watch\n"
			  "org = ACME Networks GmbH\n"
			  "enterprise = 99999\n"
			  "sysdescr = ACME ?OS\n"
			  "weak-sysdescr = Frobnicator\n"
			  "[vendor hpe]\n"
			  "; move 25506 from h3c to hpe\n"
			  "enterprise = 25506\n"
			  "; and one of h3c's names\n"
			  "org = Hangzhou H3C Technologies Co., Limited\n") ==
		0,
	    "%s", err);
	/* One vendor added, none lost. */
	ck_assert_uint_eq(vendors_count(v), nv + 1);
	k = vendors_find(v, "h3c");
	ck_assert_int_eq(vendors_at(v, (size_t)k)->risk, RISK_HIGH);
	ck_assert_str_eq(vendors_at(v, (size_t)k)->name, "H3C");
	ck_assert_str_eq(slug_of(v, vendors_match_org(v, "ACME Networks")),
	    "acme");
	ck_assert_str_eq(slug_of(v,
			     vendors_match_org(v,
				 "HUAWEI CLOUD EXAMPLE CO.,LTD")),
	    "huawei");
	/* Built-in aliases are still there, but the one moved. */
	ck_assert_str_eq(slug_of(v, vendors_match_org(v, "zte corporation")),
	    "zte");
	ck_assert_str_eq(slug_of(v,
			     vendors_match_org(v,
				 "HANGZHOU H3C TECHNOLOGIES CO., LIMITED")),
	    "hpe");
	ck_assert_str_eq(slug_of(v,
			     vendors_match_org(v,
				 "New H3C Technologies Co., Ltd")),
	    "h3c");
	ck_assert_str_eq(slug_of(v, vendors_match_enterprise(v, 99999, &weak)),
	    "acme");
	ck_assert_str_eq(slug_of(v, vendors_match_enterprise(v, 25506, &weak)),
	    "hpe");
	ck_assert(!weak);
	ck_assert_int_eq(vendors_match_text(v, VF_SYSDESCR, "ACME OS 1.0", &m),
	    0);
	ck_assert_str_eq(slug_of(v, m.vendor), "acme");
	ck_assert(!m.weak);
	ck_assert_int_eq(vendors_match_text(v, VF_SYSDESCR, "a Frobnicator",
			     &m),
	    0);
	ck_assert_str_eq(slug_of(v, m.vendor), "acme");
	ck_assert(m.weak);
	/* The operator's blocks after the catalogue's own. */
	b = vendors_blocks(v, &nb);
	ck_assert_uint_eq(nb, nb0 + 2);
	ck_assert_uint_eq(b[nb0].bits, 28);
	ck_assert_str_eq(slug_of(v, b[nb0].vendor), "huawei");
	ck_assert_uint_eq(b[nb0 + 1].bits, 24);
	ck_assert_str_eq(slug_of(v, b[nb0 + 1].vendor), "huawei");
	vendors_free(v);
}
END_TEST

/* Patterns whose leading literal, optional last character, top-level
 * alternation or bracket expressions decide what text can match: the
 * quick literal check before regexec must never hide a match. */
START_TEST(test_pattern_shapes_match_as_regular_expressions)
{
	static const struct {
		const char *text;
		const char *slug;
	} cases[] = {
		{ "Acme ABCX box", "opt" }, /* "abc?x": literal "ab" */
		{ "Acme ABX box", "opt" }, { "Acme ax box", "" },
		{ "unit DH-NVR4104 ok", "grp" }, /* "dh-(nvr|xvr)..." */
		{ "unit dh-xvr5108", "grp" }, { "unit DH-ABC", "" },
		{ "model Q7 here", "alt" }, /* "zz|q[0-9]" */
		{ "model ZZ here", "alt" },
		{ "VRX (R) software", "esc" }, /* "VRX \(R\) soft" */
		{ "VRX R software", "" },
		{ "camera TT-(9)", "brk" }, /* "[(]9[)]|tt" */
	};
	struct vendors *v = vendors_new();
	struct vendor_text_match m;

	ck_assert_msg(
	    load(v,
		"[vendor opt]\nname = Opt\nrisk = none\nsysdescr = abc?x\n"
		"[vendor grp]\nname = Grp\nrisk = none\n"
		"sysdescr = DH-(NVR|XVR)[[:alnum:]-]*\n"
		"[vendor alt]\nname = Alt\nrisk = none\nsysdescr = zz|q[0-9]\n"
		"[vendor esc]\nname = Esc\nrisk = none\n"
		"sysdescr = VRX \\(R\\) soft[a-z]*\n"
		"[vendor brk]\nname = Brk\nrisk = none\nsysdescr = [(]9[)]|tt\n") ==
		0,
	    "%s", err);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int r = vendors_match_text(v, VF_SYSDESCR, cases[i].text, &m);
		const char *got = r == 0 ? slug_of(v, m.vendor) : "";

		ck_assert_msg(strcmp(got, cases[i].slug) == 0,
		    "'%s' -> '%s', want '%s'", cases[i].text, got,
		    cases[i].slug);
	}
	vendors_free(v);
}
END_TEST

START_TEST(test_operator_file)
{
	char path[] = "/tmp/check_vendors.XXXXXX";
	int fd = mkstemp(path);
	struct vendors *v = builtin();
	static const char text[] = "[vendor zte]\nrisk = watch\nwat = 1\n";

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1),
	    (ssize_t)sizeof(text) - 1);
	close(fd);
	ck_assert_int_eq(vendors_load_file(v, path, err, sizeof(err)), -1);
	ck_assert(strncmp(err, path, strlen(path)) == 0);
	ck_assert_str_eq(err + strlen(path),
	    ":3: [vendor zte] wat: unknown key "
	    "(expected name, risk, generic, org, enterprise, weak-enterprise, "
	    "sysobjectid, oui, sysdescr, entity-mfg, lldp, cdp, dhcp, component, "
	    "ssh, http, mdns, dhcp-prl, weak-sysdescr, weak-entity-mfg, "
	    "weak-lldp, weak-cdp, weak-dhcp, weak-component, weak-ssh, "
	    "weak-http, weak-mdns or weak-dhcp-prl)");
	unlink(path);
	ck_assert_int_eq(vendors_load_file(v, path, err, sizeof(err)), -1);
	ck_assert(strstr(err, "No such file or directory") != NULL);
	vendors_free(v);
}
END_TEST

static const struct {
	const char *text;
	const char *err;
} bad[] = {
	{ "name = x\n",
	    "op.conf:1: name: key outside any section (expected a [vendor SLUG] header first)" },
	{ "[vendor]\n",
	    "op.conf:1: [vendor] \"\" is not a vendor slug (lower-case letters, digits, '-', '_' or '.', at most 31 characters)" },
	{ "[vendor Big]\n",
	    "op.conf:1: [vendor Big] \"Big\" is not a vendor slug (lower-case letters, digits, '-', '_' or '.', at most 31 characters)" },
	{ "[vendor a b]\n",
	    "op.conf:1: [vendor a b] \"a b\" is not a vendor slug (lower-case letters, digits, '-', '_' or '.', at most 31 characters)" },
	{ "[target x]\n",
	    "op.conf:1: [target x] unknown section (expected [vendor SLUG])" },
	{ "[vendor enterprise-2011]\nrisk = none\n",
	    "op.conf:1: [vendor enterprise-2011] \"enterprise-2011\": slugs enterprise-N are kept for registrants the catalogue lacks; give the vendor a name and list N under enterprise" },
	{ "[vendor x\n", "op.conf:1: section header lacks its closing ']'" },
	{ "; c\n\n[vendor x]\nname = X\n",
	    "op.conf:3: [vendor x] risk: required key missing (high, watch or none)" },
	{ "[vendor x]\nrisk = low\n",
	    "op.conf:2: [vendor x] risk: \"low\" is not a risk class (expected high, watch or none)" },
	{ "[vendor x]\nrisk = unknown\n",
	    "op.conf:2: [vendor x] risk: \"unknown\" is not a risk class (expected high, watch or none)" },
	{ "[vendor x]\nrisk = none\nenterprise = 12, x4\n",
	    "op.conf:3: [vendor x] enterprise: \"x4\" is not a number" },
	{ "[vendor x]\nrisk = none\nenterprise = 4294967296\n",
	    "op.conf:3: [vendor x] enterprise: \"4294967296\" is not a number up to 4294967295" },
	{ "[vendor x]\nrisk = none\nenterprise = 1,,2\n",
	    "op.conf:3: [vendor x] enterprise: empty list item (expected a comma-separated list)" },
	{ "[vendor x]\nrisk = none\n[vendor y]\nrisk = none\nenterprise = 5\n[vendor x]\nenterprise = 5\n",
	    "op.conf:6: [vendor x] duplicate section (first on line 1)" },
	{ "[vendor x]\nrisk = none\nenterprise = 5\n[vendor y]\nrisk = none\nenterprise = 4,\n  5\n",
	    "op.conf:7: [vendor y] enterprise: 5 already belongs to vendor x (line 3)" },
	{ "[vendor x]\nrisk = none\norg = A Ltd\n[vendor y]\nrisk = none\norg = a, ltd.\n",
	    "op.conf:6: [vendor y] org: \"a, ltd.\" already belongs to vendor x (line 3)" },
	{ "[vendor x]\nrisk = none\noui = 00:25:9\n",
	    "op.conf:3: [vendor x] oui: \"00:25:9\" is not a MAC block (00:25:9E, 28:6E:D4:0/28 or 70:B3:D5:F2:F/36)" },
	{ "[vendor x]\nrisk = none\nsysdescr = (unclosed\n",
	    "op.conf:3: [vendor x] sysdescr: \"(unclosed\" is not an extended regular expression: " },
	{ "[vendor x]\nrisk = none\nsysobjectid = 1.3.6.x\n",
	    "op.conf:3: [vendor x] sysobjectid: \"1.3.6.x\" is not a numeric OID" },
	{ "[vendor x]\nrisk = none\ngeneric = maybe\n",
	    "op.conf:3: [vendor x] generic: \"maybe\" is not yes or no" },
	{ "[vendor x]\nrisk = none\norg =\n",
	    "op.conf:3: [vendor x] org: empty value" },
	{ "[vendor x]\nrisk = none\norg = ...\n",
	    "op.conf:3: [vendor x] org: \"...\" is empty once normalised" },
	{ "[vendor x]\nrisk = none\nweak-org = X\n",
	    "op.conf:3: [vendor x] weak-org: unknown key (expected name, risk" },
	{ "[vendor x]\nrisk = none\njust text\n",
	    "op.conf:3: expected \"key = value\" or a [section] header" },
	{ "[vendor x]\nrisk = none\nname = 0123456789012345678901234567890123456789012345678901234567890123456789\n",
	    "op.conf:3: [vendor x] name: longer than 63 characters" },
	{ "[vendor x]\nrisk = none\nrisk = high\n",
	    "op.conf:3: [vendor x] risk: given twice (first on line 2)" },
	{ "[vendor x]\nrisk = none\nenterprise =\n\n[vendor y]\n",
	    "op.conf:3: [vendor x] enterprise: empty value" },
	{ "[vendor x]\nrisk = none\nname = X\n  Y\n",
	    "op.conf:4: [vendor x] name: indented line continues a single value" },
};

START_TEST(test_syntax_errors)
{
	struct vendors *v = builtin();
	int r = load(v, bad[_i].text);

	ck_assert_int_eq(r, -1);
	ck_assert_msg(strncmp(err, bad[_i].err, strlen(bad[_i].err)) == 0,
	    "got '%s', want '%s'", err, bad[_i].err);
	vendors_free(v);
}
END_TEST

START_TEST(test_long_line)
{
	struct vendors *v = vendors_new();
	size_t n = 5000;
	char *text = xmalloc(n + 64);

	int k = snprintf(text, 64, "[vendor x]\nrisk = none\nsysdescr = ");

	memset(text + k, 'a', n);
	text[(size_t)k + n] = '\0';
	ck_assert_int_eq(load(v, text), -1);
	ck_assert_str_eq(err, "op.conf:3: line longer than 4096 bytes");
	free(text);
	vendors_free(v);
}
END_TEST

START_TEST(test_comments_and_crlf)
{
	struct vendors *v = vendors_new();
	struct vendor_text_match m;

	ck_assert_msg(load(v,
			  "# hash comment\r\n; semicolon\r\n[vendor x]\r\n"
			  "  risk = watch  \r\nsysdescr = Foo;Bar\r\n") == 0,
	    "%s", err);
	ck_assert_int_eq(vendors_at(v, 0)->risk, RISK_WATCH);
	ck_assert_int_eq(vendors_match_text(v, VF_SYSDESCR, "a foo;bar b", &m),
	    0);
	ck_assert_str_eq(m.pattern, "Foo;Bar");
	vendors_free(v);
}
END_TEST

/* The catalogue is read as vraudit.conf is: comments after a value (a ';'
 * after white space), lists on indented lines, "key: value". */
START_TEST(test_common_dialect)
{
	struct vendors *v = vendors_new();
	struct vendor_text_match m;
	bool weak;

	ck_assert_msg(load(v,
			  "[vendor x] ; a comment\n"
			  "risk: watch\n"
			  "name = X Networks ; a comment\n"
			  "enterprise = 11111,\n"
			  "\t22222\n"
			  "sysdescr = X;OS [#]1\n") == 0,
	    "%s", err);
	ck_assert_str_eq(vendors_at(v, 0)->name, "X Networks");
	ck_assert_int_eq(vendors_at(v, 0)->risk, RISK_WATCH);
	ck_assert_int_eq(vendors_match_enterprise(v, 22222, &weak), 0);
	ck_assert_int_eq(vendors_match_text(v, VF_SYSDESCR, "a x;os #1", &m),
	    0);
	ck_assert_str_eq(m.pattern, "X;OS [#]1");
	vendors_free(v);
}
END_TEST

static Suite *
vendors_suite(void)
{
	Suite *s = suite_create("vendors");
	TCase *tc = tcase_create("catalogue");
	TCase *tl = tcase_create("lookups");

	tcase_add_unchecked_fixture(tl, shared_load, shared_free);
	tcase_add_loop_test(tl, test_org_aliases, 0, (int)ARRAY_SIZE(orgs));
	tcase_add_loop_test(tl, test_enterprises, 0, (int)ARRAY_SIZE(pens));
	tcase_add_loop_test(tl, test_patterns, 0, (int)ARRAY_SIZE(texts));
	suite_add_tcase(s, tl);
	tcase_add_loop_test(tc, test_normalise, 0, (int)ARRAY_SIZE(norms));
	tcase_add_test(tc, test_builtin_content);
	tcase_add_test(tc, test_operator_overrides);
	tcase_add_test(tc, test_operator_file);
	tcase_add_test(tc, test_pattern_shapes_match_as_regular_expressions);
	tcase_add_loop_test(tc, test_syntax_errors, 0, (int)ARRAY_SIZE(bad));
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_comments_and_crlf);
	tcase_add_test(tc, test_common_dialect);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(vendors_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
