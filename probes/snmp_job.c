/*
 * The SNMP job machine: one target in flight on net-snmp's single-session
 * API (snmp_job.h).
 *
 * A target goes through phases: engineID discovery (SNMPv3 only), a GET of
 * the system scalars, the private MIB discovery (a few GETNEXTs), then one
 * walk after another over the columns of mib_walks (GETBULK, or GETNEXT
 * for SNMPv1). Responses only update the target's state inside net-snmp's
 * callback; the next request is sent, and finished targets are closed and
 * delivered, after the library returns (sessions are never closed from
 * their own callback). What the answers
 * mean is snmp_mib.c's business.
 */
#include "probes/snmp_job.h"

#include <inttypes.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <syslog.h>

#include "common/log.h"
#include "common/util.h"

static bool lib_ready;

/* ---- answers ---------------------------------------------------------- */

static void
job_fail(struct job *j, const char *why)
{
	if (j->failure == NULL)
		j->failure = xstrdup(why);
	j->phase = PH_DONE;
}

static void
engine_id_note(struct job *j, const u_char *id, size_t len)
{
	struct strbuf hex = STRBUF_INIT;

	if (j->engine_id != NULL || id == NULL || len == 0 || len > 32)
		return;
	for (size_t i = 0; i < len; i++)
		strbuf_printf(&hex, "%02x", id[i]);
	j->engine_id = strbuf_steal(&hex);
}

static const char *
session_error(netsnmp_session *session)
{
	return snmp_api_errstring(
	    session->s_snmp_errno ? session->s_snmp_errno : SNMPERR_GENERR);
}

/* The library timed the request out (after its retries). */
static void
job_timed_out(struct job *j)
{
	j->waiting = false;
	if (j->answered && j->phase == PH_PRIVATE)
		/* The walks may still be answered: job_next goes on. */
		mib_private_cut(&j->mib, "timeout");
	else if (j->answered && j->phase == PH_WALK) {
		j->mib.notes |= SWEEP_NOTE_TIMEOUT;
		mib_note(&j->mib, "%s: timeout mid-walk, %" PRId64 " rows",
		    mib_walk_name(&j->mib), j->mib.walk_rows);
		j->phase = PH_DONE;
	} else if (j->answered) {
		/* It answered, then fell silent before any walk: none read. */
		j->mib.notes |= SWEEP_NOTE_TIMEOUT;
		mib_note(&j->mib, "system: timeout after answering");
		j->phase = PH_DONE;
	} else if (j->phase == PH_DISCOVER)
		job_fail(j, "timeout (no answer to SNMPv3 engineID discovery)");
	else if (j->cred->version == 3 && j->cred->priv != NULL)
		/* An agent that cannot decrypt may just stay silent. */
		job_fail(j,
		    "timeout after engineID discovery (wrong privacy key?)");
	else
		job_fail(j, "timeout");
}

static int
job_callback(int op, netsnmp_session *session, int reqid, netsnmp_pdu *pdu,
    void *arg)
{
	struct job *j = arg;

	/*
	 * Only the request in flight counts: a discovery's Report may come as
	 * a security error and then as a message. Reports to requests the agent
	 * could not authenticate carry request-id 0.
	 */
	if (!j->waiting)
		return 1;
	if (reqid != j->reqid &&
	    !(pdu != NULL && reqid == 0 && pdu->command == SNMP_MSG_REPORT))
		return 1;
	switch (op) {
	case NETSNMP_CALLBACK_OP_RESEND:
	case NETSNMP_CALLBACK_OP_CONNECT:
		return 1;
	case NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE:
	case NETSNMP_CALLBACK_OP_SEC_ERROR:
		break;
	case NETSNMP_CALLBACK_OP_TIMED_OUT:
		job_timed_out(j);
		return 1;
	default:
		j->waiting = false;
		job_fail(j, session_error(session));
		return 1;
	}

	j->waiting = false;
	if (pdu == NULL) {
		job_fail(j, session_error(session));
		return 1;
	}
	/* Any SNMPv3 message names its authoritative engine, even a refusal. */
	if (pdu->version == SNMP_VERSION_3)
		engine_id_note(j, pdu->securityEngineID,
		    pdu->securityEngineIDLen);
	if (j->phase == PH_DISCOVER && j->engine_id != NULL &&
	    pdu->command == SNMP_MSG_REPORT)
		return 1; /* the discovery's expected answer */
	if (pdu->command == SNMP_MSG_REPORT) {
		job_fail(j, snmp_api_errstring(snmpv3_get_report_type(pdu)));
		return 1;
	}
	if (op == NETSNMP_CALLBACK_OP_SEC_ERROR) {
		job_fail(j, session_error(session));
		return 1;
	}
	if (pdu->command != SNMP_MSG_RESPONSE)
		return 1;
	j->answered = true;
	switch (j->phase) {
	case PH_DISCOVER:
		/* An agent answering an empty user is odd but carries the ID.
		 */
		break;
	case PH_SYSTEM:
		mib_system(&j->mib, pdu->errstat, pdu->errindex,
		    pdu->variables);
		break;
	case PH_PRIVATE:
		mib_private(&j->mib, pdu->errstat, pdu->variables);
		break;
	case PH_WALK:
		mib_walk(&j->mib, pdu->errstat, pdu->variables);
		break;
	case PH_DONE:
		break;
	}
	return 1;
}

/* ---- requests --------------------------------------------------------- */

static const char *
sess_error(void *sess)
{
	netsnmp_session *s = snmp_sess_session(sess);

	return snmp_api_errstring(
	    s != NULL && s->s_snmp_errno ? s->s_snmp_errno : snmp_errno);
}

static int
job_send(struct job *j, netsnmp_pdu *pdu)
{
	netsnmp_session *s = snmp_sess_session(j->sess);
	int reqid;

	/* Scope: only ever send to a target we were given. */
	if (!sweep_in_scope(j->sw, j->range, j->addr, j->port) || s == NULL ||
	    s->peername == NULL || strcmp(s->peername, j->peer) != 0) {
		log_warnx(TOK, "refusing to send to %s: not a target", j->peer);
		abort();
	}
	if ((reqid = snmp_sess_async_send(j->sess, pdu, job_callback, j)) ==
	    0) {
		snmp_free_pdu(pdu);
		job_fail(j, sess_error(j->sess));
		return -1;
	}
	j->reqid = reqid;
	j->waiting = true;
	/* The library times requests out; this only guards against a lost
	 * one. */
	j->deadline =
	    clock_ms() + j->sw->p.timeout_ms * (j->sw->p.retries + 1) + 2000;
	j->sw->st.requests++;
	return 0;
}

static int
send_discovery(struct job *j)
{
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET);

	/* RFC 3414 §4: a request with no user and no engineID draws a
	 * Report. */
	pdu->version = SNMP_VERSION_3;
	pdu->securityName = xstrdup("");
	pdu->securityNameLen = 0;
	pdu->securityLevel = SNMP_SEC_LEVEL_NOAUTH;
	pdu->securityModel = SNMP_SEC_MODEL_USM;
	return job_send(j, pdu);
}

static int
send_system(struct job *j)
{
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET);

	j->mib.ask_again = false;
	for (int s = 0; s < MIB_S_COUNT; s++)
		if (j->mib.ask & (1u << s))
			snmp_add_null_var(pdu, mib_scalars[s].oid,
			    mib_scalars[s].len);
	return job_send(j, pdu);
}

/* One GETNEXT of the private MIB discovery, whatever the version: each
 * answer says where the next request starts. */
static int
send_private(struct job *j)
{
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GETNEXT);

	snmp_add_null_var(pdu, j->mib.cur, j->mib.cur_len);
	return job_send(j, pdu);
}

static int
send_walk(struct job *j)
{
	netsnmp_pdu *pdu;
	int64_t left = mib_walk_left(&j->mib);

	if (j->cred->version == 1)
		pdu = snmp_pdu_create(SNMP_MSG_GETNEXT);
	else {
		pdu = snmp_pdu_create(SNMP_MSG_GETBULK);
		pdu->non_repeaters = 0;
		pdu->max_repetitions = j->mib.bulk;
		/* What the walk may still read (the budget's rows left for a
		 * table's first column, the first column's rows for the
		 * others) and one more, which says whether the column ends
		 * there or goes on and is cut, without another request. */
		if (left < pdu->max_repetitions)
			pdu->max_repetitions = (long)left + 1;
	}
	snmp_add_null_var(pdu, j->mib.cur, j->mib.cur_len);
	return job_send(j, pdu);
}

/* ---- SNMPv3 users ----------------------------------------------------- */

static bool
str_same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool
cred_same_keys(const struct cred *a, const struct cred *b)
{
	return a == b ||
	    (str_same(a->auth, b->auth) && str_same(a->auth_key, b->auth_key) &&
		str_same(a->priv, b->priv) &&
		str_same(a->priv_key, b->priv_key));
}

/* Another target in flight holding the USM user (engineID, name) of j,
 * with the same keys or with others. */
static struct job *
usm_holder(const struct job *j, bool same_keys)
{
	const struct sweep *sw = j->sw;

	for (size_t i = 0; i < sw->n_active; i++) {
		struct job *k = sw->active[i];

		if (k == j || !k->usm_user || k->phase == PH_DONE ||
		    k->engine_id == NULL ||
		    strcmp(k->engine_id, j->engine_id) != 0 ||
		    !str_same(k->cred->user, j->cred->user))
			continue;
		if (cred_same_keys(k->cred, j->cred) == same_keys)
			return k;
	}
	return NULL;
}

/* Set the user up for the engineID just learnt (keys localised to it). */
static int
v3_ready(struct job *j)
{
	netsnmp_session *s = snmp_sess_session(j->sess);
	struct usmUser *u;
	size_t len = strlen(j->engine_id) / 2;
	u_char id[32];

	for (size_t i = 0; i < len; i++) {
		int hi = hex_value(j->engine_id[2 * i]);
		int lo = hex_value(j->engine_id[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		id[i] = (u_char)(hi << 4 | lo);
	}
	free(s->securityEngineID);
	s->securityEngineID = netsnmp_memdup(id, len);
	s->securityEngineIDLen = len;
	free(s->contextEngineID);
	s->contextEngineID = netsnmp_memdup(id, len);
	s->contextEngineIDLen = len;
	/*
	 * USM caches users per (engineID, name): this target's keys must win,
	 * unless a target in flight uses the same user with the same keys.
	 */
	u = usm_get_user(id, len, s->securityName);
	if (u != NULL && usm_holder(j, true) == NULL) {
		usm_remove_user(u);
		usm_free_user(u);
	}
	if (usm_create_user_from_session(s) != SNMPERR_SUCCESS)
		return -1;
	j->usm_user = true;
	return 0;
}

/* ---- phases ----------------------------------------------------------- */

void
job_next(struct job *j)
{
	if (j->waiting)
		return;
	switch (j->phase) {
	case PH_DISCOVER:
		if (j->engine_id == NULL) {
			job_fail(j, "no engineID in the agent's answer");
			return;
		}
		/* Two targets behind one engineID (or cloned engineIDs),
		 * other keys: wait for the other to finish. */
		if (usm_holder(j, false) != NULL) {
			if (!j->deferred)
				log_debug(TOK,
				    "%s: engineID %s in use with other keys, "
				    "waiting",
				    j->peer, j->engine_id);
			j->deferred = true;
			return;
		}
		if (v3_ready(j) < 0) {
			job_fail(j, "cannot set up the SNMPv3 user");
			return;
		}
		j->phase = PH_SYSTEM;
		send_system(j);
		return;
	case PH_SYSTEM:
		if (j->mib.ask_again) {
			send_system(j);
			return;
		}
		j->phase = PH_PRIVATE;
		mib_private_start(&j->mib);
		send_private(j);
		return;
	case PH_PRIVATE:
		if (!j->mib.walk_end) {
			send_private(j);
			return;
		}
		if (!mib_private_end(&j->mib)) {
			j->phase = PH_DONE;
			return;
		}
		j->phase = PH_WALK;
		mib_walk_start(&j->mib, 0);
		send_walk(j);
		return;
	case PH_WALK:
		if (!j->mib.walk_end) {
			send_walk(j);
			return;
		}
		if (!mib_walk_next(&j->mib)) {
			j->phase = PH_DONE;
			return;
		}
		send_walk(j);
		return;
	case PH_DONE:
		return;
	}
}

void
job_poll_timeout(struct job *j, int64_t now, int64_t *best)
{
	struct sweep *sw = j->sw;
	struct timeval tv = { 0, 0 };
	int numfds = 0, block = 1;

	snmp_sess_select_info2(j->sess, &numfds, &sw->lfs, &tv, &block);
	NETSNMP_LARGE_FD_CLR(j->fd, &sw->lfs);
	if (j->waiting) {
		int64_t left = j->deadline - now;

		if (left < 0)
			left = 0;
		if (*best < 0 || left < *best)
			*best = left;
	}
	if (!block) {
		/* Round up: waking early would only spin. */
		int64_t ms =
		    (int64_t)tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000;

		if (*best < 0 || ms < *best)
			*best = ms;
	}
}

void
job_read(struct job *j)
{
	struct sweep *sw = j->sw;

	NETSNMP_LARGE_FD_SET(j->fd, &sw->lfs);
	snmp_sess_read2(j->sess, &sw->lfs);
	NETSNMP_LARGE_FD_CLR(j->fd, &sw->lfs);
}

void
job_timeout(struct job *j, int64_t now)
{
	snmp_sess_timeout(j->sess);
	if (!j->waiting || now <= j->deadline)
		return;
	log_warnx(TOK, "%s: request lost by the library", j->peer);
	j->waiting = false;
	if (j->answered && j->phase == PH_PRIVATE) {
		j->mib.notes |= SWEEP_NOTE_LOST;
		mib_private_cut(&j->mib, "request lost");
		mib_private_end(&j->mib);
	} else if (j->answered) {
		j->mib.notes |= SWEEP_NOTE_LOST;
		mib_note(&j->mib, "%s: request lost",
		    j->phase == PH_WALK ? mib_walk_name(&j->mib) : "system");
	}
	job_fail(j, "no answer (request lost)");
}

/* ---- sessions --------------------------------------------------------- */

static const oid *
auth_proto(const char *name, size_t *len)
{
	static const struct {
		const char *name;
		const oid *oid;
	} tab[] = {
		{ "MD5", usmHMACMD5AuthProtocol },
		{ "SHA", usmHMACSHA1AuthProtocol },
		{ "SHA-1", usmHMACSHA1AuthProtocol },
		{ "SHA-224", usmHMAC128SHA224AuthProtocol },
		{ "SHA-256", usmHMAC192SHA256AuthProtocol },
		{ "SHA-384", usmHMAC256SHA384AuthProtocol },
		{ "SHA-512", usmHMAC384SHA512AuthProtocol },
	};

	for (size_t i = 0; i < ARRAY_SIZE(tab); i++)
		if (strcasecmp(name, tab[i].name) == 0) {
			*len = USM_AUTH_PROTO_SHA_LEN;
			return tab[i].oid;
		}
	return NULL;
}

static const oid *
priv_proto(const char *name, size_t *len)
{
	if (strcasecmp(name, "DES") == 0) {
		*len = USM_PRIV_PROTO_DES_LEN;
		return usmDESPrivProtocol;
	}
	if (strcasecmp(name, "AES") == 0 || strcasecmp(name, "AES-128") == 0) {
		*len = USM_PRIV_PROTO_AES_LEN;
		return usmAESPrivProtocol;
	}
#ifdef NETSNMP_DRAFT_BLUMENTHAL_AES_04
	if (strcasecmp(name, "AES-192") == 0) {
		*len = ARRAY_SIZE(usmAES192PrivProtocol);
		return usmAES192PrivProtocol;
	}
	if (strcasecmp(name, "AES-256") == 0) {
		*len = ARRAY_SIZE(usmAES256PrivProtocol);
		return usmAES256PrivProtocol;
	}
#endif
	return NULL;
}

/* Fill the SNMPv3 part of a session from the target's credentials. */
static int
v3_session(netsnmp_session *s, const struct cred *c, const char **why)
{
	const oid *ap = NULL, *pp = NULL;
	size_t aplen = 0, pplen = 0;

	if (c->user == NULL) {
		*why = "SNMPv3 target without a user";
		return -1;
	}
	s->securityName = c->user;
	s->securityNameLen = strlen(c->user);
	s->securityModel = SNMP_SEC_MODEL_USM;
	s->securityLevel = SNMP_SEC_LEVEL_NOAUTH;
	s->flags |= SNMP_FLAGS_DONT_PROBE;
	if (c->auth == NULL)
		return 0;
	if ((ap = auth_proto(c->auth, &aplen)) == NULL) {
		*why = "authentication protocol not provided by net-snmp";
		return -1;
	}
	if (c->auth_key == NULL || strlen(c->auth_key) < 8) {
		*why =
		    "authentication key missing or shorter than 8 characters";
		return -1;
	}
	s->securityAuthProto = snmp_duplicate_objid(ap, aplen);
	s->securityAuthProtoLen = aplen;
	s->securityAuthKeyLen = USM_AUTH_KU_LEN;
	if (generate_Ku(ap, (u_int)aplen, (const u_char *)c->auth_key,
		strlen(c->auth_key), s->securityAuthKey,
		&s->securityAuthKeyLen) != SNMPERR_SUCCESS) {
		*why = "cannot derive the authentication key";
		return -1;
	}
	s->securityLevel = SNMP_SEC_LEVEL_AUTHNOPRIV;
	if (c->priv == NULL)
		return 0;
	if ((pp = priv_proto(c->priv, &pplen)) == NULL) {
		*why = "privacy protocol not provided by net-snmp";
		return -1;
	}
	if (c->priv_key == NULL || strlen(c->priv_key) < 8) {
		*why = "privacy key missing or shorter than 8 characters";
		return -1;
	}
	s->securityPrivProto = snmp_duplicate_objid(pp, pplen);
	s->securityPrivProtoLen = pplen;
	s->securityPrivKeyLen = USM_PRIV_KU_LEN;
	/* The privacy key is hashed with the authentication protocol. */
	if (generate_Ku(ap, (u_int)aplen, (const u_char *)c->priv_key,
		strlen(c->priv_key), s->securityPrivKey,
		&s->securityPrivKeyLen) != SNMPERR_SUCCESS) {
		*why = "cannot derive the privacy key";
		return -1;
	}
	s->securityLevel = SNMP_SEC_LEVEL_AUTHPRIV;
	return 0;
}

void
job_free(struct job *j)
{
	if (j->sess != NULL) {
		sweep_fd_set(j->sw, j->fd, NULL);
		snmp_sess_close(j->sess);
	}
	mib_finish(&j->mib);
	free(j->failure);
	free(j->engine_id);
	free(j);
}

void
job_deliver(struct job *j)
{
	struct sweep *sw = j->sw;
	struct sweep_result r;

	if (!j->answered) {
		sw->st.failed++;
		log_debug(TOK, "%s: %s", j->peer,
		    j->failure ? j->failure : "no answer");
		if (sw->cb.on_failure != NULL)
			sw->cb.on_failure(sw->ctx, j->addr, j->port,
			    j->cred->section, j->cred->zone,
			    j->failure ? j->failure : "no answer",
			    j->engine_id);
		return;
	}
	mib_assemble(&j->mib, j->engine_id);
	if (j->failure != NULL) {
		j->mib.notes |= SWEEP_NOTE_FAILED;
		mib_note(&j->mib, "%s", j->failure);
	}
	memset(&r, 0, sizeof(r));
	r.address = j->addr;
	r.port = j->port;
	r.section = j->cred->section;
	r.zone = j->cred->zone;
	r.element = j->mib.element;
	r.neighbours = j->mib.nb;
	r.n_neighbours = j->mib.n_nb;
	r.rows = j->mib.rows;
	r.detail = strbuf_str(&j->mib.detail);
	r.notes = j->mib.notes;
	sw->st.answered++;
	sw->st.rows += (uint64_t)j->mib.rows;
	if (sw->cb.on_element != NULL)
		sw->cb.on_element(sw->ctx, &r);
	/* The callee may have taken the element. */
	j->mib.element = r.element;
}

/* Open the job's session; NULL with the reason in *why. */
static void *
job_open(struct job *j, const char **why, char *reason, size_t size)
{
	const struct cred *c = j->cred;
	netsnmp_session s;
	void *sess;

	snmp_sess_init(&s);
	s.peername = j->peer;
	s.timeout = (long)(j->sw->p.timeout_ms * 1000);
	s.retries = j->sw->p.retries;
	switch (c->version) {
	case 1:
	case 2:
		s.version = c->version == 1 ? SNMP_VERSION_1 : SNMP_VERSION_2c;
		if (c->community == NULL) {
			*why = "no community";
			return NULL;
		}
		s.community = (u_char *)c->community;
		s.community_len = strlen(c->community);
		break;
	case 3:
		s.version = SNMP_VERSION_3;
		if (v3_session(&s, c, why) < 0) {
			free(s.securityAuthProto);
			free(s.securityPrivProto);
			return NULL;
		}
		break;
	default:
		*why = "unknown SNMP version";
		return NULL;
	}
	sess = snmp_sess_open(&s);
	/* snmp_sess_open copied what it needs. */
	free(s.securityAuthProto);
	free(s.securityPrivProto);
	explicit_bzero(s.securityAuthKey, sizeof(s.securityAuthKey));
	explicit_bzero(s.securityPrivKey, sizeof(s.securityPrivKey));
	if (sess == NULL) {
		snprintf(reason, size, "cannot open session: %s",
		    snmp_api_errstring(s.s_snmp_errno));
		*why = reason;
	}
	return sess;
}

struct job *
job_start(struct sweep *sw, size_t range, uint64_t off)
{
	const struct range *r = &sw->ranges[range];
	struct job *j = xcalloc(1, sizeof(*j));
	const struct cred *c = sw->creds[r->cred];
	struct sighting *element = sighting_new("snmp", time_now());
	const char *why = NULL;
	char reason[256];

	j->sw = sw;
	j->range = range;
	j->cred = c;
	j->port = r->port;
	j->family = r->cidr.family;
	j->fd = -1;
	mib_init(&j->mib, element, c->version, sw->p.max_rows, sw->p.bulk_size);
	if (cidr_nth(&r->cidr, r->first + off, j->addr, sizeof(j->addr)) < 0) {
		job_fail(j, "address out of range");
		return j;
	}
	if (j->family == AF_INET6)
		snprintf(j->peer, sizeof(j->peer), "udp6:[%s]:%u", j->addr,
		    j->port);
	else
		snprintf(j->peer, sizeof(j->peer), "udp:%s:%u", j->addr,
		    j->port);
	sighting_set(&element->mgmt_ip, j->addr);
	sighting_add_addr(element,
	    j->family == AF_INET6 ? ADDR_IPV6 : ADDR_IPV4, j->addr);
	if (c->zone != NULL)
		sighting_set(&element->zone, c->zone);

	if ((j->sess = job_open(j, &why, reason, sizeof(reason))) == NULL) {
		job_fail(j, why);
		return j;
	}
	/* snmp_sess_open clears the flag: sending would then probe,
	 * blocking. */
	if (c->version == 3)
		snmp_sess_session(j->sess)->flags |= SNMP_FLAGS_DONT_PROBE;
	j->fd = snmp_sess_transport(j->sess)->sock;
	sweep_fd_set(sw, j->fd, j);
	if (c->version == 3) {
		j->phase = PH_DISCOVER;
		send_discovery(j);
	} else {
		j->phase = PH_SYSTEM;
		send_system(j);
	}
	return j;
}

/* ---- library set-up --------------------------------------------------- */

static int
lib_log(int major, int minor, void *server, void *client)
{
	struct snmp_log_message *m = server;
	char msg[1024];
	size_t len;

	if (m == NULL || m->msg == NULL)
		return 0;
	len = str_copy(msg, m->msg, sizeof(msg));
	if (len >= sizeof(msg))
		len = sizeof(msg) - 1;
	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == '\r'))
		msg[--len] = '\0';
	if (m->priority <= LOG_ERR)
		log_warnx(TOK, "net-snmp: %s", msg);
	else
		log_debug(TOK, "net-snmp: %s", msg);
	return 0;
}

void
job_lib_init(void)
{
	struct rlimit rl;
	char *locale;

	if (lib_ready)
		return;
	/* Numeric OIDs only: no MIB files, no snmp.conf, no persistent
	 * state. */
	setenv("MIBS", "", 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	snmp_disable_log();
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING,
	    lib_log, NULL);
	snmp_enable_calllog();
	/* init_snmp sets LC_CTYPE from the environment: put back what it
	 * was, so that the classifier's patterns and case folding mean the
	 * same whatever the locale and whether a sweep came first. */
	locale = xstrdup(setlocale(LC_CTYPE, NULL));
	init_snmp("vraudit");
	setlocale(LC_CTYPE, locale);
	free(locale);
	/* net-snmp's own debug tokens ("usm,sess_process_packet"), at debug
	 * level. */
	if (getenv("VRAUDIT_SNMP_DEBUG") != NULL) {
		debug_register_tokens(getenv("VRAUDIT_SNMP_DEBUG"));
		snmp_set_do_debugging(1);
	}
	/* One socket per target in flight. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			log_warn(TOK, "cannot raise the open file limit");
	}
	lib_ready = true;
	log_debug(TOK, "net-snmp %s, SNMPv3 %s", netsnmp_get_version(),
	    sweep_v3_protocols());
}

const char *
sweep_v3_protocols(void)
{
	/* What net-snmp 5.9 offers; AES-192/256 only when built with them. */
	return "auth MD5 SHA SHA-224 SHA-256 SHA-384 SHA-512, priv DES AES-128"
#ifdef NETSNMP_DRAFT_BLUMENTHAL_AES_04
	       " AES-192 AES-256"
#endif
	    ;
}
