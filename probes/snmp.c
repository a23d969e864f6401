/*
 * The SNMP sweep engine: net-snmp's single-session API, one session per
 * target in flight, all of them driven from one poll() loop.
 *
 * A target goes through phases: engineID discovery (SNMPv3 only), a GET of
 * the system scalars, then one walk after another over the columns we read
 * (GETBULK, or GETNEXT for SNMPv1). Responses only update the target's
 * state inside net-snmp's callback; the next request is sent, and finished
 * targets are closed and delivered, after the library returns (sessions are
 * never closed from their own callback).
 */
#include "probes/snmp.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <syslog.h>

#include "common/log.h"
#include "common/net.h"
#include "probes/snmp_lib.h"
#include "common/util.h"

#define TOK "snmp"
#define IDX_MAX 48     /* longest table index kept (LLDP management address) */
#define NCOL 7         /* columns kept of one table, at most */
#define TEXT_MAX 65536 /* longest string value kept, in bytes */
#define ELEMENT_MACS_MAX 4096 /* interface MACs kept on one element */

/* Credentials and naming of one [target] section or command-line target. */
struct cred {
	int version; /* 1, 2 or 3 */
	uint16_t port;
	char *community;
	char *user;
	char *auth;
	char *auth_key;
	char *priv;
	char *priv_key;
	char *zone;
	char *section;
};

/* Addresses [first, first + count) of a block, all with the same port. */
struct range {
	struct cidr cidr;
	uint16_t port;
	uint64_t first;
	uint64_t count;
	size_t cred;
};

/* Where each table's columns are kept in a row. */
enum {
	E_DESCR,
	E_CONTAINED,
	E_CLASS,
	E_SOFTWARE,
	E_SERIAL,
	E_MFG,
	E_MODEL,
};
enum {
	L_CHASSIS_SUB,
	L_CHASSIS,
	L_PORT_SUB,
	L_PORT,
	L_PORT_DESC,
	L_SYS_NAME,
	L_SYS_DESC,
};
enum {
	C_ADDR_TYPE,
	C_ADDR,
	C_VERSION,
	C_DEVICE_ID,
	C_DEVICE_PORT,
	C_PLATFORM,
};

/* One value of a table cell, copied out of the response. */
struct cell {
	int64_t ival;
	u_char *val; /* owned, for strings */
	uint32_t len;
	u_char type; /* ASN type, 0 when absent */
};

struct row {
	oid *idx; /* owned */
	size_t idx_len;
	size_t nb; /* the neighbour made of it, + 1; 0 = none */
	struct cell cell[NCOL];
};

/* Rows of one table by index: an array and an open-addressing hash over it. */
struct rowset {
	struct row *rows;
	size_t n;
	size_t cap;
	size_t *slot; /* row number + 1, 0 = empty */
	size_t nslot; /* a power of two, at least twice n */
};

enum table {
	T_ENTITY,
	T_IF,
	T_LLDP,
	T_LLDPMAN,
	T_CDP,
	T_ARP,
	T_ARP6,
	T_FDB,
	T_QFDB,
	T_COUNT
};

enum group {
	G_ENTITY,
	G_IF,
	G_LLDP,
	G_CDP,
	G_ARP,
	G_ARP6,
	G_FDB,
	G_QFDB,
};

struct walk_def {
	const char *name;
	oid base[16];
	size_t base_len;
	enum table table;
	enum group group; /* skipped when its first walk is empty */
	int slot;         /* where the value goes in its table's rows */
	bool integer;     /* the column is an INTEGER, else an OCTET STRING */
};

#define ENT 1, 3, 6, 1, 2, 1, 47, 1, 1, 1, 1
#define LLDPREM 1, 0, 8802, 1, 1, 2, 1, 4, 1, 1
#define CDPC 1, 3, 6, 1, 4, 1, 9, 9, 23, 1, 2, 1, 1

static const struct walk_def walks[] = {
    {"entPhysicalClass", {ENT, 5}, 12, T_ENTITY, G_ENTITY, E_CLASS, true},
    {"entPhysicalContainedIn", {ENT, 4}, 12, T_ENTITY, G_ENTITY, E_CONTAINED,
	true},
    {"entPhysicalMfgName", {ENT, 12}, 12, T_ENTITY, G_ENTITY, E_MFG, false},
    {"entPhysicalDescr", {ENT, 2}, 12, T_ENTITY, G_ENTITY, E_DESCR, false},
    {"entPhysicalSoftwareRev", {ENT, 10}, 12, T_ENTITY, G_ENTITY, E_SOFTWARE,
	false},
    {"entPhysicalSerialNum", {ENT, 11}, 12, T_ENTITY, G_ENTITY, E_SERIAL,
	false},
    {"entPhysicalModelName", {ENT, 13}, 12, T_ENTITY, G_ENTITY, E_MODEL, false},
    {"ifPhysAddress", {1, 3, 6, 1, 2, 1, 2, 2, 1, 6}, 10, T_IF, G_IF, 0, false},
    {"lldpRemChassisIdSubtype", {LLDPREM, 4}, 11, T_LLDP, G_LLDP, L_CHASSIS_SUB,
	true},
    {"lldpRemChassisId", {LLDPREM, 5}, 11, T_LLDP, G_LLDP, L_CHASSIS, false},
    {"lldpRemPortIdSubtype", {LLDPREM, 6}, 11, T_LLDP, G_LLDP, L_PORT_SUB,
	true},
    {"lldpRemPortId", {LLDPREM, 7}, 11, T_LLDP, G_LLDP, L_PORT, false},
    {"lldpRemPortDesc", {LLDPREM, 8}, 11, T_LLDP, G_LLDP, L_PORT_DESC, false},
    {"lldpRemSysName", {LLDPREM, 9}, 11, T_LLDP, G_LLDP, L_SYS_NAME, false},
    {"lldpRemSysDesc", {LLDPREM, 10}, 11, T_LLDP, G_LLDP, L_SYS_DESC, false},
    {"lldpRemManAddrIfSubtype", {1, 0, 8802, 1, 1, 2, 1, 4, 2, 1, 3}, 11,
	T_LLDPMAN, G_LLDP, 0, true},
    {"cdpCacheDeviceId", {CDPC, 6}, 14, T_CDP, G_CDP, C_DEVICE_ID, false},
    {"cdpCacheAddressType", {CDPC, 3}, 14, T_CDP, G_CDP, C_ADDR_TYPE, true},
    {"cdpCacheAddress", {CDPC, 4}, 14, T_CDP, G_CDP, C_ADDR, false},
    {"cdpCacheVersion", {CDPC, 5}, 14, T_CDP, G_CDP, C_VERSION, false},
    {"cdpCacheDevicePort", {CDPC, 7}, 14, T_CDP, G_CDP, C_DEVICE_PORT, false},
    {"cdpCachePlatform", {CDPC, 8}, 14, T_CDP, G_CDP, C_PLATFORM, false},
    {"ipNetToMediaPhysAddress", {1, 3, 6, 1, 2, 1, 4, 22, 1, 2}, 10, T_ARP,
	G_ARP, 0, false},
    {"ipNetToPhysicalPhysAddress", {1, 3, 6, 1, 2, 1, 4, 35, 1, 4}, 10, T_ARP6,
	G_ARP6, 0, false},
    {"dot1dTpFdbAddress", {1, 3, 6, 1, 2, 1, 17, 4, 3, 1, 1}, 11, T_FDB, G_FDB,
	0, false},
    {"dot1qTpFdbPort", {1, 3, 6, 1, 2, 1, 17, 7, 1, 2, 2, 1, 2}, 13, T_QFDB,
	G_QFDB, 0, true},
};

/* The system scalars asked for in one GET. */
enum scalar {
	S_DESCR,
	S_OBJECTID,
	S_NAME,
	S_LLDP_SUBTYPE,
	S_LLDP_CHASSIS,
	S_COUNT
};

static const struct {
	const char *name;
	oid oid[12];
	size_t len;
} scalars[S_COUNT] = {
    {"sysDescr", {1, 3, 6, 1, 2, 1, 1, 1, 0}, 9},
    {"sysObjectID", {1, 3, 6, 1, 2, 1, 1, 2, 0}, 9},
    {"sysName", {1, 3, 6, 1, 2, 1, 1, 5, 0}, 9},
    {"lldpLocChassisIdSubtype", {1, 0, 8802, 1, 1, 2, 1, 3, 1, 0}, 10},
    {"lldpLocChassisId", {1, 0, 8802, 1, 1, 2, 1, 3, 2, 0}, 10},
};

enum phase { PH_DISCOVER, PH_SYSTEM, PH_WALK, PH_DONE };

/* A growing text buffer. */
struct buf {
	char *s;
	size_t len;
	size_t cap;
};

/* One target in flight. Owns its session, sighting, rows and texts. */
struct job {
	struct sweep *sw;
	size_t slot;  /* index in sw->active */
	size_t range; /* index in sw->ranges it came from */
	char addr[IP_STRLEN];
	int family;
	uint16_t port;
	char peer[IP_STRLEN + 16];
	const struct cred *cred;
	void *sess;
	int fd;

	enum phase phase;
	bool waiting;     /* a request is outstanding */
	int reqid;        /* of that request: answers to others are stale */
	int64_t deadline; /* clock_ms() after which the request is lost */
	bool answered;    /* a response PDU came back */
	char *failure;    /* why it ended without an answer */

	unsigned ask;   /* system scalars still to ask for, a bit each */
	bool ask_again; /* an SNMPv1 agent refused one of them */
	size_t walk;    /* index into walks[] */
	oid cur[MAX_OID_LEN];
	size_t cur_len;
	bool walk_end; /* the current walk is over */
	int64_t walk_rows;
	int64_t walk_bad;
	const char *walk_stop; /* why the current walk stopped */
	bool budget_spent;
	bool cut; /* stopped answering mid-walk */
	unsigned notes; /* enum sweep_note */

	int64_t rows;
	struct sighting *element;
	uint8_t lldp_mac[MAC_LEN];
	bool have_lldp_mac;
	long lldp_subtype;
	uint8_t low_mac[MAC_LEN];
	bool have_low_mac;
	char *engine_id; /* hex */
	bool usm_user;   /* installed the USM user for (engine_id, user) */
	bool deferred;   /* waiting for another target's USM user to go */

	struct rowset tab[T_COUNT];
	struct sweep_neighbour *nb;
	size_t n_nb;
	size_t nb_cap;
	size_t n_macs;       /* interface MACs kept on the element */
	size_t macs_dropped; /* and those beyond ELEMENT_MACS_MAX */
	long bulk;           /* GETBULK max-repetitions, halved on tooBig */
	struct buf detail;
};

struct sweep {
	struct sweep_params p;
	struct sweep_callbacks cb;
	void *ctx;

	struct cred **creds; /* each owned; jobs point at them */
	size_t n_creds;
	struct range *ranges;
	size_t n_ranges;
	size_t next_range; /* the next address to start: range and offset */
	uint64_t next_off;

	struct job **active;
	size_t n_active;
	struct job **by_fd;
	size_t n_by_fd;
	struct pollfd *pfds;
	size_t n_pfds;
	netsnmp_large_fd_set lfs;
	struct sweep_stats st;
};

static bool lib_ready;

/* ---- small helpers ---------------------------------------------------- */

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->s = xreallocarray(b->s, cap, 1);
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
buf_printf(struct buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_add(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static void detail_note(struct job *j, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Append "; what" to the job's detail. */
static void
detail_note(struct job *j, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (j->detail.len > 0)
		buf_add(&j->detail, "; ", 2);
	buf_add(&j->detail, tmp,
	    (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static size_t
utf8_seq_len(const u_char *p, size_t left)
{
	size_t k;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		k = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		k = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		k = 4;
	else
		return 0;
	if (k > left || !utf8_valid(p, k))
		return 0;
	return k;
}

/* Text of an octet string from the network, as described in snmp.h. */
static char *
text_render(const u_char *p, size_t len)
{
	struct buf b = {NULL, 0, 0};
	bool clean;

	if (len > TEXT_MAX)
		len = TEXT_MAX;
	while (len > 0 && p[len - 1] == '\0')
		len--;
	clean = utf8_valid(p, len) && memchr(p, '\0', len) == NULL;
	if (clean)
		return xstrndup((const char *)p, len);
	for (size_t i = 0; i < len;) {
		size_t k = p[i] == '\0' ? 0 : utf8_seq_len(p + i, len - i);

		if (k == 1 && p[i] == '\\') {
			buf_add(&b, "\\\\", 2);
			i++;
		} else if (k > 0) {
			buf_add(&b, (const char *)p + i, k);
			i += k;
		} else {
			char esc[5];

			snprintf(esc, sizeof(esc), "\\x%02x", p[i]);
			buf_add(&b, esc, 4);
			i++;
		}
	}
	if (b.s == NULL)
		return xstrdup("");
	return b.s;
}

static void
hex_render(const u_char *p, size_t len, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 3 <= size; i++, o += 2)
		snprintf(out + o, 3, "%02x", p[i]);
	if (size > 0)
		out[o < size ? o : size - 1] = '\0';
}

static void
oid_render(const oid *o, size_t len, char *out, size_t size)
{
	size_t off = 0;

	out[0] = '\0';
	for (size_t i = 0; i < len && off < size; i++) {
		int n = snprintf(out + off, size - off, "%s%lu", i ? "." : "",
		    (unsigned long)o[i]);

		if (n < 0)
			break;
		off += (size_t)n;
	}
}

static const char *
type_name(u_char type)
{
	switch (type) {
	case ASN_INTEGER:
		return "INTEGER";
	case ASN_OCTET_STR:
		return "OCTET STRING";
	case ASN_OBJECT_ID:
		return "OBJECT IDENTIFIER";
	case ASN_NULL:
		return "NULL";
	case ASN_IPADDRESS:
		return "IpAddress";
	case ASN_COUNTER:
		return "Counter32";
	case ASN_GAUGE:
		return "Gauge32";
	case ASN_TIMETICKS:
		return "TimeTicks";
	case ASN_COUNTER64:
		return "Counter64";
	case SNMP_NOSUCHOBJECT:
		return "noSuchObject";
	case SNMP_NOSUCHINSTANCE:
		return "noSuchInstance";
	case SNMP_ENDOFMIBVIEW:
		return "endOfMibView";
	}
	return "unknown type";
}

/* A usable MAC out of an octet string of exactly six bytes. */
static bool
mac_from(const netsnmp_variable_list *v, uint8_t mac[MAC_LEN])
{
	if (v->type != ASN_OCTET_STR || v->val_len != MAC_LEN)
		return false;
	memcpy(mac, v->val.string, MAC_LEN);
	return true;
}

static bool
mac_usable(const uint8_t mac[MAC_LEN])
{
	return !mac_is_zero(mac) && !mac_is_multicast(mac);
}

static int
mac_cmp(const uint8_t a[MAC_LEN], const uint8_t b[MAC_LEN])
{
	return memcmp(a, b, MAC_LEN);
}

/* Add a MAC as an address and as OUI evidence of sighting s. */
static void
sighting_mac(struct sighting *s, const uint8_t mac[MAC_LEN])
{
	char text[MAC_STRLEN];

	mac_format(mac, text);
	sighting_add_addr(s, ADDR_MAC, text);
	sighting_add_input(s, EV_OUI, text);
}

/* ---- rows of the tables read column by column ------------------------- */

static size_t
index_hash(const oid *idx, size_t len)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a over the arcs */

	for (size_t i = 0; i < len; i++) {
		h ^= (uint64_t)idx[i];
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

static size_t *
rowset_slot(const struct rowset *rs, const oid *idx, size_t len)
{
	size_t mask = rs->nslot - 1, i = index_hash(idx, len) & mask;

	while (rs->slot[i] != 0) {
		const struct row *r = &rs->rows[rs->slot[i] - 1];

		if (r->idx_len == len &&
		    memcmp(r->idx, idx, len * sizeof(oid)) == 0)
			break;
		i = (i + 1) & mask;
	}
	return &rs->slot[i];
}

/* The row with this index, or NULL. */
static struct row *
rowset_find(const struct rowset *rs, const oid *idx, size_t len)
{
	size_t *sl;

	if (rs->nslot == 0)
		return NULL;
	sl = rowset_slot(rs, idx, len);
	return *sl ? &rs->rows[*sl - 1] : NULL;
}

/* The row with this index, made when missing. */
static struct row *
rowset_get(struct rowset *rs, const oid *idx, size_t len)
{
	struct row *r;
	size_t *sl;

	if ((r = rowset_find(rs, idx, len)) != NULL)
		return r;
	if (2 * (rs->n + 1) > rs->nslot) {
		size_t n = rs->nslot ? 2 * rs->nslot : 64;

		free(rs->slot);
		rs->slot = xcalloc(n, sizeof(*rs->slot));
		rs->nslot = n;
		for (size_t i = 0; i < rs->n; i++)
			*rowset_slot(rs, rs->rows[i].idx, rs->rows[i].idx_len) =
			    i + 1;
	}
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 16;
		rs->rows = xreallocarray(rs->rows, rs->cap, sizeof(*rs->rows));
	}
	r = &rs->rows[rs->n++];
	memset(r, 0, sizeof(*r));
	r->idx = xcalloc(len ? len : 1, sizeof(oid));
	memcpy(r->idx, idx, len * sizeof(oid));
	r->idx_len = len;
	sl = rowset_slot(rs, idx, len);
	*sl = rs->n;
	return r;
}

static void
rowset_finish(struct rowset *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		free(rs->rows[i].idx);
		for (size_t c = 0; c < NCOL; c++)
			free(rs->rows[i].cell[c].val);
	}
	free(rs->rows);
	free(rs->slot);
	memset(rs, 0, sizeof(*rs));
}

static void
cell_set(struct cell *c, const netsnmp_variable_list *v)
{
	free(c->val);
	memset(c, 0, sizeof(*c));
	c->type = v->type;
	switch (v->type) {
	case ASN_INTEGER:
	case ASN_COUNTER:
	case ASN_GAUGE:
	case ASN_TIMETICKS:
		c->ival = *v->val.integer;
		break;
	case ASN_OCTET_STR:
	case ASN_IPADDRESS:
		c->len =
		    (uint32_t)(v->val_len > TEXT_MAX ? TEXT_MAX : v->val_len);
		c->val = xmalloc(c->len ? c->len : 1);
		memcpy(c->val, v->val.string, c->len);
		break;
	default:
		break;
	}
}

static bool
cell_is_int(const struct cell *c)
{
	return c->type == ASN_INTEGER || c->type == ASN_GAUGE;
}

static char *
cell_text(const struct cell *c)
{
	if (c->type != ASN_OCTET_STR)
		return NULL;
	return text_render(c->val, c->len);
}

/* ---- neighbours ------------------------------------------------------- */

static struct sweep_neighbour *
job_neighbour(struct job *j, const char *source, const char *protocol)
{
	struct sweep_neighbour *n;

	if (j->n_nb == j->nb_cap) {
		j->nb_cap = j->nb_cap ? 2 * j->nb_cap : 16;
		j->nb = xreallocarray(j->nb, j->nb_cap, sizeof(*j->nb));
	}
	n = &j->nb[j->n_nb++];
	memset(n, 0, sizeof(*n));
	n->sighting = sighting_new(source, j->element->observed_at);
	n->protocol = protocol;
	if (j->cred->zone != NULL)
		sighting_set(&n->sighting->zone, j->cred->zone);
	return n;
}

/* An address as text from an (address family, bytes) pair. */
static bool
inet_text(int iana_family, const oid *b, size_t len, char *out, size_t size,
    enum addr_kind *kind)
{
	uint8_t raw[16];
	int af;

	if (iana_family == 1 && len == 4)
		af = AF_INET, *kind = ADDR_IPV4;
	else if (iana_family == 2 && len == 16)
		af = AF_INET6, *kind = ADDR_IPV6;
	else
		return false;
	for (size_t i = 0; i < len; i++) {
		if (b[i] > 255)
			return false;
		raw[i] = (uint8_t)b[i];
	}
	return inet_ntop(af, raw, out, (socklen_t)size) != NULL;
}

static void
long_text(long v, char *out, size_t size)
{
	snprintf(out, size, "%ld", v);
}

/* The element's own data out of the ENTITY-MIB rows. */
static void
entity_assemble(struct job *j)
{
	struct rowset *rs = &j->tab[T_ENTITY];
	struct row *chassis = NULL;

	for (size_t i = 0; i < rs->n && chassis == NULL; i++) {
		struct row *r = &rs->rows[i];

		if (cell_is_int(&r->cell[E_CLASS]) &&
		    r->cell[E_CLASS].ival == 3 &&
		    cell_is_int(&r->cell[E_CONTAINED]) &&
		    r->cell[E_CONTAINED].ival == 0)
			chassis = r;
	}
	/* Without containedIn, a lone chassis-class row still names the box. */
	for (size_t i = 0; i < rs->n && chassis == NULL; i++) {
		struct row *r = &rs->rows[i];

		if (cell_is_int(&r->cell[E_CLASS]) &&
		    r->cell[E_CLASS].ival == 3 &&
		    r->cell[E_CONTAINED].type == 0)
			chassis = r;
	}
	for (size_t i = 0; i < rs->n; i++) {
		struct row *r = &rs->rows[i];
		char *mfg = cell_text(&r->cell[E_MFG]);

		if (mfg != NULL)
			str_trim(mfg);
		if (r == chassis) {
			char *t;

			if (mfg != NULL && *mfg != '\0')
				sighting_add_input(
				    j->element, EV_ENTITY_MFG, mfg);
			if ((t = cell_text(&r->cell[E_MODEL])) != NULL &&
			    *str_trim(t) != '\0')
				sighting_set(&j->element->model, t);
			free(t);
			if ((t = cell_text(&r->cell[E_SERIAL])) != NULL &&
			    *str_trim(t) != '\0')
				sighting_set(&j->element->serial, t);
			free(t);
			if ((t = cell_text(&r->cell[E_SOFTWARE])) != NULL &&
			    *str_trim(t) != '\0')
				sighting_set(&j->element->software, t);
			free(t);
		} else if (mfg != NULL && *mfg != '\0')
			sighting_add_input(j->element, EV_COMPONENT, mfg);
		free(mfg);
	}
}

static void
lldp_assemble(struct job *j)
{
	struct rowset *rs = &j->tab[T_LLDP];
	struct rowset *man = &j->tab[T_LLDPMAN];

	for (size_t i = 0; i < rs->n; i++) {
		struct row *r = &rs->rows[i];
		struct sweep_neighbour *n;
		struct cell *c;
		char num[32], *t;

		if (r->idx_len != 3)
			continue;
		n = job_neighbour(j, "lldp", "lldp");
		r->nb = j->n_nb;
		snprintf(num, sizeof(num), "%lu", (unsigned long)r->idx[1]);
		n->local_port = xstrdup(num);

		c = &r->cell[L_CHASSIS];
		if (c->type == ASN_OCTET_STR && c->len > 0) {
			long sub = cell_is_int(&r->cell[L_CHASSIS_SUB])
				       ? r->cell[L_CHASSIS_SUB].ival
				       : 0;
			struct buf id = {NULL, 0, 0};

			buf_printf(&id, "%ld:", sub);
			if (sub == 4 && c->len == MAC_LEN) {
				char mac[MAC_STRLEN];

				mac_format(c->val, mac);
				buf_add(&id, mac, strlen(mac));
				if (mac_usable(c->val)) {
					sighting_set(
					    &n->sighting->chassis_mac, mac);
					sighting_mac(n->sighting, c->val);
				}
			} else if (sub == 5 && c->len == 5 && c->val[0] == 1) {
				/* networkAddress: IANA family 1, IPv4 */
				char ip[IP_STRLEN];

				if (inet_ntop(AF_INET, c->val + 1, ip,
					sizeof(ip)) != NULL) {
					buf_add(&id, ip, strlen(ip));
					sighting_add_addr(
					    n->sighting, ADDR_IPV4, ip);
				}
			} else if ((sub == 7 || sub == 1 || sub == 2 ||
				       sub == 6) &&
				   (t = cell_text(c)) != NULL) {
				buf_add(&id, t, strlen(t));
				free(t);
			} else {
				char hex[2 * 64 + 1];

				hex_render(c->val, c->len, hex, sizeof(hex));
				buf_add(&id, hex, strlen(hex));
			}
			sighting_set(&n->sighting->chassis_id, id.s);
			free(id.s);
		}
		c = &r->cell[L_PORT];
		if (c->type == ASN_OCTET_STR) {
			long sub = cell_is_int(&r->cell[L_PORT_SUB])
				       ? r->cell[L_PORT_SUB].ival
				       : 0;

			if (sub == 3 && c->len == MAC_LEN) {
				/* macAddress: the port's MAC is the neighbour's
				 */
				char mac[MAC_STRLEN];

				mac_format(c->val, mac);
				n->remote_port = xstrdup(mac);
				if (mac_usable(c->val))
					sighting_mac(n->sighting, c->val);
			} else
				n->remote_port = cell_text(c);
		}
		if (n->remote_port == NULL &&
		    (t = cell_text(&r->cell[L_PORT_DESC])) != NULL)
			n->remote_port = t;
		if ((t = cell_text(&r->cell[L_SYS_NAME])) != NULL && *t != '\0')
			sighting_set(&n->sighting->sys_name, t);
		free(t);
		if ((t = cell_text(&r->cell[L_SYS_DESC])) != NULL &&
		    *t != '\0') {
			sighting_set(&n->sighting->sys_descr, t);
			sighting_add_input(n->sighting, EV_LLDP, t);
		}
		free(t);
	}

	/* Management addresses: index is the remote row's, subtype, length,
	 * bytes. */
	for (size_t k = 0; k < man->n; k++) {
		struct row *m = &man->rows[k], *r;
		struct sighting *ns;
		char ip[IP_STRLEN];
		enum addr_kind kind;

		if (m->idx_len < 5 || m->idx[4] != m->idx_len - 5)
			continue;
		if ((r = rowset_find(rs, m->idx, 3)) == NULL || r->nb == 0)
			continue;
		if (!inet_text((int)m->idx[3], m->idx + 5, m->idx_len - 5, ip,
			sizeof(ip), &kind))
			continue;
		ns = j->nb[r->nb - 1].sighting;
		sighting_add_addr(ns, kind, ip);
		if (ns->mgmt_ip == NULL)
			sighting_set(&ns->mgmt_ip, ip);
	}
}

static void
cdp_assemble(struct job *j)
{
	struct rowset *rs = &j->tab[T_CDP];

	for (size_t i = 0; i < rs->n; i++) {
		struct row *r = &rs->rows[i];
		struct sweep_neighbour *n;
		struct cell *a = &r->cell[C_ADDR];
		char num[32], *t;

		if (r->idx_len != 2)
			continue;
		n = job_neighbour(j, "cdp", "cdp");
		snprintf(num, sizeof(num), "%lu", (unsigned long)r->idx[0]);
		n->local_port = xstrdup(num);
		n->remote_port = cell_text(&r->cell[C_DEVICE_PORT]);
		if ((t = cell_text(&r->cell[C_DEVICE_ID])) != NULL &&
		    *t != '\0')
			sighting_set(&n->sighting->sys_name, t);
		free(t);
		if ((t = cell_text(&r->cell[C_VERSION])) != NULL &&
		    *t != '\0') {
			sighting_set(&n->sighting->sys_descr, t);
			sighting_add_input(n->sighting, EV_CDP, t);
		}
		free(t);
		if ((t = cell_text(&r->cell[C_PLATFORM])) != NULL &&
		    *t != '\0') {
			sighting_set(&n->sighting->model, t);
			sighting_add_input(n->sighting, EV_CDP, t);
		}
		free(t);
		/* cdpCacheAddressType 1 is ip(1): four bytes. */
		if (a->type == ASN_OCTET_STR && a->len == 4 &&
		    (!cell_is_int(&r->cell[C_ADDR_TYPE]) ||
			r->cell[C_ADDR_TYPE].ival == 1)) {
			char ip[IP_STRLEN];

			if (inet_ntop(AF_INET, a->val, ip, sizeof(ip)) !=
			    NULL) {
				sighting_set(&n->sighting->mgmt_ip, ip);
				sighting_add_addr(n->sighting, ADDR_IPV4, ip);
			}
		}
	}
}

/* ---- handling of varbinds -------------------------------------------- */

/* Keep one system scalar; false when it is absent or of the wrong type. */
static bool
scalar_value(struct job *j, enum scalar s, const netsnmp_variable_list *v)
{
	char *t;

	if (v->type == SNMP_NOSUCHOBJECT || v->type == SNMP_NOSUCHINSTANCE ||
	    v->type == SNMP_ENDOFMIBVIEW || v->type == ASN_NULL)
		return false;
	switch (s) {
	case S_DESCR:
	case S_NAME:
		if (v->type != ASN_OCTET_STR)
			break;
		t = text_render(v->val.string, v->val_len);
		if (s == S_DESCR) {
			sighting_set(&j->element->sys_descr, t);
			if (*t != '\0')
				sighting_add_input(j->element, EV_SYSDESCR, t);
		} else if (*t != '\0')
			sighting_set(&j->element->sys_name, t);
		free(t);
		return true;
	case S_OBJECTID: {
		char text[MAX_OID_LEN * 11];

		if (v->type != ASN_OBJECT_ID)
			break;
		oid_render(
		    v->val.objid, v->val_len / sizeof(oid), text, sizeof(text));
		sighting_set(&j->element->sys_object_id, text);
		sighting_add_input(j->element, EV_SYSOBJECTID, text);
		return true;
	}
	case S_LLDP_SUBTYPE:
		if (v->type != ASN_INTEGER)
			break;
		j->lldp_subtype = *v->val.integer;
		return true;
	case S_LLDP_CHASSIS:
		if (v->type != ASN_OCTET_STR)
			break;
		if (mac_from(v, j->lldp_mac))
			j->have_lldp_mac = true;
		return true;
	case S_COUNT:
		break;
	}
	j->notes |= SWEEP_NOTE_WRONG_TYPE;
	detail_note(
	    j, "%s: wrong type %s", scalars[s].name, type_name(v->type));
	return false;
}

static void
system_response(struct job *j, netsnmp_pdu *pdu)
{
	netsnmp_variable_list *v;
	int got = 0, present = 0;

	if (pdu->errstat == SNMP_ERR_NOSUCHNAME && pdu->errindex > 0) {
		/* SNMPv1 fails the whole GET for one missing scalar: ask
		 * without it. */
		long k = 0;

		for (int s = 0; s < S_COUNT; s++)
			if ((j->ask & (1u << s)) && ++k == pdu->errindex) {
				j->ask &= ~(1u << s);
				j->ask_again = j->ask != 0;
				if (!j->ask_again) {
					j->notes |= SWEEP_NOTE_NO_SYSTEM;
					detail_note(
					    j, "system: no system group");
				}
				return;
			}
	}
	if (pdu->errstat != SNMP_ERR_NOERROR) {
		j->notes |= SWEEP_NOTE_ERROR_STATUS;
		detail_note(j, "system: error status %s",
		    snmp_errstring((int)pdu->errstat));
		return;
	}
	for (v = pdu->variables; v != NULL; v = v->next_variable) {
		for (int s = 0; s < S_COUNT; s++) {
			if (snmp_oid_compare(v->name, v->name_length,
				scalars[s].oid, scalars[s].len) == 0) {
				if (s <= S_NAME &&
				    v->type != SNMP_NOSUCHOBJECT &&
				    v->type != SNMP_NOSUCHINSTANCE)
					present++;
				if (scalar_value(j, (enum scalar)s, v) &&
				    s <= S_NAME)
					got++;
				break;
			}
		}
	}
	if (present == 0) {
		j->notes |= SWEEP_NOTE_NO_SYSTEM;
		detail_note(j, "system: no system group");
	}
	else if (got == 0)
		detail_note(j, "system: no usable values");
	else
		detail_note(j, "system: %d of 3 values", got);
}

/* One row of the walk in progress. idx is the instance after the column. */
static void
walk_value(struct job *j, const struct walk_def *w,
    const netsnmp_variable_list *v, const oid *idx, size_t idx_len)
{
	uint8_t mac[MAC_LEN];
	char text[IP_STRLEN], port[32];
	struct sweep_neighbour *n;
	enum addr_kind kind;

	switch (w->table) {
	case T_ENTITY:
	case T_LLDP:
	case T_CDP:
	case T_LLDPMAN:
		if (idx_len > IDX_MAX ||
		    (w->integer && v->type != ASN_INTEGER) ||
		    (!w->integer && v->type != ASN_OCTET_STR)) {
			j->walk_bad++;
			return;
		}
		cell_set(
		    &rowset_get(&j->tab[w->table], idx, idx_len)->cell[w->slot],
		    v);
		return;
	case T_IF:
		if (!mac_from(v, mac)) {
			/* Interfaces without a MAC (loopback, tunnels) answer
			 * "". */
			if (!(v->type == ASN_OCTET_STR && v->val_len == 0))
				j->walk_bad++;
			return;
		}
		if (!mac_usable(mac))
			return;
		/* Adding to a sighting is linear in its size: keep it bounded.
		 */
		if (j->n_macs < ELEMENT_MACS_MAX) {
			j->n_macs++;
			sighting_mac(j->element, mac);
		} else
			j->macs_dropped++;
		if (!j->have_low_mac || mac_cmp(mac, j->low_mac) < 0) {
			memcpy(j->low_mac, mac, MAC_LEN);
			j->have_low_mac = true;
		}
		return;
	case T_ARP:
	case T_ARP6:
		if (!mac_from(v, mac)) {
			j->walk_bad++;
			return;
		}
		if (w->table == T_ARP) {
			/* ifIndex.a.b.c.d */
			if (idx_len != 5 || !inet_text(1, idx + 1, 4, text,
						sizeof(text), &kind)) {
				j->walk_bad++;
				return;
			}
		} else {
			/* ifIndex.type.length.bytes (InetAddress,
			 * length-prefixed) */
			if (idx_len < 3 || idx[2] != idx_len - 3 ||
			    !inet_text((int)idx[1], idx + 3, idx_len - 3, text,
				sizeof(text), &kind)) {
				j->walk_bad++;
				return;
			}
		}
		if (!mac_usable(mac))
			return;
		n = job_neighbour(j, "arp", "arp");
		sighting_mac(n->sighting, mac);
		sighting_add_addr(n->sighting, kind, text);
		snprintf(port, sizeof(port), "%lu", (unsigned long)idx[0]);
		n->local_port = xstrdup(port);
		return;
	case T_FDB:
		if (!mac_from(v, mac)) {
			j->walk_bad++;
			return;
		}
		if (!mac_usable(mac))
			return;
		n = job_neighbour(j, "mac", "fdb");
		sighting_mac(n->sighting, mac);
		return;
	case T_QFDB:
		/* dot1qFdbId.mac: the MAC is the last six arcs of the index. */
		if (idx_len != 7) {
			j->walk_bad++;
			return;
		}
		for (size_t i = 0; i < MAC_LEN; i++) {
			if (idx[1 + i] > 255) {
				j->walk_bad++;
				return;
			}
			mac[i] = (uint8_t)idx[1 + i];
		}
		if (!mac_usable(mac))
			return;
		n = job_neighbour(j, "mac", "fdb");
		sighting_mac(n->sighting, mac);
		if (v->type == ASN_INTEGER) {
			long_text(*v->val.integer, port, sizeof(port));
			n->local_port = xstrdup(port);
		}
		return;
	case T_COUNT:
		break;
	}
}

static void
walk_stop(struct job *j, const char *why)
{
	j->walk_end = true;
	j->walk_stop = why;
}

static void
walk_response(struct job *j, netsnmp_pdu *pdu)
{
	const struct walk_def *w = &walks[j->walk];
	netsnmp_variable_list *v;

	if (pdu->errstat == SNMP_ERR_TOOBIG && j->bulk > 1) {
		/* Ask again from the same place for fewer rows. */
		j->bulk /= 2;
		return;
	}
	if (pdu->errstat != SNMP_ERR_NOERROR) {
		/* SNMPv1 ends a walk with noSuchName. */
		if (pdu->errstat == SNMP_ERR_NOSUCHNAME &&
		    j->cred->version == 1)
			walk_stop(j, "end of table");
		else {
			j->walk_end = true;
			j->walk_stop = NULL;
			j->notes |= SWEEP_NOTE_ERROR_STATUS;
			detail_note(j, "%s: error status %s, %" PRId64 " rows",
			    w->name, snmp_errstring((int)pdu->errstat),
			    j->walk_rows);
		}
		return;
	}
	if (pdu->variables == NULL) {
		walk_stop(j, "empty response");
		return;
	}
	for (v = pdu->variables; v != NULL; v = v->next_variable) {
		if (v->type == SNMP_ENDOFMIBVIEW) {
			walk_stop(j, "endOfMibView");
			return;
		}
		if (v->name_length <= w->base_len ||
		    snmp_oidtree_compare(
			w->base, w->base_len, v->name, v->name_length) != 0) {
			walk_stop(j, "end of table");
			return;
		}
		if (v->name_length > MAX_OID_LEN) {
			j->notes |= SWEEP_NOTE_BROKEN_WALK;
			walk_stop(j, "OID too long");
			return;
		}
		if (snmp_oid_compare(
			v->name, v->name_length, j->cur, j->cur_len) <= 0) {
			j->notes |= SWEEP_NOTE_BROKEN_WALK;
			walk_stop(j, "non-increasing OID");
			return;
		}
		memcpy(j->cur, v->name, v->name_length * sizeof(oid));
		j->cur_len = v->name_length;
		if (v->type == SNMP_NOSUCHOBJECT ||
		    v->type == SNMP_NOSUCHINSTANCE) {
			j->walk_bad++;
			continue;
		}
		walk_value(j, w, v, v->name + w->base_len,
		    v->name_length - w->base_len);
		j->walk_rows++;
		j->rows++;
		if (j->rows >= j->sw->p.max_rows) {
			j->budget_spent = true;
			j->notes |= SWEEP_NOTE_BUDGET;
			walk_stop(j, "row budget");
			return;
		}
	}
}

/* ---- the net-snmp side ------------------------------------------------ */

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
	char hex[2 * 32 + 1];

	if (j->engine_id != NULL || id == NULL || len == 0 || len > 32)
		return;
	hex_render(id, len, hex, sizeof(hex));
	j->engine_id = xstrdup(hex);
}

static int
job_callback(
    int op, netsnmp_session *session, int reqid, netsnmp_pdu *pdu, void *arg)
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
		j->waiting = false;
		if (j->answered && j->phase == PH_WALK) {
			j->notes |= SWEEP_NOTE_TIMEOUT;
			detail_note(j, "%s: timeout mid-walk, %" PRId64 " rows",
			    walks[j->walk].name, j->walk_rows);
			j->cut = true;
			j->phase = PH_DONE;
		} else if (j->answered)
			j->phase = PH_DONE;
		else if (j->phase == PH_DISCOVER)
			job_fail(j,
			    "timeout (no answer to SNMPv3 engineID discovery)");
		else if (j->cred->version == 3 && j->cred->priv != NULL)
			/* An agent that cannot decrypt may just stay silent. */
			job_fail(j, "timeout after engineID discovery (wrong "
				    "privacy key?)");
		else
			job_fail(j, "timeout");
		return 1;
	default:
		j->waiting = false;
		job_fail(j, snmp_api_errstring(session->s_snmp_errno
						   ? session->s_snmp_errno
						   : SNMPERR_GENERR));
		return 1;
	}

	j->waiting = false;
	if (pdu == NULL) {
		job_fail(j, snmp_api_errstring(session->s_snmp_errno
						   ? session->s_snmp_errno
						   : SNMPERR_GENERR));
		return 1;
	}
	/* Any SNMPv3 message names its authoritative engine, even a refusal. */
	if (pdu->version == SNMP_VERSION_3)
		engine_id_note(
		    j, pdu->securityEngineID, pdu->securityEngineIDLen);
	if (j->phase == PH_DISCOVER && j->engine_id != NULL &&
	    pdu->command == SNMP_MSG_REPORT)
		return 1; /* the discovery's expected answer */
	if (pdu->command == SNMP_MSG_REPORT) {
		job_fail(j, snmp_api_errstring(snmpv3_get_report_type(pdu)));
		return 1;
	}
	if (op == NETSNMP_CALLBACK_OP_SEC_ERROR) {
		job_fail(j, snmp_api_errstring(session->s_snmp_errno
						   ? session->s_snmp_errno
						   : SNMPERR_GENERR));
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
		system_response(j, pdu);
		break;
	case PH_WALK:
		walk_response(j, pdu);
		break;
	case PH_DONE:
		break;
	}
	return 1;
}

static const char *
sess_error(void *sess)
{
	netsnmp_session *s = snmp_sess_session(sess);

	return snmp_api_errstring(
	    s != NULL && s->s_snmp_errno ? s->s_snmp_errno : snmp_errno);
}

/* Is (addr, port) inside the target range it was started from? */
static bool
sweep_in_scope(
    const struct sweep *sw, size_t range, const char *addr, uint16_t port)
{
	return range < sw->n_ranges && sw->ranges[range].port == port &&
	       cidr_contains(&sw->ranges[range].cidr, addr);
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
	/* The library times requests out; this only guards against a lost one.
	 */
	j->deadline =
	    clock_ms() + j->sw->p.timeout_ms * (j->sw->p.retries + 1) + 2000;
	j->sw->st.requests++;
	return 0;
}

static int
send_discovery(struct job *j)
{
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET);

	/* RFC 3414 §4: a request with no user and no engineID draws a Report.
	 */
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

	j->ask_again = false;
	for (int s = 0; s < S_COUNT; s++)
		if (j->ask & (1u << s))
			snmp_add_null_var(pdu, scalars[s].oid, scalars[s].len);
	return job_send(j, pdu);
}

static int
send_walk(struct job *j)
{
	netsnmp_pdu *pdu;
	int64_t left = j->sw->p.max_rows - j->rows;

	if (j->cred->version == 1)
		pdu = snmp_pdu_create(SNMP_MSG_GETNEXT);
	else {
		pdu = snmp_pdu_create(SNMP_MSG_GETBULK);
		pdu->non_repeaters = 0;
		pdu->max_repetitions = j->bulk;
		if (left < pdu->max_repetitions)
			pdu->max_repetitions = left > 0 ? (long)left : 1;
	}
	snmp_add_null_var(pdu, j->cur, j->cur_len);
	return job_send(j, pdu);
}

static bool
str_same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	       (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool
cred_same_keys(const struct cred *a, const struct cred *b)
{
	return a == b || (str_same(a->auth, b->auth) &&
			     str_same(a->auth_key, b->auth_key) &&
			     str_same(a->priv, b->priv) &&
			     str_same(a->priv_key, b->priv_key));
}

/* Another target in flight holding the USM user (engineID, name) of j. */
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

/* A target in flight using j's USM user with the same keys. */
static struct job *
usm_shared(const struct job *j)
{
	return usm_holder(j, true);
}

/* A target in flight using j's USM user with other keys: j must wait. */
static struct job *
usm_conflict(const struct job *j)
{
	return usm_holder(j, false);
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
		unsigned b;

		if (sscanf(j->engine_id + 2 * i, "%2x", &b) != 1)
			return -1;
		id[i] = (u_char)b;
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
	if (u != NULL && usm_shared(j) == NULL) {
		usm_remove_user(u);
		usm_free_user(u);
	}
	if (usm_create_user_from_session(s) != SNMPERR_SUCCESS)
		return -1;
	j->usm_user = true;
	return 0;
}

static void
walk_start(struct job *j)
{
	const struct walk_def *w = &walks[j->walk];

	memcpy(j->cur, w->base, w->base_len * sizeof(oid));
	j->cur_len = w->base_len;
	j->walk_end = false;
	j->walk_rows = 0;
	j->walk_bad = 0;
	j->walk_stop = NULL;
}

static void
walk_finish(struct job *j)
{
	const struct walk_def *w = &walks[j->walk];

	if (j->walk_bad > 0)
		j->notes |= SWEEP_NOTE_BAD_VALUES;
	if (j->walk_stop != NULL) {
		if (j->walk_bad > 0)
			detail_note(j,
			    "%s: %s, %" PRId64 " rows, %" PRId64
			    " bad values skipped",
			    w->name, j->walk_stop, j->walk_rows, j->walk_bad);
		else
			detail_note(j, "%s: %s, %" PRId64 " rows", w->name,
			    j->walk_stop, j->walk_rows);
	}
}

/* Send the job's next request, or mark it done. */
static void
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
		/* Two targets behind one engineID (or cloned engineIDs), other
		 * keys. */
		if (usm_conflict(j) != NULL) {
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
		if (j->ask_again) {
			send_system(j);
			return;
		}
		j->phase = PH_WALK;
		j->walk = 0;
		walk_start(j);
		send_walk(j);
		return;
	case PH_WALK:
		if (!j->walk_end) {
			send_walk(j);
			return;
		}
		walk_finish(j);
		if (j->budget_spent) {
			j->phase = PH_DONE;
			return;
		}
		{
			size_t prev = j->walk;
			bool empty = j->walk_rows == 0;

			j->walk++;
			/* A group whose first column is empty has no rows. */
			if (empty && (prev == 0 || walks[prev - 1].group !=
						       walks[prev].group))
				while (
				    j->walk < ARRAY_SIZE(walks) &&
				    walks[j->walk].group == walks[prev].group)
					j->walk++;
		}
		if (j->walk >= ARRAY_SIZE(walks)) {
			j->phase = PH_DONE;
			return;
		}
		walk_start(j);
		send_walk(j);
		return;
	case PH_DONE:
		return;
	}
}

/* ---- targets in flight ------------------------------------------------ */

static const oid *
auth_proto(const char *name, size_t *len)
{
	static const struct {
		const char *name;
		const oid *oid;
	} tab[] = {
	    {"MD5", usmHMACMD5AuthProtocol},
	    {"SHA", usmHMACSHA1AuthProtocol},
	    {"SHA-1", usmHMACSHA1AuthProtocol},
	    {"SHA-224", usmHMAC128SHA224AuthProtocol},
	    {"SHA-256", usmHMAC192SHA256AuthProtocol},
	    {"SHA-384", usmHMAC256SHA384AuthProtocol},
	    {"SHA-512", usmHMAC384SHA512AuthProtocol},
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

static void
by_fd_set(struct sweep *sw, int fd, struct job *j)
{
	if (fd < 0)
		return;
	if ((size_t)fd >= sw->n_by_fd) {
		size_t n = sw->n_by_fd ? sw->n_by_fd : 64;

		while (n <= (size_t)fd)
			n *= 2;
		sw->by_fd = xreallocarray(sw->by_fd, n, sizeof(*sw->by_fd));
		memset(sw->by_fd + sw->n_by_fd, 0,
		    (n - sw->n_by_fd) * sizeof(*sw->by_fd));
		sw->n_by_fd = n;
	}
	sw->by_fd[fd] = j;
}

static void
job_free(struct job *j)
{
	if (j->sess != NULL) {
		by_fd_set(j->sw, j->fd, NULL);
		snmp_sess_close(j->sess);
	}
	sighting_free(j->element);
	for (size_t i = 0; i < j->n_nb; i++) {
		sighting_free(j->nb[i].sighting);
		free(j->nb[i].local_port);
		free(j->nb[i].remote_port);
	}
	free(j->nb);
	for (size_t t = 0; t < T_COUNT; t++)
		rowset_finish(&j->tab[t]);
	free(j->failure);
	free(j->engine_id);
	free(j->detail.s);
	free(j);
}

/* Deliver a finished target to the callbacks. */
static void
job_deliver(struct job *j)
{
	struct sweep *sw = j->sw;

	if (j->answered) {
		struct sweep_result r;

		entity_assemble(j);
		lldp_assemble(j);
		cdp_assemble(j);
		if (j->engine_id != NULL)
			sighting_add_input(
			    j->element, EV_ENGINEID, j->engine_id);
		/* Chassis MAC: LLDP's own chassis ID, else the lowest interface
		 * MAC. */
		if (j->have_lldp_mac && j->lldp_subtype == 4 &&
		    mac_usable(j->lldp_mac)) {
			sighting_mac(j->element, j->lldp_mac);
			j->element->chassis_mac = xmalloc(MAC_STRLEN);
			mac_format(j->lldp_mac, j->element->chassis_mac);
		} else if (j->have_low_mac) {
			j->element->chassis_mac = xmalloc(MAC_STRLEN);
			mac_format(j->low_mac, j->element->chassis_mac);
		}
		if (j->macs_dropped > 0)
			detail_note(j,
			    "ifPhysAddress: %zu MACs beyond %d not kept",
			    j->macs_dropped, ELEMENT_MACS_MAX);
		if (j->failure != NULL) {
			j->notes |= SWEEP_NOTE_FAILED;
			detail_note(j, "%s", j->failure);
		}
		memset(&r, 0, sizeof(r));
		r.address = j->addr;
		r.port = j->port;
		r.section = j->cred->section;
		r.zone = j->cred->zone;
		r.element = j->element;
		r.neighbours = j->nb;
		r.n_neighbours = j->n_nb;
		r.rows = j->rows;
		r.detail = j->detail.s != NULL ? j->detail.s : "";
		r.notes = j->notes;
		sw->st.answered++;
		sw->st.rows += (uint64_t)j->rows;
		if (sw->cb.on_element != NULL)
			sw->cb.on_element(sw->ctx, &r);
		/* The callee may have taken the element. */
		j->element = r.element;
	} else {
		sw->st.failed++;
		log_debug(TOK, "%s: %s", j->peer,
		    j->failure ? j->failure : "no answer");
		if (sw->cb.on_failure != NULL)
			sw->cb.on_failure(sw->ctx, j->addr, j->port,
			    j->cred->section,
			    j->failure ? j->failure : "no answer",
			    j->engine_id);
	}
}

/* Start one target: open its session and send the first request. */
static struct job *
job_start(struct sweep *sw, size_t range, uint64_t off)
{
	const struct range *r = &sw->ranges[range];
	struct job *j = xcalloc(1, sizeof(*j));
	const struct cred *c = sw->creds[r->cred];
	netsnmp_session s;
	const char *why = NULL;

	j->sw = sw;
	j->range = range;
	j->cred = c;
	j->port = r->port;
	j->family = r->cidr.family;
	j->fd = -1;
	j->ask = (1u << S_COUNT) - 1;
	j->bulk = sw->p.bulk_size;
	j->element = sighting_new("snmp", time_now());
	if (cidr_nth(&r->cidr, r->first + off, j->addr, sizeof(j->addr)) < 0) {
		job_fail(j, "address out of range");
		return j;
	}
	if (j->family == AF_INET6)
		snprintf(
		    j->peer, sizeof(j->peer), "udp6:[%s]:%u", j->addr, j->port);
	else
		snprintf(
		    j->peer, sizeof(j->peer), "udp:%s:%u", j->addr, j->port);
	sighting_set(&j->element->mgmt_ip, j->addr);
	sighting_add_addr(
	    j->element, j->family == AF_INET6 ? ADDR_IPV6 : ADDR_IPV4, j->addr);
	if (c->zone != NULL)
		sighting_set(&j->element->zone, c->zone);

	snmp_sess_init(&s);
	s.peername = j->peer;
	s.timeout = (long)(sw->p.timeout_ms * 1000);
	s.retries = sw->p.retries;
	switch (c->version) {
	case 1:
	case 2:
		s.version = c->version == 1 ? SNMP_VERSION_1 : SNMP_VERSION_2c;
		if (c->community == NULL) {
			job_fail(j, "no community");
			return j;
		}
		s.community = (u_char *)c->community;
		s.community_len = strlen(c->community);
		break;
	case 3:
		s.version = SNMP_VERSION_3;
		if (v3_session(&s, c, &why) < 0) {
			free(s.securityAuthProto);
			free(s.securityPrivProto);
			job_fail(j, why);
			return j;
		}
		break;
	default:
		job_fail(j, "unknown SNMP version");
		return j;
	}
	j->sess = snmp_sess_open(&s);
	/* snmp_sess_open copied what it needs. */
	free(s.securityAuthProto);
	free(s.securityPrivProto);
	memset(s.securityAuthKey, 0, sizeof(s.securityAuthKey));
	memset(s.securityPrivKey, 0, sizeof(s.securityPrivKey));
	if (j->sess == NULL) {
		char reason[256];

		snprintf(reason, sizeof(reason), "cannot open session: %s",
		    snmp_api_errstring(s.s_snmp_errno));
		job_fail(j, reason);
		return j;
	}
	/* snmp_sess_open clears the flag: sending would then probe, blocking.
	 */
	if (c->version == 3)
		snmp_sess_session(j->sess)->flags |= SNMP_FLAGS_DONT_PROBE;
	j->fd = snmp_sess_transport(j->sess)->sock;
	by_fd_set(sw, j->fd, j);
	if (c->version == 3) {
		j->phase = PH_DISCOVER;
		send_discovery(j);
	} else {
		j->phase = PH_SYSTEM;
		send_system(j);
	}
	return j;
}

/* Start targets until the window is full. */
static void
sweep_admit(struct sweep *sw)
{
	while (sw->n_active < (size_t)sw->p.max_inflight &&
	       sw->next_range < sw->n_ranges) {
		struct range *r = &sw->ranges[sw->next_range];
		struct job *j;

		if (sw->next_off >= r->count) {
			sw->next_range++;
			sw->next_off = 0;
			continue;
		}
		j = job_start(sw, sw->next_range, sw->next_off++);
		j->slot = sw->n_active;
		sw->active[sw->n_active++] = j;
	}
}

/* Move finished targets out, deliver them, start the next ones. */
static void
sweep_step(struct sweep *sw)
{
	bool again = true;

	while (again) {
		again = false;
		for (size_t i = 0; i < sw->n_active;) {
			struct job *j = sw->active[i];

			job_next(j);
			if (j->phase != PH_DONE || j->waiting) {
				i++;
				continue;
			}
			sw->active[i] = sw->active[--sw->n_active];
			if (i < sw->n_active)
				sw->active[i]->slot = i;
			job_deliver(j);
			job_free(j);
			/* A target waiting for this one's USM user may go on.
			 */
			again = true;
		}
		if (sw->n_active < (size_t)sw->p.max_inflight &&
		    sw->next_range < sw->n_ranges) {
			/* Targets that fail at once are delivered on the next
			 * pass. */
			sweep_admit(sw);
			again = true;
		}
	}
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

static void
lib_init(void)
{
	struct rlimit rl;

	if (lib_ready)
		return;
	/* Numeric OIDs only: no MIB files, no snmp.conf, no persistent state.
	 */
	setenv("MIBS", "", 1);
	netsnmp_ds_set_boolean(
	    NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(
	    NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(
	    NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_boolean(
	    NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	snmp_disable_log();
	snmp_register_callback(
	    SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, lib_log, NULL);
	snmp_enable_calllog();
	init_snmp("vraudit");
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

/* ---- public API ------------------------------------------------------- */

void
sweep_params_init(struct sweep_params *p)
{
	p->timeout_ms = 1000;
	p->retries = 1;
	p->max_inflight = 1024;
	p->max_rows = 100000;
	p->bulk_size = 25;
}

struct sweep *
sweep_new(
    const struct sweep_params *p, const struct sweep_callbacks *cb, void *ctx)
{
	struct sweep *sw = xcalloc(1, sizeof(*sw));
	struct rlimit rl;

	lib_init();
	if (p != NULL)
		sw->p = *p;
	else
		sweep_params_init(&sw->p);
	if (sw->p.max_inflight < 1)
		sw->p.max_inflight = 1;
	if (sw->p.max_rows < 1)
		sw->p.max_rows = 1;
	if (sw->p.bulk_size < 1)
		sw->p.bulk_size = 1;
	if (sw->p.timeout_ms < 1)
		sw->p.timeout_ms = 1;
	if (sw->p.retries < 0)
		sw->p.retries = 0;
	/* One socket per target in flight, and room for the rest of the
	 * program. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY &&
	    (rlim_t)sw->p.max_inflight + 64 > rl.rlim_cur) {
		int cap = rl.rlim_cur > 128 ? (int)(rl.rlim_cur - 64) : 64;

		log_info(TOK,
		    "open file limit %llu: %d targets in flight, not %d",
		    (unsigned long long)rl.rlim_cur, cap, sw->p.max_inflight);
		sw->p.max_inflight = cap;
	}
	if (cb != NULL)
		sw->cb = *cb;
	sw->ctx = ctx;
	sw->active = xcalloc((size_t)sw->p.max_inflight, sizeof(*sw->active));
	netsnmp_large_fd_set_init(&sw->lfs, FD_SETSIZE);
	NETSNMP_LARGE_FD_ZERO(&sw->lfs);
	return sw;
}

size_t
sweep_cred_add(struct sweep *sw, const struct sweep_cred *t)
{
	struct cred *c;

	sw->creds =
	    xreallocarray(sw->creds, sw->n_creds + 1, sizeof(*sw->creds));
	c = sw->creds[sw->n_creds] = xcalloc(1, sizeof(*c));
	c->version = t->version ? t->version : 2;
	c->port = t->port ? t->port : 161;
	c->community = xstrdup(t->community);
	c->user = xstrdup(t->user);
	c->auth = xstrdup(t->auth);
	c->auth_key = xstrdup(t->auth_key);
	c->priv = xstrdup(t->priv);
	c->priv_key = xstrdup(t->priv_key);
	c->zone = xstrdup(t->zone);
	c->section = xstrdup(t->section);
	return sw->n_creds++;
}

static int
range_add(struct sweep *sw, const struct cidr *cidr, uint16_t port, size_t cred,
    const char *spec, char *err, size_t errlen)
{
	struct range *r;
	uint64_t size = cidr_size(cidr);

	if (size == 0) {
		snprintf(err, errlen, "%s: block too large to sweep", spec);
		return -1;
	}
	sw->ranges =
	    xreallocarray(sw->ranges, sw->n_ranges + 1, sizeof(*sw->ranges));
	r = &sw->ranges[sw->n_ranges++];
	r->cidr = *cidr;
	r->port = port;
	r->cred = cred;
	r->first = 0;
	r->count = size;
	/* IPv4 blocks shorter than /31 have a network and a broadcast address.
	 */
	if (cidr->family == AF_INET && cidr->prefix < 31) {
		r->first = 1;
		r->count = size - 2;
	}
	sw->st.targets += r->count;
	return 0;
}

/* Split "addr", "addr:port", "[v6]:port", "block" or "block:port". */
static int
spec_parse(const char *spec, struct cidr *cidr, uint16_t *port, char *err,
    size_t errlen)
{
	char host[128];
	const char *colon, *msg = NULL;
	size_t hl;

	*port = 0;
	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');

		if (end == NULL)
			goto bad;
		hl = (size_t)(end - spec - 1);
		if (hl >= sizeof(host))
			goto bad;
		memcpy(host, spec + 1, hl);
		host[hl] = '\0';
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] != '\0' && colon == NULL)
			goto bad;
	} else {
		colon = strchr(spec, ':');
		/* Two colons or more: a bare IPv6 address or block. */
		if (colon != NULL && strchr(colon + 1, ':') != NULL)
			colon = NULL;
		hl = colon ? (size_t)(colon - spec) : strlen(spec);
		if (hl >= sizeof(host))
			goto bad;
		memcpy(host, spec, hl);
		host[hl] = '\0';
	}
	if (colon != NULL) {
		char *end;
		unsigned long p;

		errno = 0;
		p = strtoul(colon + 1, &end, 10);
		if (errno != 0 || *end != '\0' || p == 0 || p > 65535 ||
		    colon[1] == '\0')
			goto bad;
		*port = (uint16_t)p;
	}
	if (cidr_parse(host, cidr, &msg) < 0) {
		snprintf(
		    err, errlen, "%s: %s", spec, msg ? msg : "not an address");
		return -1;
	}
	return 0;
bad:
	snprintf(err, errlen, "%s: not an address, host:port or block", spec);
	return -1;
}

int
sweep_add(struct sweep *sw, size_t cred, const char *spec, char *err,
    size_t errlen)
{
	struct cidr cidr;
	uint16_t port;

	if (spec_parse(spec, &cidr, &port, err, errlen) < 0)
		return -1;
	return sweep_add_block(sw, cred, &cidr, port, spec, err, errlen);
}

int
sweep_add_block(struct sweep *sw, size_t cred, const struct cidr *block,
    uint16_t port, const char *label, char *err, size_t errlen)
{
	if (cred >= sw->n_creds) {
		snprintf(err, errlen, "%s: no such credentials", label);
		return -1;
	}
	return range_add(sw, block, port ? port : sw->creds[cred]->port, cred,
	    label, err, errlen);
}

int
sweep_pollfds(struct sweep *sw, struct pollfd **fds, size_t *n, int *timeout_ms)
{
	int64_t best = -1, now;

	sweep_step(sw);
	now = clock_ms();
	sw->pfds = xreallocarray(
	    sw->pfds, sw->n_active ? sw->n_active : 1, sizeof(*sw->pfds));
	sw->n_pfds = 0;
	for (size_t i = 0; i < sw->n_active; i++) {
		struct job *j = sw->active[i];
		struct timeval tv = {0, 0};
		int numfds = 0, block = 1;

		if (j->sess == NULL || j->fd < 0)
			continue;
		sw->pfds[sw->n_pfds].fd = j->fd;
		sw->pfds[sw->n_pfds].events = POLLIN;
		sw->pfds[sw->n_pfds].revents = 0;
		sw->n_pfds++;
		snmp_sess_select_info2(j->sess, &numfds, &sw->lfs, &tv, &block);
		NETSNMP_LARGE_FD_CLR(j->fd, &sw->lfs);
		if (j->waiting) {
			int64_t left = j->deadline - now;

			if (left < 0)
				left = 0;
			if (best < 0 || left < best)
				best = left;
		}
		if (!block) {
			/* Round up: waking early would only spin. */
			int64_t ms = (int64_t)tv.tv_sec * 1000 +
				     (tv.tv_usec + 999) / 1000;

			if (best < 0 || ms < best)
				best = ms;
		}
	}
	if (best > INT_MAX)
		best = INT_MAX;
	*fds = sw->pfds;
	*n = sw->n_pfds;
	*timeout_ms = (int)best;
	return 0;
}

int
sweep_handle(struct sweep *sw, const struct pollfd *fds, size_t n)
{
	int64_t now;

	for (size_t i = 0; i < n; i++) {
		struct job *j;
		int fd = fds[i].fd;

		if (fds[i].revents == 0 || fd < 0 || (size_t)fd >= sw->n_by_fd)
			continue;
		if ((j = sw->by_fd[fd]) == NULL || j->sess == NULL)
			continue;
		NETSNMP_LARGE_FD_SET(fd, &sw->lfs);
		snmp_sess_read2(j->sess, &sw->lfs);
		NETSNMP_LARGE_FD_CLR(fd, &sw->lfs);
	}
	/* Resends and timeouts: the library checks each session's clock. */
	now = clock_ms();
	for (size_t i = 0; i < sw->n_active; i++) {
		struct job *j = sw->active[i];

		if (j->sess == NULL || !j->waiting)
			continue;
		snmp_sess_timeout(j->sess);
		if (j->waiting && now > j->deadline) {
			log_warnx(
			    TOK, "%s: request lost by the library", j->peer);
			j->waiting = false;
			if (j->answered) {
				j->notes |= SWEEP_NOTE_LOST;
				detail_note(j, "%s: request lost",
				    j->phase == PH_WALK ? walks[j->walk].name
							: "system");
			}
			job_fail(j, "no answer (request lost)");
		}
	}
	sweep_step(sw);
	return 0;
}

bool
sweep_done(const struct sweep *sw)
{
	return sw->n_active == 0 && sw->next_range >= sw->n_ranges;
}

int
sweep_run(struct sweep *sw)
{
	while (!sweep_done(sw)) {
		struct pollfd *fds;
		size_t n;
		int timeout, rc;

		if (sweep_pollfds(sw, &fds, &n, &timeout) < 0)
			return -1;
		if (sweep_done(sw))
			break;
		rc = poll(fds, (nfds_t)n, timeout);
		if (rc < 0 && errno != EINTR) {
			log_warn(TOK, "poll");
			return -1;
		}
		if (rc < 0)
			continue;
		if (sweep_handle(sw, fds, rc > 0 ? n : 0) < 0)
			return -1;
	}
	return 0;
}

void
sweep_stats(const struct sweep *sw, struct sweep_stats *st)
{
	*st = sw->st;
}

static void
secret_free(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void
sweep_free(struct sweep *sw)
{
	if (sw == NULL)
		return;
	for (size_t i = 0; i < sw->n_active; i++)
		job_free(sw->active[i]);
	for (size_t i = 0; i < sw->n_creds; i++) {
		struct cred *c = sw->creds[i];

		secret_free(c->community);
		secret_free(c->auth_key);
		secret_free(c->priv_key);
		free(c->user);
		free(c->auth);
		free(c->priv);
		free(c->zone);
		free(c->section);
		free(c);
	}
	free(sw->creds);
	free(sw->ranges);
	free(sw->active);
	free(sw->by_fd);
	free(sw->pfds);
	netsnmp_large_fd_set_cleanup(&sw->lfs);
	free(sw);
}
