/*
 * What the command line and the daemon share on the way from a probe to
 * the store: a sweep built from the configuration.
 */
#ifndef VRAUDIT_PIPELINE_PIPELINE_H
#define VRAUDIT_PIPELINE_PIPELINE_H

#include <stddef.h>

struct config;
struct config_target;
struct sweep;
struct sweep_cred;
struct sweep_params;

/* The sweep limits of cfg's [snmp] section. */
void pipeline_sweep_params(const struct config *cfg, struct sweep_params *p);
/* The credentials of a [target] section (borrowing its strings). */
void pipeline_sweep_cred(const struct config_target *t, struct sweep_cred *c);
/* Add every address of every [target] section of cfg to sw; 0, or -1
 * with the reason in err. */
int pipeline_sweep_targets(struct sweep *sw, const struct config *cfg,
    char *err, size_t errlen);

#endif
