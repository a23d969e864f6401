/*
 * A sweep of what the configuration names: [snmp] limits and [target]
 * sections turned into the probe's parameters and credentials.
 */
#include "pipeline/pipeline.h"

#include "common/text.h"
#include "config/config.h"
#include "probes/snmp.h"

void
pipeline_sweep_params(const struct config *cfg, struct sweep_params *p)
{
	sweep_params_init(p);
	if (cfg->snmp_timeout_ms > 0)
		p->timeout_ms = cfg->snmp_timeout_ms;
	if (cfg->snmp_retries >= 0)
		p->retries = cfg->snmp_retries;
	if (cfg->snmp_max_inflight > 0)
		p->max_inflight = cfg->snmp_max_inflight;
	if (cfg->snmp_max_rows > 0)
		p->max_rows = cfg->snmp_max_rows;
}

void
pipeline_sweep_cred(const struct config_target *t, struct sweep_cred *c)
{
	c->section = t->name;
	c->port = t->port;
	c->version = t->version;
	c->community = t->community;
	c->user = t->user;
	c->auth = t->auth;
	c->auth_key = t->auth_key;
	c->priv = t->priv;
	c->priv_key = t->priv_key;
	c->zone = t->zone;
}

int
pipeline_sweep_targets(struct sweep *sw, const struct config *cfg, char *err,
    size_t errlen)
{
	for (size_t i = 0; i < cfg->n_targets; i++) {
		const struct config_target *t = &cfg->targets[i];
		struct sweep_cred c;
		size_t h;

		pipeline_sweep_cred(t, &c);
		h = sweep_cred_add(sw, &c);
		for (size_t k = 0; k < t->n_addresses; k++) {
			const struct config_address *a = &t->addresses[k];

			if (sweep_add_block(sw, h, &a->range, a->port,
				a->text != NULL ? a->text : t->name, err,
				errlen) < 0)
				return -1;
		}
	}
	return 0;
}

char *
pipeline_target_names(const struct config *cfg)
{
	struct strbuf b = STRBUF_INIT;

	for (size_t i = 0; i < cfg->n_targets; i++) {
		if (i > 0)
			strbuf_adds(&b, ", ");
		strbuf_adds(&b, cfg->targets[i].name);
	}
	return strbuf_steal(&b);
}
