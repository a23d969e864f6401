/*
 * Building, releasing and packing sightings.
 */
#include "common/sighting.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

struct sighting *
sighting_new(const char *source, int64_t when)
{
	struct sighting *s = xcalloc(1, sizeof(*s));

	s->source = source;
	s->observed_at = when;
	return s;
}

void
sighting_free(struct sighting *s)
{
	if (s == NULL)
		return;
	free(s->zone);
	free(s->mgmt_ip);
	free(s->chassis_mac);
	free(s->chassis_id);
	free(s->serial);
	free(s->sys_name);
	free(s->sys_descr);
	free(s->sys_object_id);
	free(s->model);
	free(s->software);
	for (size_t i = 0; i < s->n_addrs; i++)
		free(s->addrs[i].value);
	free(s->addrs);
	for (size_t i = 0; i < s->n_inputs; i++)
		free(s->inputs[i].value);
	free(s->inputs);
	free(s);
}

void
sighting_set(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value);
}

void
sighting_add_addr(struct sighting *s, enum addr_kind kind, const char *value)
{
	for (size_t i = 0; i < s->n_addrs; i++)
		if (s->addrs[i].kind == kind &&
		    strcmp(s->addrs[i].value, value) == 0)
			return;
	s->addrs = xreallocarray(s->addrs, s->n_addrs + 1, sizeof(*s->addrs));
	s->addrs[s->n_addrs].kind = kind;
	s->addrs[s->n_addrs].value = xstrdup(value);
	s->n_addrs++;
}

void
sighting_add_input(struct sighting *s, enum evidence_kind kind,
    const char *value)
{
	for (size_t i = 0; i < s->n_inputs; i++)
		if (s->inputs[i].kind == kind &&
		    strcmp(s->inputs[i].value, value) == 0)
			return;
	s->inputs =
	    xreallocarray(s->inputs, s->n_inputs + 1, sizeof(*s->inputs));
	s->inputs[s->n_inputs].kind = kind;
	s->inputs[s->n_inputs].value = xstrdup(value);
	s->n_inputs++;
}

const char *
addr_kind_name(enum addr_kind kind)
{
	switch (kind) {
	case ADDR_MAC:
		return "mac";
	case ADDR_IPV4:
		return "ipv4";
	case ADDR_IPV6:
		return "ipv6";
	}
	return "invalid";
}

/*
 * Packed form, in this order:
 *   observed_at		8 bytes, host order
 *   source		a byte: an index in known_sources, SRC_NONE, or
 *			SRC_OTHER followed by the pointer (sources are
 *			static strings)
 *   flags		a byte: FLAG_CONTENT, then content_mac (6 bytes)
 *			and content_digest (4 bytes, host order) follow;
 *			FLAG_HEARSAY
 *   fields present	2 bytes, bit i for string field i of fields[]
 *   each present field	its length (LEB128) and its bytes
 *   addresses, inputs	a count (LEB128), then each a kind byte and the
 *			value: with KIND_MAC6 set in the kind, a canonical
 *			MAC as its 6 bytes, else a length and the bytes
 */
#define SRC_NONE 0xfe
#define SRC_OTHER 0xff
#define KIND_MAC6 0x80
#define FLAG_CONTENT 0x01
#define FLAG_HEARSAY 0x02
#define N_FIELDS 10

static const char *const known_sources[] = {
	"snmp",
	"lldp",
	"cdp",
	"arp",
	"dhcp",
	"mac",
	"ssh",
	"http",
	"tls",
	"ssdp",
	"mdns",
};

/* The sighting's string fields, in packing order. */
static const size_t fields[N_FIELDS] = {
	offsetof(struct sighting, zone),
	offsetof(struct sighting, mgmt_ip),
	offsetof(struct sighting, chassis_mac),
	offsetof(struct sighting, chassis_id),
	offsetof(struct sighting, serial),
	offsetof(struct sighting, sys_name),
	offsetof(struct sighting, sys_descr),
	offsetof(struct sighting, sys_object_id),
	offsetof(struct sighting, model),
	offsetof(struct sighting, software),
};

static char **
field(struct sighting *s, int i)
{
	return (char **)(void *)((char *)s + fields[i]);
}

static const char *
field_value(const struct sighting *s, int i)
{
	return *(char *const *)(const void *)((const char *)s + fields[i]);
}

/* Writes to out when it is not NULL; counts either way. */
struct packer {
	uint8_t *out;
	size_t len;
};

static void
put(struct packer *pk, const void *p, size_t n)
{
	if (pk->out != NULL)
		memcpy(pk->out + pk->len, p, n);
	pk->len += n;
}

static void
put_byte(struct packer *pk, uint8_t b)
{
	put(pk, &b, 1);
}

static void
put_varint(struct packer *pk, size_t v)
{
	while (v >= 0x80) {
		put_byte(pk, (uint8_t)(v | 0x80));
		v >>= 7;
	}
	put_byte(pk, (uint8_t)v);
}

static void
put_string(struct packer *pk, const char *v)
{
	size_t n = strlen(v);

	put_varint(pk, n);
	put(pk, v, n);
}

/* A value as a kind byte and a canonical MAC's 6 bytes, or as text. */
static void
put_value(struct packer *pk, unsigned kind, const char *v)
{
	uint8_t mac[MAC_LEN];
	char canon[MAC_STRLEN];

	if (strlen(v) == MAC_STRLEN - 1 && mac_parse(v, mac) == 0) {
		mac_format(mac, canon);
		if (strcmp(canon, v) == 0) {
			put_byte(pk, (uint8_t)(kind | KIND_MAC6));
			put(pk, mac, MAC_LEN);
			return;
		}
	}
	put_byte(pk, (uint8_t)kind);
	put_string(pk, v);
}

size_t
sighting_pack(const struct sighting *s, uint8_t *out)
{
	struct packer pk = { out, 0 };
	uint16_t present = 0;
	uint8_t src = SRC_OTHER;

	put(&pk, &s->observed_at, sizeof(s->observed_at));
	if (s->source == NULL)
		src = SRC_NONE;
	for (size_t i = 0; s->source != NULL && i < ARRAY_SIZE(known_sources);
	     i++)
		if (strcmp(s->source, known_sources[i]) == 0)
			src = (uint8_t)i;
	put_byte(&pk, src);
	if (src == SRC_OTHER)
		put(&pk, &s->source, sizeof(s->source));
	put_byte(&pk,
	    (uint8_t)((s->has_content ? FLAG_CONTENT : 0) |
		(s->hearsay ? FLAG_HEARSAY : 0)));
	if (s->has_content) {
		put(&pk, s->content_mac, sizeof(s->content_mac));
		put(&pk, &s->content_digest, sizeof(s->content_digest));
	}
	for (int i = 0; i < N_FIELDS; i++)
		if (field_value(s, i) != NULL)
			present |= (uint16_t)(1u << i);
	put(&pk, &present, sizeof(present));
	for (int i = 0; i < N_FIELDS; i++)
		if (field_value(s, i) != NULL)
			put_string(&pk, field_value(s, i));
	put_varint(&pk, s->n_addrs);
	for (size_t i = 0; i < s->n_addrs; i++)
		put_value(&pk, s->addrs[i].kind, s->addrs[i].value);
	put_varint(&pk, s->n_inputs);
	for (size_t i = 0; i < s->n_inputs; i++)
		put_value(&pk, s->inputs[i].kind, s->inputs[i].value);
	return pk.len;
}

/* Reads within [p, end); bad once anything did not fit. */
struct unpacker {
	const uint8_t *p, *end;
	bool bad;
};

static bool
get(struct unpacker *u, void *out, size_t n)
{
	if (u->bad || (size_t)(u->end - u->p) < n) {
		u->bad = true;
		return false;
	}
	memcpy(out, u->p, n);
	u->p += n;
	return true;
}

static size_t
get_varint(struct unpacker *u)
{
	size_t v = 0;
	uint8_t b;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (!get(u, &b, 1))
			return 0;
		v |= (size_t)(b & 0x7f) << shift;
		if ((b & 0x80) == 0)
			return v;
	}
	u->bad = true;
	return 0;
}

/* A new string of a length and its bytes; NULL when bad. */
static char *
get_string(struct unpacker *u)
{
	size_t n = get_varint(u);
	char *v;

	if (u->bad || (size_t)(u->end - u->p) < n) {
		u->bad = true;
		return NULL;
	}
	v = xmalloc(n + 1);
	memcpy(v, u->p, n);
	v[n] = '\0';
	u->p += n;
	return v;
}

/* A kind byte (below limit) and its value, as put_value wrote them. */
static char *
get_value(struct unpacker *u, unsigned limit, unsigned *kind)
{
	uint8_t k, mac[MAC_LEN];
	char *v;

	*kind = 0;
	if (!get(u, &k, 1))
		return NULL;
	*kind = k & ~KIND_MAC6;
	if (*kind >= limit) {
		u->bad = true;
		return NULL;
	}
	if ((k & KIND_MAC6) == 0)
		return get_string(u);
	if (!get(u, mac, MAC_LEN))
		return NULL;
	v = xmalloc(MAC_STRLEN);
	mac_format(mac, v);
	return v;
}

/* A count of n items of size each that the bytes left can hold. */
static size_t
get_count(struct unpacker *u, size_t each)
{
	size_t n = get_varint(u);

	if (n > (size_t)(u->end - u->p) / each) {
		u->bad = true;
		return 0;
	}
	return n;
}

struct sighting *
sighting_unpack(const uint8_t *p, size_t len)
{
	struct unpacker u = { p, p + len, false };
	struct sighting *s = xcalloc(1, sizeof(*s));
	uint16_t present = 0;
	uint8_t src = 0, content = 0;
	unsigned kind = 0; /* left unset when the bytes run out */
	size_t n;

	get(&u, &s->observed_at, sizeof(s->observed_at));
	get(&u, &src, 1);
	if (src == SRC_OTHER)
		get(&u, &s->source, sizeof(s->source));
	else if (src < ARRAY_SIZE(known_sources))
		s->source = known_sources[src];
	else if (src != SRC_NONE)
		u.bad = true;
	get(&u, &content, 1);
	if ((content & ~(FLAG_CONTENT | FLAG_HEARSAY)) != 0)
		u.bad = true;
	s->has_content = (content & FLAG_CONTENT) != 0;
	s->hearsay = (content & FLAG_HEARSAY) != 0;
	if (s->has_content) {
		get(&u, s->content_mac, sizeof(s->content_mac));
		get(&u, &s->content_digest, sizeof(s->content_digest));
	}
	get(&u, &present, sizeof(present));
	if (present >> N_FIELDS != 0)
		u.bad = true;
	for (int i = 0; !u.bad && i < N_FIELDS; i++)
		if (present & (1u << i))
			*field(s, i) = get_string(&u);
	/* Each address or input takes two bytes at least. */
	n = get_count(&u, 2);
	if (n > 0)
		s->addrs = xcalloc(n, sizeof(*s->addrs));
	for (size_t i = 0; !u.bad && i < n; i++) {
		s->addrs[i].value = get_value(&u, ADDR_IPV6 + 1, &kind);
		s->addrs[i].kind = (enum addr_kind)kind;
		if (s->addrs[i].value != NULL)
			s->n_addrs++;
	}
	n = get_count(&u, 2);
	if (n > 0)
		s->inputs = xcalloc(n, sizeof(*s->inputs));
	for (size_t i = 0; !u.bad && i < n; i++) {
		s->inputs[i].value = get_value(&u, EV_KIND_COUNT, &kind);
		s->inputs[i].kind = (enum evidence_kind)kind;
		if (s->inputs[i].value != NULL)
			s->n_inputs++;
	}
	if (u.bad || u.p != u.end) {
		sighting_free(s);
		return NULL;
	}
	return s;
}
