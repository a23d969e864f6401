/*
 * vraudit classify: classify the evidence given on the command line and
 * print the verdict with every piece of evidence and the rule it matched,
 * as text or as one JSON object. Exit 0 whatever the verdict, 2 on
 * malformed input, 3 when the catalogue or a needed registry cannot load.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "cli/cli.h"
#include "config/config.h"
#include "common/log.h"
#include "common/oid.h"
#include "common/text.h"
#include "common/util.h"

#define CMD "classify"

enum {
	OPT_MAC = OPT_COMMON_LAST + 1,
	OPT_SYSOBJECTID,
	OPT_SYSDESCR,
	OPT_ENTITY_MFG,
	OPT_COMPONENT,
	OPT_LLDP,
	OPT_CDP,
	OPT_ENGINEID,
	OPT_DHCP,
	OPT_VENDORS,
	OPT_OUI_DIR,
	OPT_ENTERPRISES,
};

/* One piece of evidence asked for; value borrowed from argv or owned. */
struct input {
	enum evidence_kind kind;
	const char *value;
	char *owned;
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: vraudit classify [--mac M]... [--sysobjectid OID] [--sysdescr S]\n"
	    "           [--entity-mfg S] [--component S]... [--lldp S] [--cdp S]\n"
	    "           [--engineid HEX] [--dhcp S] [--json] [-c CONF]\n"
	    "           [--vendors PATH] [--oui-dir DIR] [--enterprises PATH]\n"
	    "\n"
	    "Classify one network element from the evidence given (each option may\n"
	    "be repeated) and print the verdict and the rule behind each piece.\n"
	    "  --mac M            chassis or interface MAC (IEEE registry)\n"
	    "  --sysobjectid OID  SNMP sysObjectID, e.g. 1.3.6.1.4.1.2011.2.23.1\n"
	    "  --sysdescr S       SNMP sysDescr text\n"
	    "  --entity-mfg S     ENTITY-MIB maker of the chassis\n"
	    "  --component S      maker of a module or chip inside (never the chassis)\n"
	    "  --lldp S, --cdp S  LLDP / CDP description or platform text\n"
	    "  --engineid HEX     SNMPv3 engineID (a MAC it carries is also looked up)\n"
	    "  --dhcp S           DHCP vendor class (option 60) or host name\n"
	    "  --json             one JSON object instead of text\n"
	    "  --vendors PATH     operator vendors.conf (default: [registry] vendors)\n"
	    "  --oui-dir DIR      IEEE registry CSVs (default: [registry] oui-dir)\n"
	    "  --enterprises PATH IANA enterprise numbers (default: [registry]\n"
	    "                     enterprises)\n"
	    "Exit: 0 classified (whatever the verdict), 2 malformed input,\n"
	    "3 the vendors file or a needed registry could not be loaded.\n");
}

/* Write s as TEXT_JSON (common/text.h), quoted when asked. */
static void
escape_string(FILE *out, const char *s, bool quote)
{
	struct strbuf b = STRBUF_INIT;

	if (quote)
		strbuf_addc(&b, '"');
	text_escape(&b, s, strlen(s), TEXT_JSON);
	if (quote)
		strbuf_addc(&b, '"');
	fputs(strbuf_str(&b), out);
	strbuf_finish(&b);
}

static void
json_string(FILE *out, const char *s)
{
	escape_string(out, s, true);
}

static void
print_json(FILE *out, const struct verdict *v, const struct evidence *ev,
    size_t n)
{
	fputs("{\"vendor\":", out);
	json_string(out, v->vendor);
	fputs(",\"vendor_name\":", out);
	json_string(out, v->vendor_name);
	fprintf(out,
	    ",\"risk\":\"%s\",\"confidence\":%.3f,\"conflict\":%s,"
	    "\"digest\":\"%s\",\"evidence\":[",
	    risk_name(v->risk), v->confidence, v->conflict ? "true" : "false",
	    v->digest);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%s{\"kind\":\"%s\",\"value\":", i > 0 ? "," : "",
		    evidence_kind_name(ev[i].kind));
		json_string(out, ev[i].value);
		fputs(",\"vendor\":", out);
		json_string(out, ev[i].vendor);
		fprintf(out, ",\"strength\":%.2f,\"rule\":", ev[i].strength);
		json_string(out, ev[i].rule);
		fputc('}', out);
	}
	fputs("]}\n", out);
}

static void
print_text(FILE *out, const struct verdict *v, const struct evidence *ev,
    size_t n)
{
	if (v->vendor[0] != '\0') {
		fprintf(out, "vendor:     %s (", v->vendor);
		/* The name comes from a file: keep it on one line. */
		escape_string(out, v->vendor_name, false);
		fputs(")\n", out);
	} else
		fputs("vendor:     unknown\n", out);
	fprintf(out, "risk:       %s\n", risk_name(v->risk));
	fprintf(out, "confidence: %.2f\n", v->confidence);
	fprintf(out, "conflict:   %s\n", v->conflict ? "yes" : "no");
	fprintf(out, "digest:     %s\n", v->digest);
	fputs("evidence:\n", out);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "  %-11s ", evidence_kind_name(ev[i].kind));
		json_string(out, ev[i].value);
		fprintf(out, " vendor=%s strength=%.2f rule=",
		    ev[i].vendor[0] != '\0' ? ev[i].vendor : "-",
		    ev[i].strength);
		json_string(out, ev[i].rule);
		fputc('\n', out);
	}
}

/* Check a value before anything is loaded, so bad input is exit 2. */
static int
validate(enum evidence_kind kind, const char *value)
{
	uint8_t mac[MAC_LEN];
	uint32_t arcs[CLASSIFY_OID_MAX], pen;
	size_t n;
	bool has_mac;

	switch (kind) {
	case EV_OUI:
		if (mac_parse(value, mac) < 0)
			return cli_usage_error(CMD,
			    "--mac '%s': not a MAC address "
			    "(aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff "
			    "or aabbccddeeff)",
			    value);
		break;
	case EV_SYSOBJECTID:
		if (oid_parse(value, arcs, ARRAY_SIZE(arcs), &n) < 0)
			return cli_usage_error(CMD,
			    "--sysobjectid '%s': not a "
			    "numeric OID (e.g. 1.3.6.1.4.1.9.1.516)",
			    value);
		break;
	case EV_ENGINEID:
		if (classify_engineid_parse(value, &pen, mac, &has_mac) < 0)
			return cli_usage_error(CMD,
			    "--engineid '%s': not an "
			    "engineID (5 to 32 octets in hex)",
			    value);
		break;
	default:
		break;
	}
	return EXIT_OK;
}

int
cmd_classify(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "mac", required_argument, NULL, OPT_MAC },
		{ "sysobjectid", required_argument, NULL, OPT_SYSOBJECTID },
		{ "sysdescr", required_argument, NULL, OPT_SYSDESCR },
		{ "entity-mfg", required_argument, NULL, OPT_ENTITY_MFG },
		{ "component", required_argument, NULL, OPT_COMPONENT },
		{ "lldp", required_argument, NULL, OPT_LLDP },
		{ "cdp", required_argument, NULL, OPT_CDP },
		{ "engineid", required_argument, NULL, OPT_ENGINEID },
		{ "dhcp", required_argument, NULL, OPT_DHCP },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "vendors", required_argument, NULL, OPT_VENDORS },
		{ "oui-dir", required_argument, NULL, OPT_OUI_DIR },
		{ "enterprises", required_argument, NULL, OPT_ENTERPRISES },
		{ NULL, 0, NULL, 0 },
	};
	static const struct {
		int opt;
		enum evidence_kind kind;
	} kinds[] = {
		{ OPT_MAC, EV_OUI },
		{ OPT_SYSOBJECTID, EV_SYSOBJECTID },
		{ OPT_SYSDESCR, EV_SYSDESCR },
		{ OPT_ENTITY_MFG, EV_ENTITY_MFG },
		{ OPT_COMPONENT, EV_COMPONENT },
		{ OPT_LLDP, EV_LLDP },
		{ OPT_CDP, EV_CDP },
		{ OPT_ENGINEID, EV_ENGINEID },
		{ OPT_DHCP, EV_DHCP },
	};
	struct cli_common common = { NULL, NULL, false, 0 };
	struct input *in = NULL;
	size_t n_in = 0, n_ev = 0;
	struct evidence *ev = NULL;
	struct config *cfg = NULL;
	struct classifier *c = NULL;
	struct verdict verdict;
	const char *vendors_path = NULL, *oui_dir = NULL, *enterprises = NULL;
	struct classifier_sources src;
	bool json = false, has_mac = false;
	int opt, rc = EXIT_OK;

	while ((opt = cli_getopt(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
		    false)) != -1) {
		bool matched = false;

		if (cli_common_option(opt, optarg, &common))
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
			if (kinds[i].opt != opt)
				continue;
			if ((rc = validate(kinds[i].kind, optarg)) != EXIT_OK)
				goto out;
			in = xreallocarray(in, n_in + 1, sizeof(*in));
			in[n_in].kind = kinds[i].kind;
			in[n_in].value = optarg;
			in[n_in].owned = NULL;
			n_in++;
			has_mac |= kinds[i].kind == EV_OUI;
			matched = true;
		}
		if (matched)
			continue;
		switch (opt) {
		case OPT_JSON:
			json = true;
			break;
		case OPT_VENDORS:
			vendors_path = optarg;
			break;
		case OPT_OUI_DIR:
			oui_dir = optarg;
			break;
		case OPT_ENTERPRISES:
			enterprises = optarg;
			break;
		case 'h':
			usage(stdout);
			goto out;
		default:
			rc = EXIT_USAGE;
			goto out;
		}
	}
	if (n_in == 0) {
		rc = cli_usage_error(CMD,
		    "no evidence given: use --mac, "
		    "--sysobjectid, --sysdescr, --entity-mfg, --component, --lldp, "
		    "--cdp, --engineid or --dhcp");
		goto out;
	}
	/* An engineID carrying a MAC is also evidence about that MAC. */
	for (size_t i = 0, n = n_in; i < n; i++) {
		uint32_t pen;
		uint8_t mac[MAC_LEN];
		bool em;

		if (in[i].kind != EV_ENGINEID ||
		    classify_engineid_parse(in[i].value, &pen, mac, &em) < 0 ||
		    !em)
			continue;
		in = xreallocarray(in, n_in + 1, sizeof(*in));
		in[n_in].kind = EV_OUI;
		in[n_in].owned = xmalloc(MAC_STRLEN);
		mac_format(mac, in[n_in].owned);
		in[n_in].value = in[n_in].owned;
		n_in++;
	}

	if ((rc = cli_load_config(&common, &cfg)) != EXIT_OK)
		goto out;
	cli_classifier_sources(cfg, &src);
	if (oui_dir != NULL)
		src.oui_dir = oui_dir;
	if (vendors_path != NULL)
		src.vendors = vendors_path;
	if (enterprises != NULL)
		src.enterprises = enterprises;
	if ((rc = cli_open_classifier(CMD, &src, has_mac, &c)) != EXIT_OK)
		goto out;

	ev = xcalloc(n_in, sizeof(*ev));
	for (size_t i = 0; i < n_in; i++) {
		if (classify_assess(c, in[i].kind, in[i].value, &ev[n_ev]) <
		    0) {
			rc = cli_usage_error(CMD, "%s '%s': malformed",
			    evidence_kind_name(in[i].kind), in[i].value);
			goto out;
		}
		n_ev++;
	}
	if (classify_fuse(c, ev, n_ev, &verdict) < 0) {
		fprintf(stderr, "vraudit %s: cannot fuse the evidence\n", CMD);
		rc = EXIT_RUNTIME;
		goto out;
	}
	if (json)
		print_json(stdout, &verdict, ev, n_ev);
	else
		print_text(stdout, &verdict, ev, n_ev);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "vraudit %s: cannot write the result\n", CMD);
		rc = EXIT_RUNTIME;
	}
out:
	for (size_t i = 0; i < n_in; i++)
		free(in[i].owned);
	free(in);
	free(ev);
	classifier_free(c);
	config_free(cfg);
	return rc;
}
