/*
 * vraudit report --central (cli/report_central.c): the national report
 * of the sites held in the central database.
 */
#ifndef VRAUDIT_CLI_REPORT_CENTRAL_H
#define VRAUDIT_CLI_REPORT_CENTRAL_H

#include <stdbool.h>

#include "central/central.h"
#include "report/report.h"

struct config;
struct policy_set;

/* What the national report borrows: keep it until the report is freed. */
struct central_report {
	struct central *c;
	struct central_national map;
	struct report_site *sites;
	struct report_sites rs;
	char *dir; /* the private temporary directory */
	char label[512];
};

/* Gather the central database's state, evaluate each site alone and the
 * whole; the national report into *out (opt->sites and opt->db_path are
 * set). An exit code; errors are printed (notes too, unless quiet). */
int cli_report_central(const struct config *cfg, const struct policy_set *set,
    struct report_options *opt, bool quiet, struct central_report *cr,
    struct report **out);
/* Release what cr holds (after the report). */
void cli_report_central_finish(struct central_report *cr);

#endif
